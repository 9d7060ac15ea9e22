/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-application"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-application.h"
#include "siyu-gui-resources.h"
#include "siyu-shop.h"
#include "siyu-welcome-window.h"
#include "siyu-window.h"

#define MAX_RECENT 10

struct _SiyuApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (SiyuApplication, siyu_application, ADW_TYPE_APPLICATION)

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

static void
close_welcome_windows (SiyuApplication *self)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    if (SIYU_IS_WELCOME_WINDOW (l->data))
      gtk_window_destroy (l->data);
  g_list_free (windows);
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

static GtkWindow *
show_welcome (SiyuApplication *self)
{
  GtkWindow *window = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SIYU_IS_WELCOME_WINDOW (l->data))
      window = l->data;

  if (window == NULL)
    window = GTK_WINDOW (siyu_welcome_window_new (self));
  gtk_window_present (window);

  return window;
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
  SiyuWindow *window;

  shop = g_task_propagate_pointer (G_TASK (result), &error);
  if (shop == NULL)
    {
      /* Opened from the command line: the error is shown over the welcome window. */
      siyu_application_show_error (parent != NULL ? parent : show_welcome (self),
                                   _("Could not open the shop"), error);
      g_application_release (G_APPLICATION (self));
      return;
    }

  remember (self, siyu_shop_get_path (shop));
  window = siyu_window_new (self, shop);
  gtk_window_present (GTK_WINDOW (window));
  close_welcome_windows (self);
  g_application_release (G_APPLICATION (self));
}

/**
 * siyu_application_open_path:
 * @parent: (nullable): where to show an error
 *
 * Opens a shop in a worker thread and then its window; a shop that is
 * already open comes to the front instead.
 */
void
siyu_application_open_path (SiyuApplication *self,
                            const char      *path,
                            GtkWindow       *parent)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_return_if_fail (SIYU_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SIYU_IS_WINDOW (l->data))
      {
        g_autoptr(GFile) open = g_file_new_for_path (siyu_shop_get_path (siyu_window_get_shop (l->data)));

        if (g_file_equal (open, file))
          {
            gtk_window_present (l->data);
            return;
          }
      }

  g_application_hold (G_APPLICATION (self));
  task = g_task_new (self, NULL, shop_opened_cb, parent != NULL ? g_object_ref (parent) : NULL);
  g_task_set_source_tag (task, siyu_application_open_path);
  g_task_set_task_data (task, g_file_get_path (file), g_free);
  g_task_run_in_thread (task, open_shop_thread);
}

/* Errors from the core are already sentences for a person. */
void
siyu_application_show_error (GtkWindow    *parent,
                             const char   *heading,
                             const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_welcome_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  show_welcome (user_data);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SiyuApplication *self = user_data;
  const char *developers[] = { _("The Siyu developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Siyu"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Siyu developers"),
                         "developers", developers,
                         "copyright", "© 2026 The Siyu developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         "comments", _("Customers, members and groups of a shop that runs its own private domain, kept on your computer."),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "show-welcome", show_welcome_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
siyu_application_activate (GApplication *application)
{
  if (gtk_application_get_active_window (GTK_APPLICATION (application)) == NULL)
    show_welcome (SIYU_APPLICATION (application));
  else
    gtk_window_present (gtk_application_get_active_window (GTK_APPLICATION (application)));
}

static void
siyu_application_open (GApplication  *application,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path != NULL)
        siyu_application_open_path (SIYU_APPLICATION (application), path, NULL);
    }
}

static void
siyu_application_startup (GApplication *application)
{
  SiyuApplication *self = SIYU_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *reload_accels[] = { "F5", "<Control>r", NULL };

  g_resources_register (siyu_gui_get_resource ());

  G_APPLICATION_CLASS (siyu_application_parent_class)->startup (application);

  self->settings = g_settings_new ("io.github.siyu.Siyu");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-shop", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open-shop", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.reload", reload_accels);
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
                       "resource-base-path", "/io/github/siyu/Siyu",
                       NULL);
}

GSettings *
siyu_application_get_settings (SiyuApplication *self)
{
  g_return_val_if_fail (SIYU_IS_APPLICATION (self), NULL);

  return self->settings;
}
