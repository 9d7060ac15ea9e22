/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-sync.h"

/* Shopify's page parser (src/sync/siyu-sync-shopify.c).  The input is the
 * body of one Admin REST 2024-01 list answer: {"orders": […]} or
 * {"customers": […]}, as its examples in tests/data/sync/published. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_sync_init ("shopify", "https://fuzz.myshopify.com");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_sync_one (data, size);
  return 0;
}
