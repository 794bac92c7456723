// The results page leads with its conclusion (issue 13), in a real browser at 1366 and 390 px:
// the conclusion comes before the details, which are folded; no table scrolls sideways at
// 1366 px on the demo's finished round; printed, every column is on the paper; a weak question's
// "Opret tiltag" opens the action form with that question chosen; on a phone no chart text is
// drawn smaller than 11 px; the feedback release page passes axe. axe-core on every state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow } from '../lib/browser.mjs';

const WIDE = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

// The demo's newest finished overordnet round in BHS: it has an earlier one to compare with.
const finishedRound = () => Number(sqlite(server.db, `SELECT r.id FROM round r JOIN department d ON d.id = r.department_id
  WHERE d.code = 'BHS' AND r.kind = 'overordnet' AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = r.id)
  ORDER BY r.planned_start DESC LIMIT 1`));

// Every marked table box whose content is wider than the box (it would scroll sideways).
const overflowingTables = (page) => page.$$eval('main .scroll', (all) => all
  .filter((s) => s.getClientRects().length > 0 && s.scrollWidth > s.clientWidth + 1)
  .map((s) => `${s.getAttribute('aria-label')}: ${s.scrollWidth} > ${s.clientWidth}`));

test('at 1366 px the conclusion comes first, the details are folded, and no table scrolls sideways',
  { timeout: 60_000 }, async () => {
  const page = await newPage(browser, { viewport: WIDE });
  await login(page, server.url, 'leder.barn');
  const id = finishedRound();
  await page.goto(`${server.url}/d/BHS/rounds/${id}/results`);
  // The first section heading after h1 is the conclusion, and its table has a verdict tag per area.
  assert.equal(await page.textContent('main h2 >> nth=0'), 'Konklusion');
  const rows = await page.$$eval('table.conclusion tbody tr', (trs) => trs.map((tr) => ({
    area: tr.querySelector('th').textContent,
    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
    tag: tr.querySelector('.tag')?.textContent,
  })));
  assert.equal(rows[0].area, 'Hele tilsynet');
  assert.ok(rows.length >= 2, 'the round and at least one area');
  for (const r of rows) {
    assert.match(r.cells[0], /^\d+ %/, `${r.area}: fulfilled now`);
    assert.match(r.cells[1], /^\d+ %$/, `${r.area}: before`);
    assert.match(r.cells[2], /^[+-]\d+ point/, `${r.area}: the change`);
    assert.ok(['forbedret', 'forværret', 'ingen sikker ændring'].includes(r.tag), `${r.area}: verdict tag ${r.tag}`);
  }
  // The conclusion is above every folded detail; the details start closed.
  const order = await page.evaluate(() => {
    const c = document.querySelector('table.conclusion');
    const d = [...document.querySelectorAll('details.more')];
    return { closed: d.every((x) => !x.open), count: d.length,
      before: d.every((x) => c.compareDocumentPosition(x) & Node.DOCUMENT_POSITION_FOLLOWING) };
  });
  assert.ok(order.count >= 2 && order.closed && order.before, JSON.stringify(order));
  assert.doesNotMatch(await page.textContent('main'), /%%/, 'no doubled percent sign');
  await expectNoAxeViolations(page, 'results, conclusion first (1366 px)');
  assert.equal(await horizontalOverflow(page), 0);
  // Unfold everything: still no table wider than its box.
  for (const s of await page.$$('details.more > summary')) await s.click();
  assert.deepEqual(await overflowingTables(page), []);
  assert.equal(await horizontalOverflow(page), 0);
  await expectNoAxeViolations(page, 'results, details unfolded (1366 px)');
  await screenshot(page, 'results-conclusion-1366');
  // A caseworker's breakdown fits as well.
  await page.selectOption('#advisor', { index: 1 });
  await Promise.all([page.waitForURL(/advisor=/), page.click('form.filters button[type=submit]')]);
  assert.deepEqual(await overflowingTables(page), []);
  assert.equal(await horizontalOverflow(page), 0);

  // Printed (landscape A4 is about 1000 px wide inside its margins): every column on the paper,
  // the folded details included.
  await page.goto(`${server.url}/d/BHS/rounds/${id}/results`);
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => [...document.querySelectorAll('details.more table')].map((t) => {
    const r = t.getBoundingClientRect();
    return { visible: r.width > 0 && r.height > 0, fits: t.scrollWidth <= t.parentElement.clientWidth + 1 };
  }));
  assert.ok(printed.length >= 2, 'tables in the folded details');
  for (const p of printed) assert.ok(p.visible && p.fits, JSON.stringify(printed));
  assert.deepEqual(await overflowingTables(page), []);
  await page.context().close();
});

test('at 390 px the results page passes axe, nothing scrolls sideways and no chart text is below 11 px',
  { timeout: 60_000 }, async () => {
  const page = await newPage(browser, { viewport: PHONE });
  await login(page, server.url, 'leder.barn');
  await page.goto(`${server.url}/d/BHS/rounds/${finishedRound()}/results`);
  assert.equal(await page.textContent('main h2 >> nth=0'), 'Konklusion');
  for (const s of await page.$$('details.more > summary')) await s.click();
  await expectNoAxeViolations(page, 'results (390 px)');
  assert.equal(await horizontalOverflow(page), 0);
  // Every chart text that is drawn is at least 11 px high on the screen.
  const sizes = await page.$$eval('svg.chart text', (all) => all
    .filter((t) => t.getClientRects().length > 0)
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a));
  for (const px of sizes) assert.ok(px >= 11, `chart text drawn at ${px.toFixed(1)} px`);
  // The figures are there instead, as tables.
  assert.ok(await page.$$eval('details.more table', (t) => t.filter((x) => x.getClientRects().length).length) >= 2);
  await screenshot(page, 'results-conclusion-390');
  // The trends page too.
  await page.goto(`${server.url}/d/BHS/trends`);
  const trend = await page.$$eval('svg.chart text', (all) => all.filter((t) => t.getClientRects().length > 0)
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a));
  for (const px of trend) assert.ok(px >= 11, `trend chart text drawn at ${px.toFixed(1)} px`);
  assert.equal(await horizontalOverflow(page), 0);
  await page.context().close();
});

test('"Opret tiltag" at a weak question opens the action form with the question chosen', { timeout: 60_000 }, async () => {
  for (const viewport of [WIDE, PHONE]) {
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'koordinator.barn');
    const id = finishedRound();
    await page.goto(`${server.url}/d/BHS/rounds/${id}/results`);
    const link = page.locator('#udfordringer ~ ol a.action-from').first();
    const href = await link.getAttribute('href');
    const code = new URL(href, server.url).searchParams.get('question');
    assert.ok(code, href);
    // The link names its question for a screen reader.
    assert.match(await link.textContent(), new RegExp(`Opret tiltag.*${code}`));
    await Promise.all([page.waitForURL(/\/actions\?/), link.click()]);
    assert.equal(await page.$eval('#round', (s) => s.value), String(id), 'the round is chosen');
    const boxes = await page.$$eval('input[name=question]:checked', (all) => all.map((x) => x.value));
    assert.deepEqual(boxes, [code], 'only that question is chosen');
    await expectNoAxeViolations(page, `action form from a weak question (${viewport.width} px)`);
    assert.equal(await horizontalOverflow(page), 0);
    await page.context().close();
  }
});

test('the feedback release page passes axe, and the caseworker sees "endnu ikke frigivet" until released',
  { timeout: 60_000 }, async () => {
  const round = Number(sqlite(server.db, `SELECT r.id FROM round r JOIN department d ON d.id = r.department_id
    WHERE d.code = 'BHS' AND r.kind = 'uddybende' LIMIT 1`));
  for (const viewport of [WIDE, PHONE]) {
    const anne = await newPage(browser, { viewport });
    await login(anne, server.url, 'anne');
    await anne.goto(`${server.url}/d/BHS/rounds/${round}/results/mine`);
    assert.match(await anne.textContent('main'), /Endnu ikke frigivet/);
    await expectNoAxeViolations(anne, `own results not released (${viewport.width} px)`);
    await anne.context().close();
  }
  const lead = await newPage(browser, { viewport: WIDE });
  await login(lead, server.url, 'leder.barn');
  await lead.goto(`${server.url}/d/BHS/rounds/${round}/feedback`);
  await expectNoAxeViolations(lead, 'feedback release (1366 px)');
  const row = lead.locator('tr', { has: lead.locator('th', { hasText: /Anne Bækgaard/i }) });
  await Promise.all([lead.waitForURL(/released=1/), row.locator('button').click()]);
  assert.match(await row.textContent(), /Frigivet/);
  await expectNoAxeViolations(lead, 'feedback released (1366 px)');
  await lead.setViewportSize(PHONE);
  await expectNoAxeViolations(lead, 'feedback release (390 px)');
  assert.equal(await horizontalOverflow(lead), 0);
  await lead.context().close();
  const anne = await newPage(browser, { viewport: PHONE });
  await login(anne, server.url, 'anne');
  await anne.goto(`${server.url}/d/BHS/rounds/${round}/results/mine`);
  assert.doesNotMatch(await anne.textContent('main'), /Endnu ikke frigivet/);
  assert.match(await anne.textContent('h1'), /Dine resultater/);
  await expectNoAxeViolations(anne, 'own results released (390 px)');
  await anne.context().close();
});
