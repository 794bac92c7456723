-- Foundation: departments, users and their roles per department, sessions, login
-- throttling, and the append-only audit log. Times are unix seconds unless named *_at.

CREATE TABLE department (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name       TEXT NOT NULL,
	area       TEXT NOT NULL CHECK (area IN ('barn', 'voksen')),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	login                TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name                 TEXT NOT NULL,
	password_hash        TEXT NOT NULL,
	is_admin             INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
	active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
	created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A user's role in a department; one role per department, different roles in different ones.
CREATE TABLE membership (
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
	role          TEXT NOT NULL CHECK (role IN ('leder', 'koordinator', 'raadgiver', 'ekstern')),
	PRIMARY KEY (user_id, department_id)
) WITHOUT ROWID;
CREATE INDEX membership_department ON membership (department_id);

-- Only a hash of the session token is stored, so a copy of the database opens no session.
CREATE TABLE session (
	id         INTEGER PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created    INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	ip         TEXT
);
CREATE INDEX session_user ON session (user_id);

CREATE TABLE login_attempt (
	login        TEXT PRIMARY KEY COLLATE NOCASE,
	failures     INTEGER NOT NULL,
	last_failure INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
);

-- Append-only: each entry's hash covers its content and the previous entry's hash, so a
-- changed or removed entry breaks the chain (checked by `tilsyn audit verify`).
CREATE TABLE audit (
	id            INTEGER PRIMARY KEY,
	at            TEXT NOT NULL,
	user_id       INTEGER,
	login         TEXT,
	action        TEXT NOT NULL,
	department_id INTEGER,
	object        TEXT,
	detail        TEXT,
	ip            TEXT,
	hash          BLOB NOT NULL
);
CREATE INDEX audit_object ON audit (object);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
