/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-duplicates-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-contacts.h"
#include "siyu-duplicates.h"
#include "siyu-duplicates-dialog-private.h"

/* Possible duplicates: the pairs of contacts a sync kept apart, each with
 * Merge (the existing merge, after the owner confirms it: the newer record
 * goes into the older one) and Not the Same (kept apart for good).  The
 * work runs in the shop's worker; the dialog says "changed" when the
 * contacts changed. */

struct _SiyuDuplicatesDialog
{
  AdwWindow       parent_instance;

  GtkStack       *stack;
  GtkListBox     *list;

  SiyuShopRunner *runner;
  GPtrArray      *pairs;          /* SiyuDuplicate, as shown */
  GPtrArray      *rows;
  guint           pending;
};

G_DEFINE_FINAL_TYPE (SiyuDuplicatesDialog, siyu_duplicates_dialog, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
name_of (const char *name)
{
  /* Translators: a contact without a name, in a pair of possible duplicates. */
  return name != NULL ? name : _("(no name)");
}

static char *
describe_pair (SiyuDuplicate *pair)
{
  g_autofree char *shared = NULL;
  GString *out = g_string_new (NULL);

  if (g_strcmp0 (pair->reason, "email") == 0)
    /* Translators: what two contacts that may be one person share. */
    shared = g_strdup_printf (_("Same e-mail %s"), pair->email != NULL ? pair->email : "");
  else if (g_strcmp0 (pair->reason, "phone") == 0)
    shared = g_strdup_printf (_("Same phone %s"), pair->other_phone != NULL ? pair->other_phone : "");
  else
    shared = g_strdup (_("The same customer on the platform"));
  g_string_append (out, shared);
  if (pair->email != NULL || pair->other_email != NULL)
    /* Translators: the e-mails of two contacts, each or a dash. */
    g_string_append_printf (out, _(" · e-mails %s and %s"), pair->email != NULL ? pair->email : "—",
                            pair->other_email != NULL ? pair->other_email : "—");

  return g_string_free (out, FALSE);
}

static void load (SiyuDuplicatesDialog *self);

typedef enum {
  PAIR_MERGE,
  PAIR_KEEP_APART,
} Kind;

typedef struct {
  Kind   kind;
  gint64 contact_id;
  gint64 other_id;
} Change;

static void
change_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;
  gboolean ok;

  if (change->kind == PAIR_MERGE)
    {
      /* The older record is kept; the merge moves the newer's orders,
       * identities and groups to it, and is audited. */
      JsonNode *undo = siyu_contact_merge (shop, change->contact_id, change->other_id, NULL, 0, &error);

      ok = undo != NULL;
      g_clear_pointer (&undo, json_node_unref);
    }
  else
    ok = siyu_duplicates_keep_apart (shop, change->contact_id, change->other_id, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SiyuDuplicatesDialog *self = SIYU_DUPLICATES_DIALOG (object);
  g_autoptr(GError) error = NULL;

  self->pending--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      AdwMessageDialog *message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Not Changed"),
                                                                              error->message));

      adw_message_dialog_add_response (message, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
    }
  else
    g_signal_emit (self, signals[CHANGED], 0);
  load (self);
}

static void
run_change (SiyuDuplicatesDialog *self,
            Kind                  kind,
            SiyuDuplicate        *pair)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, changed_cb, NULL);
  Change *change = g_new0 (Change, 1);

  change->kind = kind;
  change->contact_id = pair->contact_id;
  change->other_id = pair->other_id;
  self->pending++;
  g_task_set_source_tag (task, run_change);
  g_task_set_task_data (task, change, g_free);
  siyu_shop_runner_run (self->runner, task, change_job);
}

static SiyuDuplicate *
pair_of (SiyuDuplicatesDialog *self,
         GtkWidget            *button)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  return self->pairs != NULL && index < self->pairs->len ? g_ptr_array_index (self->pairs, index) : NULL;
}

static void
merge_response_cb (AdwMessageDialog     *dialog,
                   const char           *response,
                   SiyuDuplicatesDialog *self)
{
  SiyuDuplicate *pair;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "index"));

  if (!g_str_equal (response, "merge") || self->pairs == NULL || index >= self->pairs->len)
    return;
  pair = g_ptr_array_index (self->pairs, index);
  run_change (self, PAIR_MERGE, pair);
}

static void
ask_merge (SiyuDuplicatesDialog *self,
           guint                 index)
{
  SiyuDuplicate *pair = g_ptr_array_index (self->pairs, index);
  /* Translators: the contact merged away, then the one kept. */
  g_autofree char *heading = g_strdup_printf (_("Merge “%s” into “%s”?"), name_of (pair->other_name),
                                              name_of (pair->name));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Their orders, identities, groups and tags become one "
                                                         "contact's. Do it only if they are one person.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "merge", _("_Merge"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "merge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "index", GUINT_TO_POINTER (index));
  g_signal_connect_object (dialog, "response", G_CALLBACK (merge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
merge_clicked_cb (GtkButton            *button,
                  SiyuDuplicatesDialog *self)
{
  if (pair_of (self, GTK_WIDGET (button)) != NULL)
    ask_merge (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
apart_clicked_cb (GtkButton            *button,
                  SiyuDuplicatesDialog *self)
{
  SiyuDuplicate *pair = pair_of (self, GTK_WIDGET (button));

  if (pair != NULL)
    run_change (self, PAIR_KEEP_APART, pair);
}

static GtkWidget *
button_new (const char *label,
            const char *accessible,
            guint       index)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));

  return button;
}

static void
fill (SiyuDuplicatesDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->list, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < self->pairs->len; i++)
    {
      SiyuDuplicate *pair = g_ptr_array_index (self->pairs, i);
      /* Translators: two contacts that may be one person. */
      g_autofree char *title = g_strdup_printf (_("%s and %s"), name_of (pair->name), name_of (pair->other_name));
      g_autofree char *subtitle = describe_pair (pair);
      /* Translators: the accessible name of a button merging two contacts. */
      g_autofree char *merge_label = g_strdup_printf (_("Merge %s and %s"), name_of (pair->name),
                                                      name_of (pair->other_name));
      /* Translators: the accessible name of a button keeping two contacts apart. */
      g_autofree char *apart_label = g_strdup_printf (_("Keep %s and %s apart"), name_of (pair->name),
                                                      name_of (pair->other_name));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *merge = button_new (_("_Merge…"), merge_label, i);
      GtkWidget *apart = button_new (_("_Not the Same"), apart_label, i);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (merge, "suggested-action");
      g_signal_connect (merge, "clicked", G_CALLBACK (merge_clicked_cb), self);
      g_signal_connect (apart, "clicked", G_CALLBACK (apart_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), apart);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), merge);
      gtk_list_box_append (self->list, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_stack_set_visible_child_name (self->stack, self->pairs->len > 0 ? "pairs" : "empty");
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *pairs = siyu_duplicates_list (shop, &error);

  if (pairs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pairs, (GDestroyNotify) g_ptr_array_unref);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuDuplicatesDialog *self = SIYU_DUPLICATES_DIALOG (object);
  g_autoptr(GError) error = NULL;
  GPtrArray *pairs = g_task_propagate_pointer (G_TASK (result), &error);

  self->pending--;
  if (pairs == NULL)
    {
      g_warning ("The possible duplicates could not be read: %s", error->message);
      pairs = g_ptr_array_new ();
    }
  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  self->pairs = pairs;
  fill (self);
}

static void
load (SiyuDuplicatesDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, loaded_cb, NULL);

  self->pending++;
  g_task_set_source_tag (task, load);
  siyu_shop_runner_run (self->runner, task, load_job);
}

static void
siyu_duplicates_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_DUPLICATES_DIALOG);

  G_OBJECT_CLASS (siyu_duplicates_dialog_parent_class)->dispose (object);
}

static void
siyu_duplicates_dialog_finalize (GObject *object)
{
  SiyuDuplicatesDialog *self = SIYU_DUPLICATES_DIALOG (object);

  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (siyu_duplicates_dialog_parent_class)->finalize (object);
}

static void
siyu_duplicates_dialog_class_init (SiyuDuplicatesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_duplicates_dialog_dispose;
  object_class->finalize = siyu_duplicates_dialog_finalize;

  /**
   * SiyuDuplicatesDialog::changed:
   *
   * Emitted after a pair was merged or kept apart.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-duplicates-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuDuplicatesDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuDuplicatesDialog, list);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_duplicates_dialog_init (SiyuDuplicatesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/**
 * siyu_duplicates_dialog_new:
 * @runner: the shop's worker
 *
 * Reads the pairs at once.
 */
SiyuDuplicatesDialog *
siyu_duplicates_dialog_new (GtkWindow      *parent,
                            SiyuShopRunner *runner)
{
  SiyuDuplicatesDialog *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_DUPLICATES_DIALOG, "transient-for", parent, NULL);
  self->runner = g_object_ref (runner);
  load (self);

  return self;
}

/* For the tests. */
gboolean
_siyu_duplicates_dialog_is_busy (SiyuDuplicatesDialog *self)
{
  return self->pending > 0;
}

guint
_siyu_duplicates_dialog_get_n_pairs (SiyuDuplicatesDialog *self)
{
  return self->pairs != NULL ? self->pairs->len : 0;
}

AdwActionRow *
_siyu_duplicates_dialog_get_row (SiyuDuplicatesDialog *self,
                                 guint                 index)
{
  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

/* Merges the pair without asking, as the confirmation's Merge does. */
void
_siyu_duplicates_dialog_merge (SiyuDuplicatesDialog *self,
                               guint                 index)
{
  g_return_if_fail (self->pairs != NULL && index < self->pairs->len);

  run_change (self, PAIR_MERGE, g_ptr_array_index (self->pairs, index));
}

void
_siyu_duplicates_dialog_keep_apart (SiyuDuplicatesDialog *self,
                                    guint                 index)
{
  g_return_if_fail (self->pairs != NULL && index < self->pairs->len);

  run_change (self, PAIR_KEEP_APART, g_ptr_array_index (self->pairs, index));
}
