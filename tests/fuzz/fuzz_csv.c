/*
** libFuzzer target for the streaming CSV reader (src/csv.c), which reads case lists that
** people upload. Every record handed on must have 1..SHEET_MAX_CELLS cells of valid UTF-8
** within SHEET_MAX_CELL_BYTES, start on a line after the previous record's and within the
** input's lines; the reader must return 0 or -1 (with a message), count the rows it handed
** on, and report one of its encodings and separators. Two oracles: the input read again with
** a line break appended must give the same records, return value and message (the end of the
** input); and for one input in four, the input placed across the reader's 64 KiB chunk
** boundary after ASCII padding lines must give the same records as after a short padding of
** as many lines, whenever both settle on the same encoding (the chunk seams).
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
	long skip;     /* rows on lines up to this are padding: checked, not hashed */
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
	for (int i = 0; i < ncells; i++) {
		size_t len = strlen(cells[i]);
		CHECK(len <= SHEET_MAX_CELL_BYTES);
		CHECK(utf8_valid(cells[i], len));
	}
	if (line <= s->skip)
		return 0;
	mix(s, &line, sizeof line);
	mix(s, &ncells, sizeof ncells);
	for (int i = 0; i < ncells; i++)
		mix(s, cells[i], strlen(cells[i]) + 1);
	return 0;
}

static int read_checked(const char *data, size_t n, long skip, Seen *s, SheetInfo *info, char *err,
                        size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->skip = skip;
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

#define CHUNK 65536 /* csv.c's chunk size */

/* pad + data, where pad is `lines` lines starting with the header "x;y"; returns the copy. */
static char *padded(const char *pad, size_t padlen, const uint8_t *data, size_t size)
{
	char *p = malloc(padlen + size + 1);
	CHECK(p != NULL);
	memcpy(p, pad, padlen);
	if (size)
		memcpy(p + padlen, data, size);
	return p;
}

static void check_across_boundary(const uint8_t *data, size_t size, uint64_t h)
{
	/* `before` bytes of the input come before the boundary. */
	size_t before = 1 + (size_t)(h % size), padlen = CHUNK - before;
	char *pad = malloc(padlen), *shortpad = malloc(padlen);
	CHECK(pad && shortpad);
	/* "x;y", then lines of 256 bytes, then one line of what is left. */
	long lines = 1;
	memcpy(pad, "x;y\n", 4);
	size_t len = 4;
	while (len + 256 + 8 < padlen) {
		memcpy(pad + len, "x;", 2);
		memset(pad + len + 2, 'z', 253);
		pad[len + 255] = '\n';
		len += 256;
		lines++;
	}
	pad[len++] = 'x';
	pad[len++] = ';';
	while (len + 1 < padlen)
		pad[len++] = 'z';
	pad[len++] = '\n';
	lines++;
	memcpy(shortpad, "x;y\n", 4);
	memset(shortpad + 4, '\n', (size_t)lines - 1);
	size_t shortlen = 4 + (size_t)lines - 1;

	char *a = padded(pad, padlen, data, size), *b = padded(shortpad, shortlen, data, size);
	Seen sa, sb;
	SheetInfo ia, ib;
	char ea[512], eb[512];
	int ra = read_checked(a, padlen + size, lines, &sa, &ia, ea, sizeof ea);
	int rb = read_checked(b, shortlen + size, lines, &sb, &ib, eb, sizeof eb);
	CHECK(ia.separator == ';' && ib.separator == ';');
	if (strcmp(ia.encoding, ib.encoding) == 0) {
		CHECK(ra == rb);
		CHECK(strcmp(ea, eb) == 0);
		CHECK(sa.hash == sb.hash);
		CHECK(sa.rows - lines == sb.rows - 1);
	}
	free(a);
	free(b);
	free(pad);
	free(shortpad);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Seen a, b;
	SheetInfo ia, ib;
	char ea[512], eb[512];
	int ra = read_checked((const char *)data, size, 0, &a, &ia, ea, sizeof ea);

	/* The same with a final line break: nothing may change (stays within one 64 KiB chunk). */
	if (size + 1 < 65536 && (size == 0 || data[size - 1] != '\n')) {
		char *copy = malloc(size + 1);
		CHECK(copy != NULL);
		if (size)
			memcpy(copy, data, size);
		copy[size] = '\n';
		int rb = read_checked(copy, size + 1, 0, &b, &ib, eb, sizeof eb);
		free(copy);
		CHECK(ra == rb);
		CHECK(strcmp(ea, eb) == 0);
		CHECK(a.rows == b.rows && a.hash == b.hash);
		CHECK(strcmp(ia.encoding, ib.encoding) == 0 && ia.separator == ib.separator);
	}
	if (size >= 1 && size <= 60000 && (a.hash & 3) == 0)
		check_across_boundary(data, size, a.hash >> 2);
	return 0;
}
