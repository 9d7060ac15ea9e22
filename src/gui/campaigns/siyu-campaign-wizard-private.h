/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-campaign-wizard.h"

G_BEGIN_DECLS

/* For the tests.  Pages: "basics", "deduction", "rhythm". */
gboolean    _siyu_campaign_wizard_is_busy           (SiyuCampaignWizard *self);
const char *_siyu_campaign_wizard_get_page          (SiyuCampaignWizard *self);
void        _siyu_campaign_wizard_set_basics        (SiyuCampaignWizard *self,
                                                     const char         *name,
                                                     const char         *first_day,
                                                     const char         *last_day,
                                                     const char         *target);
void        _siyu_campaign_wizard_set_reference     (SiyuCampaignWizard *self,
                                                     const char         *first_day,
                                                     const char         *last_day);
void        _siyu_campaign_wizard_set_weight        (SiyuCampaignWizard *self,
                                                     guint               stage,
                                                     double              weight);
void        _siyu_campaign_wizard_set_aov           (SiyuCampaignWizard *self,
                                                     double              yuan);
const char *_siyu_campaign_wizard_get_error         (SiyuCampaignWizard *self);
char       *_siyu_campaign_wizard_describe          (SiyuCampaignWizard *self);
char       *_siyu_campaign_wizard_describe_rhythm   (SiyuCampaignWizard *self);
char       *_siyu_campaign_wizard_describe_timeline (SiyuCampaignWizard *self,
                                                     int                 width);
double      _siyu_campaign_wizard_scroll_weight     (SiyuCampaignWizard *self,
                                                     guint               stage,
                                                     double              dy);
GtkAdjustment *_siyu_campaign_wizard_get_scroll     (SiyuCampaignWizard *self);
const char *_siyu_campaign_wizard_get_reference     (SiyuCampaignWizard *self);
char       *_siyu_campaign_wizard_get_touch_days    (SiyuCampaignWizard *self,
                                                     guint               phase,
                                                     guint               target,
                                                     int                *width_chars);
void        _siyu_campaign_wizard_set_theme         (SiyuCampaignWizard *self,
                                                     guint               phase,
                                                     const char         *theme);

G_END_DECLS
