/*
** Calibration: the working group has some sampled cases reviewed a second time, blind, by
** another person (never the first reviewer, never the case's caseworker), and sees how far
** the two reviews agree: per question and overall, the percent agreement and Cohen's kappa
** (unweighted, over ja / delvist / nej / ikke relevant; stats_kappa), and the list of
** disagreements for a moderation talk. Cases are chosen by hand or as the K cases with the
** smallest sample keys among those that have a first reviewer (so the choice follows from
** the round's recorded seed and can be repeated). The second answers are kept apart
** (calibration_answer, answer_store), validated as the review's are, so the first review and the
** round's results are untouched. The functions that write run inside the caller's
** transaction and audit with the object "case:ID".
*/
#include "tilsyn.h"

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail msg_fail /* util.c */

static const char *const categories[CALIBRATION_CATEGORIES] = {"ja", "delvist", "nej", "ikke_relevant"};

/* The row / column of an answer in the kappa table, or -1 (no answer, or not on the scale). */
int calibration_category(const char *value)
{
	for (int i = 0; i < CALIBRATION_CATEGORIES; i++)
		if (str_eq(value, categories[i]))
			return i;
	return -1;
}

/* The blind rule: the first review is shown beside the second to the working group, and
** to the second reviewer only once their own review is finished (and can no longer change);
** a leder or koordinator doing a second review is blind to the first on this page too. */
int calibration_first_visible(int in_workgroup, int is_second_reviewer, const char *status)
{
	return str_eq(status, "faerdig") || (in_workgroup && !is_second_reviewer);
}

const char *calibration_kappa_reason(int kappa_status)
{
	if (kappa_status == -1)
		return _("ikke beregnet: ingen sager, hvor begge har svaret");
	if (kappa_status == -2)
		return _("ikke beregnet: begge har givet det samme svar i alle sager, så der er ingen variation at måle "
		         "enigheden ud over det tilfældige på");
	return "";
}

/* A sampled case of the round: its number, caseworker, first reviewer (0: none), and
** whether it is chosen for calibration (then *second and *status are filled). */
typedef struct CalCase {
	char case_no[128], advisor[256];
	int64_t first, second, answers;
	int chosen;
	char status[16];
} CalCase;

static int cal_case(Db *db, int64_t round_id, int64_t case_id, CalCase *c)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.case_no, c.advisor, coalesce(rc.reviewer_id, 0), CASE WHEN k.case_id IS NULL THEN 0 ELSE 1 END,"
	           " coalesce(k.reviewer_id, 0), coalesce(k.status, ''),"
	           " (SELECT count(*) FROM calibration_answer a WHERE a.round_id = ?1 AND a.case_id = ?2)"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " LEFT JOIN calibration_case k ON k.round_id = rc.round_id AND k.case_id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.case_id = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	int found = db_step(&q);
	if (found) {
		memset(c, 0, sizeof *c);
		snprintf(c->case_no, sizeof c->case_no, "%s", db_col_text(&q, 0));
		snprintf(c->advisor, sizeof c->advisor, "%s", db_col_text(&q, 1));
		c->first = db_col_int(&q, 2);
		c->chosen = (int)db_col_int(&q, 3);
		c->second = db_col_int(&q, 4);
		snprintf(c->status, sizeof c->status, "%s", db_col_text(&q, 5));
		c->answers = db_col_int(&q, 6);
	}
	db_finalize(&q);
	return found;
}

static int insert_case(Db *db, const Round *r, int64_t case_id, const char *how, const ReviewBy *by)
{
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO calibration_case (round_id, case_id, chosen_at, chosen_by, how) VALUES (?1, ?2, ?3, ?4, ?5)");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	db_bind_text(&q, 3, now);
	if (by->user_id > 0)
		db_bind_int(&q, 4, by->user_id);
	db_bind_text(&q, 5, how);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return -1;
	char detail[160];
	snprintf(detail, sizeof detail, "tilsyn %lld: valgt til anden gennemgang (kalibrering, %s)", (long long)r->id,
	         str_eq(how, "haand") ? "i hånden" : "tilfældigt efter udtrækningsnøglen");
	return review_audit_case(db, r, case_id, by, "calibration_choose", detail);
}

/* Chooses one sampled case for a second review. Refused, with msg saying why, when the case
** is not in the sample, has no first reviewer yet, or is chosen already. */
int calibration_choose(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, char *msg, size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	CalCase c;
	if (!cal_case(db, r->id, case_id, &c))
		return fail(msg, n, _("Sagen er ikke i tilsynets stikprøve."));
	if (c.chosen)
		return fail(msg, n, _("Sag %s er allerede valgt til anden gennemgang."), c.case_no);
	if (!c.first)
		return fail(msg, n, _("Sag %s har endnu ingen, der gennemgår den første gang. Fordel den først; en anden "
		                      "gennemgang sammenlignes med den første."),
		            c.case_no);
	if (insert_case(db, r, case_id, "haand", by) != 0)
		return fail(msg, n, _("Valget kunne ikke gemmes i databasen."));
	return 0;
}

/*
** Chooses up to k more cases for a second review: among the sampled cases with a first
** reviewer and not chosen yet, those with the smallest sample keys (BLAKE2b of the round's
** seed and the case number), so anyone can repeat the choice. *added: how many were chosen.
*/
int calibration_choose_random(Db *db, const Round *r, int64_t k, const ReviewBy *by, int64_t *added, char *msg,
                              size_t n)
{
	*added = 0;
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	if (k < 1 || k > 1000)
		return fail(msg, n, _("Angiv, hvor mange sager der skal gennemgås to gange (mindst 1)."));
	Stmt q;
	db_prepare(&q, db,
	           "SELECT rc.case_id FROM round_case rc WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " AND rc.reviewer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calibration_case k"
	           "  WHERE k.round_id = rc.round_id AND k.case_id = rc.case_id)"
	           " ORDER BY rc.sample_key, rc.case_id LIMIT ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, k);
	int64_t ids[1000];
	int count = 0;
	while (count < (int)COUNT(ids) && db_step(&q))
		ids[count++] = db_col_int(&q, 0);
	db_finalize(&q);
	if (count == 0)
		return fail(msg, n, _("Der er ingen sager at vælge: alle sager med en første gennemgående er allerede valgt, "
		                      "eller ingen sager er fordelt endnu."));
	for (int i = 0; i < count; i++) {
		if (insert_case(db, r, ids[i], "tilfaeldig", by) != 0)
			return fail(msg, n, _("Valget kunne ikke gemmes i databasen."));
		(*added)++;
	}
	return 0;
}

/* Takes a case out of the calibration again; refused once the second review has answers. */
int calibration_remove(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, char *msg, size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	CalCase c;
	if (!cal_case(db, r->id, case_id, &c) || !c.chosen)
		return fail(msg, n, _("Sagen er ikke valgt til anden gennemgang."));
	if (c.answers)
		return fail(msg, n, _("Sag %s kan ikke tages ud: den anden gennemgang er begyndt og har gemte svar."),
		            c.case_no);
	Stmt q;
	db_prepare(&q, db, "DELETE FROM calibration_case WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	int rc = db_done(&q);
	db_finalize(&q);
	char detail[96];
	snprintf(detail, sizeof detail, "tilsyn %lld: taget ud af kalibreringen", (long long)r->id);
	if (rc != DB_OK || review_audit_case(db, r, case_id, by, "calibration_remove", detail) != 0)
		return fail(msg, n, _("Ændringen kunne ikke gemmes i databasen."));
	return 0;
}

/* Why this person cannot do the second review of the case, in msg; 0 when they can. */
static int second_reviewer_problem(Db *db, const Round *r, const CalCase *c, int64_t reviewer_id, char *name,
                                   size_t namelen, char *msg, size_t n)
{
	if (!review_reviewer_ok(db, r, reviewer_id, name, namelen))
		return fail(msg, n, _("Den valgte person er ikke aktiv medarbejder i afdelingen og kan ikke gennemgå sager her."));
	if (!c->first)
		return fail(msg, n, _("Sag %s har ingen første gennemgående; fordel den først."), c->case_no);
	if (reviewer_id == c->first)
		return fail(msg, n,
		            _("Sag %s kan ikke gives til %s til anden gennemgang, fordi %s gennemgår sagen første gang. "
		              "Kalibrering sammenligner to forskellige personers vurdering; vælg en anden."),
		            c->case_no, name, name);
	if (ident_may_be(db, r->department_id, c->advisor, reviewer_id))
		return fail(msg, n,
		            _("Sag %s kan ikke gives til %s til anden gennemgang, fordi %s selv er rådgiver på sagen. I et "
		              "ledelsestilsyn gennemgår ingen sine egne sager; vælg en anden."),
		            c->case_no, name, name);
	return 0;
}

/*
** Makes reviewer_id (0: nobody) the second reviewer of a chosen case. Refused, with msg
** saying why, when the case is not chosen, the person is not in the department, is the
** case's first reviewer or its caseworker, or the second review already has answers.
*/
int calibration_assign(Db *db, const Round *r, int64_t case_id, int64_t reviewer_id, const ReviewBy *by, char *msg,
                       size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	CalCase c;
	char name[201] = "";
	if (!cal_case(db, r->id, case_id, &c) || !c.chosen)
		return fail(msg, n, _("Sagen er ikke valgt til anden gennemgang."));
	if (reviewer_id && second_reviewer_problem(db, r, &c, reviewer_id, name, sizeof name, msg, n) != 0)
		return -1;
	if (c.second == reviewer_id)
		return 0;
	if (c.answers)
		return fail(msg, n, _("Sag %s har allerede svar fra den anden gennemgang, så den kan ikke gives til en anden."),
		            c.case_no);
	if (review_set_reviewer(db, r, case_id, 1, reviewer_id, name, "i hånden", by) != 0)
		return fail(msg, n, _("Fordelingen kunne ikke gemmes i databasen."));
	return 0;
}

/*
** Gives every chosen case without a second reviewer to one of the reviewers: the least
** loaded (second reviews in this round; earliest on ties) who is neither the case's first
** reviewer nor its caseworker, cases in sample-key order. *left: cases nobody could take.
*/
int calibration_assign_auto(Db *db, const Round *r, const int64_t *reviewers, int nreviewers, const ReviewBy *by,
                            int64_t *assigned, int64_t *left, char *msg, size_t n)
{
	*assigned = *left = 0;
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	if (nreviewers <= 0 || nreviewers > 200)
		return fail(msg, n, _("Vælg mindst én person til de anden gennemgange."));
	char (*names)[201] = xcalloc((size_t)nreviewers, sizeof *names);
	int64_t *load = xcalloc((size_t)nreviewers, sizeof *load);
	int rc = 0;
	Stmt q;
	for (int k = 0; k < nreviewers && rc == 0; k++) {
		for (int j = 0; j < k; j++)
			if (reviewers[j] == reviewers[k])
				rc = fail(msg, n, _("Den samme person er valgt to gange."));
		if (rc == 0 && !review_reviewer_ok(db, r, reviewers[k], names[k], sizeof names[k]))
			rc = fail(msg, n, _("En af de valgte er ikke aktiv medarbejder i afdelingen og kan ikke gennemgå sager her."));
		if (rc == 0) {
			db_prepare(&q, db, "SELECT count(*) FROM calibration_case WHERE round_id = ?1 AND reviewer_id = ?2");
			db_bind_int(&q, 1, r->id);
			db_bind_int(&q, 2, reviewers[k]);
			load[k] = db_step(&q) ? db_col_int(&q, 0) : 0;
			db_finalize(&q);
		}
	}
	int64_t *cases = NULL;
	int ncases = 0, cap = 0;
	if (rc == 0) {
		db_prepare(&q, db,
		           "SELECT k.case_id FROM calibration_case k JOIN round_case rc ON rc.round_id = k.round_id"
		           " AND rc.case_id = k.case_id WHERE k.round_id = ?1 AND k.reviewer_id IS NULL AND rc.status = 'udtrukket'"
		           " ORDER BY rc.sample_key, k.case_id");
		db_bind_int(&q, 1, r->id);
		while (db_step(&q)) {
			if (ncases == cap)
				cases = xrealloc(cases, (size_t)(cap = cap ? cap * 2 : 32) * sizeof *cases);
			cases[ncases++] = db_col_int(&q, 0);
		}
		db_finalize(&q);
	}
	for (int i = 0; i < ncases && rc == 0; i++) {
		CalCase c;
		if (!cal_case(db, r->id, cases[i], &c))
			continue;
		int best = -1;
		for (int k = 0; k < nreviewers; k++) {
			if (!c.first || reviewers[k] == c.first || ident_may_be(db, r->department_id, c.advisor, reviewers[k]))
				continue;
			if (best < 0 || load[k] < load[best])
				best = k;
		}
		if (best < 0) {
			(*left)++;
			continue;
		}
		if (review_set_reviewer(db, r, cases[i], 1, reviewers[best], names[best], "automatisk fordeling", by) != 0)
			rc = fail(msg, n, _("Fordelingen kunne ikke gemmes i databasen."));
		load[best]++;
		(*assigned)++;
	}
	free(cases);
	free(names);
	free(load);
	return rc;
}

/* The questions of the second review still to answer: the first review's rule (relevance.c),
** on the second reviewer's own answers. */
int calibration_missing(Db *db, int64_t round_id, int64_t case_id)
{
	return relevance_missing(db, round_id, case_id, 1, NULL, NULL);
}

/* Marks the second review finished (then its answers are fixed, and the second reviewer
** may see the first review); refused while a relevant question is unanswered. */
int calibration_finish(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, int *missing, char *msg,
                       size_t n)
{
	if (round_writable(db, r->id, msg, n) != 0)
		return ROUND_CLOSED;
	CalCase c;
	*missing = 0;
	if (ident_case_may_be(db, case_id, by->user_id))
		return fail(msg, n, "%s", ident_own_case_text());
	if (!cal_case(db, r->id, case_id, &c) || !c.chosen)
		return fail(msg, n, _("Sagen er ikke valgt til anden gennemgang."));
	if (str_eq(c.status, "faerdig"))
		return 0;
	if ((*missing = calibration_missing(db, r->id, case_id)) < 0)
		return fail(msg, n, _("Gennemgangen kunne ikke læses fra databasen."));
	if (*missing == 1)
		return fail(msg, n, _("Den anden gennemgang kan ikke markeres som færdig endnu: 1 relevant spørgsmål mangler et "
		                      "svar."));
	if (*missing > 1)
		return fail(msg, n, _("Den anden gennemgang kan ikke markeres som færdig endnu: %d relevante spørgsmål mangler et "
		                      "svar."),
		            *missing);
	if (review_mark_finished(db, r, case_id, 1, by) != 0)
		return fail(msg, n, _("Markeringen kunne ikke gemmes i databasen."));
	return 0;
}

/* ---- agreement ---- */

typedef struct Given {
	char *value, *comment;
} Given;

/* The answer that counts for question i, as results.c counts it (relevance.c): a question
** ikke relevant by its condition is "ikke_relevant"; one whose condition's question is not
** answered yet has no answer (""), so an unfinished review is not read as a disagreement.
** *by_condition is set when the value comes from the condition. */
static const char *effective(const Given *g, const int *states, int i, int *by_condition)
{
	*by_condition = states[i] == RELEVANCE_NOT_RELEVANT;
	if (states[i] == RELEVANCE_ASKED)
		return g[i].value ? g[i].value : "";
	return *by_condition ? "ikke_relevant" : "";
}

/* The values of a review for relevance_decide. */
static void given_values(const Given *g, int nq, const char **values)
{
	for (int i = 0; i < nq; i++)
		values[i] = g[i].value;
}

static void load_given(Db *db, const char *table_sql, int64_t round_id, int64_t case_id, const Relevance *rel,
                       Given *g)
{
	Stmt q;
	db_prepare(&q, db, table_sql);
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	while (db_step(&q)) {
		int i = relevance_index(rel, db_col_int(&q, 0));
		if (i >= 0 && !g[i].value) {
			g[i].value = xstrdup(db_col_text(&q, 1));
			g[i].comment = xstrdup(db_col_text(&q, 2));
		}
	}
	db_finalize(&q);
}

static char *shown(const char *value, int by_condition)
{
	if (by_condition)
		return xstrdup(_("ikke relevant (betingelsen er ikke opfyldt)"));
	return xstrdup(answer_value_title(value));
}

static void finish_stats(Agreement *a)
{
	a->n = a->agree = 0;
	for (int i = 0; i < CALIBRATION_CATEGORIES; i++)
		for (int j = 0; j < CALIBRATION_CATEGORIES; j++) {
			a->n += a->table[i * CALIBRATION_CATEGORIES + j];
			if (i == j)
				a->agree += a->table[i * CALIBRATION_CATEGORIES + j];
		}
	a->kappa_status = stats_kappa(a->table, CALIBRATION_CATEGORIES, &a->kappa, &a->percent);
}

/*
** The agreement between first and second reviews of the round's calibration cases: per
** question on the scales ja / delvist / nej (/ ikke relevant), over the cases where both
** have an answer (finished or not), and over all those pairs together (*overall). Also the
** disagreements, in case and question order. Returns 0, or -1 on a database error.
** Free with calibration_free.
*/
int calibration_agreement(Db *db, const Round *r, Agreement **per_question, int *nquestions, Agreement *overall,
                          Disagreement **disagreements, int *ndisagreements)
{
	/* The round's questions with their conditions (relevance.c), and their texts. */
	Relevance rel;
	relevance_load(db, r->id, &rel);
	int nq = rel.n;
	char **texts = xcalloc((size_t)(nq ? nq : 1), sizeof *texts);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id, q.text FROM round_catalogue rk JOIN question q ON q.catalogue_id = rk.catalogue_id"
	           " WHERE rk.round_id = ?1");
	db_bind_int(&q, 1, r->id);
	while (db_step(&q)) {
		int i = relevance_index(&rel, db_col_int(&q, 0));
		if (i >= 0 && !texts[i])
			texts[i] = xstrdup(db_col_text(&q, 1));
	}
	db_finalize(&q);
	const char **values = xcalloc((size_t)(nq ? nq : 1), sizeof *values);
	int *s1 = xcalloc((size_t)(nq ? nq : 1), sizeof *s1), *s2 = xcalloc((size_t)(nq ? nq : 1), sizeof *s2);

	/* One row per question that agreement is measured on. */
	int na = 0;
	Agreement *a = xcalloc((size_t)(nq ? nq : 1), sizeof *a);
	int *row = xcalloc((size_t)(nq ? nq : 1), sizeof *row);
	for (int i = 0; i < nq; i++) {
		row[i] = -1;
		if (!str_eq(rel.q[i].scale, "jdn") && !str_eq(rel.q[i].scale, "jn"))
			continue;
		row[i] = na;
		a[na].question_id = rel.q[i].id;
		snprintf(a[na].code, sizeof a[na].code, "%s", rel.q[i].code);
		a[na].text = xstrdup(texts[i] ? texts[i] : "");
		na++;
	}
	memset(overall, 0, sizeof *overall);
	snprintf(overall->code, sizeof overall->code, "%s", _("I alt"));

	int nd = 0, dcap = 0;
	Disagreement *d = NULL;
	db_prepare(&q, db,
	           "SELECT k.case_id, c.case_no, coalesce(u1.name, ''), coalesce(u2.name, '') FROM calibration_case k"
	           " JOIN round_case rc ON rc.round_id = k.round_id AND rc.case_id = k.case_id JOIN cases c ON c.id = k.case_id"
	           " LEFT JOIN users u1 ON u1.id = rc.reviewer_id LEFT JOIN users u2 ON u2.id = k.reviewer_id"
	           " WHERE k.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY rc.sample_key, k.case_id");
	db_bind_int(&q, 1, r->id);
	Given *g1 = xcalloc((size_t)(nq ? nq : 1), sizeof *g1), *g2 = xcalloc((size_t)(nq ? nq : 1), sizeof *g2);
	while (db_step(&q)) {
		int64_t case_id = db_col_int(&q, 0);
		memset(g1, 0, (size_t)nq * sizeof *g1);
		memset(g2, 0, (size_t)nq * sizeof *g2);
		load_given(db, "SELECT question_id, coalesce(value, ''), comment FROM answer WHERE round_id = ?1 AND case_id = ?2",
		           r->id, case_id, &rel, g1);
		load_given(db,
		           "SELECT question_id, coalesce(value, ''), comment FROM calibration_answer WHERE round_id = ?1"
		           " AND case_id = ?2",
		           r->id, case_id, &rel, g2);
		given_values(g1, nq, values);
		relevance_decide(&rel, values, s1);
		given_values(g2, nq, values);
		relevance_decide(&rel, values, s2);
		for (int i = 0; i < nq; i++) {
			if (row[i] < 0)
				continue;
			int c1, c2;
			const char *v1 = effective(g1, s1, i, &c1), *v2 = effective(g2, s2, i, &c2);
			int x = calibration_category(v1), y = calibration_category(v2);
			if (x < 0 || y < 0)
				continue; /* not answered by both */
			a[row[i]].table[x * CALIBRATION_CATEGORIES + y]++;
			overall->table[x * CALIBRATION_CATEGORIES + y]++;
			if (x == y)
				continue;
			if (nd == dcap)
				d = xrealloc(d, (size_t)(dcap = dcap ? dcap * 2 : 32) * sizeof *d);
			d[nd++] = (Disagreement){.case_id = case_id, .case_no = xstrdup(db_col_text(&q, 1)),
			                         .code = xstrdup(rel.q[i].code), .text = xstrdup(texts[i] ? texts[i] : ""),
			                         .first_value = shown(v1, c1), .first_comment = xstrdup(g1[i].comment ? g1[i].comment : ""),
			                         .first_reviewer = xstrdup(db_col_text(&q, 2)), .second_value = shown(v2, c2),
			                         .second_comment = xstrdup(g2[i].comment ? g2[i].comment : ""),
			                         .second_reviewer = xstrdup(db_col_text(&q, 3))};
		}
		for (int i = 0; i < nq; i++) {
			free(g1[i].value), free(g1[i].comment);
			free(g2[i].value), free(g2[i].comment);
		}
	}
	db_finalize(&q);
	free(g1);
	free(g2);
	free(values);
	free(s1);
	free(s2);
	relevance_free(&rel);
	for (int i = 0; i < na; i++)
		finish_stats(&a[i]);
	finish_stats(overall);
	for (int i = 0; i < nq; i++)
		free(texts[i]);
	free(texts);
	free(row);
	*per_question = a;
	*nquestions = na;
	*disagreements = d;
	*ndisagreements = nd;
	return 0;
}

void calibration_free(Agreement *a, int na, Disagreement *d, int nd)
{
	for (int i = 0; i < na; i++)
		free(a[i].text);
	free(a);
	for (int i = 0; i < nd; i++) {
		free(d[i].case_no), free(d[i].code), free(d[i].text);
		free(d[i].first_value), free(d[i].first_comment), free(d[i].first_reviewer);
		free(d[i].second_value), free(d[i].second_comment), free(d[i].second_reviewer);
	}
	free(d);
}
