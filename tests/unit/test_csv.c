/*
** Tests of the streaming CSV reader (csv.c): the shared example case list (Windows-1252,
** ';', CRLF), encodings (UTF-8 with and without BOM, Windows-1252 checked against glibc's
** iconv, the decision when the first bytes are all ASCII), separators, RFC 4180 quoting with
** line breaks inside fields and the line numbers that follow, every kind of bad input with
** the line it is reported on, the limits, reading a file across the internal chunk boundary,
** and a round trip of 2,000 random records serialised here, independently of the reader.
*/
#include "unit_helpers.h"

#include <iconv.h>

#define EXAMPLE "tests/data/eksempel-sagsliste.csv" /* tests/run runs from the root */
#define EXAMPLE_DIR "tests/data/"
#define CHUNK 65536 /* csv.c's chunk size: the tests put things right on its boundary */

/* ---- collecting what the reader hands on ---- */

typedef struct Rows {
	int n, cap;
	long *line;
	int *ncells;
	char ***cells;
	int stop_at;    /* when the stop_at'th row is handed on, return stop_value */
	int stop_value;
} Rows;

typedef struct Result {
	int rc;
	SheetInfo info;
	char err[512];
	Rows rows;
} Result;

static int collect(void *ctx, long line, int ncells, const char *const *cells)
{
	Rows *r = ctx;
	if (ncells < 1 || ncells > SHEET_MAX_CELLS)
		fail_msg("line %ld: %d cells", line, ncells);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->line = realloc(r->line, (size_t)r->cap * sizeof *r->line);
		r->ncells = realloc(r->ncells, (size_t)r->cap * sizeof *r->ncells);
		r->cells = realloc(r->cells, (size_t)r->cap * sizeof *r->cells);
		assert_true(r->line && r->ncells && r->cells);
	}
	r->line[r->n] = line;
	r->ncells[r->n] = ncells;
	r->cells[r->n] = calloc((size_t)ncells, sizeof(char *));
	for (int i = 0; i < ncells; i++) {
		if (!utf8_valid(cells[i], strlen(cells[i])))
			fail_msg("line %ld cell %d is not valid UTF-8", line, i);
		r->cells[r->n][i] = strdup(cells[i]);
	}
	r->n++;
	return r->stop_at && r->n == r->stop_at ? r->stop_value : 0;
}

static void result_free(Result *res)
{
	Rows *r = &res->rows;
	for (int i = 0; i < r->n; i++) {
		for (int k = 0; k < r->ncells[i]; k++)
			free(r->cells[i][k]);
		free(r->cells[i]);
	}
	free(r->line);
	free(r->ncells);
	free(r->cells);
	free(res);
}

static Result *parse_mem(const char *data, size_t n)
{
	Result *res = calloc(1, sizeof *res);
	res->rc = csv_read_mem(data, n, &res->info, collect, &res->rows, res->err, sizeof res->err);
	assert_int_equal(res->info.rows, res->rows.n);
	assert_string_equal(res->info.format, "csv");
	return res;
}

#define PARSE(lit) parse_mem((lit), sizeof(lit) - 1)

static Result *parse_file(const char *path)
{
	Result *res = calloc(1, sizeof *res);
	res->rc = csv_read_file(path, &res->info, collect, &res->rows, res->err, sizeof res->err);
	assert_int_equal(res->info.rows, res->rows.n);
	return res;
}

/* Writes data to a new temporary file; the caller unlinks it. */
static void write_temp(char path[64], const char *data, size_t n)
{
	snprintf(path, 64, "/tmp/tilsyn-csv-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, data + done, n - done);
		assert_true(w > 0);
		done += (size_t)w;
	}
	close(fd);
}

static Result *parse_via_file(const char *data, size_t n)
{
	char path[64];
	write_temp(path, data, n);
	Result *res = parse_file(path);
	unlink(path);
	return res;
}

/* Row i has this line and exactly these cells (NULL-terminated list). */
static void expect_row(const Result *res, int i, long line, ...)
{
	if (i >= res->rows.n)
		fail_msg("row %d missing: only %d rows (rc %d, %s)", i, res->rows.n, res->rc, res->err);
	assert_int_equal(res->rows.line[i], line);
	va_list ap;
	va_start(ap, line);
	int k = 0;
	for (const char *want; (want = va_arg(ap, const char *)) != NULL; k++) {
		if (k >= res->rows.ncells[i])
			fail_msg("row %d: only %d cells", i, res->rows.ncells[i]);
		assert_string_equal(res->rows.cells[i][k], want);
	}
	va_end(ap);
	assert_int_equal(res->rows.ncells[i], k);
}

static void expect_same(const Result *a, const Result *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_string_equal(a->err, b->err);
	assert_string_equal(a->info.encoding, b->info.encoding);
	assert_int_equal(a->info.separator, b->info.separator);
	assert_int_equal(a->info.rows, b->info.rows);
	assert_int_equal(a->rows.n, b->rows.n);
	for (int i = 0; i < a->rows.n; i++) {
		assert_int_equal(a->rows.line[i], b->rows.line[i]);
		assert_int_equal(a->rows.ncells[i], b->rows.ncells[i]);
		for (int k = 0; k < a->rows.ncells[i]; k++)
			assert_string_equal(a->rows.cells[i][k], b->rows.cells[i][k]);
	}
}

/* The read failed with a message that starts with prefix and contains part. */
static void expect_error(const Result *res, const char *prefix, const char *part)
{
	assert_int_equal(res->rc, -1);
	if (strncmp(res->err, prefix, strlen(prefix)) != 0 || !strstr(res->err, part))
		fail_msg("wanted \"%s...%s...\", got \"%s\"", prefix, part, res->err);
}

static char *read_whole(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	Buf b;
	buf_init(&b, 0);
	char tmp[4096];
	size_t got;
	while ((got = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, got);
	fclose(f);
	*n = b.len;
	return buf_detach(&b);
}

/* ---- the shipped examples (tests/data/make-examples.py) ---- */

static void example_case_list(void **state)
{
	(void)state;
	Result *res = parse_file(EXAMPLE);
	assert_int_equal(res->rc, 0);
	assert_string_equal(res->err, "");
	assert_string_equal(res->info.format, "csv");
	assert_string_equal(res->info.encoding, "Windows-1252");
	assert_int_equal(res->info.separator, ';');
	expect_row(res, 0, 1, "Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Ydelse", "Oprettet",
	           "Seneste afgørelse", NULL);
	expect_row(res, 1, 2, "27.12.00-G01-262-24", "Anne Bækgaard", "voksen", "SEL § 97",
	           "Støtte; se notat", "11-03-2024", "20.07.2024", NULL);
	assert_true(res->rows.n > 10);
	for (int i = 0; i < res->rows.n; i++) {
		assert_int_equal(res->rows.ncells[i], 7);
		assert_int_equal(res->rows.line[i], i + 1);
	}
	/* The same bytes from memory give the same rows. */
	size_t n;
	char *data = read_whole(EXAMPLE, &n);
	Result *mem = parse_mem(data, n);
	expect_same(res, mem);
	free(data);
	result_free(mem);
	result_free(res);
}

/* The UTF-8 (BOM, ',') and tab-separated copies of the example give the same cells, row by row. */
static void example_variants_same_cells(void **state)
{
	(void)state;
	Result *win = parse_file(EXAMPLE);
	const char *variants[][3] = {{EXAMPLE_DIR "eksempel-sagsliste-utf8.csv", "UTF-8 med BOM", ","},
	                             {EXAMPLE_DIR "eksempel-sagsliste.tsv", "UTF-8", "\t"}};
	for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
		Result *res = parse_file(variants[v][0]);
		assert_int_equal(res->rc, 0);
		assert_string_equal(res->info.encoding, variants[v][1]);
		assert_int_equal(res->info.separator, variants[v][2][0]);
		assert_int_equal(res->rows.n, win->rows.n);
		for (int i = 0; i < res->rows.n; i++) {
			assert_int_equal(res->rows.ncells[i], win->rows.ncells[i]);
			for (int k = 0; k < res->rows.ncells[i]; k++)
				assert_string_equal(res->rows.cells[i][k], win->rows.cells[i][k]);
		}
		result_free(res);
	}
	result_free(win);
}

/* ---- encodings and separators ---- */

static void utf8_bom_comma_lf(void **state)
{
	(void)state;
	Result *res = PARSE("\xEF\xBB\xBFSagsnr,R\xC3\xA5" "dgiver,Team\n"
	                    "A-1,S\xC3\xB8ren \xC3\x86rø,Nord\n"
	                    "A-2,\"Hansen, Ib\",Syd\n");
	assert_int_equal(res->rc, 0);
	assert_string_equal(res->info.encoding, "UTF-8 med BOM");
	assert_int_equal(res->info.separator, ',');
	expect_row(res, 0, 1, "Sagsnr", "Rådgiver", "Team", NULL);
	expect_row(res, 1, 2, "A-1", "Søren Ærø", "Nord", NULL);
	expect_row(res, 2, 3, "A-2", "Hansen, Ib", "Syd", NULL);
	assert_int_equal(res->rows.n, 3);
	result_free(res);

	/* Without a BOM, and ASCII only: UTF-8. */
	res = PARSE("a,b\r\n1,2\r\n");
	assert_int_equal(res->rc, 0);
	assert_string_equal(res->info.encoding, "UTF-8");
	expect_row(res, 1, 2, "1", "2", NULL);
	result_free(res);

	res = PARSE("Navn;By\nJens;\xC3\x85rhus\n");
	assert_string_equal(res->info.encoding, "UTF-8");
	expect_row(res, 1, 2, "Jens", "Århus", NULL);
	result_free(res);
}

static void tab_separated(void **state)
{
	(void)state;
	Result *res = PARSE("Sag\tRådgiver\tNote\r\n"
	                    "1\tAnne\ta;b,c\r\n"
	                    "2\t\t\"x\ty\"\r\n");
	assert_int_equal(res->rc, 0);
	assert_int_equal(res->info.separator, '\t');
	expect_row(res, 0, 1, "Sag", "Rådgiver", "Note", NULL);
	expect_row(res, 1, 2, "1", "Anne", "a;b,c", NULL);
	expect_row(res, 2, 3, "2", "", "x\ty", NULL);
	result_free(res);
}

static void separator_detection(void **state)
{
	(void)state;
	struct {
		const char *header;
		char sep;
	} cases[] = {
		{"a;b,c\n", ';'},                 /* tie: ';' first */
		{"a,b\tc\n", ','},                /* tie: ',' before tab */
		{"a\tb\tc;d\n", '\t'},
		{"\"x;y;z\",b,c\n", ','},         /* separators inside quotes do not count */
		{"\"x\"\"a;b;c\"\"\",b\n", ','},  /* nor after a doubled quote inside them */
		{"single\n", ';'},                /* none at all: ';' */
		{"\r\n\r\na,b\n", ','},           /* empty lines before the header */
		{"a,b\nc;d;e;f\n", ','},          /* only the first record counts */
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		Result *res = parse_mem(cases[i].header, strlen(cases[i].header));
		assert_int_equal(res->rc, 0);
		if (res->info.separator != cases[i].sep)
			fail_msg("%s: got '%c'", cases[i].header, res->info.separator);
		result_free(res);
	}
}

static void cp1252_matches_iconv(void **state)
{
	(void)state;
	iconv_t cd = iconv_open("UTF-8", "CP1252");
	assert_true(cd != (iconv_t)-1);
	static const unsigned char undefined[] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};
	for (int b = 0x80; b <= 0xFF; b++) {
		char in[] = {'x', ';', (char)b, 'y', '\n', 0};
		Result *res = parse_mem(in, 5);
		if (memchr(undefined, b, sizeof undefined)) {
			expect_error(res, "Linje 1: ", "som ikke findes i tegnsættet Windows-1252");
			char hex[8];
			snprintf(hex, sizeof hex, "0x%02X", b);
			assert_non_null(strstr(res->err, hex));
			assert_int_equal(res->rows.n, 0);
			result_free(res);
			continue;
		}
		char one[1] = {(char)b}, out[8] = {0};
		char *ip = one, *op = out;
		size_t il = 1, ol = sizeof out - 1;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
			fail_msg("iconv refuses 0x%02X", b);
		char want[16];
		snprintf(want, sizeof want, "%sy", out);
		assert_int_equal(res->rc, 0);
		assert_string_equal(res->info.encoding, "Windows-1252");
		expect_row(res, 0, 1, "x", want, NULL);
		result_free(res);
	}
	iconv_close(cd);
}

/* A UTF-16 export ("Unicode-tekst" in Excel) is refused with advice, not read as NUL bytes. */
static void utf16_refused(void **state)
{
	(void)state;
	Result *res = PARSE("\xFF\xFE" "a\0;\0b\0");
	expect_error(res, "Filen er gemt som UTF-16", "CSV UTF-8");
	result_free(res);
}

/* ---- quoting and line breaks ---- */

static void quotes_and_line_breaks(void **state)
{
	(void)state;
	Result *res = PARSE("Sag;Note;Slut\r\n"
	                    "1;\"Han sagde \"\"nej\"\"\";x\r\n"
	                    "2;\"linje et\r\nlinje to\r\nlinje tre\";y\r\n"
	                    "3;\"\";\"\"\"\"\r\n"
	                    "4;ab\"c\"d;\"a\rb\"\r\n"
	                    "5;\"\n\";z\n"
	                    "6;\"sidste\"");
	assert_int_equal(res->rc, 0);
	expect_row(res, 0, 1, "Sag", "Note", "Slut", NULL);
	expect_row(res, 1, 2, "1", "Han sagde \"nej\"", "x", NULL);
	expect_row(res, 2, 3, "2", "linje et\r\nlinje to\r\nlinje tre", "y", NULL);
	expect_row(res, 3, 6, "3", "", "\"", NULL);     /* the field above took lines 3-5 */
	expect_row(res, 4, 7, "4", "ab\"c\"d", "a\rb", NULL); /* a lone CR in quotes is kept */
	expect_row(res, 5, 8, "5", "\n", "z", NULL);
	expect_row(res, 6, 10, "6", "sidste", NULL);
	assert_int_equal(res->rows.n, 7);
	result_free(res);
}

static void line_endings_and_empty_lines(void **state)
{
	(void)state;
	/* Empty lines anywhere are skipped; a line of separators or "" is a record. */
	Result *res = PARSE("\r\n\na;b\r\n\r\n1;2\n\n;\n\"\"\n3;\r4;5\r\n\r\n\n");
	assert_int_equal(res->rc, 0);
	expect_row(res, 0, 3, "a", "b", NULL);
	expect_row(res, 1, 5, "1", "2", NULL);
	expect_row(res, 2, 7, "", "", NULL);
	expect_row(res, 3, 8, "", NULL);
	expect_row(res, 4, 9, "3", "", NULL);  /* a lone CR ends a record too (old Mac files) */
	expect_row(res, 5, 10, "4", "5", NULL);
	assert_int_equal(res->rows.n, 6);
	assert_int_equal(res->info.rows, 6);
	result_free(res);

	/* The last record needs no line break; a trailing separator gives an empty last cell. */
	res = PARSE("a;b\nc;");
	expect_row(res, 1, 2, "c", "", NULL);
	result_free(res);
	res = PARSE("a;b\n\"c\"");
	expect_row(res, 1, 2, "c", NULL);
	result_free(res);
	res = PARSE("a;b\r");
	assert_int_equal(res->rows.n, 1);
	result_free(res);

	/* Nothing at all. */
	res = PARSE("");
	assert_int_equal(res->rc, 0);
	assert_int_equal(res->rows.n, 0);
	result_free(res);
	res = PARSE("\r\n\n");
	assert_int_equal(res->rc, 0);
	assert_int_equal(res->rows.n, 0);
	result_free(res);
	Rows rows = {0};
	assert_int_equal(csv_read_mem(NULL, 0, NULL, collect, &rows, NULL, 0), 0);
}

/* ---- bad input, and the line it is reported on ---- */

static void unterminated_quote(void **state)
{
	(void)state;
	Result *res = PARSE("a;b\r\n1;2\r\n3;\"begynder her\r\nog fortsætter\r\n4;5\r\n");
	expect_error(res, "Linje 3: ", "det afsluttende anførselstegn mangler");
	assert_int_equal(res->rows.n, 2);
	result_free(res);
	res = PARSE("\"");
	expect_error(res, "Linje 1: ", "mangler");
	result_free(res);
}

static void junk_after_closing_quote(void **state)
{
	(void)state;
	Result *res = PARSE("a;b\n\"to\nlinjer\"x;2\n");
	expect_error(res, "Linje 3: ", "tegn efter det afsluttende anførselstegn");
	assert_int_equal(res->rows.n, 1);
	result_free(res);
	res = PARSE("a;b\n\"x\" ;2\n");
	expect_error(res, "Linje 2: ", "efter det afsluttende");
	result_free(res);
}

/* Builds "header\n" and ASCII rows "r<i>;<filler>\n" up to at least `size` bytes. Returns
** the line of the row that comes next. */
static long ascii_rows(Buf *b, const char *header, size_t size)
{
	long line = 2;
	buf_puts(b, header);
	for (int i = 0; b->len < size; i++, line++)
		buf_printf(b, "r%d;abcdefghijklmnopqrstuvwxyz0123456789\n", i);
	return line;
}

static void invalid_utf8_after_sniff_window(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	long line = ascii_rows(&b, "Sagsnr;R\xC3\xA5" "dgiver\n", 3 * CHUNK);
	buf_puts(&b, "X-1;B\xE6kgaard\n" "X-2;ok\n");
	Result *res = parse_mem(b.data, b.len);
	char prefix[32];
	snprintf(prefix, sizeof prefix, "Linje %ld: ", line);
	expect_error(res, prefix, "ikke er gyldigt UTF-8");
	assert_string_equal(res->info.encoding, "UTF-8");
	assert_int_equal(res->rows.n, line - 1);
	expect_row(res, 0, 1, "Sagsnr", "Rådgiver", NULL);
	Result *file = parse_via_file(b.data, b.len);
	expect_same(res, file);
	result_free(file);
	result_free(res);

	/* An invalid sequence inside a multi-line quoted field: the line of the byte itself. */
	buf_reset(&b);
	line = ascii_rows(&b, "a;b\xC3\xB8\n", CHUNK + 10);
	buf_puts(&b, "1;\"x\ny\nz\xC3(\"\n");
	res = parse_mem(b.data, b.len);
	snprintf(prefix, sizeof prefix, "Linje %ld: ", line + 2);
	expect_error(res, prefix, "UTF-8");
	result_free(res);

	/* A sequence cut off by the end of the input. */
	buf_reset(&b);
	line = ascii_rows(&b, "a;b\xC3\xB8\n", CHUNK + 10);
	buf_puts(&b, "1;\xE2\x82");
	res = parse_mem(b.data, b.len);
	snprintf(prefix, sizeof prefix, "Linje %ld: ", line);
	expect_error(res, prefix, "UTF-8");
	file = parse_via_file(b.data, b.len);
	expect_same(res, file);
	result_free(file);
	result_free(res);

	/* Within the first chunk the same bytes make it Windows-1252 instead. */
	res = PARSE("a;\xC3\xB8\n1;\xE2\x82");
	assert_int_equal(res->rc, 0);
	assert_string_equal(res->info.encoding, "Windows-1252");
	expect_row(res, 1, 2, "1", "\xC3\xA2\xE2\x80\x9A", NULL);
	result_free(res);
	buf_free(&b);
}

/* When all of the first chunk is ASCII, the first other byte decides: here Windows-1252. */
static void encoding_decided_after_ascii_start(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	long line = ascii_rows(&b, "Sagsnr;Sagsbehandler\n", 2 * CHUNK + 100);
	buf_puts(&b, "X-1;B\xE6kgaard\r\nX-2;\x80 10\r\n");
	Result *res = parse_mem(b.data, b.len);
	assert_int_equal(res->rc, 0);
	assert_string_equal(res->info.encoding, "Windows-1252");
	expect_row(res, line - 1, line, "X-1", "Bækgaard", NULL);
	expect_row(res, line, line + 1, "X-2", "€ 10", NULL);
	Result *file = parse_via_file(b.data, b.len);
	expect_same(res, file);
	result_free(file);
	result_free(res);
	buf_free(&b);
}

static void undefined_cp1252_byte(void **state)
{
	(void)state;
	Result *res = PARSE("Sag;R\xE5" "dgiver\r\n1;Ib\r\n2;\"x\r\ny\x81\"\r\n");
	expect_error(res, "Linje 4: ", "byte 0x81");
	assert_string_equal(res->info.encoding, "Windows-1252");
	assert_int_equal(res->rows.n, 2);
	result_free(res);
}

static void nul_byte(void **state)
{
	(void)state;
	Result *res = PARSE("a;b\n1;x\0y\n");
	expect_error(res, "Linje 2: ", "NUL");
	assert_int_equal(res->rows.n, 1);
	result_free(res);
	res = PARSE("a;\xC3\xB8\n1;2\n\"\n\0\"\n");   /* UTF-8, inside a quoted field */
	expect_error(res, "Linje 4: ", "NUL");
	result_free(res);
	res = PARSE("a;\xF8\n1;2\n3;\0\n");          /* Windows-1252 */
	expect_error(res, "Linje 3: ", "NUL");
	assert_string_equal(res->info.encoding, "Windows-1252");
	result_free(res);
	res = PARSE("\0");
	expect_error(res, "Linje 1: ", "NUL");
	result_free(res);
}

static void cell_and_record_limits(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);

	/* SHEET_MAX_CELLS cells are fine, one more is not. */
	buf_puts(&b, "a;b\n");
	for (int i = 1; i < SHEET_MAX_CELLS; i++)
		buf_puts(&b, "x;");
	buf_puts(&b, "x\n");
	Result *res = parse_mem(b.data, b.len);
	assert_int_equal(res->rc, 0);
	assert_int_equal(res->rows.ncells[1], SHEET_MAX_CELLS);
	result_free(res);
	b.len--;
	buf_puts(&b, ";x\n");
	res = parse_mem(b.data, b.len);
	char want[128];
	snprintf(want, sizeof want, "Linje 2: rækken har mere end %d kolonner.", SHEET_MAX_CELLS);
	assert_int_equal(res->rc, -1);
	assert_string_equal(res->err, want);
	result_free(res);

	/* A cell of SHEET_MAX_CELL_BYTES is fine, one byte more is not. */
	buf_reset(&b);
	buf_puts(&b, "a;b\n1;");
	for (int i = 0; i < SHEET_MAX_CELL_BYTES; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n");
	res = parse_mem(b.data, b.len);
	assert_int_equal(res->rc, 0);
	assert_int_equal(strlen(res->rows.cells[1][1]), SHEET_MAX_CELL_BYTES);
	result_free(res);
	b.len--;
	buf_puts(&b, "x\n");
	res = parse_mem(b.data, b.len);
	snprintf(want, sizeof want, "Linje 2: feltet er længere end %d tegn.", SHEET_MAX_CELL_BYTES);
	assert_int_equal(res->rc, -1);
	assert_string_equal(res->err, want);
	result_free(res);

	/* A long multi-line quoted field is reported on the line where it starts, and reading
	** stops there instead of buffering the rest of the file. */
	buf_reset(&b);
	buf_puts(&b, "a;b\n1;2\n3;\"");
	for (int i = 0; i < 10000; i++)
		buf_puts(&b, "abc\r\n");
	buf_puts(&b, "\"\n");
	res = parse_mem(b.data, b.len);
	expect_error(res, "Linje 3: ", "feltet er længere end");
	result_free(res);
	buf_free(&b);
}

static int stop_immediately(void *ctx, long line, int ncells, const char *const *cells)
{
	(void)ctx, (void)line, (void)ncells, (void)cells;
	return -7;
}

static void row_fn_stops_reading(void **state)
{
	(void)state;
	Result *res = calloc(1, sizeof *res);
	res->rows.stop_at = 2;
	res->rows.stop_value = 42;
	const char data[] = "a;b\n1;2\n3;4\n";
	res->rc = csv_read_mem(data, sizeof data - 1, &res->info, collect, &res->rows, res->err,
	                       sizeof res->err);
	assert_int_equal(res->rc, 42);
	assert_int_equal(res->rows.n, 2);
	assert_int_equal(res->info.rows, 2);
	assert_string_equal(res->err, "");
	result_free(res);

	/* Also at the very end, where the last record has no line break. */
	SheetInfo info;
	char err[64];
	assert_int_equal(csv_read_mem("a;b", 3, &info, stop_immediately, NULL, err, sizeof err), -7);
	assert_int_equal(info.rows, 1);
}

static void missing_file(void **state)
{
	(void)state;
	Result *res = parse_file("/nonexistent/sagsliste.csv");
	expect_error(res, "Filen /nonexistent/sagsliste.csv findes ikke", "");
	result_free(res);
}

/* A message cut short by a small buffer does not end in half a character. */
static void short_error_buffer(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	buf_puts(&b, "a;b\n");
	for (int i = 0; i <= SHEET_MAX_CELLS; i++)
		buf_puts(&b, "x;");
	Rows rows = {0};
	char err[12]; /* "Linje 2: r" and the first byte of "æ" */
	assert_int_equal(csv_read_mem(b.data, b.len, NULL, collect, &rows, err, sizeof err), -1);
	assert_string_equal(err, "Linje 2: r");
	assert_int_equal(csv_read_mem(b.data, b.len, NULL, collect, &rows, NULL, 0), -1);
	for (int i = 0; i < rows.n; i++) {
		for (int k = 0; k < rows.ncells[i]; k++)
			free(rows.cells[i][k]);
		free(rows.cells[i]);
	}
	free(rows.line);
	free(rows.ncells);
	free(rows.cells);
	buf_free(&b);
}

/* ---- the chunk boundary ---- */

/* Pads b with ASCII rows so that exactly `before` bytes of the next row come before offset
** `at`; returns the line the next row is on. */
static long pad_to(Buf *b, size_t at, size_t before, long line)
{
	while (b->len + before + 40 < at) {
		buf_printf(b, "pad;%06ld;filler filler filler\n", line);
		line++;
	}
	buf_puts(b, "p;");
	while (b->len + before + 1 < at)
		buf_putc(b, 'z');
	buf_puts(b, "\n");
	assert_int_equal(b->len + before, at);
	return line + 1;
}

static void file_record_across_chunk_boundary(void **state)
{
	(void)state;
	Buf b, field;
	buf_init(&b, 0);
	buf_init(&field, 0);
	buf_puts(&b, "Sag;Note;R\xC3\xA5" "dgiver\r\n");
	long line = pad_to(&b, CHUNK, 3000, 2);
	/* A quoted field of ~6000 bytes with CRLFs, doubled quotes and æøå across 65536. */
	for (int i = 0; i < 200; i++)
		buf_printf(&field, "del %d: \"citat\" æ ø å\r\n", i);
	buf_puts(&b, "L-1;\"");
	for (size_t i = 0; i < field.len; i++) {
		if (field.data[i] == '"')
			buf_putc(&b, '"');
		buf_putc(&b, field.data[i]);
	}
	buf_puts(&b, "\";Anne\r\nL-2;efter;Bo\r\n");
	assert_true(b.len > CHUNK + 1000);
	Result *mem = parse_mem(b.data, b.len);
	Result *file = parse_via_file(b.data, b.len);
	assert_int_equal(mem->rc, 0);
	assert_string_equal(mem->info.encoding, "UTF-8");
	int n = mem->rows.n;
	expect_row(mem, n - 2, line, "L-1", field.data, "Anne", NULL);
	expect_row(mem, n - 1, line + 201, "L-2", "efter", "Bo", NULL);
	expect_same(mem, file);
	result_free(mem);
	result_free(file);

	/* A UTF-8 sequence cut by the boundary, three ways: decided UTF-8 before it, first
	** non-ASCII byte of the file (still undecided), and a Windows-1252 file. */
	struct {
		const char *header, *cell, *want, *encoding;
		size_t before; /* bytes of the row before the boundary */
	} cases[] = {
		{"Sag;R\xC3\xA5" "dgiver\n", "\xE2\x82\xAC", "€", "UTF-8", 4},  /* 2 of 3 bytes */
		{"Sag;Raadgiver\n", "\xC3\xA6", "æ", "UTF-8", 3},               /* 1 of 2 */
		{"Sag;Raadgiver\n", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", "UTF-8", 5}, /* 3 of 4 */
		{"Sag;R\xE5" "dgiver\n", "\xC3\xA6", "Ã¦", "Windows-1252", 3},
		{"Sag;Raadgiver\n", "\xC3", "Ãx", "Windows-1252", 3},           /* not UTF-8 after all */
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		buf_reset(&b);
		buf_puts(&b, cases[i].header);
		line = pad_to(&b, CHUNK, cases[i].before, 2);
		buf_printf(&b, "1;%sx\n2;y\n", cases[i].cell);
		mem = parse_mem(b.data, b.len);
		file = parse_via_file(b.data, b.len);
		assert_int_equal(mem->rc, 0);
		assert_string_equal(mem->info.encoding, cases[i].encoding);
		char want[16];
		snprintf(want, sizeof want, "%s%s", cases[i].want, strcmp(cases[i].cell, "\xC3") ? "x" : "");
		expect_row(mem, mem->rows.n - 2, line, "1", want, NULL);
		expect_same(mem, file);
		result_free(mem);
		result_free(file);
	}

	/* A file of exactly one chunk, and one that ends in a cut sequence right after it. */
	buf_reset(&b);
	buf_puts(&b, "a;b\n");
	pad_to(&b, CHUNK, 0, 2);
	mem = parse_mem(b.data, b.len);
	file = parse_via_file(b.data, b.len);
	assert_int_equal(mem->rc, 0);
	expect_same(mem, file);
	result_free(mem);
	result_free(file);
	buf_puts(&b, "\xC3");
	mem = parse_mem(b.data, b.len);
	file = parse_via_file(b.data, b.len);
	expect_same(mem, file);
	result_free(mem);
	result_free(file);

	buf_free(&field);
	buf_free(&b);
}

/* ---- a round trip of random records, serialised here ---- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static void random_cell(Buf *c)
{
	/* All pieces exist in Windows-1252 too, so the same records can be written in both. */
	static const char *const pieces[] = {
		"a", "Bo", "x y", " ", ";", ",", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "æ", "ø", "å",
		"Æ", "Ø", "Å", "€", "§", "é", "27.12.00-G01", "SEL § 85",
	};
	buf_reset(c);
	buf_puts(c, "");
	int len = (int)rnd(8);
	if (rnd(10) == 0)
		len = 0;
	for (int i = 0; i < len; i++)
		buf_puts(c, pieces[rnd(COUNT(pieces))]);
}

/* RFC 4180: a cell with the separator, a quote or a line break is quoted, quotes doubled; other
** cells are sometimes quoted anyway. A quote inside an otherwise plain cell may stay bare. */
static void write_cell(Buf *out, const Buf *c, char sep, int only_cell)
{
	int must = c->len == 0 && only_cell;
	int bare_quote_ok = c->len > 0 && c->data[0] != '"';
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->data[i];
		if (ch == sep || ch == '\n' || ch == '\r')
			must = 1;
	}
	int has_quote = c->len && memchr(c->data, '"', c->len) != NULL;
	if (has_quote && !(bare_quote_ok && rnd(2)))
		must = 1;
	if (!must && rnd(4) != 0) {
		buf_append(out, c->data, c->len);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < c->len; i++) {
		if (c->data[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, c->data[i]);
	}
	buf_putc(out, '"');
}

typedef struct Expected {
	int n;
	long line[2100];
	int ncells[2100];
	char **cells[2100];
} Expected;

static void round_trip_one(char sep, int encoding, int via_file)
{
	Expected *want = calloc(1, sizeof *want);
	Buf out, c;
	buf_init(&out, 0);
	buf_init(&c, 0);
	if (encoding == 1)
		buf_puts(&out, "\xEF\xBB\xBF");
	long line = 1;
	for (int r = 0; r < 2001; r++) {
		int ncells = r == 0 ? 8 : 1 + (int)rnd(12);
		want->line[r] = line;
		want->ncells[r] = ncells;
		want->cells[r] = calloc((size_t)ncells, sizeof(char *));
		for (int k = 0; k < ncells; k++) {
			if (r == 0) {
				buf_reset(&c);
				buf_printf(&c, "Kolonne %d", k + 1);
			} else {
				random_cell(&c);
			}
			want->cells[r][k] = strdup(buf_cstr(&c));
			if (k > 0)
				buf_putc(&out, sep);
			size_t from = out.len;
			write_cell(&out, &c, sep, ncells == 1);
			for (size_t i = from; i < out.len; i++)
				line += out.data[i] == '\n';
		}
		buf_puts(&out, rnd(2) ? "\r\n" : "\n");
		line++;
		want->n++;
	}
	char *data = out.data;
	size_t n = out.len;
	char *converted = NULL;
	if (encoding == 2) {
		iconv_t cd = iconv_open("CP1252", "UTF-8");
		assert_true(cd != (iconv_t)-1);
		converted = malloc(n);
		char *ip = out.data, *op = converted;
		size_t il = out.len, ol = n;
		assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
		iconv_close(cd);
		data = converted;
		n = (size_t)(op - converted);
	}
	Result *res = via_file ? parse_via_file(data, n) : parse_mem(data, n);
	if (res->rc != 0)
		fail_msg("sep '%c' encoding %d: rc %d: %s", sep, encoding, res->rc, res->err);
	assert_string_equal(res->info.encoding,
	                    encoding == 0 ? "UTF-8" : encoding == 1 ? "UTF-8 med BOM" : "Windows-1252");
	assert_int_equal(res->info.separator, sep);
	assert_int_equal(res->rows.n, want->n);
	for (int r = 0; r < want->n; r++) {
		assert_int_equal(res->rows.line[r], want->line[r]);
		assert_int_equal(res->rows.ncells[r], want->ncells[r]);
		for (int k = 0; k < want->ncells[r]; k++)
			if (strcmp(res->rows.cells[r][k], want->cells[r][k]) != 0)
				fail_msg("record %d cell %d: got \"%s\", want \"%s\"", r, k, res->rows.cells[r][k],
				         want->cells[r][k]);
	}
	result_free(res);
	for (int r = 0; r < want->n; r++) {
		for (int k = 0; k < want->ncells[r]; k++)
			free(want->cells[r][k]);
		free(want->cells[r]);
	}
	free(want);
	free(converted);
	buf_free(&out);
	buf_free(&c);
}

static void random_round_trip(void **state)
{
	(void)state;
	static const char seps[] = {';', ',', '\t'};
	rng_state = 0x9E3779B97F4A7C15u;
	for (size_t s = 0; s < COUNT(seps); s++)
		for (int encoding = 0; encoding < 3; encoding++)
			for (int via_file = 0; via_file < 2; via_file++)
				round_trip_one(seps[s], encoding, via_file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_case_list),
		cmocka_unit_test(example_variants_same_cells),
		cmocka_unit_test(utf8_bom_comma_lf),
		cmocka_unit_test(tab_separated),
		cmocka_unit_test(separator_detection),
		cmocka_unit_test(cp1252_matches_iconv),
		cmocka_unit_test(utf16_refused),
		cmocka_unit_test(quotes_and_line_breaks),
		cmocka_unit_test(line_endings_and_empty_lines),
		cmocka_unit_test(unterminated_quote),
		cmocka_unit_test(junk_after_closing_quote),
		cmocka_unit_test(invalid_utf8_after_sniff_window),
		cmocka_unit_test(encoding_decided_after_ascii_start),
		cmocka_unit_test(undefined_cp1252_byte),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(cell_and_record_limits),
		cmocka_unit_test(row_fn_stops_reading),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(short_error_buffer),
		cmocka_unit_test(file_record_across_chunk_boundary),
		cmocka_unit_test(random_round_trip),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
