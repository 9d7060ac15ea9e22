/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_BACKUPS_PAGE (siyu_backups_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuBackupsPage, siyu_backups_page, SIYU, BACKUPS_PAGE, AdwPreferencesPage)

SiyuBackupsPage *siyu_backups_page_new          (SiyuShopRunner  *runner);
gboolean         siyu_backups_page_is_restoring (SiyuBackupsPage *self);

G_END_DECLS
