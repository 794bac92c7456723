/*
** Results of a round: per question, the counts of ja / delvist / nej / ikke relevant /
** unanswered over the sampled cases, "opfyldt" = ja / (ja + delvist + nej) with its
** Wilson interval, and the change against the previous comparable round (same department
** and kind, matched by question code) with Newcombe's interval. Whether a question counts
** for a case is relevance.c's rule: ikke relevant when its gate is answered otherwise (or is
** itself ikke relevant), unanswered while its gate is unanswered. Once retention has
** deleted a round's case data (round.purged_at), its figures are the counts results_keep()
** stored just before (round_result, round_purge), so results, trends and comparisons stay.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A question of the round's catalogues while counting (every scale: a condition may name any). */
typedef struct LoadQ {
	int64_t id, catalogue_id;
	char *code, *text, *category, *section;
	int counted;           /* jdn or jn: has a result */
} LoadQ;

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of v in the sorted array, or -1. */
static int find_i64(const int64_t *sorted, int n, int64_t v)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (sorted[mid] == v)
			return mid;
		if (sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* A set of case ids, sorted: the cases counted when results are for one caseworker. */
typedef struct CaseSet {
	int64_t *ids;
	int n;
} CaseSet;

/* The shares and intervals of a question from its counts. */
static void question_finish(QuestionResult *x)
{
	int64_t base = x->yes + x->partly + x->no;
	x->has_fulfilled = base > 0;
	x->fulfilled = base ? (double)x->yes / (double)base : 0;
	stats_wilson(x->yes, base, &x->ci_low, &x->ci_high);
	x->partly_ok = base ? (double)(x->yes + x->partly) / (double)base : 0;
	stats_wilson(x->yes + x->partly, base, &x->partly_low, &x->partly_high);
}

/* Whether retention has deleted the round's case data. */
static int round_purged(Db *db, int64_t round_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT 1 FROM round WHERE id = ?1 AND purged_at IS NOT NULL");
	db_bind_int(&q, 1, round_id);
	int purged = db_step(&q);
	db_finalize(&q);
	return purged;
}

/* A purged round's per-question counts, as results_keep stored them. */
static int load_kept(Db *db, int64_t round_id, QuestionResult **out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT question_id, code, text, section, category, yes, partly, no, not_relevant, unanswered, material"
	           " FROM round_result WHERE round_id = ?1 ORDER BY position");
	db_bind_int(&q, 1, round_id);
	int n = 0, cap = 64;
	QuestionResult *r = xcalloc((size_t)cap, sizeof *r);
	while (db_step(&q)) {
		if (n == cap) {
			r = xrealloc(r, (size_t)(cap *= 2) * sizeof *r);
			memset(r + n, 0, (size_t)(cap - n) * sizeof *r);
		}
		QuestionResult *x = &r[n++];
		x->question_id = db_col_int(&q, 0);
		snprintf(x->code, sizeof x->code, "%s", db_col_text(&q, 1));
		x->text = xstrdup(db_col_text(&q, 2));
		x->section = xstrdup(db_col_text(&q, 3));
		snprintf(x->category, sizeof x->category, "%s", db_col_text(&q, 4));
		x->yes = db_col_int(&q, 5);
		x->partly = db_col_int(&q, 6);
		x->no = db_col_int(&q, 7);
		x->not_relevant = db_col_int(&q, 8);
		x->unanswered = db_col_int(&q, 9);
		x->material = db_col_int(&q, 10);
		question_finish(x);
	}
	db_finalize(&q);
	*out = r;
	return n;
}

/*
** Per question of the round (jdn and jn questions, in catalogue order), counted over the
** sampled cases: ja, delvist, nej; ikke relevant, also where the question's condition is not
** met; unanswered, also while its condition's question is unanswered (relevance.c); and
** nej/delvist with material significance. only, when not NULL, is a set of the round's
** sampled cases (advisor_cases): the counts are then over those only (one caseworker's cases). Three plain reads (questions, cases, answers) and the counting in C:
** a round of 50 cases × 60 questions is counted well under a millisecond. A purged round
** gives its kept counts; one caseworker's cases in it are gone, so their counts are zero.
*/
static int load(Db *db, int64_t round_id, const CaseSet *only, QuestionResult **out)
{
	if (!only && round_purged(db, round_id))
		return load_kept(db, round_id, out);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id, q.catalogue_id, q.code, q.text, q.category, sec.title, q.scale IN ('jdn', 'jn'),"
	           " q.scale FROM question q"
	           " JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " JOIN catalogue_section sec ON sec.id = q.section_id WHERE rc.round_id = ?1"
	           " ORDER BY rc.position, q.position");
	db_bind_int(&q, 1, round_id);
	int nq = 0, qcap = 64;
	LoadQ *qs = xcalloc((size_t)qcap, sizeof *qs);
	Relevance rel = {0};
	while (db_step(&q)) {
		if (nq == qcap) {
			qs = xrealloc(qs, (size_t)(qcap *= 2) * sizeof *qs);
			memset(qs + nq, 0, (size_t)(qcap - nq) * sizeof *qs);
		}
		LoadQ *x = &qs[nq++];
		x->id = db_col_int(&q, 0);
		x->catalogue_id = db_col_int(&q, 1);
		x->code = xstrdup(db_col_text(&q, 2));
		x->text = xstrdup(db_col_text(&q, 3));
		x->category = xstrdup(db_col_text(&q, 4));
		x->section = xstrdup(db_col_text(&q, 5));
		x->counted = (int)db_col_int(&q, 6);
		relevance_add(&rel, x->id, x->catalogue_id, x->code, db_col_text(&q, 7));
	}
	db_finalize(&q);
	relevance_conditions_load(db, &rel);

	/* The sampled cases, sorted by id: all of them, or the set given (sampled cases already). */
	int nc = 0, ccap = only ? only->n + 1 : 64;
	int64_t *cases = xcalloc((size_t)ccap, sizeof *cases);
	if (only) {
		for (nc = 0; nc < only->n; nc++)
			cases[nc] = only->ids[nc];
	} else {
		db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 AND status = 'udtrukket' ORDER BY case_id");
		db_bind_int(&q, 1, round_id);
		while (db_step(&q)) {
			if (nc == ccap)
				cases = xrealloc(cases, (size_t)(ccap *= 2) * sizeof *cases);
			cases[nc++] = db_col_int(&q, 0);
		}
		db_finalize(&q);
	}

	/* Question ids sorted, with their index, for finding an answer's question. */
	int64_t *qkey = xcalloc((size_t)(nq ? nq : 1) * 2, sizeof *qkey);
	for (int i = 0; i < nq; i++)
		qkey[2 * i] = qs[i].id, qkey[2 * i + 1] = i;
	qsort(qkey, (size_t)nq, 2 * sizeof *qkey, cmp_i64);
	int64_t *qids = xcalloc((size_t)(nq ? nq : 1), sizeof *qids);
	for (int i = 0; i < nq; i++)
		qids[i] = qkey[2 * i];

	/* The answers as a matrix: case × question, NULL where there is none. */
	size_t cells = (size_t)nc * (size_t)nq;
	char **val = xcalloc(cells ? cells : 1, sizeof *val);
	unsigned char *mat = xcalloc(cells ? cells : 1, 1);
	/* Answers given before the case became the reviewer's own are not counted (ident.c). */
	int64_t *aside;
	int naside = ident_answers_set_aside(db, round_id, &aside);
	db_prepare(&q, db, "SELECT case_id, question_id, value, material, updated_by FROM answer WHERE round_id = ?1");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q)) {
		int c = find_i64(cases, nc, db_col_int(&q, 0)), k = find_i64(qids, nq, db_col_int(&q, 1));
		if (c < 0 || k < 0 || db_col_is_null(&q, 2) ||
		    ident_answer_set_aside(aside, naside, db_col_int(&q, 0), db_col_int(&q, 4)))
			continue;
		size_t at = (size_t)c * (size_t)nq + (size_t)qkey[2 * k + 1];
		val[at] = xstrdup(db_col_text(&q, 2));
		mat[at] = db_col_int(&q, 3) == 1;
	}
	db_finalize(&q);
	free(aside);

	/* Per case, what each question counts with. */
	int *state = xcalloc(cells ? cells : 1, sizeof *state);
	for (int c = 0; c < nc; c++)
		relevance_decide(&rel, (const char *const *)&val[(size_t)c * (size_t)nq], &state[(size_t)c * (size_t)nq]);

	QuestionResult *r = xcalloc((size_t)(nq ? nq : 1), sizeof *r);
	int n = 0;
	for (int i = 0; i < nq; i++) {
		const LoadQ *lq = &qs[i];
		if (!lq->counted)
			continue;
		QuestionResult *x = &r[n++];
		x->question_id = lq->id;
		snprintf(x->code, sizeof x->code, "%s", lq->code);
		x->text = xstrdup(lq->text);
		snprintf(x->category, sizeof x->category, "%s", lq->category);
		x->section = xstrdup(lq->section);
		for (int c = 0; c < nc; c++) {
			size_t row = (size_t)c * (size_t)nq;
			const char *v = relevance_counted((const char *const *)&val[row], &state[row], i);
			if (str_eq(v, "ikke_relevant"))
				x->not_relevant++;
			else if (!v)
				x->unanswered++;
			else if (str_eq(v, "ja"))
				x->yes++;
			else if (str_eq(v, "delvist") || str_eq(v, "nej")) {
				if (*v == 'd')
					x->partly++;
				else
					x->no++;
				x->material += mat[(size_t)c * (size_t)nq + (size_t)i];
			}
		}
		question_finish(x);
	}

	for (size_t i = 0; i < cells; i++)
		free(val[i]);
	free(val);
	free(mat);
	free(state);
	relevance_free(&rel);
	free(qkey);
	free(qids);
	free(cases);
	for (int i = 0; i < nq; i++) {
		free(qs[i].code);
		free(qs[i].text);
		free(qs[i].category);
		free(qs[i].section);
	}
	free(qs);
	*out = r;
	return n;
}

/* The latest earlier round of the same department and kind that has (or had, before retention
** deleted them) answers, or 0. */
int64_t results_previous_round(Db *db, const Round *r)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT o.id FROM round o WHERE o.department_id = ?1 AND o.kind = ?2 AND o.id <> ?3"
	           " AND (EXISTS (SELECT 1 FROM answer a WHERE a.round_id = o.id)"
	           "  OR EXISTS (SELECT 1 FROM round_purge p WHERE p.round_id = o.id AND p.had_answers <> 0))"
	           " AND (coalesce(o.planned_start, substr(o.created_at, 1, 10)), o.id)"
	           "  < (coalesce(?4, substr(?5, 1, 10)), ?3)"
	           " ORDER BY coalesce(o.planned_start, substr(o.created_at, 1, 10)) DESC, o.id DESC LIMIT 1");
	db_bind_int(&q, 1, r->department_id);
	db_bind_text(&q, 2, r->kind);
	db_bind_int(&q, 3, r->id);
	db_bind_text(&q, 4, *r->planned_start ? r->planned_start : NULL);
	db_bind_text(&q, 5, r->created_at);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

/* Fills each question's comparison with the previous round's result for the same code. */
static void compare(QuestionResult *x, int n, const QuestionResult *p, int np, int64_t prev)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < np; k++) {
			const QuestionResult *y = &p[k];
			if (strcmp(x[i].code, y->code) != 0 || !y->has_fulfilled || !x[i].has_fulfilled)
				continue;
			x[i].prev_round = prev;
			x[i].prev_fulfilled = y->fulfilled;
			x[i].prev_yes = y->yes;
			x[i].prev_base = y->yes + y->partly + y->no;
			stats_newcombe(x[i].yes, x[i].yes + x[i].partly + x[i].no, y->yes, x[i].prev_base, &x[i].diff,
			               &x[i].diff_low, &x[i].diff_high);
			break;
		}
	}
}

/*
** The round's sampled cases whose caseworker (cases.advisor) is the person named, matched as
** ident_same_person does, or (user_id not 0) whose caseworker surely is that user by the
** stable key (ident_owns: aliases, a display name only when no one else has it), as a set
** of case ids sorted by id (empty when none); NULL for no filter. Free with case_set_free.
*/
static CaseSet *advisor_cases(Db *db, int64_t round_id, const char *advisor, int64_t department_id, int64_t user_id)
{
	if (!advisor && !user_id)
		return NULL;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.id, c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY c.id");
	db_bind_int(&q, 1, round_id);
	CaseSet *set = xcalloc(1, sizeof *set);
	int cap = 0;
	while (db_step(&q))
		if (user_id ? ident_owns(db, department_id, db_col_text(&q, 1), user_id)
		            : ident_same_person(db_col_text(&q, 1), advisor)) {
			if (set->n == cap)
				set->ids = xrealloc(set->ids, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *set->ids);
			set->ids[set->n++] = db_col_int(&q, 0);
		}
	db_finalize(&q);
	return set;
}

static void case_set_free(CaseSet *set)
{
	if (set)
		free(set->ids);
	free(set);
}

static int round_filtered(Db *db, const Round *r, const char *advisor, int64_t user_id, QuestionResult **out)
{
	CaseSet *only = advisor_cases(db, r->id, advisor, r->department_id, user_id);
	int n = load(db, r->id, only, out);
	case_set_free(only);
	int64_t prev = results_previous_round(db, r);
	if (!prev)
		return n;
	QuestionResult *p;
	only = advisor_cases(db, prev, advisor, r->department_id, user_id);
	int np = load(db, prev, only, &p);
	case_set_free(only);
	compare(*out, n, p, np, prev);
	results_free(p, np);
	return n;
}

int results_round_advisor(Db *db, const Round *r, const char *advisor, QuestionResult **out)
{
	return round_filtered(db, r, advisor, 0, out);
}

/* The user's own cases, by the stable key (ident.c): what individual feedback shows. */
int results_round_own(Db *db, const Round *r, int64_t user_id, QuestionResult **out)
{
	return round_filtered(db, r, NULL, user_id ? user_id : -1, out);
}

int results_round(Db *db, const Round *r, QuestionResult **out)
{
	return results_round_advisor(db, r, NULL, out);
}

void results_free(QuestionResult *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].text);
		free(r[i].section);
	}
	free(r);
}

char *results_json(const Round *r, const QuestionResult *x, int n)
{
	json_t *root = json_object(), *qs = json_array();
	json_object_set_new(root, "round", json_integer(r->id));
	for (int i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(x[i].code));
		json_object_set_new(o, "text", json_string(x[i].text));
		json_object_set_new(o, "section", json_string(x[i].section));
		json_object_set_new(o, "category", json_string(x[i].category));
		json_object_set_new(o, "yes", json_integer(x[i].yes));
		json_object_set_new(o, "partly", json_integer(x[i].partly));
		json_object_set_new(o, "no", json_integer(x[i].no));
		json_object_set_new(o, "not_relevant", json_integer(x[i].not_relevant));
		json_object_set_new(o, "unanswered", json_integer(x[i].unanswered));
		json_object_set_new(o, "material", json_integer(x[i].material));
		json_object_set_new(o, "fulfilled", x[i].has_fulfilled ? json_real(x[i].fulfilled) : json_null());
		json_object_set_new(o, "ci_low", x[i].has_fulfilled ? json_real(x[i].ci_low) : json_null());
		json_object_set_new(o, "ci_high", x[i].has_fulfilled ? json_real(x[i].ci_high) : json_null());
		json_object_set_new(o, "at_least_partly", x[i].has_fulfilled ? json_real(x[i].partly_ok) : json_null());
		json_object_set_new(o, "at_least_partly_low", x[i].has_fulfilled ? json_real(x[i].partly_low) : json_null());
		json_object_set_new(o, "at_least_partly_high", x[i].has_fulfilled ? json_real(x[i].partly_high) : json_null());
		if (x[i].prev_round) {
			json_t *p = json_object();
			json_object_set_new(p, "round", json_integer(x[i].prev_round));
			json_object_set_new(p, "fulfilled", json_real(x[i].prev_fulfilled));
			json_object_set_new(p, "diff", json_real(x[i].diff));
			json_object_set_new(p, "diff_low", json_real(x[i].diff_low));
			json_object_set_new(p, "diff_high", json_real(x[i].diff_high));
			json_object_set_new(p, "verdict", json_string(stats_verdict(x[i].diff_low, x[i].diff_high)));
			json_object_set_new(o, "previous", p);
		} else {
			json_object_set_new(o, "previous", json_null());
		}
		json_array_append_new(qs, o);
	}
	json_object_set_new(root, "questions", qs);
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}

/* ---- aggregates: per section, per category and for the whole round ---- */

const char *const result_categories[RESULT_CATEGORIES] = {"forvaltningsret", "retssikkerhed", "socialfaglig"};

const char *results_category_title(const char *code)
{
	if (str_eq(code, "forvaltningsret"))
		return _("Forvaltningsret");
	if (str_eq(code, "retssikkerhed"))
		return _("Retssikkerhed");
	if (str_eq(code, "socialfaglig"))
		return _("Socialfaglig kvalitet");
	return code;
}

int results_category_index(const char *code)
{
	for (int i = 0; i < RESULT_CATEGORIES; i++)
		if (str_eq(code, result_categories[i]))
			return i;
	return -1;
}

static void group_add(ResultGroup *g, const QuestionResult *x)
{
	g->nquestions++;
	g->yes += x->yes;
	g->partly += x->partly;
	g->no += x->no;
	g->not_relevant += x->not_relevant;
	g->unanswered += x->unanswered;
	g->material += x->material;
	if (x->prev_round) {
		g->prev_round = x->prev_round;
		g->now_yes += x->yes;
		g->now_base += x->yes + x->partly + x->no;
		g->prev_yes += x->prev_yes;
		g->prev_base += x->prev_base;
	}
}

/* The pooled shares and intervals of a group whose counts are summed. */
static void group_finish(ResultGroup *g)
{
	int64_t base = g->yes + g->partly + g->no;
	g->has_fulfilled = base > 0;
	g->fulfilled = base ? (double)g->yes / (double)base : 0;
	stats_wilson(g->yes, base, &g->ci_low, &g->ci_high);
	g->partly_ok = base ? (double)(g->yes + g->partly) / (double)base : 0;
	stats_wilson(g->yes + g->partly, base, &g->partly_low, &g->partly_high);
	if (g->prev_round && g->now_base > 0 && g->prev_base > 0) {
		g->prev_fulfilled = (double)g->prev_yes / (double)g->prev_base;
		stats_newcombe(g->now_yes, g->now_base, g->prev_yes, g->prev_base, &g->diff, &g->diff_low, &g->diff_high);
	} else {
		g->prev_round = 0;
	}
}

static void cases_progress(Db *db, int64_t round_id, const CaseSet *only, RoundResults *rr)
{
	Stmt q;
	if (!only && round_purged(db, round_id)) {
		db_prepare(&q, db, "SELECT sampled, finished, with_answers FROM round_purge WHERE round_id = ?1");
		db_bind_int(&q, 1, round_id);
		if (db_step(&q)) {
			rr->sampled = db_col_int(&q, 0);
			rr->finished = db_col_int(&q, 1);
			rr->with_answers = db_col_int(&q, 2);
		}
		db_finalize(&q);
		return;
	}
	/* Per sampled case, counted here: all of them, or those of the set. */
	db_prepare(&q, db,
	           "SELECT rc.case_id, CASE WHEN rc.review_status = 'faerdig' THEN 1 ELSE 0 END,"
	           " CASE WHEN EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id AND a.case_id = rc.case_id"
	           "  AND a.value IS NOT NULL AND a.value <> '') THEN 1 ELSE 0 END"
	           " FROM round_case rc WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q)) {
		if (only && find_i64(only->ids, only->n, db_col_int(&q, 0)) < 0)
			continue;
		rr->sampled++;
		rr->finished += db_col_int(&q, 1);
		rr->with_answers += db_col_int(&q, 2);
	}
	db_finalize(&q);
}

/*
** Everything the results page shows for a round, or for one caseworker's cases in it
** (advisor not NULL): per question as results_round_advisor, and the pooled groups.
** A group's "fulfilled" pools every answer of its questions; its change is computed over
** the questions asked in both rounds only, so that a new or dropped question does not pass
** for a change. Free with results_release.
*/
static int compute(Db *db, const Round *r, const char *advisor, int64_t user_id, RoundResults *rr)
{
	memset(rr, 0, sizeof *rr);
	rr->round_id = r->id;
	rr->nq = round_filtered(db, r, advisor, user_id, &rr->q);
	CaseSet *only = advisor_cases(db, r->id, advisor, r->department_id, user_id);
	cases_progress(db, r->id, only, rr);
	case_set_free(only);
	rr->sections = xcalloc((size_t)(rr->nq ? rr->nq : 1), sizeof *rr->sections);
	snprintf(rr->total.name, sizeof rr->total.name, "%s", "");
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		snprintf(rr->categories[c].name, sizeof rr->categories[c].name, "%s", result_categories[c]);
	for (int i = 0; i < rr->nq; i++) {
		const QuestionResult *x = &rr->q[i];
		if (x->prev_round)
			rr->prev_round = x->prev_round;
		group_add(&rr->total, x);
		int c = results_category_index(x->category);
		if (c >= 0)
			group_add(&rr->categories[c], x);
		/* Sections in the order they come; questions of one section are consecutive. */
		if (rr->nsections == 0 || !str_eq(rr->sections[rr->nsections - 1].name, x->section))
			snprintf(rr->sections[rr->nsections++].name, sizeof rr->sections->name, "%s", x->section);
		group_add(&rr->sections[rr->nsections - 1], x);
	}
	if (!rr->prev_round)
		rr->prev_round = results_previous_round(db, r);
	group_finish(&rr->total);
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		group_finish(&rr->categories[c]);
	for (int s = 0; s < rr->nsections; s++)
		group_finish(&rr->sections[s]);
	return rr->nq;
}

int results_compute(Db *db, const Round *r, const char *advisor, RoundResults *rr)
{
	return compute(db, r, advisor, 0, rr);
}

/* The user's own cases by the stable key (ident.c), for "Dine resultater". */
int results_compute_own(Db *db, const Round *r, int64_t user_id, RoundResults *rr)
{
	return compute(db, r, NULL, user_id ? user_id : -1, rr);
}

void results_release(RoundResults *rr)
{
	results_free(rr->q, rr->nq);
	free(rr->sections);
	memset(rr, 0, sizeof *rr);
}

/*
** Before retention deletes a round's case data: stores its per-question counts (round_result)
** and hands back the progress figures and whether it had answers, which the caller keeps in
** round_purge. From then on, with round.purged_at set, load() and cases_progress() read
** these. Runs in the caller's transaction; 0, or -1 when a row could not be written.
*/
int results_keep(Db *db, int64_t round_id, ResultsKept *out)
{
	memset(out, 0, sizeof *out);
	QuestionResult *x;
	int n = load(db, round_id, NULL, &x);
	Stmt q;
	int rc = DB_OK;
	for (int i = 0; i < n && rc == DB_OK; i++) {
		db_prepare(&q, db,
		           "INSERT INTO round_result (round_id, position, question_id, code, text, section, category, yes, partly,"
		           " no, not_relevant, unanswered, material) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
		db_bind_int(&q, 1, round_id);
		db_bind_int(&q, 2, i + 1);
		db_bind_int(&q, 3, x[i].question_id);
		db_bind_text(&q, 4, x[i].code);
		db_bind_text(&q, 5, x[i].text);
		db_bind_text(&q, 6, x[i].section);
		db_bind_text(&q, 7, x[i].category);
		db_bind_int(&q, 8, x[i].yes);
		db_bind_int(&q, 9, x[i].partly);
		db_bind_int(&q, 10, x[i].no);
		db_bind_int(&q, 11, x[i].not_relevant);
		db_bind_int(&q, 12, x[i].unanswered);
		db_bind_int(&q, 13, x[i].material);
		rc = db_done(&q);
		db_finalize(&q);
	}
	results_free(x, n);
	RoundResults rr = {0};
	cases_progress(db, round_id, NULL, &rr);
	out->questions = n;
	out->sampled = rr.sampled;
	out->finished = rr.finished;
	out->with_answers = rr.with_answers;
	db_prepare(&q, db, "SELECT EXISTS (SELECT 1 FROM answer WHERE round_id = ?1)");
	db_bind_int(&q, 1, round_id);
	out->had_answers = db_step(&q) && db_col_int(&q, 0);
	db_finalize(&q);
	return rc == DB_OK ? 0 : -1;
}

/* The caseworkers (cases.advisor) of the round's sampled cases, sorted, each person once (as
** ident_same_person compares); free with results_names_free. */
int results_advisors(Db *db, int64_t round_id, char ***names)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT DISTINCT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY c.advisor");
	db_bind_int(&q, 1, round_id);
	int n = 0, cap = 16;
	char **out = xcalloc((size_t)cap, sizeof *out);
	while (db_step(&q)) {
		/* One entry per person: "Anna Andersen" and "anna  andersen" are the same caseworker. */
		int seen = 0;
		for (int i = 0; i < n && !seen; i++)
			seen = ident_same_person(out[i], db_col_text(&q, 0));
		if (seen)
			continue;
		if (n == cap)
			out = xrealloc(out, (size_t)(cap *= 2) * sizeof *out);
		out[n++] = xstrdup(db_col_text(&q, 0));
	}
	db_finalize(&q);
	*names = out;
	return n;
}

void results_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- suggested strengths and challenges ---- */

/*
** The questions with at least min_answers answers of ja / delvist / nej, best fulfilled
** first (ties: the higher lower bound, then fewer with material significance, then code).
** order must hold n ints; returns how many it holds.
*/
int results_rank(const QuestionResult *x, int n, int64_t min_answers, int *order)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		if (x[i].has_fulfilled && x[i].yes + x[i].partly + x[i].no >= min_answers)
			order[m++] = i;
	/* Insertion sort: reentrant, stable, and a catalogue has at most a few hundred questions. */
	for (int i = 1; i < m; i++) {
		int v = order[i], j = i;
		while (j > 0) {
			const QuestionResult *p = &x[order[j - 1]], *c = &x[v];
			int before = p->fulfilled != c->fulfilled ? p->fulfilled > c->fulfilled
			             : p->ci_low != c->ci_low     ? p->ci_low > c->ci_low
			             : p->material != c->material ? p->material < c->material
			                                          : strcmp(p->code, c->code) < 0;
			if (before)
				break;
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	return m;
}

/*
** Splits a ranking of m questions into suggested strengths (the first *ns) and challenges
** (the last *nc, worst first when read from the end), at most k each, never overlapping.
*/
void results_split(int m, int k, int *ns, int *nc)
{
	*ns = m < 2 * k ? (m + 1) / 2 : k;
	*nc = m - *ns < k ? m - *ns : k;
}

/* ---- trends: every round of a department over time ---- */

static TrendCell cell_of(int64_t yes, int64_t base)
{
	TrendCell c = {.has = base > 0, .yes = yes, .base = base};
	c.fulfilled = base ? (double)yes / (double)base : 0;
	stats_wilson(yes, base, &c.ci_low, &c.ci_high);
	return c;
}

/*
** Every round of the department that has (or had) answers (of this kind, when kind is not NULL),
** oldest first by planned start, else creation; per question code, per category and for
** the whole round: "opfyldt" with its interval. Free with results_trends_free.
*/
int results_trends(Db *db, int64_t department_id, const char *kind, Trends *t)
{
	memset(t, 0, sizeof *t);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT o.id, o.title, o.kind, coalesce(o.planned_start, substr(o.created_at, 1, 10)) AS d"
	           " FROM round o WHERE o.department_id = ?1 AND (?2 IS NULL OR o.kind = ?2)"
	           " AND (EXISTS (SELECT 1 FROM answer a WHERE a.round_id = o.id)"
	           "  OR EXISTS (SELECT 1 FROM round_purge p WHERE p.round_id = o.id AND p.had_answers <> 0)) ORDER BY d, o.id");
	db_bind_int(&q, 1, department_id);
	db_bind_text(&q, 2, kind);
	int cap = 8;
	t->rounds = xcalloc((size_t)cap, sizeof *t->rounds);
	while (db_step(&q)) {
		if (t->nrounds == cap)
			t->rounds = xrealloc(t->rounds, (size_t)(cap *= 2) * sizeof *t->rounds);
		TrendRound *x = &t->rounds[t->nrounds++];
		memset(x, 0, sizeof *x);
		x->id = db_col_int(&q, 0);
		snprintf(x->title, sizeof x->title, "%s", db_col_text(&q, 1));
		snprintf(x->kind, sizeof x->kind, "%s", db_col_text(&q, 2));
		snprintf(x->date, sizeof x->date, "%s", db_col_text(&q, 3));
	}
	db_finalize(&q);

	QuestionResult **per = xcalloc((size_t)(t->nrounds ? t->nrounds : 1), sizeof *per);
	int *nper = xcalloc((size_t)(t->nrounds ? t->nrounds : 1), sizeof *nper);
	int qcap = 16;
	t->questions = xcalloc((size_t)qcap, sizeof *t->questions);
	for (int k = 0; k < t->nrounds; k++) {
		nper[k] = load(db, t->rounds[k].id, NULL, &per[k]);
		for (int i = 0; i < nper[k]; i++) {
			const QuestionResult *x = &per[k][i];
			int found = -1;
			for (int j = 0; j < t->nquestions && found < 0; j++)
				if (str_eq(t->questions[j].code, x->code))
					found = j;
			if (found < 0) {
				if (t->nquestions == qcap)
					t->questions = xrealloc(t->questions, (size_t)(qcap *= 2) * sizeof *t->questions);
				found = t->nquestions++;
				memset(&t->questions[found], 0, sizeof t->questions[found]);
				snprintf(t->questions[found].code, sizeof t->questions[found].code, "%s", x->code);
			}
			TrendQuestion *tq = &t->questions[found];
			free(tq->text); /* the newest wording */
			tq->text = xstrdup(x->text);
			snprintf(tq->category, sizeof tq->category, "%s", x->category);
		}
	}
	size_t nr = (size_t)(t->nrounds ? t->nrounds : 1), nq = (size_t)(t->nquestions ? t->nquestions : 1);
	t->cells = xcalloc(nr * nq, sizeof *t->cells);
	t->categories = xcalloc(nr * RESULT_CATEGORIES, sizeof *t->categories);
	t->total = xcalloc(nr, sizeof *t->total);
	for (int k = 0; k < t->nrounds; k++) {
		int64_t cy[RESULT_CATEGORIES] = {0}, cb[RESULT_CATEGORIES] = {0}, ty = 0, tb = 0;
		for (int i = 0; i < nper[k]; i++) {
			const QuestionResult *x = &per[k][i];
			int64_t base = x->yes + x->partly + x->no;
			for (int j = 0; j < t->nquestions; j++)
				if (str_eq(t->questions[j].code, x->code)) {
					t->cells[(size_t)k * nq + (size_t)j] = cell_of(x->yes, base);
					break;
				}
			int c = results_category_index(x->category);
			if (c >= 0)
				cy[c] += x->yes, cb[c] += base;
			ty += x->yes, tb += base;
		}
		for (int c = 0; c < RESULT_CATEGORIES; c++)
			t->categories[(size_t)k * RESULT_CATEGORIES + (size_t)c] = cell_of(cy[c], cb[c]);
		t->total[k] = cell_of(ty, tb);
		results_free(per[k], nper[k]);
	}
	free(per);
	free(nper);
	return t->nrounds;
}

void results_trends_free(Trends *t)
{
	for (int j = 0; j < t->nquestions; j++)
		free(t->questions[j].text);
	free(t->questions);
	free(t->rounds);
	free(t->cells);
	free(t->categories);
	free(t->total);
	memset(t, 0, sizeof *t);
}
