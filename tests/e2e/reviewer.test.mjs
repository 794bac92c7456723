// The reviewer's way through the cases in a real browser, at desktop and phone width: "Gå til
// første ubesvarede" follows the answers; J / D / N / I answer the focused question but never
// while typing; a refused "Marker som færdig" lists the missing questions as links and marks
// them (also without JavaScript); after færdig, "Næste sag" leads to the next unfinished case
// in sample order; the answers are at least 44 px high on a phone; removing an acute concern is
// a red button behind a confirmation step. axe-core on every state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, DESKTOP, PHONE } from '../lib/browser.mjs';

let server, browser;
const base = '/d/BHS/rounds/1';

before(async () => {
  browser = await launch();
  server = await startServer();
  const r = cli(server.db, ['round', 'assign', '1', '--auto']);
  if (r.status !== 0) throw new Error(r.stderr);
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const q = (sql) => sqlite(server.db, sql);
// Anne's cases in round 1, in sample order (the order "Næste sag" follows).
const annesCases = () => q(`select case_id from round_case where round_id = 1 and status = 'udtrukket' and reviewer_id =
  (select id from users where login = 'anne') order by sample_key`).split('\n').map(Number);
const stored = (caseId, qid) => q(`select coalesce((select value from answer where round_id = 1 and case_id = ${caseId}
  and question_id = ${qid}), '')`);

// The questions the page shows that still need an answer, in page order (what a person sees).
const openQuestions = (page) => page.$$eval('fieldset.question', (all) => all
  .filter((f) => !f.hidden && f.dataset.scale !== 'text' && !f.querySelector('input[type=radio]:checked'))
  .map((f) => f.id));

const revisionIs = (page, qid, min) => page.waitForFunction(([n, v]) =>
  Number(document.querySelector(`input[name="r-${n}"]`).value) >= v, [qid, min]);

test('shortcuts J / D / N / I answer the focused question, never while typing; Gå til første ubesvarede follows the answers',
  { timeout: 60_000 }, async () => {
  const caseId = annesCases()[1];
  const page = await newPage(browser);
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}${base}/cases/${caseId}`);
  assert.ok(await page.isVisible('#shortcuts'), 'the shortcuts are explained on the page');
  assert.match(await page.textContent('#shortcuts'), /J.*ja.*D.*delvist.*N.*nej.*I.*ikke relevant/s);

  const open = await openQuestions(page);
  assert.ok(open.length > 2);
  assert.equal(await page.getAttribute('#first-open', 'href'), `#${open[0]}`);
  // Following the link puts focus on the question's first answer.
  await page.click('#first-open');
  const focusedIn = () => page.evaluate(() => document.activeElement.closest('fieldset.question')?.id);
  assert.equal(await focusedIn(), open[0]);
  const qid = open[0].slice(2);
  assert.equal(await page.$eval(`#${open[0]}`, (f) => f.dataset.scale), 'jdn');

  // N, D, I, J: each answers and is saved.
  let rev = 0;
  for (const [key, value] of [['n', 'nej'], ['d', 'delvist'], ['i', 'ikke_relevant'], ['J', 'ja']]) {
    await page.keyboard.press(key);
    await revisionIs(page, qid, ++rev);
    assert.equal(await page.$eval(`input[name="v-${qid}"]:checked`, (e) => e.value), value);
    assert.equal(stored(caseId, qid), value, `${key} saves ${value}`);
    assert.equal(await focusedIn(), open[0], 'focus stays in the question');
  }
  // Typing in the comment field writes the letters and answers nothing.
  await page.focus(`textarea[name="c-${qid}"]`);
  await page.keyboard.type('Nej, ikke i denne sag');
  assert.equal(await page.inputValue(`textarea[name="c-${qid}"]`), 'Nej, ikke i denne sag');
  await page.keyboard.press('Tab');
  await revisionIs(page, qid, ++rev);
  assert.equal(stored(caseId, qid), 'ja', 'typing did not change the answer');
  assert.equal(await page.$eval(`input[name="v-${qid}"]:checked`, (e) => e.value), 'ja');
  // With Ctrl the browser's own keys are left alone.
  await page.focus(`input[name="v-${qid}"][value="ja"]`);
  await page.keyboard.press('Control+d');
  assert.equal(await page.$eval(`input[name="v-${qid}"]:checked`, (e) => e.value), 'ja');

  // The link now leads to the next question without an answer.
  const now = await openQuestions(page);
  assert.equal(now[0], open[1]);
  assert.equal(await page.getAttribute('#first-open', 'href'), `#${open[1]}`);
  await expectNoAxeViolations(page, 'review page after shortcuts');

  // Without JavaScript the server points the link at the same question, and the shortcuts
  // (which need the script) are not offered.
  const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, locale: 'da-DK' });
  const plain = await context.newPage();
  await login(plain, server.url, 'anne');
  await plain.goto(`${server.url}${base}/cases/${caseId}`);
  assert.equal(await plain.getAttribute('#first-open', 'href'), `#${open[1]}`);
  assert.equal(await plain.isVisible('#shortcuts'), false);
  await plain.click('#first-open');
  assert.equal(new URL(plain.url()).hash, `#${open[1]}`);
  await context.close();
  await page.context().close();
});

for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`færdig refused: the missing questions are listed and marked (${size})`, { timeout: 60_000 }, async () => {
    const caseId = annesCases()[size === 'desktop' ? 2 : 3];
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'anne');
    await page.goto(`${server.url}${base}/cases/${caseId}`);
    const open = await openQuestions(page);
    const hiddenCount = await page.$$eval('fieldset.question[hidden]', (all) => all.filter((f) => f.dataset.scale !== 'text').length);
    // Refused by a 303 back to the case page (post/redirect/get), which lists and marks what is missing.
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/finish')),
      page.waitForURL(/\/cases\/\d+\?mangler=1&fejl=[0-9a-f]{64}$/), page.click('form[action$="/finish"] button')]);
    assert.equal(res.status(), 303);
    await page.waitForSelector('#error-summary');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary', 'the summary has focus');
    assert.match(await page.textContent('#error-summary'), new RegExp(`${open.length + hiddenCount} relevante spørgsmål mangler et svar`));
    const links = await page.$$eval('#error-summary li a', (all) => all.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, open.map((id) => `#${id}`), 'one link to each missing question, in page order');
    const marked = await page.$$eval('fieldset.question.missing', (all) => all.map((f) => ({
      id: f.id, note: document.getElementById(f.getAttribute('aria-describedby'))?.textContent || '',
    })));
    assert.deepEqual(marked.map((m) => m.id), open);
    for (const m of marked) assert.match(m.note, /Mangler et svar/);
    assert.equal(q(`select review_status from round_case where round_id = 1 and case_id = ${caseId}`), 'ikke_startet');
    await expectNoAxeViolations(page, `færdig refused (${size})`);
    await screenshot(page, `review-refused-${size}`);

    // A link in the summary leads to its question, focus on its answers; answering removes the mark.
    await page.click(`#error-summary a[href="#${open[1]}"]`);
    assert.equal(await page.evaluate(() => document.activeElement.closest('fieldset.question')?.id), open[1]);
    const qid = open[1].slice(2);
    const scale = await page.$eval(`#${open[1]}`, (f) => f.dataset.scale);
    await page.keyboard.press(scale === 'choice' ? 'Space' : 'n');
    await revisionIs(page, qid, 1);
    assert.equal(await page.$eval(`#${open[1]}`, (f) => f.classList.contains('missing')), false);
    assert.equal(await page.$$eval('fieldset.question.missing', (all) => all.length), open.length - 1);

    // On a phone the answers are targets of at least 44 px.
    const heights = await page.$$eval('fieldset.question:not([hidden]) .choices label', (all) =>
      all.map((l) => l.getBoundingClientRect().height));
    assert.ok(heights.length > 0);
    for (const h of heights) assert.ok(h >= 44, `an answer is ${h} px high at ${viewport.width} px`);
    await page.context().close();
  });
}

test('without JavaScript the færdig refusal lists and marks the missing questions too', { timeout: 30_000 }, async () => {
  const caseId = annesCases()[4];
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'da-DK' });
  const page = await context.newPage();
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}${base}/cases/${caseId}`);
  await page.click('form[action$="/finish"] button');
  const links = await page.$$eval('#error-summary li a', (all) => all.map((a) => a.getAttribute('href')));
  const marked = await page.$$eval('fieldset.question.missing', (all) => all.map((f) => `#${f.id}`));
  assert.ok(links.length > 0);
  assert.deepEqual(links, marked);
  await page.click('#error-summary li a');
  assert.equal(new URL(page.url()).hash, links[0]);
  // Back goes to pages loaded by GET, never a resubmission; the refusal shows only once.
  let res = await page.goBack();
  assert.ok(res === null || res.request().method() === 'GET');
  res = await page.goBack();
  assert.equal(res.request().method(), 'GET');
  assert.match(page.url(), new RegExp(`/cases/${caseId}$`));
  res = await page.goForward();
  assert.equal(res.request().method(), 'GET');
  assert.equal(await page.locator('#error-summary').count(), 0);
  await context.close();
});

test('after færdig, Næste sag leads to the next unfinished case in sample order', { timeout: 120_000 }, async () => {
  const cases = annesCases();
  const caseId = cases[0];
  const page = await newPage(browser, { viewport: PHONE });
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}${base}/cases/${caseId}`);
  // Answer question after question through "Gå til første ubesvarede" and the shortcuts.
  for (let i = 0; i < 100 && await page.isVisible('#first-open'); i++) {
    const id = (await page.getAttribute('#first-open', 'href')).slice(1);
    await page.click('#first-open');
    const scale = await page.$eval(`#${id}`, (f) => f.dataset.scale);
    await page.keyboard.press(scale === 'choice' ? 'Space' : 'j');
    await revisionIs(page, id.slice(2), 1);
  }
  assert.deepEqual(await openQuestions(page), []);
  await Promise.all([page.waitForURL(/finished=1/), page.click('form[action$="/finish"] button')]);
  assert.match(await page.textContent('main .msg.ok'), /Sagen er markeret som færdig/);
  assert.equal(q(`select review_status from round_case where round_id = 1 and case_id = ${caseId}`), 'faerdig');
  assert.match(await page.textContent('#case-status'), /færdig/);

  // The next one: the first unfinished case after this one in the sample's order.
  const unfinished = new Set(q(`select case_id from round_case where round_id = 1 and review_status <> 'faerdig'`).split('\n').map(Number));
  const expected = cases.slice(1).find((c) => unfinished.has(c));
  assert.ok(expected);
  const caseNo = q(`select case_no from cases where id = ${expected}`);
  assert.equal(await page.getAttribute('#next-case', 'href'), `${base}/cases/${expected}`);
  assert.match(await page.textContent('#next-case'), new RegExp(`Næste sag.*${caseNo.replace(/\./g, '\\.')}`));
  await expectNoAxeViolations(page, 'after færdig (phone)');
  await screenshot(page, 'review-next-case-phone');
  await Promise.all([page.waitForURL(`**${base}/cases/${expected}`), page.click('#next-case')]);
  assert.match(await page.textContent('h1'), new RegExp(caseNo.replace(/\./g, '\\.')));

  // With every case done, the page says so and leads back to the front page.
  q(`update round_case set review_status = 'faerdig' where reviewer_id = (select id from users where login = 'anne')`);
  await page.goto(`${server.url}${base}/cases/${caseId}`);
  assert.equal(await page.locator('#next-case').count(), 0);
  assert.match(await page.textContent('nav.next-case'), /Du har ikke flere sager at gennemgå/);
  assert.equal(await page.getAttribute('nav.next-case a', 'href'), '/');
  await page.context().close();
});

test('removing an acute concern is a red button behind a confirmation step', { timeout: 40_000 }, async () => {
  const caseId = annesCases()[5];
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await newPage(browser, { viewport });
    await login(page, server.url, 'koordinator.barn');
    await page.goto(`${server.url}${base}/cases/${caseId}`);
    await page.fill('#acute-note', 'Afgørelsen skal rettes nu');
    await Promise.all([page.waitForURL(/acute=1/), page.click('form[action$="/acute"] button')]);
    const button = page.locator('form[action$="/acute"] button.danger');
    assert.equal(await button.isVisible(), false, 'not one click away');
    await page.click('details.confirm > summary');
    assert.ok(await button.isVisible());
    assert.equal(await button.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(180, 35, 24)');
    await expectNoAxeViolations(page, `acute concern, confirmation open (${size})`);
    await Promise.all([page.waitForURL(/acute=0/), button.click()]);
    assert.equal(q(`select acute from round_case where round_id = 1 and case_id = ${caseId}`), '0');
    await page.context().close();
  }
});
