/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_MODEL_ERROR (siyu_model_error_quark ())

typedef enum {
  SIYU_MODEL_ERROR_INVALID,
} SiyuModelError;

/* One member tier as the owner sets it. */
typedef struct {
  gint64    id;             /* 0: a new tier */
  char     *name;
  char     *name_zh;        /* nullable */
  gint64    threshold;      /* net spend in 365 days, minor units */
  gint64    capacity;       /* 0: no limit */
  gboolean  by_application;
  char     *benefits;       /* nullable */
} SiyuTierSetting;

/* The thresholds behind every figure: lifecycle, tiers, pyramid weights. */
typedef struct {
  SiyuLifecycleModel  lifecycle;
  GArray             *tiers;     /* SiyuTierSetting, lowest first */
  SiyuPyramidWeights  weights;
} SiyuModel;

GQuark     siyu_model_error_quark (void);
gboolean   siyu_model_load        (SiyuShop        *shop,
                                   SiyuModel       *model,
                                   GError         **error);
gboolean   siyu_model_check       (const SiyuModel *model,
                                   const char      *currency,
                                   GError         **error);
gboolean   siyu_model_save        (SiyuShop        *shop,
                                   const SiyuModel *model,
                                   GError         **error);
void       siyu_model_clear       (SiyuModel       *model);
JsonNode  *siyu_model_to_json     (const SiyuModel *model);
gboolean   siyu_model_from_json   (JsonNode        *node,
                                   SiyuModel       *model,
                                   GError         **error);

G_END_DECLS
