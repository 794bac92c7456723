// A caseworker's individual feedback is released by the leader (issue 13), over HTTP on the
// demo: in the uddybende round under review (no feedback meeting held) anne gets no feedback
// and no own figures until the leader releases hers; the release is stored with who and when
// and audited; a refused download is audited too; releasing her touches no one else; a held
// individual feedback meeting releases a caseworker's feedback by itself, a planned one does
// not; only the leder releases (koordinator, rådgiver, ekstern are refused), and an outside
// reviewer never sees the release page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, cli, sqlite, Client } from '../lib/server.mjs';

let server, db, round, extRound;

before(async () => {
  server = await startServer();
  db = server.db;
  round = sqlite(db, `SELECT r.id FROM round r JOIN department d ON d.id = r.department_id
    WHERE d.code = 'BHS' AND r.kind = 'uddybende' LIMIT 1`);
  extRound = sqlite(db, "SELECT id FROM round WHERE kind = 'ekstern' LIMIT 1");
}, { timeout: 30_000 });

after(async () => { await server?.stop(); });

async function as(login) {
  const c = new Client(server.url);
  assert.equal((await c.login(login)).status, 303, `login ${login}`);
  return c;
}

const download = (c, format = 'html') => c.get(`/d/BHS/rounds/${round}/report/download?audience=raadgiver&format=${format}`);
const count = (sql) => Number(sqlite(db, sql));

async function release(c, form, r = round, dept = 'BHS') {
  const csrf = await c.csrfFor('/');
  return c.post(`/d/${dept}/rounds/${r}/feedback/release`, { csrf, ...form });
}

test('not released: no feedback, no own figures, "endnu ikke frigivet", and the refusal is audited', async () => {
  const anne = await as('anne');
  const denied = count("SELECT count(*) FROM audit WHERE action = 'access_denied' AND login = 'anne'");
  for (const format of ['html', 'pdf', 'xlsx']) {
    const r = await download(anne, format);
    assert.equal(r.status, 403, format);
    assert.match(r.text, /endnu ikke frigivet/);
  }
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'access_denied' AND login = 'anne'"), denied + 3);
  const named = await anne.get(`/d/BHS/rounds/${round}/report/download?audience=${encodeURIComponent('raadgiver:Anne Bækgaard')}&format=html`);
  assert.equal(named.status, 403, 'her name spelled out is no way round it');
  const mine = await anne.get(`/d/BHS/rounds/${round}/results/mine`);
  assert.equal(mine.status, 200);
  assert.match(mine.text, /Endnu ikke frigivet/);
  assert.doesNotMatch(mine.text, /<svg|<table/, 'no figures');
  // Her front page (Morten's: anne's cases here have no answers yet, so hers lists none).
  const home = await (await as('morten')).get('/');
  assert.match(home.text, /Min tilbagemelding/);
  assert.match(home.text, /endnu ikke frigivet/);
  assert.doesNotMatch(home.text, new RegExp(`rounds/${round}/report/download`));
  // The finished rounds had their feedback meetings held: those stay released.
  assert.match(home.text, /report\/download\?audience=raadgiver&amp;format=pdf/);
});

test('only the leder releases; koordinator, rådgiver and ekstern are refused', async () => {
  const before = count('SELECT count(*) FROM feedback_release');
  for (const login of ['koordinator.barn', 'anne']) {
    const c = await as(login);
    const r = await release(c, { advisor: 'Anne Bækgaard' });
    assert.equal(r.status, 403, login);
  }
  const ext = await as('ekstern');
  assert.equal((await release(ext, { advisor: 'Anne Bækgaard' })).status, 403, 'ekstern, another department');
  const extPage = await ext.get(`/d/VHS/rounds/${extRound}/feedback`);
  assert.equal(extPage.status, 403, 'the outside reviewer never sees the release page of the round it reviews');
  assert.equal(count(`SELECT count(*) FROM audit WHERE action = 'access_denied' AND login = 'ekstern'
    AND detail LIKE '%frigivelse af individuel tilbagemelding%'`), 1);
  const advisor = sqlite(db, `SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = ${extRound} AND rc.status = 'udtrukket' LIMIT 1`);
  assert.equal((await release(ext, { advisor }, extRound, 'VHS')).status, 403, 'ekstern may not release');
  const koord = await as('koordinator.barn');
  const page = await koord.get(`/d/BHS/rounds/${round}/feedback`);
  assert.equal(page.status, 200, 'the working group sees the state');
  assert.doesNotMatch(page.text, /feedback\/release/, 'but gets no release button');
  assert.equal(count('SELECT count(*) FROM feedback_release'), before);
  const leder = await as('leder.barn');
  const unknown = await release(leder, { advisor: 'Ingen Sådan' });
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /ingen sager i dette tilsyns stikprøve/);
  const none = await release(leder, {}); // no one chosen: back to the page with the message, once
  assert.equal(none.status, 303);
  assert.match(none.location, /\/feedback\?fejl=[0-9a-f]{64}$/);
  const shown = await leder.get(none.location);
  assert.match(shown.text, /<div class="error-summary"[^]*Vælg den rådgiver, hvis tilbagemelding skal frigives/);
  assert.doesNotMatch((await leder.get(none.location)).text, /error-summary/);
  assert.equal(count('SELECT count(*) FROM feedback_release'), before, 'nothing half-written');
});

test('released by the leader: visible to her alone, stored with who and when, audited', async () => {
  const leder = await as('leder.barn');
  const page = await leder.get(`/d/BHS/rounds/${round}/feedback`);
  assert.match(page.text, /0 af 4 rådgivere kan se deres egen tilbagemelding/);
  const r = await release(leder, { advisor: ' anne  bækgaard' }); // spelt as a case list might
  assert.equal(r.status, 303);
  assert.match(r.location, /feedback\?released=1$/);
  const row = sqlite(db, `SELECT f.advisor || '|' || u.login || '|' || f.released_at FROM feedback_release f
    JOIN users u ON u.id = f.released_by WHERE f.round_id = ${round}`);
  const [name, by, at] = row.split('|');
  assert.equal(name, 'Anne Bækgaard');
  assert.equal(by, 'leder.barn');
  assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const audit = sqlite(db, `SELECT login || '|' || object || '|' || detail FROM audit WHERE action = 'feedback_release'`);
  assert.equal(audit, `leder.barn|round:${round}|individuel tilbagemelding frigivet til Anne Bækgaard`);
  // Again: nothing new.
  assert.match((await release(leder, { advisor: 'Anne Bækgaard' })).location, /released=0$/);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'feedback_release'"), 1);
  const after = await leder.get(`/d/BHS/rounds/${round}/feedback`);
  assert.match(after.text, /1 af 4 rådgivere kan se deres egen tilbagemelding/);
  assert.doesNotMatch(after.text, /\d{4}-\d\d-\d\dT/, 'no raw time stamp');

  const anne = await as('anne');
  const own = await download(anne);
  assert.equal(own.status, 200);
  const hers = sqlite(db, `SELECT c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id
    WHERE rc.round_id = ${round} AND rc.status = 'udtrukket' AND c.advisor = 'Anne Bækgaard'`).split('\n');
  for (const no of hers) assert.ok(own.text.includes(no), no);
  assert.doesNotMatch((await anne.get(`/d/BHS/rounds/${round}/results/mine`)).text, /Endnu ikke frigivet/);
  // Morten's is still held back.
  const morten = await as('morten');
  assert.equal((await download(morten)).status, 403);
  assert.match((await morten.get('/')).text, /endnu ikke frigivet/);
});

test('a held individual feedback meeting releases it; a planned one does not', async () => {
  const add = (advisor, status) => cli(db, ['meeting', 'add', '--department', 'BHS', '--kind', 'individuel',
    '--date', '2026-12-04', '--round', round, '--advisor', advisor, '--status', status]);
  let r = add('Louise Krag', 'planlagt');
  assert.equal(r.status, 0, r.stderr);
  const louise = await as('louise');
  assert.equal((await download(louise)).status, 403, 'a planned meeting releases nothing');
  r = add('Henrik Østerby', 'afholdt');
  assert.equal(r.status, 0, r.stderr);
  const henrik = await as('henrik');
  assert.equal((await download(henrik)).status, 200, 'the held meeting released it');
  assert.doesNotMatch((await henrik.get(`/d/BHS/rounds/${round}/results/mine`)).text, /Endnu ikke frigivet/);
  assert.match((await henrik.get('/')).text, new RegExp(`rounds/${round}/report/download\\?audience=raadgiver`));
  const leder = await as('leder.barn');
  const page = await leder.get(`/d/BHS/rounds/${round}/feedback`);
  assert.match(page.text, /2 af 4 rådgivere kan se deres egen tilbagemelding/);
  assert.match(page.text, /mødet er holdt/);
  // "Frigiv for alle" releases the two left, Louise with her planned meeting among them.
  r = await release(leder, { all: '1' });
  assert.equal(r.status, 303);
  assert.match(r.location, /released=2$/);
  assert.equal((await download(louise)).status, 200);
  assert.equal(count(`SELECT count(*) FROM feedback_release WHERE round_id = ${round}`), 3);
  assert.equal(count("SELECT count(*) FROM audit WHERE action = 'feedback_release'"), 3);
});

test('a caseworker named two ways in the sample sees the feedback only when both are released', async () => {
  // One of Morten's sampled cases is given to anne under her initials, linked to her by an alias.
  const caseId = sqlite(db, `SELECT c.id FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ${round}
    AND rc.status = 'udtrukket' AND c.advisor = 'Morten Løvstad' ORDER BY c.id LIMIT 1`);
  sqlite(db, `UPDATE cases SET advisor = 'ABK' WHERE id = ${caseId}`);
  const r = cli(db, ['user', 'alias', 'add', 'anne', 'ABK']);
  assert.equal(r.status, 0, r.stderr);
  const anne = await as('anne');
  assert.equal((await download(anne)).status, 403, 'her second name is not released yet');
  assert.match((await anne.get(`/d/BHS/rounds/${round}/results/mine`)).text, /Endnu ikke frigivet/);
  const leder = await as('leder.barn');
  assert.equal((await release(leder, { advisor: 'ABK' })).status, 303);
  const own = await download(anne);
  assert.equal(own.status, 200);
  assert.ok(own.text.includes(sqlite(db, `SELECT case_no FROM cases WHERE id = ${caseId}`)), 'the case under her initials');
});
