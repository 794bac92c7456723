// Meetings over HTTP and the CLI, on the demo municipality: a caseworker cannot plan a meeting
// (403, audited, nothing stored); a case number of the department's case list in the minutes
// or participants of a meeting for the whole staff is refused, naming the field (303 back to the form),
// and nothing is stored (web and CLI), while the same number inside a longer token passes and
// management's minutes may name it; a CPR number is refused in every kind of meeting; a
// caseworker sees the staff's meetings and their own individual feedback and nothing else
// (403, audited); errors come back by a 303 to the form (post/redirect/get); a round's individual feedback is tracked per caseworker, planned with the
// prefilled form and marked held with minutes; planned feedback shows on the front page of
// the person giving it and the person receiving it, a round in the feedback phase with
// caseworkers left on the working group's, and the coming two weeks' meetings on everyone's
// as far as they may see them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, koord, leder, anne, morten;
const UDDYBENDE = 3; // the demo's uddybende round under review in BHS

before(async () => {
  server = await startServer();
  [koord, leder, anne, morten] = [0, 0, 0, 0].map(() => new Client(server.url));
  for (const [c, login] of [[koord, 'koordinator.barn'], [leder, 'leder.barn'], [anne, 'anne'], [morten, 'morten']])
    assert.equal((await c.login(login)).status, 303, login);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const meetings = () => num('select count(*) from meeting');
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ''));
const caseNo = () => q("select case_no from cases c join department d on d.id = c.department_id where d.code = 'BHS' order by c.id limit 1");

async function post(client, path, fields) {
  const csrf = await client.csrfFor('/d/BHS/meetings');
  return client.post(path, { csrf, ...fields });
}

// A post with an error: 303 back to the form, which shows the summary and the field's message.
async function postInvalid(client, path, fields) {
  const csrf = await client.csrfFor('/d/BHS/meetings');
  const page = await client.postInvalid(path, { csrf, ...fields });
  assert.equal(page.status, 200);
  assert.match(page.text, /<div class="error-summary" role="alert"/);
  return page;
}

test('a caseworker may not plan a meeting: 403, audited, nothing stored', async () => {
  const before = meetings();
  const denied = num("select count(*) from audit where action = 'access_denied' and login = 'anne'");
  const r = await post(anne, '/d/BHS/meetings', { kind: 'personale', date: '2026-12-10', status: 'planlagt' });
  assert.equal(r.status, 403);
  assert.equal(meetings(), before);
  assert.equal(num("select count(*) from audit where action = 'access_denied' and login = 'anne'"), denied + 1);
  assert.equal((await anne.get('/d/BHS/meetings/new')).status, 403);
});

test('a case number in the minutes or participants of a staff meeting is refused, naming the field', async () => {
  const no = caseNo();
  const before = meetings();
  for (const kind of ['personale', 'information']) {
    let r = await postInvalid(koord, '/d/BHS/meetings', { kind, date: '2026-12-10', status: 'afholdt',
      minutes: `Vi talte om sag ${no}. Den var svær.` });
    assert.match(r.text, /<a href="#minutes">Referat: /);
    assert.match(text(r.text), new RegExp(`Referat: teksten nævner sagsnummeret ${no.replace(/[.]/g, '\\.')}`));
    assert.match(text(r.text), /Intet er gemt/);
    // The form keeps what was written.
    assert.ok(text(r.text).includes(`Vi talte om sag ${no}.`));
    r = await postInvalid(koord, '/d/BHS/meetings', { kind, date: '2026-12-10', participants: `Karen, ${no.toLowerCase()}` });
    assert.match(text(r.text), /Deltagere: teksten nævner sagsnummeret/);
  }
  assert.equal(meetings(), before, 'nothing stored');
  // Inside a longer number it is another number; management may name cases.
  let r = await post(koord, '/d/BHS/meetings', { kind: 'personale', date: '2026-12-10', minutes: `Nummer 9${no}9 er ikke en sag.` });
  assert.equal(r.status, 303, text(r.text));
  r = await post(koord, '/d/BHS/meetings', { kind: 'ledelse', date: '2026-12-11', minutes: `Sag ${no} drøftet.` });
  assert.equal(r.status, 303);
  assert.equal(meetings(), before + 2);
});

test('a CPR number is refused in every kind of meeting, on the web and the command line', async () => {
  const before = meetings();
  for (const kind of ['ledelse', 'stopop', 'forventning']) {
    const r = await postInvalid(koord, '/d/BHS/meetings', { kind, date: '2026-12-10', minutes: 'Borgeren 010203-1234 nævnt.' });
    assert.match(text(r.text), /Referat: teksten ligner et CPR-nummer/);
  }
  const r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'stopop', '--date', '2026-12-10',
    '--participants', 'Karen 0102031234']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Deltagere: teksten ligner et CPR-nummer/);
  assert.equal(meetings(), before);
});

test('the command line refuses a case number in staff minutes and stores and lists a meeting', () => {
  const no = caseNo();
  const before = meetings();
  let r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'personale', '--date', '2026-12-10',
    '--minutes', `Om ${no}`]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Referat: teksten nævner sagsnummeret/);
  r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'individuel', '--date', '2026-12-10']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Rådgiver:/);
  r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'samtale', '--date', '2026-12-10']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Art:/);
  r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'information', '--date', '2026-13-10']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Dato:/);
  assert.equal(meetings(), before);
  r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', 'information', '--date', '2027-02-22',
    '--time', '09:30', '--round', String(UDDYBENDE), '--participants', 'Hele afdelingen', '--minutes', 'Rammer og tidsplan.']);
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  r = cli(server.db, ['meeting', 'list', '--department', 'BHS', '--round', String(UDDYBENDE), '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout).find((x) => x.id === id);
  assert.deepEqual(m, { id, kind: 'information', date: '2027-02-22', time: '09:30', status: 'planlagt', round: UDDYBENDE,
    advisor: null, participants: 'Hele afdelingen', minutes: 'Rammer og tidsplan.' });
  assert.equal(cli(server.db, ['meeting', 'list', '--department', 'XX']).status, 2);
});

test('a caseworker sees the staff meetings and their own individual feedback, and nothing else', async () => {
  const bhs = (where) => num(`select m.id from meeting m join department d on d.id = m.department_id
    where d.code = 'BHS' and ${where} order by m.id limit 1`);
  const own = bhs("kind = 'individuel' and advisor = 'Anne Bækgaard'");
  const other = bhs("kind = 'individuel' and advisor = 'Morten Løvstad'");
  const mgmt = bhs("kind = 'ledelse'");
  const staff = bhs("kind = 'personale'");
  const list = await anne.get('/d/BHS/meetings');
  assert.equal(list.status, 200);
  assert.ok(list.text.includes(`/d/BHS/meetings/${own}"`), 'her own feedback');
  assert.ok(list.text.includes(`/d/BHS/meetings/${staff}"`), 'the staff meeting');
  assert.ok(!list.text.includes(`/d/BHS/meetings/${other}"`), 'not another caseworker\'s feedback');
  assert.ok(!list.text.includes(`/d/BHS/meetings/${mgmt}"`), 'not management\'s meeting');
  assert.ok(!list.text.includes('Planlæg et møde'));
  assert.equal((await anne.get(`/d/BHS/meetings/${own}`)).status, 200);
  assert.equal((await anne.get(`/d/BHS/meetings/${staff}`)).status, 200);
  const denied = num("select count(*) from audit where action = 'access_denied' and login = 'anne'");
  for (const id of [other, mgmt]) assert.equal((await anne.get(`/d/BHS/meetings/${id}`)).status, 403);
  assert.equal(num("select count(*) from audit where action = 'access_denied' and login = 'anne'"), denied + 2);
  // The leader sees them all, and the view is logged.
  const page = await leder.get(`/d/BHS/meetings/${other}`);
  assert.equal(page.status, 200);
  assert.equal(num(`select count(*) from audit where action = 'meeting_view' and object = 'meeting:${other}'`), 1);
  assert.equal((await leder.get('/d/BHS/meetings/99999')).status, 404);
  assert.equal((await leder.get(`/d/VHS/meetings/${other}`)).status, 403, 'not a member of VHS');
});

test('individual feedback of a round: tracked per caseworker, planned from the list, marked held', async () => {
  const advisors = q(`select distinct c.advisor from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${UDDYBENDE} and rc.status = 'udtrukket' order by 1`).split('\n');
  let page = await koord.get(`/d/BHS/meetings?round=${UDDYBENDE}`);
  assert.equal(page.status, 200);
  assert.match(text(page.text), new RegExp(`0 af ${advisors.length} rådgivere har fået tilbagemelding, 0 er planlagt, ${advisors.length} mangler`));
  const links = [...page.text.matchAll(/href="(\/d\/BHS\/meetings\/new\?round=\d+&amp;kind=individuel&amp;advisor=[^"]+)"/g)]
    .map((m) => unescape(m[1]));
  assert.equal(links.length, advisors.length, 'a plan button for each caseworker');
  // The button opens the form filled in.
  const anneLink = links.find((l) => decodeURIComponent(l).includes('Anne Bækgaard'));
  const form = await koord.get(anneLink);
  assert.equal(form.status, 200);
  assert.match(form.text, /<option value="individuel" selected>/);
  assert.match(form.text, new RegExp(`<option value="${UDDYBENDE}" selected>`));
  assert.match(form.text, /<option value="Anne Bækgaard" selected>/);
  let r = await koord.post('/d/BHS/meetings', { csrf: Client.csrf(form.text), kind: 'individuel', round: String(UDDYBENDE),
    advisor: 'Anne Bækgaard', date: '2026-12-08', time: '10:00', status: 'planlagt', participants: 'Mette Juhl, Anne Bækgaard' });
  assert.equal(r.status, 303);
  const id = Number(r.location.match(/meetings\/(\d+)/)[1]);
  page = await koord.get(`/d/BHS/meetings?round=${UDDYBENDE}`);
  assert.match(text(page.text), new RegExp(`0 af ${advisors.length} rådgivere har fået tilbagemelding, 1 er planlagt`));
  // The front page of the one giving it and of the one receiving it.
  let home = await koord.get('/');
  assert.match(text(home.text), /Tilbagemelding at give/);
  assert.ok(home.text.includes(`/d/BHS/meetings/${id}"`));
  home = await anne.get('/');
  assert.match(text(home.text), /Din tilbagemelding/);
  assert.ok(home.text.includes(`/d/BHS/meetings/${id}"`));
  assert.ok(!(await morten.get('/')).text.includes(`/d/BHS/meetings/${id}"`), 'not on another caseworker\'s page');
  // Held, with minutes.
  const show = await koord.get(`/d/BHS/meetings/${id}`);
  r = await koord.post(`/d/BHS/meetings/${id}`, { csrf: Client.csrf(show.text), kind: 'individuel', round: String(UDDYBENDE),
    advisor: 'Anne Bækgaard', date: '2026-12-08', time: '10:00', status: 'afholdt', participants: 'Mette Juhl, Anne Bækgaard',
    minutes: 'Gode begrundelser; sagsoplysningen kan styrkes.' });
  assert.equal(r.status, 303);
  assert.equal(q(`select status || '|' || minutes from meeting where id = ${id}`), 'afholdt|Gode begrundelser; sagsoplysningen kan styrkes.');
  page = await koord.get(`/d/BHS/meetings?round=${UDDYBENDE}`);
  assert.match(text(page.text), new RegExp(`1 af ${advisors.length} rådgivere har fået tilbagemelding, 0 er planlagt`));
  assert.equal(num(`select count(*) from audit where action = 'meeting_update' and object = 'meeting:${id}'`), 1);
  // A bad edit says what and where and changes nothing.
  r = await koord.postInvalid(`/d/BHS/meetings/${id}`, { csrf: Client.csrf(show.text), kind: 'individuel', round: String(UDDYBENDE),
    advisor: 'Anne Bækgaard', date: '8-12-2026', status: 'afholdt' });
  assert.equal(r.status, 200);
  assert.match(text(r.text), /Dato: skriv datoen som ÅÅÅÅ-MM-DD/);
  assert.match(r.text, /id="date-error"/);
  assert.match(r.text, /<input id="date" name="date" aria-invalid="true" aria-describedby="date-error" type="date" required value="8-12-2026">/);
  assert.equal(q(`select date from meeting where id = ${id}`), '2026-12-08');
});

test('a round in the feedback phase with caseworkers left shows on the working group\'s front page', async () => {
  q(`update round set phase = 'tilbagemelding' where id = ${UDDYBENDE}`);
  const title = q(`select title from round where id = ${UDDYBENDE}`);
  for (const c of [koord, leder]) {
    const home = await c.get('/');
    assert.ok(home.text.includes(`href="/d/BHS/meetings?round=${UDDYBENDE}#feedback"`));
    assert.match(text(home.text), new RegExp(`${title}: 3 af 4 rådgivere mangler en individuel tilbagemelding`));
  }
  assert.ok(!(await anne.get('/')).text.includes(`meetings?round=${UDDYBENDE}#feedback`), 'not a caseworker\'s task');
});

test('the front page lists the planned meetings of the next 14 days that the person may see', async () => {
  // Dates from today's date where the server runs, so the test holds on any day.
  const day = (n) => { const d = new Date(); d.setDate(d.getDate() + n); return d.toLocaleDateString('sv-SE'); };
  const add = (kind, date) => {
    const r = cli(server.db, ['meeting', 'add', '--department', 'BHS', '--kind', kind, '--date', date, '--time', '13:00']);
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim());
  };
  const stopop = add('stopop', day(3)), staff = add('personale', day(5)), later = add('personale', day(30));
  const cancelled = add('personale', day(4));
  q(`update meeting set status = 'aflyst' where id = ${cancelled}`);
  const k = await koord.get('/');
  assert.match(text(k.text), /Møder de næste 14 dage/);
  assert.ok(k.text.includes(`/d/BHS/meetings/${stopop}"`) && k.text.includes(`/d/BHS/meetings/${staff}"`));
  assert.ok(!k.text.includes(`/d/BHS/meetings/${later}"`), 'a month away');
  assert.ok(!k.text.includes(`/d/BHS/meetings/${cancelled}"`), 'cancelled');
  const a = await anne.get('/');
  assert.ok(a.text.includes(`/d/BHS/meetings/${staff}"`), 'the staff meeting');
  assert.ok(!a.text.includes(`/d/BHS/meetings/${stopop}"`), 'not the reviewers\' stop-op meeting');
});

test('the finished demo rounds had every caseworker\'s feedback; a round of another department is 404', async () => {
  for (const round of [4, 5]) {
    const page = await leder.get(`/d/BHS/meetings?round=${round}`);
    assert.match(text(page.text), /4 af 4 rådgivere har fået tilbagemelding, 0 er planlagt, 0 mangler/);
  }
  assert.equal((await leder.get('/d/BHS/meetings?round=2')).status, 404, 'round 2 is VHS');
});
