/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-application.h"
#include "siyu-shop-chooser.h"

/* Choosing a shop file to open: the same from the welcome window and from a
 * shop's window. */


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
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      /* The window may have been closed meanwhile. */
      gboolean parent_gone = gtk_window_get_application (parent) == NULL;

      if (path != NULL)
        siyu_application_open_path (SIYU_APPLICATION (g_application_get_default ()), path,
                                    parent_gone ? NULL : parent);
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
  g_signal_connect_data (chooser, "response", G_CALLBACK (open_response_cb),
                         g_object_ref (parent), (GClosureNotify) G_CALLBACK (g_object_unref), 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
