/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-campaign.h"
#include "siyu-cli.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-time.h"

/* siyu-cli campaign …: plan a campaign's rhythm from a GMV target (the gap
 * deduction of ANALYTICS.md), save, list, show planned against actual, and
 * delete campaigns. */

#define LABEL_COLUMNS 24

/* Right-aligns @text to @columns terminal columns; Chinese characters take two. */
static char *
pad_left (const char *text,
          int         columns)
{
  GString *out = g_string_new (NULL);
  int width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; width < columns; width++)
    g_string_append_c (out, ' ');
  g_string_append (out, text);

  return g_string_free (out, FALSE);
}

static char *
format_double (double value,
               int    decimals)
{
  return g_strdup_printf ("%.*f", decimals, value);
}

/* Prints "label value" with the label padded. */
static void
print_row (const char *label,
           const char *value)
{
  g_autofree char *padded = siyu_cli_pad (label, LABEL_COLUMNS);

  g_print ("  %s %s\n", padded, value);
}

static void
print_count_row (const char *label,
                 gint64      value)
{
  g_autofree char *text = siyu_count_format (value);

  print_row (label, text);
}

static void
print_money_row (const char *label,
                 gint64      value,
                 const char *currency)
{
  g_autofree char *text = siyu_money_format (value, currency);

  print_row (label, text);
}

static char *
days_text (GArray *days)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < days->len; i++)
    {
      g_autofree char *day = siyu_day_format (g_array_index (days, SiyuDay, i));

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, day);
    }
  return g_string_free (out, FALSE);
}

static void
print_plan (SiyuCampaignPlan *plan)
{
  g_autofree char *target = siyu_money_format (plan->target, plan->currency);
  g_autofree char *start = siyu_day_format (plan->sale_start);
  g_autofree char *end = siyu_day_format (plan->sale_end);
  g_autofree char *ref_start = siyu_day_format (plan->reference_start);
  g_autofree char *ref_end = siyu_day_format (plan->reference_end);
  g_autofree char *aov = siyu_money_format ((gint64) llround (plan->aov), plan->currency);
  g_autofree char *opb = format_double (plan->orders_per_buyer, 2);
  /* Buyers are shown whole, rounded up (ANALYTICS.md); --json has the figures. */
  g_autofree char *expected = siyu_count_format (siyu_campaign_whole_buyers (plan->expected));
  g_autofree char *gap = siyu_count_format (siyu_campaign_whole_buyers (plan->gap));
  g_autofree char *stage_h = siyu_cli_pad (_("Stage"), 12);

  if (plan->name != NULL)
    g_print ("%s (%lld)\n", plan->name, (long long) plan->id);
  /* Translators: the target, then the sale's first and last day, then a channel's name or “all channels”. */
  g_print (_("Target %s, sale from %s to %s, %s\n"), target, start, end,
           plan->channel_name != NULL ? plan->channel_name : _("all channels"));
  /* Translators: the two %s are dates, then why that window was taken. */
  g_print (_("Reference window %s to %s: %s\n"), ref_start, ref_end, plan->reference_reason);
  print_count_row (_("Paid orders"), plan->reference_orders);
  print_money_row (_("Net sales"), plan->reference_net, plan->currency);
  print_count_row (_("Buyers"), plan->reference_buyers);
  if (plan->reference_newcomers > 0)
    print_count_row (_("Of them new contacts"), plan->reference_newcomers);
  print_row (_("Average order value"), aov);
  print_row (_("Orders per buyer"), opb);
  print_count_row (_("Buyers needed (B)"), plan->buyers_needed);
  print_row (_("Expected buyers (E)"), expected);
  print_row (_("Gap (G)"), gap);
  if (plan->thin_reason != NULL)
    g_print ("%s\n", plan->thin_reason);
  if (plan->buyers_needed > 0 && plan->gap <= 0.0)
    g_print ("%s\n", _("The stages are expected to bring enough buyers: there is no gap to close."));
  if (plan->unassigned > 0.0)
    g_print ("%s\n", _("No stage converted in the reference window, so nobody can be planned to close the gap."));
  if (plan->overlap_name != NULL)
    /* Translators: %s is another campaign's name. */
    g_print (_("Warning: the sale days overlap those of the campaign “%s”; it cannot be saved as it is.\n"),
             plan->overlap_name);

  {
    g_autofree char *h1 = pad_left (_("At start"), 9);
    g_autofree char *h2 = pad_left (_("Bought"), 8);
    g_autofree char *h3 = pad_left (_("Convert"), 10);
    g_autofree char *h4 = pad_left (_("Today"), 8);
    g_autofree char *h5 = pad_left (_("Expected"), 9);
    g_autofree char *h6 = pad_left (_("Gap part"), 9);
    g_autofree char *h7 = pad_left (_("To reach"), 12);

    g_print ("\n%s %s %s %s %s %s %s %s\n", stage_h, h1, h2, h3, h4, h5, h6, h7);
  }
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const SiyuCampaignSegment *seg = &plan->segments[s];
      g_autofree char *label = siyu_cli_pad (siyu_stage_get_label (s), 12);
      g_autofree char *conversion = siyu_percent_format (seg->conversion);
      g_autofree char *exp = siyu_count_format (siyu_campaign_whole_buyers (seg->expected));
      g_autofree char *share = siyu_count_format (siyu_campaign_whole_buyers (seg->gap_share));
      g_autofree char *reach_text = seg->cannot_close ? g_strdup (_("cannot close"))
                                                      : g_strdup_printf ("%lld", (long long) seg->reach);
      g_autofree char *reach = pad_left (reach_text, 12);

      g_print ("%s %9lld %8lld %10s %8lld %9s %9s %s%s\n", label, (long long) seg->reference_size,
               (long long) seg->reference_buyers, conversion, (long long) seg->size, exp, share, reach,
               seg->exceeds_size && !seg->cannot_close ? _(" (more than the stage has)") : "");
    }

  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);
      g_autofree char *first = siyu_day_format (phase->starts_on);
      g_autofree char *last = siyu_day_format (phase->ends_on);

      g_print ("\n%s  %s – %s\n  %s\n", siyu_campaign_phase_kind_get_label (phase->kind), first, last, phase->theme);
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *row = g_ptr_array_index (phase->targets, t);
          g_autofree char *name = siyu_cli_pad (row->segment_name, 32);
          g_autofree char *days = days_text (row->touch_days);

          /* Translators: a segment in a phase: its padded name, contacts to reach, touch days. */
          g_print (_("  %s reach %6lld  on %s\n"), name, (long long) row->planned_reach, days);
        }
    }
}

/* Parses START:END into two days. */
static gboolean
parse_window (const char *text,
              SiyuDay    *start,
              SiyuDay    *end)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);

  return g_strv_length (parts) == 2 && siyu_day_parse (parts[0], start) && siyu_day_parse (parts[1], end);
}

/* Parses STAGE=WEIGHT,… into weights by SiyuStage; unnamed stages get 0. */
static gboolean
parse_split (const char *text,
             double      weights[SIYU_N_STAGES])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (int s = 0; s < SIYU_N_STAGES; s++)
    weights[s] = 0.0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (g_strstrip (parts[i]), "=", 2);
      char *end = NULL;
      double value;
      int stage = -1;

      if (g_strv_length (pair) != 2)
        return FALSE;
      for (int s = 0; s < SIYU_N_STAGES; s++)
        if (g_ascii_strcasecmp (g_strstrip (pair[0]), siyu_stage_to_string (s)) == 0)
          stage = s;
      value = g_ascii_strtod (g_strstrip (pair[1]), &end);
      if (stage < 0 || end == pair[1] || *end != '\0' || !(value >= 0.0) || value > 1e12)
        return FALSE;
      weights[stage] = value;
    }
  return TRUE;
}

static int
campaign_plan (SiyuShop   *shop,
               const char *target_text,
               const char *day_text,
               const char *end_text,
               const char *channel,
               const char *reference,
               const char *split,
               const char *save,
               gboolean    json)
{
  double weights[SIYU_N_STAGES];
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  SiyuCampaignInputs inputs;
  int digits = siyu_currency_digits (siyu_shop_get_currency (shop));

  siyu_campaign_inputs_init (&inputs);
  switch (siyu_parse_amount (target_text, digits, &inputs.target))
    {
    case SIYU_PARSE_OK:
      break;
    case SIYU_PARSE_OUT_OF_RANGE:
      return siyu_cli_usage_error ("campaign", _("--target %s is too large to be real"), target_text);
    case SIYU_PARSE_TOO_MANY_DECIMALS:
      return siyu_cli_usage_error ("campaign", _("--target %s has more decimals than the currency has"), target_text);
    case SIYU_PARSE_EMPTY:
    case SIYU_PARSE_BAD_CHARACTER:
    case SIYU_PARSE_BAD_FORMAT:
    case SIYU_PARSE_IMPOSSIBLE_DATE:
    default:
      return siyu_cli_usage_error ("campaign", _("--target takes an amount in major units, such as 200000 or 1234.50"));
    }
  if (!siyu_day_parse (day_text, &inputs.sale_start))
    return siyu_cli_usage_error ("campaign", _("--day takes a date as YYYY-MM-DD"));
  if (end_text != NULL && !siyu_day_parse (end_text, &inputs.sale_end))
    return siyu_cli_usage_error ("campaign", _("--end takes a date as YYYY-MM-DD"));
  if (reference != NULL && !parse_window (reference, &inputs.reference_start, &inputs.reference_end))
    return siyu_cli_usage_error ("campaign", _("--reference takes two dates as START:END, such as 2025-11-01:2025-11-11"));
  if (split != NULL && !parse_split (split, weights))
    return siyu_cli_usage_error ("campaign", _("--split takes stages and weights of 0 or more, such as new=1,dormant=2 "
                                               "(prospect, new, growing, mature, dormant, lost)"));
  if (channel != NULL && (inputs.channel_id = siyu_campaign_lookup_channel (shop, channel, &error)) == 0)
    return siyu_cli_fail (error);

  plan = siyu_campaign_plan_new (shop, &inputs, NULL, &error);
  if (plan == NULL || (split != NULL && !siyu_campaign_plan_set_weights (plan, weights, &error)))
    return siyu_cli_fail (error);
  if (save != NULL && siyu_campaign_save (shop, plan, save, &error) == 0)
    return siyu_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = siyu_campaign_plan_to_json (plan);

      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }
  print_plan (plan);
  if (save != NULL)
    g_print ("\n%s\n", _("Saved the campaign."));

  return SIYU_CLI_OK;
}

static int
campaign_list (SiyuShop *shop,
               gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_campaigns_list (shop, &error);
  JsonArray *array;

  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      g_print ("%s\n", _("No campaigns yet: plan one with “siyu-cli campaign plan”."));
      return SIYU_CLI_OK;
    }
  {
    g_autofree char *id_h = pad_left (_("ID"), 4);
    g_autofree char *name_h = siyu_cli_pad (_("Name"), 24);
    g_autofree char *starts_h = siyu_cli_pad (_("Starts"), 10);
    g_autofree char *ends_h = siyu_cli_pad (_("Ends"), 10);
    g_autofree char *target_h = pad_left (_("Target"), 18);
    g_autofree char *status_h = siyu_cli_pad (_("Status"), 10);

    g_print ("%s  %s %s  %s %s  %s %s\n", id_h, name_h, starts_h, ends_h, target_h, status_h, _("Channel"));
  }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *c = json_array_get_object_element (array, i);
      g_autofree char *name = siyu_cli_pad (json_object_get_string_member (c, "name"), 24);
      g_autofree char *target_text = siyu_money_format (json_object_get_int_member (c, "target"),
                                                        json_object_get_string_member (c, "currency"));
      g_autofree char *target = pad_left (target_text, 18);
      const char *status = json_object_get_string_member (c, "status");
      const char *status_label = g_str_equal (status, "planned") ? _("planned")
                                 : g_str_equal (status, "running") ? _("running") : _("finished");
      g_autofree char *status_text = siyu_cli_pad (status_label, 10);
      const char *channel = json_object_get_null_member (c, "channel") ? _("all channels")
                            : json_object_get_string_member (c, "channel");

      g_print ("%4lld  %s %-10s  %-10s %s  %s %s\n", (long long) json_object_get_int_member (c, "id"), name,
               json_object_get_string_member (c, "sale_start"), json_object_get_string_member (c, "sale_end"),
               target, status_text, channel);
    }

  return SIYU_CLI_OK;
}

static int
campaign_show (SiyuShop   *shop,
               const char *which,
               const char *as_of_text,
               gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  g_autoptr(SiyuCampaignActuals) actuals = NULL;
  SiyuDay as_of = SIYU_DAY_INVALID;
  gint64 id;

  if (as_of_text != NULL && !siyu_day_parse (as_of_text, &as_of))
    return siyu_cli_usage_error ("campaign", _("--as-of takes a date as YYYY-MM-DD"));
  if ((id = siyu_campaign_lookup (shop, which, &error)) == 0 ||
      (plan = siyu_campaign_load (shop, id, &error)) == NULL ||
      (actuals = siyu_campaign_actuals_new (shop, id, as_of, &error)) == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "plan");
      json_builder_add_value (builder, siyu_campaign_plan_to_json (plan));
      json_builder_set_member_name (builder, "actual");
      json_builder_add_value (builder, siyu_campaign_actuals_to_json (actuals));
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  print_plan (plan);
  {
    g_autofree char *day = siyu_day_format (actuals->as_of);
    g_autofree char *gmv = siyu_money_format (actuals->gmv, actuals->currency);
    g_autofree char *target = siyu_money_format (actuals->target, actuals->currency);
    g_autofree char *progress = siyu_percent_format (actuals->progress);
    g_autofree char *segment_h = siyu_cli_pad (_("Segment"), 32);

    g_print ("\n");
    /* Translators: %s is a date. */
    g_print (_("Planned against actual as of %s\n"), day);
    /* Translators: the sales so far, the target, and the share of it reached. */
    g_print (_("GMV %s of %s (%s); %lld orders from %lld buyers, %lld buyers planned\n"), gmv, target, progress,
             (long long) actuals->orders, (long long) actuals->buyers, (long long) actuals->buyers_needed);
    {
      g_autofree char *h1 = pad_left (_("Planned"), 8);
      g_autofree char *h2 = pad_left (_("Touches"), 8);
      g_autofree char *h3 = pad_left (_("Reached"), 8);
      g_autofree char *h4 = pad_left (_("Bought"), 8);
      g_autofree char *h5 = pad_left (_("Net sales"), 16);
      g_autofree char *h6 = pad_left (_("Uplift"), 9);

      g_print ("\n  %s %s %s %s %s %s %s\n", segment_h, h1, h2, h3, h4, h5, h6);
    }
    for (guint p = 0; p < actuals->phases->len; p++)
      {
        SiyuCampaignActualPhase *phase = g_ptr_array_index (actuals->phases, p);

        g_print ("%s\n", siyu_campaign_phase_kind_get_label (phase->kind));
        for (guint t = 0; t < phase->targets->len; t++)
          {
            SiyuCampaignActualTarget *target_row = g_ptr_array_index (phase->targets, t);
            g_autofree char *name = siyu_cli_pad (target_row->segment_name, 32);
            g_autofree char *net_text = siyu_money_format (target_row->net, actuals->currency);
            g_autofree char *uplift_text = target_row->has_holdout
                                           ? g_strdup_printf ("%+.1f", 100.0 * target_row->uplift) : g_strdup ("—");
            g_autofree char *net = pad_left (net_text, 16);
            g_autofree char *uplift = pad_left (uplift_text, 9);

            g_print ("  %s %8lld %8lld %8lld %8lld %s %s\n", name, (long long) target_row->planned_reach,
                     (long long) target_row->touches, (long long) target_row->reached,
                     (long long) target_row->bought, net, uplift);
          }
      }
  }

  return SIYU_CLI_OK;
}

static int
campaign_delete (SiyuShop   *shop,
                 const char *which)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  gint64 id;

  if ((id = siyu_campaign_lookup (shop, which, &error)) == 0 ||
      (plan = siyu_campaign_load (shop, id, &error)) == NULL ||
      !siyu_campaign_delete (shop, id, &error))
    return siyu_cli_fail (error);
  g_print (_("Deleted the campaign “%s”.\n"), plan->name);

  return SIYU_CLI_OK;
}

int
siyu_cli_campaign (int    argc,
                   char **argv)
{
  static const char * const actions[] = { "plan", "list", "show", "delete", NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *db = NULL;
  g_autofree char *target = NULL;
  g_autofree char *day = NULL;
  g_autofree char *end = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *split = NULL;
  g_autofree char *save = NULL;
  g_autofree char *as_of = NULL;
  gboolean json = FALSE;
  const char *action;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target, N_("The GMV target in major units, such as 200000 (plan)"), N_("AMOUNT") },
    { "day", 0, 0, G_OPTION_ARG_STRING, &day, N_("The sale day (plan)"), N_("YYYY-MM-DD") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("The sale's last day, if it lasts several days (plan)"), N_("YYYY-MM-DD") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("Only this channel's sales (plan)"), N_("NAME") },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The reference window instead of the same days a year earlier (plan)"), N_("START:END") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, N_("How to split the gap over the stages instead of by expected buyers (plan)"), N_("STAGE=WEIGHT,…") },
    { "save", 0, 0, G_OPTION_ARG_STRING, &save, N_("Save the plan as a campaign with this name (plan)"), N_("NAME") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Count actual figures up to this day (show)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("campaign", _("plan | list | show ID|NAME | delete ID|NAME"),
                                     _("Plan a campaign from a GMV target: the buyers it needs, the buyers the "
                                       "lifecycle stages are expected to bring, the gap and how many contacts of "
                                       "each stage to reach, with the seeding, growing, harvest and nurturing "
                                       "phases; save it, list the campaigns, show one planned against actual, or "
                                       "delete one."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("campaign", _("say what to do: plan, list, show or delete"));
  action = argv[1];
  if (!g_strv_contains (actions, action))
    return siyu_cli_usage_error ("campaign", _("“%s” is not plan, list, show or delete"), action);
  if ((g_str_equal (action, "plan") || g_str_equal (action, "list")) && argc != 2)
    return siyu_cli_usage_error ("campaign", _("unexpected argument “%s”"), argv[2]);
  if ((g_str_equal (action, "show") || g_str_equal (action, "delete")) && argc != 3)
    return siyu_cli_usage_error ("campaign", _("%s takes the number or name of a campaign"), action);
  if (g_str_equal (action, "plan"))
    {
      if (target == NULL || day == NULL)
        return siyu_cli_usage_error ("campaign", _("plan needs --target and --day"));
    }
  else if (target != NULL || day != NULL || end != NULL || channel != NULL || reference != NULL || split != NULL ||
           save != NULL)
    return siyu_cli_usage_error ("campaign", _("--target, --day, --end, --channel, --reference, --split and --save are "
                                               "for plan"));
  if (as_of != NULL && !g_str_equal (action, "show"))
    return siyu_cli_usage_error ("campaign", _("--as-of is for show"));

  shop = siyu_cli_open_shop_counted ("campaign", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "plan"))
    return campaign_plan (shop, target, day, end, channel, reference, split, save, json);
  if (g_str_equal (action, "list"))
    return campaign_list (shop, json);
  if (g_str_equal (action, "show"))
    return campaign_show (shop, argv[2], as_of, json);

  return campaign_delete (shop, argv[2]);
}
