// Who may see what: anonymous visitors are sent to the login page, roles are enforced by the
// router (403 with a Danish page and an audit entry), departments are separate, administrators
// see no case content without a role, and unknown paths and methods get 404 and 405.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite } from '../lib/server.mjs';

let server, anne, admin;
before(async () => {
  server = await startServer();
  anne = new Client(server.url);
  admin = new Client(server.url);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await admin.login('admin')).status, 303);
});
after(async () => { await server?.stop(); });

const danishPage = (res) => {
  assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.match(res.text, /<html lang="da">/);
};

test('anonymous GET of protected pages redirects (303) to /login?next=...', async () => {
  const c = new Client(server.url);
  for (const [path, next] of [['/', '/'], ['/admin/users', '/admin/users'], ['/d/BHS', '/d/BHS'],
    ['/admin/departments/BHS', '/admin/departments/BHS'], ['/account/password', '/account/password']]) {
    const res = await c.get(path);
    assert.equal(res.status, 303, path);
    assert.equal(res.location, `/login?next=${next}`, path);
  }
  // The login page then carries next along in the form.
  const page = await c.get('/login?next=/admin/users');
  assert.match(page.text, /name="next" value="\/admin\/users"/);
});

test('anonymous POST to a protected form is refused (401), nothing changes', async () => {
  const c = new Client(server.url);
  const before = sqlite(server.db, 'select count(*) from department');
  const res = await c.post('/admin/departments', { code: 'ANON', name: 'Anonym', area: 'barn' });
  assert.equal(res.status, 401);
  danishPage(res);
  assert.equal(sqlite(server.db, 'select count(*) from department'), before);
});

test('a raadgiver gets a Danish 403 on the administration pages, also when posting with her valid token', async () => {
  const csrf = await anne.csrfFor('/');
  assert.ok(csrf);
  const before = sqlite(server.db, "select count(*) from audit where action = 'access_denied'");
  for (const path of ['/admin/users', '/admin/departments', '/admin/users/new', '/admin/departments/BHS', '/admin/users/1']) {
    const res = await anne.get(path);
    assert.equal(res.status, 403, path);
    danishPage(res);
    assert.match(res.text, /Ingen adgang/);
    assert.match(res.text, /Du har ikke adgang til denne side/);
  }
  const post = await anne.post('/admin/departments', { csrf, code: 'ANNE', name: 'Annes afdeling', area: 'barn' });
  assert.equal(post.status, 403);
  danishPage(post);
  assert.equal(sqlite(server.db, "select count(*) from department where code = 'ANNE'"), '0');
  const role = await anne.post('/admin/users/4/role', { csrf, department: 'VHS', role: 'leder' });
  assert.equal(role.status, 403);
  assert.equal(sqlite(server.db, "select count(*) from membership m join users u on u.id = m.user_id where u.login = 'anne'"), '1');

  const after = sqlite(server.db, "select count(*) from audit where action = 'access_denied'");
  assert.equal(Number(after) - Number(before), 7);
  const last = sqlite(server.db, "select login || '|' || object from audit where action = 'access_denied' order by id desc limit 1");
  assert.equal(last, 'anne|POST /admin/users/4/role');
  const depts = sqlite(server.db,
    "select object from audit where action = 'access_denied' and login = 'anne' and object = 'POST /admin/departments'");
  assert.equal(depts, 'POST /admin/departments');
});

test('a raadgiver opens her own department but gets 403 on the other one', async () => {
  const own = await anne.get('/d/BHS');
  assert.equal(own.status, 200);
  assert.match(own.text, /<h1>Børn og unge med handicap<\/h1>/);
  assert.match(own.text, /du er rådgiver i afdelingen/);
  const other = await anne.get('/d/VHS');
  assert.equal(other.status, 403);
  danishPage(other);
  assert.doesNotMatch(other.text, /Signe Økjær/, 'nothing of the other department leaks');
  const entry = sqlite(server.db,
    "select count(*) from audit a join department d on d.id = a.department_id where a.action = 'access_denied' and a.login = 'anne' and d.code = 'VHS'");
  assert.equal(entry, '1');
});

test('an unknown department is 404, also when spelled with an escaped escape', async () => {
  for (const path of ['/d/NOPE', '/d/%2542HS', '/admin/departments/NOPE']) {
    const c = path.startsWith('/admin') ? admin : anne;
    const res = await c.get(path);
    assert.equal(res.status, 404, path);
    danishPage(res);
    assert.match(res.text, /Afdelingen findes ikke/);
  }
});

test('an administrator manages users, but without a department role sees no department (403)', async () => {
  const users = await admin.get('/admin/users');
  assert.equal(users.status, 200);
  assert.match(users.text, /Anne Bækgaard/);
  assert.equal((await admin.get('/admin/departments')).status, 200);
  for (const path of ['/d/BHS', '/d/VHS']) {
    const res = await admin.get(path);
    assert.equal(res.status, 403, path);
    danishPage(res);
  }
});

test('an unknown path is a Danish 404 page, for anonymous and logged-in visitors alike', async () => {
  for (const c of [new Client(server.url), anne]) {
    for (const path of ['/nope', '/admin', '/d', '/d/BHS/nope', '/login/', '/static/']) {
      const res = await c.get(path);
      assert.equal(res.status, 404, path);
      danishPage(res);
      assert.match(res.text, /Siden findes ikke/);
    }
  }
});

test('a wrong method is 405 with an Allow header that lists what the path does accept', async () => {
  const c = new Client(server.url);
  for (const [method, path, allowed] of [
    ['PUT', '/login', ['GET', 'HEAD', 'POST']],
    ['DELETE', '/login', ['GET', 'HEAD', 'POST']],
    ['PATCH', '/admin/users', ['GET', 'HEAD', 'POST']],
    ['POST', '/healthz', ['GET', 'HEAD']],
    ['POST', '/', ['GET', 'HEAD']],
    ['GET', '/logout', ['POST']],
    ['DELETE', '/healthz', ['GET', 'HEAD']],
  ]) {
    const res = await c.request(method, path);
    assert.equal(res.status, 405, `${method} ${path}`);
    danishPage(res);
    assert.match(res.text, /Metoden er ikke tilladt/);
    const allow = (res.headers.get('allow') ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
    assert.deepEqual(allow, [...allowed].sort(), `Allow for ${method} ${path}`);
  }
});

test('HEAD answers like GET without a body', async () => {
  const res = await fetch(server.url + '/healthz', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});
