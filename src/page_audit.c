/*
** The leader's page of a case's audit log (/d/:dept/audit?case=CASE_NO): who looked at or
** changed the case, when and why, as a citizen may ask for it. The entries are found by
** audit_case.c, the same as `tilsyn audit case`; looking at them is itself logged.
*/
#include "http.h"

#include <string.h>

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
		audit_log(r->db, &(AuditEntry){.user_id = r->user->id, .login = r->user->login, .action = "audit_case_view",
		                               .department_id = d->id, .object = "cases",
		                               .detail = _("logbogen søgt for et sagsnummer, der ikke findes"), .ip = r->ip});
		page_end(r);
		r->status = 404;
		return;
	}
	AuditCaseEntry *v;
	int n = audit_case_entries(r->db, d, case_id, &v);
	html_fmt(b, "<h2>Sag %T</h2>\n", case_no);
	if (n == 0) {
		html_lit(b, "<p>Logbogen har ingen poster om sagen.</p>\n");
	} else {
		html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Logbogens poster\"><table>\n"
		            "<caption>%d %T</caption>\n<thead><tr><th scope=\"col\">Tidspunkt</th><th scope=\"col\">Hvem</th>"
		            "<th scope=\"col\">Handling</th><th scope=\"col\">Hvad og hvorfor</th><th scope=\"col\">Fra</th>"
		            "</tr></thead>\n<tbody>\n",
		         n, n == 1 ? _("post") : _("poster"));
		for (int i = 0; i < n; i++) {
			char at[40];
			review_time_text(v[i].at, at);
			html_fmt(b, "<tr><td>%T</td><td>%T%T%T%T</td><td>%T</td><td>%T</td><td>%T</td></tr>\n", at,
			         v[i].name ? v[i].name : v[i].login ? v[i].login : _("ukendt"), v[i].name && v[i].login ? " (" : "",
			         v[i].name && v[i].login ? v[i].login : "", v[i].name && v[i].login ? ")" : "",
			         audit_action_title(v[i].action), v[i].detail ? v[i].detail : "", v[i].ip ? v[i].ip : "");
		}
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	html_fmt(b, "<p class=\"hint\">%T</p>\n", _(audit_case_list_note));
	audit_case_free(v, n);
	audit_log(r->db, &(AuditEntry){.user_id = r->user->id, .login = r->user->login, .action = "audit_case_view",
	                               .department_id = d->id,
	                               .object = arena_printf(r->arena, "case:%lld", (long long)case_id),
	                               .detail = arena_printf(r->arena, "logbogen for sagen vist (%d poster)", n), .ip = r->ip});
	page_end(r);
}
