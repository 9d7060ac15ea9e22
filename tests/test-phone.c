/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-phone.h"

typedef struct {
  const char *text;
  const char *region;
  const char *e164;   /* NULL: not a phone number */
} Case;

static const Case cases[] = {
  /* Mainland China, as people write them. */
  { "13812345678", "CN", "+8613812345678" },
  { "138 1234 5678", "CN", "+8613812345678" },
  { "138-1234-5678", "CN", "+8613812345678" },
  { "+86 138 1234 5678", "CN", "+8613812345678" },
  { "+86-13812345678", "CN", "+8613812345678" },
  { "008613812345678", "CN", "+8613812345678" },
  { "8613812345678", "CN", "+8613812345678" },
  { "１３８１２３４５６７８", "CN", "+8613812345678" },
  { "＋８６ １３８－１２３４－５６７８", "CN", "+8613812345678" },
  { "+86 138 1234 5678", "HK", "+8613812345678" },
  { "(010) 6552 9988", "CN", "+861065529988" },
  { "021-5088 1234", "CN", "+862150881234" },
  { "0755-2345678", "CN", "+867552345678" },
  { "+86 10 6552 9988", "SG", "+861065529988" },
  { "12812345678", "CN", NULL },
  { "1381234567", "CN", NULL },
  { "138123456789", "CN", NULL },
  { "6552 9988", "CN", NULL },
  /* No area code but Beijing's 10 starts with 1, and its numbers have at most
   * 8 digits: these would be stored as numbers that do not read back
   * (found by tests/fuzz/fuzz-phone). */
  { "0144 3100 200", "CN", NULL },
  { "010 1234 56789", "CN", NULL },
  { "010 1234 5678", "CN", "+861012345678" },
  { "+861012345678", "US", "+861012345678" },
  /* Hong Kong, Macau, Taiwan, Singapore, North America. */
  { "9123 4567", "HK", "+85291234567" },
  { "+852 9123 4567", "CN", "+85291234567" },
  { "1123 4567", "HK", NULL },
  { "6612 3456", "MO", "+85366123456" },
  { "0912 345 678", "TW", "+886912345678" },
  { "+886 912 345 678", "CN", "+886912345678" },
  { "02-2345-6789", "TW", "+886223456789" },
  { "+886 0912345678", "CN", NULL },
  { "8123 4567", "SG", "+6581234567" },
  { "+65 6123 4567", "CN", "+6561234567" },
  { "2123 4567", "SG", NULL },
  { "(415) 555-2671", "US", "+14155552671" },
  { "1-415-555-2671", "US", "+14155552671" },
  { "+1 416 555 0199", "CN", "+14165550199" },
  { "(015) 555-2671", "US", NULL },
  { "+1 415 155 2671", "CN", NULL },
  /* Elsewhere: international form with a plausible length. */
  { "+44 20 7946 0958", "CN", "+442079460958" },
  { "+49 30 901820", "CN", "+4930901820" },
  { "+0 123 4567 890", "CN", NULL },
  { "+1234567", "CN", NULL },
  { "+1234567890123456", "CN", NULL },
  /* Not phone numbers at all. */
  { "", "CN", NULL },
  { "   ", "CN", NULL },
  { "none", "CN", NULL },
  { "138abcd5678", "CN", NULL },
  { "138 1234 5678 ext 2", "CN", NULL },
  { "++8613812345678", "CN", NULL },
  { "13812345678+", "CN", NULL },
  { "'; DROP TABLE contacts; --", "CN", NULL },
};

static void
test_normalize (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *e164 = siyu_phone_normalize (cases[i].text, cases[i].region, &error);

      g_test_message ("%s (%s)", cases[i].text, cases[i].region);
      g_assert_cmpstr (e164, ==, cases[i].e164);
      if (cases[i].e164 == NULL)
        {
          g_assert_error (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, "is not a phone number"));
        }
      else
        g_assert_no_error (error);
    }
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *e164 = siyu_phone_normalize ("138\xff" "12345678", "CN", &error);

  g_assert_null (e164);
  g_assert_error (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID);
  /* The message names the text in valid UTF-8 (found by tests/fuzz/fuzz-phone). */
  g_assert_cmpstr (error->message, ==, "“138\xef\xbf\xbd" "12345678” is not a phone number.");
}

static void
test_regions (void)
{
  g_assert_true (siyu_phone_region_is_known ("CN"));
  g_assert_true (siyu_phone_region_is_known ("CA"));
  g_assert_false (siyu_phone_region_is_known ("cn"));
  g_assert_false (siyu_phone_region_is_known ("XX"));
  g_assert_false (siyu_phone_region_is_known (NULL));
  g_assert_cmpuint (g_strv_length ((char **) siyu_phone_region_list ()), ==, 7);
}

static void
test_mask (void)
{
  struct { const char *in; const char *out; } masks[] = {
    { "+8613812345678", "138****5678" },
    { "+861065529988", "106****9988" },
    { "+85291234567", "+852****4567" },
    { "+14155552671", "+141****2671" },
    { "+6581234567", "+65****4567" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      g_autofree char *masked = siyu_phone_mask (masks[i].in);
      g_assert_cmpstr (masked, ==, masks[i].out);
    }
  g_assert_null (siyu_phone_mask (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/phone/normalize", test_normalize);
  g_test_add_func ("/siyu/phone/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/siyu/phone/regions", test_regions);
  g_test_add_func ("/siyu/phone/mask", test_mask);

  return g_test_run ();
}
