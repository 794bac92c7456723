// The calendar feed checked by an independent parser: Debian's python3-icalendar (installed by
// scripts/bootstrap) reads what `tilsyn calendar`, GET /d/:dept/calendar.ics and the secret
// subscription address give, and the test compares its events with the database: whole-day
// tilsyn with DTEND the day after, deadlines, meetings at their Danish time with the zone,
// cancelled ones marked, action due dates; a long Danish title with æøå and an emoji folded
// across lines comes back whole. No minutes, participants or case numbers. The address made
// by the leder works without a session, a wrong or retired one is a 404, and only a hash of
// the token is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, sqlite, binary } from '../lib/server.mjs';

// Debian's python, which the python3-icalendar package belongs to (not a pyenv on PATH).
const PYTHON = '/usr/bin/python3';
const PARSE = String.raw`
import sys, json, datetime, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
def when(v):
    if v is None: return None
    d = v.dt
    if isinstance(d, datetime.datetime):
        return {"type": "datetime", "value": d.strftime("%Y-%m-%dT%H:%M:%S"), "tzid": v.params.get("TZID"),
                "utcoffset": d.utcoffset().total_seconds() if d.tzinfo else None}
    if isinstance(d, datetime.date): return {"type": "date", "value": d.isoformat()}
    return {"type": "other", "value": str(d)}
events = []
for e in cal.walk("VEVENT"):
    events.append({"uid": str(e["UID"]), "summary": str(e.get("SUMMARY", "")),
                   "description": str(e.get("DESCRIPTION", "")), "status": str(e.get("STATUS", "")),
                   "start": when(e.get("DTSTART")), "end": when(e.get("DTEND")),
                   "duration": str(e.decoded("DURATION")) if "DURATION" in e else None,
                   "stamp": e.decoded("DTSTAMP").strftime("%Y%m%dT%H%M%SZ")})
zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "method": str(cal.get("METHOD")),
                  "version": str(cal.get("VERSION")), "prodid": str(cal.get("PRODID")),
                  "zones": zones, "events": events}))
`;

function parse(bytes) {
  const r = spawnSync(PYTHON, ['-c', PARSE], { input: bytes, encoding: 'utf8' });
  assert.equal(r.status, 0, `icalendar could not parse the file: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Every physical line ends in CRLF, has at most 75 octets and is valid UTF-8 by itself.
function checkLines(bytes) {
  const buf = Buffer.from(bytes);
  assert.equal(buf.subarray(-2).toString(), '\r\n');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    assert.equal(buf[i - 1], 0x0d, `a bare LF at octet ${i}`);
    const line = buf.subarray(start, i - 1);
    assert.ok(line.length <= 75, `a line of ${line.length} octets: ${line}`);
    assert.doesNotThrow(() => decoder.decode(line), `a line cut inside a UTF-8 sequence: ${line.toString('hex')}`);
    start = i + 1;
  }
}

// 183 octets (a title may have 200): with "SUMMARY:Tilsyn: " it folds over three lines.
const LONG = 'Uddybende tilsyn: sagsoplysning, begrundelse; frister og «børnenes» plan – Æblegården, Østerå '
  + 'og Ålborg 🙂 med fokus på merudgifter efter § 86 og tabt arbejdsfortjeneste';

let server, db, dir, leder, bhs, longId;
before(async () => {
  server = await startServer();
  db = server.db;
  dir = mkdtempSync(join(tmpdir(), 'tilsyn-calendar-'));
  leder = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  bhs = sqlite(db, "select id from department where code = 'BHS'");
  const r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'uddybende', '--title', LONG,
    '--start', '2028-02-07', '--end', '2028-03-31']);
  assert.equal(r.status, 0, r.stderr);
  longId = Number(r.stdout.trim());
  sqlite(db, `insert into meeting (department_id, round_id, kind, date, time, status, advisor, participants, minutes,
    created_at, updated_at)
    values (${bhs}, ${longId}, 'information', '2028-01-24', '09:30', 'planlagt', null, 'KAL-deltagere', 'KAL-referat hemmeligt', '2028', '2028'),
           (${bhs}, ${longId}, 'stopop', '2028-07-03', '13:15', 'planlagt', null, '', '', '2028', '2028'),
           (${bhs}, ${longId}, 'individuel', '2028-04-10', null, 'aflyst', 'Anne Bækgaard', '', '', '2028', '2028')`);
  sqlite(db, `insert into action_item (department_id, round_id, title, description, due, status, created_at, updated_at)
    values (${bhs}, ${longId}, 'KAL tjekliste til partshøring', 'KAL-beskrivelse hemmelig', '2028-05-31', 'i_gang', '2028', '2028')`);
});
after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byUid = (cal, uid) => {
  const e = cal.events.find((x) => x.uid === uid);
  assert.ok(e, `no event ${uid} in ${cal.events.map((x) => x.uid)}`);
  return e;
};
const meetingId = (date) => sqlite(db, `select id from meeting where date = '${date}'`);

function checkCalendar(bytes) {
  checkLines(bytes);
  const cal = parse(bytes);
  assert.equal(cal.version, '2.0');
  assert.equal(cal.method, 'PUBLISH');
  assert.match(cal.prodid, /tilsyn/);
  assert.equal(cal.name, 'Tilsyn – Børn og unge med handicap');
  assert.deepEqual(cal.zones, ['Europe/Copenhagen']);
  // The demo's spring round: 2026-03-02 to 2026-04-24, so DTEND is 2026-04-25; its deadline.
  const spring = byUid(cal, 'round-1@tilsyn');
  assert.equal(spring.summary, 'Tilsyn: Overordnet ledelsestilsyn forår 2026');
  assert.deepEqual([spring.start, spring.end], [{ type: 'date', value: '2026-03-02' }, { type: 'date', value: '2026-04-25' }]);
  const deadline = byUid(cal, 'round-1-end@tilsyn');
  assert.deepEqual([deadline.start, deadline.end], [{ type: 'date', value: '2026-04-24' }, { type: 'date', value: '2026-04-25' }]);
  // The long title, folded over several lines, comes back whole.
  const long = byUid(cal, `round-${longId}@tilsyn`);
  assert.equal(long.summary, `Tilsyn: ${LONG}`);
  assert.deepEqual(long.end, { type: 'date', value: '2028-04-01' });
  // Meetings at Danish time: winter (+01:00) and summer (+02:00), an hour long.
  const info = byUid(cal, `meeting-${meetingId('2028-01-24')}@tilsyn`);
  assert.deepEqual(info.start, { type: 'datetime', value: '2028-01-24T09:30:00', tzid: 'Europe/Copenhagen', utcoffset: 3600 });
  assert.equal(info.duration, '1:00:00');
  assert.match(info.summary, new RegExp(`: ${LONG.slice(0, 20)}`));
  const stopop = byUid(cal, `meeting-${meetingId('2028-07-03')}@tilsyn`);
  assert.equal(stopop.start.utcoffset, 7200);
  const cancelled = byUid(cal, `meeting-${meetingId('2028-04-10')}@tilsyn`);
  assert.equal(cancelled.status, 'CANCELLED');
  assert.deepEqual([cancelled.start, cancelled.end], [{ type: 'date', value: '2028-04-10' }, { type: 'date', value: '2028-04-11' }]);
  const action = cal.events.find((e) => e.summary === 'Frist for tiltag: KAL tjekliste til partshøring');
  assert.ok(action);
  assert.deepEqual([action.start, action.end], [{ type: 'date', value: '2028-05-31' }, { type: 'date', value: '2028-06-01' }]);
  // One event per planned round and per deadline, per meeting and per action with a due date.
  const expected = Number(sqlite(db, `select (select count(*) from round where department_id = ${bhs} and planned_start is not null)
    + (select count(*) from round where department_id = ${bhs} and planned_end is not null)
    + (select count(*) from meeting where department_id = ${bhs})
    + (select count(*) from action_item where department_id = ${bhs} and due is not null)`));
  assert.equal(cal.events.length, expected);
  assert.equal(new Set(cal.events.map((e) => e.uid)).size, expected, 'UIDs are unique');
  // Nothing of the minutes, participants, descriptions, caseworkers or case numbers.
  const text = Buffer.from(bytes).toString('utf8');
  for (const secret of ['KAL-referat', 'KAL-deltagere', 'KAL-beskrivelse', 'Bækgaard']) assert.ok(!text.includes(secret), secret);
  const caseNumbers = sqlite(db, `select case_no from cases where department_id = ${bhs}`).split('\n');
  assert.ok(caseNumbers.length > 50);
  const unfolded = text.replaceAll('\r\n ', '');
  for (const c of caseNumbers) assert.ok(!unfolded.includes(c), `case number ${c} in the calendar`);
  return cal;
}

test('tilsyn calendar writes a file that an independent parser reads as the department\'s year', () => {
  const file = join(dir, 'bhs.ics');
  const r = cli(db, ['calendar', '--department', 'BHS', '-o', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /er skrevet til/);
  assert.ok(!existsSync(`${file}.tmp`));
  checkCalendar(readFileSync(file));
  // The same calendar on standard output; UIDs and dates do not change from one run to the next.
  const again = spawnSync(binary, ['--db', db, 'calendar', '--department', 'BHS', '-o', '-']);
  assert.equal(again.status, 0);
  const strip = (b) => Buffer.from(b).toString('utf8').replace(/DTSTAMP:\d{8}T\d{6}Z/g, '');
  assert.equal(strip(again.stdout), strip(readFileSync(file)));
  assert.equal(Number(sqlite(db, "select count(*) from audit where action = 'calendar_export'")), 2);
});

test('tilsyn calendar refuses bad input with exit 2 and leaves no file', () => {
  const file = join(dir, 'none.ics');
  for (const [args, message] of [
    [['--department', 'BHS'], /-o FIL\.ics mangler/],
    [['-o', file], /--department KODE mangler/],
    [['--department', 'NOPE', '-o', file], /afdelingen 'NOPE' findes ikke/],
    [['--department', 'BHS', '-o', join(dir, 'no-such-dir', 'x.ics')], /filen kunne ikke skrives/],
  ]) {
    const r = cli(db, ['calendar', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.ok(!existsSync(file));
});

test('GET /d/BHS/calendar.ics: text/calendar for the working group, 403 for others', async () => {
  const res = await fetch(`${server.url}/d/BHS/calendar.ics`, { headers: { cookie: leder.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="tilsyn-BHS.ics"');
  checkCalendar(new Uint8Array(await res.arrayBuffer()));
  const anne = new Client(server.url);
  await anne.login('anne');
  assert.equal((await anne.get('/d/BHS/calendar.ics')).status, 403);
  assert.equal((await leder.get('/d/VHS/calendar.ics')).status, 403);
  assert.equal((await new Client(server.url).get('/d/BHS/calendar.ics')).status, 303);
});

test('the subscription address: made by the leder, shown once, works without a session; a new one retires it', async () => {
  const csrf = await leder.csrfFor('/d/BHS/plan');
  // Not without the form's token, not by the koordinator.
  assert.equal((await leder.post('/d/BHS/calendar/feed', {})).status, 403);
  const koordinator = new Client(server.url);
  await koordinator.login('koordinator.barn');
  const kcsrf = await koordinator.csrfFor('/d/BHS/plan');
  assert.equal((await koordinator.post('/d/BHS/calendar/feed', { csrf: kcsrf })).status, 403);
  assert.equal(sqlite(db, 'select count(*) from calendar_feed'), '0');

  const made = await leder.post('/d/BHS/calendar/feed', { csrf });
  assert.equal(made.status, 200);
  const url = made.text.match(/value="(http:\/\/127\.0\.0\.1:\d+\/calendar\/([0-9a-f]{64})\.ics)"/);
  assert.ok(url, 'the address is on the page');
  const [, address, token] = url;
  assert.equal(new URL(address).origin, server.url);
  // Only its hash is kept.
  const stored = sqlite(db, 'select token_hash from calendar_feed');
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.notEqual(stored, token);
  assert.equal(Number(sqlite(db, `select count(*) from audit where detail like '%${token}%' or object like '%${token}%'`)), 0);

  const res = await fetch(address); // no cookie
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(res.headers.get('set-cookie'), null);
  checkCalendar(new Uint8Array(await res.arrayBuffer()));
  assert.equal(Number(sqlite(db, "select count(*) from audit where action = 'calendar_feed_read'")), 1);

  // Wrong tokens: another token, upper case, short, no .ics, other characters.
  const other = token.slice(0, 63) + (token[63] === '0' ? '1' : '0');
  for (const path of [`/calendar/${other}.ics`, `/calendar/${token.toUpperCase()}.ics`, `/calendar/${token.slice(1)}.ics`,
    `/calendar/${token}`, `/calendar/${token}.ical`, "/calendar/'%20or%201=1.ics", '/calendar/.ics']) {
    const r = await fetch(server.url + path);
    assert.equal(r.status, 404, path);
    assert.match(await r.text(), /Kalenderen findes ikke/, path);
  }
  assert.ok(Number(sqlite(db, "select count(*) from audit where action = 'calendar_feed_denied'")) >= 7);

  // A new address retires the old one.
  const page = await leder.get('/d/BHS/plan');
  assert.match(page.text, /Der findes en adresse til kalenderabonnement/);
  const renewed = await leder.post('/d/BHS/calendar/feed', { csrf });
  assert.equal(renewed.status, 200);
  assert.match(renewed.text, /den gamle virker ikke længere/);
  const next = renewed.text.match(/\/calendar\/([0-9a-f]{64})\.ics/)[1];
  assert.notEqual(next, token);
  assert.equal((await fetch(address)).status, 404);
  assert.equal((await fetch(`${server.url}/calendar/${next}.ics`)).status, 200);
  assert.equal(sqlite(db, 'select count(*) from calendar_feed'), '1');
});

test('behind an HTTPS proxy the address is an https address on the proxy\'s host', async () => {
  // fetch() sets Host itself, so this request goes through node:http.
  const csrf = await leder.csrfFor('/d/BHS/plan');
  const body = new URLSearchParams({ csrf }).toString();
  const { port } = new URL(server.url);
  const text = await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/d/BHS/calendar/feed', headers: {
      host: 'tilsyn.kommune.dk', 'x-forwarded-proto': 'https', cookie: leder.cookieHeader(),
      'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
    } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.match(text, /value="https:\/\/tilsyn\.kommune\.dk\/calendar\/[0-9a-f]{64}\.ics"/);
});
