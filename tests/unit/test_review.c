/*
** Tests of review.c. The assignment algorithm on its own: names compared trimmed and
** case-insensitively (also Æ Ø Å), nobody ever gets a case where they are the caseworker,
** the loads are as even as the cases allow (checked against a brute-force optimum on many
** small random instances), cases already assigned count, and the result is deterministic.
** Then on a real, migrated SQLite file: assignment by hand refused for one's own case and
** for people outside the department, automatic assignment (audited, leaving assigned cases
** alone), "færdig" refused until every relevant question is answered (a question whose
** condition is not met is not required; one whose condition is unanswered is), and the acute and example-consent flags.
*/
#include "unit_helpers.h"

/* ---- the algorithm ---- */

static void same_person(void **state)
{
	(void)state;
	assert_true(ident_same_person("Anne Bækgaard", "Anne Bækgaard"));
	assert_true(ident_same_person("  anne BÆKGAARD ", "Anne Bækgaard"));
	assert_true(ident_same_person("ANNE  BÆKGAARD", "anne bækgaard"));
	assert_true(ident_same_person("Henrik Østerby", "HENRIK ØSTERBY"));
	assert_true(ident_same_person("Åse Ørum", "åse ørum"));
	assert_false(ident_same_person("Anne Bækgaard", "Anne Bækgård"));
	assert_false(ident_same_person("Anne Bækgaard", "Anne"));
	assert_false(ident_same_person("", ""));
	assert_false(ident_same_person("   ", " "));
	assert_false(ident_same_person(NULL, "Anne"));
}

static int64_t max_load(const AssignReviewer *rv, int n)
{
	int64_t m = 0;
	for (int k = 0; k < n; k++)
		m = rv[k].load > m ? rv[k].load : m;
	return m;
}

static int64_t min_load(const AssignReviewer *rv, int n)
{
	int64_t m = INT64_MAX;
	for (int k = 0; k < n; k++)
		m = rv[k].load < m ? rv[k].load : m;
	return m;
}

/* Checks that every assigned case is counted in its reviewer's load, none is a reviewer's
** own, and the loads add up. */
static void check_consistent(const AssignCase *c, int nc, const AssignReviewer *rv, const int64_t *before, int nr)
{
	int64_t counted[16] = {0};
	for (int i = 0; i < nc; i++) {
		if (c[i].reviewer < 0)
			continue;
		assert_true(c[i].reviewer < nr);
		assert_false(ident_same_person(c[i].advisor, rv[c[i].reviewer].name));
		counted[c[i].reviewer]++;
	}
	for (int k = 0; k < nr; k++)
		assert_int_equal(rv[k].load, before[k] + counted[k]);
}

static void balance_even_and_never_own(void **state)
{
	(void)state;
	AssignReviewer rv[] = {{1, "Anne Bækgaard", 0}, {2, "Morten Løvstad", 0}, {3, "Louise Krag", 0},
	                       {4, "Henrik Østerby", 0}, {5, "Mette Juhl", 0}};
	static const char *const advisors[] = {"anne bækgaard", "Morten Løvstad ", "LOUISE KRAG", "Henrik Østerby",
	                                       "Ukendt Rådgiver"};
	AssignCase c[30];
	for (int i = 0; i < 30; i++)
		c[i] = (AssignCase){.case_id = i + 1, .advisor = advisors[(i * 7) % 5], .reviewer = -1};
	int64_t before[5] = {0};
	assert_int_equal(review_balance(c, 30, rv, 5), 0);
	check_consistent(c, 30, rv, before, 5);
	for (int k = 0; k < 5; k++)
		assert_int_equal(rv[k].load, 6);
}

/* Three reviewers with one case each of their own: a greedy pass alone ends 2-1-0; handing
** a case along makes it 1-1-1. */
static void balance_needs_handing_along(void **state)
{
	(void)state;
	AssignReviewer rv[] = {{1, "X", 0}, {2, "Y", 0}, {3, "Z", 0}};
	AssignCase c[] = {{1, "X", -1, NULL}, {2, "Y", -1, NULL}, {3, "Z", -1, NULL}};
	int64_t before[3] = {0};
	assert_int_equal(review_balance(c, 3, rv, 3), 0);
	check_consistent(c, 3, rv, before, 3);
	assert_int_equal(max_load(rv, 3), 1);
	assert_int_equal(min_load(rv, 3), 1);
}

static void balance_own_case_left(void **state)
{
	(void)state;
	AssignReviewer rv[] = {{1, "Anne Bækgaard", 0}};
	AssignCase c[] = {{1, "Anne Bækgaard", -1, NULL}, {2, "Morten Løvstad", -1, NULL}};
	assert_int_equal(review_balance(c, 2, rv, 1), 1);
	assert_int_equal(c[0].reviewer, -1);
	assert_int_equal(c[1].reviewer, 0);
	assert_int_equal(rv[0].load, 1);
	/* Nobody to give cases to. */
	AssignCase d[] = {{1, "A", -1, NULL}};
	assert_int_equal(review_balance(d, 1, rv, 0), 1);
}

static void balance_counts_existing_loads(void **state)
{
	(void)state;
	AssignReviewer rv[] = {{1, "A", 4}, {2, "B", 0}, {3, "C", 1}};
	AssignCase c[] = {{1, "Q", -1, NULL}, {2, "Q", -1, NULL}, {3, "Q", -1, NULL}, {4, "Q", -1, NULL}, {5, "Q", -1, NULL}};
	int64_t before[3] = {4, 0, 1};
	assert_int_equal(review_balance(c, 5, rv, 3), 0);
	check_consistent(c, 5, rv, before, 3);
	assert_int_equal(rv[0].load, 4);
	assert_int_equal(rv[1].load, 3);
	assert_int_equal(rv[2].load, 3);
}

static void balance_deterministic(void **state)
{
	(void)state;
	static const char *const names[] = {"A", "B", "C", "D"};
	AssignCase c1[40], c2[40];
	AssignReviewer r1[4], r2[4];
	for (int k = 0; k < 4; k++)
		r1[k] = r2[k] = (AssignReviewer){k + 1, names[k], k};
	for (int i = 0; i < 40; i++)
		c1[i] = c2[i] = (AssignCase){i + 1, names[(i * 3 + i / 5) % 4], -1, NULL};
	review_balance(c1, 40, r1, 4);
	review_balance(c2, 40, r2, 4);
	for (int i = 0; i < 40; i++)
		assert_int_equal(c1[i].reviewer, c2[i].reviewer);
}

/* The smallest possible largest load, by trying every assignment. */
static int64_t brute_force_max(const AssignCase *c, int nc, const AssignReviewer *rv, int nr)
{
	int own[8][4], own_only[8];
	for (int i = 0; i < nc; i++) {
		own_only[i] = 1;
		for (int k = 0; k < nr; k++) {
			own[i][k] = ident_same_person(c[i].advisor, rv[k].name);
			own_only[i] &= own[i][k];
		}
	}
	int64_t best = INT64_MAX;
	int choice[8] = {0};
	for (;;) {
		int64_t load[4];
		int ok = 1;
		for (int k = 0; k < nr; k++)
			load[k] = rv[k].load;
		for (int i = 0; i < nc && ok; i++) {
			if (own_only[i])
				continue; /* cannot be given to anyone */
			if (own[i][choice[i]])
				ok = 0;
			else
				load[choice[i]]++;
		}
		if (ok) {
			int64_t m = 0;
			for (int k = 0; k < nr; k++)
				m = load[k] > m ? load[k] : m;
			best = m < best ? m : best;
		}
		int i = 0;
		while (i < nc && ++choice[i] == nr)
			choice[i++] = 0;
		if (i == nc)
			break;
	}
	return best;
}

static void balance_optimal_on_random_instances(void **state)
{
	(void)state;
	static const char *const names[] = {"Anne", "Bo", "Carl", "Dorte"};
	uint32_t seed = 12345;
	for (int round = 0; round < 400; round++) {
		seed = seed * 1664525u + 1013904223u;
		int nr = 1 + (int)((seed >> 8) % 4), nc = 1 + (int)((seed >> 12) % 7);
		AssignReviewer rv[4];
		AssignCase c[7];
		int64_t before[4];
		for (int k = 0; k < nr; k++) {
			seed = seed * 1664525u + 1013904223u;
			rv[k] = (AssignReviewer){k + 1, names[k], (seed >> 10) % 3};
			before[k] = rv[k].load;
		}
		for (int i = 0; i < nc; i++) {
			seed = seed * 1664525u + 1013904223u;
			/* Mostly the reviewers' own cases, to make it hard. */
			c[i] = (AssignCase){i + 1, (seed >> 9) % 5 == 0 ? "Ekstern" : names[(seed >> 13) % 4], -1, NULL};
		}
		int64_t optimum = brute_force_max(c, nc, rv, nr);
		int left = review_balance(c, nc, rv, nr);
		check_consistent(c, nc, rv, before, nr);
		int expected_left = 0;
		for (int i = 0; i < nc; i++) {
			int own_only = 1;
			for (int k = 0; k < nr; k++)
				own_only &= ident_same_person(c[i].advisor, rv[k].name);
			expected_left += own_only;
		}
		assert_int_equal(left, expected_left);
		if (max_load(rv, nr) != optimum)
			fail_msg("instance %d: largest load %lld, best possible %lld", round, (long long)max_load(rv, nr),
			         (long long)optimum);
	}
}

/* ---- on a database ---- */

static const char catalogue_json[] =
	"{\"code\": \"test-review\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit\", \"questions\": ["
	"  {\"code\": \"R-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"retssikkerhed\"},"
	"  {\"code\": \"R-2\", \"text\": \"Er der en plan?\", \"category\": \"socialfaglig\", \"scale\": \"jn\"},"
	"  {\"code\": \"R-3\", \"text\": \"Følger planen op?\", \"category\": \"socialfaglig\","
	"   \"condition\": {\"question\": \"R-2\", \"answers\": [\"ja\"]}},"
	"  {\"code\": \"R-4\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"}]}]}";

typedef struct Fixture {
	TestDb *t;
	Round round;
	Department dept;
	User anne, bo, carl, outsider;
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
	add_user(f, "ude", "Ude Fra", NULL, &f->outsider);
	char err[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(db, catalogue_json, "udgivet", "lokal", &cat, err, sizeof err), 0);
	int64_t round_id;
	assert_int_equal(round_create(db, &f->dept, "overordnet", "Testtilsyn", "test-review", NULL, 0, NULL, NULL, "test",
	                              &round_id, msg, sizeof msg), 0);
	assert_true(round_by_id(db, round_id, &f->round));
	/* Cases 1-2 are Anne's (written differently), 3-4 Bo's, 5 someone else's; 6 is replaced. */
	static const char *const advisors[] = {"", " anne bækgaard", "ANNE BÆKGAARD", "Bo Ørum", "bo ørum", "Dorte Dahl",
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

static int64_t reviewer_of(Fixture *f, int i)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT coalesce(reviewer_id, 0) FROM round_case WHERE case_id = %lld",
	         (long long)f->case_id[i]);
	return testdb_int(f->t->db, sql);
}

static int64_t audits(Fixture *f, const char *action, int i)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = '%s' AND object = 'case:%lld'", action,
	         (long long)f->case_id[i]);
	return testdb_int(f->t->db, sql);
}

static const ReviewBy by = {.user_id = 0, .login = "test", .ip = "test"};

static void assign_by_hand(void **state)
{
	Fixture *f = *state;
	char msg[512];
	/* Anne's own case, whatever the spelling in the case list: refused, saying why. */
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[2], f->anne.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "Anne Bækgaard selv er rådgiver på sagen"));
	assert_non_null(strstr(msg, "S-002"));
	assert_int_equal(reviewer_of(f, 2), 0);
	assert_int_equal(audits(f, "review_assign", 2), 0);
	/* Someone else: stored and audited. */
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[2], f->bo.id, &by, msg, sizeof msg), 0);
	assert_int_equal(reviewer_of(f, 2), f->bo.id);
	assert_int_equal(audits(f, "review_assign", 2), 1);
	/* Not a member of the department; a replaced case; nobody. */
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[5], f->outsider.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ikke aktiv medarbejder"));
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[6], f->bo.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "stikprøve"));
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[2], 0, &by, msg, sizeof msg), 0);
	assert_int_equal(reviewer_of(f, 2), 0);
	assert_int_equal(audits(f, "review_assign", 2), 2);
}

static void assign_automatically(void **state)
{
	Fixture *f = *state;
	char msg[512];
	/* Case 5 is Carl's by hand already; it stays his. */
	assert_int_equal(review_assign(f->t->db, &f->round, f->case_id[5], f->carl.id, &by, msg, sizeof msg), 0);
	int64_t ids[] = {f->anne.id, f->bo.id};
	int64_t assigned, left;
	assert_int_equal(review_assign_auto(f->t->db, &f->round, ids, 2, &by, &assigned, &left, msg, sizeof msg), 0);
	assert_int_equal(assigned, 4);
	assert_int_equal(left, 0);
	/* Anne's cases to Bo and Bo's to Anne; case 5 untouched; the replaced case not assigned. */
	assert_int_equal(reviewer_of(f, 1), f->bo.id);
	assert_int_equal(reviewer_of(f, 2), f->bo.id);
	assert_int_equal(reviewer_of(f, 3), f->anne.id);
	assert_int_equal(reviewer_of(f, 4), f->anne.id);
	assert_int_equal(reviewer_of(f, 5), f->carl.id);
	assert_int_equal(reviewer_of(f, 6), 0);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(audits(f, "review_assign", i), 1);
	/* Again: nothing left to assign. */
	assert_int_equal(review_assign_auto(f->t->db, &f->round, ids, 2, &by, &assigned, &left, msg, sizeof msg), 0);
	assert_int_equal(assigned, 0);
	/* Refused choices. */
	int64_t bad[] = {f->anne.id, f->outsider.id};
	assert_int_equal(review_assign_auto(f->t->db, &f->round, bad, 2, &by, &assigned, &left, msg, sizeof msg), -1);
	int64_t twice[] = {f->anne.id, f->anne.id};
	assert_int_equal(review_assign_auto(f->t->db, &f->round, twice, 2, &by, &assigned, &left, msg, sizeof msg), -1);
	assert_int_equal(review_assign_auto(f->t->db, &f->round, ids, 0, &by, &assigned, &left, msg, sizeof msg), -1);
}

static void default_reviewers_are_koordinator_and_raadgivere(void **state)
{
	Fixture *f = *state;
	int64_t ids[8];
	assert_int_equal(review_default_reviewers(f->t->db, f->dept.id, ids, 8), 3);
	/* By name: Anne, Bo, Carl. */
	assert_int_equal(ids[0], f->anne.id);
	assert_int_equal(ids[1], f->bo.id);
	assert_int_equal(ids[2], f->carl.id);
}

static int64_t qid(Fixture *f, const char *code)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM question WHERE code = '%s'", code);
	return testdb_int(f->t->db, sql);
}

static int answer(Fixture *f, int i, const char *code, const char *value)
{
	AnswerInput in = {.value = value, .comment = "", .seen_revision = -1};
	AnswerState cur;
	char msg[300] = "";
	return answer_save(f->t->db, f->round.id, f->case_id[i], qid(f, code), &in, &f->anne, &cur, msg, sizeof msg);
}

static void finish_needs_every_relevant_answer(void **state)
{
	Fixture *f = *state;
	char msg[512];
	int missing, answered, relevant;
	assert_int_equal(review_counts(f->t->db, f->round.id, f->case_id[3], &answered, &relevant), 0);
	/* while R-2 (its condition) is unanswered: not yet known, so still to
	** answer (relevance.c); R-4 is free text. */
	assert_int_equal(relevant, 3);
	assert_int_equal(answered, 0);
	assert_int_equal(review_finish(f->t->db, &f->round, f->case_id[3], &by, &missing, msg, sizeof msg), -1);
	assert_int_equal(missing, 3);
	assert_non_null(strstr(msg, "3 relevante spørgsmål mangler"));
	assert_int_equal(answer(f, 3, "R-1", "nej"), ANSWER_SAVED);
	assert_int_equal(answer(f, 3, "R-2", "ja"), ANSWER_SAVED);
	/* Now R-3 is asked too. */
	assert_int_equal(review_counts(f->t->db, f->round.id, f->case_id[3], &answered, &relevant), 0);
	assert_int_equal(relevant, 3);
	assert_int_equal(answered, 2);
	assert_int_equal(review_finish(f->t->db, &f->round, f->case_id[3], &by, &missing, msg, sizeof msg), -1);
	assert_int_equal(missing, 1);
	assert_non_null(strstr(msg, "1 relevant spørgsmål mangler"));
	/* With R-2 nej, R-3 is not asked: færdig is accepted without it. */
	assert_int_equal(answer(f, 3, "R-2", "nej"), ANSWER_SAVED);
	assert_int_equal(review_finish(f->t->db, &f->round, f->case_id[3], &by, &missing, msg, sizeof msg), 0);
	assert_int_equal(missing, 0);
	char status[32];
	testdb_text(f->t->db, "SELECT review_status FROM round_case WHERE case_id = (SELECT id FROM cases WHERE case_no = 'S-003')",
	            status, sizeof status);
	assert_string_equal(status, "faerdig");
	assert_int_equal(audits(f, "review_finish", 3), 1);
	/* Changing an answer reopens it. */
	assert_int_equal(answer(f, 3, "R-1", "ja"), ANSWER_SAVED);
	testdb_text(f->t->db, "SELECT review_status FROM round_case WHERE case_id = (SELECT id FROM cases WHERE case_no = 'S-003')",
	            status, sizeof status);
	assert_string_equal(status, "i_gang");
	/* A replaced case cannot be finished. */
	assert_int_equal(review_finish(f->t->db, &f->round, f->case_id[6], &by, &missing, msg, sizeof msg), -1);
}

static void acute_and_consent_flags(void **state)
{
	Fixture *f = *state;
	char msg[512], text[256];
	ReviewBy anne = {.user_id = f->anne.id, .login = "anne", .ip = "127.0.0.1"};
	assert_int_equal(review_set_acute(f->t->db, &f->round, f->case_id[1], 1, "  ", &anne, msg, sizeof msg), -1);
	assert_int_equal(review_set_acute(f->t->db, &f->round, f->case_id[1], 1, "Barnet 010203-1234 er i fare", &anne, msg,
	                                  sizeof msg),
	                 -1);
	assert_non_null(strstr(msg, "CPR"));
	assert_int_equal(testdb_int(f->t->db, "SELECT count(*) FROM round_case WHERE acute = 1"), 0);
	assert_int_equal(review_set_acute(f->t->db, &f->round, f->case_id[1], 1, " Afgørelsen skal rettes nu ", &anne, msg,
	                                  sizeof msg),
	                 0);
	testdb_text(f->t->db, "SELECT acute_note || '|' || acute_by || '|' || (acute_at IS NOT NULL) FROM round_case WHERE acute = 1",
	            text, sizeof text);
	char expected[128];
	snprintf(expected, sizeof expected, "Afgørelsen skal rettes nu|%lld|1", (long long)f->anne.id);
	assert_string_equal(text, expected);
	assert_int_equal(audits(f, "review_acute", 1), 1);
	/* The note is not copied into the audit log. */
	assert_int_equal(testdb_int(f->t->db, "SELECT count(*) FROM audit WHERE detail LIKE '%rettes nu%'"), 0);
	assert_int_equal(review_set_acute(f->t->db, &f->round, f->case_id[1], 0, NULL, &anne, msg, sizeof msg), 0);
	assert_int_equal(testdb_int(f->t->db, "SELECT count(*) FROM round_case WHERE acute = 1"), 0);
	assert_int_equal(audits(f, "review_acute_cleared", 1), 1);

	assert_int_equal(review_set_consent(f->t->db, &f->round, f->case_id[2], 1, &anne, msg, sizeof msg), 0);
	testdb_text(f->t->db,
	            "SELECT example_consent || '|' || consent_by || '|' || (consent_at IS NOT NULL) FROM round_case"
	            " WHERE example_consent = 1",
	            text, sizeof text);
	snprintf(expected, sizeof expected, "1|%lld|1", (long long)f->anne.id);
	assert_string_equal(text, expected);
	assert_int_equal(audits(f, "review_consent", 2), 1);
	assert_int_equal(review_set_consent(f->t->db, &f->round, f->case_id[6], 1, &anne, msg, sizeof msg), -1);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_person),
		cmocka_unit_test(balance_even_and_never_own),
		cmocka_unit_test(balance_needs_handing_along),
		cmocka_unit_test(balance_own_case_left),
		cmocka_unit_test(balance_counts_existing_loads),
		cmocka_unit_test(balance_deterministic),
		cmocka_unit_test(balance_optimal_on_random_instances),
		DB_TEST(assign_by_hand),
		DB_TEST(assign_automatically),
		DB_TEST(default_reviewers_are_koordinator_and_raadgivere),
		DB_TEST(finish_needs_every_relevant_answer),
		DB_TEST(acute_and_consent_flags),
	};
	return cmocka_run_group_tests_name("review", tests, NULL, NULL);
}
