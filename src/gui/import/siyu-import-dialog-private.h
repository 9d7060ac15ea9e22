/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-import.h"
#include "siyu-import-dialog.h"

G_BEGIN_DECLS

const char *_siyu_import_dialog_get_step        (SiyuImportDialog *self);
SiyuImport *_siyu_import_dialog_get_import      (SiyuImportDialog *self);
void        _siyu_import_dialog_next            (SiyuImportDialog *self);
void        _siyu_import_dialog_cancel          (SiyuImportDialog *self);
gboolean    _siyu_import_dialog_can_go_on       (SiyuImportDialog *self);
void        _siyu_import_dialog_set_kind        (SiyuImportDialog *self,
                                                 SiyuImportKind    kind);
gboolean    _siyu_import_dialog_map             (SiyuImportDialog *self,
                                                 const char       *field,
                                                 const char       *column);
const char *_siyu_import_dialog_get_column_hint (SiyuImportDialog *self,
                                                 const char       *field);
const char *_siyu_import_dialog_get_reject_path (SiyuImportDialog *self);
const char *_siyu_import_dialog_get_failure     (SiyuImportDialog *self);

void _siyu_import_dialog_set_consent_given (SiyuImportDialog *self,
                                            const char       *source);

G_END_DECLS
