-- The audit chain is keyed (issue 12): from the entry from_id on, each entry's hash is a
-- keyed BLAKE2b with a key kept outside the database (audit_key.c), so someone with the
-- database file alone cannot recompute the chain after changing it. A log that already had
-- entries keeps them as they were hashed (without a key) and is keyed from the next entry;
-- a new database is keyed from entry 1. When from_id > 1, mac (a keyed BLAKE2b of from_id,
-- written when the key is made) holds from_id in place: moving it to verify more entries
-- without the key needs the key. audit.c verifies entries before from_id without the key.
CREATE TABLE audit_keyed (
	one     INTEGER PRIMARY KEY CHECK (one = 1),
	from_id INTEGER NOT NULL,
	mac     BLOB
);
INSERT INTO audit_keyed (one, from_id)
	SELECT 1, max(coalesce((SELECT max(id) FROM audit), 0), coalesce((SELECT last_id FROM audit_anchor), 0)) + 1;
CREATE TRIGGER audit_keyed_no_delete BEFORE DELETE ON audit_keyed
BEGIN
	SELECT RAISE(ABORT, 'the audit key marker is never removed');
END;
CREATE TRIGGER audit_keyed_sealed BEFORE UPDATE ON audit_keyed
WHEN OLD.mac IS NOT NULL OR NEW.from_id <> OLD.from_id
BEGIN
	SELECT RAISE(ABORT, 'the audit key marker is sealed');
END;
