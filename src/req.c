/*
** What the pages do with a request beyond HTTP: write down who did what (an audit entry by the
** logged-in user, from their address), run a change in one write transaction (answering with
** the Danish 503 or 500 page when the database cannot take it), and find the round named in
** the address. http.c is the HTTP side.
*/
#include "http.h"

AuditEntry req_who(const Req *r)
{
	return (AuditEntry){.user_id = r->user->id, .login = r->user->login, .ip = r->ip};
}

ReviewBy req_by(const Req *r)
{
	return (ReviewBy){.user_id = r->user->id, .login = r->user->login, .ip = r->ip};
}

int req_audit_in(Req *r, int64_t department_id, const char *action, const char *object, const char *detail)
{
	AuditEntry e = req_who(r);
	e.action = action;
	e.department_id = department_id;
	e.object = object;
	e.detail = detail;
	return audit_log(r->db, &e);
}

int req_audit(Req *r, const char *action, const char *object, const char *detail)
{
	return req_audit_in(r, r->dept ? r->dept->id : 0, action, object, detail);
}

int req_begin(Req *r)
{
	if (db_begin(r->db) == DB_OK)
		return 1;
	http_error(r, 503, _("Databasen er optaget. Prøv igen om lidt."));
	return 0;
}

int req_commit(Req *r, const char *failed)
{
	if (db_commit(r->db) == DB_OK) /* db_commit rolls back when it fails */
		return 1;
	http_error(r, 500, failed);
	return 0;
}

/* The round named by :round, which must belong to the department in the address; else a 404. */
int page_round_from_capture(Req *r, Round *out)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "round"), &id) || !round_by_id(r->db, id, out) ||
	    out->department_id != r->dept->id) {
		http_error(r, 404, _("Tilsynet findes ikke i denne afdeling."));
		return 0;
	}
	return 1;
}
