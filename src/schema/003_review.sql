-- Question catalogues (drafts and immutable published versions), the catalogues a round
-- uses, and the review itself: who reviews which case, the answers, and every change.

CREATE TABLE catalogue (
	id           INTEGER PRIMARY KEY,
	code         TEXT NOT NULL,
	version      INTEGER NOT NULL,
	title        TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('overordnet', 'tema')),
	target       TEXT NOT NULL CHECK (target IN ('barn', 'voksen', 'begge')),
	description  TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL CHECK (status IN ('kladde', 'udgivet')),
	source       TEXT NOT NULL DEFAULT 'lokal' CHECK (source IN ('standard', 'lokal')),
	created_at   TEXT NOT NULL,
	published_at TEXT,
	UNIQUE (code, version)
);

CREATE TABLE catalogue_section (
	id           INTEGER PRIMARY KEY,
	catalogue_id INTEGER NOT NULL REFERENCES catalogue (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	title        TEXT NOT NULL
);

-- A question's code is kept across versions, so rounds can be compared question by question.
-- "ja" is always the fulfilled answer.
CREATE TABLE question (
	id            INTEGER PRIMARY KEY,
	catalogue_id  INTEGER NOT NULL REFERENCES catalogue (id) ON DELETE CASCADE,
	section_id    INTEGER NOT NULL REFERENCES catalogue_section (id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	code          TEXT NOT NULL,
	text          TEXT NOT NULL,
	guidance      TEXT NOT NULL DEFAULT '',
	reference     TEXT NOT NULL DEFAULT '',
	category      TEXT NOT NULL CHECK (category IN ('forvaltningsret', 'retssikkerhed', 'socialfaglig')),
	scale         TEXT NOT NULL DEFAULT 'jdn' CHECK (scale IN ('jdn', 'jn', 'choice', 'text')),
	choices       TEXT,   -- JSON array, for scale 'choice'
	cond_question TEXT,   -- code of an earlier question in the same catalogue
	cond_answers  TEXT,   -- JSON array of the answers that make this question relevant
	UNIQUE (catalogue_id, code)
);
CREATE INDEX question_catalogue ON question (catalogue_id, position);

-- Published versions never change: a round keeps the version it started with.
CREATE TRIGGER question_published_insert BEFORE INSERT ON question
WHEN (SELECT status FROM catalogue WHERE id = NEW.catalogue_id) = 'udgivet'
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;
CREATE TRIGGER question_published_update BEFORE UPDATE ON question
WHEN (SELECT status FROM catalogue WHERE id = OLD.catalogue_id) = 'udgivet'
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;
CREATE TRIGGER question_published_delete BEFORE DELETE ON question
WHEN (SELECT status FROM catalogue WHERE id = OLD.catalogue_id) = 'udgivet'
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;

CREATE TABLE round_catalogue (
	round_id     INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	catalogue_id INTEGER NOT NULL REFERENCES catalogue (id),
	position     INTEGER NOT NULL,
	PRIMARY KEY (round_id, catalogue_id)
) WITHOUT ROWID;

-- The review of each sampled case.
ALTER TABLE round_case ADD COLUMN review_status TEXT NOT NULL DEFAULT 'ikke_startet'
	CHECK (review_status IN ('ikke_startet', 'i_gang', 'faerdig'));
ALTER TABLE round_case ADD COLUMN finished_at TEXT;
ALTER TABLE round_case ADD COLUMN acute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE round_case ADD COLUMN acute_note TEXT;
ALTER TABLE round_case ADD COLUMN acute_by INTEGER REFERENCES users (id);
ALTER TABLE round_case ADD COLUMN acute_at TEXT;
ALTER TABLE round_case ADD COLUMN example_consent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE round_case ADD COLUMN consent_by INTEGER REFERENCES users (id);
ALTER TABLE round_case ADD COLUMN consent_at TEXT;
CREATE INDEX round_case_reviewer ON round_case (reviewer_id);

CREATE TABLE answer (
	round_id    INTEGER NOT NULL,
	case_id     INTEGER NOT NULL,
	question_id INTEGER NOT NULL REFERENCES question (id),
	value       TEXT,               -- ja, delvist, nej, ikke_relevant, a choice, or free text
	material    INTEGER NOT NULL DEFAULT 0 CHECK (material IN (0, 1)),  -- væsentlig betydning
	comment     TEXT NOT NULL DEFAULT '',
	revision    INTEGER NOT NULL DEFAULT 1,   -- for telling concurrent edits apart
	updated_at  TEXT NOT NULL,
	updated_by  INTEGER REFERENCES users (id),
	PRIMARY KEY (round_id, case_id, question_id),
	FOREIGN KEY (round_id, case_id) REFERENCES round_case (round_id, case_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE answer_history (
	id           INTEGER PRIMARY KEY,
	round_id     INTEGER NOT NULL,
	case_id      INTEGER NOT NULL,
	question_id  INTEGER NOT NULL,
	old_value    TEXT,
	new_value    TEXT,
	old_material INTEGER,
	new_material INTEGER,
	old_comment  TEXT,
	new_comment  TEXT,
	at           TEXT NOT NULL,
	user_id      INTEGER,
	FOREIGN KEY (round_id, case_id) REFERENCES round_case (round_id, case_id) ON DELETE CASCADE
);
CREATE INDEX answer_history_case ON answer_history (round_id, case_id);
