/*
** Tests of the small helpers in util.c: strict UTF-8 validation, hex encoding and decoding,
** integer parsing and trimming. (Finding CPR numbers: test_cpr.c.)
*/
#include "unit_helpers.h"

#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)

static void utf8_accepts_valid_text(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(VALID("plain ASCII ~!"));
	assert_true(VALID("Rådgiver Ærø"));           /* 2 bytes */
	assert_true(VALID("\xE2\x82\xAC"));           /* € U+20AC, 3 bytes */
	assert_true(VALID("\xF0\x9F\x98\x80"));       /* U+1F600, 4 bytes */
	assert_true(VALID("\xC2\x80"));               /* U+0080, smallest 2-byte */
	assert_true(VALID("\xE0\xA0\x80"));           /* U+0800, smallest 3-byte */
	assert_true(VALID("\xF0\x90\x80\x80"));       /* U+10000, smallest 4-byte */
	assert_true(VALID("\xED\x9F\xBF"));           /* U+D7FF, just below the surrogates */
	assert_true(VALID("\xEE\x80\x80"));           /* U+E000, just above them */
	assert_true(VALID("\xF4\x8F\xBF\xBF"));       /* U+10FFFF, the largest */
	/* n bounds the check: bytes after n are not looked at. */
	assert_true(utf8_valid("ab\xFF", 2));
}

static void utf8_refuses_invalid_text(void **state)
{
	(void)state;
	assert_false(VALID("\xC0\x80"));              /* overlong NUL */
	assert_false(VALID("\xC1\xBF"));              /* overlong */
	assert_false(VALID("\xE0\x80\x80"));          /* overlong 3-byte */
	assert_false(VALID("\xE0\x9F\xBF"));          /* overlong U+07FF */
	assert_false(VALID("\xF0\x80\x80\x80"));      /* overlong 4-byte */
	assert_false(VALID("\xF0\x8F\xBF\xBF"));      /* overlong U+FFFF */
	assert_false(VALID("\xED\xA0\x80"));          /* U+D800, a surrogate */
	assert_false(VALID("\xED\xBF\xBF"));          /* U+DFFF */
	assert_false(VALID("\xF4\x90\x80\x80"));      /* U+110000 */
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xFF"));
	assert_false(VALID("\xFE"));
	assert_false(VALID("\x80"));                  /* lone continuation byte */
	assert_false(VALID("a\xBF" "b"));
	assert_false(VALID("\xC3"));                  /* truncated sequences */
	assert_false(VALID("\xE2\x82"));
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(utf8_valid("\xC3\xA6", 1));      /* truncated by n */
	assert_false(VALID("\xC3" "a"));              /* continuation missing */
	assert_false(VALID("\xE2\x28\xA1"));
	assert_false(VALID("a\0b"));                  /* NUL */
	assert_false(utf8_valid("\0", 1));
	assert_false(VALID("ok \xC3\xA6 then \xC0\x80"));
}

static void hex_round_trip(void **state)
{
	(void)state;
	unsigned char in[256], back[256];
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	char hex[513];
	hex_encode(hex, in, sizeof in);
	assert_int_equal(strlen(hex), 512);
	assert_memory_equal(hex, "000102030405060708090a0b0c0d0e0f10", 34);
	assert_string_equal(hex + 500, "fafbfcfdfeff");
	assert_true(hex_decode(back, sizeof back, hex));
	assert_memory_equal(in, back, sizeof in);

	unsigned char two[2];
	assert_true(hex_decode(two, 2, "ABcd"));
	assert_int_equal(two[0], 0xAB);
	assert_int_equal(two[1], 0xCD);

	char empty[1] = "x";
	hex_encode(empty, in, 0);
	assert_string_equal(empty, "");
	assert_true(hex_decode(back, 0, ""));
}

static void hex_rejects(void **state)
{
	(void)state;
	unsigned char out[4] = {1, 2, 3, 4};
	assert_false(hex_decode(out, 2, "abc"));       /* odd length */
	assert_false(hex_decode(out, 2, "abcdef"));    /* too long */
	assert_false(hex_decode(out, 2, "ab"));        /* too short */
	assert_false(hex_decode(out, 2, "abcg"));      /* not hex */
	assert_false(hex_decode(out, 2, "ab c"));
	assert_false(hex_decode(out, 2, "0x12"));
	assert_false(hex_decode(out, 2, "-1ab"));
	assert_false(hex_decode(out, 1, "\xC3\xA6"));
	assert_false(hex_decode(out, 1, ""));
}

static void int64_parsing(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_true(parse_int64("42", &v));
	assert_int_equal(v, 42);
	assert_true(parse_int64("-7", &v));
	assert_int_equal(v, -7);
	assert_true(parse_int64("0", &v));
	assert_int_equal(v, 0);
	assert_true(parse_int64("007", &v));
	assert_int_equal(v, 7);
	assert_true(parse_int64("9223372036854775807", &v));
	assert_true(v == INT64_MAX);
	assert_true(parse_int64("-9223372036854775808", &v));
	assert_true(v == INT64_MIN);

	v = 99;
	const char *bad[] = {"", "9223372036854775808", "-9223372036854775809", "12a", "a12", " 12", "12 ",
	                     "+5", "-", "1.5", "0x10", "1e3", "--1", "- 1", "١٢"};
	for (size_t i = 0; i < COUNT(bad); i++) {
		if (parse_int64(bad[i], &v))
			fail_msg("parse_int64 accepted \"%s\"", bad[i]);
		assert_int_equal(v, 99); /* untouched on failure */
	}
	assert_false(parse_int64(NULL, &v));
	assert_int_equal(v, 99);
}

static void trimming(void **state)
{
	(void)state;
	char a[] = "  Anna Hansen \t\r\n";
	assert_string_equal(str_trim(a), "Anna Hansen");
	char b[] = "";
	assert_string_equal(str_trim(b), "");
	char c[] = " \t\n ";
	assert_string_equal(str_trim(c), "");
	char d[] = "x";
	assert_string_equal(str_trim(d), "x");
	char e[] = "Ærø  ";
	char *t = str_trim(e);
	assert_string_equal(t, "Ærø");
	assert_ptr_equal(t, e);
	char f[] = "  inde  i  ";
	assert_string_equal(str_trim(f), "inde  i");

	assert_true(str_empty(NULL));
	assert_true(str_empty(""));
	assert_true(str_empty(" \t\n"));
	assert_false(str_empty(" x "));
	assert_true(str_eq("a", "a"));
	assert_false(str_eq("a", "A"));
	assert_false(str_eq(NULL, "a"));
	assert_false(str_eq("a", NULL));
	assert_false(str_eq(NULL, NULL));
}

static void iso_time(void **state)
{
	(void)state;
	char out[32];
	time_iso(out, 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	time_iso(out, 1700000000);
	assert_string_equal(out, "2023-11-14T22:13:20Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_accepts_valid_text),
		cmocka_unit_test(utf8_refuses_invalid_text),
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(hex_rejects),
		cmocka_unit_test(int64_parsing),
		cmocka_unit_test(trimming),
		cmocka_unit_test(iso_time),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
