// Editing, deleting and re-measuring a round (issue 13, "Rounds"), from outside: the real CLI
// and the real server on copies of the demo database. Edits change title, period, kind (only
// before the draw) and themes (only before the first answer), audited; a finished round is
// closed (exit 2, 409). A round is deleted with a reason while no case is reviewed: refused
// with exit 2 or a Danish 409 after that, 403 for a caseworker; the web asks to confirm first.
// The audit log keeps every entry about a deleted round and names its title and the reason.
// `round list` has exactly the documented JSON keys. The round page's task list names the
// next step; in the follow-up one POST makes the re-measurement 9 months on, in the plan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, Client, cli, sqlite } from '../lib/server.mjs';

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

test('round edit changes title, period, kind and themes, audited; refuses bad input and closed rounds with exit 2', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const q = (sql) => sqlite(db, sql);
    // Round 7 is being planned: everything may change.
    let r = cli(db, ['round', 'edit', '7', '--title', 'Uddybende forår 2027', '--kind', 'uddybende',
      '--start', '2027-03-01', '--end', '2027-05-31', '--theme', 'barnets-plan']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(q('select title, kind, planned_start, planned_end from round where id = 7'),
      'Uddybende forår 2027|uddybende|2027-03-01|2027-05-31');
    assert.equal(q('select group_concat(theme) from round_theme where round_id = 7'), 'barnets-plan');
    // An uddybende round has no overordnet catalogue by default; its theme is its catalogue.
    assert.equal(q(`select group_concat(c.code || ':' || rc.position) from round_catalogue rc
      join catalogue c on c.id = rc.catalogue_id where rc.round_id = 7`), 'barnets-plan:1');
    const entry = q(`select detail from audit where action = 'round_edit' and object = 'round:7'`);
    assert.match(entry, /titel: «Overordnet ledelsestilsyn forår 2027» → «Uddybende forår 2027»/);
    assert.match(entry, /art: overordnet → uddybende/);
    assert.match(entry, /temaer: ingen → barnets-plan/);
    // Back to overordnet, no themes given: the themes stay, the default catalogue comes back.
    r = cli(db, ['round', 'edit', '7', '--kind', 'overordnet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(q(`select group_concat(c.code || ':' || rc.position, ' ') from (select * from round_catalogue
      order by position) rc join catalogue c on c.id = rc.catalogue_id where rc.round_id = 7`),
      'overordnet-barn:0 barnets-plan:1');

    const refused = (args, message) => {
      const before = q('select title, kind, planned_start, planned_end from round where id = ' + args[2]) +
        q(`select count(*) from audit where action = 'round_edit'`);
      const res = cli(db, args);
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.equal(q('select title, kind, planned_start, planned_end from round where id = ' + args[2]) +
        q(`select count(*) from audit where action = 'round_edit'`), before, 'nothing changed');
    };
    refused(['round', 'edit', '7', '--start', '2027-02-30'], /Datoer skal skrives som ÅÅÅÅ-MM-DD/);
    refused(['round', 'edit', '7', '--start', '2027-06-01'], /Slutdatoen ligger før startdatoen/);
    refused(['round', 'edit', '7', '--kind', 'stor'], /Arten skal være overordnet, uddybende eller ekstern/);
    refused(['round', 'edit', '7', '--title', ''], /Titel mangler/);
    refused(['round', 'edit', '7', '--theme', 'findes-ikke'], /Et tema findes ikke som udgivet temakatalog/);
    refused(['round', 'edit', '7'], /angiv mindst én af --title/);
    // Round 1 is drawn: its kind is fixed. Round 3 has answers: its themes are fixed.
    refused(['round', 'edit', '1', '--kind', 'uddybende'], /Arten kan ikke ændres, når stikprøven er trukket/);
    refused(['round', 'edit', '3', '--theme', 'barnets-plan'], /Temaerne kan ikke ændres, når gennemgangen er begyndt/);
    // Round 4 is finished: closed as every other write (phase.c, round_writable).
    refused(['round', 'edit', '4', '--title', 'Nyt navn'], /Tilsynet er afsluttet\. Genåbn det med et faseskift tilbage/);
    // Round 1's title may still change after the draw.
    assert.equal(cli(db, ['round', 'edit', '1', '--title', 'Forår 2026']).status, 0);
  } finally {
    cleanup();
  }
});

test('round delete needs a reason, is refused once a case has answers, and keeps the audit log and the meetings', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const q = (sql) => sqlite(db, sql);
    let r = cli(db, ['round', 'delete', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--reason TEKST mangler/);
    r = cli(db, ['round', 'delete', '1', '--reason', '   ']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Skriv en begrundelse for at slette tilsynet/);
    r = cli(db, ['round', 'delete', '1', '--reason', 'Sagen 010190-1234 var forkert']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /ligner et CPR-nummer/);
    // Round 3 has answers: refused, and so is finished round 4.
    r = cli(db, ['round', 'delete', '3', '--reason', 'Forkert afdeling']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Tilsynet kan ikke slettes, fordi \d+ sager er gennemgået eller har svar/);
    assert.equal(q('select count(*) from round where id = 3'), '1');
    r = cli(db, ['round', 'delete', '4', '--reason', 'Gammelt']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Tilsynet er afsluttet/);
    // Round 1 is drawn and assigned, with a meeting planned, but nobody has answered yet.
    r = cli(db, ['meeting', 'add', '--department', 'BHS', '--kind', 'information', '--date', '2026-03-01', '--round', '1']);
    assert.equal(r.status, 0, r.stderr);
    const meeting = q('select max(id) from meeting');
    const entriesBefore = Number(q(`select count(*) from audit where object = 'round:1'`));
    assert.ok(entriesBefore > 0);
    assert.ok(Number(q('select count(*) from round_case where round_id = 1')) > 0);
    r = cli(db, ['round', 'delete', '1', '--reason', 'Oprettet to gange']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Tilsyn 1 «Overordnet ledelsestilsyn forår 2026» er slettet/);
    assert.equal(q('select count(*) from round where id = 1'), '0');
    for (const table of ['round_case', 'round_theme', 'round_catalogue', 'round_plan', 'round_phase_change'])
      assert.equal(q(`select count(*) from ${table} where round_id = 1`), '0', table);
    // The meeting stays in the department, no longer tied to the round.
    assert.equal(q(`select coalesce(round_id, 'ingen') from meeting where id = ${meeting}`), 'ingen');
    // Every entry about the round stays; the deletion names its title and the reason.
    assert.equal(Number(q(`select count(*) from audit where object = 'round:1'`)), entriesBefore + 1);
    assert.match(q(`select detail from audit where action = 'round_delete' and object = 'round:1'`),
      /^«Overordnet ledelsestilsyn forår 2026» \(overordnet\) slettet\. Begrundelse: Oprettet to gange\..*Bevaret uden tilknytning til tilsynet: 1 møder og 0 tiltag\.$/);
    // ... and each sampled case's own log says it left the sample with the round.
    const caseNo = q(`select c.case_no from audit a join cases c on 'case:' || c.id = a.object
      where a.action = 'round_delete_case' limit 1`);
    assert.equal(Number(q(`select count(*) from audit where action = 'round_delete_case'`)), 30);
    r = cli(db, ['audit', 'case', caseNo, '--department', 'BHS', '--format', 'text']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tog sagen ud af stikprøven, da tilsynet blev slettet/);
    r = cli(db, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    r = cli(db, ['round', 'edit', '1', '--title', 'x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /tilsyn nummer 1 findes ikke/);
  } finally {
    cleanup();
  }
});

test('round list --format json has exactly id, title, kind, phase, start, end and cases; text is Danish', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    let r = cli(db, ['round', 'list', '--department', 'BHS', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const rounds = JSON.parse(r.stdout);
    assert.deepEqual(rounds.map((x) => x.id).sort((a, b) => a - b), [1, 3, 4, 5, 7]);
    for (const x of rounds) {
      assert.deepEqual(Object.keys(x), ['id', 'title', 'kind', 'phase', 'start', 'end', 'cases']);
      assert.equal(typeof x.id, 'number');
      assert.equal(typeof x.cases, 'number');
      assert.match(x.start, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(x.end, /^\d{4}-\d{2}-\d{2}$/);
    }
    const three = rounds.find((x) => x.id === 3);
    assert.equal(three.kind, 'uddybende');
    assert.equal(three.phase, 'gennemgang');
    assert.equal(three.cases, Number(sqlite(db, `select count(*) from round_case where round_id = 3 and status = 'udtrukket'`)));
    assert.equal(rounds.find((x) => x.id === 7).cases, 0);
    // A round without dates gives null, not "".
    cli(db, ['round', 'edit', '7', '--start', '', '--end', '']);
    r = cli(db, ['round', 'list', '--department', 'BHS', '--format', 'json']);
    const seven = JSON.parse(r.stdout).find((x) => x.id === 7);
    assert.equal(seven.start, null);
    assert.equal(seven.end, null);
    r = cli(db, ['round', 'list', '--department', 'BHS']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^3\tUddybende tilsyn: sagsoplysning og begrundelse\tUddybende ledelsestilsyn\tGennemgang\t\d+\. [a-z]+ \d{4} – /m);
    assert.doesNotMatch(r.stdout, /\d{4}-\d{2}-\d{2}/);
    r = cli(db, ['round', 'list', '--department', 'NOPE']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /afdelingen 'NOPE' findes ikke/);
    r = cli(db, ['round', 'list', '--department', 'BHS', '--format', 'csv']);
    assert.equal(r.status, 2);
  } finally {
    cleanup();
  }
});

// ---- the web ----

let server, koord, anne;
const wq = (sql) => sqlite(server.db, sql);
before(async () => {
  server = await startServer();
  koord = new Client(server.url);
  anne = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
});
after(async () => { await server?.stop(); });

test('the edit page: the working group edits (303 and a message), a caseworker gets 403, a finished round is refused', async () => {
  let res = await anne.get('/d/BHS/rounds/7/edit');
  assert.equal(res.status, 403);
  res = await koord.get('/d/BHS/rounds/7/edit');
  assert.equal(res.status, 200);
  assert.match(res.text, /<input id="title" name="title" required maxlength="200" value="Overordnet ledelsestilsyn forår 2027">/);
  assert.match(res.text, /<select id="kind" name="kind">/);
  assert.match(res.text, /<button type="submit" class="danger">Slet tilsynet …<\/button>/);
  const csrf = Client.csrf(res.text);
  const anneCsrf = await anne.csrfFor('/d/BHS');
  res = await anne.post('/d/BHS/rounds/7/edit', { csrf: anneCsrf, title: 'Af en rådgiver' });
  assert.equal(res.status, 403);
  assert.equal(wq('select title from round where id = 7'), 'Overordnet ledelsestilsyn forår 2027');

  res = await koord.post('/d/BHS/rounds/7/edit', { csrf, title: 'Forår 2027', kind: 'overordnet', start: '2027-03-01',
    end: '2027-04-30', themes: '1', theme: 'barnets-plan' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/d/BHS/rounds/7?edited=1');
  assert.equal(wq('select title || planned_start || planned_end from round where id = 7'), 'Forår 20272027-03-012027-04-30');
  assert.equal(wq('select group_concat(theme) from round_theme where round_id = 7'), 'barnets-plan');
  res = await koord.get(res.location);
  assert.match(res.text, /class="msg ok" role="status">Ændringerne er gemt\./);
  // Unticking every theme clears them (the form says it sent its themes).
  res = await koord.post('/d/BHS/rounds/7/edit', { csrf, title: 'Forår 2027', kind: 'overordnet', start: '2027-03-01',
    end: '2027-04-30', themes: '1' });
  assert.equal(res.status, 303);
  assert.equal(wq('select count(*) from round_theme where round_id = 7'), '0');
  // Bad input: 303 back to the edit page, the summary on top and what was typed kept (every
  // ticked theme too), once; nothing changed.
  res = await koord.postInvalid('/d/BHS/rounds/7/edit', [['csrf', csrf], ['title', 'Forår 2027'], ['kind', 'uddybende'],
    ['start', '2027-05-01'], ['end', '2027-04-30'], ['themes', '1'], ['theme', 'barnets-plan'], ['theme', 'sagsoplysning']]);
  assert.match(res.posted.location, /^\/d\/BHS\/rounds\/7\/edit\?fejl=[0-9a-f]{64}$/);
  assert.match(res.text, /<div class="error-summary"[^]*<li>Slutdatoen ligger før startdatoen\./);
  assert.match(res.text, /id="start" name="start" type="date" value="2027-05-01"/);
  assert.match(res.text, /<option value="uddybende" selected>/);
  assert.match(res.text, /value="barnets-plan" checked>/);
  assert.match(res.text, /value="sagsoplysning" checked>/);
  assert.doesNotMatch((await koord.get(res.posted.location)).text, /error-summary|2027-05-01/);
  assert.equal(wq('select planned_start from round where id = 7'), '2027-03-01');
  // After the draw the kind is shown, not offered.
  res = await koord.get('/d/BHS/rounds/1/edit');
  assert.match(res.text, /<select id="kind" disabled/);
  res = await koord.postInvalid('/d/BHS/rounds/1/edit', { csrf, kind: 'uddybende' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Arten kan ikke ændres, når stikprøven er trukket/);
  // A finished round: closed, as every other write.
  res = await koord.get('/d/BHS/rounds/4/edit');
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.text, /name="title"/);
  res = await koord.postInvalid('/d/BHS/rounds/4/edit', { csrf, title: 'Nyt navn' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Tilsynet er afsluttet\. Genåbn det med et faseskift tilbage/);
});

test('deleting on the web: 403 for a caseworker, a Danish refusal once a case has answers, a confirmation step, then 303', async () => {
  const csrf = await koord.csrfFor('/d/BHS/rounds/1/edit');
  const anneCsrf = await anne.csrfFor('/d/BHS');
  let res = await anne.post('/d/BHS/rounds/1/delete', { csrf: anneCsrf, reason: 'Fejl', confirm: '1' });
  assert.equal(res.status, 403);
  assert.equal(wq('select count(*) from round where id = 1'), '1');
  // Round 3 has answers: refused, by a 303 to the round page with the reason in Danish; no delete form.
  res = await koord.postInvalid('/d/BHS/rounds/3/delete', { csrf, reason: 'Fejl', confirm: '1' });
  assert.equal(res.status, 200);
  assert.match(res.posted.location, /^\/d\/BHS\/rounds\/3\?fejl=[0-9a-f]{64}$/);
  assert.match(decode(res.text), /<div class="error-summary"[^]*<li>Tilsynet kan ikke slettes, fordi \d+ sager er gennemgået eller har svar/);
  assert.doesNotMatch(res.text, /action="\/d\/BHS\/rounds\/3\/delete"/);
  assert.equal(wq('select count(*) from round where id = 3'), '1');
  res = await koord.postInvalid('/d/BHS/rounds/4/delete', { csrf, reason: 'Fejl', confirm: '1' });
  assert.equal(res.status, 200);
  // No reason: back to the edit page with the message. With a reason, first the confirmation, which changes nothing.
  res = await koord.postInvalid('/d/BHS/rounds/1/delete', { csrf, reason: '' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /Skriv en begrundelse for at slette tilsynet/);
  res = await koord.post('/d/BHS/rounds/1/delete', { csrf, reason: 'Oprettet ved en fejl' });
  assert.equal(res.status, 200);
  assert.match(decode(res.text), /<h1>Vil du slette «Overordnet ledelsestilsyn forår 2026»\?<\/h1>/);
  assert.match(res.text, /<input type="hidden" name="confirm" value="1">/);
  assert.match(res.text, /<input type="hidden" name="reason" value="Oprettet ved en fejl">/);
  assert.match(res.text, /<button type="submit" class="danger">Ja, slet tilsynet<\/button>/);
  assert.equal(wq('select count(*) from round where id = 1'), '1');
  res = await koord.post('/d/BHS/rounds/1/delete', { csrf, reason: 'Oprettet ved en fejl', confirm: '1' });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/d/BHS/rounds?deleted=1');
  assert.equal(wq('select count(*) from round where id = 1'), '0');
  assert.match(wq(`select detail from audit where action = 'round_delete' and object = 'round:1'`),
    /«Overordnet ledelsestilsyn forår 2026» \(overordnet\) slettet\. Begrundelse: Oprettet ved en fejl\./);
  assert.equal(wq(`select login from audit where action = 'round_delete'`), 'koordinator.barn');
  res = await koord.get(res.location);
  assert.match(res.text, /Tilsynet er slettet\./);
  assert.equal((await koord.get('/d/BHS/rounds/1')).status, 404);
});

test('the task list names the next step from the data, and the follow-up makes the re-measurement in one POST', async () => {
  // A new round: the plan comes first.
  const fresh = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Ny runde']).stdout.trim();
  let res = await koord.get(`/d/BHS/rounds/${fresh}`);
  assert.match(res.text, new RegExp(`<p class="next-action">Næste skridt: <a href="/d/BHS/rounds/${fresh}#planlaegning">Besvar planlægningsspørgsmålene</a></p>`));
  assert.match(res.text, /id="trin-plan"><span class="task-name"><a [^>]*>Planlæg tilsynet<\/a><\/span> <strong class="tag ready">Ikke startet<\/strong>/);
  // Round 7 has its planning answers (the demo's): next, inform the staff.
  res = await koord.get('/d/BHS/rounds/7');
  assert.match(res.text, /id="trin-plan">.*<strong class="tag done">Færdig<\/strong>/);
  assert.match(res.text, /<p class="next-action">Næste skridt: <a href="\/d\/BHS\/meetings\/new\?round=7&amp;kind=information">Planlæg et informationsmøde for medarbejderne<\/a><\/p>/);
  assert.match(res.text, /id="trin-sample"><span class="task-name"><a [^>]*>Træk stikprøven<\/a><\/span> <strong class="tag ready">Ikke startet<\/strong>/);
  assert.match(res.text, /id="trin-review"><span class="task-name">Gennemgå sagerne<\/span> <strong class="tag blocked">Kan ikke startes endnu<\/strong>/);
  assert.match(res.text, /<a href="\/hjaelp">/);
  assert.match(res.text, /<nav class="round-links"[^>]*>.*Gennemgang.*Resultater.*Rapport/s);
  // The task list comes before the phase form and the protocol.
  res = await koord.get('/d/BHS/rounds/3');
  const at = (s) => res.text.indexOf(s);
  assert.ok(at('class="tasklist"') > 0 && at('class="tasklist"') < at('id="fase"') && at('id="fase"') < at('>Udtrækningsprotokol</h2>'));
  assert.match(res.text, /id="trin-review"><span class="task-name"><a [^>]*>Gennemgå sagerne<\/a><\/span> <strong class="tag doing">I gang<\/strong>/);
  assert.match(res.text, /id="trin-sample">.*<strong class="tag done">Færdig<\/strong>/);
  assert.doesNotMatch(res.text, /Opret genmålingen/);
  const csrf = Client.csrf(res.text);
  // Not in the follow-up yet: refused.
  res = await koord.postInvalid('/d/BHS/rounds/3/remeasure', { csrf });
  assert.equal(res.status, 200);
  res = await koord.post('/d/BHS/rounds/3/phase', { csrf, to: 'opfoelgning', reason: 'Resten gennemgås i næste runde' });
  assert.equal(res.status, 303);
  res = await koord.get('/d/BHS/rounds/3');
  assert.match(res.text, /<strong class="tag doing">I gang<\/strong>/);
  const start = wq('select planned_start from round where id = 3');
  assert.equal(start, '2026-09-07');
  assert.match(decode(res.text), /Opret genmålingen/);
  assert.match(decode(res.text), /planlagt 7\. juni 2027 – /);
  const anneCsrf = await anne.csrfFor('/d/BHS');
  assert.equal((await anne.post('/d/BHS/rounds/3/remeasure', { csrf: anneCsrf })).status, 403);
  res = await koord.post('/d/BHS/rounds/3/remeasure', { csrf });
  assert.equal(res.status, 303);
  const id = wq('select id from round where remeasure_of = 3');
  assert.equal(res.location, `/d/BHS/rounds/${id}?remeasure=1`);
  assert.equal(wq(`select kind || '|' || title || '|' || planned_start || '|' || planned_end from round where id = ${id}`),
    `uddybende|Genmåling: Uddybende tilsyn: sagsoplysning og begrundelse|2027-06-07|${wq(`select date('2027-06-07', '+' || (julianday(planned_end) - julianday(planned_start)) || ' days') from round where id = 3`)}`);
  const cats = (r) => wq(`select group_concat(c.code || ':' || rc.position, ' ') from (select * from round_catalogue
    where round_id = ${r} order by position) rc join catalogue c on c.id = rc.catalogue_id`);
  assert.equal(cats(id), cats(3));
  assert.equal(wq(`select group_concat(theme) from (select theme from round_theme where round_id = ${id} order by theme)`),
    wq(`select group_concat(theme) from (select theme from round_theme where round_id = 3 order by theme)`));
  // A second click finds the one made.
  res = await koord.post('/d/BHS/rounds/3/remeasure', { csrf });
  assert.equal(res.location, `/d/BHS/rounds/${id}?remeasure=1`);
  assert.equal(wq('select count(*) from round where remeasure_of = 3'), '1');
  // Each links to the other, and the annual plan of 2027 shows it without a "too soon" warning for it.
  res = await koord.get(`/d/BHS/rounds/${id}`);
  assert.match(decode(res.text), /Genmåling af <a href="\/d\/BHS\/rounds\/3">Uddybende tilsyn: sagsoplysning og begrundelse<\/a>/);
  res = await koord.get('/d/BHS/rounds/3');
  assert.match(res.text, new RegExp(`Genmåles i <a href="/d/BHS/rounds/${id}">`));
  const plan = JSON.parse(cli(server.db, ['plan', '--department', 'BHS', '--year', '2027', '--format', 'json']).stdout);
  assert.ok(plan.rounds.some((r) => r.id === Number(id) && r.planned_start === '2027-06-07'));
  assert.ok(!plan.warnings.some((w) => w.code === 'remeasure_too_soon' && w.round === Number(id)));
  res = await koord.get('/d/BHS/plan?year=2027');
  assert.match(decode(res.text), /Genmåling: Uddybende tilsyn/);
});
