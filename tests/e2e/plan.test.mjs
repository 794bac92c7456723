// The annual plan in a real browser: the leder finds it from the department page and from the
// warnings on the front page; the page (timeline, warnings, tables) passes axe-core for this
// year and the next, the timeline is an SVG with role="img", a name, <title> and <desc>
// followed by the tables, nothing scrolls sideways at phone width, and making the calendar's
// subscription address shows it once on a page that passes axe too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
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

test('the leder opens the plan from the department page; 2026 and 2027 pass axe', { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'leder.barn');
  await page.goto(`${server.url}/d/BHS`);
  await Promise.all([page.waitForURL(/\/d\/BHS\/plan$/), page.click('main a[href="/d/BHS/plan"]')]);
  await page.goto(`${server.url}/d/BHS/plan?year=2026`);
  assert.equal(await page.textContent('h1'), 'Årshjul 2026');
  const svg = await page.$eval('svg#plan-timeline', (s) => ({
    role: s.getAttribute('role'), label: s.getAttribute('aria-label'),
    title: s.querySelector(':scope > title')?.textContent, desc: s.querySelector(':scope > desc')?.textContent,
    bars: s.querySelectorAll('rect[height="12"]').length,
    next: s.nextElementSibling?.tagName,
  }));
  assert.equal(svg.role, 'img');
  assert.equal(svg.label, 'Tidslinje for 2026');
  assert.equal(svg.title, 'Tidslinje for 2026');
  assert.match(svg.desc, /samme oplysninger/);
  assert.equal(svg.bars, 2);
  assert.equal(svg.next, 'H2', 'the tables follow the timeline');
  assert.ok(await page.$('table a[href="/d/BHS/rounds/1"]'));
  assert.ok((await page.$$('.msg.warn')).length >= 1, 'the warnings are shown');
  await expectNoAxeViolations(page, 'plan 2026');
  await screenshot(page, 'plan-2026');

  await Promise.all([page.waitForURL(/year=2027$/), page.click('nav.years a[rel="next"]')]);
  assert.equal(await page.textContent('h1'), 'Årshjul 2027');
  assert.match(await page.textContent('main'), /Overordnet ledelsestilsyn forår 2027/);
  await expectNoAxeViolations(page, 'plan 2027');
  await page.setViewportSize(PHONE);
  assert.equal(await horizontalOverflow(page), 0, 'no sideways scrolling at phone width');
  await screenshot(page, 'plan-2027-phone');
  await page.context().close();
});

test('the front page names the plan\'s warnings and leads to the plan', { timeout: 30_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  const section = await page.$('section[aria-labelledby="plan-warn-h"]');
  assert.ok(section, 'the warnings of this year\'s plan');
  await expectNoAxeViolations(page, 'front page with plan warnings');
  await Promise.all([page.waitForURL(/\/d\/BHS\/plan\?year=\d{4}$/),
    page.click('section[aria-labelledby="plan-warn-h"] a[href^="/d/BHS/plan"]')]);
  assert.match(await page.textContent('h1'), /^Årshjul \d{4}$/);
  await page.context().close();
});

test('the leder makes a subscription address, shown once on a page that passes axe', { timeout: 30_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'leder.barn');
  await page.goto(`${server.url}/d/BHS/plan`);
  await Promise.all([page.waitForURL(/\/calendar\/feed$/), page.click('form[action="/d/BHS/calendar/feed"] button')]);
  const address = await page.inputValue('#feed-url');
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/[0-9a-f]{64}\.ics$/);
  await expectNoAxeViolations(page, 'subscription address');
  await screenshot(page, 'plan-feed');
  const res = await fetch(address);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /^BEGIN:VCALENDAR\r\n/);
  await page.goto(`${server.url}/d/BHS/plan`);
  assert.match(await page.textContent('main'), /Der findes en adresse til kalenderabonnement/);
  await page.context().close();
});
