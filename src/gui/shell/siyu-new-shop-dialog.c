/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-new-shop-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-application.h"
#include "siyu-choices.h"
#include "siyu-new-shop-dialog-private.h"

/* A new shop: first its name, currency and time zone, then where its file
 * goes.  The shop opens in its own window once it is made. */

struct _SiyuNewShopDialog
{
  AdwWindow    parent_instance;

  AdwEntryRow *name_row;
  AdwComboRow *currency_row;
  AdwComboRow *time_zone_row;
  GtkWidget   *form;

  GtkFileChooserNative *chooser;
  gboolean     busy;
  gboolean     creating;
};

G_DEFINE_FINAL_TYPE (SiyuNewShopDialog, siyu_new_shop_dialog, ADW_TYPE_WINDOW)

typedef struct {
  char *path;
  char *name;
  char *currency;
  char *time_zone;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->path);
  g_free (request->name);
  g_free (request->currency);
  g_free (request->time_zone);
  g_free (request);
}

static char *
stripped_name (SiyuNewShopDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static gboolean
can_create (SiyuNewShopDialog *self)
{
  g_autofree char *name = stripped_name (self);

  return !self->busy && *name != '\0';
}

static void
update_actions (SiyuNewShopDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create", can_create (self));
  gtk_widget_set_sensitive (self->form, !self->busy);
}

static void
set_busy (SiyuNewShopDialog *self,
          gboolean           busy)
{
  self->busy = busy;
  update_actions (self);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  SiyuShop *shop = siyu_shop_create (request->path, request->name, request->currency, request->time_zone, &error);

  if (shop == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, shop, g_object_unref);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SiyuNewShopDialog *self = SIYU_NEW_SHOP_DIALOG (object);
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  SiyuApplication *application;

  shop = g_task_propagate_pointer (G_TASK (result), &error);
  self->creating = FALSE;
  set_busy (self, FALSE);

  if (shop == NULL)
    {
      siyu_application_show_error (GTK_WINDOW (self), _("Could Not Create the Shop"), error);
      return;
    }

  /* The welcome window, if it is the parent, goes away with the shop's
   * window coming, while the task still holds this dialog. */
  application = SIYU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
  siyu_application_add_shop (application, shop);
}

static void
create_at (SiyuNewShopDialog *self,
           const char        *path)
{
  g_autoptr(GTask) task = NULL;
  Request *request = g_new0 (Request, 1);

  request->path = g_str_has_suffix (path, ".siyu") ? g_strdup (path) : g_strconcat (path, ".siyu", NULL);
  request->name = stripped_name (self);
  request->currency = g_strdup (siyu_choices_get_selected (self->currency_row));
  request->time_zone = g_strdup (siyu_choices_get_selected (self->time_zone_row));

  set_busy (self, TRUE);
  self->creating = TRUE;
  task = g_task_new (self, NULL, created_cb, NULL);
  g_task_set_source_tag (task, create_at);
  g_task_set_task_data (task, request, request_free);
  g_task_run_in_thread (task, create_thread);
}

static void
chooser_response_cb (GtkNativeDialog   *chooser,
                     int                response,
                     SiyuNewShopDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);

  if (path != NULL)
    create_at (self, path);
  else
    set_busy (self, FALSE);
}

/* The file is named after the shop; a name cannot hold a slash. */
static char *
file_name_for (const char *name)
{
  g_autofree char *safe = g_strdelimit (g_strdup (name), G_DIR_SEPARATOR_S, '-');

  return g_strconcat (safe, ".siyu", NULL);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuNewShopDialog *self = SIYU_NEW_SHOP_DIALOG (widget);
  g_autofree char *name = stripped_name (self);
  g_autofree char *file_name = file_name_for (name);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (!can_create (self))
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save the New Shop"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Siyu shops"));
  gtk_file_filter_add_pattern (filter, "*.siyu");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (documents);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), file_name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);

  set_busy (self, TRUE);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
name_changed_cb (SiyuNewShopDialog *self)
{
  update_actions (self);
}

static void
name_activated_cb (SiyuNewShopDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.create", NULL);
}

/* Half a shop file is never left behind: wait for it. */
static gboolean
siyu_new_shop_dialog_close_request (GtkWindow *window)
{
  if (SIYU_NEW_SHOP_DIALOG (window)->creating)
    return TRUE;

  return GTK_WINDOW_CLASS (siyu_new_shop_dialog_parent_class)->close_request (window);
}

static void
siyu_new_shop_dialog_dispose (GObject *object)
{
  SiyuNewShopDialog *self = (SiyuNewShopDialog *)object;

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_NEW_SHOP_DIALOG);

  G_OBJECT_CLASS (siyu_new_shop_dialog_parent_class)->dispose (object);
}

/* The name is what the owner changes first: it opens focused and
 * selected, so that typing replaces it. */
static void
siyu_new_shop_dialog_map (GtkWidget *widget)
{
  SiyuNewShopDialog *self = SIYU_NEW_SHOP_DIALOG (widget);

  GTK_WIDGET_CLASS (siyu_new_shop_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  gtk_editable_select_region (GTK_EDITABLE (self->name_row), 0, -1);
}

static void
siyu_new_shop_dialog_class_init (SiyuNewShopDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_new_shop_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = siyu_new_shop_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-new-shop-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuNewShopDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuNewShopDialog, currency_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuNewShopDialog, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuNewShopDialog, form);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_activated_cb);

  widget_class->map = siyu_new_shop_dialog_map;
  gtk_widget_class_install_action (widget_class, "dialog.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_new_shop_dialog_init (SiyuNewShopDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  siyu_choices_fill_currency (self->currency_row, SIYU_SHOP_DEFAULT_CURRENCY);
  siyu_choices_fill_time_zone (self->time_zone_row, SIYU_SHOP_DEFAULT_TIME_ZONE);
  update_actions (self);
}

SiyuNewShopDialog *
siyu_new_shop_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_new (SIYU_TYPE_NEW_SHOP_DIALOG,
                       "transient-for", parent,
                       "application", gtk_window_get_application (parent),
                       NULL);
}

void
_siyu_new_shop_dialog_set_name (SiyuNewShopDialog *self,
                                const char        *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

gboolean
_siyu_new_shop_dialog_select (SiyuNewShopDialog *self,
                              const char        *currency,
                              const char        *time_zone)
{
  return siyu_choices_select (self->currency_row, currency) &&
         siyu_choices_select (self->time_zone_row, time_zone);
}

GtkWidget *
_siyu_new_shop_dialog_get_name_row (SiyuNewShopDialog *self)
{
  return GTK_WIDGET (self->name_row);
}

gboolean
_siyu_new_shop_dialog_can_create (SiyuNewShopDialog *self)
{
  return can_create (self);
}

/* What choosing @path in the file chooser does. */
void
_siyu_new_shop_dialog_create_at (SiyuNewShopDialog *self,
                                 const char        *path)
{
  create_at (self, path);
}
