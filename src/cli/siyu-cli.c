/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "siyu-cli.h"

static const SiyuCliCommand commands[] = {
  { "create",   N_("Create a new, empty shop file"), siyu_cli_create },
  { "info",     N_("Show a shop’s settings and figures"), siyu_cli_info },
  { "settings", N_("Change a shop’s name, currency, time zone or phone region"), siyu_cli_settings },
  { "import",   N_("Import a CSV or XLSX export of orders, customers, groups or events"), siyu_cli_import },
  { "analytics", N_("Recompute and show lifecycle, RFM, tiers, pyramid, AIPL and FAST"), siyu_cli_analytics },
  { "contacts", N_("List contacts with their stage, scores, tier and other figures"), siyu_cli_contacts },
  { "contact",  N_("Show, find, edit, merge or erase one contact"), siyu_cli_contact },
  { "duplicates", N_("List contacts that may be one person, or keep a pair apart"), siyu_cli_duplicates },
  { "consent",  N_("Count consent, record it for a segment or group, or set the shop’s policy"), siyu_cli_consent },
  { "members",  N_("Make a segment’s people members, or set the shop’s membership rule"), siyu_cli_members },
  { "orders",   N_("List orders, a contact's or those matching a number or product"), siyu_cli_orders },
  { "group",    N_("List, create, rename or archive community groups; add or remove members, set roles"), siyu_cli_group },
  { "audit",    N_("Show the audit log of exports, merges, edits and erasures"), siyu_cli_audit },
  { "backup",   N_("List the shop’s backups, keep one now, or restore one"), siyu_cli_backup },
  { "cohorts",  N_("Show cohort retention by month of first purchase"), siyu_cli_cohorts },
  { "model",    N_("Show, change or suggest the thresholds of stages, tiers and the pyramid"), siyu_cli_model },
  { "predict",  N_("Fit the purchase and spend models and show how well they fit"), siyu_cli_predict },
  { "replenish", N_("List buyers due to run out of a product they buy again and again"), siyu_cli_replenish },
  { "review",   N_("The monthly private-domain health review, with what to do next"), siyu_cli_review },
  { "account",  N_("List, add, remove or test the shop platform accounts to sync with"), siyu_cli_account },
  { "sync",     N_("Sync customers and orders from Shopify, WooCommerce or Youzan"), siyu_cli_sync },
  { "segment",  N_("List, count, save or export segments of contacts"), siyu_cli_segment },
  { "touch",    N_("List exports to segments and show whether they paid off"), siyu_cli_touch },
  { "campaign", N_("Plan a campaign from a GMV target, and follow it planned against actual"), siyu_cli_campaign },
  { "demo",     N_("Build a demo shop with made-up customers and orders"), siyu_cli_demo },
  { "bench",    N_("Measure how fast Siyu works on this machine"), siyu_cli_bench },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: siyu-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Siyu keeps a shop’s customers, groups, orders and members and turns them into daily decisions."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “siyu-cli COMMAND --help” for a command’s options."));
  fprintf (out, "%s\n", _("Exit status: 0 done, 1 bad data or refused, 2 wrong command line."));
}

/* What siyu-cli prints is valid UTF-8, in the console's charset, even when
 * text read from a shop or an import was not: a damaged file can hold any
 * bytes, and a script reading the JSON must still be able to parse it. */
static void
print_to (FILE       *out,
          const char *text)
{
  g_autofree char *valid = g_utf8_validate (text, -1, NULL) ? NULL : g_utf8_make_valid (text, -1);
  const char *utf8 = valid != NULL ? valid : text;
  const char *charset;

  if (g_get_console_charset (&charset))
    fputs (utf8, out);
  else
    {
      g_autofree char *local = g_convert_with_fallback (utf8, -1, charset, "UTF-8", "?", NULL, NULL, NULL);

      fputs (local != NULL ? local : utf8, out);
    }
  fflush (out);
}

static void
print_cb (const char *text)
{
  print_to (stdout, text);
}

static void
printerr_cb (const char *text)
{
  print_to (stderr, text);
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("SIYU_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* SIYU_LOCALEDIR lets tests and the uninstalled build find translations. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("siyu-cli");
  g_set_print_handler (print_cb);
  g_set_printerr_handler (printerr_cb);

  if (argc < 2)
    {
      print_help (stderr);
      return SIYU_CLI_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return SIYU_CLI_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("siyu-cli %s\n", PACKAGE_VERSION);
      return SIYU_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("siyu-cli: “%s” is not a command.\n"), argv[1]);
  print_help (stderr);

  return SIYU_CLI_USAGE;
}
