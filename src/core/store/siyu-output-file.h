/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SiyuOutputFile SiyuOutputFile;

SiyuOutputFile *siyu_output_file_open          (const char      *path,
                                                GError         **error);
int             siyu_output_file_get_fd        (SiyuOutputFile  *self);
const char     *siyu_output_file_get_temp_path (SiyuOutputFile  *self);
const char     *siyu_output_file_get_path      (SiyuOutputFile  *self);
gboolean        siyu_output_file_write         (SiyuOutputFile  *self,
                                                const void      *data,
                                                gsize            length,
                                                GError         **error);
void            siyu_output_file_set_error     (SiyuOutputFile  *self,
                                                int              errsv,
                                                GError         **error);
gboolean        siyu_output_file_sync          (SiyuOutputFile  *self,
                                                GError         **error);
gboolean        siyu_output_file_commit        (SiyuOutputFile  *self,
                                                GError         **error);
void            siyu_output_file_free          (SiyuOutputFile  *self);
guint           siyu_output_file_remove_leftovers (const char    *dir,
                                                gint64           min_age);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuOutputFile, siyu_output_file_free)

G_END_DECLS
