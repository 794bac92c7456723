// One rule for conditions (src/relevance.c), seen from outside on the demo municipality's
// spring round in VHS (catalogue overordnet-voksen: OV-AFG-1 "Hvad blev resultatet af
// afgørelsen" is the gate of OV-AFG-2..8, OV-FRIST-3 and OV-SAMLET-1). A question counts with
// its own answer when its gate is answered with one of the condition's answers, as ikke relevant
// when the gate is answered otherwise, and as unanswered while the gate is unanswered. Checked
// in `round results --format json`, in `answers import` (an answer whose condition makes it
// not count is named by cell and counted in the summary, and stored), in the sheet written
// back (greyed cells with a note), on the progress page, in the færdig check and in the
// second review's missing questions. The expected figures come from a small independent
// implementation of the rule below, on the questions and answers read with sqlite3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

let server, work, round, base, cases, qs, n;
const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
const clients = {};
async function as(login) {
  if (!clients[login]) {
    clients[login] = new Client(server.url);
    assert.equal((await clients[login].login(login)).status, 303, `login ${login}`);
  }
  return clients[login];
}

const results = () => {
  const r = cli(server.db, ['round', 'results', String(round), '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).questions.map((x) => [x.code, x]));
};
const dependants = (gate) => qs.filter((x) => x.cond === gate);
const answersOf = (caseId, table = 'answer') => new Map(q(`select qq.code || '|' || a.value from ${table} a
  join question qq on qq.id = a.question_id where a.round_id = ${round} and a.case_id = ${caseId} and coalesce(a.value, '') <> ''`)
  .split('\n').filter(Boolean).map((l) => l.split('|')));

// The rule, written again for the test: 'asked', 'not_relevant' or 'unknown', chains followed.
function stateOf(x, given) {
  if (!x.cond) return 'asked';
  const gate = qs.find((g) => g.code === x.cond);
  const g = stateOf(gate, given);
  if (g !== 'asked') return g;
  if (!given.has(gate.code)) return 'unknown';
  return x.answers.includes(given.get(gate.code)) ? 'asked' : 'not_relevant';
}
// "x af y besvaret": y = questions (not free text) that are not ikke relevant, x = those answered that count.
function progress(given) {
  const todo = qs.filter((x) => x.scale !== 'text' && stateOf(x, given) !== 'not_relevant');
  return [todo.filter((x) => stateOf(x, given) === 'asked' && given.has(x.code)).length, todo.length];
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-cond-'));
  server = await startServer();
  round = num(`select r.id from round r join department d on d.id = r.department_id
    where d.code = 'VHS' and r.kind = 'overordnet' and not exists (select 1 from answer a where a.round_id = r.id)
    and exists (select 1 from round_case rc where rc.round_id = r.id) order by r.id limit 1`);
  assert.ok(round > 0, 'the demo has an unanswered round in VHS');
  base = `/d/VHS/rounds/${round}`;
  cases = q(`select c.id || '|' || c.case_no from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${round} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n').map((l) => {
    const [id, no] = l.split('|');
    return { id: Number(id), no };
  });
  n = cases.length;
  qs = q(`select q.id || '|' || q.code || '|' || q.scale || '|' || coalesce(q.choices, '[]') || '|' ||
    coalesce(q.cond_question, '') || '|' || coalesce(q.cond_answers, '[]') from round_catalogue rk
    join question q on q.catalogue_id = rk.catalogue_id join catalogue_section s on s.id = q.section_id
    where rk.round_id = ${round} order by rk.position, s.position, q.position`).split('\n').map((l) => {
    const [id, code, scale, choices, cond, answers] = l.split('|');
    return { id: Number(id), code, scale, choices: JSON.parse(choices), cond, answers: JSON.parse(answers) };
  });
  assert.ok(dependants('OV-AFG-1').length >= 5, 'OV-AFG-1 is the gate of several questions');
  const r = cli(server.db, ['round', 'assign', String(round), '--auto']);
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a round with no answers: every conditional question is unanswered, none ikke relevant', () => {
  const res = results();
  const conditional = qs.filter((x) => x.cond && (x.scale === 'jdn' || x.scale === 'jn'));
  assert.ok(conditional.length >= 9);
  for (const x of conditional) {
    assert.equal(res[x.code].not_relevant, 0, `${x.code} is not ikke relevant while its gate is unanswered`);
    assert.equal(res[x.code].unanswered, n, x.code);
    assert.equal(res[x.code].fulfilled, null);
  }
  // The shape of the json stays as it was.
  assert.deepEqual(Object.keys(res['OV-AFG-2']).filter((k) => ['code', 'text', 'yes', 'partly', 'no', 'not_relevant',
    'unanswered', 'fulfilled', 'ci_low', 'ci_high', 'previous'].includes(k)).length, 11);
});

test('answers import names by cell each answer its condition keeps from counting, stores it, and it never counts', () => {
  const [c1, c2, c3] = cases;
  const file = join(work, 'betingelser.xlsx');
  writeSheet(file, [
    ['Sagsnummer', 'OV-AFG-1', 'OV-AFG-2', 'OV-AFG-4'],
    [c1.no, 'Fuld bevilling', 'ja', 'nej'],     // gate met for AFG-2, not for AFG-4
    [c2.no, '', 'ja', ''],                      // gate unanswered
    [c3.no, 'Afslag', 'delvist', ''],           // gate met for both
  ]);
  let r = cli(server.db, ['answers', 'import', String(round), file]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes('D2: OV-AFG-4 tæller ikke, fordi OV-AFG-1 er »Fuld bevilling«'), r.stdout);
  assert.ok(r.stdout.includes('C3: OV-AFG-2 tæller ikke endnu, fordi OV-AFG-1 ikke er besvaret'), r.stdout);
  assert.match(r.stdout, /3 rækker læst; 6 svar gemt, heraf 2 der ikke tæller, fordi betingelsen ikke er opfyldt; 0 uændrede\./);
  assert.ok(!/B2|C2|B4|C4/.test(r.stdout.split('\n').filter((l) => /tæller ikke/.test(l)).join('\n')), 'only those two are named');
  // Stored (the sheet reads back unchanged) ...
  assert.equal(num(`select count(*) from answer where round_id = ${round}`), 6);
  // ... but never counted.
  const res = results();
  assert.deepEqual([res['OV-AFG-2'].yes, res['OV-AFG-2'].partly, res['OV-AFG-2'].not_relevant, res['OV-AFG-2'].unanswered], [1, 1, 0, n - 2]);
  assert.deepEqual([res['OV-AFG-4'].no, res['OV-AFG-4'].not_relevant, res['OV-AFG-4'].unanswered], [0, 1, n - 1]);
  // A dependant of the gate nobody answered in the sheet: ikke relevant for c1 only (Fuld bevilling).
  assert.deepEqual([res['OV-AFG-5'].not_relevant, res['OV-AFG-5'].unanswered], [1, n - 1]);

  // The same sheet again: nothing changes, nothing is named.
  r = cli(server.db, ['answers', 'import', String(round), file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 svar gemt, 6 uændrede/);
  assert.ok(!/tæller ikke/.test(r.stdout));
});

// The cells and notes (comments) of the sheet's first worksheet, read with python3's zipfile.
function sheetNotes(path) {
  const py = String.raw`
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
notes = {}
for name in z.namelist():
    if re.match(r'xl/comments\d+\.xml$', name):
        xml = z.read(name).decode('utf-8')
        for ref, body in re.findall(r'<comment ref="([A-Z]+\d+)"[^>]*>(.*?)</comment>', xml, re.S):
            notes[ref] = ''.join(re.findall(r'<t(?:\s[^>]*)?>(.*?)</t>', body, re.S))
print(json.dumps(notes))`;
  const r = spawnSync('python3', ['-c', py, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the sheet written back greys each answer cell that is ikke relevant, with a note saying why', () => {
  const out = join(work, 'tilbage.xlsx');
  const r = cli(server.db, ['round', 'sheet', String(round), '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const notes = sheetNotes(out);
  const col = (code) => { let i = qs.findIndex((x) => x.code === code) + 1, s = ''; for (i += 1; i; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s; return s; };
  const c1 = 2, c2 = 3, c3 = 4; // rows, in sample order
  for (const x of dependants('OV-AFG-1')) {
    const notMet = !x.answers.includes('Fuld bevilling');
    assert.equal(notes[`${col(x.code)}${c1}`], notMet ? 'Tæller ikke, fordi OV-AFG-1 er »Fuld bevilling«.' : undefined, `${x.code} row ${c1}`);
    assert.equal(notes[`${col(x.code)}${c2}`], undefined, `${x.code}: the gate is unanswered, nothing is ikke relevant yet`);
    assert.equal(notes[`${col(x.code)}${c3}`], x.answers.includes('Afslag') ? undefined : 'Tæller ikke, fordi OV-AFG-1 er »Afslag«.');
  }
  // Reading it back changes nothing.
  const again = cli(server.db, ['answers', 'import', String(round), out]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /; 0 svar gemt, /);
});

test('progress page and færdig: an unanswered gate keeps its dependants to answer; an unmet gate does not', async () => {
  const koord = await as('koordinator.voksen');
  const [c1, c2, c3] = cases;
  const page = await koord.get(`${base}/review`);
  assert.equal(page.status, 200);
  const rowOf = (c) => text(page.text.slice(page.text.indexOf(`>${c.no}<`), page.text.indexOf('</tr>', page.text.indexOf(`>${c.no}<`))));
  for (const c of [c1, c2, c3, cases[3]]) {
    const [done, todo] = progress(answersOf(c.id));
    assert.ok(rowOf(c).includes(`${done} af ${todo}`), `${c.no}: ${done} af ${todo} in «${rowOf(c)}»`);
  }
  // c2 (gate unanswered): the stored OV-AFG-2 does not count, every dependant is to answer.
  assert.deepEqual(progress(answersOf(c2.id)), [0, qs.filter((x) => x.scale !== 'text').length]);

  // Answer every question of c2 without a condition except the gate, each with an answer that
  // leaves its own dependants out (as a reviewer would: OV-FRIST-1 ja, OV-PLAN-2 nej).
  const file = join(work, 'c2.xlsx');
  const open = qs.filter((x) => x.scale !== 'text' && !x.cond && x.code !== 'OV-AFG-1');
  const leaveOut = (x) => {
    const triggers = new Set(dependants(x.code).flatMap((d) => d.answers));
    return (x.scale === 'choice' ? x.choices : ['nej', 'ja', 'ikke_relevant']).find((v) => !triggers.has(v));
  };
  writeSheet(file, [['Sagsnummer', ...open.map((x) => x.code)], [c2.no, ...open.map((x) => leaveOut(x).replace('_', ' '))]]);
  let r = cli(server.db, ['answers', 'import', String(round), file]);
  assert.equal(r.status, 0, r.stderr);
  const casePage = await koord.get(`${base}/cases/${c2.id}`);
  const csrf = Client.csrf(casePage.text);
  let res = await koord.postInvalid(`${base}/cases/${c2.id}/finish`, { csrf });
  assert.equal(res.status, 200);
  // Missing: the gate and all its dependants (the stored OV-AFG-2 does not count yet).
  const [done, todo] = progress(answersOf(c2.id));
  const missing = todo - done;
  assert.equal(missing, 1 + dependants('OV-AFG-1').length);
  assert.ok(text(res.text).includes(`${missing} relevante spørgsmål mangler et svar`), text(res.text).match(/[^.]*mangler[^.]*/)?.[0]);
  // The gate answered with no decision: every dependant is ikke relevant, none is required.
  writeSheet(file, [['Sagsnummer', 'OV-AFG-1'], [c2.no, 'Ingen afgørelse truffet']]);
  r = cli(server.db, ['answers', 'import', String(round), file]);
  assert.equal(r.status, 0, r.stderr);
  res = await koord.post(`${base}/cases/${c2.id}/finish`, { csrf });
  assert.equal(res.status, 303, text(res.text).slice(0, 300));
  assert.equal(q(`select review_status from round_case where round_id = ${round} and case_id = ${c2.id}`), 'faerdig');
  // Its stored OV-AFG-2 now counts as ikke relevant.
  assert.equal(results()['OV-AFG-2'].not_relevant, 1 + (dependants('OV-AFG-1').find((x) => x.code === 'OV-AFG-2').answers.includes('Fuld bevilling') ? 0 : 1));
});

test('the second review: its missing questions follow the same rule, on its own answers', async () => {
  const koord = await as('koordinator.voksen');
  const c = cases[2]; // c3: first review has OV-AFG-1 = Afslag
  const calPage = await koord.get(`${base}/calibration`);
  assert.equal(calPage.status, 200);
  const csrf = Client.csrf(calPage.text);
  let res = await koord.post(`${base}/calibration/choose`, { csrf, case: String(c.id) });
  assert.ok([200, 303].includes(res.status), text(res.text).slice(0, 300));
  assert.equal(num(`select count(*) from calibration_case where round_id = ${round} and case_id = ${c.id}`), 1);
  const first = num(`select coalesce(reviewer_id, 0) from round_case where round_id = ${round} and case_id = ${c.id}`);
  const advisor = q(`select advisor from cases where id = ${c.id}`);
  const second = ['signe', 'peter', 'sofie', 'ahmad', 'koordinator.voksen'].find((l) =>
    num(`select id from users where login = '${l}'`) !== first && q(`select name from users where login = '${l}'`) !== advisor);
  res = await koord.post(`${base}/calibration/assign`, { csrf, case: String(c.id), reviewer: String(num(`select id from users where login = '${second}'`)) });
  assert.equal(res.status, 303, text(res.text).slice(0, 300));
  const s = await as(second);
  let page = await s.get(`${base}/calibration/${c.id}`);
  assert.equal(page.status, 200);
  const all = qs.filter((x) => x.scale !== 'text').length;
  assert.ok(text(page.text).includes(`Mangler ${all} spørgsmål`), 'nothing answered: every question, the conditional ones too');
  // A dependant answered before its gate is marked as not counting yet.
  const afg2 = qs.find((x) => x.code === 'OV-AFG-2');
  res = await s.post(`${base}/calibration/${c.id}`, { csrf: Client.csrf(page.text), [`p-${afg2.id}`]: '1', [`v-${afg2.id}`]: 'ja', [`c-${afg2.id}`]: '' });
  assert.equal(res.status, 303, text(res.text).slice(0, 300));
  page = await s.get(`${base}/calibration/${c.id}`);
  assert.ok(text(page.text).includes(`Mangler ${all} spørgsmål`), 'OV-AFG-2 does not count while OV-AFG-1 is unanswered');
  assert.match(page.text, new RegExp(`<fieldset class="question" id="q-${afg2.id}" data-relevance="unknown">`));
  // The gate answered otherwise: its dependants drop out of what is missing.
  const gate = qs.find((x) => x.code === 'OV-AFG-1');
  res = await s.post(`${base}/calibration/${c.id}`, { csrf: Client.csrf(page.text), [`p-${gate.id}`]: '1', [`v-${gate.id}`]: 'Ingen afgørelse truffet' });
  assert.equal(res.status, 303, text(res.text).slice(0, 300));
  page = await s.get(`${base}/calibration/${c.id}`);
  const left = all - 1 - dependants('OV-AFG-1').length;
  assert.ok(text(page.text).includes(`Mangler ${left} spørgsmål`), `left ${left}`);
  assert.match(page.text, new RegExp(`<fieldset class="question" id="q-${afg2.id}" data-relevance="not_relevant">`));
  assert.ok(text(page.text).includes('Tæller som ikke relevant, fordi OV-AFG-1 er »Ingen afgørelse truffet«.'));
});

test('the web sheet upload lists the answers that do not count by cell, after storing them', async () => {
  const leder = await as('leder.voksen');
  const c = cases[4];
  const file = join(work, 'web.xlsx');
  writeSheet(file, [['Sagsnummer', 'OV-AFG-1', 'OV-AFG-2', 'OV-AFG-8'], [c.no, 'Afslag', 'ja', 'nej']]);
  const csrf = await leder.csrfFor(base);
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([readFileSync(file)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'ark.xlsx');
  const up = await leder.request('POST', `${base}/sheet`, { body: fd });
  assert.equal(up.status, 200, text(up.text).slice(0, 400));
  assert.ok(text(up.text).includes('1 rækker læst; 3 svar gemt, heraf 1 der ikke tæller, fordi betingelsen ikke er opfyldt; 0 uændrede.'));
  assert.match(up.text, /<tr><td><code>D2<\/code><\/td><td>OV-AFG-8 tæller ikke, fordi OV-AFG-1 er »Afslag«<\/td><\/tr>/);
  assert.equal(num(`select count(*) from answer where round_id = ${round} and case_id = ${c.id}`), 3);
  const afg8 = results()['OV-AFG-8'];
  assert.equal(afg8.no, 0, 'the stored nej does not count');
});

test('the management report counts each caseworker\'s answers by the same rule', () => {
  const out = join(work, 'ledelse.html');
  const r = cli(server.db, ['report', String(round), '--audience', 'ledelse', '--format', 'html', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  const rows = q(`select c.advisor || '|' || c.id from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${round} and rc.status = 'udtrukket'`).split('\n').map((l) => l.split('|'));
  const per = new Map();
  for (const [advisor, id] of rows) {
    const given = answersOf(Number(id));
    const t = per.get(advisor) ?? { cases: 0, ja: 0, delvist: 0, nej: 0 };
    t.cases++;
    for (const x of qs) {
      if (!['jdn', 'jn'].includes(x.scale) || stateOf(x, given) !== 'asked') continue;
      const v = given.get(x.code);
      if (v in t) t[v]++;
    }
    per.set(advisor, t);
  }
  let stored = 0;
  for (const [advisor, t] of per) {
    const esc = advisor.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    assert.ok(html.includes(`<tr><th scope="row">${esc}</th><td class="num">${t.cases}</td><td class="num">${t.ja}</td>` +
      `<td class="num">${t.delvist}</td><td class="num">${t.nej}</td>`), `${advisor}: ${JSON.stringify(t)}`);
    stored += t.ja + t.delvist + t.nej;
  }
  // Some stored ja/delvist/nej do not count (their conditions say so), and the report leaves them out.
  assert.ok(num(`select count(*) from answer where round_id = ${round} and value in ('ja', 'delvist', 'nej')`) > stored);
});

test('the staff report uses a case as an example only for a finding that counts by the rule', async () => {
  const given = (c) => answersOf(c.id);
  const last = cases[n - 1];
  assert.equal(given(last).size, 0, 'the last sampled case has no answers yet');
  const file = join(work, 'eksempel.xlsx');
  // Fuld bevilling rules OV-AFG-4 out: its nej is stored but is no finding.
  writeSheet(file, [['Sagsnummer', 'OV-AFG-1', 'OV-AFG-4'], [last.no, 'Fuld bevilling', 'nej']]);
  let r = cli(server.db, ['answers', 'import', String(round), file]);
  assert.equal(r.status, 0, r.stderr);
  const leder = await as('leder.voksen');
  const path = `${base}/cases/${last.id}`;
  const res = await leder.post(`${path}/consent`, { csrf: await leder.csrfFor(path), consent: '1' });
  assert.equal(res.status, 303, res.text);
  assert.equal(num(`select example_consent from round_case where round_id = ${round} and case_id = ${last.id}`), 1);

  const examples = () => {
    const out = join(work, 'medarbejdere.html');
    const rr = cli(server.db, ['report', String(round), '--audience', 'medarbejdere', '--format', 'html', '-o', out]);
    assert.equal(rr.status, 0, rr.stderr);
    return (readFileSync(out, 'utf8').match(/<h3>Eksempel \d+<\/h3>/g) ?? []).length;
  };
  // Expected: consenting cases with a ja/delvist/nej that counts.
  const expected = () => cases.filter((c) => num(`select example_consent from round_case where round_id = ${round} and case_id = ${c.id}`) === 1)
    .filter((c) => { const g = given(c); return qs.some((x) => ['jdn', 'jn'].includes(x.scale) && stateOf(x, g) === 'asked' && ['ja', 'delvist', 'nej'].includes(g.get(x.code))); }).length;
  const before = examples();
  assert.equal(before, expected());
  // Once the gate says Afslag, OV-AFG-4's nej counts, and the case becomes an example.
  // (A hand-made sheet carries no revisions, so changing a stored answer takes --overwrite.)
  writeSheet(file, [['Sagsnummer', 'OV-AFG-1'], [last.no, 'Afslag']]);
  r = cli(server.db, ['answers', 'import', String(round), file, '--overwrite']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(examples(), before + 1);
  assert.equal(examples(), expected());
});
