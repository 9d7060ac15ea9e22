/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-campaigns-page.h"
#include "siyu-contact-filter-variant.h"
#include "siyu-contacts-page.h"
#include "siyu-groups-page.h"
#include "siyu-import-dialog.h"
#include "siyu-json.h"
#include "siyu-orders-page.h"
#include "siyu-overview-page.h"
#include "siyu-model-wizard.h"
#include "siyu-preferences-window.h"
#include "siyu-segments-page.h"
#include "siyu-replenish-page.h"
#include "siyu-review-page.h"
#include "siyu-sync-dialog.h"
#include "siyu-window-private.h"

/* The places of a shop, in the order of the sidebar.  Only places that work
 * are listed; a new place is one line here.  Each page is a widget with a
 * construct-only "runner" property, made when the window opens; a page
 * that can count its figures again has a "page.reload" action. */
static const struct {
  const char *name;
  const char *title;
  const char *icon;
  GType     (*get_type) (void);
} places[] = {
  /* Translators: a place in the sidebar of a shop's window. */
  { "overview", N_("Overview"), "view-grid-symbolic", siyu_overview_page_get_type },
  /* Translators: a place in the sidebar of a shop's window. */
  { "contacts", N_("Contacts"), "system-users-symbolic", siyu_contacts_page_get_type },
  /* Translators: a place in the sidebar of a shop's window. */
  { "orders", N_("Orders"), "view-list-symbolic", siyu_orders_page_get_type },
  /* Translators: a place in the sidebar of a shop's window. */
  { "groups", N_("Groups"), "user-available-symbolic", siyu_groups_page_get_type },
  /* Translators: a place in the sidebar of a shop's window. */
  { "segments", N_("Segments"), "emoji-people-symbolic", siyu_segments_page_get_type },
  /* Translators: a place in the sidebar of a shop's window: who is due to
   * buy a product again. */
  { "replenish", N_("Restock"), "appointment-soon-symbolic", siyu_replenish_page_get_type },
  /* Translators: a place in the sidebar: the monthly health review. */
  { "review", N_("Monthly Review"), "x-office-document-symbolic", siyu_review_page_get_type },
  /* Translators: a place in the sidebar of a shop's window: sales
   * campaigns planned from a GMV target. */
  { "campaigns", N_("Campaigns"), "x-office-calendar-symbolic", siyu_campaigns_page_get_type },
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

  SiyuShopRunner       *runner;
  gulong                changed_id;
  GtkWindow            *preferences;
  GtkFileChooserNative *import_chooser;
};

G_DEFINE_FINAL_TYPE (SiyuWindow, siyu_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_RUNNER,
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
  const char *name = siyu_shop_runner_get_name (self->runner);

  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);
  /* Said where the owner looks first, before any change fails. */
  if (siyu_shop_runner_is_read_only (self->runner))
    adw_window_title_set_subtitle (self->window_title, _("Read-only: changes cannot be saved"));
  else if (row != NULL)
    adw_window_title_set_subtitle (self->window_title, _(places[gtk_list_box_row_get_index (row)].title));
}

static void
show_place (SiyuWindow *self,
            guint       index)
{
  gtk_stack_set_visible_child_name (self->stack, places[index].name);
  update_titles (self);
}

static void
place_activated_cb (GtkListBox    *list,
                    GtkListBoxRow *row,
                    SiyuWindow    *self)
{
  show_place (self, gtk_list_box_row_get_index (row));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
runner_settings_changed_cb (SiyuWindow *self)
{
  update_titles (self);
}

static GtkWidget *
place_row_new (guint index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_(places[index].title));
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (places[index].icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);

  return row;
}

static void
build_places (SiyuWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      GtkWidget *page = g_object_new (places[i].get_type (), "runner", self->runner, NULL);

      gtk_list_box_append (self->place_list, place_row_new (i));
      gtk_stack_add_named (self->stack, page, places[i].name);
    }

  gtk_list_box_select_row (self->place_list, gtk_list_box_get_row_at_index (self->place_list, 0));
  show_place (self, 0);
}

/**
 * siyu_window_show_place:
 * @name: a place of the sidebar: "overview", "contacts", …
 *
 * Returns: (transfer none) (nullable): the place's page, now shown
 */
GtkWidget *
siyu_window_show_place (SiyuWindow *self,
                        const char *name)
{
  g_return_val_if_fail (SIYU_IS_WINDOW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (g_strcmp0 (places[i].name, name) == 0)
      {
        gtk_list_box_select_row (self->place_list, gtk_list_box_get_row_at_index (self->place_list, (int) i));
        show_place (self, i);
        adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
        return gtk_stack_get_child_by_name (self->stack, name);
      }

  return NULL;
}

/* Ctrl+F from anywhere in the window: find a contact. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuWindow *self = SIYU_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  /* The place shown searches its own list; the others look up a contact. */
  if (page != NULL && gtk_widget_activate_action (page, "page.search", NULL))
    return;
  page = siyu_window_show_place (self, "contacts");
  if (page != NULL)
    gtk_widget_activate_action (page, "page.search", NULL);
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
  SiyuWindow *self = SIYU_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  if (page != NULL)
    gtk_widget_activate_action (page, "page.reload", NULL);
}

/**
 * siyu_window_reload_places:
 *
 * Reads every place again, after an import or a recount.
 */
void
siyu_window_reload_places (SiyuWindow *self)
{
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       page != NULL;
       page = gtk_widget_get_next_sibling (page))
    gtk_widget_activate_action (page, "page.reload", NULL);
}

/**
 * siyu_window_import:
 * @self: a shop's window
 * @file: an export of a shop platform, CSV or XLSX
 *
 * Opens the import dialog on @file.  The places reload once it is stored.
 *
 * Returns: (transfer none): the dialog
 */
GtkWindow *
siyu_window_import (SiyuWindow *self,
                    GFile      *file)
{
  SiyuImportDialog *dialog = siyu_import_dialog_new (GTK_WINDOW (self), self->runner, file);

  g_signal_connect_object (dialog, "imported", G_CALLBACK (siyu_window_reload_places), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    SiyuWindow      *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->import_chooser);
  if (file != NULL)
    siyu_window_import (self, file);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuWindow *self = SIYU_WINDOW (widget);
  g_autoptr(GtkFileFilter) exports = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->import_chooser != NULL)
    return;

  /* Translators: the kinds of file the import reads, in the file chooser. */
  gtk_file_filter_set_name (exports, _("Spreadsheets and CSV files"));
  gtk_file_filter_add_suffix (exports, "csv");
  gtk_file_filter_add_suffix (exports, "tsv");
  gtk_file_filter_add_suffix (exports, "txt");
  gtk_file_filter_add_suffix (exports, "xlsx");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");

  self->import_chooser = gtk_file_chooser_native_new (_("Import a File"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->import_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), exports);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), all);
  g_signal_connect (self->import_chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SiyuWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL || !G_IS_FILE (files->data))
    return FALSE;
  /* One file at a time: each has its own columns to check. */
  siyu_window_import (self, files->data);
  return TRUE;
}

static void
preferences_destroyed_cb (SiyuWindow *self)
{
  self->preferences = NULL;
}

/* Syncs every platform account, showing progress in a small dialog. */
static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuWindow *self = SIYU_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (siyu_sync_dialog_new (GTK_WINDOW (self), GTK_WINDOW (self), self->runner, NULL)));
}

/* The lifecycle and tier wizard, over this window. */
static void
model_wizard_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_window_present (GTK_WINDOW (siyu_model_wizard_new (GTK_WINDOW (widget),
                                                         siyu_window_get_runner (SIYU_WINDOW (widget)))));
}

/* One Preferences window per shop. */
static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuWindow *self = SIYU_WINDOW (widget);

  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (siyu_preferences_window_new (GTK_WINDOW (self), self->runner));
      g_signal_connect_object (self->preferences, "destroy", G_CALLBACK (preferences_destroyed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (self->preferences);
}

/* What the pages and dialogs ask of the window.  They reach it only
 * through these actions, never through its functions: a page activates
 * "win.toast" and the others from where it is, a dialog (a toplevel of
 * its own) on the window it was given.  They are in the window's action
 * map, not among the actions of its class, so that a dialog can activate
 * them with g_action_group_activate_action() too.  The map is also
 * exported on the session bus: the parameters are checked as input. */

/* "s": a toast with this text. */
static void
toast_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  siyu_window_add_toast (SIYU_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

/* Every place reads the shop again, after a change to many contacts. */
static void
reload_places_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  siyu_window_reload_places (SIYU_WINDOW (user_data));
}

/* "s": the name of a place, as in places[]. */
static void
show_place_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  siyu_window_show_place (SIYU_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

/* "x": a contact's id, opened in the Contacts place. */
static void
open_contact_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkWidget *page = siyu_window_show_place (SIYU_WINDOW (user_data), "contacts");

  if (SIYU_IS_CONTACTS_PAGE (page))
    siyu_contacts_page_open (SIYU_CONTACTS_PAGE (page), g_variant_get_int64 (parameter));
}

/* "(a{sv}s)": the contacts behind a figure, as
 * siyu_contact_filter_to_variant() gives them, and what they are in words
 * (empty: nothing is said above the list). */
static void
show_contacts_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  g_autoptr(GVariant) dictionary = NULL;
  const char *description;
  SiyuContactFilter filter;
  GtkWidget *page;

  g_variant_get (parameter, "(@a{sv}&s)", &dictionary, &description);
  siyu_contact_filter_from_variant (dictionary, &filter);
  page = siyu_window_show_place (SIYU_WINDOW (user_data), "contacts");
  if (SIYU_IS_CONTACTS_PAGE (page))
    siyu_contacts_page_show_filter (SIYU_CONTACTS_PAGE (page), &filter,
                                    *description != '\0' ? description : NULL);
}

/* "(ss)": a segment that is not saved, such as one of the review's cards:
 * the name to suggest (empty: none) and its definition as JSON, opened in
 * the editor of Segments. */
static void
open_segment_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  const char *json;
  GtkWidget *page;

  g_variant_get (parameter, "(&s&s)", &name, &json);
  definition = siyu_json_parse (json, -1, _("The segment’s definition"), &error);
  if (definition == NULL)
    {
      g_warning ("Cannot open the segment “%s”: %s", name, error->message);
      return;
    }
  page = siyu_window_show_place (SIYU_WINDOW (user_data), "segments");
  if (SIYU_IS_SEGMENTS_PAGE (page))
    siyu_segments_page_open_definition (SIYU_SEGMENTS_PAGE (page), *name != '\0' ? name : NULL, definition);
}

static const GActionEntry win_actions[] = {
  { "toast", toast_action, "s" },
  { "reload-places", reload_places_action },
  { "show-place", show_place_action, "s" },
  { "open-contact", open_contact_action, "x" },
  { "show-contacts", show_contacts_action, "(a{sv}s)" },
  { "open-segment", open_segment_action, "(ss)" },
};

static gboolean
siyu_window_close_request (GtkWindow *window)
{
  SiyuWindow *self = SIYU_WINDOW (window);
  GSettings *settings = settings_of (self);
  int width, height;

  /* The size the window has when not maximized. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (settings);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (settings);

  return GTK_WINDOW_CLASS (siyu_window_parent_class)->close_request (window);
}

static void
siyu_window_constructed (GObject *object)
{
  SiyuWindow *self = SIYU_WINDOW (object);
  AdwLeafletPage *separator;
  GtkDropTarget *drop;

  G_OBJECT_CLASS (siyu_window_parent_class)->constructed (object);

  g_assert (self->runner != NULL);

  separator = adw_leaflet_insert_child_after (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL),
                                              self->sidebar);
  adw_leaflet_page_set_navigatable (separator, FALSE);

  build_places (self);
  siyu_sync_dialog_sync_on_open (GTK_WINDOW (self), self->runner);
  /* Folded, the window opens on the first place; the sidebar is one step
   * back. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);

  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);

  /* A shop's export dropped on the window is imported. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
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
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
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
    case PROP_RUNNER:
      self->runner = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_window_dispose (GObject *object)
{
  SiyuWindow *self = (SiyuWindow *)object;

  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_WINDOW);

  G_OBJECT_CLASS (siyu_window_parent_class)->dispose (object);
}

static void
siyu_window_finalize (GObject *object)
{
  SiyuWindow *self = (SiyuWindow *)object;

  g_clear_object (&self->runner);
  g_clear_object (&self->import_chooser);

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

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
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
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  /* Alt+1, Alt+2, …: the places in the order of the sidebar. */
  for (guint i = 0; i < G_N_ELEMENTS (places) && i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-place", "s", places[i].name);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.model-wizard", NULL, model_wizard_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.sync", NULL);
}

static void
siyu_window_init (SiyuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
}

/**
 * siyu_window_new:
 * @shop: a shop that no other thread uses; the window takes it over
 *
 * Restores the size the last window had.
 */
SiyuWindow *
siyu_window_new (SiyuApplication *application,
                 SiyuShop        *shop)
{
  g_autoptr(SiyuShopRunner) runner = NULL;
  SiyuWindow *self;
  GSettings *settings;

  g_return_val_if_fail (SIYU_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  runner = siyu_shop_runner_new (shop);
  settings = siyu_application_get_settings (application);
  self = g_object_new (SIYU_TYPE_WINDOW,
                       "application", application,
                       "runner", runner,
                       "default-width", g_settings_get_int (settings, "window-width"),
                       "default-height", g_settings_get_int (settings, "window-height"),
                       "maximized", g_settings_get_boolean (settings, "window-maximized"),
                       NULL);

  return self;
}

SiyuShopRunner *
siyu_window_get_runner (SiyuWindow *self)
{
  g_return_val_if_fail (SIYU_IS_WINDOW (self), NULL);

  return self->runner;
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
  return SIYU_OVERVIEW_PAGE (gtk_stack_get_child_by_name (self->stack, "overview"));
}

const char *
_siyu_window_get_title (SiyuWindow *self)
{
  return adw_window_title_get_title (self->window_title);
}

const char *
_siyu_window_get_subtitle (SiyuWindow *self)
{
  return adw_window_title_get_subtitle (self->window_title);
}

gboolean
_siyu_window_get_folded (SiyuWindow *self)
{
  return adw_leaflet_get_folded (self->leaflet);
}

/* The name of the place shown: "overview", "segments", … */
const char *
_siyu_window_get_place (SiyuWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
