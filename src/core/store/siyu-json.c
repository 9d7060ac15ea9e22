/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-json"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "siyu-json.h"

G_DEFINE_QUARK (siyu-json-error-quark, siyu_json_error)

/* Reads @data as strict JSON (RFC 8259) reads it: strings in double quotes
 * with backslash escapes, and between them only brackets, commas, colons,
 * numbers, true, false, null and white space.  Sets @depth to how deeply
 * the arrays and objects nest and returns the offset of the first byte
 * strict JSON cannot hold outside a string, or -1 when there is none.
 *
 * json-glib is laxer: it also reads single-quoted strings and comments,
 * inside which a double quote would hide brackets from a scan that knew
 * only double quotes.  Refusing anything outside strict JSON keeps the
 * depth measured here the depth json-glib builds. */
static int
hex_at (const char *data,
        gsize       length,
        gsize       at)
{
  int value = 0;

  if (at + 4 > length)
    return -1;
  for (gsize k = at; k < at + 4; k++)
    {
      if (!g_ascii_isxdigit (data[k]))
        return -1;
      value = value * 16 + g_ascii_xdigit_value (data[k]);
    }
  return value;
}

/* The length of the escape that starts with the backslash at @i, or 0 when
 * strict JSON has no such escape.  json-glib 1.6 reads \2 and others as
 * bytes that are not UTF-8, and a lone half of a surrogate pair likewise. */
static gsize
escape_length (const char *data,
               gsize       length,
               gsize       i)
{
  int unit, low;

  if (i + 1 >= length)
    return 0;
  if (strchr ("\"\\/bfnrt", data[i + 1]) != NULL && data[i + 1] != '\0')
    return 2;
  if (data[i + 1] != 'u' || (unit = hex_at (data, length, i + 2)) < 0)
    return 0;
  if (unit >= 0xdc00 && unit <= 0xdfff)
    return 0;
  if (unit < 0xd800 || unit > 0xdbff)
    return 6;
  if (i + 12 > length || data[i + 6] != '\\' || data[i + 7] != 'u' ||
      (low = hex_at (data, length, i + 8)) < 0xdc00 || low > 0xdfff)
    return 0;
  return 12;
}

static gsize
number_length (const char *data,
               gsize       length,
               gsize       i)
{
  gsize end = i + 1;

  while (end < length && (g_ascii_isdigit (data[end]) || strchr ("+-.eE", data[end]) != NULL) && data[end] != '\0')
    end++;
  return end - i;
}

/* Whether json-glib keeps the number written in @text (@length bytes) as it
 * is.  json-glib 1.6 wraps an integer past the range of gint64 around
 * (18446744073709551615 becomes -1) and reads 1e999 as infinity, which it
 * then writes as “inf.0”: a page holding either would be stored wrong. */
static gboolean
number_fits (const char *text,
             gsize       length)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *copy = NULL;
  const char *number = text;
  gboolean integer = TRUE;
  double value;

  for (gsize k = 0; k < length; k++)
    integer = integer && strchr (".eE", text[k]) == NULL;
  if (length < sizeof buffer)
    {
      memcpy (buffer, text, length);
      buffer[length] = '\0';
      number = buffer;
    }
  else
    number = copy = g_strndup (text, length);

  errno = 0;
  if (integer)
    g_ascii_strtoll (number, NULL, 10);
  else
    {
      value = g_ascii_strtod (number, NULL);
      if (isinf (value))
        return FALSE;
      errno = 0;   /* underflow reads as 0, as it should */
    }
  return errno != ERANGE;
}

static gssize
scan (const char *data,
      gsize       length,
      guint      *depth_out,
      gboolean   *too_large)
{
  guint depth = 0;
  guint deepest = 0;
  gboolean in_string = FALSE;
  gssize stray = -1;

  *too_large = FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              gsize n = escape_length (data, length, i);

              if (n == 0)
                {
                  if (stray < 0)
                    stray = (gssize) i;
                  i++;
                }
              else
                i += n - 1;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '-' || g_ascii_isdigit (c))
        {
          gsize n = number_length (data, length, i);

          if (stray < 0 && !number_fits (data + i, n))
            {
              stray = (gssize) i;
              *too_large = TRUE;
            }
          i += n - 1;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > deepest)
            deepest = depth;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          if (stray < 0 && (c == '\0' || (!g_ascii_isalnum (c) && strchr (" \t\r\n,:-+.", c) == NULL)))
            stray = (gssize) i;
          break;
        }
    }

  *depth_out = deepest;
  return stray;
}

/**
 * siyu_json_depth:
 *
 * How deeply the arrays and objects of @data nest, read from the bytes alone
 * (brackets inside strings do not count), so that a document can be refused
 * before a recursive parser sees it.  Malformed input gives a number too; the
 * parser then says what is wrong with it.
 */
guint
siyu_json_depth (const char *data,
                 gsize       length)
{
  guint depth;
  gboolean too_large;

  scan (data, length, &depth, &too_large);

  return depth;
}

/**
 * siyu_json_parse:
 * @length: the length of @data, or -1 when it ends with a NUL
 * @what: what @data is, for the error: “The answer of https://…”, a file name
 *
 * Parses a JSON document that came from outside the program, refusing one
 * nested deeper than %SIYU_JSON_MAX_DEPTH levels.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
siyu_json_parse (const char  *data,
                 gssize       length,
                 const char  *what,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  guint depth;
  gboolean too_large;
  gssize stray;
  gsize size;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (what != NULL, NULL);

  size = length < 0 ? strlen (data) : (gsize) length;
  stray = scan (data, size, &depth, &too_large);
  if (size > 0 && !g_utf8_validate (data, (gssize) size, NULL))
    {
      const char *end;

      g_utf8_validate (data, (gssize) size, &end);
      if (stray < 0 || end - data < stray)
        {
          stray = end - data;
          too_large = FALSE;
        }
    }
  if (depth > SIYU_JSON_MAX_DEPTH)
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP,
                   /* Translators: %s says what was read, e.g. a file name; %d is 64. */
                   _("%s is nested more than %d levels deep; Siyu does not read it."),
                   what, SIYU_JSON_MAX_DEPTH);
      return NULL;
    }
  if (stray >= 0 && too_large)
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID,
                   /* Translators: %s says what was read; %zd is a byte offset, from 1. */
                   _("%s holds a number too large to read at byte %zd."),
                   what, stray + 1);
      return NULL;
    }
  if (stray >= 0)
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID,
                   /* Translators: %s says what was read; %zd is a byte offset, from 1. */
                   _("%s is not valid JSON: unexpected character at byte %zd."),
                   what, stray + 1);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, size > 0 ? data : "", (gssize) size, &local_error))
    {
      /* json-glib quotes the token it stopped at, cut in the middle of a
       * character at times. */
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID,
                   /* Translators: %s says what was read, then the parser's reason. */
                   _("%s is not valid JSON: %s"), what, reason);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID,
                   _("%s is empty."), what);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/**
 * siyu_json_parse_file:
 *
 * As siyu_json_parse(), for a file the owner named; errors name the file.
 */
JsonNode *
siyu_json_parse_file (const char  *path,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *what = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_READ,
                   _("Could not read “%s”: %s"), display, local_error->message);
      return NULL;
    }

  what = g_strdup_printf ("“%s”", display);
  return siyu_json_parse (contents, (gssize) length, what, error);
}

static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest of %.15g and %.17g that reads back as @value. */
static void
write_double (GString *out,
              double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (out, buffer);
  /* Still a double when read back. */
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
write_indent (GString *out,
              int      level)
{
  if (level < 0)
    return;
  g_string_append_c (out, '\n');
  for (int i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void
write_node (GString  *out,
            JsonNode *node,
            int       level)   /* -1: on one line */
{
  int inner = level < 0 ? -1 : level + 1;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);   /* in order */

        g_string_append_c (out, '{');
        for (GList *l = names; l != NULL; l = l->next)
          {
            if (l != names)
              g_string_append_c (out, ',');
            write_indent (out, inner);
            write_string (out, l->data);
            g_string_append (out, level < 0 ? ":" : " : ");
            write_node (out, json_object_get_member (object, l->data), inner);
          }
        if (names != NULL)
          write_indent (out, level);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_indent (out, inner);
            write_node (out, json_array_get_element (array, i), inner);
          }
        if (n > 0)
          write_indent (out, level);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * siyu_json_to_string:
 * @pretty: on several lines, indented by two spaces, as json-glib does
 *
 * Writes @node as strict JSON, which siyu_json_parse() and any other
 * reader read back.  json_to_string() of json-glib 1.6 does not always:
 * it writes 1e21 as “1e+21.0” and infinity as “inf.0”.  A number that is
 * not finite is written as null.
 *
 * Returns: (transfer full): the text
 */
char *
siyu_json_to_string (JsonNode *node,
                     gboolean  pretty)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  write_node (out, node, pretty ? 0 : -1);
  return g_string_free (out, FALSE);
}
