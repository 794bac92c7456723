/*
** Tests of what one request may cost (issue 12, items 6 and 10) on a real database: the
** lookup of a caseworker for their own feedback reads the sample through an index, not the
** department's whole case list (checked with EXPLAIN QUERY PLAN and at 20,000 cases); the
** statement time limit of db.c ends a long statement with DB_INTERRUPT and every later
** one until disarmed; waiting uploads are capped per user and expire.
*/
#include "unit_helpers.h"
#include "report.h"

#include <time.h>

static TestDb *demo_db(Round *r)
{
	TestDb *t = testdb_new();
	char err[512];
	char msg[300] = "";
	assert_int_equal(auth_init(), 0);
	if (catalogue_install_defaults(t->db, err, sizeof err) < 0)
		fail_msg("catalogue_install_defaults: %s", err);
	if (demo_fill(t->db, msg, sizeof msg) != 0)
		fail_msg("demo_fill: %s", msg);
	assert_true(round_by_id(t->db, 3, r));
	return t;
}

/* The plan of sql, one line per step, joined with " | ". */
static void query_plan(Db *db, const char *sql, char *out, size_t n)
{
	char eqp[2048];
	snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
	Stmt q;
	if (db_prepare_uncached(&q, db, eqp) != DB_OK)
		fail_msg("prepare %s: %s", eqp, db_errmsg(db));
	db_bind_int(&q, 1, 1);
	size_t len = 0;
	out[0] = 0;
	while (db_step(&q))
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s | ", db_col_text(&q, 3));
	db_finalize(&q);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void advisor_lookup_uses_indexes(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	char plan[4096];
	/* The sample: round_case by its key (round_id first), each case by its id. */
	query_plan(t->db, REPORT_SQL_SAMPLE_ADVISORS, plan, sizeof plan);
	assert_non_null(strstr(plan, "SEARCH rc USING PRIMARY KEY (round_id=?)"));
	assert_non_null(strstr(plan, "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"));
	assert_null(strstr(plan, "SCAN c"));
	testdb_free(t);
}

/* A statement that runs for a long time: counting to a billion. */
static const char slow_sql[] =
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n";

static void statement_deadline_interrupts(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	db_set_path(t->path);
	Db *db = db_thread(); /* the limit lives on a server thread's connection */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	db_deadline_arm(0.05);
	Stmt q;
	db_prepare(&q, db, slow_sql);
	assert_false(db_step(&q));
	assert_int_equal(db_errcode(db), DB_INTERRUPT);
	db_finalize(&q);
	double took = seconds_since(&t0);
	if (took > 1.0)
		fail_msg("the 0.05 s limit stopped the statement only after %.2f s", took);
	assert_true(db_deadline_expired());
	/* Later statements of the same request end at once, short ones and writes included. */
	assert_int_equal(db_begin(db), DB_INTERRUPT);
	db_prepare(&q, db, "SELECT 1");
	assert_false(db_step(&q));
	db_finalize(&q);
	db_prepare(&q, db, "INSERT INTO setting (key, value) VALUES ('never', 'x')");
	assert_int_equal(db_done(&q), DB_INTERRUPT);
	db_finalize(&q);
	assert_true(db_deadline_disarm());
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM setting WHERE key = 'never'"), 0);
	/* A transaction begun before the limit passed is not committed, but rolled back. */
	db_deadline_arm(0.05);
	assert_int_equal(db_begin(db), DB_OK);
	db_prepare(&q, db, "INSERT INTO setting (key, value) VALUES ('half', 'x')");
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
	db_prepare(&q, db, slow_sql);
	assert_false(db_step(&q));
	db_finalize(&q);
	assert_int_equal(db_commit(db), DB_INTERRUPT);
	assert_true(db_deadline_disarm());
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM setting WHERE key = 'half'"), 0);
	/* Disarmed: the next request's statements run normally. */
	assert_int_equal(db_exec(db, "CREATE TABLE later (x)"), DB_OK);
	/* A quick request under the limit is not disturbed, and says so. */
	db_deadline_arm(5);
	assert_int_equal(db_exec(db, "INSERT INTO later VALUES (1)"), DB_OK);
	assert_false(db_deadline_disarm());
	db_thread_close();
	testdb_free(t);
}

static void statement_deadline_not_on_unarmed_connection(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	/* The command line's connection (db_open) has no limit: a long statement runs to the end. */
	db_deadline_arm(0.001);
	assert_int_equal(testdb_int(t->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
	                                   " SELECT count(*) FROM n"), 200000);
	assert_false(db_deadline_disarm());
	testdb_free(t);
}

static int64_t uploads_of(Db *db, int64_t user)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM upload WHERE user_id = %lld", (long long)user);
	return testdb_int(db, sql);
}

static void uploads_capped_per_user_and_expire(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	int64_t a = testdb_int(t->db, "SELECT min(id) FROM users"), b = testdb_int(t->db, "SELECT max(id) FROM users");
	assert_true(a != b);
	time_t now = time(NULL);
	char token[32];
	for (int i = 0; i < 5; i++) {
		snprintf(token, sizeof token, "a%d", i);
		assert_int_equal(cases_keep_upload(t->db, r.department_id, a, token, "liste.csv", "x", 1, now - 10 + i), DB_OK);
	}
	assert_int_equal(cases_keep_upload(t->db, r.department_id, b, "b0", "liste.csv", "y", 1, now - 4000), DB_OK);
	/* The three newest of a's stay; b's own upload is not counted against a. */
	assert_int_equal(uploads_of(t->db, a), UPLOAD_PER_USER);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM upload WHERE token IN ('a2', 'a3', 'a4')"), 3);
	assert_int_equal(uploads_of(t->db, b), 1);
	/* b's is past the lifetime (an hour by default) and goes; a's stay. */
	assert_int_equal(cases_upload_lifetime(), UPLOAD_TTL);
	assert_int_equal(cases_forget_uploads(t->db, now), 1);
	assert_int_equal(uploads_of(t->db, b), 0);
	assert_int_equal(uploads_of(t->db, a), 3);
	/* A shorter lifetime (serve --upload-lifetime) takes them too. */
	cases_upload_lifetime_set(5);
	assert_int_equal(cases_forget_uploads(t->db, now), 3);
	cases_upload_lifetime_set(0);
	assert_int_equal(cases_upload_lifetime(), UPLOAD_TTL);
	/* The purge and the cap find uploads through the indexes of migration 011. */
	char plan[1024];
	query_plan(t->db, "DELETE FROM upload WHERE created < ?1", plan, sizeof plan);
	assert_non_null(strstr(plan, "upload_created"));
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(advisor_lookup_uses_indexes),
		cmocka_unit_test(statement_deadline_interrupts),
		cmocka_unit_test(statement_deadline_not_on_unarmed_connection),
		cmocka_unit_test(uploads_capped_per_user_and_expire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
