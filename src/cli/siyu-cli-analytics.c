/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-cli.h"
#include "siyu-contacts.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-prediction.h"
#include "siyu-recompute.h"
#include "siyu-text.h"
#include "siyu-time.h"

/* Opens the shop of @command, parses --as-of and computes every analytic. */
static SiyuAnalytics *
compute_for (const char  *command,
             SiyuShop    *shop,
             const char  *as_of_text,
             int         *exit_code)
{
  g_autoptr(GError) error = NULL;
  SiyuAnalytics *analytics;
  SiyuDay as_of = siyu_shop_get_today (shop);

  if (as_of_text != NULL && !siyu_day_parse (as_of_text, &as_of))
    {
      *exit_code = siyu_cli_usage_error (command, _("“%s” is not a date; write it as YYYY-MM-DD"), as_of_text);
      return NULL;
    }

  analytics = siyu_analytics_compute (shop, as_of, siyu_cli_progress, (gpointer) _("Computing"), NULL, &error);
  siyu_cli_progress_done ();
  if (analytics == NULL)
    *exit_code = siyu_cli_fail (error);

  return analytics;
}

static gboolean
check_date_option (const char *command,
                   const char *text,
                   int        *exit_code)
{
  SiyuDay day;

  if (text == NULL || siyu_day_parse (text, &day))
    return TRUE;

  *exit_code = siyu_cli_usage_error (command, _("“%s” is not a date; write it as YYYY-MM-DD"), text);
  return FALSE;
}

typedef const char *(*NameFunc) (guint value);

static void
print_int (const char *label,
           gint64      value)
{
  g_autofree char *padded = siyu_cli_pad (label, 24);

  g_print ("  %s %" G_GINT64_FORMAT "\n", padded, value);
}

static void
print_text (const char *label,
            const char *value)
{
  g_autofree char *padded = siyu_cli_pad (label, 24);

  g_print ("  %s %s\n", padded, value);
}

/* Prints the counts of a JSON object keyed by machine names, one line per
 * value in enum order, labelled for a person. */
static void
print_counts (JsonObject *counts,
              guint       first,
              guint       n,
              NameFunc    to_string,
              NameFunc    get_label)
{
  for (guint v = first; v < n; v++)
    print_int (get_label (v), json_object_get_int_member (counts, to_string (v)));
}

#define PRINT_COUNTS(counts, first, n, prefix) \
  print_counts (counts, first, n, (NameFunc) prefix##_to_string, (NameFunc) prefix##_get_label)

static void
print_ratio (const char *label,
             JsonObject *object,
             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    print_text (label, "—");
  else
    print_text (label, (text = g_strdup_printf ("%.1f %%", 100.0 * json_node_get_double (node))));
}

static void
print_period (const char *title,
              JsonObject *period,
              const char *currency)
{
  JsonNode *aov = json_object_get_member (period, "aov");
  g_autofree char *net = siyu_money_format (json_object_get_int_member (period, "net_sales"), currency);

  g_print ("%s (%s … %s)\n", title,
           json_object_get_string_member (period, "first_day"),
           json_object_get_string_member (period, "last_day"));
  print_int (_("Buyers:"), json_object_get_int_member (period, "buyers"));
  print_text (_("Net sales:"), net);
  print_ratio (_("Repurchase rate:"), period, "repurchase_rate");
  print_ratio (_("Member share of sales:"), period, "member_share");
  if (JSON_NODE_HOLDS_NULL (aov))
    print_text (_("Average order value:"), "—");
  else
    {
      g_autofree char *text = siyu_money_format ((gint64) (json_node_get_double (aov) + 0.5), currency);
      print_text (_("Average order value:"), text);
    }
}

static void
print_fast (const char *title,
            JsonObject *fast)
{
  g_print ("%s\n", title);
  PRINT_COUNTS (json_object_get_object_member (fast, "aipl"), 1, SIYU_N_AIPL_STAGES, siyu_aipl_stage);
  print_int (_("F, all in AIPL:"), json_object_get_int_member (fast, "fertility"));
  print_ratio (_("A, moved deeper:"), fast, "advancing");
  print_int (_("S, in Loyalty:"), json_object_get_int_member (fast, "superiority"));
  print_ratio (_("T, Loyalty active:"), fast, "thriving");
}

static void
print_summary (JsonObject *summary,
               const char *currency)
{
  JsonObject *before = json_object_get_object_member (summary, "stages_month_before");
  JsonObject *rfm = json_object_get_object_member (summary, "rfm");
  JsonObject *pyramid = json_object_get_object_member (summary, "pyramid");
  JsonObject *suggested = json_object_get_object_member (summary, "suggested_thresholds");
  JsonArray *tiers = json_object_get_array_member (summary, "tiers");
  JsonNode *dormant = json_object_get_member (suggested, "dormant_days");

  g_print ("%s %s\n\n", _("As of"), json_object_get_string_member (summary, "as_of"));
  g_print ("%s\n", _("Lifecycle stages:"));
  PRINT_COUNTS (json_object_get_object_member (summary, "stages"), 0, SIYU_N_STAGES, siyu_stage);
  g_print ("%s %s:\n", _("Lifecycle stages on"), json_object_get_string_member (before, "as_of"));
  PRINT_COUNTS (json_object_get_object_member (before, "counts"), 0, SIYU_N_STAGES, siyu_stage);

  g_print ("\n%s %" G_GINT64_FORMAT "\n", _("RFM segments; buyers scored:"),
           json_object_get_int_member (rfm, "scored"));
  PRINT_COUNTS (json_object_get_object_member (rfm, "segments"), 1, SIYU_N_RFM_SEGMENTS, siyu_rfm_segment);

  g_print ("\n%s\n", _("Member tiers:"));
  for (guint i = 0; i < json_array_get_length (tiers); i++)
    {
      JsonObject *tier = json_array_get_object_element (tiers, i);
      g_autofree char *threshold = siyu_money_format (json_object_get_int_member (tier, "threshold"), currency);

      g_print ("  %-12s %-11s %" G_GINT64_FORMAT "\n", json_object_get_string_member (tier, "name"),
               threshold, json_object_get_int_member (tier, "members"));
    }

  g_print ("\n%s %" G_GINT64_FORMAT "\n", _("Pyramid; buyers of the last 365 days:"),
           json_object_get_int_member (pyramid, "buyers"));
  PRINT_COUNTS (json_object_get_object_member (pyramid, "levels"), 1, SIYU_N_PYRAMID_LEVELS, siyu_pyramid_level);
  print_ratio (_("Pareto share:"), pyramid, "pareto_share");

  g_print ("\n");
  print_fast (_("AIPL and FAST, month to date:"), json_object_get_object_member (summary, "fast"));
  print_fast (_("AIPL and FAST, month before:"), json_object_get_object_member (summary, "fast_month_before"));

  g_print ("\n");
  print_period (_("Month to date"), json_object_get_object_member (summary, "month_to_date"), currency);
  print_period (_("Month before"), json_object_get_object_member (summary, "month_before"), currency);

  g_print ("\n");
  if (JSON_NODE_HOLDS_NULL (dormant))
    g_print ("%s\n", _("Suggested thresholds: none yet (no customer has bought twice)."));
  else
    g_print (_("Suggested thresholds: dormant after %d days, lost after %d days (80 %% and 95 %% of %d repeat-purchase gaps).\n"),
             (int) json_node_get_int (dormant), (int) json_object_get_int_member (suggested, "lost_days"),
             (int) json_object_get_int_member (suggested, "gaps"));
}

int
siyu_cli_analytics (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of = NULL;
  gboolean json = FALSE;
  SiyuDay day;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute as of this day (default: today, or the last day of a demo shop); other days are shown, not stored"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("analytics", NULL,
                                     _("Recompute lifecycle stages, RFM, member tiers, the participation pyramid, AIPL and FAST, and print the shop-level figures. Amounts in JSON are in minor units (fen, cents)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("analytics", _("unexpected argument “%s”"), argv[1]);
  if (!check_date_option ("analytics", as_of, &rc))
    return rc;

  shop = siyu_cli_open_shop ("analytics", db, &rc);
  if (shop == NULL)
    return rc;

  /* What is stored is what views and segments show: the shop as of its
   * own day.  Other days are computed and shown only. */
  if (as_of == NULL || siyu_day_parse (as_of, &day) == FALSE || day == siyu_shop_get_today (shop))
    {
      gboolean done = siyu_recompute (shop, siyu_shop_get_today (shop), siyu_cli_progress,
                                      (gpointer) _("Computing"), NULL, &analytics, &error);

      siyu_cli_progress_done ();
      if (!done)
        return siyu_cli_fail (error);
    }
  else
    {
      analytics = compute_for ("analytics", shop, as_of, &rc);
      if (analytics == NULL)
        return rc;
    }

  if (json)
    siyu_cli_print_json (siyu_analytics_get_summary (analytics));
  else
    print_summary (json_node_get_object (siyu_analytics_get_summary (analytics)),
                   siyu_shop_get_currency (shop));

  return SIYU_CLI_OK;
}

typedef enum {
  FIELD_ID, FIELD_NAME, FIELD_PHONE, FIELD_EMAIL, FIELD_STAGE, FIELD_RFM_R, FIELD_RFM_F, FIELD_RFM_M,
  FIELD_RFM_R_SCORE, FIELD_RFM_F_SCORE, FIELD_RFM_M_SCORE, FIELD_RFM_SEGMENT, FIELD_TIER, FIELD_TIER_GAP,
  FIELD_PYRAMID, FIELD_AIPL, FIELD_ORDERS, FIELD_NET_SPEND, FIELD_FIRST_ORDER, FIELD_LAST_ORDER,
  FIELD_P_ALIVE, FIELD_EXP_ORDERS_90D, FIELD_EXP_ORDER_VALUE, FIELD_VALUE_12M, FIELD_NEXT_DUE,
  N_FIELDS
} Field;

static const char * const field_names[] = {
  "id", "name", "phone", "email", "stage", "rfm_r", "rfm_f", "rfm_m", "rfm_r_score", "rfm_f_score",
  "rfm_m_score", "rfm_segment", "tier", "tier_gap", "pyramid", "aipl", "orders", "net_spend",
  "first_order", "last_order", "p_alive", "exp_orders_90d", "exp_order_value", "value_12m", "next_due", NULL
};

typedef struct {
  gboolean  is_int;
  gboolean  is_real;
  gint64    number;
  double    real;
  char     *text;     /* NULL with neither number: no value */
} Value;

static void
value_for (SiyuAnalytics               *analytics,
           const SiyuContactMetrics    *m,
           const SiyuContactPrediction *p,
           const SiyuContactBasics     *contact,
           Field                        field,
           Value                       *value)
{
  value->is_int = FALSE;
  value->is_real = FALSE;
  value->text = NULL;

#define INT(x) G_STMT_START { value->is_int = TRUE; value->number = (x); } G_STMT_END
#define TEXT(x) G_STMT_START { const char *t_ = (x); value->text = t_ != NULL ? g_strdup (t_) : NULL; } G_STMT_END
#define REAL(x) G_STMT_START { double r_ = (x); if (p != NULL && !isnan (r_)) { value->is_real = TRUE; value->real = r_; } } G_STMT_END
#define MONEY(x) G_STMT_START { double r_ = (x); if (p != NULL && !isnan (r_)) INT (llround (r_)); } G_STMT_END

  switch (field)
    {
    case FIELD_ID: INT (m->contact_id); break;
    case FIELD_NAME: TEXT (contact->name); break;
    case FIELD_PHONE: TEXT (contact->phone); break;
    case FIELD_EMAIL: TEXT (contact->email); break;
    case FIELD_STAGE: TEXT (siyu_stage_to_string (m->stage)); break;
    case FIELD_RFM_R: if (m->rfm_r >= 0) INT (m->rfm_r); break;
    case FIELD_RFM_F: if (m->rfm_r >= 0) INT (m->rfm_f); break;
    case FIELD_RFM_M: if (m->rfm_r >= 0) INT (m->rfm_m); break;
    case FIELD_RFM_R_SCORE: if (m->rfm_r >= 0) INT (m->rfm_r_score); break;
    case FIELD_RFM_F_SCORE: if (m->rfm_r >= 0) INT (m->rfm_f_score); break;
    case FIELD_RFM_M_SCORE: if (m->rfm_r >= 0) INT (m->rfm_m_score); break;
    case FIELD_RFM_SEGMENT: TEXT (siyu_rfm_segment_to_string (m->rfm_segment)); break;
    case FIELD_TIER: TEXT (m->tier_id > 0 ? siyu_analytics_tier_name (analytics, m->tier_id) : NULL); break;
    case FIELD_TIER_GAP: if (m->tier_gap >= 0) INT (m->tier_gap); break;
    case FIELD_PYRAMID: TEXT (siyu_pyramid_level_to_string (m->pyramid)); break;
    case FIELD_AIPL: TEXT (siyu_aipl_stage_to_string (m->aipl)); break;
    case FIELD_ORDERS: INT (m->orders); break;
    case FIELD_NET_SPEND: INT (m->net_spend); break;
    case FIELD_FIRST_ORDER: if (m->first_order != SIYU_DAY_INVALID) value->text = siyu_day_format (m->first_order); break;
    case FIELD_LAST_ORDER: if (m->last_order != SIYU_DAY_INVALID) value->text = siyu_day_format (m->last_order); break;
    case FIELD_P_ALIVE: REAL (p != NULL ? p->p_alive : NAN); break;
    case FIELD_EXP_ORDERS_90D: REAL (p != NULL ? p->exp_orders_90d : NAN); break;
    case FIELD_EXP_ORDER_VALUE: MONEY (p != NULL ? p->exp_order_value : NAN); break;
    case FIELD_VALUE_12M: MONEY (p != NULL ? p->value_12m : NAN); break;
    case FIELD_NEXT_DUE: if (p != NULL && p->next_due != SIYU_DAY_INVALID) value->text = siyu_day_format (p->next_due); break;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }

#undef INT
#undef TEXT
#undef REAL
#undef MONEY
}

static gboolean
parse_fields (const char  *list,
              GArray      *fields,
              char       **bad)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = g_strstrip (names[i]);
      int found = -1;

      for (int f = 0; f < N_FIELDS; f++)
        if (g_str_equal (field_names[f], name))
          found = f;

      if (found < 0)
        {
          *bad = g_strdup (name);
          return FALSE;
        }
      g_array_append_val (fields, found);
    }

  return fields->len > 0;
}

int
siyu_cli_contacts (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *field_list = NULL;
  g_autofree char *format = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GPtrArray) contacts = NULL;
  gboolean json;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute as of this day (default: today, or the last day of a demo shop)"), N_("YYYY-MM-DD") },
    { "fields", 0, 0, G_OPTION_ARG_STRING, &field_list, N_("Comma-separated fields (default id,name,stage,rfm_segment,tier)"), N_("LIST") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv (default) or json"), N_("FORMAT") },
    { NULL }
  };

  summary = g_strdup_printf (_("Print one row per contact with the chosen figures. Fields: %s. Amounts are in minor units (fen, cents)."),
                             "id, name, phone, email, stage, rfm_r, rfm_f, rfm_m, rfm_r_score, rfm_f_score, rfm_m_score, "
                             "rfm_segment, tier, tier_gap, pyramid, aipl, orders, net_spend, first_order, last_order, "
                             "p_alive, exp_orders_90d, exp_order_value, value_12m, next_due");
  context = siyu_cli_option_context ("contacts", NULL, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("contacts", _("unexpected argument “%s”"), argv[1]);
  if (format != NULL && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return siyu_cli_usage_error ("contacts", _("“%s” is not a format; use csv or json"), format);
  if (!parse_fields (field_list != NULL ? field_list : "id,name,stage,rfm_segment,tier", fields, &bad))
    return siyu_cli_usage_error ("contacts", _("“%s” is not a field"), bad != NULL ? bad : "");
  if (!check_date_option ("contacts", as_of, &rc))
    return rc;
  json = format != NULL && g_str_equal (format, "json");

  shop = siyu_cli_open_shop_counted ("contacts", db, &rc);
  if (shop == NULL)
    return rc;

  analytics = compute_for ("contacts", shop, as_of, &rc);
  if (analytics == NULL)
    return rc;

  for (guint f = 0; f < fields->len && prediction == NULL; f++)
    if (g_array_index (fields, int, f) >= FIELD_P_ALIVE)
      {
        prediction = siyu_prediction_compute (shop, analytics, NULL, &error);
        if (prediction == NULL)
          return siyu_cli_fail (error);
      }

  contacts = siyu_contacts_list_basics (shop, &error);
  if (contacts == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }
  else
    {
      for (guint f = 0; f < fields->len; f++)
        {
          if (f > 0)
            g_string_append_c (line, ',');
          siyu_csv_append_cell (line, field_names[g_array_index (fields, int, f)]);
        }
      g_print ("%s\n", line->str);
    }

  for (guint i = 0; i < contacts->len; i++)
    {
      const SiyuContactBasics *contact = g_ptr_array_index (contacts, i);
      const SiyuContactMetrics *m = siyu_analytics_lookup (analytics, contact->id);

      if (m == NULL)
        continue;

      if (json)
        json_builder_begin_object (builder);
      g_string_truncate (line, 0);

      for (guint f = 0; f < fields->len; f++)
        {
          Field field = g_array_index (fields, int, f);
          Value value;

          value_for (analytics, m, prediction != NULL ? siyu_prediction_lookup (prediction, m->contact_id) : NULL,
                     contact, field, &value);
          if (json)
            {
              json_builder_set_member_name (builder, field_names[field]);
              if (value.is_int)
                json_builder_add_int_value (builder, value.number);
              else if (value.is_real)
                json_builder_add_double_value (builder, value.real);
              else if (value.text != NULL)
                json_builder_add_string_value (builder, value.text);
              else
                json_builder_add_null_value (builder);
            }
          else
            {
              if (f > 0)
                g_string_append_c (line, ',');
              if (value.is_int)
                g_string_append_printf (line, "%" G_GINT64_FORMAT, value.number);
              else if (value.is_real)
                {
                  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
                  g_string_append (line, g_ascii_formatd (buffer, sizeof buffer, "%.6f", value.real));
                }
              else if (value.text != NULL && field == FIELD_PHONE)
                {
                  /* As a segment's CSV export writes it: see siyu-export.c. */
                  g_autofree char *national = siyu_phone_national (value.text, siyu_shop_get_phone_region (shop));

                  siyu_csv_append_cell (line, national != NULL ? national : value.text);
                }
              else if (value.text != NULL)
                siyu_csv_append_cell (line, value.text);
            }
          g_free (value.text);
        }

      if (json)
        json_builder_end_object (builder);
      else
        g_print ("%s\n", line->str);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;

      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_cohorts (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of = NULL;
  gboolean json = FALSE;
  JsonArray *cohorts;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, N_("Compute as of this day (default: today, or the last day of a demo shop)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("cohorts", NULL,
                                     _("Print cohort retention: buyers grouped by the month of their first paid order, and the share of each group that bought again in each later month."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("cohorts", _("unexpected argument “%s”"), argv[1]);
  if (!check_date_option ("cohorts", as_of, &rc))
    return rc;

  shop = siyu_cli_open_shop_counted ("cohorts", db, &rc);
  if (shop == NULL)
    return rc;

  analytics = compute_for ("cohorts", shop, as_of, &rc);
  if (analytics == NULL)
    return rc;

  if (json)
    {
      siyu_cli_print_json (siyu_analytics_get_cohorts (analytics));
      return SIYU_CLI_OK;
    }

  cohorts = json_node_get_array (siyu_analytics_get_cohorts (analytics));
  if (json_array_get_length (cohorts) == 0)
    {
      g_print ("%s\n", _("No cohorts yet: no customer has a paid order."));
      return SIYU_CLI_OK;
    }

  /* Translators: column headings of the cohort table: first-purchase month, buyers, then months 0, 1, 2… */
  g_print ("%-8s %7s  %s\n", _("Cohort"), _("Buyers"), _("Share buying in month +0, +1, +2…"));
  for (guint i = 0; i < json_array_get_length (cohorts); i++)
    {
      JsonObject *cohort = json_array_get_object_element (cohorts, i);
      JsonArray *retention = json_object_get_array_member (cohort, "retention");

      g_print ("%-8s %7" G_GINT64_FORMAT " ", json_object_get_string_member (cohort, "cohort"),
               json_object_get_int_member (cohort, "size"));
      for (guint k = 0; k < json_array_get_length (retention); k++)
        g_print (" %5.1f", 100.0 * json_array_get_double_element (retention, k));
      g_print ("\n");
    }

  return SIYU_CLI_OK;
}
