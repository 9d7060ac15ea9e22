/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-sync.h"

/* Youzan's page parser (src/sync/siyu-sync-youzan.c).  The input is the
 * body of one answer in Youzan Cloud's envelope: youzan.trades.sold.get
 * 4.0.4 or youzan.scrm.customer.list 1.0.0, or a gateway or business
 * error (seeds/sync-youzan). */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_sync_init ("youzan", "44556677");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_sync_one (data, size);
  return 0;
}
