/*
** Tests of a round's results (results.c) and of saving answers (answer.c) on a real,
** migrated SQLite file. The results fixture has one department with rounds of several
** dates and kinds, a second department, and two versions of a catalogue with jdn, jn, text,
** choice and conditional questions; answers go in through answer_save. Every expected count
** is written out by hand below; intervals are checked against stats_wilson/stats_newcombe
** (whose own values are checked against the published examples in test_stats.c).
*/
#include "unit_helpers.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>

/* ---- small helpers ---- */

ATTR_PRINTF(2, 3) static int64_t qint(Db *db, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return testdb_int(db, sql);
}

ATTR_PRINTF(4, 5) static void qtext(Db *db, char *out, size_t n, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	testdb_text(db, sql, out, n);
}

static User add_user(Db *db, const char *login, const char *name)
{
	Stmt q;
	db_prepare(&q, db, "INSERT INTO users (login, name, password_hash) VALUES (?1, ?2, 'not-a-hash') RETURNING id");
	db_bind_text(&q, 1, login);
	db_bind_text(&q, 2, name);
	int64_t id = 0;
	assert_int_equal(db_insert_id(&q, &id), DB_OK);
	db_finalize(&q);
	User u;
	assert_true(user_by_id(db, id, &u));
	return u;
}

static Department add_department(Db *db, const char *code, const char *area)
{
	int64_t id;
	char msg[300] = "";
	if (department_add(db, code, "Afdeling", area, &id, msg, sizeof msg) != 0)
		fail_msg("department_add: %s", msg);
	Department d;
	assert_true(department_by_id(db, id, &d));
	return d;
}

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

static void put_in_sample(Db *db, int64_t round_id, int64_t case_id)
{
	qexec(db, "INSERT INTO round_case (round_id, case_id, sample_key, added_at) VALUES (%lld, %lld, 'k%lld',"
	          " '2024-01-01T00:00:00Z')", (long long)round_id, (long long)case_id, (long long)case_id);
}

static int64_t new_round(Db *db, const Department *d, const char *kind, const char *catalogue, const char *start)
{
	int64_t id;
	char msg[300] = "";
	if (round_create(db, d, kind, "Test", catalogue, NULL, 0, start, NULL, "test", &id, msg, sizeof msg) != 0)
		fail_msg("round_create: %s", msg);
	return id;
}

static Round get_round(Db *db, int64_t id)
{
	Round r;
	assert_true(round_by_id(db, id, &r));
	return r;
}

/* The id of the question with this code in the round's catalogues. */
static int64_t question_of(Db *db, int64_t round_id, const char *code)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " WHERE rc.round_id = ?1 AND q.code = ?2");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, code);
	if (!db_step(&q))
		fail_msg("round %lld has no question %s", (long long)round_id, code);
	int64_t id = db_col_int(&q, 0);
	db_finalize(&q);
	return id;
}

/* answer_save in its own transaction, as a page or the API would call it. */
static int save(Db *db, int64_t round_id, int64_t case_id, int64_t question_id, const char *value, int material,
                const char *comment, int64_t seen, const User *by, AnswerState *cur, char *msg, size_t n)
{
	AnswerInput in = {.value = value, .material = material, .comment = comment, .seen_revision = seen};
	msg[0] = 0;
	assert_int_equal(db_begin(db), DB_OK);
	int rc = answer_save(db, round_id, case_id, question_id, &in, by, cur, msg, n);
	if (rc == ANSWER_SAVED)
		assert_int_equal(db_commit(db), DB_OK);
	else
		db_rollback(db);
	return rc;
}

static void must_save(Db *db, int64_t round_id, int64_t case_id, const char *code, const char *value, int material,
                      const User *by)
{
	AnswerState cur;
	char msg[300] = "";
	int rc = save(db, round_id, case_id, question_of(db, round_id, code), value, material, "", -1, by, &cur, msg, sizeof msg);
	if (rc != ANSWER_SAVED)
		fail_msg("saving %s=%s for case %lld in round %lld: %d %s", code, value, (long long)case_id,
		         (long long)round_id, rc, msg);
}

static const char catalogue_v1[] =
	"{\"code\": \"test-kat\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": ["
	"  {\"title\": \"Sagsbehandling\", \"questions\": ["
	"    {\"code\": \"A-1\", \"text\": \"Er sagen tilstrækkeligt oplyst?\", \"category\": \"forvaltningsret\"},"
	"    {\"code\": \"A-2\", \"text\": \"Er der partshørt?\", \"category\": \"retssikkerhed\", \"scale\": \"jdn\"},"
	"    {\"code\": \"A-3\", \"text\": \"Er der en handleplan?\", \"category\": \"socialfaglig\", \"scale\": \"jn\"},"
	"    {\"code\": \"A-4\", \"text\": \"Er barnet inddraget?\", \"category\": \"socialfaglig\"}]},"
	"  {\"title\": \"Handleplan\", \"questions\": ["
	"    {\"code\": \"B-1\", \"text\": \"Er handleplanen fulgt op?\", \"category\": \"socialfaglig\","
	"     \"condition\": {\"question\": \"A-3\", \"answers\": [\"ja\"]}},"
	"    {\"code\": \"B-2\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"},"
	"    {\"code\": \"B-3\", \"text\": \"Hvem deltog?\", \"category\": \"socialfaglig\", \"scale\": \"choice\","
	"     \"choices\": [\"barnet\", \"forældrene\"]}]}]}";

/* Version 2: A-2 reworded, a new question A-5; codes are kept, so rounds compare by code. */
static const char catalogue_v2[] =
	"{\"code\": \"test-kat\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": ["
	"  {\"title\": \"Sagsbehandling\", \"questions\": ["
	"    {\"code\": \"A-1\", \"text\": \"Er sagen tilstrækkeligt oplyst?\", \"category\": \"forvaltningsret\"},"
	"    {\"code\": \"A-2\", \"text\": \"Er der partshørt efter forvaltningsloven?\", \"category\": \"retssikkerhed\"},"
	"    {\"code\": \"A-3\", \"text\": \"Er der en handleplan?\", \"category\": \"socialfaglig\", \"scale\": \"jn\"},"
	"    {\"code\": \"A-4\", \"text\": \"Er barnet inddraget?\", \"category\": \"socialfaglig\"},"
	"    {\"code\": \"A-5\", \"text\": \"Er afgørelsen begrundet?\", \"category\": \"forvaltningsret\"}]},"
	"  {\"title\": \"Handleplan\", \"questions\": ["
	"    {\"code\": \"B-1\", \"text\": \"Er handleplanen fulgt op?\", \"category\": \"socialfaglig\","
	"     \"condition\": {\"question\": \"A-3\", \"answers\": [\"ja\"]}},"
	"    {\"code\": \"B-2\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"},"
	"    {\"code\": \"B-3\", \"text\": \"Hvem deltog?\", \"category\": \"socialfaglig\", \"scale\": \"choice\","
	"     \"choices\": [\"barnet\", \"forældrene\"]}]}]}";

static const char other_catalogue[] =
	"{\"code\": \"anden-kat\", \"title\": \"Andet katalog\", \"kind\": \"tema\", \"target\": \"begge\","
	" \"sections\": [{\"title\": \"Tema\", \"questions\": ["
	"  {\"code\": \"A-1\", \"text\": \"Er fristen overholdt?\", \"category\": \"retssikkerhed\"}]}]}";

static int64_t store_catalogue(Db *db, const char *json)
{
	int64_t id = 0;
	char err[512] = "";
	if (catalogue_store_json(db, json, "udgivet", "lokal", &id, err, sizeof err) != 0)
		fail_msg("catalogue_store_json: %s", err);
	return id;
}

/* ---- the results fixture ---- */

typedef struct Fx {
	TestDb *t;
	Department d, other;
	User anna, bo;
	int64_t c[12], oc[3];
	int64_t cat1, cat2, cat_other;
	int64_t r0, r1, r2, rx, ry, rlater, rempty, rnull;
} Fx;

static void answer_all(Fx *f, int64_t round_id, const char *code, const char *const *values, int n)
{
	for (int i = 0; i < n; i++) {
		if (!values[i])
			continue;
		int material = values[i][0] == '*';
		must_save(f->t->db, round_id, f->c[i], code, values[i] + material, material, i % 2 ? &f->bo : &f->anna);
	}
}
#define ANSWERS(f, round, code, ...)                                                                        \
	do {                                                                                                \
		static const char *const v_[] = {__VA_ARGS__};                                              \
		answer_all((f), (round), (code), v_, (int)COUNT(v_));                                       \
	} while (0)

static int setup_results(void **state)
{
	Fx *f = calloc(1, sizeof *f);
	f->t = testdb_new();
	Db *db = f->t->db;
	f->d = add_department(db, "BHS", "barn");
	f->other = add_department(db, "VOK", "voksen");
	f->anna = add_user(db, "anna", "Anna Andersen");
	f->bo = add_user(db, "bo", "Bo Bech");
	for (int i = 0; i < 12; i++) {
		char no[32];
		snprintf(no, sizeof no, "27.15.00-G01-%d-25", 100 + i);
		f->c[i] = add_case(db, &f->d, no, i % 2 ? "Bo Bech" : "Anna Andersen");
	}
	for (int i = 0; i < 3; i++) {
		char no[32];
		snprintf(no, sizeof no, "V-%d", i);
		f->oc[i] = add_case(db, &f->other, no, "Carl");
	}
	f->cat1 = store_catalogue(db, catalogue_v1);
	f->cat2 = store_catalogue(db, catalogue_v2);
	f->cat_other = store_catalogue(db, other_catalogue);
	assert_int_equal(qint(db, "SELECT version FROM catalogue WHERE id = %lld", (long long)f->cat2), 2);
	assert_int_equal(qint(db, "SELECT count(*) FROM catalogue WHERE status = 'udgivet'"), 3);

	/* The round under test first, so that "earlier" cannot mean "smaller id". */
	f->r2 = new_round(db, &f->d, "overordnet", "test-kat", "2025-09-01");
	f->r1 = new_round(db, &f->d, "overordnet", "test-kat", "2025-03-01");
	f->r0 = new_round(db, &f->d, "overordnet", "test-kat", "2024-09-01");
	f->rx = new_round(db, &f->d, "uddybende", "test-kat", "2025-06-01");
	f->ry = new_round(db, &f->other, "overordnet", "test-kat", "2025-06-01");
	f->rlater = new_round(db, &f->d, "overordnet", "test-kat", "2026-03-01");
	f->rempty = new_round(db, &f->d, "overordnet", "test-kat", "2025-07-01");
	f->rnull = new_round(db, &f->d, "overordnet", "test-kat", NULL);
	qexec(db, "UPDATE round SET created_at = '2025-10-01T08:00:00Z' WHERE id = %lld", (long long)f->rnull);
	/* The older rounds used version 1 of the catalogue. */
	qexec(db, "UPDATE round_catalogue SET catalogue_id = %lld WHERE round_id IN (%lld, %lld)", (long long)f->cat1,
	      (long long)f->r1, (long long)f->r0);
	assert_int_equal(qint(db, "SELECT catalogue_id FROM round_catalogue WHERE round_id = %lld", (long long)f->r2),
	                 f->cat2);

	/* r2: ten sampled cases c0..c9, and c10 sampled, answered, then replaced. */
	for (int i = 0; i <= 10; i++)
		put_in_sample(db, f->r2, f->c[i]);
	/* "*" marks væsentlig betydning; NULL leaves the question unanswered. */
	ANSWERS(f, f->r2, "A-1", "ja", "ja", "ja", "ja", "ja", "ja", "ja", "ja", "*delvist", "ikke_relevant", "nej");
	ANSWERS(f, f->r2, "A-2", "ja", "*nej", "*nej", "nej", "nej", "nej", NULL, NULL, NULL, NULL, "*nej");
	ANSWERS(f, f->r2, "A-3", "ja", "ja", "ja", "ja", "ja", "ja", "ja", "nej", "nej", NULL, "ja");
	ANSWERS(f, f->r2, "A-4", "ja", "ja");
	ANSWERS(f, f->r2, "A-5", "nej");
	/* B-1 counts only where A-3 is ja (c0..c6); c7 has a leftover answer. */
	ANSWERS(f, f->r2, "B-1", "ja", "ja", "ja", "ja", "ja", "nej", NULL, "*nej", NULL, NULL, "ja");
	ANSWERS(f, f->r2, "B-2", "Fin sag");
	ANSWERS(f, f->r2, "B-3", "barnet", "forældrene");
	qexec(db, "UPDATE round_case SET status = 'erstattet', replaced_reason = 'test' WHERE round_id = %lld"
	          " AND case_id = %lld", (long long)f->r2, (long long)f->c[10]);

	/* r1 (version 1), eight cases. */
	for (int i = 0; i < 8; i++)
		put_in_sample(db, f->r1, f->c[i]);
	ANSWERS(f, f->r1, "A-1", "ja", "delvist", "delvist", "delvist", "nej", "nej", "nej", "nej");
	ANSWERS(f, f->r1, "A-2", "ja", "ja", "ja", "ja", "ja", "ja", "ja", "ja");
	ANSWERS(f, f->r1, "A-3", "ja", "ja");
	ANSWERS(f, f->r1, "A-4", "ikke_relevant", "ikke_relevant", "ikke_relevant", "ikke_relevant", "ikke_relevant",
	        "ikke_relevant", "ikke_relevant", "ikke_relevant");
	ANSWERS(f, f->r1, "B-1", "ja", "nej");

	/* r0: all fulfilled on A-1. The decoys: another kind, another department, a later round: all
	** 0 % on A-1, so picking one of them would show. rempty is sampled but has no answers. */
	for (int i = 0; i < 3; i++) {
		put_in_sample(db, f->r0, f->c[i]);
		put_in_sample(db, f->rx, f->c[i]);
		put_in_sample(db, f->ry, f->oc[i]);
		put_in_sample(db, f->rlater, f->c[i]);
		put_in_sample(db, f->rempty, f->c[i]);
	}
	ANSWERS(f, f->r0, "A-1", "ja", "ja", "ja");
	ANSWERS(f, f->rx, "A-1", "nej", "nej", "nej");
	ANSWERS(f, f->rlater, "A-1", "nej", "nej", "nej");
	for (int i = 0; i < 3; i++)
		must_save(db, f->ry, f->oc[i], "A-1", "nej", 0, &f->anna);
	*state = f;
	return 0;
}

static int teardown_results(void **state)
{
	Fx *f = *state;
	testdb_free(f->t);
	free(f);
	return 0;
}

static const QuestionResult *find(const QuestionResult *x, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (str_eq(x[i].code, code))
			return &x[i];
	fail_msg("no result for %s", code);
	return NULL;
}

static void assert_counts(const QuestionResult *x, int64_t yes, int64_t partly, int64_t no, int64_t not_relevant,
                          int64_t unanswered, int64_t material)
{
	if (x->yes != yes || x->partly != partly || x->no != no || x->not_relevant != not_relevant ||
	    x->unanswered != unanswered || x->material != material)
		fail_msg("%s: ja %lld delvist %lld nej %lld ir %lld ubesvaret %lld væsentlig %lld; want %lld %lld %lld %lld %lld "
		         "%lld", x->code, (long long)x->yes, (long long)x->partly, (long long)x->no,
		         (long long)x->not_relevant, (long long)x->unanswered, (long long)x->material, (long long)yes,
		         (long long)partly, (long long)no, (long long)not_relevant, (long long)unanswered, (long long)material);
}

/* fulfilled = yes / (yes + partly + no) with its Wilson interval; none when the base is 0. */
static void assert_fulfilled(const QuestionResult *x)
{
	int64_t base = x->yes + x->partly + x->no;
	assert_int_equal(x->has_fulfilled, base > 0);
	if (!base)
		return;
	double low, high;
	stats_wilson(x->yes, base, &low, &high);
	assert_true(x->fulfilled == (double)x->yes / (double)base);
	assert_true(x->ci_low == low);
	assert_true(x->ci_high == high);
	assert_true(0 <= x->ci_low && x->ci_low <= x->fulfilled && x->fulfilled <= x->ci_high && x->ci_high <= 1);
}

/* The change against the previous round's result y, as stats_newcombe computes it. */
static void assert_change(const QuestionResult *x, const QuestionResult *y, int64_t prev_round, const char *verdict)
{
	assert_int_equal(x->prev_round, prev_round);
	assert_true(x->prev_fulfilled == y->fulfilled);
	double diff, low, high;
	stats_newcombe(x->yes, x->yes + x->partly + x->no, y->yes, y->yes + y->partly + y->no, &diff, &low, &high);
	assert_true(x->diff == diff);
	assert_true(x->diff_low == low);
	assert_true(x->diff_high == high);
	assert_true(fabs(x->diff - (x->fulfilled - y->fulfilled)) < 1e-12);
	assert_string_equal(stats_verdict(x->diff_low, x->diff_high), verdict);
}

static void counts_per_question(void **state)
{
	Fx *f = *state;
	Round r = get_round(f->t->db, f->r2);
	QuestionResult *x;
	int n = results_round(f->t->db, &r, &x);
	/* jdn and jn questions in catalogue order; text (B-2) and choice (B-3) are not results. */
	static const char *const order[] = {"A-1", "A-2", "A-3", "A-4", "A-5", "B-1"};
	assert_int_equal(n, COUNT(order));
	for (int i = 0; i < n; i++) {
		assert_string_equal(x[i].code, order[i]);
		assert_true(x[i].question_id > 0);
	}
	const QuestionResult *a1 = find(x, n, "A-1"), *a2 = find(x, n, "A-2"), *a3 = find(x, n, "A-3");
	const QuestionResult *a4 = find(x, n, "A-4"), *a5 = find(x, n, "A-5"), *b1 = find(x, n, "B-1");
	/*                   ja delv nej ir ubes væsentlig */
	assert_counts(a1, 8, 1, 0, 1, 0, 1);
	assert_counts(a2, 1, 0, 5, 0, 4, 2);
	assert_counts(a3, 7, 0, 2, 0, 1, 0);
	assert_counts(a4, 2, 0, 0, 0, 8, 0);
	assert_counts(a5, 0, 0, 1, 0, 9, 0);
	/* Relevant where A-3 = ja (c0..c6): 5 ja, 1 nej, c6 unanswered; c7, c8 (A-3 nej) not relevant;
	** c9 (A-3 unanswered) unanswered, not ikke relevant (relevance.c); c7's leftover "nej", marked
	** væsentlig, counts neither as nej nor as væsentlig. */
	assert_counts(b1, 5, 0, 1, 2, 2, 0);
	for (int i = 0; i < n; i++)
		assert_fulfilled(&x[i]);
	assert_true(a1->fulfilled == 8.0 / 9.0);
	assert_true(a5->fulfilled == 0.0 && a5->ci_low == 0.0);
	assert_true(a4->fulfilled == 1.0 && a4->ci_high == 1.0);
	/* The text comes from the round's own catalogue version, with its section and category. */
	assert_string_equal(a2->text, "Er der partshørt efter forvaltningsloven?");
	assert_string_equal(a1->section, "Sagsbehandling");
	assert_string_equal(b1->section, "Handleplan");
	assert_string_equal(a2->category, "retssikkerhed");
	results_free(x, n);
}

static void previous_round_is_latest_earlier_comparable(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	Round r;
	r = get_round(db, f->r2);
	assert_int_equal(results_previous_round(db, &r), f->r1);  /* not rempty: no answers */
	r = get_round(db, f->r1);
	assert_int_equal(results_previous_round(db, &r), f->r0);
	r = get_round(db, f->r0);
	assert_int_equal(results_previous_round(db, &r), 0);
	r = get_round(db, f->rlater);
	assert_int_equal(results_previous_round(db, &r), f->r2);
	r = get_round(db, f->rempty);
	assert_int_equal(results_previous_round(db, &r), f->r1);  /* not rx (uddybende) or ry (VOK) */
	r = get_round(db, f->rnull);                              /* no start date: its creation date */
	assert_int_equal(results_previous_round(db, &r), f->r2);
	r = get_round(db, f->rx);
	assert_int_equal(results_previous_round(db, &r), 0);      /* the only uddybende round */
	r = get_round(db, f->ry);
	assert_int_equal(results_previous_round(db, &r), 0);      /* the only round of VOK */
	/* Once rempty (2025-07-01) has an answer, it lies between r1 and r2. */
	must_save(db, f->rempty, f->c[0], "A-1", "ja", 0, &f->anna);
	r = get_round(db, f->r2);
	assert_int_equal(results_previous_round(db, &r), f->rempty);
}

static void change_against_previous_round(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	Round r2 = get_round(db, f->r2), r1 = get_round(db, f->r1);
	QuestionResult *x, *p;
	int n = results_round(db, &r2, &x);
	int np = results_round(db, &r1, &p);
	assert_int_equal(np, 5); /* version 1: A-1..A-4 and B-1 */
	const QuestionResult *pa1 = find(p, np, "A-1"), *pa2 = find(p, np, "A-2"), *pa3 = find(p, np, "A-3");
	const QuestionResult *pa4 = find(p, np, "A-4"), *pb1 = find(p, np, "B-1");
	assert_counts(pa1, 1, 3, 4, 0, 0, 0);
	assert_counts(pa2, 8, 0, 0, 0, 0, 0);
	assert_counts(pa3, 2, 0, 0, 0, 6, 0);
	assert_counts(pa4, 0, 0, 0, 8, 0, 0);
	assert_counts(pb1, 1, 0, 1, 0, 6, 0); /* A-3 unanswered in c2..c7: B-1 unanswered there */
	assert_false(pa4->has_fulfilled);

	/* 8/9 against 1/8: Newcombe's interval [0.290, 0.901] lies above 0. */
	assert_change(find(x, n, "A-1"), pa1, f->r1, "improved");
	/* 1/6 against 8/8: [-0.970, -0.321], below 0. */
	assert_change(find(x, n, "A-2"), pa2, f->r1, "declined");
	assert_change(find(x, n, "A-3"), pa3, f->r1, "no_clear_change");
	/* 5/6 against 1/2: [-0.234, 0.761] holds 0. */
	assert_change(find(x, n, "B-1"), pb1, f->r1, "no_clear_change");
	const QuestionResult *a1 = find(x, n, "A-1");
	assert_true(fabs(a1->diff_low - 0.2900) < 0.0001 && fabs(a1->diff_high - 0.9012) < 0.0001);
	/* No comparison where the previous round has no base (A-4 all ikke relevant) or no such
	** question (A-5 is new in version 2). */
	assert_int_equal(find(x, n, "A-4")->prev_round, 0);
	assert_int_equal(find(x, n, "A-5")->prev_round, 0);

	/* r1 against r0, which answered A-1 only. */
	assert_change(pa1, &(QuestionResult){.yes = 3, .fulfilled = 1.0}, f->r0, "declined");
	assert_int_equal(pa2->prev_round, 0);
	assert_int_equal(pb1->prev_round, 0);
	results_free(x, n);
	results_free(p, np);
}

static void round_without_cases(void **state)
{
	Fx *f = *state;
	Round r = get_round(f->t->db, f->rnull);
	QuestionResult *x;
	int n = results_round(f->t->db, &r, &x);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		assert_counts(&x[i], 0, 0, 0, 0, 0, 0);
		assert_false(x[i].has_fulfilled);
		assert_int_equal(x[i].prev_round, 0);
	}
	char *text = results_json(&r, x, n);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	assert_non_null(root);
	json_t *q0 = json_array_get(json_object_get(root, "questions"), 0);
	assert_true(json_is_null(json_object_get(q0, "fulfilled")));
	assert_true(json_is_null(json_object_get(q0, "ci_low")));
	assert_true(json_is_null(json_object_get(q0, "ci_high")));
	assert_true(json_is_null(json_object_get(q0, "previous")));
	json_decref(root);
	free(text);
	results_free(x, n);
}

/* The design's keys, in the design's order. */
static const char *const question_keys[] = {"code", "text", "yes", "partly", "no", "not_relevant", "unanswered",
                                            "fulfilled", "ci_low", "ci_high", "previous"};
static const char *const previous_keys[] = {"round", "fulfilled", "diff", "diff_low", "diff_high", "verdict"};
/* Keys results_json adds beyond the design (used by pages and reports). */
static const char *const extra_keys[] = {"section", "category", "material", "at_least_partly", "at_least_partly_low",
                                         "at_least_partly_high"};

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(key, list[i]))
			return 1;
	return 0;
}

static void assert_real(json_t *o, const char *key, double want)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_real(v) && !json_is_integer(v))
		fail_msg("%s is not a number", key);
	if (json_number_value(v) != want)
		fail_msg("%s: %.17g, want %.17g", key, json_number_value(v), want);
	assert_true(want >= -1 && want <= 1);
}

static void check_json(const Round *r, const QuestionResult *x, int n)
{
	char *text = results_json(r, x, n);
	json_error_t err;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		fail_msg("results_json is not JSON: %s", err.text);
	assert_int_equal(json_object_size(root), 2);
	assert_true(json_is_integer(json_object_get(root, "round")));
	assert_int_equal(json_integer_value(json_object_get(root, "round")), r->id);
	json_t *qs = json_object_get(root, "questions");
	assert_true(json_is_array(qs));
	assert_int_equal(json_array_size(qs), n);
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(qs, (size_t)i);
		assert_true(json_is_object(o));
		/* Every key of the design, in its order; nothing but the design's and the known extras. */
		size_t at = 0;
		const char *key;
		json_t *v;
		json_object_foreach(o, key, v)
		{
			if (in_list(key, extra_keys, COUNT(extra_keys)))
				continue;
			if (at >= COUNT(question_keys) || !str_eq(key, question_keys[at]))
				fail_msg("question %d: key %s where %s was expected", i, key,
				         at < COUNT(question_keys) ? question_keys[at] : "(end)");
			at++;
		}
		assert_int_equal(at, COUNT(question_keys));
		assert_string_equal(json_string_value(json_object_get(o, "code")), x[i].code);
		assert_string_equal(json_string_value(json_object_get(o, "text")), x[i].text);
		static const char *const ints[] = {"yes", "partly", "no", "not_relevant", "unanswered"};
		const int64_t want[] = {x[i].yes, x[i].partly, x[i].no, x[i].not_relevant, x[i].unanswered};
		for (size_t k = 0; k < COUNT(ints); k++) {
			assert_true(json_is_integer(json_object_get(o, ints[k])));
			assert_int_equal(json_integer_value(json_object_get(o, ints[k])), want[k]);
		}
		if (x[i].has_fulfilled) {
			assert_real(o, "fulfilled", x[i].fulfilled);
			assert_real(o, "ci_low", x[i].ci_low);
			assert_real(o, "ci_high", x[i].ci_high);
		} else {
			assert_true(json_is_null(json_object_get(o, "fulfilled")));
			assert_true(json_is_null(json_object_get(o, "ci_low")));
			assert_true(json_is_null(json_object_get(o, "ci_high")));
		}
		json_t *p = json_object_get(o, "previous");
		if (!x[i].prev_round) {
			assert_true(json_is_null(p));
			continue;
		}
		assert_true(json_is_object(p));
		assert_int_equal(json_object_size(p), COUNT(previous_keys));
		at = 0;
		json_object_foreach(p, key, v)
		{
			if (!str_eq(key, previous_keys[at]))
				fail_msg("question %d, previous: key %s where %s was expected", i, key, previous_keys[at]);
			at++;
		}
		assert_true(json_is_integer(json_object_get(p, "round")));
		assert_int_equal(json_integer_value(json_object_get(p, "round")), x[i].prev_round);
		assert_real(p, "fulfilled", x[i].prev_fulfilled);
		assert_real(p, "diff", x[i].diff);
		assert_real(p, "diff_low", x[i].diff_low);
		assert_real(p, "diff_high", x[i].diff_high);
		assert_string_equal(json_string_value(json_object_get(p, "verdict")),
		                    stats_verdict(x[i].diff_low, x[i].diff_high));
	}
	json_decref(root);
	free(text);
}

static void json_shape(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	const int64_t rounds[] = {f->r2, f->r1, f->r0, f->rempty, f->rnull};
	for (size_t i = 0; i < COUNT(rounds); i++) {
		Round r = get_round(db, rounds[i]);
		QuestionResult *x;
		int n = results_round(db, &r, &x);
		check_json(&r, x, n);
		results_free(x, n);
	}
	/* Spot checks by value: r2's A-1 against r1; have no previous. */
	Round r = get_round(db, f->r2);
	QuestionResult *x;
	int n = results_round(db, &r, &x);
	char *text = results_json(&r, x, n);
	json_t *root = json_loads(text, 0, NULL);
	json_t *qs = json_object_get(root, "questions");
	json_t *a1 = json_array_get(qs, 0), *a4 = json_array_get(qs, 3), *a5 = json_array_get(qs, 4);
	assert_string_equal(json_string_value(json_object_get(a1, "code")), "A-1");
	assert_int_equal(json_integer_value(json_object_get(a1, "yes")), 8);
	assert_true(json_real_value(json_object_get(a1, "fulfilled")) == 8.0 / 9.0);
	json_t *p = json_object_get(a1, "previous");
	assert_int_equal(json_integer_value(json_object_get(p, "round")), f->r1);
	assert_true(json_real_value(json_object_get(p, "fulfilled")) == 1.0 / 8.0);
	assert_string_equal(json_string_value(json_object_get(p, "verdict")), "improved");
	assert_true(json_is_null(json_object_get(a4, "previous")));
	assert_true(json_is_null(json_object_get(a5, "previous")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(qs, 1), "previous"),
	                                                      "verdict")), "declined");
	json_decref(root);
	free(text);
	results_free(x, n);
}

/* ---- answer_save ---- */

typedef struct Ax {
	TestDb *t;
	Department d;
	User anna, bo;
	int64_t c[6];
	int64_t round, other_round, cat, cat_other;
	int64_t sampled[4], not_sampled;
} Ax;

static const char seed_hex[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static int setup_answers(void **state)
{
	Ax *a = calloc(1, sizeof *a);
	a->t = testdb_new();
	Db *db = a->t->db;
	a->d = add_department(db, "BHS", "barn");
	a->anna = add_user(db, "anna", "Anna Andersen");
	a->bo = add_user(db, "bo", "Bo Bech");
	for (int i = 0; i < 6; i++) {
		char no[32];
		snprintf(no, sizeof no, "S-%d", i);
		a->c[i] = add_case(db, &a->d, no, "Anna Andersen");
	}
	a->cat = store_catalogue(db, catalogue_v1);
	a->cat_other = store_catalogue(db, other_catalogue);
	a->round = new_round(db, &a->d, "overordnet", "test-kat", "2025-03-01");
	a->other_round = new_round(db, &a->d, "uddybende", "anden-kat", "2025-03-01");
	Round r = get_round(db, a->round);
	SampleRequest req = {.size = 4, .seed_hex = seed_hex};
	int64_t drawn = 0;
	char msg[300] = "";
	if (sample_draw(db, &r, &req, "test", &drawn, msg, sizeof msg) != 0)
		fail_msg("sample_draw: %s", msg);
	assert_int_equal(drawn, 4);
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 ORDER BY sample_key");
	db_bind_int(&q, 1, a->round);
	for (int i = 0; i < 4; i++) {
		assert_true(db_step(&q));
		a->sampled[i] = db_col_int(&q, 0);
	}
	assert_false(db_step(&q));
	db_finalize(&q);
	a->not_sampled = qint(db, "SELECT id FROM cases WHERE id NOT IN (SELECT case_id FROM round_case) LIMIT 1");
	*state = a;
	return 0;
}

static int teardown_answers(void **state)
{
	Ax *a = *state;
	testdb_free(a->t);
	free(a);
	return 0;
}

static void conflict_on_stale_revision(void **state)
{
	Ax *a = *state;
	Db *db = a->t->db;
	int64_t q1 = question_of(db, a->round, "A-1"), c = a->sampled[0];
	AnswerState cur;
	char msg[300] = "";
	/* Anna and Bo both opened the empty answer (revision 0). */
	assert_int_equal(save(db, a->round, c, q1, "ja", 0, "", 0, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(cur.revision, 1);
	assert_string_equal(cur.value, "ja");
	assert_string_equal(cur.by, "Anna Andersen");
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "mangler", 0, &a->bo, &cur, msg, sizeof msg), ANSWER_CONFLICT);
	assert_string_equal(cur.value, "ja");
	assert_string_equal(cur.by, "Anna Andersen");
	assert_int_equal(cur.revision, 1);
	assert_int_equal(cur.material, 0);
	assert_true(*cur.at);
	char v[64];
	qtext(db, v, sizeof v, "SELECT value FROM answer WHERE question_id = %lld AND case_id = %lld", (long long)q1,
	      (long long)c);
	assert_string_equal(v, "ja");
	/* Bo reloads (revision 1) and saves; now Anna's page is the stale one. */
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "mangler", 1, &a->bo, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(cur.revision, 2);
	assert_int_equal(save(db, a->round, c, q1, "delvist", 0, "", 1, &a->anna, &cur, msg, sizeof msg), ANSWER_CONFLICT);
	assert_string_equal(cur.value, "nej");
	assert_string_equal(cur.by, "Bo Bech");
	assert_string_equal(cur.comment, "mangler");
	assert_int_equal(cur.material, 1);
	assert_int_equal(cur.revision, 2);
	/* A seen revision ahead of the stored one is just as stale. */
	assert_int_equal(save(db, a->round, c, q1, "delvist", 0, "", 7, &a->anna, &cur, msg, sizeof msg), ANSWER_CONFLICT);
	/* -1 overwrites regardless. */
	assert_int_equal(save(db, a->round, c, q1, "delvist", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(cur.revision, 3);
	assert_int_equal(qint(db, "SELECT revision FROM answer WHERE question_id = %lld AND case_id = %lld", (long long)q1,
	                      (long long)c), 3);
}

static void refused_answers(void **state)
{
	Ax *a = *state;
	Db *db = a->t->db;
	int64_t q1 = question_of(db, a->round, "A-1"), q3 = question_of(db, a->round, "A-3");
	int64_t q2 = question_of(db, a->round, "B-2"), q_choice = question_of(db, a->round, "B-3");
	int64_t foreign = question_of(db, a->other_round, "A-1");
	int64_t c = a->sampled[1];
	AnswerState cur;
	char msg[300] = "";
	/* Væsentlig betydning only with nej or delvist. */
	static const char *const no_material[] = {"ja", "ikke_relevant", ""};
	for (size_t i = 0; i < COUNT(no_material); i++) {
		assert_int_equal(save(db, a->round, c, q1, no_material[i], 1, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
		assert_non_null(msg);
		assert_non_null(strstr(msg, "væsentlig"));
	}
	/* A CPR number in the comment, or in a free-text answer. */
	assert_int_equal(save(db, a->round, c, q1, "nej", 0, "Se barnets CPR 010190-1234", -1, &a->anna, &cur, msg, sizeof msg),
	                 ANSWER_INVALID);
	assert_non_null(strstr(msg, "CPR"));
	assert_int_equal(save(db, a->round, c, q1, "nej", 0, "cpr 0101901234", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	assert_int_equal(save(db, a->round, c, q2, "Mor 010190 1234 deltog", 0, "", -1, &a->anna, &cur, msg, sizeof msg),
	                 ANSWER_INVALID);
	/* A question of another round's catalogue, even with the same code. */
	assert_int_equal(save(db, a->round, c, foreign, "ja", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	assert_non_null(strstr(msg, "tilsyn"));
	assert_int_equal(save(db, a->round, c, 999999, "ja", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	/* Values outside the question's scale. */
	assert_int_equal(save(db, a->round, c, q3, "delvist", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	assert_int_equal(save(db, a->round, c, q1, "JA", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	assert_int_equal(save(db, a->round, c, q_choice, "naboen", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	/* A case outside the sample, or replaced. */
	assert_int_equal(save(db, a->round, a->not_sampled, q1, "ja", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	qexec(db, "UPDATE round_case SET status = 'erstattet' WHERE round_id = %lld AND case_id = %lld",
	      (long long)a->round, (long long)a->sampled[3]);
	assert_int_equal(save(db, a->round, a->sampled[3], q1, "ja", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_INVALID);
	/* Nothing of it was stored, and the review has not started. */
	assert_int_equal(qint(db, "SELECT count(*) FROM answer"), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer_history"), 0);
	assert_int_equal(qint(db, "SELECT review_started_at IS NULL FROM round WHERE id = %lld", (long long)a->round), 1);
	/* What is allowed: material with nej and delvist, a case number that is no CPR number. */
	assert_int_equal(save(db, a->round, c, q1, "delvist", 1, "Sag 27.15.00-G01-100-25", -1, &a->anna, &cur, msg, sizeof msg),
	                 ANSWER_SAVED);
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(save(db, a->round, c, q_choice, "forældrene", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
}

static void history_of_changes(void **state)
{
	Ax *a = *state;
	Db *db = a->t->db;
	int64_t q1 = question_of(db, a->round, "A-1"), c = a->sampled[2];
	AnswerState cur;
	char msg[300] = "";
	assert_int_equal(save(db, a->round, c, q1, "ja", 0, "", -1, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "frist overskredet", -1, &a->bo, &cur, msg, sizeof msg), ANSWER_SAVED);
	/* The same thing again: no new revision, no history row. */
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "frist overskredet", -1, &a->bo, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(cur.revision, 2);
	assert_int_equal(qint(db, "SELECT revision FROM answer WHERE case_id = %lld", (long long)c), 2);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer_history"), 2);
	/* Only the comment changes: that is a change. */
	assert_int_equal(save(db, a->round, c, q1, "nej", 1, "frist overskredet med 3 uger", 2, &a->bo, &cur, msg, sizeof msg),
	                 ANSWER_SAVED);
	/* Clearing the answer. */
	assert_int_equal(save(db, a->round, c, q1, "", 0, "", 3, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer_history"), 4);
	char s[256];
	/* old → new, with who did it. */
	qtext(db, s, sizeof s,
	      "SELECT coalesce(old_value, 'NULL') || '>' || coalesce(new_value, 'NULL') || '|' || coalesce(old_material, 'NULL')"
	      " || '>' || new_material || '|' || coalesce(old_comment, 'NULL') || '>' || new_comment || '|' || user_id"
	      " FROM answer_history ORDER BY id LIMIT 1 OFFSET 0");
	char want[256];
	snprintf(want, sizeof want, "NULL>ja|NULL>0|NULL>|%lld", (long long)a->anna.id);
	assert_string_equal(s, want);
	qtext(db, s, sizeof s,
	      "SELECT old_value || '>' || new_value || '|' || old_material || '>' || new_material || '|' || old_comment"
	      " || '>' || new_comment || '|' || user_id FROM answer_history ORDER BY id LIMIT 1 OFFSET 1");
	snprintf(want, sizeof want, "ja>nej|0>1|>frist overskredet|%lld", (long long)a->bo.id);
	assert_string_equal(s, want);
	qtext(db, s, sizeof s,
	      "SELECT old_value || '>' || new_value || '|' || old_comment || '>' || new_comment FROM answer_history"
	      " ORDER BY id LIMIT 1 OFFSET 2");
	assert_string_equal(s, "nej>nej|frist overskredet>frist overskredet med 3 uger");
	qtext(db, s, sizeof s,
	      "SELECT old_value || '>' || coalesce(new_value, 'NULL') || '|' || old_material || '>' || new_material"
	      " FROM answer_history ORDER BY id LIMIT 1 OFFSET 3");
	assert_string_equal(s, "nej>NULL|1>0");
	assert_int_equal(qint(db, "SELECT count(*) FROM answer_history WHERE round_id = %lld AND case_id = %lld"
	                          " AND question_id = %lld AND at <> ''", (long long)a->round, (long long)c, (long long)q1), 4);
	/* A cleared answer counts as unanswered. */
	Round r = get_round(db, a->round);
	QuestionResult *x;
	int n = results_round(db, &r, &x);
	assert_counts(find(x, n, "A-1"), 0, 0, 0, 0, 4, 0);
	results_free(x, n);
}

/* Clearing an answer nobody has given changes nothing: no row, no history, no review started. */
static void clearing_nothing_writes_nothing(void **state)
{
	Ax *a = *state;
	Db *db = a->t->db;
	AnswerState cur;
	char msg[300] = "";
	int64_t q1 = question_of(db, a->round, "A-1");
	assert_int_equal(save(db, a->round, a->sampled[0], q1, "", 0, "", 0, &a->anna, &cur, msg, sizeof msg), ANSWER_SAVED);
	assert_int_equal(cur.revision, 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer"), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer_history"), 0);
	assert_int_equal(qint(db, "SELECT review_started_at IS NULL FROM round WHERE id = %lld", (long long)a->round), 1);
}

static void first_answer_starts_review(void **state)
{
	Ax *a = *state;
	Db *db = a->t->db;
	Round r = get_round(db, a->round);
	assert_string_equal(r.phase, "udvaelgelse");
	assert_string_equal(r.review_started_at, "");
	/* Before the review a redraw is allowed. */
	SampleRequest req = {.size = 4, .seed_hex = seed_hex, .reason = "test"};
	int64_t drawn;
	char msg[300] = "";
	assert_int_equal(sample_draw(db, &r, &req, "test", &drawn, msg, sizeof msg), 0);
	r = get_round(db, a->round);
	assert_int_equal(qint(db, "SELECT review_status = 'ikke_startet' FROM round_case WHERE round_id = %lld AND"
	                          " case_id = %lld", (long long)a->round, (long long)a->sampled[0]), 1);

	AnswerState cur;
	assert_int_equal(save(db, a->round, a->sampled[0], question_of(db, a->round, "A-1"), "ja", 0, "", 0, &a->anna, &cur,
	                      msg, sizeof msg), ANSWER_SAVED);
	r = get_round(db, a->round);
	assert_string_equal(r.phase, "gennemgang");
	assert_true(strlen(r.review_started_at) == 20);
	assert_int_equal(qint(db, "SELECT review_status = 'i_gang' FROM round_case WHERE round_id = %lld AND"
	                          " case_id = %lld", (long long)a->round, (long long)a->sampled[0]), 1);
	char started[32];
	snprintf(started, sizeof started, "%s", r.review_started_at);
	/* The sample is now fixed. */
	msg[0] = 0;
	assert_int_equal(sample_draw(db, &r, &req, "test", &drawn, msg, sizeof msg), -1);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Gennemgangen"));
	assert_int_equal(qint(db, "SELECT count(*) FROM round_case WHERE round_id = %lld", (long long)a->round), 4);
	/* A later answer does not move the start. */
	assert_int_equal(save(db, a->round, a->sampled[1], question_of(db, a->round, "A-2"), "nej", 0, "", 0, &a->bo, &cur,
	                      msg, sizeof msg), ANSWER_SAVED);
	r = get_round(db, a->round);
	assert_string_equal(r.review_started_at, started);
	assert_string_equal(r.phase, "gennemgang");
	/* The other round has not started. */
	r = get_round(db, a->other_round);
	assert_string_equal(r.review_started_at, "");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_per_question, setup_results, teardown_results),
		cmocka_unit_test_setup_teardown(previous_round_is_latest_earlier_comparable, setup_results, teardown_results),
		cmocka_unit_test_setup_teardown(change_against_previous_round, setup_results, teardown_results),
		cmocka_unit_test_setup_teardown(round_without_cases, setup_results, teardown_results),
		cmocka_unit_test_setup_teardown(json_shape, setup_results, teardown_results),
		cmocka_unit_test_setup_teardown(conflict_on_stale_revision, setup_answers, teardown_answers),
		cmocka_unit_test_setup_teardown(refused_answers, setup_answers, teardown_answers),
		cmocka_unit_test_setup_teardown(history_of_changes, setup_answers, teardown_answers),
		cmocka_unit_test_setup_teardown(clearing_nothing_writes_nothing, setup_answers, teardown_answers),
		cmocka_unit_test_setup_teardown(first_answer_starts_review, setup_answers, teardown_answers),
	};
	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
