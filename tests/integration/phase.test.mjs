// The planning answers and the phases of a round, over HTTP and on the command line. Moving on
// with work left (cases not reviewed, feedback not given) is answered 409 with the page saying
// what is left and asking for a reason; with a reason the move is made and the reason kept in
// round_phase_change and the audit log. Afsluttet dates the round, reopening clears the date.
// Free text is checked (valid UTF-8, length, no CPR number, the message naming the field);
// a rådgiver's post is refused with 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, sqlite } from '../lib/server.mjs';

let server, koord, anne;
before(async () => {
  server = await startServer();
  koord = new Client(server.url);
  anne = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const phase = (id) => q(`select phase from round where id = ${id}`);
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

test('the round page shows the phase, the finished rounds\' history with its reason, and links to the meetings', async () => {
  const page = await koord.get('/d/BHS/rounds/4');
  assert.equal(page.status, 200);
  assert.match(page.text, /<li aria-current="step"><strong>Afsluttet<\/strong><\/li>/);
  assert.match(page.text, /<caption>Fasehistorik<\/caption>/);
  const rows = [...page.text.matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)]
    .map((m) => m.slice(1).join('|'));
  assert.deepEqual(rows, [
    'Planlægning|Udvælgelse|automatisk|Mette Juhl', 'Udvælgelse|Gennemgang|automatisk|Mette Juhl',
    'Gennemgang|Analyse||Mette Juhl',
    'Analyse|Tilbagemelding||Karen Holm',
    'Tilbagemelding|Opfølgning|To rådgivere er på kursus; de får deres individuelle tilbagemelding, når de er tilbage.|Karen Holm',
    'Opfølgning|Afsluttet||Karen Holm',
  ]);
  assert.equal(q('select finished_at from round where id = 4'), '2025-07-01T14:00:00Z');
  assert.match(page.text, /<a href="\/d\/BHS\/meetings\?round=4">Møder<\/a>/);
  assert.match(page.text, /<a href="\/d\/BHS\/workgroup">Arbejdsgruppe<\/a>/);
  // The demo's planning answers are in the form.
  assert.match(page.text, /<input id="plan-cases" name="planned_cases" type="number"[^>]* value="30"/);
  assert.match(page.text, /Gennemgang i de otte planlagte uger, med et stop-op-møde midtvejs\./);
});

test('moving on with cases left comes back (303) with what is left; nothing changes until a reason is given', async () => {
  // Round 3 is half-way through its review.
  const unfinished = q(`select count(*) from round_case where round_id = 3 and status = 'udtrukket' and review_status <> 'faerdig'`);
  assert.ok(Number(unfinished) > 0);
  const page = await koord.get('/d/BHS/rounds/3');
  assert.ok(decode(page.text).includes(`Før fasen Analyse: ${unfinished} af 20 udtrukne sager er ikke færdiggennemgået.`));
  const csrf = Client.csrf(page.text);
  const auditBefore = q(`select count(*) from audit where action = 'round_phase'`);

  let res = await koord.postInvalid('/d/BHS/rounds/3/phase', { csrf, to: 'analyse', reason: '' });
  assert.equal(res.status, 200);
  const text = decode(res.text);
  assert.match(res.posted.location, /^\/d\/BHS\/rounds\/3\?fejl=[0-9a-f]{64}$/, 'by a 303 to the round page');
  assert.match(text, /<div class="error-summary"[^]*<li>Der er arbejde tilbage, før tilsynet går videre til fasen Analyse/);
  assert.ok(text.includes(`${unfinished} af 20 udtrukne sager er ikke færdiggennemgået. Skriv en begrundelse`));
  assert.match(res.text, /<option value="analyse" selected>/, 'the chosen phase is kept');
  assert.equal(phase(3), 'gennemgang');
  // Only the demo's automatic moves (the draw, the first answer) are recorded so far.
  assert.equal(q(`select group_concat(to_phase || ':' || reason) from round_phase_change where round_id = 3`),
    'udvaelgelse:automatisk,gennemgang:automatisk');
  assert.equal(q(`select count(*) from audit where action = 'round_phase'`), auditBefore);

  res = await koord.post('/d/BHS/rounds/3/phase', { csrf, to: 'analyse', reason: 'Resten gennemgås efter stop-op-mødet' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/d/BHS/rounds/3?phase=1');
  assert.equal(phase(3), 'analyse');
  assert.equal(q(`select from_phase || '>' || to_phase || '|' || reason || '|' || by_name || '|' || (by_id = (select id from users
    where login = 'koordinator.barn')) from round_phase_change where round_id = 3 and reason <> 'automatisk'`),
  'gennemgang>analyse|Resten gennemgås efter stop-op-mødet|Mette Juhl|1');
  const audit = q(`select login || '|' || object || '|' || detail from audit where action = 'round_phase' order by id desc limit 1`);
  assert.equal(audit, `koordinator.barn|round:3|gennemgang → analyse. Arbejde tilbage: ${unfinished} af 20 udtrukne sager er ikke færdiggennemgået. Begrundelse: Resten gennemgås efter stop-op-mødet`);
  const after = await koord.get(res.location);
  assert.match(after.text, /Tilsynet er nu i fasen Analyse\./);
  assert.match(after.text, /<td>Resten gennemgås efter stop-op-mødet<\/td><td>Mette Juhl<\/td>/);
});

test('moving back needs no reason, except out of afsluttet; afsluttet sets finished_at and leaving it clears it', async () => {
  const csrf = await koord.csrfFor('/d/BHS/rounds/3');
  let res = await koord.post('/d/BHS/rounds/3/phase', { csrf, to: 'gennemgang' });
  assert.equal(res.status, 303);
  assert.equal(phase(3), 'gennemgang');

  // Straight to afsluttet: the review and the feedback are left; the page names both.
  res = await koord.postInvalid('/d/BHS/rounds/3/phase', { csrf, to: 'afsluttet' });
  assert.equal(res.status, 200);
  const text = decode(res.text);
  assert.match(text, /udtrukne sager er ikke færdiggennemgået/);
  assert.match(text, /Individuel tilbagemelding er ikke givet til \d+ rådgivere \(/);
  assert.match(text, /Resultaterne er ikke fremlagt på et afholdt personalemøde/);
  assert.equal(q('select finished_at is null from round where id = 3'), '1');

  res = await koord.post('/d/BHS/rounds/3/phase', { csrf, to: 'afsluttet', reason: 'Tilsynet stoppes; temaet tages op igen til foråret' });
  assert.equal(res.status, 303);
  assert.match(q('select finished_at from round where id = 3'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // Reopening a finished tilsyn needs a reason (reopen.test.mjs tests the rest).
  res = await koord.postInvalid('/d/BHS/rounds/3/phase', { csrf, to: 'gennemgang' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Skriv en begrundelse for at genåbne det/);
  assert.equal(phase(3), 'afsluttet');
  res = await koord.post('/d/BHS/rounds/3/phase', { csrf, to: 'gennemgang', reason: 'Temaet tages op igen nu' });
  assert.equal(res.status, 303);
  assert.equal(q('select finished_at is null from round where id = 3'), '1');
  assert.equal(q('select count(*) from round_phase_change where round_id = 3 and reason is null'), '1');
});

test('a bad phase or a CPR number in the reason is refused (303 back with the message); a rådgiver gets 403', async () => {
  const csrf = await koord.csrfFor('/d/BHS/rounds/1');
  let res = await koord.postInvalid('/d/BHS/rounds/1/phase', { csrf, to: 'faerdig' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Vælg en fase/);
  res = await koord.postInvalid('/d/BHS/rounds/1/phase', { csrf, to: 'udvaelgelse' });
  assert.equal(res.status, 200);
  assert.match(res.text, /allerede i fasen Udvælgelse/);
  res = await koord.postInvalid('/d/BHS/rounds/1/phase', { csrf, to: 'analyse', reason: 'jf. 010190-1234' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Begrundelsen ligner et CPR-nummer/);
  assert.ok(!res.text.includes('010190-1234'), 'the number is not echoed');
  res = await koord.postInvalid('/d/BHS/rounds/1/phase', { csrf, to: 'analyse', reason: 'x'.repeat(1001) });
  assert.equal(res.status, 200);
  assert.match(res.text, /højst 1000 tegn/);
  res = await koord.post('/d/VHS/rounds/2/phase', { csrf, to: 'analyse', reason: 'x' });
  assert.equal(res.status, 403, 'another department');

  const annes = await anne.csrfFor('/');
  res = await anne.post('/d/BHS/rounds/1/phase', { csrf: annes, to: 'analyse', reason: 'jeg vil videre' });
  assert.equal(res.status, 403);
  res = await anne.post('/d/BHS/rounds/1/plan', { csrf: annes, performers: 'Anne' });
  assert.equal(res.status, 403);
  assert.equal(phase(1), 'udvaelgelse');
  assert.equal(q(`select count(*) from round_phase_change where round_id = 1 and reason <> 'automatisk'`), '0');
  assert.equal(q(`select performers from round_plan where round_id = 1`).startsWith('Mette Juhl'), true);
});

test('the planning form saves every answer; a CPR number is refused naming the field, and nothing is saved', async () => {
  const r = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'uddybende', '--title', 'Planlægningstest',
    '--theme', 'sagsoplysning']);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  let page = await koord.get(`/d/BHS/rounds/${id}`);
  assert.match(page.text, /<details class="plan" open><summary>Planlægningsspørgsmål<\/summary>/, 'open while planning');
  const csrf = Client.csrf(page.text);
  const answers = {
    performers: 'Mette Juhl og Anne Bækgaard', planned_cases: '18', selection: 'Sager med afgørelse efter § 86 i 2026',
    timing: 'Uge 3-6 i 2027', gathering: 'Direkte i tilsyn; stop-op efter 10 sager', stopop_meetings: '1',
  };
  let res = await koord.post(`/d/BHS/rounds/${id}/plan`, { csrf, ...answers });
  assert.equal(res.status, 303);
  assert.equal(res.location, `/d/BHS/rounds/${id}?planned=1`);
  assert.equal(q(`select performers || '|' || planned_cases || '|' || selection || '|' || timing || '|' || gathering || '|' ||
    stopop_meetings || '|' || (updated_by = (select id from users where login = 'koordinator.barn')) from round_plan where round_id = ${id}`),
  'Mette Juhl og Anne Bækgaard|18|Sager med afgørelse efter § 86 i 2026|Uge 3-6 i 2027|Direkte i tilsyn; stop-op efter 10 sager|1|1');
  assert.equal(q(`select count(*) from audit where action = 'round_plan' and object = 'round:${id}'`), '1');
  page = await koord.get(res.location);
  assert.match(page.text, /Planlægningen er gemt\./);
  assert.match(page.text, /value="18"/);
  assert.match(decode(page.text), /Der er planlagt færre sager end anbefalet: et uddybende ledelsestilsyn bør omfatte mindst 20 sager/);

  // A CPR number in one field: 303 back naming the field, what was typed kept in the form, nothing saved.
  res = await koord.postInvalid(`/d/BHS/rounds/${id}/plan`, { csrf, ...answers, timing: 'Uge 5', gathering: 'Noter fra 0101901234' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Feltet »Hvordan samles resultaterne« ligner et CPR-nummer/);
  assert.ok(!res.text.includes('0101901234'), 'the number is not shown back');
  assert.match(res.text, /<textarea id="plan-timing" name="timing"[^>]*>Uge 5<\/textarea>/);
  assert.match(res.text, /<details class="plan" open>/);
  assert.equal(q(`select timing from round_plan where round_id = ${id}`), 'Uge 3-6 i 2027');

  for (const [form, message] of [
    [{ planned_cases: 'mange' }, /Feltet »Antal sager« skal være et helt tal fra 1 til 100000/],
    [{ stopop_meetings: '99' }, /Feltet »Stop-op-møder« skal være et helt tal fra 0 til 50/],
    [{ selection: 'æ'.repeat(2001) }, /Feltet »Hvordan udvælges sagerne« skal være gyldig tekst på højst 2000 tegn/],
  ]) {
    res = await koord.postInvalid(`/d/BHS/rounds/${id}/plan`, { csrf, ...answers, ...form });
    assert.equal(res.status, 200, JSON.stringify(form).slice(0, 40));
    assert.match(decode(res.text), message);
  }
  assert.equal(q(`select planned_cases || '|' || stopop_meetings from round_plan where round_id = ${id}`), '18|1');
  // Invalid UTF-8 never reaches the handler: the router refuses it.
  res = await koord.request('POST', `/d/BHS/rounds/${id}/plan`, {
    body: `csrf=${csrf}&performers=%FF%FE`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 400);
  assert.equal(q(`select performers from round_plan where round_id = ${id}`), 'Mette Juhl og Anne Bækgaard');
});

test('CLI: round plan shows and changes answers; round phase exits 2 naming what is left, and moves with --reason', () => {
  const db = server.db;
  let r = cli(db, ['round', 'plan', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Antal sager: 30$/m);
  assert.match(r.stdout, /^Hvem udfører tilsynet: Mette Juhl \(koordinator\)/m);

  r = cli(db, ['round', 'plan', '1', '--cases', '24', '--stopop', '2', '--timing', 'Marts og april']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Antal sager: 24$/m);
  assert.match(r.stdout, /^Hvornår: Marts og april$/m);
  assert.match(r.stdout, /^Stop-op-møder: 2$/m);
  assert.match(r.stderr, /advarsel: Der er planlagt færre sager end anbefalet/);
  assert.match(q('select selection from round_plan where round_id = 1'), /^Tilfældig stikprøve/, 'other answers kept');

  r = cli(db, ['round', 'plan', '1', '--selection', 'cpr 010190-1234']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Feltet »Hvordan udvælges sagerne« ligner et CPR-nummer/);
  r = cli(db, ['round', 'plan', '1', '--cases', 'mange']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /»Antal sager«/);
  r = cli(db, ['round', 'plan', '999']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tilsyn nummer 999 findes ikke/);

  // Round 2 (VHS) has 30 sampled cases, none reviewed.
  r = cli(db, ['round', 'phase', '2', 'analyse']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /der er arbejde tilbage: 30 af 30 udtrukne sager er ikke færdiggennemgået\. Angiv --reason TEKST/);
  assert.equal(phase(2), 'udvaelgelse');
  r = cli(db, ['round', 'phase', '2', 'gennemgang']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /er nu i fasen gennemgang \(Gennemgang\)/);
  r = cli(db, ['round', 'phase', '2', 'analyse', '--reason', 'Prøvekørsel af analysen']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(phase(2), 'analyse');
  assert.equal(q(`select reason || '|' || by_name || '|' || (by_id is null) from round_phase_change where round_id = 2 and to_phase = 'analyse'`),
    'Prøvekørsel af analysen|kommandolinjen|1');
  assert.equal(q(`select count(*) from audit where action = 'round_phase' and ip = 'kommandolinje'`), '2');
  r = cli(db, ['round', 'phase', '2']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Tilsyn 2 er i fasen analyse \(Analyse\)\.$/m);
  assert.match(r.stdout, /udvaelgelse -> gennemgang\tkommandolinjen\t$/m);
  assert.match(r.stdout, /gennemgang -> analyse\tkommandolinjen\tPrøvekørsel af analysen$/m);

  r = cli(db, ['round', 'phase', '2', 'slut']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Vælg en fase/);
  r = cli(db, ['round', 'phase', '2', 'afsluttet', '--reason', 'se 010190-1234']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /CPR-nummer/);
  assert.equal(phase(2), 'analyse');
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});
