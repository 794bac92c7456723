/*
** The review of a round's sampled cases, apart from the answers themselves (answer.c):
** who reviews which case (by hand, or spread evenly by review_balance, and never a
** caseworker's own case), how far each case has come, marking a case finished, and the
** two flags a reviewer can raise: an acute concern that cannot wait for the report, and
** the caseworker's consent to use the case as an example. Every change is audited with
** the object "case:ID". The functions that write run inside the caller's transaction.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail msg_fail /* util.c */

/*
** Gives every case with reviewer -1 to one of the reviewers, never to the caseworker of
** the case, so that the loads (which start with what each already has) end up as even as
** the cases allow. Deterministic: the same input gives the same result. First greedily,
** the cases with fewest possible reviewers first, each to the least loaded (earliest on
** ties); then, while a reviewer has at least two more than another that can be reached by
** handing cases along (A gives one to B, B one to C, ...), the cases are handed along.
** Returns how many cases could not be given to anyone (only their own caseworker was chosen).
*/
int review_balance(AssignCase *cases, int ncases, AssignReviewer *rv, int nrv)
{
	if (ncases <= 0 || nrv <= 0)
		return ncases > 0 ? ncases : 0;
	char *ok = xcalloc((size_t)ncases * (size_t)nrv, 1);
	int *options = xcalloc((size_t)ncases, sizeof *options);
	for (int i = 0; i < ncases; i++)
		for (int k = 0; k < nrv; k++)
			if (cases[i].own ? !cases[i].own[k] : !ident_same_person(cases[i].advisor, rv[k].name))
				ok[i * nrv + k] = 1, options[i]++;
	for (int want = 1; want <= nrv; want++) {
		for (int i = 0; i < ncases; i++) {
			if (cases[i].reviewer >= 0 || options[i] != want)
				continue;
			int best = -1;
			for (int k = 0; k < nrv; k++)
				if (ok[i * nrv + k] && (best < 0 || rv[k].load < rv[best].load))
					best = k;
			cases[i].reviewer = best;
			rv[best].load++;
		}
	}

	/* Hand cases along a path from a heavier reviewer to one with at least two fewer. */
	int *seen = xcalloc((size_t)nrv, sizeof *seen), *from = xcalloc((size_t)nrv, sizeof *from);
	int *via = xcalloc((size_t)nrv, sizeof *via), *queue = xcalloc((size_t)nrv, sizeof *queue);
	for (int moved = 1; moved;) {
		moved = 0;
		/* Sources from the heaviest down (earliest first on ties). */
		for (int64_t level = -1;;) {
			int64_t next = -1;
			for (int k = 0; k < nrv; k++)
				if ((level < 0 || rv[k].load < level) && rv[k].load > next)
					next = rv[k].load;
			if (next < 0)
				break;
			level = next;
			for (int s = 0; s < nrv && !moved; s++) {
				if (rv[s].load != level)
					continue;
				memset(seen, 0, (size_t)nrv * sizeof *seen);
				int head = 0, tail = 0, target = -1;
				seen[s] = 1;
				queue[tail++] = s;
				while (head < tail && target < 0) {
					int x = queue[head++];
					for (int i = 0; i < ncases && target < 0; i++) {
						if (cases[i].reviewer != x)
							continue;
						for (int y = 0; y < nrv; y++) {
							if (seen[y] || !ok[i * nrv + y])
								continue;
							seen[y] = 1, from[y] = x, via[y] = i;
							queue[tail++] = y;
							if (rv[y].load <= rv[s].load - 2) {
								target = y;
								break;
							}
						}
					}
				}
				if (target < 0)
					continue;
				for (int y = target; y != s; y = from[y])
					cases[via[y]].reviewer = y;
				rv[s].load--;
				rv[target].load++;
				moved = 1;
			}
			if (moved)
				break;
		}
	}
	int left = 0;
	for (int i = 0; i < ncases; i++)
		left += cases[i].reviewer < 0;
	free(ok);
	free(options);
	free(seen);
	free(from);
	free(via);
	free(queue);
	return left;
}

/* Whether the user may review cases of the round (active, with a role in its department;
** an external reviewer only in an ekstern round they are invited to, external.c); fills in
** the user's name. */
int review_reviewer_ok(Db *db, const Round *r, int64_t user_id, char *name, size_t n)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.name FROM users u JOIN membership m ON m.user_id = u.id"
	           " WHERE u.id = ?1 AND m.department_id = ?2 AND u.active = 1 AND (m.role <> 'ekstern' OR EXISTS"
	           " (SELECT 1 FROM round_invite i JOIN round o ON o.id = i.round_id WHERE i.round_id = ?3"
	           "  AND i.user_id = u.id AND o.kind = 'ekstern'))");
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, r->department_id);
	db_bind_int(&q, 3, r->id);
	int found = db_step(&q);
	if (found && name)
		snprintf(name, n, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	return found;
}

/* An audit entry about a case of the round (object "case:ID"), by whoever does it. */
int review_audit_case(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, const char *action,
                      const char *detail)
{
	char object[48];
	snprintf(object, sizeof object, "case:%lld", (long long)case_id);
	return audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = action,
	                                   .department_id = r->department_id, .object = object, .detail = detail,
	                                   .ip = by->ip});
}

static void bind_user(Stmt *q, int i, const ReviewBy *by)
{
	if (by->user_id > 0)
		db_bind_int(q, i, by->user_id);
	else
		db_bind_null(q, i);
}

/* The sampled (not replaced) case of the round: its number and caseworker. */
static int sampled_case(Db *db, int64_t round_id, int64_t case_id, char case_no[128], char advisor[256],
                        int64_t *reviewer)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.case_no, c.advisor, coalesce(rc.reviewer_id, 0) FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.case_id = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	int found = db_step(&q);
	if (found) {
		snprintf(case_no, 128, "%s", db_col_text(&q, 0));
		snprintf(advisor, 256, "%s", db_col_text(&q, 1));
		if (reviewer)
			*reviewer = db_col_int(&q, 2);
	}
	db_finalize(&q);
	return found;
}

/*
** Makes reviewer_id (0: nobody) the one who reviews a case, audited with how it was decided:
** the review's reviewer (second = 0, round_case) or the calibration's second reviewer
** (second = 1, calibration_case). The caller has checked that the person may. Returns 0 or -1.
*/
int review_set_reviewer(Db *db, const Round *r, int64_t case_id, int second, int64_t reviewer_id, const char *name,
                        const char *how, const ReviewBy *by)
{
	Stmt q;
	if (second)
		db_prepare(&q, db, "UPDATE calibration_case SET reviewer_id = ?3 WHERE round_id = ?1 AND case_id = ?2");
	else
		db_prepare(&q, db,
		           "UPDATE round_case SET reviewer_id = ?3, reviewer_cleared = NULL WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	if (reviewer_id)
		db_bind_int(&q, 3, reviewer_id);
	else
		db_bind_null(&q, 3);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return -1;
	char detail[320];
	if (reviewer_id && second)
		snprintf(detail, sizeof detail, "tilsyn %lld: anden gennemgang ved %s (%s)", (long long)r->id, name, how);
	else if (reviewer_id)
		snprintf(detail, sizeof detail, "tilsyn %lld: gennemgås af %s (%s)", (long long)r->id, name, how);
	else if (second)
		snprintf(detail, sizeof detail, "tilsyn %lld: ingen anden gennemgående (%s)", (long long)r->id, how);
	else
		snprintf(detail, sizeof detail, "tilsyn %lld: ingen gennemgår sagen (%s)", (long long)r->id, how);
	return review_audit_case(db, r, case_id, by, second ? "calibration_assign" : "review_assign", detail);
}

/*
** Makes reviewer_id (0: nobody) the reviewer of a sampled case. Refused, with msg saying
** why, when the case is not in the sample, the person has no role in the department, or
** the case is the person's own.
*/
int review_assign(Db *db, const Round *r, int64_t case_id, int64_t reviewer_id, const ReviewBy *by, char *msg,
                  size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	char case_no[128], advisor[256], name[201] = "";
	int64_t current;
	if (!sampled_case(db, r->id, case_id, case_no, advisor, &current))
		return fail(msg, n, _("Sagen er ikke i tilsynets stikprøve."));
	if (reviewer_id && !review_reviewer_ok(db, r, reviewer_id, name, sizeof name))
		return fail(msg, n, _("Den valgte person er ikke aktiv medarbejder i afdelingen (eller ekstern konsulent inviteret "
		                      "til tilsynet) og kan ikke gennemgå sager her."));
	if (reviewer_id && ident_may_be(db, r->department_id, advisor, reviewer_id))
		return fail(msg, n,
		            _("Sag %s kan ikke gives til %s, fordi %s selv er rådgiver på sagen. I et ledelsestilsyn "
		              "gennemgår ingen sine egne sager; vælg en anden."),
		            case_no, name, name);
	if (current == reviewer_id)
		return 0;
	if (reviewer_id) { /* the calibration's second reviewer must stay another person (calibration.c) */
		Stmt q;
		db_prepare(&q, db, "SELECT 1 FROM calibration_case WHERE round_id = ?1 AND case_id = ?2 AND reviewer_id = ?3");
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, case_id);
		db_bind_int(&q, 3, reviewer_id);
		int second = db_step(&q);
		db_finalize(&q);
		if (second)
			return fail(msg, n,
			            _("Sag %s kan ikke gives til %s, fordi %s gennemgår sagen anden gang (kalibrering). De to "
			              "gennemgange skal være to forskellige personers; vælg en anden."),
			            case_no, name, name);
	}
	if (review_set_reviewer(db, r, case_id, 0, reviewer_id, name, "i hånden", by) != 0)
		return fail(msg, n, _("Fordelingen kunne ikke gemmes i databasen."));
	return 0;
}

/* The department's koordinatorer and rådgivere (active), by name: who reviews when
** nobody has chosen. Returns how many were written to out (at most max). */
int review_default_reviewers(Db *db, int64_t department_id, int64_t *out, int max)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.id FROM membership m JOIN users u ON u.id = m.user_id WHERE m.department_id = ?1"
	           " AND u.active = 1 AND m.role IN ('koordinator', 'raadgiver') ORDER BY u.name, u.id");
	db_bind_int(&q, 1, department_id);
	int n = 0;
	while (n < max && db_step(&q))
		out[n++] = db_col_int(&q, 0);
	db_finalize(&q);
	return n;
}

/*
** Gives the round's sampled cases that have no reviewer to the chosen reviewers, evenly
** (counting what each already has in the round), never a caseworker's own case. Cases
** that already have a reviewer are left alone. *assigned: how many were given out;
** *left: how many could not be (only their own caseworker was chosen).
*/
int review_assign_auto(Db *db, const Round *r, const int64_t *reviewers, int nreviewers, const ReviewBy *by,
                       int64_t *assigned, int64_t *left, char *msg, size_t n)
{
	*assigned = *left = 0;
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	if (nreviewers <= 0)
		return fail(msg, n, _("Vælg mindst én person, der skal gennemgå sager."));
	AssignReviewer *rv = xcalloc((size_t)nreviewers, sizeof *rv);
	char (*names)[201] = xcalloc((size_t)nreviewers, sizeof *names);
	int rc = 0;
	for (int k = 0; k < nreviewers && rc == 0; k++) {
		for (int j = 0; j < k; j++)
			if (reviewers[j] == reviewers[k])
				rc = fail(msg, n, _("Den samme person er valgt to gange."));
		if (rc == 0 && !review_reviewer_ok(db, r, reviewers[k], names[k], sizeof names[k]))
			rc = fail(msg, n, _("En af de valgte er ikke aktiv medarbejder i afdelingen (eller ekstern konsulent inviteret "
			                    "til tilsynet) og kan ikke gennemgå sager her."));
		rv[k].user_id = reviewers[k];
		rv[k].name = names[k];
	}
	Stmt q;
	for (int k = 0; k < nreviewers && rc == 0; k++) {
		db_prepare(&q, db,
		           "SELECT count(*) FROM round_case WHERE round_id = ?1 AND reviewer_id = ?2 AND status = 'udtrukket'");
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, reviewers[k]);
		rv[k].load = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
	}
	AssignCase *cases = NULL;
	int ncases = 0, cap = 0;
	if (rc == 0) {
		db_prepare(&q, db,
		           "SELECT c.id, c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1"
		           " AND rc.status = 'udtrukket' AND rc.reviewer_id IS NULL ORDER BY rc.sample_key, c.id");
		db_bind_int(&q, 1, r->id);
		while (db_step(&q)) {
			if (ncases == cap) {
				cap = cap ? cap * 2 : 64;
				cases = xrealloc(cases, (size_t)cap * sizeof *cases);
			}
			/* Whose case it is by the stable key (aliases), not by comparing names. */
			unsigned char *own = xcalloc((size_t)nreviewers, 1);
			for (int k = 0; k < nreviewers; k++)
				own[k] = (unsigned char)ident_may_be(db, r->department_id, db_col_text(&q, 1), reviewers[k]);
			cases[ncases++] = (AssignCase){.case_id = db_col_int(&q, 0), .advisor = xstrdup(db_col_text(&q, 1)),
			                               .reviewer = -1, .own = own};
		}
		db_finalize(&q);
		*left = review_balance(cases, ncases, rv, nreviewers);
	}
	for (int i = 0; i < ncases && rc == 0; i++) {
		int k = cases[i].reviewer;
		if (k < 0)
			continue;
		if (review_set_reviewer(db, r, cases[i].case_id, 0, rv[k].user_id, rv[k].name, "automatisk fordeling", by) != 0)
			rc = fail(msg, n, _("Fordelingen kunne ikke gemmes i databasen."));
		else
			(*assigned)++;
	}
	for (int i = 0; i < ncases; i++) {
		free((char *)cases[i].advisor);
		free((unsigned char *)cases[i].own);
	}
	free(cases);
	free(rv);
	free(names);
	return rc;
}

/*
** How far the review of one case has come: *relevant is the number of questions to answer
** (not free text, and not ikke relevant by a condition; relevance.c's rule, which
** relevance_missing uses too), *answered how many of those have an answer that counts.
*/
int review_counts(Db *db, int64_t round_id, int64_t case_id, int *answered, int *relevant)
{
	relevance_missing(db, round_id, case_id, 0, answered, relevant);
	return 0;
}

/* Records a review as finished now, audited: the review's (second = 0, round_case) or the
** calibration's second review (second = 1, calibration_case). The caller has checked that it
** may be. Returns 0 or -1. */
int review_mark_finished(Db *db, const Round *r, int64_t case_id, int second, const ReviewBy *by)
{
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	if (second)
		db_prepare(&q, db,
		           "UPDATE calibration_case SET status = 'faerdig', finished_at = ?3 WHERE round_id = ?1 AND case_id = ?2");
	else
		db_prepare(&q, db,
		           "UPDATE round_case SET review_status = 'faerdig', finished_at = ?3 WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	db_bind_text(&q, 3, now);
	int rc = db_done(&q);
	db_finalize(&q);
	char detail[96];
	snprintf(detail, sizeof detail, second ? "tilsyn %lld: anden gennemgang færdig" : "tilsyn %lld: gennemgang færdig",
	         (long long)r->id);
	if (rc != DB_OK)
		return -1;
	return review_audit_case(db, r, case_id, by, second ? "calibration_finish" : "review_finish", detail) != 0 ? -1 : 0;
}

/* Marks a case's review finished; refused while a relevant question is unanswered
** (*missing says how many). A later change of an answer reopens it (answer_save). */
int review_finish(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, int *missing, char *msg, size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	char case_no[128], advisor[256];
	*missing = 0;
	if (ident_case_may_be(db, case_id, by->user_id))
		return fail(msg, n, "%s", ident_own_case_text());
	if (!sampled_case(db, r->id, case_id, case_no, advisor, NULL))
		return fail(msg, n, _("Sagen er ikke i tilsynets stikprøve."));
	int answered, relevant;
	if (review_counts(db, r->id, case_id, &answered, &relevant) != 0 || (*missing = relevance_missing(db, r->id, case_id, 0, NULL, NULL)) < 0)
		return fail(msg, n, _("Gennemgangen kunne ikke læses fra databasen."));
	if (relevant == 0)
		return fail(msg, n, _("Tilsynet har ingen spørgsmål at besvare, så sagen kan ikke markeres som færdig."));
	if (*missing == 1)
		return fail(msg, n, _("Sagen kan ikke markeres som færdig endnu: 1 relevant spørgsmål mangler et svar."));
	if (*missing > 1)
		return fail(msg, n, _("Sagen kan ikke markeres som færdig endnu: %d relevante spørgsmål mangler et svar."), *missing);
	if (review_mark_finished(db, r, case_id, 0, by) != 0)
		return fail(msg, n, _("Markeringen kunne ikke gemmes i databasen."));
	return 0;
}

/* A short free text (a note): valid UTF-8, at most max bytes, no CPR number. */
static int note_problem(const char *note, size_t max, char *msg, size_t n)
{
	if (str_empty(note))
		return fail(msg, n, _("Skriv kort, hvad bekymringen går ud på, så lederen kan handle på den."));
	if (strlen(note) > max || !utf8_valid(note, strlen(note)))
		return fail(msg, n, _("Noten er for lang (højst %zu tegn) eller indeholder ugyldige tegn."), max);
	if (cpr_find(note) >= 0)
		return fail(msg, n, _("Noten ligner et CPR-nummer. CPR-numre må ikke skrives i tilsyn; henvis til sagen med "
		                      "sagsnummeret."));
	return 0;
}

/*
** Raises (on) or clears an acute concern on a case: something that cannot wait for the
** report, shown at once on the front page of the department's leder. Raising needs a
** short note. Who and when are recorded and audited (the note itself is not audited).
*/
int review_set_acute(Db *db, const Round *r, int64_t case_id, int on, const char *note, const ReviewBy *by,
                     char *msg, size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	char case_no[128], advisor[256];
	if (!sampled_case(db, r->id, case_id, case_no, advisor, NULL))
		return fail(msg, n, _("Sagen er ikke i tilsynets stikprøve."));
	if (on && note_problem(note, 1000, msg, n) != 0)
		return -1;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	if (on) {
		char *trimmed = xstrdup(note);
		db_prepare(&q, db,
		           "UPDATE round_case SET acute = 1, acute_note = ?3, acute_by = ?4, acute_at = ?5"
		           " WHERE round_id = ?1 AND case_id = ?2");
		db_bind_text(&q, 3, str_trim(trimmed));
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, case_id);
		bind_user(&q, 4, by);
		db_bind_text(&q, 5, now);
		int rc = db_done(&q);
		db_finalize(&q);
		free(trimmed);
		if (rc != DB_OK)
			return fail(msg, n, _("Markeringen kunne ikke gemmes i databasen."));
	} else {
		db_prepare(&q, db, "UPDATE round_case SET acute = 0 WHERE round_id = ?1 AND case_id = ?2");
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, case_id);
		int rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			return fail(msg, n, _("Markeringen kunne ikke gemmes i databasen."));
	}
	char detail[96];
	snprintf(detail, sizeof detail, "tilsyn %lld: akut bekymring %s", (long long)r->id, on ? "markeret" : "fjernet");
	if (review_audit_case(db, r, case_id, by, on ? "review_acute" : "review_acute_cleared", detail) != 0)
		return fail(msg, n, _("Markeringen kunne ikke gemmes i databasen."));
	return 0;
}

/* Records that the caseworker has agreed (on) that the case may be used as an example,
** or has withdrawn the agreement; who recorded it and when are kept and audited. */
int review_set_consent(Db *db, const Round *r, int64_t case_id, int on, const ReviewBy *by, char *msg, size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	char case_no[128], advisor[256];
	if (!sampled_case(db, r->id, case_id, case_no, advisor, NULL))
		return fail(msg, n, _("Sagen er ikke i tilsynets stikprøve."));
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "UPDATE round_case SET example_consent = ?3, consent_by = ?4, consent_at = ?5"
	           " WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	db_bind_int(&q, 3, on != 0);
	bind_user(&q, 4, by);
	db_bind_text(&q, 5, now);
	int rc = db_done(&q);
	db_finalize(&q);
	char detail[128];
	snprintf(detail, sizeof detail, "tilsyn %lld: rådgiverens samtykke til brug som eksempel %s", (long long)r->id,
	         on ? "registreret" : "trukket tilbage");
	if (rc != DB_OK || review_audit_case(db, r, case_id, by, "review_consent", detail) != 0)
		return fail(msg, n, _("Samtykket kunne ikke gemmes i databasen."));
	return 0;
}
