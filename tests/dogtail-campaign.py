#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the campaign rhythm wizard through accessibility, as a person
# would: opens the Campaigns place of the demo shop, clicks Plan a
# Campaign…, types a name and a GMV target, goes through the gap and the
# rhythm with Next, saves, and reads the campaign back from the list and
# from the shop file.  Run by meson under Xvfb with a session bus:
#
#   dogtail-campaign.py SIYU SIYU-CLI
#
# Exits 77 (skipped) where python3-dogtail is not installed.

import os
import subprocess
import sys
import tempfile
import time
import traceback

from siyu_dogtail import find, find_any, keyCombo, ok, pressKey, query, tree, typeText, wait

siyu, cli = sys.argv[1], sys.argv[2]
NAME = 'Double 11 dogtail'


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, 'demo.siyu')
    subprocess.run([cli, 'demo', '--out', db], check=True, stdout=subprocess.DEVNULL)

    env = dict(os.environ, GSK_RENDERER='cairo', LANGUAGE='en')
    app_process = subprocess.Popen([siyu, db], env=env)
    try:
        app = None
        deadline = time.time() + 30
        while app is None and time.time() < deadline:
            try:
                app = tree.root.application('siyu')
            except Exception:
                time.sleep(0.5)
        assert app is not None, 'the application did not show up'
        print('1..4', flush=True)
        time.sleep(2)

        # The Campaigns place is the last of the sidebar: Alt and its number.
        places = find(app, 'list', 'Places')
        names = [(row.labeller.name if row.labeller is not None else row.name) for row in places.children]
        assert names[-1] == 'Campaigns', 'Campaigns is not the last place: %r' % names
        keyCombo('<Alt>%d' % len(names))
        wait(lambda: find(app, 'push button', 'Plan a Campaign') is not None, 'the Campaigns place')
        wait(lambda: find_any(app, 'No Campaigns Yet') is not None, 'the empty state')
        ok(1, 'opened the Campaigns place, empty')

        find(app, 'push button', 'Plan a Campaign').doActionNamed('click')
        wait(lambda: find(app, 'push button', 'Next', end=True) is not None, 'the wizard')
        time.sleep(1)
        # The name has the focus, the target is next; the sale day is a
        # month ahead already.
        typeText(NAME)
        pressKey('Tab')
        typeText('200000')
        time.sleep(0.5)
        find(app, 'push button', 'Next', end=True).doActionNamed('click')
        wait(lambda: find_any(app, 'Buyers needed') is not None or
             find_any(app, 'B, buyers needed') is not None, 'the gap deduction', 120)
        ok(2, 'typed the name and the target; the gap is worked out')

        wait(lambda: find(app, 'push button', 'Next', end=True).sensitive, 'Next on the gap page')
        find(app, 'push button', 'Next', end=True).doActionNamed('click')
        wait(lambda: find(app, 'push button', 'Save', end=True) is not None, 'the rhythm page')
        wait(lambda: find(app, 'push button', 'Save', end=True).sensitive, 'Save')
        find(app, 'push button', 'Save', end=True).doActionNamed('click')
        wait(lambda: find_any(app, NAME + ':') is not None or
             find(app, 'label', NAME) is not None, 'the campaign’s page')
        ok(3, 'went through the rhythm and saved')

        find(app, 'push button', 'Back to the campaigns').doActionNamed('click')
        wait(lambda: find(app, 'label', 'target ¥200,000.00') is not None, 'the campaign in the list')
        ok(4, 'the list shows it: %s' % find(app, 'label', 'target ¥200,000.00').name)
    except BaseException:
        # dogtail swallows the traceback otherwise.
        traceback.print_exc(file=sys.stdout)
        raise
    finally:
        app_process.terminate()
        app_process.wait()

    rows = query(db, 'SELECT name, target_gmv FROM campaigns')
    assert rows == [(NAME, 20000000)], rows
