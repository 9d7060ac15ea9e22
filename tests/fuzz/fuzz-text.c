/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-fuzz.h"
#include "siyu-text.h"

/* Text from outside on its way into a message, the store or a CSV file:
 * clipped for a message, stripped of control characters, written as a CSV
 * cell with the formula guard.  The first byte is the clip's length. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  return 0;
}

/* The value of the one cell siyu_csv_append_cell () wrote (RFC 4180). */
static char *
read_cell (const char *cell)
{
  GString *value = g_string_new (NULL);
  gsize len = strlen (cell);

  if (len >= 2 && cell[0] == '"' && cell[len - 1] == '"')
    {
      for (gsize i = 1; i + 1 < len; i++)
        {
          siyu_fuzz_check (cell[i] != '"' || cell[i + 1] == '"', "a lone quote in “%s”", cell);
          g_string_append_c (value, cell[i]);
          if (cell[i] == '"')
            i++;
        }
    }
  else
    {
      siyu_fuzz_check (strpbrk (cell, ",;\"\r\n\t") == NULL, "“%s” needs quotes", cell);
      g_string_append (value, cell);
    }
  return g_string_free (value, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autofree char *clipped = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *again = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  gsize max_chars;

  if (size < 1)
    return 0;
  max_chars = data[0];
  text = g_strndup ((const char *) data + 1, size - 1);

  clipped = siyu_text_clip (text, max_chars);
  valid = g_utf8_make_valid (text, -1);
  siyu_fuzz_check (g_utf8_validate (clipped, -1, NULL), "clipped text is not UTF-8");
  if ((gsize) g_utf8_strlen (valid, -1) <= max_chars)
    siyu_fuzz_check (g_str_equal (clipped, valid), "“%s” clipped though short enough", valid);
  else
    siyu_fuzz_check ((gsize) g_utf8_strlen (clipped, -1) == max_chars + 1 && g_str_has_suffix (clipped, "…") &&
                     strncmp (clipped, valid, strlen (clipped) - strlen ("…")) == 0,
                     "“%s” clipped to %" G_GSIZE_FORMAT " as “%s”", valid, max_chars, clipped);

  /* Stripped text is UTF-8 without a control, whatever came in: bytes that
   * are not UTF-8 become U+FFFD first. */
  stripped = siyu_text_strip_controls (text);
  siyu_fuzz_check (g_utf8_validate (stripped, -1, NULL), "stripping left text that is not UTF-8");
  siyu_fuzz_check (!siyu_text_has_controls (stripped) && strchr (stripped, '\r') == NULL,
                   "controls left in “%s”", stripped);
  again = siyu_text_strip_controls (stripped);
  siyu_fuzz_check (g_str_equal (again, stripped), "stripping twice changes “%s”", stripped);
  if (g_utf8_validate (text, -1, NULL) && !siyu_text_has_controls (text) && strchr (text, '\r') == NULL)
    siyu_fuzz_check (g_str_equal (stripped, text), "“%s” has no control but changed", text);

  /* A cell reads back as the text, or as the text after an apostrophe when
   * a spreadsheet could take it for a formula; nothing else starts with one
   * of = + - @ tab or CR unless it is one of Siyu's own numbers. */
  siyu_csv_append_cell (line, text);
  value = read_cell (line->str);
  if (siyu_csv_cell_needs_guard (text))
    siyu_fuzz_check (value[0] == '\'' && g_str_equal (value + 1, text), "“%s” guarded as “%s”", text, value);
  else
    siyu_fuzz_check (g_str_equal (value, text), "“%s” written as “%s”", text, value);
  siyu_fuzz_check (value[0] == '\0' || strchr ("=+-@\t\r", value[0]) == NULL || siyu_text_is_plain_number (value),
                   "the cell “%s” could run as a formula", value);

  return 0;
}
