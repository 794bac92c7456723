// The offline registration sheet, on the command line and over HTTP, checked with an
// independent reader and writer: python3's zipfile and xml.etree read the sheets tilsyn
// writes, and write the filled-in sheets tilsyn reads (a minimal workbook with inline
// strings, as some programs save it). `round sheet` has the case numbers in column A and the
// question codes in row 1; `answers import` stores what a sheet says (seen in `round results`)
// or, with one bad cell, exits 2 naming the cell and stores nothing. On the web the working
// group downloads and uploads the sheet; a raadgiver gets 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, startServer, Client } from '../lib/server.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-sheet-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

// A new round in BHS with a fresh sample of n cases (nothing answered yet); returns its id.
function newRound(db, n) {
  let r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', `Arktest ${n}`]);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  r = cli(db, ['round', 'sample', id, '--size', String(n), '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  return id;
}

const codesOf = (db, round, where = '1') => sqlite(db, `select q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id join catalogue_section s on s.id = q.section_id where rc.round_id = ${round} and ${where} order by rc.position, s.position, q.position`).split('\n');
const casesOf = (db, round) => sqlite(db, `select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${round} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n');
const results = (db, round) => {
  const r = cli(db, ['round', 'results', round, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).questions.map((x) => [x.code, x]));
};
const colName = (i) => { let s = ''; for (i += 1; i; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s; return s; };

test('round sheet writes the cases in column A and the question codes in row 1', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const round = sqlite(db, "select min(id) from round where department_id = (select id from department where code = 'BHS')");
    const out = join(work, 'ark.xlsx');
    const r = cli(db, ['round', 'sheet', round, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const cases = casesOf(db, round);
    assert.ok(cases.length >= 20);
    assert.match(r.stdout, new RegExp(`${cases.length} sager`));
    const s = readSheet(out);
    assert.deepEqual(s.sheets[0], ['Registrering', 'visible']);
    assert.ok(s.sheets.some(([n]) => n === 'Spørgsmål'));
    assert.ok(s.frozen, 'the header row and column A are frozen');
    assert.ok(s.validations > 0, 'drop-down lists on the answer cells');
    assert.equal(s.cells.A1, 'Sagsnummer');
    const codes = codesOf(db, round);
    assert.ok(codes.length >= 15);
    codes.forEach((code, i) => assert.equal(s.cells[`${colName(i + 1)}1`], code, code));
    cases.forEach((no, i) => assert.equal(s.cells[`A${i + 2}`], no, no));
    assert.equal(s.cells[`A${cases.length + 2}`], undefined, 'no more rows than sampled cases');
    // Answers already given are in the sheet in Danish words.
    const given = sqlite(db, `select c.case_no || '|' || q.code || '|' || a.value from answer a join cases c on c.id = a.case_id join question q on q.id = a.question_id where a.round_id = ${round} and a.value in ('ja','delvist','nej','ikke_relevant')`);
    for (const line of given ? given.split('\n') : []) {
      const [no, code, value] = line.split('|');
      const cell = `${colName(codes.indexOf(code) + 1)}${cases.indexOf(no) + 2}`;
      assert.equal(s.cells[cell], value === 'ikke_relevant' ? 'ikke relevant' : value, cell);
    }
    // The download is audited (the sheet holds case numbers).
    assert.equal(sqlite(db, `select count(*) from audit where action = 'round_sheet' and object = 'round:${round}'`), '1');
    // Bad input: no -o, an unknown round.
    let bad = cli(db, ['round', 'sheet', round]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /-o FIL\.xlsx/);
    bad = cli(db, ['round', 'sheet', '999', '-o', out]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /999 findes ikke/);
  } finally { cleanup(); }
});

test('answers import stores a filled sheet (seen in round results); a bad cell exits 2, names it, stores nothing', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const round = newRound(db, 8);
    const cases = casesOf(db, round);
    assert.equal(cases.length, 8);
    const [q1, q2, q3] = codesOf(db, round, "q.scale = 'jdn'");
    const file = join(work, 'udfyldt.xlsx');
    writeSheet(file, [
      ['Sagsnummer', q1, q2, q3, `${q1} kommentar`],
      [cases[0], 'ja', 'Nej', 'ikke relevant', 'Godt oplyst'],
      [cases[1], 'JA', 'delvist', '', ''],
      [cases[2], 'nej', 'ja', 'ikke_relevant', ''],
      [cases[3], '', '', '', ''],
    ]);
    const before = results(db, round);
    assert.equal(before[q1].unanswered, 8);
    let r = cli(db, ['answers', 'import', round, file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /4 rækker læst; 8 svar gemt, 0 uændrede/);
    const after = results(db, round);
    assert.deepEqual([after[q1].yes, after[q1].no, after[q1].unanswered], [2, 1, 5]);
    assert.deepEqual([after[q2].yes, after[q2].partly, after[q2].no], [1, 1, 1]);
    assert.deepEqual([after[q3].not_relevant, after[q3].unanswered], [2, 6]);
    assert.equal(sqlite(db, `select count(*) from answer_history where round_id = ${round}`), '8');
    assert.equal(sqlite(db, `select count(*) from answer where round_id = ${round} and comment = 'Godt oplyst'`), '1');
    assert.match(sqlite(db, `select detail from audit where action = 'answers_import' and object = 'round:${round}'`), /8 svar gemt/);

    // The same sheet again changes nothing.
    r = cli(db, ['answers', 'import', round, file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 svar gemt, 8 uændrede/);

    // One bad value in D7 and a case that is not in the sample: exit 2, both named, nothing stored.
    const bad = join(work, 'forkert.xlsx');
    writeSheet(bad, [
      ['Sagsnummer', q1, q2, q3],
      [cases[0], 'nej', '', ''],
      [cases[1], '', '', ''],
      [cases[2], '', '', ''],
      ['X-0000-IKKE-UDTRUKKET', 'ja', '', ''],
      [cases[4], 'ja', '', ''],
      [cases[5], '', '', 'måske'],
    ]);
    const answersBefore = sqlite(db, `select group_concat(case_id || question_id || value, ',') from answer where round_id = ${round}`);
    r = cli(db, ['answers', 'import', round, bad]);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /forkert\.xlsx: D7: 'måske' er ikke et gyldigt svar; brug ja, delvist, nej eller ikke relevant/);
    assert.match(r.stderr, /forkert\.xlsx: A5: sagen 'X-0000-IKKE-UDTRUKKET' er ikke i tilsynets stikprøve/);
    assert.match(r.stderr, /intet er gemt: arket har 2 fejl/);
    assert.equal(sqlite(db, `select group_concat(case_id || question_id || value, ',') from answer where round_id = ${round}`), answersBefore);
    assert.deepEqual(results(db, round), after);

    // Not a workbook, an unknown round, a missing file name.
    writeFileSync(join(work, 'tekst.xlsx'), 'Sagsnummer;X\n');
    r = cli(db, ['answers', 'import', round, join(work, 'tekst.xlsx')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ikke en gyldig Excel-fil/);
    r = cli(db, ['answers', 'import', '999', file]);
    assert.equal(r.status, 2);
    r = cli(db, ['answers', 'import', round]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /answers import TILSYN FIL\.xlsx/);
    r = cli(db, ['answers', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /alt eller intet/);
  } finally { cleanup(); }
});

test('the web: the working group downloads and uploads the sheet; a raadgiver gets 403', async () => {
  const server = await startServer();
  try {
    const db = server.db;
    const round = newRound(db, 7);
    const cases = casesOf(db, round);
    const [q1, q2] = codesOf(db, round, "q.scale = 'jdn'");
    const leder = new Client(server.url), anne = new Client(server.url);
    assert.equal((await leder.login('leder.barn')).status, 303);
    assert.equal((await anne.login('anne')).status, 303);

    const page = await leder.get(`/d/BHS/rounds/${round}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`href="/d/BHS/rounds/${round}/sheet\\.xlsx"[^>]*>Hent registreringsark \\(xlsx\\)</a>`));
    assert.match(page.text, new RegExp(`action="/d/BHS/rounds/${round}/sheet" enctype="multipart/form-data"`));
    const csrf = Client.csrf(page.text);

    // Download.
    const res = await fetch(`${server.url}/d/BHS/rounds/${round}/sheet.xlsx`, { headers: { cookie: leder.cookieHeader() } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(res.headers.get('content-disposition'), new RegExp(`^attachment; filename="registreringsark-tilsyn-${round}\\.xlsx"$`));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = Buffer.from(await res.arrayBuffer());
    const downloaded = join(work, 'hentet.xlsx');
    writeFileSync(downloaded, body);
    const s = readSheet(downloaded);
    assert.equal(s.cells.A1, 'Sagsnummer');
    assert.equal(s.cells.B1, codesOf(db, round)[0]);
    assert.deepEqual(cases.map((_, i) => s.cells[`A${i + 2}`]), cases);
    assert.equal(sqlite(db, `select count(*) from audit where action = 'round_sheet' and object = 'round:${round}' and login = 'leder.barn'`), '1');

    // A raadgiver may neither download nor upload.
    assert.equal((await anne.get(`/d/BHS/rounds/${round}/sheet.xlsx`)).status, 403);
    const anneCsrf = await anne.csrfFor('/');
    const upload = (client, token, data) => {
      const fd = new FormData();
      if (token) fd.append('csrf', token);
      fd.append('file', new Blob([data], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'ark.xlsx');
      return client.request('POST', `/d/BHS/rounds/${round}/sheet`, { body: fd });
    };
    const good = join(work, 'web.xlsx');
    writeSheet(good, [['Sagsnummer', q1, q2], [cases[0], 'ja', 'nej'], [cases[1], 'delvist', '']]);
    assert.equal((await upload(anne, anneCsrf, readFileSync(good))).status, 403);
    assert.equal((await upload(leder, null, readFileSync(good))).status, 403, 'no CSRF token');
    assert.equal(sqlite(db, `select count(*) from answer where round_id = ${round}`), '0');

    // A bad sheet: 400 with every problem and its cell; nothing stored.
    const bad = join(work, 'web-bad.xlsx');
    writeSheet(bad, [['Sagsnummer', q1, q2, 'UKENDT-1'], [cases[0], 'ja', ''], [cases[1], '', ''],
      [cases[2], '', ''], [cases[3], '', ''], [cases[4], '', ''], [cases[5], '', 'kanske']]);
    let up = await upload(leder, csrf, readFileSync(bad));
    assert.equal(up.status, 400);
    assert.match(up.text, /Intet er gemt: arket har 2 fejl/);
    assert.match(up.text, /<td><code>C7<\/code><\/td><td>&#39;kanske&#39; er ikke et gyldigt svar; brug ja, delvist, nej eller ikke relevant\.<\/td>/);
    assert.match(up.text, /<td><code>D1<\/code><\/td><td>&#39;UKENDT-1&#39; er ikke et spørgsmål i dette tilsyn/);
    assert.match(up.text, /enctype="multipart\/form-data"/, 'the form again');
    assert.equal(sqlite(db, `select count(*) from answer where round_id = ${round}`), '0');
    // A file that is no sheet at all: 303 back to the upload form, which says so at the file, once.
    up = await upload(leder, csrf, Buffer.from('ikke et regneark'));
    assert.equal(up.status, 303);
    assert.match(up.location, new RegExp(`^/d/BHS/rounds/${round}/sheet\\?fejl=[0-9a-f]{64}$`));
    const form = await leder.get(up.location);
    assert.equal(form.status, 200);
    assert.match(form.text, /<li><a href="#sheet-file">[^<]*ikke en gyldig Excel-fil/);
    assert.match(form.text, /<p class="field-error" id="sheet-file-error">/);
    assert.match(form.text, /<input id="sheet-file" name="file" type="file" required accept=".xlsx" aria-invalid="true" aria-describedby="sheet-file-error">/);
    assert.doesNotMatch((await leder.get(up.location)).text, /error-summary/, 'the flash is single-use');
    up = await upload(leder, csrf, Buffer.alloc(0));
    assert.equal(up.status, 303);
    assert.match((await leder.get(up.location)).text, /<li><a href="#sheet-file">Vælg det udfyldte registreringsark/);

    // A good sheet: stored, back to the round page with the counts.
    up = await upload(leder, csrf, readFileSync(good));
    assert.equal(up.status, 303, up.text);
    assert.equal(up.location, `/d/BHS/rounds/${round}?sheet=1&saved=3&unchanged=0`);
    const shown = await leder.get(up.location);
    assert.match(shown.text, /Registreringsarket er indlæst: 3 svar gemt, 0 uændrede\./);
    const r = results(db, round);
    assert.deepEqual([r[q1].yes, r[q1].partly, r[q2].no], [1, 1, 1]);
    assert.equal(sqlite(db, `select count(*) from answer where round_id = ${round} and updated_by = (select id from users where login = 'leder.barn')`), '3');
    assert.equal(sqlite(db, `select count(*) from audit where action = 'answers_import' and login = 'leder.barn'`), '1');
  } finally { await server.stop(); }
});
