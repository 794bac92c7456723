/*
** Tests of the one CSV writer (csv_write.c): RFC 4180 quoting, and text a spreadsheet would
** run as a formula (= + - @ tab CR first) written with a leading ' while numbers the program
** formats itself, negative ones too, stay numbers.
*/
#include "unit_helpers.h"

/* One row of text cells, as the writer makes it. */
static char *row_of(const char *const *cells, int n)
{
	Buf b;
	buf_init(&b, 0);
	for (int i = 0; i < n; i++)
		csv_text(&b, cells[i], i + 1 == n);
	return buf_detach(&b);
}

static void plain_text_as_it_is(void **state)
{
	(void)state;
	const char *cells[] = {"27.12.08-G01-1-01", "Anne Bækgaard", "barn", "2024-01-31", ""};
	char *s = row_of(cells, 5);
	assert_string_equal(s, "27.12.08-G01-1-01,Anne Bækgaard,barn,2024-01-31,\n");
	free(s);
}

static void quoting(void **state)
{
	(void)state;
	const char *cells[] = {"Bækgaard, Anne", "sagde \"nej\"", "to\nlinjer", "a;b", "a\tb"};
	char *s = row_of(cells, 5);
	assert_string_equal(s, "\"Bækgaard, Anne\",\"sagde \"\"nej\"\"\",\"to\nlinjer\",\"a;b\",\"a\tb\"\n");
	free(s);
}

static void formulas_defused(void **state)
{
	(void)state;
	const char *cells[] = {"=HYPERLINK(\"http://x\")", "@SUM(1+1)", "+1+1", "-2+3", "=1+1", "\t=1", "\r=1"};
	char *s = row_of(cells, 7);
	assert_string_equal(s, "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(1+1),'+1+1,'-2+3,'=1+1,\"'\t=1\",\"'\r=1\"\n");
	free(s);
	/* What is defused: only a formula's first character; inside a cell they are text. */
	assert_true(csv_text_is_formula("=A1"));
	assert_true(csv_text_is_formula("-"));
	assert_false(csv_text_is_formula("a=b"));
	assert_false(csv_text_is_formula(""));
	assert_false(csv_text_is_formula(NULL));
	assert_false(csv_text_is_formula("'=A1"));
}

static void numbers_stay_numbers(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	csv_number(&b, "-0.1250", 0);
	csv_number(&b, "+1", 0);
	csv_number(&b, "", 0);
	csv_text(&b, "-0.1250", 1);
	assert_string_equal(buf_cstr(&b), "-0.1250,+1,,'-0.1250\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_as_it_is),
		cmocka_unit_test(quoting),
		cmocka_unit_test(formulas_defused),
		cmocka_unit_test(numbers_stay_numbers),
	};
	return cmocka_run_group_tests_name("csv_write", tests, NULL, NULL);
}
