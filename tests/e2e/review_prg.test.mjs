// "Gem svar" without JavaScript in a real browser, post/redirect/get: a two-tab conflict and a
// refused answer (a CPR number in a comment) on a case's review come back by a 303 to the case
// page, with the error summary (its links lead to the questions), the other tab's answer beside
// what was typed, the message at the question and what was typed kept (the CPR number masked);
// Back and Forward load pages by GET, never "Confirm form resubmission", and the errors show
// once. The same for the calibration's second review. axe-core on the error pages at 1366 px
// and 390 px (axe needs script: the page's HTML is checked in a context with JavaScript).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, Client, sqlite, cli } from '../lib/server.mjs';
import { launch, login, expectNoAxeViolations, screenshot, horizontalOverflow, DESKTOP, PHONE } from '../lib/browser.mjs';

let server, browser;
const ROUND = 3; // BHS, in review, every case assigned
const base = `/d/BHS/rounds/${ROUND}`;

before(async () => {
  browser = await launch();
  server = await startServer();
  const r = cli(server.db, ['round', 'calibrate', String(ROUND), '--cases', '2', '--reviewers', 'anne,morten,louise,henrik']);
  if (r.status !== 0) throw new Error(r.stderr);
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const q = (sql) => sqlite(server.db, sql);

// A browser without JavaScript that fails the test when a POST's navigation is answered with
// anything but a redirect.
async function plainPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'da-DK', javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('response', (res) => {
    if (res.request().isNavigationRequest() && res.request().method() === 'POST' && res.status() !== 303)
      throw new Error(`POST ${res.url()} answered ${res.status()}, not 303`);
  });
  return page;
}

// axe-core and the width on the page as shown, in a context with JavaScript.
async function checkPage(page, label) {
  const html = await page.content();
  for (const viewport of [DESKTOP, PHONE]) {
    const checker = await browser.newContext({ viewport, locale: 'da-DK' });
    const p2 = await checker.newPage();
    await p2.goto(`${server.url}/healthz`);
    await p2.setContent(html, { waitUntil: 'load' });
    await expectNoAxeViolations(p2, `${label} ${viewport.width}`);
    assert.equal(await horizontalOverflow(p2), 0, `${label} ${viewport.width}: no sideways scrolling`);
    await screenshot(p2, `${label}-${viewport.width}`);
    await checker.close();
  }
}

// Back to the form as first loaded, then Forward to the error page: both by GET, the errors gone.
async function backAndForward(page, formUrl, errorUrl) {
  let res = await page.goBack();
  assert.equal(res.request().method(), 'GET');
  assert.equal(page.url(), formUrl);
  res = await page.goForward();
  assert.equal(res.request().method(), 'GET');
  assert.match(page.url(), errorUrl);
  assert.equal(await page.locator('.error-summary').count(), 0, 'the errors show once');
}

for (const [label, viewport] of [['1366', DESKTOP], ['390', PHONE]]) {
  test(`review: a conflict and a refused answer come back to the case by a 303, Back never resubmits (${label} px)`, { timeout: 60_000 }, async () => {
    const [caseId, login2, name] = q(`select rc.case_id || '|' || u.login || '|' || u.name from round_case rc
      join users u on u.id = rc.reviewer_id where rc.round_id = ${ROUND} and u.login <> 'koordinator.barn'
      order by rc.sample_key limit 1 offset ${label === '1366' ? 0 : 1}`).split('|');
    const [q1, q2] = q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
      join catalogue_section s on s.id = q.section_id where rk.round_id = ${ROUND} and q.scale = 'jdn'
      and q.cond_question is null order by rk.position, s.position, q.position limit 2`).split('\n');
    const url = `${server.url}${base}/cases/${caseId}`;
    const page = await plainPage(viewport);
    await login(page, server.url, 'koordinator.barn');
    await page.goto(url);
    const seen = await page.getAttribute(`input[name="r-${q1}"]`, 'value');

    // Meanwhile the reviewer saves q1 in another tab.
    const other = new Client(server.url);
    await other.login(login2);
    const csrf = Client.csrf((await other.get(`${base}/cases/${caseId}`)).text);
    const saved = await other.request('POST', `${base}/cases/${caseId}/answer`, {
      body: new URLSearchParams({ question: q1, value: 'delvist', material: '', comment: 'Fra den anden fane', revision: seen }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
    });
    assert.equal(saved.status, 200, saved.text);

    await page.check(`input[name="v-${q1}"][value="ikke_relevant"]`);
    await page.fill(`textarea[name="c-${q1}"]`, 'Min vurdering');
    await page.check(`input[name="v-${q2}"][value="nej"]`);
    await page.fill(`textarea[name="c-${q2}"]`, 'Barnets cpr er 010203-1234');
    await Promise.all([page.waitForURL(/\/cases\/\d+\?fejl=[0-9a-f]{64}$/), page.click('main button[type=submit]:has-text("Gem svar")')]);

    const summary = page.locator('.error-summary');
    assert.match(await summary.textContent(), /1 svar blev ikke gemt, fordi en anden har ændret dem/);
    assert.match(await page.textContent(`.error-summary a[href="#q-${q1}"]`), /en anden har gemt et andet svar/);
    assert.match(await page.textContent(`.error-summary a[href="#q-${q2}"]`), /ligner et CPR-nummer/);
    // q1: both answers; the fields hold what was typed.
    const box = await page.textContent(`#q-${q1} .conflict`);
    assert.match(box, new RegExp(`${name} gemte et andet svar`));
    assert.match(box, /Dit svar\s*ikke relevant; kommentar: »Min vurdering«/);
    assert.match(box, new RegExp(`Gemt af ${name}\\s*delvist; kommentar: »Fra den anden fane«`));
    assert.ok(await page.isChecked(`input[name="v-${q1}"][value="ikke_relevant"]`));
    assert.equal(await page.inputValue(`textarea[name="c-${q1}"]`), 'Min vurdering');
    // q2: the message at the question, what was typed kept with the CPR number masked.
    assert.match(await page.textContent(`#q-${q2} .field-error`), /CPR-nummer/);
    assert.ok(await page.isChecked(`input[name="v-${q2}"][value="nej"]`));
    assert.equal(await page.inputValue(`textarea[name="c-${q2}"]`), 'Barnets cpr er 010203-xxxx');
    assert.equal(q(`select value from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${q1}`), 'delvist');
    // The summary's link leads to its question.
    await page.click(`.error-summary a[href="#q-${q2}"]`);
    assert.equal(new URL(page.url()).hash, `#q-${q2}`);
    await checkPage(page, `review-prg-${label}`);

    // Back goes to pages loaded by GET, never a resubmission; Forward shows the errors no more.
    let res = await page.goBack(); // from the link's #q-... to the error page itself
    assert.ok(res === null || res.request().method() === 'GET');
    await backAndForward(page, url, /\?fejl=/);
    assert.equal(await page.inputValue(`textarea[name="c-${q1}"]`), 'Fra den anden fane', 'now the stored answers');

    // Sent again, corrected, the answers are saved.
    await page.check(`input[name="v-${q2}"][value="nej"]`);
    await page.fill(`textarea[name="c-${q2}"]`, 'Partshøring mangler');
    await Promise.all([page.waitForURL(/\?saved=\d+$/), page.click('main button[type=submit]:has-text("Gem svar")')]);
    assert.equal(q(`select value || '|' || comment from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${q2}`),
      'nej|Partshøring mangler');
    await page.context().close();
  });
}

test('second review: a refused answer comes back by a 303 with every answer as typed; Back never resubmits', { timeout: 60_000 }, async () => {
  const [caseId, login2] = q(`select k.case_id || '|' || u.login from calibration_case k join users u on u.id = k.reviewer_id
    where k.round_id = ${ROUND} order by k.case_id limit 1`).split('|');
  const [q1, q2] = q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    join catalogue_section s on s.id = q.section_id where rk.round_id = ${ROUND} and q.scale = 'jdn'
    and q.cond_question is null order by rk.position, s.position, q.position limit 2`).split('\n');
  const url = `${server.url}${base}/calibration/${caseId}`;
  const page = await plainPage(DESKTOP);
  await login(page, server.url, login2);
  await page.goto(url);
  await page.check(`input[name="v-${q1}"][value="ja"]`);
  await page.fill(`textarea[name="c-${q1}"]`, 'Fint');
  await page.check(`input[name="v-${q2}"][value="ja"]`);
  await page.check(`input[name="m-${q2}"]`);
  await Promise.all([page.waitForURL(/\/calibration\/\d+\?fejl=[0-9a-f]{64}$/), page.click('main button[type=submit]:has-text("Gem svar")')]);
  assert.match(await page.textContent('.error-summary'), /1 svar kunne ikke gemmes, så intet er gemt/);
  assert.match(await page.textContent(`.error-summary a[href="#q-${q2}"]`), /Kun et nej eller delvist svar/);
  assert.match(await page.textContent(`#q-${q2} .field-error`), /Kun et nej eller delvist svar/);
  assert.ok(await page.isChecked(`input[name="v-${q1}"][value="ja"]`), 'what was fine is kept as typed');
  assert.equal(await page.inputValue(`textarea[name="c-${q1}"]`), 'Fint');
  assert.ok(await page.isChecked(`input[name="m-${q2}"]`));
  assert.equal(q(`select count(*) from calibration_answer where round_id = ${ROUND} and case_id = ${caseId}`), '0');
  await checkPage(page, 'calibration-prg');
  await backAndForward(page, url, /\?fejl=/);
  await page.context().close();
});
