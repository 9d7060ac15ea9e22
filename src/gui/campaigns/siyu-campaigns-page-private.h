/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-campaign-wizard.h"
#include "siyu-campaigns-page.h"

G_BEGIN_DECLS

/* For the tests.  States: "loading", "empty", "list", "campaign". */
const char         *_siyu_campaigns_page_get_state       (SiyuCampaignsPage *self);
char               *_siyu_campaigns_page_describe        (SiyuCampaignsPage *self);
char               *_siyu_campaigns_page_describe_detail (SiyuCampaignsPage *self);
SiyuCampaignWizard *_siyu_campaigns_page_get_wizard      (SiyuCampaignsPage *self);
void                _siyu_campaigns_page_undo_delete     (SiyuCampaignsPage *self);

G_END_DECLS
