/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-application"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "siyu-application.h"
#include "siyu-demo.h"
#include "siyu-gui-resources.h"
#include "siyu-new-shop-dialog.h"
#include "siyu-shop-chooser.h"
#include "siyu-welcome-window.h"
#include "siyu-window.h"

#define MAX_RECENT 10

struct _SiyuApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (SiyuApplication, siyu_application, ADW_TYPE_APPLICATION)

/* Newest first, each shop once. */
static void
remember (SiyuApplication *self,
          const char      *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-shops");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint kept = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && kept < MAX_RECENT; i++)
    if (!g_str_equal (recent[i], path))
      {
        g_strv_builder_add (builder, recent[i]);
        kept++;
      }

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-shops", (const char * const *) updated);
}

static SiyuWelcomeWindow *
find_welcome (SiyuApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SIYU_IS_WELCOME_WINDOW (l->data))
      return l->data;

  return NULL;
}

static SiyuWelcomeWindow *
show_welcome (SiyuApplication *self)
{
  SiyuWelcomeWindow *welcome = find_welcome (self);

  if (welcome == NULL)
    welcome = siyu_welcome_window_new (self);
  gtk_window_present (GTK_WINDOW (welcome));

  return welcome;
}

static void
close_welcome_windows (SiyuApplication *self)
{
  SiyuWelcomeWindow *welcome;

  while ((welcome = find_welcome (self)) != NULL)
    gtk_window_destroy (GTK_WINDOW (welcome));
}

/* Where a dialog started from the application, not from a window, goes. */
static GtkWindow *
parent_window (SiyuApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return window != NULL ? window : GTK_WINDOW (show_welcome (self));
}

static SiyuWindow *
find_shop_window (SiyuApplication *self,
                  const char      *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SIYU_IS_WINDOW (l->data))
      {
        SiyuShopRunner *runner = siyu_window_get_runner (l->data);
        g_autoptr(GFile) open = g_file_new_for_path (siyu_shop_runner_get_path (runner));

        if (g_file_equal (open, file))
          return l->data;
      }

  return NULL;
}

static void
open_shop_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  SiyuShop *shop = siyu_shop_open (task_data, &error);

  if (shop == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, shop, g_object_unref);
}

static void
shop_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SiyuApplication *self = SIYU_APPLICATION (object);
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_task_get_task_data (G_TASK (result));
  SiyuWindow *window;

  shop = g_task_propagate_pointer (G_TASK (result), &error);
  if (shop == NULL)
    {
      /* A window closed meanwhile, or a file from the command line: the
       * window in front carries the message, or else the welcome window. */
      if (parent == NULL || gtk_window_get_application (parent) == NULL)
        g_set_object (&parent, parent_window (self));
      siyu_application_show_error (parent, _("Could Not Open the Shop"), error);
    }
  else if ((window = find_shop_window (self, path)) != NULL)
    /* Asked for twice while it opened. */
    gtk_window_present (GTK_WINDOW (window));
  else
    siyu_application_add_shop (self, shop);

  g_application_release (G_APPLICATION (self));
}

/**
 * siyu_application_open_path:
 * @parent: (nullable): the window to show an error over
 *
 * Opens a shop in a worker thread, then shows it in a window of its own.
 * A shop that is already open comes to the front instead.  The file is
 * only read: a file that is not a shop, or one from a newer Siyu, is
 * refused as it is.
 */
void
siyu_application_open_path (SiyuApplication *self,
                            const char      *path,
                            GtkWindow       *parent)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) file = NULL;
  SiyuWindow *window;

  g_return_if_fail (SIYU_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  if ((window = find_shop_window (self, path)) != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  /* Keeps the application running while no window is open yet. */
  g_application_hold (G_APPLICATION (self));
  file = g_file_new_for_path (path);
  task = g_task_new (self, NULL, shop_opened_cb, parent != NULL ? g_object_ref (parent) : NULL);
  g_task_set_source_tag (task, siyu_application_open_path);
  g_task_set_task_data (task, g_file_get_path (file), g_free);
  g_task_run_in_thread (task, open_shop_thread);
}

/**
 * siyu_application_add_shop:
 * @shop: an open shop that no other thread uses
 *
 * Shows @shop in a new window, adds it to the recent shops, and closes the
 * welcome window.
 *
 * Returns: (transfer none): the shop's window
 */
GtkWindow *
siyu_application_add_shop (SiyuApplication *self,
                           SiyuShop        *shop)
{
  SiyuWindow *window;

  g_return_val_if_fail (SIYU_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  remember (self, siyu_shop_get_path (shop));
  window = siyu_window_new (self, shop);
  gtk_window_present (GTK_WINDOW (window));
  close_welcome_windows (self);

  return GTK_WINDOW (window);
}

/* Errors from the core are already sentences for the owner. */
void
siyu_application_show_error (GtkWindow    *parent,
                             const char   *heading,
                             const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (error != NULL);

  dialog = adw_message_dialog_new (parent, heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_shop_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SiyuApplication *self = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SIYU_IS_NEW_SHOP_DIALOG (l->data))
      {
        gtk_window_present (l->data);
        return;
      }

  gtk_window_present (GTK_WINDOW (siyu_new_shop_dialog_new (parent_window (self))));
}

static void
open_shop_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SiyuApplication *self = user_data;

  siyu_shop_chooser_open (parent_window (self));
}

/* A shop made from an owner's own export: named after the file, with the
 * defaults (changed later in Preferences), kept in Documents until the
 * owner wants it elsewhere. */
typedef struct {
  char *folder;
  char *name;
  char *path;          /* set by the thread */
} FromFile;

static void
from_file_free (gpointer data)
{
  FromFile *request = data;

  g_free (request->folder);
  g_free (request->name);
  g_free (request->path);
  g_free (request);
}

static void
create_from_file_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  FromFile *request = task_data;
  g_autofree char *file_name = g_strdup (request->name);
  GError *error = NULL;
  SiyuShop *shop = NULL;

  /* A name may hold what a file name cannot. */
  g_strdelimit (file_name, "/\\:*?\"<>|", '-');
  if (g_mkdir_with_parents (request->folder, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (request->folder);

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("The folder “%s” cannot be made: %s."), display, g_strerror (saved));
      return;
    }
  /* Another shop of the same name is never replaced: “Name 2”, “Name 3”… */
  for (guint n = 1; shop == NULL && n < 1000; n++)
    {
      g_autofree char *base = n == 1 ? g_strdup_printf ("%s.siyu", file_name)
                                     : g_strdup_printf ("%s %u.siyu", file_name, n);

      g_free (request->path);
      request->path = g_build_filename (request->folder, base, NULL);
      if (g_file_test (request->path, G_FILE_TEST_EXISTS))
        continue;
      g_clear_error (&error);
      shop = siyu_shop_create (request->path, request->name, SIYU_SHOP_DEFAULT_CURRENCY,
                               SIYU_SHOP_DEFAULT_TIME_ZONE, &error);
      if (shop == NULL && !g_file_test (request->path, G_FILE_TEST_EXISTS))
        break;
    }

  if (shop != NULL)
    g_task_return_pointer (task, shop, g_object_unref);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                             _("Every name for the shop is taken in “%s”."), request->folder);
}

static void
created_from_file_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SiyuApplication *self = SIYU_APPLICATION (object);
  g_autoptr(GFile) file = user_data;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  shop = g_task_propagate_pointer (G_TASK (result), &error);
  if (shop == NULL)
    siyu_application_show_error (parent_window (self), _("Could Not Create the Shop"), error);
  else
    {
      window = siyu_application_add_shop (self, shop);
      siyu_window_import (SIYU_WINDOW (window), file);
    }
  g_application_release (G_APPLICATION (self));
}

/**
 * siyu_application_create_from_file:
 * @file: an export of orders or customers
 * @folder: (nullable): where to keep the shop; %NULL: the Documents folder
 *
 * Makes a shop named after @file with the default currency and time zone,
 * opens it, and starts importing @file into it: the owner's first import
 * needs no shop made beforehand.
 */
void
siyu_application_create_from_file (SiyuApplication *self,
                                   GFile           *file,
                                   const char      *folder)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  FromFile *request = g_new0 (FromFile, 1);
  char *dot;

  g_return_if_fail (SIYU_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  base = g_file_get_basename (file);
  request->name = g_filename_display_name (base);
  dot = strrchr (request->name, '.');
  if (dot != NULL && dot != request->name)
    *dot = '\0';
  if (folder != NULL)
    request->folder = g_strdup (folder);
  else if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    request->folder = g_strdup (documents);
  else
    request->folder = g_strdup (g_get_home_dir ());

  g_application_hold (G_APPLICATION (self));
  task = g_task_new (self, NULL, created_from_file_cb, g_object_ref (file));
  g_task_set_source_tag (task, siyu_application_create_from_file);
  g_task_set_task_data (task, request, from_file_free);
  g_task_run_in_thread (task, create_from_file_thread);
}

static void
import_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            gpointer         user_data)
{
  SiyuApplication *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      siyu_application_create_from_file (self, file, NULL);
    }
  g_object_unref (chooser);
  g_application_release (G_APPLICATION (self));
}

static void
import_file_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SiyuApplication *self = user_data;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose Your Export of Orders or Customers"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Spreadsheets (CSV, Excel)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_chooser_response_cb), self);
  g_application_hold (G_APPLICATION (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The demo shop is built the first time, on the welcome window that shows
 * how far it has come. */
static void
open_demo_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SiyuApplication *self = user_data;
  g_autofree char *path = siyu_demo_default_path ();

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    siyu_application_open_path (self, path, parent_window (self));
  else
    siyu_welcome_window_build_demo (show_welcome (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (SIYU_IS_WINDOW (window))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SiyuApplication *self = user_data;
  const char *developers[] = { _("The Siyu developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         /* Translators: the application's name; 私域 in Chinese. */
                         "application-name", _("Siyu"),
                         "application-icon", SIYU_ICON_NAME,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Siyu developers"),
                         "developers", developers,
                         "copyright", _("© 2026 The Siyu developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         "comments", _("Private-domain customer operations for small shops. Your customers, members and orders stay on your own computer."),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing, not destroying: each window saves its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "new-shop", new_shop_action },
  { "open-shop", open_shop_action },
  { "import-file", import_file_action },
  { "open-demo", open_demo_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* Preferences belong to a shop: only while a shop's window is in front. */
static void
active_window_changed_cb (SiyuApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GAction *preferences = g_action_map_lookup_action (G_ACTION_MAP (self), "preferences");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (preferences), SIYU_IS_WINDOW (window));
}

static void
siyu_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window != NULL)
    gtk_window_present (window);
  else
    show_welcome (SIYU_APPLICATION (application));
}

static void
siyu_application_open (GApplication  *application,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  SiyuApplication *self = SIYU_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path != NULL)
        siyu_application_open_path (self, path, NULL);
      else
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autoptr(GError) error = NULL;

          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not a file on this computer. Copy the shop here first."), uri);
          siyu_application_show_error (GTK_WINDOW (show_welcome (self)), _("Could Not Open the Shop"), error);
        }
    }
}

static void
siyu_application_startup (GApplication *application)
{
  SiyuApplication *self = SIYU_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } shortcuts[] = {
    { "app.new-shop", { "<Control>n", NULL } },
    { "app.open-shop", { "<Control>o", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  /* A static library's resource constructor may be dropped by the linker:
   * register the resources before the parent class looks for its style
   * sheet, icons and shortcuts window in them. */
  g_resources_register (siyu_gui_get_resource ());

  G_APPLICATION_CLASS (siyu_application_parent_class)->startup (application);

  /* Translators: the application's name; 私域 in Chinese. */
  g_set_application_name (_("Siyu"));
  gtk_window_set_default_icon_name (SIYU_ICON_NAME);
  self->settings = g_settings_new ("io.github.siyu.Siyu");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), shortcuts[i].action, shortcuts[i].accels);

  g_signal_connect_swapped (self, "notify::active-window", G_CALLBACK (active_window_changed_cb), self);
  active_window_changed_cb (self);
}

static void
siyu_application_finalize (GObject *object)
{
  SiyuApplication *self = (SiyuApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (siyu_application_parent_class)->finalize (object);
}

static void
siyu_application_class_init (SiyuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = siyu_application_finalize;
  app_class->activate = siyu_application_activate;
  app_class->open = siyu_application_open;
  app_class->startup = siyu_application_startup;
}

static void
siyu_application_init (SiyuApplication *self)
{
}

SiyuApplication *
siyu_application_new (void)
{
  return g_object_new (SIYU_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* The same in the development profile, whose id differs. */
                       "resource-base-path", "/io/github/siyu/Siyu",
                       NULL);
}

GSettings *
siyu_application_get_settings (SiyuApplication *self)
{
  g_return_val_if_fail (SIYU_IS_APPLICATION (self), NULL);

  return self->settings;
}
