-- Issue 13, forms and errors: what a form posted with an error carries to the GET of the form
-- (post/redirect/get). Kept in the database, not in the server's memory, so any server behind a
-- load balancer can show it. One row per failed post: the typed fields and the messages as JSON
-- (never a password), bound to the session that posted it (or, before login, to a hash of the
-- login form's cookie), read once and deleted; flash.c purges rows older than a few minutes.
CREATE TABLE form_flash (
	id         TEXT PRIMARY KEY,
	session_id INTEGER REFERENCES session (id) ON DELETE CASCADE,
	bind_hash  BLOB,
	path       TEXT NOT NULL,
	data       TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE INDEX form_flash_created ON form_flash (created);
