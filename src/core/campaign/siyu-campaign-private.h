/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-campaign.h"

G_BEGIN_DECLS

/* Tests only: contacts per lifecycle stage as of @day (erased left out),
 * as the deduction evaluates them; @sizes has SIYU_N_STAGES elements. */
gboolean siyu_campaign_stage_sizes_for_tests (SiyuShop  *shop,
                                              SiyuDay    day,
                                              gint64    *sizes,
                                              GError   **error);

G_END_DECLS
