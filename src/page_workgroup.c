/*
** The department's working group (arbejdsgruppe): who plans the department's tilsyn and in
** which function. Every member of the department except an outside reviewer may see the
** group; the leder and the koordinator change it. Departures from the recommendation
** (3-5 people: a leder, a faglig koordinator and 1-3 rådgivere) are shown as warnings and
** never block a change.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

static const char *const functions[] = {"leder", "koordinator", "raadgiver"};

static void workgroup_page(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	flash_restore_form(r, f); /* a refused change comes back as chosen */
	int can_change = auth_allows(PERM_DEPT_WORKGROUP, 0, r->role);
	page_begin(r, _("Arbejdsgruppe"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Arbejdsgruppe</p>\n<h1>Arbejdsgruppe</h1>\n"
	            "<p class=\"lead\">Arbejdsgruppen planlægger afdelingens tilsyn: hvem der udfører det, hvor mange sager, "
	            "hvordan de udvælges, hvornår, og hvordan resultaterne samles. Anbefalingen er 3-5 personer: lederen, "
	            "en faglig koordinator og 1-3 rådgivere.</p>\n",
	         d->code, d->name);
	if (flash_has(f))
		flash_summary(r, f);
	else if (req_query(r, "saved"))
		page_message(r, "ok", _("Arbejdsgruppen er gemt."));
	else if (req_query(r, "removed"))
		page_message(r, "ok", _("Personen er taget ud af arbejdsgruppen."));
	const char *warnings[8];
	int nwarnings = workgroup_warnings(r->db, d->id, warnings, (int)COUNT(warnings));
	for (int i = 0; i < nwarnings && i < (int)COUNT(warnings); i++)
		page_message(r, "warn", warnings[i]);

	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name, w.function, coalesce(m.role, ''), u.active FROM workgroup_member w"
	           " JOIN users u ON u.id = w.user_id"
	           " LEFT JOIN membership m ON m.user_id = w.user_id AND m.department_id = w.department_id"
	           " WHERE w.department_id = ?1"
	           " ORDER BY CASE w.function WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 ELSE 3 END, u.name");
	db_bind_int(&q, 1, d->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0) {
			html_lit(b, "<table>\n<caption>Arbejdsgruppens medlemmer</caption>\n<thead><tr><th scope=\"col\">Navn</th>"
			            "<th scope=\"col\">Funktion i gruppen</th><th scope=\"col\">Rolle i afdelingen</th>");
			if (can_change)
				html_lit(b, "<th scope=\"col\">Tag ud</th>");
			html_lit(b, "</tr></thead>\n<tbody>\n");
		}
		const char *role = db_col_text(&q, 3);
		const char *role_text = !db_col_int(&q, 4) ? _("deaktiveret; tæller ikke med")
		                        : !*role          ? _("ingen rolle i afdelingen; tæller ikke med")
		                                           : role_title(role_parse(role));
		html_fmt(b, "<tr><td>%T</td><td>%T</td><td>%T</td>", db_col_text(&q, 1),
		         workgroup_function_title(db_col_text(&q, 2)), role_text);
		if (can_change) {
			html_lit(b, "<td>");
			page_form_begin(r, arena_printf(r->arena, "/d/%s/workgroup", d->code));
			html_fmt(b, "<input type=\"hidden\" name=\"action\" value=\"remove\">"
			            "<input type=\"hidden\" name=\"user\" value=\"%I\">"
			            "<button type=\"submit\" class=\"small\">Tag ud<span class=\"sr\"> %T</span></button></form></td>",
			         db_col_int(&q, 0), db_col_text(&q, 1));
		}
		html_lit(b, "</tr>\n");
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Arbejdsgruppen er ikke sat sammen endnu.</p>\n");

	if (!can_change) {
		html_lit(b, "<p class=\"hint\">Afdelingens leder og koordinator sætter arbejdsgruppen sammen.</p>\n");
		page_end(r);
		return;
	}
	html_lit(b, "<h2>Tilføj en person eller skift funktion</h2>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/workgroup", d->code));
	html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"add\">\n<div class=\"stack\">\n"
	            "<label for=\"wg-user\">Medarbejder</label>\n<select id=\"wg-user\" name=\"user\" required>");
	const char *chosen = req_form(r, "user");
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name, m.role FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND u.active = 1 AND m.role <> 'ekstern'"
	           " ORDER BY CASE m.role WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 ELSE 3 END, u.name");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q)) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)db_col_int(&q, 0));
		html_option(b, id, arena_printf(r->arena, "%s (%s)", db_col_text(&q, 1), role_title(role_parse(db_col_text(&q, 2)))),
		            str_eq(chosen, id));
	}
	db_finalize(&q);
	html_lit(b, "</select>\n<label for=\"wg-function\">Funktion i arbejdsgruppen</label>\n"
	            "<select id=\"wg-function\" name=\"function\">");
	const char *function = req_form(r, "function");
	for (size_t i = 0; i < COUNT(functions); i++)
		html_option(b, functions[i], workgroup_function_title(functions[i]),
		            function ? str_eq(function, functions[i]) : i == COUNT(functions) - 1);
	html_lit(b, "</select>\n<button type=\"submit\">Gem i arbejdsgruppen</button>\n</div>\n</form>\n");
	page_end(r);
}

void page_workgroup_show(Req *r)
{
	/* The group says who plans the tilsyn; an outside reviewer sees only their own round. */
	if (r->role == ROLE_EKSTERN) {
		req_audit(r, "access_denied", "workgroup",
		          arena_printf(r->arena, "%s %s: ekstern", r->method, r->path));
		http_error(r, 403, _("En ekstern konsulent kan ikke se afdelingens arbejdsgruppe."));
		return;
	}
	workgroup_page(r);
}

/* A refused change: back to the page by a 303, the message on top (flash.c). */
static void workgroup_fail(Req *r, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/workgroup", r->dept->code), NULL, message);
}

void page_workgroup_post(Req *r)
{
	const char *action = req_form(r, "action");
	int64_t user_id;
	if (!parse_int64(req_form(r, "user"), &user_id)) {
		workgroup_fail(r, _("Vælg en medarbejder."));
		return;
	}
	if (!str_eq(action, "add") && !str_eq(action, "remove")) {
		workgroup_fail(r, _("Ukendt handling: vælg at tilføje eller tage en person ud."));
		return;
	}
	ReviewBy by = req_by(r);
	char msg[400];
	if (!req_begin(r))
		return;
	int rc = str_eq(action, "add") ? workgroup_set(r->db, r->dept, user_id, req_form(r, "function"), &by, msg, sizeof msg)
	                               : workgroup_remove(r->db, r->dept, user_id, &by, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(r->db);
		workgroup_fail(r, msg);
		return;
	}
	if (!req_commit(r, _("Arbejdsgruppen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/workgroup?%s=1", r->dept->code,
	                              str_eq(action, "add") ? "saved" : "removed"));
}
