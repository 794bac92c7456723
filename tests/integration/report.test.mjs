// Reports checked from outside, on the demo's round 3 (half-way reviewed, with answers, one acute
// concern and one example consent). Every audience × format is made with the CLI and read back by
// independent tools: pdftotext / pdfinfo (poppler) for PDF, python3's zipfile + ElementTree for XLSX,
// plain text search for HTML. The privacy rules are checked against the database: the staff report
// holds none of the round's case numbers and none of the caseworkers' (or any department user's)
// names, and no figure resting on fewer than 5 cases; a caseworker's report holds their case numbers
// and nobody else's. Then the web: the report text (CPR refused, draft then final) and downloads with
// the right permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, startServer, Client } from '../lib/server.mjs';

const ROUND = '3';
let work, fx, db;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-report-'));
  fx = freshDb({ demo: true });
  db = fx.db;
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  fx.cleanup();
});

// ---- independent readers ----

function pdfText(path) {
  const r = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// Every sheet of a workbook by name, cells by reference; the zip's part names; all XML text.
const PY = String.raw`
import json, sys, zipfile
import xml.etree.ElementTree as ET
M = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'
z = zipfile.ZipFile(sys.argv[1])
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
strings = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter('{%s}si' % M):
        strings.append(''.join(t.text or '' for t in si.iter('{%s}t' % M)))
sheets = {}
for s in wb.iter('{%s}sheet' % M):
    target = rels[s.get(R)].lstrip('/')
    target = target if target.startswith('xl/') else 'xl/' + target
    cells = {}
    for c in ET.fromstring(z.read(target)).iter('{%s}c' % M):
        v = c.find('{%s}v' % M)
        if c.get('t') == 's':
            cells[c.get('r')] = strings[int(v.text)]
        elif c.get('t') == 'inlineStr':
            cells[c.get('r')] = ''.join(x.text or '' for x in c.iter('{%s}t' % M))
        else:
            cells[c.get('r')] = v.text if v is not None else ''
    sheets[s.get('name')] = cells
xml = ''.join(z.read(n).decode('utf-8') for n in z.namelist() if n.endswith('.xml') or n.endswith('.rels'))
print(json.dumps({'sheets': sheets, 'parts': z.namelist(), 'xml': xml}))
`;
function readXlsx(path) {
  const r = spawnSync('python3', ['-c', PY, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// The rows of a sheet as arrays, from cells by reference.
function rows(cells) {
  const out = [];
  for (const [ref, v] of Object.entries(cells)) {
    const m = ref.match(/^([A-Z]+)(\d+)$/);
    let col = 0;
    for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
    (out[+m[2] - 1] ??= [])[col - 1] = v;
  }
  return out;
}

// XML escapes & < > " ' in text; a name with no such characters is found as written.
const xmlHas = (xml, s) => xml.includes(s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));

function report(audience, format, ...extra) {
  const file = join(work, `${audience.replace(/[^a-z]/gi, '_')}.${format}`);
  const r = cli(db, ['report', ROUND, '--audience', audience, '--format', format, '-o', file, ...extra]);
  assert.equal(r.status, 0, `report ${audience} ${format}: ${r.stderr}`);
  return file;
}

function allText(audience, ...extra) {
  return {
    pdf: pdfText(report(audience, 'pdf', ...extra)),
    html: readFileSync(report(audience, 'html', ...extra), 'utf8'),
    xlsx: readXlsx(report(audience, 'xlsx', ...extra)),
  };
}

const lines = (s) => (s ? s.split('\n') : []);
const caseNumbers = () => lines(sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ${ROUND}`));
const advisors = () => lines(sqlite(db, `SELECT DISTINCT advisor FROM cases WHERE department_id = (SELECT department_id FROM round WHERE id = ${ROUND})`));
const userNames = () => lines(sqlite(db, `SELECT u.name FROM users u JOIN membership m ON m.user_id = u.id WHERE m.department_id = (SELECT department_id FROM round WHERE id = ${ROUND})`));
const results = () => JSON.parse(cli(db, ['round', 'results', ROUND, '--format', 'json']).stdout).questions;
const base = (q) => q.yes + q.partly + q.no;
const pct = (p) => `${Math.round(100 * p)} %`;
const interval = (q) => `${Math.round(100 * q.ci_low)}–${Math.round(100 * q.ci_high)} %`;

// The caseworker with the most answered cases in the round, and one other with cases in it.
function caseworkers() {
  const list = lines(sqlite(db, `SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = ${ROUND} AND rc.status = 'udtrukket' GROUP BY c.advisor
    ORDER BY sum(EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id AND a.case_id = rc.case_id)) DESC, c.advisor`));
  assert.ok(list.length >= 2, 'the scenario needs two caseworkers with cases');
  return list;
}
const casesOf = (name) => lines(sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id
  WHERE rc.round_id = ${ROUND} AND c.advisor = '${name.replaceAll("'", "''")}'`));

// ---- the command line ----

test('report refuses bad input with exit status 2 and a message', () => {
  const out = join(work, 'x.pdf');
  const cases = [
    [['report', ROUND, '--audience', 'alle', '--format', 'pdf', '-o', out], /målgruppe/],
    [['report', ROUND, '--audience', 'ledelse', '--format', 'docx', '-o', out], /--format/],
    [['report', ROUND, '--audience', 'raadgiver:Ingen Sådan', '--format', 'pdf', '-o', out], /Ingen Sådan/],
    [['report', ROUND, '--audience', 'raadgiver:', '--format', 'pdf', '-o', out], /målgruppe/],
    [['report', ROUND, '--audience', 'ledelse', '--format', 'pdf'], /-o/],
    [['report', '999', '--audience', 'ledelse', '--format', 'pdf', '-o', out], /findes ikke/],
  ];
  for (const [args, message] of cases) {
    const r = cli(db, args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.match(cli(db, ['report', '--help']).stdout, /medarbejdere/);
});

test('the management report with --appendix has everything: every case number, answers, comments, acute concern; audited per case', () => {
  const before = +sqlite(db, `SELECT count(*) FROM audit WHERE action = 'report_case'`);
  const { pdf, html, xlsx } = allText('ledelse', '--appendix');
  const numbers = lines(sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ${ROUND} AND rc.status = 'udtrukket'`));
  assert.ok(numbers.length >= 20);
  for (const n of numbers) {
    assert.ok(pdf.includes(n), `PDF lacks ${n}`);
    assert.ok(html.includes(n), `HTML lacks ${n}`);
    assert.ok(xmlHas(xlsx.xml, n), `XLSX lacks ${n}`);
  }
  for (const h of ['Rapport til ledelsen', 'Om tilsynet', 'Arbejdsgruppens vurdering', 'Resultater', 'Pr. rådgiver',
    'Akut bekymring', 'Sådan læses tallene', 'Bilag: alle sager', 'KLADDE'])
    assert.ok(pdf.includes(h), `PDF lacks heading ${h}`);
  // The acute note and a reviewer's comment.
  const note = sqlite(db, `SELECT acute_note FROM round_case WHERE round_id = ${ROUND} AND acute = 1`);
  assert.ok(note && html.includes(note.replaceAll("'", '&#39;').replaceAll('"', '&quot;')));
  const comment = sqlite(db, `SELECT comment FROM answer WHERE round_id = ${ROUND} AND comment <> '' LIMIT 1`);
  assert.ok(comment, 'the scenario needs a comment');
  assert.ok(html.includes(comment) && xmlHas(xlsx.xml, comment));
  // Figures: each question's share and interval, as round results computes them.
  for (const q of results().filter((x) => x.fulfilled !== null)) {
    assert.ok(pdf.includes(`${pct(q.fulfilled)} ${interval(q)}`) || pdf.includes(interval(q)), `PDF lacks ${q.code} ${interval(q)}`);
    assert.ok(html.includes(interval(q)), `HTML lacks ${q.code} ${interval(q)}`);
  }
  // PDF: an outline and page numbers.
  const raw = readFileSync(join(work, 'ledelse.pdf')).toString('latin1');
  assert.match(raw, /\/Outlines/);
  assert.match(pdf, /Side 1\b/);
  assert.match(pdf, /Side 2\b/);
  const info = spawnSync('pdfinfo', [join(work, 'ledelse.pdf')], { encoding: 'utf8' });
  assert.match(info.stdout, /Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
  // XLSX: the sheets, a native chart, and the answers where they belong.
  assert.deepEqual(Object.keys(xlsx.sheets).slice(0, 3), ['Resultater', 'Svar', 'Kommentarer']);
  assert.ok(xlsx.parts.includes('xl/charts/chart1.xml'));
  assert.match(xlsx.xml, /<c:barChart>/);
  const svar = rows(xlsx.sheets.Svar);
  const head = svar[0];
  const answer = sqlite(db, `SELECT c.case_no || '|' || q.code || '|' || a.value FROM answer a JOIN cases c ON c.id = a.case_id
    JOIN question q ON q.id = a.question_id WHERE a.round_id = ${ROUND} AND a.value = 'nej' LIMIT 1`).split('|');
  const row = svar.find((r) => r && r[0] === answer[0]);
  assert.ok(row, `Svar has no row for ${answer[0]}`);
  assert.equal(row[head.indexOf(answer[1])], 'nej');
  // Audited: one entry per case named.
  const after = +sqlite(db, `SELECT count(*) FROM audit WHERE action = 'report_case'`);
  assert.equal(after - before, 3 * numbers.length);
  assert.equal(sqlite(db, `SELECT count(DISTINCT object) FROM audit WHERE action = 'report_case'`), String(numbers.length));
});

test('dates are Danish in the HTML and PDF, and real date cells in the XLSX; without --appendix no single cases', () => {
  const { pdf, html, xlsx } = allText('ledelse');
  const iso = /\d{4}-\d\d-\d\d|T\d\d:\d\d|\d\dZ\b/;
  assert.doesNotMatch(pdf, iso);
  assert.doesNotMatch(html.replace(/<[^>]*>/g, ' '), iso);
  assert.ok(html.includes('periode 7. september 2026 – 30. oktober 2026'), 'the period in Danish');
  assert.match(html, /lavet \d{1,2}\. [a-zæø]+ \d{4} kl\. \d\d\.\d\d/);
  assert.match(html, /<h2 id="noegletal">Nøgletal<\/h2>/);
  assert.ok(!html.includes('Bilag: alle sager'));
  // Row 4 of "Resultater": made (a date and time) and the period (two dates), as serial numbers.
  const cells = xlsx.sheets.Resultater;
  const serial = (ymd) => (Date.UTC(...ymd.split('-').map((v, i) => +v - (i === 1))) - Date.UTC(1899, 11, 30)) / 864e5;
  assert.equal(+cells.D4, serial('2026-09-07'));
  assert.equal(+cells.E4, serial('2026-10-30'));
  assert.ok(+cells.B4 > serial('2026-01-01') && !Number.isInteger(+cells.B4), `made: ${cells.B4}`);
  assert.match(xlsx.xml, /formatCode="d\. mmmm yyyy"/);
  // Management's single cases are in the appendix only.
  assert.deepEqual(Object.keys(xlsx.sheets), ['Resultater', 'Om rapporten']);
});

test('the staff report: no case numbers, no names, no comments, no figure on fewer than 5 cases', () => {
  const before = +sqlite(db, `SELECT count(*) FROM audit WHERE action = 'report_case'`);
  const { pdf, html, xlsx } = allText('medarbejdere');
  const numbers = caseNumbers(), names = [...advisors(), ...userNames()];
  assert.ok(numbers.length >= 20 && names.length >= 4);
  for (const n of numbers) {
    assert.ok(!pdf.includes(n), `PDF names case ${n}`);
    assert.ok(!html.includes(n), `HTML names case ${n}`);
    assert.ok(!xmlHas(xlsx.xml, n), `XLSX names case ${n}`);
  }
  for (const n of names) {
    for (const part of [n, n.split(' ')[0] + ' ' + n.split(' ').at(-1)]) {
      assert.ok(!pdf.includes(part), `PDF names ${part}`);
      assert.ok(!html.includes(part), `HTML names ${part}`);
      assert.ok(!xmlHas(xlsx.xml, part), `XLSX names ${part}`);
    }
  }
  const comment = sqlite(db, `SELECT comment FROM answer WHERE round_id = ${ROUND} AND comment <> '' LIMIT 1`);
  assert.ok(!html.includes(comment) && !pdf.includes(comment) && !xmlHas(xlsx.xml, comment));
  const note = sqlite(db, `SELECT acute_note FROM round_case WHERE round_id = ${ROUND} AND acute = 1`);
  assert.ok(!html.includes(note.slice(0, 30)) && !pdf.includes(note.slice(0, 30)));
  // Small figures: the scenario has questions with 1-4 assessed cases; none of their figures is shown.
  const qs = results();
  const small = qs.filter((q) => base(q) > 0 && base(q) < 5), shown = qs.filter((q) => base(q) >= 5);
  assert.ok(small.length > 0 && shown.length > 0, 'the scenario needs questions on both sides of 5');
  const resultater = rows(xlsx.sheets.Resultater);
  for (const q of small) {
    const tr = html.match(new RegExp(`<tr><th scope="row"><span class="code">${q.code}</span>.*?</tr>`))[0];
    assert.match(tr, /vises ikke: bygger på færre end 5 sager/);
    assert.ok(!/<td class="num">\d/.test(tr), `HTML shows a figure for ${q.code}: ${tr}`);
    const r = resultater.find((x) => x && x[0] === q.code);
    assert.match(r[4], /vises ikke/);
    assert.deepEqual(r.slice(5).filter((v) => v !== undefined && v !== ''), [], `XLSX shows figures for ${q.code}`);
    const pdfLine = pdf.split('\n').find((l) => l.trimStart().startsWith(q.code + ' '));
    assert.ok(pdfLine && pdfLine.includes('vises ikke'), `PDF row of ${q.code}: ${pdfLine}`);
    assert.ok(!pdfLine.includes('%'), `PDF shows a percentage for ${q.code}`);
  }
  for (const q of shown.filter((x) => x.fulfilled !== null)) {
    assert.ok(html.includes(interval(q)), `HTML lacks ${q.code}`);
    assert.ok(pdf.includes(interval(q)), `PDF lacks ${q.code}`);
  }
  for (const h of ['Rapport til medarbejderne', 'Resultater', 'Sagseksempler', 'Eksempel 1', 'Sådan læses tallene'])
    assert.ok(pdf.includes(h), `PDF lacks ${h}`);
  // Exactly the agreed examples, and no comments sheet content.
  const consents = +sqlite(db, `SELECT count(*) FROM round_case rc WHERE rc.round_id = ${ROUND} AND rc.example_consent = 1
    AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id AND a.case_id = rc.case_id AND a.value IN ('ja','delvist','nej'))`);
  assert.ok(consents >= 1);
  assert.equal((html.match(/<h3>Eksempel \d+<\/h3>/g) ?? []).length, consents);
  assert.equal(rows(xlsx.sheets.Svar).filter((r) => r && /^Eksempel \d+$/.test(r[0])).length, consents);
  assert.match(Object.values(xlsx.sheets.Kommentarer).join(' '), /udeladt/);
  assert.equal(+sqlite(db, `SELECT count(*) FROM audit WHERE action = 'report_case'`), before, 'no case named, nothing per case');
});

test('a caseworker\'s report has their case numbers and nobody else\'s', () => {
  const [me, other] = caseworkers();
  const mine = casesOf(me), others = caseNumbers().filter((n) => !mine.includes(n));
  assert.ok(mine.length > 0 && others.length > 0);
  const { pdf, html, xlsx } = allText(`raadgiver:${me}`);
  for (const n of mine) {
    assert.ok(pdf.includes(n) && html.includes(n) && xmlHas(xlsx.xml, n), `own case ${n} missing`);
  }
  for (const n of others) {
    assert.ok(!pdf.includes(n) && !html.includes(n) && !xmlHas(xlsx.xml, n), `someone else's case ${n} shown`);
  }
  assert.ok(!html.includes(other) && !pdf.includes(other) && !xmlHas(xlsx.xml, other), `names ${other}`);
  assert.ok(pdf.includes('Individuel tilbagemelding') && pdf.includes('Dine sager') && pdf.includes(me));
  // A department figure is shown only where at least 5 of the colleagues' cases stand behind it.
  const own = Object.fromEntries(lines(sqlite(db, `SELECT q.code || '|' || count(*) FROM answer a JOIN question q ON q.id = a.question_id
    JOIN cases c ON c.id = a.case_id WHERE a.round_id = ${ROUND} AND c.advisor = '${me.replaceAll("'", "''")}'
    AND a.value IN ('ja','delvist','nej') AND (q.cond_question IS NULL OR EXISTS (SELECT 1 FROM question pq
      JOIN answer pa ON pa.question_id = pq.id AND pa.round_id = a.round_id AND pa.case_id = a.case_id
      WHERE pq.catalogue_id = q.catalogue_id AND pq.code = q.cond_question AND pa.value IN (SELECT value FROM json_each(q.cond_answers))))
    GROUP BY q.code`)).map((l) => l.split('|')).map(([k, v]) => [k, +v]));
  const resultater = rows(xlsx.sheets.Resultater);
  let hidden = 0;
  for (const q of results()) {
    const r = resultater.find((x) => x && x[0] === q.code);
    const others5 = base(q) >= 5 && base(q) - (own[q.code] ?? 0) >= 5;
    if (!others5) hidden++;
    assert.equal(/vises ikke/.test(r[4] ?? ''), !others5, `${q.code}: base ${base(q)}, own ${own[q.code] ?? 0}`);
  }
  assert.ok(hidden > 0);
});

test('the report text: CPR refused, draft marked KLADDE, final shown in every report; web downloads by permission', async () => {
  const server = await startServer({ db });
  try {
    const leder = new Client(server.url);
    await leder.login('leder.barn');
    const page = await leder.get(`/d/BHS/rounds/${ROUND}/report`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Hent rapporten/);
    const csrf = Client.csrf(page.text);
    const texts = { summary: 'Sagerne er generelt godt oplyst.', strengths: 'Klagevejledning er i orden.',
      challenges: 'Begrundelser mangler ofte hovedhensyn.', recommendations: 'Fælles skabelon for begrundelser.' };
    // Refused: 303 back to the page, the summary on top, the texts as typed (the number masked), once.
    let r = await leder.postInvalid(`/d/BHS/rounds/${ROUND}/report`, { csrf, ...texts, summary: 'Borgeren 010203-1234 nævnt.', action: 'final' });
    assert.equal(r.status, 200);
    assert.match(r.posted.location, /\/report\?fejl=[0-9a-f]{64}$/);
    assert.match(r.text, /<div class="error-summary"[^]*CPR-nummer/);
    assert.ok(!r.text.includes('010203-1234'), 'the number is not shown back');
    assert.match(r.text, /<textarea id="summary" name="summary"[^>]*>Borgeren 010203-xxxx nævnt\.<\/textarea>/);
    assert.match(r.text, />Klagevejledning er i orden\.<\/textarea>/);
    assert.doesNotMatch((await leder.get(r.posted.location)).text, /error-summary|Borgeren/);
    assert.equal(sqlite(db, `SELECT count(*) FROM report_text WHERE round_id = ${ROUND}`), '0');
    r = await leder.post(`/d/BHS/rounds/${ROUND}/report`, { csrf, ...texts, action: 'draft' });
    assert.equal(r.status, 303, r.text.match(/role="alert">([^<]*)/)?.[1] ?? r.text.slice(0, 300));
    assert.equal(sqlite(db, `SELECT status FROM report_text WHERE round_id = ${ROUND}`), 'kladde');
    let pdf = pdfText(report('medarbejdere', 'pdf'));
    assert.ok(pdf.includes('KLADDE') && pdf.includes(texts.challenges));
    r = await leder.post(`/d/BHS/rounds/${ROUND}/report`, { csrf, ...texts, action: 'final' });
    assert.equal(r.status, 303);
    assert.equal(sqlite(db, `SELECT status || '|' || final_by_name FROM report_text WHERE round_id = ${ROUND}`), 'endelig|Karen Holm');
    pdf = pdfText(report('ledelse', 'pdf'));
    assert.ok(!pdf.includes('KLADDE'));
    for (const t of Object.values(texts)) assert.ok(pdf.includes(t), `PDF lacks ${t}`);
    assert.match(pdf, /godkendt .* af Karen Holm/);
    const staff = readFileSync(report('medarbejdere', 'html'), 'utf8');
    assert.ok(staff.includes(texts.summary) && !staff.includes('Karen Holm'));

    // Downloads: the working group gets every audience; the staff report is no page of the app.
    const types = { pdf: 'application/pdf', html: 'text/html; charset=utf-8',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    for (const [format, type] of Object.entries(types)) {
      const d = await leder.get(`/d/BHS/rounds/${ROUND}/report/download?audience=ledelse&format=${format}`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.headers.get('content-type'), type);
      assert.match(d.headers.get('content-disposition'), /^attachment; filename="rapport-tilsyn-3-ledelse\.\w+"$/);
      assert.equal(d.headers.get('cache-control'), 'no-store');
    }
    const staffPdf = await fetch(`${server.url}/d/BHS/rounds/${ROUND}/report/download?audience=medarbejdere&format=pdf`,
      { headers: { cookie: leder.cookieHeader() } });
    assert.equal(staffPdf.status, 200);
    assert.equal(Buffer.from(await staffPdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

    // A caseworker: only their own feedback; the rest is refused and audited.
    const anne = new Client(server.url);
    await anne.login('anne');
    const denied = +sqlite(db, `SELECT count(*) FROM audit WHERE action = 'access_denied'`);
    for (const audience of ['ledelse', 'medarbejdere', 'raadgiver:Morten Løvstad']) {
      const d = await anne.get(`/d/BHS/rounds/${ROUND}/report/download?audience=${encodeURIComponent(audience)}&format=pdf`);
      assert.equal(d.status, 403, audience);
    }
    assert.equal(+sqlite(db, `SELECT count(*) FROM audit WHERE action = 'access_denied'`), denied + 3);
    assert.equal((await anne.get(`/d/BHS/rounds/${ROUND}/report`)).status, 403);
    // Her own feedback: refused until the leader releases it, then hers alone.
    const early = await anne.get(`/d/BHS/rounds/${ROUND}/report/download?audience=raadgiver&format=html`);
    assert.equal(early.status, 403);
    assert.match(early.text, /endnu ikke frigivet/);
    const release = await leder.post(`/d/BHS/rounds/${ROUND}/feedback/release`,
      { csrf: await leder.csrfFor(`/d/BHS/rounds/${ROUND}/feedback`), advisor: 'Anne Bækgaard' });
    assert.equal(release.status, 303);
    const own = await anne.get(`/d/BHS/rounds/${ROUND}/report/download?audience=raadgiver&format=html`);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('content-type'), 'text/html; charset=utf-8');
    const annes = casesOf('Anne Bækgaard'), rest = caseNumbers().filter((n) => !annes.includes(n));
    for (const n of annes) assert.ok(own.text.includes(n));
    for (const n of rest) assert.ok(!own.text.includes(n));
    const named = await anne.get(`/d/BHS/rounds/${ROUND}/report/download?audience=${encodeURIComponent('raadgiver:Anne Bækgaard')}&format=pdf`);
    assert.equal(named.status, 200);
    assert.equal(named.headers.get('content-type'), 'application/pdf');
    // Her front page links to it once her cases have answers.
    sqlite(db, `INSERT OR IGNORE INTO answer (round_id, case_id, question_id, value, updated_at)
      SELECT ${ROUND}, rc.case_id, (SELECT q.id FROM question q JOIN round_catalogue k ON k.catalogue_id = q.catalogue_id
        WHERE k.round_id = ${ROUND} AND q.scale = 'jdn' ORDER BY k.position, q.position LIMIT 1), 'ja', '2026-01-01T00:00:00Z'
      FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ${ROUND} AND c.advisor = 'Anne Bækgaard' LIMIT 1`);
    const home = await anne.get('/');
    assert.match(home.text, /Min tilbagemelding/);
    assert.match(home.text, /report\/download\?audience=raadgiver&amp;format=pdf/);
  } finally {
    await server.stop();
  }
});
