/*
** The pages that link case-list names to users (ident.c): on the administrator's user page
** the names and ids the case system uses for this person, to add and remove; on the
** department's case list the caseworkers of the current list that are linked to nobody
** (or to more than one user by a shared display name), which the department's leder links
** to one of the department's people. Every link and unlink is audited by ident.c.
*/
#include "http.h"

#include <stdlib.h>
#include <string.h>

/* The section on /admin/users/:id; f: the page's flash, whose values fill the add form after a refused add. */
void page_alias_section(Req *r, const User *u, const Flash *f)
{
	Buf *b = &r->out;
	html_lit(b, "<h2 id=\"aliaser\">Navne i sagssystemet</h2>\n<p>De navne eller id'er, sagslisten bruger for denne "
	            "person som rådgiver (fx \"Bækgaard, Anne\" eller \"ABK\"). tilsyn bruger dem til at afgøre, hvis sagen "
	            "er: ingen gennemgår sine egne sager, og den individuelle tilbagemelding går kun til rådgiveren selv. "
	            "Store og små bogstaver og mellemrum betyder ikke noget. Uden et navn her bruges visningsnavnet, så "
	            "længe ingen anden i afdelingen har det samme.</p>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT a.alias, coalesce(d.code, ''), coalesce(d.name, '') FROM advisor_alias a"
	           " LEFT JOIN department d ON d.id = a.department_id WHERE a.user_id = ?1 ORDER BY a.alias_folded, d.name");
	db_bind_int(&q, 1, u->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table>\n<thead><tr><th scope=\"col\">Navn i sagssystemet</th><th scope=\"col\">Gælder i"
			            "</th><th scope=\"col\"><span class=\"sr\">Fjern</span></th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td>%T</td><td>%T</td><td>", db_col_text(&q, 0),
		         *db_col_text(&q, 1) ? db_col_text(&q, 2) : _("alle afdelinger"));
		/* Removing a name unlinks the user's cases: it looks destructive and is asked first. */
		html_fmt(b, "<details class=\"inline confirm\"><summary>Fjern<span class=\"sr\"> %T</span></summary>"
		            "<p>Sager med dette navn i sagslisten knyttes ikke længere til brugeren.</p>",
		         db_col_text(&q, 0));
		page_form_begin(r, arena_printf(r->arena, "/admin/users/%lld/alias/remove", (long long)u->id));
		html_fmt(b, "<input type=\"hidden\" name=\"alias\" value=\"%A\"><input type=\"hidden\" name=\"department\" "
		            "value=\"%A\"><button type=\"submit\" class=\"small danger\">Ja, fjern navnet<span class=\"sr\"> %T"
		            "</span></button></form></details></td></tr>\n",
		         db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 0));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	int refused = flash_field_message(f, "alias") || flash_field_message(f, "alias-department");
	const char *department = refused ? flash_value(f, "department", "") : "";
	page_form_begin(r, arena_printf(r->arena, "/admin/users/%lld/alias", (long long)u->id));
	html_lit(b, "<div class=\"stack\">\n<label for=\"alias\">Navn eller id i sagslisten</label>\n");
	flash_field_error(r, f, "alias");
	html_lit(b, "<input id=\"alias\" name=\"alias\" required maxlength=\"200\"");
	flash_field_attrs(r, f, "alias");
	html_fmt(b, " value=\"%A\">\n<label for=\"alias-department\">Gælder i</label>\n",
	         refused ? flash_value(f, "alias", "") : "");
	flash_field_error(r, f, "alias-department");
	html_lit(b, "<select id=\"alias-department\" name=\"department\"");
	flash_field_attrs(r, f, "alias-department");
	html_lit(b, ">");
	html_option(b, "", _("alle afdelinger"), str_empty(department));
	db_prepare(&q, r->db, "SELECT code, name FROM department ORDER BY name");
	while (db_step(&q))
		html_option(b, db_col_text(&q, 0), db_col_text(&q, 1), str_eq(department, db_col_text(&q, 0)));
	db_finalize(&q);
	html_lit(b, "</select>\n<button type=\"submit\">Knyt navnet til brugeren</button>\n</div>\n</form>\n");
}

/* Back to the user's page with the message; an added name's at its field. */
static void refuse(Req *r, const User *u, int add, const char *field, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/admin/users/%lld#aliaser", (long long)u->id), add ? field : NULL, message);
}

/* The department named by the form's "department" ("" for all); 0 and back to the form when unknown. */
static int form_department(Req *r, const User *u, int add, int64_t *id)
{
	const char *code = req_form(r, "department");
	*id = 0;
	if (str_empty(code))
		return 1;
	Department d;
	if (!department_by_code(r->db, code, &d)) {
		refuse(r, u, add, "alias-department", _("Den valgte afdeling findes ikke."));
		return 0;
	}
	*id = d.id;
	return 1;
}

static void alias_change(Req *r, int add)
{
	User u;
	int64_t id;
	if (!parse_int64(req_capture(r, "id"), &id) || !user_by_id(r->db, id, &u)) {
		http_error(r, 404, _("Brugeren findes ikke."));
		return;
	}
	int64_t department_id;
	if (!form_department(r, &u, add, &department_id))
		return;
	if (!req_begin(r))
		return;
	char msg[512];
	AuditEntry who = req_who(r);
	const char *alias = req_form(r, "alias");
	int rc = add ? ident_alias_add(r->db, u.id, department_id, alias ? alias : "", &who, msg, sizeof msg)
	             : ident_alias_remove(r->db, u.id, department_id, alias ? alias : "", &who, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		refuse(r, &u, add, "alias", arena_strdup(r->arena, msg));
		return;
	}
	if (!req_commit(r, _("Ændringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/admin/users/%lld?ok=1#aliaser", (long long)u.id));
}

/* POST /admin/users/:id/alias */
void page_alias_add(Req *r)
{
	alias_change(r, 1);
}

/* POST /admin/users/:id/alias/remove */
void page_alias_remove(Req *r)
{
	alias_change(r, 0);
}

#define ALIAS_MAX_PEOPLE 500 /* the department's people offered in one choice */

typedef struct Unknown {
	Req *r;
	int n;
	int leder;
	int64_t *people;
	char **names;
	int npeople;
} Unknown;

static void unknown_row(const char *name, int ambiguous, int64_t cases, void *ctx)
{
	Unknown *u = ctx;
	Req *r = u->r;
	Buf *b = &r->out;
	if (++u->n > 50)
		return;
	if (u->n == 1)
		html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table>\n<thead><tr>"
		            "<th scope=\"col\">Rådgiver i sagslisten</th><th scope=\"col\" class=\"num\">Sager</th>%T</tr></thead>\n"
		            "<tbody>\n",
		         _("Rådgivere uden bruger"), "");
	html_fmt(b, "<tr><td>%T%T</td><td class=\"num\">%I</td>", name,
	         ambiguous ? _(" (flere brugere har det navn)") : "", cases);
	if (u->leder) {
		char *id = arena_printf(r->arena, "link-%d", u->n);
		html_lit(b, "<td>");
		page_form_begin(r, arena_printf(r->arena, "/d/%s/cases/link", r->dept->code));
		html_fmt(b, "<input type=\"hidden\" name=\"alias\" value=\"%A\"><label class=\"sr\" for=\"%A\">Bruger for %T"
		            "</label><select id=\"%A\" name=\"user\">",
		         name, id, name, id);
		html_option(b, "", _("vælg en person"), 1);
		for (int k = 0; k < u->npeople; k++)
			html_option(b, arena_printf(r->arena, "%lld", (long long)u->people[k]), u->names[k], 0);
		html_fmt(b, "</select> <button type=\"submit\" class=\"small\">Knyt<span class=\"sr\"> %T</span></button>"
		            "</form></td>",
		         name);
	}
	html_lit(b, "</tr>\n");
}

/* On /d/:dept/cases (the working group): caseworkers of the current list linked to nobody. */
void page_alias_unknown(Req *r)
{
	Buf *b = &r->out;
	Unknown u = {.r = r, .leder = r->role == ROLE_LEDER};
	if (u.leder) {
		Stmt q;
		db_prepare(&q, r->db,
		           "SELECT u.id, u.name FROM membership m JOIN users u ON u.id = m.user_id WHERE m.department_id = ?1"
		           " AND u.active = 1 AND m.role <> 'ekstern' ORDER BY u.name, u.id");
		db_bind_int(&q, 1, r->dept->id);
		u.people = arena_alloc(r->arena, ALIAS_MAX_PEOPLE * sizeof *u.people);
		u.names = arena_alloc(r->arena, ALIAS_MAX_PEOPLE * sizeof *u.names);
		while (u.npeople < ALIAS_MAX_PEOPLE && db_step(&q)) {
			u.people[u.npeople] = db_col_int(&q, 0);
			u.names[u.npeople++] = arena_strdup(r->arena, db_col_text(&q, 1));
		}
		db_finalize(&q);
	}
	html_lit(b, "<h2 id=\"ukendte\">Rådgivere uden bruger</h2>\n");
	int n = ident_unknown_on_list(r->db, r->dept->id, unknown_row, &u);
	if (n == 0) {
		html_lit(b, "<p>Alle rådgivere i den nuværende sagsliste er knyttet til en bruger.</p>\n");
		return;
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	if (n > 50)
		html_fmt(b, "<p>... og %d flere.</p>\n", n - 50);
	html_lit(b, "<p class=\"hint\">Indtil et navn er knyttet til en bruger, kan tilsyn ikke se, om en gennemgående "
	            "selv er rådgiver på sagen (har flere brugere navnet, gælder det dem alle), og ingen får den "
	            "individuelle tilbagemelding på sagerne.");
	if (!u.leder)
		html_lit(b, " Afdelingens leder eller en administrator knytter navnene.");
	html_lit(b, "</p>\n");
}

/* POST /d/:dept/cases/link: the leder links a case-list name to one of the department's people. */
void page_alias_link(Req *r)
{
	int64_t user_id;
	const char *alias = req_form(r, "alias");
	const char *back = arena_printf(r->arena, "/d/%s/cases#ukendte", r->dept->code);
	if (!parse_int64(req_form(r, "user"), &user_id)) {
		flash_fail(r, back, NULL, arena_printf(r->arena, _("»%s«: vælg den person, navnet hører til."), alias ? alias : ""));
		return;
	}
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT 1 FROM membership m JOIN users u ON u.id = m.user_id WHERE m.department_id = ?1 AND m.user_id = ?2"
	           " AND u.active = 1 AND m.role <> 'ekstern'");
	db_bind_int(&q, 1, r->dept->id);
	db_bind_int(&q, 2, user_id);
	int member = db_step(&q);
	db_finalize(&q);
	if (!member) {
		flash_fail(r, back, NULL,
		           arena_printf(r->arena, _("»%s«: den valgte person er ikke aktiv medarbejder i afdelingen."),
		                        alias ? alias : ""));
		return;
	}
	if (!req_begin(r))
		return;
	char msg[512];
	AuditEntry who = req_who(r);
	if (ident_alias_add(r->db, user_id, r->dept->id, alias ? alias : "", &who, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, back, NULL, arena_strdup(r->arena, msg));
		return;
	}
	if (!req_commit(r, _("Ændringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/cases?linked=1#ukendte", r->dept->code));
}

/* On the round page, for the department's working group: sampled cases that lost their
** reviewer because a new case list made that person the caseworker, until someone else is
** given the case (review.c clears the note), and answers that person gave, which are not
** counted until someone else answers anew. */
void page_alias_cleared_notice(Req *r, const Round *rd)
{
	if (r->role != ROLE_LEDER && r->role != ROLE_KOORDINATOR)
		return;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT reviewer_cleared FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'"
	           " AND reviewer_cleared IS NOT NULL AND reviewer_id IS NULL ORDER BY sample_key LIMIT 20");
	db_bind_int(&q, 1, rd->id);
	while (db_step(&q))
		page_message(r, "warn", arena_strdup(r->arena, db_col_text(&q, 0)));
	db_finalize(&q);
	/* Answers given before the case became the reviewer's own: kept, not counted (ident.c). */
	int64_t *aside;
	int n = ident_answers_set_aside(r->db, rd->id, &aside);
	for (int i = 0; i < n && i < 20; i++) {
		db_prepare(&q, r->db,
		           "SELECT c.case_no, u.name, (SELECT count(*) FROM answer a WHERE a.round_id = ?1 AND a.case_id = c.id"
		           " AND a.updated_by = u.id AND a.value IS NOT NULL) FROM cases c, users u WHERE c.id = ?2 AND u.id = ?3");
		db_bind_int(&q, 1, rd->id);
		db_bind_int(&q, 2, aside[2 * i]);
		db_bind_int(&q, 3, aside[2 * i + 1]);
		if (db_step(&q) && db_col_int(&q, 2) > 0)
			page_message(r, "warn",
			             arena_printf(r->arena,
			                          _("Sag %s: %lld svar er givet af %s, som nu er rådgiver på sagen. Svarene er gemt "
			                            "i historikken, men tælles ikke med i resultaterne, før en anden har gennemgået "
			                            "sagen og svaret igen. Giv sagen til en anden."),
			                          db_col_text(&q, 0), (long long)db_col_int(&q, 2), db_col_text(&q, 1)));
		db_finalize(&q);
	}
	free(aside);
}

/* On the upload preview (as `cases import` prints it): the file's caseworkers linked to nobody,
** with the way to link them (the leder on the case list, an administrator on the user page),
** and the assignments the list would take from a reviewer who becomes the caseworker. */
void page_alias_import_notes(Req *r, const ImportResult *res)
{
	Buf *b = &r->out;
	if (res->ident_cleared) {
		html_lit(b, "<h2>Gennemgange, der skifter</h2>\n<ul>\n");
		for (long i = 0; i < res->ident_cleared && i < IDENT_MAX_LISTED; i++)
			html_fmt(b, "<li>%T</li>\n", res->ident_cleared_notes[i]);
		if (res->ident_cleared > IDENT_MAX_LISTED)
			html_fmt(b, "<li>... og %I flere.</li>\n", (int64_t)(res->ident_cleared - IDENT_MAX_LISTED));
		html_lit(b, "</ul>\n");
	}
	if (!res->ident_unknown)
		return;
	html_fmt(b, "<h2 id=\"ukendte-i-filen\">Rådgivere uden bruger (%I)</h2>\n<p>Disse rådgivernavne i filen er ikke "
	            "knyttet til en bruger. Indtil de er det, kan tilsyn ikke se, om en gennemgående selv er rådgiver på "
	            "sagen, og ingen får den individuelle tilbagemelding på sagerne.</p>\n<ul>\n",
	         (int64_t)res->ident_unknown);
	for (long i = 0; i < res->ident_unknown && i < IDENT_MAX_LISTED; i++)
		html_fmt(b, "<li>%T</li>\n", res->ident_unknown_names[i]);
	if (res->ident_unknown > IDENT_MAX_LISTED)
		html_fmt(b, "<li>... og %I flere.</li>\n", (int64_t)(res->ident_unknown - IDENT_MAX_LISTED));
	html_lit(b, "</ul>\n<p>");
	if (r->role == ROLE_LEDER)
		html_fmt(b, "Når listen er indlæst, knytter du navnene til afdelingens medarbejdere under <a "
		            "href=\"/d/%U/cases#ukendte\">Rådgivere uden bruger på sagslisten</a>.",
		         r->dept->code);
	else
		html_fmt(b, "Når listen er indlæst, knytter afdelingens leder navnene til medarbejderne under <a "
		            "href=\"/d/%U/cases#ukendte\">Rådgivere uden bruger på sagslisten</a>.",
		         r->dept->code);
	if (r->user->is_admin)
		html_lit(b, " Som administrator kan du også knytte et navn til en bruger på <a href=\"/admin/users\">"
		            "brugerens side</a>.");
	html_lit(b, "</p>\n");
}
