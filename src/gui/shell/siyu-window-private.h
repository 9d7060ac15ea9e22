/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-overview-page.h"
#include "siyu-window.h"

G_BEGIN_DECLS

SiyuOverviewPage *_siyu_window_get_overview (SiyuWindow *self);
const char       *_siyu_window_get_title    (SiyuWindow *self);
const char       *_siyu_window_get_subtitle (SiyuWindow *self);
gboolean          _siyu_window_get_folded   (SiyuWindow *self);
const char       *_siyu_window_get_place    (SiyuWindow *self);

G_END_DECLS
