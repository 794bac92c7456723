/*
** Tests of the offline registration sheet (sheet.c) on a real, migrated SQLite file: a
** round with a small catalogue (ja/delvist/nej, ja/nej, a choice with a comma in it, free
** text) and six sampled cases, one of them replaced. The sheet is written with
** libxlsxwriter and read back with our own reader (xlsx.c) to check its layout; filled
** sheets are made cell by cell with libxlsxwriter, as a spreadsheet program would save them,
** and imported: answers stored with history, re-import unchanged, refused sheets storing
** nothing and naming every bad cell, and the round trip export -> import -> export.
*/
#include "unit_helpers.h"

#include <dirent.h>
#include <xlsxwriter.h>

/* libxlsxwriter 1.1.4 (Debian 12) does not free its copy of a list validation's formula
** (LXW_VALIDATION_TYPE_LIST_FORMULA); that one leak is the library's, not ours. The library
** has no frame pointers, so the suppression needs the slow unwinder to see who allocated. */
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

/* ---- fixture ---- */

static const char catalogue_json[] =
	"{\"code\": \"test-katalog\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit et\", \"questions\": ["
	"  {\"code\": \"TQ-1\", \"text\": \"Er sagen oplyst?\", \"guidance\": \"Se efter.\", \"reference\": \"Rsl. § 10\","
	"   \"category\": \"retssikkerhed\"},"
	"  {\"code\": \"TQ-2\", \"text\": \"Er der partshørt?\", \"category\": \"forvaltningsret\", \"scale\": \"jn\"}]},"
	"  {\"title\": \"Afsnit to\", \"questions\": ["
	"  {\"code\": \"TQ-3\", \"text\": \"Hvad blev afgørelsen?\", \"category\": \"forvaltningsret\", \"scale\": \"choice\","
	"   \"choices\": [\"Fuld bevilling\", \"Delvis, med vilkår\", \"Afslag\"]},"
	"  {\"code\": \"TQ-4\", \"text\": \"Bemærkninger\", \"category\": \"socialfaglig\", \"scale\": \"text\"}]}]}";

typedef struct Fixture {
	TestDb *t;
	Round round;
	User user;
	int64_t case_id[7]; /* S-001 .. S-006, by case number */
	char dir[64];
} Fixture;

static int64_t question_id(Fixture *f, const char *code)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT id FROM question WHERE code = '%s'", code);
	return testdb_int(f->t->db, sql);
}

/* The stored value of an answer, "" when there is none; "-" when there is no row. */
static void answer_of(Fixture *f, const char *case_no, const char *code, char *out, size_t n)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce((SELECT coalesce(a.value, '') FROM answer a JOIN cases c ON c.id = a.case_id"
	         " JOIN question q ON q.id = a.question_id WHERE c.case_no = '%s' AND q.code = '%s'), '-')",
	         case_no, code);
	testdb_text(f->t->db, sql, out, n);
}

static int64_t count(Fixture *f, const char *sql)
{
	return testdb_int(f->t->db, sql);
}

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = testdb_new();
	Db *db = f->t->db;
	snprintf(f->dir, sizeof f->dir, "%s", f->t->dir);
	char msg[300] = "";
	int64_t dept_id;
	assert_int_equal(department_add(db, "TST", "Testafdeling", "barn", &dept_id, msg, sizeof msg), 0);
	Department d;
	assert_true(department_by_id(db, dept_id, &d));
	exec_ok(db, "INSERT INTO users (login, name, password_hash) VALUES ('rev', 'Revi Sor', 'x')");
	assert_true(user_by_login(db, "rev", &f->user));
	char err[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(db, catalogue_json, "udgivet", "lokal", &cat, err, sizeof err), 0);
	int64_t round_id;
	assert_int_equal(round_create(db, &d, "overordnet", "Testtilsyn", "test-katalog", NULL, 0, NULL, NULL, "test",
	                              &round_id, msg, sizeof msg), 0);
	assert_true(round_by_id(db, round_id, &f->round));
	/* Six cases; the sample order (by key) is S-003, S-001, S-005, S-002, S-006, and S-004 is replaced. */
	static const char *const keys[] = {"", "20", "40", "10", "99", "30", "50"};
	for (int i = 1; i <= 6; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
		         "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
		         " VALUES (%lld, 'S-00%d', 'Rådgiver %d', '2026-01-01', '2026-01-01') RETURNING id",
		         (long long)dept_id, i, i % 2);
		f->case_id[i] = qinsert(db, "%s", sql);
		snprintf(sql, sizeof sql,
		         "INSERT INTO round_case (round_id, case_id, sample_key, status, added_at)"
		         " VALUES (%lld, %lld, '%s', '%s', '2026-01-01')",
		         (long long)round_id, (long long)f->case_id[i], keys[i], i == 4 ? "erstattet" : "udtrukket");
		exec_ok(db, sql);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fixture *f = *state;
	DIR *d = opendir(f->dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		if (strstr(e->d_name, ".xlsx")) {
			char p[320];
			snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
	testdb_free(f->t);
	free(f);
	return 0;
}

/* ---- a sheet read with our reader ---- */

#define MAXR 16
#define MAXC 24
typedef struct Grid {
	char cell[MAXR][MAXC][128]; /* [row - 1][column] */
	int rows;
} Grid;

static int grid_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Grid *g = ctx;
	assert_true(line >= 1 && line <= MAXR);
	for (int c = 0; c < ncells && c < MAXC; c++)
		snprintf(g->cell[line - 1][c], sizeof g->cell[0][0], "%s", cells[c]);
	if (line > g->rows)
		g->rows = (int)line;
	return 0;
}

static void read_grid(const char *path, Grid *g, SheetInfo *info)
{
	memset(g, 0, sizeof *g);
	char err[512];
	if (xlsx_read_file(path, info, grid_row, g, err, sizeof err) != 0)
		fail_msg("reading %s: %s", path, err);
}

/* The column whose header is h, or -1. */
static int column(const Grid *g, const char *h)
{
	for (int c = 0; c < MAXC; c++)
		if (strcmp(g->cell[0][c], h) == 0)
			return c;
	return -1;
}

/* A filled-in sheet as a spreadsheet program saves it: rows of cells, NULL ends a row. */
static void write_filled(const char *path, const char *const rows[][8], int nrows)
{
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Registrering");
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < 8 && rows[r][c]; c++)
			if (*rows[r][c])
				worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, rows[r][c], NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void path_in(Fixture *f, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", f->dir, name);
}

static int import_path_opt(Fixture *f, const char *path, int overwrite, SheetResult *res)
{
	assert_int_equal(db_begin(f->t->db), DB_OK);
	SheetImportOptions o = {.overwrite = overwrite};
	int rc = sheet_import_file_opt(f->t->db, &f->round, path, &f->user, &o, res);
	if (rc == SHEET_STORED)
		assert_int_equal(db_commit(f->t->db), DB_OK);
	else
		db_rollback(f->t->db);
	return rc;
}

static int import_path(Fixture *f, const char *path, SheetResult *res)
{
	return import_path_opt(f, path, 0, res);
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
	if (*res->error)
		print_message("error: %s\n", res->error);
	for (int i = 0; i < res->nproblems; i++)
		print_message("%s: %s\n", res->problems[i].cell, res->problems[i].reason);
}

/* ---- tests ---- */

static void written_sheet_has_the_layout(void **state)
{
	Fixture *f = *state;
	/* One answer already given, to be pre-filled. */
	AnswerState st;
	char msg[300] = "";
	AnswerInput in = {.value = "ikke_relevant", .comment = "Ikke aktuelt", .seen_revision = -1};
	assert_int_equal(answer_save(f->t->db, f->round.id, f->case_id[5], question_id(f, "TQ-1"), &in, &f->user, &st,
	                             msg, sizeof msg), ANSWER_SAVED);
	in = (AnswerInput){.value = "nej", .material = 1, .seen_revision = -1};
	assert_int_equal(answer_save(f->t->db, f->round.id, f->case_id[1], question_id(f, "TQ-2"), &in, &f->user, &st,
	                             msg, sizeof msg), ANSWER_SAVED);

	char path[128], err[256];
	path_in(f, "ark.xlsx", path, sizeof path);
	long cases = -1;
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, &cases, err, sizeof err), 0);
	assert_int_equal(cases, 5);

	Grid g;
	SheetInfo info;
	read_grid(path, &g, &info);
	assert_string_equal(info.sheet, "Registrering");
	assert_string_equal(g.cell[0][0], "Sagsnummer");
	assert_string_equal(g.cell[0][1], "TQ-1");
	assert_string_equal(g.cell[0][2], "TQ-2");
	assert_string_equal(g.cell[0][3], "TQ-3");
	assert_string_equal(g.cell[0][4], "TQ-4");
	/* then the comments (not for free text) and væsentlig (only ja/nej scales) */
	assert_string_equal(g.cell[0][5], "TQ-1 kommentar");
	assert_string_equal(g.cell[0][6], "TQ-2 kommentar");
	assert_string_equal(g.cell[0][7], "TQ-3 kommentar");
	assert_string_equal(g.cell[0][8], "TQ-1 væsentlig");
	assert_string_equal(g.cell[0][9], "TQ-2 væsentlig");
	assert_string_equal(g.cell[0][10], "");
	/* One row per sampled case in sample order; the replaced S-004 is not there. */
	assert_int_equal(g.rows, 6);
	static const char *const order[] = {"S-003", "S-001", "S-005", "S-002", "S-006"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(g.cell[1 + i][0], order[i]);
	/* Pre-filled: S-005 (row 4) TQ-1 "ikke relevant" with its comment; S-001 (row 3) TQ-2 nej, væsentlig ja. */
	assert_string_equal(g.cell[3][1], "ikke relevant");
	assert_string_equal(g.cell[3][5], "Ikke aktuelt");
	assert_string_equal(g.cell[3][8], "");
	assert_string_equal(g.cell[2][2], "nej");
	assert_string_equal(g.cell[2][9], "ja");
	assert_string_equal(g.cell[1][1], "");

	/* The sheet as written imports without problems and changes nothing. */
	SheetResult *res = calloc(1, sizeof *res);
	int rc = import_path(f, path, res);
	print_problems(res);
	assert_int_equal(rc, SHEET_STORED);
	assert_int_equal(res->rows, 5);
	assert_int_equal(res->saved, 0);
	assert_int_equal(res->unchanged, 2);
	free(res);
}

static void questions_sheet_and_lists(void **state)
{
	Fixture *f = *state;
	char path[128], err[256];
	path_in(f, "ark.xlsx", path, sizeof path);
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, NULL, err, sizeof err), 0);
	/* The parts of the package, as an independent check of what our reader does not read. */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
	                          "w=z.read('xl/workbook.xml').decode(); s=z.read('xl/worksheets/sheet1.xml').decode(); "
	                          "sys.exit(0 if 'Spørgsmål' in w and 'state=\\\"hidden\\\"' in w and 'dataValidation' in s "
	                          "and 'ikke relevant' in s and 'Svarlister!' in s and 'pane' in s else 1)\" %s",
	         path);
	assert_int_equal(system(cmd), 0);
}

static void filled_sheet_is_stored_with_history(void **state)
{
	Fixture *f = *state;
	char path[128];
	path_in(f, "udfyldt.xlsx", path, sizeof path);
	/* Columns in another order than written, other spellings, a case without answers. */
	static const char *const rows[][8] = {
		{"Sagsnummer", "TQ-3", "TQ-1", "tq-2", "TQ-4", "TQ-1 kommentar", "TQ-1 væsentlig", NULL},
		{"S-001", "delvis, med vilkår", "JA", "ikke_relevant", "Fin sag", "", "", NULL},
		{" S-002 ", "Afslag", "Ikke relevant", "nej", "", "Mangler notat", "", NULL},
		{"S-003", "", "delvist", "", "", "", "JA", NULL},
		{"S-005", "", "", "", "", "", "", NULL},
	};
	write_filled(path, rows, 5);
	SheetResult *res = calloc(1, sizeof *res);
	int rc = import_path(f, path, res);
	print_problems(res);
	assert_int_equal(rc, SHEET_STORED);
	assert_int_equal(res->rows, 4);
	/* S-001: TQ-3, TQ-1, TQ-2, TQ-4; S-002: TQ-3, TQ-1 (+comment), TQ-2; S-003: TQ-1 (+væsentlig) */
	assert_int_equal(res->saved, 8);
	char v[64];
	answer_of(f, "S-001", "TQ-3", v, sizeof v);
	assert_string_equal(v, "Delvis, med vilkår");
	answer_of(f, "S-001", "TQ-1", v, sizeof v);
	assert_string_equal(v, "ja");
	answer_of(f, "S-001", "TQ-2", v, sizeof v);
	assert_string_equal(v, "ikke_relevant");
	answer_of(f, "S-001", "TQ-4", v, sizeof v);
	assert_string_equal(v, "Fin sag");
	answer_of(f, "S-002", "TQ-1", v, sizeof v);
	assert_string_equal(v, "ikke_relevant");
	answer_of(f, "S-005", "TQ-1", v, sizeof v);
	assert_string_equal(v, "-");
	assert_int_equal(count(f, "SELECT count(*) FROM answer"), 8);
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history"), 8);
	assert_int_equal(count(f, "SELECT count(*) FROM answer WHERE updated_by = (SELECT id FROM users WHERE login = 'rev')"), 8);
	assert_int_equal(count(f, "SELECT material FROM answer a JOIN cases c ON c.id = a.case_id WHERE c.case_no = 'S-003'"
	                          " AND a.question_id = (SELECT id FROM question WHERE code = 'TQ-1')"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM answer WHERE comment = 'Mangler notat'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM round_case WHERE review_status = 'i_gang'"), 3);

	/* The same sheet again: nothing changes, no history. */
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_STORED);
	assert_int_equal(res->saved, 0);
	assert_int_equal(res->unchanged, 8);
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history"), 8);

	/* A changed answer: one more history row with old and new value; empty cells keep the rest.
	** A hand-made sheet (no hidden revisions) changing a stored answer is a conflict until
	** overwrite says to save it (test_sheet_conflicts.c has the rule in full). */
	static const char *const change[][8] = {
		{"Sagsnummer", "TQ-1", NULL},
		{"S-001", "nej", NULL},
		{"S-002", "", NULL},
	};
	write_filled(path, change, 3);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_CONFLICT);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path_opt(f, path, 1, res), SHEET_STORED);
	assert_int_equal(res->saved, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history WHERE old_value = 'ja' AND new_value = 'nej'"), 1);
	answer_of(f, "S-002", "TQ-1", v, sizeof v);
	assert_string_equal(v, "ikke_relevant");
	answer_of(f, "S-001", "TQ-3", v, sizeof v);
	assert_string_equal(v, "Delvis, med vilkår");
	free(res);
}

static void bad_sheet_is_refused_naming_every_cell(void **state)
{
	Fixture *f = *state;
	char path[128];
	path_in(f, "forkert.xlsx", path, sizeof path);
	static const char *const rows[][8] = {
		{"Sagsnummer", "TQ-2", "TQ-3", "TQ-1", "TQ-9", "TQ-2 kommentar", "TQ-1 væsentlig", NULL},
		{"S-003", "ja", "Afslag", "ja", "x", "", "", NULL},          /* row 2: TQ-9 is reported in E1 only */
		{"S-001", "delvist", "", "nej", "", "", "ja", NULL},        /* row 3: jn has no delvist */
		{"S-005", "", "Måske", "", "", "Se 010190-1234", "", NULL}, /* row 4: no such choice; a CPR number */
		{"S-404", "ja", "", "", "", "", "", NULL},                  /* row 5: not in the sample */
		{"S-004", "ja", "", "", "", "", "", NULL},                  /* row 6: replaced */
		{"S-002", "", "", "måske", "", "", "ja", NULL},             /* row 7: D7, and væsentlig with no answer */
		{"S-003", "nej", "", "", "", "", "", NULL},                 /* row 8: twice */
		{"", "ja", "", "", "", "", "", NULL},                       /* row 9: no case number */
		{"S-006", "", "", "ja", "", "", "kanske", NULL},            /* row 10: væsentlig not ja/nej */
		{"S-006x", "", "", "", "", "", "", "løs tekst"},             /* row 11: H has no header; unknown case */
	};
	write_filled(path, rows, 11);
	SheetResult *res = calloc(1, sizeof *res);
	int rc = import_path(f, path, res);
	print_problems(res);
	assert_int_equal(rc, SHEET_REFUSED);
	assert_true(has_problem(res, "E1", "'TQ-9' er ikke et spørgsmål i dette tilsyn"));
	assert_true(has_problem(res, "B3", "'delvist' er ikke et gyldigt svar; brug ja, nej eller ikke relevant"));
	assert_true(has_problem(res, "C4", "'Måske' er ikke en af svarmulighederne til TQ-3"));
	assert_true(has_problem(res, "F4", "CPR-nummer"));
	assert_true(has_problem(res, "A5", "sagen 'S-404' er ikke i tilsynets stikprøve"));
	assert_true(has_problem(res, "A6", "erstattet"));
	assert_true(has_problem(res, "D7", "'måske' er ikke et gyldigt svar; brug ja, delvist, nej eller ikke relevant"));
	assert_true(has_problem(res, "A8", "står også i række 2"));
	assert_true(has_problem(res, "A9", "sagsnummeret mangler"));
	assert_true(has_problem(res, "G10", "'kanske' er ikke gyldigt"));
	assert_true(has_problem(res, "H11", "ingen overskrift i H1"));
	assert_true(has_problem(res, "A11", "'S-006x'"));
	/* the CPR number itself is never repeated */
	for (int i = 0; i < res->nproblems; i++)
		assert_null(strstr(res->problems[i].reason, "010190"));
	assert_int_equal(res->saved, 0);
	/* Nothing at all was stored, not even the good rows. */
	assert_int_equal(count(f, "SELECT count(*) FROM answer"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM round WHERE review_started_at IS NOT NULL"), 0);

	/* The brief's example alone: one bad value in D7 and one unknown case. */
	static const char *const two[][8] = {
		{"Sagsnummer", "TQ-2", "TQ-3", "TQ-1", NULL},
		{"S-003", "ja", "", "ja", NULL},
		{"S-001", "nej", "", "", NULL},
		{"S-005", "", "Afslag", "", NULL},
		{"S-777", "ja", "", "", NULL},
		{"S-002", "", "", "", NULL},
		{"S-006", "", "", "måske", NULL},
	};
	write_filled(path, two, 7);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_int_equal(res->nproblems, 2);
	assert_true(has_problem(res, "A5", "S-777"));
	assert_true(has_problem(res, "D7", "'måske' er ikke et gyldigt svar; brug ja, delvist, nej eller ikke relevant"));
	assert_int_equal(count(f, "SELECT count(*) FROM answer"), 0);
	free(res);
}

static void material_only_with_nej_or_delvist(void **state)
{
	Fixture *f = *state;
	char path[128];
	path_in(f, "v.xlsx", path, sizeof path);
	static const char *const rows[][8] = {
		{"Sagsnummer", "TQ-1", "TQ-1 væsentlig", NULL},
		{"S-001", "ja", "ja", NULL},
	};
	write_filled(path, rows, 2);
	SheetResult *res = calloc(1, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_true(has_problem(res, "C2", "væsentlig betydning kan kun angives"));
	static const char *const ok[][8] = {
		{"Sagsnummer", "TQ-1", "TQ-1 væsentlig", NULL},
		{"S-001", "nej", "ja", NULL},
	};
	write_filled(path, ok, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_STORED);
	assert_int_equal(count(f, "SELECT material FROM answer"), 1);
	/* Changed to ja with the væsentlig cell left empty: the mark goes with the nej. */
	static const char *const yes[][8] = {
		{"Sagsnummer", "TQ-1", NULL},
		{"S-001", "ja", NULL},
	};
	write_filled(path, yes, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path_opt(f, path, 1, res), SHEET_STORED); /* changes a stored answer: overwrite */
	assert_int_equal(count(f, "SELECT material FROM answer"), 0);
	free(res);
}

static void whole_file_problems(void **state)
{
	Fixture *f = *state;
	char path[128];
	SheetResult *res = calloc(1, sizeof *res);
	/* Not an xlsx at all. */
	path_in(f, "tekst.xlsx", path, sizeof path);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("Sagsnummer;TQ-1\nS-001;ja\n", fp);
	fclose(fp);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_non_null(strstr(res->error, "ikke en gyldig Excel-fil"));
	/* A1 is not the case number. */
	static const char *const noa1[][8] = {{"Sag?", "TQ-1", NULL}, {"S-001", "ja", NULL}};
	write_filled(path, noa1, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_true(has_problem(res, "A1", "Sagsnummer i kolonne A"));
	/* Other headers for the case number are accepted, as in case lists. */
	static const char *const sagsnr[][8] = {{"Sagsnr.", "TQ-1", NULL}, {"S-001", "ja", NULL}};
	write_filled(path, sagsnr, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_STORED);
	assert_int_equal(res->saved, 1);
	/* Only a header. */
	static const char *const header[][8] = {{"Sagsnummer", "TQ-1", NULL}};
	write_filled(path, header, 1);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_non_null(strstr(res->error, "ingen rækker"));
	/* A header with no question codes. */
	static const char *const nocodes[][8] = {{"Sagsnummer", NULL}, {"S-001", NULL}};
	write_filled(path, nocodes, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_true(has_problem(res, "B1", "ingen spørgsmålskoder"));
	/* A duplicated column. */
	static const char *const dup[][8] = {{"Sagsnummer", "TQ-1", "TQ-1", NULL}, {"S-001", "ja", "nej", NULL}};
	write_filled(path, dup, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_true(has_problem(res, "C1", "findes også i B1"));
	free(res);
}

static void round_trip_shows_the_answers(void **state)
{
	Fixture *f = *state;
	char path[128], err[256];
	path_in(f, "ud.xlsx", path, sizeof path);
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, NULL, err, sizeof err), 0);
	/* Fill the exported sheet's answer cells in place: rewrite it with the same header and rows. */
	Grid g;
	SheetInfo info;
	read_grid(path, &g, &info);
	int c1 = column(&g, "TQ-1"), c3 = column(&g, "TQ-3"), cc = column(&g, "TQ-3 kommentar");
	assert_int_equal(c1, 1);
	assert_true(c3 > 0 && cc > 0);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Registrering");
	for (int r = 0; r < g.rows; r++)
		for (int c = 0; c < MAXC; c++)
			if (*g.cell[r][c])
				worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, g.cell[r][c], NULL);
	for (int r = 1; r < g.rows; r++) {
		worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c1, r % 2 ? "ja" : "ikke relevant", NULL);
		worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c3, "Afslag", NULL);
	}
	worksheet_write_string(ws, 1, (lxw_col_t)cc, "Afslaget er begrundet, men uden klagevejledning.", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	SheetResult *res = calloc(1, sizeof *res);
	int rc = import_path(f, path, res);
	print_problems(res);
	assert_int_equal(rc, SHEET_STORED);
	assert_int_equal(res->saved, 10);

	/* Export again: the answers are there. */
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, NULL, err, sizeof err), 0);
	read_grid(path, &g, &info);
	for (int r = 1; r < g.rows; r++) {
		assert_string_equal(g.cell[r][c1], r % 2 ? "ja" : "ikke relevant");
		assert_string_equal(g.cell[r][c3], "Afslag");
	}
	assert_string_equal(g.cell[1][cc], "Afslaget er begrundet, men uden klagevejledning.");
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history"), 10);
	/* Results count what the sheet said. */
	QuestionResult *qr = NULL;
	int n = results_round(f->t->db, &f->round, &qr);
	assert_true(n >= 2);
	assert_string_equal(qr[0].code, "TQ-1");
	assert_int_equal(qr[0].yes, 3);
	assert_int_equal(qr[0].not_relevant, 2);
	results_free(qr, n);
	free(res);
}

static void import_from_memory_and_no_catalogue(void **state)
{
	Fixture *f = *state;
	char path[128];
	path_in(f, "mem.xlsx", path, sizeof path);
	static const char *const rows[][8] = {{"Sagsnummer", "TQ-2", NULL}, {"S-006", "Ja", NULL}};
	write_filled(path, rows, 2);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char data[65536];
	size_t n = fread(data, 1, sizeof data, fp);
	fclose(fp);
	assert_true(n > 0 && n < sizeof data);
	SheetResult *res = calloc(1, sizeof *res);
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(sheet_import_mem(f->t->db, &f->round, data, n, &f->user, res), SHEET_STORED);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	assert_int_equal(res->saved, 1);
	/* The sheet in memory is the same file. */
	Buf b;
	buf_init(&b, 16 << 20);
	char err[256];
	long cases = 0;
	assert_int_equal(sheet_write_buf(f->t->db, &f->round, &b, &cases, err, sizeof err), 0);
	assert_int_equal(cases, 5);
	assert_true(b.len > 1000 && memcmp(b.data, "PK", 2) == 0);
	buf_free(&b);
	/* A round without a catalogue has nothing to register. */
	exec_ok(f->t->db, "DELETE FROM answer; DELETE FROM round_catalogue");
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "ingen spørgsmål"));
	free(res);
}

static void cli_import_without_user(void **state)
{
	Fixture *f = *state;
	/* From the command line nobody is logged in: answers are saved without a user. */
	char path[128];
	path_in(f, "cli.xlsx", path, sizeof path);
	static const char *const rows[][8] = {{"Sagsnummer", "TQ-1", NULL}, {"S-002", "nej", NULL}};
	write_filled(path, rows, 2);
	User nobody = {.id = 0, .login = "kommandolinje", .name = "kommandolinje"};
	SheetResult *res = calloc(1, sizeof *res);
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(sheet_import_file(f->t->db, &f->round, path, &nobody, res), SHEET_STORED);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM answer WHERE updated_by IS NULL AND value = 'nej'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM answer_history WHERE user_id IS NULL"), 1);
	free(res);
}

static void a_code_in_two_catalogues_is_told_apart(void **state)
{
	Fixture *f = *state;
	static const char theme[] =
		"{\"code\": \"tema-x\", \"title\": \"Tema X\", \"kind\": \"tema\", \"target\": \"begge\","
		" \"sections\": [{\"title\": \"Tema\", \"questions\": ["
		"  {\"code\": \"TQ-1\", \"text\": \"Er temaet belyst?\", \"category\": \"socialfaglig\"}]}]}";
	char err[256], sql[256];
	int64_t cat;
	assert_int_equal(catalogue_store_json(f->t->db, theme, "udgivet", "lokal", &cat, err, sizeof err), 0);
	snprintf(sql, sizeof sql, "INSERT INTO round_catalogue (round_id, catalogue_id, position) VALUES (%lld, %lld, 1)",
	         (long long)f->round.id, (long long)cat);
	exec_ok(f->t->db, sql);
	char path[128];
	path_in(f, "to.xlsx", path, sizeof path);
	assert_int_equal(sheet_write_file(f->t->db, &f->round, path, NULL, err, sizeof err), 0);
	Grid g;
	SheetInfo info;
	read_grid(path, &g, &info);
	assert_string_equal(g.cell[0][1], "TQ-1 (test-katalog)");
	assert_string_equal(g.cell[0][5], "TQ-1 (tema-x)");
	assert_int_equal(column(&g, "TQ-1 (tema-x) kommentar"), 9);
	/* An answer in the theme's column goes to the theme's question; a bare TQ-1 is no column. */
	static const char *const rows[][8] = {{"Sagsnummer", "TQ-1 (tema-x)", "TQ-1", NULL}, {"S-001", "nej", "", NULL}};
	write_filled(path, rows, 2);
	SheetResult *res = calloc(1, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_REFUSED);
	assert_true(has_problem(res, "C1", "'TQ-1' er ikke et spørgsmål i dette tilsyn"));
	static const char *const ok[][8] = {{"Sagsnummer", "TQ-1 (tema-x)", NULL}, {"S-001", "nej", NULL}};
	write_filled(path, ok, 2);
	memset(res, 0, sizeof *res);
	assert_int_equal(import_path(f, path, res), SHEET_STORED);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM answer WHERE value = 'nej' AND question_id ="
	                          " (SELECT id FROM question WHERE code = 'TQ-1' AND catalogue_id = %lld)", (long long)cat);
	assert_int_equal(count(f, sql), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM answer"), 1);
	free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(written_sheet_has_the_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(questions_sheet_and_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(filled_sheet_is_stored_with_history, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_sheet_is_refused_naming_every_cell, setup, teardown),
		cmocka_unit_test_setup_teardown(material_only_with_nej_or_delvist, setup, teardown),
		cmocka_unit_test_setup_teardown(whole_file_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(round_trip_shows_the_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(import_from_memory_and_no_catalogue, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_import_without_user, setup, teardown),
		cmocka_unit_test_setup_teardown(a_code_in_two_catalogues_is_told_apart, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
