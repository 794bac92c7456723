/*
** Tests of cpr.c: every usual spelling of a CPR number is found (dashes, spaces, no-break
** spaces, dots, slashes, underscores, tabs, two and three separators, dd.mm.yy dates, zero-width and
** other format characters, full-width digits), and nothing that merely looks numeric is
** (case numbers, dates, times, phone numbers, amounts, long digit runs), each inside the
** longest ordinary text we could think of; the 9-digit number cell of a case list; masking.
*/
#include "unit_helpers.h"

/* A match at byte offset `at`, and still one when surrounded by letters. */
static void found_at(const char *s, int at)
{
	int got = cpr_find(s);
	if (got != at)
		fail_msg("cpr_find(\"%s\") = %d, expected %d", s, got, at);
	char *wrapped = xmalloc(strlen(s) + 16);
	sprintf(wrapped, "Bæk%sså", s);
	if (cpr_find(wrapped) != at + 4)
		fail_msg("cpr_find(\"%s\") = %d, expected %d", wrapped, cpr_find(wrapped), at + 4);
	free(wrapped);
}

static void none(const char *s)
{
	int got = cpr_find(s);
	if (got != -1)
		fail_msg("cpr_find(\"%s\") = %d, expected no CPR number", s, got);
}

static void plain_spellings(void **state)
{
	(void)state;
	found_at("010190-1234", 0);
	found_at("0101901234", 0);
	found_at("x 311299 1234 y", 2);
	found_at("CPR: 241265-4321.", 5);
	found_at("Borger (0101901234) ringede", 8);
	found_at("290200-1234", 0); /* 29 February: the century is unknown */
	found_at("310190-1234", 0);
	found_at("300490-1234", 0);
	found_at("sag 27.12.00-G01-262-24 og 010190-1234", 27);
	found_at("ÆØÅ 010190-1234", 7); /* a byte offset */
	found_at("12-0101901234", 3);   /* a dash before is not a digit */
	found_at("010190-1234-01", 0);  /* what follows the four digits is not our business */
}

static void separators(void **state)
{
	(void)state;
	found_at("Borger 010190\xE2\x80\x93" "1234", 7); /* en dash */
	found_at("010190\xE2\x80\x94" "1234", 0);        /* em dash */
	found_at("010190\xE2\x88\x92" "1234", 0);        /* minus sign */
	found_at("010190\xE2\x80\x90" "1234", 0);        /* hyphen */
	found_at("010190\xE2\x80\x91" "1234", 0);        /* non-breaking hyphen */
	found_at("010190\xC2\xA0" "1234", 0);            /* no-break space */
	found_at("010190\xE2\x80\xAF" "1234", 0);        /* narrow no-break space */
	found_at("010190\xE2\x80\x89" "1234", 0);        /* thin space */
	found_at("010190.1234", 0);
	found_at("010190/1234", 0);
	found_at("010190_1234", 0);
	found_at("Borger 010190 - 1234", 7); /* three separators, as people type it */
	found_at("010190\t1234", 0);
	found_at("010190\n1234", 0);
	found_at("010190  1234", 0);
	found_at("010190--1234", 0);
	found_at("010190 -1234", 0);
	found_at("010190 \xE2\x80\x93" "1234", 0);
	found_at("Ydelse til 010190 1234.", 11);
}

static void dotted_dates(void **state)
{
	(void)state;
	found_at("01.01.90-1234", 0);
	found_at("01-01-90-1234", 0);
	found_at("01/01/90 1234", 0);
	found_at("født 31.12.99 1234", 6);
}

static void hidden_characters(void **state)
{
	(void)state;
	found_at("010190\xE2\x80\x8B-1234", 0);         /* zero-width space before the dash */
	found_at("0101\xE2\x80\x8B" "901234", 0);       /* zero-width space among the digits */
	found_at("0101\xC2\xAD" "90-1234", 0);          /* soft hyphen */
	found_at("010190\xE2\x81\xA0" "1234", 0);       /* word joiner: joins, so ten in a row */
	found_at("\xEF\xBB\xBF" "010190-1234", 3);      /* BOM */
	found_at("0101\xE2\x80\x8E" "90-1234", 0);      /* left-to-right mark */
	found_at("x\xE2\x80\x8C\xE2\x80\x8D" "0101901234", 7);
	/* full-width digits and hyphen */
	found_at("\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x90\xEF\xBC\x8D"
	         "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94", 0);
	found_at("Sag: \xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x90 1234", 5);
	found_at("010190-\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4", 0); /* Arabic-Indic digits */
	found_at("0\xCC\x81" "10190-1234", 0);                  /* a combining accent on a digit */
	found_at("Søren 010190-12\xC2\xB3" "4", 7);              /* a superscript three among Latin-1 */
	found_at("\xC2\xB9" "01190-1234", 0);                    /* a superscript one */
}

static void not_cpr_numbers(void **state)
{
	(void)state;
	none("");
	none("Anna Hansen");
	none("320190-1234"); /* day 32 */
	none("000190-1234"); /* day 0 */
	none("011390-1234"); /* month 13 */
	none("010090-1234"); /* month 0 */
	none("310490-1234"); /* 31 April */
	none("300290-1234"); /* 30 February */
	none("32.01.90-1234");
	none("01.13.90-1234");
	/* case numbers */
	none("27.12.00-G01-262-24");
	none("Sag 27.12.12-A00-1-20 er lukket");
	none("Sagen 27.19.09-G01-3940-19 blev genoptaget efter klagen 27.19.09-G01-3940-19/2");
	none("Journalnr. 27.12.00-A26-1-20 og 27.12.00-G01-262-24 samt 00.01.00-A00-1-24");
	/* dates and times */
	none("Mødet blev holdt 01.01.2020 kl. 10.00, og næste møde er 2020-01-01 eller 01/01/2020.");
	none("Afgørelse 2020-01-01, klage 2020-02-01T10:20:30Z, genvurdering 20200101T101010Z");
	none("Perioden 01.01.20-31.12.20 og 01.01.2020-31.12.2020");
	none("kl. 10:20:30, 10.20.30 og 10-20-30");
	/* phone numbers */
	none("Ring på 12 34 56 78 eller +45 12345678 eller +45 12 34 56 78 eller tlf. 1234 5678");
	none("+4512345678");
	/* amounts */
	none("Bevilget 1.234.567,00 kr, heraf 12.345 kr og 123.456,78 kr, i alt 10.000.000 kr.");
	none("Beløb: 1 234 567,00 kr.");
	/* digit runs of the wrong length */
	none("01019012345");  /* 11 digits */
	none("990101901234"); /* a ten-digit run inside a longer number */
	none("123456789012345");
	none("010190-12345"); /* too many digits after the dash */
	none("5010190-1234"); /* too many before */
	none("010190-123");   /* too few */
	none("010190");
	none("tlf. 12345678");
	none("010190 -  1234"); /* four separators: more than three */
	none("01.01-90-1234"); /* the date's separators must agree */
	none("01.01.901234");  /* the year runs into the four digits */
	/* invalid UTF-8 is read byte by byte, never past the end */
	none("\xEF\xBC");
	none("0101\xFF" "901234");
}

static void nine_digit_cells(void **state)
{
	(void)state;
	assert_true(cpr_number_cell("101901234"));   /* 0101901234 with the zero dropped */
	assert_true(cpr_number_cell(" 101901234 "));
	assert_true(cpr_number_cell("911991234"));   /* 09.11.99 */
	assert_true(cpr_number_cell("1.01901234E8")); /* an XLSX number in another notation */
	assert_true(cpr_number_cell("101901234.0"));
	assert_true(cpr_number_cell("0101901234"));
	assert_true(cpr_number_cell("3112991234"));
	assert_true(cpr_number_cell("\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x90\xEF\xBC\x91"
	                            "\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94")); /* full-width 101901234 */
	assert_false(cpr_number_cell("113901234"));  /* 01.13: no month 13 */
	assert_false(cpr_number_cell("123456789"));  /* 01.23 */
	assert_false(cpr_number_cell("12345678"));   /* eight digits */
	assert_false(cpr_number_cell("12345678901")); /* eleven */
	assert_false(cpr_number_cell("3212991234")); /* day 32 */
	assert_false(cpr_number_cell("A-101901234"));
	assert_false(cpr_number_cell("101901234 kr"));
	assert_false(cpr_number_cell("1019012.34"));
	assert_false(cpr_number_cell("inf"));
	assert_false(cpr_number_cell("0x6137C52"));
	assert_false(cpr_number_cell(""));
	assert_false(cpr_number_cell(NULL));
}

static void masked(const char *in, const char *want)
{
	char *got = cpr_mask(in);
	assert_string_equal(got, want);
	assert_int_equal(cpr_find(got), -1);
	free(got);
}

static void masking(void **state)
{
	(void)state;
	masked("010190-1234", "010190-xxxx");
	masked("0101901234", "010190-xxxx");
	masked("Borger 010190\xE2\x80\x93" "1234 ringede", "Borger 010190-xxxx ringede");
	masked("01.01.90 1234", "01.01.90-xxxx");
	masked("GET /d/BHS/cases/0101901234/x", "GET /d/BHS/cases/010190-xxxx/x");
	masked("a 010190-1234 og 020290  5678.", "a 010190-xxxx og 020290-xxxx.");
	masked("010190\xE2\x80\x8B-1234", "010190-xxxx");
	masked("\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x90-1234",
	       "\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x90-xxxx");
	masked("sagsliste 010190-1234.csv", "sagsliste 010190-xxxx.csv");
	masked("Intet CPR-nummer her: 27.12.00-G01-262-24", "Intet CPR-nummer her: 27.12.00-G01-262-24");
	masked("", "");
	assert_null(cpr_mask(NULL));
}

static void normalizing(void **state)
{
	(void)state;
	char *s = cpr_normalize("\xEF\xBC\x90\xEF\xBC\x91 a\xE2\x80\x8B" "b\xC2\xA0" "c\xC2\xAD" "d");
	assert_string_equal(s, "01 ab c" "d");
	free(s);
	s = cpr_normalize("e\xE2\x80\x8B\xCC\x81"); /* the accent meets its letter once the ZWSP goes */
	assert_string_equal(s, "\xC3\xA9");
	free(s);
	s = cpr_normalize("bad \xFF byte");
	assert_int_equal(cpr_find(s), -1);
	assert_true(utf8_valid(s, strlen(s)));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_spellings),
		cmocka_unit_test(separators),
		cmocka_unit_test(dotted_dates),
		cmocka_unit_test(hidden_characters),
		cmocka_unit_test(not_cpr_numbers),
		cmocka_unit_test(nine_digit_cells),
		cmocka_unit_test(masking),
		cmocka_unit_test(normalizing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
