/*
** Results of a round: per question, the counts of ja / delvist / nej / ikke relevant /
** unanswered over the sampled cases, "opfyldt" = ja / (ja + delvist + nej) with its
** Wilson interval, and the change against the previous comparable round (same department
** and kind, matched by question code) with Newcombe's interval. A question whose
** condition is not met for a case counts as not relevant for that case.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(sqlite3 *db, int64_t round_id, QuestionResult **out)
{
	Stmt q;
	db_prepare(&q, db,
	           "WITH cs AS (SELECT case_id FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'),"
	           " qs AS (SELECT q.*, rc.position AS cpos FROM question q JOIN round_catalogue rc"
	           "  ON rc.catalogue_id = q.catalogue_id WHERE rc.round_id = ?1 AND q.scale IN ('jdn', 'jn')),"
	           " cell AS (SELECT qs.id AS qid, a.value AS value, coalesce(a.material, 0) AS material,"
	           "  (qs.cond_question IS NULL OR EXISTS (SELECT 1 FROM question pq JOIN answer pa ON pa.question_id = pq.id"
	           "   AND pa.round_id = ?1 AND pa.case_id = cs.case_id WHERE pq.catalogue_id = qs.catalogue_id"
	           "   AND pq.code = qs.cond_question AND pa.value IN (SELECT value FROM json_each(qs.cond_answers)))) AS rel"
	           "  FROM qs CROSS JOIN cs LEFT JOIN answer a ON a.round_id = ?1 AND a.case_id = cs.case_id"
	           "  AND a.question_id = qs.id)"
	           " SELECT qs.id, qs.code, qs.text, qs.category, sec.title,"
	           "  coalesce(sum(rel AND value = 'ja'), 0), coalesce(sum(rel AND value = 'delvist'), 0),"
	           "  coalesce(sum(rel AND value = 'nej'), 0), coalesce(sum(NOT rel OR value = 'ikke_relevant'), 0),"
	           "  coalesce(sum(rel AND (value IS NULL OR value = '')), 0),"
	           "  coalesce(sum(rel AND value IN ('nej', 'delvist') AND material = 1), 0)"
	           " FROM qs JOIN catalogue_section sec ON sec.id = qs.section_id LEFT JOIN cell ON cell.qid = qs.id"
	           " GROUP BY qs.id ORDER BY qs.cpos, qs.position");
	db_bind_int(&q, 1, round_id);
	int n = 0, cap = 64;
	QuestionResult *r = xcalloc((size_t)cap, sizeof *r);
	while (db_step(&q)) {
		if (n == cap)
			r = xrealloc(r, (size_t)(cap *= 2) * sizeof *r);
		QuestionResult *x = &r[n++];
		memset(x, 0, sizeof *x);
		x->question_id = db_col_int(&q, 0);
		snprintf(x->code, sizeof x->code, "%s", db_col_text(&q, 1));
		x->text = xstrdup(db_col_text(&q, 2));
		snprintf(x->category, sizeof x->category, "%s", db_col_text(&q, 3));
		x->section = xstrdup(db_col_text(&q, 4));
		x->yes = db_col_int(&q, 5);
		x->partly = db_col_int(&q, 6);
		x->no = db_col_int(&q, 7);
		x->not_relevant = db_col_int(&q, 8);
		x->unanswered = db_col_int(&q, 9);
		x->material = db_col_int(&q, 10);
		int64_t base = x->yes + x->partly + x->no;
		x->has_fulfilled = base > 0;
		x->fulfilled = base ? (double)x->yes / (double)base : 0;
		stats_wilson(x->yes, base, &x->ci_low, &x->ci_high);
	}
	db_finalize(&q);
	*out = r;
	return n;
}

/* The latest earlier round of the same department and kind that has answers, or 0. */
int64_t results_previous_round(sqlite3 *db, const Round *r)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT o.id FROM round o WHERE o.department_id = ?1 AND o.kind = ?2 AND o.id <> ?3"
	           " AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = o.id)"
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

int results_round(sqlite3 *db, const Round *r, QuestionResult **out)
{
	int n = load(db, r->id, out);
	int64_t prev = results_previous_round(db, r);
	if (!prev)
		return n;
	QuestionResult *p;
	int np = load(db, prev, &p);
	for (int i = 0; i < n; i++) {
		QuestionResult *x = &(*out)[i];
		for (int k = 0; k < np; k++) {
			QuestionResult *y = &p[k];
			if (strcmp(x->code, y->code) != 0 || !y->has_fulfilled || !x->has_fulfilled)
				continue;
			x->prev_round = prev;
			x->prev_fulfilled = y->fulfilled;
			stats_newcombe(x->yes, x->yes + x->partly + x->no, y->yes, y->yes + y->partly + y->no, &x->diff,
			               &x->diff_low, &x->diff_high);
			break;
		}
	}
	results_free(p, np);
	return n;
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
