// Crash safety (issue 7, Resilience): the process is really killed with SIGKILL, and the
// database must come back consistent with every committed change and nothing half-written.
//  - `tilsyn cases import` of a large generated list, killed while it is writing (its WAL
//    holds uncommitted pages) and, on another file, 0.3 s after it started: the file opens,
//    integrity_check is ok, `tilsyn audit verify` passes, the department has all of the
//    list's cases or none of them (never a part), and a re-run imports it fully.
//  - `tilsyn serve` with several clients saving answers through the autosave endpoint in a
//    loop, killed mid-stream: after a restart on the same file every save that was
//    acknowledged (2xx) is there with its value, integrity_check and audit verify are ok,
//    and answer_history agrees with answer (a history row for every revision).
// Everything is bounded in time and count and stays on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, cli, Client, freshDb, sqlite, startServer } from '../lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const walSize = (db) => (existsSync(db + '-wal') ? statSync(db + '-wal').size : 0);

// After a crash: the file opens and passes SQLite's own check and tilsyn's audit chain.
function assertConsistent(db) {
  assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sqlite(db, 'PRAGMA foreign_key_check'), '');
  const v = cli(db, ['audit', 'verify']);
  assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
  assert.match(v.stdout, /Logbogen er ubrudt/);
}

const ROWS = 400000;
let bigCsv; // one generated list for both import tests
async function generateList() {
  if (bigCsv) return bigCsv;
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-crash-csv-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  bigCsv = join(dir, 'stor-sagsliste.csv');
  const out = createWriteStream(bigCsv);
  out.write('Sagsnummer;Rådgiver;Målgruppe;Paragraf;Ydelse;Oprettet;Seneste afgørelse\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    chunk += `K-${String(i).padStart(7, '0')};Rådgiver ${i % 40};Børn;SEL § ${32 + (i % 5)};Dagbehandling;` +
      `2024-01-${String(1 + (i % 28)).padStart(2, '0')};2024-06-${String(1 + (i % 28)).padStart(2, '0')}\n`;
    if (chunk.length > 1 << 20) { if (!out.write(chunk)) await once(out, 'drain'); chunk = ''; }
  }
  out.end(chunk);
  await once(out, 'finish');
  return bigCsv;
}

const caseCount = (db) => Number(sqlite(db, "select count(*) from cases c join department d on d.id = c.department_id where d.code = 'TST'"));

// Starts the import, waits until `ready()` says it is far enough, and kills it. Resolves to
// what was seen: whether it was still running when killed, and the WAL size then.
async function importAndKill(db, file, ready) {
  const proc = spawn(binary, ['--db', db, 'cases', 'import', file, '--department', 'TST'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const started = Date.now();
  let running = true;
  proc.on('exit', () => { running = false; });
  while (running && Date.now() - started < 20000 && !ready(started)) await sleep(2);
  const wal = walSize(db);
  const killedRunning = running;
  proc.kill('SIGKILL');
  const end = await exited;
  return { killedRunning, wal, end, ms: Date.now() - started };
}

for (const [name, ready] of [
  ['while its WAL holds uncommitted pages (> 1 MiB)', (db) => () => walSize(db) > (1 << 20)],
  ['0.3 s after it started', () => (started) => Date.now() - started >= 300],
]) {
  test(`SIGKILL during \`cases import\` ${name}: all or nothing, consistent, a re-run imports fully`, async (t) => {
    const file = await generateList();
    const { db, cleanup } = freshDb();
    try {
      assert.equal(cli(db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']).status, 0);
      const auditBefore = Number(sqlite(db, 'select count(*) from audit'));
      const seen = await importAndKill(db, file, ready(db));
      // It really was killed mid-way, not after it had finished.
      assert.equal(seen.killedRunning, true, `the import was still running when killed (${seen.ms} ms)`);
      assert.equal(seen.end.signal, 'SIGKILL');

      assertConsistent(db);
      const n = caseCount(db);
      t.diagnostic(`killed after ${seen.ms} ms, WAL ${seen.wal} bytes; cases after the crash: ${n}`);
      assert.ok(n === 0 || n === ROWS, `the cases table has all rows of the file or none, not ${n}`);
      // The import's own records agree with the cases: one of each, or none.
      const imports = Number(sqlite(db, 'select count(*) from case_import'));
      const audited = Number(sqlite(db, "select count(*) from audit where action = 'cases_import'"));
      assert.equal(imports, n === 0 ? 0 : 1);
      assert.equal(audited, imports);
      assert.equal(Number(sqlite(db, 'select count(*) from audit')), auditBefore + audited);
      // Killed while writing, before the commit: nothing of it is there.
      if (seen.wal > (1 << 20)) assert.equal(n, 0, 'killed before its commit, the import left nothing');

      const again = cli(db, ['cases', 'import', file, '--department', 'TST']);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(caseCount(db), ROWS);
      assertConsistent(db);
    } finally {
      cleanup();
    }
  });
}

// ---- the server, killed while answers are being saved ----

const ROUND = 1;
const base = `/d/BHS/rounds/${ROUND}`;

test('SIGKILL of the server during autosaves: every acknowledged save survives, history agrees', async (t) => {
  const { db, cleanup } = freshDb({ demo: true });
  let server;
  try {
    server = await startServer({ db });
    const q = (sql) => sqlite(db, sql);
    const cases = q(`select case_id from round_case where round_id = ${ROUND} and status = 'udtrukket' order by case_id`)
      .split('\n').map(Number);
    const questions = q(`select q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
      where rc.round_id = ${ROUND} and q.scale = 'jdn' order by q.id`).split('\n').map(Number);
    assert.ok(cases.length >= 6 && questions.length >= 4);
    const historyBefore = Number(q('select count(*) from answer_history'));

    // Six writers (the working group may save any case of the round), each with its own keys.
    const logins = ['koordinator.barn', 'leder.barn', 'koordinator.barn', 'leder.barn', 'koordinator.barn', 'leder.barn'];
    const writers = [];
    for (const [w, login] of logins.entries()) {
      const client = new Client(server.url);
      assert.equal((await client.login(login)).status, 303);
      const csrf = await client.csrfFor(`${base}/cases/${cases[w]}`);
      assert.ok(csrf);
      const keys = questions.slice(0, 4).map((question) => ({ caseId: cases[w], question, revision: 0, acked: null, pending: null }));
      writers.push({ client, csrf, keys, w });
    }

    let stop = false;
    let acked = 0;
    const values = ['ja', 'nej', 'delvist'];
    async function writer({ client, csrf, keys, w }) {
      for (let n = 0; !stop && n < 5000; n++) {
        const key = keys[n % keys.length];
        const sent = { value: values[n % 3], comment: `skriver ${w} gemning ${n}` };
        key.pending = sent;
        let res;
        try {
          res = await client.request('POST', `${base}/cases/${key.caseId}/answer`, {
            body: new URLSearchParams({ question: key.question, value: sent.value, comment: sent.comment,
              revision: String(key.revision) }).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
          });
        } catch {
          return; // the server is gone: this save may or may not have been committed
        }
        assert.equal(res.status, 200, `save ${w}/${n}: ${res.status} ${res.text}`);
        const json = JSON.parse(res.text);
        assert.equal(json.status, 'saved');
        assert.equal(json.revision, key.revision + 1);
        key.revision = json.revision;
        key.acked = { ...sent, revision: json.revision };
        key.pending = null;
        acked++;
      }
    }
    const running = writers.map(writer);
    const started = Date.now();
    while (acked < 300 && Date.now() - started < 5000) await sleep(5);
    assert.ok(acked >= 20, `saves were acknowledged before the kill (${acked})`);
    const exited = once(server.proc, 'exit');
    server.proc.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    stop = true;
    await Promise.all(running);

    // Restart on the same file: it starts, and everything acknowledged is there.
    server = await startServer({ db });
    assertConsistent(db);
    let checked = 0, expectedHistory = 0, inFlightKept = 0;
    for (const { keys } of writers) {
      for (const key of keys) {
        const row = q(`select coalesce(value, '') || '|' || comment || '|' || revision from answer
          where round_id = ${ROUND} and case_id = ${key.caseId} and question_id = ${key.question}`);
        const history = Number(q(`select count(*) from answer_history where round_id = ${ROUND}
          and case_id = ${key.caseId} and question_id = ${key.question}`));
        if (!key.acked) {
          // Never acknowledged: absent, or the one save in flight committed just before the kill.
          if (row) assert.equal(row, `${key.pending.value}|${key.pending.comment}|1`);
          expectedHistory += row ? 1 : 0;
          assert.equal(history, row ? 1 : 0);
          continue;
        }
        const [value, comment, revision] = row.split('|');
        const rev = Number(revision);
        if (rev === key.acked.revision) {
          assert.equal(`${value}|${comment}`, `${key.acked.value}|${key.acked.comment}`, 'the acknowledged save is kept');
        } else {
          // The next save was in flight and committed before its answer was sent: still none lost.
          assert.equal(rev, key.acked.revision + 1, 'at most the one unacknowledged save beyond the last ack');
          inFlightKept++;
          assert.ok(key.pending, 'a save was in flight');
          assert.equal(`${value}|${comment}`, `${key.pending.value}|${key.pending.comment}`);
        }
        // One history row per revision; the newest matches the answer.
        assert.equal(history, rev, 'answer_history has a row for every revision');
        assert.equal(q(`select coalesce(new_value, '') || '|' || new_comment from answer_history where round_id = ${ROUND}
          and case_id = ${key.caseId} and question_id = ${key.question} order by id desc limit 1`), `${value}|${comment}`);
        expectedHistory += rev;
        checked++;
      }
    }
    assert.ok(checked > 0);
    t.diagnostic(`${acked} saves acknowledged before the kill; ${inFlightKept} in-flight saves were committed`);
    assert.equal(Number(q('select count(*) from answer_history')), historyBefore + expectedHistory,
      'no history row without its answer');
    assert.equal(Number(q(`select count(*) from answer a where not exists (select 1 from answer_history h where
      h.round_id = a.round_id and h.case_id = a.case_id and h.question_id = a.question_id)`)), 0);

    // The restarted server works: a new save is acknowledged and stored.
    const client = new Client(server.url);
    assert.equal((await client.login('koordinator.barn')).status, 303);
    const csrf = await client.csrfFor(`${base}/cases/${cases[0]}`);
    const key = writers[0].keys[0];
    const rev = Number(q(`select revision from answer where round_id = ${ROUND} and case_id = ${key.caseId} and question_id = ${key.question}`) || 0);
    const res = await client.request('POST', `${base}/cases/${key.caseId}/answer`, {
      body: new URLSearchParams({ question: key.question, value: 'ja', comment: 'efter genstart', revision: String(rev) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
    });
    assert.equal(res.status, 200, res.text);
  } finally {
    await server?.stop();
    cleanup();
  }
});
