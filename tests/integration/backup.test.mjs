// `tilsyn backup FILE` against a running server that is writing (logins and answer saves over
// HTTP in a loop): the copy opens, passes PRAGMA integrity_check and `tilsyn audit verify`,
// holds every change committed before the backup began, and is audited. Then the restore
// procedure of README.md ("Backup and restore") into a fresh location: copy over the database
// file, remove -wal/-shm, `tilsyn init`, start a server on it: the demo data is there and
// logins work. An existing FILE is not overwritten without --force (exit 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, sqlite, cli, binary } from '../lib/server.mjs';

let server, dir;
before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'tilsyn-backup-'));
});
after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The CLI without blocking the event loop, so that the write loop keeps going meanwhile.
function cliAsync(db, args) {
  return new Promise((resolve) => {
    const p = spawn(binary, ['--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const ROUND = 1;

// Saves answers to one case as leder.barn, one after another, for as long as `running()`.
async function answerLoop(client, caseId, qid, running) {
  const page = await client.get(`/d/BHS/rounds/${ROUND}/cases/${caseId}`);
  assert.equal(page.status, 200);
  const csrf = Client.csrf(page.text);
  let revision = Number(sqlite(server.db, `select coalesce(max(revision), 0) from answer
    where round_id = ${ROUND} and case_id = ${caseId} and question_id = ${qid}`) || 0);
  let saves = 0, i = 0;
  while (running()) {
    const res = await client.request('POST', `/d/BHS/rounds/${ROUND}/cases/${caseId}/answer`, {
      body: new URLSearchParams({ question: String(qid), value: i++ % 2 ? 'ja' : 'nej', material: '',
        comment: `backup-løkke ${i}`, revision: String(revision) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
    });
    assert.equal(res.status, 200, res.text);
    revision = JSON.parse(res.text).revision;
    saves++;
  }
  return saves;
}

async function loginLoop(running) {
  let n = 0;
  while (running()) {
    const c = new Client(server.url);
    assert.equal((await c.login(n % 2 ? 'koordinator.barn' : 'anne')).status, 303);
    n++;
  }
  return n;
}

test('an online backup under writes is complete and checked; restore per README works', async () => {
  const leder = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  const caseId = Number(sqlite(server.db, `select case_id from round_case where round_id = ${ROUND} order by case_id limit 1`));
  const [qid, markerQid] = sqlite(server.db, `select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    where rk.round_id = ${ROUND} and q.scale = 'jdn' and q.cond_question is null order by q.id limit 2`).split('\n').map(Number);

  // A change committed before the backup starts: it must be in the copy.
  const markerPage = await leder.get(`/d/BHS/rounds/${ROUND}/cases/${caseId}`);
  const marker = await leder.request('POST', `/d/BHS/rounds/${ROUND}/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question: String(markerQid), value: 'delvist', material: '', comment: 'før sikkerhedskopien',
      revision: sqlite(server.db, `select coalesce(max(revision), 0) from answer where round_id = ${ROUND}
        and case_id = ${caseId} and question_id = ${markerQid}`) || '0' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': Client.csrf(markerPage.text) },
  });
  assert.equal(marker.status, 200, marker.text);

  let running = true;
  const writers = [answerLoop(leder, caseId, qid, () => running), loginLoop(() => running)];
  await new Promise((r) => setTimeout(r, 300)); // the writers are busy
  const sessionsBefore = Number(sqlite(server.db, 'select count(*) from session'));
  const auditBefore = Number(sqlite(server.db, 'select max(id) from audit'));
  const copy = join(dir, 'kopi.db');
  const started = Date.now();
  const b = await cliAsync(server.db, ['backup', copy]);
  const took = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300)); // and keep writing after it
  running = false;
  const [saves, logins] = await Promise.all(writers);
  assert.equal(b.status, 0, b.stderr);
  assert.ok(saves > 2 && logins > 1, `the server was written to during the test (${saves} saves, ${logins} logins)`);
  assert.ok(took < 20000, `backup took ${took} ms`);
  assert.match(b.stdout, /kontrolleret/);
  const size = statSync(copy).size;
  assert.match(b.stdout, new RegExp(`Størrelse: ${size} byte`));
  assert.match(b.stdout, /2 afdelinger, \d+ brugere, \d+ sager/);
  assert.ok(!existsSync(copy + '.tmp'), 'the temporary file is gone');
  assert.ok(!existsSync(copy + '-wal'), 'the copy is a single file');
  assert.equal(readFileSync(copy).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');

  // The copy: sound, its chain intact, everything committed before the backup began.
  assert.equal(sqlite(copy, 'PRAGMA integrity_check'), 'ok');
  assert.ok(Number(sqlite(copy, 'select count(*) from session')) >= sessionsBefore);
  assert.ok(Number(sqlite(copy, 'select max(id) from audit')) >= auditBefore);
  assert.equal(sqlite(copy, `select value || '|' || comment from answer where round_id = ${ROUND} and case_id = ${caseId}
    and question_id = ${markerQid}`), 'delvist|før sikkerhedskopien');
  assert.ok(Number(sqlite(copy, `select count(*) from audit where action = 'review_answer' and object = 'case:${caseId}'`)) >= 1);
  assert.equal(sqlite(copy, 'select count(*) from cases'), sqlite(server.db, 'select count(*) from cases'));
  // Every audit entry in the copy is the same entry as in the live database (same hash).
  const n = Number(sqlite(copy, 'select count(*) from audit'));
  assert.equal(sqlite(copy, 'select hex(hash) from audit order by id desc limit 1'),
    sqlite(server.db, `select hex(hash) from audit where id = ${n}`));
  // The copy is checked with the live database's key (never stored beside the copy).
  const verify = cli(copy, ['--audit-key', server.db + '.auditkey', 'audit', 'verify']);
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /ubrudt/);
  // The backup itself is in the live log.
  assert.match(sqlite(server.db, `select detail from audit where action = 'backup' order by id desc limit 1`), /kopi\.db/);

  // Not over an existing file without --force; with it, yes.
  writeFileSync(join(dir, 'findes.db'), 'gammel');
  const refused = cli(server.db, ['backup', join(dir, 'findes.db')]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /findes allerede.*--force/);
  assert.equal(readFileSync(join(dir, 'findes.db'), 'utf8'), 'gammel');
  const forced = cli(server.db, ['backup', '--force', join(dir, 'findes.db')]);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(sqlite(join(dir, 'findes.db'), 'PRAGMA integrity_check'), 'ok');

  // Restore, as README.md says, into a fresh location where an old database (with -wal/-shm) lies.
  const restoreDir = mkdtempSync(join(dir, 'restore-'));
  const target = join(restoreDir, 'tilsyn.db');
  assert.equal(cli(target, ['init']).status, 0);
  writeFileSync(target + '-wal', 'stale');
  writeFileSync(target + '-shm', 'stale');
  copyFileSync(copy, target);
  copyFileSync(server.db + '.auditkey', target + '.auditkey'); // the key, from its own backup
  rmSync(target + '-wal', { force: true });
  rmSync(target + '-shm', { force: true });
  const reinit = cli(target, ['init']);
  assert.equal(reinit.status, 0, reinit.stderr);
  const restored = await startServer({ db: target });
  try {
    const c = new Client(restored.url);
    assert.equal((await c.login('leder.barn')).status, 303);
    const cases = await c.get('/d/BHS/cases');
    assert.equal(cases.status, 200);
    const total = sqlite(server.db, `select count(*) from cases c join department d on d.id = c.department_id where d.code = 'BHS'`);
    assert.match(cases.text, new RegExp(`${total} sager i alt`));
    const k = new Client(restored.url);
    assert.equal((await k.login('koordinator.voksen')).status, 303);
    const wrong = await new Client(restored.url).login('leder.barn', 'forkert-kode-1234');
    assert.match(wrong.location ?? '', /^\/login\?fejl=/, 'a wrong password goes back to the form');
    assert.equal(sqlite(target, 'PRAGMA journal_mode'), 'wal');
  } finally {
    await restored.stop();
  }
  assert.equal(cli(target, ['audit', 'verify']).status, 0);
});

test('backup refuses bad arguments and the database itself', () => {
  assert.equal(cli(server.db, ['backup']).status, 2);
  assert.equal(cli(server.db, ['backup', 'a', 'b']).status, 2);
  const self = cli(server.db, ['backup', '--force', server.db]);
  assert.equal(self.status, 2);
  assert.match(self.stderr, /selve databasen/);
  const nodir = cli(server.db, ['backup', join(dir, 'findes-ikke', 'x.db')]);
  assert.notEqual(nodir.status, 0);
  assert.ok(!existsSync(join(dir, 'findes-ikke')));
});
