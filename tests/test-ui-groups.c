/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-consent-dialog-private.h"
#include "siyu-group-page-private.h"
#include "siyu-groups-page-private.h"
#include "siyu-ingest.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Groups place: the list and its figures, a new group renamed and
 * archived and the undoing of it, members pasted by phone, a role, a leave
 * and its undoing, and the empty list, on shops made for the test. */

static SiyuApplication *app;

static gboolean
list_ready (gpointer data)
{
  return !g_str_equal (_siyu_groups_page_get_state (data), "loading");
}

static gboolean
group_idle (gpointer data)
{
  SiyuGroupPage *page = _siyu_groups_page_get_group_page (data);

  return page != NULL && !_siyu_group_page_is_busy (page);
}

static gboolean
back_in_list (gpointer data)
{
  const char *state = _siyu_groups_page_get_state (data);

  return !g_str_equal (state, "group") && !g_str_equal (state, "loading");
}

static gboolean
rows_loaded (gpointer data)
{
  SiyuGroupPage *page = _siyu_groups_page_get_group_page (data);
  guint now = 0, before = 0;

  if (page == NULL || _siyu_group_page_is_busy (page))
    return FALSE;
  /* “N members now, M past stays”: every row read. */
  if (sscanf (_siyu_group_page_get_count_text (page), "%u %*s now, %u", &now, &before) < 1)
    return FALSE;
  for (guint i = 0; i < now + before; i++)
    {
      g_autofree char *name = _siyu_group_page_get_cell (page, i, 0);

      if (name == NULL)
        return FALSE;
    }
  return TRUE;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             gint64      seen)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = { .name = name, .phone = phone, .seen_at = seen, .consent = -1, .do_not_contact = -1 };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
add_order (SiyuShop   *shop,
           SiyuIngest *ingest,
           gint64      channel,
           const char *ref,
           gint64      contact,
           const char *when,
           const char *status,
           gint64      total,
           gint64      refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, total, total };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = siyu_test_time (shop, when), .currency = "CNY", .total_amount = total,
    .refunded_amount = refunded, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
}

/* Two groups as of 31 March 2026: 龙井老客群 with 王芳, its owner since
 * January, 李雷, who joined on 1 March and left on the 20th, and 赵敏,
 * who joined on the 31st; 新客福利群 with nobody. */
static SiyuShop *
small_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 seen = siyu_test_time (shop, "2026-01-01 10:00:00");
  gint64 wang = add_contact (ingest, "王芳", "13800138000", seen);
  gint64 li = add_contact (ingest, "李雷", "13912345678", seen);
  gint64 zhao = add_contact (ingest, "赵敏", "13600136000", seen);
  gint64 group = siyu_ingest_group (ingest, "龙井老客群", "wecom", 1, &error);

  g_assert_true (siyu_ingest_group_member (ingest, group, wang, "owner",
                                           siyu_test_time (shop, "2026-01-02 10:00:00"), 0, &error));
  g_assert_true (siyu_ingest_group_member (ingest, group, li, NULL, siyu_test_time (shop, "2026-03-01 00:00:00"),
                                           siyu_test_time (shop, "2026-03-20 00:00:00"), &error));
  g_assert_true (siyu_ingest_group_member (ingest, group, zhao, NULL,
                                           siyu_test_time (shop, "2026-03-31 23:59:59"), 0, &error));
  g_assert_cmpint (siyu_ingest_group (ingest, "新客福利群", "wechat", 1, &error), >, 0);

  /* Net 10000 + 3500 from 王芳; 赵敏's was refunded; 李雷 bought after leaving. */
  add_order (shop, ingest, channel, "A1", wang, "2026-03-02 00:00:00", "paid", 10000, 0);
  add_order (shop, ingest, channel, "A2", wang, "2026-03-25 12:00:00", "partially_refunded", 5000, 1500);
  add_order (shop, ingest, channel, "A3", zhao, "2026-03-31 20:00:00", "refunded", 8000, 8000);
  add_order (shop, ingest, channel, "A4", li, "2026-03-30 09:00:00", "paid", 7000, 0);
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_no_error (error);

  return shop;
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
assert_list (SiyuGroupsPage *page,
             const char     *expected)
{
  g_autofree char *text = NULL;

  siyu_test_wait_for (list_ready, page);
  text = _siyu_groups_page_describe (page);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_row (SiyuGroupPage *page,
            guint          row,
            const char    *expected)
{
  GString *text = g_string_new (NULL);
  g_autofree char *found = NULL;

  for (guint column = 0; column < 7; column++)
    {
      g_autofree char *cell = _siyu_group_page_get_cell (page, row, column);

      g_assert_nonnull (cell);
      g_string_append_printf (text, "%s%s", column > 0 ? "|" : "", cell);
    }
  found = g_string_free (text, FALSE);
  g_assert_cmpstr (found, ==, expected);
}

static SiyuGroupsPage *
open_groups (SiyuWindow *window)
{
  SiyuGroupsPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_GROUPS_PAGE (siyu_window_show_place (window, "groups"));
  g_assert_nonnull (page);
  siyu_test_wait_for (list_ready, page);

  return page;
}

static void
test_list (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuGroupsPage *page = open_groups (window);
  SiyuGroupPage *group;
  g_autofree char *figures = NULL;

  g_assert_cmpstr (_siyu_groups_page_get_state (page), ==, "groups");
  assert_list (page,
               "2 groups\n"
               "新客福利群: WeChat group · 0 members · this month 0 joined, 0 left · 30 days: 0 buyers, ¥0.00\n"
               "龙井老客群: WeCom group · 2 members · this month 2 joined, 1 left · 30 days: 1 buyer, ¥135.00");

  _siyu_groups_page_open_row (page, 1);
  siyu_test_wait_for (rows_loaded, page);
  group = _siyu_groups_page_get_group_page (page);
  g_assert_cmpstr (_siyu_groups_page_get_state (page), ==, "group");
  g_assert_cmpstr (_siyu_group_page_get_title (group), ==, "龙井老客群");
  figures = _siyu_group_page_get_figures (group);
  g_assert_cmpstr (figures, ==, "2|+2 / −1|1|¥135.00");
  g_assert_cmpstr (_siyu_group_page_get_count_text (group), ==, "2 members now, 1 past stay");
  /* The owner first, then members by joining; those who left last. */
  assert_row (group, 0, "王芳|138****8000|Owner|2026-01-02||¥135.00|Record Leave");
  assert_row (group, 1, "赵敏|136****6000|Member|2026-03-31|||Record Leave");
  assert_row (group, 2, "李雷|139****5678|Member|2026-03-01|2026-03-20|¥70.00|");

  /* Alt+Left goes back. */
  gtk_widget_activate_action (GTK_WIDGET (group), "group.back", NULL);
  siyu_test_wait_for (back_in_list, page);
  g_assert_cmpstr (_siyu_groups_page_get_state (page), ==, "groups");

  siyu_test_destroy_window (window);
}

static void
test_create_rename_archive (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuGroupsPage *page = open_groups (window);
  SiyuGroupPage *group;
  AdwMessageDialog *dialog;

  /* A name in use is refused before anything is written. */
  dialog = _siyu_groups_page_ask_new_group (page);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  _siyu_groups_page_fill_new_group (page, " 龙井老客群 ", 2);
  g_assert_cmpstr (_siyu_groups_page_get_new_group_problem (page), ==, "There is already a group called “龙井老客群”.");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  _siyu_groups_page_fill_new_group (page, "周末品鉴会", 2);
  g_assert_cmpstr (_siyu_groups_page_get_new_group_problem (page), ==, "");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "create"));
  adw_message_dialog_response (dialog, "create");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_wait_for (group_idle, page);
  group = _siyu_groups_page_get_group_page (page);
  g_assert_cmpstr (_siyu_group_page_get_title (group), ==, "周末品鉴会");
  g_assert_cmpstr (_siyu_group_page_get_count_text (group), ==, "0 members now");
  assert_query (path, "SELECT name || '|' || kind FROM community_groups WHERE id = 3", "周末品鉴会|club\n");

  _siyu_group_page_rename (group, "周末茶会");
  siyu_test_wait_for (group_idle, page);
  g_assert_cmpstr (_siyu_group_page_get_title (group), ==, "周末茶会");
  assert_query (path, "SELECT name FROM community_groups WHERE id = 3", "周末茶会\n");
  g_assert_true (_siyu_group_page_undo (group));
  siyu_test_wait_for (group_idle, page);
  g_assert_cmpstr (_siyu_group_page_get_title (group), ==, "周末品鉴会");
  assert_query (path, "SELECT name FROM community_groups WHERE id = 3", "周末品鉴会\n");
  g_assert_false (_siyu_group_page_undo (group));

  /* Another group's name: the error says so and nothing changes. */
  _siyu_group_page_rename (group, "新客福利群");
  siyu_test_wait_for (group_idle, page);
  g_assert_cmpstr (_siyu_group_page_get_title (group), ==, "周末品鉴会");
  assert_query (path, "SELECT name FROM community_groups WHERE id = 3", "周末品鉴会\n");

  _siyu_group_page_toggle_archive (group);
  siyu_test_wait_for (group_idle, page);
  g_assert_true (_siyu_group_page_is_archived (group));
  assert_query (path, "SELECT archived_at IS NOT NULL FROM community_groups WHERE id = 3", "1\n");
  g_assert_true (_siyu_group_page_undo (group));
  siyu_test_wait_for (group_idle, page);
  g_assert_false (_siyu_group_page_is_archived (group));
  assert_query (path, "SELECT archived_at IS NULL FROM community_groups WHERE id = 3", "1\n");

  _siyu_group_page_toggle_archive (group);
  siyu_test_wait_for (group_idle, page);
  gtk_widget_activate_action (GTK_WIDGET (group), "group.back", NULL);
  siyu_test_wait_for (back_in_list, page);
  assert_list (page,
               "2 groups and 1 archived\n"
               "新客福利群: WeChat group · 0 members · this month 0 joined, 0 left · 30 days: 0 buyers, ¥0.00\n"
               "龙井老客群: WeCom group · 2 members · this month 2 joined, 1 left · 30 days: 1 buyer, ¥135.00\n"
               "[archived] 周末品鉴会: Club · 0 members · this month 0 joined, 0 left · 30 days: 0 buyers, ¥0.00");
  assert_query (path, "SELECT action FROM audit_log ORDER BY id",
                "group-create\ngroup-rename\ngroup-rename\ngroup-archive\ngroup-unarchive\ngroup-archive\n");

  siyu_test_destroy_window (window);
}

static void
test_members (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuGroupsPage *page = open_groups (window);
  SiyuGroupPage *group;
  AdwMessageDialog *dialog;

  _siyu_groups_page_open_row (page, 1);
  siyu_test_wait_for (rows_loaded, page);
  group = _siyu_groups_page_get_group_page (page);

  /* 李雷, who left, is known; 131… is nobody's; 12345 is no phone. */
  dialog = _siyu_group_page_ask_add_members (group, "139 1234 5678\n13100131000\n\n12345\n");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  adw_message_dialog_response (dialog, "add");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  siyu_test_wait_for (rows_loaded, page);
  siyu_test_wait_for (dialog_shown, NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Some Lines Were Not Added");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "Added 1 member.\n\n"
                   "Nobody in this shop has these phone numbers; import them or add them as contacts first:\n"
                   "• 13100131000 (line 2)\n\n"
                   "These are not phone numbers:\n"
                   "• 12345 (line 3): “12345” is not a phone number.");
  g_assert_cmpstr (_siyu_group_page_get_report (group), ==, adw_message_dialog_get_body (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  assert_query (path, "SELECT count (*) FROM contacts", "3\n");
  assert_query (path, "SELECT count (*) FROM group_members WHERE contact_id = 2 AND left_at IS NULL", "1\n");
  g_assert_cmpstr (_siyu_group_page_get_count_text (group), ==, "3 members now, 1 past stay");

  /* 赵敏 becomes an admin. */
  assert_row (group, 1, "赵敏|136****6000|Member|2026-03-31|||Record Leave");
  _siyu_group_page_set_role (group, 1, 1);
  siyu_test_wait_for (rows_loaded, page);
  assert_row (group, 1, "赵敏|136****6000|Admin|2026-03-31|||Record Leave");
  assert_query (path, "SELECT role FROM group_members WHERE contact_id = 3", "admin\n");

  /* 李雷 leaves again, and that is taken back. */
  _siyu_group_page_record_leave (group, 2);
  siyu_test_wait_for (rows_loaded, page);
  g_assert_cmpstr (_siyu_group_page_get_count_text (group), ==, "2 members now, 2 past stays");
  assert_query (path, "SELECT count (*) FROM group_members WHERE contact_id = 2 AND left_at IS NULL", "0\n");
  g_assert_true (_siyu_group_page_undo (group));
  siyu_test_wait_for (rows_loaded, page);
  g_assert_cmpstr (_siyu_group_page_get_count_text (group), ==, "3 members now, 1 past stay");
  assert_query (path, "SELECT count (*) FROM group_members WHERE contact_id = 2 AND left_at IS NULL", "1\n");
  assert_query (path, "SELECT action || ' ' || detail FROM audit_log ORDER BY id",
                "group-add {\"count\":1}\n"
                "group-role {\"contact_id\":3,\"role\":\"admin\"}\n"
                "group-leave {\"contact_id\":2}\n"
                "group-cancel-leave {\"contact_id\":2}\n");

  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuGroupsPage *page = open_groups (window);

  g_assert_cmpstr (_siyu_groups_page_get_state (page), ==, "empty");
  assert_list (page, "0 groups");

  siyu_test_destroy_window (window);
}

static SiyuConsentDialog *
find_consent_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SIYU_IS_CONSENT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return SIYU_CONSENT_DIALOG (window);
    }

  return NULL;
}

static gboolean
consent_idle (gpointer data)
{
  return !_siyu_consent_busy (GTK_WIDGET (data));
}

/* Issue 16: consent for the people in a group now (not those who left). */
static void
test_set_consent (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuGroupsPage *page = open_groups (window);
  SiyuConsentDialog *dialog;
  SiyuGroupPage *group;

  _siyu_groups_page_open_row (page, 1);
  siyu_test_wait_for (rows_loaded, page);
  group = _siyu_groups_page_get_group_page (page);
  gtk_widget_activate_action (GTK_WIDGET (group), "group.set-consent", NULL);
  dialog = find_consent_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (g_str_has_prefix (_siyu_consent_dialog_get_body (dialog), "What did the people of “龙井老客群” say"));
  _siyu_consent_dialog_choose (dialog, SIYU_CONSENT_REFUSED, "群里回复退订");
  _siyu_consent_dialog_apply (dialog);
  siyu_test_drain ();
  siyu_test_wait_for (consent_idle, group);
  g_assert_cmpstr (_siyu_consent_last_summary (GTK_WIDGET (group)), ==, "Consent recorded for 2 of 2 people");
  assert_query (path, "SELECT group_concat (consent, ',') FROM (SELECT consent FROM contacts ORDER BY id)",
                "refused,unknown,refused\n");

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

  g_test_add_func ("/siyu/ui/groups/list", test_list);
  g_test_add_func ("/siyu/ui/groups/create-rename-archive", test_create_rename_archive);
  g_test_add_func ("/siyu/ui/groups/members", test_members);
  g_test_add_func ("/siyu/ui/groups/empty", test_empty);
  g_test_add_func ("/siyu/ui/groups/set-consent", test_set_consent);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
