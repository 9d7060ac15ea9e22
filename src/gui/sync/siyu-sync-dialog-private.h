/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-sync-dialog.h"

G_BEGIN_DECLS

gboolean    _siyu_sync_dialog_is_busy    (SiyuSyncDialog *self);
const char *_siyu_sync_dialog_get_result (SiyuSyncDialog *self);
const char *_siyu_sync_dialog_get_detail (SiyuSyncDialog *self);
void        _siyu_sync_dialog_stop       (SiyuSyncDialog *self);
const char *_siyu_sync_dialog_get_title  (SiyuSyncDialog *self);
guint       _siyu_sync_dialog_get_n_rejects (SiyuSyncDialog *self);
AdwActionRow *_siyu_sync_dialog_get_reject_row (SiyuSyncDialog *self,
                                              guint           index);
void        _siyu_sync_dialog_retry      (SiyuSyncDialog *self);

G_END_DECLS
