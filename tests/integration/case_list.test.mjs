// The current case list (issue 11), from outside: the real CLI, the real server and the
// real SQLite file, with the shipped example lists (eksempel-sagsliste.csv: 40 cases, and
// eksempel-sagsliste-ny.csv: a later export with 30 of them and 15 new). A second import
// replaces the list unless --add; the cases that drop off stay for history but are never
// drawn; `cases list` shows the current list and --all the rest; the case-list page says
// which list is current and what dropped off; a case without a target group takes the
// department's area; the round page shows the population before the draw (exclusion
// window, filters, empty fields) and the list version in the protocol; a shortfall says
// both numbers; text filters match part of the text in any case, Danish letters too.
// Expected samples are computed with python3's hashlib (tests/lib/blake2.mjs), never by tilsyn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, root, startServer, Client, danishTime } from '../lib/server.mjs';
import { pythonSample, seedFrom } from '../lib/blake2.mjs';

const LIST_A = join(root, 'tests', 'data', 'eksempel-sagsliste.csv');
const LIST_B = join(root, 'tests', 'data', 'eksempel-sagsliste-ny.csv');

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-caselist-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

// The case numbers and advisors of a shipped list (Windows-1252, ';', no quoted ';' in them).
function casesOf(file) {
  const lines = new TextDecoder('windows-1252').decode(readFileSync(file)).split(/\r?\n/).filter(Boolean);
  return lines.slice(1).map((l) => { const f = l.split(';'); return { case_no: f[0], advisor: f[1], provision: f[3] }; });
}
const A = casesOf(LIST_A), B = casesOf(LIST_B);
const aNos = new Set(A.map((c) => c.case_no)), bNos = new Set(B.map((c) => c.case_no));
const DROPPED = [...aNos].filter((n) => !bNos.has(n)).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

function setup(area = 'barn') {
  const fresh = freshDb();
  const r = cli(fresh.db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', area]);
  assert.equal(r.status, 0, r.stderr);
  return fresh;
}
const importList = (db, file, extra = []) => cli(db, ['cases', 'import', file, '--department', 'TST', ...extra]);
function list(db, extra = []) {
  const r = cli(db, ['cases', 'list', '--department', 'TST', '--format', 'json', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
function createRound(db, kind = 'overordnet') {
  const r = cli(db, ['round', 'create', '--department', 'TST', '--kind', kind, '--title', 'Tilsyn']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
function sampledNos(db, id) {
  const r = cli(db, ['round', 'cases', id, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).filter((c) => c.status === 'udtrukket').map((c) => c.case_no);
}

const danish = danishTime;

test('a second import replaces the list: the dropped cases stay but are never drawn; the draw follows the keyed rule on B', () => {
  const { db, cleanup } = setup();
  try {
    assert.equal(DROPPED.length, 10, 'the shipped lists: 10 of A are not in B');
    assert.equal(B.filter((c) => aNos.has(c.case_no)).length, 30);
    let r = importList(db, LIST_A);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Filen erstatter den nuværende sagsliste, som nu har 40 sager\./);

    // A dry run says what would drop off and changes nothing.
    r = importList(db, LIST_B, ['--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Prøvekørsel, intet er gemt: 45 rækker: 15 nye og 30 opdaterede sager\./);
    assert.match(r.stdout, new RegExp(`10 sager ville falde ud af den nuværende liste \\(de bliver i databasen, men trækkes ikke\\): ${DROPPED.join(' ').replace(/\./g, '\\.')}\\n`));
    assert.equal(list(db).length, 40);

    r = importList(db, LIST_B);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Filen erstatter den nuværende sagsliste, som nu har 45 sager\./);
    assert.match(r.stdout, /10 sager er faldet ud af den nuværende liste/);
    for (const n of DROPPED) assert.ok(r.stdout.includes(n), n);

    // `cases list` is the current list; --all adds the dropped ones, marked.
    const current = list(db);
    assert.deepEqual(current.map((c) => c.case_no).sort(), [...bNos].sort());
    assert.ok(current.every((c) => c.current === true));
    const all = list(db, ['--all']);
    assert.equal(all.length, 55);
    assert.deepEqual(all.filter((c) => !c.current).map((c) => c.case_no), DROPPED);
    const csv = cli(db, ['cases', 'list', '--department', 'TST', '--all']).stdout.trim().split('\n');
    assert.equal(csv[0], 'case_no,advisor,target,provision,benefit,opened,decided,team,first_seen,last_seen,current');
    assert.equal(csv.length, 56);
    assert.equal(csv.filter((l) => l.endsWith(',false')).length, 10);
    assert.equal(cli(db, ['cases', 'list', '--department', 'TST']).stdout.trim().split('\n').length, 46);
    assert.equal(sqlite(db, 'select count(*) from cases'), '55', 'nothing is deleted');

    // A draw asks for more than B has: every case of B, none of the dropped ones, and the
    // shortfall says both numbers on stdout.
    const id = createRound(db);
    const seed = seedFrom('replace then draw');
    r = cli(db, ['round', 'sample', id, '--size', '60', '--seed', seed]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Du bad om 60 sager, men kun 45 opfylder betingelserne\. Alle 45 er udtrukket\.\n/);
    assert.match(r.stdout, /Sager på den nuværende liste: 45\n/);
    assert.match(r.stdout, /Mulige sager: 45\n/);
    assert.doesNotMatch(r.stderr, /Du bad om/, 'on stdout, not stderr');
    const drawn = sampledNos(db, id);
    assert.equal(drawn.length, 45);
    assert.ok(drawn.every((n) => bNos.has(n)), 'every sampled case is on list B');

    // The keyed rule is unchanged; only the eligible set is B.
    const id2 = createRound(db, 'ekstern');
    r = cli(db, ['round', 'sample', id2, '--size', '12', '--seed', seed, '--exclude-reviewed-months', '0']);
    assert.equal(r.status, 0, r.stderr);
    const py = pythonSample(seed, [...bNos]);
    assert.deepEqual(sampledNos(db, id2), py.order.slice(0, 12).map((o) => o.case_no));
    assert.match(r.stdout, new RegExp(`Populationens fingeraftryk: ${py.digest}\\n`));
    assert.doesNotMatch(r.stdout, /Du bad om/);

    // The round records the version it drew from, and the CLI names it.
    const importId = sqlite(db, 'select max(id) from case_import');
    assert.equal(sqlite(db, `select case_import_id from round where id = ${id2}`), importId);
    const at = sqlite(db, `select at from case_import where id = ${importId}`);
    assert.match(r.stdout, new RegExp(`Sagsliste: sagslisten indlæst ${danish(at)} af [^,]+, 45 sager\\.\\n`));
    assert.equal(sqlite(db, `select mode || '|' || list_size || '|' || dropped from case_import where id = ${importId}`), 'replace|45|10');
  } finally { cleanup(); }
});

test('--add adds to the current list: both lists are drawn from', () => {
  const { db, cleanup } = setup();
  try {
    assert.equal(importList(db, LIST_A).status, 0);
    const r = importList(db, LIST_B, ['--add']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Filen er tilføjet til den nuværende sagsliste, som nu har 55 sager\./);
    assert.doesNotMatch(r.stdout, /falde|faldet/);
    assert.equal(list(db).length, 55);
    assert.ok(list(db, ['--all']).every((c) => c.current));
    const id = createRound(db, 'ekstern');
    const seed = seedFrom('add');
    const s = cli(db, ['round', 'sample', id, '--size', '55', '--seed', seed]);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /55 sager af 55 mulige/);
    assert.equal(pythonSample(seed, [...new Set([...aNos, ...bNos])]).digest, sqlite(db, `select population_digest from round where id = ${id}`));
    assert.equal(sqlite(db, 'select mode from case_import order by id desc limit 1'), 'add');
  } finally { cleanup(); }
});

test('a case without a target group takes the department\'s area, and the import says so', () => {
  const { db, cleanup } = setup('voksen');
  try {
    const file = join(work, 'uden-maalgruppe.csv');
    writeFileSync(file, 'Sagsnummer;Rådgiver;Målgruppe\nT-1;Anna;barn\nT-2;Bo;\nT-3;Carl;\nT-4;Dorte;\n');
    let r = importList(db, file, ['--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 sager uden målgruppe får afdelingens område: voksen\./);
    r = importList(db, file);
    assert.match(r.stdout, /3 sager uden målgruppe får afdelingens område: voksen\./);
    assert.deepEqual(list(db).map((c) => `${c.case_no}:${c.target}`), ['T-1:barn', 'T-2:voksen', 'T-3:voksen', 'T-4:voksen']);
    assert.equal(sqlite(db, 'select target_defaulted from case_import'), '3');
  } finally { cleanup(); }
});

test('text filters match part of the text in any case (ø finds Ø); an empty field is warned about', () => {
  const { db, cleanup } = setup();
  try {
    const file = join(work, 'teams.csv');
    writeFileSync(file, 'Sagsnummer;Rådgiver;Paragraf;Team\n' +
      'F-1;Henrik Østerby;SEL § 85;Team Nord\nF-2;Morten Løvstad;sel § 85;\nF-3;Anne Bækgaard;BL § 32;team nord\n' +
      'F-4;Bo Holm;;Team Syd\nF-5;Signe Økjær;SEL § 85;\nF-6;Louise Krag;SEL § 85 stk. 2;TEAM NORD-VEST\n');
    assert.equal(importList(db, file).status, 0);
    const seed = seedFrom('filters');
    const drawWith = (args) => {
      const id = createRound(db, 'ekstern');
      const r = cli(db, ['round', 'sample', id, '--size', '10', '--seed', seed, '--exclude-reviewed-months', '0', ...args]);
      return { r, nos: r.status === 0 ? sampledNos(db, id).sort() : [] };
    };
    let { r, nos } = drawWith(['--advisor', 'ø']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(nos, ['F-1', 'F-2', 'F-5'], 'Østerby, Løvstad and Økjær');
    assert.match(r.stdout, /Rådgiveren indeholder »ø«: -3\n/);
    ({ r, nos } = drawWith(['--advisor', 'ØSTERBY']));
    assert.deepEqual(nos, ['F-1']);
    ({ r, nos } = drawWith(['--provision', 'sel § 85']));
    assert.deepEqual(nos, ['F-1', 'F-2', 'F-5', 'F-6']);
    assert.match(r.stdout, /Paragraffen indeholder »sel § 85«: -2\n  advarsel: Filteret fjerner 1 sag, fordi feltet paragraf er tomt i den\./);
    ({ r, nos } = drawWith(['--team', 'nord']));
    assert.deepEqual(nos, ['F-1', 'F-3', 'F-6']);
    assert.match(r.stdout, /Teamet indeholder »nord«: -3\n  advarsel: Filteret fjerner 2 sager, fordi feltet team er tomt i dem\. De kan ikke komme med\.\n/);
    assert.equal(JSON.parse(sqlite(db, 'select filters from round order by id desc limit 1')).team, 'nord');
    // Nothing left: the breakdown says which step took them, and the draw is refused.
    ({ r } = drawWith(['--team', 'øst']));
    assert.equal(r.status, 2);
    assert.match(r.stdout, /Teamet indeholder »øst«: -6\n/);
    assert.match(r.stderr, /Ingen sager opfylder betingelserne/);
  } finally { cleanup(); }
});

// ---- the web ----

let server, karen, webDb;
after(async () => { await server?.stop(); webDb?.cleanup(); });
const PASSWORD = 'en lang og hemmelig adgangskode 2026';
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

async function upload(client, path, { csrf, name, data, mode }) {
  const fd = new FormData();
  fd.append('csrf', csrf);
  if (mode) fd.append('mode', mode);
  fd.append('file', new Blob([data], { type: 'text/csv' }), name);
  return client.request('POST', path, { body: fd });
}
async function importByWeb(name, data, mode) {
  const csrf = await karen.csrfFor('/d/TST/cases/import');
  const preview = await upload(karen, '/d/TST/cases/import', { csrf, name, data, mode });
  assert.equal(preview.status, 200, preview.text);
  const token = preview.text.match(/name="token" value="([0-9a-f]+)"/)[1];
  const res = await karen.post('/d/TST/cases/import/confirm', { csrf, token, action: 'confirm', mode: mode ?? 'replace' });
  assert.equal(res.status, 303, res.text);
  return { preview, res };
}

test('web: the case-list page names the current list and what dropped off; the preview offers replace or add', async () => {
  webDb = freshDb();
  const db = webDb.db;
  let r = cli(db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(db, ['user', 'add', 'karen', '--name', 'Karen Holm', '--role', 'leder', '--department', 'TST'], PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
  server = await startServer({ db });
  karen = new Client(server.url);
  assert.equal((await karen.login('karen', PASSWORD)).status, 303);

  await importByWeb('eksempel-sagsliste.csv', readFileSync(LIST_A));
  // The later export: the preview says what would drop off, and that it replaces the list.
  const { preview, res } = await importByWeb('eksempel-sagsliste-ny.csv', readFileSync(LIST_B));
  assert.match(preview.text, /<input type="radio" name="mode" value="replace" checked>/);
  assert.match(preview.text, /<input type="radio" name="mode" value="add">/);
  assert.match(text(preview.text), /Filen erstatter den nuværende liste: den nuværende liste får 45 sager\./);
  assert.match(text(preview.text), /10 sager falder ud af den nuværende liste\./);
  for (const n of DROPPED) assert.ok(preview.text.includes(n), n);
  assert.equal(res.location, '/d/TST/cases?imported=1&new=15&updated=30&dropped=10');

  const page = await karen.get('/d/TST/cases');
  assert.equal(page.status, 200);
  const at = sqlite(db, 'select at from case_import order by id desc limit 1');
  assert.match(text(page.text), new RegExp(`Den nuværende sagsliste Indlæst ${danish(at)} af Karen Holm fra filen eksempel-sagsliste-ny\\.csv : 45 sager\\. 10 sager faldt ud i forhold til den forrige liste\\.`));
  const details = page.text.match(/<details class="dropped">(.*?)<\/details>/s);
  assert.ok(details, 'the dropped cases are listed on request');
  assert.deepEqual([...details[1].matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]), DROPPED);
  assert.match(text(page.text), /45 sager i alt/);
  for (const n of DROPPED) assert.ok(!page.text.slice(page.text.indexOf('<h2>Sager</h2>')).includes(n), `${n} is not in the list`);

  // The advisor filter matches part of a name in any case; ?q= part of a case number.
  const search = await karen.get(`/d/TST/cases?advisor=${encodeURIComponent('østerby')}`);
  const østerby = B.filter((c) => c.advisor === 'Henrik Østerby').length;
  assert.ok(østerby > 0);
  assert.match(text(search.text), new RegExp(`${østerby} sager i alt`));
  const filtered = await karen.get(`/d/TST/cases?advisor=${encodeURIComponent('ØSTER')}`);
  assert.match(text(filtered.text), new RegExp(`${østerby} sager i alt`));
  assert.match(text((await karen.get(`/d/TST/cases?q=${encodeURIComponent('østerby')}`)).text), /Filteret fandt ingen sager\./);
  const byNo = await karen.get(`/d/TST/cases?q=${encodeURIComponent(B[0].case_no)}`);
  assert.match(text(byNo.text), /1 sager i alt/);

  // Added in parts: nothing drops off.
  const part = 'Sagsnummer;Rådgiver;Team\nDEL-1;Anne Bækgaard;\nDEL-2;Henrik Østerby;Team Nord\n';
  const added = await importByWeb('del-2.csv', part, 'add');
  assert.match(text(added.preview.text), /Filen tilføjes til den nuværende liste: den nuværende liste får 47 sager\./);
  assert.match(text(added.preview.text), /2 sager uden målgruppe får afdelingens område: barn\./);
  assert.equal(added.res.location, '/d/TST/cases?imported=1&new=2&updated=0&dropped=0');
  assert.match(text((await karen.get('/d/TST/cases')).text), /47 sager i alt/);
});

test('web: the round page shows the population before the draw, the shortfall, and the list version in the protocol', async () => {
  const db = server.db;
  // A first round samples 5 cases, so the exclusion window has something to leave out; before
  // it, the window leaves out nothing and says 0, not −0.
  const first = createRound(db, 'ekstern');
  assert.match(text((await karen.get(`/d/TST/rounds/${first}`)).text),
    /Sager på den nuværende liste 47 Gennemgået i afdelingen de sidste 12 måneder 0 Mulige sager 47/);
  let r = cli(db, ['round', 'sample', first, '--size', '5', '--seed', seedFrom('first'), '--provision', 'BL']);
  assert.equal(r.status, 0, r.stderr);
  const id = createRound(db);
  let page = await karen.get(`/d/TST/rounds/${id}`);
  assert.equal(page.status, 200);
  let t = text(page.text);
  assert.match(t, /Hvilke sager kan komme med Stikprøven trækkes fra den nuværende sagsliste: sagslisten indlæst .* af Karen Holm, 47 sager\./);
  assert.match(t, /Sager på den nuværende liste 47 Gennemgået i afdelingen de sidste 12 måneder −5 Mulige sager 42/);

  // The counts for the filters as typed (a POST that draws nothing), with the empty-field warning:
  // of the 47 cases only DEL-2 has a team.
  const csrf = await karen.csrfFor(`/d/TST/rounds/${id}`);
  page = await karen.post(`/d/TST/rounds/${id}/sample`, { csrf, action: 'population', method: 'size', count: '30', exclude: '12', team: 'nord' });
  assert.equal(page.status, 200);
  t = text(page.text);
  assert.match(t, /Sager på den nuværende liste 47 Gennemgået i afdelingen de sidste 12 måneder −5 Teamet indeholder »nord« −41 Mulige sager 1/);
  assert.match(t, /Teamet indeholder »nord«: Filteret fjerner 41 sager, fordi feltet team er tomt i dem\./);
  assert.match(page.text, /<input id="team" name="team" maxlength="100" value="nord">/, 'the form keeps the filter');
  assert.equal(sqlite(db, `select count(*) from round_case where round_id = ${id}`), '0', 'nothing drawn');
  // The same by GET, e.g. from a bookmark.
  t = text((await karen.get(`/d/TST/rounds/${id}?team=NORD&exclude=0`)).text);
  assert.match(t, /Sager på den nuværende liste 47 Teamet indeholder »NORD« −46 Mulige sager 1/);

  // A draw of 30 where 42 are eligible under a provision filter that leaves fewer: the
  // shortfall on the web, beside the recommendation warning.
  const provision = 'sel § 85';
  const eligible = B.filter((c) => c.provision.toLowerCase().includes(provision)).length;
  const res = await karen.post(`/d/TST/rounds/${id}/sample`, { csrf, action: 'draw', method: 'size', count: '30', exclude: '0', provision, seed: seedFrom('web') });
  assert.equal(res.status, 303, res.text);
  page = await karen.get(res.location);
  t = text(page.text);
  assert.ok(eligible > 0 && eligible < 30, `${eligible} cases of § 85`);
  assert.match(t, new RegExp(`Du bad om 30 sager, men kun ${eligible} opfylder betingelserne\\. Alle ${eligible} er udtrukket\\.`));
  assert.match(t, /Stikprøven er mindre end anbefalet/);
  const at = sqlite(db, 'select at from case_import order by id desc limit 1');
  assert.match(t, new RegExp(`Sagerne kom fra sagslisten indlæst ${danish(at)} af Karen Holm, 47 sager \\(filen del-2\\.csv\\)\\.`));
  assert.equal(sqlite(db, `select case_import_id = (select max(id) from case_import) from round where id = ${id}`), '1');
});

test('demo: every sampled round names the list version it was drawn from', async () => {
  const demo = await startServer();
  try {
    const leder = new Client(demo.url);
    assert.equal((await leder.login('leder.barn')).status, 303);
    const rounds = sqlite(demo.db, "select id || '|' || coalesce(case_import_id, '') from round where department_id = 1 and sampled_at is not null").split('\n');
    assert.ok(rounds.length >= 3);
    for (const row of rounds) {
      const [id, importId] = row.split('|');
      assert.ok(importId, `round ${id} records its list version`);
      const [at, size] = sqlite(demo.db, `select at || '|' || list_size from case_import where id = ${importId}`).split('|');
      const page = await leder.get(`/d/BHS/rounds/${id}`);
      assert.equal(page.status, 200);
      assert.match(text(page.text), new RegExp(`Sagerne kom fra sagslisten indlæst ${danish(at)} af Karen Holm, ${size} sager`), `round ${id}`);
    }
    // The 2025 rounds were drawn from the list of February 2025.
    assert.match(text((await leder.get('/d/BHS/rounds/4')).text), /sagslisten indlæst 24\. februar 2025 kl\. 09\.30 af Karen Holm, 138 sager/);
  } finally { await demo.stop(); }
});
