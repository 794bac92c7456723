// A bug inside one request (here injected on purpose) ends that request with a Danish 500
// page, is logged, and leaves the server serving everyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

let withFaults, without;
before(async () => {
  process.env.TILSYN_TEST_FAULTS = '1';
  withFaults = await startServer({ demo: false });
  delete process.env.TILSYN_TEST_FAULTS;
  without = await startServer({ demo: false });
});
after(async () => {
  await withFaults?.stop();
  await without?.stop();
});

test('a bug in a request gives a Danish 500 page and the server keeps running', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await fetch(withFaults.url + '/_test/fault');
    assert.equal(res.status, 500);
    const html = await res.text();
    assert.match(html, /Der skete en fejl/);
    assert.match(html, /<html lang="da">/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(res.headers.get('content-security-policy'));
  }
  const health = await fetch(withFaults.url + '/healthz');
  assert.equal(health.status, 200);
  assert.match(withFaults.stderr(), /injected fault for a test/);
});

test('the fault route does not exist unless the server was started for tests', async () => {
  const res = await fetch(without.url + '/_test/fault');
  assert.equal(res.status, 404);
});
