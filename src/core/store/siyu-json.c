/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-json"

#include "config.h"

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

static gssize
scan (const char *data,
      gsize       length,
      guint      *depth_out)
{
  guint depth = 0;
  guint deepest = 0;
  gboolean in_string = FALSE;
  gssize stray = -1;

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

  scan (data, length, &depth);

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
  gssize stray;
  gsize size;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (what != NULL, NULL);

  size = length < 0 ? strlen (data) : (gsize) length;
  stray = scan (data, size, &depth);
  if (size > 0 && !g_utf8_validate (data, (gssize) size, NULL))
    {
      const char *end;

      g_utf8_validate (data, (gssize) size, &end);
      if (stray < 0 || end - data < stray)
        stray = end - data;
    }
  if (depth > SIYU_JSON_MAX_DEPTH)
    {
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP,
                   /* Translators: %s says what was read, e.g. a file name; %d is 64. */
                   _("%s is nested more than %d levels deep; Siyu does not read it."),
                   what, SIYU_JSON_MAX_DEPTH);
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
      g_set_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID,
                   /* Translators: %s says what was read, then the parser's reason. */
                   _("%s is not valid JSON: %s"), what, local_error->message);
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
