// People read dates: every page kind a leader, a coordinator, a caseworker and the
// administrator can reach from the demo (one page per kind of address, found by following
// the links), the audit pages and the HTML/PDF reports show dates as "6. december 2026" and
// time stamps as "6. december 2026 kl. 18.12" in Danish time, never an ISO date, an ISO time
// stamp or a trailing "Z", whatever the server's time zone (this file runs the server under
// TZ=America/New_York, where a naive local time would show the wrong hour and often the
// wrong day). Attributes (datetime=, href, value) are machine text and are not checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, sqlite, cli, danishTime, danishDay } from '../lib/server.mjs';

process.env.TZ = 'America/New_York'; // inherited by the server started below

let server;
const clients = {};
before(async () => {
  server = await startServer();
  for (const login of ['leder.barn', 'koordinator.barn', 'anne', 'admin', 'leder.voksen', 'ekstern']) {
    clients[login] = new Client(server.url);
    assert.equal((await clients[login].login(login)).status, 303, login);
  }
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
// The text a person reads: without scripts, styles, tags and their attributes.
export const readable = (html) => unescape(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
  .replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

// An ISO date or time stamp, or a time with a trailing Z, in text a person reads.
// A time of day with a colon after "kl." is not the Danish form either (kl. 09.00).
const ISO = /\b\d{4}-\d{2}-\d{2}(?!\d)|\d{4}-\d{2}-\d{2}T|\d{2}:\d{2}(:\d{2})?Z\b|kl\. \d{1,2}:\d{2}/;
function assertNoIso(where, text) {
  const m = text.match(ISO);
  assert.ok(!m, `${where} shows a machine date: …${m ? text.slice(Math.max(0, m.index - 60), m.index + 40) : ''}…`);
}

// One address per kind: numbers in the path become ":n" (the first one found is fetched).
const kind = (path) => path.replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/:n');
const SKIP = /\/(logout|static\/|calendar\.ics|sheet\.xlsx|export|report\/download|calendar\/)/;

// The catalogue codes that cannot be ordinary Danish words (frister, say, is one).
let codes;
const codeRe = () => {
  codes ??= q("select distinct code from catalogue where code glob '*-*' or code glob '*oe*'").split('\n');
  return new RegExp(`(^|[^\\wæøå-])(${codes.join('|')})($|[^\\wæøå-])`);
};

async function crawl(client, start, limit = 150) {
  const seen = new Map(), queue = [...start], found = [];
  while (queue.length && seen.size < limit) {
    const path = queue.shift();
    if (seen.has(kind(path)) || SKIP.test(path)) continue;
    const res = await client.get(path);
    seen.set(kind(path), { path, status: res.status });
    if (res.status !== 200 || !/text\/html/.test(res.headers.get('content-type') ?? '')) continue;
    const text = readable(res.text), m = text.match(ISO);
    if (m) found.push(`${path}: …${text.slice(Math.max(0, m.index - 60), m.index + 40)}…`);
    // Catalogues and themes by their names; only the catalogue pages, where the code is what an
    // import file refers to, show it.
    const code = path.startsWith('/catalogues') ? null : text.match(codeRe());
    if (code) found.push(`${path}: the code ${code[2]}`);
    for (const m of res.text.matchAll(/href="(\/[^"#]*)"/g)) {
      const next = unescape(m[1]);
      if (!seen.has(kind(next))) queue.push(next);
    }
  }
  assert.deepEqual(found, [], 'pages that show a machine date');
  return seen;
}

test('no page a person reads shows an ISO date or time stamp, in New York time', async () => {
  const leder = await crawl(clients['leder.barn'], ['/', '/d/BHS', '/d/BHS/rounds/1', '/d/BHS/audit']);
  // The crawl did reach the pages that show most dates.
  for (const k of ['/d/BHS/rounds/:n', '/d/BHS/rounds/:n/cases/:n', '/d/BHS/rounds/:n/results', '/d/BHS/rounds/:n/report',
    '/d/BHS/rounds/:n/review', '/d/BHS/plan', '/d/BHS/meetings/:n', '/d/BHS/actions/:n', '/d/BHS/cases', '/catalogues/:n',
    '/account/sessions']) assert.ok(leder.has(k), `the crawl reached ${k}`);
  assert.ok(leder.size >= 20, `pages seen: ${leder.size}`);
  await crawl(clients['koordinator.barn'], ['/', '/d/BHS']);
  await crawl(clients.anne, ['/', '/d/BHS']);
  // Another department, with the demo's external review, as its leader and as the consultant.
  await crawl(clients['leder.voksen'], ['/', '/d/VHS', '/d/VHS/rounds']);
  const ekstern = await crawl(clients.ekstern, ['/', '/d/VHS/rounds']);
  assert.ok(ekstern.size >= 3, `the consultant's pages: ${[...ekstern.keys()].join(' ')}`);
  const admin = await crawl(clients.admin, ['/', '/admin/users', '/admin/departments', '/catalogues']);
  assert.ok(admin.has('/admin/users/:n'));
});

test('a stored time stamp is shown in Danish time, in the one format', async () => {
  // The sample was drawn at a stored UTC time; the round page shows it as a Dane reads it.
  const at = q('select sampled_at from round where id = 1');
  const page = readable((await clients['leder.barn'].get('/d/BHS/rounds/1')).text);
  assert.ok(page.includes(danishTime(at)), `the round page shows ${danishTime(at)}`);
  const sessions = readable((await clients['leder.barn'].get('/account/sessions')).text);
  assert.match(sessions, /\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d/);
  // A round's planned dates read as dates.
  const start = q('select planned_start from round where id = 1 and planned_start is not null');
  if (start) assert.ok(page.includes(danishDay(`${start}T12:00:00Z`)), 'the planned start as a Danish date');
});

test('the trends chart labels its rounds by month in Danish', async () => {
  const page = (await clients['leder.barn'].get('/d/BHS/trends')).text;
  const labels = [...page.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  // The demo's two finished overordnet rounds, planned for March and September 2025.
  assert.ok(labels.includes('mar. 2025') && labels.includes('sep. 2025'), labels.join(' | '));
  assert.ok(!labels.some((l) => /^\d{4}-\d\d$/.test(l)), 'no yyyy-mm label');
});

test('the management report (HTML and PDF) dates in Danish, no ISO time stamps', async () => {
  const leder = clients['leder.barn'];
  const html = await leder.get('/d/BHS/rounds/1/report/download?audience=ledelse&format=html');
  assert.equal(html.status, 200);
  const text = readable(html.text);
  assertNoIso('report html', text);
  assert.doesNotMatch(text, codeRe());
  assert.match(text, /lavet \d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d/);
  const pdf = await fetch(`${server.url}/d/BHS/rounds/1/report/download?audience=ledelse&format=pdf`,
    { headers: { cookie: leder.cookieHeader() } });
  assert.equal(pdf.status, 200);
  const file = join(server.db, '..', 'ledelse.pdf');
  writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assertNoIso('report pdf', r.stdout.replace(/\s+/g, ' '));
  assert.match(r.stdout, /lavet \d{1,2}\.\s+[a-zæøå]+\s+\d{4}\s+kl\.\s+\d\d\.\d\d/);
});

test('the sample protocol is Danish sentences, its technical part folded under "Vis detaljer"', async () => {
  const page = (await clients['leder.barn'].get('/d/BHS/rounds/1')).text;
  const i = page.indexOf('<section class="protocol"');
  assert.ok(i > 0, 'the round page has the protocol');
  const section = page.slice(i, page.indexOf('</section>', i));
  const [seed, digest, at, size, param, months] = q(`select seed || '|' || population_digest || '|' || sampled_at || '|' ||
    population_size || '|' || sample_param || '|' || exclude_months from round where id = 1`).split('|');
  const open = readable(section.slice(0, section.indexOf('<details')));
  assert.ok(open.includes(`Stikprøven blev trukket ${danishTime(at)}: ${param} tilfældigt udvalgte sager`), open);
  assert.ok(open.includes(`blandt ${size} mulige sager.`));
  assert.match(open, /Sagerne kom fra sagslisten indlæst \d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d af Karen Holm, \d+ sager/);
  assert.ok(open.includes(`inden for de sidste ${months} måneder, kunne ikke komme med igen.`));
  // The technical words only inside the folded part.
  for (const word of [seed, digest, 'BLAKE2b', 'fingeraftryk']) assert.ok(!open.includes(word), `${word} is folded`);
  const details = section.slice(section.indexOf('<details'));
  assert.match(details, /^<details[^>]*><summary>Vis detaljer<\/summary>/);
  const folded = readable(details);
  for (const word of [seed, digest, 'BLAKE2b-256']) assert.ok(folded.includes(word), `${word} under Vis detaljer`);
});

test('the protocol names filters in words and dates in Danish', async () => {
  const leder = clients['leder.barn'];
  const csrf = await leder.csrfFor('/d/BHS/rounds');
  const made = await leder.post('/d/BHS/rounds', { csrf, kind: 'overordnet', title: 'Filtreret prøve' });
  assert.equal(made.status, 303, made.text);
  const res = await leder.post(`${made.location}/sample`, { csrf, action: 'draw', method: 'size', count: '5', exclude: '0',
    target: 'barn', opened_from: '2020-01-01', opened_to: '2026-06-30' });
  assert.equal(res.status, 303, res.text);
  const page = (await leder.get(made.location)).text;
  const section = page.slice(page.indexOf('<section class="protocol"'), page.indexOf('<details class="protocol-details"'));
  const open = readable(section);
  assert.match(open, /Kun sager med målgruppe børn og oprettet fra 1\. januar 2020 til 30\. juni 2026 kunne komme med\./);
  assert.match(open, /Ingen sager var udelukket/);
  assertNoIso('protocol with filters', readable(page));
});

test('the audit page of a case: round titles, case numbers and user names, not internal ids; Danish time', async () => {
  const leder = clients['leder.barn'];
  const [caseId, caseNo] = q(`select c.id || '|' || c.case_no from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = 3 and rc.status = 'udtrukket' limit 1`).split('|');
  const koord = clients['koordinator.barn'];
  const review = await koord.get(`/d/BHS/rounds/3/cases/${caseId}`);
  assert.equal(review.status, 200);
  // An answer saved names its question by code; the page adds the question's short text.
  const [qid, code, qtext] = q(`select q.id || '|' || q.code || '|' || q.text from round_catalogue k join question q
    on q.catalogue_id = k.catalogue_id where k.round_id = 3 and q.scale = 'jdn' and length(q.text) > 100 order by q.id limit 1`).split('|');
  const rev = q(`select coalesce((select revision from answer where round_id = 3 and case_id = ${caseId} and question_id = ${qid}), 0)`);
  const saved = await koord.post(`/d/BHS/rounds/3/cases/${caseId}/answer`,
    { csrf: Client.csrf(review.text), question: qid, revision: rev, value: 'delvist', comment: '' });
  assert.equal(saved.status, 200, saved.text);
  const res = await leder.get(`/d/BHS/audit?case=${encodeURIComponent(caseNo)}`);
  assert.equal(res.status, 200);
  const t = readable(res.text);
  assertNoIso('audit page', t);
  const title = q('select title from round where id = 3');
  const koordName = q("select name from users where login = 'koordinator.barn'");
  assert.ok(t.includes(`${koordName} (koordinator.barn) så gennemgangen af sagen «${title}»: gennemgangen af sagen vist`), t);
  assert.doesNotMatch(t, /tilsyn \d+:|sag \d+ erstattet|case:\d/);
  assert.ok(t.includes(`«${title}»: svar på spørgsmål ${code} gemt`), t);
  const key = res.text.slice(res.text.indexOf('<h3>Spørgsmål nævnt på siden</h3>'));
  const shortText = key.match(new RegExp(`<dt>${code}</dt><dd>([^<]*)</dd>`));
  assert.ok(shortText, 'the question is in the key below the log');
  const short = unescape(shortText[1]);
  assert.ok(short.endsWith(' …') && qtext.startsWith(short.slice(0, -2)) && short.length < qtext.length, short);
  // The case list import is listed with the importer's name, found by the login the log keeps.
  assert.match(t, /Karen Holm \(leder\.barn\) indlæste afdelingens sagsliste med sagen/);
  const at = q(`select at from audit where object = 'case:${caseId}' and login = 'koordinator.barn' order by id desc limit 1`);
  assert.ok(t.includes(danishTime(at)), 'the time stamp in Danish time');
  // The command line's text listing says the same (its JSON keeps the log's own words).
  const text = cli(server.db, ['audit', 'case', caseNo, '--department', 'BHS']);
  assert.equal(text.status, 0, text.stderr);
  assert.ok(text.stdout.includes(`«${title}»: gennemgangen af sagen vist`));
  assertNoIso('audit case text', text.stdout);
});
