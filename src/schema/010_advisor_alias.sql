-- Who a case list's caseworker is (issue 12): the case list names its caseworker in free
-- text ("Bækgaard, Anne", "ABK", an id from the case system), so the administrator links
-- those names to users. alias is the name as typed; alias_folded its matching form
-- (ident_fold in ident.c: NFKC, case folded, white space collapsed). department_id NULL: in
-- every department. One folded alias names one user in a scope; ident.c also refuses the
-- same alias for another user in an overlapping scope.
CREATE TABLE advisor_alias (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	department_id INTEGER REFERENCES department (id) ON DELETE CASCADE,
	alias         TEXT NOT NULL,
	alias_folded  TEXT NOT NULL CHECK (alias_folded <> ''),
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX advisor_alias_folded ON advisor_alias (coalesce(department_id, 0), alias_folded);
CREATE INDEX advisor_alias_user ON advisor_alias (user_id);

-- A sampled case whose reviewer an import made its caseworker loses the reviewer; why is
-- kept here for the round page until someone is given the case again.
ALTER TABLE round_case ADD COLUMN reviewer_cleared TEXT;
