// The offline registration sheet in a real browser: the koordinator downloads the sheet from
// the round page, uploads a filled sheet with two mistakes and reads the list of problems
// with their cells (nothing is stored), then uploads a correct sheet and is back on the round
// page with the counts. Every page passes axe-core (WCAG 2.1 A and AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cli, startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

let server, browser, work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-sheet-'));
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, { timeout: 15_000 });

test('koordinator.barn downloads the sheet, sees a refused upload cell by cell, then uploads a good one', { timeout: 60_000 }, async () => {
  const db = server.db;
  let r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Tilsyn med ark']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  r = cli(db, ['round', 'sample', id, '--size', '6', '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  const cases = sqlite(db, `select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} order by rc.sample_key`).split('\n');
  const [q1, q2] = sqlite(db, `select q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id join catalogue_section s on s.id = q.section_id where rc.round_id = ${id} and q.scale = 'jdn' order by rc.position, s.position, q.position limit 2`).split('\n');

  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  await page.goto(`${server.url}/d/BHS/rounds/${id}`);
  await expectNoAxeViolations(page, 'round page with the sheet section');

  // Download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text-is("Hent registreringsark (xlsx)")')]);
  assert.equal(download.suggestedFilename(), `registreringsark-tilsyn-${id}.xlsx`);
  const saved = join(work, 'hentet.xlsx');
  await download.saveAs(saved);
  const sheet = readSheet(saved);
  assert.equal(sheet.cells.A1, 'Sagsnummer');
  assert.deepEqual(cases.map((_, i) => sheet.cells[`A${i + 2}`]), cases);

  // A sheet with a bad answer in C7 and a case outside the sample in A3: refused, cell by cell.
  const bad = join(work, 'forkert.xlsx');
  writeSheet(bad, [['Sagsnummer', q1, q2], [cases[0], 'ja', ''], ['IKKE-I-STIKPROEVEN', 'nej', ''],
    [cases[1], '', ''], [cases[2], '', ''], [cases[3], '', ''], [cases[4], '', 'kanske']]);
  await page.setInputFiles('#sheet-file', bad);
  await Promise.all([page.waitForSelector('h1:text-is("Indlæs registreringsark")'), page.click('button:text-is("Indlæs registreringsark")')]);
  const problems = await page.$$eval('main table tbody tr', (rows) => rows.map((row) => [...row.cells].map((c) => c.textContent)));
  assert.deepEqual(problems, [
    ['A3', "sagen 'IKKE-I-STIKPROEVEN' er ikke i tilsynets stikprøve."],
    ['C7', "'kanske' er ikke et gyldigt svar; brug ja, delvist, nej eller ikke relevant."],
  ]);
  assert.match(await page.textContent('.msg.error'), /Intet er gemt: arket har 2 fejl/);
  assert.equal(sqlite(db, `select count(*) from answer where round_id = ${id}`), '0');
  await expectNoAxeViolations(page, 'refused sheet');
  await screenshot(page, 'sheet-refused');

  // The corrected sheet, from the form on the same page.
  const good = join(work, 'rettet.xlsx');
  writeSheet(good, [['Sagsnummer', q1, q2], [cases[0], 'ja', 'delvist'], [cases[4], '', 'ikke relevant']]);
  await page.setInputFiles('#sheet-file', good);
  await Promise.all([page.waitForURL(new RegExp(`/d/BHS/rounds/${id}\\?sheet=1&saved=3&unchanged=0$`)), page.click('button:text-is("Indlæs registreringsark")')]);
  assert.match(await page.textContent('.msg.ok'), /Registreringsarket er indlæst: 3 svar gemt, 0 uændrede\./);
  assert.equal(sqlite(db, `select count(*) from answer where round_id = ${id}`), '3');
  await expectNoAxeViolations(page, 'round page after the sheet was read');
  await page.context().close();
});
