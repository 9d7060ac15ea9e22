/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contact-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts.h"
#include "siyu-money.h"
#include "siyu-time.h"

/* One contact, opened from the contacts list: who they are, what they
 * bought, their stage and tier, their consent, tags and groups.  Tags and
 * do-not-contact change with one click and can be undone from the toast;
 * erasing asks first and says exactly what goes. */

typedef enum {
  EDIT_DO_NOT_CONTACT,
  EDIT_TAG,
  EDIT_UNTAG,
  EDIT_ERASE,
  EDIT_MERGE,
  EDIT_UNMERGE,
} EditKind;

struct _SiyuContactPage
{
  GtkWidget       parent_instance;

  GtkWidget      *outer;
  GtkWidget      *box;
  GtkWidget      *title;
  GtkWidget      *erase_button;
  GtkWidget      *content;       /* rebuilt on every load */
  GtkWidget      *tag_entry;

  SiyuShopRunner *runner;
  gint64          contact_id;
  GCancellable   *cancellable;
  JsonNode       *described;
  char           *tier;
  gboolean        changed;
  gboolean        loaded;
  guint           pending;       /* jobs asked for and not yet back */
  EditKind        undo_kind;     /* what the last toast's Undo does */
  char           *undo_value;
  JsonNode       *undo_node;
  GPtrArray      *duplicates;    /* SiyuContactSummary */
  gboolean        can_undo;
  AdwToast       *undo_toast;    /* weak; the toast offering it */
};

G_DEFINE_FINAL_TYPE (SiyuContactPage, siyu_contact_page, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (SiyuContactPage *self);

typedef struct {
  EditKind  kind;
  gint64    contact_id;
  char     *value;
  JsonNode *node;      /* in for an unmerge, out of a merge */
  gboolean  changed;   /* out: whether the edit changed anything */
  char     *previous;  /* out: for do-not-contact */
} Edit;

static void
edit_free (gpointer data)
{
  Edit *edit = data;

  g_free (edit->value);
  g_free (edit->previous);
  g_clear_pointer (&edit->node, json_node_unref);
  g_free (edit);
}

typedef struct {
  JsonNode  *described;
  char      *tier;
  GPtrArray *duplicates;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->described, json_node_unref);
  g_clear_pointer (&loaded->duplicates, g_ptr_array_unref);
  g_free (loaded->tier);
  g_free (loaded);
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  gint64 contact_id = *(gint64 *) task_data;
  GError *error = NULL;
  Loaded *loaded = g_new0 (Loaded, 1);
  JsonObject *metrics;
  sqlite3_stmt *stmt;

  loaded->described = siyu_contact_describe (shop, contact_id, &error);
  if (loaded->described == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  {
    g_autoptr(GArray) same = siyu_contact_find_duplicates (shop, contact_id, NULL);

    if (same != NULL && same->len > 0)
      loaded->duplicates = siyu_contacts_summarize (shop, (const gint64 *) same->data, same->len, NULL);
  }

  metrics = json_object_get_object_member (json_node_get_object (loaded->described), "metrics");
  if (metrics != NULL && !json_object_get_null_member (metrics, "tier_id"))
    {
      const char * const *languages = g_get_language_names ();

      stmt = siyu_db_prepare (siyu_shop_get_db (shop), "SELECT name, name_zh FROM tiers WHERE id = ?", NULL);
      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, json_object_get_int_member (metrics, "tier_id"));
          if (sqlite3_step (stmt) == SQLITE_ROW)
            loaded->tier = g_strdup ((const char *) sqlite3_column_text (stmt,
                                     g_str_has_prefix (languages[0], "zh") &&
                                     sqlite3_column_type (stmt, 1) != SQLITE_NULL ? 1 : 0));
          sqlite3_reset (stmt);
        }
    }

  g_task_return_pointer (task, loaded, loaded_free);
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  if (object == NULL || !json_object_has_member (object, member) ||
      json_object_get_null_member (object, member))
    return NULL;
  return json_object_get_string_member (object, member);
}

static gint64
member_int (JsonObject *object,
            const char *member)
{
  if (object == NULL || !json_object_has_member (object, member) ||
      json_object_get_null_member (object, member))
    return 0;
  return json_object_get_int_member (object, member);
}

static char *
format_time (gint64 utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (utc);

  /* Translators: a day, as a strftime format, e.g. “%Y年%-m月%-d日”. */
  return g_date_time_format (time, _("%-d %B %Y"));
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_set_tooltip_text (label, value);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value,
                                  -1);
  return row;
}

static GtkWidget *
new_group (SiyuContactPage *self,
           const char      *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (GTK_BOX (self->content), group);
  return group;
}

static AdwToastOverlay *
toast_overlay (SiyuContactPage *self)
{
  return ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY));
}

static void run_edit (SiyuContactPage *self,
                      EditKind         kind,
                      const char      *value,
                      gboolean         undoing);

static void
undo_toast_dismissed_cb (AdwToast        *toast,
                         SiyuContactPage *self)
{
  if (self->undo_toast == toast)
    g_clear_weak_pointer (&self->undo_toast);
}

static void
undo_clicked_cb (AdwToast        *toast,
                 SiyuContactPage *self)
{
  /* Only the newest change can be taken back. */
  if (self->undo_toast == toast)
    _siyu_contact_page_undo (self);
}

static void
offer_undo (SiyuContactPage *self,
            const char      *message,
            EditKind         kind,
            const char      *value,
            JsonNode        *node)
{
  AdwToastOverlay *overlay = toast_overlay (self);
  AdwToast *toast;

  self->undo_kind = kind;
  g_free (self->undo_value);
  self->undo_value = g_strdup (value);
  g_clear_pointer (&self->undo_node, json_node_unref);
  self->undo_node = node != NULL ? json_node_ref (node) : NULL;
  self->can_undo = TRUE;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* A merge can be undone until the toast is dismissed. */
  if (kind == EDIT_UNMERGE)
    adw_toast_set_timeout (toast, 0);
  /* The overlay puts the new toast in place of the one it shows. */
  g_set_weak_pointer (&self->undo_toast, toast);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (overlay, toast);
}

static void
show_error (SiyuContactPage *self,
            const GError    *error)
{
  AdwToastOverlay *overlay = toast_overlay (self);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (error->message));
  else
    g_warning ("%s", error->message);
}

static void
edit_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Edit *edit = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (edit->kind)
    {
    case EDIT_DO_NOT_CONTACT:
      ok = siyu_contact_set (shop, edit->contact_id, SIYU_CONTACT_DO_NOT_CONTACT, edit->value,
                             &edit->previous, &error);
      edit->changed = ok && g_strcmp0 (edit->previous, edit->value) != 0;
      break;
    case EDIT_TAG:
      ok = siyu_contact_tag (shop, edit->contact_id, edit->value, &edit->changed, &error);
      break;
    case EDIT_UNTAG:
      ok = siyu_contact_untag (shop, edit->contact_id, edit->value, &edit->changed, &error);
      break;
    case EDIT_ERASE:
      ok = siyu_contact_erase (shop, edit->contact_id, &error);
      edit->changed = ok;
      break;
    case EDIT_MERGE:
      edit->node = siyu_contact_merge (shop, edit->contact_id, g_ascii_strtoll (edit->value, NULL, 10),
                                       NULL, 0, &error);
      ok = edit->changed = edit->node != NULL;
      break;
    case EDIT_UNMERGE:
      ok = edit->changed = siyu_contact_unmerge (shop, edit->node, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
edited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuContactPage *self = SIYU_CONTACT_PAGE (source);
  Edit *edit = g_task_get_task_data (G_TASK (result));
  gboolean undoing = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->pending--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      load (self);
      return;
    }

  self->changed |= edit->changed;
  if (edit->kind == EDIT_ERASE)
    {
      g_signal_emit (self, signals[CLOSED], 0, TRUE);
      return;
    }

  if (edit->changed && !undoing)
    switch (edit->kind)
      {
      case EDIT_DO_NOT_CONTACT:
        offer_undo (self, g_str_equal (edit->value, "1") ? _("Marked as do not contact")
                                                         : _("May be contacted again"),
                    EDIT_DO_NOT_CONTACT, edit->previous, NULL);
        break;
      case EDIT_TAG:
        /* Translators: %s is a tag. */
        message = g_strdup_printf (_("Tagged “%s”"), edit->value);
        offer_undo (self, message, EDIT_UNTAG, edit->value, NULL);
        break;
      case EDIT_UNTAG:
        /* Translators: %s is a tag. */
        message = g_strdup_printf (_("Tag “%s” removed"), edit->value);
        offer_undo (self, message, EDIT_TAG, edit->value, NULL);
        break;
      case EDIT_MERGE:
        offer_undo (self, _("Merged into this contact"), EDIT_UNMERGE, NULL, edit->node);
        break;
      case EDIT_UNMERGE:
      case EDIT_ERASE:
      default:
        break;
      }

  load (self);
}

static void
run_edit_full (SiyuContactPage *self,
               EditKind         kind,
               const char      *value,
               JsonNode        *node,
               gboolean         undoing)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, edited_cb, GINT_TO_POINTER (undoing));
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = kind;
  edit->contact_id = self->contact_id;
  edit->value = g_strdup (value);
  edit->node = node != NULL ? json_node_ref (node) : NULL;
  g_task_set_task_data (task, edit, edit_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, edit_job);
}

static void
run_edit (SiyuContactPage *self,
          EditKind         kind,
          const char      *value,
          gboolean         undoing)
{
  run_edit_full (self, kind, value, NULL, undoing);
}

static void
merge_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SiyuContactPage  *self)
{
  if (g_str_equal (response, "merge"))
    run_edit (self, EDIT_MERGE, g_object_get_data (G_OBJECT (dialog), "other"), FALSE);
}

static void
ask_merge (SiyuContactPage          *self,
           const SiyuContactSummary *other)
{
  JsonObject *contact = json_object_get_object_member (json_node_get_object (self->described), "contact");
  const char *name = member_string (contact, "name");
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: %s is a contact's name. */
  heading = g_strdup_printf (_("Merge %s Into This Contact?"), other->name != NULL ? other->name : _("No name"));
  /* Translators: the first %s is the other record's phone or e-mail, the second this contact's name. */
  body = g_strdup_printf (_("The record with %s is removed and everything about it — identities, orders, events, "
                            "groups and tags — moves to %s. Where both have a value, this contact’s stays; what it "
                            "lacks is taken from the other. You can undo this from the message that follows."),
                          other->phone != NULL ? other->phone : other->email != NULL ? other->email : "—",
                          name != NULL ? name : _("this contact"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "merge", _("_Merge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "other", g_strdup_printf ("%" G_GINT64_FORMAT, other->id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (merge_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
merge_clicked_cb (GtkButton       *button,
                  SiyuContactPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (self->duplicates != NULL && index < self->duplicates->len)
    ask_merge (self, g_ptr_array_index (self->duplicates, index));
}

static gboolean
do_not_contact_set_cb (GtkSwitch       *button,
                       gboolean         state,
                       SiyuContactPage *self)
{
  if (!self->loaded)
    return FALSE;
  run_edit (self, EDIT_DO_NOT_CONTACT, state ? "1" : "0", FALSE);
  return FALSE;
}

static void
tag_remove_clicked_cb (GtkButton       *button,
                       SiyuContactPage *self)
{
  run_edit (self, EDIT_UNTAG, g_object_get_data (G_OBJECT (button), "tag"), FALSE);
}

static void
tag_entry_activate_cb (GtkEntry        *entry,
                       SiyuContactPage *self)
{
  g_autofree char *tag = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*tag == '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  run_edit (self, EDIT_TAG, tag, FALSE);
}

static void
erase_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SiyuContactPage  *self)
{
  if (g_str_equal (response, "erase"))
    run_edit (self, EDIT_ERASE, NULL, FALSE);
}

static void
erase_clicked_cb (SiyuContactPage *self)
{
  JsonObject *contact = json_object_get_object_member (json_node_get_object (self->described), "contact");
  const char *name = member_string (contact, "name");
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  /* Translators: %s is a contact's name. */
  heading = name != NULL ? g_strdup_printf (_("Erase %s?"), name) : g_strdup (_("Erase This Contact?"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("Their name, phone numbers, e-mail addresses, ids, notes, tags, events and "
                                     "group memberships are removed for good. Their orders stay, without a name, "
                                     "so the shop’s figures do not change. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "erase", _("_Erase"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (erase_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
back_clicked_cb (SiyuContactPage *self)
{
  g_signal_emit (self, signals[CLOSED], 0, self->changed);
}

static const char *
stage_label (const char *stage)
{
  for (SiyuStage s = 0; s < SIYU_N_STAGES; s++)
    if (g_strcmp0 (stage, siyu_stage_to_string (s)) == 0)
      return siyu_stage_get_label (s);
  return NULL;
}

static const char *
segment_label (const char *segment)
{
  for (SiyuRfmSegment s = SIYU_RFM_CHAMPIONS; s < SIYU_N_RFM_SEGMENTS; s++)
    if (g_strcmp0 (segment, siyu_rfm_segment_to_string (s)) == 0)
      return siyu_rfm_segment_get_label (s);
  return NULL;
}

static const char *
status_label (const char *status)
{
  if (g_strcmp0 (status, "paid") == 0)
    return C_("order status", "Paid");
  if (g_strcmp0 (status, "unpaid") == 0)
    return C_("order status", "Unpaid");
  if (g_strcmp0 (status, "refunded") == 0)
    return C_("order status", "Refunded");
  if (g_strcmp0 (status, "partially_refunded") == 0)
    return C_("order status", "Partly refunded");
  if (g_strcmp0 (status, "cancelled") == 0)
    return C_("order status", "Cancelled");
  return status;
}

static void
show (SiyuContactPage *self)
{
  JsonObject *root = json_node_get_object (self->described);
  JsonObject *contact = json_object_get_object_member (root, "contact");
  JsonObject *metrics = json_object_get_null_member (root, "metrics") ? NULL
                        : json_object_get_object_member (root, "metrics");
  JsonArray *identities = json_object_get_array_member (root, "identities");
  JsonArray *tags = json_object_get_array_member (root, "tags");
  JsonArray *groups = json_object_get_array_member (root, "groups");
  JsonArray *orders = json_object_get_array_member (root, "orders");
  const char *currency = siyu_shop_runner_get_currency (self->runner);
  const char *name = member_string (contact, "name");
  GtkWidget *group, *row, *flow, *toggle;
  const char *text;

  if (self->content != NULL)
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->content)), self->content);
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (self->content, 12);
  gtk_widget_set_margin_bottom (self->content, 24);
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  gtk_box_append (GTK_BOX (self->box), self->content);

  gtk_label_set_label (GTK_LABEL (self->title), name != NULL ? name : _("No name"));

  group = new_group (self, _("Contact Details"));
  for (guint i = 0; i < json_array_get_length (identities); i++)
    {
      JsonObject *identity = json_array_get_object_element (identities, i);
      const char *kind = member_string (identity, "kind");
      const char *title = g_strcmp0 (kind, "phone") == 0 ? _("Phone")
                          : g_strcmp0 (kind, "email") == 0 ? _("E-mail")
                          : g_strcmp0 (kind, "wechat") == 0 ? _("WeChat id")
                          : kind;

      add_row (group, title, member_string (identity, "value"));
    }
  if ((text = member_string (contact, "city")) != NULL)
    add_row (group, _("City"), text);
  if ((text = member_string (contact, "birthday")) != NULL)
    add_row (group, _("Birthday"), text);
  {
    g_autofree char *seen = format_time (member_int (contact, "first_seen_at"));

    add_row (group, _("First seen"), seen);
  }
  if (member_int (contact, "member_since") > 0)
    {
      g_autofree char *since = format_time (member_int (contact, "member_since"));

      add_row (group, _("Member since"), since);
    }

  group = new_group (self, _("Purchases"));
  if (metrics != NULL)
    {
      g_autofree char *spend = siyu_money_format (member_int (metrics, "net_spend"), currency);
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, member_int (metrics, "orders"));

      if ((text = stage_label (member_string (metrics, "stage"))) != NULL)
        add_row (group, _("Lifecycle stage"), text);
      if ((text = segment_label (member_string (metrics, "rfm_segment"))) != NULL)
        add_row (group, _("RFM segment"), text);
      if (self->tier != NULL)
        {
          row = add_row (group, _("Member tier"), self->tier);
          if (member_int (metrics, "tier_gap") > 0)
            {
              g_autofree char *gap = siyu_money_format (member_int (metrics, "tier_gap"), currency);
              /* Translators: %s is an amount of money. */
              g_autofree char *subtitle = g_strdup_printf (_("%s more to the next tier"), gap);

              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
            }
        }
      add_row (group, _("Orders"), count);
      add_row (group, _("Net spend"), spend);
    }
  else
    add_row (group, _("Figures"), _("Counted at the next recompute"));

  group = new_group (self, _("Marketing"));
  row = add_row (group, _("Agrees to marketing"), member_int (contact, "marketing_consent") ? _("Yes") : _("No"));
  if (member_int (contact, "consent_at") > 0)
    {
      g_autofree char *when = format_time (member_int (contact, "consent_at"));
      const char *source = member_string (contact, "consent_source");
      /* Translators: when and where a contact gave or refused consent, e.g. “3 March 2025, youzan-customers”. */
      g_autofree char *subtitle = source != NULL ? g_strdup_printf (_("%s, %s"), when, source) : g_strdup (when);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Do not contact"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Left out of every export and message, whatever their consent"));
  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), member_int (contact, "do_not_contact") != 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Do not contact"), -1);
  g_signal_connect (toggle, "state-set", G_CALLBACK (do_not_contact_set_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  group = new_group (self, _("Tags"));
  flow = NULL;
  if (json_array_get_length (tags) > 0)
    {
      flow = gtk_flow_box_new ();
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
    }
  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      const char *tag = json_array_get_string_element (tags, i);
      GtkWidget *chip = gtk_button_new ();
      GtkWidget *chip_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      /* Translators: the accessible name of a tag's remove button; %s is the tag. */
      g_autofree char *label = g_strdup_printf (_("Remove tag %s"), tag);

      gtk_box_append (GTK_BOX (chip_box), gtk_label_new (tag));
      gtk_box_append (GTK_BOX (chip_box), gtk_image_new_from_icon_name ("window-close-symbolic"));
      gtk_button_set_child (GTK_BUTTON (chip), chip_box);
      gtk_widget_add_css_class (chip, "pill");
      gtk_widget_add_css_class (chip, "small");
      gtk_widget_set_tooltip_text (chip, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (chip), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (chip), "tag", g_strdup (tag), g_free);
      g_signal_connect (chip, "clicked", G_CALLBACK (tag_remove_clicked_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), chip);
    }
  self->tag_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->tag_entry), _("Add a tag and press Enter"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tag_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("New tag"), -1);
  g_signal_connect (self->tag_entry, "activate", G_CALLBACK (tag_entry_activate_cb), self);
  {
    GtkWidget *tag_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

    if (flow != NULL)
      gtk_box_append (GTK_BOX (tag_box), flow);
    gtk_box_append (GTK_BOX (tag_box), self->tag_entry);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), tag_box);
  }

  if (self->duplicates != NULL && self->duplicates->len > 0)
    {
      group = new_group (self, _("Maybe the Same Person"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Other records with the same name and city, phone or e-mail"));
      for (guint i = 0; i < self->duplicates->len; i++)
        {
          const SiyuContactSummary *other = g_ptr_array_index (self->duplicates, i);
          GtkWidget *button;
          g_autofree char *label = NULL;

          if (other == NULL)
            continue;
          row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), other->name != NULL ? other->name : _("No name"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       other->phone != NULL ? other->phone : other->email != NULL ? other->email : "");
          button = gtk_button_new_with_mnemonic (_("_Merge…"));
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          /* Translators: the accessible name of a merge button; %s is the other record's name. */
          label = g_strdup_printf (_("Merge %s into this contact"), other->name != NULL ? other->name : "");
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
          g_signal_connect (button, "clicked", G_CALLBACK (merge_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
    }

  if (json_array_get_length (groups) > 0)
    {
      group = new_group (self, _("Community Groups"));
      for (guint i = 0; i < json_array_get_length (groups); i++)
        {
          JsonObject *membership = json_array_get_object_element (groups, i);
          g_autofree char *joined = format_time (member_int (membership, "joined_at"));
          g_autofree char *left = member_int (membership, "left_at") > 0
                                  ? format_time (member_int (membership, "left_at")) : NULL;
          /* Translators: when a contact joined a group, and maybe left it. */
          g_autofree char *when = left != NULL ? g_strdup_printf (_("Joined %s, left %s"), joined, left)
                                               : g_strdup_printf (_("Joined %s"), joined);

          add_row (group, member_string (membership, "group"), when);
        }
    }

  group = new_group (self, _("Orders"));
  if (json_array_get_length (orders) == 0)
    add_row (group, _("No orders yet"), "");
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);
      g_autofree char *when = format_time (member_int (order, "created_at"));
      g_autofree char *total = siyu_money_format (member_int (order, "total"), currency);
      g_autofree char *title = g_strdup_printf ("%s · %s", member_string (order, "reference"), when);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", member_string (order, "channel"),
                                                   status_label (member_string (order, "status")));

      row = add_row (group, title, total);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }

  gtk_widget_set_sensitive (self->erase_button, TRUE);
  self->loaded = TRUE;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuContactPage *self;

  if (loaded == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CONTACT_PAGE (source);
  self->pending--;
  if (loaded == NULL)
    {
      show_error (self, error);
      g_signal_emit (self, signals[CLOSED], 0, TRUE);
      return;
    }

  g_clear_pointer (&self->described, json_node_unref);
  g_free (self->tier);
  self->described = g_steal_pointer (&loaded->described);
  self->tier = g_steal_pointer (&loaded->tier);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  self->duplicates = g_steal_pointer (&loaded->duplicates);
  loaded_free (loaded);
  self->loaded = FALSE;
  show (self);
}

static void
load (SiyuContactPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  gint64 *id = g_new (gint64, 1);

  *id = self->contact_id;
  g_task_set_task_data (task, id, g_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, load_job);
}

static void
siyu_contact_page_dispose (GObject *object)
{
  SiyuContactPage *self = SIYU_CONTACT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->undo_toast);
  g_clear_pointer (&self->outer, gtk_widget_unparent);

  G_OBJECT_CLASS (siyu_contact_page_parent_class)->dispose (object);
}

static void
siyu_contact_page_finalize (GObject *object)
{
  SiyuContactPage *self = SIYU_CONTACT_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->described, json_node_unref);
  g_free (self->tier);
  g_free (self->undo_value);
  g_clear_pointer (&self->undo_node, json_node_unref);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);

  G_OBJECT_CLASS (siyu_contact_page_parent_class)->finalize (object);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  back_clicked_cb (SIYU_CONTACT_PAGE (widget));
}

static void
add_tag_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SiyuContactPage *self = SIYU_CONTACT_PAGE (widget);

  if (self->tag_entry != NULL)
    gtk_widget_grab_focus (self->tag_entry);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _siyu_contact_page_undo (SIYU_CONTACT_PAGE (widget));
}

static void
siyu_contact_page_class_init (SiyuContactPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_contact_page_dispose;
  object_class->finalize = siyu_contact_page_finalize;

  /**
   * SiyuContactPage::closed:
   * @changed: whether the contact was changed, so that lists read it again
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "contact.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "contact.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "contact.back", NULL);
  gtk_widget_class_install_action (widget_class, "contact.add-tag", NULL, add_tag_action);
  gtk_widget_class_install_action (widget_class, "contact.undo", NULL, undo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "contact.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "contact.add-tag", NULL);
}

static void
siyu_contact_page_init (SiyuContactPage *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->cancellable = g_cancellable_new ();

  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_tooltip_text (back, _("Back to Contacts"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to Contacts"), -1);
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (back_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), back);

  self->title = gtk_label_new ("");
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_widget_set_hexpand (self->title, TRUE);
  gtk_widget_add_css_class (self->title, "title-3");
  gtk_box_append (GTK_BOX (header), self->title);

  self->erase_button = gtk_button_new_with_mnemonic (_("_Erase…"));
  gtk_widget_add_css_class (self->erase_button, "destructive-action");
  gtk_widget_set_tooltip_text (self->erase_button, _("Erase this person’s personal data for good"));
  gtk_widget_set_sensitive (self->erase_button, FALSE);
  g_signal_connect_swapped (self->erase_button, "clicked", G_CALLBACK (erase_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), self->erase_button);

  self->outer = outer;
  gtk_box_append (GTK_BOX (outer), header);
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (outer), scrolled);
  gtk_widget_set_parent (outer, GTK_WIDGET (self));

  /* The groups go in a box inside the clamp. */
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->box);
}

SiyuContactPage *
siyu_contact_page_new (SiyuShopRunner *runner,
                       gint64          contact_id)
{
  SiyuContactPage *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_CONTACT_PAGE, NULL);
  self->runner = g_object_ref (runner);
  self->contact_id = contact_id;
  load (self);

  return self;
}

gint64
siyu_contact_page_get_contact_id (SiyuContactPage *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_PAGE (self), 0);
  return self->contact_id;
}

/* Whether the contact has been read and is shown. */
gboolean
siyu_contact_page_is_loaded (SiyuContactPage *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_PAGE (self), FALSE);
  return self->loaded;
}

/* For tests: what a click does. */
gboolean
_siyu_contact_page_is_busy (SiyuContactPage *self)
{
  return self->pending > 0 || !self->loaded;
}

void
_siyu_contact_page_add_tag (SiyuContactPage *self,
                            const char      *tag)
{
  gtk_editable_set_text (GTK_EDITABLE (self->tag_entry), tag);
  g_signal_emit_by_name (self->tag_entry, "activate");
}

void
_siyu_contact_page_remove_tag (SiyuContactPage *self,
                               const char      *tag)
{
  run_edit (self, EDIT_UNTAG, tag, FALSE);
}

void
_siyu_contact_page_set_do_not_contact (SiyuContactPage *self,
                                       gboolean         value)
{
  run_edit (self, EDIT_DO_NOT_CONTACT, value ? "1" : "0", FALSE);
}

/* What the Undo button of the last toast does. */
gboolean
_siyu_contact_page_undo (SiyuContactPage *self)
{
  if (!self->can_undo)
    return FALSE;
  self->can_undo = FALSE;
  /* Its toast stays until it times out, but does nothing more.  (Dismissing
   * it here crashes libadwaita 1.2 when it is hiding already.) */
  g_clear_weak_pointer (&self->undo_toast);
  run_edit_full (self, self->undo_kind, self->undo_value, self->undo_node, TRUE);
  return TRUE;
}

guint
_siyu_contact_page_get_n_duplicates (SiyuContactPage *self)
{
  return self->duplicates != NULL ? self->duplicates->len : 0;
}

void
_siyu_contact_page_ask_merge (SiyuContactPage *self,
                              guint            index)
{
  ask_merge (self, g_ptr_array_index (self->duplicates, index));
}

void
_siyu_contact_page_ask_erase (SiyuContactPage *self)
{
  erase_clicked_cb (self);
}

const char *
_siyu_contact_page_get_title (SiyuContactPage *self)
{
  return gtk_label_get_label (GTK_LABEL (self->title));
}
