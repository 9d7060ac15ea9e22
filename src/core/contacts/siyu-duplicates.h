/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

/* Two contacts that may be one person, kept apart because their sources
 * disagree; the owner merges them (siyu_contact_merge()) or keeps them
 * apart. */
typedef struct {
  gint64  contact_id;            /* the older of the two */
  gint64  other_id;
  char   *reason;                /* what they share: phone, email, wechat or platform */
  char   *name;
  char   *phone;
  char   *email;
  char   *other_name;
  char   *other_phone;
  char   *other_email;
  gint64  created_at;
} SiyuDuplicate;

GPtrArray *siyu_duplicates_list       (SiyuShop   *shop,
                                       GError    **error);
gint64     siyu_duplicates_count      (SiyuShop   *shop,
                                       GError    **error);
JsonNode  *siyu_duplicates_to_json    (GPtrArray  *duplicates);
gboolean   siyu_duplicates_keep_apart (SiyuShop   *shop,
                                       gint64      contact_id,
                                       gint64      other_id,
                                       GError    **error);
gboolean   siyu_duplicates_scan       (SiyuShop   *shop,
                                       guint      *found,
                                       GError    **error);
void       siyu_duplicate_free        (SiyuDuplicate *duplicate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuDuplicate, siyu_duplicate_free)

G_END_DECLS
