/*
** Finding CPR numbers (ddmmyy-nnnn) in any text that enters tilsyn, however they are spelled,
** and masking them where a value cannot be refused because it is not ours (a typed login name,
** a requested URL, an uploaded file's name). tilsyn never stores a CPR number, so every free
** text, case-list cell and header goes through cpr_find(), and everything written to the audit
** log, login attempts and upload names through cpr_mask().
**
** The text is first normalised the way Unicode NFKC does it (full-width digits become digits,
** a no-break space a space), one code point at a time with glib's compatibility decomposition
** (glib is linked already through pango); format characters (zero-width space, soft hyphen,
** BOM, direction marks; Unicode Cf) and combining marks are dropped. Per code point, and not
** g_utf8_normalize() on the whole string, so that every normalised character still knows the
** bytes it came from: cpr_find() answers with a byte offset and cpr_mask() rewrites the
** original text. For digits and separators the two agree (NFKC composes nothing into them);
** cpr_normalize() gives the whole-string NFKC form, and the fuzzer checks they find the same.
**
** Then a CPR number is: six digits that are a day and month as ddmmyy (or dd.mm.yy, dd-mm-yy,
** dd/mm/yy), at most three separators of any kind (space, tab, no-break spaces, hyphen and the
** other dashes, minus, dot, slash, underscore; three as in "010190 - 1234"), and four digits,
** not inside a longer run of digits; or ten digits in a row whose first six are such a date.
** The century is unknown, so 29 February is always a date. Case numbers (27.12.00-G01-262-24), dates (01.01.2020),
** phone numbers (12 34 56 78, +45 12345678) and amounts (1.234.567,00) do not match: their
** digit groups have the wrong lengths.
*/
#include "tilsyn.h"

#include <glib.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One normalised character: its class ('0'-'9' a digit, ' ' '-' '.' '/' '_' a separator of
** that kind, 'x' anything else) and the bytes of the original text it came from. */
typedef struct Unit {
	uint32_t off, end;
	char c;
} Unit;

typedef struct Units {
	Unit *u;
	size_t n, cap;
	Unit local[256]; /* most texts fit: no allocation */
} Units;

static void units_push(Units *us, char c, size_t off, size_t end)
{
	if (us->n == us->cap) {
		size_t cap = us->cap * 2;
		if (us->u == us->local) {
			us->u = xmalloc(cap * sizeof *us->u);
			memcpy(us->u, us->local, us->n * sizeof *us->u);
		} else {
			us->u = xrealloc(us->u, cap * sizeof *us->u);
		}
		us->cap = cap;
	}
	us->u[us->n++] = (Unit){(uint32_t)off, (uint32_t)end, c};
}

static void units_free(Units *us)
{
	if (us->u != us->local)
		free(us->u);
}

static int dropped(gunichar c)
{
	GUnicodeType t = g_unichar_type(c);
	return t == G_UNICODE_FORMAT || t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK;
}

/* The class of one character (ASCII, or after compatibility decomposition). */
static char class_of(gunichar c)
{
	if (c < 0x80) {
		if (c >= '0' && c <= '9')
			return (char)c;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
			return ' ';
		if (c == '-' || c == '.' || c == '/' || c == '_')
			return (char)c;
		return 'x';
	}
	int d = g_unichar_digit_value(c); /* any decimal digit (Arabic-Indic, ...) counts */
	if (d >= 0)
		return (char)('0' + d);
	if (c == 0x2212) /* minus sign */
		return '-';
	if (c == 0x2215 || c == 0x2044) /* division slash, fraction slash */
		return '/';
	switch (g_unichar_type(c)) {
	case G_UNICODE_SPACE_SEPARATOR: /* no-break space, narrow no-break, thin, ideographic, ... */
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
		return ' ';
	case G_UNICODE_DASH_PUNCTUATION: /* hyphen, en dash, em dash, ... */
		return '-';
	default:
		return 'x';
	}
}

/* Normalises s into us. Invalid UTF-8 bytes become 'x', one each. */
static void units_build(Units *us, const char *s)
{
	us->u = us->local;
	us->n = 0;
	us->cap = COUNT(us->local);
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		if (p[i] < 0x80) {
			units_push(us, class_of(p[i]), i, i + 1);
			i++;
			continue;
		}
		gunichar c = g_utf8_get_char_validated(s + i, (gssize)(len - i));
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			units_push(us, 'x', i, i + 1);
			i++;
			continue;
		}
		size_t next = i + (size_t)g_unichar_to_utf8(c, NULL);
		if (!dropped(c)) {
			gunichar dec[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
			gsize k = g_unichar_fully_decompose(c, TRUE, dec, COUNT(dec));
			for (gsize j = 0; j < k && j < COUNT(dec); j++)
				if (!dropped(dec[j]))
					units_push(us, class_of(dec[j]), i, next);
		}
		i = next;
	}
}

static int is_digit_unit(const Units *us, size_t i)
{
	return i < us->n && us->u[i].c >= '0' && us->u[i].c <= '9';
}

static int is_sep_unit(const Units *us, size_t i)
{
	if (i >= us->n)
		return 0;
	char c = us->u[i].c;
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '_';
}

/* The length of the run of digits starting at i. */
static size_t digit_run(const Units *us, size_t i)
{
	size_t k = i;
	while (is_digit_unit(us, k))
		k++;
	return k - i;
}

/* Whether d[0..5] (digit characters) are a day and month as ddmmyy. */
static int ddmmyy_valid(const char d[6])
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int dd = (d[0] - '0') * 10 + (d[1] - '0');
	int mm = (d[2] - '0') * 10 + (d[3] - '0');
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= days[mm - 1];
}

/* Where one CPR number lies in the units: the first digit, the end of the sixth (the last one
** kept by a mask), the first digit after the date, and just past the last digit. */
typedef struct Match {
	size_t first, sixth, tail, last;
} Match;

/*
** Tries a CPR number starting at unit i, the start of a run of digits. The date is a run of
** exactly six digits, or three runs of exactly two joined by the same one of '.', '-', '/';
** then zero to three separators and a run of exactly four digits (zero only as ten in a row).
*/
static int match_at(const Units *us, size_t i, Match *m)
{
	char d[6];
	size_t run = digit_run(us, i), j;
	if (run == 10) {
		for (int k = 0; k < 6; k++)
			d[k] = us->u[i + (size_t)k].c;
		if (!ddmmyy_valid(d))
			return 0;
		*m = (Match){i, i + 5, i + 6, i + 9};
		return 1;
	}
	if (run == 6) {
		for (int k = 0; k < 6; k++)
			d[k] = us->u[i + (size_t)k].c;
		m->sixth = i + 5;
		j = i + 6;
	} else if (run == 2) {
		char sep = i + 2 < us->n ? us->u[i + 2].c : 0;
		if ((sep != '.' && sep != '-' && sep != '/') || digit_run(us, i + 3) != 2 || i + 5 >= us->n ||
		    us->u[i + 5].c != sep || digit_run(us, i + 6) != 2)
			return 0;
		d[0] = us->u[i].c, d[1] = us->u[i + 1].c;
		d[2] = us->u[i + 3].c, d[3] = us->u[i + 4].c;
		d[4] = us->u[i + 6].c, d[5] = us->u[i + 7].c;
		m->sixth = i + 7;
		j = i + 8;
	} else {
		return 0;
	}
	if (!ddmmyy_valid(d))
		return 0;
	size_t k = j;
	while (k < j + 3 && is_sep_unit(us, k))
		k++;
	if (k == j || digit_run(us, k) != 4)
		return 0;
	m->first = i;
	m->tail = k;
	m->last = k + 3;
	return 1;
}

/* The first CPR number in the units at or after unit `from`. */
static int find_units(const Units *us, size_t from, Match *m)
{
	for (size_t i = from; i < us->n; i++) {
		if (!is_digit_unit(us, i) || (i > 0 && is_digit_unit(us, i - 1)))
			continue;
		if (match_at(us, i, m))
			return 1;
	}
	return 0;
}

/*
** How many digits s can hold at most once normalised, or INT_MAX when that is not known
** cheaply. ASCII and the Latin-1 letters of Danish names (æ ø å é ü §) are counted byte by
** byte; of Latin-1 only the superscripts and fractions become digits (² ³ ¹ ¼ ½ ¾); any other
** character sends the text through the full normalisation. Most case-list cells (names,
** dates, paragraphs) hold fewer than nine and end here.
*/
static int digits_at_most(const char *s)
{
	int digits = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			digits += *p >= '0' && *p <= '9';
		} else if ((*p == 0xC2 || *p == 0xC3) && (p[1] & 0xC0) == 0x80) {
			if (*p == 0xC2 && (p[1] == 0xB2 || p[1] == 0xB3 || p[1] == 0xB9 || (p[1] >= 0xBC && p[1] <= 0xBE)))
				digits += 2;
			p++;
		} else {
			return INT_MAX;
		}
	}
	return digits;
}

static int surely_none(const char *s)
{
	return digits_at_most(s) < 10;
}

/*
** Finds a CPR number in s, however spelled (see the top of this file). Returns the byte
** offset in s where its first digit (or the character that became it) begins, or -1.
*/
int cpr_find(const char *s)
{
	if (!s || surely_none(s))
		return -1;
	Units us;
	units_build(&us, s);
	Match m;
	int r = find_units(&us, 0, &m) ? (int)us.u[m.first].off : -1;
	units_free(&us);
	return r;
}

/*
** Whether a case-list cell is a CPR number written as a number: nine digits that are a CPR
** number once the leading zero Excel drops (born on days 01-09) is put back, or ten digits
** whose first six are a date. The cell may be text ("101901234") or an XLSX number
** ("101901234", "1.01901234E8", "101901234.0"); spaces around it are ignored.
*/
int cpr_number_cell(const char *cell)
{
	if (!cell)
		return 0;
	if (digits_at_most(cell) < 9) /* most cells: nothing to normalise */
		return 0;
	Units us;
	units_build(&us, cell);
	size_t a = 0, b = us.n;
	while (a < b && us.u[a].c == ' ')
		a++;
	while (b > a && us.u[b - 1].c == ' ')
		b--;
	char digits[16];
	size_t n = 0;
	int plain = b - a >= 9 && b - a <= 10;
	for (size_t i = a; plain && i < b; i++) {
		plain = us.u[i].c >= '0' && us.u[i].c <= '9';
		digits[n++] = us.u[i].c;
	}
	units_free(&us);
	if (!plain) { /* a number in another notation: only plain ASCII that strtod reads whole */
		n = 0;
		const char *p = cell;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9' || p[strspn(p, "0123456789.eE+ ")]) /* no hex, no "inf" */
			return 0;
		char *end;
		double v = strtod(p, &end);
		while (*end == ' ')
			end++;
		if (*end || v < 1e8 || v >= 1e10 || v != floor(v))
			return 0;
		long long x = (long long)v;
		for (long long t = x; t > 0; t /= 10)
			n++;
		for (size_t i = n; i > 0; i--, x /= 10)
			digits[i - 1] = (char)('0' + x % 10);
	}
	char d[6];
	if (n == 9) {
		d[0] = '0';
		memcpy(d + 1, digits, 5);
	} else if (n == 10) {
		memcpy(d, digits, 6);
	} else {
		return 0;
	}
	return ddmmyy_valid(d);
}

/*
** A copy of s (malloc'd; NULL for NULL) with every CPR number masked: its first six digits
** kept as written, the rest replaced by "-xxxx", so "Borger 010190–1234" becomes
** "Borger 010190-xxxx". For values that must be kept but may hold one: typed login names,
** requested URLs, uploaded files' names, audit entries.
*/
char *cpr_mask(const char *s)
{
	if (!s)
		return NULL;
	char *cur = xstrdup(s);
	/* Each round removes at least four digits, so this ends; the bound is for safety. */
	for (size_t pass = 0; pass <= strlen(s) && !surely_none(cur); pass++) {
		Units us;
		units_build(&us, cur);
		Match m;
		if (!find_units(&us, 0, &m)) {
			units_free(&us);
			break;
		}
		Buf b;
		buf_init(&b, 0);
		size_t from = 0;
		do {
			size_t keep = us.u[m.sixth].end;
			if (keep > us.u[m.tail].off) /* one character holds digits of both parts: not kept */
				keep = us.u[m.tail].off;
			buf_append(&b, cur + from, keep - from);
			buf_puts(&b, "-xxxx");
			from = us.u[m.last].end;
			size_t next = m.last + 1;
			while (next < us.n && us.u[next].off < from)
				next++;
			if (!find_units(&us, next, &m))
				break;
			if (us.u[m.first].off < from) /* overlaps what was just masked */
				break;
		} while (1);
		buf_puts(&b, cur + from);
		units_free(&us);
		free(cur);
		cur = buf_detach(&b);
	}
	return cur;
}

/*
** s as Unicode NFKC without format characters (Cf), malloc'd: the text cpr_find() in effect
** reads. Invalid UTF-8 is first made valid (U+FFFD for each bad sequence).
*/
char *cpr_normalize(const char *s)
{
	gchar *valid = g_utf8_make_valid(s ? s : "", -1);
	/* Format characters go first: between a letter and its accent one blocks NFKC's
	** composition, and dropping it afterwards would leave text that is not NFKC. */
	Buf b;
	buf_init(&b, 0);
	for (const gchar *p = valid; *p; p = g_utf8_next_char(p))
		if (g_unichar_type(g_utf8_get_char(p)) != G_UNICODE_FORMAT)
			buf_append(&b, p, (size_t)(g_utf8_next_char(p) - p));
	gchar *nfkc = g_utf8_normalize(buf_cstr(&b), -1, G_NORMALIZE_NFKC);
	g_free(valid);
	buf_free(&b);
	char *out = xstrdup(nfkc ? nfkc : "");
	g_free(nfkc);
	return out;
}
