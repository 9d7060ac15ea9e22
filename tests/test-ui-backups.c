/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-backup.h"
#include "siyu-backups-page-private.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts-page-private.h"
#include "siyu-ingest.h"
#include "siyu-preferences-window-private.h"
#include "siyu-recompute.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* Preferences → Backups: the shop's backups listed, one kept now, one
 * restored under the open window, which kept; read-only shops; and an
 * erasure that deletes the backups still holding the person. */

static SiyuApplication *app;

static gboolean
page_idle (gpointer data)
{
  return !_siyu_backups_page_is_busy (data);
}

static gboolean
list_ready (gpointer data)
{
  return !g_str_equal (_siyu_contacts_page_get_state (data), "loading");
}

static gboolean
shows_two_contacts (gpointer data)
{
  return list_ready (data) && g_strcmp0 (_siyu_contacts_page_get_count_text (data), "2 contacts") == 0;
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

static void
recompute (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
back_up (SiyuShop   *shop,
         const char *cause)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuBackup) backup = siyu_backup_create (shop, cause, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backup);
}

/* Two people, backed up before an import; a third, backed up before a
 * merge. */
static SiyuShop *
shop_with_backups (const char *dir)
{
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

  siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-01-05 10:00:00", TRUE);
  siyu_test_add_contact (ingest, shop, "李雷", "13912345678", "2026-02-01 10:00:00", FALSE);
  recompute (shop);
  back_up (shop, SIYU_BACKUP_CAUSE_IMPORT);
  siyu_test_add_contact (ingest, shop, "赵敏", "13600136000", "2026-03-01 10:00:00", FALSE);
  recompute (shop);
  back_up (shop, SIYU_BACKUP_CAUSE_MERGE);

  return shop;
}

/* What the row of @backup shows: “7 December 2026, 15:56”, “Before an
 * import · 98.3 kB”. */
static void
assert_row (SiyuBackupsPage  *page,
            SiyuWindow       *window,
            guint             index,
            const SiyuBackup *backup,
            const char       *cause_label)
{
  g_autofree char *title = siyu_shop_runner_format_time (siyu_window_get_runner (window), backup->created_at,
                                                         "%-d %B %Y, %H:%M");
  g_autofree char *size = g_format_size ((guint64) backup->size);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", cause_label, size);

  g_assert_cmpstr (_siyu_backups_page_get_row_title (page, index), ==, title);
  g_assert_cmpstr (_siyu_backups_page_get_row_subtitle (page, index), ==, subtitle);
}

static SiyuBackupsPage *
open_backups (SiyuWindow             *window,
              SiyuPreferencesWindow **preferences)
{
  SiyuBackupsPage *page;

  *preferences = siyu_preferences_window_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (*preferences));
  page = _siyu_preferences_window_get_backups_page (*preferences);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (*preferences), ADW_PREFERENCES_PAGE (page));
  siyu_test_wait_for (page_idle, page);

  return page;
}

static void
test_list_create_restore (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_backups (dir);
  g_autoptr(GPtrArray) before = siyu_backup_list (shop, NULL);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *restored = NULL;
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;
  SiyuBackupsPage *page;
  SiyuContactsPage *contacts;
  AdwMessageDialog *dialog;
  SiyuBackupRetention retention;

  gtk_window_present (GTK_WINDOW (window));
  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "3 contacts");

  /* Newest first, each with when, why and how big. */
  page = open_backups (window, &preferences);
  g_assert_cmpstr (_siyu_backups_page_get_state (page), ==, "list");
  g_assert_cmpstr (_siyu_backups_page_get_description (page), ==,
                   "Copies of the whole shop, kept in the folder “shop-backups” beside it.");
  g_assert_true (_siyu_backups_page_can_change (page));
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 2);
  assert_row (page, window, 0, g_ptr_array_index (before, 0), "Before a merge");
  assert_row (page, window, 1, g_ptr_array_index (before, 1), "Before an import");

  _siyu_backups_page_back_up_now (page);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_backups_page_get_message (page), ==, "Backed up");
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 3);
  g_assert_true (g_str_has_prefix (_siyu_backups_page_get_row_subtitle (page, 0), "Kept by hand · "));
  g_assert_true (g_str_has_prefix (_siyu_backups_page_get_row_subtitle (page, 2), "Before an import · "));

  /* Restoring asks first; Escape is Cancel. */
  _siyu_backups_page_ask_restore (page, 2);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restore This Backup?");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "restore"), ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  g_assert_false (_siyu_backups_page_is_busy (page));
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 3);

  _siyu_backups_page_ask_restore (page, 2);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "restore");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (siyu_backups_page_is_restoring (page));
  g_assert_false (_siyu_backups_page_can_change (page));
  siyu_test_wait_for (page_idle, page);
  g_assert_false (siyu_backups_page_is_restoring (page));
  restored = g_strdup_printf ("Restored the backup of %s", _siyu_backups_page_get_row_title (page, 3));
  g_assert_cmpstr (_siyu_backups_page_get_message (page), ==, restored);
  /* The shop as it was is kept first. */
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 4);
  g_assert_true (g_str_has_prefix (_siyu_backups_page_get_row_subtitle (page, 0), "Before a restore · "));
  g_assert_true (_siyu_backups_page_can_change (page));

  /* The window shows the shop of the backup: two people. */
  siyu_test_wait_for (shows_two_contacts, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "2 contacts");

  /* Keeping only the latest two deletes the two others. */
  _siyu_backups_page_set_retention (page, 2, 0, 0);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_backups_page_get_message (page), ==, "Saved. 2 backups no longer kept were deleted.");
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 2);
  g_assert_true (g_str_has_prefix (_siyu_backups_page_get_row_subtitle (page, 0), "Before a restore · "));
  g_assert_true (g_str_has_prefix (_siyu_backups_page_get_row_subtitle (page, 1), "Kept by hand · "));

  siyu_test_destroy_window (preferences);
  siyu_test_destroy_window (window);

  siyu_backup_get_retention (shop, &retention);
  g_assert_cmpuint (retention.keep_last, ==, 2);
  g_assert_cmpuint (retention.keep_days, ==, 0);
  g_assert_cmpuint (retention.keep_months, ==, 0);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM contacts", NULL), ==, 2);
  after = siyu_backup_list (shop, NULL);
  g_assert_cmpuint (after->len, ==, 2);
}

/* No backups yet: the page says when Siyu keeps them. */
static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Corner Tea");
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;
  SiyuBackupsPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = open_backups (window, &preferences);
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 0);
  g_assert_cmpstr (_siyu_backups_page_get_state (page), ==, "empty");

  _siyu_backups_page_back_up_now (page);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 1);
  g_assert_cmpstr (_siyu_backups_page_get_state (page), ==, "list");

  siyu_test_destroy_window (preferences);
  siyu_test_destroy_window (window);
}

/* A shop open read-only shows its backups, and changes none. */
static void
test_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(SiyuShop) shop = shop_with_backups (dir);
  g_autoptr(SiyuShop) viewed = NULL;
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuPreferencesWindow *preferences;
  SiyuBackupsPage *page;

  path = g_strdup (siyu_shop_get_path (shop));
  g_clear_object (&shop);
  viewed = siyu_shop_open_read_only (path, &error);
  g_assert_no_error (error);
  window = siyu_window_new (app, viewed);
  gtk_window_present (GTK_WINDOW (window));

  page = open_backups (window, &preferences);
  g_assert_cmpuint (_siyu_backups_page_get_n_backups (page), ==, 2);
  g_assert_cmpstr (_siyu_backups_page_get_description (page), ==,
                   "This shop is open read-only: backups cannot be made or restored here.");
  g_assert_false (_siyu_backups_page_can_change (page));

  siyu_test_destroy_window (preferences);
  siyu_test_destroy_window (window);
}

static void
erase (SiyuContactsPage *contacts,
       const char        *digits,
       gboolean           from_backups)
{
  SiyuContactPage *contact;
  AdwMessageDialog *dialog;
  GtkWidget *check;

  _siyu_contacts_page_search (contacts, digits, FALSE);
  siyu_test_wait_for (list_ready, contacts);
  _siyu_contacts_page_search (contacts, digits, TRUE);
  siyu_test_wait_for (contact_shown, contacts);
  contact = _siyu_contacts_page_get_contact_page (contacts);
  _siyu_contact_page_ask_erase (contact);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  check = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_CHECK_BUTTON (check));
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==,
                   "Also _delete the backups that still hold this person");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), from_backups);
  adw_message_dialog_response (dialog, "erase");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_wait_for (back_in_list, contacts);
}

static char *
causes (SiyuShop *shop)
{
  g_autoptr(GPtrArray) backups = siyu_backup_list (shop, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  for (guint i = 0; i < backups->len; i++)
    g_strv_builder_add (builder, ((SiyuBackup *) g_ptr_array_index (backups, i))->cause);
  words = g_strv_builder_end (builder);

  return g_strjoinv (" ", words);
}

/* 李雷 was in every backup, 王芳 in the newest only.  Erasing 李雷
 * keeps a backup that still holds him; erasing 王芳 with the check button
 * deletes every backup that holds her, that of her own erasure too. */
static void
test_erase_from_backups (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autofree char *kept = NULL;
  SiyuWindow *window;
  SiyuContactsPage *contacts;

  siyu_test_add_contact (ingest, shop, "李雷", "13912345678", "2026-02-01 10:00:00", FALSE);
  recompute (shop);
  back_up (shop, SIYU_BACKUP_CAUSE_IMPORT);
  siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-01-05 10:00:00", TRUE);
  recompute (shop);
  back_up (shop, SIYU_BACKUP_CAUSE_MANUAL);
  g_clear_object (&ingest);

  window = siyu_window_new (app, shop);
  gtk_window_present (GTK_WINDOW (window));
  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, contacts);

  erase (contacts, "5678", FALSE);
  erase (contacts, "8000", TRUE);
  _siyu_contacts_page_search (contacts, "", FALSE);
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_state (contacts), ==, "empty");

  siyu_test_destroy_window (window);

  /* The erasure of 李雷, the manual backup and her own erasure held her. */
  kept = causes (shop);
  g_assert_cmpstr (kept, ==, "import");
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop),
                                      "SELECT count (*) FROM contacts WHERE erased_at IS NOT NULL", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  data_home = siyu_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* Far from the shops' Asia/Shanghai: times are shown in the shop's zone. */
  g_setenv ("TZ", "Pacific/Honolulu", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/siyu/ui/backups/list-create-restore", test_list_create_restore);
  g_test_add_func ("/siyu/ui/backups/empty", test_empty);
  g_test_add_func ("/siyu/ui/backups/read-only", test_read_only);
  g_test_add_func ("/siyu/ui/backups/erase-from-backups", test_erase_from_backups);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
