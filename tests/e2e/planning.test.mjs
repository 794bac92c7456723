// Planning in a real browser: the leder sets the working group from the department page (and
// sees the warnings while it departs from the recommendation), fills the planning answers on
// the round page, and moves the half-reviewed round on to analyse: first without a reason
// (the page says what is left and asks why), then with one, which the phase history shows.
// A rådgiver sees the group on a phone, without the form. Every page passes axe-core (WCAG 2.1
// A and AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow, PHONE } from '../lib/browser.mjs';

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const go = (page, selector, url) => Promise.all([page.waitForURL(url), page.click(selector)]);

test('leder.barn sets the working group, answers the planning questions and moves a phase with a reason', { timeout: 60_000 }, async () => {
  const db = server.db;
  const page = await newPage(browser);
  await login(page, server.url, 'leder.barn');

  // The working group, from the department page.
  await page.goto(`${server.url}/d/BHS`);
  await go(page, 'main a[href="/d/BHS/workgroup"]', /\/d\/BHS\/workgroup$/);
  assert.equal(await page.textContent('h1'), 'Arbejdsgruppe');
  assert.equal(await page.locator('.msg.warn').count(), 0, 'the demo group follows the recommendation');
  await expectNoAxeViolations(page, 'working group');

  await go(page, 'main table tr:has-text("Anne Bækgaard") button[type=submit]', /\?removed=1$/);
  const warnings = await page.$$eval('.msg.warn', (all) => all.map((w) => w.textContent));
  assert.deepEqual(warnings, [
    'Bemærk: Arbejdsgruppen har færre end 3 personer. Anbefalingen er 3-5 personer.',
    'Bemærk: Arbejdsgruppen har ingen rådgiver. Anbefalingen er 1-3 rådgivere, så praksis er repræsenteret.',
  ]);
  await expectNoAxeViolations(page, 'working group with warnings');

  await page.selectOption('#wg-user', { label: 'Morten Løvstad (rådgiver)' });
  await page.selectOption('#wg-function', 'raadgiver');
  await go(page, 'button:text-is("Gem i arbejdsgruppen")', /\?saved=1$/);
  assert.equal(await page.locator('.msg.warn').count(), 0);
  const rows = await page.$$eval('main table tbody tr', (all) => all.map((r) => [...r.cells].slice(0, 2).map((c) => c.textContent)));
  assert.deepEqual(rows, [['Karen Holm', 'Leder'], ['Mette Juhl', 'Faglig koordinator'], ['Morten Løvstad', 'Rådgiver']]);
  await screenshot(page, 'workgroup');

  // The planning answers of the half-reviewed uddybende round (3).
  await page.goto(`${server.url}/d/BHS/rounds/3`);
  await expectNoAxeViolations(page, 'round page with phase and planning');
  await page.click('details.plan summary');
  await page.fill('#plan-performers', 'Mette Juhl og Morten Løvstad');
  await page.fill('#plan-cases', '20');
  await page.fill('#plan-selection', 'Tilfældig stikprøve blandt sager med afgørelse i 2026');
  await page.fill('#plan-timing', 'September og oktober');
  await page.fill('#plan-gathering', 'Direkte i tilsyn; koordinatoren samler resultaterne');
  await page.fill('#plan-stopop', '2');
  await go(page, 'button:text-is("Gem planlægningen")', /\/d\/BHS\/rounds\/3\?planned=1$/);
  assert.match(await page.textContent('.msg.ok'), /Planlægningen er gemt/);
  assert.equal(sqlite(db, 'select performers || "|" || planned_cases || "|" || stopop_meetings from round_plan where round_id = 3'),
    'Mette Juhl og Morten Løvstad|20|2');

  // On to analyse with cases left: asked for a reason first, by a 303 back to the round page
  // with the error summary and the chosen phase kept.
  assert.equal(await page.inputValue('#phase-to'), 'analyse', 'the next phase is suggested');
  const [refused] = await Promise.all([page.waitForResponse((res) => res.request().method() === 'POST'),
    page.waitForURL(/\/d\/BHS\/rounds\/3\?fejl=[0-9a-f]{64}$/), page.click('button:text-is("Skift fase")')]);
  assert.equal(refused.status(), 303);
  assert.match(await page.textContent('.error-summary'), /Der er et problem.*Der er arbejde tilbage.*udtrukne sager er ikke færdiggennemgået.*Skriv en begrundelse/s);
  assert.equal(await page.inputValue('#phase-to'), 'analyse');
  assert.equal(sqlite(db, 'select phase from round where id = 3'), 'gennemgang');
  await expectNoAxeViolations(page, 'phase change asking for a reason');
  await screenshot(page, 'phase-reason-asked');
  await page.setViewportSize(PHONE);
  await expectNoAxeViolations(page, 'phase change asking for a reason, phone');
  await page.setViewportSize({ width: 1366, height: 768 });
  // Back and forward are pages loaded by GET (no "Confirm form resubmission"); the message was for once.
  let res = await page.goBack();
  assert.equal(res.request().method(), 'GET');
  assert.match(page.url(), /\?planned=1$/);
  res = await page.goForward();
  assert.equal(res.request().method(), 'GET');
  assert.equal(await page.locator('.error-summary').count(), 0);
  assert.equal(sqlite(db, "select count(*) from round_phase_change where round_id = 3 and to_phase = 'analyse'"), '0');

  await page.fill('#phase-reason', 'Resten gennemgås efter stop-op-mødet i næste uge');
  await go(page, 'button:text-is("Skift fase")', /\/d\/BHS\/rounds\/3\?phase=1$/);
  assert.match(await page.textContent('.msg.ok'), /Tilsynet er nu i fasen Analyse/);
  assert.equal(await page.textContent('ol.phases li[aria-current="step"]'), 'Analyse');
  const history = await page.$$eval('table.history tbody tr', (all) => all.map((r) => [...r.cells].slice(1).map((c) => c.textContent)));
  assert.deepEqual(history, [
    // The demo's draw and first answer moved the phase by themselves.
    ['Planlægning', 'Udvælgelse', 'automatisk', 'kommandolinjen'],
    ['Udvælgelse', 'Gennemgang', 'automatisk', 'Anne Bækgaard'],
    ['Gennemgang', 'Analyse', 'Resten gennemgås efter stop-op-mødet i næste uge', 'Karen Holm'],
  ]);
  assert.equal(sqlite(db, "select count(*) from audit where action = 'round_phase' and login = 'leder.barn'"), '1');
  await expectNoAxeViolations(page, 'round page after the phase change');
  await screenshot(page, 'phase-changed');
  await page.context().close();
});

test('a rådgiver sees the working group on a phone, without the form; the round page fits too', { timeout: 30_000 }, async () => {
  const page = await newPage(browser, { viewport: PHONE });
  await login(page, server.url, 'signe');
  await page.goto(`${server.url}/d/VHS/workgroup`);
  assert.equal(await page.locator('#wg-user').count(), 0);
  const names = await page.$$eval('main table tbody tr td:first-child', (all) => all.map((c) => c.textContent));
  assert.deepEqual(names, ['Jens Ravn', 'Birgitte Lund', 'Peter Dahl', 'Signe Økjær']);
  assert.equal(await horizontalOverflow(page), 0);
  await expectNoAxeViolations(page, 'working group seen by a rådgiver');
  await screenshot(page, 'workgroup-phone');
  await page.context().close();

  const lead = await newPage(browser, { viewport: PHONE });
  await login(lead, server.url, 'koordinator.voksen');
  await lead.goto(`${server.url}/d/VHS/rounds/2`);
  assert.equal(await horizontalOverflow(lead), 0);
  await expectNoAxeViolations(lead, 'round page on a phone');
  await lead.context().close();
});
