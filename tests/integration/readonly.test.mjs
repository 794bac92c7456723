// A database that cannot be written (issue 7, Resilience): a read-only file or folder, or a
// full disk, gives a clear Danish error naming the cause and loses nothing already committed.
//  - Command line, read-only: the tests run as root, who may write anything, so the command
//    runs as the user nobody (setpriv) against a file and folder nobody cannot write.
//  - Web app, full disk: the database lives on a small tmpfs mounted for this test; with the
//    server running, the disk is filled up and a save answers 503 with the Danish cause (JSON
//    for the autosave endpoint, a page for a form), the server stays up, and once there is
//    room again saving works and every earlier save is there.
// Both need root (setpriv to drop to nobody; mount for the tmpfs) and are skipped with the
// reason when that is not possible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, cli, Client, freshDb, sqlite, startServer } from '../lib/server.mjs';

const CAUSE = /Databasen kan ikke skrives til \(skrivebeskyttet eller fuld disk\)/;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

function copyDb(from, dir) {
  const db = join(dir, 'tilsyn.db');
  copyFileSync(from, db);
  for (const s of ['-wal', '-shm', '.auditkey']) if (existsSync(from + s)) copyFileSync(from + s, db + s);
  return db;
}

const asNobody = (db, args) => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', binary, '--db', db, ...args],
    { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const departments = (db) => sqlite(db, 'select group_concat(code, \',\') from (select code from department order by code)');

test('command line on a read-only database: a Danish error naming the cause, exit 1 or 2, nothing lost', {
  skip: !isRoot ? 'needs root to drop to the user nobody (the file must be unwritable for the one running)'
    : !hasSetpriv ? 'setpriv (util-linux) is not installed' : false,
}, () => {
  const fresh = freshDb();
  try {
    assert.equal(cli(fresh.db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']).status, 0);
    const before = departments(fresh.db);
    const audit = sqlite(fresh.db, 'select count(*) from audit');
    chownSync(fresh.db + '.auditkey', 65534, 65534); // the audit key belongs to the user tilsyn runs as
    assert.ok(statSync(binary).mode & 0o001, 'the binary is executable by others');

    // 1. The folder and the file are read-only for nobody: SQLite cannot even open the WAL.
    chmodSync(fresh.dir, 0o755);
    chmodSync(fresh.db, 0o644);
    let r = asNobody(fresh.db, ['department', 'add', 'NYA', '--name', 'Ny', '--area', 'barn']);
    assert.ok(r.status === 1 || r.status === 2, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, CAUSE);
    assert.doesNotMatch(r.stderr, /readonly database|attempt to write/, 'no English SQLite message');

    // 2. Only the file is read-only (the folder is writable, so the WAL can be read): reading
    //    works, writing is refused with the cause.
    chmodSync(fresh.dir, 0o777);
    chmodSync(fresh.db, 0o444);
    r = asNobody(fresh.db, ['department', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^TST\tTestafdeling\tbarn$/m);
    r = asNobody(fresh.db, ['department', 'add', 'NYB', '--name', 'Ny', '--area', 'barn']);
    assert.ok(r.status === 1 || r.status === 2, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, CAUSE);

    // Nothing committed before is lost, nothing half-written, and root can write again.
    for (const s of ['-wal', '-shm']) rmSync(fresh.db + s, { force: true }); // left by nobody, read-only
    chmodSync(fresh.db, 0o644);
    assert.equal(departments(fresh.db), before);
    assert.equal(sqlite(fresh.db, 'select count(*) from audit'), audit);
    assert.equal(sqlite(fresh.db, 'PRAGMA integrity_check'), 'ok');
    assert.equal(cli(fresh.db, ['audit', 'verify']).status, 0);
    assert.equal(cli(fresh.db, ['department', 'add', 'NYC', '--name', 'Ny', '--area', 'barn']).status, 0);
  } finally {
    fresh.cleanup();
  }
});

// Mounts a tmpfs of `mib` MiB on a new folder; null when that is not possible here.
function mountTmpfs(mib) {
  if (!isRoot) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-fulldisk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Writes a file until the disk is full; returns its path.
function fillDisk(dir) {
  const path = join(dir, 'fyld');
  const fd = openSync(path, 'w');
  const big = Buffer.alloc(1 << 20, 1), small = Buffer.alloc(512, 1);
  try {
    for (const chunk of [big, small]) {
      for (;;) {
        try { writeSync(fd, chunk); } catch (e) { if (e.code === 'ENOSPC') break; throw e; }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

const ROUND = 1;
const base = `/d/BHS/rounds/${ROUND}`;

test('web app on a full disk: 503 with the Danish cause, the server stays up, nothing committed lost', async (t) => {
  const mnt = mountTmpfs(16);
  if (!mnt) {
    t.skip(isRoot ? 'mount -t tmpfs is not permitted here' : 'needs root to mount a small tmpfs to fill');
    return;
  }
  const template = freshDb({ demo: true });
  let server;
  try {
    const db = copyDb(template.db, mnt.dir);
    server = await startServer({ db });
    const q = (sql) => sqlite(db, sql);
    const caseId = Number(q(`select min(case_id) from round_case where round_id = ${ROUND} and status = 'udtrukket'`));
    const [q1, q2] = q(`select q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
      where rc.round_id = ${ROUND} and q.scale = 'jdn' order by q.id limit 2`).split('\n').map(Number);
    const client = new Client(server.url);
    assert.equal((await client.login('koordinator.barn')).status, 303);
    const csrf = await client.csrfFor(`${base}/cases/${caseId}`);
    const save = (question, value, comment, revision) => client.request('POST', `${base}/cases/${caseId}/answer`, {
      body: new URLSearchParams({ question, value, comment, revision: String(revision) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf },
    });

    // Saved before the disk fills.
    let res = await save(q1, 'ja', 'gemt før disken blev fuld', 0);
    assert.equal(res.status, 200, res.text);
    const kept = q(`select value || '|' || comment || '|' || revision from answer where case_id = ${caseId} and question_id = ${q1}`);
    assert.equal(kept, 'ja|gemt før disken blev fuld|1');

    const admin = new Client(server.url);
    assert.equal((await admin.login('admin')).status, 303);
    const adminCsrf = await admin.csrfFor('/admin/departments');

    // Empty the WAL into the database, so the next commit must take new room on the disk.
    q('PRAGMA wal_checkpoint(TRUNCATE)');
    const filler = fillDisk(mnt.dir);

    res = await save(q2, 'nej', 'skrevet på en fuld disk', 0);
    assert.equal(res.status, 503, res.text);
    const json = JSON.parse(res.text);
    assert.equal(json.status, 'error');
    assert.match(json.message, CAUSE);
    // A form (an administrator creating a department) gets a Danish error page.
    const page = await admin.post('/admin/departments', { csrf: adminCsrf, code: 'FULD', name: 'Fuld disk', area: 'barn' });
    assert.equal(page.status, 503);
    assert.match(page.headers.get('content-type'), /text\/html/);
    assert.match(page.text, CAUSE);
    // Logging in writes a session: refused with the same cause, not "wrong password".
    const late = new Client(server.url);
    const login = await late.login('leder.barn');
    assert.equal(login.status, 503);
    assert.match(login.text, CAUSE);
    // The server is still up. A case page cannot be shown, because the read could not be
    // written to the audit log: it fails closed and says why.
    assert.equal(server.proc.exitCode, null);
    const withheld = await client.get(`${base}/cases/${caseId}`);
    assert.equal(withheld.status, 503);
    assert.match(withheld.text, /kunne ikke skrives i logbogen/);
    assert.doesNotMatch(withheld.text, /skrevet på en fuld disk/, 'no case content in the refusal');
    assert.equal((await client.get('/healthz')).status, 200);

    // Room again: saving works, and nothing from before is lost.
    rmSync(filler);
    res = await save(q2, 'nej', 'gemt da der var plads igen', 0);
    assert.equal(res.status, 200, res.text);
    await server.stop();
    server = null;
    assert.equal(q(`select value || '|' || comment || '|' || revision from answer where case_id = ${caseId} and question_id = ${q1}`), kept);
    assert.equal(q(`select value || '|' || comment from answer where case_id = ${caseId} and question_id = ${q2}`),
      'nej|gemt da der var plads igen');
    assert.equal(q("select count(*) from department where code = 'FULD'"), '0');
    assert.equal(q('PRAGMA integrity_check'), 'ok');
    const v = cli(db, ['audit', 'verify']);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  } finally {
    await server?.stop();
    template.cleanup();
    mnt.unmount();
  }
});
