/*
** Tests of the report model (report.c) on a real database with the demo municipality: the
** rule that no figure for the staff rests on fewer than 5 cases (and, for a caseworker, on
** fewer than 5 of the colleagues' cases), that suppressed questions are left out of the
** pooled category totals, that the staff model holds no case number, caseworker or comment,
** that the report text refuses CPR numbers, and the PDF's language and alternative texts.
*/
#include "unit_helpers.h"
#include "report.h"

#include <math.h>

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

static void threshold_is_five_cases(void **state)
{
	(void)state;
	assert_int_equal(REPORT_MIN_CASES, 5);
	for (int64_t n = -1; n < 5; n++)
		assert_true(report_suppress(n));
	for (int64_t n = 5; n < 50; n++)
		assert_false(report_suppress(n));
}

static int64_t base_of(const QuestionResult *q)
{
	return q->yes + q->partly + q->no;
}

static void staff_model(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	Report rp;
	char err[256];
	assert_int_equal(report_load(t->db, &r, REPORT_MEDARBEJDERE, NULL, &rp, err, sizeof err), 0);
	assert_true(rp.nq > 0);
	int hidden = 0, shown = 0;
	int64_t yes = 0, no = 0;
	for (int i = 0; i < rp.nq; i++) {
		assert_int_equal(rp.suppressed[i], base_of(&rp.q[i]) < 5);
		if (rp.suppressed[i]) {
			hidden++;
			assert_false(rp.show_change[i]);
		} else {
			shown++, yes += rp.q[i].yes, no += rp.q[i].no;
		}
	}
	assert_true(hidden > 0 && shown > 0); /* the demo has both, or this test proves nothing */
	assert_int_equal(rp.total.yes, yes);  /* suppressed questions are not pooled into totals */
	assert_int_equal(rp.total.no, no);
	/* Examples only where the caseworker agreed; never a case number, caseworker or comment. */
	Stmt q;
	db_prepare(&q, t->db,
	           "SELECT count(*) FROM round_case rc WHERE rc.round_id = 3 AND rc.example_consent = 1 AND EXISTS"
	           " (SELECT 1 FROM answer a WHERE a.round_id = 3 AND a.case_id = rc.case_id AND a.value IN ('ja','delvist','nej'))");
	assert_true(db_step(&q));
	int64_t consents = db_col_int(&q, 0);
	db_finalize(&q);
	assert_true(consents >= 1);
	assert_int_equal(rp.ncases, consents);
	for (int i = 0; i < rp.ncases; i++) {
		assert_null(rp.cases[i].case_no);
		assert_null(rp.cases[i].advisor);
		assert_null(rp.cases[i].acute_note);
		assert_true(rp.cases[i].nanswers > 0);
		for (int k = 0; k < rp.cases[i].nanswers; k++)
			assert_string_equal(rp.cases[i].answers[k].comment, "");
	}
	assert_int_equal(rp.nadvisors, 0);
	assert_false(report_has_case_numbers(&rp));
	/* The HTML written from it names no case of the round. */
	Buf b;
	buf_init(&b, 0);
	assert_int_equal(report_write(&rp, REPORT_HTML, &b, err, sizeof err), 0);
	const char *html = buf_cstr(&b);
	db_prepare(&q, t->db, "SELECT c.case_no, c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = 3");
	int checked = 0;
	while (db_step(&q)) {
		if (strstr(html, db_col_text(&q, 0)) || strstr(html, db_col_text(&q, 1)))
			fail_msg("the staff report names %s / %s", db_col_text(&q, 0), db_col_text(&q, 1));
		checked++;
	}
	db_finalize(&q);
	assert_true(checked >= 20);
	assert_non_null(strstr(html, "vises ikke: bygger på færre end 5 sager"));
	buf_free(&b);
	report_free(&rp);
	testdb_free(t);
}

static void caseworker_model(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	/* The caseworker with the most answered cases. */
	Stmt q;
	db_prepare(&q, t->db,
	           "SELECT c.advisor FROM answer a JOIN cases c ON c.id = a.case_id WHERE a.round_id = 3"
	           " GROUP BY c.advisor ORDER BY count(DISTINCT a.case_id) DESC, c.advisor LIMIT 1");
	assert_true(db_step(&q));
	char name[201];
	snprintf(name, sizeof name, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	char err[256];
	Report rp;
	assert_int_equal(report_load(t->db, &r, REPORT_RAADGIVER, name, &rp, err, sizeof err), 0);
	assert_true(rp.ncases > 0);
	for (int i = 0; i < rp.ncases; i++)
		assert_string_equal(rp.cases[i].advisor, name);
	int own_matters = 0;
	for (int i = 0; i < rp.nq; i++) {
		int64_t base = base_of(&rp.q[i]), own = rp.own_yes[i] + rp.own_partly[i] + rp.own_no[i];
		assert_true(own <= base);
		assert_int_equal(rp.suppressed[i], base < 5 || base - own < 5);
		own_matters += base >= 5 && base - own < 5;
	}
	assert_true(own_matters > 0); /* the colleagues' rule, not only the plain one, is exercised */
	assert_true(report_has_case_numbers(&rp));
	report_free(&rp);
	testdb_free(t);
}

static void text_refuses_cpr(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	char msg[512];
	const char *bad[4] = {"Fint.", "", "Sagen om 0102031234 viser det.", ""};
	assert_int_equal(report_text_save(t->db, 3, bad, 1, 0, "test", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "CPR-nummer"));
	assert_non_null(strstr(msg, "Udfordringer"));
	ReportText rt;
	assert_false(report_text_load(t->db, 3, &rt));
	const char *good[4] = {"Fint.", "Styrke.", "Udfordring.", "Anbefaling."};
	assert_int_equal(report_text_save(t->db, 3, good, 0, 0, "test", msg, sizeof msg), 0);
	assert_true(report_text_load(t->db, 3, &rt));
	assert_false(rt.final);
	assert_string_equal(rt.challenges, "Udfordring.");
	assert_int_equal(report_text_save(t->db, 3, good, 1, 0, "Karen Holm", msg, sizeof msg), 0);
	assert_true(report_text_load(t->db, 3, &rt));
	assert_true(rt.final);
	assert_string_equal(rt.final_by, "Karen Holm");
	testdb_free(t);
}

/* fontconfig keeps its font cache for the life of the process (pango's font map holds it);
** that is no leak of ours, so LeakSanitizer is told to leave it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static int count_of(const char *s, size_t n, const char *what)
{
	int k = 0;
	size_t w = strlen(what);
	for (const char *q = s; (q = memmem(q, n - (size_t)(q - s), what, w)) != NULL; q += w)
		k++;
	return k;
}

/* The PDF's incremental update: the catalog gets /Lang, every figure its /Alt, and the
** pooled change of the whole round is the one results.c computes for the same questions. */
static void pdf_language_and_alt_text(void **state)
{
	(void)state;
	Round r;
	TestDb *t = demo_db(&r);
	assert_true(round_by_id(t->db, 5, &r)); /* has a previous round */
	Report rp;
	char err[256];
	assert_int_equal(report_load(t->db, &r, REPORT_LEDELSE, NULL, &rp, err, sizeof err), 0);
	RoundResults rr;
	assert_true(results_compute(t->db, &r, NULL, &rr) >= 0);
	assert_true(rp.total.has_prev && rr.total.prev_round);
	assert_int_equal(rp.total.prev_base, rr.total.prev_base);
	assert_true(fabs(rp.total.diff - rr.total.diff) < 1e-9);
	results_release(&rr);
	int top[2];
	assert_true(report_key_changes(&rp, "improved", top, 2) >= 2);
	assert_true(fabs(rp.q[top[0]].diff) >= fabs(rp.q[top[1]].diff));
	rp.appendix = 1;
	Buf b;
	buf_init(&b, 0);
	assert_int_equal(report_write(&rp, REPORT_PDF, &b, err, sizeof err), 0);
	assert_true(b.len > 1000 && memcmp(b.data, "%PDF-", 5) == 0);
	assert_int_equal(memcmp(b.data + b.len - 6, "%%EOF\n", 6), 0);
	assert_int_equal(count_of(b.data, b.len, "/Lang (da-DK)"), 1);
	int figures = count_of(b.data, b.len, "/S /Figure\n");
	assert_true(figures >= 2); /* each once as cairo wrote it, once amended */
	assert_int_equal(count_of(b.data, b.len, "/Alt <FEFF"), figures / 2);
	buf_free(&b);
	report_free(&rp);
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threshold_is_five_cases),
		cmocka_unit_test(staff_model),
		cmocka_unit_test(caseworker_model),
		cmocka_unit_test(text_refuses_cpr),
		cmocka_unit_test(pdf_language_and_alt_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
