/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "siyu-import-guess.h"
#include "siyu-parse.h"

/* Which field a column of an unknown export holds, guessed from its
 * header and from what its first rows look like.
 *
 * The header is compared with the words of headers.json, field by field,
 * after both are folded (case, spaces, dashes, units in brackets).  The
 * same word scores 0.93 to 1, a little less the further down the field's
 * list it is; a header that holds a word, or that differs from a long
 * English word by one letter, scores 0.6 to 0.85.  The values then confirm or
 * deny: a phone column whose cells are not phone numbers, or a time
 * column whose cells are not times, keeps a third of its score.  A
 * column whose header says nothing can still be a phone, an e-mail or a
 * time column by its values alone, at 0.55 to 0.6.  The best pairs are
 * taken first, each field and each column once. */

#define HEADERS_PATH "/io/github/siyu/core/presets/headers.json"
#define VALUES_AGREE 0.8

static GHashTable *dictionary;   /* field → GPtrArray of folded words */

static char *
fold (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *out = g_string_new (NULL);
  int depth = 0;

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == 0xff08 || c == '[' || c == 0x3010)
        depth++;
      else if ((c == ')' || c == 0xff09 || c == ']' || c == 0x3011) && depth > 0)
        depth--;
      else if (depth == 0 && !g_unichar_isspace (c) && !strchr ("_-.:*#'\"", (int) (c < 128 ? c : 1)) &&
               c != 0xff1a && c != 0x3000 && c != 0xfeff)
        g_string_append_unichar (out, c);
    }
  /* "订单号(元)" folds to "订单号"; a header that is all brackets keeps them. */
  if (out->len == 0)
    g_string_assign (out, folded);
  return g_string_free (out, FALSE);
}

static gpointer
load_dictionary (gpointer data G_GNUC_UNUSED)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (HEADERS_PATH, 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *root;

  g_assert (bytes != NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();
  root = json_node_get_object (json_parser_get_root (parser));
  dictionary = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (root, l->data);
      GPtrArray *list;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        continue;
      array = json_node_get_array (node);
      list = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (list, fold (json_array_get_string_element (array, i)));
      g_hash_table_insert (dictionary, g_strdup (l->data), list);
    }
  return NULL;
}

static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 128)
      return FALSE;
  return TRUE;
}

/* Whether @a and @b, in characters, differ by one insertion, deletion
 * or change. */
static gboolean
one_edit_apart (const char *a,
                const char *b)
{
  glong la = g_utf8_strlen (a, -1), lb = g_utf8_strlen (b, -1);
  g_autofree gunichar *ua = NULL;
  g_autofree gunichar *ub = NULL;
  glong i = 0, j = 0;
  gboolean edited = FALSE;

  if (ABS (la - lb) > 1)
    return FALSE;
  ua = g_utf8_to_ucs4_fast (a, -1, NULL);
  ub = g_utf8_to_ucs4_fast (b, -1, NULL);
  while (i < la && j < lb)
    {
      if (ua[i] == ub[j])
        {
          i++;
          j++;
          continue;
        }
      if (edited)
        return FALSE;
      edited = TRUE;
      if (la > lb)
        i++;
      else if (lb > la)
        j++;
      else
        {
          i++;
          j++;
        }
    }
  return edited || i < la || j < lb;
}

/**
 * siyu_import_guess_header:
 *
 * Returns: how sure it is that a column headed @header holds @field,
 *   from its header alone.
 */
double
siyu_import_guess_header (const char *field,
                          const char *header)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *h = NULL;
  GPtrArray *words;
  double best = 0;
  glong h_len;

  g_once (&once, load_dictionary, NULL);
  words = g_hash_table_lookup (dictionary, field);
  if (words == NULL || header == NULL)
    return 0;
  h = fold (header);
  h_len = g_utf8_strlen (h, -1);
  if (h_len == 0)
    return 0;

  for (guint i = 0; i < words->len; i++)
    {
      const char *w = words->pdata[i];
      glong w_len = g_utf8_strlen (w, -1);
      double score = 0;

      if (g_str_equal (h, w))
        score = 1.0 - 0.002 * i;
      else if (w_len < h_len && strstr (h, w) != NULL && (is_ascii (w) ? w_len >= 4 : w_len >= 2))
        score = 0.6 + 0.25 * (double) w_len / (double) h_len - 0.001 * i;
      /* A letter off is a typo in English; one character off in Chinese
       * is another word (子订单编号 is not 原订单编号). */
      else if (w_len >= 5 && is_ascii (w) && one_edit_apart (h, w))
        score = 0.7 - 0.001 * i;
      best = MAX (best, score);
    }
  return best;
}

/* What the values of a column are like. */
typedef struct {
  guint values;
  guint phones;
  guint mobiles;
  guint emails;
  guint times;
  guint amounts;
  guint integers;
} Looks;

static gboolean
looks_like_phone (const char *text,
                  gboolean   *mobile)
{
  guint digits = 0, masked = 0, length = 0;
  char national[16];

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p) || *p == '*')
        {
          if (length < sizeof national - 1)
            national[length] = *p;
          length++;
          digits += g_ascii_isdigit (*p) ? 1 : 0;
          masked += *p == '*' ? 1 : 0;
        }
      else if (!strchr ("+-() ", *p))
        return FALSE;
    }
  national[MIN (length, sizeof national - 1)] = '\0';
  /* An optional 86 before a Chinese mobile. */
  *mobile = (length == 11 && national[0] == '1' && national[1] >= '3' && national[1] <= '9') ||
            (length == 13 && g_str_has_prefix (national, "861") && national[3] >= '3' && national[3] <= '9');
  return length >= 7 && length <= 15 && digits >= 4 && masked <= 8;
}

static gboolean
looks_like_amount (const char *text)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  gint64 minor;
  SiyuParseResult result;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0xa5 && c != 0xffe5 && c != '$' && c != 0x20ac && c != 0xa3 && c != ',' && c != ' ')
        g_string_append_unichar (plain, c);
    }
  result = siyu_parse_amount (plain->str, 2, &minor);
  return result == SIYU_PARSE_OK || result == SIYU_PARSE_TOO_MANY_DECIMALS;
}

static gboolean
looks_like_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 at;
  char *end;
  double serial;

  /* A spreadsheet's date is a serial; 30000 is 1982, before any shop's data. */
  serial = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0')
    return serial >= 30000 && serial < 100000 && siyu_parse_excel_serial (text, utc, &at) == SIYU_PARSE_OK;
  return siyu_parse_time (text, utc, &at) == SIYU_PARSE_OK;
}

static gboolean
looks_like_integer (const char *text)
{
  const char *p = text;

  if (*p == '-' || *p == '+')
    p++;
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
look_at (GPtrArray *rows,
         guint      column,
         Looks     *looks)
{
  memset (looks, 0, sizeof *looks);
  for (guint r = 0; rows != NULL && r < rows->len; r++)
    {
      char **cells = rows->pdata[r];
      g_autofree char *value = NULL;
      gboolean mobile = FALSE;

      if (g_strv_length (cells) <= column)
        continue;
      value = g_strstrip (g_strdup (cells[column]));
      if (*value == '\0')
        continue;
      looks->values++;
      if (looks_like_phone (value, &mobile))
        looks->phones++;
      looks->mobiles += mobile ? 1 : 0;
      if (strchr (value, '@') != NULL && strchr (strchr (value, '@'), '.') != NULL)
        looks->emails++;
      if (looks_like_time (value))
        looks->times++;
      if (looks_like_amount (value))
        looks->amounts++;
      if (looks_like_integer (value))
        looks->integers++;
    }
}

static gboolean
mostly (const Looks *looks,
        guint        n,
        double       share)
{
  return looks->values > 0 && (double) n >= share * looks->values;
}

static gboolean
is_time_field (const char *field)
{
  return g_str_equal (field, "created_at") || g_str_equal (field, "member_since") ||
         g_str_equal (field, "birthday") || g_str_equal (field, "joined_at") ||
         g_str_equal (field, "left_at") || g_str_equal (field, "occurred_at");
}

static gboolean
is_money_field (const char *field)
{
  return g_str_equal (field, "unit_price") || g_str_equal (field, "line_total") ||
         g_str_equal (field, "order_total") || g_str_equal (field, "refunded_amount");
}

/* How far the values bear out a guess from the header. */
static double
values_agree (const char  *field,
              const Looks *looks)
{
  gboolean agree = TRUE;

  if (looks->values == 0)
    return 1;
  if (g_str_equal (field, "phone"))
    agree = mostly (looks, looks->phones, VALUES_AGREE);
  else if (g_str_equal (field, "email"))
    agree = mostly (looks, looks->emails, VALUES_AGREE);
  else if (is_time_field (field))
    agree = mostly (looks, looks->times, VALUES_AGREE);
  else if (is_money_field (field))
    agree = mostly (looks, looks->amounts, VALUES_AGREE);
  else if (g_str_equal (field, "quantity"))
    agree = mostly (looks, looks->integers, VALUES_AGREE);
  return agree ? 1 : 1.0 / 3;
}

/* A guess from the values alone, for a column whose header says nothing. */
static double
values_say (const char  *field,
            const Looks *looks)
{
  if (g_str_equal (field, "phone") && mostly (looks, looks->mobiles, 0.9))
    return SIYU_GUESS_LIKELY;
  if (g_str_equal (field, "email") && mostly (looks, looks->emails, 0.9))
    return SIYU_GUESS_LIKELY;
  if (g_str_equal (field, "created_at") && mostly (looks, looks->times, 0.9) &&
      !mostly (looks, looks->integers, 0.5))
    return 0.55;
  return 0;
}

typedef struct {
  guint  field;
  guint  column;
  double score;
} Pair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *pa = a, *pb = b;

  if (pa->score != pb->score)
    return pa->score > pb->score ? -1 : 1;
  if (pa->column != pb->column)
    return pa->column < pb->column ? -1 : 1;
  return pa->field < pb->field ? -1 : pa->field > pb->field;
}

/**
 * siyu_import_guess:
 * @fields: the names of the fields that can be mapped
 * @headers: the file's headers
 * @rows: (element-type GStrv) (nullable): the first rows under them
 * @guesses: (out caller-allocates) (array length=n_fields): per field,
 *   its column and how sure the guess is
 */
void
siyu_import_guess (const char * const *fields,
                   guint               n_fields,
                   const char * const *headers,
                   guint               n_headers,
                   GPtrArray          *rows,
                   SiyuGuess          *guesses)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autofree gboolean *taken = g_new0 (gboolean, MAX (n_headers, 1));

  for (guint f = 0; f < n_fields; f++)
    {
      guesses[f].column = -1;
      guesses[f].confidence = 0;
    }

  for (guint c = 0; c < n_headers; c++)
    {
      Looks looks;
      gboolean header_says = FALSE;

      look_at (rows, c, &looks);
      for (guint f = 0; f < n_fields; f++)
        {
          double score = siyu_import_guess_header (fields[f], headers[c]);

          header_says |= score >= SIYU_GUESS_MINIMUM;
          score *= values_agree (fields[f], &looks);
          if (score >= SIYU_GUESS_MINIMUM)
            g_array_append_val (pairs, ((Pair) { f, c, score }));
        }
      if (header_says)
        continue;
      for (guint f = 0; f < n_fields; f++)
        {
          double score = values_say (fields[f], &looks);

          if (score >= SIYU_GUESS_MINIMUM)
            g_array_append_val (pairs, ((Pair) { f, c, score }));
        }
    }

  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *pair = &g_array_index (pairs, Pair, i);

      if (guesses[pair->field].column >= 0 || taken[pair->column])
        continue;
      guesses[pair->field].column = (int) pair->column;
      /* 1 is for a column the owner or a preset chose. */
      guesses[pair->field].confidence = MIN (pair->score, 0.99);
      taken[pair->column] = TRUE;
    }
}
