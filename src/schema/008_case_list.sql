-- The current case list (issue 11): every import is a version of the department's case
-- list. By default a file replaces the current list: cases it does not hold stay for history
-- (earlier rounds, audit) but are off the list and never drawn again. A round records the
-- version its population came from. case_list.c and population.c hold the rules.

-- On the department's current list (1), or dropped off it (0) by the import dropped_import_id.
-- Cases imported before versions existed all stay on the list, as they were.
ALTER TABLE cases ADD COLUMN on_list INTEGER NOT NULL DEFAULT 1;
-- No REFERENCES, like first_import_id and last_import_id: a foreign key written by the import's
-- upsert makes SQLite keep a statement journal for every row, which tripled an import's writes.
ALTER TABLE cases ADD COLUMN dropped_import_id INTEGER;
-- No index on on_list: nearly every case is on the list, so it would not narrow a search, and
-- each import would pay for keeping it (the lists are read in case-number order anyway).

-- What each import did to the list: 'replace' or 'add' (the earlier imports all added),
-- the list's size after it, how many cases dropped off, and how many rows had no target
-- group and took the department's area.
ALTER TABLE case_import ADD COLUMN mode TEXT NOT NULL DEFAULT 'add';
ALTER TABLE case_import ADD COLUMN list_size INTEGER;
ALTER TABLE case_import ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_import ADD COLUMN target_defaulted INTEGER NOT NULL DEFAULT 0;

-- The case-list version (case_import.id) a round's sample was drawn from; NULL before this.
ALTER TABLE round ADD COLUMN case_import_id INTEGER REFERENCES case_import (id);

-- A case without a target group takes its department's area (barn or voksen).
UPDATE cases SET target = (SELECT d.area FROM department d WHERE d.id = cases.department_id) WHERE target IS NULL;
