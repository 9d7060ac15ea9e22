/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-model-page.h"

G_BEGIN_DECLS

gboolean       _siyu_model_page_is_busy        (SiyuModelPage *self);
const char    *_siyu_model_page_get_error      (SiyuModelPage *self);
GtkSpinButton *_siyu_model_page_get_spin       (SiyuModelPage *self,
                                                const char    *name);
const char    *_siyu_model_page_get_suggestion (SiyuModelPage *self);

G_END_DECLS
