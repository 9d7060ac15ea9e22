#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Packaging checks, one per meson test:
#   check-packaging.sh desktop FILE | metainfo FILE | schemas DIR | layers SRCDIR | translations SRCDIR
#   check-packaging.sh flatpak SRCDIR BINARY…
# A missing tool skips (exit 77) on a developer's machine and fails in CI.
set -euo pipefail

need () {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "$1 is not installed"
    [ "${CI:-}" = true ] && exit 1
    exit 77
  fi
}

case "$1" in
  desktop)
    need desktop-file-validate
    desktop-file-validate "$2"
    ;;
  metainfo)
    need appstreamcli
    appstreamcli validate --no-net --explain "$2"
    ;;
  schemas)
    need glib-compile-schemas
    glib-compile-schemas --strict --dry-run "$2"
    ;;
  layers)
    # SQL lives in src/core: the pages and the commands call the core,
    # never SQLite, and leave transactions to it.
    src=$2
    if grep -rnE 'sqlite3_|siyu_db_(prepare|query|exec|step|begin|commit|rollback)' "$src/src/gui" "$src/src/cli"; then
      echo "SQL above the core (above): move it into src/core" >&2
      exit 1
    fi
    echo "no SQL in src/gui or src/cli"

    # Pages talk to the window and to each other through the window's
    # actions (win.show-place, win.show-contacts, win.toast, …): only the
    # window and the application include the window's header, and no place
    # of the window (a folder of src/gui) includes the page of another; a
    # dialog that several places use is not a page.  shell/ holds the window
    # and what it owns (the application, Preferences, the shop runner).
    cd "$src/src/gui"
    include='^[[:space:]]*#[[:space:]]*include[[:space:]]*"'
    window=$( (grep -rnE --include='*.[ch]' "${include}siyu-window(-private)?\.h\"" . || true) |
      (grep -vE '^\./shell/siyu-(window\.c|window-private\.h|application\.c):' || true) )
    if [ -n "$window" ]; then
      echo "${window//.\//src/gui/}"
      echo "the window's header included above: activate its actions (win.…) instead" >&2
      exit 1
    fi
    echo "only the window and the application include siyu-window.h"
    crossing=$( (grep -rnoE --include='*.[ch]' "${include}siyu-[a-z0-9-]+-page(-private)?\.h\"" . || true) |
      while IFS=: read -r file line text; do
        place=${file#./}; place=${place%%/*}
        header=${text#*\"}; header=${header%\"}
        [ "$place" = shell ] || [ -e "$place/$header" ] || echo "src/gui/${file#./}:$line: $header"
      done)
    if [ -n "$crossing" ]; then
      echo "$crossing"
      echo "a place includes the page of another (above): activate the window's actions instead" >&2
      exit 1
    fi
    echo "no place includes the page of another"
    ;;
  translations)
    need xgettext; need msgmerge; need msgattrib; need msgfmt
    src=$2
    cd "$src"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT

    # Every file with translatable text is listed for translation.
    listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
    found=$(git ls-files 2>/dev/null | grep -E '\.(c|ui|in|xml)$' | grep -v '^tests/' |
            xargs grep -lE '(^|[^A-Za-z_])(N?C?_|g_dpgettext2) ?\(|translatable="yes"|<(summary|description|name)>' 2>/dev/null |
            grep -vE 'gresource\.xml$|mime\.xml$' | sort || true)
    missing=$(comm -13 <(echo "$listed") <(echo "$found"))
    if [ -n "$missing" ]; then
      echo "Files with translatable text missing from po/POTFILES.in:"; echo "$missing"; exit 1
    fi

    xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dpgettext2:2c,3 --keyword=g_dngettext:2,3 --flag=g_strdup_printf:1:c-format \
      --flag=g_set_error:4:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
      --files-from=po/POTFILES.in --directory="$src" --output="$tmp/siyu.pot" 2>&1 | grep -v "^$" || true
    for lang in $(cat po/LINGUAS); do
      msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/siyu.pot" -o "$tmp/$lang.po"
      untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid' || true)
      fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -c '^msgid' || true)
      msgfmt --check --statistics -o /dev/null "$tmp/$lang.po"
      if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
        echo "$lang: untranslated or fuzzy messages:"
        msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -A1 '^msgid' | head -60
        msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep -A1 '^msgid' | head -20
        exit 1
      fi
    done
    echo "translations complete"
    ;;
  flatpak)
    # Every library the binaries link directly is in the GNOME runtime or
    # built by a module of the manifest (named in its x-libraries).
    need readelf; need python3
    src=$2; shift 2
    readelf -d "$@" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u |
      python3 -c '
import json, re, sys
src = sys.argv[1]
runtime = {l.strip() for l in open(src + "/flatpak/runtime-libraries.txt")
           if l.strip() and not l.startswith("#")}
manifest = json.load(open(src + "/flatpak/io.github.siyu.Siyu.json"))
built = {lib for m in manifest["modules"] for lib in m.get("x-libraries", [])}
for m in manifest["modules"]:
    for source in m.get("sources", []):
        if source.get("type") == "archive" and not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
            sys.exit("module %s: an archive without a sha256" % m["name"])
# A sanitizer build links the runtimes of the compiler; no package ships them.
sanitizers = {"asan", "ubsan", "tsan", "lsan"}
missing = []
for soname in sys.stdin.read().split():
    name = re.sub(r"\.so(\.[0-9]+)*$", "", soname)
    name = name[3:] if name.startswith("lib") else name
    if name not in runtime and name not in built and name not in sanitizers:
        missing.append(soname)
if missing:
    sys.exit("linked, but neither in the runtime nor built by a module: " + " ".join(missing))
print("every linked library is in the runtime or built by a module")
' "$src"
    ;;
  *)
    echo "usage: $0 desktop|metainfo|schemas|layers|translations|flatpak ARG" >&2
    exit 2
    ;;
esac
