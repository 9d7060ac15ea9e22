/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-order-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char *_siyu_order_page_get_title     (SiyuOrderPage *self);
char       *_siyu_order_page_get_rows      (SiyuOrderPage *self,
                                            const char    *group);
gboolean    _siyu_order_page_open_customer (SiyuOrderPage *self);

G_END_DECLS
