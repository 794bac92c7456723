/*
** Tests of conditions stored as rows (question_condition, migration 016): publishing a
** catalogue version writes one row per answer of each condition and a draft has none; the
** rows of a published version never change; relevance from the rows equals the rule applied
** to the catalogue's source form (cond_question + the JSON of cond_answers, as relevance.c
** read it before the rows) for every question of the shipped catalogues under many answer
** combinations; and a database from before migration 016 gets the rows of the versions it
** had published, the same rows catalogue_publish writes.
*/
#include "unit_helpers.h"

#include <jansson.h>

static int db_setup(void **state)
{
	*state = testdb_new();
	return 0;
}

static int db_teardown(void **state)
{
	testdb_free(*state);
	return 0;
}

/* The rows of one version as text, "question gate position answer" per line, in order. */
static char *rows_of(Db *db, int64_t catalogue_id)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT x.code, g.code, c.position, c.answer FROM question_condition c JOIN question x ON x.id = c.question_id"
	           " JOIN question g ON g.id = c.gate_id WHERE x.catalogue_id = ?1 AND g.catalogue_id = ?1"
	           " ORDER BY x.position, c.position");
	db_bind_int(&q, 1, catalogue_id);
	Buf b;
	buf_init(&b, 0);
	while (db_step(&q))
		buf_printf(&b, "%s %s %lld %s\n", db_col_text(&q, 0), db_col_text(&q, 1), (long long)db_col_int(&q, 2),
		           db_col_text(&q, 3));
	db_finalize(&q);
	return buf_detach(&b);
}

/* Every row of the table, with ids, in order: for comparing a whole database before and after. */
static char *all_rows(Db *db)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT question_id, gate_id, position, answer FROM question_condition ORDER BY question_id, position");
	Buf b;
	buf_init(&b, 0);
	while (db_step(&q))
		buf_printf(&b, "%lld %lld %lld %s\n", (long long)db_col_int(&q, 0), (long long)db_col_int(&q, 1),
		           (long long)db_col_int(&q, 2), db_col_text(&q, 3));
	db_finalize(&q);
	return buf_detach(&b);
}

/* A chain over two sections, a condition with two answers (one given twice), and one on
** ikke_relevant. */
static const char *const chain_json =
	"{\"code\":\"kaede\",\"title\":\"Kæde\",\"kind\":\"tema\",\"target\":\"begge\",\"sections\":["
	"{\"title\":\"Afgørelsen\",\"questions\":["
	"{\"code\":\"K-1\",\"text\":\"Resultat?\",\"category\":\"forvaltningsret\",\"scale\":\"choice\","
	" \"choices\":[\"Bevilling\",\"Afslag\",\"Delvis\"]},"
	"{\"code\":\"K-2\",\"text\":\"Begrundet?\",\"category\":\"forvaltningsret\",\"scale\":\"jdn\","
	" \"condition\":{\"question\":\"K-1\",\"answers\":[\"Afslag\",\"Delvis\",\"Afslag\"]}}]},"
	"{\"title\":\"Høring\",\"questions\":["
	"{\"code\":\"K-3\",\"text\":\"Konkret?\",\"category\":\"retssikkerhed\",\"scale\":\"jn\","
	" \"condition\":{\"question\":\"K-2\",\"answers\":[\"nej\",\"ikke_relevant\"]}},"
	"{\"code\":\"K-4\",\"text\":\"Bemærkninger\",\"category\":\"socialfaglig\",\"scale\":\"text\"}]}]}";

static const char *const chain_rows = "K-2 K-1 1 Afslag\nK-2 K-1 2 Delvis\nK-3 K-2 1 nej\nK-3 K-2 2 ikke_relevant\n";

static int64_t store(Db *db, const char *json, const char *status)
{
	char err[512];
	int64_t id = 0;
	if (catalogue_store_json(db, json, status, "lokal", &id, err, sizeof err) != 0)
		fail_msg("catalogue_store_json: %s", err);
	return id;
}

/* Publishing writes the rows; a draft has none, and its condition stays in its source form. */
static void publish_fills_rows(void **state)
{
	TestDb *t = *state;
	int64_t draft = store(t->db, chain_json, "kladde");
	char *rows = rows_of(t->db, draft);
	assert_string_equal(rows, "");
	free(rows);
	char err[512];
	assert_int_equal(catalogue_publish_draft(t->db, draft, err, sizeof err), 0);
	rows = rows_of(t->db, draft);
	assert_string_equal(rows, chain_rows);
	free(rows);
	/* Stored as published at once: the same rows. */
	int64_t pub = store(t->db, chain_json, "udgivet");
	rows = rows_of(t->db, pub);
	assert_string_equal(rows, chain_rows);
	free(rows);
	/* A draft made from it has none until it is published. */
	int64_t next = 0;
	assert_int_equal(catalogue_draft_from(t->db, pub, &next, err, sizeof err), 0);
	rows = rows_of(t->db, next);
	assert_string_equal(rows, "");
	free(rows);
	/* Publishing again is refused and writes nothing. */
	assert_int_equal(catalogue_publish(t->db, pub), -1);
	rows = rows_of(t->db, pub);
	assert_string_equal(rows, chain_rows);
	free(rows);
}

/* The rows of a published version cannot be changed, removed or added to. */
static void published_rows_are_frozen(void **state)
{
	TestDb *t = *state;
	int64_t pub = store(t->db, chain_json, "udgivet");
	char sql[512];
	snprintf(sql, sizeof sql,
	         "UPDATE question_condition SET answer = 'ja' WHERE question_id IN (SELECT id FROM question WHERE catalogue_id = %lld)",
	         (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	snprintf(sql, sizeof sql,
	         "DELETE FROM question_condition WHERE question_id IN (SELECT id FROM question WHERE catalogue_id = %lld)",
	         (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	snprintf(sql, sizeof sql,
	         "INSERT INTO question_condition (question_id, gate_id, position, answer) SELECT x.id, g.id, 9, 'ja'"
	         " FROM question x JOIN question g ON g.catalogue_id = x.catalogue_id AND g.code = 'K-1'"
	         " WHERE x.catalogue_id = %lld AND x.code = 'K-4'", (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	char *rows = rows_of(t->db, pub);
	assert_string_equal(rows, chain_rows);
	free(rows);
}

/* ---- the rule applied to the source form, as relevance.c did before the rows ---- */

typedef struct SourceQ {
	int64_t id, catalogue_id;
	char *code, *scale, *cond;
	json_t *allowed, *choices;
	int gate;
} SourceQ;

static int source_decide(const SourceQ *qs, const char *const *v, int *out, int i)
{
	if (out[i] >= 0)
		return out[i];
	const SourceQ *x = &qs[i];
	if (!x->cond || !*x->cond || x->gate < 0 || out[i] == -2)
		return out[i] = RELEVANCE_ASKED;
	out[i] = -2;
	int g = source_decide(qs, v, out, x->gate);
	if (g == RELEVANCE_NOT_RELEVANT)
		return out[i] = RELEVANCE_NOT_RELEVANT;
	if (g == RELEVANCE_UNKNOWN || !v[x->gate] || !*v[x->gate])
		return out[i] = RELEVANCE_UNKNOWN;
	for (size_t k = 0; k < json_array_size(x->allowed); k++)
		if (str_eq(json_string_value(json_array_get(x->allowed, k)), v[x->gate]))
			return out[i] = RELEVANCE_ASKED;
	return out[i] = RELEVANCE_NOT_RELEVANT;
}

/* The possible answers of a question: one of its scale's, or none. */
static const char *pick(const SourceQ *x, unsigned *seed)
{
	static const char *const jdn[] = {"ja", "delvist", "nej", "ikke_relevant"}, *const jn[] = {"ja", "nej", "ikke_relevant"};
	*seed = *seed * 1103515245u + 12345u;
	unsigned r = (*seed >> 8) % 16;
	if (r < 2)
		return r ? "" : NULL;
	if (str_eq(x->scale, "jdn"))
		return jdn[r % 4];
	if (str_eq(x->scale, "jn"))
		return jn[r % 3];
	if (str_eq(x->scale, "choice") && json_array_size(x->choices))
		return json_string_value(json_array_get(x->choices, r % json_array_size(x->choices)));
	return "tekst";
}

/*
** Every question of the shipped catalogues and of a chain: the states from the rows
** (relevance_load on a round with all of them) equal those from the source form, under random answers and under
** answers that meet a dependant's condition often enough to reach the ends of the chains.
*/
static void shipped_catalogues_same_as_source(void **state)
{
	TestDb *t = *state;
	Db *db = t->db;
	char err[512];
	assert_true(catalogue_install_defaults(db, err, sizeof err) > 0);
	store(db, chain_json, "udgivet"); /* the shipped ones have no chains */
	char msg[300] = "";
	int64_t dept_id;
	Department dept;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, dept_id, &dept));
	int64_t round;
	assert_int_equal(round_create(db, &dept, "overordnet", "Alle", "overordnet-barn", NULL, 0, NULL, NULL, "test", &round,
	                              msg, sizeof msg), 0);
	/* Every other published catalogue in the round too, after the first. */
	exec_ok(db, "INSERT INTO round_catalogue (round_id, catalogue_id, position)"
	            " SELECT r.id, k.id, 1 + k.id FROM round r JOIN catalogue k ON k.status = 'udgivet'"
	            " WHERE NOT EXISTS (SELECT 1 FROM round_catalogue x WHERE x.round_id = r.id AND x.catalogue_id = k.id)");
	assert_true(testdb_int(db, "SELECT count(*) FROM round_catalogue") >= 15);
	assert_true(testdb_int(db, "SELECT count(DISTINCT question_id) FROM question_condition") >= 40);

	Relevance rel;
	relevance_load(db, round, &rel);
	int n = rel.n;
	assert_int_equal(n, testdb_int(db, "SELECT count(*) FROM question q JOIN catalogue k ON k.id = q.catalogue_id"
	                                   " WHERE k.status = 'udgivet'"));
	SourceQ *qs = calloc((size_t)n, sizeof *qs);
	Stmt q;
	db_prepare(&q, db, "SELECT catalogue_id, code, scale, cond_question, cond_answers, choices FROM question WHERE id = ?1");
	for (int i = 0; i < n; i++) {
		db_reset(&q);
		db_bind_int(&q, 1, rel.q[i].id);
		assert_true(db_step(&q));
		qs[i].id = rel.q[i].id;
		qs[i].catalogue_id = db_col_int(&q, 0);
		qs[i].code = strdup(db_col_text(&q, 1));
		qs[i].scale = strdup(db_col_text(&q, 2));
		qs[i].cond = db_col_is_null(&q, 3) ? NULL : strdup(db_col_text(&q, 3));
		qs[i].allowed = json_loads(db_col_is_null(&q, 4) ? "[]" : db_col_text(&q, 4), 0, NULL);
		qs[i].choices = json_loads(db_col_is_null(&q, 5) ? "[]" : db_col_text(&q, 5), 0, NULL);
	}
	db_finalize(&q);
	for (int i = 0; i < n; i++) {
		qs[i].gate = -1;
		for (int j = 0; qs[i].cond && j < n && qs[i].gate < 0; j++)
			if (j != i && qs[j].catalogue_id == qs[i].catalogue_id && str_eq(qs[j].code, qs[i].cond))
				qs[i].gate = j;
		assert_int_equal(rel.q[i].gate, qs[i].gate);
	}

	const char **v = calloc((size_t)n, sizeof *v);
	int *from_rows = calloc((size_t)n, sizeof *from_rows), *from_source = calloc((size_t)n, sizeof *from_source);
	unsigned seed = 14;
	int seen[3] = {0}, deep = 0;
	for (int combo = 0; combo < 4000; combo++) {
		for (int i = 0; i < n; i++)
			v[i] = pick(&qs[i], &seed);
		/* Half of the time, each gate gets an answer one of its dependants is asked on. */
		if (combo % 2)
			for (int i = 0; i < n; i++)
				if (qs[i].gate >= 0 && json_array_size(qs[i].allowed) && (seed >> 4) % 4) {
					seed = seed * 1103515245u + 12345u;
					v[qs[i].gate] = json_string_value(json_array_get(qs[i].allowed, (seed >> 8) % json_array_size(qs[i].allowed)));
				}
		relevance_decide(&rel, v, from_rows);
		for (int i = 0; i < n; i++)
			from_source[i] = -1;
		for (int i = 0; i < n; i++)
			source_decide(qs, v, from_source, i);
		for (int i = 0; i < n; i++) {
			if (from_rows[i] != from_source[i])
				fail_msg("combination %d: %s is %d from the rows, %d from the source form", combo, qs[i].code,
				         from_rows[i], from_source[i]);
			if (qs[i].gate >= 0) {
				seen[from_rows[i]]++;
				deep += from_rows[i] == RELEVANCE_ASKED && qs[qs[i].gate].gate >= 0;
			}
		}
	}
	/* Every outcome occurred for conditioned questions, and chains were met to their second level. */
	assert_true(seen[RELEVANCE_ASKED] > 0 && seen[RELEVANCE_NOT_RELEVANT] > 0 && seen[RELEVANCE_UNKNOWN] > 0);
	assert_true(deep > 0);
	for (int i = 0; i < n; i++) {
		free(qs[i].code), free(qs[i].scale), free(qs[i].cond);
		json_decref(qs[i].allowed), json_decref(qs[i].choices);
	}
	free(qs), free(v), free(from_rows), free(from_source);
	relevance_free(&rel);
}

/*
** A database from before migration 016: published versions (the shipped ones, and one
** published by hand with a condition given twice and one on a missing question) get the rows
** catalogue_publish writes; a draft gets none.
*/
static void backfilled_by_the_migration(void **state)
{
	TestDb *t = *state;
	Db *db = t->db;
	char err[512];
	assert_true(catalogue_install_defaults(db, err, sizeof err) > 0);
	int64_t draft = store(db, chain_json, "kladde");
	int64_t pub = store(db, chain_json, "udgivet");
	char *published = all_rows(db);
	assert_true(strlen(published) > 0);

	/* Back to schema 15: no table; then a version published the old way (no rows written). */
	exec_ok(db, "DROP TABLE question_condition");
	exec_ok(db, "PRAGMA user_version = 15");
	int64_t old = store(db, chain_json, "kladde");
	char sql[512];
	snprintf(sql, sizeof sql,
	         "UPDATE question SET cond_question = 'K-9' WHERE catalogue_id = %lld AND code = 'K-3'", (long long)old);
	exec_ok(db, sql);
	snprintf(sql, sizeof sql, "UPDATE catalogue SET status = 'udgivet', published_at = '2025-01-01T00:00:00Z' WHERE id = %lld",
	         (long long)old);
	exec_ok(db, sql);

	char *e = NULL;
	assert_int_equal(db_migrate(db, &e), 0);
	assert_null(e);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	/* The hand-published one: K-2's answers each once; K-3's gate is not there, so no rows. */
	char *rows = rows_of(db, old);
	assert_string_equal(rows, "K-2 K-1 1 Afslag\nK-2 K-1 2 Delvis\n");
	free(rows);
	rows = rows_of(db, draft);
	assert_string_equal(rows, "");
	free(rows);
	/* The rest, ids and all, are the rows publishing wrote; the hand-published version's
	** questions have the highest ids, so its two rows come last. */
	char *after = all_rows(db);
	assert_int_equal(strncmp(after, published, strlen(published)), 0);
	int lines = 0;
	for (const char *p = after + strlen(published); *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);
	rows = rows_of(db, pub);
	assert_string_equal(rows, chain_rows);
	free(rows);
	free(after);
	free(published);
	/* The migrated table keeps published rows frozen too. */
	assert_int_equal(db_exec(db, "DELETE FROM question_condition"), DB_CONSTRAINT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publish_fills_rows, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(published_rows_are_frozen, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(shipped_catalogues_same_as_source, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(backfilled_by_the_migration, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
