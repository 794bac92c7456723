/*
** Who a case list's caseworker is. The case list names its caseworker in free text, which
** is no identity: "Bækgaard, Anne", "Anne Baekgaard" and a second user with the same
** display name would all pass a name comparison. So the administrator links each user to
** the names or ids the case system uses (aliases, table advisor_alias), and every question
** "is this person the caseworker of this case?" is answered here, on a normalised form
** (ident_fold: NFKC, case folded, white space incl. no-break spaces collapsed).
**
** The rule (ident_resolve): a name that matches an alias (in the case's department first,
** then one for every department) is that alias's user. A name that matches no alias falls
** back to the display names of the department's active members: exactly one such member is
** the caseworker; two or more make it ambiguous. An ambiguous caseworker gets no individual
** feedback (ident_owns) until an alias is set, and each of those members counts as the
** caseworker for the own-case rule (ident_may_be), so the doubt never lets anyone review
** their own case.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* malloc'd matching form of s: NFKC without format characters (cpr.c's normaliser, which
** makes a no-break space a space), case folded (fold.c), trimmed, white space runs as one
** space. "" for NULL. */
char *ident_fold(const char *s)
{
	char *nfkc = cpr_normalize(s ? s : "");
	size_t n = strlen(nfkc) + 1;
	char *folded = xmalloc(n);
	text_fold(nfkc, folded, n);
	free(nfkc);
	size_t j = 0;
	int space = 0;
	for (const char *p = folded; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
			space = j > 0;
			continue;
		}
		if (space)
			folded[j++] = ' ';
		space = 0;
		folded[j++] = *p;
	}
	folded[j] = 0;
	return folded;
}

/* The alias's user for folded name f in department_id (its own alias first), or 0. */
static int64_t alias_user(Db *db, int64_t department_id, const char *f)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT user_id FROM advisor_alias WHERE coalesce(department_id, 0) IN (0, ?1) AND alias_folded = ?2"
	           " ORDER BY department_id IS NULL LIMIT 1");
	db_bind_int(&q, 1, department_id);
	db_bind_text(&q, 2, f);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

/* The department's active members whose display name folds to f: up to max ids in out;
** returns how many there are. */
static int name_users(Db *db, int64_t department_id, const char *f, int64_t *out, int max)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.id, u.name FROM membership m JOIN users u ON u.id = m.user_id WHERE m.department_id = ?1"
	           " AND u.active = 1 ORDER BY u.id");
	db_bind_int(&q, 1, department_id);
	int n = 0;
	while (db_step(&q)) {
		char *g = ident_fold(db_col_text(&q, 1));
		if (strcmp(g, f) == 0) {
			if (n < max)
				out[n] = db_col_int(&q, 0);
			n++;
		}
		free(g);
	}
	db_finalize(&q);
	return n;
}

int ident_resolve(Db *db, int64_t department_id, const char *advisor, int64_t *user_id)
{
	*user_id = 0;
	char *f = ident_fold(advisor);
	int how = IDENT_UNKNOWN;
	if (*f) {
		int64_t ids[2];
		int64_t a = alias_user(db, department_id, f);
		if (a) {
			*user_id = a;
			how = IDENT_ALIAS;
		} else {
			int n = name_users(db, department_id, f, ids, 2);
			if (n == 1) {
				*user_id = ids[0];
				how = IDENT_NAME;
			} else if (n > 1) {
				how = IDENT_AMBIGUOUS;
			}
		}
	}
	free(f);
	return how;
}

int ident_owns(Db *db, int64_t department_id, const char *advisor, int64_t user_id)
{
	int64_t who;
	int how = ident_resolve(db, department_id, advisor, &who);
	return user_id && (how == IDENT_ALIAS || how == IDENT_NAME) && who == user_id;
}

int ident_may_be(Db *db, int64_t department_id, const char *advisor, int64_t user_id)
{
	if (!user_id)
		return 0;
	int64_t who;
	int how = ident_resolve(db, department_id, advisor, &who);
	if (how != IDENT_AMBIGUOUS)
		return who == user_id;
	char *f = ident_fold(advisor);
	int64_t ids[64];
	int n = name_users(db, department_id, f, ids, 64);
	free(f);
	for (int i = 0; i < n && i < 64; i++)
		if (ids[i] == user_id)
			return 1;
	return n > 64; /* more namesakes than we look at: never let the doubt pass */
}

int ident_case_may_be(Db *db, int64_t case_id, int64_t user_id)
{
	if (!user_id)
		return 0;
	Stmt q;
	db_prepare(&q, db, "SELECT department_id, advisor FROM cases WHERE id = ?1");
	db_bind_int(&q, 1, case_id);
	int own = db_step(&q) && ident_may_be(db, db_col_int(&q, 0), db_col_text(&q, 1), user_id);
	db_finalize(&q);
	return own;
}

const char *ident_own_case_text(void)
{
	return _("Du er rådgiver på denne sag ifølge den seneste sagsliste og kan ikke gennemgå den. I et ledelsestilsyn "
	         "gennemgår ingen sine egne sager; bed afdelingens leder eller koordinator om at give sagen til en anden.");
}

static int clear_conflicts(Db *db, int64_t department_id, int64_t import_id, const char *alias, int removed,
                           const AuditEntry *who, ImportResult *r);

/* Checks an alias as typed; NULL when fine, else a Danish reason. */
static const char *alias_problem(const char *alias, const char *f)
{
	if (str_empty(alias) || !*f)
		return _("Navnet i sagssystemet mangler.");
	if (strlen(alias) > 200)
		return _("Navnet i sagssystemet er for langt (højst 200 tegn).");
	if (!utf8_valid(alias, strlen(alias)))
		return _("Navnet i sagssystemet indeholder ugyldige tegn.");
	if (cpr_find(alias) >= 0)
		return _("Navnet ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	return NULL;
}

/* The audit entry of a link made or removed; 0, or -1 with msg. */
static int audit_alias(Db *db, const AuditEntry *who, const char *action, int64_t department_id, int64_t user_id,
                       const char *alias, char *msg, size_t n)
{
	AuditEntry e = *who;
	e.action = action;
	e.department_id = department_id;
	char object[32], detail[300];
	snprintf(object, sizeof object, "user:%lld", (long long)user_id);
	snprintf(detail, sizeof detail, "navn i sagssystemet: %s", alias);
	e.object = object;
	e.detail = detail;
	if (audit_log(db, &e) == 0)
		return 0;
	snprintf(msg, n, "%s", _("Revisionsloggen kunne ikke skrives."));
	return -1;
}

int ident_alias_add(Db *db, int64_t user_id, int64_t department_id, const char *alias, const AuditEntry *who,
                    char *msg, size_t n)
{
	char *f = ident_fold(alias);
	const char *bad = alias_problem(alias, f);
	if (bad) {
		free(f);
		snprintf(msg, n, "%s", bad);
		return -1;
	}
	/* The same name for another user where the scopes overlap (same department, or either
	** for every department) would make the caseworker depend on where one looks: refused. */
	Stmt q;
	db_prepare(&q, db,
	           "SELECT a.user_id, u.login, u.name, coalesce(d.code, '') FROM advisor_alias a JOIN users u ON u.id = a.user_id"
	           " LEFT JOIN department d ON d.id = a.department_id WHERE a.alias_folded = ?1"
	           " AND (?2 = 0 OR a.department_id IS NULL OR a.department_id = ?2) ORDER BY a.id LIMIT 1");
	db_bind_text(&q, 1, f);
	db_bind_int(&q, 2, department_id);
	int rc = 0;
	if (db_step(&q)) {
		if (db_col_int(&q, 0) == user_id)
			snprintf(msg, n, _("%s er allerede knyttet til %s."), alias, db_col_text(&q, 2));
		else
			snprintf(msg, n,
			         _("%s er allerede knyttet til en anden bruger, %s (%s)%s%s. Et navn fra sagssystemet kan kun "
			           "pege på én person; fjern den første kobling, hvis den er forkert."),
			         alias, db_col_text(&q, 2), db_col_text(&q, 1), *db_col_text(&q, 3) ? _(" i afdeling ") : "",
			         db_col_text(&q, 3));
		rc = -1;
	}
	db_finalize(&q);
	if (rc) {
		free(f);
		return rc;
	}
	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, "INSERT INTO advisor_alias (user_id, department_id, alias, alias_folded, created_at)"
	                   " VALUES (?1, ?2, ?3, ?4, ?5)");
	db_bind_text(&q, 5, now);
	db_bind_int(&q, 1, user_id);
	if (department_id)
		db_bind_int(&q, 2, department_id);
	else
		db_bind_null(&q, 2);
	db_bind_text(&q, 3, alias);
	db_bind_text(&q, 4, f);
	rc = db_done(&q);
	db_finalize(&q);
	free(f);
	if (rc != DB_OK) {
		snprintf(msg, n, _("Koblingen kunne ikke gemmes: %s"), db_errmsg(db));
		return -1;
	}
	/* A name newly linked may make a reviewer the caseworker of a case they have. */
	if (clear_conflicts(db, department_id, 0, alias, 0, who, NULL) != 0) {
		snprintf(msg, n, "%s", _("Koblingen kunne ikke gemmes i databasen."));
		return -1;
	}
	return audit_alias(db, who, "advisor_alias_add", department_id, user_id, alias, msg, n);
}

int ident_alias_remove(Db *db, int64_t user_id, int64_t department_id, const char *alias, const AuditEntry *who,
                       char *msg, size_t n)
{
	char *f = ident_fold(alias);
	Stmt q;
	db_prepare(&q, db,
	           "DELETE FROM advisor_alias WHERE user_id = ?1 AND coalesce(department_id, 0) = ?2 AND alias_folded = ?3");
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, department_id);
	db_bind_text(&q, 3, f);
	int rc = db_done(&q);
	db_finalize(&q);
	free(f);
	if (rc != DB_OK || db_changes(db) == 0) {
		snprintf(msg, n, _("%s er ikke knyttet til denne bruger."), alias);
		return -1;
	}
	/* Without the link the name may fall back to display names shared by several people. */
	if (clear_conflicts(db, department_id, 0, alias, 1, who, NULL) != 0) {
		snprintf(msg, n, "%s", _("Ændringen kunne ikke gemmes i databasen."));
		return -1;
	}
	return audit_alias(db, who, "advisor_alias_remove", department_id, user_id, alias, msg, n);
}

typedef struct Conflict {
	int64_t round_id, case_id, department_id;
	int second;
	char note[400];
} Conflict;

/*
** Inside the caller's transaction: a sampled case of a round still open whose reviewer (or
** calibration's second reviewer) may now be its caseworker loses that reviewer, with an
** audit entry on the case and (first review) a note for the round page. Looks at the cases
** of one import (import_id), or at all cases of department_id (0: every department) when
** an alias changed. alias: NULL for an import, else the name linked (or unlinked: removed). Counts and lists into
** r when given; returns -1 when the database refused.
*/
static int clear_conflicts(Db *db, int64_t department_id, int64_t import_id, const char *alias, int removed,
                           const AuditEntry *who, ImportResult *r)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT rc.round_id, rc.case_id, c.department_id, c.case_no, c.advisor, rc.reviewer_id, u.name, 0"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id JOIN round rd ON rd.id = rc.round_id"
	           " JOIN users u ON u.id = rc.reviewer_id WHERE (?1 = 0 OR c.department_id = ?1)"
	           " AND (?2 = 0 OR c.last_import_id = ?2) AND rc.status = 'udtrukket' AND rd.phase <> 'afsluttet'"
	           " UNION ALL SELECT k.round_id, k.case_id, c.department_id, c.case_no, c.advisor, k.reviewer_id, u.name, 1"
	           " FROM calibration_case k JOIN cases c ON c.id = k.case_id JOIN round rd ON rd.id = k.round_id"
	           " JOIN users u ON u.id = k.reviewer_id WHERE (?1 = 0 OR c.department_id = ?1)"
	           " AND (?2 = 0 OR c.last_import_id = ?2) AND rd.phase <> 'afsluttet'");
	db_bind_int(&q, 1, department_id);
	db_bind_int(&q, 2, import_id);
	/* Collected first: the rows are changed below, not while the query walks them. */
	Conflict *v = NULL;
	int n = 0, cap = 0;
	while (db_step(&q)) {
		int64_t dept = db_col_int(&q, 2);
		if (!ident_may_be(db, dept, db_col_text(&q, 4), db_col_int(&q, 5)))
			continue;
		if (n == cap)
			v = xrealloc(v, (size_t)(cap = cap ? cap * 2 : 8) * sizeof *v);
		Conflict *c = &v[n++];
		c->round_id = db_col_int(&q, 0);
		c->case_id = db_col_int(&q, 1);
		c->department_id = dept;
		c->second = (int)db_col_int(&q, 7);
		const char *name = db_col_text(&q, 6), *case_no = db_col_text(&q, 3);
		const char *second = c->second ? _(" anden gang (kalibrering)") : "";
		if (alias && removed)
			snprintf(c->note, sizeof c->note,
			         _("Uden koblingen af navnet %s kan %s være rådgiver på sag %s, så %s gennemgår den ikke "
			           "længere%s; giv sagen til en anden."),
			         alias, name, case_no, name, second);
		else if (alias)
			snprintf(c->note, sizeof c->note,
			         _("Navnet %s er nu knyttet til %s, som dermed er rådgiver på sag %s, så %s gennemgår den ikke "
			           "længere%s; giv sagen til en anden."),
			         alias, name, case_no, name, second);
		else
			snprintf(c->note, sizeof c->note,
			         _("Den nye sagsliste gør %s til rådgiver på sag %s, så %s gennemgår den ikke længere%s; giv sagen "
			           "til en anden."),
			         name, case_no, name, second);
	}
	db_finalize(&q);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		Conflict *c = &v[i];
		Stmt u;
		db_prepare(&u, db,
		           c->second ? "UPDATE calibration_case SET reviewer_id = NULL WHERE round_id = ?1 AND case_id = ?2"
		                     : "UPDATE round_case SET reviewer_id = NULL, reviewer_cleared = ?3 WHERE round_id = ?1"
		                       " AND case_id = ?2");
		db_bind_int(&u, 1, c->round_id);
		db_bind_int(&u, 2, c->case_id);
		if (!c->second)
			db_bind_text(&u, 3, c->note);
		rc = db_done(&u) == DB_OK ? 0 : -1;
		db_finalize(&u);
		char object[32], detail[520];
		snprintf(object, sizeof object, "case:%lld", (long long)c->case_id);
		snprintf(detail, sizeof detail, "tilsyn %lld: %s", (long long)c->round_id, c->note);
		AuditEntry e = *who;
		e.action = "review_assign_cleared";
		e.department_id = c->department_id;
		e.object = object;
		e.detail = detail;
		if (rc == 0 && audit_log(db, &e) != 0)
			rc = -1;
		if (r && r->ident_cleared < IDENT_MAX_LISTED)
			snprintf(r->ident_cleared_notes[r->ident_cleared], sizeof r->ident_cleared_notes[0], "tilsyn %lld: %s",
			         (long long)c->round_id, c->note);
		if (r)
			r->ident_cleared++;
	}
	free(v);
	return rc;
}

/*
** After an import (inside its transaction): assignments the new list turns into own cases
** are cleared (clear_conflicts), and the list's caseworkers that are nobody (or ambiguous)
** are counted, the first listed. Fills the ident fields of r; returns -1 when the database
** refused.
*/
int ident_after_import(Db *db, int64_t department_id, ImportResult *r, const char *login)
{
	if (clear_conflicts(db, department_id, r->import_id, NULL, 0, &(AuditEntry){.login = login}, r) != 0)
		return -1;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT advisor, count(*) FROM cases WHERE department_id = ?1 AND last_import_id = ?2 GROUP BY advisor"
	           " ORDER BY advisor");
	db_bind_int(&q, 1, department_id);
	db_bind_int(&q, 2, r->import_id);
	while (db_step(&q)) {
		int64_t who;
		int how = ident_resolve(db, department_id, db_col_text(&q, 0), &who);
		if (how != IDENT_UNKNOWN && how != IDENT_AMBIGUOUS)
			continue;
		if (r->ident_unknown < IDENT_MAX_LISTED)
			snprintf(r->ident_unknown_names[r->ident_unknown], sizeof r->ident_unknown_names[0], "%s%s",
			         db_col_text(&q, 0), how == IDENT_AMBIGUOUS ? _(" (flere brugere har det navn)") : "");
		r->ident_unknown++;
	}
	db_finalize(&q);
	return 0;
}

/* The department's caseworkers on the current list that are nobody or ambiguous: calls
** each(name, ambiguous, cases, ctx) per name; returns how many. */
int ident_unknown_on_list(Db *db, int64_t department_id, void (*each)(const char *, int, int64_t, void *),
                          void *ctx)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT advisor, count(*) FROM cases WHERE department_id = ?1 AND on_list = 1 GROUP BY advisor"
	           " ORDER BY advisor");
	db_bind_int(&q, 1, department_id);
	int n = 0;
	while (db_step(&q)) {
		int64_t who;
		int how = ident_resolve(db, department_id, db_col_text(&q, 0), &who);
		if (how != IDENT_UNKNOWN && how != IDENT_AMBIGUOUS)
			continue;
		n++;
		if (each)
			each(db_col_text(&q, 0), how == IDENT_AMBIGUOUS, db_col_int(&q, 1), ctx);
	}
	db_finalize(&q);
	return n;
}

/* Adds id to the distinct ids in v (n of them, at most 2 kept). */
static void add_candidate(int64_t *v, int *n, int64_t id)
{
	for (int i = 0; i < *n && i < 2; i++)
		if (v[i] == id)
			return;
	if (*n < 2)
		v[*n] = id;
	(*n)++;
}

/*
** The person the working group means by `name` (raadgiver:NAME, round results --advisor NAME):
** the login of one of the department's members, a name linked to a user (an alias), or a
** caseworker's name as the import resolves it (ident_resolve: name variants the same). Their
** cases are then found by the stable key (ident_owns), never by the display name, so a namesake
** never gets someone else's cases. Returns 1 with *user_id, or 0 with a Danish message (unknown
** or ambiguous) in msg.
*/
int ident_lookup(Db *db, int64_t department_id, const char *name, int64_t *user_id, char *msg, size_t n)
{
	*user_id = 0;
	int64_t v[2];
	int nv = 0;
	char login[USER_LOGIN_SIZE];
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.id FROM users u JOIN membership m ON m.user_id = u.id AND m.department_id = ?1"
	           " WHERE u.login = ?2");
	db_bind_int(&q, 1, department_id);
	db_bind_text(&q, 2, user_login_canonical(name ? name : "", login, sizeof login));
	if (db_step(&q))
		add_candidate(v, &nv, db_col_int(&q, 0));
	db_finalize(&q);
	int64_t who;
	int how = ident_resolve(db, department_id, name, &who);
	if (how == IDENT_ALIAS || how == IDENT_NAME)
		add_candidate(v, &nv, who);
	if (nv == 1) {
		*user_id = v[0];
		return 1;
	}
	if (nv > 1 || how == IDENT_AMBIGUOUS)
		snprintf(msg, n,
		         _("'%s' kan være flere personer (flere brugere har det navn, eller det er både et brugernavn og et "
		           "navn knyttet til en anden). Brug brugernavnet, eller knyt navnet fra sagslisten til den rigtige "
		           "bruger (sagslisten: Rådgivere uden bruger)."),
		         name ? name : "");
	else
		snprintf(msg, n,
		         _("Ingen bruger hedder '%s' eller er knyttet til det navn i afdelingen. Brug brugernavnet, eller knyt "
		           "navnet fra sagslisten til brugeren (sagslisten: Rådgivere uden bruger)."),
		         name ? name : "");
	return 0;
}

/*
** Answers given before the case became the reviewer's own (a re-import or a new link made her
** its caseworker after she answered). A reviewer never reviews her own cases, so while the
** round is open such answers are kept (the answer rows and their history stay as they are) but
** are not counted: each counts again once someone else has answered the question anew (the
** answer's updated_by is then that person). A finished round keeps its results as they were.
** Fills *out with (case_id, user_id) pairs, malloc'd; returns how many.
*/
int ident_answers_set_aside(Db *db, int64_t round_id, int64_t **out)
{
	*out = NULL;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT DISTINCT a.case_id, a.updated_by, c.department_id, c.advisor FROM answer a"
	           " JOIN cases c ON c.id = a.case_id JOIN round rd ON rd.id = a.round_id"
	           " WHERE a.round_id = ?1 AND a.updated_by IS NOT NULL AND rd.phase <> 'afsluttet'");
	db_bind_int(&q, 1, round_id);
	int n = 0, cap = 0;
	while (db_step(&q)) {
		if (!ident_may_be(db, db_col_int(&q, 2), db_col_text(&q, 3), db_col_int(&q, 1)))
			continue;
		if (n == cap)
			*out = xrealloc(*out, (size_t)(cap = cap ? cap * 2 : 8) * 2 * sizeof **out);
		(*out)[2 * n] = db_col_int(&q, 0);
		(*out)[2 * n + 1] = db_col_int(&q, 1);
		n++;
	}
	db_finalize(&q);
	return n;
}

int ident_answer_set_aside(const int64_t *pairs, int n, int64_t case_id, int64_t user_id)
{
	for (int i = 0; i < n; i++)
		if (pairs[2 * i] == case_id && pairs[2 * i + 1] == user_id)
			return 1;
	return 0;
}

/* Whether two names are the same name: compared as ident_fold sees them (NFKC, case,
** white space and no-break spaces do not matter). An empty name is nobody. Whose case it
** is goes by the stable key (ident_resolve); this is for grouping names as the case list writes them. */
int ident_same_person(const char *advisor, const char *name)
{
	char *a = ident_fold(advisor), *b = ident_fold(name);
	int same = *a && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}
