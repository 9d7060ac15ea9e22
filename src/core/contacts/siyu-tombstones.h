/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

/* What keeps an erased person erased: a keyed hash of each of their
 * identities (kind and value, as contact_identities holds them: phone in
 * E.164, e-mail in lower case, wechat, shopify, youzan, woocommerce,
 * wechat_unionid, import:<source>), never the value itself. */
typedef struct _SiyuTombstones SiyuTombstones;

gboolean        siyu_tombstones_add_contact (SiyuShop              *shop,
                                             gint64                 contact_id,
                                             guint                 *n_added,
                                             GError               **error);
SiyuTombstones *siyu_tombstones_load        (SiyuShop              *shop,
                                             GError               **error);
gboolean        siyu_tombstones_contains    (const SiyuTombstones  *self,
                                             const char            *kind,
                                             const char            *value);
guint           siyu_tombstones_get_size    (const SiyuTombstones  *self);
void            siyu_tombstones_free        (SiyuTombstones        *self);

char           *siyu_tombstones_normalize   (SiyuShop              *shop,
                                             const char            *kind,
                                             const char            *value,
                                             GError               **error);
gint64          siyu_tombstones_lookup      (SiyuShop              *shop,
                                             const char            *kind,
                                             const char            *value,
                                             gint64                *erased_at,
                                             GError               **error);
int             siyu_tombstones_lift        (SiyuShop              *shop,
                                             const char            *kind,
                                             const char            *value,
                                             GError               **error);
gint64          siyu_tombstones_count       (SiyuShop              *shop,
                                             GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuTombstones, siyu_tombstones_free)

G_END_DECLS
