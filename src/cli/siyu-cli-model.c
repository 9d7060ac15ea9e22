/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-json.h"
#include "siyu-model.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-recompute.h"

/* siyu-cli model show|set|suggest: the thresholds behind every figure. */

static void
print_model (SiyuShop        *shop,
             const SiyuModel *model)
{
  const SiyuLifecycleModel *l = &model->lifecycle;
  const SiyuPyramidWeights *w = &model->weights;

  g_print ("%s\n", _("Lifecycle"));
  g_print (_("  Dormant after %d days without a paid order, lost after %d\n"), l->dormant_days, l->lost_days);
  g_print (_("  Mature with %d or more paid orders in %d days\n"), l->mature_orders, l->mature_window_days);
  g_print ("%s\n", _("Member tiers"));
  for (guint i = 0; i < model->tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (model->tiers, SiyuTierSetting, i);
      g_autofree char *from = siyu_money_format (tier->threshold, siyu_shop_get_currency (shop));
      g_autofree char *label = tier->name_zh != NULL ? g_strdup_printf ("%s %s", tier->name, tier->name_zh)
                                                     : g_strdup (tier->name);
      g_autofree char *padded = siyu_cli_pad (label, 18);

      if (tier->capacity > 0)
        {
          g_autofree char *capacity = siyu_count_format (tier->capacity);

          /* Translators: a tier: its name, its threshold, and how many members it can hold. */
          g_print (_("  %s from %s, at most %s members\n"), padded, from, capacity);
        }
      else
        g_print (_("  %s from %s\n"), padded, from);
    }
  g_print ("%s\n", _("Pyramid weights"));
  g_print (_("  referral %d, share %d, review %d, group message %d, paid order %d\n"),
           w->referral, w->share, w->review, w->group_message, w->order);
}

static int
model_show (SiyuShop *shop,
            gboolean  json)
{
  g_autoptr(GError) error = NULL;
  SiyuModel model;

  if (!siyu_model_load (shop, &model, &error))
    return siyu_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = siyu_model_to_json (&model);

      siyu_cli_print_json (node);
    }
  else
    print_model (shop, &model);
  siyu_model_clear (&model);

  return SIYU_CLI_OK;
}

static int
model_suggest (SiyuShop *shop,
               gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuModelFacts) facts = NULL;
  g_autoptr(GError) tier_error = NULL;
  const char *currency = siyu_shop_get_currency (shop);
  const SiyuGapSuggestion *gaps;
  SiyuSpendSuggestion spend = { 0, };
  gboolean have_tiers;
  g_autofree char *count = NULL;
  SiyuModel model;

  if (!siyu_model_load (shop, &model, &error))
    return siyu_cli_fail (error);
  facts = siyu_model_facts_compute (shop, siyu_shop_get_today (shop), siyu_cli_progress,
                                    (gpointer) _("Computing"), NULL, &error);
  siyu_cli_progress_done ();
  if (facts == NULL)
    {
      siyu_model_clear (&model);
      return siyu_cli_fail (error);
    }
  gaps = siyu_model_facts_get_gaps (facts);
  have_tiers = siyu_model_facts_suggest_tiers (facts, MAX (model.tiers->len, 1), siyu_currency_digits (currency),
                                               &spend, &tier_error);

  if (json)
    {
      g_autoptr(JsonNode) node = siyu_gap_suggestion_to_json (gaps);
      JsonObject *object = json_node_get_object (node);

      if (have_tiers)
        json_object_set_member (object, "member_tiers", siyu_spend_suggestion_to_json (&spend));
      else
        json_object_set_null_member (object, "member_tiers");
      siyu_cli_print_json (node);
      siyu_spend_suggestion_clear (&spend);
      siyu_model_clear (&model);
      return SIYU_CLI_OK;
    }

  count = siyu_count_format (gaps->n_gaps);
  if (gaps->n_gaps == 0)
    g_print ("%s\n", _("No customer has bought twice yet, so there is nothing to suggest from."));
  else
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "From %s gap between two paid orders of the same customer:\n",
                            "From %s gaps between two paid orders of the same customer:\n", gaps->n_gaps),
               count);
      g_print (_("  80 %% come within %d days: dormant after %d days\n"), gaps->p80, gaps->dormant_days);
      g_print (_("  95 %% come within %d days: lost after %d days\n"), gaps->p95, gaps->lost_days);
      if (gaps->enough)
        g_print ("%s\n", _("Apply them with: siyu-cli model set --dormant-days N --lost-days N"));
      else
        g_print (_("That is too few to go by (Siyu wants at least %d); keep the current %d and %d days for now.\n"),
                 SIYU_MODEL_MIN_GAPS, model.lifecycle.dormant_days, model.lifecycle.lost_days);
    }

  if (have_tiers)
    {
      g_autofree char *members = siyu_count_format (spend.n_members);

      g_print (g_dngettext (GETTEXT_PACKAGE, "From the 365-day net spend of %s member:\n",
                            "From the 365-day net spend of %s members:\n", spend.n_members), members);
      for (guint i = 0; i < spend.thresholds->len && i < model.tiers->len; i++)
        {
          const SiyuTierSetting *tier = &g_array_index (model.tiers, SiyuTierSetting, i);
          g_autofree char *padded = siyu_cli_pad (siyu_tier_display_name (tier->name, tier->name_zh), 18);
          g_autofree char *threshold = siyu_money_format (g_array_index (spend.thresholds, gint64, i), currency);

          if (i == 0)
            g_print (_("  %s from %s\n"), padded, threshold);
          else
            {
              g_autofree char *at = siyu_money_format (g_array_index (spend.percentiles, gint64, i), currency);

              /* Translators: a suggested tier: its name, threshold, the percentile and the spend there. */
              g_print (_("  %s from %s (%d %% of members spent %s or less)\n"), padded, threshold,
                       g_array_index (spend.percents, int, i), at);
            }
        }
    }
  else
    g_print ("%s\n", tier_error->message);

  siyu_spend_suggestion_clear (&spend);
  siyu_model_clear (&model);
  return SIYU_CLI_OK;
}

/* What the new model changed: stages and tier moves. */
static void
print_moves (const SiyuModelPreview *preview)
{
  g_autofree char *up = siyu_count_format (preview->moved_up);
  g_autofree char *down = siyu_count_format (preview->moved_down);

  g_print ("%s\n", _("Contacts per stage, before → now:"));
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      g_autofree char *before = siyu_count_format (preview->current_stages[s]);
      g_autofree char *now = siyu_count_format (preview->stages[s]);
      g_autofree char *padded = siyu_cli_pad (siyu_stage_get_label (s), 12);

      g_print ("  %s %s → %s\n", padded, before, now);
    }
  /* Translators: after a model change: how many members go up and down a tier. */
  g_print (_("Members moving up a tier: %s; down a tier: %s\n"), up, down);
}

static SiyuTierSetting *
find_tier (SiyuModel  *model,
           const char *name)
{
  for (guint i = 0; i < model->tiers->len; i++)
    {
      SiyuTierSetting *tier = &g_array_index (model->tiers, SiyuTierSetting, i);

      if (g_strcmp0 (tier->name, name) == 0 || g_strcmp0 (tier->name_zh, name) == 0)
        return tier;
    }

  return NULL;
}

/* NAME=VALUE pairs of --tier-threshold, --tier-capacity and --weight. */
static int
apply_pairs (SiyuShop    *shop,
             SiyuModel   *model,
             char       **pairs,
             const char  *option,
             int          kind)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (pairs[i], "=", 2);
      gint64 value;

      if (g_strv_length (parts) != 2 || *parts[0] == '\0')
        return siyu_cli_usage_error ("model", _("%s takes NAME=VALUE, not “%s”"), option, pairs[i]);

      if (kind == 2)
        {
          int *weight = g_str_equal (parts[0], "referral") ? &model->weights.referral :
                        g_str_equal (parts[0], "share") ? &model->weights.share :
                        g_str_equal (parts[0], "review") ? &model->weights.review :
                        g_str_equal (parts[0], "group_message") ? &model->weights.group_message :
                        g_str_equal (parts[0], "order") ? &model->weights.order : NULL;

          if (weight == NULL)
            return siyu_cli_usage_error ("model", _("“%s” is not a pyramid weight; use referral, share, review, "
                                                    "group_message or order"), parts[0]);
          if (!g_ascii_string_to_signed (parts[1], 10, 0, 1000, &value, NULL))
            return siyu_cli_usage_error ("model", _("a pyramid weight is a whole number from 0 to 1000, not “%s”"),
                                         parts[1]);
          *weight = (int) value;
          continue;
        }

      {
        SiyuTierSetting *tier = find_tier (model, parts[0]);

        if (tier == NULL)
          return siyu_cli_usage_error ("model", _("there is no member tier “%s”"), parts[0]);
        if (kind == 0)
          {
            if (siyu_parse_amount (parts[1], siyu_currency_digits (siyu_shop_get_currency (shop)), &value) != SIYU_PARSE_OK)
              return siyu_cli_usage_error ("model", _("“%s” is not an amount"), parts[1]);
            tier->threshold = value;
          }
        else
          {
            if (!g_ascii_string_to_signed (parts[1], 10, 0, G_MAXINT32, &value, NULL))
              return siyu_cli_usage_error ("model", _("a capacity is a whole number, 0 for no limit, not “%s”"),
                                           parts[1]);
            tier->capacity = value;
          }
      }
    }

  return SIYU_CLI_OK;
}

static int
model_set (SiyuShop    *shop,
           const char  *json_file,
           int          dormant,
           int          lost,
           int          mature_orders,
           int          mature_window,
           char       **thresholds,
           char       **capacities,
           char       **weights,
           gboolean     no_recompute)
{
  g_autoptr(GError) error = NULL;
  SiyuModel model, previous;
  int rc;

  if (!siyu_model_load (shop, &model, &error))
    return siyu_cli_fail (error);

  if (json_file != NULL)
    {
      g_autoptr(JsonNode) root = siyu_json_parse_file (json_file, &error);

      if (root == NULL)
        {
          siyu_model_clear (&model);
          return siyu_cli_fail (error);
        }
      if (!siyu_model_from_json (root, &model, &error))
        {
          siyu_model_clear (&model);
          g_prefix_error (&error, "%s: ", json_file);
          return siyu_cli_fail (error);
        }
    }
  if (dormant > 0)
    model.lifecycle.dormant_days = dormant;
  if (lost > 0)
    model.lifecycle.lost_days = lost;
  if (mature_orders > 0)
    model.lifecycle.mature_orders = mature_orders;
  if (mature_window > 0)
    model.lifecycle.mature_window_days = mature_window;
  if ((rc = apply_pairs (shop, &model, thresholds, "--tier-threshold", 0)) != SIYU_CLI_OK ||
      (rc = apply_pairs (shop, &model, capacities, "--tier-capacity", 1)) != SIYU_CLI_OK ||
      (rc = apply_pairs (shop, &model, weights, "--weight", 2)) != SIYU_CLI_OK)
    {
      siyu_model_clear (&model);
      return rc;
    }

  if (!siyu_model_load (shop, &previous, &error))
    {
      siyu_model_clear (&model);
      return siyu_cli_fail (error);
    }
  if (no_recompute)
    {
      if (!siyu_model_save (shop, &model, &error))
        {
          siyu_model_clear (&model);
          siyu_model_clear (&previous);
          return siyu_cli_fail (error);
        }
      g_print ("%s\n", _("Saved the model."));
    }
  else
    {
      g_autoptr(SiyuAnalytics) analytics = NULL;
      g_autoptr(SiyuModelFacts) facts = NULL;
      SiyuModelPreview preview;
      /* The model and the figures counted with it are stored together. */
      gboolean done = siyu_model_save_and_count (shop, &model, siyu_shop_get_today (shop), siyu_cli_progress,
                                                 (gpointer) _("Computing"), NULL, &analytics, &error);

      siyu_cli_progress_done ();
      if (done)
        facts = siyu_model_facts_new (shop, analytics, &error);
      if (!done || facts == NULL ||
          !siyu_model_preview (facts, &previous, &model, siyu_shop_get_currency (shop), &preview, &error))
        {
          siyu_model_clear (&model);
          siyu_model_clear (&previous);
          return siyu_cli_fail (error);
        }
      g_print ("%s\n", _("Saved the model."));
      g_print ("%s\n", _("Counted every figure again."));
      print_moves (&preview);
      siyu_model_preview_clear (&preview);
    }
  siyu_model_clear (&model);
  siyu_model_clear (&previous);

  return SIYU_CLI_OK;
}

int
siyu_cli_model (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *db = NULL;
  g_autofree char *json_file = NULL;
  g_auto(GStrv) thresholds = NULL;
  g_auto(GStrv) capacities = NULL;
  g_auto(GStrv) weights = NULL;
  gboolean json = FALSE, no_recompute = FALSE;
  int dormant = 0, lost = 0, mature_orders = 0, mature_window = 0;
  const char *what;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (show, suggest)"), NULL },
    { "json-file", 0, 0, G_OPTION_ARG_FILENAME, &json_file, N_("Set the model written as “model show --json” does"), N_("FILE") },
    { "dormant-days", 0, 0, G_OPTION_ARG_INT, &dormant, N_("Dormant after this many days without a paid order"), N_("N") },
    { "lost-days", 0, 0, G_OPTION_ARG_INT, &lost, N_("Lost after this many days without a paid order"), N_("N") },
    { "mature-orders", 0, 0, G_OPTION_ARG_INT, &mature_orders, N_("Mature with this many paid orders…"), N_("N") },
    { "mature-window-days", 0, 0, G_OPTION_ARG_INT, &mature_window, N_("…within this many days"), N_("N") },
    { "tier-threshold", 0, 0, G_OPTION_ARG_STRING_ARRAY, &thresholds, N_("A tier's threshold of 365-day net spend (repeat)"), N_("TIER=AMOUNT") },
    { "tier-capacity", 0, 0, G_OPTION_ARG_STRING_ARRAY, &capacities, N_("How many members a tier can hold, 0 for no limit (repeat)"), N_("TIER=N") },
    { "weight", 0, 0, G_OPTION_ARG_STRING_ARRAY, &weights, N_("A pyramid weight: referral, share, review, group_message or order (repeat)"), N_("NAME=N") },
    { "no-recompute", 0, 0, G_OPTION_ARG_NONE, &no_recompute, N_("Do not count the figures again after set"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("model", "show | set | suggest",
                                     _("Show or change the thresholds behind every figure: when a customer is "
                                       "dormant, lost or mature, the member tiers and the pyramid's weights; or "
                                       "suggest the dormant and lost days from the shop's own gaps between "
                                       "orders. Amounts in JSON are in minor units."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("model", _("say what to do: show, set or suggest"));
  if (argc > 2)
    return siyu_cli_usage_error ("model", _("unexpected argument “%s”"), argv[2]);
  what = argv[1];
  if (!g_str_equal (what, "show") && !g_str_equal (what, "set") && !g_str_equal (what, "suggest"))
    return siyu_cli_usage_error ("model", _("“%s” is not show, set or suggest"), what);
  if (!g_str_equal (what, "set") &&
      (json_file != NULL || dormant != 0 || lost != 0 || mature_orders != 0 || mature_window != 0 ||
       thresholds != NULL || capacities != NULL || weights != NULL || no_recompute))
    return siyu_cli_usage_error ("model", _("only “model set” changes the model"));
  if (g_str_equal (what, "set") && json)
    return siyu_cli_usage_error ("model", _("--json is for show and suggest; set reads --json-file"));
  if (g_str_equal (what, "set") &&
      json_file == NULL && dormant == 0 && lost == 0 && mature_orders == 0 && mature_window == 0 &&
      thresholds == NULL && capacities == NULL && weights == NULL)
    return siyu_cli_usage_error ("model", _("say what to change, or give --json-file"));
  if (dormant < 0 || lost < 0 || mature_orders < 0 || mature_window < 0)
    return siyu_cli_usage_error ("model", _("days and orders are whole numbers above 0"));

  shop = siyu_cli_open_shop ("model", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (what, "show"))
    return model_show (shop, json);
  if (g_str_equal (what, "suggest"))
    return model_suggest (shop, json);
  return model_set (shop, json_file, dormant, lost, mature_orders, mature_window, thresholds, capacities,
                    weights, no_recompute);
}
