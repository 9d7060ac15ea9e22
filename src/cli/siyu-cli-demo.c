/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-demo.h"
#include "siyu-shop-lists.h"

static const struct {
  const char *name;
  SiyuCount   what;
} counted[] = {
  { "contacts", SIYU_COUNT_CONTACTS },
  { "orders", SIYU_COUNT_ORDERS },
  { "order_items", SIYU_COUNT_ORDER_ITEMS },
  { "refunds", SIYU_COUNT_REFUNDS },
  { "community_groups", SIYU_COUNT_GROUPS },
  { "group_members", SIYU_COUNT_GROUP_MEMBERS },
  { "events", SIYU_COUNT_EVENTS },
  { "products", SIYU_COUNT_PRODUCTS },
};

int
siyu_cli_demo (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *size = NULL;
  gint64 seed = 1;
  gboolean json = FALSE;
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  gint64 started;
  double seconds;
  int rc;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The new shop file"), N_("FILE") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, N_("small (about 5,000 contacts and 30,000 orders, the default) or large (about 200,000 and 2,000,000)"), N_("SIZE") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("The same seed always gives the same shop (default 1)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print what was written as JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("demo", NULL,
                                     _("Build a demo shop: two years of a made-up coffee and tea shop with customers, members, groups, orders, refunds and interactions. Its phone numbers are all in the block 199 00xx xxxx."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("demo", _("unexpected argument “%s”"), argv[1]);
  if (out == NULL)
    return siyu_cli_usage_error ("demo", _("--out FILE is required"));
  if (size != NULL && !siyu_demo_size_from_string (size, &options.size))
    return siyu_cli_usage_error ("demo", _("“%s” is not a size; use small or large"), size);
  if (seed < 0 || seed > G_MAXUINT32)
    return siyu_cli_usage_error ("demo", _("the seed must be a whole number from 0 to %u"), G_MAXUINT32);
  options.seed = (guint32) seed;

  started = g_get_monotonic_time ();
  shop = siyu_demo_create (out, &options, siyu_cli_progress, (gpointer) _("Building the demo shop"), NULL, &error);
  siyu_cli_progress_done ();
  if (shop == NULL)
    return siyu_cli_fail (error);
  seconds = (g_get_monotonic_time () - started) / 1e6;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      for (guint i = 0; i < G_N_ELEMENTS (counted); i++)
        {
          json_builder_set_member_name (builder, counted[i].name);
          json_builder_add_int_value (builder, siyu_shop_count (shop, counted[i].what, NULL));
        }
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }

  return SIYU_CLI_OK;
}
