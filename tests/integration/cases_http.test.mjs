// Case lists and rounds over HTTP against the real server: the case list with counts per
// caseworker and its filters, who may see and post what (only leder and koordinator of the
// department), the upload -> preview -> confirm import with a real multipart body, CPR rows
// and garbage files refused without storing anything, upload tokens bound to their user and
// department, and creating a round, drawing its sample (checked with python's hashlib) and
// replacing a case through the forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, sqlite, root, danishDay } from '../lib/server.mjs';
import { pythonSample, seedFrom } from '../lib/blake2.mjs';

const EXAMPLE = join(root, 'tests', 'data', 'eksempel-sagsliste.csv');

let server, leder, koordinator, anne, voksen;
before(async () => {
  server = await startServer();
  [leder, koordinator, anne, voksen] = [0, 0, 0, 0].map(() => new Client(server.url));
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await koordinator.login('koordinator.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await voksen.login('leder.voksen')).status, 303);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const bhsCount = () => Number(q("select count(*) from cases where department_id = (select id from department where code = 'BHS')"));
const deptCount = (code) => Number(q(`select count(*) from cases where department_id = (select id from department where code = '${code}')`));

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ''));
// A refused upload or confirmation: 303 back to the upload form, whose page says why at the
// file (the error summary too), once.
async function backToForm(res, message, client = leder, dept = 'BHS') {
  assert.equal(res.status, 303, res.text?.slice(0, 300));
  assert.match(res.location, new RegExp(`^/d/${dept}/cases/import\\?fejl=[0-9a-f]{64}$`));
  const page = await client.get(res.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /<div class="error-summary"[^>]*>[\s\S]*<a href="#file">/);
  assert.match(text(page.text), message);
  assert.doesNotMatch((await client.get(res.location)).text, /error-summary/, 'the flash is single-use');
  return page;
}

// The rows of the first table after the heading `h2`, as arrays of cell texts.
function tableAfter(html, h2) {
  const i = html.search(new RegExp(`<h2[^>]*>${h2.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h2>`));
  assert.ok(i >= 0, `no heading ${h2}`);
  const table = html.slice(i, html.indexOf('</table>', i));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => text(c[1])));
}

// POSTs a multipart form with one file, as a browser does.
async function upload(client, path, { csrf, name = 'sagsliste.csv', data, type = 'text/csv' }) {
  const fd = new FormData();
  if (csrf !== undefined) fd.append('csrf', csrf);
  fd.append('file', new Blob([data], { type }), name);
  return client.request('POST', path, { body: fd });
}

const tokenOf = (html) => {
  const m = html.match(/name="token" value="([0-9a-f]+)"/);
  assert.ok(m, 'the preview carries an upload token');
  return m[1];
};

// ---- the case list ----

test('leder.barn sees the case list with counts per caseworker; the filters work; a bad date is 400', async () => {
  const res = await leder.get('/d/BHS/cases');
  assert.equal(res.status, 200);
  const total = bhsCount();
  assert.ok(total > 100);
  assert.match(res.text, new RegExp(`<caption>${total} sager i alt</caption>`));
  const perAdvisor = tableAfter(res.text, 'Sager pr. rådgiver');
  const expected = q("select advisor || '|' || count(*) from cases where department_id = 1 group by advisor order by advisor").split('\n');
  assert.deepEqual(perAdvisor.map(([a, n]) => `${a}|${n}`), expected);
  assert.ok(perAdvisor.some(([a]) => /[æøåÆØÅ]/.test(a)), 'Danish letters intact');
  // 100 a page, in the order of the caseload table; the pages together hold every case once.
  const pages = Math.ceil(total / 100);
  assert.match(text(res.text), new RegExp(`Viser sag 1–100 af ${total} \\(side 1 af ${pages}\\)`));
  assert.equal(tableAfter(res.text, 'Sager').length, 100);
  assert.match(res.text, /<a href="\/d\/BHS\/cases\?page=2">Næste ›<\/a>/);
  const rows = [];
  for (let p = 1; p <= pages; p++) {
    const page = await leder.get(`/d/BHS/cases?page=${p}`);
    const part = tableAfter(page.text, 'Sager');
    assert.equal(part.length, p < pages ? 100 : total - 100 * (pages - 1), `page ${p}`);
    assert.match(page.text, new RegExp(`<a href="/d/BHS/cases\\?page=${p}" aria-current="page">${p}</a>`));
    rows.push(...part);
  }
  assert.equal(rows.length, total);
  assert.equal(new Set(rows.map((r) => r[0])).size, total, 'no case on two pages');
  const order = q("select case_no from cases where department_id = 1 and on_list = 1 order by advisor, case_no").split('\n');
  assert.deepEqual(rows.map((r) => r[0]), order);
  // A page past the last shows the last.
  assert.equal(tableAfter((await leder.get(`/d/BHS/cases?page=${pages + 5}`)).text, 'Sager').length, total - 100 * (pages - 1));
  // Each row is a case of this department with its fields.
  const sample = q("select case_no || '|' || advisor || '|' || coalesce(provision, '') || '|' || coalesce(opened, '') from cases where department_id = 1 order by case_no limit 1");
  const [no, adv, prov, opened] = sample.split('|');
  const row = rows.find((r) => r[0] === no);
  assert.ok(row, no);
  // The date as people read it (noon UTC is the same day in Denmark).
  assert.deepEqual([row[1], row[3], row[5]], [adv, prov, opened ? danishDay(`${opened}T12:00:00Z`) : '']);
  assert.ok(!res.text.includes(q("select case_no from cases where department_id = 2 limit 1")), 'no VHS case');

  // ?advisor=
  const [firstAdvisor] = expected[0].split('|');
  let f = await leder.get(`/d/BHS/cases?advisor=${encodeURIComponent(firstAdvisor)}`);
  assert.equal(f.status, 200);
  let n = q(`select count(*) from cases where department_id = 1 and advisor = '${firstAdvisor}'`);
  assert.match(f.text, new RegExp(`<caption>${n} sager i alt</caption>`));
  assert.ok(tableAfter(f.text, 'Sager').every((r) => r[1] === firstAdvisor));
  assert.equal(tableAfter(f.text, 'Sager').length, Number(n));
  assert.match(f.text, new RegExp(`name="advisor" value="${firstAdvisor}"`), 'the filter is kept in the form');

  // ?target=, and dates
  for (const [query, where] of [
    ['target=barn', "target = 'barn'"],
    ['target=voksen', "target = 'voksen'"],
    ['opened_from=2023-01-01&opened_to=2023-12-31', "opened between '2023-01-01' and '2023-12-31'"],
    ['decided_from=2024-01-01', "decided >= '2024-01-01'"],
  ]) {
    f = await leder.get(`/d/BHS/cases?${query}`);
    assert.equal(f.status, 200, query);
    n = Number(q(`select count(*) from cases where department_id = 1 and ${where}`));
    if (n === 0) assert.match(f.text, /Ingen sager/, query);
    else {
      assert.match(f.text, new RegExp(`<caption>${n} sager i alt</caption>`), query);
      assert.equal(tableAfter(f.text, 'Sager').length, Math.min(n, 100), query);
    }
  }
  f = await leder.get('/d/BHS/cases?advisor=Ingen+S%C3%A5dan');
  assert.equal(f.status, 200);
  assert.match(f.text, /Filteret fandt ingen sager\./);
  assert.ok(!f.text.includes('<h2>Sager</h2>'));

  for (const bad of ['opened_from=2023-13-01', 'opened_to=01-02-2023', 'decided_from=i+g%C3%A5r', 'decided_to=2023-02-30']) {
    f = await leder.get(`/d/BHS/cases?${bad}`);
    assert.equal(f.status, 400, bad);
    assert.match(f.text, /En dato i filteret er ugyldig/, bad);
  }
  // The koordinator sees the same.
  assert.equal((await koordinator.get('/d/BHS/cases')).status, 200);
});

// ---- who may ----

test('a raadgiver (anne) gets 403 on the case list, import, rounds and every POST there; nothing changes', async () => {
  const csrf = await anne.csrfFor('/');
  assert.ok(csrf);
  assert.equal((await anne.get('/d/BHS')).status, 200, 'she is a member of the department');
  const before = q('select (select count(*) from cases) || (select count(*) from upload) || (select count(*) from round) || (select group_concat(case_id) from round_case where round_id = 1)');
  for (const path of ['/d/BHS/cases', '/d/BHS/cases/import', '/d/BHS/rounds', '/d/BHS/rounds/1', '/d/BHS/cases?advisor=x']) {
    const res = await anne.get(path);
    assert.equal(res.status, 403, path);
    assert.match(res.text, /Ingen adgang/, path);
    assert.ok(!res.text.includes('Anne Bækgaard</td>'), path);
  }
  let res = await upload(anne, '/d/BHS/cases/import', { csrf, data: readFileSync(EXAMPLE) });
  assert.equal(res.status, 403);
  res = await anne.post('/d/BHS/cases/import/confirm', { csrf, token: 'a'.repeat(64), action: 'confirm' });
  assert.equal(res.status, 403);
  res = await anne.post('/d/BHS/rounds', { csrf, title: 'Annes tilsyn', kind: 'overordnet' });
  assert.equal(res.status, 403);
  res = await anne.post('/d/BHS/rounds/1/sample', { csrf, method: 'size', count: '5', reason: 'x' });
  assert.equal(res.status, 403);
  res = await anne.post('/d/BHS/rounds/1/replace', { csrf, case: '1', reason: 'x' });
  assert.equal(res.status, 403);
  assert.equal(q('select (select count(*) from cases) || (select count(*) from upload) || (select count(*) from round) || (select group_concat(case_id) from round_case where round_id = 1)'), before);
});

test('leder.voksen gets 403 on BHS pages and posts; leder.barn gets 403 on VHS', async () => {
  const csrf = await voksen.csrfFor('/');
  assert.equal((await voksen.get('/d/VHS/cases')).status, 200);
  for (const path of ['/d/BHS/cases', '/d/BHS/cases/import', '/d/BHS/rounds', '/d/BHS/rounds/1']) {
    assert.equal((await voksen.get(path)).status, 403, path);
  }
  const rounds = q('select count(*) from round');
  assert.equal((await upload(voksen, '/d/BHS/cases/import', { csrf, data: readFileSync(EXAMPLE) })).status, 403);
  assert.equal((await voksen.post('/d/BHS/rounds', { csrf, title: 'X', kind: 'overordnet' })).status, 403);
  assert.equal(q('select count(*) from round'), rounds);
  assert.equal(q('select count(*) from upload'), '0');
  for (const path of ['/d/VHS/cases', '/d/VHS/rounds', '/d/VHS/rounds/2']) {
    assert.equal((await leder.get(path)).status, 403, path);
  }
});

test('an upload without the CSRF token is refused and nothing is kept', async () => {
  const res = await upload(leder, '/d/BHS/cases/import', { data: readFileSync(EXAMPLE) });
  assert.equal(res.status, 403);
  assert.equal(q('select count(*) from upload'), '0');
});

// ---- the import ----

test('upload of the example file: the preview shows what was detected; confirm stores the cases and redirects', async () => {
  const form = await leder.get('/d/BHS/cases/import');
  assert.equal(form.status, 200);
  assert.match(form.text, /enctype="multipart\/form-data"/);
  const csrf = Client.csrf(form.text);
  const before = bhsCount();

  const res = await upload(leder, '/d/BHS/cases/import', { csrf, name: 'eksempel-sagsliste.csv', data: readFileSync(EXAMPLE) });
  assert.equal(res.status, 200);
  assert.match(res.text, /<h1>Forhåndsvisning: eksempel-sagsliste\.csv<\/h1>/);
  assert.match(res.text, /<dt>Filtype<\/dt><dd>CSV<\/dd>/);
  assert.match(res.text, /<dt>Tegnsæt<\/dt><dd>Windows-1252<\/dd>/);
  assert.match(res.text, /<dt>Skilletegn<\/dt><dd>semikolon \(;\)<\/dd>/);
  assert.match(res.text, /<dt>Rækker<\/dt><dd>40<\/dd>/);
  assert.match(res.text, /Alle 40 rækker er gyldige: 40 nye og 0 opdaterede sager\. Intet er gemt endnu\./);
  // The column mapping: each field's select has the detected header selected.
  for (const [field, header] of [['case_no', 'Sagsnummer'], ['advisor', 'Rådgiver'], ['target', 'Målgruppe'],
    ['provision', 'Paragraf'], ['benefit', 'Ydelse'], ['opened', 'Oprettet'], ['decided', 'Seneste afgørelse']]) {
    const sel = res.text.match(new RegExp(`<select id="map-${field}" name="map_${field}">(.*?)</select>`, 's'));
    assert.ok(sel, field);
    assert.match(sel[1], new RegExp(`<option value="${header}" selected>${header}</option>`), field);
  }
  assert.match(res.text.match(/<select id="map-team" name="map_team">(.*?)<\/select>/s)[1], /<option value="" selected>\(ingen\)<\/option>/);
  // The first rows, converted.
  const rows = tableAfter(res.text, 'De første gyldige rækker');
  assert.ok(rows.length >= 5);
  assert.deepEqual(rows[0], ['27.12.00-G01-262-24', 'Anne Bækgaard', 'voksen', 'SEL § 97', 'Støtte; se notat', '2024-03-11', '2024-07-20', '']);
  assert.match(res.text, /<button type="submit" name="action" value="confirm">Indlæs sagslisten<\/button>/);
  // By default the file replaces the demo's list of 138 cases, and the preview says so.
  assert.match(res.text, /<input type="radio" name="mode" value="replace" checked>/);
  assert.match(text(res.text), /Filen erstatter den nuværende liste: den nuværende liste får 40 sager\./);
  assert.match(text(res.text), /138 sager falder ud af den nuværende liste\./);
  // A preview stores no cases.
  assert.equal(bhsCount(), before);
  assert.equal(q("select count(*) from upload where user_id = (select id from users where login = 'leder.barn')"), '1');

  const token = tokenOf(res.text);
  const confirm = await leder.post('/d/BHS/cases/import/confirm', { csrf: Client.csrf(res.text), token, action: 'confirm' });
  assert.equal(confirm.status, 303);
  assert.equal(confirm.location, '/d/BHS/cases?imported=1&new=40&updated=0&dropped=138');
  assert.equal(bhsCount(), before + 40, 'the dropped cases stay in the database');
  assert.equal(q('select count(*) from cases where department_id = 1 and on_list = 1'), '40');
  assert.equal(q("select advisor || '|' || target || '|' || provision || '|' || benefit || '|' || opened || '|' || decided from cases where case_no = '27.12.00-G01-262-24' and department_id = 1"),
    'Anne Bækgaard|voksen|SEL § 97|Støtte; se notat|2024-03-11|2024-07-20');
  assert.equal(q("select advisor from cases where case_no = '27.30.00-G01-742-24'"), 'Signe Åkjær');
  assert.equal(q("select count(*) from cases where case_no = '27.12.00-G01-262-24'"), '1', 'only in BHS');
  assert.equal(q('select count(*) from upload'), '0', 'the uploaded file is removed once stored');
  assert.equal(q("select login || '|' || file_name || '|' || encoding || '|' || rows_inserted from case_import order by id desc limit 1"),
    'leder.barn|eksempel-sagsliste.csv|Windows-1252|40');
  assert.match(q("select login || ' ' || detail from audit where action = 'cases_import' order by id desc limit 1"), /^leder\.barn erstatter listen; 40 rækker: 40 nye/);

  const list = await leder.get(confirm.location);
  assert.equal(list.status, 200);
  assert.match(list.text, /<div class="msg ok" role="status">Sagslisten er indlæst: 40 nye og 0 opdaterede sager; 138 faldt ud af listen\.<\/div>/);
  // The token is spent.
  const again = await leder.post('/d/BHS/cases/import/confirm', { csrf: Client.csrf(res.text), token, action: 'confirm' });
  await backToForm(again, /udløbet \(efter en time\) eller findes ikke/);
  assert.equal(bhsCount(), before + 40);
});

test('a column chosen on the preview page (map_advisor) is used for the preview and the import', async () => {
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  const data = 'Sagsnummer;Ansvarlig medarbejder;Paragraf\nHTTP-MAP-1;Karen Ølgaard;BL § 32\nHTTP-MAP-2;Lars Æbeløe;BL § 52\n';
  let res = await upload(leder, '/d/BHS/cases/import', { csrf, data });
  assert.equal(res.status, 400);
  assert.match(text(res.text), /der er ingen kolonne med rådgiver/);
  assert.ok(!/value="confirm"/.test(res.text), 'nothing to confirm yet');
  const token = tokenOf(res.text);
  res = await leder.post('/d/BHS/cases/import/confirm', { csrf, token, action: 'preview', map_advisor: 'Ansvarlig medarbejder' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Alle 2 rækker er gyldige/);
  assert.match(res.text, /<option value="Ansvarlig medarbejder" selected>/);
  assert.equal(q("select count(*) from cases where case_no like 'HTTP-MAP-%'"), '0');
  res = await leder.post('/d/BHS/cases/import/confirm', { csrf, token, action: 'confirm', map_advisor: 'Ansvarlig medarbejder', mode: 'add' });
  assert.equal(res.status, 303);
  assert.equal(q("select group_concat(advisor, ',') from (select advisor from cases where case_no like 'HTTP-MAP-%' order by case_no)"), 'Karen Ølgaard,Lars Æbeløe');
});

test('an upload with a CPR number: the preview lists the problem, offers no confirmation and keeps nothing of the file', async () => {
  const cpr = '010190-1234';
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  const data = `Sagsnummer;Rådgiver;Bemærkning\nHTTP-CPR-1;Anna;\nHTTP-CPR-2;Bo;borgerens cpr ${cpr}\nHTTP-CPR-3;Carl;\n`;
  const before = bhsCount();
  const res = await upload(leder, '/d/BHS/cases/import', { csrf, data });
  assert.equal(res.status, 400);
  assert.match(res.text, /1 af 3 rækker har fejl/);
  assert.match(res.text, /ikke\s+gemt, heller ikke midlertidigt/);
  const problems = tableAfter(res.text, 'Fejl (1)');
  assert.deepEqual(problems, [['3', 'Bemærkning', 'Feltet ligner et CPR-nummer. CPR-numre må ikke indlæses; fjern dem fra filen.']]);
  assert.ok(!res.text.includes(cpr) && !res.text.includes('010190'), 'the CPR number is not shown');
  assert.doesNotMatch(res.text, /name="token"|name="skip_invalid"/, 'nothing to confirm');
  assert.equal(q('select count(*) from upload'), '0');
  assert.equal(bhsCount(), before);
  assert.equal(q("select count(*) from cases where case_no like 'HTTP-CPR-%'"), '0');
  const dump = q("select group_concat(coalesce(detail, ''), ' ') from audit") + q("select group_concat(case_no || advisor || coalesce(benefit, ''), ' ') from cases");
  assert.ok(!dump.includes(cpr));
});

test('garbage, binary, empty and fake-xlsx uploads get a clear Danish message (303 to the form), never a 500, and store nothing', async () => {
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  const before = q('select count(*) from cases') + '|' + q('select count(*) from case_import');
  const binary = Buffer.alloc(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + 13) % 256;
  const cases = [
    ['binary.csv', binary, /NUL-tegn.*ikke en almindelig tekstfil/],
    ['image.png', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), binary]), /ingen kolonne med sagsnummer/],
    ['fake.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), binary]), /ikke en gyldig Excel-fil/],
    ['utf16.csv', Buffer.from('\ufeffSagsnummer;Rådgiver\nA;B\n', 'utf16le'), /UTF-16/],
    ['headers-only.csv', Buffer.from('Sagsnummer;Rådgiver\n')],
  ];
  for (const [name, data, expected] of cases) {
    let res = await upload(leder, '/d/BHS/cases/import', { csrf, name, data, type: 'application/octet-stream' });
    assert.ok(res.status < 500, `${name}: ${res.status}`);
    if (name === 'headers-only.csv') {
      // Valid but empty: nothing to store, and nothing offered to store.
      assert.ok(!/value="confirm"/.test(res.text), name);
      continue;
    }
    // A file that cannot be read goes back to the form; one read without a usable column is a preview.
    let msg;
    if (res.status === 303) {
      res = await backToForm(res, expected);
      msg = res.text.match(/<p class="field-error" id="file-error"><span class="sr">Fejl: <\/span>(.*?)<\/p>/s);
    } else {
      assert.equal(res.status, 400, name);
      msg = res.text.match(/<div class="msg error" role="alert">(.*?)<\/div>/s);
    }
    assert.ok(msg, `${name}: an error message`);
    assert.ok(text(msg[1]).length > 20, `${name}: ${msg[1]}`);
    assert.match(text(msg[1]), expected, name);
    assert.ok(!/value="confirm"/.test(res.text), `${name}: nothing to confirm`);
  }
  let res = await upload(leder, '/d/BHS/cases/import', { csrf, name: 'empty.csv', data: Buffer.alloc(0) });
  await backToForm(res, /Filen er tom \(0 byte\)/);
  assert.equal(q('select count(*) from cases') + '|' + q('select count(*) from case_import'), before);
  res = await leder.get('/healthz');
  assert.equal(res.status, 200);
});

test('an upload token works only for its own user and department, and only for an hour', async () => {
  const csrf = await leder.csrfFor('/d/BHS/cases/import');
  const data = 'Sagsnummer;Rådgiver\nHTTP-TOK-1;Anna\n';
  const res = await upload(leder, '/d/BHS/cases/import', { csrf, data });
  assert.equal(res.status, 200);
  const token = tokenOf(res.text);

  // Another user of the same department.
  const kcsrf = await koordinator.csrfFor('/d/BHS/cases/import');
  let r = await koordinator.post('/d/BHS/cases/import/confirm', { csrf: kcsrf, token, action: 'confirm' });
  await backToForm(r, /udløbet \(efter en time\) eller findes ikke/, koordinator);
  // Another department's leader, through her own department's address.
  const vcsrf = await voksen.csrfFor('/d/VHS/cases/import');
  const vhs = deptCount('VHS');
  r = await voksen.post('/d/VHS/cases/import/confirm', { csrf: vcsrf, token, action: 'confirm' });
  await backToForm(r, /udløbet/, voksen, 'VHS');
  assert.equal(deptCount('VHS'), vhs);
  assert.equal(q("select count(*) from cases where case_no = 'HTTP-TOK-1'"), '0');
  // A made-up token.
  r = await leder.post('/d/BHS/cases/import/confirm', { csrf, token: 'f'.repeat(64), action: 'confirm' });
  await backToForm(r, /udløbet/);

  // Older than an hour: refused, even for its owner.
  q(`update upload set created = created - 3700 where token = '${token}'`);
  r = await leder.post('/d/BHS/cases/import/confirm', { csrf, token, action: 'confirm' });
  // Not followed here: opening the import form removes the expired upload, as it should.
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/d\/BHS\/cases\/import\?fejl=/);
  assert.equal(q("select count(*) from cases where case_no = 'HTTP-TOK-1'"), '0');
  // Fresh again: the owner can confirm, which shows the token itself was good.
  q(`update upload set created = created + 3700 where token = '${token}'`);
  r = await leder.post('/d/BHS/cases/import/confirm', { csrf, token, action: 'confirm', mode: 'add' });
  assert.equal(r.status, 303);
  assert.equal(q("select department_id from cases where case_no = 'HTTP-TOK-1'"), '1');
});

// ---- rounds ----

test('create a round, draw a 30-case sample and replace a case through the forms', async () => {
  const list = await leder.get('/d/BHS/rounds');
  assert.equal(list.status, 200);
  const csrf = Client.csrf(list.text);
  // Refused: 303 back to the list, the error summary on top and what was typed kept, once.
  let res = await leder.postInvalid('/d/BHS/rounds', { csrf, title: '', kind: 'uddybende', start: '2026-09-01' });
  assert.equal(res.status, 200);
  assert.match(res.posted.location, /^\/d\/BHS\/rounds\?fejl=/);
  assert.match(res.text, /<div class="error-summary"[^>]*>\n<h2 id="error-summary-title">Der er et problem<\/h2>\n<ul>\n<li>Titel mangler/);
  assert.match(res.text, /<option value="uddybende" selected>/);
  assert.match(res.text, /<input id="start" name="start" type="date" value="2026-09-01">/);
  assert.doesNotMatch((await leder.get(res.posted.location)).text, /error-summary|value="2026-09-01"/);
  res = await leder.post('/d/BHS/rounds', { csrf, title: 'Efterår 2026', kind: 'overordnet', start: '2026-09-01', end: '2026-11-30' });
  assert.equal(res.status, 303);
  const m = res.location.match(/^\/d\/BHS\/rounds\/(\d+)$/);
  assert.ok(m, res.location);
  const id = m[1];
  assert.equal(q(`select department_id || '|' || kind || '|' || title || '|' || created_by || '|' || planned_start from round where id = ${id}`),
    '1|overordnet|Efterår 2026|leder.barn|2026-09-01');
  assert.match((await leder.get('/d/BHS/rounds')).text, new RegExp(`<a href="/d/BHS/rounds/${id}">Efterår 2026</a>`));
  let page = await leder.get(`/d/BHS/rounds/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<button type="submit" name="action" value="draw">Træk stikprøven<\/button>/);

  // A bad seed is refused with a message, and nothing is drawn.
  res = await leder.postInvalid(`/d/BHS/rounds/${id}/sample`, { csrf, method: 'size', count: '30', exclude: '0', seed: 'abc' });
  assert.equal(res.status, 200);
  assert.match(res.text, /64 hexadecimale tegn/);
  assert.equal(q(`select count(*) from round_case where round_id = ${id}`), '0');

  const seed = seedFrom('http sample');
  res = await leder.post(`/d/BHS/rounds/${id}/sample`, { csrf, method: 'size', count: '30', exclude: '0', seed });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/d/BHS/rounds/${id}?sampled=1`);
  // The department's current list is the population (nothing excluded with 0 months); the
  // cases that dropped off when the example replaced the demo's list are not.
  const population = q('select case_no from cases where department_id = 1 and on_list = 1').split('\n');
  const py = pythonSample(seed, population);
  const drawn = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n');
  assert.deepEqual(drawn, py.order.slice(0, 30).map((o) => o.case_no));
  assert.equal(q(`select seed || '|' || population_size || '|' || population_digest from round where id = ${id}`), `${seed}|${population.length}|${py.digest}`);

  page = await leder.get(res.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /Stikprøven er trukket\./);
  assert.ok(page.text.includes(seed), 'the protocol shows the seed');
  assert.ok(page.text.includes(py.digest), 'and the population fingerprint');
  assert.ok(!/mindre end anbefalet/.test(page.text), 'no warning at 30');
  assert.ok(!/Du bad om/.test(page.text), 'no shortfall');
  const dist = tableAfter(page.text, 'Fordeling pr. rådgiver');
  const expectedDist = q(`select c.advisor || '|' || count(*) || '|' || (select count(*) from cases x where x.department_id = 1 and x.advisor = c.advisor and x.on_list = 1) from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} group by c.advisor order by c.advisor`).split('\n');
  assert.deepEqual(dist.map((r) => r.join('|')), expectedDist);
  assert.equal(dist.reduce((s, r) => s + Number(r[1]), 0), 30);
  assert.deepEqual(tableAfter(page.text, 'Udtrukne sager').map((r) => r[0]), drawn);

  // Replace the first case: it is marked, and the 31st key comes in.
  const out = py.order[0].case_no;
  const caseId = q(`select id from cases where department_id = 1 and case_no = '${out}'`);
  res = await leder.postInvalid(`/d/BHS/rounds/${id}/replace`, { csrf, case: caseId, reason: '' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Skriv en begrundelse/);
  res = await leder.post(`/d/BHS/rounds/${id}/replace`, { csrf, case: caseId, reason: 'ikke relevant' });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/d/BHS/rounds/${id}?replaced=1`);
  assert.equal(q(`select status || '|' || replaced_reason from round_case where round_id = ${id} and case_id = ${caseId}`), 'erstattet|ikke relevant');
  const now = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n');
  assert.deepEqual(now, py.order.slice(1, 31).map((o) => o.case_no));
  assert.match(q(`select login || ' ' || detail from audit where action = 'sample_replace' and object = 'round:${id}'`), /^leder\.barn .*ikke relevant/);
  page = await leder.get(res.location);
  assert.match(text(page.text), /erstattet: ikke relevant/);

  // A redraw needs a reason; with one it is done and audited.
  res = await leder.postInvalid(`/d/BHS/rounds/${id}/sample`, { csrf, method: 'size', count: '10', exclude: '0' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Skriv en begrundelse for at trække stikprøven om/);
  assert.deepEqual(q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${id} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n'), now);
  res = await leder.post(`/d/BHS/rounds/${id}/sample`, { csrf, method: 'size', count: '10', exclude: '0', seed, reason: 'mindre stikprøve' });
  assert.equal(res.status, 303);
  assert.equal(q(`select count(*) from round_case where round_id = ${id}`), '10');
  assert.match(q(`select detail from audit where action = 'sample_redraw' and object = 'round:${id}'`), /mindre stikprøve/);
  page = await leder.get(`/d/BHS/rounds/${id}`);
  assert.match(page.text, /mindre end anbefalet: et overordnet ledelsestilsyn bør omfatte mindst 30 sager/);
});

test("another department's round is 404 under /d/BHS, and cannot be sampled or changed there", async () => {
  const csrf = await leder.csrfFor('/d/BHS/rounds');
  assert.equal(q('select department_id from round where id = 2'), '2', 'round 2 belongs to VHS');
  const before = q("select seed || (select group_concat(case_id || status) from round_case where round_id = 2) from round where id = 2");
  for (const path of ['/d/BHS/rounds/2', '/d/BHS/rounds/99999', '/d/BHS/rounds/abc', '/d/BHS/rounds/-1']) {
    const res = await leder.get(path);
    assert.equal(res.status, 404, path);
    assert.match(res.text, /Tilsynet findes ikke i denne afdeling|findes ikke/, path);
  }
  let res = await leder.post('/d/BHS/rounds/2/sample', { csrf, method: 'size', count: '5', exclude: '0', reason: 'x' });
  assert.equal(res.status, 404);
  const vcase = q('select case_id from round_case where round_id = 2 limit 1');
  res = await leder.post('/d/BHS/rounds/2/replace', { csrf, case: vcase, reason: 'x' });
  assert.equal(res.status, 404);
  assert.equal(q("select seed || (select group_concat(case_id || status) from round_case where round_id = 2) from round where id = 2"), before);
  // Replacing a case that is not in this round's sample (another department's case) is refused.
  res = await leder.postInvalid('/d/BHS/rounds/1/replace', { csrf, case: vcase, reason: 'x' });
  assert.equal(res.status, 200);
  assert.match(res.text, /ikke i tilsynets stikprøve/);
});
