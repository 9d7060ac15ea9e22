/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-chart.h"
#include "siyu-shop-picture.h"

G_BEGIN_DECLS

typedef enum {
  SIYU_SECTION_STAGES,
  SIYU_SECTION_RFM,
  SIYU_SECTION_TIERS,
  SIYU_SECTION_PYRAMID,
  SIYU_SECTION_AIPL,
  SIYU_SECTION_COHORTS,
  SIYU_N_PICTURE_SECTIONS
} SiyuPictureSection;

typedef enum {
  SIYU_PICTURE_STAGES,
  SIYU_PICTURE_RFM_GRID,
  SIYU_PICTURE_SEGMENTS,
  SIYU_PICTURE_TIERS,
  SIYU_PICTURE_PYRAMID,
  SIYU_PICTURE_AIPL,
  SIYU_PICTURE_COHORTS,
  SIYU_N_PICTURE_CHARTS
} SiyuPictureChart;

SiyuChart  *_siyu_shop_picture_get_chart (SiyuShopPicture    *self,
                                          SiyuPictureChart    chart);
const char *_siyu_shop_picture_get_note  (SiyuShopPicture    *self,
                                          SiyuPictureSection  section);
const char *_siyu_shop_picture_get_rules (SiyuShopPicture    *self,
                                          SiyuPictureSection  section);
GtkLabel   *_siyu_shop_picture_get_rules_label (SiyuShopPicture    *self,
                                                SiyuPictureSection  section);

G_END_DECLS
