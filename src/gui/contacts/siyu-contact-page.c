/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contact-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-consent.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts.h"
#include "siyu-db.h"
#include "siyu-money.h"
#include "siyu-orders.h"
#include "siyu-shop-lists.h"
#include "siyu-time.h"

/* One contact, opened from the contacts list: who they are, what they
 * bought, their stage and tier and why, their consent, tags and groups, and
 * one timeline of everything that happened with them.  Fields, tags, consent
 * and do-not-contact change in place and can be undone from the toast;
 * erasing asks first and says exactly what goes. */

typedef enum {
  EDIT_FIELD,
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
  GtkWidget      *field_rows[SIYU_N_CONTACT_FIELDS];
  GtkWidget      *notes_view;
  GtkWidget      *notes_save;
  gboolean        notes_changed;
  GtkWidget      *stage_row;
  GtkWidget      *rfm_row;
  GPtrArray      *timeline;      /* char *, one line per row, for the tests */

  SiyuShopRunner *runner;
  gint64          contact_id;
  GCancellable   *cancellable;
  JsonNode       *described;
  char           *tier;
  gboolean        changed;
  gboolean        loaded;
  guint           pending;       /* jobs asked for and not yet back */
  EditKind        undo_kind;     /* what the last toast's Undo does */
  SiyuContactField undo_field;
  char           *undo_value;
  JsonNode       *undo_node;
  GPtrArray      *duplicates;    /* SiyuContactSummary */
  SiyuContactSummary *taken_by;  /* whose phone or e-mail the last edit wanted */
  char           *message;       /* of the last toast */
  SiyuLifecycleModel model;
  gint64          window_orders; /* paid orders in the model's mature window */
  GtkStringList  *tag_names;     /* the shop's tags, for completion */
  gboolean        can_undo;
  AdwToast       *undo_toast;    /* weak; the toast offering it */
  char           *prediction_text;
  /* Text the owner typed that could not be saved because another program
   * was writing the shop: put back after the page is rebuilt, to save
   * again. */
  char           *unsaved[SIYU_N_CONTACT_FIELDS];
  char           *unsaved_tag;
  gboolean        unsaved_shown;  /* whether the page shows the text kept */
};

G_DEFINE_FINAL_TYPE (SiyuContactPage, siyu_contact_page, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (SiyuContactPage *self);

typedef struct {
  EditKind          kind;
  SiyuContactField  field;     /* for EDIT_FIELD */
  gint64            contact_id;
  char             *value;
  JsonNode         *node;      /* in for an unmerge, out of a merge */
  gboolean          changed;   /* out: whether the edit changed anything */
  char             *previous;  /* out: for fields and do-not-contact */
  SiyuContactSummary *owner;   /* out: who has the phone or e-mail already */
  guint             removed;   /* out: backups deleted with an erasure */
} Edit;

static void
edit_free (gpointer data)
{
  Edit *edit = data;

  g_free (edit->value);
  g_free (edit->previous);
  g_clear_pointer (&edit->node, json_node_unref);
  g_clear_pointer (&edit->owner, siyu_contact_summary_free);
  g_free (edit);
}

typedef struct {
  JsonNode          *described;
  char              *tier;
  GPtrArray         *duplicates;
  SiyuLifecycleModel model;
  gint64             window_orders;
  GStrv              tag_names;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->described, json_node_unref);
  g_clear_pointer (&loaded->duplicates, g_ptr_array_unref);
  g_free (loaded->tier);
  g_strfreev (loaded->tag_names);
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
      g_autoptr(GPtrArray) tiers = siyu_shop_list_names (shop, SIYU_NAMES_TIERS, 0, NULL);
      gint64 tier_id = json_object_get_int_member (metrics, "tier_id");

      for (guint i = 0; tiers != NULL && i < tiers->len; i++)
        {
          SiyuNamedItem *tier = g_ptr_array_index (tiers, i);

          if (tier->id == tier_id)
            loaded->tier = g_strdup (siyu_tier_display_name (tier->name, tier->name_zh));
        }
    }

  if (!siyu_lifecycle_model_load (shop, &loaded->model, NULL))
    loaded->model = SIYU_LIFECYCLE_MODEL_DEFAULT;

  /* The stage rule counts paid orders in the model's window ending on the
   * day the figures were computed for. */
  {
    const char *as_of = metrics != NULL ? json_object_get_string_member_with_default (metrics, "as_of", NULL) : NULL;
    SiyuDay day;

    if (as_of != NULL && siyu_day_parse (as_of, &day))
      {
        GTimeZone *tz = siyu_shop_get_time_zone (shop);
        gint64 n = siyu_shop_count_paid_orders_of (shop, contact_id,
                                                   siyu_day_start_time (tz, day - loaded->model.mature_window_days),
                                                   siyu_day_start_time (tz, day + 1), NULL);

        loaded->window_orders = MAX (n, 0);
      }
  }

  {
    g_autoptr(GPtrArray) tags = siyu_shop_list_names (shop, SIYU_NAMES_TAGS, 1000, NULL);
    g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

    for (guint i = 0; tags != NULL && i < tags->len; i++)
      g_strv_builder_add (names, ((SiyuNamedItem *) g_ptr_array_index (tags, i))->name);
    loaded->tag_names = g_strv_builder_end (names);
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
format_time (SiyuContactPage *self,
             gint64           utc)
{
  /* Translators: a day, as a strftime format, e.g. “%Y年%-m月%-d日”. */
  return siyu_shop_runner_format_time (self->runner, utc, _("%-d %B %Y"));
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

static GtkWidget *new_group (SiyuContactPage *self,
                             const char      *title);

static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

static double
member_double (JsonObject *object,
               const char *member)
{
  if (object == NULL || !json_object_has_member (object, member) ||
      json_object_get_null_member (object, member))
    return NAN;
  return json_object_get_double_member (object, member);
}

/* A predicted figure, with a button saying in words what it means. */
static GtkWidget *
add_explained_row (GtkWidget  *group,
                   const char *title,
                   const char *value,
                   const char *explanation)
{
  GtkWidget *row = add_row (group, title, value);
  GString *shown = g_object_get_data (G_OBJECT (group), "shown");
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *label = gtk_label_new (explanation);
  /* Translators: the accessible name of the button explaining a figure, e.g. “What “Likely to buy again” means”. */
  g_autofree char *name = g_strdup_printf (_("What “%s” means"), title);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), label);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "dialog-information-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_tooltip_text (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  if (shown != NULL)
    g_string_append_printf (shown, "%s%s: %s", shown->len > 0 ? "; " : "", title, value);

  return row;
}

/* What the predictive models say of this contact, and how sure they are
 * (shared/ANALYTICS.md "Predictive"). */
static void
show_prediction (SiyuContactPage *self,
                 JsonObject      *prediction,
                 gboolean         computed,
                 const char      *currency)
{
  JsonObject *fit = prediction != NULL && json_object_has_member (prediction, "fit") &&
                    JSON_NODE_HOLDS_OBJECT (json_object_get_member (prediction, "fit"))
                    ? json_object_get_object_member (prediction, "fit") : NULL;
  JsonObject *bgnbd = fit != NULL && json_object_has_member (fit, "mbgnbd") ? json_object_get_object_member (fit, "mbgnbd") : NULL;
  JsonObject *gamma = fit != NULL && json_object_has_member (fit, "gamma_gamma") ? json_object_get_object_member (fit, "gamma_gamma") : NULL;
  gboolean fitted = g_strcmp0 (member_string (bgnbd, "status"), "ok") == 0;
  gboolean valued = fitted && g_strcmp0 (member_string (gamma, "status"), "ok") == 0;
  double p_alive = member_double (prediction, "p_alive");
  double orders = member_double (prediction, "exp_orders_90d");
  g_autofree char *repeat = siyu_count_format (member_int (fit, "repeat_buyers"));
  /* Translators: how sure the predictions are; %s is a number of customers. */
  g_autofree char *basis = g_strdup_printf (_("Learnt from the shop’s own %s customers who bought more than once. "
                                              "It is an estimate, surer for customers with many orders."), repeat);
  GtkWidget *group = new_group (self, _("Likely Future"));
  GString *shown = g_string_new (NULL);
  const char *why_not = member_string (bgnbd, "reason") != NULL ? member_string (bgnbd, "reason")
                        : computed ? _("This customer has no paid order to learn from.")
                        : _("Counted at the next recompute.");

  g_object_set_data_full (G_OBJECT (group), "shown", shown, free_string);
  g_free (self->prediction_text);
  self->prediction_text = NULL;
  if (!fitted || isnan (p_alive))
    {
      GtkWidget *row = add_row (group, _("Likely to buy again"), _("Not known"));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), why_not);
      self->prediction_text = g_strdup_printf ("%s: %s", _("Not known"), why_not);
      return;
    }

  {
    g_autofree char *value = siyu_percent_format (p_alive);
    /* xgettext:no-c-format */
    g_autofree char *text = g_strconcat (_("The chance that this customer still buys from the shop, judged from how "
                                           "often and how recently they bought compared with everyone else. Above "
                                           "80 % they are very likely to come back; below 30 % they have probably "
                                           "moved on."), "\n\n", basis, NULL);

    add_explained_row (group, _("Likely to buy again"), value, text);
  }
  if (!isnan (orders))
    {
      g_autofree char *value = g_strdup_printf ("%.1f", orders);
      g_autofree char *text = g_strconcat (_("How many orders this customer is expected to place in the next 90 "
                                             "days, on average: 1.4 means once, and a second time about every "
                                             "other customer like them."), "\n\n", basis, NULL);

      add_explained_row (group, _("Expected orders in 90 days"), value, text);
    }
  if (valued && member_int (prediction, "value_12m") > 0)
    {
      g_autofree char *value = siyu_money_format (member_int (prediction, "value_12m"), currency);
      g_autofree char *order = siyu_money_format (member_int (prediction, "exp_order_value"), currency);
      /* Translators: %s is the expected value of one order, e.g. ¥128.00. */
      g_autofree char *text = g_strdup_printf (_("What this customer is expected to spend in the next 12 months: "
                                                 "their expected orders times what one of their orders is expected "
                                                 "to be worth (%s), from their own orders and the shop’s."), order);
      g_autofree char *full = g_strconcat (text, "\n\n", basis, NULL);

      add_explained_row (group, _("12-month value"), value, full);
    }
  if (member_string (prediction, "next_due") != NULL)
    {
      const char *product = member_string (prediction, "next_due_product");
      /* Translators: when a customer should run out of a product they buy again and again, e.g. “2026-12-03, 挂耳咖啡”. */
      g_autofree char *value = product != NULL ? g_strdup_printf (_("%s, %s"), member_string (prediction, "next_due"), product)
                                               : g_strdup (member_string (prediction, "next_due"));

      add_explained_row (group, _("Due to restock"), value,
                         _("When this customer should run out of a product they buy again and again: their last "
                           "purchase of it plus the usual time between two purchases of it in the shop. A good day "
                           "for a reminder."));
    }
  self->prediction_text = g_strdup (shown->str);
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
static void run_edit_full (SiyuContactPage  *self,
                           EditKind          kind,
                           SiyuContactField  field,
                           const char       *value,
                           JsonNode         *node,
                           gboolean          undoing);
static void ask_merge (SiyuContactPage          *self,
                       const SiyuContactSummary *other);

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
offer_undo (SiyuContactPage  *self,
            const char       *message,
            EditKind          kind,
            SiyuContactField  field,
            const char       *value,
            JsonNode         *node)
{
  AdwToastOverlay *overlay = toast_overlay (self);
  AdwToast *toast;

  g_free (self->message);
  self->message = g_strdup (message);
  self->undo_kind = kind;
  self->undo_field = field;
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

  g_free (self->message);
  self->message = g_strdup (error->message);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (error->message));
  else
    g_warning ("%s", error->message);
}

static void
merge_offered_cb (AdwToast        *toast,
                  SiyuContactPage *self)
{
  if (self->taken_by != NULL)
    ask_merge (self, self->taken_by);
}

/* The phone or e-mail typed is someone else's: say whose, and offer to
 * merge the two instead. */
static void
offer_merge (SiyuContactPage    *self,
             SiyuContactSummary *owner,
             const char         *value)
{
  AdwToastOverlay *overlay = toast_overlay (self);
  g_autofree char *message = NULL;
  AdwToast *toast;

  g_clear_pointer (&self->taken_by, siyu_contact_summary_free);
  self->taken_by = owner;
  /* Translators: the first %s is a phone number or e-mail address, the second a contact's name. */
  message = g_strdup_printf (_("%s already belongs to %s. Merge the two contacts instead?"),
                             value, owner->name != NULL ? owner->name : _("another contact"));
  g_free (self->message);
  self->message = g_strdup (message);
  if (overlay == NULL)
    return;
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Merge…"));
  adw_toast_set_timeout (toast, 10);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (merge_offered_cb), self, 0);
  adw_toast_overlay_add_toast (overlay, toast);
}

static const char *
field_changed_message (SiyuContactField field)
{
  switch (field)
    {
    case SIYU_CONTACT_NAME:
      return _("Name changed");
    case SIYU_CONTACT_PHONE:
      return _("Phone changed");
    case SIYU_CONTACT_EMAIL:
      return _("E-mail changed");
    case SIYU_CONTACT_WECHAT_ID:
      return _("WeChat id changed");
    case SIYU_CONTACT_CITY:
      return _("City changed");
    case SIYU_CONTACT_BIRTHDAY:
      return _("Birthday changed");
    case SIYU_CONTACT_NOTES:
      return _("Notes saved");
    case SIYU_CONTACT_MARKETING_CONSENT:
      return _("Marketing consent changed");
    case SIYU_CONTACT_DO_NOT_CONTACT:
    case SIYU_N_CONTACT_FIELDS:
    default:
      return _("Contact changed");
    }
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
    case EDIT_FIELD:
      ok = siyu_contact_set (shop, edit->contact_id, edit->field, edit->value, &edit->previous, &error);
      edit->changed = ok && g_strcmp0 (edit->previous, edit->value) != 0;
      if (!ok && g_error_matches (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_TAKEN))
        {
          gint64 owner = siyu_contact_find_owner (shop, edit->field, edit->value, NULL);

          if (owner > 0)
            {
              g_autoptr(GPtrArray) rows = siyu_contacts_summarize (shop, &owner, 1, NULL);

              if (rows != NULL && rows->len == 1 && g_ptr_array_index (rows, 0) != NULL)
                edit->owner = g_ptr_array_steal_index (rows, 0);
            }
        }
      break;
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
      /* A value asks to delete the backups that still hold them too. */
      if (edit->value != NULL)
        ok = siyu_contact_erase_from_backups (shop, edit->contact_id, &edit->removed, &error);
      else
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

/* Keeps a field or tag that failed only because the shop was busy, when it
 * is text the owner typed: rebuilding the page would throw it away. */
static void
keep_unsaved (SiyuContactPage *self,
              const Edit      *edit)
{
  char **slot = NULL;

  if (edit->kind == EDIT_TAG)
    slot = &self->unsaved_tag;
  else if (edit->kind == EDIT_FIELD &&
           (edit->field == SIYU_CONTACT_NOTES ||
            (self->field_rows[edit->field] != NULL && ADW_IS_ENTRY_ROW (self->field_rows[edit->field]))))
    slot = &self->unsaved[edit->field];
  if (slot == NULL)
    return;
  g_free (*slot);
  *slot = g_strdup (edit->value);
  self->unsaved_shown = FALSE;
}

static void
take_text (char       **slot,
           const char  *text)
{
  g_free (*slot);
  *slot = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* Before a rebuild: the kept text as the owner left it since it was put
 * back, so that what they cleared stays cleared. */
static void
update_unsaved (SiyuContactPage *self)
{
  if (!self->unsaved_shown)
    return;
  for (guint i = 0; i < SIYU_N_CONTACT_FIELDS; i++)
    {
      GtkWidget *row = self->field_rows[i];

      if (self->unsaved[i] == NULL)
        continue;
      if (i == SIYU_CONTACT_NOTES && self->notes_view != NULL)
        {
          g_autofree char *notes = _siyu_contact_page_get_field (self, i);

          take_text (&self->unsaved[i], self->notes_changed ? notes : NULL);
        }
      else if (row != NULL && ADW_IS_ENTRY_ROW (row))
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

          take_text (&self->unsaved[i], g_strcmp0 (text, g_object_get_data (G_OBJECT (row), "stored")) != 0
                                        ? text : NULL);
        }
    }
  if (self->unsaved_tag != NULL && self->tag_entry != NULL)
    take_text (&self->unsaved_tag, gtk_editable_get_text (GTK_EDITABLE (self->tag_entry)));
  self->unsaved_shown = FALSE;
}

/* After a rebuild: the kept text back in its place, as not yet saved. */
static void
restore_unsaved (SiyuContactPage *self)
{
  for (guint i = 0; i < SIYU_N_CONTACT_FIELDS; i++)
    {
      if (self->unsaved[i] == NULL)
        continue;
      if (i == SIYU_CONTACT_NOTES && self->notes_view != NULL)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->notes_view)),
                                  self->unsaved[i], -1);
      else if (self->field_rows[i] != NULL && ADW_IS_ENTRY_ROW (self->field_rows[i]))
        gtk_editable_set_text (GTK_EDITABLE (self->field_rows[i]), self->unsaved[i]);
    }
  if (self->unsaved_tag != NULL && self->tag_entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->tag_entry), self->unsaved_tag);
  self->unsaved_shown = TRUE;
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
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (edit->owner != NULL)
        offer_merge (self, g_steal_pointer (&edit->owner), edit->value);
      else
        show_error (self, error);
      if (g_error_matches (error, SIYU_DB_ERROR, SIYU_DB_ERROR_BUSY))
        keep_unsaved (self, edit);
      /* Reading the contact again puts the stored value back in the row,
       * or what the owner typed when only another program was in the way. */
      load (self);
      return;
    }

  self->changed |= edit->changed;
  /* Other pages count who may be contacted: they follow without F5. */
  if (edit->changed && (edit->kind == EDIT_DO_NOT_CONTACT || edit->kind == EDIT_ERASE || edit->kind == EDIT_MERGE ||
                        edit->kind == EDIT_UNMERGE ||
                        (edit->kind == EDIT_FIELD && edit->field == SIYU_CONTACT_MARKETING_CONSENT)))
    siyu_shop_runner_data_changed (self->runner);
  if (edit->kind == EDIT_ERASE)
    {
      AdwToastOverlay *overlay = toast_overlay (self);

      if (edit->value != NULL)
        {
          g_free (self->message);
          if (edit->removed == 0)
            self->message = g_strdup (_("Erased. No backup held them."));
          else
            /* Translators: %u is how many backups were deleted with the person. */
            self->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "Erased, with the %u backup that still held them",
                                                          "Erased, with the %u backups that still held them",
                                                          edit->removed),
                                             edit->removed);
          /* The toast outlives the page, which closes. */
          if (overlay != NULL)
            adw_toast_overlay_add_toast (overlay, adw_toast_new (self->message));
        }
      g_signal_emit (self, signals[CLOSED], 0, TRUE);
      return;
    }

  if (edit->changed && !undoing)
    switch (edit->kind)
      {
      case EDIT_FIELD:
        offer_undo (self, field_changed_message (edit->field), EDIT_FIELD, edit->field, edit->previous, NULL);
        break;
      case EDIT_DO_NOT_CONTACT:
        offer_undo (self, g_str_equal (edit->value, "1") ? _("Marked as do not contact")
                                                         : _("May be contacted again"),
                    EDIT_DO_NOT_CONTACT, 0, edit->previous, NULL);
        break;
      case EDIT_TAG:
        /* Translators: %s is a tag. */
        message = g_strdup_printf (_("Tagged “%s”"), edit->value);
        offer_undo (self, message, EDIT_UNTAG, 0, edit->value, NULL);
        break;
      case EDIT_UNTAG:
        /* Translators: %s is a tag. */
        message = g_strdup_printf (_("Tag “%s” removed"), edit->value);
        offer_undo (self, message, EDIT_TAG, 0, edit->value, NULL);
        break;
      case EDIT_MERGE:
        offer_undo (self, _("Merged into this contact"), EDIT_UNMERGE, 0, NULL, edit->node);
        break;
      case EDIT_UNMERGE:
      case EDIT_ERASE:
      default:
        break;
      }

  load (self);
}

static void
run_edit_full (SiyuContactPage  *self,
               EditKind          kind,
               SiyuContactField  field,
               const char       *value,
               JsonNode         *node,
               gboolean          undoing)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, edited_cb, GINT_TO_POINTER (undoing));
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = kind;
  edit->field = field;
  edit->contact_id = self->contact_id;
  edit->value = g_strdup (value);
  edit->node = node != NULL ? json_node_ref (node) : NULL;
  g_task_set_task_data (task, edit, edit_free);
  /* Saved again: no longer the owner's to keep. */
  if (kind == EDIT_FIELD)
    g_clear_pointer (&self->unsaved[field], g_free);
  else if (kind == EDIT_TAG)
    g_clear_pointer (&self->unsaved_tag, g_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, edit_job);
}

static void
run_edit (SiyuContactPage *self,
          EditKind         kind,
          const char      *value,
          gboolean         undoing)
{
  run_edit_full (self, kind, 0, value, NULL, undoing);
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
  GtkWidget *from_backups = adw_message_dialog_get_extra_child (dialog);

  if (g_str_equal (response, "erase"))
    run_edit (self, EDIT_ERASE,
              gtk_check_button_get_active (GTK_CHECK_BUTTON (from_backups)) ? "backups" : NULL, FALSE);
}

static void
erase_clicked_cb (SiyuContactPage *self)
{
  JsonObject *contact = json_object_get_object_member (json_node_get_object (self->described), "contact");
  const char *name = member_string (contact, "name");
  GtkWidget *dialog;
  GtkWidget *from_backups;
  g_autofree char *heading = NULL;

  /* Translators: %s is a contact's name. */
  heading = name != NULL ? g_strdup_printf (_("Erase %s?"), name) : g_strdup (_("Erase This Contact?"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("Their name, phone numbers, e-mail addresses, ids, notes, tags, events and "
                                     "group memberships are removed for good. Their orders stay, without a name, "
                                     "so the shop’s figures do not change. This cannot be undone.\n\n"
                                     "Imports and syncs will not bring them back. If they return and agree to be "
                                     "known again, search Contacts for their phone number or e-mail address to "
                                     "let them back."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "erase", _("_Erase"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* Siyu keeps a backup before every erasure: one a restore would bring
   * them back from. */
  from_backups = gtk_check_button_new_with_mnemonic (_("Also _delete the backups that still hold this person"));
  gtk_widget_set_halign (from_backups, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (from_backups), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Also delete the backups that still hold this person"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), from_backups);
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
entry_applied_cb (AdwEntryRow     *row,
                  SiyuContactPage *self)
{
  SiyuContactField field = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "field"));
  const char *stored = g_object_get_data (G_OBJECT (row), "stored");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (!self->loaded || g_strcmp0 (text, stored != NULL ? stored : "") == 0)
    return;
  /* Enter and the apply button both end up here; only the first one edits. */
  g_object_set_data_full (G_OBJECT (row), "stored", g_strdup (text), g_free);
  run_edit_full (self, EDIT_FIELD, field, text, NULL, FALSE);
}

static GtkWidget *
add_entry_row (SiyuContactPage  *self,
               GtkWidget        *group,
               SiyuContactField  field,
               const char       *title,
               const char       *value,
               GtkInputPurpose   purpose)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), purpose);
  /* The stored value is not an edit that Ctrl+Z could take back. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  gtk_editable_set_enable_undo (GTK_EDITABLE (row), TRUE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (row), "field", GINT_TO_POINTER (field));
  g_object_set_data_full (G_OBJECT (row), "stored", g_strdup (value != NULL ? value : ""), g_free);
  g_signal_connect (row, "apply", G_CALLBACK (entry_applied_cb), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (entry_applied_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->field_rows[field] = row;

  return row;
}

static void
save_notes (SiyuContactPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (!self->loaded || self->notes_view == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!self->notes_changed)
    return;
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->notes_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  self->notes_changed = FALSE;
  gtk_widget_set_sensitive (self->notes_save, FALSE);
  run_edit_full (self, EDIT_FIELD, SIYU_CONTACT_NOTES, text, NULL, FALSE);
}

/* (GtkTextBuffer:modified does not follow gtk_text_buffer_set_text().) */
static void
notes_changed_cb (GtkTextBuffer   *buffer,
                  SiyuContactPage *self)
{
  self->notes_changed = TRUE;
  if (self->notes_save != NULL)
    gtk_widget_set_sensitive (self->notes_save, TRUE);
}

static void
notes_left_cb (GtkEventControllerFocus *controller,
               SiyuContactPage         *self)
{
  save_notes (self);
}

static void
consent_selected_cb (AdwComboRow     *row,
                     GParamSpec      *pspec,
                     SiyuContactPage *self)
{
  if (!self->loaded || g_object_get_data (G_OBJECT (row), "filling") != NULL)
    return;
  run_edit_full (self, EDIT_FIELD, SIYU_CONTACT_MARKETING_CONSENT,
                 siyu_consent_to_string ((SiyuConsent) adw_combo_row_get_selected (row)), NULL, FALSE);
}

static gboolean
member_day (JsonObject *object,
            const char *member,
            SiyuDay    *day)
{
  const char *text = member_string (object, member);

  return text != NULL && siyu_day_parse (text, day);
}

/* Why the contact is in their stage, in the shop's own thresholds. */
static char *
stage_rule (SiyuContactPage *self,
            JsonObject      *metrics)
{
  const SiyuLifecycleModel *model = &self->model;
  const char *stage = member_string (metrics, "stage");
  SiyuDay as_of, last;
  int days;

  if (g_strcmp0 (stage, "prospect") == 0)
    return g_strdup (_("No paid order yet: prospect"));
  if (!member_day (metrics, "as_of", &as_of) || !member_day (metrics, "last_order", &last))
    return NULL;
  days = as_of - last;

  if (g_strcmp0 (stage, "lost") == 0)
    /* Translators: why a contact is lost: days since their last paid order, then the shop's threshold in days. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last paid order %d day ago, more than %d: lost",
                                         "Last paid order %d days ago, more than %d: lost", days),
                            days, model->lost_days);
  if (g_strcmp0 (stage, "dormant") == 0)
    /* Translators: why a contact is dormant: days since their last paid order, then the shop's threshold in days. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last paid order %d day ago, more than %d: dormant",
                                         "Last paid order %d days ago, more than %d: dormant", days),
                            days, model->dormant_days);
  if (g_strcmp0 (stage, "new") == 0)
    /* Translators: why a contact is new: they have one paid order, %d days ago. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "One paid order so far, %d day ago: new",
                                         "One paid order so far, %d days ago: new", days),
                            days);
  if (g_strcmp0 (stage, "mature") == 0)
    /* Translators: why a contact is mature: their paid orders in the window, the window in days, the shop's threshold. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d paid order in the last %d days, at least %d: mature",
                                         "%d paid orders in the last %d days, at least %d: mature",
                                         (gulong) self->window_orders),
                            (int) self->window_orders, model->mature_window_days, model->mature_orders);
  if (g_strcmp0 (stage, "growing") == 0)
    /* Translators: why a contact is growing: their paid orders in the window, the window in days, the shop's threshold. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d paid order in the last %d days; mature needs %d",
                                         "%d paid orders in the last %d days; mature needs %d",
                                         (gulong) self->window_orders),
                            (int) self->window_orders, model->mature_window_days, model->mature_orders);
  return NULL;
}

/* The three scores and the numbers they come from. */
static char *
rfm_rule (JsonObject *metrics,
          const char *currency)
{
  int r = member_int (metrics, "rfm_r"), f = member_int (metrics, "rfm_f");
  g_autofree char *bought = NULL;
  g_autofree char *orders = NULL;
  g_autofree char *money = NULL;

  if (member_int (metrics, "rfm_r_score") == 0)
    return g_strdup (_("No paid order in the last 365 days: not scored"));

  bought = r == 0 ? g_strdup (_("bought today"))
                  /* Translators: part of the RFM rule, “R 4 · F 2 · M 5: bought 12 days ago, …”. */
                  : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "bought %d day ago", "bought %d days ago", r), r);
  /* Translators: part of the RFM rule, “…, 2 orders and ¥1,260 in 365 days”. */
  orders = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d order", "%d orders", f), f);
  money = siyu_money_format (member_int (metrics, "rfm_m"), currency);

  /* Translators: the RFM scores, then why, e.g. “R 4 · F 2 · M 5: bought 12 days ago, 2 orders and ¥1,260 in
   * 365 days”; the %s are “bought 12 days ago”, “2 orders” and the amount. */
  return g_strdup_printf (_("R %d · F %d · M %d: %s, %s and %s in 365 days"),
                          (int) member_int (metrics, "rfm_r_score"), (int) member_int (metrics, "rfm_f_score"),
                          (int) member_int (metrics, "rfm_m_score"), bought, orders, money);
}

typedef struct {
  gint64  at;
  guint   seq;
  char   *title;
  char   *subtitle;
} Happening;

static void
happening_free (gpointer data)
{
  Happening *happening = data;

  g_free (happening->title);
  g_free (happening->subtitle);
  g_free (happening);
}

static int
happening_compare (gconstpointer a,
                   gconstpointer b)
{
  const Happening *x = *(const Happening **) a, *y = *(const Happening **) b;

  if (x->at != y->at)
    return x->at > y->at ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
add_happening (GPtrArray *happenings,
               gint64     at,
               char      *title,
               char      *subtitle)
{
  Happening *happening = g_new0 (Happening, 1);

  happening->at = at;
  happening->seq = happenings->len;
  happening->title = title;
  happening->subtitle = subtitle;
  g_ptr_array_add (happenings, happening);
}

static const char *
event_label (const char *kind)
{
  static const struct {
    const char *kind;
    const char *label;
  } labels[] = {
    { "visit", N_("Visited") },
    { "view", N_("Looked at a product") },
    { "cart", N_("Put something in the cart") },
    { "favourite", N_("Saved a favourite") },
    { "inquiry", N_("Asked a question") },
    { "review", N_("Wrote a review") },
    { "share", N_("Shared") },
    { "referral", N_("Brought a friend") },
    { "group_message", N_("Wrote in a group") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (kind, labels[i].kind) == 0)
      return _(labels[i].label);
  return kind;
}

static const char *
tier_label (JsonObject *change,
            const char *member,
            const char *member_zh)
{
  return siyu_tier_display_name (member_string (change, member), member_string (change, member_zh));
}

static GPtrArray *
collect_happenings (SiyuContactPage *self,
                    JsonObject      *root)
{
  GPtrArray *happenings = g_ptr_array_new_with_free_func (happening_free);
  const char *currency = siyu_shop_runner_get_currency (self->runner);
  JsonArray *array;

  array = json_object_get_array_member (root, "orders");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *order = json_array_get_object_element (array, i);
      JsonArray *items = json_object_get_array_member (order, "items");
      JsonArray *refunds = json_object_get_array_member (order, "refunds");
      g_autofree char *total = siyu_money_format (member_int (order, "total"), currency);
      g_autoptr(GString) subtitle = g_string_new (NULL);

      for (guint j = 0; items != NULL && j < json_array_get_length (items); j++)
        {
          JsonObject *item = json_array_get_object_element (items, j);

          if (j > 0)
            g_string_append (subtitle, _(", "));
          /* Translators: an order line, e.g. “2 × 龙井”. */
          g_string_append_printf (subtitle, _("%d × %s"), (int) member_int (item, "quantity"),
                                  member_string (item, "name"));
        }
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append_printf (subtitle, "%s · %s", siyu_channel_get_label (member_string (order, "channel")),
                              status_label (member_string (order, "status")));
      add_happening (happenings, member_int (order, "created_at"),
                     /* Translators: an order in the timeline: its reference and its total. */
                     g_strdup_printf (_("Order %s · %s"), member_string (order, "reference"), total),
                     g_string_free (g_steal_pointer (&subtitle), FALSE));

      for (guint j = 0; refunds != NULL && j < json_array_get_length (refunds); j++)
        {
          JsonObject *refund = json_array_get_object_element (refunds, j);
          g_autofree char *amount = siyu_money_format (member_int (refund, "amount"), currency);

          add_happening (happenings, member_int (refund, "created_at"),
                         /* Translators: a refund in the timeline: the amount and the order's reference. */
                         g_strdup_printf (_("Refund of %s on order %s"), amount, member_string (order, "reference")),
                         member_string (refund, "return") != NULL
                         /* Translators: a refund made by a return; %s is the return's number. */
                         ? g_strdup_printf (_("Return %s"), member_string (refund, "return"))
                         : g_strdup (member_string (refund, "reason")));
        }
    }

  array = json_object_get_array_member (root, "events");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);
      const char *detail = member_string (event, "detail");
      const char *channel = siyu_channel_get_label (member_string (event, "channel"));

      add_happening (happenings, member_int (event, "occurred_at"),
                     g_strdup (event_label (member_string (event, "kind"))),
                     detail != NULL && channel != NULL ? g_strdup_printf ("%s · %s", detail, channel)
                     : g_strdup (detail != NULL ? detail : channel));
    }

  array = json_object_get_array_member (root, "groups");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *membership = json_array_get_object_element (array, i);
      const char *name = member_string (membership, "group");

      add_happening (happenings, member_int (membership, "joined_at"),
                     /* Translators: %s is a community group. */
                     g_strdup_printf (_("Joined the group %s"), name), NULL);
      if (member_int (membership, "left_at") > 0)
        add_happening (happenings, member_int (membership, "left_at"),
                       /* Translators: %s is a community group. */
                       g_strdup_printf (_("Left the group %s"), name), NULL);
    }

  array = json_object_get_array_member (root, "tier_history");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *change = json_array_get_object_element (array, i);
      const char *from = tier_label (change, "from", "from_zh");
      const char *to = tier_label (change, "to", "to_zh");
      SiyuDay day;
      gint64 noon;

      if (!member_day (change, "changed_on", &day))
        continue;
      noon = siyu_day_start_time (siyu_shop_runner_get_time_zone (self->runner), day) + 12 * 3600;
      add_happening (happenings, noon,
                     to == NULL ? g_strdup (_("Left the member tiers"))
                     /* Translators: a tier change; the %s are tiers, e.g. “Silver to Gold”. */
                     : from != NULL ? g_strdup_printf (_("Tier changed from %s to %s"), from, to)
                     /* Translators: %s is a member tier. */
                     : g_strdup_printf (_("Became %s"), to),
                     NULL);
    }

  array = json_object_get_array_member (root, "touches");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *touch = json_array_get_object_element (array, i);
      const char *name = member_string (touch, "name");

      add_happening (happenings, member_int (touch, "created_at"),
                     /* Translators: %s is the name of a message or export to customers. */
                     member_int (touch, "holdout") ? g_strdup_printf (_("Held out of “%s”, to measure it"), name)
                     : g_strcmp0 (member_string (touch, "kind"), "export") == 0
                     /* Translators: %s is the name of an export of customers. */
                     ? g_strdup_printf (_("In the export “%s”"), name)
                     /* Translators: %s is the name of a message to customers. */
                     : g_strdup_printf (_("Sent “%s”"), name),
                     NULL);
    }

  g_ptr_array_sort (happenings, happening_compare);
  return happenings;
}

static void
show_timeline (SiyuContactPage *self,
               JsonObject      *root)
{
  g_autoptr(GPtrArray) happenings = collect_happenings (self, root);
  GtkWidget *group = new_group (self, _("Timeline"));

  g_clear_pointer (&self->timeline, g_ptr_array_unref);
  self->timeline = g_ptr_array_new_with_free_func (g_free);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Orders, refunds, events, groups, tiers and messages, newest first"));
  if (happenings->len == 0)
    add_row (group, _("Nothing yet"), "");
  for (guint i = 0; i < happenings->len; i++)
    {
      Happening *happening = g_ptr_array_index (happenings, i);
      g_autofree char *when = format_time (self, happening->at);
      GtkWidget *row = add_row (group, happening->title, when);

      if (happening->subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), happening->subtitle);
      g_ptr_array_add (self->timeline, g_strdup_printf ("%s | %s | %s", when, happening->title,
                                                        happening->subtitle != NULL ? happening->subtitle : ""));
    }
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
  const char *currency = siyu_shop_runner_get_currency (self->runner);
  const char *name = member_string (contact, "name");
  GtkWidget *group, *row, *flow, *toggle;
  const char *text;

  if (self->content != NULL)
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->content)), self->content);
  memset (self->field_rows, 0, sizeof self->field_rows);
  self->notes_view = self->notes_save = self->stage_row = self->rfm_row = NULL;
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (self->content, 12);
  gtk_widget_set_margin_bottom (self->content, 24);
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  gtk_box_append (GTK_BOX (self->box), self->content);

  gtk_label_set_label (GTK_LABEL (self->title), name != NULL ? name : _("No name"));

  group = new_group (self, _("Contact Details"));
  add_entry_row (self, group, SIYU_CONTACT_NAME, C_("person", "Name"), name, GTK_INPUT_PURPOSE_NAME);
  add_entry_row (self, group, SIYU_CONTACT_PHONE, _("Phone"), member_string (contact, "phone"),
                 GTK_INPUT_PURPOSE_PHONE);
  add_entry_row (self, group, SIYU_CONTACT_EMAIL, _("E-mail"), member_string (contact, "email"),
                 GTK_INPUT_PURPOSE_EMAIL);
  add_entry_row (self, group, SIYU_CONTACT_WECHAT_ID, _("WeChat id"), member_string (contact, "wechat_id"),
                 GTK_INPUT_PURPOSE_FREE_FORM);
  add_entry_row (self, group, SIYU_CONTACT_CITY, _("City"), member_string (contact, "city"),
                 GTK_INPUT_PURPOSE_FREE_FORM);
  /* Translators: the title of the birthday field, which says how to write it. */
  add_entry_row (self, group, SIYU_CONTACT_BIRTHDAY, _("Birthday (YYYY-MM-DD)"), member_string (contact, "birthday"),
                 GTK_INPUT_PURPOSE_FREE_FORM);
  {
    g_autofree char *seen = format_time (self, member_int (contact, "first_seen_at"));

    add_row (group, _("First seen"), seen);
  }
  if (member_int (contact, "member_since") > 0)
    {
      g_autofree char *since = format_time (self, member_int (contact, "member_since"));

      add_row (group, _("Member since"), since);
    }

  if (json_array_get_length (identities) > 0)
    {
      group = new_group (self, _("Known As"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Every phone, e-mail and platform id this person has used"));
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
    }

  group = new_group (self, _("Notes"));
  {
    GtkWidget *frame = gtk_frame_new (NULL);
    GtkWidget *notes_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
    GtkTextBuffer *buffer;
    GtkEventController *focus = gtk_event_controller_focus_new ();

    self->notes_view = gtk_text_view_new ();
    buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->notes_view));
    gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->notes_view), FALSE);
    gtk_text_buffer_set_enable_undo (buffer, FALSE);
    gtk_text_buffer_set_text (buffer, (text = member_string (contact, "notes")) != NULL ? text : "", -1);
    gtk_text_buffer_set_enable_undo (buffer, TRUE);
    gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->notes_view), GTK_WRAP_WORD_CHAR);
    gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->notes_view), 8);
    gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->notes_view), 8);
    gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->notes_view), 8);
    gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->notes_view), 8);
    gtk_widget_set_size_request (self->notes_view, -1, 72);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->notes_view),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Notes"),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Saved when you leave the field"),
                                    -1);
    self->notes_changed = FALSE;
    g_signal_connect (buffer, "changed", G_CALLBACK (notes_changed_cb), self);
    g_signal_connect (focus, "leave", G_CALLBACK (notes_left_cb), self);
    gtk_widget_add_controller (self->notes_view, focus);
    gtk_frame_set_child (GTK_FRAME (frame), self->notes_view);
    gtk_box_append (GTK_BOX (notes_box), frame);

    self->notes_save = gtk_button_new_with_mnemonic (_("_Save Notes"));
    gtk_widget_set_halign (self->notes_save, GTK_ALIGN_END);
    gtk_widget_set_sensitive (self->notes_save, FALSE);
    g_signal_connect_swapped (self->notes_save, "clicked", G_CALLBACK (save_notes), self);
    gtk_box_append (GTK_BOX (notes_box), self->notes_save);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), notes_box);
  }

  group = new_group (self, _("Purchases"));
  if (metrics != NULL)
    {
      g_autofree char *spend = siyu_money_format (member_int (metrics, "net_spend"), currency);
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, member_int (metrics, "orders"));
      g_autofree char *why_stage = stage_rule (self, metrics);
      g_autofree char *why_rfm = rfm_rule (metrics, currency);

      if ((text = stage_label (member_string (metrics, "stage"))) != NULL)
        {
          self->stage_row = add_row (group, _("Lifecycle stage"), text);
          if (why_stage != NULL)
            adw_action_row_set_subtitle (ADW_ACTION_ROW (self->stage_row), why_stage);
        }
      text = segment_label (member_string (metrics, "rfm_segment"));
      self->rfm_row = add_row (group, _("RFM segment"), text != NULL ? text : _("Not scored"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->rfm_row), why_rfm);
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

  show_prediction (self, json_object_get_null_member (root, "prediction") ? NULL
                         : json_object_get_object_member (root, "prediction"),
                   metrics != NULL, currency);

  group = new_group (self, _("Marketing"));
  {
    g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
    SiyuConsent consent = SIYU_CONSENT_UNKNOWN;

    /* In the order of SiyuConsent. */
    for (SiyuConsent c = SIYU_CONSENT_UNKNOWN; c <= SIYU_CONSENT_REFUSED; c++)
      gtk_string_list_append (states, siyu_consent_get_label (c));
    siyu_consent_from_string (member_string (contact, "consent"), &consent);
    row = adw_combo_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Agrees to marketing"));
    adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (states));
    g_object_set_data (G_OBJECT (row), "filling", GINT_TO_POINTER (1));
    adw_combo_row_set_selected (ADW_COMBO_ROW (row), consent);
    g_object_set_data (G_OBJECT (row), "filling", NULL);
    if (member_int (contact, "consent_at") > 0)
      {
        g_autofree char *when = format_time (self, member_int (contact, "consent_at"));
        const char *source = siyu_consent_source_label (member_string (contact, "consent_source"));
        /* Translators: when and where a contact gave or refused consent, e.g. “3 March 2025, youzan-customers”. */
        g_autofree char *subtitle = source != NULL ? g_strdup_printf (_("%s, %s"), when, source) : g_strdup (when);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      }
    else if (consent == SIYU_CONSENT_UNKNOWN)
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Known only from orders: never asked"));
    g_signal_connect (row, "notify::selected", G_CALLBACK (consent_selected_cb), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    self->field_rows[SIYU_CONTACT_MARKETING_CONSENT] = row;
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
  if (self->tag_names != NULL)
    {
      /* The shop's tags, so that one tag is not spelt three ways. */
      g_autoptr(GtkEntryCompletion) completion = gtk_entry_completion_new ();
      g_autoptr(GtkListStore) store = gtk_list_store_new (1, G_TYPE_STRING);

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tag_names)); i++)
        gtk_list_store_insert_with_values (store, NULL, -1,
                                           0, gtk_string_list_get_string (self->tag_names, i), -1);
      gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (store));
      gtk_entry_completion_set_text_column (completion, 0);
      gtk_entry_completion_set_minimum_key_length (completion, 1);
      gtk_entry_set_completion (GTK_ENTRY (self->tag_entry), completion);
    }
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
          g_autofree char *joined = format_time (self, member_int (membership, "joined_at"));
          g_autofree char *left = member_int (membership, "left_at") > 0
                                  ? format_time (self, member_int (membership, "left_at")) : NULL;
          /* Translators: when a contact joined a group, and maybe left it. */
          g_autofree char *when = left != NULL ? g_strdup_printf (_("Joined %s, left %s"), joined, left)
                                               : g_strdup_printf (_("Joined %s"), joined);

          add_row (group, member_string (membership, "group"), when);
        }
    }

  show_timeline (self, root);

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
  self->model = loaded->model;
  self->window_orders = loaded->window_orders;
  g_clear_object (&self->tag_names);
  if (loaded->tag_names != NULL)
    self->tag_names = gtk_string_list_new ((const char * const *) loaded->tag_names);
  loaded_free (loaded);
  self->loaded = FALSE;
  update_unsaved (self);
  show (self);
  /* Every edit ends with a load: the last one is the page the owner sees. */
  if (self->pending == 0)
    restore_unsaved (self);
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
  g_free (self->prediction_text);
  g_free (self->undo_value);
  g_clear_pointer (&self->undo_node, json_node_unref);
  g_clear_pointer (&self->duplicates, g_ptr_array_unref);
  g_clear_pointer (&self->taken_by, siyu_contact_summary_free);
  g_clear_pointer (&self->timeline, g_ptr_array_unref);
  g_clear_object (&self->tag_names);
  g_free (self->message);
  for (guint i = 0; i < SIYU_N_CONTACT_FIELDS; i++)
    g_free (self->unsaved[i]);
  g_free (self->unsaved_tag);

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

/* Whether the focus is in a field holding text not yet saved, where Ctrl+Z
 * belongs to the text. */
static gboolean
focus_has_unsaved_text (SiyuContactPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return FALSE;
  if (self->notes_view != NULL && (focus == self->notes_view || gtk_widget_is_ancestor (focus, self->notes_view)))
    return self->notes_changed;
  if (self->tag_entry != NULL && gtk_widget_is_ancestor (focus, self->tag_entry))
    return *gtk_editable_get_text (GTK_EDITABLE (self->tag_entry)) != '\0';
  row = gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW);
  if (row != NULL)
    return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), g_object_get_data (G_OBJECT (row), "stored")) != 0;
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SiyuContactPage       *self)
{
  /* Text fields take Ctrl+Z even with nothing to undo; the page's last
   * change comes first unless the field holds an edit of its own. */
  if ((keyval == GDK_KEY_z || keyval == GDK_KEY_Z) &&
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) == GDK_CONTROL_MASK &&
      self->can_undo && !focus_has_unsaved_text (self))
    return _siyu_contact_page_undo (self);
  return FALSE;
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

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }

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

/**
 * siyu_contact_page_reload:
 *
 * Reads the contact again, after the shop's data changed under the page;
 * a contact no longer there closes it.
 */
void
siyu_contact_page_reload (SiyuContactPage *self)
{
  g_return_if_fail (SIYU_IS_CONTACT_PAGE (self));

  load (self);
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
  run_edit_full (self, self->undo_kind, self->undo_field, self->undo_value, self->undo_node, TRUE);
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

/* Types @value into the row of @field and applies it, as the owner would. */
void
_siyu_contact_page_set_field (SiyuContactPage  *self,
                              SiyuContactField  field,
                              const char       *value)
{
  GtkWidget *widget = self->field_rows[field];

  if (field == SIYU_CONTACT_NOTES)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->notes_view)), value, -1);
      g_signal_emit_by_name (self->notes_save, "clicked");
    }
  else if (widget != NULL && ADW_IS_ENTRY_ROW (widget))
    {
      gtk_editable_set_text (GTK_EDITABLE (widget), value);
      g_signal_emit_by_name (widget, "apply");
    }
  else if (widget != NULL && GTK_IS_SWITCH (widget))
    gtk_switch_set_active (GTK_SWITCH (widget), g_strcmp0 (value, "1") == 0);
  else if (widget != NULL && ADW_IS_COMBO_ROW (widget))
    {
      SiyuConsent consent = SIYU_CONSENT_UNKNOWN;

      if (siyu_consent_from_string (value, &consent))
        adw_combo_row_set_selected (ADW_COMBO_ROW (widget), consent);
    }
  else
    run_edit_full (self, EDIT_FIELD, field, value, NULL, FALSE);
}

/* What the row of @field shows. */
char *
_siyu_contact_page_get_field (SiyuContactPage  *self,
                              SiyuContactField  field)
{
  GtkWidget *widget = self->field_rows[field];

  if (field == SIYU_CONTACT_NOTES)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->notes_view));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  if (widget != NULL && ADW_IS_ENTRY_ROW (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (widget != NULL && GTK_IS_SWITCH (widget))
    return g_strdup (gtk_switch_get_active (GTK_SWITCH (widget)) ? "1" : "0");
  if (widget != NULL && ADW_IS_COMBO_ROW (widget))
    return g_strdup (siyu_consent_to_string ((SiyuConsent) adw_combo_row_get_selected (ADW_COMBO_ROW (widget))));
  return NULL;
}

/* The text of the last toast. */
const char *
_siyu_contact_page_get_message (SiyuContactPage *self)
{
  return self->message;
}

/* Whom the last toast offered to merge with; 0: nobody. */
gint64
_siyu_contact_page_get_merge_offer (SiyuContactPage *self)
{
  return self->taken_by != NULL ? self->taken_by->id : 0;
}

const char *
_siyu_contact_page_get_stage_rule (SiyuContactPage *self)
{
  return self->stage_row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (self->stage_row)) : NULL;
}

const char *
_siyu_contact_page_get_rfm_rule (SiyuContactPage *self)
{
  return self->rfm_row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (self->rfm_row)) : NULL;
}

/* The timeline's rows, one a line: “day | title | subtitle”. */
char *
_siyu_contact_page_get_timeline (SiyuContactPage *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; self->timeline != NULL && i < self->timeline->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (self->timeline, i));

  return g_string_free (text, FALSE);
}

/* How many of the shop's tags the tag entry offers to complete. */
guint
_siyu_contact_page_get_n_tag_suggestions (SiyuContactPage *self)
{
  GtkEntryCompletion *completion = gtk_entry_get_completion (GTK_ENTRY (self->tag_entry));

  if (completion == NULL)
    return 0;
  return gtk_tree_model_iter_n_children (gtk_entry_completion_get_model (completion), NULL);
}

/* The predicted figures as shown, "Title: value; …", or why there are none. */
const char *
_siyu_contact_page_get_prediction (SiyuContactPage *self)
{
  return self->prediction_text;
}
