/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-contacts.h"

G_BEGIN_DECLS

GVariant *siyu_contact_filter_to_variant   (const SiyuContactFilter *filter);
void      siyu_contact_filter_from_variant (GVariant                *variant,
                                            SiyuContactFilter       *filter);

G_END_DECLS
