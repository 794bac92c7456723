// Actions (tiltag) over HTTP and the CLI, on the demo municipality: a caseworker cannot decide
// one (403, audited); bad input (CPR in the description, an unknown question code, an owner
// without a role in the department, a bad due date) answers 303 back to the form, whose page
// (once) shows the error summary, the message at the field and what was typed, and stores
// nothing; statuses are tags; the person responsible may change the status and nothing else, another caseworker
// nothing; the change of each target since the action's round is the one computed here from
// the answers in the database (counts, Wilson and Newcombe written out below), on the page and
// in `action list --format json`; an overdue action shows on the front page of its owner and of
// the department's leder, and not on a koordinator's who owns nothing overdue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, koord, leder, anne, morten, ledervoksen;
const SPRING = 4, AUTUMN = 5; // the demo's finished overordnet rounds in BHS, 2025

before(async () => {
  server = await startServer();
  [koord, leder, anne, morten, ledervoksen] = [0, 0, 0, 0, 0].map(() => new Client(server.url));
  for (const [c, login] of [[koord, 'koordinator.barn'], [leder, 'leder.barn'], [anne, 'anne'], [morten, 'morten'],
    [ledervoksen, 'leder.voksen']])
    assert.equal((await c.login(login)).status, 303, login);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const num = (sql) => Number(q(sql));
const actions = () => num('select count(*) from action_item');
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
  .replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' '));

async function post(client, path, fields) {
  const csrf = await client.csrfFor('/d/BHS/actions');
  return client.post(path, { csrf, ...fields });
}

const Z = 1.959964;
function wilson(k, n) {
  if (n === 0) return [0, 1];
  const p = k / n, z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}
// Newcombe's hybrid score interval for p2 - p1 (method 10), from the two Wilson intervals.
function newcombe(k2, n2, k1, n1) {
  const p2 = k2 / n2, p1 = k1 / n1, [l2, u2] = wilson(k2, n2), [l1, u1] = wilson(k1, n1);
  const d = p2 - p1;
  return [d, d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)];
}
// ja and ja + delvist + nej for a question without a condition, over a round's sampled cases.
function counts(round, code) {
  const [yes, base] = q(`select sum(a.value = 'ja'), sum(a.value in ('ja', 'delvist', 'nej')) from answer a
    join question qq on qq.id = a.question_id join round_case rc on rc.round_id = a.round_id and rc.case_id = a.case_id
    where a.round_id = ${round} and qq.code = '${code}' and rc.status = 'udtrukket'`).split('|').map(Number);
  return { yes, base };
}

test('a caseworker may not decide an action: 403, audited, nothing stored', async () => {
  const before = actions();
  const r = await post(anne, '/d/BHS/actions', { title: 'Mit tiltag', owner: 'anne', due: '2027-01-01' });
  assert.equal(r.status, 403);
  assert.equal(actions(), before);
  assert.ok(num("select count(*) from audit where action = 'access_denied' and login = 'anne' and object = 'POST /d/BHS/actions'") >= 1);
  // Reading is for every member of the department, not for another department's leder.
  assert.equal((await anne.get('/d/BHS/actions')).status, 200);
  assert.equal((await ledervoksen.get('/d/BHS/actions')).status, 403);
});

test('bad input names the field and stores nothing', async () => {
  const before = actions();
  const cases = [
    [{ title: 'Tjekliste', description: 'Borgeren 010203-1234', owner: 'koordinator.barn', due: '2027-01-01' }, /Beskrivelse: teksten ligner et CPR-nummer/],
    [{ title: 'Tjek 0102031234', owner: 'koordinator.barn', due: '2027-01-01' }, /Titel: teksten ligner et CPR-nummer/],
    [{ title: '', owner: 'koordinator.barn', due: '2027-01-01' }, /Titel:/],
    [{ title: 'Tjekliste', owner: 'signe', due: '2027-01-01' }, /Ansvarlig: brugeren »signe« har ingen rolle i afdelingen BHS/],
    [{ title: 'Tjekliste', owner: 'koordinator.barn', due: '1. januar' }, /Frist: skriv fristen som ÅÅÅÅ-MM-DD/],
    [{ title: 'Tjekliste', owner: 'koordinator.barn', due: '2027-01-01', round: String(SPRING), questions_text: 'OB-SAGSOPL-1, XX-9' },
      /Spørgsmål: koden »XX-9« findes ikke i tilsynets spørgekataloger/],
    [{ title: 'Tjekliste', owner: 'koordinator.barn', due: '2027-01-01', theme: 'ikke-et-tema' }, /Temaer: »ikke-et-tema« er ikke et temakatalog/],
  ];
  for (const [fields, message] of cases) {
    const r = await koord.postInvalid('/d/BHS/actions', { csrf: await koord.csrfFor('/d/BHS/actions'), ...fields });
    assert.match(r.posted.location, /^\/d\/BHS\/actions\?fejl=/, JSON.stringify(fields));
    assert.equal(r.status, 200);
    assert.match(r.text, /<div class="error-summary"/);
    assert.match(text(r.text), message);
    if (!/\d{6}/.test(fields.title)) // a CPR number is kept masked (flash.c)
      assert.match(r.text, new RegExp(`<input id="title" name="title" required maxlength="\\d+" value="${fields.title}"`));
    else assert.ok(!r.text.includes('0102031234'), 'no CPR number on the page');
    if (fields.owner !== 'signe') assert.match(r.text, new RegExp(`<option value="${fields.owner}" selected>`));
    if (fields.questions_text) assert.match(r.text, /value="OB-SAGSOPL-1"[^>]* checked/, 'a checked question of the round');
    if (fields.questions_text) assert.match(r.text, /<input id="questions_text" name="questions_text" maxlength="2000" aria-describedby="questions_text-error questions-hint" aria-invalid="true" value="XX-9">/, 'the other code in the text field');
    if (fields.theme) assert.match(r.text, /<p class="field-error"/);
    const again = await koord.get(r.posted.location);
    assert.doesNotMatch(again.text, /error-summary/, 'the flash is single-use');
  }
  assert.equal(actions(), before);
  const r = cli(server.db, ['action', 'add', '--department', 'BHS', '--title', 'T', '--owner', 'nobody', '--due', '2027-01-01']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Ansvarlig: brugeren »nobody«/);
  assert.equal(actions(), before);
});

test('the change in each target since the action\'s round, computed from the answers', async () => {
  const codes = ['OB-SAGSOPL-1', 'OB-HELH-1'];
  let r = await post(koord, '/d/BHS/actions', { title: 'Bedre sagsoplysning', owner: 'koordinator.barn', due: '2025-08-01',
    status: 'gennemfoert', round: String(SPRING), question: 'OB-SAGSOPL-1', questions_text: 'OB-HELH-1' });
  assert.equal(r.status, 303, text(r.text));
  const id = Number(r.location.match(/actions\/(\d+)/)[1]);
  assert.equal(q(`select group_concat(code, ',') from (select code from action_target where action_id = ${id} order by code)`),
    'OB-HELH-1,OB-SAGSOPL-1');
  const page = await koord.get(`/d/BHS/actions/${id}`);
  assert.equal(page.status, 200);
  const body = text(page.text);
  const list = cli(server.db, ['action', 'list', '--department', 'BHS', '--format', 'json']);
  assert.equal(list.status, 0, list.stderr);
  const mine = JSON.parse(list.stdout).find((a) => a.id === id);
  assert.equal(mine.round, SPRING);
  assert.equal(mine.next_round, AUTUMN);
  assert.equal(mine.overdue, false, 'carried out');
  for (const code of codes) {
    const b = counts(SPRING, code), a = counts(AUTUMN, code);
    assert.ok(b.base > 0 && a.base > 0, code);
    const [d, lo, hi] = newcombe(a.yes, a.base, b.yes, b.base);
    const t = mine.targets.find((x) => x.code === code);
    assert.deepEqual([t.before.yes, t.before.base, t.change.yes, t.change.base], [b.yes, b.base, a.yes, a.base], code);
    assert.ok(Math.abs(t.change.diff - d) < 1e-9 && Math.abs(t.change.diff_low - lo) < 1e-9 && Math.abs(t.change.diff_high - hi) < 1e-9, code);
    assert.equal(t.change.verdict, lo > 0 ? 'improved' : hi < 0 ? 'declined' : 'no_clear_change');
    const fmt = (x) => `${x >= 0 ? '+' : '-'}${Math.abs(Math.round(100 * x))}`;
    assert.ok(body.includes(`${fmt(d)} point (${fmt(lo)} til ${fmt(hi)})`), `${code} on the page: ${fmt(d)} point`);
    assert.ok(body.includes(`${Math.round(100 * b.yes / b.base)} % (${b.yes} af ${b.base})`), `${code} before`);
    assert.ok(body.includes(`${Math.round(100 * a.yes / a.base)} % (${a.yes} af ${a.base})`), `${code} after`);
  }
  // The demo's spring checklist improved sagsoplysning clearly.
  assert.match(body, /forbedret/);
  assert.equal(num(`select count(*) from audit where action = 'action_add' and object = 'action:${id}'`), 1);
});

test('the person responsible may change the status and nothing else; another caseworker nothing', async () => {
  let r = cli(server.db, ['action', 'add', '--department', 'BHS', '--title', 'Brevskabelon', '--owner', 'anne',
    '--due', '2027-03-01', '--round', String(AUTUMN), '--question', 'OB-FRIST-3']);
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  const page = await anne.get(`/d/BHS/actions/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Skift status/);
  assert.ok(!page.text.includes('Ret tiltaget'));
  r = await anne.post(`/d/BHS/actions/${id}`, { csrf: Client.csrf(page.text), form: 'all', status: 'i_gang', title: 'Andet' });
  assert.equal(r.status, 303);
  assert.equal(q(`select status || '|' || title from action_item where id = ${id}`), 'i_gang|Brevskabelon');
  r = await anne.postInvalid(`/d/BHS/actions/${id}`, { csrf: Client.csrf(page.text), form: 'status', status: 'færdig' });
  assert.match(r.posted.location, new RegExp(`^/d/BHS/actions/${id}\\?fejl=`));
  assert.match(r.text, /<li><a href="#status">Status: vælg planlagt, i gang, gennemført eller opgivet/);
  assert.match(r.text, /<p class="field-error" id="status-error">/);
  assert.match(r.text, /<strong class="tag doing">i gang<\/strong>/, 'the status as a tag');
  const denied = num("select count(*) from audit where action = 'access_denied' and login = 'morten'");
  r = await post(morten, `/d/BHS/actions/${id}`, { form: 'status', status: 'opgivet' });
  assert.equal(r.status, 403);
  assert.equal(num("select count(*) from audit where action = 'access_denied' and login = 'morten'"), denied + 1);
  assert.equal(q(`select status from action_item where id = ${id}`), 'i_gang');
  assert.equal(num(`select count(*) from audit where action = 'action_status' and object = 'action:${id}' and login = 'anne'`), 1);
});

// Today in Denmark plus n days (yyyy-mm-dd), worked out with Intl and the JavaScript calendar.
function danishDatePlus(n) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(new Date()).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

test('the front page lists one\'s own actions due within 14 days, and not those due later', async () => {
  const soon = 'Frist om fjorten dage', later = 'Frist om femten dage';
  for (const [title, days] of [[soon, 14], [later, 15]]) {
    const r = await post(koord, '/d/BHS/actions', { title, owner: 'morten', due: danishDatePlus(days), status: 'i_gang' });
    assert.equal(r.status, 303, text(r.text));
  }
  const own = text((await morten.get('/')).text);
  assert.match(own, new RegExp(`Mine tiltag med frist .*${soon}`));
  assert.ok(!own.includes(later), 'due in 15 days is not soon');
  q(`DELETE FROM action_item WHERE title IN ('${soon}', '${later}')`);
});

test('an overdue action shows on the front page of its owner and of the leder', async () => {
  const title = 'Opfølgning på handleplaner';
  const r = await post(koord, '/d/BHS/actions', { title, owner: 'morten', due: '2020-01-31', status: 'i_gang',
    round: String(AUTUMN), questions_text: 'OB-PLAN-1' });
  assert.equal(r.status, 303, text(r.text));
  const id = Number(r.location.match(/actions\/(\d+)/)[1]);
  const own = text((await morten.get('/')).text);
  assert.match(own, new RegExp(`Mine tiltag med frist ${title} ?: frist 31\\. januar 2020 fristen er overskredet`));
  const lead = text((await leder.get('/')).text);
  assert.match(lead, /Tiltag med overskredet frist/);
  assert.match(lead, new RegExp(`${title} ?\\(Børn og unge med handicap\\): frist 31\\. januar 2020, ansvarlig Morten Løvstad`));
  assert.ok(!text((await ledervoksen.get('/')).text).includes(title), 'not another department\'s leder');
  assert.ok(!text((await anne.get('/')).text).includes(title), 'not another caseworker');
  // Once carried out it is no longer overdue.
  const list = JSON.parse(cli(server.db, ['action', 'list', '--department', 'BHS', '--format', 'json']).stdout);
  assert.equal(list.find((a) => a.id === id).overdue, true);
  const page = await koord.get(`/d/BHS/actions/${id}`);
  assert.match(page.text, /<strong class="tag doing">i gang<\/strong> <strong class="tag bad">fristen er overskredet<\/strong>/);
  assert.match((await koord.get('/d/BHS/actions')).text, /<strong class="tag bad">fristen er overskredet<\/strong>/);
  await koord.post(`/d/BHS/actions/${id}`, { csrf: Client.csrf(page.text), form: 'all', title, owner: 'morten',
    due: '2020-01-31', status: 'gennemfoert', round: String(AUTUMN), questions_text: 'OB-PLAN-1' });
  assert.equal(q(`select status from action_item where id = ${id}`), 'gennemfoert');
  assert.ok(!text((await morten.get('/')).text).includes(title));
  assert.ok(!text((await leder.get('/')).text).includes(title));
});
