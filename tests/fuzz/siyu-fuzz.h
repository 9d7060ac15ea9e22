/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

G_BEGIN_DECLS

/* What libFuzzer calls; each harness defines the second, and the first
 * when it has something to set up once. */
int    LLVMFuzzerInitialize   (int            *argc,
                               char         ***argv);
int    LLVMFuzzerTestOneInput (const uint8_t  *data,
                               size_t          size);
size_t LLVMFuzzerMutate       (uint8_t        *data,
                               size_t          size,
                               size_t          max_size);

static inline void
siyu_fuzz_log_cb (const char     *domain,
                  GLogLevelFlags  level,
                  const char     *message,
                  gpointer        user_data)
{
  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    {
      g_log_default_handler (domain, level, message, user_data);
      return;
    }
  fprintf (stderr, "%s-%s **: %s\n", domain != NULL ? domain : "fuzz",
           level & G_LOG_LEVEL_ERROR ? "ERROR" : level & G_LOG_LEVEL_CRITICAL ? "CRITICAL" : "WARNING", message);
  abort ();
}

/* A critical or a warning is a bug the input found: make it abort, so that
 * libFuzzer keeps the input, also when the harness is run by hand.  GLib's
 * own fatal messages raise SIGTRAP, which libFuzzer does not catch. */
static inline void
siyu_fuzz_init (void)
{
  g_log_set_default_handler (siyu_fuzz_log_cb, NULL);
}

/* Stops the run with a message when a property the code promises does not
 * hold: libFuzzer saves the input as a crash. */
#define siyu_fuzz_check(expr, ...) \
  G_STMT_START { \
    if (G_UNLIKELY (!(expr))) \
      g_error ("%s:%d: property “%s” broken: %s", __FILE__, __LINE__, #expr, \
               g_strdup_printf (__VA_ARGS__)); \
  } G_STMT_END

G_END_DECLS
