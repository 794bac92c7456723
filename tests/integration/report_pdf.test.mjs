// The management document as a committee gets it, checked with poppler from outside: tagged
// PDF with title and language, page 1 with the key figures and a contents list whose page
// numbers are right, no ISO time stamps, the appendix only with --appendix, and the layout
// read back from pdftotext's word boxes: no two words overlap on any page, no heading is the
// last text on its page, and every chart is whole on one page. The demo's round 5 has a
// previous round to compare with; round 3 has an acute concern, an example and
// caseworkers' own cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite } from '../lib/server.mjs';

let work, fx, db;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'tilsyn-report-pdf-'));
  fx = freshDb({ demo: true });
  db = fx.db;
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  fx.cleanup();
});

const PAGE_H = 841.89, FOOTER_TOP = PAGE_H - 56.7 - 4;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '', `${cmd} complains about the file: ${r.stderr}`);
  return r.stdout;
}

function pdf(round, audience, ...extra) {
  const file = join(work, `${round}-${audience.replace(/[^a-z]/gi, '_')}${extra.length ? '-bilag' : ''}.pdf`);
  const r = cli(db, ['report', String(round), '--audience', audience, '--format', 'pdf', '-o', file, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return file;
}

const text = (file, page) => run('pdftotext', ['-layout', ...(page ? ['-f', String(page), '-l', String(page)] : []), file, '-']);
const flat = (s) => s.replace(/\s+/g, ' ');

// Pages of words and blocks from pdftotext -bbox-layout (top-down coordinates).
function layout(file) {
  const xml = run('pdftotext', ['-bbox-layout', file, '-']);
  const num = (tag, k) => +tag.match(new RegExp(`${k}="([-\\d.]+)"`))[1];
  const box = (tag) => ({ x0: num(tag, 'xMin'), y0: num(tag, 'yMin'), x1: num(tag, 'xMax'), y1: num(tag, 'yMax') });
  return xml.split('<page ').slice(1).map((page) => ({
    words: [...page.matchAll(/<word ([^>]*)>([^<]*)<\/word>/g)].map((m) => ({ ...box(m[1]), text: m[2] })),
    blocks: [...page.matchAll(/<block ([^>]*)>([\s\S]*?)<\/block>/g)].map((m) => ({
      ...box(m[1]),
      text: [...m[2].matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((w) => w[1]).join(' '),
    })),
  }));
}

// Named destinations (every heading is one): page and top-down y.
function dests(file) {
  return run('pdfinfo', ['-dests', file]).split('\n').slice(1).filter((l) => l.trim())
    .map((l) => l.match(/^\s*(\d+)\s+\[\s*XYZ\s+([-\d.]+)\s+([-\d.]+)/)).filter(Boolean)
    .map((m) => ({ page: +m[1], y: PAGE_H - +m[3] }));
}

function checkLayout(file) {
  const pages = layout(file);
  assert.ok(pages.length >= 2);
  let charts = 0;
  pages.forEach((page, i) => {
    // No two words' boxes intersect (a hair of tolerance for glyph boxes that touch).
    const w = page.words;
    for (let a = 0; a < w.length; a++)
      for (let b = a + 1; b < w.length; b++) {
        const ox = Math.min(w[a].x1, w[b].x1) - Math.max(w[a].x0, w[b].x0);
        const oy = Math.min(w[a].y1, w[b].y1) - Math.max(w[a].y0, w[b].y0);
        assert.ok(ox <= 0.5 || oy <= 0.5,
          `page ${i + 1}: "${w[a].text}" and "${w[b].text}" overlap (${JSON.stringify(w[a])} ${JSON.stringify(w[b])})`);
      }
    // A chart is whole: every legend above bars has its axis below them on the same page.
    // (The lines of the page from its words: a line is the words at one height, left to right.)
    const byY = new Map();
    for (const x of w) {
      const key = [...byY.keys()].find((y) => Math.abs(y - x.y0) < 1) ?? x.y0;
      byY.set(key, [...(byY.get(key) ?? []), x]);
    }
    const lines = [...byY.values()].map((l) => l.sort((a, b) => a.x0 - b.x0).map((x) => x.text).join(' '));
    const legends = lines.filter((t) => /^Opfyldt 95 %-interval( Forrige tilsyn)?$/.test(t)).length;
    const axes = lines.filter((t) => /^0 ?% 25 ?% 50 ?% 75 ?% 100 ?%$/.test(t)).length;
    charts += legends;
    assert.equal(legends, axes, `page ${i + 1}: ${legends} chart legends but ${axes} axes: ${JSON.stringify(lines)}`);
  });
  assert.ok(charts >= 1, 'the report has a chart, found by its legend');
  // A heading is never the last text on its page: some text (not the footer) is below it.
  for (const d of dests(file)) {
    const blocks = pages[d.page - 1].blocks.filter((b) => b.y0 < FOOTER_TOP);
    const heading = blocks.reduce((best, b) => (Math.abs(b.y0 - d.y) < Math.abs(best.y0 - d.y) ? b : best));
    assert.ok(blocks.some((b) => b.y0 > heading.y1 - 0.5),
      `the heading "${heading.text}" is the last text on page ${d.page}`);
  }
  return pages;
}

test('the management PDF: tagged, titled, in Danish; page 1 has the key figures, the areas and the contents', () => {
  const file = pdf(5, 'ledelse');
  const info = run('pdfinfo', [file]);
  assert.match(info, /^Tagged:\s+yes$/m);
  const title = sqlite(db, 'SELECT title FROM round WHERE id = 5');
  assert.match(info, new RegExp(`^Title:\\s+Rapport til ledelsen – ${title}$`, 'm'));
  // The language and the figures' alternative text, in the last revision of the catalog and the figures.
  const raw = readFileSync(file).toString('latin1');
  const catalog = raw.slice(raw.lastIndexOf('/Type /Catalog'));
  assert.match(catalog.slice(0, catalog.indexOf('endobj')), /\/Lang \(da-DK\)/);
  const alts = [...raw.matchAll(/\/S \/Figure\n[^]*?\/Alt <FEFF([0-9A-F]+)>/g)]
    .map((m) => Buffer.from(m[1], 'hex').swap16().toString('utf16le'));
  assert.ok(alts.length >= 1, 'a figure with alternative text');
  assert.match(alts[0], /^Søjlediagram over andelen opfyldt pr\. spørgsmål/);
  assert.match(run('pdfinfo', ['-struct', file]), /^\s+Figure/m);
  // The previous round's marker: in the key above the bars, and in the alternative text per question.
  assert.match(flat(text(file)), /Opfyldt 95 %-interval Forrige tilsyn/);
  assert.match(alts[0], /OB-VEJL-1 \d+ % \(forrige \d+ %\)/);

  const page1 = flat(text(file, 1));
  const qs = JSON.parse(cli(db, ['round', 'results', '5', '--format', 'json']).stdout).questions;
  const sum = (k) => qs.reduce((a, q) => a + q[k], 0);
  const now = Math.round((100 * sum('yes')) / (sum('yes') + sum('partly') + sum('no')));
  for (const s of ['Rapport til ledelsen', title, 'Børn og unge med handicap', 'Nøgletal', 'Resultater pr. område',
    'Indhold', 'Akut bekymring', 'Største forringelser', 'Største forbedringer', 'Forvaltningsret', 'Hele tilsynet'])
    assert.ok(page1.includes(s), `page 1 lacks ${s}`);
  assert.match(page1, new RegExp(`Opfyldt i alt ${now} % af de vurderede svar \\(forrige tilsyn \\d+ %\\): ▲ \\+\\d+ point: forbedret`));
  // The largest improvement by the results' own figures is named on page 1.
  const best = qs.filter((q) => q.previous?.verdict === 'improved').sort((a, b) => b.previous.diff - a.previous.diff)[0];
  assert.ok(page1.includes(`▲ ${best.code}`), `page 1 lacks ${best.code}`);
  // The period in Danish.
  assert.match(page1, /periode: \d{1,2}\. [a-zæø]+ \d{4} – \d{1,2}\. [a-zæø]+ \d{4}/);

  // The contents' page numbers are the pages the sections are on.
  const entries = [...text(file, 1).matchAll(/^(\S.*?)\s*\.*\s+(\d+)$/gm)]
    .map((m) => [m[1].trim(), +m[2]]).filter(([t]) => ['Om tilsynet', 'Resultater', 'Pr. rådgiver', 'Sådan læses tallene',
      'Arbejdsgruppens vurdering'].includes(t));
  assert.equal(entries.length, 5, text(file, 1));
  for (const [heading, page] of entries)
    assert.ok(text(file, page).split('\n').some((l) => l.trim() === heading), `${heading} is not on page ${page}`);
  // No ISO time stamp anywhere a person reads.
  const all = text(file);
  assert.doesNotMatch(all, /\d{4}-\d\d-\d\d|T\d\d:\d\d|\d\dZ\b/);
  // Declines and improvements are marked in the table, with words as well as the mark.
  assert.match(flat(all), /▲ \+\d+ point/);
  // Page 1 renders (poppler draws it), and its words do not overlap.
  const png = join(work, 'side1');
  run('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-singlefile', file, png]);
  assert.ok(statSync(`${png}.png`).size > 1000);
  checkLayout(file);
});

test('the appendix of single cases only with --appendix; without it only the acute case is named and audited', () => {
  const numbers = sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = 3 AND rc.status = 'udtrukket'`).split('\n');
  const acute = sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = 3 AND rc.acute = 1`).split('\n');
  assert.ok(acute.length >= 1 && numbers.length > acute.length);
  const count = () => +sqlite(db, `SELECT count(*) FROM audit WHERE action = 'report_case'`);
  let before = count();
  const plain = text(pdf(3, 'ledelse'));
  assert.equal(count() - before, acute.length);
  assert.ok(!plain.includes('Bilag: alle sager'));
  for (const n of numbers) assert.equal(plain.includes(n), acute.includes(n), n);
  before = count();
  const file = pdf(3, 'ledelse', '--appendix');
  const full = text(file);
  assert.equal(count() - before, numbers.length);
  assert.ok(full.includes('Bilag: alle sager'));
  for (const n of numbers) assert.ok(full.includes(n), n);
  // The appendix is in the contents, with its page.
  const entry = text(file, 1).match(/^Bilag: alle sager\s*\.*\s+(\d+)$/m);
  assert.ok(entry, 'the appendix is in the contents');
  assert.ok(text(file, +entry[1]).includes('Bilag: alle sager'));
  checkLayout(file);
});

test('the staff and caseworker reports get the same page 1, contents and layout', () => {
  const advisor = sqlite(db, `SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = 3 GROUP BY c.advisor ORDER BY count(*) DESC, c.advisor LIMIT 1`);
  for (const audience of ['medarbejdere', `raadgiver:${advisor}`]) {
    const file = pdf(3, audience);
    assert.match(run('pdfinfo', [file]), /^Tagged:\s+yes$/m);
    const page1 = flat(text(file, 1));
    for (const s of ['Nøgletal', 'Opfyldt i alt', 'Indhold', 'Om tilsynet'])
      assert.ok(page1.includes(s), `${audience}: page 1 lacks ${s}`);
    assert.ok(!page1.includes('Akut bekymring'), `${audience}: the acute concerns are for management only`);
    assert.doesNotMatch(text(file), /\d{4}-\d\d-\d\d|T\d\d:\d\d|\d\dZ\b/);
    checkLayout(file);
  }
});

test('long question codes wrap in the chart and its rows grow, so no label overlaps another', () => {
  const own = freshDb({ demo: true });
  try {
    // Codes as long as a catalogue allows (32 characters); the published catalogue's guard is
    // lifted in this copy only, to give the demo's questions such codes.
    sqlite(own.db, `DROP TRIGGER question_published_update;
      UPDATE question SET code = 'OB-SAGSOPLYSNING-SAMTYKKE-LAEG-2' WHERE code = 'OB-SAGSOPL-2';
      UPDATE question SET code = 'OB-BARNETS-SYNSPUNKTER-SAMTALE-1' WHERE code = 'OB-BARN-1'`);
    const file = join(work, 'lange-koder.pdf');
    const r = cli(own.db, ['report', '5', '--audience', 'ledelse', '--format', 'pdf', '-o', file]);
    assert.equal(r.status, 0, r.stderr);
    const words = checkLayout(file).flatMap((p) => p.words.map((w) => w.text));
    // Wrapped, and whole: every part of each code is there.
    for (const part of ['SAGSOPLYSNING-', 'SAMTYKKE-LAEG-2', 'SYNSPUNKTER-', 'SAMTALE-1'])
      assert.ok(words.includes(part), `the chart lacks ${part}`);
  } finally {
    own.cleanup();
  }
});
