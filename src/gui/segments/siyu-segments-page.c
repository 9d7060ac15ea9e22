/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-segments-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-consent-dialog.h"
#include "siyu-contacts.h"
#include "siyu-db.h"
#include "siyu-json.h"
#include "siyu-export.h"
#include "siyu-membership.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-recompute.h"
#include "siyu-segments-page-private.h"
#include "siyu-segments.h"
#include "siyu-toast.h"

/* The Segments place: the saved and built-in segments with their live
 * counts, and the touches, that is the exports for a message, with their
 * uplift.  A segment's page shows its first members (a segment is more
 * than the Contacts place's filter can say) and what can be done with it;
 * a touch's page, who bought in both groups and the verdict. */

#define MAX_PREVIEW 200

struct _SiyuSegmentsPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkStack            *list_stack;
  AdwPreferencesGroup *saved_group;
  AdwPreferencesGroup *builtin_group;
  AdwPreferencesGroup *touches_group;
  GtkWidget           *saved_empty;
  GtkWidget           *touches_empty;
  GtkLabel            *detail_title;
  GtkWidget           *segment_buttons;
  GtkLabel            *detail_text;
  AdwPreferencesGroup *detail_group;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;
  JsonNode            *segments;
  JsonNode            *touches;
  GPtrArray           *rows;          /* (element-type GtkWidget): of the three lists */
  GPtrArray           *detail_rows;
  guint                pending;
  gboolean             loading;
  gint64               open_id;       /* the segment shown, or 0 */
  gint64               open_touch;    /* the touch shown, or 0 */
  guint                detail_generation;
  gboolean             detail_loading;
  char                *deleted_name;  /* the last deleted segment, for undo */
  char                *deleted_definition;
  GtkWindow           *editor;
  GtkWindow           *export;
  GtkWindow           *consent;
  GtkEntry            *rename_entry;
  gulong               data_changed_id;
  JsonNode            *members_undo;  /* the last “make members”, for undo */
  char                *members_summary;
};

G_DEFINE_FINAL_TYPE (SiyuSegmentsPage, siyu_segments_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_touch (SiyuSegmentsPage *self, gint64 touch_id);

static void
show_message (SiyuSegmentsPage *self,
              const char       *message)
{
  siyu_toast_show (GTK_WIDGET (self), adw_toast_new (message));
}

static char *
count_text (gint64 total,
            gint64 unreachable)
{
  g_autofree char *all = siyu_count_format (total);
  g_autofree char *out = siyu_count_format (unreachable);
  g_autofree char *contacts = g_strdup_printf (g_dngettext (NULL, "%s contact", "%s contacts", total), all);
  g_autofree char *excluded = g_strdup_printf (g_dngettext (NULL, "%s cannot be contacted", "%s cannot be contacted",
                                                            unreachable), out);

  return g_strdup_printf (_("%s · %s"), contacts, excluded);
}

static JsonObject *
find_segment (SiyuSegmentsPage *self,
              gint64            id)
{
  JsonArray *array = self->segments != NULL ? json_node_get_array (self->segments) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *segment = json_array_get_object_element (array, i);

      if (json_object_get_int_member (segment, "id") == id)
        return segment;
    }
  return NULL;
}

static void
clear_rows (SiyuSegmentsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "group"), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
add_row (SiyuSegmentsPage    *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *suffix)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *escaped_subtitle = subtitle != NULL ? g_markup_escape_text (subtitle, -1) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  if (escaped_subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_subtitle);
  if (suffix != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (suffix, " · ", -1);
      g_autofree char *lines = g_strjoinv ("\n", parts);
      GtkWidget *label = gtk_label_new (lines);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  g_object_set_data (G_OBJECT (row), "group", group);
  g_object_set_data_full (G_OBJECT (row), "describe",
                          g_strdup_printf ("%s: %s", title, suffix != NULL ? suffix : ""), g_free);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);

  return row;
}

static void
segment_row_activated_cb (AdwActionRow     *row,
                          SiyuSegmentsPage *self)
{
  siyu_segments_page_open (self, (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "id")));
}

static void
touch_row_activated_cb (AdwActionRow     *row,
                        SiyuSegmentsPage *self)
{
  open_touch (self, (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "id")));
}

static const char *
format_label (const char *format)
{
  if (g_strcmp0 (format, "csv") == 0)
    return "CSV";
  if (g_strcmp0 (format, "xlsx") == 0)
    return "XLSX";
  if (g_strcmp0 (format, "vcard") == 0)
    return "vCard";
  if (g_strcmp0 (format, "phones") == 0)
    return _("phone list");
  return format;
}

static char *
format_time (SiyuSegmentsPage *self,
             gint64            utc)
{
  return siyu_shop_runner_format_time (self->runner, utc, "%Y-%m-%d %H:%M");
}

static void
show_lists (SiyuSegmentsPage *self)
{
  JsonArray *segments = json_node_get_array (self->segments);
  JsonArray *touches = json_node_get_array (self->touches);
  guint saved = 0;

  clear_rows (self);
  for (guint i = 0; i < json_array_get_length (segments); i++)
    {
      JsonObject *segment = json_array_get_object_element (segments, i);
      gboolean builtin = json_object_get_boolean_member (segment, "builtin");
      g_autofree char *counts = count_text (json_object_get_int_member (segment, "count"),
                                            json_object_get_int_member (segment, "unreachable"));
      GtkWidget *row;

      row = add_row (self, builtin ? self->builtin_group : self->saved_group,
                     json_object_get_string_member (segment, "title"),
                     builtin ? json_object_get_string_member (segment, "explanation") : NULL, counts);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "id", GSIZE_TO_POINTER ((gsize) json_object_get_int_member (segment, "id")));
      g_signal_connect (row, "activated", G_CALLBACK (segment_row_activated_cb), self);
      saved += !builtin;
    }
  gtk_widget_set_visible (self->saved_empty, saved == 0);

  for (guint i = 0; i < json_array_get_length (touches); i++)
    {
      JsonObject *touch = json_array_get_object_element (touches, i);
      g_autofree char *when = format_time (self, json_object_get_int_member (touch, "created_at"));
      gint64 members = json_object_get_int_member (touch, "members");
      gint64 holdout = json_object_get_int_member (touch, "holdout");
      g_autofree char *sent = siyu_count_format (members);
      g_autofree char *held = siyu_count_format (holdout);
      g_autofree char *figures = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* Translators: contacts of a touch who got the message, and those held out. */
      figures = g_strdup_printf (_("%s got it, %s held out"), sent, held);
      subtitle = g_strdup_printf ("%s · %s", when, format_label (json_object_get_string_member (touch, "format")));
      row = add_row (self, self->touches_group, siyu_segment_get_title (json_object_get_string_member (touch, "name")),
                     subtitle, figures);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "id", GSIZE_TO_POINTER ((gsize) json_object_get_int_member (touch, "id")));
      g_signal_connect (row, "activated", G_CALLBACK (touch_row_activated_cb), self);
    }
  gtk_widget_set_visible (self->touches_empty, json_array_get_length (touches) == 0);
  gtk_stack_set_visible_child_name (self->list_stack, "segments");
}

typedef struct {
  JsonNode *segments;
  JsonNode *touches;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_pointer (&lists->segments, json_node_unref);
  g_clear_pointer (&lists->touches, json_node_unref);
  g_free (lists);
}

static void
list_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Lists *lists = g_new0 (Lists, 1);
  GError *error = NULL;
  JsonArray *array;

  if (g_task_return_error_if_cancelled (task))
    {
      lists_free (lists);
      return;
    }
  lists->segments = siyu_segments_list (shop, &error);
  if (lists->segments != NULL)
    {
      array = json_node_get_array (lists->segments);
      for (guint i = 0; i < json_array_get_length (array) && error == NULL; i++)
        {
          JsonObject *segment = json_array_get_object_element (array, i);
          gint64 total = 0, unreachable = 0;

          if (siyu_segment_count (shop, json_object_get_member (segment, "definition"), &total, &unreachable, &error))
            {
              json_object_set_int_member (segment, "count", total);
              json_object_set_int_member (segment, "unreachable", unreachable);
            }
        }
    }
  if (error == NULL)
    lists->touches = siyu_touches_list (shop, &error);
  if (error != NULL)
    {
      lists_free (lists);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lists, lists_free);
}

static void show_segment (SiyuSegmentsPage *self);

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Lists *lists = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuSegmentsPage *self;

  if (lists == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENTS_PAGE (source);
  self->loading = FALSE;
  if (lists == NULL)
    {
      show_message (self, error->message);
      return;
    }
  g_clear_pointer (&self->segments, json_node_unref);
  g_clear_pointer (&self->touches, json_node_unref);
  self->segments = g_steal_pointer (&lists->segments);
  self->touches = g_steal_pointer (&lists->touches);
  lists_free (lists);
  show_lists (self);
  if (self->open_id != 0)
    {
      if (find_segment (self, self->open_id) != NULL)
        show_segment (self);
      else
        {
          self->open_id = 0;
          gtk_stack_set_visible_child_name (self->stack, "list");
        }
    }
}

static void
clear_detail (SiyuSegmentsPage *self)
{
  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_preferences_group_remove (self->detail_group, g_ptr_array_index (self->detail_rows, i));
  g_ptr_array_set_size (self->detail_rows, 0);
}

static void
add_detail_row (SiyuSegmentsPage *self,
                const char       *title,
                const char       *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *escaped_subtitle = subtitle != NULL ? g_markup_escape_text (subtitle, -1) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  if (escaped_subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_subtitle);
  g_object_set_data_full (G_OBJECT (row), "describe",
                          g_strdup_printf ("%s: %s", title, subtitle != NULL ? subtitle : ""), g_free);
  adw_preferences_group_add (self->detail_group, row);
  g_ptr_array_add (self->detail_rows, row);
}

typedef struct {
  char      *definition;
  guint      generation;
  gint64     total;
  GPtrArray *lines;  /* name, phone, stage, … */
} Preview;

static void
preview_free (gpointer data)
{
  Preview *preview = data;

  g_free (preview->definition);
  g_clear_pointer (&preview->lines, g_ptr_array_unref);
  g_free (preview);
}

static const char *
stage_label (const char *stage)
{
  for (SiyuStage s = 0; s < SIYU_N_STAGES; s++)
    if (g_strcmp0 (stage, siyu_stage_to_string (s)) == 0)
      return siyu_stage_get_label (s);
  return "";
}

static void
preview_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Preview *preview = task_data;
  GError *error = NULL;
  g_autoptr(JsonNode) definition = siyu_json_parse (preview->definition, -1, _("The segment’s definition"), &error);
  g_autoptr(GArray) ids = definition != NULL ? siyu_segment_members (shop, definition, &error) : NULL;
  g_autoptr(GPtrArray) summaries = NULL;

  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  preview->total = ids->len;
  preview->lines = g_ptr_array_new_with_free_func (g_free);
  summaries = siyu_contacts_summarize (shop, (const gint64 *) ids->data, MIN (ids->len, MAX_PREVIEW), &error);
  if (summaries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < summaries->len; i++)
    {
      const SiyuContactSummary *summary = g_ptr_array_index (summaries, i);
      g_autofree char *masked = NULL;

      if (summary == NULL)
        continue;
      masked = summary->phone != NULL ? siyu_phone_mask (summary->phone) : NULL;
      g_ptr_array_add (preview->lines, g_strdup (summary->name));
      g_ptr_array_add (preview->lines, g_strdup (masked != NULL ? masked : ""));
      g_ptr_array_add (preview->lines, g_strdup (stage_label (summary->stage)));
    }
  g_task_return_boolean (task, TRUE);
}

static void
previewed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Preview *preview = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuSegmentsPage *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENTS_PAGE (source);
  if (preview->generation != self->detail_generation)
    return;
  self->detail_loading = FALSE;
  clear_detail (self);
  if (!ok)
    {
      show_message (self, error->message);
      return;
    }
  if (preview->total == 0)
    adw_preferences_group_set_description (self->detail_group, _("No one matches this segment today."));
  else if (preview->total > MAX_PREVIEW)
    {
      g_autofree char *total = siyu_count_format (preview->total);
      g_autofree char *text = g_strdup_printf (_("The first %d of %s members, phone numbers masked."), MAX_PREVIEW,
                                               total);

      adw_preferences_group_set_description (self->detail_group, text);
    }
  else
    adw_preferences_group_set_description (self->detail_group, _("The members, phone numbers masked."));
  for (guint i = 0; i + 2 < preview->lines->len; i += 3)
    {
      const char *phone = g_ptr_array_index (preview->lines, i + 1);
      const char *stage = g_ptr_array_index (preview->lines, i + 2);
      g_autofree char *subtitle = g_strdup_printf ("%s%s%s", phone, phone[0] != '\0' && stage[0] != '\0' ? " · " : "",
                                                   stage);

      add_detail_row (self, g_ptr_array_index (preview->lines, i), subtitle);
    }
}

static void
show_segment (SiyuSegmentsPage *self)
{
  JsonObject *segment = find_segment (self, self->open_id);
  gboolean builtin = json_object_get_boolean_member (segment, "builtin");
  g_autofree char *counts = count_text (json_object_get_int_member (segment, "count"),
                                        json_object_get_int_member (segment, "unreachable"));
  g_autofree char *text = NULL;
  g_autoptr(GTask) task = NULL;
  Preview *preview;

  gtk_label_set_label (self->detail_title, json_object_get_string_member (segment, "title"));
  if (builtin)
    text = g_strdup_printf ("%s\n%s", json_object_get_string_member (segment, "explanation"), counts);
  else
    text = g_strdup (counts);
  gtk_label_set_label (self->detail_text, text);
  gtk_widget_set_visible (self->segment_buttons, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.edit", !builtin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.rename", !builtin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.delete", !builtin);
  /* Translators: the people a segment selects, not members of the membership programme. */
  adw_preferences_group_set_title (self->detail_group, C_("segment people", "Members"));
  gtk_stack_set_visible_child_name (self->stack, "detail");

  preview = g_new0 (Preview, 1);
  preview->definition = siyu_json_to_string (json_object_get_member (segment, "definition"), FALSE);
  preview->generation = ++self->detail_generation;
  self->detail_loading = TRUE;
  task = g_task_new (self, self->cancellable, previewed_cb, NULL);
  g_task_set_task_data (task, preview, preview_free);
  siyu_shop_runner_run (self->runner, task, preview_job);
}

static void
touch_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *touch = siyu_touch_get (shop, *(gint64 *) task_data, &error);

  if (touch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, touch, (GDestroyNotify) json_node_unref);
}

static char *
points (double share)
{
  return g_strdup_printf ("%+.1f", 100.0 * share);
}

static void
add_group_row (SiyuSegmentsPage *self,
               const char       *title,
               JsonObject       *group)
{
  gint64 contacts = json_object_get_int_member (group, "contacts");
  g_autofree char *count = siyu_count_format (contacts);
  g_autofree char *share = siyu_percent_format (json_object_get_double_member (group, "share_bought"));
  g_autofree char *net = siyu_money_format ((gint64) llround (json_object_get_double_member (group, "net_per_contact")),
                                            siyu_shop_runner_get_currency (self->runner));
  g_autofree char *text = NULL;

  /* Translators: a group of a touch: contacts, the share who bought, and net sales per contact. */
  text = g_strdup_printf (g_dngettext (NULL, "%s contact · %s bought · %s net per contact",
                                       "%s contacts · %s bought · %s net per contact", contacts),
                          count, share, net);
  add_detail_row (self, title, text);
}

static void
touch_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuSegmentsPage *self;
  JsonObject *touch, *up;

  if (node == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENTS_PAGE (source);
  self->detail_loading = FALSE;
  if (node == NULL)
    {
      show_message (self, error->message);
      return;
    }
  touch = json_node_get_object (node);
  up = json_object_get_object_member (touch, "uplift");
  clear_detail (self);
  {
    g_autofree char *when = format_time (self, json_object_get_int_member (touch, "created_at"));
    /* Translators: when a touch was made, its format, and the days its purchases are counted. */
    g_autofree char *text = g_strdup_printf (_("Exported %s as %s. Purchases counted from %s to %s.\n%s"), when,
                                             format_label (json_object_get_string_member (touch, "format")),
                                             json_object_get_string_member (up, "window_first_day"),
                                             json_object_get_string_member (up, "window_last_day"),
                                             json_object_get_string_member (up, "message"));

    gtk_label_set_label (self->detail_text, text);
  }
  adw_preferences_group_set_title (self->detail_group, _("Uplift"));
  adw_preferences_group_set_description (self->detail_group, NULL);
  add_group_row (self, _("Got it"), json_object_get_object_member (up, "members"));
  add_group_row (self, _("Held out"), json_object_get_object_member (up, "holdout"));
  if (json_object_get_int_member (touch, "holdout") > 0)
    {
      g_autofree char *diff = points (json_object_get_double_member (up, "share_difference"));
      g_autofree char *low = points (json_object_get_double_member (up, "share_low"));
      g_autofree char *high = points (json_object_get_double_member (up, "share_high"));
      const char *currency = siyu_shop_runner_get_currency (self->runner);
      g_autofree char *net = siyu_money_format ((gint64) llround (json_object_get_double_member (up, "net_difference")), currency);
      g_autofree char *net_low = siyu_money_format ((gint64) llround (json_object_get_double_member (up, "net_low")), currency);
      g_autofree char *net_high = siyu_money_format ((gint64) llround (json_object_get_double_member (up, "net_high")), currency);
      g_autofree char *share_text = NULL;
      g_autofree char *net_text = NULL;

      /* Translators: percentage points: the difference, then its 95 % interval. */
      share_text = g_strdup_printf (_("%s points (95 %% interval %s to %s)"), diff, low, high);
      add_detail_row (self, _("Difference in the share who bought"), share_text);
      /* Translators: amounts: the difference, then its 95 % interval. */
      net_text = g_strdup_printf (_("%s (95 %% interval %s to %s)"), net, net_low, net_high);
      add_detail_row (self, _("Difference in net sales per contact"), net_text);
    }
}

static void
open_touch (SiyuSegmentsPage *self,
            gint64            touch_id)
{
  g_autoptr(GTask) task = NULL;
  JsonArray *touches = json_node_get_array (self->touches);

  self->open_id = 0;
  self->open_touch = touch_id;
  self->detail_generation++;
  for (guint i = 0; i < json_array_get_length (touches); i++)
    if (json_object_get_int_member (json_array_get_object_element (touches, i), "id") == touch_id)
      gtk_label_set_label (self->detail_title,
                           siyu_segment_get_title (json_object_get_string_member (
                             json_array_get_object_element (touches, i), "name")));
  gtk_label_set_label (self->detail_text, "");
  gtk_widget_set_visible (self->segment_buttons, FALSE);
  clear_detail (self);
  gtk_stack_set_visible_child_name (self->stack, "detail");
  self->detail_loading = TRUE;
  task = g_task_new (self, self->cancellable, touch_read_cb, NULL);
  g_task_set_task_data (task, g_memdup2 (&touch_id, sizeof touch_id), g_free);
  siyu_shop_runner_run (self->runner, task, touch_job);
}

/* Changes to saved segments, all alike: run on the worker, then read the
 * lists again. */
typedef enum {
  CHANGE_DUPLICATE,
  CHANGE_RENAME,
  CHANGE_DELETE,
  CHANGE_CREATE,
} ChangeKind;

typedef struct {
  ChangeKind  kind;
  gint64      id;
  char       *name;
  char       *definition;
  char       *message;   /* out */
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->name);
  g_free (change->definition);
  g_free (change->message);
  g_free (change);
}

static void
change_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (change->kind)
    {
    case CHANGE_DUPLICATE:
      change->id = siyu_segment_duplicate (shop, change->id, NULL, &error);
      if (change->id > 0)
        {
          g_autoptr(JsonNode) copy = siyu_segment_get (shop, change->id, &error);

          ok = copy != NULL;
          if (ok)
            change->message = g_strdup_printf (_("Saved a copy as “%s”."),
                                               json_object_get_string_member (json_node_get_object (copy), "name"));
        }
      break;
    case CHANGE_RENAME:
      ok = siyu_segment_rename (shop, change->id, change->name, &error);
      break;
    case CHANGE_DELETE:
      ok = siyu_segment_delete (shop, change->id, &error);
      break;
    case CHANGE_CREATE:
      {
        g_autoptr(JsonNode) definition = siyu_json_parse (change->definition, -1, _("The segment’s definition"), &error);

        ok = definition != NULL && (change->id = siyu_segment_create (shop, change->name, definition, &error)) > 0;
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void undo_delete_cb (SiyuSegmentsPage *self);

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Change *change = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuSegmentsPage *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENTS_PAGE (source);
  self->pending--;
  if (!ok)
    show_message (self, error->message);
  else if (change->kind == CHANGE_DELETE)
    {
      g_autofree char *title = g_strdup_printf (_("Deleted “%s”"), change->name);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, G_CONNECT_SWAPPED);
      siyu_toast_show (GTK_WIDGET (self), toast);
      self->open_id = 0;
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
  else if (change->message != NULL)
    show_message (self, change->message);
  if (ok && change->kind == CHANGE_DUPLICATE)
    self->open_id = change->id;
  siyu_segments_page_reload (self);
}

static void
run_change (SiyuSegmentsPage *self,
            ChangeKind        kind,
            gint64            id,
            const char       *name,
            const char       *definition)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, changed_cb, NULL);
  Change *change = g_new0 (Change, 1);

  change->kind = kind;
  change->id = id;
  change->name = g_strdup (name);
  change->definition = g_strdup (definition);
  g_task_set_task_data (task, change, change_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, change_job);
}

static void
undo_delete_cb (SiyuSegmentsPage *self)
{
  if (self->deleted_name == NULL)
    return;
  run_change (self, CHANGE_CREATE, 0, self->deleted_name, self->deleted_definition);
  g_clear_pointer (&self->deleted_name, g_free);
  g_clear_pointer (&self->deleted_definition, g_free);
}

static void
editor_saved_cb (SiyuSegmentsPage *self,
                 gint64            segment_id)
{
  if (self->open_id != 0)
    self->open_id = segment_id;
  siyu_segments_page_reload (self);
}

static void
open_editor (SiyuSegmentsPage *self,
             gint64            id,
             const char       *name,
             JsonNode         *definition)
{
  SiyuSegmentEditor *editor = siyu_segment_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       self->runner, id, name, definition);

  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->editor, GTK_WINDOW (editor));
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_segment_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_editor (SIYU_SEGMENTS_PAGE (widget), 0, NULL, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);

  if (segment != NULL && !json_object_get_boolean_member (segment, "builtin"))
    open_editor (self, self->open_id, json_object_get_string_member (segment, "name"),
                 json_object_get_member (segment, "definition"));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);

  if (self->open_id != 0)
    run_change (self, CHANGE_DUPLICATE, self->open_id, NULL, NULL);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);

  if (segment == NULL || json_object_get_boolean_member (segment, "builtin"))
    return;
  g_free (self->deleted_name);
  g_free (self->deleted_definition);
  self->deleted_name = g_strdup (json_object_get_string_member (segment, "name"));
  self->deleted_definition = siyu_json_to_string (json_object_get_member (segment, "definition"), FALSE);
  run_change (self, CHANGE_DELETE, self->open_id, self->deleted_name, NULL);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SiyuSegmentsPage *self)
{
  if (self->rename_entry != NULL && g_str_equal (response, "rename"))
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rename_entry))));

      if (name[0] != '\0')
        run_change (self, CHANGE_RENAME, self->open_id, name, NULL);
    }
  self->rename_entry = NULL;
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);
  GtkWidget *dialog;
  GtkWidget *entry;

  if (segment == NULL || json_object_get_boolean_member (segment, "builtin"))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Rename Segment"), NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), json_object_get_string_member (segment, "name"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the segment"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  self->rename_entry = GTK_ENTRY (entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_folder_cb (AdwToast *toast,
                GFile    *folder)
{
  g_autofree char *uri = g_file_get_uri (folder);

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
exported_cb (SiyuSegmentsPage *self,
             const char       *summary,
             GFile            *folder)
{
  AdwToast *toast = adw_toast_new (summary);

  adw_toast_set_button_label (toast, _("Open _Folder"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (open_folder_cb), g_object_ref (folder),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  siyu_toast_show (GTK_WIDGET (self), toast);
  siyu_segments_page_reload (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);
  SiyuExportDialog *dialog;

  if (segment == NULL)
    return;
  dialog = siyu_export_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->runner, self->open_id,
                                   json_object_get_string_member (segment, "title"));
  g_signal_connect_object (dialog, "exported", G_CALLBACK (exported_cb), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->export, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_consent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);
  SiyuConsentDialog *dialog;

  if (segment == NULL)
    return;
  dialog = siyu_consent_dialog_new (widget, self->runner, SIYU_CONSENT_TARGET_SEGMENT, self->open_id, NULL,
                                    json_object_get_string_member (segment, "title"));
  g_set_weak_pointer (&self->consent, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Making members changes tiers: the figures are counted again in the same
 * job, so that the segments and the Overview show them at once. */
typedef struct {
  gint64                segment_id;
  SiyuMembershipSince   since;
  JsonNode             *undo;      /* in: to undo; out: what was done */
  SiyuMembershipChange  change;
} Members;

static void
members_free (gpointer data)
{
  Members *members = data;

  g_clear_pointer (&members->undo, json_node_unref);
  g_free (members);
}

static void
members_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Members *members = task_data;
  GError *error = NULL;
  gboolean ok;

  if (members->undo != NULL)
    ok = siyu_membership_undo (shop, members->undo, &error);
  else
    ok = (members->undo = siyu_membership_add_segment (shop, members->segment_id, members->since,
                                                       g_get_real_time () / G_USEC_PER_SEC, &members->change,
                                                       &error)) != NULL;
  if (ok)
    ok = siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, cancellable, NULL, &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void undo_members_cb (SiyuSegmentsPage *self);

static void
members_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Members *members = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean undone = GPOINTER_TO_INT (user_data);
  SiyuSegmentsPage *self;
  AdwToast *toast;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENTS_PAGE (source);
  self->pending--;
  g_clear_pointer (&self->members_summary, g_free);
  if (!ok)
    {
      self->members_summary = g_strdup (error->message);
      show_message (self, error->message);
      return;
    }
  siyu_shop_runner_data_changed (self->runner);
  if (undone)
    {
      self->members_summary = g_strdup (_("Memberships put back as they were"));
      show_message (self, self->members_summary);
      return;
    }
  {
    g_autofree char *added = siyu_count_format (members->change.added);
    g_autofree char *already = siyu_count_format (members->change.already);

    /* Translators: how many people became members, then how many were members already. */
    self->members_summary = g_strdup_printf (g_dngettext (NULL, "%s new member; %s already one",
                                                          "%s new members; %s already ones",
                                                          members->change.added), added, already);
  }
  g_clear_pointer (&self->members_undo, json_node_unref);
  self->members_undo = g_steal_pointer (&members->undo);
  toast = adw_toast_new (self->members_summary);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_members_cb), self, G_CONNECT_SWAPPED);
  siyu_toast_show (GTK_WIDGET (self), toast);
}

static void
run_members (SiyuSegmentsPage *self,
             Members          *members)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, members_done_cb,
                                      GINT_TO_POINTER (members->undo != NULL));

  g_task_set_task_data (task, members, members_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, members_job);
}

static void
undo_members_cb (SiyuSegmentsPage *self)
{
  Members *members;

  if (self->members_undo == NULL)
    return;
  members = g_new0 (Members, 1);
  members->undo = g_steal_pointer (&self->members_undo);
  run_members (self, members);
}

static void
make_members_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          SiyuSegmentsPage *self)
{
  Members *members;

  if (g_str_equal (response, "cancel") || self->open_id == 0)
    return;
  members = g_new0 (Members, 1);
  members->segment_id = self->open_id;
  members->since = g_str_equal (response, "today") ? SIYU_MEMBERSHIP_SINCE_TIME : SIYU_MEMBERSHIP_SINCE_FIRST_SEEN;
  run_members (self, members);
}

static void
make_members_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);
  JsonObject *segment = find_segment (self, self->open_id);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (segment == NULL)
    return;
  /* Translators: %s is a segment's name. */
  body = g_strdup_printf (_("Everyone in “%s” today becomes a member of the shop, and so has a tier. Those who are "
                            "members already keep their date. Since when are the new ones members?"),
                          json_object_get_string_member (segment, "title"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Make Members"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "today", _("From _Today"), "first-seen", _("Since _First Seen"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "first-seen", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "first-seen");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (make_members_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
data_changed_cb (SiyuSegmentsPage *self)
{
  siyu_segments_page_reload (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (widget);

  self->open_id = 0;
  self->open_touch = 0;
  self->detail_generation++;
  self->detail_loading = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_segments_page_reload (SIYU_SEGMENTS_PAGE (widget));
}

static void
siyu_segments_page_constructed (GObject *object)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (object);

  G_OBJECT_CLASS (siyu_segments_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->data_changed_id = g_signal_connect_swapped (self->runner, "data-changed", G_CALLBACK (data_changed_cb), self);
  siyu_segments_page_reload (self);
}

static void
siyu_segments_page_dispose (GObject *object)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_clear_signal_handler (&self->data_changed_id, self->runner);
  g_clear_weak_pointer (&self->editor);
  g_clear_weak_pointer (&self->export);
  g_clear_weak_pointer (&self->consent);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_SEGMENTS_PAGE);

  G_OBJECT_CLASS (siyu_segments_page_parent_class)->dispose (object);
}

static void
siyu_segments_page_finalize (GObject *object)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->segments, json_node_unref);
  g_clear_pointer (&self->touches, json_node_unref);
  g_clear_pointer (&self->deleted_name, g_free);
  g_clear_pointer (&self->deleted_definition, g_free);
  g_clear_pointer (&self->members_undo, json_node_unref);
  g_clear_pointer (&self->members_summary, g_free);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->detail_rows);

  G_OBJECT_CLASS (siyu_segments_page_parent_class)->finalize (object);
}

static void
siyu_segments_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_segments_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SiyuSegmentsPage *self = SIYU_SEGMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      self->runner = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_segments_page_class_init (SiyuSegmentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_segments_page_constructed;
  object_class->dispose = siyu_segments_page_dispose;
  object_class->finalize = siyu_segments_page_finalize;
  object_class->get_property = siyu_segments_page_get_property;
  object_class->set_property = siyu_segments_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-segments-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, saved_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, builtin_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, touches_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, saved_empty);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, touches_empty);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, segment_buttons);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, detail_text);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentsPage, detail_group);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.new-segment", NULL, new_segment_action);
  gtk_widget_class_install_action (widget_class, "page.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "page.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "page.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "page.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "page.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "page.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "page.set-consent", NULL, set_consent_action);
  gtk_widget_class_install_action (widget_class, "page.make-members", NULL, make_members_action);
}

static void
siyu_segments_page_init (SiyuSegmentsPage *self)
{
  self->rows = g_ptr_array_new ();
  self->detail_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuSegmentsPage *
siyu_segments_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_SEGMENTS_PAGE, "runner", runner, NULL);
}

/* Reads the segments, counts them again, and reads the touches. */
void
siyu_segments_page_reload (SiyuSegmentsPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SIYU_IS_SEGMENTS_PAGE (self));

  task = g_task_new (self, self->cancellable, listed_cb, NULL);
  self->loading = TRUE;
  siyu_shop_runner_run (self->runner, task, list_job);
}

/* Opens a segment's page, with its members, in place of the list. */
void
siyu_segments_page_open (SiyuSegmentsPage *self,
                         gint64            segment_id)
{
  g_return_if_fail (SIYU_IS_SEGMENTS_PAGE (self));

  self->open_touch = 0;
  self->open_id = segment_id;
  if (find_segment (self, segment_id) != NULL)
    show_segment (self);
}

/**
 * siyu_segments_page_open_definition:
 * @name: the name to suggest when it is saved
 * @definition: a segment definition that is not saved, such as one of
 *   the review's action cards
 *
 * Opens the segment editor on @definition, with its live count, to save
 * it, change it or export it once saved.
 */
void
siyu_segments_page_open_definition (SiyuSegmentsPage *self,
                                    const char       *name,
                                    JsonNode         *definition)
{
  g_return_if_fail (SIYU_IS_SEGMENTS_PAGE (self));
  g_return_if_fail (definition != NULL);

  open_editor (self, 0, name, definition);
}

/* For tests. */
const char *
_siyu_segments_page_get_state (SiyuSegmentsPage *self)
{
  if (self->loading || self->pending > 0 || self->detail_loading)
    return "loading";
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "detail"))
    return self->open_touch != 0 ? "touch" : "segment";
  return "list";
}

static void
describe_rows (GString   *out,
               GPtrArray *rows,
               gpointer   group)
{
  for (guint i = 0; i < rows->len; i++)
    if (group == NULL || g_object_get_data (G_OBJECT (g_ptr_array_index (rows, i)), "group") == group)
      g_string_append_printf (out, "\n%s", (const char *) g_object_get_data (G_OBJECT (g_ptr_array_index (rows, i)),
                                                                             "describe"));
}

/* The lists as shown: a heading, then a line per row. */
char *
_siyu_segments_page_describe (SiyuSegmentsPage *self)
{
  GString *out = g_string_new ("[saved]");

  if (gtk_widget_get_visible (self->saved_empty))
    g_string_append (out, "\n(none)");
  describe_rows (out, self->rows, self->saved_group);
  g_string_append (out, "\n[built-in]");
  describe_rows (out, self->rows, self->builtin_group);
  g_string_append (out, "\n[touches]");
  if (gtk_widget_get_visible (self->touches_empty))
    g_string_append (out, "\n(none)");
  describe_rows (out, self->rows, self->touches_group);

  return g_string_free (out, FALSE);
}

/* The segment's or touch's page: title, text, then its rows. */
char *
_siyu_segments_page_describe_detail (SiyuSegmentsPage *self)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%s\n%s", gtk_label_get_label (self->detail_title),
                          gtk_label_get_label (self->detail_text));
  if (adw_preferences_group_get_description (self->detail_group) != NULL &&
      adw_preferences_group_get_description (self->detail_group)[0] != '\0')
    g_string_append_printf (out, "\n%s", adw_preferences_group_get_description (self->detail_group));
  describe_rows (out, self->detail_rows, NULL);

  return g_string_free (out, FALSE);
}

void
_siyu_segments_page_open_touch (SiyuSegmentsPage *self,
                                gint64            touch_id)
{
  open_touch (self, touch_id);
}

SiyuSegmentEditor *
_siyu_segments_page_get_editor (SiyuSegmentsPage *self)
{
  return self->editor != NULL ? SIYU_SEGMENT_EDITOR (self->editor) : NULL;
}

SiyuExportDialog *
_siyu_segments_page_get_export (SiyuSegmentsPage *self)
{
  return self->export != NULL ? SIYU_EXPORT_DIALOG (self->export) : NULL;
}

void
_siyu_segments_page_undo_delete (SiyuSegmentsPage *self)
{
  undo_delete_cb (self);
}

SiyuConsentDialog *
_siyu_segments_page_get_consent (SiyuSegmentsPage *self)
{
  return self->consent != NULL ? SIYU_CONSENT_DIALOG (self->consent) : NULL;
}

/* Makes the open segment's people members, as the dialog's answer would. */
void
_siyu_segments_page_make_members (SiyuSegmentsPage *self,
                                  gboolean          today)
{
  Members *members = g_new0 (Members, 1);

  members->segment_id = self->open_id;
  members->since = today ? SIYU_MEMBERSHIP_SINCE_TIME : SIYU_MEMBERSHIP_SINCE_FIRST_SEEN;
  run_members (self, members);
}

const char *
_siyu_segments_page_get_members_summary (SiyuSegmentsPage *self)
{
  return self->members_summary;
}

void
_siyu_segments_page_undo_members (SiyuSegmentsPage *self)
{
  undo_members_cb (self);
}
