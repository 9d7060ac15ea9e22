/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-export.h"
#include "siyu-prediction.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

/* The spans of the restock list, in days around today. */
typedef enum {
  SIYU_DUE_OVERDUE,    /* the 30 days before today */
  SIYU_DUE_THIS_WEEK,  /* today and the 6 days after */
  SIYU_DUE_TWO_WEEKS,  /* today and the 13 days after */
  SIYU_DUE_30_DAYS,    /* today and the 29 days after */
} SiyuDueSpan;

/* One buyer due to restock one product. */
typedef struct {
  gint64   contact_id;
  char    *name;          /* nullable */
  char    *phone;         /* E.164, nullable */
  char    *stage;         /* nullable: not yet recomputed */
  gint64   product_id;
  char    *product;
  char    *sku;
  SiyuDay  last_purchase;
  int      interval_days;
  SiyuDay  due;
} SiyuDueRow;

void       siyu_due_span_days         (SiyuDueSpan              span,
                                       SiyuDay                  today,
                                       SiyuDay                 *first,
                                       SiyuDay                 *last);
void       siyu_due_row_free          (SiyuDueRow              *row);
GPtrArray *siyu_replenishments_list   (SiyuShop                *shop,
                                       SiyuDay                  first,
                                       SiyuDay                  last,
                                       guint                    offset,
                                       guint                    limit,
                                       GError                 **error);
gint64     siyu_replenishments_count  (SiyuShop                *shop,
                                       SiyuDay                  first,
                                       SiyuDay                  last,
                                       gint64                  *buyers,
                                       GError                 **error);
GPtrArray *siyu_replenishments_describe (SiyuShop               *shop,
                                         const SiyuReplenishment *due,
                                         guint                    n_due,
                                         GError                 **error);
gboolean   siyu_replenishments_export (SiyuShop                *shop,
                                       SiyuDay                  first,
                                       SiyuDay                  last,
                                       const char              *path,
                                       const SiyuExportOptions *options,
                                       SiyuExportResult        *result,
                                       GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuDueRow, siyu_due_row_free)

G_END_DECLS
