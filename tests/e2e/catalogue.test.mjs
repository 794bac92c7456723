// A faglig koordinator adapts a question catalogue in a real browser: from the navigation to
// the list of catalogues, a published version (which says it cannot be changed), "Lav en ny
// kladde", the draft editor (title, a reworded question, a new question with a condition in
// a new section), and "Udgiv". A rådgiver reads the same pages without edit controls. Every
// page must pass axe-core (WCAG 2.1 A and AA) with no violations, on a desktop and a phone.
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

async function go(page, selector, url) {
  await Promise.all([page.waitForURL(url), page.click(selector)]);
}

test('koordinator.barn makes a draft of a catalogue, edits it and publishes it', { timeout: 60_000 }, async () => {
  const base = server.url;
  const page = await newPage(browser);
  await login(page, base, 'koordinator.barn');

  await go(page, 'header nav a[href="/catalogues"]', /\/catalogues$/);
  assert.equal(await page.textContent('h1'), 'Spørgekataloger');
  assert.equal(await page.getAttribute('header nav a[href="/catalogues"]', 'aria-current'), 'page');
  await expectNoAxeViolations(page, 'catalogue list');
  await screenshot(page, 'catalogue-list');

  // A published version.
  await go(page, 'main a:text-is("Tema: Opfølgning")', /\/catalogues\/\d+$/);
  assert.match(await page.textContent('main .lead'), /Version 1 · udgivet/);
  assert.match(await page.textContent('main'), /Denne version er udgivet og kan ikke ændres/);
  assert.equal(await page.locator('main a:text-is("Ret")').count(), 0);
  await expectNoAxeViolations(page, 'published version');
  await screenshot(page, 'catalogue-version');

  // Lav en ny kladde -> the draft editor.
  await go(page, 'main button:text-is("Lav en ny kladde")', /\/catalogues\/\d+\?drafted=1$/);
  const draft = Number(new URL(page.url()).pathname.split('/').pop());
  assert.match(await page.textContent('main .lead'), /Version 2 · kladde/);
  assert.match(await page.textContent('.msg.ok'), /Der er lavet en ny kladde/);
  await expectNoAxeViolations(page, 'draft editor');
  await screenshot(page, 'catalogue-draft');

  // The catalogue's title, in the folded-away form.
  await page.click('details.edit summary');
  await page.fill('#m-title', 'Opfølgning (vores udgave)');
  await expectNoAxeViolations(page, 'draft editor with the title form open');
  await go(page, 'details.edit button[type=submit]', /\?saved=1$/);
  assert.equal(await page.textContent('h1'), 'Opfølgning (vores udgave)');

  // Reword the first question.
  const first = sqlite(server.db, `SELECT code FROM question WHERE catalogue_id = ${draft} ORDER BY position LIMIT 1`);
  await go(page, `main a[href="/catalogues/${draft}/questions/${first}"]`, new RegExp(`/questions/${first}$`));
  assert.equal(await page.inputValue('#q-code'), first);
  await expectNoAxeViolations(page, 'question form');
  await screenshot(page, 'catalogue-question');
  await page.fill('#q-text', 'Er der fulgt op på indsatsen til tiden?');
  await go(page, 'main button:text-is("Gem spørgsmålet")', /\?saved=1/);
  assert.match(await page.textContent(`#q-${first} h4`), /Er der fulgt op på indsatsen til tiden\?/);

  // A new question in a new section, asked only when the first is answered nej: a mistake
  // first (a code in small letters is refused by the browser's pattern, so a duplicate code).
  await go(page, 'main a:text-is("Tilføj et afsnit")', /\/questions\/new\?section=new$/);
  assert.equal(await page.inputValue('#q-section'), 'new');
  await page.fill('#q-new-section', 'Lokale spørgsmål');
  await page.fill('#q-code', first);
  await page.fill('#q-text', 'Er borgeren orienteret om opfølgningen?');
  await page.selectOption('#q-category', 'retssikkerhed');
  await page.selectOption('#q-scale', 'jn');
  await page.selectOption('#q-cond', first);
  await page.fill('#q-cond-answers', 'nej');
  await Promise.all([page.waitForURL(/\/questions\/new\?fejl=/), page.click('main button:text-is("Gem spørgsmålet")')]);
  assert.match(await page.textContent('.error-summary a[href="#q-code"]'), new RegExp(`spørgsmålskoden ${first} bruges to gange`));
  assert.equal(await page.inputValue('#q-section'), 'new');
  assert.equal(await page.inputValue('#q-new-section'), 'Lokale spørgsmål', 'the form keeps what was typed');
  await expectNoAxeViolations(page, 'question form with an error');
  await page.fill('#q-code', 'OP-LOKAL-1');
  await go(page, 'main button:text-is("Gem spørgsmålet")', /\?saved=1/);
  assert.match(await page.textContent('#q-OP-LOKAL-1'), new RegExp(`Stilles kun, når ${first} er besvaret med`));
  assert.equal(await page.locator('main h3', { hasText: 'Lokale spørgsmål' }).count(), 1);
  await expectNoAxeViolations(page, 'draft editor after adding a question');

  // Udgiv.
  await go(page, 'main button:text-is("Udgiv version 2")', /\?published=1$/);
  assert.match(await page.textContent('.msg.ok'), /Versionen er udgivet/);
  assert.match(await page.textContent('main .lead'), /Version 2 · udgivet/);
  assert.equal(await page.locator('main button:text-is("Udgiv version 2")').count(), 0);
  assert.equal(sqlite(server.db, `SELECT status FROM catalogue WHERE id = ${draft}`), 'udgivet');
  await expectNoAxeViolations(page, 'published version 2');
  await page.close();
});

test('a rådgiver reads catalogues without edit controls, also on a phone', { timeout: 40_000 }, async () => {
  const base = server.url;
  const page = await newPage(browser, { viewport: PHONE });
  await login(page, base, 'anne');
  await page.click('header details.menu > summary'); // on a phone the navigation is behind the menu button
  await go(page, 'header nav a[href="/catalogues"]', /\/catalogues$/);
  assert.equal(await page.locator('input[type=file]').count(), 0);
  assert.ok(await horizontalOverflow(page) <= 0, 'the list does not scroll sideways');
  await expectNoAxeViolations(page, 'catalogue list (phone)');
  await go(page, 'main a:text-is("Overordnet ledelsestilsyn – børn og unge (barnets lov)")', /\/catalogues\/\d+$/);
  assert.equal(await page.locator('main button:text-is("Lav en ny kladde")').count(), 0);
  assert.equal(await page.locator('main a:text-is("Hent som regneark (xlsx)")').count(), 1);
  assert.ok(await horizontalOverflow(page) <= 0, 'the version page does not scroll sideways');
  await expectNoAxeViolations(page, 'catalogue version (phone)');
  await screenshot(page, 'catalogue-version-phone');
  await page.close();
});
