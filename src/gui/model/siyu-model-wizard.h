/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_MODEL_WIZARD (siyu_model_wizard_get_type ())
G_DECLARE_FINAL_TYPE (SiyuModelWizard, siyu_model_wizard, SIYU, MODEL_WIZARD, AdwWindow)

SiyuModelWizard *siyu_model_wizard_new (GtkWindow      *parent,
                                        SiyuShopRunner *runner);

G_END_DECLS
