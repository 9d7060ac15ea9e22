/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-model"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-backup.h"
#include "siyu-model.h"
#include "siyu-money.h"
#include "siyu-recompute.h"
#include "siyu-json.h"

/* The owner's thresholds behind every figure (shared/ANALYTICS.md): the
 * lifecycle model, the member tiers and the pyramid's participation
 * weights.  They are read and written together, as JSON for the command
 * line and as fields in Preferences.
 *
 * Saving a lifecycle model that differs from the active one adds a new
 * model and makes it active, so stage snapshots of the old one stay as
 * they were.  Tiers are changed in place (a tier keeps its id, so tier
 * history keeps pointing at it); tiers left out are removed.  Everything
 * is one transaction and written to the audit log.  The figures change on
 * the next recompute.
 */

#define MAX_DAYS        3650
#define MAX_ORDERS      1000
#define MAX_WEIGHT      1000
#define MAX_TIERS       20
#define MAX_NAME        50
#define MAX_THRESHOLD   G_GINT64_CONSTANT (100000000000000)   /* 10^12 in major units */

G_DEFINE_QUARK (siyu-model-error-quark, siyu_model_error)

static void
tier_setting_clear (gpointer data)
{
  SiyuTierSetting *tier = data;

  g_free (tier->name);
  g_free (tier->name_zh);
  g_free (tier->benefits);
}

static GArray *
tiers_new (void)
{
  GArray *tiers = g_array_new (FALSE, TRUE, sizeof (SiyuTierSetting));

  g_array_set_clear_func (tiers, tier_setting_clear);
  return tiers;
}

void
siyu_model_clear (SiyuModel *model)
{
  g_clear_pointer (&model->tiers, g_array_unref);
}

gboolean
siyu_model_load (SiyuShop   *shop,
                 SiyuModel  *model,
                 GError    **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  memset (model, 0, sizeof *model);
  if (!siyu_lifecycle_model_load (shop, &model->lifecycle, error))
    return FALSE;
  siyu_pyramid_weights_load (shop, &model->weights);

  stmt = siyu_db_prepare (db, "SELECT id, name, name_zh, threshold, capacity, by_application, benefits "
                              "FROM tiers ORDER BY position", error);
  if (stmt == NULL)
    return FALSE;
  model->tiers = tiers_new ();
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuTierSetting tier = {
        sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
        sqlite3_column_int64 (stmt, 3),
        sqlite3_column_int64 (stmt, 4),
        sqlite3_column_int (stmt, 5) != 0,
        g_strdup ((const char *) sqlite3_column_text (stmt, 6)),
      };

      g_array_append_val (model->tiers, tier);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    {
      siyu_model_clear (model);
      return FALSE;
    }

  return TRUE;
}

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SIYU_MODEL_ERROR, SIYU_MODEL_ERROR_INVALID, message);

  return FALSE;
}

/**
 * siyu_model_check:
 * @currency: the shop's currency, to write amounts in messages
 *
 * Checks that @model can be saved; the message names the field at fault.
 */
gboolean
siyu_model_check (const SiyuModel *model,
                  const char      *currency,
                  GError         **error)
{
  const SiyuLifecycleModel *l = &model->lifecycle;
  const SiyuPyramidWeights *w = &model->weights;
  const struct { const char *name; int value; } weights[] = {
    { "referral", w->referral }, { "share", w->share }, { "review", w->review },
    { "group_message", w->group_message }, { "order", w->order },
  };

  if (l->dormant_days < 1 || l->dormant_days > MAX_DAYS)
    return invalid (error, _("The days after which a customer is dormant must be from 1 to %d, not %d."),
                    MAX_DAYS, l->dormant_days);
  if (l->lost_days <= l->dormant_days || l->lost_days > 2 * MAX_DAYS)
    return invalid (error, _("The days after which a customer is lost must be more than the days after which "
                             "they are dormant (%d) and at most %d, not %d."),
                    l->dormant_days, 2 * MAX_DAYS, l->lost_days);
  if (l->mature_orders < 2 || l->mature_orders > MAX_ORDERS)
    return invalid (error, _("The orders that make a customer mature must be from 2 to %d, not %d."),
                    MAX_ORDERS, l->mature_orders);
  if (l->mature_window_days < 1 || l->mature_window_days > MAX_DAYS)
    return invalid (error, _("The days in which a mature customer’s orders are counted must be from 1 to %d, not %d."),
                    MAX_DAYS, l->mature_window_days);

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    if (weights[i].value < 0 || weights[i].value > MAX_WEIGHT)
      return invalid (error, _("The pyramid weight “%s” must be from 0 to %d, not %d."),
                      weights[i].name, MAX_WEIGHT, weights[i].value);

  if (model->tiers == NULL || model->tiers->len == 0)
    return invalid (error, _("There must be at least one member tier."));
  if (model->tiers->len > MAX_TIERS)
    return invalid (error, _("There can be at most %d member tiers, not %u."), MAX_TIERS, model->tiers->len);

  for (guint i = 0; i < model->tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (model->tiers, SiyuTierSetting, i);
      g_autofree char *name = tier->name != NULL ? g_strstrip (g_strdup (tier->name)) : NULL;

      if (name == NULL || *name == '\0')
        return invalid (error, _("Member tier %u has no name."), i + 1);
      if (g_utf8_strlen (name, -1) > MAX_NAME || (tier->name_zh != NULL && g_utf8_strlen (tier->name_zh, -1) > MAX_NAME))
        return invalid (error, _("The name of member tier %u is longer than %d characters."), i + 1, MAX_NAME);
      for (guint j = 0; j < i; j++)
        if (g_utf8_collate (g_array_index (model->tiers, SiyuTierSetting, j).name, tier->name) == 0)
          return invalid (error, _("Two member tiers are called “%s”."), tier->name);
      if (tier->threshold < 0 || tier->threshold > MAX_THRESHOLD)
        {
          g_autofree char *amount = siyu_money_format (tier->threshold, currency);

          return invalid (error, _("The threshold of the tier “%s” cannot be %s."), tier->name, amount);
        }
      if (i > 0 && tier->threshold <= g_array_index (model->tiers, SiyuTierSetting, i - 1).threshold)
        {
          g_autofree char *amount = siyu_money_format (g_array_index (model->tiers, SiyuTierSetting, i - 1).threshold,
                                                       currency);

          return invalid (error, _("The threshold of the tier “%s” must be higher than the tier below it (%s)."),
                          tier->name, amount);
        }
      if (tier->capacity < 0)
        return invalid (error, _("The capacity of the tier “%s” cannot be negative."), tier->name);
      for (guint j = 0; j < i; j++)
        if (tier->id != 0 && g_array_index (model->tiers, SiyuTierSetting, j).id == tier->id)
          return invalid (error, _("Tier %lld is listed twice."), (long long) tier->id);
    }

  return TRUE;
}

static gboolean
save_lifecycle (SiyuDb                   *db,
                const SiyuLifecycleModel *l,
                gint64                    now,
                GError                  **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db,
                                        "SELECT count (*) FROM lifecycle_models WHERE active = 1 AND "
                                        "dormant_days = ? AND lost_days = ? AND mature_orders = ? AND "
                                        "mature_window_days = ?", error);
  int rc;
  gboolean same = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, l->dormant_days);
  sqlite3_bind_int (stmt, 2, l->lost_days);
  sqlite3_bind_int (stmt, 3, l->mature_orders);
  sqlite3_bind_int (stmt, 4, l->mature_window_days);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    same = sqlite3_column_int (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (same)
    return TRUE;

  if (!siyu_db_exec (db, "UPDATE lifecycle_models SET active = 0 WHERE active = 1", error))
    return FALSE;
  stmt = siyu_db_prepare (db, "INSERT INTO lifecycle_models (name, dormant_days, lost_days, mature_orders, "
                              "mature_window_days, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, "custom", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, l->dormant_days);
  sqlite3_bind_int (stmt, 3, l->lost_days);
  sqlite3_bind_int (stmt, 4, l->mature_orders);
  sqlite3_bind_int (stmt, 5, l->mature_window_days);
  sqlite3_bind_int64 (stmt, 6, now);

  return siyu_db_step_done (db, stmt, error);
}

static gboolean
bind_tier (sqlite3_stmt          *stmt,
           guint                  position,
           const SiyuTierSetting *tier)
{
  g_autofree char *name = g_strstrip (g_strdup (tier->name));

  sqlite3_bind_int (stmt, 1, (int) position);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (tier->name_zh != NULL && *tier->name_zh != '\0')
    sqlite3_bind_text (stmt, 3, tier->name_zh, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, tier->threshold);
  if (tier->capacity > 0)
    sqlite3_bind_int64 (stmt, 5, tier->capacity);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_int (stmt, 6, tier->by_application ? 1 : 0);
  if (tier->benefits != NULL && *tier->benefits != '\0')
    sqlite3_bind_text (stmt, 7, tier->benefits, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 7);

  return TRUE;
}

static gboolean
save_tiers (SiyuDb  *db,
            GArray  *tiers,
            GError **error)
{
  g_autoptr(GString) kept = g_string_new ("[0");
  sqlite3_stmt *remove;

  /* Out of the way of the new positions first. */
  if (!siyu_db_exec (db, "UPDATE tiers SET position = position + 1000000", error))
    return FALSE;

  /* The tiers kept, as a JSON array bound to the statement. */
  for (guint i = 0; i < tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, i);

      if (tier->id != 0)
        g_string_append_printf (kept, ",%" G_GINT64_FORMAT, tier->id);
    }
  g_string_append (kept, "]");
  remove = siyu_db_prepare (db, "DELETE FROM tiers WHERE id NOT IN (SELECT value FROM json_each (?1))", error);
  if (remove == NULL)
    return FALSE;
  sqlite3_bind_text (remove, 1, kept->str, (int) kept->len, SQLITE_STATIC);
  if (!siyu_db_step_done (db, remove, error))
    return FALSE;

  for (guint i = 0; i < tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, i);
      sqlite3_stmt *stmt;

      if (tier->id != 0)
        {
          stmt = siyu_db_prepare (db, "UPDATE tiers SET position = ?, name = ?, name_zh = ?, threshold = ?, "
                                      "capacity = ?, by_application = ?, benefits = ? WHERE id = ?", error);
          if (stmt == NULL)
            return FALSE;
          bind_tier (stmt, i, tier);
          sqlite3_bind_int64 (stmt, 8, tier->id);
          if (!siyu_db_step_done (db, stmt, error))
            return FALSE;
          if (sqlite3_changes (siyu_db_get_handle (db)) == 0)
            return invalid (error, _("Tier %lld is not a tier of this shop."), (long long) tier->id);
        }
      else
        {
          stmt = siyu_db_prepare (db, "INSERT INTO tiers (position, name, name_zh, threshold, capacity, "
                                      "by_application, benefits) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
          if (stmt == NULL)
            return FALSE;
          bind_tier (stmt, i, tier);
          if (!siyu_db_step_done (db, stmt, error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
save_weight (SiyuDb     *db,
             const char *key,
             int         value,
             GError    **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "INSERT INTO settings (key, value) VALUES (?, ?) "
                                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  g_autofree char *text = g_strdup_printf ("%d", value);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);

  return siyu_db_step_done (db, stmt, error);
}

/* Puts back, with their own ids, the tiers of @tiers that were removed
 * since: an undo restores the model exactly. */
static gboolean
restore_removed_tiers (SiyuDb  *db,
                       GArray  *tiers,
                       GError **error)
{
  for (guint i = 0; i < tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, i);
      sqlite3_stmt *stmt;
      int rc;

      if (tier->id == 0)
        continue;
      stmt = siyu_db_prepare (db, "SELECT 1 FROM tiers WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, tier->id);
      rc = siyu_db_step (db, stmt, error);
      sqlite3_reset (stmt);
      if (rc < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        continue;
      stmt = siyu_db_prepare (db, "INSERT INTO tiers (position, name, name_zh, threshold, capacity, "
                                  "by_application, benefits, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_tier (stmt, 3000000 + i, tier);
      sqlite3_bind_int64 (stmt, 8, tier->id);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* Makes the stored lifecycle model @id active again when it has the
 * thresholds of @l; otherwise saves @l as save_lifecycle() does. */
static gboolean
reactivate_lifecycle (SiyuDb                   *db,
                      gint64                    id,
                      const SiyuLifecycleModel *l,
                      gint64                    now,
                      GError                  **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db,
                                        "SELECT count (*) FROM lifecycle_models WHERE id = ? AND "
                                        "dormant_days = ? AND lost_days = ? AND mature_orders = ? AND "
                                        "mature_window_days = ?", error);
  gboolean found = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, l->dormant_days);
  sqlite3_bind_int (stmt, 3, l->lost_days);
  sqlite3_bind_int (stmt, 4, l->mature_orders);
  sqlite3_bind_int (stmt, 5, l->mature_window_days);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (!found)
    return save_lifecycle (db, l, now, error);

  if (!siyu_db_exec (db, "UPDATE lifecycle_models SET active = 0 WHERE active = 1", error))
    return FALSE;
  stmt = siyu_db_prepare (db, "UPDATE lifecycle_models SET active = 1 WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);

  return siyu_db_step_done (db, stmt, error);
}

/* Inside a transaction.  @lifecycle_id: the stored lifecycle model to make
 * active again, or 0. */
static gboolean
store_model (SiyuShop        *shop,
             const SiyuModel *model,
             gint64           lifecycle_id,
             GError         **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  const SiyuPyramidWeights *w = &model->weights;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;

  g_assert (siyu_db_in_transaction (db));

  node = siyu_model_to_json (model);
  detail = siyu_json_to_string (node, FALSE);

  return (lifecycle_id > 0 ? reactivate_lifecycle (db, lifecycle_id, &model->lifecycle, now, error) &&
                             restore_removed_tiers (db, model->tiers, error)
                           : save_lifecycle (db, &model->lifecycle, now, error)) &&
         save_tiers (db, model->tiers, error) &&
         save_weight (db, "pyramid_weight_referral", w->referral, error) &&
         save_weight (db, "pyramid_weight_share", w->share, error) &&
         save_weight (db, "pyramid_weight_review", w->review, error) &&
         save_weight (db, "pyramid_weight_group_message", w->group_message, error) &&
         save_weight (db, "pyramid_weight_order", w->order, error) &&
         siyu_shop_audit (shop, "model", "model", 0, detail, error);
}

/* Checks and stores @model and, when @as_of is a day, counts every figure
 * with it, all in one transaction: the owner sees the old model with the
 * old figures or the new model with the new ones, never a model with
 * figures that were not counted with it. */
static gboolean
save_model (SiyuShop          *shop,
            const SiyuModel   *model,
            gint64             lifecycle_id,
            SiyuDay            as_of,
            SiyuProgressFunc   progress,
            gpointer           progress_data,
            GCancellable      *cancellable,
            SiyuAnalytics    **analytics,
            GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);

  if (!siyu_backup_before (shop, SIYU_BACKUP_CAUSE_MODEL, error))
    return FALSE;

  if (!siyu_model_check (model, siyu_shop_get_currency (shop), error))
    return FALSE;
  if (!siyu_db_begin (db, error))
    return FALSE;

  if (!store_model (shop, model, lifecycle_id, error) ||
      (as_of != SIYU_DAY_INVALID &&
       !siyu_recompute (shop, as_of, progress, progress_data, cancellable, analytics, error)) ||
      !siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_model_save:
 *
 * Checks @model and stores it in one transaction, written to the audit
 * log.  The figures follow on the next recompute.
 */
gboolean
siyu_model_save (SiyuShop        *shop,
                 const SiyuModel *model,
                 GError         **error)
{
  return save_model (shop, model, 0, SIYU_DAY_INVALID, NULL, NULL, NULL, NULL, error);
}

/**
 * siyu_model_save_and_count:
 * @as_of: the day to count the figures for
 * @analytics: (out) (optional) (transfer full): the figures counted
 *
 * Checks @model, stores it and counts every figure again with it, in one
 * transaction: when the count fails or is cancelled, the previous model and
 * its figures stay.
 */
gboolean
siyu_model_save_and_count (SiyuShop          *shop,
                           const SiyuModel   *model,
                           SiyuDay            as_of,
                           SiyuProgressFunc   progress,
                           gpointer           progress_data,
                           GCancellable      *cancellable,
                           SiyuAnalytics    **analytics,
                           GError           **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (as_of != SIYU_DAY_INVALID, FALSE);

  return save_model (shop, model, 0, as_of, progress, progress_data, cancellable, analytics, error);
}

JsonNode *
siyu_model_to_json (const SiyuModel *model)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const SiyuLifecycleModel *l = &model->lifecycle;
  const SiyuPyramidWeights *w = &model->weights;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lifecycle");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dormant_days");
  json_builder_add_int_value (builder, l->dormant_days);
  json_builder_set_member_name (builder, "lost_days");
  json_builder_add_int_value (builder, l->lost_days);
  json_builder_set_member_name (builder, "mature_orders");
  json_builder_add_int_value (builder, l->mature_orders);
  json_builder_set_member_name (builder, "mature_window_days");
  json_builder_add_int_value (builder, l->mature_window_days);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_array (builder);
  for (guint i = 0; model->tiers != NULL && i < model->tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (model->tiers, SiyuTierSetting, i);

      json_builder_begin_object (builder);
      if (tier->id != 0)
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, tier->id);
        }
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, tier->name);
      json_builder_set_member_name (builder, "name_zh");
      if (tier->name_zh != NULL)
        json_builder_add_string_value (builder, tier->name_zh);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "threshold");
      json_builder_add_int_value (builder, tier->threshold);
      json_builder_set_member_name (builder, "capacity");
      if (tier->capacity > 0)
        json_builder_add_int_value (builder, tier->capacity);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "by_application");
      json_builder_add_boolean_value (builder, tier->by_application);
      json_builder_set_member_name (builder, "benefits");
      if (tier->benefits != NULL)
        json_builder_add_string_value (builder, tier->benefits);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pyramid_weights");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "referral");
  json_builder_add_int_value (builder, w->referral);
  json_builder_set_member_name (builder, "share");
  json_builder_add_int_value (builder, w->share);
  json_builder_set_member_name (builder, "review");
  json_builder_add_int_value (builder, w->review);
  json_builder_set_member_name (builder, "group_message");
  json_builder_add_int_value (builder, w->group_message);
  json_builder_set_member_name (builder, "order");
  json_builder_add_int_value (builder, w->order);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A whole number at @object.@name; absent keeps *value. */
static gboolean
read_int (JsonObject  *object,
          const char  *path,
          const char  *name,
          gint64       max,
          gint64      *value,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < -max || json_node_get_int (node) > max)
    return invalid (error, _("%s.%s must be a whole number."), path, name);
  *value = json_node_get_int (node);

  return TRUE;
}

static gboolean
read_int32 (JsonObject  *object,
            const char  *path,
            const char  *name,
            int         *value,
            GError     **error)
{
  gint64 v = *value;

  if (!read_int (object, path, name, G_MAXINT32, &v, error))
    return FALSE;
  *value = (int) v;
  return TRUE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *path,
             const char  *name,
             char       **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, _("%s.%s must be text."), path, name);
  g_free (*value);
  *value = g_strdup (json_node_get_string (node));

  return TRUE;
}

static JsonObject *
object_member (JsonObject  *object,
               const char  *name,
               gboolean    *bad)
{
  JsonNode *node = json_object_get_member (object, name);

  *bad = node != NULL && !JSON_NODE_HOLDS_OBJECT (node);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * siyu_model_from_json:
 * @model: the model to change: what @node leaves out stays as it is
 *
 * Reads a model written as siyu_model_to_json() does.  “tiers”, when
 * given, is the whole list; a tier without an id is new.
 */
gboolean
siyu_model_from_json (JsonNode   *node,
                      SiyuModel  *model,
                      GError    **error)
{
  JsonObject *root, *lifecycle, *weights;
  JsonNode *tiers_node;
  gboolean bad;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _("The model must be a JSON object with lifecycle, tiers and pyramid_weights."));
  root = json_node_get_object (node);

  lifecycle = object_member (root, "lifecycle", &bad);
  if (bad)
    return invalid (error, _("lifecycle must be an object."));
  if (lifecycle != NULL &&
      (!read_int32 (lifecycle, "lifecycle", "dormant_days", &model->lifecycle.dormant_days, error) ||
       !read_int32 (lifecycle, "lifecycle", "lost_days", &model->lifecycle.lost_days, error) ||
       !read_int32 (lifecycle, "lifecycle", "mature_orders", &model->lifecycle.mature_orders, error) ||
       !read_int32 (lifecycle, "lifecycle", "mature_window_days", &model->lifecycle.mature_window_days, error)))
    return FALSE;

  weights = object_member (root, "pyramid_weights", &bad);
  if (bad)
    return invalid (error, _("pyramid_weights must be an object."));
  if (weights != NULL &&
      (!read_int32 (weights, "pyramid_weights", "referral", &model->weights.referral, error) ||
       !read_int32 (weights, "pyramid_weights", "share", &model->weights.share, error) ||
       !read_int32 (weights, "pyramid_weights", "review", &model->weights.review, error) ||
       !read_int32 (weights, "pyramid_weights", "group_message", &model->weights.group_message, error) ||
       !read_int32 (weights, "pyramid_weights", "order", &model->weights.order, error)))
    return FALSE;

  tiers_node = json_object_get_member (root, "tiers");
  if (tiers_node != NULL)
    {
      JsonArray *array;
      g_autoptr(GArray) tiers = tiers_new ();

      if (!JSON_NODE_HOLDS_ARRAY (tiers_node))
        return invalid (error, _("tiers must be a list."));
      array = json_node_get_array (tiers_node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("tiers[%u]", i);
          SiyuTierSetting tier = { 0, };
          JsonObject *object;
          JsonNode *flag;
          gboolean ok;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return invalid (error, _("%s must be an object."), path);
          object = json_node_get_object (element);
          flag = json_object_get_member (object, "by_application");
          ok = read_int (object, path, "id", G_MAXINT64, &tier.id, error) &&
               read_string (object, path, "name", &tier.name, error) &&
               read_string (object, path, "name_zh", &tier.name_zh, error) &&
               read_int (object, path, "threshold", MAX_THRESHOLD, &tier.threshold, error) &&
               (json_object_get_member (object, "capacity") == NULL ||
                JSON_NODE_HOLDS_NULL (json_object_get_member (object, "capacity")) ||
                read_int (object, path, "capacity", G_MAXINT32, &tier.capacity, error)) &&
               read_string (object, path, "benefits", &tier.benefits, error);
          if (ok && flag != NULL && !JSON_NODE_HOLDS_NULL (flag))
            {
              if (!JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN)
                ok = invalid (error, _("%s.by_application must be true or false."), path);
              else
                tier.by_application = json_node_get_boolean (flag);
            }
          if (ok && !json_object_has_member (object, "threshold"))
            ok = invalid (error, _("%s has no threshold."), path);
          if (ok && tier.id < 0)
            ok = invalid (error, _("%s.id must be a tier’s id."), path);
          g_array_append_val (tiers, tier);
          if (!ok)
            return FALSE;
        }
      g_clear_pointer (&model->tiers, g_array_unref);
      model->tiers = g_steal_pointer (&tiers);
    }

  return TRUE;
}

/**
 * siyu_model_copy:
 * @copy: (out caller-allocates): receives a deep copy of @model
 *
 * Copies @model, tiers and all; clear @copy with siyu_model_clear().
 */
void
siyu_model_copy (const SiyuModel *model,
                 SiyuModel       *copy)
{
  *copy = *model;
  copy->tiers = tiers_new ();
  for (guint i = 0; model->tiers != NULL && i < model->tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (model->tiers, SiyuTierSetting, i);
      SiyuTierSetting dup = {
        tier->id, g_strdup (tier->name), g_strdup (tier->name_zh), tier->threshold, tier->capacity,
        tier->by_application, g_strdup (tier->benefits),
      };

      g_array_append_val (copy->tiers, dup);
    }
}

/* ------------------------------------------------------------------ */
/* The wizard: what the shop's own data suggest, and what a candidate   */
/* model would change.                                                  */
/* ------------------------------------------------------------------ */

#define MAX_BARS 12

/**
 * siyu_model_percentile:
 * @sorted: values in ascending order
 * @n: how many, at least 1
 *
 * The smallest of @sorted with at least @percent % of the values at or
 * below it: the value at position ceil (n × percent / 100), counting from
 * 1 (shared/ANALYTICS.md "Threshold suggestion").
 */
gint64
siyu_model_percentile (const gint64 *sorted,
                       guint         n,
                       int           percent)
{
  gint64 k;

  g_return_val_if_fail (n > 0, 0);

  k = ((gint64) n * percent + 99) / 100;
  return sorted[CLAMP (k, 1, (gint64) n) - 1];
}

static gint64
power_of_ten (int digits)
{
  gint64 p = 1;

  for (int i = 0; i < digits; i++)
    p *= 10;
  return p;
}

/* Friendly steps within a power of ten, in tenths: 1, 1.5, 2, 2.5, 3,
 * 4, 5, 6 and 8. */
static const int friendly_tenths[] = { 10, 15, 20, 25, 30, 40, 50, 60, 80 };

/**
 * siyu_model_friendly_amount:
 * @amount: minor units
 * @digits: the currency's minor digits (2 for CNY)
 *
 * Rounds @amount down to a friendly amount: the largest 1, 1.5, 2, 2.5,
 * 3, 4, 5, 6 or 8 × a power of ten whole major units (1, 2, 3, …, 8, 10,
 * 15, 20, 25, …) at or below it.  An amount under one major unit is 0.  For
 * example ¥1,234.56 is ¥1,000, ¥2,999 is ¥2,500 and ¥7,300 is ¥6,000.
 */
gint64
siyu_model_friendly_amount (gint64 amount,
                            int    digits)
{
  gint64 unit = power_of_ten (digits);
  gint64 major = amount / unit;
  gint64 best = 0;

  if (major < 1)
    return 0;
  for (gint64 step = 1; step <= major && step <= G_MAXINT64 / 80; step *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (friendly_tenths); i++)
      {
        gint64 tenths = step * friendly_tenths[i];

        if (tenths % 10 == 0 && tenths / 10 <= major)
          best = tenths / 10;
      }

  return best * unit;
}

/* The smallest friendly amount above @amount. */
static gint64
friendly_above (gint64 amount,
                int    digits)
{
  gint64 unit = power_of_ten (digits);
  gint64 major = amount / unit;

  for (gint64 step = 1; step <= G_MAXINT64 / 80; step *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (friendly_tenths); i++)
      {
        gint64 tenths = step * friendly_tenths[i];

        if (tenths % 10 == 0 && tenths / 10 > major)
          return tenths / 10 * unit;
      }

  return amount + unit;
}

static int
compare_int_values (gconstpointer a,
                    gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/**
 * siyu_gap_suggestion_compute:
 * @gaps: inter-purchase gaps in days, in any order
 *
 * The 80th and 95th percentile of @gaps (siyu_model_percentile()), the
 * dormant and lost days they suggest, and a histogram to draw: bars of
 * equal width w days, w the smallest of 1, 2, 5, 10, 20, 50, … that
 * covers 0 … p95 in at most 12 bars, then one bar for every longer gap
 * when there is any.  With fewer than %SIYU_MODEL_MIN_GAPS gaps,
 * @suggestion->enough is %FALSE and the suggestion should not be used.
 */
void
siyu_gap_suggestion_compute (const int         *gaps,
                             guint              n,
                             SiyuGapSuggestion *suggestion)
{
  g_autofree int *sorted = g_memdup2 (gaps, sizeof (int) * n);
  g_autofree gint64 *wide = g_new (gint64, MAX (n, 1));
  int width = 1, bars;
  guint k = 0;

  memset (suggestion, 0, sizeof *suggestion);
  suggestion->buckets = g_array_new (FALSE, TRUE, sizeof (SiyuGapBucket));
  suggestion->n_gaps = n;
  suggestion->p80 = suggestion->p95 = -1;
  suggestion->enough = n >= SIYU_MODEL_MIN_GAPS;
  if (n == 0)
    return;

  qsort (sorted, n, sizeof (int), compare_int_values);
  for (guint i = 0; i < n; i++)
    wide[i] = sorted[i];
  suggestion->p80 = (int) siyu_model_percentile (wide, n, 80);
  suggestion->p95 = (int) siyu_model_percentile (wide, n, 95);
  suggestion->dormant_days = MAX (1, suggestion->p80);
  suggestion->lost_days = MAX (suggestion->p95, suggestion->dormant_days + 1);

  for (int step = 1; ; step *= 10)
    {
      const int mantissas[] = { 1, 2, 5 };
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (mantissas) && !found; i++)
        if ((suggestion->p95 + step * mantissas[i]) / (step * mantissas[i]) <= MAX_BARS)
          {
            width = step * mantissas[i];
            found = TRUE;
          }
      if (found)
        break;
    }
  bars = suggestion->p95 / width + 1;

  for (int b = 0; b < bars; b++)
    {
      SiyuGapBucket bucket = { b * width, (b + 1) * width - 1, 0 };

      while (k < n && sorted[k] <= bucket.to)
        {
          bucket.count++;
          k++;
        }
      g_array_append_val (suggestion->buckets, bucket);
    }
  if (k < n)
    {
      SiyuGapBucket bucket = { bars * width, -1, n - k };

      g_array_append_val (suggestion->buckets, bucket);
    }
}

void
siyu_gap_suggestion_clear (SiyuGapSuggestion *suggestion)
{
  g_clear_pointer (&suggestion->buckets, g_array_unref);
}

/* The percentiles behind the thresholds of n tiers above the first. */
static const int tier_percents[][5] = {
  { 0 },
  { 85 },
  { 70, 95 },
  { 60, 85, 97 },
  { 50, 75, 90, 98 },
  { 40, 65, 85, 95, 99 },
};

/**
 * siyu_spend_suggestion_compute:
 * @spends: the members' 365-day net spend, minor units, in any order
 * @n_tiers: 1 to 6
 *
 * Suggests tier thresholds: the first tier from 0, the others at
 * percentiles of @spends — for 4 tiers the 60th, 85th and 97th; for 2 the
 * 85th; 3: 70th, 95th; 5: 50th, 75th, 90th, 98th; 6: 40th, 65th, 85th,
 * 95th, 99th — each rounded down to a friendly amount
 * (siyu_model_friendly_amount()).  A threshold that would not be above
 * the one below it becomes the next friendly amount above that one.
 */
gboolean
siyu_spend_suggestion_compute (const gint64        *spends,
                               guint                n,
                               guint                n_tiers,
                               int                  digits,
                               SiyuSpendSuggestion *suggestion,
                               GError             **error)
{
  g_autofree gint64 *sorted = NULL;
  gint64 zero = 0;
  int none = 0;

  memset (suggestion, 0, sizeof *suggestion);
  if (n_tiers < 1 || n_tiers > G_N_ELEMENTS (tier_percents))
    return invalid (error, _("Siyu suggests from 1 to %d member tiers, not %u."),
                    (int) G_N_ELEMENTS (tier_percents), n_tiers);
  if (n == 0)
    return invalid (error, _("There are no members yet to suggest tier thresholds from."));
  for (guint i = 0; i < n; i++)
    if (spends[i] < 0)
      return invalid (error, _("A member’s spend cannot be negative."));

  sorted = g_memdup2 (spends, sizeof (gint64) * n);
  qsort (sorted, n, sizeof (gint64), siyu_compare_int64);
  suggestion->n_members = n;
  suggestion->percents = g_array_new (FALSE, FALSE, sizeof (int));
  suggestion->percentiles = g_array_new (FALSE, FALSE, sizeof (gint64));
  suggestion->thresholds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (suggestion->percents, none);
  g_array_append_val (suggestion->percentiles, zero);
  g_array_append_val (suggestion->thresholds, zero);

  for (guint t = 1; t < n_tiers; t++)
    {
      int percent = tier_percents[n_tiers - 1][t - 1];
      gint64 value = siyu_model_percentile (sorted, n, percent);
      gint64 threshold = siyu_model_friendly_amount (value, digits);
      gint64 below = g_array_index (suggestion->thresholds, gint64, t - 1);

      if (threshold <= below)
        threshold = friendly_above (below, digits);
      g_array_append_val (suggestion->percents, percent);
      g_array_append_val (suggestion->percentiles, value);
      g_array_append_val (suggestion->thresholds, threshold);
    }

  return TRUE;
}

void
siyu_spend_suggestion_clear (SiyuSpendSuggestion *suggestion)
{
  g_clear_pointer (&suggestion->percents, g_array_unref);
  g_clear_pointer (&suggestion->percentiles, g_array_unref);
  g_clear_pointer (&suggestion->thresholds, g_array_unref);
}

typedef struct {
  gint64  id;
  gint64  member_since;   /* UTC */
  gboolean member;
  guint   start;          /* into days */
  guint   n;
  gint64  spend_365;
} FactPerson;

/* What the wizard needs of every contact as of one day. */
struct _SiyuModelFacts
{
  SiyuDay            as_of;
  GArray            *people;   /* FactPerson */
  GArray            *days;     /* SiyuDay of each paid order, by person then time */
  SiyuGapSuggestion  gaps;
};

void
siyu_model_facts_free (SiyuModelFacts *facts)
{
  if (facts == NULL)
    return;
  g_clear_pointer (&facts->people, g_array_unref);
  g_clear_pointer (&facts->days, g_array_unref);
  siyu_gap_suggestion_clear (&facts->gaps);
  g_free (facts);
}

/**
 * siyu_model_facts_new:
 * @analytics: figures computed for @shop
 *
 * Takes from @analytics and @shop what the wizard needs: every contact's
 * paid order days, members' 365-day net spend and when they joined, and
 * the gap suggestion over all consecutive paid orders of a contact.
 */
SiyuModelFacts *
siyu_model_facts_new (SiyuShop       *shop,
                      SiyuAnalytics  *analytics,
                      GError        **error)
{
  g_autoptr(SiyuModelFacts) facts = g_new0 (SiyuModelFacts, 1);
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (int));
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  facts->as_of = siyu_analytics_get_as_of (analytics);
  facts->people = g_array_new (FALSE, FALSE, sizeof (FactPerson));
  facts->days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));

  stmt = siyu_db_prepare (db, "SELECT id, member_since FROM contacts WHERE member_since IS NOT NULL "
                              "AND member_since < ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, siyu_shop_day_start (shop, facts->as_of + 1));
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    g_hash_table_insert (members, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  for (guint i = 0; i < siyu_analytics_get_n_contacts (analytics); i++)
    {
      const SiyuContactMetrics *m = siyu_analytics_get_contact (analytics, i);
      const gint64 *since = g_hash_table_lookup (members, &m->contact_id);
      FactPerson person = { m->contact_id, since != NULL ? *since : 0, since != NULL, facts->days->len, 0,
                            m->spend_365 };
      const SiyuDay *days;
      const gint64 *nets;
      guint n;

      siyu_analytics_get_purchases (analytics, i, &days, &nets, &n);
      person.n = n;
      if (n > 0)
        g_array_append_vals (facts->days, days, n);
      for (guint k = 1; k < n; k++)
        {
          int gap = days[k] - days[k - 1];

          g_array_append_val (gaps, gap);
        }
      g_array_append_val (facts->people, person);
    }

  siyu_gap_suggestion_compute ((const int *) gaps->data, gaps->len, &facts->gaps);

  return g_steal_pointer (&facts);
}

/**
 * siyu_model_facts_compute:
 *
 * Computes the figures of @shop as of @as_of and takes the wizard's facts
 * from them; call from the shop's worker thread.
 */
SiyuModelFacts *
siyu_model_facts_compute (SiyuShop          *shop,
                          SiyuDay            as_of,
                          SiyuProgressFunc   progress,
                          gpointer           progress_data,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(SiyuAnalytics) analytics = siyu_analytics_compute (shop, as_of, progress, progress_data,
                                                               cancellable, error);

  if (analytics == NULL)
    return NULL;
  return siyu_model_facts_new (shop, analytics, error);
}

const SiyuGapSuggestion *
siyu_model_facts_get_gaps (SiyuModelFacts *facts)
{
  return &facts->gaps;
}

gint64
siyu_model_facts_get_n_members (SiyuModelFacts *facts)
{
  gint64 n = 0;

  for (guint i = 0; i < facts->people->len; i++)
    n += g_array_index (facts->people, FactPerson, i).member ? 1 : 0;
  return n;
}

/**
 * siyu_model_facts_suggest_tiers:
 *
 * siyu_spend_suggestion_compute() over the members of the facts.
 */
gboolean
siyu_model_facts_suggest_tiers (SiyuModelFacts      *facts,
                                guint                n_tiers,
                                int                  digits,
                                SiyuSpendSuggestion *suggestion,
                                GError             **error)
{
  g_autoptr(GArray) spends = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < facts->people->len; i++)
    {
      const FactPerson *person = &g_array_index (facts->people, FactPerson, i);

      if (person->member)
        g_array_append_val (spends, person->spend_365);
    }

  return siyu_spend_suggestion_compute ((const gint64 *) spends->data, spends->len, n_tiers, digits,
                                        suggestion, error);
}

/* The stage of @person as of the facts' day under @l, as
 * shared/ANALYTICS.md "Lifecycle" has it. */
static SiyuStage
fact_stage (SiyuModelFacts           *facts,
            const FactPerson         *person,
            const SiyuLifecycleModel *l)
{
  const SiyuDay *days = &g_array_index (facts->days, SiyuDay, person->start);
  SiyuDay last;
  guint recent = 0;

  if (person->n == 0)
    return SIYU_STAGE_PROSPECT;
  last = days[person->n - 1];
  if (facts->as_of - last > l->lost_days)
    return SIYU_STAGE_LOST;
  if (facts->as_of - last > l->dormant_days)
    return SIYU_STAGE_DORMANT;
  if (person->n == 1)
    return SIYU_STAGE_NEW;
  for (guint i = 0; i < person->n; i++)
    if (days[i] >= facts->as_of - l->mature_window_days)
      recent++;
  if ((int) recent >= l->mature_orders)
    return SIYU_STAGE_MATURE;

  return SIYU_STAGE_GROWING;
}

static int
compare_for_tier (gconstpointer a,
                  gconstpointer b)
{
  const FactPerson *x = *(const FactPerson * const *) a, *y = *(const FactPerson * const *) b;

  if (x->spend_365 != y->spend_365)
    return x->spend_365 > y->spend_365 ? -1 : 1;
  if (x->member_since != y->member_since)
    return x->member_since < y->member_since ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Each person's tier position under @tiers (-1: none), as
 * shared/ANALYTICS.md "Member tiers" has it; counts go to @counts. */
static int *
fact_tiers (SiyuModelFacts *facts,
            GArray         *tiers,
            GArray         *counts,
            gint64         *below)
{
  guint n = facts->people->len;
  int *level = g_new (int, MAX (n, 1));
  g_autoptr(GPtrArray) holders = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      const FactPerson *person = &g_array_index (facts->people, FactPerson, i);

      level[i] = -1;
      if (!person->member)
        continue;
      for (guint t = 0; t < tiers->len; t++)
        {
          const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, t);

          if (person->spend_365 >= tier->threshold && !tier->by_application)
            level[i] = (int) t;
          else if (person->spend_365 < tier->threshold)
            break;
        }
    }

  for (int t = (int) tiers->len - 1; t >= 1; t--)
    {
      const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, t);

      if (tier->capacity <= 0)
        continue;
      g_ptr_array_set_size (holders, 0);
      for (guint i = 0; i < n; i++)
        if (level[i] == t)
          g_ptr_array_add (holders, &g_array_index (facts->people, FactPerson, i));
      if ((gint64) holders->len <= tier->capacity)
        continue;
      g_ptr_array_sort (holders, compare_for_tier);
      for (guint k = (guint) tier->capacity; k < holders->len; k++)
        level[(FactPerson *) g_ptr_array_index (holders, k) - (FactPerson *) facts->people->data] = t - 1;
    }

  g_array_set_size (counts, tiers->len);
  memset (counts->data, 0, sizeof (gint64) * tiers->len);
  *below = 0;
  for (guint i = 0; i < n; i++)
    {
      if (level[i] >= 0)
        g_array_index (counts, gint64, level[i])++;
      else if (g_array_index (facts->people, FactPerson, i).member)
        (*below)++;
    }

  return level;
}

/**
 * siyu_model_preview:
 * @current: the model in use
 * @candidate: the model the owner is working out; checked first
 *
 * Counts contacts per lifecycle stage and members per tier under both
 * models, without saving anything.  A member moves up when their tier's
 * place in the list counted from the bottom (no tier: below the first) is
 * higher under @candidate than under @current, and down when it is lower:
 * a tier whose threshold changes keeps its members where they stay in it.
 */
gboolean
siyu_model_preview (SiyuModelFacts   *facts,
                    const SiyuModel  *current,
                    const SiyuModel  *candidate,
                    const char       *currency,
                    SiyuModelPreview *preview,
                    GError          **error)
{
  g_autofree int *before = NULL;
  g_autofree int *after = NULL;

  memset (preview, 0, sizeof *preview);
  if (!siyu_model_check (candidate, currency, error))
    return FALSE;

  preview->tiers = g_array_new (FALSE, TRUE, sizeof (gint64));
  preview->current_tiers = g_array_new (FALSE, TRUE, sizeof (gint64));
  before = fact_tiers (facts, current->tiers, preview->current_tiers, &preview->current_below);
  after = fact_tiers (facts, candidate->tiers, preview->tiers, &preview->below);

  for (guint i = 0; i < facts->people->len; i++)
    {
      const FactPerson *person = &g_array_index (facts->people, FactPerson, i);
      preview->stages[fact_stage (facts, person, &candidate->lifecycle)]++;
      preview->current_stages[fact_stage (facts, person, &current->lifecycle)]++;
      if (!person->member)
        continue;
      preview->members++;
      if (after[i] > before[i])
        preview->moved_up++;
      else if (after[i] < before[i])
        preview->moved_down++;
    }

  return TRUE;
}

void
siyu_model_preview_clear (SiyuModelPreview *preview)
{
  g_clear_pointer (&preview->tiers, g_array_unref);
  g_clear_pointer (&preview->current_tiers, g_array_unref);
}

static void
add_counts (JsonBuilder *builder,
            const char  *name,
            GArray      *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; counts != NULL && i < counts->len; i++)
    json_builder_add_int_value (builder, g_array_index (counts, gint64, i));
  json_builder_end_array (builder);
}

static void
add_stages (JsonBuilder  *builder,
            const char   *name,
            const gint64 *stages)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      json_builder_set_member_name (builder, siyu_stage_to_string (s));
      json_builder_add_int_value (builder, stages[s]);
    }
  json_builder_end_object (builder);
}

/**
 * siyu_model_preview_to_json:
 *
 * The preview as written by `siyu-cli model set`: stages and tiers under
 * the new ("stages", "tiers") and the previous model, and the moves.
 */
JsonNode *
siyu_model_preview_to_json (const SiyuModelPreview *preview)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_stages (builder, "stages", preview->stages);
  add_stages (builder, "previous_stages", preview->current_stages);
  add_counts (builder, "tiers", preview->tiers);
  add_counts (builder, "previous_tiers", preview->current_tiers);
  json_builder_set_member_name (builder, "below_first_tier");
  json_builder_add_int_value (builder, preview->below);
  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, preview->members);
  json_builder_set_member_name (builder, "moved_up");
  json_builder_add_int_value (builder, preview->moved_up);
  json_builder_set_member_name (builder, "moved_down");
  json_builder_add_int_value (builder, preview->moved_down);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_gap_suggestion_to_json:
 *
 * The gaps, their 80th and 95th percentile, the suggested days and the
 * histogram (each bar "from", "to" — null for "and more" — and "count").
 */
JsonNode *
siyu_gap_suggestion_to_json (const SiyuGapSuggestion *suggestion)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const struct { const char *name; int value; } values[] = {
    { "p80", suggestion->p80 }, { "p95", suggestion->p95 },
    { "dormant_days", suggestion->dormant_days }, { "lost_days", suggestion->lost_days },
  };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "gaps");
  json_builder_add_int_value (builder, suggestion->n_gaps);
  json_builder_set_member_name (builder, "enough");
  json_builder_add_boolean_value (builder, suggestion->enough);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      json_builder_set_member_name (builder, values[i].name);
      if (suggestion->n_gaps > 0)
        json_builder_add_int_value (builder, values[i].value);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "histogram");
  json_builder_begin_array (builder);
  for (guint i = 0; suggestion->buckets != NULL && i < suggestion->buckets->len; i++)
    {
      const SiyuGapBucket *bucket = &g_array_index (suggestion->buckets, SiyuGapBucket, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_int_value (builder, bucket->from);
      json_builder_set_member_name (builder, "to");
      if (bucket->to >= 0)
        json_builder_add_int_value (builder, bucket->to);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, bucket->count);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_spend_suggestion_to_json:
 *
 * The members counted and, per tier, the percentile, the spend there and
 * the friendly threshold suggested.
 */
JsonNode *
siyu_spend_suggestion_to_json (const SiyuSpendSuggestion *suggestion)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, suggestion->n_members);
  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_array (builder);
  for (guint i = 0; suggestion->thresholds != NULL && i < suggestion->thresholds->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "percentile");
      if (i > 0)
        json_builder_add_int_value (builder, g_array_index (suggestion->percents, int, i));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "spend");
      json_builder_add_int_value (builder, g_array_index (suggestion->percentiles, gint64, i));
      json_builder_set_member_name (builder, "threshold");
      json_builder_add_int_value (builder, g_array_index (suggestion->thresholds, gint64, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_model_apply:
 * @as_of: the day to count the figures for
 *
 * Saves @model and counts every figure again with it, in one transaction;
 * the old lifecycle model stays in history with its stage snapshots.  When
 * the count fails or is cancelled, nothing was changed: the previous model
 * and its figures stay.
 *
 * Returns: (transfer full): what siyu_model_undo() needs to put the
 *   previous model back (its JSON with the id of its lifecycle model), or
 *   %NULL with @error set.
 */
char *
siyu_model_apply (SiyuShop          *shop,
                  const SiyuModel   *model,
                  SiyuDay            as_of,
                  SiyuProgressFunc   progress,
                  gpointer           progress_data,
                  GCancellable      *cancellable,
                  GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *previous = NULL;
  SiyuModel old;
  gint64 lifecycle_id;

  if (!siyu_model_check (model, siyu_shop_get_currency (shop), error))
    return NULL;
  if (!siyu_model_load (shop, &old, error))
    return NULL;
  lifecycle_id = siyu_db_query_int (db, "SELECT coalesce ((SELECT id FROM lifecycle_models WHERE active = 1), 0)",
                                    error);
  if (lifecycle_id < 0)
    {
      siyu_model_clear (&old);
      return NULL;
    }
  node = siyu_model_to_json (&old);
  json_object_set_int_member (json_node_get_object (node), "lifecycle_model_id", lifecycle_id);
  previous = siyu_json_to_string (node, FALSE);

  siyu_model_clear (&old);
  if (!save_model (shop, model, 0, as_of, progress, progress_data, cancellable, NULL, error))
    return NULL;

  return g_steal_pointer (&previous);
}

/**
 * siyu_model_undo:
 * @previous: what siyu_model_apply() returned
 *
 * Puts the previous model back exactly — its lifecycle model active again,
 * removed tiers back with their ids — and counts every figure again.
 */
gboolean
siyu_model_undo (SiyuShop          *shop,
                 const char        *previous,
                 SiyuDay            as_of,
                 SiyuProgressFunc   progress,
                 gpointer           progress_data,
                 GCancellable      *cancellable,
                 GError           **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gint64 lifecycle_id = 0;
  SiyuModel model;
  gboolean ok;

  node = json_from_string (previous, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _("There is no previous model to put back."));
  object = json_node_get_object (node);
  if (json_object_has_member (object, "lifecycle_model_id"))
    lifecycle_id = json_object_get_int_member (object, "lifecycle_model_id");

  if (!siyu_model_load (shop, &model, error))
    return FALSE;
  ok = siyu_model_from_json (node, &model, error) &&
       save_model (shop, &model, MAX (lifecycle_id, 0), as_of, progress, progress_data, cancellable, NULL,
                   error);
  siyu_model_clear (&model);

  return ok;
}
