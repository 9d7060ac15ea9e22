/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void siyu_shop_chooser_open (GtkWindow *parent);

G_END_DECLS
