/*
** Parsers for form bodies: application/x-www-form-urlencoded (name=value pairs joined by
** '&', '+' for space and %XX escapes) and multipart/form-data (file uploads). They refuse,
** with a message naming the field, anything malformed: bad escapes, invalid UTF-8 outside
** file contents, NUL bytes, missing boundaries, or too many fields. Fuzzed by
** tests/fuzz/fuzz_form.c.
*/
#include "http.h"

#include <strings.h>
#include <string.h>

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
			int hi = hex_value((unsigned char)s[i + 1]), lo = hex_value((unsigned char)s[i + 2]);
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
			p[k++] = (Param){name, value, value_len, NULL};
		}
		i = end + 1;
	}
	*out = p;
	*count = k;
	return 0;
}

/* The value of parameter `name` in a header such as
** `form-data; name="file"; filename="liste.csv"`, quoted or not; NULL when absent or when
** it holds a NUL byte. Parameters are read in order, so text inside a quoted value is
** never taken for a parameter of its own. */
static char *header_param(Arena *a, const char *h, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *p = memchr(h, ';', n), *end = h + n;
	while (p && p < end) {
		p++;
		while (p < end && *p == ' ')
			p++;
		const char *key = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		if (p >= end || *p == ';')
			continue;
		size_t klen = (size_t)(p - key);
		const char *v = ++p, *vend;
		if (p < end && *p == '"') {
			v = ++p;
			while (p < end && *p != '"')
				p++;
			vend = p;
			if (p < end)
				p++;
		} else {
			while (p < end && *p != ';' && *p != ' ' && *p != '\r')
				p++;
			vend = p;
		}
		if (klen == nl && strncasecmp(key, name, nl) == 0)
			return memchr(v, 0, (size_t)(vend - v)) ? NULL : arena_strndup(a, v, (size_t)(vend - v));
		while (p < end && *p != ';')
			p++;
	}
	return NULL;
}

/* The parser behind both entry points. With `in_place` (the same bytes as body, writable) a
** file part's value points into the body instead of being copied, and is ended by a NUL written
** over the first byte of the delimiter that follows it (already matched, never read again):
** a large upload mapped from its temporary file is then never copied into memory. */
static int parse_multipart(Arena *a, const char *content_type, const char *body, char *in_place, size_t n,
                           Param **out, int *count, const char **err)
{
	*out = NULL;
	*count = 0;
	char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 200) {
		*err = _("Formularen mangler sin afgrænsning (boundary).");
		return -1;
	}
	char *delim = arena_printf(a, "\r\n--%s", boundary);
	size_t dlen = strlen(delim);
	/* The body starts with the delimiter without its leading line break. */
	if (n < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0) {
		*err = _("Formularen er ikke udfyldt korrekt (forkert start).");
		return -1;
	}
	Param *p = arena_alloc(a, sizeof *p * HTTP_MAX_FIELDS);
	int k = 0;
	size_t pos = dlen - 2;
	for (;;) {
		if (pos + 2 <= n && body[pos] == '-' && body[pos + 1] == '-')
			break; /* the closing delimiter */
		if (pos + 2 > n || body[pos] != '\r' || body[pos + 1] != '\n') {
			*err = _("Formularen er ikke udfyldt korrekt (afgrænsning).");
			return -1;
		}
		pos += 2;
		const char *hend = memmem(body + pos, n - pos, "\r\n\r\n", 4);
		if (!hend) {
			*err = _("Formularen er ikke udfyldt korrekt (delens overskrifter).");
			return -1;
		}
		const char *headers = body + pos;
		size_t hlen = (size_t)(hend - headers);
		const char *data = hend + 4;
		const char *next = memmem(data, n - (size_t)(data - body), delim, dlen);
		if (!next) {
			*err = _("Formularen er ikke udfyldt korrekt (afsluttende afgrænsning mangler).");
			return -1;
		}
		if (k == HTTP_MAX_FIELDS) {
			*err = _("Formularen har for mange felter.");
			return -1;
		}
		char *name = NULL, *filename = NULL;
		for (const char *line = headers; line < headers + hlen;) {
			const char *eol = memmem(line, (size_t)(headers + hlen - line), "\r\n", 2);
			size_t llen = eol ? (size_t)(eol - line) : (size_t)(headers + hlen - line);
			if (llen > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
				name = header_param(a, line, llen, "name");
				filename = header_param(a, line, llen, "filename");
			}
			line += llen + 2;
		}
		size_t len = (size_t)(next - data);
		if (!name || !utf8_valid(name, strlen(name)) || (filename && !utf8_valid(filename, strlen(filename)))) {
			*err = _("En del af formularen mangler navn eller har ugyldige tegn.");
			return -1;
		}
		if (!filename && !utf8_valid(data, len)) {
			*err = arena_printf(a, _("Feltet '%s' indeholder ugyldige tegn (ikke UTF-8)."), name);
			return -1;
		}
		if (filename && in_place) {
			p[k++] = (Param){name, data, len, filename};
			in_place[next - body] = 0;
		} else {
			p[k++] = (Param){name, arena_strndup(a, data, len), len, filename};
		}
		pos = (size_t)(next - body) + dlen;
	}
	*out = p;
	*count = k;
	return 0;
}

int form_parse_multipart(Arena *a, const char *content_type, const char *body, size_t n, Param **out, int *count,
                         const char **err)
{
	return parse_multipart(a, content_type, body, NULL, n, out, count, err);
}

int form_parse_multipart_in_place(Arena *a, const char *content_type, char *body, size_t n, Param **out,
                                  int *count, const char **err)
{
	return parse_multipart(a, content_type, body, body, n, out, count, err);
}
