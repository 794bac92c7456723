/*
** User administration: the list of users, creating a user (with a temporary password
** that must be changed at first login), editing name, administrator flag and active
** state, a role per department, and resetting a forgotten password.
*/
#include "http.h"

#include <string.h>

static void role_select(Buf *b, const char *id, Role current)
{
	html_fmt(b, "<select id=\"%A\" name=\"role\">", id);
	html_option(b, "", _("ingen rolle"), current == ROLE_NONE);
	for (Role role = ROLE_LEDER; role <= ROLE_EKSTERN; role++)
		html_option(b, role_code(role), role_title(role), current == role);
	html_lit(b, "</select>");
}

static void department_select(Req *r, const char *id, const char *current)
{
	Buf *b = &r->out;
	html_fmt(b, "<select id=\"%A\" name=\"department\">", id);
	html_option(b, "", _("ingen afdeling"), str_empty(current));
	Stmt q;
	db_prepare(&q, r->db, "SELECT code, name FROM department ORDER BY name");
	while (db_step(&q))
		html_option(b, db_col_text(&q, 0), db_col_text(&q, 1), str_eq(current, db_col_text(&q, 0)));
	db_finalize(&q);
	html_lit(b, "</select>");
}

static int user_from_capture(Req *r, User *u)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "id"), &id) || !user_by_id(r->db, id, u)) {
		http_error(r, 404, _("Brugeren findes ikke."));
		return 0;
	}
	return 1;
}

static void audit_user(Req *r, const char *action, int64_t user_id, int64_t department_id, const char *detail)
{
	req_audit_in(r, department_id, action, arena_printf(r->arena, "user:%lld", (long long)user_id), detail);
}

void page_user_list(Req *r)
{
	Buf *b = &r->out;
	page_begin(r, _("Brugere"));
	html_lit(b, "<h1>Brugere</h1>\n<p><a class=\"button\" href=\"/admin/users/new\">Opret bruger</a></p>\n");
	/* One row per user and role; the roles are joined here, as SQL has no portable way. */
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.login, u.name, u.is_admin, u.active, d.code || ': ' || CASE m.role"
	           "  WHEN 'leder' THEN 'leder' WHEN 'koordinator' THEN 'faglig koordinator'"
	           "  WHEN 'raadgiver' THEN 'rådgiver' ELSE 'ekstern konsulent' END"
	           " FROM users u LEFT JOIN membership m ON m.user_id = u.id"
	           " LEFT JOIN department d ON d.id = m.department_id"
	           " ORDER BY u.active DESC, u.name, u.id, m.department_id");
	html_lit(b, "<table>\n<caption>Alle brugere</caption>\n<thead><tr><th scope=\"col\">Navn</th>"
	            "<th scope=\"col\">Brugernavn</th><th scope=\"col\">Roller</th><th scope=\"col\">Status</th>"
	            "</tr></thead>\n<tbody>\n");
	int more = db_step(&q);
	while (more) {
		int64_t id = db_col_int(&q, 0), active = db_col_int(&q, 4);
		int is_admin = db_col_int(&q, 3) != 0;
		html_fmt(b, "<tr><td><a href=\"/admin/users/%I\">%T</a></td><td>%T</td><td>%T", id, db_col_text(&q, 2),
		         db_col_text(&q, 1), is_admin ? _("administrator") : "");
		const char *sep = is_admin ? ", " : "";
		do {
			if (!db_col_is_null(&q, 5)) {
				html_fmt(b, "%T%T", sep, db_col_text(&q, 5));
				sep = ", ";
			}
		} while ((more = db_step(&q)) && db_col_int(&q, 0) == id);
		html_lit(b, "</td><td>");
		html_tag(b, active ? "done" : "todo", active ? _("aktiv") : _("deaktiveret"));
		html_lit(b, "</td></tr>\n");
	}
	db_finalize(&q);
	html_lit(b, "</tbody>\n</table>\n");
	page_end(r);
}

static void new_page(Req *r)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	page_begin(r, _("Opret bruger"));
	html_lit(b, "<p class=\"crumbs\"><a href=\"/admin/users\">Brugere</a> › Opret</p>\n<h1>Opret bruger</h1>\n");
	flash_summary(r, f);
	page_form_begin(r, "/admin/users");
	html_lit(b, "<div class=\"stack\">\n<label for=\"login\">Brugernavn</label>\n");
	flash_field_error(r, f, "login");
	html_lit(b, "<input id=\"login\" name=\"login\" required maxlength=\"64\" autocomplete=\"off\"");
	flash_field_attrs(r, f, "login");
	html_fmt(b, " value=\"%A\">\n"
	            "<p class=\"hint\" id=\"login-hint\">Fx initialer eller e-mailadresse: bogstaver, tal, . _ - @.</p>\n"
	            "<label for=\"name\">Fulde navn</label>\n",
	         flash_value(f, "login", ""));
	flash_field_error(r, f, "name");
	html_lit(b, "<input id=\"name\" name=\"name\" required maxlength=\"200\"");
	flash_field_attrs(r, f, "name");
	html_fmt(b, " value=\"%A\">\n<label for=\"department\">Afdeling</label>\n", flash_value(f, "name", ""));
	flash_field_error(r, f, "department");
	department_select(r, "department", flash_value(f, "department", NULL));
	html_lit(b, "\n<label for=\"role\">Rolle i afdelingen</label>\n");
	flash_field_error(r, f, "role");
	role_select(b, "role", role_parse(flash_value(f, "role", NULL)));
	if (flash_value(f, "admin", NULL))
		html_lit(b, "\n<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\" checked>");
	else
		html_lit(b, "\n<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\">");
	html_lit(b, " Administrator (brugere, afdelinger og indstillinger; ser ikke sagsindhold)</label>\n"
	            "<p class=\"hint\">Brugeren får en midlertidig adgangskode, som vises én gang, og som skal skiftes "
	            "ved første login.</p>\n<button type=\"submit\">Opret bruger</button>\n</div>\n</form>\n");
	page_end(r);
}

void page_user_new(Req *r)
{
	new_page(r);
}

static void show_temporary_password(Req *r, const User *u, const char *password, const char *what)
{
	Buf *b = &r->out;
	page_begin(r, what);
	html_fmt(b,
	         "<p class=\"crumbs\"><a href=\"/admin/users\">Brugere</a> › %T</p>\n<h1>%T</h1>\n"
	         "<div class=\"msg ok\" role=\"status\"><p>Giv brugeren <strong>%T</strong> denne midlertidige "
	         "adgangskode ad en sikker vej (ikke i samme e-mail som brugernavnet). Den vises kun denne ene gang "
	         "og skal skiftes ved første login:</p>\n<p class=\"secret\"><code>%T</code></p></div>\n"
	         "<p><a href=\"/admin/users/%I\">Videre til brugeren</a></p>\n",
	         u->name, what, u->login, password, u->id);
	page_end(r);
}

void page_user_add(Req *r)
{
	const char *login = req_form(r, "login"), *name = req_form(r, "name");
	const char *code = req_form(r, "department");
	Role role = role_parse(req_form(r, "role"));
	int admin = req_form_checked(r, "admin");
	Department d;
	if (!str_empty(code) && !department_by_code(r->db, code, &d)) {
		flash_fail(r, "/admin/users/new", "department", _("Den valgte afdeling findes ikke."));
		return;
	}
	if (role == ROLE_ADMIN || (!str_empty(req_form(r, "role")) && role == ROLE_NONE)) {
		flash_fail(r, "/admin/users/new", "role", _("Den valgte rolle findes ikke."));
		return;
	}
	if ((role != ROLE_NONE) != !str_empty(code)) {
		flash_fail(r, "/admin/users/new", str_empty(code) ? "department" : "role",
		           _("Vælg både afdeling og rolle, eller ingen af dem."));
		return;
	}
	if (!admin && role == ROLE_NONE) {
		flash_fail(r, "/admin/users/new", "role",
		           _("Giv brugeren en rolle i en afdeling, eller gør brugeren til administrator."));
		return;
	}
	char password[15];
	auth_random_password(password, sizeof password);
	char msg[300];
	int64_t id;
	if (!req_begin(r))
		return;
	if (user_add(r->db, login, name, admin, password, 1, &id, msg, sizeof msg) != 0 ||
	    (role != ROLE_NONE && user_set_role(r->db, id, d.id, role, msg, sizeof msg) != 0)) {
		db_rollback(r->db);
		flash_fail(r, "/admin/users/new", strncmp(msg, "Navn", 4) == 0 ? "name" : "login", msg);
		return;
	}
	audit_user(r, "user_add", id, role != ROLE_NONE ? d.id : 0,
	           arena_printf(r->arena, "%s%s%s", admin ? "administrator " : "", role_code(role),
	                        role != ROLE_NONE ? arena_printf(r->arena, " i %s", d.code) : ""));
	if (!req_commit(r, _("Brugeren kunne ikke gemmes. Prøv igen.")))
		return;
	User u;
	user_by_id(r->db, id, &u);
	show_temporary_password(r, &u, password, _("Brugeren er oprettet"));
}

static void edit_page(Req *r, const User *u)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	page_begin(r, u->name);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/admin/users\">Brugere</a> › %T</p>\n<h1>%T</h1>\n", u->login, u->name);
	flash_summary(r, f);
	if (req_query(r, "ok") && !flash_has(f))
		page_message(r, "ok", _("Ændringen er gemt."));

	html_lit(b, "<h2>Oplysninger</h2>\n");
	page_form_begin(r, arena_printf(r->arena, "/admin/users/%lld", (long long)u->id));
	html_lit(b, "<div class=\"stack\">\n<label for=\"name\">Fulde navn</label>\n");
	flash_field_error(r, f, "name");
	html_lit(b, "<input id=\"name\" name=\"name\" required maxlength=\"200\"");
	flash_field_attrs(r, f, "name");
	html_fmt(b, " value=\"%A\">\n", flash_value(f, "name", u->name));
	if (u->is_admin)
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\" checked> "
		            "Administrator</label>\n");
	else
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\"> Administrator</label>\n");
	if (u->active)
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"active\" value=\"1\" checked> Aktiv "
		            "(fjern fluebenet for at deaktivere; brugeren logges ud med det samme)</label>\n");
	else
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"active\" value=\"1\"> Aktiv</label>\n");
	html_lit(b, "<button type=\"submit\">Gem</button>\n</div>\n</form>\n");

	html_lit(b, "<h2>Roller i afdelinger</h2>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, d.name, m.role FROM department d LEFT JOIN membership m"
	           " ON m.department_id = d.id AND m.user_id = ?1 ORDER BY d.name");
	db_bind_int(&q, 1, u->id);
	html_lit(b, "<table>\n<thead><tr><th scope=\"col\">Afdeling</th><th scope=\"col\">Rolle</th></tr></thead>\n<tbody>\n");
	int i = 0;
	while (db_step(&q)) {
		const char *code = db_col_text(&q, 0);
		char *select_id = arena_printf(r->arena, "role-%d", i++);
		/* After a refused change of this department's role: its message and the role chosen. */
		int refused = str_eq(flash_value(f, "department", ""), code) && flash_field_message(f, "role");
		html_fmt(b, "<tr><td><label for=\"%A\">%T</label></td><td>", select_id, db_col_text(&q, 1));
		if (refused)
			html_fmt(b, "<p class=\"field-error\" id=\"role\"><span class=\"sr\">Fejl: </span>%T</p>",
			         flash_field_message(f, "role"));
		page_form_begin(r, arena_printf(r->arena, "/admin/users/%lld/role", (long long)u->id));
		html_fmt(b, "<input type=\"hidden\" name=\"department\" value=\"%A\">", code);
		role_select(b, select_id, role_parse(refused ? flash_value(f, "role", "") : db_col_text(&q, 2)));
		html_fmt(b, " <button type=\"submit\" class=\"small\">Gem rolle<span class=\"sr\"> i %T</span></button>"
		            "</form></td></tr>\n",
		         db_col_text(&q, 1));
	}
	db_finalize(&q);
	html_lit(b, "</tbody>\n</table>\n");
	page_alias_section(r, u, f);

	html_lit(b, "<h2 id=\"sessioner\">Sessioner</h2>\n<p>Hvor brugeren er logget ind. En afsluttet session "
	            "skal logge ind igen.</p>\n");
	page_sessions_table(r, u->id, arena_printf(r->arena, "/admin/users/%lld/sessions", (long long)u->id));

	html_lit(b, "<h2>Adgangskode</h2>\n<p>Har brugeren glemt sin adgangskode, kan du give en ny midlertidig. "
	            "Brugeren logges ud alle steder og skal vælge en ny ved næste login.</p>\n");
	page_form_begin(r, arena_printf(r->arena, "/admin/users/%lld/password", (long long)u->id));
	html_lit(b, "<button type=\"submit\">Giv ny midlertidig adgangskode</button></form>\n");
	page_end(r);
}

void page_user_edit(Req *r)
{
	User u;
	if (user_from_capture(r, &u))
		edit_page(r, &u);
}

void page_user_edit_post(Req *r)
{
	User u;
	if (!user_from_capture(r, &u))
		return;
	int admin = req_form_checked(r, "admin"), active = req_form_checked(r, "active");
	if (u.id == r->user->id && (!admin || !active)) {
		flash_fail(r, arena_printf(r->arena, "/admin/users/%lld", (long long)u.id), NULL,
		           _("Du kan ikke fjerne din egen administratorret eller deaktivere dig selv. "
		             "Bed en anden administrator om det."));
		return;
	}
	char msg[300];
	if (!req_begin(r))
		return;
	if (user_update(r->db, u.id, req_form(r, "name"), admin, active, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/admin/users/%lld", (long long)u.id), "name", msg);
		return;
	}
	audit_user(r, "user_edit", u.id, 0,
	           arena_printf(r->arena, "administrator=%d aktiv=%d", admin, active));
	if (!req_commit(r, _("Ændringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/admin/users/%lld?ok=1", (long long)u.id));
}

void page_user_role_post(Req *r)
{
	User u;
	if (!user_from_capture(r, &u))
		return;
	Department d;
	const char *role_text = req_form(r, "role");
	Role role = role_parse(role_text);
	const char *back = arena_printf(r->arena, "/admin/users/%lld", (long long)u.id);
	if (!department_by_code(r->db, req_form(r, "department") ? req_form(r, "department") : "", &d)) {
		flash_fail(r, back, NULL, _("Den valgte afdeling findes ikke."));
		return;
	}
	if (role == ROLE_ADMIN || (!str_empty(role_text) && role == ROLE_NONE)) {
		flash_fail(r, back, "role", _("Den valgte rolle findes ikke."));
		return;
	}
	char msg[300];
	if (!req_begin(r))
		return;
	if (user_set_role(r->db, u.id, d.id, role, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, back, "role", msg);
		return;
	}
	audit_user(r, "user_role", u.id, d.id, role == ROLE_NONE ? "ingen rolle" : role_code(role));
	if (!req_commit(r, _("Ændringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/admin/users/%lld?ok=1", (long long)u.id));
}

void page_user_reset_password(Req *r)
{
	User u;
	if (!user_from_capture(r, &u))
		return;
	char password[15];
	auth_random_password(password, sizeof password);
	char msg[300];
	if (!req_begin(r))
		return;
	if (user_set_password(r->db, u.id, password, 1, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/admin/users/%lld", (long long)u.id), NULL, msg);
		return;
	}
	audit_user(r, "password_reset", u.id, 0, NULL);
	if (!req_commit(r, _("Adgangskoden kunne ikke gemmes. Prøv igen.")))
		return;
	show_temporary_password(r, &u, password, _("Ny midlertidig adgangskode"));
}
