#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The owner's first hour, in Chinese, driven through accessibility as a
# person would: from the welcome window, import the shop's own export of
# orders (ordinary Chinese headers Siyu has no preset for, no consent
# column), and export the built-in 沉睡的高消费客户 segment for group
# messaging.  Counts every click, key press and typed text, and asserts
# that it takes at most 12; then checks the exported people against the
# same segment exported by siyu-cli.  Run by meson under Xvfb with a
# session bus:
#
#   dogtail-first-hour.py SIYU SIYU-CLI
#
# Exits 77 (skipped) where python3-dogtail is not installed.

import csv
import datetime
import glob
import os
import random
import subprocess
import sys
import tempfile
import time

import siyu_dogtail
from siyu_dogtail import find, ok, pressKey, tree, typeText, wait

siyu_dogtail.patience = 120

siyu, cli = sys.argv[1], sys.argv[2]
MAX_INTERACTIONS = 12
interactions = []


def interact(what):
    interactions.append(what)
    print('# %d: %s' % (len(interactions), what), flush=True)


def shoot(name):
    """With SIYU_SCREENSHOTS set (docs/screenshots/take-screenshots.sh),
    keeps the screen as the README shows it."""
    folder = os.environ.get('SIYU_SCREENSHOTS')
    if folder:
        time.sleep(1)
        subprocess.run(['import', '-window', 'root', '-crop', '1100x720+0+0', '+repage',
                        os.path.join(folder, name)], check=True)


def click(app, role, name_part, what, end=False):
    wait(lambda: find(app, role, name_part, end) is not None and find(app, role, name_part, end).sensitive, what)
    interact(what)
    find(app, role, name_part, end).doActionNamed('click')


def write_export(path):
    """A tea shop's order export as its platform writes it: one line per
    order, ordinary Chinese headers, no consent column, dates up to
    yesterday.  Some good customers stopped buying months ago."""
    rng = random.Random(20261207)
    today = datetime.date.today()
    surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
    given = '芳伟娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平'
    products = [('西湖龙井 250g', 168), ('安吉白茶 100g', 128), ('正山小种 200g', 98), ('凤凰单丛 150g', 238),
                ('茶具套装', 399)]
    rows = []
    number = 2025000000
    for i in range(240):
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.5 else '')
        phone = '13%d%08d' % (rng.randint(0, 9), 10000000 + i * 37)
        # A third of them stopped buying 2 to 8 months ago.
        if i % 3 == 0:
            last = today - datetime.timedelta(days=rng.randint(60, 240))
        else:
            last = today - datetime.timedelta(days=rng.randint(1, 25))
        first = last - datetime.timedelta(days=rng.randint(0, 300))
        n = rng.randint(1, 6)
        for k in range(n):
            day = first + (last - first) * k / max(1, n - 1) if n > 1 else last
            product, price = rng.choice(products)
            quantity = rng.randint(1, 3)
            number += 1
            when = datetime.datetime.combine(day, datetime.time(rng.randint(9, 21), rng.randint(0, 59)))
            rows.append([str(number), when.strftime('%Y-%m-%d %H:%M:%S'), name, phone, product, quantity,
                         '%.2f' % price, '%.2f' % (price * quantity), '交易成功'])
    rng.shuffle(rows)
    with open(path, 'w', newline='', encoding='utf-8-sig') as f:
        out = csv.writer(f)
        out.writerow(['订单编号', '下单时间', '收货人', '手机号码', '商品名称', '购买数量', '单价', '实付金额', '订单状态'])
        out.writerows(rows)


with tempfile.TemporaryDirectory() as home:
    # An ASCII name: the path is typed through the X keyboard.
    export = os.path.join(home, 'chayuxuan-orders.csv')
    write_export(export)
    os.makedirs(os.path.join(home, '.config'), exist_ok=True)
    env = dict(os.environ, GSK_RENDERER='cairo', LANGUAGE='zh_CN', HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, '.config'), XDG_DATA_HOME=os.path.join(home, '.local', 'share'),
               XDG_CACHE_HOME=os.path.join(home, '.cache'), GTK_USE_PORTAL='0')
    app_process = subprocess.Popen([siyu], env=env)
    try:
        app = None
        deadline = time.time() + 60
        while app is None and time.time() < deadline:
            try:
                app = tree.root.application('siyu')
            except Exception:
                time.sleep(0.5)
        assert app is not None, 'the application did not show up'
        print('1..4', flush=True)

        # The welcome window: Import a File…, then the file's path, typed
        # into the file chooser, and Enter.
        click(app, 'push button', '导入文件', '导入文件…')
        wait(lambda: find(app, 'push button', '取消(C)') is not None, 'the file chooser')
        time.sleep(2)
        interact('type the path of the export')
        typeText(export)
        time.sleep(0.5)
        interact('Enter')
        pressKey('Return')

        # The shop is made from the file and its import opens with the
        # columns guessed: one Import.
        wait(lambda: find(app, 'push button', '导入', end=False) is not None and
             find(app, 'label', '订单编号') is not None, 'the import dialog with its columns')
        click(app, 'push button', '导入(I)', '导入', end=True)
        wait(lambda: find(app, 'push button', '值得跟进的分群') is not None, 'the import to finish', seconds=300)
        # Not the backup kept before the import, in the folder beside it.
        shops = [path for path in glob.glob(os.path.join(home, '**', '*.siyu'), recursive=True)
                 if not os.path.dirname(path).endswith('-backups')]
        assert len(shops) == 1, shops
        shop = shops[0]
        ok(1, 'made the shop chayuxuan-orders from the export and imported it')

        # Straight to the segments worth acting on, the dormant high
        # spenders, and Export….
        click(app, 'push button', '值得跟进的分群', '查看值得跟进的分群')
        wait(lambda: find(app, 'label', '沉睡的高消费客户') is not None, 'the segments')
        row = find(app, 'label', '沉睡的高消费客户')
        interact('沉睡的高消费客户')
        row.parent.doActionNamed('activate') if 'activate' in row.parent.actions else row.click()
        click(app, 'push button', '导出(X)…', '导出…')
        ok(2, 'opened the export of 沉睡的高消费客户')

        # Nobody was ever asked: the owner says once that people never
        # asked may be contacted, and exports.
        click(app, 'push button', '也联系从未询问的人', '也联系从未询问的人')
        time.sleep(1)
        shoot('export-zh.png')
        click(app, 'push button', '导出(E)', '导出', end=True)
        pattern = os.path.join(home, '**', '*沉睡的高消费客户*')
        wait(lambda: len(glob.glob(pattern, recursive=True)) == 1, 'the exported file')
        exported = glob.glob(pattern, recursive=True)[0]
        ok(3, 'exported %s in %d interactions: %s' % (os.path.basename(exported), len(interactions),
                                                   '; '.join(interactions)))
        assert len(interactions) <= MAX_INTERACTIONS, len(interactions)
    finally:
        app_process.terminate()
        app_process.wait(timeout=30)

    # The same people as siyu-cli exports for the segment.
    expected = os.path.join(home, 'expected.txt')
    subprocess.run([cli, 'segment', 'export', 'Dormant high spenders', '--include-unknown-consent',
                    '--format', 'phones', '--out', expected, '--db', shop], check=True, env=env,
                   stdout=subprocess.DEVNULL)

    def digits(text):
        return ''.join(c for c in text if c.isdigit())[-11:]

    with open(expected, encoding='utf-8-sig') as f:
        want = sorted(digits(line) for line in f if line.strip())
    with open(exported, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f))
    phone = [i for i, title in enumerate(rows[0]) if '手机' in title or '电话' in title]
    assert phone, 'no phone column in %s' % rows[0]
    got = sorted(digits(row[phone[0]]) for row in rows[1:] if row)
    assert want, 'the segment is empty'
    assert got == want, (got, want)
    ok(4, 'the file holds the %d dormant high spenders siyu-cli finds' % len(want))
