/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-figure-card"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-figure-card.h"

/* One figure of a page: what it counts, its value in big type, how it
 * changed, and what it was before. */

struct _SiyuFigureCard
{
  GtkWidget  parent_instance;

  GtkLabel  *title_label;
  GtkLabel  *value_label;
  GtkLabel  *change_label;
  GtkLabel  *before_label;
};

G_DEFINE_FINAL_TYPE (SiyuFigureCard, siyu_figure_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Screen readers and accessibility tools read the value with its title. */
static void
update_accessible (SiyuFigureCard *self)
{
  const char *title = gtk_label_get_label (self->title_label);
  const char *value = gtk_label_get_label (self->value_label);
  /* Translators: how a screen reader names a figure: its title and its value, e.g. “Contacts: 4,963”. */
  g_autofree char *name = g_strdup_printf (_("%s: %s"), title, value);
  g_autofree char *description = g_strdup_printf ("%s\n%s", gtk_label_get_label (self->change_label),
                                                  gtk_label_get_label (self->before_label));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->value_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
siyu_figure_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_FIGURE_CARD);

  G_OBJECT_CLASS (siyu_figure_card_parent_class)->dispose (object);
}

static void
siyu_figure_card_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuFigureCard *self = SIYU_FIGURE_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, siyu_figure_card_get_title (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_figure_card_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SiyuFigureCard *self = SIYU_FIGURE_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      siyu_figure_card_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_figure_card_class_init (SiyuFigureCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_figure_card_dispose;
  object_class->get_property = siyu_figure_card_get_property;
  object_class->set_property = siyu_figure_card_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-figure-card.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuFigureCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuFigureCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuFigureCard, change_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuFigureCard, before_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "figurecard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
siyu_figure_card_init (SiyuFigureCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
}

GtkWidget *
siyu_figure_card_new (const char *title)
{
  return g_object_new (SIYU_TYPE_FIGURE_CARD, "title", title, NULL);
}

const char *
siyu_figure_card_get_title (SiyuFigureCard *self)
{
  g_return_val_if_fail (SIYU_IS_FIGURE_CARD (self), NULL);

  return gtk_label_get_label (self->title_label);
}

void
siyu_figure_card_set_title (SiyuFigureCard *self,
                            const char     *title)
{
  g_return_if_fail (SIYU_IS_FIGURE_CARD (self));

  if (g_strcmp0 (title, gtk_label_get_label (self->title_label)) == 0)
    return;

  gtk_label_set_label (self->title_label, title);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
siyu_figure_card_set_figure (SiyuFigureCard *self,
                             const char     *value,
                             const char     *change,
                             const char     *before)
{
  g_return_if_fail (SIYU_IS_FIGURE_CARD (self));

  gtk_label_set_label (self->value_label, value);
  gtk_label_set_label (self->change_label, change);
  gtk_label_set_label (self->before_label, before);
  update_accessible (self);
}

const char *
siyu_figure_card_get_value (SiyuFigureCard *self)
{
  g_return_val_if_fail (SIYU_IS_FIGURE_CARD (self), NULL);

  return gtk_label_get_label (self->value_label);
}

const char *
siyu_figure_card_get_change (SiyuFigureCard *self)
{
  g_return_val_if_fail (SIYU_IS_FIGURE_CARD (self), NULL);

  return gtk_label_get_label (self->change_label);
}

const char *
siyu_figure_card_get_before (SiyuFigureCard *self)
{
  g_return_val_if_fail (SIYU_IS_FIGURE_CARD (self), NULL);

  return gtk_label_get_label (self->before_label);
}

GtkWidget *
siyu_figure_card_get_value_label (SiyuFigureCard *self)
{
  g_return_val_if_fail (SIYU_IS_FIGURE_CARD (self), NULL);

  return GTK_WIDGET (self->value_label);
}
