#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the lifecycle and tier wizard through accessibility, as a person
# would, on the demo shop: opens it from the main menu, reads the
# suggestion, accepts it, goes through the stages and tiers to Apply;
# checks the shop file after each (Undo is pressed in test-ui-model-wizard).
# Run by meson under Xvfb with a session bus:
#
#   dogtail-model-wizard.py SIYU SIYU-CLI
#
# Exits 77 (skipped) where python3-dogtail is not installed.

import json
import os
import subprocess
import sys
import tempfile
import time

import siyu_dogtail
from siyu_dogtail import find, ok, pressKey, query, tree, wait

siyu_dogtail.patience = 90

siyu, cli = sys.argv[1], sys.argv[2]


def window(app, title):
    # The top-level windows are the application's children: looking inside
    # the wizard alone is quick.
    for node in app.children:
        if node.name == title:
            return node
    return None


def active_model(db):
    return query(db, 'SELECT id, dormant_days, lost_days FROM lifecycle_models WHERE active = 1')[0]


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, 'demo.siyu')
    subprocess.run([cli, 'demo', '--out', db], check=True, stdout=subprocess.DEVNULL)
    suggestion = json.loads(subprocess.run([cli, 'model', 'suggest', '--json', '--db', db], check=True,
                                           capture_output=True, text=True).stdout)
    before = active_model(db)

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

        # F10 opens the main menu on its first item; the wizard is the fifth.
        time.sleep(3)
        pressKey('F10')
        time.sleep(1)
        for _ in range(4):
            pressKey('Down')
            time.sleep(0.3)
        pressKey('Return')
        wait(lambda: window(app, 'Work It Out From My Shop') is not None, 'the wizard')
        wizard = window(app, 'Work It Out From My Shop')
        wait(lambda: find(wizard, 'label', 'repeat orders') is not None, 'the gap suggestion')
        text = find(wizard, 'label', 'repeat orders').name
        assert ('within %d days' % suggestion['p80']) in text, text
        ok(1, 'opened the wizard from the main menu: %s' % text)

        # Accept the shop's own suggestion.
        wait(lambda: find(wizard, 'spin button', 'Dormant after days') is not None, 'the dormant days')
        for step in range(3):
            wait(lambda: find(wizard, 'push button', 'Next') is not None and
                 find(wizard, 'push button', 'Next').sensitive, 'Next')
            find(wizard, 'push button', 'Next').doActionNamed('click')
            time.sleep(1)
        ok(2, 'went through the stages and the tiers')

        wait(lambda: find(wizard, 'push button', 'Apply') is not None and
             find(wizard, 'push button', 'Apply').sensitive, 'Apply')
        find(wizard, 'push button', 'Apply').doActionNamed('click')
        wait(lambda: active_model(db)[1:] == (suggestion['dormant_days'], suggestion['lost_days']), 'the new model')
        wait(lambda: query(db, "SELECT count (*) FROM audit_log WHERE action = 'model'")[0][0] >= 1, 'the audit')
        ok(3, 'applied: dormant after %d days, lost after %d' % active_model(db)[1:])

        # The toast's Undo is pressed in test-ui-model-wizard: searching the
        # main window through AT-SPI takes longer than the toast stays.
        wait(lambda: window(app, 'Work It Out From My Shop') is None, 'the wizard to close')
        models = query(db, 'SELECT id, active FROM lifecycle_models ORDER BY id')
        assert models[0] == (before[0], 0) and models[-1][1] == 1, models
        assert query(db, 'SELECT count (*) FROM stage_snapshots WHERE model_id = ?', before[0])[0][0] > 0
        ok(4, 'the previous lifecycle model %d stays in the history with its stage snapshots' % before[0])
    finally:
        app_process.terminate()
        app_process.wait()
