// `tilsyn demo` gives a newcomer a municipality to look at: two departments, people in every
// role, realistic case lists, a sampled round in each department and one round half-way
// through its review. Checked on the real SQLite file the command writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, sqlite } from '../lib/server.mjs';

let dir, db;
const num = (sql) => Number(sqlite(db, sql));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tilsyn-demo-'));
  db = join(dir, 'tilsyn.db');
  const r = cli(db, ['demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /tilsyn-demo-2026/);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('two departments with users in every role', () => {
  assert.equal(sqlite(db, 'select group_concat(code || ":" || area) from (select * from department order by code)'), 'BHS:barn,VHS:voksen');
  assert.equal(num('select count(*) from users where is_admin = 1'), 1);
  for (const role of ['leder', 'koordinator', 'raadgiver', 'ekstern'])
    assert.ok(num(`select count(*) from membership where role = '${role}'`) >= 1, role);
});

test('case lists with caseloads that differ between caseworkers, and no CPR numbers', () => {
  for (const code of ['BHS', 'VHS']) {
    const loads = sqlite(db, `select count(*) from cases c join department d on d.id = c.department_id where d.code = '${code}' group by advisor`)
      .split('\n').map(Number);
    assert.equal(loads.length, 4, code);
    assert.ok(Math.min(...loads) >= 20 && Math.max(...loads) > Math.min(...loads), `${code} caseloads ${loads}`);
  }
  assert.equal(num(`select count(*) from cases where case_no glob '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'`), 0);
});

test('a sampled overordnet round in each department and an uddybende round half-way through review', () => {
  // Rounds 1-5 as they always were; later features add their rounds after them (the external
  // review is tests/integration/external.test.mjs).
  assert.equal(sqlite(db, `select group_concat(kind || ':' || phase) from (select * from round where id <= 5 order by id)`),
    'overordnet:udvaelgelse,overordnet:udvaelgelse,uddybende:gennemgang,overordnet:afsluttet,overordnet:afsluttet');
  assert.equal(num(`select count(*) from round_case where round_id = 1 and status = 'udtrukket'`), 30);
  assert.equal(num(`select count(*) from round_case where round_id = 2 and status = 'udtrukket'`), 30);
  assert.equal(num(`select count(*) from round_theme where round_id = 3`), 2);
  const status = Object.fromEntries(sqlite(db, `select review_status, count(*) from round_case where round_id = 3 group by 1`)
    .split('\n').map((l) => l.split('|')));
  assert.ok(Number(status.faerdig) > 0 && Number(status.i_gang) > 0 && Number(status.ikke_startet) > 0, JSON.stringify(status));
  assert.equal(num(`select count(*) from round_case where round_id = 3 and reviewer_id is null`), 0, 'every case has a reviewer');
  assert.equal(num(`select count(*) from round_case rc join cases c on c.id = rc.case_id join users u on u.id = rc.reviewer_id
    where rc.round_id = 3 and lower(u.name) = lower(c.advisor)`), 0, 'nobody reviews their own case');
  assert.equal(num(`select count(*) from round_case where round_id = 3 and acute = 1`), 1);
  assert.equal(num(`select count(*) from round_case where round_id = 3 and example_consent = 1 and consent_by is not null`), 1);
  const results = JSON.parse(cli(db, ['round', 'results', '3', '--format', 'json']).stdout);
  assert.ok(results.questions.some((q) => q.fulfilled !== null && q.yes > 0), 'the round has results');
  assert.equal(cli(db, ['audit', 'verify']).status, 0);
});

test('two finished rounds from 2025, so the later one compares with the earlier', () => {
  assert.equal(sqlite(db, `select group_concat(planned_start) from (select planned_start from round where phase = 'afsluttet' order by id)`),
    '2025-03-03,2025-09-01');
  assert.equal(num(`select count(*) from round_case where round_id in (4, 5) and review_status <> 'faerdig'`), 0);
  const later = JSON.parse(cli(db, ['round', 'results', '5', '--format', 'json']).stdout);
  assert.ok(later.questions.every((q) => q.previous === null || q.previous.round === 4));
  assert.ok(later.questions.some((q) => q.previous?.verdict === 'improved'), 'the demo shows an improvement');
  // Sampled back then: their cases do not block a new sample today.
  assert.equal(num(`select count(*) from round where id in (4, 5) and sampled_at < '2026-01-01'`), 2);
});
