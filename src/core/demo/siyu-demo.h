/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

typedef enum {
  SIYU_DEMO_SMALL,   /* ~5,000 contacts, ~30,000 orders */
  SIYU_DEMO_LARGE,   /* ~200,000 contacts, ~2,000,000 orders */
} SiyuDemoSize;

typedef struct {
  SiyuDemoSize size;
  guint32      seed;
  SiyuDay      end;     /* last day of the data; SIYU_DAY_INVALID for the fixed default */
} SiyuDemoOptions;

/* The demo shop's data ends here unless told otherwise, so that the same
 * seed always gives the same shop. */
#define SIYU_DEMO_DEFAULT_END_YEAR  2026
#define SIYU_DEMO_DEFAULT_END_MONTH 11
#define SIYU_DEMO_DEFAULT_END_DAY   15

gboolean  siyu_demo_size_from_string (const char             *text,
                                      SiyuDemoSize           *size);
SiyuShop *siyu_demo_create           (const char             *path,
                                      const SiyuDemoOptions  *options,
                                      SiyuProgressFunc        progress,
                                      gpointer                progress_data,
                                      GCancellable           *cancellable,
                                      GError                **error);
char     *siyu_demo_default_path     (void);

G_END_DECLS
