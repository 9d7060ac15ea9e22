/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contacts-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-consent-dialog.h"
#include "siyu-contact-page.h"
#include "siyu-contacts-page-private.h"
#include "siyu-duplicates.h"
#include "siyu-export-dialog.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-shop-lists.h"
#include "siyu-toast.h"
#include "siyu-tombstones.h"

/* The Contacts place: everyone the shop knows, found by any part of their
 * name, phone, e-mail or WeChat id, a lifecycle stage at a time.  Phone
 * numbers are masked (138****8000) until the owner asks to see them.
 * Activating a row opens the contact's page in place. */

typedef enum {
  COLUMN_NAME,
  COLUMN_PHONE,
  COLUMN_STAGE,
  COLUMN_SEGMENT,
  COLUMN_TIER,
  COLUMN_LAST_ORDER,
  COLUMN_NET_SPEND,
  COLUMN_P_ALIVE,
  COLUMN_VALUE_12M,
  COLUMN_TAGS,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  NC_("contacts column", "Name"),
  NC_("contacts column", "Phone"),
  NC_("contacts column", "Stage"),
  NC_("contacts column", "RFM Segment"),
  NC_("contacts column", "Tier"),
  NC_("contacts column", "Last Order"),
  NC_("contacts column", "Net Spend"),
  NC_("contacts column", "Likely to Buy Again"),
  NC_("contacts column", "12-Month Value"),
  NC_("contacts column", "Tags"),
};

static const SiyuContactSort sorts[] = {
  SIYU_CONTACT_SORT_NEWEST,
  SIYU_CONTACT_SORT_NAME,
  SIYU_CONTACT_SORT_LAST_ORDER,
  SIYU_CONTACT_SORT_NET_SPEND,
  SIYU_CONTACT_SORT_P_ALIVE,
};

struct _SiyuContactsPage
{
  GtkWidget         parent_instance;

  GtkStack         *stack;
  GtkStack         *list_stack;
  AdwStatusPage    *error_status;
  GtkSearchEntry   *search_entry;
  GtkDropDown      *stage_dropdown;
  GtkDropDown      *sort_dropdown;
  GtkDropDown      *tier_dropdown;
  GtkDropDown      *tag_dropdown;
  GtkDropDown      *group_dropdown;
  GtkCheckButton   *consent_check;
  GArray           *tier_ids;       /* gint64, item 0 of the dropdown being “any” */
  GArray           *group_ids;
  GtkMenuButton    *filters_button;
  gboolean          quick_filtered;
  GtkToggleButton  *reveal_button;
  GtkColumnView    *column_view;
  GtkLabel         *count_label;
  AdwBin           *contact_bin;
  GtkRevealer      *chip_revealer;
  GtkLabel         *chip_label;
  GtkWidget        *duplicates_button;
  gint64            n_duplicates;
  GtkWidget        *erased_box;
  GtkLabel         *erased_label;

  SiyuShopRunner   *runner;
  SiyuContactModel *model;
  GtkMultiSelection *selection;
  gulong            changed_id;
  gulong            data_changed_id;
  GtkWindow        *consent;
  GtkWindow        *export;
  gboolean          reveal;
  gboolean          open_first;   /* Enter was pressed before the list was read */
  char             *applied_search;
  SiyuContactFilter shown;        /* what a figure opened, beyond search and stage */
  GHashTable       *bound;        /* list items showing a row now */
  GCancellable     *erased_cancellable;
  char             *erased_kind;  /* what the search found an erased person by */
  char             *erased_value;
};

G_DEFINE_FINAL_TYPE (SiyuContactsPage, siyu_contacts_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
stage_label (const char *stage)
{
  for (SiyuStage s = 0; s < SIYU_N_STAGES; s++)
    if (g_strcmp0 (stage, siyu_stage_to_string (s)) == 0)
      return siyu_stage_get_label (s);
  return "";
}

static const char *
segment_label (const char *segment)
{
  for (SiyuRfmSegment s = SIYU_RFM_CHAMPIONS; s < SIYU_N_RFM_SEGMENTS; s++)
    if (g_strcmp0 (segment, siyu_rfm_segment_to_string (s)) == 0)
      return siyu_rfm_segment_get_label (s);
  return "";
}

/* The tier's name in the owner's language. */
static const char *
tier_label (const SiyuContactSummary *summary)
{
  if (summary->tier == NULL)
    return "";
  return siyu_tier_display_name (summary->tier, summary->tier_zh);
}

static char *
cell_text (SiyuContactsPage         *self,
           Column                    column,
           const SiyuContactSummary *summary)
{
  switch (column)
    {
    case COLUMN_NAME:
      if (summary->name != NULL)
        return g_strdup (summary->name);
      /* Translators: a contact known only by their phone, e-mail or WeChat id. */
      return g_strdup (summary->wechat_id != NULL ? summary->wechat_id :
                       summary->email != NULL ? summary->email : _("No name"));
    case COLUMN_PHONE:
      if (summary->phone == NULL)
        return g_strdup ("");
      return self->reveal ? g_strdup (summary->phone) : siyu_phone_mask (summary->phone);
    case COLUMN_STAGE:
      return g_strdup (stage_label (summary->stage));
    case COLUMN_SEGMENT:
      return g_strdup (segment_label (summary->segment));
    case COLUMN_TIER:
      return g_strdup (tier_label (summary));
    case COLUMN_LAST_ORDER:
      return g_strdup (summary->last_order != NULL ? summary->last_order : "");
    case COLUMN_NET_SPEND:
      return summary->orders > 0
             ? siyu_money_format (summary->net_spend, siyu_shop_runner_get_currency (self->runner))
             : g_strdup ("");
    case COLUMN_P_ALIVE:
      return !isnan (summary->p_alive) ? siyu_percent_format (summary->p_alive) : g_strdup ("");
    case COLUMN_VALUE_12M:
      return summary->value_12m >= 0
             ? siyu_money_format (summary->value_12m, siyu_shop_runner_get_currency (self->runner))
             : g_strdup ("");
    case COLUMN_TAGS:
      return g_strdup (summary->tags != NULL ? summary->tags : "");
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkListItem *list_item)
{
  SiyuContactsPage *self = g_object_get_data (G_OBJECT (list_item), "page");
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "column"));
  SiyuContactItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  const SiyuContactSummary *summary;
  g_autofree char *text = NULL;

  if (item == NULL || (summary = siyu_contact_item_get_summary (item)) == NULL)
    {
      /* Read in a moment; a dash keeps the row's height. */
      gtk_label_set_label (label, "…");
      return;
    }

  text = cell_text (self, column, summary);
  gtk_label_set_label (label, text);
}

static void
loaded_cb (SiyuContactItem *item,
           GParamSpec      *pspec,
           GtkListItem     *list_item)
{
  update_cell (list_item);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SiyuContactsPage         *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  gboolean number = column == COLUMN_NET_SPEND || column == COLUMN_P_ALIVE || column == COLUMN_VALUE_12M;

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1.0 : 0.0);
  /* A phone number cut short is of no use: the list scrolls sideways instead. */
  gtk_label_set_ellipsize (GTK_LABEL (label), column == COLUMN_PHONE ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  if (number || column == COLUMN_PHONE)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
  g_object_set_data (G_OBJECT (list_item), "page", self);
  g_object_set_data (G_OBJECT (list_item), "column", GUINT_TO_POINTER (column));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SiyuContactsPage         *self)
{
  SiyuContactItem *item = gtk_list_item_get_item (list_item);

  g_signal_connect (item, "notify::loaded", G_CALLBACK (loaded_cb), list_item);
  g_hash_table_add (self->bound, list_item);
  update_cell (list_item);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SiyuContactsPage         *self)
{
  SiyuContactItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, loaded_cb, list_item);
  g_hash_table_remove (self->bound, list_item);
}

static void
add_columns (SiyuContactsPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), self);
      column = gtk_column_view_column_new (g_dpgettext2 (NULL, "contacts column", column_titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COLUMN_NAME || c == COLUMN_TAGS)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

static void row_activated_cb (SiyuContactsPage *self,
                              guint             position);

/* A search that finds nobody may be for someone the owner erased: the page
 * says so, and offers to let them back when they came back and agreed. */
typedef struct {
  char   *text;
  char   *kind;
  gint64  erased_at;
} ErasedCheck;

static void
erased_check_free (ErasedCheck *check)
{
  g_free (check->text);
  g_free (check->kind);
  g_free (check);
}

static void
erased_check_job (GTask        *task,
                  SiyuShop     *shop,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ErasedCheck *check = task_data;
  static const char * const kinds[] = { "phone", "email", "wechat" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      /* A text that is no phone number or e-mail address is simply not one. */
      gint64 erasure = siyu_tombstones_lookup (shop, kinds[i], check->text, &check->erased_at, NULL);

      if (erasure > 0)
        {
          check->kind = g_strdup (kinds[i]);
          break;
        }
    }
  g_task_return_boolean (task, check->kind != NULL);
}

static void
hide_erased (SiyuContactsPage *self)
{
  g_cancellable_cancel (self->erased_cancellable);
  g_clear_object (&self->erased_cancellable);
  g_clear_pointer (&self->erased_kind, g_free);
  g_clear_pointer (&self->erased_value, g_free);
  gtk_widget_set_visible (self->erased_box, FALSE);
}

static void
erased_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SiyuContactsPage *self;
  ErasedCheck *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autofree char *day = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  self = SIYU_CONTACTS_PAGE (object);
  if (self->erased_box == NULL ||
      g_strcmp0 (check->text, gtk_editable_get_text (GTK_EDITABLE (self->search_entry))) != 0)
    return;

  when = g_date_time_new_from_unix_utc (check->erased_at);
  zone = g_time_zone_new_identifier (siyu_shop_runner_get_time_zone_id (self->runner));
  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  local = g_date_time_to_timezone (when, zone);
  day = g_date_time_format (local, "%Y-%m-%d");
  if (g_str_equal (check->kind, "phone"))
    /* Translators: %s is a date. */
    text = g_strdup_printf (_("This phone number belongs to a person erased on %s. Imports and syncs keep them anonymous."), day);
  else if (g_str_equal (check->kind, "email"))
    /* Translators: %s is a date. */
    text = g_strdup_printf (_("This e-mail address belongs to a person erased on %s. Imports and syncs keep them anonymous."), day);
  else
    /* Translators: %s is a date. */
    text = g_strdup_printf (_("This WeChat id belongs to a person erased on %s. Imports and syncs keep them anonymous."), day);

  g_free (self->erased_kind);
  self->erased_kind = g_strdup (check->kind);
  g_free (self->erased_value);
  self->erased_value = g_strdup (check->text);
  gtk_label_set_label (self->erased_label, text);
  gtk_widget_set_visible (self->erased_box, TRUE);
}

static void
check_erased (SiyuContactsPage *self,
              const char       *text)
{
  g_autoptr(GTask) task = NULL;
  ErasedCheck *check;

  hide_erased (self);
  if (text == NULL || *text == '\0')
    return;

  self->erased_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->erased_cancellable, erased_checked_cb, NULL);
  check = g_new0 (ErasedCheck, 1);
  check->text = g_strstrip (g_strdup (text));
  g_task_set_task_data (task, check, (GDestroyNotify) erased_check_free);
  siyu_shop_runner_run (self->runner, task, erased_check_job);
}

typedef struct {
  char *kind;
  char *value;
} Unerase;

static void
unerase_free (Unerase *unerase)
{
  g_free (unerase->kind);
  g_free (unerase->value);
  g_free (unerase);
}

static void
unerase_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Unerase *unerase = task_data;
  GError *error = NULL;
  int lifted = siyu_tombstones_lift (shop, unerase->kind, unerase->value, &error);

  if (lifted < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, lifted);
}

static void
unerased_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  gssize lifted = g_task_propagate_int (G_TASK (result), &error);

  if (self->erased_box == NULL)
    return;
  hide_erased (self);
  if (lifted < 0)
    siyu_toast_show (GTK_WIDGET (self), adw_toast_new (error->message));
  else
    siyu_toast_show (GTK_WIDGET (self),
                     adw_toast_new (_("Erased person let back: the next import or sync that carries them makes a contact again")));
}

static void
unerase_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SiyuContactsPage *self)
{
  g_autoptr(GTask) task = NULL;
  Unerase *unerase;

  if (!g_str_equal (response, "let-back") || self->erased_kind == NULL)
    return;

  task = g_task_new (self, NULL, unerased_cb, NULL);
  unerase = g_new0 (Unerase, 1);
  unerase->kind = g_strdup (self->erased_kind);
  unerase->value = g_strdup (self->erased_value);
  g_task_set_task_data (task, unerase, (GDestroyNotify) unerase_free);
  siyu_shop_runner_run (self->runner, task, unerase_job);
}

static void
unerase_clicked_cb (SiyuContactsPage *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Let This Person Back?"),
                                   _("Do this only if they came back and agreed to be known again. The next import "
                                     "or sync that carries them makes a new contact, and their orders are linked to "
                                     "it again when they are imported again. The audit log records it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "let-back", _("_Let Back"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "let-back", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unerase_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_count (SiyuContactsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;
  gboolean filtered = gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0' ||
                      gtk_drop_down_get_selected (self->stage_dropdown) > 0 || self->quick_filtered ||
                      gtk_revealer_get_reveal_child (self->chip_revealer);
  const GError *error = siyu_contact_model_get_error (self->model);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_status, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
      gtk_label_set_label (self->count_label, "");
      hide_erased (self);
      return;
    }
  if (siyu_contact_model_is_loading (self->model))
    return;

  /* Translators: how many contacts the list shows. */
  text = g_strdup_printf (g_dngettext (NULL, "%'u contact", "%'u contacts", n), n);
  gtk_label_set_label (self->count_label, text);

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "contacts");
  else
    gtk_stack_set_visible_child_name (self->list_stack, filtered ? "none-found" : "empty");

  if (n == 0 && filtered)
    check_erased (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  else
    hide_erased (self);
}

static void
model_changed_cb (SiyuContactsPage *self)
{
  update_count (self);
  if (self->open_first && !siyu_contact_model_is_loading (self->model))
    {
      self->open_first = FALSE;
      if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
        row_activated_cb (self, 0);
    }
}

static void
apply_filter (SiyuContactsPage *self)
{
  guint stage = gtk_drop_down_get_selected (self->stage_dropdown);
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);
  SiyuContactFilter filter = self->shown;

  filter.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_free (self->applied_search);
  self->applied_search = g_strdup (filter.search);
  if (stage != GTK_INVALID_LIST_POSITION && stage > 0)
    filter.stage = siyu_stage_to_string ((SiyuStage) (stage - 1));
  filter.sort = sort < G_N_ELEMENTS (sorts) ? sorts[sort] : SIYU_CONTACT_SORT_NEWEST;
  {
    guint tier = gtk_drop_down_get_selected (self->tier_dropdown);
    guint tag = gtk_drop_down_get_selected (self->tag_dropdown);
    guint group = gtk_drop_down_get_selected (self->group_dropdown);
    GListModel *tags = gtk_drop_down_get_model (self->tag_dropdown);

    if (tier != GTK_INVALID_LIST_POSITION && tier > 0 && tier <= self->tier_ids->len)
      filter.tier_id = g_array_index (self->tier_ids, gint64, tier - 1);
    if (tag != GTK_INVALID_LIST_POSITION && tag > 0 && tags != NULL)
      filter.tag = gtk_string_list_get_string (GTK_STRING_LIST (tags), tag);
    if (group != GTK_INVALID_LIST_POSITION && group > 0 && group <= self->group_ids->len)
      filter.group_id = g_array_index (self->group_ids, gint64, group - 1);
    if (gtk_check_button_get_active (self->consent_check))
      filter.consent_only = TRUE;
    self->quick_filtered = filter.tier_id != self->shown.tier_id || filter.tag != self->shown.tag ||
                           filter.group_id != self->shown.group_id || filter.consent_only != self->shown.consent_only;
    if (self->quick_filtered)
      gtk_widget_add_css_class (GTK_WIDGET (self->filters_button), "accent");
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self->filters_button), "accent");
  }
  siyu_contact_model_set_filter (self->model, &filter);
}

static void
search_changed_cb (SiyuContactsPage *self)
{
  /* Enter may already have applied this text and asked for the first
   * contact found: the entry's late signal must not take that back. */
  if (g_strcmp0 (self->applied_search, gtk_editable_get_text (GTK_EDITABLE (self->search_entry))) == 0)
    return;
  self->open_first = FALSE;
  apply_filter (self);
}

/* Enter in the search opens the first contact found: at the counter, the
 * last digits of a phone and Enter. */
static void
search_activate_cb (SiyuContactsPage *self)
{
  /* Enter can come before the entry says its text changed. */
  if (g_strcmp0 (self->applied_search, gtk_editable_get_text (GTK_EDITABLE (self->search_entry))) != 0)
    apply_filter (self);
  if (siyu_contact_model_is_loading (self->model))
    {
      self->open_first = TRUE;
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    row_activated_cb (self, 0);
}

static void
filter_changed_cb (SiyuContactsPage *self)
{
  if (self->model != NULL && self->tier_ids != NULL)
    apply_filter (self);
}

/* The tiers, tags and groups of the quick filters, read in the worker. */
typedef struct {
  GArray    *tier_ids;
  GPtrArray *tier_names;
  GPtrArray *tags;
  GArray    *group_ids;
  GPtrArray *group_names;
} Choices;

static void
choices_free (gpointer data)
{
  Choices *choices = data;

  g_array_unref (choices->tier_ids);
  g_ptr_array_unref (choices->tier_names);
  g_ptr_array_unref (choices->tags);
  g_array_unref (choices->group_ids);
  g_ptr_array_unref (choices->group_names);
  g_free (choices);
}

static gboolean
read_choices (SiyuShop   *shop,
              SiyuNames   kind,
              guint       limit,
              GArray     *ids,
              GPtrArray  *names,
              GError    **error)
{
  g_autoptr(GPtrArray) items = siyu_shop_list_names (shop, kind, limit, error);

  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      SiyuNamedItem *item = g_ptr_array_index (items, i);

      if (ids != NULL)
        g_array_append_val (ids, item->id);
      g_ptr_array_add (names, g_strdup (siyu_tier_display_name (item->name, item->name_zh)));
    }

  return TRUE;
}

static void
choices_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Choices *choices = g_new0 (Choices, 1);
  GError *error = NULL;

  choices->tier_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  choices->tier_names = g_ptr_array_new_with_free_func (g_free);
  choices->tags = g_ptr_array_new_with_free_func (g_free);
  choices->group_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  choices->group_names = g_ptr_array_new_with_free_func (g_free);
  if (!read_choices (shop, SIYU_NAMES_TIERS, 0, choices->tier_ids, choices->tier_names, &error) ||
      !read_choices (shop, SIYU_NAMES_TAGS, 2000, NULL, choices->tags, &error) ||
      !read_choices (shop, SIYU_NAMES_GROUPS, 0, choices->group_ids, choices->group_names, &error))
    {
      choices_free (choices);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, choices, choices_free);
}

static char *
selected_string (GtkDropDown *dropdown)
{
  GListModel *model = dropdown != NULL ? gtk_drop_down_get_model (dropdown) : NULL;
  guint selected = model != NULL ? gtk_drop_down_get_selected (dropdown) : GTK_INVALID_LIST_POSITION;

  if (model == NULL || selected == GTK_INVALID_LIST_POSITION || selected == 0)
    return NULL;
  return g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), selected));
}

static void
select_string (GtkDropDown *dropdown,
               const char  *text)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 1; text != NULL && i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text))
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  gtk_drop_down_set_selected (dropdown, 0);
}

static GListModel *
choice_model (const char *any,
              GPtrArray  *names)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, any);
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (names, i));

  return G_LIST_MODEL (list);
}

static void
choices_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Choices *choices = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);
  g_autoptr(GListModel) tiers = NULL;
  g_autoptr(GListModel) tags = NULL;
  g_autoptr(GListModel) groups = NULL;
  g_autofree char *tier = selected_string (self->tier_dropdown);
  g_autofree char *tag = selected_string (self->tag_dropdown);
  g_autofree char *group = selected_string (self->group_dropdown);

  if (choices == NULL)
    {
      g_warning ("Could not read the tiers, tags and groups to filter by: %s", error->message);
      return;
    }
  /* The page went away meanwhile. */
  if (self->tier_dropdown == NULL)
    {
      choices_free (choices);
      return;
    }

  /* Translators: the first choice of a filter: no filter. */
  tiers = choice_model (_("Any tier"), choices->tier_names);
  tags = choice_model (_("Any tag"), choices->tags);
  groups = choice_model (_("Any group"), choices->group_names);
  g_clear_pointer (&self->tier_ids, g_array_unref);
  g_clear_pointer (&self->group_ids, g_array_unref);
  gtk_drop_down_set_model (self->tier_dropdown, tiers);
  gtk_drop_down_set_model (self->tag_dropdown, tags);
  gtk_drop_down_set_model (self->group_dropdown, groups);
  gtk_drop_down_set_expression (self->tag_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  /* What was chosen stays chosen, if it is still there. */
  select_string (self->tier_dropdown, tier);
  select_string (self->tag_dropdown, tag);
  select_string (self->group_dropdown, group);
  self->tier_ids = g_array_ref (choices->tier_ids);
  self->group_ids = g_array_ref (choices->group_ids);
  choices_free (choices);
  apply_filter (self);
}

static void count_duplicates (SiyuContactsPage *self);

static void
load_choices (SiyuContactsPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, choices_cb, NULL);

  g_task_set_source_tag (task, load_choices);
  siyu_shop_runner_run (self->runner, task, choices_job);
  count_duplicates (self);
}

/* Possible duplicates: how many pairs a sync kept apart for the owner. */

static void
duplicates_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 n = siyu_duplicates_count (shop, &error);

  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static void
duplicates_counted_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);
  gint64 n = g_task_propagate_int (G_TASK (result), NULL);
  g_autofree char *label = NULL;

  if (self->duplicates_button == NULL)
    return;
  self->n_duplicates = MAX (n, 0);
  /* Translators: a button opening the pairs of contacts that may be one person. */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Possible Duplicate", "%u Possible Duplicates",
                                        (gulong) self->n_duplicates),
                           (guint) self->n_duplicates);
  gtk_button_set_label (GTK_BUTTON (self->duplicates_button), label);
  gtk_widget_set_visible (self->duplicates_button, self->n_duplicates > 0);
}

static void
count_duplicates (SiyuContactsPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, duplicates_counted_cb, NULL);

  g_task_set_source_tag (task, count_duplicates);
  siyu_shop_runner_run (self->runner, task, duplicates_job);
}

static void
duplicates_changed_cb (SiyuContactsPage *self)
{
  /* A merge moves orders and identities: every place reads again. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-places", NULL))
    siyu_contacts_page_reload (self);
}

static SiyuDuplicatesDialog *
show_duplicates (SiyuContactsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SiyuDuplicatesDialog *dialog = siyu_duplicates_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                             self->runner);

  g_signal_connect_object (dialog, "changed", G_CALLBACK (duplicates_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
show_duplicates_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  show_duplicates (SIYU_CONTACTS_PAGE (widget));
}

static void
reveal_toggled_cb (SiyuContactsPage *self)
{
  GHashTableIter iter;
  gpointer list_item;

  self->reveal = gtk_toggle_button_get_active (self->reveal_button);
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_cell (list_item);
}

static void
contact_closed_cb (SiyuContactsPage *self,
                   gboolean          changed)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
  adw_bin_set_child (self->contact_bin, NULL);
  if (changed)
    siyu_contact_model_reload (self->model);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Opens a contact's page in place of the list. */
void
siyu_contacts_page_open (SiyuContactsPage *self,
                         gint64            contact_id)
{
  SiyuContactPage *page;

  g_return_if_fail (SIYU_IS_CONTACTS_PAGE (self));

  page = siyu_contact_page_new (self->runner, contact_id);
  g_signal_connect_swapped (page, "closed", G_CALLBACK (contact_closed_cb), self);
  adw_bin_set_child (self->contact_bin, GTK_WIDGET (page));
  gtk_stack_set_visible_child_name (self->stack, "contact");
}

static void
row_activated_cb (SiyuContactsPage *self,
                  guint             position)
{
  g_autoptr(SiyuContactItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    siyu_contacts_page_open (self, siyu_contact_item_get_id (item));
}

static void
runner_settings_changed_cb (SiyuContactsPage *self)
{
  siyu_contacts_page_reload (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_contacts_page_reload (SIYU_CONTACTS_PAGE (widget));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The chosen rows, or every row of the list when none is chosen. */
static GArray *
chosen_ids (SiyuContactsPage *self,
            gboolean          selection)
{
  g_autoptr(GtkBitset) chosen = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GArray *ids;

  if (!selection || gtk_bitset_is_empty (chosen))
    return siyu_contact_model_dup_ids (self->model);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) gtk_bitset_get_size (chosen));
  for (guint64 i = 0; i < gtk_bitset_get_size (chosen); i++)
    {
      g_autoptr(SiyuContactItem) item = g_list_model_get_item (G_LIST_MODEL (self->model),
                                                               gtk_bitset_get_nth (chosen, (guint) i));
      gint64 id;

      if (item == NULL)
        continue;
      id = siyu_contact_item_get_id (item);
      g_array_append_val (ids, id);
    }

  return ids;
}

/* What the list shows, in words: the touch's name and the file's. */
static char *
list_title (SiyuContactsPage *self)
{
  GString *title = g_string_new (_("Contacts"));
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint stage = gtk_drop_down_get_selected (self->stage_dropdown);
  g_autofree char *tier = selected_string (self->tier_dropdown);
  g_autofree char *tag = selected_string (self->tag_dropdown);
  g_autofree char *group = selected_string (self->group_dropdown);
  const char *parts[6] = { NULL, };
  guint n = 0;

  if (gtk_revealer_get_reveal_child (self->chip_revealer))
    parts[n++] = gtk_label_get_label (self->chip_label);
  if (stage != GTK_INVALID_LIST_POSITION && stage > 0)
    parts[n++] = siyu_stage_get_label ((SiyuStage) (stage - 1));
  if (tier != NULL)
    parts[n++] = tier;
  if (tag != NULL)
    parts[n++] = tag;
  if (group != NULL)
    parts[n++] = group;
  if (*search != '\0')
    parts[n++] = search;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (title, i == 0 ? _(": %s") : _(", %s"), parts[i]);

  return g_string_free (title, FALSE);
}

static void
set_consent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (widget);
  g_autoptr(GtkBitset) chosen = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GArray) ids = chosen_ids (self, TRUE);
  g_autofree char *what = NULL;
  SiyuConsentDialog *dialog;

  if (ids->len == 0)
    return;
  if (!gtk_bitset_is_empty (chosen))
    {
      g_autofree char *count = siyu_count_format (ids->len);

      /* Translators: %s is a number of contacts chosen in the list. */
      what = g_strdup_printf (g_dngettext (NULL, "%s chosen contact", "%s chosen contacts", ids->len), count);
    }
  else
    what = list_title (self);
  dialog = siyu_consent_dialog_new (widget, self->runner, SIYU_CONSENT_TARGET_CONTACTS, 0, ids, what);
  g_set_weak_pointer (&self->consent, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_list_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (widget);
  g_autoptr(GArray) ids = chosen_ids (self, FALSE);
  g_autofree char *title = list_title (self);
  SiyuExportDialog *dialog;

  if (ids->len == 0)
    return;
  dialog = siyu_export_dialog_new_for_contacts (GTK_WINDOW (gtk_widget_get_root (widget)), self->runner, ids, title);
  g_set_weak_pointer (&self->export, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
data_changed_cb (SiyuContactsPage *self)
{
  if (self->model != NULL)
    siyu_contact_model_reload (self->model);
}

static GListModel *
stage_choices (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  /* Translators: the stage filter of the contacts list, showing everyone. */
  gtk_string_list_append (list, C_("stage filter", "All Stages"));
  for (SiyuStage s = 0; s < SIYU_N_STAGES; s++)
    gtk_string_list_append (list, siyu_stage_get_label (s));

  return G_LIST_MODEL (list);
}

static GListModel *
sort_choices (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, C_("sort", "Newest First"));
  gtk_string_list_append (list, C_("sort", "By Name"));
  gtk_string_list_append (list, C_("sort", "Last Order First"));
  gtk_string_list_append (list, C_("sort", "Biggest Spenders First"));
  gtk_string_list_append (list, C_("sort", "Most Likely to Buy Again"));

  return G_LIST_MODEL (list);
}

static void
siyu_contacts_page_constructed (GObject *object)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);
  g_autoptr(GListModel) stages = stage_choices ();
  g_autoptr(GListModel) order = sort_choices ();

  G_OBJECT_CLASS (siyu_contacts_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->model = siyu_contact_model_new (self->runner);
  g_signal_connect_swapped (self->model, "notify::n-items", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::error", G_CALLBACK (model_changed_cb), self);
  /* Several rows can be chosen, for a change to all of them at once. */
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);

  gtk_drop_down_set_model (self->stage_dropdown, stages);
  gtk_drop_down_set_model (self->sort_dropdown, order);
  self->tier_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->group_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  load_choices (self);

  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);
  self->data_changed_id = g_signal_connect_swapped (self->runner, "data-changed", G_CALLBACK (data_changed_cb), self);
  apply_filter (self);
}

static void
siyu_contacts_page_dispose (GObject *object)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);

  if (self->runner != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->runner);
      g_clear_signal_handler (&self->data_changed_id, self->runner);
    }
  g_clear_weak_pointer (&self->consent);
  g_clear_weak_pointer (&self->export);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_cancellable_cancel (self->erased_cancellable);
  g_clear_object (&self->erased_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_CONTACTS_PAGE);
  self->erased_box = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (siyu_contacts_page_parent_class)->dispose (object);
}

static void
shown_clear (SiyuContactsPage *self)
{
  g_clear_pointer ((char **) &self->shown.segment, g_free);
  g_clear_pointer ((char **) &self->shown.pyramid, g_free);
  g_clear_pointer ((char **) &self->shown.aipl, g_free);
  g_clear_pointer ((char **) &self->shown.cohort, g_free);
  g_clear_pointer ((char **) &self->shown.tag, g_free);
  memset (&self->shown, 0, sizeof self->shown);
}

/**
 * siyu_contacts_page_show_filter:
 * @self: the contacts page
 * @filter: the contacts to show; its search and sort are not used
 * @description: what they are, in words, shown above the list
 *
 * Shows the contacts behind a figure, such as an Overview chart's bar,
 * until the owner asks for everyone again.
 */
void
siyu_contacts_page_show_filter (SiyuContactsPage        *self,
                                const SiyuContactFilter *filter,
                                const char              *description)
{
  guint stage = 0;

  g_return_if_fail (SIYU_IS_CONTACTS_PAGE (self));
  g_return_if_fail (filter != NULL);

  shown_clear (self);
  self->shown.segment = g_strdup (filter->segment);
  self->shown.tier_id = filter->tier_id;
  self->shown.pyramid = g_strdup (filter->pyramid);
  self->shown.aipl = g_strdup (filter->aipl);
  self->shown.r_score = filter->r_score;
  self->shown.f_score = filter->f_score;
  self->shown.cohort = g_strdup (filter->cohort);
  self->shown.tag = g_strdup (filter->tag);
  self->shown.group_id = filter->group_id;
  self->shown.consent_only = filter->consent_only;

  for (guint i = 0; filter->stage != NULL && i < SIYU_N_STAGES; i++)
    if (g_str_equal (filter->stage, siyu_stage_to_string ((SiyuStage) i)))
      stage = i + 1;

  gtk_label_set_label (self->chip_label, description);
  gtk_revealer_set_reveal_child (self->chip_revealer, description != NULL);
  gtk_stack_set_visible_child_name (self->stack, "list");
  adw_bin_set_child (self->contact_bin, NULL);
  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  if (gtk_drop_down_get_selected (self->stage_dropdown) != stage)
    gtk_drop_down_set_selected (self->stage_dropdown, stage);   /* applies it */
  else
    apply_filter (self);
}

static void
clear_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (widget);

  shown_clear (self);
  gtk_revealer_set_reveal_child (self->chip_revealer, FALSE);
  if (gtk_drop_down_get_selected (self->stage_dropdown) != 0)
    gtk_drop_down_set_selected (self->stage_dropdown, 0);
  else
    apply_filter (self);
}

static void
siyu_contacts_page_finalize (GObject *object)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);

  g_clear_object (&self->runner);
  g_hash_table_unref (self->bound);
  g_free (self->applied_search);
  g_free (self->erased_kind);
  g_free (self->erased_value);
  g_clear_pointer (&self->tier_ids, g_array_unref);
  g_clear_pointer (&self->group_ids, g_array_unref);
  shown_clear (self);

  G_OBJECT_CLASS (siyu_contacts_page_parent_class)->finalize (object);
}

static void
siyu_contacts_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);

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
siyu_contacts_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SiyuContactsPage *self = SIYU_CONTACTS_PAGE (object);

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
siyu_contacts_page_class_init (SiyuContactsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_contacts_page_constructed;
  object_class->dispose = siyu_contacts_page_dispose;
  object_class->finalize = siyu_contacts_page_finalize;
  object_class->get_property = siyu_contacts_page_get_property;
  object_class->set_property = siyu_contacts_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-contacts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, stage_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, chip_revealer);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, tier_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, consent_check);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, filters_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, chip_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, contact_bin);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, duplicates_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, erased_box);
  gtk_widget_class_bind_template_child (widget_class, SiyuContactsPage, erased_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, unerase_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.show-duplicates", NULL, show_duplicates_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "page.clear-filter", NULL, clear_filter_action);
  gtk_widget_class_install_action (widget_class, "page.set-consent", NULL, set_consent_action);
  gtk_widget_class_install_action (widget_class, "page.export", NULL, export_list_action);
}

static void
siyu_contacts_page_init (SiyuContactsPage *self)
{
  self->bound = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuContactsPage *
siyu_contacts_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_CONTACTS_PAGE, "runner", runner, NULL);
}

/* Reads the list again, keeping the search and the filter. */
void
siyu_contacts_page_reload (SiyuContactsPage *self)
{
  g_return_if_fail (SIYU_IS_CONTACTS_PAGE (self));

  siyu_contact_model_reload (self->model);
  load_choices (self);
  /* The contact shown, too: a restore may have changed or removed them. */
  if (SIYU_IS_CONTACT_PAGE (adw_bin_get_child (self->contact_bin)))
    siyu_contact_page_reload (SIYU_CONTACT_PAGE (adw_bin_get_child (self->contact_bin)));
}

SiyuContactModel *
siyu_contacts_page_get_model (SiyuContactsPage *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACTS_PAGE (self), NULL);

  return self->model;
}

/* For tests. */
const char *
_siyu_contacts_page_get_state (SiyuContactsPage *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "contact"))
    return "contact";
  if (siyu_contact_model_get_error (self->model) != NULL)
    return "error";
  if (siyu_contact_model_is_loading (self->model))
    return "loading";
  return gtk_stack_get_visible_child_name (self->list_stack);
}

const char *
_siyu_contacts_page_get_count_text (SiyuContactsPage *self)
{
  return gtk_label_get_label (self->count_label);
}

/* What the page says of an erased person the search names, or %NULL. */
const char *
_siyu_contacts_page_get_erased_text (SiyuContactsPage *self)
{
  if (!gtk_widget_get_visible (self->erased_box))
    return NULL;
  return gtk_label_get_label (self->erased_label);
}

void
_siyu_contacts_page_ask_let_back (SiyuContactsPage *self)
{
  unerase_clicked_cb (self);
}

void
_siyu_contacts_page_search (SiyuContactsPage *self,
                            const char       *text,
                            gboolean          enter)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry waits a moment before it says the text changed. */
  apply_filter (self);
  if (enter)
    g_signal_emit_by_name (self->search_entry, "activate");
  /* …and says so after Enter, when a quick hand presses it. */
  g_signal_emit_by_name (self->search_entry, "search-changed");
}

void
_siyu_contacts_page_set_stage (SiyuContactsPage *self,
                               guint             position)
{
  gtk_drop_down_set_selected (self->stage_dropdown, position);
}

SiyuContactPage *
_siyu_contacts_page_get_contact_page (SiyuContactsPage *self)
{
  GtkWidget *child = adw_bin_get_child (self->contact_bin);

  return child != NULL ? SIYU_CONTACT_PAGE (child) : NULL;
}

void
_siyu_contacts_page_set_reveal (SiyuContactsPage *self,
                                gboolean          reveal)
{
  gtk_toggle_button_set_active (self->reveal_button, reveal);
}

/* The text a visible cell shows, by row and column; %NULL if the row is not
 * bound to a widget now. */
char *
_siyu_contacts_page_get_cell (SiyuContactsPage *self,
                              guint             position,
                              guint             column)
{
  g_autoptr(SiyuContactItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  const SiyuContactSummary *summary;

  if (item == NULL || (summary = siyu_contact_item_get_summary (item)) == NULL)
    return NULL;
  return cell_text (self, column, summary);
}

/* What a figure opened, or NULL when the list shows everyone. */
const char *
_siyu_contacts_page_get_filter_text (SiyuContactsPage *self)
{
  return gtk_revealer_get_reveal_child (self->chip_revealer) ? gtk_label_get_label (self->chip_label) : NULL;
}

/* Picks a quick filter's choice by its text ("tier", "tag" or "group"). */
gboolean
_siyu_contacts_page_choose (SiyuContactsPage *self,
                            const char       *which,
                            const char       *text)
{
  GtkDropDown *dropdown = g_str_equal (which, "tier") ? self->tier_dropdown
                          : g_str_equal (which, "tag") ? self->tag_dropdown : self->group_dropdown;

  select_string (dropdown, text);
  return text == NULL || gtk_drop_down_get_selected (dropdown) > 0;
}

void
_siyu_contacts_page_set_consent_only (SiyuContactsPage *self,
                                      gboolean          only)
{
  gtk_check_button_set_active (self->consent_check, only);
}

gboolean
_siyu_contacts_page_has_choices (SiyuContactsPage *self)
{
  return gtk_drop_down_get_model (self->tag_dropdown) != NULL;
}

gint64
_siyu_contacts_page_get_n_duplicates (SiyuContactsPage *self)
{
  return gtk_widget_get_visible (self->duplicates_button) ? self->n_duplicates : 0;
}

SiyuDuplicatesDialog *
_siyu_contacts_page_show_duplicates (SiyuContactsPage *self)
{
  return show_duplicates (self);
}

void
_siyu_contacts_page_select (SiyuContactsPage *self,
                            guint             position,
                            gboolean          add)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, !add);
}

GtkWindow *
_siyu_contacts_page_get_consent (SiyuContactsPage *self)
{
  return self->consent;
}

GtkWindow *
_siyu_contacts_page_get_export (SiyuContactsPage *self)
{
  return self->export;
}
