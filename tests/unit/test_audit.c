/*
** Tests of the audit log (audit.c) on a real database file: appended entries form a hash
** chain that audit_verify accepts; changing or deleting an entry behind the program's back
** (through a raw SQLite connection, after dropping the append-only triggers) is detected
** and the first bad entry named; with the triggers in place UPDATE and DELETE fail. The chain
** is keyed (audit_key.c): another key fails it, and so does moving the marker of where the
** keyed part begins. The head (audit_head.c) is read, parsed, checked after the newest
** entries are deleted and after retention's purge, and written to syslog at most once a
** minute; missing or changed triggers are restored with an entry (audit_triggers.c); the key
** file is made 0600 for a new database and never for a keyed or emptied log.
*/
#include "unit_helpers.h"

#include <sys/stat.h>

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
static void append_entries(Db *db, int n)
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
	assert_int_not_equal(db_exec(t->db, "UPDATE audit SET detail = 'ændret' WHERE id = 2"), DB_OK);
	assert_non_null(strstr(db_errmsg(t->db), "append-only"));
	assert_int_not_equal(db_exec(t->db, "DELETE FROM audit WHERE id = 2"), DB_OK);
	assert_int_not_equal(db_exec(t->db, "DELETE FROM audit"), DB_OK);
	/* Also through another connection. */
	Db *raw = testdb_raw(t);
	assert_int_not_equal(db_exec(raw, "UPDATE audit SET action = 'x'"), DB_OK);
	assert_int_not_equal(db_exec(raw, "DELETE FROM audit WHERE id = 3"), DB_OK);
	db_close(raw);
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
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_update");
	exec_ok(raw, "UPDATE audit SET detail = 'intet at se her' WHERE id = 5");
	db_close(raw);
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 5);
}

static void other_changes_are_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 6);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_update");
	int64_t bad;

	/* A NULL field made empty: "" and NULL hash differently. */
	exec_ok(raw, "UPDATE audit SET login = '' WHERE id = 1");
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 1);
	exec_ok(raw, "UPDATE audit SET login = NULL WHERE id = 1");
	assert_int_equal(audit_verify(t->db, &bad), 0); /* restored exactly: intact again */

	/* The time, the user and the hash itself. */
	exec_ok(raw, "UPDATE audit SET at = '2001-01-01T00:00:00Z' WHERE id = 6");
	bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 6);
	db_close(raw);
}

static void changed_user_and_hash_are_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 4);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_update");
	/* Changing the user of entry 2 and giving it a different hash: entry 2 is named first. */
	exec_ok(raw, "UPDATE audit SET user_id = 99, hash = zeroblob(32) WHERE id = 2");
	db_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 2);
}

static void deleted_entry_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 7);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_delete");
	exec_ok(raw, "DELETE FROM audit WHERE id = 4");
	db_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 5); /* the entry after the gap */
}

static void deleted_first_entry_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 3);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_delete");
	exec_ok(raw, "DELETE FROM audit WHERE id = 1");
	db_close(raw);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 2);
}

static void entry_follows_callers_transaction(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 2);
	/* Inside the caller's transaction the entry rolls back with the change it describes. */
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(audit_log(t->db, &(AuditEntry){.action = "department_add", .object = "department:X"}), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 3);
	db_rollback(t->db);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 2);
	/* ... and commits with it. */
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(audit_log(t->db, &(AuditEntry){.action = "department_add", .object = "department:Y"}), 0);
	assert_int_equal(db_commit(t->db), DB_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 3);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}


static void other_key_fails_the_chain(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 5);
	int64_t bad = -1;
	assert_int_equal(audit_verify(t->db, &bad), 0);
	unsigned char saved[AUDIT_KEY_BYTES], other[AUDIT_KEY_BYTES];
	memcpy(saved, audit_key(), sizeof saved);
	memcpy(other, saved, sizeof other);
	other[31] ^= 1;
	audit_key_set(other);
	char why[400];
	assert_int_equal(audit_check(t->db, &bad, why, sizeof why), -1);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(why, "nøglen til logbogen er forkert"));
	audit_key_set(saved);
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

static void moved_marker_is_found(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 4);
	Db *raw = testdb_raw(t);
	/* The marker is sealed against change by its trigger... */
	assert_int_not_equal(db_exec(raw, "UPDATE audit_keyed SET from_id = 3"), DB_OK);
	assert_int_not_equal(db_exec(raw, "DELETE FROM audit_keyed"), DB_OK);
	/* ...and moved behind its back it no longer matches the key (no mac for from_id 3). */
	exec_ok(raw, "DROP TRIGGER audit_keyed_sealed");
	exec_ok(raw, "UPDATE audit_keyed SET from_id = 3");
	int64_t bad = -1;
	char why[400];
	assert_int_equal(audit_check(t->db, &bad, why, sizeof why), -1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "markeringen"));
	/* Removed altogether, too. */
	exec_ok(raw, "DROP TRIGGER audit_keyed_no_delete");
	exec_ok(raw, "DELETE FROM audit_keyed");
	db_close(raw);
	assert_int_equal(audit_verify(t->db, &bad), -1);
	assert_int_equal(bad, 1);
}

static void empty_log_with_users_is_broken(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 2);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "INSERT INTO users (login, name, password_hash) VALUES ('anna', 'Anna', 'x')");
	exec_ok(raw, "DROP TRIGGER audit_no_delete");
	exec_ok(raw, "DELETE FROM audit");
	db_close(raw);
	int64_t bad = -1;
	char why[400];
	assert_int_equal(audit_check(t->db, &bad, why, sizeof why), -1);
	assert_non_null(strstr(why, "logbogen er tom"));
}

static void head_text_and_parse(void **state)
{
	TestDb *t = *state;
	int64_t id = -1;
	unsigned char hash[AUDIT_HASH_BYTES], parsed[AUDIT_HASH_BYTES];
	assert_int_equal(audit_head(t->db, &id, hash), 0); /* a log that never had an entry */
	append_entries(t->db, 3);
	assert_int_equal(audit_head(t->db, &id, hash), 1);
	assert_int_equal(id, 3);
	char text[AUDIT_HEAD_TEXT], stored[80];
	audit_head_text(text, id, hash);
	testdb_text(t->db, "SELECT '3:' || lower(hex(hash)) FROM audit WHERE id = 3", stored, sizeof stored);
	assert_string_equal(text, stored);
	int64_t pid = 0;
	char line[AUDIT_HEAD_TEXT + 4];
	snprintf(line, sizeof line, " %s\n", text);
	assert_int_equal(audit_head_parse(line, &pid, parsed), 1); /* as read from FILE.head */
	assert_int_equal(pid, 3);
	assert_memory_equal(parsed, hash, sizeof hash);
	static const char *const bad[] = {"", "3", "3:", ":abc", "0:" "00000000000000000000000000000000"
	                                  "00000000000000000000000000000000", "x:" "00000000000000000000000000000000"
	                                  "00000000000000000000000000000000", "3:abc", "3:" "000000000000000000000000000000"
	                                  "0000000000000000000000000000000000 x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(audit_head_parse(bad[i], &pid, parsed), 0);
}

static void head_check_finds_deleted_newest(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 6);
	int64_t id4, id6;
	unsigned char h4[AUDIT_HASH_BYTES], h6[AUDIT_HASH_BYTES];
	assert_int_equal(audit_head(t->db, &id6, h6), 1); /* the head recorded before the deletion */
	assert_int_equal(id6, 6);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_delete");
	exec_ok(raw, "DELETE FROM audit WHERE id > 4");
	db_close(raw);
	assert_int_equal(audit_head(t->db, &id4, h4), 1);
	assert_int_equal(id4, 4);
	char why[400];
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0); /* the rest still chains */
	assert_int_equal(audit_head_check(t->db, id4, h4, why, sizeof why), 0);
	assert_int_equal(audit_head_check(t->db, id6, h6, why, sizeof why), -1);
	assert_non_null(strstr(why, "slutter ved post 4: post 5-6 mangler"));
	h4[0] ^= 1;
	assert_int_equal(audit_head_check(t->db, id4, h4, why, sizeof why), -1);
	assert_non_null(strstr(why, "anden hash"));
}

static void head_check_after_purge(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 5);
	int64_t id2 = 2, id5;
	unsigned char h2[AUDIT_HASH_BYTES], h5[AUDIT_HASH_BYTES];
	assert_int_equal(audit_head(t->db, &id5, h5), 1);
	Stmt q;
	testdb_row(t->db, "SELECT hash FROM audit WHERE id = 2", &q);
	size_t hn;
	const void *hp = db_col_blob(&q, 0, &hn);
	assert_int_equal(hn, sizeof h2);
	memcpy(h2, hp, sizeof h2);
	db_finalize(&q);
	/* Everything purged: the purge's own entry follows the anchor (entry 5). */
	int64_t deleted, anchor, bad;
	char err[300], why[400];
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(audit_purge(t->db, "2999-01-01T00:00:00Z", &(AuditEntry){.login = "test"}, &deleted, &anchor, err,
	                             sizeof err),
	                 0);
	assert_int_equal(db_commit(t->db), DB_OK);
	assert_int_equal(anchor, 5);
	assert_int_equal(audit_verify(t->db, &bad), 0);
	assert_int_equal(audit_head_check(t->db, id5, h5, why, sizeof why), 0); /* the anchor itself */
	assert_int_equal(audit_head_check(t->db, id2, h2, why, sizeof why), 0); /* passed by the purge */
	h5[3] ^= 1;
	assert_int_equal(audit_head_check(t->db, id5, h5, why, sizeof why), -1);
}

static void head_goes_to_syslog_once_a_minute(void **state)
{
	TestDb *t = *state;
	time_t now = 1700000000;
	assert_int_equal(audit_head_syslog(t->db, now, 0), 0); /* no entry yet: nothing to say */
	append_entries(t->db, 1);
	assert_int_equal(audit_head_syslog(t->db, now, 0), 1);
	assert_int_equal(audit_head_syslog(t->db, now + 120, 0), 0); /* unchanged */
	append_entries(t->db, 1);
	assert_int_equal(audit_head_syslog(t->db, now + 121, 1), 1); /* shutdown: at once */
	append_entries(t->db, 1);
	assert_int_equal(audit_head_syslog(t->db, now + 150, 0), 0); /* changed, but within the minute */
	assert_int_equal(audit_head_syslog(t->db, now + 181, 0), 1);
	assert_int_equal(audit_head_syslog(t->db, now + 300, 1), 0); /* unchanged: not even at shutdown */
}

static void triggers_are_restored(void **state)
{
	TestDb *t = *state;
	append_entries(t->db, 2);
	char names[512], err[300];
	assert_int_equal(audit_triggers_restore(t->db, names, sizeof names, err, sizeof err), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 2);
	Db *raw = testdb_raw(t);
	exec_ok(raw, "DROP TRIGGER audit_no_update");
	exec_ok(raw, "DROP TRIGGER audit_anchor_no_delete");
	exec_ok(raw, "CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor WHEN 0 BEGIN SELECT 1; END");
	db_close(raw);
	assert_int_equal(audit_triggers_restore(t->db, names, sizeof names, err, sizeof err), 2);
	assert_string_equal(names, "audit_no_update (manglede), audit_anchor_no_delete (ændret)");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'audit_triggers_restored'"), 1);
	assert_int_not_equal(db_exec(t->db, "UPDATE audit SET detail = 'x' WHERE id = 1"), DB_OK);
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0);
	assert_int_equal(audit_triggers_restore(t->db, names, sizeof names, err, sizeof err), 0);
}

static void key_file_made_only_for_a_new_database(void **state)
{
	TestDb *t = *state;
	char path[200], err[400];
	snprintf(path, sizeof path, "%s/test.db.auditkey", t->dir);
	unsigned char saved[AUDIT_KEY_BYTES];
	memcpy(saved, audit_key(), sizeof saved);
	/* An emptied log in a database with users gets no new key (it would verify from 1 again). */
	Db *raw = testdb_raw(t);
	exec_ok(raw, "INSERT INTO users (login, name, password_hash) VALUES ('anna', 'Anna', 'x')");
	assert_int_equal(audit_key_open(t->db, path, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "Logbogen er tom"));
	exec_ok(raw, "DELETE FROM users");
	db_close(raw);
	/* A new database: made by the first command, init or not. */
	int devnull = open("/dev/null", O_WRONLY), keep = dup(2);
	dup2(devnull, 2); /* the loud note to back the key up */
	int made = audit_key_open(t->db, path, 0, err, sizeof err);
	dup2(keep, 2);
	close(keep);
	close(devnull);
	assert_int_equal(made, 1);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 65);
	assert_memory_not_equal(audit_key(), saved, AUDIT_KEY_BYTES);
	unsigned char made_key[AUDIT_KEY_BYTES];
	memcpy(made_key, audit_key(), sizeof made_key);
	append_entries(t->db, 1);
	audit_key_set(saved);
	assert_int_equal(audit_key_open(t->db, path, 0, err, sizeof err), 0); /* read back */
	assert_memory_equal(audit_key(), made_key, AUDIT_KEY_BYTES);
	/* Gone after a keyed entry was written: not even init makes another. */
	unlink(path);
	assert_int_equal(audit_key_open(t->db, path, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "allerede beskyttet"));
	assert_int_equal(access(path, F_OK), -1);
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
		cmocka_unit_test_setup_teardown(other_key_fails_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_marker_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_log_with_users_is_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(head_text_and_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(head_check_finds_deleted_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(head_check_after_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(head_goes_to_syslog_once_a_minute, setup, teardown),
		cmocka_unit_test_setup_teardown(triggers_are_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(key_file_made_only_for_a_new_database, setup, teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
