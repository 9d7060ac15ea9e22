#!/bin/bash
# Takes the Overview screenshots of the demo shop, in English and Chinese,
# under Xvfb.  Run from the source tree after building into _build:
#
#   docs/screenshots/take-screenshots.sh [BUILD_DIR]
#
# Needs xvfb-run, dbus-run-session, ImageMagick's import and
# fonts-noto-cjk.  The zh_CN locale is compiled into a temporary folder if
# the system lacks it.
set -euo pipefail

build=$(realpath "${1:-_build}")
out=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/src/cli/siyu-cli" demo --out "$tmp/demo.siyu" >/dev/null
mkdir -p "$tmp/locale"
localedef -i en_US -f UTF-8 "$tmp/locale/en_US.UTF-8" 2>/dev/null || true
localedef -i zh_CN -f UTF-8 "$tmp/locale/zh_CN.UTF-8" 2>/dev/null || true

shoot () {
  local lang=$1 language=$2 png=$3

  env LOCPATH="$tmp/locale" LANG="$lang" LANGUAGE="$language" \
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" SIYU_LOCALEDIR="$build/po" \
      xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c "
        '$build/src/siyu' '$tmp/demo.siyu' & pid=\$!
        sleep 5
        import -window root '$tmp/root.png'
        kill \$pid" >/dev/null 2>&1
  # The window is 1100×720 at the top left: the schema's default size.
  convert "$tmp/root.png" -crop 1100x720+0+0 +repage "$out/$png"
}

shoot en_US.UTF-8 en overview-en.png
shoot zh_CN.UTF-8 zh_CN overview-zh.png
