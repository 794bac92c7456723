// Caseworker identity (issue 12, item 3) against the real CLI and server on the demo
// municipality: name variants linked to a user through aliases (`tilsyn user alias`), a
// duplicate link refused, a re-import that makes a sampled case's reviewer its caseworker
// clears the assignment (import output, audit entry) and every later write by that person
// is refused, and a second user with the same display name gets none of the first one's
// individual feedback (nor does either, while the name is ambiguous, until an alias says who).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, Client, sqlite, cli, DEMO_PASSWORD } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const userId = (login) => num(`select id from users where login = '${login}'`);
const dir = mkdtempSync(join(tmpdir(), 'tilsyn-ident-'));

function importList(rows) {
  const file = join(dir, `list-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, 'Sagsnummer;Rådgiver\n' + rows.map(([no, adv]) => `${no};${adv}`).join('\n') + '\n');
  return cli(server.db, ['cases', 'import', file, '--department', 'BHS', '--add']);
}

test('aliases: a link is normalised, listed, and the same name for a second user is refused', () => {
  let r = cli(server.db, ['user', 'alias', 'add', 'anne', 'Bækgaard, Anne', '--department', 'BHS']);
  assert.equal(r.status, 0, r.stderr);
  // Case, spacing and a no-break space do not make another name.
  r = cli(server.db, ['user', 'alias', 'add', 'morten', '  BÆKGAARD,\u00a0 anne ']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /allerede knyttet til en anden bruger, Anne Bækgaard \(anne\)/);
  assert.equal(num(`select count(*) from advisor_alias`), 1);
  r = cli(server.db, ['user', 'alias', 'list']);
  assert.match(r.stdout, /anne\tAnne Bækgaard\tBækgaard, Anne\tBHS/);
  assert.equal(num(`select count(*) from audit where action = 'advisor_alias_add'`), 1);
});

test('a name variant linked by alias is the caseworker: assignment to her own case refused', () => {
  const caseNo = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 1
    and rc.status = 'udtrukket' and c.advisor <> 'Anne Bækgaard' order by c.case_no limit 1`);
  let r = importList([[caseNo, 'Bækgaard, Anne']]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(server.db, ['round', 'assign', '1', '--case', caseNo, '--reviewer', 'anne']);
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /selv er rådgiver på sagen/);
  // An unknown caseworker in a list is named to the working group.
  r = importList([[caseNo, 'Bækgaard, Anne'], ['ID-9001', 'Ukendt Person']]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ikke knyttet til en bruger[^\n]*\n  Ukendt Person\n/);
  assert.doesNotMatch(r.stdout, /  Bækgaard, Anne\n/);
});

test('a re-import making the reviewer the caseworker clears the assignment, and her writes are refused', async () => {
  const row = q(`select c.id || '|' || c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 3
    and rc.status = 'udtrukket' and c.advisor <> 'Morten Løvstad' order by c.case_no limit 1`);
  const [caseId, caseNo] = row.split('|');
  let r = cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'morten']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(num(`select reviewer_id from round_case where round_id = 3 and case_id = ${caseId}`), userId('morten'));
  assert.equal(cli(server.db, ['user', 'alias', 'add', 'morten', 'MLØ']).status, 0);
  r = importList([[caseNo, 'mlø']]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`gør Morten Løvstad til rådgiver på sag ${caseNo}, så Morten Løvstad gennemgår den ikke længere`));
  assert.equal(q(`select coalesce(reviewer_id, 'ingen') from round_case where round_id = 3 and case_id = ${caseId}`), 'ingen');
  assert.match(q(`select reviewer_cleared from round_case where round_id = 3 and case_id = ${caseId}`), /Morten Løvstad/);
  assert.equal(num(`select count(*) from audit where action = 'review_assign_cleared' and object = 'case:${caseId}'`), 1);
  // Given back to him: refused.
  r = cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'morten']);
  assert.equal(r.status, 2);
  // Even with the assignment put back behind tilsyn's back, every write is refused.
  q(`update round_case set reviewer_id = ${userId('morten')} where round_id = 3 and case_id = ${caseId}`);
  const morten = new Client(server.url);
  assert.equal((await morten.login('morten')).status, 303);
  const page = await morten.get(`/d/BHS/rounds/3/cases/${caseId}`);
  assert.equal(page.status, 200);
  const qid = num(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    where rk.round_id = 3 and q.scale <> 'text' and q.cond_question is null order by q.id limit 1`);
  const before = num(`select count(*) from answer where round_id = 3 and case_id = ${caseId}`);
  const res = await morten.request('POST', `/d/BHS/rounds/3/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question: String(qid), value: 'ja', material: '', comment: '', revision: '0' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': Client.csrf(page.text) },
  });
  assert.ok(res.status >= 400 && res.status < 500, `refused, got ${res.status}`);
  assert.match(res.text, /rådgiver på denne sag/);
  assert.equal(num(`select count(*) from answer where round_id = 3 and case_id = ${caseId}`), before);
  // Refused: back to the case page by a 303 with the message.
  const fin = await morten.postInvalid(`/d/BHS/rounds/3/cases/${caseId}/finish`, { csrf: Client.csrf(page.text) });
  assert.match(fin.text, /rådgiver på denne sag/, 'færdig is refused for being his own case, not for missing answers');
  q(`update round_case set reviewer_id = null where round_id = 3 and case_id = ${caseId}`); /* undo the tampering */
});

test('a second user with the same display name gets none of the first one\'s feedback', async () => {
  // Henrik is a caseworker outside the working group, so he gets only his own feedback.
  const url = '/d/BHS/rounds/5/report/download?audience=raadgiver&format=html';
  const henrik = new Client(server.url);
  assert.equal((await henrik.login('henrik')).status, 303);
  const mine = await henrik.get(url);
  assert.equal(mine.status, 200);
  const own = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 5
      and c.advisor = 'Henrik Østerby' and rc.status = 'udtrukket'`).split('\n');
  assert.ok(own.length > 0 && own.every((no) => mine.text.includes(no)), 'his feedback names his cases');
  const r = cli(server.db, ['user', 'add', 'henrik2', '--name', 'Henrik  østerby', '--role', 'raadgiver', '--department', 'BHS'],
    DEMO_PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
  const henrik2 = new Client(server.url);
  assert.equal((await henrik2.login('henrik2')).status, 303);
  // Two users answer to the name: neither gets the feedback until an alias says who.
  assert.equal((await henrik2.get(url)).status, 404);
  assert.equal((await henrik.get(url)).status, 404);
  assert.ok((await henrik2.get('/d/BHS/rounds/5/results/mine')).text.includes('Ingen af dine sager'));
  assert.equal(cli(server.db, ['user', 'alias', 'add', 'henrik', 'Henrik Østerby']).status, 0);
  const again = await henrik.get(url);
  assert.equal(again.status, 200);
  assert.ok(own.every((no) => again.text.includes(no)));
  const other = await henrik2.get(url);
  assert.equal(other.status, 404);
  assert.ok(!own.some((no) => other.text.includes(no)));
  assert.ok((await henrik2.get('/d/BHS/rounds/5/results/mine')).text.includes('Ingen af dine sager'));
  assert.ok(!(await henrik2.get('/')).text.includes('rounds/5/report/download'));
  assert.ok((await henrik.get('/')).text.includes('rounds/5/report/download'));
});

test('web: the administrator links names on the user page; a duplicate is refused in Danish', async () => {
  const admin = new Client(server.url);
  assert.equal((await admin.login('admin')).status, 303);
  const louise = userId('louise');
  const page = await admin.get(`/admin/users/${louise}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2 id="aliaser">Navne i sagssystemet<\/h2>/);
  const csrf = Client.csrf(page.text);
  let res = await admin.post(`/admin/users/${louise}/alias`, { csrf, alias: 'Krag,\u00a0Louise', department: 'BHS' });
  assert.equal(res.status, 303);
  assert.equal(q(`select alias || '|' || alias_folded from advisor_alias where user_id = ${louise}`), 'Krag,\u00a0Louise|krag, louise');
  assert.match((await admin.get(`/admin/users/${louise}`)).text, /Krag,.Louise<\/td><td>Børn og unge med handicap/);
  // The same name for Morten, in another spelling: refused, the page says who has it.
  // It comes back by 303 to the user page: the summary, the message at the field, what was typed; once.
  res = await admin.postInvalid(`/admin/users/${userId('morten')}/alias`, { csrf, alias: 'KRAG, LOUISE', department: 'BHS' });
  assert.match(res.posted.location, new RegExp(`^/admin/users/${userId('morten')}\\?fejl=`));
  assert.match(res.text, /<li><a href="#alias">[^<]*allerede knyttet til en anden bruger, Louise Krag \(louise\)/);
  assert.match(res.text, /<p class="field-error" id="alias-error">/);
  assert.match(res.text, /<input id="alias" name="alias" required maxlength="200" aria-invalid="true" aria-describedby="alias-error" value="KRAG, LOUISE">/);
  assert.match(res.text, /<option value="BHS" selected>/);
  assert.doesNotMatch((await admin.get(res.posted.location)).text, /error-summary|KRAG, LOUISE/, 'the flash is single-use');
  res = await admin.postInvalid(`/admin/users/${userId('morten')}/alias/remove`, { csrf, alias: 'ikke hans', department: 'XYZ' });
  assert.match(res.text, /<li>Den valgte afdeling findes ikke\.<\/li>/);
  assert.equal(num(`select count(*) from advisor_alias where alias_folded = 'krag, louise'`), 1);
  res = await admin.post(`/admin/users/${louise}/alias/remove`, { csrf, alias: 'krag, louise', department: 'BHS' });
  assert.equal(res.status, 303);
  assert.equal(num(`select count(*) from advisor_alias where user_id = ${louise}`), 0);
  assert.equal(num(`select count(*) from audit where action = 'advisor_alias_remove' and object = 'user:${louise}'`), 1);
});

test('web: the case list names caseworkers linked to nobody, and only the leder links them', async () => {
  const leder = new Client(server.url), koord = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  const list = await koord.get('/d/BHS/cases');
  assert.equal(list.status, 200);
  const section = (html) => html.slice(html.indexOf('id="ukendte"'), html.indexOf('<form method="get" action="/d/BHS/cases"'));
  assert.match(list.text, /<h2 id="ukendte">Rådgivere uden bruger<\/h2>/);
  assert.match(section(list.text), /<td>Ukendt Person<\/td>/);
  assert.doesNotMatch(list.text, /action="\/d\/BHS\/cases\/link"/, 'the koordinator is offered no form');
  // Henrik Østerby's name was shared by two users (the test above); his alias settled it.
  assert.doesNotMatch(section(list.text), /Henrik/);
  const csrf = Client.csrf(list.text);
  const refused = await koord.post('/d/BHS/cases/link', { csrf, alias: 'Ukendt Person', user: String(userId('louise')) });
  assert.equal(refused.status, 403);
  const page = await leder.get('/d/BHS/cases');
  assert.match(page.text, /action="\/d\/BHS\/cases\/link"/);
  const lcsrf = Client.csrf(page.text);
  // Someone outside the department cannot be chosen.
  let res = await leder.postInvalid('/d/BHS/cases/link', { csrf: lcsrf, alias: 'Ukendt Person', user: String(userId('signe')) });
  assert.match(res.posted.location, /^\/d\/BHS\/cases\?fejl=/);
  assert.match(res.text, /<li>»Ukendt Person«: den valgte person er ikke aktiv medarbejder i afdelingen\.<\/li>/);
  assert.doesNotMatch((await leder.get(res.posted.location)).text, /error-summary/, 'the flash is single-use');
  res = await leder.post('/d/BHS/cases/link', { csrf: lcsrf, alias: 'Ukendt Person', user: String(userId('louise')) });
  assert.equal(res.status, 303);
  assert.equal(num(`select user_id from advisor_alias where alias_folded = 'ukendt person'
    and department_id = (select id from department where code = 'BHS')`), userId('louise'));
  const after = await leder.get('/d/BHS/cases?linked=1');
  assert.doesNotMatch(section(after.text), /Ukendt Person/);
  assert.match(section(after.text), /Alle rådgivere i den nuværende sagsliste er knyttet til en bruger/);
  // Linking it again to someone else is refused.
  res = await leder.postInvalid('/d/BHS/cases/link', { csrf: lcsrf, alias: 'ukendt  person', user: String(userId('morten')) });
  assert.match(res.text, /<div class="error-summary"[\s\S]*allerede knyttet til en anden bruger/);
});

test('web: the round page tells the working group which cases lost their reviewer', async () => {
  const koord = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  const page = await koord.get('/d/BHS/rounds/3');
  assert.equal(page.status, 200);
  assert.match(page.text, /<strong>Bemærk:<\/strong> Den nye sagsliste gør Morten Løvstad til rådgiver på sag [^,]+, så Morten Løvstad gennemgår den ikke længere/);
  // Given to someone else, the notice goes.
  const row = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 3 and rc.reviewer_cleared is not null`);
  assert.equal(cli(server.db, ['round', 'assign', '3', '--case', row, '--reviewer', 'louise']).status, 0);
  assert.doesNotMatch((await koord.get('/d/BHS/rounds/3')).text, /gennemgår den ikke længere/);
});

test('a dry run says which assignment a list would clear and changes nothing', () => {
  const row = q(`select c.id || '|' || c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 3
    and rc.status = 'udtrukket' and rc.reviewer_id is not null and c.advisor <> 'Louise Krag' order by c.case_no limit 1`);
  const [caseId, caseNo] = row.split('|');
  assert.equal(cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'louise']).status, 0);
  const cleared = () => num(`select count(*) from audit where action = 'review_assign_cleared' and object = 'case:${caseId}'`);
  const before = cleared();
  const file = join(dir, 'dry.csv');
  writeFileSync(file, `Sagsnummer;Rådgiver\n${caseNo};Louise\u00a0KRAG\n`);
  const r = cli(server.db, ['cases', 'import', file, '--department', 'BHS', '--add', '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Prøvekørsel, intet er ændret: tilsyn 3: Den nye sagsliste gør Louise Krag til rådgiver på sag ${caseNo}`));
  assert.equal(num(`select reviewer_id from round_case where round_id = 3 and case_id = ${caseId}`), userId('louise'));
  assert.equal(cleared(), before);
  assert.equal(q(`select advisor from cases where id = ${caseId}`) === 'Louise\u00a0KRAG', false);
});

test('linking a name later takes the case from a reviewer it makes the caseworker', () => {
  const row = q(`select c.id || '|' || c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 3
    and rc.status = 'udtrukket' and c.advisor = 'Henrik Østerby' order by c.case_no limit 1`);
  const [caseId, caseNo] = row.split('|');
  let r = importList([[caseNo, 'HØ-4711']]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /  HØ-4711\n/, 'listed as linked to nobody');
  assert.equal(cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'louise']).status, 0);
  r = cli(server.db, ['user', 'alias', 'add', 'louise', 'hø-4711', '--department', 'BHS']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(q(`select coalesce(reviewer_id, 'ingen') from round_case where round_id = 3 and case_id = ${caseId}`), 'ingen');
  assert.match(q(`select detail from audit where action = 'review_assign_cleared' and object = 'case:${caseId}' order by id desc limit 1`),
    new RegExp(`Navnet hø-4711 er nu knyttet til Louise Krag, som dermed er rådgiver på sag ${caseNo}`));
  assert.equal(cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'louise']).status, 2);
});

// The working group's raadgiver:NAME and `round results --advisor NAME` find the person by a
// login or a linked name and then her cases by the stable key, never by the display name: a
// namesake gets nothing, an ambiguous or unknown name is refused in Danish (exit 2, 404).
test('raadgiver:NAME and round results --advisor go by login or alias, never by display name', async () => {
  // By now henrik has the alias "Henrik Østerby" and henrik2 the same display name.
  const own = q(`select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = 5
      and c.advisor = 'Henrik Østerby' and rc.status = 'udtrukket'`).split('\n');
  const out = join(dir, 'rapport.html');
  const report = (who) => cli(server.db, ['report', '5', '--audience', `raadgiver:${who}`, '--format', 'html', '-o', out]);
  const results = (who) => cli(server.db, ['round', 'results', '5', '--format', 'json', '--advisor', who]);
  for (const who of ['Henrik Østerby', 'henrik', 'HENRIK  østerby']) {
    const r = report(who);
    assert.equal(r.status, 0, `${who}: ${r.stderr}`);
    const html = readFileSync(out, 'utf8');
    assert.ok(own.every((no) => html.includes(no)), `${who}: his cases`);
    assert.equal(results(who).status, 0, who);
  }
  // The namesake by his login: none of henrik's cases, said so.
  let r = report('henrik2');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Henrik {2}østerby \(henrik2\) har ingen sager/);
  assert.equal(results('henrik2').status, 2);
  // A name linked to the case system's id resolves as the import resolves it, variants too.
  assert.equal(cli(server.db, ['user', 'alias', 'add', 'henrik', 'Østerby, Henrik', '--department', 'BHS']).status, 0);
  assert.equal(report('østerby,\u00a0HENRIK').status, 0);
  // Without the alias the display name is two people: ambiguous, refused, nothing written.
  assert.equal(cli(server.db, ['user', 'alias', 'remove', 'henrik', 'Henrik Østerby']).status, 0);
  rmSync(out, { force: true });
  r = report('Henrik Østerby');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kan være flere personer/);
  assert.ok(!existsSync(out));
  r = results('Henrik Østerby');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kan være flere personer/);
  r = report('Ingen Sådan');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Ingen bruger hedder 'Ingen Sådan'/);
  // The web download for the working group: the same rule.
  const leder = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  const url = (who) => `/d/BHS/rounds/5/report/download?audience=${encodeURIComponent(`raadgiver:${who}`)}&format=html`;
  const amb = await leder.get(url('Henrik Østerby'));
  assert.equal(amb.status, 404);
  assert.match(amb.text, /kan være flere personer/);
  assert.ok(!own.some((no) => amb.text.includes(no)));
  assert.equal(cli(server.db, ['user', 'alias', 'add', 'henrik', 'Henrik Østerby']).status, 0);
  const ok = await leder.get(url('Henrik Østerby'));
  assert.equal(ok.status, 200);
  assert.ok(own.every((no) => ok.text.includes(no)));
  assert.equal((await leder.get(url('henrik2'))).status, 404);
});

// The web upload preview names the file's caseworkers linked to nobody, as `cases import`
// does, with the way to link them; the preview stores nothing.
test('web: the upload preview lists unknown caseworkers with a link to where they are linked', async () => {
  const rows = 'Sagsnummer;Rådgiver\nWEB-7001;Ny Kollega\nWEB-7002;Ny Kollega\nWEB-7003;Anne Bækgaard\nWEB-7004;Vikar 17\n';
  const cliOut = (() => {
    const file = join(dir, 'preview.csv');
    writeFileSync(file, rows);
    return cli(server.db, ['cases', 'import', file, '--department', 'BHS', '--add', '--dry-run']);
  })();
  assert.equal(cliOut.status, 0, cliOut.stderr);
  assert.match(cliOut.stdout, /  Ny Kollega\n  Vikar 17\n/);
  const before = num(`select count(*) from cases where case_no like 'WEB-70%'`);
  for (const [login, linkText] of [['leder.barn', /knytter du navnene/], ['koordinator.barn', /knytter afdelingens leder/]]) {
    const c = new Client(server.url);
    assert.equal((await c.login(login)).status, 303);
    const csrf = await c.csrfFor('/d/BHS/cases/import');
    const fd = new FormData();
    fd.append('csrf', csrf);
    fd.append('mode', 'add');
    fd.append('file', new Blob([rows], { type: 'text/csv' }), 'ny.csv');
    const res = await c.request('POST', '/d/BHS/cases/import', { body: fd });
    assert.equal(res.status, 200);
    const part = res.text.slice(res.text.indexOf('id="ukendte-i-filen"'), res.text.indexOf('/cases/import/confirm'));
    assert.match(part, /Rådgivere uden bruger \(2\)/);
    assert.match(part, /<li>Ny Kollega<\/li>\n<li>Vikar 17<\/li>/);
    assert.doesNotMatch(part, /Anne Bækgaard/);
    assert.match(part, /href="\/d\/BHS\/cases#ukendte"/);
    assert.match(part, linkText);
  }
  assert.equal(num(`select count(*) from cases where case_no like 'WEB-70%'`), before);
});

// Answers a reviewer gave before a re-import made the case her own: kept (the rows and their
// history stay), not counted in the open round's results until someone else answers anew, and
// the working group is told on the round page.
test('answers given before the case became the reviewer\'s own are kept but not counted, and flagged', async () => {
  const row = q(`select rc.case_id || '|' || c.case_no || '|' || u.login || '|' || u.name from round_case rc
    join cases c on c.id = rc.case_id join users u on u.id = rc.reviewer_id where rc.round_id = 3 and rc.status = 'udtrukket'
    and u.login = 'henrik' and c.advisor <> 'Henrik Østerby'
    and (select count(*) from answer a where a.round_id = 3 and a.case_id = rc.case_id and a.updated_by = u.id) > 5
    order by c.case_no limit 1`);
  const [caseId, caseNo, login, name] = row.split('|');
  const results = () => JSON.parse(cli(server.db, ['round', 'results', '3', '--format', 'json']).stdout).questions;
  const counted = (qs) => qs.reduce((s, x) => s + x.yes + x.partly + x.no + x.not_relevant, 0);
  const before = results();
  const rowsBefore = num(`select count(*) from answer where round_id = 3 and case_id = ${caseId}`);
  const historyBefore = num(`select count(*) from answer_history where round_id = 3 and case_id = ${caseId}`);
  const r = importList([[caseNo, name]]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`gør ${name} til rådgiver på sag ${caseNo}`));
  const after = results();
  assert.ok(counted(after) < counted(before), `fewer answers counted: ${counted(before)} -> ${counted(after)}`);
  // Kept: the answers and their history are all still there.
  assert.equal(num(`select count(*) from answer where round_id = 3 and case_id = ${caseId}`), rowsBefore);
  assert.equal(num(`select count(*) from answer_history where round_id = 3 and case_id = ${caseId}`), historyBefore);
  const koord = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  const page = await koord.get('/d/BHS/rounds/3');
  const given = num(`select count(*) from answer where round_id = 3 and case_id = ${caseId} and updated_by = (select id from users where login = '${login}') and value is not null`);
  assert.match(page.text, new RegExp(`Sag ${caseNo.replace(/\./g, '\\.')}: ${given} svar er givet af ${name}, som nu er rådgiver på sagen\\. Svarene er gemt i historikken, men tælles ikke med`));
  // Someone else re-reviews one question: that answer counts again.
  assert.equal(cli(server.db, ['round', 'assign', '3', '--case', caseNo, '--reviewer', 'louise']).status, 0);
  const qid = num(`select a.question_id from answer a join question qq on qq.id = a.question_id where a.round_id = 3
    and a.case_id = ${caseId} and qq.scale <> 'text' and qq.cond_question is null and a.value in ('ja', 'nej', 'delvist')
    order by a.question_id limit 1`);
  const louise = new Client(server.url);
  assert.equal((await louise.login('louise')).status, 303);
  const casePage = await louise.get(`/d/BHS/rounds/3/cases/${caseId}`);
  assert.equal(casePage.status, 200);
  const revision = num(`select revision from answer where round_id = 3 and case_id = ${caseId} and question_id = ${qid}`);
  const old = q(`select value from answer where round_id = 3 and case_id = ${caseId} and question_id = ${qid}`);
  const res = await louise.request('POST', `/d/BHS/rounds/3/cases/${caseId}/answer`, {
    body: new URLSearchParams({ question: String(qid), value: old === 'ja' ? 'nej' : 'ja', material: '', comment: '', revision: String(revision) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': Client.csrf(casePage.text) },
  });
  assert.ok(res.status < 400, `${res.status} ${res.text.slice(0, 300)}`);
  assert.equal(q(`select u.login from answer a join users u on u.id = a.updated_by where a.round_id = 3 and a.case_id = ${caseId} and a.question_id = ${qid}`), 'louise');
  assert.ok(counted(results()) > counted(after), 'the re-reviewed answer counts again');
});
