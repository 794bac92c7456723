/*
** Tests of question catalogues (catalogue.c) and their spreadsheet form (catalogue_xlsx.c):
** the validation rules, versions (store, drafts, publish), the triggers that keep a
** published version unchanged, the draft operations, and the XLSX round trip through our
** own reader, including sheets with mistakes that must be refused cell by cell. Each test
** has a fresh, migrated SQLite database.
*/
#include "unit_helpers.h"

#include <jansson.h>
#include <xlsxwriter.h>

static char tmpdir[64];

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tilsyn-cat-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

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

static const char *tmp_path(const char *name)
{
	static char path[sizeof tmpdir + 128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

/* A small catalogue with every kind of question: a choice that steers a condition, a
** condition on ikke_relevant, free text, and a question without guidance. */
static const char *const sample_json =
	"{\"code\":\"test-kat\",\"title\":\"Testkatalog\",\"kind\":\"tema\",\"target\":\"begge\",\"version\":1,"
	"\"description\":\"Til prøver.\",\"sections\":["
	"{\"title\":\"Første afsnit\",\"questions\":["
	"{\"code\":\"T-1\",\"text\":\"Hvad blev resultatet?\",\"guidance\":\"Vælg udfaldet.\",\"reference\":\"FVL § 22\","
	" \"category\":\"forvaltningsret\",\"scale\":\"choice\",\"choices\":[\"Bevilling\",\"Afslag\",\"Delvis; nej\"]},"
	"{\"code\":\"T-2\",\"text\":\"Er afslaget begrundet?\",\"guidance\":\"Se afgørelsen.\",\"reference\":\"FVL § 24\","
	" \"category\":\"forvaltningsret\",\"scale\":\"jdn\",\"condition\":{\"question\":\"T-1\",\"answers\":[\"Afslag\"]}}]},"
	"{\"title\":\"Andet afsnit\",\"questions\":["
	"{\"code\":\"T-3\",\"text\":\"Er barnet hørt?\",\"category\":\"retssikkerhed\",\"scale\":\"jn\"},"
	"{\"code\":\"T-4\",\"text\":\"Hvorfor ikke?\",\"guidance\":\"Skriv kort.\",\"category\":\"socialfaglig\","
	" \"scale\":\"text\",\"condition\":{\"question\":\"T-3\",\"answers\":[\"nej\",\"ikke_relevant\"]}}]}]}";

/* The sample, but with "Delvis; nej" replaced: a choice may not hold ';'. */
static char *sample(void)
{
	json_t *root = json_loads(sample_json, 0, NULL);
	assert_non_null(root);
	json_t *choices = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(root, "sections"), 0),
	                                                                 "questions"), 0), "choices");
	json_array_set_new(choices, 2, json_string("Delvis bevilling"));
	char *text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

/* catalogue_validate on JSON text. */
static int validate_text(const char *text, char *err, size_t n)
{
	json_t *root = json_loads(text, 0, NULL);
	assert_non_null(root);
	int rc = catalogue_validate(root, err, n);
	json_decref(root);
	return rc;
}

static json_t *question_at(json_t *root, size_t s, size_t k)
{
	return json_array_get(json_object_get(json_array_get(json_object_get(root, "sections"), s), "questions"), k);
}

static void test_validation(void **state)
{
	(void)state;
	char err[512];
	char *good = sample();
	assert_int_equal(validate_text(good, err, sizeof err), 0);
	/* The original sample has "Delvis; nej" among its choices. */
	assert_int_equal(validate_text(sample_json, err, sizeof err), -1);
	assert_non_null(strstr(err, "T-1"));
	assert_non_null(strstr(err, "';'"));

	json_t *root = json_loads(good, 0, NULL);

	/* Duplicate question codes. */
	json_t *r = json_deep_copy(root);
	json_object_set_new(question_at(r, 1, 0), "code", json_string("T-2"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "T-2 bruges to gange"));
	json_decref(r);

	/* A condition may only refer to an earlier question: T-2 on T-3 (later) is refused. */
	r = json_deep_copy(root);
	json_t *cond = json_object_get(question_at(r, 0, 1), "condition");
	json_object_set_new(cond, "question", json_string("T-3"));
	json_object_set_new(cond, "answers", json_pack("[s]", "ja"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "spørgsmål T-2"));
	assert_non_null(strstr(err, "tidligere spørgsmål"));
	json_decref(r);

	/* ... and to itself neither. */
	r = json_deep_copy(root);
	json_object_set_new(json_object_get(question_at(r, 0, 1), "condition"), "question", json_string("T-2"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "tidligere spørgsmål"));
	json_decref(r);

	/* The condition's answers must be answers of the question it refers to. */
	r = json_deep_copy(root);
	json_object_set_new(json_object_get(question_at(r, 0, 1), "condition"), "answers", json_pack("[s]", "ja"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "passer ikke til spørgsmål T-1"));
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(json_object_get(question_at(r, 1, 1), "condition"), "answers", json_pack("[s]", "delvist"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1); /* T-3 is ja/nej: no delvist */
	json_decref(r);

	/* A CPR number in a question, in guidance, in the description, in a choice. */
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 1, 0), "text", json_string("Er 010203-1234 hørt?"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "spørgsmål T-3"));
	assert_non_null(strstr(err, "CPR"));
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 0, 1), "guidance", json_string("Se fx 0102031234."));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "vejledningen"));
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(r, "description", json_string("Borger 010203-1234"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "beskrivelsen"));
	json_decref(r);
	r = json_deep_copy(root);
	json_array_set_new(json_object_get(question_at(r, 0, 0), "choices"), 0, json_string("0102031234"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	json_decref(r);

	/* Missing text, bad category, bad scale, a choice with one answer, twice the same choice. */
	r = json_deep_copy(root);
	json_object_del(question_at(r, 1, 0), "text");
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "spørgsmålsteksten mangler"));
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 1, 0), "category", json_string("jura"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "kategorien"));
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 1, 0), "scale", json_string("skala"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 0, 0), "choices", json_pack("[s]", "Afslag"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 0, 0), "choices", json_pack("[sss]", "Afslag", "Bevilling", "Afslag"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "to gange"));
	json_decref(r);

	/* Codes: the catalogue's is lowercase, a question's uppercase. */
	r = json_deep_copy(root);
	json_object_set_new(r, "code", json_string("Test"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	json_decref(r);
	r = json_deep_copy(root);
	json_object_set_new(question_at(r, 0, 0), "code", json_string("t-1"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	json_decref(r);
	/* An empty section. */
	r = json_deep_copy(root);
	json_array_append_new(json_object_get(r, "sections"), json_pack("{s:s,s:[]}", "title", "Tomt", "questions"));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	assert_non_null(strstr(err, "ingen spørgsmål"));
	json_decref(r);
	/* A title of 201 characters (Danish letters count as one). */
	r = json_deep_copy(root);
	char title[600] = "";
	for (int i = 0; i < 201; i++)
		strcat(title, "æ");
	json_object_set_new(r, "title", json_string(title));
	assert_int_equal(catalogue_validate(r, err, sizeof err), -1);
	title[400] = 0; /* 200 characters */
	json_object_set_new(r, "title", json_string(title));
	assert_int_equal(catalogue_validate(r, err, sizeof err), 0);
	json_decref(r);

	json_decref(root);
	free(good);
}

static int64_t store(Db *db, const char *text, const char *status)
{
	char err[512];
	int64_t id = 0;
	assert_int_equal(db_begin(db), DB_OK);
	if (catalogue_store_json(db, text, status, "lokal", &id, err, sizeof err) != 0)
		fail_msg("store: %s", err);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

static int version_of(Db *db, int64_t id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT version FROM catalogue WHERE id = %lld", (long long)id);
	return (int)testdb_int(db, sql);
}

static void test_versions_and_publish(void **state)
{
	TestDb *t = *state;
	char *text = sample();
	int64_t v1 = store(t->db, text, "kladde");
	assert_int_equal(version_of(t->db, v1), 1);
	assert_int_equal(catalogue_newest(t->db, "test-kat"), 0); /* a draft is not published */
	assert_int_equal(catalogue_newest_draft(t->db, "test-kat"), v1);
	int64_t v2 = store(t->db, text, "kladde");
	assert_int_equal(version_of(t->db, v2), 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM question WHERE catalogue_id = 2"), 4);

	char err[512];
	/* v2 is published; v1, an older draft, can then no longer be. */
	assert_int_equal(catalogue_publish_draft(t->db, v2, err, sizeof err), 0);
	assert_int_equal(catalogue_newest(t->db, "test-kat"), v2);
	assert_int_equal(catalogue_publish_draft(t->db, v2, err, sizeof err), -1);
	assert_non_null(strstr(err, "allerede udgivet"));
	assert_int_equal(catalogue_publish_draft(t->db, v1, err, sizeof err), -1);
	assert_non_null(strstr(err, "ældre kladde"));
	assert_int_equal(catalogue_publish(t->db, v2), -1);

	/* Stored published at once: version 3, and the newest. */
	int64_t v3 = store(t->db, text, "udgivet");
	assert_int_equal(version_of(t->db, v3), 3);
	assert_int_equal(catalogue_newest(t->db, "test-kat"), v3);
	free(text);
}

static void test_published_is_immutable(void **state)
{
	TestDb *t = *state;
	char *text = sample();
	int64_t draft = store(t->db, text, "kladde");
	int64_t pub = store(t->db, text, "udgivet");
	char sql[256];
	/* A draft's questions can be changed directly... */
	snprintf(sql, sizeof sql, "UPDATE question SET text = 'Ny?' WHERE catalogue_id = %lld AND code = 'T-3'", (long long)draft);
	assert_int_equal(db_exec(t->db, sql), DB_OK);
	/* ... a published version's cannot: not updated, deleted or added to. */
	snprintf(sql, sizeof sql, "UPDATE question SET text = 'Ny?' WHERE catalogue_id = %lld AND code = 'T-3'", (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(t->db), "published catalogue cannot be changed"));
	snprintf(sql, sizeof sql, "DELETE FROM question WHERE catalogue_id = %lld", (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	snprintf(sql, sizeof sql,
	         "INSERT INTO question (catalogue_id, section_id, position, code, text, category) SELECT %lld, section_id, 99,"
	         " 'T-9', 'Nyt?', 'socialfaglig' FROM question WHERE catalogue_id = %lld LIMIT 1",
	         (long long)pub, (long long)pub);
	assert_int_equal(db_exec(t->db, sql), DB_CONSTRAINT);
	snprintf(sql, sizeof sql, "SELECT text FROM question WHERE catalogue_id = %lld AND code = 'T-3'", (long long)pub);
	char got[64];
	testdb_text(t->db, sql, got, sizeof got);
	assert_string_equal(got, "Er barnet hørt?");

	/* The draft functions refuse a published version too. */
	char err[512];
	json_t *root = catalogue_to_json(t->db, pub);
	assert_int_equal(catalogue_draft_save(t->db, pub, root, err, sizeof err), -1);
	assert_non_null(strstr(err, "udgivet og kan ikke ændres"));
	assert_int_equal(catalogue_draft_delete(t->db, pub, err, sizeof err), -1);
	json_decref(root);
	free(text);
}

static void test_draft_operations(void **state)
{
	TestDb *t = *state;
	char *text = sample();
	int64_t pub = store(t->db, text, "udgivet");
	char err[512];
	int64_t draft;
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(catalogue_draft_from(t->db, pub, &draft, err, sizeof err), 0);
	assert_int_equal(db_commit(t->db), DB_OK);
	assert_int_equal(version_of(t->db, draft), 2);

	/* The copy has the same content. */
	json_t *a = catalogue_to_json(t->db, pub), *b = catalogue_to_json(t->db, draft);
	json_object_del(a, "version");
	json_object_del(b, "version");
	assert_true(json_equal(a, b));

	/* Change the draft: a new title, T-3 reworded, T-4 removed. */
	json_object_set_new(b, "title", json_string("Nyt navn"));
	json_object_set_new(question_at(b, 1, 0), "text", json_string("Er barnet inddraget?"));
	json_array_remove(json_object_get(json_array_get(json_object_get(b, "sections"), 1), "questions"), 1);
	assert_int_equal(catalogue_draft_save(t->db, draft, b, err, sizeof err), 0);
	json_t *c = catalogue_to_json(t->db, draft);
	json_object_del(c, "version");
	assert_true(json_equal(b, c));
	/* The published version is untouched. */
	json_t *a2 = catalogue_to_json(t->db, pub);
	json_object_del(a2, "version");
	assert_true(json_equal(a, a2));

	/* Invalid content and a changed code are refused, and nothing changes. */
	json_object_set_new(question_at(c, 0, 1), "code", json_string("T-1"));
	assert_int_equal(catalogue_draft_save(t->db, draft, c, err, sizeof err), -1);
	assert_non_null(strstr(err, "T-1 bruges to gange"));
	json_object_set_new(question_at(c, 0, 1), "code", json_string("T-2"));
	json_object_set_new(c, "code", json_string("andet-kat"));
	assert_int_equal(catalogue_draft_save(t->db, draft, c, err, sizeof err), -1);
	assert_non_null(strstr(err, "kode kan ikke ændres"));
	json_t *d = catalogue_to_json(t->db, draft);
	json_object_del(d, "version");
	assert_true(json_equal(b, d));

	/* Published, the draft is the newest version; then deleting it is refused. */
	assert_int_equal(catalogue_publish_draft(t->db, draft, err, sizeof err), 0);
	assert_int_equal(catalogue_newest(t->db, "test-kat"), draft);
	int64_t again;
	assert_int_equal(catalogue_draft_from(t->db, draft, &again, err, sizeof err), 0);
	assert_int_equal(version_of(t->db, again), 3);
	assert_int_equal(catalogue_draft_delete(t->db, again, err, sizeof err), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM catalogue WHERE code = 'test-kat'"), 2);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM question WHERE catalogue_id = 3"), 0);

	json_decref(a);
	json_decref(a2);
	json_decref(b);
	json_decref(c);
	json_decref(d);
	free(text);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	Buf b;
	buf_init(&b, (size_t)64 << 20);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_detach(&b);
}

static int import_file(Db *db, const char *path, CatalogueImport *imp)
{
	size_t n;
	char *data = slurp(path, &n);
	assert_int_equal(db_begin(db), DB_OK);
	int rc = catalogue_xlsx_import(db, data, n, imp);
	if (rc == 0)
		assert_int_equal(db_commit(db), DB_OK);
	else
		db_rollback(db);
	free(data);
	return rc;
}

static void expect_same_content(Db *db, int64_t a_id, int64_t b_id)
{
	json_t *a = catalogue_to_json(db, a_id), *b = catalogue_to_json(db, b_id);
	assert_non_null(a);
	assert_non_null(b);
	json_object_del(a, "version");
	json_object_del(b, "version");
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_INDENT(1)), *y = json_dumps(b, JSON_INDENT(1));
		fail_msg("not the same catalogue:\n%s\n---\n%s", x, y);
	}
	json_decref(a);
	json_decref(b);
}

static void test_xlsx_round_trip(void **state)
{
	TestDb *t = *state;
	char *text = sample();
	int64_t pub = store(t->db, text, "udgivet");
	char err[512];
	assert_int_equal(catalogue_xlsx_export(t->db, pub, tmp_path("kat.xlsx"), err, sizeof err), 0);
	CatalogueImport *imp = malloc(sizeof *imp);
	if (import_file(t->db, tmp_path("kat.xlsx"), imp) != 0)
		fail_msg("import: %s", imp->nproblems ? imp->problems[0] : "?");
	assert_int_equal(imp->version, 2);
	assert_string_equal(imp->code, "test-kat");
	expect_same_content(t->db, pub, imp->id);
	char status[16];
	testdb_text(t->db, "SELECT status FROM catalogue WHERE version = 2", status, sizeof status);
	assert_string_equal(status, "kladde");

	/* Every shipped catalogue survives the trip too. */
	assert_true(catalogue_install_defaults(t->db, err, sizeof err) > 0);
	Stmt q;
	db_prepare(&q, t->db, "SELECT id, code FROM catalogue WHERE source = 'standard'");
	int count = 0;
	while (db_step(&q)) {
		int64_t id = db_col_int(&q, 0);
		assert_int_equal(catalogue_xlsx_export(t->db, id, tmp_path("std.xlsx"), err, sizeof err), 0);
		if (import_file(t->db, tmp_path("std.xlsx"), imp) != 0)
			fail_msg("import of %s: %s", db_col_text(&q, 1), imp->nproblems ? imp->problems[0] : "?");
		expect_same_content(t->db, id, imp->id);
		count++;
	}
	db_finalize(&q);
	assert_true(count >= 10);
	free(imp);
	free(text);
}

/* A sheet written by hand: rows of cells (NULL ends a row, a NULL row ends the sheet);
** cells are written from column A, "" leaves a cell empty. */
static void write_sheet(const char *path, const char *const *const *rows)
{
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	for (lxw_row_t r = 0; rows[r]; r++)
		for (lxw_col_t c = 0; rows[r][c]; c++)
			if (*rows[r][c])
				worksheet_write_string(ws, r, c, rows[r][c], NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

#define ROW(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HEADER ROW("Afsnit", "Kode", "Spørgsmål", "Vejledning", "Henvisning", "Kategori", "Skala", "Valgmuligheder", \
                   "Betingelse (spørgsmål)", "Betingelse (svar)")

static int has_problem(const CatalogueImport *imp, const char *text)
{
	for (int i = 0; i < imp->nproblems; i++)
		if (strstr(imp->problems[i], text))
			return 1;
	return 0;
}

static void print_problems(const CatalogueImport *imp)
{
	for (int i = 0; i < imp->nproblems; i++)
		print_message("  problem: %s\n", imp->problems[i]);
}

static void test_xlsx_broken_sheet_refused(void **state)
{
	TestDb *t = *state;
	/* Rows 1-5 fields, row 7 the header, questions from row 8 on. Mistakes: C10 empty text,
	** F11 unknown category, I12 a condition on a later question, D13 a CPR number, B14 a
	** duplicate code, J15 an answer T-1 cannot have, G16 unknown scale. */
	const char *const *const rows[] = {
		ROW("Kode", "egen-kat"),
		ROW("Titel", "Eget katalog"),
		ROW("Art", "tema"),
		ROW("Målgruppe", "voksen"),
		ROW("Beskrivelse", "Lokalt tilpasset."),
		ROW("Version", "7"),
		HEADER,
		ROW("Afsnit A", "E-1", "Er sagen oplyst?", "Se journalen.", "RSL § 10", "retssikkerhed", "ja/delvist/nej"),
		ROW("", "E-2", "Er der hjemmel?", "", "", "forvaltningsret", "ja/nej"),
		ROW("", "E-3", "", "Vejledning uden spørgsmål", "", "forvaltningsret"),
		ROW("", "E-4", "Er der en plan?", "", "", "jura"),
		ROW("Afsnit B", "E-5", "Er planen fulgt op?", "", "", "socialfaglig", "", "", "E-9", "ja"),
		ROW("", "E-6", "Er borgeren hørt?", "Fx 010203-1234", "", "forvaltningsret"),
		ROW("", "E-1", "Igen?", "", "", "socialfaglig"),
		ROW("", "E-7", "Er der klaget?", "", "", "socialfaglig", "", "", "E-2", "ja; delvist"),
		ROW("", "E-8", "Andet?", "", "", "socialfaglig", "måske"),
		ROW("", "E-9", "Sidst?", "", "", "socialfaglig"),
		NULL,
	};
	write_sheet(tmp_path("broken.xlsx"), rows);
	CatalogueImport *imp = malloc(sizeof *imp);
	int64_t before = testdb_int(t->db, "SELECT count(*) FROM catalogue");
	assert_int_equal(import_file(t->db, tmp_path("broken.xlsx"), imp), 1);
	print_problems(imp);
	assert_true(has_problem(imp, "C10: spørgsmålsteksten mangler"));
	assert_true(has_problem(imp, "F11: kategorien \"jura\" findes ikke"));
	assert_true(has_problem(imp, "I12: betingelsen peger på E-9"));
	assert_true(has_problem(imp, "D13: teksten ligner et CPR-nummer"));
	assert_true(has_problem(imp, "B14: koden E-1 er også brugt i række 8"));
	assert_true(has_problem(imp, "J15: svaret \"delvist\" passer ikke til spørgsmål E-2"));
	assert_true(has_problem(imp, "G16: skalaen \"måske\" findes ikke"));
	assert_int_equal(imp->nproblems, 7);
	/* Nothing was stored. */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM catalogue"), before);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM catalogue WHERE code = 'egen-kat'"), 0);

	/* The same sheet with the mistakes fixed is stored as version 1 of a new catalogue,
	** with the spreadsheet's spellings made canonical (scale labels, ikke relevant). */
	const char *const *const fixed[] = {
		ROW("kode:", "egen-kat"),
		ROW("TITEL", "Eget katalog"),
		ROW("Art", "Tema"),
		ROW("MÅLGRUPPE", "voksen"),
		ROW(""),
		HEADER,
		ROW("Afsnit A", "E-1", "Er sagen oplyst?", "Se journalen.", "RSL § 10", "retssikkerhed", "ja/delvist/nej"),
		ROW("", "E-2", "Er der hjemmel?", "", "", "Forvaltningsret", "ja/nej"),
		ROW("Afsnit B", "E-5", "Er planen fulgt op?", "", "", "socialfaglig", "", "", "E-2", "Nej; ikke relevant"),
		ROW("", "E-7", "Hvilken type?", "", "", "socialfaglig", "valg", "Midlertidig ; Varig"),
		NULL,
	};
	write_sheet(tmp_path("fixed.xlsx"), fixed);
	if (import_file(t->db, tmp_path("fixed.xlsx"), imp) != 0) {
		print_problems(imp);
		fail_msg("the fixed sheet was refused");
	}
	assert_int_equal(imp->version, 1);
	json_t *root = catalogue_to_json(t->db, imp->id);
	char *got = json_dumps(root, JSON_COMPACT);
	assert_string_equal(got,
	                    "{\"code\":\"egen-kat\",\"title\":\"Eget katalog\",\"kind\":\"tema\",\"target\":\"voksen\",\"version\":1,"
	                    "\"sections\":[{\"title\":\"Afsnit A\",\"questions\":[{\"code\":\"E-1\",\"text\":\"Er sagen oplyst?\","
	                    "\"guidance\":\"Se journalen.\",\"reference\":\"RSL § 10\",\"category\":\"retssikkerhed\",\"scale\":\"jdn\"},"
	                    "{\"code\":\"E-2\",\"text\":\"Er der hjemmel?\",\"category\":\"forvaltningsret\",\"scale\":\"jn\"}]},"
	                    "{\"title\":\"Afsnit B\",\"questions\":[{\"code\":\"E-5\",\"text\":\"Er planen fulgt op?\","
	                    "\"category\":\"socialfaglig\",\"scale\":\"jdn\",\"condition\":{\"question\":\"E-2\",\"answers\":"
	                    "[\"nej\",\"ikke_relevant\"]}},{\"code\":\"E-7\",\"text\":\"Hvilken type?\",\"category\":\"socialfaglig\","
	                    "\"scale\":\"choice\",\"choices\":[\"Midlertidig\",\"Varig\"]}]}]}");
	free(got);
	json_decref(root);
	free(imp);
}

static void test_xlsx_sheet_structure_refused(void **state)
{
	TestDb *t = *state;
	CatalogueImport *imp = malloc(sizeof *imp);

	/* No header row at all, and a field nobody knows. */
	const char *const *const no_header[] = {ROW("Kode", "x-kat"), ROW("Farve", "blå"), NULL};
	write_sheet(tmp_path("noheader.xlsx"), no_header);
	assert_int_equal(import_file(t->db, tmp_path("noheader.xlsx"), imp), 1);
	assert_true(has_problem(imp, "A2: ukendt felt \"Farve\""));
	assert_true(has_problem(imp, "overskriftsrækken"));

	/* Fields missing, a bad catalogue code, an unknown column, a required column missing. */
	const char *const *const bad[] = {
		ROW("Kode", "Stor Kode"),
		ROW("Art", "stor"),
		ROW("Afsnit", "Kode", "Spørgsmål", "Farve"),
		ROW("S1", "Q-1", "Et?", "rød"),
		NULL,
	};
	write_sheet(tmp_path("bad.xlsx"), bad);
	assert_int_equal(import_file(t->db, tmp_path("bad.xlsx"), imp), 1);
	print_problems(imp);
	assert_true(has_problem(imp, "B1: katalogets kode \"Stor Kode\""));
	assert_true(has_problem(imp, "B2: arten skal være overordnet eller tema"));
	assert_true(has_problem(imp, "feltet Titel mangler"));
	assert_true(has_problem(imp, "feltet Målgruppe mangler"));
	assert_true(has_problem(imp, "D3: ukendt kolonne \"Farve\""));
	assert_true(has_problem(imp, "Række 3: overskriftsrækken mangler kolonnen Kategori"));

	/* A value outside every column, a section split in two, a first row without a section. */
	const char *const *const split[] = {
		ROW("Kode", "x-kat"),
		ROW("Titel", "X"),
		ROW("Art", "tema"),
		ROW("Målgruppe", "barn"),
		ROW("Kategori", "Afsnit", "Kode", "Spørgsmål"),
		ROW("socialfaglig", "", "Q-1", "Et?"),
		ROW("socialfaglig", "S1", "Q-2", "To?", "", "ekstra"),
		ROW("socialfaglig", "S2", "Q-3", "Tre?"),
		ROW("socialfaglig", "S1", "Q-4", "Fire?"),
		NULL,
	};
	write_sheet(tmp_path("split.xlsx"), split);
	assert_int_equal(import_file(t->db, tmp_path("split.xlsx"), imp), 1);
	print_problems(imp);
	/* Column A is Kategori here: the header row is the one that starts with Afsnit... */
	assert_true(has_problem(imp, "A5: ukendt felt \"Kategori\""));
	assert_true(has_problem(imp, "overskriftsrækken"));

	/* ... so with Afsnit first (columns otherwise in any order) it is read. */
	const char *const *const split2[] = {
		ROW("Kode", "x-kat"),
		ROW("Titel", "X"),
		ROW("Art", "tema"),
		ROW("Målgruppe", "barn"),
		ROW("Afsnit", "Kategori", "Spørgsmål", "Kode"),
		ROW("", "socialfaglig", "Et?", "Q-1"),
		ROW("S1", "socialfaglig", "To?", "Q-2", "", "ekstra"),
		ROW("S2", "socialfaglig", "Tre?", "Q-3"),
		ROW("S1", "socialfaglig", "Fire?", "Q-4"),
		NULL,
	};
	write_sheet(tmp_path("split2.xlsx"), split2);
	assert_int_equal(import_file(t->db, tmp_path("split2.xlsx"), imp), 1);
	print_problems(imp);
	assert_true(has_problem(imp, "A6: afsnittets titel mangler"));
	assert_true(has_problem(imp, "F7: cellen står uden for katalogets kolonner"));
	assert_true(has_problem(imp, "A9: afsnittet \"S1\" begynder også i række 7"));
	assert_int_equal(imp->nproblems, 3);

	/* Not a spreadsheet at all. */
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(catalogue_xlsx_import(t->db, "Kode;Titel\n", 11, imp), 1);
	db_rollback(t->db);
	assert_int_equal(imp->nproblems, 1);
	assert_non_null(strstr(imp->problems[0], "xlsx"));
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM catalogue"), 0);
	free(imp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation),
		cmocka_unit_test_setup_teardown(test_versions_and_publish, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_published_is_immutable, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_draft_operations, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_round_trip, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_broken_sheet_refused, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_sheet_structure_refused, db_setup, db_teardown),
	};
	return cmocka_run_group_tests_name("catalogue", tests, group_setup, group_teardown);
}
