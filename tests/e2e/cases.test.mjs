// A department leader's way through case lists and sampling, in a real browser: open the
// case list, upload the example export, read the preview, import it, see the success
// message; then plan an overordnet tilsyn, draw a 30-case sample, and read the protocol
// (seed, population fingerprint) and the distribution per caseworker. A preview with
// problems and a replaced case are visited too. Every page must pass axe-core (WCAG 2.1 A
// and AA) with no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startServer, sqlite, root } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';

const EXAMPLE = join(root, 'tests', 'data', 'eksempel-sagsliste.csv');

let server, browser, work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-cases-'));
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, { timeout: 15_000 });

// Clicks `selector` (which submits or navigates) and waits for a URL matching `url`.
async function go(page, selector, url) {
  await Promise.all([page.waitForURL(url), page.click(selector)]);
}

const bhsCases = () => Number(sqlite(server.db, 'select count(*) from cases where department_id = 1'));

test('leder.barn imports the example case list and draws a 30-case sample for an overordnet tilsyn', { timeout: 60_000 }, async () => {
  const base = server.url;
  const page = await newPage(browser);
  const path = () => new URL(page.url()).pathname;
  await login(page, base, 'leder.barn');

  // Department -> Sagsliste.
  await go(page, 'header nav a[href="/d/BHS"]', /\/d\/BHS$/);
  await go(page, 'main a[href="/d/BHS/cases"]', /\/d\/BHS\/cases$/);
  assert.equal(await page.textContent('h1'), 'Sagsliste');
  const before = bhsCases();
  assert.match(await page.textContent('main caption'), new RegExp(`${before} sager i alt`));
  await expectNoAxeViolations(page, 'case list');
  await screenshot(page, 'cases-list');

  // The filter form narrows the list.
  await page.selectOption('#f-target', 'barn');
  await go(page, 'form.filters button[type=submit]', /\/d\/BHS\/cases\?.*target=barn/);
  const barn = sqlite(server.db, "select count(*) from cases where department_id = 1 and target = 'barn'");
  assert.match(await page.textContent('main caption'), new RegExp(`^${barn} sager i alt`));
  await expectNoAxeViolations(page, 'case list, filtered');

  // Indlæs sagsliste -> choose the file -> preview.
  await go(page, 'main a.button:text-is("Indlæs sagsliste")', /\/d\/BHS\/cases\/import$/);
  assert.equal(await page.textContent('h1'), 'Indlæs sagsliste');
  await expectNoAxeViolations(page, 'upload form');
  await page.setInputFiles('#file', EXAMPLE);
  await Promise.all([page.waitForLoadState('load'), page.waitForSelector('h1:has-text("Forhåndsvisning")'), page.click('main form button[type=submit]')]);
  assert.equal(path(), '/d/BHS/cases/import');
  assert.equal(await page.textContent('h1'), 'Forhåndsvisning: eksempel-sagsliste.csv');
  const facts = await page.textContent('dl.facts');
  assert.match(facts, /Windows-1252/);
  assert.match(facts, /semikolon/);
  assert.match(await page.textContent('.msg.ok'), /Alle 40 rækker er gyldige/);
  assert.equal(await page.inputValue('#map-case_no'), 'Sagsnummer');
  assert.equal(await page.inputValue('#map-advisor'), 'Rådgiver');
  assert.equal(await page.inputValue('#map-decided'), 'Seneste afgørelse');
  assert.equal(await page.locator('main td', { hasText: '27.12.00-G01-262-24' }).count(), 1);
  assert.equal(bhsCases(), before, 'the preview stores nothing');
  await expectNoAxeViolations(page, 'import preview');
  await screenshot(page, 'cases-preview');

  // Indlæs sagslisten -> the case list with the success message. The file replaces the
  // demo's list: its cases stay in the database but drop off the current list.
  assert.equal(await page.isChecked('input[name=mode][value=replace]'), true, 'replacing is the default');
  await go(page, 'button:text-is("Indlæs sagslisten")', new RegExp(`/d/BHS/cases\\?imported=1&new=40&updated=0&dropped=${before}$`));
  assert.match(await page.textContent('.msg.ok'), new RegExp(`Sagslisten er indlæst: 40 nye og 0 opdaterede sager; ${before} faldt ud af listen\\.`));
  assert.equal(bhsCases(), before + 40);
  assert.match(await page.textContent('main caption'), /^40 sager i alt/);
  assert.match(await page.textContent('section.list-version'), new RegExp(`fra filen eksempel-sagsliste\\.csv: 40 sager\\. ${before} sager faldt ud`));
  await page.click('details.dropped summary');
  assert.equal(await page.locator('details.dropped tbody tr').count(), before);
  await expectNoAxeViolations(page, 'case list after import');

  // Tilsyn: plan an overordnet round.
  await go(page, '.crumbs a[href="/d/BHS"]', /\/d\/BHS$/);
  await go(page, 'main a[href="/d/BHS/rounds"]', /\/d\/BHS\/rounds$/);
  assert.equal(await page.textContent('h1'), 'Tilsyn');
  await expectNoAxeViolations(page, 'rounds list');
  await page.fill('#title', 'Overordnet tilsyn efterår 2026');
  await page.selectOption('#kind', 'overordnet');
  await page.fill('#start', '2026-09-01');
  await page.fill('#end', '2026-11-30');
  await go(page, 'button:text-is("Opret tilsyn")', /\/d\/BHS\/rounds\/\d+$/);
  const id = path().split('/').pop();
  assert.equal(await page.textContent('h1'), 'Overordnet tilsyn efterår 2026');
  await expectNoAxeViolations(page, 'round page before sampling');

  // Draw 30 cases.
  assert.equal(await page.inputValue('#count'), '30', 'the recommended size is suggested');
  await go(page, 'button:text-is("Træk stikprøven")', new RegExp(`/d/BHS/rounds/${id}\\?sampled=1$`));
  assert.match(await page.textContent('.msg.ok'), /Stikprøven er trukket/);
  const seed = sqlite(server.db, `select seed from round where id = ${id}`);
  assert.match(seed, /^[0-9a-f]{64}$/);
  const protocol = await page.textContent('section.protocol');
  assert.ok(protocol.includes(seed), 'the protocol shows the seed');
  assert.ok(protocol.includes(sqlite(server.db, `select population_digest from round where id = ${id}`)));
  assert.match(protocol, /30 tilfældigt udvalgte sager i alt/);
  const dist = await page.$$eval('table.compact tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.ok(dist.length >= 2, 'several caseworkers');
  assert.equal(dist.reduce((s, r) => s + Number(r[1]), 0), 30);
  const expected = sqlite(server.db, `select c.advisor || '|' || count(*) from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} group by c.advisor order by c.advisor`);
  assert.equal(dist.map((r) => `${r[0]}|${r[1]}`).join('\n'), expected);
  assert.equal(await page.locator('.msg.warn').count(), 0, 'no warning at 30 cases');
  await expectNoAxeViolations(page, 'round page with sample');
  await screenshot(page, 'round-sampled');

  // Replace the first case, with a reason.
  const first = await page.textContent('main .scroll table tbody tr:first-child td:first-child');
  await page.click('main .scroll table tbody tr:first-child summary');
  await page.fill('main .scroll table tbody tr:first-child input[name=reason]', 'ikke relevant');
  await go(page, 'main .scroll table tbody tr:first-child button[type=submit]', new RegExp(`/d/BHS/rounds/${id}\\?replaced=1$`));
  assert.match(await page.textContent('.msg.ok'), /Sagen er erstattet/);
  assert.equal(sqlite(server.db, `select rc.status from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} and c.case_no = '${first}'`), 'erstattet');
  await expectNoAxeViolations(page, 'round page after a replacement');
  await page.context().close();
});

test('a preview with problems (a CPR number, a bad date) and a small sample\'s warning pass axe too', { timeout: 40_000 }, async () => {
  const base = server.url;
  const page = await newPage(browser);
  await login(page, base, 'koordinator.barn');
  const file = join(work, 'problemer.csv');
  writeFileSync(file, 'Sagsnummer;Rådgiver;Oprettet;Bemærkning\nE2E-1;Anna;01-02-2024;\nE2E-2;Bo;31-02-2024;\nE2E-3;Carl;01-03-2024;cpr 010190-1234\n');
  await page.goto(`${base}/d/BHS/cases/import`);
  await page.setInputFiles('#file', file);
  await Promise.all([page.waitForSelector('h1:has-text("Forhåndsvisning")'), page.click('main form button[type=submit]')]);
  assert.match(await page.textContent('.msg.error'), /2 af 3 rækker har fejl .* Filen indeholder CPR-numre, så den er ikke gemt/s);
  const problems = await page.$$eval('table.problems tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(problems.map((r) => r.slice(0, 2)), [['3', 'Oprettet'], ['4', 'Bemærkning']]);
  assert.ok(!(await page.content()).includes('010190-1234'));
  assert.equal(await page.$('input[name=skip_invalid]'), null, 'a file with a CPR number cannot be confirmed');
  await expectNoAxeViolations(page, 'import preview with problems');
  await screenshot(page, 'cases-preview-problems');

  // Without the CPR number the file waits for its confirmation: keep only the valid row, added
  // to the current list (a list exported in parts).
  writeFileSync(file, 'Sagsnummer;Rådgiver;Oprettet\nE2E-1;Anna;01-02-2024\nE2E-2;Bo;31-02-2024\n');
  await page.goto(`${base}/d/BHS/cases/import`);
  await page.setInputFiles('#file', file);
  await Promise.all([page.waitForSelector('h1:has-text("Forhåndsvisning")'), page.click('main form button[type=submit]')]);
  assert.match(await page.textContent('.msg.error'), /1 af 2 rækker har fejl/);
  await page.check('input[name=skip_invalid]');
  await page.check('input[name=mode][value=add]');
  await go(page, 'button:text-is("Indlæs sagslisten")', /\/d\/BHS\/cases\?imported=1&new=1&updated=0&dropped=0$/);
  assert.equal(sqlite(server.db, "select group_concat(case_no) from cases where case_no like 'E2E-%'"), 'E2E-1');

  // A round with a sample below the recommendation shows the warning.
  await page.goto(`${base}/d/BHS/rounds`);
  await page.fill('#title', 'Lille stikprøve');
  await go(page, 'button:text-is("Opret tilsyn")', /\/d\/BHS\/rounds\/\d+$/);
  await page.fill('#count', '10');
  await page.fill('#exclude', '0');
  await go(page, 'button:text-is("Træk stikprøven")', /\?sampled=1$/);
  assert.match(await page.textContent('.msg.warn'), /mindst 30 sager/);
  await expectNoAxeViolations(page, 'round page with a warning');
  await page.context().close();
});
