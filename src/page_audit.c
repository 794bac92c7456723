/*
** The leader's page of a case's audit log (/d/:dept/audit?case=CASE_NO): who looked at or
** changed the case, when and why, as a citizen may ask for it. The entries are found by
** audit_case.c, the same as `tilsyn audit case`; looking at them is itself logged. A busy
** case has thousands of entries, so the page shows AUDIT_PAGE of them at a time, newest
** first, with the total and links to newer and older pages (?case=...&side=N&til=ID). Each
** view adds an entry to the log itself, so the links carry the newest entry of the first page
** (til) and later pages count from there: no entry is shown twice or skipped.
*/
#include "http.h"

#include <ctype.h>
#include <string.h>

#define AUDIT_PAGE 100
#define QUESTION_SHORT 90 /* bytes of a question's text shown beside its code */

/* Whether code stands as a word of its own in s (AB-1 is not in AB-10). */
static int mentions(const char *s, const char *code)
{
	size_t len = strlen(code);
	for (const char *p = s ? strstr(s, code) : NULL; p; p = strstr(p + 1, code)) {
		unsigned char before = p == s ? ' ' : (unsigned char)p[-1], after = (unsigned char)p[len];
		if (!isalnum(before) && before != '-' && !isalnum(after))
			return 1;
	}
	return 0;
}

/* A question's text cut at a space to about QUESTION_SHORT bytes, with "…". */
static const char *short_text(Req *r, const char *text)
{
	size_t len = strlen(text);
	if (len <= QUESTION_SHORT)
		return text;
	size_t cut = QUESTION_SHORT;
	while (cut > 0 && text[cut] != ' ')
		cut--;
	return arena_printf(r->arena, "%.*s …", (int)(cut ? cut : QUESTION_SHORT), text);
}

/* The questions the entries on this page name by code (answers saved, a sheet imported), with
** their short text: the codes of the case's rounds' catalogues that appear in a detail. */
static void question_key(Req *r, int64_t case_id, const AuditCaseEntry *v, int n)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT q.code, min(q.text) FROM round_case rc JOIN round_catalogue k ON k.round_id = rc.round_id"
	           " JOIN question q ON q.catalogue_id = k.catalogue_id WHERE rc.case_id = ?1 GROUP BY q.code ORDER BY q.code");
	db_bind_int(&q, 1, case_id);
	int shown = 0;
	while (db_step(&q)) {
		const char *code = db_col_text(&q, 0);
		int named = 0;
		for (int i = 0; i < n && !named; i++)
			named = mentions(v[i].detail, code);
		if (!named)
			continue;
		if (shown++ == 0)
			html_lit(&r->out, "<h3>Spørgsmål nævnt på siden</h3>\n<dl class=\"facts\">\n");
		html_fmt(&r->out, "<dt>%T</dt><dd>%T</dd>\n", code, short_text(r, db_col_text(&q, 1)));
	}
	db_finalize(&q);
	if (shown)
		html_lit(&r->out, "</dl>\n");
}

/* Links to the newer and older pages of the case's log, with where we are. */
static void page_links(Req *r, const char *case_no, int64_t upto, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	Buf *b = &r->out;
	html_lit(b, "<nav class=\"paging\" aria-label=\"Sider i logbogen\"><p>");
	if (page > 1)
		html_fmt(b, "<a href=\"/d/%U/audit?case=%U&amp;side=%I&amp;til=%I\" rel=\"prev\">‹ Nyere poster</a> · ",
		         r->dept->code, case_no, page - 1, upto);
	html_fmt(b, "Side %I af %I", page, pages);
	if (page < pages)
		html_fmt(b, " · <a href=\"/d/%U/audit?case=%U&amp;side=%I&amp;til=%I\" rel=\"next\">Ældre poster ›</a>",
		         r->dept->code, case_no, page + 1, upto);
	html_lit(b, "</p></nav>\n");
}

void page_audit_case(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const char *case_no = req_query(r, "case");
	if (case_no && !*case_no)
		case_no = NULL;
	if (case_no && strlen(case_no) > 128) {
		http_error(r, 400, _("Sagsnummeret er for langt (højst 128 tegn)."));
		return;
	}
	int64_t page = 1, upto = 0;
	const char *side = req_query(r, "side"), *til = req_query(r, "til");
	if ((side && *side && (!parse_int64(side, &page) || page < 1)) ||
	    (til && *til && (!parse_int64(til, &upto) || upto < 1))) {
		http_error(r, 400, _("Sidetallet skal være et helt tal fra 1 og op."));
		return;
	}
	int64_t case_id = 0;
	int found = case_no && audit_case_find(r->db, d->id, case_no, &case_id);

	page_begin(r, case_no ? arena_printf(r->arena, _("Logbog for sag %s"), case_no) : _("Logbog for en sag"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Logbog for en sag</p>\n<h1>Logbog for en sag</h1>\n"
	            "<p class=\"lead\">Hvem har set eller ændret en sag, hvornår og hvorfor – fx når en borger spørger.</p>\n",
	         d->code, d->name);
	html_fmt(b, "<form method=\"get\" action=\"/d/%U/audit\" class=\"filters\" role=\"search\" aria-label=\"Søg efter sag\">\n"
	            "<div><label for=\"a-case\">Sagsnummer</label><input id=\"a-case\" name=\"case\" value=\"%A\" required "
	            "maxlength=\"128\"></div>\n<div class=\"actions\"><button type=\"submit\">Vis logbog</button></div>\n</form>\n",
	         d->code, case_no ? case_no : "");
	if (!case_no) {
		page_end(r);
		return;
	}
	if (!found) {
		html_fmt(b, "<p role=\"alert\">Sagen %T findes ikke i afdelingens sagsliste. Kontrollér sagsnummeret.</p>\n",
		         case_no);
		req_audit_in(r, d->id, "audit_case_view", "cases",
		             _("logbogen søgt for et sagsnummer, der ikke findes"));
		page_end(r);
		r->status = 404;
		return;
	}
	if (!upto) { /* the first view of the log: later pages count from its newest entry */
		AuditCaseEntry *newest;
		int k = audit_case_page(r->db, d, case_id, 0, 1, 0, 1, &newest);
		upto = k ? newest[0].id : 0;
		audit_case_free(newest, k);
	}
	int64_t total = audit_case_count(r->db, d, case_id, upto);
	int64_t pages = total ? (total + AUDIT_PAGE - 1) / AUDIT_PAGE : 1;
	if (page > pages)
		page = pages;
	AuditCaseEntry *v;
	int n = audit_case_page(r->db, d, case_id, upto, 1, (page - 1) * AUDIT_PAGE, AUDIT_PAGE, &v);
	html_fmt(b, "<h2>Sag %T</h2>\n", case_no);
	if (total == 0) {
		html_lit(b, "<p>Logbogen har ingen poster om sagen.</p>\n");
	} else {
		int64_t first = (page - 1) * AUDIT_PAGE + 1;
		html_fmt(b, "<p class=\"lead\">%I %T om sagen, de nyeste først.</p>\n", total, total == 1 ? _("post") : _("poster"));
		page_links(r, case_no, upto, page, pages);
		html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Logbogens poster\"><table>\n"
		            "<caption>%T %I–%I af %I</caption>\n<thead><tr><th scope=\"col\">Tidspunkt</th><th scope=\"col\">Hvem</th>"
		            "<th scope=\"col\">Handling</th><th scope=\"col\">Hvad og hvorfor</th><th scope=\"col\">Fra</th>"
		            "</tr></thead>\n<tbody>\n",
		         _("Poster"), first, first + n - 1, total);
		for (int i = 0; i < n; i++) {
			char at[64], detail[1200];
			date_time_danish(v[i].at, at);
			audit_case_detail_text(r->db, v[i].detail, detail, sizeof detail);
			html_fmt(b, "<tr><td>%T</td><td>%T%T%T%T</td><td>%T</td><td>%T</td><td>%T</td></tr>\n", at,
			         v[i].name ? v[i].name : v[i].login ? v[i].login : _("ukendt"), v[i].name && v[i].login ? " (" : "",
			         v[i].name && v[i].login ? v[i].login : "", v[i].name && v[i].login ? ")" : "",
			         audit_action_title(v[i].action), detail, v[i].ip ? v[i].ip : "");
		}
		html_lit(b, "</tbody>\n</table></div>\n");
		page_links(r, case_no, upto, page, pages);
		question_key(r, case_id, v, n);
	}
	html_fmt(b, "<p class=\"hint\">%T</p>\n", _(audit_case_list_note));
	audit_case_free(v, n);
	req_audit_in(r, d->id, "audit_case_view", arena_printf(r->arena, "case:%lld", (long long)case_id),
	             pages > 1 ? arena_printf(r->arena, "logbogen for sagen vist (side %lld af %lld, %lld poster)",
	                                      (long long)page, (long long)pages, (long long)total)
	                       : arena_printf(r->arena, "logbogen for sagen vist (%lld poster)", (long long)total));
	page_end(r);
}
