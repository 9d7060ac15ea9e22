/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "siyu-contacts.h"

G_BEGIN_DECLS

#define SIYU_TYPE_SHOP_PICTURE (siyu_shop_picture_get_type ())
G_DECLARE_FINAL_TYPE (SiyuShopPicture, siyu_shop_picture, SIYU, SHOP_PICTURE, GtkWidget)

/* What the Overview reads of the last recompute. */
typedef struct {
  JsonObject *summary;     /* the analytics summary (siyu-cli analytics --json) */
  JsonArray  *cohorts;     /* { cohort, size, retention[] }, oldest first */
  GHashTable *close;       /* tier id (gint64 *) → members within 20 % of the next tier */
  const char *currency;
} SiyuPictureFigures;

SiyuShopPicture *siyu_shop_picture_new         (void);
void             siyu_shop_picture_set_figures (SiyuShopPicture          *self,
                                                const SiyuPictureFigures *figures);

G_END_DECLS
