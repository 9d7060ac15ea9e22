/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-sync.h"

/* WooCommerce's page parser (src/sync/siyu-sync-woocommerce.c).  The input
 * is the body of one REST v3 list answer: a bare array of orders or of
 * customers, as its examples in tests/data/sync/published. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_sync_init ("woocommerce", "https://fuzz.example.com");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_sync_one (data, size);
  return 0;
}
