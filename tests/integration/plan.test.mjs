// The annual plan (årshjul) from outside: `tilsyn plan` gives exactly {"rounds", "warnings"}
// with the documented fields and codes, refuses a bad department, year or format with exit 2
// and a message naming it; the page /d/:dept/plan shows the year's rounds, meetings and action
// deadlines (linked) on a timeline with the same facts in tables, the warnings, and links to
// the previous and next year; only the working group sees it; the department page links to
// it, and the front page of a leder or koordinator lists this year's warnings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, sqlite } from '../lib/server.mjs';

const CODES = ['too_few_rounds', 'too_few_cases', 'too_many_themes', 'remeasure_too_soon', 'working_group',
  'staff_not_informed'];
const ROUND_KEYS = ['id', 'kind', 'title', 'phase', 'planned_start', 'planned_end', 'start', 'end', 'date_source',
  'sampled', 'planned_cases', 'review_started', 'finished', 'themes'];

let server, leder, db;
before(async () => {
  server = await startServer();
  db = server.db;
  leder = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
});
after(async () => { await server?.stop(); });

const plan = (...args) => {
  const r = cli(db, ['plan', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};
const id = (title) => Number(sqlite(db, `select id from round where title = '${title.replaceAll("'", "''")}'`));

test('tilsyn plan --format json: exactly rounds and warnings, with the documented fields', () => {
  const out = plan('--department', 'BHS', '--year', '2026', '--format', 'json');
  assert.deepEqual(Object.keys(out), ['rounds', 'warnings']);
  // The demo's 2026 in the children's department: spring overordnet, autumn uddybende.
  assert.deepEqual(out.rounds.map((r) => r.id), [1, 3]);
  for (const r of out.rounds) assert.deepEqual(Object.keys(r), ROUND_KEYS);
  const [spring, autumn] = out.rounds;
  assert.equal(spring.kind, 'overordnet');
  assert.equal(spring.planned_start, '2026-03-02');
  assert.equal(spring.planned_end, '2026-04-24');
  assert.equal(spring.date_source, 'planned');
  assert.equal(spring.sampled, 30);
  assert.deepEqual(autumn.themes, ['sagsoplysning', 'afgoerelse-og-begrundelse']);
  assert.equal(autumn.sampled, 20);
  for (const w of out.warnings) {
    assert.deepEqual(Object.keys(w), ['code', 'round', 'message']);
    assert.ok(CODES.includes(w.code), w.code);
    assert.ok(w.round === null || out.rounds.some((r) => r.id === w.round));
    assert.ok(w.message.length > 20);
  }
  // Spring 2026 repeats the overordnet of September 2025 after six months.
  const again = out.warnings.find((w) => w.code === 'remeasure_too_soon');
  assert.equal(again.round, 1);
  assert.match(again.message, /6 måneder efter «Overordnet ledelsestilsyn efterår 2025»/);
  // Two tilsyn: enough; the working group follows the recommendation.
  assert.ok(!out.warnings.some((w) => w.code === 'too_few_rounds' || w.code === 'working_group'));
});

test('the next year has its planned round and too few tilsyn; a year without any says so', () => {
  const next = plan('--department', 'BHS', '--year', '2027', '--format', 'json');
  assert.deepEqual(next.rounds.map((r) => r.title), ['Overordnet ledelsestilsyn forår 2027']);
  assert.equal(next.rounds[0].phase, 'planlaegning');
  assert.equal(next.rounds[0].sampled, 0);
  assert.equal(next.rounds[0].planned_cases, 30);
  assert.deepEqual(next.warnings[0], { code: 'too_few_rounds', round: null, message: next.warnings[0].message });
  assert.match(next.warnings[0].message, /kun ét ledelsestilsyn i 2027/);
  // Besides: only the reminder of the information meeting, once its start is near (by today's date).
  assert.ok(next.warnings.slice(1).every((w) => w.code === 'staff_not_informed' && w.round === next.rounds[0].id));
  const empty = plan('--department', 'BHS', '--year', '2031', '--format', 'json');
  assert.deepEqual(empty.rounds, []);
  assert.match(empty.warnings[0].message, /intet ledelsestilsyn i 2031/);
});

test('the CLI sees what is added: few cases planned, three themes, a department without a working group', () => {
  // Through the real commands: an uddybende round in VHS with three themes and a small plan.
  let r = cli(db, ['round', 'create', '--department', 'VHS', '--kind', 'uddybende', '--title', 'PL tre temaer',
    '--theme', 'sagsoplysning', '--theme', 'frister', '--theme', 'opfoelgning', '--start', '2030-02-03', '--end', '2030-03-14']);
  assert.equal(r.status, 0, r.stderr);
  const round = Number(r.stdout.trim());
  sqlite(db, `insert into round_plan (round_id, planned_cases, updated_at) values (${round}, 12, '2030')`);
  sqlite(db, "delete from workgroup_member where department_id = (select id from department where code = 'VHS')");
  const out = plan('--department', 'VHS', '--year', '2030', '--format', 'json');
  const codes = out.warnings.map((w) => `${w.code}:${w.round}`).sort();
  assert.deepEqual(codes, [`too_few_cases:${round}`, 'too_few_rounds:null', `too_many_themes:${round}`,
    'working_group:null']);
  const text = cli(db, ['plan', '--department', 'VHS', '--year', '2030']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^Årshjul 2030 for /);
  assert.match(text.stdout, /PL tre temaer/);
  assert.match(text.stdout, /12 sager planlagt/);
  assert.match(text.stdout, /too_many_themes: «PL tre temaer» har 3 temaer/);
});

test('bad input: exit 2 with a message that names what was wrong', () => {
  const cases = [
    [['--department', 'NOPE', '--year', '2026'], /afdelingen 'NOPE' findes ikke/],
    [['--year', '2026'], /--department KODE mangler/],
    [['--department', 'BHS', '--year', '20x6'], /--year skal være et årstal fra 2000 til 2100, fx 2026, ikke '20x6'/],
    [['--department', 'BHS', '--year', '1999'], /--year skal være et årstal/],
    [['--department', 'BHS', '--format', 'xml'], /--format skal være json eller text, ikke 'xml'/],
    [['--department', 'BHS', 'ekstra'], /ukendt argument til plan: ekstra/],
  ];
  for (const [args, message] of cases) {
    const r = cli(db, ['plan', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '');
  }
  assert.match(cli(db, ['plan', '--help']).stdout, /remeasure_too_soon/);
});

test('the page: timeline, warnings, the year\'s rounds, meetings and deadlines linked, other years', async () => {
  const bhs = sqlite(db, "select id from department where code = 'BHS'");
  sqlite(db, `insert into meeting (department_id, round_id, kind, date, time, status, minutes, created_at, updated_at)
    values (${bhs}, 3, 'information', '2026-08-31', '09:00', 'afholdt', 'Referat: PL-hemmeligt', '2026', '2026')`);
  const meeting = sqlite(db, 'select max(id) from meeting');
  sqlite(db, `insert into meeting (department_id, kind, date, status, created_at, updated_at)
    values (${bhs}, 'personale', '2026-12-03', 'planlagt', '2026', '2026')`);
  sqlite(db, `insert into action_item (department_id, round_id, title, due, created_at, updated_at)
    values (${bhs}, 1, 'PL ny skabelon til afgørelser', '2026-06-30', '2026', '2026')`);
  const action = sqlite(db, 'select max(id) from action_item');
  const r = await leder.get('/d/BHS/plan?year=2026');
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>Årshjul 2026<\/h1>/);
  assert.match(r.text, /<svg [^>]*id="plan-timeline"[^>]*role="img"[^>]*aria-label="Tidslinje for 2026"/);
  assert.match(r.text, /<desc>[^<]*Tabellerne under tidslinjen har de samme oplysninger/);
  // A bar per round, a circle per meeting and a diamond per action due in the year (and one
  // of each in the legend).
  const svg = r.text.slice(r.text.indexOf('<svg'), r.text.indexOf('</svg>'));
  const inYear = (table, column) => Number(sqlite(db, `select count(*) from ${table} where department_id = ${bhs}
    and ${column} between '2026-01-01' and '2026-12-31'`));
  assert.equal((svg.match(/<rect [^>]*height="12"/g) || []).length, 2);
  assert.equal((svg.match(/<circle /g) || []).length, inYear('meeting', 'date') + 1);
  assert.equal((svg.match(/<path d="M/g) || []).length, inYear('action_item', 'due') + 1);
  assert.match(svg, />Tiltagenes frister</);
  assert.match(r.text, /<div class="msg warn" role="status"><strong>Bemærk:<\/strong> «Overordnet ledelsestilsyn forår 2026» måler/);
  assert.match(r.text, /href="\/d\/BHS\/rounds\/1">Overordnet ledelsestilsyn forår 2026<\/a>/);
  assert.match(r.text, new RegExp(`href="/d/BHS/meetings/${meeting}">`));
  assert.match(r.text, new RegExp(`href="/d/BHS/actions/${action}">Frist for tiltag: PL ny skabelon til afgørelser</a>`));
  assert.match(r.text, /31\. august 2026 kl\. 09\.00/);
  assert.doesNotMatch(r.text, /PL-hemmeligt/, 'minutes are not on the plan');
  assert.match(r.text, /href="\/d\/BHS\/plan\?year=2025" rel="prev"/);
  assert.match(r.text, /href="\/d\/BHS\/plan\?year=2027" rel="next"/);
  assert.match(r.text, /href="\/d\/BHS\/calendar\.ics"/);
  // The autumn review began when the demo was made, after the information meeting of 2026-08-31.
  assert.ok(sqlite(db, 'select substr(review_started_at, 1, 10) from round where id = 3') >= '2026-08-31');
  assert.doesNotMatch(r.text, /«Uddybende tilsyn: sagsoplysning og begrundelse»: gennemgangen begyndte/);

  const next = await leder.get('/d/BHS/plan?year=2027');
  assert.equal(next.status, 200);
  assert.match(next.text, /Overordnet ledelsestilsyn forår 2027/);
  assert.match(next.text, /kun ét ledelsestilsyn i 2027/);
  const empty = await leder.get('/d/BHS/plan?year=2040');
  assert.equal(empty.status, 200);
  assert.match(empty.text, /Der er ingen tilsyn i 2040/);
});

test('the page refuses a bad year (400) and anyone outside the working group (403)', async () => {
  for (const year of ['abc', '1999', '2101', '20266', '']) {
    const r = await leder.get(`/d/BHS/plan?year=${year}`);
    assert.equal(r.status, 400, year);
    assert.match(r.text, /Året skal skrives med fire cifre/);
  }
  const anne = new Client(server.url);
  await anne.login('anne');
  assert.equal((await anne.get('/d/BHS/plan')).status, 403);
  assert.equal((await leder.get('/d/VHS/plan')).status, 403);
  const koordinator = new Client(server.url);
  await koordinator.login('koordinator.barn');
  const page = await koordinator.get('/d/BHS/plan');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /calendar\/feed/, 'only the leder makes a subscription address');
  assert.match(page.text, /Lederen kan lave en adresse/);
  assert.equal((await new Client(server.url).get('/d/BHS/plan')).status, 303, 'anonymous: to the login page');
});

test('the department page links to the plan for the working group; the front page lists the warnings', async () => {
  const home = await leder.get('/d/BHS');
  assert.match(home.text, /href="\/d\/BHS\/plan">Årshjul<\/a>/);
  const anne = new Client(server.url);
  await anne.login('anne');
  assert.doesNotMatch((await anne.get('/d/BHS')).text, /\/plan"/);
  assert.doesNotMatch((await anne.get('/')).text, /plan-warn-h/);
  // This year's plan of BHS has warnings whatever year the test runs in (2026: remeasuring;
  // later years: too few tilsyn), so the leder's front page names them and links to the plan.
  const front = await leder.get('/');
  const year = new Date().getFullYear();
  assert.match(front.text, /<h2 id="plan-warn-h">Årshjulet \d{4}<\/h2>/);
  assert.match(front.text, /href="\/d\/BHS\/plan\?year=\d{4}">Børn og unge med handicap<\/a>/);
  assert.ok(front.text.includes(`/d/BHS/plan?year=${year}`) || front.text.includes(`/d/BHS/plan?year=${year - 1}`)
    || front.text.includes(`/d/BHS/plan?year=${year + 1}`), 'the current year');
  const koordinator = new Client(server.url);
  await koordinator.login('koordinator.voksen');
  const other = await koordinator.get('/');
  assert.doesNotMatch(other.text, /\/d\/BHS\/plan/, 'only departments where one is leder or koordinator');
});
