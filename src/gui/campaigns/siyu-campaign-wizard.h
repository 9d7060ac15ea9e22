/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"
#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CAMPAIGN_WIZARD (siyu_campaign_wizard_get_type ())
G_DECLARE_FINAL_TYPE (SiyuCampaignWizard, siyu_campaign_wizard, SIYU, CAMPAIGN_WIZARD, AdwWindow)

SiyuCampaignWizard *siyu_campaign_wizard_new (GtkWindow      *parent,
                                              SiyuShopRunner *runner);

/* A campaign's phases on a line, for the wizard and the campaign's page. */
GtkWidget          *siyu_campaign_timeline_new (void);
char               *siyu_campaign_timeline_set (GtkWidget          *timeline,
                                                guint               n,
                                                const SiyuDay      *first,
                                                const SiyuDay      *last,
                                                const char * const *labels,
                                                SiyuDay             today);

G_END_DECLS
