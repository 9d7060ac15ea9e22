/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the window tests wait for, polled between turns of the main loop. */
typedef gboolean (*SiyuTestCondition) (gpointer data);

void siyu_test_wait_for       (SiyuTestCondition condition,
                               gpointer          data);
void siyu_test_drain          (void);
void siyu_test_destroy_window (gpointer          window);

G_END_DECLS
