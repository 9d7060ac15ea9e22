/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-duplicates.h"
#include "siyu-ingest.h"
#include "siyu-phone.h"
#include "siyu-test-util.h"

/* Identity for sources that keep people apart (platform sync): the phone
 * remains the key within one platform id. */

typedef struct {
  char       *dir;
  SiyuShop   *shop;
  SiyuIngest *ingest;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "shop.siyu");
  f->ingest = siyu_ingest_new (f->shop);
  g_assert_true (siyu_db_begin (siyu_shop_get_db (f->shop), NULL));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_assert_true (siyu_db_commit (siyu_shop_get_db (f->shop), NULL));
  g_clear_object (&f->ingest);
  g_clear_object (&f->shop);
  g_free (f->dir);
}

static gint64
add (Fixture    *f,
     const char *platform_id,
     const char *email,
     const char *phone,
     const char *region,
     GError    **error)
{
  SiyuContactRecord record = { 0, };

  record.platform = platform_id != NULL ? "shopify" : NULL;
  record.platform_id = platform_id;
  record.email = email;
  record.phone = phone;
  record.seen_at = 1700000000;
  record.consent = -1;
  record.do_not_contact = -1;
  record.phone_region = region;
  record.phone_as_written = TRUE;
  record.keep_apart = TRUE;

  return siyu_ingest_contact (f->ingest, &record, NULL, error);
}

static char *
text (Fixture    *f,
      const char *sql)
{
  SiyuDb *db = siyu_shop_get_db (f->shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, NULL);
  char *value = NULL;

  if (siyu_db_step (db, stmt, NULL) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

#define PAIRS "SELECT group_concat (contact_id || '-' || other_id || ' ' || reason, ', ') FROM possible_duplicates"

static void
test_platform_ids (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pairs = NULL;
  g_autofree char *phones = NULL;

  g_assert_cmpint (add (f, "101", NULL, "13800138000", NULL, &error), ==, 1);
  /* The same customer again, with the phone written otherwise: one contact. */
  g_assert_cmpint (add (f, "101", NULL, "+86 138 0013 8000", NULL, &error), ==, 1);
  /* Another customer id on the same phone: kept apart, the phone shown. */
  g_assert_cmpint (add (f, "102", NULL, "138-0013-8000", NULL, &error), ==, 2);
  g_assert_no_error (error);
  pairs = text (f, PAIRS);
  g_assert_cmpstr (pairs, ==, "1-2 phone");
  phones = text (f, "SELECT group_concat (coalesce (phone, '-'), ' ') FROM contacts");
  g_assert_cmpstr (phones, ==, "+8613800138000 +8613800138000");
  g_assert_cmpint (siyu_ingest_get_counts (f->ingest)->possible_duplicates, ==, 1);
  /* Again: the pair is listed once. */
  g_assert_cmpint (add (f, "102", NULL, "13800138000", NULL, &error), ==, 2);
  g_assert_cmpint (siyu_ingest_get_counts (f->ingest)->possible_duplicates, ==, 1);
}

static void
test_phone_alone (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pairs = NULL;

  g_assert_cmpint (add (f, "101", "li.na@example.com", "13800138000", NULL, &error), ==, 1);
  /* A guest with the phone alone, or with a new e-mail on a contact that
   * has none: the phone is the key. */
  g_assert_cmpint (add (f, NULL, NULL, "13800138000", NULL, &error), ==, 1);
  g_assert_cmpint (add (f, "201", NULL, "13900139000", NULL, &error), ==, 2);
  g_assert_cmpint (add (f, NULL, "wang@example.com", "13900139000", NULL, &error), ==, 2);
  /* Another e-mail on the phone of a contact with an e-mail: kept apart. */
  g_assert_cmpint (add (f, NULL, "other@example.com", "13800138000", NULL, &error), ==, 3);
  g_assert_no_error (error);
  pairs = text (f, PAIRS);
  g_assert_cmpstr (pairs, ==, "1-3 phone");
}

static void
test_stronger_first (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pairs = NULL;
  g_autofree char *ids = NULL;

  g_assert_cmpint (add (f, "101", NULL, NULL, NULL, &error), ==, 1);
  g_assert_cmpint (add (f, NULL, "li.na@example.com", NULL, NULL, &error), ==, 2);
  /* The platform id picks the contact; the e-mail stays with its own. */
  g_assert_cmpint (add (f, "101", "li.na@example.com", NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
  pairs = text (f, PAIRS);
  g_assert_cmpstr (pairs, ==, "1-2 email");
  ids = text (f, "SELECT group_concat (kind || '>' || contact_id, ' ') FROM (SELECT * FROM contact_identities ORDER BY id)");
  g_assert_cmpstr (ids, ==, "shopify>1 email>2");
}

static void
test_phone_as_written (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  guint found = 0;

  /* Brazil has no numbering plan in Siyu: a national number is kept as
   * written, an international one is read. */
  g_assert_cmpint (add (f, "26", NULL, "(55) 5555-5555", "BR", &error), ==, 1);
  g_assert_cmpint (add (f, "27", NULL, "+55 21 5555-5555", "br", &error), ==, 2);
  g_assert_cmpint (add (f, "25", NULL, "(555) 555-5555", "US", &error), ==, 3);
  g_assert_no_error (error);
  rows = text (f, "SELECT group_concat (id || ' ' || phone, '; ') FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (rows, ==, "1 (55) 5555-5555; 2 +552155555555; 3 +15555555555");
  g_clear_pointer (&rows, g_free);
  rows = text (f, "SELECT group_concat (kind || '=' || value, ' ') FROM (SELECT * FROM contact_identities ORDER BY id)");
  g_assert_cmpstr (rows, ==, "shopify=26 shopify=27 phone=+552155555555 shopify=25 phone=+15555555555");
  g_clear_pointer (&rows, g_free);
  g_assert_cmpint (siyu_ingest_get_counts (f->ingest)->phones_as_written, ==, 1);

  /* Alone, a phone that cannot be read tells no one apart. */
  g_assert_cmpint (add (f, NULL, NULL, "(55) 5555-5555", "BR", &error), ==, -1);
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_clear_error (&error);

  /* Read for the United States, contact 1's number is contact 3's. */
  g_assert_true (siyu_db_commit (siyu_shop_get_db (f->shop), NULL));
  g_assert_true (siyu_duplicates_scan (f->shop, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (found, ==, 1);
  rows = text (f, PAIRS);
  g_assert_cmpstr (rows, ==, "1-3 phone");
  g_assert_true (siyu_duplicates_scan (f->shop, &found, &error));
  g_assert_cmpuint (found, ==, 0);
  /* Two people after all: off the list, and they stay off it. */
  g_assert_true (siyu_duplicates_keep_apart (f->shop, 3, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_duplicates_count (f->shop, &error), ==, 0);
  g_assert_true (siyu_duplicates_scan (f->shop, &found, &error));
  g_assert_cmpint (siyu_duplicates_count (f->shop, &error), ==, 0);
  g_assert_true (siyu_db_begin (siyu_shop_get_db (f->shop), NULL));
}

/* Without keep_apart (file import), two contacts in one record remain an
 * error, as before. */
static void
test_import_unchanged (Fixture      *f,
                       gconstpointer data)
{
  SiyuContactRecord record = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (add (f, "101", NULL, "13800138000", NULL, &error), ==, 1);
  g_assert_cmpint (add (f, NULL, "li.na@example.com", NULL, NULL, &error), ==, 2);
  record.email = "li.na@example.com";
  record.phone = "13800138000";
  record.seen_at = 1700000000;
  record.consent = -1;
  record.do_not_contact = -1;
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &record, NULL, &error), ==, -1);
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_CONFLICT);
  g_clear_error (&error);
  record.email = NULL;
  record.phone = "(55) 5555-5555";
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &record, NULL, &error), ==, -1);
  g_assert_error (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/siyu/identity/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("platform-ids", test_platform_ids);
  ADD ("phone-alone", test_phone_alone);
  ADD ("stronger-first", test_stronger_first);
  ADD ("phone-as-written", test_phone_as_written);
  ADD ("import-unchanged", test_import_unchanged);
#undef ADD

  return g_test_run ();
}
