// Case list import on the command line, against a real SQLite file: the example export
// (Windows-1252, ';', CRLF, a quoted ';') and the same list as UTF-8 with BOM and ',' or as
// tab-separated text import identically; headers are found by their synonyms however they
// are spelled; --map for an unusual header; an import is all or nothing, lists every problem
// with line and column and never echoes a CPR number; --skip-invalid, --dry-run, re-imports
// that update by case number, duplicates in one file, and an XLSX list with date cells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, sqliteDump, root } from '../lib/server.mjs';

const EXAMPLE = join(root, 'tests', 'data', 'eksempel-sagsliste.csv');

let work; // files written by these tests
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-cases-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

let fileNo = 0;
function writeFile(name, content) {
  const path = join(work, `${++fileNo}-${name}`);
  writeFileSync(path, content);
  return path;
}

// A fresh database with the departments given (code -> area).
function setup(departments = { TST: 'barn' }) {
  const fresh = freshDb();
  for (const [code, area] of Object.entries(departments)) {
    const r = cli(fresh.db, ['department', 'add', code, '--name', `Afdeling ${code}`, '--area', area]);
    assert.equal(r.status, 0, r.stderr);
  }
  return fresh;
}

function importFile(db, file, dept = 'TST', extra = []) {
  return cli(db, ['cases', 'import', file, '--department', dept, ...extra]);
}

function listCases(db, dept = 'TST', extra = []) {
  const r = cli(db, ['cases', 'list', '--department', dept, '--format', 'json', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// The list without the import times and the current-list flag, for comparing two imports
// of the same data.
const facts = (list) => list.map(({ first_seen, last_seen, current, ...rest }) => rest);

const count = (db, dept = 'TST') =>
  Number(sqlite(db, `select count(*) from cases c join department d on d.id = c.department_id where d.code = '${dept}'`));

// Everything an import could change, to prove that a refused one changed nothing.
const snapshot = (db) => ({
  cases: sqlite(db, 'select * from cases order by id'),
  imports: sqlite(db, 'select count(*) from case_import'),
  audit: sqlite(db, "select count(*) from audit where action = 'cases_import'"),
});

// ---- an independent reading of the example file ----

// RFC 4180 with the given separator; returns records of fields.
function parseCsv(text, sep) {
  const records = [];
  let rec = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === sep) { rec.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') i++;
    if (ch === '\n' || ch === '\r') { rec.push(field); records.push(rec); rec = []; field = ''; i++; continue; }
    field += ch; i++;
  }
  if (field !== '' || rec.length) { rec.push(field); records.push(rec); }
  return records;
}

// dd-mm-yyyy or dd.mm.yyyy -> yyyy-mm-dd
function isoDate(s) {
  const m = s.match(/^(\d\d)[-.](\d\d)[-.](\d{4})$/);
  assert.ok(m, `unexpected date in the example file: ${s}`);
  return `${m[3]}-${m[2]}-${m[1]}`;
}

const exampleBytes = () => readFileSync(EXAMPLE);
const exampleText = () => new TextDecoder('windows-1252').decode(exampleBytes());
const exampleRecords = () => parseCsv(exampleText(), ';');

// What `cases list` must say after importing the example, sorted by case number like the CLI.
function expectedExample() {
  const [header, ...rows] = exampleRecords();
  assert.deepEqual(header, ['Sagsnummer', 'Rådgiver', 'Målgruppe', 'Paragraf', 'Ydelse', 'Oprettet', 'Seneste afgørelse']);
  return rows
    .map(([case_no, advisor, target, provision, benefit, opened, decided]) => ({
      case_no, advisor, target, provision, benefit, opened: isoDate(opened), decided: isoDate(decided), team: null,
    }))
    .sort((a, b) => (Buffer.compare(Buffer.from(a.case_no), Buffer.from(b.case_no))));
}

// Writes records with separator sep, quoting what needs it (and, to exercise quoting, any
// field with a space or a ';').
function toCsv(records, sep, eol) {
  const q = (f) => (/[",\t;\r\n ]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return records.map((r) => r.map(q).join(sep)).join(eol) + eol;
}

// ---- tests ----

test('the example export (Windows-1252, ;, CRLF, quoted ;) imports 40 cases with every field exact', () => {
  const bytes = exampleBytes();
  // The fixture is what it claims to be, or this test would prove less than it says.
  assert.ok(bytes.includes(Buffer.from('\r\n')), 'CRLF');
  assert.ok(bytes.includes(Buffer.from([0xe6])) || bytes.includes(Buffer.from([0xf8])), 'Windows-1252 bytes for æ/ø');
  assert.ok(bytes.includes(Buffer.from('"Støtte; se notat"', 'latin1')), 'a quoted ;');

  const { db, cleanup } = setup();
  try {
    const r = importFile(db, EXAMPLE);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /csv, Windows-1252, skilletegn ';'/);
    assert.match(r.stdout, /case_no='Sagsnummer' advisor='Rådgiver' target='Målgruppe' provision='Paragraf' benefit='Ydelse' opened='Oprettet' decided='Seneste afgørelse'/);
    assert.match(r.stdout, /40 rækker: 40 nye og 0 opdaterede sager\./);

    const list = listCases(db);
    assert.equal(list.length, 40);
    assert.equal(count(db), 40);
    // One row checked by hand: æøå intact, the quoted ';' kept, both date forms converted.
    const first = list.find((c) => c.case_no === '27.12.00-G01-262-24');
    assert.deepEqual(facts([first])[0], {
      case_no: '27.12.00-G01-262-24', advisor: 'Anne Bækgaard', target: 'voksen', provision: 'SEL § 97',
      benefit: 'Støtte; se notat', opened: '2024-03-11', decided: '2024-07-20', team: null,
    });
    assert.deepEqual(facts([list.find((c) => c.case_no === '27.30.00-G01-742-24')])[0].advisor, 'Signe Åkjær');
    assert.deepEqual(facts([list.find((c) => c.case_no === '27.26.00-G01-228-24')])[0].advisor, 'Henrik Østerby');
    // Every row against an independent reading of the file.
    assert.deepEqual(facts(list), expectedExample());
    assert.ok(list.every((c) => c.current === true), 'every case is on the current list');
    for (const c of list) {
      assert.match(c.first_seen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(c.last_seen, c.first_seen);
    }
    // The import itself is recorded, with what was detected.
    assert.equal(sqlite(db, 'select format, encoding, rows_read, rows_inserted, rows_updated, rows_rejected from case_import'),
      'csv|Windows-1252|40|40|0|0');
    assert.equal(sqlite(db, "select count(*) from audit where action = 'cases_import'"), '1');
  } finally { cleanup(); }
});

test('the same list as UTF-8 with BOM, "," and LF, and as tab-separated UTF-8, imports identically', () => {
  const { db, cleanup } = setup({ WIN: 'barn', BOM: 'barn', TAB: 'barn' });
  try {
    const records = exampleRecords();
    const comma = writeFile('bom-comma.csv', Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toCsv(records, ',', '\n'), 'utf8')]));
    const tab = writeFile('tab.tsv', Buffer.from(toCsv(records, '\t', '\n'), 'utf8'));
    assert.ok(readFileSync(comma).includes(Buffer.from('"Støtte; se notat"')), 'the comma file quotes');

    let r = importFile(db, EXAMPLE, 'WIN');
    assert.equal(r.status, 0, r.stderr);
    r = importFile(db, comma, 'BOM');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /csv, UTF-8 med BOM, skilletegn ','/);
    assert.match(r.stdout, /40 rækker: 40 nye/);
    r = importFile(db, tab, 'TAB');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /csv, UTF-8, skilletegn 'tab'/);
    assert.match(r.stdout, /40 rækker: 40 nye/);

    const expected = expectedExample();
    assert.deepEqual(facts(listCases(db, 'WIN')), expected);
    assert.deepEqual(facts(listCases(db, 'BOM')), expected);
    assert.deepEqual(facts(listCases(db, 'TAB')), expected);
    // No BOM leaked into the first header or the first case number.
    assert.equal(sqlite(db, "select count(*) from cases where case_no like char(65279) || '%'"), '0');
  } finally { cleanup(); }
});

test('the shipped copies of the example (UTF-8 with BOM, tab, XLSX with date serials) import identically', () => {
  const { db, cleanup } = setup({ U8: 'barn', TSV: 'barn', XL: 'barn' });
  try {
    const data = join(root, 'tests', 'data');
    const expected = expectedExample();
    for (const [file, dept, kind] of [['eksempel-sagsliste-utf8.csv', 'U8', /csv, UTF-8 med BOM, skilletegn ','/],
      ['eksempel-sagsliste.tsv', 'TSV', /csv, UTF-8, skilletegn 'tab'/], ['eksempel-sagsliste.xlsx', 'XL', /xlsx/]]) {
      const r = importFile(db, join(data, file), dept);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, kind, file);
      assert.match(r.stdout, /40 rækker: 40 nye/, file);
      assert.deepEqual(facts(listCases(db, dept)), expected, file);
    }
  } finally { cleanup(); }
});

test('RFC 4180: doubled quotes and a line break inside quotes; line numbers count physical lines', () => {
  const { db, cleanup } = setup();
  try {
    const file = writeFile('multiline.csv',
      'Sagsnummer,Rådgiver,Ydelse,Oprettet\n' +
      'M-1,Ida Holm,"Bevilling\nefter ""§ 85""",01-02-2024\n' +
      'M-2,Ida Holm,Bevilling,2024-02-30\n');
    let r = importFile(db, file);
    assert.equal(r.status, 2);
    // M-2 starts on line 4 of the file, because M-1's Ydelse spans lines 2 and 3.
    assert.match(r.stderr, /linje 4, kolonne 'Oprettet': '2024-02-30' er ikke en dato/);
    assert.equal(count(db), 0);
    r = importFile(db, file, 'TST', ['--skip-invalid']);
    assert.equal(r.status, 0, r.stderr);
    const [m1] = listCases(db);
    assert.equal(m1.case_no, 'M-1');
    assert.equal(m1.benefit, 'Bevilling\nefter "§ 85"');
    assert.equal(m1.opened, '2024-02-01');
  } finally { cleanup(); }
});

test('header synonyms are recognised case-insensitively, ignoring spaces and a trailing dot', () => {
  const { db, cleanup } = setup({ A: 'barn', B: 'barn', C: 'voksen' });
  try {
    // The second set of names, and an extra column that is simply ignored.
    const a = writeFile('synonyms.csv',
      'Sagsnr;Sagsbehandler;Målgruppe;Lovgrundlag;Indsats;Startdato;Afgørelsesdato;Enhed;Noter\n' +
      'S-1;Åse Ørum;barn;BL § 32;Aflastning;01/02/2024;2024-03-05;Team Nord;intet\n');
    let r = importFile(db, a, 'A');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /case_no='Sagsnr' advisor='Sagsbehandler' target='Målgruppe' provision='Lovgrundlag' benefit='Indsats' opened='Startdato' decided='Afgørelsesdato' team='Enhed'/);
    assert.deepEqual(facts(listCases(db, 'A')), [{
      case_no: 'S-1', advisor: 'Åse Ørum', target: 'barn', provision: 'BL § 32', benefit: 'Aflastning',
      opened: '2024-02-01', decided: '2024-03-05', team: 'Team Nord',
    }]);

    // Upper case (also Å), spaces inside and around, trailing dots.
    const b = writeFile('variants.csv',
      'SAGS-ID.;RÅDGIVER;MÅL GRUPPE;§;YDELSE.;Oprettelses dato;Seneste  Afgørelse.;TEAM\n' +
      'V-1;Bo Ærø;voksen;SEL § 85;Bostøtte;2023-12-01;15.01.2024;Team Syd\n');
    r = importFile(db, b, 'B');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(facts(listCases(db, 'B')), [{
      case_no: 'V-1', advisor: 'Bo Ærø', target: 'voksen', provision: 'SEL § 85', benefit: 'Bostøtte',
      opened: '2023-12-01', decided: '2024-01-15', team: 'Team Syd',
    }]);

    // The remaining names: SagsID / Sag, Medarbejder / Ansvarlig, Oprettet, Paragraf.
    const c1 = writeFile('sagsid.csv', 'sagsid;medarbejder;oprettet\nC-1;Carla;02.01.2024\n');
    const c2 = writeFile('sag.csv', 'Sag.;Ansvarlig;Paragraf\nC-2;Dan;SEL § 107\n');
    assert.equal(importFile(db, c1, 'C').status, 0);
    r = importFile(db, c2, 'C', ['--add']); // the second part of the same list
    assert.equal(r.status, 0, r.stderr);
    const cl = listCases(db, 'C');
    assert.deepEqual(cl.map((x) => [x.case_no, x.advisor, x.opened, x.provision]),
      [['C-1', 'Carla', '2024-01-02', null], ['C-2', 'Dan', null, 'SEL § 107']]);
  } finally { cleanup(); }
});

test('--map names the column for an unusual header; without it the missing field is named', () => {
  const { db, cleanup } = setup();
  try {
    const file = writeFile('ansvarlig.csv',
      'Sagsnummer;Ansvarlig medarbejder;Paragraf\nK-1;Karen Ølgaard;SEL § 85\nK-2;Lars Æbeløe;SEL § 97\n');
    let r = importFile(db, file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ingen kolonne med rådgiver/);
    assert.match(r.stderr, /'Ansvarlig medarbejder'/, 'the headers found are listed');
    assert.match(r.stderr, /--map/);
    assert.equal(count(db), 0);

    r = importFile(db, file, 'TST', ['--map', 'advisor=Ansvarlig medarbejder']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /advisor='Ansvarlig medarbejder'/);
    assert.deepEqual(listCases(db).map((c) => [c.case_no, c.advisor, c.provision]),
      [['K-1', 'Karen Ølgaard', 'SEL § 85'], ['K-2', 'Lars Æbeløe', 'SEL § 97']]);

    // A wrong --map is bad input, named.
    r = importFile(db, file, 'TST', ['--map', 'boss=Ansvarlig medarbejder']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ukendt felt 'boss'/);
    r = importFile(db, file, 'TST', ['--map', 'advisor=Chef']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ingen kolonne med overskriften 'Chef'/);
  } finally { cleanup(); }
});

test('a required column missing: exit 2 naming it, nothing stored', () => {
  const { db, cleanup } = setup();
  try {
    let r = importFile(db, writeFile('no-case-no.csv', 'Nummer;Rådgiver\n1;Anna\n'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Linje 1: der er ingen kolonne med sagsnummer/);
    assert.match(r.stderr, /'Nummer', 'Rådgiver'/);
    r = importFile(db, writeFile('no-advisor.csv', 'Sagsnummer;Paragraf\nX-1;SEL § 85\n'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Linje 1: der er ingen kolonne med rådgiver/);
    assert.equal(count(db), 0);
    assert.equal(sqlite(db, 'select count(*) from case_import'), '0');
    r = importFile(db, writeFile('empty.csv', ''));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /tom/);
    r = importFile(db, join(work, 'does-not-exist.csv'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /kan ikke åbnes/);
  } finally { cleanup(); }
});

// Valid rows around three invalid ones, and an update of an existing case that must not happen.
const CPR = '010190-1234';
const MIXED =
  'Sagsnummer;Rådgiver;Oprettet;Bemærkning\n' +
  'A-1;Anna;01-02-2024;\n' +
  'A-2;Bo;31-02-2024;\n' +                       // line 3: no such date
  ';Carl;01-03-2024;\n' +                        // line 4: no case number
  `A-4;Dorte;02-03-2024;Ring til borger ${CPR}\n` + // line 5: a CPR number in an unrecognised column
  'A-5;Erik;2024-03-03;\n' +
  '27.12.00-G01-262-24;Ændret Rådgiver;11-03-2024;\n';

const noCpr = (text) => {
  assert.ok(!text.includes(CPR), 'the CPR number is echoed');
  assert.ok(!text.includes('0101901234') && !text.includes('010190'), 'part of the CPR number is echoed');
};

test('an import is atomic: every problem listed with line and column, the database unchanged, no CPR echoed', () => {
  const { db, cleanup } = setup();
  try {
    assert.equal(importFile(db, EXAMPLE).status, 0);
    const before = snapshot(db);
    const r = importFile(db, writeFile('mixed.csv', MIXED));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /linje 3, kolonne 'Oprettet': '31-02-2024' er ikke en dato/);
    assert.match(r.stderr, /linje 4, kolonne 'Sagsnummer': Sagsnummer mangler/);
    assert.match(r.stderr, /linje 5, kolonne 'Bemærkning': Feltet ligner et CPR-nummer/);
    assert.match(r.stderr, /ingen sager er gemt: 3 af 6 rækker har fejl/);
    assert.equal(r.stderr.match(/linje \d+/g).length, 3, 'exactly the three bad rows are reported');
    noCpr(r.stderr);
    noCpr(r.stdout);
    assert.deepEqual(snapshot(db), before);
    assert.equal(count(db), 40);
    assert.equal(sqlite(db, "select advisor from cases where case_no = '27.12.00-G01-262-24'"), 'Anne Bækgaard');
    assert.equal(sqlite(db, "select count(*) from cases where case_no like 'A-%'"), '0');
  } finally { cleanup(); }
});

test('--skip-invalid stores exactly the valid rows and lists the rejected ones', () => {
  const { db, cleanup } = setup();
  try {
    assert.equal(importFile(db, EXAMPLE).status, 0);
    const r = importFile(db, writeFile('mixed.csv', MIXED), 'TST', ['--skip-invalid']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /linje 3, kolonne 'Oprettet'/);
    assert.match(r.stderr, /linje 4, kolonne 'Sagsnummer'/);
    assert.match(r.stderr, /linje 5, kolonne 'Bemærkning'/);
    assert.match(r.stdout, /6 rækker: 2 nye og 1 opdaterede sager; 3 rækker afvist/);
    noCpr(r.stderr);
    noCpr(r.stdout);
    assert.equal(count(db), 42);
    assert.equal(sqlite(db, "select group_concat(case_no || '=' || advisor || '=' || opened, ' ') from (select * from cases where case_no like 'A-%' order by case_no)"),
      'A-1=Anna=2024-02-01 A-5=Erik=2024-03-03');
    assert.equal(sqlite(db, "select advisor from cases where case_no = '27.12.00-G01-262-24'"), 'Ændret Rådgiver');
    assert.equal(sqlite(db, "select count(*) from cases where advisor in ('Bo', 'Carl', 'Dorte')"), '0');
    assert.equal(sqlite(db, 'select rows_read, rows_inserted, rows_updated, rows_rejected from case_import order by id desc limit 1'), '6|2|1|3');
    // Nothing anywhere in the database carries the CPR number.
    const dump = sqliteDump(db);
    assert.ok(dump.length > 1000);
    noCpr(dump);
  } finally { cleanup(); }
});

test('--dry-run checks and reports but stores nothing', () => {
  const { db, cleanup } = setup();
  try {
    let r = importFile(db, EXAMPLE, 'TST', ['--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Prøvekørsel, intet er gemt: 40 rækker: 40 nye og 0 opdaterede sager/);
    assert.equal(count(db), 0);
    assert.equal(sqlite(db, 'select count(*) from case_import'), '0');
    assert.equal(sqlite(db, "select count(*) from audit where action = 'cases_import'"), '0');
    // A dry run of a file with problems reports them, and still stores nothing.
    r = importFile(db, writeFile('mixed.csv', MIXED), 'TST', ['--dry-run']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /linje 3/);
    r = importFile(db, writeFile('mixed.csv', MIXED), 'TST', ['--dry-run', '--skip-invalid']);
    assert.equal(r.status, 0);
    assert.equal(count(db), 0);
  } finally { cleanup(); }
});

test('re-importing updates cases by case number: count unchanged, fields and last_seen updated, first_seen kept', () => {
  const { db, cleanup } = setup();
  try {
    assert.equal(importFile(db, EXAMPLE).status, 0);
    // As if the first import had been a month ago.
    const OLD = '2026-01-05T08:00:00Z';
    sqlite(db, `update cases set first_seen = '${OLD}', last_seen = '${OLD}'`);

    const [header, ...rows] = exampleRecords();
    const CHANGED = rows[1][0], DROPPED = rows[2][0];
    const changed = rows.map((r) => (r[0] === CHANGED ? [r[0], 'Nanna Ørsted', ...r.slice(2)] : r));
    const dropped = changed.filter((r) => r[0] !== DROPPED); // no longer on the list
    const file = writeFile('again.csv', Buffer.from(toCsv([header, ...dropped], ';', '\r\n'), 'utf8'));
    const r = importFile(db, file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /39 rækker: 0 nye og 39 opdaterede sager/);

    assert.equal(count(db), 40, 'the dropped case stays in the database');
    assert.equal(listCases(db).length, 39, 'but is no longer on the current list');
    const list = listCases(db, 'TST', ['--all']);
    assert.equal(list.find((c) => c.case_no === DROPPED).current, false);
    assert.equal(list.filter((c) => c.current).length, 39);
    const byNo = new Map(list.map((c) => [c.case_no, c]));
    assert.equal(byNo.get(CHANGED).advisor, 'Nanna Ørsted');
    for (const c of list) {
      assert.equal(c.first_seen, OLD, c.case_no);
      if (c.case_no === DROPPED) assert.equal(c.last_seen, OLD, 'a case not listed keeps its last_seen');
      else {
        assert.notEqual(c.last_seen, OLD, c.case_no);
        assert.match(c.last_seen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(c.last_seen > OLD);
      }
    }
    // Everything else is as before.
    const expected = expectedExample().map((c) => (c.case_no === CHANGED ? { ...c, advisor: 'Nanna Ørsted' } : c));
    assert.deepEqual(facts(list), expected);
    assert.equal(sqlite(db, 'select count(*) from case_import'), '2');
  } finally { cleanup(); }
});

test('a case number twice in one file is reported with its line, and the first row wins with --skip-invalid', () => {
  const { db, cleanup } = setup();
  try {
    const file = writeFile('dup.csv',
      'Sagsnummer;Rådgiver\nD-1;Anna\nD-2;Bo\nD-1;Carl\n');
    let r = importFile(db, file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /linje 4, kolonne 'Sagsnummer': Sagsnummeret D-1 står også tidligere i filen/);
    assert.equal(count(db), 0);
    r = importFile(db, file, 'TST', ['--skip-invalid']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /linje 4/);
    assert.deepEqual(listCases(db).map((c) => [c.case_no, c.advisor]), [['D-1', 'Anna'], ['D-2', 'Bo']]);
  } finally { cleanup(); }
});

// ---- XLSX ----

// Writes an .xlsx from hand-written XML parts with python's zipfile (no spreadsheet library):
// shared and inline strings, date cells as serial numbers with a date style (numFmtId 14)
// and one without a style, a case number stored as a number, and a second sheet that must not
// be read.
const XLSX_SCRIPT = String.raw`
import sys, zipfile
path = sys.argv[1]
strings = ["Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Oprettet", "Seneste afgørelse",
           "X-1", "Åse Ørum", "BL § 32", "X-2", "Bo Ærø", "SEL § 85", "andet ark"]
def s(ref, text):
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, strings.index(text))
def inline(ref, text):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)
def num(ref, v, style=None):
    return '<c r="%s"%s><v>%s</v></c>' % (ref, ' s="%d"' % style if style is not None else "", v)
rows = [
    [s("A1", "Sagsnummer"), s("B1", "Rådgiver"), s("C1", "Målgruppe"), s("D1", "Paragraf"), s("E1", "Oprettet"), s("F1", "Seneste afgørelse")],
    [s("A2", "X-1"), s("B2", "Åse Ørum"), inline("C2", "barn"), s("D2", "BL § 32"), num("E2", "45362", 1), num("F2", "45413.5", 1)],
    [s("A3", "X-2"), s("B3", "Bo Ærø"), inline("C3", "voksen"), s("D3", "SEL § 85"), num("E3", "44927", 1), num("F3", "44958")],
    [num("A4", "2024001"), s("B4", "Bo Ærø")],
]
sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    + "".join('<row r="%d">%s</row>' % (i + 1, "".join(r)) for i, r in enumerate(rows))
    + '</sheetData></worksheet>')
sheet2 = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1">' + s("A1", "Sagsnummer") + s("B1", "Rådgiver") + '</row>'
    '<row r="2">' + s("A2", "andet ark") + s("B2", "andet ark") + '</row>'
    '</sheetData></worksheet>')
sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings))
    + "".join("<si><t>%s</t></si>" % t for t in strings) + "</sst>")
styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '</styleSheet>')
workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sager" sheetId="1" r:id="rId1"/><sheet name="Andet" sheetId="2" r:id="rId2"/></sheets></workbook>')
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="%s/worksheet" Target="worksheets/sheet2.xml"/>'
    '<Relationship Id="rId3" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId4" Type="%s/styles" Target="styles.xml"/>'
    '</Relationships>') % (R, R, R, R)
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>') % R
M = "application/vnd.openxmlformats-officedocument.spreadsheetml"
types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="%s.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="%s.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="%s.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="%s.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="%s.styles+xml"/>'
    '</Types>') % (M, M, M, M, M)
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", types)
    z.writestr("_rels/.rels", rels)
    z.writestr("xl/workbook.xml", workbook)
    z.writestr("xl/_rels/workbook.xml.rels", wbrels)
    z.writestr("xl/worksheets/sheet1.xml", sheet)
    z.writestr("xl/worksheets/sheet2.xml", sheet2)
    z.writestr("xl/sharedStrings.xml", sst)
    z.writestr("xl/styles.xml", styles)
`;

test('an XLSX case list (first sheet, date cells as Excel serials) imports with yyyy-mm-dd dates', () => {
  const { db, cleanup } = setup();
  try {
    const path = join(work, 'sagsliste.xlsx');
    const py = spawnSync('python3', ['-c', XLSX_SCRIPT, path], { encoding: 'utf8', timeout: 20000 });
    assert.equal(py.status, 0, py.stderr);
    const r = importFile(db, path);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /xlsx\. Kolonner: case_no='Sagsnummer' advisor='Rådgiver' target='Målgruppe' provision='Paragraf' opened='Oprettet' decided='Seneste afgørelse'/);
    assert.match(r.stdout, /3 rækker: 3 nye/);
    assert.match(r.stdout, /1 sag uden målgruppe får afdelingens område: barn\./);
    assert.deepEqual(facts(listCases(db)), [
      // A case number typed as a number stays as written, not 2024001.0.
      // No target group: the department's area (barn).
      { case_no: '2024001', advisor: 'Bo Ærø', target: 'barn', provision: null, benefit: null,
        opened: null, decided: null, team: null },
      // 45362 = 2024-03-11; 45413.5 = 2024-05-01 at noon; 44927 = 2023-01-01; 44958 (no date style) = 2023-02-01
      { case_no: 'X-1', advisor: 'Åse Ørum', target: 'barn', provision: 'BL § 32', benefit: null,
        opened: '2024-03-11', decided: '2024-05-01', team: null },
      { case_no: 'X-2', advisor: 'Bo Ærø', target: 'voksen', provision: 'SEL § 85', benefit: null,
        opened: '2023-01-01', decided: '2023-02-01', team: null },
    ]);
    assert.equal(sqlite(db, 'select format from case_import'), 'xlsx');
  } finally { cleanup(); }
});
