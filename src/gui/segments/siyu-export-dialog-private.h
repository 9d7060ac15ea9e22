/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-export-dialog.h"

G_BEGIN_DECLS

/* For the tests: the choices as a person makes them, then the export to
 * @path as if typed, or the Export button itself. */
void        _siyu_export_dialog_set_format  (SiyuExportDialog *self,
                                             SiyuExportFormat  format);
void        _siyu_export_dialog_set_field   (SiyuExportDialog *self,
                                             const char       *field,
                                             gboolean          active);
void        _siyu_export_dialog_set_holdout (SiyuExportDialog *self,
                                             gboolean          enabled,
                                             double            percent,
                                             guint32           seed);
void        _siyu_export_dialog_export_to   (SiyuExportDialog *self,
                                             const char       *path);
void        _siyu_export_dialog_set_folder  (SiyuExportDialog *self,
                                             const char       *folder);
gboolean    _siyu_export_dialog_press_export (SiyuExportDialog *self);
void        _siyu_export_dialog_answer_policy (SiyuExportDialog *self,
                                             gboolean          include);
gboolean    _siyu_export_dialog_is_busy     (SiyuExportDialog *self);
const char *_siyu_export_dialog_get_result  (SiyuExportDialog *self);
const char *_siyu_export_dialog_get_path    (SiyuExportDialog *self);
const char *_siyu_export_dialog_get_file_name (SiyuExportDialog *self);
char       *_siyu_export_dialog_describe    (SiyuExportDialog *self);
guint       _siyu_export_dialog_get_format  (SiyuExportDialog *self);
gboolean    _siyu_export_dialog_get_mask    (SiyuExportDialog *self);

G_END_DECLS
