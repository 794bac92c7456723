// The cycle in a real browser, as a leder goes through it on the demo: plan a new tilsyn from
// the list of tilsyn (with planned dates), answer the planning questions, plan the information
// meeting for the staff, see the tilsyn and the meeting in the annual plan, draw the sample; then, a year on, open the action decided after
// the spring 2025 tilsyn and read its re-measurement in the autumn round. Every page passes
// axe-core (WCAG 2.1 A and AA). The database is checked after each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
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

const TITLE = 'Overordnet ledelsestilsyn efterår 2027';

test('leder.barn plans, informs, samples, and reads an action\'s re-measurement', { timeout: 90_000 }, async () => {
  const q = (sql) => sqlite(server.db, sql);
  const page = await newPage(browser);
  await login(page, server.url, 'leder.barn');

  // Plan the tilsyn.
  await page.goto(`${server.url}/d/BHS/rounds`);
  await expectNoAxeViolations(page, 'rounds');
  await page.fill('#title', TITLE);
  await page.selectOption('#kind', 'overordnet');
  await page.fill('#start', '2027-09-06');
  await page.fill('#end', '2027-10-29');
  await Promise.all([page.waitForURL(/\/d\/BHS\/rounds\/\d+$/), page.click('main form[action="/d/BHS/rounds"] button[type=submit]')]);
  const id = Number(page.url().match(/rounds\/(\d+)$/)[1]);
  assert.equal(q(`select title || '|' || planned_start || '|' || planned_end || '|' || phase from round where id = ${id}`),
    `${TITLE}|2027-09-06|2027-10-29|planlaegning`);
  await expectNoAxeViolations(page, 'new round');

  // The planning answers: the form is open while the tilsyn is being planned.
  await page.fill('#plan-performers', 'Arbejdsgruppen: leder, faglig koordinator og to rådgivere');
  await page.fill('#plan-cases', '30');
  await page.fill('#plan-selection', 'Tilfældig stikprøve af sager med afgørelse det seneste halve år');
  await page.fill('#plan-timing', 'September og oktober 2027');
  await page.fill('#plan-gathering', 'Registreringsark og fælles analysemøde');
  await page.fill('#plan-stopop', '1');
  await Promise.all([page.waitForURL(new RegExp(`/rounds/${id}`)), page.click(`form[action="/d/BHS/rounds/${id}/plan"] button[type=submit]`)]);
  assert.equal(q(`select planned_cases || '|' || stopop_meetings || '|' || timing from round_plan where round_id = ${id}`),
    '30|1|September og oktober 2027');
  await expectNoAxeViolations(page, 'planning answers saved');

  // The information meeting, planned before the review starts.
  await page.goto(`${server.url}/d/BHS/meetings/new?round=${id}&kind=information`);
  await expectNoAxeViolations(page, 'new meeting');
  assert.equal(await page.inputValue('#round'), String(id));
  await page.fill('#date', '2027-08-30');
  await page.fill('#time', '09:00');
  await page.fill('#participants', 'Alle medarbejdere i afdelingen');
  await Promise.all([page.waitForURL(/\/d\/BHS\/meetings\/\d+/), page.click('main form[action="/d/BHS/meetings"] button[type=submit]')]);
  assert.equal(q(`select kind || '|' || date || '|' || status from meeting where round_id = ${id}`), 'information|2027-08-30|planlagt');
  await expectNoAxeViolations(page, 'meeting');

  // The annual plan shows both.
  await page.goto(`${server.url}/d/BHS/plan?year=2027`);
  await expectNoAxeViolations(page, 'plan 2027');
  assert.ok(await page.locator(`main table a:has-text("${TITLE}")`).count() >= 1);
  assert.ok(await page.locator('main table a:has-text("Informationsmøde")').count() >= 1);

  // Draw the sample: the tilsyn moves on to udvælgelse.
  await page.goto(`${server.url}/d/BHS/rounds/${id}`);
  await page.fill('#count', '30');
  await page.fill('#exclude', '0');
  await Promise.all([page.waitForURL(new RegExp(`/rounds/${id}`)), page.click(`form[action="/d/BHS/rounds/${id}/sample"] button[type=submit]`)]);
  assert.equal(q(`select count(*) from round_case where round_id = ${id} and status = 'udtrukket'`), '30');
  assert.equal(q(`select phase from round where id = ${id}`), 'udvaelgelse');
  await expectNoAxeViolations(page, 'sampled');

  // The re-measurement: the action decided after spring 2025, measured again in autumn 2025.
  const action = q(`select id from action_item where round_id = 4 and title like 'Tjekliste%'`);
  await page.goto(`${server.url}/d/BHS/actions/${action}`);
  await expectNoAxeViolations(page, 'action');
  const row = page.locator('main table tr:has-text("OB-SAGSOPL-1")');
  const text = (await row.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /52 % \(15 af 29\)/);
  assert.match(text, /87 % \(26 af 30\)/);
  assert.match(text, /forbedret/);
});
