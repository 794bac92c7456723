/*
** Sessions: a user sees where they are logged in (when each session began, when it was last
** used and from which IP address, the one in use marked) and can end any of them; an
** administrator sees and ends anyone's on the user's admin page. Only sessions that have
** not expired are shown. Ending is audited; a session of someone else is refused with 404
** (the id tells nothing) and the attempt is audited too.
*/
#include "http.h"

#include <string.h>
#include <time.h>

#define SESSION_COOKIE "tilsyn_session"

static const char *when(Req *r, int64_t t)
{
	char iso[32];
	time_iso(iso, (time_t)t);
	return date_time_in(r->arena, iso);
}

/* The table of user_id's live sessions, each with a button that posts to
** <end_base>/<session id>/end. */
void page_sessions_table(Req *r, int64_t user_id, const char *end_base)
{
	Buf *b = &r->out;
	int64_t now = time(NULL);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, created, last_seen, coalesce(ip, '') FROM session WHERE user_id = ?1"
	           " AND last_seen > ?2 - ?3 AND created > ?2 - ?4 ORDER BY last_seen DESC, id DESC");
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, now);
	db_bind_int(&q, 3, SESSION_IDLE_SECONDS);
	db_bind_int(&q, 4, SESSION_ABSOLUTE_SECONDS);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table class=\"sessions\">\n<caption>Aktive sessioner</caption>\n<thead><tr>"
			            "<th scope=\"col\">Logget ind</th><th scope=\"col\">Sidst aktiv</th>"
			            "<th scope=\"col\">IP-adresse</th><th scope=\"col\">Handling</th></tr></thead>\n<tbody>\n");
		int64_t id = db_col_int(&q, 0);
		int current = r->session && r->session->id == id;
		const char *ip = db_col_text(&q, 3);
		html_fmt(b, "<tr id=\"session-%I\"><td>%T%T</td><td>%T</td><td>%T</td><td>", id, when(r, db_col_int(&q, 1)),
		         current ? _(" (denne session)") : "", when(r, db_col_int(&q, 2)), *ip ? ip : _("ukendt"));
		/* Ending another session logs someone out: it looks destructive and is asked first. */
		if (!current)
			html_fmt(b, "<details class=\"inline confirm\"><summary>Afslut<span class=\"sr\"> sessionen logget ind "
			            "%T</span></summary><p>Den, der bruger sessionen, bliver logget ud med det samme.</p>",
			         when(r, db_col_int(&q, 1)));
		page_form_begin(r, arena_printf(r->arena, "%s/%lld/end", end_base, (long long)id));
		if (current)
			html_fmt(b, "<button type=\"submit\" class=\"small\">Log ud her<span class=\"sr\"> logget ind %T</span>"
			            "</button></form></td></tr>\n",
			         when(r, db_col_int(&q, 1)));
		else
			html_fmt(b, "<button type=\"submit\" class=\"small danger\">Ja, afslut sessionen<span class=\"sr\"> logget "
			            "ind %T</span></button></form></details></td></tr>\n",
			         when(r, db_col_int(&q, 1)));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Ingen aktive sessioner.</p>\n");
}

void page_account_sessions(Req *r)
{
	Buf *b = &r->out;
	page_begin(r, _("Dine sessioner"));
	html_lit(b, "<h1>Dine sessioner</h1>\n");
	if (req_query(r, "ok"))
		page_message(r, "ok", _("Sessionen er afsluttet. Den, der brugte den, skal logge ind igen."));
	html_lit(b, "<p>Her ser du, hvor du er logget ind. Kender du ikke en session, så afslut den og skift din "
	            "adgangskode.</p>\n");
	page_sessions_table(r, r->user->id, "/account/sessions");
	page_end(r);
}

/* Ends session sid of user_id; 1 when it existed. The audit row names whose session it was. */
static int end_session(Req *r, int64_t user_id, int64_t sid, const char *user_login)
{
	if (db_begin(r->db) != DB_OK)
		return -1;
	Stmt q;
	db_prepare(&q, r->db, "DELETE FROM session WHERE id = ?1 AND user_id = ?2");
	db_bind_int(&q, 1, sid);
	db_bind_int(&q, 2, user_id);
	int rc = db_done(&q);
	db_finalize(&q);
	int ended = rc == DB_OK && db_changes(r->db) > 0;
	if (ended)
		req_audit(r, "session_end", arena_printf(r->arena, "session:%lld", (long long)sid),
		          arena_printf(r->arena, "session for %s afsluttet", user_login));
	if (rc != DB_OK || !ended) {
		db_rollback(r->db);
		return rc != DB_OK ? -1 : 0;
	}
	return db_commit(r->db) == DB_OK ? 1 : -1;
}

static void not_found(Req *r, int64_t sid)
{
	req_audit(r, "access_denied", arena_printf(r->arena, "session:%lld", (long long)sid),
	          arena_printf(r->arena, "%s %s: ikke brugerens session", r->method, r->path));
	http_error(r, 404, _("Sessionen findes ikke, eller den er allerede afsluttet."));
}

void page_account_session_end(Req *r)
{
	int64_t sid;
	if (!parse_int64(req_capture(r, "sid"), &sid)) {
		http_error(r, 404, _("Sessionen findes ikke, eller den er allerede afsluttet."));
		return;
	}
	int current = r->session->id == sid;
	int res = end_session(r, r->user->id, sid, r->user->login);
	if (res < 0) {
		http_error(r, 500, _("Sessionen kunne ikke afsluttes. Prøv igen."));
		return;
	}
	if (res == 0) {
		not_found(r, sid);
		return;
	}
	if (current) {
		http_redirect(r, "/login?ud=1");
		http_set_cookie(r, SESSION_COOKIE, "", 0);
		return;
	}
	http_redirect(r, "/account/sessions?ok=1");
}

void page_user_session_end(Req *r)
{
	int64_t uid, sid;
	User u;
	if (!parse_int64(req_capture(r, "id"), &uid) || !user_by_id(r->db, uid, &u)) {
		http_error(r, 404, _("Brugeren findes ikke."));
		return;
	}
	if (!parse_int64(req_capture(r, "sid"), &sid)) {
		http_error(r, 404, _("Sessionen findes ikke, eller den er allerede afsluttet."));
		return;
	}
	int current = r->session->id == sid;
	int res = end_session(r, u.id, sid, u.login);
	if (res < 0) {
		http_error(r, 500, _("Sessionen kunne ikke afsluttes. Prøv igen."));
		return;
	}
	if (res == 0) {
		not_found(r, sid);
		return;
	}
	if (current) {
		http_redirect(r, "/login?ud=1");
		http_set_cookie(r, SESSION_COOKIE, "", 0);
		return;
	}
	http_redirect(r, arena_printf(r->arena, "/admin/users/%lld?ok=1#sessioner", (long long)u.id));
}
