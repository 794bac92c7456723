// A stale registration sheet cannot undo newer work, with the real CLI, the real server and
// the real SQLite file. A sheet is made (`round sheet`, or downloaded on the web), newer
// answers are saved after it (`answers import --user`, or the review page's save), and the
// old sheet is read back: every cell that would undo a newer answer is named with the newer
// value, who saved it and when (local time), and nothing is stored (exit 2; on the web 409
// with the list); `--overwrite`, or on the web the same file again with the box "Gem
// alligevel arkets svar" and the fingerprint of the list shown, saves it anyway. Cells equal
// to what is stored are never conflicts, and a sheet without revisions (made by hand) may
// fill empty answers but not change stored ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freshDb, sqlite, startServer, Client, danishTime } from '../lib/server.mjs';
import { fillSheet, readSheet, writeSheet } from '../lib/xlsx.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'tilsyn-sheet-conflicts-')); });
after(() => { rmSync(work, { recursive: true, force: true }); });

function newRound(db, n) {
  let r = cli(db, ['round', 'create', '--department', 'BHS', '--kind', 'overordnet', '--title', `Gammelt ark ${n}`]);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout.trim();
  r = cli(db, ['round', 'sample', id, '--size', String(n), '--exclude-reviewed-months', '0']);
  assert.equal(r.status, 0, r.stderr);
  return id;
}
const jdnCodes = (db, round) => sqlite(db, `select q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id join catalogue_section s on s.id = q.section_id where rc.round_id = ${round} and q.scale = 'jdn' and q.cond_question is null order by rc.position, s.position, q.position`).split('\n');
const allCodes = (db, round) => sqlite(db, `select q.code from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id join catalogue_section s on s.id = q.section_id where rc.round_id = ${round} order by rc.position, s.position, q.position`).split('\n');
const casesOf = (db, round) => sqlite(db, `select c.case_no from round_case rc join cases c on c.id = rc.case_id where rc.round_id = ${round} and rc.status = 'udtrukket' order by rc.sample_key`).split('\n');
const colName = (i) => { let s = ''; for (i += 1; i; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s; return s; };
const answers = (db, round) => sqlite(db, `select group_concat(c.case_no || '/' || q.code || '=' || coalesce(a.value, '') || '|' || a.comment || '|' || a.revision, ', ') from answer a join cases c on c.id = a.case_id join question q on q.id = a.question_id where a.round_id = ${round} order by 1`);
const answerOf = (db, round, caseNo, code) => sqlite(db, `select coalesce(a.value, '') from answer a join cases c on c.id = a.case_id join question q on q.id = a.question_id where a.round_id = ${round} and c.case_no = '${caseNo}' and q.code = '${code}'`);
const updatedAt = (db, round, caseNo, code) => sqlite(db, `select a.updated_at from answer a join cases c on c.id = a.case_id join question q on q.id = a.question_id where a.round_id = ${round} and c.case_no = '${caseNo}' and q.code = '${code}'`);

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('CLI: an old sheet that would undo newer answers exits 2 naming each cell, the newer value and who; --overwrite saves it', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const round = newRound(db, 5);
    const cases = casesOf(db, round);
    const [q1, q2] = jdnCodes(db, round);
    const codes = allCodes(db, round);
    const col = (code) => colName(codes.indexOf(code) + 1);
    const commentCol = (code) => { const s = readSheet(join(work, 'gammel.xlsx')); return Object.keys(s.cells).find((k) => /^[A-Z]+1$/.test(k) && s.cells[k] === `${code} kommentar`).replace(/1$/, ''); };

    // Before the sheet: cases[0] q1 = ja, cases[0] q2 = ja with a comment.
    const first = join(work, 'foer.xlsx');
    writeSheet(first, [['Sagsnummer', q1, q2, `${q2} kommentar`], [cases[0], 'ja', 'ja', 'Første notat']]);
    let r = cli(db, ['answers', 'import', round, first]);
    assert.equal(r.status, 0, r.stderr);

    // The sheet is made.
    const old = join(work, 'gammel.xlsx');
    r = cli(db, ['round', 'sheet', round, '-o', old]);
    assert.equal(r.status, 0, r.stderr);
    const made = readSheet(old);
    assert.ok(made.sheets.some(([n, state]) => n === 'tilsyn' && state === 'hidden'), 'the revisions travel in a hidden sheet');
    assert.equal(made.cells[`${col(q1)}2`], 'ja');

    // Newer work, by Mette Juhl: cases[0] q1 -> nej, the comment changed, cases[2] q1 = ja
    // and cases[3] q1 = nej answered after the sheet was made.
    const newer = join(work, 'nyere.xlsx');
    writeSheet(newer, [['Sagsnummer', q1, `${q2} kommentar`], [cases[0], 'nej', 'Andet notat'], [cases[2], 'ja', ''], [cases[3], 'nej', '']]);
    r = cli(db, ['answers', 'import', round, newer, '--user', 'koordinator.barn', '--overwrite']);
    assert.equal(r.status, 0, r.stderr);
    const before = answers(db, round);

    // The old sheet, filled in offline: cases[0] still says ja (stale), cases[1] q1 = delvist
    // (nobody answered it), cases[2] q1 = ja (the same as the newer answer), cases[3] q1 = ja.
    const filled = join(work, 'udfyldt.xlsx');
    fillSheet(old, filled, { [`${col(q1)}3`]: 'delvist', [`${col(q1)}4`]: 'ja', [`${col(q1)}5`]: 'ja' });
    r = cli(db, ['answers', 'import', round, filled]);
    assert.equal(r.status, 2, r.stdout);
    const when0 = danishTime(updatedAt(db, round, cases[0], q1));
    const when3 = danishTime(updatedAt(db, round, cases[3], q1));
    assert.match(r.stderr, new RegExp(esc(`udfyldt.xlsx: ${col(q1)}2: ${q1} (sag ${cases[0]}) er ændret, efter arket blev lavet: nu »nej«, gemt af Mette Juhl ${when0}; arket siger »ja«.`)));
    assert.match(r.stderr, new RegExp(esc(`udfyldt.xlsx: ${col(q1)}5: ${q1} (sag ${cases[3]}) er ændret, efter arket blev lavet: nu »nej«, gemt af Mette Juhl ${when3}; arket siger »ja«.`)));
    // Comments follow the same rule.
    assert.match(r.stderr, new RegExp(esc(`${commentCol(q2)}2: Kommentaren til ${q2} (sag ${cases[0]}) er ændret, efter arket blev lavet: nu »Andet notat«, gemt af Mette Juhl`)));
    // Equal to what is stored (cases[2]) and new where nothing was stored (cases[1]): no conflict.
    assert.doesNotMatch(r.stderr, new RegExp(`${col(q1)}[34]:`));
    assert.match(r.stderr, /intet er gemt: 3 celler i arket ville overskrive svar, som arket ikke kendte.*--overwrite/);
    assert.equal(answers(db, round), before, 'nothing changed');
    assert.equal(answerOf(db, round, cases[1], q1), '');

    // --overwrite saves the sheet's cells, and says how many newer answers it overwrote.
    r = cli(db, ['answers', 'import', round, filled, '--overwrite']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 celler overskrev svar, som arket ikke kendte \(--overwrite\)/);
    assert.equal(answerOf(db, round, cases[0], q1), 'ja');
    assert.equal(answerOf(db, round, cases[1], q1), 'delvist');
    assert.equal(answerOf(db, round, cases[3], q1), 'ja');
    assert.equal(sqlite(db, `select a.comment from answer a join cases c on c.id = a.case_id join question q on q.id = a.question_id where a.round_id = ${round} and c.case_no = '${cases[0]}' and q.code = '${q2}'`), 'Første notat');
    assert.match(sqlite(db, `select detail from audit where action = 'answers_import' and object = 'round:${round}' order by id desc limit 1`), /3 nyere svar overskrevet \(--overwrite\)/);
    // The history keeps both.
    assert.equal(sqlite(db, `select count(*) from answer_history h join cases c on c.id = h.case_id where h.round_id = ${round} and c.case_no = '${cases[0]}' and h.old_value = 'nej' and h.new_value = 'ja'`), '1');

    // The same sheet once more: every cell now equals what is stored, so no conflict.
    r = cli(db, ['answers', 'import', round, filled]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 svar gemt/);

    // The help text names the option.
    r = cli(db, ['answers', '--help']);
    assert.match(r.stdout, /--overwrite/);
  } finally { cleanup(); }
});

test('CLI: a sheet without revisions (made by hand) may fill empty answers, not change stored ones', () => {
  const { db, cleanup } = freshDb({ demo: true });
  try {
    const round = newRound(db, 3);
    const cases = casesOf(db, round);
    const [q1, q2] = jdnCodes(db, round);
    const hand = join(work, 'haand.xlsx');
    writeSheet(hand, [['Sagsnummer', q1], [cases[0], 'ja'], [cases[1], 'nej']]);
    let r = cli(db, ['answers', 'import', round, hand, '--user', 'koordinator.barn']);
    assert.equal(r.status, 0, r.stderr);

    // Equal cells and new answers: stored. A changed answer: refused, said so plainly.
    const again = join(work, 'haand2.xlsx');
    writeSheet(again, [['Sagsnummer', q1, q2], [cases[0], 'ja', 'ja'], [cases[1], 'ja', ''], [cases[2], 'delvist', '']]);
    const before = answers(db, round);
    r = cli(db, ['answers', 'import', round, again]);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, new RegExp(esc(`B3: ${q1} (sag ${cases[1]}) har allerede et andet svar, og arket viser ikke, hvornår det blev lavet: nu »nej«, gemt af Mette Juhl ${danishTime(updatedAt(db, round, cases[1], q1))}; arket siger »ja«.`)));
    assert.doesNotMatch(r.stderr, /B2:|C2:|B4:/);
    assert.match(r.stderr, /intet er gemt: 1 celle i arket/);
    assert.equal(answers(db, round), before);

    // Without the changed cell it is stored.
    writeSheet(again, [['Sagsnummer', q1, q2], [cases[0], 'ja', 'ja'], [cases[2], 'delvist', '']]);
    r = cli(db, ['answers', 'import', round, again]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 svar gemt, 1 uændrede/);
  } finally { cleanup(); }
});

test('web: the upload of an old sheet lists the newer answers (409); the same file with "Gem alligevel arkets svar" saves it', async () => {
  const server = await startServer();
  try {
    const db = server.db;
    const round = newRound(db, 4);
    const cases = casesOf(db, round);
    const [q1] = jdnCodes(db, round);
    const codes = allCodes(db, round);
    const cell = (code, i) => `${colName(codes.indexOf(code) + 1)}${i + 2}`;
    const leder = new Client(server.url), mette = new Client(server.url);
    assert.equal((await leder.login('leder.barn')).status, 303);
    assert.equal((await mette.login('koordinator.barn')).status, 303);
    const csrf = await leder.csrfFor(`/d/BHS/rounds/${round}`);

    // The sheet is downloaded while nothing is answered.
    const res = await fetch(`${server.url}/d/BHS/rounds/${round}/sheet.xlsx`, { headers: { cookie: leder.cookieHeader() } });
    assert.equal(res.status, 200);
    const old = join(work, 'web-gammel.xlsx');
    writeFileSync(old, Buffer.from(await res.arrayBuffer()));

    // Mette Juhl answers cases[0] q1 = nej and cases[1] q1 = ja on the review page.
    const save = async (caseNo, value, revision = 0) => {
      const caseId = sqlite(db, `select id from cases where case_no = '${caseNo}'`);
      const qid = sqlite(db, `select q.id from round_catalogue rc join question q on q.catalogue_id = rc.catalogue_id where rc.round_id = ${round} and q.code = '${q1}'`);
      const page = await mette.get(`/d/BHS/rounds/${round}/cases/${caseId}`);
      assert.equal(page.status, 200);
      const token = Client.csrf(page.text);
      const r = await mette.request('POST', `/d/BHS/rounds/${round}/cases/${caseId}/answer`, {
        body: new URLSearchParams({ question: qid, value, material: '', comment: '', revision: String(revision) }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token },
      });
      assert.equal(r.status, 200, r.text);
    };
    await save(cases[0], 'nej');
    await save(cases[1], 'ja');

    // Offline the leader wrote ja in both (cases[1]: the same as stored) and delvist for cases[2].
    const filled = join(work, 'web-udfyldt.xlsx');
    fillSheet(old, filled, { [cell(q1, 0)]: 'ja', [cell(q1, 1)]: 'ja', [cell(q1, 2)]: 'delvist' });
    const upload = (fields, data) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      fd.append('file', new Blob([data], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'ark.xlsx');
      return leder.request('POST', `/d/BHS/rounds/${round}/sheet`, { body: fd });
    };
    const before = answers(db, round);
    let up = await upload({ csrf }, readFileSync(filled));
    assert.equal(up.status, 409);
    assert.match(up.text, /Intet er gemt: 1 celle i arket ville overskrive svar, som arket ikke kendte/);
    const when = danishTime(updatedAt(db, round, cases[0], q1));
    assert.match(up.text, new RegExp(esc(`<td><code>${cell(q1, 0)}</code></td><td>${q1} (sag ${cases[0]}) er ændret, efter arket blev lavet: nu »nej«, gemt af Mette Juhl ${when}; arket siger »ja«.</td>`)));
    assert.doesNotMatch(up.text, new RegExp(`<code>${cell(q1, 1)}</code>`), 'equal to the stored answer: no conflict');
    assert.match(up.text, /<button type="submit">Gem alligevel arkets svar<\/button>/);
    const key = up.text.match(/name="conflicts" value="([0-9a-f]{64})"/)[1];
    assert.equal(answers(db, round), before, 'nothing stored');

    // The confirmation without the box, with another list's fingerprint, or without CSRF: nothing stored.
    up = await upload({ csrf, conflicts: key }, readFileSync(filled));
    assert.equal(up.status, 409);
    up = await upload({ csrf, conflicts: '0'.repeat(64), overwrite: '1' }, readFileSync(filled));
    assert.equal(up.status, 409);
    assert.match(up.text, /Listen er ikke længere den, du så: der er gemt nye svar, eller arket er et andet\. Intet er gemt/);
    up = await upload({ conflicts: key, overwrite: '1' }, readFileSync(filled));
    assert.equal(up.status, 403);
    assert.equal(answers(db, round), before);

    // Mette Juhl saves again while the list is on the leader's screen: the confirmation of the
    // old list saves nothing and shows the new one, with its own fingerprint.
    await save(cases[0], 'delvist', 1);
    const between = answers(db, round);
    up = await upload({ csrf, conflicts: key, overwrite: '1' }, readFileSync(filled));
    assert.equal(up.status, 409);
    assert.match(up.text, /Listen er ikke længere den, du så/);
    assert.match(up.text, /nu »delvist«, gemt af Mette Juhl/);
    assert.equal(answers(db, round), between);
    const key2 = up.text.match(/name="conflicts" value="([0-9a-f]{64})"/)[1];
    assert.notEqual(key2, key);

    // Confirmed: the sheet's answers are saved, and the audit log says a newer one was overwritten.
    up = await upload({ csrf, conflicts: key2, overwrite: '1' }, readFileSync(filled));
    assert.equal(up.status, 303, up.text);
    assert.equal(up.location, `/d/BHS/rounds/${round}?sheet=1&saved=2&unchanged=1`);
    assert.equal(answerOf(db, round, cases[0], q1), 'ja');
    assert.equal(answerOf(db, round, cases[2], q1), 'delvist');
    assert.match(sqlite(db, `select detail from audit where action = 'answers_import' and object = 'round:${round}' and login = 'leder.barn'`), /1 nyere svar overskrevet efter bekræftelse/);
    // The upload is not kept anywhere in the database.
    assert.equal(sqlite(db, 'select count(*) from upload'), '0');
  } finally { await server.stop(); }
});
