/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-http"

#include "config.h"

#include <math.h>

#include "siyu-http.h"

/* What every shop platform connector shares: a session that always
 * verifies TLS and never waits forever, cursor links, and the politeness
 * rules for rate limits (PLATFORMS.md). */

#define TIMEOUT_SECONDS 30

/**
 * siyu_http_session_new:
 *
 * Returns: (transfer full): a session with Siyu's user agent and a timeout.
 *   TLS certificates are verified by libsoup's defaults; nothing here turns
 *   that off.
 */
SoupSession *
siyu_http_session_new (void)
{
  return soup_session_new_with_options ("user-agent", "Siyu/" PACKAGE_VERSION,
                                        "timeout", TIMEOUT_SECONDS,
                                        "idle-timeout", TIMEOUT_SECONDS,
                                        NULL);
}

/**
 * siyu_http_next_link:
 * @link_header: (nullable): a Link header (RFC 8288), e.g. Shopify's
 *   `<https://…?page_info=abc>; rel="previous", <https://…?page_info=def>; rel="next"`
 *
 * Returns: (transfer full) (nullable): the URL of the next page, or %NULL
 *   on the last page.
 */
char *
siyu_http_next_link (const char *link_header)
{
  const char *p = link_header;

  if (p == NULL)
    return NULL;

  while (*p != '\0')
    {
      const char *open = strchr (p, '<');
      const char *close = open != NULL ? strchr (open, '>') : NULL;
      const char *end;
      g_autofree char *params = NULL;
      g_auto(GStrv) parts = NULL;

      if (open == NULL || close == NULL)
        return NULL;

      /* The parameters follow the URL up to the next link's comma. */
      end = strchr (close, ',');
      params = end != NULL ? g_strndup (close + 1, end - close - 1) : g_strdup (close + 1);
      parts = g_strsplit (params, ";", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *param = g_strstrip (g_strdup (parts[i]));
          g_auto(GStrv) rels = NULL;

          if (!g_str_has_prefix (param, "rel="))
            continue;

          g_strdelimit (param + 4, "\"", ' ');
          rels = g_strsplit (g_strstrip (param + 4), " ", -1);
          for (guint r = 0; rels[r] != NULL; r++)
            if (g_ascii_strcasecmp (rels[r], "next") == 0)
              return g_strndup (open + 1, close - open - 1);
        }

      if (end == NULL)
        break;
      p = end + 1;
    }

  return NULL;
}

/**
 * siyu_http_retry_after_ms:
 * @value: (nullable): a Retry-After header: seconds, possibly fractional
 *   as Shopify sends them ("2.0"), or an HTTP date
 * @now: the time the response came
 *
 * Returns: how long to wait in milliseconds, 0 for a date already past,
 *   or -1 when the header is missing or not understood.
 */
gint64
siyu_http_retry_after_ms (const char *value,
                          GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  char *end;
  double seconds;

  if (value == NULL)
    return -1;

  seconds = g_ascii_strtod (value, &end);
  if (end != value && *end == '\0')
    return isfinite (seconds) && seconds >= 0 && seconds < 86400 ? (gint64) ceil (seconds * 1000) : -1;

  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;

  return MAX (0, g_date_time_difference (when, now) / 1000);
}

/**
 * siyu_http_backoff_ms:
 * @attempt: how many tries failed so far, from 1
 *
 * Exponential backoff with full jitter: a random wait between 0 and
 * min (@cap_ms, @base_ms × 2^(attempt − 1)), so that many clients do not
 * come back at the same moment.
 */
guint
siyu_http_backoff_ms (guint  attempt,
                      guint  base_ms,
                      guint  cap_ms,
                      GRand *rand)
{
  guint64 ceiling = base_ms;

  g_return_val_if_fail (attempt >= 1, 0);

  for (guint i = 1; i < attempt && ceiling < cap_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, cap_ms);

  return (guint) g_rand_int_range (rand, 0, (gint32) MIN (ceiling, G_MAXINT32 - 1) + 1);
}
