/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_GROUPS_ERROR (siyu_groups_error_quark ())

typedef enum {
  SIYU_GROUPS_ERROR_NOT_FOUND,
  SIYU_GROUPS_ERROR_INVALID,
} SiyuGroupsError;

GQuark    siyu_groups_error_quark   (void);

JsonNode *siyu_groups_list          (SiyuShop           *shop,
                                     SiyuDay             as_of,
                                     GError            **error);
JsonNode *siyu_group_describe       (SiyuShop           *shop,
                                     const char         *name,
                                     SiyuDay             as_of,
                                     GError            **error);
gboolean  siyu_group_add_members    (SiyuShop           *shop,
                                     const char         *name,
                                     const char         *kind,
                                     const char * const *phones,
                                     gint64              at,
                                     guint              *added,
                                     GError            **error);
gboolean  siyu_group_remove_members (SiyuShop           *shop,
                                     const char         *name,
                                     const char * const *phones,
                                     gint64              at,
                                     guint              *removed,
                                     GError            **error);
JsonNode *siyu_orders_list          (SiyuShop           *shop,
                                     gint64              contact_id,
                                     const char         *search,
                                     guint               limit,
                                     GError            **error);

G_END_DECLS
