/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-contact-page.h"
#include "siyu-contacts.h"

G_BEGIN_DECLS

/* For the tests, which drive the page as a click would. */
gboolean    _siyu_contact_page_is_busy            (SiyuContactPage *self);
void        _siyu_contact_page_add_tag            (SiyuContactPage *self,
                                                   const char      *tag);
void        _siyu_contact_page_remove_tag         (SiyuContactPage *self,
                                                   const char      *tag);
void        _siyu_contact_page_set_do_not_contact (SiyuContactPage *self,
                                                   gboolean         value);
gboolean    _siyu_contact_page_undo               (SiyuContactPage *self);
void        _siyu_contact_page_ask_erase          (SiyuContactPage *self);
const char *_siyu_contact_page_get_title          (SiyuContactPage *self);
guint       _siyu_contact_page_get_n_duplicates   (SiyuContactPage *self);
void        _siyu_contact_page_ask_merge          (SiyuContactPage *self,
                                                   guint            index);
void        _siyu_contact_page_set_field          (SiyuContactPage  *self,
                                                   SiyuContactField  field,
                                                   const char       *value);
char       *_siyu_contact_page_get_field          (SiyuContactPage  *self,
                                                   SiyuContactField  field);
const char *_siyu_contact_page_get_message        (SiyuContactPage *self);
gint64      _siyu_contact_page_get_merge_offer    (SiyuContactPage *self);
const char *_siyu_contact_page_get_stage_rule     (SiyuContactPage *self);
const char *_siyu_contact_page_get_prediction     (SiyuContactPage *self);
const char *_siyu_contact_page_get_rfm_rule       (SiyuContactPage *self);
char       *_siyu_contact_page_get_timeline       (SiyuContactPage *self);
guint       _siyu_contact_page_get_n_tag_suggestions (SiyuContactPage *self);

G_END_DECLS
