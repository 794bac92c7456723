// The result pages in a real browser: the leader's results page for a finished round (with a
// caseworker's breakdown), the uddybende round half-way through review, a caseworker's own
// results and the trends page pass axe-core with no violations; each chart is an SVG with
// role="img", a name, <title> and <desc>, followed by a table; nothing scrolls sideways at
// phone width; the printed page keeps the charts and tables and drops the forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
import {
  launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow, PHONE,
} from '../lib/browser.mjs';

let server, browser;

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

// The demo's finished overordnet round in BHS that has an earlier one to compare with.
const finishedRound = () => Number(sqlite(server.db, `SELECT r.id FROM round r JOIN department d ON d.id = r.department_id
  WHERE d.code = 'BHS' AND r.kind = 'overordnet' AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = r.id)
  ORDER BY r.planned_start DESC LIMIT 1`));
const uddybende = () => Number(sqlite(server.db, `SELECT r.id FROM round r JOIN department d ON d.id = r.department_id
  WHERE d.code = 'BHS' AND r.kind = 'uddybende' LIMIT 1`));

async function chartsHaveTextAlternatives(page) {
  const charts = await page.$$eval('svg.chart', (all) => all.map((s) => ({
    role: s.getAttribute('role'), label: s.getAttribute('aria-label'),
    title: s.querySelector(':scope > title')?.textContent, desc: s.querySelector(':scope > desc')?.textContent,
    style: s.outerHTML.includes('style='),
    // The next table after the chart (its text alternative).
    table: (() => { let e = s.nextElementSibling; while (e && !e.querySelector?.('table') && e.tagName !== 'TABLE') e = e.nextElementSibling; return !!e; })(),
  })));
  assert.ok(charts.length > 0, 'the page has charts');
  for (const c of charts) {
    assert.equal(c.role, 'img');
    assert.ok(c.label && c.title && c.desc, 'name, title and desc');
    assert.equal(c.style, false, 'no style attributes (CSP)');
    assert.ok(c.table, 'a table follows the chart');
  }
  return charts.length;
}

test('the leader\'s results page, with a caseworker\'s breakdown, passes axe and has charts with text alternatives',
  { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'leder.barn');
  const id = finishedRound();
  await page.goto(`${server.url}/d/BHS/rounds/${id}/results`);
  assert.match(await page.textContent('h1'), /Resultater/);
  await chartsHaveTextAlternatives(page);
  await expectNoAxeViolations(page, 'results page');
  await screenshot(page, 'results-round');
  // The breakdown: choose a caseworker with the select and the button.
  await page.selectOption('#advisor', { index: 1 });
  await Promise.all([page.waitForURL(/advisor=/), page.click('form.filters button[type=submit]')]);
  assert.ok(await page.$('#chart-advisor'), 'the caseworker\'s chart is shown');
  await expectNoAxeViolations(page, 'results page with a caseworker');
  // Print: charts and tables stay, the select does not.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.$eval('form.filters', (f) => getComputedStyle(f).display), 'none');
  assert.notEqual(await page.$eval('svg.chart', (s) => getComputedStyle(s).display), 'none');
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize(PHONE);
  assert.equal(await horizontalOverflow(page), 0, 'no sideways scrolling at phone width');
  await page.context().close();
});

test('a round half-way through review says its figures are preliminary and passes axe', { timeout: 30_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  await page.goto(`${server.url}/d/BHS/rounds/${uddybende()}/results`);
  assert.match(await page.textContent('main'), /foreløbige/);
  await chartsHaveTextAlternatives(page);
  await expectNoAxeViolations(page, 'results of a round under review');
  await page.context().close();
});

test('a caseworker\'s own results and the trends page pass axe', { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}/d/BHS/rounds/${finishedRound()}/results/mine`);
  assert.match(await page.textContent('h1'), /Dine resultater/);
  await chartsHaveTextAlternatives(page);
  await expectNoAxeViolations(page, 'own results');
  await screenshot(page, 'results-mine');
  await page.context().close();

  const lead = await newPage(browser);
  await login(lead, server.url, 'leder.barn');
  await lead.goto(`${server.url}/d/BHS/trends`);
  assert.equal(await chartsHaveTextAlternatives(lead), 1);
  await expectNoAxeViolations(lead, 'trends');
  // One question's line, through the link in the table.
  await Promise.all([lead.waitForURL(/question=/), lead.click('table.trend a[href*="question="] >> nth=0')]);
  assert.equal(await lead.$$eval('svg.chart', (s) => s.length), 2);
  await expectNoAxeViolations(lead, 'trends with one question');
  await screenshot(lead, 'results-trends');
  await lead.setViewportSize(PHONE);
  assert.equal(await horizontalOverflow(lead), 0, 'no sideways scrolling at phone width');
  await lead.context().close();
});
