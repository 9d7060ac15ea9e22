/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_GROUPS_ERROR (siyu_groups_error_quark ())

typedef enum {
  SIYU_GROUPS_ERROR_NOT_FOUND,
  SIYU_GROUPS_ERROR_INVALID,
  SIYU_GROUPS_ERROR_EXISTS,
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
gint64    siyu_group_lookup         (SiyuShop           *shop,
                                     const char         *name,
                                     GError            **error);
gint64    siyu_groups_contact_for_phone (SiyuShop       *shop,
                                     const char         *phone,
                                     GError            **error);
gint64    siyu_group_create         (SiyuShop           *shop,
                                     const char         *name,
                                     const char         *kind,
                                     gint64              at,
                                     GError            **error);
gboolean  siyu_group_rename         (SiyuShop           *shop,
                                     gint64              group_id,
                                     const char         *name,
                                     char              **previous,
                                     GError            **error);
gboolean  siyu_group_set_archived   (SiyuShop           *shop,
                                     gint64              group_id,
                                     gboolean            archived,
                                     gint64              at,
                                     gboolean           *changed,
                                     GError            **error);
gboolean  siyu_group_set_role       (SiyuShop           *shop,
                                     gint64              group_id,
                                     gint64              contact_id,
                                     const char         *role,
                                     char              **previous,
                                     GError            **error);
gboolean  siyu_group_record_leave   (SiyuShop           *shop,
                                     gint64              group_id,
                                     gint64              contact_id,
                                     gint64              at,
                                     GError            **error);
gboolean  siyu_group_cancel_leave   (SiyuShop           *shop,
                                     gint64              group_id,
                                     gint64              contact_id,
                                     GError            **error);
JsonNode *siyu_group_add_known_members (SiyuShop        *shop,
                                     gint64              group_id,
                                     const char         *text,
                                     gint64              at,
                                     GError            **error);
JsonNode *siyu_group_get            (SiyuShop           *shop,
                                     gint64              group_id,
                                     SiyuDay             as_of,
                                     GError            **error);
gint64    siyu_group_count_members  (SiyuShop           *shop,
                                     gint64              group_id,
                                     gint64             *current,
                                     GError            **error);
JsonNode *siyu_group_members        (SiyuShop           *shop,
                                     gint64              group_id,
                                     SiyuDay             as_of,
                                     guint               offset,
                                     guint               limit,
                                     GError            **error);
JsonNode *siyu_orders_list          (SiyuShop           *shop,
                                     gint64              contact_id,
                                     const char         *search,
                                     guint               limit,
                                     GError            **error);

G_END_DECLS
