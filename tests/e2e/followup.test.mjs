// The follow-up in a real browser (Debian chromium): the koordinator plans a caseworker's
// individual feedback from the round's list of caseworkers, marks it held with minutes, and
// the caseworker's row says it was given; then decides an action aimed at a question of a
// finished round and finds it, overdue, on the front page. Every page on the way passes
// axe-core with no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow, PHONE } from '../lib/browser.mjs';

let server, browser;
const UDDYBENDE = 3, AUTUMN = 5; // the demo's uddybende round under review, and its finished autumn 2025 round

before(async () => {
  browser = await launch();
  server = await startServer();
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const q = (sql) => sqlite(server.db, sql);

test('plan individual feedback, mark it held, decide an action and see it on the front page', { timeout: 90_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');

  // The round's caseworkers and who has had feedback.
  await page.goto(`${server.url}/d/BHS/meetings?round=${UDDYBENDE}`);
  assert.match(await page.textContent('h1'), /Møder og tilbagemelding/);
  assert.match(await page.textContent('#feedback + p + div caption'), /0 af 4 rådgivere har fået tilbagemelding/);
  await expectNoAxeViolations(page, 'meetings of a round');
  await screenshot(page, 'followup-meetings');

  // Plan Anne's: the button opens the form filled in.
  await Promise.all([page.waitForURL(/\/meetings\/new\?/), page.click('a.button:has-text("tilbagemelding til Anne Bækgaard")')]);
  assert.equal(await page.inputValue('#kind'), 'individuel');
  assert.equal(await page.inputValue('#round'), String(UDDYBENDE));
  assert.equal(await page.inputValue('#advisor'), 'Anne Bækgaard');
  await expectNoAxeViolations(page, 'new meeting');
  await page.fill('#date', '2026-12-08');
  await page.fill('#time', '10:00');
  await page.fill('#participants', 'Mette Juhl, Anne Bækgaard');
  await Promise.all([page.waitForURL(/\/meetings\/\d+\?saved=1$/), page.click('main button:has-text("Gem mødet")')]);
  assert.match(await page.textContent('.msg.ok'), /Mødet er gemt/);
  assert.match(await page.textContent('dl.facts'), /planlagt/);
  await expectNoAxeViolations(page, 'meeting page');

  // Held: status and a short minute.
  await page.selectOption('#status', 'afholdt');
  await page.fill('#minutes', 'Gode begrundelser. Sagsoplysningen kan styrkes; vi aftalte at bruge tjeklisten.');
  await Promise.all([page.waitForURL(/\?saved=1$/), page.click('main button:has-text("Gem ændringer")')]);
  assert.match(await page.textContent('dl.facts'), /afholdt/);
  assert.match(await page.textContent('main'), /vi aftalte at bruge tjeklisten/);
  await expectNoAxeViolations(page, 'held meeting');
  await screenshot(page, 'followup-meeting-held');

  await page.click('dl.facts a'); // the round's meetings
  await page.waitForURL(/meetings\?round=/);
  const row = page.locator('#feedback + p + div tr', { hasText: 'Anne Bækgaard' });
  assert.match(await row.textContent(), /givet/);
  assert.match(await page.textContent('#feedback + p + div caption'), /1 af 4 rådgivere har fået tilbagemelding/);

  // An action aimed at a question of the finished autumn round, overdue on purpose.
  await page.goto(`${server.url}/d/BHS/actions`);
  await page.selectOption('#round-choice', String(AUTUMN));
  await Promise.all([page.waitForURL(/actions\?round=/), page.click('form.filters button')]);
  await expectNoAxeViolations(page, 'actions with a round\'s questions');
  const title = 'Tjek af opfølgningsdatoer i alle nye sager';
  await page.fill('#title', title);
  await page.fill('#description', 'Koordinatoren ser hver måned nye bevillinger igennem for en opfølgningsdato.');
  await page.selectOption('#owner', 'koordinator.barn');
  await page.fill('#due', '2020-03-31');
  await page.selectOption('#status', 'i_gang');
  assert.equal(await page.inputValue('#round'), String(AUTUMN), 'the round chosen above');
  await page.check('label:has-text("OB-OPF-1") input');
  await Promise.all([page.waitForURL(/\/actions\/\d+\?saved=1$/), page.click('main button:has-text("Gem tiltaget")')]);
  assert.equal(await page.textContent('h1'), title);
  assert.match(await page.textContent('dl.facts'), /fristen er overskredet/);
  assert.match(await page.textContent('main table'), /OB-OPF-1/);
  await expectNoAxeViolations(page, 'action page');
  await screenshot(page, 'followup-action');
  const id = Number(page.url().match(/actions\/(\d+)/)[1]);
  assert.equal(q(`select code from action_target where action_id = ${id}`), 'OB-OPF-1');

  // The front page: mine to do now.
  await page.goto(`${server.url}/`);
  const mine = page.locator('#my-actions + ul li', { hasText: title });
  assert.match(await mine.textContent(), /fristen er overskredet/);
  await Promise.all([page.waitForURL(new RegExp(`/actions/${id}$`)), mine.locator('a').click()]);
  await page.goto(`${server.url}/`);
  await expectNoAxeViolations(page, 'front page');
  await screenshot(page, 'followup-front-page');
  await page.setViewportSize(PHONE);
  assert.equal(await horizontalOverflow(page), 0, 'no sideways scrolling at phone width');
  await page.goto(`${server.url}/d/BHS/actions/${id}`);
  assert.equal(await horizontalOverflow(page), 0, 'the action page at phone width');
  await page.context().close();
});

test('a caseworker\'s front page and meeting list pass axe', { timeout: 30_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}/`);
  await expectNoAxeViolations(page, 'caseworker front page');
  await page.goto(`${server.url}/d/BHS/meetings`);
  await expectNoAxeViolations(page, 'caseworker meetings');
  await page.goto(`${server.url}/d/BHS/actions`);
  await expectNoAxeViolations(page, 'caseworker actions');
  await page.context().close();
});
