// Rounds and their reproducible samples on the command line, checked from outside: every
// expected sample is computed independently with python3's hashlib (keyed BLAKE2b-256 of the
// case number, smallest keys first) from the case list this file generated, never from what
// tilsyn says. Covers the population fingerprint, determinism, per-caseworker samples,
// filters, the exclusion of recently reviewed cases, the size warning, bad seeds, replacing a
// case, redrawing, and the lock once the review has started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite } from '../lib/server.mjs';
import { pythonSample, seedFrom } from '../lib/blake2.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-sample-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

// ---- a generated case list: 100 cases, six caseworkers with caseloads 30/25/22/20/2/1 ----

const ADVISORS = [['Anne Bækgaard', 30], ['Bo Holm', 25], ['Dorte Ærø', 22], ['Carl Østergaard', 20], ['Eva Å', 2], ['Finn Lund', 1]];
const PROVISIONS = ['SEL § 85', 'SEL § 97', 'SEL § 107', 'BL § 32'];

function generateCases() {
  let x = 12345;
  const rnd = (n) => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return (x >>> 8) % n; };
  const cases = [];
  let i = 0;
  for (const [advisor, n] of ADVISORS) {
    for (let k = 0; k < n; k++, i++) {
      // Mostly case-system numbers, and a few that test UTF-8 and bytewise order.
      const special = { 3: 'æble-3', 17: 'Øst-17', 41: 'b-41', 58: 'Z-58', 77: 'Å-77' }[i];
      const case_no = special ?? `27.${10 + rnd(20)}.00-G01-${100 + i}-2${rnd(5)}`;
      const y = 2021 + rnd(4), m = 1 + rnd(12), d = 1 + rnd(28);
      cases.push({
        case_no, advisor,
        provision: PROVISIONS[rnd(PROVISIONS.length)],
        target: i % 3 === 0 ? 'voksen' : 'barn',
        opened: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      });
    }
  }
  assert.equal(new Set(cases.map((c) => c.case_no)).size, cases.length, 'case numbers are unique');
  return cases;
}
const CASES = generateCases();
const ALL = CASES.map((c) => c.case_no);

function csvOf(cases) {
  const lines = ['Sagsnummer;Rådgiver;Paragraf;Målgruppe;Oprettet'];
  // dd-mm-yyyy, as a case system would write it
  for (const c of cases) lines.push([c.case_no, c.advisor, c.provision, c.target, c.opened.split('-').reverse().join('-')].join(';'));
  return lines.join('\r\n') + '\r\n';
}

// A database with department TST holding the generated list (in the given order).
function setup(cases = CASES) {
  const fresh = freshDb();
  let r = cli(fresh.db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']);
  assert.equal(r.status, 0, r.stderr);
  const file = join(work, `list-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, csvOf(cases));
  r = cli(fresh.db, ['cases', 'import', file, '--department', 'TST']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${cases.length} rækker: ${cases.length} nye`));
  return fresh;
}

function createRound(db, kind = 'ekstern', title = 'Test') {
  const r = cli(db, ['round', 'create', '--department', 'TST', '--kind', kind, '--title', title]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\n$/);
  return r.stdout.trim();
}

function sample(db, id, args) {
  return cli(db, ['round', 'sample', id, ...args]);
}

function roundCases(db, id) {
  const r = cli(db, ['round', 'cases', id, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const sampled = (db, id) => roundCases(db, id).filter((c) => c.status === 'udtrukket');
const roundRow = (db, id, cols) => sqlite(db, `select ${cols} from round where id = ${id}`);
const advisorOf = new Map(CASES.map((c) => [c.case_no, c.advisor]));

// Asserts that the sampled cases are exactly `expected` ({key, case_no} in key order).
function assertSample(db, id, expected) {
  const got = sampled(db, id);
  assert.deepEqual(got.map((c) => c.case_no), expected.map((e) => e.case_no));
  assert.deepEqual(got.map((c) => c.key), expected.map((e) => e.key));
  for (const c of got) assert.equal(c.advisor, advisorOf.get(c.case_no));
}

// Waits until just after a new second begins, so that several quick commands share one.
async function startOfSecond() {
  while (Date.now() % 1000 > 50) await new Promise((r) => setTimeout(r, 5));
}

// ---- tests ----

test('round create prints the new id and stores the round; bad input exits 2', () => {
  const { db, cleanup } = setup();
  try {
    const a = createRound(db, 'overordnet', 'Forår 2026');
    const b = createRound(db, 'uddybende', 'Tema: handleplaner');
    assert.equal(Number(b), Number(a) + 1);
    assert.equal(roundRow(db, a, "kind || '|' || title || '|' || phase || '|' || coalesce(seed, '-')"), 'overordnet|Forår 2026|planlaegning|-');
    let r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'grundig', '--title', 'X']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /overordnet, uddybende eller ekstern/);
    r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'ekstern']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--title/);
    r = cli(db, ['round', 'create', '--department', 'NOPE', '--kind', 'ekstern', '--title', 'X']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /NOPE/);
    assert.equal(sqlite(db, 'select count(*) from round'), '2');
  } finally { cleanup(); }
});

test('round sample --size 10 --seed: the sample, keys and population fingerprint match python hashlib', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const seed = seedFrom('size-10');
    const py = pythonSample(seed, ALL);
    const r = sample(db, id, ['--size', '10', '--seed', seed]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warning for an external round');
    assert.match(r.stdout, new RegExp(`Stikprøve for tilsyn ${id}: 10 sager af 100 mulige\\.`));
    assert.match(r.stdout, new RegExp(`Seed: ${seed}\\n`));
    assert.match(r.stdout, new RegExp(`Populationens fingeraftryk: ${py.digest}\\n`));

    assertSample(db, id, py.order.slice(0, 10));
    assert.equal(roundCases(db, id).length, 10);
    assert.equal(roundRow(db, id, "seed || '|' || sample_method || '|' || sample_param || '|' || population_size || '|' || population_digest || '|' || exclude_months || '|' || filters || '|' || phase"),
      `${seed}|size|10|100|${py.digest}|12|{}|udvaelgelse`);
    assert.match(roundRow(db, id, 'sampled_at'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const audit = sqlite(db, `select detail from audit where action = 'sample_draw' and object = 'round:${id}'`);
    assert.ok(audit.includes(seed), audit);
  } finally { cleanup(); }
});

test('same seed gives the same sample (another database, list imported in another order); another seed another sample', () => {
  const one = setup();
  const two = setup([...CASES].reverse());
  try {
    const seed = seedFrom('determinism');
    const a = createRound(one.db), b = createRound(two.db);
    assert.equal(sample(one.db, a, ['--size', '15', '--seed', seed]).status, 0);
    assert.equal(sample(two.db, b, ['--size', '15', '--seed', seed]).status, 0);
    assert.deepEqual(roundCases(two.db, b), roundCases(one.db, a));
    assert.equal(roundRow(two.db, b, 'population_digest'), roundRow(one.db, a, 'population_digest'));
    // Upper-case hex is the same seed.
    assert.equal(sample(two.db, b, ['--size', '15', '--seed', seed.toUpperCase(), '--reason', 'samme seed']).status, 0);
    assert.deepEqual(roundCases(two.db, b), roundCases(one.db, a));
    assert.equal(roundRow(two.db, b, 'seed'), seed);

    const other = seedFrom('determinism, another seed');
    assert.equal(sample(two.db, b, ['--size', '15', '--seed', other, '--reason', 'andet seed']).status, 0);
    const again = sampled(two.db, b).map((c) => c.case_no);
    assert.notDeepEqual(new Set(again), new Set(sampled(one.db, a).map((c) => c.case_no)));
    assert.deepEqual(again, pythonSample(other, ALL).order.slice(0, 15).map((o) => o.case_no));

    // Without --seed a random one is drawn and recorded, and it reproduces the sample.
    const c = createRound(one.db);
    const r = sample(one.db, c, ['--size', '15', '--exclude-reviewed-months', '0']);
    assert.equal(r.status, 0, r.stderr);
    const recorded = roundRow(one.db, c, 'seed');
    assert.match(recorded, /^[0-9a-f]{64}$/);
    assert.notEqual(recorded, seed);
    assert.deepEqual(sampled(one.db, c).map((x) => x.case_no), pythonSample(recorded, ALL).order.slice(0, 15).map((o) => o.case_no));
  } finally { one.cleanup(); two.cleanup(); }
});

test('--per-advisor 3: exactly min(3, caseload) per caseworker, each with their smallest keys', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const seed = seedFrom('per-advisor');
    const r = sample(db, id, ['--per-advisor', '3', '--seed', seed]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /15 sager af 100 mulige/);
    const py = pythonSample(seed, ALL);
    const got = sampled(db, id);
    assert.equal(got.length, 3 * 4 + 2 + 1);
    for (const [advisor, load] of ADVISORS) {
      const mine = got.filter((c) => c.advisor === advisor).map((c) => c.case_no).sort();
      const expected = py.order.filter((o) => advisorOf.get(o.case_no) === advisor).slice(0, Math.min(3, load)).map((o) => o.case_no).sort();
      assert.equal(mine.length, Math.min(3, load), advisor);
      assert.deepEqual(mine, expected, advisor);
    }
    // Listed in key order, with python's keys.
    const keys = got.map((c) => c.key);
    assert.deepEqual(keys, [...keys].sort());
    for (const c of got) assert.equal(c.key, py.keyOf.get(c.case_no));
    assert.equal(roundRow(db, id, "sample_method || '|' || sample_param || '|' || population_size"), 'per_advisor|3|100');
  } finally { cleanup(); }
});

test('filters restrict the population: provisions, target group, opened from/to', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const seed = seedFrom('filters');
    const eligible = CASES.filter((c) => ['SEL § 85', 'BL § 32'].includes(c.provision) && c.target === 'barn' &&
      c.opened >= '2022-01-01' && c.opened <= '2023-12-31').map((c) => c.case_no);
    assert.ok(eligible.length > 10 && eligible.length < 50, `a useful filter (${eligible.length})`);
    const py = pythonSample(seed, eligible);
    const r = sample(db, id, ['--size', '10', '--seed', seed, '--provision', 'SEL § 85', '--provision', 'BL § 32',
      '--target', 'barn', '--opened-from', '2022-01-01', '--opened-to', '2023-12-31']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`10 sager af ${eligible.length} mulige`));
    assert.equal(roundRow(db, id, 'population_size'), String(eligible.length));
    assert.equal(roundRow(db, id, 'population_digest'), py.digest);
    assertSample(db, id, py.order.slice(0, 10));
    assert.deepEqual(JSON.parse(roundRow(db, id, 'filters')),
      { provisions: ['SEL § 85', 'BL § 32'], target: 'barn', opened_from: '2022-01-01', opened_to: '2023-12-31' });

    // One filter at a time, by population size.
    const only = (args, pred) => {
      const x = createRound(db);
      const res = sample(db, x, ['--size', '5', '--seed', seed, '--exclude-reviewed-months', '0', ...args]);
      assert.equal(res.status, 0, res.stderr);
      const expected = CASES.filter(pred).map((c) => c.case_no);
      assert.equal(roundRow(db, x, 'population_size'), String(expected.length), args.join(' '));
      assertSample(db, x, pythonSample(seed, expected).order.slice(0, 5));
    };
    only(['--target', 'voksen'], (c) => c.target === 'voksen');
    only(['--provision', 'SEL § 97'], (c) => c.provision === 'SEL § 97');
    only(['--opened-from', '2023-01-01'], (c) => c.opened >= '2023-01-01');
    only(['--opened-to', '2021-12-31'], (c) => c.opened <= '2021-12-31');

    // Bad filters and an empty population are bad input, and change nothing.
    const before = sqlite(db, 'select count(*) from round_case');
    for (const [args, msg] of [
      [['--opened-from', '2022-13-01'], /ÅÅÅÅ-MM-DD/],
      [['--opened-to', '01-01-2022'], /ÅÅÅÅ-MM-DD/],
      [['--target', 'unge'], /barn eller voksen/],
      [['--provision', 'SEL § 999'], /Ingen sager opfylder/],
    ]) {
      const x = createRound(db);
      const res = sample(db, x, ['--size', '5', ...args]);
      assert.equal(res.status, 2, args.join(' '));
      assert.match(res.stderr, msg);
      assert.equal(roundRow(db, x, "coalesce(sampled_at, '-')"), '-');
    }
    assert.equal(sqlite(db, 'select count(*) from round_case'), before);
  } finally { cleanup(); }
});

test('--exclude-reviewed-months: cases sampled in another round are left out within the window, and not with 0', async () => {
  const { db, cleanup } = setup();
  try {
    const a = createRound(db, 'ekstern', 'A'), b = createRound(db, 'ekstern', 'B'), c = createRound(db, 'ekstern', 'C');
    const seedA = seedFrom('exclude A'), seedB = seedFrom('exclude B');
    // Rounds sampled in quick succession (within one second) must still follow the rules.
    await startOfSecond();
    assert.equal(sample(db, a, ['--size', '20', '--seed', seedA, '--exclude-reviewed-months', '0']).status, 0);
    const inA = sampled(db, a).map((x) => x.case_no);
    assert.deepEqual(inA, pythonSample(seedA, ALL).order.slice(0, 20).map((o) => o.case_no));

    // B, with the default window of 12 months: A's 20 cases are not eligible.
    let r = sample(db, b, ['--size', '30', '--seed', seedB]);
    assert.equal(r.status, 0, r.stderr);
    const rest = ALL.filter((n) => !inA.includes(n));
    const pyB = pythonSample(seedB, rest);
    assert.equal(roundRow(db, b, "population_size || '|' || population_digest || '|' || exclude_months"), `80|${pyB.digest}|12`);
    assertSample(db, b, pyB.order.slice(0, 30));

    // C, with 0 months: nothing is excluded, so the draw is over all 100.
    r = sample(db, c, ['--size', '30', '--seed', seedB, '--exclude-reviewed-months', '0']);
    assert.equal(r.status, 0, r.stderr);
    const pyAll = pythonSample(seedB, ALL);
    assert.equal(roundRow(db, c, "population_size || '|' || population_digest"), `100|${pyAll.digest}`);
    assertSample(db, c, pyAll.order.slice(0, 30));

    // Rounds sampled 13 months ago are outside a 12-month window, but inside a 14-month one.
    sqlite(db, `update round set sampled_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-13 months') where id in (${a}, ${b}, ${c})`);
    const d = createRound(db, 'ekstern', 'D');
    assert.equal(sample(db, d, ['--size', '5', '--seed', seedB, '--exclude-reviewed-months', '12']).status, 0);
    assert.equal(roundRow(db, d, 'population_size'), '100');
    const e = createRound(db, 'ekstern', 'E');
    assert.equal(sample(db, e, ['--size', '5', '--seed', seedB, '--exclude-reviewed-months', '14']).status, 0);
    const inABC = new Set([...inA, ...pyB.order.slice(0, 30).map((o) => o.case_no), ...pyAll.order.slice(0, 30).map((o) => o.case_no)]);
    // D was sampled just now with 5 cases, so E (14 months) leaves out A, B, C and D.
    for (const o of pythonSample(seedB, ALL).order.slice(0, 5)) inABC.add(o.case_no);
    assert.equal(roundRow(db, e, 'population_size'), String(100 - inABC.size));

    // Bad values.
    for (const m of ['-1', '121', 'tolv']) {
      r = sample(db, createRound(db), ['--size', '5', '--exclude-reviewed-months', m]);
      assert.equal(r.status, 2, m);
    }
  } finally { cleanup(); }
});

test('a replaced case is eligible again in a later round; its replacement is not', () => {
  const { db, cleanup } = setup();
  try {
    const a = createRound(db), seed = seedFrom('replaced eligible');
    assert.equal(sample(db, a, ['--size', '10', '--seed', seed]).status, 0);
    const py = pythonSample(seed, ALL);
    const out = py.order[4].case_no, inn = py.order[10].case_no;
    const r = cli(db, ['round', 'replace', a, out, '--reason', 'ikke relevant']);
    assert.equal(r.status, 0, r.stderr);
    const b = createRound(db);
    assert.equal(sample(db, b, ['--size', '90', '--seed', seed]).status, 0);
    const inB = sampled(db, b).map((x) => x.case_no);
    assert.equal(roundRow(db, b, 'population_size'), '90');
    assert.ok(inB.includes(out), 'the replaced case can be drawn again');
    assert.ok(!inB.includes(inn), 'the replacement was sampled and is excluded');
  } finally { cleanup(); }
});

test('a warning on stderr when the sample is below the recommendation (30 overordnet, 20 uddybende); exit 0', () => {
  const { db, cleanup } = setup();
  try {
    const o = createRound(db, 'overordnet'), u = createRound(db, 'uddybende');
    const seed = seedFrom('warning');
    let r = sample(db, o, ['--size', '29', '--seed', seed]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /advarsel: Stikprøven er mindre end anbefalet: et overordnet ledelsestilsyn bør omfatte mindst 30 sager/);
    assert.equal(sampled(db, o).length, 29);
    r = sample(db, o, ['--size', '30', '--seed', seed, '--reason', 'anbefalet størrelse']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    // A per-caseworker sample is judged by how many cases it gives.
    r = sample(db, o, ['--per-advisor', '4', '--seed', seed, '--reason', 'pr. rådgiver']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /mindst 30 sager/, '4 per caseworker gives 19 cases');
    r = sample(db, u, ['--size', '19', '--seed', seed, '--exclude-reviewed-months', '0']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /uddybende ledelsestilsyn bør omfatte mindst 20 sager/);
    r = sample(db, u, ['--size', '20', '--seed', seed, '--exclude-reviewed-months', '0', '--reason', 'x']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
  } finally { cleanup(); }
});

test('a bad seed, size or round is bad input (exit 2) and changes nothing', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const good = seedFrom('bad seed');
    for (const seed of [good.slice(1), `${good}0`, `g${good.slice(1)}`, `${good.slice(0, 62)} 1`, '0x' + good.slice(2)]) {
      const r = sample(db, id, ['--size', '10', '--seed', seed]);
      assert.equal(r.status, 2, seed);
      assert.match(r.stderr, /seed\) skal være 64 hexadecimale tegn/, seed);
    }
    for (const args of [[], ['--size', '10', '--per-advisor', '2'], ['--size', 'ti'], ['--size', '-3'], ['--size', '0']]) {
      const r = sample(db, id, args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /--size|--per-advisor/, args.join(' '));
    }
    let r = sample(db, '999', ['--size', '10']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /999 findes ikke/);
    r = sample(db, 'abc', ['--size', '10']);
    assert.equal(r.status, 2);
    assert.equal(roundRow(db, id, "coalesce(seed, '-') || coalesce(sampled_at, '-')"), '--');
    assert.equal(sqlite(db, 'select count(*) from round_case'), '0');
    assert.equal(sqlite(db, "select count(*) from audit where action like 'sample%'"), '0');
  } finally { cleanup(); }
});

test('round replace: marks the case erstattet with the reason, adds the next smallest key, audits it', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const seed = seedFrom('replace');
    const py = pythonSample(seed, ALL);
    assert.equal(sample(db, id, ['--size', '10', '--seed', seed]).status, 0);
    const out = py.order[2].case_no;

    let r = cli(db, ['round', 'replace', id, out, '--reason', 'ikke relevant']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Sagen ${out} er erstattet af ${py.order[10].case_no}.\n`);
    let all = roundCases(db, id);
    assert.equal(all.length, 11);
    assert.deepEqual(all.filter((c) => c.status === 'erstattet').map((c) => c.case_no), [out]);
    assertSample(db, id, [...py.order.slice(0, 2), ...py.order.slice(3, 11)]);
    assert.equal(sqlite(db, `select rc.replaced_reason from round_case rc join cases c on c.id = rc.case_id where c.case_no = '${out}'`), 'ikke relevant');
    const audit = sqlite(db, `select detail from audit where action = 'sample_replace' and object = 'round:${id}'`);
    assert.match(audit, /ikke relevant/);

    // The next replacement takes the 12th key: never the replaced case again.
    r = cli(db, ['round', 'replace', id, py.order[0].case_no, '--reason', 'sagen er lukket']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Sagen ${py.order[0].case_no} er erstattet af ${py.order[11].case_no}.\n`);
    assertSample(db, id, [py.order[1], ...py.order.slice(3, 12)]);
    assert.equal(sqlite(db, "select count(*) from audit where action = 'sample_replace' and object like 'round:%'"), '2');
    // And once on each replaced case, by case number, in the case's own log.
    assert.equal(sqlite(db, "select count(*) from audit where action = 'sample_replace' and object like 'case:%'"), '2');
    assert.equal(sqlite(db, `select count(*) from audit where action = 'sample_replacement' and object = 'case:' ||
      (select id from cases where case_no = '${py.order[11].case_no}')`), '1');

    // What cannot be replaced, or not without a reason.
    const before = sqlite(db, 'select count(*) from round_case');
    for (const [args, msg] of [
      [[out, '--reason', 'igen'], /ikke i tilsynets stikprøve/],
      [[py.order[50].case_no, '--reason', 'ikke udtrukket'], /ikke i tilsynets stikprøve/],
      [['FINDES-IKKE', '--reason', 'x'], /findes ikke i afdelingens sagsliste/],
      [[py.order[1].case_no], /begrundelse/],
      [[py.order[1].case_no, '--reason', 'borger 010190-1234'], /CPR/],
    ]) {
      r = cli(db, ['round', 'replace', id, ...args]);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, msg, args.join(' '));
    }
    assert.equal(sqlite(db, 'select count(*) from round_case'), before);
    assert.ok(!sqlite(db, 'select group_concat(detail) from audit').includes('010190-1234'));
  } finally { cleanup(); }
});

test('round replace in a per-caseworker sample takes the same caseworker\'s next case, or none', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const seed = seedFrom('replace per advisor');
    const py = pythonSample(seed, ALL);
    assert.equal(sample(db, id, ['--per-advisor', '3', '--seed', seed]).status, 0);
    const annes = py.order.filter((o) => advisorOf.get(o.case_no) === 'Anne Bækgaard');
    let r = cli(db, ['round', 'replace', id, annes[1].case_no, '--reason', 'ikke relevant']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Sagen ${annes[1].case_no} er erstattet af ${annes[3].case_no}.\n`);
    // Finn has one case: it is taken out, with nothing to replace it.
    const finn = CASES.find((c) => c.advisor === 'Finn Lund').case_no;
    r = cli(db, ['round', 'replace', id, finn, '--reason', 'ikke relevant']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /ingen flere sager/);
    const got = sampled(db, id);
    assert.equal(got.length, 14);
    assert.ok(!got.some((c) => c.advisor === 'Finn Lund'));
    assert.deepEqual(got.filter((c) => c.advisor === 'Anne Bækgaard').map((c) => c.case_no).sort(),
      [annes[0], annes[2], annes[3]].map((o) => o.case_no).sort());
  } finally { cleanup(); }
});

test('a redraw is allowed until the review starts and is audited with its reason; then sampling is refused', () => {
  const { db, cleanup } = setup();
  try {
    const id = createRound(db);
    const s1 = seedFrom('redraw 1'), s2 = seedFrom('redraw 2');
    assert.equal(sample(db, id, ['--size', '10', '--seed', s1]).status, 0);
    let r = sample(db, id, ['--size', '12', '--seed', s2, '--reason', 'ny sagsliste fra systemet']);
    assert.equal(r.status, 0, r.stderr);
    assertSample(db, id, pythonSample(s2, ALL).order.slice(0, 12));
    assert.equal(roundCases(db, id).length, 12, 'the first draw is gone');
    assert.equal(roundRow(db, id, "seed || '|' || sample_param"), `${s2}|12`);
    assert.equal(sqlite(db, `select count(*) from audit where action = 'sample_draw' and object = 'round:${id}'`), '1');
    const redraw = sqlite(db, `select detail from audit where action = 'sample_redraw' and object = 'round:${id}'`);
    assert.match(redraw, /ny sagsliste fra systemet/);
    assert.ok(redraw.includes(s2));

    // The review starts: no more drawing, and the sample stays as it was.
    sqlite(db, `update round set review_started_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), phase = 'gennemgang' where id = ${id}`);
    const before = JSON.stringify(roundCases(db, id));
    r = sample(db, id, ['--size', '10', '--seed', s1, '--reason', 'for sent']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Gennemgangen af sagerne er begyndt, så stikprøven kan ikke trækkes om/);
    assert.equal(JSON.stringify(roundCases(db, id)), before);
    assert.equal(roundRow(db, id, 'seed'), s2);
    assert.equal(sqlite(db, "select count(*) from audit where action = 'sample_redraw'"), '1');
    // Single cases can still be replaced.
    const py2 = pythonSample(s2, ALL);
    r = cli(db, ['round', 'replace', id, py2.order[0].case_no, '--reason', 'ikke relevant']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`erstattet af ${py2.order[12].case_no.replace(/\./g, '\\.')}`));
  } finally { cleanup(); }
});
