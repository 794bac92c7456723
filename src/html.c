/*
** The HTML writer: escaping for each context (text, attribute, URL component), a small
** formatter whose only raw text is its literal format string, and the page layout that
** every page shares (header with the user and department, navigation behind a menu button on
** a phone, main, footer) and small shared pieces (status tags).
*/
#include "http.h"

#include <string.h>

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

static void nav_link(Req *r, const char *href, const char *label)
{
	int current = strcmp(r->path, href) == 0 || (strcmp(href, "/") != 0 && strncmp(r->path, href, strlen(href)) == 0);
	if (current)
		html_fmt(&r->out, "<li><a href=\"%A\" aria-current=\"page\">%T</a></li>", href, label);
	else
		html_fmt(&r->out, "<li><a href=\"%A\">%T</a></li>", href, label);
}

void page_begin(Req *r, const char *title)
{
	Buf *b = &r->out;
	buf_reset(b);
	r->content_type = "text/html; charset=utf-8";
	html_fmt(b,
	         "<!doctype html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
	         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	         "<title>%T · tilsyn</title>\n<link rel=\"stylesheet\" href=\"/static/tilsyn.css\">\n"
	         "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
	         "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Gå til indholdet</a>\n"
	         "<header class=\"top\">\n<div class=\"bar\">\n<a class=\"brand\" href=\"/\">tilsyn</a>\n",
	         title);
	if (r->user) {
		/* On a phone the navigation and the user's links fold away under a menu button; a
		** <details> opens without JavaScript. On a wide screen the stylesheet shows them always. */
		html_lit(b, "<details class=\"menu\"><summary>Menu</summary>\n<div class=\"menu-body\">\n"
		            "<nav aria-label=\"Hovedmenu\"><ul>");
		nav_link(r, "/", _("Forside"));
		Stmt q;
		db_prepare(&q, r->db,
		           "SELECT d.code, d.name FROM membership m JOIN department d ON d.id = m.department_id"
		           " WHERE m.user_id = ?1 ORDER BY d.name");
		db_bind_int(&q, 1, r->user->id);
		while (db_step(&q))
			nav_link(r, arena_printf(r->arena, "/d/%s", db_col_text(&q, 0)), db_col_text(&q, 1));
		db_finalize(&q);
		nav_link(r, "/catalogues", _("Spørgekataloger")); /* readable by every logged-in user */
		if (r->user->is_admin) {
			nav_link(r, "/admin/departments", _("Afdelinger"));
			nav_link(r, "/admin/users", _("Brugere"));
		}
		html_lit(b, "</ul></nav>\n<div class=\"who\">");
		html_fmt(b, "<span>%T", r->user->name);
		if (r->dept && r->role != ROLE_NONE)
			html_fmt(b, " · %T, %T", role_title(r->role), r->dept->name);
		else if (r->user->is_admin)
			html_fmt(b, " · %T", role_title(ROLE_ADMIN));
		html_lit(b, "</span> <a href=\"/account/password\">Skift adgangskode</a>"
		            " <a href=\"/account/sessions\">Sessioner</a>");
		page_form_begin(r, "/logout");
		html_lit(b, "<button type=\"submit\" class=\"link\">Log ud</button></form></div>\n</div>\n</details>\n");
	}
	html_lit(b, "</div>\n</header>\n<main id=\"main\">\n");
}

void page_end(Req *r)
{
	html_fmt(&r->out,
	         "</main>\n<footer class=\"foot\"><p>tilsyn %T · ledelsestilsyn på handicapområdet · "
	         "<a href=\"/hjaelp\">Hjælp</a></p></footer>\n"
	         "</body>\n</html>\n",
	         TILSYN_VERSION);
}

/* Opens a POST form carrying the session's CSRF token; the caller closes it. */
void page_form_begin(Req *r, const char *action)
{
	html_fmt(&r->out, "<form method=\"post\" action=\"%A\">", action);
	if (r->session)
		html_fmt(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"%A\">", r->session->csrf);
}

/* A notice at the top of a page: kind is "ok", "warn" (a departure from the recommendations,
** never a block) or "error"; errors are announced to screen readers at once. */
void page_message(Req *r, const char *kind, const char *text)
{
	if (strcmp(kind, "error") == 0)
		html_fmt(&r->out, "<div class=\"msg error\" role=\"alert\">%T</div>\n", text);
	else if (strcmp(kind, "warn") == 0)
		html_fmt(&r->out, "<div class=\"msg warn\" role=\"status\"><strong>Bemærk:</strong> %T</div>\n", text);
	else
		html_fmt(&r->out, "<div class=\"msg ok\" role=\"status\">%T</div>\n", text);
}
