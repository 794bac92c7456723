// Question catalogues from outside: `catalogue list --format json` with the shipped catalogues;
// export to XLSX, import as a new draft and publish on the command line; a round keeps the
// catalogue version it was created with when a newer one is published; and the web pages:
// reading (everyone logged in), the draft editor and publishing (koordinator), refusals
// (403 for a rådgiver), download and upload of the spreadsheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, startServer, Client } from '../lib/server.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-catalogue-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

const listJson = (db) => {
  const r = cli(db, ['catalogue', 'list', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

// The questions of a catalogue version, in order, as comparable rows.
const questionRows = (db, id) => sqlite(db, `SELECT s.position, s.title, q.position, q.code, q.text, q.guidance, q.reference,
  q.category, q.scale, coalesce(q.choices, ''), coalesce(q.cond_question, ''), coalesce(q.cond_answers, '')
  FROM question q JOIN catalogue_section s ON s.id = q.section_id WHERE q.catalogue_id = ${Number(id)} ORDER BY q.position`);

test('catalogue list --format json has the shipped catalogues with code, title, kind, target and version', () => {
  const { db, cleanup } = freshDb();
  try {
    const list = listJson(db);
    const codes = list.map((c) => c.code);
    assert.ok(codes.includes('overordnet-barn') && codes.includes('overordnet-voksen'), codes.join(' '));
    const themes = list.filter((c) => c.kind === 'tema');
    assert.ok(themes.length >= 8, `${themes.length} tema catalogues`);
    for (const c of list) {
      assert.match(c.code, /^[a-z0-9-]+$/);
      assert.equal(typeof c.title, 'string');
      assert.ok(c.title.length > 0);
      assert.ok(['overordnet', 'tema'].includes(c.kind), c.kind);
      assert.ok(['barn', 'voksen', 'begge'].includes(c.target), c.target);
      assert.ok(Number.isInteger(c.version) && c.version >= 1);
    }
    const barn = list.find((c) => c.code === 'overordnet-barn');
    assert.equal(barn.kind, 'overordnet');
    assert.equal(barn.target, 'barn');
    // The numbers agree with the database.
    assert.equal(Number(sqlite(db, "SELECT count(DISTINCT code) FROM catalogue WHERE status = 'udgivet'")), list.length);
  } finally { cleanup(); }
});

test('export, import as a new draft and publish on the command line; the draft has the same questions', () => {
  const { db, cleanup } = freshDb();
  try {
    const file = join(work, 'voksen.xlsx');
    let r = cli(db, ['catalogue', 'export', 'overordnet-voksen', '-o', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK');
    const v1 = sqlite(db, "SELECT id FROM catalogue WHERE code = 'overordnet-voksen' AND version = 1");

    r = cli(db, ['catalogue', 'import', file]);
    assert.equal(r.status, 0, r.stderr);
    const [id, code, version] = r.stdout.trim().split(' ');
    assert.equal(code, 'overordnet-voksen');
    assert.equal(version, '2');
    assert.equal(sqlite(db, `SELECT status || ' ' || source FROM catalogue WHERE id = ${Number(id)}`), 'kladde lokal');
    assert.equal(questionRows(db, id), questionRows(db, v1));
    assert.ok(questionRows(db, id).split('\n').length >= 15);
    // A draft is not what rounds get: the list still shows version 1.
    assert.equal(listJson(db).find((c) => c.code === 'overordnet-voksen').version, 1);

    r = cli(db, ['catalogue', 'publish', 'overordnet-voksen']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /overordnet-voksen version 2 er udgivet/);
    assert.equal(listJson(db).find((c) => c.code === 'overordnet-voksen').version, 2);
    r = cli(db, ['catalogue', 'publish', 'overordnet-voksen']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ingen kladde/);
    // Both operations are in the audit log.
    assert.equal(sqlite(db, `SELECT count(*) FROM audit WHERE object = 'catalogue:${Number(id)}' AND action IN ('catalogue_import', 'catalogue_publish')`), '2');

    // --version picks an older one; a version that does not exist is refused.
    r = cli(db, ['catalogue', 'export', 'overordnet-voksen', '--version', '1', '-o', join(work, 'v1.xlsx')]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(db, ['catalogue', 'export', 'overordnet-voksen', '--version', '9', '-o', join(work, 'v9.xlsx')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ingen version 9/);
    assert.ok(!existsSync(join(work, 'v9.xlsx')));
    r = cli(db, ['catalogue', 'export', 'findes-ikke', '-o', join(work, 'x.xlsx')]);
    assert.equal(r.status, 2);
    r = cli(db, ['catalogue', 'export', 'overordnet-voksen']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /-o FIL/);
  } finally { cleanup(); }
});

// The first sheet of a workbook as rows of strings (A..J), read by the independent reader.
function sheetRows(path) {
  const { cells } = readSheet(path);
  const rows = [];
  for (const [ref, value] of Object.entries(cells)) {
    const [, col, row] = ref.match(/^([A-Z]+)(\d+)$/);
    const r = Number(row) - 1, c = col.charCodeAt(0) - 65;
    rows[r] ??= [];
    rows[r][c] = value;
  }
  return Array.from(rows, (r) => Array.from({ length: 10 }, (_, i) => (r && r[i]) || ''));
}

test('the exported sheet has the documented layout: fields, then the header in row 9, then one row per question', () => {
  const { db, cleanup } = freshDb();
  try {
    const file = join(work, 'layout.xlsx');
    assert.equal(cli(db, ['catalogue', 'export', 'afgoerelse-og-begrundelse', '-o', file]).status, 0);
    const sheet = readSheet(file);
    const c = sheet.cells;
    assert.deepEqual([c.A1, c.A2, c.A3, c.A4, c.A5, c.A6, c.A7], ['Kode', 'Titel', 'Art', 'Målgruppe', 'Beskrivelse', 'Version', 'Om arket']);
    assert.deepEqual([c.B1, c.B3, c.B4, c.B6], ['afgoerelse-og-begrundelse', 'tema', 'begge', '1']);
    assert.deepEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((x) => c[`${x}9`]),
      ['Afsnit', 'Kode', 'Spørgsmål', 'Vejledning', 'Henvisning', 'Kategori', 'Skala', 'Valgmuligheder', 'Betingelse (spørgsmål)', 'Betingelse (svar)']);
    const id = sqlite(db, "SELECT id FROM catalogue WHERE code = 'afgoerelse-og-begrundelse'");
    const questions = sqlite(db, `SELECT code, text, scale, coalesce(cond_question, '') FROM question WHERE catalogue_id = ${id} ORDER BY position`).split('\n').map((l) => l.split('|'));
    questions.forEach(([code, text, scale, cond], i) => {
      assert.equal(c[`B${10 + i}`], code);
      assert.equal(c[`C${10 + i}`], text);
      assert.equal(c[`G${10 + i}`], { jdn: 'ja/delvist/nej', jn: 'ja/nej', choice: 'valg', text: 'fritekst' }[scale]);
      assert.equal(c[`I${10 + i}`] ?? '', cond);
    });
    assert.equal(c[`B${10 + questions.length}`], undefined);
    assert.match(c.H10, /Fuld bevilling; Delvis bevilling; Afslag/);
    assert.ok(sheet.frozen, 'the header row stays in view');
    assert.ok(sheet.validations >= 4, 'drop-down lists for Art, Målgruppe, Kategori and Skala');
  } finally { cleanup(); }
});

test('a sheet edited elsewhere is imported as a draft with the change; a broken one is refused naming its cells', () => {
  const { db, cleanup } = freshDb();
  try {
    const file = join(work, 'frister.xlsx');
    assert.equal(cli(db, ['catalogue', 'export', 'frister', '-o', file]).status, 0);
    const rows = sheetRows(file);
    const v1 = sqlite(db, "SELECT id FROM catalogue WHERE code = 'frister' AND version = 1");
    // Reworded question in row 11, a new question at the end.
    rows[10][2] = 'Er fristen for afgørelsen overholdt?';
    rows.push(['', 'FR-NY-1', 'Er borgeren orienteret om sagens forløb?', 'Se breve.', 'RSL § 3', 'retssikkerhed', 'ja/nej', '', '', '']);
    const edited = join(work, 'frister-edited.xlsx');
    writeSheet(edited, rows);
    let r = cli(db, ['catalogue', 'import', edited]);
    assert.equal(r.status, 0, r.stderr);
    const id = r.stdout.trim().split(' ')[0];
    const code11 = rows[10][1];
    assert.equal(sqlite(db, `SELECT text FROM question WHERE catalogue_id = ${id} AND code = '${code11}'`), 'Er fristen for afgørelsen overholdt?');
    assert.equal(sqlite(db, `SELECT scale || ' ' || category FROM question WHERE catalogue_id = ${id} AND code = 'FR-NY-1'`), 'jn retssikkerhed');
    assert.equal(Number(sqlite(db, `SELECT count(*) FROM question WHERE catalogue_id = ${id}`)),
      Number(sqlite(db, `SELECT count(*) FROM question WHERE catalogue_id = ${v1}`)) + 1);

    // Broken: no question text in C14, an unknown category in F15, a CPR number in D16.
    const broken = rows.map((row) => [...row]);
    broken[13][2] = '';
    broken[14][5] = 'jura';
    broken[15][3] = 'Ring til 010203-1234';
    const bad = join(work, 'frister-broken.xlsx');
    writeSheet(bad, broken);
    const before = sqlite(db, 'SELECT count(*) FROM catalogue');
    r = cli(db, ['catalogue', 'import', bad]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /intet er gemt/);
    assert.match(r.stderr, /C14: spørgsmålsteksten mangler/);
    assert.match(r.stderr, /F15: kategorien "jura" findes ikke/);
    assert.match(r.stderr, /D16: teksten ligner et CPR-nummer/);
    assert.equal(sqlite(db, 'SELECT count(*) FROM catalogue'), before);
  } finally { cleanup(); }
});

test('catalogue import refuses a file that is not a workbook, or is missing, and stores nothing', () => {
  const { db, cleanup } = freshDb();
  try {
    const before = sqlite(db, 'SELECT count(*) FROM catalogue');
    const csv = join(work, 'not.xlsx');
    writeFileSync(csv, 'Kode;Titel\noverordnet-barn;X\n');
    let r = cli(db, ['catalogue', 'import', csv]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /intet er gemt/);
    assert.match(r.stderr, /xlsx/);
    r = cli(db, ['catalogue', 'import', join(work, 'missing.xlsx')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /kan ikke åbne/);
    r = cli(db, ['catalogue', 'import']);
    assert.equal(r.status, 2);
    assert.equal(sqlite(db, 'SELECT count(*) FROM catalogue'), before);
  } finally { cleanup(); }
});

test('round create --catalogue uses the newest published version, and a round keeps its version after a new one', () => {
  const { db, cleanup } = freshDb();
  try {
    let r = cli(db, ['department', 'add', 'TST', '--name', 'Testafdeling', '--area', 'barn']);
    assert.equal(r.status, 0, r.stderr);
    const v1 = sqlite(db, "SELECT id FROM catalogue WHERE code = 'overordnet-barn' AND version = 1");
    r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'overordnet', '--title', 'Forår', '--catalogue', 'overordnet-barn']);
    assert.equal(r.status, 0, r.stderr);
    const first = Number(r.stdout.trim());
    const catalogueOf = (round) => sqlite(db, `SELECT group_concat(catalogue_id) FROM round_catalogue WHERE round_id = ${round} AND position = 0`);
    assert.equal(catalogueOf(first), v1);

    // A new version: exported, imported, published.
    const file = join(work, 'barn.xlsx');
    assert.equal(cli(db, ['catalogue', 'export', 'overordnet-barn', '-o', file]).status, 0);
    r = cli(db, ['catalogue', 'import', file]);
    assert.equal(r.status, 0, r.stderr);
    const v2 = r.stdout.trim().split(' ')[0];
    // While it is a draft, a new round still gets version 1.
    r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'overordnet', '--title', 'Sommer', '--catalogue', 'overordnet-barn']);
    assert.equal(catalogueOf(Number(r.stdout.trim())), v1);
    assert.equal(cli(db, ['catalogue', 'publish', 'overordnet-barn']).status, 0);

    r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'overordnet', '--title', 'Efterår', '--catalogue', 'overordnet-barn']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(catalogueOf(Number(r.stdout.trim())), v2);
    // Without --catalogue an overordnet round gets the newest published catalogue for barn too.
    r = cli(db, ['round', 'create', '--department', 'TST', '--kind', 'overordnet', '--title', 'Vinter']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(catalogueOf(Number(r.stdout.trim())), v2);
    // The first round kept version 1, whose questions are unchanged and cannot be changed.
    assert.equal(catalogueOf(first), v1);
    assert.throws(() => sqlite(db, `UPDATE question SET text = 'x' WHERE catalogue_id = ${v1}`), /published catalogue cannot be changed/);
  } finally { cleanup(); }
});

// ---- the web ----

let server;
const clients = {};
before(async () => {
  server = await startServer();
  for (const login of ['koordinator.barn', 'anne', 'admin']) {
    clients[login] = new Client(server.url);
    const r = await clients[login].login(login);
    assert.equal(r.status, 303, `login ${login}`);
  }
}, { timeout: 30_000 });
after(async () => { await server?.stop(); });

const idOf = (code, version) => Number(sqlite(server.db, `SELECT id FROM catalogue WHERE code = '${code}' AND version = ${version}`));
const csrfOf = async (c) => c.csrfFor('/catalogues');

test('every logged-in user reads the catalogue list and a version; nobody else', async () => {
  const anon = new Client(server.url);
  const r0 = await anon.get('/catalogues');
  assert.equal(r0.status, 303);
  assert.match(r0.location, /^\/login\?next=/);

  for (const login of ['anne', 'koordinator.barn']) {
    const c = clients[login];
    const list = await c.get('/catalogues');
    assert.equal(list.status, 200);
    assert.match(list.text, /<h1>Spørgekataloger<\/h1>/);
    assert.match(list.text, /overordnet-barn/);
    assert.match(list.text, /<a href="\/catalogues"[^>]*>Spørgekataloger<\/a>/, 'in the navigation');
    const id = idOf('overordnet-barn', 1);
    const page = await c.get(`/catalogues/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Version 1 · udgivet/);
    assert.match(page.text, /Denne version er udgivet og kan ikke ændres/);
    assert.match(page.text, /OB-SCREEN-1/);
    assert.match(page.text, /en ændret betydning kræver en ny kode|giv det en ny kode/i);
    // The demo's planned BHS round uses it: its working group sees a link, others a count.
    if (login === 'koordinator.barn') assert.match(page.text, /href="\/d\/BHS\/rounds\/\d+"/);
    else assert.doesNotMatch(page.text, /href="\/d\/BHS\/rounds\//);
  }
  assert.equal((await clients.anne.get('/catalogues/999999')).status, 404);
  assert.equal((await clients.anne.get('/catalogues/abc')).status, 404);
});

test('a rådgiver sees no edit controls and is refused (403) every change', async () => {
  const anne = clients.anne;
  const pub = idOf('sagsoplysning', 1);
  const page = await anne.get(`/catalogues/${pub}`);
  assert.doesNotMatch(page.text, /Lav en ny kladde/);
  assert.doesNotMatch((await anne.get('/catalogues')).text, /Indlæs et katalog fra Excel/);
  const csrf = await csrfOf(anne);
  const before = sqlite(server.db, 'SELECT count(*) FROM catalogue');
  let r = await anne.post(`/catalogues/${pub}/draft`, { csrf });
  assert.equal(r.status, 403);
  assert.match(r.text, /Kun ledere, faglige koordinatorer og administratorer/);

  // A draft made by the koordinator: anne can read it but not change it.
  const k = clients['koordinator.barn'];
  r = await k.post(`/catalogues/${pub}/draft`, { csrf: await csrfOf(k) });
  assert.equal(r.status, 303);
  const draft = Number(r.location.match(/\/catalogues\/(\d+)/)[1]);
  assert.equal((await anne.get(`/catalogues/${draft}`)).status, 200);
  const attempts = [
    ['GET', `/catalogues/${draft}/questions/new`],
    ['GET', `/catalogues/${draft}/questions/SO-1`],
    ['POST', `/catalogues/${draft}/meta`, { csrf, title: 'Anne var her', kind: 'tema', target: 'begge' }],
    ['POST', `/catalogues/${draft}/questions`, { csrf, section: '1', code: 'ANNE-1', text: 'Hej?', category: 'socialfaglig', scale: 'jdn' }],
    ['POST', `/catalogues/${draft}/questions/SO-1/delete`, { csrf }],
    ['POST', `/catalogues/${draft}/sections/1`, { csrf, title: 'Anne' }],
    ['POST', `/catalogues/${draft}/publish`, { csrf }],
    ['POST', `/catalogues/${draft}/delete`, { csrf }],
  ];
  for (const [method, path, form] of attempts) {
    const res = method === 'GET' ? await anne.get(path) : await anne.post(path, form);
    assert.equal(res.status, 403, `${method} ${path}`);
  }
  const fd = new FormData();
  fd.append('csrf', csrf);
  fd.append('file', new Blob([Buffer.from('PK')]), 'x.xlsx');
  r = await anne.request('POST', '/catalogues/import', { body: fd });
  assert.equal(r.status, 403);
  assert.equal(sqlite(server.db, `SELECT status || ' ' || title FROM catalogue WHERE id = ${draft}`), 'kladde Tema: Sagens oplysning');
  assert.equal(Number(sqlite(server.db, 'SELECT count(*) FROM catalogue')), Number(before) + 1);
  const denied = Number(sqlite(server.db, "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id WHERE u.login = 'anne' AND a.action = 'access_denied' AND a.object LIKE '% /catalogues/%'"));
  assert.ok(denied >= attempts.length + 2, `${denied} refusals logged`);
});

test('koordinator.barn makes a draft, edits it, publishes it; the published version cannot change', async () => {
  const k = clients['koordinator.barn'];
  const csrf = await csrfOf(k);
  const pub = idOf('frister', 1);
  let r = await k.post(`/catalogues/${pub}/draft`, { csrf });
  assert.equal(r.status, 303);
  const draft = Number(r.location.match(/^\/catalogues\/(\d+)\?drafted=1$/)[1]);
  const page = await k.get(`/catalogues/${draft}`);
  assert.match(page.text, /Version 2 · kladde/);
  assert.match(page.text, /Udgiv version 2/);
  const codes = sqlite(server.db, `SELECT code FROM question WHERE catalogue_id = ${draft} ORDER BY position`).split('\n');
  const [first, second] = codes;

  // Title and description.
  r = await k.post(`/catalogues/${draft}/meta`, { csrf, title: 'Frister (lokal)', description: 'Vores udgave.', kind: 'tema', target: 'begge' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(server.db, `SELECT title || '|' || description FROM catalogue WHERE id = ${draft}`), 'Frister (lokal)|Vores udgave.');

  // A question edited: the form shows it, the change is stored.
  const form = await k.get(`/catalogues/${draft}/questions/${first}`);
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`value="${first}"`));
  const q = { csrf, section: '1', code: first, text: 'Er fristen overholdt og noteret?', guidance: 'Se datoerne.', reference: 'RSL § 3', category: 'retssikkerhed', scale: 'jdn' };
  r = await k.post(`/catalogues/${draft}/questions/${first}`, q);
  assert.equal(r.status, 303, r.text.match(/role="alert">([^<]*)/)?.[1]);
  assert.equal(sqlite(server.db, `SELECT text || '|' || guidance FROM question WHERE catalogue_id = ${draft} AND code = '${first}'`), 'Er fristen overholdt og noteret?|Se datoerne.');

  // Refused with a Danish message naming the question: a CPR number, a duplicate code, a
  // condition on a later question.
  // Each answers 303 back to the form, which shows the summary, the message at the field and
  // what was typed (a CPR number masked), once.
  r = await k.postInvalid(`/catalogues/${draft}/questions/${first}`, { ...q, text: 'Er 010203-1234 hørt?' });
  assert.match(r.posted.location, new RegExp(`^/catalogues/${draft}/questions/${first}\\?fejl=`));
  assert.match(r.text, new RegExp(`<li><a href="#q-text">[^<]*spørgsmål ${first}: spørgsmålsteksten indeholder noget, der ligner et CPR-nummer`));
  assert.match(r.text, /<p class="field-error" id="q-text-error">/);
  assert.match(r.text, /aria-invalid="true" aria-describedby="q-text-hint q-text-error" required rows="3" maxlength="1000">Er 010203-xxxx hørt\?<\/textarea>/, 'the form keeps what was typed');
  assert.ok(!r.text.includes('010203-1234'));
  assert.match(r.text, /Se datoerne\.<\/textarea>/);
  assert.match(r.text, /<option value="retssikkerhed" selected>/);
  assert.doesNotMatch((await k.get(r.posted.location)).text, /error-summary|xxxx/, 'the flash is single-use');
  r = await k.postInvalid(`/catalogues/${draft}/questions/${first}`, { ...q, code: second });
  assert.match(r.text, new RegExp(`<li><a href="#q-code">[^<]*spørgsmålskoden ${second} bruges to gange`));
  r = await k.postInvalid(`/catalogues/${draft}/questions/${first}`, { ...q, cond_question: second, cond_answers: 'ja' });
  assert.match(r.text, /<li><a href="#q-cond">[^<]*betingelsen skal pege på et tidligere spørgsmål/);
  // The title of the catalogue and of a section: back to the catalogue's page, the form open.
  r = await k.postInvalid(`/catalogues/${draft}/meta`, { csrf, form: 'meta', title: '', description: 'Nyt typed', kind: 'tema', target: 'begge' });
  assert.match(r.posted.location, new RegExp(`^/catalogues/${draft}\\?fejl=`));
  assert.match(r.text, /<li><a href="#m-title">/);
  assert.match(r.text, /<details class="edit" open>/);
  assert.match(r.text, />Nyt typed<\/textarea>/);
  r = await k.postInvalid(`/catalogues/${draft}/sections/1`, { csrf, title: ' ' });
  assert.match(r.text, /<li><a href="#sec-1">Skriv en titel på afsnittet\.<\/a><\/li>/);

  // A new question in a new section, with a condition on an earlier one.
  r = await k.post(`/catalogues/${draft}/questions`, { csrf, section: 'new', new_section: 'Lokale spørgsmål', code: 'FR-LOKAL-1',
    text: 'Er borgeren orienteret om forsinkelsen?', category: 'retssikkerhed', scale: 'jn', cond_question: first, cond_answers: 'Nej\nikke relevant' });
  assert.equal(r.status, 303, r.text.match(/role="alert">([^<]*)/)?.[1]);
  assert.equal(sqlite(server.db, `SELECT s.title || '|' || q.cond_question || '|' || q.cond_answers FROM question q JOIN catalogue_section s ON s.id = q.section_id WHERE q.catalogue_id = ${draft} AND q.code = 'FR-LOKAL-1'`),
    `Lokale spørgsmål|${first}|["nej","ikke_relevant"]`);
  // Rename that section; move and delete a question.
  const sections = Number(sqlite(server.db, `SELECT count(*) FROM catalogue_section WHERE catalogue_id = ${draft}`));
  r = await k.post(`/catalogues/${draft}/sections/${sections}`, { csrf, title: 'Egne spørgsmål' });
  assert.equal(r.status, 303);
  r = await k.post(`/catalogues/${draft}/questions/${second}/move`, { csrf, dir: 'up' });
  assert.equal(r.status, 303);
  assert.equal(sqlite(server.db, `SELECT code FROM question WHERE catalogue_id = ${draft} ORDER BY position LIMIT 1`), second);
  r = await k.postInvalid(`/catalogues/${draft}/questions/${first}/delete`, { csrf });
  assert.match(r.posted.location, new RegExp(`^/catalogues/${draft}\\?fejl=`), 'FR-LOKAL-1 depends on it');
  assert.match(r.text, new RegExp(`<li>Spørgsmål FR-LOKAL-1 stilles kun ud fra svaret på ${first}`));
  r = await k.post(`/catalogues/${draft}/questions/FR-LOKAL-1/delete`, { csrf });
  assert.equal(r.status, 303);
  assert.equal(sqlite(server.db, `SELECT count(*) FROM catalogue_section WHERE catalogue_id = ${draft} AND title = 'Egne spørgsmål'`), '0', 'an emptied section goes');

  // Publish: from now on the version cannot change.
  r = await k.post(`/catalogues/${draft}/publish`, { csrf });
  assert.equal(r.status, 303);
  assert.equal(r.location, `/catalogues/${draft}?published=1`);
  assert.equal(sqlite(server.db, `SELECT status || ' ' || version FROM catalogue WHERE id = ${draft}`), 'udgivet 2');
  const shown = await k.get(`/catalogues/${draft}`);
  assert.match(shown.text, /Denne version er udgivet og kan ikke ændres/);
  assert.doesNotMatch(shown.text, /Udgiv version/);
  // A version that cannot change is no error in a form: 409, as a closed round's.
  r = await k.post(`/catalogues/${draft}/questions/${second}`, { ...q, code: second });
  assert.equal(r.status, 409);
  assert.match(r.text, /Version 2 er udgivet og kan ikke ændres/);
  r = await k.post(`/catalogues/${draft}/delete`, { csrf });
  assert.equal(r.status, 409);
  assert.equal((await k.get(`/catalogues/${draft}/questions/new`)).status, 409);
  const audited = sqlite(server.db, `SELECT group_concat(DISTINCT action) FROM (SELECT action FROM audit WHERE object = 'catalogue:${draft}' ORDER BY id)`);
  for (const action of ['catalogue_draft', 'catalogue_edit', 'catalogue_publish']) assert.ok(audited.includes(action), audited);
});

test('download a version as xlsx and upload it again as a new draft; a broken sheet names its cells', async () => {
  const k = clients['koordinator.barn'];
  const pub = idOf('helhedsvurdering', 1);
  const dl = await fetch(`${server.url}/catalogues/${pub}/export`, { headers: { cookie: k.cookieHeader() } });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(dl.headers.get('content-disposition'), /attachment; filename="helhedsvurdering-v1\.xlsx"/);
  const bytes = Buffer.from(await dl.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  // Anne may download it too: it is no case data.
  assert.equal((await fetch(`${server.url}/catalogues/${pub}/export`, { headers: { cookie: clients.anne.cookieHeader() } })).status, 200);

  const upload = async (buffer, name) => {
    const fd = new FormData();
    fd.append('csrf', await csrfOf(k));
    fd.append('file', new Blob([buffer]), name);
    return k.request('POST', '/catalogues/import', { body: fd });
  };
  let r = await upload(bytes, 'helhedsvurdering-v1.xlsx');
  assert.equal(r.status, 303, r.text.match(/<li>([^<]*)/)?.[1]);
  const draft = Number(r.location.match(/^\/catalogues\/(\d+)\?imported=1$/)[1]);
  assert.equal(sqlite(server.db, `SELECT code || ' ' || version || ' ' || status FROM catalogue WHERE id = ${draft}`), 'helhedsvurdering 2 kladde');
  assert.equal(questionRows(server.db, draft), questionRows(server.db, pub));

  // A broken sheet: refused with every problem named by cell, nothing stored.
  const file = join(work, 'web.xlsx');
  writeFileSync(file, bytes);
  const rows = sheetRows(file);
  rows[9][1] = 'ikke en kode';
  rows[10][6] = 'måske';
  const broken = join(work, 'web-broken.xlsx');
  writeSheet(broken, rows);
  const before = sqlite(server.db, 'SELECT count(*) FROM catalogue');
  // A refused sheet answers 303 back to the list (a file is never kept), which names every problem.
  const refused = async (res) => {
    assert.equal(res.status, 303);
    assert.match(res.location, /^\/catalogues\?fejl=[0-9a-f]{64}$/);
    return k.get(res.location);
  };
  r = await refused(await upload(readFileSync(broken), 'web-broken.xlsx'));
  assert.match(r.text, /<li><a href="#file">Kataloget blev ikke indlæst/);
  assert.match(r.text, /<p class="field-error" id="file-error">/);
  assert.match(r.text, /<li>B10: koden &quot;ikke en kode&quot;/);
  assert.match(r.text, /<li>G11: skalaen &quot;måske&quot; findes ikke/);
  r = await refused(await upload(Buffer.from('Kode;Titel\n'), 'katalog.xlsx'));
  assert.match(r.text, /<li>[^<]*xlsx/);
  assert.equal(sqlite(server.db, 'SELECT count(*) FROM catalogue'), before);
  r = await refused(await upload(Buffer.alloc(0), 'tom.xlsx'));
  assert.match(r.text, /<li>Vælg et regneark/);
});
