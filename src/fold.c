/*
** Case-insensitive matching of UTF-8 text, for the filters and searches people type
** ("ø" finds "Østerby", "sel § 85" finds "SEL § 85"). Folding maps each upper-case letter
** to its lower-case form: ASCII, Latin-1 (Æ Ø Å and the other accented letters), Latin
** Extended-A, Greek and Cyrillic, by Unicode's simple case mapping. It needs no locale, so
** the server folds the same way whatever its environment says. Invalid bytes are copied
** as they are.
*/
#include "tilsyn.h"

#include <stdlib.h>
#include <string.h>

/* The lower-case form of code point c (Unicode simple case mapping, the scripts above). */
static unsigned fold_cp(unsigned c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x137)
		return c == 0x130 ? 'i' : c | 1;
	if (c >= 0x139 && c <= 0x148)
		return c & 1 ? c + 1 : c;
	if (c >= 0x14A && c <= 0x177)
		return c | 1;
	if (c == 0x178)
		return 0xFF;
	if (c >= 0x179 && c <= 0x17E)
		return c & 1 ? c + 1 : c;
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	return c;
}

/* Decodes one UTF-8 sequence at s (strict enough for folding); returns its length, or 0
** when the byte does not start a valid sequence. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF && (s[1] & 0xC0) == 0x80)
		return *cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F), 2;
	if (s[0] >= 0xE0 && s[0] <= 0xEF && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
		return *cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F), 3;
	return 0;
}

static size_t encode(unsigned cp, char *out)
{
	if (cp < 0x80)
		return out[0] = (char)cp, 1;
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | cp >> 12);
	out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* Writes the folded form of s into out (n bytes, always terminated; a longer text is cut
** at a whole character). The folded form is never longer than s, except that "İ"
** (2 bytes) becomes "i" (1 byte), so n = strlen(s) + 1 always suffices. */
char *text_fold(const char *s, char *out, size_t n)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp;
		size_t len = decode(p, &cp);
		char tmp[4];
		size_t w = len ? encode(fold_cp(cp), tmp) : (tmp[0] = (char)*p, 1);
		if (o + w >= n)
			break;
		memcpy(out + o, tmp, w);
		o += w;
		p += len ? len : 1;
	}
	if (n)
		out[o] = 0;
	return out;
}

/* Whether `needle_folded` (already folded with text_fold) occurs in text, ignoring case.
** An empty needle occurs everywhere. */
int text_contains_folded(const char *text, const char *needle_folded)
{
	if (!needle_folded || !*needle_folded)
		return 1;
	size_t n = strlen(text ? text : "") + 1;
	char small[512];
	char *f = n <= sizeof small ? small : xmalloc(n);
	text_fold(text, f, n);
	int found = strstr(f, needle_folded) != NULL;
	if (f != small)
		free(f);
	return found;
}
