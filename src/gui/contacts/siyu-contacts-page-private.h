/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-contact-page.h"
#include "siyu-contacts-page.h"
#include "siyu-duplicates-dialog.h"

G_BEGIN_DECLS

/* For the tests. */
const char      *_siyu_contacts_page_get_state        (SiyuContactsPage *self);
const char      *_siyu_contacts_page_get_count_text   (SiyuContactsPage *self);
const char      *_siyu_contacts_page_get_erased_text  (SiyuContactsPage *self);
void             _siyu_contacts_page_ask_let_back     (SiyuContactsPage *self);
void             _siyu_contacts_page_search           (SiyuContactsPage *self,
                                                       const char       *text,
                                                       gboolean          enter);
void             _siyu_contacts_page_set_stage        (SiyuContactsPage *self,
                                                       guint             position);
void             _siyu_contacts_page_set_reveal       (SiyuContactsPage *self,
                                                       gboolean          reveal);
SiyuContactPage *_siyu_contacts_page_get_contact_page (SiyuContactsPage *self);
const char      *_siyu_contacts_page_get_filter_text  (SiyuContactsPage *self);
gboolean         _siyu_contacts_page_choose           (SiyuContactsPage *self,
                                                       const char       *which,
                                                       const char       *text);
void             _siyu_contacts_page_set_consent_only (SiyuContactsPage *self,
                                                       gboolean          only);
gboolean         _siyu_contacts_page_has_choices      (SiyuContactsPage *self);
char            *_siyu_contacts_page_get_cell         (SiyuContactsPage *self,
                                                       guint             position,
                                                       guint             column);
gint64           _siyu_contacts_page_get_n_duplicates (SiyuContactsPage *self);
SiyuDuplicatesDialog *_siyu_contacts_page_show_duplicates (SiyuContactsPage *self);

void             _siyu_contacts_page_select           (SiyuContactsPage *self,
                                                       guint             position,
                                                       gboolean          add);
GtkWindow       *_siyu_contacts_page_get_consent      (SiyuContactsPage *self);
GtkWindow       *_siyu_contacts_page_get_export       (SiyuContactsPage *self);

G_END_DECLS
