/*
** libFuzzer target for the CPR detector (src/cpr.c): cpr_find(), cpr_mask(),
** cpr_normalize() and cpr_number_cell() on any bytes. Besides not crashing or reading past
** the string: the answer of cpr_find() is -1 or an offset inside the string where a match
** starts again; a masked text holds no match, and a text without one is left as it was;
** normalising twice gives what normalising once gave; the normalised text has a match
** exactly when the text has one; and a match stays found, at the same place, when the text
** is surrounded by letters (ASCII or not).
*/
// fuzz-sources: cpr.c util.c buf.c
#include "tilsyn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_cpr: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static void check_wrapped(const char *s, int r, const char *before, const char *after)
{
	size_t n = strlen(s), b = strlen(before);
	char *w = malloc(b + n + strlen(after) + 1);
	CHECK(w);
	memcpy(w, before, b);
	memcpy(w + b, s, n);
	strcpy(w + b + n, after);
	CHECK(cpr_find(w) == r + (int)b);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	CHECK(s);
	memcpy(s, data, n);
	s[n] = 0; /* an embedded NUL ends the text, as it would in a C string from a form */
	size_t len = strlen(s);

	int r = cpr_find(s);
	CHECK(r >= -1 && (r < 0 || (size_t)r < len));
	if (r >= 0) {
		CHECK(cpr_find(s + r) == 0);
		check_wrapped(s, r, "Q", "Q");
		check_wrapped(s, r, "\xC3\xA6", "\xC3\xB8"); /* æ ... ø */
	}

	char *masked = cpr_mask(s);
	CHECK(masked && cpr_find(masked) == -1);
	if (r < 0)
		CHECK(strcmp(masked, s) == 0);
	free(masked);

	char *norm = cpr_normalize(s);
	CHECK(utf8_valid(norm, strlen(norm)));
	char *again = cpr_normalize(norm);
	CHECK(strcmp(norm, again) == 0);
	CHECK((cpr_find(norm) >= 0) == (r >= 0));
	free(again);
	free(norm);

	int cell = cpr_number_cell(s);
	CHECK(cell == 0 || cell == 1);

	free(s);
	return 0;
}
