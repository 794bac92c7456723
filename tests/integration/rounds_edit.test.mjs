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
