// The review over HTTP against the real server and CLI, on the demo municipality's round 1
// (BHS, 30 sampled cases, the shipped overordnet catalogue for children): assignment by hand
// refused for a caseworker's own case (web and CLI), automatic assignment balanced and never
// anyone's own case, the assigned reviewer opening and saving a case (as you go, and with
// the whole form as without JavaScript), a raadgiver who is not the reviewer refused and
// audited, a stale revision refused with both answers (JSON 409, and the form's 303 back to the
// case: post/redirect/get, see the end), "færdig"
// refused until every relevant question is answered (a conditional question counted only
// when its condition is met), the acute flag on the leader's front page, example consent,
// the answer history, CPR numbers refused in comments and notes, and audit rows for views.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, koord, leder, anne, morten, ledervoksen;
const ROUND = 1;
const base = `/d/BHS/rounds/${ROUND}`;

before(async () => {
  server = await startServer();
  [koord, leder, anne, morten, ledervoksen] = [0, 0, 0, 0, 0].map(() => new Client(server.url));
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await morten.login('morten')).status, 303);
  assert.equal((await ledervoksen.login('leder.voksen')).status, 303);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const userId = (login) => num(`select id from users where login = '${login}'`);

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ''));

// The fields a browser would send for the review form on a page: hidden fields, checked
// radio buttons and boxes, and textareas (whose first newline the HTML parser drops).
function formFields(html, id = 'review-form') {
  const start = html.lastIndexOf('<form', html.indexOf(`id="${id}"`));
  const form = html.slice(start, html.indexOf('</form>', start));
  assert.ok(html.includes(`id="${id}"`) && form.includes(`id="${id}"`), `the page has the form ${id}`);
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

// The round's questions, in page order, with their conditions.
function questions() {
  const rows = q(`select q.id || '|' || q.code || '|' || q.scale || '|' || coalesce(q.choices, '[]') || '|' ||
    coalesce(q.cond_question, '') || '|' || coalesce(q.cond_answers, '[]')
    from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    join catalogue_section s on s.id = q.section_id where rk.round_id = ${ROUND} order by rk.position, s.position, q.position`);
  return rows.split('\n').map((l) => {
    const [id, code, scale, choices, cond, answers] = l.split('|');
    return { id: Number(id), code, scale, choices: JSON.parse(choices), cond, answers: JSON.parse(answers) };
  });
}

// Saves one answer as review.js does; resolves to {status, json}.
async function saveAnswer(client, caseId, csrf, { question, value = '', material = '', comment = '', revision }) {
  const res = await client.request('POST', `${base}/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question, value, material, comment, revision: String(revision) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
  });
  let json = null;
  try { json = JSON.parse(res.text); } catch { /* not JSON */ }
  return { status: res.status, json, text: res.text };
}

const csrfOf = (html) => Client.csrf(html);
const reviewerOf = (caseId) => num(`select coalesce(reviewer_id, 0) from round_case where round_id = ${ROUND} and case_id = ${caseId}`);
const answerOf = (caseId, qid) => q(`select coalesce(value, '') || '|' || material || '|' || comment || '|' || revision from answer
  where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${qid}`);

// ---- assignment ----

test('assigning a caseworker their own case is refused with a reason, on the web and on the command line', async () => {
  const caseId = num(`select rc.case_id from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${ROUND} and c.advisor = 'Anne Bækgaard' and rc.status = 'udtrukket' order by c.case_no limit 1`);
  const caseNo = q(`select case_no from cases where id = ${caseId}`);
  const page = await koord.get(`${base}/review`);
  assert.equal(page.status, 200);
  // The choice is there, marked as her own case and disabled.
  assert.match(page.text, new RegExp(`<option value="${userId('anne')}" disabled>Anne Bækgaard \\(egen sag\\)</option>`));
  const res = await koord.postInvalid(`${base}/assign`, { csrf: csrfOf(page.text), case: String(caseId), reviewer: String(userId('anne')) });
  assert.equal(res.status, 200);
  assert.ok(text(res.text).includes(`Sag ${caseNo} kan ikke gives til Anne Bækgaard, fordi Anne Bækgaard selv er rådgiver på sagen`),
    'the message says why');
  assert.equal(reviewerOf(caseId), 0, 'nothing stored');

  const r = cli(server.db, ['round', 'assign', String(ROUND), '--case', caseNo, '--reviewer', 'anne']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /selv er rådgiver på sagen/);
  assert.equal(reviewerOf(caseId), 0);

  // By hand to someone else works, and is audited.
  const ok = cli(server.db, ['round', 'assign', String(ROUND), '--case', caseNo, '--reviewer', 'morten']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(reviewerOf(caseId), userId('morten'));
  assert.equal(num(`select count(*) from audit where action = 'review_assign' and object = 'case:${caseId}'`), 1);
  const back = cli(server.db, ['round', 'assign', String(ROUND), '--case', caseNo, '--reviewer', 'ingen']);
  assert.equal(back.status, 0, back.stderr);
  assert.equal(reviewerOf(caseId), 0);

  // Bad input: exit 2 with a message.
  for (const args of [['--auto', '--case', caseNo], ['--reviewers', 'anne'], ['--auto', '--reviewers', 'ingen-saadan'],
    ['--case', 'findes-ikke', '--reviewer', 'anne'], ['--case', caseNo], ['--auto', '--reviewers', 'signe']]) {
    const bad = cli(server.db, ['round', 'assign', String(ROUND), ...args]);
    assert.equal(bad.status, 2, args.join(' '));
    assert.match(bad.stderr, /^tilsyn: /);
  }
  assert.equal(cli(server.db, ['round', 'assign', '999', '--auto']).status, 2);

  // Only the working group assigns.
  assert.equal((await anne.get(`${base}/review`)).status, 403);
  const csrf = csrfOf((await anne.get('/')).text);
  assert.equal((await anne.post(`${base}/assign`, { csrf, auto: '1', reviewer: String(userId('anne')) })).status, 403);
});

test('automatic assignment is balanced, never anyone\'s own case, and audited', async () => {
  const page = await koord.get(`${base}/review`);
  // By default the koordinator and the rådgivere are ticked, not the leder.
  for (const login of ['koordinator.barn', 'anne', 'morten', 'louise', 'henrik'])
    assert.match(page.text, new RegExp(`name="reviewer" value="${userId(login)}" checked>`), login);
  assert.doesNotMatch(page.text, new RegExp(`name="reviewer" value="${userId('leder.barn')}" checked>`));
  const body = new URLSearchParams([['csrf', csrfOf(page.text)], ['auto', '1'],
    ...['koordinator.barn', 'anne', 'morten', 'louise', 'henrik'].map((l) => ['reviewer', String(userId(l))])]);
  const res = await koord.request('POST', `${base}/assign`, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303);
  assert.equal(res.location, `${base}/review?auto=30&left=0`);
  const loads = q(`select count(*) from round_case where round_id = ${ROUND} and status = 'udtrukket' group by reviewer_id`).split('\n').map(Number);
  assert.deepEqual(loads, [6, 6, 6, 6, 6]);
  assert.equal(num(`select count(*) from round_case rc join cases c on c.id = rc.case_id join users u on u.id = rc.reviewer_id
    where rc.round_id = ${ROUND} and u.name = c.advisor`), 0, 'nobody has their own case');
  assert.equal(num(`select count(*) from round_case where round_id = ${ROUND} and status = 'udtrukket' and reviewer_id is null`), 0);
  assert.equal(num(`select count(*) from audit where action = 'review_assign' and detail like 'tilsyn ${ROUND}:%automatisk%'`), 30);

  const after = await koord.get(res.location);
  assert.equal(after.status, 200);
  assert.ok(text(after.text).includes('30 sager er fordelt automatisk.'));
  const perReviewer = after.text.slice(after.text.indexOf('<h2>Pr. gennemgående</h2>'), after.text.indexOf('</table>', after.text.indexOf('<h2>Pr. gennemgående</h2>')));
  assert.equal([...perReviewer.matchAll(/<tr><td>[^<]+<\/td><td class="num">6<\/td>/g)].length, 5);
  // Each case links to its review page.
  const someCase = num(`select case_id from round_case where round_id = ${ROUND} limit 1`);
  assert.ok(after.text.includes(`href="${base}/cases/${someCase}"`));
  // The round page links to the progress page and the cases' review pages.
  const round = await koord.get(base);
  assert.ok(round.text.includes(`href="${base}/review"`));
  assert.ok(round.text.includes(`href="${base}/cases/${someCase}"`));

  // The same on the command line for VHS's round 2, with the default reviewers.
  const r = cli(server.db, ['round', 'assign', '2', '--auto']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Fordelt: 30 sager\./);
  // Then each reviewer once, by name, with her cases in the round.
  const listed = r.stdout.split('\n').filter((l) => l.startsWith('  '));
  const expected = q(`select u.name || ' (' || u.login || '): ' || count(*) || ' sager' from round_case rc join users u on u.id = rc.reviewer_id
    where rc.round_id = 2 and rc.status = 'udtrukket' group by u.id, u.name, u.login order by u.name`).split('\n').map((l) => `  ${l}`);
  assert.ok(listed.length >= 2, r.stdout);
  assert.deepEqual(listed, expected);
  const vhs = q(`select count(*) from round_case where round_id = 2 and status = 'udtrukket' group by reviewer_id`).split('\n').map(Number);
  assert.equal(vhs.reduce((a, b) => a + b, 0), 30);
  assert.ok(Math.max(...vhs) - Math.min(...vhs) <= 1, `balanced: ${vhs}`);
  assert.equal(num(`select count(*) from round_case rc join cases c on c.id = rc.case_id join users u on u.id = rc.reviewer_id
    where rc.round_id = 2 and u.name = c.advisor`), 0);
});

// Cases assigned to anne, for the tests below.
const annesCases = () => q(`select case_id from round_case where round_id = ${ROUND} and reviewer_id = ${userId('anne')} order by case_id`).split('\n').map(Number);

test('the assigned reviewer opens and saves a case; a raadgiver who is not the reviewer gets 403, audited', async () => {
  const [caseId] = annesCases();
  const qs = questions();
  const first = qs[0];
  const page = await anne.get(`${base}/cases/${caseId}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<script src="\/static\/review.js" defer><\/script>/);
  // Every question but free text is to answer: a conditional one too, while its condition is unanswered.
  assert.ok(text(page.text).includes(`0 af ${qs.filter((x) => x.scale !== 'text').length} besvaret`));
  // A fieldset per question with its legend, guidance in <details> right after it.
  assert.match(page.text, new RegExp(`<fieldset class="question" id="q-${first.id}"[^>]*>\\n<legend><span class="qcode">${first.code}</span>[^<]+</legend>\\n<details class="guide"><summary>`));
  // A conditional question starts hidden, waiting for its condition's answer, and says what it depends on.
  const child = qs.find((x) => x.cond);
  const parent = qs.find((x) => x.code === child.cond);
  assert.match(page.text, new RegExp(`<fieldset class="question" id="q-${child.id}" data-question="${child.id}" data-scale="[a-z]+" data-cond="${parent.id}" data-cond-answers="[^"]+" data-relevance="unknown" hidden>`));

  // Not the reviewer and not in the working group: refused and audited.
  const denied = await morten.get(`${base}/cases/${caseId}`);
  assert.equal(denied.status, 403);
  assert.ok(text(denied.text).includes('Du har ikke adgang til denne sag'));
  assert.equal(num(`select count(*) from audit where action = 'access_denied' and object = 'case:${caseId}' and login = 'morten'`), 1);
  const mcsrf = csrfOf((await morten.get('/')).text);
  const mres = await saveAnswer(morten, caseId, mcsrf, { question: first.id, value: 'ja', revision: 0 });
  assert.equal(mres.status, 403);
  assert.equal(mres.json.status, 'error');
  assert.equal(num(`select count(*) from audit where action = 'access_denied' and object = 'case:${caseId}' and login = 'morten'`), 2);
  // Probing a case that is not in the sample tells a non-reviewer nothing more (403, not 404).
  const outside = num(`select id from cases where department_id = 1 and id not in (select case_id from round_case) limit 1`);
  assert.equal((await morten.get(`${base}/cases/${outside}`)).status, 403);
  assert.equal((await koord.get(`${base}/cases/${outside}`)).status, 404);
  // Someone from another department; a round of another department.
  assert.equal((await ledervoksen.get(`${base}/cases/${caseId}`)).status, 403);
  assert.equal((await koord.get(`/d/BHS/rounds/2/cases/${caseId}`)).status, 404);

  // Saving as you go (what review.js does); the CSRF token is required.
  const csrf = csrfOf(page.text);
  const nocsrf = await saveAnswer(anne, caseId, 'f'.repeat(64), { question: first.id, value: 'ja', revision: 0 });
  assert.equal(nocsrf.status, 403);
  const saved = await saveAnswer(anne, caseId, csrf, { question: first.id, value: 'ja', revision: 0 });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.status, 'saved');
  assert.equal(saved.json.revision, 1);
  assert.equal(saved.json.by, 'Anne Bækgaard');
  assert.equal(saved.json.answered, 1);
  assert.equal(saved.json.case_status, 'i_gang');
  assert.equal(answerOf(caseId, first.id), 'ja|0||1');
  assert.equal(num(`select count(*) from audit where action = 'review_answer' and object = 'case:${caseId}'`), 1);

  // The whole form, as without JavaScript: only what was changed is saved.
  const second = qs.find((x) => x.scale === 'jdn' && x.id !== first.id && !x.cond);
  const fields = formFields((await anne.get(`${base}/cases/${caseId}`)).text);
  assert.equal(fields.get(`v-${first.id}`), 'ja');
  assert.equal(fields.get(`r-${first.id}`), '1');
  fields.set(`v-${second.id}`, 'nej');
  fields.set(`m-${second.id}`, '1');
  fields.set(`c-${second.id}`, 'Begrundelsen\r\nmangler');
  const post = await postFields(anne, `${base}/cases/${caseId}`, fields);
  assert.equal(post.status, 303, text(post.text));
  assert.equal(post.location, `${base}/cases/${caseId}?saved=1`);
  assert.ok(text((await anne.get(post.location)).text).includes('1 svar er gemt.'));
  assert.equal(answerOf(caseId, second.id), 'nej|1|Begrundelsen\nmangler|1');
  assert.equal(answerOf(caseId, first.id), 'ja|0||1', 'the unchanged answer is untouched');
  assert.equal(num(`select count(*) from audit where action = 'review_save' and object = 'case:${caseId}'`), 1);
  // Væsentlig betydning with ja is refused.
  const wrong = await saveAnswer(anne, caseId, csrf, { question: first.id, value: 'ja', material: '1', revision: 1 });
  assert.equal(wrong.status, 400);
  assert.match(wrong.json.message, /nej eller delvist/);
});

test('a stale revision is refused with both answers (409 as you go; with the form, a 303 back to the case); nothing is overwritten', async () => {
  const [caseId] = annesCases();
  const first = questions()[0];
  // The koordinator opens the page while the answer is at revision 1.
  const kpage = await koord.get(`${base}/cases/${caseId}`);
  const kfields = formFields(kpage.text);
  assert.equal(kfields.get(`r-${first.id}`), '1');
  // Anne changes it meanwhile.
  const acsrf = csrfOf((await anne.get(`${base}/cases/${caseId}`)).text);
  const a = await saveAnswer(anne, caseId, acsrf, { question: first.id, value: 'delvist', comment: 'Kun delvis vejledning', revision: 1 });
  assert.equal(a.json.revision, 2);

  const k = await saveAnswer(koord, caseId, csrfOf(kpage.text), { question: first.id, value: 'nej', revision: 1 });
  assert.equal(k.status, 409);
  assert.equal(k.json.status, 'conflict');
  assert.equal(k.json.yours.value, 'nej');
  assert.equal(k.json.theirs.value, 'delvist');
  assert.equal(k.json.theirs.comment, 'Kun delvis vejledning');
  assert.equal(k.json.theirs.by, 'Anne Bækgaard');
  assert.equal(k.json.theirs.revision, 2);
  assert.match(k.json.theirs.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(k.json.theirs.at_text, /^\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d$/);
  assert.match(k.json.message, /en anden har gemt/);
  assert.equal(answerOf(caseId, first.id), 'delvist|0|Kun delvis vejledning|2', 'not overwritten');

  // The form with the stale revision: refused by a 303 back to the page (post/redirect/get),
  // which shows both answers and keeps hers.
  kfields.set(`v-${first.id}`, 'nej');
  const posted = await postFields(koord, `${base}/cases/${caseId}`, kfields);
  assert.equal(posted.status, 303);
  assert.match(posted.location, new RegExp(`^${base}/cases/${caseId}\\?fejl=[0-9a-f]{64}$`));
  const res = await koord.get(posted.location);
  assert.equal(res.status, 200);
  const t = text(res.text);
  assert.ok(t.includes('1 svar blev ikke gemt, fordi en anden har ændret dem'));
  assert.ok(t.includes('Dit svar er ikke gemt. Anne Bækgaard gemte et andet svar'));
  assert.ok(t.includes('Dit svarnej'), t.slice(t.indexOf('Dit svar er ikke gemt'), t.indexOf('Dit svar er ikke gemt') + 300));
  assert.ok(t.includes('Gemt af Anne Bækgaarddelvist; kommentar: »Kun delvis vejledning«'));
  assert.equal(answerOf(caseId, first.id), 'delvist|0|Kun delvis vejledning|2');
  // Her choice: keep her answer by sending the form again (it now carries the current revision).
  const again = formFields(res.text);
  assert.equal(again.get(`v-${first.id}`), 'nej', 'the form shows her answer');
  assert.equal(again.get(`r-${first.id}`), '2');
  const kept = await postFields(koord, `${base}/cases/${caseId}`, again);
  assert.equal(kept.status, 303);
  assert.equal(answerOf(caseId, first.id), 'nej|0||3');
});

test('færdig is refused until every relevant question is answered; a conditional question is not required when its condition is answered otherwise', async () => {
  const caseId = annesCases()[1];
  const qs = questions();
  const page = await anne.get(`${base}/cases/${caseId}`);
  const csrf = csrfOf(page.text);
  // A refused færdig comes back by a 303 to the case page (?mangler=1), which lists the missing questions.
  const finish = () => anne.postInvalid(`${base}/cases/${caseId}/finish`, { csrf });
  let res = await finish();
  assert.equal(res.status, 200);
  assert.match(res.posted.location, /\/cases\/\d+\?mangler=1&fejl=[0-9a-f]{64}$/);
  // Nothing answered: every question but free text is missing, the conditional ones too (their
  // conditions are unanswered, so they are not yet known to be ikke relevant).
  const required = qs.filter((x) => x.scale !== 'text').length;
  assert.ok(text(res.text).includes(`${required} relevante spørgsmål mangler et svar`), 'says how many are missing');
  assert.notEqual(q(`select review_status from round_case where round_id = ${ROUND} and case_id = ${caseId}`), 'faerdig');

  // Answer every question that is asked, choosing answers that leave conditional ones out where possible.
  const given = new Map();
  const conditionMet = (x) => !x.cond || x.answers.includes(given.get(x.cond));
  const toAnswer = [];
  for (const x of qs) {
    if (!conditionMet(x) || x.scale === 'text') continue;
    const triggers = new Set(qs.filter((c) => c.cond === x.code).flatMap((c) => c.answers));
    const options = x.scale === 'choice' ? x.choices : ['nej', 'ikke_relevant', 'ja', 'delvist'];
    const value = options.find((c) => !triggers.has(c)) ?? options[0];
    given.set(x.code, value);
    toAnswer.push([x, value]);
  }
  const skipped = qs.filter((x) => x.cond && !conditionMet(x));
  assert.ok(skipped.length > 0, 'some conditional questions are not asked');
  for (const [i, [x, value]] of toAnswer.entries()) {
    if (i === toAnswer.length - 1) {
      // Missing: this question, and those waiting for its answer (its dependants, down the chain).
      const waiting = new Set([x.code]);
      for (let grew = true; grew;) {
        grew = false;
        for (const c of qs) if (c.cond && waiting.has(c.cond) && !waiting.has(c.code) && c.scale !== 'text') { waiting.add(c.code); grew = true; }
      }
      res = await finish();
      assert.equal(res.status, 200);
      const n = waiting.size;
      assert.ok(text(res.text).includes(n === 1 ? '1 relevant spørgsmål mangler et svar' : `${n} relevante spørgsmål mangler et svar`),
        `${n} missing before ${x.code} is answered`);
    }
    const s = await saveAnswer(anne, caseId, csrf, { question: x.id, value, revision: 0 });
    assert.equal(s.status, 200, `${x.code}: ${s.text}`);
  }
  res = await anne.post(`${base}/cases/${caseId}/finish`, { csrf });
  assert.equal(res.status, 303, text(res.text));
  assert.equal(res.location, `${base}/cases/${caseId}?finished=1`);
  assert.equal(q(`select review_status from round_case where round_id = ${ROUND} and case_id = ${caseId}`), 'faerdig');
  for (const x of skipped) assert.equal(answerOf(caseId, x.id), '', `${x.code} was never answered`);
  assert.equal(num(`select count(*) from audit where action = 'review_finish' and object = 'case:${caseId}'`), 1);
  const done = await anne.get(res.location);
  assert.ok(text(done.text).includes('Sagen er markeret som færdig.'));

  // Answering a parent so that its condition is met makes the child required again: the case reopens.
  const child = skipped.find((x) => qs.find((p) => p.code === x.cond).scale !== 'choice');
  const parent = qs.find((p) => p.code === child.cond);
  const rev = Number(answerOf(caseId, parent.id).split('|')[3]);
  const s = await saveAnswer(anne, caseId, csrf, { question: parent.id, value: child.answers[0], revision: rev });
  assert.equal(s.status, 200);
  assert.equal(s.json.case_status, 'i_gang');
  assert.equal(s.json.relevant, s.json.answered + 1);
  res = await finish();
  assert.equal(res.status, 200);
  assert.ok(text(res.text).includes('1 relevant spørgsmål mangler et svar'));
  // And the page now shows the child.
  const shown = await anne.get(`${base}/cases/${caseId}`);
  assert.match(shown.text, new RegExp(`<fieldset class="question" id="q-${child.id}"[^>]*data-cond-answers="[^"]+" data-relevance="asked">`));
});

test('an acute concern shows at once on leder.barn\'s front page with a link; CPR in the note is refused', async () => {
  const caseId = annesCases()[2];
  const caseNo = q(`select case_no from cases where id = ${caseId}`);
  const csrf = csrfOf((await anne.get(`${base}/cases/${caseId}`)).text);
  let res = await anne.postInvalid(`${base}/cases/${caseId}/acute`, { csrf, action: 'set', note: 'Barnet 010203-1234 er i fare' });
  assert.equal(res.status, 200);
  assert.ok(text(res.text).includes('ligner et CPR-nummer'));
  assert.equal(num(`select acute from round_case where round_id = ${ROUND} and case_id = ${caseId}`), 0);
  assert.match((await anne.postInvalid(`${base}/cases/${caseId}/acute`, { csrf, action: 'set', note: '' })).text, /class="msg error"/);

  res = await anne.post(`${base}/cases/${caseId}/acute`, { csrf, action: 'set', note: 'Afgørelsen om merudgifter skal rettes nu' });
  assert.equal(res.status, 303);
  assert.equal(q(`select acute || '|' || acute_by || '|' || (acute_at is not null) from round_case where round_id = ${ROUND} and case_id = ${caseId}`),
    `1|${userId('anne')}|1`);
  assert.equal(num(`select count(*) from audit where action = 'review_acute' and object = 'case:${caseId}' and login = 'anne'`), 1);

  const home = await leder.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<h2 id="acute-h">Akut bekymring<\/h2>/);
  assert.ok(home.text.includes(`<a href="${base}/cases/${caseId}">Sag ${caseNo}</a>`));
  assert.ok(text(home.text).includes('Afgørelsen om merudgifter skal rettes nu'));
  assert.ok(text(home.text).includes('markeret af Anne Bækgaard'));
  assert.equal(num(`select count(*) from audit where action = 'review_acute_view' and object = 'case:${caseId}' and login = 'leder.barn'`), 1);
  // Not on the front page of another department's leader, nor of a rådgiver.
  assert.ok(!(await ledervoksen.get('/')).text.includes('skal rettes nu'));
  assert.ok(!(await morten.get('/')).text.includes('skal rettes nu'));
  // The leader follows the link and clears the flag once handled.
  const lpage = await leder.get(`${base}/cases/${caseId}`);
  assert.equal(lpage.status, 200);
  res = await leder.post(`${base}/cases/${caseId}/acute`, { csrf: csrfOf(lpage.text), action: 'clear' });
  assert.equal(res.status, 303);
  assert.ok(!(await leder.get('/')).text.includes('skal rettes nu'));
});

test('example consent records that the caseworker agreed, who recorded it and when', async () => {
  const caseId = annesCases()[3];
  const csrf = csrfOf((await anne.get(`${base}/cases/${caseId}`)).text);
  const res = await anne.post(`${base}/cases/${caseId}/consent`, { csrf, consent: '1' });
  assert.equal(res.status, 303);
  assert.equal(q(`select example_consent || '|' || consent_by || '|' || (consent_at like '____-__-__T__:__:__Z') from round_case
    where round_id = ${ROUND} and case_id = ${caseId}`), `1|${userId('anne')}|1`);
  assert.equal(num(`select count(*) from audit where action = 'review_consent' and object = 'case:${caseId}'`), 1);
  const page = await anne.get(res.location);
  assert.match(text(page.text), /Samtykke registreret af Anne Bækgaard \d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d\./);
  assert.match(page.text, /name="consent" value="1" checked>/);
  // Withdrawn: recorded too.
  await anne.post(`${base}/cases/${caseId}/consent`, { csrf });
  assert.equal(num(`select example_consent from round_case where round_id = ${ROUND} and case_id = ${caseId}`), 0);
  assert.match(text((await anne.get(res.location)).text), /Samtykke trukket tilbage af Anne Bækgaard/);
});

test('the working group sees every change of the answers (who, when, old → new); the reviewer does not', async () => {
  const [caseId] = annesCases();
  const first = questions()[0];
  const page = await koord.get(`${base}/cases/${caseId}`);
  const i = page.text.indexOf('<details class="history"');
  assert.ok(i > 0);
  const history = page.text.slice(i, page.text.indexOf('</details>', i));
  const count = num(`select count(*) from answer_history where round_id = ${ROUND} and case_id = ${caseId}`);
  assert.match(history, new RegExp(`<summary>Ændringer \\(${count}\\)</summary>`));
  const rows = [...history.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/gs)].map((m) => m.slice(1).map(unescape));
  assert.equal(rows.length, count);
  const mine = rows.filter((r) => r[2] === first.code);
  // Newest first: the koordinator's nej, Anne's delvist, Anne's first ja.
  assert.deepEqual(mine.map((r) => [r[1], r[3], r[4]]), [
    ['Mette Juhl', 'delvist; kommentar: »Kun delvis vejledning«', 'nej'],
    ['Anne Bækgaard', 'ja', 'delvist; kommentar: »Kun delvis vejledning«'],
    ['Anne Bækgaard', 'intet svar', 'ja'],
  ]);
  assert.match(mine[0][0], /^\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d$/);
  assert.ok(!(await anne.get(`${base}/cases/${caseId}`)).text.includes('class="history"'));
});

test('a CPR number in a comment is refused, as you go and with the form', async () => {
  const [caseId] = annesCases();
  const first = questions()[0];
  const before = answerOf(caseId, first.id);
  const page = await anne.get(`${base}/cases/${caseId}`);
  const rev = Number(before.split('|')[3]);
  const r = await saveAnswer(anne, caseId, csrfOf(page.text), { question: first.id, value: 'nej', comment: 'Se 0102031234', revision: rev });
  assert.equal(r.status, 400);
  assert.match(r.json.message, /CPR-nummer/);
  const fields = formFields(page.text);
  fields.set(`c-${first.id}`, 'Barnets cpr er 010203-1234');
  const posted = await postFields(anne, `${base}/cases/${caseId}`, fields);
  assert.equal(posted.status, 303);
  const res = await anne.get(posted.location);
  assert.ok(text(res.text).includes('ligner et CPR-nummer'));
  assert.equal(answerOf(caseId, first.id), before, 'nothing stored');
  assert.equal(num(`select count(*) from answer_history where new_comment like '%010203%' or new_comment like '%0102031234%'`), 0);
});

test('every view of a case page and of the progress page is audited; reviewers see their cases on the front page', async () => {
  const [caseId] = annesCases();
  const views = () => num(`select count(*) from audit where action = 'review_view' and object = 'case:${caseId}' and login = 'leder.barn'`);
  const n = views();
  assert.equal((await leder.get(`${base}/cases/${caseId}`)).status, 200);
  assert.equal((await leder.get(`${base}/cases/${caseId}`)).status, 200);
  assert.equal(views(), n + 2);
  assert.equal(q(`select detail from audit where action = 'review_view' and object = 'case:${caseId}' order by id desc limit 1`),
    `tilsyn ${ROUND}: gennemgangen af sagen vist`);
  const p = num(`select count(*) from audit where action = 'review_progress_view' and object = 'round:${ROUND}'`);
  await leder.get(`${base}/review`);
  assert.equal(num(`select count(*) from audit where action = 'review_progress_view' and object = 'round:${ROUND}'`), p + 1);

  const home = await anne.get('/');
  assert.match(home.text, /<h2>Mine sager til gennemgang<\/h2>/);
  for (const id of annesCases()) assert.ok(home.text.includes(`href="${base}/cases/${id}"`), `case ${id} listed`);
  // Her cases in every open round count, the demo's half-reviewed round too.
  const mine = `from round_case rc join round rd on rd.id = rc.round_id where rc.reviewer_id = ${userId('anne')} and rc.status = 'udtrukket' and rd.phase <> 'afsluttet'`;
  const total = num(`select count(*) ${mine}`), left = num(`select count(*) ${mine} and rc.review_status <> 'faerdig'`);
  assert.ok(total > 6 && left < total, 'anne also has cases in the demo round under review');
  assert.ok(text(home.text).includes(`${total} sager, ${left} mangler`));
  assert.ok(!(await leder.get('/')).text.includes('Mine sager til gennemgang'), 'the leder reviews nothing');
});

// ---- "Gem svar" without JavaScript: post/redirect/get ----
// A save that leaves answers unsaved (a two-tab conflict, an answer refused) answers 303 to the
// case page, never a page of its own. That page (reached by GET, shown once) has the error
// summary with a link to each question, each question's own message, what was typed (a CPR
// number masked), and for a conflict the other tab's answer beside it; the form it carries saves
// what was typed when sent again. The same for the calibration's second review. Demo round 3
// (BHS, in review, every case assigned).
const R3 = 3;
const base3 = `/d/BHS/rounds/${R3}`;

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
  join catalogue_section s on s.id = q.section_id where rk.round_id = ${R3} and q.scale = 'jdn'
  and q.cond_question is null order by rk.position, s.position, q.position limit 3`).split('\n').map(Number);

const answerOf3 = (caseId, qid, table = 'answer') => q(`select coalesce(value, '') || '|' || material || '|' || comment
  || '|' || revision from ${table} where round_id = ${R3} and case_id = ${caseId} and question_id = ${qid}`);

test('review: a conflict and a refused answer come back by a 303 with the messages, what was typed and the other answer', async () => {
  const [caseId, login, name] = q(`select rc.case_id || '|' || u.login || '|' || u.name from round_case rc
    join users u on u.id = rc.reviewer_id where rc.round_id = ${R3} and u.login <> 'koordinator.barn'
    order by rc.sample_key limit 1`).split('|');
  const path = `${base3}/cases/${caseId}`;
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
  const theirs = answerOf3(caseId, q1);
  const before2 = answerOf3(caseId, q2);

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
  assert.match(posted.location, new RegExp(`^${base3}/cases/${caseId}\\?fejl=[0-9a-f]{64}$`));
  assert.equal(answerOf3(caseId, q1), theirs, 'the other tab\'s answer is not overwritten');
  assert.equal(answerOf3(caseId, q2), before2, 'the refused answer is not stored');
  assert.match(answerOf3(caseId, q3), /^nej\|1\|Begrundelsen mangler\|\d+$/, 'the rest is saved');

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
  assert.match(answerOf3(caseId, q1), /^ikke_relevant\|0\|Min vurdering\|\d+$/);
  assert.match(answerOf3(caseId, q2), /^nej\|0\|Partshøring mangler\|\d+$/);
});

test('second review: a refused answer comes back by a 303 with every answer as typed, nothing saved', async () => {
  const r = cli(server.db, ['round', 'calibrate', String(R3), '--cases', '1', '--reviewers', 'anne,morten,louise,henrik']);
  assert.equal(r.status, 0, r.stderr);
  const [caseId, login] = q(`select k.case_id || '|' || u.login from calibration_case k join users u on u.id = k.reviewer_id
    where k.round_id = ${R3}`).split('|');
  const path = `${base3}/calibration/${caseId}`;
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
  assert.equal(q(`select count(*) from calibration_answer where round_id = ${R3} and case_id = ${caseId}`), '0', 'nothing saved');

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
  assert.equal(answerOf3(caseId, q1, 'calibration_answer'), 'ja|0|Fint|1');
});
