/*
** libFuzzer target for the form parsers (src/form.c), with a fresh arena per input.
** The whole input is an application/x-www-form-urlencoded body for form_parse() and
** url_decode(); the same input split at its first '\n' is a Content-Type header and a
** multipart/form-data body for form_parse_multipart().
** Besides the sanitizers' checks it compares form_parse() and url_decode() with a small,
** obviously correct reference decoder written here, and checks what every caller relies
** on: on success each name and value is valid UTF-8 without NUL and each value's length is
** its strlen (multipart: except uploaded files, whose value is any bytes, NUL-terminated,
** and a slice of the body followed by the boundary); on failure there is a message, itself
** valid UTF-8; url_decode() never writes past the end of its input (plus the terminating
** NUL) and never makes a string longer.
*/
// fuzz-sources: util.c buf.c arena.c form.c
#include "http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_form: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static int ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Reference decoder: out must hold n bytes. Returns the decoded length or -1. */
static long ref_decode(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || ref_hex(s[i + 1]) < 0 || ref_hex(s[i + 2]) < 0)
				return -1;
			out[o++] = (unsigned char)(ref_hex(s[i + 1]) * 16 + ref_hex(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	return (long)o;
}

/* url_decode on an exactly sized heap copy (n bytes + NUL), so ASan sees any overrun. */
static void check_url_decode(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	unsigned char *want = malloc(n + 1);
	CHECK(s && want);
	memcpy(s, data, n);
	s[n] = 0;
	size_t len = n;
	int ok = url_decode(s, &len);
	long ref = ref_decode(data, n, want);
	CHECK(ok == (ref >= 0));
	if (ok) {
		CHECK(len <= n);
		CHECK((long)len == ref);
		CHECK(memcmp(s, want, len) == 0);
		CHECK(s[len] == 0);
	}
	free(s);
	free(want);
}

/* One '&'-separated field against the reference: 1 if acceptable and equal, 0 if the
** reference rejects it (bad escape, invalid UTF-8, NUL). */
static int ref_field(const unsigned char *f, size_t n, const Param *p)
{
	const unsigned char *eq = memchr(f, '=', n);
	size_t name_len = eq ? (size_t)(eq - f) : n;
	unsigned char *name = malloc(n + 1), *value = malloc(n + 1);
	CHECK(name && value);
	long nl = ref_decode(f, name_len, name);
	long vl = eq ? ref_decode(eq + 1, n - name_len - 1, value) : 0;
	int ok = nl >= 0 && vl >= 0 && utf8_valid((char *)name, (size_t)nl) &&
	         utf8_valid((char *)value, (size_t)vl);
	if (ok && p) {
		CHECK(strlen(p->name) == (size_t)nl && memcmp(p->name, name, (size_t)nl) == 0);
		CHECK(p->len == (size_t)vl && memcmp(p->value, value, (size_t)vl) == 0);
	}
	free(name);
	free(value);
	return ok;
}

static void check_form_parse(const uint8_t *data, size_t n)
{
	Arena *a = arena_new(0);
	Param *params = (Param *)1;
	int count = -1;
	const char *err = NULL;
	int rc = form_parse(a, (const char *)data, n, &params, &count, &err);
	CHECK(rc == 0 || rc == -1);

	/* What the reference says: fields, and whether all of them are acceptable. */
	size_t amps = 0;
	for (size_t i = 0; i < n; i++)
		amps += data[i] == '&';
	int ref_ok = amps + 1 <= HTTP_MAX_FIELDS;
	int k = 0;
	for (size_t i = 0; ref_ok && i < n;) {
		size_t end = i;
		while (end < n && data[end] != '&')
			end++;
		if (end > i) {
			const Param *p = NULL;
			if (rc == 0) {
				CHECK(k < count);
				p = &params[k];
			}
			ref_ok = ref_field(data + i, end - i, p);
			k++;
		}
		i = end + 1;
	}

	if (rc == 0) {
		CHECK(ref_ok);
		CHECK(count == k);
		CHECK(count == 0 || params != NULL);
		for (int i = 0; i < count; i++) {
			const Param *p = &params[i];
			CHECK(p->name && p->value);
			CHECK(utf8_valid(p->name, strlen(p->name)));
			CHECK(utf8_valid(p->value, p->len));
			CHECK(strlen(p->value) == p->len);
		}
	} else {
		CHECK(!ref_ok);
		CHECK(err && *err);
		CHECK(utf8_valid(err, strlen(err)));
		CHECK(params == NULL && count == 0);
	}
	arena_destroy(a);
}

static void check_multipart(const uint8_t *data, size_t n)
{
	const uint8_t *nl = memchr(data, '\n', n);
	size_t ctlen = nl ? (size_t)(nl - data) : n;
	size_t blen = nl ? n - ctlen - 1 : 0;
	char *ct = malloc(ctlen + 1);
	char *body = malloc(blen ? blen : 1); /* exactly sized, not terminated: ASan sees overreads */
	CHECK(ct && body);
	memcpy(ct, data, ctlen);
	ct[ctlen] = 0;
	if (blen)
		memcpy(body, nl + 1, blen);

	Arena *a = arena_new(0);
	Param *params = (Param *)1;
	int count = -1;
	const char *err = NULL;
	int rc = form_parse_multipart(a, ct, body, blen, &params, &count, &err);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		CHECK(count >= 0 && count <= HTTP_MAX_FIELDS);
		CHECK(count == 0 || params != NULL);
		size_t total = 0;
		for (int i = 0; i < count; i++) {
			const Param *p = &params[i];
			CHECK(p->name && p->value);
			CHECK(utf8_valid(p->name, strlen(p->name)));
			CHECK(p->value[p->len] == 0);
			if (p->filename) {
				CHECK(utf8_valid(p->filename, strlen(p->filename)));
			} else {
				CHECK(strlen(p->value) == p->len);
				CHECK(utf8_valid(p->value, p->len));
			}
			CHECK(p->len <= blen);
			CHECK(p->len == 0 || memmem(body, blen, p->value, p->len) != NULL);
			total += p->len;
		}
		CHECK(total <= blen);
	} else {
		CHECK(err && *err);
		CHECK(utf8_valid(err, strlen(err)));
		CHECK(params == NULL && count == 0);
	}

	/* Parsed in place (as a spooled upload is), the same fields with the same bytes; files
	** point into the body, and nothing is written outside it. */
	char *mine = malloc(blen ? blen : 1);
	CHECK(mine);
	if (blen)
		memcpy(mine, body, blen);
	Param *placed = (Param *)1;
	int nplaced = -1;
	const char *err2 = NULL;
	int rc2 = form_parse_multipart_in_place(a, ct, mine, blen, &placed, &nplaced, &err2);
	CHECK(rc2 == rc && nplaced == count);
	for (int i = 0; rc == 0 && i < count; i++) {
		CHECK(strcmp(placed[i].name, params[i].name) == 0);
		CHECK(placed[i].len == params[i].len);
		CHECK(memcmp(placed[i].value, params[i].value, params[i].len) == 0);
		CHECK(placed[i].value[placed[i].len] == 0);
		if (placed[i].filename)
			CHECK(placed[i].value >= mine && placed[i].value + placed[i].len < mine + blen);
	}
	free(mine);
	arena_destroy(a);
	free(ct);
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	check_form_parse(data, n);
	check_url_decode(data, n);
	check_multipart(data, n);
	return 0;
}
