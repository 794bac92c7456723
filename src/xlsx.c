/*
** xlsx.c: a streaming reader of the first worksheet of an Excel workbook (.xlsx), for case
** lists and filled-in answer sheets, or of the worksheet with a given name (the hidden sheet
** in which the registration sheet carries its revisions). An .xlsx file is a zip archive of
** XML parts; we find the sheet the way Excel does (package relationships -> workbook -> its
** relationships -> sheet part), load the shared strings and the cell styles (to tell dates
** from numbers), and then feed the sheet part to expat in chunks, handing each row to a
** RowFn as it is completed. Only the shared strings are held in memory.
**
** The files come from users and from the web, so the reader is defensive: it refuses zip
** bombs (too many entries, entries that claim or turn out to unpack to too much, or that are
** compressed suspiciously hard), XML bombs (any DOCTYPE, deep nesting) and oversized cells,
** and it says in Danish what was wrong and where.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_MAX_ENTRIES 10000
#define XLSX_MAX_ENTRY_BYTES ((zip_uint64_t)512 << 20)
#define XLSX_RATIO_FROM_BYTES ((zip_uint64_t)16 << 20) /* small entries may compress well */
#define XLSX_MAX_RATIO 200
#define XLSX_MAX_TOTAL_BYTES ((zip_uint64_t)1 << 30)
#define XLSX_MAX_SHARED_STRINGS 1000000
#define XLSX_MAX_SHARED_BYTES ((size_t)256 << 20)
#define XLSX_MAX_DEPTH 64
/* Expat holds a token (a tag with its attributes, a comment) in memory until it is whole;
** text is handed on in pieces. A token this long is refused rather than buffered. */
#define XLSX_MAX_TOKEN ((zip_uint64_t)16 << 20)
#define XLSX_MAX_XFS (1 << 20)    /* cell styles remembered; later ones count as plain numbers */
#define XLSX_MAX_NUMFMTS 65536    /* custom number formats remembered */
#define XLSX_MAX_PATH 1024
#define XLSX_CHUNK 65536
/* A cell's raw text may shrink when _xHHHH_ escapes are decoded (7 bytes -> 1), so the raw
** text is allowed to be longer than the limit on the decoded text; the decoded one is checked. */
#define XLSX_MAX_RAW_CELL (8 * SHEET_MAX_CELL_BYTES)
/* Excel's largest date (9999-12-31) as a serial, in the 1900 and the 1904 date system. */
#define XLSX_MAX_SERIAL_1900 2958465
#define XLSX_MAX_SERIAL_1904 2957003

#define NOT_XLSX "Filen er ikke en gyldig Excel-fil (xlsx)"

typedef struct Reader Reader;
typedef void (*StartFn)(Reader *r, const char *name, const char **atts);
typedef void (*EndFn)(Reader *r, const char *name);
typedef void (*TextFn)(Reader *r, const char *s, int len);

enum cell_type { CELL_NUMBER, CELL_SHARED, CELL_INLINE, CELL_STR, CELL_BOOL, CELL_ERROR, CELL_DATE };

typedef struct NumFmt {
	unsigned id;
	int is_date;
} NumFmt;

struct Reader {
	zip_t *zip;
	char *err;
	size_t errlen;
	int stop;               /* an error, or the RowFn asked to stop */
	int rc;                 /* what to return once stopped */
	zip_uint64_t inflated;  /* bytes decompressed so far, all parts together */

	/* The part being parsed. */
	XML_Parser parser;
	int parsing;            /* inside XML_ParseBuffer: XML_StopParser may be called */
	const char *part;
	int depth;
	long long event_at;     /* where in the part the latest parser callback began */
	StartFn on_start;
	EndFn on_end;
	TextFn on_text;

	/* Package and workbook: where the parts are. */
	char workbook_path[XLSX_MAX_PATH];
	char sheet_path[XLSX_MAX_PATH];
	char strings_path[XLSX_MAX_PATH];
	char styles_path[XLSX_MAX_PATH];
	char sheet_rid[256];
	char sheet_name[256];
	const char *want_sheet; /* read the sheet of this name; NULL: the first */
	int found_sheet;
	int sheet_is_chart;
	int date1904;

	/* Shared strings: NUL-terminated texts one after another in strings, found by offset. */
	Buf strings;
	size_t *string_off;
	size_t nstrings, strings_cap;
	int si_depth, t_depth, rph_depth; /* depth of the open element, 0 when not open */
	size_t t_start;

	/* Styles: for each cell style (cellXfs index), its number format, then whether it is a date. */
	unsigned *xf_fmt;
	size_t nxf, xf_cap;
	unsigned char *xf_date;
	NumFmt *numfmt;
	size_t nnumfmt, numfmt_cap;
	int cellxfs_depth, numfmts_depth;

	/* The sheet. */
	RowFn fn;
	void *ctx;
	SheetInfo *info;
	int sheetdata_depth, row_depth, cell_depth, v_depth, is_depth;
	long row, prev_row;
	long col, prev_col;
	enum cell_type cell_type;
	long cell_style;
	Buf text;               /* the cell being read */
	Buf row_text;           /* the row's cells, NUL-terminated, one after another */
	size_t col_off[SHEET_MAX_CELLS];
	unsigned char col_set[SHEET_MAX_CELLS];
	int ncols;              /* last non-empty column + 1 */
	const char *cells[SHEET_MAX_CELLS];
};

/* ---- messages ---- */

/* Cuts a message that snprintf truncated back to whole UTF-8 characters. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s);
	size_t i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && ((unsigned char)s[i - 1] & 0x80)) {
		unsigned c = (unsigned char)s[i - 1];
		size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (n - (i - 1) < want)
			s[i - 1] = 0;
	}
}

/* Records the first error, stops the parse, and makes the reader return -1. */
ATTR_PRINTF(2, 3) static void fail(Reader *r, const char *fmt, ...)
{
	if (r->stop)
		return;
	r->stop = 1;
	r->rc = -1;
	if (r->err && r->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
		trim_partial_utf8(r->err);
	}
	if (r->parser && r->parsing)
		XML_StopParser(r->parser, XML_FALSE);
}

/* Copies untrusted text into a message: printable ASCII only, at most 24 characters. */
static const char *safe_text(char out[32], const char *s)
{
	size_t i = 0;
	for (; s[i] && i < 24; i++)
		out[i] = s[i] > ' ' && s[i] < 127 ? s[i] : '?';
	if (s[i] && i < 28)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = 0;
	return out;
}

/* "C5" for column index 2, row 5. */
static const char *cell_name(char out[32], long col, long row)
{
	char letters[16];
	int n = 0;
	for (long c = col + 1; c > 0 && n < 15; c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	int k = 0;
	while (n > 0)
		out[k++] = letters[--n];
	snprintf(out + k, (size_t)(32 - k), "%ld", row);
	return out;
}

static const char *cur_cell(Reader *r, char out[32])
{
	return cell_name(out, r->col, r->row);
}

/* ---- XML plumbing shared by all parts ---- */

/* With namespace processing, expat names are "uri|local"; parts are matched by local name,
** so both Transitional and Strict OOXML (and any prefix) work. */
static const char *local_name(const char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

/* The attribute with this local name: without a namespace, or (want_ns) with one, as r:id. */
static const char *attr(const char **atts, const char *name, int want_ns)
{
	for (int i = 0; atts[i]; i += 2) {
		int has_ns = strchr(atts[i], '|') != NULL;
		if (has_ns == want_ns && strcmp(local_name(atts[i]), name) == 0)
			return atts[i + 1];
	}
	return NULL;
}

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	Reader *r = ud;
	r->event_at = XML_GetCurrentByteIndex(r->parser);
	if (r->stop)
		return;
	if (++r->depth > XLSX_MAX_DEPTH) {
		fail(r, _("Filen er afvist: XML'en i %s er indlejret mere end %d niveauer dybt "
		          "(mulig XML-bombe)."), r->part, XLSX_MAX_DEPTH);
		return;
	}
	if (r->on_start)
		r->on_start(r, local_name(name), atts);
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
	Reader *r = ud;
	r->event_at = XML_GetCurrentByteIndex(r->parser);
	if (r->stop)
		return;
	if (r->on_end)
		r->on_end(r, local_name(name));
	r->depth--;
}

static void XMLCALL xml_text(void *ud, const XML_Char *s, int len)
{
	Reader *r = ud;
	r->event_at = XML_GetCurrentByteIndex(r->parser);
	if (!r->stop && r->on_text)
		r->on_text(r, s, len);
}

/* Everything else (comments, white space outside the root, ...): only marks progress. */
static void XMLCALL xml_other(void *ud, const XML_Char *s, int len)
{
	Reader *r = ud;
	(void)s, (void)len;
	r->event_at = XML_GetCurrentByteIndex(r->parser);
}

/* Excel never writes a DOCTYPE; refusing it outright rules out entity expansion bombs
** (billion laughs) and external entities, whatever expat's own limits are. */
static void XMLCALL xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                                const XML_Char *pubid, int has_internal_subset)
{
	Reader *r = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	fail(r, _("Filen er afvist: %s indeholder en DOCTYPE-erklæring, som Excel-filer ikke "
	          "bruger (mulig XML-bombe)."), r->part);
}

static void XMLCALL xml_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                               int value_len, const XML_Char *base, const XML_Char *sysid,
                               const XML_Char *pubid, const XML_Char *notation)
{
	Reader *r = ud;
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
	(void)pubid, (void)notation;
	fail(r, _("Filen er afvist: %s erklærer XML-entiteter, som Excel-filer ikke bruger "
	          "(mulig XML-bombe)."), r->part);
}

static int zip_err_is_password(int code)
{
	return code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP;
}

static zip_int64_t entry_index(Reader *r, const char *name)
{
	if (!*name)
		return -1;
	/* Part names in a package are case-insensitive. */
	return zip_name_locate(r->zip, name, ZIP_FL_NOCASE);
}

/*
** Streams one zip entry through expat with the given handlers, counting what is
** decompressed as it goes (the sizes in the zip headers may lie). Returns 0 when the part
** was parsed, 1 when it does not exist, -1 when stopped (error or RowFn).
*/
static int parse_part(Reader *r, const char *name, StartFn on_start, EndFn on_end, TextFn on_text)
{
	zip_int64_t idx = entry_index(r, name);
	if (idx < 0)
		return 1;
	zip_stat_t st;
	zip_uint64_t packed = 0;
	if (zip_stat_index(r->zip, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_COMP_SIZE))
		packed = st.comp_size;

	zip_file_t *zf = zip_fopen_index(r->zip, (zip_uint64_t)idx, 0);
	if (!zf) {
		zip_error_t *ze = zip_get_error(r->zip);
		if (zip_err_is_password(zip_error_code_zip(ze)))
			fail(r, _("Filen er beskyttet med adgangskode. Gem den uden adgangskode, og prøv igen."));
		else
			fail(r, _(NOT_XLSX ": %s kan ikke pakkes ud (%s)."), name, zip_error_strerror(ze));
		return -1;
	}

	XML_Parser p = XML_ParserCreateNS(NULL, '|');
	if (!p)
		fatal("out of memory (expat)");
	XML_SetUserData(p, r);
	XML_SetElementHandler(p, xml_start, xml_end);
	XML_SetCharacterDataHandler(p, xml_text);
	XML_SetDefaultHandlerExpand(p, xml_other);
	XML_SetStartDoctypeDeclHandler(p, xml_doctype);
	XML_SetEntityDeclHandler(p, xml_entity);
	r->parser = p;
	r->part = name;
	r->depth = 0;
	r->event_at = 0;
	r->on_start = on_start;
	r->on_end = on_end;
	r->on_text = on_text;

	zip_uint64_t unpacked = 0;
	while (!r->stop) {
		void *chunk = XML_GetBuffer(p, XLSX_CHUNK);
		if (!chunk)
			fatal("out of memory (expat)");
		zip_int64_t n = zip_fread(zf, chunk, XLSX_CHUNK);
		if (n < 0) {
			zip_error_t *ze = zip_file_get_error(zf);
			fail(r, _(NOT_XLSX ": %s er beskadiget (%s)."), name, zip_error_strerror(ze));
			break;
		}
		unpacked += (zip_uint64_t)n;
		r->inflated += (zip_uint64_t)n;
		if (r->inflated > XLSX_MAX_TOTAL_BYTES) {
			fail(r, _("Filen er afvist: den fylder mere end 1 GB, når den pakkes ud (mulig zip-bombe)."));
			break;
		}
		if (unpacked > XLSX_MAX_ENTRY_BYTES) {
			fail(r, _("Filen er afvist: %s fylder mere end 512 MB, når den pakkes ud "
			          "(mulig zip-bombe)."), name);
			break;
		}
		if (unpacked > XLSX_RATIO_FROM_BYTES && unpacked / XLSX_MAX_RATIO > packed) {
			fail(r, _("Filen er afvist: %s er pakket mistænkeligt hårdt sammen, mere end %d gange "
			          "(mulig zip-bombe)."), name, XLSX_MAX_RATIO);
			break;
		}
		r->parsing = 1;
		enum XML_Status status = XML_ParseBuffer(p, (int)n, n == 0);
		r->parsing = 0;
		if (status == XML_STATUS_ERROR && !r->stop)
			fail(r, _(NOT_XLSX ": fejl i XML'en i %s, linje %lu: %s."), name,
			     (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
		if (!r->stop && r->event_at >= 0 && unpacked - (zip_uint64_t)r->event_at > XLSX_MAX_TOKEN)
			fail(r, _("Filen er afvist: %s indeholder et XML-element på mere end 16 MB."), name);
		if (n == 0)
			break;
	}
	XML_ParserFree(p);
	r->parser = NULL;
	r->on_start = NULL;
	r->on_end = NULL;
	r->on_text = NULL;
	zip_fclose(zf);
	return r->stop ? -1 : 0;
}

/* ---- paths inside the package ---- */

/*
** Resolves a relationship target against the directory of the part that holds the
** relationship ("xl/"): "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml",
** "/xl/worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml", with "." and ".." and %XX
** handled. Returns 0 when the target cannot be a part name (out is then undefined).
*/
static int resolve_into(char out[XLSX_MAX_PATH], const char *base_dir, const char *target)
{
	char joined[XLSX_MAX_PATH];
	size_t n = 0;
	if (target[0] != '/') {
		size_t b = strlen(base_dir);
		if (b >= sizeof joined)
			return 0;
		memcpy(joined, base_dir, b);
		n = b;
	}
	for (const char *s = target; *s; s++) {
		char c = *s;
		if (c == '%' && hex_value(s[1]) >= 0 && hex_value(s[2]) >= 0) {
			c = (char)(hex_value(s[1]) * 16 + hex_value(s[2]));
			s += 2;
		}
		if (c == 0 || n + 1 >= sizeof joined)
			return 0;
		joined[n++] = c;
	}
	joined[n] = 0;

	/* Split on '/', drop "" and ".", let ".." remove the previous segment. */
	size_t len = 0;
	char *save = NULL;
	out[0] = 0;
	for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (len == 0)
				return 0;
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = 0;
			continue;
		}
		size_t sl = strlen(seg);
		if (len + (len > 0) + sl + 1 > XLSX_MAX_PATH)
			return 0;
		if (len > 0)
			out[len++] = '/';
		memcpy(out + len, seg, sl + 1);
		len += sl;
	}
	return len > 0 && utf8_valid(out, len); /* %XX may have made bytes that are no text */
}

/* The same, leaving out empty when the target is no good. */
static int resolve_target(char out[XLSX_MAX_PATH], const char *base_dir, const char *target)
{
	if (resolve_into(out, base_dir, target))
		return 1;
	out[0] = 0;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void copy_str(char *out, size_t size, const char *s)
{
	snprintf(out, size, "%s", s);
}

/* _rels/.rels: the package's main part is the workbook (normally xl/workbook.xml). */
static void package_rels_start(Reader *r, const char *name, const char **atts)
{
	if (strcmp(name, "Relationship") != 0 || r->workbook_path[0])
		return;
	const char *type = attr(atts, "Type", 0), *target = attr(atts, "Target", 0);
	const char *mode = attr(atts, "TargetMode", 0);
	if (type && target && ends_with(type, "/officeDocument") && !str_eq(mode, "External"))
		resolve_target(r->workbook_path, "", target);
}

/* xl/workbook.xml: the first <sheet> (or the first of the wanted name) is the one we read;
** workbookPr tells the date system. */
static void workbook_start(Reader *r, const char *name, const char **atts)
{
	if (strcmp(name, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904", 0);
		r->date1904 = str_eq(v, "1") || str_eq(v, "true");
	} else if (strcmp(name, "sheet") == 0 && !r->found_sheet) {
		const char *sheet_name = attr(atts, "name", 0), *rid = attr(atts, "id", 1);
		if (r->want_sheet && !str_eq(sheet_name, r->want_sheet))
			return;
		r->found_sheet = 1;
		copy_str(r->sheet_name, sizeof r->sheet_name, sheet_name ? sheet_name : "");
		copy_str(r->sheet_rid, sizeof r->sheet_rid, rid ? rid : "");
	}
}

/* The workbook's relationships: the first sheet's part, the shared strings and the styles. */
static void workbook_rels_start(Reader *r, const char *name, const char **atts)
{
	if (strcmp(name, "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id", 0), *type = attr(atts, "Type", 0);
	const char *target = attr(atts, "Target", 0), *mode = attr(atts, "TargetMode", 0);
	if (!id || !type || !target || str_eq(mode, "External"))
		return;
	char dir[XLSX_MAX_PATH];
	copy_str(dir, sizeof dir, r->workbook_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[1] = 0;
	else
		dir[0] = 0;
	if (strcmp(id, r->sheet_rid) == 0 && !r->sheet_path[0]) {
		resolve_target(r->sheet_path, dir, target);
		r->sheet_is_chart = ends_with(type, "/chartsheet");
	} else if (ends_with(type, "/sharedStrings") && !r->strings_path[0]) {
		resolve_target(r->strings_path, dir, target);
	} else if (ends_with(type, "/styles") && !r->styles_path[0]) {
		resolve_target(r->styles_path, dir, target);
	}
}

/* ---- text ---- */

static size_t utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The UTF-16 unit of an _xHHHH_ escape at s (n bytes left), or -1. */
static long escape_at(const char *s, size_t n)
{
	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	long v = 0;
	for (int i = 2; i < 6; i++) {
		int h = hex_value((unsigned char)s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
** Decodes OOXML's _xHHHH_ escapes in place (Excel writes a carriage return in a cell as
** _x000D_ and a literal "_x" as _x005F_x). The result is never longer than the input.
** Returns the new length. NUL and lone surrogates are left as they were.
*/
static size_t decode_escapes(char *s, size_t n)
{
	size_t i = 0, o = 0;
	while (i < n) {
		long u = s[i] == '_' ? escape_at(s + i, n - i) : -1;
		if (u > 0 && (u < 0xD800 || u > 0xDFFF)) {
			o += utf8_put(s + o, (unsigned)u);
			i += 7;
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			long lo = escape_at(s + i + 7, n - i - 7);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				o += utf8_put(s + o, (unsigned)(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)));
				i += 14;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Decodes the escapes in b from offset start on. */
static void buf_decode_escapes(Buf *b, size_t start)
{
	if (b->len <= start)
		return;
	b->len = start + decode_escapes(b->data + start, b->len - start);
	b->data[b->len] = 0;
}

/* ---- shared strings ---- */

static void strings_start(Reader *r, const char *name, const char **atts)
{
	(void)atts;
	if (!r->si_depth) {
		if (strcmp(name, "si") != 0)
			return;
		if (r->nstrings >= XLSX_MAX_SHARED_STRINGS) {
			fail(r, _("Filen er afvist: den indeholder mere end 1.000.000 forskellige tekster."));
			return;
		}
		r->si_depth = r->depth;
		if (r->nstrings == r->strings_cap) {
			r->strings_cap = r->strings_cap ? 2 * r->strings_cap : 1024;
			r->string_off = xrealloc(r->string_off, r->strings_cap * sizeof *r->string_off);
		}
		r->string_off[r->nstrings] = r->strings.len;
	} else if (strcmp(name, "rPh") == 0 && !r->rph_depth) {
		r->rph_depth = r->depth; /* phonetic guide text is not part of the cell's text */
	} else if (strcmp(name, "t") == 0 && !r->rph_depth && !r->t_depth) {
		r->t_depth = r->depth;
		r->t_start = r->strings.len;
	}
}

static void strings_end(Reader *r, const char *name)
{
	(void)name;
	if (r->t_depth == r->depth) {
		buf_decode_escapes(&r->strings, r->t_start);
		r->t_depth = 0;
	} else if (r->rph_depth == r->depth) {
		r->rph_depth = 0;
	} else if (r->si_depth == r->depth) {
		if (r->strings.len + 1 > XLSX_MAX_SHARED_BYTES) {
			fail(r, _("Filen er afvist: dens tekster fylder mere end 256 MB."));
			return;
		}
		buf_append(&r->strings, "", 1);
		r->nstrings++;
		r->si_depth = 0;
	}
}

static void strings_text(Reader *r, const char *s, int len)
{
	if (!r->t_depth)
		return;
	if (r->strings.len + (size_t)len + 1 > XLSX_MAX_SHARED_BYTES) {
		fail(r, _("Filen er afvist: dens tekster fylder mere end 256 MB."));
		return;
	}
	buf_append(&r->strings, s, (size_t)len);
}

/* ---- styles ---- */

/*
** Whether a number format code shows a date: it has d, m or y outside quoted text, [..]
** sections (colours, locales, elapsed time), and characters escaped by \, _ (padding) or
** * (fill). "dd-mm-yyyy" and "[$-406]d. mmmm yyyy" are dates; '#,##0 "dage"' is not.
*/
static int format_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (!p)
				return 0;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (!p)
				return 0;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1])
				p++;
			break;
		default: {
			int c = tolower((unsigned char)*p);
			if (c == 'd' || c == 'm' || c == 'y')
				return 1;
		}
		}
	}
	return 0;
}

static int builtin_is_date(unsigned id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

static long parse_index(const char *s, long max)
{
	if (!s || !*s)
		return -1;
	long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

static void styles_start(Reader *r, const char *name, const char **atts)
{
	if (strcmp(name, "numFmts") == 0 && !r->numfmts_depth) {
		r->numfmts_depth = r->depth;
	} else if (strcmp(name, "cellXfs") == 0 && !r->cellxfs_depth) {
		r->cellxfs_depth = r->depth;
	} else if (strcmp(name, "numFmt") == 0 && r->numfmts_depth == r->depth - 1) {
		long id = parse_index(attr(atts, "numFmtId", 0), 0x7fffffff);
		const char *code = attr(atts, "formatCode", 0);
		if (id < 0 || !code || r->nnumfmt >= XLSX_MAX_NUMFMTS)
			return;
		if (r->nnumfmt == r->numfmt_cap) {
			r->numfmt_cap = r->numfmt_cap ? 2 * r->numfmt_cap : 32;
			r->numfmt = xrealloc(r->numfmt, r->numfmt_cap * sizeof *r->numfmt);
		}
		r->numfmt[r->nnumfmt].id = (unsigned)id;
		r->numfmt[r->nnumfmt].is_date = format_is_date(code);
		r->nnumfmt++;
	} else if (strcmp(name, "xf") == 0 && r->cellxfs_depth == r->depth - 1) {
		if (r->nxf >= XLSX_MAX_XFS)
			return;
		long id = parse_index(attr(atts, "numFmtId", 0), 0x7fffffff);
		if (r->nxf == r->xf_cap) {
			r->xf_cap = r->xf_cap ? 2 * r->xf_cap : 64;
			r->xf_fmt = xrealloc(r->xf_fmt, r->xf_cap * sizeof *r->xf_fmt);
		}
		r->xf_fmt[r->nxf++] = id < 0 ? 0 : (unsigned)id;
	}
}

static void styles_end(Reader *r, const char *name)
{
	(void)name;
	if (r->numfmts_depth == r->depth)
		r->numfmts_depth = 0;
	else if (r->cellxfs_depth == r->depth)
		r->cellxfs_depth = 0;
}

static int numfmt_cmp(const void *a, const void *b)
{
	unsigned x = ((const NumFmt *)a)->id, y = ((const NumFmt *)b)->id;
	return x < y ? -1 : x > y;
}

/* After styles.xml: which cell styles show dates. A custom format may redefine a built-in id. */
static void styles_resolve(Reader *r)
{
	if (r->nnumfmt > 1)
		qsort(r->numfmt, r->nnumfmt, sizeof *r->numfmt, numfmt_cmp);
	r->xf_date = xcalloc(r->nxf ? r->nxf : 1, 1);
	for (size_t i = 0; i < r->nxf; i++) {
		NumFmt key = {r->xf_fmt[i], 0};
		const NumFmt *f = r->nnumfmt ? bsearch(&key, r->numfmt, r->nnumfmt, sizeof key, numfmt_cmp) : NULL;
		r->xf_date[i] = (unsigned char)(f ? f->is_date : builtin_is_date(r->xf_fmt[i]));
	}
}

/* ---- dates ---- */

/*
** An Excel serial date to "yyyy-mm-dd"; the time of day is dropped. In the 1900 system
** serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was (serial 60),
** so from serial 61 on the days are one fewer. In the 1904 system serial 0 is 1904-01-01.
** Returns 0 when the text is not a serial in Excel's range of dates.
*/
static int serial_to_date(const char *text, int date1904, char out[11])
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !(v > -1e7 && v < 1e7)) /* also false for NaN */
		return 0;
	long long day = (long long)v; /* rounds towards zero: make it the floor */
	if ((double)day > v)
		day--;
	if ((v - (double)day) * 86400000.0 >= 86400000.0 - 0.5) /* midnight at Excel's precision */
		day++;
	long long days;
	if (date1904) {
		if (day < 0 || day > XLSX_MAX_SERIAL_1904)
			return 0;
		days = day - 24107;
	} else {
		if (day < 1 || day > XLSX_MAX_SERIAL_1900)
			return 0;
		if (day == 60) {
			memcpy(out, "1900-02-29", 11); /* what Excel shows; not a real date */
			return 1;
		}
		days = day - (day < 60 ? 25568 : 25569);
	}
	int y, m, d;
	date_civil_from_days((long)days, &y, &m, &d);
	const int parts[3] = {y, m, d}, widths[3] = {4, 2, 2};
	char *o = out;
	for (int k = 0; k < 3; k++) {
		if (k)
			*o++ = '-';
		for (int w = widths[k] - 1, rest = parts[k]; w >= 0; w--, rest /= 10)
			o[w] = (char)('0' + rest % 10);
		o += widths[k];
	}
	*o = 0;
	return 1;
}

/* ---- the sheet ---- */

/* "C5" -> column 2 and row 5. Returns 0 when ref is not a cell reference. */
static int parse_ref(const char *ref, long *col, long *row)
{
	long c = 0;
	int letters = 0;
	for (; isalpha((unsigned char)*ref); ref++) {
		if (++letters > 3)
			return 0;
		c = c * 26 + (toupper((unsigned char)*ref) - 'A' + 1);
	}
	if (!letters)
		return 0;
	long rw = parse_index(ref, 1 << 24);
	if (rw < 1)
		return 0;
	*col = c - 1;
	*row = rw;
	return 1;
}

static void sheet_row_start(Reader *r, const char **atts)
{
	const char *rs = attr(atts, "r", 0);
	if (rs) {
		long v = parse_index(rs, 1 << 24);
		if (v < 1) {
			char safe[32];
			if (r->prev_row)
				fail(r, _("Rækken efter række %ld har et ugyldigt rækkenummer (\"%s\")."),
				     r->prev_row, safe_text(safe, rs));
			else
				fail(r, _("Den første række har et ugyldigt rækkenummer (\"%s\")."), safe_text(safe, rs));
			return;
		}
		r->row = v;
	} else {
		r->row = r->prev_row + 1;
	}
	r->row_depth = r->depth;
	r->prev_col = -1;
	r->ncols = 0;
	buf_reset(&r->row_text);
	memset(r->col_set, 0, sizeof r->col_set);
}

static void sheet_cell_start(Reader *r, const char **atts)
{
	const char *ref = attr(atts, "r", 0);
	if (ref) {
		long row;
		if (!parse_ref(ref, &r->col, &row)) {
			char safe[32];
			fail(r, _("Række %ld: en celle har en ugyldig placering (\"%s\")."), r->row,
			     safe_text(safe, ref));
			return;
		}
	} else {
		r->col = r->prev_col + 1;
	}
	const char *t = attr(atts, "t", 0);
	r->cell_type = !t                         ? CELL_NUMBER
	               : strcmp(t, "s") == 0         ? CELL_SHARED
	               : strcmp(t, "inlineStr") == 0 ? CELL_INLINE
	               : strcmp(t, "str") == 0       ? CELL_STR
	               : strcmp(t, "b") == 0         ? CELL_BOOL
	               : strcmp(t, "e") == 0         ? CELL_ERROR
	               : strcmp(t, "d") == 0         ? CELL_DATE
	                                             : CELL_NUMBER;
	r->cell_style = parse_index(attr(atts, "s", 0), XLSX_MAX_XFS);
	r->cell_depth = r->depth;
	buf_reset(&r->text);
	buf_append(&r->text, "", 0); /* buf_reset keeps the old bytes: terminate */
}

static void sheet_start(Reader *r, const char *name, const char **atts)
{
	if (!r->sheetdata_depth) {
		if (strcmp(name, "sheetData") == 0)
			r->sheetdata_depth = r->depth;
	} else if (!r->row_depth) {
		if (strcmp(name, "row") == 0 && r->depth == r->sheetdata_depth + 1)
			sheet_row_start(r, atts);
	} else if (!r->cell_depth) {
		if (strcmp(name, "c") == 0 && r->depth == r->row_depth + 1)
			sheet_cell_start(r, atts);
	} else if (r->depth == r->cell_depth + 1) {
		if (strcmp(name, "v") == 0 && r->cell_type != CELL_INLINE)
			r->v_depth = r->depth;
		else if (strcmp(name, "is") == 0 && r->cell_type == CELL_INLINE)
			r->is_depth = r->depth;
	} else if (r->is_depth && !r->t_depth) {
		if (strcmp(name, "rPh") == 0 && !r->rph_depth)
			r->rph_depth = r->depth;
		else if (strcmp(name, "t") == 0 && !r->rph_depth) {
			r->t_depth = r->depth;
			r->t_start = r->text.len;
		}
	}
}

/* The text of the finished cell, or NULL after an error. */
static const char *cell_value(Reader *r, char date[11])
{
	char name[32];
	const char *text = buf_cstr(&r->text);
	switch (r->cell_type) {
	case CELL_SHARED: {
		long i = parse_index(text, XLSX_MAX_SHARED_STRINGS);
		if (i < 0 || (size_t)i >= r->nstrings) {
			char safe[32];
			fail(r, _("Celle %s: henviser til en tekst (nr. %s), som ikke findes i filen."),
			     cur_cell(r, name), safe_text(safe, text));
			return NULL;
		}
		return r->strings.data + r->string_off[i];
	}
	case CELL_BOOL:
		return str_eq(text, "1") ? "SAND" : str_eq(text, "0") ? "FALSK" : text;
	case CELL_DATE: /* ISO 8601 in the file (Strict OOXML): keep the date */
		if (strlen(text) >= 10 && text[4] == '-' && text[7] == '-') {
			memcpy(date, text, 10);
			date[10] = 0;
			return date;
		}
		return text;
	case CELL_NUMBER:
		if (*text && r->cell_style >= 0 && (size_t)r->cell_style < r->nxf &&
		    r->xf_date[r->cell_style] && serial_to_date(text, r->date1904, date))
			return date;
		return text;
	default:
		return text;
	}
}

static void sheet_cell_end(Reader *r)
{
	char name[32], date[11];
	r->cell_depth = 0;
	r->prev_col = r->col;
	const char *value = cell_value(r, date);
	if (!value || !*value)
		return;
	size_t n = strlen(value);
	if (n > SHEET_MAX_CELL_BYTES) {
		fail(r, _("Celle %s: teksten er for lang (mere end %d bytes)."), cur_cell(r, name),
		     SHEET_MAX_CELL_BYTES);
		return;
	}
	if (r->col >= SHEET_MAX_CELLS) {
		fail(r, _("Celle %s: kolonnen ligger ud over de %d kolonner, der kan læses."),
		     cur_cell(r, name), SHEET_MAX_CELLS);
		return;
	}
	if (!utf8_valid(value, n)) {
		fail(r, _("Celle %s: teksten er ikke gyldig UTF-8."), cur_cell(r, name));
		return;
	}
	/* A cell given twice in a row overwrites the first; the row's text stays bounded. */
	if (r->row_text.len + n + 1 > (size_t)SHEET_MAX_CELLS * (SHEET_MAX_CELL_BYTES + 1)) {
		fail(r, _("Række %ld: rækken indeholder for meget tekst."), r->row);
		return;
	}
	r->col_off[r->col] = r->row_text.len;
	r->col_set[r->col] = 1;
	buf_append(&r->row_text, value, n + 1);
	if (r->col + 1 > r->ncols)
		r->ncols = (int)r->col + 1;
}

static void sheet_row_end(Reader *r)
{
	r->row_depth = 0;
	r->prev_row = r->row;
	if (r->ncols == 0)
		return; /* nothing in it */
	for (int i = 0; i < r->ncols; i++)
		r->cells[i] = r->col_set[i] ? r->row_text.data + r->col_off[i] : "";
	r->info->rows++;
	int rc = r->fn(r->ctx, r->row, r->ncols, r->cells);
	if (rc) {
		r->stop = 1;
		r->rc = rc;
		if (r->parsing)
			XML_StopParser(r->parser, XML_FALSE);
	}
}

static void sheet_end(Reader *r, const char *name)
{
	(void)name;
	if (r->t_depth == r->depth) {
		buf_decode_escapes(&r->text, r->t_start);
		r->t_depth = 0;
	} else if (r->rph_depth == r->depth) {
		r->rph_depth = 0;
	} else if (r->v_depth == r->depth) {
		if (r->cell_type == CELL_STR)
			buf_decode_escapes(&r->text, 0);
		r->v_depth = 0;
	} else if (r->is_depth == r->depth) {
		r->is_depth = 0;
	} else if (r->cell_depth == r->depth) {
		sheet_cell_end(r);
	} else if (r->row_depth == r->depth) {
		sheet_row_end(r);
	} else if (r->sheetdata_depth == r->depth) {
		r->sheetdata_depth = 0;
	}
}

static void sheet_text(Reader *r, const char *s, int len)
{
	if (!r->v_depth && !r->t_depth)
		return;
	if (r->text.len + (size_t)len > XLSX_MAX_RAW_CELL) {
		char name[32];
		fail(r, _("Celle %s: teksten er for lang (mere end %d bytes)."), cur_cell(r, name),
		     SHEET_MAX_CELL_BYTES);
		return;
	}
	buf_append(&r->text, s, (size_t)len);
}

/* ---- the whole file ---- */

/* Refuses archives that are bombs by their own account, before anything is unpacked. */
static int check_archive(Reader *r)
{
	zip_int64_t n = zip_get_num_entries(r->zip, 0);
	if (n > XLSX_MAX_ENTRIES) {
		fail(r, _("Filen er afvist: den indeholder mere end 10.000 dele (mulig zip-bombe)."));
		return -1;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(r->zip, (zip_uint64_t)i, 0, &st) != 0)
			continue;
		if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
			continue;
		char safe[32];
		const char *name = (st.valid & ZIP_STAT_NAME) && st.name ? safe_text(safe, st.name) : "?";
		if (st.size > XLSX_MAX_ENTRY_BYTES) {
			fail(r, _("Filen er afvist: %s fylder mere end 512 MB, når den pakkes ud "
			          "(mulig zip-bombe)."), name);
			return -1;
		}
		if (st.size > XLSX_RATIO_FROM_BYTES && st.size / XLSX_MAX_RATIO > st.comp_size) {
			fail(r, _("Filen er afvist: %s er pakket mistænkeligt hårdt sammen, mere end %d gange "
			          "(mulig zip-bombe)."), name, XLSX_MAX_RATIO);
			return -1;
		}
	}
	return 0;
}

/* A zip that is not an Excel workbook: say what it is when we can tell. */
static void fail_no_workbook(Reader *r)
{
	if (entry_index(r, "word/document.xml") >= 0)
		fail(r, _(NOT_XLSX ": det er et Word-dokument."));
	else if (entry_index(r, "ppt/presentation.xml") >= 0)
		fail(r, _(NOT_XLSX ": det er en PowerPoint-præsentation."));
	else if (entry_index(r, "content.xml") >= 0)
		fail(r, _(NOT_XLSX ": det ser ud til at være et OpenDocument-regneark (ods). Gem det som "
		          "Excel-projektmappe (.xlsx), og prøv igen."));
	else
		fail(r, _(NOT_XLSX ": projektmappen (xl/workbook.xml) mangler."));
}

static int read_workbook(Reader *r)
{
	if (check_archive(r))
		return -1;

	if (parse_part(r, "_rels/.rels", package_rels_start, NULL, NULL) < 0)
		return -1;
	if (!r->workbook_path[0] || entry_index(r, r->workbook_path) < 0)
		copy_str(r->workbook_path, sizeof r->workbook_path, "xl/workbook.xml");
	int got = parse_part(r, r->workbook_path, workbook_start, NULL, NULL);
	if (got < 0)
		return -1;
	if (got > 0) {
		fail_no_workbook(r);
		return -1;
	}
	if (!r->found_sheet && r->want_sheet) {
		r->stop = 1;
		return XLSX_NO_SHEET; /* not an error: the caller decides what a missing sheet means */
	}
	if (!r->found_sheet) {
		fail(r, _(NOT_XLSX ": projektmappen indeholder ingen ark."));
		return -1;
	}
	/* The sheet name is up to 31 characters; copy it whole characters at a time. */
	size_t len = strnlen(r->sheet_name, sizeof r->info->sheet - 1);
	memcpy(r->info->sheet, r->sheet_name, len);
	r->info->sheet[len] = 0;
	trim_partial_utf8(r->info->sheet);

	/* The workbook's relationships live in <dir>/_rels/<name>.rels. */
	char rels[XLSX_MAX_PATH + 16];
	const char *slash = strrchr(r->workbook_path, '/');
	int dirlen = slash ? (int)(slash - r->workbook_path + 1) : 0;
	snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", dirlen, r->workbook_path,
	         r->workbook_path + dirlen);
	if (parse_part(r, rels, workbook_rels_start, NULL, NULL) < 0)
		return -1;
	if (r->sheet_is_chart) {
		if (r->want_sheet)
			fail(r, _("Arket \"%s\" i filen er et diagram, ikke et regneark."), r->info->sheet);
		else
			fail(r, _("Det første ark i filen (\"%s\") er et diagram, ikke et regneark."), r->info->sheet);
		return -1;
	}
	if (!r->sheet_path[0] || entry_index(r, r->sheet_path) < 0) {
		if (r->want_sheet)
			fail(r, _(NOT_XLSX ": arket \"%s\" mangler i filen."), r->info->sheet);
		else
			fail(r, _(NOT_XLSX ": det første ark (\"%s\") mangler i filen."), r->info->sheet);
		return -1;
	}
	/* Lenient with writers that leave out these two relationships. */
	if (!r->styles_path[0])
		copy_str(r->styles_path, sizeof r->styles_path, "xl/styles.xml");
	if (!r->strings_path[0])
		copy_str(r->strings_path, sizeof r->strings_path, "xl/sharedStrings.xml");

	if (parse_part(r, r->styles_path, styles_start, styles_end, NULL) < 0)
		return -1;
	styles_resolve(r);
	if (parse_part(r, r->strings_path, strings_start, strings_end, strings_text) < 0)
		return -1;
	r->t_depth = r->rph_depth = 0;

	if (parse_part(r, r->sheet_path, sheet_start, sheet_end, sheet_text) < 0)
		return r->rc;
	return 0;
}

static void reader_init(Reader *r, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	memset(info, 0, sizeof *info);
	copy_str(info->format, sizeof info->format, "xlsx");
	r->info = info;
	r->fn = fn;
	r->ctx = ctx;
	r->err = err;
	r->errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	buf_init(&r->strings, XLSX_MAX_SHARED_BYTES + 64);
	buf_init(&r->text, XLSX_MAX_RAW_CELL + 64);
	buf_init(&r->row_text, (size_t)SHEET_MAX_CELLS * (SHEET_MAX_CELL_BYTES + 1) + 64);
}

static void reader_free(Reader *r)
{
	buf_free(&r->strings);
	buf_free(&r->text);
	buf_free(&r->row_text);
	free(r->string_off);
	free(r->xf_fmt);
	free(r->xf_date);
	free(r->numfmt);
}

static int read_zip(Reader *r)
{
	int rc = read_workbook(r);
	zip_discard(r->zip);
	r->zip = NULL;
	reader_free(r);
	return rc;
}

/* What the first bytes say before libzip has a go: empty, or an old .xls / encrypted file
** (both are OLE compound documents). Returns -1 after failing, else 0. */
/* Anything but a workbook is refused with what it is (filetype.c); xlsx only, no CSV here. */
static int sniff(Reader *r, FileType t)
{
	const char *why = filetype_refusal(t, 0);
	if (why)
		fail(r, "%s", why);
	return why != NULL;
}

static int open_failed(Reader *r, zip_error_t *ze)
{
	int code = zip_error_code_zip(ze);
	if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
		fail(r, _("Filen kan ikke læses (%s)."), zip_error_strerror(ze));
	else
		fail(r, _(NOT_XLSX "."));
	reader_free(r);
	return -1;
}

int xlsx_read_sheet_mem(const void *data, size_t n, const char *sheet, SheetInfo *info, RowFn fn, void *ctx,
                        char *err, size_t errlen)
{
	SheetInfo local;
	Reader *r = xmalloc(sizeof *r);
	reader_init(r, info ? info : &local, fn, ctx, err, errlen);
	r->want_sheet = sheet;
	int rc;
	if (sniff(r, filetype_of(data, n))) {
		reader_free(r);
		rc = -1;
	} else {
		zip_error_t ze;
		zip_error_init(&ze);
		zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
		if (src && (r->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) != NULL) {
			rc = read_zip(r);
		} else {
			if (src)
				zip_source_free(src);
			rc = open_failed(r, &ze);
		}
		zip_error_fini(&ze);
	}
	free(r);
	return rc;
}

int xlsx_read_sheet_file(const char *path, const char *sheet, SheetInfo *info, RowFn fn, void *ctx, char *err,
                         size_t errlen)
{
	SheetInfo local;
	Reader *r = xmalloc(sizeof *r);
	reader_init(r, info ? info : &local, fn, ctx, err, errlen);
	r->want_sheet = sheet;
	int rc = -1;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fail(r, _("Filen kan ikke åbnes (%s)."), strerror(errno));
		reader_free(r);
	} else {
		fclose(f);
		if (sniff(r, filetype_of_file(path))) {
			reader_free(r);
		} else {
			int code = 0;
			r->zip = zip_open(path, ZIP_RDONLY, &code);
			if (r->zip) {
				rc = read_zip(r);
			} else {
				zip_error_t ze;
				zip_error_init_with_code(&ze, code);
				rc = open_failed(r, &ze);
				zip_error_fini(&ze);
			}
		}
	}
	free(r);
	return rc;
}

int xlsx_read_mem(const void *data, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	return xlsx_read_sheet_mem(data, n, NULL, info, fn, ctx, err, errlen);
}

int xlsx_read_file(const char *path, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	return xlsx_read_sheet_file(path, NULL, info, fn, ctx, err, errlen);
}
