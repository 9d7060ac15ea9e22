/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_IMPORT_DIALOG (siyu_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuImportDialog, siyu_import_dialog, SIYU, IMPORT_DIALOG, AdwWindow)

SiyuImportDialog *siyu_import_dialog_new (GtkWindow      *parent,
                                          SiyuShopRunner *runner,
                                          GFile          *file);

G_END_DECLS
