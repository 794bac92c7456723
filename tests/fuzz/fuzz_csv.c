/*
** libFuzzer target for the streaming CSV reader (src/csv.c), which reads case lists that
** people upload. Every record handed on must have 1..SHEET_MAX_CELLS cells of valid UTF-8
** within SHEET_MAX_CELL_BYTES, start on a line after the previous record's and within the
** input's lines; the reader must return 0 or -1 (with a message), count the rows it handed
** on, and report one of its encodings and separators. As an oracle for the end-of-input
** handling, the input read again with a line break appended must give the same records,
** return value and message.
*/
// fuzz-sources: util.c buf.c arena.c csv.c
#include "tilsyn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_csv: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

typedef struct Seen {
	long rows;
	long last_line;
	long max_line; /* line breaks in the input + 1 */
	uint64_t hash; /* FNV-1a over every line, cell count and cell */
} Seen;

static void mix(Seen *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		s->hash = (s->hash ^ b[i]) * 0x100000001B3u;
}

static int on_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Seen *s = ctx;
	CHECK(ncells >= 1 && ncells <= SHEET_MAX_CELLS);
	CHECK(line > s->last_line && line <= s->max_line);
	s->last_line = line;
	s->rows++;
	mix(s, &line, sizeof line);
	mix(s, &ncells, sizeof ncells);
	for (int i = 0; i < ncells; i++) {
		size_t len = strlen(cells[i]);
		CHECK(len <= SHEET_MAX_CELL_BYTES);
		CHECK(utf8_valid(cells[i], len));
		mix(s, cells[i], len + 1);
	}
	return 0;
}

static int read_checked(const char *data, size_t n, Seen *s, SheetInfo *info, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->hash = 0xCBF29CE484222325u;
	s->max_line = 1;
	for (size_t i = 0; i < n; i++)
		s->max_line += data[i] == '\n' || data[i] == '\r';
	int rc = csv_read_mem(data, n, info, on_row, s, err, errlen);
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == 0 || err[0] != 0);
	CHECK(info->rows == s->rows);
	CHECK(strcmp(info->format, "csv") == 0);
	CHECK(strcmp(info->encoding, "UTF-8") == 0 || strcmp(info->encoding, "UTF-8 med BOM") == 0 ||
	      strcmp(info->encoding, "Windows-1252") == 0);
	CHECK(info->separator == ';' || info->separator == ',' || info->separator == '\t');
	CHECK(utf8_valid(err, strlen(err)));
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Seen a, b;
	SheetInfo ia, ib;
	char ea[512], eb[512];
	int ra = read_checked((const char *)data, size, &a, &ia, ea, sizeof ea);

	/* The same with a final line break: nothing may change (stays within one 64 KiB chunk). */
	if (size + 1 < 65536 && (size == 0 || data[size - 1] != '\n')) {
		char *copy = malloc(size + 1);
		CHECK(copy != NULL);
		if (size)
			memcpy(copy, data, size);
		copy[size] = '\n';
		int rb = read_checked(copy, size + 1, &b, &ib, eb, sizeof eb);
		free(copy);
		CHECK(ra == rb);
		CHECK(strcmp(ea, eb) == 0);
		CHECK(a.rows == b.rows && a.hash == b.hash);
		CHECK(strcmp(ia.encoding, ib.encoding) == 0 && ia.separator == ib.separator);
	}
	return 0;
}
