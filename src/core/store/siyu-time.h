/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-types.h"

G_BEGIN_DECLS

SiyuDay   siyu_day_from_ymd      (int          year,
                                  int          month,
                                  int          day);
void      siyu_day_to_ymd        (SiyuDay      day,
                                  int         *year,
                                  int         *month,
                                  int         *mday);
gboolean  siyu_day_parse         (const char  *text,
                                  SiyuDay     *day);
char     *siyu_day_format        (SiyuDay      day);
guint     siyu_days_until        (const SiyuDay *days,
                                  guint        n,
                                  SiyuDay      day);
SiyuDay   siyu_day_of_time       (GTimeZone   *tz,
                                  gint64       utc);
gint64    siyu_day_start_time    (GTimeZone   *tz,
                                  SiyuDay      day);
GTimeZone *siyu_time_zone_new    (const char  *identifier);
char     *siyu_time_format       (GTimeZone   *tz,
                                  gint64       utc,
                                  const char  *format);

G_END_DECLS
