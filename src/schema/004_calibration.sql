-- Calibration (issue 5): some sampled cases are reviewed a second time, blind, by another
-- reviewer, to measure how far reviewers agree (percent agreement and Cohen's kappa per
-- question) and to find the disagreements for a moderation talk. The second review lives
-- in tables of its own, so the first review's answers and the round's results are untouched.

-- A sampled case chosen for a second review, and who does it (neither the first reviewer
-- nor the case's caseworker; calibration.c checks).
CREATE TABLE calibration_case (
	round_id    INTEGER NOT NULL,
	case_id     INTEGER NOT NULL,
	reviewer_id INTEGER REFERENCES users (id),
	status      TEXT NOT NULL DEFAULT 'ikke_startet' CHECK (status IN ('ikke_startet', 'i_gang', 'faerdig')),
	chosen_at   TEXT NOT NULL,
	chosen_by   INTEGER REFERENCES users (id),
	how         TEXT NOT NULL DEFAULT 'haand' CHECK (how IN ('haand', 'tilfaeldig')),
	finished_at TEXT,
	PRIMARY KEY (round_id, case_id),
	FOREIGN KEY (round_id, case_id) REFERENCES round_case (round_id, case_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX calibration_case_reviewer ON calibration_case (reviewer_id);

-- The second reviewer's answers, shaped as `answer`.
CREATE TABLE calibration_answer (
	round_id    INTEGER NOT NULL,
	case_id     INTEGER NOT NULL,
	question_id INTEGER NOT NULL REFERENCES question (id),
	value       TEXT,
	material    INTEGER NOT NULL DEFAULT 0 CHECK (material IN (0, 1)),
	comment     TEXT NOT NULL DEFAULT '',
	revision    INTEGER NOT NULL DEFAULT 1,
	updated_at  TEXT NOT NULL,
	updated_by  INTEGER REFERENCES users (id),
	PRIMARY KEY (round_id, case_id, question_id),
	FOREIGN KEY (round_id, case_id) REFERENCES calibration_case (round_id, case_id) ON DELETE CASCADE
) WITHOUT ROWID;
