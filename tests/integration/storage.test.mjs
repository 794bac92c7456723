// The storage facade chooses its driver by the database's URI: one it has no driver for yet
// (postgresql://...) is refused in Danish with exit 2 before anything is opened or created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { binary, cli } from '../lib/server.mjs';

test('--db postgresql://... and TILSYN_DB=postgresql://... are refused with exit 2; nothing is created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilsyn-storage-'));
  try {
    for (const args of [['init'], ['user', 'list']]) {
      const r = cli('postgresql://tilsyn@localhost/tilsyn', args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /PostgreSQL understøttes endnu ikke/);
    }
    const env = { ...process.env, TILSYN_DB: 'postgres://localhost/x' };
    const r = spawnSync(binary, ['init'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /PostgreSQL understøttes endnu ikke/);
    const other = cli('ftp://example.org/x.db', ['init']);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /hverken en filsti eller en database/);
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(!existsSync('postgresql:'), 'no file named after the URI');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
