/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-overview-page.h"
#include "siyu-preferences-window.h"
#include "siyu-shop-chooser.h"
#include "siyu-window-private.h"

/* One window per open shop: a sidebar of places, each a page.  Only places
 * that work are listed; a new place is one line in this table. */
static const struct {
  const char *name;
  const char *title;
  const char *icon;
  GType     (*get_type) (void);
} places[] = {
  { "overview", N_("Overview"), "view-grid-symbolic", siyu_overview_page_get_type },
};

struct _SiyuWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toasts;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkListBox           *place_list;
  GtkStack             *stack;
  AdwWindowTitle       *window_title;

  SiyuShop             *shop;
  SiyuOverviewPage     *overview;
};

G_DEFINE_FINAL_TYPE (SiyuWindow, siyu_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SHOP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GSettings *
settings_of (SiyuWindow *self)
{
  return siyu_application_get_settings (SIYU_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}

static void
update_titles (SiyuWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->place_list);
  const char *name = siyu_shop_get_name (self->shop);

  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);
  if (row != NULL)
    adw_window_title_set_subtitle (self->window_title, _(places[gtk_list_box_row_get_index (row)].title));
}

static void
place_activated_cb (GtkListBox    *list,
                    GtkListBoxRow *row,
                    SiyuWindow    *self)
{
  gtk_stack_set_visible_child_name (self->stack, places[gtk_list_box_row_get_index (row)].name);
  update_titles (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
build_places (SiyuWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = gtk_label_new (_(places[i].title));
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *page = g_object_new (places[i].get_type (), NULL);

      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (places[i].icon));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), label);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, _(places[i].title), -1);
      gtk_list_box_append (self->place_list, row);

      gtk_stack_add_named (self->stack, page, places[i].name);
      if (SIYU_IS_OVERVIEW_PAGE (page))
        self->overview = SIYU_OVERVIEW_PAGE (page);
    }

  gtk_list_box_select_row (self->place_list, gtk_list_box_get_row_at_index (self->place_list, 0));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_leaflet_navigate (SIYU_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_overview_page_reload (SIYU_WINDOW (widget)->overview);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuWindow *self = SIYU_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (siyu_preferences_window_new (self)));
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

static gboolean
siyu_window_close_request (GtkWindow *window)
{
  SiyuWindow *self = SIYU_WINDOW (window);
  GSettings *settings = settings_of (self);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (siyu_window_parent_class)->close_request (window);
}

/* Needs the application, which is set only after construction. */
static void
restore_size (SiyuWindow *self)
{
  GSettings *settings = settings_of (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
siyu_window_constructed (GObject *object)
{
  SiyuWindow *self = SIYU_WINDOW (object);
  AdwLeafletPage *separator;

  G_OBJECT_CLASS (siyu_window_parent_class)->constructed (object);

  separator = adw_leaflet_insert_child_after (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL),
                                              self->sidebar);
  adw_leaflet_page_set_navigatable (separator, FALSE);

  build_places (self);
  siyu_overview_page_set_shop (self->overview, self->shop);
  update_titles (self);
}

static void
siyu_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SiyuWindow *self = SIYU_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOP:
      g_value_set_object (value, self->shop);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SiyuWindow *self = SIYU_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOP:
      self->shop = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_WINDOW);

  G_OBJECT_CLASS (siyu_window_parent_class)->dispose (object);
}

static void
siyu_window_finalize (GObject *object)
{
  SiyuWindow *self = (SiyuWindow *)object;

  g_clear_object (&self->shop);

  G_OBJECT_CLASS (siyu_window_parent_class)->finalize (object);
}

static void
siyu_window_class_init (SiyuWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = siyu_window_constructed;
  object_class->dispose = siyu_window_dispose;
  object_class->finalize = siyu_window_finalize;
  object_class->get_property = siyu_window_get_property;
  object_class->set_property = siyu_window_set_property;
  window_class->close_request = siyu_window_close_request;

  properties[PROP_SHOP] =
    g_param_spec_object ("shop", NULL, NULL,
                         SIYU_TYPE_SHOP,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, content);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, place_list);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuWindow, window_title);
  gtk_widget_class_bind_template_callback (widget_class, place_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.new-shop", NULL, new_shop_action);
  gtk_widget_class_install_action (widget_class, "win.open-shop", NULL, open_shop_action);
}

static void
siyu_window_init (SiyuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuWindow *
siyu_window_new (SiyuApplication *application,
                 SiyuShop        *shop)
{
  SiyuWindow *self;

  g_return_val_if_fail (SIYU_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  self = g_object_new (SIYU_TYPE_WINDOW, "application", application, "shop", shop, NULL);
  restore_size (self);

  return self;
}

SiyuShop *
siyu_window_get_shop (SiyuWindow *self)
{
  g_return_val_if_fail (SIYU_IS_WINDOW (self), NULL);

  return self->shop;
}

/* After a setting of the shop changed: titles and figures follow. */
void
siyu_window_shop_changed (SiyuWindow *self)
{
  g_return_if_fail (SIYU_IS_WINDOW (self));

  update_titles (self);
  siyu_overview_page_reload (self->overview);
}

void
siyu_window_add_toast (SiyuWindow *self,
                       const char *text)
{
  g_return_if_fail (SIYU_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

SiyuOverviewPage *
_siyu_window_get_overview (SiyuWindow *self)
{
  return self->overview;
}

const char *
_siyu_window_get_title (SiyuWindow *self)
{
  return adw_window_title_get_title (self->window_title);
}
