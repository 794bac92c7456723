/*
** Tests of the one rule for conditions (relevance.c): a question counts with its own answer
** when its gate is answered with one of the condition's answers, is ikke relevant when the
** gate is answered otherwise (or is itself ikke relevant), and is unanswered -- never ikke
** relevant -- while its gate is unanswered; chains of three levels; why a question does not
** count; and, on a real migrated SQLite file, the questions still to answer before a case
** can be marked færdig (relevance_missing, which review and calibration use).
*/
#include "unit_helpers.h"

/* G (choice: Afslag / Bevilling) -> C (jdn, asked when G is Bevilling) -> K (jdn, asked when C
** is ja or delvist) -> B (jn, asked when K is nej); F free text, U without a condition. */
enum { G, C, K, B, F, U, NQ };

static void chain(Relevance *rel)
{
	memset(rel, 0, sizeof *rel);
	relevance_add(rel, 10, 1, "G", "choice");
	relevance_add(rel, 11, 1, "C", "jdn");
	relevance_add(rel, 12, 1, "K", "jdn");
	relevance_add(rel, 13, 1, "B", "jn");
	relevance_add(rel, 14, 1, "F", "text");
	relevance_add(rel, 15, 1, "U", "jdn");
	/* The rows of question_condition: (question, gate, answer). */
	relevance_condition_add(rel, 11, 10, "Bevilling");
	relevance_condition_add(rel, 12, 11, "ja");
	relevance_condition_add(rel, 12, 11, "delvist");
	relevance_condition_add(rel, 13, 12, "nej");
	relevance_resolve(rel);
}

static void decide(const Relevance *rel, const char *const *v, int *st)
{
	relevance_decide(rel, v, st);
}

static void gates_resolved(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	assert_int_equal(rel.n, NQ);
	assert_int_equal(rel.q[G].gate, -1);
	assert_int_equal(rel.q[C].gate, G);
	assert_int_equal(rel.q[K].gate, C);
	assert_int_equal(rel.q[B].gate, K);
	assert_int_equal(rel.q[C].nallowed, 1);
	assert_true(relevance_allows(&rel.q[K], "delvist"));
	assert_false(relevance_allows(&rel.q[K], "nej"));
	assert_int_equal(relevance_index(&rel, 13), B);
	assert_int_equal(relevance_index(&rel, 99), -1);
	relevance_free(&rel);
}

/* Gate met: the question counts with its own answer, or as unanswered without one. */
static void gate_met(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	int st[NQ];
	const char *v[NQ] = {"Bevilling", "nej", NULL, NULL, NULL, NULL};
	decide(&rel, v, st);
	assert_int_equal(st[C], RELEVANCE_ASKED);
	assert_string_equal(relevance_counted(v, st, C), "nej");
	/* C is nej, so K (asked on ja/delvist) is ikke relevant, and so is its child B. */
	assert_int_equal(st[K], RELEVANCE_NOT_RELEVANT);
	assert_int_equal(st[B], RELEVANCE_NOT_RELEVANT);
	const char *w[NQ] = {"Bevilling", NULL, NULL, NULL, NULL, NULL};
	decide(&rel, w, st);
	assert_int_equal(st[C], RELEVANCE_ASKED);
	assert_null(relevance_counted(w, st, C));
	relevance_free(&rel);
}

/* Gate answered otherwise: ikke relevant, whatever is stored. */
static void gate_not_met(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	int st[NQ];
	const char *v[NQ] = {"Afslag", "ja", "nej", "ja", NULL, "ja"};
	decide(&rel, v, st);
	assert_int_equal(st[G], RELEVANCE_ASKED);
	assert_int_equal(st[C], RELEVANCE_NOT_RELEVANT);
	assert_string_equal(relevance_counted(v, st, C), "ikke_relevant");
	assert_int_equal(st[U], RELEVANCE_ASKED);
	char why[128];
	relevance_reason(&rel, v, st, C, why, sizeof why);
	assert_string_equal(why, "G er »Afslag«");
	relevance_reason(&rel, v, st, U, why, sizeof why);
	assert_string_equal(why, "");
	relevance_free(&rel);
}

/* Gate unanswered: unanswered (not yet known), never ikke relevant, even with a stored answer. */
static void gate_unanswered(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	int st[NQ];
	const char *v[NQ] = {NULL, "ja", NULL, NULL, NULL, NULL};
	decide(&rel, v, st);
	assert_int_equal(st[C], RELEVANCE_UNKNOWN);
	assert_null(relevance_counted(v, st, C));
	char why[128];
	relevance_reason(&rel, v, st, C, why, sizeof why);
	assert_string_equal(why, "G ikke er besvaret");
	const char *e[NQ] = {"", "ja", NULL, NULL, NULL, NULL}; /* an emptied answer is no answer */
	decide(&rel, e, st);
	assert_int_equal(st[C], RELEVANCE_UNKNOWN);
	relevance_free(&rel);
}

/* Three levels below the gate: each follows the chain to its top. */
static void chain_of_three(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	int st[NQ];
	char why[128];
	/* Top unanswered: the whole chain is unanswered, and says which question is waited for. */
	const char *a[NQ] = {NULL, "ja", "nej", "ja", NULL, NULL};
	decide(&rel, a, st);
	assert_int_equal(st[C], RELEVANCE_UNKNOWN);
	assert_int_equal(st[K], RELEVANCE_UNKNOWN);
	assert_int_equal(st[B], RELEVANCE_UNKNOWN);
	relevance_reason(&rel, a, st, B, why, sizeof why);
	assert_string_equal(why, "G ikke er besvaret");
	/* Top not met: the grandchild and great-grandchild are ikke relevant despite their answers. */
	const char *b[NQ] = {"Afslag", "ja", "nej", "ja", NULL, NULL};
	decide(&rel, b, st);
	assert_int_equal(st[K], RELEVANCE_NOT_RELEVANT);
	assert_int_equal(st[B], RELEVANCE_NOT_RELEVANT);
	relevance_reason(&rel, b, st, B, why, sizeof why);
	assert_string_equal(why, "G er »Afslag«");
	/* All met down to B. */
	const char *c[NQ] = {"Bevilling", "delvist", "nej", "ja", NULL, NULL};
	decide(&rel, c, st);
	assert_int_equal(st[K], RELEVANCE_ASKED);
	assert_int_equal(st[B], RELEVANCE_ASKED);
	assert_string_equal(relevance_counted(c, st, B), "ja");
	/* Met to K, K unanswered: B waits for K. */
	const char *d[NQ] = {"Bevilling", "ja", NULL, "ja", NULL, NULL};
	decide(&rel, d, st);
	assert_int_equal(st[K], RELEVANCE_ASKED);
	assert_int_equal(st[B], RELEVANCE_UNKNOWN);
	relevance_reason(&rel, d, st, B, why, sizeof why);
	assert_string_equal(why, "K ikke er besvaret");
	/* A gate answered "ikke relevant" is answered: its dependants are ikke relevant. */
	const char *e[NQ] = {"Bevilling", "ikke_relevant", "ja", NULL, NULL, NULL};
	decide(&rel, e, st);
	assert_int_equal(st[K], RELEVANCE_NOT_RELEVANT);
	relevance_reason(&rel, e, st, K, why, sizeof why);
	assert_string_equal(why, "C er »ikke relevant«");
	relevance_free(&rel);
}

/* Progress: free text never counts; unknown questions are still to answer. */
static void progress_counts(void **state)
{
	(void)state;
	Relevance rel;
	chain(&rel);
	int st[NQ], done, asked;
	const char *none[NQ] = {NULL};
	decide(&rel, none, st);
	relevance_progress(&rel, none, st, &done, &asked);
	assert_int_equal(asked, 5); /* G, C, K, B, U */
	assert_int_equal(done, 0);
	const char *no[NQ] = {"Afslag", NULL, NULL, NULL, "tekst", "ja"};
	decide(&rel, no, st);
	relevance_progress(&rel, no, st, &done, &asked);
	assert_int_equal(asked, 2); /* G, U */
	assert_int_equal(done, 2);
	relevance_free(&rel);
}

/* A cycle (refused when a catalogue is published) or an unknown gate never hides a question. */
static void cycles_and_missing_gates(void **state)
{
	(void)state;
	Relevance rel = {0};
	relevance_add(&rel, 1, 1, "X", "jdn");
	relevance_add(&rel, 2, 1, "Y", "jdn");
	relevance_add(&rel, 3, 1, "Z", "jdn");
	relevance_add(&rel, 4, 2, "W", "jdn");
	relevance_condition_add(&rel, 1, 2, "ja");
	relevance_condition_add(&rel, 2, 1, "ja");
	relevance_condition_add(&rel, 3, 99, "ja"); /* a gate that is not there */
	relevance_condition_add(&rel, 4, 1, "ja");  /* another catalogue's question is not its gate */
	relevance_resolve(&rel);
	int st[4];
	const char *v[4] = {NULL, NULL, NULL, NULL};
	relevance_decide(&rel, v, st);
	assert_int_equal(st[2], RELEVANCE_ASKED);
	assert_int_equal(st[3], RELEVANCE_ASKED);
	assert_int_not_equal(st[0], RELEVANCE_NOT_RELEVANT);
	relevance_free(&rel);
}

/* ---- on a real database: a round, a catalogue with a chain, answers through answer_save ---- */

static const char *const catalogue_json =
	"{\"code\": \"rel-test\", \"title\": \"Relevans\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afgørelse\", \"questions\": ["
	"  {\"code\": \"R-1\", \"text\": \"Resultat?\", \"category\": \"forvaltningsret\", \"scale\": \"choice\","
	"   \"choices\": [\"Bevilling\", \"Afslag\"]},"
	"  {\"code\": \"R-2\", \"text\": \"Begrundet?\", \"category\": \"forvaltningsret\", \"scale\": \"jdn\","
	"   \"condition\": {\"question\": \"R-1\", \"answers\": [\"Bevilling\"]}},"
	"  {\"code\": \"R-3\", \"text\": \"Konkret?\", \"category\": \"forvaltningsret\", \"scale\": \"jdn\","
	"   \"condition\": {\"question\": \"R-2\", \"answers\": [\"ja\"]}},"
	"  {\"code\": \"R-4\", \"text\": \"Klagevejledning?\", \"category\": \"forvaltningsret\", \"scale\": \"jn\"}"
	" ]}]}";

typedef struct Fixture {
	TestDb *t;
	int64_t round, case_id;
	User by;
} Fixture;

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	int64_t dept_id;
	Department dept;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, dept_id, &dept));
	exec_ok(db, "INSERT INTO users (login, name, password_hash) VALUES ('k', 'Koordinator', 'x')");
	assert_true(user_by_login(db, "k", &f->by));
	char err[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(db, catalogue_json, "udgivet", "lokal", &cat, err, sizeof err), 0);
	assert_int_equal(round_create(db, &dept, "uddybende", "Relevans", "rel-test", NULL, 0, NULL, NULL, "test", &f->round,
	                              msg, sizeof msg), 0);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
	         " VALUES (%lld, 'S-001', 'Anne', '2026-01-01', '2026-01-01') RETURNING id", (long long)dept_id);
	f->case_id = qinsert(db, "%s", sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO round_case (round_id, case_id, sample_key, status, added_at)"
	         " VALUES (%lld, %lld, '01', 'udtrukket', '2026-01-01')", (long long)f->round, (long long)f->case_id);
	exec_ok(db, sql);
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

static void answer(Fixture *f, const char *code, const char *value)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT q.id FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	                          " WHERE rc.round_id = %lld AND q.code = '%s'", (long long)f->round, code);
	int64_t qid = testdb_int(f->t->db, sql);
	AnswerInput in = {.value = value, .comment = "", .seen_revision = -1};
	AnswerState cur;
	char msg[300] = "";
	assert_int_equal(answer_save(f->t->db, f->round, f->case_id, qid, &in, &f->by, &cur, msg, sizeof msg), ANSWER_SAVED);
}

/* The færdig check: an unanswered gate keeps its dependants to answer; an unmet gate does not. */
static void missing_on_a_real_round(void **state)
{
	Fixture *f = *state;
	Db *db = f->t->db;
	Relevance rel;
	relevance_load(db, f->round, &rel);
	assert_int_equal(rel.n, 4);
	assert_int_equal(rel.q[2].gate, 1);
	relevance_free(&rel);
	int done, asked;
	/* Nothing answered: all four are still to answer (R-2 and R-3 wait for their gates). */
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 0, &done, &asked), 4);
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 0, NULL, NULL), 4);
	/* R-2 answered before its gate: still to answer, the answer does not count yet. */
	answer(f, "R-2", "ja");
	answer(f, "R-4", "ja");
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 0, &done, &asked), 3);
	assert_int_equal(done, 1);
	/* Gate not met: R-2 and its child R-3 are ikke relevant, nothing is missing. */
	answer(f, "R-1", "Afslag");
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 0, &done, &asked), 0);
	assert_int_equal(asked, 2);
	/* Gate met: R-2 counts with its stored ja, so R-3 is asked and missing. */
	answer(f, "R-1", "Bevilling");
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 0, &done, &asked), 1);
	assert_int_equal(asked, 4);
	int answered, relevant;
	assert_int_equal(review_counts(db, f->round, f->case_id, &answered, &relevant), 0);
	assert_int_equal(answered, 3);
	assert_int_equal(relevant, 4);
	/* The second review is counted on its own answers: none yet. */
	assert_int_equal(relevance_missing(db, f->round, f->case_id, 1, NULL, NULL), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gates_resolved),
		cmocka_unit_test(gate_met),
		cmocka_unit_test(gate_not_met),
		cmocka_unit_test(gate_unanswered),
		cmocka_unit_test(chain_of_three),
		cmocka_unit_test(progress_counts),
		cmocka_unit_test(cycles_and_missing_gates),
		cmocka_unit_test_setup_teardown(missing_on_a_real_round, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
