-- A caseworker's individual feedback is released by the leader (issue 13), not as soon as the
-- round changes phase: one row per caseworker the leader released it for, with who and when
-- (the release is in the audit log too). advisor is the name as the case list writes it; a
-- held individual feedback meeting for the round releases it as well (feedback.c), with no row.
CREATE TABLE feedback_release (
	id          INTEGER PRIMARY KEY,
	round_id    INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	advisor     TEXT NOT NULL CHECK (advisor <> ''),
	released_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	released_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (round_id, advisor)
);
