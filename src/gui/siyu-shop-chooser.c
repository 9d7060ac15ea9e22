/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-application.h"
#include "siyu-shop-chooser.h"
#include "siyu-shop.h"

/* Choosing a shop file to open, or a place and a name for a new one: the
 * same from the welcome window and from a shop's window. */

static SiyuApplication *
application_of (GtkWindow *window)
{
  return SIYU_APPLICATION (gtk_window_get_application (window));
}

static void
add_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Siyu shops"));
  gtk_file_filter_add_pattern (filter, "*.siyu");
  gtk_file_filter_add_mime_type (filter, "application/x-siyu-shop");
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  GtkWindow *parent = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        siyu_application_open_path (application_of (parent), path, parent);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
siyu_shop_chooser_open (GtkWindow *parent)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Open a Shop"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), parent);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

typedef struct {
  char *path;
  char *name;
} NewShop;

static void
new_shop_free (gpointer data)
{
  NewShop *request = data;

  g_free (request->path);
  g_free (request->name);
  g_free (request);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  NewShop *request = task_data;
  GError *error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_create (request->path, request->name, NULL, NULL, &error);

  if (shop == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GtkWindow *parent = GTK_WINDOW (object);
  NewShop *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    siyu_application_show_error (parent, _("Could not create the shop"), error);
  else
    siyu_application_open_path (application_of (parent), request->path, parent);
}

static void
name_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  NewShop *request = user_data;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (response, "create"))
    {
      new_shop_free (request);
      return;
    }

  request->name = g_strdup (gtk_editable_get_text (entry));
  task = g_task_new (parent, NULL, created_cb, NULL);
  g_task_set_task_data (task, request, new_shop_free);
  g_task_run_in_thread (task, create_thread);
}

static void
name_changed_cb (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "create", *name != '\0');
}

static void
ask_name (GtkWindow  *parent,
          char       *path)
{
  g_autofree char *base = g_path_get_basename (path);
  NewShop *request = g_new0 (NewShop, 1);
  GtkWidget *dialog, *entry;
  char *dot;

  dot = g_strrstr (base, ".");
  if (dot != NULL && dot != base)
    *dot = '\0';

  request->path = path;
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), base);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Shop name"), -1);

  dialog = adw_message_dialog_new (parent, _("Name the Shop"),
                                   _("The name appears in the window title and in reports. You can change it later in Preferences."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (name_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (name_response_cb), request);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
create_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  GtkWindow *parent = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      char *path = g_file_get_path (file);

      if (path != NULL && !g_str_has_suffix (path, ".siyu"))
        {
          char *with_suffix = g_strconcat (path, ".siyu", NULL);

          g_free (path);
          path = with_suffix;
        }
      if (path != NULL)
        ask_name (parent, path);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
siyu_shop_chooser_create (GtkWindow *parent)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Create a Shop"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Create"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (chooser));
  /* Translators: the file name offered for a new shop; keep “.siyu”. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("My Shop.siyu"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (create_response_cb), parent);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
