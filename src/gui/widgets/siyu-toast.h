/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void siyu_toast_show (GtkWidget *widget,
                      AdwToast  *toast);

G_END_DECLS
