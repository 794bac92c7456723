// The whole cycle of a department, from an empty database to a re-measurement, through the
// command line as a municipality's scripts would drive it: working group, planning answers,
// information meeting, sample, review (by registration sheet), phases with reasons, results,
// meetings with feedback, an action aimed at a question, a second round eight months later,
// the action's change measured against it, the annual plan's warnings at each step, and the
// calendar read back by an independent iCalendar parser (python's icalendar from Debian).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, freshDb, sqlite } from '../lib/server.mjs';
import { readSheet, writeSheet } from '../lib/xlsx.mjs';

let db, dir, cleanup;
before(() => ({ db, dir, cleanup } = freshDb()));
after(() => cleanup());

const ok = (args, input) => {
  const r = cli(db, args, input);
  assert.equal(r.status, 0, `tilsyn ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const json = (args) => JSON.parse(ok(args));
const codes = (plan) => plan.warnings.map((w) => `${w.code}:${w.round}`).sort();

const ADVISORS = ['Rikke Holm', 'Jonas Bech', 'Amalie Friis'];
const SEED1 = '11'.repeat(32), SEED2 = '22'.repeat(32);

// Fills the registration sheet of a round: answer(i, j) for case row i and question column j.
function review(round, name, answer) {
  const file = join(dir, `${name}.xlsx`);
  ok(['round', 'sheet', String(round), '-o', file]);
  const s = readSheet(file);
  const questions = [];
  for (let c = 1; s.cells[`${col(c)}1`]; c++) questions.push(s.cells[`${col(c)}1`]);
  const cases = [];
  for (let row = 2; s.cells[`A${row}`]; row++) cases.push(s.cells[`A${row}`]);
  // Only the plain ja/nej questions without a condition are answered; the rest stay empty.
  const plain = new Set(sqlite(db, `select q.code from question q join round_catalogue rc on rc.catalogue_id = q.catalogue_id
    where rc.round_id = ${round} and q.scale in ('jdn', 'jn') and q.cond_question is null`).split('\n'));
  const asked = questions.filter((q) => plain.has(q));
  const rows = [['Sagsnummer', ...asked]];
  cases.forEach((c, i) => rows.push([c, ...asked.map((q, j) => answer(i, j, q))]));
  const filled = join(dir, `${name}-udfyldt.xlsx`);
  writeSheet(filled, rows);
  ok(['answers', 'import', String(round), filled, '--user', 'koord.syd']);
  return { questions: asked, cases };
}
const col = (n) => String.fromCharCode(65 + n);

test('a department runs a tilsyn, follows up, and measures again eight months later', () => {
  ok(['department', 'add', 'SYD', '--name', 'Børnehandicap Syd', '--area', 'barn']);
  ok(['user', 'add', 'leder.syd', '--name', 'Lone Vestergaard', '--role', 'leder', '--department', 'SYD'], 'kodeord-til-syd-1\n');
  ok(['user', 'add', 'koord.syd', '--name', 'Kasper Lund', '--role', 'koordinator', '--department', 'SYD'], 'kodeord-til-syd-2\n');
  ADVISORS.forEach((name, i) =>
    ok(['user', 'add', `rg${i + 1}.syd`, '--name', name, '--role', 'raadgiver', '--department', 'SYD'], `kodeord-til-syd-r${i}\n`));

  // The working group: empty, it departs from the recommendation; leader, coordinator and a
  // caseworker follow it.
  assert.ok(json(['workgroup', 'list', '--department', 'SYD', '--format', 'json']).warnings.length > 0);
  ok(['workgroup', 'add', 'leder.syd', '--department', 'SYD', '--function', 'leder']);
  ok(['workgroup', 'add', 'koord.syd', '--department', 'SYD', '--function', 'koordinator']);
  ok(['workgroup', 'add', 'rg1.syd', '--department', 'SYD', '--function', 'raadgiver']);
  assert.deepEqual(json(['workgroup', 'list', '--department', 'SYD', '--format', 'json']).warnings, []);

  // The case list: 80 cases over three caseworkers.
  const lines = ['Sagsnummer;Rådgiver;Paragraf;Startdato'];
  for (let i = 1; i <= 80; i++) lines.push(`SYD-${String(i).padStart(4, '0')};${ADVISORS[i % 3]};BL § 86;0${1 + (i % 9)}-03-2025`);
  const csv = join(dir, 'sager.csv');
  writeFileSync(csv, lines.join('\r\n') + '\r\n');
  ok(['cases', 'import', csv, '--department', 'SYD']);

  // Planning the spring round.
  const r1 = ok(['round', 'create', '--department', 'SYD', '--kind', 'overordnet', '--title', 'Overordnet forår 2026',
    '--start', '2026-02-02', '--end', '2026-03-27']).trim();
  ok(['round', 'plan', r1, '--performers', 'Arbejdsgruppen', '--cases', '30', '--selection', 'Tilfældig stikprøve',
    '--timing', 'Februar og marts', '--gathering', 'Registreringsark', '--stopop', '1']);
  assert.equal(sqlite(db, `select planned_cases || '|' || stopop_meetings from round_plan where round_id = ${r1}`), '30|1');

  let plan = json(['plan', '--department', 'SYD', '--year', '2026', '--format', 'json']);
  assert.deepEqual(plan.rounds.map((r) => r.id), [Number(r1)]);
  assert.ok(codes(plan).includes('too_few_rounds:null'), codes(plan).join());
  assert.ok(codes(plan).includes(`staff_not_informed:${r1}`), 'no information meeting before the planned start');
  assert.ok(!codes(plan).some((c) => c.startsWith('working_group')));

  // Staff minutes may not name a case: refused, nothing stored; then the real information meeting.
  const before = sqlite(db, 'select count(*) from meeting');
  const bad = cli(db, ['meeting', 'add', '--department', 'SYD', '--kind', 'information', '--round', r1, '--date', '2026-01-20',
    '--status', 'afholdt', '--minutes', 'Vi tog sag SYD-0007 som eksempel.']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /sagsnummer/i);
  assert.equal(sqlite(db, 'select count(*) from meeting'), before);
  ok(['meeting', 'add', '--department', 'SYD', '--kind', 'information', '--round', r1, '--date', '2026-01-20',
    '--status', 'afholdt', '--participants', 'Hele afdelingen', '--minutes', 'Rammer og tidsplan for tilsynet gennemgået.']);

  // Sample, assign and review: question column 0 is met in 15 of the 30 cases.
  ok(['round', 'sample', r1, '--size', '30', '--seed', SEED1]);
  ok(['round', 'assign', r1, '--auto']);
  const first = review(r1, 'r1', (i, j) => (j === 0 ? (i % 2 ? 'ja' : 'nej') : 'ja'));
  assert.equal(first.cases.length, 30);
  const target = first.questions[0];

  // Moving on with cases not marked finished asks for a reason, which is kept.
  assert.equal(sqlite(db, `select phase from round where id = ${r1}`), 'gennemgang', 'the first answers start the review');
  let move = cli(db, ['round', 'phase', r1, 'analyse']);
  assert.equal(move.status, 2, 'a reason is required');
  assert.match(move.stderr, /30/);
  ok(['round', 'phase', r1, 'analyse', '--reason', 'Registreringsarket er udfyldt for alle sager.']);
  assert.equal(sqlite(db, `select reason from round_phase_change where round_id = ${r1} and to_phase = 'analyse'`),
    'Registreringsarket er udfyldt for alle sager.');

  const res = json(['round', 'results', r1, '--format', 'json']);
  const q0 = res.questions.find((q) => q.code === target);
  assert.deepEqual([q0.yes, q0.no], [15, 15]);

  // Feedback: management, staff and each caseworker with cases in the sample.
  ok(['round', 'phase', r1, 'tilbagemelding']);
  ok(['meeting', 'add', '--department', 'SYD', '--kind', 'ledelse', '--round', r1, '--date', '2026-04-07', '--status', 'afholdt',
    '--minutes', 'Sagsoplysningen skal styrkes.']);
  ok(['meeting', 'add', '--department', 'SYD', '--kind', 'personale', '--round', r1, '--date', '2026-04-14', '--status', 'afholdt',
    '--minutes', 'Resultaterne fremlagt på personalemødet.']);
  move = cli(db, ['round', 'phase', r1, 'opfoelgning']);
  assert.equal(move.status, 2, 'individual feedback not given yet');
  const sampledAdvisors = sqlite(db, `select distinct c.advisor from round_case rc join cases c on c.id = rc.case_id
    where rc.round_id = ${r1} and rc.status = 'udtrukket' order by 1`).split('\n');
  for (const a of sampledAdvisors)
    ok(['meeting', 'add', '--department', 'SYD', '--kind', 'individuel', '--round', r1, '--advisor', a, '--date', '2026-04-21',
      '--status', 'afholdt']);
  ok(['round', 'phase', r1, 'opfoelgning']);

  // An action aimed at the weak question.
  const action = ok(['action', 'add', '--department', 'SYD', '--title', 'Tjekliste til sagsoplysning', '--owner', 'koord.syd',
    '--due', '2026-06-30', '--round', r1, '--question', target, '--status', 'gennemfoert']).trim();
  let listed = json(['action', 'list', '--department', 'SYD', '--format', 'json']).find((a) => String(a.id) === action);
  assert.equal(listed.targets[0].change, null, 'nothing to compare with yet');
  ok(['round', 'phase', r1, 'afsluttet']);
  assert.notEqual(sqlite(db, `select coalesce(finished_at, '') from round where id = ${r1}`), '');

  // The autumn round, eight months later: the question is now met in 27 of 30.
  const r2 = ok(['round', 'create', '--department', 'SYD', '--kind', 'overordnet', '--title', 'Overordnet efterår 2026',
    '--start', '2026-10-05', '--end', '2026-11-27']).trim();
  ok(['meeting', 'add', '--department', 'SYD', '--kind', 'information', '--round', r2, '--date', '2026-09-29', '--status', 'afholdt']);
  ok(['round', 'sample', r2, '--size', '30', '--seed', SEED2]);
  ok(['round', 'assign', r2, '--auto']);
  review(r2, 'r2', (i, j) => (j === 0 ? (i < 3 ? 'nej' : 'ja') : 'ja'));

  plan = json(['plan', '--department', 'SYD', '--year', '2026', '--format', 'json']);
  assert.deepEqual(plan.rounds.map((r) => r.id), [Number(r1), Number(r2)]);
  assert.deepEqual(codes(plan), [], `a plan that follows the recommendations has no warnings: ${codes(plan)}`);

  // The action shows the change in its question, with Newcombe's interval excluding 0.
  listed = json(['action', 'list', '--department', 'SYD', '--format', 'json']).find((a) => String(a.id) === action);
  const t = listed.targets[0];
  assert.equal(listed.next_round, Number(r2));
  assert.deepEqual([t.before.yes, t.before.base, t.change.yes, t.change.base], [15, 30, 27, 30]);
  assert.ok(Math.abs(t.change.diff - 0.4) < 1e-9);
  assert.equal(t.change.verdict, 'improved');
  assert.ok(t.change.diff_low > 0);

  // A third overordnet round two months later is measured too soon.
  const r3 = ok(['round', 'create', '--department', 'SYD', '--kind', 'overordnet', '--title', 'Ekstra måling december',
    '--start', '2026-12-07', '--end', '2026-12-18']).trim();
  plan = json(['plan', '--department', 'SYD', '--year', '2026', '--format', 'json']);
  assert.ok(codes(plan).includes(`remeasure_too_soon:${r3}`), codes(plan).join());

  // The calendar, read back by python's icalendar.
  const ics = join(dir, 'syd.ics');
  ok(['calendar', '--department', 'SYD', '-o', ics]);
  const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
print(json.dumps([[str(e.get('summary')), str(e.decoded('dtstart'))] for e in cal.walk('VEVENT')]))
`, ics], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const events = JSON.parse(py.stdout);
  assert.ok(events.some(([s, d]) => s.includes('Overordnet forår 2026') && d === '2026-02-02'), JSON.stringify(events));
  assert.ok(events.some(([s]) => s.includes('Tjekliste til sagsoplysning')), 'the action due date is in the calendar');
  assert.ok(!events.some(([s]) => /SYD-\d{4}/.test(s)), 'no case numbers in the calendar');

  // Every step was audited, and the chain holds.
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});
