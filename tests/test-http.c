/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-http.h"

static void
test_next_link (void)
{
  struct { const char *header; const char *next; } cases[] = {
    { "<https://shop.example/admin/api/2024-01/orders.json?limit=250&page_info=eyJhIjoxfQ>; rel=\"next\"",
      "https://shop.example/admin/api/2024-01/orders.json?limit=250&page_info=eyJhIjoxfQ" },
    { "<https://s.example/o.json?page_info=abc>; rel=\"previous\", <https://s.example/o.json?page_info=def>; rel=\"next\"",
      "https://s.example/o.json?page_info=def" },
    { "<https://s.example/o.json?page_info=abc>; rel=\"previous\"", NULL },
    { "<https://s.example/o.json?p=2>; rel=next", "https://s.example/o.json?p=2" },
    { "<https://s.example/a>; title=\"x\"; rel=\"prev next\"", "https://s.example/a" },
    { "", NULL },
    { NULL, NULL },
    { "garbage", NULL },
    { "<https://s.example/unclosed; rel=\"next\"", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *next = siyu_http_next_link (cases[i].header);
      g_assert_cmpstr (next, ==, cases[i].next);
    }
}

static void
test_retry_after (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 8, 0, 0);

  g_assert_cmpint (siyu_http_retry_after_ms ("2.0", now), ==, 2000);
  g_assert_cmpint (siyu_http_retry_after_ms ("0.25", now), ==, 250);
  g_assert_cmpint (siyu_http_retry_after_ms ("120", now), ==, 120000);
  g_assert_cmpint (siyu_http_retry_after_ms ("Tue, 24 Nov 2026 08:00:30 GMT", now), ==, 30000);
  g_assert_cmpint (siyu_http_retry_after_ms ("Tue, 24 Nov 2026 07:00:00 GMT", now), ==, 0);
  g_assert_cmpint (siyu_http_retry_after_ms ("-5", now), ==, -1);
  g_assert_cmpint (siyu_http_retry_after_ms ("soon", now), ==, -1);
  g_assert_cmpint (siyu_http_retry_after_ms ("1e9", now), ==, -1);
  g_assert_cmpint (siyu_http_retry_after_ms (NULL, now), ==, -1);
}

static void
test_backoff (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  guint max_seen[8] = { 0 };

  for (int round = 0; round < 2000; round++)
    for (guint attempt = 1; attempt <= 8; attempt++)
      {
        guint wait = siyu_http_backoff_ms (attempt, 500, 30000, rand);

        g_assert_cmpuint (wait, <=, MIN (500u << (attempt - 1), 30000u));
        max_seen[attempt - 1] = MAX (max_seen[attempt - 1], wait);
      }

  /* The ceiling doubles, then stops at the cap. */
  g_assert_cmpuint (max_seen[0], >, 450);
  g_assert_cmpuint (max_seen[3], >, 3600);
  g_assert_cmpuint (max_seen[7], >, 27000);
  g_assert_cmpuint (max_seen[7], <=, 30000);
}

static void
test_session (void)
{
  g_autoptr(SoupSession) session = siyu_http_session_new ();

  g_assert_cmpstr (soup_session_get_user_agent (session), ==, "Siyu/" PACKAGE_VERSION);
  g_assert_cmpuint (soup_session_get_timeout (session), ==, 30);
  /* Certificates are checked against the system's trust store. */
  g_assert_nonnull (soup_session_get_tls_database (session));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/http/next-link", test_next_link);
  g_test_add_func ("/siyu/http/retry-after", test_retry_after);
  g_test_add_func ("/siyu/http/backoff", test_backoff);
  g_test_add_func ("/siyu/http/session", test_session);

  return g_test_run ();
}
