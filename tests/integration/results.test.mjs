// `tilsyn round results` checked from outside. The test installs its own question catalogue and
// puts answers straight into the database with the sqlite3 tool, then compares the JSON, CSV
// and text output with counts, Wilson intervals and Newcombe hybrid score intervals computed
// here, independently of the C code, from the answers the test wrote (to 1e-9 for JSON, to
// the printed decimals for CSV and text). Covers conditional questions, text questions being
// left out, væsentlig betydning, replaced cases, and which earlier round counts as "previous".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite } from '../lib/server.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-results-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

// ---- statistics, written again from the formulas (Wilson 1927; Newcombe 1998, method 10) ----

const Z = 1.959964;

function wilson(k, n) {
  if (n === 0) return [0, 1];
  const p = k / n, z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

// p1 = k1/n1 the newer round, p2 = k2/n2 the earlier one.
function newcombe(k1, n1, k2, n2) {
  const [l1, u1] = wilson(k1, n1), [l2, u2] = wilson(k2, n2);
  const p1 = k1 / n1, p2 = k2 / n2, d = p1 - p2;
  return [d, d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

const verdictOf = (low, high) => (low > 0 ? 'improved' : high < 0 ? 'declined' : 'no_clear_change');

// Published checks of the reference itself (Newcombe 1998, Stat Med 17:857 Table I and 17:873
// Table II), so that a wrong formula here cannot agree with a wrong one in C.
test('the reference implementation reproduces Newcombe\'s published examples', () => {
  const r4 = (x) => Math.round(x * 1e4) / 1e4;
  assert.deepEqual(wilson(81, 263).map(r4), [0.2553, 0.3662]);
  assert.deepEqual(wilson(1, 29).map(r4), [0.0061, 0.1718]);
  assert.deepEqual(newcombe(56, 70, 48, 80).slice(1).map(r4), [0.0524, 0.3339]);
  assert.deepEqual(newcombe(5, 56, 0, 29).slice(1).map(r4), [-0.0381, 0.1926]);
  assert.deepEqual(newcombe(10, 10, 0, 20).slice(1).map(r4), [0.6791, 1]);
});

// ---- the scenario ----

const CATALOGUE = {
  code: 'itest',
  sections: [
    { title: 'Sagsbehandling', questions: [
      { code: 'A-1', text: 'Er sagen oplyst, og er der partshørt?', scale: 'jdn', category: 'forvaltningsret' },
      { code: 'A-2', text: 'Er afgørelsen begrundet?', scale: 'jdn', category: 'retssikkerhed' },
      { code: 'A-3', text: 'Er der en "handleplan"?', scale: 'jn', category: 'socialfaglig' },
    ] },
    { title: 'Handleplan', questions: [
      { code: 'B-1', text: 'Er handleplanen fulgt op?', scale: 'jdn', category: 'socialfaglig', cond: ['A-3', ['ja']] },
      { code: 'B-2', text: 'Bemærkninger', scale: 'text', category: 'socialfaglig' },
    ] },
  ],
};
const QUESTIONS = CATALOGUE.sections.flatMap((s) => s.questions);
const RESULT_CODES = QUESTIONS.filter((q) => q.scale !== 'text').map((q) => q.code);

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

// Installs CATALOGUE as a published catalogue (as a draft first: published questions and their
// condition rows are frozen).
function installCatalogue(db) {
  const sql = ["BEGIN;",
    `INSERT INTO catalogue (code, version, title, kind, target, status, source, created_at) VALUES (${q(CATALOGUE.code)}, 1, 'Integrationstest', 'overordnet', 'barn', 'kladde', 'lokal', '2025-01-01T00:00:00Z');`];
  let pos = 0;
  CATALOGUE.sections.forEach((s, i) => {
    sql.push(`INSERT INTO catalogue_section (catalogue_id, position, title) SELECT id, ${i + 1}, ${q(s.title)} FROM catalogue WHERE code = ${q(CATALOGUE.code)};`);
    for (const x of s.questions) {
      sql.push(`INSERT INTO question (catalogue_id, section_id, position, code, text, category, scale, cond_question, cond_answers)
        SELECT c.id, (SELECT max(id) FROM catalogue_section WHERE catalogue_id = c.id), ${++pos}, ${q(x.code)}, ${q(x.text)}, ${q(x.category)}, ${q(x.scale)},
        ${x.cond ? q(x.cond[0]) : 'NULL'}, ${x.cond ? q(JSON.stringify(x.cond[1])) : 'NULL'} FROM catalogue c WHERE c.code = ${q(CATALOGUE.code)};`);
    }
  });
  // As publishing does: each condition as rows of question_condition, one per answer.
  for (const x of QUESTIONS.filter((x) => x.cond)) {
    x.cond[1].forEach((answer, k) => sql.push(`INSERT INTO question_condition (question_id, gate_id, position, answer)
      SELECT x.id, g.id, ${k + 1}, ${q(answer)} FROM catalogue c JOIN question x ON x.catalogue_id = c.id AND x.code = ${q(x.code)}
      JOIN question g ON g.catalogue_id = c.id AND g.code = ${q(x.cond[0])} WHERE c.code = ${q(CATALOGUE.code)};`));
  }
  sql.push(`UPDATE catalogue SET status = 'udgivet', published_at = '2025-01-01T00:00:00Z' WHERE code = ${q(CATALOGUE.code)};`, 'COMMIT;');
  sqlite(db, sql.join('\n'));
}

const CASES = Array.from({ length: 14 }, (_, i) => ({ case_no: `27.15.00-G01-${300 + i}-25`, advisor: i % 2 ? 'Bo Bech' : 'Anna Andersen' }));

function setup() {
  const fresh = freshDb();
  let r = cli(fresh.db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(fresh.db, ['department', 'add', 'AND', '--name', 'Anden afdeling', '--area', 'barn']);
  assert.equal(r.status, 0, r.stderr);
  const file = join(work, `cases-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, 'Sagsnummer;Rådgiver\n' + CASES.map((c) => `${c.case_no};${c.advisor}`).join('\n') + '\n');
  for (const dept of ['TST', 'AND']) {
    r = cli(fresh.db, ['cases', 'import', file, '--department', dept]);
    assert.equal(r.status, 0, r.stderr);
  }
  installCatalogue(fresh.db);
  return fresh;
}

// Creates and samples a round; returns {id, cases: [case_id...] in sample order}.
function round(db, { kind = 'overordnet', start, size, dept = 'TST' }) {
  let r = cli(db, ['round', 'create', '--department', dept, '--kind', kind, '--title', `Tilsyn ${start}`, '--catalogue', CATALOGUE.code, '--start', start]);
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  r = cli(db, ['round', 'sample', String(id), '--size', String(size), '--seed', 'ab'.repeat(32), '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  const cases = sqlite(db, `SELECT case_id FROM round_case WHERE round_id = ${id} ORDER BY sample_key`).split('\n').map(Number);
  assert.equal(cases.length, size);
  return { id, cases };
}

// answers: {code: [value per sampled case, in sample order]}; null = unanswered, a leading
// '*' = væsentlig betydning. Written as a review would leave them, straight into the table.
function putAnswers(db, rnd, answers) {
  const sql = ['BEGIN;'];
  for (const [code, values] of Object.entries(answers)) {
    values.forEach((v, i) => {
      if (v == null) return;
      const material = v.startsWith('*') ? 1 : 0;
      sql.push(`INSERT INTO answer (round_id, case_id, question_id, value, material, comment, revision, updated_at)
        SELECT ${rnd.id}, ${rnd.cases[i]}, qq.id, ${q(v.replace(/^\*/, ''))}, ${material}, '', 1, '2025-06-01T10:00:00Z'
        FROM question qq JOIN round_catalogue rc ON rc.catalogue_id = qq.catalogue_id WHERE rc.round_id = ${rnd.id} AND qq.code = ${q(code)};`);
    });
  }
  sql.push('COMMIT;');
  sqlite(db, sql.join('\n'));
  assert.equal(Number(sqlite(db, `SELECT count(*) FROM answer WHERE round_id = ${rnd.id}`)),
    Object.values(answers).flat().filter((v) => v != null).length);
}

// The expected result of one round, from the answers the test wrote: only cases still in the
// sample count; a conditional question counts as not relevant where its condition's question is
// answered otherwise, and as unanswered where that question is unanswered.
function expected(answers, n) {
  const out = {};
  for (const x of QUESTIONS) {
    if (x.scale === 'text') continue;
    const c = { yes: 0, partly: 0, no: 0, not_relevant: 0, unanswered: 0, material: 0 };
    for (let i = 0; i < n; i++) {
      const raw = answers[x.code]?.[i] ?? null;
      const v = raw?.replace(/^\*/, '') ?? null;
      // The gate unanswered: not yet known, so unanswered (never ikke relevant).
      const gate = x.cond ? (answers[x.cond[0]]?.[i] ?? null)?.replace(/^\*/, '') ?? null : undefined;
      if (x.cond && gate === null) c.unanswered++;
      else if ((x.cond && !x.cond[1].includes(gate)) || v === 'ikke_relevant') c.not_relevant++;
      else if (v === null) c.unanswered++;
      else {
        c[{ ja: 'yes', delvist: 'partly', nej: 'no' }[v]]++;
        if (raw.startsWith('*') && v !== 'ja') c.material++;
      }
    }
    const base = c.yes + c.partly + c.no;
    c.fulfilled = base ? c.yes / base : null;
    [c.ci_low, c.ci_high] = base ? wilson(c.yes, base) : [null, null];
    c.base = base;
    out[x.code] = c;
  }
  return out;
}

function withPrevious(now, prev, prevId) {
  for (const code of Object.keys(now)) {
    const a = now[code], b = prev?.[code];
    if (!b || !a.base || !b.base) { a.previous = null; continue; }
    const [diff, low, high] = newcombe(a.yes, a.base, b.yes, b.base);
    a.previous = { round: prevId, fulfilled: b.fulfilled, diff, diff_low: low, diff_high: high, verdict: verdictOf(low, high) };
  }
  return now;
}

// The current round: 10 sampled cases, one more sampled, answered and then replaced.
const NOW = {
  'A-1': ['ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja', '*delvist', 'ikke_relevant', 'nej'],
  'A-2': ['ja', '*nej', '*nej', 'nej', 'nej', 'nej', null, null, null, null, 'nej'],
  'A-3': ['ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'nej', 'nej', null, 'ja'],
  // c7 has an answer left over although A-3 is nej there: not relevant.
  'B-1': ['ja', 'ja', 'ja', 'ja', 'ja', 'nej', null, '*nej', null, null, 'ja'],
  'B-2': ['Fin sag, godt arbejde', null, 'Mangler "plan"'],
};
// The previous round (same department and kind, earlier start).
const BEFORE = {
  'A-1': ['ja', 'delvist', 'delvist', 'delvist', 'nej', 'nej', 'nej', 'nej'],
  'A-2': ['ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja', 'ja'],
  'A-3': ['ja', 'ja', 'nej'],
  'B-1': ['ja', 'nej', 'ja'],
};
// Decoys that must never be "previous": every A-1 answered nej.
const DECOY = { 'A-1': ['nej', 'nej', 'nej'], 'A-2': ['nej', 'nej', 'nej'] };

// Answers NOW; the eleventh case is replaced after it was answered, so it no longer counts.
function answerNow(db, now) {
  putAnswers(db, now, NOW);
  sqlite(db, `UPDATE round_case SET status = 'erstattet', replaced_reason = 'test' WHERE round_id = ${now.id} AND case_id = ${now.cases[10]}`);
}

function results(db, id, format) {
  const r = cli(db, ['round', 'results', String(id), '--format', format]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

const DESIGN_KEYS = ['code', 'text', 'yes', 'partly', 'no', 'not_relevant', 'unanswered', 'fulfilled', 'ci_low', 'ci_high', 'previous'];
const PREVIOUS_KEYS = ['round', 'fulfilled', 'diff', 'diff_low', 'diff_high', 'verdict'];

function close(got, want, what) {
  if (want === null) { assert.equal(got, null, what); return; }
  assert.equal(typeof got, 'number', `${what} is a number`);
  assert.ok(Math.abs(got - want) <= 1e-9, `${what}: ${got} vs ${want}`);
}

// The JSON has the design's shape and the independently computed values.
function checkJson(db, id, want) {
  const out = JSON.parse(results(db, id, 'json'));
  assert.equal(out.round, id);
  assert.deepEqual(Object.keys(out).sort(), ['questions', 'round']);
  assert.deepEqual(out.questions.map((x) => x.code), RESULT_CODES, 'jdn and jn questions in catalogue order, no text question');
  for (const x of out.questions) {
    const w = want[x.code];
    for (const k of DESIGN_KEYS) assert.ok(k in x, `${x.code} has ${k}`);
    assert.deepEqual(Object.keys(x).filter((k) => DESIGN_KEYS.includes(k)), DESIGN_KEYS, 'the design\'s order');
    assert.equal(x.text, QUESTIONS.find((y) => y.code === x.code).text);
    for (const k of ['yes', 'partly', 'no', 'not_relevant', 'unanswered']) assert.equal(x[k], w[k], `${x.code} ${k}`);
    if ('material' in x) assert.equal(x.material, w.material, `${x.code} material`);
    for (const k of ['fulfilled', 'ci_low', 'ci_high']) {
      close(x[k], w[k], `${x.code} ${k}`);
      if (x[k] !== null) assert.ok(x[k] >= 0 && x[k] <= 1);
    }
    if (w.previous === null) { assert.equal(x.previous, null, `${x.code} previous`); continue; }
    assert.deepEqual(Object.keys(x.previous), PREVIOUS_KEYS);
    assert.equal(x.previous.round, w.previous.round);
    for (const k of ['fulfilled', 'diff', 'diff_low', 'diff_high']) close(x.previous[k], w.previous[k], `${x.code} previous.${k}`);
    assert.ok(x.previous.fulfilled >= 0 && x.previous.fulfilled <= 1);
    assert.equal(x.previous.verdict, w.previous.verdict, `${x.code} verdict`);
  }
  return out;
}

// A small RFC 4180 reader: enough for quoted fields with commas and doubled quotes.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function checkCsv(db, id, want) {
  const [header, ...rows] = parseCsv(results(db, id, 'csv'));
  for (const k of ['code', 'text', 'yes', 'partly', 'no', 'not_relevant', 'unanswered', 'fulfilled', 'ci_low', 'ci_high', 'diff', 'diff_low', 'diff_high', 'verdict'])
    assert.ok(header.includes(k), `CSV header has ${k}`);
  assert.deepEqual(rows.map((r) => r[header.indexOf('code')]), RESULT_CODES);
  for (const r of rows) {
    assert.equal(r.length, header.length, 'every row as wide as the header');
    const get = (k) => r[header.indexOf(k)];
    const w = want[get('code')];
    assert.equal(get('text'), QUESTIONS.find((y) => y.code === get('code')).text);
    for (const k of ['yes', 'partly', 'no', 'not_relevant', 'unanswered']) assert.equal(Number(get(k)), w[k], `${get('code')} ${k}`);
    const num = (k, v) => {
      if (v === null) { assert.equal(get(k), '', `${get('code')} ${k} empty`); return; }
      assert.ok(Math.abs(Number(get(k)) - v) <= 0.00005 + 1e-12, `${get('code')} ${k}: ${get(k)} vs ${v}`);
    };
    for (const k of ['fulfilled', 'ci_low', 'ci_high']) num(k, w[k]);
    const p = w.previous;
    for (const k of ['diff', 'diff_low', 'diff_high']) num(k, p ? p[k] : null);
    if (header.includes('previous_round')) assert.equal(get('previous_round'), p ? String(p.round) : '');
    if (header.includes('previous_fulfilled')) num('previous_fulfilled', p ? p.fulfilled : null);
    assert.equal(get('verdict'), p ? p.verdict : '');
  }
}

const DANISH_VERDICT = { improved: 'forbedret', declined: 'forværret', no_clear_change: 'ingen sikker ændring' };

function checkText(db, id, want) {
  const text = results(db, id, 'text');
  assert.match(text, /Spørgsmål/);
  assert.match(text, /opfyldt/i);
  assert.match(text, /\bja\b/);
  assert.match(text, /\bnej\b/);
  assert.match(text, /95 %/);
  assert.doesNotMatch(text, /improved|declined|no_clear_change|null|NaN/);
  const lines = text.split('\n');
  for (const code of RESULT_CODES) {
    const w = want[code];
    const line = lines.find((l) => l.startsWith(code + ' '));
    assert.ok(line, `a line for ${code}`);
    const near = (printed, v) => Math.abs(Number(printed) - 100 * v) <= 0.5 + 1e-9;
    if (w.fulfilled === null) {
      assert.doesNotMatch(line, /%/);
    } else {
      const m = line.match(/(\d+) % \(\s*(\d+)-\s*(\d+) %\)/);
      assert.ok(m, `${code}: share and interval in "${line}"`);
      assert.ok(near(m[1], w.fulfilled) && near(m[2], w.ci_low) && near(m[3], w.ci_high), `${code}: ${line}`);
    }
    if (w.previous === null) {
      assert.doesNotMatch(line, /point/);
    } else {
      const m = line.match(/([+-]\d+) point \(([+-]\d+) til ([+-]\d+)\): (.+)$/);
      assert.ok(m, `${code}: change in "${line}"`);
      const p = w.previous;
      assert.ok(near(m[1], p.diff) && near(m[2], p.diff_low) && near(m[3], p.diff_high), `${code}: ${line}`);
      assert.equal(m[4].trim(), DANISH_VERDICT[p.verdict]);
    }
  }
}

// ---- tests ----

test('results with no earlier comparable round: counts, Wilson intervals, previous null, in json, csv and text', () => {
  const { db, cleanup } = setup();
  try {
    const now = round(db, { start: '2025-09-01', size: 11 });
    // Before any answer: everything unanswered (B-1 too: its condition is not answered yet), no share.
    let want = withPrevious(expected({}, 11), null);
    assert.equal(want['B-1'].unanswered, 11);
    checkJson(db, now.id, want);
    checkCsv(db, now.id, want);

    answerNow(db, now);
    want = withPrevious(expected(NOW, 10), null);
    // Sanity of the scenario itself.
    assert.deepEqual([want['A-1'].yes, want['A-1'].partly, want['A-1'].not_relevant, want['A-1'].material], [8, 1, 1, 1]);
    assert.deepEqual([want['B-1'].yes, want['B-1'].no, want['B-1'].not_relevant, want['B-1'].unanswered, want['B-1'].material], [5, 1, 2, 2, 0]);
    // The case whose A-3 is unanswered has B-1 unanswered, not ikke relevant.
    assert.equal(NOW['A-3'].slice(0, 10).filter((v) => v == null).length, 1);

    // An earlier round of another kind, one of another department and a later one: none is comparable.
    const other = round(db, { kind: 'uddybende', start: '2025-03-01', size: 3 });
    putAnswers(db, other, DECOY);
    const elsewhere = round(db, { dept: 'AND', start: '2025-03-01', size: 3 });
    putAnswers(db, elsewhere, DECOY);
    const later = round(db, { start: '2026-03-01', size: 3 });
    putAnswers(db, later, DECOY);
    // An earlier comparable round without answers is no comparison either.
    round(db, { start: '2025-03-01', size: 3 });

    const out = checkJson(db, now.id, want);
    assert.ok(out.questions.every((x) => x.previous === null));
    checkCsv(db, now.id, want);
    checkText(db, now.id, want);
  } finally { cleanup(); }
});

test('results against the previous comparable round: Newcombe intervals and verdicts', () => {
  const { db, cleanup } = setup();
  try {
    // Created in this order so that "previous" cannot simply mean "the id before".
    const now = round(db, { start: '2025-09-01', size: 11 });
    const older = round(db, { start: '2024-09-01', size: 3 });
    const before = round(db, { start: '2025-03-01', size: 8 });
    const decoy = round(db, { kind: 'uddybende', start: '2025-06-01', size: 3 });
    const later = round(db, { start: '2026-03-01', size: 3 });
    round(db, { start: '2025-07-01', size: 3 }); // comparable and in between, but without answers
    answerNow(db, now);
    putAnswers(db, before, BEFORE);
    putAnswers(db, older, { 'A-1': ['ja', 'ja', 'ja'] });
    putAnswers(db, decoy, DECOY);
    putAnswers(db, later, DECOY);

    const prevWant = expected(BEFORE, 8);
    const want = withPrevious(expected(NOW, 10), prevWant, before.id);
    // The scenario has one of each verdict.
    assert.equal(want['A-1'].previous.verdict, 'improved');
    assert.equal(want['A-2'].previous.verdict, 'declined');
    assert.equal(want['B-1'].previous.verdict, 'no_clear_change');
    assert.ok(want['A-3'].previous);

    const out = checkJson(db, now.id, want);
    assert.ok(out.questions.every((x) => x.previous && x.previous.round === before.id));
    checkCsv(db, now.id, want);
    checkText(db, now.id, want);

    // The previous round's own previous is the older one, which answered A-1 only.
    const wantBefore = withPrevious(expected(BEFORE, 8), expected({ 'A-1': ['ja', 'ja', 'ja'] }, 3), older.id);
    assert.equal(wantBefore['A-1'].previous.verdict, 'declined');
    assert.equal(wantBefore['A-2'].previous, null);
    checkJson(db, before.id, wantBefore);
    checkCsv(db, before.id, wantBefore);
    // The later round compares with the current one.
    const wantLater = withPrevious(expected(DECOY, 3), expected(NOW, 10), now.id);
    checkJson(db, later.id, wantLater);
  } finally { cleanup(); }
});

test('round results refuses a bad format or round', () => {
  const { db, cleanup } = setup();
  try {
    const now = round(db, { start: '2025-09-01', size: 3 });
    let r = cli(db, ['round', 'results', String(now.id), '--format', 'xml']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /json, csv eller text/);
    r = cli(db, ['round', 'results', '999', '--format', 'json']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /999/);
    r = cli(db, ['round', 'results', 'abc', '--format', 'json']);
    assert.equal(r.status, 2);
  } finally { cleanup(); }
});
