-- Case lists and rounds (tilsyn) with their reproducible samples.

-- One row per case in a department's case list. Only the reference from the municipality's
-- case system and facts about the case are kept: never a citizen's name or CPR number.
CREATE TABLE cases (
	id             INTEGER PRIMARY KEY,
	department_id  INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	case_no        TEXT NOT NULL,
	advisor        TEXT NOT NULL,
	target         TEXT CHECK (target IN ('barn', 'voksen')),
	provision      TEXT,
	benefit        TEXT,
	opened         TEXT,   -- yyyy-mm-dd
	decided        TEXT,   -- yyyy-mm-dd
	team           TEXT,
	first_seen      TEXT NOT NULL,  -- when an import first listed the case
	last_seen       TEXT NOT NULL,  -- when an import last listed it (lists are refreshed monthly)
	first_import_id INTEGER,
	last_import_id  INTEGER,
	UNIQUE (department_id, case_no)
);
CREATE INDEX cases_advisor ON cases (department_id, advisor);

CREATE TABLE case_import (
	id            INTEGER PRIMARY KEY,
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	at            TEXT NOT NULL,
	login         TEXT,
	file_name     TEXT,
	format        TEXT,
	encoding      TEXT,
	rows_read     INTEGER NOT NULL DEFAULT 0,
	rows_inserted INTEGER NOT NULL DEFAULT 0,
	rows_updated  INTEGER NOT NULL DEFAULT 0,
	rows_rejected INTEGER NOT NULL DEFAULT 0
);

-- A tilsyn. The sampling protocol (seed, filters, population size and digest) is kept with
-- it, so that anyone can repeat the draw and check it.
CREATE TABLE round (
	id                INTEGER PRIMARY KEY,
	department_id     INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	kind              TEXT NOT NULL CHECK (kind IN ('overordnet', 'uddybende', 'ekstern')),
	title             TEXT NOT NULL,
	catalogue         TEXT,
	planned_start     TEXT,
	planned_end       TEXT,
	phase             TEXT NOT NULL DEFAULT 'planlaegning',
	created_at        TEXT NOT NULL,
	created_by        TEXT,
	seed              TEXT,      -- 64 hex digits
	sample_method     TEXT CHECK (sample_method IN ('size', 'per_advisor')),
	sample_param      INTEGER,
	filters           TEXT,      -- JSON
	exclude_months    INTEGER,
	population_size   INTEGER,
	population_digest TEXT,      -- BLAKE2b-256 of the sorted eligible case numbers, one per line
	sampled_at        TEXT,
	review_started_at TEXT
);
CREATE INDEX round_department ON round (department_id);

CREATE TABLE round_theme (
	round_id INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	theme    TEXT NOT NULL,
	PRIMARY KEY (round_id, theme)
) WITHOUT ROWID;

-- The sample. A replaced case stays, marked 'erstattet' with the reason; its replacement is
-- the eligible case with the next smallest key.
CREATE TABLE round_case (
	round_id       INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	case_id        INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	sample_key     TEXT NOT NULL,  -- hex of BLAKE2b-256(key = seed, message = case_no)
	status         TEXT NOT NULL DEFAULT 'udtrukket' CHECK (status IN ('udtrukket', 'erstattet')),
	reviewer_id    INTEGER REFERENCES users (id),
	replaced_reason TEXT,
	added_at       TEXT NOT NULL,
	PRIMARY KEY (round_id, case_id)
) WITHOUT ROWID;
CREATE INDEX round_case_case ON round_case (case_id);

-- An uploaded case list waiting for the user to confirm the import after the preview.
CREATE TABLE upload (
	id            INTEGER PRIMARY KEY,
	token         TEXT NOT NULL UNIQUE,
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created       INTEGER NOT NULL,
	file_name     TEXT NOT NULL,
	data          BLOB NOT NULL
);
