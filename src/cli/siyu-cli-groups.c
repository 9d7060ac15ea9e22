/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-groups.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-time.h"

static char *
format_time (SiyuShop *shop,
             gint64    utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, siyu_shop_get_time_zone (shop));

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static const char *
string_or (JsonObject *object,
           const char *member,
           const char *fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return fallback;
  return json_node_get_string (node);
}

static int
group_list (SiyuShop *shop,
            gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_groups_list (shop, siyu_shop_get_today (shop), &error);
  JsonArray *groups;

  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  groups = json_node_get_array (node);
  if (json_array_get_length (groups) == 0)
    {
      g_print ("%s\n", _("This shop has no community groups yet."));
      return SIYU_CLI_OK;
    }
  /* Translators: the header of `siyu-cli group list`; keep the columns aligned with the rows. */
  g_print ("%s\n", _("Members  Joins  Leaves  Buyers  Net sales (30 days)  Group"));
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      g_autofree char *sales = siyu_money_format (json_object_get_int_member (group, "net_sales"),
                                                  siyu_shop_get_currency (shop));

      g_print ("%7" G_GINT64_FORMAT "  %5" G_GINT64_FORMAT "  %6" G_GINT64_FORMAT "  %6" G_GINT64_FORMAT
               "  %19s  %s\n",
               json_object_get_int_member (group, "members"), json_object_get_int_member (group, "joins"),
               json_object_get_int_member (group, "leaves"), json_object_get_int_member (group, "buyers"),
               sales, json_object_get_string_member (group, "name"));
    }

  return SIYU_CLI_OK;
}

static int
group_show (SiyuShop   *shop,
            const char *name,
            gboolean    json,
            gboolean    reveal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_group_describe (shop, name, siyu_shop_get_today (shop), &error);
  JsonArray *members;

  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  members = json_object_get_array_member (json_node_get_object (node), "members");
  /* Translators: %s is a group's name, %u how many members it has. */
  g_print (g_dngettext (NULL, "%s: %u member\n", "%s: %u members\n", json_array_get_length (members)),
           name, json_array_get_length (members));
  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);
      const char *phone = string_or (member, "phone", NULL);
      g_autofree char *shown = phone == NULL ? g_strdup ("—") : reveal ? g_strdup (phone) : siyu_phone_mask (phone);
      g_autofree char *joined = format_time (shop, json_object_get_int_member (member, "joined_at"));

      g_print ("  %-16s %-8s %s  %s\n", shown, string_or (member, "role", ""), joined,
               string_or (member, "name", ""));
    }

  return SIYU_CLI_OK;
}

static const char * const actions[] = {
  "list", "show", "add-members", "remove-members", "create", "rename", "archive", "unarchive", "set-role", NULL
};

/* How many arguments after the action each action takes: exactly, or at
 * least for those that take a list of phones. */
static gboolean
arguments_fit (const char *action,
               int         n)
{
  if (g_str_equal (action, "list"))
    return n == 0;
  if (g_str_equal (action, "show") || g_str_equal (action, "create") ||
      g_str_equal (action, "archive") || g_str_equal (action, "unarchive"))
    return n == 1;
  if (g_str_equal (action, "rename"))
    return n == 2;
  if (g_str_equal (action, "set-role"))
    return n == 3;
  return n >= 2;
}

static int
group_edit (SiyuShop    *shop,
            const char  *action,
            char       **args,
            const char  *kind)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 group;

  if (g_str_equal (action, "create"))
    {
      if (siyu_group_create (shop, args[0], kind != NULL ? kind : "wechat", now, &error) < 0)
        return siyu_cli_fail (error);
      /* Translators: %s is a group's name. */
      g_print (_("Created the group “%s”.\n"), args[0]);
      return SIYU_CLI_OK;
    }

  group = siyu_group_lookup (shop, args[0], &error);
  if (group < 0)
    return siyu_cli_fail (error);

  if (g_str_equal (action, "rename"))
    {
      if (!siyu_group_rename (shop, group, args[1], NULL, &error))
        return siyu_cli_fail (error);
      /* Translators: the group's old name and its new one. */
      g_print (_("Renamed “%s” to “%s”.\n"), args[0], args[1]);
    }
  else if (g_str_equal (action, "archive") || g_str_equal (action, "unarchive"))
    {
      gboolean archive = g_str_equal (action, "archive");
      gboolean changed = FALSE;

      if (!siyu_group_set_archived (shop, group, archive, now, &changed, &error))
        return siyu_cli_fail (error);
      /* Translators: %s is a group's name. */
      if (archive)
        g_print (changed ? _("Archived “%s”.\n") : _("“%s” was archived already.\n"), args[0]);
      else
        g_print (changed ? _("“%s” is no longer archived.\n") : _("“%s” was not archived.\n"), args[0]);
    }
  else
    {
      gint64 contact = siyu_groups_contact_for_phone (shop, args[1], &error);
      g_autofree char *previous = NULL;

      if (contact < 0 || !siyu_group_set_role (shop, group, contact, args[2], &previous, &error))
        return siyu_cli_fail (error);
      /* Translators: the phone as typed, the group's name, and the role: owner, admin or member. */
      g_print (_("%s is now %s of “%s”.\n"), args[1], args[2], args[0]);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_group (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *kind = NULL;
  gboolean json = FALSE, reveal = FALSE;
  const char *action;
  guint changed = 0;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("The kind of a group made by create or add-members: wecom, wechat (default), club or other"), N_("KIND") },
    { "reveal", 0, 0, G_OPTION_ARG_NONE, &reveal, N_("Show whole phone numbers rather than 138****8000"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("group", _("list | show GROUP | add-members GROUP PHONE… | remove-members GROUP PHONE… | "
                                                "create GROUP | rename GROUP NEW-NAME | archive GROUP | unarchive GROUP | "
                                                "set-role GROUP PHONE ROLE"),
                                     _("List the community groups with their members, joins and leaves this month, "
                                       "and the buyers among their members and their net sales over 30 days; show a "
                                       "group's members; add members by phone (someone not known yet becomes a "
                                       "contact) or record that they left; create, rename, archive or unarchive a "
                                       "group; make a member its owner, an admin or a member. Amounts in JSON are in "
                                       "minor units."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("group", _("say what to do: list, show, add-members, remove-members, create, rename, "
                                            "archive, unarchive or set-role"));
  action = argv[1];
  if (!g_strv_contains (actions, action))
    return siyu_cli_usage_error ("group", _("“%s” is not list, show, add-members, remove-members, create, rename, "
                                            "archive, unarchive or set-role"), action);
  if (g_str_equal (action, "list") && argc != 2)
    return siyu_cli_usage_error ("group", _("unexpected argument “%s”"), argv[2]);
  if (g_str_equal (action, "show") && argc != 3)
    return siyu_cli_usage_error ("group", _("show takes the name of one group"));
  if ((g_str_equal (action, "add-members") || g_str_equal (action, "remove-members")) && argc < 4)
    return siyu_cli_usage_error ("group", _("%s takes a group's name and at least one phone number"), action);
  if ((g_str_equal (action, "create") || g_str_equal (action, "archive") || g_str_equal (action, "unarchive")) &&
      !arguments_fit (action, argc - 2))
    return siyu_cli_usage_error ("group", _("%s takes the name of one group"), action);
  if (g_str_equal (action, "rename") && !arguments_fit (action, argc - 2))
    return siyu_cli_usage_error ("group", _("rename takes a group's name and its new name"));
  if (g_str_equal (action, "set-role") && !arguments_fit (action, argc - 2))
    return siyu_cli_usage_error ("group", _("set-role takes a group's name, a member's phone number and a role"));
  if (g_str_equal (action, "set-role") &&
      !g_strv_contains ((const char * const[]) { "owner", "admin", "member", NULL }, argv[4]))
    return siyu_cli_usage_error ("group", _("“%s” is not a role in a group; use owner, admin or member"), argv[4]);
  if (kind != NULL && !g_strv_contains ((const char * const[]) { "wecom", "wechat", "club", "other", NULL }, kind))
    return siyu_cli_usage_error ("group", _("“%s” is not a kind of group; use wecom, wechat, club or other"), kind);

  shop = siyu_cli_open_shop ("group", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "list"))
    return group_list (shop, json);
  if (g_str_equal (action, "show"))
    return group_show (shop, argv[2], json, reveal);
  if (!g_str_equal (action, "add-members") && !g_str_equal (action, "remove-members"))
    return group_edit (shop, action, argv + 2, kind);

  if (g_str_equal (action, "add-members"))
    {
      if (!siyu_group_add_members (shop, argv[2], kind, (const char * const *) argv + 3,
                                   g_get_real_time () / G_USEC_PER_SEC, &changed, &error))
        return siyu_cli_fail (error);
      /* Translators: %u is a count, %s a group's name. */
      g_print (g_dngettext (NULL, "%u member joined %s.\n", "%u members joined %s.\n", changed), changed, argv[2]);
    }
  else
    {
      if (!siyu_group_remove_members (shop, argv[2], (const char * const *) argv + 3,
                                      g_get_real_time () / G_USEC_PER_SEC, &changed, &error))
        return siyu_cli_fail (error);
      g_print (g_dngettext (NULL, "%u member left %s.\n", "%u members left %s.\n", changed), changed, argv[2]);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_orders (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *db = NULL;
  g_autofree char *search = NULL;
  gint64 contact = 0;
  int limit = 50;
  gboolean json = FALSE;
  JsonArray *orders;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "contact", 0, 0, G_OPTION_ARG_INT64, &contact, N_("Only this contact's orders"), N_("ID") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Only orders whose number or product names contain this"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("How many orders, newest first (default 50)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("orders", NULL,
                                     _("List orders, newest first, with their channel, status, totals, customer "
                                       "and lines. Amounts in JSON are in minor units."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("orders", _("unexpected argument “%s”"), argv[1]);
  if (limit < 1 || limit > 100000)
    return siyu_cli_usage_error ("orders", _("--limit takes a number from 1 to 100000"));
  if (contact < 0)
    return siyu_cli_usage_error ("orders", _("--contact takes a contact's id"));

  shop = siyu_cli_open_shop ("orders", db, &rc);
  if (shop == NULL)
    return rc;

  node = siyu_orders_list (shop, contact, search, (guint) limit, &error);
  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  orders = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);
      g_autofree char *when = format_time (shop, json_object_get_int_member (order, "created_at"));
      g_autofree char *total = siyu_money_format (json_object_get_int_member (order, "total"),
                                                  json_object_get_string_member (order, "currency"));
      JsonArray *items = json_object_get_array_member (order, "items");

      g_print ("%s  %-24s %-18s %12s  %-10s %s\n", when, json_object_get_string_member (order, "reference"),
               json_object_get_string_member (order, "status"), total,
               string_or (order, "channel", ""), string_or (order, "name", ""));
      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonObject *item = json_array_get_object_element (items, j);

          g_print ("                    %" G_GINT64_FORMAT " × %s\n", json_object_get_int_member (item, "quantity"),
                   json_object_get_string_member (item, "name"));
        }
    }

  return SIYU_CLI_OK;
}
