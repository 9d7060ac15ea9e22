/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-contact-model.h"
#include "siyu-contacts.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CONTACTS_PAGE (siyu_contacts_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuContactsPage, siyu_contacts_page, SIYU, CONTACTS_PAGE, GtkWidget)

SiyuContactsPage *siyu_contacts_page_new        (SiyuShopRunner   *runner);
void              siyu_contacts_page_reload     (SiyuContactsPage *self);
SiyuContactModel *siyu_contacts_page_get_model  (SiyuContactsPage *self);
void              siyu_contacts_page_open       (SiyuContactsPage *self,
                                                 gint64            contact_id);
void              siyu_contacts_page_show_filter (SiyuContactsPage        *self,
                                                  const SiyuContactFilter *filter,
                                                  const char              *description);

G_END_DECLS
