/*
** Tests of the storage layer (db.c) on real SQLite files in a temporary directory: the
** pragmas db_open sets, migrations (to the latest version, idempotent, refusing a database
** from a newer program without touching it), transactions and foreign keys.
*/
#include "unit_helpers.h"

/* Each test gets a fresh database, opened with db_open and migrated; teardown removes it
** also when the test failed. */
static int setup(void **state)
{
	*state = testdb_new();
	return 0;
}

static int teardown(void **state)
{
	testdb_free(*state);
	return 0;
}

static void open_sets_pragmas(void **state)
{
	TestDb *t = *state;
	char mode[32];
	testdb_text(t->db, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	assert_int_equal(testdb_int(t->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(testdb_int(t->db, "PRAGMA synchronous"), 2); /* FULL: a saved answer survives a power loss */
	assert_int_equal(testdb_int(t->db, "PRAGMA trusted_schema"), 0);
	/* Retention's deletions overwrite the data; the WAL is cut back to 64 MB. */
	assert_int_equal(testdb_int(t->db, "PRAGMA secure_delete"), 1);
	assert_int_equal(testdb_int(t->db, "PRAGMA journal_size_limit"), 64 << 20);
}

/* secure_delete at work: a deleted row's text is gone from the file after a checkpoint, not
** left in a free page. (Debian's SQLite is built with it on already; the read-back above is
** what proves db_open sets it for any build.) */
static void deleted_text_is_overwritten(void **state)
{
	TestDb *t = *state;
	static const char marker[] = "SLETTET-SAGSNOTAT-7f3a9c";
	assert_int_equal(db_exec(t->db, "CREATE TABLE secret (v TEXT)"), DB_OK);
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO secret VALUES ('%s')", marker);
	assert_int_equal(db_exec(t->db, sql), DB_OK);
	assert_int_equal(db_exec(t->db, "PRAGMA wal_checkpoint(TRUNCATE)"), DB_OK);
	assert_int_equal(db_exec(t->db, "DELETE FROM secret"), DB_OK);
	assert_int_equal(db_exec(t->db, "PRAGMA wal_checkpoint(TRUNCATE)"), DB_OK);
	FILE *f = fopen(t->path, "rb");
	assert_non_null(f);
	static char data[1 << 22];
	size_t n = fread(data, 1, sizeof data, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof data);
	assert_null(memmem(data, n, marker, sizeof marker - 1));
}

static void open_reports_failure(void **state)
{
	(void)state;
	char *err = NULL;
	Db *db = db_open("/nonexistent-dir-for-tilsyn-tests/x.db", &err);
	assert_null(db);
	assert_non_null(err);
	assert_true(strlen(err) > 0);
	free(err);
}

static void migrate_to_latest(void **state)
{
	TestDb *t = *state;
	assert_true(db_schema_latest() >= 1);
	assert_int_equal(db_schema_version(t->db), db_schema_latest());
	assert_int_equal(testdb_int(t->db, "PRAGMA user_version"), db_schema_latest());
	const char *tables[] = {"department", "users", "membership", "session", "login_attempt", "audit"};
	for (size_t i = 0; i < COUNT(tables); i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
		         tables[i]);
		if (testdb_int(t->db, sql) != 1)
			fail_msg("table %s is missing after migration", tables[i]);
	}
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static void migrate_twice_is_noop(void **state)
{
	TestDb *t = *state;
	assert_int_equal(db_exec(t->db, "INSERT INTO department (code, name, area) VALUES ('A', 'Afd A', 'barn')"),
	                 DB_OK);
	int64_t objects = testdb_int(t->db, "SELECT count(*) FROM sqlite_master");
	static char schema[1 << 16];
	testdb_text(t->db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)", schema,
	            sizeof schema);
	char *err = NULL;
	assert_int_equal(db_migrate(t->db, &err), 0);
	assert_null(err);
	assert_int_equal(db_migrate(t->db, &err), 0);
	assert_null(err);
	assert_int_equal(db_schema_version(t->db), db_schema_latest());
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM sqlite_master"), objects);
	static char again[1 << 16];
	testdb_text(t->db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)", again,
	            sizeof again);
	assert_string_equal(schema, again);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 1);
}

static void newer_database_is_refused(void **state)
{
	(void)state;
	/* A database written by a newer tilsyn: user_version above what this program knows. */
	char dir[] = "/tmp/tilsyn-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/new.db", dir);
	char *err = NULL;
	Db *db = db_open(path, &err);
	assert_non_null(db);
	int future = db_schema_latest() + 3;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", future);
	assert_int_equal(db_exec(db, sql), DB_OK);
	assert_int_equal(db_exec(db, "CREATE TABLE future_thing (x)"), DB_OK);

	assert_int_equal(db_migrate(db, &err), -1);
	assert_non_null(err);
	/* Danish, names both versions and tells what to do. */
	assert_non_null(strstr(err, "Databasen har skemaversion"));
	char want[16];
	snprintf(want, sizeof want, "%d", future);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof want, "%d", db_schema_latest());
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "nyere udgave"));
	free(err);

	/* Left unchanged. */
	assert_int_equal(db_schema_version(db), future);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'users'"), 0);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM sqlite_master"), 1);
	db_close(db);

	/* Also after reopening: nothing was written. */
	db = db_open(path, &err);
	assert_non_null(db);
	assert_int_equal(db_schema_version(db), future);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM sqlite_master"), 1);
	db_close(db);
	char p[80];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
}

static void rollback_leaves_no_change(void **state)
{
	TestDb *t = *state;
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(db_exec(t->db, "INSERT INTO department (code, name, area) VALUES ('X', 'Afd X', 'voksen')"),
	                 DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 1);
	db_rollback(t->db);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 0);
	assert_false(db_in_transaction(t->db));
	/* Rolling back with no transaction open is harmless. */
	db_rollback(t->db);

	/* A committed change stays, and is visible from a second connection. */
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(db_exec(t->db, "INSERT INTO department (code, name, area) VALUES ('Y', 'Afd Y', 'barn')"),
	                 DB_OK);
	assert_int_equal(db_commit(t->db), DB_OK);
	char *err = NULL;
	Db *other = db_open(t->path, &err);
	assert_non_null(other);
	assert_int_equal(testdb_int(other, "SELECT count(*) FROM department WHERE code = 'Y'"), 1);
	/* While one connection writes, the other cannot begin a write (BEGIN IMMEDIATE). */
	db_busy_timeout(other, 0);
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(db_begin(other), DB_BUSY);
	db_rollback(t->db);
	db_close(other);
}

static void statements_bind_and_read(void **state)
{
	TestDb *t = *state;
	Stmt q;
	db_prepare(&q, t->db, "INSERT INTO department (code, name, area) VALUES (?1, ?2, ?3) RETURNING id");
	db_bind_text(&q, 1, "Q'; DROP TABLE users; --");
	db_bind_text(&q, 2, "Afdeling æøå");
	db_bind_text(&q, 3, "barn");
	int64_t id = 0;
	assert_int_equal(db_insert_id(&q, &id), DB_OK);
	db_finalize(&q);
	assert_true(id > 0);
	assert_int_equal(db_changes(t->db), 1);

	db_prepare(&q, t->db, "SELECT code, name, ?2, ?3 FROM department WHERE id = ?1");
	db_bind_int(&q, 1, id);
	db_bind_null(&q, 2);
	db_bind_blob(&q, 3, "\0\1\2", 3);
	assert_true(db_step(&q));
	assert_string_equal(db_col_text(&q, 0), "Q'; DROP TABLE users; --");
	assert_string_equal(db_col_text(&q, 1), "Afdeling æøå");
	assert_true(db_col_is_null(&q, 2));
	assert_string_equal(db_col_text(&q, 2), ""); /* NULL reads as "" */
	size_t n = 0;
	const void *blob = db_col_blob(&q, 3, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(blob, "\0\1\2", 3);
	assert_false(db_step(&q));
	db_finalize(&q);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM users"), 0);

	/* A constraint violation is reported by db_done. */
	db_prepare(&q, t->db, "INSERT INTO department (code, name, area) VALUES ('Z', 'Z', 'ugyldig')");
	assert_int_equal(db_done(&q), DB_CONSTRAINT);
	db_finalize(&q);
}

static void foreign_keys_enforced(void **state)
{
	TestDb *t = *state;
	assert_int_equal(db_exec(t->db, "INSERT INTO department (id, code, name, area) VALUES (1, 'A', 'A', 'barn')"),
	                 DB_OK);
	/* A membership for a user who does not exist. */
	Stmt q;
	db_prepare(&q, t->db, "INSERT INTO membership (user_id, department_id, role) VALUES (999, 1, 'leder')");
	assert_int_equal(db_done(&q), DB_CONSTRAINT);
	db_finalize(&q);
	/* A session for a user who does not exist. */
	assert_int_not_equal(db_exec(t->db, "INSERT INTO session (token_hash, user_id, csrf, created, last_seen)"
	                                    " VALUES (x'00', 999, 'c', 0, 0)"),
	                     DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM session"), 0);

	/* Deleting a user removes their memberships (ON DELETE CASCADE). */
	assert_int_equal(db_exec(t->db, "INSERT INTO users (id, login, name, password_hash) VALUES (5, 'u', 'U', 'h');"
	                                "INSERT INTO membership VALUES (5, 1, 'leder')"),
	                 DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 1);
	assert_int_equal(db_exec(t->db, "DELETE FROM users WHERE id = 5"), DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 0);
}

/* A GET's read transaction (db_read_begin): its reads see one snapshot, so another
** connection's commit is not seen until it ends; a db_begin inside it ends it and begins the
** write on the newest data; a write without db_begin runs on its own; later reads open a new
** snapshot. */
static void read_transaction_then_write(void **state)
{
	TestDb *t = *state;
	char *err = NULL;
	Db *other = db_open(t->path, &err);
	assert_non_null(other);
	exec_ok(other, "INSERT INTO department (code, name, area) VALUES ('A', 'Afd A', 'barn')");

	db_read_begin(t->db);
	assert_false(db_in_transaction(t->db)); /* not a transaction a caller must stay inside */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 1);
	exec_ok(other, "INSERT INTO department (code, name, area) VALUES ('B', 'Afd B', 'barn')");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 1); /* one snapshot */

	/* A write through db_begin, though the snapshot is older than the other's commit. */
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_true(db_in_transaction(t->db));
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 2); /* the newest data */
	assert_int_equal(db_exec(t->db, "INSERT INTO department (code, name, area) VALUES ('C', 'Afd C', 'voksen')"),
	                 DB_OK);
	assert_int_equal(db_commit(t->db), DB_OK);
	assert_int_equal(testdb_int(other, "SELECT count(*) FROM department"), 3);

	/* Reads after it: a new snapshot, with the commit in it. */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 3);
	exec_ok(other, "INSERT INTO department (code, name, area) VALUES ('D', 'Afd D', 'voksen')");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 3);

	/* A write without db_begin (as the session's last_seen): ends the read, runs, is kept. */
	Stmt q;
	db_prepare(&q, t->db, "UPDATE department SET name = 'Afd A2' WHERE code = 'A'");
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
	assert_false(db_in_transaction(t->db));
	assert_int_equal(testdb_int(other, "SELECT count(*) FROM department WHERE name = 'Afd A2'"), 1);
	/* Another connection can write while this one reads (no write lock was kept). */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 4);
	db_busy_timeout(other, 0);
	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(db_exec(other, "DELETE FROM department WHERE code = 'D'"), DB_OK);
	assert_int_equal(db_commit(other), DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 4);
	db_read_end(t->db);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 3);
	db_close(other);
}

/* A database named by a URI tilsyn has no driver for is refused with a Danish reason. */
static void uri_without_driver_refused(void **state)
{
	(void)state;
	char why[300] = "";
	assert_true(db_uri_supported("/tmp/x.db", why, sizeof why));
	assert_false(db_uri_supported("postgresql://tilsyn@localhost/tilsyn", why, sizeof why));
	assert_non_null(strstr(why, "PostgreSQL understøttes endnu ikke"));
	char *err = NULL;
	assert_null(db_open("postgresql://tilsyn@localhost/tilsyn", &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "PostgreSQL"));
	free(err);
}

/* The bulk import's statement: text bound without a copy, and what the upsert did. */
static void upsert_tells_insert_update_and_skip(void **state)
{
	TestDb *t = *state;
	exec_ok(t->db, "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT, n INTEGER)");
	Stmt q;
	db_prepare(&q, t->db,
	           "INSERT INTO kv (k, v, n) VALUES (?1, ?2, ?3) ON CONFLICT (k) DO UPDATE SET v = excluded.v,"
	           " n = excluded.n WHERE kv.n IS DISTINCT FROM excluded.n");
	char k[8] = "a", v[8] = "x";
	int outcome = 9;
	db_bind_text_static(&q, 1, k);
	db_bind_text_static(&q, 2, v);
	db_bind_int(&q, 3, 1);
	assert_int_equal(db_upsert(&q, &outcome), DB_OK);
	assert_int_equal(outcome, 1);
	db_reset(&q);
	strcpy(v, "y");
	db_bind_text_static(&q, 2, v);
	db_bind_int(&q, 3, 2);
	assert_int_equal(db_upsert(&q, &outcome), DB_OK);
	assert_int_equal(outcome, 0);
	db_reset(&q);
	assert_int_equal(db_upsert(&q, &outcome), DB_OK); /* the same n: the WHERE skips it */
	assert_int_equal(outcome, -1);
	db_reset(&q);
	db_bind_text_static(&q, 2, NULL);
	db_bind_int(&q, 3, 3);
	assert_int_equal(db_upsert(&q, &outcome), DB_OK);
	db_finalize(&q);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM kv WHERE k = 'a' AND v IS NULL AND n = 3"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_sets_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_text_is_overwritten, setup, teardown),
		cmocka_unit_test(open_reports_failure),
		cmocka_unit_test_setup_teardown(migrate_to_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_twice_is_noop, setup, teardown),
		cmocka_unit_test(newer_database_is_refused),
		cmocka_unit_test_setup_teardown(rollback_leaves_no_change, setup, teardown),
		cmocka_unit_test_setup_teardown(statements_bind_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_keys_enforced, setup, teardown),
		cmocka_unit_test_setup_teardown(read_transaction_then_write, setup, teardown),
		cmocka_unit_test(uri_without_driver_refused),
		cmocka_unit_test_setup_teardown(upsert_tells_insert_update_and_skip, setup, teardown),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
