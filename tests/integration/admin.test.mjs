// The administrator's pages: creating departments (and refusing duplicates and bad areas),
// creating users with a one-time temporary password that must be changed at first login,
// changing roles, deactivating users and resetting passwords, each taking effect at once on
// the user's existing sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, sqlite, DEMO_PASSWORD } from '../lib/server.mjs';

let server, admin, csrf;
before(async () => {
  server = await startServer();
  admin = new Client(server.url);
  assert.equal((await admin.login('admin')).status, 303);
  csrf = await admin.csrfFor('/');
  assert.ok(csrf);
});
after(async () => { await server?.stop(); });

const count = (table, where = '1') => Number(sqlite(server.db, `select count(*) from ${table} where ${where}`));
const userId = (login) => Number(sqlite(server.db, `select id from users where login = '${login}'`));
const temporaryPassword = (html) => {
  const m = html.match(/<p class="secret"><code>([^<]+)<\/code><\/p>/);
  assert.ok(m, 'the page shows a temporary password');
  return m[1];
};

test('admin creates a department: it is listed on the page and by `tilsyn department list`', async () => {
  const res = await admin.post('/admin/departments', { csrf, code: 'SOC', name: 'Socialpsykiatri', area: 'voksen' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/admin/departments?ok=1');
  const list = await admin.get(res.location);
  assert.equal(list.status, 200);
  assert.match(list.text, /Afdelingen er gemt/);
  assert.match(list.text, /<a href="\/admin\/departments\/SOC">SOC<\/a><\/td><td>Socialpsykiatri<\/td><td>Voksne<\/td>/);
  const out = cli(server.db, ['department', 'list']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^SOC\tSocialpsykiatri\tvoksen$/m);
  assert.equal(sqlite(server.db, "select action from audit order by id desc limit 1"), 'department_add');
  // Its edit page exists.
  assert.equal((await admin.get('/admin/departments/SOC')).status, 200);
});

test('a duplicate department code is refused (303 back to the form) with a Danish message, and nothing changes', async () => {
  const before = sqlite(server.db, 'select group_concat(code || name || area) from department');
  for (const code of ['BHS', 'bhs']) {
    const res = await admin.postInvalid('/admin/departments', { csrf, code, name: 'Dublet', area: 'barn' });
    assert.equal(res.status, 200, code);
    assert.match(res.text, /<a href="#code">Der findes allerede/);
    assert.match(res.text, /Der findes allerede en afdeling med den kode/);
    // The form keeps what was typed.
    assert.match(res.text, /name="name" required maxlength="200" value="Dublet"/);
  }
  assert.equal(sqlite(server.db, 'select group_concat(code || name || area) from department'), before);
});

test('a bad area, a bad code or a missing name is refused (303 back to the form), and nothing is stored', async () => {
  const before = count('department');
  const cases = [
    [{ code: 'NYX', name: 'Ny afdeling', area: 'forkert' }, /Området skal være &#39;barn&#39; eller &#39;voksen&#39;/],
    [{ code: 'NYX', name: 'Ny afdeling' }, /Området skal være/],
    [{ code: 'NY X', name: 'Ny afdeling', area: 'barn' }, /Koden skal være 1-32 tegn/],
    [{ code: 'A'.repeat(33), name: 'Ny afdeling', area: 'barn' }, /Koden skal være 1-32 tegn/],
    [{ code: 'NYX', name: '   ', area: 'barn' }, /Navn mangler/],
  ];
  for (const [form, message] of cases) {
    const res = await admin.postInvalid('/admin/departments', { csrf, ...form });
    assert.equal(res.status, 200, JSON.stringify(form));
    assert.match(res.text, message);
    assert.match(res.text, /role="alert"/);
  }
  assert.equal(count('department'), before);
});

let mads; // { id, password, client }

test('admin creates a user with a role; the page shows a one-time temporary password', async () => {
  const form = await admin.get('/admin/users/new');
  assert.equal(form.status, 200);
  const res = await admin.post('/admin/users', { csrf, login: 'mads', name: 'Mads Mikkelsen', department: 'BHS', role: 'raadgiver' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Brugeren er oprettet/);
  const password = temporaryPassword(res.text);
  assert.match(password, /^[a-zA-Z2-9]{14}$/);
  const id = userId('mads');
  assert.ok(id > 0);
  assert.match(res.text, new RegExp(`href="/admin/users/${id}"`));
  assert.equal(sqlite(server.db, `select must_change_password || is_admin || active from users where id = ${id}`), '101');
  assert.equal(sqlite(server.db, `select role from membership where user_id = ${id}`), 'raadgiver');
  // The password is shown only once: not on the user's page, and not stored in clear text.
  const page = await admin.get(`/admin/users/${id}`);
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes(password));
  assert.ok(!sqlite(server.db, `select password_hash from users where id = ${id}`).includes(password));
  assert.match((await admin.get('/admin/users')).text, /Mads Mikkelsen/);
  mads = { id, password };
});

test('creating a user with a role but no department, an unknown role or department, a taken or bad login is refused', async () => {
  const before = count('users');
  for (const [form, message] of [
    [{ login: 'x1', name: 'X', role: 'raadgiver' }, /Vælg både afdeling og rolle/],
    [{ login: 'x2', name: 'X', department: 'BHS', role: 'chef' }, /Den valgte rolle findes ikke/],
    [{ login: 'x3', name: 'X', department: 'NOPE', role: 'leder' }, /Den valgte afdeling findes ikke/],
    [{ login: 'x4', name: 'X' }, /Giv brugeren en rolle/],
    [{ login: 'anne', name: 'Anden Anne', department: 'BHS', role: 'leder' }, /Der findes allerede en bruger/],
    [{ login: 'x y', name: 'X', department: 'BHS', role: 'leder' }, /Brugernavnet skal være 2-64 tegn/],
  ]) {
    const res = await admin.postInvalid('/admin/users', { csrf, ...form });
    assert.equal(res.status, 200, JSON.stringify(form));
    assert.match(res.text, new RegExp(`name="login"[^>]*value="${form.login}"`), 'the login typed is kept');
    assert.match(res.text, message);
  }
  assert.equal(count('users'), before);
});

test('the new user must change the temporary password first: short and mismatched refused, then success', async () => {
  const c = new Client(server.url);
  const login = await c.login('mads', mads.password);
  assert.equal(login.status, 303);
  assert.equal(login.location, '/account/password');
  // Every page sends the user back to the password form until the password is changed.
  for (const path of ['/', '/d/BHS', '/admin/users']) {
    const res = await c.get(path);
    assert.equal(res.status, 303, path);
    assert.equal(res.location, '/account/password', path);
  }
  const form = await c.get('/account/password');
  assert.equal(form.status, 200);
  assert.match(form.text, /midlertidig adgangskode/);
  const token = Client.csrf(form.text);

  let res = await c.postInvalid('/account/password', { csrf: token, current: mads.password, new: 'kort', repeat: 'kort' });
  assert.equal(res.status, 200);
  assert.match(res.text, /mindst 10 tegn/);
  res = await c.postInvalid('/account/password', { csrf: token, current: mads.password, new: 'en lang sætning her', repeat: 'en anden sætning her' });
  assert.equal(res.status, 200);
  assert.match(res.text, /ikke ens/);
  res = await c.postInvalid('/account/password', { csrf: token, current: 'forkert-adgangskode', new: 'en lang sætning her', repeat: 'en lang sætning her' });
  assert.equal(res.status, 200);
  assert.match(res.text, /nuværende adgangskode er forkert/);
  assert.equal(sqlite(server.db, `select must_change_password from users where id = ${mads.id}`), '1');
  assert.equal((await c.get('/')).status, 303, 'still held at the password form');

  res = await c.post('/account/password', { csrf: token, current: mads.password, new: 'en lang sætning her', repeat: 'en lang sætning her' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/account/password?ok=1');
  const done = await c.get(res.location);
  assert.match(done.text, /Din adgangskode er skiftet/);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /Goddag, Mads Mikkelsen/);
  assert.match(home.text, /<a href="\/d\/BHS">Børn og unge med handicap<\/a>/);
  assert.equal((await c.get('/d/BHS')).status, 200);
  assert.equal(sqlite(server.db, `select must_change_password from users where id = ${mads.id}`), '0');

  // The temporary password is spent; the new one works.
  assert.equal((await new Client(server.url).login('mads', mads.password)).location?.slice(0, 12), '/login?fejl=');
  assert.equal((await new Client(server.url).login('mads', 'en lang sætning her')).status, 303);
  mads.client = c;
});

test('a changed role takes effect on the user\'s existing session at once', async () => {
  const c = mads.client;
  assert.equal((await c.get('/d/BHS')).status, 200);
  let res = await admin.post(`/admin/users/${mads.id}/role`, { csrf, department: 'BHS', role: '' });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/admin/users/${mads.id}?ok=1`);
  assert.equal((await c.get('/d/BHS')).status, 403);

  res = await admin.post(`/admin/users/${mads.id}/role`, { csrf, department: 'VHS', role: 'koordinator' });
  assert.equal(res.status, 303);
  const vhs = await c.get('/d/VHS');
  assert.equal(vhs.status, 200);
  assert.match(vhs.text, /du er faglig koordinator i afdelingen/);
  const home = await c.get('/');
  assert.match(home.text, /href="\/d\/VHS"/);
  assert.doesNotMatch(home.text, /href="\/d\/BHS"/);

  res = await admin.postInvalid(`/admin/users/${mads.id}/role`, { csrf, department: 'VHS', role: 'admin' });
  assert.match(res.posted.location, new RegExp(`^/admin/users/${mads.id}\\?fejl=`));
  assert.match(res.text, /<li><a href="#role">Den valgte rolle findes ikke\.<\/a><\/li>/);
  assert.match(res.text, /<p class="field-error" id="role"><span class="sr">Fejl: <\/span>Den valgte rolle findes ikke\.<\/p>/);
  assert.doesNotMatch((await admin.get(res.posted.location)).text, /error-summary/, 'the flash is single-use');
  assert.equal(sqlite(server.db, `select group_concat(role) from membership where user_id = ${mads.id}`), 'koordinator');
  assert.ok(count('audit', `action = 'user_role' and object = 'user:${mads.id}'`) >= 2);
});

test('deactivating a user ends their existing session immediately and refuses new logins', async () => {
  const c = mads.client;
  assert.equal((await c.get('/')).status, 200);
  const res = await admin.post(`/admin/users/${mads.id}`, { csrf, name: 'Mads Mikkelsen' }); // "active" unticked
  assert.equal(res.status, 303);
  assert.equal(sqlite(server.db, `select active from users where id = ${mads.id}`), '0');
  const after = await c.get('/');
  assert.equal(after.status, 303);
  assert.match(after.location, /^\/login/);
  assert.equal((await c.get('/d/VHS')).status, 303);
  assert.equal(count('session', `user_id = ${mads.id}`), 0);
  assert.equal((await new Client(server.url).login('mads', 'en lang sætning her')).location?.slice(0, 12), '/login?fejl=');
  const list = await admin.get('/admin/users');
  assert.match(list.text, /Mads Mikkelsen<\/a><\/td><td>mads<\/td><td>[^<]*<\/td><td><strong class="tag todo">deaktiveret<\/strong><\/td>/);
});

test('resetting a password ends the user\'s sessions; the new temporary password works', async () => {
  const henrik = new Client(server.url);
  assert.equal((await henrik.login('henrik')).status, 303);
  assert.equal((await henrik.get('/')).status, 200);
  const id = userId('henrik');
  const res = await admin.post(`/admin/users/${id}/password`, { csrf });
  assert.equal(res.status, 200);
  assert.match(res.text, /Ny midlertidig adgangskode/);
  const password = temporaryPassword(res.text);

  const after = await henrik.get('/');
  assert.equal(after.status, 303);
  assert.match(after.location, /^\/login/);
  assert.equal((await new Client(server.url).login('henrik', DEMO_PASSWORD)).location?.slice(0, 12), '/login?fejl=', 'the old password is gone');
  const fresh = new Client(server.url);
  const login = await fresh.login('henrik', password);
  assert.equal(login.status, 303);
  assert.equal(login.location, '/account/password');
  assert.equal(count('audit', `action = 'password_reset' and object = 'user:${id}'`), 1);
});

test('an administrator cannot deactivate themselves or remove their own administrator right', async () => {
  const id = userId('admin');
  for (const form of [{ name: 'Systemadministrator', admin: '1' }, { name: 'Systemadministrator', active: '1' }, { name: 'Systemadministrator' }]) {
    const res = await admin.postInvalid(`/admin/users/${id}`, { csrf, ...form });
    assert.equal(res.status, 200, JSON.stringify(form));
    assert.match(res.text, /Du kan ikke fjerne din egen administratorret eller deaktivere dig selv/);
  }
  assert.equal(sqlite(server.db, `select is_admin || active from users where id = ${id}`), '11');
  assert.equal((await admin.get('/admin/users')).status, 200, 'still an administrator, still logged in');
  // Renaming oneself is fine.
  const ok = await admin.post(`/admin/users/${id}`, { csrf, name: 'Systemadministratoren', admin: '1', active: '1' });
  assert.equal(ok.status, 303);
  assert.equal(sqlite(server.db, `select name from users where id = ${id}`), 'Systemadministratoren');
});

test('an unknown user id is 404', async () => {
  for (const path of ['/admin/users/999999', '/admin/users/abc', '/admin/users/-1']) {
    const res = await admin.get(path);
    assert.equal(res.status, 404, path);
    assert.match(res.text, /Brugeren findes ikke/);
  }
  const res = await admin.post('/admin/users/999999/password', { csrf });
  assert.equal(res.status, 404);
});
