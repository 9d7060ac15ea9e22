/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-export-dialog.h"

G_BEGIN_DECLS

/* For the tests: the choices as a person makes them, then the export to
 * @path as if chosen in the file chooser. */
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
gboolean    _siyu_export_dialog_is_busy     (SiyuExportDialog *self);
const char *_siyu_export_dialog_get_result  (SiyuExportDialog *self);

G_END_DECLS
