// Planning a round fixes its catalogues: the newest published overordnet catalogue for the
// department's target group, or the theme catalogues chosen for an uddybende tilsyn. More
// than two themes is allowed with a warning; an unknown catalogue is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, sqlite } from '../lib/server.mjs';

let server, leder;
before(async () => {
  server = await startServer();
  leder = new Client(server.url);
  assert.equal((await leder.login('leder.voksen')).status, 303);
});
after(async () => { await server?.stop(); });

const codes = (round) => sqlite(server.db, `select group_concat(c.code, ',') from (select c.code from round_catalogue rc
  join catalogue c on c.id = rc.catalogue_id where rc.round_id = ${round} order by rc.position) c`);

test('the planning form offers the theme catalogues for the department and fixes the chosen ones', async () => {
  const page = await leder.get('/d/VHS/rounds');
  assert.match(page.text, /name="theme" value="handleplan-141"/, 'an adults theme is offered');
  assert.doesNotMatch(page.text, /value="barnets-plan"/, 'a children-only theme is not');
  const csrf = Client.csrf(page.text);
  const body = new URLSearchParams({ csrf, kind: 'uddybende', title: 'Tema: sagsoplysning' });
  body.append('theme', 'sagsoplysning');
  body.append('theme', 'frister');
  const res = await leder.request('POST', '/d/VHS/rounds', { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303);
  const id = res.location.match(/rounds\/(\d+)$/)[1];
  assert.equal(codes(id), 'sagsoplysning,frister', 'only the two themes, no overordnet catalogue');
  const round = await leder.get(res.location);
  assert.doesNotMatch(round.text, /mere end to temaer/);
});

test('more than two themes is accepted with a clear warning', async () => {
  const csrf = await leder.csrfFor('/d/VHS/rounds');
  const body = new URLSearchParams({ csrf, kind: 'uddybende', title: 'Tre temaer' });
  for (const t of ['sagsoplysning', 'frister', 'opfoelgning']) body.append('theme', t);
  const res = await leder.request('POST', '/d/VHS/rounds', { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 303);
  const round = await leder.get(res.location);
  assert.match(round.text, /class="msg warn"[^>]*>.*mere end to temaer/s);
});

test('an overordnet round gets the overordnet catalogue for the target group; unknown ones are refused', () => {
  let r = cli(server.db, ['round', 'create', '--department', 'VHS', '--kind', 'overordnet', '--title', 'Efterår']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(codes(r.stdout.trim()), 'overordnet-voksen');
  r = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Efterår']);
  assert.equal(codes(r.stdout.trim()), 'overordnet-barn');
  r = cli(server.db, ['round', 'create', '--department', 'VHS', '--kind', 'uddybende', '--title', 'x',
    '--theme', 'sagsoplysning', '--theme', 'frister', '--theme', 'inddragelse']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /advarsel: 3 temaer/);
  const before = sqlite(server.db, 'select count(*) from round');
  r = cli(server.db, ['round', 'create', '--department', 'VHS', '--kind', 'uddybende', '--title', 'x', '--theme', 'findes-ikke']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tema/i);
  r = cli(server.db, ['round', 'create', '--department', 'VHS', '--kind', 'overordnet', '--title', 'x', '--catalogue', 'findes-ikke']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /catalogue list/);
  assert.equal(sqlite(server.db, 'select count(*) from round'), before, 'nothing half-written');
});
