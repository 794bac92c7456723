// Post/redirect/get after a validation error in a real browser, on a catalogue's question form
// and the action (tiltag) form: the error lands by a 303 on the form again, with the error
// summary focused at the top, the message at the field and what was typed kept (a CPR number
// masked); corrected, it saves; Back goes to pages loaded by GET, never "Confirm form
// resubmission", and the error shows only once. Every state checked with axe-core at 1366 px
// and 390 px; the saved action shows its status as a tag. An upload that cannot be read (the
// case list, the answer sheet) comes back to its form saying what the file is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, Client, sqlite } from '../lib/server.mjs';
import { launch, login, newPagePostRedirects, expectNoAxeViolations, screenshot, horizontalOverflow } from '../lib/browser.mjs';

let server, browser, draft;
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 390, height: 844 };

before(async () => {
  browser = await launch();
  server = await startServer();
  // A draft of a shipped catalogue to add questions to, made through the ordinary form.
  const k = new Client(server.url);
  assert.equal((await k.login('koordinator.barn')).status, 303);
  const pub = sqlite(server.db, "select id from catalogue where code = 'frister' and version = 1");
  const res = await k.post(`/catalogues/${pub}/draft`, { csrf: await k.csrfFor(`/catalogues/${pub}`) });
  assert.equal(res.status, 303);
  draft = Number(res.location.match(/^\/catalogues\/(\d+)\?drafted=1$/)[1]);
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

const pageAt = (viewport) => newPagePostRedirects(browser, viewport);

const focusedClass = (page) => page.evaluate(() => document.activeElement?.className ?? '');

// Back from the saved page: the form of the error, by GET and now plain; Back again: the form.
async function backWithoutResubmission(page, errorUrl, formUrl) {
  let res = await page.goBack();
  assert.equal(res.request().method(), 'GET');
  assert.match(page.url(), errorUrl);
  assert.equal(await page.locator('.error-summary').count(), 0, 'the error shows once');
  res = await page.goBack();
  assert.equal(res.request().method(), 'GET');
  assert.match(page.url(), formUrl);
}

for (const [label, viewport] of [['1366', WIDE], ['390', NARROW]]) {
  test(`a catalogue question with an error keeps what was typed; Back never resubmits (${label} px)`, { timeout: 40_000 }, async () => {
    const page = await pageAt(viewport);
    await login(page, server.url, 'koordinator.barn');
    await page.goto(`${server.url}/catalogues/${draft}/questions/new`);
    const code = `FR-E2E-${label}`;
    await page.fill('#q-code', code);
    await page.fill('#q-text', 'Er 010203-1234 hørt?');
    await page.fill('#q-guidance', 'Se datoerne.');
    await page.selectOption('#q-category', 'retssikkerhed');
    await Promise.all([page.waitForURL(/\/questions\/new\?fejl=[0-9a-f]{64}$/), page.click('main button:has-text("Gem spørgsmålet")')]);
    assert.match(await focusedClass(page), /error-summary/);
    assert.match(await page.textContent('.error-summary a[href="#q-text"]'), /spørgsmålsteksten indeholder noget, der ligner et CPR-nummer/);
    assert.match(await page.textContent('#q-text-error'), /CPR-nummer/);
    assert.equal(await page.getAttribute('#q-text', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#q-code'), code);
    assert.equal(await page.inputValue('#q-text'), 'Er 010203-xxxx hørt?', 'kept, the CPR number masked');
    assert.equal(await page.inputValue('#q-guidance'), 'Se datoerne.');
    assert.equal(await page.inputValue('#q-category'), 'retssikkerhed');
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `catalogue question error ${label}`);
    await screenshot(page, `prg-question-error-${label}`);

    await page.fill('#q-text', 'Er borgeren hørt?');
    await Promise.all([page.waitForURL(new RegExp(`/catalogues/${draft}\\?saved=1`)), page.click('main button:has-text("Gem spørgsmålet")')]);
    assert.equal(sqlite(server.db, `select text from question where catalogue_id = ${draft} and code = '${code}'`), 'Er borgeren hørt?');
    await backWithoutResubmission(page, /\/questions\/new\?fejl=/, /\/questions\/new$/);
    assert.equal(sqlite(server.db, `select count(*) from question where catalogue_id = ${draft} and code = '${code}'`), '1', 'not saved twice');
    await page.context().close();
  });

  test(`an action with an error keeps what was typed; saved, its status is a tag; Back never resubmits (${label} px)`, { timeout: 40_000 }, async () => {
    const page = await pageAt(viewport);
    await login(page, server.url, 'koordinator.barn');
    await page.goto(`${server.url}/d/BHS/actions`);
    const title = `Tjekliste til sagsoplysning ${label}`;
    await page.fill('#title', title);
    await page.fill('#description', 'Alle nye sager får tjeklisten.');
    await page.selectOption('#owner', 'koordinator.barn');
    await page.fill('#due', '2027-03-01');
    await page.selectOption('#status', 'i_gang');
    await page.fill('#questions_text', 'OB-SAGSOPL-1, XX-9');
    const save = 'main form[method="post"][action="/d/BHS/actions"] button[type=submit]';
    await Promise.all([page.waitForURL(/\/d\/BHS\/actions\?fejl=[0-9a-f]{64}$/), page.click(save)]);
    assert.match(await focusedClass(page), /error-summary/);
    assert.match(await page.textContent('.error-summary a[href="#questions_text"]'), /Spørgsmål: koden »XX-9« findes ikke/);
    assert.match(await page.textContent('#questions_text-error'), /XX-9/);
    assert.equal(await page.inputValue('#title'), title);
    assert.equal(await page.inputValue('#description'), 'Alle nye sager får tjeklisten.');
    assert.equal(await page.inputValue('#owner'), 'koordinator.barn');
    assert.equal(await page.inputValue('#due'), '2027-03-01');
    assert.equal(await page.inputValue('#status'), 'i_gang');
    assert.equal(await page.inputValue('#questions_text'), 'OB-SAGSOPL-1, XX-9');
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `action error ${label}`);
    await screenshot(page, `prg-action-error-${label}`);

    await page.fill('#questions_text', 'OB-SAGSOPL-1');
    await Promise.all([page.waitForURL(/\/d\/BHS\/actions\/\d+\?saved=1$/), page.click(save)]);
    const id = Number(page.url().match(/actions\/(\d+)/)[1]);
    assert.equal(await page.textContent('dl.facts .tag.doing'), 'i gang', 'the status as a tag');
    await expectNoAxeViolations(page, `action saved ${label}`);
    await screenshot(page, `prg-action-saved-${label}`);
    await backWithoutResubmission(page, /\/d\/BHS\/actions\?fejl=/, /\/d\/BHS\/actions$/);
    assert.equal(sqlite(server.db, `select count(*) from action_item where title = '${title}'`), '1', 'not saved twice');
    // The list shows the status as a tag too.
    await page.reload();
    assert.equal(await page.textContent(`main tr:has(a[href="/d/BHS/actions/${id}"]) .tag`), 'i gang');
    await page.context().close();
  });
}

// A file that cannot be read is not kept: its upload form comes back with what the file is.
for (const [label, viewport] of [['1366', WIDE], ['390', NARROW]]) {
  test(`a PDF uploaded as a case list or an answer sheet: the upload form again, with what it is (${label} px)`, { timeout: 40_000 }, async () => {
    const page = await pageAt(viewport);
    await login(page, server.url, 'leder.barn');
    const pdf = { name: 'liste.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%tilsyn\n') };
    await page.goto(`${server.url}/d/BHS/cases/import`);
    await page.setInputFiles('#file', pdf);
    await page.check('input[name="mode"][value="add"]');
    await Promise.all([page.waitForURL(/\/d\/BHS\/cases\/import\?fejl=[0-9a-f]{64}$/), page.click('main button:has-text("Vis forhåndsvisning")')]);
    assert.match(await focusedClass(page), /error-summary/);
    assert.match(await page.textContent('.error-summary a[href="#file"]'), /PDF/);
    assert.match(await page.textContent('#file-error'), /PDF/);
    assert.ok(await page.isChecked('input[name="mode"][value="add"]'), 'the choice to add is kept');
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `case list upload error ${label}`);
    await screenshot(page, `prg-cases-upload-error-${label}`);

    const round = sqlite(server.db, "select min(id) from round where department_id = (select id from department where code = 'BHS') and phase = 'gennemgang'");
    await page.goto(`${server.url}/d/BHS/rounds/${round}/sheet`);
    await page.setInputFiles('#sheet-file', { ...pdf, name: 'ark.xlsx' });
    await Promise.all([page.waitForURL(new RegExp(`/rounds/${round}/sheet\\?fejl=[0-9a-f]{64}$`)), page.click('main button:has-text("Indlæs registreringsark")')]);
    assert.match(await page.textContent('.error-summary a[href="#sheet-file"]'), /PDF/);
    assert.equal(await horizontalOverflow(page), 0);
    await expectNoAxeViolations(page, `answer sheet upload error ${label}`);
    await page.context().close();
  });
}
