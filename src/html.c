/*
** The HTML writer: escaping for each context (text, attribute, URL component), a small
** formatter whose only raw text is its literal format string, and small shared pieces
** (status tags, options). It reads nothing: the page layout is page.c.
*/
#include "http.h"

static void escape(Buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void html_text(Buf *b, const char *s)
{
	escape(b, s);
}

/* Attribute values are always written in double quotes by this program; escaping both
** quote kinds as well keeps an unquoted or single-quoted slip safe too. */
void html_attr(Buf *b, const char *s)
{
	escape(b, s);
}

/* A URL component (path segment or query value): everything but unreserved characters
** and '/' is percent-encoded, so the result is also safe inside an attribute. '/' is kept
** so that a local path survives as ?next=; a value that may hold '/' cannot be one segment. */
void html_url(Buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/') {
			buf_putc(b, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(b, e, 3);
		}
	}
}

/*
** Formats into b. The format is a string literal (the html_fmt macro insists) and is the
** only text written raw; arguments go through an escaper chosen by the conversion:
**   %T text   %A attribute   %U URL component   %d int   %I int64_t   %% a percent sign
** Any other conversion is a programming error and aborts.
*/
void html_fmt_(Buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		buf_append(b, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 'T': html_text(b, va_arg(ap, const char *)); break;
		case 'A': html_attr(b, va_arg(ap, const char *)); break;
		case 'U': html_url(b, va_arg(ap, const char *)); break;
		case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'I': buf_printf(b, "%lld", (long long)va_arg(ap, int64_t)); break;
		case '%': buf_putc(b, '%'); break;
		default: fatal("html_fmt: unknown conversion %%%c in \"%s\"", *p ? *p : '0', fmt);
		}
		run = p + 1;
	}
	buf_puts(b, run);
	va_end(ap);
}

/* A status as a tag (GOV.UK's status tag): the word carries the meaning, the colour of
** `kind` ("done", "doing", "todo", "warn", "bad") only helps the eye. */
void html_tag(Buf *b, const char *kind, const char *text)
{
	html_fmt(b, "<strong class=\"tag %A\">%T</strong>", kind, text);
}

void html_option(Buf *b, const char *value, const char *label, int selected)
{
	if (selected)
		html_fmt(b, "<option value=\"%A\" selected>%T</option>", value, label);
	else
		html_fmt(b, "<option value=\"%A\">%T</option>", value, label);
}
