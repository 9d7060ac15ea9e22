/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_CONTACTS_ERROR (siyu_contacts_error_quark ())

typedef enum {
  SIYU_CONTACTS_ERROR_NOT_FOUND,
  SIYU_CONTACTS_ERROR_INVALID,
  SIYU_CONTACTS_ERROR_TAKEN,
  SIYU_CONTACTS_ERROR_SAME,
} SiyuContactsError;

/* What the owner can edit by hand. */
typedef enum {
  SIYU_CONTACT_NAME,
  SIYU_CONTACT_PHONE,
  SIYU_CONTACT_EMAIL,
  SIYU_CONTACT_WECHAT_ID,
  SIYU_CONTACT_CITY,
  SIYU_CONTACT_BIRTHDAY,
  SIYU_CONTACT_NOTES,
  SIYU_CONTACT_MARKETING_CONSENT,
  SIYU_CONTACT_DO_NOT_CONTACT,
  SIYU_N_CONTACT_FIELDS
} SiyuContactField;

GQuark      siyu_contacts_error_quark     (void);

gboolean    siyu_contact_field_from_string (const char       *text,
                                            SiyuContactField *field);
const char *siyu_contact_field_to_string   (SiyuContactField  field);

GArray     *siyu_contacts_search          (SiyuShop          *shop,
                                           const char        *text,
                                           guint              limit,
                                           GError           **error);
gboolean    siyu_contact_set              (SiyuShop          *shop,
                                           gint64             contact_id,
                                           SiyuContactField   field,
                                           const char        *value,
                                           char             **previous,
                                           GError           **error);
gboolean    siyu_contact_erase            (SiyuShop          *shop,
                                           gint64             contact_id,
                                           GError           **error);
JsonNode   *siyu_contact_describe         (SiyuShop          *shop,
                                           gint64             contact_id,
                                           GError           **error);
JsonNode   *siyu_contact_merge            (SiyuShop          *shop,
                                           gint64             keep_id,
                                           gint64             other_id,
                                           const SiyuContactField *take,
                                           guint              n_take,
                                           GError           **error);
gboolean    siyu_contact_unmerge          (SiyuShop          *shop,
                                           JsonNode          *undo,
                                           GError           **error);

G_END_DECLS
