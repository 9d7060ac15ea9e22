/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-recompute.h"
#include "siyu-json.h"

GOptionContext *
siyu_cli_option_context (const char *command,
                         const char *parameter,
                         const char *summary)
{
  g_autofree char *full = g_strdup_printf ("%s%s%s", command,
                                           parameter != NULL ? " " : "",
                                           parameter != NULL ? parameter : "");
  GOptionContext *context = g_option_context_new (full);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  return context;
}

/* Returns SIYU_CLI_OK, or SIYU_CLI_USAGE after printing why. */
int
siyu_cli_parse (GOptionContext   *context,
                int              *argc,
                char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("siyu-cli: %s\n", error->message);
      g_printerr (_("Try “siyu-cli %s --help”.\n"), (*argv)[0]);
      return SIYU_CLI_USAGE;
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_usage_error (const char *command,
                      const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("siyu-cli %s: %s\n", command, message);
  g_printerr (_("Try “siyu-cli %s --help”.\n"), command);

  return SIYU_CLI_USAGE;
}

int
siyu_cli_fail (const GError *error)
{
  siyu_cli_progress_done ();
  g_printerr ("siyu-cli: %s\n", error->message);

  return SIYU_CLI_REFUSED;
}

SiyuShop *
siyu_cli_open_shop (const char *command,
                    const char *path,
                    int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop;

  if (path == NULL)
    {
      *exit_code = siyu_cli_usage_error (command, _("--db FILE is required"));
      return NULL;
    }

  shop = siyu_shop_open (path, &error);
  if (shop == NULL)
    *exit_code = siyu_cli_fail (error);

  return shop;
}

/* Says what became of the figures when they could not be counted again
 * after a change was stored: the change stays, and the figures are marked
 * as from before it until they are counted. */
void
siyu_cli_figures_not_counted (const GError *error)
{
  siyu_cli_progress_done ();
  /* The store's message for a full disk says that nothing was changed,
   * which is true of the figures only. */
  if (g_error_matches (error, SIYU_DB_ERROR, SIYU_DB_ERROR_FULL))
    g_printerr ("%s\n", _("siyu-cli: the figures were not counted again: the disk is full. They are marked as from "
                          "before the change, and are counted again the next time a command shows them."));
  else
    g_printerr (_("siyu-cli: the figures were not counted again (%s). They are marked as from before the change, "
                  "and are counted again the next time a command shows them.\n"), error->message);
}

/* Counts the figures again when the data changed since they were counted
 * (an import or an edit whose count was cut short, or a change made by
 * another program), so that what a command shows is never silently out of
 * date.  When they cannot be counted, says so and shows them as they are. */
static void
count_stale_figures (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  gboolean stale = FALSE;

  if (!siyu_shop_figures_are_stale (shop, &stale, &error))
    {
      g_printerr ("siyu-cli: %s\n", error->message);
      return;
    }
  if (!stale)
    return;
  if (siyu_shop_is_read_only (shop))
    {
      g_printerr ("%s\n", _("siyu-cli: the figures are from before the last change: the shop is read-only, so they "
                            "cannot be counted again."));
      return;
    }

  if (!siyu_recompute (shop, siyu_shop_get_today (shop), siyu_cli_progress, (gpointer) _("Counting again"), NULL,
                       NULL, &error))
    {
      siyu_cli_progress_done ();
      g_printerr (_("siyu-cli: the figures are from before the last change, and could not be counted again: %s\n"),
                  error->message);
      return;
    }
  siyu_cli_progress_done ();
}

/* As siyu_cli_open_shop(), for a command that shows figures: they are
 * brought up to date first. */
SiyuShop *
siyu_cli_open_shop_counted (const char *command,
                            const char *path,
                            int        *exit_code)
{
  SiyuShop *shop = siyu_cli_open_shop (command, path, exit_code);

  if (shop != NULL)
    count_stale_figures (shop);

  return shop;
}

void
siyu_cli_print_json (JsonNode *node)
{
  g_autofree char *text = siyu_json_to_string (node, TRUE);

  g_print ("%s\n", text);
}

/* Pads @label with spaces to @columns terminal columns; Chinese characters
 * take two. */
char *
siyu_cli_pad (const char *label,
              int         columns)
{
  GString *out = g_string_new (label);
  int width = 0;

  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; width < columns; width++)
    g_string_append_c (out, ' ');

  return g_string_free (out, FALSE);
}

static int last_percent = -1;

/* Draws a percentage on a terminal; stays quiet when stderr is a file or a
 * pipe, so scripts get clean logs. */
void
siyu_cli_progress (double   fraction,
                   gpointer user_data)
{
  const char *what = user_data;
  int percent = (int) (CLAMP (fraction, 0.0, 1.0) * 100.0);

  if (!isatty (STDERR_FILENO) || percent == last_percent)
    return;

  last_percent = percent;
  fprintf (stderr, "\r%s %3d %%", what != NULL ? what : "", percent);
  fflush (stderr);
}

void
siyu_cli_progress_done (void)
{
  if (last_percent >= 0 && isatty (STDERR_FILENO))
    fputs ("\r\033[K", stderr);
  last_percent = -1;
}
