/*
** Tests of the closed-round rule and the automatic phase moves (phase.c) on a real SQLite
** file: round_writable refuses a finished round and allows it again once reopened; the
** model functions that write case data pass ROUND_CLOSED on and change nothing; reopening
** without a reason is refused; phase_auto records its move with the reason "automatisk"
** only from the phases it names.
*/
#include "unit_helpers.h"

typedef struct Fixture {
	TestDb *t;
	Department d;
	Round r;
	int64_t case_id;
} Fixture;

static void fixture(Fixture *f)
{
	assert_int_equal(auth_init(), 0);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	assert_int_equal(department_add(db, "P", "Fase", "voksen", NULL, msg, sizeof msg), 0);
	assert_true(department_by_code(db, "P", &f->d));
	const char csv[] = "Sagsnummer;Rådgiver\nP-1;Anne\nP-2;Bo\nP-3;Cecilie\n";
	ImportOptions o = {.login = "test"};
	ImportResult *res = calloc(1, sizeof *res);
	assert_int_equal(cases_import_mem(db, &f->d, csv, sizeof csv - 1, "t.csv", &o, res), IMPORT_STORED);
	free(res);
	int64_t id;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(round_create(db, &f->d, "overordnet", "T", NULL, NULL, 0, NULL, NULL, "test", &id, msg, sizeof msg), 0);
	assert_true(round_by_id(db, id, &f->r));
	int64_t drawn;
	SampleRequest req = {.size = 3};
	assert_int_equal(sample_draw(db, &f->r, &req, "test", &drawn, msg, sizeof msg), 0);
	assert_int_equal(db_commit(db), DB_OK);
	assert_true(round_by_id(db, id, &f->r));
	f->case_id = testdb_int(db, "SELECT min(case_id) FROM round_case");
}

static void move(Fixture *f, const char *to, const char *reason, int expect)
{
	PhaseWorkLeft left;
	char msg[1024];
	ReviewBy by = {.login = "test"};
	assert_int_equal(db_begin(f->t->db), DB_OK);
	int rc = phase_change(f->t->db, &f->r, to, reason, &by, &left, msg, sizeof msg);
	if (rc != expect)
		fail_msg("phase_change to %s: %d (%s)", to, rc, msg);
	if (rc == PHASE_MOVED)
		assert_int_equal(db_commit(f->t->db), DB_OK);
	else
		db_rollback(f->t->db);
	assert_true(round_by_id(f->t->db, f->r.id, &f->r));
}

static void test_the_draw_moves_the_phase_automatically(void **state)
{
	(void)state;
	Fixture f;
	fixture(&f);
	assert_string_equal(f.r.phase, "udvaelgelse");
	assert_int_equal(testdb_int(f.t->db, "SELECT count(*) FROM round_phase_change WHERE from_phase = 'planlaegning'"
	                                     " AND to_phase = 'udvaelgelse' AND reason = 'automatisk'"),
	                 1);
	assert_int_equal(testdb_int(f.t->db, "SELECT count(*) FROM audit WHERE action = 'round_phase'"
	                                     " AND detail = 'planlaegning → udvaelgelse. Begrundelse: automatisk'"),
	                 1);
	/* Not from a phase it does not name: nothing recorded. */
	assert_int_equal(db_begin(f.t->db), DB_OK);
	assert_int_equal(phase_auto(f.t->db, f.r.id, "planlaegning", "udvaelgelse", 0, "test"), DB_OK);
	assert_int_equal(phase_auto(f.t->db, f.r.id, "planlaegning,gennemgang", "analyse", 0, "test"), DB_OK);
	assert_int_equal(db_commit(f.t->db), DB_OK);
	assert_int_equal(testdb_int(f.t->db, "SELECT count(*) FROM round_phase_change"), 1);
	assert_int_equal(audit_verify(f.t->db, &(int64_t){0}), 0);
	testdb_free(f.t);
}

static void test_a_finished_round_refuses_writes_until_reopened_with_a_reason(void **state)
{
	(void)state;
	Fixture f;
	fixture(&f);
	Db *db = f.t->db;
	char msg[512];
	assert_int_equal(round_writable(db, f.r.id, msg, sizeof msg), 0);
	move(&f, "afsluttet", "færdig til test", PHASE_MOVED);
	assert_int_equal(round_writable(db, f.r.id, msg, sizeof msg), ROUND_CLOSED);
	assert_string_equal(msg, round_closed_text);

	ReviewBy by = {.login = "test"};
	int missing;
	int64_t a, b;
	char cmsg[300] = "";
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(review_set_consent(db, &f.r, f.case_id, 1, &by, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(review_set_acute(db, &f.r, f.case_id, 1, "nu", &by, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(review_finish(db, &f.r, f.case_id, &by, &missing, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(review_assign(db, &f.r, f.case_id, 0, &by, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(review_assign_auto(db, &f.r, (int64_t[]){1}, 1, &by, &a, &b, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(calibration_choose(db, &f.r, f.case_id, &by, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(calibration_choose_random(db, &f.r, 1, &by, &a, msg, sizeof msg), ROUND_CLOSED);
	assert_int_equal(sample_replace(db, &f.r, f.case_id, "ikke relevant", "test", &a, cmsg, sizeof cmsg), ROUND_CLOSED);
	SampleRequest req = {.size = 2};
	assert_int_equal(sample_draw(db, &f.r, &req, "test", &a, cmsg, sizeof cmsg), ROUND_CLOSED);
	assert_string_equal(cmsg, round_closed_text);
	User u = {.id = 0};
	AnswerState st;
	AnswerInput in = {.value = "ja", .seen_revision = -1};
	assert_int_equal(answer_save(db, f.r.id, f.case_id, 1, &in, &u, &st, cmsg, sizeof cmsg), ANSWER_CLOSED);
	db_rollback(db);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM round_case WHERE example_consent = 1 OR acute = 1"), 0);

	/* Reopening needs a reason; with one, writes are allowed again. */
	move(&f, "gennemgang", NULL, PHASE_REASON_NEEDED);
	move(&f, "gennemgang", "  ", PHASE_REASON_NEEDED);
	assert_string_equal(f.r.phase, "afsluttet");
	move(&f, "gennemgang", "en klage", PHASE_MOVED);
	PhaseReopening re[2];
	assert_int_equal(phase_reopenings(db, f.r.id, re, 2), 1);
	assert_string_equal(re[0].reason, "en klage");
	assert_string_equal(re[0].to, "gennemgang");
	assert_int_equal(round_writable(db, f.r.id, msg, sizeof msg), 0);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(review_set_consent(db, &f.r, f.case_id, 1, &by, msg, sizeof msg), 0);
	assert_int_equal(db_commit(db), DB_OK);
	/* Moving back from other phases still needs no reason. */
	move(&f, "udvaelgelse", NULL, PHASE_MOVED);
	testdb_free(f.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_draw_moves_the_phase_automatically),
		cmocka_unit_test(test_a_finished_round_refuses_writes_until_reopened_with_a_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
