/*
** Answers: one per sampled case and question. Saving checks the value against the
** question's scale, refuses CPR numbers in comments, and refuses to overwrite a change
** made by someone else since the page was loaded (the revision the client saw must still
** be current), returning both values so the conflict can be shown. Every change is kept
** in answer_history. The first answer of a round starts its review.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *answer_value_title(const char *v)
{
	if (str_eq(v, "ja"))
		return _("ja");
	if (str_eq(v, "delvist"))
		return _("delvist");
	if (str_eq(v, "nej"))
		return _("nej");
	if (str_eq(v, "ikke_relevant"))
		return _("ikke relevant");
	return v ? v : "";
}

/* Whether value is allowed by a question's scale; "" (clearing the answer) always is. */
int answer_value_allowed(const char *scale, const char *choices_json, const char *value)
{
	if (!value || !*value)
		return 1;
	if (str_eq(scale, "jdn"))
		return str_eq(value, "ja") || str_eq(value, "delvist") || str_eq(value, "nej") || str_eq(value, "ikke_relevant");
	if (str_eq(scale, "jn"))
		return str_eq(value, "ja") || str_eq(value, "nej") || str_eq(value, "ikke_relevant");
	if (str_eq(scale, "text"))
		return strlen(value) <= 5000 && utf8_valid(value, strlen(value));
	if (str_eq(scale, "choice")) {
		json_t *a = json_loads(choices_json ? choices_json : "[]", 0, NULL);
		int ok = 0;
		for (size_t i = 0; i < json_array_size(a) && !ok; i++)
			ok = str_eq(json_string_value(json_array_get(a, i)), value);
		json_decref(a);
		return ok;
	}
	return 0;
}

/*
** Checks an answer against its question's scale and the rules every answer follows: the
** material-significance mark only on nej or delvist, a comment of at most 5000 characters,
** and no CPR number anywhere. Returns 0, or -1 with msg saying what is wrong.
*/
int answer_check(const char *scale, const char *choices_json, const AnswerInput *in, char *msg, size_t n)
{
	const char *value = in->value && *in->value ? in->value : NULL;
	const char *comment = in->comment ? in->comment : "";
	if (!answer_value_allowed(scale, choices_json, in->value))
		msg_fail(msg, n, "%s", _("Svaret passer ikke til spørgsmålet."));
	else if (in->material && !str_eq(value, "nej") && !str_eq(value, "delvist"))
		msg_fail(msg, n, "%s", _("Kun et nej eller delvist svar kan have væsentlig betydning for afgørelsen."));
	else if (strlen(comment) > 5000 || !utf8_valid(comment, strlen(comment)))
		msg_fail(msg, n, "%s", _("Kommentaren er for lang (højst 5000 tegn) eller indeholder ugyldige tegn."));
	else if (cpr_find(comment) >= 0 || (value && cpr_find(value) >= 0))
		msg_fail(msg, n, "%s", _("Teksten ligner et CPR-nummer. CPR-numre må ikke skrives i tilsyn; henvis til sagen med sagsnummeret."));
	else
		return 0;
	return -1;
}

/* The question, if it belongs to one of the round's catalogues. */
static int round_question(Db *db, int64_t round_id, int64_t question_id, char scale[8], char **choices)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.scale, q.choices FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " WHERE rc.round_id = ?1 AND q.id = ?2");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, question_id);
	int found = db_step(&q);
	if (found) {
		snprintf(scale, 8, "%s", db_col_text(&q, 0));
		*choices = db_col_is_null(&q, 1) ? NULL : xstrdup(db_col_text(&q, 1));
	}
	db_finalize(&q);
	return found;
}

/*
** What is stored for a question: the case row (review status, and for the second review its
** reviewer) and the answer, if any, with its revision and who saved it when. The review's
** answers and the second review's (calibration_answer) live in two tables of the same shape:
** a pair of statements, one per table.
*/
static const char *const current_sql[2] = {
	"SELECT rc.review_status, 0, CASE WHEN a.revision IS NULL THEN 0 ELSE 1 END, coalesce(a.value, ''),"
	" coalesce(a.material, 0), coalesce(a.comment, ''), coalesce(a.revision, 0), coalesce(u.name, ''),"
	" coalesce(a.updated_at, '') FROM round_case rc LEFT JOIN answer a ON a.round_id = rc.round_id"
	" AND a.case_id = rc.case_id AND a.question_id = ?3 LEFT JOIN users u ON u.id = a.updated_by"
	" WHERE rc.round_id = ?1 AND rc.case_id = ?2 AND rc.status = 'udtrukket'",
	"SELECT k.status, coalesce(k.reviewer_id, 0), CASE WHEN a.revision IS NULL THEN 0 ELSE 1 END,"
	" coalesce(a.value, ''), coalesce(a.material, 0), coalesce(a.comment, ''), coalesce(a.revision, 0),"
	" coalesce(u.name, ''), coalesce(a.updated_at, '') FROM calibration_case k JOIN round_case rc"
	" ON rc.round_id = k.round_id AND rc.case_id = k.case_id LEFT JOIN calibration_answer a"
	" ON a.round_id = k.round_id AND a.case_id = k.case_id AND a.question_id = ?3 LEFT JOIN users u ON u.id = a.updated_by"
	" WHERE k.round_id = ?1 AND k.case_id = ?2 AND rc.status = 'udtrukket'",
};
static const char *const upsert_sql[2] = {
	"INSERT INTO answer (round_id, case_id, question_id, value, material, comment, revision, updated_at, updated_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8) ON CONFLICT (round_id, case_id, question_id) DO UPDATE SET"
	" value = excluded.value, material = excluded.material, comment = excluded.comment,"
	" revision = answer.revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
	"INSERT INTO calibration_answer (round_id, case_id, question_id, value, material, comment, revision,"
	" updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)"
	" ON CONFLICT (round_id, case_id, question_id) DO UPDATE SET value = excluded.value,"
	" material = excluded.material, comment = excluded.comment, revision = calibration_answer.revision + 1,"
	" updated_at = excluded.updated_at, updated_by = excluded.updated_by",
};

/* The review's bookkeeping after a changed answer: its history row, a finished case reopened
** ("færdig" must stay true), and the round's review started by its first answer. */
static int review_changed(Db *db, int64_t round_id, int64_t case_id, int64_t question_id, const AnswerInput *in,
                          int exists, const AnswerState *old, int finished, const User *by, const char *now)
{
	const char *value = in->value && *in->value ? in->value : NULL;
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO answer_history (round_id, case_id, question_id, old_value, new_value, old_material,"
	           " new_material, old_comment, new_comment, at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	db_bind_int(&q, 3, question_id);
	db_bind_text(&q, 4, exists && *old->value ? old->value : NULL);
	db_bind_text(&q, 5, value);
	if (exists)
		db_bind_int(&q, 6, old->material);
	db_bind_int(&q, 7, in->material != 0);
	db_bind_text(&q, 8, exists ? old->comment : NULL);
	db_bind_text(&q, 9, in->comment ? in->comment : "");
	db_bind_text(&q, 10, now);
	if (by->id > 0)
		db_bind_int(&q, 11, by->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db,
		           "UPDATE round_case SET review_status = 'i_gang', finished_at = NULL"
		           " WHERE round_id = ?1 AND case_id = ?2 AND (review_status = 'ikke_startet' OR ?3 = 1)");
		db_bind_int(&q, 1, round_id);
		db_bind_int(&q, 2, case_id);
		db_bind_int(&q, 3, finished != 0);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc == DB_OK) {
		db_prepare(&q, db, "UPDATE round SET review_started_at = ?2 WHERE id = ?1 AND review_started_at IS NULL");
		db_bind_int(&q, 1, round_id);
		db_bind_text(&q, 2, now);
		rc = db_done(&q);
		int first = rc == DB_OK && db_changes(db) > 0;
		db_finalize(&q);
		/* The first answer starts the review: the phase moves on by itself, recorded. */
		if (first)
			rc = phase_auto(db, round_id, "planlaegning,udvaelgelse", "gennemgang", by->id > 0 ? by->id : 0, by->login);
	}
	return rc;
}

/*
** Saves one answer inside the caller's transaction: the review's (ANSWER_REVIEW) or the
** calibration's blind second review's (ANSWER_SECOND, kept apart so the first review and the
** round's results are untouched). Both are checked alike: the round open, never the writer's
** own case, the question one of the round's, the value fitting its scale (answer_check). The
** review refuses to overwrite a change made since revision in->seen_revision; the second
** review is saved only by the case's second reviewer, until it is finished. *current gets
** what is stored afterwards (its revision unchanged when nothing changed) or, on a conflict,
** what someone else saved. Returns ANSWER_SAVED, ANSWER_CONFLICT, ANSWER_INVALID with msg
** saying why, or ANSWER_CLOSED when the round is finished (round_writable).
*/
int answer_store(Db *db, int which, int64_t round_id, int64_t case_id, int64_t question_id, const AnswerInput *in,
                 const User *by, AnswerState *current, char *msg, size_t n)
{
	int second = which == ANSWER_SECOND;
	char scale[8];
	char *choices = NULL;
	memset(current, 0, sizeof *current);
	if (round_writable(db, round_id, NULL, 0) != 0) {
		msg_fail(msg, n, "%s", _(round_closed_text));
		return ANSWER_CLOSED;
	}
	/* Checked on every write, not only at assignment: a new case list may have made the
	** writer the caseworker since (ident.c). by->id 0 is the command line. */
	if (by && ident_case_may_be(db, case_id, by->id)) {
		msg_fail(msg, n, "%s", ident_own_case_text());
		return ANSWER_INVALID;
	}
	if (!round_question(db, round_id, question_id, scale, &choices)) {
		msg_fail(msg, n, "%s", _("Spørgsmålet hører ikke til dette tilsyn."));
		return ANSWER_INVALID;
	}
	int checked = answer_check(scale, choices, in, msg, n);
	free(choices);
	if (checked != 0)
		return ANSWER_INVALID;
	const char *value = in->value && *in->value ? in->value : NULL;
	const char *comment = in->comment ? in->comment : "";
	Stmt q;
	db_prepare(&q, db, current_sql[second]);
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	db_bind_int(&q, 3, question_id);
	if (!db_step(&q)) {
		db_finalize(&q);
		msg_fail(msg, n, "%s", second ? _("Sagen er ikke valgt til anden gennemgang.") : _("Sagen er ikke i tilsynets stikprøve."));
		return ANSWER_INVALID;
	}
	int finished = str_eq(db_col_text(&q, 0), "faerdig");
	int64_t reviewer = db_col_int(&q, 1);
	int exists = (int)db_col_int(&q, 2);
	snprintf(current->value, sizeof current->value, "%s", db_col_text(&q, 3));
	current->material = (int)db_col_int(&q, 4);
	snprintf(current->comment, sizeof current->comment, "%s", db_col_text(&q, 5));
	current->revision = db_col_int(&q, 6);
	snprintf(current->by, sizeof current->by, "%s", db_col_text(&q, 7));
	snprintf(current->at, sizeof current->at, "%s", db_col_text(&q, 8));
	db_finalize(&q);
	if (second && (!by || by->id <= 0 || by->id != reviewer)) {
		msg_fail(msg, n, "%s", _("Kun den, der er valgt til den anden gennemgang af sagen, kan gemme svar i den."));
		return ANSWER_INVALID;
	}
	if (second && finished) {
		msg_fail(msg, n, "%s", _("Den anden gennemgang er markeret som færdig, så svarene kan ikke længere ændres."));
		return ANSWER_INVALID;
	}
	if (!second && in->seen_revision >= 0 && in->seen_revision != current->revision)
		return ANSWER_CONFLICT;
	if (exists && str_eq(current->value, value ? value : "") && current->material == (in->material != 0) &&
	    str_eq(current->comment, comment))
		return ANSWER_SAVED; /* nothing changed; no history row */
	if (!exists && !value && !*comment)
		return ANSWER_SAVED; /* clearing an answer never given: no row, no history, the review not started */

	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, upsert_sql[second]);
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	db_bind_int(&q, 3, question_id);
	db_bind_text(&q, 4, value);
	db_bind_int(&q, 5, in->material != 0);
	db_bind_text(&q, 6, comment);
	db_bind_text(&q, 7, now);
	if (by->id > 0) /* NULL: saved from the command line, where nobody is logged in */
		db_bind_int(&q, 8, by->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK && !second)
		rc = review_changed(db, round_id, case_id, question_id, in, exists, current, finished, by, now);
	if (rc == DB_OK && second) {
		db_prepare(&q, db,
		           "UPDATE calibration_case SET status = 'i_gang' WHERE round_id = ?1 AND case_id = ?2"
		           " AND status = 'ikke_startet'");
		db_bind_int(&q, 1, round_id);
		db_bind_int(&q, 2, case_id);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK) {
		msg_fail(msg, n, "%s", _("Svaret kunne ikke gemmes i databasen."));
		return ANSWER_INVALID;
	}
	current->revision = exists ? current->revision + 1 : 1;
	snprintf(current->value, sizeof current->value, "%s", value ? value : "");
	current->material = in->material != 0;
	snprintf(current->comment, sizeof current->comment, "%s", comment);
	snprintf(current->by, sizeof current->by, "%s", by->name);
	snprintf(current->at, sizeof current->at, "%s", now);
	return ANSWER_SAVED;
}

/* The review's answer (answer_store with ANSWER_REVIEW). */
int answer_save(Db *db, int64_t round_id, int64_t case_id, int64_t question_id, const AnswerInput *in,
                const User *by, AnswerState *current, char *msg, size_t n)
{
	return answer_store(db, ANSWER_REVIEW, round_id, case_id, question_id, in, by, current, msg, n);
}
