// Failed logins against the real server from several client addresses (Linux routes all of
// 127.0.0.0/8 over loopback, so a client bound to 127.0.0.2 reaches the server on 127.0.0.1 and
// is seen as 127.0.0.2): waits per login and address that an attacker cannot turn against the
// person from elsewhere, answered at once with 429 and Retry-After while /healthz stays fast;
// refusals audited once per address and minute with counts; login_attempt bounded; the login
// form's token signed; wrong current passwords on /account/password ending the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startServer, freshDb, Client, DEMO_PASSWORD, sqlite } from '../lib/server.mjs';

// The tests' Client, but connecting from a chosen loopback address (node:http's localAddress).
class AddrClient extends Client {
  constructor(base, localAddress) {
    super(base);
    this.localAddress = localAddress;
  }

  request(method, path, { form, body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    let payload = body;
    if (form) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const url = new URL(this.base + path);
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: h,
        localAddress: this.localAddress, agent: false,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const setCookies = [].concat(res.headers['set-cookie'] ?? []);
          for (const c of setCookies) {
            const [pair] = c.split(';');
            const i = pair.indexOf('=');
            const name = pair.slice(0, i), value = pair.slice(i + 1);
            if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const headersOut = { get: (n) => res.headers[n.toLowerCase()] ?? null, getSetCookie: () => setCookies };
          resolve({ status: res.statusCode, headers: headersOut, text: Buffer.concat(chunks).toString('utf8'),
            location: res.headers.location ?? null });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// A refused form post answers 303 back to its form with the message (?fejl=); else the status.
const answer = (r) => (r.status === 303 && /[?&]fejl=/.test(r.location ?? '') ? 'fejl' : r.status);

// Wrong passwords for `login` from client c until the server has counted `n` failures of that
// login from c's address, waiting out each 429 (the waits before the nth are 1, 2 ... s).
async function failUntil(c, login, n) {
  const counted = () => Number(sqlite(server.db,
    `select coalesce(max(failures), 0) from login_attempt where login = '${c.localAddress} ${login}'`));
  while (counted() < n) {
    const res = await c.login(login, 'et-forkert-gæt');
    if (res.status === 429) await sleep(Number(res.headers.get('retry-after')) * 1000 + 50);
    else assert.equal(answer(res), 'fejl');
  }
}
const sessionCookie = (res) => res.headers.getSetCookie().find((c) => c.startsWith('tilsyn_session='));

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('the server sees each client address: a login from 127.0.0.2 is audited with it', async () => {
  const c = new AddrClient(server.url, '127.0.0.2');
  assert.equal((await c.login('signe')).status, 303);
  assert.equal(sqlite(server.db, "select ip from audit where action = 'login' and login = 'signe' order by id desc limit 1"), '127.0.0.2');
});

test('an attacker\'s address waits (429, Retry-After, at once) while the person logs in from her own at once', async () => {
  const attacker = new AddrClient(server.url, '127.0.0.3');
  for (let i = 0; i < 3; i++) assert.equal(answer(await attacker.login('anne', `gæt-${i}`)), 'fejl');
  // Two more (after waiting 1 and 2 s): now the address waits 4 s for anne, so the next try
  // surely falls within it (the clock counts whole seconds).
  await failUntil(attacker, 'anne', 5);
  // The attacker's next try waits, even with the right password, and is answered at once.
  const t0 = Date.now();
  const res = await attacker.login('anne', DEMO_PASSWORD);
  assert.ok(Date.now() - t0 < 1000, `answered in ${Date.now() - t0} ms`); // no argon2, no sleep
  assert.equal(res.status, 429);
  assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  assert.match(res.text, /For mange mislykkede forsøg herfra\. Prøv igen om \d+ sekund(er)?/);
  assert.equal(sessionCookie(res), undefined);

  // Anne, from another address, logs in at once: no lock-out for everyone.
  const anne = new AddrClient(server.url, '127.0.0.4');
  const t1 = Date.now();
  const ok = await anne.login('anne');
  assert.ok(Date.now() - t1 < 3000, `logged in in ${Date.now() - t1} ms`);
  assert.equal(ok.status, 303);
  assert.equal((await anne.get('/')).status, 200);

  assert.equal(sqlite(server.db, "select failures from login_attempt where login = '127.0.0.3 anne'"), '5');
  assert.equal(sqlite(server.db, "select count(*) from login_attempt where login like '127.0.0.4 %'"), '0');
  assert.equal(sqlite(server.db, "select ip from audit where action = 'login_throttled' and login = 'anne' order by id desc limit 1"), '127.0.0.3');
});

test('/healthz answers in under 500 ms while 48 clients hammer a login that must wait', async () => {
  const hammerAddress = '127.0.0.5';
  const first = new AddrClient(server.url, hammerAddress);
  await failUntil(first, 'admin', 5);
  const csrf = await first.csrfFor('/login');
  let stop = false;
  const statuses = new Map();
  // From two addresses, 24 each: under the per-address connection limit (32), which would
  // otherwise close the rest before they are heard.
  const hammer = async (_, i) => {
    const c = new AddrClient(server.url, i % 2 ? '127.0.0.7' : hammerAddress);
    c.cookies = new Map(first.cookies);
    while (!stop) {
      c.cookies = new Map(first.cookies); // each answer's form brings a new token; keep the one we post
      const r = await c.post('/login', { csrf, login: 'admin', password: 'forkert-igen' });
      statuses.set(answer(r), (statuses.get(answer(r)) ?? 0) + 1);
    }
  };
  const hammers = Array.from({ length: 48 }, hammer);
  await sleep(300);
  const health = new AddrClient(server.url, '127.0.0.6');
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t0 = Date.now();
    const r = await health.get('/healthz');
    times.push(Date.now() - t0);
    assert.equal(r.status, 200);
    await sleep(100);
  }
  stop = true;
  await Promise.all(hammers);
  assert.ok(Math.max(...times) < 500, `/healthz took ${times.join(', ')} ms`);
  assert.ok((statuses.get(429) ?? 0) > 100, `the hammering was answered: ${JSON.stringify([...statuses])}`);
  assert.deepEqual([...statuses.keys()].filter((s) => s !== 429 && s !== 'fejl'), []);
});

test('the login form\'s token is signed: an equal but forged cookie and field are refused with 403', async () => {
  for (const forged of [randomBytes(32).toString('hex'), '0'.repeat(64)]) {
    const c = new AddrClient(server.url, '127.0.0.7');
    c.cookies.set('tilsyn_login', forged);
    const res = await c.post('/login', { csrf: forged, login: 'louise', password: DEMO_PASSWORD });
    assert.equal(res.status, 403, forged);
    assert.match(res.text, /Formularen er udløbet eller kom ikke fra tilsyn/);
    assert.equal(sessionCookie(res), undefined);
  }
  // A real token with one digit changed is refused too; the real one works.
  const c = new AddrClient(server.url, '127.0.0.7');
  const real = await c.csrfFor('/login');
  const changed = real.slice(0, 40) + (real[40] === 'a' ? 'b' : 'a') + real.slice(41);
  c.cookies.set('tilsyn_login', changed);
  assert.equal((await c.post('/login', { csrf: changed, login: 'louise', password: DEMO_PASSWORD })).status, 403);
  c.cookies.set('tilsyn_login', real);
  assert.equal((await c.post('/login', { csrf: real, login: 'louise', password: DEMO_PASSWORD })).status, 303);
  assert.equal(sqlite(server.db, "select length(value) from setting where key = 'login_token_key'"), '64');
});

test('login_attempt stays bounded: rows older than a day go and at most 10,000 are kept', async () => {
  const now = Math.floor(Date.now() / 1000);
  sqlite(server.db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
    INSERT INTO login_attempt (login, failures, last_failure)
    SELECT '10.' || (i / 250) || '.' || (i % 250) || '.1 x', 1, CASE WHEN i <= 1000 THEN ${now - 2 * 86400} ELSE ${now - 100} END FROM n`);
  assert.equal(sqlite(server.db, 'select count(*) > 12000 from login_attempt'), '1');
  const c = new AddrClient(server.url, '127.0.0.8');
  assert.equal(answer(await c.login('henrik', 'forkert-kodeord')), 'fejl');
  assert.equal(sqlite(server.db, 'select count(*) from login_attempt'), '10000');
  assert.equal(sqlite(server.db, `select count(*) from login_attempt where last_failure < ${now - 86400}`), '0');
  assert.equal(sqlite(server.db, "select count(*) from login_attempt where login = '127.0.0.8 henrik'"), '1', 'the newest is kept');
});

test('wrong current passwords on /account/password are counted, audited, and end the session after 5', async () => {
  const c = new AddrClient(server.url, '127.0.0.9');
  assert.equal((await c.login('sofie')).status, 303);
  const csrf = await c.csrfFor('/account/password');
  const statuses = [];
  let res;
  for (let tries = 0; tries < 12; tries++) {
    res = await c.post('/account/password', { csrf, current: 'ikke-mit-kodeord', new: 'et nyt langt kodeord', repeat: 'et nyt langt kodeord' });
    statuses.push(answer(res));
    if (res.status === 429) {
      assert.match(res.text, /Prøv igen om/);
      await sleep(Number(res.headers.get('retry-after')) * 1000 + 100);
      continue;
    }
    if (answer(res) !== 'fejl') break;
  }
  assert.deepEqual(statuses.filter((s) => s !== 429), ['fejl', 'fejl', 'fejl', 'fejl', 401], statuses.join(','));
  assert.match(res.text, /logget ud/);
  assert.match(sessionCookie(res) ?? '', /Max-Age=0/);
  assert.equal((await c.get('/')).status, 303, 'the session has ended');
  const actions = sqlite(server.db, "select action from audit where login = 'sofie' and action in ('password_check_failed', 'session_ended') order by id").split('\n');
  assert.deepEqual(actions, ['password_check_failed', 'password_check_failed', 'password_check_failed',
    'password_check_failed', 'password_check_failed', 'session_ended']);
  // She can still log in again from there once the wait has passed (the count is hers and this address's).
  const wait = Number(sqlite(server.db, "select max(0, locked_until - strftime('%s','now')) from login_attempt where login = '127.0.0.9 sofie'"));
  await sleep(wait * 1000 + 1100);
  assert.equal((await c.login('sofie')).status, 303);
});

test('denials are aggregated: 500 refused logins from one address leave a handful of audit entries with the counts', async () => {
  const fresh = freshDb({ demo: true }); // our own file, read after the server has stopped
  const own = await startServer({ db: fresh.db });
  let stopped = false;
  try {
    const address = '127.0.0.10';
    const c = new AddrClient(own.url, address);
    const csrf = await c.csrfFor('/login');
    const t0 = Date.now();
    let sent = 0;
    const worker = async (n) => {
      const w = new AddrClient(own.url, address);
      w.cookies = new Map(c.cookies);
      for (let i = 0; i < n; i++) {
        const k = sent++;
        const forged = (k % 5) === 4; // every fifth with a forged token, every tenth with no login cookie at all
        if (forged) {
          const tok = randomBytes(32).toString('hex');
          if (k % 10 === 9) w.cookies.delete('tilsyn_login');
          else w.cookies.set('tilsyn_login', tok);
          const r = await w.post('/login', { csrf: tok, login: 'anne', password: 'x' });
          assert.equal(r.status, 403);
          w.cookies = new Map(c.cookies);
        } else {
          w.cookies = new Map(c.cookies); // each answer's form brings a new token; keep the one we post
          const r = await w.post('/login', { csrf, login: 'anne', password: 'forkert' });
          assert.ok(['fejl', 429].includes(answer(r)), String(r.status));
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, () => worker(50)));
    assert.equal(sent, 500);
    assert.ok(Date.now() - t0 < 20000, `500 refusals took ${Date.now() - t0} ms`);
    // The counts of the minute in progress are written at the latest when the server stops.
    assert.equal(await own.stop(), 0);
    stopped = true;
    const rows = sqlite(own.db, `select action || '|' || coalesce(detail, '') from audit where ip = '${address}' order by id`).split('\n');
    const firsts = rows.filter((r) => /^(login_failed|login_refused_waiting|access_denied)\|/.test(r)).length;
    const summaries = rows.filter((r) => r.startsWith('login_denials|'));
    const counted = summaries.reduce((sum, r) => sum + Number(r.match(/^login_denials\|(\d+) afviste login-forsøg mere/)[1]), 0);
    assert.equal(firsts + counted, 500, rows.join('\n'));
    assert.ok(summaries.length >= 1 && summaries.length <= 3, `${summaries.length} summaries`);
    assert.ok(rows.length <= 30, `${rows.length} audit entries for 500 refusals:\n${rows.join('\n')}`);
    assert.match(summaries[0], /ugyldig login-formular: [1-9]/);
    assert.ok(Number(sqlite(own.db, 'select count(*) from login_attempt')) <= 2);
    assert.ok(Number(sqlite(own.db, "select count(*) from audit where action = 'login_throttled'")) > 0);
  } finally {
    if (!stopped) await own.stop();
    fresh.cleanup();
  }
});

// The wait check and the password hash are one claim: a guess is counted (and the wait it earns
// started) in one statement before the slow hash, so parallel requests cannot each slip a guess
// in while the first ones are hashed. LOGIN_FREE_FAILURES (3) free guesses, the 4th starts the
// first wait: of 24 parallel wrong passwords at most 4 are evaluated (303 back to the form), the
// rest wait (429).
test('parallel wrong passwords for one login: only the allowed guesses are evaluated', async () => {
  for (const [address, login, password] of [['127.0.0.9', 'signe', 'et-forkert-gæt'], ['127.0.0.10', 'ingen-sådan', 'x']]) {
    const first = new AddrClient(server.url, address);
    const csrf = await first.csrfFor('/login');
    const statuses = await Promise.all(Array.from({ length: 24 }, async () => {
      const c = new AddrClient(server.url, address);
      c.cookies = new Map(first.cookies);
      return (await c.post('/login', { csrf, login, password })).status;
    }));
    // An evaluated wrong guess goes back to the form (303, the message in the flash); a refused one is 429.
    const evaluated = statuses.filter((s) => s === 303).length;
    assert.deepEqual(statuses.filter((s) => s !== 303 && s !== 429), [], JSON.stringify(statuses));
    assert.ok(evaluated >= 1 && evaluated <= 4, `${evaluated} guesses evaluated: ${JSON.stringify(statuses)}`);
    assert.equal(sqlite(server.db, `select failures from login_attempt where login = '${address} ${login}'`), String(evaluated));
  }
  // The person herself, from her own address, is not held up by any of it.
  assert.equal((await new AddrClient(server.url, '127.0.0.11').login('signe')).status, 303);
});
