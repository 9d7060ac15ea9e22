/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CONTACT_PAGE (siyu_contact_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuContactPage, siyu_contact_page, SIYU, CONTACT_PAGE, GtkWidget)

SiyuContactPage *siyu_contact_page_new            (SiyuShopRunner  *runner,
                                                   gint64           contact_id);
gint64           siyu_contact_page_get_contact_id (SiyuContactPage *self);
void             siyu_contact_page_reload         (SiyuContactPage *self);
gboolean         siyu_contact_page_is_loaded      (SiyuContactPage *self);

G_END_DECLS
