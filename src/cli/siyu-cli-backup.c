/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-backup.h"
#include "siyu-cli.h"

static char *
format_time (gint64 utc)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (utc);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static JsonNode *
backup_to_json (const SiyuBackup *backup)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = g_path_get_basename (backup->path);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (backup->created_at);
  g_autofree char *iso = g_date_time_format_iso8601 (when);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, backup->path);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, iso);
  json_builder_set_member_name (builder, "cause");
  json_builder_add_string_value (builder, backup->cause);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, backup->size);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static int
list_backups (SiyuShop *shop,
              gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = siyu_backup_list (shop, &error);
  SiyuBackupRetention retention;

  if (backups == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < backups->len; i++)
        json_array_add_element (array, backup_to_json (g_ptr_array_index (backups, i)));
      json_node_set_array (node, array);
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  if (backups->len == 0)
    g_print ("%s\n", _("This shop has no backups yet. Siyu keeps one before every import, sync, model change, "
                       "merge, erasure and change to many contacts; “siyu-cli backup create” keeps one now."));
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);
      g_autofree char *name = g_path_get_basename (backup->path);
      g_autofree char *when = format_time (backup->created_at);
      g_autofree char *size = g_format_size ((guint64) backup->size);
      g_autofree char *label = siyu_cli_pad (siyu_backup_cause_label (backup->cause), 34);

      g_print ("%s  %s %9s  %s\n", when, label, size, name);
    }

  siyu_backup_get_retention (shop, &retention);
  g_print ("\n");
  /* Translators: the backups a shop keeps; three numbers. */
  g_print (_("Kept: the latest %u, and the latest of each of the last %u days and %u months.\n"),
           retention.keep_last, retention.keep_days, retention.keep_months);
  return SIYU_CLI_OK;
}

static gboolean
parse_count (const char *text,
             guint       most,
             guint      *value)
{
  guint64 number;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, most, &number, NULL))
    return FALSE;
  *value = (guint) number;
  return TRUE;
}

int
siyu_cli_backup (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *last = NULL;
  g_autofree char *days = NULL;
  g_autofree char *months = NULL;
  gboolean json = FALSE;
  gboolean yes = FALSE;
  const char *action;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("With restore: really replace the shop with the backup"), NULL },
    { "last", 0, 0, G_OPTION_ARG_STRING, &last, N_("With keep: how many of the latest backups to keep (1–100)"), N_("N") },
    { "days", 0, 0, G_OPTION_ARG_STRING, &days, N_("With keep: keep the latest backup of each of this many days (0–366)"), N_("N") },
    { "months", 0, 0, G_OPTION_ARG_STRING, &months, N_("With keep: keep the latest backup of each of this many months (0–120)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("backup", N_("[list | create | restore NAME --yes | keep …]"),
                                     _("Siyu keeps a backup of the shop before every import, sync, model change, "
                                       "merge, erasure and change to many contacts, in a folder beside the shop "
                                       "(“tea.siyu” keeps them in “tea-backups”):\n"
                                       "  backup list                  the backups, newest first\n"
                                       "  backup create                keep one now\n"
                                       "  backup restore NAME --yes    put the shop back as it was in a backup; the\n"
                                       "                               shop as it is now is kept as a backup first\n"
                                       "  backup keep --last 10 --days 7 --months 12   which backups to keep"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;

  action = argc > 1 ? argv[1] : "list";
  if (!g_str_equal (action, "list") && !g_str_equal (action, "create") && !g_str_equal (action, "restore") &&
      !g_str_equal (action, "keep"))
    return siyu_cli_usage_error ("backup", _("“%s” is not list, create, restore or keep"), action);
  if (g_str_equal (action, "restore") && argc != 3)
    return siyu_cli_usage_error ("backup", _("restore takes the name of a backup, as “backup list” shows it"));
  if (!g_str_equal (action, "restore") && argc > 2)
    return siyu_cli_usage_error ("backup", _("unexpected argument “%s”"), argv[2]);
  if (g_str_equal (action, "restore") && !yes)
    return siyu_cli_usage_error ("backup", _("restore replaces the shop: add --yes to do it"));

  shop = siyu_cli_open_shop ("backup", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "list"))
    return list_backups (shop, json);

  if (g_str_equal (action, "create"))
    {
      g_autoptr(SiyuBackup) backup = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_MANUAL, &error);
      g_autofree char *display = NULL;

      if (backup == NULL)
        return siyu_cli_fail (error);
      display = g_filename_display_name (backup->path);
      /* Translators: %s is the backup's file. */
      g_print (_("Kept a backup in “%s”.\n"), display);
      return SIYU_CLI_OK;
    }

  if (g_str_equal (action, "keep"))
    {
      SiyuBackupRetention retention;

      siyu_backup_get_retention (shop, &retention);
      if (!parse_count (last, 100, &retention.keep_last) || retention.keep_last == 0)
        return siyu_cli_usage_error ("backup", _("--last takes a number from 1 to 100"));
      if (!parse_count (days, 366, &retention.keep_days))
        return siyu_cli_usage_error ("backup", _("--days takes a number from 0 to 366"));
      if (!parse_count (months, 120, &retention.keep_months))
        return siyu_cli_usage_error ("backup", _("--months takes a number from 0 to 120"));
      if (!siyu_backup_set_retention (shop, &retention, &error))
        return siyu_cli_fail (error);
      g_print (_("Kept: the latest %u, and the latest of each of the last %u days and %u months.\n"),
               retention.keep_last, retention.keep_days, retention.keep_months);
      return SIYU_CLI_OK;
    }

  {
    g_autoptr(SiyuBackup) backup = siyu_backup_find (shop, argv[2], &error);
    g_autofree char *when = NULL;

    if (backup == NULL || !siyu_backup_restore (shop, backup->path, &error))
      return siyu_cli_fail (error);
    when = format_time (backup->created_at);
    /* Translators: %s is a date and time. */
    g_print (_("The shop is back as it was on %s. The shop as it was before the restore is kept as a backup.\n"),
             when);
  }

  return SIYU_CLI_OK;
}
