/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "siyu-cli.h"

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

void
siyu_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
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
