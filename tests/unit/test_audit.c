/*
** Tests of the audit log (audit.c) on a real database file: appended entries form a hash
** chain that audit_verify accepts; changing or deleting an entry behind the program's back
** (through a raw SQLite connection, after dropping the append-only triggers) is detected
** and the first bad entry named; with the triggers in place UPDATE and DELETE fail.
*/
#include "unit_helpers.h"

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

/* Appends n entries of varied shape (with and without user, department, NULL fields). */
static void append_entries(sqlite3 *db, int n)
{
	for (int i = 0; i < n; i++) {
		char object[32], detail[64];
		snprintf(object, sizeof object, "user:%d", i);
		snprintf(detail, sizeof detail, "post nummer %d – æøå", i);
		AuditEntry e = {
			.user_id = i % 2 ? i : 0,
			.login = i % 3 ? "anna" : NULL,
			.action = i % 2 ? "user_add" : "login_failed",
			.department_id = i % 4 == 1 ? 3 : 0,
			.object = i % 5 ? object : NULL,
			.detail = i == 4 ? "" : detail,
			.ip = "127.0.0.1",
		};
		assert_int_equal(audit_log(db, &e), 0);
	}
}

/* A second, raw connection to the same file: the "attacker" with file access. */
static sqlite3 *raw_open(const TestDb *t)
{
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(t->path, &raw), SQLITE_OK);
	return raw;
}

static void raw_exec(sqlite3 *raw, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		fail_msg("%s", msg);
	}
}

static void empty_log_verifies(void **state)
{
	TestDb *t = *state;
	int64_t bad = -5;
	assert_int_equal(audit_verify(t->db, &bad), 0);
	assert_int_equal(bad, -5);
}

static void appended_entries_verify(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 10);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 10);
	assert_int_equal(testdb_int(t->db, "SELECT min(id) FROM audit"), 1);
	assert_int_equal(testdb_int(t->db, "SELECT max(id) FROM audit"), 10);
	/* Fields are stored as given: NULL stays NULL, 0 ids are stored as NULL. */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE login IS NULL"), 4);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE user_id IS NULL"), 5);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE detail = ''"), 1);
	assert_int_equal(testdb_int(t->db, "SELECT count(DISTINCT hash) FROM audit"), 10);
	assert_int_equal(testdb_int(t->db, "SELECT min(length(hash)) FROM audit"), 32);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
	/* Appending more keeps the chain intact. */
	append_entries(t->db, 3);
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

static void triggers_forbid_change(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 3);
	assert_int_not_equal(db_exec(t->db, "UPDATE audit SET detail = 'ændret' WHERE id = 2"), SQLITE_OK);
	assert_non_null(strstr(db_errmsg(t->db), "append-only"));
	assert_int_not_equal(db_exec(t->db, "DELETE FROM audit WHERE id = 2"), SQLITE_OK);
	assert_int_not_equal(db_exec(t->db, "DELETE FROM audit"), SQLITE_OK);
	/* Also through another connection. */
	sqlite3 *raw = raw_open(t);
	assert_int_not_equal(sqlite3_exec(raw, "UPDATE audit SET action = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(raw, "DELETE FROM audit WHERE id = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 3);
	char detail[128];
	testdb_text(t->db, "SELECT detail FROM audit WHERE id = 2", detail, sizeof detail);
	assert_string_equal(detail, "post nummer 1 – æøå");
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

static void changed_detail_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 8);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
	sqlite3 *raw = raw_open(t);
	raw_exec(raw, "DROP TRIGGER audit_no_update");
	raw_exec(raw, "UPDATE audit SET detail = 'intet at se her' WHERE id = 5");
	sqlite3_close(raw);
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 5);
}

static void other_changes_are_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 6);
	sqlite3 *raw = raw_open(t);
	raw_exec(raw, "DROP TRIGGER audit_no_update");
	int64_t bad;

	/* A NULL field made empty: "" and NULL hash differently. */
	raw_exec(raw, "UPDATE audit SET login = '' WHERE id = 1");
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 1);
	raw_exec(raw, "UPDATE audit SET login = NULL WHERE id = 1");
	assert_int_equal(audit_verify(t->db, &bad), 0); /* restored exactly: intact again */

	/* The time, the user and the hash itself. */
	raw_exec(raw, "UPDATE audit SET at = '2001-01-01T00:00:00Z' WHERE id = 6");
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 6);
	sqlite3_close(raw);
}

static void changed_user_and_hash_are_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 4);
	sqlite3 *raw = raw_open(t);
	raw_exec(raw, "DROP TRIGGER audit_no_update");
	/* Changing the user of entry 2 and giving it a different hash: entry 2 is named first. */
	raw_exec(raw, "UPDATE audit SET user_id = 99, hash = zeroblob(32) WHERE id = 2");
	sqlite3_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 2);
}

static void deleted_entry_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 7);
	sqlite3 *raw = raw_open(t);
	raw_exec(raw, "DROP TRIGGER audit_no_delete");
	raw_exec(raw, "DELETE FROM audit WHERE id = 4");
	sqlite3_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 5); /* the entry after the gap */
}

static void deleted_first_entry_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 3);
	sqlite3 *raw = raw_open(t);
	raw_exec(raw, "DROP TRIGGER audit_no_delete");
	raw_exec(raw, "DELETE FROM audit WHERE id = 1");
	sqlite3_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 2);
}

static void entry_follows_callers_transaction(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 2);
	/* Inside the caller's transaction the entry rolls back with the change it describes. */
	assert_int_equal(db_begin(t->db), SQLITE_OK);
	assert_int_equal(audit_log(t->db, &(AuditEntry){.action = "department_add", .object = "department:X"}), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 3);
	db_rollback(t->db);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 2);
	/* ... and commits with it. */
	assert_int_equal(db_begin(t->db), SQLITE_OK);
	assert_int_equal(audit_log(t->db, &(AuditEntry){.action = "department_add", .object = "department:Y"}), 0);
	assert_int_equal(db_commit(t->db), SQLITE_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 3);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_log_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(appended_entries_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(triggers_forbid_change, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_detail_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(other_changes_are_found, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_user_and_hash_are_found, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_entry_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_first_entry_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(entry_follows_callers_transaction, setup, teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
