/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-ingest"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-ingest.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-text.h"
#include "siyu-time.h"
#include "siyu-tombstones.h"

/* The one path by which contacts, orders, groups and events enter a shop:
 * file import, platform sync and the demo shop all write through here, so
 * identity resolution and idempotency are the same for every source.  The
 * caller owns the transaction. */

struct _SiyuIngest
{
  GObject           parent_instance;

  SiyuShop         *shop;
  SiyuDb           *db;
  GHashTable       *product_ids;   /* sku → id */
  SiyuIngestCounts  counts;
  SiyuTombstones   *tombstones;    /* read in the current transaction */
  guint64           tombstones_generation;
  char             *default_consent_source;
  gint64            default_consent_at;
  GHashTable       *consent_given;  /* ids that got the default consent */
  GHashTable       *resolved;       /* record key → Resolved, see resolved_key() */
  gboolean          orders_mostly_new;
  guint64           resolved_generation;
};

/* A record stored before in the same transaction, and the earliest time it
 * was seen at. */
typedef struct {
  gint64 contact_id;
  gint64 seen_at;
} Resolved;

G_DEFINE_FINAL_TYPE (SiyuIngest, siyu_ingest, G_TYPE_OBJECT)

G_DEFINE_QUARK (siyu-ingest-error-quark, siyu_ingest_error)

static const char * const order_statuses[] = {
  "unpaid", "paid", "partially_refunded", "refunded", "cancelled", NULL
};

static const char * const event_kinds[] = {
  "visit", "view", "cart", "favourite", "inquiry", "review", "share", "referral",
  "group_message", NULL
};

static const char * const channel_kinds[] = {
  "online_shop", "offline_store", "mini_program", "marketplace", "group", "other", NULL
};

static const char * const group_kinds[] = { "wecom", "wechat", "club", "other", NULL };

static const char * const group_roles[] = { "owner", "admin", "member", NULL };

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           column,
                   const char   *text)
{
  if (siyu_text_is_blank (text))
    sqlite3_bind_null (stmt, column);
  else if (siyu_text_has_controls (text) || strchr (text, '\r') != NULL)
    /* ESC, BEL and the like from a file or a platform are never stored:
     * printed, they drive terminals. */
    sqlite3_bind_text (stmt, column, siyu_text_strip_controls (text), -1, g_free);
  else
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_time_or_null (sqlite3_stmt *stmt,
                   int           column,
                   gint64        time)
{
  if (time <= 0)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_int64 (stmt, column, time);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  g_autofree char *clipped = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* A value of a megabyte is quoted by its first characters. */
  clipped = siyu_text_clip_quotes (message, SIYU_TEXT_QUOTE_CHARS);
  g_set_error_literal (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID, clipped);

  return FALSE;
}

static gboolean
check_amount (gint64       amount,
              const char  *field,
              GError     **error)
{
  if (amount < 0)
    return invalid (error, _("The %s cannot be negative."), field);
  if (amount > SIYU_INGEST_MAX_AMOUNT)
    return invalid (error, _("The %s is too large to be real."), field);
  return TRUE;
}

/* Returns the contact an identity points to, 0 if none, -1 on error. */
static gint64
lookup_identity (SiyuIngest  *self,
                 const char  *kind,
                 const char  *value,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 contact_id = 0;
  int rc;

  stmt = siyu_db_prepare (self->db,
                          "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?",
                          error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    contact_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return contact_id;
}

static gboolean
add_identity (SiyuIngest  *self,
              gint64       contact_id,
              const char  *kind,
              const char  *value,
              GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO contact_identities (kind, value, contact_id, created_at) "
                          "VALUES (?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, contact_id);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());

  return siyu_db_step_done (self->db, stmt, error);
}

static void
siyu_ingest_finalize (GObject *object)
{
  SiyuIngest *self = (SiyuIngest *)object;

  g_clear_pointer (&self->product_ids, g_hash_table_unref);
  g_clear_pointer (&self->tombstones, siyu_tombstones_free);
  g_clear_pointer (&self->consent_given, g_hash_table_unref);
  g_clear_pointer (&self->resolved, g_hash_table_unref);
  g_clear_pointer (&self->default_consent_source, g_free);
  g_clear_object (&self->shop);

  G_OBJECT_CLASS (siyu_ingest_parent_class)->finalize (object);
}

static void
siyu_ingest_class_init (SiyuIngestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_ingest_finalize;
}

static void
siyu_ingest_init (SiyuIngest *self)
{
  self->product_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->consent_given = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SiyuIngest *
siyu_ingest_new (SiyuShop *shop)
{
  SiyuIngest *self;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  self = g_object_new (SIYU_TYPE_INGEST, NULL);
  self->shop = g_object_ref (shop);
  self->db = siyu_shop_get_db (shop);

  return self;
}

const SiyuIngestCounts *
siyu_ingest_get_counts (SiyuIngest *self)
{
  g_return_val_if_fail (SIYU_IS_INGEST (self), NULL);

  return &self->counts;
}

/* Product ids are cached across a batch: forget them when the batch was
 * rolled back. */
void
siyu_ingest_reset_counts (SiyuIngest *self)
{
  g_return_if_fail (SIYU_IS_INGEST (self));

  memset (&self->counts, 0, sizeof self->counts);
  g_hash_table_remove_all (self->product_ids);
  g_hash_table_remove_all (self->consent_given);
  g_hash_table_remove_all (self->resolved);
}

/**
 * siyu_ingest_set_default_consent:
 * @source: (nullable): where the shop has the answer from, such as “signed
 *   up at the till”; %NULL for none
 * @at: when it was given, UTC seconds
 *
 * Records that the people of this batch agreed to hear from the shop: a
 * record with no word on consent gives consent, from @source at @at, to a
 * new contact and to a known one whose consent is unknown.  A refusal,
 * whether in the record or already in the shop, is kept, and
 * do-not-contact is untouched.  Counted in consents_given.
 */
void
siyu_ingest_set_default_consent (SiyuIngest *self,
                                 const char *source,
                                 gint64      at)
{
  g_return_if_fail (SIYU_IS_INGEST (self));

  g_clear_pointer (&self->default_consent_source, g_free);
  if (source != NULL && *source != '\0')
    self->default_consent_source = g_strdup (source);
  self->default_consent_at = at;
}

/**
 * siyu_ingest_set_orders_mostly_new:
 *
 * Says that most orders of this batch are new to the shop, as in a first
 * import: each is then stored first and looked up only if the shop has it.
 * What is stored is the same either way.
 */
void
siyu_ingest_set_orders_mostly_new (SiyuIngest *self,
                                   gboolean    mostly_new)
{
  g_return_if_fail (SIYU_IS_INGEST (self));

  self->orders_mostly_new = mostly_new;
}

/* Product ids and the contacts of records already stored are cached
 * across a batch: forget them when part of the batch was rolled back, to a
 * savepoint or whole. */
void
siyu_ingest_forget_products (SiyuIngest *self)
{
  g_return_if_fail (SIYU_IS_INGEST (self));

  g_hash_table_remove_all (self->product_ids);
  g_hash_table_remove_all (self->resolved);
}

gboolean
siyu_order_status_is_valid (const char *status)
{
  return status != NULL && g_strv_contains (order_statuses, status);
}

gboolean
siyu_event_kind_is_valid (const char *kind)
{
  return kind != NULL && g_strv_contains (event_kinds, kind);
}

/**
 * siyu_email_normalize:
 *
 * Returns: (nullable): the address trimmed and in lower case, or %NULL when
 *   it is not an e-mail address.
 */
char *
siyu_email_normalize (const char *text)
{
  g_autofree char *trimmed = NULL;
  const char *at;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  trimmed = g_strstrip (g_utf8_strdown (text, -1));
  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || strchr (at + 1, '@') != NULL ||
      strchr (at + 1, '.') == NULL || g_str_has_suffix (trimmed, ".") ||
      strpbrk (trimmed, " \t,;<>\"") != NULL)
    return NULL;

  return g_steal_pointer (&trimmed);
}

gint64
siyu_ingest_channel (SiyuIngest  *self,
                     const char  *kind,
                     const char  *name,
                     const char  *platform,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);

  if (kind == NULL || !g_strv_contains (channel_kinds, kind))
    {
      invalid (error, _("“%s” is not a kind of channel."), kind != NULL ? kind : "");
      return -1;
    }
  if (siyu_text_is_blank (name))
    {
      invalid (error, _("A channel needs a name."));
      return -1;
    }

  stmt = siyu_db_prepare (self->db, "SELECT id FROM channels WHERE name = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return id;
    }

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO channels (kind, name, platform, created_at) VALUES (?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 3, platform);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!siyu_db_step_done (self->db, stmt, error))
    return -1;

  return siyu_db_last_insert_id (self->db);
}

typedef struct {
  const char *kind;
  char       *value;
} Identity;

/* A phone read for the record's own country when it gives one, else for
 * the shop's region.  A country Siyu has no numbering plan for can only be
 * read from an international number (+55…, 0055…). */
static char *
read_phone (SiyuIngest               *self,
            const SiyuContactRecord  *record,
            GError                  **error)
{
  g_autofree char *region = NULL;
  g_autofree char *text = g_strstrip (g_strdup (record->phone));

  if (!siyu_text_is_blank (record->phone_region))
    region = g_strstrip (g_ascii_strup (record->phone_region, -1));
  if (region == NULL || siyu_phone_region_is_known (region))
    return siyu_phone_normalize (record->phone, region != NULL ? region : siyu_shop_get_phone_region (self->shop),
                                 error);
  if (g_str_has_prefix (text, "+") || g_str_has_prefix (text, "00") || g_str_has_prefix (text, "\xef\xbc\x8b"))
    return siyu_phone_normalize (record->phone, siyu_shop_get_phone_region (self->shop), error);

  g_set_error (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID,
               /* Translators: a phone number as written, then a country code such as BR. */
               _("“%s” cannot be read as a phone number of %s without its country code."), text, region);
  return NULL;
}

static gboolean
collect_identities (SiyuIngest              *self,
                    const SiyuContactRecord *record,
                    Identity                *ids,
                    guint                   *n_ids,
                    char                   **phone_out,
                    char                   **email_out,
                    GError                 **error)
{
  guint n = 0;

  if (!siyu_text_is_blank (record->platform_id))
    {
      if (siyu_text_is_blank (record->platform))
        return invalid (error, _("A platform customer id needs the name of its platform."));
      ids[n].kind = record->platform;
      ids[n++].value = g_strstrip (g_strdup (record->platform_id));
    }

  if (!siyu_text_is_blank (record->phone))
    {
      GError *local_error = NULL;
      char *phone = read_phone (self, record, &local_error);
      if (phone == NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      ids[n].kind = "phone";
      ids[n++].value = phone;
      *phone_out = g_strdup (phone);
    }

  if (!siyu_text_is_blank (record->email))
    {
      char *email = siyu_email_normalize (record->email);

      if (email == NULL)
        return invalid (error, _("“%s” is not an e-mail address."), record->email);
      ids[n].kind = "email";
      ids[n++].value = email;
      *email_out = g_strdup (email);
    }

  if (!siyu_text_is_blank (record->wechat_id))
    {
      ids[n].kind = "wechat";
      ids[n++].value = g_strstrip (g_strdup (record->wechat_id));
    }

  *n_ids = n;

  if (n == 0)
    return invalid (error, _("A customer needs a phone number, e-mail, WeChat id or platform id to be told apart from others."));

  return TRUE;
}

static gboolean
validate_contact (const SiyuContactRecord  *record,
                  GError                  **error)
{
  SiyuDay day;

  if (record->seen_at <= 0)
    return invalid (error, _("The time the customer was first seen is missing."));

  if (record->birthday != NULL && !siyu_day_parse (record->birthday, &day))
    return invalid (error, _("“%s” is not a date (write it as YYYY-MM-DD)."), record->birthday);

  if (record->name != NULL && !g_utf8_validate (record->name, -1, NULL))
    return invalid (error, _("The name is not valid text."));

  if (record->member_since < 0)
    return invalid (error, _("The membership date is not valid."));

  return TRUE;
}

/* Whoever joined the membership programme was seen by then. */
static gint64
effective_seen_at (const SiyuContactRecord *record)
{
  if (record->member_since > 0)
    return MIN (record->seen_at, record->member_since);

  return record->seen_at;
}

static void
note_default_consent (SiyuIngest *self,
                      gint64      contact_id)
{
  g_hash_table_add (self->consent_given, g_memdup2 (&contact_id, sizeof contact_id));
  self->counts.consents_given = g_hash_table_size (self->consent_given);
}

static gint64
insert_contact (SiyuIngest              *self,
                const SiyuContactRecord *record,
                const char              *phone,
                const char              *email,
                GError                 **error)
{
  sqlite3_stmt *stmt;
  gint64 now = now_seconds ();

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO contacts (name, phone, email, wechat_id, city, birthday, "
                          "  first_seen_at, first_channel_id, marketing_consent, consent_at, "
                          "  consent_source, do_not_contact, member_since, created_at, updated_at, consent, "
                          "  member_source) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ?13 IS NOT NULL THEN 'source' END)",
                          error);
  if (stmt == NULL)
    return -1;

  bind_text_or_null (stmt, 1, record->name);
  bind_text_or_null (stmt, 2, phone);
  bind_text_or_null (stmt, 3, email);
  bind_text_or_null (stmt, 4, record->wechat_id);
  bind_text_or_null (stmt, 5, record->city);
  bind_text_or_null (stmt, 6, record->birthday);
  sqlite3_bind_int64 (stmt, 7, effective_seen_at (record));
  bind_time_or_null (stmt, 8, record->channel_id);
  if (record->consent >= 0)
    {
      sqlite3_bind_int (stmt, 9, record->consent == 1);
      bind_time_or_null (stmt, 10, record->consent_at);
      bind_text_or_null (stmt, 11, record->consent_source);
      sqlite3_bind_text (stmt, 16, record->consent == 1 ? "given" : "refused", -1, SQLITE_STATIC);
    }
  else if (self->default_consent_source != NULL)
    {
      sqlite3_bind_int (stmt, 9, 1);
      bind_time_or_null (stmt, 10, self->default_consent_at);
      bind_text_or_null (stmt, 11, self->default_consent_source);
      sqlite3_bind_text (stmt, 16, "given", -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_bind_int (stmt, 9, 0);
      sqlite3_bind_text (stmt, 16, "unknown", -1, SQLITE_STATIC);
    }
  sqlite3_bind_int (stmt, 12, record->do_not_contact == 1);
  bind_time_or_null (stmt, 13, record->member_since);
  sqlite3_bind_int64 (stmt, 14, now);
  sqlite3_bind_int64 (stmt, 15, now);

  if (!siyu_db_step_done (self->db, stmt, error))
    return -1;
  if (record->consent < 0 && self->default_consent_source != NULL)
    note_default_consent (self, siyu_db_last_insert_id (self->db));

  return siyu_db_last_insert_id (self->db);
}

/* Whether the record would change the contact at all: most records of a
 * known customer bring nothing new, and an UPDATE, even one that changes
 * nothing, costs a statement journal for the search index's trigger. */
static int
contact_would_change (SiyuIngest              *self,
                      gint64                   contact_id,
                      const SiyuContactRecord *record,
                      const char              *phone,
                      const char              *email,
                      GError                 **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (self->db,
                          "SELECT 1 FROM contacts WHERE id = ?1 AND erased_at IS NULL AND ("
                          "  (name IS NULL AND ?2 IS NOT NULL) OR (phone IS NULL AND ?3 IS NOT NULL) OR "
                          "  (email IS NULL AND ?4 IS NOT NULL) OR (wechat_id IS NULL AND ?5 IS NOT NULL) OR "
                          "  (city IS NULL AND ?6 IS NOT NULL) OR (birthday IS NULL AND ?7 IS NOT NULL) OR "
                          "  ?8 < first_seen_at OR "
                          "  (?10 IS NOT NULL AND coalesce (?11, 0) >= coalesce (consent_at, 0) AND "
                          "   (consent IS NOT ?10 OR consent_at IS NOT ?11 OR consent_source IS NOT ?12)) OR "
                          "  (?10 IS NULL AND ?15 IS NOT NULL AND consent = 'unknown') OR "
                          "  (?13 IS NOT NULL AND do_not_contact IS NOT ?13) OR "
                          "  (?14 IS NOT NULL AND (member_since IS NULL OR ?14 < member_since OR "
                          "                        member_source IS NOT 'source')))",
                          error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, contact_id);
  bind_text_or_null (stmt, 2, record->name);
  bind_text_or_null (stmt, 3, phone);
  bind_text_or_null (stmt, 4, email);
  bind_text_or_null (stmt, 5, record->wechat_id);
  bind_text_or_null (stmt, 6, record->city);
  bind_text_or_null (stmt, 7, record->birthday);
  sqlite3_bind_int64 (stmt, 8, effective_seen_at (record));
  if (record->consent >= 0)
    {
      sqlite3_bind_text (stmt, 10, record->consent == 1 ? "given" : "refused", -1, SQLITE_STATIC);
      bind_time_or_null (stmt, 11, record->consent_at);
      bind_text_or_null (stmt, 12, record->consent_source);
    }
  if (record->do_not_contact >= 0)
    sqlite3_bind_int (stmt, 13, record->do_not_contact);
  bind_time_or_null (stmt, 14, record->member_since);
  bind_text_or_null (stmt, 15, self->default_consent_source);

  rc = siyu_db_step (self->db, stmt, error);
  sqlite3_reset (stmt);
  if (rc < 0)
    return -1;

  return rc == SQLITE_ROW;
}

/* What a later source knows fills what an earlier one left empty; times
 * keep the earliest; consent and do-not-contact take the newest word. */
static gboolean
update_contact (SiyuIngest              *self,
                gint64                   contact_id,
                const SiyuContactRecord *record,
                const char              *phone,
                const char              *email,
                GError                 **error)
{
  sqlite3_stmt *stmt;
  int changes;

  changes = contact_would_change (self, contact_id, record, phone, email, error);
  if (changes <= 0)
    return changes == 0;

  stmt = siyu_db_prepare (self->db,
                          "UPDATE contacts SET "
                          "  name = coalesce (name, ?2), "
                          "  phone = coalesce (phone, ?3), "
                          "  email = coalesce (email, ?4), "
                          "  wechat_id = coalesce (wechat_id, ?5), "
                          "  city = coalesce (city, ?6), "
                          "  birthday = coalesce (birthday, ?7), "
                          "  first_channel_id = CASE WHEN ?8 < first_seen_at AND ?9 IS NOT NULL "
                          "                          THEN ?9 ELSE first_channel_id END, "
                          "  first_seen_at = min (first_seen_at, ?8), "
                          "  consent = CASE WHEN ?10 IS NOT NULL AND "
                          "      coalesce (?11, 0) >= coalesce (consent_at, 0) THEN ?10 "
                          "      WHEN ?10 IS NULL AND ?16 IS NOT NULL AND consent = 'unknown' THEN 'given' "
                          "      ELSE consent END, "
                          "  consent_source = CASE WHEN ?10 IS NOT NULL AND "
                          "      coalesce (?11, 0) >= coalesce (consent_at, 0) THEN ?12 "
                          "      WHEN ?10 IS NULL AND ?16 IS NOT NULL AND consent = 'unknown' THEN ?16 "
                          "      ELSE consent_source END, "
                          "  consent_at = CASE WHEN ?10 IS NOT NULL AND "
                          "      coalesce (?11, 0) >= coalesce (consent_at, 0) THEN ?11 "
                          "      WHEN ?10 IS NULL AND ?16 IS NOT NULL AND consent = 'unknown' THEN ?17 "
                          "      ELSE consent_at END, "
                          "  do_not_contact = coalesce (?13, do_not_contact), "
                          "  member_since = CASE WHEN ?14 IS NULL THEN member_since "
                          "      WHEN member_since IS NULL OR member_source IS 'rule' THEN ?14 "
                          "      ELSE min (member_since, ?14) END, "
                          "  member_source = CASE WHEN ?14 IS NULL THEN member_source ELSE 'source' END, "
                          "  updated_at = ?15 "
                          "WHERE id = ?1 AND erased_at IS NULL",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, contact_id);
  bind_text_or_null (stmt, 2, record->name);
  bind_text_or_null (stmt, 3, phone);
  bind_text_or_null (stmt, 4, email);
  bind_text_or_null (stmt, 5, record->wechat_id);
  bind_text_or_null (stmt, 6, record->city);
  bind_text_or_null (stmt, 7, record->birthday);
  sqlite3_bind_int64 (stmt, 8, effective_seen_at (record));
  bind_time_or_null (stmt, 9, record->channel_id);
  if (record->consent >= 0)
    {
      sqlite3_bind_text (stmt, 10, record->consent == 1 ? "given" : "refused", -1, SQLITE_STATIC);
      bind_time_or_null (stmt, 11, record->consent_at);
      bind_text_or_null (stmt, 12, record->consent_source);
    }
  if (record->do_not_contact >= 0)
    sqlite3_bind_int (stmt, 13, record->do_not_contact);
  bind_time_or_null (stmt, 14, record->member_since);
  sqlite3_bind_int64 (stmt, 15, now_seconds ());
  bind_text_or_null (stmt, 16, self->default_consent_source);
  sqlite3_bind_int64 (stmt, 17, self->default_consent_at);

  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;
  /* The shop's own "they agreed" fills only an unknown consent. */
  if (record->consent < 0 && self->default_consent_source != NULL &&
      sqlite3_changes (siyu_db_get_handle (self->db)) > 0)
    {
      sqlite3_stmt *check = siyu_db_prepare (self->db, "SELECT consent_at IS ?2 AND consent_source IS ?3 "
                                                       "FROM contacts WHERE id = ?1", error);
      int rc;

      if (check == NULL)
        return FALSE;
      sqlite3_bind_int64 (check, 1, contact_id);
      sqlite3_bind_int64 (check, 2, self->default_consent_at);
      sqlite3_bind_text (check, 3, self->default_consent_source, -1, SQLITE_STATIC);
      rc = siyu_db_step (self->db, check, error);
      if (rc == SQLITE_ROW && sqlite3_column_int (check, 0))
        note_default_consent (self, contact_id);
      sqlite3_reset (check);
      if (rc < 0)
        return FALSE;
    }

  return TRUE;
}

/* Whether the record is of a person the owner erased: one of its
 * identities has a tombstone.  The tombstones are read once per
 * transaction: an erasure or a lift happens in a transaction of its own. */
static int
is_erased (SiyuIngest     *self,
           const Identity *ids,
           guint           n_ids,
           GError        **error)
{
  guint64 generation = siyu_db_get_generation (self->db);

  if (self->tombstones == NULL || self->tombstones_generation != generation)
    {
      g_clear_pointer (&self->tombstones, siyu_tombstones_free);
      self->tombstones = siyu_tombstones_load (self->shop, error);
      if (self->tombstones == NULL)
        return -1;
      self->tombstones_generation = generation;
    }

  for (guint i = 0; i < n_ids; i++)
    if (siyu_tombstones_contains (self->tombstones, ids[i].kind, ids[i].value))
      return 1;

  return 0;
}

/* The pair is listed for the owner once; a pair they said was two people
 * stays dismissed. */
static gboolean
note_duplicate (SiyuIngest  *self,
                gint64       a,
                gint64       b,
                const char  *kind,
                GError     **error)
{
  sqlite3_stmt *stmt;
  const char *reason = g_str_equal (kind, "phone") || g_str_equal (kind, "email") || g_str_equal (kind, "wechat")
                       ? kind : "platform";

  if (a == b || a <= 0 || b <= 0)
    return TRUE;
  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO possible_duplicates (contact_id, other_id, reason, created_at) "
                          "VALUES (?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, MIN (a, b));
  sqlite3_bind_int64 (stmt, 2, MAX (a, b));
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;
  if (sqlite3_changes (siyu_db_get_handle (self->db)) > 0)
    self->counts.possible_duplicates++;

  return TRUE;
}

/* Whether following the phone to @contact_id would tie together what the
 * record says are two people: the contact has another id on the record's
 * platform, or an e-mail the record does not have. */
static int
phone_crosses (SiyuIngest              *self,
               gint64                   contact_id,
               const SiyuContactRecord *record,
               const char              *platform_id,
               const char              *email,
               GError                 **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (self->db,
                          "SELECT 1 FROM contact_identities WHERE contact_id = ?1 AND ("
                          "  (?2 IS NOT NULL AND kind = ?2 AND value != ?3) OR "
                          "  (?4 IS NOT NULL AND kind = 'email' AND value != ?4)) LIMIT 1",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (platform_id != NULL)
    {
      sqlite3_bind_text (stmt, 2, record->platform, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, platform_id, -1, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (stmt, 2);
  if (email != NULL)
    sqlite3_bind_text (stmt, 4, email, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  rc = siyu_db_step (self->db, stmt, error);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : rc == SQLITE_ROW;
}

/* siyu_ingest_contact() for records that keep people apart: see there. */
static gint64
ingest_contact_apart (SiyuIngest              *self,
                      const SiyuContactRecord *record,
                      SiyuOutcome             *outcome,
                      GError                 **error)
{
  Identity ids[4] = { { NULL, NULL } };
  gint64 owners[4] = { 0, };
  g_autofree char *phone = NULL;     /* read, or as written */
  g_autofree char *email = NULL;
  g_autofree char *written = NULL;
  const char *platform_id = NULL;
  gint64 contact_id = 0, phone_owner = 0;
  gboolean email_elsewhere = FALSE;
  guint n = 0;
  int phone_index = -1, chooser = -1;
  gint64 result = -1;

  if (!validate_contact (record, error))
    goto out;

  /* Strongest first: a platform id, an e-mail, a WeChat id, a phone. */
  if (!siyu_text_is_blank (record->platform_id))
    {
      if (siyu_text_is_blank (record->platform))
        {
          invalid (error, _("A platform customer id needs the name of its platform."));
          goto out;
        }
      ids[n].kind = record->platform;
      ids[n++].value = g_strstrip (g_strdup (record->platform_id));
      platform_id = ids[n - 1].value;
    }
  if (!siyu_text_is_blank (record->email))
    {
      email = siyu_email_normalize (record->email);
      if (email == NULL)
        {
          invalid (error, _("“%s” is not an e-mail address."), record->email);
          goto out;
        }
      ids[n].kind = "email";
      ids[n++].value = g_strdup (email);
    }
  if (!siyu_text_is_blank (record->wechat_id))
    {
      ids[n].kind = "wechat";
      ids[n++].value = g_strstrip (g_strdup (record->wechat_id));
    }
  if (!siyu_text_is_blank (record->phone))
    {
      GError *local_error = NULL;

      phone = read_phone (self, record, &local_error);
      if (phone != NULL)
        {
          phone_index = (int) n;
          ids[n].kind = "phone";
          ids[n++].value = g_strdup (phone);
        }
      else if (record->phone_as_written)
        {
          g_autofree char *clean = siyu_text_strip_controls (record->phone);

          g_error_free (local_error);
          written = siyu_text_clip (g_strstrip (clean), 64);
          phone = g_strdup (written);
        }
      else
        {
          g_propagate_error (error, local_error);
          goto out;
        }
    }
  if (n == 0)
    {
      if (written != NULL)
        invalid (error, _("The phone number “%s” cannot be read, and the customer has no e-mail, WeChat id or "
                          "platform id to be told apart by."), written);
      else
        invalid (error, _("A customer needs a phone number, e-mail, WeChat id or platform id to be told apart from others."));
      goto out;
    }

  /* An erased person stays erased, whichever way the record came. */
  switch (is_erased (self, ids, n, error))
    {
    case 1:
      self->counts.erased_kept++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UNCHANGED;
      result = 0;
      goto out;
    case 0:
      break;
    default:
      goto out;
    }

  for (guint i = 0; i < n; i++)
    {
      owners[i] = lookup_identity (self, ids[i].kind, ids[i].value, error);
      if (owners[i] < 0)
        goto out;
      if (contact_id == 0 && owners[i] > 0)
        {
          contact_id = owners[i];
          chooser = (int) i;
        }
    }

  /* The phone remains the key within one platform id: it does not tie a
   * record to a contact with another id on the same platform or another
   * e-mail. */
  if (chooser >= 0 && chooser == phone_index && record->keep_apart)
    {
      int crosses = phone_crosses (self, contact_id, record, platform_id, email, error);

      if (crosses < 0)
        goto out;
      if (crosses)
        {
          phone_owner = contact_id;
          contact_id = 0;
        }
    }
  for (guint i = 0; i < n; i++)
    if (g_str_equal (ids[i].kind, "email") && owners[i] > 0 && owners[i] != contact_id)
      email_elsewhere = TRUE;
  if (!record->keep_apart)
    for (guint i = 0; i < n; i++)
      if (owners[i] > 0 && contact_id > 0 && owners[i] != contact_id)
        {
          g_set_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_CONFLICT,
                       _("The %s “%s” belongs to another customer than the rest of this row; the two were not merged."),
                       g_str_equal (ids[i].kind, "phone") ? _("phone number") :
                       g_str_equal (ids[i].kind, "email") ? _("e-mail address") :
                       g_str_equal (ids[i].kind, "wechat") ? _("WeChat id") : _("customer id"),
                       ids[i].value);
          goto out;
        }

  if (contact_id == 0)
    {
      contact_id = insert_contact (self, record, phone, email_elsewhere ? NULL : email, error);
      if (contact_id < 0)
        goto out;
      self->counts.contacts_created++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_CREATED;
    }
  else
    {
      if (!update_contact (self, contact_id, record, phone, email_elsewhere ? NULL : email, error))
        goto out;
      self->counts.contacts_matched++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_MATCHED;
    }
  if (written != NULL)
    self->counts.phones_as_written++;

  /* Identities another contact holds stay with it; the pair is listed. */
  for (guint i = 0; i < n; i++)
    {
      if (owners[i] == 0 && !add_identity (self, contact_id, ids[i].kind, ids[i].value, error))
        goto out;
      if (owners[i] > 0 && owners[i] != contact_id && !note_duplicate (self, contact_id, owners[i], ids[i].kind, error))
        goto out;
    }
  if (phone_owner > 0 && !note_duplicate (self, contact_id, phone_owner, "phone", error))
    goto out;

  result = contact_id;

out:
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i].value);

  return result;
}

/**
 * siyu_ingest_contact:
 * @record: what the source knows of the person
 * @outcome: (out) (optional): %SIYU_OUTCOME_CREATED or %SIYU_OUTCOME_MATCHED
 *
 * Finds the contact that any of the record's identities (platform id, phone,
 * e-mail, WeChat id) already belongs to, or creates one.  When the
 * identities point to two different contacts nothing is written and
 * %SIYU_INGEST_ERROR_CONFLICT is returned: merging is the owner's decision.
 *
 * With @record's keep_apart, the strongest known identity picks the contact
 * (platform id, then e-mail, then WeChat id, then phone), and the phone
 * picks one only within one platform id: not a contact with another id on
 * the record's platform or another e-mail.  Identities another contact
 * holds stay with it, and the two are listed as possible duplicates; a
 * contact kept apart from the phone's owner still shows the phone.  With
 * phone_as_written, a phone that cannot be read is stored in the contact's
 * phone field as written and is never an identity.
 *
 * A record of an erased person (siyu_contact_erase()) writes nothing and
 * returns 0: their orders are stored without a contact.  It is counted in
 * erased_kept.
 *
 * Returns: the contact id, 0 for an erased person, or -1 with @error set.
 */
/* An order export names the same customer on each of their orders.  The
 * second time a record says exactly what an earlier one of the transaction
 * said, no later than it, storing it again could change nothing: what it
 * fills is filled, its time is no earlier, its identities are the
 * contact's, and nothing in between takes a value or an identity away
 * (updates only fill, keep the earliest and take newer consent; records
 * with a word on consent, do-not-contact or membership are not cached).
 * Returns %NULL for a record that is not cached. */
static char *
resolved_key (const SiyuContactRecord *record)
{
  const char *texts[] = {
    record->name, record->phone, record->email, record->wechat_id, record->city,
    record->birthday, record->platform, record->platform_id, record->phone_region,
  };
  GString *key;

  if (record->consent >= 0 || record->do_not_contact >= 0 || record->member_since != 0 ||
      record->keep_apart || record->phone_as_written)
    return NULL;

  key = g_string_sized_new (96);
  g_string_append_printf (key, "%" G_GINT64_FORMAT, record->channel_id);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      /* \x1e and \x1f are not text: they set the fields apart. */
      g_string_append_c (key, texts[i] == NULL ? '\x1e' : '\x1f');
      if (texts[i] != NULL)
        g_string_append (key, texts[i]);
    }

  return g_string_free (key, FALSE);
}

static const Resolved *
lookup_resolved (SiyuIngest *self,
                 const char *key)
{
  guint64 generation = siyu_db_get_generation (self->db);

  if (self->resolved_generation != generation)
    {
      g_hash_table_remove_all (self->resolved);
      self->resolved_generation = generation;
    }

  return g_hash_table_lookup (self->resolved, key);
}

gint64
siyu_ingest_contact (SiyuIngest              *self,
                     const SiyuContactRecord *record,
                     SiyuOutcome             *outcome,
                     GError                 **error)
{
  Identity ids[4] = { { NULL, NULL } };
  gboolean known[4] = { FALSE, };
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  gint64 contact_id = 0;
  guint n_ids = 0;
  gint64 result = -1;
  g_autofree char *key = NULL;
  const Resolved *resolved;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);
  g_return_val_if_fail (record != NULL, -1);

  if (record->keep_apart || record->phone_as_written)
    return ingest_contact_apart (self, record, outcome, error);

  key = resolved_key (record);
  resolved = key != NULL ? lookup_resolved (self, key) : NULL;
  if (resolved != NULL && effective_seen_at (record) >= resolved->seen_at)
    {
      self->counts.contacts_matched++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_MATCHED;
      return resolved->contact_id;
    }

  if (!validate_contact (record, error) ||
      !collect_identities (self, record, ids, &n_ids, &phone, &email, error))
    goto out;

  switch (is_erased (self, ids, n_ids, error))
    {
    case 1:
      self->counts.erased_kept++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UNCHANGED;
      result = 0;
      goto out;
    case 0:
      break;
    default:
      goto out;
    }

  for (guint i = 0; i < n_ids; i++)
    {
      gint64 found = lookup_identity (self, ids[i].kind, ids[i].value, error);

      if (found < 0)
        goto out;
      if (found == 0)
        continue;
      known[i] = TRUE;
      if (contact_id != 0 && found != contact_id)
        {
          g_set_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_CONFLICT,
                       _("The %s “%s” belongs to another customer than the rest of this row; the two were not merged."),
                       g_str_equal (ids[i].kind, "phone") ? _("phone number") :
                       g_str_equal (ids[i].kind, "email") ? _("e-mail address") :
                       g_str_equal (ids[i].kind, "wechat") ? _("WeChat id") : _("customer id"),
                       ids[i].value);
          goto out;
        }
      contact_id = found;
    }

  if (contact_id == 0)
    {
      contact_id = insert_contact (self, record, phone, email, error);
      if (contact_id < 0)
        goto out;
      self->counts.contacts_created++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_CREATED;
    }
  else
    {
      if (!update_contact (self, contact_id, record, phone, email, error))
        goto out;
      self->counts.contacts_matched++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_MATCHED;
    }

  for (guint i = 0; i < n_ids; i++)
    if (!known[i] && !add_identity (self, contact_id, ids[i].kind, ids[i].value, error))
      goto out;

  result = contact_id;
  if (key != NULL)
    {
      Resolved *stored = g_new (Resolved, 1);

      stored->contact_id = contact_id;
      stored->seen_at = resolved != NULL ? MIN (resolved->seen_at, effective_seen_at (record))
                                         : effective_seen_at (record);
      g_hash_table_replace (self->resolved, g_steal_pointer (&key), stored);
    }

out:
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i].value);

  return result;
}

gint64
siyu_ingest_product (SiyuIngest  *self,
                     const char  *sku,
                     const char  *name,
                     const char  *category,
                     gint64       unit_price,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gpointer cached;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);

  if (siyu_text_is_blank (sku))
    {
      invalid (error, _("A product needs a SKU."));
      return -1;
    }

  if (g_hash_table_lookup_extended (self->product_ids, sku, NULL, &cached))
    return GPOINTER_TO_SIZE (cached);

  stmt = siyu_db_prepare (self->db, "SELECT id FROM products WHERE sku = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (id == 0)
    {
      if (unit_price >= 0 && !check_amount (unit_price, _("unit price"), error))
        return -1;

      stmt = siyu_db_prepare (self->db,
                              "INSERT INTO products (sku, name, category, unit_price, currency, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_STATIC);
      bind_text_or_null (stmt, 2, siyu_text_is_blank (name) ? sku : name);
      bind_text_or_null (stmt, 3, category);
      if (unit_price >= 0)
        sqlite3_bind_int64 (stmt, 4, unit_price);
      sqlite3_bind_text (stmt, 5, siyu_shop_get_currency (self->shop), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now_seconds ());
      if (!siyu_db_step_done (self->db, stmt, error))
        return -1;
      id = siyu_db_last_insert_id (self->db);
    }

  g_hash_table_insert (self->product_ids, g_strdup (sku), GSIZE_TO_POINTER ((gsize) id));

  return id;
}

static gboolean
validate_order (const SiyuOrderRecord  *record,
                GError                **error)
{
  if (siyu_text_is_blank (record->external_ref))
    return invalid (error, _("The order has no order number."));
  if (record->channel_id <= 0)
    return invalid (error, _("The order has no channel."));
  if (!siyu_order_status_is_valid (record->status))
    return invalid (error, _("“%s” is not an order status."), record->status != NULL ? record->status : "");
  if (record->created_at <= 0)
    return invalid (error, _("The order has no time."));
  if (!siyu_currency_is_known (record->currency))
    return invalid (error, _("“%s” is not a currency Siyu knows."), record->currency != NULL ? record->currency : "");
  if (!check_amount (record->total_amount, _("order total"), error) ||
      !check_amount (record->refunded_amount, _("refunded amount"), error))
    return FALSE;
  if (record->refunded_amount > record->total_amount)
    return invalid (error, _("The refunded amount is larger than the order total."));
  if (!check_amount (record->discount_amount, _("discount"), error) ||
      !check_amount (record->shipping_amount, _("shipping"), error) ||
      !check_amount (record->tax_amount, _("tax"), error))
    return FALSE;

  for (guint i = 0; i < record->n_items; i++)
    {
      const SiyuOrderItemRecord *item = &record->items[i];

      if (siyu_text_is_blank (item->name) && siyu_text_is_blank (item->sku))
        return invalid (error, _("Line %u of the order has neither a product name nor a SKU."), i + 1);
      if (item->quantity <= 0)
        return invalid (error, _("Line %u of the order has a quantity below one."), i + 1);
      if (item->quantity > SIYU_INGEST_MAX_QUANTITY)
        return invalid (error, _("Line %u of the order has a quantity too large to be real."), i + 1);
      if (!check_amount (item->unit_price, _("unit price"), error) ||
          !check_amount (item->line_total, _("line total"), error))
        return FALSE;
    }

  return TRUE;
}

#define INSERT_ORDER_ITEM \
  "INSERT INTO order_items (order_id, product_id, sku, name, quantity, unit_price, line_total) " \
  "VALUES (?, ?, ?, ?, ?, ?, ?)"
#define INSERT_RETURN_ITEM \
  "INSERT INTO return_items (return_id, product_id, sku, name, quantity, unit_price, line_total) " \
  "VALUES (?, ?, ?, ?, ?, ?, ?)"

/* The lines of an order or a return, @insert_sql one of the above;
 * returns how many were stored, or -1 with @error set. */
static gint64
insert_lines (SiyuIngest             *self,
              const char             *insert_sql,
              gint64                  parent_id,
              const SiyuOrderRecord  *record,
              GError                **error)
{
  for (guint i = 0; i < record->n_items; i++)
    {
      const SiyuOrderItemRecord *item = &record->items[i];
      sqlite3_stmt *stmt;
      gint64 product_id = 0;

      if (!siyu_text_is_blank (item->sku))
        {
          product_id = siyu_ingest_product (self, item->sku, item->name, NULL, item->unit_price, error);
          if (product_id < 0)
            return -1;
        }

      stmt = siyu_db_prepare (self->db, insert_sql, error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, parent_id);
      bind_time_or_null (stmt, 2, product_id);
      bind_text_or_null (stmt, 3, item->sku);
      sqlite3_bind_text (stmt, 4, siyu_text_is_blank (item->name) ? item->sku : item->name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, item->quantity);
      sqlite3_bind_int64 (stmt, 6, item->unit_price);
      sqlite3_bind_int64 (stmt, 7, item->line_total);
      if (!siyu_db_step_done (self->db, stmt, error))
        return -1;
    }

  return record->n_items;
}

#define INSERT_ORDER \
  "INSERT INTO orders (channel_id, external_ref, contact_id, status, created_at, " \
  "  currency, total_amount, refunded_amount, item_count, updated_at, " \
  "  discount_amount, shipping_amount, tax_amount, import_digest) " \
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

/* Inserts the order and its lines; with @if_new, an order already stored
 * is left alone and 0 returned.  Returns the new order's id, or -1 with
 * @error set. */
static gint64
insert_order (SiyuIngest             *self,
              const SiyuOrderRecord  *record,
              gboolean                if_new,
              GError                **error)
{
  sqlite3_stmt *stmt;
  gint64 order_id, items;

  stmt = siyu_db_prepare (self->db,
                          if_new ? INSERT_ORDER " ON CONFLICT (channel_id, external_ref) DO NOTHING" : INSERT_ORDER,
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, record->channel_id);
  sqlite3_bind_text (stmt, 2, record->external_ref, -1, SQLITE_STATIC);
  bind_time_or_null (stmt, 3, record->contact_id);
  sqlite3_bind_text (stmt, 4, record->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, record->created_at);
  sqlite3_bind_text (stmt, 6, record->currency, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, record->total_amount);
  sqlite3_bind_int64 (stmt, 8, record->refunded_amount);
  sqlite3_bind_int64 (stmt, 9, record->n_items);
  sqlite3_bind_int64 (stmt, 10, now_seconds ());
  sqlite3_bind_int64 (stmt, 11, record->discount_amount);
  sqlite3_bind_int64 (stmt, 12, record->shipping_amount);
  sqlite3_bind_int64 (stmt, 13, record->tax_amount);
  bind_time_or_null (stmt, 14, record->import_digest);
  if (!siyu_db_step_done (self->db, stmt, error))
    return -1;
  if (if_new && sqlite3_changes (siyu_db_get_handle (self->db)) == 0)
    return 0;
  order_id = siyu_db_last_insert_id (self->db);

  items = insert_lines (self, INSERT_ORDER_ITEM, order_id, record, error);
  if (items < 0)
    return -1;
  self->counts.items_created += (guint) items;

  return order_id;
}

/**
 * siyu_ingest_order:
 * @outcome: (out) (optional): created, updated (a later status, a refund,
 *   a customer now known) or unchanged
 *
 * Stores an order once per channel and order number: giving the same order
 * again changes nothing, giving it with a later status updates it.  Lines are
 * stored when the order is first seen.
 *
 * Returns: the order id, or -1 with @error set.
 */
gint64
siyu_ingest_order (SiyuIngest             *self,
                   const SiyuOrderRecord  *record,
                   SiyuOutcome            *outcome,
                   GError                **error)
{
  sqlite3_stmt *stmt;
  gint64 order_id = 0, digest = 0;
  gboolean changed = FALSE;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);
  g_return_val_if_fail (record != NULL, -1);

  if (!validate_order (record, error))
    return -1;

  /* Most orders of a large first import are new: try storing it first. */
  if (self->orders_mostly_new)
    {
      order_id = insert_order (self, record, TRUE, error);
      if (order_id < 0)
        return -1;
      if (order_id > 0)
        {
          self->counts.orders_created++;
          if (outcome != NULL)
            *outcome = SIYU_OUTCOME_CREATED;
          return order_id;
        }
    }

  stmt = siyu_db_prepare (self->db,
                          "SELECT id, import_digest, status = ?3 AND total_amount = ?4 AND refunded_amount = "
                          "    min (?4, max (?5, coalesce ((SELECT sum (amount) FROM refunds r WHERE r.order_id = orders.id), 0))) "
                          "  AND (contact_id IS ?6 OR ?6 IS NULL) AND created_at = ?7 AND currency = ?8 "
                          "  AND discount_amount = ?9 AND shipping_amount = ?10 AND tax_amount = ?11 "
                          "FROM orders WHERE channel_id = ?1 AND external_ref = ?2",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, record->channel_id);
  sqlite3_bind_text (stmt, 2, record->external_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, record->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, record->total_amount);
  sqlite3_bind_int64 (stmt, 5, record->refunded_amount);
  bind_time_or_null (stmt, 6, record->contact_id);
  sqlite3_bind_int64 (stmt, 7, record->created_at);
  sqlite3_bind_text (stmt, 8, record->currency, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, record->discount_amount);
  sqlite3_bind_int64 (stmt, 10, record->shipping_amount);
  sqlite3_bind_int64 (stmt, 11, record->tax_amount);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    {
      order_id = sqlite3_column_int64 (stmt, 0);
      digest = sqlite3_column_int64 (stmt, 1);
      changed = sqlite3_column_int (stmt, 2) == 0;
    }
  sqlite3_reset (stmt);

  if (order_id != 0 && !changed)
    {
      /* The same order read from other lines, or from lines read before
       * the order kept them: they are what it is made from now.  The
       * digest alone changes no figure. */
      if (record->import_digest != 0 && record->import_digest != digest)
        {
          stmt = siyu_db_prepare (self->db, "UPDATE orders SET import_digest = ?2 WHERE id = ?1", error);
          if (stmt == NULL)
            return -1;
          sqlite3_bind_int64 (stmt, 1, order_id);
          sqlite3_bind_int64 (stmt, 2, record->import_digest);
          if (!siyu_db_step_done (self->db, stmt, error))
            return -1;
        }
      self->counts.orders_unchanged++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UNCHANGED;
      return order_id;
    }

  if (order_id != 0)
    {
      stmt = siyu_db_prepare (self->db,
                              "UPDATE orders SET status = ?2, total_amount = ?3, "
                              "  refunded_amount = min (?3, max (?4, coalesce ((SELECT sum (amount) FROM refunds r "
                              "                                                 WHERE r.order_id = ?1), 0))), "
                              "  contact_id = coalesce (?5, contact_id), created_at = ?6, currency = ?7, "
                              "  updated_at = ?8, discount_amount = ?9, shipping_amount = ?10, tax_amount = ?11, "
                              "  import_digest = ?12 "
                              "WHERE id = ?1",
                              error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, order_id);
      sqlite3_bind_text (stmt, 2, record->status, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, record->total_amount);
      sqlite3_bind_int64 (stmt, 4, record->refunded_amount);
      bind_time_or_null (stmt, 5, record->contact_id);
      sqlite3_bind_int64 (stmt, 6, record->created_at);
      sqlite3_bind_text (stmt, 7, record->currency, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, now_seconds ());
      sqlite3_bind_int64 (stmt, 9, record->discount_amount);
      sqlite3_bind_int64 (stmt, 10, record->shipping_amount);
      sqlite3_bind_int64 (stmt, 11, record->tax_amount);
      bind_time_or_null (stmt, 12, record->import_digest);
      if (!siyu_db_step_done (self->db, stmt, error))
        return -1;

      self->counts.orders_updated++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UPDATED;
      return order_id;
    }

  order_id = insert_order (self, record, FALSE, error);
  if (order_id < 0)
    return -1;

  self->counts.orders_created++;
  if (outcome != NULL)
    *outcome = SIYU_OUTCOME_CREATED;

  return order_id;
}

/**
 * siyu_ingest_return:
 * @record: the return; its status is not read, its quantities and amounts
 *   are what came back, as positive numbers
 * @outcome: (out) (optional): created, updated or unchanged
 *
 * Stores a return (ANALYTICS.md, "Returns") once per channel and number,
 * apart from the orders: it is never a paid order.  Its lines are stored
 * when it is first seen.
 *
 * Returns: the return's id, or -1 with @error set.
 */
gint64
siyu_ingest_return (SiyuIngest             *self,
                    const SiyuOrderRecord  *record,
                    SiyuOutcome            *outcome,
                    GError                **error)
{
  SiyuOrderRecord checked;
  sqlite3_stmt *stmt;
  gint64 return_id = 0;
  gboolean changed = FALSE;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);
  g_return_val_if_fail (record != NULL, -1);

  checked = *record;
  checked.status = "refunded";
  checked.refunded_amount = 0;
  if (!validate_order (&checked, error))
    return -1;

  stmt = siyu_db_prepare (self->db,
                          "SELECT id, total_amount = ?3 AND (contact_id IS ?4 OR ?4 IS NULL) "
                          "  AND created_at = ?5 AND currency = ?6 "
                          "FROM returns WHERE channel_id = ?1 AND external_ref = ?2",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, record->channel_id);
  sqlite3_bind_text (stmt, 2, record->external_ref, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, record->total_amount);
  bind_time_or_null (stmt, 4, record->contact_id);
  sqlite3_bind_int64 (stmt, 5, record->created_at);
  sqlite3_bind_text (stmt, 6, record->currency, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    {
      return_id = sqlite3_column_int64 (stmt, 0);
      changed = sqlite3_column_int (stmt, 1) == 0;
    }
  sqlite3_reset (stmt);

  if (return_id != 0 && !changed)
    {
      self->counts.returns_unchanged++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UNCHANGED;
      return return_id;
    }

  if (return_id != 0)
    {
      stmt = siyu_db_prepare (self->db,
                              "UPDATE returns SET total_amount = ?2, contact_id = coalesce (?3, contact_id), "
                              "  created_at = ?4, currency = ?5, updated_at = ?6 "
                              "WHERE id = ?1",
                              error);
      if (stmt == NULL)
        return -1;
      sqlite3_bind_int64 (stmt, 1, return_id);
      sqlite3_bind_int64 (stmt, 2, record->total_amount);
      bind_time_or_null (stmt, 3, record->contact_id);
      sqlite3_bind_int64 (stmt, 4, record->created_at);
      sqlite3_bind_text (stmt, 5, record->currency, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now_seconds ());
      if (!siyu_db_step_done (self->db, stmt, error))
        return -1;

      self->counts.returns_updated++;
      if (outcome != NULL)
        *outcome = SIYU_OUTCOME_UPDATED;
      return return_id;
    }

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO returns (channel_id, external_ref, contact_id, created_at, "
                          "  currency, total_amount, item_count, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, record->channel_id);
  sqlite3_bind_text (stmt, 2, record->external_ref, -1, SQLITE_STATIC);
  bind_time_or_null (stmt, 3, record->contact_id);
  sqlite3_bind_int64 (stmt, 4, record->created_at);
  sqlite3_bind_text (stmt, 5, record->currency, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record->total_amount);
  sqlite3_bind_int64 (stmt, 7, record->n_items);
  sqlite3_bind_int64 (stmt, 8, now_seconds ());
  if (!siyu_db_step_done (self->db, stmt, error))
    return -1;
  return_id = siyu_db_last_insert_id (self->db);

  if (insert_lines (self, INSERT_RETURN_ITEM, return_id, record, error) < 0)
    return -1;

  self->counts.returns_created++;
  if (outcome != NULL)
    *outcome = SIYU_OUTCOME_CREATED;

  return return_id;
}

/**
 * siyu_ingest_refund:
 * @external_ref: the source's refund id; the same id is stored once
 *
 * Records one refund of an order.  The order's refunded amount becomes at
 * least the sum of its refunds, never more than its total.
 */
gboolean
siyu_ingest_refund (SiyuIngest  *self,
                    gint64       order_id,
                    const char  *external_ref,
                    gint64       amount,
                    gint64       created_at,
                    const char  *reason,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_INGEST (self), FALSE);

  if (amount <= 0)
    return invalid (error, _("A refund must be larger than zero."));
  if (!check_amount (amount, _("refund"), error))
    return FALSE;
  if (created_at <= 0)
    return invalid (error, _("The refund has no time."));
  if (siyu_text_is_blank (external_ref))
    return invalid (error, _("The refund has no reference."));

  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO refunds (order_id, external_ref, amount, created_at, reason) "
                          "VALUES (?, ?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_text (stmt, 2, external_ref, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, amount);
  sqlite3_bind_int64 (stmt, 4, created_at);
  bind_text_or_null (stmt, 5, reason);
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;
  if (sqlite3_changes (siyu_db_get_handle (self->db)) == 0)
    return TRUE;
  self->counts.refunds_created++;

  stmt = siyu_db_prepare (self->db,
                          "UPDATE orders SET refunded_amount = min (total_amount, max (refunded_amount, "
                          "  (SELECT sum (amount) FROM refunds WHERE order_id = ?1))) "
                          "WHERE id = ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order_id);

  return siyu_db_step_done (self->db, stmt, error);
}

/**
 * siyu_ingest_find_order:
 *
 * Returns: the id of the order of @channel_id numbered @external_ref, 0 if
 *   the shop has none, or -1 with @error set.
 */
gint64
siyu_ingest_find_order (SiyuIngest  *self,
                        gint64       channel_id,
                        const char  *external_ref,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 order_id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);
  g_return_val_if_fail (external_ref != NULL, -1);

  stmt = siyu_db_prepare (self->db, "SELECT id FROM orders WHERE channel_id = ?1 AND external_ref = ?2", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, channel_id);
  sqlite3_bind_text (stmt, 2, external_ref, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc == SQLITE_ROW)
    order_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : order_id;
}

/**
 * siyu_ingest_link_return:
 * @return_id: a return stored by siyu_ingest_return()
 * @order_id: the order it names as its original
 *
 * Links a return to its original order, and makes its amount a refund of
 * that order (ANALYTICS.md, "Returns"): the order's refunded amount grows
 * by it, never past the order's total, so the order's net never falls
 * below zero.  The refund is the return's own, by its number: linking the
 * same return again changes nothing.
 */
gboolean
siyu_ingest_link_return (SiyuIngest  *self,
                         gint64       return_id,
                         gint64       order_id,
                         GError     **error)
{
  g_autofree char *refund_ref = NULL;
  g_autofree char *external_ref = NULL;
  sqlite3_stmt *stmt;
  gint64 amount = 0, created_at = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), FALSE);
  g_return_val_if_fail (return_id > 0 && order_id > 0, FALSE);

  stmt = siyu_db_prepare (self->db,
                          "UPDATE returns SET order_id = ?2 WHERE id = ?1 AND order_id IS NOT ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, return_id);
  sqlite3_bind_int64 (stmt, 2, order_id);
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;

  stmt = siyu_db_prepare (self->db, "SELECT external_ref, total_amount, created_at FROM returns WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, return_id);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      external_ref = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      amount = sqlite3_column_int64 (stmt, 1);
      created_at = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return invalid (error, _("The return to link is not in the shop."));
  /* A return of nothing but stock adjustments refunds nothing. */
  if (amount <= 0)
    return TRUE;

  /* No reason is stored: a text in one language would show in another.
   * The reference says it is a return; the order and contact pages name
   * it in the owner's language. */
  refund_ref = g_strconcat (SIYU_REFUND_OF_RETURN, external_ref, NULL);
  return siyu_ingest_refund (self, order_id, refund_ref, amount, created_at, NULL, error);
}

gint64
siyu_ingest_group (SiyuIngest  *self,
                   const char  *name,
                   const char  *kind,
                   gint64       created_at,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_INGEST (self), -1);

  if (siyu_text_is_blank (name))
    {
      invalid (error, _("A group needs a name."));
      return -1;
    }
  if (kind == NULL || !g_strv_contains (group_kinds, kind))
    {
      invalid (error, _("“%s” is not a kind of group."), kind != NULL ? kind : "");
      return -1;
    }

  stmt = siyu_db_prepare (self->db, "SELECT id FROM community_groups WHERE name = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = siyu_db_step (self->db, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return id;
    }

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO community_groups (name, kind, created_at) VALUES (?, ?, ?)",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, created_at > 0 ? created_at : now_seconds ());
  if (!siyu_db_step_done (self->db, stmt, error))
    return -1;

  return siyu_db_last_insert_id (self->db);
}

/**
 * siyu_ingest_group_member:
 * @left_at: when they left, or 0 while they are in the group
 *
 * Records one stay of a contact in a group, once per join time; giving it
 * again with a leave time records the leave.
 */
gboolean
siyu_ingest_group_member (SiyuIngest  *self,
                          gint64       group_id,
                          gint64       contact_id,
                          const char  *role,
                          gint64       joined_at,
                          gint64       left_at,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_INGEST (self), FALSE);

  /* 0 is an erased person's record, kept anonymous (siyu_ingest_contact()). */
  if (contact_id == 0)
    return TRUE;

  if (role == NULL)
    role = "member";
  if (!g_strv_contains (group_roles, role))
    return invalid (error, _("“%s” is not a role in a group."), role);
  if (joined_at <= 0)
    return invalid (error, _("The time of joining the group is missing."));
  if (left_at != 0 && left_at < joined_at)
    return invalid (error, _("The time of leaving the group is before the time of joining it."));

  stmt = siyu_db_prepare (self->db,
                          "INSERT INTO group_members (group_id, contact_id, role, joined_at, left_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5) "
                          "ON CONFLICT (group_id, contact_id, joined_at) DO UPDATE SET "
                          "  left_at = coalesce (excluded.left_at, left_at), role = excluded.role",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  sqlite3_bind_text (stmt, 3, role, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, joined_at);
  bind_time_or_null (stmt, 5, left_at);
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;
  self->counts.members_created++;

  return TRUE;
}

gboolean
siyu_ingest_event (SiyuIngest  *self,
                   gint64       contact_id,
                   const char  *kind,
                   gint64       occurred_at,
                   gint64       channel_id,
                   const char  *detail,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_INGEST (self), FALSE);

  /* 0 is an erased person's record, kept anonymous (siyu_ingest_contact()). */
  if (contact_id == 0)
    return TRUE;

  if (!siyu_event_kind_is_valid (kind))
    return invalid (error, _("“%s” is not a kind of event."), kind != NULL ? kind : "");
  if (occurred_at <= 0)
    return invalid (error, _("The event has no time."));

  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO events (contact_id, kind, occurred_at, channel_id, detail) "
                          "VALUES (?, ?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, occurred_at);
  bind_time_or_null (stmt, 4, channel_id);
  bind_text_or_null (stmt, 5, detail);
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;

  if (sqlite3_changes (siyu_db_get_handle (self->db)) > 0)
    self->counts.events_created++;
  else
    self->counts.events_unchanged++;

  return TRUE;
}

gboolean
siyu_ingest_tag (SiyuIngest  *self,
                 gint64       contact_id,
                 const char  *tag,
                 const char  *source,
                 gint64       at,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SIYU_IS_INGEST (self), FALSE);

  /* 0 is an erased person's record, kept anonymous (siyu_ingest_contact()). */
  if (contact_id == 0)
    return TRUE;

  if (siyu_text_is_blank (tag) || !g_utf8_validate (tag, -1, NULL))
    return invalid (error, _("A tag needs a name."));

  name = g_strstrip (g_strdup (tag));
  if (at <= 0)
    at = now_seconds ();

  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO tags (name, created_at) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!siyu_db_step_done (self->db, stmt, error))
    return FALSE;

  stmt = siyu_db_prepare (self->db,
                          "INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, source, created_at) "
                          "SELECT ?, id, ?, ? FROM tags WHERE name = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  sqlite3_bind_text (stmt, 2, source != NULL ? source : "manual", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_text (stmt, 4, name, -1, SQLITE_STATIC);

  return siyu_db_step_done (self->db, stmt, error);
}
