// Sessions (issue 7, Security): a user sees their own live sessions on /account/sessions
// (when each began, when it was last used, its IP address, the one in use marked) and can
// end any of them; ending another session makes its cookie stop working at once; a user
// cannot end someone else's session by its id (404, audited, the session lives on); an
// administrator sees and ends anyone's on the user's admin page. Every ending is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const userId = (login) => num(`select id from users where login = '${login}'`);
// The newest session of a login: the one a login just made.
const newestSession = (login) => num(`select max(id) from session where user_id = ${userId(login)}`);

async function loggedIn(login) {
  const c = new Client(server.url);
  assert.equal((await c.login(login)).status, 303, `${login} logs in`);
  return c;
}

test('a user sees both of their sessions, the current one marked, with IP address', async () => {
  const first = await loggedIn('anne');
  const firstId = newestSession('anne');
  const second = await loggedIn('anne');
  const secondId = newestSession('anne');
  assert.notEqual(firstId, secondId);

  const page = await second.get('/account/sessions');
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Dine sessioner<\/h1>/);
  for (const id of [firstId, secondId]) assert.match(page.text, new RegExp(`<tr id="session-${id}">`));
  // The current one is marked, the other is not; the address is shown.
  const row = (id) => page.text.match(new RegExp(`<tr id="session-${id}">.*?</tr>`))[0];
  assert.match(row(secondId), /\(denne session\)/);
  assert.doesNotMatch(row(firstId), /\(denne session\)/);
  assert.match(row(firstId), /<td>127\.0\.0\.1<\/td>/);
  assert.match(row(firstId), new RegExp(`action="/account/sessions/${firstId}/end"`));
  // Another user's sessions are not listed.
  const other = await loggedIn('morten');
  assert.doesNotMatch(page.text, new RegExp(`session-${newestSession('morten')}"`));
  assert.equal((await other.get('/account/sessions')).text.includes(`session-${firstId}"`), false);
  // The header links to the page.
  assert.match(page.text, /<a href="\/account\/sessions">Sessioner<\/a>/);
});

test('ending the other session makes its cookie stop working at once; audited', async () => {
  const first = await loggedIn('anne');
  const firstId = newestSession('anne');
  const second = await loggedIn('anne');
  assert.equal((await first.get('/')).status, 200, 'the first session works before');

  const csrf = await second.csrfFor('/account/sessions');
  const res = await second.post(`/account/sessions/${firstId}/end`, { csrf });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/account/sessions?ok=1');
  assert.match((await second.get(res.location)).text, /Sessionen er afsluttet/);
  assert.equal(num(`select count(*) from session where id = ${firstId}`), 0);

  const after = await first.get('/');
  assert.equal(after.status, 303, 'the ended session is sent to the login page');
  assert.match(after.location, /^\/login/);
  assert.equal((await second.get('/')).status, 200, 'the session that ended it goes on');

  const audit = q(`select user_id || '|' || action || '|' || object || '|' || detail from audit
    where action = 'session_end' order by id desc limit 1`);
  assert.equal(audit, `${userId('anne')}|session_end|session:${firstId}|session for anne afsluttet`);
});

test('ending the current session logs out', async () => {
  const c = await loggedIn('morten');
  const id = newestSession('morten');
  const csrf = await c.csrfFor('/account/sessions');
  const res = await c.post(`/account/sessions/${id}/end`, { csrf });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/login?ud=1');
  assert.equal((await c.get('/')).status, 303);
  assert.equal(num(`select count(*) from session where id = ${id}`), 0);
});

test("a user cannot end someone else's session by id: 404, audited, the session lives on", async () => {
  const victim = await loggedIn('leder.barn');
  const victimId = newestSession('leder.barn');
  const anne = await loggedIn('anne');
  const csrf = await anne.csrfFor('/account/sessions');
  const denied = num("select count(*) from audit where action = 'access_denied'");

  const res = await anne.post(`/account/sessions/${victimId}/end`, { csrf });
  assert.equal(res.status, 404);
  assert.match(res.text, /Sessionen findes ikke/);
  assert.equal(num(`select count(*) from session where id = ${victimId}`), 1);
  assert.equal((await victim.get('/')).status, 200, "the victim's session still works");
  assert.equal(num("select count(*) from audit where action = 'access_denied'"), denied + 1);
  assert.equal(q(`select object from audit where action = 'access_denied' order by id desc limit 1`), `session:${victimId}`);

  // Nor through the administrator's address (403), nor without the CSRF token (403).
  assert.equal((await anne.post(`/admin/users/${userId('leder.barn')}/sessions/${victimId}/end`, { csrf })).status, 403);
  const own = newestSession('anne');
  assert.equal((await anne.post(`/account/sessions/${own}/end`, {})).status, 403);
  assert.equal(num(`select count(*) from session where id = ${own}`), 1);
  // Nonsense ids are 404, never 500.
  for (const bad of ['abc', '-1', '99999999', "1'--"]) {
    const r = await anne.post(`/account/sessions/${encodeURIComponent(bad)}/end`, { csrf });
    assert.equal(r.status, 404, bad);
  }
  assert.equal(num(`select count(*) from session where id = ${victimId}`), 1);
});

test("an administrator sees and ends anyone's session from the user's admin page; audited", async () => {
  const admin = await loggedIn('admin');
  const user = await loggedIn('koordinator.barn');
  const sid = newestSession('koordinator.barn');
  const uid = userId('koordinator.barn');

  const page = await admin.get(`/admin/users/${uid}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2 id="sessioner">Sessioner<\/h2>/);
  assert.match(page.text, new RegExp(`action="/admin/users/${uid}/sessions/${sid}/end"`));
  const csrf = Client.csrf(page.text);

  // The session must belong to the user in the address.
  const wrongUser = await admin.post(`/admin/users/${userId('anne')}/sessions/${sid}/end`, { csrf });
  assert.equal(wrongUser.status, 404);
  assert.equal((await user.get('/')).status, 200);

  const res = await admin.post(`/admin/users/${uid}/sessions/${sid}/end`, { csrf });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/admin/users/${uid}?ok=1#sessioner`);
  assert.equal((await user.get('/')).status, 303, "the user's cookie no longer works");
  assert.equal(num(`select count(*) from session where id = ${sid}`), 0);
  const audit = q(`select user_id || '|' || object || '|' || detail from audit where action = 'session_end'
    order by id desc limit 1`);
  assert.equal(audit, `${userId('admin')}|session:${sid}|session for koordinator.barn afsluttet`);
  // The admin's own session is untouched.
  assert.equal((await admin.get('/admin/users')).status, 200);
});

test('expired sessions are not listed', async () => {
  const c = await loggedIn('morten');
  const live = newestSession('morten');
  const stale = await loggedIn('morten');
  const staleId = newestSession('morten');
  q(`update session set last_seen = last_seen - 3600 where id = ${staleId}`);
  const page = await c.get('/account/sessions');
  assert.match(page.text, new RegExp(`session-${live}"`));
  assert.doesNotMatch(page.text, new RegExp(`session-${staleId}"`));
  assert.equal((await stale.get('/')).status, 303);
});
