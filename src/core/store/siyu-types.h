/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SiyuDb      SiyuDb;
typedef struct _SiyuShop    SiyuShop;
typedef struct _SiyuIngest  SiyuIngest;

/* A calendar day in the shop's time zone, counted from 1970-01-01. */
typedef gint32 SiyuDay;

#define SIYU_DAY_INVALID G_MININT32

/* Reports how far a long operation has come, from 0.0 to 1.0.  May be
 * called from a worker thread. */
typedef void (*SiyuProgressFunc) (double   fraction,
                                  gpointer user_data);

/* Orders gint64 values, for qsort() and g_array_sort(). */
static inline int
siyu_compare_int64 (gconstpointer a,
                    gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

G_END_DECLS
