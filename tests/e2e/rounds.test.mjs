// A round's own workflow in a real browser (issue 13, "Rounds"), at 1366 px and on a 390 px
// phone: the round page opens with the task list and its one next step (followed here), the
// round is edited and a mistaken round deleted through the confirmation step (no JavaScript
// needed: the first button only asks), and in the follow-up one click makes the
// re-measurement, which links back and shows in the annual plan. axe-core on every page state,
// and no page scrolls sideways.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, screenshot, horizontalOverflow } from '../lib/browser.mjs';

const SIZES = [
  { name: 'desktop', viewport: { width: 1366, height: 768 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

let browser;
const servers = [];
after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
}, { timeout: 15_000 });

const go = (page, selector, url) => Promise.all([page.waitForURL(url), page.click(selector)]);

async function checked(page, label) {
  await expectNoAxeViolations(page, label);
  assert.equal(await horizontalOverflow(page), 0, `${label}: no sideways scrolling`);
}

for (const size of SIZES) {
  test(`edit, delete with confirmation, the next step and the re-measurement (${size.name})`, { timeout: 90_000 }, async () => {
    browser ??= await launch();
    const server = await startServer();
    servers.push(server);
    const q = (sql) => sqlite(server.db, sql);
    const page = await newPage(browser, { viewport: size.viewport });
    await login(page, server.url, 'koordinator.barn');

    // The task list leads the round page; its next step is a link that goes where the work is.
    await page.goto(`${server.url}/d/BHS/rounds/7`);
    await checked(page, `round page with its task list (${size.name})`);
    const order = await page.$$eval('main h2', (hs) => hs.map((h) => h.textContent));
    assert.ok(order.indexOf('Tilsynets trin') >= 0 && order.indexOf('Tilsynets trin') < order.indexOf('Fase'));
    const tags = await page.$$eval('ol.tasklist li', (lis) => lis.map((li) => li.querySelector('.tag').textContent));
    assert.deepEqual(tags, ['Færdig', 'Ikke startet', 'Ikke startet', 'Kan ikke startes endnu', 'Kan ikke startes endnu',
      'Kan ikke startes endnu', 'Kan ikke startes endnu', 'Kan ikke startes endnu', 'Kan ikke startes endnu']);
    assert.equal(await page.textContent('p.next-action a'), 'Planlæg et informationsmøde for medarbejderne');
    await screenshot(page, `rounds-tasklist-${size.name}`);
    await go(page, 'p.next-action a', /\/d\/BHS\/meetings\/new\?round=7&kind=information$/);
    assert.equal(await page.inputValue('select[name=kind]'), 'information');

    // Edit: from the links at the top of the round page.
    await page.goto(`${server.url}/d/BHS/rounds/7`);
    await go(page, 'nav.round-links a:text-is("Ret eller slet tilsynet")', /\/d\/BHS\/rounds\/7\/edit$/);
    await checked(page, `edit page (${size.name})`);
    await page.fill('#title', 'Overordnet tilsyn forår 2027');
    await page.fill('#end', '2027-05-14');
    await go(page, 'button:text-is("Gem ændringerne")', /\/d\/BHS\/rounds\/7\?edited=1$/);
    assert.equal(await page.textContent('h1'), 'Overordnet tilsyn forår 2027');
    assert.match(await page.textContent('.msg.ok'), /Ændringerne er gemt/);
    assert.equal(q('select planned_end from round where id = 7'), '2027-05-14');
    await checked(page, `round page after the edit (${size.name})`);

    // Delete round 1 (drawn, nobody has answered): the destructive button asks first.
    await page.goto(`${server.url}/d/BHS/rounds/1/edit`);
    const red = await page.$eval('button.danger', (b) => getComputedStyle(b).backgroundColor);
    assert.equal(red, 'rgb(180, 35, 24)', 'the delete button looks destructive');
    await page.fill('#delete-reason', 'Oprettet to gange ved en fejl');
    await go(page, 'button.danger', /\/d\/BHS\/rounds\/1\/delete$/);
    assert.match(await page.textContent('h1'), /Vil du slette «Overordnet ledelsestilsyn forår 2026»\?/);
    assert.equal(q('select count(*) from round where id = 1'), '1', 'asking deletes nothing');
    await checked(page, `delete confirmation (${size.name})`);
    await screenshot(page, `rounds-delete-confirm-${size.name}`);
    await go(page, 'button:text-is("Ja, slet tilsynet")', /\/d\/BHS\/rounds\?deleted=1$/);
    assert.match(await page.textContent('.msg.ok'), /Tilsynet er slettet/);
    assert.equal(await page.locator('main a[href="/d/BHS/rounds/1"]').count(), 0);
    assert.equal(q('select count(*) from round where id = 1'), '0');
    await checked(page, `round list after deleting (${size.name})`);

    // A round with answers offers no delete, and says why.
    await page.goto(`${server.url}/d/BHS/rounds/3/edit`);
    assert.equal(await page.locator('button.danger').count(), 0);
    assert.match(await page.textContent('main'), /Tilsynet kan ikke slettes, fordi \d+ sager er gennemgået/);

    // The follow-up proposes the re-measurement; one click makes it.
    assert.equal(cli(server.db, ['round', 'phase', '3', 'opfoelgning', '--reason', 'Resten gennemgås ved stop-op']).status, 0);
    await page.goto(`${server.url}/d/BHS/rounds/3`);
    assert.match(await page.textContent('div.remeasure'), /planlagt 7\. juni 2027 –/);
    await checked(page, `round in the follow-up (${size.name})`);
    await go(page, 'button:text-is("Opret genmålingen")', /\/d\/BHS\/rounds\/\d+\?remeasure=1$/);
    const id = q('select id from round where remeasure_of = 3');
    assert.ok(page.url().endsWith(`/d/BHS/rounds/${id}?remeasure=1`));
    assert.equal(await page.textContent('h1'), 'Genmåling: Uddybende tilsyn: sagsoplysning og begrundelse');
    assert.equal(await page.getAttribute('main a:text-is("Uddybende tilsyn: sagsoplysning og begrundelse")', 'href'), '/d/BHS/rounds/3');
    await checked(page, `the re-measurement (${size.name})`);
    await screenshot(page, `rounds-remeasure-${size.name}`);
    await page.goto(`${server.url}/d/BHS/plan?year=2027`);
    assert.ok((await page.textContent('main')).includes('Genmåling: Uddybende tilsyn: sagsoplysning og begrundelse'));
    await checked(page, `annual plan with the re-measurement (${size.name})`);
    await page.context().close();
  });
}
