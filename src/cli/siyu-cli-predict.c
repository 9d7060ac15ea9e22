/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-cli.h"
#include "siyu-phone.h"
#include "siyu-predict.h"
#include "siyu-prediction.h"
#include "siyu-replenish.h"
#include "siyu-time.h"

static void
add_bgnbd (JsonBuilder     *builder,
           const SiyuBgNbd *bg)
{
  json_builder_set_member_name (builder, "r");
  json_builder_add_double_value (builder, bg->r);
  json_builder_set_member_name (builder, "alpha");
  json_builder_add_double_value (builder, bg->alpha);
  json_builder_set_member_name (builder, "a");
  json_builder_add_double_value (builder, bg->a);
  json_builder_set_member_name (builder, "b");
  json_builder_add_double_value (builder, bg->b);
  json_builder_set_member_name (builder, "log_likelihood");
  json_builder_add_double_value (builder, bg->log_likelihood);
}

/* Fits a CDNOW-format file directly, for comparison with the literature. */
static int
predict_cdnow (const char *path,
               const char *calibration_end,
               gboolean    json)
{
  g_autoptr(GArray) buyers = NULL;
  g_autoptr(GError) error = NULL;
  SiyuBgNbd bg;
  SiyuMbgNbd mbg;
  SiyuGammaGamma gg;
  SiyuDay end;
  gboolean gg_ok;

  if (!siyu_day_parse (calibration_end, &end))
    return siyu_cli_usage_error ("predict", _("“%s” is not a date; write it as YYYY-MM-DD"), calibration_end);

  buyers = siyu_cdnow_read (path, end, &error);
  if (buyers == NULL)
    return siyu_cli_fail (error);

  if (!siyu_bgnbd_fit ((SiyuBuyerHistory *) buyers->data, buyers->len, &bg, &error) ||
      !siyu_mbgnbd_fit ((SiyuBuyerHistory *) buyers->data, buyers->len, &mbg, &error))
    return siyu_cli_fail (error);
  gg_ok = siyu_gamma_gamma_fit ((SiyuBuyerHistory *) buyers->data, buyers->len, &gg, &error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "customers");
      json_builder_add_int_value (builder, buyers->len);
      json_builder_set_member_name (builder, "bgnbd");
      json_builder_begin_object (builder);
      add_bgnbd (builder, &bg);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "mbgnbd");
      json_builder_begin_object (builder);
      add_bgnbd (builder, &mbg);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "gamma_gamma");
      if (gg_ok)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "p");
          json_builder_add_double_value (builder, gg.p);
          json_builder_set_member_name (builder, "q");
          json_builder_add_double_value (builder, gg.q);
          json_builder_set_member_name (builder, "v");
          json_builder_add_double_value (builder, gg.v);
          json_builder_set_member_name (builder, "log_likelihood");
          json_builder_add_double_value (builder, gg.log_likelihood);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }
  else
    {
      g_print (_("Customers: %u\n"), buyers->len);
      g_print ("BG/NBD: r = %.4f, α = %.4f, a = %.4f, b = %.4f (LL %.2f)\n",
               bg.r, bg.alpha, bg.a, bg.b, bg.log_likelihood);
      g_print ("MBG/NBD: r = %.4f, α = %.4f, a = %.4f, b = %.4f (LL %.2f)\n",
               mbg.r, mbg.alpha, mbg.a, mbg.b, mbg.log_likelihood);
      if (gg_ok)
        g_print ("Gamma-Gamma: p = %.4f, q = %.4f, v = %.4f (LL %.2f)\n", gg.p, gg.q, gg.v, gg.log_likelihood);
      else
        g_print ("Gamma-Gamma: %s\n", error->message);
    }

  return SIYU_CLI_OK;
}

static void
print_model (JsonObject         *model,
             const char         *title,
             const char * const *names)
{
  g_print ("%s: ", title);
  if (!g_str_equal (json_object_get_string_member (model, "status"), "ok"))
    {
      g_print ("%s\n", json_object_get_string_member (model, "reason"));
      return;
    }

  for (guint i = 0; names[i] != NULL; i++)
    g_print ("%s = %.4f ", names[i], json_object_get_double_member (model, names[i]));
  g_print ("(LL %.2f)\n", json_object_get_double_member (model, "log_likelihood"));
}

int
siyu_cli_predict (int    argc,
                  char **argv)
{
  static const char * const bg_names[] = { "r", "alpha", "a", "b", NULL };
  static const char * const gg_names[] = { "p", "q", "v", NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of_text = NULL;
  g_autofree char *cdnow = NULL;
  g_autofree char *calibration_end = NULL;
  gboolean json = FALSE;
  JsonObject *summary;
  SiyuDay as_of;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text, N_("Predict from the orders up to this day (default: today, or the last day of a demo shop)"), N_("YYYY-MM-DD") },
    { "cdnow", 0, 0, G_OPTION_ARG_FILENAME, &cdnow, N_("Fit a file in the CDNOW format instead of a shop"), N_("FILE") },
    { "calibration-end", 0, 0, G_OPTION_ARG_STRING, &calibration_end, N_("With --cdnow: the last day of the calibration period (default 1997-09-30)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("predict", NULL,
                                     _("Fit the BG/NBD purchase model and the Gamma-Gamma spend model to the shop’s buyers and print their parameters, fit quality and the buyers used."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("predict", _("unexpected argument “%s”"), argv[1]);

  if (cdnow != NULL)
    {
      if (db != NULL)
        return siyu_cli_usage_error ("predict", _("give either --db or --cdnow, not both"));
      return predict_cdnow (cdnow, calibration_end != NULL ? calibration_end : "1997-09-30", json);
    }

  if (as_of_text != NULL && !siyu_day_parse (as_of_text, &as_of))
    return siyu_cli_usage_error ("predict", _("“%s” is not a date; write it as YYYY-MM-DD"), as_of_text);

  shop = siyu_cli_open_shop_counted ("predict", db, &rc);
  if (shop == NULL)
    return rc;
  if (as_of_text == NULL)
    as_of = siyu_shop_get_today (shop);

  analytics = siyu_analytics_compute (shop, as_of, NULL, NULL, NULL, &error);
  if (analytics == NULL)
    return siyu_cli_fail (error);
  prediction = siyu_prediction_compute (shop, analytics, NULL, &error);
  if (prediction == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      siyu_cli_print_json (siyu_prediction_get_summary (prediction));
      return SIYU_CLI_OK;
    }

  summary = json_node_get_object (siyu_prediction_get_summary (prediction));
  g_print (_("Buyers: %d, of whom %d bought again\n"),
           (int) json_object_get_int_member (summary, "buyers"),
           (int) json_object_get_int_member (summary, "repeat_buyers"));
  print_model (json_object_get_object_member (summary, "mbgnbd"), _("Purchases (modified BG/NBD)"), bg_names);
  print_model (json_object_get_object_member (summary, "gamma_gamma"), _("Spend (Gamma-Gamma)"), gg_names);
  g_print (_("Replenishment: %d products bought often enough to time, %d buyer–product pairs\n"),
           (int) json_object_get_int_member (json_object_get_object_member (summary, "replenishment"), "products"),
           (int) json_object_get_int_member (json_object_get_object_member (summary, "replenishment"), "buyers_due"));

  return SIYU_CLI_OK;
}

int
siyu_cli_replenish (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *db = NULL;
  g_autofree char *as_of_text = NULL;
  int within = 7;
  gboolean json = FALSE;
  SiyuDay as_of;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "within", 0, 0, G_OPTION_ARG_INT, &within, N_("List buyers due in the next DAYS days (default 7)"), N_("DAYS") },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_text, N_("Count from this day (default: today, or the last day of a demo shop)"), N_("YYYY-MM-DD") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("replenish", NULL,
                                     _("List the buyers due to run out of a product they buy again and again: their last purchase of it plus the product’s median gap between purchases (products with at least 20 such gaps)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("replenish", _("unexpected argument “%s”"), argv[1]);
  if (within < 0 || within > 366)
    return siyu_cli_usage_error ("replenish", _("--within takes a number of days from 0 to 366"));
  if (as_of_text != NULL && !siyu_day_parse (as_of_text, &as_of))
    return siyu_cli_usage_error ("replenish", _("“%s” is not a date; write it as YYYY-MM-DD"), as_of_text);

  shop = siyu_cli_open_shop_counted ("replenish", db, &rc);
  if (shop == NULL)
    return rc;
  if (as_of_text == NULL)
    as_of = siyu_shop_get_today (shop);

  analytics = siyu_analytics_compute (shop, as_of, NULL, NULL, NULL, &error);
  if (analytics == NULL)
    return siyu_cli_fail (error);
  prediction = siyu_prediction_compute (shop, analytics, NULL, &error);
  if (prediction == NULL)
    return siyu_cli_fail (error);

  due = siyu_prediction_due_between (prediction, as_of, as_of + within);

  rows = siyu_replenishments_describe (shop, (const SiyuReplenishment *) (gpointer) due->data, due->len, &error);
  if (rows == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }
  else if (due->len == 0)
    g_print (_("Nobody is due in the next %d days.\n"), within);

  for (guint i = 0; i < rows->len; i++)
    {
      const SiyuDueRow *r = g_ptr_array_index (rows, i);
      g_autofree char *day = siyu_day_format (r->due);
      g_autofree char *last = siyu_day_format (r->last_purchase);
      g_autofree char *masked = NULL;

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "contact_id");
          json_builder_add_int_value (builder, r->contact_id);
          json_builder_set_member_name (builder, "sku");
          json_builder_add_string_value (builder, r->sku);
          json_builder_set_member_name (builder, "last_purchase");
          json_builder_add_string_value (builder, last);
          json_builder_set_member_name (builder, "interval_days");
          json_builder_add_int_value (builder, r->interval_days);
          json_builder_set_member_name (builder, "due");
          json_builder_add_string_value (builder, day);
          json_builder_end_object (builder);
        }
      else
        {
          masked = siyu_phone_mask (r->phone);
          g_print ("%s  %s  %s  %s\n", day, r->name != NULL ? r->name : "—", masked != NULL ? masked : "—",
                   r->product);
        }
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
