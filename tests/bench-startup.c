/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-overview-page-private.h"
#include "siyu-window-private.h"

/* How long from start to a usable window on a shop: the window is up and
 * the Overview shows its figures.  Prints figures; asserts nothing.
 *
 *   xvfb-run -a dbus-run-session -- _build/tests/bench-startup SHOP.siyu */

static gint64 started;

static SiyuWindow *
shop_window (SiyuApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SIYU_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");

  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SiyuApplication) app = NULL;
  SiyuWindow *window = NULL;
  double window_seconds = -1;

  started = g_get_monotonic_time ();

  if (argc != 2)
    {
      g_printerr ("usage: bench-startup SHOP.siyu\n");
      return 2;
    }

  gtk_init ();
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    return 1;

  siyu_application_open_path (app, argv[1], NULL);

  for (;;)
    {
      g_main_context_iteration (NULL, TRUE);

      if (window == NULL && (window = shop_window (app)) != NULL)
        window_seconds = (g_get_monotonic_time () - started) / 1e6;
      if (window != NULL &&
          g_str_equal (_siyu_overview_page_get_state (_siyu_window_get_overview (window)), "figures"))
        break;
      if (g_get_monotonic_time () - started > 120 * G_USEC_PER_SEC)
        {
          g_printerr ("no usable window after 120 s\n");
          return 1;
        }
    }

  g_print ("startup: window shown after %.3f s, Overview figures after %.3f s, peak RSS %" G_GINT64_FORMAT " MiB\n",
           window_seconds, (g_get_monotonic_time () - started) / 1e6, peak_rss_kib () / 1024);

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
