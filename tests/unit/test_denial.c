/*
** Tests of the aggregation of refused logins (denial.c) against a real SQLite file: one audit
** entry per address and minute with the counts, nothing written before the minute is over,
** everything at shutdown, and a crowd of more addresses than the table holds still bounded.
*/
#include "unit_helpers.h"

#define MINUTE ((int64_t)1700000000 / 60 * 60) /* the start of a minute */

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

static void minutes_apart(void **state)
{
	TestDb *t = *state;
	/* The first of each address and minute is the caller's to audit; the rest are counted. */
	assert_int_equal(denial_note("10.1.0.1", DENIAL_FAILED, MINUTE), 1);
	assert_int_equal(denial_note("10.1.0.1", DENIAL_FAILED, MINUTE + 30), 0);
	assert_int_equal(denial_note("10.1.0.1", DENIAL_FAILED, MINUTE + 60), 1);
	assert_int_equal(denial_note("10.1.0.1", DENIAL_THROTTLED, MINUTE + 61), 0);
	assert_int_equal(denial_note(NULL, DENIAL_CSRF, MINUTE), 1); /* no address known */
	denial_flush(t->db, MINUTE + 60, 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 1);
	char text[300];
	testdb_text(t->db, "SELECT object || '|' || ip || '|' || detail FROM audit", text, sizeof text);
	assert_string_equal(text, "minute:2023-11-14T22:13:00Z|10.1.0.1|1 afviste login-forsøg mere i minuttet (forkert "
	                          "adgangskode eller ukendt bruger: 1, for mange forsøg: 0, ugyldig login-formular: 0)");
	denial_flush(t->db, MINUTE + 61, 1);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'login_denials'"), 2);
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

static void more_addresses_than_slots(void **state)
{
	TestDb *t = *state;
	int64_t now = MINUTE + 3600;
	int firsts = 0;
	for (int i = 0; i < 1500; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "10.2.%d.%d", i / 250, i % 250);
		firsts += denial_note(ip, DENIAL_FAILED, now);
		assert_int_equal(denial_note(ip, DENIAL_FAILED, now), 0);
	}
	assert_int_equal(firsts, 1024); /* the table's size; the others are counted together */
	denial_flush(t->db, now + 60, 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit"), 1025);
	char text[300];
	testdb_text(t->db, "SELECT detail FROM audit WHERE ip IS NULL", text, sizeof text);
	assert_string_equal(text, "952 afviste login-forsøg mere i minuttet (forkert adgangskode eller ukendt bruger: "
	                          "952, for mange forsøg: 0, ugyldig login-formular: 0)");
	/* All written and forgotten: the table is free for the next minute. */
	assert_int_equal(denial_note("10.2.0.0", DENIAL_FAILED, now + 60), 1);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(minutes_apart),
		DB_TEST(more_addresses_than_slots),
	};
	return cmocka_run_group_tests_name("denial", tests, NULL, NULL);
}
