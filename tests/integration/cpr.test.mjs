// CPR numbers however they are spelled, against the real server and command line on the demo
// municipality: every usual spelling (en and em dash, minus, no-break spaces, dot, slash,
// underscore, tab, two spaces, dd.mm.yy, a zero-width space, a soft hyphen, full-width digits,
// ten digits in a row) is refused on every path where text enters: a case list's cell and
// header via the CLI (CSV and XLSX, and a 9-digit number cell whose leading zero a
// spreadsheet dropped) and via the web upload (which then keeps nothing of the file), an
// answer's comment, a report text, meeting minutes, an action, a round title, a planning
// answer, a sampling filter, a user's name and login, a department's name. Where a value is not ours to refuse
// (a typed login name, a refused URL, an uploaded file's name) it is stored masked as
// 230787-xxxx. At the end the whole database (`sqlite3 DB .dump`, read as NFKC) holds no CPR
// number at all, and the audit chain verifies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, sqlite, sqliteDump, cli } from '../lib/server.mjs';
import { writeSheet } from '../lib/xlsx.mjs';

const fullWidth = (s) => [...s].map((c) => (c >= '0' && c <= '9' ? String.fromCharCode(0xff10 + Number(c)) : c === '-' ? '\uff0d' : c)).join('');

// One made-up CPR number (23 July 1987), spelled every usual way.
const SPELLINGS = {
  'plain': '230787-4711',
  'ten digits': '2307874711',
  'en dash': '230787\u20134711',
  'em dash': '230787\u20144711',
  'minus sign': '230787\u22124711',
  'no-break space': '230787\u00a04711',
  'narrow no-break space': '230787\u202f4711',
  'dot': '230787.4711',
  'slash': '230787/4711',
  'underscore': '230787_4711',
  'tab': '230787\t4711',
  'two spaces': '230787  4711',
  'dd.mm.yy': '23.07.87-4711',
  'zero-width space before the dash': '230787\u200b-4711',
  'soft hyphen in the date': '2307\u00ad87-4711',
  'full-width digits': fullWidth('230787-4711'),
};
const NINE = 503874711; // 050387-4711 once the zero a spreadsheet dropped is put back

let server, leder, anne, dir;
const ROUND = 3; // the demo's uddybende round in review, BHS; anne reviews some of its cases
const PLANNED = 7; // the demo's round still being planned
before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'tilsyn-cpr-'));
  [leder, anne] = [0, 0].map(() => new Client(server.url));
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const q = (sql) => sqlite(server.db, sql);
const run = (...args) => cli(server.db, args);
let files = 0;
function file(name, data) {
  const path = join(dir, `${++files}-${name}`);
  writeFileSync(path, data);
  return path;
}
function xlsx(rows) {
  const path = join(dir, `${++files}.xlsx`);
  writeSheet(path, rows);
  return path;
}

// The whole database as text, read the way the detector reads it (NFKC, no format
// characters), and whether any spelling of either CPR number is in it, in text or in a blob.
function cprInDatabase() {
  const text = sqliteDump(server.db).normalize('NFKC').replace(/\p{Cf}/gu, '');
  const hits = [];
  for (const re of [/23\D?07\D?87\D{0,2}4711/, /0?5\D?03\D?87\D{0,2}4711/, new RegExp(NINE)]) {
    const m = text.match(re);
    if (m) hits.push(text.slice(Math.max(0, m.index - 80), m.index + 40));
  }
  for (const s of Object.values(SPELLINGS)) {
    const hex = Buffer.from(s).toString('hex');
    if (text.toLowerCase().includes(hex)) hits.push(`blob holding ${JSON.stringify(s)}`);
  }
  return hits;
}

// ---- case lists on the command line ----

test('a case-list cell with a CPR number in any spelling is refused by the CLI, naming line and column', () => {
  const ok = run('cases', 'import', file('ok.csv', 'Sagsnummer;Rådgiver;Ydelse\nCPR-OK-1;Anna;Borger ringede\n'), '--department', 'BHS', '--dry-run');
  assert.equal(ok.status, 0, `the control file imports: ${ok.stderr}`);
  for (const [name, s] of Object.entries(SPELLINGS)) {
    const r = run('cases', 'import', file('cell.csv', `Sagsnummer;Rådgiver;Ydelse\nCPR-C-1;Anna;"Borger ${s}"\n`), '--department', 'BHS');
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /linje 2, kolonne 'Ydelse': Feltet ligner et CPR-nummer/, name);
    assert.ok(!r.stderr.includes(s) && !r.stderr.includes('4711'), `${name}: echoed`);
  }
  assert.equal(q("select count(*) from cases where case_no like 'CPR-%'"), '0');
});

test('a CPR number as a header is refused; so is a 9-digit number cell (CSV and XLSX) and an XLSX text cell', () => {
  for (const [name, s] of Object.entries(SPELLINGS)) {
    const r = run('cases', 'import', file('header.csv', `Sagsnummer;Rådgiver;"${s}"\nCPR-H-1;Anna;x\n`), '--department', 'BHS');
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /Linje 1, kolonne 3: overskriften ligner et CPR-nummer/, name);
    assert.ok(!r.stderr.includes('4711'), `${name}: echoed`);
  }
  const control = run('cases', 'import', file('nine-ok.csv', 'Sagsnummer;Rådgiver;Ydelse\nCPR-N-1;Anna;123456789\n'), '--department', 'BHS', '--dry-run');
  assert.equal(control.status, 0, `nine digits that are no date pass: ${control.stderr}`);
  let r = run('cases', 'import', file('nine.csv', `Sagsnummer;Rådgiver;Ydelse\nCPR-N-1;Anna;${NINE}\n`), '--department', 'BHS');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /linje 2, kolonne 'Ydelse': Feltet er et tal, der ligner et CPR-nummer/);

  const xok = run('cases', 'import', xlsx([['Sagsnummer', 'Rådgiver', 'Ydelse'], ['CPR-X-1', 'Anna', 123456789]]), '--department', 'BHS', '--dry-run');
  assert.equal(xok.status, 0, `the control workbook imports: ${xok.stderr}`);
  r = run('cases', 'import', xlsx([['Sagsnummer', 'Rådgiver', 'Ydelse'], ['CPR-X-1', 'Anna', NINE]]), '--department', 'BHS');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /linje 2, kolonne 'Ydelse': Feltet er et tal, der ligner et CPR-nummer/);
  for (const [name, s] of Object.entries(SPELLINGS)) {
    r = run('cases', 'import', xlsx([['Sagsnummer', 'Rådgiver', 'Ydelse'], ['CPR-X-1', 'Anna', `Borger ${s}`]]), '--department', 'BHS');
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /linje 2, kolonne 'Ydelse': Feltet ligner et CPR-nummer/, name);
    r = run('cases', 'import', xlsx([['Sagsnummer', 'Rådgiver', s], ['CPR-X-1', 'Anna', 'x']]), '--department', 'BHS');
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /overskriften ligner et CPR-nummer/, name);
  }
  assert.equal(q("select count(*) from cases where case_no like 'CPR-%'"), '0');
});

test('an import file named with a CPR number is recorded with the number masked', () => {
  assert.equal(run('department', 'add', 'CPRF', '--name', 'Filnavne', '--area', 'barn').status, 0);
  const path = file('sagsliste 230787-4711.csv', 'Sagsnummer;Rådgiver\nCPR-F-1;Anna\n');
  const r = run('cases', 'import', path, '--department', 'CPRF');
  assert.equal(r.status, 0, r.stderr);
  const name = q("select file_name from case_import where department_id = (select id from department where code = 'CPRF')");
  assert.match(name, /sagsliste 230787-xxxx\.csv$/);
});

// ---- case lists on the web ----

async function upload(client, { csrf, name = 'sagsliste.csv', data }) {
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([data], { type: 'text/csv' }), name);
  return client.request('POST', '/d/BHS/cases/import', { body: fd });
}

test('a web upload with a CPR number in any spelling is refused and nothing of it is kept', async () => {
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  for (const [name, s] of Object.entries(SPELLINGS)) {
    const res = await upload(leder, { csrf, data: `Sagsnummer;Rådgiver;Ydelse\nCPR-W-1;Anna;x\nCPR-W-2;Bo;"Borger ${s}"\n` });
    assert.equal(res.status, 400, name);
    assert.match(res.text, /Feltet ligner et CPR-nummer/, name);
    assert.doesNotMatch(res.text, /name="token"/, `${name}: offered for confirmation`);
    assert.equal(q('select count(*) from upload'), '0', `${name}: the upload was kept`);
  }
  // A header, and a 9-digit number: refused the same way.
  for (const data of [`Sagsnummer;Rådgiver;${SPELLINGS['en dash']}\nCPR-W-1;Anna;x\n`, `Sagsnummer;Rådgiver;Ydelse\nCPR-W-1;Anna;${NINE}\n`]) {
    const res = await upload(leder, { csrf, data });
    assert.equal(res.status, 400);
    assert.match(res.text, /ligner et CPR-nummer/);
    assert.equal(q('select count(*) from upload'), '0');
  }
  // A file the page can go on with is kept for its confirmation, under a masked name.
  const res = await upload(leder, { csrf, name: 'liste 230787-4711.csv', data: 'Sagsnummer;Rådgiver\nCPR-W-9;Anna\n' });
  assert.equal(res.status, 200);
  assert.match(res.text, /name="token"/);
  assert.ok(!res.text.includes('230787-4711'));
  assert.equal(q('select file_name from upload'), 'liste 230787-xxxx.csv');
  assert.equal(q("select count(*) from cases where case_no like 'CPR-%' and case_no <> 'CPR-F-1'"), '0');
});

// ---- free text ----

test('an answer comment with a CPR number in any spelling is refused', async () => {
  const caseId = q(`select rc.case_id from round_case rc join users u on u.id = rc.reviewer_id
    where rc.round_id = ${ROUND} and u.login = 'anne' order by rc.case_id limit 1`);
  assert.ok(caseId, 'the demo has a case for anne');
  const question = q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    where rk.round_id = ${ROUND} and q.cond_question is null and q.scale = 'jdn' order by q.id limit 1`) ||
    q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    where rk.round_id = ${ROUND} and q.cond_question is null order by q.id limit 1`);
  const page = await anne.get(`/d/BHS/rounds/${ROUND}/cases/${caseId}`);
  assert.equal(page.status, 200);
  const csrf = Client.csrf(page.text);
  const revision = () => q(`select coalesce((select revision from answer where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${question}), 0)`);
  const save = (comment) => anne.request('POST', `/d/BHS/rounds/${ROUND}/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question, value: 'nej', material: '', comment, revision: revision() }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
  });
  for (const [name, s] of Object.entries(SPELLINGS)) {
    const res = await save(`Se borgerens ${s} i sagen`);
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.match(res.text, /CPR-nummer/, name);
  }
  const ok = await save('Sagen er ikke oplyst nok');
  assert.equal(ok.status, 200, `the control comment saves: ${ok.text}`);
});

test('a report text with a CPR number in any spelling is refused', async () => {
  const path = `/d/BHS/rounds/${ROUND}/report`;
  const csrf = await leder.csrfFor(path);
  for (const [name, s] of Object.entries(SPELLINGS)) {
    // Refused by a 303 back to the form; the number never comes back as typed.
    const res = await leder.postInvalid(path, { csrf, summary: `Sagen om ${s} viser`, strengths: '', challenges: '', recommendations: '' });
    assert.equal(res.status, 200, name);
    assert.match(res.text, /CPR-nummer/, name);
    assert.ok(!res.text.includes(s), `${name}: not shown back`);
  }
  const ok = await leder.post(path, { csrf, summary: 'Sagerne er godt oplyst.', strengths: '', challenges: '', recommendations: '' });
  assert.equal(ok.status, 303, 'the control text saves');
});

test('meeting minutes and participants, an action, a round title, a planning answer, a sampling filter, a user and a department with a CPR number are refused', () => {
  const control = [
    ['meeting', 'add', '--department', 'BHS', '--kind', 'ledelse', '--date', '2026-05-01', '--minutes', 'Gennemgang af resultater'],
    ['action', 'add', '--department', 'BHS', '--title', 'Bedre sagsoplysning', '--owner', 'leder.barn', '--due', '2026-12-31'],
    ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Tilsyn efterår'],
    ['round', 'plan', String(PLANNED), '--performers', 'Anne og Morten'],
    ['department', 'add', 'CPRD', '--name', 'Afdeling for kontrol', '--area', 'barn'],
  ];
  for (const args of control) assert.equal(run(...args).status, 0, `control: ${args.join(' ')}`);
  // A sampling filter is stored with the round; an ordinary one is refused only for finding no cases.
  assert.doesNotMatch(run('round', 'sample', '1', '--size', '5', '--team', 'Team Nord').stderr, /CPR/);
  const userOk = cli(server.db, ['user', 'add', 'cpr.kontrol', '--name', 'Karen Kontrol', '--role', 'raadgiver', '--department', 'BHS'], 'et-langt-kodeord-2026\n');
  assert.equal(userOk.status, 0, `control user: ${userOk.stderr}`);
  const counts = () => q(`select (select count(*) from meeting) || '/' || (select count(*) from action_item) || '/' ||
    (select count(*) from round) || '/' || (select count(*) from users) || '/' || (select count(*) from department)`);
  const before = counts();
  const plan = () => q(`select coalesce(performers, '') from round_plan where round_id = ${PLANNED}`);
  const planBefore = plan();
  for (const [name, s] of Object.entries(SPELLINGS)) {
    const attempts = [
      ['meeting', 'add', '--department', 'BHS', '--kind', 'ledelse', '--date', '2026-05-01', '--minutes', `Sag om ${s} drøftet`],
      ['meeting', 'add', '--department', 'BHS', '--kind', 'ledelse', '--date', '2026-05-01', '--participants', `Anne, ${s}`],
      ['action', 'add', '--department', 'BHS', '--title', `Følg op på ${s}`, '--owner', 'leder.barn', '--due', '2026-12-31'],
      ['action', 'add', '--department', 'BHS', '--title', 'Opfølgning', '--description', `Borger ${s}`, '--owner', 'leder.barn', '--due', '2026-12-31'],
      ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', `Tilsyn ${s}`],
      ['round', 'plan', String(PLANNED), '--performers', `Anne ${s}`],
      ['department', 'add', 'CPRX', '--name', `Afdeling ${s}`, '--area', 'barn'],
      ['round', 'sample', '1', '--size', '5', '--team', `Team ${s}`],
      ['round', 'sample', '1', '--size', '5', '--provision', `§ ${s}`],
    ];
    for (const args of attempts) {
      const r = run(...args);
      assert.equal(r.status, 2, `${name}: ${args.slice(0, 2).join(' ')} ${args.find((a) => a.includes('4711') || a.includes('\uff14'))}: ${r.stderr}`);
      assert.match(r.stderr, /CPR-nummer/, `${name}: ${args.slice(0, 2).join(' ')}`);
    }
    const u = cli(server.db, ['user', 'add', 'cpr.bruger', '--name', `Anne ${s}`, '--role', 'raadgiver', '--department', 'BHS'], 'et-langt-kodeord-2026\n');
    assert.equal(u.status, 2, `${name}: user name: ${u.stderr}`);
    assert.match(u.stderr, /CPR-nummer/);
  }
  const login = cli(server.db, ['user', 'add', '2307874711', '--name', 'Anne', '--role', 'raadgiver', '--department', 'BHS'], 'et-langt-kodeord-2026\n');
  assert.equal(login.status, 2, `a CPR number as login: ${login.stderr}`);
  assert.match(login.stderr, /Brugernavnet ligner et CPR-nummer/);
  assert.equal(counts(), before, 'nothing was stored');
  assert.equal(plan(), planBefore);
});

// ---- values that are not ours: masked ----

test('a CPR number typed as a login name is kept only masked, in login attempts and the audit log', async () => {
  for (const s of [SPELLINGS.plain, SPELLINGS['ten digits'], SPELLINGS['en dash'], SPELLINGS['full-width digits']]) {
    const c = new Client(server.url);
    const res = await c.login(s, 'forkert-kodeord');
    assert.equal(res.status, 303, JSON.stringify(s));
    assert.match(res.location, /^\/login\?fejl=/, JSON.stringify(s));
  }
  // Failure counts are kept per address and login ("ADDRESS LOGIN"); refusals are audited once per
  // address and minute, so at least the first of these is there, masked.
  const attempts = q("select group_concat(login, '|') from login_attempt where login like '%xxxx%'").split('|');
  assert.ok(attempts.includes('127.0.0.1 230787-xxxx'), attempts.join(','));
  assert.ok(Number(q("select count(*) from audit where action like 'login%' and login like '%230787-xxxx%'")) >= 1);
});

test('a refused URL with a CPR number is audited with the number masked', async () => {
  const res = await anne.get('/d/VHS/rounds/2307874711');
  assert.ok(res.status === 403 || res.status === 404, String(res.status));
  const res2 = await anne.get('/admin/users/230787-4711');
  assert.ok(res2.status === 403 || res2.status === 404, String(res2.status));
  const objects = q("select group_concat(object, '|') from audit where action = 'access_denied'");
  assert.match(objects, /230787-xxxx/, 'at least one refusal is audited, masked');
});

test('afterwards the whole database holds no CPR number in any spelling, and the audit chain verifies', () => {
  assert.deepEqual(cprInDatabase(), []);
  const verify = run('audit', 'verify');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});
