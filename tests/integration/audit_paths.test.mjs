// The log of one case is complete: after each path that reads or changes a case's data, the
// case's own log (`tilsyn audit case CASE --department BHS --format json`, and the leader's
// page) has an entry naming the user by name and, for answers, the question code, never an
// internal id. Paths: the draw (web), assignment by hand and balanced, a page view of the
// case, an answer saved by autosave and by the form, acute concern, consent, calibration
// (chosen, assigned, answered), a sheet imported on the command line and on the web (one
// entry per case, naming the changed codes), a replacement (both cases), a command-line read
// of the sample (`round cases`, a list view that included the case), the case-list import
// that listed the case, and retention's
// deletion of the case data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, sqlite } from '../lib/server.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

let server, koord, leder, morten, work, round, cases, codes;
const q = (sql) => sqlite(server.db, sql);
const uid = (login) => q(`select id from users where login = '${login}'`);
const caseNo = (id) => q(`select case_no from cases where id = ${id}`);

// The case's log as `audit case` gives it (json).
function log(caseId) {
  const r = cli(server.db, ['audit', 'case', caseNo(caseId), '--department', 'BHS', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
// The one entry (the newest) with this action title; fails when there is none.
function entry(caseId, title) {
  const found = log(caseId).filter((e) => e.action === title);
  assert.ok(found.length > 0, `no "${title}" in the log of case ${caseId}: ${JSON.stringify(log(caseId).map((e) => e.action))}`);
  return found[found.length - 1];
}

before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'tilsyn-auditpaths-'));
  koord = new Client(server.url);
  leder = new Client(server.url);
  morten = new Client(server.url);
  for (const [c, login] of [[koord, 'koordinator.barn'], [leder, 'leder.barn'], [morten, 'morten']])
    assert.equal((await c.login(login)).status, 303);
  const r = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Logbogstest']);
  assert.equal(r.status, 0, r.stderr);
  round = r.stdout.trim();
});
after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the draw on the web: one entry on each drawn case, by name', async () => {
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${round}`);
  const res = await koord.post(`/d/BHS/rounds/${round}/sample`, { csrf, count: '20', exclude: '0' });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  // Cases whose caseworker is neither Morten nor Henrik, so both may review them (20 drawn: fewer than 3 is all but impossible).
  cases = q(`select rc.case_id from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${round}
    and c.advisor not in ('Morten Løvstad', 'Henrik Østerby') order by rc.sample_key`).split('\n');
  assert.ok(cases.length >= 3, 'enough cases for the test');
  codes = q(`select q.id || ':' || q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
    where rc.round_id = ${round} and q.scale = 'jdn' and q.cond_question is null order by q.position limit 2`)
    .split('\n').map((x) => x.split(':'));
  const e = entry(cases[0], 'udtrak sagen til stikprøven');
  assert.equal(e.name, 'Mette Juhl');
  assert.equal(e.login, 'koordinator.barn');
  assert.equal(e.detail, `tilsyn ${round}: udtrukket til stikprøven`);
});

test('assignment by hand and balanced', async () => {
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${round}/review`);
  let res = await koord.post(`/d/BHS/rounds/${round}/assign`, { csrf, case: cases[0], reviewer: uid('morten') });
  assert.equal(res.status, 303);
  let e = entry(cases[0], 'fordelte sagen til gennemgang');
  assert.equal(e.name, 'Mette Juhl');
  assert.equal(e.detail, `tilsyn ${round}: gennemgås af Morten Løvstad (i hånden)`);
  res = await koord.post(`/d/BHS/rounds/${round}/assign`, { csrf, auto: '1', reviewer: uid('henrik') });
  assert.equal(res.status, 303);
  e = entry(cases[1], 'fordelte sagen til gennemgang');
  assert.equal(e.detail, `tilsyn ${round}: gennemgås af Henrik Østerby (automatisk fordeling)`);
  assert.equal(e.name, 'Mette Juhl');
});

test('a page view, an answer by autosave and by the form, acute concern and consent', async () => {
  const c = cases[0];
  const page = await morten.get(`/d/BHS/rounds/${round}/cases/${c}`);
  assert.equal(page.status, 200);
  assert.equal(entry(c, 'så gennemgangen af sagen').name, 'Morten Løvstad');
  const csrf = Client.csrf(page.text);
  const [[q1, code1], [q2, code2]] = codes;
  let res = await morten.post(`/d/BHS/rounds/${round}/cases/${c}/answer`, { csrf, question: q1, revision: '0', value: 'ja', comment: '' });
  assert.equal(res.status, 200, res.text);
  let e = entry(c, 'gemte et svar i gennemgangen');
  assert.equal(e.name, 'Morten Løvstad');
  assert.equal(e.detail, `tilsyn ${round}: svar på spørgsmål ${code1} gemt (revision 1)`);

  res = await morten.post(`/d/BHS/rounds/${round}/cases/${c}`, { csrf, [`s-${q2}`]: '0'.repeat(32), [`r-${q2}`]: '0', [`v-${q2}`]: 'nej', [`c-${q2}`]: '' });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  e = entry(c, 'gemte svar i gennemgangen');
  assert.equal(e.detail, `tilsyn ${round}: 1 svar gemt: ${code2}`);

  const kc = await koord.csrfFor(`/d/BHS/rounds/${round}/cases/${c}`);
  assert.equal((await koord.post(`/d/BHS/rounds/${round}/cases/${c}/acute`, { csrf: kc, note: 'Afgørelsen bør rettes nu' })).status, 303);
  assert.equal(entry(c, 'markerede akut bekymring').name, 'Mette Juhl');
  assert.equal((await koord.post(`/d/BHS/rounds/${round}/cases/${c}/consent`, { csrf: kc, consent: 'on' })).status, 303);
  assert.equal(entry(c, 'ændrede tilladelsen til at bruge sagen som eksempel').name, 'Mette Juhl');
});

test('calibration: chosen, assigned and answered, with the question code', async () => {
  const c = cases[1]; // first reviewer Henrik
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${round}/calibration`);
  assert.equal((await koord.post(`/d/BHS/rounds/${round}/calibration/choose`, { csrf, case: c })).status, 303);
  assert.equal(entry(c, 'valgte sagen til kalibrering (anden gennemgang)').name, 'Mette Juhl');
  assert.equal((await koord.post(`/d/BHS/rounds/${round}/calibration/assign`, { csrf, case: c, reviewer: uid('morten') })).status, 303);
  const e = entry(c, 'fordelte sagens anden gennemgang');
  assert.equal(e.detail, `tilsyn ${round}: anden gennemgang ved Morten Løvstad (i hånden)`);
  const [[q1, code1]] = codes;
  const mc = await morten.csrfFor(`/d/BHS/rounds/${round}/calibration/${c}`);
  const res = await morten.post(`/d/BHS/rounds/${round}/calibration/${c}`, { csrf: mc, [`p-${q1}`]: '1', [`v-${q1}`]: 'delvist', [`c-${q1}`]: '' });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const s = entry(c, 'gemte svar i sagens anden gennemgang');
  assert.equal(s.name, 'Morten Løvstad');
  assert.equal(s.detail, `tilsyn ${round}: 1 svar i anden gennemgang gemt: ${code1}`);
});

test('a sheet on the command line and on the web: one entry per case naming the changed codes', async () => {
  const [[, code1], [, code2]] = codes;
  const file = join(work, 'ark.xlsx');
  writeSheet(file, [['Sagsnummer', code1, code2], [caseNo(cases[2]), 'nej', 'delvist'], [caseNo(cases[1]), 'ja', '']]);
  // As the koordinator, who is no caseworker in the list (nobody may answer for their own case).
  const r = cli(server.db, ['answers', 'import', round, file, '--user', 'koordinator.barn']);
  assert.equal(r.status, 0, r.stderr);
  let e = entry(cases[2], 'indlæste svar fra et registreringsark');
  assert.equal(e.name, 'Mette Juhl');
  assert.equal(e.detail, `tilsyn ${round}: registreringsark indlæst, 2 svar ændret: ${code1}, ${code2}`);
  assert.equal(entry(cases[1], 'indlæste svar fra et registreringsark').detail,
    `tilsyn ${round}: registreringsark indlæst, 1 svar ændret: ${code1}`);
  assert.equal(q(`select count(*) from audit where action = 'answers_import_case'`), '2', 'one per case, not per answer');

  const web = join(work, 'web.xlsx');
  // An empty answer filled in (a hand-made sheet may not change a stored one unseen: sheet_conflicts).
  writeSheet(web, [['Sagsnummer', code2], [caseNo(cases[1]), 'ja']]);
  const csrf = await leder.csrfFor(`/d/BHS/rounds/${round}`);
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([readFileSync(web)]), 'web.xlsx');
  const res = await fetch(`${server.url}/d/BHS/rounds/${round}/sheet`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: leder.cookieHeader() } });
  assert.equal(res.status, 303, await res.text());
  e = entry(cases[1], 'indlæste svar fra et registreringsark');
  assert.equal(e.name, 'Karen Holm');
  assert.equal(e.detail, `tilsyn ${round}: registreringsark indlæst, 1 svar ændret: ${code2}`);
});

test('a command-line read of the sample is listed as a list view on each case in it', () => {
  const r = cli(server.db, ['round', 'cases', round]);
  assert.equal(r.status, 0, r.stderr);
  const e = entry(cases[2], 'udskrev stikprøven (listevisning)');
  assert.equal(e.list, true);
  // The import of the case list that listed the case is there too (the demo's), as a list entry.
  const imp = entry(cases[2], 'indlæste afdelingens sagsliste med sagen (hele listen)');
  assert.equal(imp.list, true);
  assert.match(imp.detail, /rækker/);
  const other = q(`select id from cases where department_id = (select id from department where code = 'BHS')
    and id not in (select case_id from round_case where round_id = ${round}) limit 1`);
  assert.ok(!log(other).some((x) => x.action === 'udskrev stikprøven (listevisning)' && x.at >= e.at && x.detail === e.detail),
    'a case not in the sample does not get it');
});

test('a replacement is on both cases, by case number', async () => {
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${round}`);
  const out = cases[2];
  const res = await koord.post(`/d/BHS/rounds/${round}/replace`, { csrf, case: out, reason: 'sagen er lukket' });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const inn = q(`select case_id from round_case where round_id = ${round} and status = 'udtrukket' order by added_at desc, sample_key desc limit 1`);
  const e = entry(out, 'erstattede en sag i stikprøven');
  assert.equal(e.name, 'Mette Juhl');
  assert.equal(e.detail, `tilsyn ${round}: taget ud af stikprøven og erstattet af sagen ${caseNo(inn)}: sagen er lukket`);
  assert.equal(entry(inn, 'udtrak sagen som erstatning i stikprøven').detail,
    `tilsyn ${round}: udtrukket til stikprøven i stedet for sagen ${caseNo(out)}`);
});

test('retention deleting the case data is on each case; no entry names an internal id; the leader page shows the same', async () => {
  const csrf = await leder.csrfFor(`/d/BHS/rounds/${round}`);
  let res = await leder.post(`/d/BHS/rounds/${round}/phase`, { csrf, to: 'afsluttet', reason: 'Testen er slut' });
  assert.equal(res.status, 303);
  q(`update round set finished_at = '2020-01-01T00:00:00Z' where id = ${round}`);
  const r = cli(server.db, ['retention', 'run']);
  assert.equal(r.status, 0, r.stderr);
  const e = entry(cases[0], 'slettede sagens data efter opbevaringsreglen');
  assert.match(e.detail, new RegExp(`^tilsyn ${round}: sagens svar, kommentarer`));
  assert.equal(cli(server.db, ['audit', 'verify']).status, 0);

  for (const c of cases) {
    for (const x of log(c)) {
      assert.ok(!/bruger \d|spørgsmål \d|sag \d+ erstattet|case:\d/.test(x.detail ?? ''), `an internal id in: ${x.detail}`);
      if (x.login === 'koordinator.barn') assert.equal(x.name, 'Mette Juhl');
    }
  }
  const page = await leder.get(`/d/BHS/audit?case=${encodeURIComponent(caseNo(cases[0]))}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('Morten Løvstad'));
  assert.ok(page.text.includes(`svar på spørgsmål ${codes[0][1]} gemt`));
  assert.ok(page.text.includes('slettede sagens data efter opbevaringsreglen'));
});
