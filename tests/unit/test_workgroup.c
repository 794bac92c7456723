/*
** Tests of workgroup.c and phase.c. The working group's check against the recommendation
** (3-5 people with a leder, a koordinator and 1-3 rådgivere): each warning on its own, and
** on a real database only active members with a role in the department count. The phases:
** their order and names, which moves pass the review and the feedback, and on a real,
** migrated SQLite file the work-left rule (cases not finished, individual feedback not held,
** no staff meeting), a move refused without a reason and logged with one, afsluttet setting
** and clearing finished_at, and the planning answers (CPR refused naming the field, all or
** nothing, partial updates).
*/
#include "unit_helpers.h"

/* ---- the working group's check ---- */

static int has_warning(const char **w, int n, const char *needle)
{
	for (int i = 0; i < n; i++)
		if (strstr(w[i], needle))
			return 1;
	return 0;
}

static void check_recommended_group_has_no_warning(void **state)
{
	(void)state;
	const char *w[8];
	assert_int_equal(workgroup_check(3, 1, 1, 1, w, 8), 0);
	assert_int_equal(workgroup_check(5, 1, 1, 3, w, 8), 0);
	assert_int_equal(workgroup_check(4, 1, 2, 1, w, 8), 0);
}

static void check_each_warning(void **state)
{
	(void)state;
	const char *w[8];
	int n = workgroup_check(0, 0, 0, 0, w, 8);
	assert_int_equal(n, 1); /* one clear sentence, not one per missing function */
	assert_true(has_warning(w, n, "ingen arbejdsgruppe"));

	n = workgroup_check(2, 1, 1, 0, w, 8);
	assert_int_equal(n, 2);
	assert_true(has_warning(w, n, "færre end 3"));
	assert_true(has_warning(w, n, "ingen rådgiver"));

	n = workgroup_check(6, 1, 1, 4, w, 8);
	assert_int_equal(n, 2);
	assert_true(has_warning(w, n, "flere end 5"));
	assert_true(has_warning(w, n, "flere end 3 rådgivere"));

	n = workgroup_check(3, 0, 1, 2, w, 8);
	assert_int_equal(n, 1);
	assert_true(has_warning(w, n, "ingen leder"));

	n = workgroup_check(3, 1, 0, 2, w, 8);
	assert_int_equal(n, 1);
	assert_true(has_warning(w, n, "ingen faglig koordinator"));

	/* Only max are written; the count is all of them. */
	n = workgroup_check(1, 0, 0, 1, w, 1);
	assert_int_equal(n, 3);
	assert_true(has_warning(w, 1, "færre end 3"));
}

/* ---- phases without a database ---- */

static void phase_names_and_order(void **state)
{
	(void)state;
	static const char *const order[] = {"planlaegning", "udvaelgelse", "gennemgang", "analyse",
	                                    "tilbagemelding", "opfoelgning", "afsluttet"};
	for (int i = 0; i < PHASE_COUNT; i++) {
		assert_string_equal(phase_code(i), order[i]);
		assert_int_equal(phase_index(order[i]), i);
	}
	assert_null(phase_code(PHASE_COUNT));
	assert_null(phase_code(-1));
	assert_int_equal(phase_index("ukendt"), -1);
	assert_string_equal(phase_title("udvaelgelse"), "Udvælgelse");
	assert_string_equal(phase_title("opfoelgning"), "Opfølgning");
	assert_string_equal(phase_title("ukendt"), "ukendt");
}

static void phase_passes_rule(void **state)
{
	(void)state;
	assert_int_equal(phase_passes("planlaegning", "udvaelgelse"), 0);
	assert_int_equal(phase_passes("udvaelgelse", "gennemgang"), 0);
	assert_int_equal(phase_passes("gennemgang", "analyse"), PHASE_PASSES_REVIEW);
	/* Past gennemgang the review was left behind already (with its reason): not asked again. */
	assert_int_equal(phase_passes("analyse", "tilbagemelding"), 0);
	assert_int_equal(phase_passes("planlaegning", "analyse"), PHASE_PASSES_REVIEW);
	assert_int_equal(phase_passes("tilbagemelding", "opfoelgning"), PHASE_PASSES_FEEDBACK);
	assert_int_equal(phase_passes("opfoelgning", "afsluttet"), 0);
	assert_int_equal(phase_passes("gennemgang", "afsluttet"), PHASE_PASSES_REVIEW | PHASE_PASSES_FEEDBACK);
	/* Moving back, staying, or an unknown phase passes nothing. */
	assert_int_equal(phase_passes("afsluttet", "gennemgang"), 0);
	assert_int_equal(phase_passes("analyse", "analyse"), 0);
	assert_int_equal(phase_passes("analyse", "ukendt"), 0);
}

/* ---- on a database ---- */

typedef struct Fixture {
	TestDb *t;
	Department dept;
	User leder, koord, anne, bo, guest, gone;
	Round round;
} Fixture;

static void add_user(Fixture *f, const char *login, const char *name, const char *role, User *out)
{
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO users (login, name, password_hash) VALUES ('%s', '%s', 'x')", login, name);
	exec_ok(f->t->db, sql);
	assert_true(user_by_login(f->t->db, login, out));
	char msg[300] = "";
	if (role)
		assert_int_equal(user_set_role(f->t->db, out->id, f->dept.id, role_parse(role), msg, sizeof msg), 0);
}

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	int64_t dept_id, round_id;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, dept_id, &f->dept));
	add_user(f, "leder", "Lise Leder", "leder", &f->leder);
	add_user(f, "koord", "Kim Koordinator", "koordinator", &f->koord);
	add_user(f, "anne", "Anne Bækgaard", "raadgiver", &f->anne);
	add_user(f, "bo", "Bo Berg", "raadgiver", &f->bo);
	add_user(f, "gaest", "Gitte Gæst", "ekstern", &f->guest);
	add_user(f, "gone", "Gorm Gammel", "raadgiver", &f->gone);
	assert_int_equal(round_create(db, &f->dept, "overordnet", "Testtilsyn", NULL, NULL, 0, NULL, NULL, "test", &round_id,
	                              msg, sizeof msg),
	                 0);
	/* Four sampled cases of two caseworkers (one replaced case does not count). */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO cases (id, department_id, case_no, advisor, first_seen, last_seen) VALUES"
	         " (1, %lld, 'S-1', 'Anne Bækgaard', 'x', 'x'), (2, %lld, 'S-2', 'anne bækgaard ', 'x', 'x'),"
	         " (3, %lld, 'S-3', 'Bo Berg', 'x', 'x'), (4, %lld, 'S-4', 'Bo Berg', 'x', 'x'),"
	         " (5, %lld, 'S-5', 'Carl Erstattet', 'x', 'x')",
	         (long long)dept_id, (long long)dept_id, (long long)dept_id, (long long)dept_id, (long long)dept_id);
	exec_ok(db, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO round_case (round_id, case_id, sample_key, status, added_at) VALUES"
	         " (%lld, 1, 'a', 'udtrukket', 'x'), (%lld, 2, 'b', 'udtrukket', 'x'), (%lld, 3, 'c', 'udtrukket', 'x'),"
	         " (%lld, 4, 'd', 'udtrukket', 'x'), (%lld, 5, 'e', 'erstattet', 'x')",
	         (long long)round_id, (long long)round_id, (long long)round_id, (long long)round_id, (long long)round_id);
	exec_ok(db, sql);
	exec_ok(db, "UPDATE round SET phase = 'gennemgang'");
	assert_true(round_by_id(db, round_id, &f->round));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fixture *f = *state;
	testdb_free(f->t);
	free(f);
	return 0;
}

static const ReviewBy test_by = {.user_id = 0, .login = "test", .ip = "test"};

static void workgroup_on_database(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	const char *w[8];
	char msg[400];
	assert_int_equal(workgroup_warnings(db, f->dept.id, w, 8), 1);

	assert_int_equal(workgroup_set(db, &f->dept, f->leder.id, "leder", &test_by, msg, sizeof msg), WORKGROUP_ADDED);
	assert_int_equal(workgroup_set(db, &f->dept, f->koord.id, "koordinator", &test_by, msg, sizeof msg), WORKGROUP_ADDED);
	int n = workgroup_warnings(db, f->dept.id, w, 8);
	assert_int_equal(n, 2);
	assert_true(has_warning(w, n, "færre end 3"));
	assert_true(has_warning(w, n, "ingen rådgiver"));

	assert_int_equal(workgroup_set(db, &f->dept, f->anne.id, "raadgiver", &test_by, msg, sizeof msg), WORKGROUP_ADDED);
	assert_int_equal(workgroup_warnings(db, f->dept.id, w, 8), 0);
	assert_int_equal(workgroup_set(db, &f->dept, f->anne.id, "raadgiver", &test_by, msg, sizeof msg),
	                 WORKGROUP_UNCHANGED);
	assert_int_equal(workgroup_set(db, &f->dept, f->anne.id, "koordinator", &test_by, msg, sizeof msg),
	                 WORKGROUP_CHANGED);
	n = workgroup_warnings(db, f->dept.id, w, 8);
	assert_int_equal(n, 1);
	assert_true(has_warning(w, n, "ingen rådgiver"));

	/* Refused: an unknown function, an outside reviewer, someone without a role. */
	assert_int_equal(workgroup_set(db, &f->dept, f->bo.id, "chef", &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "leder, koordinator eller raadgiver"));
	assert_int_equal(workgroup_set(db, &f->dept, f->guest.id, "raadgiver", &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ekstern"));
	char err[300] = "";
	assert_int_equal(user_set_role(db, f->bo.id, f->dept.id, ROLE_NONE, err, sizeof err), 0);
	assert_int_equal(workgroup_set(db, &f->dept, f->bo.id, "raadgiver", &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ingen rolle"));

	/* A member who is deactivated later stays listed but no longer counts. */
	assert_int_equal(workgroup_set(db, &f->dept, f->gone.id, "raadgiver", &test_by, msg, sizeof msg), WORKGROUP_ADDED);
	assert_int_equal(workgroup_warnings(db, f->dept.id, w, 8), 0);
	exec_ok(db, "UPDATE users SET active = 0 WHERE login = 'gone'");
	assert_int_equal(workgroup_warnings(db, f->dept.id, w, 8), 1);

	assert_int_equal(workgroup_remove(db, &f->dept, f->anne.id, &test_by, msg, sizeof msg), 0);
	assert_int_equal(workgroup_remove(db, &f->dept, f->anne.id, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ikke med i arbejdsgruppen"));
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action = 'workgroup_add'"), 4);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action = 'workgroup_change'"), 1);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action = 'workgroup_remove'"), 1);
}

static void add_meeting(Fixture *f, const char *kind, const char *advisor, const char *status)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO meeting (department_id, round_id, kind, date, status, advisor, created_at, updated_at)"
	         " VALUES (%lld, %lld, '%s', '2026-11-01', '%s', %s%s%s, 'x', 'x')",
	         (long long)f->dept.id, (long long)f->round.id, kind, status, advisor ? "'" : "", advisor ? advisor : "NULL",
	         advisor ? "'" : "");
	exec_ok(f->t->db, sql);
}

static void work_left_rule(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	PhaseWorkLeft w;
	char text[1024];

	/* Moving up to gennemgang, or back, never asks. */
	assert_int_equal(phase_work_left(db, &f->round, "udvaelgelse", &w), 0);

	/* Past gennemgang: 4 sampled, none finished. */
	assert_int_equal(phase_work_left(db, &f->round, "analyse", &w), 1);
	assert_true(w.review);
	assert_false(w.feedback);
	assert_int_equal(w.sampled, 4);
	assert_int_equal(w.unfinished, 4);
	phase_work_left_text(&w, text, sizeof text);
	assert_string_equal(text, "4 af 4 udtrukne sager er ikke færdiggennemgået.");

	exec_ok(db, "UPDATE round_case SET review_status = 'faerdig'");
	assert_int_equal(phase_work_left(db, &f->round, "analyse", &w), 0);

	/* Past tilbagemelding: both caseworkers lack feedback and no staff meeting is held. */
	assert_int_equal(phase_work_left(db, &f->round, "opfoelgning", &w), 1);
	assert_false(w.review);
	assert_true(w.feedback);
	assert_int_equal(w.advisors_left, 2);
	assert_string_equal(w.advisors, "Anne Bækgaard, Bo Berg");
	assert_true(w.staff_meeting_missing);

	/* A held individual meeting counts for that caseworker, whatever the spelling of the name;
	** a planned or cancelled one does not. */
	add_meeting(f, "individuel", "ANNE BÆKGAARD", "afholdt");
	add_meeting(f, "individuel", "Bo Berg", "planlagt");
	add_meeting(f, "personale", NULL, "planlagt");
	assert_int_equal(phase_work_left(db, &f->round, "afsluttet", &w), 1);
	assert_int_equal(w.advisors_left, 1);
	assert_string_equal(w.advisors, "Bo Berg");
	assert_true(w.staff_meeting_missing);
	phase_work_left_text(&w, text, sizeof text);
	assert_string_equal(text, "Individuel tilbagemelding er ikke givet til Bo Berg. Resultaterne er ikke fremlagt på et "
	                          "afholdt personalemøde.");

	/* Someone with a planned meeting but no case in the sample still waits for feedback. */
	add_meeting(f, "individuel", "Dorte Ekstra", "aflyst");
	assert_int_equal(phase_work_left(db, &f->round, "afsluttet", &w), 1);
	assert_int_equal(w.advisors_left, 2);

	exec_ok(db, "UPDATE meeting SET status = 'afholdt'");
	assert_int_equal(phase_work_left(db, &f->round, "afsluttet", &w), 0);
	assert_false(w.staff_meeting_missing);

	/* No sample at all is work left too. */
	exec_ok(db, "DELETE FROM round_case");
	assert_int_equal(phase_work_left(db, &f->round, "analyse", &w), 1);
	phase_work_left_text(&w, text, sizeof text);
	assert_non_null(strstr(text, "Stikprøven er ikke trukket"));
}

static void phase_change_asks_and_logs(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	PhaseWorkLeft w;
	char msg[2048], text[64];
	ReviewBy by = {.user_id = f->koord.id, .login = "koord", .ip = "127.0.0.1"};

	/* Work left and no reason (or only spaces): asked, nothing changes. */
	assert_int_equal(phase_change(db, &f->round, "analyse", NULL, &by, &w, msg, sizeof msg), PHASE_REASON_NEEDED);
	assert_non_null(strstr(msg, "4 af 4 udtrukne sager"));
	assert_non_null(strstr(msg, "begrundelse"));
	assert_int_equal(phase_change(db, &f->round, "analyse", "   ", &by, &w, msg, sizeof msg), PHASE_REASON_NEEDED);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM round_phase_change"), 0);

	/* Refused outright: unknown phase, the same phase, a CPR number in the reason. */
	assert_int_equal(phase_change(db, &f->round, "faerdig", NULL, &by, &w, msg, sizeof msg), PHASE_REFUSED);
	assert_int_equal(phase_change(db, &f->round, "gennemgang", NULL, &by, &w, msg, sizeof msg), PHASE_REFUSED);
	assert_non_null(strstr(msg, "allerede"));
	assert_int_equal(phase_change(db, &f->round, "analyse", "se 010190-1234", &by, &w, msg, sizeof msg), PHASE_REFUSED);
	assert_non_null(strstr(msg, "CPR"));

	/* With a reason: moved and logged, the reason trimmed. */
	assert_int_equal(phase_change(db, &f->round, "analyse", "  Resten tages på stop-op-mødet ", &by, &w, msg, sizeof msg),
	                 PHASE_MOVED);
	testdb_text(db, "SELECT from_phase || '>' || to_phase || '|' || reason || '|' || by_name FROM round_phase_change", msg,
	            sizeof msg);
	assert_string_equal(msg, "gennemgang>analyse|Resten tages på stop-op-mødet|Kim Koordinator");
	testdb_text(db, "SELECT detail FROM audit WHERE action = 'round_phase'", msg, sizeof msg);
	assert_non_null(strstr(msg, "gennemgang → analyse. Arbejde tilbage: 4 af 4"));
	assert_non_null(strstr(msg, "færdiggennemgået. Begrundelse: Resten tages på stop-op-mødet"));

	/* Afsluttet dates the round; reopening it (a move back) needs a reason and clears the date. */
	assert_true(round_by_id(db, f->round.id, &f->round));
	assert_int_equal(phase_change(db, &f->round, "afsluttet", "Besluttet på ledermødet", &by, &w, msg, sizeof msg),
	                 PHASE_MOVED);
	testdb_text(db, "SELECT coalesce(finished_at, '') FROM round", text, sizeof text);
	assert_true(strlen(text) == 20 && text[10] == 'T');
	assert_true(round_by_id(db, f->round.id, &f->round));
	assert_int_equal(phase_change(db, &f->round, "gennemgang", NULL, &by, &w, msg, sizeof msg), PHASE_REASON_NEEDED);
	assert_non_null(strstr(msg, "Skriv en begrundelse for at genåbne det"));
	assert_int_equal(testdb_int(db, "SELECT finished_at IS NOT NULL FROM round"), 1);
	assert_int_equal(phase_change(db, &f->round, "gennemgang", "Genåbnet efter en klage", &by, &w, msg, sizeof msg),
	                 PHASE_MOVED);
	assert_int_equal(testdb_int(db, "SELECT finished_at IS NULL FROM round"), 1);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM round_phase_change WHERE reason IS NULL"), 0);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action = 'round_phase'"), 3);

	/* From the command line (no user): by_name says so. */
	ReviewBy cli = {.login = "root", .ip = "kommandolinje"};
	assert_true(round_by_id(db, f->round.id, &f->round));
	assert_int_equal(phase_change(db, &f->round, "udvaelgelse", NULL, &cli, &w, msg, sizeof msg), PHASE_MOVED);
	testdb_text(db, "SELECT by_name FROM round_phase_change ORDER BY id DESC LIMIT 1", msg, sizeof msg);
	assert_string_equal(msg, "kommandolinjen");
}

static void plan_answers(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512];
	RoundPlan *p = malloc(sizeof *p);
	assert_non_null(p);
	assert_false(round_plan_get(db, f->round.id, p));

	RoundPlanInput in = {.performers = " Kim og Anne ", .planned_cases = "25", .selection = "Tilfældigt",
	                     .timing = "Uge 10-14", .gathering = "I tilsyn", .stopop_meetings = "2"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), 0);
	assert_true(round_plan_get(db, f->round.id, p));
	assert_string_equal(p->performers, "Kim og Anne");
	assert_int_equal(p->planned_cases, 25);
	assert_int_equal(p->stopop_meetings, 2);
	assert_non_null(round_plan_warning(&f->round, p)); /* 25 < 30 for an overordnet */

	/* A CPR number in one field: refused, naming the field, and nothing is changed. */
	in = (RoundPlanInput){.timing = "Uge 11", .gathering = "Se sag for 010190-1234"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Hvordan samles resultaterne«"));
	assert_non_null(strstr(msg, "CPR"));
	assert_true(round_plan_get(db, f->round.id, p));
	assert_string_equal(p->timing, "Uge 10-14");

	/* Bad numbers and text too long, each naming the field. */
	in = (RoundPlanInput){.planned_cases = "tredive"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Antal sager«"));
	in = (RoundPlanInput){.stopop_meetings = "-1"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Stop-op-møder«"));
	char *long_text = malloc(ROUND_PLAN_TEXT_MAX * 2 + 3);
	assert_non_null(long_text);
	for (int i = 0; i < ROUND_PLAN_TEXT_MAX + 1; i++)
		memcpy(long_text + 2 * i, "æ", 2); /* 2001 characters, 4002 bytes */
	long_text[2 * (ROUND_PLAN_TEXT_MAX + 1)] = 0;
	in = (RoundPlanInput){.selection = long_text};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Hvordan udvælges sagerne«"));
	long_text[2 * ROUND_PLAN_TEXT_MAX] = 0; /* exactly the limit in characters is fine */
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), 0);
	free(long_text);
	in = (RoundPlanInput){.performers = "\xff\xfe"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "gyldig tekst"));

	/* Only the given answers change; "" clears one. */
	in = (RoundPlanInput){.planned_cases = "", .timing = "Uge 12"};
	assert_int_equal(round_plan_save(db, &f->round, &in, &test_by, msg, sizeof msg), 0);
	assert_true(round_plan_get(db, f->round.id, p));
	assert_int_equal(p->planned_cases, 0);
	assert_string_equal(p->timing, "Uge 12");
	assert_string_equal(p->performers, "Kim og Anne");
	assert_null(round_plan_warning(&f->round, p));
	assert_int_equal(testdb_int(db, "SELECT planned_cases IS NULL FROM round_plan"), 1);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action = 'round_plan'"), 3);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_recommended_group_has_no_warning),
		cmocka_unit_test(check_each_warning),
		cmocka_unit_test(phase_names_and_order),
		cmocka_unit_test(phase_passes_rule),
		cmocka_unit_test_setup_teardown(workgroup_on_database, setup, teardown),
		cmocka_unit_test_setup_teardown(work_left_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(phase_change_asks_and_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_answers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
