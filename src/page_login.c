/*
** Logging in and out, and changing one's own password. The login form is protected
** against forgery by a token in a cookie that must match the one in the form; a
** successful login always starts a brand-new session (never one an attacker planted).
*/
#include "http.h"

#include <string.h>
#include <unistd.h>

#define LOGIN_COOKIE "tilsyn_login"
#define SESSION_COOKIE "tilsyn_session"

static void login_form(Req *r, int status, const char *error, const char *login, const char *next)
{
	char token[TOKEN_HEX];
	auth_random_token(token);
	Buf *b = &r->out;
	page_begin(r, _("Log ind"));
	http_set_cookie(r, LOGIN_COOKIE, token, 3600);
	html_lit(b, "<div class=\"narrow\">\n<h1>Log ind</h1>\n");
	if (error)
		page_message(r, "error", error);
	else if (req_query(r, "ud"))
		page_message(r, "ok", _("Du er logget ud."));
	html_fmt(b,
	         "<form method=\"post\" action=\"/login\" class=\"stack\">\n"
	         "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
	         token);
	if (next && http_local_path(next))
		html_fmt(b, "<input type=\"hidden\" name=\"next\" value=\"%A\">\n", next);
	html_fmt(b,
	         "<label for=\"login\">Brugernavn</label>\n"
	         "<input id=\"login\" name=\"login\" autocomplete=\"username\" required maxlength=\"64\" value=\"%A\">\n"
	         "<label for=\"password\">Adgangskode</label>\n"
	         "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n"
	         "<button type=\"submit\">Log ind</button>\n</form>\n"
	         "<p class=\"hint\">Har du glemt din adgangskode, så kontakt systemets administrator.</p>\n</div>\n",
	         login ? login : "");
	page_end(r);
	r->status = status;
}

void page_login_form(Req *r)
{
	login_form(r, 200, NULL, NULL, req_query(r, "next"));
}

void page_login_post(Req *r)
{
	const char *login = req_form(r, "login");
	const char *password = req_form(r, "password");
	const char *next = req_form(r, "next");
	if (str_empty(login) || !password || !*password) {
		login_form(r, 400, _("Skriv både brugernavn og adgangskode."), login, next);
		return;
	}
	if (strlen(login) > 64 || strlen(password) > PASSWORD_MAX) {
		login_form(r, 400, _("Brugernavn eller adgangskode er for langt."), NULL, next);
		return;
	}
	int64_t now = time(NULL);
	int delay = auth_login_delay_ms(r->db, login, now);
	if (delay)
		usleep((useconds_t)delay * 1000);
	User u;
	int64_t locked_for;
	LoginResult res = auth_login(r->db, login, password, now, r->ip, &u, &locked_for);
	if (res == LOGIN_LOCKED) {
		int minutes = (int)((locked_for + 59) / 60);
		login_form(r, 429,
		           arena_printf(r->arena,
		                        _("For mange mislykkede forsøg. Brugernavnet er låst i %d minutter. "
		                          "Kontakt administratoren, hvis du har glemt din adgangskode."),
		                        minutes),
		           login, next);
		http_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)locked_for));
		return;
	}
	if (res != LOGIN_OK) {
		login_form(r, 401, _("Forkert brugernavn eller adgangskode."), login, next);
		return;
	}
	char token[TOKEN_HEX];
	Session s;
	if (auth_session_create(r->db, u.id, now, r->ip, token, &s) != 0) {
		http_error(r, 500, _("Du kunne ikke logges ind, fordi databasen ikke svarede. Prøv igen om lidt."));
		return;
	}
	http_redirect(r, u.must_change_password ? "/account/password" : http_local_path(next) ? next : "/");
	http_set_cookie(r, SESSION_COOKIE, token, -1);
	http_set_cookie(r, LOGIN_COOKIE, "", 0);
}

void page_logout(Req *r)
{
	auth_session_end(r->db, r->session->id);
	audit_log(r->db, &(AuditEntry){.user_id = r->user->id, .login = r->user->login, .action = "logout", .ip = r->ip});
	http_redirect(r, "/login?ud=1");
	http_set_cookie(r, SESSION_COOKIE, "", 0);
}

static void password_form(Req *r, int status, const char *error)
{
	Buf *b = &r->out;
	page_begin(r, _("Skift adgangskode"));
	html_lit(b, "<div class=\"narrow\">\n<h1>Skift adgangskode</h1>\n");
	if (error)
		page_message(r, "error", error);
	else if (req_query(r, "ok"))
		page_message(r, "ok", _("Din adgangskode er skiftet."));
	else if (r->user->must_change_password)
		page_message(r, "ok", _("Du har fået en midlertidig adgangskode. Vælg din egen, før du fortsætter."));
	page_form_begin(r, "/account/password");
	html_lit(b,
	         "<div class=\"stack\">\n"
	         "<label for=\"current\">Nuværende adgangskode</label>\n"
	         "<input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" required>\n"
	         "<label for=\"new\">Ny adgangskode</label>\n"
	         "<input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" required minlength=\"10\""
	         " aria-describedby=\"new-hint\">\n"
	         "<p class=\"hint\" id=\"new-hint\">Mindst 10 tegn. En sætning, du kan huske, er god.</p>\n"
	         "<label for=\"repeat\">Gentag ny adgangskode</label>\n"
	         "<input id=\"repeat\" name=\"repeat\" type=\"password\" autocomplete=\"new-password\" required minlength=\"10\">\n"
	         "<button type=\"submit\">Skift adgangskode</button>\n</div>\n</form>\n</div>\n");
	page_end(r);
	r->status = status;
}

void page_account_password(Req *r)
{
	password_form(r, 200, NULL);
}

void page_account_password_post(Req *r)
{
	const char *current = req_form(r, "current");
	const char *fresh = req_form(r, "new");
	const char *repeat = req_form(r, "repeat");
	Stmt q;
	db_prepare(&q, r->db, "SELECT password_hash FROM users WHERE id = ?1");
	db_bind_int(&q, 1, r->user->id);
	int ok = db_step(&q) && current && auth_password_verify(db_col_text(&q, 0), current);
	db_finalize(&q);
	if (!ok) {
		password_form(r, 400, _("Den nuværende adgangskode er forkert."));
		return;
	}
	if (!str_eq(fresh, repeat)) {
		password_form(r, 400, _("De to nye adgangskoder er ikke ens."));
		return;
	}
	if (str_eq(fresh, current)) {
		password_form(r, 400, _("Den nye adgangskode skal være en anden end den nuværende."));
		return;
	}
	const char *msg;
	if (db_begin(r->db) != SQLITE_OK) {
		http_error(r, 503, _("Databasen er optaget. Prøv igen om lidt."));
		return;
	}
	if (user_set_password(r->db, r->user->id, fresh, 0, &msg) != 0) {
		db_rollback(r->db);
		password_form(r, 400, msg);
		return;
	}
	audit_log(r->db, &(AuditEntry){.user_id = r->user->id, .login = r->user->login, .action = "password_change",
	                               .object = arena_printf(r->arena, "user:%lld", (long long)r->user->id), .ip = r->ip});
	/* Setting the password ended every session; the one in use continues as a new one. */
	char token[TOKEN_HEX];
	Session s;
	if (auth_session_create(r->db, r->user->id, time(NULL), r->ip, token, &s) != 0 || db_commit(r->db) != SQLITE_OK) {
		db_rollback(r->db);
		http_error(r, 500, _("Adgangskoden kunne ikke gemmes. Prøv igen."));
		return;
	}
	http_set_cookie(r, SESSION_COOKIE, token, -1);
	http_redirect(r, "/account/password?ok=1");
}
