/*
** libFuzzer target for what tilsyn does with a request's address. libmicrohttpd splits the
** request target at '?', %-decodes the path (MHD_http_unescape) and splits the query into
** arguments ('&', '=', '+' as space, %-decoding); tilsyn then checks that the path and every
** argument are UTF-8 (dispatch in src/http.c), finds the route and its captures
** (route_find over the real route table of src/routes.c), and hands argument values to small
** parsers: http_local_path() for ?next=, round_valid_kind(), report_audience_parse() and
** report_format_parse() (parse_int64() is fuzz_text's). Before login it sends the path back as
** /login?next=html_url(path).
**
** The input is a request target. The target does what libmicrohttpd does with it (calling
** its own MHD_http_unescape, so the decoding is the real one), then checks:
**  - route_find() agrees with a reference matcher that compares the pattern and the path
**    segment by segment, for GET, HEAD (GET routes), POST and PUT: the same route (the first
**    that matches), the same captures (names up to '/', values whole non-empty segments that
**    are slices of the path), and path_known when no route matched;
**  - html_url(path) has only unreserved characters, '/' and %XX, and decodes back to the
**    path both with MHD_http_unescape and with tilsyn's url_decode(), so ?next= round-trips;
**  - http_local_path() accepts exactly paths that start with one '/' (not "//" or "/\"),
**    and have no control character;
**  - url_decode() (tilsyn's decoder of form bodies) agrees with libmicrohttpd's decoding of
**    each query argument whenever it accepts it, so a GET form and a POST form read alike;
**  - the argument parsers answer as small references do.
*/
// fuzz-sources: *
#include "http.h"
#include "report.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz_query: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* ---- the reference matcher ---- */

/* The next segment of s (up to '/' or the end): its start and length; returns the rest
** after the '/' or NULL at the end. */
static const char *segment(const char *s, const char **start, size_t *len)
{
	const char *slash = strchr(s, '/');
	*start = s;
	*len = slash ? (size_t)(slash - s) : strlen(s);
	return slash ? slash + 1 : NULL;
}

typedef struct RefCap {
	const char *name, *value;
	size_t name_len, value_len;
} RefCap;

/* Pattern and path, both starting with '/', compared segment by segment: a ":name" segment
** takes any non-empty segment, other segments must be equal. At most 8 captures. */
static int ref_match(const char *pattern, const char *path, RefCap *caps, int *ncaps)
{
	*ncaps = 0;
	if (pattern[0] != '/' || path[0] != '/')
		return 0;
	const char *p = pattern + 1, *s = path + 1;
	for (;;) {
		const char *ps, *ss;
		size_t pl, sl;
		p = segment(p, &ps, &pl);
		s = segment(s, &ss, &sl);
		if (pl > 0 && ps[0] == ':') {
			if (sl == 0 || *ncaps >= 8)
				return 0;
			caps[*ncaps] = (RefCap){ps + 1, ss, pl - 1, sl};
			(*ncaps)++;
		} else if (pl != sl || memcmp(ps, ss, pl) != 0) {
			return 0;
		}
		if (!p || !s)
			return !p && !s;
	}
}

static int method_fits(const Route *rt, const char *method)
{
	return !strcmp(rt->method, method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"));
}

/* The reference can stand for pattern_match() only if captures are whole segments. */
static void check_route_table(void)
{
	for (size_t i = 0; i < route_count; i++) {
		const char *p = routes[i].pattern;
		CHECK(p[0] == '/');
		for (size_t k = 1; p[k]; k++)
			if (p[k] == ':')
				CHECK(p[k - 1] == '/' && p[k + 1] && p[k + 1] != '/');
	}
}

static void check_route(const char *method, const char *path)
{
	Param caps[8];
	int ncaps = -1, known = -1;
	const Route *got = route_find(method, path, caps, &ncaps, &known);

	const Route *want = NULL;
	RefCap rcaps[8];
	int nr = 0, want_known = 0;
	for (size_t i = 0; i < route_count && !want; i++) {
		RefCap c[8];
		int n;
		if (!ref_match(routes[i].pattern, path, c, &n))
			continue;
		if (method_fits(&routes[i], method)) {
			want = &routes[i];
			memcpy(rcaps, c, sizeof c);
			nr = n;
		} else {
			want_known = 1;
		}
	}
	CHECK(got == want);
	if (!got) {
		CHECK(ncaps == 0);
		CHECK(known == want_known);
		return;
	}
	CHECK(method_fits(got, method));
	CHECK(ncaps == nr);
	size_t pathlen = strlen(path);
	for (int i = 0; i < ncaps; i++) {
		const Param *c = &caps[i];
		const char *end = strchr(c->name, '/');
		size_t name_len = end ? (size_t)(end - c->name) : strlen(c->name);
		CHECK(name_len == rcaps[i].name_len && !memcmp(c->name, rcaps[i].name, name_len));
		CHECK(c->len == rcaps[i].value_len && c->value == rcaps[i].value);
		CHECK(c->len > 0 && c->value >= path && c->value + c->len <= path + pathlen);
		CHECK(memchr(c->value, '/', c->len) == NULL);
	}
}

/* ---- what is done with the path and with argument values ---- */

static int ref_local_path(const char *s)
{
	if (s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~';
}

static int hexdigit(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* The login redirect: /login?next=html_url(path), read back by libmicrohttpd as tilsyn's
** login page reads it, must give the path again. */
static void check_next_round_trip(const char *path)
{
	Buf b;
	buf_init(&b, 0);
	html_url(&b, path);
	const char *enc = buf_cstr(&b);
	for (size_t i = 0; enc[i]; i++) {
		unsigned char c = (unsigned char)enc[i];
		if (c == '%')
			CHECK(hexdigit((unsigned char)enc[i + 1]) && hexdigit((unsigned char)enc[i + 2]));
		else
			CHECK(unreserved(c) || c == '/');
	}
	char *mhd = strdup(enc), *ours = strdup(enc);
	CHECK(mhd && ours);
	size_t n = MHD_http_unescape(mhd);
	CHECK(n == strlen(path) && !strcmp(mhd, path));
	size_t len = strlen(ours);
	CHECK(url_decode(ours, &len));
	CHECK(len == strlen(path) && !memcmp(ours, path, len));
	free(mhd);
	free(ours);
	buf_free(&b);
}

static void check_value(const char *value)
{
	CHECK(http_local_path(value) == ref_local_path(value));
	if (http_local_path(value))
		CHECK(!strpbrk(value, "\r\n\t") && strncmp(value, "//", 2) != 0);
	CHECK(round_valid_kind(value) == (!strcmp(value, "overordnet") || !strcmp(value, "uddybende") ||
	                                  !strcmp(value, "ekstern")));
	ReportAudience a;
	const char *name = (const char *)1;
	int ok = report_audience_parse(value, &a, &name);
	if (!strcmp(value, "ledelse") || !strcmp(value, "medarbejdere")) {
		CHECK(ok && name == NULL);
		CHECK(a == (value[0] == 'l' ? REPORT_LEDELSE : REPORT_MEDARBEJDERE));
	} else if (!strncmp(value, "raadgiver:", 10) && !str_empty(value + 10)) {
		CHECK(ok && a == REPORT_RAADGIVER && name == value + 10);
	} else {
		CHECK(!ok && name == NULL);
	}
	ReportFormat f;
	CHECK(report_format_parse(value, &f) == (!strcmp(value, "html") || !strcmp(value, "pdf") || !strcmp(value, "xlsx")));
}

/* One query argument as libmicrohttpd makes it ('+' as space, then %-decoding; a NUL from
** %00 ends the C string it hands on), checked against tilsyn's url_decode(). */
static void check_argument(const char *raw, size_t n)
{
	char *mhd = malloc(n + 1), *ours = malloc(n + 1);
	CHECK(mhd && ours);
	memcpy(mhd, raw, n);
	mhd[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (mhd[i] == '+')
			mhd[i] = ' ';
	MHD_http_unescape(mhd);
	memcpy(ours, raw, n);
	ours[n] = 0;
	size_t len = n;
	if (url_decode(ours, &len) && memchr(ours, 0, len) == NULL)
		CHECK(!strcmp(ours, mhd));
	if (utf8_valid(mhd, strlen(mhd)))
		check_value(mhd);
	free(mhd);
	free(ours);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int checked;
	if (!checked) {
		check_route_table();
		checked = 1;
	}
	/* The request target as a C string (a request line cannot carry a NUL). */
	size_t n = strnlen((const char *)data, size);
	char *target = malloc(n + 1);
	CHECK(target);
	memcpy(target, data, n);
	target[n] = 0;
	char *query = strchr(target, '?');
	if (query)
		*query++ = 0;

	char *path = strdup(target);
	CHECK(path);
	MHD_http_unescape(path);
	if (utf8_valid(path, strlen(path))) {
		static const char *const methods[] = {"GET", "HEAD", "POST", "PUT"};
		for (size_t i = 0; i < COUNT(methods); i++)
			check_route(methods[i], path);
		check_next_round_trip(path);
		check_value(path);
	}
	for (char *arg = query, *next; arg && *arg; arg = next) {
		next = strchr(arg, '&');
		size_t len = next ? (size_t)(next - arg) : strlen(arg);
		if (next)
			next++;
		const char *eq = memchr(arg, '=', len);
		check_argument(arg, eq ? (size_t)(eq - arg) : len);
		if (eq)
			check_argument(eq + 1, len - (size_t)(eq - arg) - 1);
	}
	free(path);
	free(target);
	return 0;
}
