/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-fuzz.h"
#include "siyu-phone.h"

/* The first byte picks the shop's phone region, the rest is the number as
 * written in an import or typed by the owner. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char * const *regions = siyu_phone_region_list ();
  guint n_regions = g_strv_length ((char **) regions);
  const char *region;
  g_autofree char *text = NULL;
  g_autofree char *e164 = NULL;
  g_autofree char *masked = NULL;
  g_autoptr(GError) error = NULL;

  if (size < 1)
    return 0;
  region = regions[data[0] % n_regions];
  text = g_strndup ((const char *) data + 1, size - 1);

  e164 = siyu_phone_normalize (text, region, &error);
  siyu_fuzz_check ((e164 == NULL) == (error != NULL), "a result and an error at once, or neither");
  if (e164 == NULL)
    {
      siyu_fuzz_check (g_error_matches (error, SIYU_PHONE_ERROR, SIYU_PHONE_ERROR_INVALID), "unexpected error");
      siyu_fuzz_check (g_utf8_validate (error->message, -1, NULL), "the error message is not UTF-8");
    }
  else
    {
      gsize len = strlen (e164);

      /* E.164: a plus and at most 15 digits, the first not 0. */
      siyu_fuzz_check (e164[0] == '+' && len >= 2 && len <= 16 && e164[1] != '0', "“%s” is not E.164", e164);
      for (gsize i = 1; i < len; i++)
        siyu_fuzz_check (g_ascii_isdigit (e164[i]), "“%s” is not E.164", e164);

      /* A stored number is read back as itself in every region. */
      for (guint r = 0; r < n_regions; r++)
        {
          g_autoptr(GError) again_error = NULL;
          g_autofree char *again = siyu_phone_normalize (e164, regions[r], &again_error);

          siyu_fuzz_check (g_strcmp0 (again, e164) == 0, "“%s” (from “%s” in %s) reads back as “%s” in %s",
                           e164, text, region, again != NULL ? again : again_error->message, regions[r]);
        }

      masked = siyu_phone_mask (e164);
      /* A mainland number loses its +86 and keeps 3 + 4 digits around the
       * stars; others keep their length. */
      siyu_fuzz_check (masked != NULL &&
                       strlen (masked) == (g_str_has_prefix (e164, "+86") && len >= 10 ? 11 : len) &&
                       g_str_has_suffix (masked, e164 + len - MIN (len, 4)),
                       "“%s” masked as “%s”", e164, masked);
    }

  /* A phone read from a damaged shop file can be anything. */
  g_clear_pointer (&masked, g_free);
  masked = siyu_phone_mask (text);
  siyu_fuzz_check (masked != NULL, "no mask");

  return 0;
}
