/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-segments"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-analytics.h"
#include "siyu-consent.h"
#include "siyu-ingest.h"
#include "siyu-json.h"
#include "siyu-segments.h"
#include "siyu-time.h"

/* Segments: who to reach, written as a tree of conditions and counted live.
 *
 * A definition is a JSON object, a group:
 *
 *   { "match": "all" | "any", "conditions": [ CONDITION or GROUP, … ] }
 *
 * and a condition is { "field": F, "op": OP, "value": V, "days": N,
 * "as_of": "YYYY-MM-DD" }, where "days" is optional and only for the
 * fields that say so below, and "as_of" is optional (see below).  No other
 * key is allowed anywhere.  An empty "all" matches everyone, an empty "any"
 * nobody.  Groups nest up to 16 deep, and a definition holds at most 1,000
 * conditions and groups in all.  A definition is a tree of plain JSON with
 * no references between segments, so it cannot express a cycle.
 *
 * Fields and their operators (values bound, never written into the SQL):
 *   stage, rfm_segment, pyramid, aipl   is, is_not (text); in, not_in (list)
 *   rfm_r_score, rfm_f_score, rfm_m_score   = != < <= > >= (whole number),
 *                                       between ([low, high], both included)
 *   tier                is, is_not, at_least: the tier's name, zh_CN name or id
 *   next_tier_gap_percent   the gap to the next tier as a percentage of that
 *                       tier's threshold (= != < <= > >= between); only
 *                       contacts with a gap above 0 and a next tier match.
 *                       "< 20" is the Overview's "close to the next tier".
 *   tag                 has, has_not: a tag's name
 *   group               member, not_member: a group's name or id, or no
 *                       value for any group; member means now (not left);
 *                       left: left that group (or any) in the "days" N
 *                       days ending today, or ever without "days"
 *   channel             bought_in, not_bought_in: a paid order in a channel
 *                       (name or id)
 *   city                is, is_not, contains, starts_with (LIKE with the
 *                       value's %, _ and \ escaped)
 *   consent             is true: may be contacted (siyu-consent.c: not
 *                       do-not-contact, and consent given, or unknown when
 *                       the shop's policy allows it); is false: the others
 *   consent_state       is, is_not (text); in, not_in (list): given,
 *                       refused or unknown, whatever do-not-contact says
 *   do_not_contact      is true or false
 *   first_order, last_order, member_since   before, after, on (YYYY-MM-DD,
 *                       after is strictly after), more_than_days_ago N
 *                       (days(x) > N), within_days N (days(x) < N: the N
 *                       days ending today), exists (true or false)
 *   orders, net_spend   = != < <= > >= between; with "days": N over paid
 *                       orders of the N days ending today, else all time
 *                       (net spend in minor units).  net_spend also has
 *                       top_percent P (1–100): net spend at least that of
 *                       the ceil(P × n / 100)-th buyer by net spend, n the
 *                       buyers (ties included, so a little more than P %
 *                       may match)
 *   touches             = != < <= > >= between: touches received (held-out
 *                       members did not receive one), "days" as above
 *   product, sku        bought, not_bought: a product's SKU or name (product)
 *                       or SKU (sku); "days": N for the N days ending today,
 *                       so not_bought with days is "not since N days"
 *   event               happened, not_happened: an event kind, "days" as above
 *   p_alive             = != < <= > >= between: the chance, in percent (0
 *                       to 100, not 0 to 1), that the contact still buys
 *                       (BG/NBD); "< 30" is "less than 30 % likely"
 *   exp_orders_90d      = != < <= > >= between: expected paid orders in
 *                       the next 90 days (a number, not necessarily whole)
 *   value_12m           = != < <= > >= between: the expected net of the
 *                       next 12 months in minor units (whole number)
 *   next_due            before, after, on (YYYY-MM-DD), between ([first,
 *                       last] dates, both included), within_days N (due
 *                       in the N days starting today, today included):
 *                       the contact is due to restock a product they buy
 *                       again and again (a row of replenishments, whose due
 *                       day may be past); any one product is enough
 *
 * "Today" is siyu_shop_get_today (): the shop's pinned last day or the
 * calendar day in its time zone; days(x) counts whole calendar days in that
 * zone, as ANALYTICS.md does.  Stage, scores, tier, pyramid, AIPL, order
 * counts and net spend without "days" come from contact_metrics, that is
 * from the last recompute; contacts it has not seen yet have none of them
 * (orders and net spend count 0).  Erased contacts never match.  The
 * predictive fields (p_alive to next_due) come from contact_predictions and
 * replenishments, also written by the recompute: a contact without a
 * prediction (the field empty, or no row) never matches them, whatever the
 * operator.
 *
 * "as_of" evaluates a condition as of the end of a past day (today at the
 * latest) instead of today, so that a segment can select exactly the
 * people a figure of that day counted (the review's action cards do):
 * "days" windows, within_days and more_than_days_ago end on that day; a
 * group member is one at the end of that day; and the figures (stage,
 * rfm_segment and the scores, tier, next_tier_gap_percent, pyramid, aipl,
 * first_order, last_order, orders and net_spend without "days", and
 * top_percent) are those of siyu_analytics_compute() as of that day, not
 * the last recompute's.  It applies to stage, the RFM fields, tier,
 * next_tier_gap_percent, pyramid, aipl, group, first_order, last_order,
 * member_since, orders, net_spend, touches, product, sku and event.  For
 * example, the Growing customers of the end of September who were Dormant
 * at the end of October:
 *   { "match": "all", "conditions": [
 *     { "field": "stage", "op": "is", "value": "growing", "as_of": "2026-09-30" },
 *     { "field": "stage", "op": "is", "value": "dormant", "as_of": "2026-10-31" } ] }
 *
 * A definition compiles to one SELECT over contacts c LEFT JOIN
 * contact_metrics m, whose WHERE is made of fixed fragments and ?
 * placeholders only; a condition with "as_of" that reads figures reads
 * them from a temporary table filled before the statement is prepared.
 *
 * Built-in segments are rows of the segments table with builtin = 1, added
 * the first time the segments of a shop are read; their definitions come
 * from this file:
 *   Dormant high spenders   stage is dormant (31–180 days since the last
 *                           paid order by default; lost ones are left to
 *                           other means) and net_spend top_percent 20
 *   Champions               rfm_segment is champions
 *   About to sleep          rfm_segment is about_to_sleep
 *   New buyers of the last 30 days   first_order within_days 30
 *   Members close to the next tier   next_tier_gap_percent < 20
 *   Group members who never bought   group member (any) and orders = 0
 *   Can't lose them         rfm_segment is cant_lose
 * They cannot be renamed, changed or deleted; a duplicate can.
 */

#define MAX_LIST      100
#define MAX_TEXT      200
#define MAX_DAYS      36500
#define MAX_PARAMS    30000
#define MAX_NAME      100
#define GROUP_RUN     32

G_DEFINE_QUARK (siyu-segments-error-quark, siyu_segments_error)

typedef enum {
  PARAM_INT,
  PARAM_DOUBLE,
  PARAM_TEXT,
  PARAM_NULL,
} ParamKind;

typedef struct {
  ParamKind  kind;
  gint64     i;
  double     d;
  char      *s;
} Param;

struct _SiyuSegmentQuery
{
  SiyuShop *shop;
  char     *condition;
  GArray   *params;
  JsonNode *definition;
};

typedef enum {
  KIND_ENUM,
  KIND_SCORE,
  KIND_TIER,
  KIND_TIER_GAP,
  KIND_TAG,
  KIND_GROUP,
  KIND_CHANNEL,
  KIND_TEXT,
  KIND_CONSENT,
  KIND_DAY,
  KIND_TIME,
  KIND_COUNT,
  KIND_PRODUCT,
  KIND_EVENT,
  KIND_PREDICTION,
  KIND_DUE,
} FieldKind;

static const char * const stages[] = { "prospect", "new", "growing", "mature", "dormant", "lost", NULL };
static const char * const rfm_segments[] = {
  "champions", "loyal", "potential_loyalist", "recent", "promising", "need_attention",
  "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost", NULL
};
static const char * const pyramids[] = { "co_builder", "communicator", "silent", NULL };
static const char * const aipls[] = { "awareness", "interest", "purchase", "loyalty", NULL };
static const char * const consent_states[] = { "given", "refused", "unknown", NULL };
static const char * const event_kinds[] = {
  "visit", "view", "cart", "favourite", "inquiry", "review", "share", "referral", "group_message", NULL
};

static const char * const enum_ops[] = { "is", "is_not", "in", "not_in", NULL };
static const char * const number_ops[] = { "=", "!=", "<", "<=", ">", ">=", "between", NULL };
static const char * const spend_ops[] = { "=", "!=", "<", "<=", ">", ">=", "between", "top_percent", NULL };
static const char * const tier_ops[] = { "is", "is_not", "at_least", NULL };
static const char * const tag_ops[] = { "has", "has_not", NULL };
static const char * const group_ops[] = { "member", "not_member", "left", NULL };
static const char * const channel_ops[] = { "bought_in", "not_bought_in", NULL };
static const char * const text_ops[] = { "is", "is_not", "contains", "starts_with", NULL };
static const char * const consent_ops[] = { "is", NULL };
static const char * const date_ops[] = { "before", "after", "on", "more_than_days_ago", "within_days", "exists", NULL };
static const char * const product_ops[] = { "bought", "not_bought", NULL };
static const char * const event_ops[] = { "happened", "not_happened", NULL };
static const char * const due_ops[] = { "before", "after", "on", "between", "within_days", NULL };

static const struct {
  const char         *name;
  FieldKind           kind;
  const char         *column;
  const char * const *ops;
  const char * const *values;
  gboolean            days;
} fields[] = {
  { "stage", KIND_ENUM, "m.stage", enum_ops, stages, FALSE },
  { "rfm_segment", KIND_ENUM, "m.rfm_segment", enum_ops, rfm_segments, FALSE },
  { "rfm_r_score", KIND_SCORE, "m.rfm_r_score", number_ops, NULL, FALSE },
  { "rfm_f_score", KIND_SCORE, "m.rfm_f_score", number_ops, NULL, FALSE },
  { "rfm_m_score", KIND_SCORE, "m.rfm_m_score", number_ops, NULL, FALSE },
  { "tier", KIND_TIER, "m.tier_id", tier_ops, NULL, FALSE },
  { "next_tier_gap_percent", KIND_TIER_GAP, "m.tier_gap", number_ops, NULL, FALSE },
  { "pyramid", KIND_ENUM, "m.pyramid", enum_ops, pyramids, FALSE },
  { "aipl", KIND_ENUM, "m.aipl", enum_ops, aipls, FALSE },
  { "tag", KIND_TAG, NULL, tag_ops, NULL, FALSE },
  { "group", KIND_GROUP, NULL, group_ops, NULL, FALSE },
  { "channel", KIND_CHANNEL, NULL, channel_ops, NULL, FALSE },
  { "city", KIND_TEXT, "c.city", text_ops, NULL, FALSE },
  { "consent", KIND_CONSENT, NULL, consent_ops, NULL, FALSE },
  { "consent_state", KIND_ENUM, "c.consent", enum_ops, consent_states, FALSE },
  { "do_not_contact", KIND_CONSENT, "c.do_not_contact", consent_ops, NULL, FALSE },
  { "first_order", KIND_DAY, "m.first_order", date_ops, NULL, FALSE },
  { "last_order", KIND_DAY, "m.last_order", date_ops, NULL, FALSE },
  { "member_since", KIND_TIME, "c.member_since", date_ops, NULL, FALSE },
  { "orders", KIND_COUNT, NULL, number_ops, NULL, TRUE },
  { "net_spend", KIND_COUNT, NULL, spend_ops, NULL, TRUE },
  { "touches", KIND_COUNT, NULL, number_ops, NULL, TRUE },
  { "product", KIND_PRODUCT, NULL, product_ops, NULL, TRUE },
  { "sku", KIND_PRODUCT, NULL, product_ops, NULL, TRUE },
  { "event", KIND_EVENT, NULL, event_ops, event_kinds, TRUE },
  { "p_alive", KIND_PREDICTION, "p.p_alive * 100.0", number_ops, NULL, FALSE },
  { "exp_orders_90d", KIND_PREDICTION, "p.exp_orders_90d", number_ops, NULL, FALSE },
  { "value_12m", KIND_PREDICTION, "p.value_12m", number_ops, NULL, FALSE },
  { "next_due", KIND_DUE, "r.due", due_ops, NULL, FALSE },
};

#define PAID "o.status IN ('paid', 'partially_refunded')"

/* The fields that take "as_of": figures of a day, and windows of days. */
static const char * const as_of_fields[] = {
  "stage", "rfm_segment", "rfm_r_score", "rfm_f_score", "rfm_m_score", "tier", "next_tier_gap_percent",
  "pyramid", "aipl", "group", "first_order", "last_order", "member_since", "orders", "net_spend", "touches",
  "product", "sku", "event", NULL
};

/* The temporary table of every contact's figures as of a day, for the
 * conditions with "as_of" (see siyu_segment_query_prepare()). */
#define METRICS_AS_OF "temp.siyu_metrics_as_of"

/* Built-in segments.  The definitions are written in the format above. */
static const struct {
  const char *name;
  const char *name_zh;
  const char *explanation;
  const char *definition;
} builtins[] = {
  { N_("Dormant high spenders"), "沉睡的高消费客户",
    /* xgettext:no-c-format */
    N_("Dormant customers whose net spend is in the top 20 % of all buyers: worth waking up."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"},"
    "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":20}]}" },
  { N_("Champions"), "重要价值客户",
    N_("Bought very recently and often: the RFM segment Champions."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"champions\"}]}" },
  { N_("About to sleep"), "即将沉睡",
    N_("Bought a while ago and rarely: the RFM segment About to sleep."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"about_to_sleep\"}]}" },
  { N_("New buyers of the last 30 days"), "近 30 天新买家",
    N_("Placed their first paid order in the last 30 days."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"first_order\",\"op\":\"within_days\",\"value\":30}]}" },
  { N_("Members close to the next tier"), "即将升级的会员",
    /* xgettext:no-c-format */
    N_("Members whose gap to the next tier is less than 20 % of that tier’s threshold."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":20}]}" },
  { N_("Group members who never bought"), "从未购买的群成员",
    N_("In a community group now, but without a paid order yet."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"member\"},"
    "{\"field\":\"orders\",\"op\":\"=\",\"value\":0}]}" },
  { N_("Can’t lose them"), "不能失去的客户",
    N_("Used to buy the most, but not for a long time: the RFM segment Can’t lose them."),
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"rfm_segment\",\"op\":\"is\",\"value\":\"cant_lose\"}]}" },
};

typedef struct {
  SiyuShop  *shop;
  SiyuDay    today;
  GString   *sql;
  GArray    *params;
  guint      count;
  gboolean   as_of;          /* the condition compiled has "as_of": today is that day */
  gboolean   metrics_as_of;  /* and m names the metrics as of it, not the last recompute's */
} Compiler;

static void
param_clear (gpointer data)
{
  Param *param = data;

  g_free (param->s);
}

static GArray *
params_new (void)
{
  GArray *params = g_array_new (FALSE, TRUE, sizeof (Param));

  g_array_set_clear_func (params, param_clear);
  return params;
}

static void
add_int (Compiler *c,
         gint64    value)
{
  Param param = { PARAM_INT, value, 0.0, NULL };

  g_string_append_c (c->sql, '?');
  g_array_append_val (c->params, param);
}

static void
add_double (Compiler *c,
            double    value)
{
  Param param = { PARAM_DOUBLE, 0, value, NULL };

  g_string_append_c (c->sql, '?');
  g_array_append_val (c->params, param);
}

static void
add_text (Compiler   *c,
          const char *value)
{
  Param param = { value != NULL ? PARAM_TEXT : PARAM_NULL, 0, 0.0, g_strdup (value) };

  g_string_append_c (c->sql, '?');
  g_array_append_val (c->params, param);
}

static void
add_time (Compiler *c,
          SiyuDay   day)
{
  add_int (c, c->shop != NULL ? siyu_shop_day_start (c->shop, day) : 0);
}

static void
add_date (Compiler *c,
          SiyuDay   day)
{
  g_autofree char *text = c->shop != NULL ? siyu_day_format (day) : g_strdup ("1970-01-01");

  add_text (c, text);
}

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID, message);

  return FALSE;
}

static gboolean
is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
is_text (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_bool (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* A text value: not empty, at most MAX_TEXT characters. */
static gboolean
read_text (JsonNode    *node,
           const char  *path,
           const char **text,
           GError     **error)
{
  const char *s;

  if (!is_text (node))
    return invalid (error, _("%s.value must be text."), path);
  s = json_node_get_string (node);
  if (*s == '\0' || !g_utf8_validate (s, -1, NULL) || g_utf8_strlen (s, -1) > MAX_TEXT)
    return invalid (error, _("%s.value must be text of 1 to %d characters."), path, MAX_TEXT);
  *text = s;

  return TRUE;
}

static gboolean
read_days (JsonNode    *node,
           const char  *path,
           const char  *name,
           gint64       min,
           gint64      *days,
           GError     **error)
{
  if (!is_int (node) || json_node_get_int (node) < min || json_node_get_int (node) > MAX_DAYS)
    return invalid (error, _("%s.%s must be a whole number of days from %d to %d."),
                    path, name, (int) min, MAX_DAYS);
  *days = json_node_get_int (node);

  return TRUE;
}

static gboolean
read_one_of (JsonNode            *node,
             const char          *path,
             const char * const  *values,
             const char         **text,
             GError             **error)
{
  if (!is_text (node) || !g_strv_contains (values, json_node_get_string (node)))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) values);

      return invalid (error, _("%s.value must be one of %s."), path, list);
    }
  *text = json_node_get_string (node);

  return TRUE;
}

/* ESCAPE '\' patterns: the value matched as it is written. */
static char *
like_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static const char *
sql_op (const char *op)
{
  static const char * const ops[][2] = {
    { "=", "=" }, { "!=", "<>" }, { "<", "<" }, { "<=", "<=" }, { ">", ">" }, { ">=", ">=" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_equal (op, ops[i][0]))
      return ops[i][1];
  g_assert_not_reached ();
}

/* " OP ?" or " BETWEEN ? AND ?" after an expression already written. */
static gboolean
compare (Compiler    *c,
         const char  *op,
         JsonNode    *value,
         const char  *path,
         gboolean     whole,
         GError     **error)
{
  gboolean (*check) (JsonNode *) = whole ? is_int : is_number;

  if (g_str_equal (op, "between"))
    {
      JsonArray *pair;

      if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
          json_array_get_length ((pair = json_node_get_array (value))) != 2 ||
          !check (json_array_get_element (pair, 0)) || !check (json_array_get_element (pair, 1)))
        return whole ? invalid (error, _("%s.value must be a list of two whole numbers, [low, high]."), path)
                     : invalid (error, _("%s.value must be a list of two numbers, [low, high]."), path);
      g_string_append (c->sql, " BETWEEN ");
      if (whole)
        add_int (c, json_node_get_int (json_array_get_element (pair, 0)));
      else
        add_double (c, json_node_get_double (json_array_get_element (pair, 0)));
      g_string_append (c->sql, " AND ");
      if (whole)
        add_int (c, json_node_get_int (json_array_get_element (pair, 1)));
      else
        add_double (c, json_node_get_double (json_array_get_element (pair, 1)));
      return TRUE;
    }

  if (!check (value))
    return whole ? (is_number (value) ? invalid (error, _("%s.value must be a whole number."), path)
                                      : invalid (error, _("%s.value must be a number."), path))
                 : invalid (error, _("%s.value must be a number."), path);
  g_string_append_printf (c->sql, " %s ", sql_op (op));
  if (whole)
    add_int (c, json_node_get_int (value));
  else
    add_double (c, json_node_get_double (value));

  return TRUE;
}

/* The window of the N days ending today: created_at >= ? AND created_at < ?. */
static void
window (Compiler   *c,
        const char *column,
        gint64      days)
{
  g_string_append_printf (c->sql, " AND %s >= ", column);
  add_time (c, c->today - (SiyuDay) days + 1);
  g_string_append_printf (c->sql, " AND %s < ", column);
  add_time (c, c->today + 1);
}

static gboolean
compile_enum (Compiler    *c,
              guint        f,
              const char  *op,
              JsonNode    *value,
              const char  *path,
              GError     **error)
{
  const char *column = fields[f].column;
  const char *text;

  if (g_str_equal (op, "in") || g_str_equal (op, "not_in"))
    {
      JsonArray *list;
      guint n;

      if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
          (n = json_array_get_length ((list = json_node_get_array (value)))) == 0 || n > MAX_LIST)
        return invalid (error, _("%s.value must be a list of 1 to %d values."), path, MAX_LIST);
      g_string_append_printf (c->sql, g_str_equal (op, "in") ? "%s IN (" : "coalesce (%s, '') NOT IN (", column);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *item = g_strdup_printf ("%s.value[%u]", path, i);
          JsonNode *element = json_array_get_element (list, i);

          if (!is_text (element) || !g_strv_contains (fields[f].values, json_node_get_string (element)))
            {
              g_autofree char *all = g_strjoinv (", ", (char **) fields[f].values);

              return invalid (error, _("%s must be one of %s."), item, all);
            }
          if (i > 0)
            g_string_append (c->sql, ", ");
          add_text (c, json_node_get_string (element));
        }
      g_string_append_c (c->sql, ')');
      return TRUE;
    }

  if (!read_one_of (value, path, fields[f].values, &text, error))
    return FALSE;
  g_string_append_printf (c->sql, g_str_equal (op, "is") ? "%s = " : "coalesce (%s, '') <> ", column);
  add_text (c, text);

  return TRUE;
}

/* Name (or zh_CN name) or id of a row of @table: "(SELECT id FROM table WHERE …)". */
static gboolean
named_row (Compiler    *c,
           const char  *table,
           gboolean     zh,
           JsonNode    *value,
           const char  *path,
           GError     **error)
{
  const char *text = NULL;
  gint64 id = -1;

  if (is_int (value))
    id = json_node_get_int (value);
  else if (!read_text (value, path, &text, error))
    {
      g_clear_error (error);
      return invalid (error, _("%s.value must be a name or an id."), path);
    }

  g_string_append_printf (c->sql, "(SELECT id FROM %s WHERE id = ", table);
  add_int (c, id);
  g_string_append (c->sql, " OR name = ");
  add_text (c, text);
  if (zh)
    {
      g_string_append (c->sql, " OR name_zh = ");
      add_text (c, text);
    }
  g_string_append_c (c->sql, ')');

  return TRUE;
}

static gboolean
compile_date (Compiler    *c,
              guint        f,
              const char  *op,
              JsonNode    *value,
              const char  *path,
              GError     **error)
{
  const char *column = fields[f].column;
  gboolean time = fields[f].kind == KIND_TIME;
  void (*add_day) (Compiler *, SiyuDay) = time ? add_time : add_date;
  SiyuDay day;
  gint64 days;

  if (g_str_equal (op, "exists"))
    {
      if (!is_bool (value))
        return invalid (error, _("%s.value must be true or false."), path);
      g_string_append_printf (c->sql, json_node_get_boolean (value) ? "%s IS NOT NULL" : "%s IS NULL", column);
      return TRUE;
    }

  if (g_str_equal (op, "more_than_days_ago") || g_str_equal (op, "within_days"))
    {
      gboolean within = g_str_equal (op, "within_days");

      if (!read_days (value, path, "value", within ? 1 : 0, &days, error))
        return FALSE;
      if (within)
        {
          g_string_append_printf (c->sql, "(%s >= ", column);
          add_day (c, c->today - (SiyuDay) days + 1);
          g_string_append_printf (c->sql, time ? " AND %s < " : " AND %s <= ", column);
          add_day (c, time ? c->today + 1 : c->today);
          g_string_append_c (c->sql, ')');
        }
      else
        {
          g_string_append_printf (c->sql, "%s < ", column);
          add_day (c, c->today - (SiyuDay) days);
        }
      return TRUE;
    }

  if (!is_text (value) || !siyu_day_parse (json_node_get_string (value), &day))
    return invalid (error, _("%s.value must be a date written YYYY-MM-DD."), path);
  if (g_str_equal (op, "before"))
    {
      g_string_append_printf (c->sql, "%s < ", column);
      add_day (c, day);
    }
  else if (g_str_equal (op, "after"))
    {
      g_string_append_printf (c->sql, time ? "%s >= " : "%s > ", column);
      add_day (c, time ? day + 1 : day);
    }
  else if (time)
    {
      g_string_append_printf (c->sql, "(%s >= ", column);
      add_time (c, day);
      g_string_append_printf (c->sql, " AND %s < ", column);
      add_time (c, day + 1);
      g_string_append_c (c->sql, ')');
    }
  else
    {
      g_string_append_printf (c->sql, "%s = ", column);
      add_date (c, day);
    }

  return TRUE;
}

static gboolean
compile_count (Compiler    *c,
               guint        f,
               const char  *op,
               JsonNode    *value,
               JsonNode    *days_node,
               const char  *path,
               GError     **error)
{
  const char *name = fields[f].name;
  gint64 days = 0;

  if (g_str_equal (op, "top_percent"))
    {
      if (days_node != NULL)
        return invalid (error, _("%s.days does not apply to top_percent."), path);
      if (!is_int (value) || json_node_get_int (value) < 1 || json_node_get_int (value) > 100)
        return invalid (error, _("%s.value must be a whole number from 1 to 100."), path);
      if (c->metrics_as_of)
        {
          /* The same over the figures as of the condition's day. */
          g_string_append (c->sql,
                           "(coalesce (m.net_spend, 0) > 0 AND m.net_spend >= "
                           "(SELECT x.net_spend FROM " METRICS_AS_OF " x JOIN contacts xc ON xc.id = x.contact_id "
                           "WHERE x.as_of = ");
          add_date (c, c->today);
          g_string_append (c->sql, " AND x.orders > 0 AND xc.erased_at IS NULL ORDER BY x.net_spend DESC LIMIT 1 "
                                   "OFFSET (SELECT max (0, (count (*) * ");
          add_int (c, json_node_get_int (value));
          g_string_append (c->sql, " + 99) / 100 - 1) FROM " METRICS_AS_OF " y JOIN contacts yc ON yc.id = y.contact_id "
                                   "WHERE y.as_of = ");
          add_date (c, c->today);
          g_string_append (c->sql, " AND y.orders > 0 AND yc.erased_at IS NULL)))");
          return TRUE;
        }
      g_string_append (c->sql,
                       "(coalesce (m.net_spend, 0) > 0 AND m.net_spend >= "
                       "(SELECT x.net_spend FROM contact_metrics x JOIN contacts xc ON xc.id = x.contact_id "
                       "WHERE x.orders > 0 AND xc.erased_at IS NULL ORDER BY x.net_spend DESC LIMIT 1 OFFSET "
                       "(SELECT max (0, (count (*) * ");
      add_int (c, json_node_get_int (value));
      g_string_append (c->sql, " + 99) / 100 - 1) FROM contact_metrics y JOIN contacts yc ON yc.id = y.contact_id "
                               "WHERE y.orders > 0 AND yc.erased_at IS NULL)))");
      return TRUE;
    }

  if (days_node != NULL && !read_days (days_node, path, "days", 1, &days, error))
    return FALSE;

  if (g_str_equal (name, "touches"))
    {
      g_string_append (c->sql, "(SELECT count (*) FROM touch_members tm JOIN touches t ON t.id = tm.touch_id "
                               "WHERE tm.contact_id = c.id AND tm.holdout = 0");
      if (days > 0)
        window (c, "t.created_at", days);
      g_string_append_c (c->sql, ')');
    }
  else if (days == 0)
    g_string_append (c->sql, g_str_equal (name, "orders") ? "coalesce (m.orders, 0)" : "coalesce (m.net_spend, 0)");
  else
    {
      g_string_append (c->sql, g_str_equal (name, "orders")
                               ? "(SELECT count (*) FROM orders o WHERE o.contact_id = c.id AND " PAID
                               : "(SELECT coalesce (sum (max (0, o.total_amount - o.refunded_amount)), 0) "
                                 "FROM orders o WHERE o.contact_id = c.id AND " PAID);
      g_string_append (c->sql, " AND o.currency = ");
      add_text (c, c->shop != NULL ? siyu_shop_get_currency (c->shop) : "");
      window (c, "o.created_at", days);
      g_string_append_c (c->sql, ')');
    }

  return compare (c, op, value, path, TRUE, error);
}

/* A predicted value of the contact, compared; NULL (no prediction) never
 * matches.  value_12m is in minor units, so whole. */
static gboolean
compile_prediction (Compiler    *c,
                    guint        f,
                    const char  *op,
                    JsonNode    *value,
                    const char  *path,
                    GError     **error)
{
  g_string_append_printf (c->sql, "(SELECT %s FROM contact_predictions p WHERE p.contact_id = c.id)",
                          fields[f].column);

  return compare (c, op, value, path, g_str_equal (fields[f].name, "value_12m"), error);
}

/* A replenishment of the contact due in a span of days. */
static gboolean
compile_due (Compiler    *c,
             guint        f,
             const char  *op,
             JsonNode    *value,
             const char  *path,
             GError     **error)
{
  const char *column = fields[f].column;
  SiyuDay first, last;
  gint64 days;

  if (g_str_equal (op, "within_days"))
    {
      if (!read_days (value, path, "value", 1, &days, error))
        return FALSE;
      first = c->today;
      last = c->today + (SiyuDay) days - 1;
    }
  else if (g_str_equal (op, "between"))
    {
      JsonArray *pair;

      if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value) ||
          json_array_get_length ((pair = json_node_get_array (value))) != 2 ||
          !is_text (json_array_get_element (pair, 0)) || !is_text (json_array_get_element (pair, 1)) ||
          !siyu_day_parse (json_node_get_string (json_array_get_element (pair, 0)), &first) ||
          !siyu_day_parse (json_node_get_string (json_array_get_element (pair, 1)), &last))
        return invalid (error, _("%s.value must be a list of two dates written YYYY-MM-DD, [first, last]."), path);
    }
  else
    {
      SiyuDay day;

      if (!is_text (value) || !siyu_day_parse (json_node_get_string (value), &day))
        return invalid (error, _("%s.value must be a date written YYYY-MM-DD."), path);
      g_string_append_printf (c->sql, "c.id IN (SELECT r.contact_id FROM replenishments r WHERE %s %s ",
                              column, g_str_equal (op, "before") ? "<" : g_str_equal (op, "after") ? ">" : "=");
      add_date (c, day);
      g_string_append_c (c->sql, ')');
      return TRUE;
    }

  g_string_append_printf (c->sql, "c.id IN (SELECT r.contact_id FROM replenishments r WHERE %s BETWEEN ", column);
  add_date (c, first);
  g_string_append (c->sql, " AND ");
  add_date (c, last);
  g_string_append_c (c->sql, ')');

  return TRUE;
}

static gboolean compile_condition (Compiler *c, JsonObject *object, const char *path, GError **error);

/* Whether the condition reads the figures of contact_metrics (m). */
static gboolean
reads_metrics (guint       f,
               const char *op,
               JsonNode   *days_node)
{
  if (fields[f].column != NULL && g_str_has_prefix (fields[f].column, "m."))
    return TRUE;
  return fields[f].kind == KIND_COUNT && !g_str_equal (fields[f].name, "touches") &&
         (days_node == NULL || g_str_equal (op, "top_percent"));
}

/* A condition with "as_of": the same condition as of the end of that day.
 * Its windows of days end on that day; the figures it reads (stage,
 * scores, tier, orders…) are those of the analytics as of that day, which
 * siyu_segment_query_prepare() puts in METRICS_AS_OF, joined as m in a
 * subquery of its own so that a contact without figures then (not seen
 * yet) reads NULL as with contact_metrics. */
static gboolean
compile_as_of (Compiler    *c,
               JsonObject  *object,
               const char  *path,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, "as_of");
  JsonNode *field_node = json_object_get_member (object, "field");
  JsonNode *op_node = json_object_get_member (object, "op");
  SiyuDay day, saved = c->today;
  gboolean metrics = FALSE, ok;
  guint f = G_N_ELEMENTS (fields);

  if (is_text (field_node))
    for (f = 0; f < G_N_ELEMENTS (fields); f++)
      if (g_str_equal (fields[f].name, json_node_get_string (field_node)))
        break;
  if (f < G_N_ELEMENTS (fields) && !g_strv_contains (as_of_fields, fields[f].name))
    return invalid (error, _("%s.as_of does not apply to %s."), path, fields[f].name);
  if (!is_text (node) || !siyu_day_parse (json_node_get_string (node), &day))
    return invalid (error, _("%s.as_of must be a date written YYYY-MM-DD."), path);
  if (c->shop != NULL && day > c->today)
    {
      g_autofree char *today = siyu_day_format (c->today);

      return invalid (error, _("%s.as_of is after today, %s: there are no figures of that day yet."), path, today);
    }
  if (f < G_N_ELEMENTS (fields) && is_text (op_node))
    metrics = reads_metrics (f, json_node_get_string (op_node), json_object_get_member (object, "days"));

  if (metrics)
    {
      g_string_append (c->sql, "EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN " METRICS_AS_OF " m ON m.as_of = ");
      add_date (c, day);
      g_string_append (c->sql, " AND m.contact_id = c.id WHERE ");
    }
  c->today = day;
  c->as_of = TRUE;
  c->metrics_as_of = metrics;
  ok = compile_condition (c, object, path, error);
  c->today = saved;
  c->as_of = FALSE;
  c->metrics_as_of = FALSE;
  if (metrics)
    g_string_append_c (c->sql, ')');

  return ok;
}

static gboolean
compile_condition (Compiler    *c,
                   JsonObject  *object,
                   const char  *path,
                   GError     **error)
{
  JsonNode *field_node = json_object_get_member (object, "field");
  JsonNode *op_node = json_object_get_member (object, "op");
  JsonNode *value = json_object_get_member (object, "value");
  JsonNode *days_node = json_object_get_member (object, "days");
  g_autoptr(GList) keys = json_object_get_members (object);
  const char *op, *text;
  gint64 days = 0;
  guint f;

  for (GList *l = keys; l != NULL; l = l->next)
    if (!g_strv_contains ((const char * const[]) { "field", "op", "value", "days", "as_of", NULL }, l->data))
      return invalid (error, _("%s has an unknown key “%s”: a condition has field, op, value, days and as_of."),
                      path, (const char *) l->data);
  if (json_object_has_member (object, "as_of") && !c->as_of)
    return compile_as_of (c, object, path, error);

  if (!is_text (field_node))
    return invalid (error, _("%s.field must be text."), path);
  for (f = 0; f < G_N_ELEMENTS (fields); f++)
    if (g_str_equal (fields[f].name, json_node_get_string (field_node)))
      break;
  if (f == G_N_ELEMENTS (fields))
    return invalid (error, _("%s.field “%s” is not a field a segment can use."), path,
                    json_node_get_string (field_node));

  if (!is_text (op_node))
    return invalid (error, _("%s.op must be text."), path);
  op = json_node_get_string (op_node);
  if (!g_strv_contains (fields[f].ops, op))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) fields[f].ops);

      return invalid (error, _("%s.op “%s” does not apply to %s; use %s."), path, op, fields[f].name, list);
    }
  if (days_node != NULL && !fields[f].days && !(fields[f].kind == KIND_GROUP && g_str_equal (op, "left")))
    return invalid (error, _("%s.days does not apply to %s."), path, fields[f].name);

  switch (fields[f].kind)
    {
    case KIND_ENUM:
      return compile_enum (c, f, op, value, path, error);

    case KIND_SCORE:
      g_string_append (c->sql, fields[f].column);
      return compare (c, op, value, path, TRUE, error);

    case KIND_TIER:
      if (g_str_equal (op, "is"))
        g_string_append (c->sql, "m.tier_id IN ");
      else if (g_str_equal (op, "is_not"))
        g_string_append (c->sql, "coalesce (m.tier_id, 0) NOT IN ");
      else
        g_string_append (c->sql, "m.tier_id IN (SELECT id FROM tiers WHERE position >= "
                                 "(SELECT min (position) FROM tiers WHERE id IN ");
      if (!named_row (c, "tiers", TRUE, value, path, error))
        return FALSE;
      if (g_str_equal (op, "at_least"))
        g_string_append (c->sql, "))");
      return TRUE;

    case KIND_TIER_GAP:
      g_string_append (c->sql, "(m.tier_gap > 0 AND m.tier_gap * 100.0 / "
                               "(SELECT n.threshold FROM tiers t JOIN tiers n ON n.position = "
                               "(SELECT min (position) FROM tiers WHERE position > t.position) "
                               "WHERE t.id = m.tier_id AND n.threshold > 0)");
      if (!compare (c, op, value, path, FALSE, error))
        return FALSE;
      g_string_append_c (c->sql, ')');
      return TRUE;

    case KIND_TAG:
      if (!read_text (value, path, &text, error))
        return FALSE;
      g_string_append (c->sql, g_str_equal (op, "has") ? "c.id IN " : "c.id NOT IN ");
      g_string_append (c->sql, "(SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id IN "
                               "(SELECT id FROM tags WHERE name = ");
      add_text (c, text);
      g_string_append (c->sql, "))");
      return TRUE;

    case KIND_GROUP:
      if (days_node != NULL && !read_days (days_node, path, "days", 1, &days, error))
        return FALSE;
      g_string_append (c->sql, g_str_equal (op, "not_member") ? "c.id NOT IN " : "c.id IN ");
      if (g_str_equal (op, "left"))
        {
          /* Left in the N days ending today (or as_of), else by the end of it. */
          g_string_append (c->sql, "(SELECT gm.contact_id FROM group_members gm WHERE gm.left_at IS NOT NULL");
          if (days > 0)
            window (c, "gm.left_at", days);
          else
            {
              g_string_append (c->sql, " AND gm.left_at < ");
              add_time (c, c->today + 1);
            }
        }
      else if (c->as_of)
        {
          /* A member at the end of that day. */
          g_string_append (c->sql, "(SELECT gm.contact_id FROM group_members gm WHERE gm.joined_at < ");
          add_time (c, c->today + 1);
          g_string_append (c->sql, " AND (gm.left_at IS NULL OR gm.left_at >= ");
          add_time (c, c->today + 1);
          g_string_append_c (c->sql, ')');
        }
      else
        g_string_append (c->sql, "(SELECT gm.contact_id FROM group_members gm WHERE gm.left_at IS NULL");
      if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
        {
          g_string_append (c->sql, " AND gm.group_id IN ");
          if (!named_row (c, "community_groups", FALSE, value, path, error))
            return FALSE;
        }
      g_string_append_c (c->sql, ')');
      return TRUE;

    case KIND_CHANNEL:
      g_string_append (c->sql, g_str_equal (op, "bought_in") ? "c.id IN " : "c.id NOT IN ");
      g_string_append (c->sql, "(SELECT o.contact_id FROM orders o WHERE o.contact_id IS NOT NULL AND " PAID
                               " AND o.channel_id IN ");
      if (!named_row (c, "channels", FALSE, value, path, error))
        return FALSE;
      g_string_append_c (c->sql, ')');
      return TRUE;

    case KIND_TEXT:
      if (!read_text (value, path, &text, error))
        return FALSE;
      if (g_str_equal (op, "is"))
        {
          g_string_append_printf (c->sql, "%s = ", fields[f].column);
          add_text (c, text);
        }
      else if (g_str_equal (op, "is_not"))
        {
          g_string_append_printf (c->sql, "coalesce (%s, '') <> ", fields[f].column);
          add_text (c, text);
        }
      else
        {
          g_autofree char *escaped = like_escape (text);
          g_autofree char *pattern = g_strconcat (g_str_equal (op, "contains") ? "%" : "", escaped, "%", NULL);

          g_string_append_printf (c->sql, "%s LIKE ", fields[f].column);
          add_text (c, pattern);
          g_string_append (c->sql, " ESCAPE '\\'");
        }
      return TRUE;

    case KIND_CONSENT:
      if (!is_bool (value))
        return invalid (error, _("%s.value must be true or false."), path);
      if (fields[f].column != NULL)
        g_string_append_printf (c->sql, "%s = %d", fields[f].column, json_node_get_boolean (value) ? 1 : 0);
      else
        g_string_append_printf (c->sql, "%s%s", json_node_get_boolean (value) ? "" : "NOT ",
                                siyu_consent_reachable_sql (c->shop != NULL ? siyu_consent_get_policy (c->shop)
                                                                            : SIYU_CONSENT_POLICY_UNSET));
      return TRUE;

    case KIND_DAY:
    case KIND_TIME:
      return compile_date (c, f, op, value, path, error);

    case KIND_COUNT:
      return compile_count (c, f, op, value, days_node, path, error);

    case KIND_PRODUCT:
      if (!read_text (value, path, &text, error) ||
          (days_node != NULL && !read_days (days_node, path, "days", 1, &days, error)))
        return FALSE;
      g_string_append (c->sql, g_str_equal (op, "bought") ? "c.id IN " : "c.id NOT IN ");
      g_string_append (c->sql, "(SELECT o.contact_id FROM order_items i JOIN orders o ON o.id = i.order_id "
                               "WHERE o.contact_id IS NOT NULL AND " PAID " AND i.product_id IN "
                               "(SELECT id FROM products WHERE sku = ");
      add_text (c, text);
      if (g_str_equal (fields[f].name, "product"))
        {
          g_string_append (c->sql, " OR name = ");
          add_text (c, text);
        }
      g_string_append_c (c->sql, ')');
      if (days > 0)
        window (c, "o.created_at", days);
      g_string_append_c (c->sql, ')');
      return TRUE;

    case KIND_EVENT:
      if (!read_one_of (value, path, fields[f].values, &text, error) ||
          (days_node != NULL && !read_days (days_node, path, "days", 1, &days, error)))
        return FALSE;
      g_string_append (c->sql, g_str_equal (op, "happened") ? "c.id IN " : "c.id NOT IN ");
      g_string_append (c->sql, "(SELECT e.contact_id FROM events e WHERE e.kind = ");
      add_text (c, text);
      if (days > 0)
        window (c, "e.occurred_at", days);
      g_string_append_c (c->sql, ')');
      return TRUE;

    case KIND_PREDICTION:
      return compile_prediction (c, f, op, value, path, error);

    case KIND_DUE:
      return compile_due (c, f, op, value, path, error);

    default:
      g_assert_not_reached ();
    }
}

/* One compiled member of a group, kept apart until the group is written.
 * A condition that tests one column against one or more values (city is
 * X; stage in [A, B]) in a group that joins them the same way (any for
 * "is", all for "is not") has its column and values, so that such
 * conditions on one column are written as a single IN list. */
typedef struct {
  GString     *sql;
  GArray      *params;
  gboolean     group;
  const char  *column;    /* NULL: not merged */
  JsonNode    *values;    /* the value or list of values */
  gboolean     merged;    /* written with an earlier part's list */
} Part;

/* Whether the condition can join an IN list of its group: its column, or
 * NULL.  @object has compiled already, so its values are valid. */
static const char *
mergeable (JsonObject *object,
           gboolean    any)
{
  const char *name = json_object_get_string_member_with_default (object, "field", "");
  const char *op = json_object_get_string_member_with_default (object, "op", "");

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      if (!g_str_equal (fields[f].name, name))
        continue;
      if (fields[f].kind != KIND_ENUM && fields[f].kind != KIND_TEXT)
        return NULL;
      if (any ? (g_str_equal (op, "is") || (fields[f].kind == KIND_ENUM && g_str_equal (op, "in")))
              : (g_str_equal (op, "is_not") || (fields[f].kind == KIND_ENUM && g_str_equal (op, "not_in"))))
        return fields[f].column;
      return NULL;
    }

  return NULL;
}

/* "column IN (?, …)" or "coalesce (column, '') NOT IN (?, …)" of every
 * value of the parts on @column from @first on, which are marked merged. */
static void
write_merged (Compiler *c,
              GArray   *parts,
              guint     first,
              gboolean  any)
{
  Part *head = &g_array_index (parts, Part, first);
  guint n = 0;

  g_string_append_printf (c->sql, any ? "(%s IN (" : "(coalesce (%s, '') NOT IN (", head->column);
  for (guint i = first; i < parts->len; i++)
    {
      Part *part = &g_array_index (parts, Part, i);

      if (part->column == NULL || !g_str_equal (part->column, head->column))
        continue;
      part->merged = TRUE;
      if (JSON_NODE_HOLDS_ARRAY (part->values))
        {
          JsonArray *list = json_node_get_array (part->values);

          for (guint k = 0; k < json_array_get_length (list); k++)
            {
              if (n++ > 0)
                g_string_append (c->sql, ", ");
              add_text (c, json_array_get_string_element (list, k));
            }
        }
      else
        {
          if (n++ > 0)
            g_string_append (c->sql, ", ");
          add_text (c, json_node_get_string (part->values));
        }
    }
  g_string_append (c->sql, "))");
}

static void
part_clear (gpointer data)
{
  Part *part = data;

  if (part->sql != NULL)
    g_string_free (part->sql, TRUE);
  g_clear_pointer (&part->params, g_array_unref);
}

/* Moves a part's values to the end of @c's, in order. */
static void
take_params (Compiler *c,
             Part     *part)
{
  for (guint i = 0; i < part->params->len; i++)
    {
      Param *param = &g_array_index (part->params, Param, i);

      g_array_append_val (c->params, *param);
      param->s = NULL;
    }
  g_array_set_size (part->params, 0);
}

static gboolean
compile_group (Compiler    *c,
               JsonObject  *object,
               const char  *path,
               guint        depth,
               GError     **error)
{
  g_autoptr(GList) keys = json_object_get_members (object);
  g_autoptr(GArray) parts = NULL;
  JsonNode *match = json_object_get_member (object, "match");
  JsonNode *list = json_object_get_member (object, "conditions");
  const char *where = *path != '\0' ? path : _("The segment");
  JsonArray *array;
  gboolean any;
  guint n, params, written, members;

  if (depth > SIYU_SEGMENT_MAX_DEPTH)
    return invalid (error, _("%s is nested more than %d deep."), path, SIYU_SEGMENT_MAX_DEPTH);
  for (GList *l = keys; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "match") && !g_str_equal (l->data, "conditions"))
      return invalid (error, _("%s has an unknown key “%s”: a group has match and conditions."),
                      where, (const char *) l->data);
  if (!is_text (match) ||
      (!g_str_equal (json_node_get_string (match), "all") && !g_str_equal (json_node_get_string (match), "any")))
    return invalid (error, _("%s.match must be “all” or “any”."), where);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return invalid (error, _("%s.conditions must be a list."), where);

  any = g_str_equal (json_node_get_string (match), "any");
  array = json_node_get_array (list);
  n = json_array_get_length (array);
  if (n > SIYU_SEGMENT_MAX_CONDITIONS - c->count)
    return invalid (error, _("The segment has more than %d conditions."), SIYU_SEGMENT_MAX_CONDITIONS);
  c->count += n;

  if (n == 0)
    {
      g_string_append (c->sql, any ? "0" : "1");
      return TRUE;
    }

  /* Every member is compiled on its own first, in the definition's order,
   * so that errors name the first part at fault and values stay in order
   * with their placeholders. */
  parts = g_array_sized_new (FALSE, TRUE, sizeof (Part), n);
  g_array_set_clear_func (parts, part_clear);
  params = c->params->len;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *child = g_strdup_printf ("%s%sconditions[%u]", path, *path != '\0' ? "." : "", i);
      Compiler sub = { c->shop, c->today, g_string_new (NULL), params_new (), c->count };
      Part part = { sub.sql, sub.params, FALSE, NULL, NULL, FALSE };
      JsonObject *object_element;
      gboolean ok;

      g_array_append_val (parts, part);
      if (!JSON_NODE_HOLDS_OBJECT (element))
        return invalid (error, _("%s must be an object."), child);
      object_element = json_node_get_object (element);
      if (json_object_has_member (object_element, "conditions") || json_object_has_member (object_element, "match"))
        {
          g_array_index (parts, Part, i).group = TRUE;
          ok = compile_group (&sub, object_element, child, depth + 1, error);
        }
      else
        {
          g_string_append_c (sub.sql, '(');
          ok = compile_condition (&sub, object_element, child, error);
          g_string_append_c (sub.sql, ')');
          if (ok && (g_array_index (parts, Part, i).column = mergeable (object_element, any)) != NULL)
            g_array_index (parts, Part, i).values = json_object_get_member (object_element, "value");
        }
      c->count = sub.count;
      if (!ok)
        return FALSE;
      params += sub.params->len;
      if (params > MAX_PARAMS)
        return invalid (error, _("The segment is too large: it has more than %d values."), MAX_PARAMS);
    }

  /* Conditions on one column that two or more members test alike become
   * one IN list: 1,000 cities are one lookup, not 1,000 comparisons. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GHashTable) twice = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < n; i++)
      {
        const char *column = g_array_index (parts, Part, i).column;

        if (column != NULL && !g_hash_table_add (seen, (gpointer) column))
          g_hash_table_add (twice, (gpointer) column);
      }
    for (guint i = 0; i < n; i++)
      {
        Part *part = &g_array_index (parts, Part, i);

        if (part->column != NULL && !g_hash_table_contains (twice, part->column))
          part->column = NULL;
      }
  }
  members = 0;
  for (guint i = 0; i < n; i++)
    {
      Part *part = &g_array_index (parts, Part, i);
      gboolean first = TRUE;

      for (guint j = 0; j < i && first && part->column != NULL; j++)
        first = g_strcmp0 (g_array_index (parts, Part, j).column, part->column) != 0;
      members += part->column == NULL || first;
    }

  /* SQLite refuses an expression more than 1,000 operators deep and runs
   * out of parser stack about 35 parentheses to the right of an operator,
   * so a group is written as runs of at most GROUP_RUN members, each in
   * parentheses, joined by the same operator: 1,000 members are at most
   * GROUP_RUN + 1000 / GROUP_RUN deep.  Nested groups come first in the
   * first run, where their parentheses cost the parser no stack for the
   * operators before them; AND and OR do not depend on the order. */
  g_string_append_c (c->sql, '(');
  written = 0;
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        Part *part = &g_array_index (parts, Part, i);

        if (part->group != (pass == 0) || part->merged)
          continue;
        if (written > 0 && written % GROUP_RUN == 0)
          g_string_append_c (c->sql, ')');
        if (written > 0)
          g_string_append (c->sql, any ? " OR " : " AND ");
        if (members > GROUP_RUN && written % GROUP_RUN == 0)
          g_string_append_c (c->sql, '(');
        if (part->column != NULL)
          write_merged (c, parts, i, any);
        else
          {
            g_string_append_len (c->sql, part->sql->str, part->sql->len);
            take_params (c, part);
          }
        written++;
      }
  if (members > GROUP_RUN)
    g_string_append_c (c->sql, ')');
  g_string_append_c (c->sql, ')');

  return TRUE;
}

static SiyuSegmentQuery *
compile (SiyuShop  *shop,
         JsonNode  *definition,
         GError   **error)
{
  Compiler c = { shop, shop != NULL ? siyu_shop_get_today (shop) : 0, NULL, NULL, 0 };
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) params = params_new ();
  SiyuSegmentQuery *query;

  if (definition == NULL || !JSON_NODE_HOLDS_OBJECT (definition))
    {
      invalid (error, _("The segment must be a JSON object with match and conditions."));
      return NULL;
    }
  c.sql = sql;
  c.params = params;
  if (!compile_group (&c, json_node_get_object (definition), "", 1, error))
    return NULL;

  query = g_new0 (SiyuSegmentQuery, 1);
  query->shop = shop != NULL ? g_object_ref (shop) : NULL;
  query->condition = g_string_free (g_steal_pointer (&sql), FALSE);
  query->params = g_steal_pointer (&params);
  query->definition = json_node_copy (definition);

  return query;
}

/**
 * siyu_segment_query_new:
 * @definition: a segment definition (see the top of this file)
 *
 * Checks @definition and compiles it for @shop as of today.
 *
 * Returns: (transfer full): the query, or %NULL with @error set
 */
SiyuSegmentQuery *
siyu_segment_query_new (SiyuShop  *shop,
                        JsonNode  *definition,
                        GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  return compile (shop, definition, error);
}

void
siyu_segment_query_free (SiyuSegmentQuery *query)
{
  if (query == NULL)
    return;
  g_clear_object (&query->shop);
  g_free (query->condition);
  g_array_unref (query->params);
  g_clear_pointer (&query->definition, json_node_unref);
  g_free (query);
}

/* The WHERE condition on c and m, with ? for every value. */
const char *
siyu_segment_query_get_condition (SiyuSegmentQuery *query)
{
  return query->condition;
}

guint
siyu_segment_query_get_n_params (SiyuSegmentQuery *query)
{
  return query->params->len;
}

/* The days of the conditions with "as_of" that read figures, each once. */
static void
collect_as_of_days (JsonNode *node,
                    GArray   *days)
{
  JsonObject *object;
  JsonNode *list, *as_of, *field, *op;
  SiyuDay day;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);
  list = json_object_get_member (object, "conditions");
  if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_as_of_days (json_array_get_element (array, i), days);
      return;
    }

  as_of = json_object_get_member (object, "as_of");
  field = json_object_get_member (object, "field");
  op = json_object_get_member (object, "op");
  if (!is_text (as_of) || !is_text (field) || !is_text (op) || !siyu_day_parse (json_node_get_string (as_of), &day))
    return;
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    if (g_str_equal (fields[f].name, json_node_get_string (field)))
      {
        if (!reads_metrics (f, json_node_get_string (op), json_object_get_member (object, "days")))
          return;
        for (guint i = 0; i < days->len; i++)
          if (g_array_index (days, SiyuDay, i) == day)
            return;
        g_array_append_val (days, day);
        return;
      }
}

typedef struct {
  gint64 data_version;
  gint64 changes;
} Filled;

/* Puts every contact's figures as of @day (siyu_analytics_compute()) in
 * METRICS_AS_OF, unless they are there and nothing changed in the shop
 * since: the temporary table lives as long as the connection. */
static gboolean
fill_metrics_as_of (SiyuShop  *shop,
                    SiyuDay    day,
                    GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *text = siyu_day_format (day);
  GHashTable *filled = g_object_get_data (G_OBJECT (shop), "siyu-metrics-as-of");
  g_autoptr(SiyuAnalytics) analytics = NULL;
  Filled *was, now;
  sqlite3_stmt *stmt;

  if (filled == NULL)
    {
      filled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_object_set_data_full (G_OBJECT (shop), "siyu-metrics-as-of", filled, (GDestroyNotify) g_hash_table_unref);
    }
  now.data_version = siyu_db_query_int (db, "PRAGMA data_version", error);
  if (now.data_version < 0)
    return FALSE;
  now.changes = sqlite3_total_changes64 (siyu_db_get_handle (db));
  was = g_hash_table_lookup (filled, text);
  if (was != NULL && was->data_version == now.data_version && was->changes == now.changes)
    return TRUE;
  g_hash_table_remove (filled, text);

  analytics = siyu_analytics_compute (shop, day, NULL, NULL, NULL, error);
  if (analytics == NULL)
    return FALSE;

  if (!siyu_db_exec (db, "CREATE TEMP TABLE IF NOT EXISTS siyu_metrics_as_of ("
                         "  as_of TEXT NOT NULL, contact_id INTEGER NOT NULL, orders INTEGER, net_spend INTEGER, "
                         "  first_order TEXT, last_order TEXT, stage TEXT, rfm_r_score INTEGER, rfm_f_score INTEGER, "
                         "  rfm_m_score INTEGER, rfm_segment TEXT, tier_id INTEGER, tier_gap INTEGER, pyramid TEXT, "
                         "  aipl TEXT, PRIMARY KEY (as_of, contact_id)) WITHOUT ROWID; "
                         "SAVEPOINT siyu_metrics_as_of", error))
    return FALSE;
  stmt = siyu_db_prepare (db, "DELETE FROM " METRICS_AS_OF " WHERE as_of = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    goto failed;
  stmt = siyu_db_prepare (db, "INSERT INTO " METRICS_AS_OF " (as_of, contact_id, orders, net_spend, first_order, "
                              "  last_order, stage, rfm_r_score, rfm_f_score, rfm_m_score, rfm_segment, tier_id, "
                              "  tier_gap, pyramid, aipl) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  for (guint i = 0; i < siyu_analytics_get_n_contacts (analytics); i++)
    {
      const SiyuContactMetrics *m = siyu_analytics_get_contact (analytics, i);
      g_autofree char *first = m->first_order != SIYU_DAY_INVALID ? siyu_day_format (m->first_order) : NULL;
      g_autofree char *last = m->last_order != SIYU_DAY_INVALID ? siyu_day_format (m->last_order) : NULL;

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, m->contact_id);
      sqlite3_bind_int64 (stmt, 3, m->orders);
      sqlite3_bind_int64 (stmt, 4, m->net_spend);
      sqlite3_bind_text (stmt, 5, first, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, last, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 7, siyu_stage_to_string (m->stage), -1, SQLITE_STATIC);
      if (m->rfm_r >= 0)
        {
          sqlite3_bind_int (stmt, 8, m->rfm_r_score);
          sqlite3_bind_int (stmt, 9, m->rfm_f_score);
          sqlite3_bind_int (stmt, 10, m->rfm_m_score);
          sqlite3_bind_text (stmt, 11, siyu_rfm_segment_to_string (m->rfm_segment), -1, SQLITE_STATIC);
        }
      if (m->tier_id > 0)
        sqlite3_bind_int64 (stmt, 12, m->tier_id);
      if (m->tier_gap >= 0)
        sqlite3_bind_int64 (stmt, 13, m->tier_gap);
      sqlite3_bind_text (stmt, 14, siyu_pyramid_level_to_string (m->pyramid), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 15, siyu_aipl_stage_to_string (m->aipl), -1, SQLITE_STATIC);
      if (siyu_db_step (db, stmt, error) < 0)
        goto failed;
    }
  sqlite3_reset (stmt);
  if (!siyu_db_exec (db, "RELEASE siyu_metrics_as_of", error))
    goto failed;

  now.changes = sqlite3_total_changes64 (siyu_db_get_handle (db));
  g_hash_table_insert (filled, g_steal_pointer (&text), g_memdup2 (&now, sizeof now));
  return TRUE;

failed:
  siyu_db_exec (db, "ROLLBACK TO siyu_metrics_as_of; RELEASE siyu_metrics_as_of", NULL);
  return FALSE;
}

static gboolean
prepare_as_of (SiyuSegmentQuery  *query,
               GError           **error)
{
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));

  collect_as_of_days (query->definition, days);
  for (guint i = 0; i < days->len; i++)
    if (!fill_metrics_as_of (query->shop, g_array_index (days, SiyuDay, i), error))
      return FALSE;

  return TRUE;
}

/**
 * siyu_segment_query_prepare:
 * @select_sql: "SELECT …" naming columns of contacts c and contact_metrics m
 * @tail_sql: (nullable): what follows the condition: "ORDER BY c.id"
 *
 * Prepares "@select_sql FROM contacts c LEFT JOIN contact_metrics m … WHERE
 * c.erased_at IS NULL AND (condition) @tail_sql" with the values bound.
 * The caller finalizes it.
 */
sqlite3_stmt *
siyu_segment_query_prepare (SiyuSegmentQuery  *query,
                            const char        *select_sql,
                            const char        *tail_sql,
                            GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (query->shop);
  g_autofree char *sql = g_strdup_printf ("%s FROM contacts c LEFT JOIN contact_metrics m ON m.contact_id = c.id "
                                          "WHERE c.erased_at IS NULL AND %s %s",
                                          select_sql, query->condition, tail_sql != NULL ? tail_sql : "");
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare_as_of (query, error))
    return NULL;
  rc = sqlite3_prepare_v2 (siyu_db_get_handle (db), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  for (guint i = 0; i < query->params->len; i++)
    {
      const Param *param = &g_array_index (query->params, Param, i);

      switch (param->kind)
        {
        case PARAM_INT:
          sqlite3_bind_int64 (stmt, (int) i + 1, param->i);
          break;
        case PARAM_DOUBLE:
          sqlite3_bind_double (stmt, (int) i + 1, param->d);
          break;
        case PARAM_TEXT:
          sqlite3_bind_text (stmt, (int) i + 1, param->s, -1, SQLITE_STATIC);
          break;
        case PARAM_NULL:
        default:
          sqlite3_bind_null (stmt, (int) i + 1);
          break;
        }
    }

  return stmt;
}

/**
 * siyu_segment_query_count:
 * @total: (out): how many contacts match
 * @unreachable: (out) (optional): how many of them cannot be contacted
 *   (siyu_consent_reachable_sql() under the shop's policy)
 */
gboolean
siyu_segment_query_count (SiyuSegmentQuery  *query,
                          gint64            *total,
                          gint64            *unreachable,
                          GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (query->shop);
  sqlite3_stmt *stmt;
  int rc;
  g_autofree char *select = g_strdup_printf ("SELECT count (*), coalesce (sum (NOT %s), 0)",
                                             siyu_consent_shop_reachable_sql (query->shop));

  stmt = siyu_segment_query_prepare (query, select, NULL, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *total = sqlite3_column_int64 (stmt, 0);
      if (unreachable != NULL)
        *unreachable = sqlite3_column_int64 (stmt, 1);
    }
  else
    siyu_db_set_error (db, rc, error);
  sqlite3_finalize (stmt);

  return rc == SQLITE_ROW;
}

/**
 * siyu_segment_query_members:
 * @reachable_only: leave out those who may not be contacted
 *
 * Returns: (transfer full) (element-type gint64): the ids, ascending
 */
GArray *
siyu_segment_query_members (SiyuSegmentQuery  *query,
                            gboolean           reachable_only,
                            GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (query->shop);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *tail = NULL;
  sqlite3_stmt *stmt;
  int rc;

  tail = reachable_only ? g_strdup_printf ("AND %s ORDER BY c.id", siyu_consent_shop_reachable_sql (query->shop))
                        : g_strdup ("ORDER BY c.id");
  stmt = siyu_segment_query_prepare (query, "SELECT c.id", tail, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    siyu_db_set_error (db, rc, error);
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
}

/**
 * siyu_segment_check:
 *
 * Checks a definition without a shop; the message names the path of the
 * part at fault, such as “conditions[2].value must be a number.”
 */
gboolean
siyu_segment_check (JsonNode  *definition,
                    GError   **error)
{
  g_autoptr(SiyuSegmentQuery) query = compile (NULL, definition, error);

  return query != NULL;
}

gboolean
siyu_segment_count (SiyuShop   *shop,
                    JsonNode   *definition,
                    gint64     *total,
                    gint64     *unreachable,
                    GError    **error)
{
  g_autoptr(SiyuSegmentQuery) query = siyu_segment_query_new (shop, definition, error);

  return query != NULL && siyu_segment_query_count (query, total, unreachable, error);
}

GArray *
siyu_segment_members (SiyuShop  *shop,
                      JsonNode  *definition,
                      GError   **error)
{
  g_autoptr(SiyuSegmentQuery) query = siyu_segment_query_new (shop, definition, error);

  return query != NULL ? siyu_segment_query_members (query, FALSE, error) : NULL;
}

/* Saved segments. */

static int
builtin_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_strcmp0 (builtins[i].name, name) == 0)
      return (int) i;

  return -1;
}

/**
 * siyu_segment_get_title:
 * @name: (nullable): a segment's name as stored, or a touch's, which is
 *   the name of the segment it went to
 *
 * Returns: (transfer none): a built-in segment's name in the owner's
 *   language, else @name as the owner wrote it
 */
const char *
siyu_segment_get_title (const char *name)
{
  int index = builtin_index (name);

  return index >= 0 ? _(builtins[index].name) : name;
}

/* Adds the built-in segments a shop does not have yet. */
static gboolean
ensure_builtins (SiyuShop  *shop,
                 GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 have;

  /* A shop opened read-only lists the segments it holds. */
  if (siyu_shop_is_read_only (shop))
    return TRUE;
  have = siyu_db_query_int (db, "SELECT count (*) FROM segments WHERE builtin = 1", error);
  if (have < 0)
    return FALSE;
  if (have >= (gint64) G_N_ELEMENTS (builtins))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      stmt = siyu_db_prepare (db, "INSERT INTO segments (name, definition, builtin, created_at, updated_at) "
                                  "VALUES (?, ?, 1, ?, ?) ON CONFLICT (name) DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, builtins[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, builtins[i].definition, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static JsonNode *
segment_to_json (SiyuShop     *shop,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *name = (const char *) sqlite3_column_text (stmt, 1);
  gboolean builtin = sqlite3_column_int (stmt, 3) != 0;
  int index = builtin ? builtin_index (name) : -1;
  const char *text = (const char *) sqlite3_column_text (stmt, 2);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *what = g_strdup_printf (_("The definition of the segment “%s”"), name != NULL ? name : "");
  JsonNode *definition = text != NULL ? siyu_json_parse (text, -1, what, &local_error) : NULL;

  /* The shop file is untrusted: a definition stored in it may nest deeper
   * than json-glib's recursion survives; a damaged file can hold anything,
   * or nothing, in place of a definition. */
  if (definition == NULL && local_error != NULL && g_error_matches (local_error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (definition == NULL)
    {
      g_autofree char *file = g_filename_display_name (siyu_shop_get_path (shop));

      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT,
                   _("“%s” is damaged: the definition of segment %lld cannot be read. Restore it from a backup."),
                   file, (long long) sqlite3_column_int64 (stmt, 0));
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, index >= 0 ? _(builtins[index].name) : name);
  json_builder_set_member_name (builder, "builtin");
  json_builder_add_boolean_value (builder, builtin);
  if (index >= 0)
    {
      json_builder_set_member_name (builder, "name_zh");
      json_builder_add_string_value (builder, builtins[index].name_zh);
      json_builder_set_member_name (builder, "explanation");
      json_builder_add_string_value (builder, _(builtins[index].explanation));
    }
  json_builder_set_member_name (builder, "definition");
  json_builder_add_value (builder, definition);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_segments_list:
 *
 * Returns: (transfer full): the saved segments, built-in ones first, as
 *   [{ id, name, title, builtin, name_zh?, explanation?, definition }]
 */
JsonNode *
siyu_segments_list (SiyuShop  *shop,
                    GError   **error)
{
  SiyuDb *db;
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *root;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!ensure_builtins (shop, error))
    return NULL;
  stmt = siyu_db_prepare (db, "SELECT id, name, definition, builtin FROM segments ORDER BY builtin DESC, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      JsonNode *node = segment_to_json (shop, stmt, error);

      if (node == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      json_array_add_element (array, node);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  root = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (root, array);

  return root;
}

/**
 * siyu_segment_lookup:
 * @name: a segment's name; a built-in one's zh_CN name or translated name
 *   also finds it
 *
 * Returns: the segment's id, or 0 with @error set
 */
gint64
siyu_segment_lookup (SiyuShop    *shop,
                     const char  *name,
                     GError     **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  const char *stored = name;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);
  g_return_val_if_fail (name != NULL, 0);

  db = siyu_shop_get_db (shop);
  if (!ensure_builtins (shop, error))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (name, builtins[i].name_zh) || g_str_equal (name, _(builtins[i].name)))
      stored = builtins[i].name;

  stmt = siyu_db_prepare (db, "SELECT id FROM segments WHERE name = ? ORDER BY builtin LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc < 0)
    return 0;
  if (id == 0 && stored != name)
    {
      stmt = siyu_db_prepare (db, "SELECT id FROM segments WHERE name = ? ORDER BY builtin LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, stored, -1, SQLITE_STATIC);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc < 0)
        return 0;
    }
  if (id == 0)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment called “%s”."), name);

  return id;
}

/**
 * siyu_segment_get:
 *
 * Returns: (transfer full): { id, name, title, builtin, name_zh?,
 *   explanation?, definition }, or %NULL with @error set
 */
JsonNode *
siyu_segment_get (SiyuShop   *shop,
                  gint64      segment_id,
                  GError    **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  JsonNode *node = NULL;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id, name, definition, builtin FROM segments WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    node = segment_to_json (shop, stmt, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment %lld."), (long long) segment_id);
  sqlite3_reset (stmt);

  return node;
}

/**
 * siyu_segment_dup_definition:
 *
 * Returns: (transfer full): the stored definition of a segment
 */
JsonNode *
siyu_segment_dup_definition (SiyuShop  *shop,
                             gint64     segment_id,
                             GError   **error)
{
  g_autoptr(JsonNode) node = siyu_segment_get (shop, segment_id, error);

  if (node == NULL)
    return NULL;

  return json_node_copy (json_object_get_member (json_node_get_object (node), "definition"));
}

static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      invalid (error, _("A segment needs a name."));
      return NULL;
    }
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      invalid (error, _("A segment needs a name."));
      return NULL;
    }
  if (g_utf8_strlen (stripped, -1) > MAX_NAME)
    {
      invalid (error, _("The name of a segment can have at most %d characters."), MAX_NAME);
      return NULL;
    }

  return g_steal_pointer (&stripped);
}

static gboolean
name_taken (SiyuDb      *db,
            const char  *name,
            gint64       except,
            gboolean    *taken,
            GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT count (*) FROM segments WHERE name = ? AND id <> ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except);
  rc = siyu_db_step (db, stmt, error);
  *taken = rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (name, builtins[i].name) || g_str_equal (name, builtins[i].name_zh))
      *taken = TRUE;

  return TRUE;
}

static gboolean
audit (SiyuShop    *shop,
       const char  *action,
       gint64       segment_id,
       const char  *name,
       GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  detail = json_to_string (node, FALSE);

  return siyu_shop_audit (shop, action, "segment", segment_id, detail, error);
}

/* Returns the row's builtin flag and name, or FALSE with NOT_FOUND. */
static gboolean
load_row (SiyuDb     *db,
          gint64      segment_id,
          gboolean   *builtin,
          char      **name,
          char      **definition,
          GError    **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT builtin, name, definition FROM segments WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *builtin = sqlite3_column_int (stmt, 0) != 0;
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (definition != NULL)
        *definition = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND,
                 _("There is no segment %lld."), (long long) segment_id);

  return rc == SQLITE_ROW;
}

static gint64
insert_segment (SiyuShop    *shop,
                const char  *name,
                const char  *definition,
                const char  *action,
                GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *clean = check_name (name, error);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean taken;
  gint64 id;

  if (clean == NULL || !ensure_builtins (shop, error))
    return 0;
  if (!siyu_db_begin (db, error))
    return 0;
  if (!name_taken (db, clean, 0, &taken, error))
    goto failed;
  if (taken)
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS,
                   _("There is already a segment called “%s”."), clean);
      goto failed;
    }
  stmt = siyu_db_prepare (db, "INSERT INTO segments (name, definition, builtin, created_at, updated_at) "
                              "VALUES (?, ?, 0, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, definition, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!siyu_db_step_done (db, stmt, error))
    goto failed;
  id = siyu_db_last_insert_id (db);
  if (!audit (shop, action, id, clean, error) || !siyu_db_commit (db, error))
    goto failed;

  return id;

failed:
  siyu_db_rollback (db);
  return 0;
}

/**
 * siyu_segment_create:
 *
 * Checks @definition and saves it under @name, which no other segment has.
 *
 * Returns: the new segment's id, or 0 with @error set
 */
gint64
siyu_segment_create (SiyuShop    *shop,
                     const char  *name,
                     JsonNode    *definition,
                     GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  if (!siyu_segment_check (definition, error))
    return 0;
  text = json_to_string (definition, FALSE);

  return insert_segment (shop, name, text, "segment-create", error);
}

gboolean
siyu_segment_rename (SiyuShop    *shop,
                     gint64       segment_id,
                     const char  *name,
                     GError     **error)
{
  SiyuDb *db;
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin, taken;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  clean = check_name (name, error);
  if (clean == NULL || !load_row (db, segment_id, &builtin, NULL, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be renamed; duplicate it instead."));
      return FALSE;
    }
  if (!siyu_db_begin (db, error))
    return FALSE;
  if (!name_taken (db, clean, segment_id, &taken, error))
    goto failed;
  if (taken)
    {
      g_set_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS,
                   _("There is already a segment called “%s”."), clean);
      goto failed;
    }
  stmt = siyu_db_prepare (db, "UPDATE segments SET name = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-rename", segment_id, clean, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

gboolean
siyu_segment_update (SiyuShop    *shop,
                     gint64       segment_id,
                     JsonNode    *definition,
                     GError     **error)
{
  SiyuDb *db;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &name, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be changed; duplicate it instead."));
      return FALSE;
    }
  if (!siyu_segment_check (definition, error))
    return FALSE;
  text = json_to_string (definition, FALSE);
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "UPDATE segments SET definition = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-update", segment_id, name, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_segment_duplicate:
 * @name: (nullable): the copy's name; %NULL for “NAME (copy)”
 *
 * Returns: the copy's id, or 0 with @error set
 */
gint64
siyu_segment_duplicate (SiyuShop    *shop,
                        gint64       segment_id,
                        const char  *name,
                        GError     **error)
{
  SiyuDb *db;
  g_autofree char *original = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *copy = NULL;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &original, &definition, error))
    return 0;

  if (name == NULL)
    {
      const char *title = builtin && builtin_index (original) >= 0 ? _(original) : original;

      for (int i = 1; i < 1000; i++)
        {
          gboolean taken;

          g_free (copy);
          /* Translators: the name of a copy of a segment; %s is the segment's name. */
          copy = i == 1 ? g_strdup_printf (_("%s (copy)"), title)
                        /* Translators: the name of the second, third… copy of a segment. */
                        : g_strdup_printf (_("%s (copy %d)"), title, i);
          if (!name_taken (db, copy, 0, &taken, error))
            return 0;
          if (!taken)
            break;
        }
      name = copy;
    }

  return insert_segment (shop, name, definition, "segment-duplicate", error);
}

gboolean
siyu_segment_delete (SiyuShop  *shop,
                     gint64     segment_id,
                     GError   **error)
{
  SiyuDb *db;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gboolean builtin;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!load_row (db, segment_id, &builtin, &name, NULL, error))
    return FALSE;
  if (builtin)
    {
      g_set_error_literal (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN,
                           _("A built-in segment cannot be deleted."));
      return FALSE;
    }
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "DELETE FROM segments WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, segment_id);
  if (!siyu_db_step_done (db, stmt, error) ||
      !audit (shop, "segment-delete", segment_id, name, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}
