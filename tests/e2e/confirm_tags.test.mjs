// Destructive buttons and status tags in a real browser: removing a user's name in the case
// list (alias) is asked for first, behind "Fjern", by a red "danger" button, and only that
// button removes it; the meeting pages show a meeting's status as a tag (a planned meeting
// whose day has passed gets a second tag that says so), and the round's feedback table its
// states as tags. Each state passes axe-core at 1366 px and 390 px without sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, PHONE, DESKTOP, horizontalOverflow } from '../lib/browser.mjs';

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const q = (sql) => sqlite(server.db, sql);

test('removing an alias is asked for first, by a danger button; the page passes axe', { timeout: 60_000 }, async () => {
  const uid = q("SELECT id FROM users WHERE login = 'morten'");
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'admin');
    await page.goto(`${server.url}/admin/users/${uid}`);
    const alias = `Løvstad ${viewport.width}`;
    await page.fill('#alias', alias);
    await Promise.all([page.waitForLoadState('load'), page.click('button:text-is("Knyt navnet til brugeren")')]);
    await page.goto(`${server.url}/admin/users/${uid}`);
    const row = page.locator('main table tbody tr', { hasText: alias });
    assert.equal(await row.count(), 1, 'the name was added');
    const button = row.locator('details.confirm button[type=submit]');
    assert.equal(await button.isVisible(), false, 'the removing button waits behind "Fjern"');
    await row.locator('details.confirm summary').click();
    assert.ok(await button.isVisible());
    assert.match(await button.getAttribute('class'), /\bdanger\b/);
    assert.match(await button.textContent(), /Ja, fjern navnet/);
    assert.equal(await horizontalOverflow(page), 0, `no sideways scrolling at ${viewport.width} px`);
    await expectNoAxeViolations(page, `alias removal asked for at ${viewport.width} px`);
    await Promise.all([page.waitForLoadState('load'), button.click()]);
    await page.goto(`${server.url}/admin/users/${uid}`);
    assert.equal(await page.locator('main table tbody tr', { hasText: alias }).count(), 0, 'the name was removed');
    assert.equal(q(`SELECT count(*) FROM advisor_alias WHERE alias = '${alias}'`), '0');
    await page.close();
  }
});

test('meeting status is a tag on the list, the meeting and the feedback table', { timeout: 60_000 }, async () => {
  // A planned meeting whose day has passed, and one cancelled.
  const past = q("SELECT id FROM meeting WHERE department_id = 1 AND status = 'planlagt' ORDER BY date LIMIT 1");
  q(`UPDATE meeting SET date = '2026-01-05' WHERE id = ${past}`);
  const cancelled = q("SELECT id FROM meeting WHERE department_id = 1 AND status = 'afholdt' ORDER BY date LIMIT 1");
  q(`UPDATE meeting SET status = 'aflyst' WHERE id = ${cancelled}`);
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'leder.barn');
    await page.goto(`${server.url}/d/BHS/meetings`);
    const tagsOf = (id) => page.locator(`main tr:has(a[href="/d/BHS/meetings/${id}"]) .tag`).allTextContents();
    assert.deepEqual(await tagsOf(past), ['planlagt', 'datoen er passeret']);
    assert.deepEqual(await tagsOf(cancelled), ['aflyst']);
    const held = q("SELECT id FROM meeting WHERE department_id = 1 AND status = 'afholdt' ORDER BY date DESC LIMIT 1");
    assert.deepEqual(await tagsOf(held), ['afholdt']);
    assert.equal(await horizontalOverflow(page), 0, `no sideways scrolling at ${viewport.width} px`);
    await expectNoAxeViolations(page, `meetings at ${viewport.width} px`);

    await page.goto(`${server.url}/d/BHS/meetings/${past}`);
    assert.deepEqual(await page.locator('main dl.facts .tag').allTextContents(), ['planlagt', 'datoen er passeret']);
    await expectNoAxeViolations(page, `a meeting at ${viewport.width} px`);

    // The round's individual feedback: each caseworker's state as a tag.
    const round = q("SELECT round_id FROM meeting WHERE kind = 'individuel' AND round_id IS NOT NULL LIMIT 1")
      || q("SELECT max(id) FROM round WHERE department_id = 1 AND sampled_at IS NOT NULL");
    await page.goto(`${server.url}/d/BHS/meetings?round=${round}`);
    const states = await page.locator('main table:has(caption:has-text("har fået tilbagemelding")) tbody .tag').allTextContents();
    assert.ok(states.length > 0, 'the feedback table has states');
    assert.ok(states.every((s) => ['givet', 'planlagt', 'mangler'].includes(s)), states.join(', '));
    assert.equal(await horizontalOverflow(page), 0, `no sideways scrolling at ${viewport.width} px`);
    await expectNoAxeViolations(page, `meetings of one round at ${viewport.width} px`);
    await page.close();
  }
});
