// Sessions in a real browser: a user logged in twice (two browser contexts) finds both on
// "Sessioner", the current one marked, ends the other one by its button after a confirmation
// step (a red "danger" button behind "Afslut"), and the other
// browser is logged out; an administrator sees the user's sessions on the user's page. The
// pages pass axe-core (WCAG 2.1 A and AA) on desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, PHONE, horizontalOverflow } from '../lib/browser.mjs';

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

test('a user sees and ends another of their sessions; the pages pass axe', { timeout: 40_000 }, async () => {
  const base = server.url;
  const other = await newPage(browser);
  await login(other, base, 'anne');
  const page = await newPage(browser);
  await login(page, base, 'anne');

  await Promise.all([page.waitForURL(/\/account\/sessions$/), page.click('header a[href="/account/sessions"]')]);
  assert.match(await page.textContent('h1'), /Dine sessioner/);
  const rows = page.locator('main table tbody tr');
  assert.equal(await rows.count(), 2);
  assert.equal(await page.locator('main table tbody tr', { hasText: '(denne session)' }).count(), 1);
  await expectNoAxeViolations(page, 'own sessions');
  await screenshot(page, 'sessions-desktop');

  // End the one that is not this one: the button is asked for first and looks destructive.
  const otherRow = page.locator('main table tbody tr', { hasNotText: '(denne session)' });
  const confirm = otherRow.locator('details.confirm button');
  assert.equal(await confirm.isVisible(), false, 'the ending button waits behind "Afslut"');
  await otherRow.locator('details.confirm summary').click();
  assert.match(await confirm.getAttribute('class'), /\bdanger\b/);
  assert.match(await confirm.textContent(), /Ja, afslut sessionen/);
  await expectNoAxeViolations(page, 'own sessions, ending one asked for');
  await Promise.all([page.waitForURL(/\/account\/sessions\?ok=1$/), confirm.click()]);
  assert.match(await page.textContent('.msg.ok'), /Sessionen er afsluttet/);
  assert.equal(await rows.count(), 1);
  await expectNoAxeViolations(page, 'own sessions after ending one');

  // The other browser is logged out.
  await other.goto(`${base}/`);
  assert.match(new URL(other.url()).pathname, /^\/login/);

  // Phone width: no sideways scrolling, still accessible.
  const phone = await newPage(browser, { viewport: PHONE });
  await login(phone, base, 'anne');
  await phone.goto(`${base}/account/sessions`);
  assert.equal(await horizontalOverflow(phone), 0, 'no horizontal scrolling on a phone');
  await expectNoAxeViolations(phone, 'own sessions (phone)');
  await screenshot(phone, 'sessions-phone');
});

test("an administrator sees a user's sessions on the user's page; it passes axe", { timeout: 40_000 }, async () => {
  const base = server.url;
  const user = await newPage(browser);
  await login(user, base, 'morten');
  const page = await newPage(browser);
  await login(page, base, 'admin');
  await page.goto(`${base}/admin/users`);
  await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/), page.click('main table a:text-is("Morten Løvstad")')]);
  assert.ok(await page.locator('#sessioner').count());
  const row = page.locator('main table.sessions tbody tr');
  assert.ok(await row.count() >= 1);
  await expectNoAxeViolations(page, "a user's admin page with sessions");
});
