#!/bin/bash
# Takes the screenshots of the demo shop in the README, in English and
# Chinese, under Xvfb: the Overview, the contacts list and a contact's page
# (reached with the keyboard through python3-dogtail's raw input).  Run from the source tree after building into _build:
#
#   docs/screenshots/take-screenshots.sh [BUILD_DIR]
#
# Needs xvfb-run, dbus-run-session, ImageMagick's import, xdotool and
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

cat > "$tmp/keys.py" <<'PY'
import subprocess, sys, time
from dogtail.config import config
config.checkForA11y = False
from dogtail.rawinput import click, keyCombo, pressKey, typeText
for step in sys.argv[1:]:
    if step.startswith('click:'):
        x, y = step[6:].split(',')
        click(int(x), int(y))
    elif step.startswith('type:'):
        typeText(step[5:])
    elif step.startswith('scroll:'):
        subprocess.run(['xdotool', 'mousemove', '600', '400'])
        subprocess.run(['xdotool', 'click', '--repeat', step[7:], '5'])
    elif step.startswith('<'):
        keyCombo(step)
    else:
        pressKey(step)
    time.sleep(1)
PY

# shoot LANG LANGUAGE PNG [KEY…]: opens the demo, presses the keys, shoots.
shoot () {
  local lang=$1 language=$2 png=$3 keys
  shift 3
  keys=$(printf ' %q' "$@")

  env LOCPATH="$tmp/locale" LANG="$lang" LANGUAGE="$language" \
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" SIYU_LOCALEDIR="$build/po" \
      xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c "
        '$build/src/siyu' '$tmp/demo.siyu' & pid=\$!
        sleep 5
        /usr/bin/python3 '$tmp/keys.py' $keys && sleep 2
        import -window root '$tmp/root.png'
        kill \$pid" >/dev/null 2>&1
  # The window is 1100×720 at the top left: the schema's default size.
  convert "$tmp/root.png" -crop 1100x720+0+0 +repage "$out/$png"
}

shoot en_US.UTF-8 en overview-en.png
shoot zh_CN.UTF-8 zh_CN overview-zh.png
shoot en_US.UTF-8 en contacts-en.png '<Alt>2'
shoot zh_CN.UTF-8 zh_CN contact-zh.png '<Control>f' type:8000 Return
shoot en_US.UTF-8 en overview-charts-en.png scroll:9
shoot zh_CN.UTF-8 zh_CN overview-charts-zh.png scroll:22
shoot en_US.UTF-8 en import-en.png '<Control>i' "type:$(realpath "$out/../../tests/data/import/youzan-orders.csv")" Return
# A shop's own export that no preset knows: its columns recognised.
shoot zh_CN.UTF-8 zh_CN import-zh.png '<Control>i' "type:$(realpath "$out/../../tests/data/import/tea-shop-orders.csv")" Return type: type: type: type: type: type:
shoot en_US.UTF-8 en orders-en.png '<Alt>3'
shoot zh_CN.UTF-8 zh_CN groups-zh.png '<Alt>4'
shoot en_US.UTF-8 en segments-en.png '<Alt>5'
shoot zh_CN.UTF-8 zh_CN restock-zh.png '<Alt>6'

shoot en_US.UTF-8 en review-en.png '<Alt>7'
shoot zh_CN.UTF-8 zh_CN review-zh.png '<Alt>7'

# The lifecycle and tier wizard from the main menu (its fifth item): the
# gaps page and, after Next twice and Suggest, the tiers; the wizard only.
# Each empty type: waits a second while the wizard counts the demo shop.
wizard_keys=(F10 Down Down Down Down Return type: type: type: type: type: type: type: type:)
shoot en_US.UTF-8 en wizard-en.png "${wizard_keys[@]}"
shoot zh_CN.UTF-8 zh_CN wizard-zh.png "${wizard_keys[@]}"
shoot en_US.UTF-8 en wizard-tiers-en.png "${wizard_keys[@]}" '<Alt>n' '<Alt>n' '<Alt>s'
shoot zh_CN.UTF-8 zh_CN wizard-tiers-zh.png "${wizard_keys[@]}" '<Alt>n' '<Alt>n' '<Alt>s'
for png in wizard-en.png wizard-zh.png wizard-tiers-en.png wizard-tiers-zh.png; do
  convert "$out/$png" -crop 680x720+0+0 +repage "$out/$png"
done

# The campaign rhythm wizard on its gap page and, saved, the campaign's
# page: Campaigns is the last place; Alt+P is Plan a Campaign…, the name
# has the focus, Tab goes to the target, Alt+N is Next and Alt+S Save.
shoot en_US.UTF-8 en campaign-en.png '<Alt>8' '<Alt>p' 'type:Double 12' Tab type:300000 '<Alt>n' type: type: scroll:4
shoot zh_CN.UTF-8 zh_CN campaign-zh.png '<Alt>8' '<Alt>p' 'type:双12年终大促' Tab type:300000 '<Alt>n' type: '<Alt>n' type: '<Alt>s' type: type:

# Preferences → Backups (Ctrl+comma, then the last page of the switcher at
# the foot of the 600×560 window), with backups of the kinds Siyu keeps: one
# kept now, copied under the names of earlier ones.
"$build/src/cli/siyu-cli" backup create --db "$tmp/demo.siyu" >/dev/null
first=$(ls "$tmp/demo-backups" | head -1)
for name in 20261207T161902Z-import 20261206T083012Z-sync 20261204T021544Z-model 20261201T101500Z-erase \
            20261128T140233Z-bulk; do
  cp "$tmp/demo-backups/$first" "$tmp/demo-backups/$name.siyu"
done
shoot zh_CN.UTF-8 zh_CN backups-zh.png '<Control>comma' click:499,530
convert "$out/backups-zh.png" -crop 600x560+0+0 +repage "$out/backups-zh.png"

 as tests/dogtail-first-hour.py drives
# it: a shop made from its own export, and the export of its dormant high
# spenders.
env LOCPATH="$tmp/locale" LANG=zh_CN.UTF-8 GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
    SIYU_LOCALEDIR="$build/po" SIYU_SCREENSHOTS="$out" \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    /usr/bin/python3 "$out/../../tests/dogtail-first-hour.py" "$build/src/siyu" "$build/src/cli/siyu-cli" >/dev/null 2>&1
