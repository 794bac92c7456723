/*
** The questionnaire of one case, written once for the review (page_review.c) and the
** calibration's second review (page_calibration.c): a round's questions with the case's
** stored answers (the review's, or the second review's with the first beside them), whether
** each is asked (relevance.c's rule), the answer a person sent for a question read from the
** form, and the questions as fieldsets grouped by catalogue and section. The review page is
** "live" (static/review.js saves as you go: its fieldsets carry the data the script needs, the
** revision and fingerprint of what they show, and a two-tab conflict); the second review is a
** plain form.
*/
#include "http.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A review's status in words, and as a tag (html_tag). */
const char *questionnaire_status_title(const char *s)
{
	if (str_eq(s, "faerdig"))
		return _("færdig");
	if (str_eq(s, "i_gang"))
		return _("i gang");
	return _("ikke startet");
}

void questionnaire_status_tag(Buf *b, const char *s)
{
	html_tag(b, str_eq(s, "faerdig") ? "done" : str_eq(s, "i_gang") ? "doing" : "todo", questionnaire_status_title(s));
}

/* An answer in words: "nej, væsentlig betydning; kommentar: »...«". */
const char *questionnaire_answer_text(Arena *a, const char *value, int material, const char *comment)
{
	const char *s = value && *value ? answer_value_title(value) : _("ikke besvaret");
	if (material)
		s = arena_printf(a, "%s, %s", s, _("væsentlig betydning for afgørelsen"));
	if (comment && *comment)
		s = arena_printf(a, "%s; %s »%s«", s, _("kommentar:"), comment);
	return s;
}

/* A short fingerprint of an answer as shown, so that a form sent back can tell what the
** person changed from what they merely saw. */
void questionnaire_fingerprint(const char *value, int material, const char *comment, char out[33])
{
	unsigned char h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value) + 1);
	crypto_generichash_update(&st, (const unsigned char *)(material ? "1" : "0"), 2);
	crypto_generichash_update(&st, (const unsigned char *)comment, strlen(comment));
	crypto_generichash_final(&st, h, sizeof h);
	hex_encode(out, h, sizeof h);
}

/*
** Every question of the round's catalogues, in order, with the case's stored answers: the
** review's (ANSWER_REVIEW), or the second review's with the first review's as first_*
** (ANSWER_SECOND). What is shown starts as what is stored; relevance is decided from it.
*/
Question *questionnaire_load(Req *r, int64_t round_id, int64_t case_id, int which, int *count)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT q.id, q.catalogue_id, k.title, q.section_id, s.title, q.code, q.text, q.guidance, q.reference,"
	           " q.scale, coalesce(q.choices, '[]'), coalesce(q.cond_question, ''), coalesce(q.cond_answers, '[]'),"
	           " coalesce(a.value, ''), coalesce(a.material, 0), coalesce(a.comment, ''), coalesce(a.revision, 0),"
	           " coalesce(u.name, ''), coalesce(a.updated_at, ''),"
	           " coalesce(b.value, ''), coalesce(b.material, 0), coalesce(b.comment, ''), coalesce(b.revision, 0),"
	           " coalesce(v.name, ''), coalesce(b.updated_at, '')"
	           " FROM round_catalogue rk JOIN catalogue k ON k.id = rk.catalogue_id JOIN question q ON q.catalogue_id = k.id"
	           " JOIN catalogue_section s ON s.id = q.section_id"
	           " LEFT JOIN answer a ON a.round_id = ?1 AND a.case_id = ?2 AND a.question_id = q.id"
	           " LEFT JOIN users u ON u.id = a.updated_by"
	           " LEFT JOIN calibration_answer b ON b.round_id = ?1 AND b.case_id = ?2 AND b.question_id = q.id"
	           " LEFT JOIN users v ON v.id = b.updated_by"
	           " WHERE rk.round_id = ?1 ORDER BY rk.position, s.position, q.position");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, case_id);
	int n = 0, cap = 32;
	Question *qs = arena_alloc(r->arena, (size_t)cap * sizeof *qs);
	/* The columns of what is stored, and of the first review beside the second. */
	int own = which == ANSWER_SECOND ? 19 : 13, first = 13;
	while (db_step(&q)) {
		if (n == cap) {
			Question *more = arena_alloc(r->arena, (size_t)cap * 2 * sizeof *qs);
			memcpy(more, qs, (size_t)n * sizeof *qs);
			qs = more;
			cap *= 2;
		}
		Question *x = &qs[n++];
		memset(x, 0, sizeof *x);
		Arena *a = r->arena;
		x->id = db_col_int(&q, 0);
		x->catalogue_id = db_col_int(&q, 1);
		x->catalogue = arena_strdup(a, db_col_text(&q, 2));
		x->section_id = db_col_int(&q, 3);
		x->section = arena_strdup(a, db_col_text(&q, 4));
		x->code = arena_strdup(a, db_col_text(&q, 5));
		x->text = arena_strdup(a, db_col_text(&q, 6));
		x->guidance = arena_strdup(a, db_col_text(&q, 7));
		x->reference = arena_strdup(a, db_col_text(&q, 8));
		x->scale = arena_strdup(a, db_col_text(&q, 9));
		x->choices = arena_strdup(a, db_col_text(&q, 10));
		x->cond_code = arena_strdup(a, db_col_text(&q, 11));
		x->cond_answers = arena_strdup(a, db_col_text(&q, 12));
		x->value = arena_strdup(a, db_col_text(&q, own));
		x->material = (int)db_col_int(&q, own + 1);
		x->comment = arena_strdup(a, db_col_text(&q, own + 2));
		x->revision = db_col_int(&q, own + 3);
		x->by = arena_strdup(a, db_col_text(&q, own + 4));
		x->at = arena_strdup(a, db_col_text(&q, own + 5));
		if (which == ANSWER_SECOND) {
			x->first_value = arena_strdup(a, db_col_text(&q, first));
			x->first_material = (int)db_col_int(&q, first + 1);
			x->first_comment = arena_strdup(a, db_col_text(&q, first + 2));
		} else {
			x->first_value = x->first_comment = "";
		}
		x->show_value = x->value;
		x->show_material = x->material;
		x->show_comment = x->comment;
		x->show_revision = x->revision;
		questionnaire_fingerprint(x->value, x->material, x->comment, x->show_fp);
		x->parent = -1;
	}
	db_finalize(&q);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i && *qs[i].cond_code; j++)
			if (qs[j].catalogue_id == qs[i].catalogue_id && str_eq(qs[j].code, qs[i].cond_code))
				qs[i].parent = j;
	questionnaire_relevance(r, round_id, qs, n);
	*count = n;
	return qs;
}

/* Whether each question is asked, going by the answers the page shows (and the first review's
** by its answers): relevance.c's rule, the one static/review.js repeats in the browser. */
void questionnaire_relevance(Req *r, int64_t round_id, Question *qs, int n)
{
	Relevance rel;
	relevance_load(r->db, round_id, &rel);
	const char **v = xcalloc((size_t)(rel.n ? rel.n : 1), sizeof *v);
	int *st = xcalloc((size_t)(rel.n ? rel.n : 1), sizeof *st);
	int *at = xcalloc((size_t)(n ? n : 1), sizeof *at); /* question i is rel's at[i] */
	for (int i = 0; i < n; i++)
		at[i] = relevance_index(&rel, qs[i].id);
	for (int i = 0; i < n; i++)
		if (at[i] >= 0)
			v[at[i]] = qs[i].first_value;
	relevance_decide(&rel, v, st);
	for (int i = 0; i < n; i++)
		qs[i].first_state = at[i] >= 0 ? st[at[i]] : RELEVANCE_ASKED;
	for (int i = 0; i < n; i++)
		if (at[i] >= 0)
			v[at[i]] = qs[i].show_value;
	relevance_decide(&rel, v, st);
	for (int i = 0; i < n; i++) {
		char why[256] = "";
		qs[i].state = at[i] >= 0 ? st[at[i]] : RELEVANCE_ASKED;
		if (at[i] >= 0)
			relevance_reason(&rel, v, st, at[i], why, sizeof why);
		qs[i].why = arena_strdup(r->arena, why);
	}
	free(at);
	free(st);
	free(v);
	relevance_free(&rel);
}

/* Whether question i is one still to answer that the page shows: asked, not free text, and
** without an answer. (Questions waiting for a gate's answer are hidden; the gate is listed.) */
int questionnaire_open(const Question *qs, int i)
{
	return qs[i].state == RELEVANCE_ASKED && !str_eq(qs[i].scale, "text") && !*qs[i].show_value;
}

/* Text from a form: carriage returns dropped (browsers send CRLF, scripts LF). */
const char *questionnaire_form_text(Req *r, const char *name)
{
	const char *v = req_form(r, name);
	if (!v)
		return "";
	char *s = arena_strdup(r->arena, v), *o = s;
	for (const char *p = v; *p; p++)
		if (*p != '\r')
			*o++ = *p;
	*o = 0;
	return s;
}

/* The answer the form sends for question x (fields v-ID, m-ID, c-ID). A free-text question
** has no comment field: it keeps the comment it has (e.g. from a sheet). */
void questionnaire_read(Req *r, const Question *x, AnswerInput *in)
{
	int choice = str_eq(x->scale, "choice"), text = str_eq(x->scale, "text");
	in->value = questionnaire_form_text(r, arena_printf(r->arena, "v-%lld", (long long)x->id));
	in->material = !choice && !text && req_form_checked(r, arena_printf(r->arena, "m-%lld", (long long)x->id));
	in->comment = text ? x->comment : questionnaire_form_text(r, arena_printf(r->arena, "c-%lld", (long long)x->id));
	in->seen_revision = -1; /* the review's page sends it in r-ID */
}

/* The page shows what was sent for x (not saved) instead of what is stored. */
void questionnaire_show_sent(Question *x, const AnswerInput *in)
{
	x->show_value = in->value;
	x->show_material = in->material;
	x->show_comment = in->comment;
}

static const char *const scale_jdn[] = {"ja", "delvist", "nej", "ikke_relevant"};
static const char *const scale_jn[] = {"ja", "nej", "ikke_relevant"};

static void radio(Buf *b, int64_t qid, const char *value, const char *label, int checked)
{
	if (checked)
		html_fmt(b, "<label class=\"check\"><input type=\"radio\" name=\"v-%I\" value=\"%A\" checked> %T</label>\n", qid,
		         value, label);
	else
		html_fmt(b, "<label class=\"check\"><input type=\"radio\" name=\"v-%I\" value=\"%A\"> %T</label>\n", qid, value,
		         label);
}

/* A condition's answers in words: »ja«, »delvist« eller »nej«. */
static void answers_list(Buf *b, const char *json)
{
	json_t *a = json_loads(json, 0, NULL);
	for (size_t k = 0; k < json_array_size(a); k++)
		html_fmt(b, "%T»%T«", k == 0 ? "" : k + 1 == json_array_size(a) ? " eller " : ", ",
		         answer_value_title(json_string_value(json_array_get(a, k))));
	json_decref(a);
}

/* The box that shows both answers when someone else saved first. */
static void conflict_box(Req *r, const Question *x)
{
	Buf *b = &r->out;
	const AnswerState *t = x->their;
	const char *who = *t->by ? t->by : _("en anden");
	html_fmt(b, "<div class=\"conflict\" id=\"conflict-%I\">\n<p><strong>Dit svar er ikke gemt.</strong> %T gemte et andet "
	            "svar %T, efter du åbnede siden.</p>\n<dl class=\"facts\">\n<dt>Dit svar</dt><dd>%T</dd>\n"
	            "<dt>Gemt af %T</dt><dd>%T</dd>\n</dl>\n<p>Felterne herunder viser dit svar. Tryk »Gem svar« for at "
	            "beholde det, eller <a href=\"%A#q-%I\">brug det gemte svar</a>.</p>\n</div>\n",
	         x->id, who, date_time_in(r->arena, t->at),
	         questionnaire_answer_text(r->arena, x->show_value, x->show_material, x->show_comment), who,
	         questionnaire_answer_text(r->arena, t->value, t->material, t->comment), r->path, x->id);
}

/* The answer's inputs: a text box for free text, else the choices, the material mark (not
** for a choice question) and the comment. */
static void answer_fields(Buf *b, const Question *x)
{
	if (str_eq(x->scale, "text")) {
		html_fmt(b, "<label for=\"v-%I\">Svar</label>\n<textarea id=\"v-%I\" name=\"v-%I\" rows=\"3\" maxlength=\"5000\">\n"
		            "%T</textarea>\n",
		         x->id, x->id, x->id, x->show_value);
		return;
	}
	html_lit(b, "<div class=\"choices\">\n");
	if (str_eq(x->scale, "choice")) {
		json_t *a = json_loads(x->choices, 0, NULL);
		for (size_t k = 0; k < json_array_size(a); k++) {
			const char *v = json_string_value(json_array_get(a, k));
			if (v)
				radio(b, x->id, v, v, str_eq(x->show_value, v));
		}
		json_decref(a);
	} else {
		int jn = str_eq(x->scale, "jn");
		const char *const *values = jn ? scale_jn : scale_jdn;
		size_t n = jn ? COUNT(scale_jn) : COUNT(scale_jdn);
		for (size_t k = 0; k < n; k++)
			radio(b, x->id, values[k], answer_value_title(values[k]), str_eq(x->show_value, values[k]));
	}
	html_lit(b, "</div>\n");
	if (!str_eq(x->scale, "choice") && x->show_material)
		html_fmt(b, "<label class=\"check material\"><input type=\"checkbox\" name=\"m-%I\" value=\"1\" checked> "
		            "Væsentlig betydning for afgørelsen</label>\n", x->id);
	else if (!str_eq(x->scale, "choice"))
		html_fmt(b, "<label class=\"check material\"><input type=\"checkbox\" name=\"m-%I\" value=\"1\"> "
		            "Væsentlig betydning for afgørelsen</label>\n", x->id);
	html_fmt(b, "<label for=\"c-%I\">Kommentar<span class=\"sr\"> til %T</span></label>\n<textarea id=\"c-%I\" "
	            "name=\"c-%I\" rows=\"2\" maxlength=\"5000\">\n%T</textarea>\n",
	         x->id, x->code, x->id, x->id, x->show_comment);
}

static const char *relevance_attr(int state)
{
	return state == RELEVANCE_NOT_RELEVANT ? "not_relevant" : state == RELEVANCE_UNKNOWN ? "unknown" : "asked";
}

/*
** Question i as a fieldset. live: the review page's (review.js's data attributes, hidden while
** not asked, the revision and fingerprint shown, a conflict, who saved it last; `missing` marks
** it as one færdig was refused for); else the second review's plain form, where the condition
** is spelt out with how the question counts now.
*/
static void question_html(Req *r, const Question *qs, int i, int live, int missing)
{
	Buf *b = &r->out;
	const Question *x = &qs[i];
	if (!live)
		html_fmt(b, "<fieldset class=\"question\" id=\"q-%I\" data-relevance=\"%A\"", x->id, relevance_attr(x->state));
	else if (missing)
		html_fmt(b, "<fieldset class=\"question missing\" id=\"q-%I\" aria-describedby=\"miss-%I\" data-question=\"%I\" "
		            "data-scale=\"%A\"",
		         x->id, x->id, x->id, x->scale);
	else
		html_fmt(b, "<fieldset class=\"question\" id=\"q-%I\" data-question=\"%I\" data-scale=\"%A\"", x->id, x->id,
		         x->scale);
	if (live && x->parent >= 0)
		html_fmt(b, " data-cond=\"%I\" data-cond-answers=\"%A\"", qs[x->parent].id, x->cond_answers);
	/* Shown only when asked: ikke relevant, or waiting for the answer it depends on. */
	if (live) {
		html_fmt(b, " data-relevance=\"%A\"", relevance_attr(x->state));
		if (x->state != RELEVANCE_ASKED)
			html_lit(b, " hidden");
	}
	html_fmt(b, ">\n<legend><span class=\"qcode\">%T</span> %T</legend>\n", x->code, x->text);
	if (*x->guidance || *x->reference) {
		html_fmt(b, "<details class=\"guide\"><summary>Vejledning<span class=\"sr\"> til %T</span></summary>\n", x->code);
		if (*x->guidance)
			html_fmt(b, "<p>%T</p>\n", x->guidance);
		if (*x->reference)
			html_fmt(b, "<p><strong>Lovhenvisning:</strong> %T</p>\n", x->reference);
		html_lit(b, "</details>\n");
	}
	if (live && x->parent >= 0) {
		html_fmt(b, "<p class=\"hint\">Stilles, fordi svaret på %T er ", qs[x->parent].code);
		answers_list(b, x->cond_answers);
		html_lit(b, ".</p>\n");
	} else if (!live && *x->cond_code) {
		html_fmt(b, "<p class=\"hint\">Besvares kun, når svaret på %T er ", x->cond_code);
		answers_list(b, x->cond_answers);
		html_lit(b, ".</p>\n");
		if (x->state == RELEVANCE_NOT_RELEVANT)
			html_fmt(b, "<p class=\"hint\">Tæller som ikke relevant, fordi %T.</p>\n", x->why);
		else if (x->state == RELEVANCE_UNKNOWN)
			html_fmt(b, "<p class=\"hint\">Tæller som ubesvaret, fordi %T.</p>\n", x->why);
	}
	if (missing)
		html_fmt(b, "<p class=\"field-error\" id=\"miss-%I\">Mangler et svar, før sagen kan markeres som færdig.</p>\n",
		         x->id);
	if (x->conflict)
		conflict_box(r, x);
	if (x->error)
		html_fmt(b, "<p class=\"field-error\" id=\"err-%I\">%T</p>\n", x->id, x->error);
	if (!live)
		html_fmt(b, "<input type=\"hidden\" name=\"p-%I\" value=\"1\">\n", x->id);
	answer_fields(b, x);
	if (live) {
		html_fmt(b, "<input type=\"hidden\" name=\"r-%I\" value=\"%I\"><input type=\"hidden\" name=\"s-%I\" value=\"%A\">\n",
		         x->id, x->show_revision, x->id, x->show_fp);
		if (*x->by)
			html_fmt(b, "<p class=\"hint saved\" id=\"saved-%I\">Senest gemt af %T %T.</p>\n", x->id, x->by,
			         date_time_in(r->arena, x->at));
		else
			html_fmt(b, "<p class=\"hint saved\" id=\"saved-%I\"></p>\n", x->id);
	}
	html_lit(b, "</fieldset>\n");
}

/* The questions as fieldsets, a <section> per catalogue and a heading per section (the form
** around them is the page's). mark_missing: færdig was refused; the open questions are marked. */
void questionnaire_html(Req *r, const Question *qs, int n, int live, int mark_missing)
{
	Buf *b = &r->out;
	int64_t catalogue = 0, section = 0;
	for (int i = 0; i < n; i++) {
		if (qs[i].catalogue_id != catalogue) {
			if (catalogue)
				html_lit(b, "</section>\n");
			html_fmt(b, "<section class=\"catalogue\" aria-labelledby=\"cat-%I\">\n<h2 id=\"cat-%I\">%T</h2>\n",
			         qs[i].catalogue_id, qs[i].catalogue_id, qs[i].catalogue);
			catalogue = qs[i].catalogue_id;
			section = 0;
		}
		if (qs[i].section_id != section) {
			html_fmt(b, "<h3>%T</h3>\n", qs[i].section);
			section = qs[i].section_id;
		}
		question_html(r, qs, i, live, live && mark_missing && questionnaire_open(qs, i));
	}
	html_lit(b, "</section>\n");
}
