/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-import.h"
#include "siyu-import-guess.h"
#include "siyu-recompute.h"

static JsonNode *
counts_to_json (SiyuImport *import)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (import);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
#define COUNT(name) \
  json_builder_set_member_name (builder, #name); \
  json_builder_add_int_value (builder, counts->name)
  COUNT (rows);
  COUNT (rows_rejected);
  COUNT (contacts_created);
  COUNT (contacts_matched);
  COUNT (orders_created);
  COUNT (orders_updated);
  COUNT (orders_unchanged);
  COUNT (items_created);
  COUNT (memberships);
  COUNT (events_created);
  COUNT (events_unchanged);
  COUNT (rows_erased);
  COUNT (consents_given);
  COUNT (returns);
  COUNT (returns_linked);
  COUNT (returns_unlinked);
  COUNT (adjustments_skipped);
  COUNT (lines_repeated);
  COUNT (amounts_rounded);
  COUNT (times_disagreed);
  COUNT (lines_kept_beside_rejected);
#undef COUNT
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
result_to_json (SiyuImport     *import,
                SiyuImportKind  kind,
                const char     *file,
                gboolean        stored,
                gboolean        dry_run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, file);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, siyu_import_get_format (import));
  json_builder_set_member_name (builder, "encoding");
  json_builder_add_string_value (builder, siyu_import_get_encoding (import));
  json_builder_set_member_name (builder, "preset");
  if (siyu_import_get_preset (import) != NULL)
    json_builder_add_string_value (builder, siyu_import_get_preset (import));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "guessed");
  json_builder_add_boolean_value (builder, siyu_import_get_guessed (import));
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_object (builder);
  for (const char * const *field = siyu_import_list_fields (siyu_import_get_kind (import)); *field != NULL; field++)
    if (siyu_import_get_column (import, *field) != NULL)
      {
        json_builder_set_member_name (builder, *field);
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "column");
        json_builder_add_string_value (builder, siyu_import_get_column (import, *field));
        json_builder_set_member_name (builder, "confidence");
        json_builder_add_double_value (builder, siyu_import_get_confidence (import, *field));
        json_builder_end_object (builder);
      }
  json_builder_end_object (builder);
  if (kind == SIYU_IMPORT_ORDERS)
    {
      json_builder_set_member_name (builder, "status_column");
      json_builder_add_boolean_value (builder, siyu_import_has_status_column (import));
    }
  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, dry_run);
  json_builder_set_member_name (builder, "stored");
  json_builder_add_boolean_value (builder, stored);
  json_builder_set_member_name (builder, "counts");
  json_builder_add_value (builder, counts_to_json (import));
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < siyu_import_get_n_problems (import); i++)
    {
      const SiyuImportProblem *problem = siyu_import_get_problem (import, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "row");
      json_builder_add_int_value (builder, problem->row);
      json_builder_set_member_name (builder, "column");
      if (problem->column != NULL)
        json_builder_add_string_value (builder, problem->column);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Each column Siyu chose for the owner, and how sure it is. */
static void
print_guesses (SiyuImport *import)
{
  const char * const *fields = siyu_import_list_fields (siyu_import_get_kind (import));

  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *column = siyu_import_get_column (import, fields[i]);
      double confidence = siyu_import_get_confidence (import, fields[i]);

      if (column == NULL)
        continue;
      /* Translators: a field, the column it is read from, and how sure Siyu is of it. */
      g_print (_("  %s ← “%s” (%s)\n"), fields[i], column,
               confidence >= 1 ? _("your choice") :
               confidence >= SIYU_GUESS_SURE ? _("recognised") :
               confidence >= SIYU_GUESS_LIKELY ? _("probably; check it") : _("by its cells; check it"));
    }
}

static void
print_result (SiyuImport     *import,
              SiyuImportKind  kind,
              const char     *file,
              gboolean        stored,
              gboolean        dry_run)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (import);
  g_autofree char *preset = siyu_import_preset_title (siyu_import_get_preset (import));
  guint n = siyu_import_get_n_problems (import);

  g_print (_("File: %s (%s, %s)\n"), file, siyu_import_get_format (import),
           siyu_import_get_encoding (import));
  g_print (_("Preset: %s\n"), preset != NULL ? preset :
           siyu_import_get_guessed (import) ? _("none; columns recognised by their headers") : _("columns mapped by hand"));
  if (siyu_import_get_guessed (import))
    print_guesses (import);
  if (kind == SIYU_IMPORT_ORDERS && !siyu_import_has_status_column (import))
    g_print ("%s\n", _("No status column: every order counts as paid."));
  g_print (_("Rows read: %u, rejected: %u\n"), counts->rows, counts->rows_rejected);
  g_print (_("Contacts: %u new, %u matched\n"), counts->contacts_created, counts->contacts_matched);
  if (counts->orders_created + counts->orders_updated + counts->orders_unchanged > 0)
    g_print (_("Orders: %u new, %u updated, %u unchanged (%u lines)\n"),
             counts->orders_created, counts->orders_updated, counts->orders_unchanged,
             counts->items_created);
  if (counts->returns > 0)
    g_print (_("Returns: %u (all quantities below zero; not sales)\n"), counts->returns);
  if (counts->returns_linked > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u return names its original order: refunded from that order\n",
                          "%u returns name their original order: refunded from that order\n",
                          counts->returns_linked),
             counts->returns_linked);
  if (counts->returns_unlinked > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Warning: %u return names an original order the shop does not have; it changes no figure\n",
                          "Warning: %u returns name an original order the shop does not have; they change no figure\n",
                          counts->returns_unlinked),
             counts->returns_unlinked);
  if (counts->adjustments_skipped > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u stock adjustment line skipped (quantity below one in a sale)\n",
                          "%u stock adjustment lines skipped (quantity below one in a sale)\n",
                          counts->adjustments_skipped),
             counts->adjustments_skipped);
  if (counts->lines_repeated > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Warning: %u line repeats another line of its order; kept as a line of its own\n",
                          "Warning: %u lines repeat another line of their order; kept as lines of their own\n",
                          counts->lines_repeated),
             counts->lines_repeated);
  if (counts->amounts_rounded > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Warning: %u line has amounts with more decimals than the currency; rounded half up\n",
                          "Warning: %u lines have amounts with more decimals than the currency; rounded half up\n",
                          counts->amounts_rounded),
             counts->amounts_rounded);
  if (counts->times_disagreed > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Warning: the lines of %u order disagree on its time within a day; the earliest is kept\n",
                          "Warning: the lines of %u orders disagree on their time within a day; the earliest is kept\n",
                          counts->times_disagreed),
             counts->times_disagreed);
  if (counts->lines_kept_beside_rejected > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u good line kept in orders with a rejected line\n",
                          "%u good lines kept in orders with a rejected line\n",
                          counts->lines_kept_beside_rejected),
             counts->lines_kept_beside_rejected);
  if (counts->memberships > 0)
    g_print (_("Group memberships: %u\n"), counts->memberships);
  if (counts->events_created + counts->events_unchanged > 0)
    g_print (_("Events: %u new, %u already known\n"), counts->events_created, counts->events_unchanged);
  if (counts->rows_erased > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u row of erased people kept anonymous\n",
                          "%u rows of erased people kept anonymous\n", counts->rows_erased),
             counts->rows_erased);
  if (counts->consents_given > 0)
    g_print (_("Agreed to hear from the shop: %u (refusals and do-not-contact kept)\n"), counts->consents_given);

  for (guint i = 0; i < n; i++)
    {
      const SiyuImportProblem *problem = siyu_import_get_problem (import, i);

      if (problem->column != NULL)
        g_printerr (_("%s, row %u, column “%s”: %s\n"), file, problem->row, problem->column, problem->message);
      else
        g_printerr (_("%s, row %u: %s\n"), file, problem->row, problem->message);
    }
  if (n < counts->rows_rejected)
    g_printerr (_("… and %u more rejected rows.\n"), counts->rows_rejected - n);

  if (dry_run)
    g_print ("%s\n", _("Dry run: nothing was stored."));
  else if (!stored)
    g_print ("%s\n", _("Nothing was stored."));
}

static int
list_presets (SiyuImportKind kind)
{
  g_auto(GStrv) names = siyu_import_list_presets (kind);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *title = siyu_import_preset_title (names[i]);
      g_autofree char *padded = siyu_cli_pad (names[i], 22);

      g_print ("%s %s\n", padded, title);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_import (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *encoding = NULL;
  g_autofree char *reject_file = NULL;
  g_autofree char *consent_given = NULL;
  g_auto(GStrv) maps = NULL;
  gboolean dry_run = FALSE, json = FALSE, no_recompute = FALSE, presets = FALSE;
  SiyuImportKind kind = SIYU_IMPORT_ORDERS;
  SiyuImportMode mode;
  const char *file;
  gboolean stored;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text, N_("What the file holds: orders (one row per order line, the default), customers, groups or events"), N_("KIND") },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, N_("The export format, such as youzan-orders or shopify-orders (default: recognised from the headers)"), N_("NAME") },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps, N_("Read a field from a column, over the preset; repeat for each field; join columns with + (name=First Name+Last Name); leave the column empty to leave a field out"), N_("FIELD=COLUMN") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding, N_("The text encoding of a CSV file, such as UTF-8 or GB18030 (default: detected)"), N_("ENCODING") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Read and check everything, print the counts, store nothing"), NULL },
    { "reject-file", 0, 0, G_OPTION_ARG_FILENAME, &reject_file, N_("Import the valid rows and write the rejected ones, with the reason, to this CSV file"), N_("FILE") },
    { "consent-given", 0, 0, G_OPTION_ARG_STRING, &consent_given, N_("These customers agreed to hear from the shop, and this is where the shop has it from; a consent column and earlier refusals still win"), N_("SOURCE") },
    { "no-recompute", 0, 0, G_OPTION_ARG_NONE, &no_recompute, N_("Do not recompute the shop’s figures after the import"), NULL },
    { "list-presets", 0, 0, G_OPTION_ARG_NONE, &presets, N_("List the presets for the kind and stop"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts and the errors as JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("import", _("FILE"),
                                     _("Import a CSV or XLSX export of orders, customers, community groups or events. "
                                       "The whole file is one transaction: if any row has a problem nothing is stored, "
                                       "unless --reject-file is given. Importing the same file again changes nothing. "
                                       "Fields: orders: order_ref, created_at, status, customer_id, phone, name, email, "
                                       "wechat_id, channel, sku, product_name, quantity, unit_price, line_total, "
                                       "order_total, refunded_amount, currency, original_ref (of a return); customers: customer_id, phone, name, "
                                       "email, wechat_id, city, birthday, created_at, member_since, tier, tags, consent; "
                                       "groups: group, group_kind, role, joined_at, left_at and who; events: event_kind, "
                                       "occurred_at, channel, detail and who."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;

  if (kind_text != NULL && !siyu_import_kind_from_string (kind_text, &kind))
    return siyu_cli_usage_error ("import", _("“%s” is not a kind of import; use orders, customers, groups or events"), kind_text);
  if (presets)
    return list_presets (kind);
  if (argc < 2)
    return siyu_cli_usage_error ("import", _("the file to import is missing"));
  if (argc > 2)
    return siyu_cli_usage_error ("import", _("unexpected argument “%s”"), argv[2]);
  if (dry_run && reject_file != NULL)
    return siyu_cli_usage_error ("import", _("--dry-run stores nothing, so it writes no rejected rows; give one or the other"));
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    if (strchr (maps[i], '=') == NULL)
      return siyu_cli_usage_error ("import", _("“%s” is not FIELD=COLUMN"), maps[i]);
  file = argv[1];

  shop = siyu_cli_open_shop ("import", db, &rc);
  if (shop == NULL)
    return rc;

  import = siyu_import_new (shop, file, kind);
  if (preset != NULL && !siyu_import_set_preset (import, preset, &error))
    return siyu_cli_usage_error ("import", "%s", error->message);
  siyu_import_set_encoding (import, encoding);
  siyu_import_set_consent_given (import, consent_given);
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (maps[i], "=", 2);

      siyu_import_map (import, g_strstrip (parts[0]), parts[1]);
    }

  if (!siyu_import_open (import, NULL, &error) || !siyu_import_check_mapping (import, &error))
    return siyu_cli_fail (error);

  mode = dry_run ? SIYU_IMPORT_DRY_RUN : reject_file != NULL ? SIYU_IMPORT_VALID_ROWS : SIYU_IMPORT_ALL_OR_NOTHING;
  stored = siyu_import_run (import, mode, reject_file, siyu_cli_progress,
                            (gpointer) _("Importing"), NULL, &error);
  siyu_cli_progress_done ();
  if (!stored && !g_error_matches (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_REJECTED))
    return siyu_cli_fail (error);
  stored = stored && !dry_run;

  if (json)
    {
      g_autoptr(JsonNode) node = result_to_json (import, kind, file, stored, dry_run);

      siyu_cli_print_json (node);
    }
  else
    print_result (import, kind, file, stored, dry_run);

  if (stored && !no_recompute)
    {
      g_autoptr(GError) recompute_error = NULL;

      if (!siyu_recompute (shop, siyu_shop_get_today (shop), siyu_cli_progress,
                           (gpointer) _("Computing"), NULL, NULL, &recompute_error))
        {
          /* The rows stay imported: only the count is missing. */
          siyu_cli_figures_not_counted (recompute_error);
          return SIYU_CLI_REFUSED;
        }
      siyu_cli_progress_done ();
    }

  if (error != NULL && !json)
    g_printerr ("siyu-cli: %s\n", error->message);

  return siyu_import_get_counts (import)->rows_rejected > 0 ? SIYU_CLI_REFUSED : SIYU_CLI_OK;
}
