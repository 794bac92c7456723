/*
** Tests of the annual plan (plan.c): which rounds belong to a year, and each warning code
** built from its situation in a real, migrated SQLite file (rounds, samples, themes,
** planning answers, meetings and the working group written with plain SQL), with its
** boundaries: two tilsyn, 30 and 20 cases, two themes, 8 months to the day, an information
** meeting held the day the review began, a planned start 30 days away. Today is always
** given explicitly. Also the date arithmetic and the JSON shape of `tilsyn plan`.
*/
#include "unit_helpers.h"

#include <jansson.h>

typedef struct Fx {
	TestDb *t;
	Department d;
	int ncases;
} Fx;

static int setup(void **state)
{
	Fx *f = calloc(1, sizeof *f);
	f->t = testdb_new();
	char msg[300] = "";
	if (department_add(f->t->db, "BHS", "Børn og unge med handicap", "barn", &f->d.id, msg, sizeof msg) != 0)
		fail_msg("department_add: %s", msg);
	assert_true(department_by_code(f->t->db, "BHS", &f->d));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fx *f = *state;
	testdb_free(f->t);
	free(f);
	return 0;
}

/* A round with the given kind and dates ("" for none); created the day before its start. */
static int64_t round_at(Fx *f, const char *kind, const char *title, const char *start, const char *end)
{
	return qinsert(f->t->db,
	               "INSERT INTO round (department_id, kind, title, planned_start, planned_end, created_at)"
	               " VALUES (%lld, '%s', '%s', nullif('%s', ''), nullif('%s', ''), '2020-01-01T08:00:00Z')"
	               " RETURNING id",
	               (long long)f->d.id, kind, title, start, end);
}

/* Draws n cases into the round's sample (by hand: the plan only counts them). */
static void sampled(Fx *f, int64_t round_id, int n, const char *at)
{
	qexec(f->t->db, "UPDATE round SET sampled_at = '%sT09:00:00Z' WHERE id = %lld", at, (long long)round_id);
	for (int i = 0; i < n; i++) {
		f->ncases++;
		int64_t case_id = qinsert(f->t->db,
		                          "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
		                          " VALUES (%lld, 'S-%d', 'Anne', '2020-01-01', '2020-01-01') RETURNING id",
		                          (long long)f->d.id, f->ncases);
		qexec(f->t->db,
		      "INSERT INTO round_case (round_id, case_id, sample_key, added_at) VALUES (%lld, %lld, 'k%d', '%s')",
		      (long long)round_id, (long long)case_id, f->ncases, at);
	}
}

static void themes(Fx *f, int64_t round_id, const char *const *codes, int n)
{
	for (int i = 0; i < n; i++)
		qexec(f->t->db, "INSERT INTO round_theme (round_id, theme) VALUES (%lld, '%s')", (long long)round_id, codes[i]);
}

static void meeting(Fx *f, int64_t round_id, const char *kind, const char *date, const char *status)
{
	qexec(f->t->db,
	      "INSERT INTO meeting (department_id, round_id, kind, date, status, created_at, updated_at)"
	      " VALUES (%lld, %lld, '%s', '%s', '%s', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')",
	      (long long)f->d.id, (long long)round_id, kind, date, status);
}

/* A member of the working group: a user with a role in the department and a function. */
static void member(Fx *f, const char *login, const char *role, const char *function)
{
	int64_t id =
	    qinsert(f->t->db, "INSERT INTO users (login, name, password_hash) VALUES ('%s', '%s', 'x') RETURNING id", login,
	            login);
	qexec(f->t->db, "INSERT INTO membership (user_id, department_id, role) VALUES (%lld, %lld, '%s')", (long long)id,
	      (long long)f->d.id, role);
	qexec(f->t->db,
	      "INSERT INTO workgroup_member (department_id, user_id, function, added_at) VALUES (%lld, %lld, '%s', '2020')",
	      (long long)f->d.id, (long long)id, function);
}

/* A working group that follows the recommendation, so it does not warn in other tests. */
static void good_group(Fx *f)
{
	member(f, "leder", "leder", "leder");
	member(f, "koordinator", "koordinator", "koordinator");
	member(f, "anne", "raadgiver", "raadgiver");
}

static void build(Fx *f, int year, const char *today, Plan *p)
{
	assert_int_equal(plan_build(f->t->db, &f->d, year, today, p), 0);
	assert_int_equal(p->year, year);
}

/* How many warnings with this code (about this round; -1: any round). */
static int count(const Plan *p, const char *code, int64_t round)
{
	int n = 0;
	for (int i = 0; i < p->nwarnings; i++)
		n += str_eq(p->warnings[i].code, code) && (round < 0 || p->warnings[i].round == round);
	return n;
}

static const char *message(const Plan *p, const char *code, int64_t round)
{
	for (int i = 0; i < p->nwarnings; i++)
		if (str_eq(p->warnings[i].code, code) && p->warnings[i].round == round)
			return p->warnings[i].message;
	fail_msg("no warning %s about round %lld", code, (long long)round);
	return NULL;
}

static void test_dates(void **state)
{
	(void)state;
	char out[11];
	assert_true(date_add_days("2026-12-31", 1, out));
	assert_string_equal(out, "2027-01-01");
	assert_true(date_add_days("2024-02-28", 1, out));
	assert_string_equal(out, "2024-02-29");
	assert_true(date_add_days("2026-03-01", -1, out));
	assert_string_equal(out, "2026-02-28");
	assert_true(date_add_months("2025-09-01", 8, out));
	assert_string_equal(out, "2026-05-01");
	assert_true(date_add_months("2025-06-30", 8, out));
	assert_string_equal(out, "2026-02-28"); /* no 30 February: the month's last day */
	assert_true(date_add_months("2023-06-29", 8, out));
	assert_string_equal(out, "2024-02-29");
	assert_false(date_add_months("2026-02-30", 1, out));
	assert_false(date_add_days("26-01-01", 1, out));
	assert_int_equal(date_diff_days("2026-01-01", "2027-01-01"), 365);
	assert_int_equal(date_diff_days("2024-01-01", "2025-01-01"), 366);
	int year;
	assert_true(plan_year_parse("2026", &year));
	assert_int_equal(year, 2026);
	assert_false(plan_year_parse("1999", &year));
	assert_false(plan_year_parse("2101", &year));
	assert_false(plan_year_parse("20x6", &year));
	assert_false(plan_year_parse("02026", &year));
	assert_false(plan_year_parse("", &year));
}

/* A round belongs to every year its period touches; without planned dates the period starts
** when the sample was drawn, else when the round was created. */
static void test_rounds_of_the_year(void **state)
{
	Fx *f = *state;
	good_group(f);
	int64_t spring = round_at(f, "overordnet", "Forår", "2026-03-02", "2026-04-24");
	int64_t winter = round_at(f, "uddybende", "Vinter", "2025-12-01", "2026-01-31");
	int64_t old = round_at(f, "overordnet", "Gammel", "2025-03-01", "2025-04-01");
	int64_t unplanned = round_at(f, "uddybende", "Uden datoer", "", "");
	sampled(f, unplanned, 20, "2026-06-15");
	int64_t created = round_at(f, "ekstern", "Kun oprettet", "", "");
	qexec(f->t->db, "UPDATE round SET created_at = '2026-08-01T10:00:00Z' WHERE id = %lld", (long long)created);
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(p.nrounds, 4);
	int64_t want[] = {winter, spring, unplanned, created}; /* by start */
	for (int i = 0; i < 4; i++)
		assert_int_equal(p.rounds[i].id, want[i]);
	assert_string_equal(p.rounds[0].start, "2025-12-01");
	assert_string_equal(p.rounds[2].start, "2026-06-15");
	assert_string_equal(p.rounds[2].end, "2026-06-15");
	assert_string_equal(p.rounds[2].date_source, "sampled");
	assert_string_equal(p.rounds[2].planned_start, "");
	assert_string_equal(p.rounds[3].date_source, "created");
	assert_string_equal(p.rounds[3].start, "2026-08-01");
	assert_int_equal(p.rounds[2].sampled, 20);
	assert_int_equal(p.rounds[1].planned_cases, -1);
	plan_free(&p);
	build(f, 2025, "2026-01-01", &p);
	assert_int_equal(p.nrounds, 2);
	assert_int_equal(p.rounds[0].id, old);
	assert_int_equal(p.rounds[1].id, winter);
	plan_free(&p);
}

static void test_too_few_rounds(void **state)
{
	Fx *f = *state;
	good_group(f);
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "too_few_rounds", 0), 1);
	assert_non_null(strstr(message(&p, "too_few_rounds", 0), "Der er intet ledelsestilsyn i 2026"));
	plan_free(&p);
	/* An external review does not count; a round that began the year before does not either. */
	round_at(f, "overordnet", "Forår", "2026-03-02", "2026-04-24");
	round_at(f, "ekstern", "Konsulenterne", "2026-05-01", "2026-06-01");
	round_at(f, "uddybende", "Vinter", "2025-12-01", "2026-01-31");
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "too_few_rounds", 0), 1);
	assert_non_null(strstr(message(&p, "too_few_rounds", 0), "kun ét ledelsestilsyn"));
	assert_non_null(strstr(message(&p, "too_few_rounds", 0), "eksterne tilsyn gør ikke"));
	plan_free(&p);
	round_at(f, "uddybende", "Efterår", "2026-09-07", "2026-10-30");
	build(f, 2026, "2025-06-01", &p); /* long before any start: the plan follows the recommendations */
	assert_int_equal(count(&p, "too_few_rounds", -1), 0);
	assert_int_equal(p.nwarnings, 0);
	plan_free(&p);
}

static void test_too_few_cases(void **state)
{
	Fx *f = *state;
	good_group(f);
	int64_t o29 = round_at(f, "overordnet", "O29", "2026-01-05", "2026-01-30");
	sampled(f, o29, 29, "2026-01-05");
	int64_t u20 = round_at(f, "uddybende", "U20", "2026-09-07", "2026-10-30");
	sampled(f, u20, 20, "2026-09-07");
	int64_t u19 = round_at(f, "uddybende", "U19", "2026-11-02", "2026-11-30");
	sampled(f, u19, 19, "2026-11-02");
	/* A replaced case is not in the sample. */
	qexec(f->t->db, "UPDATE round_case SET status = 'erstattet' WHERE round_id = %lld AND sample_key = 'k%d'",
	      (long long)u20, 30);
	int64_t planned = round_at(f, "overordnet", "Planlagt", "2026-12-01", "2026-12-20");
	qexec(f->t->db, "INSERT INTO round_plan (round_id, planned_cases, updated_at) VALUES (%lld, 12, '2026')",
	      (long long)planned);
	int64_t unknown = round_at(f, "overordnet", "Uden antal", "2026-12-02", "2026-12-21");
	int64_t external = round_at(f, "ekstern", "Konsulenterne", "2026-05-01", "2026-06-01");
	sampled(f, external, 5, "2026-05-01");
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "too_few_cases", -1), 4);
	assert_int_equal(count(&p, "too_few_cases", o29), 1);
	assert_non_null(strstr(message(&p, "too_few_cases", o29), "«O29»: 29 udtrukne sager"));
	assert_non_null(strstr(message(&p, "too_few_cases", o29), "mindst 30 sager"));
	assert_int_equal(count(&p, "too_few_cases", u20), 1); /* 20 drawn, one replaced: 19 */
	assert_int_equal(count(&p, "too_few_cases", u19), 1);
	assert_non_null(strstr(message(&p, "too_few_cases", u19), "mindst 20 sager"));
	assert_non_null(strstr(message(&p, "too_few_cases", planned), "der er planlagt 12 sager"));
	assert_int_equal(count(&p, "too_few_cases", unknown), 0);
	assert_int_equal(count(&p, "too_few_cases", external), 0);
	plan_free(&p);
	/* Put the replaced case back: 20 is enough for an uddybende. */
	qexec(f->t->db, "UPDATE round_case SET status = 'udtrukket' WHERE round_id = %lld", (long long)u20);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "too_few_cases", u20), 0);
	plan_free(&p);
}

static void test_too_many_themes(void **state)
{
	Fx *f = *state;
	good_group(f);
	static const char *const three[] = {"sagsoplysning", "frister", "klagevejledning"};
	int64_t many = round_at(f, "uddybende", "Tre temaer", "2026-03-02", "2026-04-24");
	themes(f, many, three, 3);
	int64_t two = round_at(f, "uddybende", "To temaer", "2026-09-07", "2026-10-30");
	themes(f, two, three, 2);
	/* A theme catalogue attached (position > 0) and named in round_theme is one theme. */
	int64_t frister = qinsert(f->t->db,
	                          "INSERT INTO catalogue (code, version, title, kind, target, status, created_at)"
	                          " VALUES ('frister', 1, 'Tema: Frister', 'tema', 'begge', 'udgivet', '2020') RETURNING id");
	qexec(f->t->db, "INSERT INTO round_catalogue (round_id, catalogue_id, position) VALUES (%lld, %lld, 2)",
	      (long long)two, (long long)frister);
	int64_t external = round_at(f, "ekstern", "Ekstern med fire", "2026-05-01", "2026-06-01");
	static const char *const four[] = {"a", "b", "c", "d"};
	themes(f, external, four, 4);
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "too_many_themes", -1), 1);
	assert_int_equal(count(&p, "too_many_themes", many), 1);
	assert_non_null(strstr(message(&p, "too_many_themes", many), "«Tre temaer» har 3 temaer"));
	for (int i = 0; i < p.nrounds; i++)
		if (p.rounds[i].id == two) {
			assert_int_equal(p.rounds[i].nthemes, 2);
			/* The attached catalogue first (by position), with its title. */
			assert_string_equal(p.rounds[i].themes[0], "frister");
			assert_string_equal(p.rounds[i].theme_titles[0], "Tema: Frister");
			assert_string_equal(p.rounds[i].themes[1], "sagsoplysning");
		}
	plan_free(&p);
}

static void test_remeasure_too_soon(void **state)
{
	Fx *f = *state;
	good_group(f);
	/* Two overordnet rounds six months apart: the later one warns, naming the earlier. */
	int64_t autumn = round_at(f, "overordnet", "Efterår 2025", "2025-09-01", "2025-10-24");
	int64_t spring = round_at(f, "overordnet", "Forår 2026", "2026-03-02", "2026-04-24");
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 1);
	const char *m = message(&p, "remeasure_too_soon", spring);
	assert_non_null(strstr(m, "kun 6 måneder efter «Efterår 2025» (start 1. september 2025)"));
	assert_non_null(strstr(m, "mindst 8 måneder"));
	plan_free(&p);
	build(f, 2025, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", autumn), 0);
	plan_free(&p);

	/* Exactly 8 months is enough; a day less is not. */
	qexec(f->t->db, "UPDATE round SET planned_start = '2025-07-02' WHERE id = %lld", (long long)autumn);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 0);
	plan_free(&p);
	qexec(f->t->db, "UPDATE round SET planned_start = '2025-07-03' WHERE id = %lld", (long long)autumn);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", spring), 1);
	assert_non_null(strstr(message(&p, "remeasure_too_soon", spring), "kun 7 måneder"));
	plan_free(&p);

	/* Two overordnet samples restricted to different provisions measure different case types;
	** the same provision in an uddybende round is the same case type again. */
	qexec(f->t->db, "UPDATE round SET filters = '{\"provisions\":[\"BL § 86\"]}' WHERE id = %lld", (long long)autumn);
	qexec(f->t->db, "UPDATE round SET filters = '{\"provisions\":[\"BL § 87\"]}' WHERE id = %lld", (long long)spring);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 0);
	plan_free(&p);
	int64_t deep = round_at(f, "uddybende", "Merudgifter", "2026-01-12", "2026-02-13");
	qexec(f->t->db, "UPDATE round SET filters = '{\"provisions\":[\"BL § 86\",\"BL § 90\"]}' WHERE id = %lld",
	      (long long)deep);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 1);
	assert_non_null(strstr(message(&p, "remeasure_too_soon", deep), "måler sager efter BL § 86 igen kun 6 måneder"));
	plan_free(&p);
}

/* Eight months from the end of a month lands on the last day of a shorter month (dates.c's
** month rule): from 31 May 2025 the limit is 31 January, from 30 June it is 28 February. */
static void test_remeasure_at_month_end(void **state)
{
	Fx *f = *state;
	good_group(f);
	int64_t first = round_at(f, "overordnet", "Sommer 2025", "2025-06-30", "2025-07-31");
	int64_t again = round_at(f, "overordnet", "Vinter 2026", "2026-02-27", "2026-03-31");
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", again), 1);
	assert_non_null(strstr(message(&p, "remeasure_too_soon", again), "kun 7 måneder"));
	plan_free(&p);
	qexec(f->t->db, "UPDATE round SET planned_start = '2026-02-28' WHERE id = %lld", (long long)again);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 0);
	plan_free(&p);
	qexec(f->t->db, "UPDATE round SET planned_start = '2025-05-31' WHERE id = %lld", (long long)first);
	qexec(f->t->db, "UPDATE round SET planned_start = '2026-01-30' WHERE id = %lld", (long long)again);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", again), 1);
	plan_free(&p);
	qexec(f->t->db, "UPDATE round SET planned_start = '2026-01-31' WHERE id = %lld", (long long)again);
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", -1), 0);
	plan_free(&p);
}

static void test_remeasure_themes_and_external(void **state)
{
	Fx *f = *state;
	good_group(f);
	static const char *const first[] = {"sagsoplysning", "frister"};
	static const char *const other[] = {"klagevejledning"};
	static const char *const again[] = {"klagevejledning", "sagsoplysning"};
	int64_t a = round_at(f, "uddybende", "Januar", "2026-01-12", "2026-02-13");
	themes(f, a, first, 2);
	int64_t b = round_at(f, "uddybende", "Juni", "2026-06-01", "2026-06-30");
	themes(f, b, other, 1);
	int64_t c = round_at(f, "uddybende", "September", "2026-09-01", "2026-09-30");
	themes(f, c, again, 2);
	/* External reviews without themes measure the department's case types broadly. */
	int64_t e1 = round_at(f, "ekstern", "Konsulent 1", "2025-11-03", "2025-12-12");
	int64_t e2 = round_at(f, "ekstern", "Konsulent 2", "2026-06-15", "2026-07-10");
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "remeasure_too_soon", a), 0);
	assert_int_equal(count(&p, "remeasure_too_soon", b), 0);
	/* September repeats January's sagsoplysning (7 months) and June's klagevejledning: the
	** latest earlier round that measured the same is named. */
	assert_int_equal(count(&p, "remeasure_too_soon", c), 1);
	assert_non_null(strstr(message(&p, "remeasure_too_soon", c), "temaet «klagevejledning» igen kun 3 måneder efter «Juni»"));
	assert_int_equal(count(&p, "remeasure_too_soon", e2), 1);
	assert_non_null(strstr(message(&p, "remeasure_too_soon", e2),
	                        "måler de samme sagstyper i et eksternt tilsyn igen kun 7 måneder efter «Konsulent 1»"));
	assert_non_null(strstr(message(&p, "remeasure_too_soon", e2), "8-10 måneder"));
	assert_int_equal(count(&p, "remeasure_too_soon", e1), 0);
	plan_free(&p);
}

static void test_working_group(void **state)
{
	Fx *f = *state;
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "working_group", 0), 1);
	plan_free(&p);
	member(f, "leder", "leder", "leder");
	member(f, "anne", "raadgiver", "raadgiver");
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "working_group", -1), 1);
	const char *m = message(&p, "working_group", 0);
	assert_non_null(strstr(m, "færre end 3"));
	assert_non_null(strstr(m, "ingen faglig koordinator"));
	plan_free(&p);
	member(f, "koordinator", "koordinator", "koordinator");
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "working_group", -1), 0);
	plan_free(&p);
	/* A member who is deactivated no longer counts. */
	qexec(f->t->db, "UPDATE users SET active = 0 WHERE login = 'anne'");
	build(f, 2026, "2026-01-01", &p);
	assert_int_equal(count(&p, "working_group", 0), 1);
	assert_non_null(strstr(message(&p, "working_group", 0), "ingen rådgiver"));
	plan_free(&p);
}

static void test_staff_not_informed(void **state)
{
	Fx *f = *state;
	good_group(f);
	/* The review began 2026-03-10: a meeting held that day or before informs the staff; a
	** planned one, a held one after, or one for another round does not. */
	int64_t started = round_at(f, "overordnet", "I gang", "2026-03-02", "2026-04-24");
	qexec(f->t->db, "UPDATE round SET review_started_at = '2026-03-10T08:15:00Z' WHERE id = %lld", (long long)started);
	int64_t other = round_at(f, "uddybende", "Andet", "2026-09-07", "2026-10-30");
	meeting(f, started, "information", "2026-03-01", "planlagt");
	meeting(f, started, "information", "2026-03-11", "afholdt");
	meeting(f, started, "personale", "2026-03-01", "afholdt");
	int64_t decoy = round_at(f, "ekstern", "Et andet år", "2025-01-06", "2025-02-07");
	meeting(f, decoy, "information", "2026-03-01", "afholdt");
	Plan p;
	build(f, 2026, "2026-08-01", &p);
	assert_int_equal(count(&p, "staff_not_informed", started), 1);
	assert_non_null(strstr(message(&p, "staff_not_informed", started), "gennemgangen begyndte 10. marts 2026"));
	plan_free(&p);
	meeting(f, started, "information", "2026-03-10", "afholdt");
	build(f, 2026, "2026-08-01", &p);
	assert_int_equal(count(&p, "staff_not_informed", started), 0);

	/* Not begun: 2026-09-07 is 37 days after 2026-08-01, 30 days after 2026-08-08. */
	assert_int_equal(count(&p, "staff_not_informed", other), 0);
	plan_free(&p);
	build(f, 2026, "2026-08-08", &p);
	assert_int_equal(count(&p, "staff_not_informed", other), 1);
	assert_non_null(strstr(message(&p, "staff_not_informed", other), "begynder efter planen 7. september 2026"));
	plan_free(&p);
	build(f, 2026, "2026-09-20", &p);
	assert_non_null(strstr(message(&p, "staff_not_informed", other), "skulle efter planen være begyndt 7. september 2026"));
	plan_free(&p);
	/* A planned meeting after the start is too late; one before it will do; a cancelled one not. */
	meeting(f, other, "information", "2026-09-08", "planlagt");
	meeting(f, other, "information", "2026-09-01", "aflyst");
	build(f, 2026, "2026-08-08", &p);
	assert_int_equal(count(&p, "staff_not_informed", other), 1);
	plan_free(&p);
	meeting(f, other, "information", "2026-09-03", "planlagt");
	build(f, 2026, "2026-08-08", &p);
	assert_int_equal(count(&p, "staff_not_informed", -1), 0);
	plan_free(&p);
	/* A finished round is not asked about a meeting it did not plan. */
	int64_t done = round_at(f, "uddybende", "Afsluttet", "2026-05-04", "2026-06-05");
	qexec(f->t->db, "UPDATE round SET phase = 'afsluttet' WHERE id = %lld", (long long)done);
	build(f, 2026, "2026-08-08", &p);
	assert_int_equal(count(&p, "staff_not_informed", done), 0);
	plan_free(&p);
}

static void test_json_shape(void **state)
{
	Fx *f = *state;
	static const char *const two[] = {"sagsoplysning", "frister"};
	int64_t id = round_at(f, "uddybende", "Tema \"to\"", "2026-09-07", "2026-10-30");
	themes(f, id, two, 2);
	Plan p;
	build(f, 2026, "2026-01-01", &p);
	char *text = plan_json(&p);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	assert_non_null(root);
	assert_int_equal(json_object_size(root), 2);
	json_t *rounds = json_object_get(root, "rounds"), *warnings = json_object_get(root, "warnings");
	assert_int_equal(json_array_size(rounds), 1);
	json_t *r = json_array_get(rounds, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), id);
	assert_string_equal(json_string_value(json_object_get(r, "title")), "Tema \"to\"");
	assert_string_equal(json_string_value(json_object_get(r, "planned_start")), "2026-09-07");
	assert_true(json_is_null(json_object_get(r, "review_started")));
	assert_true(json_is_null(json_object_get(r, "planned_cases")));
	assert_int_equal(json_integer_value(json_object_get(r, "sampled")), 0);
	assert_int_equal(json_array_size(json_object_get(r, "themes")), 2);
	/* too_few_rounds and working_group, both about the year: round null. */
	assert_int_equal(json_array_size(warnings), 2);
	for (size_t i = 0; i < json_array_size(warnings); i++) {
		json_t *w = json_array_get(warnings, i);
		assert_int_equal(json_object_size(w), 3);
		assert_true(json_is_null(json_object_get(w, "round")));
		assert_non_null(json_string_value(json_object_get(w, "message")));
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(warnings, 0), "code")), "too_few_rounds");
	assert_string_equal(json_string_value(json_object_get(json_array_get(warnings, 1), "code")), "working_group");
	json_decref(root);
	free(text);
	plan_free(&p);
	assert_string_equal(plan_warning_title("remeasure_too_soon"), "Det samme måles igen for tidligt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test_setup_teardown(test_rounds_of_the_year, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_few_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_few_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_themes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remeasure_too_soon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remeasure_at_month_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remeasure_themes_and_external, setup, teardown),
		cmocka_unit_test_setup_teardown(test_working_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staff_not_informed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
