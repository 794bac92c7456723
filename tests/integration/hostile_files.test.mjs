// Our own hostile-file set (tests/hostile_files.py, made afresh by the script, no blobs): zip
// bombs by ratio and by entry count, XML entities (external and expanding), huge shared strings,
// deep nesting, a truncated zip, a path-traversal entry, a formula cell, invalid and overlong
// UTF-8, NUL bytes, enormous fields and lines, an unclosed quote, BOM variants, CPR numbers in
// odd places. Each file is imported through the CLI (`cases import --dry-run`, then for real)
// and posted to the web import route. A refused file: exit 2 / status 400 with the Danish message
// the manifest names, nothing stored (no case, no import, no kept upload). A file that is a case
// list after all: the dry run and the preview go through, still storing nothing. Throughout, the
// server keeps answering and its memory stays bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, Client, cli, sqlite, root } from '../lib/server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'tilsyn-hostile-files-'));
const made = spawnSync('python3', [join(root, 'tests', 'hostile_files.py'), dir], { encoding: 'utf8' });
assert.equal(made.status, 0, made.stderr);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

let server, leder;
before(async () => {
  server = await startServer();
  leder = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
});
after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

const stored = () => sqlite(server.db, `select (select count(*) from cases) || '/' || (select count(*) from case_import)
  || '/' || (select count(*) from upload where token is not null)`);
const rssKb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
const DANISH = /[æøåÆØÅ]|\b(filen|linje|kolonne|celle|teksten|ingen|ikke)\b/i;

test('the set covers what a review throws at an import', () => {
  const names = manifest.map((m) => m.file);
  for (const want of ['zip-bomb-ratio.xlsx', 'zip-bomb-entries.xlsx', 'xxe-external-entity.xlsx', 'billion-laughs.xlsx',
    'huge-shared-strings.xlsx', 'deep-nesting.xlsx', 'truncated.xlsx', 'path-traversal.xlsx', 'formula-cell.xlsx',
    'invalid-utf8.csv', 'overlong-utf8.csv', 'nul-bytes.csv', 'enormous-field.csv', 'enormous-line.csv',
    'mismatched-quotes.csv', 'bom-utf16le.csv', 'cpr-in-header.csv', 'cpr-number-cell.xlsx']) assert.ok(names.includes(want), want);
  // Deterministic: made twice, the same bytes.
  const again = mkdtempSync(join(tmpdir(), 'tilsyn-hostile-again-'));
  assert.equal(spawnSync('python3', [join(root, 'tests', 'hostile_files.py'), again]).status, 0);
  for (const m of manifest) assert.ok(readFileSync(join(dir, m.file)).equals(readFileSync(join(again, m.file))), m.file);
  rmSync(again, { recursive: true, force: true });
});

for (const m of manifest) {
  test(`${m.file} (${m.why}): CLI`, () => {
    const before = stored();
    for (const extra of [['--dry-run'], []]) {
      const r = cli(server.db, ['cases', 'import', join(dir, m.file), '--department', 'BHS', '--add', ...extra]);
      if (m.expect === 'refused') {
        assert.equal(r.status, 2, `${extra}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, new RegExp(m.message, 'i'));
        assert.match(r.stderr, DANISH);
        assert.equal(stored(), before, 'nothing stored');
      } else if (extra.length) {
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Prøvekørsel, intet er gemt/);
        assert.equal(stored(), before, 'the dry run stores nothing');
      }
    }
    assert.ok(!existsSync('/tmp/tilsyn-traversal') && !existsSync('/etc/tilsyn-absolute'), 'no entry extracted');
  });

  test(`${m.file}: web upload`, async () => {
    const pid = server.proc.pid;
    const base = rssKb(pid);
    let peak = base;
    const timer = setInterval(() => { try { peak = Math.max(peak, rssKb(pid)); } catch { /* gone */ } }, 10);
    const before = sqlite(server.db, 'select (select count(*) from cases) || \'/\' || (select count(*) from case_import)');
    const kept = () => Number(sqlite(server.db, `select count(*) from upload where file_name = '${m.file}'`));
    assert.equal(kept(), 0);
    const fd = new FormData();
    fd.append('csrf', await leder.csrfFor('/d/BHS/cases/import'));
    fd.append('mode', 'add');
    fd.append('file', new Blob([readFileSync(join(dir, m.file))]), m.file);
    let res = await leder.request('POST', '/d/BHS/cases/import', { body: fd });
    clearInterval(timer);
    if (m.expect === 'refused') {
      // A file that cannot be read answers 303 back to the upload form, which says why (and
      // keeps the choice to add); a readable one with no usable row is a preview (400).
      if (res.status === 303) {
        assert.match(res.location, /^\/d\/BHS\/cases\/import\?fejl=[0-9a-f]{64}$/);
        res = await leder.get(res.location);
        assert.match(res.text, /<div class="error-summary"/);
        assert.match(res.text, /value="add" checked/);
      } else assert.equal(res.status, 400, res.text.slice(0, 400));
      assert.match(res.text, new RegExp(m.message, 'i'));
      assert.match(res.text, /<h1>[^<]*<\/h1>/);
      // Kept only when the column can be chosen by hand on the preview (then it expires unused).
      if (!/Vælg kolonnen/.test(res.text)) assert.equal(kept(), 0, 'a refused upload is not kept');
      else sqlite(server.db, `delete from upload where file_name = '${m.file}'`);
    } else {
      assert.equal(res.status, 200, res.text.slice(0, 400));
      assert.match(res.text, /Intet er gemt endnu/);
    }
    assert.equal(sqlite(server.db, 'select (select count(*) from cases) || \'/\' || (select count(*) from case_import)'), before);
    const grownMb = (peak - base) / 1024;
    assert.ok(grownMb < 150, `the server grew by ${grownMb.toFixed(1)} MB on ${m.file}`);
    assert.equal((await fetch(server.url + '/healthz')).status, 200, 'the server is alive');
  });
}
