/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIYU_PHONE_ERROR (siyu_phone_error_quark ())

typedef enum {
  SIYU_PHONE_ERROR_INVALID,
} SiyuPhoneError;

GQuark    siyu_phone_error_quark     (void);
gboolean  siyu_phone_region_is_known (const char  *region);
const char * const *siyu_phone_region_list (void);
char     *siyu_phone_normalize       (const char  *text,
                                      const char  *region,
                                      GError     **error);
char     *siyu_phone_mask            (const char  *e164);
char     *siyu_phone_national        (const char  *e164,
                                      const char  *region);

G_END_DECLS
