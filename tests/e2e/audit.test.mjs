// The leader's audit log of a case in a real browser (Debian chromium) with axe-core: a case
// with more than 100 entries is paged (issue 12); the leder searches for it, reads the first
// page (newest first, the total shown), follows "Ældre poster" to the next page and back with
// "Nyere poster". Both pages, on a desktop and a phone, have no axe violation and do not scroll
// sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, Client } from '../lib/server.mjs';
import { launch, newPage, login, expectNoAxeViolations, horizontalOverflow, PHONE } from '../lib/browser.mjs';

let server, browser, caseNo;
const q = (sql) => sqlite(server.db, sql);

before(async () => {
  browser = await launch();
  server = await startServer();
  const round = Number(q(`select id from round where department_id = (select id from department where code = 'BHS')
    and id in (select round_id from round_case) order by id limit 1`));
  const caseId = Number(q(`select case_id from round_case where round_id = ${round} and status = 'udtrukket'
    order by sample_key limit 1`));
  caseNo = q(`select case_no from cases where id = ${caseId}`);
  const koord = new Client(server.url);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  for (let i = 0; i < 130; i++)
    assert.equal((await koord.get(`/d/BHS/rounds/${round}/cases/${caseId}`)).status, 200);
}, { timeout: 60_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

for (const [label, viewport] of [['desktop', undefined], ['phone', PHONE]]) {
  test(`the paged audit log of a case (${label}): first page, older, newer; no axe violations`, async () => {
    const page = await newPage(browser, viewport ? { viewport } : {});
    await login(page, server.url, 'leder.barn');
    await page.goto(`${server.url}/d/BHS/audit`);
    await page.fill('#a-case', caseNo);
    await Promise.all([page.waitForURL(/\/d\/BHS\/audit\?case=/), page.click('main form[role=search] button')]);
    const lead = await page.textContent('main p.lead:has-text("poster om sagen")');
    const total = Number(lead.match(/(\d+) poster om sagen/)[1]);
    assert.ok(total > 130, lead);
    const pages = Math.ceil(total / 100);
    assert.match(await page.textContent('main caption'), new RegExp(`Poster 1–100 af ${total}`));
    assert.match(await page.textContent('main nav.paging'), new RegExp(`Side 1 af ${pages}`));
    assert.equal(await page.locator('main tbody tr').count(), 100);
    await expectNoAxeViolations(page, `audit page 1 (${label})`);
    assert.ok((await horizontalOverflow(page)) <= 0, 'no sideways scrolling');

    await Promise.all([page.waitForURL(/side=2&til=\d+/), page.click('main nav.paging >> nth=0 >> text=Ældre poster')]);
    assert.match(await page.textContent('main caption'), new RegExp(`Poster 101–${Math.min(200, total)} af ${total}`));
    await expectNoAxeViolations(page, `audit page 2 (${label})`);
    assert.ok((await horizontalOverflow(page)) <= 0, 'no sideways scrolling');

    await Promise.all([page.waitForURL(/side=1&til=\d+/), page.click('main nav.paging >> nth=0 >> text=Nyere poster')]);
    assert.match(await page.textContent('main caption'), new RegExp(`Poster 1–100 af ${total}`));
    await page.context().close();
  });
}
