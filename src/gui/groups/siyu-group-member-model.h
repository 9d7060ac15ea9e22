/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-block-model.h"

G_BEGIN_DECLS

#define SIYU_TYPE_GROUP_MEMBER_ITEM (siyu_group_member_item_get_type ())
G_DECLARE_FINAL_TYPE (SiyuGroupMemberItem, siyu_group_member_item, SIYU, GROUP_MEMBER_ITEM, GObject)

JsonObject *siyu_group_member_item_get_member (SiyuGroupMemberItem *self);

#define SIYU_TYPE_GROUP_MEMBER_MODEL (siyu_group_member_model_get_type ())
G_DECLARE_FINAL_TYPE (SiyuGroupMemberModel, siyu_group_member_model, SIYU, GROUP_MEMBER_MODEL, SiyuBlockModel)

SiyuGroupMemberModel *siyu_group_member_model_new        (SiyuShopRunner       *runner,
                                                          gint64                group_id);
void                  siyu_group_member_model_reload     (SiyuGroupMemberModel *self);
gboolean              siyu_group_member_model_is_loading (SiyuGroupMemberModel *self);
const GError         *siyu_group_member_model_get_error  (SiyuGroupMemberModel *self);
guint                 siyu_group_member_model_get_n_current (SiyuGroupMemberModel *self);

G_END_DECLS
