// Every CSV tilsyn writes (issue 12, item 12): a case list whose cells are spreadsheet formulas
// (=HYPERLINK(...), @SUM(...), +1+1, -2+3, a tab before =) is imported as it is, and every CSV
// export of the command line (`cases list`, `round cases`, `round results --format csv`) writes
// those cells with a leading ' so Excel shows them as text, while the figures tilsyn computes
// itself (a negative change) stay plain numbers. The JSON of the same data is unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite } from '../lib/server.mjs';

let fresh, work;
before(() => {
  fresh = freshDb({ demo: true });
  work = mkdtempSync(join(tmpdir(), 'tilsyn-csv-'));
});
after(() => { fresh?.cleanup(); rmSync(work, { recursive: true, force: true }); });

// RFC 4180 reader: rows of cells, quotes undone.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += '"', i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), cell = '';
    else if (c === '\n') row.push(cell), rows.push(row), row = [], cell = '';
    else cell += c;
  }
  assert.equal(cell, '', 'the file ends with a line break');
  return rows;
}

// What a spreadsheet would run as a formula: a cell starting with = + - @ tab or CR.
const live = (cell) => /^[=+\-@\t\r]/.test(cell);

// (A tab or CR first is trimmed away by the import itself; the writer's unit test has them.)
const FORMULAS = ['=HYPERLINK("http://x";"klik")', '@SUM(1+1)', '+1+1', '-2+3', '-SUM(1)', '=1+1'];

function run(args) {
  const r = cli(fresh.db, args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('a case list with formula cells is stored as it came and written defused by cases list and round cases', () => {
  run(['department', 'add', 'CSV', '--name', 'Afdeling CSV', '--area', 'voksen']);
  // Columns: case number, caseworker, provision, benefit, team; each row carries formulas.
  const lines = ['Sagsnummer;Rådgiver;Paragraf;Ydelse;Team'];
  for (let i = 0; i < 6; i++)
    lines.push([`=${i}+1`, `"${FORMULAS[i].replaceAll('"', '""')}"`, FORMULAS[(i + 1) % 6].replace(';', ','),
      `"${FORMULAS[(i + 2) % 6].replaceAll('"', '""')}"`, `@T${i}`].join(';'));
  const file = join(work, 'formler.csv');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  run(['cases', 'import', file, '--department', 'CSV']);
  // Stored as imported: the JSON shows the values unchanged.
  const json = JSON.parse(run(['cases', 'list', '--department', 'CSV', '--format', 'json']));
  assert.equal(json.length, 6);
  assert.deepEqual(json.map((c) => c.advisor).sort(), [...FORMULAS].sort());

  for (const args of [['cases', 'list', '--department', 'CSV'], ['cases', 'list', '--department', 'CSV', '--all', '--format', 'csv']]) {
    const rows = parseCsv(run(args));
    assert.equal(rows.length, 7, args.join(' '));
    for (const row of rows.slice(1)) {
      for (const cell of row) assert.ok(!live(cell), `${args.join(' ')}: a live formula ${JSON.stringify(cell)}`);
      // The case as stored, with only the leading ' added.
      const stored = json.find((c) => `'${c.case_no}` === row[0]);
      assert.ok(stored, `case ${row[0]}`);
      assert.equal(row[1], `'${stored.advisor}`);
      assert.equal(row[3], `'${stored.provision}`);
      assert.equal(row[4], `'${stored.benefit}`);
      assert.equal(row[7], `'${stored.team}`);
    }
  }

  const round = run(['round', 'create', '--department', 'CSV', '--kind', 'overordnet', '--title', 'Formler']).trim();
  run(['round', 'sample', round, '--size', '6', '--exclude-reviewed-months', '0']);
  for (const args of [['round', 'cases', round], ['round', 'cases', round, '--format', 'csv']]) {
    const rows = parseCsv(run(args));
    assert.deepEqual(rows[0], ['case_no', 'advisor', 'reviewer', 'status', 'key']);
    assert.equal(rows.length, 7);
    for (const row of rows.slice(1)) {
      for (const cell of row) assert.ok(!live(cell), `round cases: a live formula ${JSON.stringify(cell)}`);
      assert.ok(FORMULAS.includes(row[1].slice(1)) && row[1][0] === "'", row[1]);
      assert.match(row[4], /^[0-9a-f]{64}$/, 'the key as it is');
    }
  }
});

test('round results --format csv: catalogue text defused, the figures (a negative change too) stay numbers', () => {
  // A catalogue whose question text is a formula: a new draft of the adults' overall catalogue,
  // its first question's text changed while a draft (as the question editor may), published.
  run(['catalogue', 'export', 'overordnet-voksen', '-o', join(work, 'kat.xlsx')]);
  const draft = run(['catalogue', 'import', join(work, 'kat.xlsx')]).trim().split(/\s+/)[0];
  const code = sqlite(fresh.db, `select code from question where catalogue_id = ${draft} order by id limit 1`);
  sqlite(fresh.db, `update question set text = '=HYPERLINK("http://x")' where catalogue_id = ${draft} and code = '${code}'`);
  run(['catalogue', 'publish', 'overordnet-voksen']);
  const round = run(['round', 'create', '--department', 'CSV', '--kind', 'overordnet', '--title', 'Formelkatalog',
    '--catalogue', 'overordnet-voksen']).trim();
  run(['round', 'sample', round, '--size', '6', '--exclude-reviewed-months', '0']);
  const rows = parseCsv(run(['round', 'results', round, '--format', 'csv']));
  assert.equal(rows[0].length, 17);
  const q = rows.find((r) => r[0] === code);
  assert.equal(q[1], `'=HYPERLINK("http://x")`, 'the formula text defused');
  // The demo's rounds compare with earlier ones; some change intervals reach below 0.
  const ids = sqlite(fresh.db, 'select distinct round_id from round_case order by round_id').split('\n');
  let negatives = 0;
  for (const id of [...ids, round]) {
    const all = parseCsv(run(['round', 'results', id, '--format', 'csv']));
    for (const row of all.slice(1)) {
      assert.equal(row.length, 17);
      assert.ok(!live(row[0]) && !live(row[1]) && !live(row[16]), row.join(','));
      for (const cell of row.slice(2, 16)) assert.match(cell, /^(-?\d+(\.\d+)?)?$/, `a number as it is: ${cell}`);
      negatives += row.slice(13, 16).filter((c) => c.startsWith('-')).length;
    }
  }
  assert.ok(negatives > 0, 'negative changes written as numbers, not defused');
});
