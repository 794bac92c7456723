/*
** When a caseworker may read their own individual feedback: once the leader has released it
** for them (a row in feedback_release, 014_feedback_release.sql, audited), or once their
** individual feedback meeting for the round is marked held. Not when the round changes phase:
** the feedback is meant to be given in a conversation first. Caseworkers are the round's
** (results_advisors: one entry per person as the case list names them); a user's own names
** are those ident.c surely links to them, and every one of them must be released.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int feedback_states(Db *db, int64_t round_id, FeedbackState **out)
{
	FeedbackRow *rows;
	int n = meeting_feedback(db, round_id, &rows);
	FeedbackState *s = xcalloc((size_t)(n ? n : 1), sizeof *s);
	for (int i = 0; i < n; i++) {
		s[i].advisor = rows[i].advisor;
		rows[i].advisor = NULL;
		s[i].meeting_id = rows[i].meeting_id;
		snprintf(s[i].meeting_status, sizeof s[i].meeting_status, "%s", rows[i].status);
		snprintf(s[i].meeting_date, sizeof s[i].meeting_date, "%s", rows[i].date);
		s[i].meeting_held = str_eq(rows[i].status, "afholdt");
	}
	meeting_feedback_free(rows, n);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT f.advisor, f.released_at, coalesce(u.name, u.login, '') FROM feedback_release f"
	           " LEFT JOIN users u ON u.id = f.released_by WHERE f.round_id = ?1 ORDER BY f.id");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q))
		for (int i = 0; i < n; i++)
			if (!s[i].by_leader && ident_same_person(s[i].advisor, db_col_text(&q, 0))) {
				s[i].by_leader = 1;
				snprintf(s[i].released_at, sizeof s[i].released_at, "%s", db_col_text(&q, 1));
				snprintf(s[i].released_by, sizeof s[i].released_by, "%s", db_col_text(&q, 2));
			}
	db_finalize(&q);
	for (int i = 0; i < n; i++)
		s[i].released = s[i].by_leader || s[i].meeting_held;
	*out = s;
	return n;
}

void feedback_states_free(FeedbackState *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].advisor);
	free(s);
}

int feedback_released_to(Db *db, const Round *r, int64_t user_id)
{
	FeedbackState *s;
	int n = feedback_states(db, r->id, &s), own = 0, released = 1;
	for (int i = 0; i < n; i++)
		if (ident_owns(db, r->department_id, s[i].advisor, user_id)) {
			own++;
			released &= s[i].released;
		}
	feedback_states_free(s, n);
	return own > 0 && released;
}

int feedback_release(Db *db, const Round *r, const char *advisor, const ReviewBy *by, char *msg, size_t n)
{
	FeedbackState *s;
	int count = feedback_states(db, r->id, &s), found = -1;
	for (int i = 0; i < count && found < 0; i++)
		if (advisor && ident_same_person(s[i].advisor, advisor))
			found = i;
	if (found < 0) {
		feedback_states_free(s, count);
		snprintf(msg, n, _("%s har ingen sager i dette tilsyns stikprøve."), advisor ? advisor : "");
		return -1;
	}
	if (s[found].by_leader) {
		feedback_states_free(s, count);
		return 0;
	}
	char *name = s[found].advisor; /* as the round names the caseworker, however the form wrote it */
	s[found].advisor = NULL;
	feedback_states_free(s, count);
	Stmt q;
	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, "INSERT INTO feedback_release (round_id, advisor, released_by, released_at)"
	                   " VALUES (?1, ?2, nullif(?3, 0), ?4)");
	db_bind_int(&q, 1, r->id);
	db_bind_text(&q, 2, name);
	db_bind_int(&q, 3, by->user_id);
	db_bind_text(&q, 4, now);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		free(name);
		snprintf(msg, n, "%s", _("Tilbagemeldingen kunne ikke frigives. Prøv igen."));
		return -1;
	}
	char object[40], detail[300];
	snprintf(object, sizeof object, "round:%lld", (long long)r->id);
	snprintf(detail, sizeof detail, "individuel tilbagemelding frigivet til %s", name);
	free(name);
	audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "feedback_release",
	                            .department_id = r->department_id, .object = object, .detail = detail, .ip = by->ip});
	return 1;
}
