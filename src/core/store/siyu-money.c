/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-money"

#include "config.h"

#include <math.h>
#include <string.h>

#include "siyu-money.h"

typedef struct {
  const char *code;
  const char *symbol;
  int         digits;
} Currency;

/* The currencies of the markets Siyu's shops sell in; ISO 4217 minor units. */
static const Currency currencies[] = {
  { "CNY", "¥", 2 },
  { "HKD", "HK$", 2 },
  { "MOP", "MOP$", 2 },
  { "TWD", "NT$", 2 },
  { "SGD", "S$", 2 },
  { "MYR", "RM", 2 },
  { "JPY", "JP¥", 0 },
  { "KRW", "₩", 0 },
  { "USD", "US$", 2 },
  { "CAD", "CA$", 2 },
  { "AUD", "A$", 2 },
  { "EUR", "€", 2 },
  { "GBP", "£", 2 },
};

static const char * const codes[] = {
  "CNY", "HKD", "MOP", "TWD", "SGD", "MYR", "JPY", "KRW", "USD", "CAD", "AUD", "EUR", "GBP", NULL
};

static const Currency *
find_currency (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_str_equal (currencies[i].code, code))
      return &currencies[i];

  return NULL;
}

gboolean
siyu_currency_is_known (const char *code)
{
  return find_currency (code) != NULL;
}

const char * const *
siyu_currency_list (void)
{
  return codes;
}

int
siyu_currency_digits (const char *code)
{
  const Currency *c = find_currency (code);

  return c != NULL ? c->digits : 2;
}

const char *
siyu_currency_symbol (const char *code)
{
  const Currency *c = find_currency (code);

  return c != NULL ? c->symbol : code;
}

/* Formats minor units as the owner writes money: ¥1,234.50, −¥3.00. */
char *
siyu_money_format (gint64      amount,
                   const char *currency)
{
  GString *out = g_string_new (NULL);
  int digits = siyu_currency_digits (currency);
  guint64 divisor = 1;
  guint64 magnitude;
  guint64 whole;
  g_autofree char *whole_text = NULL;
  gsize len;

  for (int i = 0; i < digits; i++)
    divisor *= 10;

  magnitude = amount < 0 ? (guint64) (-(amount + 1)) + 1 : (guint64) amount;
  whole = magnitude / divisor;

  if (amount < 0)
    g_string_append (out, "−");
  g_string_append (out, siyu_currency_symbol (currency));

  whole_text = g_strdup_printf ("%" G_GUINT64_FORMAT, whole);
  len = strlen (whole_text);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, whole_text[i]);
    }

  if (digits > 0)
    g_string_append_printf (out, ".%0*" G_GUINT64_FORMAT, digits, magnitude % divisor);

  return g_string_free (out, FALSE);
}

/* Whole numbers as the owner writes them: 4,963 and −3. */
char *
siyu_count_format (gint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n < 0 ? -(guint64) n : (guint64) n);
  GString *out = g_string_new (n < 0 ? "−" : NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

/* A share from 0 to 1 as a percentage: whole from 10 % up, one decimal
 * below, as “73 %” and “8.8 %”. */
char *
siyu_percent_format (double share)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double percent = 100 * share;

  g_ascii_formatd (buffer, sizeof buffer, fabs (percent) >= 9.95 ? "%.0f" : "%.1f", percent);
  return g_strdup_printf ("%s %%", buffer);
}
