/*
** Small helpers used everywhere: allocation that aborts loudly on exhaustion (a server
** that limps on after malloc failed is worse than one that stops), UTF-8 validation,
** string and number parsing and hex. (CPR numbers in free text: cpr.c.)
*/
#include "tilsyn.h"

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a bug in the current request unwinds to (set by the HTTP server around each
** handler), or NULL: then a bug aborts the program. */
static _Thread_local jmp_buf *t_recover;

void fatal_recover_at(jmp_buf *where)
{
	t_recover = where;
}

/* A bug: logged, and then the request fails with a 500 page or, outside a request, the
** program stops. */
void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tilsyn: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	jmp_buf *where = t_recover;
	t_recover = NULL;
	if (where)
		longjmp(*where, 1);
	abort();
}

/* Memory exhausted: nothing can be trusted to work, so stop loudly, in a request or not. */
static void out_of_memory(size_t n)
{
	fprintf(stderr, "tilsyn: fatal: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF, no NUL. */
int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

int str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int str_empty(const char *s)
{
	if (!s)
		return 1;
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == 0;
}

/* Trims ASCII white space at both ends, in place. */
char *str_trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* s with its ASCII letters in upper (upper != 0) or lower case, written to out (which may be s)
** and returned: "" when it does not fit in n bytes, NULL for NULL. For keys kept in one case. */
const char *str_ascii_case(const char *s, int upper, char *out, size_t n)
{
	if (!s)
		return NULL;
	if (strlen(s) >= n)
		return memcpy(out, "", 1);
	size_t i = 0;
	for (; s[i]; i++)
		out[i] = (char)(upper ? toupper((unsigned char)s[i]) : tolower((unsigned char)s[i]));
	out[i] = 0;
	return out;
}

int parse_int64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || !(isdigit((unsigned char)*s) || *s == '-'))
		return 0;
	*out = v;
	return 1;
}

void hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes exactly n bytes from 2n hex digits; returns 0 on anything else. */
int hex_decode(unsigned char *out, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 1;
}

/* An expected failure's message into err[n] (see the convention in tilsyn.h); returns -1. */
int msg_fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(err, n, fmt, ap);
	va_end(ap);
	/* The message is shown on pages and written as JSON, so it must be UTF-8 (found by
	** tests/fuzz/fuzz_json.c): one cut short (a long title quoted in it) must not end inside
	** a character, and bytes quoted from the input by jansson's error text become '?'. */
	if (n && len >= 0 && (size_t)len >= n) {
		size_t end = strlen(err), start = end;
		while (start > 0 && ((unsigned char)err[start - 1] & 0xC0) == 0x80)
			start--;
		if (start > 0 && !utf8_valid(err + start - 1, end - start + 1))
			err[start - 1] = 0;
	}
	for (size_t i = 0, m = n ? strlen(err) : 0; i < m;) {
		unsigned char c = (unsigned char)err[i];
		size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (i + k <= m && utf8_valid(err + i, k))
			i += k;
		else
			err[i++] = '?';
	}
	return -1;
}
