/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <sqlite3.h>

#include "siyu-application.h"
#include "siyu-chart-private.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts-page-private.h"
#include "siyu-ingest.h"
#include "siyu-overview-page-private.h"
#include "siyu-recompute.h"
#include "siyu-shop-picture-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"
#include "siyu-window-private.h"

/* A shop that another program keeps busy for longer than Siyu waits for it
 * (five seconds): the window keeps drawing while its worker waits, says the
 * shop is in use, changes nothing, stays usable, and the same action works
 * once the other program has finished. */

static SiyuApplication *app;

/* The other program: a plain connection to the shop's file, in the middle
 * of a write.  Until it ends, nobody else can write. */
typedef struct {
  sqlite3 *handle;
} Holder;

static void
hold (Holder     *holder,
      const char *path)
{
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &holder->handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  /* Only long enough for a job already running to finish. */
  sqlite3_busy_timeout (holder->handle, 10000);
  sqlite3_exec (holder->handle,
                "BEGIN EXCLUSIVE;"
                "INSERT INTO contacts (name, phone, first_seen_at, created_at, updated_at) "
                "VALUES ('孙丽', '13500135000', 1772330400, 1772330400, 1772330400);",
                NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
}

/* Ends the other program's write, keeping the contact it added. */
static void
release (Holder *holder)
{
  char *message = NULL;

  sqlite3_exec (holder->handle, "COMMIT", NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (sqlite3_close (holder->handle), ==, SQLITE_OK);
  holder->handle = NULL;
}

/* The rows of @sql, one a line, as committed in the file. */
static char *
query (const char *path,
       const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);

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

/* A timeout on the main loop, to see that the loop never stops while a
 * worker waits for the shop. */
typedef struct {
  guint  source;
  gint64 started;
  gint64 last;
  gint64 longest_gap;
  guint  ticks;
} Ticker;

static gboolean
ticked_cb (gpointer data)
{
  Ticker *ticker = data;
  gint64 now = g_get_monotonic_time ();

  ticker->longest_gap = MAX (ticker->longest_gap, now - ticker->last);
  ticker->last = now;
  ticker->ticks++;

  return G_SOURCE_CONTINUE;
}

static void
ticker_start (Ticker *ticker)
{
  ticker->started = ticker->last = g_get_monotonic_time ();
  ticker->longest_gap = 0;
  ticker->ticks = 0;
  ticker->source = g_timeout_add (50, ticked_cb, ticker);
}

/* Stops the ticker and checks that it ticked on time all along, and that
 * the wait it watched was the shop's busy timeout, not a quick failure. */
static void
ticker_check (Ticker *ticker)
{
  gint64 waited = g_get_monotonic_time () - ticker->started;

  g_clear_handle_id (&ticker->source, g_source_remove);
  g_assert_cmpint (waited, >=, 4 * G_USEC_PER_SEC);
  /* Any wait on the shop in the main thread would be a gap of 5 s. */
  g_assert_cmpint (ticker->longest_gap, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (ticker->ticks, >=, waited / (200 * 1000));
}

static char *
busy_message (const char *path)
{
  return g_strdup_printf ("“%s” is in use by another program. Try again when it has finished.", path);
}

static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_BUTTON) == NULL)
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static AdwToastOverlay *
find_toast_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwToastOverlay *found = find_toast_overlay (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The titles of the toasts the window shows, one a line. */
static char *
shown_toasts (SiyuWindow *window)
{
  AdwToastOverlay *overlay = find_toast_overlay (GTK_WIDGET (window));
  GtkWidget *content;
  GString *out = g_string_new (NULL);

  g_assert_nonnull (overlay);
  content = adw_toast_overlay_get_child (overlay);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (overlay)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != content)
      collect_labels (child, out);

  return g_string_free (out, FALSE);
}

typedef struct {
  SiyuWindow *window;
  const char *expected;
} ToastWait;

static gboolean
toast_shown (gpointer data)
{
  ToastWait *wait = data;
  g_autofree char *shown = shown_toasts (wait->window);

  return strstr (shown, wait->expected) != NULL;
}

static gboolean
overview_ready (gpointer data)
{
  return g_str_equal (_siyu_overview_page_get_state (data), "figures") &&
         !_siyu_overview_page_is_counting (data);
}

static gboolean
not_counting (gpointer data)
{
  return !_siyu_overview_page_is_counting (data);
}

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
contact_idle (gpointer data)
{
  return !_siyu_contact_page_is_busy (data);
}

static const char *
figure (SiyuOverviewPage *page,
        SiyuFigure        which)
{
  return gtk_label_get_label (GTK_LABEL (_siyu_overview_page_get_value_label (page, which)));
}

static char *
stages (SiyuOverviewPage *page)
{
  return siyu_chart_describe (_siyu_shop_picture_get_chart (_siyu_overview_page_get_picture (page),
                                                            SIYU_PICTURE_STAGES));
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

/* Three people, two of whom bought; figures counted as of 2026-03-31. */
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
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")), &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}

/* Count Again and F5 on the Overview while the shop is busy, then Count
 * Again once it is free. */
static void
test_count_again (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autofree char *busy = busy_message (path);
  g_autofree char *expected = g_strdup_printf ("Could not count the figures: %s", busy);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);
  ToastWait wait = { window, expected };
  g_autofree char *before = NULL;
  g_autofree char *runs = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *toasts = NULL;
  g_autofree char *after = NULL;
  Holder holder = { NULL, };
  Ticker ticker = { 0, };

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  siyu_test_drain ();
  before = stages (page);
  g_assert_cmpstr (before, ==, "Prospect 1 (month before 2); New 2 (0); Growing 0 (0); Mature 0 (0); "
                               "Dormant 0 (0); Lost 0 (0)");
  g_assert_cmpstr (figure (page, SIYU_FIGURE_CONTACTS), ==, "3");
  runs = query (path, "SELECT count (*) FROM analytics_runs");
  metrics = query (path, "SELECT group_concat (contact_id || ' ' || stage, ', ') FROM contact_metrics");
  toasts = shown_toasts (window);
  g_assert_cmpstr (toasts, ==, "");

  hold (&holder, path);
  ticker_start (&ticker);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.recount", NULL);
  g_assert_true (_siyu_overview_page_is_counting (page));
  g_assert_false (gtk_widget_is_sensitive (_siyu_overview_page_get_stale_button (page)));
  /* F5 reads the place again behind the count: reading is not writing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  siyu_test_wait_for (not_counting, page);
  ticker_check (&ticker);
  siyu_test_wait_for (toast_shown, &wait);
  siyu_test_wait_for (overview_ready, page);

  /* Nothing was counted, and the place shows what is stored: the other
   * program's contact is not there until it has finished. */
  assert_query (path, "SELECT count (*) FROM analytics_runs", runs);
  assert_query (path, "SELECT group_concat (contact_id || ' ' || stage, ', ') FROM contact_metrics", metrics);
  after = stages (page);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (figure (page, SIYU_FIGURE_CONTACTS), ==, "3");
  g_assert_true (gtk_widget_is_sensitive (_siyu_overview_page_get_stale_button (page)));
  g_assert_cmpstr (_siyu_window_get_subtitle (window), ==, "Overview");

  release (&holder);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.recount", NULL);
  g_assert_true (_siyu_overview_page_is_counting (page));
  siyu_test_wait_for (overview_ready, page);
  siyu_test_drain ();
  siyu_test_wait_for (overview_ready, page);
  g_clear_pointer (&after, g_free);
  after = stages (page);
  /* 孙丽, whom the other program added, is counted: one more prospect. */
  g_assert_cmpstr (after, ==, "Prospect 2 (month before 2); New 2 (0); Growing 0 (0); Mature 0 (0); "
                              "Dormant 0 (0); Lost 0 (0)");
  g_assert_cmpstr (figure (page, SIYU_FIGURE_CONTACTS), ==, "4");
  g_assert_true (gtk_widget_is_sensitive (_siyu_overview_page_get_stale_button (page)));

  siyu_test_destroy_window (window);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             gboolean (*matches) (GtkWidget *widget))
{
  if (matches (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, matches);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_save_notes (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Save Notes") == 0;
}

static gboolean
is_tag_entry (GtkWidget *widget)
{
  return GTK_IS_ENTRY (widget) &&
         g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (widget)), "Add a tag and press Enter") == 0;
}

/* A note and a tag added while the shop is busy, and F5 on the list; the
 * same clicks once it is free. */
static void
test_edit_contact (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autofree char *busy = busy_message (path);
  SiyuWindow *window = siyu_window_new (app, shop);
  ToastWait wait = { window, busy };
  SiyuContactsPage *list;
  SiyuContactPage *contact;
  GtkWidget *save, *entry;
  g_autofree char *notes = NULL;
  Holder holder = { NULL, };
  Ticker ticker = { 0, };

  gtk_window_present (GTK_WINDOW (window));
  list = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, list);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (list), ==, "3 contacts");
  _siyu_contacts_page_search (list, "8000", FALSE);
  siyu_test_wait_for (list_ready, list);
  _siyu_contacts_page_search (list, "8000", TRUE);
  siyu_test_wait_for (contact_shown, list);
  contact = _siyu_contacts_page_get_contact_page (list);
  g_assert_cmpstr (_siyu_contact_page_get_title (contact), ==, "王芳");
  siyu_test_drain ();

  hold (&holder, path);
  ticker_start (&ticker);
  /* Typed and saved as a person would: the note, then a tag. */
  _siyu_contact_page_set_field (contact, SIYU_CONTACT_NOTES, "喜欢龙井");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (contact), is_tag_entry)), "老客");
  g_signal_emit_by_name (find_widget (GTK_WIDGET (contact), is_tag_entry), "activate");
  g_assert_true (_siyu_contact_page_is_busy (contact));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  siyu_test_wait_for (contact_idle, contact);
  ticker_check (&ticker);

  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, busy);
  siyu_test_wait_for (toast_shown, &wait);
  g_assert_false (_siyu_contact_page_undo (contact));
  /* What the owner typed is still there, to save again. */
  notes = _siyu_contact_page_get_field (contact, SIYU_CONTACT_NOTES);
  g_assert_cmpstr (notes, ==, "喜欢龙井");
  save = find_widget (GTK_WIDGET (contact), is_save_notes);
  g_assert_nonnull (save);
  g_assert_true (gtk_widget_is_sensitive (save));
  entry = find_widget (GTK_WIDGET (contact), is_tag_entry);
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "老客");
  g_assert_true (gtk_widget_is_sensitive (entry));
  /* The list read behind the edits shows what is stored. */
  siyu_test_wait_for (list_ready, list);
  g_assert_cmpstr (_siyu_contacts_page_get_state (list), ==, "contact");
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (list), ==, "1 contact");

  release (&holder);
  siyu_test_drain ();
  /* Nothing was written, not even once the shop was free. */
  assert_query (path, "SELECT count (*) FROM contacts WHERE id = 1 AND notes IS NULL", "1\n");
  assert_query (path, "SELECT count (*) FROM contact_tags", "0\n");
  assert_query (path, "SELECT count (*) FROM audit_log", "0\n");

  /* The same clicks again. */
  g_signal_emit_by_name (save, "clicked");
  siyu_test_wait_for (contact_idle, contact);
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "Notes saved");
  entry = find_widget (GTK_WIDGET (contact), is_tag_entry);
  g_signal_emit_by_name (entry, "activate");
  siyu_test_wait_for (contact_idle, contact);
  g_assert_cmpstr (_siyu_contact_page_get_message (contact), ==, "Tagged “老客”");
  assert_query (path, "SELECT notes FROM contacts WHERE id = 1", "喜欢龙井\n");
  assert_query (path, "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = 1",
                "老客\n");
  g_clear_pointer (&notes, g_free);
  notes = _siyu_contact_page_get_field (contact, SIYU_CONTACT_NOTES);
  g_assert_cmpstr (notes, ==, "喜欢龙井");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (GTK_WIDGET (contact), is_tag_entry))), ==, "");

  /* Back in the list, F5 shows the other program's contact too. */
  gtk_widget_activate_action (GTK_WIDGET (contact), "contact.back", NULL);
  _siyu_contacts_page_search (list, "", FALSE);
  siyu_test_wait_for (list_ready, list);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  siyu_test_wait_for (list_ready, list);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (list), ==, "4 contacts");

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

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/siyu/ui/busy/count-again", test_count_again);
  g_test_add_func ("/siyu/ui/busy/edit-contact", test_edit_contact);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
