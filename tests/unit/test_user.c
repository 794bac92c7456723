/*
** Tests of users and roles (user.c) against a real SQLite file: what user_add refuses and
** the message it gives, case-insensitive uniqueness of logins, roles per department (give,
** change, remove), and that deactivating a user or setting a new password ends the user's
** sessions.
*/
#include "unit_helpers.h"

#define T0 ((int64_t)1700000000)
#define PW "en god adgangskode"

static int group_setup(void **state)
{
	(void)state;
	return auth_init() == 0 ? 0 : -1;
}

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

static int64_t add_ok(Db *db, const char *login, const char *name, int is_admin)
{
	int64_t id = 0;
	char msg[300] = "";
	if (user_add(db, login, name, is_admin, PW, 0, &id, msg, sizeof msg) != 0)
		fail_msg("user_add(%s): %s", login, msg);
	assert_true(id > 0);
	return id;
}

static void refused(Db *db, const char *login, const char *name, const char *password, const char *want)
{
	int64_t id = -1;
	char msg[300] = "";
	assert_int_equal(user_add(db, login, name, 0, password, 0, &id, msg, sizeof msg), -1);
	assert_non_null(msg);
	if (!strstr(msg, want))
		fail_msg("user_add(%s, %s): message \"%s\" lacks \"%s\"", login ? login : "NULL", name ? name : "NULL",
		         msg, want);
	assert_int_equal(id, -1);
}

static int64_t sessions_of(Db *db, int64_t uid)
{
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM session WHERE user_id = ?1");
	db_bind_int(&q, 1, uid);
	assert_true(db_step(&q));
	int64_t n = db_col_int(&q, 0);
	db_finalize(&q);
	return n;
}

static int64_t add_department(Db *db, const char *code)
{
	int64_t id = 0;
	char msg[300] = "";
	if (department_add(db, code, "Børn og familie", "barn", &id, msg, sizeof msg) != 0)
		fail_msg("department_add: %s", msg);
	return id;
}

static void add_validation(void **state)
{
	TestDb *t = *state;
	const char *bad_login = "Brugernavnet skal være 2-64 tegn";
	refused(t->db, NULL, "Anna", PW, bad_login);
	refused(t->db, "", "Anna", PW, bad_login);
	refused(t->db, "a", "Anna", PW, bad_login);
	refused(t->db, "anna hansen", "Anna", PW, bad_login);
	refused(t->db, "anna/x", "Anna", PW, bad_login);
	refused(t->db, "søren", "Søren", PW, bad_login);
	refused(t->db, "anna'--", "Anna", PW, bad_login);
	char long_login[66];
	memset(long_login, 'a', 65);
	long_login[65] = 0;
	refused(t->db, long_login, "Anna", PW, bad_login);

	refused(t->db, "anna", "", PW, "Navn mangler.");
	refused(t->db, "anna", "   ", PW, "Navn mangler.");
	refused(t->db, "anna", NULL, PW, "Navn mangler.");
	char long_name[202];
	memset(long_name, 'x', 201);
	long_name[201] = 0;
	refused(t->db, "anna", long_name, PW, "for langt");
	refused(t->db, "anna", "Anna \xFF", PW, "ugyldige tegn");
	refused(t->db, "anna", "Anna 010190-1234", PW, "CPR-nummer");
	refused(t->db, "anna", "0101901234", PW, "CPR-nummer");

	refused(t->db, "anna", "Anna", "kort", "mindst 10 tegn");
	refused(t->db, "anna", "Anna", "", "Adgangskode mangler");
	refused(t->db, "anna", "Anna", NULL, "Adgangskode mangler");

	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM users"), 0);
}

static void add_and_read_back(void **state)
{
	TestDb *t = *state;
	int64_t id = 0;
	char msg[300] = "";
	assert_int_equal(user_add(t->db, "anna.hansen@kommune.dk", "Anna Hansen – rådgiver", 1, PW, 1, &id, msg, sizeof msg), 0);
	User u;
	assert_true(user_by_id(t->db, id, &u));
	assert_int_equal(u.id, id);
	assert_string_equal(u.login, "anna.hansen@kommune.dk");
	assert_string_equal(u.name, "Anna Hansen – rådgiver");
	assert_int_equal(u.is_admin, 1);
	assert_int_equal(u.active, 1);
	assert_int_equal(u.must_change_password, 1);
	User v;
	assert_true(user_by_login(t->db, "anna.hansen@kommune.dk", &v));
	assert_int_equal(v.id, id);
	assert_false(user_by_id(t->db, id + 100, &v));
	assert_false(user_by_login(t->db, "ingen", &v));
	/* The password is stored as an argon2id hash only. */
	char hash[200];
	testdb_text(t->db, "SELECT password_hash FROM users", hash, sizeof hash);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_null(strstr(hash, PW));
	assert_true(auth_password_verify(hash, PW));

	/* The shortest and longest logins are fine. */
	add_ok(t->db, "ab", "To tegn", 0);
	char longest[65];
	memset(longest, 'b', 64);
	longest[64] = 0;
	add_ok(t->db, longest, "Langt navn", 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM users"), 3);
}

static void duplicate_login_refused(void **state)
{
	TestDb *t = *state;
	add_ok(t->db, "anna", "Anna Hansen", 0);
	refused(t->db, "anna", "Anna Jensen", PW, "Der findes allerede en bruger med det brugernavn.");
	refused(t->db, "ANNA", "Anna Jensen", PW, "Der findes allerede en bruger med det brugernavn.");
	refused(t->db, "Anna", "Anna Jensen", PW, "Der findes allerede en bruger med det brugernavn.");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM users"), 1);
	char name[64];
	testdb_text(t->db, "SELECT name FROM users", name, sizeof name);
	assert_string_equal(name, "Anna Hansen");
}

static void roles_in_departments(void **state)
{
	TestDb *t = *state;
	int64_t uid = add_ok(t->db, "anna", "Anna Hansen", 0);
	int64_t d1 = add_department(t->db, "BHS");
	int64_t d2 = add_department(t->db, "VOK");
	char msg[300] = "";

	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_NONE);
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_LEDER, msg, sizeof msg), 0);
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_LEDER);
	assert_int_equal(user_role_in(t->db, uid, d2), ROLE_NONE);

	/* Different roles in different departments. */
	assert_int_equal(user_set_role(t->db, uid, d2, ROLE_EKSTERN, msg, sizeof msg), 0);
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_LEDER);
	assert_int_equal(user_role_in(t->db, uid, d2), ROLE_EKSTERN);

	/* Changing a role replaces it: still one membership per department. */
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_RAADGIVER, msg, sizeof msg), 0);
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_RAADGIVER);
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_KOORDINATOR, msg, sizeof msg), 0);
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_KOORDINATOR);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 2);

	/* ROLE_NONE removes the membership; removing again is harmless. */
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_NONE, msg, sizeof msg), 0);
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_NONE);
	assert_int_equal(user_role_in(t->db, uid, d2), ROLE_EKSTERN);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 1);
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_NONE, msg, sizeof msg), 0);

	/* Administrator is not a department role. */
	msg[0] = 0;
	assert_int_equal(user_set_role(t->db, uid, d1, ROLE_ADMIN, msg, sizeof msg), -1);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Administrator"));
	assert_int_equal(user_role_in(t->db, uid, d1), ROLE_NONE);

	/* A department or user that does not exist is refused with a message. */
	msg[0] = 0;
	assert_int_equal(user_set_role(t->db, uid, d2 + 100, ROLE_LEDER, msg, sizeof msg), -1);
	assert_non_null(msg);
	msg[0] = 0;
	assert_int_equal(user_set_role(t->db, uid + 100, d1, ROLE_LEDER, msg, sizeof msg), -1);
	assert_non_null(msg);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM membership"), 1);
}

static void update_name_and_flags(void **state)
{
	TestDb *t = *state;
	int64_t uid = add_ok(t->db, "anna", "Anna Hansen", 0);
	char msg[300] = "";
	assert_int_equal(user_update(t->db, uid, "Anna Hansen-Berg", 1, 1, msg, sizeof msg), 0);
	User u;
	assert_true(user_by_id(t->db, uid, &u));
	assert_string_equal(u.name, "Anna Hansen-Berg");
	assert_int_equal(u.is_admin, 1);
	assert_int_equal(u.active, 1);

	assert_int_equal(user_update(t->db, uid, "Anna 311299-1234", 0, 1, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "CPR-nummer"));
	assert_int_equal(user_update(t->db, uid, " ", 0, 1, msg, sizeof msg), -1);
	assert_string_equal(msg, "Navn mangler.");
	assert_true(user_by_id(t->db, uid, &u));
	assert_string_equal(u.name, "Anna Hansen-Berg"); /* unchanged */
	assert_int_equal(u.is_admin, 1);
}

static void deactivation_ends_sessions(void **state)
{
	TestDb *t = *state;
	int64_t uid = add_ok(t->db, "anna", "Anna Hansen", 0);
	int64_t other = add_ok(t->db, "bo", "Bo Jensen", 0);
	char t1[TOKEN_HEX], t2[TOKEN_HEX], t3[TOKEN_HEX];
	Session s1, s2, s3, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, t1, &s1), 0);
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, t2, &s2), 0);
	assert_int_equal(auth_session_create(t->db, other, T0, NULL, t3, &s3), 0);
	char msg[300] = "";

	/* An update that keeps the user active leaves the sessions alone. */
	assert_int_equal(user_update(t->db, uid, "Anna H.", 0, 1, msg, sizeof msg), 0);
	assert_int_equal(sessions_of(t->db, uid), 2);
	assert_true(auth_session_lookup(t->db, t1, T0 + 1, &found));

	assert_int_equal(user_update(t->db, uid, "Anna H.", 0, 0, msg, sizeof msg), 0);
	assert_int_equal(sessions_of(t->db, uid), 0);
	assert_false(auth_session_lookup(t->db, t1, T0 + 2, &found));
	assert_false(auth_session_lookup(t->db, t2, T0 + 2, &found));
	assert_true(auth_session_lookup(t->db, t3, T0 + 2, &found));
	User u;
	assert_true(user_by_id(t->db, uid, &u));
	assert_int_equal(u.active, 0);
	/* A deactivated user cannot start a new session by logging in. */
	int64_t locked_for;
	assert_int_equal(login_try(t->db, "anna", PW, T0 + 3, NULL, &u, &locked_for), LOGIN_BAD);
}

static void new_password_ends_sessions(void **state)
{
	TestDb *t = *state;
	int64_t uid = add_ok(t->db, "anna", "Anna Hansen", 0);
	char t1[TOKEN_HEX], t2[TOKEN_HEX];
	Session s1, s2, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, t1, &s1), 0);
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, t2, &s2), 0);
	char msg[300] = "";

	/* A refused password changes nothing. */
	assert_int_equal(user_set_password(t->db, uid, "kort", 0, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "mindst 10 tegn"));
	assert_int_equal(sessions_of(t->db, uid), 2);

	assert_int_equal(user_set_password(t->db, uid, "et helt nyt kodeord", 1, msg, sizeof msg), 0);
	assert_int_equal(sessions_of(t->db, uid), 0);
	assert_false(auth_session_lookup(t->db, t1, T0 + 1, &found));
	assert_false(auth_session_lookup(t->db, t2, T0 + 1, &found));
	User u;
	assert_true(user_by_id(t->db, uid, &u));
	assert_int_equal(u.must_change_password, 1);
	char hash[200];
	testdb_text(t->db, "SELECT password_hash FROM users", hash, sizeof hash);
	assert_true(auth_password_verify(hash, "et helt nyt kodeord"));
	assert_false(auth_password_verify(hash, PW));
}

/* Logins are kept in lower case and every login that comes in is compared in that form, so a
** login typed with capitals finds the user without a case-insensitive collation. */
static void login_case_canonical(void **state)
{
	TestDb *t = *state;
	int64_t id = add_ok(t->db, "Anne.Hansen", "Anne Hansen", 0);
	char stored[80];
	testdb_text(t->db, "SELECT login FROM users", stored, sizeof stored);
	assert_string_equal(stored, "anne.hansen");
	User u;
	assert_true(user_by_login(t->db, "Anne.Hansen", &u));
	assert_int_equal(u.id, id);
	assert_string_equal(u.login, "anne.hansen");
	assert_true(user_by_login(t->db, "ANNE.HANSEN", &u));
	assert_int_equal(u.id, id);
	assert_false(user_by_login(t->db, "anne.hanse", &u));
	refused(t->db, "anne.HANSEN", "Anne Jensen", PW, "Der findes allerede en bruger med det brugernavn.");

	int64_t wait = 0;
	assert_int_equal(login_try(t->db, "ANNE.Hansen", PW, T0, "192.0.2.1", &u, &wait), LOGIN_OK);
	assert_int_equal(u.id, id);
	/* Failures typed in any case count as one login's (one throttling key, in lower case). */
	assert_int_equal(login_try(t->db, "Anne.Hansen", "forkert adgangskode", T0, "192.0.2.1", &u, &wait),
	                 LOGIN_BAD);
	assert_int_equal(login_try(t->db, "ANNE.HANSEN", "forkert adgangskode", T0, "192.0.2.1", &u, &wait),
	                 LOGIN_BAD);
	assert_int_equal(testdb_int(t->db, "SELECT failures FROM login_attempt WHERE login = '192.0.2.1 anne.hansen'"),
	                 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM login_attempt WHERE login LIKE '% %'"), 1);

	char buf[USER_LOGIN_SIZE];
	assert_string_equal(user_login_canonical("Ab.C-D_E@X.DK", buf, sizeof buf), "ab.c-d_e@x.dk");
	assert_null(user_login_canonical(NULL, buf, sizeof buf));
	char too_long[80];
	memset(too_long, 'a', 70);
	too_long[70] = 0;
	assert_string_equal(user_login_canonical(too_long, buf, sizeof buf), "");
}

/* Department codes are kept in upper case: `bhs` finds BHS, and cannot be added beside it. */
static void department_code_canonical_form(void **state)
{
	TestDb *t = *state;
	int64_t id = add_department(t->db, "bhs");
	char stored[40];
	testdb_text(t->db, "SELECT code FROM department", stored, sizeof stored);
	assert_string_equal(stored, "BHS");
	Department d;
	assert_true(department_by_code(t->db, "bhs", &d));
	assert_int_equal(d.id, id);
	assert_string_equal(d.code, "BHS");
	assert_true(department_by_code(t->db, "BHS", &d));
	assert_true(department_by_code(t->db, "Bhs", &d));
	assert_false(department_by_code(t->db, "BH", &d));
	int64_t other = 0;
	char msg[300] = "";
	assert_int_equal(department_add(t->db, "BHS", "Andet navn", "voksen", &other, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "findes allerede"));
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM department"), 1);
	char buf[DEPARTMENT_CODE_SIZE];
	assert_string_equal(department_code_canonical("vhs-2_a", buf, sizeof buf), "VHS-2_A");
	char too_long[40];
	memset(too_long, 'x', 33);
	too_long[33] = 0;
	assert_string_equal(department_code_canonical(too_long, buf, sizeof buf), "");
	assert_false(department_by_code(t->db, too_long, &d));
}

/* Migration 015 brings rows written before it (in any case) into the canonical form. */
static void migration_015_canonicalises(void **state)
{
	(void)state;
	TestDb *t = testdb_new_at(14); /* the keys as they could be typed before 015 */
	Stmt q;
	db_prepare(&q, t->db, "INSERT INTO users (login, name, password_hash) VALUES ('Anne.Hansen', 'Anne Hansen', 'x'),"
	                      " ('bo', 'Bo', 'x'), ('KARL@Kommune.DK', 'Karl', 'x')");
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
	db_prepare(&q, t->db, "INSERT INTO department (code, name, area) VALUES ('bhs', 'Børn', 'barn'),"
	                      " ('Vhs', 'Voksne', 'voksen'), ('SYD', 'Syd', 'barn')");
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
	db_prepare(&q, t->db, "INSERT INTO login_attempt (login, failures, last_failure) VALUES"
	                      " ('192.0.2.1 Anne.Hansen', 2, 1), ('192.0.2.1', 2, 1)");
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
	char *err = NULL;
	assert_int_equal(db_migrate(t->db, &err), 0);
	assert_null(err);
	assert_int_equal(db_schema_version(t->db), db_schema_latest());
	static const struct {
		const char *sql, *want;
	} rows[] = {
		{"SELECT login FROM users WHERE name = 'Anne Hansen'", "anne.hansen"},
		{"SELECT login FROM users WHERE name = 'Bo'", "bo"},
		{"SELECT login FROM users WHERE name = 'Karl'", "karl@kommune.dk"},
		{"SELECT code FROM department WHERE name = 'Børn'", "BHS"},
		{"SELECT code FROM department WHERE name = 'Voksne'", "VHS"},
		{"SELECT code FROM department WHERE name = 'Syd'", "SYD"},
		{"SELECT login FROM login_attempt WHERE login LIKE '% %'", "192.0.2.1 anne.hansen"},
		{"SELECT login FROM login_attempt WHERE login NOT LIKE '% %'", "192.0.2.1"},
	};
	for (size_t i = 0; i < COUNT(rows); i++) {
		char v[80];
		testdb_text(t->db, rows[i].sql, v, sizeof v);
		assert_string_equal(v, rows[i].want);
	}
	User u;
	assert_true(user_by_login(t->db, "Karl@kommune.dk", &u));
	assert_string_equal(u.name, "Karl");
	Department d;
	assert_true(department_by_code(t->db, "vhs", &d));
	assert_string_equal(d.name, "Voksne");
	testdb_free(t);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(add_validation),
		DB_TEST(add_and_read_back),
		DB_TEST(duplicate_login_refused),
		DB_TEST(roles_in_departments),
		DB_TEST(update_name_and_flags),
		DB_TEST(deactivation_ends_sessions),
		DB_TEST(new_password_ends_sessions),
		DB_TEST(login_case_canonical),
		DB_TEST(department_code_canonical_form),
		DB_TEST(migration_015_canonicalises),
	};
	return cmocka_run_group_tests_name("user", tests, group_setup, NULL);
}
