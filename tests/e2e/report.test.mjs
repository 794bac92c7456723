// The report page in a real browser: koordinator.barn opens the report of the demo's round 3 from
// the round page, writes the working group's text, marks it final and downloads the staff PDF; every
// page passes axe-core (WCAG 2.1 A and AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnSync } from 'node:child_process';

import { startServer } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations } from '../lib/browser.mjs';

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

test('koordinator.barn writes the report text, marks it final and downloads the staff report', { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  await page.goto(`${server.url}/d/BHS/rounds/3`);
  await Promise.all([page.waitForSelector('h1:has-text("Rapport:")'), page.click('a:text-is("Rapport: tekst og hent")')]);
  await expectNoAxeViolations(page, 'report page');
  await page.fill('#summary', 'Sagerne er generelt godt oplyst.');
  await page.fill('#challenges', 'Begrundelserne mangler ofte hovedhensyn.');
  await Promise.all([page.waitForSelector('text=markeret som endelig'), page.click('button:text-is("Gem og markér som endelig")')]);
  await expectNoAxeViolations(page, 'report page after saving');
  assert.equal(await page.inputValue('#challenges'), 'Begrundelserne mangler ofte hovedhensyn.');
  const row = page.locator('tr', { has: page.locator('th:text-is("Medarbejderne")') });
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a', { hasText: 'pdf' }).click()]);
  assert.equal(download.suggestedFilename(), 'rapport-tilsyn-3-medarbejdere.pdf');
});

test('the management report with the appendix is chosen with a checkbox; off by default', { timeout: 90_000 }, async () => {
  const page = await newPage(browser, { viewport: { width: 1366, height: 800 } });
  await login(page, server.url, 'leder.barn');
  await page.goto(`${server.url}/d/BHS/rounds/3/report`);
  await expectNoAxeViolations(page, 'report page at 1366 px');
  assert.equal(await page.isChecked('#appendix'), false);
  const pdfText = async (download) => {
    const r = spawnSync('pdftotext', [await download.path(), '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  let [download] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("Hent rapporten til ledelsen")')]);
  assert.equal(download.suggestedFilename(), 'rapport-tilsyn-3-ledelse.pdf');
  let text = await pdfText(download);
  assert.ok(text.includes('Nøgletal') && !text.includes('Bilag: alle sager'));
  await page.check('#appendix');
  [download] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("Hent rapporten til ledelsen")')]);
  text = await pdfText(download);
  assert.ok(text.includes('Bilag: alle sager'));
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await login(phone, server.url, 'leder.barn');
  await phone.goto(`${server.url}/d/BHS/rounds/3/report`);
  await expectNoAxeViolations(phone, 'report page at 390 px');
});
