#!/usr/bin/env python3
"""Recomputes the audit log's hash chain over the stored fields, as tilsyn hashes it (or as an
attacker without the key would), for the tests that tamper with the log or date it back.

  audit_rechain.py DB KEY KEYED_FROM [OLD] [SQL]

KEY: 64 hex digits, '-' for none (the unkeyed hash of before), or 'file' for DB.auditkey.
KEYED_FROM: the first id hashed with the key, or 'db' for audit_keyed.from_id.
OLD: date the first OLD entries 2023-01-01 (default 0). SQL: run first (the update trigger is off).

Each entry: BLAKE2b-256 over the previous hash, then id, at, user_id, login, action,
department_id, object, detail, ip (numbers as little-endian int64, texts as a uint32 length, or
0xffffffff for NULL, then the bytes).
"""
import hashlib, sqlite3, struct, sys


def text(h, s):
    if s is None:
        h.update(struct.pack('<I', 0xffffffff))
    else:
        b = s.encode('utf-8')
        h.update(struct.pack('<I', len(b)))
        h.update(b)


def main():
    path, key_arg, from_arg = sys.argv[1:4]
    old = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    db = sqlite3.connect(path)
    if key_arg == '-':
        key = b''
    elif key_arg == 'file':
        key = bytes.fromhex(open(path + '.auditkey').read().strip())
    else:
        key = bytes.fromhex(key_arg)
    keyed_from = db.execute("SELECT from_id FROM audit_keyed").fetchone()[0] if from_arg == 'db' else int(float(from_arg))
    db.execute("DROP TRIGGER IF EXISTS audit_no_update")
    if len(sys.argv) > 5:
        db.executescript(sys.argv[5])
    prev = bytes(32)
    rows = db.execute("SELECT id, at, user_id, login, action, department_id, object, detail, ip FROM audit ORDER BY id").fetchall()
    for i, (id, at, uid, login, action, dept, obj, detail, ip) in enumerate(rows):
        if i < old:
            at = '2023-01-01T00:%02d:%02dZ' % (i // 60, i % 60)
        h = hashlib.blake2b(digest_size=32, key=key if id >= keyed_from else b'')
        h.update(prev)
        h.update(struct.pack('<q', id))
        text(h, at)
        h.update(struct.pack('<q', uid or 0))
        text(h, login)
        text(h, action)
        h.update(struct.pack('<q', dept or 0))
        text(h, obj)
        text(h, detail)
        text(h, ip)
        prev = h.digest()
        db.execute("UPDATE audit SET at = ?, hash = ? WHERE id = ?", (at, prev, id))
    db.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    db.commit()


main()
