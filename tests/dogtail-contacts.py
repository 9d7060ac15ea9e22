#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real application through accessibility, as a person would:
# finds a demo member by the last four digits of their phone, opens them,
# tags them, marks them do-not-contact and undoes it, merges a duplicate
# into them and erases another contact; then checks the shop and its audit
# log.  Run by meson under Xvfb with a session bus:
#
#   dogtail-contacts.py SIYU SIYU-CLI
#
# Exits 77 (skipped) where python3-dogtail is not installed.

import os
import subprocess
import sys
import tempfile
import time

from siyu_dogtail import find, keyCombo, ok, pressKey, query, tree, typeText, wait

siyu, cli = sys.argv[1], sys.argv[2]
tests = []


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, 'demo.siyu')
    subprocess.run([cli, 'demo', '--out', db], check=True, stdout=subprocess.DEVNULL)

    # A member whose last four digits are theirs alone and who has a
    # namesake in the same city; and someone else to erase.
    member, name, phone, twin = query(
        db,
        "SELECT c.id, c.name, c.phone, (SELECT min (o.id) FROM contacts o WHERE o.id != c.id AND "
        "  o.name = c.name AND (o.city = c.city OR o.city IS NULL OR c.city IS NULL)) "
        "FROM contacts c WHERE c.member_since IS NOT NULL AND EXISTS (SELECT 1 FROM contacts o "
        "  WHERE o.id != c.id AND o.name = c.name AND (o.city = c.city OR o.city IS NULL OR c.city IS NULL)) "
        "AND (SELECT count (*) FROM contacts x WHERE instr (x.phone, substr (c.phone, -4)) > 0) = 1 "
        "ORDER BY c.id LIMIT 1")[0]
    other, other_phone = query(
        db,
        "SELECT c.id, c.phone FROM contacts c WHERE c.id NOT IN (?, ?) AND "
        "(SELECT count (*) FROM contacts x WHERE instr (x.phone, substr (c.phone, -4)) > 0) = 1 "
        "ORDER BY c.id DESC LIMIT 1", member, twin)[0]

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
        print('1..6', flush=True)
        print('# looking for %s, phone ending %s' % (name, phone[-4:]), flush=True)

        # Ctrl+F, the last four digits and Enter.
        time.sleep(2)
        keyCombo('<Control>f')
        time.sleep(0.5)
        typeText(phone[-4:])
        time.sleep(1)
        pressKey('Return')
        try:
            wait(lambda: find(app, 'push button', 'Back to Contacts') is not None, 'the contact page')
        except AssertionError:
            subprocess.run(['import', '-window', 'root', os.path.join(os.environ.get('TMPDIR', '/tmp'), 'dogtail-contacts.png')])
            raise
        wait(lambda: find(app, 'label', name) is not None and find(app, 'label', phone[-4:], end=True) is not None, 'the contact’s name')
        ok(1, 'found %s by the last four digits of their phone' % name)

        keyCombo('<Control>t')
        typeText('VIP')
        pressKey('Return')
        wait(lambda: query(db, "SELECT count (*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
                               "WHERE ct.contact_id = ? AND t.name = 'VIP'", member)[0][0] == 1, 'the tag')
        ok(2, 'tagged them')

        box = find(app, 'check box', 'Do not contact')
        box.doActionNamed('toggle')
        wait(lambda: query(db, 'SELECT do_not_contact FROM contacts WHERE id = ?', member)[0][0] == 1,
             'do not contact')
        # The toast offers Undo for a few seconds; on a loaded machine the
        # walk over the accessible tree can take longer than it shows, so
        # its absence is only noted.  Ctrl+Z is what is tested.
        try:
            wait(lambda: find(app, 'push button', 'Undo') is not None, 'the Undo button', seconds=10)
        except AssertionError:
            print('# the toast had gone before its Undo button was seen', flush=True)
        # Ctrl+Z takes the newest change back, like the toast's Undo.
        pressKey('Tab')
        keyCombo('<Control>z')
        wait(lambda: query(db, 'SELECT do_not_contact FROM contacts WHERE id = ?', member)[0][0] == 0,
             'the undo')
        ok(3, 'marked them do not contact, and undid it')

        wait(lambda: find(app, 'push button', 'into this contact') is not None, 'the merge button')
        find(app, 'push button', 'into this contact').doActionNamed('click')
        wait(lambda: find(app, 'push button', 'Merge', end=True) is not None, 'the merge dialog')
        find(app, 'push button', 'Merge', end=True).doActionNamed('click')
        wait(lambda: query(db, 'SELECT count (*) FROM contacts WHERE id = ?', twin)[0][0] == 0, 'the merge')
        ok(4, 'merged their namesake into them')

        find(app, 'push button', 'Back to Contacts').doActionNamed('click')
        wait(lambda: find(app, 'push button', 'Back to Contacts') is None, 'the list')
        time.sleep(1)
        keyCombo('<Control>f')
        time.sleep(0.5)
        keyCombo('<Control>a')
        typeText(other_phone[-4:])
        time.sleep(1)
        pressKey('Return')
        wait(lambda: find(app, 'push button', 'Erase') is not None and
             find(app, 'push button', 'Back to Contacts') is not None, 'the other contact')
        find(app, 'push button', 'Erase…').doActionNamed('click')
        wait(lambda: find(app, 'push button', 'Erase', end=True) is not None, 'the erase dialog')
        find(app, 'push button', 'Erase', end=True).doActionNamed('click')
        wait(lambda: query(db, 'SELECT erased_at IS NOT NULL FROM contacts WHERE id = ?', other)[0][0] == 1,
             'the erasure')
        ok(5, 'erased another contact')
    finally:
        app_process.terminate()
        app_process.wait()

    audit = subprocess.run([cli, 'audit', '--db', db, '--json'], check=True, capture_output=True, text=True).stdout
    for action in ('edit', 'merge', 'erase'):
        assert '"%s"' % action in audit, 'the audit log lacks ' + action
    assert name not in audit and phone not in audit, 'the audit log holds personal data'
    ok(6, 'the audit log shows the edit, the merge and the erasure, without personal data')
