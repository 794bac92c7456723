// What an anonymous client can cost the server (issue 12, item 1), against the real server: a
// large body is judged on its headers (no session 401, no role 403, no department 404, too
// large 413) and answered before it is read, so 20 connections each announcing 60 MB leave the
// server's memory (VmRSS) nearly where it was; an accepted large upload is written to an
// unlinked spool file, not kept in memory, and still reaches the page; only a few uploads are
// received at once (503 with Retry-After beyond); one address holds at most
// --per-ip-connections connections while another address (127.0.0.2) is still served; and a connection whose headers stall is dropped after
// --header-timeout, while a body that pauses longer than that still gets its answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, Client, root, cli, sqlite, DEMO_PASSWORD } from '../lib/server.mjs';

const EXAMPLE = join(root, 'tests', 'data', 'eksempel-sagsliste.csv');
const MB = 1 << 20;

let server, leder, anne;
before(async () => {
  server = await startServer();
  [leder, anne] = [0, 0].map(() => new Client(server.url));
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
});
after(async () => { await server?.stop(); });

const rssKb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

// Samples the server's VmRSS every 10 ms until stop() is called; stop() returns the peak in kB.
function watchRss(pid) {
  let peak = rssKb(pid);
  const timer = setInterval(() => { try { peak = Math.max(peak, rssKb(pid)); } catch { /* exited */ } }, 10);
  return () => { clearInterval(timer); return Math.max(peak, rssKb(pid)); };
}

// The spool files the server holds open (unlinked files in its private upload folder).
const spoolFiles = (pid) => readdirSync(`/proc/${pid}/fd`).map((fd) => {
  try { return readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { return ''; }
}).filter((l) => l.includes('tilsyn-upload-'));

// A raw HTTP/1.1 request over its own socket: the headers, then `prefix` bytes of body, then
// filler up to `send` bytes: the first 64 KiB at once, then (after up to 2 s in which a server that
// judges on the headers has answered) the rest in 256 KiB pieces as fast as the socket takes
// them, stopping as soon as an answer arrives. A server that waits for the body gets all of it.
// (The pause is for the client: a socket whose write fails after the server closed it loses the
// answer it had received.) `hold` keeps the socket open after the prefix.
// Resolves to {status, headers, text, sent}; status 0 when the server closed without answering.
function rawRequest(base, { method = 'POST', path, headers = {}, prefix = Buffer.alloc(0), send = 0, hold = false, localAddress }) {
  const { hostname, port } = new URL(base);
  const sock = connect({ port: Number(port), host: hostname, localAddress });
  let answer = Buffer.alloc(0), sent = 0, done = false;
  let answered;
  const first = new Promise((r) => { answered = r; });
  const result = new Promise((resolve) => {
    const finish = () => {
      if (done) return;
      done = true;
      const text = answer.toString('latin1');
      const m = text.match(/^HTTP\/1\.[01] (\d{3})/);
      const head = text.split('\r\n\r\n')[0];
      resolve({ status: m ? Number(m[1]) : 0, headers: head, text: answer.toString('utf8'), sent });
      sock.destroy();
    };
    sock.on('data', (d) => {
      answered();
      answer = Buffer.concat([answer, d]);
      const text = answer.toString('latin1');
      const i = text.indexOf('\r\n\r\n');
      const len = i >= 0 && text.slice(0, i).match(/content-length: (\d+)/i);
      if (len && answer.length >= i + 4 + Number(len[1])) finish();
    });
    sock.on('error', finish);
    sock.on('close', finish);
  });
  sock.on('connect', async () => {
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
    sock.write(lines.join('\r\n'));
    if (prefix.length) { sock.write(prefix); sent += prefix.length; }
    if (hold) return;
    const piece = Buffer.alloc(256 * 1024, 0x78);
    if (send > 0) {
      const n = Math.min(64 * 1024, send);
      sock.write(piece.subarray(0, n));
      sent += n;
      await Promise.race([first, sleep(2000)]);
    }
    while (!done && sent < send) {
      const n = Math.min(piece.length, send - sent);
      const more = sock.write(n === piece.length ? piece : piece.subarray(0, n));
      sent += n;
      if (!more) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
    }
  });
  return { result, sock };
}

const BOUNDARY = '----tilsynmemorytest';
const multipartHeaders = (client, length) => ({
  'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
  'Content-Length': String(length),
  ...(client ? { Cookie: client.cookieHeader() } : {}),
});

test('20 connections announcing 60 MB each with no session, no role, no department or too much: answered before the body, memory bounded', async () => {
  const pid = server.proc.pid;
  const base = rssKb(pid);
  const stop = watchRss(pid);
  const size = 60 * MB;
  const cases = [];
  for (let i = 0; i < 10; i++) cases.push({ path: '/d/BHS/cases/import', client: null, want: 401 });
  for (let i = 0; i < 6; i++) cases.push({ path: '/d/NOPE/cases/import', client: null, want: 401 });
  cases.push({ path: '/d/BHS/cases/import', client: anne, want: 403 }); // a rådgiver: no role for it
  cases.push({ path: '/d/NOPE/cases/import', client: leder, want: 404 });
  cases.push({ path: '/d/BHS/cases/import', client: leder, want: 413, length: 100 * MB }); // over the route's 64 MB
  cases.push({ path: '/catalogues/import', client: null, want: 401 });
  // The route's 64 MB are for files: a plain form there is held to a form's 1 MB.
  cases.push({ path: '/d/BHS/cases/import', client: leder, want: 413, length: 8 * MB, type: 'application/x-www-form-urlencoded' });
  const results = await Promise.all(cases.map((c) => rawRequest(server.url, {
    path: c.path, send: size,
    headers: { ...multipartHeaders(c.client, c.length ?? size), ...(c.type ? { 'Content-Type': c.type } : {}) },
  }).result));
  const peak = stop();
  results.forEach((r, i) => {
    assert.equal(r.status, cases[i].want, `${cases[i].path} (${i}): ${r.text.slice(0, 200)}`);
    // The answer came while the body was far from complete: the server did not wait for it.
    assert.ok(r.sent < size, `${cases[i].path}: the whole body was sent (${r.sent})`);
  });
  const grownMb = (peak - base) / 1024;
  assert.ok(grownMb < 50, `the server grew by ${grownMb.toFixed(1)} MB (from ${base} kB to ${peak} kB)`);
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
});

test('an accepted large upload is spooled to disk, not memory, and reaches the preview', async () => {
  const pid = server.proc.pid;
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  assert.ok(csrf);
  const padding = 40 * MB;
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="sagsliste.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const csv = readFileSync(EXAMPLE);
  const middle = Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="fyld"; filename="fyld.bin"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const length = head.length + csv.length + middle.length + padding + tail.length;
  const base = rssKb(pid);
  const req = rawRequest(server.url, {
    path: '/d/BHS/cases/import', headers: multipartHeaders(leder, length), prefix: Buffer.concat([head, csv, middle]), hold: true,
  });
  await new Promise((r) => req.sock.once('connect', r));
  // 30 MB of the file, then a look at the server while the rest is still to come.
  const piece = Buffer.alloc(MB, 0x78);
  for (let i = 0; i < 30; i++) if (!req.sock.write(piece)) await new Promise((r) => req.sock.once('drain', r));
  let files = [];
  for (let i = 0; i < 100 && files.length === 0; i++) { await sleep(20); files = spoolFiles(pid); }
  assert.equal(files.length, 1, 'one spool file open while the upload arrives');
  assert.match(files[0], /\(deleted\)$/, 'the spool file has no name on disk');
  const grownMb = (rssKb(pid) - base) / 1024;
  assert.ok(grownMb < 20, `30 MB received, the server grew by ${grownMb.toFixed(1)} MB`);
  for (let i = 0; i < 10; i++) if (!req.sock.write(piece)) await new Promise((r) => req.sock.once('drain', r));
  req.sock.write(tail);
  const res = await req.result;
  assert.equal(res.status, 200, res.text.slice(0, 500));
  assert.match(res.text, /name="token" value="[0-9a-f]+"/, 'the preview of the case list in the upload');
  for (let i = 0; i < 100 && spoolFiles(pid).length; i++) await sleep(20);
  assert.deepEqual(spoolFiles(pid), [], 'the spool file is closed after the request');
});

// Four members of the working group, each with a session of their own (one upload per user).
async function members(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const login = `koord.upload${i}`;
    const r = cli(server.db, ['user', 'add', login, '--name', `Koordinator ${i}`, '--role', 'koordinator', '--department', 'BHS'],
      DEMO_PASSWORD + '\n');
    assert.ok(r.status === 0 || /findes allerede/.test(r.stderr), r.stderr);
    const c = new Client(server.url);
    assert.equal((await c.login(login)).status, 303);
    out.push(c);
  }
  return out;
}

const csrfPrefix = async (client) => Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${await client.csrfFor('/d/BHS/cases/import')}\r\n`);

test('only four uploads are received at once: the fifth gets 503 with Retry-After; a place frees when one ends', async () => {
  const people = await members(5);
  const held = [];
  for (let i = 0; i < 4; i++) {
    held.push(rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(people[i], 8 * MB), prefix: await csrfPrefix(people[i]), hold: true }));
  }
  await sleep(300);
  for (const h of held) assert.ok(!h.sock.destroyed, 'a held upload is still being received');
  const fifth = await rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(people[4], 8 * MB), send: 8 * MB }).result;
  assert.equal(fifth.status, 503, fifth.text.slice(0, 300));
  assert.match(fifth.headers, /^Retry-After: \d+/mi);
  assert.match(fifth.text, /mange filer/);
  held[0].sock.destroy();
  const prefix = await csrfPrefix(people[4]);
  let next;
  for (let i = 0; i < 50; i++) {
    await sleep(20);
    next = rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(people[4], 8 * MB), prefix, hold: true });
    const early = await Promise.race([next.result, sleep(200).then(() => null)]);
    if (early === null) break; // no answer yet: it is being received
    next = null;
  }
  assert.ok(next, 'after one upload ended, a new one is received');
  next.sock.destroy();
  for (const h of held) h.sock.destroy();
});

test('one upload at a time per user: a second one from the same person gets 429, others are received', async () => {
  const [other] = await members(1);
  const first = rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(leder, 8 * MB), prefix: await csrfPrefix(leder), hold: true });
  await sleep(300);
  assert.ok(!first.sock.destroyed, 'the first upload is being received');
  const second = await rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(leder, 8 * MB), send: 8 * MB }).result;
  assert.equal(second.status, 429, second.text.slice(0, 300));
  assert.match(second.headers, /^Retry-After: \d+/mi);
  assert.match(second.text, /Du er allerede ved at sende en fil/);
  assert.ok(second.sent < 8 * MB, 'refused on its headers');
  const theirs = rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(other, 8 * MB), prefix: await csrfPrefix(other), hold: true });
  assert.equal(await Promise.race([theirs.result, sleep(300).then(() => null)]), null, "another person's upload is received");
  theirs.sock.destroy();
  first.sock.destroy();
  // Once the first has ended the person may send again.
  let again;
  for (let i = 0; i < 50 && !again; i++) {
    await sleep(20);
    const r = rawRequest(server.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(leder, 8 * MB), prefix: await csrfPrefix(leder), hold: true });
    if (await Promise.race([r.result, sleep(200).then(() => null)]) === null) again = r;
  }
  assert.ok(again, 'after her first upload ended, her next is received');
  again.sock.destroy();
});

// A body that trickles in holds an upload slot: dropped with a Danish 408 once it is past
// --upload-deadline, or below --upload-min-rate after the first 5 s; nothing of it is stored,
// and the slot is free again for the same person.
for (const [label, args, wantText] of [
  ['past --upload-deadline', ['--upload-deadline', '3', '--upload-min-rate', '0'], /inden for 3 sekunder/],
  ['below --upload-min-rate', ['--upload-deadline', '600', '--upload-min-rate', '50000'], /mindst 48 kB i sekundet/],
]) {
  test(`an upload that arrives too slowly is dropped with a 408 (${label})`, async () => {
    const slowServer = await startServer({ db: server.db, args });
    try {
      const c = new Client(slowServer.url);
      assert.equal((await c.login('leder.barn')).status, 303);
      const uploadsBefore = sqlite(server.db, 'select count(*) from upload');
      const req = rawRequest(slowServer.url, { path: '/d/BHS/cases/import', headers: multipartHeaders(c, 8 * MB), prefix: await csrfPrefix(c), hold: true });
      await new Promise((r) => req.sock.once('connect', r));
      let answer = null;
      req.result.then((r) => { answer = r; });
      // A kilobyte every half second (2 kB/s) until the server answers (at most 30 s).
      for (let i = 0; i < 60 && !answer; i++) {
        if (!req.sock.destroyed) req.sock.write(Buffer.alloc(1024, 0x78));
        await sleep(500);
      }
      const res = await req.result;
      assert.equal(res.status, 408, res.text.slice(0, 300));
      assert.match(res.text, /Filen kom for langsomt frem og er ikke modtaget/);
      assert.match(res.text, wantText);
      assert.equal(sqlite(server.db, 'select count(*) from upload'), uploadsBefore);
      // The slot is free: the same person's next upload is received, and a whole file goes through.
      const csv = readFileSync(EXAMPLE);
      const fd = new FormData();
      fd.append('csrf', await c.csrfFor('/d/BHS/cases/import'));
      fd.append('file', new Blob([csv], { type: 'text/csv' }), 'sagsliste.csv');
      const ok = await c.request('POST', '/d/BHS/cases/import', { body: fd });
      assert.equal(ok.status, 200, ok.text.slice(0, 300));
      assert.equal((await fetch(slowServer.url + '/healthz')).status, 200);
    } finally {
      await slowServer.stop();
    }
  });
}

test('per-address connection limit and header timeout (--per-ip-connections 4 --header-timeout 2)', async () => {
  const small = await startServer({ args: ['--per-ip-connections', '4', '--header-timeout', '2'] });
  try {
    const { hostname, port } = new URL(small.url);
    const open = [];
    for (let i = 0; i < 4; i++) {
      const s = connect(Number(port), hostname);
      await new Promise((r) => s.once('connect', r));
      open.push(s);
    }
    await sleep(100);
    const refused = await rawRequest(small.url, { method: 'GET', path: '/healthz' }).result;
    assert.equal(refused.status, 0, 'the fifth connection from 127.0.0.1 is closed without an answer');
    // Another address (127.0.0.2 is loopback too, and the server sees it as another client) is
    // served meanwhile.
    const other = await rawRequest(small.url, { method: 'GET', path: '/healthz', headers: { Connection: 'close' }, localAddress: '127.0.0.2' }).result;
    assert.equal(other.status, 200, 'a client at another address is served while 127.0.0.1 is at its limit');
    for (const s of open) s.destroy();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await sleep(20);
      status = (await rawRequest(small.url, { method: 'GET', path: '/healthz', headers: { Connection: 'close' } }).result).status;
    }
    assert.equal(status, 200, 'once they are closed, new connections are served');

    // Headers that stop half-way: dropped after about two seconds, without an answer.
    const sock = connect(Number(port), hostname);
    await new Promise((r) => sock.once('connect', r));
    const t0 = Date.now();
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    let got = '';
    sock.on('data', (d) => { got += d; });
    await new Promise((r) => { sock.on('close', r); sock.on('error', r); });
    const waited = Date.now() - t0;
    assert.equal(got, '');
    assert.ok(waited >= 1500 && waited < 8000, `dropped after ${waited} ms`);

    // A body that pauses for longer than the header timeout is still received and answered
    // (the login form without its cookie: refused, but only once the form is in).
    const slow = rawRequest(small.url, {
      path: '/login', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '20' },
      prefix: Buffer.from('login=anne'), hold: true,
    });
    await new Promise((r) => slow.sock.once('connect', r));
    await sleep(3000);
    assert.ok(!slow.sock.destroyed, 'the connection is still open after 3 s of silence in the body');
    slow.sock.write('&password=');
    const res = await slow.result;
    assert.equal(res.status, 403, res.text.slice(0, 300));
  } finally {
    await small.stop();
  }
});
