/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_DUPLICATES_DIALOG (siyu_duplicates_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuDuplicatesDialog, siyu_duplicates_dialog, SIYU, DUPLICATES_DIALOG, AdwWindow)

SiyuDuplicatesDialog *siyu_duplicates_dialog_new (GtkWindow      *parent,
                                                  SiyuShopRunner *runner);

G_END_DECLS
