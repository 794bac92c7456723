// Forms use the width at desktop size: at 1366 px the round's planned dates (create and edit),
// the sample's filters and the new user's department and role stand side by side, each label
// over its own field, the first field on the left; the markup keeps the field order (checked in
// the document). At 390 px the same forms are one column and do not scroll sideways. Every
// state passes axe-core. Positions are read from the layout (getBoundingClientRect).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, cli } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, PHONE, DESKTOP, horizontalOverflow } from '../lib/browser.mjs';

let server, browser, round;

before(async () => {
  browser = await launch();
  server = await startServer();
  const r = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Kolonner',
    '--start', '2027-03-01', '--end', '2027-04-30']);
  assert.equal(r.status, 0, r.stderr);
  round = r.stdout.trim();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const box = (page, sel) => page.locator(sel).first().boundingBox();

// The pairs [first, second] of field ids on each page.
const PAGES = [
  { user: 'leder.barn', path: () => '/d/BHS/rounds', pairs: [['start', 'end']] },
  { user: 'leder.barn', path: () => `/d/BHS/rounds/${round}/edit`, pairs: [['start', 'end']] },
  { user: 'leder.barn', path: () => `/d/BHS/rounds/${round}`,
    pairs: [['provision', 'target'], ['advisor', 'team'], ['opened_from', 'opened_to'], ['decided_from', 'decided_to']] },
  { user: 'admin', path: () => '/admin/users/new', pairs: [['department', 'role']] },
];

for (const { user, path, pairs } of PAGES) {
  test(`side by side at 1366 px, one column at 390 px: ${path().replace(/undefined/, "ROUND")}`, { timeout: 60_000 }, async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await newPage(browser, { viewport });
      await login(page, server.url, user);
      await page.goto(server.url + path());
      for (const [a, b] of pairs) {
        const [la, lb, fa, fb] = await Promise.all([box(page, `label[for="${a}"]`), box(page, `label[for="${b}"]`),
          box(page, `#${a}`), box(page, `#${b}`)]);
        assert.ok(la && lb && fa && fb, `${a} and ${b} are on the page`);
        // Each label is over its own field.
        assert.ok(la.y + la.height <= fa.y + 1 && lb.y + lb.height <= fb.y + 1, `${a}/${b}: labels over fields`);
        if (viewport === DESKTOP) {
          assert.ok(fa.x + fa.width <= fb.x, `${a} left of ${b}`);
          assert.ok(Math.abs(fa.y - fb.y) < 2, `${a} and ${b} in one row`);
          assert.ok(Math.abs(la.x - fa.x) < 2 && Math.abs(lb.x - fb.x) < 2, `${a}/${b}: each label above its field`);
        } else {
          assert.ok(fa.y + fa.height <= lb.y, `${b} under ${a} on a phone`);
        }
        // The field order is kept: the second field follows the first in the document, nothing between.
        assert.ok(await page.evaluate(([x, y]) => {
          const f = [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')];
          return f.indexOf(document.getElementById(y)) === f.indexOf(document.getElementById(x)) + 1;
        }, [a, b]), `${b} follows ${a}`);
      }
      assert.equal(await horizontalOverflow(page), 0, `no sideways scrolling at ${viewport.width} px`);
      await expectNoAxeViolations(page, `${path()} at ${viewport.width} px`);
      await page.close();
    }
  });
}
