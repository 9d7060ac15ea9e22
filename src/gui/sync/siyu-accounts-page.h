/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_ACCOUNTS_PAGE (siyu_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuAccountsPage, siyu_accounts_page, SIYU, ACCOUNTS_PAGE, AdwPreferencesPage)

SiyuAccountsPage *siyu_accounts_page_new (SiyuShopRunner *runner);

G_END_DECLS
