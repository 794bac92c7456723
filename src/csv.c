/*
** A streaming reader of CSV files (RFC 4180) for the case-list import. It works out the
** encoding (UTF-8 with or without BOM, or Windows-1252, which it converts to UTF-8) and the
** separator (',', ';' or tab) by itself, reads the input in 64 KiB chunks, and hands each
** record to a RowFn as NUL-terminated UTF-8 cells together with the physical line where the
** record starts. Memory grows with the longest record, never with the file. Input that cannot
** be read as intended (an unterminated quote, a byte that fits no encoding, a record or field
** over the limits) stops the reading with a Danish message naming the line, written for the
** caseworker who exported the file.
*/
#include "tilsyn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Input is read and decoded this much at a time; the encoding is sniffed within one chunk. */
#define CSV_CHUNK ((size_t)64 << 10)

/* A record's cells, each NUL-terminated, can never need more than this. */
#define CSV_RECORD_LIMIT ((size_t)SHEET_MAX_CELLS * (SHEET_MAX_CELL_BYTES + 1) + 64)

/* ENC_PENDING: every byte so far was ASCII, so UTF-8 and Windows-1252 read it alike. */
enum { ENC_PENDING, ENC_UTF8, ENC_UTF8_BOM, ENC_CP1252 };

/* Where the parser is between two bytes; kept across chunks. */
enum {
	ST_FIELD_START, /* before the first byte of a field */
	ST_UNQUOTED,    /* inside a field that did not start with a quote */
	ST_QUOTED,      /* inside a quoted field */
	ST_QUOTE,       /* just after a quote inside a quoted field: "" or the end of it */
	ST_CR           /* just after a CR that ended a record: a LF may follow */
};

typedef struct Reader {
	RowFn fn;
	void *ctx;
	SheetInfo *info;
	char *err;
	size_t errlen;
	int first_chunk;
	int enc;
	char sep;
	unsigned char stop_unquoted[256]; /* bytes that end a run of an unquoted field */
	unsigned char stop_quoted[256];   /* bytes that end a run of a quoted field */
	int state;
	long line;       /* physical line of the next byte parsed */
	long rec_line;   /* line where the current record started */
	long field_line; /* line where the current field started */
	int field_quoted;
	Buf rec;         /* the current record's cells, each followed by a NUL */
	size_t cell_start;
	int ncells;
	size_t off[SHEET_MAX_CELLS];
	const char *cells[SHEET_MAX_CELLS];
	char *conv;      /* Windows-1252 input converted to UTF-8, 3 bytes per byte at most */
} Reader;

/* Where the bytes come from: a file descriptor or a memory buffer, one chunk at a time. */
typedef struct Source {
	int fd;           /* -1: memory */
	const char *data; /* memory: all of it; file: the chunk buffer */
	size_t size;      /* memory: the size of data */
	size_t pos, len;  /* the current chunk is data[pos .. pos+len) */
} Source;

/* Windows-1252 0x80-0x9F as Unicode; 0 marks the five bytes it leaves undefined. 0xA0-0xFF
** are Latin-1, so the code point is the byte itself. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static size_t utf8_cut_tail(const char *p, size_t n);

/* Writes "Linje N: " (when line > 0) and the message into err, never ending in half a
** character when it has to be cut short. */
__attribute__((format(printf, 4, 0))) static void vmessage(char *err, size_t errlen, long line,
                                                           const char *fmt, va_list ap)
{
	if (!err || errlen == 0)
		return;
	size_t n = 0;
	if (line > 0) {
		int k = snprintf(err, errlen, _("Linje %ld: "), line);
		n = k > 0 && (size_t)k < errlen ? (size_t)k : errlen - 1;
	}
	vsnprintf(err + n, errlen - n, fmt, ap);
	size_t len = strlen(err);
	err[len - utf8_cut_tail(err, len)] = 0;
}

ATTR_PRINTF(4, 5) static void message(char *err, size_t errlen, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(err, errlen, line, fmt, ap);
	va_end(ap);
}

/* Stops the reading: the message for the line, and -1. */
ATTR_PRINTF(3, 4) static int fail(Reader *r, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(r->err, r->errlen, line, fmt, ap);
	va_end(ap);
	return -1;
}

static void set_encoding(Reader *r, int enc)
{
	r->enc = enc;
	const char *name = enc == ENC_CP1252 ? "Windows-1252" : enc == ENC_UTF8_BOM ? "UTF-8 med BOM" : "UTF-8";
	snprintf(r->info->encoding, sizeof r->info->encoding, "%s", name);
}

/* ---- records ---- */

/* Appends to the current cell; the Buf's own functions only when it must grow, since this
** runs for every field. */
static inline int cell_append(Reader *r, const char *p, size_t n)
{
	Buf *b = &r->rec;
	if (b->len - r->cell_start + n > SHEET_MAX_CELL_BYTES)
		return fail(r, r->field_line, _("feltet er længere end %d tegn."), SHEET_MAX_CELL_BYTES);
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	} else {
		buf_append(b, p, n);
	}
	return 0;
}

static inline int field_end(Reader *r)
{
	Buf *b = &r->rec;
	if (r->ncells == SHEET_MAX_CELLS)
		return fail(r, r->rec_line, _("rækken har mere end %d kolonner."), SHEET_MAX_CELLS);
	if (b->len + 1 < b->cap)
		b->data[b->len++] = 0;
	else
		buf_putc(b, 0);
	r->off[r->ncells++] = r->cell_start;
	r->cell_start = r->rec.len;
	return 0;
}

/* Ends the field and the record; hands the record on unless the line was empty. `cr`: the
** record ended with a CR, so a LF right after it belongs to the same line break. */
static int record_end(Reader *r, int cr)
{
	int rc = field_end(r);
	if (rc)
		return rc;
	if (r->ncells > 1 || r->field_quoted || r->rec.len > 1) {
		for (int i = 0; i < r->ncells; i++)
			r->cells[i] = r->rec.data + r->off[i];
		r->info->rows++;
		rc = r->fn(r->ctx, r->rec_line, r->ncells, r->cells);
	}
	r->ncells = 0;
	r->cell_start = 0;
	buf_reset(&r->rec);
	r->line++;
	r->rec_line = r->line;
	r->state = cr ? ST_CR : ST_FIELD_START;
	return rc;
}

/*
** The RFC 4180 state machine over valid UTF-8 without NUL bytes. It stops only at the bytes
** that matter (separator, quote, CR, LF) and copies the runs between them in one go, and it
** resumes where the previous chunk left off. Returns 0, -1 on bad input, or the RowFn's value.
*/
static int parse(Reader *r, const char *p, size_t n)
{
	const char *end = p + n;
	const unsigned char *stop_unquoted = r->stop_unquoted, *stop_quoted = r->stop_quoted;
	const char sep = r->sep;
	int rc;
	while (p < end) {
		switch (r->state) {
		case ST_CR:
			r->state = ST_FIELD_START;
			if (*p == '\n') {
				p++;
				continue;
			}
			/* fall through */
		case ST_FIELD_START:
			r->field_line = r->line;
			if (*p == '"') {
				r->field_quoted = 1;
				r->state = ST_QUOTED;
				p++;
				continue;
			}
			r->field_quoted = 0;
			r->state = ST_UNQUOTED;
			/* fall through */
		case ST_UNQUOTED: {
			const char *q = p;
			while (q < end && !stop_unquoted[(unsigned char)*q])
				q++;
			if (q > p && (rc = cell_append(r, p, (size_t)(q - p))) != 0)
				return rc;
			if (q == end)
				return 0;
			p = q + 1;
			if (*q == sep) {
				if ((rc = field_end(r)) != 0)
					return rc;
				r->state = ST_FIELD_START;
			} else if ((rc = record_end(r, *q == '\r')) != 0) {
				return rc;
			}
			continue;
		}
		case ST_QUOTED: {
			const char *q = p;
			for (;;) {
				while (q < end && !stop_quoted[(unsigned char)*q])
					q++;
				if (q == end || *q == '"')
					break;
				r->line++; /* a LF inside the field */
				q++;
			}
			if (q > p && (rc = cell_append(r, p, (size_t)(q - p))) != 0)
				return rc;
			if (q == end)
				return 0;
			p = q + 1;
			r->state = ST_QUOTE;
			continue;
		}
		case ST_QUOTE: {
			char c = *p++;
			if (c == '"') {
				if ((rc = cell_append(r, "\"", 1)) != 0)
					return rc;
				r->state = ST_QUOTED;
			} else if (c == sep) {
				if ((rc = field_end(r)) != 0)
					return rc;
				r->state = ST_FIELD_START;
			} else if (c == '\n' || c == '\r') {
				if ((rc = record_end(r, c == '\r')) != 0)
					return rc;
			} else {
				return fail(r, r->line,
				            _("der står tegn efter det afsluttende anførselstegn i et felt. Et felt i "
				              "anførselstegn skal slutte lige efter anførselstegnet, og anførselstegn "
				              "inde i feltet skal skrives dobbelt (\"\")."));
			}
			continue;
		}
		}
	}
	return 0;
}

/* End of input: the last record may lack its line break; an open quote is an error. */
static int parse_finish(Reader *r)
{
	switch (r->state) {
	case ST_QUOTED:
		return fail(r, r->field_line,
		            _("et felt begynder med et anførselstegn (\"), men det afsluttende anførselstegn "
		              "mangler."));
	case ST_FIELD_START:
		/* a record that ended with a separator still needs its last, empty field */
		return r->ncells > 0 ? record_end(r, 0) : 0;
	case ST_UNQUOTED:
	case ST_QUOTE:
		return record_end(r, 0);
	default:
		return 0;
	}
}

/* ---- separator ---- */

/*
** The separator is the one of ';' ',' and tab that occurs most often outside quotes in the
** first record (the header); ties go to ';' (the Danish Excel default), then ',', then tab.
** Before the separator is known, a quote opens a quoted field at the start of the record or
** after any of the three.
*/
static char detect_separator(const char *p, size_t n)
{
	size_t i = 0, semi = 0, comma = 0, tab = 0;
	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	int quoted = 0, field_start = 1;
	for (; i < n; i++) {
		char c = p[i];
		if (quoted) {
			if (c == '"') {
				if (i + 1 < n && p[i + 1] == '"')
					i++;
				else
					quoted = 0;
			}
			continue;
		}
		if (c == '\r' || c == '\n')
			break;
		if (c == '"' && field_start) {
			quoted = 1;
			field_start = 0;
			continue;
		}
		field_start = c == ';' || c == ',' || c == '\t';
		semi += c == ';';
		comma += c == ',';
		tab += c == '\t';
	}
	if (semi >= comma && semi >= tab)
		return ';';
	return comma >= tab ? ',' : '\t';
}

static void set_separator(Reader *r, char sep)
{
	r->sep = sep;
	r->info->separator = sep;
	memset(r->stop_unquoted, 0, sizeof r->stop_unquoted);
	memset(r->stop_quoted, 0, sizeof r->stop_quoted);
	r->stop_unquoted[(unsigned char)sep] = 1;
	r->stop_unquoted['\n'] = 1;
	r->stop_unquoted['\r'] = 1;
	r->stop_quoted['"'] = 1;
	r->stop_quoted['\n'] = 1;
}

/* ---- encodings ---- */

static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* How many bytes at the end of p[0..n) begin a multi-byte sequence that the chunk cuts off. */
static size_t utf8_cut_tail(const char *p, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = (unsigned char)p[n - k];
		if (c < 0x80)
			return 0;
		if (c >= 0xC0)
			return utf8_seq_len(c) > k ? k : 0;
	}
	return 0;
}

/* Offset of the first NUL byte or invalid sequence in p[0..n) (utf8_valid only says whether). */
static size_t utf8_first_bad(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t len = utf8_seq_len((unsigned char)p[i]);
		if (len == 0 || len > n - i || !utf8_valid(p + i, len))
			return i;
		i += len;
	}
	return n;
}

/* Whether p[0..n) is UTF-8, NUL bytes aside (they are refused later, whatever the encoding). */
static int utf8_sniff(const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nul = memchr(p, 0, (size_t)(end - p));
		const char *stop = nul ? nul : end;
		if (!utf8_valid(p, (size_t)(stop - p)))
			return 0;
		p = nul ? nul + 1 : end;
	}
	return 1;
}

static size_t first_non_ascii(const char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080u)
			break;
	}
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	return i;
}

static int fail_nul(Reader *r)
{
	return fail(r, r->line,
	            _("filen indeholder et NUL-tegn (byte 0), så den er ikke en almindelig tekstfil. Gem "
	              "den igen som CSV fra regnearket eller fagsystemet."));
}

/* Whether 8 bytes are ASCII without a NUL (the classic "has a zero byte" test). */
static inline int word_plain(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t zero = (w - 0x0101010101010101u) & ~w;
	return ((w | zero) & 0x8080808080808080u) == 0;
}

/*
** utf8_valid, with plain ASCII skipped 8 bytes at a time: only the stretches around other
** bytes go through utf8_valid. A stretch ends where 8 ASCII bytes follow, which is always
** between two sequences, so it is checked whole.
*/
static int utf8_valid_fast(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i + 8 <= n && word_plain(p + i))
			i += 8;
		if (i + 8 > n)
			return utf8_valid(p + i, n - i);
		size_t j = i + 8;
		while (j + 8 <= n && !word_plain(p + j))
			j += 8;
		if (j + 8 > n)
			j = n;
		if (!utf8_valid(p + i, j - i))
			return 0;
		i = j;
	}
	return 1;
}

/* Parses p[0..n) as UTF-8; a sequence the chunk cuts off is left for the next chunk. */
static int process_utf8(Reader *r, const char *p, size_t n, int eof, size_t *used)
{
	size_t m = eof ? n : n - utf8_cut_tail(p, n);
	*used = m;
	if (utf8_valid_fast(p, m))
		return parse(r, p, m);
	size_t bad = utf8_first_bad(p, m);
	int rc = parse(r, p, bad);
	if (rc)
		return rc;
	if (p[bad] == 0)
		return fail_nul(r);
	return fail(r, r->line,
	            _("filen er gemt som UTF-8, men her står et tegn, der ikke er gyldigt UTF-8. Gem "
	              "filen igen som \"CSV UTF-8\" og prøv igen."));
}

/* Converts p[0..n) from Windows-1252 to UTF-8 and parses it. */
static int process_cp1252(Reader *r, const char *p, size_t n, size_t *used)
{
	if (!r->conv)
		r->conv = xmalloc(3 * CSV_CHUNK);
	unsigned char *o = (unsigned char *)r->conv;
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	for (; i < n; i++) {
		unsigned c = s[i];
		if (c - 1u < 0x7Fu) {
			*o++ = (unsigned char)c;
			continue;
		}
		unsigned cp = c >= 0xA0 ? c : c >= 0x80 ? cp1252_high[c - 0x80] : 0;
		if (cp == 0)
			break;
		if (cp < 0x800) {
			*o++ = (unsigned char)(0xC0 | cp >> 6);
		} else {
			*o++ = (unsigned char)(0xE0 | cp >> 12);
			*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		}
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*used = n;
	int rc = parse(r, r->conv, (size_t)((char *)o - r->conv));
	if (rc || i == n)
		return rc;
	if (s[i] == 0)
		return fail_nul(r);
	return fail(r, r->line,
	            _("filen indeholder et tegn (byte 0x%02X), som ikke findes i tegnsættet Windows-1252. "
	              "Gem filen igen som \"CSV UTF-8\" og prøv igen."),
	            s[i]);
}

/*
** One chunk: p[0..n), `eof` when no more input follows. The first chunk settles the BOM and the
** separator. As long as everything is ASCII the encoding is left open; the first chunk with
** another byte decides it: UTF-8 when the rest of that chunk is valid UTF-8, else Windows-1252.
** Sets *used to the bytes consumed; the rest (a cut-off UTF-8 sequence) starts the next chunk.
*/
static int process(Reader *r, const char *p, size_t n, int eof, size_t *used)
{
	size_t skip = 0;
	*used = 0;
	if (r->first_chunk) {
		r->first_chunk = 0;
		const unsigned char *u = (const unsigned char *)p;
		if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
			return fail(r, 0,
			            _("Filen er gemt som UTF-16 (\"Unicode-tekst\"), som ikke kan læses. Gem den "
			              "igen som \"CSV UTF-8\" eller \"CSV (semikolonsepareret)\"."));
		if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
			skip = 3;
			set_encoding(r, ENC_UTF8_BOM);
		}
		set_separator(r, detect_separator(p + skip, n - skip));
	}
	p += skip;
	n -= skip;
	int rc;
	if (r->enc == ENC_PENDING) {
		size_t k = first_non_ascii(p, n);
		if (k < n) {
			size_t tail = eof ? 0 : utf8_cut_tail(p + k, n - k);
			if (tail == n - k) {
				/* Only the start of one sequence: decide when the rest of it has come. */
				rc = process_utf8(r, p, k, 1, used);
				*used += skip;
				return rc;
			}
			set_encoding(r, utf8_sniff(p + k, n - k - tail) ? ENC_UTF8 : ENC_CP1252);
		}
	}
	if (r->enc == ENC_CP1252)
		rc = process_cp1252(r, p, n, used);
	else
		rc = process_utf8(r, p, n, eof, used);
	*used += skip;
	return rc;
}

/* ---- input ---- */

/* Makes the next chunk current: the `keep` unconsumed bytes at the end of the current chunk,
** then new input, CSV_CHUNK bytes in all unless the input ends first (*eof). */
static int source_next(Source *s, size_t keep, const char **p, size_t *n, int *eof, char *err,
                       size_t errlen)
{
	if (s->fd < 0) {
		s->pos += s->len - keep;
		s->len = s->size - s->pos < CSV_CHUNK ? s->size - s->pos : CSV_CHUNK;
		*p = s->data + s->pos;
		*n = s->len;
		*eof = s->len < CSV_CHUNK;
		return 0;
	}
	char *buf = (char *)s->data;
	memmove(buf, buf + s->len - keep, keep);
	s->len = keep;
	*eof = 0;
	while (s->len < CSV_CHUNK) {
		ssize_t got = read(s->fd, buf + s->len, CSV_CHUNK - s->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			message(err, errlen, 0, _("Filen kan ikke læses: %s."), strerror(errno));
			return -1;
		}
		if (got == 0) {
			*eof = 1;
			break;
		}
		s->len += (size_t)got;
	}
	*p = buf;
	*n = s->len;
	return 0;
}

static int csv_read(Source *s, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	SheetInfo local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof *info);
	snprintf(info->format, sizeof info->format, "csv");
	if (err && errlen)
		err[0] = 0;

	Reader *r = xcalloc(1, sizeof *r);
	r->fn = fn;
	r->ctx = ctx;
	r->info = info;
	r->err = err;
	r->errlen = errlen;
	r->first_chunk = 1;
	r->line = r->rec_line = r->field_line = 1;
	r->state = ST_FIELD_START;
	buf_init(&r->rec, CSV_RECORD_LIMIT);
	set_encoding(r, ENC_PENDING);
	set_separator(r, ';');

	int rc = 0;
	size_t keep = 0;
	for (;;) {
		const char *p;
		size_t n, used;
		int eof;
		if (source_next(s, keep, &p, &n, &eof, err, errlen) != 0) {
			rc = -1;
			break;
		}
		if ((rc = process(r, p, n, eof, &used)) != 0 || eof)
			break;
		keep = n - used;
	}
	if (rc == 0)
		rc = parse_finish(r);
	buf_free(&r->rec);
	free(r->conv);
	free(r);
	return rc;
}

/*
** Reads the CSV file at path and hands each non-empty record to fn. Returns 0 at the end of
** the file, -1 with a message in err when the file cannot be read or is not valid CSV, or the
** non-zero value fn returned to stop. info describes the file (its encoding is final once the
** reader returns); records handed on before an error stand.
*/
int csv_read_file(const char *path, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (info) {
			memset(info, 0, sizeof *info);
			snprintf(info->format, sizeof info->format, "csv");
		}
		if (e == ENOENT)
			message(err, errlen, 0, _("Filen %s findes ikke."), path);
		else if (e == EACCES)
			message(err, errlen, 0, _("Der er ikke adgang til at læse filen %s."), path);
		else
			message(err, errlen, 0, _("Filen %s kan ikke åbnes: %s."), path, strerror(e));
		return -1;
	}
	char *buf = xmalloc(CSV_CHUNK);
	Source s = {.fd = fd, .data = buf};
	int rc = csv_read(&s, info, fn, ctx, err, errlen);
	free(buf);
	close(fd);
	return rc;
}

/* The same as csv_read_file for n bytes in memory (uploads, tests, the fuzzer). */
int csv_read_mem(const char *data, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	Source s = {.fd = -1, .data = data ? data : "", .size = data ? n : 0};
	return csv_read(&s, info, fn, ctx, err, errlen);
}
