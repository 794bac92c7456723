/*
** libFuzzer target for the text helpers every request passes through: utf8_valid()
** (src/util.c), the HTML escapers html_text(), html_attr(), html_url() and the
** html_fmt() formatter (src/html.c), and the small parsers parse_int64() and hex_decode().
** utf8_valid() is compared with a reference written from the Unicode well-formed byte
** sequence table; the escapers' output must contain no '<', '>', '"' or '\'' (html_url:
** only unreserved characters, '/' and %XX) and must decode back to the input. (CPR numbers
** have their own target, fuzz_cpr.c.)
*/
// fuzz-sources: util.c dates.c cpr.c buf.c arena.c html.c db.c auth.c denial.c audit.c audit_key.c user.c fold.c embedded.c
#include "http.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_text: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* Unicode 15, table 3-7 (well-formed UTF-8 byte sequences), plus: no NUL. */
static int ref_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t len;
		if (c == 0)
			return 0;
		if (c <= 0x7F) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c == 0xE0)
			len = 3, lo = 0xA0;
		else if (c == 0xED)
			len = 3, hi = 0x9F;
		else if (c >= 0xE1 && c <= 0xEF)
			len = 3;
		else if (c == 0xF0)
			len = 4, lo = 0x90;
		else if (c == 0xF4)
			len = 4, hi = 0x8F;
		else if (c >= 0xF1 && c <= 0xF3)
			len = 4;
		else
			return 0;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return 0;
		i += len;
	}
	return 1;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* html_text / html_attr: no markup characters, every '&' starts one of our entities, and
** decoding gives the input back. */
static void check_escaped(const char *in, const Buf *b)
{
	static const struct { const char *ent; char c; } ents[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
	};
	CHECK(b->len == 0 || strlen(b->data) == b->len);
	size_t j = 0;
	for (size_t i = 0; i < b->len;) {
		char c = b->data[i];
		CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
		if (c == '&') {
			size_t e = 0;
			while (e < COUNT(ents) && strncmp(b->data + i, ents[e].ent, strlen(ents[e].ent)) != 0)
				e++;
			CHECK(e < COUNT(ents));
			CHECK(in[j] == ents[e].c);
			i += strlen(ents[e].ent);
		} else {
			CHECK(in[j] == c);
			i++;
		}
		j++;
	}
	CHECK(in[j] == 0);
}

static int hexval(char c)
{
	if (digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void check_url(const char *in, const Buf *b)
{
	size_t j = 0;
	for (size_t i = 0; i < b->len; j++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c == '%') {
			CHECK(i + 2 < b->len);
			int hi = hexval(b->data[i + 1]), lo = hexval(b->data[i + 2]);
			CHECK(hi >= 0 && lo >= 0);
			CHECK((unsigned char)in[j] == hi * 16 + lo);
			i += 3;
		} else {
			CHECK(isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/');
			CHECK((unsigned char)in[j] == c);
			i++;
		}
	}
	CHECK(in[j] == 0);
}

static size_t count_char(const Buf *b, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < b->len; i++)
		k += b->data[i] == c;
	return k;
}

static void check_html(const char *s)
{
	Buf b;
	buf_init(&b, 0);
	html_text(&b, s);
	check_escaped(s, &b);
	buf_reset(&b);
	html_attr(&b, s);
	check_escaped(s, &b);
	buf_reset(&b);
	html_url(&b, s);
	check_url(s, &b);
	buf_reset(&b);
	/* The formatter: the only markup in the result is that of the format string. */
	html_fmt(&b, "<a href=\"/d/%U\" title=\"%A\">%T %d%%</a>", s, s, s, 42);
	CHECK(count_char(&b, '<') == 2 && count_char(&b, '>') == 2 && count_char(&b, '"') == 4);
	CHECK(count_char(&b, '\'') == 0);
	CHECK(strncmp(b.data, "<a href=\"/d/", 12) == 0);
	CHECK(b.len >= 8 && memcmp(b.data + b.len - 8, " 42%</a>", 8) == 0);
	buf_free(&b);
}

/* parse_int64 against a reference: -?[0-9]+ that fits in int64_t. */
static void check_int(const char *s)
{
	int64_t v = 12345;
	int ok = parse_int64(s, &v);
	const char *p = s;
	int neg = *p == '-';
	p += neg;
	uint64_t mag = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int ref = digit(*p);
	for (; ref && *p; p++) {
		if (!digit(*p) || mag > (max - (uint64_t)(*p - '0')) / 10)
			ref = 0;
		else
			mag = mag * 10 + (uint64_t)(*p - '0');
	}
	CHECK(ok == ref);
	if (ok)
		CHECK(neg ? (mag == (uint64_t)INT64_MAX + 1 ? v == INT64_MIN : v == -(int64_t)mag)
		          : v == (int64_t)mag);
	else
		CHECK(v == 12345);
}

/* hex_decode: exactly 2n hex digits, and hex_encode gives them back (in lower case). */
static void check_hex(const char *s)
{
	size_t len = strlen(s), n = len / 2;
	unsigned char *out = malloc(n + 1);
	char *again = malloc(2 * n + 1);
	CHECK(out && again);
	int ok = hex_decode(out, n, s);
	int ref = len % 2 == 0;
	for (size_t i = 0; ref && i < len; i++)
		ref = isxdigit((unsigned char)s[i]) != 0;
	CHECK(ok == ref);
	if (ok) {
		hex_encode(again, out, n);
		for (size_t i = 0; i < len; i++)
			CHECK(again[i] == tolower((unsigned char)s[i]));
	}
	free(out);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	/* utf8_valid on the raw bytes: no terminator, so ASan catches any read past n. */
	CHECK(utf8_valid((const char *)data, n) == ref_utf8_valid(data, n));

	char *s = malloc(n + 1);
	CHECK(s);
	memcpy(s, data, n);
	s[n] = 0;
	check_html(s);
	check_int(s);
	check_hex(s);
	free(s);
	return 0;
}
