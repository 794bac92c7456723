// The command line: Danish help for every command, exit status 2 with a message naming the
// problem for bad input, users created on the command line logging in over HTTP, the audit
// log's tamper check, refusing a database from a newer version, a clean stop on SIGTERM,
// and --db taking precedence over $TILSYN_DB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, cli, freshDb, sqlite, startServer, Client, DEMO_PASSWORD } from '../lib/server.mjs';

let work; // a temporary folder for databases made in this file
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-cli-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

// Runs the binary without the helper's --db, with extra environment.
function run(args, { env = {}, input = '' } = {}) {
  const e = { ...process.env, ...env };
  if (!('TILSYN_DB' in env)) delete e.TILSYN_DB;
  const r = spawnSync(binary, args, { input, encoding: 'utf8', env: e, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('tilsyn --help prints the Danish usage and exits 0', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = run(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /^Brug: tilsyn \[--db STI\] KOMMANDO/);
    assert.match(r.stdout, /Kommandoer:/);
    for (const cmd of ['init', 'serve', 'demo', 'user add', 'department add', 'audit verify']) assert.ok(r.stdout.includes(cmd), cmd);
  }
});

test('tilsyn COMMAND --help prints Danish help for each command, exits 0, and opens no database', () => {
  const db = join(work, 'never-created.db');
  const expect = {
    init: /Opretter databasen/,
    serve: /Starter webserveren/,
    demo: /opdigtet kommune/,
    user: /Adgangskoden læses/,
    department: /Området afgør/,
    audit: /logbogens kæde/,
  };
  for (const [cmd, text] of Object.entries(expect)) {
    const r = run(['--db', db, cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, /^Brug:/, cmd);
    assert.match(r.stdout, text, cmd);
    assert.equal(r.stderr, '', cmd);
  }
  assert.equal(run(['--db', db, 'user', 'add', '--help']).status, 0);
  assert.ok(!existsSync(db), 'help does not create the database');
});

test('no command: exit 2 with the usage on stderr; unknown command or option: exit 2 naming it', () => {
  let r = run([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Brug: tilsyn/);
  assert.equal(r.stdout, '');
  r = run(['--db', join(work, 'x.db')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Brug: tilsyn/);
  r = run(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ukendt kommando 'frobnicate'/);
  r = run(['--frobnicate', 'init']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ukendt tilvalg --frobnicate/);
});

test('user add: missing --name, unknown role, unknown department, short password all exit 2 with a message', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const before = sqlite(db, 'select count(*) from users');
    let r = cli(db, ['user', 'add', 'nina', '--role', 'raadgiver', '--department', 'BHS'], 'en god adgangskode\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--name/);
    r = cli(db, ['user', 'add', 'nina', '--name', 'Nina', '--role', 'chef', '--department', 'BHS'], 'en god adgangskode\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--role: ukendt rolle 'chef'/);
    r = cli(db, ['user', 'add', 'nina', '--name', 'Nina', '--role', 'raadgiver', '--department', 'NOPE'], 'en god adgangskode\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--department: afdelingen 'NOPE' findes ikke/);
    r = cli(db, ['user', 'add', 'nina', '--name', 'Nina', '--role', 'raadgiver'], 'en god adgangskode\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /kræver --department/);
    r = cli(db, ['user', 'add', 'nina', '--name', 'Nina', '--role', 'raadgiver', '--department', 'BHS'], 'kort\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /mindst 10 tegn/);
    r = cli(db, ['user', 'add', 'nina', '--name', 'Nina', '--role', 'raadgiver', '--department', 'BHS'], '');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ingen adgangskode/);
    r = cli(db, ['user', 'add', 'nina', '--name', '010190-1234', '--role', 'raadgiver', '--department', 'BHS'], 'en god adgangskode\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CPR-nummer/);
    assert.equal(sqlite(db, 'select count(*) from users'), before, 'nothing was created');
  } finally { cleanup(); }
});

test('user add with the password on stdin: exit 0, and the user logs in over HTTP', async () => {
  const { db, cleanup } = freshDb({ demo: true });
  let server;
  try {
    const r = cli(db, ['user', 'add', 'nina', '--name', 'Nina Nørgaard', '--role', 'raadgiver', '--department', 'BHS'], 'Nina har en god kode\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Brugeren nina er oprettet/);
    assert.equal(sqlite(db, "select count(*) from audit where action = 'user_add' and object = 'nina'"), '1');
    const list = cli(db, ['user', 'list']);
    assert.match(list.stdout, /^nina\tNina Nørgaard\tBHS=raadgiver\taktiv$/m);

    server = await startServer({ db });
    const c = new Client(server.url);
    const login = await c.login('nina', 'Nina har en god kode');
    assert.equal(login.status, 303);
    assert.equal(login.location, '/', 'a password set on the command line need not be changed');
    const home = await c.get('/');
    assert.match(home.text, /Goddag, Nina Nørgaard/);
    assert.equal((await c.get('/d/BHS')).status, 200);
    assert.match((await new Client(server.url).login('nina', 'forkert kode her')).location ?? '', /^\/login\?fejl=/);
  } finally {
    await server?.stop();
    cleanup();
  }
});

test('department add with a bad area exits 2 with a message; a good one exits 0', () => {
  const { db, cleanup } = freshDb();
  try {
    let r = cli(db, ['department', 'add', 'X', '--name', 'Y', '--area', 'forkert']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Området skal være 'barn' eller 'voksen'/);
    r = cli(db, ['department', 'add', 'X', '--name', 'Y']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--area mangler/);
    r = cli(db, ['department', 'add', 'X', '--area', 'barn']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--name mangler/);
    assert.equal(sqlite(db, 'select count(*) from department'), '0');
    r = cli(db, ['department', 'add', 'X', '--name', 'Y', '--area', 'barn']);
    assert.equal(r.status, 0, r.stderr);
    r = cli(db, ['department', 'add', 'x', '--name', 'Z', '--area', 'voksen']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /findes allerede/);
    assert.equal(cli(db, ['department', 'list']).stdout, 'X\tY\tbarn\n');
  } finally { cleanup(); }
});

test('demo on a database that is not empty exits 2 and changes nothing', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const before = sqlite(db, 'select (select count(*) from users) || (select count(*) from department)');
    const r = cli(db, ['demo']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Databasen er ikke tom/);
    assert.equal(sqlite(db, 'select (select count(*) from users) || (select count(*) from department)'), before);
  } finally { cleanup(); }
});

test('audit verify: 0 on a fresh demo database, non-zero naming the entry after tampering', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    let r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    for (const code of ['A1', 'A2', 'A3']) assert.equal(cli(db, ['department', 'add', code, '--name', code, '--area', 'barn']).status, 0);
    const entries = Number(sqlite(db, 'select count(*) from audit'));
    r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Logbogen er ubrudt \\(${entries} poster\\)`));

    // The log refuses changes through SQL while its triggers are there...
    const victim = Number(sqlite(db, "select id from audit where object = 'A2'"));
    assert.throws(() => sqlite(db, `update audit set detail = 'x' where id = ${victim}`), /append-only/);
    // ...and the chain finds a change made behind their back, naming the entry.
    sqlite(db, `drop trigger audit_no_update; update audit set detail = 'ændret' where id = ${victim}`);
    r = cli(db, ['audit', 'verify']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`brudt ved post ${victim}\\b`));
  } finally { cleanup(); }
});

test('audit verify finds a deleted entry in the middle of the log', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    for (const code of ['B1', 'B2', 'B3']) assert.equal(cli(db, ['department', 'add', code, '--name', code, '--area', 'voksen']).status, 0);
    const victim = Number(sqlite(db, "select id from audit where object = 'B2'"));
    sqlite(db, `drop trigger audit_no_delete; delete from audit where id = ${victim}`);
    const r = cli(db, ['audit', 'verify']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`brudt ved post ${victim + 1}\\b`));
  } finally { cleanup(); }
});

test('serve refuses a database from a newer version (user_version 999): exit 1 with a message', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    sqlite(db, 'pragma user_version = 999');
    const r = spawnSync(binary, ['--db', db, 'serve', '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /skemaversion 999/);
    assert.doesNotMatch(r.stdout, /lytter på/);
    assert.equal(sqlite(db, 'pragma user_version'), '999', 'the database was left alone');
  } finally { cleanup(); }
});

test('SIGTERM stops serve with exit 0, after answering the request in progress', async () => {
  const server = await startServer();
  // A failed assertion must not leave the server running (the file would never end).
  try {
    const c = new Client(server.url);
    for (let i = 0; i < 3; i++) assert.match((await c.login('peter', 'wrong-password')).location ?? '', /^\/login\?fejl=/);
    const csrf = await c.csrfFor('/login');
    const body = new URLSearchParams({ csrf, login: 'peter', password: 'wrong-password' }).toString();
    const url = new URL(server.url);
    // A request in progress: its headers and the start of its body reach the server before the
    // signal, the rest of the body after it.
    let req;
    const inFlight = new Promise((resolve, reject) => {
      req = httpRequest({
        host: url.hostname, port: url.port, path: '/login', method: 'POST',
        headers: { cookie: c.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
      req.on('error', reject);
    });
    req.write(body.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the server has it
    const stopped = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.proc.exitCode, null, 'the server waits for the request in progress');
    req.end(body.slice(20));
    const code = await stopped;
    assert.equal(code, 0);
    const status = await inFlight;
    assert.ok([303, 429].includes(status), `the request in progress was answered: ${status}`);
    assert.match(server.stderr(), /stopper \(signal 15\)/);
    await assert.rejects(fetch(server.url + '/healthz'), 'no longer listening');
  } finally {
    if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
  }
});

test('--db takes precedence over $TILSYN_DB', () => {
  const a = freshDb({ demo: true });
  const b = freshDb();
  try {
    let r = run(['--db', a.db, 'department', 'list'], { env: { TILSYN_DB: b.db } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^BHS\t/m);
    r = run([`--db=${a.db}`, 'department', 'list'], { env: { TILSYN_DB: b.db } });
    assert.match(r.stdout, /^BHS\t/m);
    r = run(['department', 'list'], { env: { TILSYN_DB: b.db } });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    r = run(['department', 'list'], { env: { TILSYN_DB: a.db } });
    assert.match(r.stdout, /^VHS\t/m);
    // A write goes to the --db file only.
    r = run(['--db', b.db, 'department', 'add', 'ONLYB', '--name', 'B', '--area', 'barn'], { env: { TILSYN_DB: a.db } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sqlite(b.db, "select count(*) from department where code = 'ONLYB'"), '1');
    assert.equal(sqlite(a.db, "select count(*) from department where code = 'ONLYB'"), '0');
    // Neither given: ./var/tilsyn.db in the working folder.
    r = run(['init']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(work, 'var', 'tilsyn.db')));
  } finally { a.cleanup(); b.cleanup(); }
});

test('--db after the command is refused with exit 2 and a Danish message saying it goes before', () => {
  const a = freshDb({ demo: true });
  try {
    const before = sqlite(a.db, 'select count(*) from department');
    for (const args of [
      ['department', 'list', '--db', a.db],
      ['department', 'add', 'X', '--name', 'X', '--area', 'barn', `--db=${a.db}`],
      ['round', 'list', '--department', 'BHS', '--db', a.db],
    ]) {
      const r = run(args, { env: { TILSYN_DB: a.db } });
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, new RegExp(`^tilsyn: --db skal stå før kommandoen, .*tilsyn --db STI ${args[0]} \\.\\.\\.`), args.join(' '));
    }
    assert.equal(sqlite(a.db, 'select count(*) from department'), before, 'nothing was added');
    // Before the command it works as always.
    assert.equal(run(['--db', a.db, 'department', 'list']).status, 0);
  } finally {
    a.cleanup();
  }
});
