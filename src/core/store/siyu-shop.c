/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-export.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-shop.h"
#include "siyu-time.h"

struct _SiyuShop
{
  GObject    parent_instance;

  SiyuDb    *db;
  GMutex     mutex;
  char      *name;
  char      *currency;
  char      *time_zone_id;
  GTimeZone *time_zone;
  char      *phone_region;
  SiyuDay    data_end;
};

G_DEFINE_FINAL_TYPE (SiyuShop, siyu_shop, G_TYPE_OBJECT)

enum {
  SETTINGS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (siyu-shop-error-quark, siyu_shop_error)

static void
replace_str (char       **slot,
             const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static char *
read_setting (SiyuShop   *self,
              const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  stmt = siyu_db_prepare (self->db, "SELECT value FROM settings WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (siyu_db_step (self->db, stmt, NULL) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

static gboolean
write_setting (SiyuShop    *self,
               const char  *key,
               const char  *value,
               GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO settings (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);

  return siyu_db_step_done (self->db, stmt, error);
}

static void
load_settings (SiyuShop *self)
{
  g_autofree char *data_end = NULL;

  g_free (self->name);
  self->name = read_setting (self, "name");
  if (self->name == NULL)
    {
      g_autofree char *base = g_path_get_basename (siyu_db_get_path (self->db));
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      self->name = g_filename_display_name (base);
    }

  g_free (self->currency);
  self->currency = read_setting (self, "currency");
  if (!siyu_currency_is_known (self->currency))
    replace_str (&self->currency, SIYU_SHOP_DEFAULT_CURRENCY);

  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_free (self->time_zone_id);
  self->time_zone_id = read_setting (self, "time_zone");
  self->time_zone = siyu_time_zone_new (self->time_zone_id);
  if (self->time_zone == NULL)
    {
      replace_str (&self->time_zone_id, SIYU_SHOP_DEFAULT_TIME_ZONE);
      self->time_zone = siyu_time_zone_new (self->time_zone_id);
    }
  /* Without a time zone database there is still a right answer for the
   * default zone: China has kept UTC+8 without daylight saving since 1991. */
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_offset (8 * 3600);

  g_free (self->phone_region);
  self->phone_region = read_setting (self, "phone_region");
  if (!siyu_phone_region_is_known (self->phone_region))
    replace_str (&self->phone_region, SIYU_SHOP_DEFAULT_PHONE_REGION);

  data_end = read_setting (self, "data_end");
  if (data_end == NULL || !siyu_day_parse (data_end, &self->data_end))
    self->data_end = SIYU_DAY_INVALID;
}

static void
siyu_shop_finalize (GObject *object)
{
  SiyuShop *self = (SiyuShop *)object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->time_zone_id, g_free);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->phone_region, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (siyu_shop_parent_class)->finalize (object);
}

static void
siyu_shop_class_init (SiyuShopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_shop_finalize;

  /**
   * SiyuShop::settings-changed:
   *
   * Emitted after a shop setting (name, currency, time zone, phone region)
   * was saved.
   */
  signals[SETTINGS_CHANGED] =
    g_signal_new ("settings-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
siyu_shop_init (SiyuShop *self)
{
  g_mutex_init (&self->mutex);
  self->data_end = SIYU_DAY_INVALID;
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                           _("The shop needs a name."));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                           _("The shop needs a name."));
      return FALSE;
    }

  if (g_utf8_strlen (stripped, -1) > 100)
    {
      g_set_error_literal (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                           _("The shop name is too long: use at most 100 characters."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_currency (const char  *currency,
                   GError     **error)
{
  if (!siyu_currency_is_known (currency))
    {
      g_set_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                   _("“%s” is not a currency Siyu knows. Use a code such as CNY, HKD or USD."),
                   currency != NULL ? currency : "");
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_time_zone (const char  *time_zone,
                    GError     **error)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new (time_zone);

  if (tz == NULL)
    {
      g_set_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                   _("“%s” is not a time zone. Use a name such as Asia/Shanghai."),
                   time_zone != NULL ? time_zone : "");
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_shop_create:
 * @path: where the new shop file goes; it must not exist
 * @name: the shop's name, shown in the window title and reports
 * @currency: (nullable): ISO 4217 code, %NULL for CNY
 * @time_zone: (nullable): IANA zone in which days and months are counted,
 *   %NULL for Asia/Shanghai
 *
 * Creates a new, empty shop.  On failure nothing is left at @path.
 */
SiyuShop *
siyu_shop_create (const char  *path,
                  const char  *name,
                  const char  *currency,
                  const char  *time_zone,
                  GError     **error)
{
  g_autoptr(SiyuShop) self = NULL;
  g_autoptr(SiyuDb) db = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (currency == NULL)
    currency = SIYU_SHOP_DEFAULT_CURRENCY;
  if (time_zone == NULL)
    time_zone = SIYU_SHOP_DEFAULT_TIME_ZONE;

  if (!validate_name (name, error) ||
      !validate_currency (currency, error) ||
      !validate_time_zone (time_zone, error))
    return NULL;

  db = siyu_db_create (path, error);
  if (db == NULL)
    return NULL;

  self = g_object_new (SIYU_TYPE_SHOP, NULL);
  self->db = g_steal_pointer (&db);

  stripped = g_strstrip (g_strdup (name));
  now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

  if (!siyu_db_begin (self->db, error))
    goto fail;
  if (!write_setting (self, "name", stripped, error) ||
      !write_setting (self, "currency", currency, error) ||
      !write_setting (self, "time_zone", time_zone, error) ||
      !write_setting (self, "phone_region", SIYU_SHOP_DEFAULT_PHONE_REGION, error) ||
      !write_setting (self, "created_at", now, error) ||
      /* An empty shop's figures are counted: they are all nothing. */
      !siyu_db_exec (self->db, "UPDATE data_version SET figures = data", error) ||
      !siyu_db_commit (self->db, error))
    {
      siyu_db_rollback (self->db);
      goto fail;
    }

  load_settings (self);

  return g_steal_pointer (&self);

fail:
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_clear_object (&self->db);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    return NULL;
  }
}

static SiyuShop *
shop_new (SiyuDb *db)
{
  SiyuShop *self = g_object_new (SIYU_TYPE_SHOP, NULL);

  self->db = db;
  load_settings (self);
  /* What an export killed half way left beside the shop. */
  if (!siyu_db_is_read_only (db))
    siyu_export_remove_leftovers (self);

  return self;
}

SiyuShop *
siyu_shop_open (const char  *path,
                GError     **error)
{
  SiyuDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = siyu_db_open (path, error);

  return db != NULL ? shop_new (db) : NULL;
}

/**
 * siyu_shop_open_read_only:
 *
 * Opens a shop to look at it only, as siyu_shop_open() opens one in a
 * file, folder or medium Siyu cannot write: see siyu_db_open_read_only().
 */
SiyuShop *
siyu_shop_open_read_only (const char  *path,
                          GError     **error)
{
  SiyuDb *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = siyu_db_open_read_only (path, error);

  return db != NULL ? shop_new (db) : NULL;
}

/* Whether changes to the shop cannot be saved: it was opened read-only. */
gboolean
siyu_shop_is_read_only (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), TRUE);

  return siyu_db_is_read_only (self->db);
}

SiyuDb *
siyu_shop_get_db (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->db;
}

/**
 * siyu_shop_lock:
 *
 * A shop is used by one thread at a time: the GUI takes this lock around
 * every piece of work it hands to a worker thread.
 */
void
siyu_shop_lock (SiyuShop *self)
{
  g_return_if_fail (SIYU_IS_SHOP (self));

  g_mutex_lock (&self->mutex);
}

void
siyu_shop_unlock (SiyuShop *self)
{
  g_return_if_fail (SIYU_IS_SHOP (self));

  g_mutex_unlock (&self->mutex);
}

const char *
siyu_shop_get_path (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return siyu_db_get_path (self->db);
}

const char *
siyu_shop_get_name (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->name;
}

const char *
siyu_shop_get_currency (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->currency;
}

const char *
siyu_shop_get_time_zone_id (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->time_zone_id;
}

GTimeZone *
siyu_shop_get_time_zone (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->time_zone;
}

const char *
siyu_shop_get_phone_region (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  return self->phone_region;
}

/* Returns: (nullable): the stored value of a shop setting, %NULL when unset. */
char *
siyu_shop_dup_setting (SiyuShop   *self,
                       const char *key)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return read_setting (self, key);
}

gboolean
siyu_shop_has_orders (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  return siyu_db_query_int (self->db, "SELECT EXISTS (SELECT 1 FROM orders)", NULL) > 0;
}

/**
 * siyu_shop_write_setting:
 *
 * Stores a setting that no figure depends on (the backups' retention, …),
 * inside the caller's transaction if there is one.
 */
gboolean
siyu_shop_write_setting (SiyuShop    *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  return write_setting (self, key, value, error);
}

/**
 * siyu_shop_reload:
 *
 * Reads the shop's settings again, after its data was replaced (a
 * restore), and says so with #SiyuShop::settings-changed.
 */
void
siyu_shop_reload (SiyuShop *self)
{
  g_return_if_fail (SIYU_IS_SHOP (self));

  load_settings (self);
  g_signal_emit (self, signals[SETTINGS_CHANGED], 0);
}

static gboolean
save_setting (SiyuShop    *self,
              const char  *key,
              const char  *value,
              GError     **error)
{
  if (!write_setting (self, key, value, error))
    return FALSE;

  load_settings (self);
  g_signal_emit (self, signals[SETTINGS_CHANGED], 0);

  return TRUE;
}

gboolean
siyu_shop_set_name (SiyuShop    *self,
                    const char  *name,
                    GError     **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (!validate_name (name, error))
    return FALSE;

  stripped = g_strstrip (g_strdup (name));

  return save_setting (self, "name", stripped, error);
}

/* Money is stored in minor units of the shop's currency, so the currency can
 * only change while the shop has no orders. */
gboolean
siyu_shop_set_currency (SiyuShop    *self,
                        const char  *currency,
                        GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (!validate_currency (currency, error))
    return FALSE;

  if (g_strcmp0 (currency, self->currency) == 0)
    return TRUE;

  if (siyu_shop_has_orders (self))
    {
      g_set_error_literal (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                           _("The currency cannot change once the shop has orders: their amounts are kept in the shop’s currency."));
      return FALSE;
    }

  return save_setting (self, "currency", currency, error);
}

gboolean
siyu_shop_set_time_zone (SiyuShop    *self,
                         const char  *time_zone,
                         GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (!validate_time_zone (time_zone, error))
    return FALSE;

  return save_setting (self, "time_zone", time_zone, error);
}

gboolean
siyu_shop_set_phone_region (SiyuShop    *self,
                            const char  *region,
                            GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (!siyu_phone_region_is_known (region))
    {
      g_set_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                   _("“%s” is not a phone region Siyu knows. Use CN, HK, MO, TW, SG, US or CA."),
                   region != NULL ? region : "");
      return FALSE;
    }

  return save_setting (self, "phone_region", region, error);
}

/**
 * siyu_shop_set_settings:
 * @name: (nullable): the new name, or %NULL to keep it
 * @currency: (nullable): the new currency, or %NULL to keep it
 * @time_zone: (nullable): the new time zone, or %NULL to keep it
 * @region: (nullable): the new phone region, or %NULL to keep it
 *
 * Changes several settings in one transaction: all the given ones change,
 * or none does when one is refused.
 */
gboolean
siyu_shop_set_settings (SiyuShop    *self,
                        const char  *name,
                        const char  *currency,
                        const char  *time_zone,
                        const char  *region,
                        GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (!siyu_db_begin (self->db, error))
    return FALSE;

  if ((name != NULL && !siyu_shop_set_name (self, name, error)) ||
      (currency != NULL && !siyu_shop_set_currency (self, currency, error)) ||
      (time_zone != NULL && !siyu_shop_set_time_zone (self, time_zone, error)) ||
      (region != NULL && !siyu_shop_set_phone_region (self, region, error)) ||
      !siyu_db_commit (self->db, error))
    {
      /* The ones set before the refusal are undone in the file: read
       * them back so that the shop shows what the file holds. */
      siyu_db_rollback (self->db);
      load_settings (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_shop_set_data_end:
 * @day: the last day the shop's data covers, or %SIYU_DAY_INVALID
 *
 * Pins "today" for a shop whose data ends on a known day, such as the demo
 * shop, so that its figures do not drift as the calendar moves on.
 */
gboolean
siyu_shop_set_data_end (SiyuShop  *self,
                        SiyuDay    day,
                        GError   **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);

  if (day != SIYU_DAY_INVALID)
    return save_setting (self, "data_end", (text = siyu_day_format (day)), error);

  stmt = siyu_db_prepare (self->db, "DELETE FROM settings WHERE key = 'data_end'", error);
  if (stmt == NULL || !siyu_db_step_done (self->db, stmt, error))
    return FALSE;

  load_settings (self);
  g_signal_emit (self, signals[SETTINGS_CHANGED], 0);

  return TRUE;
}

SiyuDay
siyu_shop_get_data_end (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), SIYU_DAY_INVALID);

  return self->data_end;
}

/* The as-of date figures default to: the shop's pinned last day, else today
 * in the shop's time zone. */
SiyuDay
siyu_shop_get_today (SiyuShop *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), SIYU_DAY_INVALID);

  if (self->data_end != SIYU_DAY_INVALID)
    return self->data_end;

  return siyu_day_of_time (self->time_zone, g_get_real_time () / G_USEC_PER_SEC);
}

SiyuDay
siyu_shop_day_of (SiyuShop *self,
                  gint64    utc)
{
  return siyu_day_of_time (self->time_zone, utc);
}

gint64
siyu_shop_day_start (SiyuShop *self,
                     SiyuDay   day)
{
  return siyu_day_start_time (self->time_zone, day);
}

/**
 * siyu_shop_audit:
 * @detail_json: (nullable): a JSON object; never personal data itself
 *
 * Writes one line to the audit log, inside the caller's transaction if any.
 */
gboolean
siyu_shop_audit (SiyuShop    *self,
                 const char  *action,
                 const char  *object_kind,
                 gint64       object_id,
                 const char  *detail_json,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  /* The schema no longer checks it (migration 8): it is checked here. */
  if (detail_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, detail_json, -1, NULL))
        {
          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CONSTRAINT,
                       _("Could not update “%s” (%s)."), siyu_shop_get_name (self), "audit_log.detail");
          return FALSE;
        }
    }

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO audit_log (at, actor, action, object_kind, object_id, detail) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, g_get_user_name (), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, object_kind, -1, SQLITE_STATIC);
  if (object_id > 0)
    sqlite3_bind_int64 (stmt, 5, object_id);
  sqlite3_bind_text (stmt, 6, detail_json, -1, SQLITE_STATIC);

  return siyu_db_step_done (self->db, stmt, error);
}

void
siyu_audit_entry_free (SiyuAuditEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->object_kind);
  g_free (entry->detail);
  g_free (entry);
}

/**
 * siyu_shop_list_audit:
 *
 * Reads the audit log, newest first.
 *
 * Returns: (transfer full) (element-type SiyuAuditEntry): its lines, or
 *   %NULL with @error set
 */
GPtrArray *
siyu_shop_list_audit (SiyuShop  *self,
                      GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (self), NULL);

  stmt = siyu_db_prepare (self->db,
                          "SELECT at, actor, action, object_kind, object_id, detail FROM audit_log ORDER BY id DESC",
                          error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      SiyuAuditEntry *entry = g_new0 (SiyuAuditEntry, 1);

      entry->at = sqlite3_column_int64 (stmt, 0);
      entry->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->action = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->object_kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->object_id = sqlite3_column_int64 (stmt, 4);
      entry->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  return rc < 0 ? NULL : g_steal_pointer (&entries);
}

/**
 * siyu_shop_get_data_version:
 *
 * Returns: how many changes the data the figures are counted from has seen
 *   (orders, returns, contacts, events, group memberships, the model and
 *   the settings that move days or money; the triggers of migration 11
 *   count them), or -1 with @error set.
 */
gint64
siyu_shop_get_data_version (SiyuShop  *self,
                            GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (self), -1);

  return siyu_db_query_int (self->db, "SELECT data FROM data_version WHERE id = 1", error);
}

/**
 * siyu_shop_set_figures_version:
 * @version: what siyu_shop_get_data_version() returned before the figures
 *   were counted
 *
 * Records that the stored figures were counted from the data of @version.
 * Call it in the transaction that stores them, so that the figures and
 * what they were counted from are never apart.
 */
gboolean
siyu_shop_set_figures_version (SiyuShop  *self,
                               gint64     version,
                               GError   **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);
  g_return_val_if_fail (version >= 0, FALSE);
  g_return_val_if_fail (siyu_db_in_transaction (self->db), FALSE);

  stmt = siyu_db_prepare (self->db, "UPDATE data_version SET figures = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, version);

  return siyu_db_step_done (self->db, stmt, error);
}

/**
 * siyu_shop_figures_are_stale:
 * @stale: (out): whether the data changed since the stored figures were
 *   counted
 *
 * Tells whether the figures are from before the last change of the data
 * they are counted from: after an import, an edit or a model whose
 * recompute was cut short (killed, a full disk) or not run yet.
 */
gboolean
siyu_shop_figures_are_stale (SiyuShop  *self,
                             gboolean  *stale,
                             GError   **error)
{
  gint64 differ;

  g_return_val_if_fail (SIYU_IS_SHOP (self), FALSE);
  g_return_val_if_fail (stale != NULL, FALSE);

  differ = siyu_db_query_int (self->db, "SELECT data IS NOT figures FROM data_version WHERE id = 1", error);
  if (differ < 0)
    return FALSE;
  *stale = differ != 0;

  return TRUE;
}
