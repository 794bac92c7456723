// Retention on a copy of the demo municipality. Round 4 (spring 2025) is made to have finished
// more than 24 months ago and round 5 (its successor) to reach its deadline in ten days, by
// setting round.finished_at with sqlite3; the demo's first audit entries are dated back to
// 2023 by rewriting the hash chain in Python (an implementation independent of audit.c, which
// `audit verify` must accept). Then: `retention run --dry-run` changes not one byte of the
// database; the leader of BHS sees round 5 in a notice on the front page with its date (the
// coordinator and another department's leader do not); `retention run` deletes round 4's case
// data and the old audit entries and says so; the results of rounds 4, 5 and 1 (as JSON) and
// the trends page are the same as before; the round and results pages say the data was
// deleted; `audit verify` passes, and catches an entry changed after the purge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, freshDb, cli, sqlite, Client, rechainAudit, danishDay, binary } from '../lib/server.mjs';

// The audit chain is rewritten with the first OLD_ENTRIES entries dated 2023, hashed as tilsyn
// would have (tests/lib/audit_rechain.py, with the key in DB.auditkey from audit_keyed.from_id on).
const OLD_ENTRIES = 20;

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober',
  'november', 'december'];
const danish = (iso) => { const [y, m, d] = iso.slice(0, 10).split('-').map(Number); return `${d}. ${MONTHS[m - 1]} ${y}`; };

let fresh, server, leder, koord, ledervoksen, soonDue;
const q = (sql) => sqlite(fresh.db, sql);
const run = (...args) => cli(fresh.db, args);
const results = (round) => {
  const r = run('round', 'results', String(round), '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
// The trends page from its heading on (the page around it holds nothing that changes).
const trends = async () => {
  const page = await leder.get('/d/BHS/trends?kind=alle');
  assert.equal(page.status, 200);
  return page.text.slice(page.text.indexOf('<h1>'));
};
const dump = () => {
  const r = spawnSync('sqlite3', [fresh.db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

const before_ = {};
before(async () => {
  fresh = freshDb({ demo: true });
  q(`UPDATE round SET finished_at = '2024-06-01T10:00:00Z' WHERE id = 4`);
  // Round 5 finished 24 months less 10 days ago: its case data is due in ten days.
  q(`UPDATE round SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-24 months', '+10 days') WHERE id = 5`);
  // Due 24 months after by the month rule: a day the target month lacks becomes its last day.
  const [y, m, d] = q(`SELECT substr(finished_at, 1, 10) FROM round WHERE id = 5`).split('-').map(Number);
  const last = new Date(Date.UTC(y + 2, m, 0)).getUTCDate();
  soonDue = `${y + 2}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
  rechainAudit(fresh.db, 'file', 'db', OLD_ENTRIES);
  server = await startServer({ db: fresh.db });
  [leder, koord, ledervoksen] = [0, 0, 0].map(() => new Client(server.url));
  for (const [c, login] of [[leder, 'leder.barn'], [koord, 'koordinator.barn'], [ledervoksen, 'leder.voksen']])
    assert.equal((await c.login(login)).status, 303);
  for (const round of [4, 5, 1]) before_[round] = results(round);
  before_.trends = await trends();
});
after(async () => {
  await server?.stop();
  fresh?.cleanup();
});

test('the rewritten audit chain verifies: the hashing is the one documented', () => {
  const r = run('audit', 'verify');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(q(`SELECT count(*) FROM audit WHERE at < '2024-01-01'`), String(OLD_ENTRIES));
});

test('show lists the finished rounds with the day their case data is due', () => {
  const r = run('retention', 'show', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(s.settings, { retention_months: 24, audit_extra_months: 6, retention_notice_days: 30 });
  const r4 = s.rounds.find((x) => x.round === 4), r5 = s.rounds.find((x) => x.round === 5);
  assert.deepEqual([r4.basis, r4.basis_source, r4.due, r4.state], ['2024-06-01', 'afsluttet', '2026-06-01', 'due']);
  assert.deepEqual([r5.due, r5.state], [soonDue, 'held']);
  assert.equal(s.rounds.find((x) => x.round === 1), undefined, 'an unfinished round is not listed');
  assert.equal(s.audit.due, OLD_ENTRIES);
  const text = run('retention', 'show');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /24 måneder efter afslutningen/);
  assert.match(text.stdout, new RegExp(`tilsyn 5 \\(BHS\\)[^\\n]*\\n[^\\n]*sagsdata slettes ${danish(soonDue)}`));
});

test('today is the Danish day even on a server running on UTC', () => {
  // The unit test (test_retention: days_are_danish) moves the clock past Danish midnight; here
  // the command itself, run with TZ=UTC, must name the day it is in Denmark right now.
  const show = (...args) => {
    const r = spawnSync(binary, ['--db', fresh.db, 'retention', 'show', ...args],
      { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const ymd = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(d);
  const before = new Date();
  const json = JSON.parse(show('--format', 'json'));
  const text = show();
  const after = new Date();
  // Either side of a Danish midnight passing during the test.
  assert.ok([ymd(before), ymd(after)].includes(json.today), `today ${json.today}, Denmark ${ymd(before)}`);
  const said = text.match(/i dag er ([^)]*)\)/)?.[1];
  assert.ok([danishDay(before.toISOString()), danishDay(after.toISOString())].includes(said), `i dag er ${said}`);
});

test('the leader of the department is told on the front page; others are not', async () => {
  const home = await leder.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<h2 id="retention-h">Sagsdata slettes snart<\/h2>/);
  assert.match(home.text, new RegExp(`<a href="/d/BHS/rounds/5">Overordnet ledelsestilsyn efterår 2025</a> \\(BHS\\): `
    + `sagsdata slettes ${danish(soonDue)}`));
  // Round 4 is past its deadline (the run has not been yet): listed as due at the next clean-up.
  assert.match(home.text, /rounds\/4">[^<]*<\/a> \(BHS\): sagsdata skulle slettes 1\. juni 2026 og slettes ved næste oprydning/);
  for (const c of [koord, ledervoksen]) assert.doesNotMatch((await c.get('/')).text, /Sagsdata slettes snart/);
  const page = await leder.get('/d/BHS/rounds/5');
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`Sagsdata slettes ${danish(soonDue)} efter opbevaringsreglen`));
});

test('--dry-run reports what would go and changes nothing', () => {
  const was = dump();
  const r = run('retention', 'run', '--dry-run', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.dry_run, true);
  assert.deepEqual(out.rounds.map((x) => x.round), [4]);
  assert.equal(out.rounds[0].deleted.cases, 30);
  assert.equal(out.audit.deleted, OLD_ENTRIES);
  assert.equal(dump(), was);
  const text = run('retention', 'run', '--dry-run');
  assert.match(text.stdout, /^Prøvekørsel: intet er slettet/);
  assert.equal(dump(), was);
});

test('run deletes round 4\'s case data and the old audit entries, and reports it', () => {
  const answers = Number(q(`SELECT count(*) FROM answer WHERE round_id = 4`));
  const history = Number(q(`SELECT count(*) FROM answer_history WHERE round_id = 4`));
  const answers5 = q(`SELECT count(*) FROM answer WHERE round_id = 5`);
  const r = run('retention', 'run', '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.dry_run, false);
  assert.deepEqual(out.rounds.map((x) => x.round), [4]);
  const d = out.rounds[0].deleted;
  assert.deepEqual([d.cases, d.answers, d.history], [30, answers, history]);
  assert.ok(out.rounds[0].questions_kept > 0);
  assert.equal(out.audit.deleted, OLD_ENTRIES);
  assert.equal(out.audit.anchor, OLD_ENTRIES);

  for (const table of ['round_case', 'answer', 'answer_history', 'calibration_case', 'calibration_answer'])
    assert.equal(q(`SELECT count(*) FROM ${table} WHERE round_id = 4`), '0', table);
  assert.equal(q(`SELECT count(*) FROM round WHERE id = 4 AND purged_at IS NOT NULL`), '1');
  assert.equal(q(`SELECT count(*) FROM answer WHERE round_id = 5`), answers5, 'round 5 is untouched');
  assert.equal(q(`SELECT count(*) FROM audit WHERE at < '2024-01-01'`), '0');
  assert.equal(q(`SELECT count(*) FROM audit WHERE action = 'retention_purge' AND object = 'round:4'`), '1');

  // A tilsyn whose case data is gone cannot be reopened (and so never sampled again).
  const reopen = run('round', 'phase', '4', 'opfoelgning');
  assert.equal(reopen.status, 2);
  assert.match(reopen.stderr, /kan ikke genåbnes/);
  assert.equal(q(`SELECT phase FROM round WHERE id = 4`), 'afsluttet');

  const again = run('retention', 'run');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /Ingen tilsyn har sagsdata, der skal slettes nu/);
});

test('results, comparisons and trends are the same as before the purge', async () => {
  for (const round of [4, 5, 1]) assert.equal(results(round), before_[round], `round ${round}`);
  assert.equal(JSON.parse(before_[5]).questions.filter((x) => x.previous?.round === 4).length > 0, true,
    'round 5 compares with round 4');
  assert.equal(await trends(), before_.trends);
});

test('the round page, its results and the command line say the case data was deleted', async () => {
  const purged = q(`SELECT purged_at FROM round WHERE id = 4`);
  const said = `Sagsdata blev slettet ${danishDay(purged)} efter opbevaringsreglen (24 måneder efter at tilsynet blev `
    + `afsluttet 1. juni 2024)`;
  for (const path of ['/d/BHS/rounds/4', '/d/BHS/rounds/4/results']) {
    const page = await leder.get(path);
    assert.equal(page.status, 200, path);
    assert.ok(page.text.includes(said), path);
  }
  const text = run('round', 'results', '4');
  assert.ok(text.stdout.includes(said));
  assert.doesNotMatch((await leder.get('/')).text, /rounds\/4">/, 'no longer in the notice');
});

test('audit verify passes on the purged log and catches an entry changed afterwards', () => {
  let r = run('audit', 'verify');
  assert.equal(r.status, 0, r.stderr);
  const kept = Number(q(`SELECT min(id) FROM audit`)) + 3;
  q(`DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'intet at se' WHERE id = ${kept}`);
  r = run('audit', 'verify');
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`brudt ved post ${kept}`));
});

test('set changes the settings, refuses bad ones, and logs each change', () => {
  let r = run('retention', 'set', '--months', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--months/);
  r = run('retention', 'set', '--months', 'to');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /helt tal/);
  r = run('retention', 'set', '--months', '36', '--notice-days', '60');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /36 måneder/);
  assert.equal(q(`SELECT group_concat(object || '=' || detail, ';') FROM audit WHERE action = 'setting_set'`),
    'retention_months=24 -> 36;retention_notice_days=30 -> 60');
  assert.equal(JSON.parse(run('retention', 'show', '--format', 'json').stdout).settings.retention_months, 36);
  r = run('retention', 'nonsense');
  assert.equal(r.status, 2);
});

test('a case list uploaded on the web and never confirmed is deleted after its hour', () => {
  const own = freshDb({ demo: true });
  const q = (sql) => sqlite(own.db, sql), run = (...args) => cli(own.db, args);
  const now = Math.floor(Date.now() / 1000);
  q(`INSERT INTO upload (token, department_id, user_id, created, file_name, data) VALUES
     ('gammel', 1, (SELECT id FROM users WHERE login = 'leder.barn'), ${now - 2 * 3600}, 'sager.csv', x'53616701'),
     ('ny', 1, (SELECT id FROM users WHERE login = 'leder.barn'), ${now - 60}, 'sager.csv', x'53616702')`);
  const dry = JSON.parse(run('retention', 'run', '--dry-run', '--format', 'json').stdout);
  assert.equal(dry.uploads_deleted, 1);
  assert.equal(q(`SELECT group_concat(token) FROM upload`), 'gammel,ny', 'a dry run deletes nothing');
  const r = run('retention', 'run');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /aldrig blev bekræftet: 1 slettet/);
  assert.equal(q(`SELECT group_concat(token) FROM upload`), 'ny', 'the upload still inside its hour stays');
  own.cleanup();
});
