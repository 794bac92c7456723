/*
** Tests of the .xlsx reader (xlsx.c). Workbooks are written in the test by an independent
** writer, libxlsxwriter, and odd or hostile files are put together by hand with libzip.
** Every file is read twice, from the path and from memory, and both must agree.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tilsyn.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

static char tmpdir[64];

/* ---- reading ---- */

typedef struct Rows {
	Buf out;         /* "line:cell|cell|...\n" per row, when record is set */
	long count;
	long last_line;
	int record;
	long stop_after; /* return 7 after this many rows, when non-zero */
} Rows;

static int collect(void *ctx, long line, int ncells, const char *const *cells)
{
	Rows *r = ctx;
	r->count++;
	r->last_line = line;
	assert_true(ncells > 0 && ncells <= SHEET_MAX_CELLS);
	assert_true(cells[ncells - 1][0] != 0); /* the last cell is never empty */
	for (int i = 0; i < ncells; i++)
		assert_true(utf8_valid(cells[i], strlen(cells[i])));
	if (r->record) {
		buf_printf(&r->out, "%ld:", line);
		for (int i = 0; i < ncells; i++) {
			if (i)
				buf_putc(&r->out, '|');
			buf_puts(&r->out, cells[i]);
		}
		buf_putc(&r->out, '\n');
	}
	return r->stop_after && r->count >= r->stop_after ? 7 : 0;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	Buf b;
	buf_init(&b, (size_t)1 << 30);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return b.data ? buf_detach(&b) : xstrdup("");
}

typedef struct Result {
	int rc;
	char err[512];
	SheetInfo info;
	Rows rows;
} Result;

static void result_free(Result *res)
{
	buf_free(&res->rows.out);
}

/* Reads path with xlsx_read_file and xlsx_read_mem, checks they agree, and returns the first. */
static Result read_xlsx(const char *path, long stop_after, int record)
{
	Result res[2];
	memset(res, 0, sizeof res);
	for (int k = 0; k < 2; k++) {
		buf_init(&res[k].rows.out, 0);
		res[k].rows.record = record;
		res[k].rows.stop_after = stop_after;
		strcpy(res[k].err, "(unset)");
	}
	res[0].rc = xlsx_read_file(path, &res[0].info, collect, &res[0].rows, res[0].err, sizeof res[0].err);
	size_t n;
	char *data = slurp(path, &n);
	res[1].rc = xlsx_read_mem(data, n, &res[1].info, collect, &res[1].rows, res[1].err, sizeof res[1].err);
	free(data);

	assert_int_equal(res[0].rc, res[1].rc);
	assert_int_equal(res[0].rows.count, res[1].rows.count);
	assert_int_equal(res[0].info.rows, res[1].info.rows);
	assert_string_equal(res[0].info.sheet, res[1].info.sheet);
	assert_string_equal(buf_cstr(&res[0].rows.out), buf_cstr(&res[1].rows.out));
	if (res[0].rc == -1) {
		assert_string_equal(res[0].err, res[1].err);
		assert_true(utf8_valid(res[0].err, strlen(res[0].err)));
	}
	assert_string_equal(res[0].info.format, "xlsx");
	result_free(&res[1]);
	unlink(path);
	return res[0];
}

static void expect_rows(const char *path, const char *want)
{
	Result res = read_xlsx(path, 0, 1);
	if (res.rc != 0)
		fail_msg("rc %d: %s", res.rc, res.err);
	assert_string_equal(buf_cstr(&res.rows.out), want);
	result_free(&res);
}

static void expect_error(const char *path, const char *part_of_message)
{
	Result res = read_xlsx(path, 0, 0);
	assert_int_equal(res.rc, -1);
	if (!strstr(res.err, part_of_message))
		fail_msg("message \"%s\" lacks \"%s\"", res.err, part_of_message);
	result_free(&res);
}

static const char *tmp_path(const char *name)
{
	static char path[sizeof tmpdir + 256 + 2];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

/* ---- building files by hand ---- */

typedef struct Part {
	const char *name;
	const char *data;
	size_t len;        /* strlen(data) when 0 */
} Part;

static void write_zip(const char *path, const Part *parts, size_t n)
{
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *s = zip_source_buffer(z, parts[i].data, len, 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_TYPE NS_REL "/"

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/xl/workbook.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"</Types>";

static const char workbook_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" REL_TYPE "styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" REL_TYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";

static const char styles_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<styleSheet xmlns=\"" NS_MAIN "\">"
	"<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"#,##0 &quot;dage&quot;\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"165\"/></cellXfs>"
	"</styleSheet>";

/* A minimal workbook: one sheet whose <sheetData> holds rows; workbook_pr goes before <sheets>. */
static void write_minimal(const char *path, const char *workbook_pr, const char *rows, const char *strings)
{
	char *workbook, *sheet;
	if (asprintf(&workbook,
	             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">%s"
	             "<sheets><sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
	             workbook_pr ? workbook_pr : "") < 0 ||
	    asprintf(&sheet,
	             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>%s</sheetData></worksheet>",
	             rows) < 0)
		fail();
	Part parts[] = {
		{"[Content_Types].xml", content_types, 0},
		{"xl/workbook.xml", workbook, 0},
		{"xl/_rels/workbook.xml.rels", workbook_rels, 0},
		{"xl/worksheets/sheet1.xml", sheet, 0},
		{"xl/styles.xml", styles_xml, 0},
		{"xl/sharedStrings.xml", strings ? strings : "", 0},
	};
	write_zip(path, parts, strings ? COUNT(parts) : COUNT(parts) - 1);
	free(workbook);
	free(sheet);
}

/* ---- workbooks from libxlsxwriter ---- */

static void test_strings_and_numbers(void **state)
{
	(void)state;
	const char *path = tmp_path("strings.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Sager æøå");
	worksheet_write_string(ws, 0, 0, "Sagsnummer", NULL);
	worksheet_write_string(ws, 0, 1, "Rådgiver", NULL);
	worksheet_write_string(ws, 0, 2, "§", NULL);
	worksheet_write_string(ws, 0, 3, "Antal", NULL);
	worksheet_write_string(ws, 1, 0, "27.12.00-G01-262-24", NULL);
	worksheet_write_string(ws, 1, 1, "Søren Ærø Åse", NULL);
	worksheet_write_string(ws, 1, 2, "§ 52, stk. 3", NULL);
	worksheet_write_number(ws, 1, 3, 42, NULL);
	worksheet_write_number(ws, 2, 3, 3.5, NULL);
	worksheet_write_string(ws, 2, 0, "Søren Ærø Åse", NULL); /* the same shared string again */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	Result res = read_xlsx(path, 0, 1);
	assert_int_equal(res.rc, 0);
	assert_string_equal(buf_cstr(&res.rows.out),
	                    "1:Sagsnummer|Rådgiver|§|Antal\n"
	                    "2:27.12.00-G01-262-24|Søren Ærø Åse|§ 52, stk. 3|42\n"
	                    "3:Søren Ærø Åse|||3.5\n");
	assert_string_equal(res.info.sheet, "Sager æøå");
	assert_int_equal(res.info.rows, 3);
	result_free(&res);
}

static void test_dates(void **state)
{
	(void)state;
	const char *path = tmp_path("dates.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *dmy = workbook_add_format(wb);
	format_set_num_format(dmy, "dd-mm-yyyy");
	lxw_format *builtin = workbook_add_format(wb);
	format_set_num_format_index(builtin, 14);
	lxw_format *long_date = workbook_add_format(wb);
	format_set_num_format(long_date, "[$-406]d\\. mmmm yyyy;@");
	lxw_format *days = workbook_add_format(wb);
	format_set_num_format(days, "#,##0 \"dage\"");
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00\\ [$kr.-406]");

	lxw_datetime dt = {2024, 3, 5, 0, 0, 0};
	lxw_datetime evening = {2023, 12, 31, 18, 30, 0};
	worksheet_write_datetime(ws, 0, 0, &dt, dmy);
	worksheet_write_datetime(ws, 0, 1, &evening, dmy);
	worksheet_write_datetime(ws, 0, 2, &dt, builtin);
	worksheet_write_datetime(ws, 0, 3, &dt, long_date);
	worksheet_write_number(ws, 1, 0, 42, days);
	worksheet_write_number(ws, 1, 1, 1234.5, money);
	worksheet_write_number(ws, 1, 2, 45356, NULL); /* a serial without a date format stays a number */
	/* Excel's 1900 leap-year bug: serial 60 is 29 February 1900, which never was. */
	worksheet_write_number(ws, 2, 0, 1, dmy);
	worksheet_write_number(ws, 2, 1, 59, dmy);
	worksheet_write_number(ws, 2, 2, 60, dmy);
	worksheet_write_number(ws, 2, 3, 61, dmy);
	worksheet_write_number(ws, 2, 4, 2958465, dmy);
	worksheet_write_number(ws, 2, 5, 2958466, dmy); /* beyond 9999-12-31: not a date */
	worksheet_write_number(ws, 2, 6, -1, dmy);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	expect_rows(path, "1:2024-03-05|2023-12-31|2024-03-05|2024-03-05\n"
	                  "2:42|1234.5|45356\n"
	                  "3:1900-01-01|1900-02-28|1900-02-29|1900-03-01|9999-12-31|2958466|-1\n");
}

static void test_gaps(void **state)
{
	(void)state;
	const char *path = tmp_path("gaps.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "x", NULL);
	worksheet_write_string(ws, 0, 2, "y", NULL);
	worksheet_write_string(ws, 2, 1, "z", NULL);
	worksheet_write_string(ws, 3, 27, "AB4", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	/* AB4 is column index 27: 27 empty cells before it. */
	char want[128] = "1:x||y\n3:|z\n4:";
	for (int i = 0; i < 27; i++)
		strcat(want, "|");
	strcat(want, "AB4\n");
	expect_rows(path, want);
}

static void test_empty_rows_skipped(void **state)
{
	(void)state;
	const char *path = tmp_path("empty.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	worksheet_write_string(ws, 0, 0, "a", NULL);
	worksheet_write_blank(ws, 1, 0, bold);  /* a formatted, empty cell */
	worksheet_write_blank(ws, 1, 3, bold);
	worksheet_set_row(ws, 2, 30, bold);     /* a formatted, empty row */
	worksheet_write_string(ws, 3, 0, "b", NULL);
	worksheet_write_blank(ws, 3, 4, bold);  /* trailing empty cells do not count */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	Result res = read_xlsx(path, 0, 1);
	assert_int_equal(res.rc, 0);
	assert_string_equal(buf_cstr(&res.rows.out), "1:a\n4:b\n");
	assert_int_equal(res.info.rows, 2);
	result_free(&res);
}

static void test_first_sheet_only(void **state)
{
	(void)state;
	const char *path = tmp_path("sheets.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *first = workbook_add_worksheet(wb, "Første");
	lxw_worksheet *second = workbook_add_worksheet(wb, "Anden");
	worksheet_write_string(first, 0, 0, "one", NULL);
	worksheet_write_string(second, 0, 0, "two", NULL);
	worksheet_activate(second); /* the sheet shown when opened does not matter */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	Result res = read_xlsx(path, 0, 1);
	assert_int_equal(res.rc, 0);
	assert_string_equal(buf_cstr(&res.rows.out), "1:one\n");
	assert_string_equal(res.info.sheet, "Første");
	result_free(&res);
}

static void test_many_rows(void **state)
{
	(void)state;
	const char *path = tmp_path("many.xlsx");
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	char text[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(text, sizeof text, "sag-%d", i);
		worksheet_write_string(ws, (lxw_row_t)i, 0, text, NULL);
		worksheet_write_number(ws, (lxw_row_t)i, 1, i, NULL);
		worksheet_write_string(ws, (lxw_row_t)i, 2, "Rådgiver Ærø", NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	Result res = read_xlsx(path, 0, 0);
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.rows.count, 10000);
	assert_int_equal(res.info.rows, 10000);
	assert_int_equal(res.rows.last_line, 10000);
	result_free(&res);
}

static void test_stop_early(void **state)
{
	(void)state;
	const char *path = tmp_path("stop.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	for (int i = 0; i < 10; i++)
		worksheet_write_number(ws, (lxw_row_t)i, 0, i, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	Result res = read_xlsx(path, 3, 1);
	assert_int_equal(res.rc, 7);
	assert_int_equal(res.info.rows, 3);
	assert_string_equal(buf_cstr(&res.rows.out), "1:0\n2:1\n3:2\n");
	result_free(&res);
}

/* ---- workbooks by hand ---- */

static void test_inline_and_other_cell_types(void **state)
{
	(void)state;
	const char *path = tmp_path("inline.xlsx");
	write_minimal(path, NULL,
	              "<row r=\"1\">"
	              "<c r=\"A1\" t=\"inlineStr\"><is><t>Åse &amp; Bø §</t></is></c>"
	              "<c r=\"B1\" t=\"inlineStr\"><is><r><t xml:space=\"preserve\">rig </t></r><r><rPr><b/></rPr>"
	              "<t>tekst</t></r><rPh sb=\"0\" eb=\"1\"><t>fonetisk</t></rPh></is></c>"
	              "<c r=\"C1\" t=\"str\"><f>A1&amp;\"x\"</f><v>formel</v></c>"
	              "<c r=\"D1\" t=\"b\"><v>1</v></c><c r=\"E1\" t=\"b\"><v>0</v></c>"
	              "<c r=\"F1\" t=\"e\"><v>#N/A</v></c>"
	              "<c r=\"G1\" t=\"inlineStr\"><is><t>linje 1_x000D_\nlinje 2 _x005F_x0041_</t></is></c>"
	              "<c r=\"H1\"><f>1+1</f><v>2</v></c>"
	              "</row>"
	              /* no r attributes: rows and cells are counted */
	              "<row><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\"><is><t>b</t></is></c></row>"
	              "<row r=\"7\"><c r=\"B7\" t=\"inlineStr\"><is><t>b7</t></is></c><c><v>9</v></c>"
	              "<c r=\"XFD7\" s=\"1\"/></row>",
	              NULL);
	expect_rows(path, "1:Åse & Bø §|rig tekst|formel|SAND|FALSK|#N/A|linje 1\r\nlinje 2 _x0041_|2\n"
	                  "2:a|b\n"
	                  "7:|b7|9\n");
}

static void test_shared_strings_rich_text(void **state)
{
	(void)state;
	const char *path = tmp_path("sst.xlsx");
	const char *strings =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
		"<si><t>Sagsnummer</t></si>"
		"<si><r><t>Rå</t></r><r><rPr><i/></rPr><t>dgiver</t></r><rPh sb=\"0\" eb=\"2\"><t>x</t></rPh></si>"
		"<si><t/></si>"
		"<si><t>_xD83D__xDE00_ smil</t></si>"
		"</sst>";
	write_minimal(path, NULL,
	              "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
	              "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>",
	              strings);
	expect_rows(path, "1:Sagsnummer|Rådgiver||\xF0\x9F\x98\x80 smil\n");
}

static void test_date_styles_by_hand(void **state)
{
	(void)state;
	const char *rows = "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"2\"><v>43830</v></c>"
	                   "<c r=\"C1\" s=\"3\"><v>43830</v></c><c r=\"D1\" s=\"2\"><v>43830.75</v></c>"
	                   "<c r=\"E1\" s=\"99\"><v>43830</v></c><c r=\"F1\" t=\"d\" s=\"2\"><v>2024-01-02T00:00:00</v></c>"
	                   "<c r=\"G1\" s=\"2\"><v>4.383E4</v></c></row>";
	/* The 1900 system: serial 0 is no date; 43830 is 2019-12-31. */
	write_minimal(tmp_path("d1900.xlsx"), NULL, rows, NULL);
	expect_rows(tmp_path("d1900.xlsx"), "1:0|2019-12-31|43830|2019-12-31|43830|2024-01-02|2019-12-31\n");
	/* The 1904 system (old Mac workbooks): serial 0 is 1904-01-01. */
	write_minimal(tmp_path("d1904.xlsx"), "<workbookPr date1904=\"1\"/>", rows, NULL);
	expect_rows(tmp_path("d1904.xlsx"), "1:1904-01-01|2024-01-01|43830|2024-01-01|43830|2024-01-02|2024-01-01\n");
	write_minimal(tmp_path("d1904t.xlsx"), "<workbookPr date1904=\"true\"/>", rows, NULL);
	expect_rows(tmp_path("d1904t.xlsx"), "1:1904-01-01|2024-01-01|43830|2024-01-01|43830|2024-01-02|2024-01-01\n");
}

/* The first sheet in the workbook's order, wherever its part is and whatever it is called. */
static void test_first_sheet_by_workbook_order(void **state)
{
	(void)state;
	const char *path = tmp_path("order.xlsx");
	const char *root_rels =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" Target=\"regneark/bog.xml\"/>"
		"</Relationships>";
	const char *workbook =
		"<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL "\"><x:sheets>"
		"<x:sheet name=\"Data\" sheetId=\"2\" rel:id=\"rId7\"/>"
		"<x:sheet name=\"Forside\" sheetId=\"1\" rel:id=\"rId1\"/>"
		"</x:sheets></x:workbook>";
	const char *rels =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"ark/sheet1.xml\"/>"
		"<Relationship Id=\"rId7\" Type=\"" REL_TYPE "worksheet\" Target=\"/Regneark/Ark/../ark/Data%20ark.xml\"/>"
		"</Relationships>";
	const char *sheet1 = "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
	                     "<is><t>forside</t></is></c></row></sheetData></worksheet>";
	const char *data = "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\">"
	                   "<x:is><x:t>data</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>";
	Part parts[] = {
		{"[Content_Types].xml", content_types, 0},
		{"_rels/.rels", root_rels, 0},
		{"regneark/bog.xml", workbook, 0},
		{"regneark/_rels/bog.xml.rels", rels, 0},
		{"regneark/ark/sheet1.xml", sheet1, 0},
		{"regneark/ark/Data ark.xml", data, 0},
	};
	write_zip(path, parts, COUNT(parts));
	Result res = read_xlsx(path, 0, 1);
	assert_int_equal(res.rc, 0);
	assert_string_equal(buf_cstr(&res.rows.out), "1:data\n");
	assert_string_equal(res.info.sheet, "Data");
	result_free(&res);
}

/* ---- broken and hostile files ---- */

static void test_not_a_zip(void **state)
{
	(void)state;
	const char *path = tmp_path("hello.xlsx");
	FILE *f = fopen(path, "wb");
	fputs("hello", f);
	fclose(f);
	expect_error(path, "Filen er ikke en gyldig Excel-fil (xlsx): den er en tekstfil");

	f = fopen(path, "wb");
	fclose(f);
	expect_error(path, "Filen er tom (0 byte).");

	f = fopen(path, "wb");
	fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more", 1, 18, f);
	fclose(f);
	expect_error(path, "(xls) eller beskyttet med adgangskode");

	char err[256];
	SheetInfo info;
	assert_int_equal(xlsx_read_file(tmp_path("does-not-exist.xlsx"), &info, collect, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "kan ikke åbnes"));
	/* A tiny error buffer gets a shortened message that is still valid UTF-8. */
	char tiny[12];
	assert_int_equal(xlsx_read_mem("hello", 5, NULL, collect, NULL, tiny, sizeof tiny), -1);
	assert_true(utf8_valid(tiny, strlen(tiny)));
}

static void test_zip_without_workbook(void **state)
{
	(void)state;
	Part parts[] = {{"readme.txt", "hej", 0}};
	write_zip(tmp_path("noworkbook.xlsx"), parts, 1);
	expect_error(tmp_path("noworkbook.xlsx"), "Filen er en zip-fil, men ikke en Excel-projektmappe.");

	Part word[] = {{"[Content_Types].xml", content_types, 0}, {"word/document.xml", "<document/>", 0}};
	write_zip(tmp_path("word.xlsx"), word, COUNT(word));
	expect_error(tmp_path("word.xlsx"), "Word-dokument");

	/* A workbook without sheets, and one whose sheet part is missing. */
	Part nosheets[] = {{"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\"><sheets/></workbook>", 0}};
	write_zip(tmp_path("nosheets.xlsx"), nosheets, COUNT(nosheets));
	expect_error(tmp_path("nosheets.xlsx"), "ingen ark");
	Part nopart[] = {
		{"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
		                    "<sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", 0},
		{"xl/_rels/workbook.xml.rels", workbook_rels, 0},
	};
	write_zip(tmp_path("nopart.xlsx"), nopart, COUNT(nopart));
	expect_error(tmp_path("nopart.xlsx"), "det første ark (\"Ark1\") mangler");

	/* Broken XML names the part. */
	write_minimal(tmp_path("badxml.xlsx"), NULL, "<row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL);
	expect_error(tmp_path("badxml.xlsx"), "fejl i XML'en i xl/worksheets/sheet1.xml, linje 2");
}

static void test_unreadable_first_sheet(void **state)
{
	(void)state;
	const char *workbook = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
	                       "<sheet name=\"Diagram1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	Part chart[] = {
		{"xl/workbook.xml", workbook, 0},
		{"xl/_rels/workbook.xml.rels",
		 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		 "</Relationships>", 0},
		{"xl/chartsheets/sheet1.xml", "<chartsheet xmlns=\"" NS_MAIN "\"/>", 0},
	};
	write_zip(tmp_path("chart.xlsx"), chart, COUNT(chart));
	expect_error(tmp_path("chart.xlsx"), "(\"Diagram1\") er et diagram, ikke et regneark");

	/* An encrypted part: a zip with a password. */
	const char *path = tmp_path("password.xlsx");
	write_minimal(path, NULL, "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL);
	int err;
	zip_t *z = zip_open(path, 0, &err);
	assert_non_null(z);
	zip_int64_t idx = zip_name_locate(z, "xl/worksheets/sheet1.xml", 0);
	assert_true(idx >= 0);
	if (zip_file_set_encryption(z, (zip_uint64_t)idx, ZIP_EM_AES_256, "hemmelig") != 0) {
		zip_discard(z); /* libzip without encryption support: nothing to test */
		unlink(path);
		return;
	}
	assert_int_equal(zip_close(z), 0);
	expect_error(path, "Filen er beskyttet med adgangskode.");
}

static void test_billion_laughs_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("laughs.xlsx");
	Buf b;
	buf_init(&b, 0);
	buf_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol \"lol\">\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(&b, "<!ENTITY lol%d \"", i);
		for (int k = 0; k < 10; k++) {
			if (i == 1)
				buf_puts(&b, "&lol;");
			else
				buf_printf(&b, "&lol%d;", i - 1);
		}
		buf_puts(&b, "\">\n");
	}
	buf_puts(&b, "]>\n<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
	             "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>");
	char *sheet = buf_detach(&b);
	Part parts[] = {
		{"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
		                    "<sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", 0},
		{"xl/_rels/workbook.xml.rels", workbook_rels, 0},
		{"xl/worksheets/sheet1.xml", sheet, 0},
	};
	write_zip(path, parts, COUNT(parts));
	expect_error(path, "DOCTYPE");
	free(sheet);

	/* In the shared strings too, which are read before the sheet. */
	write_minimal(path, NULL, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
	              "<!DOCTYPE sst [<!ENTITY a \"aaaa\">]><sst xmlns=\"" NS_MAIN "\"><si><t>&a;</t></si></sst>");
	expect_error(path, "Filen er afvist: xl/sharedStrings.xml indeholder en DOCTYPE");
}

static void test_deep_nesting_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("deep.xlsx");
	Buf b;
	buf_init(&b, 0);
	buf_puts(&b, "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "<a>");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "</a>");
	write_minimal(path, NULL, buf_cstr(&b), NULL);
	buf_free(&b);
	expect_error(path, "indlejret mere end 64 niveauer");
}

/* Writes the zip with one 50 MiB sheet of spaces, which deflate packs about 1000 to 1. */
static void write_spaces_zip(const char *path, size_t size)
{
	const char head[] = "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>";
	char *sheet = xmalloc(size);
	memset(sheet, ' ', size);
	memcpy(sheet, head, sizeof head - 1);
	Part parts[] = {
		{"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
		                    "<sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", 0},
		{"xl/_rels/workbook.xml.rels", workbook_rels, 0},
		{"xl/worksheets/sheet1.xml", sheet, size},
	};
	write_zip(path, parts, COUNT(parts));
	free(sheet);
}

/* Overwrites the uncompressed size of every entry, in the local headers and the central
** directory, so that the archive claims to be small. */
static void lie_about_sizes(char *zip, size_t n, uint32_t claimed)
{
	for (size_t i = 0; i + 46 <= n; i++) {
		if (memcmp(zip + i, "PK\x03\x04", 4) == 0)
			memcpy(zip + i + 22, &claimed, 4);
		else if (memcmp(zip + i, "PK\x01\x02", 4) == 0)
			memcpy(zip + i + 24, &claimed, 4);
	}
}

static void test_compression_bomb_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("bomb.xlsx");
	write_spaces_zip(path, (size_t)50 << 20);
	clock_t start = clock();
	expect_error(tmp_path("bomb.xlsx"), "pakket mistænkeligt hårdt sammen");
	/* Refused on the sizes in the zip, before anything is unpacked. */
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 1.0);

	/* The same, with the headers lying: refused while unpacking, after 16 MB. */
	write_spaces_zip(path, (size_t)50 << 20);
	size_t n;
	char *zip = slurp(path, &n);
	lie_about_sizes(zip, n, 1000);
	char err[512];
	SheetInfo info;
	Rows rows = {0};
	assert_int_equal(xlsx_read_mem(zip, n, &info, collect, &rows, err, sizeof err), -1);
	if (!strstr(err, "pakket mistænkeligt hårdt sammen"))
		fail_msg("message: %s", err);
	free(zip);
	unlink(path);
}

/* A tag of 17 MB (stored, so no compression rule applies) would have to be held whole. */
static void test_huge_tag_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("hugetag.xlsx");
	size_t size = (size_t)17 << 20;
	const char head[] = "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\" x=\"";
	const char tail[] = "\"/></sheetData></worksheet>";
	char *sheet = xmalloc(size);
	memset(sheet, 'a', size);
	memcpy(sheet, head, sizeof head - 1);
	memcpy(sheet + size - (sizeof tail - 1), tail, sizeof tail - 1);
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	const char *workbook = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
	                       "<sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	zip_file_add(z, "xl/workbook.xml", zip_source_buffer(z, workbook, strlen(workbook), 0), 0);
	zip_file_add(z, "xl/_rels/workbook.xml.rels", zip_source_buffer(z, workbook_rels, strlen(workbook_rels), 0), 0);
	zip_int64_t idx = zip_file_add(z, "xl/worksheets/sheet1.xml", zip_source_buffer(z, sheet, size, 0), 0);
	assert_true(idx >= 0);
	zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	assert_int_equal(zip_close(z), 0);
	free(sheet);
	expect_error(path, "indeholder et XML-element på mere end 16 MB");
}

static void test_too_many_entries_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("entries.xlsx");
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; i < 10001; i++) {
		char name[32];
		snprintf(name, sizeof name, "f%d", i);
		zip_int64_t idx = zip_file_add(z, name, zip_source_buffer(z, "x", 1, 0), 0);
		assert_true(idx >= 0);
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	assert_int_equal(zip_close(z), 0);
	expect_error(path, "mere end 10.000 dele");
}

static void test_long_cell_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("long.xlsx");
	Buf b;
	buf_init(&b, 0);
	buf_puts(&b, "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"D7\" t=\"inlineStr\"><is><t>");
	for (int i = 0; i < SHEET_MAX_CELL_BYTES + 1; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "</t></is></c></row>");
	write_minimal(path, NULL, buf_cstr(&b), NULL);
	expect_error(path, "Celle D7: teksten er for lang");

	/* Exactly at the limit is fine; so is a long text in a shared string that is never used. */
	b.len -= strlen("x</t></is></c></row>");
	buf_puts(&b, "</t></is></c></row>");
	write_minimal(path, NULL, buf_cstr(&b), NULL);
	Result res = read_xlsx(path, 0, 0);
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.info.rows, 1);
	result_free(&res);
	buf_free(&b);

	/* A shared string over the limit, used in a cell. */
	buf_init(&b, 0);
	buf_puts(&b, "<sst xmlns=\"" NS_MAIN "\"><si><t>kort</t></si><si><t>");
	for (int i = 0; i < SHEET_MAX_CELL_BYTES + 10; i++)
		buf_putc(&b, 'y');
	buf_puts(&b, "</t></si></sst>");
	write_minimal(path, NULL, "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c></row>"
	                          "<row r=\"3\"><c r=\"B3\" t=\"s\"><v>1</v></c></row>", buf_cstr(&b));
	expect_error(path, "Celle B3: teksten er for lang");
	buf_free(&b);
}

static void test_bad_cells_refused(void **state)
{
	(void)state;
	const char *path = tmp_path("badcells.xlsx");
	write_minimal(path, NULL, "<row r=\"1\"><c r=\"ZZ1\" t=\"inlineStr\"><is><t>langt ude</t></is></c></row>", NULL);
	expect_error(path, "Celle ZZ1: kolonnen ligger ud over de 512 kolonner");
	write_minimal(path, NULL, "<row r=\"4\"><c r=\"C4\" t=\"s\"><v>5</v></c></row>", NULL);
	expect_error(path, "Celle C4: henviser til en tekst (nr. 5)");
	write_minimal(path, NULL, "<row r=\"4\"><c r=\"4C\"><v>5</v></c></row>", NULL);
	expect_error(path, "Række 4: en celle har en ugyldig placering (\"4C\")");
	write_minimal(path, NULL, "<row r=\"2\"><c><v>1</v></c></row><row r=\"x\"/>", NULL);
	expect_error(path, "Rækken efter række 2 har et ugyldigt rækkenummer (\"x\")");
	write_minimal(path, NULL, "<row r=\"0\"><c><v>1</v></c></row>", NULL);
	expect_error(path, "Den første række har et ugyldigt rækkenummer (\"0\")");
}

static int group_setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_xlsx.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlink(tmp_path(e->d_name));
		closedir(d);
	}
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_and_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_empty_rows_skipped),
		cmocka_unit_test(test_first_sheet_only),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_stop_early),
		cmocka_unit_test(test_inline_and_other_cell_types),
		cmocka_unit_test(test_shared_strings_rich_text),
		cmocka_unit_test(test_date_styles_by_hand),
		cmocka_unit_test(test_first_sheet_by_workbook_order),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_zip_without_workbook),
		cmocka_unit_test(test_unreadable_first_sheet),
		cmocka_unit_test(test_billion_laughs_refused),
		cmocka_unit_test(test_deep_nesting_refused),
		cmocka_unit_test(test_compression_bomb_refused),
		cmocka_unit_test(test_huge_tag_refused),
		cmocka_unit_test(test_too_many_entries_refused),
		cmocka_unit_test(test_long_cell_refused),
		cmocka_unit_test(test_bad_cells_refused),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
