/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-freshness.h"
#include "siyu-money.h"
#include "siyu-overview.h"
#include "siyu-shop-lists.h"
#include "siyu-time.h"

int
siyu_cli_create (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *name = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *time_zone = NULL;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The new shop file (.siyu)"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The shop’s name"), N_("NAME") },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &currency, N_("Currency code (default CNY)"), N_("CODE") },
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &time_zone, N_("Time zone in which days are counted (default Asia/Shanghai)"), N_("ZONE") },
    { NULL }
  };

  context = siyu_cli_option_context ("create", NULL, _("Create a new, empty shop file."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("create", _("unexpected argument “%s”"), argv[1]);
  if (db == NULL)
    return siyu_cli_usage_error ("create", _("--db FILE is required"));
  if (name == NULL)
    return siyu_cli_usage_error ("create", _("--name NAME is required"));

  shop = siyu_shop_create (db, name, currency, time_zone, &error);
  if (shop == NULL)
    return siyu_cli_fail (error);

  return SIYU_CLI_OK;
}

static void
add_pair (JsonBuilder *builder,
          const char  *name,
          gint64       now,
          gint64       before)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "before");
  json_builder_add_int_value (builder, before);
  json_builder_end_object (builder);
}

static void
print_pair (const char *label,
            const char *now,
            const char *before)
{
  /* Translators: the figure now, and 30 days earlier, e.g. "1,234 (30 days earlier: 1,100)". */
  g_print ("  %-22s %s  (%s %s)\n", label, now, _("30 days earlier:"), before);
}

static char *
format_count (gint64 n)
{
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (plain);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && plain[i - 1] != '-' && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, plain[i]);
    }

  return g_string_free (out, FALSE);
}

int
siyu_cli_info (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of_text = NULL;
  g_autofree char *as_of_out = NULL;
  gboolean json = FALSE;
  g_autofree char *last_day_out = NULL;
  SiyuOverview overview;
  SiyuFreshness freshness;
  SiyuDay as_of;
  gint64 orders;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text, N_("Count up to this day (default: today, the last day of a demo shop, or the day of the newest order when it is more than a week old)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("info", NULL,
                                     _("Show a shop’s settings and the figures of its Overview: contacts, members, buyers and net sales of the last 30 days, each beside the 30 days before."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("info", _("unexpected argument “%s”"), argv[1]);
  if (as_of_text != NULL && !siyu_day_parse (as_of_text, &as_of))
    return siyu_cli_usage_error ("info", _("“%s” is not a date; write it as YYYY-MM-DD"), as_of_text);

  shop = siyu_cli_open_shop_counted ("info", db, &rc);
  if (shop == NULL)
    return rc;

  if (!siyu_freshness_get (shop, &freshness, &error))
    return siyu_cli_fail (error);
  if (as_of_text == NULL)
    as_of = freshness.as_of;
  if (freshness.last_day != SIYU_DAY_INVALID)
    last_day_out = siyu_day_format (freshness.last_day);

  if (!siyu_overview_compute (shop, as_of, &overview, &error))
    return siyu_cli_fail (error);

  orders = siyu_shop_count (shop, SIYU_COUNT_ORDERS, &error);
  if (orders < 0)
    return siyu_cli_fail (error);

  as_of_out = siyu_day_format (as_of);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, siyu_shop_get_name (shop));
      json_builder_set_member_name (builder, "currency");
      json_builder_add_string_value (builder, siyu_shop_get_currency (shop));
      json_builder_set_member_name (builder, "time_zone");
      json_builder_add_string_value (builder, siyu_shop_get_time_zone_id (shop));
      json_builder_set_member_name (builder, "phone_region");
      json_builder_add_string_value (builder, siyu_shop_get_phone_region (shop));
      json_builder_set_member_name (builder, "schema_version");
      json_builder_add_int_value (builder, siyu_db_get_schema_version (siyu_shop_get_db (shop)));
      json_builder_set_member_name (builder, "as_of");
      json_builder_add_string_value (builder, as_of_out);
      json_builder_set_member_name (builder, "last_data_day");
      if (last_day_out != NULL)
        json_builder_add_string_value (builder, last_day_out);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "data_old");
      json_builder_add_boolean_value (builder, freshness.stale);
      json_builder_set_member_name (builder, "orders_stored");
      json_builder_add_int_value (builder, orders);
      add_pair (builder, "contacts", overview.contacts, overview.contacts_before);
      add_pair (builder, "members", overview.members, overview.members_before);
      add_pair (builder, "buyers_30d", overview.buyers, overview.buyers_before);
      add_pair (builder, "paid_orders_30d", overview.orders, overview.orders_before);
      add_pair (builder, "net_sales_30d", overview.net_sales, overview.net_sales_before);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }
  else
    {
      g_autofree char *c1 = format_count (overview.contacts);
      g_autofree char *c0 = format_count (overview.contacts_before);
      g_autofree char *m1 = format_count (overview.members);
      g_autofree char *m0 = format_count (overview.members_before);
      g_autofree char *b1 = format_count (overview.buyers);
      g_autofree char *b0 = format_count (overview.buyers_before);
      g_autofree char *o1 = format_count (overview.orders);
      g_autofree char *o0 = format_count (overview.orders_before);
      g_autofree char *s1 = siyu_money_format (overview.net_sales, siyu_shop_get_currency (shop));
      g_autofree char *s0 = siyu_money_format (overview.net_sales_before, siyu_shop_get_currency (shop));

      g_print ("%s\n", siyu_shop_get_name (shop));
      g_print ("  %-22s %s\n", _("Currency:"), siyu_shop_get_currency (shop));
      g_print ("  %-22s %s\n", _("Time zone:"), siyu_shop_get_time_zone_id (shop));
      g_print ("  %-22s %s\n", _("Phone region:"), siyu_shop_get_phone_region (shop));
      g_print ("  %-22s %s\n", _("As of:"), as_of_out);
      if (freshness.stale)
        {
          g_print ("  %-22s %s\n", _("Data up to:"), last_day_out);
          if (as_of_text == NULL)
            g_print ("  %s\n", _("The newest order is more than a week old, so the figures are counted up to its day."));
        }
      g_print ("\n");
      print_pair (_("Contacts:"), c1, c0);
      print_pair (_("Members:"), m1, m0);
      print_pair (_("Buyers, 30 days:"), b1, b0);
      print_pair (_("Paid orders, 30 days:"), o1, o0);
      print_pair (_("Net sales, 30 days:"), s1, s0);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_settings (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *name = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *time_zone = NULL;
  g_autofree char *phone_region = NULL;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The shop’s name"), N_("NAME") },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &currency, N_("Currency code; only while the shop has no orders"), N_("CODE") },
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &time_zone, N_("Time zone in which days are counted"), N_("ZONE") },
    { "phone-region", 0, 0, G_OPTION_ARG_STRING, &phone_region, N_("Where phone numbers without a country code are from (CN, HK, MO, TW, SG, US, CA)"), N_("REGION") },
    { NULL }
  };

  context = siyu_cli_option_context ("settings", NULL,
                                     _("Change a shop’s settings; all the given ones change together or none does."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("settings", _("unexpected argument “%s”"), argv[1]);
  if (name == NULL && currency == NULL && time_zone == NULL && phone_region == NULL)
    return siyu_cli_usage_error ("settings", _("nothing to change: give --name, --currency, --time-zone or --phone-region"));

  shop = siyu_cli_open_shop ("settings", db, &rc);
  if (shop == NULL)
    return rc;

  if (!siyu_shop_set_settings (shop, name, currency, time_zone, phone_region, &error))
    return siyu_cli_fail (error);

  return SIYU_CLI_OK;
}
