/*
** Tests of the current case list (issue 11): case folding for the filters (Æ Ø Å and other
** scripts, not only ASCII), Danish local time around the daylight-saving changes, imports
** that replace the list or add to it (what drops off, the list's size, the target group
** taken from the department), and the population breakdown the draw, the round page and
** the command line share, on a real migrated SQLite database.
*/
#include "unit_helpers.h"

static void fold_lowercases_danish_and_other_letters(void **state)
{
	(void)state;
	char out[128];
	assert_string_equal(text_fold("ÆØÅ æøå", out, sizeof out), "æøå æøå");
	assert_string_equal(text_fold("Henrik ØSTERBY", out, sizeof out), "henrik østerby");
	assert_string_equal(text_fold("SEL § 85", out, sizeof out), "sel § 85");
	assert_string_equal(text_fold("ÉÜÖÄ ŁŚŽ", out, sizeof out), "éüöä łśž");
	assert_string_equal(text_fold("ΑΒΓ ДЖЯ Ё", out, sizeof out), "αβγ джя ё");
	assert_string_equal(text_fold("×ß", out, sizeof out), "×ß"); /* no upper/lower pair */
	assert_string_equal(text_fold("a\xFF" "B", out, sizeof out), "a\xFF" "b"); /* invalid bytes stay */
	/* A short buffer cuts at a whole character. */
	char small[4];
	assert_string_equal(text_fold("aØb", small, sizeof small), "aø");
	assert_string_equal(text_fold("abØ", small, sizeof small), "ab");
}

static void contains_ignores_case(void **state)
{
	(void)state;
	assert_true(text_contains_folded("Henrik Østerby", "øst"));
	assert_true(text_contains_folded("Morten Løvstad", "ø"));
	assert_true(text_contains_folded("Team Nord", "nord"));
	assert_false(text_contains_folded("Team Syd", "nord"));
	assert_true(text_contains_folded("", ""));
	assert_false(text_contains_folded("", "a"));
	char big[2000];
	memset(big, 'A', sizeof big - 2);
	big[sizeof big - 2] = 'Z';
	big[sizeof big - 1] = 0;
	assert_true(text_contains_folded(big, "az")); /* longer than the stack buffer */
}

/* SQL text_fold, registered on every connection (db.c), folds as text_fold does. */
static void sql_fold_matches_in_any_case(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	assert_int_equal(testdb_int(t->db, "SELECT text_fold('Henrik ØSTERBY') = 'henrik østerby'"), 1);
	assert_int_equal(testdb_int(t->db, "SELECT instr(text_fold('27.11.ÆØÅ-G01'), text_fold('æøå-g')) > 0"), 1);
	assert_int_equal(testdb_int(t->db, "SELECT text_fold(NULL) IS NULL"), 1);
	testdb_free(t);
}

static void danish_time_follows_summer_time(void **state)
{
	(void)state;
	char out[64];
	date_time_danish("2026-12-06T17:12:00Z", out);
	assert_string_equal(out, "6. december 2026 kl. 18.12");
	date_time_danish("2026-07-01T10:05:59Z", out);
	assert_string_equal(out, "1. juli 2026 kl. 12.05");
	/* Summer time starts on the last Sunday of March at 01:00 UTC (29 March 2026) ... */
	date_time_danish("2026-03-29T00:59:00Z", out);
	assert_string_equal(out, "29. marts 2026 kl. 01.59");
	date_time_danish("2026-03-29T01:00:00Z", out);
	assert_string_equal(out, "29. marts 2026 kl. 03.00");
	/* ... and ends on the last Sunday of October at 01:00 UTC (25 October 2026). */
	date_time_danish("2026-10-25T00:59:00Z", out);
	assert_string_equal(out, "25. oktober 2026 kl. 02.59");
	date_time_danish("2026-10-25T01:00:00Z", out);
	assert_string_equal(out, "25. oktober 2026 kl. 02.00");
	date_time_danish("2026-12-31T23:30:00Z", out);
	assert_string_equal(out, "1. januar 2027 kl. 00.30");
	date_time_danish("2024-02-29T22:59:00Z", out);
	assert_string_equal(out, "29. februar 2024 kl. 23.59");
	date_time_danish("ikke en dato", out);
	assert_string_equal(out, "ikke en dato");
}

static int import(Db *db, const Department *d, const char *csv, int add, int dry_run, ImportResult *r)
{
	ImportOptions o = {.login = "karen", .file_name = "liste.csv", .add = add, .dry_run = dry_run};
	return cases_import_mem(db, d, csv, strlen(csv), "liste.csv", &o, r);
}

static void imports_replace_or_add(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	char msg[300] = "";
	int64_t id;
	assert_int_equal(department_add(t->db, "TST", "Test", "voksen", &id, msg, sizeof msg), 0);
	Department d;
	assert_true(department_by_code(t->db, "TST", &d));
	ImportResult *r = calloc(1, sizeof *r);
	assert_int_equal(import(t->db, &d, "Sagsnummer;Rådgiver;Målgruppe\nA;Anna;barn\nB;Bo;\nC;Carl;\n", 0, 0, r),
	                 IMPORT_STORED);
	assert_int_equal(r->target_defaulted, 2);
	assert_int_equal(r->list_size, 3);
	assert_int_equal(r->dropped, 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE target = 'voksen'"), 2);

	/* A dry run says what would drop off and changes nothing. */
	assert_int_equal(import(t->db, &d, "Sagsnummer;Rådgiver\nB;Bo\nD;Dorte\n", 0, 1, r), IMPORT_STORED);
	assert_int_equal(r->dropped, 2);
	assert_int_equal(r->ndropped_listed, 2);
	assert_string_equal(r->dropped_nos[0], "A");
	assert_string_equal(r->dropped_nos[1], "C");
	assert_int_equal(r->list_size, 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE on_list = 1"), 3);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM case_import"), 1);

	/* Replacing: A and C drop off but stay; the version records it. */
	assert_int_equal(import(t->db, &d, "Sagsnummer;Rådgiver\nB;Bo\nD;Dorte\n", 0, 0, r), IMPORT_STORED);
	assert_int_equal(r->dropped, 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases"), 4);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE on_list = 1"), 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE on_list = 1 AND case_no IN ('B', 'D')"), 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE on_list = 0 AND dropped_import_id IS NOT NULL"), 2);
	CaseListVersion v;
	assert_true(case_list_current(t->db, d.id, &v));
	assert_int_equal(v.id, r->import_id);
	assert_int_equal(v.list_size, 2);
	assert_int_equal(v.dropped, 2);
	assert_false(v.add);
	assert_string_equal(v.by, "karen"); /* no such user: the login */
	assert_string_equal(v.file_name, "liste.csv");

	/* Adding: nothing drops off; a case that had dropped off comes back. */
	assert_int_equal(import(t->db, &d, "Sagsnummer;Rådgiver\nA;Anna\nE;Eva\n", 1, 0, r), IMPORT_STORED);
	assert_int_equal(r->dropped, 0);
	assert_int_equal(r->list_size, 4);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE on_list = 1 AND dropped_import_id IS NULL"), 4);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM cases WHERE case_no = 'C' AND on_list = 0"), 1);
	assert_true(case_list_current(t->db, d.id, &v));
	assert_true(v.add);
	char text[300];
	snprintf(v.at, sizeof v.at, "2026-12-06T17:12:00Z");
	case_list_version_text(&v, text, sizeof text);
	assert_string_equal(text, "sagslisten indlæst 6. december 2026 kl. 18.12 af karen, 4 sager");
	free(r);
	testdb_free(t);
}

static void population_counts_each_step(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	char msg[300] = "";
	int64_t id;
	assert_int_equal(department_add(t->db, "TST", "Test", "barn", &id, msg, sizeof msg), 0);
	Department d;
	assert_true(department_by_code(t->db, "TST", &d));
	ImportResult *r = calloc(1, sizeof *r);
	assert_int_equal(import(t->db, &d,
	                        "Sagsnummer;Rådgiver;Paragraf;Team\n"
	                        "1;Henrik Østerby;SEL § 85;Team Nord\n"
	                        "2;Morten Løvstad;sel § 85;\n"
	                        "3;Anne Bækgaard;BL § 32;team nord\n"
	                        "4;Bo Holm;;Team Syd\n"
	                        "5;Signe Økjær;SEL § 85;\n",
	                        0, 0, r),
	                 IMPORT_STORED);
	free(r);
	assert_int_equal(round_create(t->db, &d, "overordnet", "T", NULL, NULL, 0, NULL, NULL, "x", &id, msg, sizeof msg), 0);
	Round rd;
	assert_true(round_by_id(t->db, id, &rd));

	Population p;
	SampleFilters f = {.provisions = {"SEL § 85"}, .nprovisions = 1, .team = "NORD"};
	assert_int_equal(population_compute(t->db, &rd, &f, 12, 1, &p), 0);
	assert_int_equal(p.listed, 5);
	assert_int_equal(p.excluded, 0);
	assert_int_equal(p.nsteps, 2);
	assert_int_equal(p.steps[0].removed, 2);       /* 3 (BL § 32) and 4 (no provision) */
	assert_int_equal(p.steps[0].removed_empty, 1); /* 4 */
	assert_int_equal(p.steps[1].removed, 2);       /* 2 and 5: no team */
	assert_int_equal(p.steps[1].removed_empty, 2);
	assert_int_equal(p.eligible, 1);
	assert_int_equal(p.ncases, 1);
	assert_string_equal(p.cases[0].case_no, "1");
	char text[300];
	assert_true(population_empty_warning(&p.steps[1], text, sizeof text));
	assert_string_equal(text, "Filteret fjerner 2 sager, fordi feltet team er tomt i dem. De kan ikke komme med.");
	population_free(&p);

	/* Part of a name, any case, Danish letters too. */
	SampleFilters g = {.advisor = "ø"};
	assert_int_equal(population_compute(t->db, &rd, &g, 0, 1, &p), 0);
	assert_int_equal(p.eligible, 3); /* Østerby, Løvstad, Økjær */
	assert_string_equal(p.steps[0].what, "Rådgiveren indeholder »ø«");
	population_free(&p);
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fold_lowercases_danish_and_other_letters),
		cmocka_unit_test(contains_ignores_case),
		cmocka_unit_test(sql_fold_matches_in_any_case),
		cmocka_unit_test(danish_time_follows_summer_time),
		cmocka_unit_test(imports_replace_or_add),
		cmocka_unit_test(population_counts_each_step),
	};
	return cmocka_run_group_tests_name("case_list", tests, NULL, NULL);
}
