/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-fuzz.h"
#include "siyu-money.h"
#include "siyu-parse.h"

/* Amounts as an import reads them and as Siyu writes them.  The first byte
 * says what to do: below 0x80 its low two bits are the currency's decimal
 * digits and the rest is an amount as written in a file; from 0x80 on, the
 * next 8 bytes are an amount in minor units to format, in the currency the
 * low bits pick (or one Siyu does not know). */

#define MINUS "\xe2\x88\x92"    /* − U+2212, as siyu_money_format() writes it */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  return 0;
}

/* "−¥1,234.50" back to minor units, through the import's parser. */
static void
check_reads_back (const char *written,
                  gint64      amount)
{
  g_autofree char *ascii = NULL;
  gint64 again = 0;
  SiyuParseResult result;

  ascii = g_str_has_prefix (written, MINUS) ? g_strconcat ("-", written + strlen (MINUS), NULL)
                                            : g_strdup (written);
  result = siyu_parse_amount (ascii, 2, &again);
  siyu_fuzz_check (result == SIYU_PARSE_OK && again == amount,
                   "%" G_GINT64_FORMAT " written “%s” reads back as %" G_GINT64_FORMAT " (result %d)",
                   amount, written, again, result);
}

static void
fuzz_parse (const uint8_t *data,
            size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);
  int digits = data[0] & 3;
  gint64 minor = G_MININT64;
  SiyuParseResult result = siyu_parse_amount (text, digits, &minor);

  siyu_fuzz_check (result >= SIYU_PARSE_OK && result <= SIYU_PARSE_IMPOSSIBLE_DATE, "result %d", result);
  if (result != SIYU_PARSE_OK)
    return;
  siyu_fuzz_check (minor >= -SIYU_PARSE_AMOUNT_MAX && minor <= SIYU_PARSE_AMOUNT_MAX,
                   "“%s” read as %" G_GINT64_FORMAT ", beyond the largest amount", text, minor);

  /* What was read is written as the owner sees it, and that reads back the same. */
  if (digits == 2)
    {
      static const char * const readable[] = { "CNY", "EUR", "GBP" };

      for (guint i = 0; i < G_N_ELEMENTS (readable); i++)
        {
          g_autofree char *written = siyu_money_format (minor, readable[i]);

          check_reads_back (written, minor);
        }
    }
}

static void
fuzz_format (const uint8_t *data,
             size_t         size)
{
  const char * const *codes = siyu_currency_list ();
  guint n_codes = g_strv_length ((char **) codes);
  guint pick = data[0] & 0x1f;
  const char *currency = pick < n_codes ? codes[pick] : "XXX";
  gint64 amount;
  double share;
  g_autofree char *money = NULL;
  g_autofree char *count = NULL;
  g_autofree char *percent = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *expected = NULL;

  memcpy (&amount, data + 1, sizeof amount);
  memcpy (&share, data + 1, sizeof share);

  money = siyu_money_format (amount, currency);
  siyu_fuzz_check (money != NULL && g_utf8_validate (money, -1, NULL), "no money");
  if (g_strcmp0 (currency, "CNY") == 0 && amount >= -SIYU_PARSE_AMOUNT_MAX && amount <= SIYU_PARSE_AMOUNT_MAX)
    check_reads_back (money, amount);

  /* 4,963 and −3: the digits of the number, grouped by commas. */
  count = siyu_count_format (amount);
  for (const char *p = g_str_has_prefix (count, MINUS) ? count + strlen (MINUS) : count; *p != '\0'; p++)
    if (*p != ',')
      g_string_append_c (digits, *p);
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT, amount < 0 ? -(guint64) amount : (guint64) amount);
  siyu_fuzz_check (g_str_equal (digits->str, expected) && g_str_has_prefix (count, MINUS) == (amount < 0),
                   "%" G_GINT64_FORMAT " counted as “%s”", amount, count);

  percent = siyu_percent_format (share);
  siyu_fuzz_check (percent != NULL && g_str_has_suffix (percent, " %"), "%g as “%s”", share, percent);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return 0;
  if (data[0] < 0x80)
    fuzz_parse (data, size);
  else if (size >= 9)
    fuzz_format (data, size);

  return 0;
}
