/*
** Whether a question counts for a case: the one rule for conditions, used by every count,
** page, sheet and report. A question may name a gate (another question of its catalogue)
** and the gate's answers that make it asked. For one case, from that case's answers:
**   - no condition: asked; it counts with its own answer, or as unanswered;
**   - the gate is asked and answered with one of the condition's answers: asked;
**   - the gate is asked and answered otherwise: ikke relevant, whatever is stored;
**   - the gate is unanswered, or itself not yet known: unknown, i.e. unanswered
**     (never ikke relevant: nobody has said so yet);
**   - the gate is itself ikke relevant (its own gate not met): ikke relevant.
** So a chain is followed to its top. The conditions are read from question_condition, the
** rows catalogue_publish writes for a published version. static/review.js implements the same rule for the
** review page; tests/e2e/review_conditions.test.mjs checks that the two agree.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A question of the round, without its condition (relevance_condition_add adds that). */
void relevance_add(Relevance *rel, int64_t id, int64_t catalogue_id, const char *code, const char *scale)
{
	if (rel->n == rel->cap)
		rel->q = xrealloc(rel->q, (size_t)(rel->cap = rel->cap ? rel->cap * 2 : 64) * sizeof *rel->q);
	RelevanceQuestion *x = &rel->q[rel->n++];
	memset(x, 0, sizeof *x);
	x->id = id;
	x->catalogue_id = catalogue_id;
	x->code = xstrdup(code ? code : "");
	x->scale = xstrdup(scale ? scale : "");
	x->gate = -1;
}

/* One row of question_condition: question_id is asked when gate_id has the answer. A question
** has one gate (catalogue_publish writes them so); a row naming another is ignored. */
void relevance_condition_add(Relevance *rel, int64_t question_id, int64_t gate_id, const char *answer)
{
	int i = relevance_index(rel, question_id);
	if (i < 0 || !answer)
		return;
	RelevanceQuestion *x = &rel->q[i];
	if (x->gate_id && x->gate_id != gate_id)
		return;
	x->gate_id = gate_id;
	if (relevance_allows(x, answer))
		return;
	if (x->nallowed == x->allowed_cap)
		x->allowed = xrealloc(x->allowed, (size_t)(x->allowed_cap = x->allowed_cap ? x->allowed_cap * 2 : 4) *
		                                      sizeof *x->allowed);
	x->allowed[x->nallowed++] = xstrdup(answer);
}

/* Each question's gate as an index: the question gate_id names, in the same catalogue version. */
void relevance_resolve(Relevance *rel)
{
	for (int i = 0; i < rel->n; i++) {
		RelevanceQuestion *x = &rel->q[i];
		x->gate = -1;
		for (int j = 0; x->gate_id && j < rel->n && x->gate < 0; j++)
			if (j != i && rel->q[j].id == x->gate_id && rel->q[j].catalogue_id == x->catalogue_id)
				x->gate = j;
	}
}

/* The conditions of the questions in rel, from question_condition (one read per catalogue
** version), resolved to the gate's index. */
void relevance_conditions_load(Db *db, Relevance *rel)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.question_id, c.gate_id, c.answer FROM question_condition c JOIN question x ON x.id = c.question_id"
	           " WHERE x.catalogue_id = ?1 ORDER BY c.question_id, c.position");
	for (int i = 0; i < rel->n; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = rel->q[j].catalogue_id == rel->q[i].catalogue_id;
		if (seen)
			continue;
		db_reset(&q);
		db_bind_int(&q, 1, rel->q[i].catalogue_id);
		while (db_step(&q))
			relevance_condition_add(rel, db_col_int(&q, 0), db_col_int(&q, 1), db_col_text(&q, 2));
	}
	db_finalize(&q);
	relevance_resolve(rel);
}

/*
** The questions of the round's catalogues in review order (catalogue, section, question),
** with their conditions resolved to the gate's index. Free with relevance_free.
*/
void relevance_load(Db *db, int64_t round_id, Relevance *rel)
{
	memset(rel, 0, sizeof *rel);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id, q.catalogue_id, q.code, q.scale FROM round_catalogue rk"
	           " JOIN question q ON q.catalogue_id = rk.catalogue_id JOIN catalogue_section s ON s.id = q.section_id"
	           " WHERE rk.round_id = ?1 ORDER BY rk.position, s.position, q.position");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q))
		relevance_add(rel, db_col_int(&q, 0), db_col_int(&q, 1), db_col_text(&q, 2), db_col_text(&q, 3));
	db_finalize(&q);
	relevance_conditions_load(db, rel);
}

void relevance_free(Relevance *rel)
{
	for (int i = 0; i < rel->n; i++) {
		RelevanceQuestion *x = &rel->q[i];
		free(x->code);
		free(x->scale);
		for (int k = 0; k < x->nallowed; k++)
			free(x->allowed[k]);
		free(x->allowed);
	}
	free(rel->q);
	memset(rel, 0, sizeof *rel);
}

int relevance_index(const Relevance *rel, int64_t question_id)
{
	for (int i = 0; i < rel->n; i++)
		if (rel->q[i].id == question_id)
			return i;
	return -1;
}

int relevance_allows(const RelevanceQuestion *x, const char *value)
{
	for (int k = 0; value && k < x->nallowed; k++)
		if (str_eq(x->allowed[k], value))
			return 1;
	return 0;
}

static int answered(const char *v)
{
	return v && *v;
}

/* The state of question i, memoised in out (-1: not decided; -2: being decided, a cycle). */
static int decide(const Relevance *rel, const char *const *values, int *out, int i)
{
	if (out[i] >= 0)
		return out[i];
	const RelevanceQuestion *x = &rel->q[i];
	/* No condition, or one whose gate is not in the round (a published catalogue always has it),
	** or a cycle (refused when a catalogue is published): asked, so nothing is silently dropped. */
	if (x->gate < 0 || out[i] == -2)
		return out[i] = RELEVANCE_ASKED;
	out[i] = -2;
	int g = decide(rel, values, out, x->gate);
	if (g == RELEVANCE_NOT_RELEVANT)
		return out[i] = RELEVANCE_NOT_RELEVANT;
	if (g == RELEVANCE_UNKNOWN || !answered(values[x->gate]))
		return out[i] = RELEVANCE_UNKNOWN;
	return out[i] = relevance_allows(x, values[x->gate]) ? RELEVANCE_ASKED : RELEVANCE_NOT_RELEVANT;
}

/* values[i]: question i's stored answer for the case (NULL or "" when none); out[i] gets its state. */
void relevance_decide(const Relevance *rel, const char *const *values, int *out)
{
	for (int i = 0; i < rel->n; i++)
		out[i] = -1;
	for (int i = 0; i < rel->n; i++)
		decide(rel, values, out, i);
}

/* The answer question i counts with: its own (asked), "ikke_relevant" (not relevant), or NULL
** (unanswered: no answer, or its gate not yet answered). */
const char *relevance_counted(const char *const *values, const int *states, int i)
{
	if (states[i] == RELEVANCE_NOT_RELEVANT)
		return "ikke_relevant";
	if (states[i] == RELEVANCE_UNKNOWN || !answered(values[i]))
		return NULL;
	return values[i];
}

/*
** How far a case's review has come: *asked is the number of questions to answer (not free
** text, and not ikke relevant by a condition: a question whose gate is unanswered is still to
** answer), *done how many of them count with an answer. The færdig check and "x af y besvaret"
** both use this; missing = *asked - *done.
*/
void relevance_progress(const Relevance *rel, const char *const *values, const int *states, int *done, int *asked)
{
	*done = *asked = 0;
	for (int i = 0; i < rel->n; i++) {
		if (str_eq(rel->q[i].scale, "text") || states[i] == RELEVANCE_NOT_RELEVANT)
			continue;
		(*asked)++;
		*done += relevance_counted(values, states, i) != NULL;
	}
}

/*
** Why question i does not count, in Danish for a message, e.g. "OV-AFG-1 er »Fuld bevilling«"
** or "OV-AFG-1 ikke er besvaret": the question up the chain that decides it. Empty when it counts.
*/
void relevance_reason(const Relevance *rel, const char *const *values, const int *states, int i, char *out, size_t n)
{
	*out = 0;
	int at = i;
	if (states[i] == RELEVANCE_ASKED)
		return;
	/* Up the chain to the first gate that is asked: its answer (or lack of one) decides. */
	for (int guard = 0; guard <= rel->n; guard++) {
		int g = rel->q[at].gate;
		if (g < 0)
			return;
		if (states[g] == RELEVANCE_ASKED) {
			if (answered(values[g]))
				snprintf(out, n, _("%s er »%s«"), rel->q[g].code, answer_value_title(values[g]));
			else
				snprintf(out, n, _("%s ikke er besvaret"), rel->q[g].code);
			return;
		}
		at = g;
	}
}

/*
** A case's answers as values for relevance_decide: one string per question (NULL when none).
** second: the second review's answers (calibration_answer) instead of the review's. Free with
** relevance_values_free.
*/
char **relevance_case_values(Db *db, const Relevance *rel, int64_t round_id, int64_t case_id, int second)
{
	char **v = xcalloc((size_t)(rel->n ? rel->n : 1), sizeof *v);
	Stmt q;
	if (second)
		db_prepare(&q, db, "SELECT question_id, value FROM calibration_answer WHERE round_id = ?1 AND case_id = ?2");
	else
		db_prepare(&q, db, "SELECT question_id, value FROM answer WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	while (db_step(&q)) {
		int i = relevance_index(rel, db_col_int(&q, 0));
		if (i >= 0 && !db_col_is_null(&q, 1)) {
			free(v[i]);
			v[i] = xstrdup(db_col_text(&q, 1));
		}
	}
	db_finalize(&q);
	return v;
}

void relevance_values_free(char **values, int n)
{
	for (int i = 0; values && i < n; i++)
		free(values[i]);
	free(values);
}

/* The questions of one case still to answer before it can be marked færdig (see
** relevance_progress), from the review's (second = 0) or the second review's answers.
** Returns the count. */
int relevance_missing(Db *db, int64_t round_id, int64_t case_id, int second, int *done, int *asked)
{
	Relevance rel;
	relevance_load(db, round_id, &rel);
	char **v = relevance_case_values(db, &rel, round_id, case_id, second);
	int *st = xcalloc((size_t)(rel.n ? rel.n : 1), sizeof *st);
	relevance_decide(&rel, (const char *const *)v, st);
	int d, a;
	relevance_progress(&rel, (const char *const *)v, st, &d, &a);
	if (done)
		*done = d;
	if (asked)
		*asked = a;
	free(st);
	relevance_values_free(v, rel.n);
	relevance_free(&rel);
	return a - d;
}
