/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_MODEL_PAGE (siyu_model_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuModelPage, siyu_model_page, SIYU, MODEL_PAGE, AdwPreferencesPage)

SiyuModelPage *siyu_model_page_new (SiyuShopRunner *runner);

G_END_DECLS
