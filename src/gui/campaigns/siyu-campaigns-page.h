/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CAMPAIGNS_PAGE (siyu_campaigns_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuCampaignsPage, siyu_campaigns_page, SIYU, CAMPAIGNS_PAGE, GtkWidget)

SiyuCampaignsPage *siyu_campaigns_page_new    (SiyuShopRunner    *runner);
void               siyu_campaigns_page_reload (SiyuCampaignsPage *self);
void               siyu_campaigns_page_open   (SiyuCampaignsPage *self,
                                               gint64             campaign_id);

G_END_DECLS
