/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-cli.h"
#include "siyu-money.h"
#include "siyu-review.h"
#include "siyu-review-pdf.h"

/* siyu-cli review: the monthly private-domain health review. */

static JsonObject *
object_or_null (JsonObject *object,
                const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A figure of a month as the owner reads it; “—” when it has no base. */
static char *
figure_text (JsonObject *month,
             const char *name,
             const char *currency)
{
  JsonNode *node = month != NULL ? json_object_get_member (month, name) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (g_str_equal (name, "net_sales"))
    return siyu_money_format (json_node_get_int (node), currency);
  if (g_str_equal (name, "aov"))
    return siyu_money_format (llround (json_node_get_double (node)), currency);
  if (g_str_equal (name, "repurchase_rate") || g_str_equal (name, "member_share"))
    return siyu_percent_format (json_node_get_double (node));
  return siyu_count_format (json_node_get_int (node));
}

/* @text right-aligned in @columns, counted in characters, not bytes. */
static char *
align_right (const char *text,
             int         columns)
{
  glong length = g_utf8_strlen (text, -1);
  GString *out = g_string_new (NULL);

  for (glong i = length; i < columns; i++)
    g_string_append_c (out, ' ');
  g_string_append (out, text);

  return g_string_free (out, FALSE);
}

static void
print_review (JsonObject *review,
              const char *currency)
{
  static const struct { const char *name; const char *title; } figures[] = {
    { "contacts", N_("Contacts") },
    { "members", N_("Members") },
    { "new_contacts", N_("New contacts") },
    { "buyers", N_("Buyers") },
    { "new_buyers", N_("New buyers") },
    { "paid_orders", N_("Paid orders") },
    { "net_sales", N_("Net sales") },
    { "repurchase_rate", N_("Repurchase rate") },
    { "member_share", N_("Members’ share of sales") },
    { "aov", N_("Average order value") },
  };
  JsonObject *month = object_or_null (review, "month");
  JsonObject *before = object_or_null (review, "month_before");
  JsonObject *last_year = object_or_null (review, "same_month_last_year");
  JsonObject *stages = object_or_null (review, "stages");
  JsonObject *stages_before = object_or_null (review, "stages_month_before");
  JsonObject *transitions = object_or_null (review, "transitions");
  JsonObject *maturity = object_or_null (review, "maturity");
  JsonArray *cards = json_object_get_array_member (review, "cards");
  JsonArray *groups = json_object_get_array_member (review, "groups");

  /* Translators: the title of the review; %s is a month, such as 2026-10. */
  g_print (_("Private-domain review of %s%s\n\n"), json_object_get_string_member (review, "review"),
           json_object_get_boolean_member (review, "complete") ? "" : _(" (so far)"));
  g_print ("%-26s %14s %14s %14s\n", "", json_object_get_string_member (month, "month"),
           before != NULL ? json_object_get_string_member (before, "month") : "",
           last_year != NULL ? json_object_get_string_member (last_year, "month") : "");
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *now = figure_text (month, figures[i].name, currency);
      g_autofree char *then = before != NULL ? figure_text (before, figures[i].name, currency) : g_strdup ("");
      g_autofree char *year = last_year != NULL ? figure_text (last_year, figures[i].name, currency) : g_strdup ("");
      g_autofree char *title = siyu_cli_pad (_(figures[i].title), 26);
      g_autofree char *now_text = align_right (now, 14);
      g_autofree char *then_text = align_right (then, 14);
      g_autofree char *year_text = align_right (year, 14);

      g_print ("%s %s %s %s\n", title, now_text, then_text, year_text);
    }

  g_print ("\n%s\n", _("Lifecycle at the month’s end (the month before)"));
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const char *key = siyu_stage_to_string ((SiyuStage) s);
      g_autofree char *title = siyu_cli_pad (siyu_stage_get_label ((SiyuStage) s), 12);

      g_print ("  %s %8" G_GINT64_FORMAT " (%" G_GINT64_FORMAT ")\n", title,
               stages != NULL ? json_object_get_int_member (stages, key) : 0,
               stages_before != NULL ? json_object_get_int_member (stages_before, key) : 0);
    }
  if (transitions != NULL)
    {
      JsonObject *growing = json_object_get_object_member (transitions, "growing");
      JsonObject *fresh = json_object_get_object_member (transitions, "new");

      g_print (_("  New → Growing %lld, Growing → Dormant %lld, Dormant → Lost %lld\n"),
               (long long) json_object_get_int_member (fresh, "growing"),
               (long long) json_object_get_int_member (growing, "dormant"),
               (long long) json_object_get_int_member (json_object_get_object_member (transitions, "dormant"), "lost"));
    }

  if (groups != NULL && json_array_get_length (groups) > 0)
    {
      g_print ("\n%s\n", _("Community groups: members, joined, left, buyers"));
      for (guint i = 0; i < json_array_get_length (groups); i++)
        {
          JsonObject *group = json_array_get_object_element (groups, i);
          g_autofree char *name = siyu_cli_pad (json_object_get_string_member (group, "name"), 20);

          g_print ("  %s %6lld %6lld %6lld %6lld\n", name,
                   (long long) json_object_get_int_member (group, "members"),
                   (long long) json_object_get_int_member (group, "joined"),
                   (long long) json_object_get_int_member (group, "left"),
                   (long long) json_object_get_int_member (group, "buyers"));
        }
    }

  g_print ("\n%s\n", _("What to do next"));
  if (json_array_get_length (cards) == 0)
    g_print ("  %s\n", _("Nothing calls for action this month."));
  for (guint i = 0; i < json_array_get_length (cards); i++)
    {
      JsonObject *card = json_array_get_object_element (cards, i);

      g_print ("  • %s\n", json_object_get_string_member (card, "text"));
      if (!json_object_get_null_member (card, "segment"))
        /* Translators: under an action card: the segment to export, e.g. “Segment: About to sleep”. */
        g_print (_("    Segment: %s\n"), json_object_get_string_member (card, "segment"));
    }

  /* Translators: the shop's level of data operations, L1 to L5, and the next step. */
  g_print (_("\nData operations: level L%lld. %s\n"), (long long) json_object_get_int_member (maturity, "level"),
           json_object_get_string_member (maturity, "next_step"));
}

int
siyu_cli_review (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) review = NULL;
  g_autofree char *db = NULL;
  g_autofree char *month_text = NULL;
  g_autofree char *pdf = NULL;
  gboolean json = FALSE;
  int year, month, rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "month", 0, 0, G_OPTION_ARG_STRING, &month_text, N_("The month to review (default: the last complete one, or the month of the newest order when it is more than a week old)"), N_("YYYY-MM") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Also write the review as an A4 PDF to FILE"), N_("FILE") },
    { NULL }
  };

  context = siyu_cli_option_context ("review", NULL,
                                     _("The monthly private-domain health review: every figure of the month beside "
                                       "the month before and the same month a year earlier, lifecycle moves, "
                                       "tiers, groups, touches, cohorts, a 12-month trend, what to do next and "
                                       "the shop's level of data operations. Amounts in JSON are in minor units. "
                                       "With --pdf, the review is also written as a PDF with its charts."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("review", _("unexpected argument “%s”"), argv[1]);
  if (month_text != NULL && !siyu_review_parse_month (month_text, &year, &month, &error))
    return siyu_cli_usage_error ("review", "%s", error->message);

  shop = siyu_cli_open_shop_counted ("review", db, &rc);
  if (shop == NULL)
    return rc;
  if (month_text == NULL && !siyu_review_last_month (shop, &year, &month, &error))
    return siyu_cli_fail (error);

  review = siyu_review_compute (shop, year, month, NULL, &error);
  if (review == NULL)
    return siyu_cli_fail (error);
  if (pdf != NULL && !siyu_review_write_pdf (review, pdf, NULL, &error))
    return siyu_cli_fail (error);
  if (json)
    siyu_cli_print_json (review);
  else
    print_review (json_node_get_object (review), siyu_shop_get_currency (shop));
  if (pdf != NULL)
    {
      /* Translators: %s is the PDF file written. */
      g_autofree char *wrote = g_strdup_printf (_("Wrote the review to %s\n"), pdf);

      /* Not on standard output after JSON, which must stay JSON. */
      if (json)
        g_printerr ("%s", wrote);
      else
        g_print ("\n%s", wrote);
    }

  return SIYU_CLI_OK;
}
