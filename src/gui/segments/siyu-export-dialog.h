/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-export.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_EXPORT_DIALOG (siyu_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuExportDialog, siyu_export_dialog, SIYU, EXPORT_DIALOG, AdwWindow)

SiyuExportDialog *siyu_export_dialog_new (GtkWindow      *parent,
                                          SiyuShopRunner *runner,
                                          gint64          segment_id,
                                          const char     *title);
SiyuExportDialog *siyu_export_dialog_new_for_contacts (GtkWindow      *parent,
                                                       SiyuShopRunner *runner,
                                                       GArray         *ids,
                                                       const char     *title);

G_END_DECLS
