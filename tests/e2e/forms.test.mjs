// Forms and errors in a real browser: a form sent with an error lands, by a 303, on the form
// again with the error summary at the top (focused, role="alert", each message a link to its
// field), the message at the field and what was typed kept; Back goes to pages loaded by GET
// (never "Confirm form resubmission"), and the error shows only once. The login form and the
// meeting form, each error state checked with axe-core at 1366 px and 390 px. "Gem svar" without
// JavaScript after the session expired keeps the answer and comment through the login and saves
// them with the ordinary checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, DEMO_PASSWORD, sqlite, cli } from '../lib/server.mjs';
import { launch, login, expectNoAxeViolations, screenshot, horizontalOverflow } from '../lib/browser.mjs';

let server, browser;
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 390, height: 844 };

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

async function pageAt(viewport) {
  const context = await browser.newContext({ viewport, locale: 'da-DK' });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  // Every page is a GET: a POST is only ever answered with a redirect.
  page.on('response', (res) => {
    if (res.request().isNavigationRequest() && res.request().method() === 'POST')
      assert.equal(res.status(), 303, `POST ${res.url()} answered ${res.status()}`);
  });
  return page;
}

const focusedClass = (page) => page.evaluate(() => document.activeElement?.className ?? '');

for (const [label, viewport] of [['1366', WIDE], ['390', NARROW]]) {
  test(`a wrong password comes back by 303 with the summary focused and the login kept (${label} px)`, { timeout: 30_000 }, async () => {
    const page = await pageAt(viewport);
    await page.goto(`${server.url}/login`);
    await page.fill('#login', 'koordinator.barn');
    await page.fill('#password', 'ikke-det-rigtige');
    await Promise.all([page.waitForURL(/\/login\?fejl=[0-9a-f]{64}$/), page.click('main button[type=submit]')]);
    assert.match(await page.textContent('.error-summary h2'), /Der er et problem/);
    assert.equal(await page.getAttribute('.error-summary', 'role'), 'alert');
    assert.match(await focusedClass(page), /error-summary/);
    assert.equal(await page.inputValue('#login'), 'koordinator.barn');
    assert.equal(await page.inputValue('#password'), '');
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `login error ${label}`);
    await screenshot(page, `forms-login-error-${label}`);
    // The summary's link takes the focus to the field.
    await page.click('.error-summary a[href="#password"]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    // A reload shows the plain form: the message was for once.
    await page.reload();
    assert.equal(await page.locator('.error-summary').count(), 0);
    // And the right password still logs in.
    await page.fill('#login', 'koordinator.barn');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('main button[type=submit]')]);
    await page.context().close();
  });

  test(`a meeting with an error keeps what was typed; Back never resubmits (${label} px)`, { timeout: 40_000 }, async () => {
    const page = await pageAt(viewport);
    await login(page, server.url, 'koordinator.barn');
    await page.goto(`${server.url}/d/BHS/meetings/new`);
    await page.selectOption('#kind', 'stopop');
    await page.fill('#date', '2026-12-10');
    await page.fill('#time', '09:30');
    await page.fill('#participants', 'Karen og Mette');
    await page.fill('#minutes', 'Borgeren 010203-1234 blev nævnt.');
    await Promise.all([page.waitForURL(/\/d\/BHS\/meetings\/new\?fejl=/), page.click('main button[type=submit]')]);
    assert.match(await focusedClass(page), /error-summary/);
    assert.match(await page.textContent('.error-summary a[href="#minutes"]'), /Referat: teksten ligner et CPR-nummer/);
    assert.match(await page.textContent('#minutes-error'), /Referat: /);
    assert.equal(await page.inputValue('#kind'), 'stopop');
    assert.equal(await page.inputValue('#date'), '2026-12-10');
    assert.equal(await page.inputValue('#time'), '09:30');
    assert.equal(await page.inputValue('#participants'), 'Karen og Mette');
    // Kept, but a CPR number never reaches the database: it comes back masked.
    assert.equal(await page.inputValue('#minutes'), 'Borgeren 010203-xxxx blev nævnt.');
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `meeting error ${label}`);
    await screenshot(page, `forms-meeting-error-${label}`);

    // Corrected and saved: the meeting's page.
    await page.fill('#minutes', 'Vi så på sagsoplysningen.');
    await Promise.all([page.waitForURL(/\/d\/BHS\/meetings\/\d+\?saved=1$/), page.click('main form[action="/d/BHS/meetings"] button[type=submit]')]);
    // Back: the form of the error, loaded again by GET, now plain; Back again: the empty form.
    let res = await page.goBack();
    assert.equal(res.request().method(), 'GET');
    assert.match(page.url(), /\/meetings\/new\?fejl=/);
    assert.equal(await page.locator('.error-summary').count(), 0);
    res = await page.goBack();
    assert.equal(res.request().method(), 'GET');
    assert.match(page.url(), /\/meetings\/new$/);
    // Forward twice: the saved meeting, by GET, not a second one.
    await page.goForward();
    res = await page.goForward();
    assert.equal(res.request().method(), 'GET');
    assert.match(page.url(), /\?saved=1$/);
    await page.context().close();
  });
}

test('"Gem svar" without JavaScript after the session expired keeps the answer and comment and saves them after login', { timeout: 40_000 }, async () => {
  const q = (sql) => sqlite(server.db, sql);
  const caseId = Number(q(`select case_id from round_case where round_id = 1 and reviewer_id =
    (select id from users where login = 'anne') order by case_id limit 1`));
  const context = await browser.newContext({ viewport: WIDE, locale: 'da-DK', javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  await login(page, server.url, 'anne');
  await page.goto(`${server.url}/d/BHS/rounds/1/cases/${caseId}`);
  const first = page.locator("main fieldset.question").first();
  const qid = Number((await first.locator('input[type=radio]').first().getAttribute('name')).slice(2));
  await first.locator('input[type=radio][value="nej"]').check();
  const comment = 'Begrundelsen mangler; skrevet lige før sessionen udløb.';
  await page.fill(`textarea[name="c-${qid}"]`, comment);
  // The session expires while she types.
  q("update session set last_seen = last_seen - 7200 where user_id = (select id from users where login = 'anne')");
  await page.click('main button[type=submit]:has-text("Gem svar")');
  assert.match(page.url(), /\/login\?next=\/kladde\/[0-9a-f]{64}&udloebet=1$/);
  assert.match(await page.textContent('main'), /det, du skrev, er bevaret/);
  assert.equal(q(`select count(*) from answer where round_id = 1 and case_id = ${caseId} and question_id = ${qid}`), '0', 'nothing saved yet');
  await page.fill('#login', 'anne');
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('main button[type=submit]');
  assert.match(page.url(), /\/kladde\/[0-9a-f]{64}$/);
  assert.ok((await page.textContent('main')).includes(comment), 'the comment is shown');
  // axe needs script: the same page state, checked in a context with JavaScript (at both widths).
  const html = await page.content();
  for (const viewport of [WIDE, NARROW]) {
    const checker = await browser.newContext({ viewport, locale: 'da-DK' });
    const p2 = await checker.newPage();
    await p2.goto(`${server.url}/healthz`);
    await p2.setContent(html, { waitUntil: 'load' });
    await expectNoAxeViolations(p2, `draft after login ${viewport.width}`);
    await screenshot(p2, `forms-draft-${viewport.width}`);
    await checker.close();
  }
  await page.click('main button:has-text("Gem svarene nu")');
  assert.match(page.url(), new RegExp(`/cases/${caseId}`));
  assert.equal(q(`select value || '|' || comment from answer where round_id = 1 and case_id = ${caseId} and question_id = ${qid}`),
    `nej|${comment}`);
  // The draft was for once.
  await page.goBack();
  assert.doesNotMatch(await page.textContent('main'), /Begrundelsen mangler/);
  await context.close();
});
