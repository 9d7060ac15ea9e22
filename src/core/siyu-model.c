/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-model"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-model.h"
#include "siyu-money.h"

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
  g_autoptr(GString) kept = g_string_new ("DELETE FROM tiers WHERE id NOT IN (0");

  /* Out of the way of the new positions first. */
  if (!siyu_db_exec (db, "UPDATE tiers SET position = position + 1000000", error))
    return FALSE;

  for (guint i = 0; i < tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (tiers, SiyuTierSetting, i);

      if (tier->id != 0)
        g_string_append_printf (kept, ", %" G_GINT64_FORMAT, tier->id);
    }
  g_string_append (kept, ")");
  /* Only ids, which are numbers, go into this statement. */
  if (!siyu_db_exec (db, kept->str, error))
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
  SiyuDb *db = siyu_shop_get_db (shop);
  const SiyuPyramidWeights *w = &model->weights;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;

  if (!siyu_model_check (model, siyu_shop_get_currency (shop), error))
    return FALSE;
  if (!siyu_db_begin (db, error))
    return FALSE;

  node = siyu_model_to_json (model);
  detail = json_to_string (node, FALSE);
  if (!save_lifecycle (db, &model->lifecycle, g_get_real_time () / G_USEC_PER_SEC, error) ||
      !save_tiers (db, model->tiers, error) ||
      !save_weight (db, "pyramid_weight_referral", w->referral, error) ||
      !save_weight (db, "pyramid_weight_share", w->share, error) ||
      !save_weight (db, "pyramid_weight_review", w->review, error) ||
      !save_weight (db, "pyramid_weight_group_message", w->group_message, error) ||
      !save_weight (db, "pyramid_weight_order", w->order, error) ||
      !siyu_shop_audit (shop, "model", "model", 0, detail, error) ||
      !siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      return FALSE;
    }

  return TRUE;
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
