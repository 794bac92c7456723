/*
** libFuzzer target for the case-insensitive matching of filters and searches (src/fold.c)
** and the Danish time of a case-list version (src/dates.c): any bytes, valid UTF-8 or not.
** text_fold() never writes past its buffer, never lengthens the text, keeps valid UTF-8
** valid, and folding twice gives what folding once gives; a text always contains its own
** folded form; date_time_danish() never crashes, and what it
** writes for a time it reads ends in "kl. TT.MM" with hours 00-23 and minutes 00-59.
*/
// fuzz-sources: fold.c dates.c util.c arena.c buf.c
#include "tilsyn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_fold: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0; /* a NUL inside ends the text, as it would in a C string from a form */
	size_t len = strlen(s);

	char *once = malloc(len + 1), *twice = malloc(len + 1);
	text_fold(s, once, len + 1);
	CHECK(strlen(once) <= len);
	if (utf8_valid(s, len))
		CHECK(utf8_valid(once, strlen(once)));
	text_fold(once, twice, len + 1);
	CHECK(strcmp(once, twice) == 0);
	CHECK(text_contains_folded(s, once));
	/* Upper and lower case find each other: the folded text finds itself in the original. */
	CHECK(text_contains_folded(once, once));

	/* A short buffer: terminated, within bounds, a prefix of the full fold. */
	char small[8];
	text_fold(s, small, sizeof small);
	CHECK(strlen(small) < sizeof small);
	CHECK(strncmp(small, once, strlen(small)) == 0);

	char when[64];
	date_time_danish(s, when);
	CHECK(strlen(when) < sizeof when);
	const char *kl = strstr(when, " kl. ");
	if (kl && strncmp(when, s, strlen(when)) != 0) { /* not copied (perhaps cut) from the input */
		int hh = -1, mm = -1;
		CHECK(sscanf(kl, " kl. %2d.%2d", &hh, &mm) == 2 && hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59);
	}
	free(once);
	free(twice);
	free(s);
	return 0;
}
