# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the dogtail scripts (tests/dogtail-*.py) share: dogtail set up for
# GTK 4, TAP output, waiting for the application, finding its widgets by
# role and accessible name, and reading the shop.  Importing it exits 77
# (skipped) where python3-dogtail is not installed.

import os
import sqlite3
import subprocess
import sys
import time

try:
    from dogtail.config import config
    config.checkForA11y = False
    config.searchCutoffCount = 20
    config.defaultDelay = 0.2
    config.logDebugToStdOut = False
    config.logDebugToFile = False
    from dogtail import tree  # noqa: F401 (for the scripts)
    from dogtail.rawinput import keyCombo, pressKey, typeText  # noqa: F401 (for the scripts)
except ImportError:
    print('1..0 # SKIP python3-dogtail is not installed')
    sys.exit(77)

# How long wait () waits by default, in seconds; a script may change it.
patience = 60


def ok(n, text):
    print('ok %d %s' % (n, text), flush=True)


def screenshot(name):
    """Keeps the screen in TMPDIR as NAME.png, to see what went wrong."""
    path = os.path.join(os.environ.get('TMPDIR', '/tmp'), name + '.png')
    subprocess.run(['import', '-window', 'root', path])
    return path


def wait(condition, what, seconds=None, poll=0.2):
    """Waits until condition () is true; an exception it raises counts as
    false.  Gives up with a screenshot named after the script."""
    deadline = time.time() + (seconds if seconds is not None else patience)
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(poll)
    screenshot(os.path.splitext(os.path.basename(sys.argv[0]))[0])
    raise AssertionError('gave up waiting for ' + what)


def find(app, role, name_part, end=False):
    """The first widget of ROLE whose accessible name holds NAME_PART (or
    ends with it).  GTK 4.8 does not say which widgets are showing: the
    pages and dialogs looked for exist only while they are shown."""
    for node in app.findChildren(lambda n: n.roleName == role and
                                 ((n.name or '').endswith(name_part) if end else name_part in (n.name or '')),
                                 showingOnly=False):
        return node
    return None


def find_any(app, name_part):
    """The first widget of any role whose accessible name holds NAME_PART."""
    for node in app.findChildren(lambda n: name_part in (n.name or ''), showingOnly=False):
        return node
    return None


def query(db, sql, *args):
    """Reads the shop at DB without changing it."""
    with sqlite3.connect('file:%s?mode=ro' % db, uri=True) as connection:
        return connection.execute(sql, args).fetchall()
