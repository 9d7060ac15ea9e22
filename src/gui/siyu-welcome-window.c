/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-welcome-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-demo.h"
#include "siyu-shop-chooser.h"
#include "siyu-welcome-window.h"

struct _SiyuWelcomeWindow
{
  AdwApplicationWindow  parent_instance;

  GtkListBox           *recent_list;
  GtkWidget            *recent_title;
  GtkRevealer          *demo_revealer;
  GtkProgressBar       *demo_progress;
  GtkWidget            *buttons;

  GCancellable         *demo_cancellable;
  guint                 progress_source;
  double                progress;
  GMutex                progress_mutex;
};

G_DEFINE_FINAL_TYPE (SiyuWelcomeWindow, siyu_welcome_window, ADW_TYPE_APPLICATION_WINDOW)

static SiyuApplication *
application (SiyuWelcomeWindow *self)
{
  return SIYU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static char *
folder_for_display (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const char *home = g_get_home_dir ();

  if (g_str_has_prefix (dir, home) && (dir[strlen (home)] == '/' || dir[strlen (home)] == '\0'))
    return g_strconcat ("~", dir + strlen (home), NULL);

  return g_filename_display_name (dir);
}

static void
recent_row_activated_cb (AdwActionRow      *row,
                         SiyuWelcomeWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");

  siyu_application_open_path (application (self), path, GTK_WINDOW (self));
}

static void
fill_recent (SiyuWelcomeWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (siyu_application_get_settings (application (self)), "recent-shops");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = NULL;
      g_autofree char *title = NULL;
      g_autofree char *folder = NULL;
      GtkWidget *row;

      if (!g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
        continue;

      base = g_path_get_basename (recent[i]);
      if (g_str_has_suffix (base, ".siyu"))
        base[strlen (base) - strlen (".siyu")] = '\0';
      title = g_filename_display_name (base);
      folder = folder_for_display (recent[i]);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (recent_row_activated_cb), self);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }

  gtk_widget_set_visible (self->recent_title, shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
}

static gboolean
update_progress_cb (gpointer user_data)
{
  SiyuWelcomeWindow *self = user_data;

  g_mutex_lock (&self->progress_mutex);
  gtk_progress_bar_set_fraction (self->demo_progress, self->progress);
  g_mutex_unlock (&self->progress_mutex);

  return G_SOURCE_CONTINUE;
}

/* Called from the worker thread: only stores the fraction. */
static void
demo_progress_cb (double   fraction,
                  gpointer user_data)
{
  SiyuWelcomeWindow *self = user_data;

  g_mutex_lock (&self->progress_mutex);
  self->progress = fraction;
  g_mutex_unlock (&self->progress_mutex);
}

static void
demo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  GError *error = NULL;
  g_autoptr(SiyuShop) shop = siyu_demo_create (task_data, &options, demo_progress_cb, source_object,
                                               cancellable, &error);

  if (shop == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
demo_done (SiyuWelcomeWindow *self)
{
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->demo_cancellable);
  gtk_revealer_set_reveal_child (self->demo_revealer, FALSE);
  gtk_widget_set_sensitive (self->buttons, TRUE);
}

static void
demo_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SiyuWelcomeWindow *self = SIYU_WELCOME_WINDOW (object);
  const char *path = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  demo_done (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        siyu_application_show_error (GTK_WINDOW (self), _("Could not build the demo shop"), error);
      return;
    }

  siyu_application_open_path (application (self), path, GTK_WINDOW (self));
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SiyuWelcomeWindow *self = SIYU_WELCOME_WINDOW (widget);
  g_autofree char *path = siyu_demo_default_path ();
  g_autoptr(GTask) task = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      siyu_application_open_path (application (self), path, GTK_WINDOW (self));
      return;
    }

  self->demo_cancellable = g_cancellable_new ();
  self->progress = 0;
  gtk_progress_bar_set_fraction (self->demo_progress, 0);
  gtk_revealer_set_reveal_child (self->demo_revealer, TRUE);
  gtk_widget_set_sensitive (self->buttons, FALSE);
  self->progress_source = g_timeout_add (100, update_progress_cb, self);

  task = g_task_new (self, self->demo_cancellable, demo_created_cb, NULL);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, demo_thread);
}

static void
cancel_demo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuWelcomeWindow *self = SIYU_WELCOME_WINDOW (widget);

  if (self->demo_cancellable != NULL)
    g_cancellable_cancel (self->demo_cancellable);
}

static void
new_shop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  siyu_shop_chooser_create (GTK_WINDOW (widget));
}

static void
open_shop_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  siyu_shop_chooser_open (GTK_WINDOW (widget));
}

static void
siyu_welcome_window_dispose (GObject *object)
{
  SiyuWelcomeWindow *self = (SiyuWelcomeWindow *)object;

  if (self->demo_cancellable != NULL)
    g_cancellable_cancel (self->demo_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);

  G_OBJECT_CLASS (siyu_welcome_window_parent_class)->dispose (object);
}

static void
siyu_welcome_window_finalize (GObject *object)
{
  SiyuWelcomeWindow *self = (SiyuWelcomeWindow *)object;

  g_clear_object (&self->demo_cancellable);
  g_mutex_clear (&self->progress_mutex);

  G_OBJECT_CLASS (siyu_welcome_window_parent_class)->finalize (object);
}

static void
siyu_welcome_window_class_init (SiyuWelcomeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_welcome_window_dispose;
  object_class->finalize = siyu_welcome_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-welcome-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, recent_title);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, demo_progress);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, buttons);

  gtk_widget_class_install_action (widget_class, "win.new-shop", NULL, new_shop_action);
  gtk_widget_class_install_action (widget_class, "win.open-shop", NULL, open_shop_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-demo", NULL, cancel_demo_action);
}

static void
siyu_welcome_window_init (SiyuWelcomeWindow *self)
{
  g_mutex_init (&self->progress_mutex);
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuWelcomeWindow *
siyu_welcome_window_new (SiyuApplication *application)
{
  SiyuWelcomeWindow *self = g_object_new (SIYU_TYPE_WELCOME_WINDOW, "application", application, NULL);

  fill_recent (self);

  return self;
}
