// "Gem svar" without JavaScript, post/redirect/get: on the review of a case and on the
// calibration's second review, a save that leaves answers unsaved (a two-tab conflict, an
// answer refused) answers 303 to the case page, never a page of its own. That page (reached
// by GET, shown once) has the error summary with a link to each question, each question's own
// message, what was typed (a CPR number masked), and for a conflict the other tab's answer
// beside it; the form it carries saves what was typed when sent again. Demo round 3 (BHS,
// in review, every case assigned).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server;
const ROUND = 3;
const base = `/d/BHS/rounds/${ROUND}`;

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ''));

// The fields a browser would send for the form with id `id`: hidden fields, checked radio
// buttons and boxes, and textareas (whose first newline the HTML parser drops).
function formFields(html, id) {
  const start = html.lastIndexOf('<form', html.indexOf(`id="${id}"`));
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields = new Map();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(m[1], unescape(m[2]));
  for (const m of form.matchAll(/<input type="(?:radio|checkbox)" name="([^"]+)" value="([^"]*)" checked>/g)) fields.set(m[1], unescape(m[2]));
  for (const m of form.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>\n?([^<]*)<\/textarea>/g)) fields.set(m[1], unescape(m[2]));
  return fields;
}

const postFields = (client, path, fields) => client.request('POST', path, {
  body: new URLSearchParams([...fields]).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

async function as(login) {
  const c = new Client(server.url);
  assert.equal((await c.login(login)).status, 303);
  return c;
}

// A fieldset of a question on a page.
const fieldset = (html, qid) => {
  const at = html.indexOf(`id="q-${qid}"`);
  return at < 0 ? '' : html.slice(at, html.indexOf('</fieldset>', at));
};

// Three yes/partly/no questions of the round without a condition, in page order.
const jdnQuestions = () => q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
  join catalogue_section s on s.id = q.section_id where rk.round_id = ${ROUND} and q.scale = 'jdn'
  and q.cond_question is null order by rk.position, s.position, q.position limit 3`).split('\n').map(Number);

const answerOf = (caseId, qid, table = 'answer') => q(`select coalesce(value, '') || '|' || material || '|' || comment
  || '|' || revision from ${table} where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${qid}`);

test('review: a conflict and a refused answer come back by a 303 with the messages, what was typed and the other answer', async () => {
  const [caseId, login, name] = q(`select rc.case_id || '|' || u.login || '|' || u.name from round_case rc
    join users u on u.id = rc.reviewer_id where rc.round_id = ${ROUND} and u.login <> 'koordinator.barn'
    order by rc.sample_key limit 1`).split('|');
  const path = `${base}/cases/${caseId}`;
  const [q1, q2, q3] = jdnQuestions();
  const reviewer = await as(login), koord = await as('koordinator.barn');

  // The koordinator opens the case; the reviewer then saves q1 in another tab.
  const kpage = await koord.get(path);
  const fields = formFields(kpage.text, 'review-form');
  const rpage = await reviewer.get(path);
  const saved = await reviewer.request('POST', `${path}/answer`, {
    body: new URLSearchParams({ question: q1, value: 'delvist', material: '', comment: 'Fra den anden fane',
      revision: fields.get(`r-${q1}`) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': Client.csrf(rpage.text) },
  });
  assert.equal(saved.status, 200, saved.text);
  const theirs = answerOf(caseId, q1);
  const before2 = answerOf(caseId, q2);

  // The koordinator's "Gem svar": q1 changed too (a conflict), q2 with a CPR number (refused),
  // q3 a plain change (saved).
  fields.set(`v-${q1}`, 'ikke_relevant');
  fields.set(`c-${q1}`, 'Min vurdering');
  fields.set(`v-${q2}`, 'nej');
  fields.set(`c-${q2}`, 'Barnets cpr er 010203-1234');
  fields.set(`v-${q3}`, 'nej');
  fields.set(`m-${q3}`, '1');
  fields.set(`c-${q3}`, 'Begrundelsen mangler');
  const posted = await postFields(koord, path, fields);
  assert.equal(posted.status, 303, text(posted.text).slice(0, 300));
  assert.match(posted.location, new RegExp(`^${base}/cases/${caseId}\\?fejl=[0-9a-f]{64}$`));
  assert.equal(answerOf(caseId, q1), theirs, 'the other tab\'s answer is not overwritten');
  assert.equal(answerOf(caseId, q2), before2, 'the refused answer is not stored');
  assert.match(answerOf(caseId, q3), /^nej\|1\|Begrundelsen mangler\|\d+$/, 'the rest is saved');

  const page = await koord.get(posted.location);
  assert.equal(page.status, 200);
  // The error summary: what happened, and a link to each question not saved.
  const summary = page.text.slice(page.text.indexOf('<div class="error-summary"'), page.text.indexOf('</div>', page.text.indexOf('<div class="error-summary"')));
  assert.ok(summary.length > 0, 'an error summary');
  assert.ok(text(summary).includes('1 svar blev ikke gemt, fordi en anden har ændret dem'));
  assert.ok(text(summary).includes('1 andre svar blev ikke gemt'));
  assert.ok(text(summary).includes('De øvrige 1 ændringer er gemt.'));
  assert.match(summary, new RegExp(`<a href="#q-${q1}">[^<]*en anden har gemt et andet svar`));
  assert.match(summary, new RegExp(`<a href="#q-${q2}">[^<]*ligner et CPR-nummer`));
  // q1: both answers side by side; the fields show what the koordinator typed, at the new revision.
  const box = text(fieldset(page.text, q1));
  assert.ok(box.includes(`Dit svar er ikke gemt. ${name} gemte et andet svar`), box.slice(0, 300));
  assert.ok(box.includes('Dit svarikke relevant; kommentar: »Min vurdering«'));
  assert.ok(box.includes(`Gemt af ${name}delvist; kommentar: »Fra den anden fane«`));
  const again = formFields(page.text, 'review-form');
  assert.equal(again.get(`v-${q1}`), 'ikke_relevant');
  assert.equal(again.get(`c-${q1}`), 'Min vurdering');
  assert.equal(again.get(`r-${q1}`), theirs.split('|')[3], 'the form now carries the other answer\'s revision');
  // q2: its message at the question, what was typed kept (the CPR number masked).
  assert.match(fieldset(page.text, q2), /class="field-error" id="err-\d+">Teksten ligner et CPR-nummer/);
  assert.equal(again.get(`v-${q2}`), 'nej');
  assert.equal(again.get(`c-${q2}`), 'Barnets cpr er 010203-xxxx');
  // q3: saved, shown as stored.
  assert.equal(again.get(`v-${q3}`), 'nej');
  assert.ok(!fieldset(page.text, q3).includes('field-error'));

  // Shown once: the same address again is the plain page with the stored answers.
  const reload = await koord.get(posted.location);
  assert.equal(reload.status, 200);
  assert.ok(!reload.text.includes('class="error-summary"'));
  assert.equal(formFields(reload.text, 'review-form').get(`v-${q1}`), 'delvist');

  // Sent again as it stands (the CPR number taken out), the koordinator's answers are saved.
  again.set(`c-${q2}`, 'Partshøring mangler');
  const kept = await postFields(koord, path, again);
  assert.equal(kept.status, 303);
  assert.match(kept.location, /\?saved=2$/);
  assert.match(answerOf(caseId, q1), /^ikke_relevant\|0\|Min vurdering\|\d+$/);
  assert.match(answerOf(caseId, q2), /^nej\|0\|Partshøring mangler\|\d+$/);
});

test('second review: a refused answer comes back by a 303 with every answer as typed, nothing saved', async () => {
  const r = cli(server.db, ['round', 'calibrate', String(ROUND), '--cases', '1', '--reviewers', 'anne,morten,louise,henrik']);
  assert.equal(r.status, 0, r.stderr);
  const [caseId, login] = q(`select k.case_id || '|' || u.login from calibration_case k join users u on u.id = k.reviewer_id
    where k.round_id = ${ROUND}`).split('|');
  const path = `${base}/calibration/${caseId}`;
  const [q1, q2] = jdnQuestions();
  const c = await as(login);
  const fields = formFields((await c.get(path)).text, 'calibration-form');
  fields.set(`v-${q1}`, 'ja');
  fields.set(`c-${q1}`, 'Fint');
  fields.set(`v-${q2}`, 'ja');
  fields.set(`m-${q2}`, '1'); // væsentlig betydning only goes with nej or delvist
  const posted = await postFields(c, path, fields);
  assert.equal(posted.status, 303);
  assert.match(posted.location, new RegExp(`^${path}\\?fejl=[0-9a-f]{64}$`));
  assert.equal(q(`select count(*) from calibration_answer where round_id = ${ROUND} and case_id = ${caseId}`), '0', 'nothing saved');

  const page = await c.get(posted.location);
  assert.equal(page.status, 200);
  const summary = text(page.text.slice(page.text.indexOf('<div class="error-summary"'), page.text.indexOf('</ul>', page.text.indexOf('<div class="error-summary"'))));
  assert.ok(summary.includes('1 svar kunne ikke gemmes, så intet er gemt.'), summary);
  assert.match(page.text, new RegExp(`<a href="#q-${q2}">[^<]*Kun et nej eller delvist svar`));
  assert.match(fieldset(page.text, q2), /class="field-error" id="err-\d+">Kun et nej eller delvist svar/);
  assert.ok(!fieldset(page.text, q1).includes('field-error'));
  const again = formFields(page.text, 'calibration-form');
  assert.equal(again.get(`v-${q1}`), 'ja', 'the answer that was fine is kept as typed');
  assert.equal(again.get(`c-${q1}`), 'Fint');
  assert.equal(again.get(`v-${q2}`), 'ja');
  assert.equal(again.get(`m-${q2}`), '1');

  // Shown once; corrected, the form saves.
  assert.ok(!(await c.get(posted.location)).text.includes('class="error-summary"'));
  again.delete(`m-${q2}`);
  const ok = await postFields(c, path, again);
  assert.equal(ok.status, 303);
  assert.match(ok.location, /\?saved=2$/);
  assert.equal(answerOf(caseId, q1, 'calibration_answer'), 'ja|0|Fint|1');
});
