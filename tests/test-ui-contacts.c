/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-consent-dialog-private.h"
#include "siyu-export-dialog-private.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts-page-private.h"
#include "siyu-demo.h"
#include "siyu-ingest.h"
#include "siyu-money.h"
#include "siyu-recompute.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Contacts place: list, search, a contact's page, its edits and their
 * undoing, and erasing, on a shop made for the test. */

static SiyuApplication *app;

static gboolean
list_ready (gpointer data)
{
  return !g_str_equal (_siyu_contacts_page_get_state (data), "loading");
}

static gboolean
contact_shown (gpointer data)
{
  SiyuContactPage *page = _siyu_contacts_page_get_contact_page (data);

  return page != NULL && !_siyu_contact_page_is_busy (page);
}

static gboolean
back_in_list (gpointer data)
{
  const char *state = _siyu_contacts_page_get_state (data);

  return !g_str_equal (state, "contact") && !g_str_equal (state, "loading");
}

static gboolean
contact_idle (gpointer data)
{
  return !_siyu_contact_page_is_busy (data);
}

static gboolean
row_loaded (gpointer data)
{
  g_autofree char *name = _siyu_contacts_page_get_cell (data, 0, 0);

  return name != NULL;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
erased_shown (gpointer data)
{
  return _siyu_contacts_page_get_erased_text (data) != NULL;
}

static gboolean
erased_hidden (gpointer data)
{
  return _siyu_contacts_page_get_erased_text (data) == NULL;
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             gint64      seen,
             gboolean    member)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = seen, .consent = -1, .do_not_contact = -1,
    .member_since = member ? seen : 0,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* Three people, two of whom bought; figures recomputed as of 2026-03-31. */
static SiyuShop *
small_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的咖啡店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 wang = add_contact (ingest, "王芳", "13800138000", siyu_test_time (shop, "2026-01-05 10:00:00"), TRUE);
  gint64 li = add_contact (ingest, "李雷", "13912345678", siyu_test_time (shop, "2026-02-01 10:00:00"), FALSE);
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, 128800, 128800 };
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = "A1", .contact_id = wang, .status = "paid",
    .created_at = siyu_test_time (shop, "2026-03-20 12:00:00"), .currency = "CNY",
    .total_amount = 128800, .items = &item, .n_items = 1,
  };

  add_contact (ingest, "赵敏", "13600136000", siyu_test_time (shop, "2026-03-01 10:00:00"), FALSE);
  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
  order.external_ref = "A2";
  order.contact_id = li;
  order.total_amount = item.line_total = item.unit_price = 3000;
  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
  g_assert_true (siyu_ingest_tag (ingest, li, "学生", "manual", 1, &error));
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")), &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}

static char *
cell (SiyuContactsPage *page,
      guint             row,
      guint             column)
{
  siyu_test_wait_for (row_loaded, page);
  return _siyu_contacts_page_get_cell (page, row, column);
}

static void
assert_cell (SiyuContactsPage *page,
             guint             row,
             guint             column,
             const char       *expected)
{
  g_autofree char *text = cell (page, row, column);

  g_assert_cmpstr (text, ==, expected);
}

static char *
query (const char *path,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);
  sqlite3_stmt *stmt;
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

static void
assert_query (const char *path,
              const char *sql,
              const char *expected)
{
  g_autofree char *found = query (path, sql);

  g_assert_cmpstr (found, ==, expected);
}

static void
test_list_and_search (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactsPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  g_assert_nonnull (page);
  siyu_test_wait_for (list_ready, page);

  g_assert_cmpstr (_siyu_contacts_page_get_state (page), ==, "contacts");
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (page), ==, "3 contacts");
  /* Newest first; phones masked until asked. */
  assert_cell (page, 0, 0, "赵敏");
  assert_cell (page, 0, 1, "136****6000");
  assert_cell (page, 0, 2, "Prospect");
  assert_cell (page, 2, 0, "王芳");
  assert_cell (page, 2, 2, "New");
  assert_cell (page, 2, 4, "Silver");
  assert_cell (page, 2, 5, "2026-03-20");
  assert_cell (page, 2, 6, "¥1,288.00");
  assert_cell (page, 1, 9, "学生");
  _siyu_contacts_page_set_reveal (page, TRUE);
  assert_cell (page, 0, 1, "+8613600136000");
  _siyu_contacts_page_set_reveal (page, FALSE);

  /* By the last digits of a phone, a part of a name, a stage. */
  _siyu_contacts_page_search (page, "8000", FALSE);
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (page), ==, "1 contact");
  assert_cell (page, 0, 0, "王芳");
  _siyu_contacts_page_search (page, "雷", FALSE);
  siyu_test_wait_for (list_ready, page);
  assert_cell (page, 0, 0, "李雷");
  _siyu_contacts_page_search (page, "\" * ( ) NEAR AND", FALSE);
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_state (page), ==, "none-found");
  _siyu_contacts_page_search (page, "", FALSE);
  _siyu_contacts_page_set_stage (page, 1 + 1);   /* All, Prospect, New */
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (page), ==, "2 contacts");

  siyu_test_destroy_window (window);
}

static void
test_contact_edits (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactsPage *page;
  SiyuContactPage *contact;
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);

  /* At the counter: the last four digits and Enter. */
  _siyu_contacts_page_search (page, "8000", FALSE);
  siyu_test_wait_for (list_ready, page);
  _siyu_contacts_page_search (page, "8000", TRUE);
  siyu_test_wait_for (contact_shown, page);
  g_assert_cmpstr (_siyu_contacts_page_get_state (page), ==, "contact");
  contact = _siyu_contacts_page_get_contact_page (page);
  g_assert_cmpstr (_siyu_contact_page_get_title (contact), ==, "王芳");

  _siyu_contact_page_add_tag (contact, "老客");
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = 1",
                "老客\n");
  g_assert_true (_siyu_contact_page_undo (contact));
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT count (*) FROM contact_tags WHERE contact_id = 1", "0\n");
  g_assert_false (_siyu_contact_page_undo (contact));

  _siyu_contact_page_set_do_not_contact (contact, TRUE);
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT do_not_contact FROM contacts WHERE id = 1", "1\n");
  g_assert_true (_siyu_contact_page_undo (contact));
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT do_not_contact FROM contacts WHERE id = 1", "0\n");
  assert_query (path, "SELECT action FROM audit_log ORDER BY id", "edit\nedit\n");

  /* Erasing asks first; cancel keeps everything. */
  _siyu_contact_page_ask_erase (contact);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Erase 王芳?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  assert_query (path, "SELECT name FROM contacts WHERE id = 1", "王芳\n");

  _siyu_contact_page_ask_erase (contact);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "erase");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_wait_for (back_in_list, page);
  _siyu_contacts_page_search (page, "", FALSE);
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (page), ==, "2 contacts");
  assert_query (path, "SELECT coalesce (name, '-') || '|' || (erased_at IS NOT NULL) FROM contacts WHERE id = 1", "-|1\n");
  assert_query (path, "SELECT count (*) FROM orders WHERE external_ref = 'A1'", "1\n");

  /* Her phone number finds nobody, and says she was erased; she came back
   * and agreed, so the owner lets her back. */
  g_assert_null (_siyu_contacts_page_get_erased_text (page));
  _siyu_contacts_page_search (page, "138 0013 8000", FALSE);
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_state (page), ==, "none-found");
  siyu_test_wait_for (erased_shown, page);
  g_assert_nonnull (strstr (_siyu_contacts_page_get_erased_text (page),
                            "This phone number belongs to a person erased on "));
  _siyu_contacts_page_ask_let_back (page);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Let This Person Back?");
  adw_message_dialog_response (dialog, "let-back");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_wait_for (erased_hidden, page);
  assert_query (path, "SELECT count (*) FROM erasure_tombstones", "0\n");
  assert_query (path, "SELECT action || ' ' || detail FROM audit_log WHERE action = 'unerase'",
                "unerase {\"by\":\"phone\",\"identities\":1}\n");
  _siyu_contacts_page_search (page, "13800138000", FALSE);
  siyu_test_wait_for (list_ready, page);
  siyu_test_drain ();
  g_assert_null (_siyu_contacts_page_get_erased_text (page));

  siyu_test_destroy_window (window);
}

/* A second 王芳 is offered as the same person; merging and undoing. */
static void
test_merge (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window;
  SiyuContactsPage *page;
  SiyuContactPage *contact;
  AdwMessageDialog *dialog;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

    g_assert_cmpint (add_contact (ingest, "王芳", "13700001111", siyu_test_time (shop, "2026-03-02 10:00:00"), FALSE),
                     ==, 4);
  }
  window = siyu_window_new (app, shop);
  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);
  _siyu_contacts_page_search (page, "8000", TRUE);
  siyu_test_wait_for (contact_shown, page);
  contact = _siyu_contacts_page_get_contact_page (page);
  g_assert_cmpuint (_siyu_contact_page_get_n_duplicates (contact), ==, 1);

  _siyu_contact_page_ask_merge (contact, 0);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Merge 王芳 Into This Contact?");
  adw_message_dialog_response (dialog, "merge");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  siyu_test_wait_for (contact_idle, contact);
  g_assert_cmpuint (_siyu_contact_page_get_n_duplicates (contact), ==, 0);
  assert_query (path, "SELECT count (*) FROM contacts WHERE id = 4", "0\n");
  assert_query (path, "SELECT value FROM contact_identities WHERE contact_id = 1 ORDER BY value",
                "+8613700001111\n+8613800138000\n");
  assert_query (path, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1", "merge\n");

  g_assert_true (_siyu_contact_page_undo (contact));
  siyu_test_wait_for (contact_idle, contact);
  g_assert_cmpuint (_siyu_contact_page_get_n_duplicates (contact), ==, 1);
  assert_query (path, "SELECT value FROM contact_identities WHERE contact_id = 4", "+8613700001111\n");

  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactsPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_contacts_page_get_state (page), ==, "empty");
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (page), ==, "0 contacts");

  siyu_test_destroy_window (window);
}

/* Reading every row of the small demo shop keeps a bounded number of
 * blocks of rows. */
static void
test_flat_memory (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.siyu", NULL);
  g_autoptr(GError) error = NULL;
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  g_autoptr(SiyuShop) shop = siyu_demo_create (path, &options, NULL, NULL, NULL, &error);
  SiyuWindow *window;
  SiyuContactsPage *page;
  SiyuContactModel *model;
  guint n;

  g_assert_no_error (error);
  window = siyu_window_new (app, shop);
  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);
  model = siyu_contacts_page_get_model (page);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, 4965);

  for (guint i = 0; i < n; i += 7)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_nonnull (item);
      if (i % 700 == 0)
        siyu_test_drain ();
    }
  g_assert_cmpuint (siyu_contact_model_get_n_cached_blocks (model), <=, 24);

  /* A buyer of the demo shop: what the models predict, as stored. */
  {
    g_autofree char *row = query (path, "SELECT contact_id || '|' || p_alive || '|' || exp_orders_90d || '|' || "
                                        "value_12m || '|' || substr (c.phone, 4) FROM contact_predictions "
                                        "JOIN contacts c ON c.id = contact_id WHERE p_alive IS NOT NULL "
                                        "AND value_12m > 0 AND next_due IS NULL ORDER BY contact_id LIMIT 1");
    g_auto(GStrv) parts = g_strsplit (g_strstrip (row), "|", -1);
    double p_alive = g_ascii_strtod (parts[1], NULL) * 100;
    g_autofree char *value = siyu_money_format (g_ascii_strtoll (parts[3], NULL, 10), "CNY");
    g_autofree char *expected = NULL;
    char percent[G_ASCII_DTOSTR_BUF_SIZE], orders[G_ASCII_DTOSTR_BUF_SIZE];
    SiyuContactPage *contact;

    g_ascii_formatd (percent, sizeof percent, p_alive >= 9.95 ? "%.0f" : "%.1f", p_alive);
    g_ascii_formatd (orders, sizeof orders, "%.1f", g_ascii_strtod (parts[2], NULL));
    expected = g_strdup_printf ("Likely to buy again: %s %%; Expected orders in 90 days: %s; 12-month value: %s",
                                percent, orders, value);
    /* The same figures in the list's columns "Likely to Buy Again" and
     * "12-Month Value", found by the buyer's phone. */
    {
      g_autofree char *shown = g_strdup_printf ("%s %%", percent);

      _siyu_contacts_page_search (page, parts[4], FALSE);
      siyu_test_wait_for (list_ready, page);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
      assert_cell (page, 0, 7, shown);
      assert_cell (page, 0, 8, value);
    }
    siyu_contacts_page_open (page, g_ascii_strtoll (parts[0], NULL, 10));
    siyu_test_wait_for (contact_shown, page);
    contact = _siyu_contacts_page_get_contact_page (page);
    g_assert_cmpstr (_siyu_contact_page_get_prediction (contact), ==, expected);
  }

  siyu_test_destroy_window (window);
}


static SiyuContactPage *
open_contact (SiyuWindow       *window,
              const char       *digits,
              SiyuContactsPage **list)
{
  SiyuContactsPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);
  _siyu_contacts_page_search (page, digits, FALSE);
  siyu_test_wait_for (list_ready, page);
  _siyu_contacts_page_search (page, digits, TRUE);
  siyu_test_wait_for (contact_shown, page);
  if (list != NULL)
    *list = page;
  return _siyu_contacts_page_get_contact_page (page);
}

static void
set_field (SiyuContactPage  *contact,
           SiyuContactField  field,
           const char       *value)
{
  _siyu_contact_page_set_field (contact, field, value);
  siyu_test_wait_for (contact_idle, contact);
}

static void
assert_field (SiyuContactPage  *contact,
              SiyuContactField  field,
              const char       *expected)
{
  g_autofree char *shown = _siyu_contact_page_get_field (contact, field);

  g_assert_cmpstr (shown, ==, expected);
}

/* Editing a name, and taking it back from the toast. */
static void
test_edit_name (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactPage *contact = open_contact (window, "8000", NULL);

  assert_field (contact, SIYU_CONTACT_NAME, "王芳");
  set_field (contact, SIYU_CONTACT_NAME, "王芳芳");
  assert_query (path, "SELECT name FROM contacts WHERE id = 1", "王芳芳\n");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "Name changed");
  g_assert_cmpstr (_siyu_contact_page_get_title (contact), ==, "王芳芳");
  assert_field (contact, SIYU_CONTACT_NAME, "王芳芳");

  g_assert_true (_siyu_contact_page_undo (contact));
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT name FROM contacts WHERE id = 1", "王芳\n");
  g_assert_cmpstr (_siyu_contact_page_get_title (contact), ==, "王芳");
  assert_field (contact, SIYU_CONTACT_NAME, "王芳");
  g_assert_false (_siyu_contact_page_undo (contact));

  /* A birthday, notes and consent go the same way. */
  set_field (contact, SIYU_CONTACT_BIRTHDAY, "1990-05-04");
  assert_query (path, "SELECT birthday FROM contacts WHERE id = 1", "1990-05-04\n");
  g_assert_true (_siyu_contact_page_undo (contact));
  siyu_test_wait_for (contact_idle, contact);
  assert_query (path, "SELECT count (*) FROM contacts WHERE id = 1 AND birthday IS NULL", "1\n");
  set_field (contact, SIYU_CONTACT_NOTES, "喜欢龙井\n周末来");
  assert_query (path, "SELECT notes FROM contacts WHERE id = 1", "喜欢龙井\n周末来\n");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "Notes saved");
  assert_field (contact, SIYU_CONTACT_NOTES, "喜欢龙井\n周末来");
  set_field (contact, SIYU_CONTACT_MARKETING_CONSENT, "given");
  assert_query (path, "SELECT consent || marketing_consent || consent_source FROM contacts WHERE id = 1",
                "given1manual\n");
  assert_field (contact, SIYU_CONTACT_MARKETING_CONSENT, "given");
  assert_query (path, "SELECT count (*) FROM audit_log WHERE action = 'edit'", "6\n");

  siyu_test_destroy_window (window);
}

/* What is not a phone, someone else's phone, an e-mail without @ and a
 * birthday to come are refused with a message, and nothing changes. */
static void
test_edit_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactPage *contact = open_contact (window, "8000", NULL);

  set_field (contact, SIYU_CONTACT_PHONE, "12345");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "“12345” is not a phone number.");
  assert_query (path, "SELECT phone FROM contacts WHERE id = 1", "+8613800138000\n");
  assert_field (contact, SIYU_CONTACT_PHONE, "+8613800138000");
  g_assert_cmpint (_siyu_contact_page_get_merge_offer (contact), ==, 0);
  g_assert_false (_siyu_contact_page_undo (contact));

  /* 李雷's phone: a merge is offered instead. */
  set_field (contact, SIYU_CONTACT_PHONE, "139 1234 5678");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==,
                   "139 1234 5678 already belongs to 李雷. Merge the two contacts instead?");
  g_assert_cmpint (_siyu_contact_page_get_merge_offer (contact), ==, 2);
  assert_query (path, "SELECT phone FROM contacts WHERE id = 1", "+8613800138000\n");
  assert_field (contact, SIYU_CONTACT_PHONE, "+8613800138000");

  set_field (contact, SIYU_CONTACT_EMAIL, "wang.example.com");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "“wang.example.com” is not an e-mail address.");
  assert_field (contact, SIYU_CONTACT_EMAIL, "");

  set_field (contact, SIYU_CONTACT_BIRTHDAY, "2999-01-01");
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "A birthday cannot be in the future (2999-01-01).");
  assert_field (contact, SIYU_CONTACT_BIRTHDAY, "");

  assert_query (path, "SELECT count (*) FROM contacts WHERE id = 1 AND email IS NULL AND birthday IS NULL", "1\n");
  assert_query (path, "SELECT count (*) FROM audit_log", "0\n");
  g_assert_false (_siyu_contact_page_undo (contact));

  siyu_test_destroy_window (window);
}

/* The stage and RFM rows say why, with the shop's thresholds; the tag
 * entry offers the shop's tags. */
static void
test_rules (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuContactPage *contact = open_contact (window, "8000", NULL);

  g_assert_cmpstr (_siyu_contact_page_get_stage_rule (contact), ==, "One paid order so far, 11 days ago: new");
  /* Two buyers are too few to learn from: the page says why, no figure. */
  {
    g_autofree char *reason = query (siyu_shop_get_path (shop),
                                     "SELECT json_extract (summary, '$.predictive.mbgnbd.reason') FROM analytics_runs "
                                     "ORDER BY id DESC LIMIT 1");
    g_autofree char *expected = g_strdup_printf ("Not known: %.*s", (int) strlen (reason) - 1, reason);

    g_assert_cmpuint (strlen (reason), >, 10);
    g_assert_cmpstr (_siyu_contact_page_get_prediction (contact), ==, expected);
  }
  g_assert_cmpstr (_siyu_contact_page_get_rfm_rule (contact), ==,
                   "R 1 · F 1 · M 3: bought 11 days ago, 1 order and ¥1,288.00 in 365 days");
  g_assert_cmpuint (_siyu_contact_page_get_n_tag_suggestions (contact), ==, 1);

  siyu_test_destroy_window (window);
}

/* One timeline, newest first: a tier change, a refund, an order with two
 * lines, an older order and a group joined. */
static void
test_timeline (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *timeline = NULL;
  SiyuWindow *window;
  SiyuContactPage *contact;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
    SiyuOrderItemRecord items[] = {
      { "LJ-250", "龙井", 2, 12800, 25600 },
      { "BLC-100", "碧螺春", 1, 9800, 9800 },
    };
    SiyuOrderRecord order = {
      .channel_id = channel, .external_ref = "A3", .contact_id = 1, .status = "partially_refunded",
      .created_at = siyu_test_time (shop, "2026-03-25 15:00:00"), .currency = "CNY",
      .total_amount = 35400, .refunded_amount = 9800, .items = items, .n_items = 2,
    };
    gint64 order_id = siyu_ingest_order (ingest, &order, NULL, &error);
    gint64 group = siyu_ingest_group (ingest, "茶友群", "wechat", siyu_test_time (shop, "2026-01-01 10:00:00"), &error);

    g_assert_no_error (error);
    g_assert_true (siyu_ingest_refund (ingest, order_id, "R1", 9800, siyu_test_time (shop, "2026-03-27 10:00:00"),
                                       "缺货", &error));
    g_assert_true (siyu_ingest_group_member (ingest, group, 1, NULL, siyu_test_time (shop, "2026-02-10 20:00:00"),
                                             0, &error));
    g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  window = siyu_window_new (app, shop);
  contact = open_contact (window, "8000", NULL);
  timeline = _siyu_contact_page_get_timeline (contact);
  g_assert_cmpstr (timeline, ==,
                   "31 March 2026 | Became Silver | \n"
                   "27 March 2026 | Refund of ¥98.00 on order A3 | 缺货\n"
                   "25 March 2026 | Order A3 · ¥354.00 | 2 × 龙井, 1 × 碧螺春 · 微店 · Partly refunded\n"
                   "20 March 2026 | Order A1 · ¥1,288.00 | 1 × 龙井 · 微店 · Paid\n"
                   "10 February 2026 | Joined the group 茶友群 | \n");
  g_assert_cmpstr (_siyu_contact_page_get_stage_rule (contact), ==,
                   "2 paid orders in the last 365 days; mature needs 4");

  siyu_test_destroy_window (window);
}

static gboolean
consent_idle (gpointer data)
{
  return !_siyu_consent_busy (GTK_WIDGET (data)) && !g_str_equal (_siyu_contacts_page_get_state (data), "loading");
}

static gboolean
export_idle (gpointer data)
{
  return !_siyu_export_dialog_is_busy (data);
}

static char *
query_text (SiyuShop   *shop,
            const char *sql)
{
  sqlite3_stmt *stmt;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

/* Issue 16: consent for the chosen rows of the list, undone; and the
 * filtered list exported as it is, with the same rules as a segment. */
static void
test_consent_and_export (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *out_dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  g_autofree char *states = NULL;
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *touch = NULL;
  SiyuContactsPage *page;
  SiyuConsentDialog *dialog;
  SiyuExportDialog *export;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, page);

  /* 赵敏 (row 0) and 王芳 (row 2) agreed at the till. */
  _siyu_contacts_page_select (page, 0, FALSE);
  _siyu_contacts_page_select (page, 2, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.set-consent", NULL);
  dialog = SIYU_CONSENT_DIALOG (_siyu_contacts_page_get_consent (page));
  g_assert_nonnull (dialog);
  g_assert_true (g_str_has_prefix (_siyu_consent_dialog_get_body (dialog), "What did the people of “2 chosen contacts” say"));
  _siyu_consent_dialog_choose (dialog, SIYU_CONSENT_GIVEN, "门店登记");
  _siyu_consent_dialog_apply (dialog);
  siyu_test_drain ();
  siyu_test_wait_for (consent_idle, page);
  g_assert_cmpstr (_siyu_consent_last_summary (GTK_WIDGET (page)), ==, "Consent recorded for 2 of 2 people");
  states = query_text (shop, "SELECT group_concat (consent, ',') FROM (SELECT consent FROM contacts ORDER BY id)");
  g_assert_cmpstr (states, ==, "given,unknown,given");
  g_clear_pointer (&states, g_free);
  _siyu_consent_undo_last (GTK_WIDGET (page));
  siyu_test_wait_for (consent_idle, page);
  states = query_text (shop, "SELECT group_concat (consent, ',') FROM (SELECT consent FROM contacts ORDER BY id)");
  g_assert_cmpstr (states, ==, "unknown,unknown,unknown");

  /* The list of those whose name has 李, exported as it is. */
  _siyu_contacts_page_search (page, "李", FALSE);
  siyu_test_wait_for (list_ready, page);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", NULL);
  export = SIYU_EXPORT_DIALOG (_siyu_contacts_page_get_export (page));
  g_assert_nonnull (export);
  siyu_test_wait_for (export_idle, export);
  text = _siyu_export_dialog_describe (export);
  g_assert_cmpstr (text, ==, "agreed 0, never asked 1 (Not exported: the shop contacts only those who agreed), "
                             "refused 0, do not contact 0\nasks the shop's policy\nexport disabled");
  _siyu_export_dialog_answer_policy (export, TRUE);
  siyu_test_wait_for (export_idle, export);
  _siyu_export_dialog_set_folder (export, out_dir);
  g_assert_true (_siyu_export_dialog_press_export (export));
  siyu_test_wait_for (export_idle, export);
  g_assert_true (g_str_has_prefix (_siyu_export_dialog_get_result (export), "Exported 1 contact to Contacts - 李 "));
  contents = siyu_test_read_file (_siyu_export_dialog_get_path (export), NULL);
  g_assert_cmpstr (contents, ==, "\xEF\xBB\xBFID,Name,Phone\r\n2,李雷,13912345678\r\n");
  touch = query_text (shop, "SELECT name || '/' || coalesce (segment_id, '-') || '/' || "
                            "(SELECT count (*) FROM touch_members WHERE touch_id = touches.id) FROM touches");
  g_assert_cmpstr (touch, ==, "Contacts: 李/-/1");
  gtk_window_destroy (GTK_WINDOW (export));

  siyu_test_destroy_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  data_home = siyu_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* Far from the shops' Asia/Shanghai: a day shown in the computer's zone
   * instead of the shop's would differ. */
  g_setenv ("TZ", "Pacific/Honolulu", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/siyu/ui/contacts/list-and-search", test_list_and_search);
  g_test_add_func ("/siyu/ui/contacts/edits", test_contact_edits);
  g_test_add_func ("/siyu/ui/contacts/merge", test_merge);
  g_test_add_func ("/siyu/ui/contacts/edit-name", test_edit_name);
  g_test_add_func ("/siyu/ui/contacts/edit-refused", test_edit_refused);
  g_test_add_func ("/siyu/ui/contacts/rules", test_rules);
  g_test_add_func ("/siyu/ui/contacts/timeline", test_timeline);
  g_test_add_func ("/siyu/ui/contacts/empty", test_empty);
  g_test_add_func ("/siyu/ui/contacts/flat-memory", test_flat_memory);
  g_test_add_func ("/siyu/ui/contacts/consent-and-export", test_consent_and_export);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
