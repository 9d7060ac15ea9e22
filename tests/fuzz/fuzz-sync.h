/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib/gstdio.h>

#include "siyu-fuzz.h"
#include "siyu-json.h"
#include "siyu-sync-private.h"

/* What the three connectors' harnesses share (fuzz-sync-shopify.c,
 * fuzz-sync-woocommerce.c, fuzz-sync-youzan.c): the input is the body of
 * one answer of the platform, which _siyu_sync_store_answer () reads as a
 * page of orders and then of customers, storing it in a shop made once per
 * process, with no network.  Then it checks what a sync promises: nothing
 * left half-written, every stored order's money in order, every phone used
 * as an identity in E.164, no Youzan ciphertext kept as a name, phone or
 * city, errors in UTF-8.  The shop is emptied every 500 inputs. */

static SiyuShop *fuzz_shop;
static char *fuzz_dir;

static void
fuzz_sync_init (const char *platform,
                const char *shop_url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  siyu_fuzz_init ();
  fuzz_dir = g_dir_make_tmp ("siyu-fuzz-sync-XXXXXX", &error);
  if (fuzz_dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (fuzz_dir, "shop.siyu", NULL);
  fuzz_shop = siyu_shop_create (path, "Fuzz", "CNY", "Asia/Shanghai", &error);
  if (fuzz_shop == NULL || siyu_sync_account_add (fuzz_shop, platform, "fuzz", shop_url, &error) <= 0)
    g_error ("%s", error->message);
}

static gint64
fuzz_count (const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = siyu_db_query_int (siyu_shop_get_db (fuzz_shop), sql, &error);

  siyu_fuzz_check (error == NULL, "%s: %s", sql, error->message);
  return n;
}

/* Whether a contact's name, phone or city is a value Youzan encrypted,
 * by the rule of its SDK. */
static gboolean
keeps_ciphertext (void)
{
  SiyuDb *db = siyu_shop_get_db (fuzz_shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT name, phone, city FROM contacts WHERE instr (coalesce (name, '') "
                                            "|| coalesce (phone, '') || coalesce (city, ''), '$') > 0", NULL);
  gboolean found = FALSE;

  g_assert (stmt != NULL);
  while (!found && siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    for (int i = 0; i < 3; i++)
      found = found || _siyu_sync_is_youzan_ciphertext ((const char *) sqlite3_column_text (stmt, i));
  sqlite3_reset (stmt);
  return found;
}

/* Whether every reject keeps its record as a retry reads it: json-glib
 * writes control characters in strings as they are, which it reads back
 * although SQLite's json_valid () would not. */
static gboolean
rejects_read_back (void)
{
  SiyuDb *db = siyu_shop_get_db (fuzz_shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT raw FROM sync_rejects", NULL);
  gboolean ok = TRUE;

  g_assert (stmt != NULL);
  while (ok && siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = siyu_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, "raw", NULL);

      ok = node != NULL;
    }
  sqlite3_reset (stmt);
  return ok;
}

static void
fuzz_sync_one (const uint8_t *data,
               size_t         size)
{
  static const char * const resources[] = { "orders", "customers" };
  static guint inputs;
  SiyuDb *db = siyu_shop_get_db (fuzz_shop);

  for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
    {
      g_autoptr(GError) error = NULL;
      SiyuSyncCounts counts;
      gboolean ok = _siyu_sync_store_answer (fuzz_shop, "fuzz", resources[i], (const char *) data, size, &counts,
                                             &error);

      siyu_fuzz_check (ok == (error == NULL), "ok %d and error %p", ok, (gpointer) error);
      if (error != NULL)
        siyu_fuzz_check (g_utf8_validate (error->message, -1, NULL), "the message is not UTF-8");
      siyu_fuzz_check (!siyu_db_in_transaction (db), "a page was left half-written");
      siyu_fuzz_check (counts.rejected <= counts.orders.records + counts.customers.records,
                       "%u rejected of %u records", counts.rejected, counts.orders.records + counts.customers.records);
    }

  siyu_fuzz_check (fuzz_count ("SELECT count (*) FROM orders WHERE refunded_amount > total_amount OR "
                               "total_amount < 0 OR discount_amount < 0 OR shipping_amount < 0 OR tax_amount < 0 OR "
                               "(status = 'refunded' AND refunded_amount != total_amount)") == 0,
                   "an order's money is out of order");
  siyu_fuzz_check (fuzz_count ("SELECT count (*) FROM contact_identities WHERE kind = 'phone' AND "
                               "value NOT GLOB '+[1-9]*'") == 0, "a phone identity that is not E.164");
  siyu_fuzz_check (!keeps_ciphertext (), "an encrypted value kept as a name, a phone or a city");
  siyu_fuzz_check (rejects_read_back (), "a reject kept without a record a retry can read");

  if (++inputs % 500 == 0)
    {
      g_autoptr(GError) error = NULL;

      if (!siyu_db_exec (db, "DELETE FROM sync_rejects; DELETE FROM sync_encrypted; DELETE FROM refunds; "
                             "DELETE FROM order_items; DELETE FROM orders; DELETE FROM possible_duplicates; "
                             "DELETE FROM contact_identities; DELETE FROM contacts; DELETE FROM products", &error))
        g_error ("%s", error->message);
    }
}
