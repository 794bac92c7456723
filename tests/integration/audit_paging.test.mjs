// The leader's page of a case's audit log is paged (issue 12, item 11): a case with more than
// 100 entries shows 100 a page, newest first, with the total and Danish links to newer and
// older pages; every entry is on exactly one page, in the order `tilsyn audit case` gives
// (oldest first) reversed, also while each page view adds an entry to the very log (the links
// hold the newest entry of the first page). A bad page number is a Danish 400; a page past the
// end shows the last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, leder, koord;
before(async () => {
  server = await startServer();
  leder = new Client(server.url);
  koord = new Client(server.url);
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// The rows of the page's table: [who, action, detail] each.
function rowsOf(html) {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/);
  if (!body) return [];
  return [...body[1].matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><\/tr>/g)]
    .map((m) => [unescape(m[1]), unescape(m[2]), unescape(m[3])]);
}

test('a case with 250+ entries: 100 a page, newest first, total shown, paging links, every entry once', async () => {
  const round = Number(q(`select id from round where department_id = (select id from department where code = 'BHS')
    and id in (select round_id from round_case) order by id limit 1`));
  const caseId = Number(q(`select case_id from round_case where round_id = ${round} and status = 'udtrukket'
    order by sample_key limit 1`));
  const caseNo = q(`select case_no from cases where id = ${caseId}`);
  for (let i = 0; i < 250; i++)
    assert.equal((await leder.get(`/d/BHS/rounds/${round}/cases/${caseId}`)).status, 200);
  // The newest entry: the koordinator's view.
  assert.equal((await koord.get(`/d/BHS/rounds/${round}/cases/${caseId}`)).status, 200);

  const r = cli(server.db, ['audit', 'case', caseNo, '--department', 'BHS', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  // The command line logged its own printing after the list: that entry is the newest now.
  // The page names the round by its title where the log has its number ("tilsyn 1: ...").
  const titles = Object.fromEntries(q('select id, title from round').split('\n').map((l) => l.split('|')));
  const shown = (d) => (d ?? '').replace(/^tilsyn (\d+): /, (m, id) => (titles[id] ? `«${titles[id]}»: ` : m));
  const all = JSON.parse(r.stdout).map((e) => [e.name ? `${e.name} (${e.login})` : e.login, e.action, shown(e.detail)]);
  all.push([null, 'så logbogen for sagen', null]);
  const total = all.length;
  assert.ok(total > 251, `${total} entries`);
  const pages = Math.ceil(total / 100);
  const newestFirst = [...all].reverse();

  const path = (side) => `/d/BHS/audit?case=${encodeURIComponent(caseNo)}${side ? `&side=${side}` : ''}`;
  const seen = [];
  let next = path(0), upto = null;
  for (let side = 1; side <= pages; side++) {
    const res = await leder.get(next);
    assert.equal(res.status, 200);
    const html = unescape(res.text);
    assert.match(html, new RegExp(`${total} poster om sagen, de nyeste først`));
    const first = (side - 1) * 100 + 1, last = Math.min(side * 100, total);
    assert.match(html, new RegExp(`<caption>Poster ${first}–${last} af ${total}</caption>`));
    assert.match(html, new RegExp(`Side ${side} af ${pages}`));
    const rows = rowsOf(res.text);
    assert.equal(rows.length, last - first + 1, `page ${side}`);
    // Newer / older links, on this site, in Danish.
    const enc = encodeURIComponent(caseNo).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const older = res.text.match(new RegExp(`href="(/d/BHS/audit\\?case=${enc}&amp;side=${side + 1}&amp;til=(\\d+))" rel="next">Ældre poster ›`));
    const newer = res.text.match(new RegExp(`href="(/d/BHS/audit\\?case=${enc}&amp;side=${side - 1}&amp;til=(\\d+))" rel="prev">‹ Nyere poster`));
    if (side > 1) assert.ok(newer && newer[2] === upto, `page ${side}: a link to newer entries`);
    else assert.doesNotMatch(res.text, /Nyere poster/);
    if (side < pages) {
      assert.ok(older, `page ${side}: a link to older entries`);
      upto ??= older[2];
      assert.equal(older[2], upto, 'the same newest entry on every page');
      next = unescape(older[1]);
    } else assert.doesNotMatch(res.text, /Ældre poster/);
    seen.push(...rows);
  }
  assert.equal(seen.length, total, 'every entry once');
  // Page 1 starts with the newest (the command line's printing, then the koordinator's view);
  // the last page ends with the oldest. Every entry in order, newest first.
  assert.equal(seen[0][1], 'så logbogen for sagen');
  assert.match(seen[1][0], /\(koordinator\.barn\)/);
  for (let i = 1; i < total; i++) {
    assert.equal(seen[i][0], newestFirst[i][0], `who, entry ${i}`);
    assert.equal(seen[i][1], newestFirst[i][1], `action, entry ${i}`);
    assert.equal(seen[i][2], newestFirst[i][2], `detail, entry ${i}`);
  }
  // Each page view logged with its page.
  assert.match(q(`select detail from audit where action = 'audit_case_view' and login = 'leder.barn' order by id desc limit 1`),
    new RegExp(`^logbogen for sagen vist \\(side ${pages} af ${pages}, \\d+ poster\\)$`));

  // Past the end: the last page. Not a number: 400 in Danish.
  const beyond = await leder.get(`${path(pages + 50)}&til=${upto}`);
  assert.equal(beyond.status, 200);
  assert.match(unescape(beyond.text), new RegExp(`Side ${pages} af ${pages}`));
  for (const bad of ['side=0', 'side=-1', 'side=abc', 'side=1e3', 'side=2&til=x', 'side=2&til=0']) {
    const res = await leder.get(`/d/BHS/audit?case=${encodeURIComponent(caseNo)}&${bad}`);
    assert.equal(res.status, 400, bad);
    assert.match(res.text, /Sidetallet skal være et helt tal/);
  }
  // Page 1 again, without til: the views since are there, newest first.
  const again = rowsOf((await leder.get(path(0))).text);
  assert.equal(again[0][1], 'så logbogen for sagen');
  assert.match(again[0][2], /logbogen for sagen vist/);
});
