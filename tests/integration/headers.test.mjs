// Security and caching headers: every answer tilsyn gives (pages, redirects, errors, static
// files, 304s) carries the same strict Content-Security-Policy and friends; dynamic answers
// are never cached; static files are cacheable with an ETag that gives 304.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startServer, Client } from '../lib/server.mjs';

let server, anne, csrf;
before(async () => {
  server = await startServer();
  anne = new Client(server.url);
  assert.equal((await anne.login('anne')).status, 303);
  csrf = await anne.csrfFor('/');
});
after(async () => { await server?.stop(); });

// The directives of a Content-Security-Policy header, as a Map of name -> [values].
function parseCsp(header) {
  const map = new Map();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

function assertSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy`);
  const d = parseCsp(csp);
  const scripts = d.get('script-src') ?? d.get('default-src');
  assert.ok(scripts, `${what}: script-src or default-src`);
  assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), `${what}: ${csp}`);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"], `${what}: frame-ancestors`);
  assert.deepEqual(d.get('default-src'), ["'none'"], `${what}: default-src`);
  assert.ok(d.has('base-uri') && d.has('form-action'), `${what}: base-uri and form-action`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.match(res.headers.get('referrer-policy') ?? '', /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/, what);
  assert.equal(res.headers.get('strict-transport-security'), null, `${what}: no HSTS over plain HTTP`);
}

const noStore = (res, what) => assert.match(res.headers.get('cache-control') ?? '', /\bno-store\b/, `${what}: Cache-Control`);

test('pages, redirects and errors all carry the security headers and Cache-Control: no-store', async () => {
  const anon = new Client(server.url);
  const answers = [
    ['login page', await anon.get('/login'), 200],
    ['front page', await anne.get('/'), 200],
    ['department page', await anne.get('/d/BHS'), 200],
    ['redirect to login', await anon.get('/admin/users'), 303],
    ['redirect after login', await new Client(server.url).login('signe'), 303],
    ['403', await anne.get('/admin/users'), 403],
    ['404', await anon.get('/no/such/page'), 404],
    ['404 department', await anne.get('/d/NOPE'), 404],
    ['405', await anon.request('PUT', '/login'), 405],
    ['400 bad UTF-8', await anon.get('/login?next=%FF'), 400],
    ['303 wrong password, back to the form', await new Client(server.url).login('peter', 'wrong-password'), 303],
    ['403 CSRF', await anon.post('/login', { login: 'anne', password: 'x' }), 403],
    ['303 form error, back to the form', await anne.post('/account/password', { csrf, current: 'wrong', new: 'a', repeat: 'a' }), 303],
    ['413', await anne.post('/account/password', { csrf, current: 'x'.repeat(9000) }), 413],
    ['health', await anon.get('/healthz'), 200],
  ];
  for (const [what, res, status] of answers) {
    assert.equal(res.status, status, what);
    assertSecurityHeaders(res, what);
    noStore(res, what);
  }
});

test('HTML pages declare UTF-8 and have no inline scripts or inline event handlers', async () => {
  for (const [c, path] of [[new Client(server.url), '/login'], [anne, '/'], [anne, '/d/BHS']]) {
    const res = await c.get(path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${path}: inline script`);
    assert.doesNotMatch(res.text, /\son[a-z]+\s*=/i, `${path}: inline event handler`);
    assert.doesNotMatch(res.text, /\sstyle\s*=/i, `${path}: inline style (CSP style-src 'self')`);
  }
});

test('/static/tilsyn.css: security headers, an ETag, Cache-Control max-age, and 304 on If-None-Match', async () => {
  const res = await fetch(server.url + '/static/tilsyn.css');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.ok((await res.text()).length > 100);
  assertSecurityHeaders(res, 'css');
  const etag = res.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
  const cc = res.headers.get('cache-control') ?? '';
  assert.match(cc, /\bmax-age=\d+/);
  assert.doesNotMatch(cc, /no-store/);
  assert.ok(Number(cc.match(/max-age=(\d+)/)[1]) > 0);

  const again = await fetch(server.url + '/static/tilsyn.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('etag'), etag);
  assertSecurityHeaders(again, '304');

  const stale = await fetch(server.url + '/static/tilsyn.css', { headers: { 'if-none-match': '"0000"' } });
  assert.equal(stale.status, 200);

  // The ETag is the same on every request (it names the content).
  const third = await fetch(server.url + '/static/tilsyn.css');
  assert.equal(third.headers.get('etag'), etag);
  await third.text();
});

test('If-None-Match with a list, a weak tag (as a gzip proxy makes it) or * also gives 304', async () => {
  const res = await fetch(server.url + '/static/tilsyn.css');
  const etag = res.headers.get('etag');
  await res.text();
  for (const inm of [`"abc", ${etag}`, `W/${etag}`, '*']) {
    const again = await fetch(server.url + '/static/tilsyn.css', { headers: { 'if-none-match': inm } });
    assert.equal(again.status, 304, `If-None-Match: ${inm}`);
    await again.text();
  }
});

test('/static/favicon.svg is served with its type', async () => {
  const res = await fetch(server.url + '/static/favicon.svg');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');
  assert.match(await res.text(), /<svg/);
  assertSecurityHeaders(res, 'svg');
});

test('/static/../x, escaped traversal and unknown static files give 404 with the security headers', async () => {
  const c = new Client(server.url);
  // fetch would normalise "/static/../x", so these go out exactly as written.
  for (const path of ['/static/../x', '/static/..%2Fsrc%2Fmain.c', '/static/%2e%2e/%2e%2e/etc/passwd', '/static/nope.css',
    '/static/tilsyn.css/', '/static/.', '/static/schema%2F001_foundation.sql', '/static/tilsyn%252ecss']) {
    const res = await rawGet(path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /CREATE TABLE|int main/, path);
    assertSecurityHeaders({ headers: new Headers(res.headers) }, path);
  }
  const res = await c.get('/static/nope.css');
  noStore(res, 'static 404');
  assert.match(res.text, /Filen findes ikke|Siden findes ikke/);
});

// A GET whose path is sent exactly as given (no URL normalisation by the client).
function rawGet(path) {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]), body }));
    });
    req.on('error', reject);
    req.end();
  });
}
