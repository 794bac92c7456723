// The review of a case in a real browser (Debian chromium), with the keyboard alone: Tab to
// a question, Space and the arrow keys to answer, Space for "væsentlig betydning", typing a
// comment, Enter on "Vejledning"; every change is saved as it happens (review.js) and is
// there after a reload; a conditional question appears and disappears as its parent answer
// changes. A conflicting save shows both answers and can be resolved. axe-core finds no
// violations on the progress page and the review page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli, Client } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';

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
const annesCase = () => Number(q(`select case_id from round_case where round_id = 1 and reviewer_id =
  (select id from users where login = 'anne') order by case_id limit 1`));

// What has focus.
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    return {
      tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '', value: e.value ?? '',
      href: e.getAttribute('href') || '',
      checked: !!e.checked, disabled: !!e.disabled, outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    };
  });
}

// Presses Tab (or Shift+Tab) until the focused element satisfies `want`; fails after `max` presses.
async function tabTo(page, want, { back = false, max = 500 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (want(f)) return f;
  }
  assert.fail('never reached the element with Tab');
}

const revision = (page, id) => page.evaluate((n) => document.querySelector(`input[name="r-${n}"]`).value, id);
const waitRevision = (page, id, value) => page.waitForFunction(([n, v]) =>
  document.querySelector(`input[name="r-${n}"]`).value === String(v), [id, value]);
const hidden = (page, id) => page.evaluate((n) => document.getElementById(`q-${n}`).hidden, id);

test('a reviewer reviews a case with the keyboard alone; answers are saved as they go and conditions apply at once',
  { timeout: 90_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'anne');
  const caseId = annesCase();
  // From the front page to the case, by keyboard.
  await tabTo(page, (x) => x.href === `${base}/cases/${caseId}`, { max: 40 });
  await Promise.all([page.waitForURL(`**${base}/cases/${caseId}`), page.keyboard.press('Enter')]);
  await expectNoAxeViolations(page, 'review page');

  const ids = await page.$$eval('fieldset.question', (all) => all.map((f) => ({
    id: f.dataset.question, scale: f.dataset.scale, cond: f.dataset.cond || null,
    answers: f.dataset.condAnswers ? JSON.parse(f.dataset.condAnswers) : null, hidden: f.hidden,
  })));
  const first = ids[0];
  assert.equal(first.scale, 'jdn');

  // Tab to the first question's answers: the first radio button, with a visible focus ring.
  let f = await tabTo(page, (x) => x.name === `v-${first.id}`);
  assert.equal(f.type, 'radio');
  assert.notEqual(f.outline, 'none', 'focus is visible');
  assert.ok(f.outlineWidth >= 2);
  await page.keyboard.press('Space');
  await waitRevision(page, first.id, 1);
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Gemt');
  await page.keyboard.press('ArrowRight');
  await waitRevision(page, first.id, 2);
  f = await focused(page);
  assert.equal(f.value, 'delvist');
  assert.equal(f.checked, true);
  // "væsentlig betydning" is enabled for delvist; tick it with Space.
  f = await tabTo(page, (x) => x.name === `m-${first.id}`, { max: 3 });
  assert.equal(f.disabled, false);
  await page.keyboard.press('Space');
  await waitRevision(page, first.id, 3);
  // The comment, saved when the field is left.
  f = await tabTo(page, (x) => x.name === `c-${first.id}`, { max: 3 });
  await page.keyboard.type('Vejledningen er ikke noteret');
  await page.keyboard.press('Tab');
  await waitRevision(page, first.id, 4);
  // The next stop is the next question's guidance: Enter opens it, Enter closes it.
  f = await focused(page);
  assert.equal(f.tag, 'summary');
  assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), false);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), true);
  const guidance = await page.evaluate(() => document.activeElement.parentElement.textContent);
  assert.match(guidance, /Lovhenvisning:/);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), false);
  assert.match(await page.textContent('#progress-text'), /^1 af \d+ besvaret$/);

  // A conditional question whose parent is answered ja/delvist/nej and which is asked for ja only (or ja and delvist).
  const child = ids.find((x) => x.cond && x.answers.includes('ja') && !x.answers.includes('nej') &&
    ['jdn', 'jn'].includes(ids.find((p) => p.id === x.cond).scale));
  assert.ok(child, 'the catalogue has a conditional question');
  const parentId = child.cond;
  assert.equal(child.hidden, true, 'hidden until its condition is met');
  await tabTo(page, (x) => x.name === `v-${parentId}`);
  await page.keyboard.press('Space'); // ja
  await page.waitForFunction((n) => !document.getElementById(`q-${n}`).hidden, child.id);
  await waitRevision(page, parentId, 1);
  // The child can now be reached with Tab and answered.
  f = await tabTo(page, (x) => x.name === `v-${child.id}`, { max: 12 });
  await page.keyboard.press('Space');
  await waitRevision(page, child.id, 1);
  // Back to the parent; arrow keys to nej: the child disappears.
  await tabTo(page, (x) => x.name === `v-${parentId}`, { back: true, max: 20 });
  for (let i = 0; i < 3 && (await focused(page)).value !== 'nej'; i++) await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).value, 'nej');
  await page.waitForFunction((n) => document.getElementById(`q-${n}`).hidden, child.id);
  await page.waitForFunction((n) => Number(document.querySelector(`input[name="r-${n}"]`).value) >= 2, parentId);
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Gemt');
  await screenshot(page, 'review-case-keyboard');

  // Everything was saved: a reload shows it, and the database has it.
  await page.reload();
  assert.equal(await page.$eval(`input[name="v-${first.id}"]:checked`, (e) => e.value), 'delvist');
  assert.equal(await page.$eval(`input[name="m-${first.id}"]`, (e) => e.checked), true);
  assert.equal(await page.$eval(`textarea[name="c-${first.id}"]`, (e) => e.value), 'Vejledningen er ikke noteret');
  assert.equal(await page.$eval(`input[name="v-${parentId}"]:checked`, (e) => e.value), 'nej');
  assert.equal(await hidden(page, child.id), true);
  assert.equal(q(`select value || '|' || material || '|' || comment from answer where case_id = ${caseId} and question_id = ${first.id}`),
    'delvist|1|Vejledningen er ikke noteret');
  assert.equal(q(`select value from answer where case_id = ${caseId} and question_id = ${parentId}`), 'nej');
  assert.match(await page.textContent('#progress-text'), /^2 af \d+ besvaret$/);
  assert.equal(await revision(page, first.id), '4');
  await expectNoAxeViolations(page, 'review page after answering');
  await page.context().close();
});

test('a conflicting save shows both answers and lets the person choose; the progress page passes axe-core',
  { timeout: 60_000 }, async () => {
  const caseId = annesCase();
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  await page.goto(`${server.url}${base}/review`);
  await expectNoAxeViolations(page, 'progress page');
  await screenshot(page, 'review-progress');

  await page.goto(`${server.url}${base}/cases/${caseId}`);
  const first = await page.$eval('fieldset.question', (e) => e.dataset.question);
  const rev = Number(await revision(page, first));
  // Anne changes the answer after the koordinator opened the page.
  const anne = new Client(server.url);
  await anne.login('anne');
  const csrf = Client.csrf((await anne.get(`${base}/cases/${caseId}`)).text);
  const res = await anne.request('POST', `${base}/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question: first, value: 'ja', material: '', comment: 'Rettet efter samtale', revision: String(rev) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
  });
  assert.equal(res.status, 200);

  // The koordinator answers nej: refused, with both answers and a choice.
  await page.focus(`input[name="v-${first}"][value="nej"]`);
  await page.keyboard.press('Space');
  await page.waitForSelector(`#q-${first} .conflict`);
  const box = await page.textContent(`#q-${first} .conflict`);
  assert.match(box, /Dit svar er ikke gemt\. Anne Bækgaard gemte et andet svar/);
  assert.match(box, /Dit svar.*nej/s);
  assert.match(box, /Gemt af Anne Bækgaard.*ja; kommentar: »Rettet efter samtale«/s);
  await page.waitForFunction(() => /en anden har ændret svaret/.test(document.getElementById('save-status').textContent));
  assert.equal(q(`select value from answer where case_id = ${caseId} and question_id = ${first}`), 'ja', 'not overwritten');
  await expectNoAxeViolations(page, 'review page with a conflict');
  await screenshot(page, 'review-conflict');

  // "Brug det gemte svar" (by keyboard) puts Anne's answer in the fields.
  await page.focus(`#q-${first} .conflict button.secondary`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => !document.querySelector(`#q-${n} .conflict`), first);
  assert.equal(await page.$eval(`input[name="v-${first}"]:checked`, (e) => e.value), 'ja');
  assert.equal(await page.$eval(`textarea[name="c-${first}"]`, (e) => e.value), 'Rettet efter samtale');
  // The next change goes through, on top of Anne's.
  await page.focus(`input[name="v-${first}"][value="ja"]`);
  await page.keyboard.press('ArrowRight');
  await waitRevision(page, first, rev + 2);
  assert.equal(q(`select value || '|' || comment from answer where case_id = ${caseId} and question_id = ${first}`),
    'delvist|Rettet efter samtale');
  await page.context().close();
});
