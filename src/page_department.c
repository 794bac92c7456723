/*
** Departments: the administrator's list, creation and editing, and each department's own
** page for its members.
*/
#include "http.h"

#include <string.h>

static void area_select(Buf *b, const char *id, const char *current)
{
	html_fmt(b, "<select id=\"%A\" name=\"area\">", id);
	html_option(b, "barn", _("Børn og unge (barnets lov)"), !str_eq(current, "voksen"));
	html_option(b, "voksen", _("Voksne (serviceloven)"), str_eq(current, "voksen"));
	html_lit(b, "</select>\n");
}

/* The field a message of department.c is about: it starts with the field's noun. */
static const char *field_of(const char *msg)
{
	return strncmp(msg, "Kode", 4) == 0 || strstr(msg, "den kode") ? "code"
	       : strncmp(msg, "Navn", 4) == 0                        ? "name"
	       : strncmp(msg, "Område", 7) == 0                      ? "area"
	                                                             : NULL;
}

/* A text input with its label and, after a failed post, its message (the caller ends the tag). */
static void text_input(Req *r, const Flash *f, const char *name, const char *label)
{
	html_fmt(&r->out, "<label for=\"%A\">%T</label>\n", name, label);
	flash_field_error(r, f, name);
	html_fmt(&r->out, "<input id=\"%A\" name=\"%A\"", name, name);
	flash_field_attrs(r, f, name);
}

static void list_page(Req *r)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	page_begin(r, _("Afdelinger"));
	html_lit(b, "<h1>Afdelinger</h1>\n");
	flash_summary(r, f);
	if (req_query(r, "ok"))
		page_message(r, "ok", _("Afdelingen er gemt."));
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, d.name, d.area, (SELECT count(*) FROM membership m WHERE m.department_id = d.id)"
	           " FROM department d ORDER BY d.name");
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table>\n<caption>Oprettede afdelinger</caption>\n<thead><tr><th scope=\"col\">Kode</th>"
			            "<th scope=\"col\">Navn</th><th scope=\"col\">Område</th>"
			            "<th scope=\"col\" class=\"num\">Medarbejdere</th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/admin/departments/%U\">%T</a></td><td>%T</td><td>%T</td>"
		            "<td class=\"num\">%I</td></tr>\n",
		         db_col_text(&q, 0), db_col_text(&q, 0), db_col_text(&q, 1),
		         str_eq(db_col_text(&q, 2), "barn") ? _("Børn og unge") : _("Voksne"), db_col_int(&q, 3));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Der er ingen afdelinger endnu. Opret den første herunder.</p>\n");

	html_lit(b, "<h2>Opret afdeling</h2>\n");
	page_form_begin(r, "/admin/departments");
	html_lit(b, "<div class=\"stack\">\n");
	text_input(r, f, "code", _("Kode"));
	html_fmt(b, " required maxlength=\"32\" pattern=\"[A-Za-z0-9_\\-]+\" value=\"%A\">\n"
	            "<p class=\"hint\" id=\"code-hint\">Kort kode, fx BHS. Bogstaver, tal, - og _.</p>\n",
	         flash_value(f, "code", ""));
	text_input(r, f, "name", _("Navn"));
	html_fmt(b, " required maxlength=\"200\" value=\"%A\">\n<label for=\"area\">Område</label>\n",
	         flash_value(f, "name", ""));
	flash_field_error(r, f, "area");
	area_select(b, "area", flash_value(f, "area", NULL));
	html_lit(b, "<button type=\"submit\">Opret afdeling</button>\n</div>\n</form>\n");
	page_end(r);
}

void page_department_list(Req *r)
{
	list_page(r);
}

void page_department_add(Req *r)
{
	const char *code = req_form(r, "code"), *name = req_form(r, "name"), *area = req_form(r, "area");
	char key[DEPARTMENT_CODE_SIZE];
	char msg[300];
	int64_t id;
	if (!req_begin(r))
		return;
	if (department_add(r->db, code, name, area, &id, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, "/admin/departments", field_of(msg), msg);
		return;
	}
	req_audit_in(r, id, "department_add",
	             arena_printf(r->arena, "department:%s", department_code_canonical(code, key, sizeof key)), NULL);
	if (!req_commit(r, _("Afdelingen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, "/admin/departments?ok=1");
}

static void edit_page(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	page_begin(r, d->name);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/admin/departments\">Afdelinger</a> › %T</p>\n<h1>%T</h1>\n", d->code,
	         d->name);
	flash_summary(r, f);
	if (req_query(r, "ok"))
		page_message(r, "ok", _("Afdelingen er gemt."));
	page_form_begin(r, arena_printf(r->arena, "/admin/departments/%s", d->code));
	html_lit(b, "<div class=\"stack\">\n");
	text_input(r, f, "name", _("Navn"));
	html_fmt(b, " required maxlength=\"200\" value=\"%A\">\n<label for=\"area\">Område</label>\n",
	         flash_value(f, "name", d->name));
	flash_field_error(r, f, "area");
	area_select(b, "area", flash_value(f, "area", d->area));
	html_lit(b, "<button type=\"submit\">Gem</button>\n</div>\n</form>\n<h2>Medarbejdere og roller</h2>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.login, u.name, m.role, u.active FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 ORDER BY u.name");
	db_bind_int(&q, 1, d->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table>\n<thead><tr><th scope=\"col\">Navn</th><th scope=\"col\">Brugernavn</th>"
			            "<th scope=\"col\">Rolle</th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/admin/users/%I\">%T</a>%T</td><td>%T</td><td>%T</td></tr>\n",
		         db_col_int(&q, 0), db_col_text(&q, 2), db_col_int(&q, 4) ? "" : _(" (deaktiveret)"),
		         db_col_text(&q, 1), role_title(role_parse(db_col_text(&q, 3))));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Ingen har en rolle i afdelingen endnu. Roller gives på brugerens side.</p>\n");
	page_end(r);
}

void page_department_edit(Req *r)
{
	edit_page(r);
}

void page_department_edit_post(Req *r)
{
	const char *name = req_form(r, "name"), *area = req_form(r, "area");
	char msg[300];
	if (!req_begin(r))
		return;
	if (department_update(r->db, r->dept->id, name, area, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/admin/departments/%s", r->dept->code), field_of(msg), msg);
		return;
	}
	req_audit(r, "department_edit", arena_printf(r->arena, "department:%s", r->dept->code), NULL);
	if (!req_commit(r, _("Afdelingen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/admin/departments/%s?ok=1", r->dept->code));
}

/* The department's own page: who is who. Later features add the tilsyn here. */
/*
** The rounds with answers in which some sampled case is the user's own (cases.advisor is
** their name), each linking to their own results; for a rådgiver also when not in the
** working group. Nothing is written when there are none.
*/
static void own_results(Req *r)
{
	if (r->role == ROLE_EKSTERN)
		return;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT DISTINCT o.id, o.title, c.advisor, coalesce(o.planned_start, substr(o.created_at, 1, 10)) AS d"
	           " FROM round o JOIN round_case rc ON rc.round_id = o.id AND rc.status = 'udtrukket'"
	           " JOIN cases c ON c.id = rc.case_id WHERE o.department_id = ?1"
	           " AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = o.id) ORDER BY d DESC, o.id DESC");
	db_bind_int(&q, 1, r->dept->id);
	int64_t last = 0;
	int n = 0;
	while (db_step(&q)) {
		int64_t id = db_col_int(&q, 0);
		if (id == last || !ident_owns(r->db, r->dept->id, db_col_text(&q, 2), r->user->id))
			continue;
		last = id;
		if (n++ == 0)
			html_lit(&r->out, "<h2>Dine resultater</h2>\n<p>Tallene for dine egne sager i afdelingens tilsyn, ved siden "
			                  "af afdelingens samlede tal.</p>\n<ul>\n");
		html_fmt(&r->out, "<li><a href=\"/d/%U/rounds/%I/results/mine\">%T</a></li>\n", r->dept->code, id,
		         db_col_text(&q, 1));
	}
	db_finalize(&q);
	if (n)
		html_lit(&r->out, "</ul>\n");
}

void page_department_home(Req *r)
{
	if (r->role == ROLE_EKSTERN) { /* an external reviewer sees only the rounds they are invited to */
		page_external_rounds(r);
		return;
	}
	Buf *b = &r->out;
	Department *d = r->dept;
	page_begin(r, d->name);
	html_fmt(b, "<h1>%T</h1>\n<p class=\"lead\">%T · du er %T i afdelingen.</p>\n", d->name,
	         str_eq(d->area, "barn") ? _("Børn og unge med handicap (barnets lov)")
	                                 : _("Voksne med handicap (serviceloven)"),
	         role_title(r->role));
	if (auth_allows(PERM_DEPT_WORKGROUP, 0, r->role))
		html_fmt(b, "<ul class=\"cards\">\n<li><a href=\"/d/%U/rounds\">Tilsyn</a><span>planlæg, udtræk og følg "
		            "afdelingens tilsyn</span></li>\n<li><a href=\"/d/%U/cases\">Sagsliste</a><span>indlæs og se "
		            "afdelingens sager</span></li>\n<li><a href=\"/d/%U/trends\">Udvikling</a><span>resultaterne over "
		            "tid, samlet og pr. spørgsmål</span></li>\n</ul>\n",
		         d->code, d->code, d->code);
	if (r->role != ROLE_EKSTERN) /* the working group is no secret inside the department */
		html_fmt(b, "<p><a href=\"/d/%U/workgroup\">Arbejdsgruppe</a> – hvem der planlægger afdelingens tilsyn</p>\n",
		         d->code);
	if (auth_allows(PERM_DEPT_WORKGROUP, 0, r->role))
		html_fmt(b, "<p><a href=\"/d/%U/plan\">Årshjul</a> – årets tilsyn, møder og frister, og hvor planen afviger fra "
		            "anbefalingerne</p>\n",
		         d->code);
	html_fmt(b, "<p><a href=\"/d/%U/meetings\">Møder og tilbagemelding</a> – informationsmøder, stop-op-møder og "
	            "tilbagemelding til ledelsen, personalet og hver rådgiver</p>\n<p><a href=\"/d/%U/actions\">Tiltag</a> – "
	            "det, afdelingen har besluttet efter et tilsyn, og om det har virket</p>\n",
	         d->code, d->code);
	if (auth_allows(PERM_DEPT_LEDER, 0, r->role))
		html_fmt(b, "<p><a href=\"/d/%U/audit\">Logbog for en sag</a> – hvem har set eller ændret en sag, og hvornår</p>\n",
		         d->code);
	own_results(r);
	html_lit(b, "<h2>Medarbejdere</h2>\n<table>\n<thead><tr><th scope=\"col\">Navn</th><th scope=\"col\">Rolle</th>"
	            "</tr></thead>\n<tbody>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.name, m.role FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND u.active = 1"
	           " ORDER BY CASE m.role WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 WHEN 'raadgiver' THEN 3 ELSE 4 END,"
	           " u.name");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q))
		html_fmt(b, "<tr><td>%T</td><td>%T</td></tr>\n", db_col_text(&q, 0),
		         role_title(role_parse(db_col_text(&q, 1))));
	db_finalize(&q);
	html_lit(b, "</tbody>\n</table>\n");
	page_end(r);
}
