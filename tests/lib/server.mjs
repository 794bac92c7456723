// Test helpers shared by the integration and browser tests: start the real ./tilsyn on a free
// loopback port with a fresh SQLite file, run the CLI, and an HTTP client that keeps cookies
// and knows how to log in through the real form.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.TILSYN_BINARY || join(root, 'tilsyn');
export const DEMO_PASSWORD = 'tilsyn-demo-2026';

// Runs `tilsyn --db DB args...`; returns {status, stdout, stderr}.
export function cli(db, args, input) {
  const r = spawnSync(binary, ['--db', db, ...args], { input: input ?? '', encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The tests' only ways to read and change the database behind tilsyn's back (another backend
// points these two at its own client). sqlite runs one SQL statement (or several) against DB
// with the sqlite3 command-line tool and returns its trimmed stdout; throws when sqlite3
// fails. `-bail` stops at the first error.
export function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-bail', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

// The whole database as SQL text (every table's rows), e.g. to search it for a CPR number.
export function sqliteDump(db) {
  const r = spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`sqlite3 .dump failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// `tilsyn demo` takes a while (password hashing, case imports), so each test process makes
// the demo database once and hands out copies of it.
let demoTemplate = null;
function demoTemplateDb() {
  if (demoTemplate) return demoTemplate;
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-template-'));
  const db = join(dir, 'tilsyn.db');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let r = cli(db, ['init']);
  if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  r = cli(db, ['demo']);
  if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
  demoTemplate = db;
  return db;
}

// A fresh database in its own temporary folder; `demo` fills it with the demo municipality
// (a copy of this process's demo database: the same data, a file of its own).
export function freshDb({ demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-test-'));
  const db = join(dir, 'tilsyn.db');
  if (demo) {
    const template = demoTemplateDb();
    copyFileSync(template, db);
    // The audit key (made by init beside the database) goes with it, as in a real restore.
    for (const suffix of ['-wal', '-shm', '.auditkey']) if (existsSync(template + suffix)) copyFileSync(template + suffix, db + suffix);
  } else {
    const r = cli(db, ['init']);
    if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  }
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Starts `tilsyn serve` on 127.0.0.1 with a free port; resolves to {url, db, proc, stop}.
export async function startServer({ demo = true, db: existing, args = [] } = {}) {
  const fresh = existing ? null : freshDb({ demo });
  const db = existing ?? fresh.db;
  const proc = spawn(binary, ['--db', db, 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL'); // never leave a half-started server behind
      fresh?.cleanup();
      reject(new Error(`server did not start: ${stderr}`));
    }, 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/lytter på (https?:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      fresh?.cleanup();
      reject(new Error(`server exited ${code}: ${stderr}`));
    });
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      fresh?.cleanup();
      return proc.exitCode;
    }
    const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    const code = await exited;
    fresh?.cleanup();
    return code;
  };
  return { url, db, proc, stop, stderr: () => stderr };
}

// A tiny browser-like HTTP client: keeps cookies, does not follow redirects, and can
// log in through the real form (GET /login for the CSRF token, then POST).
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method, path, { form, body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let payload = body;
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i), value = pair.slice(i + 1);
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, form, opts = {}) { return this.request('POST', path, { ...opts, form }); }

  // A form post that fails validation answers 303 to the form's GET carrying the error
  // (post/redirect/get with a form flash, ?fejl=ID); this follows it as a browser does and
  // returns the page shown, with `posted` the POST's own answer. Throws on anything else.
  async postInvalid(path, form, opts = {}) {
    const posted = await this.post(path, form, opts);
    if (posted.status !== 303 || !/[?&]fejl=[0-9a-f]{64}$/.test(posted.location ?? ''))
      throw new Error(`POST ${path}: expected 303 to the form with ?fejl=, got ${posted.status} ${posted.location ?? ''}`);
    return { ...(await this.get(posted.location)), posted };
  }

  // The CSRF token in the first form of a page.
  static csrf(html) {
    const m = html.match(/name="csrf" value="([0-9a-f]{64})"/);
    return m ? m[1] : null;
  }

  async csrfFor(path) {
    const page = await this.get(path);
    return Client.csrf(page.text);
  }

  async login(login, password = DEMO_PASSWORD) {
    const page = await this.get('/login');
    const csrf = Client.csrf(page.text);
    return this.post('/login', { csrf, login, password });
  }
}

// A stored UTC time as tilsyn shows it to people, in Danish time whatever the machine's time
// zone (worked out with Intl, not with tilsyn): "6. december 2026 kl. 18.12", and its day.
const MONTHS_DA = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];
function danishParts(iso) {
  return Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Copenhagen', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
}
export function danishDay(iso) {
  const p = danishParts(iso);
  return `${Number(p.day)}. ${MONTHS_DA[Number(p.month) - 1]} ${p.year}`;
}
export function danishTime(iso) {
  const p = danishParts(iso);
  return `${danishDay(iso)} kl. ${p.hour}.${p.minute}`;
}

// Recomputes the audit log's hash chain of db (tests/lib/audit_rechain.py): key is 64 hex
// digits, '-' for none or 'file' for DB.auditkey; keyedFrom an id or 'db' (audit_keyed); the
// first `old` entries dated 2023; sql run first.
export function rechainAudit(db, key, keyedFrom, old = 0, sql) {
  const r = spawnSync('python3', [join(root, 'tests', 'lib', 'audit_rechain.py'), db, key, String(keyedFrom), String(old),
    ...(sql ? [sql] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`audit_rechain.py failed: ${r.stderr}`);
}
