/*
** libFuzzer target for the .xlsx reader (src/xlsx.c), which reads case lists and answer
** sheets that people upload. Mutated zip bytes rarely get past deflate, so an input is used
** in one of two ways:
**   - starting with "PK": as the whole file, to fuzz the zip handling and the bomb limits;
**   - otherwise: as XML parts separated by the byte 0x01 (which XML cannot contain), packed
**     uncompressed into a fresh zip: the first sheet, shared strings, styles, workbook and
**     workbook relationships, in that order; missing or empty parts are left out, or for the
**     last two replaced by a minimal default. This way
**     the mutations reach the XML handling of every part.
** Every input is read twice: the first sheet, and the sheet named "tilsyn" (the hidden sheet
** of the registration sheet, found by name among the workbook's sheets; the default workbook
** names its one sheet "Ark1", so mutations of the workbook part reach that path).
** Every row handed on must have 1..SHEET_MAX_CELLS cells of valid UTF-8 within
** SHEET_MAX_CELL_BYTES, a positive row number and a non-empty last cell; the reader must
** return 0, or -1 with a message in valid UTF-8, and count the rows it handed on; by name it
** may also return XLSX_NO_SHEET, with no message and no rows.
*/
// fuzz-sources: util.c buf.c arena.c dates.c xlsx.c filetype.c
#include "tilsyn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_xlsx: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static int on_row(void *ctx, long line, int ncells, const char *const *cells)
{
	long *rows = ctx;
	CHECK(ncells >= 1 && ncells <= SHEET_MAX_CELLS);
	CHECK(line >= 1);
	CHECK(cells[ncells - 1][0] != 0);
	for (int i = 0; i < ncells; i++) {
		size_t len = strlen(cells[i]);
		CHECK(len <= SHEET_MAX_CELL_BYTES);
		CHECK(utf8_valid(cells[i], len));
	}
	(*rows)++;
	return 0;
}

static void read_checked(const void *data, size_t n, const char *sheet)
{
	long rows = 0;
	SheetInfo info;
	char err[512];
	int rc = sheet ? xlsx_read_sheet_mem(data, n, sheet, &info, on_row, &rows, err, sizeof err)
	               : xlsx_read_mem(data, n, &info, on_row, &rows, err, sizeof err);
	if (sheet && rc == XLSX_NO_SHEET) {
		CHECK(err[0] == 0 && rows == 0 && info.rows == 0);
		return;
	}
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == 0 || err[0] != 0);
	CHECK(utf8_valid(err, strnlen(err, sizeof err)));
	CHECK(info.rows == rows);
	CHECK(strcmp(info.format, "xlsx") == 0);
	CHECK(utf8_valid(info.sheet, strnlen(info.sheet, sizeof info.sheet)));
	CHECK(!sheet || rc != 0 || strcmp(info.sheet, sheet) == 0);
}

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
};

static const char *const part_defaults[] = {
	NULL, NULL, NULL,
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
};

/* Packs the parts, uncompressed, into a zip in memory; returns it (malloc'd) or NULL. */
static unsigned char *pack(const uint8_t *data, size_t size, size_t *out_len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *dst = zip_source_buffer_create(NULL, 0, 0, &ze);
	CHECK(dst != NULL);
	zip_t *z = zip_open_from_source(dst, ZIP_TRUNCATE, &ze);
	CHECK(z != NULL);
	zip_source_keep(dst);

	size_t start = 0;
	for (size_t k = 0; k < sizeof part_names / sizeof *part_names; k++) {
		const void *p = NULL;
		size_t len = 0;
		if (start < size) {
			const uint8_t *sep = memchr(data + start, 1, size - start);
			size_t end = sep ? (size_t)(sep - data) : size;
			p = data + start;
			len = end - start;
			start = end + 1;
		}
		if (len == 0 && part_defaults[k]) {
			p = part_defaults[k];
			len = strlen(part_defaults[k]);
		} else if (len == 0) {
			continue; /* an empty part is a missing part */
		}
		zip_source_t *s = zip_source_buffer(z, p, len, 0);
		CHECK(s != NULL);
		zip_int64_t idx = zip_file_add(z, part_names[k], s, 0);
		CHECK(idx >= 0);
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	CHECK(zip_close(z) == 0);

	unsigned char *buf = NULL;
	zip_stat_t st;
	CHECK(zip_source_open(dst) == 0);
	CHECK(zip_source_stat(dst, &st) == 0 && (st.valid & ZIP_STAT_SIZE));
	buf = malloc(st.size ? st.size : 1);
	CHECK(buf != NULL);
	CHECK(zip_source_read(dst, buf, st.size) == (zip_int64_t)st.size);
	zip_source_close(dst);
	zip_source_free(dst);
	zip_error_fini(&ze);
	*out_len = st.size;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		read_checked(data, size, NULL);
		read_checked(data, size, "tilsyn");
		return 0;
	}
	size_t n;
	unsigned char *zip = pack(data, size, &n);
	read_checked(zip, n, NULL);
	read_checked(zip, n, "tilsyn");
	free(zip);
	return 0;
}
