// tilsyn behind a TLS-terminating reverse proxy (issue 12, item 8), with the real server:
// `serve --public-url https://...` makes the session and login (CSRF) cookies Secure and sends
// Strict-Transport-Security although the proxy speaks plain HTTP to tilsyn; without it (or with
// an http:// URL) neither. X-Forwarded-For is believed only from a `--trusted-proxy` address
// (the rightmost address that is not a trusted proxy), which the audit log then records;
// from anyone else the header is ignored and the socket's address is recorded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli, freshDb } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function serve(args) {
  const s = await startServer({ args });
  servers.push(s);
  return s;
}

// Logs in as anne sending X-Forwarded-For on every request, then logs out; returns the
// Set-Cookie headers seen and the HSTS header of the login page.
async function session(server, forwarded) {
  const headers = forwarded ? { 'x-forwarded-for': forwarded } : {};
  const c = new Client(server.url);
  const page = await fetch(`${server.url}/login`, { headers });
  const cookies = [...page.headers.getSetCookie()];
  const csrf = Client.csrf(await page.text());
  const [loginPair] = cookies.find((x) => x.startsWith('tilsyn_login=')).split(';');
  c.cookies.set(...loginPair.split('='));
  const res = await fetch(`${server.url}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { ...headers, cookie: c.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, login: 'anne', password: 'tilsyn-demo-2026' }).toString(),
  });
  assert.equal(res.status, 303, 'anne logs in');
  cookies.push(...res.headers.getSetCookie());
  const [sessionPair] = res.headers.getSetCookie().find((x) => x.startsWith('tilsyn_session=')).split(';');
  c.cookies.set(...sessionPair.split('='));
  const home = await c.get('/', { headers });
  assert.equal(home.status, 200);
  const out = await c.post('/logout', { csrf: Client.csrf(home.text) }, { headers });
  assert.equal(out.status, 303, 'anne logs out');
  return { cookies, hsts: page.headers.get('strict-transport-security'), homeHsts: home.headers.get('strict-transport-security') };
}

// The addresses the audit log recorded for anne's newest login and logout.
const ips = (server) => sqlite(server.db, `select group_concat(ip, ' ') from (select ip from audit
  where login = 'anne' and action in ('login', 'logout') order by id desc limit 2)`);

const secure = (c) => /;\s*Secure(;|$)/i.test(c);

test('without a public URL: no Secure, no HSTS, X-Forwarded-For ignored', async () => {
  const server = await serve([]);
  const s = await session(server, '203.0.113.9');
  assert.ok(s.cookies.length >= 2);
  for (const c of s.cookies) assert.ok(!secure(c), c);
  assert.equal(s.hsts, null);
  assert.equal(ips(server), '127.0.0.1 127.0.0.1');
});

test('an http:// public URL is plain HTTP too', async () => {
  const server = await serve(['--public-url', 'http://tilsyn.example.dk']);
  const s = await session(server);
  for (const c of s.cookies) assert.ok(!secure(c), c);
  assert.equal(s.homeHsts, null);
});

test('an https:// public URL: session and login cookies Secure, HSTS on every answer; no proxy trusted, so the socket address', async () => {
  const server = await serve(['--public-url', 'https://tilsyn.example.dk']);
  const s = await session(server, '203.0.113.9');
  const session_ = s.cookies.filter((c) => c.startsWith('tilsyn_session=') && !/Max-Age=0/.test(c));
  const login = s.cookies.filter((c) => c.startsWith('tilsyn_login='));
  assert.ok(session_.length >= 1 && login.length >= 1);
  for (const c of s.cookies) {
    assert.ok(secure(c), `Secure: ${c}`);
    assert.match(c, /HttpOnly/);
    assert.match(c, /SameSite=Strict/);
  }
  assert.equal(s.hsts, 'max-age=31536000');
  assert.equal(s.homeHsts, 'max-age=31536000');
  // Errors and static files too.
  for (const path of ['/findes-ikke', '/static/tilsyn.css', '/healthz'])
    assert.equal((await fetch(server.url + path)).headers.get('strict-transport-security'), 'max-age=31536000', path);
  assert.equal(ips(server), '127.0.0.1 127.0.0.1', 'X-Forwarded-For from an untrusted peer is ignored');
});

test('a trusted proxy: the rightmost untrusted address of X-Forwarded-For goes into the audit log', async () => {
  const server = await serve(['--public-url', 'https://tilsyn.example.dk', '--trusted-proxy', '10.9.9.9',
    '--trusted-proxy', '127.0.0.1']);
  // The client wrote its own header (1.2.3.4); the proxy appended the address it saw.
  await session(server, '1.2.3.4, 203.0.113.9');
  assert.equal(ips(server), '203.0.113.9 203.0.113.9');
  // A chain of trusted proxies is skipped; garbage is not recorded.
  await session(server, '198.51.100.4, 10.9.9.9');
  assert.equal(ips(server), '198.51.100.4 198.51.100.4');
  await session(server, "'); drop table audit; --");
  assert.equal(ips(server), '127.0.0.1 127.0.0.1');
  // Without the header: the socket's address.
  await session(server);
  assert.equal(ips(server), '127.0.0.1 127.0.0.1');
});

test('a trusted proxy that is not the peer: the header is ignored', async () => {
  const server = await serve(['--trusted-proxy', '10.9.9.9']);
  await session(server, '203.0.113.9');
  assert.equal(ips(server), '127.0.0.1 127.0.0.1');
});

test('bad proxy options are refused at start with a Danish message and exit 2', () => {
  const { db, cleanup } = freshDb();
  try {
    let r = cli(db, ['serve', '--listen', '127.0.0.1:0', '--public-url', 'tilsyn.example.dk']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--public-url skal begynde med https:\/\//);
    r = cli(db, ['serve', '--listen', '127.0.0.1:0', '--trusted-proxy', 'proxy.kommune.dk']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--trusted-proxy skal være en IP-adresse/);
  } finally { cleanup(); }
});
