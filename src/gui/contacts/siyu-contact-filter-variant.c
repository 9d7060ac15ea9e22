/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contact-filter"

#include "config.h"

#include "siyu-contact-filter-variant.h"

/* A SiyuContactFilter as a dictionary (a{sv}), so that a page can hand the
 * contacts behind one of its figures to the window's win.show-contacts
 * action.  Each member is a key of the same name.  A member that narrows
 * nothing (NULL, 0, FALSE, the newest first) is left out: an empty
 * dictionary is everyone. */

static void
add_string (GVariantBuilder *builder,
            const char      *key,
            const char      *value)
{
  if (value != NULL)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value));
}

static void
add_int64 (GVariantBuilder *builder,
           const char      *key,
           gint64           value)
{
  if (value != 0)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_int64 (value));
}

static void
add_int32 (GVariantBuilder *builder,
           const char      *key,
           int              value)
{
  if (value != 0)
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_int32 (value));
}

/**
 * siyu_contact_filter_to_variant:
 * @filter: the contacts to show
 *
 * Returns: (transfer floating): @filter as an a{sv} dictionary
 */
GVariant *
siyu_contact_filter_to_variant (const SiyuContactFilter *filter)
{
  GVariantBuilder builder;

  g_return_val_if_fail (filter != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "search", filter->search);
  add_string (&builder, "stage", filter->stage);
  add_string (&builder, "segment", filter->segment);
  add_int64 (&builder, "tier_id", filter->tier_id);
  add_string (&builder, "pyramid", filter->pyramid);
  add_string (&builder, "aipl", filter->aipl);
  add_int32 (&builder, "r_score", filter->r_score);
  add_int32 (&builder, "f_score", filter->f_score);
  add_string (&builder, "cohort", filter->cohort);
  add_string (&builder, "tag", filter->tag);
  add_int64 (&builder, "group_id", filter->group_id);
  if (filter->consent_only)
    g_variant_builder_add (&builder, "{sv}", "consent_only", g_variant_new_boolean (TRUE));
  if (filter->sort != SIYU_CONTACT_SORT_NEWEST)
    g_variant_builder_add (&builder, "{sv}", "sort", g_variant_new_uint32 (filter->sort));

  return g_variant_builder_end (&builder);
}

/**
 * siyu_contact_filter_from_variant:
 * @variant: an a{sv} dictionary from siyu_contact_filter_to_variant()
 * @filter: (out caller-allocates): the filter it holds
 *
 * Fills every member of @filter: a key that is missing, or holds a value
 * of another type, narrows nothing.  The strings of @filter point into
 * @variant and live as long as it does.
 */
void
siyu_contact_filter_from_variant (GVariant          *variant,
                                  SiyuContactFilter *filter)
{
  guint32 sort = SIYU_CONTACT_SORT_NEWEST;

  g_return_if_fail (variant != NULL);
  g_return_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT));
  g_return_if_fail (filter != NULL);

  *filter = (SiyuContactFilter) { NULL, };
  g_variant_lookup (variant, "search", "&s", &filter->search);
  g_variant_lookup (variant, "stage", "&s", &filter->stage);
  g_variant_lookup (variant, "segment", "&s", &filter->segment);
  g_variant_lookup (variant, "tier_id", "x", &filter->tier_id);
  g_variant_lookup (variant, "pyramid", "&s", &filter->pyramid);
  g_variant_lookup (variant, "aipl", "&s", &filter->aipl);
  g_variant_lookup (variant, "r_score", "i", &filter->r_score);
  g_variant_lookup (variant, "f_score", "i", &filter->f_score);
  g_variant_lookup (variant, "cohort", "&s", &filter->cohort);
  g_variant_lookup (variant, "tag", "&s", &filter->tag);
  g_variant_lookup (variant, "group_id", "x", &filter->group_id);
  g_variant_lookup (variant, "consent_only", "b", &filter->consent_only);
  /* The window's actions are also exported on the session bus: an order
   * the list does not have is the default one. */
  if (g_variant_lookup (variant, "sort", "u", &sort) && sort <= SIYU_CONTACT_SORT_P_ALIVE)
    filter->sort = (SiyuContactSort) sort;
}
