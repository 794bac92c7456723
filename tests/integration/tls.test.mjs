// HTTPS: with --tls-cert and --tls-key the server answers over TLS (a throw-away self-signed
// certificate made with openssl), the session cookie gets Secure, and Strict-Transport-Security
// is sent. Also: a missing key file is refused before anything listens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, binary, freshDb, DEMO_PASSWORD } from '../lib/server.mjs';

let dir, cert, key, server;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tilsyn-tls-'));
  cert = join(dir, 'cert.pem');
  key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
});
after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// One HTTPS request that accepts the self-signed certificate; resolves to {status, headers, body}.
function get(path, { method = 'GET', headers = {}, body } = {}) {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const cookiesOf = (res) => (res.headers['set-cookie'] ?? []);
const pair = (c) => c.split(';')[0];

test('the server says it listens on https', () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('the login page loads over HTTPS with Strict-Transport-Security', async () => {
  const res = await get('/login');
  assert.equal(res.status, 200);
  assert.match(res.body, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
  assert.match(res.headers['strict-transport-security'] ?? '', /^max-age=\d+/);
  assert.ok(Number(res.headers['strict-transport-security'].match(/max-age=(\d+)/)[1]) >= 86400);
  const login = cookiesOf(res).find((c) => c.startsWith('tilsyn_login='));
  assert.match(login, /;\s*Secure/i);
  assert.match(login, /;\s*HttpOnly/i);
  const health = await get('/healthz');
  assert.equal(health.status, 200);
  assert.ok(health.headers['strict-transport-security']);
});

test('after logging in over HTTPS the session cookie is Secure, HttpOnly and SameSite=Strict', async () => {
  const page = await get('/login');
  const csrf = page.body.match(/name="csrf" value="([0-9a-f]{64})"/)[1];
  const loginCookie = pair(cookiesOf(page).find((c) => c.startsWith('tilsyn_login=')));
  const body = new URLSearchParams({ csrf, login: 'anne', password: DEMO_PASSWORD }).toString();
  const res = await get('/login', {
    method: 'POST', body,
    headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/');
  const session = cookiesOf(res).find((c) => c.startsWith('tilsyn_session='));
  assert.ok(session, 'a session cookie');
  assert.match(session, /;\s*Secure/i);
  assert.match(session, /;\s*HttpOnly/i);
  assert.match(session, /;\s*SameSite=Strict/i);
  assert.ok(res.headers['strict-transport-security']);

  const home = await get('/', { headers: { cookie: pair(session) } });
  assert.equal(home.status, 200);
  assert.match(home.body, /Anne Bækgaard/);
});

test('plain HTTP to the HTTPS port gets no page', async () => {
  const plain = server.url.replace(/^https:/, 'http:');
  let status = null;
  try {
    const res = await fetch(plain + '/login', { signal: AbortSignal.timeout(5000) });
    status = res.status;
    assert.doesNotMatch(await res.text(), /name="csrf"/);
  } catch {
    status = 'refused';
  }
  assert.notEqual(status, 200);
});

test('--tls-cert without a readable --tls-key is refused (exit 2) before listening', () => {
  const { db, cleanup } = freshDb();
  try {
    for (const args of [['--tls-cert', cert], ['--tls-cert', cert, '--tls-key', join(dir, 'missing.pem')]]) {
      const r = spawnSync(binary, ['--db', db, 'serve', '--listen', '127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /TLS kræver både --tls-cert og --tls-key/);
      assert.doesNotMatch(r.stdout, /lytter på/);
    }
  } finally { cleanup(); }
});
