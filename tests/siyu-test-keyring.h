/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-sync-private.h"

G_BEGIN_DECLS

/* A Secret Service in memory, for tests that have none: items are a
 * schema name, string attributes, a label and a secret, and a lookup
 * matches the items that have every attribute asked for, as libsecret's
 * does. */
void        siyu_test_keyring_install (void);
void        siyu_test_keyring_remove  (void);
void        siyu_test_keyring_add     (const char  *schema,
                                       const char  *label,
                                       const char  *secret,
                                       const char  *first_attribute,
                                       ...) G_GNUC_NULL_TERMINATED;
guint       siyu_test_keyring_count   (void);
char       *siyu_test_keyring_describe (guint       index);

G_END_DECLS
