// The external review (eksternt tilsyn) over HTTP and the command line, on the demo
// municipality: the consultant (user ekstern, role ekstern in VHS) sees the ekstern round
// they are invited to and nothing else; every refusal is a Danish 403 and audited. The
// expectation alignment refuses CPR numbers naming the field; only ekstern rounds take
// invitations; the invited consultant reviews cases and writes and finalises the report text,
// whose downloads say "Eksternt tilsyn".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, Client, sqlite, cli } from '../lib/server.mjs';

let server, db, ext, leder, ekstern, signe;
const q = (sql) => sqlite(db, sql);
const num = (sql) => Number(q(sql));
const denied = (login, object) =>
  num(`select count(*) from audit where action = 'access_denied' and login = '${login}' and object = '${object}'`);

async function as(login) {
  const c = new Client(server.url);
  assert.equal((await c.login(login)).status, 303, `${login} logs in`);
  return c;
}

// A 403 in Danish from the router or a handler.
function refused(res, what) {
  assert.equal(res.status, 403, what);
  assert.match(res.text, /<html lang="da">/, what);
  assert.match(res.text, /Ingen adgang/, what);
}

before(async () => {
  ({ db } = freshDb({ demo: true }));
  server = await startServer({ db });
  ext = num("select id from round where kind = 'ekstern' and department_id = (select id from department where code = 'VHS')");
  leder = await as('leder.voksen');
  ekstern = await as('ekstern');
  signe = await as('signe');
});
after(async () => { await server?.stop(); });

// A new ekstern round in VHS with a sample, made on the command line.
function newExternalRound(title) {
  let r = cli(db, ['round', 'create', '--department', 'VHS', '--kind', 'ekstern', '--title', title]);
  assert.equal(r.status, 0, r.stderr);
  const id = Number(r.stdout.trim());
  r = cli(db, ['round', 'sample', String(id), '--size', '5', '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  return id;
}

const caseOf = (round, login) => num(`select rc.case_id from round_case rc join users u on u.id = rc.reviewer_id
  where rc.round_id = ${round} and u.login = '${login}' and rc.status = 'udtrukket' order by rc.sample_key limit 1`);

test('the demo has an external review in VHS: expectation written, consultant invited with cases, feedback planned', () => {
  assert.ok(ext > 5, 'after the rounds 1-5 the other tests rely on');
  assert.equal(q(`select title || '|' || phase from round where id = ${ext}`), 'Eksternt tilsyn 2026: § 85 og botilbud|gennemgang');
  assert.equal(num(`select count(*) from round_case where round_id = ${ext} and status = 'udtrukket'`), 20);
  assert.equal(num(`select count(*) from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${ext}
    and c.provision not in ('SEL § 85', 'SEL § 107', 'SEL § 108')`), 0, 'the sample is drawn from the focus areas');
  assert.equal(q(`select group_concat(u.login) from round_invite i join users u on u.id = i.user_id where i.round_id = ${ext}`), 'ekstern');
  assert.equal(num(`select count(*) from round_expectation where round_id = ${ext} and learn <> '' and worries <> ''
    and implementation <> '' and previous <> '' and staff <> '' and organisation <> '' and focus <> ''`), 1);
  assert.equal(num(`select count(*) from round_case rc join users u on u.id = rc.reviewer_id
    where rc.round_id = ${ext} and u.login = 'ekstern'`), 4);
  assert.equal(num(`select count(*) from round_case where round_id = ${ext} and review_status = 'faerdig'`), 1);
  assert.equal(q(`select group_concat(kind || ':' || status) from (select * from meeting where round_id = ${ext} order by date)`),
    'forventning:afholdt,ledelse:planlagt,personale:planlagt');
});

test('invited: the consultant opens their round, its review, a case, results, report and expectation', async () => {
  const own = caseOf(ext, 'ekstern');
  for (const path of [`/d/VHS/rounds/${ext}`, `/d/VHS/rounds/${ext}/review`, `/d/VHS/rounds/${ext}/cases/${own}`,
    `/d/VHS/rounds/${ext}/results`, `/d/VHS/rounds/${ext}/report`, `/d/VHS/rounds/${ext}/expectation`,
    `/d/VHS/rounds/${ext}/calibration`, `/d/VHS/rounds/${ext}/report/download?audience=ledelse&format=html`]) {
    const res = await ekstern.get(path);
    assert.equal(res.status, 200, path);
  }
  const page = await ekstern.get(`/d/VHS/rounds/${ext}`);
  assert.match(page.text, /<h2 id="ekstern">Eksternt tilsyn<\/h2>/);
  assert.match(page.text, /7 af 7 spørgsmål besvaret/);
  assert.match(page.text, /Camilla Berg \(konsulent\)/);
  assert.doesNotMatch(page.text, /invite\/\d+\/remove/, 'the consultant manages no invitations');
  assert.doesNotMatch(page.text, /name="user"/, 'nor invites anyone');
  // The header names the role as it is.
  assert.match(page.text, /ekstern konsulent, Voksenhandicap/);
  // Sample, plan and phase are the department's decisions: no forms, and a post is refused.
  for (const form of ['sample', 'replace', 'plan', 'phase'])
    assert.doesNotMatch(page.text, new RegExp(`action="/d/VHS/rounds/${ext}/${form}"`), form);
  const csrf = await ekstern.csrfFor(`/d/VHS/rounds/${ext}/expectation`);
  const phaseBefore = q(`select phase from round where id = ${ext}`);
  refused(await ekstern.post(`/d/VHS/rounds/${ext}/phase`, { csrf, to: 'analyse', reason: 'færdig' }), 'phase');
  refused(await ekstern.post(`/d/VHS/rounds/${ext}/plan`, { csrf, performers: 'Konsulenten' }), 'plan');
  assert.equal(q(`select phase from round where id = ${ext}`), phaseBefore);
});

test('invited: every other round of the department, its own pages and the other department are 403 and audited', async () => {
  const others = q(`select id from round where department_id = (select id from department where code = 'VHS') and id <> ${ext}`)
    .split('\n').map(Number);
  assert.ok(others.length >= 1);
  for (const id of others) {
    const someCase = num(`select case_id from round_case where round_id = ${id} order by sample_key limit 1`);
    for (const path of [`/d/VHS/rounds/${id}`, `/d/VHS/rounds/${id}/cases/${someCase}`, `/d/VHS/rounds/${id}/results`,
      `/d/VHS/rounds/${id}/report`, `/d/VHS/rounds/${id}/review`, `/d/VHS/rounds/${id}/results/mine`,
      `/d/VHS/rounds/${id}/report/download?audience=ledelse&format=html`]) {
      const res = await ekstern.get(path);
      refused(res, path);
      assert.equal(denied('ekstern', `GET ${path.split('?')[0]}`), 1, `audited: ${path}`);
    }
  }
  for (const path of ['/d/VHS/cases', '/d/VHS/cases/import', '/d/VHS/trends', '/d/VHS/audit', '/d/VHS/workgroup',
    '/d/VHS/plan', '/d/VHS/meetings', '/d/VHS/actions', '/d/BHS', '/d/BHS/rounds']) {
    const res = await ekstern.get(path);
    refused(res, path);
    assert.ok(denied('ekstern', `GET ${path}`) >= 1, `audited: ${path}`);
  }
  // Nor may they plan a new tilsyn.
  const csrf = await ekstern.csrfFor(`/d/VHS/rounds/${ext}/expectation`);
  const before = num('select count(*) from round');
  refused(await ekstern.post('/d/VHS/rounds', { csrf, kind: 'ekstern', title: 'Mit eget' }), 'POST /d/VHS/rounds');
  assert.equal(num('select count(*) from round'), before);
});

test('the department home and the list of tilsyn show the consultant only their own rounds', async () => {
  for (const path of ['/d/VHS', '/d/VHS/rounds']) {
    const res = await ekstern.get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.text, new RegExp(`href="/d/VHS/rounds/${ext}"`), path);
    const links = [...res.text.matchAll(/href="\/d\/VHS\/rounds\/(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(links, [ext], `${path}: only the invited round`);
    assert.doesNotMatch(res.text, /Signe Økjær|Sagsliste|Planlæg et nyt tilsyn/, `${path}: nothing else of the department`);
  }
  // A leder still sees every round and the staff.
  const home = await leder.get('/d/VHS');
  assert.match(home.text, /Signe Økjær/);
  const list = await leder.get('/d/VHS/rounds');
  assert.match(list.text, /href="\/d\/VHS\/rounds\/2"/);
});

test('not invited: a new ekstern round is closed to the consultant until the leder invites them', async () => {
  const id = newExternalRound('Eksternt tilsyn: opfølgning');
  const someCase = num(`select case_id from round_case where round_id = ${id} order by sample_key limit 1`);
  const paths = [`/d/VHS/rounds/${id}`, `/d/VHS/rounds/${id}/cases/${someCase}`, `/d/VHS/rounds/${id}/results`,
    `/d/VHS/rounds/${id}/report`, `/d/VHS/rounds/${id}/expectation`];
  for (const path of paths) refused(await ekstern.get(path), path);
  assert.equal(denied('ekstern', `GET /d/VHS/rounds/${id}`), 1);

  // The leder's round page offers the consultant; inviting opens the round.
  const page = await leder.get(`/d/VHS/rounds/${id}`);
  assert.match(page.text, /<label for="invite-user">Invitér en ekstern konsulent<\/label>/);
  const userId = num("select id from users where login = 'ekstern'");
  const csrf = Client.csrf(page.text);
  const inv = await leder.post(`/d/VHS/rounds/${id}/invite`, { csrf, user: String(userId) });
  assert.equal(inv.status, 303);
  assert.equal(inv.location, `/d/VHS/rounds/${id}?invited=1#ekstern`);
  assert.equal(num(`select count(*) from audit where action = 'round_invite' and object = 'round:${id}' and login = 'leder.voksen'`), 1);
  for (const path of paths) assert.equal((await ekstern.get(path)).status, 200, path);
  const again = await leder.post(`/d/VHS/rounds/${id}/invite`, { csrf, user: String(userId) });
  assert.equal(again.location, `/d/VHS/rounds/${id}?invited=0#ekstern`);

  // Withdrawn: closed again.
  const rm = await leder.post(`/d/VHS/rounds/${id}/invite/${userId}/remove`, { csrf });
  assert.equal(rm.status, 303);
  assert.equal(num(`select count(*) from round_invite where round_id = ${id}`), 0);
  for (const path of paths) refused(await ekstern.get(path), path);
  const gone = await leder.post(`/d/VHS/rounds/${id}/invite/${userId}/remove`, { csrf });
  assert.equal(gone.status, 404);
});

test('invitations: only to ekstern rounds, only of users with the role ekstern, only by the department', async () => {
  const userId = num("select id from users where login = 'ekstern'");
  const csrf = await leder.csrfFor('/d/VHS/rounds/2');
  // Round 2 is an overordnet ledelsestilsyn.
  // Refusals come back by a 303 to the round page, where the form is, with the message.
  let res = await leder.postInvalid('/d/VHS/rounds/2/invite', { csrf, user: String(userId) });
  assert.match(res.posted.location, /^\/d\/VHS\/rounds\/2\?fejl=[0-9a-f]{64}$/);
  assert.match(res.text, /<div class="error-summary"/);
  assert.match(res.text, /Kun et eksternt tilsyn kan have inviterede eksterne konsulenter/);
  assert.match(res.text, /Overordnet ledelsestilsyn/);
  res = await leder.postInvalid(`/d/VHS/rounds/2/invite/${userId}/remove`, { csrf });
  assert.match(res.text, /Kun et eksternt tilsyn/);
  // A caseworker of the department is no outside reviewer.
  const signeId = num("select id from users where login = 'signe'");
  res = await leder.postInvalid(`/d/VHS/rounds/${ext}/invite`, { csrf, user: String(signeId) });
  assert.match(res.text, /Signe Økjær har ikke rollen ekstern i afdelingen/);
  res = await leder.postInvalid(`/d/VHS/rounds/${ext}/invite`, { csrf, user: 'x' });
  assert.match(res.text, /Vælg den eksterne konsulent/);
  assert.equal(num('select count(*) from round_invite where round_id = 2'), 0);
  // The invited consultant cannot invite or withdraw anyone (a handler's 403, audited).
  const ecsrf = await ekstern.csrfFor(`/d/VHS/rounds/${ext}/expectation`);
  refused(await ekstern.post(`/d/VHS/rounds/${ext}/invite`, { csrf: ecsrf, user: String(userId) }), 'invite as ekstern');
  refused(await ekstern.post(`/d/VHS/rounds/${ext}/invite/${userId}/remove`, { csrf: ecsrf }), 'remove as ekstern');
  assert.equal(denied('ekstern', `POST /d/VHS/rounds/${ext}/invite/${userId}/remove`), 1);
  assert.equal(num(`select count(*) from round_invite where round_id = ${ext}`), 1);
  // A caseworker is turned away by the router; without a token nobody gets through.
  refused(await signe.post(`/d/VHS/rounds/${ext}/invite`, { csrf: await signe.csrfFor('/'), user: String(userId) }), 'signe');
  refused(await leder.post(`/d/VHS/rounds/${ext}/invite`, { user: String(userId) }), 'no CSRF token');
});

test('the expectation alignment: CPR numbers refused naming the field, long texts refused, saved and audited', async () => {
  const path = `/d/VHS/rounds/${ext}/expectation`;
  const page = await ekstern.get(path);
  assert.equal(page.status, 200);
  for (const name of ['learn', 'worries', 'implementation', 'previous', 'staff', 'organisation', 'focus'])
    assert.match(page.text, new RegExp(`<textarea id="${name}" name="${name}" rows="4" maxlength="4000"`), name);
  const csrf = Client.csrf(page.text);
  const stored = q(`select worries from round_expectation where round_id = ${ext}`);
  const form = { csrf, learn: 'Om borgerne inddrages.', worries: 'Borgeren 010190-1234 har klaget.', implementation: '',
    previous: '', staff: '', organisation: '', focus: 'SEL § 85' };
  // Refused: 303 back to the form, the summary on top, what was typed kept (the number masked), once.
  let res = await ekstern.postInvalid(path, form);
  assert.match(res.posted.location, new RegExp(`^${path}\\?fejl=[0-9a-f]{64}$`));
  assert.match(res.text, /<div class="error-summary"[^]*Feltet »Hvad bekymrer jer\?« ser ud til at indeholde et CPR-nummer/);
  assert.match(res.text, /Borgeren 010190-xxxx har klaget\./, 'what was typed is shown again, masked');
  assert.ok(!res.text.includes('010190-1234'));
  assert.match(res.text, />Om borgerne inddrages\.<\/textarea>/);
  assert.doesNotMatch((await ekstern.get(res.posted.location)).text, /error-summary|Om borgerne inddrages/);
  assert.equal(q(`select worries from round_expectation where round_id = ${ext}`), stored, 'nothing stored');
  res = await ekstern.postInvalid(path, { ...form, worries: '', staff: 'ø'.repeat(4001) });
  assert.match(res.text, /Feltet »Hvordan er medarbejdergruppen sammensat\?« er for langt: 4001 tegn, højst 4000/);

  const audited = `select count(*) from audit where action = 'expectation_save' and login = 'ekstern' and object = 'round:${ext}'`;
  const before = num(audited);
  res = await ekstern.post(path, { ...form, worries: '  Lange sagsbehandlingstider.  ' });
  assert.equal(res.status, 303);
  assert.equal(res.location, `${path}?saved=1`);
  assert.equal(q(`select worries || '|' || focus || '|' || implementation from round_expectation where round_id = ${ext}`),
    'Lange sagsbehandlingstider.|SEL § 85|');
  assert.equal(num(audited), before + 1);
  const saved = await ekstern.get(`${path}?saved=1`);
  assert.match(saved.text, /Forventningsafstemningen er gemt/);
  assert.match(saved.text, /af Camilla Berg \(konsulent\)/);
  // The department's working group edits it too; a caseworker may not; other kinds have none.
  res = await leder.post(path, { ...form, csrf: await leder.csrfFor(path), worries: 'Frister.' });
  assert.equal(res.status, 303);
  refused(await signe.get(path), 'signe');
  const other = await leder.get('/d/VHS/rounds/2/expectation');
  assert.equal(other.status, 404);
  assert.match(other.text, /Forventningsafstemningen hører til et eksternt tilsyn/);
  res = await leder.post('/d/VHS/rounds/2/expectation', { ...form, csrf: await leder.csrfFor(path), worries: '' });
  assert.equal(res.status, 400);
  assert.equal(num('select count(*) from round_expectation where round_id = 2'), 0);
});

test('the consultant reviews a case, and is a reviewer only where invited', async () => {
  const own = caseOf(ext, 'ekstern');
  const page = await ekstern.get(`/d/VHS/rounds/${ext}/cases/${own}`);
  assert.equal(page.status, 200);
  const question = num(`select q.id from question q join round_catalogue rc on rc.catalogue_id = q.catalogue_id
    where rc.round_id = ${ext} and q.scale = 'jdn' and q.cond_question is null order by rc.position, q.position limit 1`);
  const revision = num(`select coalesce((select revision from answer where round_id = ${ext} and case_id = ${own}
    and question_id = ${question}), 0)`);
  const res = await ekstern.post(`/d/VHS/rounds/${ext}/cases/${own}/answer`,
    { csrf: Client.csrf(page.text), question: String(question), revision: String(revision), value: 'nej', comment: 'Mangler begrundelse.' });
  assert.equal(res.status, 200, res.text);
  assert.equal(q(`select a.value || '|' || u.login from answer a join users u on u.id = a.updated_by
    where a.round_id = ${ext} and a.case_id = ${own} and a.question_id = ${question}`), 'nej|ekstern');

  // The review page offers the invited consultant, preset, for an ekstern round ...
  const progress = await leder.get(`/d/VHS/rounds/${ext}/review`);
  const userId = num("select id from users where login = 'ekstern'");
  assert.match(progress.text, new RegExp(`name="reviewer" value="${userId}" checked> Camilla Berg`));
  // ... and not for round 2, where giving them a case is refused.
  const two = await leder.get('/d/VHS/rounds/2/review');
  assert.doesNotMatch(two.text, /Camilla Berg/);
  const case2 = num('select case_id from round_case where round_id = 2 order by sample_key limit 1');
  const refusedAssign = await leder.postInvalid('/d/VHS/rounds/2/assign', { csrf: Client.csrf(two.text), case: String(case2), reviewer: String(userId) });
  assert.equal(refusedAssign.status, 200);
  assert.equal(num(`select count(*) from round_case where round_id = 2 and reviewer_id = ${userId}`), 0);
  // The consultant's own cases are on their front page.
  const home = await ekstern.get('/');
  assert.match(home.text, new RegExp(`href="/d/VHS/rounds/${ext}/cases/${own}"`));
});

test('the consultant writes and finalises the report text; the reports say Eksternt tilsyn', async () => {
  const path = `/d/VHS/rounds/${ext}/report`;
  const page = await ekstern.get(path);
  assert.match(page.text, /<h2>Det eksterne tilsyns tekst<\/h2>/);
  const res = await ekstern.post(path, { csrf: Client.csrf(page.text), summary: 'Sagerne er generelt godt oplyst.',
    strengths: 'Borgerne inddrages.', challenges: 'Begrundelserne er standardprægede.',
    recommendations: 'Undervisning i begrundelse efter forvaltningslovens § 24.', action: 'final' });
  assert.equal(res.status, 303);
  assert.equal(q(`select status from report_text where round_id = ${ext}`), 'endelig');
  const html = await ekstern.get(`${path}/download?audience=ledelse&format=html`);
  assert.equal(html.status, 200);
  assert.match(html.text, /Voksenhandicap · Eksternt tilsyn/);
  assert.match(html.text, /<h2 id="vurdering">Det eksterne tilsyns vurdering<\/h2>/);
  assert.match(html.text, /Begrundelserne er standardprægede\./);
  assert.doesNotMatch(html.text, /ledelsestilsyn|Arbejdsgruppens/i);
  const pdf = await ekstern.get(`${path}/download?audience=medarbejdere&format=pdf`);
  assert.equal(pdf.status, 200);
  assert.match(pdf.headers.get('content-type'), /application\/pdf/);
  // An overordnet round keeps the working group's words.
  const cmd = cli(db, ['report', '2', '--audience', 'ledelse', '--format', 'html', '-o', `${db}.r2.html`]);
  assert.equal(cmd.status, 0, cmd.stderr);
});

test('the command line: round invite and uninvite, with clear refusals', () => {
  const id = newExternalRound('Eksternt tilsyn: kommandolinjen');
  let r = cli(db, ['round', 'invite', String(id), 'ekstern']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Camilla Berg \\(konsulent\\) \\(ekstern\\) er inviteret til tilsyn ${id}\\.`));
  assert.equal(num(`select count(*) from round_invite i join users u on u.id = i.user_id where i.round_id = ${id} and u.login = 'ekstern'`), 1);
  r = cli(db, ['round', 'invite', String(id), 'ekstern']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /var allerede inviteret/);
  // round assign --auto gives an ekstern round's cases to the invited.
  r = cli(db, ['round', 'assign', String(id), '--auto']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(num(`select count(*) from round_case rc join users u on u.id = rc.reviewer_id where rc.round_id = ${id}
    and rc.status = 'udtrukket' and u.login = 'ekstern'`), 5);
  r = cli(db, ['round', 'uninvite', String(id), 'ekstern']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /5 sager er stadig fordelt til ekstern/);
  assert.equal(num(`select count(*) from round_invite where round_id = ${id}`), 0);
  r = cli(db, ['round', 'uninvite', String(id), 'ekstern']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /var ikke inviteret/);

  for (const [args, re] of [
    [['round', 'invite', '2', 'ekstern'], /round invite 2 ekstern: Kun et eksternt tilsyn kan have inviterede eksterne konsulenter/],
    [['round', 'invite', String(id), 'signe'], /Signe Økjær har ikke rollen ekstern i afdelingen/],
    [['round', 'invite', String(id), 'ingen.bruger'], /brugeren 'ingen.bruger' findes ikke/],
    [['round', 'invite', '999', 'ekstern'], /tilsyn nummer 999 findes ikke/],
    [['round', 'invite', String(id)], /brug: tilsyn round invite TILSYN LOGIN/],
  ]) {
    r = cli(db, args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.match(cli(db, ['round', '--help']).stdout, /round invite TILSYN LOGIN/);
});

// Issue 12, item 7: the consultant gets the round's review and report, nothing about individual
// caseworkers: no per-caseworker results, no individual feedback (links or downloads), each
// refusal a Danish 403 that is audited. The department's leder still has them all.
test('invited: no caseworker is shown to the consultant: per-caseworker results and individual feedback are 403', async () => {
  const advisor = q(`select c.advisor from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${ext} and rc.status = 'udtrukket' order by c.advisor limit 1`);
  assert.ok(advisor, 'the round has a sampled caseworker');
  const enc = encodeURIComponent(advisor);
  const objectDenied = () => num(`select count(*) from audit where action = 'access_denied' and login = 'ekstern'
    and object = 'round:${ext}'`);

  // The round page: the sample (each case with its caseworker, for the review), but not each
  // caseworker's share of the sample and of the department's list.
  const roundPage = await ekstern.get(`/d/VHS/rounds/${ext}`);
  assert.equal(roundPage.status, 200);
  assert.match(roundPage.text, /Udtrukne sager/);
  assert.doesNotMatch(roundPage.text, /Fordeling pr. rådgiver/);
  assert.match((await leder.get(`/d/VHS/rounds/${ext}`)).text, /Fordeling pr. rådgiver/);

  // The results page: the round's figures, no per-caseworker section and no way to choose one.
  const results = await ekstern.get(`/d/VHS/rounds/${ext}/results`);
  assert.equal(results.status, 200);
  assert.match(results.text, /Samlet og pr. område/);
  assert.doesNotMatch(results.text, /Pr. rådgiver|name="advisor"/);
  const viaLeder = await leder.get(`/d/VHS/rounds/${ext}/results`);
  assert.match(viaLeder.text, /Pr. rådgiver/, 'the leder still chooses a caseworker');

  // The report page: ledelse and medarbejdere downloads, no caseworker's feedback.
  const report = await ekstern.get(`/d/VHS/rounds/${ext}/report`);
  assert.equal(report.status, 200);
  assert.match(report.text, /audience=ledelse/);
  assert.match(report.text, /audience=medarbejdere/);
  assert.doesNotMatch(report.text, /audience=raadgiver|Tilbagemelding til/);
  assert.match((await leder.get(`/d/VHS/rounds/${ext}/report`)).text, /audience=raadgiver/);

  const before = objectDenied();
  const paths = [`/d/VHS/rounds/${ext}/results?advisor=${enc}`, `/d/VHS/rounds/${ext}/results/mine`];
  for (const format of ['html', 'pdf', 'xlsx'])
    paths.push(`/d/VHS/rounds/${ext}/report/download?audience=raadgiver:${enc}&format=${format}`);
  paths.push(`/d/VHS/rounds/${ext}/report/download?audience=raadgiver&format=html`);
  for (const path of paths) {
    const res = await ekstern.get(path);
    refused(res, path);
    assert.match(res.text, /ikke tal eller tilbagemeldinger for den enkelte rådgiver/, path);
    assert.doesNotMatch(res.text, new RegExp(advisor), path);
  }
  assert.equal(objectDenied(), before + paths.length, 'every refusal audited');
  assert.equal(num(`select count(*) from audit where login = 'ekstern' and action = 'results_advisor_view'`), 0);

  // The round's own reports stay theirs; the leder still downloads a caseworker's feedback.
  for (const audience of ['ledelse', 'medarbejdere'])
    assert.equal((await ekstern.get(`/d/VHS/rounds/${ext}/report/download?audience=${audience}&format=html`)).status, 200);
  assert.equal((await leder.get(`/d/VHS/rounds/${ext}/report/download?audience=raadgiver:${enc}&format=html`)).status, 200);
  assert.equal((await leder.get(`/d/VHS/rounds/${ext}/results?advisor=${enc}`)).status, 200);
});
