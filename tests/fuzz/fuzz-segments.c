/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "siyu-fuzz.h"
#include "siyu-json.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"

/* The input is a segment definition as the owner saves it, or as a shop
 * file sent by someone else holds it: JSON, checked, compiled and counted
 * against a small shop built once per process (siyu_test_review_shop ():
 * 14 contacts, a group, orders, tiers and predictions). */

#define N_CONTACTS 14

static SiyuShop *shop;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *dir = NULL;

  siyu_fuzz_init ();
  dir = siyu_test_tmpdir ();
  shop = siyu_test_review_shop (dir, TRUE);
  return 0;
}

static void
check_message (const GError *error)
{
  siyu_fuzz_check (error != NULL && error->message != NULL && *error->message != '\0', "an error without a message");
  siyu_fuzz_check (g_utf8_validate (error->message, -1, NULL), "the message is not UTF-8: %s", error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) count_error = NULL;
  g_autoptr(GError) members_error = NULL;
  g_autoptr(GArray) members = NULL;
  gboolean valid;
  gint64 total = -1;
  gint64 unreachable = -1;

  /* As Siyu reads JSON from outside: json-glib recurses, so depth is
   * bounded first (siyu-json.c). */
  definition = siyu_json_parse ((const char *) data, (gssize) size, "The segment", NULL);
  if (definition == NULL)
    return 0;

  valid = siyu_segment_check (definition, &check_error);
  if (!valid)
    {
      check_message (check_error);
      siyu_fuzz_check (g_error_matches (check_error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID),
                       "%s", check_error->message);
    }

  /* What the editor accepts, the shop can count: SQLite takes the query. */
  if (!siyu_segment_count (shop, definition, &total, &unreachable, &count_error))
    {
      check_message (count_error);
      siyu_fuzz_check (!valid, "a valid definition cannot be counted: %s", count_error->message);
      return 0;
    }
  siyu_fuzz_check (valid, "an invalid definition (%s) was counted", check_error->message);
  siyu_fuzz_check (total >= 0 && total <= N_CONTACTS && unreachable >= 0 && unreachable <= total,
                   "%" G_GINT64_FORMAT " contacts, %" G_GINT64_FORMAT " unreachable", total, unreachable);

  members = siyu_segment_members (shop, definition, &members_error);
  siyu_fuzz_check (members != NULL, "counted but no members: %s", members_error->message);
  siyu_fuzz_check (members->len == (guint) total, "%u members, %" G_GINT64_FORMAT " counted", members->len, total);
  for (guint i = 1; i < members->len; i++)
    siyu_fuzz_check (g_array_index (members, gint64, i - 1) < g_array_index (members, gint64, i),
                     "members out of order");

  return 0;
}
