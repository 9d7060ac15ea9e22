/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-consent.h"
#include "siyu-export.h"
#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-segments.h"
#include "siyu-time.h"

/* siyu-cli segment …: saved segments, their live counts and exports;
 * siyu-cli touch …: what was exported, and whether it paid off. */

static gint64
find_segment (SiyuShop   *shop,
              const char *name,
              int        *rc)
{
  g_autoptr(GError) error = NULL;
  gint64 id = siyu_segment_lookup (shop, name, &error);

  if (id == 0)
    *rc = siyu_cli_fail (error);

  return id;
}

static int
segment_list (SiyuShop *shop,
              gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_segments_list (shop, &error);
  JsonArray *array;

  if (node == NULL)
    return siyu_cli_fail (error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *segment = json_array_get_object_element (array, i);
      g_autoptr(SiyuSegmentQuery) query = NULL;
      gint64 total = 0, unreachable = 0;

      query = siyu_segment_query_new (shop, json_object_get_member (segment, "definition"), &error);
      if (query == NULL || !siyu_segment_query_count (query, &total, &unreachable, &error))
        return siyu_cli_fail (error);
      json_object_set_int_member (segment, "count", total);
      json_object_set_int_member (segment, "unreachable", unreachable);
    }

  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *segment = json_array_get_object_element (array, i);
      g_autofree char *padded = siyu_cli_pad (json_object_get_string_member (segment, "title"), 34);
      g_autofree char *count = siyu_count_format (json_object_get_int_member (segment, "count"));

      g_print ("%4lld  %s %10s  %s\n", (long long) json_object_get_int_member (segment, "id"), padded, count,
               json_object_get_boolean_member (segment, "builtin") ? _("built-in") : "");
    }

  return SIYU_CLI_OK;
}

static int
print_count (SiyuShop                *shop,
             gint64                   total,
             gint64                   unreachable,
             const SiyuConsentCounts *consent,
             gboolean                 json,
             gboolean                 with_consent)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) counts = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, total);
      json_builder_set_member_name (builder, "unreachable");
      json_builder_add_int_value (builder, unreachable);
      json_builder_set_member_name (builder, "given");
      json_builder_add_int_value (builder, consent->given);
      json_builder_set_member_name (builder, "unknown");
      json_builder_add_int_value (builder, consent->unknown);
      json_builder_set_member_name (builder, "refused");
      json_builder_add_int_value (builder, consent->refused);
      json_builder_set_member_name (builder, "do_not_contact");
      json_builder_add_int_value (builder, consent->do_not_contact);
      json_builder_end_object (builder);
      counts = json_builder_get_root (builder);
      siyu_cli_print_json (counts);
      return SIYU_CLI_OK;
    }

  {
    g_autofree char *all = siyu_count_format (total);
    g_autofree char *left = siyu_count_format (unreachable);

    /* Translators: the first %s is how many contacts match a segment, the
     * second how many of them cannot be contacted. */
    g_print (_("%s contacts match; %s of them cannot be contacted (no consent, or do not contact).\n"), all, left);
    if (with_consent && total > 0)
      siyu_cli_print_consent_counts (consent, siyu_consent_get_policy (shop));
  }

  return SIYU_CLI_OK;
}

static int
segment_show (SiyuShop   *shop,
              const char *name,
              gboolean    count_only,
              gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SiyuSegmentQuery) query = NULL;
  JsonObject *segment;
  SiyuConsentCounts consent;
  gint64 id, total, unreachable;
  int rc = SIYU_CLI_OK;

  if ((id = find_segment (shop, name, &rc)) == 0)
    return rc;
  node = siyu_segment_get (shop, id, &error);
  if (node == NULL)
    return siyu_cli_fail (error);
  segment = json_node_get_object (node);
  query = siyu_segment_query_new (shop, json_object_get_member (segment, "definition"), &error);
  if (query == NULL || !siyu_segment_query_count (query, &total, &unreachable, &error) ||
      !siyu_consent_count_segment (shop, json_object_get_member (segment, "definition"), &consent, &error))
    return siyu_cli_fail (error);
  json_object_set_int_member (segment, "count", total);
  json_object_set_int_member (segment, "unreachable", unreachable);

  if (json && count_only)
    return print_count (shop, total, unreachable, &consent, TRUE, FALSE);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  if (!count_only)
    {
      g_autofree char *definition = siyu_json_to_string (json_object_get_member (segment, "definition"), TRUE);

      g_print ("%s\n", json_object_get_string_member (segment, "title"));
      if (json_object_has_member (segment, "explanation"))
        g_print ("%s\n", json_object_get_string_member (segment, "explanation"));
      g_print ("%s\n", definition);
    }

  return print_count (shop, total, unreachable, &consent, FALSE, !count_only);
}

/* A definition from a file the owner names: refused when it nests deeper
 * than anything Siyu reads (json-glib would recurse on it). */
static JsonNode *
read_definition (const char  *path,
                 GError     **error)
{
  return siyu_json_parse_file (path, error);
}

/* count --json-file: how many contacts an unsaved definition matches. */
static int
segment_count_file (SiyuShop   *shop,
                    const char *json_file,
                    gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) definition = read_definition (json_file, &error);
  g_autoptr(SiyuSegmentQuery) query = NULL;
  SiyuConsentCounts consent;
  gint64 total, unreachable;

  if (definition == NULL)
    return siyu_cli_fail (error);
  query = siyu_segment_query_new (shop, definition, &error);
  if (query == NULL || !siyu_segment_query_count (query, &total, &unreachable, &error) ||
      !siyu_consent_count_segment (shop, definition, &consent, &error))
    {
      g_autofree char *display = g_filename_display_name (json_file);

      g_prefix_error (&error, "%s: ", display);
      return siyu_cli_fail (error);
    }
  return print_count (shop, total, unreachable, &consent, json, FALSE);
}

static int
segment_edit (SiyuShop    *shop,
              const char  *action,
              char       **args,
              const char  *json_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) definition = NULL;
  gint64 id;
  int rc = SIYU_CLI_OK;

  if (g_str_equal (action, "create") || g_str_equal (action, "update"))
    {
      definition = read_definition (json_file, &error);
      if (definition == NULL)
        return siyu_cli_fail (error);
    }

  if (g_str_equal (action, "create"))
    {
      id = siyu_segment_create (shop, args[0], definition, &error);
      if (id == 0)
        return siyu_cli_fail (error);
      g_print (_("Saved the segment “%s”.\n"), args[0]);
      return SIYU_CLI_OK;
    }

  if ((id = find_segment (shop, args[0], &rc)) == 0)
    return rc;
  if (g_str_equal (action, "update"))
    {
      if (!siyu_segment_update (shop, id, definition, &error))
        return siyu_cli_fail (error);
      g_print (_("Saved the segment “%s”.\n"), args[0]);
    }
  else if (g_str_equal (action, "rename"))
    {
      if (!siyu_segment_rename (shop, id, args[1], &error))
        return siyu_cli_fail (error);
      g_print (_("Renamed the segment to “%s”.\n"), args[1]);
    }
  else if (g_str_equal (action, "duplicate"))
    {
      g_autoptr(JsonNode) copy = NULL;
      gint64 copy_id = siyu_segment_duplicate (shop, id, args[1], &error);

      if (copy_id == 0 || (copy = siyu_segment_get (shop, copy_id, &error)) == NULL)
        return siyu_cli_fail (error);
      g_print (_("Saved a copy as “%s”.\n"), json_object_get_string_member (json_node_get_object (copy), "name"));
    }
  else
    {
      if (!siyu_segment_delete (shop, id, &error))
        return siyu_cli_fail (error);
      g_print (_("Deleted the segment “%s”.\n"), args[0]);
    }

  return SIYU_CLI_OK;
}

static int
segment_export (SiyuShop    *shop,
                const char  *name,
                const char  *format_text,
                const char  *fields_text,
                gboolean     mask,
                double       holdout,
                gint64       seed,
                int          window_days,
                const char  *out,
                gboolean     include_unknown,
                gboolean     json)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;
  SiyuExportOptions options = { SIYU_EXPORT_CSV, };
  SiyuExportResult result;
  gint64 id;
  int rc = SIYU_CLI_OK;

  if (!siyu_export_format_from_string (format_text, &options.format))
    return siyu_cli_usage_error ("segment", _("“%s” is not a format; use csv, xlsx, vcard or phones"), format_text);
  if (fields_text != NULL)
    {
      fields = g_strsplit (fields_text, ",", -1);
      for (guint i = 0; fields[i] != NULL; i++)
        g_strstrip (fields[i]);
    }
  options.fields = (const char * const *) fields;
  options.mask_phones = mask;
  options.holdout_share = holdout > 0 ? holdout : 0.0;
  options.seed = (guint32) seed;
  options.window_days = window_days;

  if ((id = find_segment (shop, name, &rc)) == 0)
    return rc;
  /* The owner's answer for the shop, as the export dialog asks it. */
  if (include_unknown && siyu_consent_get_policy (shop) != SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN)
    {
      if (!siyu_consent_set_policy (shop, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, &error))
        return siyu_cli_fail (error);
      if (!json)
        g_print ("%s\n", _("From now on this shop contacts people whose consent is unknown "
                            "(“siyu-cli consent policy exclude” takes it back)."));
    }
  if (!siyu_export_segment (shop, id, out, &options, &result, &error))
    {
      rc = siyu_cli_fail (error);
      if (g_error_matches (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_NOBODY) && result.consent.unknown > 0 &&
          siyu_consent_get_policy (shop) != SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN)
        g_printerr (_("Record their consent with “siyu-cli consent set --segment NAME --to given --source TEXT”, "
                      "or export with --include-unknown-consent if the shop may contact people never asked.\n"));
      return rc;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "touch_id");
      json_builder_add_int_value (builder, result.touch_id);
      json_builder_set_member_name (builder, "matched");
      json_builder_add_int_value (builder, result.matched);
      json_builder_set_member_name (builder, "excluded");
      json_builder_add_int_value (builder, result.excluded);
      json_builder_set_member_name (builder, "consent");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "given");
      json_builder_add_int_value (builder, result.consent.given);
      json_builder_set_member_name (builder, "unknown");
      json_builder_add_int_value (builder, result.consent.unknown);
      json_builder_set_member_name (builder, "refused");
      json_builder_add_int_value (builder, result.consent.refused);
      json_builder_set_member_name (builder, "do_not_contact");
      json_builder_add_int_value (builder, result.consent.do_not_contact);
      json_builder_set_member_name (builder, "policy");
      json_builder_add_string_value (builder, siyu_consent_policy_to_string (siyu_consent_get_policy (shop)));
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "skipped");
      json_builder_add_int_value (builder, result.skipped);
      json_builder_set_member_name (builder, "held_out");
      json_builder_add_int_value (builder, result.held_out);
      json_builder_set_member_name (builder, "exported");
      json_builder_add_int_value (builder, result.exported);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, options.seed);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  /* Translators: %lld are counts, %s a file name. */
  g_print (_("Exported %lld contacts to %s (touch %lld).\n"), (long long) result.exported, out,
           (long long) result.touch_id);
  {
    gboolean include = siyu_consent_get_policy (shop) == SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN;

    /* Translators: %lld are counts. */
    g_print (_("Left out %lld who may not be contacted: %lld never asked, %lld refused, %lld asked not to be contacted.\n"),
             (long long) result.excluded, (long long) (include ? 0 : result.consent.unknown),
             (long long) result.consent.refused, (long long) result.consent.do_not_contact);
    if (!include && result.consent.unknown > 0 && siyu_consent_get_policy (shop) == SIYU_CONSENT_POLICY_UNSET)
      g_print ("%s\n", _("The shop has not decided whether people never asked may be contacted: "
                          "see “siyu-cli consent policy”, or export with --include-unknown-consent."));
  }
  if (result.skipped > 0)
    g_print (_("Skipped %lld without a phone number.\n"), (long long) result.skipped);
  if (options.holdout_share > 0)
    g_print (_("Held out %lld at random (seed %u) to measure the uplift.\n"), (long long) result.held_out,
             options.seed);

  return SIYU_CLI_OK;
}

int
siyu_cli_segment (int    argc,
                  char **argv)
{
  static const char * const actions[] = {
    "list", "show", "count", "create", "update", "rename", "duplicate", "delete", "export", NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *db = NULL;
  g_autofree char *json_file = NULL;
  g_autofree char *format = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *out = NULL;
  gboolean json = FALSE, mask = FALSE, include_unknown = FALSE, count_file = FALSE;
  double holdout = -1.0;
  gint64 seed = -1;
  int window_days = 0;
  const char *action;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "json-file", 0, 0, G_OPTION_ARG_FILENAME, &json_file, N_("The segment's definition (create, update; count one not saved)"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("The export's format: csv, xlsx, vcard or phones"), N_("FORMAT") },
    { "fields", 0, 0, G_OPTION_ARG_STRING, &fields, N_("The columns of a CSV or XLSX export, separated by commas"), N_("A,B,C") },
    { "mask", 0, 0, G_OPTION_ARG_NONE, &mask, N_("Write phone numbers as 138****8000"), NULL },
    { "holdout", 0, 0, G_OPTION_ARG_DOUBLE, &holdout, N_("Hold out this share at random to measure the uplift, such as 0.1"), N_("SHARE") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("The seed of the holdout's draw, to repeat it"), N_("N") },
    { "window-days", 0, 0, G_OPTION_ARG_INT, &window_days, N_("Days after the export in which purchases count (default 14)"), N_("N") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The file to write"), N_("FILE") },
    { "include-unknown-consent", 0, 0, G_OPTION_ARG_NONE, &include_unknown, N_("Contact people whose consent is unknown too, from now on: the shop's policy, audited (refused and do-not-contact never)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("segment", _("list | show NAME | count NAME|--json-file FILE | create NAME | update NAME | "
                                                  "rename NAME NEW-NAME | duplicate NAME [NEW-NAME] | delete NAME | "
                                                  "export NAME"),
                                     _("List the saved segments with how many contacts match each now; show or "
                                       "count one, with how many cannot be contacted; create or update one from a "
                                       "JSON definition; rename, duplicate or delete one; export its members that "
                                       "may be contacted to CSV, XLSX, vCard or a list of phone numbers, optionally "
                                       "holding out a random share to measure the uplift later with “siyu-cli "
                                       "touch show”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("segment", _("say what to do: list, show, count, create, update, rename, duplicate, "
                                              "delete or export"));
  action = argv[1];
  if (!g_strv_contains (actions, action))
    return siyu_cli_usage_error ("segment", _("“%s” is not list, show, count, create, update, rename, duplicate, "
                                              "delete or export"), action);
  if (g_str_equal (action, "list") && argc != 2)
    return siyu_cli_usage_error ("segment", _("unexpected argument “%s”"), argv[2]);
  count_file = g_str_equal (action, "count") && json_file != NULL;
  if (count_file && argc != 2)
    return siyu_cli_usage_error ("segment", _("count takes the name of a segment or --json-file, not both"));
  if ((g_str_equal (action, "rename") && argc != 4) || (g_str_equal (action, "duplicate") && (argc < 3 || argc > 4)) ||
      (!g_str_equal (action, "list") && !g_str_equal (action, "rename") && !g_str_equal (action, "duplicate") &&
       !count_file && argc != 3))
    return siyu_cli_usage_error ("segment", _("%s takes the name of a segment"), action);
  if (!count_file && (g_str_equal (action, "create") || g_str_equal (action, "update")) != (json_file != NULL))
    return siyu_cli_usage_error ("segment", _("--json-file is for create, update and count, and create and update "
                                              "need it"));
  if (g_str_equal (action, "export"))
    {
      if (format == NULL || out == NULL)
        return siyu_cli_usage_error ("segment", _("export needs --format and --out"));
      if (holdout != -1.0 && !(holdout >= 0.0 && holdout < 1.0))
        return siyu_cli_usage_error ("segment", _("--holdout takes a share from 0 to below 1, such as 0.1"));
      if (seed != -1 && holdout == -1.0)
        return siyu_cli_usage_error ("segment", _("--seed goes with --holdout"));
      if (seed < -1 || seed > G_MAXUINT32)
        return siyu_cli_usage_error ("segment", _("--seed takes a whole number from 0 to 4294967295"));
      if (window_days < 0 || window_days > 365)
        return siyu_cli_usage_error ("segment", _("--window-days takes a number from 1 to 365"));
      if (holdout > 0 && seed == -1)
        seed = g_random_int ();
    }
  else if (format != NULL || fields != NULL || out != NULL || mask || holdout != -1.0 || seed != -1 ||
           window_days != 0 || include_unknown)
    return siyu_cli_usage_error ("segment", _("--format, --fields, --mask, --holdout, --seed, --window-days, "
                                              "--include-unknown-consent and --out are for export"));

  shop = siyu_cli_open_shop_counted ("segment", db, &rc);
  if (shop == NULL)
    return rc;

  if (count_file)
    return segment_count_file (shop, json_file, json);
  if (g_str_equal (action, "list"))
    return segment_list (shop, json);
  if (g_str_equal (action, "show") || g_str_equal (action, "count"))
    return segment_show (shop, argv[2], g_str_equal (action, "count"), json);
  if (g_str_equal (action, "export"))
    return segment_export (shop, argv[2], format, fields, mask, holdout, seed == -1 ? 0 : seed, window_days, out,
                           include_unknown, json);

  return segment_edit (shop, action, argv + 2, json_file);
}

static char *
format_day_of (SiyuShop *shop,
               gint64    utc)
{
  return siyu_day_format (siyu_shop_day_of (shop, utc));
}

static void
print_group (SiyuShop   *shop,
             const char *label,
             JsonObject *group)
{
  g_autofree char *padded = siyu_cli_pad (label, 12);
  g_autofree char *share = siyu_percent_format (json_object_get_double_member (group, "share_bought"));
  g_autofree char *net = siyu_money_format ((gint64) llround (json_object_get_double_member (group, "net_per_contact")),
                                            siyu_shop_get_currency (shop));

  /* Translators: a group of a touch: its label, contacts, buyers, the share who bought and net sales per contact. */
  g_print (_("  %s %6lld contacts, %6lld bought (%s), %s net per contact\n"), padded,
           (long long) json_object_get_int_member (group, "contacts"),
           (long long) json_object_get_int_member (group, "buyers"), share, net);
}

int
siyu_cli_touch (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *db = NULL;
  gboolean json = FALSE;
  gint64 id = 0;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("touch", "list | show ID",
                                     /* xgettext:no-c-format */
                                     _("List the exports and messages sent to segments; show one with its uplift: "
                                       "for those who got it and those held out, the share who bought and the net "
                                       "sales per contact in its window, and the difference with a 95 % interval. "
                                       "Amounts in JSON are in minor units."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2 || (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "show")))
    return siyu_cli_usage_error ("touch", _("say what to do: list or show"));
  if (g_str_equal (argv[1], "list") && argc != 2)
    return siyu_cli_usage_error ("touch", _("unexpected argument “%s”"), argv[2]);
  if (g_str_equal (argv[1], "show") &&
      (argc != 3 || !g_ascii_string_to_signed (argv[2], 10, 1, G_MAXINT64, &id, NULL)))
    return siyu_cli_usage_error ("touch", _("show takes the number of a touch"));

  shop = siyu_cli_open_shop_counted ("touch", db, &rc);
  if (shop == NULL)
    return rc;

  node = id == 0 ? siyu_touches_list (shop, &error) : siyu_touch_get (shop, id, &error);
  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  if (id == 0)
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *touch = json_array_get_object_element (array, i);
          g_autofree char *day = format_day_of (shop, json_object_get_int_member (touch, "created_at"));

          /* Translators: a touch: its number, date, name, format, members and holdout. */
          g_print (_("%4lld  %s  %s (%s): %lld contacts, %lld held out\n"),
                   (long long) json_object_get_int_member (touch, "id"), day,
                   json_object_get_string_member (touch, "name"), json_object_get_string_member (touch, "format"),
                   (long long) json_object_get_int_member (touch, "members"),
                   (long long) json_object_get_int_member (touch, "holdout"));
        }
      return SIYU_CLI_OK;
    }

  {
    JsonObject *touch = json_node_get_object (node);
    JsonObject *up = json_object_get_object_member (touch, "uplift");
    g_autofree char *day = format_day_of (shop, json_object_get_int_member (touch, "created_at"));

    g_print ("%s (%s), %s\n", json_object_get_string_member (touch, "name"),
             json_object_get_string_member (touch, "format"), day);
    /* Translators: the two %s are the first and last day of a touch's window. */
    g_print (_("Purchases counted from %s to %s.\n"), json_object_get_string_member (up, "window_first_day"),
             json_object_get_string_member (up, "window_last_day"));
    print_group (shop, _("Got it"), json_object_get_object_member (up, "members"));
    print_group (shop, _("Held out"), json_object_get_object_member (up, "holdout"));
    if (json_object_get_int_member (touch, "holdout") > 0)
      {
        g_autofree char *low = g_strdup_printf ("%+.1f", 100.0 * json_object_get_double_member (up, "share_low"));
        g_autofree char *high = g_strdup_printf ("%+.1f", 100.0 * json_object_get_double_member (up, "share_high"));
        g_autofree char *diff = g_strdup_printf ("%+.1f", 100.0 * json_object_get_double_member (up, "share_difference"));

        /* Translators: percentage points: the difference, then its 95 % interval. */
        g_print (_("Difference in the share who bought: %s points (95 %% interval %s to %s)\n"), diff, low, high);
      }
    g_print ("%s\n", json_object_get_string_member (up, "message"));
  }

  return SIYU_CLI_OK;
}
