/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-welcome-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-demo.h"
#include "siyu-welcome-window-private.h"

/* What the app shows with no shop open: make one, open one, open one used
 * lately, or look around the demo shop. */

struct _SiyuWelcomeWindow
{
  AdwApplicationWindow  parent_instance;

  GtkWidget            *status_page;
  GtkListBox           *recent_list;
  GtkWidget            *recent_group;
  GtkRevealer          *demo_revealer;
  GtkProgressBar       *demo_progress;
  GtkWidget            *buttons;

  GSettings            *settings;
  GCancellable         *demo_cancellable;
  guint                 progress_source;
  GMutex                progress_mutex;
  double                progress;
};

G_DEFINE_FINAL_TYPE (SiyuWelcomeWindow, siyu_welcome_window, ADW_TYPE_APPLICATION_WINDOW)

static SiyuApplication *
application (SiyuWelcomeWindow *self)
{
  return SIYU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* ~/Documents rather than /home/wang/Documents. */
static char *
folder_for_display (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *display = g_filename_display_name (dir);
  g_autofree char *home = g_filename_display_name (g_get_home_dir ());
  gsize len = strlen (home);

  if (g_str_has_prefix (display, home) && (display[len] == '/' || display[len] == '\0'))
    return g_strconcat ("~", display + len, NULL);

  return g_steal_pointer (&display);
}

static void
recent_row_activated_cb (AdwActionRow      *row,
                         SiyuWelcomeWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");

  siyu_application_open_path (application (self), path, GTK_WINDOW (self));
}

static GtkWidget *
recent_row_new (SiyuWelcomeWindow *self,
                const char        *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *title = NULL;
  g_autofree char *folder = folder_for_display (path);
  GtkWidget *row = adw_action_row_new ();

  if (g_str_has_suffix (base, ".siyu") && strlen (base) > strlen (".siyu"))
    base[strlen (base) - strlen (".siyu")] = '\0';
  title = g_filename_display_name (base);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, folder);
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (path), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (recent_row_activated_cb), self);

  return row;
}

/* Shops that were moved or deleted are left out. */
static void
fill_recent (SiyuWelcomeWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-shops");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    if (g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
      {
        gtk_list_box_append (self->recent_list, recent_row_new (self, recent[i]));
        shown++;
      }

  gtk_widget_set_visible (self->recent_group, shown > 0);
  /* Less welcome, more room for the shops. */
  if (shown > 0)
    gtk_widget_add_css_class (self->status_page, "compact");
  else
    gtk_widget_remove_css_class (self->status_page, "compact");
}

static void
recent_changed_cb (SiyuWelcomeWindow *self)
{
  fill_recent (self);
}

static gboolean
update_progress_cb (gpointer user_data)
{
  SiyuWelcomeWindow *self = user_data;
  double fraction;

  g_mutex_lock (&self->progress_mutex);
  fraction = self->progress;
  g_mutex_unlock (&self->progress_mutex);

  gtk_progress_bar_set_fraction (self->demo_progress, fraction);

  return G_SOURCE_CONTINUE;
}

/* Called in the worker thread: only keeps the fraction for the timeout
 * above. */
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
  SiyuShop *shop = siyu_demo_create (task_data, &options, demo_progress_cb, source_object, cancellable, &error);

  if (shop == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, shop, g_object_unref);
}

static void
demo_finished (SiyuWelcomeWindow *self)
{
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->demo_cancellable);
  if (self->buttons == NULL)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-demo", FALSE);
  gtk_revealer_set_reveal_child (self->demo_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_revealer), FALSE);
  gtk_widget_set_sensitive (self->buttons, TRUE);
}

static void
demo_built_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SiyuWelcomeWindow *self = SIYU_WELCOME_WINDOW (object);
  g_autoptr(SiyuApplication) app = user_data;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;

  shop = g_task_propagate_pointer (G_TASK (result), &error);
  demo_finished (self);
  g_application_release (G_APPLICATION (app));

  /* Cancelled, or the window was closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->buttons == NULL)
    return;

  if (shop == NULL)
    siyu_application_show_error (GTK_WINDOW (self), _("Could Not Build the Demo Shop"), error);
  else
    siyu_application_add_shop (app, shop);
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
siyu_welcome_window_dispose (GObject *object)
{
  SiyuWelcomeWindow *self = (SiyuWelcomeWindow *)object;

  if (self->demo_cancellable != NULL)
    g_cancellable_cancel (self->demo_cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_WELCOME_WINDOW);

  G_OBJECT_CLASS (siyu_welcome_window_parent_class)->dispose (object);
}

static void
siyu_welcome_window_finalize (GObject *object)
{
  SiyuWelcomeWindow *self = (SiyuWelcomeWindow *)object;

  g_clear_object (&self->demo_cancellable);
  g_clear_object (&self->settings);
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
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, demo_progress);
  gtk_widget_class_bind_template_child (widget_class, SiyuWelcomeWindow, buttons);

  gtk_widget_class_install_action (widget_class, "win.cancel-demo", NULL, cancel_demo_action);
}

static void
siyu_welcome_window_init (SiyuWelcomeWindow *self)
{
  g_mutex_init (&self->progress_mutex);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-demo", FALSE);
}

SiyuWelcomeWindow *
siyu_welcome_window_new (SiyuApplication *application)
{
  SiyuWelcomeWindow *self;

  g_return_val_if_fail (SIYU_IS_APPLICATION (application), NULL);

  self = g_object_new (SIYU_TYPE_WELCOME_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (siyu_application_get_settings (application));
  g_signal_connect_swapped (self->settings, "changed::recent-shops", G_CALLBACK (recent_changed_cb), self);
  fill_recent (self);

  return self;
}

/**
 * siyu_welcome_window_build_demo:
 *
 * Builds the demo shop at its usual place in a worker thread, with a
 * progress bar and a Cancel button, then opens it.
 */
void
siyu_welcome_window_build_demo (SiyuWelcomeWindow *self)
{
  g_autoptr(GTask) task = NULL;
  SiyuApplication *app;

  g_return_if_fail (SIYU_IS_WELCOME_WINDOW (self));

  if (self->demo_cancellable != NULL)
    return;

  app = application (self);
  self->demo_cancellable = g_cancellable_new ();
  self->progress = 0;
  gtk_progress_bar_set_fraction (self->demo_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->demo_revealer, TRUE);
  gtk_widget_set_sensitive (self->buttons, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-demo", TRUE);
  self->progress_source = g_timeout_add (100, update_progress_cb, self);

  /* Until the demo shop is whole, or cancelled and cleared away, even if
   * this window is closed. */
  g_application_hold (G_APPLICATION (app));
  task = g_task_new (self, self->demo_cancellable, demo_built_cb, g_object_ref (app));
  g_task_set_source_tag (task, siyu_welcome_window_build_demo);
  g_task_set_task_data (task, siyu_demo_default_path (), g_free);
  g_task_run_in_thread (task, demo_thread);
}

GtkListBox *
_siyu_welcome_window_get_recent_list (SiyuWelcomeWindow *self)
{
  return self->recent_list;
}

gboolean
_siyu_welcome_window_is_building (SiyuWelcomeWindow *self)
{
  return self->demo_cancellable != NULL;
}

void
_siyu_welcome_window_cancel_demo (SiyuWelcomeWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.cancel-demo", NULL);
}
