// A stale registration sheet in a real browser: the koordinator downloads the sheet, Karen
// Holm (the leder) changes an answer afterwards, and the koordinator's upload of the old sheet
// is refused with the cell, the newer answer and who saved it; choosing the same file again
// and ticking "Gem arkets svar i stedet ..." then "Gem alligevel arkets svar" saves it. Every
// page passes axe-core (WCAG 2.1 A and AA).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cli, startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';
import { fillSheet, writeSheet } from '../lib/xlsx.mjs';

let server, browser, work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-stale-'));
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, { timeout: 15_000 });

test('an old sheet is refused with the newer answer, and saved after the confirmation', { timeout: 60_000 }, async () => {
  const db = server.db;
  let r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Tilsyn med gammelt ark']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  r = cli(db, ['round', 'sample', id, '--size', '3', '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  const cases = sqlite(db, `select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} order by rc.sample_key`).split('\n');
  const q1 = sqlite(db, `select q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id join catalogue_section s on s.id = q.section_id where rc.round_id = ${id} order by rc.position, s.position, q.position limit 1`);

  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  await page.goto(`${server.url}/d/BHS/rounds/${id}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text-is("Hent registreringsark (xlsx)")')]);
  const old = join(work, 'hentet.xlsx');
  await download.saveAs(old);

  // Karen Holm answers nej after the sheet was downloaded; offline the koordinator wrote ja.
  const newer = join(work, 'nyere.xlsx');
  writeSheet(newer, [['Sagsnummer', q1], [cases[0], 'nej']]);
  r = cli(db, ['answers', 'import', id, newer, '--user', 'leder.barn']);
  assert.equal(r.status, 0, r.stderr);
  const filled = join(work, 'udfyldt.xlsx');
  fillSheet(old, filled, { B2: 'ja', B3: 'delvist' });

  await page.setInputFiles('#sheet-file', filled);
  await Promise.all([page.waitForSelector('h1:text-is("Indlæs registreringsark")'), page.click('button:text-is("Indlæs registreringsark")')]);
  const rows = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'B2');
  assert.match(rows[0][1], new RegExp(`^${q1} \\(sag ${cases[0].replace(/[.]/g, '\\.')}\\) er ændret, efter arket blev lavet: nu »nej«, gemt af Karen Holm \\d+\\. \\S+ \\d{4} kl\\. \\d\\d\\.\\d\\d; arket siger »ja«\\.$`));
  assert.match(await page.textContent('.msg.error'), /Intet er gemt: 1 celle i arket/);
  assert.equal(sqlite(db, `select group_concat(coalesce(value, ''), ',') from answer where round_id = ${id}`), 'nej');
  await expectNoAxeViolations(page, 'stale sheet refused');
  await screenshot(page, 'sheet-stale');

  // The same file again, with the box ticked: saved.
  await page.setInputFiles('#sheet-again', filled);
  await page.check('input[name="overwrite"]');
  await Promise.all([page.waitForURL(new RegExp(`/d/BHS/rounds/${id}\\?sheet=1&saved=2&unchanged=0$`)), page.click('button:text-is("Gem alligevel arkets svar")')]);
  assert.match(await page.textContent('.msg.ok'), /Registreringsarket er indlæst: 2 svar gemt/);
  assert.equal(sqlite(db, `select group_concat(coalesce(a.value, ''), ',') from answer a join cases c on c.id = a.case_id where a.round_id = ${id} order by c.case_no`).split(',').sort().join(','), 'delvist,ja');
  await page.context().close();
});
