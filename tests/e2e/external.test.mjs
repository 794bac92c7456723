// The external review in a real browser (Debian chromium) with axe-core: the leder invites the
// consultant to a new ekstern round and gives them its cases; the consultant logs in, finds the
// round (and only it) on the department's page, writes the expectation alignment (a CPR number
// is refused, naming the field), and reviews one case to the end. No page visited has an axe
// violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli } from '../lib/server.mjs';
import { launch, newPage, login, logout, expectNoAxeViolations, screenshot } from '../lib/browser.mjs';

let server, browser, round, base;
const q = (sql) => sqlite(server.db, sql);

before(async () => {
  browser = await launch();
  server = await startServer();
  let r = cli(server.db, ['round', 'create', '--department', 'VHS', '--kind', 'ekstern', '--title',
    'Eksternt tilsyn: handleplaner', '--start', '2026-11-23', '--end', '2026-12-18']);
  if (r.status !== 0) throw new Error(r.stderr);
  round = Number(r.stdout.trim());
  base = `/d/VHS/rounds/${round}`;
  r = cli(server.db, ['round', 'sample', String(round), '--size', '3', '--exclude-reviewed-months', '0']);
  if (r.status !== 0) throw new Error(r.stderr);
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

// Answers every open question on the review page (ja, or a choice's first option) and saves
// with "Gem svar"; repeats while saving brings conditional questions into view.
async function answerAll(page) {
  for (let round = 0; round < 10; round++) {
    const open = await page.$$eval('fieldset.question', (all) => all
      .filter((f) => !f.hidden && f.dataset.scale !== 'text' && !f.querySelector('input[type=radio]:checked'))
      .map((f) => f.dataset.question));
    if (open.length === 0) return;
    for (const id of open) {
      const ja = await page.$(`input[name="v-${id}"][value="ja"]`);
      if (ja) await ja.check();
      else await page.check(`input[name="v-${id}"] >> nth=0`);
    }
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/cases\/\d+/),
      page.click('#review-form .savebar button[type=submit]')]);
  }
  assert.fail('questions kept appearing');
}

test('the leder invites, the consultant writes the expectation alignment and reviews a case', { timeout: 120_000 }, async () => {
  // The leder invites the consultant from the round page and gives them the cases.
  const leder = await newPage(browser);
  await login(leder, server.url, 'leder.voksen');
  await leder.goto(server.url + base);
  await expectNoAxeViolations(leder, 'round page of an ekstern round (leder)');
  assert.match(await leder.textContent('#ekstern + h3 + p'), /Ikke skrevet endnu/);
  await leder.selectOption('#invite-user', { label: 'Camilla Berg (konsulent)' });
  await Promise.all([leder.waitForURL(/\?invited=1/), leder.click('#invite-user ~ button[type=submit]')]);
  assert.match(await leder.textContent('main'), /Konsulenten er inviteret og kan nu se tilsynet/);
  await expectNoAxeViolations(leder, 'round page after inviting');
  await screenshot(leder, 'external-round-leder');
  await leder.goto(`${server.url}${base}/review`);
  await expectNoAxeViolations(leder, 'review progress of an ekstern round');
  // Only the invited consultant is ticked for an ekstern round.
  const ticked = await leder.$$eval('input[name="reviewer"]:checked', (all) => all.map((e) => e.parentElement.textContent.trim()));
  assert.deepEqual(ticked, ['Camilla Berg (konsulent) (ekstern konsulent)']);
  await Promise.all([leder.waitForURL(/auto=3/), leder.click('text=Fordel sager uden gennemgående')]);
  await logout(leder);

  // The consultant: the department's page lists just this round and the demo's.
  const page = await newPage(browser);
  await login(page, server.url, 'ekstern');
  await expectNoAxeViolations(page, 'front page of the consultant');
  assert.match(await page.textContent('main'), /Mine sager til gennemgang/);
  await page.goto(`${server.url}/d/VHS`);
  await expectNoAxeViolations(page, 'department page of the consultant');
  const links = await page.$$eval('main a[href^="/d/VHS/rounds/"]', (all) => all.map((a) => a.getAttribute('href')));
  const invited = q(`select group_concat(round_id) from (select i.round_id from round_invite i join users u on u.id = i.user_id
    where u.login = 'ekstern' order by i.round_id)`).split(',').map((id) => `/d/VHS/rounds/${id}`);
  assert.deepEqual([...links].sort(), [...invited].sort());
  assert.ok(links.includes(base));
  await Promise.all([page.waitForURL(`**${base}`), page.click(`main a[href="${base}"]`)]);
  await expectNoAxeViolations(page, 'round page of an ekstern round (consultant)');

  // The expectation alignment: a CPR number is refused naming the field, then it is saved.
  await Promise.all([page.waitForURL(`**${base}/expectation`), page.click('text=Skriv forventningsafstemningen')]);
  await expectNoAxeViolations(page, 'expectation alignment form');
  const answers = {
    learn: 'Om handleplanerne efter § 141 bliver tilbudt og lavet sammen med borgeren.',
    worries: 'At formålet med indsatsen ikke står klart, så opfølgningen bliver svær.',
    implementation: 'Ny skabelon til handleplaner fra september 2026.',
    previous: 'Ledelsestilsynet i foråret viste mangler; det blev taget godt imod.',
    staff: 'Fire rådgivere og en faglig koordinator.',
    organisation: 'To teams; sparring hver uge.',
    focus: 'Handleplaner efter SEL § 141 i sager om §§ 85 og 107.',
  };
  for (const [name, text] of Object.entries(answers)) await page.fill(`#${name}`, text);
  await page.fill('#staff', 'Fire rådgivere, bl.a. den med 120380-1234 i sin sag.');
  // Refused: back by a 303 with the error summary and what was typed (the number masked).
  await Promise.all([page.waitForURL(/\/expectation\?fejl=[0-9a-f]{64}$/), page.click('text=Gem forventningsafstemningen')]);
  assert.match(await page.textContent('.error-summary'), /Feltet »Hvordan er medarbejdergruppen sammensat\?« ser ud til at indeholde et CPR-nummer/);
  assert.equal(await page.inputValue('#focus'), answers.focus);
  assert.equal(await page.inputValue('#staff'), 'Fire rådgivere, bl.a. den med 120380-xxxx i sin sag.');
  await expectNoAxeViolations(page, 'expectation alignment refused');
  assert.equal(q(`select count(*) from round_expectation where round_id = ${round}`), '0');
  await page.fill('#staff', answers.staff);
  await Promise.all([page.waitForURL(/\?saved=1$/), page.click('text=Gem forventningsafstemningen')]);
  assert.match(await page.textContent('main'), /Forventningsafstemningen er gemt/);
  assert.equal(await page.inputValue('#focus'), answers.focus);
  await expectNoAxeViolations(page, 'expectation alignment saved');
  await screenshot(page, 'external-expectation');
  assert.equal(q(`select staff || '|' || focus from round_expectation where round_id = ${round}`), `${answers.staff}|${answers.focus}`);

  // One of the consultant's cases, reviewed to the end.
  const caseId = Number(q(`select rc.case_id from round_case rc join users u on u.id = rc.reviewer_id
    where rc.round_id = ${round} and u.login = 'ekstern' order by rc.sample_key limit 1`));
  await page.goto(`${server.url}/`);
  await Promise.all([page.waitForURL(`**${base}/cases/${caseId}`), page.click(`a[href="${base}/cases/${caseId}"]`)]);
  await expectNoAxeViolations(page, 'review page of a case (consultant)');
  await answerAll(page);
  assert.match(await page.textContent('main'), /Alle relevante spørgsmål er besvaret/);
  await Promise.all([page.waitForURL(/\?finished=1$/), page.click('text=Marker som færdig')]);
  assert.match(await page.textContent('main'), /Sagen er markeret som færdig/);
  await expectNoAxeViolations(page, 'review page of a finished case');
  assert.equal(q(`select review_status from round_case where round_id = ${round} and case_id = ${caseId}`), 'faerdig');
  assert.equal(q(`select count(distinct a.updated_by) || '|' || min(u.login) from answer a join users u on u.id = a.updated_by
    where a.round_id = ${round} and a.case_id = ${caseId}`), '1|ekstern');

  // And the other rounds of the department stay closed to them.
  const other = await page.goto(`${server.url}/d/VHS/rounds/2`);
  assert.equal(other.status(), 403);
  await expectNoAxeViolations(page, 'refusal page');
});
