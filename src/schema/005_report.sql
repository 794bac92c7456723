-- The report's own words: per round, the working group writes a summary, strengths,
-- challenges and recommendations as a draft, then marks them final (who and when).
-- Free text is checked for CPR numbers before it is stored.

CREATE TABLE report_text (
	round_id        INTEGER PRIMARY KEY REFERENCES round (id) ON DELETE CASCADE,
	summary         TEXT NOT NULL DEFAULT '',
	strengths       TEXT NOT NULL DEFAULT '',
	challenges      TEXT NOT NULL DEFAULT '',
	recommendations TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL DEFAULT 'kladde' CHECK (status IN ('kladde', 'endelig')),
	updated_at      TEXT NOT NULL,
	updated_by      INTEGER REFERENCES users (id),
	final_at        TEXT,
	final_by        INTEGER REFERENCES users (id),
	final_by_name   TEXT       -- who marked it final; the command line has no user
);
