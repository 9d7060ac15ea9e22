/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "siyu-application.h"
#include "siyu-consent.h"
#include "siyu-consent-dialog-private.h"
#include "siyu-export-dialog-private.h"
#include "siyu-export.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-segment-editor-private.h"
#include "siyu-segments-page-private.h"
#include "siyu-segments.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Segments place: the built-in segments counted live, a segment made
 * in the editor with its live count, errors and undo, an export through
 * the export dialog recorded as a touch, and a deletion undone. */

static SiyuApplication *app;

static gboolean
list_ready (gpointer data)
{
  return g_str_equal (_siyu_segments_page_get_state (data), "list");
}

static gboolean
segment_ready (gpointer data)
{
  return g_str_equal (_siyu_segments_page_get_state (data), "segment");
}

static gboolean
touch_ready (gpointer data)
{
  return g_str_equal (_siyu_segments_page_get_state (data), "touch");
}

static gboolean
editor_idle (gpointer data)
{
  return !_siyu_segment_editor_is_busy (data);
}

static gboolean
export_idle (gpointer data)
{
  return !_siyu_export_dialog_is_busy (data);
}

static gboolean
editor_gone (gpointer data)
{
  return _siyu_segments_page_get_editor (data) == NULL &&
         g_str_equal (_siyu_segments_page_get_state (data), "list");
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             int         consent,
             gint64      seen)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = seen, .consent = consent, .do_not_contact = -1, .member_since = seen,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
add_order (SiyuIngest *ingest,
           gint64      channel,
           const char *ref,
           gint64      contact,
           gint64      at,
           gint64      amount)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, amount, amount };
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = at, .currency = "CNY", .total_amount = amount, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
}

/* Four members as of 2026-03-31: 王芳 bought in January and twice in March
 * (Growing), 李雷 once in March (New), 张伟 once in January (Dormant), 赵敏
 * never (Prospect); 张伟 spent the most.  All but 赵敏 agreed to marketing; 李雷 and 赵敏 are
 * tagged 学生. */
static SiyuShop *
small_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 wang = add_contact (ingest, "王芳", "13800138000", 1, siyu_test_time (shop, "2026-01-02 10:00:00"));
  gint64 li = add_contact (ingest, "李雷", "13912345678", 1, siyu_test_time (shop, "2026-01-03 10:00:00"));
  gint64 zhang = add_contact (ingest, "张伟", "13700137000", 1, siyu_test_time (shop, "2026-01-04 10:00:00"));
  gint64 zhao = add_contact (ingest, "赵敏", "13600136000", -1, siyu_test_time (shop, "2026-01-05 10:00:00"));

  add_order (ingest, channel, "A1", wang, siyu_test_time (shop, "2026-01-10 12:00:00"), 30000);
  add_order (ingest, channel, "A2", zhang, siyu_test_time (shop, "2026-01-11 12:00:00"), 95000);
  add_order (ingest, channel, "A3", wang, siyu_test_time (shop, "2026-03-05 12:00:00"), 30000);
  add_order (ingest, channel, "A4", wang, siyu_test_time (shop, "2026-03-20 12:00:00"), 30000);
  add_order (ingest, channel, "A5", li, siyu_test_time (shop, "2026-03-25 12:00:00"), 3000);
  g_assert_true (siyu_ingest_tag (ingest, li, "学生", "manual", siyu_test_time (shop, "2026-01-05 09:00:00"), &error));
  g_assert_true (siyu_ingest_tag (ingest, zhao, "学生", "manual", siyu_test_time (shop, "2026-01-05 09:00:00"), &error));
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")), &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}

static SiyuSegmentsPage *
open_place (SiyuWindow *window)
{
  SiyuSegmentsPage *page;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_SEGMENTS_PAGE (siyu_window_show_place (window, "segments"));
  g_assert_nonnull (page);
  siyu_test_wait_for (list_ready, page);
  return page;
}

static void
test_builtins (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *list = _siyu_segments_page_describe (page);
  g_autofree char *detail = NULL;

  /* 张伟 is dormant and the top buyer of three; 李雷 first bought on 25 March. */
  g_assert_cmpstr (list, ==,
                   "[saved]\n(none)\n"
                   "[built-in]\n"
                   "Dormant high spenders: 1 contact · 0 cannot be contacted\n"
                   "Champions: 0 contacts · 0 cannot be contacted\n"
                   "About to sleep: 0 contacts · 0 cannot be contacted\n"
                   "New buyers of the last 30 days: 1 contact · 0 cannot be contacted\n"
                   "Members close to the next tier: 0 contacts · 0 cannot be contacted\n"
                   "Group members who never bought: 0 contacts · 0 cannot be contacted\n"
                   "Can’t lose them: 0 contacts · 0 cannot be contacted\n"
                   "[touches]\n(none)");

  siyu_segments_page_open (page, 1);
  siyu_test_wait_for (segment_ready, page);
  detail = _siyu_segments_page_describe_detail (page);
  g_assert_cmpstr (detail, ==,
                   "Dormant high spenders\n"
                   "Dormant customers whose net spend is in the top 20 % of all buyers: worth waking up.\n"
                   "1 contact · 0 cannot be contacted\n"
                   "The members, phone numbers masked.\n"
                   "张伟: 137****7000 · Dormant");

  siyu_test_destroy_window (window);
}

static char *
saved_segments (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = siyu_segments_list (shop, &error);
  JsonArray *array;
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *segment = json_array_get_object_element (array, i);
      g_autofree char *definition = NULL;

      if (json_object_get_boolean_member (segment, "builtin"))
        continue;
      definition = json_to_string (json_object_get_member (segment, "definition"), FALSE);
      g_string_append_printf (out, "%s%s %s", out->len > 0 ? "\n" : "",
                              json_object_get_string_member (segment, "name"), definition);
    }

  return g_string_free (out, FALSE);
}

static gint64
saved_id (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  gint64 id = siyu_segment_lookup (shop, "学生或沉睡", &error);

  g_assert_no_error (error);
  return id;
}

#define STUDENTS_OR_DORMANT \
  "{\"match\":\"any\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"}," \
  "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"学生\"}]}"

/* Makes “stage is dormant or tag is 学生” in the editor and saves it. */
static void
make_segment (SiyuSegmentsPage *page)
{
  SiyuSegmentEditor *editor;
  g_autofree char *definition = NULL;
  g_autofree char *undone = NULL;
  guint first, second, third;

  gtk_widget_activate_action (GTK_WIDGET (page), "page.new-segment", NULL);
  editor = _siyu_segments_page_get_editor (page);
  g_assert_nonnull (editor);
  siyu_test_wait_for (editor_idle, editor);
  g_assert_false (_siyu_segment_editor_can_save (editor));

  _siyu_segment_editor_set_name (editor, "学生或沉睡");
  _siyu_segment_editor_set_match (editor, "any");
  first = _siyu_segment_editor_add_condition (editor);
  _siyu_segment_editor_set_condition (editor, first, "stage", "is", "dormant");
  siyu_test_wait_for (editor_idle, editor);
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "1 contact · 0 cannot be contacted");

  second = _siyu_segment_editor_add_condition (editor);
  _siyu_segment_editor_set_condition (editor, second, "tag", "has", "学生");
  siyu_test_wait_for (editor_idle, editor);
  /* 李雷, 张伟 and 赵敏, who did not agree to marketing. */
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "3 contacts · 1 cannot be contacted");
  definition = _siyu_segment_editor_dup_definition (editor);
  g_assert_cmpstr (definition, ==, STUDENTS_OR_DORMANT);

  /* A date that does not exist is refused in the core's words. */
  third = _siyu_segment_editor_add_condition (editor);
  _siyu_segment_editor_set_condition (editor, third, "last_order", "before", "2026-02-30");
  siyu_test_wait_for (editor_idle, editor);
  g_assert_cmpstr (_siyu_segment_editor_get_error (editor), ==,
                   "conditions[2].value must be a date written YYYY-MM-DD.");
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "");
  g_assert_false (_siyu_segment_editor_can_save (editor));
  _siyu_segment_editor_remove (editor, third);
  siyu_test_wait_for (editor_idle, editor);
  g_assert_null (_siyu_segment_editor_get_error (editor));
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "3 contacts · 1 cannot be contacted");

  /* Without the tag only 张伟 is left; Ctrl+Z brings the tag back. */
  _siyu_segment_editor_remove (editor, second);
  siyu_test_wait_for (editor_idle, editor);
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "1 contact · 0 cannot be contacted");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.undo", NULL);
  siyu_test_wait_for (editor_idle, editor);
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "3 contacts · 1 cannot be contacted");
  undone = _siyu_segment_editor_dup_definition (editor);
  g_assert_cmpstr (undone, ==, STUDENTS_OR_DORMANT);

  g_assert_true (_siyu_segment_editor_can_save (editor));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  siyu_test_wait_for (editor_gone, page);
}

static void
test_editor (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *saved = NULL;
  g_autofree char *list = NULL;
  g_autofree char *detail = NULL;

  make_segment (page);
  saved = saved_segments (shop);
  g_assert_cmpstr (saved, ==, "学生或沉睡 " STUDENTS_OR_DORMANT);
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_prefix (list, "[saved]\n学生或沉睡: 3 contacts · 1 cannot be contacted\n[built-in]\n"));

  /* Its members, phone numbers masked. */
  siyu_segments_page_open (page, saved_id (shop));
  siyu_test_wait_for (segment_ready, page);
  detail = _siyu_segments_page_describe_detail (page);
  g_assert_cmpstr (detail, ==,
                   "学生或沉睡\n3 contacts · 1 cannot be contacted\nThe members, phone numbers masked.\n"
                   "李雷: 139****5678 · New\n张伟: 137****7000 · Dormant\n赵敏: 136****6000 · Prospect");

  siyu_test_destroy_window (window);
}

static void
test_export (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *out_dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (out_dir, "学生.csv", NULL);
  g_autofree char *bad = g_build_filename (out_dir, "missing", "学生.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *message = NULL;
  g_autofree char *list = NULL;
  g_autofree char *detail = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) touches = NULL;
  SiyuExportDialog *dialog;

  make_segment (page);
  siyu_segments_page_open (page, saved_id (shop));
  siyu_test_wait_for (segment_ready, page);

  /* A folder that does not exist: said clearly, nothing recorded. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", NULL);
  dialog = _siyu_segments_page_get_export (page);
  g_assert_nonnull (dialog);
  _siyu_export_dialog_export_to (dialog, bad);
  siyu_test_wait_for (export_idle, dialog);
  message = g_strdup_printf ("Cannot write in the folder “%s%smissing”: No such file or directory", out_dir,
                             G_DIR_SEPARATOR_S);
  g_assert_cmpstr (_siyu_export_dialog_get_result (dialog), ==, message);
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();

  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", NULL);
  dialog = _siyu_segments_page_get_export (page);
  _siyu_export_dialog_set_format (dialog, SIYU_EXPORT_CSV);
  _siyu_export_dialog_export_to (dialog, path);
  siyu_test_wait_for (export_idle, dialog);
  g_assert_cmpstr (_siyu_export_dialog_get_result (dialog), ==,
                   "Exported 2 contacts to 学生.csv\n"
                   "Left out 1 who may not be contacted: 1 never asked, 0 refused, 0 asked not to be contacted.");
  g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (csv, ==,
                   "\xEF\xBB\xBFID,Name,Phone\r\n"
                   "2,李雷,13912345678\r\n"
                   "3,张伟,13700137000\r\n");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();

  /* The export is a touch, listed with its page. */
  touches = siyu_touches_list (shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (touches)), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.back", NULL);
  siyu_test_wait_for (list_ready, page);
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_suffix (list, "\n[touches]\n学生或沉睡: 2 got it, 0 held out"));
  _siyu_segments_page_open_touch (page, 1);
  siyu_test_wait_for (touch_ready, page);
  detail = _siyu_segments_page_describe_detail (page);
  lines = g_strsplit (detail, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==, "学生或沉睡");
  /* The touch was made now, so its window is still to come. */
  g_assert_true (g_str_has_prefix (lines[1], "Exported "));
  g_assert_nonnull (strstr (lines[1], " as CSV. Purchases counted from "));
  g_assert_cmpstr (lines[2], ==, "No one was held out, so there is nothing to compare with.");
  g_assert_cmpstr (lines[3], ==, "Got it: 2 contacts · 0.0 % bought · ¥0.00 net per contact");
  g_assert_cmpstr (lines[4], ==, "Held out: 0 contacts · 0.0 % bought · ¥0.00 net per contact");

  g_unlink (path);
  g_rmdir (out_dir);
  siyu_test_destroy_window (window);
}

static void
test_delete_undo (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *before = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *back = NULL;
  g_autofree char *list = NULL;

  make_segment (page);
  before = saved_segments (shop);
  siyu_segments_page_open (page, saved_id (shop));
  siyu_test_wait_for (segment_ready, page);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.delete", NULL);
  siyu_test_wait_for (list_ready, page);
  gone = saved_segments (shop);
  g_assert_cmpstr (gone, ==, "");
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_prefix (list, "[saved]\n(none)\n[built-in]\n"));

  _siyu_segments_page_undo_delete (page);
  siyu_test_wait_for (list_ready, page);
  back = saved_segments (shop);
  g_assert_cmpstr (back, ==, before);
  g_clear_pointer (&list, g_free);
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_prefix (list, "[saved]\n学生或沉睡: 3 contacts · 1 cannot be contacted\n[built-in]\n"));

  siyu_test_destroy_window (window);
}

static gboolean
consent_idle (gpointer data)
{
  return !_siyu_consent_busy (GTK_WIDGET (data)) &&
         !g_str_equal (_siyu_segments_page_get_state (data), "loading");
}

static gboolean
page_idle (gpointer data)
{
  return !g_str_equal (_siyu_segments_page_get_state (data), "loading");
}

/* Issue 16: the dialog opens ready to save, with the counts by consent;
 * asks once whether people never asked may be contacted; an export of
 * nobody is not offered and says why; the format, columns, masking and
 * folder are remembered for the shop's next export. */
static void
test_export_consent (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *out_dir = siyu_test_tmpdir ();
  g_autofree char *text = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *first_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr(GDateTime) now = g_date_time_new_now (shanghai);
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  SiyuExportDialog *dialog;
  gint64 unknown_only;

  /* 赵敏 alone: never asked. */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"match\":\"all\",\"conditions\":[{\"field\":\"consent_state\","
                                                 "\"op\":\"is\",\"value\":\"unknown\"}]}", NULL);

    unknown_only = siyu_segment_create (shop, "未询问", node, &error);
    g_assert_no_error (error);
  }
  siyu_segments_page_reload (page);
  siyu_test_wait_for (list_ready, page);
  siyu_segments_page_open (page, unknown_only);
  siyu_test_wait_for (segment_ready, page);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", NULL);
  dialog = _siyu_segments_page_get_export (page);
  siyu_test_wait_for (export_idle, dialog);
  text = _siyu_export_dialog_describe (dialog);
  g_assert_cmpstr (text, ==, "agreed 0, never asked 1 (Not exported: the shop contacts only those who agreed), "
                             "refused 0, do not contact 0\nasks the shop's policy\nexport disabled");
  g_clear_pointer (&text, g_free);
  expected_name = g_strdup_printf ("未询问 %s.csv", day);
  g_assert_cmpstr (_siyu_export_dialog_get_file_name (dialog), ==, expected_name);
  g_assert_false (_siyu_export_dialog_press_export (dialog));

  /* Only those who agreed: nobody, and why. */
  _siyu_export_dialog_answer_policy (dialog, FALSE);
  siyu_test_wait_for (export_idle, dialog);
  text = _siyu_export_dialog_describe (dialog);
  g_assert_cmpstr (text, ==, "agreed 0, never asked 1 (Not exported: the shop contacts only those who agreed), "
                             "refused 0, do not contact 0\n"
                             "Nobody was exported: the 1 person in this list may not be contacted. 1 was never asked "
                             "whether they agree to hear from the shop. Record that they agreed with Set Consent, "
                             "or, if the shop may contact people who were never asked, allow it in Preferences. "
                             "[Set Consent…]\nexport disabled");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (siyu_consent_get_policy (shop), ==, SIYU_CONSENT_POLICY_EXCLUDE_UNKNOWN);

  /* Those never asked too: 赵敏 goes. */
  _siyu_export_dialog_answer_policy (dialog, TRUE);
  siyu_test_wait_for (export_idle, dialog);
  text = _siyu_export_dialog_describe (dialog);
  g_assert_cmpstr (text, ==, "agreed 0, never asked 1 (Exported: the shop contacts people who were never asked), "
                             "refused 0, do not contact 0\nexport enabled");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM audit_log WHERE "
                                      "action = 'consent-policy'", NULL), ==, 2);

  /* One press: the file, named and placed as shown. */
  _siyu_export_dialog_set_folder (dialog, out_dir);
  _siyu_export_dialog_set_format (dialog, SIYU_EXPORT_PHONES);
  _siyu_export_dialog_set_field (dialog, "name", FALSE);
  g_assert_true (_siyu_export_dialog_press_export (dialog));
  siyu_test_wait_for (export_idle, dialog);
  first_path = g_strdup (_siyu_export_dialog_get_path (dialog));
  g_assert_true (g_str_has_suffix (first_path, ".txt"));
  g_assert_true (g_str_has_prefix (first_path, out_dir));
  csv = siyu_test_read_file (first_path, NULL);
  g_assert_cmpstr (csv, ==, "13600136000\r\n");
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();

  /* The next one starts where this one left off, and keeps the first file. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.export", NULL);
  dialog = _siyu_segments_page_get_export (page);
  siyu_test_wait_for (export_idle, dialog);
  g_assert_cmpuint (_siyu_export_dialog_get_format (dialog), ==, SIYU_EXPORT_PHONES);
  g_assert_true (_siyu_export_dialog_press_export (dialog));
  siyu_test_wait_for (export_idle, dialog);
  g_assert_true (g_str_has_suffix (_siyu_export_dialog_get_path (dialog), " (2).txt"));
  g_assert_true (g_str_has_prefix (_siyu_export_dialog_get_path (dialog), out_dir));
  g_assert_true (g_file_test (first_path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
  siyu_test_drain ();
  {
    g_autofree char *fields = NULL;
    g_autofree char *expected = g_strdup_printf ("export_fields=id,phone;export_folder=%s;export_format=phones;"
                                                 "export_mask=0", out_dir);
    sqlite3_stmt *stmt;

    g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)),
                                         "SELECT group_concat (key || '=' || value, ';') FROM "
                                         "(SELECT * FROM settings WHERE key LIKE 'export_%' ORDER BY key)", -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    fields = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    g_assert_cmpstr (fields, ==, expected);
  }

  siyu_test_destroy_window (window);
}

/* Issue 16: consent for a segment in bulk, its count following at once
 * (no F5), and undone. */
static void
test_set_consent (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  g_autofree char *list = NULL;
  SiyuConsentDialog *dialog;

  make_segment (page);
  siyu_segments_page_open (page, saved_id (shop));
  siyu_test_wait_for (segment_ready, page);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.set-consent", NULL);
  dialog = _siyu_segments_page_get_consent (page);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (_siyu_consent_dialog_get_body (dialog), ==,
                   "What did the people of “学生或沉睡” say about hearing from the shop? The answer is dated today. "
                   "Those who refused keep their answer when you record that they agreed, and do-not-contact "
                   "always wins.");
  /* An answer needs its source. */
  g_assert_false (_siyu_consent_dialog_can_apply (dialog));
  _siyu_consent_dialog_choose (dialog, SIYU_CONSENT_GIVEN, "门店登记表");
  g_assert_true (_siyu_consent_dialog_can_apply (dialog));
  _siyu_consent_dialog_apply (dialog);
  siyu_test_drain ();
  siyu_test_wait_for (consent_idle, page);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_consent_last_summary (GTK_WIDGET (page)), ==, "Consent recorded for 1 of 3 people");
  gtk_widget_activate_action (GTK_WIDGET (page), "page.back", NULL);
  siyu_test_wait_for (list_ready, page);
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_prefix (list, "[saved]\n学生或沉睡: 3 contacts · 0 cannot be contacted\n"));
  g_clear_pointer (&list, g_free);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM contacts WHERE "
                                      "consent = 'given' AND consent_source = '门店登记表'", NULL), ==, 1);

  _siyu_consent_undo_last (GTK_WIDGET (page));
  siyu_test_wait_for (consent_idle, page);
  siyu_test_wait_for (list_ready, page);
  list = _siyu_segments_page_describe (page);
  g_assert_true (g_str_has_prefix (list, "[saved]\n学生或沉睡: 3 contacts · 1 cannot be contacted\n"));
  g_assert_cmpstr (_siyu_consent_last_summary (GTK_WIDGET (page)), ==, "Consent put back as it was");

  siyu_test_destroy_window (window);
}

/* Issue 16: make a segment's people members; tiers follow; undone. */
static void
test_make_members (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuSegmentsPage *page = open_place (window);
  SiyuDb *db = siyu_shop_get_db (shop);

  g_assert_true (siyu_db_exec (db, "UPDATE contacts SET member_since = NULL, member_source = NULL WHERE id IN (2, 4)",
                               NULL));
  make_segment (page);
  siyu_segments_page_open (page, saved_id (shop));
  siyu_test_wait_for (segment_ready, page);
  _siyu_segments_page_make_members (page, FALSE);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_segments_page_get_members_summary (page), ==, "2 new members; 1 already ones");
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts WHERE member_source = 'manual'", NULL), ==, 3);
  /* 李雷 became a member: a tier now. */
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contact_metrics WHERE contact_id = 2 AND "
                                          "tier_id IS NOT NULL", NULL), ==, 1);

  _siyu_segments_page_undo_members (page);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_segments_page_get_members_summary (page), ==, "Memberships put back as they were");
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts WHERE member_since IS NOT NULL", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contact_metrics WHERE contact_id = 2 AND "
                                          "tier_id IS NULL", NULL), ==, 1);

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

  g_test_add_func ("/siyu/ui/segments/builtins", test_builtins);
  g_test_add_func ("/siyu/ui/segments/editor", test_editor);
  g_test_add_func ("/siyu/ui/segments/export", test_export);
  g_test_add_func ("/siyu/ui/segments/delete-undo", test_delete_undo);
  g_test_add_func ("/siyu/ui/segments/export-consent", test_export_consent);
  g_test_add_func ("/siyu/ui/segments/set-consent", test_set_consent);
  g_test_add_func ("/siyu/ui/segments/make-members", test_make_members);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
