// The review page's show/hide of conditional questions in a real browser (Debian chromium)
// agrees with the server's rule (src/relevance.c), chains included. A catalogue with a chain
// of three levels below a gate (K-1 choice -> K-2 on Bevilling -> K-3 on ja/delvist -> K-4 on
// nej) is put into a round; the koordinator answers on the page, and after each answer the
// state review.js gives every question (data-relevance: asked, not_relevant, unknown; shown
// only when asked) is compared with the state the server renders for the same answers after
// a reload, and with the rule written out in the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, sqlite, cli } from '../lib/server.mjs';
import { launch, newPage, login, screenshot } from '../lib/browser.mjs';

let server, browser, round, caseId, ids;
const q = (sql) => sqlite(server.db, sql);
const s = (v) => `'${String(v).replaceAll("'", "''")}'`;

const QUESTIONS = [
  { code: 'K-1', text: 'Hvad blev resultatet?', scale: 'choice', choices: ['Bevilling', 'Afslag'] },
  { code: 'K-2', text: 'Er bevillingen begrundet?', scale: 'jdn', cond: ['K-1', ['Bevilling']] },
  { code: 'K-3', text: 'Er begrundelsen konkret?', scale: 'jdn', cond: ['K-2', ['ja', 'delvist']] },
  { code: 'K-4', text: 'Er borgeren hørt om det, der mangler?', scale: 'jn', cond: ['K-3', ['nej']] },
  { code: 'K-5', text: 'Er klagevejledningen korrekt?', scale: 'jdn' },
];

// Installs the catalogue as published (a draft first: published questions and their condition
// rows are frozen).
function installCatalogue(db) {
  const sql = ['BEGIN;',
    "INSERT INTO catalogue (code, version, title, kind, target, status, source, created_at) VALUES ('kaede', 1, 'Kæde', 'overordnet', 'barn', 'kladde', 'lokal', '2026-01-01T00:00:00Z');",
    "INSERT INTO catalogue_section (catalogue_id, position, title) SELECT id, 1, 'Afgørelsen' FROM catalogue WHERE code = 'kaede';"];
  QUESTIONS.forEach((x, i) => sql.push(`INSERT INTO question (catalogue_id, section_id, position, code, text, category, scale, choices, cond_question, cond_answers)
    SELECT c.id, (SELECT max(id) FROM catalogue_section WHERE catalogue_id = c.id), ${i + 1}, ${s(x.code)}, ${s(x.text)}, 'forvaltningsret', ${s(x.scale)},
    ${x.choices ? s(JSON.stringify(x.choices)) : 'NULL'}, ${x.cond ? s(x.cond[0]) : 'NULL'}, ${x.cond ? s(JSON.stringify(x.cond[1])) : 'NULL'}
    FROM catalogue c WHERE c.code = 'kaede';`));
  // As publishing does: each condition as rows of question_condition, one per answer.
  QUESTIONS.filter((x) => x.cond).forEach((x) => x.cond[1].forEach((answer, k) => sql.push(
    `INSERT INTO question_condition (question_id, gate_id, position, answer) SELECT x.id, g.id, ${k + 1}, ${s(answer)}
    FROM catalogue c JOIN question x ON x.catalogue_id = c.id AND x.code = ${s(x.code)}
    JOIN question g ON g.catalogue_id = c.id AND g.code = ${s(x.cond[0])} WHERE c.code = 'kaede';`)));
  sql.push("UPDATE catalogue SET status = 'udgivet', published_at = '2026-01-01T00:00:00Z' WHERE code = 'kaede';", 'COMMIT;');
  sqlite(db, sql.join('\n'));
}

// The rule, written out: the state of each question for the answers given.
function expected(given) {
  const state = {};
  const of = (x) => {
    if (state[x.code]) return state[x.code];
    if (!x.cond) return (state[x.code] = 'asked');
    const gate = QUESTIONS.find((g) => g.code === x.cond[0]);
    const g = of(gate);
    if (g !== 'asked') return (state[x.code] = g);
    if (!given[gate.code]) return (state[x.code] = 'unknown');
    return (state[x.code] = x.cond[1].includes(given[gate.code]) ? 'asked' : 'not_relevant');
  };
  QUESTIONS.forEach(of);
  return state;
}

before(async () => {
  browser = await launch();
  server = await startServer();
  installCatalogue(server.db);
  let r = cli(server.db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', 'Kædetest', '--catalogue', 'kaede']);
  if (r.status !== 0) throw new Error(r.stderr);
  round = Number(r.stdout.trim());
  r = cli(server.db, ['round', 'sample', String(round), '--size', '2', '--exclude-reviewed-months', '0']);
  if (r.status !== 0) throw new Error(r.stderr);
  caseId = Number(q(`select case_id from round_case where round_id = ${round} order by sample_key limit 1`));
  ids = Object.fromEntries(q(`select q.code || '|' || q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id
    where rc.round_id = ${round}`).split('\n').map((l) => l.split('|')));
}, { timeout: 30_000 });

after(async () => {
  await browser?.close();
  await server?.stop();
}, { timeout: 15_000 });

// What the page shows: per code, [data-relevance, hidden].
const shown = (page) => page.evaluate((codes) => Object.fromEntries(Object.entries(codes).map(([code, id]) => {
  const f = document.getElementById(`q-${id}`);
  return [code, [f.getAttribute('data-relevance'), f.hidden]];
})), ids);

test('review.js shows and hides a chained question exactly as the server rule says', async () => {
  const page = await newPage(browser);
  await login(page, server.url, 'koordinator.barn');
  const url = `${server.url}/d/BHS/rounds/${round}/cases/${caseId}`;
  await page.goto(url);
  const given = {};
  const check = async (label) => {
    const want = expected(given);
    const inBrowser = await shown(page);
    for (const x of QUESTIONS) {
      assert.deepEqual(inBrowser[x.code], [want[x.code], want[x.code] !== 'asked'], `${label}: ${x.code} in the browser`);
    }
    // The server, rendering the same stored answers, says the same.
    await page.reload();
    const fromServer = await shown(page);
    assert.deepEqual(fromServer, inBrowser, `${label}: the server's page agrees with review.js`);
  };
  await check('nothing answered');
  // Each step: answer on the page, wait for the autosave, compare.
  const answer = async (code, value) => {
    given[code] = value;
    const saved = page.waitForResponse((res) => res.url().endsWith('/answer') && res.request().method() === 'POST');
    await page.check(`input[name="v-${ids[code]}"][value="${value}"]`);
    assert.equal((await saved).status(), 200);
  };
  await answer('K-1', 'Bevilling');
  await check('K-1 Bevilling');          // K-2 asked; K-3 and K-4 wait
  await answer('K-2', 'ja');
  await check('K-2 ja');                 // K-3 asked; K-4 waits
  await answer('K-3', 'nej');
  await check('K-3 nej');                // the whole chain asked
  assert.deepEqual((await shown(page))['K-4'], ['asked', false]);
  await answer('K-2', 'nej');
  await check('K-2 nej');                // K-3 ikke relevant, and so K-4 (stored answers and all)
  assert.deepEqual((await shown(page))['K-4'], ['not_relevant', true]);
  await answer('K-2', 'delvist');
  await check('K-2 delvist');            // back: K-3 asked with its stored nej, K-4 asked
  await answer('K-1', 'Afslag');
  await check('K-1 Afslag');             // every level below the gate ikke relevant
  assert.deepEqual(Object.values(await shown(page)).map(([st]) => st), ['asked', 'not_relevant', 'not_relevant', 'not_relevant', 'asked']);
  await screenshot(page, 'conditions-chain');
  // The counts the server gives agree: with K-1 Afslag only K-1 and K-5 are to answer.
  assert.match(await page.textContent('#progress-text'), /^1 af 2 besvaret$/);
});
