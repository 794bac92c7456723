// Calibration over HTTP against the real server, on the demo municipality's spring round in
// BHS (cases spread with `round assign --auto`): the working group chooses two cases for a
// second review by sample key and gives them to a second reviewer (refused, with the reason,
// for the first reviewer and for the caseworker); the first reviewer answers through the
// review page's JSON endpoint and the second through the calibration form; the second
// reviewer does not see the first review until finished (blind), a raadgiver who is not
// involved gets 403 (audited); the agreement table shows the percent and kappa worked out
// by hand below, and the disagreement list names the case and both answers and comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, koord, round, base;
const clients = {};
const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const userId = (login) => num(`select id from users where login = '${login}'`);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

async function as(login) {
  if (!clients[login]) {
    clients[login] = new Client(server.url);
    assert.equal((await clients[login].login(login)).status, 303, `login ${login}`);
  }
  return clients[login];
}

before(async () => {
  server = await startServer();
  round = num(`select r.id from round r join department d on d.id = r.department_id
    where d.code = 'BHS' and r.kind = 'overordnet' and r.review_started_at is null order by r.id limit 1`);
  base = `/d/BHS/rounds/${round}`;
  const r = cli(server.db, ['round', 'assign', String(round), '--auto']);
  assert.equal(r.status, 0, r.stderr);
  koord = await as('koordinator.barn');
});
after(async () => { await server?.stop(); });

const raadgivere = ['anne', 'morten', 'louise', 'henrik'];
const nameOf = (login) => q(`select name from users where login = '${login}'`);
const caseInfo = (id) => {
  const [caseNo, advisor, first] = q(`select c.case_no || '|' || c.advisor || '|' || u.login from round_case rc
    join cases c on c.id = rc.case_id join users u on u.id = rc.reviewer_id
    where rc.round_id = ${round} and rc.case_id = ${id}`).split('|');
  return { id, caseNo, advisor, first };
};

let A, B, second, outsider, Q1, Q2;

test('the working group chooses cases by sample key and a second reviewer; the first reviewer and the caseworker are refused', async () => {
  const page = await koord.get(`${base}/calibration`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Kalibrering: /);
  const res = await koord.post(`${base}/calibration/choose`, { csrf: Client.csrf(page.text), count: '2' });
  assert.equal(res.status, 303);
  assert.match(res.location, /calibration\?chosen=2$/);
  // The two cases with the smallest sample keys (all have a first reviewer after --auto).
  const expected = q(`select case_id from round_case where round_id = ${round} and status = 'udtrukket'
    order by sample_key limit 2`).split('\n').map(Number);
  const chosen = q(`select k.case_id from calibration_case k join round_case rc on rc.round_id = k.round_id
    and rc.case_id = k.case_id where k.round_id = ${round} order by rc.sample_key`).split('\n').map(Number);
  assert.deepEqual(chosen, expected);
  [A, B] = chosen.map(caseInfo);

  const involved = (c, login) => login === c.first || nameOf(login) === c.advisor;
  second = raadgivere.find((l) => !involved(A, l) && !involved(B, l));
  assert.ok(second, 'a raadgiver who can take both');
  outsider = raadgivere.find((l) => l !== second && !involved(A, l) && !involved(B, l))
    ?? raadgivere.find((l) => l !== second && !involved(A, l));
  assert.ok(outsider);

  const csrf = Client.csrf((await koord.get(`${base}/calibration`)).text);
  // The first reviewer of A.
  let bad = await koord.postInvalid(`${base}/calibration/assign`, { csrf, case: String(A.id), reviewer: String(userId(A.first)) });
  assert.equal(bad.status, 200);
  assert.ok(text(bad.text).includes(`Sag ${A.caseNo} kan ikke gives til ${nameOf(A.first)} til anden gennemgang, fordi ` +
    `${nameOf(A.first)} gennemgår sagen første gang`), 'says why (first reviewer)');
  // The caseworker of A, when the caseworker is a user here.
  const advisorLogin = raadgivere.find((l) => nameOf(l) === A.advisor);
  if (advisorLogin) {
    bad = await koord.postInvalid(`${base}/calibration/assign`, { csrf, case: String(A.id), reviewer: String(userId(advisorLogin)) });
    assert.equal(bad.status, 200);
    assert.ok(text(bad.text).includes(`fordi ${A.advisor} selv er rådgiver på sagen`), 'says why (own case)');
  }
  assert.equal(num(`select count(*) from calibration_case where round_id = ${round} and reviewer_id is not null`), 0);
  for (const c of [A, B]) {
    const ok = await koord.post(`${base}/calibration/assign`, { csrf, case: String(c.id), reviewer: String(userId(second)) });
    assert.equal(ok.status, 303);
  }
  assert.equal(num(`select count(*) from calibration_case where round_id = ${round} and reviewer_id = ${userId(second)}`), 2);
  assert.equal(num(`select count(*) from audit where action = 'calibration_assign'`), 2);
  // The second reviewer sees them on the front page.
  const home = await (await as(second)).get('/');
  assert.match(home.text, /Mine kalibreringssager/);
  assert.ok(home.text.includes(`${base}/calibration/${A.id}`));
});

// Saves one first-review answer as review.js does.
async function firstAnswer(login, caseId, question, value, comment = '') {
  const c = await as(login);
  const page = await c.get(`${base}/cases/${caseId}`);
  assert.equal(page.status, 200);
  const res = await c.request('POST', `${base}/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question: String(question), value, material: '', comment, revision: '0' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': Client.csrf(page.text) },
  });
  assert.equal(res.status, 200, res.text);
}

async function secondAnswers(caseId, answers) {
  const c = await as(second);
  const page = await c.get(`${base}/calibration/${caseId}`);
  assert.equal(page.status, 200);
  const form = { csrf: Client.csrf(page.text) };
  for (const [qid, value, comment = ''] of answers) {
    form[`p-${qid}`] = '1';
    form[`v-${qid}`] = value;
    form[`c-${qid}`] = comment;
  }
  return c.post(`${base}/calibration/${caseId}`, form);
}

test('blind double review: answers are saved apart, the first review is hidden until the second is finished', async () => {
  [Q1, Q2] = q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    join catalogue_section s on s.id = q.section_id where rk.round_id = ${round} and q.scale = 'jdn'
    and q.cond_question is null order by rk.position, s.position, q.position limit 2`).split('\n').map(Number);
  // Scenario: Q1 agrees in both cases (A ja/ja, B nej/nej); Q2 differs in A (ja vs nej) and agrees in B (ja/ja).
  await firstAnswer(A.first, A.id, Q1, 'ja');
  await firstAnswer(A.first, A.id, Q2, 'ja', 'Partshøring er gennemført');
  await firstAnswer(B.first, B.id, Q1, 'nej');
  await firstAnswer(B.first, B.id, Q2, 'ja');
  const firstRows = num(`select count(*) from answer where round_id = ${round}`);

  // The second reviewer's page: the form, no first answers.
  const c = await as(second);
  let page = await c.get(`${base}/calibration/${A.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /id="calibration-form"/);
  assert.match(page.text, /id="blind"/);
  assert.ok(!page.text.includes('Partshøring er gennemført'), 'the first comment is not shown');
  assert.ok(!/Første gennemgang \(/.test(page.text), 'no column with the first review');
  assert.match(page.text, /<details class="guide">/);
  // Nor through the first review's own page.
  assert.equal((await c.get(`${base}/cases/${A.id}`)).status, 403);

  // CPR in a comment is refused and nothing is stored.
  let res = await secondAnswers(A.id, [[Q1, 'ja'], [Q2, 'nej', 'Se 010190-1234']]);
  assert.equal(res.status, 303, 'back to the form (post/redirect/get)');
  assert.match(text((await c.get(res.location)).text), /CPR/);
  assert.equal(num(`select count(*) from calibration_answer where round_id = ${round}`), 0);

  res = await secondAnswers(A.id, [[Q1, 'ja'], [Q2, 'nej', 'Ingen partshøring før afgørelsen']]);
  assert.equal(res.status, 303);
  assert.match(res.location, /\?saved=2$/);
  res = await secondAnswers(B.id, [[Q1, 'nej'], [Q2, 'ja']]);
  assert.equal(res.status, 303);
  assert.equal(num(`select count(*) from calibration_answer where round_id = ${round}`), 4);
  assert.equal(num(`select count(*) from answer where round_id = ${round}`), firstRows, 'the first review is untouched');
  assert.equal(q(`select value from answer where round_id = ${round} and case_id = ${A.id} and question_id = ${Q2}`), 'ja');

  // Still blind after saving.
  page = await c.get(`${base}/calibration/${A.id}`);
  assert.ok(!page.text.includes('Partshøring er gennemført'));
  // Finishing is refused while questions are unanswered.
  res = await c.postInvalid(`${base}/calibration/${A.id}/finish`, { csrf: Client.csrf(page.text) });
  assert.equal(res.status, 200);
  assert.match(text(res.text), /relevante spørgsmål mangler et svar/);
  // Answer the rest "ikke relevant" (or the first choice), then finish: now both are shown, read-only.
  const rest = q(`select q.id || '|' || q.scale || '|' || coalesce(q.choices, '[]') from round_catalogue rk
    join question q on q.catalogue_id = rk.catalogue_id where rk.round_id = ${round} and q.id not in (${Q1}, ${Q2})
    and q.scale <> 'text'`).split('\n').map((l) => l.split('|'));
  res = await secondAnswers(A.id, [[Q1, 'ja'], [Q2, 'nej', 'Ingen partshøring før afgørelsen'],
    ...rest.map(([id, scale, choices]) => [Number(id), scale === 'choice' ? JSON.parse(choices)[0] : 'ikke_relevant'])]);
  assert.equal(res.status, 303, text(res.text).slice(0, 500));
  page = await c.get(`${base}/calibration/${A.id}`);
  res = await c.post(`${base}/calibration/${A.id}/finish`, { csrf: Client.csrf(page.text) });
  assert.equal(res.status, 303, text(res.text).slice(0, 500));
  page = await c.get(`${base}/calibration/${A.id}`);
  assert.ok(!page.text.includes('id="calibration-form"'), 'no form once finished');
  assert.ok(page.text.includes('Partshøring er gennemført'), 'the first review is shown once finished');
  assert.match(page.text, /Første gennemgang \(/);
  // Locked.
  res = await secondAnswers(A.id, [[Q1, 'nej']]);
  assert.equal(res.status, 303);
  assert.match(text((await c.get(res.location)).text), /markeret som færdig, så svarene kan ikke længere ændres/);
  assert.equal(q(`select value from calibration_answer where case_id = ${A.id} and question_id = ${Q1}`), 'ja');
  assert.ok(num(`select count(*) from audit where action = 'calibration_view' and object = 'case:${A.id}'`) >= 3);
});

test('a raadgiver who is not involved gets 403, and the attempt is audited', async () => {
  const c = await as(outsider);
  const before = num(`select count(*) from audit where action = 'access_denied' and object = 'case:${A.id}'`);
  assert.equal((await c.get(`${base}/calibration/${A.id}`)).status, 403);
  const home = await c.get('/');
  const res = await c.post(`${base}/calibration/${A.id}`, { csrf: Client.csrf(home.text), [`p-${Q1}`]: '1', [`v-${Q1}`]: 'nej' });
  assert.equal(res.status, 403);
  assert.equal(num(`select count(*) from audit where action = 'access_denied' and object = 'case:${A.id}'`), before + 2);
  // The overview is for the working group only.
  assert.equal((await c.get(`${base}/calibration`)).status, 403);
  // The working group sees a case's both reviews side by side.
  const page = await koord.get(`${base}/calibration/${B.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Første gennemgang \(/);
});

test('the agreement table and the disagreements for the moderation talk', async () => {
  const page = await koord.get(`${base}/calibration`);
  assert.equal(page.status, 200);
  const code = (id) => q(`select code from question where id = ${id}`);
  const row = (c) => {
    const m = page.text.match(new RegExp(`<tr><th scope="row">${c}</th>(.*?)</tr>`));
    assert.ok(m, `a row for ${c}`);
    return text(m[1]).trim();
  };
  // Q1: (ja, ja), (nej, nej): 100 %, kappa 1. Q2: (ja, nej), (ja, ja): p_o = 1/2; rows ja 2;
  // columns ja 1, nej 1: p_e = 2·1/4 = 1/2, kappa 0.
  assert.match(row(code(Q1)), /\b2 100 % \(2 af 2\) 1,00$/);
  assert.match(row(code(Q2)), /\b2 50 % \(1 af 2\) 0,00$/);
  // All four pairs: p_o = 3/4; rows ja 3, nej 1; columns ja 2, nej 2: p_e = (3·2 + 1·2)/16 = 1/2, kappa = 0,50.
  const total = page.text.match(/<tr class="total">(.*?)<\/tr>/);
  assert.ok(total);
  assert.match(text(total[1]).trim(), /4 75 % \(3 af 4\) 0,50$/);
  // Other questions were answered by only one of the two: not in the table. A's remaining
  // questions got "ikke relevant" from the second reviewer only.
  assert.equal([...page.text.matchAll(/<tr><th scope="row">/g)].length, 2);

  // The disagreement: case A, Q2, both answers, comments and reviewers.
  const dis = page.text.slice(page.text.indexOf('id="uenigheder"'));
  assert.match(dis, /Uenigheder til drøftelse \(1\)/);
  const t = text(dis.slice(0, dis.indexOf('</table>')));
  assert.ok(t.includes(A.caseNo), 'names the case');
  assert.ok(t.includes(code(Q2)));
  assert.ok(t.includes(`ja (${nameOf(A.first)}) »Partshøring er gennemført«`), t);
  assert.ok(t.includes(`nej (${nameOf(second)}) »Ingen partshøring før afgørelsen«`), t);
  assert.ok(!t.includes(B.caseNo), 'B has no disagreement');
  assert.ok(num(`select count(*) from audit where action = 'calibration_overview_view'`) >= 1);
});

test('round calibrate on the command line chooses more cases by sample key', () => {
  const r = cli(server.db, ['round', 'calibrate', String(round), '--cases', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Valgt til anden gennemgang: 1 sager/);
  const third = num(`select case_id from round_case where round_id = ${round} and status = 'udtrukket'
    order by sample_key limit 1 offset 2`);
  assert.equal(num(`select count(*) from calibration_case where round_id = ${round} and case_id = ${third}`), 1);
  assert.equal(cli(server.db, ['round', 'calibrate', String(round)]).status, 2);
  assert.equal(cli(server.db, ['round', 'calibrate', String(round), '--cases', 'x']).status, 2);
});
