/*
** Tests of the form parser (form.c): application/x-www-form-urlencoded bodies are split
** into fields with '+' and %XX decoded, and anything malformed (bad escapes, invalid
** UTF-8, NUL bytes, too many fields) is refused with a message instead of being passed on.
*/
#include "unit_helpers.h"
#include "http.h"

typedef struct Parsed {
	Arena *arena;
	Param *p;
	int n;
	const char *err;
	int rc;
} Parsed;

static Parsed parse_n(const char *body, size_t n)
{
	Parsed r = {arena_new(0), NULL, -1, NULL, 0};
	r.rc = form_parse(r.arena, body, n, &r.p, &r.n, &r.err);
	return r;
}

static Parsed parse(const char *body)
{
	return parse_n(body, strlen(body));
}

static void expect_field(const Parsed *r, int i, const char *name, const char *value)
{
	assert_true(i < r->n);
	assert_string_equal(r->p[i].name, name);
	assert_string_equal(r->p[i].value, value);
	assert_int_equal(r->p[i].len, strlen(value));
}

static void simple_pairs(void **state)
{
	(void)state;
	Parsed r = parse("login=anna&password=hemmelig123&csrf=ab12");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 3);
	expect_field(&r, 0, "login", "anna");
	expect_field(&r, 1, "password", "hemmelig123");
	expect_field(&r, 2, "csrf", "ab12");
	arena_destroy(r.arena);

	r = parse("");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 0);
	arena_destroy(r.arena);

	/* Repeated names are all kept, in order. */
	r = parse("theme=a&theme=b");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 2);
	expect_field(&r, 0, "theme", "a");
	expect_field(&r, 1, "theme", "b");
	arena_destroy(r.arena);
}

static void decoding(void **state)
{
	(void)state;
	Parsed r = parse("name=Anna+Marie+Hansen&q=a%2Bb%3D%26c&n%61me2=%c3%a6%C3%B8%C3%A5&pct=100%25");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 4);
	expect_field(&r, 0, "name", "Anna Marie Hansen");
	expect_field(&r, 1, "q", "a+b=&c");
	expect_field(&r, 2, "name2", "æøå");
	expect_field(&r, 3, "pct", "100%");
	arena_destroy(r.arena);

	/* A '=' inside the value belongs to the value. */
	r = parse("next=/login?x=1");
	assert_int_equal(r.rc, 0);
	expect_field(&r, 0, "next", "/login?x=1");
	arena_destroy(r.arena);
}

static void empty_values_and_pieces(void **state)
{
	(void)state;
	Parsed r = parse("a=&flag&&b=2&&&=v&");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 4);
	expect_field(&r, 0, "a", "");
	expect_field(&r, 1, "flag", "");
	expect_field(&r, 2, "b", "2");
	expect_field(&r, 3, "", "v");
	arena_destroy(r.arena);

	r = parse("&&&");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 0);
	arena_destroy(r.arena);
}

static void respects_length(void **state)
{
	(void)state;
	/* The body need not be NUL-terminated: only n bytes are read. */
	char body[] = {'a', '=', '1', '&', 'b', '=', '2'};
	Parsed r = parse_n(body, 3);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 1);
	expect_field(&r, 0, "a", "1");
	arena_destroy(r.arena);

	r = parse_n(body, sizeof body);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 2);
	expect_field(&r, 1, "b", "2");
	arena_destroy(r.arena);

	/* An escape cut off by n is malformed, even if the bytes after n would complete it. */
	r = parse_n("a=%41", 4);
	assert_int_equal(r.rc, -1);
	arena_destroy(r.arena);
}

static void refuse(const char *body, const char *why)
{
	Parsed r = parse(body);
	if (r.rc != -1)
		fail_msg("accepted %s (%s)", body, why);
	assert_non_null(r.err);
	assert_true(strlen(r.err) > 0);
	arena_destroy(r.arena);
}

static void malformed_escapes(void **state)
{
	(void)state;
	refuse("a=%G1", "not hex");
	refuse("a=%1G", "not hex");
	refuse("a=%", "trailing %");
	refuse("a=%4", "one digit");
	refuse("a=b%", "trailing % after text");
	refuse("a%=1", "in the name");
	refuse("a=1&b=%%41", "double %");
	refuse("a=%+1", "+ is not a hex digit");

	Parsed r = parse("a=%G1");
	assert_string_equal(r.err, "Formularen indeholder en ugyldig %-kode.");
	arena_destroy(r.arena);

	/* The last possible position of a complete escape is fine. */
	r = parse("a=%41");
	assert_int_equal(r.rc, 0);
	expect_field(&r, 0, "a", "A");
	arena_destroy(r.arena);
}

static void invalid_utf8_and_nul(void **state)
{
	(void)state;
	refuse("name=%FF", "invalid UTF-8");
	refuse("name=%C3", "truncated UTF-8");
	refuse("name=%C0%80", "overlong NUL");
	refuse("name=%ED%A0%80", "surrogate");
	refuse("name=a%00b", "NUL");
	refuse("name=%00", "only NUL");
	refuse("na%00me=x", "NUL in the name");
	refuse("%FF=x", "invalid name");

	/* The message names the field whose value is bad. */
	Parsed r = parse("login=anna&navn=%FF");
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.err, "'navn'"));
	assert_non_null(strstr(r.err, "UTF-8"));
	arena_destroy(r.arena);

	/* Raw (unescaped) bytes are checked as well. */
	char raw[] = "x=\xFF";
	r = parse(raw);
	assert_int_equal(r.rc, -1);
	arena_destroy(r.arena);
}

static void field_count_limit(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	for (int i = 0; i < HTTP_MAX_FIELDS; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	Parsed r = parse_n(b.data, b.len);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, HTTP_MAX_FIELDS);
	expect_field(&r, 0, "f0", "0");
	expect_field(&r, HTTP_MAX_FIELDS - 1, "f1999", "1999");
	arena_destroy(r.arena);

	buf_puts(&b, "&one=more");
	r = parse_n(b.data, b.len);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "Formularen har for mange felter.");
	arena_destroy(r.arena);
	buf_free(&b);
}

static void url_decode_updates_length(void **state)
{
	(void)state;
	char s[] = "a%20b+c%C3%A6";
	size_t n = strlen(s);
	assert_true(url_decode(s, &n));
	assert_int_equal(n, 7);
	assert_string_equal(s, "a b cæ");

	char t[] = "plain";
	n = strlen(t);
	assert_true(url_decode(t, &n));
	assert_int_equal(n, 5);
	assert_string_equal(t, "plain");

	/* Decodes only the first *len bytes. */
	char u[] = "a+b+c";
	n = 3;
	assert_true(url_decode(u, &n));
	assert_int_equal(n, 3);
	assert_string_equal(u, "a b");

	/* A decoded NUL is kept and counted; the caller checks it. */
	char v[] = "x%00y";
	n = strlen(v);
	assert_true(url_decode(v, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(v, "x\0y", 4);

	/* An escape cut off by *len is malformed, whatever follows in memory. */
	char cut[] = "a%41";
	n = 3;
	assert_false(url_decode(cut, &n));

	char w[] = "bad%zz";
	n = strlen(w);
	assert_false(url_decode(w, &n));
	char x[] = "%";
	n = 1;
	assert_false(url_decode(x, &n));
	char y[] = "";
	n = 0;
	assert_true(url_decode(y, &n));
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_pairs),
		cmocka_unit_test(decoding),
		cmocka_unit_test(empty_values_and_pieces),
		cmocka_unit_test(respects_length),
		cmocka_unit_test(malformed_escapes),
		cmocka_unit_test(invalid_utf8_and_nul),
		cmocka_unit_test(field_count_limit),
		cmocka_unit_test(url_decode_updates_length),
	};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
