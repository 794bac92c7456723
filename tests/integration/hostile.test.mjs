// Hostile and broken input: markup in stored text comes back escaped, over-long values and
// bodies are refused, invalid UTF-8 and malformed escapes are refused with a message naming
// what was wrong, CPR numbers are kept out, and nothing of it crashes the server or
// half-writes to the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startServer, Client, sqlite } from '../lib/server.mjs';

let server, admin, csrf;
const seen = []; // every status this file received, to check that none was a 500

// A client that records the status of every answer.
class RecordingClient extends Client {
  async request(method, path, opts) {
    const res = await super.request(method, path, opts);
    seen.push({ status: res.status, what: `${method} ${path.slice(0, 80)}` });
    return res;
  }
}

before(async () => {
  server = await startServer();
  admin = new RecordingClient(server.url);
  assert.equal((await admin.login('admin')).status, 303);
  csrf = await admin.csrfFor('/');
  assert.ok(csrf);
});
after(async () => { await server?.stop(); });

const count = (table, where = '1') => Number(sqlite(server.db, `select count(*) from ${table} where ${where}`));
// A raw application/x-www-form-urlencoded POST with the admin's cookie.
const rawPost = (path, body, contentType = 'application/x-www-form-urlencoded') =>
  admin.request('POST', path, { body, headers: { 'content-type': contentType } });

const EVIL = `<script>alert(1)</script>"'&`;
const EVIL_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';

test('markup in a department name is shown escaped, never raw', async () => {
  const res = await admin.post('/admin/departments', { csrf, code: 'XSS', name: EVIL, area: 'barn' });
  assert.equal(res.status, 303);
  assert.equal(sqlite(server.db, "select name from department where code = 'XSS'"), EVIL, 'stored as typed');
  for (const path of ['/admin/departments', '/admin/departments/XSS', '/admin/users/new']) {
    const page = await admin.get(path);
    assert.equal(page.status, 200, path);
    assert.ok(page.text.includes(EVIL_ESCAPED), `${path} shows the escaped name`);
    assert.ok(!page.text.includes('<script>'), `${path} has no raw <script>`);
    assert.ok(!page.text.includes(`"'&`), `${path} has no raw quotes from the name`);
  }
  // A member sees the department's own page, with the name escaped in the title and heading too.
  const id = Number(sqlite(server.db, "select id from users where login = 'anne'"));
  assert.equal((await admin.post(`/admin/users/${id}/role`, { csrf, department: 'XSS', role: 'leder' })).status, 303);
  const anne = new RecordingClient(server.url);
  await anne.login('anne');
  const home = await anne.get('/d/XSS');
  assert.equal(home.status, 200);
  assert.ok(home.text.includes(`<title>${EVIL_ESCAPED} · tilsyn</title>`));
  assert.ok(home.text.includes(`<h1>${EVIL_ESCAPED}</h1>`));
  assert.ok(!home.text.includes('<script>'));
});

test('markup in a user name is shown escaped on the user pages', async () => {
  const name = '<img src=x onerror=alert(1)>';
  const res = await admin.post('/admin/users', { csrf, login: 'xss.user', name, department: 'BHS', role: 'raadgiver' });
  assert.equal(res.status, 200);
  const id = Number(sqlite(server.db, "select id from users where login = 'xss.user'"));
  for (const page of [res, await admin.get('/admin/users'), await admin.get(`/admin/users/${id}`)]) {
    assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!page.text.includes('<img'));
  }
});

test('a 200-character name is accepted, a 201-character one refused (303 back to the form) with a message', async () => {
  let res = await admin.post('/admin/departments', { csrf, code: 'LONG200', name: 'a'.repeat(200), area: 'voksen' });
  assert.equal(res.status, 303);
  assert.equal(sqlite(server.db, "select length(name) from department where code = 'LONG200'"), '200');
  res = await admin.postInvalid('/admin/departments', { csrf, code: 'LONG201', name: 'b'.repeat(201), area: 'voksen' });
  assert.match(res.text, /Navnet er for langt \(højst 200 tegn\)/);
  assert.equal(count('department', "code = 'LONG201'"), 0);
  res = await admin.postInvalid('/admin/users', { csrf, login: 'long.name', name: 'c'.repeat(201), department: 'BHS', role: 'leder' });
  assert.match(res.text, /Navnet er for langt/);
  assert.equal(count('users', "login = 'long.name'"), 0);
});

test('a body over 16 KiB to /admin/departments is refused with 413 and nothing is stored', async () => {
  const before = count('department');
  const res = await admin.post('/admin/departments', { csrf, code: 'BIG', name: 'x'.repeat(17 * 1024), area: 'barn' });
  assert.equal(res.status, 413);
  assert.match(res.text, /De sendte data er for store/);
  assert.equal(count('department'), before);
});

test('a chunked body over 16 KiB (no Content-Length) is refused with 413 too', async () => {
  const before = count('department');
  const url = new URL(server.url);
  const status = await new Promise((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname, port: url.port, path: '/admin/departments', method: 'POST',
      headers: { cookie: admin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.write(`csrf=${csrf}&code=CHUNK&area=barn&name=`);
    for (let i = 0; i < 20; i++) req.write('y'.repeat(1024));
    req.end();
  });
  seen.push({ status, what: 'chunked POST /admin/departments' });
  assert.equal(status, 413);
  assert.equal(count('department'), before);
});

test('invalid UTF-8 in a form value is refused (400) naming the field, and nothing is stored', async () => {
  const before = count('department');
  let res = await rawPost('/admin/departments', `csrf=${csrf}&code=UTF&area=barn&name=Bad%FFname`);
  assert.equal(res.status, 400);
  assert.match(res.text, /Feltet &#39;name&#39; indeholder ugyldige tegn \(ikke UTF-8\)/);
  // Raw bytes, not escaped: an overlong encoding and a lone continuation byte.
  for (const bytes of [[0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80]]) {
    const body = Buffer.concat([Buffer.from(`csrf=${csrf}&code=UTF&area=barn&name=A`), Buffer.from(bytes)]);
    res = await rawPost('/admin/departments', body);
    assert.equal(res.status, 400, bytes.join(','));
    assert.match(res.text, /Feltet &#39;name&#39; indeholder ugyldige tegn/);
  }
  // A NUL byte would cut the value short silently; it is refused as well.
  res = await rawPost('/admin/departments', `csrf=${csrf}&code=UTF&area=barn&name=abc%00def`);
  assert.equal(res.status, 400);
  assert.equal(count('department'), before);
});

test('invalid UTF-8 in the query string or the path is refused with 400', async () => {
  for (const path of ['/login?next=%FF', '/?x=%C3%28', '/admin/departments?ok=%ED%A0%80', '/d/%FF', '/nope%FE']) {
    const res = await admin.get(path);
    assert.equal(res.status, 400, path);
    assert.match(res.text, /Adressen indeholder ugyldige tegn \(ikke UTF-8\)/);
  }
});

test('a malformed %-escape in a form is refused (400), nothing stored', async () => {
  const before = count('department');
  for (const bad of ['name=%G1', 'name=abc%', 'name=abc%4', 'na%zme=x']) {
    const res = await rawPost('/admin/departments', `csrf=${csrf}&code=PCT&area=barn&${bad}`);
    assert.equal(res.status, 400, bad);
    assert.match(res.text, /ugyldig %-kode/);
  }
  assert.equal(count('department'), before);
});

test('a CPR-like name for a new user is refused', async () => {
  const before = count('users');
  for (const name of ['010190-1234', 'Anne 0101901234', '311299 1234']) {
    const res = await admin.postInvalid('/admin/users', { csrf, login: 'cpr.user', name, department: 'BHS', role: 'raadgiver' });
    assert.match(res.text, /ligner et CPR-nummer/);
    assert.ok(!res.text.includes(name), `${name}: the flash brings the CPR number back only masked`);
  }
  assert.equal(count('users'), before);
  // Digits that cannot be a date are a fine name.
  const ok = await admin.post('/admin/users', { csrf, login: 'not.cpr', name: 'Team 999999-9999', department: 'BHS', role: 'raadgiver' });
  assert.equal(ok.status, 200);
});

test('a form sent as multipart/form-data (or another type) is refused with 400', async () => {
  const before = count('department');
  const boundary = 'XyZ123';
  const body = [`--${boundary}`, 'Content-Disposition: form-data; name="csrf"', '', csrf,
    `--${boundary}`, 'Content-Disposition: form-data; name="code"', '', 'MULTI',
    `--${boundary}`, 'Content-Disposition: form-data; name="name"', '', 'Multi',
    `--${boundary}`, 'Content-Disposition: form-data; name="area"', '', 'barn', `--${boundary}--`, ''].join('\r\n');
  let res = await rawPost('/admin/departments', body, `multipart/form-data; boundary=${boundary}`);
  assert.equal(res.status, 400);
  assert.match(res.text, /Formularen blev sendt i et ukendt format/);
  res = await rawPost('/admin/departments', JSON.stringify({ csrf, code: 'JSON', name: 'J', area: 'barn' }), 'application/json');
  assert.equal(res.status, 400);
  res = await rawPost('/admin/departments', `csrf=${csrf}&code=TXT&name=T&area=barn`, 'text/plain');
  assert.equal(res.status, 400);
  assert.equal(count('department'), before);
});

test('very long query values and many fields do not crash the server', async () => {
  for (const n of [1000, 8000, 30000, 100000]) {
    const res = await admin.get(`/admin/departments?ok=${'a'.repeat(n)}`);
    assert.ok(res.status < 500, `query of ${n}: ${res.status}`);
    const login = await admin.get(`/login?next=/${'b'.repeat(n)}`);
    assert.ok(login.status < 500, `next of ${n}: ${login.status}`);
  }
  const many = Array.from({ length: 2100 }, () => 'a=1').join('&'); // 8 KiB: under the body limit
  const res = await rawPost('/admin/departments', `csrf=${csrf}&${many}`);
  assert.equal(res.status, 400);
  assert.match(res.text, /for mange felter/);
  const health = await admin.get('/healthz');
  assert.equal(health.status, 200);
});

test('after all that the server still answers /healthz, and no answer was a 500', async () => {
  const res = await admin.get('/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'ok\n');
  assert.equal(server.proc.exitCode, null, 'the server is still running');
  assert.ok(seen.length > 40, `${seen.length} answers recorded`);
  const errors = seen.filter((s) => s.status >= 500);
  assert.deepEqual(errors, []);
  assert.doesNotMatch(server.stderr(), /fatal|assert|AddressSanitizer|runtime error/i);
});
