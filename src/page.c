/*
** The page layout every page shares: the header with the user and their departments (read
** from the database), navigation behind a menu button on a phone, main, footer; the POST form
** with its CSRF token, and the notice at the top of a page. Written through html.c's escaper.
*/
#include "http.h"

#include <string.h>

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
