/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-group-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-consent-dialog.h"
#include "siyu-group-member-model.h"
#include "siyu-group-page-private.h"
#include "siyu-groups.h"
#include "siyu-money.h"

/* One community group, opened from the groups list: its figures, its name
 * and kind, and its members, read as the list scrolls.  Renaming,
 * archiving, a member's role and a member's leave can be undone from the
 * toast.  Members are added by pasting their phone numbers: only people
 * the shop knows are added, and every other line is reported — nobody is
 * made up from a phone number alone. */

typedef enum {
  EDIT_RENAME,
  EDIT_ARCHIVE,
  EDIT_UNARCHIVE,
  EDIT_SET_ROLE,
  EDIT_LEAVE,
  EDIT_CANCEL_LEAVE,
  EDIT_ADD,
} EditKind;

typedef enum {
  COLUMN_NAME,
  COLUMN_PHONE,
  COLUMN_ROLE,
  COLUMN_JOINED,
  COLUMN_LEFT,
  COLUMN_NET_SPEND,
  COLUMN_ACTION,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  NC_("group members column", "Name"),
  NC_("group members column", "Phone"),
  NC_("group members column", "Role"),
  NC_("group members column", "Joined"),
  NC_("group members column", "Left"),
  NC_("group members column", "Net Spend"),
  NC_("group members column", "Leave"),
};

static const char * const roles[] = { "owner", "admin", "member" };

enum {
  FIGURE_MEMBERS,
  FIGURE_MOVES,
  FIGURE_BUYERS,
  FIGURE_SALES,
  N_FIGURES
};

struct _SiyuGroupPage
{
  GtkWidget             parent_instance;

  GtkWidget            *outer;
  GtkLabel             *title_label;
  GtkButton            *archive_button;
  GtkLabel             *archived_label;
  GtkFlowBox           *figures;
  AdwEntryRow          *name_row;
  GtkLabel             *kind_label;
  GtkLabel             *count_label;
  GtkWidget            *add_button;
  GtkStack             *member_stack;
  AdwStatusPage        *error_status;
  GtkColumnView        *member_view;
  GtkLabel             *values[N_FIGURES];

  SiyuShopRunner       *runner;
  gint64                group_id;
  GCancellable         *cancellable;
  JsonObject           *group;
  SiyuGroupMemberModel *model;
  GTimeZone            *time_zone;
  gboolean              changed;
  gboolean              loaded;
  guint                 pending;     /* jobs asked for and not yet back */
  EditKind              undo_kind;   /* what the last toast's Undo does */
  gint64                undo_contact;
  char                 *undo_value;
  char                 *undo_who;
  gboolean              can_undo;
  AdwToast             *undo_toast;  /* weak */
  char                 *report;      /* what the last paste did */
  GtkTextView          *add_text;    /* of the open Add Members dialog */
};

G_DEFINE_FINAL_TYPE (SiyuGroupPage, siyu_group_page, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (SiyuGroupPage *self);

static const char *
describe_kind (const char *kind)
{
  if (g_strcmp0 (kind, "wecom") == 0)
    return _("WeCom group");
  if (g_strcmp0 (kind, "wechat") == 0)
    return _("WeChat group");
  if (g_strcmp0 (kind, "club") == 0)
    return C_("kind of group", "Club");
  return C_("kind of group", "Other");
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "owner") == 0)
    return C_("group role", "Owner");
  if (g_strcmp0 (role, "admin") == 0)
    return C_("group role", "Admin");
  return C_("group role", "Member");
}

static guint
role_index (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (role, roles[i]) == 0)
      return i;
  return G_N_ELEMENTS (roles) - 1;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

static gint64
int_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return 0;
  return json_node_get_int (node);
}

static char *
format_day (SiyuGroupPage *self,
            gint64         utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, self->time_zone);

  return g_date_time_format (local, "%Y-%m-%d");
}

/* A member's name as the list shows it. */
static const char *
member_name (JsonObject *member)
{
  const char *name = string_member (member, "name");

  if (name != NULL)
    return name;
  name = string_member (member, "phone");
  /* Translators: a contact known only by an identity other than a name. */
  return name != NULL ? name : _("No name");
}

/* Edits */

typedef struct {
  EditKind  kind;
  gint64    group_id;
  gint64    contact_id;
  char     *value;
  char     *who;        /* the member's name, for the toast */
  gboolean  changed;    /* out */
  char     *previous;   /* out: the name or role before */
  JsonNode *report;     /* out: what a paste did */
} Edit;

static void
edit_free (gpointer data)
{
  Edit *edit = data;

  g_free (edit->value);
  g_free (edit->who);
  g_free (edit->previous);
  g_clear_pointer (&edit->report, json_node_unref);
  g_free (edit);
}

static void
edit_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Edit *edit = task_data;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok = FALSE;

  switch (edit->kind)
    {
    case EDIT_RENAME:
      ok = siyu_group_rename (shop, edit->group_id, edit->value, &edit->previous, &error);
      if (ok)
        {
          g_autofree char *clean = g_strstrip (g_strdup (edit->value));

          edit->changed = g_strcmp0 (edit->previous, clean) != 0;
        }
      break;
    case EDIT_ARCHIVE:
    case EDIT_UNARCHIVE:
      ok = siyu_group_set_archived (shop, edit->group_id, edit->kind == EDIT_ARCHIVE, now, &edit->changed, &error);
      break;
    case EDIT_SET_ROLE:
      ok = siyu_group_set_role (shop, edit->group_id, edit->contact_id, edit->value, &edit->previous, &error);
      edit->changed = ok && g_strcmp0 (edit->previous, edit->value) != 0;
      break;
    case EDIT_LEAVE:
      ok = edit->changed = siyu_group_record_leave (shop, edit->group_id, edit->contact_id, now, &error);
      break;
    case EDIT_CANCEL_LEAVE:
      ok = edit->changed = siyu_group_cancel_leave (shop, edit->group_id, edit->contact_id, &error);
      break;
    case EDIT_ADD:
      edit->report = siyu_group_add_known_members (shop, edit->group_id, edit->value, now, &error);
      ok = edit->report != NULL;
      edit->changed = ok && json_object_get_int_member (json_node_get_object (edit->report), "added") > 0;
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static AdwToastOverlay *
toast_overlay (SiyuGroupPage *self)
{
  return ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY));
}

static void
show_toast (SiyuGroupPage *self,
            const char    *message)
{
  AdwToastOverlay *overlay = toast_overlay (self);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void
undo_toast_dismissed_cb (AdwToast      *toast,
                         SiyuGroupPage *self)
{
  if (self->undo_toast == toast)
    g_clear_weak_pointer (&self->undo_toast);
}

static void
undo_clicked_cb (AdwToast      *toast,
                 SiyuGroupPage *self)
{
  /* Only the newest change can be taken back. */
  if (self->undo_toast == toast)
    _siyu_group_page_undo (self);
}

static void
offer_undo (SiyuGroupPage *self,
            const char    *message,
            EditKind       kind,
            gint64         contact_id,
            const char    *value,
            const char    *who)
{
  AdwToastOverlay *overlay = toast_overlay (self);
  AdwToast *toast;

  self->undo_kind = kind;
  self->undo_contact = contact_id;
  g_free (self->undo_value);
  self->undo_value = g_strdup (value);
  g_free (self->undo_who);
  self->undo_who = g_strdup (who);
  self->can_undo = TRUE;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_set_weak_pointer (&self->undo_toast, toast);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (overlay, toast);
}

static void
append_lines (GString    *text,
              JsonArray  *lines,
              const char *outcome,
              const char *title)
{
  gboolean first = TRUE;

  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      const char *message = string_member (line, "message");

      if (g_strcmp0 (string_member (line, "outcome"), outcome) != 0)
        continue;
      if (first)
        g_string_append_printf (text, "\n\n%s", title);
      first = FALSE;
      /* Translators: a pasted line the group did not take: the text, then its line number. */
      g_string_append_printf (text, _("\n• %s (line %u)"), string_member (line, "text"),
                              (guint) int_member (line, "line"));
      if (message != NULL && outcome != NULL && g_str_equal (outcome, "invalid"))
        g_string_append_printf (text, ": %s", message);
    }
}

/* What a paste did, in words; %TRUE when some lines were not taken. */
static gboolean
describe_report (JsonObject  *report,
                 char       **text)
{
  guint added = int_member (report, "added");
  guint already = int_member (report, "already");
  guint unknown = int_member (report, "unknown");
  guint invalid = int_member (report, "invalid");
  JsonArray *lines = json_object_get_array_member (report, "lines");
  GString *out = g_string_new (NULL);

  /* Translators: the result of pasting phone numbers into a group. */
  g_string_append_printf (out, g_dngettext (NULL, "Added %u member.", "Added %u members.", added), added);
  if (already > 0)
    {
      g_string_append_c (out, ' ');
      g_string_append_printf (out, g_dngettext (NULL, "%u was in the group already.",
                                                "%u were in the group already.", already), already);
    }
  if (added + already + unknown + invalid == 0)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, _("There was no phone number in the text."));
    }
  append_lines (out, lines, "unknown",
                _("Nobody in this shop has these phone numbers; import them or add them as contacts first:"));
  append_lines (out, lines, "invalid", _("These are not phone numbers:"));

  *text = g_string_free (out, FALSE);
  return unknown + invalid > 0;
}

static void
report_added (SiyuGroupPage *self,
              JsonObject    *report)
{
  gboolean problems;
  AdwMessageDialog *dialog;

  g_free (self->report);
  problems = describe_report (report, &self->report);
  if (!problems)
    {
      show_toast (self, self->report);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("Some Lines Were Not Added"), self->report));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Edit *edit = g_task_get_task_data (G_TASK (result));
  gboolean undoing = GPOINTER_TO_INT (user_data);
  g_autofree char *message = NULL;
  SiyuGroupPage *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_GROUP_PAGE (source);
  self->pending--;
  if (error != NULL)
    {
      show_toast (self, error->message);
      load (self);
      return;
    }

  self->changed |= edit->changed;
  if (edit->kind == EDIT_ADD)
    report_added (self, json_node_get_object (edit->report));
  else if (edit->changed && !undoing)
    switch (edit->kind)
      {
      case EDIT_RENAME:
        /* Translators: %s is the group's new name. */
        message = g_strdup_printf (_("Renamed to “%s”"), g_strstrip (edit->value));
        offer_undo (self, message, EDIT_RENAME, 0, edit->previous, NULL);
        break;
      case EDIT_ARCHIVE:
        offer_undo (self, _("Group archived"), EDIT_UNARCHIVE, 0, NULL, NULL);
        break;
      case EDIT_UNARCHIVE:
        offer_undo (self, _("Group no longer archived"), EDIT_ARCHIVE, 0, NULL, NULL);
        break;
      case EDIT_SET_ROLE:
        /* Translators: a member's name and their new role in the group. */
        message = g_strdup_printf (_("%s is now: %s"), edit->who, role_label (edit->value));
        offer_undo (self, message, EDIT_SET_ROLE, edit->contact_id, edit->previous, edit->who);
        break;
      case EDIT_LEAVE:
        /* Translators: %s is a member's name. */
        message = g_strdup_printf (_("%s left the group"), edit->who);
        offer_undo (self, message, EDIT_CANCEL_LEAVE, edit->contact_id, NULL, edit->who);
        break;
      case EDIT_CANCEL_LEAVE:
      case EDIT_ADD:
      default:
        break;
      }

  load (self);
}

static void
run_edit (SiyuGroupPage *self,
          EditKind       kind,
          gint64         contact_id,
          const char    *value,
          const char    *who,
          gboolean       undoing)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, edited_cb, GINT_TO_POINTER (undoing));
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = kind;
  edit->group_id = self->group_id;
  edit->contact_id = contact_id;
  edit->value = g_strdup (value);
  edit->who = g_strdup (who);
  g_task_set_task_data (task, edit, edit_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, edit_job);
}

/* Loading */

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *group = siyu_group_get (shop, *(gint64 *) task_data, siyu_shop_get_today (shop), &error);

  if (group == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, group, (GDestroyNotify) json_node_unref);
}

static void
update_count (SiyuGroupPage *self)
{
  guint now, before;
  g_autofree char *members = NULL;
  g_autofree char *text = NULL;
  const GError *error = siyu_group_member_model_get_error (self->model);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_status, error->message);
      gtk_stack_set_visible_child_name (self->member_stack, "error");
      gtk_label_set_label (self->count_label, "");
      return;
    }
  if (siyu_group_member_model_is_loading (self->model))
    return;

  now = siyu_group_member_model_get_n_current (self->model);
  before = g_list_model_get_n_items (G_LIST_MODEL (self->model)) - now;
  /* Translators: how many people are in the group now. */
  members = g_strdup_printf (g_dngettext (NULL, "%u member now", "%u members now", now), now);
  if (before > 0)
    /* Translators: the first %s is “N members now”; %u counts stays in the group that ended. */
    text = g_strdup_printf (g_dngettext (NULL, "%s, %u past stay", "%s, %u past stays", before), members, before);
  gtk_label_set_label (self->count_label, text != NULL ? text : members);
  gtk_stack_set_visible_child_name (self->member_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0 ? "members" : "none");
}

static void
show (SiyuGroupPage *self)
{
  const char *currency = siyu_shop_runner_get_currency (self->runner);
  const char *name = string_member (self->group, "name");
  gboolean archived = int_member (self->group, "archived_at") > 0;
  guint members = int_member (self->group, "members");
  guint buyers = int_member (self->group, "buyers");
  g_autofree char *value = NULL;
  g_autofree char *change = NULL;

  gtk_label_set_label (self->title_label, name);
  if (!gtk_widget_has_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->name_row)))) ||
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), name) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_label_set_label (self->kind_label, describe_kind (string_member (self->group, "kind")));

  gtk_button_set_label (self->archive_button, archived ? _("_Unarchive") : _("_Archive"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->archive_button),
                               archived ? _("Bring this group back among the groups in use")
                                        : _("Put this group away: its members and figures are kept"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->archive_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->archived_label), archived);
  if (archived)
    {
      g_autofree char *day = format_day (self, int_member (self->group, "archived_at"));
      /* Translators: %s is a day, 2026-03-31. */
      g_autofree char *text = g_strdup_printf (_("Archived on %s. Its members and figures are kept; unarchive it to "
                                                 "add members again."), day);

      gtk_label_set_label (self->archived_label, text);
    }
  gtk_widget_set_sensitive (self->add_button, !archived);

  value = g_strdup_printf ("%u", members);
  gtk_label_set_label (self->values[FIGURE_MEMBERS], value);
  g_clear_pointer (&value, g_free);
  value = g_strdup_printf ("+%u / −%u", (guint) int_member (self->group, "joins"),
                           (guint) int_member (self->group, "leaves"));
  gtk_label_set_label (self->values[FIGURE_MOVES], value);
  /* Translators: people who joined and left a group this calendar month. */
  change = g_strdup_printf (_("%u joined, %u left"), (guint) int_member (self->group, "joins"),
                            (guint) int_member (self->group, "leaves"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->values[FIGURE_MOVES]), change);
  g_clear_pointer (&value, g_free);
  value = g_strdup_printf ("%u", buyers);
  gtk_label_set_label (self->values[FIGURE_BUYERS], value);
  g_clear_pointer (&value, g_free);
  value = siyu_money_format (int_member (self->group, "net_sales"), currency);
  gtk_label_set_label (self->values[FIGURE_SALES], value);

  self->loaded = TRUE;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) group = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuGroupPage *self;

  if (group == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_GROUP_PAGE (source);
  self->pending--;
  if (group == NULL)
    {
      show_toast (self, error->message);
      g_signal_emit (self, signals[CLOSED], 0, TRUE);
      return;
    }

  g_clear_pointer (&self->group, json_object_unref);
  self->group = json_object_ref (json_node_get_object (group));
  show (self);
}

static void
load (SiyuGroupPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  gint64 *id = g_new (gint64, 1);

  *id = self->group_id;
  g_task_set_task_data (task, id, g_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, load_job);
  siyu_group_member_model_reload (self->model);
}

/* The member list */

static char *
cell_text (SiyuGroupPage *self,
           Column         column,
           JsonObject    *member)
{
  switch (column)
    {
    case COLUMN_NAME:
      return g_strdup (member_name (member));
    case COLUMN_PHONE:
      return g_strdup (string_member (member, "phone") != NULL ? string_member (member, "phone") : "");
    case COLUMN_ROLE:
      return g_strdup (role_label (string_member (member, "role")));
    case COLUMN_JOINED:
      return format_day (self, int_member (member, "joined_at"));
    case COLUMN_LEFT:
      return int_member (member, "left_at") > 0 ? format_day (self, int_member (member, "left_at")) : g_strdup ("");
    case COLUMN_NET_SPEND:
      return int_member (member, "orders") > 0
             ? siyu_money_format (int_member (member, "net_spend"), siyu_shop_runner_get_currency (self->runner))
             : g_strdup ("");
    case COLUMN_ACTION:
      return g_strdup (int_member (member, "left_at") > 0 ? "" : _("Record Leave"));
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
change_role (SiyuGroupPage *self,
             JsonObject    *member,
             guint          role)
{
  if (member == NULL || role >= G_N_ELEMENTS (roles) || int_member (member, "left_at") > 0 ||
      g_strcmp0 (string_member (member, "role"), roles[role]) == 0)
    return;
  run_edit (self, EDIT_SET_ROLE, int_member (member, "contact_id"), roles[role], member_name (member), FALSE);
}

static void
record_leave (SiyuGroupPage *self,
              JsonObject    *member)
{
  if (member == NULL || int_member (member, "left_at") > 0)
    return;
  run_edit (self, EDIT_LEAVE, int_member (member, "contact_id"), NULL, member_name (member), FALSE);
}

static void
role_selected_cb (GtkDropDown *dropdown,
                  GParamSpec  *pspec,
                  GtkListItem *list_item)
{
  SiyuGroupPage *self = g_object_get_data (G_OBJECT (list_item), "page");
  SiyuGroupMemberItem *item = gtk_list_item_get_item (list_item);

  if (item == NULL || g_object_get_data (G_OBJECT (dropdown), "updating") != NULL)
    return;
  change_role (self, siyu_group_member_item_get_member (item), gtk_drop_down_get_selected (dropdown));
}

static void
leave_clicked_cb (GtkButton   *button,
                  GtkListItem *list_item)
{
  SiyuGroupPage *self = g_object_get_data (G_OBJECT (list_item), "page");
  SiyuGroupMemberItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    record_leave (self, siyu_group_member_item_get_member (item));
}

static void
update_cell (GtkListItem *list_item)
{
  SiyuGroupPage *self = g_object_get_data (G_OBJECT (list_item), "page");
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "column"));
  SiyuGroupMemberItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  JsonObject *member = item != NULL ? siyu_group_member_item_get_member (item) : NULL;
  gboolean current = member != NULL && int_member (member, "left_at") == 0;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;

  if (column == COLUMN_ROLE)
    {
      g_object_set_data (G_OBJECT (child), "updating", GINT_TO_POINTER (TRUE));
      gtk_drop_down_set_selected (GTK_DROP_DOWN (child), role_index (string_member (member, "role")));
      g_object_set_data (G_OBJECT (child), "updating", NULL);
      gtk_widget_set_sensitive (child, current);
      gtk_widget_set_visible (child, member != NULL);
      /* Translators: the accessible name of a member's role; %s is their name. */
      label = g_strdup_printf (_("Role of %s"), member != NULL ? member_name (member) : "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      return;
    }
  if (column == COLUMN_ACTION)
    {
      gtk_widget_set_visible (child, current);
      /* Translators: the accessible name of the Record Leave button; %s is a member's name. */
      label = g_strdup_printf (_("Record that %s left the group"), member != NULL ? member_name (member) : "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_set_tooltip_text (child, label);
      return;
    }

  /* Read in a moment; an ellipsis keeps the row's height. */
  text = member != NULL ? cell_text (self, column, member) : g_strdup ("…");
  gtk_label_set_label (GTK_LABEL (child), text);
}

static void
item_loaded_cb (SiyuGroupMemberItem *item,
                GParamSpec          *pspec,
                GtkListItem         *list_item)
{
  update_cell (list_item);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SiyuGroupPage            *self)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *child;

  g_object_set_data (G_OBJECT (list_item), "page", self);
  g_object_set_data (G_OBJECT (list_item), "column", GUINT_TO_POINTER (column));
  gtk_list_item_set_activatable (list_item, FALSE);

  if (column == COLUMN_ROLE)
    {
      const char *labels[] = { C_("group role", "Owner"), C_("group role", "Admin"), C_("group role", "Member"), NULL };

      child = gtk_drop_down_new_from_strings (labels);
      gtk_widget_add_css_class (child, "flat");
      g_signal_connect (child, "notify::selected", G_CALLBACK (role_selected_cb), list_item);
    }
  else if (column == COLUMN_ACTION)
    {
      child = gtk_button_new_with_label (_("Record Leave"));
      gtk_widget_add_css_class (child, "flat");
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      g_signal_connect (child, "clicked", G_CALLBACK (leave_clicked_cb), list_item);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), column == COLUMN_NET_SPEND ? 1.0 : 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      if (column != COLUMN_NAME)
        gtk_widget_add_css_class (child, "numeric");
    }
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SiyuGroupPage            *self)
{
  SiyuGroupMemberItem *item = gtk_list_item_get_item (list_item);

  g_signal_connect (item, "notify::loaded", G_CALLBACK (item_loaded_cb), list_item);
  update_cell (list_item);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SiyuGroupPage            *self)
{
  SiyuGroupMemberItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, item_loaded_cb, list_item);
}

static void
add_columns (SiyuGroupPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), self);
      column = gtk_column_view_column_new (g_dpgettext2 (NULL, "group members column", column_titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COLUMN_NAME)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->member_view, column);
      g_object_unref (column);
    }
}

/* Callbacks and actions */

static void
name_applied_cb (SiyuGroupPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (g_strcmp0 (text, string_member (self->group, "name")) == 0)
    return;
  run_edit (self, EDIT_RENAME, 0, text, NULL, FALSE);
}

static void
archive_clicked_cb (SiyuGroupPage *self)
{
  if (self->group == NULL)
    return;
  run_edit (self, int_member (self->group, "archived_at") > 0 ? EDIT_UNARCHIVE : EDIT_ARCHIVE, 0, NULL, NULL, FALSE);
}

static void
add_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 SiyuGroupPage    *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->add_text);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  self->add_text = NULL;
  if (g_str_equal (response, "add"))
    run_edit (self, EDIT_ADD, 0, text, NULL, FALSE);
}

static void
add_text_changed_cb (GtkTextBuffer    *buffer,
                     AdwMessageDialog *dialog)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  adw_message_dialog_set_response_enabled (dialog, "add", g_strstrip (text)[0] != '\0');
}

static AdwMessageDialog *
ask_add_members (SiyuGroupPage *self)
{
  GtkWidget *dialog;
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  g_autofree char *heading = NULL;

  /* Translators: %s is a group's name. */
  heading = g_strdup_printf (_("Add Members to %s"), string_member (self->group, "name"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("Paste their phone numbers, one a line. Only people the shop knows are added; "
                                     "any other line is reported, so you can import or add them first."));
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Phone numbers, one a line"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                    G_CALLBACK (add_text_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_response_cb), self, 0);
  self->add_text = GTK_TEXT_VIEW (view);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);

  return ADW_MESSAGE_DIALOG (dialog);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuGroupPage *self = SIYU_GROUP_PAGE (widget);

  g_signal_emit (self, signals[CLOSED], 0, self->changed);
}

static void
add_members_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuGroupPage *self = SIYU_GROUP_PAGE (widget);

  if (self->group != NULL && int_member (self->group, "archived_at") == 0)
    ask_add_members (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _siyu_group_page_undo (SIYU_GROUP_PAGE (widget));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (SIYU_GROUP_PAGE (widget));
}

static void
model_changed_cb (SiyuGroupPage *self)
{
  update_count (self);
}

static void
siyu_group_page_dispose (GObject *object)
{
  SiyuGroupPage *self = SIYU_GROUP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->undo_toast);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_GROUP_PAGE);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (siyu_group_page_parent_class)->dispose (object);
}

static void
siyu_group_page_finalize (GObject *object)
{
  SiyuGroupPage *self = SIYU_GROUP_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->group, json_object_unref);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_free (self->undo_value);
  g_free (self->undo_who);
  g_free (self->report);

  G_OBJECT_CLASS (siyu_group_page_parent_class)->finalize (object);
}

static void
set_consent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuGroupPage *self = SIYU_GROUP_PAGE (widget);
  SiyuConsentDialog *dialog;

  if (!self->loaded)
    return;
  dialog = siyu_consent_dialog_new (widget, self->runner, SIYU_CONSENT_TARGET_GROUP, self->group_id, NULL,
                                    gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
siyu_group_page_class_init (SiyuGroupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_group_page_dispose;
  object_class->finalize = siyu_group_page_finalize;

  /**
   * SiyuGroupPage::closed:
   * @changed: whether the group was changed, so that the list reads it again
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-group-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, outer);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, archived_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, figures);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, kind_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, member_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupPage, member_view);
  gtk_widget_class_bind_template_callback (widget_class, name_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, archive_clicked_cb);

  gtk_widget_class_install_action (widget_class, "group.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "group.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "group.back", NULL);
  gtk_widget_class_install_action (widget_class, "group.add-members", NULL, add_members_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "group.add-members", NULL);
  gtk_widget_class_install_action (widget_class, "group.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "group.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "group.set-consent", NULL, set_consent_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "group.undo", NULL);
}

static void
siyu_group_page_init (SiyuGroupPage *self)
{
  const char *titles[N_FIGURES] = {
    C_("group figure", "Members"),
    _("Joined / Left This Month"),
    _("Buyers, 30 Days"),
    _("Net Sales, 30 Days"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  /* Small cards, four to a line, two when the window is narrow. */
  for (guint i = 0; i < N_FIGURES; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *caption = gtk_label_new (titles[i]);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (value, "title-2");
      gtk_widget_add_css_class (value, "numeric");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_set_margin_start (value, 12);
      gtk_widget_set_margin_end (value, 12);
      gtk_widget_set_margin_top (value, 8);
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_widget_set_margin_start (caption, 12);
      gtk_widget_set_margin_end (caption, 12);
      gtk_widget_set_margin_bottom (caption, 8);
      gtk_box_append (GTK_BOX (card), value);
      gtk_box_append (GTK_BOX (card), caption);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL, -1);
      self->values[i] = GTK_LABEL (value);
      gtk_flow_box_append (self->figures, card);
    }
}

SiyuGroupPage *
siyu_group_page_new (SiyuShopRunner *runner,
                     gint64          group_id)
{
  SiyuGroupPage *self;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_GROUP_PAGE, NULL);
  self->runner = g_object_ref (runner);
  self->group_id = group_id;
  self->time_zone = g_time_zone_new_identifier (siyu_shop_runner_get_time_zone_id (runner));
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
  self->model = siyu_group_member_model_new (runner, group_id);
  g_signal_connect_swapped (self->model, "notify::n-items", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::error", G_CALLBACK (model_changed_cb), self);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->member_view, GTK_SELECTION_MODEL (selection));
  add_columns (self);
  load (self);

  return self;
}

gint64
siyu_group_page_get_group_id (SiyuGroupPage *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_PAGE (self), 0);
  return self->group_id;
}

/* Reads the group and its members again, as after an import. */
void
siyu_group_page_reload (SiyuGroupPage *self)
{
  g_return_if_fail (SIYU_IS_GROUP_PAGE (self));

  load (self);
}

/* For tests: what a click does. */
gboolean
_siyu_group_page_is_busy (SiyuGroupPage *self)
{
  return self->pending > 0 || !self->loaded || siyu_group_member_model_is_loading (self->model);
}

const char *
_siyu_group_page_get_title (SiyuGroupPage *self)
{
  return gtk_label_get_label (self->title_label);
}

/* The figures' values, between bars. */
char *
_siyu_group_page_get_figures (SiyuGroupPage *self)
{
  return g_strdup_printf ("%s|%s|%s|%s",
                          gtk_label_get_label (self->values[FIGURE_MEMBERS]),
                          gtk_label_get_label (self->values[FIGURE_MOVES]),
                          gtk_label_get_label (self->values[FIGURE_BUYERS]),
                          gtk_label_get_label (self->values[FIGURE_SALES]));
}

const char *
_siyu_group_page_get_count_text (SiyuGroupPage *self)
{
  return gtk_label_get_label (self->count_label);
}

gboolean
_siyu_group_page_is_archived (SiyuGroupPage *self)
{
  return int_member (self->group, "archived_at") > 0 && gtk_widget_get_visible (GTK_WIDGET (self->archived_label));
}

void
_siyu_group_page_rename (SiyuGroupPage *self,
                         const char    *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  g_signal_emit_by_name (self->name_row, "apply");
}

void
_siyu_group_page_toggle_archive (SiyuGroupPage *self)
{
  g_signal_emit_by_name (self->archive_button, "clicked");
}

/* What the Undo button of the last toast does. */
gboolean
_siyu_group_page_undo (SiyuGroupPage *self)
{
  if (!self->can_undo)
    return FALSE;
  self->can_undo = FALSE;
  if (self->undo_toast != NULL)
    {
      AdwToast *toast = self->undo_toast;

      g_clear_weak_pointer (&self->undo_toast);
      adw_toast_dismiss (toast);
    }
  run_edit (self, self->undo_kind, self->undo_contact, self->undo_value, self->undo_who, TRUE);
  return TRUE;
}

/* Opens the Add Members dialog with @text pasted in it. */
AdwMessageDialog *
_siyu_group_page_ask_add_members (SiyuGroupPage *self,
                                  const char    *text)
{
  AdwMessageDialog *dialog = ask_add_members (self);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->add_text), text, -1);
  return dialog;
}

const char *
_siyu_group_page_get_report (SiyuGroupPage *self)
{
  return self->report;
}

/* The text a cell shows, by row and column; %NULL until the row is read. */
char *
_siyu_group_page_get_cell (SiyuGroupPage *self,
                           guint          position,
                           guint          column)
{
  g_autoptr(SiyuGroupMemberItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  JsonObject *member = item != NULL ? siyu_group_member_item_get_member (item) : NULL;

  if (member == NULL)
    return NULL;
  return cell_text (self, column, member);
}

void
_siyu_group_page_set_role (SiyuGroupPage *self,
                           guint          position,
                           guint          role)
{
  g_autoptr(SiyuGroupMemberItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  change_role (self, siyu_group_member_item_get_member (item), role);
}

void
_siyu_group_page_record_leave (SiyuGroupPage *self,
                               guint          position)
{
  g_autoptr(SiyuGroupMemberItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  record_leave (self, siyu_group_member_item_get_member (item));
}
