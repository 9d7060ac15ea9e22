/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-contact-filter-variant.h"

/* The contact filter as the parameter of win.show-contacts: a page's
 * filter reaches the contacts page whole. */

/* Every member set to something other than "any": each one comes back. */
static void
test_every_member (void)
{
  const SiyuContactFilter filter = {
    .search = "王",
    .stage = "dormant",
    .segment = "champions",
    .tier_id = G_GINT64_CONSTANT (9007199254740993),
    .pyramid = "co_builder",
    .aipl = "loyalty",
    .r_score = 5,
    .f_score = 2,
    .cohort = "2026-01",
    .tag = "学生",
    .group_id = 42,
    .consent_only = TRUE,
    .sort = SIYU_CONTACT_SORT_P_ALIVE,
  };
  g_autoptr(GVariant) variant = g_variant_ref_sink (siyu_contact_filter_to_variant (&filter));
  g_autofree char *text = g_variant_print (variant, TRUE);
  g_autoptr(GVariant) parsed = NULL;
  SiyuContactFilter back;

  g_assert_cmpstr (g_variant_get_type_string (variant), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (variant), ==, 13);

  /* As an action's parameter crosses D-Bus: printed and read back. */
  parsed = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL);
  g_assert_nonnull (parsed);
  siyu_contact_filter_from_variant (parsed, &back);

  g_assert_cmpstr (back.search, ==, "王");
  g_assert_cmpstr (back.stage, ==, "dormant");
  g_assert_cmpstr (back.segment, ==, "champions");
  g_assert_cmpint (back.tier_id, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpstr (back.pyramid, ==, "co_builder");
  g_assert_cmpstr (back.aipl, ==, "loyalty");
  g_assert_cmpint (back.r_score, ==, 5);
  g_assert_cmpint (back.f_score, ==, 2);
  g_assert_cmpstr (back.cohort, ==, "2026-01");
  g_assert_cmpstr (back.tag, ==, "学生");
  g_assert_cmpint (back.group_id, ==, 42);
  g_assert_true (back.consent_only);
  g_assert_cmpint (back.sort, ==, SIYU_CONTACT_SORT_P_ALIVE);
}

/* A filter of everyone is an empty dictionary, and comes back as one. */
static void
test_empty (void)
{
  const SiyuContactFilter filter = { NULL, };
  g_autoptr(GVariant) variant = g_variant_ref_sink (siyu_contact_filter_to_variant (&filter));
  SiyuContactFilter back;

  memset (&back, 0xff, sizeof back);

  g_assert_cmpstr (g_variant_get_type_string (variant), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (variant), ==, 0);

  siyu_contact_filter_from_variant (variant, &back);
  g_assert_null (back.search);
  g_assert_null (back.stage);
  g_assert_null (back.segment);
  g_assert_cmpint (back.tier_id, ==, 0);
  g_assert_null (back.pyramid);
  g_assert_null (back.aipl);
  g_assert_cmpint (back.r_score, ==, 0);
  g_assert_cmpint (back.f_score, ==, 0);
  g_assert_null (back.cohort);
  g_assert_null (back.tag);
  g_assert_cmpint (back.group_id, ==, 0);
  g_assert_false (back.consent_only);
  g_assert_cmpint (back.sort, ==, SIYU_CONTACT_SORT_NEWEST);
}

/* The window's actions are exported on the session bus: a value of the
 * wrong type, or an order the list does not have, narrows nothing. */
static void
test_wrong_types (void)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_parse (G_VARIANT_TYPE_VARDICT,
                                                                     "{'stage': <5>, 'tier_id': <'3'>, "
                                                                     "'tag': <'VIP'>, 'sort': <uint32 99>}",
                                                                     NULL, NULL, NULL));
  SiyuContactFilter back;

  siyu_contact_filter_from_variant (variant, &back);
  g_assert_null (back.stage);
  g_assert_cmpint (back.tier_id, ==, 0);
  g_assert_cmpstr (back.tag, ==, "VIP");
  g_assert_cmpint (back.sort, ==, SIYU_CONTACT_SORT_NEWEST);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/ui/contact-filter/every-member", test_every_member);
  g_test_add_func ("/siyu/ui/contact-filter/empty", test_empty);
  g_test_add_func ("/siyu/ui/contact-filter/wrong-types", test_wrong_types);

  return g_test_run ();
}
