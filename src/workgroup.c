/*
** The department's working group (arbejdsgruppe) and the planning answers it gives for each
** tilsyn. The recommendation is a group of 3-5 people: the leder, a faglig koordinator and
** 1-3 rådgivere; it decides who carries the tilsyn out, how many cases, how they are
** selected, when, how results are gathered and how many stop-op meetings to hold. tilsyn
** warns when the group departs from the recommendation and never refuses the department
** its own choice.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int workgroup_valid_function(const char *function)
{
	return str_eq(function, "leder") || str_eq(function, "koordinator") || str_eq(function, "raadgiver");
}

const char *workgroup_function_title(const char *function)
{
	if (str_eq(function, "leder"))
		return _("Leder");
	if (str_eq(function, "koordinator"))
		return _("Faglig koordinator");
	if (str_eq(function, "raadgiver"))
		return _("Rådgiver");
	return function;
}

/*
** The recommendation as a rule on the group's make-up. Writes at most max warnings (static
** Danish sentences) to out and returns how many there are; an empty group gets one warning
** that says so, not one per missing function.
*/
int workgroup_check(int members, int leaders, int coordinators, int advisors, const char **out, int max)
{
	const char *w[8];
	int n = 0;
	if (members == 0) {
		w[n++] = _("Afdelingen har ingen arbejdsgruppe. Anbefalingen er 3-5 personer: lederen, en faglig koordinator og "
		           "1-3 rådgivere.");
	} else {
		if (members < WORKGROUP_MIN)
			w[n++] = _("Arbejdsgruppen har færre end 3 personer. Anbefalingen er 3-5 personer.");
		if (members > WORKGROUP_MAX)
			w[n++] = _("Arbejdsgruppen har flere end 5 personer. Anbefalingen er 3-5 personer, så gruppen kan arbejde "
			           "hurtigt.");
		if (leaders == 0)
			w[n++] = _("Arbejdsgruppen har ingen leder. Anbefalingen er, at lederen er med og ejer tilsynet.");
		if (coordinators == 0)
			w[n++] = _("Arbejdsgruppen har ingen faglig koordinator. Anbefalingen er, at en faglig koordinator er med.");
		if (advisors == 0)
			w[n++] = _("Arbejdsgruppen har ingen rådgiver. Anbefalingen er 1-3 rådgivere, så praksis er repræsenteret.");
		if (advisors > WORKGROUP_MAX_ADVISORS)
			w[n++] = _("Arbejdsgruppen har flere end 3 rådgivere. Anbefalingen er 1-3 rådgivere.");
	}
	for (int i = 0; i < n && i < max; i++)
		out[i] = w[i];
	return n;
}

/*
** The warnings for a department's working group (see tilsyn.h). Only members who are
** active and still hold a role in the department (not ekstern) count.
*/
int workgroup_warnings(Db *db, int64_t department_id, const char **out, int max)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT count(*), count(*) FILTER (WHERE w.function = 'leder'),"
	           " count(*) FILTER (WHERE w.function = 'koordinator'), count(*) FILTER (WHERE w.function = 'raadgiver')"
	           " FROM workgroup_member w JOIN users u ON u.id = w.user_id"
	           " JOIN membership m ON m.user_id = w.user_id AND m.department_id = w.department_id"
	           " WHERE w.department_id = ?1 AND u.active = 1 AND m.role <> 'ekstern'");
	db_bind_int(&q, 1, department_id);
	int counts[4] = {0};
	if (db_step(&q))
		for (int i = 0; i < 4; i++)
			counts[i] = (int)db_col_int(&q, i);
	db_finalize(&q);
	return workgroup_check(counts[0], counts[1], counts[2], counts[3], out, max);
}

static void audit_member(Db *db, const Department *d, const User *u, const char *action, const char *detail,
                         const ReviewBy *by)
{
	char object[48];
	snprintf(object, sizeof object, "user:%lld", (long long)u->id);
	audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = action, .department_id = d->id,
	                            .object = object, .detail = detail, .ip = by->ip});
}

int workgroup_set(Db *db, const Department *d, int64_t user_id, const char *function, const ReviewBy *by,
                  char *msg, size_t n)
{
	User u;
	if (!workgroup_valid_function(function)) {
		snprintf(msg, n, "%s", _("Funktionen skal være leder, koordinator eller raadgiver."));
		return -1;
	}
	if (!user_by_id(db, user_id, &u) || !u.active) {
		snprintf(msg, n, "%s", _("Brugeren findes ikke eller er deaktiveret."));
		return -1;
	}
	Role role = user_role_in(db, user_id, d->id);
	if (role == ROLE_NONE) {
		snprintf(msg, n, _("%s har ingen rolle i afdelingen %s. Kun afdelingens medarbejdere kan være med i "
		                   "arbejdsgruppen."),
		         u.name, d->code);
		return -1;
	}
	if (role == ROLE_EKSTERN) {
		snprintf(msg, n, _("%s er ekstern konsulent og kan ikke være med i afdelingens arbejdsgruppe."), u.name);
		return -1;
	}
	Stmt q;
	db_prepare(&q, db, "SELECT function FROM workgroup_member WHERE department_id = ?1 AND user_id = ?2");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, user_id);
	char before[16] = "";
	if (db_step(&q))
		snprintf(before, sizeof before, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	if (str_eq(before, function))
		return WORKGROUP_UNCHANGED;
	char now[32];
	time_iso(now, time(NULL));
	if (*before)
		db_prepare(&q, db, "UPDATE workgroup_member SET function = ?3 WHERE department_id = ?1 AND user_id = ?2");
	else
		db_prepare(&q, db,
		           "INSERT INTO workgroup_member (department_id, user_id, function, added_at) VALUES (?1, ?2, ?3, ?4)");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, user_id);
	db_bind_text(&q, 3, function);
	if (!*before)
		db_bind_text(&q, 4, now);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		snprintf(msg, n, "%s", _("Arbejdsgruppen kunne ikke gemmes i databasen."));
		return -1;
	}
	char detail[300];
	if (*before)
		snprintf(detail, sizeof detail, "%s: %s → %s", u.login, before, function);
	else
		snprintf(detail, sizeof detail, "%s som %s", u.login, function);
	audit_member(db, d, &u, *before ? "workgroup_change" : "workgroup_add", detail, by);
	return *before ? WORKGROUP_CHANGED : WORKGROUP_ADDED;
}

int workgroup_remove(Db *db, const Department *d, int64_t user_id, const ReviewBy *by, char *msg, size_t n)
{
	User u;
	if (!user_by_id(db, user_id, &u)) {
		snprintf(msg, n, "%s", _("Brugeren findes ikke."));
		return -1;
	}
	Stmt q;
	db_prepare(&q, db, "DELETE FROM workgroup_member WHERE department_id = ?1 AND user_id = ?2");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, user_id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		snprintf(msg, n, "%s", _("Arbejdsgruppen kunne ikke gemmes i databasen."));
		return -1;
	}
	if (db_changes(db) == 0) {
		snprintf(msg, n, _("%s er ikke med i arbejdsgruppen."), u.name);
		return -1;
	}
	audit_member(db, d, &u, "workgroup_remove", u.login, by);
	return 0;
}

/* ---- the planning answers of one tilsyn ---- */

static const struct {
	const char *name, *title;
} plan_fields[] = {
	{"performers", "Hvem udfører tilsynet"},     {"planned_cases", "Antal sager"},
	{"selection", "Hvordan udvælges sagerne"},    {"timing", "Hvornår"},
	{"gathering", "Hvordan samles resultaterne"}, {"stopop_meetings", "Stop-op-møder"},
};

const char *round_plan_field_title(const char *name)
{
	for (size_t i = 0; i < COUNT(plan_fields); i++)
		if (str_eq(name, plan_fields[i].name))
			return _(plan_fields[i].title);
	return name;
}

int round_plan_get(Db *db, int64_t round_id, RoundPlan *out)
{
	memset(out, 0, sizeof *out);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT p.performers, coalesce(p.planned_cases, 0), p.selection, p.timing, p.gathering, p.stopop_meetings,"
	           " p.updated_at, coalesce(u.name, '') FROM round_plan p LEFT JOIN users u ON u.id = p.updated_by"
	           " WHERE p.round_id = ?1");
	db_bind_int(&q, 1, round_id);
	if (db_step(&q)) {
		out->exists = 1;
		snprintf(out->performers, sizeof out->performers, "%s", db_col_text(&q, 0));
		out->planned_cases = db_col_int(&q, 1);
		snprintf(out->selection, sizeof out->selection, "%s", db_col_text(&q, 2));
		snprintf(out->timing, sizeof out->timing, "%s", db_col_text(&q, 3));
		snprintf(out->gathering, sizeof out->gathering, "%s", db_col_text(&q, 4));
		out->stopop_meetings = db_col_int(&q, 5);
		snprintf(out->updated_at, sizeof out->updated_at, "%s", db_col_text(&q, 6));
		snprintf(out->updated_by, sizeof out->updated_by, "%s", db_col_text(&q, 7));
	}
	db_finalize(&q);
	return out->exists;
}

/* Checks one free-text answer and copies it (trimmed) into out; NULL keeps out as it is. */
static int plan_text(const char *name, const char *in, char *out, size_t n, char *msg, size_t msgn)
{
	if (!in)
		return 0;
	size_t len = strlen(in), chars = 0;
	for (const char *c = in; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (chars > ROUND_PLAN_TEXT_MAX || !utf8_valid(in, len)) {
		snprintf(msg, msgn, _("Feltet »%s« skal være gyldig tekst på højst %d tegn."), round_plan_field_title(name),
		         ROUND_PLAN_TEXT_MAX);
		return -1;
	}
	if (cpr_find(in) >= 0) {
		snprintf(msg, msgn, _("Feltet »%s« ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn."),
		         round_plan_field_title(name));
		return -1;
	}
	char *copy = xstrdup(in);
	snprintf(out, n, "%s", str_trim(copy));
	free(copy);
	return 0;
}

/* Checks one number; "" means not answered (stored as 0). NULL keeps out as it is. */
static int plan_number(const char *name, const char *in, int64_t min, int64_t max, int64_t *out, char *msg,
                       size_t msgn)
{
	if (!in)
		return 0;
	if (str_empty(in)) {
		*out = 0;
		return 0;
	}
	char copy[32];
	int64_t v;
	snprintf(copy, sizeof copy, "%s", in);
	if (strlen(in) >= sizeof copy || !parse_int64(str_trim(copy), &v) || v < min || v > max) {
		snprintf(msg, msgn, _("Feltet »%s« skal være et helt tal fra %lld til %lld."), round_plan_field_title(name),
		         (long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int round_plan_save(Db *db, const Round *r, const RoundPlanInput *in, const ReviewBy *by, char *msg, size_t n)
{
	RoundPlan *p = xmalloc(sizeof *p);
	round_plan_get(db, r->id, p);
	int rc = -1;
	if (plan_text("performers", in->performers, p->performers, sizeof p->performers, msg, n) != 0 ||
	    plan_number("planned_cases", in->planned_cases, 1, 100000, &p->planned_cases, msg, n) != 0 ||
	    plan_text("selection", in->selection, p->selection, sizeof p->selection, msg, n) != 0 ||
	    plan_text("timing", in->timing, p->timing, sizeof p->timing, msg, n) != 0 ||
	    plan_text("gathering", in->gathering, p->gathering, sizeof p->gathering, msg, n) != 0 ||
	    plan_number("stopop_meetings", in->stopop_meetings, 0, 50, &p->stopop_meetings, msg, n) != 0)
		goto done;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round_plan (round_id, performers, planned_cases, selection, timing, gathering, stopop_meetings,"
	           " updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	           " ON CONFLICT (round_id) DO UPDATE SET performers = excluded.performers,"
	           " planned_cases = excluded.planned_cases, selection = excluded.selection, timing = excluded.timing,"
	           " gathering = excluded.gathering, stopop_meetings = excluded.stopop_meetings,"
	           " updated_at = excluded.updated_at, updated_by = excluded.updated_by");
	db_bind_int(&q, 1, r->id);
	db_bind_text(&q, 2, p->performers);
	if (p->planned_cases > 0)
		db_bind_int(&q, 3, p->planned_cases);
	else
		db_bind_null(&q, 3);
	db_bind_text(&q, 4, p->selection);
	db_bind_text(&q, 5, p->timing);
	db_bind_text(&q, 6, p->gathering);
	db_bind_int(&q, 7, p->stopop_meetings);
	db_bind_text(&q, 8, now);
	if (by->user_id)
		db_bind_int(&q, 9, by->user_id);
	else
		db_bind_null(&q, 9);
	int done = db_done(&q);
	db_finalize(&q);
	if (done != DB_OK) {
		snprintf(msg, n, "%s", _("Planlægningen kunne ikke gemmes i databasen."));
		goto done;
	}
	char object[64], detail[160];
	snprintf(object, sizeof object, "round:%lld", (long long)r->id);
	snprintf(detail, sizeof detail, "planlægning gemt: %lld sager, %lld stop-op-møder", (long long)p->planned_cases,
	         (long long)p->stopop_meetings);
	audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_plan",
	                            .department_id = r->department_id, .object = object, .detail = detail, .ip = by->ip});
	rc = 0;
done:
	free(p);
	return rc;
}

/* A warning when the planned number of cases is below the recommendation for the kind. */
const char *round_plan_warning(const Round *r, const RoundPlan *p)
{
	if (p->planned_cases <= 0)
		return NULL;
	if (str_eq(r->kind, "overordnet") && p->planned_cases < RECOMMENDED_OVERORDNET)
		return _("Der er planlagt færre sager end anbefalet: et overordnet ledelsestilsyn bør omfatte mindst 30 sager.");
	if (str_eq(r->kind, "uddybende") && p->planned_cases < RECOMMENDED_UDDYBENDE)
		return _("Der er planlagt færre sager end anbefalet: et uddybende ledelsestilsyn bør omfatte mindst 20 sager.");
	return NULL;
}
