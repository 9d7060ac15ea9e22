/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-text"

#include "config.h"

#include <string.h>

#include "siyu-text.h"

/**
 * siyu_text_clip:
 * @max_chars: how many characters to keep, e.g. %SIYU_TEXT_QUOTE_CHARS
 *
 * A value from a file or a server, cut to @max_chars characters with “…”
 * when longer, so that an error message quoting it stays readable however
 * large the value was.  Invalid UTF-8 is shown with replacement characters.
 *
 * Returns: (transfer full): the clipped text
 */
char *
siyu_text_clip (const char *text,
                gsize       max_chars)
{
  g_autofree char *valid = NULL;
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  if ((gsize) g_utf8_strlen (valid, -1) <= max_chars)
    return g_steal_pointer (&valid);

  end = g_utf8_offset_to_pointer (valid, (glong) max_chars);
  return g_strdup_printf ("%.*s…", (int) (end - valid), valid);
}

static gboolean
is_control (guchar c)
{
  return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* C1 controls (U+0080–U+009F) are two bytes in UTF-8: C2 80 … C2 9F. */
static gsize
control_length (const char *p)
{
  if (is_control ((guchar) p[0]))
    return 1;
  if ((guchar) p[0] == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f)
    return 2;
  return 0;
}

/**
 * siyu_text_clip_quotes:
 * @message: an error message that quotes values between “ and ”
 * @max_chars: how many characters of each quoted value to keep
 *
 * @message with each quoted value cut as siyu_text_clip() cuts it, for
 * messages formatted before anyone looked at the size of their values.
 *
 * Returns: (transfer full): the message
 */
char *
siyu_text_clip_quotes (const char *message,
                       gsize       max_chars)
{
  static const char open[] = "“", close[] = "”";
  GString *out;
  const char *p;

  g_return_val_if_fail (message != NULL, NULL);

  out = g_string_sized_new (strlen (message));
  p = message;
  for (;;)
    {
      const char *start = strstr (p, open);
      const char *end;
      g_autofree char *value = NULL;
      g_autofree char *clipped = NULL;

      if (start == NULL)
        break;
      start += strlen (open);
      g_string_append_len (out, p, start - p);
      end = strstr (start, close);
      if (end == NULL)
        end = start + strlen (start);
      value = g_strndup (start, end - start);
      clipped = siyu_text_clip (value, max_chars);
      g_string_append (out, clipped);
      p = end;
      if (*p != '\0')
        {
          g_string_append (out, close);
          p += strlen (close);
        }
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
}

/* Whether @text is %NULL, empty or only ASCII white space. */
gboolean
siyu_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/**
 * siyu_text_has_controls:
 *
 * Whether @text holds a control character other than tab and newline:
 * ESC, BEL, NUL's neighbours, DEL or a C1 control.  Such characters in a
 * name or a note can rewrite a terminal when printed.
 */
gboolean
siyu_text_has_controls (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (control_length (p) > 0)
      return TRUE;

  return FALSE;
}

/**
 * siyu_text_strip_controls:
 *
 * @text without its control characters (see siyu_text_has_controls()); a
 * carriage return before a newline goes too, a lone one becomes a newline.
 * Bytes that are not UTF-8 become U+FFFD.
 *
 * Returns: (transfer full): the cleaned text
 */
char *
siyu_text_strip_controls (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  /* Bytes that are not UTF-8 become U+FFFD first, so that removing a
   * control between them cannot join two of them into a C1 control. */
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0';)
    {
      gsize n;

      if (*p == '\r')
        {
          if (p[1] != '\n')
            g_string_append_c (out, '\n');
          p++;
          continue;
        }
      n = control_length (p);
      if (n > 0)
        {
          p += n;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }

  return g_string_free (out, FALSE);
}

/**
 * siyu_text_is_plain_number:
 *
 * Whether @text is exactly a number as Siyu writes one in CSV: an optional
 * minus, digits without a needless leading zero, and optional decimals
 * (`-1250`, `0.42`).
 */
gboolean
siyu_text_is_plain_number (const char *text)
{
  const char *p = text;

  if (p == NULL)
    return FALSE;
  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  if (*p == '0' && g_ascii_isdigit (p[1]))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == '\0';
}

/**
 * siyu_csv_cell_needs_guard:
 *
 * Whether a spreadsheet could take @text for a formula (it starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return) and it is not exactly
 * one of Siyu's own numbers.
 */
gboolean
siyu_csv_cell_needs_guard (const char *text)
{
  if (text == NULL || strchr ("=+-@\t\r", text[0]) == NULL || text[0] == '\0')
    return FALSE;

  return !siyu_text_is_plain_number (text);
}

/**
 * siyu_csv_append_cell:
 * @line: the line being written
 * @text: (nullable): the cell; %NULL writes an empty cell
 *
 * Appends one CSV cell (RFC 4180 quoting), with a leading apostrophe when a
 * spreadsheet could run it as a formula.  Every CSV Siyu writes goes through
 * here.
 */
void
siyu_csv_append_cell (GString    *line,
                      const char *text)
{
  gboolean quote;

  g_return_if_fail (line != NULL);

  if (text == NULL)
    return;

  quote = strpbrk (text, ",;\"\r\n\t") != NULL;
  if (quote)
    g_string_append_c (line, '"');
  if (siyu_csv_cell_needs_guard (text))
    g_string_append_c (line, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  if (quote)
    g_string_append_c (line, '"');
}
