-- A question's condition as rows (issue 14): question_id is asked only when its gate
-- (gate_id, an earlier question of the same catalogue version) has one of the answers
-- listed, one row per answer, in the catalogue's order (position). Written when a version is
-- published (catalogue_publish) and never changed after; relevance.c reads these rows. The
-- question's cond_question/cond_answers stay as the catalogue's source form: drafts are
-- edited there, and the import and export read and write them.
CREATE TABLE question_condition (
	question_id INTEGER NOT NULL REFERENCES question (id) ON DELETE CASCADE,
	gate_id     INTEGER NOT NULL REFERENCES question (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	answer      TEXT NOT NULL,
	PRIMARY KEY (question_id, position),
	UNIQUE (question_id, answer)
);
CREATE INDEX question_condition_gate ON question_condition (gate_id);

-- The versions published before this migration: the same rows catalogue_publish writes (the
-- gate by code in the same version; the answers of the JSON array that are texts, each once).
-- This is SQLite's own migration (the migrations are per backend), so it may read the JSON
-- with json_each; a database on another backend never held versions without their rows.
INSERT INTO question_condition (question_id, gate_id, position, answer)
SELECT q.id, g.id, min(j.key) + 1, j.value
FROM question q
JOIN catalogue k ON k.id = q.catalogue_id AND k.status = 'udgivet'
JOIN question g ON g.catalogue_id = q.catalogue_id AND g.code = q.cond_question AND g.id <> q.id
JOIN json_each(CASE WHEN json_valid(q.cond_answers) AND json_type(q.cond_answers) = 'array'
                    THEN q.cond_answers ELSE '[]' END) j
WHERE j.type = 'text'
GROUP BY q.id, g.id, j.value;

-- Published versions never change (as their questions, 003_review.sql).
CREATE TRIGGER question_condition_published_insert BEFORE INSERT ON question_condition
WHEN (SELECT k.status FROM question q JOIN catalogue k ON k.id = q.catalogue_id WHERE q.id = NEW.question_id) = 'udgivet'
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;
CREATE TRIGGER question_condition_published_update BEFORE UPDATE ON question_condition
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;
CREATE TRIGGER question_condition_published_delete BEFORE DELETE ON question_condition
WHEN (SELECT k.status FROM question q JOIN catalogue k ON k.id = q.catalogue_id WHERE q.id = OLD.question_id) = 'udgivet'
BEGIN SELECT RAISE(ABORT, 'a published catalogue cannot be changed'); END;
