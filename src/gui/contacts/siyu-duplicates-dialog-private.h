/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-duplicates-dialog.h"

G_BEGIN_DECLS

/* For the tests. */
gboolean      _siyu_duplicates_dialog_is_busy (SiyuDuplicatesDialog *self);
guint         _siyu_duplicates_dialog_get_n_pairs (SiyuDuplicatesDialog *self);
AdwActionRow *_siyu_duplicates_dialog_get_row (SiyuDuplicatesDialog *self,
                                               guint                 index);
void          _siyu_duplicates_dialog_merge (SiyuDuplicatesDialog *self,
                                             guint                 index);
void          _siyu_duplicates_dialog_keep_apart (SiyuDuplicatesDialog *self,
                                                  guint                 index);

G_END_DECLS
