/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-accounts-page.h"
#include "siyu-sync-dialog.h"

G_BEGIN_DECLS

gboolean          _siyu_accounts_page_is_busy         (SiyuAccountsPage *self);
guint             _siyu_accounts_page_get_n_accounts  (SiyuAccountsPage *self);
AdwActionRow     *_siyu_accounts_page_get_row         (SiyuAccountsPage *self,
                                                       guint             index);
GtkSwitch        *_siyu_accounts_page_get_on_open     (SiyuAccountsPage *self);
void              _siyu_accounts_page_test            (SiyuAccountsPage *self,
                                                       const char       *account);
const char       *_siyu_accounts_page_get_verdict     (SiyuAccountsPage *self);
SiyuSyncDialog   *_siyu_accounts_page_sync            (SiyuAccountsPage *self,
                                                       const char       *account);
AdwMessageDialog *_siyu_accounts_page_open_add        (SiyuAccountsPage *self);
void              _siyu_accounts_page_fill_add        (SiyuAccountsPage *self,
                                                       guint             platform,
                                                       const char       *name,
                                                       const char       *shop_url,
                                                       const char       *token,
                                                       const char       *key,
                                                       const char       *secret);
const char       *_siyu_accounts_page_get_add_problem (SiyuAccountsPage *self);
AdwMessageDialog *_siyu_accounts_page_get_confirm_dialog (SiyuAccountsPage *self);

G_END_DECLS
