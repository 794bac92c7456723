// Calibration pages in a real browser (Debian chromium) with axe-core: the working group's
// overview (cases, second reviewers, agreement table, disagreements), the second reviewer's
// blind form (answered and saved with the keyboard-free path: click, type, "Gem svar"), the
// front page's "Mine kalibreringssager", and the working group's side-by-side view of a case;
// none has an axe violation, on desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow, PHONE } from '../lib/browser.mjs';

let server, browser, round, base, caseA, q1, q2;
const q = (sql) => sqlite(server.db, sql);

before(async () => {
  browser = await launch();
  server = await startServer();
  round = Number(q(`select r.id from round r join department d on d.id = r.department_id
    where d.code = 'BHS' and r.kind = 'overordnet' and r.review_started_at is null order by r.id limit 1`));
  base = `/d/BHS/rounds/${round}`;
  let r = cli(server.db, ['round', 'assign', String(round), '--auto']);
  if (r.status !== 0) throw new Error(r.stderr);
  caseA = Number(q(`select case_id from round_case where round_id = ${round} and status = 'udtrukket' order by sample_key limit 1`));
  // A second reviewer who is neither the first reviewer nor the caseworker of case A.
  const second = q(`select u.login from users u join membership m on m.user_id = u.id and m.role = 'raadgiver'
    join department d on d.id = m.department_id and d.code = 'BHS'
    where u.id <> (select reviewer_id from round_case where round_id = ${round} and case_id = ${caseA})
    and u.name <> (select advisor from cases where id = ${caseA}) order by u.login limit 1`);
  r = cli(server.db, ['round', 'calibrate', String(round), '--cases', '1', '--reviewers', second]);
  if (r.status !== 0) throw new Error(r.stderr);
  server.second = second;
  [q1, q2] = q(`select q.id from round_catalogue rk join question q on q.catalogue_id = rk.catalogue_id
    join catalogue_section s on s.id = q.section_id where rk.round_id = ${round} and q.scale = 'jdn'
    and q.cond_question is null order by rk.position, s.position, q.position limit 2`).split('\n').map(Number);
  // The first review's answers (the first review's own pages are tested in review.test.mjs).
  q(`insert into answer (round_id, case_id, question_id, value, comment, updated_at) values
    (${round}, ${caseA}, ${q1}, 'ja', 'Oplyst', '2026-03-10T10:00:00Z'),
    (${round}, ${caseA}, ${q2}, 'ja', '', '2026-03-10T10:00:00Z')`);
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

test('the second reviewer answers blind; the overview shows agreement and disagreements; no axe violations',
  { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await login(page, server.url, server.second);
  await expectNoAxeViolations(page, 'front page with Mine kalibreringssager');
  assert.match(await page.textContent('main'), /Mine kalibreringssager/);
  await Promise.all([page.waitForURL(`**${base}/calibration/${caseA}`), page.click(`a[href="${base}/calibration/${caseA}"]`)]);
  await expectNoAxeViolations(page, 'second review form');
  assert.equal(await page.$('#blind') !== null, true);
  assert.ok(!(await page.textContent('main')).includes('Oplyst'), 'blind: the first comment is not on the page');
  await page.check(`input[name="v-${q1}"][value="ja"]`);
  await page.check(`input[name="v-${q2}"][value="nej"]`);
  await page.fill(`textarea[name="c-${q2}"]`, 'Afgørelsen mangler begrundelse');
  await Promise.all([page.waitForURL(/\?saved=2$/), page.click('#calibration-form button[type=submit]')]);
  assert.equal(await page.$eval(`input[name="v-${q2}"]:checked`, (e) => e.value), 'nej');
  await expectNoAxeViolations(page, 'second review form after saving');
  await screenshot(page, 'calibration-second-review');
  await page.setViewportSize(PHONE);
  await expectNoAxeViolations(page, 'second review form, phone');
  assert.ok(await horizontalOverflow(page) <= 0, 'no horizontal scrolling on a phone');
  await page.context().close();

  const lead = await newPage(browser);
  await login(lead, server.url, 'koordinator.barn');
  await lead.goto(`${server.url}${base}`);
  await Promise.all([lead.waitForURL(`**${base}/calibration`), lead.click(`a[href="${base}/calibration"]`)]);
  await expectNoAxeViolations(lead, 'calibration overview');
  const main = await lead.textContent('main');
  assert.match(main, /Uenigheder til drøftelse \(1\)/);
  assert.match(main, /Afgørelsen mangler begrundelse/);
  await screenshot(lead, 'calibration-overview');
  await lead.goto(`${server.url}${base}/calibration/${caseA}`);
  await expectNoAxeViolations(lead, 'calibration case, working group');
  assert.match(await lead.textContent('#answers'), /Oplyst/);
  await lead.setViewportSize(PHONE);
  await lead.goto(`${server.url}${base}/calibration`);
  await expectNoAxeViolations(lead, 'calibration overview, phone');
  await lead.context().close();
});
