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

G_END_DECLS
