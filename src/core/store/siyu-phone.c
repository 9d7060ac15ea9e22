/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-phone"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-phone.h"

/* A phone number is the key of a person's identity, so every number is
 * brought to E.164 (+8613812345678) before it is compared or stored.  This
 * knows the numbering plans of the markets Siyu serves; numbers from other
 * countries are accepted in international form with a plausible length. */

typedef struct {
  const char *region;
  const char *country_code;
  gboolean  (*national_valid) (const char *digits, GString *nsn);
} Plan;

G_DEFINE_QUARK (siyu-phone-error-quark, siyu_phone_error)

static gboolean
all_digits (const char *s,
            gsize       from,
            gsize       len)
{
  for (gsize i = from; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Mainland China: mobiles 1[3-9]xxxxxxxxx, fixed lines 0 + area code + number.
 * The only area code that starts with 1 is Beijing's 10, whose numbers have 7
 * or 8 digits; what is stored must read back the same in international form. */
static gboolean
cn_valid (const char *d,
          GString    *nsn)
{
  gsize len = strlen (d);

  if (len == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  if (len >= 10 && len <= 12 && d[0] == '0' && d[1] != '0' &&
      (d[1] != '1' || (d[2] == '0' && len <= 11)))
    {
      g_string_assign (nsn, d + 1);
      return TRUE;
    }
  return FALSE;
}

static gboolean
cn_international_valid (const char *d,
                        GString    *nsn)
{
  gsize len = strlen (d);

  if (len == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  /* Fixed lines without their trunk 0: area code 10, 2x or 3 digits. */
  if (len >= 9 && len <= 11 && d[0] != '0' && d[0] != '1')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  if (len >= 9 && len <= 10 && d[0] == '1' && d[1] == '0')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  return FALSE;
}

static gboolean
hk_valid (const char *d,
          GString    *nsn)
{
  if (strlen (d) == 8 && d[0] >= '2' && d[0] <= '9')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  return FALSE;
}

static gboolean
mo_valid (const char *d,
          GString    *nsn)
{
  if (strlen (d) == 8 && d[0] >= '2' && d[0] <= '8')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  return FALSE;
}

/* Taiwan: mobiles 09xxxxxxxx, fixed lines 0[2-8] + 7 or 8 digits. */
static gboolean
tw_valid (const char *d,
          GString    *nsn)
{
  gsize len = strlen (d);

  if (len == 10 && d[0] == '0' && d[1] == '9')
    {
      g_string_assign (nsn, d + 1);
      return TRUE;
    }
  if ((len == 9 || len == 10) && d[0] == '0' && d[1] >= '2' && d[1] <= '8')
    {
      g_string_assign (nsn, d + 1);
      return TRUE;
    }
  return FALSE;
}

static gboolean
tw_international_valid (const char *d,
                        GString    *nsn)
{
  g_autofree char *with_trunk = g_strconcat ("0", d, NULL);

  return d[0] != '0' && tw_valid (with_trunk, nsn);
}

static gboolean
sg_valid (const char *d,
          GString    *nsn)
{
  if (strlen (d) == 8 && strchr ("3689", d[0]) != NULL)
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  return FALSE;
}

/* North America: NXX NXX XXXX, optionally after the trunk 1. */
static gboolean
nanp_valid (const char *d,
            GString    *nsn)
{
  gsize len = strlen (d);

  if (len == 11 && d[0] == '1')
    {
      d++;
      len--;
    }
  if (len == 10 && d[0] >= '2' && d[0] <= '9' && d[3] >= '2' && d[3] <= '9')
    {
      g_string_assign (nsn, d);
      return TRUE;
    }
  return FALSE;
}

static gboolean
nanp_international_valid (const char *d,
                          GString    *nsn)
{
  return strlen (d) == 10 && nanp_valid (d, nsn);
}

static const Plan national_plans[] = {
  { "CN", "86", cn_valid },
  { "HK", "852", hk_valid },
  { "MO", "853", mo_valid },
  { "TW", "886", tw_valid },
  { "SG", "65", sg_valid },
  { "US", "1", nanp_valid },
  { "CA", "1", nanp_valid },
};

static const Plan international_plans[] = {
  { "CN", "86", cn_international_valid },
  { "HK", "852", hk_valid },
  { "MO", "853", mo_valid },
  { "TW", "886", tw_international_valid },
  { "SG", "65", sg_valid },
  { "US", "1", nanp_international_valid },
};

static const char * const regions[] = { "CN", "HK", "MO", "TW", "SG", "US", "CA", NULL };

gboolean
siyu_phone_region_is_known (const char *region)
{
  return region != NULL && g_strv_contains (regions, region);
}

const char * const *
siyu_phone_region_list (void)
{
  return regions;
}

/* Keeps the digits and a leading plus, folding full-width forms typed with a
 * Chinese input method; drops the separators people write.  Returns %FALSE
 * on anything else. */
static gboolean
extract_digits (const char *text,
                GString    *digits,
                gboolean   *plus)
{
  *plus = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF10 && c <= 0xFF19)
        c = '0' + (c - 0xFF10);
      else if (c == 0xFF0B)
        c = '+';

      if (c >= '0' && c <= '9')
        g_string_append_c (digits, (char) c);
      else if (c == '+' && digits->len == 0 && !*plus)
        *plus = TRUE;
      else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
               c == 0x00A0 || c == 0x3000 || c == 0xFF0D || c == 0xFF08 || c == 0xFF09 ||
               c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == '\t')
        continue;
      else
        return FALSE;
    }

  return digits->len > 0;
}

static char *
international (const char *d,
               GString    *nsn)
{
  for (guint i = 0; i < G_N_ELEMENTS (international_plans); i++)
    {
      const Plan *plan = &international_plans[i];
      gsize cc_len = strlen (plan->country_code);

      if (g_str_has_prefix (d, plan->country_code))
        {
          if (plan->national_valid (d + cc_len, nsn))
            return g_strconcat ("+", plan->country_code, nsn->str, NULL);
          return NULL;
        }
    }

  /* Elsewhere: E.164 allows at most 15 digits; no country code starts with 0. */
  if (d[0] != '0' && strlen (d) >= 8 && strlen (d) <= 15)
    return g_strconcat ("+", d, NULL);

  return NULL;
}

/**
 * siyu_phone_normalize:
 * @text: a phone number as written: "138 1234 5678", "+86-138-1234-5678",
 *   "(010) 6552 9988", "０９１２３４５６７８"
 * @region: where a number without a country code is from (CN, HK, MO, TW,
 *   SG, US, CA)
 *
 * Returns: (transfer full): the number in E.164, or %NULL with
 *   %SIYU_PHONE_ERROR_INVALID when it is not a phone number.
 */
char *
siyu_phone_normalize (const char  *text,
                      const char  *region,
                      GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GString) nsn = g_string_new (NULL);
  char *result = NULL;
  gboolean plus;

  g_return_val_if_fail (siyu_phone_region_is_known (region), NULL);

  if (text != NULL && g_utf8_validate (text, -1, NULL) &&
      extract_digits (text, digits, &plus) && digits->len <= 17)
    {
      if (plus)
        result = international (digits->str, nsn);
      else if (g_str_has_prefix (digits->str, "00"))
        result = international (digits->str + 2, nsn);
      else
        {
          for (guint i = 0; i < G_N_ELEMENTS (national_plans) && result == NULL; i++)
            {
              const Plan *plan = &national_plans[i];

              if (!g_str_equal (plan->region, region))
                continue;
              if (plan->national_valid (digits->str, nsn))
                result = g_strconcat ("+", plan->country_code, nsn->str, NULL);
              /* 8613812345678: the country code written without its plus. */
              else if (g_str_has_prefix (digits->str, plan->country_code) &&
                       all_digits (digits->str, 0, digits->len) &&
                       !g_str_equal (plan->country_code, "1"))
                result = international (digits->str, nsn);
            }
        }
    }

  if (result == NULL)
    {
      /* A message is UTF-8 even when the text was not. */
      g_autofree char *shown = g_utf8_make_valid (text != NULL ? text : "", -1);

      g_set_error (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID,
                   _("“%s” is not a phone number."), shown);
    }

  return result;
}

/**
 * siyu_phone_mask:
 * @e164: a number from siyu_phone_normalize()
 *
 * Hides the middle of a number the way Chinese shops print it: a mainland
 * mobile becomes 138****5678; other numbers keep their country code, first
 * and last digits.
 */
char *
siyu_phone_mask (const char *e164)
{
  g_autoptr(GString) out = NULL;
  const char *national;
  gsize len;

  if (e164 == NULL)
    return NULL;

  national = g_str_has_prefix (e164, "+86") ? e164 + 3 : e164;
  len = strlen (national);
  if (len < (national == e164 ? 9 : 7))
    return g_strdup (e164);

  out = g_string_new (NULL);
  g_string_append_len (out, national, national == e164 ? len - 4 - 4 : 3);
  g_string_append (out, "****");
  g_string_append (out, national + len - 4);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * siyu_phone_national:
 * @e164: a number from siyu_phone_normalize()
 * @region: the shop's region (CN, HK, MO, TW, SG, US, CA)
 *
 * The number as people of @region dial it at home, which is what their
 * spreadsheets and group-messaging tools take: a mainland mobile becomes
 * 13812345678 and a mainland fixed line 01065529988; Hong Kong, Macao and
 * Singapore numbers their eight digits, Taiwan's take the trunk 0, and
 * North American ones their ten digits.
 *
 * Returns: (transfer full) (nullable): the national number, or %NULL when
 *   @e164 is not a number of @region
 */
char *
siyu_phone_national (const char *e164,
                     const char *region)
{
  static const struct {
    const char *region;
    const char *prefix;
    const char *trunk;   /* before every number but mainland mobiles */
  } forms[] = {
    { "CN", "+86", "0" }, { "HK", "+852", "" }, { "MO", "+853", "" }, { "TW", "+886", "0" },
    { "SG", "+65", "" }, { "US", "+1", "" }, { "CA", "+1", "" },
  };

  if (e164 == NULL || region == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      const char *nsn;

      if (!g_str_equal (forms[i].region, region) || !g_str_has_prefix (e164, forms[i].prefix))
        continue;
      nsn = e164 + strlen (forms[i].prefix);
      if (*nsn == '\0' || !all_digits (nsn, 0, strlen (nsn)))
        return NULL;
      if (g_str_equal (region, "CN") && nsn[0] == '1' && strlen (nsn) == 11)
        return g_strdup (nsn);
      return g_strconcat (forms[i].trunk, nsn, NULL);
    }

  return NULL;
}
