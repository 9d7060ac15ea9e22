/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-toast"

#include "config.h"

#include "siyu-toast.h"

/**
 * siyu_toast_show:
 * @widget: a widget of the page the toast is about
 * @toast: (transfer full): the toast
 *
 * Shows @toast in the toast overlay around @widget, or only logs its
 * title when @widget is in none (a page outside a window, in tests).
 */
void
siyu_toast_show (GtkWidget *widget,
                 AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    {
      g_message ("%s", adw_toast_get_title (toast));
      g_object_unref (toast);
    }
}
