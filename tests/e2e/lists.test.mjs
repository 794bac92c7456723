// The case list paged, searched and filtered in a real browser, and the help page, at 1366 px
// and at 390 px: axe finds no violations in any state, nothing scrolls sideways, the page links
// carry the filters, the search finds part of a case number, an empty result says so, the
// download link carries the filters, and /hjaelp is readable without login and linked from
// every page's footer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, sqlite } from '../lib/server.mjs';
import { readSheet } from '../lib/xlsx.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow } from '../lib/browser.mjs';

let server, browser, work;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-e2e-lists-'));
  browser = await launch();
  server = await startServer();
  // Enough cases for several pages.
  sqlite(server.db, `WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 250)
    INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen, team, provision, opened)
    SELECT 1, 'SIDE-' || printf('%04d', v), CASE v % 2 WHEN 0 THEN 'Åse Ørbæk' ELSE 'Bo Nielsen' END,
           '2026-01-01', '2026-01-01', 'Team ' || (v % 4), 'BL § ' || (80 + v % 10), '2025-05-0' || (1 + v % 9) FROM n`);
}, { timeout: 30_000 });
after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, { timeout: 15_000 });

const total = () => Number(sqlite(server.db, 'select count(*) from cases where department_id = 1 and on_list = 1'));

for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
  test(`case list paged, searched, filtered at ${viewport.width} px; axe clean`, { timeout: 60_000 }, async () => {
    const base = server.url;
    const page = await newPage(browser, { viewport });
    await login(page, base, 'leder.barn');
    const check = async (label) => {
      await expectNoAxeViolations(page, `${label} at ${viewport.width} px`);
      assert.ok(await horizontalOverflow(page) <= 0, `${label} scrolls sideways at ${viewport.width} px`);
      await screenshot(page, `lists-${label.replace(/\W+/g, '-')}-${viewport.width}`);
    };

    await page.goto(`${base}/d/BHS/cases`);
    const n = total(), pages = Math.ceil(n / 100);
    assert.ok(pages >= 3);
    assert.equal(await page.locator('main table').last().locator('tbody tr').count(), 100);
    assert.match(await page.textContent('.page-info'), new RegExp(`Viser sag 1–100 af ${n} \\(side 1 af ${pages}\\)`));
    await check('case list page 1');

    // Next page by its link, then the last.
    await Promise.all([page.waitForURL(/page=2$/), page.locator('nav.pagination').first().getByRole('link', { name: 'Næste ›' }).click()]);
    assert.match(await page.textContent('.page-info'), /Viser sag 101–200/);
    assert.equal(await page.locator('nav.pagination a[aria-current="page"]').first().textContent(), '2');
    await check('case list page 2');
    await Promise.all([page.waitForURL(new RegExp(`page=${pages}$`)), page.locator('nav.pagination').first().getByRole('link', { name: String(pages), exact: true }).click()]);
    assert.equal(await page.locator('main table').last().locator('tbody tr').count(), n - 100 * (pages - 1));

    // Search by part of a case number: the filter is kept on every page link.
    await page.fill('#f-q', 'side-01');
    await Promise.all([page.waitForURL(/q=side-01/), page.click('form.filters button[type=submit]')]);
    const found = Number(sqlite(server.db, "select count(*) from cases where department_id = 1 and on_list = 1 and lower(case_no) like '%side-01%'"));
    assert.equal(found, 100);
    assert.match(await page.textContent('main caption'), new RegExp(`^${found} sager i alt`));
    const rows = await page.locator('main table').last().locator('tbody tr td:first-child').allTextContents();
    assert.ok(rows.length === 100 && rows.every((t) => t.startsWith('SIDE-01')));
    assert.equal(await page.getAttribute('a[download]', 'href'), '/d/BHS/cases/export.xlsx?q=side-01');
    await check('case list searched');
    // The download link gives the searched list as a workbook, opened and checked.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
    assert.equal(download.suggestedFilename(), 'sagsliste-BHS.xlsx');
    const file = join(work, `sagsliste-${viewport.width}.xlsx`);
    await download.saveAs(file);
    const sheet = readSheet(file);
    assert.equal(sheet.cells.A1, 'Sagsnummer');
    const numbers = Object.keys(sheet.cells).filter((k) => /^A\d+$/.test(k) && k !== 'A1').map((k) => sheet.cells[k]);
    assert.equal(numbers.length, found);
    assert.ok(numbers.every((t) => t.startsWith('SIDE-01')));
    assert.ok(Object.keys(sheet.cells).filter((k) => /^F\d+$/.test(k) && k !== 'F1').every((k) => sheet.types[k] === 'date'));

    // A filter on part of a name, in another case, with Danish letters; two pages, the link keeps it.
    await page.goto(`${base}/d/BHS/cases`);
    await page.fill('#f-q', '');
    await page.fill('#f-advisor', 'ØRBÆ');
    await Promise.all([page.waitForURL(/advisor=/), page.click('form.filters button[type=submit]')]);
    const åse = Number(sqlite(server.db, "select count(*) from cases where department_id = 1 and advisor = 'Åse Ørbæk'"));
    assert.match(await page.textContent('main caption'), new RegExp(`^${åse} sager i alt`));
    const next = await page.locator('nav.pagination a:text-is("Næste ›")').first().getAttribute('href');
    assert.equal(next, `/d/BHS/cases?advisor=${encodeURIComponent('ØRBÆ')}&page=2`);
    await check('case list filtered');

    // Nothing found: said plainly, with the way back.
    await page.fill('#f-advisor', 'ingen-hedder-sådan');
    await Promise.all([page.waitForURL(/advisor=ingen/), page.click('form.filters button[type=submit]')]);
    assert.match(await page.textContent('main .msg.warn'), /Filteret fandt ingen sager\./);
    assert.equal(await page.locator('main a:text-is("Nulstil filtrene")').count(), 1);
    await check('case list nothing found');
    await page.context().close();
  });

  test(`/hjaelp without and with login at ${viewport.width} px; linked from the footer; axe clean`, { timeout: 40_000 }, async () => {
    const base = server.url;
    const page = await newPage(browser, { viewport });
    await page.goto(`${base}/hjaelp`);
    assert.equal(new URL(page.url()).pathname, '/hjaelp', 'no login asked for');
    assert.equal(await page.textContent('h1'), 'Hjælp til tilsyn');
    const text = await page.textContent('main');
    for (const s of ['Trinene i et tilsyn', '95 %-interval', 'Ikke relevant', 'Væsentlig betydning', 'forbedret', 'Hvem ser hvad'])
      assert.ok(text.includes(s), s);
    await expectNoAxeViolations(page, `help at ${viewport.width} px`);
    assert.ok(await horizontalOverflow(page) <= 0, 'help scrolls sideways');
    await screenshot(page, `lists-help-${viewport.width}`);

    // From the footer of the login page and of a page after login.
    await page.goto(`${base}/login`);
    await Promise.all([page.waitForURL(/\/hjaelp$/), page.click('footer a:text-is("Hjælp")')]);
    await login(page, base, 'anne');
    await page.goto(`${base}/`);
    await Promise.all([page.waitForURL(/\/hjaelp$/), page.click('footer a:text-is("Hjælp")')]);
    await expectNoAxeViolations(page, `help after login at ${viewport.width} px`);
    await page.context().close();
  });
}
