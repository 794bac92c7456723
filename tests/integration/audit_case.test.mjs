// The audit log of one case, as a citizen may ask for it: after leder.barn has opened a case's
// review page and downloaded a management report with the appendix, which names the case, `tilsyn audit case`
// lists both accesses with the right login and name (text and json), and so does the leader's
// page /d/BHS/audit?case=...; the page is for the department's leder only (403 for the
// koordinator, a caseworker and another department's leder) and viewing it is itself logged.
// An unknown case is exit 2 on the command line and 404 on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, sqlite, cli } from '../lib/server.mjs';

let server, leder, koord, anne, ledervoksen;
const ROUND = 1;
before(async () => {
  server = await startServer();
  [leder, koord, anne, ledervoksen] = [0, 0, 0, 0].map(() => new Client(server.url));
  assert.equal((await leder.login('leder.barn')).status, 303);
  assert.equal((await koord.login('koordinator.barn')).status, 303);
  assert.equal((await anne.login('anne')).status, 303);
  assert.equal((await ledervoksen.login('leder.voksen')).status, 303);
});
after(async () => { await server?.stop(); });

const q = (sql) => sqlite(server.db, sql);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

let caseId, caseNo, otherNo;
test('audit case lists who viewed the case and who reported it, in text and json', async () => {
  const report = await leder.get(`/d/BHS/rounds/${ROUND}/report/download?audience=ledelse&format=html&appendix=1`);
  assert.equal(report.status, 200);
  caseId = Number(q(`select substr(object, 6) from audit where action = 'report_case' and login = 'leder.barn'
    order by id limit 1`));
  assert.ok(caseId > 0, 'the report logged the cases it names');
  caseNo = q(`select case_no from cases where id = ${caseId}`);
  assert.equal((await leder.get(`/d/BHS/rounds/${ROUND}/cases/${caseId}`)).status, 200);
  // Refused by the router (no role in BHS): the log names the case only in the address.
  assert.equal((await ledervoksen.get(`/d/BHS/rounds/${ROUND}/cases/${caseId}`)).status, 403);
  // A case nobody looked at in this test, for contrast.
  otherNo = q(`select case_no from cases c join department d on d.id = c.department_id where d.code = 'BHS'
    and c.id not in (select substr(object, 6) from audit where object like 'case:%') limit 1`);

  const expected = Number(q(`select count(*) from audit where object = 'case:${caseId}'
    or (action = 'access_denied' and object glob '* /d/BHS/rounds/*/cases/${caseId}')`));
  const json = cli(server.db, ['audit', 'case', caseNo, '--department', 'BHS', '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.ok(Array.isArray(rows));
  for (const r of rows) assert.deepEqual(Object.keys(r), ['at', 'login', 'name', 'action', 'detail', 'ip', 'list']);
  const lederName = q(`select name from users where login = 'leder.barn'`);
  const viewed = rows.filter((r) => r.login === 'leder.barn' && r.action === 'så gennemgangen af sagen');
  assert.equal(viewed.length, 1);
  assert.equal(viewed[0].name, lederName);
  assert.match(viewed[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(viewed[0].ip, '127.0.0.1');
  const denied = rows.filter((r) => r.login === 'leder.voksen');
  assert.ok(denied.length >= 1, 'the refused access is listed');
  assert.ok(denied.every((r) => r.action === 'blev nægtet adgang til sagen'));
  const reported = rows.filter((r) => r.login === 'leder.barn' && r.action === 'lavede en rapport, der nævner sagen');
  assert.equal(reported.length, 1);
  assert.match(reported[0].detail, /rapport \(ledelse, html\)/);
  // Only entries about this case (the demo's automatic assignment of it, for instance), no other case's.
  // (Views of whole lists that included the case are listed too, marked list: true.)
  assert.equal(rows.filter((r) => !r.list).length, expected);
  assert.ok(rows.every((r) => !/erstattet af/.test(r.detail ?? '') || r.detail.includes(String(caseId))));

  const text = cli(server.db, ['audit', 'case', caseNo, '--department', 'BHS']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`Logbog for sag ${caseNo.replace(/\./g, '\\.')} .*: ${rows.length + 1} poster`));
  assert.ok(text.stdout.includes(`leder.barn (${lederName})\tså gennemgangen af sagen`));
  assert.ok(text.stdout.includes(`leder.barn (${lederName})\tlavede en rapport, der nævner sagen`));
  assert.match(text.stdout, /logges én gang pr\. liste/);
  // The command-line look-up itself is logged on the case (the json one above is now listed).
  assert.match(text.stdout, /så logbogen for sagen\tlogbogen for sagen udskrevet \(\d+ poster, json\)/);

  const other = JSON.parse(cli(server.db, ['audit', 'case', otherNo, '--department', 'BHS', '--format', 'json']).stdout);
  // (Whole-list entries, such as the demo's import of the case list by Karen Holm, may name both.)
  assert.ok(!other.some((r) => !r.list && r.login === 'leder.barn'), 'another case has none of these entries');
});

test('audit case: unknown case, department or format is exit 2', () => {
  let r = cli(server.db, ['audit', 'case', 'FINDES-IKKE', '--department', 'BHS', '--format', 'json']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sagen 'FINDES-IKKE' findes ikke i afdelingen BHS/);
  assert.equal(r.stdout, '');
  // A BHS case number asked for in the other department is unknown there.
  assert.equal(cli(server.db, ['audit', 'case', caseNo, '--department', 'VHS']).status, 2);
  assert.equal(cli(server.db, ['audit', 'case', caseNo, '--department', 'NOPE']).status, 2);
  assert.equal(cli(server.db, ['audit', 'case', caseNo]).status, 2);
  assert.equal(cli(server.db, ['audit', 'case', caseNo, '--department', 'BHS', '--format', 'csv']).status, 2);
  assert.equal(cli(server.db, ['audit', 'case', '--department', 'BHS']).status, 2);
});

test('the leader page lists the same entries, is leder only, and is audited', async () => {
  const path = `/d/BHS/audit?case=${encodeURIComponent(caseNo)}`;
  const page = await leder.get(path);
  assert.equal(page.status, 200);
  const html = unescape(page.text);
  assert.match(html, /<form method="get" action="\/d\/BHS\/audit"/);
  assert.ok(html.includes(`Sag ${caseNo}`));
  const lederName = q(`select name from users where login = 'leder.barn'`);
  assert.ok(html.includes(`<td>${lederName} (leder.barn)</td><td>så gennemgangen af sagen</td>`));
  assert.ok(html.includes(`<td>${lederName} (leder.barn)</td><td>lavede en rapport, der nævner sagen</td>`));
  assert.match(html, /logges én gang pr\. liste/);
  const logged = q(`select login || '|' || object from audit where action = 'audit_case_view' order by id desc limit 1`);
  assert.equal(logged, `leder.barn|case:${caseId}`);

  // The search form alone, and an unknown case (escaped, 404, still logged).
  const empty = await leder.get('/d/BHS/audit');
  assert.equal(empty.status, 200);
  assert.match(empty.text, /name="case"/);
  const before = Number(q(`select count(*) from audit where action = 'audit_case_view'`));
  const unknown = await leder.get('/d/BHS/audit?case=%3Cscript%3Ex%3C%2Fscript%3E');
  assert.equal(unknown.status, 404);
  assert.ok(!unknown.text.includes('<script>x'));
  assert.ok(unknown.text.includes('&lt;script&gt;x'));
  assert.equal(Number(q(`select count(*) from audit where action = 'audit_case_view'`)), before + 1);

  for (const [who, client] of [['koordinator.barn', koord], ['anne', anne], ['leder.voksen', ledervoksen]]) {
    const r = await client.get(path);
    assert.equal(r.status, 403, who);
    assert.ok(!r.text.includes(lederName + ' (leder.barn)'), who);
  }
  assert.equal((await new Client(server.url).get(path)).status === 200, false);
});
