/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the window tests wait for, polled between turns of the main loop. */
typedef gboolean (*SiyuTestCondition) (gpointer data);

void siyu_test_wait_for_at    (SiyuTestCondition condition,
                               gpointer          data,
                               const char       *what,
                               const char       *where);
void siyu_test_drain          (void);
void siyu_test_destroy_window (gpointer          window);

/* Names the condition and the line waiting for it when it never comes. */
#define siyu_test_wait_for(condition, data) \
  siyu_test_wait_for_at ((condition), (data), #condition, G_STRLOC)

G_END_DECLS
