// Forms and errors over HTTP and the CLI, on the demo municipality: a form post with an error
// answers 303 back to the form (post/redirect/get), whose page shows the error summary and the
// message at the field and keeps what was typed; that "form flash" is single-use, bound to the
// session that posted it and to the form's address, and never holds a password. An individual
// feedback meeting names one of the round's caseworkers (web: a select of them; CLI: exit 2
// listing them). Files that are no table (old .xls, .doc, .docx, PDF, another zip, an empty
// file, UTF-16 with or without a BOM) are told by their contents, whatever their name, with the
// same Danish message on the CLI (exit 2) and the web (303 back to the upload form, which says
// it at the file; no column mapping).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, koord, leder, work;
const UDDYBENDE = 3; // the demo's uddybende round under review in BHS

before(async () => {
  server = await startServer();
  [koord, leder] = [new Client(server.url), new Client(server.url)];
  for (const [c, login] of [[koord, 'koordinator.barn'], [leder, 'leder.barn']])
    assert.equal((await c.login(login)).status, 303, login);
  work = mkdtempSync(join(tmpdir(), 'tilsyn-forms-'));
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ''));
const roundAdvisors = () => q(`select distinct c.advisor from round_case rc join cases c on c.id = rc.case_id
  where rc.round_id = ${UDDYBENDE} and rc.status = 'udtrukket' order by 1`).split('\n');

test('a meeting with an error: 303 to the form, which shows the summary, the field\'s message and what was typed, once', async () => {
  const before = q('select count(*) from meeting');
  const csrf = await koord.csrfFor('/d/BHS/meetings/new');
  const posted = await koord.post('/d/BHS/meetings', { csrf, kind: 'stopop', date: '3. marts', time: '09:30',
    participants: 'Karen og Mette', minutes: 'Vi så på sagsoplysningen.' });
  assert.equal(posted.status, 303);
  assert.match(posted.location, /^\/d\/BHS\/meetings\/new\?fejl=[0-9a-f]{64}$/);
  assert.equal(q('select count(*) from meeting'), before, 'nothing stored');

  // Someone else, even logged in with the same rights, does not get it (bound to the session).
  const stranger = await leder.get(posted.location);
  assert.equal(stranger.status, 200);
  assert.doesNotMatch(stranger.text, /error-summary|sagsoplysningen|3\. marts/);

  const page = await koord.get(posted.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>/);
  assert.match(page.text, /<li><a href="#date">Dato: skriv datoen som ÅÅÅÅ-MM-DD/);
  assert.match(page.text, /<p class="field-error" id="date-error"><span class="sr">Fejl: <\/span>Dato: /);
  assert.match(page.text, /<input id="date" name="date" aria-invalid="true" aria-describedby="date-error" type="date" required value="3. marts">/);
  assert.match(page.text, /<option value="stopop" selected>/);
  assert.match(page.text, /value="09:30"/);
  assert.ok(text(page.text).includes('Vi så på sagsoplysningen.'));
  assert.ok(text(page.text).includes('Karen og Mette'));

  // Single-use: the same address again (a reload, or Back) is the plain form.
  const again = await koord.get(posted.location);
  assert.equal(again.status, 200);
  assert.doesNotMatch(again.text, /error-summary|sagsoplysningen/);
  assert.equal(q(`select count(*) from form_flash where id = '${posted.location.split('=')[1]}'`), '0');
});

test('a flash is bound to the address it was made for, and expires', async () => {
  const csrf = await koord.csrfFor('/d/BHS/meetings/new');
  const posted = await koord.post('/d/BHS/meetings', { csrf, kind: 'stopop', date: 'i morgen' });
  const id = posted.location.split('=')[1];
  // Another form's address with the same id shows nothing and does not use it up.
  assert.doesNotMatch((await koord.get(`/account/password?fejl=${id}`)).text, /error-summary/);
  q(`update form_flash set created = created - 3600 where id = '${id}'`);
  assert.doesNotMatch((await koord.get(posted.location)).text, /error-summary|i morgen/, 'expired');
  // A made-up id is simply ignored.
  assert.equal((await koord.get(`/d/BHS/meetings/new?fejl=${'0'.repeat(64)}`)).status, 200);
});

test('the password form comes back by 303 and never keeps a password', async () => {
  const c = new Client(server.url);
  assert.equal((await c.login('morten')).status, 303);
  const csrf = await c.csrfFor('/account/password');
  const page = await c.postInvalid('/account/password', { csrf, current: 'mit-hemmelige-gæt-1', new: 'et nyt langt kodeord', repeat: 'et nyt langt kodeord' });
  assert.match(page.text, /<a href="#current">Den nuværende adgangskode er forkert\.<\/a>/);
  assert.doesNotMatch(page.text, /mit-hemmelige|et nyt langt kodeord/);
  assert.equal(q("select count(*) from form_flash where data like '%hemmelige%' or data like '%nyt langt%'"), '0');
});

test('a CPR number typed into a form that comes back is kept masked, never stored', async () => {
  const csrf = await koord.csrfFor('/d/BHS/meetings/new');
  const posted = await koord.post('/d/BHS/meetings', { csrf, kind: 'ledelse', date: '2026-12-10', minutes: 'Barnet 010203-1234.' });
  assert.equal(posted.status, 303);
  assert.equal(q("select count(*) from form_flash where data like '%1234%'"), '0');
  const page = await koord.get(posted.location);
  assert.ok(text(page.text).includes('Barnet 010203-xxxx.'));
  assert.doesNotMatch(page.text, /010203-1234/);
});

test('an individual feedback meeting names one of the round\'s caseworkers: a select on the web, exit 2 with the names on the CLI', async () => {
  const advisors = roundAdvisors();
  assert.ok(advisors.length >= 2);
  const form = await koord.get(`/d/BHS/meetings/new?round=${UDDYBENDE}&kind=individuel`);
  const select = form.text.match(/<select id="advisor" name="advisor">(.*?)<\/select>/s);
  assert.ok(select, 'a select of caseworkers');
  const options = [...select[1].matchAll(/<option value="([^"]*)"/g)].map((m) => unescape(m[1])).filter(Boolean);
  assert.deepEqual(options, advisors);

  const before = q('select count(*) from meeting');
  const page = await koord.postInvalid('/d/BHS/meetings', { csrf: Client.csrf(form.text), kind: 'individuel',
    round: String(UDDYBENDE), advisor: 'Ingen Kendt', date: '2026-12-09' });
  assert.match(text(page.text), new RegExp(`Rådgiver: »Ingen Kendt« har ingen sager i tilsynets stikprøve. Vælg en af: ${advisors.join(', ')}\\.`));
  assert.match(page.text, /<a href="#advisor">/);
  assert.equal(q('select count(*) from meeting'), before);

  let r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'individuel', '--round', String(UDDYBENDE),
    '--advisor', 'Ingen Kendt', '--date', '2026-12-09']);
  assert.equal(r.status, 2);
  for (const a of advisors) assert.ok(r.stderr.includes(a), `${a} named`);
  assert.equal(q('select count(*) from meeting'), before);
  r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'individuel', '--round', String(UDDYBENDE),
    '--advisor', advisors[1].toUpperCase(), '--date', '2026-12-09']);
  assert.equal(r.status, 0, r.stderr);
});

// ---- files that are no table ----

function zipOf(parts) {
  const path = join(work, `z${Math.random().toString(36).slice(2)}.zip`);
  const py = 'import sys, zipfile, json\nz = zipfile.ZipFile(sys.argv[1], "w")\nfor n in json.loads(sys.argv[2]): z.writestr(n, "<x/>")\nz.close()';
  const r = spawnSync('python3', ['-c', py, path, JSON.stringify(parts)]);
  assert.equal(r.status, 0, String(r.stderr));
  return readFileSync(path);
}
const ole2 = (name) => {
  const b = Buffer.alloc(2048);
  Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).copy(b);
  Buffer.from(name, 'utf16le').copy(b, 1024);
  return b;
};
const csvText = 'Sagsnummer;Rådgiver\r\nFT-1;Anne\r\n';
const files = () => [
  // name (misleading on purpose), contents, what the message must say
  ['liste.csv', ole2('Workbook'), /gammel Excel-fil \(\.xls\).*som \.xlsx eller CSV/],
  ['liste.xlsx', ole2('WordDocument'), /Word-dokument \(\.doc\)/],
  ['liste.csv', zipOf(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']), /Word-dokument \(\.docx\).*som \.xlsx eller CSV/],
  ['liste.xlsx', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), /PDF.*som \.xlsx eller CSV/],
  ['liste.xlsx', zipOf(['billede.png', 'noter.txt']), /zip-fil, men ikke en Excel-projektmappe/],
  ['liste.csv', Buffer.alloc(0), /Filen er tom/],
  ['liste.csv', Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(csvText, 'utf16le')]), /UTF-16.*som \.xlsx eller CSV/],
  ['liste.csv', Buffer.from(csvText, 'utf16le'), /UTF-16/], // no BOM: NUL-interleaved
];

test('the case list import tells what a file is, the same on the CLI (exit 2) and the web (303 to the form, no column mapping)', async () => {
  const before = q('select count(*) from cases') + '|' + q('select count(*) from case_import');
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  for (const [name, data, expected] of files()) {
    const path = join(work, name);
    writeFileSync(path, data);
    const r = cli(server.db, ['cases', 'import', path, '--department', 'BHS']);
    assert.equal(r.status, 2, `${expected}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    const fd = new FormData();
    fd.append('csrf', csrf);
    fd.append('file', new Blob([data], { type: 'application/octet-stream' }), name);
    const posted = await leder.request('POST', '/d/BHS/cases/import', { body: fd });
    assert.equal(posted.status, 303, String(expected));
    assert.match(posted.location, /^\/d\/BHS\/cases\/import\?fejl=[0-9a-f]{64}$/);
    const res = await leder.get(posted.location);
    assert.equal(res.status, 200);
    const msg = res.text.match(/<p class="field-error" id="file-error"><span class="sr">Fejl: <\/span>(.*?)<\/p>/s);
    assert.ok(msg, `${expected}: a message at the file`);
    assert.match(res.text, /<div class="error-summary"/);
    assert.match(text(msg[1]), expected);
    // The web and the CLI say the same.
    assert.ok(r.stderr.includes(text(msg[1])), `${text(msg[1])} | ${r.stderr}`);
    assert.doesNotMatch(res.text, /name="map_|<h2>Kolonner<\/h2>|name="token"/, 'no column mapping');
    assert.doesNotMatch(res.text, /<dd>CSV<\/dd>/, 'not called a CSV file');
  }
  assert.equal(q('select count(*) from cases') + '|' + q('select count(*) from case_import'), before, 'nothing stored');
});

test('the answer sheet import and the catalogue import tell what a file is, and ask for .xlsx', async () => {
  const cases = [
    [ole2('Workbook'), /gammel Excel-fil \(\.xls\)/],
    [Buffer.from('%PDF-1.4\n'), /PDF/],
    [zipOf(['[Content_Types].xml', 'word/document.xml']), /Word-dokument \(\.docx\)/],
    [Buffer.from(csvText, 'utf16le'), /UTF-16/],
  ];
  const csrf = await leder.csrfFor(`/d/BHS/rounds/${UDDYBENDE}`);
  for (const [data, expected] of cases) {
    const path = join(work, 'ark.xlsx');
    writeFileSync(path, data);
    const r = cli(server.db, ['answers', 'import', String(UDDYBENDE), path]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, expected);
    assert.match(r.stderr, /\.xlsx/);
    assert.doesNotMatch(r.stderr, /eller CSV/);
    let fd = new FormData();
    fd.append('csrf', csrf);
    fd.append('file', new Blob([data]), 'ark.xlsx');
    let res = await leder.request('POST', `/d/BHS/rounds/${UDDYBENDE}/sheet`, { body: fd });
    assert.equal(res.status, 303);
    res = await leder.get(res.location);
    assert.match(text(res.text), expected);
    fd = new FormData();
    fd.append('csrf', await koord.csrfFor('/catalogues'));
    fd.append('file', new Blob([data]), 'katalog.xlsx');
    res = await koord.request('POST', '/catalogues/import', { body: fd });
    assert.equal(res.status, 303);
    res = await koord.get(res.location);
    assert.match(text(res.text), expected);
  }
});

// A save sent after the session expired is kept as a draft for the person whose session it
// was: on a shared PC the next person who logs in at the same browser gets nothing, and the
// draft is dropped (it cannot be had by logging in as its owner afterwards either).
test('the draft of an expired session is shown only to its user, never to the next person at the browser', async () => {
  const [caseId] = q(`select case_id from round_case where round_id = ${UDDYBENDE} order by case_id limit 1`).split('\n');
  const comment = 'Kun til Anne: begrundelsen mangler i bevillingen.';
  const expire = (login) => q(`update session set last_seen = last_seen - 7200 where user_id = (select id from users where login = '${login}')`);
  const saveAfterExpiry = async (browser) => {
    assert.equal((await browser.login('anne')).status, 303);
    const csrf = await browser.csrfFor(`/d/BHS/rounds/${UDDYBENDE}/cases/${caseId}`);
    expire('anne');
    const posted = await browser.post(`/d/BHS/rounds/${UDDYBENDE}/cases/${caseId}`, { csrf, 'c-1': comment });
    assert.equal(posted.status, 303);
    const m = posted.location.match(/^\/login\?next=\/kladde\/([0-9a-f]{64})&udloebet=1$/);
    assert.ok(m, posted.location);
    assert.ok(browser.cookies.has('tilsyn_kladde'));
    return m[1];
  };

  // Anne's session expires; Mette logs in at the same browser (one cookie jar).
  const shared = new Client(server.url);
  const id = await saveAfterExpiry(shared);
  assert.match(q(`select data from form_flash where id = '${id}'`), new RegExp(`"user":${q("select id from users where login = 'anne'")}`));
  assert.equal((await shared.login('koordinator.barn')).status, 303);
  const other = await shared.get(`/kladde/${id}`);
  assert.equal(other.status, 404);
  assert.ok(!text(other.text).includes(comment), 'the next person does not see the comment');
  assert.equal(q(`select count(*) from form_flash where id = '${id}'`), '0', 'the draft is dropped');
  assert.ok(!shared.cookies.has('tilsyn_kladde'));
  // Anne coming back to the same browser afterwards finds nothing either.
  assert.equal((await shared.login('anne')).status, 303);
  assert.equal((await shared.get(`/kladde/${id}`)).status, 404);

  // The person whose session it was gets the draft after logging in.
  const own = new Client(server.url);
  const mine = await saveAfterExpiry(own);
  assert.equal((await own.login('anne')).status, 303);
  const page = await own.get(`/kladde/${mine}`);
  assert.equal(page.status, 200);
  assert.ok(text(page.text).includes(comment));

  // A browser that logged out (no expired session, so nobody owns what it sends) keeps no draft.
  const gone = new Client(server.url);
  assert.equal((await gone.login('anne')).status, 303);
  const csrf = await gone.csrfFor(`/d/BHS/rounds/${UDDYBENDE}/cases/${caseId}`);
  await gone.post('/logout', { csrf });
  const before = q("select count(*) from form_flash where path = '/kladde'");
  const refused = await gone.post(`/d/BHS/rounds/${UDDYBENDE}/cases/${caseId}`, { csrf, 'c-1': comment });
  assert.equal(refused.status, 401);
  assert.equal(q("select count(*) from form_flash where path = '/kladde'"), before);
});
