#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one benchmark for `meson test --benchmark`: PROGRAM [ARG…], where an
# argument @LARGE@ stands for the large demo shop (200k contacts, 2M orders).
# That shop is made once, with siyu-cli demo --size large --seed 1, and kept
# in the build folder (or wherever SIYU_BENCH_SHOP says) for the next runs.
# Benchmarks print figures; they assert nothing.
set -euo pipefail

cli=${SIYU_CLI:?SIYU_CLI names siyu-cli}
shop=${SIYU_BENCH_SHOP:-${MESON_BUILD_ROOT:-$(dirname "$cli")/../..}/bench-large.siyu}

args=()
for a in "$@"; do
  if [ "$a" = @LARGE@ ]; then
    if [ ! -f "$shop" ]; then
      echo "# making the large demo shop in $shop (once; a few minutes)"
      "$cli" demo --size large --seed 1 --out "$shop.partial" >/dev/null
      mv "$shop.partial" "$shop"
    fi
    a=$shop
  fi
  args+=("$a")
done

exec "${args[@]}"
