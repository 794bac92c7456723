/*
** Tests of a stale registration sheet (sheet.c, sheet_conflicts) on a real, migrated SQLite
** file: the rule for one cell (sheet_cell_conflict), and whole sheets. A sheet written by
** sheet_write_file carries each answer's revision in its hidden sheet "tilsyn"; an answer
** saved after it (through answer_save, as the review page does) makes a differing cell a
** conflict, named with the newer value and who saved it, and nothing is stored until
** overwrite. Sheets with a hand-made hidden sheet check how its contents are trusted: another
** round's revisions, or revisions that are no numbers, count as none (the stricter rule).
** Also the reader of a named sheet (xlsx_read_sheet_file).
*/
#include "unit_helpers.h"

#include <dirent.h>
#include <xlsxwriter.h>

/* As in test_sheet.c: libxlsxwriter 1.1.4 leaks the copy of a list validation's formula. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:worksheet_data_validation_range\n";
}

static const char catalogue_json[] =
	"{\"code\": \"kat\", \"title\": \"Katalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit\", \"questions\": ["
	"  {\"code\": \"TQ-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"retssikkerhed\"},"
	"  {\"code\": \"TQ-2\", \"text\": \"Er der partshørt?\", \"category\": \"forvaltningsret\", \"scale\": \"jn\"}]}]}";

typedef struct Fixture {
	TestDb *t;
	Round round;
	User rev, karen;
	int64_t case_id[4]; /* S-1, S-2, S-3 in sample order */
	int64_t q1, q2;
} Fixture;

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	char msg[300] = "";
	int64_t dept_id;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	Department d;
	assert_true(department_by_id(db, dept_id, &d));
	exec_ok(db, "INSERT INTO users (login, name, password_hash) VALUES ('rev', 'Revi Sor', 'x'),"
	            " ('karen', 'Karen Holm', 'x')");
	assert_true(user_by_login(db, "rev", &f->rev));
	assert_true(user_by_login(db, "karen", &f->karen));
	char err[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(db, catalogue_json, "udgivet", "lokal", &cat, err, sizeof err), 0);
	int64_t round_id;
	assert_int_equal(round_create(db, &d, "overordnet", "Tilsyn", "kat", NULL, 0, NULL, NULL, "test", &round_id, msg, sizeof msg),
	                 0);
	assert_true(round_by_id(db, round_id, &f->round));
	for (int i = 1; i <= 3; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
		         " VALUES (%lld, 'S-%d', 'Rådgiver', '2026-01-01', '2026-01-01') RETURNING id", (long long)dept_id, i);
		f->case_id[i] = qinsert(db, "%s", sql);
		snprintf(sql, sizeof sql,
		         "INSERT INTO round_case (round_id, case_id, sample_key, status, added_at)"
		         " VALUES (%lld, %lld, '%d', 'udtrukket', '2026-01-01')", (long long)round_id,
		         (long long)f->case_id[i], i);
		exec_ok(db, sql);
	}
	f->q1 = testdb_int(db, "SELECT id FROM question WHERE code = 'TQ-1'");
	f->q2 = testdb_int(db, "SELECT id FROM question WHERE code = 'TQ-2'");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fixture *f = *state;
	DIR *d = opendir(f->t->dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		if (strstr(e->d_name, ".xlsx")) {
			char p[320];
			snprintf(p, sizeof p, "%s/%s", f->t->dir, e->d_name);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
	testdb_free(f->t);
	free(f);
	return 0;
}

/* Saves an answer as the review page does, over whatever is stored. */
static void save(Fixture *f, int c, int64_t q, const char *value, int material, const char *comment, const User *by)
{
	AnswerInput in = {.value = value, .material = material, .comment = comment, .seen_revision = -1};
	AnswerState *cur = calloc(1, sizeof *cur);
	char msg[300] = "";
	assert_int_equal(db_begin(f->t->db), DB_OK);
	if (answer_save(f->t->db, f->round.id, f->case_id[c], q, &in, by, cur, msg, sizeof msg) != ANSWER_SAVED)
		fail_msg("answer_save: %s", msg);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	free(cur);
}

static void value_of(Fixture *f, int c, int64_t q, char *out, size_t n)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce((SELECT coalesce(value, '') || '/' || material || '/' || comment FROM answer"
	         " WHERE case_id = %lld AND question_id = %lld), '-')", (long long)f->case_id[c], (long long)q);
	testdb_text(f->t->db, sql, out, n);
}

static int import(Fixture *f, const char *path, int overwrite, SheetResult *res)
{
	memset(res, 0, sizeof *res);
	SheetImportOptions o = {.overwrite = overwrite};
	assert_int_equal(db_begin(f->t->db), DB_OK);
	int rc = sheet_import_file_opt(f->t->db, &f->round, path, &f->rev, &o, res);
	if (rc == SHEET_STORED)
		assert_int_equal(db_commit(f->t->db), DB_OK);
	else
		db_rollback(f->t->db);
	return rc;
}

static int has_problem(const SheetResult *res, const char *cell, const char *text)
{
	for (int i = 0; i < res->nproblems; i++)
		if (strcmp(res->problems[i].cell, cell) == 0 && strstr(res->problems[i].reason, text))
			return 1;
	return 0;
}

static void print_problems(const SheetResult *res)
{
	for (int i = 0; i < res->nproblems; i++)
		print_message("%s: %s\n", res->problems[i].cell, res->problems[i].reason);
}

/* A workbook with a first sheet of rows and, when rev is given, a hidden sheet "tilsyn". */
static void write_book(const char *path, const char *const rows[][4], int nrows, const char *const rev[][4], int nrev)
{
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Registrering");
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < 4 && rows[r][c]; c++)
			if (*rows[r][c])
				worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, rows[r][c], NULL);
	if (rev) {
		lxw_worksheet *h = workbook_add_worksheet(wb, "tilsyn");
		worksheet_hide(h);
		for (int r = 0; r < nrev; r++)
			for (int c = 0; c < 4 && rev[r][c]; c++)
				if (*rev[r][c])
					worksheet_write_string(h, (lxw_row_t)r, (lxw_col_t)c, rev[r][c], NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* ---- the rule for one cell ---- */

static void the_rule_for_one_cell(void **state)
{
	(void)state;
	/* Equal to what is stored: never a conflict, with or without revisions. */
	assert_int_equal(sheet_cell_conflict(1, 1, 5, "ja", "ja"), 0);
	assert_int_equal(sheet_cell_conflict(0, 0, 5, "ja", "ja"), 0);
	assert_int_equal(sheet_cell_conflict(1, 0, 0, NULL, ""), 0);
	/* The stored answer is as it was when the sheet was made: the sheet's change is the news. */
	assert_int_equal(sheet_cell_conflict(1, 2, 2, "ja", "nej"), 0);
	assert_int_equal(sheet_cell_conflict(1, 0, 0, "", "ja"), 0);
	/* Changed since, and the sheet says something else. */
	assert_int_equal(sheet_cell_conflict(1, 1, 2, "nej", "ja"), 1);
	/* Answered since (the sheet had none), differently; or the same: no conflict. */
	assert_int_equal(sheet_cell_conflict(1, 0, 1, "nej", "ja"), 1);
	assert_int_equal(sheet_cell_conflict(1, 0, 1, "ja", "ja"), 0);
	/* Cleared since: the sheet's old value would bring it back. */
	assert_int_equal(sheet_cell_conflict(1, 1, 2, "", "ja"), 1);
	/* Without revisions: filling an empty field is fine, changing a stored one is not. */
	assert_int_equal(sheet_cell_conflict(0, 0, 1, "", "ja"), 0);
	assert_int_equal(sheet_cell_conflict(0, 0, 0, NULL, "ja"), 0);
	assert_int_equal(sheet_cell_conflict(0, 0, 3, "nej", "ja"), 1);
}

/* ---- whole sheets ---- */

typedef struct Rows {
	char c[6][4][64];
} Rows;

/* Collects up to 6 rows of 4 cells. */
static int grab(void *ctx, long line, int ncells, const char *const *cells)
{
	Rows *rows = ctx;
	if (line < 1 || line > 6)
		return 0;
	for (int i = 0; i < ncells && i < 4; i++)
		snprintf(rows->c[line - 1][i], 64, "%s", cells[i]);
	return 0;
}

static void a_written_sheet_carries_the_revisions(void **state)
{
	Fixture *f = *state;
	save(f, 1, f->q1, "ja", 0, "", &f->rev);
	save(f, 1, f->q1, "nej", 0, "", &f->rev); /* revision 2 */
	char path[160];
	snprintf(path, sizeof path, "%s/ark.xlsx", f->t->dir);
	char err[256];
	long cases = 0;
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, &cases, err, sizeof err), 0);
	/* The hidden sheet: mark, version, round; the header; S-1 with revision 2 for TQ-1. */
	Rows *rows = calloc(1, sizeof *rows);
	SheetInfo info;
	assert_int_equal(xlsx_read_sheet_file(path, "tilsyn", &info, grab, rows, err, sizeof err), 0);
	assert_string_equal(info.sheet, "tilsyn");
	assert_string_equal(rows->c[0][0], "tilsyn-revisioner");
	assert_string_equal(rows->c[0][1], "1");
	char round_id[32];
	snprintf(round_id, sizeof round_id, "%lld", (long long)f->round.id);
	assert_string_equal(rows->c[0][2], round_id);
	assert_string_equal(rows->c[1][0], "Sagsnummer");
	assert_string_equal(rows->c[1][1], "TQ-1");
	assert_string_equal(rows->c[1][2], "TQ-2");
	assert_string_equal(rows->c[2][0], "S-1");
	assert_string_equal(rows->c[2][1], "2");
	assert_string_equal(rows->c[2][2], "");
	assert_string_equal(rows->c[3][0], "S-2");
	free(rows);
}

static void a_stale_sheet_is_refused_then_overwritten(void **state)
{
	Fixture *f = *state;
	save(f, 1, f->q1, "ja", 0, "Første", &f->rev);
	char path[160];
	snprintf(path, sizeof path, "%s/gammel.xlsx", f->t->dir);
	char err[256];
	long cases;
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, &cases, err, sizeof err), 0);
	/* Newer work after the sheet was made: TQ-1 of S-1 -> nej, comment changed, by Karen Holm;
	** TQ-1 of S-2 answered ja. */
	save(f, 1, f->q1, "nej", 0, "Anden", &f->karen);
	save(f, 2, f->q1, "ja", 0, "", &f->karen);
	SheetResult *res = calloc(1, sizeof *res);
	/* The unchanged old sheet: S-1 still says ja and Første; S-2 is empty there (no change). */
	assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
	print_problems(res);
	assert_int_equal(res->revisions, 1);
	assert_int_equal(res->conflicts, 2);
	assert_true(has_problem(res, "B2", "TQ-1 (sag S-1) er ændret, efter arket blev lavet: nu »nej«, gemt af Karen Holm "));
	assert_true(has_problem(res, "B2", "; arket siger »ja«."));
	/* The comment column comes after the answer columns: D (A case, B TQ-1, C TQ-2, D TQ-1 kommentar). */
	assert_true(has_problem(res, "D2", "Kommentaren til TQ-1 (sag S-1) er ændret, efter arket blev lavet: nu »Anden«"));
	assert_int_equal(strlen(res->conflict_key), 64);
	char key[65];
	snprintf(key, sizeof key, "%s", res->conflict_key);
	char v[128];
	value_of(f, 1, f->q1, v, sizeof v);
	assert_string_equal(v, "nej/0/Anden");

	/* The same conflicts give the same fingerprint; a newer save changes it. */
	assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
	assert_string_equal(res->conflict_key, key);
	save(f, 1, f->q1, "delvist", 0, "Anden", &f->karen);
	assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
	assert_string_not_equal(res->conflict_key, key);
	assert_true(has_problem(res, "B2", "nu »delvist«"));

	/* Overwrite saves the sheet's cells and counts them. */
	assert_int_equal(import(f, path, 1, res), SHEET_STORED);
	assert_int_equal(res->overwritten, 2);
	assert_int_equal(res->conflicts, 0);
	value_of(f, 1, f->q1, v, sizeof v);
	assert_string_equal(v, "ja/0/Første");
	value_of(f, 2, f->q1, v, sizeof v);
	assert_string_equal(v, "ja/0/"); /* an empty cell leaves the newer answer alone */
	free(res);
}

static void an_unchanged_cell_is_no_conflict(void **state)
{
	Fixture *f = *state;
	save(f, 1, f->q1, "ja", 0, "", &f->rev);
	save(f, 1, f->q2, "nej", 0, "", &f->rev);
	char path[160];
	snprintf(path, sizeof path, "%s/ark.xlsx", f->t->dir);
	char err[256];
	long cases;
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, &cases, err, sizeof err), 0);
	SheetResult *res = calloc(1, sizeof *res);
	/* Read back as it is: everything equal, nothing to save, no conflict. */
	assert_int_equal(import(f, path, 0, res), SHEET_STORED);
	assert_int_equal(res->saved, 0);
	assert_int_equal(res->unchanged, 2);
	/* TQ-2 changed since: only its cell conflicts, TQ-1 (unchanged) does not. */
	save(f, 1, f->q2, "ja", 0, "", &f->karen);
	assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
	assert_int_equal(res->conflicts, 1);
	assert_true(has_problem(res, "C2", "TQ-2 (sag S-1) er ændret"));
	assert_false(has_problem(res, "B2", ""));
	/* Changed since, but to what the sheet says: no conflict. */
	save(f, 1, f->q2, "nej", 0, "", &f->karen);
	assert_int_equal(import(f, path, 0, res), SHEET_STORED);
	assert_int_equal(res->saved, 0);
	free(res);
}

static void the_hidden_sheet_is_trusted_only_when_it_fits(void **state)
{
	Fixture *f = *state;
	save(f, 1, f->q1, "ja", 0, "", &f->karen); /* revision 1 */
	char path[160], round_id[32], other[32];
	snprintf(path, sizeof path, "%s/haand.xlsx", f->t->dir);
	snprintf(round_id, sizeof round_id, "%lld", (long long)f->round.id);
	snprintf(other, sizeof other, "%lld", (long long)f->round.id + 1);
	const char *const rows[][4] = {{"Sagsnummer", "TQ-1", NULL}, {"S-1", "nej", NULL}};
	SheetResult *res = calloc(1, sizeof *res);
	char v[128];

	/* The right round and the stored revision: the sheet's nej is the offline change. */
	const char *const good[][4] = {{"tilsyn-revisioner", "1", round_id, NULL}, {"Sagsnummer", "TQ-1", NULL},
	                               {"S-1", "1", NULL}};
	write_book(path, rows, 2, good, 3);
	assert_int_equal(import(f, path, 0, res), SHEET_STORED);
	assert_int_equal(res->revisions, 1);
	assert_int_equal(res->saved, 1);
	value_of(f, 1, f->q1, v, sizeof v);
	assert_string_equal(v, "nej/0/");
	save(f, 1, f->q1, "ja", 0, "", &f->karen); /* back to ja, revision 3 */

	/* Another round's revisions, a revision that is no number, no hidden sheet, a hidden
	** sheet without the question's column: all count as no revisions, so changing a
	** stored answer is a conflict, said as such. */
	const char *const another[][4] = {{"tilsyn-revisioner", "1", other, NULL}, {"Sagsnummer", "TQ-1", NULL},
	                                  {"S-1", "3", NULL}};
	const char *const garbage[][4] = {{"tilsyn-revisioner", "1", round_id, NULL}, {"Sagsnummer", "TQ-1", NULL},
	                                  {"S-1", "tre", NULL}};
	const char *const nocolumn[][4] = {{"tilsyn-revisioner", "1", round_id, NULL}, {"Sagsnummer", "TQ-2", NULL},
	                                   {"S-1", "3", NULL}};
	const char *const (*const books[])[4] = {another, garbage, NULL, nocolumn};
	for (size_t i = 0; i < sizeof books / sizeof *books; i++) {
		write_book(path, rows, 2, books[i], books[i] ? 3 : 0);
		assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
		assert_true(has_problem(res, "B2", "TQ-1 (sag S-1) har allerede et andet svar, og arket viser ikke, hvornår "
		                                   "det blev lavet: nu »ja«, gemt af Karen Holm"));
	}
	value_of(f, 1, f->q1, v, sizeof v);
	assert_string_equal(v, "ja/0/");

	/* Without revisions, filling an empty answer is fine. */
	const char *const fill[][4] = {{"Sagsnummer", "TQ-1", NULL}, {"S-3", "delvist", NULL}};
	write_book(path, fill, 2, NULL, 0);
	assert_int_equal(import(f, path, 0, res), SHEET_STORED);
	assert_int_equal(res->revisions, 0);
	assert_int_equal(res->saved, 1);
	free(res);
}

static void the_material_mark_follows_the_same_rule(void **state)
{
	Fixture *f = *state;
	save(f, 1, f->q1, "nej", 1, "", &f->rev); /* revision 1, væsentlig */
	char path[160], round_id[32];
	snprintf(path, sizeof path, "%s/v.xlsx", f->t->dir);
	snprintf(round_id, sizeof round_id, "%lld", (long long)f->round.id);
	save(f, 1, f->q1, "nej", 0, "", &f->karen); /* revision 2: not væsentlig after all */
	const char *const rows[][4] = {{"Sagsnummer", "TQ-1 væsentlig", NULL}, {"S-1", "ja", NULL}};
	const char *const rev[][4] = {{"tilsyn-revisioner", "1", round_id, NULL}, {"Sagsnummer", "TQ-1", NULL},
	                              {"S-1", "1", NULL}};
	write_book(path, rows, 2, rev, 3);
	SheetResult *res = calloc(1, sizeof *res);
	assert_int_equal(import(f, path, 0, res), SHEET_CONFLICT);
	print_problems(res);
	assert_true(has_problem(res, "B2", "Væsentlig betydning ved TQ-1 (sag S-1) er ændret, efter arket blev lavet: "
	                                   "nu »nej«, gemt af Karen Holm"));
	assert_true(has_problem(res, "B2", "arket siger »ja«."));
	free(res);
}

/* ---- the reader of a named sheet ---- */

static int count_rows(void *ctx, long line, int ncells, const char *const *cells)
{
	(void)line, (void)ncells, (void)cells;
	(*(int *)ctx)++;
	return 0;
}

static void the_reader_finds_a_sheet_by_name(void **state)
{
	Fixture *f = *state;
	char path[160];
	snprintf(path, sizeof path, "%s/navne.xlsx", f->t->dir);
	const char *const first[][4] = {{"a", NULL}, {"b", NULL}, {"c", NULL}};
	const char *const second[][4] = {{"x", NULL}};
	write_book(path, first, 3, second, 1);
	int n = 0;
	SheetInfo info;
	char err[256];
	assert_int_equal(xlsx_read_sheet_file(path, "tilsyn", &info, count_rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(info.sheet, "tilsyn");
	n = 0;
	assert_int_equal(xlsx_read_sheet_file(path, NULL, &info, count_rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(xlsx_read_sheet_file(path, "findes ikke", &info, count_rows, &n, err, sizeof err), XLSX_NO_SHEET);
	assert_int_equal(n, 0);
	assert_string_equal(err, "");
	/* From memory too. */
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static unsigned char data[1 << 16];
	size_t len = fread(data, 1, sizeof data, fp);
	fclose(fp);
	n = 0;
	assert_int_equal(xlsx_read_sheet_mem(data, len, "tilsyn", &info, count_rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(xlsx_read_sheet_mem(data, len, "Tilsyn ", &info, count_rows, &n, err, sizeof err), XLSX_NO_SHEET);
	/* Not a workbook: the ordinary error, not "no such sheet". */
	assert_int_equal(xlsx_read_sheet_mem("nej", 3, "tilsyn", &info, count_rows, &n, err, sizeof err), -1);
	assert_true(strstr(err, "ikke en gyldig Excel-fil") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_rule_for_one_cell),
		cmocka_unit_test_setup_teardown(a_written_sheet_carries_the_revisions, setup, teardown),
		cmocka_unit_test_setup_teardown(a_stale_sheet_is_refused_then_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unchanged_cell_is_no_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(the_hidden_sheet_is_trusted_only_when_it_fits, setup, teardown),
		cmocka_unit_test_setup_teardown(the_material_mark_follows_the_same_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(the_reader_finds_a_sheet_by_name, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
