#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets Siyu up on Debian 12 or Ubuntu: installs the packages it needs, builds
# it, and then either opens the app on the demo shop or runs every test.
#
#   ./setup.sh          install, build, create the demo shop on first run, open Siyu
#   ./setup.sh --test   install, build, run the whole test suite (display tests under Xvfb)
#
# Environment: BUILD_DIR (default _build), PREFIX for the installed app
# (default ~/.local), SIYU_SKIP_PACKAGES=1 to skip the package step.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"

mode=run
case "${1:-}" in
  "") ;;
  --test) mode=test ;;
  -h|--help) sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "setup.sh: unknown option “$1” (try --help)" >&2; exit 2 ;;
esac

build_dir=${BUILD_DIR:-_build}
prefix=${PREFIX:-$HOME/.local}

packages=(
  # build
  gcc pkg-config meson ninja-build gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsqlite3-dev libjson-glib-dev libsoup-3.0-dev
  libcsv-dev libarchive-dev libxml2-dev libxlsxwriter-dev libsecret-1-dev
  # run
  tzdata fonts-noto-cjk
  # test
  desktop-file-utils appstream xvfb xauth dbus at-spi2-core sqlite3 python3 python3-dogtail poppler-utils
)

install_packages () {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

[ "${SIYU_SKIP_PACKAGES:-}" = 1 ] || install_packages

if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" --prefix="$prefix"
fi
meson compile -C "$build_dir"

if [ "$mode" = test ]; then
  status=0
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    meson test -C "$build_dir" --print-errorlogs --num-processes 2 || status=$?
  python3 - "$build_dir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    key = {"OK": "OK", "EXPECTEDFAIL": "OK", "SKIP": "SKIP"}.get(r, "FAIL")
    counts[key] += 1
print(f"tests: {counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
  exit $status
fi

meson install -C "$build_dir" --quiet
demo="${XDG_DATA_HOME:-$HOME/.local/share}/siyu/demo.siyu"
if [ ! -f "$demo" ]; then
  echo "Creating the demo shop in $demo"
  "$prefix/bin/siyu-cli" demo --size small --seed 1 --out "$demo"
fi
exec "$prefix/bin/siyu" "$demo"
