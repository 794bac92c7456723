/*
** Parser for application/x-www-form-urlencoded bodies: name=value pairs joined by '&',
** '+' for space and %XX escapes. It refuses, with a message naming the field, anything
** malformed: bad escapes, invalid UTF-8, NUL bytes, or too many fields. Fuzzed by
** tests/fuzz/fuzz_form.c.
*/
#include "http.h"

#include <string.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s in place ('+' and %XX); *len is updated. Returns 0 on a malformed escape. */
int url_decode(char *s, size_t *len)
{
	size_t o = 0;
	for (size_t i = 0; i < *len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= *len)
				return 0;
			int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return 0;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		s[o++] = c;
	}
	s[o] = 0;
	*len = o;
	return 1;
}

int form_parse(Arena *a, const char *body, size_t n, Param **out, int *count, const char **err)
{
	*out = NULL;
	*count = 0;
	int fields = 0;
	for (size_t i = 0; i < n; i++)
		fields += body[i] == '&';
	if (fields + 1 > HTTP_MAX_FIELDS) {
		*err = _("Formularen har for mange felter.");
		return -1;
	}
	Param *p = arena_alloc(a, sizeof *p * (size_t)(fields + 1));
	int k = 0;
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && body[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(body + i, '=', end - i);
			size_t name_len = eq ? (size_t)(eq - (body + i)) : end - i;
			size_t value_len = eq ? end - i - name_len - 1 : 0;
			char *name = arena_strndup(a, body + i, name_len);
			char *value = arena_strndup(a, eq ? eq + 1 : "", value_len);
			if (!url_decode(name, &name_len) || !url_decode(value, &value_len)) {
				*err = _("Formularen indeholder en ugyldig %-kode.");
				return -1;
			}
			if (!utf8_valid(name, name_len) || !utf8_valid(value, value_len)) {
				*err = arena_printf(a, _("Feltet '%s' indeholder ugyldige tegn (ikke UTF-8)."),
				                    utf8_valid(name, name_len) ? name : "?");
				return -1;
			}
			p[k++] = (Param){name, value, value_len};
		}
		i = end + 1;
	}
	*out = p;
	*count = k;
	return 0;
}
