/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-block-model.h"
#include "siyu-contacts.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CONTACT_ITEM (siyu_contact_item_get_type ())
G_DECLARE_FINAL_TYPE (SiyuContactItem, siyu_contact_item, SIYU, CONTACT_ITEM, GObject)

gint64                     siyu_contact_item_get_id      (SiyuContactItem *self);
gboolean                   siyu_contact_item_is_loaded   (SiyuContactItem *self);
const SiyuContactSummary  *siyu_contact_item_get_summary (SiyuContactItem *self);

#define SIYU_TYPE_CONTACT_MODEL (siyu_contact_model_get_type ())
G_DECLARE_FINAL_TYPE (SiyuContactModel, siyu_contact_model, SIYU, CONTACT_MODEL, SiyuBlockModel)

SiyuContactModel *siyu_contact_model_new         (SiyuShopRunner          *runner);
void              siyu_contact_model_set_filter  (SiyuContactModel        *self,
                                                  const SiyuContactFilter *filter);
void              siyu_contact_model_reload      (SiyuContactModel        *self);
gboolean          siyu_contact_model_is_loading  (SiyuContactModel        *self);
const GError     *siyu_contact_model_get_error   (SiyuContactModel        *self);
guint             siyu_contact_model_get_n_cached_blocks (SiyuContactModel *self);
GArray           *siyu_contact_model_dup_ids     (SiyuContactModel        *self);

G_END_DECLS
