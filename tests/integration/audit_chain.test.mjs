// The audit log against someone with write access to the database file (issue 12, item 2),
// with the real command line on real SQLite files. The chain is keyed with the key file init
// makes beside the database (mode 0600): an edited entry with the whole chain recomputed with
// a wrong key (by python3's hashlib, an implementation independent of audit.c, which accepts
// the same recomputation with the right key) is caught. `audit head` gives ID:HASH and
// `audit verify --head` fails, naming what is missing, after the newest entries or all of them
// are deleted (the chain alone still holds after the first). A log that does not begin at 1
// without a purge anchor is broken. A dropped or replaced append-only trigger is created again
// by init and serve, with an audit entry and a warning. A backup records its head in FILE.head
// and `audit verify` of the restored copy uses it. A log from before the key (schema 8) keeps
// its entries verifiable without the key and is keyed from the next entry on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, rmSync, copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { binary, freshDb, cli, sqlite, startServer, rechainAudit } from '../lib/server.mjs';

// Recomputes the chain over the stored fields (tests/lib/audit_rechain.py): entries from keyedFrom
// on keyed with keyHex ('-' for none: the unkeyed hash of before), optionally after some SQL.
const rechain = (db, keyHex, keyedFrom, sql) => rechainAudit(db, keyHex, keyedFrom, 0, sql);
const keyOf = (db) => readFileSync(db + '.auditkey', 'utf8').trim();
const head = (db) => {
  const r = cli(db, ['audit', 'head']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+:[0-9a-f]{64}\n$/);
  return r.stdout.trim();
};
const addDepartments = (db, codes) => {
  for (const code of codes) assert.equal(cli(db, ['department', 'add', code, '--name', code, '--area', 'barn']).status, 0);
};

test('init makes the key file (0600, 64 hex digits) once, says to back it up; other commands need it', () => {
  const { dir, cleanup } = freshDb({ demo: false });
  try {
    const db = join(dir, 'ny.db');
    const r = cli(db, ['init']);
    assert.equal(r.status, 0, r.stderr);
    const keyFile = db + '.auditkey';
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.match(r.stderr, new RegExp(`ny nøgle til logbogen er skrevet i ${keyFile.replace(/[.]/g, '\\.')}`));
    assert.match(r.stderr, /sikkerhedskopi af nøglen/);
    const key = keyOf(db);
    const again = cli(db, ['init']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stderr, '');
    assert.equal(keyOf(db), key, 'init keeps an existing key');

    addDepartments(db, ['K1']);
    // The key elsewhere: named by --audit-key or $TILSYN_AUDIT_KEY.
    const elsewhere = join(dir, 'andetsteds.key');
    renameSync(keyFile, elsewhere);
    assert.equal(cli(db, ['--audit-key', elsewhere, 'audit', 'verify']).status, 0);
    const env = spawnSync(binary, ['--db', db, 'audit', 'verify'], { encoding: 'utf8', env: { ...process.env, TILSYN_AUDIT_KEY: elsewhere } });
    assert.equal(env.status, 0, env.stderr);
    // Without its key no command runs, and init does not make a new key for a keyed log.
    for (const args of [['audit', 'verify'], ['department', 'add', 'K2', '--name', 'K2', '--area', 'barn'], ['init']]) {
      const refused = cli(db, args);
      assert.equal(refused.status, 1, args.join(' '));
      assert.match(refused.stderr, /nøglen til logbogen findes ikke/);
      assert.match(refused.stderr, /--audit-key/);
    }
    assert.ok(!existsSync(keyFile));
    // A key readable by others is refused.
    spawnSync('sh', ['-c', `printf '%s\\n' ${key} > ${keyFile} && chmod 644 ${keyFile}`]);
    const open = cli(db, ['audit', 'verify']);
    assert.equal(open.status, 1);
    assert.match(open.stderr, /kan læses af andre.*chmod 600/);
  } finally { cleanup(); }
});

test('an edited entry with the chain recomputed with a wrong key is caught; with the right key it is not', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    addDepartments(db, ['A1', 'A2']);
    assert.equal(cli(db, ['audit', 'verify']).status, 0);
    const victim = Number(sqlite(db, "select id from audit where object = 'A1'"));
    // The old attack: edit, then recompute the unkeyed chain. Caught at the first keyed entry (1).
    rechain(db, '-', 1, `UPDATE audit SET detail = 'intet' WHERE id = ${victim}`);
    let r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /brudt ved post 1\b.*nøglen til logbogen er forkert/);
    // The same with a key of the attacker's own.
    rechain(db, 'ab'.repeat(32), 1);
    r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /brudt ved post 1\b/);
    // The python hashing is tilsyn's: with the right key the edited log recomputes cleanly, which
    // is why the key must be kept away from the database.
    rechain(db, keyOf(db), 1);
    r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sqlite(db, `select detail from audit where id = ${victim}`), 'intet');
  } finally { cleanup(); }
});

test('verify --head: the newest entries deleted, then every entry deleted', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const older = head(db);
    addDepartments(db, ['H1', 'H2', 'H3']);
    const newest = head(db);
    const [newestId] = newest.split(':').map(Number);
    let r = cli(db, ['audit', 'verify', '--head', newest]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`når hovedet ${newestId} fra --head`));

    sqlite(db, `drop trigger audit_no_delete; delete from audit where id > ${newestId - 2}`);
    // The chain that is left is intact: only the head finds the loss.
    assert.equal(cli(db, ['audit', 'verify']).status, 0);
    r = cli(db, ['audit', 'verify', '--head', newest]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`slutter ved post ${newestId - 2}: post ${newestId - 1}-${newestId} mangler`));
    assert.equal(cli(db, ['audit', 'verify', '--head', older]).status, 0, 'an older head is still reached');
    // A head whose hash differs (the log rewritten up to it) fails too.
    const [olderId] = older.split(':');
    r = cli(db, ['audit', 'verify', '--head', `${olderId}:${'0'.repeat(64)}`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`post ${olderId} har en anden hash end hovedet`));
    assert.equal(cli(db, ['audit', 'verify', '--head', 'nonsens']).status, 2);

    sqlite(db, 'delete from audit');
    r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 1, 'an empty log while users and cases exist is broken');
    assert.match(r.stderr, /logbogen er tom, men databasen har brugere, sager eller tilsyn/);
    r = cli(db, ['audit', 'verify', '--head', newest]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /tom/);
  } finally { cleanup(); }
});

test('a log that does not begin at 1 without a purge anchor is broken, naming the missing entries', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    sqlite(db, 'drop trigger audit_no_delete; delete from audit where id <= 3');
    const r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /begynder ved post 4, men ingen oprydning har slettet posterne før den: post 1-3 mangler/);
    // init, too, no longer reports success over a broken log.
    const init = cli(db, ['init']);
    assert.equal(init.status, 1);
    assert.match(init.stderr, /ADVARSEL: logbogen er brudt ved post 4/);
  } finally { cleanup(); }
});

test('init restores dropped or replaced append-only triggers, with an audit entry and a warning', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    sqlite(db, `drop trigger audit_no_update; drop trigger audit_no_delete;
      create trigger audit_no_delete before delete on audit when 0 begin select 1; end`);
    const r = cli(db, ['init']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /ADVARSEL: logbogens beskyttende triggere/);
    assert.match(r.stderr, /audit_no_update \(manglede\), audit_no_delete \(ændret\)/);
    assert.throws(() => sqlite(db, 'update audit set detail = 1 where id = 1'), /append-only/);
    assert.throws(() => sqlite(db, 'delete from audit where id = 2'), /append-only/);
    assert.match(sqlite(db, "select detail from audit where action = 'audit_triggers_restored'"),
      /audit_no_update \(manglede\), audit_no_delete \(ændret\)/);
    assert.equal(cli(db, ['audit', 'verify']).status, 0);
    // Nothing to do the next time.
    const again = cli(db, ['init']);
    assert.equal(again.stderr, '');
    assert.equal(sqlite(db, "select count(*) from audit where action = 'audit_triggers_restored'"), '1');
  } finally { cleanup(); }
});

test('serve restores a dropped trigger at start, with an audit entry and a warning', async () => {
  const { db, cleanup } = freshDb({ demo: true });
  const server = await startServer({ db }).catch((e) => { cleanup(); throw e; });
  await server.stop();
  sqlite(db, 'drop trigger audit_keyed_sealed; drop trigger audit_anchor_forward');
  const again = await startServer({ db });
  try {
    assert.match(again.stderr(), /ADVARSEL: logbogens beskyttende triggere.*audit_anchor_forward \(manglede\), audit_keyed_sealed \(manglede\)/);
    assert.equal(sqlite(db, "select count(*) from sqlite_master where type = 'trigger' and name in ('audit_keyed_sealed', 'audit_anchor_forward')"), '2');
    assert.match(sqlite(db, "select detail from audit where action = 'audit_triggers_restored'"), /audit_keyed_sealed/);
  } finally {
    await again.stop();
    cleanup();
  }
});

test('a backup records its head beside the copy; verify of the restored copy uses it', () => {
  const { dir, db, cleanup } = freshDb({ demo: true });
  try {
    addDepartments(db, ['B1']);
    const copy = join(dir, 'kopi.db');
    const b = cli(db, ['backup', copy]);
    assert.equal(b.status, 0, b.stderr);
    const recorded = readFileSync(copy + '.head', 'utf8').trim();
    assert.match(recorded, /^\d+:[0-9a-f]{64}$/);
    assert.ok(b.stdout.includes(`Logbogens hoved: ${recorded}`), b.stdout);
    // The copy's head is the live log's entry of that id (the backup entry itself comes after).
    const [id, hash] = recorded.split(':');
    assert.equal(sqlite(db, `select lower(hex(hash)) from audit where id = ${id}`), hash);
    assert.match(sqlite(db, "select detail from audit where action = 'backup' order by id desc limit 1"), new RegExp(recorded));

    // Restore as the README says (the key from its own backup), with FILE.head beside it.
    const restored = join(dir, 'gendannet.db');
    copyFileSync(copy, restored);
    copyFileSync(copy + '.head', restored + '.head');
    copyFileSync(db + '.auditkey', restored + '.auditkey');
    let r = cli(restored, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(`når hovedet ${id} fra ${restored}.head`), r.stdout);
    // The newest entry of the copy deleted: the chain alone holds, the recorded head does not.
    sqlite(restored, `drop trigger audit_no_delete; delete from audit where id = ${id}`);
    r = cli(restored, ['audit', 'verify']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`hovedet fra ${restored.replace(/[.]/g, '\\.')}\\.head: logbogen slutter ved post ${id - 1}: post ${id}-${id} mangler`));
    // The copy in place, checked with the live key and its head given by hand.
    r = cli(copy, ['--audit-key', db + '.auditkey', 'audit', 'verify', '--head', recorded]);
    assert.equal(r.status, 0, r.stderr);
  } finally { cleanup(); }
});

test('a log from before the key stays verifiable and is keyed from its next entry on', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    // Make it as an older tilsyn left it: schema 8, no key marker, the chain hashed without a key
    // (and without what the migrations after 9 add, so that they can run again).
    sqlite(db, `drop trigger audit_keyed_no_delete; drop trigger audit_keyed_sealed; drop table audit_keyed;
      drop table advisor_alias; alter table round_case drop column reviewer_cleared;
      drop index upload_user; drop index upload_created;
      drop index round_remeasure_of; alter table round drop column remeasure_of;
      drop table form_flash; drop table feedback_release; drop table question_condition;
      pragma user_version = 8`);
    rechain(db, '-', 1e9);
    rmSync(db + '.auditkey');
    const entries = Number(sqlite(db, 'select max(id) from audit'));
    const oldHash = sqlite(db, `select hex(hash) from audit where id = ${entries}`);
    const refused = cli(db, ['audit', 'verify']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /tilsyn init/);

    const r = cli(db, ['init']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /ny nøgle til logbogen/);
    assert.equal(sqlite(db, 'select from_id from audit_keyed'), String(entries + 1));
    assert.match(sqlite(db, `select action || ': ' || detail from audit where id = ${entries + 1}`),
      new RegExp(`audit_keyed: logbogens kæde er nøglebeskyttet fra post ${entries + 1}; de ${entries} ældre`));
    assert.equal(sqlite(db, `select hex(hash) from audit where id = ${entries}`), oldHash, 'old entries are as they were');
    addDepartments(db, ['L1']);
    assert.equal(cli(db, ['audit', 'verify']).status, 0);

    // The old, unkeyed part edited and recomputed without the key: the first keyed entry catches it.
    const snapshot = db + '.snap';
    copyFileSync(db, snapshot);
    rechain(db, '-', entries + 1, `UPDATE audit SET detail = 'intet' WHERE id = 2`);
    let v = cli(db, ['audit', 'verify']);
    assert.equal(v.status, 1);
    assert.match(v.stderr, new RegExp(`brudt ved post ${entries + 1}\\b`));
    // Moving the marker to verify everything without the key is caught too.
    copyFileSync(snapshot, db);
    sqlite(db, `drop trigger audit_keyed_sealed; update audit_keyed set from_id = 1000000`);
    rechain(db, '-', 1e9);
    v = cli(db, ['audit', 'verify']);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /markeringen af, at logbogen er beskyttet med nøglen fra post 1000000, er ændret/);
  } finally { cleanup(); }
});
