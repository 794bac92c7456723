/*
** Tests of retention (retention.c, results_keep in results.c, audit_purge in audit.c) on a
** real database with the demo municipality: the settings and their limits; the day the
** period counts from (finished_at, else the phase change, else the newest of the round's
** own dates) and the day the data is due; that a purge deletes a round's case data and
** nothing else, in one transaction, while its results, its successor's comparison and the
** trends stay the same to the last digit; that a dry run changes nothing; the case-list
** rule; and that the audit log, cut by retention, still verifies from its anchor and still
** catches a changed entry or a moved anchor.
*/
#include "unit_helpers.h"

#include <sodium.h>

static char template_path[128];
static char template_dir[64];

ATTR_PRINTF(2, 3) static int64_t qint(Db *db, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return testdb_int(db, sql);
}

/* The demo municipality is made once (password hashing makes it slow) and copied per test. */
static int group_setup(void **state)
{
	(void)state;
	if (auth_init() != 0)
		return -1;
	TestDb *t = testdb_new();
	char err[512];
	char msg[300] = "";
	if (catalogue_install_defaults(t->db, err, sizeof err) < 0 || demo_fill(t->db, msg, sizeof msg) != 0)
		return -1;
	snprintf(template_dir, sizeof template_dir, "%s", t->dir);
	snprintf(template_path, sizeof template_path, "%s", t->path);
	db_close(t->db); /* the last connection: the WAL is folded into the file */
	free(t);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(template_path);
	rmdir(template_dir);
	return 0;
}

static TestDb *demo_copy(void)
{
	TestDb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	snprintf(t->dir, sizeof t->dir, "/tmp/tilsyn-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
	FILE *in = fopen(template_path, "rb"), *out = fopen(t->path, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	char *err = NULL;
	t->db = db_open(t->path, &err);
	assert_non_null(t->db);
	return t;
}

static char *results_text(Db *db, int64_t id)
{
	Round r;
	assert_true(round_by_id(db, id, &r));
	QuestionResult *x;
	int n = results_round(db, &r, &x);
	char *text = results_json(&r, x, n);
	results_free(x, n);
	return text;
}

/* Everything the trends page shows, as text, so two states can be compared exactly. */
static char *trends_text(Db *db, int64_t department_id)
{
	Trends t;
	results_trends(db, department_id, NULL, &t);
	Buf b;
	buf_init(&b, 0);
	for (int k = 0; k < t.nrounds; k++) {
		buf_printf(&b, "round %lld %s %s\n", (long long)t.rounds[k].id, t.rounds[k].date, t.rounds[k].title);
		const TrendCell *c = &t.total[k];
		buf_printf(&b, " total %d %lld/%lld %.17g %.17g %.17g\n", c->has, (long long)c->yes, (long long)c->base,
		           c->fulfilled, c->ci_low, c->ci_high);
		for (int j = 0; j < RESULT_CATEGORIES; j++) {
			c = &t.categories[(size_t)k * RESULT_CATEGORIES + (size_t)j];
			buf_printf(&b, " cat %d %lld/%lld %.17g\n", c->has, (long long)c->yes, (long long)c->base, c->fulfilled);
		}
		for (int j = 0; j < t.nquestions; j++) {
			c = &t.cells[(size_t)k * (size_t)t.nquestions + (size_t)j];
			buf_printf(&b, " %s %d %lld/%lld %.17g\n", t.questions[j].code, c->has, (long long)c->yes,
			           (long long)c->base, c->fulfilled);
		}
	}
	for (int j = 0; j < t.nquestions; j++)
		buf_printf(&b, "q %s %s %s\n", t.questions[j].code, t.questions[j].category, t.questions[j].text);
	results_trends_free(&t);
	return buf_detach(&b);
}

static void progress_of(Db *db, int64_t id, int64_t out[3])
{
	Round r;
	assert_true(round_by_id(db, id, &r));
	RoundResults rr;
	results_compute(db, &r, NULL, &rr);
	out[0] = rr.sampled, out[1] = rr.finished, out[2] = rr.with_answers;
	results_release(&rr);
}

static RetentionRound *find_round(RetentionRound *v, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (v[i].round_id == id)
			return &v[i];
	return NULL;
}

/* ---- settings ---- */

static void settings_defaults_and_limits(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	RetentionSettings s;
	retention_settings(t->db, &s);
	assert_int_equal(s.months, 24);
	assert_int_equal(s.audit_extra, 6);
	assert_int_equal(s.notice_days, 30);
	assert_null(retention_settings_problem(&s));

	static const RetentionSettings bad[] = {
		{0, 6, 30}, {601, 6, 30}, {24, -1, 30}, {3, 2, 30}, {24, 6, -1}, {24, 6, 367},
	};
	for (size_t i = 0; i < COUNT(bad); i++)
		assert_non_null(retention_settings_problem(&bad[i]));
	assert_null(retention_settings_problem(&(RetentionSettings){1, 5, 0})); /* six months of audit in all */

	char msg[300] = "";
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(retention_settings_save(t->db, &(RetentionSettings){0, 6, 30}, "test", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "--months"));
	assert_int_equal(retention_settings_save(t->db, &(RetentionSettings){36, 6, 14}, "test", msg, sizeof msg), 2);
	assert_int_equal(retention_settings_save(t->db, &(RetentionSettings){36, 6, 14}, "test", msg, sizeof msg), 0);
	assert_int_equal(db_commit(t->db), DB_OK);
	retention_settings(t->db, &s);
	assert_int_equal(s.months, 36);
	assert_int_equal(s.notice_days, 14);
	assert_int_equal(qint(t->db, "SELECT count(*) FROM audit WHERE action = 'setting_set'"), 2);
	char detail[64];
	testdb_text(t->db, "SELECT detail FROM audit WHERE action = 'setting_set' AND object = 'retention_months'", detail,
	            sizeof detail);
	assert_string_equal(detail, "24 -> 36");
	/* A value that cannot be read falls back to the default rather than deleting early. */
	qexec(t->db, "UPDATE setting SET value = 'to år' WHERE key = 'retention_months'");
	retention_settings(t->db, &s);
	assert_int_equal(s.months, 24);
	testdb_free(t);
}

/* ---- the day the period counts from, and the due day ---- */

static void basis_and_due(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	RetentionSettings s = {24, 6, 30};
	/* 4: finished_at. 5: no finished_at, but a phase change to afsluttet. 2: finished long
	** ago without either, so the newest of its own dates counts. */
	qexec(t->db, "UPDATE round SET finished_at = '2024-02-29T10:00:00Z' WHERE id = 4");
	qexec(t->db, "UPDATE round SET finished_at = NULL WHERE id = 5");
	qexec(t->db, "DELETE FROM round_phase_change WHERE round_id IN (2, 5)");
	qexec(t->db, "INSERT INTO round_phase_change (round_id, from_phase, to_phase, at, by_name) VALUES"
	             " (5, 'opfoelgning', 'afsluttet', '2025-11-02T09:00:00Z', 'test'),"
	             " (5, 'afsluttet', 'opfoelgning', '2025-11-20T09:00:00Z', 'test'),"
	             " (5, 'opfoelgning', 'afsluttet', '2025-12-05T09:00:00Z', 'test')");
	qexec(t->db, "UPDATE round SET phase = 'afsluttet', finished_at = NULL, planned_end = '2025-01-31',"
	             " sampled_at = '2024-11-02T09:00:00Z', review_started_at = '2025-02-14T12:00:00Z',"
	             " created_at = '2024-10-01T08:00:00Z' WHERE id = 2");
	RetentionRound *v;
	int n = retention_rounds(t->db, &s, 0, 0, &v);
	assert_null(find_round(v, n, 1)); /* unfinished rounds are not listed */
	assert_null(find_round(v, n, 3));
	RetentionRound *r4 = find_round(v, n, 4), *r5 = find_round(v, n, 5), *r2 = find_round(v, n, 2);
	assert_non_null(r4);
	assert_non_null(r5);
	assert_non_null(r2);
	assert_string_equal(r4->basis_source, "afsluttet");
	assert_string_equal(r4->basis, "2024-02-29");
	assert_string_equal(r4->due, "2026-02-28"); /* 29 February + 24 months: the month's last day */
	assert_string_equal(r5->basis_source, "faseskift");
	assert_string_equal(r5->basis, "2025-12-05"); /* the newest change */
	assert_string_equal(r5->due, "2027-12-05");
	assert_string_equal(r2->basis_source, "skoen");
	assert_string_equal(r2->basis, "2025-02-14"); /* the start of review is its newest date */
	assert_string_equal(r2->due, "2027-02-14");
	assert_int_equal(r2->months, 24);
	assert_string_equal(v[0].due, "2026-02-28"); /* soonest first */

	assert_true(retention_is_due(r4, "2026-02-28"));
	assert_false(retention_is_due(r4, "2026-02-27"));
	assert_true(retention_is_due(r4, "2030-01-01"));
	RetentionRound unreadable = *r4;
	unreadable.due[0] = 0;
	assert_false(retention_is_due(&unreadable, "2030-01-01"));
	free(v);

	/* A leader sees the rounds of the departments they lead, and only those. */
	User u;
	assert_true(user_by_login(t->db, "leder.barn", &u));
	n = retention_rounds(t->db, &s, 0, u.id, &v);
	assert_non_null(find_round(v, n, 4));
	assert_non_null(find_round(v, n, 5));
	for (int i = 0; i < n; i++)
		assert_string_equal(v[i].department, "BHS");
	free(v);
	assert_true(user_by_login(t->db, "leder.voksen", &u));
	n = retention_rounds(t->db, &s, 0, u.id, &v);
	assert_non_null(find_round(v, n, 2));
	for (int i = 0; i < n; i++)
		assert_string_equal(v[i].department, "VHS");
	free(v);
	assert_true(user_by_login(t->db, "koordinator.barn", &u));
	assert_int_equal(retention_rounds(t->db, &s, 0, u.id, &v), 0);
	free(v);

	char text[40];
	date_text("2026-03-01", text);
	assert_string_equal(text, "1. marts 2026");
	date_text("2026-11-24T10:00:00Z", text);
	assert_string_equal(text, "24. november 2026");
	testdb_free(t);
}

/* ---- purging a round ---- */

static void purge_keeps_results_and_trends(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	/* Round 4 (spring 2025) finished long ago; 5 is its successor and compares with it; 1
	** compares with 5. Round 4 gets a calibration case, an acute note, a consent and the
	** minutes of a stop-op and a staff meeting, so every kind of case data is there. */
	qexec(db, "UPDATE round SET finished_at = '2024-06-01T10:00:00Z' WHERE id = 4");
	int64_t c1 = qint(db, "SELECT case_id FROM round_case WHERE round_id = 4 ORDER BY sample_key LIMIT 1");
	int64_t c2 = qint(db, "SELECT case_id FROM round_case WHERE round_id = 4 ORDER BY sample_key LIMIT 1 OFFSET 1");
	qexec(db, "INSERT INTO calibration_case (round_id, case_id, chosen_at) VALUES (4, %lld, '2025-04-01T10:00:00Z')",
	      (long long)c1);
	qexec(db, "INSERT INTO calibration_answer (round_id, case_id, question_id, value, comment, updated_at)"
	          " SELECT 4, %lld, question_id, value, 'anden vurdering', '2025-04-02T10:00:00Z' FROM answer"
	          " WHERE round_id = 4 AND case_id = %lld",
	      (long long)c1, (long long)c1);
	qexec(db, "UPDATE round_case SET acute = 1, acute_note = 'haster' WHERE round_id = 4 AND case_id = %lld",
	      (long long)c2);
	qexec(db, "UPDATE round_case SET example_consent = 1 WHERE round_id = 4 AND case_id = %lld", (long long)c1);
	qexec(db, "INSERT INTO meeting (department_id, round_id, kind, date, minutes, created_at, updated_at) VALUES"
	          " (1, 4, 'stopop', '2025-04-01', 'Sag 1234 drøftet', '2025-04-01', '2025-04-01'),"
	          " (1, 4, 'personale', '2025-05-01', 'Resultaterne fremlagt', '2025-05-01', '2025-05-01')");
	int64_t answers4 = qint(db, "SELECT count(*) FROM answer WHERE round_id = 4");
	int64_t comments4 = qint(db, "SELECT count(*) FROM answer WHERE round_id = 4 AND comment <> ''") +
	                    qint(db, "SELECT count(*) FROM calibration_answer WHERE round_id = 4");
	int64_t history4 = qint(db, "SELECT count(*) FROM answer_history WHERE round_id = 4");
	int64_t acute4 = qint(db, "SELECT count(*) FROM round_case WHERE round_id = 4 AND (acute OR acute_note IS NOT NULL)");
	int64_t consent4 = qint(db, "SELECT count(*) FROM round_case WHERE round_id = 4 AND example_consent");
	int64_t minutes4 = qint(db, "SELECT count(*) FROM meeting WHERE round_id = 4 AND minutes <> ''"
	                            " AND kind IN ('stopop', 'ledelse', 'individuel')");
	int64_t kept_minutes4 = qint(db, "SELECT count(*) FROM meeting WHERE round_id = 4 AND minutes <> ''") - minutes4;
	int64_t answers5 = qint(db, "SELECT count(*) FROM answer WHERE round_id = 5");
	int64_t cases = qint(db, "SELECT count(*) FROM cases");
	assert_true(answers4 > 0 && history4 > 0 && answers5 > 0 && acute4 > 0 && consent4 > 0);

	char *before[3] = {results_text(db, 4), results_text(db, 5), results_text(db, 1)};
	char *trends_before = trends_text(db, 1);
	int64_t progress_before[3];
	progress_of(db, 4, progress_before);
	Round r5;
	assert_true(round_by_id(db, 5, &r5));
	assert_int_equal(results_previous_round(db, &r5), 4); /* 5 compares with 4 */
	int64_t sampled4 = qint(db, "SELECT count(*) FROM round_case WHERE round_id = 4");

	RetentionResult res;
	char err[512] = "";
	if (retention_run(db, time(NULL), 0, "test", &res, err, sizeof err) != 0)
		fail_msg("retention_run: %s", err);
	assert_int_equal(res.nrounds, 1);
	const RetentionPurged *p = &res.rounds[0];
	assert_int_equal(p->round.round_id, 4);
	assert_int_equal(p->counts[0], sampled4);
	assert_int_equal(p->counts[1], answers4);
	assert_int_equal(p->counts[2], comments4);
	assert_int_equal(p->counts[3], history4);
	assert_int_equal(p->counts[4], 1); /* calibration cases */
	assert_true(p->counts[5] > 0);
	assert_int_equal(p->counts[6], acute4);
	assert_int_equal(p->counts[7], consent4);
	assert_int_equal(p->counts[8], minutes4); /* the stop-op minutes, not the staff meeting's */
	assert_true(p->questions > 0);
	retention_result_free(&res);

	/* The case data is gone, ... */
	static const char *const gone[] = {"round_case", "answer", "answer_history", "calibration_case",
	                                   "calibration_answer"};
	for (size_t i = 0; i < COUNT(gone); i++)
		assert_int_equal(qint(db, "SELECT count(*) FROM %s WHERE round_id = 4", gone[i]), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM meeting WHERE round_id = 4 AND minutes <> ''"), kept_minutes4);
	assert_true(kept_minutes4 >= 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM round WHERE id = 4 AND purged_at IS NOT NULL"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM round_purge WHERE round_id = 4 AND cases = %lld AND had_answers",
	                      (long long)sampled4),
	                 1);
	assert_int_equal(results_previous_round(db, &r5), 4); /* still */
	assert_int_equal(qint(db, "SELECT count(*) FROM audit WHERE action = 'retention_purge' AND object = 'round:4'"),
	                 1);
	/* ... nothing else is: the other rounds, and the case list (the cases are still listed). */
	assert_int_equal(qint(db, "SELECT count(*) FROM answer WHERE round_id = 5"), answers5);
	assert_int_equal(qint(db, "SELECT count(*) FROM cases"), cases);
	assert_int_equal(qint(db, "SELECT count(*) FROM round WHERE id = 4"), 1);

	/* ... and the figures are the same to the last digit. */
	char *after[3] = {results_text(db, 4), results_text(db, 5), results_text(db, 1)};
	for (int i = 0; i < 3; i++) {
		assert_string_equal(before[i], after[i]);
		free(before[i]);
		free(after[i]);
	}
	char *trends_after = trends_text(db, 1);
	assert_string_equal(trends_before, trends_after);
	free(trends_before);
	free(trends_after);
	int64_t progress_after[3];
	progress_of(db, 4, progress_after);
	assert_memory_equal(progress_before, progress_after, sizeof progress_before);

	/* One caseworker's figures were case-level: they are gone. */
	Round r4;
	assert_true(round_by_id(db, 4, &r4));
	QuestionResult *x;
	int n = results_round_advisor(db, &r4, "Anne Bækgaard", &x);
	for (int i = 0; i < n; i++)
		assert_int_equal(x[i].yes + x[i].partly + x[i].no + x[i].not_relevant + x[i].unanswered, 0);
	results_free(x, n);

	char text[700];
	assert_int_equal(retention_round_text(db, 4, text, sizeof text), 2);
	assert_non_null(strstr(text, "Sagsdata blev slettet"));
	assert_non_null(strstr(text, "1. juni 2024"));
	assert_int_equal(retention_round_text(db, 5, text, sizeof text), 1);
	assert_non_null(strstr(text, "Sagsdata slettes"));
	assert_int_equal(retention_round_text(db, 1, text, sizeof text), 0);

	/* A second run finds nothing more, and the chain is intact. */
	assert_int_equal(retention_run(db, time(NULL), 0, "test", &res, err, sizeof err), 0);
	assert_int_equal(res.nrounds, 0);
	retention_result_free(&res);
	int64_t bad = 0;
	assert_int_equal(audit_verify(db, &bad), 0);
	testdb_free(t);
}

static void dry_run_changes_nothing(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	qexec(db, "UPDATE round SET finished_at = '2024-06-01T10:00:00Z' WHERE id IN (4, 5)");
	/* A case only round 4 sampled, no longer listed: it goes with round 4 in the same run. */
	int64_t only4 = qint(db, "SELECT case_id FROM round_case WHERE round_id = 4 AND case_id NOT IN"
	                         " (SELECT case_id FROM round_case WHERE round_id <> 4) LIMIT 1");
	qexec(db, "UPDATE cases SET last_seen = '2023-01-01T00:00:00Z' WHERE id = %lld", (long long)only4);
	static const char *const counts[] = {
		"SELECT count(*) FROM round_case",     "SELECT count(*) FROM answer",
		"SELECT count(*) FROM answer_history", "SELECT count(*) FROM cases",
		"SELECT count(*) FROM round_result",   "SELECT count(*) FROM round_purge",
		"SELECT count(*) FROM audit",          "SELECT count(*) FROM round WHERE purged_at IS NOT NULL",
	};
	int64_t before[COUNT(counts)];
	for (size_t i = 0; i < COUNT(counts); i++)
		before[i] = testdb_int(db, counts[i]);
	RetentionResult dry, real;
	char err[512] = "";
	if (retention_run(db, time(NULL), 1, "test", &dry, err, sizeof err) != 0)
		fail_msg("dry run: %s", err);
	for (size_t i = 0; i < COUNT(counts); i++)
		assert_int_equal(testdb_int(db, counts[i]), before[i]);
	assert_true(dry.dry_run);
	assert_int_equal(dry.nrounds, 2);
	assert_int_equal(dry.ncase_lists, 1);
	assert_int_equal(dry.case_lists[0].cases, 1);

	/* The real run deletes exactly what the dry run said. */
	if (retention_run(db, time(NULL), 0, "test", &real, err, sizeof err) != 0)
		fail_msg("run: %s", err);
	assert_int_equal(real.nrounds, dry.nrounds);
	for (int i = 0; i < real.nrounds; i++) {
		assert_int_equal(real.rounds[i].round.round_id, dry.rounds[i].round.round_id);
		assert_memory_equal(real.rounds[i].counts, dry.rounds[i].counts, sizeof real.rounds[i].counts);
	}
	assert_int_equal(real.ncase_lists, 1);
	assert_int_equal(real.case_lists[0].cases, 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM cases WHERE id = %lld", (long long)only4), 0);
	retention_result_free(&dry);
	retention_result_free(&real);
	testdb_free(t);
}

static void case_list_rule(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	/* Not listed for 25 months: deleted unless a round holding case data has sampled it. */
	int64_t in_round = qint(db, "SELECT case_id FROM round_case WHERE round_id = 1 LIMIT 1");
	int64_t loose = qint(db, "SELECT id FROM cases WHERE department_id = 1 AND id NOT IN"
	                         " (SELECT case_id FROM round_case) ORDER BY id LIMIT 1");
	int64_t recent = qint(db, "SELECT id FROM cases WHERE department_id = 1 AND id NOT IN"
	                          " (SELECT case_id FROM round_case) ORDER BY id LIMIT 1 OFFSET 1");
	qexec(db, "UPDATE cases SET last_seen = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-25 months')"
	          " WHERE id IN (%lld, %lld)",
	      (long long)in_round, (long long)loose);
	qexec(db, "UPDATE cases SET last_seen = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-23 months') WHERE id = %lld",
	      (long long)recent);
	RetentionResult res;
	char err[512] = "";
	if (retention_run(db, time(NULL), 0, "test", &res, err, sizeof err) != 0)
		fail_msg("run: %s", err);
	assert_int_equal(res.ncase_lists, 1);
	assert_string_equal(res.case_lists[0].department, "BHS");
	assert_int_equal(res.case_lists[0].cases, 1);
	retention_result_free(&res);
	assert_int_equal(qint(db, "SELECT count(*) FROM cases WHERE id = %lld", (long long)loose), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM cases WHERE id IN (%lld, %lld)", (long long)in_round,
	                      (long long)recent),
	                 2);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit WHERE action = 'retention_cases'"
	                          " AND object = 'department:BHS' AND detail LIKE '1 sager%%'"),
	                 1);
	testdb_free(t);
}

static void failed_purge_changes_nothing(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	qexec(db, "UPDATE round SET finished_at = '2024-06-01T10:00:00Z' WHERE id = 4");
	/* A stray record for round 4 makes its purge fail at the last insert. */
	qexec(db, "INSERT INTO round_purge VALUES (4, 'x', '2024-06-01', 'afsluttet', 24, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
	          " 0, 0)");
	int64_t answers = qint(db, "SELECT count(*) FROM answer WHERE round_id = 4");
	int64_t audit = qint(db, "SELECT count(*) FROM audit");
	RetentionResult res;
	char err[512] = "";
	assert_int_equal(retention_run(db, time(NULL), 0, "test", &res, err, sizeof err), -1);
	assert_non_null(strstr(err, "Tilsyn 4"));
	retention_result_free(&res);
	assert_int_equal(qint(db, "SELECT count(*) FROM answer WHERE round_id = 4"), answers);
	assert_int_equal(qint(db, "SELECT count(*) FROM round_result WHERE round_id = 4"), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM round WHERE id = 4 AND purged_at IS NULL"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), audit);
	testdb_free(t);
}

/* ---- the audit log ---- */

/* The entry hash as audit.c computes it, written out again here: BLAKE2b-256 over the
** previous hash, the id, and each field (a 32-bit length, or 0xffffffff for NULL, then
** the bytes; numbers as 64-bit), in the machine's byte order. */
static void field(crypto_generichash_state *st, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	crypto_generichash_update(st, (const unsigned char *)&n, sizeof n);
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
}

static void number(crypto_generichash_state *st, int64_t v)
{
	crypto_generichash_update(st, (const unsigned char *)&v, sizeof v);
}

/* Appends an entry dated `at` (audit_log always dates now), chained to the newest. */
static void append_dated(Db *db, const char *at, const char *action)
{
	unsigned char prev[32] = {0}, hash[32];
	int64_t id = 1;
	Stmt q;
	db_prepare(&q, db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	if (db_step(&q)) {
		size_t n;
		memcpy(prev, db_col_blob(&q, 1, &n), 32);
		id = db_col_int(&q, 0) + 1;
	}
	db_finalize(&q);
	crypto_generichash_state st;
	crypto_generichash_init(&st, audit_key(), AUDIT_KEY_BYTES, 32); /* the chain is keyed (audit_key.c) */
	crypto_generichash_update(&st, prev, 32);
	number(&st, id);
	field(&st, at);
	number(&st, 0);
	field(&st, "test");
	field(&st, action);
	number(&st, 0);
	field(&st, NULL);
	field(&st, "gammel post");
	field(&st, NULL);
	crypto_generichash_final(&st, hash, 32);
	db_prepare(&q, db, "INSERT INTO audit (id, at, login, action, detail, hash) VALUES (?1, ?2, 'test', ?3, 'gammel post', ?4)");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, at);
	db_bind_text(&q, 3, action);
	db_bind_blob(&q, 4, hash, 32);
	assert_int_equal(db_done(&q), DB_OK);
	db_finalize(&q);
}


static void audit_purge_keeps_chain(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Db *db = t->db;
	for (int i = 0; i < 5; i++)
		append_dated(db, "2021-03-01T10:00:00Z", "gammel");
	append_dated(db, "2021-09-01T10:00:00Z", "nyere");
	for (int i = 0; i < 4; i++)
		assert_int_equal(audit_log(db, &(AuditEntry){.login = "anna", .action = "login", .ip = "127.0.0.1"}), 0);
	int64_t bad = 0;
	assert_int_equal(audit_verify(db, &bad), 0); /* the test's hash is audit.c's */

	/* With no rounds the cutoff is 30 months back: before 2021-09-01 when "now" is 2024-03-01. */
	RetentionSettings s = {24, 6, 30};
	char cutoff[32];
	time_t now = 1709287200; /* 2024-03-01T10:00:00Z */
	retention_audit_cutoff(db, &s, now, cutoff);
	assert_string_equal(cutoff, "2021-09-01T10:00:00Z");
	RetentionResult res;
	char err[512] = "";
	if (retention_run(db, now, 0, "test", &res, err, sizeof err) != 0)
		fail_msg("run: %s", err);
	assert_int_equal(res.audit_deleted, 5);
	assert_int_equal(res.audit_anchor, 5);
	retention_result_free(&res);
	assert_int_equal(qint(db, "SELECT min(id) FROM audit"), 6);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit WHERE action = 'audit_purge' AND object = 'audit:5'"), 1);
	assert_int_equal(audit_verify(db, &bad), 0);
	/* New entries go on from the chain. */
	assert_int_equal(audit_log(db, &(AuditEntry){.action = "login", .login = "bo"}), 0);
	assert_int_equal(audit_verify(db, &bad), 0);

	/* Nothing deletes past the anchor, ... */
	assert_int_not_equal(db_exec(db, "DELETE FROM audit WHERE id = 6"), DB_OK);
	assert_int_not_equal(db_exec(db, "UPDATE audit_anchor SET last_id = 3"), DB_OK);
	assert_int_not_equal(db_exec(db, "DELETE FROM audit_anchor"), DB_OK);

	/* ... a changed kept entry is still found, ... */
	Db *raw = testdb_raw(t);
	assert_int_equal(db_exec(raw, "DROP TRIGGER audit_no_update"), DB_OK);
	assert_int_equal(db_exec(raw, "UPDATE audit SET detail = 'intet' WHERE id = 8"), DB_OK);
	bad = 0;
	assert_int_equal(audit_verify(db, &bad), -1);
	assert_int_equal(bad, 8);
	assert_int_equal(db_exec(raw, "UPDATE audit SET detail = NULL WHERE id = 8"), DB_OK);
	assert_int_equal(audit_verify(db, &bad), 0); /* restored exactly */

	/* ... and so is the anchor moved by hand to hide more deleted entries: its hash is right,
	** the chain from it is right, but no kept entry recorded setting it. */
	assert_int_equal(db_exec(raw,
	                              "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_anchor_forward;"
	                              " UPDATE audit_anchor SET last_id = 6, last_hash = (SELECT hash FROM audit WHERE id = 6);"
	                              " DELETE FROM audit WHERE id = 6"),
	                 DB_OK);
	bad = 0;
	assert_int_equal(audit_verify(db, &bad), -1);
	assert_int_equal(bad, 7);
	db_close(raw);

	/* An audit log already broken is not cut: the evidence stays. */
	TestDb *t2 = testdb_new();
	for (int i = 0; i < 3; i++)
		append_dated(t2->db, "2020-01-01T10:00:00Z", "gammel");
	raw = testdb_raw(t2);
	assert_int_equal(db_exec(raw, "DROP TRIGGER audit_no_update; UPDATE audit SET action = 'x' WHERE id = 2"),
	                 DB_OK);
	db_close(raw);
	assert_int_equal(retention_run(t2->db, now, 0, "test", &res, err, sizeof err), -1);
	assert_non_null(strstr(err, "brudt ved post 2"));
	retention_result_free(&res);
	assert_int_equal(qint(t2->db, "SELECT count(*) FROM audit"), 3);
	testdb_free(t2);
	testdb_free(t);
}

/* Every entry deleted: the next entry chains to the anchor, and a second purge moves it on. */
static void audit_purge_everything_then_again(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Db *db = t->db;
	for (int i = 0; i < 3; i++)
		append_dated(db, "2019-01-01T10:00:00Z", "gammel");
	AuditEntry who = {.login = "test", .ip = "kommandolinje"};
	int64_t deleted, anchor, bad = 0;
	char err[300];
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(audit_purge(db, "2020-01-01T00:00:00Z", &who, &deleted, &anchor, err, sizeof err), 0);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(deleted, 3);
	assert_int_equal(anchor, 3);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 1);
	assert_int_equal(qint(db, "SELECT id FROM audit"), 4); /* the purge's own entry, chained to the anchor */
	assert_int_equal(audit_verify(db, &bad), 0);

	/* Later, that entry too is old: a second purge deletes it and records a new anchor. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(audit_purge(db, "9999-01-01T00:00:00Z", &who, &deleted, &anchor, err, sizeof err), 0);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(anchor, 4);
	assert_int_equal(qint(db, "SELECT deleted FROM audit_anchor"), 4);
	assert_int_equal(audit_verify(db, &bad), 0);

	/* Nothing old enough: nothing happens, not even an entry. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(audit_purge(db, "2000-01-01T00:00:00Z", &who, &deleted, &anchor, err, sizeof err), 0);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(deleted, 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 1);

	/* The purge record itself deleted by hand (with the anchor left): found. */
	Db *raw = testdb_raw(t);
	assert_int_equal(db_exec(raw, "DROP TRIGGER audit_no_delete; DELETE FROM audit"), DB_OK);
	db_close(raw);
	assert_int_equal(audit_verify(db, &bad), -1);
	assert_int_equal(bad, 5);
	testdb_free(t);
}

/* Today and the day cut-offs are Danish days, whatever the process's time zone: half an hour
** after midnight in Denmark (23.30 UTC in winter, 22.30 in summer) it is already the next day,
** and a round due that day is due. */
static void days_are_danish(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	TestDb *t = testdb_new();
	Db *db = t->db;
	RetentionSettings s = {30, 6, 14};
	char today[11], cases[11], until[11];
	const time_t winter = 1796599800; /* 2026-12-06T23:30:00Z = 7 December 00.30 in Denmark */
	retention_today(db, winter, today);
	assert_string_equal(today, "2026-12-07");
	retention_cases_cutoff(db, &s, winter, cases);
	assert_string_equal(cases, "2024-06-07");
	retention_notice_until(db, &s, winter, until);
	assert_string_equal(until, "2026-12-21");
	RetentionRound due = {.due = "2026-12-07"};
	assert_true(retention_is_due(&due, today));
	retention_today(db, winter - 31 * 60, today); /* 22.59 UTC: 23.59 in Denmark, still the 6th */
	assert_string_equal(today, "2026-12-06");
	assert_false(retention_is_due(&due, today));
	retention_today(db, 1783377000, today); /* 2026-07-06T22:30:00Z = 7 July 00.30 (summer time) */
	assert_string_equal(today, "2026-07-07");
	testdb_free(t);
}

/* The audit cutoff waits for the rounds whose case data is held or was deleted lately. */
static void audit_cutoff_waits_for_case_data(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	RetentionSettings s = {24, 6, 30};
	char cutoff[32];
	const time_t now = 1795000000; /* 2026-11-18T11:06:40Z; 30 months before: 2024-05-18T11:06:40Z */
	qexec(db, "UPDATE round SET created_at = '2023-01-01T08:00:00Z' WHERE id = 4");
	/* Round 4 holds case data and is older than 30 months: nothing after its creation goes. */
	retention_audit_cutoff(db, &s, now, cutoff);
	assert_string_equal(cutoff, "2023-01-01T08:00:00Z");
	/* Purged 7 months ago, it no longer holds anything back; purged 5 months ago, it does. */
	qexec(db, "DELETE FROM round_case WHERE round_id = 4");
	qexec(db, "UPDATE round SET purged_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %lld, 'unixepoch', '-7 months')"
	          " WHERE id = 4", (long long)now);
	retention_audit_cutoff(db, &s, now, cutoff);
	assert_string_equal(cutoff, "2024-05-18T11:06:40Z");
	qexec(db, "UPDATE round SET purged_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %lld, 'unixepoch', '-5 months')"
	          " WHERE id = 4", (long long)now);
	retention_audit_cutoff(db, &s, now, cutoff);
	assert_string_equal(cutoff, "2023-01-01T08:00:00Z");
	testdb_free(t);
}

/* The month rule at a month's end (dates.c): a day the target month lacks becomes its last
** day, for the due day, the case lists' cutoff and the audit cutoff alike. */
static void month_ends(void **state)
{
	(void)state;
	TestDb *t = demo_copy();
	Db *db = t->db;
	qexec(db, "UPDATE round SET finished_at = '2024-08-31T10:00:00Z' WHERE id = 4");
	RetentionRound *v;
	int n = retention_rounds(db, &(RetentionSettings){6, 6, 30}, 4, 0, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].due, "2025-02-28"); /* SQLite's date() said 2025-03-03 */
	assert_int_equal(v[0].months, 6);
	free(v);
	qexec(db, "UPDATE round SET finished_at = '2024-02-29T10:00:00Z' WHERE id = 4");
	n = retention_rounds(db, &(RetentionSettings){12, 6, 30}, 4, 0, &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].due, "2025-02-28");
	free(v);
	n = retention_rounds(db, &(RetentionSettings){48, 6, 30}, 4, 0, &v);
	assert_string_equal(v[0].due, "2028-02-29"); /* a leap year again */
	free(v);

	char cases[11], audit[32];
	const time_t march31 = 1743415200; /* 2025-03-31T10:00:00Z, 12.00 in Denmark */
	retention_cases_cutoff(db, &(RetentionSettings){1, 6, 30}, march31, cases);
	assert_string_equal(cases, "2025-02-28");
	retention_cases_cutoff(db, &(RetentionSettings){13, 6, 30}, march31, cases);
	assert_string_equal(cases, "2024-02-29");
	qexec(db, "DELETE FROM round_case");
	qexec(db, "UPDATE round SET purged_at = NULL");
	retention_audit_cutoff(db, &(RetentionSettings){1, 0, 30}, march31, audit);
	assert_string_equal(audit, "2025-02-28T10:00:00Z");
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings_defaults_and_limits),
		cmocka_unit_test(basis_and_due),
		cmocka_unit_test(month_ends),
		cmocka_unit_test(purge_keeps_results_and_trends),
		cmocka_unit_test(dry_run_changes_nothing),
		cmocka_unit_test(case_list_rule),
		cmocka_unit_test(failed_purge_changes_nothing),
		cmocka_unit_test(audit_purge_keeps_chain),
		cmocka_unit_test(audit_purge_everything_then_again),
		cmocka_unit_test(audit_cutoff_waits_for_case_data),
		cmocka_unit_test(days_are_danish),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
