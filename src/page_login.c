/*
** Logging in and out, and changing one's own password. The login form is protected
** against forgery by a token that this server signed (auth_login_token_make), in a cookie
** that must match the one in the form; a successful login always starts a brand-new
** session (never one an attacker planted). Repeated failures are answered with 429 and
** the time to try again, at once (auth.c counts them; denial.c aggregates their audit).
*/
#include "http.h"

#include <string.h>

#define LOGIN_COOKIE "tilsyn_login"
#define SESSION_COOKIE "tilsyn_session"

static void login_form(Req *r, int status, const char *error, const char *login, const char *next)
{
	const Flash *f = flash_take(r); /* before the new token replaces the cookie it is bound to */
	login = flash_value(f, "login", login);
	next = flash_value(f, "next", next);
	char token[TOKEN_HEX];
	auth_login_token_make(r->db, time(NULL), token);
	Buf *b = &r->out;
	page_begin(r, _("Log ind"));
	http_set_cookie(r, LOGIN_COOKIE, token, 3600);
	html_lit(b, "<div class=\"narrow\">\n<h1>Log ind</h1>\n");
	flash_summary(r, f);
	if (error)
		page_message(r, "error", error);
	else if (req_query(r, "ud") && !flash_has(f))
		page_message(r, "ok", _("Du er logget ud."));
	else if (req_query(r, "udloebet"))
		page_message(r, "warn", _("Din session udløb, før dine svar blev gemt. Log ind igen; det, du skrev, er bevaret."));
	html_fmt(b,
	         "<form method=\"post\" action=\"/login\" class=\"stack\">\n"
	         "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
	         token);
	if (next && http_local_path(next))
		html_fmt(b, "<input type=\"hidden\" name=\"next\" value=\"%A\">\n", next);
	html_lit(b, "<label for=\"login\">Brugernavn</label>\n");
	flash_field_error(r, f, "login");
	html_fmt(b, "<input id=\"login\" name=\"login\" autocomplete=\"username\" required maxlength=\"64\" value=\"%A\"",
	         login ? login : "");
	flash_field_attrs(r, f, "login");
	html_lit(b, ">\n<label for=\"password\">Adgangskode</label>\n");
	flash_field_error(r, f, "password");
	html_lit(b, "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required");
	flash_field_attrs(r, f, "password");
	html_lit(b, ">\n<button type=\"submit\">Log ind</button>\n</form>\n"
	            "<p class=\"hint\">Har du glemt din adgangskode, så kontakt systemets administrator.</p>\n</div>\n");
	page_end(r);
	r->status = status;
}

void page_login_form(Req *r)
{
	login_form(r, 200, NULL, NULL, req_query(r, "next"));
}

/* "Try again in N seconds (at 21.14)", in Danish time. */
static const char *wait_message(Req *r, int64_t now, int64_t wait)
{
	char iso[32], when[64];
	time_iso(iso, (time_t)(now + wait));
	date_time_danish(iso, when);
	const char *in = wait == 1  ? _("1 sekund")
	                 : wait < 120 ? arena_printf(r->arena, _("%lld sekunder"), (long long)wait)
	                              : arena_printf(r->arena, _("%lld minutter"), (long long)((wait + 59) / 60));
	return arena_printf(r->arena,
	                    _("For mange mislykkede forsøg herfra. Prøv igen om %s (%s). "
	                      "Har du glemt din adgangskode, så kontakt administratoren."),
	                    in, when);
}

void page_login_post(Req *r)
{
	const char *login = req_form(r, "login");
	const char *password = req_form(r, "password");
	const char *next = req_form(r, "next");
	if (str_empty(login) || !password || !*password) {
		flash_fail(r, "/login", str_empty(login) ? "login" : "password", _("Skriv både brugernavn og adgangskode."));
		return;
	}
	if (strlen(login) > 64 || strlen(password) > PASSWORD_MAX) {
		flash_fail(r, "/login", strlen(login) > 64 ? "login" : "password", _("Brugernavn eller adgangskode er for langt."));
		return;
	}
	int64_t now = time(NULL);
	User u;
	int64_t retry_after;
	LoginResult res = login_try(r->db, login, password, now, r->ip, &u, &retry_after);
	if (res == LOGIN_THROTTLED) {
		login_form(r, 429, wait_message(r, now, retry_after), login, next);
		http_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)retry_after));
		return;
	}
	if (res != LOGIN_OK) {
		flash_fail(r, "/login", "password", _("Forkert brugernavn eller adgangskode."));
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
	req_audit(r, "logout", NULL, NULL);
	http_redirect(r, "/login?ud=1");
	http_set_cookie(r, SESSION_COOKIE, "", 0);
}

/* One password input with its label and, after a failed post, its message. */
static void password_input(Req *r, const Flash *f, const char *name, const char *label, const char *rest)
{
	html_fmt(&r->out, "<label for=\"%A\">%T</label>\n", name, label);
	flash_field_error(r, f, name);
	html_fmt(&r->out, "<input id=\"%A\" name=\"%A\" type=\"password\" required", name, name);
	flash_field_attrs(r, f, name);
	buf_puts(&r->out, rest); /* string literals only */
}

static void password_form(Req *r, int status, const char *error)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	page_begin(r, _("Skift adgangskode"));
	html_lit(b, "<div class=\"narrow\">\n<h1>Skift adgangskode</h1>\n");
	flash_summary(r, f);
	if (error)
		page_message(r, "error", error);
	else if (req_query(r, "ok"))
		page_message(r, "ok", _("Din adgangskode er skiftet."));
	else if (r->user->must_change_password && !flash_has(f))
		page_message(r, "ok", _("Du har fået en midlertidig adgangskode. Vælg din egen, før du fortsætter."));
	page_form_begin(r, "/account/password");
	html_lit(b, "<div class=\"stack\">\n");
	password_input(r, f, "current", _("Nuværende adgangskode"), " autocomplete=\"current-password\">\n");
	password_input(r, f, "new", _("Ny adgangskode"),
	               " autocomplete=\"new-password\" minlength=\"10\">\n"
	               "<p class=\"hint\" id=\"new-hint\">Mindst 10 tegn. En sætning, du kan huske, er god.</p>\n");
	password_input(r, f, "repeat", _("Gentag ny adgangskode"), " autocomplete=\"new-password\" minlength=\"10\">\n");
	html_lit(b, "<button type=\"submit\">Skift adgangskode</button>\n</div>\n</form>\n</div>\n");
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
	int64_t now = time(NULL), retry_after, failures;
	int ok = login_password_recheck(r->db, r->user, current ? current : "", now, r->ip, &retry_after, &failures);
	if (ok < 0) {
		password_form(r, 429, wait_message(r, now, retry_after));
		http_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)retry_after));
		return;
	}
	if (!ok && failures >= PASSWORD_CHECK_MAX) {
		/* Someone at an open session guessing the password: the session ends. */
		auth_session_end(r->db, r->session->id);
		req_audit(r, "session_ended", NULL, "for mange forkerte nuværende adgangskoder");
		r->session = NULL, r->user = NULL; /* the page is shown as to someone logged out */
		http_error(r, 401, _("Den nuværende adgangskode blev skrevet forkert for mange gange, så du er logget ud. "
		                     "Log ind igen."));
		http_set_cookie(r, SESSION_COOKIE, "", 0);
		return;
	}
	if (!ok) {
		flash_fail(r, "/account/password", "current", _("Den nuværende adgangskode er forkert."));
		return;
	}
	if (!str_eq(fresh, repeat)) {
		flash_fail(r, "/account/password", "repeat", _("De to nye adgangskoder er ikke ens."));
		return;
	}
	if (str_eq(fresh, current)) {
		flash_fail(r, "/account/password", "new", _("Den nye adgangskode skal være en anden end den nuværende."));
		return;
	}
	char msg[300];
	if (!req_begin(r))
		return;
	if (user_set_password(r->db, r->user->id, fresh, 0, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, "/account/password", "new", msg);
		return;
	}
	req_audit(r, "password_change", arena_printf(r->arena, "user:%lld", (long long)r->user->id), NULL);
	/* Setting the password ended every session; the one in use continues as a new one. */
	char token[TOKEN_HEX];
	Session s;
	if (auth_session_create(r->db, r->user->id, time(NULL), r->ip, token, &s) != 0 || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		http_error(r, 500, _("Adgangskoden kunne ikke gemmes. Prøv igen."));
		return;
	}
	http_set_cookie(r, SESSION_COOKIE, token, -1);
	http_redirect(r, "/account/password?ok=1");
}
