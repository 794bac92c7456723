/*
** The external review (eksternt tilsyn, as a consultancy runs it): a round of kind ekstern that
** outsiders carry out for the department. It starts with the expectation alignment
** (forventningsafstemning): seven short texts the department and the reviewers agree on
** before the review, ending with its focus areas or case types. The outside reviewers are
** users with the role ekstern in the department, invited to one round at a time; the
** router (http.c) lets them see the ekstern rounds they are invited to and nothing else.
** Every change is audited with the object "round:ID". The functions that write run inside
** the caller's transaction.
*/
#include "tilsyn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns of round_expectation, in the order they are asked, and the questions. */
const char *const expectation_fields[EXPECTATION_FIELDS] = {
	"learn", "worries", "implementation", "previous", "staff", "organisation", "focus",
};
const char *const expectation_titles[EXPECTATION_FIELDS] = {
	"Hvad vil I gerne blive klogere på?",
	"Hvad bekymrer jer?",
	"Skal implementeringen af noget nyt undersøges?",
	"Hvad er undersøgt før, og hvordan blev det modtaget?",
	"Hvordan er medarbejdergruppen sammensat?",
	"Hvordan er arbejdet organiseret?",
	"Fokusområder eller sagstyper",
};

#define fail msg_fail /* util.c */

static int audit_round(Db *db, const Round *r, const ReviewBy *by, const char *action, const char *detail)
{
	char object[48];
	snprintf(object, sizeof object, "round:%lld", (long long)r->id);
	return audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = action,
	                                   .department_id = r->department_id, .object = object, .detail = detail,
	                                   .ip = by->ip});
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ---- the expectation alignment ---- */

int expectation_load(Db *db, int64_t round_id, Expectation *out)
{
	memset(out, 0, sizeof *out);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT e.learn, e.worries, e.implementation, e.previous, e.staff, e.organisation, e.focus,"
	           " e.updated_at, coalesce(u.name, '') FROM round_expectation e LEFT JOIN users u ON u.id = e.updated_by"
	           " WHERE e.round_id = ?1");
	db_bind_int(&q, 1, round_id);
	out->exists = db_step(&q);
	for (int i = 0; i < EXPECTATION_FIELDS; i++) {
		out->values[i] = xstrdup(out->exists ? db_col_text(&q, i) : "");
		out->filled += !str_empty(out->values[i]);
	}
	if (out->exists) {
		snprintf(out->updated_at, sizeof out->updated_at, "%s", db_col_text(&q, 7));
		snprintf(out->updated_by, sizeof out->updated_by, "%s", db_col_text(&q, 8));
	}
	db_finalize(&q);
	return out->exists;
}

void expectation_free(Expectation *e)
{
	for (int i = 0; i < EXPECTATION_FIELDS; i++) {
		free(e->values[i]);
		e->values[i] = NULL;
	}
}

/* Whether the texts may be stored: valid UTF-8, at most EXPECTATION_MAX_CHARS characters,
** and no CPR number. Otherwise msg names the field and says what is wrong. A missing text
** (NULL) counts as empty. */
int expectation_check(const char *const values[EXPECTATION_FIELDS], char *msg, size_t n)
{
	for (int i = 0; i < EXPECTATION_FIELDS; i++) {
		const char *v = values[i] ? values[i] : "";
		const char *title = _(expectation_titles[i]);
		if (!utf8_valid(v, strlen(v)))
			return fail(msg, n, _("Feltet »%s« indeholder ugyldige tegn. Skriv teksten igen."), title);
		size_t chars = utf8_chars(v);
		if (chars > EXPECTATION_MAX_CHARS)
			return fail(msg, n, _("Feltet »%s« er for langt: %zu tegn, højst %d. Skriv det kortere."), title, chars,
			            EXPECTATION_MAX_CHARS);
		if (cpr_find(v) >= 0)
			return fail(msg, n,
			            _("Feltet »%s« ser ud til at indeholde et CPR-nummer. CPR-numre må ikke skrives i tilsyn; "
			              "beskriv uden at nævne borgere."),
			            title);
	}
	return 0;
}

/*
** Stores the expectation alignment of an ekstern round (texts trimmed; NULL counts as
** empty), replacing what was there. Refused, with msg saying why, for another kind of
** round and for texts expectation_check refuses.
*/
int expectation_save(Db *db, const Round *r, const char *const values[EXPECTATION_FIELDS], const ReviewBy *by,
                     char *msg, size_t n)
{
	if (!str_eq(r->kind, "ekstern"))
		return fail(msg, n, _("Forventningsafstemningen hører til et eksternt tilsyn; »%s« er et tilsyn af arten »%s«."),
		            r->title, round_kind_title(r->kind));
	if (expectation_check(values, msg, n) != 0)
		return -1;
	char *trimmed[EXPECTATION_FIELDS];
	int filled = 0;
	for (int i = 0; i < EXPECTATION_FIELDS; i++) {
		trimmed[i] = xstrdup(values[i] ? values[i] : "");
		filled += *str_trim(trimmed[i]) != 0;
	}
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round_expectation (round_id, learn, worries, implementation, previous, staff, organisation,"
	           " focus, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	           " ON CONFLICT (round_id) DO UPDATE SET learn = excluded.learn, worries = excluded.worries,"
	           " implementation = excluded.implementation, previous = excluded.previous, staff = excluded.staff,"
	           " organisation = excluded.organisation, focus = excluded.focus, updated_at = excluded.updated_at,"
	           " updated_by = excluded.updated_by");
	db_bind_int(&q, 1, r->id);
	for (int i = 0; i < EXPECTATION_FIELDS; i++)
		db_bind_text(&q, 2 + i, str_trim(trimmed[i]));
	db_bind_text(&q, 9, now);
	if (by->user_id > 0)
		db_bind_int(&q, 10, by->user_id);
	else
		db_bind_null(&q, 10);
	int rc = db_done(&q);
	db_finalize(&q);
	for (int i = 0; i < EXPECTATION_FIELDS; i++)
		free(trimmed[i]);
	char detail[96];
	snprintf(detail, sizeof detail, "forventningsafstemning gemt (%d af %d felter udfyldt)", filled, EXPECTATION_FIELDS);
	if (rc != DB_OK || audit_round(db, r, by, "expectation_save", detail) != 0)
		return fail(msg, n, _("Forventningsafstemningen kunne ikke gemmes i databasen."));
	return 0;
}

/* ---- invitations ---- */

/* Whether the user is invited to the round, and the round is an ekstern round of the
** department: what the router asks before it lets an outside reviewer in. */
int external_invited(Db *db, int64_t department_id, int64_t round_id, int64_t user_id)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT 1 FROM round_invite i JOIN round r ON r.id = i.round_id"
	           " WHERE i.round_id = ?1 AND i.user_id = ?2 AND r.department_id = ?3 AND r.kind = 'ekstern'");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, user_id);
	db_bind_int(&q, 3, department_id);
	int found = db_step(&q);
	db_finalize(&q);
	return found;
}

/* The reviewers invited to the round who may still work there (active, with the role
** ekstern in its department), by name: who reviews an ekstern round when nobody has chosen.
** Returns how many were written to out (at most max). */
int external_reviewers(Db *db, const Round *r, int64_t *out, int max)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.id FROM round_invite i JOIN users u ON u.id = i.user_id"
	           " JOIN membership m ON m.user_id = u.id AND m.department_id = ?2 AND m.role = 'ekstern'"
	           " WHERE i.round_id = ?1 AND u.active = 1 ORDER BY u.name, u.id");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, r->department_id);
	int n = 0;
	while (n < max && db_step(&q))
		out[n++] = db_col_int(&q, 0);
	db_finalize(&q);
	return n;
}

static int only_ekstern(const Round *r, char *msg, size_t n)
{
	if (str_eq(r->kind, "ekstern"))
		return 0;
	return fail(msg, n,
	            _("Kun et eksternt tilsyn kan have inviterede eksterne konsulenter; »%s« er et tilsyn af arten »%s«. "
	              "Opret et eksternt tilsyn til konsulenten."),
	            r->title, round_kind_title(r->kind));
}

/* The user as the invitation needs them: name and login, and whether they are active and
** hold the role ekstern in the round's department. */
static int invitee(Db *db, const Round *r, int64_t user_id, char name[201], char login[65], int *active,
                   int *ekstern)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.name, u.login, u.active, coalesce(m.role, '') FROM users u"
	           " LEFT JOIN membership m ON m.user_id = u.id AND m.department_id = ?2 WHERE u.id = ?1");
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, r->department_id);
	int found = db_step(&q);
	if (found) {
		snprintf(name, 201, "%s", db_col_text(&q, 0));
		snprintf(login, 65, "%s", db_col_text(&q, 1));
		*active = (int)db_col_int(&q, 2);
		*ekstern = str_eq(db_col_text(&q, 3), "ekstern");
	}
	db_finalize(&q);
	return found;
}

/*
** Invites a user with the role ekstern in the round's department to an ekstern round.
** Returns 0 when invited, 1 when they already were (nothing changes), -1 when refused
** (msg says why): another kind of round, an unknown or deactivated user, or a user
** without the role ekstern in the department (the department's own people see its
** rounds by their role already).
*/
int external_invite(Db *db, const Round *r, int64_t user_id, const ReviewBy *by, char *msg, size_t n)
{
	if (only_ekstern(r, msg, n) != 0)
		return -1;
	char name[201], login[65];
	int active, ekstern;
	if (!invitee(db, r, user_id, name, login, &active, &ekstern))
		return fail(msg, n, _("Brugeren findes ikke. Vælg en på listen."));
	if (!active)
		return fail(msg, n, _("%s er deaktiveret og kan ikke inviteres."), name);
	if (!ekstern)
		return fail(msg, n,
		            _("%s har ikke rollen ekstern i afdelingen og kan ikke inviteres. Kun eksterne konsulenter "
		              "inviteres; administratoren giver rollen under Brugere."),
		            name);
	if (external_invited(db, r->department_id, r->id, user_id))
		return 1;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db, "INSERT INTO round_invite (round_id, user_id, invited_at, invited_by) VALUES (?1, ?2, ?3, ?4)");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, user_id);
	db_bind_text(&q, 3, now);
	if (by->user_id > 0)
		db_bind_int(&q, 4, by->user_id);
	else
		db_bind_null(&q, 4);
	int rc = db_done(&q);
	db_finalize(&q);
	char detail[320];
	snprintf(detail, sizeof detail, "inviteret til det eksterne tilsyn: %s (%s)", name, login);
	if (rc != DB_OK || audit_round(db, r, by, "round_invite", detail) != 0)
		return fail(msg, n, _("Invitationen kunne ikke gemmes i databasen."));
	return 0;
}

/*
** Withdraws an invitation: the user no longer sees the round. Cases already given to them
** stay theirs until someone gives them to another (*still_assigned says how many), so that
** nothing they answered is lost. Returns 0 when withdrawn, 1 when they were not invited,
** -1 when refused (another kind of round; msg says so).
*/
int external_uninvite(Db *db, const Round *r, int64_t user_id, const ReviewBy *by, int64_t *still_assigned,
                      char *msg, size_t n)
{
	*still_assigned = 0;
	if (only_ekstern(r, msg, n) != 0)
		return -1;
	char name[201] = "", login[65] = "";
	int active, ekstern;
	invitee(db, r, user_id, name, login, &active, &ekstern);
	Stmt q;
	db_prepare(&q, db, "DELETE FROM round_invite WHERE round_id = ?1 AND user_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, user_id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return fail(msg, n, _("Invitationen kunne ikke fjernes i databasen."));
	if (db_changes(db) == 0)
		return 1;
	db_prepare(&q, db, "SELECT count(*) FROM round_case WHERE round_id = ?1 AND reviewer_id = ?2 AND status = 'udtrukket'");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, user_id);
	*still_assigned = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	char detail[320];
	snprintf(detail, sizeof detail, "invitation til det eksterne tilsyn trukket tilbage: %s (%s)", name, login);
	if (audit_round(db, r, by, "round_uninvite", detail) != 0)
		return fail(msg, n, _("Invitationen kunne ikke fjernes i databasen."));
	return 0;
}
