/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-segments"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-analytics.h"
#include "siyu-consent.h"
#include "siyu-json.h"
#include "siyu-segments.h"

/* Saved segments and the built-in ones: their names and definitions in
 * the shop, listed with their counts, created, renamed, changed,
 * duplicated and deleted with an audit line each.  What a definition
 * means, and how it is counted, is siyu-segments.c's. */

#define MAX_NAME 100

/* Built-in segments.  The definitions are written in the format of siyu-segments.c. */
static const struct {
  const char *name;
  const char *name_zh;
  const char *explanation;
  const char *definition;
} builtins[] = {
  { N_("Dormant high spenders"), "沉睡的高消费客户",
    /* xgettext:no-c-format */
    N_("Dormant customers whose net spend is in the top 20 % of all buyers: worth waking up."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"},"
    "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":20}]}" },
  { N_("Champions"), "重要价值客户",
    N_("Bought very recently and often: the RFM segment Champions."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"champions\"}]}" },
  { N_("About to sleep"), "即将沉睡",
    N_("Bought a while ago and rarely: the RFM segment About to sleep."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"about_to_sleep\"}]}" },
  { N_("New buyers of the last 30 days"), "近 30 天新买家",
    N_("Placed their first paid order in the last 30 days."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"first_order\",\"op\":\"within_days\",\"value\":30}]}" },
  { N_("Members close to the next tier"), "即将升级的会员",
    /* xgettext:no-c-format */
    N_("Members whose gap to the next tier is less than 20 % of that tier’s threshold."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":20}]}" },
  { N_("Group members who never bought"), "从未购买的群成员",
    N_("In a community group now, but without a paid order yet."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"member\"},"
    "{\"field\":\"orders\",\"op\":\"=\",\"value\":0}]}" },
  { N_("Can’t lose them"), "不能失去的客户",
    N_("Used to buy the most, but not for a long time: the RFM segment Can’t lose them."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"cant_lose\"}]}" },
};

static int
builtin_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_strcmp0 (builtins[i].name, name) == 0)
      return (int) i;

  return -1;
}

/**
 * siyu_segment_get_title:
 * @name: (nullable): a segment's name as stored, or a touch's, which is
 *   the name of the segment it went to
 *
 * Returns: (transfer none): a built-in segment's name in the owner's
 *   language, else @name as the owner wrote it
 */
const char *
siyu_segment_get_title (const char *name)
{
  int index = builtin_index (name);

  return index >= 0 ? _(builtins[index].name) : name;
}

/* Adds the built-in segments a shop does not have yet. */
static gboolean
ensure_builtins (SiyuShop  *shop,
                 GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 have;

  /* A shop opened read-only lists the segments it holds. */
  if (siyu_shop_is_read_only (shop))
    return TRUE;
  have = siyu_db_query_int (db, "SELECT count (*) FROM segments WHERE builtin = 1", error);
  if (have < 0)
    return FALSE;
  if (have >= (gint64) G_N_ELEMENTS (builtins))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      stmt = siyu_db_prepare (db, "INSERT INTO segments (name, definition, builtin, created_at, updated_at) "
                                  "VALUES (?, ?, 1, ?, ?) ON CONFLICT (name) DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, builtins[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, builtins[i].definition, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static JsonNode *
segment_to_json (SiyuShop     *shop,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *name = (const char *) sqlite3_column_text (stmt, 1);
  gboolean builtin = sqlite3_column_int (stmt, 3) != 0;
  int index = builtin ? builtin_index (name) : -1;
  const char *text = (const char *) sqlite3_column_text (stmt, 2);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *what = g_strdup_printf (_("The definition of the segment “%s”"), name != NULL ? name : "");
  JsonNode *definition = text != NULL ? siyu_json_parse (text, -1, what, &local_error) : NULL;

  /* The shop file is untrusted: a definition stored in it may nest deeper
   * than json-glib's recursion survives; a damaged file can hold anything,
   * or nothing, in place of a definition. */
  if (definition == NULL && local_error != NULL && g_error_matches (local_error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (definition == NULL)
    {
      g_autofree char *file = g_filename_display_name (siyu_shop_get_path (shop));

      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT,
                   _("“%s” is damaged: the definition of segment %lld cannot be read. Restore it from a backup."),
                   file, (long long) sqlite3_column_int64 (stmt, 0));
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, index >= 0 ? _(builtins[index].name) : name);
  json_builder_set_member_name (builder, "builtin");
  json_builder_add_boolean_value (builder, builtin);
  if (index >= 0)
    {
      json_builder_set_member_name (builder, "name_zh");
      json_builder_add_string_value (builder, builtins[index].name_zh);
      json_builder_set_member_name (builder, "explanation");
      json_builder_add_string_value (builder, _(builtins[index].explanation));
    }
  json_builder_set_member_name (builder, "definition");
  json_builder_add_value (builder, definition);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_segments_list:
 *
 * Returns: (transfer full): the saved segments, built-in ones first, as
 *   [{ id, name, title, builtin, name_zh?, explanation?, definition }]
 */
JsonNode *
siyu_segments_list (SiyuShop  *shop,
                    GError   **error)
{
  SiyuDb *db;
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *root;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!ensure_builtins (shop, error))
    return NULL;
  stmt = siyu_db_prepare (db, "SELECT id, name, definition, builtin FROM segments ORDER BY builtin DESC, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      JsonNode *node = segment_to_json (shop, stmt, error);

      if (node == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      json_array_add_element (array, node);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  root = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (root, array);

  return root;
}

/**
 * siyu_segment_lookup:
 * @name: a segment's name; a built-in one's zh_CN name or translated name
 *   also finds it
 *
 * Returns: the segment's id, or 0 with @error set
 */
gint64
siyu_segment_lookup (SiyuShop    *shop,
                     const char  *name,
                     GError     **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  const char *stored = name;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);
  g_return_val_if_fail (name != NULL, 0);

  db = siyu_shop_get_db (shop);
  if (!ensure_builtins (shop, error))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (name, builtins[i].name_zh) || g_str_equal (name, _(builtins[i].name)))
      stored = builtins[i].name;

  stmt = siyu_db_prepare (db, "SELECT id FROM segments WHERE name = ? ORDER BY builtin LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc < 0)
    return 0;
  if (id == 0 && stored != name)
    {
      stmt = siyu_db_prepare (db, "SELECT id FROM segments WHERE name = ? ORDER BY builtin LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, stored, -1, SQLITE_STATIC);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc < 0)
        return 0;
    }
  if (id == 0)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment called “%s”."), name);

  return id;
}

/**
 * siyu_segment_get:
 *
 * Returns: (transfer full): { id, name, title, builtin, name_zh?,
 *   explanation?, definition }, or %NULL with @error set
 */
JsonNode *
siyu_segment_get (SiyuShop   *shop,
                  gint64      segment_id,
                  GError    **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  JsonNode *node = NULL;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id, name, definition, builtin FROM segments WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    node = segment_to_json (shop, stmt, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment %lld."), (long long) segment_id);
  sqlite3_reset (stmt);

  return node;
}

/**
 * siyu_segment_dup_definition:
 *
 * Returns: (transfer full): the stored definition of a segment
 */
JsonNode *
siyu_segment_dup_definition (SiyuShop  *shop,
                             gint64     segment_id,
                             GError   **error)
{
  g_autoptr(JsonNode) node = siyu_segment_get (shop, segment_id, error);

  if (node == NULL)
    return NULL;

  return json_node_copy (json_object_get_member (json_node_get_object (node), "definition"));
}

static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID, _("A segment needs a name."));
      return NULL;
    }
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID, _("A segment needs a name."));
      return NULL;
    }
  if (g_utf8_strlen (stripped, -1) > MAX_NAME)
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID, _("The name of a segment can have at most %d characters."), MAX_NAME);
      return NULL;
    }

  return g_steal_pointer (&stripped);
}

static gboolean
name_taken (SiyuDb      *db,
            const char  *name,
            gint64       except,
            gboolean    *taken,
            GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT count (*) FROM segments WHERE name = ? AND id <> ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except);
  rc = siyu_db_step (db, stmt, error);
  *taken = rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (name, builtins[i].name) || g_str_equal (name, builtins[i].name_zh))
      *taken = TRUE;

  return TRUE;
}

static gboolean
audit (SiyuShop    *shop,
       const char  *action,
       gint64       segment_id,
       const char  *name,
       GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  detail = siyu_json_to_string (node, FALSE);

  return siyu_shop_audit (shop, action, "segment", segment_id, detail, error);
}

/* Returns the row's builtin flag and name, or FALSE with NOT_FOUND. */
static gboolean
load_row (SiyuDb     *db,
          gint64      segment_id,
          gboolean   *builtin,
          char      **name,
          char      **definition,
          GError    **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT builtin, name, definition FROM segments WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *builtin = sqlite3_column_int (stmt, 0) != 0;
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (definition != NULL)
        *definition = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment %lld."), (long long) segment_id);

  return rc == SQLITE_ROW;
}

static gint64
insert_segment (SiyuShop    *shop,
                const char  *name,
                const char  *definition,
                const char  *action,
                GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *clean = check_name (name, error);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean taken;
  gint64 id;

  if (clean == NULL || !ensure_builtins (shop, error))
    return 0;
  if (!siyu_db_begin (db, error))
    return 0;
  if (!name_taken (db, clean, 0, &taken, error))
    goto failed;
  if (taken)
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS,
                   _("There is already a segment called “%s”."), clean);
      goto failed;
    }
  stmt = siyu_db_prepare (db, "INSERT INTO segments (name, definition, builtin, created_at, updated_at) "
                              "VALUES (?, ?, 0, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, definition, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!siyu_db_step_done (db, stmt, error))
    goto failed;
  id = siyu_db_last_insert_id (db);
  if (!audit (shop, action, id, clean, error) || !siyu_db_commit (db, error))
    goto failed;

  return id;

failed:
  siyu_db_rollback (db);
  return 0;
}

/**
 * siyu_segment_create:
 *
 * Checks @definition and saves it under @name, which no other segment has.
 *
 * Returns: the new segment's id, or 0 with @error set
 */
gint64
siyu_segment_create (SiyuShop    *shop,
                     const char  *name,
                     JsonNode    *definition,
                     GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  if (!siyu_segment_check (definition, error))
    return 0;
  text = siyu_json_to_string (definition, FALSE);

  return insert_segment (shop, name, text, "segment-create", error);
}

gboolean
siyu_segment_rename (SiyuShop    *shop,
                     gint64       segment_id,
                     const char  *name,
                     GError     **error)
{
  SiyuDb *db;
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin, taken;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  clean = check_name (name, error);
  if (clean == NULL || !load_row (db, segment_id, &builtin, NULL, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be renamed; duplicate it instead."));
      return FALSE;
    }
  if (!siyu_db_begin (db, error))
    return FALSE;
  if (!name_taken (db, clean, segment_id, &taken, error))
    goto failed;
  if (taken)
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS,
                   _("There is already a segment called “%s”."), clean);
      goto failed;
    }
  stmt = siyu_db_prepare (db, "UPDATE segments SET name = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-rename", segment_id, clean, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

gboolean
siyu_segment_update (SiyuShop    *shop,
                     gint64       segment_id,
                     JsonNode    *definition,
                     GError     **error)
{
  SiyuDb *db;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &name, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be changed; duplicate it instead."));
      return FALSE;
    }
  if (!siyu_segment_check (definition, error))
    return FALSE;
  text = siyu_json_to_string (definition, FALSE);
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "UPDATE segments SET definition = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-update", segment_id, name, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_segment_duplicate:
 * @name: (nullable): the copy's name; %NULL for “NAME (copy)”
 *
 * Returns: the copy's id, or 0 with @error set
 */
gint64
siyu_segment_duplicate (SiyuShop    *shop,
                        gint64       segment_id,
                        const char  *name,
                        GError     **error)
{
  SiyuDb *db;
  g_autofree char *original = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *copy = NULL;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &original, &definition, error))
    return 0;

  if (name == NULL)
    {
      const char *title = builtin && builtin_index (original) >= 0 ? _(original) : original;

      for (int i = 1; i < 1000; i++)
        {
          gboolean taken;

          g_free (copy);
          /* Translators: the name of a copy of a segment; %s is the segment's name. */
          copy = i == 1 ? g_strdup_printf (_("%s (copy)"), title)
                        /* Translators: the name of the second, third… copy of a segment. */
                        : g_strdup_printf (_("%s (copy %d)"), title, i);
          if (!name_taken (db, copy, 0, &taken, error))
            return 0;
          if (!taken)
            break;
        }
      name = copy;
    }

  return insert_segment (shop, name, definition, "segment-duplicate", error);
}

gboolean
siyu_segment_delete (SiyuShop  *shop,
                     gint64     segment_id,
                     GError   **error)
{
  SiyuDb *db;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &name, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be deleted."));
      return FALSE;
    }
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "DELETE FROM segments WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-delete", segment_id, name, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}
