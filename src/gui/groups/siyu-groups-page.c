/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-groups-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-group-page.h"
#include "siyu-groups-page-private.h"
#include "siyu-groups.h"
#include "siyu-money.h"

/* The Groups place: the shop's WeCom and WeChat groups and clubs, a few
 * dozen at most, each with its members, this month's joins and leaves,
 * and the buyers among its members and their net sales over 30 days.
 * Archived groups are listed apart.  Activating a group opens its page in
 * place of the list. */

static const char * const kinds[] = { "wecom", "wechat", "club", "other" };

struct _SiyuGroupsPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkStack            *list_stack;
  GtkLabel            *count_label;
  AdwPreferencesGroup *active_group;
  AdwPreferencesGroup *archived_group;
  AdwBin              *group_bin;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;
  gulong               changed_id;
  JsonNode            *groups;
  GPtrArray           *rows;         /* in the order of the list: active, then archived */
  GHashTable          *names;        /* of every group, to check a new name */
  gboolean             loading;
  guint                pending;

  GtkEntry            *new_entry;    /* of the open New Group dialog */
  GtkDropDown         *new_kind;
  GtkLabel            *new_problem;
};

G_DEFINE_FINAL_TYPE (SiyuGroupsPage, siyu_groups_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "wecom") == 0)
    return _("WeCom group");
  if (g_strcmp0 (kind, "wechat") == 0)
    return _("WeChat group");
  if (g_strcmp0 (kind, "club") == 0)
    return C_("kind of group", "Club");
  return C_("kind of group", "Other");
}

/* A group's figures in one line, under its name. */
static char *
describe_group (SiyuGroupsPage *self,
                JsonObject     *group)
{
  guint members = json_object_get_int_member (group, "members");
  guint joins = json_object_get_int_member (group, "joins");
  guint leaves = json_object_get_int_member (group, "leaves");
  guint buyers = json_object_get_int_member (group, "buyers");
  g_autofree char *sales = siyu_money_format (json_object_get_int_member (group, "net_sales"),
                                              siyu_shop_runner_get_currency (self->runner));
  g_autofree char *member_text = g_strdup_printf (g_dngettext (NULL, "%u member", "%u members", members), members);
  /* Translators: people who joined and left a group this calendar month. */
  g_autofree char *moves = g_strdup_printf (_("this month %u joined, %u left"), joins, leaves);
  /* Translators: buyers among a group's members in the last 30 days; %s is their net sales. */
  g_autofree char *bought = g_strdup_printf (g_dngettext (NULL, "30 days: %u buyer, %s", "30 days: %u buyers, %s",
                                                          buyers), buyers, sales);

  return g_strdup_printf ("%s · %s · %s · %s", kind_label (json_object_get_string_member (group, "kind")),
                          member_text, moves, bought);
}

static void
clear_rows (SiyuGroupsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      gboolean archived = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "archived"));

      adw_preferences_group_remove (archived ? self->archived_group : self->active_group, row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
row_activated_cb (AdwActionRow   *row,
                  SiyuGroupsPage *self)
{
  siyu_groups_page_open (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "group-id")));
}

static GtkWidget *
group_row_new (SiyuGroupsPage *self,
               JsonObject     *group)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = describe_group (self, group);
  g_autofree char *title = g_markup_escape_text (json_object_get_string_member (group, "name"), -1);
  g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "group-id", GSIZE_TO_POINTER ((gsize) json_object_get_int_member (group, "id")));
  g_object_set_data_full (G_OBJECT (row), "subtitle", g_steal_pointer (&subtitle), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);

  return row;
}

static void
show_groups (SiyuGroupsPage *self)
{
  JsonArray *groups = json_node_get_array (self->groups);
  guint active = 0, archived = 0;
  g_autofree char *text = NULL;

  clear_rows (self);
  g_hash_table_remove_all (self->names);
  /* Those in use first, then the archived ones. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < json_array_get_length (groups); i++)
      {
        JsonObject *group = json_array_get_object_element (groups, i);
        gboolean is_archived = json_object_get_boolean_member (group, "archived");
        GtkWidget *row;

        if (is_archived != (pass == 1))
          continue;
        g_hash_table_add (self->names, g_strdup (json_object_get_string_member (group, "name")));
        row = group_row_new (self, group);
        g_object_set_data (G_OBJECT (row), "archived", GINT_TO_POINTER (is_archived));
        adw_preferences_group_add (is_archived ? self->archived_group : self->active_group, row);
        g_ptr_array_add (self->rows, row);
        if (is_archived)
          archived++;
        else
          active++;
      }

  gtk_widget_set_visible (GTK_WIDGET (self->archived_group), archived > 0);
  /* Translators: how many groups are in use. */
  text = g_strdup_printf (g_dngettext (NULL, "%u group", "%u groups", active), active);
  if (archived > 0)
    {
      g_autofree char *all = NULL;

      /* Translators: %s is “N groups”, %u how many more are archived. */
      all = g_strdup_printf (g_dngettext (NULL, "%s and %u archived", "%s and %u archived", archived), text, archived);
      g_free (text);
      text = g_steal_pointer (&all);
    }
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, active + archived > 0 ? "groups" : "empty");
}

static void
list_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *groups;

  if (g_task_return_error_if_cancelled (task))
    return;
  groups = siyu_groups_list (shop, siyu_shop_get_today (shop), &error);
  if (groups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, groups, (GDestroyNotify) json_node_unref);
}

static void
show_toast (SiyuGroupsPage *self,
            const char     *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *groups = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuGroupsPage *self;

  if (groups == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_GROUPS_PAGE (source);
  self->loading = FALSE;
  if (groups == NULL)
    {
      show_toast (self, error->message);
      return;
    }

  g_clear_pointer (&self->groups, json_node_unref);
  self->groups = groups;
  show_groups (self);
}

typedef struct {
  char   *name;
  char   *kind;
  gint64  id;  /* out */
} Creation;

static void
creation_free (gpointer data)
{
  Creation *creation = data;

  g_free (creation->name);
  g_free (creation->kind);
  g_free (creation);
}

static void
create_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Creation *creation = task_data;
  GError *error = NULL;

  creation->id = siyu_group_create (shop, creation->name, creation->kind, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (creation->id < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Creation *creation = g_task_get_task_data (G_TASK (result));
  SiyuGroupsPage *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_GROUPS_PAGE (source);
  self->pending--;
  if (error != NULL)
    {
      show_toast (self, error->message);
      return;
    }

  siyu_groups_page_reload (self);
  siyu_groups_page_open (self, creation->id);
}

static void
check_new_name (SiyuGroupsPage   *self,
                AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_entry))));
  g_autofree char *problem = NULL;

  if (g_hash_table_contains (self->names, name))
    problem = g_strdup_printf (_("There is already a group called “%s”."), name);
  else if (g_utf8_strlen (name, -1) > 100)
    problem = g_strdup (_("A group’s name can be at most 100 characters long."));

  gtk_label_set_label (self->new_problem, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->new_problem), problem != NULL);
  adw_message_dialog_set_response_enabled (dialog, "create", name[0] != '\0' && problem == NULL);
}

static void
new_name_changed_cb (GtkEditable    *entry,
                     SiyuGroupsPage *self)
{
  if (self->new_entry == GTK_ENTRY (entry))
    check_new_name (self, ADW_MESSAGE_DIALOG (gtk_widget_get_root (GTK_WIDGET (entry))));
}

static void
new_group_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       SiyuGroupsPage   *self)
{
  g_autoptr(GTask) task = NULL;
  Creation *creation;
  guint kind;

  if (self->new_entry == NULL)
    return;
  if (g_str_equal (response, "create") && adw_message_dialog_get_response_enabled (dialog, "create"))
    {
      kind = gtk_drop_down_get_selected (self->new_kind);
      creation = g_new0 (Creation, 1);
      creation->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_entry)));
      creation->kind = g_strdup (kinds[kind < G_N_ELEMENTS (kinds) ? kind : 0]);
      task = g_task_new (self, self->cancellable, created_cb, NULL);
      g_task_set_task_data (task, creation, creation_free);
      self->pending++;
      siyu_shop_runner_run (self->runner, task, create_job);
    }
  self->new_entry = NULL;
  self->new_kind = NULL;
  self->new_problem = NULL;
}

static AdwMessageDialog *
ask_new_group (SiyuGroupsPage *self)
{
  const char *labels[] = { _("WeCom group"), _("WeChat group"), C_("kind of group", "Club"),
                           C_("kind of group", "Other"), NULL };
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *kind = gtk_drop_down_new_from_strings (labels);
  GtkWidget *problem = gtk_label_new (NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("New Group"),
                                   _("A WeCom or WeChat group, a club, or any circle of customers you look after "
                                     "together."));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, as in WeCom"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the group"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (kind), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Kind of group"), -1);
  gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
  gtk_label_set_xalign (GTK_LABEL (problem), 0);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_set_visible (problem, FALSE);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), kind);
  gtk_box_append (GTK_BOX (box), problem);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "create", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  self->new_entry = GTK_ENTRY (entry);
  self->new_kind = GTK_DROP_DOWN (kind);
  self->new_problem = GTK_LABEL (problem);
  g_signal_connect_object (entry, "changed", G_CALLBACK (new_name_changed_cb), self, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (new_group_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);

  return ADW_MESSAGE_DIALOG (dialog);
}

static void
group_closed_cb (SiyuGroupsPage *self,
                 gboolean        changed)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
  adw_bin_set_child (self->group_bin, NULL);
  siyu_groups_page_reload (self);
}

static void
runner_settings_changed_cb (SiyuGroupsPage *self)
{
  siyu_groups_page_reload (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (widget);
  GtkWidget *child = adw_bin_get_child (self->group_bin);

  siyu_groups_page_reload (self);
  if (child != NULL)
    siyu_group_page_reload (SIYU_GROUP_PAGE (child));
}

static void
new_group_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ask_new_group (SIYU_GROUPS_PAGE (widget));
}

static void
siyu_groups_page_constructed (GObject *object)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (object);

  G_OBJECT_CLASS (siyu_groups_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);
  siyu_groups_page_reload (self);
}

static void
siyu_groups_page_dispose (GObject *object)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_GROUPS_PAGE);

  G_OBJECT_CLASS (siyu_groups_page_parent_class)->dispose (object);
}

static void
siyu_groups_page_finalize (GObject *object)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->groups, json_node_unref);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->names);

  G_OBJECT_CLASS (siyu_groups_page_parent_class)->finalize (object);
}

static void
siyu_groups_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (object);

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
siyu_groups_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SiyuGroupsPage *self = SIYU_GROUPS_PAGE (object);

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
siyu_groups_page_class_init (SiyuGroupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_groups_page_constructed;
  object_class->dispose = siyu_groups_page_dispose;
  object_class->finalize = siyu_groups_page_finalize;
  object_class->get_property = siyu_groups_page_get_property;
  object_class->set_property = siyu_groups_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-groups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, active_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, archived_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuGroupsPage, group_bin);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.new-group", NULL, new_group_action);
}

static void
siyu_groups_page_init (SiyuGroupsPage *self)
{
  self->rows = g_ptr_array_new ();
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuGroupsPage *
siyu_groups_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_GROUPS_PAGE, "runner", runner, NULL);
}

/* Reads the groups and their figures again. */
void
siyu_groups_page_reload (SiyuGroupsPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SIYU_IS_GROUPS_PAGE (self));

  task = g_task_new (self, self->cancellable, listed_cb, NULL);
  self->loading = TRUE;
  siyu_shop_runner_run (self->runner, task, list_job);
}

/* Opens a group's page in place of the list. */
void
siyu_groups_page_open (SiyuGroupsPage *self,
                       gint64          group_id)
{
  SiyuGroupPage *page;

  g_return_if_fail (SIYU_IS_GROUPS_PAGE (self));

  page = siyu_group_page_new (self->runner, group_id);
  g_signal_connect_swapped (page, "closed", G_CALLBACK (group_closed_cb), self);
  adw_bin_set_child (self->group_bin, GTK_WIDGET (page));
  gtk_stack_set_visible_child_name (self->stack, "group");
}

/* For tests. */
const char *
_siyu_groups_page_get_state (SiyuGroupsPage *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "group"))
    return "group";
  if (self->loading || self->pending > 0)
    return "loading";
  return gtk_stack_get_visible_child_name (self->list_stack);
}

/* The list as shown: the count, then a line per group, name and figures. */
char *
_siyu_groups_page_describe (SiyuGroupsPage *self)
{
  GString *out = g_string_new (gtk_label_get_label (self->count_label));

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      g_autofree char *title = NULL;

      pango_parse_markup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1, 0, NULL, &title, NULL, NULL);
      g_string_append_printf (out, "\n%s%s: %s",
                              g_object_get_data (G_OBJECT (row), "archived") != NULL ? "[archived] " : "",
                              title, (const char *) g_object_get_data (G_OBJECT (row), "subtitle"));
    }

  return g_string_free (out, FALSE);
}

void
_siyu_groups_page_open_row (SiyuGroupsPage *self,
                            guint           index)
{
  g_signal_emit_by_name (g_ptr_array_index (self->rows, index), "activated");
}

SiyuGroupPage *
_siyu_groups_page_get_group_page (SiyuGroupsPage *self)
{
  GtkWidget *child = adw_bin_get_child (self->group_bin);

  return child != NULL ? SIYU_GROUP_PAGE (child) : NULL;
}

AdwMessageDialog *
_siyu_groups_page_ask_new_group (SiyuGroupsPage *self)
{
  return ask_new_group (self);
}

void
_siyu_groups_page_fill_new_group (SiyuGroupsPage *self,
                                  const char     *name,
                                  guint           kind)
{
  gtk_editable_set_text (GTK_EDITABLE (self->new_entry), name);
  gtk_drop_down_set_selected (self->new_kind, kind);
}

const char *
_siyu_groups_page_get_new_group_problem (SiyuGroupsPage *self)
{
  return gtk_label_get_label (self->new_problem);
}
