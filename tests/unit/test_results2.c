/*
** Tests of the result aggregates (results.c): pooled figures per section, per category and
** for the whole round with their change since the previous comparable round; one
** caseworker's figures (matched as ident_same_person matches names); trends over a
** department's rounds; the ranking behind the suggested strengths and challenges; and the
** SVG charts (chart.c). A real, migrated SQLite file; answers go in through answer_save;
** every expected count is written out by hand below.
*/
#include "unit_helpers.h"
#include "http.h"

#include <math.h>

static const char catalogue[] =
	"{\"code\": \"agg-kat\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": ["
	"  {\"title\": \"Sagsbehandling\", \"questions\": ["
	"    {\"code\": \"A-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"forvaltningsret\"},"
	"    {\"code\": \"A-2\", \"text\": \"Er der partshørt?\", \"category\": \"retssikkerhed\"},"
	"    {\"code\": \"A-3\", \"text\": \"Er der en handleplan?\", \"category\": \"socialfaglig\", \"scale\": \"jn\"}]},"
	"  {\"title\": \"Opfølgning\", \"questions\": ["
	"    {\"code\": \"B-1\", \"text\": \"Er der fulgt op?\", \"category\": \"socialfaglig\"},"
	"    {\"code\": \"B-2\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"}]}]}";

typedef struct Fx {
	TestDb *t;
	Department d, other;
	User u;
	int64_t c[6], oc;
	int64_t rnew, rold, rudd, rempty, rother;
} Fx;

static int64_t add_case(Db *db, const Department *d, const char *case_no, const char *advisor)
{
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
	           " VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, case_no);
	db_bind_text(&q, 3, advisor);
	int64_t id = 0;
	assert_int_equal(db_insert_id(&q, &id), DB_OK);
	db_finalize(&q);
	return id;
}

static int64_t new_round(Db *db, const Department *d, const char *kind, const char *start)
{
	int64_t id;
	char msg[300] = "";
	if (round_create(db, d, kind, "Test", "agg-kat", NULL, 0, start, NULL, "test", &id, msg, sizeof msg) != 0)
		fail_msg("round_create: %s", msg);
	return id;
}

static void sample(Db *db, int64_t round_id, int64_t case_id)
{
	qexec(db, "INSERT INTO round_case (round_id, case_id, sample_key, added_at) VALUES (%lld, %lld, 'k%lld',"
	          " '2024-01-01T00:00:00Z')", (long long)round_id, (long long)case_id, (long long)case_id);
}

static void save(Fx *f, int64_t round_id, int64_t case_id, const char *code, const char *value)
{
	Stmt q;
	db_prepare(&q, f->t->db,
	           "SELECT q.id FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " WHERE rc.round_id = ?1 AND q.code = ?2");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, code);
	assert_true(db_step(&q));
	int64_t qid = db_col_int(&q, 0);
	db_finalize(&q);
	int material = value[0] == '*';
	AnswerInput in = {.value = value + material, .material = material, .comment = "", .seen_revision = -1};
	AnswerState cur;
	char msg[300] = "";
	assert_int_equal(db_begin(f->t->db), DB_OK);
	if (answer_save(f->t->db, round_id, case_id, qid, &in, &f->u, &cur, msg, sizeof msg) != ANSWER_SAVED)
		fail_msg("answer_save %s=%s: %s", code, value, msg);
	assert_int_equal(db_commit(f->t->db), DB_OK);
}

/* values[i] for case c[i]; NULL leaves it unanswered; a leading '*' is væsentlig betydning. */
static void answers(Fx *f, int64_t round_id, const char *code, const char *const v[6])
{
	for (int i = 0; i < 6; i++)
		if (v[i])
			save(f, round_id, f->c[i], code, v[i]);
}
#define ANSWERS(f, round, code, ...)                                                \
	do {                                                                        \
		static const char *const v_[6] = {__VA_ARGS__};                     \
		answers((f), (round), (code), v_);                                  \
	} while (0)

static int setup(void **state)
{
	Fx *f = calloc(1, sizeof *f);
	f->t = testdb_new();
	Db *db = f->t->db;
	int64_t id;
	char msg[300] = "";
	assert_int_equal(department_add(db, "BHS", "Børn", "barn", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->d));
	assert_int_equal(department_add(db, "AND", "Anden", "barn", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->other));
	assert_true(user_by_id(
	    db, qinsert(db, "INSERT INTO users (login, name, password_hash) VALUES ('k', 'Koordinator', 'x') RETURNING id"),
	    &f->u));
	/* Anna's cases are c0, c2, c4 and c5, whose case list spells her name differently. */
	static const char *const advisors[6] = {"Anna Andersen", "Bo Bech", "Anna Andersen", "Bo Bech", "Anna Andersen",
	                                        " ANNA  andersen"};
	for (int i = 0; i < 6; i++) {
		char no[32];
		snprintf(no, sizeof no, "S-%d", i);
		f->c[i] = add_case(db, &f->d, no, advisors[i]);
	}
	f->oc = add_case(db, &f->other, "O-1", "Anna Andersen");
	char err[512] = "";
	int64_t cat;
	if (catalogue_store_json(db, catalogue, "udgivet", "lokal", &cat, err, sizeof err) != 0)
		fail_msg("catalogue: %s", err);

	/* Created newest first: order must come from the dates, not the ids. */
	f->rnew = new_round(db, &f->d, "overordnet", "2025-09-01");
	f->rold = new_round(db, &f->d, "overordnet", "2025-03-01");
	f->rudd = new_round(db, &f->d, "uddybende", "2025-06-01");
	f->rempty = new_round(db, &f->d, "overordnet", "2025-12-01");
	f->rother = new_round(db, &f->other, "overordnet", "2025-01-01");
	for (int i = 0; i < 6; i++) {
		sample(db, f->rnew, f->c[i]);
		sample(db, f->rold, f->c[i]);
		sample(db, f->rudd, f->c[i]);
		sample(db, f->rempty, f->c[i]);
	}
	sample(db, f->rother, f->oc);

	ANSWERS(f, f->rnew, "A-1", "ja", "ja", "ja", "delvist", "*nej", "ja");
	ANSWERS(f, f->rnew, "A-2", "ja", "nej", "ja", "ja", "ikke_relevant", NULL);
	ANSWERS(f, f->rnew, "A-3", "ja", "ja", "nej", "ja", "ja", "ja");
	ANSWERS(f, f->rnew, "B-1", "ja", "*delvist", "ja", "ja", "ja", "ja");
	ANSWERS(f, f->rnew, "B-2", "Fin sag");

	ANSWERS(f, f->rold, "A-1", "nej", "nej", "nej", "nej", "ja", "nej");
	ANSWERS(f, f->rold, "A-2", "ja", "ja", "ja", "ja", "ja", "ja");
	ANSWERS(f, f->rold, "A-3", "ja", "ja", "ja", "ja", "ja", "ja");
	ANSWERS(f, f->rold, "B-1", "nej", "nej", "nej", "nej", "nej", "nej");

	ANSWERS(f, f->rudd, "A-1", "nej");
	save(f, f->rother, f->oc, "A-1", "nej");
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

static Round get_round(Fx *f, int64_t id)
{
	Round r;
	assert_true(round_by_id(f->t->db, id, &r));
	return r;
}

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-12)
		fail_msg("got %.15f, want %.15f", got, want);
}

static void assert_group(const ResultGroup *g, int nq, int64_t yes, int64_t partly, int64_t no, int64_t nr, int64_t un,
                         int64_t material)
{
	assert_int_equal(g->nquestions, nq);
	assert_int_equal(g->yes, yes);
	assert_int_equal(g->partly, partly);
	assert_int_equal(g->no, no);
	assert_int_equal(g->not_relevant, nr);
	assert_int_equal(g->unanswered, un);
	assert_int_equal(g->material, material);
	int64_t base = yes + partly + no;
	assert_true(g->has_fulfilled);
	near(g->fulfilled, (double)yes / (double)base);
	double lo, hi;
	stats_wilson(yes, base, &lo, &hi);
	near(g->ci_low, lo);
	near(g->ci_high, hi);
	near(g->partly_ok, (double)(yes + partly) / (double)base);
	stats_wilson(yes + partly, base, &lo, &hi);
	near(g->partly_low, lo);
	near(g->partly_high, hi);
}

static void assert_change(const ResultGroup *g, int64_t prev, int64_t k1, int64_t n1, int64_t k2, int64_t n2)
{
	assert_int_equal(g->prev_round, prev);
	double d, lo, hi;
	stats_newcombe(k1, n1, k2, n2, &d, &lo, &hi);
	near(g->prev_fulfilled, (double)k2 / (double)n2);
	near(g->diff, d);
	near(g->diff_low, lo);
	near(g->diff_high, hi);
}

static void aggregates_of_the_whole_round(void **state)
{
	Fx *f = *state;
	Round r = get_round(f, f->rnew);
	RoundResults rr;
	assert_int_equal(results_compute(f->t->db, &r, NULL, &rr), 4); /* the text question is left out */
	assert_int_equal(rr.prev_round, f->rold);
	assert_int_equal(rr.sampled, 6);
	assert_int_equal(rr.finished, 0);
	assert_int_equal(rr.with_answers, 6);
	/* Per question, the share at least partly fulfilled too. */
	near(rr.q[0].partly_ok, 5.0 / 6.0);
	/* The whole round: ja 4+3+5+5, delvist 1+0+0+1, nej 1+1+1+0; A-2 has one ikke relevant and one unanswered. */
	assert_group(&rr.total, 4, 17, 2, 3, 1, 1, 2);
	/* Against the old round over the same four questions: ja 1+6+6+0 of 24. */
	assert_change(&rr.total, f->rold, 17, 22, 13, 24);
	/* Per category. */
	assert_string_equal(rr.categories[0].name, "forvaltningsret");
	assert_group(&rr.categories[0], 1, 4, 1, 1, 0, 0, 1);
	assert_change(&rr.categories[0], f->rold, 4, 6, 1, 6);
	assert_group(&rr.categories[1], 1, 3, 0, 1, 1, 1, 0);
	assert_group(&rr.categories[2], 2, 10, 1, 1, 0, 0, 1);
	assert_change(&rr.categories[2], f->rold, 10, 12, 6, 12);
	/* Per section, in catalogue order. */
	assert_int_equal(rr.nsections, 2);
	assert_string_equal(rr.sections[0].name, "Sagsbehandling");
	assert_group(&rr.sections[0], 3, 12, 1, 3, 1, 1, 1);
	assert_string_equal(rr.sections[1].name, "Opfølgning");
	assert_group(&rr.sections[1], 1, 5, 1, 0, 0, 0, 1);
	assert_change(&rr.sections[1], f->rold, 5, 6, 0, 6);
	assert_string_equal(stats_verdict(rr.sections[1].diff_low, rr.sections[1].diff_high), "improved");
	results_release(&rr);

	/* The old round has nothing before it: no change anywhere. */
	r = get_round(f, f->rold);
	results_compute(f->t->db, &r, NULL, &rr);
	assert_int_equal(rr.prev_round, 0);
	assert_int_equal(rr.total.prev_round, 0);
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		assert_int_equal(rr.categories[c].prev_round, 0);
	assert_group(&rr.total, 4, 13, 0, 11, 0, 0, 0);
	results_release(&rr);

	/* A round with no answers: zero counts, no share, the same shape. */
	r = get_round(f, f->rempty);
	results_compute(f->t->db, &r, NULL, &rr);
	assert_int_equal(rr.nq, 4);
	assert_int_equal(rr.total.unanswered, 24);
	assert_false(rr.total.has_fulfilled);
	assert_int_equal(rr.with_answers, 0);
	/* Its previous round is rnew (the latest earlier with answers), but nothing to compare. */
	assert_int_equal(rr.total.prev_round, 0);
	results_release(&rr);
}

static void one_caseworker(void **state)
{
	Fx *f = *state;
	Round r = get_round(f, f->rnew);
	char **names;
	int n = results_advisors(f->t->db, r.id, &names);
	/* "Anna Andersen" and " ANNA  andersen" are one person. */
	assert_int_equal(n, 2);
	assert_true(ident_same_person(names[0], "Anna Andersen") || ident_same_person(names[1], "Anna Andersen"));
	results_names_free(names, n);

	RoundResults rr;
	results_compute(f->t->db, &r, "anna andersen", &rr);
	assert_int_equal(rr.sampled, 4); /* c0, c2, c4, c5 */
	/* A-1 for Anna: ja, ja, *nej, ja; last time nej, nej, ja, nej. */
	assert_string_equal(rr.q[0].code, "A-1");
	assert_int_equal(rr.q[0].yes, 3);
	assert_int_equal(rr.q[0].no, 1);
	assert_int_equal(rr.q[0].material, 1);
	assert_int_equal(rr.q[0].prev_round, f->rold);
	near(rr.q[0].prev_fulfilled, 1.0 / 4.0);
	/* ja, ja, ikke relevant, unanswered. */
	assert_int_equal(rr.q[1].yes, 2);
	assert_int_equal(rr.q[1].not_relevant, 1);
	assert_int_equal(rr.q[1].unanswered, 1);
	/* Whole round for Anna: ja 3+2+3+4, delvist 0, nej 1+0+1+0. */
	assert_group(&rr.total, 4, 12, 0, 2, 1, 1, 1);
	results_release(&rr);

	results_compute(f->t->db, &r, "Bo Bech", &rr);
	assert_int_equal(rr.sampled, 2);
	assert_int_equal(rr.q[0].yes, 1);
	assert_int_equal(rr.q[0].partly, 1);
	assert_group(&rr.total, 4, 5, 2, 1, 0, 0, 1);
	results_release(&rr);

	/* Someone without cases in the sample: nothing counted. */
	results_compute(f->t->db, &r, "Carl", &rr);
	assert_int_equal(rr.sampled, 0);
	assert_int_equal(rr.total.yes + rr.total.partly + rr.total.no, 0);
	assert_false(rr.total.has_fulfilled);
	results_release(&rr);

	/* No filter is everybody. */
	QuestionResult *x;
	n = results_round_advisor(f->t->db, &r, NULL, &x);
	assert_int_equal(x[0].yes, 4);
	results_free(x, n);
}

static void trends_over_rounds(void **state)
{
	Fx *f = *state;
	Trends t;
	/* Every kind: old (March), uddybende (June), new (September); not the empty round, not the other department. */
	assert_int_equal(results_trends(f->t->db, f->d.id, NULL, &t), 3);
	assert_int_equal(t.rounds[0].id, f->rold);
	assert_int_equal(t.rounds[1].id, f->rudd);
	assert_int_equal(t.rounds[2].id, f->rnew);
	assert_string_equal(t.rounds[0].date, "2025-03-01");
	assert_int_equal(t.nquestions, 4);
	assert_string_equal(t.questions[0].code, "A-1");
	assert_string_equal(t.questions[3].code, "B-1");
	/* 1/6, 0/1, 4/6. */
	const TrendCell *a1 = &t.cells[0];
	assert_true(a1[0].has);
	assert_int_equal(a1[0].yes, 1);
	assert_int_equal(a1[0].base, 6);
	assert_int_equal(t.cells[1 * t.nquestions].base, 1);
	assert_int_equal(t.cells[2 * t.nquestions].yes, 4);
	double lo, hi;
	stats_wilson(4, 6, &lo, &hi);
	near(t.cells[2 * t.nquestions].ci_low, lo);
	/* B-1 in the uddybende round has no answers. */
	assert_false(t.cells[1 * t.nquestions + 3].has);
	/* Categories and whole round. */
	const TrendCell *soc_new = &t.categories[2 * RESULT_CATEGORIES + 2];
	assert_int_equal(soc_new->yes, 10);
	assert_int_equal(soc_new->base, 12);
	assert_int_equal(t.total[0].yes, 13);
	assert_int_equal(t.total[0].base, 24);
	assert_int_equal(t.total[1].base, 1);
	results_trends_free(&t);

	assert_int_equal(results_trends(f->t->db, f->d.id, "overordnet", &t), 2);
	assert_int_equal(t.rounds[0].id, f->rold);
	assert_int_equal(t.rounds[1].id, f->rnew);
	results_trends_free(&t);

	/* A planned start moved earlier moves the round earlier. */
	qexec(f->t->db, "UPDATE round SET planned_start = '2024-01-01' WHERE id = %lld", (long long)f->rnew);
	assert_int_equal(results_trends(f->t->db, f->d.id, "overordnet", &t), 2);
	assert_int_equal(t.rounds[0].id, f->rnew);
	results_trends_free(&t);
}

static void ranking_for_suggestions(void **state)
{
	Fx *f = *state;
	Round r = get_round(f, f->rnew);
	QuestionResult *x;
	int n = results_round(f->t->db, &r, &x);
	int order[8];
	/* A-3 5/6 and B-1 5/6 tie; B-1 has one with material significance, so A-3 first. A-2 (4 answers) is left out. */
	int m = results_rank(x, n, 5, order);
	assert_int_equal(m, 3);
	assert_string_equal(x[order[0]].code, "A-3");
	assert_string_equal(x[order[1]].code, "B-1");
	assert_string_equal(x[order[2]].code, "A-1");
	m = results_rank(x, n, 1, order);
	assert_int_equal(m, 4);
	assert_string_equal(x[order[2]].code, "A-2");
	assert_string_equal(x[order[3]].code, "A-1");
	assert_int_equal(results_rank(x, n, 7, order), 0);
	results_free(x, n);

	int ns, nc;
	results_split(10, 5, &ns, &nc);
	assert_int_equal(ns, 5);
	assert_int_equal(nc, 5);
	results_split(3, 5, &ns, &nc);
	assert_int_equal(ns, 2);
	assert_int_equal(nc, 1);
	results_split(1, 5, &ns, &nc);
	assert_int_equal(ns, 1);
	assert_int_equal(nc, 0);
	results_split(0, 5, &ns, &nc);
	assert_int_equal(ns + nc, 0);
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void charts(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, BUF_DEFAULT_LIMIT);
	ChartBar bars[] = {
		{.label = "A-1", .has = 1, .value = 0.5, .low = 0.3, .high = 0.7, .has_prev = 1, .prev = 0.2},
		{.label = "<B&2>", .has = 0},
		{.label = "C-3", .has = 1, .value = 1.0, .low = 0.8, .high = 1.0},
	};
	chart_bars(&b, "c1", "Titel \"x\"", "Beskrivelse", NULL, bars, 3);
	const char *s = buf_cstr(&b);
	assert_int_equal(count(s, "<svg "), 1);
	assert_int_equal(count(s, "role=\"img\""), 1);
	assert_int_equal(count(s, "aria-label=\"Titel &quot;x&quot;\""), 1);
	assert_int_equal(count(s, "<title>Titel &quot;x&quot;</title>"), 1);
	assert_int_equal(count(s, "<desc>Beskrivelse</desc>"), 1);
	assert_int_equal(count(s, "class=\"bar\""), 2);   /* no bar without answers */
	assert_int_equal(count(s, "class=\"prev\""), 1);
	assert_int_equal(count(s, "&lt;B&amp;2&gt;"), 1);
	assert_int_equal(count(s, "<B&"), 0);
	assert_int_equal(count(s, "style="), 0);
	assert_int_equal(count(s, "<script"), 0);
	assert_int_equal(count(s, "Forrige tilsyn"), 1);
	/* The 50 % bar is half as wide as the 100 % one. */
	const char *w1 = strstr(strstr(s, "class=\"bar\""), "width=\""), *w2 = strstr(strstr(w1, "class=\"bar\""), "width=\"");
	assert_int_equal(2 * atoi(w1 + 7), atoi(w2 + 7));

	buf_reset(&b);
	TrendCell pts[4] = {{.has = 1, .yes = 1, .base = 2, .fulfilled = 0.5, .ci_low = 0.1, .ci_high = 0.9},
	                    {.has = 0},
	                    {.has = 1, .fulfilled = 0.75, .ci_low = 0.5, .ci_high = 0.9},
	                    {.has = 1, .fulfilled = 1, .ci_low = 0.7, .ci_high = 1}};
	ChartSeries series[] = {{.name = "Hele tilsynet", .points = pts, .stride = 1},
	                        {.name = "Kun to", .points = pts, .stride = 2}};
	const char *labels[] = {"2025-03", "2025-09", "2026-03", "2026-09"};
	chart_lines(&b, "c2", "Udvikling", "Linjer", labels, 4, series, 1);
	s = buf_cstr(&b);
	assert_int_equal(count(s, "role=\"img\""), 1);
	assert_int_equal(count(s, "class=\"line\""), 1);
	/* The gap breaks the line: two pieces. */
	const char *d = strstr(strstr(s, "class=\"line\""), " d=\"");
	assert_int_equal(count(d, "M") - count(strstr(d, "\"/>"), "M"), 2);
	assert_int_equal(count(s, "2026-09"), 1);
	assert_int_equal(count(s, "style="), 0);
	buf_reset(&b);
	chart_lines(&b, "c3", "To", "Linjer", labels, 2, series, 2);
	assert_int_equal(count(buf_cstr(&b), "class=\"series\""), 2);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(aggregates_of_the_whole_round, setup, teardown),
		cmocka_unit_test_setup_teardown(one_caseworker, setup, teardown),
		cmocka_unit_test_setup_teardown(trends_over_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(ranking_for_suggestions, setup, teardown),
		cmocka_unit_test(charts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
