-- The cycle around the review: the department's working group, the planning answers of a
-- tilsyn, its phases (and why it moved on with work left), meetings with short minutes,
-- actions decided from a tilsyn, the expectation alignment and invitations of an external
-- review, and a secret address for the department's calendar feed.

-- The working group (arbejdsgruppe) that plans the department's tilsyn: the recommendation
-- is 3-5 people, a leder, a faglig koordinator and 1-3 rådgivere.
CREATE TABLE workgroup_member (
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	function      TEXT NOT NULL CHECK (function IN ('leder', 'koordinator', 'raadgiver')),
	added_at      TEXT NOT NULL,
	PRIMARY KEY (department_id, user_id)
) WITHOUT ROWID;

-- The answers to the planning questions of one tilsyn.
CREATE TABLE round_plan (
	round_id        INTEGER PRIMARY KEY REFERENCES round (id) ON DELETE CASCADE,
	performers      TEXT NOT NULL DEFAULT '',  -- who carries it out
	planned_cases   INTEGER,                   -- how many cases
	selection       TEXT NOT NULL DEFAULT '',  -- how they are selected
	timing          TEXT NOT NULL DEFAULT '',  -- when, in words
	gathering       TEXT NOT NULL DEFAULT '',  -- how the results are gathered
	stopop_meetings INTEGER NOT NULL DEFAULT 0,-- interim stop-op meetings intended
	updated_at      TEXT NOT NULL,
	updated_by      INTEGER REFERENCES users (id)
);

-- Every change of phase. A move on with work left (cases not reviewed, feedback not given)
-- carries the reason the person gave.
CREATE TABLE round_phase_change (
	id         INTEGER PRIMARY KEY,
	round_id   INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	from_phase TEXT NOT NULL,
	to_phase   TEXT NOT NULL,
	reason     TEXT,
	at         TEXT NOT NULL,
	by_id      INTEGER REFERENCES users (id),
	by_name    TEXT NOT NULL   -- the user's name, or "kommandolinjen"
);
CREATE INDEX round_phase_change_round ON round_phase_change (round_id);

-- When the tilsyn was finished (phase afsluttet); retention counts from here.
ALTER TABLE round ADD COLUMN finished_at TEXT;

-- Meetings of the cycle. information: the staff are told frame and timetable before the
-- review; stopop: interim meeting of the reviewers; ledelse: results to management;
-- personale: results to the staff at a department meeting; individuel: feedback to one
-- caseworker (advisor = the name as in the case list); forventning: the expectation
-- alignment of an external review. Minutes of staff meetings (information, personale) hold
-- no case numbers and no CPR numbers.
CREATE TABLE meeting (
	id            INTEGER PRIMARY KEY,
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	round_id      INTEGER REFERENCES round (id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('information', 'stopop', 'ledelse', 'personale', 'individuel',
	                                            'forventning')),
	date          TEXT NOT NULL,              -- YYYY-MM-DD
	time          TEXT,                       -- HH:MM, or none for a whole day
	status        TEXT NOT NULL DEFAULT 'planlagt' CHECK (status IN ('planlagt', 'afholdt', 'aflyst')),
	advisor       TEXT,
	participants  TEXT NOT NULL DEFAULT '',
	minutes       TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	updated_at    TEXT NOT NULL,
	updated_by    INTEGER REFERENCES users (id),
	CHECK (kind <> 'individuel' OR advisor IS NOT NULL)
);
CREATE INDEX meeting_department ON meeting (department_id, date);
CREATE INDEX meeting_round ON meeting (round_id);

-- Actions (tiltag) decided from a tilsyn, and the questions or themes each aims to improve.
CREATE TABLE action_item (
	id            INTEGER PRIMARY KEY,
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	round_id      INTEGER REFERENCES round (id) ON DELETE SET NULL,
	title         TEXT NOT NULL,
	description   TEXT NOT NULL DEFAULT '',
	owner_id      INTEGER REFERENCES users (id),
	due           TEXT,                        -- YYYY-MM-DD
	status        TEXT NOT NULL DEFAULT 'planlagt'
	                  CHECK (status IN ('planlagt', 'i_gang', 'gennemfoert', 'opgivet')),
	created_at    TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	updated_at    TEXT NOT NULL,
	updated_by    INTEGER REFERENCES users (id)
);
CREATE INDEX action_item_department ON action_item (department_id, due);
CREATE INDEX action_item_owner ON action_item (owner_id, due);

CREATE TABLE action_target (
	action_id INTEGER NOT NULL REFERENCES action_item (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL CHECK (kind IN ('question', 'theme')),
	code      TEXT NOT NULL,                  -- a question code, or a theme catalogue code
	PRIMARY KEY (action_id, kind, code)
) WITHOUT ROWID;

-- The expectation alignment (forventningsafstemning) of an external review, and its focus
-- areas or case types.
CREATE TABLE round_expectation (
	round_id       INTEGER PRIMARY KEY REFERENCES round (id) ON DELETE CASCADE,
	learn          TEXT NOT NULL DEFAULT '',  -- what do you want to learn
	worries        TEXT NOT NULL DEFAULT '',  -- what worries you
	implementation TEXT NOT NULL DEFAULT '',  -- is an implementation to be checked
	previous       TEXT NOT NULL DEFAULT '',  -- what was examined before, how was it received
	staff          TEXT NOT NULL DEFAULT '',  -- how the staff is composed
	organisation   TEXT NOT NULL DEFAULT '',  -- how the work is organised
	focus          TEXT NOT NULL DEFAULT '',  -- focus areas or case types
	updated_at     TEXT NOT NULL,
	updated_by     INTEGER REFERENCES users (id)
);

-- Outside reviewers (role ekstern) invited to one round: they see that round and nothing else.
CREATE TABLE round_invite (
	round_id   INTEGER NOT NULL REFERENCES round (id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	invited_at TEXT NOT NULL,
	invited_by INTEGER REFERENCES users (id),
	PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

-- The secret address of a department's calendar feed (calendar programs cannot log in):
-- only a hash of the token is kept; making a new one retires the old.
CREATE TABLE calendar_feed (
	department_id INTEGER PRIMARY KEY REFERENCES department (id) ON DELETE CASCADE,
	token_hash    TEXT NOT NULL UNIQUE,
	created_at    TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id)
);
