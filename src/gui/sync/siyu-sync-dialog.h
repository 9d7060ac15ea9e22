/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_SYNC_DIALOG (siyu_sync_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuSyncDialog, siyu_sync_dialog, SIYU, SYNC_DIALOG, AdwWindow)

SiyuSyncDialog *siyu_sync_dialog_new          (GtkWindow      *parent,
                                               GtkWindow      *window,
                                               SiyuShopRunner *runner,
                                               const char     *account);
void            siyu_sync_dialog_sync_on_open (GtkWindow      *window,
                                               SiyuShopRunner *runner);

G_END_DECLS
