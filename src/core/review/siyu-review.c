/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-review"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-analytics.h"
#include "siyu-export.h"
#include "siyu-freshness.h"
#include "siyu-review.h"
#include "siyu-time.h"

/* The monthly private-domain health review (shared/ANALYTICS.md "Shop
 * health"): every figure of a calendar month m beside m − 1 and, where the
 * data reaches, the same month a year earlier; stage counts at the month's
 * end and the stage-to-stage transitions from the end of m − 1; tier moves;
 * RFM, pyramid, AIPL and FAST; community groups; the touches of the month
 * with their uplift; cohort retention; a 12-month trend; action cards; and
 * the shop's level of data operations.
 *
 * Choices where the specification leaves room:
 * - the figures of a month are those of the analytics computed as of the
 *   month's last day (or today, for the month in progress), so stages,
 *   scores and tiers are the ones the shop had then;
 * - a ratio without a base (no buyers, no orders) is null, never a
 *   division by zero; the CLI prints “—” with the reason;
 * - tier moves compare each member's tier at the end of m − 1 and of m:
 *   up or down by the tiers' order;
 * - “close to the next tier” is a gap below 20 % of the next tier's
 *   threshold, as on the Overview;
 * - action cards fire by the thresholds of data/review/rules.json; their
 *   words are here, to be translated;
 * - the data-maturity levels: L1 orders only; L2 buyers known by phone
 *   (most buyers are contacts with a phone); L3 a membership programme or
 *   community groups; L4 interactions recorded (events); L5 touches
 *   measured against a holdout.
 *
 * Speed (the large demo): everything that counts orders reads the shop's
 * one snapshot (siyu-snapshot.c).  Analytics are computed twice, not three
 * times: as of the month's end and as of the month before's end; the same
 * month a year earlier needs only its headline figures, counted from the
 * snapshot with the same definitions; the trend, new buyers and repeat
 * buyers come from one pass over each contact's orders and first paid
 * order.
 */

#define RULES_PATH "/io/github/siyu/core/review/rules.json"
#define TREND_MONTHS 12

G_DEFINE_QUARK (siyu-review-error-quark, siyu_review_error)

gboolean
siyu_review_parse_month (const char  *text,
                         int         *year,
                         int         *month,
                         GError     **error)
{
  int y, m, n = 0;

  if (text == NULL || sscanf (text, "%4d-%2d%n", &y, &m, &n) != 2 || text[n] != '\0' ||
      strlen (text) != 7 || y < 1970 || y > 9999 || m < 1 || m > 12)
    {
      g_set_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_INVALID,
                   _("“%s” is not a month; write it as YYYY-MM, such as 2026-10."), text != NULL ? text : "");
      return FALSE;
    }
  *year = y;
  *month = m;

  return TRUE;
}

/* The month a review opens on: the last complete month before the shop's
 * today, or, when the shop's data is old (ANALYTICS.md "Freshness"), the
 * month of its newest order, the last month that has data. */
gboolean
siyu_review_last_month (SiyuShop  *shop,
                        int       *year,
                        int       *month,
                        GError   **error)
{
  SiyuFreshness freshness;
  int y, m, d;

  if (!siyu_freshness_get (shop, &freshness, error))
    return FALSE;
  if (freshness.stale)
    {
      siyu_day_to_ymd (freshness.last_day, year, month, &d);
      return TRUE;
    }

  siyu_day_to_ymd (freshness.today, &y, &m, &d);
  if (--m == 0)
    {
      m = 12;
      y--;
    }
  *year = y;
  *month = m;

  return TRUE;
}

static SiyuDay
month_first (int year,
             int month)
{
  return siyu_day_from_ymd (year, month, 1);
}

static SiyuDay
month_last (int year,
            int month)
{
  return month == 12 ? siyu_day_from_ymd (year + 1, 1, 1) - 1 : siyu_day_from_ymd (year, month + 1, 1) - 1;
}

static void
shift_month (int *year,
             int *month,
             int  by)
{
  int index = *year * 12 + (*month - 1) + by;

  *year = index / 12;
  *month = index % 12 + 1;
}

static char *
month_name (int year,
            int month)
{
  return g_strdup_printf ("%04d-%02d", year, month);
}

static void
add_ratio (JsonBuilder *builder,
           const char  *name,
           double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
copy_member (JsonBuilder *builder,
             JsonObject  *object,
             const char  *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  json_builder_set_member_name (builder, name);
  if (node != NULL)
    json_builder_add_value (builder, json_node_copy (node));
  else
    json_builder_add_null_value (builder);
}

/* The headline figures of one month, from the analytics as of its end. */
/* Contacts first seen in the month and not erased for privacy. */
static gint64
count_new_contacts (SiyuSnapshot *snapshot,
                    SiyuDay       first,
                    SiyuDay       last)
{
  gint64 count = 0;

  for (guint i = 0; i < snapshot->n_people; i++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[i];

      count += person->seen >= first && person->seen <= last && !person->erased;
    }

  return count;
}

static void
add_month_figures (JsonBuilder    *builder,
                   const char     *member,
                   SiyuAnalytics  *analytics,
                   int             year,
                   int             month,
                   gint64          new_buyers)
{
  JsonObject *summary = json_node_get_object (siyu_analytics_get_summary (analytics));
  JsonObject *period = json_object_get_object_member (summary, "month_to_date");
  g_autofree char *name = month_name (year, month);

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "month");
  json_builder_add_string_value (builder, name);
  copy_member (builder, summary, "contacts");
  copy_member (builder, summary, "members");
  add_int (builder, "new_contacts", count_new_contacts (siyu_analytics_get_snapshot (analytics),
                                                        month_first (year, month), month_last (year, month)));
  copy_member (builder, period, "buyers");
  add_int (builder, "new_buyers", new_buyers);
  copy_member (builder, period, "paid_orders");
  copy_member (builder, period, "net_sales");
  copy_member (builder, period, "repurchase_rate");
  copy_member (builder, period, "member_share");
  copy_member (builder, period, "aov");
  json_builder_end_object (builder);
}

/* The headline figures of a complete month straight from the snapshot, the
 * same as add_month_figures () reads from analytics computed as of the
 * month's last day (contacts and members seen by then, the month's buyers
 * among them, repeat buyers, members' net), without computing them: for
 * the same month a year earlier, which needs nothing else. */
static void
add_month_figures_direct (JsonBuilder  *builder,
                          const char   *member,
                          SiyuSnapshot *snapshot,
                          int           year,
                          int           month,
                          gint64        new_buyers)
{
  SiyuDay first = month_first (year, month);
  SiyuDay last = month_last (year, month);
  g_autofree char *name = month_name (year, month);
  gint64 contacts = 0, members = 0, orders = 0, net = 0, buyers = 0, repeat = 0, member_net = 0;

  for (guint i = 0; i < snapshot->n_people; i++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[i];
      guint before = siyu_snapshot_orders_until (snapshot, person, first - 1);
      guint by_end = siyu_snapshot_orders_until (snapshot, person, last);
      gboolean seen = person->seen <= last;
      gboolean is_member = seen && person->member != SIYU_DAY_INVALID && person->member <= last;
      gint64 spent = 0;

      contacts += seen;
      members += is_member;
      for (guint k = before; k < by_end; k++)
        spent += snapshot->order_nets[person->order_start + k];
      orders += by_end - before;
      net += spent;
      if (seen && by_end > before)
        {
          buyers++;
          repeat += before > 0;
          if (is_member)
            member_net += spent;
        }
    }
  for (guint k = 0; k < snapshot->n_anonymous; k++)
    if (snapshot->anonymous_days[k] >= first && snapshot->anonymous_days[k] <= last)
      {
        orders++;
        net += snapshot->anonymous_nets[k];
      }

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "month");
  json_builder_add_string_value (builder, name);
  add_int (builder, "contacts", contacts);
  add_int (builder, "members", members);
  add_int (builder, "new_contacts", count_new_contacts (snapshot, first, last));
  add_int (builder, "buyers", buyers);
  add_int (builder, "new_buyers", new_buyers);
  add_int (builder, "paid_orders", orders);
  add_int (builder, "net_sales", net);
  add_ratio (builder, "repurchase_rate", buyers > 0 ? (double) repeat / (double) buyers : NAN);
  add_ratio (builder, "member_share", net > 0 ? (double) member_net / (double) net : NAN);
  add_ratio (builder, "aov", orders > 0 ? (double) net / (double) orders : NAN);
  json_builder_end_object (builder);
}

static int
tier_position (JsonArray *tiers,
               gint64     tier_id)
{
  for (guint i = 0; tiers != NULL && i < json_array_get_length (tiers); i++)
    if (json_object_get_int_member (json_array_get_object_element (tiers, i), "id") == tier_id)
      return (int) i;
  return -1;
}

typedef struct {
  gint64 transitions[SIYU_N_STAGES][SIYU_N_STAGES];
  gint64 growing_start;
  gint64 tier_ups;
  gint64 tier_downs;
  GArray *close;        /* gint64 per tier: members within 20 % of the next */
} Moves;

static void
count_moves (SiyuAnalytics *now,
             SiyuAnalytics *before,
             JsonArray     *tiers,
             Moves         *moves)
{
  guint n_tiers = tiers != NULL ? json_array_get_length (tiers) : 0;

  moves->close = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (moves->close, n_tiers);

  for (guint i = 0; i < siyu_analytics_get_n_contacts (now); i++)
    {
      const SiyuContactMetrics *m = siyu_analytics_get_contact (now, i);
      const SiyuContactMetrics *b = before != NULL ? siyu_analytics_lookup (before, m->contact_id) : NULL;
      int position = m->tier_id > 0 ? tier_position (tiers, m->tier_id) : -1;

      if (m->erased)
        continue;
      if (position >= 0 && (guint) position + 1 < n_tiers && m->tier_gap > 0)
        {
          gint64 next = json_object_get_int_member (json_array_get_object_element (tiers, position + 1), "threshold");

          if (m->tier_gap * 5 < next)
            g_array_index (moves->close, gint64, position)++;
        }
      if (b == NULL || b->erased)
        continue;
      moves->transitions[b->stage][m->stage]++;
      if (b->stage == SIYU_STAGE_GROWING)
        moves->growing_start++;
      if (m->tier_id > 0 && b->tier_id > 0)
        {
          int was = tier_position (tiers, b->tier_id);

          if (position > was)
            moves->tier_ups++;
          else if (position < was)
            moves->tier_downs++;
        }
      else if (m->tier_id > 0 && b->tier_id == 0)
        moves->tier_ups++;
    }
}

static void
add_transitions (JsonBuilder *builder,
                 const Moves *moves)
{
  json_builder_set_member_name (builder, "transitions");
  json_builder_begin_object (builder);
  for (int from = 0; from < SIYU_N_STAGES; from++)
    {
      json_builder_set_member_name (builder, siyu_stage_to_string ((SiyuStage) from));
      json_builder_begin_object (builder);
      for (int to = 0; to < SIYU_N_STAGES; to++)
        add_int (builder, siyu_stage_to_string ((SiyuStage) to), moves->transitions[from][to]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/* Per group: members at the month's end, joins and leaves in the month,
 * and the members who bought in it. */
static gboolean
add_groups (JsonBuilder  *builder,
            SiyuShop     *shop,
            gint64        start,
            gint64        end,
            GError      **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db,
    "SELECT g.name, "
    "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id AND m.joined_at < ?2 "
    "     AND (m.left_at IS NULL OR m.left_at >= ?2)), "
    "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id AND m.joined_at >= ?1 AND m.joined_at < ?2), "
    "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id AND m.left_at >= ?1 AND m.left_at < ?2), "
    "  (SELECT count (DISTINCT m.contact_id) FROM group_members m JOIN orders o ON o.contact_id = m.contact_id "
    "     WHERE m.group_id = g.id AND m.joined_at < ?2 AND (m.left_at IS NULL OR m.left_at >= ?2) "
    "     AND o.status IN ('paid', 'partially_refunded') AND o.created_at >= ?1 AND o.created_at < ?2), "
    "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id AND m.joined_at < ?1 "
    "     AND (m.left_at IS NULL OR m.left_at >= ?1)), "
    "  g.id "
    "FROM community_groups g WHERE g.archived_at IS NULL OR g.archived_at >= ?1 ORDER BY g.name", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, end);
  json_builder_set_member_name (builder, "groups");
  json_builder_begin_array (builder);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
      add_int (builder, "members", sqlite3_column_int64 (stmt, 1));
      add_int (builder, "joined", sqlite3_column_int64 (stmt, 2));
      add_int (builder, "left", sqlite3_column_int64 (stmt, 3));
      add_int (builder, "buyers", sqlite3_column_int64 (stmt, 4));
      add_int (builder, "members_at_start", sqlite3_column_int64 (stmt, 5));
      add_int (builder, "id", sqlite3_column_int64 (stmt, 6));
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  return rc >= 0;
}

static gboolean
add_touches (JsonBuilder  *builder,
             SiyuShop     *shop,
             gint64        start,
             gint64        end,
             GError      **error)
{
  g_autoptr(JsonNode) list = siyu_touches_list (shop, error);
  JsonArray *touches;

  if (list == NULL)
    return FALSE;
  touches = json_node_get_array (list);
  json_builder_set_member_name (builder, "touches");
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (touches); i++)
    {
      JsonObject *touch = json_array_get_object_element (touches, i);
      gint64 at = json_object_has_member (touch, "created_at") ? json_object_get_int_member (touch, "created_at") : 0;
      g_autoptr(JsonNode) whole = NULL;

      if (at < start || at >= end)
        continue;
      whole = siyu_touch_get (shop, json_object_get_int_member (touch, "id"), error);
      if (whole == NULL)
        return FALSE;
      json_builder_add_value (builder, g_steal_pointer (&whole));
    }
  json_builder_end_array (builder);

  return TRUE;
}

/* Buyers whose first paid order (any currency) fell in each of the three
 * months. */
static void
count_new_buyers (SiyuSnapshot *snapshot,
                  const int     years[3],
                  const int     months[3],
                  gint64        counts[3])
{
  for (int m = 0; m < 3; m++)
    {
      SiyuDay first = month_first (years[m], months[m]);
      SiyuDay last = month_last (years[m], months[m]);

      counts[m] = 0;
      for (guint i = 0; i < snapshot->n_people; i++)
        {
          SiyuDay day = snapshot->people[i].first_paid;

          if (day != SIYU_DAY_INVALID && day >= first && day <= last)
            counts[m]++;
        }
    }
}

/* The month of @day among the trend's, by their first days. */
static int
trend_month (const SiyuDay firsts[TREND_MONTHS],
             SiyuDay       day)
{
  int lo = 0, hi = TREND_MONTHS - 1;

  while (lo < hi)
    {
      int mid = (lo + hi + 1) / 2;

      if (firsts[mid] <= day)
        lo = mid;
      else
        hi = mid - 1;
    }

  return lo;
}

/* Net sales, buyers, paid orders and repurchase of each of the 12 months
 * ending with the review's, from the snapshot: a buyer of a month is a
 * repeat buyer when their first paid order came before it. */
static void
add_trend (JsonBuilder  *builder,
           SiyuSnapshot *snapshot,
           int           year,
           int           month)
{
  SiyuDay firsts[TREND_MONTHS], last;
  gint64 buyers[TREND_MONTHS] = { 0 }, orders[TREND_MONTHS] = { 0 }, net[TREND_MONTHS] = { 0 };
  gint64 repeat[TREND_MONTHS] = { 0 };
  int y = year, m = month;

  G_STATIC_ASSERT (TREND_MONTHS <= 16);
  shift_month (&y, &m, 1 - TREND_MONTHS);
  for (int i = 0; i < TREND_MONTHS; i++, shift_month (&y, &m, 1))
    firsts[i] = month_first (y, m);
  last = month_last (year, month);

  for (guint p = 0; p < snapshot->n_people; p++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[p];
      guint from = siyu_snapshot_orders_until (snapshot, person, firsts[0] - 1);
      guint to = siyu_snapshot_orders_until (snapshot, person, last);
      guint bought = 0;

      for (guint k = from; k < to; k++)
        {
          int b = trend_month (firsts, snapshot->order_days[person->order_start + k]);

          orders[b]++;
          net[b] += snapshot->order_nets[person->order_start + k];
          bought |= 1u << b;
        }
      for (int b = 0; bought != 0 && b < TREND_MONTHS; b++)
        if (bought & (1u << b))
          {
            buyers[b]++;
            if (person->first_paid < firsts[b])
              repeat[b]++;
          }
    }
  for (guint k = 0; k < snapshot->n_anonymous; k++)
    {
      SiyuDay day = snapshot->anonymous_days[k];

      if (day >= firsts[0] && day <= last)
        {
          int b = trend_month (firsts, day);

          orders[b]++;
          net[b] += snapshot->anonymous_nets[k];
        }
    }

  y = year;
  m = month;
  shift_month (&y, &m, 1 - TREND_MONTHS);
  json_builder_set_member_name (builder, "trend");
  json_builder_begin_array (builder);
  for (int i = 0; i < TREND_MONTHS; i++, shift_month (&y, &m, 1))
    {
      g_autofree char *name = month_name (y, m);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "month");
      json_builder_add_string_value (builder, name);
      add_int (builder, "buyers", buyers[i]);
      add_int (builder, "paid_orders", orders[i]);
      add_int (builder, "net_sales", net[i]);
      add_ratio (builder, "repurchase_rate", buyers[i] > 0 ? (double) repeat[i] / (double) buyers[i] : NAN);
      add_ratio (builder, "aov", orders[i] > 0 ? (double) net[i] / (double) orders[i] : NAN);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static JsonObject *
load_rule (const char *id)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (RULES_PATH, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *rules;

  if (bytes == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                    (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();
  rules = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "rules");
  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *rule = json_array_get_object_element (rules, i);

      if (g_str_equal (json_object_get_string_member (rule, "id"), id))
        return json_object_ref (rule);
    }
  g_assert_not_reached ();
}

static const char *
tier_name (JsonObject *tier)
{
  const char *zh = json_object_has_member (tier, "name_zh") && !json_object_get_null_member (tier, "name_zh")
                   ? json_object_get_string_member (tier, "name_zh") : NULL;

  return siyu_tier_display_name (json_object_get_string_member (tier, "name"), zh);
}

/* A card: the rule that fired, the figure that made it fire, the number
 * of people it is about (value), its words, and the segment that selects
 * exactly those people in its month: a title and a definition in the
 * format of siyu-segments.c, each condition "as_of" the day its figure was
 * counted, so that counting the definition gives the value. */
static void
add_card (JsonBuilder *builder,
          JsonObject  *rule,
          const char  *figure,
          gint64       value,
          gint64       group_id,
          char        *text,
          char        *segment,
          JsonNode    *definition)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, json_object_get_string_member (rule, "id"));
  json_builder_set_member_name (builder, "figure");
  json_builder_add_string_value (builder, figure);
  add_int (builder, "value", value);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "segment");
  json_builder_add_string_value (builder, segment);
  json_builder_set_member_name (builder, "definition");
  json_builder_add_value (builder, definition);
  /* A card about one group names it, so that it can be opened. */
  if (group_id > 0)
    add_int (builder, "group_id", group_id);
  json_builder_end_object (builder);
  g_free (text);
  g_free (segment);
}

/* A card's definition: "all" of up to two conditions, each as of a day,
 * with a text (@text) or whole (@number) value and, when @days > 0, a
 * window of that many days ending on that day. */
typedef struct {
  const char *field;
  const char *op;
  const char *text;
  gint64      number;
  int         days;
  SiyuDay     as_of;
} CardCondition;

static JsonNode *
card_definition (const CardCondition *first,
                 const CardCondition *second)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const CardCondition *conditions[] = { first, second };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, "all");
  json_builder_set_member_name (builder, "conditions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (conditions) && conditions[i] != NULL; i++)
    {
      const CardCondition *c = conditions[i];
      g_autofree char *day = siyu_day_format (c->as_of);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, c->field);
      json_builder_set_member_name (builder, "op");
      json_builder_add_string_value (builder, c->op);
      json_builder_set_member_name (builder, "value");
      if (c->text != NULL)
        json_builder_add_string_value (builder, c->text);
      else
        json_builder_add_int_value (builder, c->number);
      if (c->days > 0)
        {
          json_builder_set_member_name (builder, "days");
          json_builder_add_int_value (builder, c->days);
        }
      json_builder_set_member_name (builder, "as_of");
      json_builder_add_string_value (builder, day);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static double
ratio_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

/* The days a card's segment is counted on: the review's month (its first
 * day and the day its figures are counted as of, the month's last or
 * today), and the last day of the month before. */
typedef struct {
  SiyuDay first;
  SiyuDay end;
  SiyuDay before_first;
  SiyuDay before_last;
} CardDays;

/* Contacts, not erased, with a paid order from @from to @to: how many
 * orders of @index's contact fall there. */
static guint
orders_in (SiyuAnalytics *analytics,
           guint          index,
           SiyuDay        from,
           SiyuDay        to)
{
  const SiyuDay *days;
  const gint64 *nets;
  guint n, count = 0;

  siyu_analytics_get_purchases (analytics, index, &days, &nets, &n);
  for (guint k = 0; k < n; k++)
    count += days[k] >= from && days[k] <= to;

  return count;
}

/* Distinct contacts, not erased, who left @group_id from @from to @to. */
static gboolean
count_left (SiyuShop  *shop,
            gint64     group_id,
            SiyuDay    from,
            SiyuDay    to,
            gint64    *count,
            GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db,
    "SELECT count (DISTINCT m.contact_id) FROM group_members m JOIN contacts c ON c.id = m.contact_id "
    "WHERE m.group_id = ?1 AND m.left_at >= ?2 AND m.left_at < ?3 AND c.erased_at IS NULL", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, from));
  sqlite3_bind_int64 (stmt, 3, siyu_shop_day_start (shop, to + 1));
  rc = siyu_db_step (db, stmt, error);
  *count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* The action cards: each a change that calls for an action, with the
 * figure that triggered it, the people it is about and their segment. */
static gboolean
add_cards (JsonBuilder     *builder,
           JsonObject      *review,
           SiyuShop        *shop,
           SiyuAnalytics   *now,
           const Moves     *moves,
           JsonArray       *tiers,
           const CardDays  *days,
           GError         **error)
{
  g_autoptr(JsonObject) fell = load_rule ("growing-fell-dormant");
  g_autoptr(JsonObject) close = load_rule ("close-to-next-tier");
  g_autoptr(JsonObject) lost = load_rule ("group-lost-members");
  g_autoptr(JsonObject) repurchase = load_rule ("repurchase-fell");
  g_autoptr(JsonObject) fresh = load_rule ("new-buyers");
  JsonObject *month = json_object_get_object_member (review, "month");
  JsonObject *before = json_object_has_member (review, "month_before") &&
                       !json_object_get_null_member (review, "month_before")
                       ? json_object_get_object_member (review, "month_before") : NULL;
  JsonObject *model = json_object_get_object_member (json_node_get_object (siyu_analytics_get_summary (now)), "model");
  gint64 dropped = moves->transitions[SIYU_STAGE_GROWING][SIYU_STAGE_DORMANT];
  JsonArray *groups = json_object_get_array_member (review, "groups");
  double r_now = ratio_member (month, "repurchase_rate");
  double r_before = ratio_member (before, "repurchase_rate");
  gint64 new_buyers = json_object_get_int_member (month, "new_buyers");
  const char *name = json_object_get_string_member (review, "review");
  int month_days = days->end - days->first + 1;
  int before_days = days->before_last - days->before_first + 1;

  json_builder_set_member_name (builder, "cards");
  json_builder_begin_array (builder);

  if (dropped >= json_object_get_int_member (fell, "min_count") && moves->growing_start > 0 &&
      (double) dropped / (double) moves->growing_start >= json_object_get_double_member (fell, "min_share"))
    add_card (builder, fell, "transitions.growing.dormant", dropped, 0,
              g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%lld Growing customer fell Dormant this month: message them before they reach %lld days without an order.",
                                            "%lld Growing customers fell Dormant this month: message them before they reach %lld days without an order.",
                                            (gulong) dropped),
                               (long long) dropped, (long long) json_object_get_int_member (model, "lost_days")),
              /* Translators: the segment of a review's card; %s is a month, such as 2026-10. */
              g_strdup_printf (_("Growing customers who fell Dormant in %s"), name),
              card_definition (&(CardCondition) { "stage", "is", "growing", 0, 0, days->before_last },
                               &(CardCondition) { "stage", "is", "dormant", 0, 0, days->end }));

  for (guint i = 0; tiers != NULL && i + 1 < json_array_get_length (tiers); i++)
    {
      gint64 count = g_array_index (moves->close, gint64, i);
      JsonObject *tier = json_array_get_object_element (tiers, i);
      JsonObject *next = json_array_get_object_element (tiers, i + 1);

      if (count >= json_object_get_int_member (close, "min_count"))
        add_card (builder, close, "tiers.close_to_next", count, 0,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s has %lld member close to %s: a nudge may move them up.",
                                                "%s has %lld members close to %s: a nudge may move them up.",
                                                (gulong) count),
                                   tier_name (tier), (long long) count, tier_name (next)),
                  /* Translators: the segment of a review's card: a tier, the tier above it, and a month. */
                  g_strdup_printf (_("%s members close to %s in %s"), tier_name (tier), tier_name (next), name),
                  card_definition (&(CardCondition) { "tier", "is", json_object_get_string_member (tier, "name"),
                                                      0, 0, days->end },
                                   &(CardCondition) { "next_tier_gap_percent", "<", NULL, 20, 0, days->end }));
    }

  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      gint64 left = json_object_get_int_member (group, "left");
      gint64 start = json_object_get_int_member (group, "members_at_start");
      gint64 id = json_object_get_int_member (group, "id");
      gint64 people;

      if (start < json_object_get_int_member (lost, "min_members") ||
          (double) left / (double) start < json_object_get_double_member (lost, "min_share"))
        continue;
      if (!count_left (shop, id, days->first, days->end, &people, error))
        return FALSE;
      add_card (builder, lost, "groups.left", people, id,
                g_strdup_printf (_("Group “%s” lost %.0f %% of its members this month: ask those who left why, "
                                   "and welcome the others."),
                                 json_object_get_string_member (group, "name"), 100.0 * left / start),
                /* Translators: the segment of a review's card: a group's name and a month. */
                g_strdup_printf (_("Left “%s” in %s"), json_object_get_string_member (group, "name"), name),
                card_definition (&(CardCondition) { "group", "left", json_object_get_string_member (group, "name"),
                                                    0, month_days, days->end }, NULL));
    }

  if (!isnan (r_now) && !isnan (r_before) &&
      100 * (r_before - r_now) >= json_object_get_double_member (repurchase, "min_points"))
    {
      gint64 people = 0;

      /* The month before's buyers with no paid order in this month. */
      for (guint i = 0; i < siyu_analytics_get_n_contacts (now); i++)
        if (!siyu_analytics_get_contact (now, i)->erased &&
            orders_in (now, i, days->before_first, days->before_last) > 0 &&
            orders_in (now, i, days->first, days->end) == 0)
          people++;
      add_card (builder, repurchase, "month_before.buyers_not_back", people, 0,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Repurchase fell from %.0f %% to %.0f %%: remind the %lld buyer of last month who has not come back.",
                                              "Repurchase fell from %.0f %% to %.0f %%: remind the %lld buyers of last month who have not come back.",
                                              (gulong) people),
                                 100 * r_before, 100 * r_now, (long long) people),
                /* Translators: the segment of a review's card; %s is a month, such as 2026-10. */
                g_strdup_printf (_("Buyers of the month before who did not buy in %s"), name),
                card_definition (&(CardCondition) { "orders", ">=", NULL, 1, before_days, days->before_last },
                                 &(CardCondition) { "orders", "=", NULL, 0, month_days, days->end }));
    }

  if (new_buyers >= json_object_get_int_member (fresh, "min_count"))
    {
      gint64 people = 0;

      /* The month's new buyers who can be reached: not erased. */
      for (guint i = 0; i < siyu_analytics_get_n_contacts (now); i++)
        {
          const SiyuContactMetrics *m = siyu_analytics_get_contact (now, i);

          if (!m->erased && m->first_order != SIYU_DAY_INVALID && m->first_order >= days->first &&
              m->first_order <= days->end)
            people++;
        }
      add_card (builder, fresh, "month.new_buyers", people, 0,
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%lld customer bought for the first time this month: welcome them and give them a reason for a second order.",
                                              "%lld customers bought for the first time this month: welcome them and give them a reason for a second order.",
                                              (gulong) people),
                                 (long long) people),
                /* Translators: the segment of a review's card; %s is a month, such as 2026-10. */
                g_strdup_printf (_("First bought in %s"), name),
                card_definition (&(CardCondition) { "first_order", "within_days", NULL, month_days, 0, days->end },
                                 NULL));
    }

  json_builder_end_array (builder);

  return TRUE;
}

/* L1–L5 from what the shop actually has, and the next step. */
static gboolean
add_maturity (JsonBuilder  *builder,
              SiyuShop     *shop,
              GError      **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  gint64 buyers = -1, with_phone = -1;
  gint64 members = siyu_db_query_int (db, "SELECT count (*) FROM contacts WHERE member_since IS NOT NULL "
                                          "AND erased_at IS NULL", error);
  gint64 groups = siyu_db_query_int (db, "SELECT count (*) FROM group_members", error);
  gint64 events = siyu_db_query_int (db, "SELECT count (*) FROM events", error);
  gint64 measured = siyu_db_query_int (db, "SELECT count (*) FROM touches WHERE holdout_share > 0", error);
  sqlite3_stmt *stmt;
  int level = 1;
  const char *next;

  if (members < 0 || groups < 0 || events < 0 || measured < 0)
    return FALSE;
  /* Buyers, and those known by phone, in one pass over the orders' contacts. */
  stmt = siyu_db_prepare (db, "SELECT count (*), coalesce (sum (c.phone IS NOT NULL), 0) "
                              "FROM (SELECT DISTINCT contact_id FROM orders WHERE contact_id IS NOT NULL) d "
                              "LEFT JOIN contacts c ON c.id = d.contact_id", error);
  if (stmt == NULL)
    return FALSE;
  if (siyu_db_step (db, stmt, error) == SQLITE_ROW)
    {
      buyers = sqlite3_column_int64 (stmt, 0);
      with_phone = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (buyers < 0 || with_phone < 0)
    return FALSE;
  if (buyers > 0 && with_phone * 2 >= buyers)
    level = 2;
  if (level == 2 && (members > 0 || groups > 0))
    level = 3;
  if (level == 3 && events > 0)
    level = 4;
  if (level == 4 && measured > 0)
    level = 5;

  switch (level)
    {
    case 1:
      next = _("Most buyers are not known by their phone yet: import customer lists or ask for a phone at checkout, "
               "so each order belongs to a person.");
      break;
    case 2:
      next = _("Buyers are known by phone: start a membership programme or import your WeCom groups, so you can "
               "talk to them where they are.");
      break;
    case 3:
      next = _("Members and groups are here: record interactions too (visits, shares, reviews, inquiries), so "
               "AIPL sees interest before the order.");
      break;
    case 4:
      next = _("Interactions are recorded: export your next campaign with a holdout, so you learn what actually "
               "brings customers back.");
      break;
    default:
      next = _("Campaigns are measured against a holdout: keep testing on a small group first and scale what pays.");
      break;
    }

  json_builder_set_member_name (builder, "maturity");
  json_builder_begin_object (builder);
  add_int (builder, "level", level);
  json_builder_set_member_name (builder, "next_step");
  json_builder_add_string_value (builder, next);
  add_int (builder, "buyers", buyers);
  add_int (builder, "buyers_with_phone", with_phone);
  add_int (builder, "members", members);
  add_int (builder, "group_memberships", groups);
  add_int (builder, "events", events);
  add_int (builder, "measured_touches", measured);
  json_builder_end_object (builder);

  return TRUE;
}

static SiyuDay
first_data_day (SiyuShop  *shop,
                GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  /* Two queries, each a look at the start of an index: in one, SQLite
   * scanned both indexes whole (0.15 s on the large demo). */
  GError *local_error = NULL;
  gint64 contacts = siyu_db_query_int (db, "SELECT coalesce (min (first_seen_at), -1) FROM contacts", &local_error);
  gint64 orders = local_error != NULL ? -1
                  : siyu_db_query_int (db, "SELECT coalesce (min (created_at), -1) FROM orders", &local_error);
  gint64 first = contacts < 0 ? orders : orders < 0 ? contacts : MIN (contacts, orders);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return SIYU_DAY_INVALID;
    }
  if (first < 0)
    return SIYU_DAY_INVALID;
  return siyu_shop_day_of (shop, first);
}

/**
 * siyu_review_compute:
 * @year: @month: the month to review, in the shop's time zone
 *
 * Returns: (transfer full): the review as JSON (see the file's comment),
 * or %NULL with %SIYU_REVIEW_ERROR_NO_DATA for a month before the shop's
 * first data or after its today.
 */
JsonNode *
siyu_review_compute (SiyuShop      *shop,
                     int            year,
                     int            month,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SiyuAnalytics) now = NULL;
  g_autoptr(SiyuAnalytics) before = NULL;
  gint64 new_buyers[3] = { 0, 0, 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = month_name (year, month);
  SiyuDay today = siyu_shop_get_today (shop);
  SiyuDay first = first_data_day (shop, error);
  SiyuDay end;
  int by = year, bm = month, ly = year, lm = month;
  JsonObject *summary;
  JsonArray *tiers;
  Moves moves = { { { 0 } }, 0, 0, 0, NULL };

  if (first == SIYU_DAY_INVALID)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_NO_DATA,
                     _("The shop has no contacts or orders yet, so there is no month to review."));
      return NULL;
    }
  if (month_first (year, month) > today)
    {
      g_set_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_NO_DATA,
                   _("%s has not begun yet: the shop’s data reaches its today."), name);
      return NULL;
    }
  if (month_last (year, month) < first)
    {
      g_autofree char *day = siyu_day_format (first);

      g_set_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_NO_DATA,
                   _("%s is before the shop’s first data, on %s."), name, day);
      return NULL;
    }

  end = MIN (month_last (year, month), today);
  shift_month (&by, &bm, -1);
  shift_month (&ly, &lm, -12);
  /* Both months are cut from the one snapshot of the shop. */
  now = siyu_analytics_compute (shop, end, NULL, NULL, cancellable, error);
  if (now == NULL)
    return NULL;
  if (month_last (by, bm) >= first)
    {
      before = siyu_analytics_compute (shop, month_last (by, bm), NULL, NULL, cancellable, error);
      if (before == NULL)
        return NULL;
    }

  {
    const int years[3] = { year, by, ly }, months[3] = { month, bm, lm };

    count_new_buyers (siyu_analytics_get_snapshot (now), years, months, new_buyers);
  }

  summary = json_node_get_object (siyu_analytics_get_summary (now));
  tiers = json_object_get_array_member (summary, "tiers");
  count_moves (now, before, tiers, &moves);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "review");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, end == month_last (year, month));
  json_builder_set_member_name (builder, "shop");
  json_builder_add_string_value (builder, siyu_shop_get_name (shop));
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, siyu_shop_get_currency (shop));
  add_month_figures (builder, "month", now, year, month, new_buyers[0]);
  if (before != NULL)
    add_month_figures (builder, "month_before", before, by, bm, new_buyers[1]);
  else
    {
      json_builder_set_member_name (builder, "month_before");
      json_builder_add_null_value (builder);
    }
  if (month_last (ly, lm) >= first)
    add_month_figures_direct (builder, "same_month_last_year", siyu_analytics_get_snapshot (now), ly, lm,
                              new_buyers[2]);
  else
    {
      json_builder_set_member_name (builder, "same_month_last_year");
      json_builder_add_null_value (builder);
    }

  copy_member (builder, summary, "stages");
  json_builder_set_member_name (builder, "stages_month_before");
  if (before != NULL)
    json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (
                                       siyu_analytics_get_summary (before)), "stages")));
  else
    json_builder_add_null_value (builder);
  add_transitions (builder, &moves);

  json_builder_set_member_name (builder, "tier_moves");
  json_builder_begin_object (builder);
  add_int (builder, "up", moves.tier_ups);
  add_int (builder, "down", moves.tier_downs);
  json_builder_set_member_name (builder, "close_to_next");
  json_builder_begin_array (builder);
  for (guint i = 0; i < moves.close->len; i++)
    json_builder_add_int_value (builder, g_array_index (moves.close, gint64, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  copy_member (builder, summary, "tiers");
  copy_member (builder, summary, "rfm");
  copy_member (builder, summary, "pyramid");
  copy_member (builder, summary, "fast");
  copy_member (builder, summary, "fast_month_before");

  {
    gint64 start = siyu_shop_day_start (shop, month_first (year, month));
    gint64 stop = siyu_shop_day_start (shop, month_last (year, month) + 1);

    if (!add_groups (builder, shop, start, stop, error) ||
        !add_touches (builder, shop, start, stop, error))
      goto failed;
  }
  json_builder_set_member_name (builder, "cohorts");
  json_builder_add_value (builder, json_node_copy (siyu_analytics_get_cohorts (now)));
  add_trend (builder, siyu_analytics_get_snapshot (now), year, month);
  if (!add_maturity (builder, shop, error))
    goto failed;
  json_builder_end_object (builder);

  /* The cards read the figures gathered above. */
  root = json_builder_get_root (builder);
  {
    g_autoptr(JsonBuilder) cards = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;

    CardDays card_days = { month_first (year, month), end, month_first (by, bm), month_last (by, bm) };

    json_builder_begin_object (cards);
    if (!add_cards (cards, json_node_get_object (root), shop, now, &moves, tiers, &card_days, error))
      goto failed;
    json_builder_end_object (cards);
    node = json_builder_get_root (cards);
    json_object_set_member (json_node_get_object (root), "cards",
                            json_node_copy (json_object_get_member (json_node_get_object (node), "cards")));
  }
  g_array_unref (moves.close);

  return g_steal_pointer (&root);

failed:
  g_array_unref (moves.close);
  return NULL;
}
