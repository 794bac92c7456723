/*
** Tests of calibration.c and stats_kappa. Kappa against worked examples: the 2×2 example of
** Wikipedia's "Cohen's kappa" article (50 grant proposals, two readers: 20 yes/yes, 5
** yes/no, 10 no/yes, 15 no/no; p_o = 0.70, p_e = 0.50, kappa = 0.40), perfect agreement
** (1), chance-level agreement (0), complete disagreement on a balanced 2×2 (-1), a 3×3
** table worked by hand below, and the undefined case (p_e = 1). Then on a real, migrated
** SQLite file: choosing cases by hand and by sample key, second reviewers refused when they
** are the first reviewer or the caseworker (with a Danish reason), saving second answers
** (validation, CPR, only the second reviewer, locked when finished), the blind rule, and
** agreement and disagreements computed from saved answers of both reviews.
*/
#include "unit_helpers.h"

#include <math.h>

/* ---- stats_kappa ---- */

static void kappa_textbook_2x2(void **state)
{
	(void)state;
	/* Wikipedia, "Cohen's kappa", section "Simple example": rows reader A (yes, no), columns
	** reader B. p_o = (20 + 15) / 50 = 0.7; A says yes 25/50, B 30/50: p_e = 0.5·0.6 + 0.5·0.4
	** = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4. */
	const int64_t t[] = {20, 5, 10, 15};
	double k, po;
	assert_int_equal(stats_kappa(t, 2, &k, &po), 0);
	assert_true(fabs(po - 0.7) < 1e-12);
	assert_true(fabs(k - 0.4) < 1e-12);
}

static void kappa_perfect_chance_and_opposite(void **state)
{
	(void)state;
	double k, po;
	const int64_t perfect[] = {5, 0, 0, 7};
	assert_int_equal(stats_kappa(perfect, 2, &k, &po), 0);
	assert_true(fabs(k - 1) < 1e-12);
	assert_true(fabs(po - 1) < 1e-12);
	/* Both raters say yes half the time, independently: p_o = p_e = 0.5. */
	const int64_t chance[] = {25, 25, 25, 25};
	assert_int_equal(stats_kappa(chance, 2, &k, &po), 0);
	assert_true(fabs(k) < 1e-12);
	assert_true(fabs(po - 0.5) < 1e-12);
	/* Always opposite: p_o = 0, p_e = 0.5, kappa = -1. */
	const int64_t opposite[] = {0, 5, 5, 0};
	assert_int_equal(stats_kappa(opposite, 2, &k, &po), 0);
	assert_true(fabs(k + 1) < 1e-12);
}

static void kappa_3x3_by_hand(void **state)
{
	(void)state;
	/* Rows rater 1, columns rater 2 (ja, delvist, nej), n = 30:
	**   10  2  0 | 12
	**    1  5  2 |  8
	**    0  1  9 | 10
	**   11  8 11
	** p_o = (10 + 5 + 9) / 30 = 0.8
	** p_e = (12·11 + 8·8 + 10·11) / 900 = (132 + 64 + 110) / 900 = 306 / 900 = 0.34
	** kappa = (0.8 - 0.34) / (1 - 0.34) = 0.46 / 0.66 = 23/33 = 0.696969... */
	const int64_t t[] = {10, 2, 0, 1, 5, 2, 0, 1, 9};
	double k, po;
	assert_int_equal(stats_kappa(t, 3, &k, &po), 0);
	assert_true(fabs(po - 0.8) < 1e-12);
	assert_true(fabs(k - 23.0 / 33.0) < 1e-12);
	/* The same table inside the 4×4 of calibration (an unused 4th category changes nothing). */
	const int64_t t4[] = {10, 2, 0, 0, 1, 5, 2, 0, 0, 1, 9, 0, 0, 0, 0, 0};
	assert_int_equal(stats_kappa(t4, 4, &k, &po), 0);
	assert_true(fabs(k - 23.0 / 33.0) < 1e-12);
}

static void kappa_undefined(void **state)
{
	(void)state;
	double k = 9, po = 9;
	const int64_t empty[] = {0, 0, 0, 0};
	assert_int_equal(stats_kappa(empty, 2, &k, &po), -1);
	assert_true(k == 0 && po == 0);
	/* Everyone said ja every time: p_e = 1, kappa is 0/0; agreement is still 100 %. */
	const int64_t same[] = {8, 0, 0, 0};
	assert_int_equal(stats_kappa(same, 2, &k, &po), -2);
	assert_true(fabs(po - 1) < 1e-12);
	assert_non_null(strstr(calibration_kappa_reason(-2), "ikke beregnet"));
	assert_non_null(strstr(calibration_kappa_reason(-1), "ikke beregnet"));
}

/* ---- on a database ---- */

static const char catalogue_json[] =
	"{\"code\": \"test-cal\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit\", \"questions\": ["
	"  {\"code\": \"K-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"retssikkerhed\"},"
	"  {\"code\": \"K-2\", \"text\": \"Er der en plan?\", \"category\": \"socialfaglig\", \"scale\": \"jn\"},"
	"  {\"code\": \"K-3\", \"text\": \"Følger planen op?\", \"category\": \"socialfaglig\","
	"   \"condition\": {\"question\": \"K-2\", \"answers\": [\"ja\"]}},"
	"  {\"code\": \"K-4\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"}]}]}";

typedef struct Fixture {
	TestDb *t;
	Round round;
	Department dept;
	User anne, bo, carl, dorte, outsider;
	int64_t case_id[7]; /* 1..6 */
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

static const ReviewBy by = {.user_id = 0, .login = "test", .ip = "test"};

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	int64_t dept_id;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, dept_id, &f->dept));
	add_user(f, "anne", "Anne Bækgaard", "raadgiver", &f->anne);
	add_user(f, "bo", "Bo Ørum", "raadgiver", &f->bo);
	add_user(f, "carl", "Carl Holm", "koordinator", &f->carl);
	add_user(f, "dorte", "Dorte Dahl", "raadgiver", &f->dorte);
	add_user(f, "ude", "Ude Fra", NULL, &f->outsider);
	char err[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(db, catalogue_json, "udgivet", "lokal", &cat, err, sizeof err), 0);
	int64_t round_id;
	assert_int_equal(round_create(db, &f->dept, "overordnet", "Testtilsyn", "test-cal", NULL, 0, NULL, NULL, "test",
	                              &round_id, msg, sizeof msg), 0);
	assert_true(round_by_id(db, round_id, &f->round));
	/* Caseworkers: 1-2 Anne, 3-4 Bo, 5 Dorte; 6 is replaced. Sample keys in case order. */
	static const char *const advisors[] = {"", "Anne Bækgaard", "anne bækgaard", "Bo Ørum", "BO ØRUM", "Dorte Dahl",
	                                       "Carl Holm"};
	for (int i = 1; i <= 6; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
		         " VALUES (%lld, 'S-00%d', '%s', '2026-01-01', '2026-01-01') RETURNING id",
		         (long long)dept_id, i, advisors[i]);
		f->case_id[i] = qinsert(db, "%s", sql);
		snprintf(sql, sizeof sql,
		         "INSERT INTO round_case (round_id, case_id, sample_key, status, added_at)"
		         " VALUES (%lld, %lld, '%02d', '%s', '2026-01-01')",
		         (long long)round_id, (long long)f->case_id[i], i, i == 6 ? "erstattet" : "udtrukket");
		exec_ok(db, sql);
	}
	/* First reviewers: Anne's cases to Bo, Bo's to Anne; case 5 has none yet. */
	char msg2[512];
	assert_int_equal(review_assign(db, &f->round, f->case_id[1], f->bo.id, &by, msg2, sizeof msg2), 0);
	assert_int_equal(review_assign(db, &f->round, f->case_id[2], f->bo.id, &by, msg2, sizeof msg2), 0);
	assert_int_equal(review_assign(db, &f->round, f->case_id[3], f->anne.id, &by, msg2, sizeof msg2), 0);
	assert_int_equal(review_assign(db, &f->round, f->case_id[4], f->anne.id, &by, msg2, sizeof msg2), 0);
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

static int64_t qid(Fixture *f, const char *code)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM question WHERE code = '%s'", code);
	return testdb_int(f->t->db, sql);
}

static int64_t count(Fixture *f, const char *sql)
{
	return testdb_int(f->t->db, sql);
}

static void choosing_cases(void **state)
{
	Fixture *f = *state;
	char msg[512];
	/* Case 5 has no first reviewer; case 6 is replaced. */
	assert_int_equal(calibration_choose(f->t->db, &f->round, f->case_id[5], &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ingen, der gennemgår den første gang"));
	assert_int_equal(calibration_choose(f->t->db, &f->round, f->case_id[6], &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "stikprøve"));
	assert_int_equal(calibration_choose(f->t->db, &f->round, f->case_id[3], &by, msg, sizeof msg), 0);
	assert_int_equal(calibration_choose(f->t->db, &f->round, f->case_id[3], &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "allerede valgt"));
	/* Two more by sample key: the smallest keys among cases with a first reviewer, not chosen: 1 and 2. */
	int64_t added;
	assert_int_equal(calibration_choose_random(f->t->db, &f->round, 2, &by, &added, msg, sizeof msg), 0);
	assert_int_equal(added, 2);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM calibration_case WHERE case_id IN (%lld, %lld) AND how = 'tilfaeldig'",
	         (long long)f->case_id[1], (long long)f->case_id[2]);
	assert_int_equal(count(f, sql), 2);
	/* Asking for more than there are gives what there is (case 4); then nothing is left. */
	assert_int_equal(calibration_choose_random(f->t->db, &f->round, 10, &by, &added, msg, sizeof msg), 0);
	assert_int_equal(added, 1);
	assert_int_equal(calibration_choose_random(f->t->db, &f->round, 1, &by, &added, msg, sizeof msg), -1);
	assert_int_equal(calibration_choose_random(f->t->db, &f->round, 0, &by, &added, msg, sizeof msg), -1);
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_case"), 4);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'calibration_choose'"), 4);
	/* Taking one out again. */
	assert_int_equal(calibration_remove(f->t->db, &f->round, f->case_id[4], &by, msg, sizeof msg), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_case"), 3);
}

static void second_reviewer_refusals(void **state)
{
	Fixture *f = *state;
	char msg[512];
	Db *db = f->t->db;
	assert_int_equal(calibration_choose(db, &f->round, f->case_id[1], &by, msg, sizeof msg), 0);
	/* Not chosen. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[2], f->carl.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ikke valgt til anden gennemgang"));
	/* The first reviewer (Bo) of case 1. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->bo.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "Sag S-001 kan ikke gives til Bo Ørum til anden gennemgang, fordi Bo Ørum gennemgår "
	                            "sagen første gang"));
	/* The caseworker (Anne) of case 1. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->anne.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "fordi Anne Bækgaard selv er rådgiver på sagen"));
	/* Outside the department. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->outsider.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ikke aktiv medarbejder"));
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_case WHERE reviewer_id IS NOT NULL"), 0);
	/* Dorte may. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->dorte.id, &by, msg, sizeof msg), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'calibration_assign'"), 1);

	/* Automatic: case 3 (Bo's, first reviewer Anne) can go only to Carl or Dorte; with only
	** Anne and Bo chosen, it is left. */
	assert_int_equal(calibration_choose(db, &f->round, f->case_id[3], &by, msg, sizeof msg), 0);
	int64_t ab[] = {f->anne.id, f->bo.id}, assigned, left;
	assert_int_equal(calibration_assign_auto(db, &f->round, ab, 2, &by, &assigned, &left, msg, sizeof msg), 0);
	assert_int_equal(assigned, 0);
	assert_int_equal(left, 1);
	int64_t cd[] = {f->carl.id, f->dorte.id};
	assert_int_equal(calibration_assign_auto(db, &f->round, cd, 2, &by, &assigned, &left, msg, sizeof msg), 0);
	assert_int_equal(assigned, 1);
	assert_int_equal(left, 0);
	char sql[200];
	/* Dorte has one already, so Carl, the less loaded, gets it. */
	snprintf(sql, sizeof sql, "SELECT reviewer_id FROM calibration_case WHERE case_id = %lld", (long long)f->case_id[3]);
	assert_int_equal(count(f, sql), f->carl.id);
	/* Nor can the first review then be given to the second reviewer. */
	assert_int_equal(review_assign(db, &f->round, f->case_id[1], f->dorte.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "fordi Dorte Dahl gennemgår sagen anden gang"));
	assert_int_equal(review_assign(db, &f->round, f->case_id[1], f->carl.id, &by, msg, sizeof msg), 0);
}

static int save2(Fixture *f, const User *u, int i, const char *code, const char *value, const char *comment,
                 char *msg, size_t n)
{
	AnswerInput in = {.value = value, .comment = comment, .seen_revision = -1};
	AnswerState cur;
	return answer_store(f->t->db, ANSWER_SECOND, f->round.id, f->case_id[i], qid(f, code), &in, u, &cur, msg, n);
}

static int save1(Fixture *f, const User *u, int i, const char *code, const char *value, const char *comment)
{
	AnswerInput in = {.value = value, .comment = comment, .seen_revision = -1};
	AnswerState cur;
	char msg[300] = "";
	return answer_save(f->t->db, f->round.id, f->case_id[i], qid(f, code), &in, u, &cur, msg, sizeof msg);
}

static void saving_second_answers(void **state)
{
	Fixture *f = *state;
	char m[512];
	char msg[300] = "";
	Db *db = f->t->db;
	assert_int_equal(calibration_choose(db, &f->round, f->case_id[1], &by, m, sizeof m), 0);
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->dorte.id, &by, m, sizeof m), 0);
	/* Only Dorte may save. */
	assert_int_equal(save2(f, &f->carl, 1, "K-1", "ja", "", msg, sizeof msg), ANSWER_INVALID);
	assert_non_null(strstr(msg, "Kun den, der er valgt til den anden gennemgang"));
	/* Validation as for the first review. */
	assert_int_equal(save2(f, &f->dorte, 1, "K-2", "delvist", "", msg, sizeof msg), ANSWER_INVALID); /* jn scale */
	assert_int_equal(save2(f, &f->dorte, 1, "K-1", "ja", "Se 010190-1234", msg, sizeof msg), ANSWER_INVALID);
	assert_non_null(strstr(msg, "CPR"));
	AnswerInput material_yes = {.value = "ja", .material = 1, .comment = "", .seen_revision = -1};
	AnswerState cur;
	assert_int_equal(answer_store(db, ANSWER_SECOND, f->round.id, f->case_id[1], qid(f, "K-1"), &material_yes, &f->dorte,
	                              &cur, msg, sizeof msg),
	                 ANSWER_INVALID);
	/* Not chosen: case 2. */
	assert_int_equal(save2(f, &f->dorte, 2, "K-1", "ja", "", msg, sizeof msg), ANSWER_INVALID);
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_answer"), 0);
	/* Saved, kept apart from the first review. */
	assert_int_equal(save2(f, &f->dorte, 1, "K-1", "nej", "mangler udtalelse", msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_answer"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM answer"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM calibration_case WHERE status = 'i_gang'"), 1);
	/* Not finished while K-2 is unanswered (and K-3, which waits for K-2); then finished, and locked. */
	int missing;
	assert_int_equal(calibration_finish(db, &f->round, f->case_id[1], &by, &missing, m, sizeof m), -1);
	assert_int_equal(missing, 2);
	assert_int_equal(save2(f, &f->dorte, 1, "K-2", "nej", "", msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(calibration_finish(db, &f->round, f->case_id[1], &by, &missing, m, sizeof m), 0);
	assert_int_equal(save2(f, &f->dorte, 1, "K-1", "ja", "", msg, sizeof msg), ANSWER_INVALID);
	assert_non_null(strstr(msg, "færdig"));
	/* Once there are answers, the second reviewer cannot be swapped and the case not taken out. */
	assert_int_equal(calibration_assign(db, &f->round, f->case_id[1], f->carl.id, &by, m, sizeof m), -1);
	assert_int_equal(calibration_remove(db, &f->round, f->case_id[1], &by, m, sizeof m), -1);
}

static void blind_rule(void **state)
{
	(void)state;
	/* The second reviewer: blind until finished. */
	assert_false(calibration_first_visible(0, 1, "ikke_startet"));
	assert_false(calibration_first_visible(0, 1, "i_gang"));
	assert_true(calibration_first_visible(0, 1, "faerdig"));
	/* A koordinator doing the second review is blind on the page too. */
	assert_false(calibration_first_visible(1, 1, "i_gang"));
	/* The working group sees both. */
	assert_true(calibration_first_visible(1, 0, "i_gang"));
	assert_true(calibration_first_visible(1, 0, "ikke_startet"));
}

/* Builds: cases 1-4 calibrated; case 1 second Dorte, 2 Dorte, 3 Carl, 4 Carl. K-1 pairs (first,
** second): (ja, ja), (ja, nej), (nej, nej), (delvist, delvist) → 3 of 4 agree; rows ja 2,
** delvist 1, nej 1; columns ja 1, delvist 1, nej 2. p_e = (2·1 + 1·1 + 1·2) / 16 = 5/16,
** kappa = (12/16 - 5/16) / (11/16) = 7/11. K-2 all ja in both (2 cases) → 100 %, kappa not
** defined. K-3 conditional on K-2 = ja: in case 3, the first says K-2 ja, K-3 nej; the second
** says K-2 nej, so K-3 counts as ikke relevant → a disagreement (nej vs ikke relevant). */
static void agreement_from_saved_answers(void **state)
{
	Fixture *f = *state;
	char m[512];
	char msg[300] = "";
	Db *db = f->t->db;
	int64_t second_of[5] = {0, f->dorte.id, f->dorte.id, f->carl.id, f->carl.id};
	const User *second_user[5] = {NULL, &f->dorte, &f->dorte, &f->carl, &f->carl};
	const User *first_user[5] = {NULL, &f->bo, &f->bo, &f->anne, &f->anne};
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(calibration_choose(db, &f->round, f->case_id[i], &by, m, sizeof m), 0);
		assert_int_equal(calibration_assign(db, &f->round, f->case_id[i], second_of[i], &by, m, sizeof m), 0);
	}
	static const char *const k1_first[] = {"", "ja", "ja", "nej", "delvist"};
	static const char *const k1_second[] = {"", "ja", "nej", "nej", "delvist"};
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(save1(f, first_user[i], i, "K-1", k1_first[i], i == 2 ? "Oplyst nok" : ""), ANSWER_SAVED);
		assert_int_equal(save2(f, second_user[i], i, "K-1", k1_second[i], i == 2 ? "Mangler lægeudtalelse" : "", msg, sizeof msg),
		                 ANSWER_SAVED);
	}
	/* K-2: cases 1 and 2 both ja; case 3 first ja, second nej (K-2 then differs too). */
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(save1(f, first_user[i], i, "K-2", "ja", ""), ANSWER_SAVED);
		assert_int_equal(save2(f, second_user[i], i, "K-2", "ja", "", msg, sizeof msg), ANSWER_SAVED);
	}
	assert_int_equal(save1(f, first_user[3], 3, "K-2", "ja", ""), ANSWER_SAVED);
	assert_int_equal(save1(f, first_user[3], 3, "K-3", "nej", "ingen opfølgning"), ANSWER_SAVED);
	assert_int_equal(save2(f, second_user[3], 3, "K-2", "nej", "", msg, sizeof msg), ANSWER_SAVED);
	/* Case 4: the second has not answered K-2, so K-3 has no answer there: not counted. */
	assert_int_equal(save1(f, first_user[4], 4, "K-2", "ja", ""), ANSWER_SAVED);
	assert_int_equal(save1(f, first_user[4], 4, "K-3", "ja", ""), ANSWER_SAVED);

	Agreement *a, all;
	Disagreement *d;
	int na, nd;
	assert_int_equal(calibration_agreement(db, &f->round, &a, &na, &all, &d, &nd), 0);
	assert_int_equal(na, 3); /* K-1, K-2, K-3; not the free-text K-4 */
	assert_string_equal(a[0].code, "K-1");
	assert_int_equal(a[0].n, 4);
	assert_int_equal(a[0].agree, 3);
	assert_true(fabs(a[0].percent - 0.75) < 1e-12);
	assert_int_equal(a[0].kappa_status, 0);
	assert_true(fabs(a[0].kappa - 7.0 / 11.0) < 1e-12);
	/* K-2: (ja, ja) twice and (ja, nej) once: rows ja 3; columns ja 2, nej 1: p_e = 3·2/9 = 2/3,
	** p_o = 2/3, kappa = 0. */
	assert_string_equal(a[1].code, "K-2");
	assert_int_equal(a[1].n, 3);
	assert_int_equal(a[1].agree, 2);
	assert_int_equal(a[1].kappa_status, 0);
	assert_true(fabs(a[1].kappa) < 1e-12);
	/* K-3: only case 3 counts (nej vs ikke relevant by condition); case 1-2 neither answered. */
	assert_string_equal(a[2].code, "K-3");
	assert_int_equal(a[2].n, 1);
	assert_int_equal(a[2].agree, 0);
	/* Overall: 8 pairs, 5 agree. */
	assert_int_equal(all.n, 8);
	assert_int_equal(all.agree, 5);
	/* Disagreements in case order: case 2 K-1, case 3 K-2, case 3 K-3. */
	assert_int_equal(nd, 3);
	assert_string_equal(d[0].case_no, "S-002");
	assert_string_equal(d[0].code, "K-1");
	assert_string_equal(d[0].first_value, "ja");
	assert_string_equal(d[0].first_comment, "Oplyst nok");
	assert_string_equal(d[0].first_reviewer, "Bo Ørum");
	assert_string_equal(d[0].second_value, "nej");
	assert_string_equal(d[0].second_comment, "Mangler lægeudtalelse");
	assert_string_equal(d[0].second_reviewer, "Dorte Dahl");
	assert_string_equal(d[1].case_no, "S-003");
	assert_string_equal(d[1].code, "K-2");
	assert_string_equal(d[2].code, "K-3");
	assert_string_equal(d[2].first_value, "nej");
	assert_non_null(strstr(d[2].second_value, "betingelsen er ikke opfyldt"));
	calibration_free(a, na, d, nd);

	/* A case with second answers cannot be taken out of the calibration. */
	assert_int_equal(calibration_remove(db, &f->round, f->case_id[2], &by, m, sizeof m), -1); /* has answers */
}

static void no_pairs_no_kappa(void **state)
{
	Fixture *f = *state;
	Agreement *a, all;
	Disagreement *d;
	int na, nd;
	assert_int_equal(calibration_agreement(f->t->db, &f->round, &a, &na, &all, &d, &nd), 0);
	assert_int_equal(all.n, 0);
	assert_int_equal(all.kappa_status, -1);
	assert_int_equal(nd, 0);
	calibration_free(a, na, d, nd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kappa_textbook_2x2),
		cmocka_unit_test(kappa_perfect_chance_and_opposite),
		cmocka_unit_test(kappa_3x3_by_hand),
		cmocka_unit_test(kappa_undefined),
		cmocka_unit_test(blind_rule),
		cmocka_unit_test_setup_teardown(choosing_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(second_reviewer_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(saving_second_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(agreement_from_saved_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(no_pairs_no_kappa, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
