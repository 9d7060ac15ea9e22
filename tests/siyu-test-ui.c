/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-test-ui.h"

/* Helpers of the window tests: they drive the main loop themselves. */

/* Runs the main loop until @condition holds, for three minutes at most:
 * a generous bound, for sanitizer builds on a busy machine. */
void
siyu_test_wait_for_at (SiyuTestCondition condition,
                       gpointer          data,
                       const char       *what,
                       const char       *where)
{
  gint64 deadline = g_get_monotonic_time () + 180 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: gave up waiting for %s after 180 s", where, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Lets everything pending run: idles, jobs' results, finalizers. */
void
siyu_test_drain (void)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* Destroys a window and checks that nothing keeps it alive. */
void
siyu_test_destroy_window (gpointer window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  siyu_test_drain ();
  g_assert_finalize_object (window);
}
