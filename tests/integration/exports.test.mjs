// Every list a leader sees as a spreadsheet, downloaded from the real server and opened with an
// independent reader (tests/lib/xlsx.mjs): the case list with the page's filters, a round's
// sample, its review progress and its results, the actions and the annual plan. Counts and
// proportions are number cells, dates date cells with the right day; a change is three
// numbers; text that a spreadsheet would run as a formula is defused; each download has the
// page's permission, and those holding case numbers are audited like the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let server, leder, anne, voksen, work;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-exports-'));
  server = await startServer();
  [leder, anne, voksen] = [0, 0, 0].map(() => new Client(server.url));
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await voksen.login('leder.voksen')).status, 303);
});
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const q = (sql) => sqlite(server.db, sql);
let n = 0;
// Downloads path as leder.barn and reads sheet `index` of it.
async function download(path, index = 0, client = leder) {
  const res = await fetch(server.url + path, { headers: { cookie: client.cookieHeader() } });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-type'), XLSX, path);
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="[A-Za-z0-9-]+\.xlsx"$/, path);
  const file = join(work, `${++n}.xlsx`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return { ...readSheet(file, index), file };
}

// The sheet's rows below the heading row, as arrays of [value, type] from column A.
function rows(sheet, ncols) {
  const out = [];
  for (let r = 2; ; r++) {
    const cols = 'ABCDEFGHIJKLMNOPQR'.slice(0, ncols).split('');
    if (cols.every((c) => !(`${c}${r}` in sheet.cells))) return out;
    out.push(cols.map((c) => [sheet.cells[`${c}${r}`] ?? '', sheet.types[`${c}${r}`] ?? 'empty']));
  }
}
const serial = (iso) => String((Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) - Date.UTC(1899, 11, 30)) / 86400000);
const close = (a, b) => Math.abs(Number(a) - Number(b)) < 1e-9;

test('the case list as xlsx: every case of the current list, dates as date cells, the filters of the page, audited', async () => {
  const sheet = await download('/d/BHS/cases/export.xlsx');
  assert.deepEqual(sheet.sheets, [['Sagsliste', 'visible']]);
  assert.deepEqual(['A1', 'B1', 'F1', 'G1'].map((c) => sheet.cells[c]), ['Sagsnummer', 'Rådgiver', 'Oprettet', 'Seneste afgørelse']);
  assert.ok(sheet.frozen, 'the heading row stays in view');
  const all = rows(sheet, 8);
  const expected = q("select case_no || '|' || coalesce(opened, '') || '|' || coalesce(decided, '') from cases where department_id = 1 and on_list = 1 order by advisor, case_no").split('\n');
  assert.equal(all.length, expected.length);
  assert.ok(all.length > 100, 'not paged');
  all.forEach((row, i) => {
    const [no, opened, decided] = expected[i].split('|');
    assert.deepEqual(row[0], [no, 'text']);
    if (opened) assert.deepEqual(row[5], [serial(opened), 'date'], no);
    if (decided) assert.deepEqual(row[6], [serial(decided), 'date'], no);
  });

  // The page's filters: part of a name in any case, part of a case number.
  const page = await leder.get('/d/BHS/cases?advisor=%C3%98STER&target=barn');
  const href = page.text.match(/href="(\/d\/BHS\/cases\/export\.xlsx\?[^"]+)"/);
  assert.ok(href, 'the page links to the download with its filters');
  const filtered = rows(await download(href[1].replace(/&amp;/g, '&')), 8);
  const østerby = q("select count(*) from cases where department_id = 1 and on_list = 1 and advisor = 'Henrik Østerby' and target = 'barn'");
  assert.equal(filtered.length, Number(østerby));
  assert.ok(filtered.every((r) => r[1][0] === 'Henrik Østerby'));
  const suffix = expected[0].split('|')[0].slice(-6);
  const byNo = rows(await download(`/d/BHS/cases/export.xlsx?q=${encodeURIComponent(suffix)}`), 8);
  assert.ok(byNo.length >= 1 && byNo.every((r) => r[0][0].includes(suffix)));

  const audit = q("select count(*) || '|' || max(detail) from audit where action = 'cases_export' and login = 'leder.barn'");
  assert.match(audit, /^3\|sagsliste hentet som regneark \(\d+ sager(, filtreret)?\)$/);
  // The case's own audit log lists the download as a list view that included it.
  const log = JSON.parse(cli(server.db, ['audit', 'case', expected[0].split('|')[0], '--department', 'BHS', '--format', 'json']).stdout);
  assert.equal(log.filter((e) => e.action === 'hentede afdelingens sagsliste som regneark (listevisning)' && e.list).length, 3);

  // The permission of the page: a caseworker and another department's leader are refused.
  for (const c of [anne, voksen]) {
    const res = await c.get('/d/BHS/cases/export.xlsx');
    assert.equal(res.status, 403);
  }
});

test('the report workbook writes a change as three numbers and the verdict word, as the results export does', () => {
  const json = JSON.parse(cli(server.db, ['round', 'results', '5', '--format', 'json']).stdout);
  const file = join(work, 'report-ledelse.xlsx');
  const made = cli(server.db, ['report', '5', '--audience', 'ledelse', '--format', 'xlsx', '-o', file]);
  assert.equal(made.status, 0, made.stderr);
  const { cells, types } = readSheet(file);
  assert.deepEqual(['N5', 'O5', 'P5', 'Q5'].map((c) => cells[c]), ['Ændring siden sidst', 'Ændring fra', 'Ændring til', 'Vurdering']);
  const byCode = {};
  for (let r = 6; cells[`A${r}`]; r++) byCode[cells[`A${r}`]] = r;
  let changes = 0;
  for (const x of json.questions) {
    const r = byCode[x.code];
    assert.ok(r, `${x.code} in the report workbook`);
    if (!x.previous) {
      assert.ok(!(`N${r}` in cells) && !(`Q${r}` in cells), `${x.code} has no change`);
      continue;
    }
    changes++;
    assert.deepEqual(['N', 'O', 'P'].map((c) => types[`${c}${r}`]), ['number', 'number', 'number'], x.code);
    assert.ok(close(cells[`N${r}`], x.previous.diff) && close(cells[`O${r}`], x.previous.diff_low)
      && close(cells[`P${r}`], x.previous.diff_high), x.code);
    const verdict = { improved: 'forbedret', declined: 'forværret', no_clear_change: 'ingen sikker ændring' }[x.previous.verdict];
    assert.equal(cells[`Q${r}`], verdict, x.code);
  }
  assert.ok(changes > 0, 'round 5 has a previous round to compare with');
});

test('text a spreadsheet would run as a formula is defused in every export', async () => {
  q(`INSERT INTO cases (department_id, case_no, advisor, team, provision, first_seen, last_seen)
     VALUES (1, '=HYPERLINK("http://x","y")', '+Formel Rådgiver', '@SUM(1)', '-2+3', '2026-01-01', '2026-01-01')`);
  const found = rows(await download('/d/BHS/cases/export.xlsx?advisor=formel'), 8);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].map((c) => c[0]), ["'=HYPERLINK(\"http://x\",\"y\")", "'+Formel Rådgiver", '', "'-2+3", '', '', '', "'@SUM(1)"]);
  assert.ok(found[0].every(([v, t]) => v === '' || t === 'text'));
  q(`DELETE FROM cases WHERE advisor = '+Formel Rådgiver'`);
});

test('results as xlsx: counts and proportions are numbers, a change is three numbers as the JSON has them', async () => {
  const json = JSON.parse(cli(server.db, ['round', 'results', '5', '--format', 'json']).stdout);
  const sheet = await download('/d/BHS/rounds/5/results.xlsx');
  assert.deepEqual(sheet.sheets.map((s) => s[0]), ['Resultater', 'Pr. kategori']);
  assert.deepEqual(['K1', 'L1', 'M1', 'N1', 'O1', 'P1', 'Q1', 'R1'].map((c) => sheet.cells[c]),
    ['Opfyldt', '95 %-interval fra', '95 %-interval til', 'Opfyldt sidst', 'Ændring', 'Ændring fra', 'Ændring til', 'Vurdering']);
  const got = rows(sheet, 18);
  assert.equal(got.length, json.questions.length);
  let changes = 0;
  json.questions.forEach((x, i) => {
    const row = got[i];
    assert.equal(row[0][0], x.code);
    assert.deepEqual(row.slice(4, 9).map((c) => c[0]), [x.yes, x.partly, x.no, x.not_relevant, x.unanswered].map(String));
    assert.ok(row.slice(4, 13).every(([v, t]) => t === 'number'), x.code);
    assert.ok(close(row[10][0], x.fulfilled) && close(row[11][0], x.ci_low) && close(row[12][0], x.ci_high), x.code);
    if (x.previous) {
      changes++;
      assert.ok(row.slice(13, 17).every(([, t]) => t === 'number'), x.code);
      assert.ok(close(row[13][0], x.previous.fulfilled), x.code);
      assert.ok(close(row[14][0], x.previous.diff) && close(row[15][0], x.previous.diff_low) && close(row[16][0], x.previous.diff_high), x.code);
      const verdict = { improved: 'forbedret', declined: 'forværret', no_clear_change: 'ingen sikker ændring' }[x.previous.verdict];
      assert.equal(row[17][0], verdict, x.code);
    }
  });
  assert.ok(changes > 0, 'round 5 has a previous round to compare with');
  const groups = rows(await download('/d/BHS/rounds/5/results.xlsx', 1), 18);
  assert.equal(groups.at(-1)[1][0], 'Hele tilsynet');
  assert.equal(groups.at(-1)[4][0], String(json.questions.reduce((s, x) => s + x.yes, 0)));
  assert.equal((await anne.get('/d/BHS/rounds/5/results.xlsx')).status, 403);
  assert.equal((await voksen.get('/d/BHS/rounds/5/results.xlsx')).status, 403);
});

test('the sample and the review progress as xlsx, audited like their pages', async () => {
  const sample = rows(await download('/d/BHS/rounds/3/sample.xlsx'), 8);
  const expected = q("select c.case_no || '|' || rc.status from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 3 order by rc.status desc, rc.sample_key").split('\n');
  assert.deepEqual(sample.map((r) => `${r[0][0]}|${r[6][0]}`), expected);
  assert.match(q("select detail from audit where action = 'round_sample_export' and object = 'round:3'"), /^stikprøve hentet som regneark \(\d+ sager\)$/);
  const first = expected[0].split('|')[0];
  const log = JSON.parse(cli(server.db, ['audit', 'case', first, '--department', 'BHS', '--format', 'json']).stdout);
  assert.ok(log.some((e) => e.action === 'hentede stikprøven som regneark (listevisning)' && e.list), first);

  const review = rows(await download('/d/BHS/rounds/3/review.xlsx'), 9);
  const sampled = Number(q("select count(*) from round_case where round_id = 3 and status = 'udtrukket'"));
  assert.equal(review.length, sampled);
  for (const r of review) {
    assert.ok(r.slice(4, 7).every(([, t]) => t === 'number'), r[0][0]);
    assert.equal(Number(r[4][0]) + Number(r[6][0]), Number(r[5][0]), r[0][0]);
    assert.ok(['færdig', 'i gang', 'ikke startet'].includes(r[3][0]));
  }
  const done = q("select count(*) from round_case where round_id = 3 and status = 'udtrukket' and review_status = 'faerdig'");
  assert.equal(review.filter((r) => r[3][0] === 'færdig').length, Number(done));
  assert.match(q("select detail from audit where action = 'review_progress_export' and object = 'round:3'"), /\(\d+ sager\)$/);
  assert.equal((await leder.get('/d/VHS/rounds/3/review.xlsx')).status, 403);
  assert.equal((await leder.get('/d/BHS/rounds/2/sample.xlsx')).status, 404, "another department's round");
  assert.equal((await anne.get('/d/BHS/rounds/3/sample.xlsx')).status, 403);
});

test('actions and the annual plan as xlsx: due dates and periods are date cells', async () => {
  const actions = rows(await download('/d/BHS/actions.xlsx'), 7);
  const expected = q("select title || '|' || coalesce(due, '') from action_item where department_id = 1").split('\n');
  assert.equal(actions.length, expected.length);
  for (const line of expected) {
    const [title, due] = line.split('|');
    const row = actions.find((r) => r[0][0] === title);
    assert.ok(row, title);
    if (due) assert.deepEqual(row[2], [serial(due), 'date'], title);
    assert.equal(row[6][1], 'date', 'the last change is a date and time cell');
  }
  assert.equal((await voksen.get('/d/BHS/actions.xlsx')).status, 403);

  const plan = JSON.parse(cli(server.db, ['plan', '--department', 'BHS', '--year', '2026', '--format', 'json']).stdout);
  const sheet = await download('/d/BHS/plan.xlsx?year=2026');
  assert.equal(sheet.sheets[0][0], 'Årshjul 2026');
  const got = rows(sheet, 12);
  assert.equal(got.length, plan.rounds.length);
  plan.rounds.forEach((x, i) => {
    assert.equal(got[i][0][0], x.title);
    assert.deepEqual(got[i][3], [serial(x.start), 'date'], x.title);
    assert.deepEqual(got[i][4], [serial(x.end), 'date'], x.title);
    if (x.sampled) assert.deepEqual(got[i][7], [String(x.sampled), 'number'], x.title);
  });
  assert.equal((await leder.get('/d/BHS/plan.xlsx?year=19')).status, 400);
  assert.equal((await anne.get('/d/BHS/plan.xlsx')).status, 403);
});

test('each list page links to its download', async () => {
  for (const [page, link] of [
    ['/d/BHS/rounds/3', '/d/BHS/rounds/3/sample.xlsx'],
    ['/d/BHS/rounds/3/review', '/d/BHS/rounds/3/review.xlsx'],
    ['/d/BHS/rounds/5/results', '/d/BHS/rounds/5/results.xlsx'],
    ['/d/BHS/actions', '/d/BHS/actions.xlsx'],
    ['/d/BHS/plan?year=2026', '/d/BHS/plan.xlsx?year=2026'],
    ['/d/BHS/cases', '/d/BHS/cases/export.xlsx'],
  ]) {
    const res = await leder.get(page);
    assert.equal(res.status, 200, page);
    assert.ok(res.text.includes(`href="${link}" download>Hent `), `${page} links to ${link}`);
  }
});
