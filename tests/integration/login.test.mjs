// Logging in and out through the real form: the CSRF-protected login, the session cookie's
// attributes, wrong passwords, waiting after repeated failures (and its audit trail),
// logout ending the session, and `next` never leading off the site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, sqlite } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const sessionCookie = (res) => res.headers.getSetCookie().find((c) => c.startsWith('tilsyn_session='));

test('GET /login shows a form with login, password and a hidden CSRF token', async () => {
  const c = new Client(server.url);
  const res = await c.get('/login');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.text, /<form method="post" action="\/login"/);
  assert.match(res.text, /<input[^>]*\bname="login"/);
  assert.match(res.text, /<input[^>]*\bname="password"[^>]*type="password"|<input[^>]*type="password"[^>]*\bname="password"/);
  assert.match(res.text, /<input type="hidden" name="csrf" value="[0-9a-f]{64}">/);
  // The token in the form is the one in the login cookie.
  const token = Client.csrf(res.text);
  assert.equal(c.cookies.get('tilsyn_login'), token);
});

test('right credentials: 303, an HttpOnly SameSite=Strict session cookie (no Secure on http), then the name on /', async () => {
  const c = new Client(server.url);
  const res = await c.login('anne');
  assert.equal(res.status, 303);
  assert.equal(res.location, '/');
  const cookie = sessionCookie(res);
  assert.ok(cookie, 'a session cookie is set');
  assert.match(cookie, /^tilsyn_session=[0-9a-f]{64};/);
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=Strict/i);
  assert.doesNotMatch(cookie, /;\s*Secure/i, 'no Secure flag over plain HTTP');
  assert.match(cookie, /;\s*Path=\//i);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /Anne Bækgaard/);
});

test('login without a CSRF token is refused with 403 and no session', async () => {
  const c = new Client(server.url);
  await c.get('/login'); // has the login cookie, but the form leaves out the token
  const res = await c.post('/login', { login: 'anne', password: DEMO_PASSWORD });
  assert.equal(res.status, 403);
  assert.equal(sessionCookie(res), undefined);
  assert.match(res.text, /Formularen er udløbet/);
  const home = await c.get('/');
  assert.equal(home.status, 303, 'still not logged in');
});

test('login with a wrong CSRF token, or without the login cookie, is refused with 403', async () => {
  const c = new Client(server.url);
  const page = await c.get('/login');
  const good = Client.csrf(page.text);
  const wrong = good.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
  let res = await c.post('/login', { csrf: wrong, login: 'anne', password: DEMO_PASSWORD });
  assert.equal(res.status, 403);
  assert.equal(sessionCookie(res), undefined);

  // A token from the page but no matching cookie (a forged cross-site post).
  const stranger = new Client(server.url);
  res = await stranger.post('/login', { csrf: good, login: 'anne', password: DEMO_PASSWORD });
  assert.equal(res.status, 403);
  assert.equal(sessionCookie(res), undefined);
});

test('wrong password: 303 back to the form, which shows the Danish message once and keeps the login; no session', async () => {
  const c = new Client(server.url);
  const res = await c.login('koordinator.barn', 'not-the-password');
  assert.equal(res.status, 303);
  assert.match(res.location, /^\/login\?fejl=[0-9a-f]{64}$/);
  assert.equal(sessionCookie(res), undefined);
  const page = await c.get(res.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /<div class="error-summary" role="alert"[^>]*>\n<h2 id="error-summary-title">Der er et problem<\/h2>/);
  assert.match(page.text, /<a href="#password">Forkert brugernavn eller adgangskode\.<\/a>/);
  assert.match(page.text, /name="login"[^>]*value="koordinator\.barn"/);
  assert.doesNotMatch(page.text, /not-the-password/);
  assert.equal(sqlite(server.db, "select count(*) from form_flash where data like '%not-the-password%'"), '0');
  // Single-use: the same address again shows the plain form.
  const again = await c.get(res.location);
  assert.equal(again.status, 200);
  assert.doesNotMatch(again.text, /error-summary|Forkert brugernavn/);
  // An unknown login gets the very same answer.
  const unknown = await c.login('nobody.here', 'not-the-password');
  assert.equal(unknown.status, 303);
  assert.match((await c.get(unknown.location)).text, /Forkert brugernavn eller adgangskode/);
  // Another browser (without this one's login cookie) never sees it.
  const third = await c.login('nobody.here', 'not-the-password');
  assert.doesNotMatch((await new Client(server.url).get(third.location)).text, /Forkert brugernavn|nobody\.here/);
});

test('throttling: after 3 wrong passwords the next try from that address gets 429 and Retry-After at once, then the wait passes', async () => {
  const c = new Client(server.url);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await c.login('morten', `wrong-password-${i}`)).status);
  assert.deepEqual(statuses, [303, 303, 303]);
  // The wait is 1 s now; one more failure after it makes it 2 s, so that the next try surely
  // falls within it (the clock counts whole seconds).
  let res = await c.login('morten', 'wrong-password-3');
  if (res.status === 429) {
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after')) * 1000 + 50));
    res = await c.login('morten', 'wrong-password-3');
  }
  assert.equal(res.status, 303);
  assert.match(res.location, /^\/login\?fejl=/);

  // Even the right password waits, and the answer comes at once (no sleeping worker).
  const started = Date.now();
  res = await c.login('morten', DEMO_PASSWORD);
  assert.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms`);
  assert.equal(res.status, 429);
  assert.equal(sessionCookie(res), undefined);
  const retry = res.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/);
  assert.ok(Number(retry) >= 1 && Number(retry) <= 2, `Retry-After ${retry}`);
  assert.match(res.text, /For mange mislykkede forsøg herfra\. Prøv igen om \d+ sekund(er)? \(\d+\. \w+ \d{4} kl\. \d\d\.\d\d\)/);
  assert.equal((await c.get('/')).status, 303, 'not logged in');

  const actions = sqlite(server.db, "select action from audit where login = 'morten' order by id").split('\n');
  // (Its failures themselves are audited once per address and minute: login_throttle.test.mjs.)
  assert.ok(actions.includes('login_throttled'), 'the start of the wait is audited: ' + actions.join(','));
  assert.ok(!actions.includes('login'), 'no successful login was recorded');

  // Another user is not affected by morten's failures.
  const other = new Client(server.url);
  assert.equal((await other.login('henrik')).status, 303);

  // When the wait has passed, the right password logs in and the count is cleared.
  await new Promise((resolve) => setTimeout(resolve, Number(retry) * 1000 + 100));
  assert.equal((await c.login('morten', DEMO_PASSWORD)).status, 303);
  assert.equal(sqlite(server.db, "select count(*) from login_attempt where login like '% morten'"), '0');
});

test('logout with the page\'s CSRF token ends the session; the old cookie no longer works', async () => {
  const c = new Client(server.url);
  assert.equal((await c.login('louise')).status, 303);
  const old = c.cookies.get('tilsyn_session');
  const home = await c.get('/');
  assert.equal(home.status, 200);
  const csrf = Client.csrf(home.text);
  assert.ok(csrf);

  const res = await c.post('/logout', { csrf });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/login?ud=1');
  assert.match(sessionCookie(res), /Max-Age=0/);
  const bye = await c.get('/login?ud=1');
  assert.match(bye.text, /Du er logget ud/);

  // Replaying the old session cookie: the session is gone on the server too.
  const replay = new Client(server.url);
  replay.cookies.set('tilsyn_session', old);
  const after = await replay.get('/');
  assert.equal(after.status, 303);
  assert.match(after.location, /^\/login/);
  assert.equal((await replay.get('/d/BHS')).status, 303);
  assert.equal(sqlite(server.db, "select count(*) from audit where action = 'logout' and login = 'louise'"), '1');
});

test('logout without the CSRF token is refused with 403 and the session lives on', async () => {
  const c = new Client(server.url);
  assert.equal((await c.login('leder.barn')).status, 303);
  let res = await c.post('/logout', {});
  assert.equal(res.status, 403);
  res = await c.post('/logout', { csrf: '0'.repeat(64) });
  assert.equal(res.status, 403);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /Karen Holm/);
});

test('next: a local path is followed after login', async () => {
  const c = new Client(server.url);
  const anon = await c.get('/d/BHS');
  assert.equal(anon.status, 303);
  assert.equal(anon.location, '/login?next=/d/BHS');
  const page = await c.get(anon.location);
  assert.match(page.text, /<input type="hidden" name="next" value="\/d\/BHS">/);
  const res = await c.post('/login', { csrf: Client.csrf(page.text), login: 'anne', password: DEMO_PASSWORD, next: '/d/BHS' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/d/BHS');
  assert.equal((await c.get('/d/BHS')).status, 200);
});

test('next: another host is never followed (//evil.example, /\\evil.example, hidden control characters)', async () => {
  for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/\t/evil.example', '/\n/evil.example']) {
    const c = new Client(server.url);
    const page = await c.get(`/login?next=${encodeURIComponent(next)}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /name="next"/, `no hidden next for ${JSON.stringify(next)}`);
    const res = await c.post('/login', { csrf: Client.csrf(page.text), login: 'signe', password: DEMO_PASSWORD, next });
    assert.equal(res.status, 303, JSON.stringify(next));
    assert.equal(res.location, '/', `next ${JSON.stringify(next)} led to ${JSON.stringify(res.location)}`);
    // However a browser reads the Location header, it stays on this site.
    assert.equal(new URL(res.location, server.url).origin, server.url);
  }
});
