/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-sync-private.h"
#include "siyu-text.h"

/* The values of a platform's answer as the connectors read them: money
 * exactly, times, text with its HTML entities decoded, ids that are
 * integers or strings, and the objects and arrays a record holds.  What
 * is missing or of the wrong type is %NULL or an error naming the
 * member, never a guess. */

/**
 * _siyu_sync_parse_money:
 * @text: a decimal such as "598.94", "-189.00" or "199"
 *
 * Exact: digits beyond the currency's are accepted only when they are 0.
 */
gboolean
_siyu_sync_parse_money (const char *text,
                        int         digits,
                        gint64     *amount)
{
  gboolean negative = FALSE;
  gint64 value = 0;
  int fraction = -1;
  const char *p = text;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (!g_ascii_isdigit (*p) && !(*p == '.' && g_ascii_isdigit (p[1])))
    return FALSE;
  for (; *p != '\0'; p++)
    {
      if (*p == '.' && fraction < 0)
        {
          fraction = 0;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        break;
      if (fraction >= digits)
        {
          if (*p != '0')
            return FALSE;
          continue;
        }
      if (value > (G_MAXINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (*p - '0');
      if (fraction >= 0)
        fraction++;
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;
  for (int f = MAX (fraction, 0); f < digits; f++)
    {
      if (value > G_MAXINT64 / 10)
        return FALSE;
      value *= 10;
    }
  *amount = negative ? -value : value;

  return TRUE;
}

/* Money may be a string (the rule) or a JSON number (WooCommerce's line
 * price, Shopify's refund subtotal).  A number is read back through the
 * shortest text that gives the same double, which is the text the platform
 * wrote for any amount with two decimals. */
gboolean
_siyu_sync_money_member (SiyuSyncJob  *job,
                         JsonObject   *object,
                         const char   *member,
                         gint64       *amount,
                         GError      **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *amount = 0;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        text = json_node_get_string (node);
      else if (type == G_TYPE_INT64)
        {
          g_snprintf (buffer, sizeof buffer, "%lld", (long long) json_node_get_int (node));
          text = buffer;
        }
      else if (type == G_TYPE_DOUBLE)
        text = g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node));
    }
  if (text != NULL && *text == '\0')
    {
      *amount = 0;
      return TRUE;
    }
  if (text == NULL || !_siyu_sync_parse_money (text, job->digits, amount))
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                   _("“%s” is not an amount of money."), member);
      return FALSE;
    }

  return TRUE;
}

/**
 * _siyu_sync_shop_money:
 * @member: a money member such as "total_price"
 *
 * Shopify's money in the shop's currency: the shop_money of @member's
 * "_set" twin when there is one (the plain member may be in the buyer's
 * presentment currency on a multi-currency shop), else @member.
 */
gboolean
_siyu_sync_shop_money (SiyuSyncJob  *job,
                       JsonObject   *object,
                       const char   *member,
                       gint64       *amount,
                       GError      **error)
{
  g_autofree char *set_name = g_strconcat (member, "_set", NULL);
  JsonObject *shop_money = _siyu_sync_object (_siyu_sync_object (object, set_name), "shop_money");

  if (shop_money != NULL && json_object_has_member (shop_money, "amount"))
    {
      if (_siyu_sync_money_member (job, shop_money, "amount", amount, NULL))
        return TRUE;
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                   _("“%s” is not an amount of money."), set_name);
      return FALSE;
    }

  return _siyu_sync_money_member (job, object, member, amount, error);
}

/**
 * _siyu_sync_parse_time:
 * @default_offset: the offset of a time written without one: "Z" for
 *   WooCommerce's _gmt fields, "+08:00" for Youzan's Beijing time
 *
 * Returns: UTC seconds, or 0 for a blank or unreadable time.
 */
gint64
_siyu_sync_parse_time (const char *text,
                       const char *default_offset)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *iso = NULL;

  if (siyu_text_is_blank (text))
    return 0;
  iso = g_strstrip (g_strdup (text));
  if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';
  tz = g_time_zone_new_identifier (default_offset);
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  time = g_date_time_new_from_iso8601 (iso, tz);
  if (time == NULL)
    return 0;

  return g_date_time_to_unix (time);
}

const char *
_siyu_sync_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* A text member, %NULL when it is missing, not text or blank. */
const char *
_siyu_sync_text (JsonObject *object,
                 const char *member)
{
  const char *text = _siyu_sync_string (object, member);

  return siyu_text_is_blank (text) ? NULL : text;
}

/* Named entities WordPress and WooCommerce write into text (wptexturize,
 * product attributes); numeric ones are decoded by number. */
static const struct {
  const char *name;
  gunichar    c;
} entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' }, { "nbsp", 0x00A0 },
  { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "times", 0x00D7 }, { "hellip", 0x2026 }, { "lsquo", 0x2018 },
  { "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "bdquo", 0x201E },
  { "laquo", 0x00AB }, { "raquo", 0x00BB }, { "copy", 0x00A9 }, { "reg", 0x00AE }, { "trade", 0x2122 },
  { "euro", 0x20AC }, { "pound", 0x00A3 }, { "yen", 0x00A5 }, { "cent", 0x00A2 }, { "deg", 0x00B0 },
  { "middot", 0x00B7 }, { "bull", 0x2022 }, { "prime", 0x2032 }, { "Prime", 0x2033 }, { "minus", 0x2212 },
  { "frac12", 0x00BD }, { "frac14", 0x00BC }, { "frac34", 0x00BE }, { "sup2", 0x00B2 }, { "divide", 0x00F7 },
  { "plusmn", 0x00B1 }, { "shy", 0x00AD }, { "zwj", 0x200D }, { "zwnj", 0x200C }, { "lrm", 0x200E },
  { "rlm", 0x200F }, { "thinsp", 0x2009 }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
};

/**
 * _siyu_sync_decode_html:
 *
 * Decodes the HTML entities in @text (&ndash; &#8211; &#x2013;); an
 * ampersand that starts none, or a code point that is not a character,
 * is kept as written.
 *
 * Returns: (transfer full) (nullable): the text, %NULL for %NULL
 */
char *
_siyu_sync_decode_html (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  if (strchr (text, '&') == NULL)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; )
    {
      const char *semicolon;
      gunichar c = 0;

      if (*p != '&' || (semicolon = strchr (p + 1, ';')) == NULL || semicolon - p > 10)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (p[1] == '#')
        {
          gboolean hex = p[2] == 'x' || p[2] == 'X';
          const char *digits = p + (hex ? 3 : 2);
          char *end = NULL;
          guint64 value = digits < semicolon ? g_ascii_strtoull (digits, &end, hex ? 16 : 10) : 0;

          if (end == semicolon && value > 0 && value <= 0x10FFFF && g_unichar_validate ((gunichar) value) &&
              (value >= 0x20 || value == '\t' || value == '\n'))
            c = (gunichar) value;
        }
      else
        for (guint i = 0; i < G_N_ELEMENTS (entities) && c == 0; i++)
          if ((gsize) (semicolon - p - 1) == strlen (entities[i].name) &&
              strncmp (p + 1, entities[i].name, semicolon - p - 1) == 0)
            c = entities[i].c;
      if (c == 0)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      g_string_append_unichar (out, c);
      p = semicolon + 1;
    }

  return g_string_free (out, FALSE);
}

/**
 * _siyu_sync_is_youzan_ciphertext:
 *
 * Whether @text is a value Youzan sent encrypted: “$” base64 “$” key
 * version “$”, as the official SDK writes and recognises it
 * (youzan/open-sdk-php, Security/OpenClientSecretServer.php).  Not
 * Taobao's “$187$…$1$”, which has a third part.
 */
gboolean
_siyu_sync_is_youzan_ciphertext (const char *text)
{
  const char *p, *body, *version;
  gsize body_len = 0;

  if (text == NULL || strlen (text) < 4 || text[0] != '$')
    return FALSE;
  body = text + 1;
  for (p = body; g_ascii_isalnum (*p) || *p == '+' || *p == '/'; p++)
    body_len++;
  if (body_len == 0)
    return FALSE;
  for (; *p == '='; p++)
    body_len++;
  if (*p != '$' || body_len % 4 != 0)
    return FALSE;
  version = ++p;
  while (g_ascii_isdigit (*p))
    p++;

  /* The SDK drops a version written "0" before it counts the parts. */
  return p > version && p[0] == '$' && p[1] == '\0' && !(p - version == 1 && version[0] == '0');
}

gint64
_siyu_sync_int (JsonObject *object,
                const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? 1 : 0;

  return 0;
}

/* Ids are JSON integers (read as gint64, never through double) or strings. */
char *
_siyu_sync_id_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) > 0 ? g_strdup_printf ("%lld", (long long) json_node_get_int (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING && !siyu_text_is_blank (json_node_get_string (node)))
    return g_strdup (json_node_get_string (node));

  return NULL;
}

JsonObject *
_siyu_sync_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The @index-th element of @array when it is an object, else %NULL: a
 * platform's array may hold anything. */
JsonObject *
_siyu_sync_element (JsonArray *array,
                    guint      index)
{
  JsonNode *node = array != NULL && index < json_array_get_length (array) ? json_array_get_element (array, index)
                                                                          : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_siyu_sync_array (JsonObject *object,
                  const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}
