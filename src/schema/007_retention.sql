-- Retention (issue 7): the settings of the retention rule, the figures kept when the
-- case-level data of a finished tilsyn is deleted, a record of each deletion, and the
-- anchor from which the audit log's hash chain is verified once its oldest entries are gone.
-- The rule itself is in retention.c; README.md ("Data protection") says it in words.

-- Settings of the installation, key -> value (numbers as decimal text). Changed with
-- `tilsyn retention set`, which audits every change.
CREATE TABLE setting (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at TEXT,
	updated_by TEXT
) WITHOUT ROWID;
INSERT INTO setting (key, value) VALUES
	('retention_months', '24'),      -- case data of a finished tilsyn is deleted this long after it finished
	('audit_extra_months', '6'),     -- audit entries are kept this much longer than the data they describe
	('retention_notice_days', '30'); -- the leader is told this many days before

-- When the round's case-level data was deleted; NULL while it is held.
ALTER TABLE round ADD COLUMN purged_at TEXT;

-- One row per purged round: from when the period counted, what was deleted, and the
-- round's progress figures as results.c showed them (sampled, finished, with_answers,
-- had_answers), which results.c reads for a purged round.
CREATE TABLE round_purge (
	round_id            INTEGER PRIMARY KEY REFERENCES round (id) ON DELETE CASCADE,
	purged_at           TEXT NOT NULL,
	basis               TEXT NOT NULL,   -- yyyy-mm-dd the period counted from
	basis_source        TEXT NOT NULL CHECK (basis_source IN ('afsluttet', 'faseskift', 'skoen')),
	months              INTEGER NOT NULL,
	had_answers         INTEGER NOT NULL CHECK (had_answers IN (0, 1)),
	sampled             INTEGER NOT NULL,
	finished            INTEGER NOT NULL,
	with_answers        INTEGER NOT NULL,
	cases               INTEGER NOT NULL, -- round_case rows: the case numbers of the sample
	answers             INTEGER NOT NULL,
	comments            INTEGER NOT NULL,
	history             INTEGER NOT NULL,
	calibration_cases   INTEGER NOT NULL,
	calibration_answers INTEGER NOT NULL,
	acute_notes         INTEGER NOT NULL,
	consents            INTEGER NOT NULL,
	minutes             INTEGER NOT NULL  -- minutes of stop-op, management and individual meetings cleared
);

-- Per counted question of a purged round, in the order results.c gave them: the counts it
-- computed from the answers just before they were deleted, and the question as worded then.
CREATE TABLE round_result (
	round_id     INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	question_id  INTEGER NOT NULL,
	code         TEXT NOT NULL,
	text         TEXT NOT NULL,
	section      TEXT NOT NULL,
	category     TEXT NOT NULL,
	yes          INTEGER NOT NULL,
	partly       INTEGER NOT NULL,
	no           INTEGER NOT NULL,
	not_relevant INTEGER NOT NULL,
	unanswered   INTEGER NOT NULL,
	material     INTEGER NOT NULL,
	PRIMARY KEY (round_id, position)
) WITHOUT ROWID;

-- The newest audit entry deleted by retention: its id and hash. audit_verify() continues
-- the chain from here, and requires the kept entry that recorded the deletion (action
-- audit_purge, object "audit:ID") to name this hash. It only ever moves forward.
CREATE TABLE audit_anchor (
	one        INTEGER PRIMARY KEY CHECK (one = 1),
	last_id    INTEGER NOT NULL,
	last_hash  BLOB NOT NULL,
	last_at    TEXT NOT NULL,
	deleted    INTEGER NOT NULL,  -- entries deleted in all
	updated_at TEXT NOT NULL
);
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
BEGIN
	SELECT RAISE(ABORT, 'the audit anchor is never removed');
END;
CREATE TRIGGER audit_anchor_forward BEFORE UPDATE ON audit_anchor
WHEN NEW.last_id <= OLD.last_id
BEGIN
	SELECT RAISE(ABORT, 'the audit anchor only moves forward');
END;

-- Entries may now be deleted, but only up to the anchor, which is moved first.
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN OLD.id > coalesce((SELECT last_id FROM audit_anchor), 0)
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
