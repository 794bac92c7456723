// A finished tilsyn is closed. Round 4 of the demo (BHS, finished 1 July 2025) refuses every
// write to its case data, from every path: on the web with 409 or a 303 to a Danish message (answers
// by autosave and by the form, færdig, acute concern, consent, assignment by hand and
// balanced, replacement, a redraw, a sheet upload, calibration: choosing, assigning, the
// second review's answers and færdig), on the command line with exit 2 (answers import,
// round assign, round replace, round sample, round calibrate); and nothing in the database
// changes. Reopening is an explicit move back that needs a reason (refused without one),
// audited and shown on the round page; then the same writes are allowed again. The automatic
// phase moves (the draw, the first answer) are in the phase history as "automatisk", and a
// report says which state of the tilsyn it shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, sqlite, danishDay } from '../lib/server.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

const ROUND = 4;
const CLOSED = 'Tilsynet er afsluttet. Genåbn det med et faseskift tilbage, hvis der skal ændres noget.';
let server, koord, leder, morten, work;
let caseId, caseNo, calCase, question, otherCase;

before(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'tilsyn-closed-'));
  koord = new Client(server.url);
  leder = new Client(server.url);
  morten = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await morten.login('morten')).status, 303);
  assert.equal(q(`select phase from round where id = ${ROUND}`), 'afsluttet');
  caseId = q(`select case_id from round_case where round_id = ${ROUND} and status = 'udtrukket' order by sample_key limit 1`);
  caseNo = q(`select case_no from cases where id = ${caseId}`);
  otherCase = q(`select case_id from round_case where round_id = ${ROUND} and status = 'udtrukket' order by sample_key limit 1 offset 1`);
  question = q(`select q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
    where rc.round_id = ${ROUND} and q.scale = 'jdn' and q.cond_question is null order by q.position limit 1`);
  // A case chosen for a second review back then, by Morten (neither its first reviewer nor its caseworker).
  calCase = q(`select rc.case_id from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${ROUND}
    and rc.status = 'udtrukket' and rc.reviewer_id <> (select id from users where login = 'morten')
    and c.advisor <> 'Morten Løvstad' order by rc.sample_key limit 1`);
  q(`insert into calibration_case (round_id, case_id, reviewer_id, chosen_at, how)
    values (${ROUND}, ${calCase}, (select id from users where login = 'morten'), '2025-04-01T09:00:00Z', 'haand')`);
});
after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function q(sql) { return sqlite(server.db, sql); }
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

// Everything a write could change about the round's case data, as one string.
const snapshot = () => q(`select
  (select group_concat(case_id || ':' || question_id || ':' || coalesce(value, '') || ':' || material || ':' || comment || ':' || revision, '|')
    from (select * from answer where round_id = ${ROUND} order by case_id, question_id)),
  (select count(*) from answer_history where round_id = ${ROUND}),
  (select group_concat(case_id || ':' || status || ':' || coalesce(reviewer_id, '') || ':' || review_status || ':' || acute || ':' || example_consent, '|')
    from (select * from round_case where round_id = ${ROUND} order by case_id)),
  (select group_concat(case_id || ':' || coalesce(reviewer_id, '') || ':' || status, '|') from calibration_case where round_id = ${ROUND}),
  (select count(*) from calibration_answer where round_id = ${ROUND}),
  (select phase || ':' || coalesce(seed, '') || ':' || coalesce(finished_at, '') from round where id = ${ROUND})`);

// A reviewer who is not the case's caseworker.
const someoneElse = () => (q(`select advisor from cases where id = ${caseId}`) === 'Henrik Østerby' ? 'louise' : 'henrik');

function sheetFile(name, value) {
  const code = q(`select code from question where id = ${question}`);
  const file = join(work, name);
  writeSheet(file, [['Sagsnummer', code], [caseNo, value]]);
  return file;
}

async function upload(client, csrf, file) {
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([readFileSync(file)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'ark.xlsx');
  return fetch(`${server.url}/d/BHS/rounds/${ROUND}/sheet`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: client.cookieHeader() } })
    .then(async (r) => ({ status: r.status, text: await r.text() }));
}

test('every write path is refused in a finished round: web 409 or a 303 back to the form with a Danish message, CLI exit 2, nothing changed', async () => {
  const before = snapshot();
  const writes = `select count(*) from audit where action in ('review_save', 'review_answer', 'review_assign', 'review_finish',
    'review_acute', 'review_acute_cleared', 'review_consent', 'sample_draw', 'sample_redraw', 'sample_drawn', 'sample_replace',
    'answers_import', 'answers_import_case', 'calibration_choose', 'calibration_assign', 'calibration_save', 'calibration_finish')`;
  const auditBefore = q(writes);
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${ROUND}/cases/${caseId}`);
  const revision = q(`select coalesce((select revision from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${question}), 0)`);
  const current = q(`select coalesce(value, '') from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${question}`);
  const other = current === 'nej' ? 'ja' : 'nej';
  const base = `/d/BHS/rounds/${ROUND}`;
  const reviewer = q(`select id from users where login = 'anne'`);

  const web = [
    ['autosave', koord, `${base}/cases/${caseId}/answer`, { question, revision, value: other, comment: '' }],
    ['form', koord, `${base}/cases/${caseId}`, { [`s-${question}`]: '0'.repeat(32), [`r-${question}`]: revision, [`v-${question}`]: other, [`c-${question}`]: '' }],
    ['færdig', koord, `${base}/cases/${caseId}/finish`, {}],
    ['akut', koord, `${base}/cases/${caseId}/acute`, { note: 'Bør rettes nu' }],
    ['samtykke', koord, `${base}/cases/${caseId}/consent`, { consent: 'on' }],
    ['fordeling i hånden', koord, `${base}/assign`, { case: otherCase, reviewer }],
    ['fordeling balanceret', koord, `${base}/assign`, { auto: '1', reviewer }],
    ['erstatning', koord, `${base}/replace`, { case: caseId, reason: 'ikke relevant' }],
    ['ny udtrækning', koord, `${base}/sample`, { count: '30', reason: 'forkert filter' }],
    ['ny udtrækning uden begrundelse', koord, `${base}/sample`, { count: '30' }],
    ['kalibrering vælg', koord, `${base}/calibration/choose`, { count: '2' }],
    ['kalibrering tildel', koord, `${base}/calibration/assign`, { case: calCase, reviewer: q(`select id from users where login = 'henrik'`) }],
    ['kalibrering svar', morten, `${base}/calibration/${calCase}`, { [`p-${question}`]: '1', [`v-${question}`]: 'ja', [`c-${question}`]: '' }],
    ['kalibrering færdig', morten, `${base}/calibration/${calCase}/finish`, {}],
  ];
  const mortenCsrf = await morten.csrfFor(`${base}/calibration/${calCase}`);
  assert.ok(mortenCsrf, 'Morten sees his second review');
  // The HTML forms, the whole review form and the calibration form among them, come back by a
  // 303 to their page, which shows the message (post/redirect/get); the autosave (JSON) answers
  // 409 with it.
  const byRedirect = new Set(['form', 'færdig', 'akut', 'samtykke', 'fordeling i hånden', 'fordeling balanceret', 'erstatning',
    'ny udtrækning', 'ny udtrækning uden begrundelse', 'kalibrering vælg', 'kalibrering tildel', 'kalibrering svar',
    'kalibrering færdig']);
  for (const [what, client, path, form] of web) {
    let res = await client.post(path, { csrf: client === morten ? mortenCsrf : csrf, ...form });
    if (byRedirect.has(what)) {
      assert.equal(res.status, 303, `${what}: ${res.status}`);
      assert.match(res.location, /[?&]fejl=[0-9a-f]{64}$/, what);
      res = await client.get(res.location);
    } else
      assert.equal(res.status, 409, `${what}: ${res.status}`);
    assert.ok(decode(res.text).includes(CLOSED), `${what}: the Danish message`);
  }
  const up = await upload(koord, csrf, sheetFile('web.xlsx', other));
  assert.equal(up.status, 409, 'sheet upload');
  assert.ok(decode(up.text).includes(CLOSED));

  const db = server.db;
  const cmds = [
    ['answers', 'import', String(ROUND), sheetFile('cli.xlsx', other)],
    ['round', 'assign', String(ROUND), '--auto'],
    ['round', 'assign', String(ROUND), '--case', caseNo, '--reviewer', someoneElse()],
    ['round', 'replace', String(ROUND), caseNo, '--reason', 'ikke relevant'],
    ['round', 'sample', String(ROUND), '--size', '30'],
    ['round', 'calibrate', String(ROUND), '--cases', '2'],
  ];
  for (const args of cmds) {
    const r = cli(db, args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(CLOSED), `${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(snapshot(), before, 'nothing changed');
  assert.equal(q(writes), auditBefore, 'no write was logged');
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});

test('a report says which state it shows: finished on a date, or the status at a time in a phase', async () => {
  let res = await leder.get(`/d/BHS/rounds/${ROUND}/report/download?audience=ledelse&format=html`);
  assert.equal(res.status, 200);
  assert.ok(decode(res.text).includes('Rapporten viser tilsynet, som det var afsluttet 1. juli 2025.'));
  res = await leder.get('/d/BHS/rounds/3/report/download?audience=ledelse&format=html');
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Rapporten viser status pr\. \d{1,2}\. [a-z]+ \d{4} kl\. \d\d\.\d\d, fase Gennemgang\./);
  const out = join(work, 'rapport.pdf');
  const r = cli(server.db, ['report', String(ROUND), '--audience', 'ledelse', '--format', 'pdf', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout.replace(/\s+/g, ' '), /Rapporten viser tilsynet, som det var afsluttet 1\. juli 2025\./);
  // The xlsx says it on the sheet "Om rapporten" (read with python3's zipfile, not tilsyn's reader).
  const xlsx = join(work, 'rapport.xlsx');
  assert.equal(cli(server.db, ['report', String(ROUND), '--audience', 'ledelse', '--format', 'xlsx', '-o', xlsx]).status, 0);
  const strings = spawnSync('python3', ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/sharedStrings.xml").decode())', xlsx],
    { encoding: 'utf8' });
  assert.equal(strings.status, 0, strings.stderr);
  assert.ok(strings.stdout.includes('Rapporten viser tilsynet, som det var afsluttet 1. juli 2025.'));
});

test('reopening needs a reason (web: back by a 303 with the message, CLI exit 2); with one it is audited and shown, and writes are allowed again', async () => {
  const base = `/d/BHS/rounds/${ROUND}`;
  let csrf = await leder.csrfFor(base);
  let res = await leder.postInvalid(`${base}/phase`, { csrf, to: 'gennemgang', reason: '  ' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Tilsynet er afsluttet\. Skriv en begrundelse for at genåbne det i fasen Gennemgang/);
  let r = cli(server.db, ['round', 'phase', String(ROUND), 'gennemgang']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tilsynet er afsluttet; angiv --reason TEKST for at genåbne det/);
  assert.equal(q(`select phase from round where id = ${ROUND}`), 'afsluttet');

  res = await leder.post(`${base}/phase`, { csrf, to: 'gennemgang', reason: 'Klage over sag; vurderingen skal ses igen' });
  assert.equal(res.status, 303);
  assert.equal(q(`select phase || '|' || (finished_at is null) from round where id = ${ROUND}`), 'gennemgang|1');
  assert.equal(q(`select reason || '|' || by_name from round_phase_change where round_id = ${ROUND} and from_phase = 'afsluttet'`),
    'Klage over sag; vurderingen skal ses igen|Karen Holm');
  assert.match(q(`select detail from audit where action = 'round_phase' and object = 'round:${ROUND}' order by id desc limit 1`),
    /^afsluttet → gennemgang\. Begrundelse: Klage over sag; vurderingen skal ses igen$/);
  const page = decode((await leder.get(base)).text);
  // The day of the reopening in Danish time, whatever this machine's time zone.
  const day = danishDay(q(`select at from round_phase_change where round_id = ${ROUND} and from_phase = 'afsluttet' order by id desc limit 1`));
  assert.ok(page.includes(`Genåbnet ${day} af Karen Holm: Klage over sag; vurderingen skal ses igen`), 'the reopening is shown');
  // The html report made in the test before, and the pdf and xlsx made on the command line.
  const reports = q(`select count(*) from audit where action = 'report' and object = 'round:${ROUND}'`);
  assert.ok(Number(reports) >= 3);
  assert.ok(page.includes(`Rapporter, der er lavet før genåbningen ${day} (${reports} i alt), viser tilsynet, som det var, før det blev genåbnet.`));

  // Writes work again: an answer, and the case's færdig is undone by it as usual.
  csrf = await koord.csrfFor(`${base}/cases/${caseId}`);
  const revision = q(`select coalesce((select revision from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${question}), 0)`);
  res = await koord.post(`${base}/cases/${caseId}/answer`, { csrf, question, revision, value: 'delvist', comment: '' });
  assert.equal(res.status, 200, res.text);
  assert.equal(q(`select value from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${question}`), 'delvist');
  r = cli(server.db, ['round', 'assign', String(ROUND), '--case', caseNo, '--reviewer', someoneElse()]);
  assert.equal(r.status, 0, r.stderr);
  // And a report made now says so.
  res = await leder.get(`${base}/report/download?audience=ledelse&format=html`);
  assert.match(decode(res.text), /Rapporten viser status pr\. .* fase Gennemgang\./);
});

test('the automatic phase moves (the draw, the first answer) are in the phase history as "automatisk"', async () => {
  const db = server.db;
  let r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Automatiske faser']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  r = cli(db, ['round', 'sample', id, '--size', '5', '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(q(`select from_phase || '>' || to_phase || '|' || reason from round_phase_change where round_id = ${id}`),
    'planlaegning>udvaelgelse|automatisk');
  const one = q(`select case_id from round_case where round_id = ${id} order by sample_key limit 1`);
  const qid = q(`select q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
    where rc.round_id = ${id} and q.scale = 'jdn' and q.cond_question is null order by q.position limit 1`);
  const csrf = await koord.csrfFor(`/d/BHS/rounds/${id}/cases/${one}`);
  const res = await koord.post(`/d/BHS/rounds/${id}/cases/${one}/answer`, { csrf, question: qid, revision: '0', value: 'ja', comment: '' });
  assert.equal(res.status, 200, res.text);
  assert.equal(q(`select phase from round where id = ${id}`), 'gennemgang');
  assert.equal(q(`select group_concat(from_phase || '>' || to_phase || '|' || reason || '|' || by_name, ';') from round_phase_change where round_id = ${id}`),
    'planlaegning>udvaelgelse|automatisk|kommandolinjen;udvaelgelse>gennemgang|automatisk|Mette Juhl');
  assert.equal(q(`select count(*) from audit where action = 'round_phase' and object = 'round:${id}' and detail like '%Begrundelse: automatisk'`), '2');
  const page = await koord.get(`/d/BHS/rounds/${id}`);
  assert.match(page.text, /<td>Planlægning<\/td><td>Udvælgelse<\/td><td>automatisk<\/td>/);
  assert.match(page.text, /<td>Udvælgelse<\/td><td>Gennemgang<\/td><td>automatisk<\/td><td>Mette Juhl<\/td>/);
  // A second answer moves nothing more.
  assert.equal(q(`select count(*) from round_phase_change where round_id = ${id}`), '2');
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});
