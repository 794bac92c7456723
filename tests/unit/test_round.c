/*
** Tests of round.c's editing, deleting, re-measuring and task list, on a real, migrated
** SQLite file: the re-measurement's dates (9 months after the start, as long as planned),
** an edit refused for the kind after the draw and saved and audited before it, deletion
** refused without a reason and once a case is under review, and the steps of a new round
** (the plan first; the sample cannot start without a case list).
*/
#include "unit_helpers.h"

static void remeasure_dates(void **state)
{
	(void)state;
	Round r = {0};
	char start[11], end[11];
	snprintf(r.planned_start, sizeof r.planned_start, "2026-09-07");
	snprintf(r.planned_end, sizeof r.planned_end, "2026-10-30");
	assert_true(round_remeasure_dates(&r, start, end));
	assert_string_equal(start, "2027-06-07");
	assert_string_equal(end, "2027-07-30"); /* 53 days, as planned */
	/* No plan: from the draw's day, and a month long; the 31st becomes the month's last day. */
	memset(&r, 0, sizeof r);
	snprintf(r.sampled_at, sizeof r.sampled_at, "2026-01-31T09:00:00Z");
	snprintf(r.created_at, sizeof r.created_at, "2025-12-01T09:00:00Z");
	assert_true(round_remeasure_dates(&r, start, end));
	assert_string_equal(start, "2026-10-31");
	assert_string_equal(end, "2026-11-30");
	r.sampled_at[0] = 0; /* neither planned nor drawn: from its creation */
	assert_true(round_remeasure_dates(&r, start, end));
	assert_string_equal(start, "2026-09-01");
}

static int setup(void **state)
{
	TestDb *t = testdb_new();
	char msg[300] = "";
	int64_t id;
	assert_int_equal(department_add(t->db, "BHS", "Børn", "barn", &id, msg, sizeof msg), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	testdb_free(*state);
	return 0;
}

static int64_t new_round(Db *db)
{
	Department d;
	assert_true(department_by_code(db, "BHS", &d));
	char msg[300] = "";
	int64_t id = 0;
	assert_int_equal(round_create(db, &d, "overordnet", "Forår", NULL, NULL, 0, "2026-03-01", "2026-04-30", "test",
	                              &id, msg, sizeof msg),
	                 0);
	return id;
}

static void edit_and_delete(void **state)
{
	TestDb *t = *state;
	int64_t id = new_round(t->db);
	Round r;
	assert_true(round_by_id(t->db, id, &r));
	ReviewBy by = {.login = "test"};
	char msg[512];
	RoundEdit e = {.title = "Forår 2026", .kind = "uddybende", .end = ""};
	assert_int_equal(round_update(t->db, &r, &e, &by, msg, sizeof msg), 0);
	assert_true(round_by_id(t->db, id, &r));
	assert_string_equal(r.title, "Forår 2026");
	assert_string_equal(r.kind, "uddybende");
	assert_string_equal(r.planned_end, "");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'round_edit'"), 1);
	/* Nothing to change: no audit entry. */
	RoundEdit same = {.title = "Forår 2026"};
	assert_int_equal(round_update(t->db, &r, &same, &by, msg, sizeof msg), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'round_edit'"), 1);
	/* Drawn: the kind is fixed. */
	assert_int_equal(db_exec(t->db, "UPDATE round SET sampled_at = '2026-03-02T09:00:00Z'"), DB_OK);
	assert_true(round_by_id(t->db, id, &r));
	RoundEdit kind = {.kind = "overordnet"};
	assert_int_equal(round_update(t->db, &r, &kind, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "Arten kan ikke ændres"));

	/* Deleting: a reason first, then refused once a case is under review. */
	assert_int_equal(round_delete(t->db, &r, "  ", &by, msg, sizeof msg), -1);
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
	                         " VALUES (1, 'S-1', 'Anne', '2026-01-01', '2026-01-01');"
	                         "INSERT INTO round_case (round_id, case_id, sample_key, added_at, review_status)"
	                         " VALUES (1, 1, 'aa', '2026-03-02', 'i_gang')"),
	                 DB_OK);
	assert_int_equal(round_delete(t->db, &r, "Fejl", &by, msg, sizeof msg), ROUND_REVIEWED);
	assert_non_null(strstr(msg, "1 sag er gennemgået"));
	assert_int_equal(db_exec(t->db, "UPDATE round_case SET review_status = 'ikke_startet'"), DB_OK);
	assert_int_equal(round_delete(t->db, &r, "Fejl", &by, msg, sizeof msg), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round"), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round_case"), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE object = 'round:1'"), 3);
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

static void tasks_of_a_new_round(void **state)
{
	TestDb *t = *state;
	int64_t id = new_round(t->db);
	Round r;
	assert_true(round_by_id(t->db, id, &r));
	RoundTask tasks[ROUND_TASKS];
	int next = -2;
	round_tasks(t->db, &r, tasks, &next);
	assert_int_equal(next, 0);
	assert_string_equal(tasks[0].code, "plan");
	assert_int_equal(tasks[0].status, TASK_NOT_STARTED);
	assert_int_equal(tasks[2].status, TASK_CANNOT_START); /* no case list yet */
	for (int i = 3; i < ROUND_TASKS; i++)
		assert_int_equal(tasks[i].status, TASK_CANNOT_START);
	/* Past planning: the plan is done and the staff are next. */
	assert_int_equal(db_exec(t->db, "UPDATE round SET phase = 'udvaelgelse'"), DB_OK);
	assert_true(round_by_id(t->db, id, &r));
	round_tasks(t->db, &r, tasks, &next);
	assert_int_equal(tasks[0].status, TASK_DONE);
	assert_int_equal(next, 1);
	/* A finished round has no next step. */
	assert_int_equal(db_exec(t->db, "UPDATE round SET phase = 'afsluttet'"), DB_OK);
	assert_true(round_by_id(t->db, id, &r));
	round_tasks(t->db, &r, tasks, &next);
	assert_int_equal(next, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remeasure_dates),
		cmocka_unit_test_setup_teardown(edit_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(tasks_of_a_new_round, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
