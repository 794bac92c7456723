// The department's working group over HTTP and on the command line: every member but an
// outside reviewer sees who is in it, the leder and koordinator change it (a rådgiver's post
// is refused with 403), departures from the recommendation are warnings and never a block,
// and every change is in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, sqlite } from '../lib/server.mjs';

let server, leder, anne, ekstern;
before(async () => {
  server = await startServer();
  leder = new Client(server.url);
  anne = new Client(server.url);
  ekstern = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await ekstern.login('ekstern')).status, 303);
});
after(async () => { await server?.stop(); });

const userId = (login) => sqlite(server.db, `select id from users where login = '${login}'`);
const members = (code) => sqlite(server.db, `select group_concat(login || ':' || function, ',') from (select u.login, w.function
  from workgroup_member w join users u on u.id = w.user_id join department d on d.id = w.department_id
  where d.code = '${code}' order by u.login)`);
const warnings = (html) => [...html.matchAll(/<div class="msg warn"[^>]*><strong>Bemærk:<\/strong> ([^<]*)<\/div>/g)].map((m) => m[1]);

test('the demo working group follows the recommendation; the page shows it without warnings', async () => {
  assert.equal(members('BHS'), 'anne:raadgiver,koordinator.barn:koordinator,leder.barn:leder');
  assert.equal(members('VHS'), 'koordinator.voksen:koordinator,leder.voksen:leder,peter:raadgiver,signe:raadgiver');
  const page = await leder.get('/d/BHS/workgroup');
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Arbejdsgruppe<\/h1>/);
  for (const name of ['Karen Holm', 'Mette Juhl', 'Anne Bækgaard']) assert.ok(page.text.includes(name), name);
  assert.match(page.text, /<td>Faglig koordinator<\/td>/);
  assert.deepEqual(warnings(page.text), []);
  assert.match(page.text, /name="function"/, 'the leder gets the form');
  const home = await leder.get('/d/BHS');
  assert.match(home.text, /<a href="\/d\/BHS\/workgroup">Arbejdsgruppe<\/a>/);
});

test('a rådgiver sees the group but no form, and her post is refused with 403', async () => {
  const page = await anne.get('/d/BHS/workgroup');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('Karen Holm'));
  assert.doesNotMatch(page.text, /name="function"/);
  assert.doesNotMatch(page.text, /Tag ud/);
  assert.match(page.text, /leder og koordinator sætter arbejdsgruppen sammen/);
  const home = await anne.get('/d/BHS');
  assert.match(home.text, /href="\/d\/BHS\/workgroup"/, 'linked from the department page');
  const csrf = Client.csrf(page.text) ?? await anne.csrfFor('/');
  const res = await anne.post('/d/BHS/workgroup', { csrf, action: 'remove', user: userId('leder.barn') });
  assert.equal(res.status, 403);
  assert.equal(members('BHS'), 'anne:raadgiver,koordinator.barn:koordinator,leder.barn:leder');
});

test('an outside reviewer may not see the group (403, logged)', async () => {
  const before = Number(sqlite(server.db, "select count(*) from audit where action = 'access_denied'"));
  const res = await ekstern.get('/d/VHS/workgroup');
  assert.equal(res.status, 403);
  assert.doesNotMatch(res.text, /Jens Ravn/);
  assert.ok(Number(sqlite(server.db, "select count(*) from audit where action = 'access_denied'")) > before);
  const home = await ekstern.get('/d/VHS');
  assert.doesNotMatch(home.text, /\/workgroup/);
});

test('the leder changes the group: warnings appear, never a block, and every change is audited', async () => {
  let csrf = await leder.csrfFor('/d/BHS/workgroup');
  let res = await leder.post('/d/BHS/workgroup', { csrf, action: 'remove', user: userId('anne') });
  assert.equal(res.status, 303);
  assert.equal(res.location, '/d/BHS/workgroup?removed=1');
  let page = await leder.get(res.location);
  assert.deepEqual(warnings(page.text), [
    'Arbejdsgruppen har færre end 3 personer. Anbefalingen er 3-5 personer.',
    'Arbejdsgruppen har ingen rådgiver. Anbefalingen er 1-3 rådgivere, så praksis er repræsenteret.',
  ]);
  assert.match(page.text, /Personen er taget ud af arbejdsgruppen/);

  // Morten as rådgiver, then Mette's function changed: the group lacks a koordinator.
  res = await leder.post('/d/BHS/workgroup', { csrf, action: 'add', user: userId('morten'), function: 'raadgiver' });
  assert.equal(res.status, 303);
  res = await leder.post('/d/BHS/workgroup', { csrf, action: 'add', user: userId('koordinator.barn'), function: 'raadgiver' });
  assert.equal(res.status, 303);
  assert.equal(members('BHS'), 'koordinator.barn:raadgiver,leder.barn:leder,morten:raadgiver');
  page = await leder.get('/d/BHS/workgroup');
  assert.deepEqual(warnings(page.text), ['Arbejdsgruppen har ingen faglig koordinator. Anbefalingen er, at en faglig koordinator er med.']);

  const audit = sqlite(server.db, `select action || '|' || object || '|' || detail from audit
    where action like 'workgroup_%' and login = 'leder.barn' order by id`).split('\n');
  assert.deepEqual(audit, [
    `workgroup_remove|user:${userId('anne')}|anne`,
    `workgroup_add|user:${userId('morten')}|morten som raadgiver`,
    `workgroup_change|user:${userId('koordinator.barn')}|koordinator.barn: koordinator → raadgiver`,
  ]);
  // Back as it was, for the other tests.
  await leder.post('/d/BHS/workgroup', { csrf, action: 'add', user: userId('koordinator.barn'), function: 'koordinator' });
  await leder.post('/d/BHS/workgroup', { csrf, action: 'remove', user: userId('morten') });
  await leder.post('/d/BHS/workgroup', { csrf, action: 'add', user: userId('anne'), function: 'raadgiver' });
  assert.equal(members('BHS'), 'anne:raadgiver,koordinator.barn:koordinator,leder.barn:leder');
});

test('bad input comes back by a 303 to the page with a Danish message, the choice kept, once; nothing is stored', async () => {
  const csrf = await leder.csrfFor('/d/BHS/workgroup');
  const cases = [
    [{ action: 'add', user: userId('signe'), function: 'raadgiver' }, /ingen rolle i afdelingen BHS/],
    [{ action: 'add', user: userId('morten'), function: 'chef' }, /leder, koordinator eller raadgiver/],
    [{ action: 'add', user: 'x', function: 'raadgiver' }, /Vælg en medarbejder/],
    [{ action: 'remove', user: userId('louise') }, /Louise Krag er ikke med i arbejdsgruppen/],
    [{ action: 'slet', user: userId('anne') }, /Ukendt handling/],
  ];
  for (const [form, message] of cases) {
    const res = await leder.postInvalid('/d/BHS/workgroup', { csrf, ...form });
    assert.equal(res.status, 200, JSON.stringify(form));
    assert.match(res.text, /<div class="error-summary"/);
    assert.match(res.text, message);
    if (form.user === userId('morten')) // a member of BHS, so among the choices
      assert.match(res.text, new RegExp(`<option value="${form.user}" selected>`), 'the person chosen is kept');
    assert.doesNotMatch((await leder.get(res.posted.location)).text, /error-summary/, 'once');
  }
  const vhs = new Client(server.url);
  await vhs.login('leder.voksen');
  const res = await vhs.postInvalid('/d/VHS/workgroup', { csrf: await vhs.csrfFor('/d/VHS/workgroup'), action: 'add', user: userId('ekstern'), function: 'raadgiver' });
  assert.equal(res.status, 200);
  assert.match(res.text, /ekstern konsulent/);
  assert.equal(members('BHS'), 'anne:raadgiver,koordinator.barn:koordinator,leder.barn:leder');
  assert.equal(members('VHS'), 'koordinator.voksen:koordinator,leder.voksen:leder,peter:raadgiver,signe:raadgiver');
});

test('CLI: workgroup add, remove and list (text with the warnings, json)', () => {
  const db = server.db;
  let r = cli(db, ['workgroup', 'list', '--department', 'VHS', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.equal(list.department, 'VHS');
  assert.deepEqual(list.members.map((m) => `${m.login}:${m.function}:${m.role}:${m.counts}`),
    ['leder.voksen:leder:leder:true', 'koordinator.voksen:koordinator:koordinator:true', 'peter:raadgiver:raadgiver:true',
      'signe:raadgiver:raadgiver:true']);
  assert.deepEqual(list.warnings, []);

  r = cli(db, ['workgroup', 'add', 'sofie', '--department', 'VHS', '--function', 'raadgiver']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(db, ['workgroup', 'add', 'ahmad', '--department', 'VHS', '--function', 'raadgiver']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /advarsel: Arbejdsgruppen har flere end 5 personer/);
  r = cli(db, ['workgroup', 'list', '--department', 'VHS']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ahmad\tAhmad Nasser\traadgiver$/m);
  assert.match(r.stdout, /^advarsel: Arbejdsgruppen har flere end 5 personer/m);
  assert.match(r.stdout, /^advarsel: Arbejdsgruppen har flere end 3 rådgivere/m);
  assert.equal(sqlite(db, `select count(*) from audit where action = 'workgroup_add' and ip = 'kommandolinje'`), '2');

  for (const login of ['sofie', 'ahmad']) assert.equal(cli(db, ['workgroup', 'remove', login, '--department', 'VHS']).status, 0);
  r = cli(db, ['workgroup', 'list', '--department', 'VHS']);
  assert.doesNotMatch(r.stdout, /advarsel/);

  // Bad input: exit 2 naming what is wrong, nothing stored.
  const bad = [
    [['workgroup', 'add', 'sofie', '--department', 'VHS', '--function', 'chef'], /leder, koordinator eller raadgiver/],
    [['workgroup', 'add', 'sofie', '--department', 'VHS'], /--function mangler/],
    [['workgroup', 'add', 'nemo', '--department', 'VHS', '--function', 'leder'], /brugeren 'nemo' findes ikke/],
    [['workgroup', 'add', 'sofie', '--department', 'XXX', '--function', 'leder'], /afdelingen 'XXX' findes ikke/],
    [['workgroup', 'add', 'ekstern', '--department', 'VHS', '--function', 'raadgiver'], /ekstern konsulent/],
    [['workgroup', 'remove', 'sofie', '--department', 'VHS'], /ikke med i arbejdsgruppen/],
    [['workgroup', 'list'], /--department mangler/],
    [['workgroup', 'list', '--department', 'VHS', '--format', 'csv'], /--format skal være json eller text/],
    [['workgroup', 'vis', '--department', 'VHS'], /ukendt underkommando/],
  ];
  for (const [args, message] of bad) {
    r = cli(db, args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(members('VHS'), 'koordinator.voksen:koordinator,leder.voksen:leder,peter:raadgiver,signe:raadgiver');
  assert.match(cli(db, ['workgroup', '--help']).stdout, /Anbefalingen er 3-5 personer/);
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});
