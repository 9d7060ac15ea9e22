/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-ingest.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

char     *siyu_test_tmpdir        (void);
char     *siyu_test_read_file     (const char  *path,
                                   gsize       *length);
gboolean  siyu_test_files_equal   (const char  *a,
                                   const char  *b);
SiyuShop *siyu_test_new_shop      (const char  *dir,
                                   const char  *name);
void      siyu_test_write_shop    (const char  *path,
                                   int          version,
                                   const char  *sql);
gint64    siyu_test_time          (SiyuShop    *shop,
                                   const char  *local);
const char *siyu_test_shared_dir  (void);
int       siyu_test_run_cli       (char       **out,
                                   char       **err,
                                   const char  *first_arg,
                                   ...) G_GNUC_NULL_TERMINATED;

void      siyu_test_write_zip     (const char         *path,
                                   const char * const *parts);

gint64    siyu_test_add_contact   (SiyuIngest  *ingest,
                                   SiyuShop    *shop,
                                   const char  *name,
                                   const char  *phone,
                                   const char  *seen,
                                   gboolean     member);
void      siyu_test_add_order     (SiyuIngest  *ingest,
                                   SiyuShop    *shop,
                                   gint64       channel,
                                   const char  *ref,
                                   gint64       contact,
                                   const char  *at,
                                   gint64       amount);
SiyuShop *siyu_test_review_shop   (const char  *dir,
                                   gboolean     more_buyers);

G_END_DECLS
