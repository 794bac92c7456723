/*
** Tests of the external review (external.c) and the rule that keeps an outside reviewer to
** the rounds they are invited to (route_allows in http.c, review_reviewer_ok in review.c):
** invited versus not invited, an ekstern round versus another kind, this department versus
** another; and the expectation alignment's checks (CPR numbers refused naming the field,
** length in characters, invalid UTF-8) and its storage.
*/
#include "unit_helpers.h"
#include "http.h"

typedef struct Fixture {
	TestDb *t;
	Department a, b;               /* A (voksen) and B (barn) */
	User ext, ext2, raad, gone;    /* ekstern in A; ekstern in A; raadgiver in A; ekstern in A, deactivated */
	User ext_b;                    /* ekstern in B only */
	Round a_ext, a_over, b_ext;    /* A's ekstern and overordnet rounds, B's ekstern round */
} Fixture;

static const ReviewBy by = {.login = "test", .ip = "unit"};

static void add_user(Db *db, const char *login, const char *name, const Department *d, const char *role, User *out)
{
	/* Written directly: hashing a password would only make the test slow. */
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO users (login, name, password_hash) VALUES ('%s', '%s', 'x')", login, name);
	exec_ok(db, sql);
	assert_true(user_by_login(db, login, out));
	char msg[300] = "";
	assert_int_equal(user_set_role(db, out->id, d->id, role_parse(role), msg, sizeof msg), 0);
}

static void add_round(Db *db, const Department *d, const char *kind, const char *title, Round *out)
{
	char msg[300] = "";
	int64_t id;
	assert_int_equal(round_create(db, d, kind, title, NULL, NULL, 0, "2026-11-02", "2026-12-18", "test", &id, msg, sizeof msg), 0);
	assert_true(round_by_id(db, id, out));
}

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	int64_t id;
	assert_int_equal(department_add(db, "A", "Voksenhandicap", "voksen", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->a));
	assert_int_equal(department_add(db, "B", "Børn og unge", "barn", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->b));
	add_user(db, "ekstern", "Camilla Berg", &f->a, "ekstern", &f->ext);
	add_user(db, "ekstern2", "Ole Vang", &f->a, "ekstern", &f->ext2);
	add_user(db, "signe", "Signe Økjær", &f->a, "raadgiver", &f->raad);
	add_user(db, "gammel", "Gammel Konsulent", &f->a, "ekstern", &f->gone);
	assert_int_equal(user_update(db, f->gone.id, f->gone.name, 0, 0, msg, sizeof msg), 0);
	add_user(db, "ekstern.b", "Berit Bo", &f->b, "ekstern", &f->ext_b);
	add_round(db, &f->a, "ekstern", "Eksternt tilsyn A", &f->a_ext);
	add_round(db, &f->a, "overordnet", "Overordnet A", &f->a_over);
	add_round(db, &f->b, "ekstern", "Eksternt tilsyn B", &f->b_ext);
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

static int64_t count(Db *db, const char *sql)
{
	return testdb_int(db, sql);
}

/* ---- invitations and who counts as invited ---- */

static void invited_versus_not_invited(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512];
	assert_false(external_invited(db, f->a.id, f->a_ext.id, f->ext.id));
	assert_int_equal(external_invite(db, &f->a_ext, f->ext.id, &by, msg, sizeof msg), 0);
	assert_true(external_invited(db, f->a.id, f->a_ext.id, f->ext.id));
	/* Another ekstern of the department is not invited by that. */
	assert_false(external_invited(db, f->a.id, f->a_ext.id, f->ext2.id));
	/* Inviting again changes nothing. */
	assert_int_equal(external_invite(db, &f->a_ext, f->ext.id, &by, msg, sizeof msg), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM round_invite"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM audit WHERE action = 'round_invite' AND object = 'round:1'"), 1);
	/* Withdrawn: no longer invited; withdrawing again says so. */
	int64_t left = -1;
	assert_int_equal(external_uninvite(db, &f->a_ext, f->ext.id, &by, &left, msg, sizeof msg), 0);
	assert_int_equal(left, 0);
	assert_false(external_invited(db, f->a.id, f->a_ext.id, f->ext.id));
	assert_int_equal(external_uninvite(db, &f->a_ext, f->ext.id, &by, &left, msg, sizeof msg), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM audit WHERE action = 'round_uninvite'"), 1);
}

static void only_ekstern_rounds_take_invitations(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512];
	assert_int_equal(external_invite(db, &f->a_over, f->ext.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "eksternt tilsyn"));
	assert_non_null(strstr(msg, "Overordnet A"));
	int64_t left;
	assert_int_equal(external_uninvite(db, &f->a_over, f->ext.id, &by, &left, msg, sizeof msg), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM round_invite"), 0);
	/* Even a row written behind the program's back does not open another kind of round. */
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT INTO round_invite (round_id, user_id, invited_at) VALUES (%lld, %lld, 'x')",
	         (long long)f->a_over.id, (long long)f->ext.id);
	exec_ok(db, sql);
	assert_false(external_invited(db, f->a.id, f->a_over.id, f->ext.id));
}

static void other_department(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512];
	assert_int_equal(external_invite(db, &f->a_ext, f->ext.id, &by, msg, sizeof msg), 0);
	/* The invitation is to A's round: under department B's address it counts for nothing. */
	assert_false(external_invited(db, f->b.id, f->a_ext.id, f->ext.id));
	/* An ekstern of A is no ekstern of B, so cannot be invited to B's round. */
	assert_int_equal(external_invite(db, &f->b_ext, f->ext.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "Camilla Berg har ikke rollen ekstern"));
	/* Nor can a department's own caseworker, an unknown user or a deactivated one. */
	assert_int_equal(external_invite(db, &f->a_ext, f->raad.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "Signe Økjær har ikke rollen ekstern"));
	assert_int_equal(external_invite(db, &f->a_ext, 9999, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "findes ikke"));
	assert_int_equal(external_invite(db, &f->a_ext, f->gone.id, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "deaktiveret"));
	assert_int_equal(external_invite(db, &f->b_ext, f->ext_b.id, &by, msg, sizeof msg), 0);
	assert_true(external_invited(db, f->b.id, f->b_ext.id, f->ext_b.id));
	assert_false(external_invited(db, f->a.id, f->b_ext.id, f->ext_b.id));
	assert_int_equal(count(db, "SELECT count(*) FROM round_invite"), 2);
}

static void reviewers_of_a_round(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512], name[201];
	/* A department's caseworker reviews in any of its rounds; an ekstern only where invited. */
	assert_true(review_reviewer_ok(db, &f->a_ext, f->raad.id, name, sizeof name));
	assert_string_equal(name, "Signe Økjær");
	assert_true(review_reviewer_ok(db, &f->a_over, f->raad.id, NULL, 0));
	assert_false(review_reviewer_ok(db, &f->a_ext, f->ext.id, NULL, 0));
	assert_false(review_reviewer_ok(db, &f->a_over, f->ext.id, NULL, 0));
	assert_int_equal(external_invite(db, &f->a_ext, f->ext.id, &by, msg, sizeof msg), 0);
	assert_int_equal(external_invite(db, &f->a_ext, f->ext2.id, &by, msg, sizeof msg), 0);
	assert_true(review_reviewer_ok(db, &f->a_ext, f->ext.id, NULL, 0));
	assert_false(review_reviewer_ok(db, &f->a_over, f->ext.id, NULL, 0));
	assert_false(review_reviewer_ok(db, &f->b_ext, f->ext.id, NULL, 0));
	/* Who reviews an ekstern round when nobody chose: the invited, by name. */
	int64_t ids[4];
	assert_int_equal(external_reviewers(db, &f->a_ext, ids, 4), 2);
	assert_int_equal(ids[0], f->ext.id);
	assert_int_equal(ids[1], f->ext2.id);
	assert_int_equal(external_reviewers(db, &f->a_over, ids, 4), 0);
	/* A reviewer who loses the role ekstern stops counting. */
	char m[300] = "";
	assert_int_equal(user_set_role(db, f->ext2.id, f->a.id, ROLE_NONE, m, sizeof m), 0);
	assert_int_equal(external_reviewers(db, &f->a_ext, ids, 4), 1);
}

/* ---- the router's rule ---- */

static const Route *route(const char *method, const char *pattern)
{
	for (size_t i = 0; i < route_count; i++)
		if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, pattern) == 0)
			return &routes[i];
	fail_msg("no route %s %s", method, pattern);
	return NULL;
}

static void router_rule(void **state)
{
	(void)state;
	User u = {.id = 7, .login = "ekstern", .name = "Camilla Berg", .active = 1};
	/* Routes that name a round: only when invited (the router then gives ROLE_EKSTERN_INVITED). */
	static const char *const round_routes[][2] = {
		{"GET", "/d/:dept/rounds/:round"},           {"GET", "/d/:dept/rounds/:round/review"},
		{"POST", "/d/:dept/rounds/:round/assign"},   {"GET", "/d/:dept/rounds/:round/cases/:case"},
		{"GET", "/d/:dept/rounds/:round/results"},   {"GET", "/d/:dept/rounds/:round/report"},
		{"POST", "/d/:dept/rounds/:round/report"},   {"GET", "/d/:dept/rounds/:round/report/download"},
		{"GET", "/d/:dept/rounds/:round/sheet.xlsx"}, {"GET", "/d/:dept/rounds/:round/calibration"},
		{"GET", "/d/:dept/rounds/:round/expectation"}, {"POST", "/d/:dept/rounds/:round/expectation"},
	};
	for (size_t i = 0; i < COUNT(round_routes); i++) {
		const Route *rt = route(round_routes[i][0], round_routes[i][1]);
		if (route_allows(rt, &u, ROLE_EKSTERN))
			fail_msg("%s %s: allowed without an invitation", rt->method, rt->pattern);
		if (!route_allows(rt, &u, ROLE_EKSTERN_INVITED))
			fail_msg("%s %s: refused although invited", rt->method, rt->pattern);
	}
	/* The department's own pages: never, invited or not. */
	static const char *const department_routes[][2] = {
		{"GET", "/d/:dept/cases"}, {"GET", "/d/:dept/cases/import"}, {"POST", "/d/:dept/rounds"},
		{"GET", "/d/:dept/trends"}, {"GET", "/d/:dept/audit"},
	};
	for (size_t i = 0; i < COUNT(department_routes); i++) {
		const Route *rt = route(department_routes[i][0], department_routes[i][1]);
		assert_false(route_allows(rt, &u, ROLE_EKSTERN));
		assert_false(route_allows(rt, &u, ROLE_EKSTERN_INVITED));
	}
	/* The home page and the list of tilsyn, where the pages show only their own rounds. */
	assert_true(route_allows(route("GET", "/d/:dept"), &u, ROLE_EKSTERN));
	assert_true(route_allows(route("GET", "/d/:dept/rounds"), &u, ROLE_EKSTERN));
	/* Never the leder's powers, even in their round. */
	static const Route leder_only = {"POST", "/d/:dept/rounds/:round/x", page_home, PERM_DEPT_LEDER, CSRF_SESSION, 0, NULL};
	assert_false(route_allows(&leder_only, &u, ROLE_EKSTERN_INVITED));
	/* A pattern merely starting like :round is no round. */
	static const Route rounds_like = {"GET", "/d/:dept/x/:roundtrip", page_home, PERM_DEPT_MEMBER, CSRF_NONE, 0, NULL};
	assert_false(route_allows(&rounds_like, &u, ROLE_EKSTERN_INVITED));
	/* The invited role is the working group's in the round, named and shown as ekstern. */
	assert_true(auth_allows(PERM_DEPT_WORKGROUP, 0, ROLE_EKSTERN_INVITED));
	assert_true(auth_allows(PERM_DEPT_MEMBER, 0, ROLE_EKSTERN_INVITED));
	assert_false(auth_allows(PERM_DEPT_LEDER, 0, ROLE_EKSTERN_INVITED));
	assert_false(auth_allows(PERM_DEPT_WORKGROUP, 0, ROLE_EKSTERN));
	assert_string_equal(role_code(ROLE_EKSTERN_INVITED), "ekstern");
	assert_string_equal(role_title(ROLE_EKSTERN_INVITED), role_title(ROLE_EKSTERN));
	assert_int_equal(role_parse("ekstern"), ROLE_EKSTERN);
}

/* ---- the expectation alignment ---- */

static void expectation_refuses_cpr_naming_the_field(void **state)
{
	(void)state;
	const char *v[EXPECTATION_FIELDS] = {"Om afgørelserne er begrundede.", NULL, "", "", "", "", ""};
	char msg[512];
	assert_int_equal(expectation_check(v, msg, sizeof msg), 0);
	v[1] = "Borgeren 010190-1234 klagede.";
	assert_int_equal(expectation_check(v, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Hvad bekymrer jer?«"));
	assert_non_null(strstr(msg, "CPR-nummer"));
	v[1] = "";
	v[6] = "SEL § 85 og 0101901234";
	assert_int_equal(expectation_check(v, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Fokusområder eller sagstyper«"));
}

static void expectation_length_in_characters(void **state)
{
	(void)state;
	/* 4000 characters of two bytes each are allowed; one more is not. */
	char *text = malloc(2 * (EXPECTATION_MAX_CHARS + 1) + 1);
	assert_non_null(text);
	for (int i = 0; i <= EXPECTATION_MAX_CHARS; i++)
		memcpy(text + 2 * i, "æ", 2);
	text[2 * (EXPECTATION_MAX_CHARS + 1)] = 0;
	const char *v[EXPECTATION_FIELDS] = {"", "", "", "", "", "", ""};
	char msg[512];
	v[4] = text;
	assert_int_equal(expectation_check(v, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Hvordan er medarbejdergruppen sammensat?«"));
	assert_non_null(strstr(msg, "4001 tegn"));
	text[2 * EXPECTATION_MAX_CHARS] = 0;
	assert_int_equal(expectation_check(v, msg, sizeof msg), 0);
	free(text);
	v[4] = "ugyldig \xff tekst";
	assert_int_equal(expectation_check(v, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ugyldige tegn"));
}

static void expectation_saved_and_loaded(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	char msg[512];
	Expectation e;
	assert_false(expectation_load(db, f->a_ext.id, &e));
	assert_string_equal(e.values[0], "");
	assert_int_equal(e.filled, 0);
	expectation_free(&e);

	const char *v[EXPECTATION_FIELDS] = {"  Om borgerne inddrages.\n", "Frister.", NULL, "", "", "", "SEL § 85"};
	ReviewBy who = {.user_id = f->ext.id, .login = "ekstern", .ip = "unit"};
	assert_int_equal(expectation_save(db, &f->a_ext, v, &who, msg, sizeof msg), 0);
	assert_true(expectation_load(db, f->a_ext.id, &e));
	assert_string_equal(e.values[0], "Om borgerne inddrages.");
	assert_string_equal(e.values[2], "");
	assert_string_equal(e.values[6], "SEL § 85");
	assert_int_equal(e.filled, 3);
	assert_string_equal(e.updated_by, "Camilla Berg");
	expectation_free(&e);
	assert_int_equal(count(db, "SELECT count(*) FROM audit WHERE action = 'expectation_save' AND object = 'round:1'"
	                           " AND detail LIKE '%3 af 7%'"),
	                 1);

	/* Saving again replaces every field. */
	const char *w[EXPECTATION_FIELDS] = {"", "", "", "", "", "", "Botilbud"};
	assert_int_equal(expectation_save(db, &f->a_ext, w, &by, msg, sizeof msg), 0);
	assert_true(expectation_load(db, f->a_ext.id, &e));
	assert_string_equal(e.values[0], "");
	assert_string_equal(e.values[6], "Botilbud");
	assert_int_equal(e.filled, 1);
	assert_string_equal(e.updated_by, "");
	expectation_free(&e);

	/* Another kind of round has no expectation alignment; a refused text stores nothing. */
	assert_int_equal(expectation_save(db, &f->a_over, w, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "eksternt tilsyn"));
	const char *cpr[EXPECTATION_FIELDS] = {"", "", "", "", "", "010190-1234", ""};
	assert_int_equal(expectation_save(db, &f->a_ext, cpr, &by, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "»Hvordan er arbejdet organiseret?«"));
	assert_int_equal(count(db, "SELECT count(*) FROM round_expectation"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM round_expectation WHERE organisation = ''"), 1);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(invited_versus_not_invited),
		DB_TEST(only_ekstern_rounds_take_invitations),
		DB_TEST(other_department),
		DB_TEST(reviewers_of_a_round),
		cmocka_unit_test(router_rule),
		cmocka_unit_test(expectation_refuses_cpr_naming_the_field),
		cmocka_unit_test(expectation_length_in_characters),
		DB_TEST(expectation_saved_and_loaded),
	};
	return cmocka_run_group_tests_name("external", tests, NULL, NULL);
}
