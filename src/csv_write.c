/*
** The one CSV writer of everything tilsyn writes as CSV (`cases list`, `round cases`,
** `round results --format csv`, and any CSV export to come). RFC 4180: a cell is quoted
** when it holds a comma, a quote or a line break (and a semicolon or tab, so a spreadsheet
** that splits on those keeps the cell whole). Text that came from outside (case lists,
** catalogues, names) is written with csv_text, which defuses formulas: a spreadsheet runs a
** cell starting with = + - @ (or tab or CR before one) as a formula, so `=HYPERLINK(...)` in an
** imported case list would become a live link when the file is opened in Excel. Such a cell
** gets a leading ' (OWASP's advice), which Excel shows as text. Numbers the program formats
** itself (a negative change) go through csv_number and stay numbers.
*/
#include "tilsyn.h"

#include <string.h>

/* Whether a spreadsheet would read this text as a formula (OWASP CSV injection). */
int csv_text_is_formula(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

static void cell(Buf *b, const char *prefix, const char *s, int last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n;\t")) {
		buf_putc(b, '"');
		buf_puts(b, prefix);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	} else {
		buf_puts(b, prefix);
		buf_puts(b, s);
	}
	buf_putc(b, last ? '\n' : ',');
}

void csv_text(Buf *b, const char *s, int last)
{
	cell(b, csv_text_is_formula(s) ? "'" : "", s, last);
}

void csv_number(Buf *b, const char *s, int last)
{
	cell(b, "", s, last);
}
