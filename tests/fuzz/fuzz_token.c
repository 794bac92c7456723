/*
** libFuzzer target for meeting_whole_token() (src/meeting.c), which decides whether a case
** number found in the minutes of a staff meeting stands as a token of its own. The input is
** a needle (up to the first newline) and a text (the rest). For every occurrence of the needle
** in the text, the answer is compared with a reference that first decodes the whole text into
** code points and then applies the rule to the neighbouring code points; on text that is not
** valid UTF-8 the function must only stay inside the string (AddressSanitizer watches).
*/
// fuzz-sources: *
#include "tilsyn.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz_token: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* The rule, written from the comment in meeting.c: letters and digits are word characters; so is
** everything outside ASCII but the Latin-1 signs U+0080-U+00BF, U+00D7, U+00F7, the general
** punctuation U+2000-U+206F and the CJK punctuation U+3000-U+303F. */
static int ref_word(long c)
{
	if (c < 0)
		return 0;
	if (c < 0x80)
		return isalnum((int)c) != 0;
	return !(c <= 0xbf || c == 0xd7 || c == 0xf7 || (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f));
}

static int ref_joiner(long c)
{
	return c == '.' || c == '-' || c == '/' || c == '_';
}

/* Decodes valid UTF-8 into code points; start[i] is where code point i begins. */
static size_t ref_decode(const unsigned char *s, size_t n, long *cp, size_t *start)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		int len = s[i] < 0x80 ? 1 : s[i] < 0xe0 ? 2 : s[i] < 0xf0 ? 3 : 4;
		long c = len == 1 ? s[i] : len == 2 ? s[i] & 0x1f : len == 3 ? s[i] & 0x0f : s[i] & 0x07;
		for (int j = 1; j < len; j++)
			c = c * 64 + (s[i + (size_t)j] & 0x3f);
		start[k] = i;
		cp[k++] = c;
		i += (size_t)len;
	}
	start[k] = n;
	return k;
}

static int ref_whole(const long *cp, const size_t *start, size_t ncp, size_t at, size_t len)
{
	size_t first = 0, after = 0;
	while (start[first] < at)
		first++;
	after = first;
	while (after < ncp && start[after] < at + len)
		after++;
	long p = first > 0 ? cp[first - 1] : -1, pp = first > 1 ? cp[first - 2] : -1;
	long c = after < ncp ? cp[after] : -1, cc = after + 1 < ncp ? cp[after + 1] : -1;
	if (ref_word(p) || (ref_joiner(p) && ref_word(pp)))
		return 0;
	if (ref_word(c) || (ref_joiner(c) && ref_word(cc)))
		return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || nl == data)
		return 0;
	size_t nneedle = (size_t)(nl - data), ntext = size - nneedle - 1;
	char *needle = malloc(nneedle + 1), *text = malloc(ntext + 1);
	memcpy(needle, data, nneedle);
	needle[nneedle] = 0;
	memcpy(text, nl + 1, ntext);
	text[ntext] = 0;
	size_t tlen = strlen(text), nlen = strlen(needle);
	int valid = nlen > 0 && utf8_valid(text, tlen) && utf8_valid(needle, nlen);
	long *cp = malloc((tlen + 1) * sizeof *cp);
	size_t *start = malloc((tlen + 2) * sizeof *start);
	size_t ncp = valid ? ref_decode((const unsigned char *)text, tlen, cp, start) : 0;
	for (const char *p = nlen ? strstr(text, needle) : NULL; p; p = strstr(p + 1, needle)) {
		size_t at = (size_t)(p - text);
		int got = meeting_whole_token(text, at, nlen);
		CHECK(got == 0 || got == 1);
		/* A match that starts or ends inside a character is no comparison the rule speaks of. */
		if (valid && (((unsigned char)text[at] & 0xc0) != 0x80) && (((unsigned char)text[at + nlen] & 0xc0) != 0x80))
			CHECK(got == ref_whole(cp, start, ncp, at, nlen));
	}
	free(cp);
	free(start);
	free(needle);
	free(text);
	return 0;
}
