/*
** The offline registration sheet of a round: an Excel workbook for reviewers who work
** without the web application, and reading it back. Sheet "Registrering" has one row per
** sampled case (column A the case number, in sample order) and one column per question
** (row 1 the question code, in catalogue order), pre-filled with the answers already given
** and with drop-down lists on the answer cells; after the answer columns come one
** "KODE kommentar" column per question (free-text questions excepted) and one
** "KODE væsentlig" (ja/nej) column per question answered ja/delvist/nej. Sheet "Spørgsmål" holds the questions with guidance and reference.
** The hidden sheet "tilsyn" holds, per case, the revision of every answer when the sheet was
** made, so that reading an old sheet back cannot silently undo newer work (sheet_conflicts).
**
** Reading back is all or nothing: every cell is checked first (known column, sampled case,
** an allowed answer, no CPR number), every problem is listed with its cell ("D7"), and only
** a sheet without problems is saved, through answer_save so that the history is kept. An
** empty cell leaves the stored answer as it is.
*/
#include "tilsyn.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define SHEET_MAIN "Registrering"
#define SHEET_QUESTIONS "Spørgsmål"
#define SHEET_ABOUT "Om arket"
#define SHEET_LISTS "Svarlister"
#define SHEET_REVISIONS "tilsyn"             /* hidden: the answers' revisions when the sheet was made */
#define REVISIONS_MARK "tilsyn-revisioner"   /* its A1; B1 the format version, C1 the round, D1 when made */
#define REVISIONS_VERSION "1"
#define SHEET_TEXT_MAX 5000                  /* as answer_save: free text and comments */
#define SHEET_PENDING_MAX ((size_t)64 << 20) /* text held for saving */
#define SUFFIX_COMMENT "kommentar"
#define SUFFIX_MATERIAL "væsentlig"

/* ---- the round's questions ---- */

typedef struct Question {
	int64_t id;
	char code[33];
	char *label;      /* the column header: the code, or "KODE (katalog)" when two catalogues share it */
	char *norm;       /* label, normalised for matching headers */
	char scale[8];
	json_t *choices;  /* array of strings for scale "choice" */
	char *text, *section, *guidance, *reference, *category, *catalogue, *cond_question, *cond_answers;
} Question;

typedef struct Questions {
	Question *q;
	int n;
} Questions;

/* Lower-cases ASCII and the capitals of Latin-1 (Æ Ø Å ...) in UTF-8, turns '_', '-' and
** runs of white space into one space, and trims: "Ikke_Relevant " -> "ikke relevant". */
static char *normalise(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n + 1);
	size_t k = 0;
	int space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_' || c == '-' || c == 0xA0) {
			space = k > 0;
			continue;
		}
		if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) { /* no-break space */
			i++;
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = 0;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		out[k++] = (char)c;
		if (c == 0xC3 && i + 1 < n) {
			unsigned char d = (unsigned char)s[++i];
			if (d >= 0x80 && d <= 0x9E && d != 0x97) /* À..Þ except × */
				d = (unsigned char)(d + 0x20);
			out[k++] = (char)d;
		}
	}
	out[k] = 0;
	return out;
}

static void questions_free(Questions *qs)
{
	for (int i = 0; i < qs->n; i++) {
		Question *q = &qs->q[i];
		free(q->label);
		free(q->norm);
		json_decref(q->choices);
		free(q->text);
		free(q->section);
		free(q->guidance);
		free(q->reference);
		free(q->category);
		free(q->catalogue);
		free(q->cond_question);
		free(q->cond_answers);
	}
	free(qs->q);
	qs->q = NULL;
	qs->n = 0;
}

static char *col_dup(Stmt *q, int i)
{
	return xstrdup(db_col_text(q, i));
}

/* The questions of the round's catalogues in the order of the review. */
static void questions_load(Db *db, int64_t round_id, Questions *qs)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id, q.code, q.scale, q.choices, q.text, s.title, q.guidance, q.reference, q.category, c.code,"
	           " q.cond_question, q.cond_answers,"
	           " (SELECT count(*) FROM round_catalogue o JOIN question x ON x.catalogue_id = o.catalogue_id"
	           "  WHERE o.round_id = rc.round_id AND x.code = q.code)"
	           " FROM round_catalogue rc JOIN catalogue c ON c.id = rc.catalogue_id"
	           " JOIN question q ON q.catalogue_id = c.id JOIN catalogue_section s ON s.id = q.section_id"
	           " WHERE rc.round_id = ?1 ORDER BY rc.position, s.position, q.position");
	db_bind_int(&q, 1, round_id);
	int cap = 0;
	qs->q = NULL;
	qs->n = 0;
	while (db_step(&q)) {
		if (qs->n == cap)
			qs->q = xrealloc(qs->q, (size_t)(cap = cap ? cap * 2 : 32) * sizeof *qs->q);
		Question *x = &qs->q[qs->n++];
		memset(x, 0, sizeof *x);
		x->id = db_col_int(&q, 0);
		snprintf(x->code, sizeof x->code, "%s", db_col_text(&q, 1));
		snprintf(x->scale, sizeof x->scale, "%s", db_col_text(&q, 2));
		if (str_eq(x->scale, "choice"))
			x->choices = json_loads(db_col_text(&q, 3), 0, NULL);
		if (!json_is_array(x->choices)) {
			json_decref(x->choices);
			x->choices = json_array();
		}
		x->text = col_dup(&q, 4);
		x->section = col_dup(&q, 5);
		x->guidance = col_dup(&q, 6);
		x->reference = col_dup(&q, 7);
		x->category = col_dup(&q, 8);
		x->catalogue = col_dup(&q, 9);
		x->cond_question = col_dup(&q, 10);
		x->cond_answers = col_dup(&q, 11);
		if (db_col_int(&q, 12) > 1) {
			size_t n = strlen(x->code) + strlen(x->catalogue) + 4;
			x->label = xmalloc(n);
			snprintf(x->label, n, "%s (%s)", x->code, x->catalogue);
		} else {
			x->label = xstrdup(x->code);
		}
		x->norm = normalise(x->label);
	}
	db_finalize(&q);
}

static int has_material(const Question *q)
{
	return str_eq(q->scale, "jdn") || str_eq(q->scale, "jn");
}

static int has_comment(const Question *q)
{
	return !str_eq(q->scale, "text");
}

/* The words a reviewer writes for a scale's answers, as a sentence ending. */
static const char *scale_words(const Question *q)
{
	if (str_eq(q->scale, "jdn"))
		return _("ja, delvist, nej eller ikke relevant");
	if (str_eq(q->scale, "jn"))
		return _("ja, nej eller ikke relevant");
	if (str_eq(q->scale, "choice"))
		return _("en af svarmulighederne på listen");
	return _("fri tekst");
}

/* A stored value as it is written in the sheet: "ikke_relevant" -> "ikke relevant". */
static const char *value_in_sheet(const char *v)
{
	return str_eq(v, "ikke_relevant") ? _("ikke relevant") : v;
}

/* "C5" for column index 2, row 5 (rows count from 1, as Excel's). */
static const char *cell_name(char out[16], int col, long row)
{
	char letters[8];
	int n = 0;
	for (long c = (long)col + 1; c > 0 && n < 7; c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	int k = 0;
	while (n > 0)
		out[k++] = letters[--n];
	snprintf(out + k, (size_t)(16 - k), "%ld", row);
	return out;
}

/* At most max characters of s (whole UTF-8 characters), with "…" when cut; malloc'ed. */
static char *clip(const char *s, size_t max)
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	int cut = s[i] != 0;
	char *out = xmalloc(i + 4);
	memcpy(out, s, i);
	if (cut && i >= 1) {
		/* make room for the ellipsis within max characters */
		size_t j = i;
		do
			j--;
		while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80);
		memcpy(out + j, "…", 4);
	} else {
		out[i] = 0;
	}
	return out;
}

/* ---- writing ---- */

typedef struct Writer {
	lxw_workbook *wb;
	lxw_worksheet *main, *questions, *about, *lists, *revisions;
	lxw_format *header, *text, *wrap, *title, *off;
	const Questions *qs;
	int extras;            /* the comment and væsentlig columns are written */
	int ncomment, nmaterial;
	int nlists;            /* columns used on the list sheet */
	long ncases;
} Writer;

static int col_of_comment(const Writer *w, int qi)
{
	int k = 0;
	for (int i = 0; i < qi; i++)
		k += has_comment(&w->qs->q[i]);
	return 1 + w->qs->n + k;
}

static int col_of_material(const Writer *w, int qi)
{
	int k = 0;
	for (int i = 0; i < qi; i++)
		k += has_material(&w->qs->q[i]);
	return 1 + w->qs->n + w->ncomment + k;
}

static void write_header(Writer *w)
{
	lxw_worksheet *ws = w->main;
	worksheet_write_string(ws, 0, 0, _("Sagsnummer"), w->header);
	worksheet_set_column(ws, 0, 0, 22, w->text);
	for (int i = 0; i < w->qs->n; i++) {
		const Question *q = &w->qs->q[i];
		lxw_col_t col = (lxw_col_t)(1 + i);
		worksheet_write_string(ws, 0, col, q->label, w->header);
		char *text = clip(q->text, 1000);
		size_t n = strlen(q->label) + strlen(text) + strlen(scale_words(q)) + 32;
		char *note = xmalloc(n);
		snprintf(note, n, "%s: %s\n\nSvar: %s", q->label, text, scale_words(q));
		lxw_comment_options co = {.width = 360, .height = 160};
		worksheet_write_comment_opt(ws, 0, col, note, &co);
		free(note);
		free(text);
		worksheet_set_column(ws, col, col, str_eq(q->scale, "jdn") || str_eq(q->scale, "jn") ? 14 : 30, w->text);
		if (!w->extras)
			continue;
		char label[160];
		if (has_comment(q)) {
			lxw_col_t c = (lxw_col_t)col_of_comment(w, i);
			snprintf(label, sizeof label, "%s %s", q->label, SUFFIX_COMMENT);
			worksheet_write_string(ws, 0, c, label, w->header);
			worksheet_set_column(ws, c, c, 30, w->text);
		}
		if (has_material(q)) {
			lxw_col_t c = (lxw_col_t)col_of_material(w, i);
			snprintf(label, sizeof label, "%s %s", q->label, SUFFIX_MATERIAL);
			worksheet_write_string(ws, 0, c, label, w->header);
			worksheet_set_column(ws, c, c, 14, w->text);
		}
	}
	worksheet_set_row(ws, 0, 30, NULL);
	worksheet_freeze_panes(ws, 1, 1);
}

/* Fills list (NULL-terminated) with the choices when Excel can hold them in the validation
** itself: at most 255 characters in all, and no comma or quote in any of them. */
static int inline_list(json_t *choices, const char **list, size_t max)
{
	size_t n = json_array_size(choices), total = 0;
	if (n == 0 || n + 1 > max)
		return 0;
	for (size_t k = 0; k < n; k++) {
		const char *c = json_string_value(json_array_get(choices, k));
		if (!c || !*c || strpbrk(c, ",\""))
			return 0;
		total += strlen(c) + 1;
		list[k] = c;
	}
	list[n] = NULL;
	return total <= 255;
}

/* Drop-down lists on a column's cells from row 2 to the last case. Choice lists go on the
** hidden list sheet: Excel's inline lists are short and cannot hold a comma. */
static void validate_column(Writer *w, int col, const Question *q, int material)
{
	if (w->ncases == 0)
		return;
	static const char *jdn[] = {"ja", "delvist", "nej", "ikke relevant", NULL};
	static const char *jn[] = {"ja", "nej", "ikke relevant", NULL};
	static const char *yesno[] = {"ja", "nej", NULL};
	lxw_data_validation dv = {0};
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	char formula[128];
	char title[40];
	const char *choice_list[33];
	char *message = NULL;
	if (material) {
		dv.value_list = (char **)yesno;
		dv.error_title = (char *)_("Ugyldigt svar");
		dv.error_message = (char *)_("Skriv ja, hvis manglen har væsentlig betydning for afgørelsen, ellers nej.");
	} else if (str_eq(q->scale, "jdn") || str_eq(q->scale, "jn")) {
		dv.value_list = (char **)(str_eq(q->scale, "jdn") ? jdn : jn);
		dv.error_title = (char *)_("Ugyldigt svar");
		dv.error_message = (char *)(str_eq(q->scale, "jdn") ? _("Vælg ja, delvist, nej eller ikke relevant.")
		                                                     : _("Vælg ja, nej eller ikke relevant."));
	} else if (str_eq(q->scale, "choice") && inline_list(q->choices, choice_list, COUNT(choice_list))) {
		dv.value_list = (char **)choice_list;
		dv.error_title = (char *)_("Ugyldigt svar");
		dv.error_message = (char *)_("Vælg en af svarmulighederne på listen.");
	} else if (str_eq(q->scale, "choice") && json_array_size(q->choices) > 0) {
		/* Note: libxlsxwriter 1.1.4 leaks the formula's copy (about 20 bytes per column). */
		size_t n = json_array_size(q->choices);
		lxw_col_t lc = (lxw_col_t)w->nlists++;
		for (size_t k = 0; k < n; k++)
			worksheet_write_string(w->lists, (lxw_row_t)k, lc, json_string_value(json_array_get(q->choices, k)), NULL);
		char from[16], to[16];
		cell_name(from, (int)lc, 1);
		cell_name(to, (int)lc, (long)n);
		/* absolute references: $C$1:$C$4 */
		char fa[24], ta[24];
		size_t lf = strspn(from, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), lt = strspn(to, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		snprintf(fa, sizeof fa, "$%.*s$%s", (int)lf, from, from + lf);
		snprintf(ta, sizeof ta, "$%.*s$%s", (int)lt, to, to + lt);
		snprintf(formula, sizeof formula, "=%s!%s:%s", SHEET_LISTS, fa, ta);
		dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
		dv.value_formula = formula;
		dv.error_title = (char *)_("Ugyldigt svar");
		dv.error_message = (char *)_("Vælg en af svarmulighederne på listen.");
	} else {
		return; /* free text */
	}
	if (!material) {
		char *t = clip(q->label, 30);
		snprintf(title, sizeof title, "%s", t);
		free(t);
		message = clip(q->text, 250);
		dv.input_title = title;
		dv.input_message = message;
	}
	worksheet_data_validation_range(w->main, 1, (lxw_col_t)col, (lxw_row_t)w->ncases, (lxw_col_t)col, &dv);
	free(message);
}

/*
** Greys the answer cells of one case row that are ikke relevant by a condition (relevance.c),
** with a note saying why. A stored answer stays in its cell, so the sheet reads back
** unchanged; a cell waiting for its condition's answer is left as it is.
*/
static void mark_not_counted(Writer *w, Db *db, const Round *r, const Relevance *rel, int64_t case_id,
                             lxw_row_t row)
{
	char **values = relevance_case_values(db, rel, r->id, case_id, 0);
	int *states = xcalloc((size_t)(rel->n ? rel->n : 1), sizeof *states);
	relevance_decide(rel, (const char *const *)values, states);
	for (int qi = 0; qi < w->qs->n; qi++) {
		int i = relevance_index(rel, w->qs->q[qi].id);
		if (i < 0 || states[i] != RELEVANCE_NOT_RELEVANT)
			continue;
		char why[256], note[400];
		relevance_reason(rel, (const char *const *)values, states, i, why, sizeof why);
		snprintf(note, sizeof note, _("Tæller ikke, fordi %s."), why);
		lxw_col_t col = (lxw_col_t)(1 + qi);
		if (values[i] && *values[i])
			worksheet_write_string(w->main, row, col, value_in_sheet(values[i]), w->off);
		else
			worksheet_write_blank(w->main, row, col, w->off);
		worksheet_write_comment(w->main, row, col, note);
	}
	free(states);
	relevance_values_free(values, rel->n);
}

static int write_cases(Writer *w, Db *db, const Round *r)
{
	Relevance rel;
	relevance_load(db, r->id, &rel);
	Stmt c, a;
	db_prepare(&c, db,
	           "SELECT c.id, c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY rc.sample_key");
	db_bind_int(&c, 1, r->id);
	db_prepare(&a, db, "SELECT question_id, coalesce(value, ''), material, comment FROM answer"
	                   " WHERE round_id = ?1 AND case_id = ?2");
	lxw_row_t row = 0;
	while (db_step(&c)) {
		if (row >= LXW_ROW_MAX - 2)
			break;
		row++;
		worksheet_write_string(w->main, row, 0, db_col_text(&c, 1), NULL);
		db_bind_int(&a, 1, r->id);
		db_bind_int(&a, 2, db_col_int(&c, 0));
		while (db_step(&a)) {
			int64_t qid = db_col_int(&a, 0);
			int qi = 0;
			while (qi < w->qs->n && w->qs->q[qi].id != qid)
				qi++;
			if (qi == w->qs->n)
				continue;
			const Question *q = &w->qs->q[qi];
			const char *value = db_col_text(&a, 1);
			if (*value)
				worksheet_write_string(w->main, row, (lxw_col_t)(1 + qi), value_in_sheet(value), NULL);
			if (!w->extras)
				continue;
			if (has_comment(q) && *db_col_text(&a, 3))
				worksheet_write_string(w->main, row, (lxw_col_t)col_of_comment(w, qi), db_col_text(&a, 3), NULL);
			if (has_material(q) && (str_eq(value, "nej") || str_eq(value, "delvist")))
				worksheet_write_string(w->main, row, (lxw_col_t)col_of_material(w, qi),
				                       db_col_int(&a, 2) ? "ja" : "nej", NULL);
		}
		db_reset(&a);
		mark_not_counted(w, db, r, &rel, db_col_int(&c, 0), row);
	}
	db_finalize(&a);
	db_finalize(&c);
	relevance_free(&rel);
	w->ncases = (long)row;
	return 0;
}

static const char *category_title(const char *c)
{
	if (str_eq(c, "forvaltningsret"))
		return _("Forvaltningsret");
	if (str_eq(c, "retssikkerhed"))
		return _("Retssikkerhed");
	if (str_eq(c, "socialfaglig"))
		return _("Socialfaglig");
	return c;
}

static void write_questions(Writer *w)
{
	lxw_worksheet *ws = w->questions;
	static const char *const heads[] = {"Kode", "Afsnit", "Spørgsmål", "Vejledning", "Lovgrundlag",
	                                    "Kategori", "Svar", "Stilles kun når", "Katalog"};
	static const double widths[] = {16, 24, 50, 70, 24, 16, 30, 30, 24};
	for (size_t i = 0; i < COUNT(heads); i++) {
		worksheet_write_string(ws, 0, (lxw_col_t)i, heads[i], w->header);
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], w->wrap);
	}
	worksheet_freeze_panes(ws, 1, 1);
	for (int i = 0; i < w->qs->n; i++) {
		const Question *q = &w->qs->q[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, q->label, NULL);
		worksheet_write_string(ws, row, 1, q->section, NULL);
		worksheet_write_string(ws, row, 2, q->text, NULL);
		worksheet_write_string(ws, row, 3, q->guidance, NULL);
		worksheet_write_string(ws, row, 4, q->reference, NULL);
		worksheet_write_string(ws, row, 5, category_title(q->category), NULL);
		Buf b;
		buf_init(&b, 1 << 20);
		if (str_eq(q->scale, "choice"))
			for (size_t k = 0; k < json_array_size(q->choices); k++)
				buf_printf(&b, "%s%s", k ? "; " : "", json_string_value(json_array_get(q->choices, k)));
		else
			buf_puts(&b, scale_words(q));
		worksheet_write_string(ws, row, 6, buf_cstr(&b), NULL);
		if (*q->cond_question) {
			buf_reset(&b);
			buf_printf(&b, "%s = ", q->cond_question);
			json_t *ans = json_loads(q->cond_answers, 0, NULL);
			for (size_t k = 0; k < json_array_size(ans); k++)
				buf_printf(&b, "%s%s", k ? _(" eller ") : "", value_in_sheet(json_string_value(json_array_get(ans, k))));
			json_decref(ans);
			buf_append(&b, "", 1);
			worksheet_write_string(ws, row, 7, b.data, NULL);
		}
		worksheet_write_string(ws, row, 8, q->catalogue, NULL);
		buf_free(&b);
	}
}

static void write_about(Writer *w, Db *db, const Round *r)
{
	lxw_worksheet *ws = w->about;
	Department d;
	if (!department_by_id(db, r->department_id, &d))
		memset(&d, 0, sizeof d);
	char now[32], line[600];
	time_iso(now, time(NULL));
	worksheet_set_column(ws, 0, 0, 110, w->wrap);
	worksheet_write_string(ws, 0, 0, _("Registreringsark fra tilsyn"), w->title);
	snprintf(line, sizeof line, "%s · %s · tilsyn nr. %lld · hentet %s", d.name, r->title, (long long)r->id, now);
	worksheet_write_string(ws, 1, 0, line, NULL);
	static const char *const help[] = {
		"Arket Registrering har én række pr. udtrukket sag (sagsnummeret i kolonne A) og én kolonne pr. spørgsmål "
		"(spørgsmålets kode i række 1). Spørgsmål, vejledning og lovgrundlag står på arket Spørgsmål.",
		"Skriv ja, delvist, nej eller ikke relevant (eller vælg på listen i cellen). Valgspørgsmål besvares med en af "
		"svarmulighederne på listen.",
		"Kolonnerne \"KODE kommentar\" er til en kommentar til svaret. I kolonnerne \"KODE væsentlig\" skrives ja, hvis "
		"et nej eller delvist har væsentlig betydning for afgørelsen.",
		"Grå celler tæller ikke, fordi spørgsmålets betingelse ikke er opfyldt (se cellens note og kolonnen Betingelse "
		"på arket Spørgsmål). Et svar i en grå celle gemmes, men tæller ikke med. Et spørgsmål, hvis betingelse ikke "
		"er besvaret endnu, tæller som ubesvaret.",
		"En tom celle ændrer ikke det svar, der allerede er gemt. Ret ikke i række 1 og kolonne A, og tilføj ikke rækker "
		"med andre sager.",
		"Skriv aldrig CPR-numre eller borgeres navne i arket; henvis til sagen med sagsnummeret.",
		"Indlæs arket igen på tilsynets side (knappen Indlæs registreringsark) eller med tilsyn answers import. "
		"Er der fejl i arket, gemmes intet, og hver fejl vises med sin celle, fx D7.",
		"Arket indeholder sagsnumre: opbevar det sikkert, og slet det, når det er indlæst.",
		"Er et svar ændret i tilsyn, efter arket blev hentet, og siger arket noget andet, gemmes intet, og hver sådan "
		"celle vises med det nyere svar, hvem der gemte det og hvornår. Hent et nyt ark, eller vælg at gemme arkets "
		"svar alligevel. Det skjulte ark tilsyn holder styr på det; ret ikke i det.",
	};
	for (size_t i = 0; i < COUNT(help); i++)
		worksheet_write_string(ws, (lxw_row_t)(3 + i), 0, help[i], NULL);
}

/*
** The hidden sheet "tilsyn": A1 the mark, B1 the format version, C1 the round, D1 when the
** sheet was made; row 2 "Sagsnummer" and the question columns as on Registrering; then one
** row per case, in the same order, with the revision of each stored answer (empty: none).
** Protected, so that unhiding it by hand does not invite edits.
*/
static void write_revisions(Writer *w, Db *db, const Round *r)
{
	lxw_worksheet *ws = w->revisions;
	char round_id[32], now[32];
	snprintf(round_id, sizeof round_id, "%lld", (long long)r->id);
	time_iso(now, time(NULL));
	worksheet_write_string(ws, 0, 0, REVISIONS_MARK, NULL);
	worksheet_write_string(ws, 0, 1, REVISIONS_VERSION, NULL);
	worksheet_write_string(ws, 0, 2, round_id, NULL);
	worksheet_write_string(ws, 0, 3, now, NULL);
	worksheet_write_string(ws, 1, 0, _("Sagsnummer"), NULL);
	for (int i = 0; i < w->qs->n; i++)
		worksheet_write_string(ws, 1, (lxw_col_t)(1 + i), w->qs->q[i].label, NULL);
	Stmt c, a;
	db_prepare(&c, db,
	           "SELECT c.id, c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY rc.sample_key");
	db_bind_int(&c, 1, r->id);
	db_prepare(&a, db, "SELECT question_id, revision FROM answer WHERE round_id = ?1 AND case_id = ?2");
	lxw_row_t row = 1;
	while (db_step(&c) && (long)row <= w->ncases) {
		row++;
		worksheet_write_string(ws, row, 0, db_col_text(&c, 1), NULL);
		db_bind_int(&a, 1, r->id);
		db_bind_int(&a, 2, db_col_int(&c, 0));
		while (db_step(&a)) {
			int64_t qid = db_col_int(&a, 0);
			for (int qi = 0; qi < w->qs->n; qi++)
				if (w->qs->q[qi].id == qid)
					worksheet_write_number(ws, row, (lxw_col_t)(1 + qi), (double)db_col_int(&a, 1), NULL);
		}
		db_reset(&a);
	}
	db_finalize(&a);
	db_finalize(&c);
	worksheet_protect(ws, NULL, NULL);
}

/* Writes the sheet to path; *cases gets the number of case rows. 0, or -1 with err. */
int sheet_write_file(Db *db, const Round *r, const char *path, long *cases, char *err, size_t errlen)
{
	Questions qs;
	questions_load(db, r->id, &qs);
	if (qs.n == 0) {
		questions_free(&qs);
		snprintf(err, errlen, "%s", _("Tilsynet har ingen spørgsmål (intet spørgekatalog), så der er intet at registrere."));
		return -1;
	}
	Writer w = {.qs = &qs, .extras = 1};
	for (int i = 0; i < qs.n; i++) {
		w.ncomment += has_comment(&qs.q[i]);
		w.nmaterial += has_material(&qs.q[i]);
	}
	/* What our reader can read back: drop the extra columns before the answers. */
	if (1 + qs.n > SHEET_MAX_CELLS) {
		questions_free(&qs);
		snprintf(err, errlen, _("Tilsynet har %d spørgsmål; et registreringsark kan højst have %d."), qs.n,
		         SHEET_MAX_CELLS - 1);
		return -1;
	}
	if (1 + qs.n + w.ncomment + w.nmaterial > SHEET_MAX_CELLS)
		w.extras = 0, w.ncomment = w.nmaterial = 0;

	lxw_workbook_options opts = {0};
	w.wb = workbook_new_opt(path, &opts);
	if (!w.wb) {
		questions_free(&qs);
		snprintf(err, errlen, _("Filen %s kan ikke oprettes."), path);
		return -1;
	}
	w.main = workbook_add_worksheet(w.wb, SHEET_MAIN);
	w.questions = workbook_add_worksheet(w.wb, SHEET_QUESTIONS);
	w.about = workbook_add_worksheet(w.wb, SHEET_ABOUT);
	w.lists = workbook_add_worksheet(w.wb, SHEET_LISTS);
	worksheet_hide(w.lists);
	w.revisions = workbook_add_worksheet(w.wb, SHEET_REVISIONS);
	worksheet_hide(w.revisions); /* libxlsxwriter 1.1.4 cannot make it "very hidden" */
	worksheet_activate(w.main);
	w.header = workbook_add_format(w.wb);
	format_set_bold(w.header);
	format_set_bg_color(w.header, 0xDDE7EE);
	format_set_bottom(w.header, LXW_BORDER_THIN);
	format_set_text_wrap(w.header);
	format_set_align(w.header, LXW_ALIGN_VERTICAL_TOP);
	format_set_num_format(w.header, "@");
	w.text = workbook_add_format(w.wb);
	format_set_num_format(w.text, "@");
	w.wrap = workbook_add_format(w.wb);
	format_set_text_wrap(w.wrap);
	format_set_align(w.wrap, LXW_ALIGN_VERTICAL_TOP);
	w.off = workbook_add_format(w.wb); /* an answer cell that does not count */
	format_set_bg_color(w.off, 0xD9D9D9);
	format_set_font_color(w.off, 0x595959);
	w.title = workbook_add_format(w.wb);
	format_set_bold(w.title);
	format_set_font_size(w.title, 14);
	lxw_doc_properties props = {.title = (char *)_("Registreringsark"), .subject = (char *)r->title,
	                            .author = (char *)"tilsyn", .comments = (char *)_("Indeholder sagsnumre")};
	workbook_set_properties(w.wb, &props);

	write_header(&w);
	write_cases(&w, db, r);
	for (int i = 0; i < qs.n; i++) {
		validate_column(&w, 1 + i, &qs.q[i], 0);
		if (w.extras && has_material(&qs.q[i]))
			validate_column(&w, col_of_material(&w, i), &qs.q[i], 1);
	}
	write_questions(&w);
	write_about(&w, db, r);
	write_revisions(&w, db, r);
	lxw_error e = workbook_close(w.wb);
	questions_free(&qs);
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, _("Registreringsarket kunne ikke skrives (%s)."), lxw_strerror(e));
		return -1;
	}
	if (cases)
		*cases = w.ncases;
	return 0;
}

/* The same into a buffer, through a private temporary file. */
int sheet_write_buf(Db *db, const Round *r, Buf *out, long *cases, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tilsyn-ark-XXXXXX", dir && *dir && strlen(dir) < 400 ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, _("Der kunne ikke oprettes en midlertidig fil (%s)."), strerror(errno));
		return -1;
	}
	close(fd);
	int rc = sheet_write_file(db, r, path, cases, err, errlen);
	if (rc == 0) {
		FILE *f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errlen, _("Registreringsarket kunne ikke læses (%s)."), strerror(errno));
			rc = -1;
		} else {
			char chunk[65536];
			size_t n;
			while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
				buf_append(out, chunk, n);
			if (ferror(f)) {
				snprintf(err, errlen, "%s", _("Registreringsarket kunne ikke læses."));
				rc = -1;
			}
			fclose(f);
		}
	}
	unlink(path);
	return rc;
}

/* ---- reading back ---- */

enum col_kind { COL_NONE = 0, COL_ANSWER, COL_COMMENT, COL_MATERIAL, COL_UNKNOWN };

typedef struct Column {
	enum col_kind kind;
	int q;                /* question index */
	int reported;         /* a cell under a blank header was reported */
} Column;

/* One answer to save: a cell of the sheet that changes what is stored. */
typedef struct Pending {
	int64_t case_id, question_id;
	char *value, *comment;
	int material;
	long row;
	int col;
	int q;                /* question index */
	int ca, cc, cm;       /* the answer, comment and væsentlig cells given (column or -1) */
	int answer_cell;      /* col is the answer's cell (not only a comment or væsentlig) */
} Pending;

typedef struct Revisions Revisions; /* the hidden sheet's revisions (sheet_conflicts) */

typedef struct Reading {
	Db *db;
	const Round *round;
	Questions qs;
	SheetResult *res;
	int have_header;
	long header_row;
	Column cols[SHEET_MAX_CELLS];
	int ncols;
	int stop;                /* the header is unusable: stop reading */
	/* cases seen, to find duplicates */
	int64_t *seen_case;
	long *seen_row;
	size_t nseen, seen_cap;
	Pending *p;
	size_t np, p_cap, p_bytes;
	/* per row: for each question, the answer, comment and væsentlig cell (column or -1) */
	int *cell_answer, *cell_comment, *cell_material;
	Stmt case_q, answer_q;
	Revisions *revs;
} Reading;

static void problem(Reading *rd, int col, long row, const char *fmt, ...) ATTR_PRINTF(4, 5);
static void problem(Reading *rd, int col, long row, const char *fmt, ...)
{
	SheetResult *res = rd->res;
	if (res->nproblems >= SHEET_MAX_PROBLEMS) {
		res->more_problems++;
		return;
	}
	SheetProblem *p = &res->problems[res->nproblems++];
	cell_name(p->cell, col, row);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
	/* a cut message must not end in half a character */
	size_t n = strlen(p->reason), i = n;
	while (i > 0 && ((unsigned char)p->reason[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && ((unsigned char)p->reason[i - 1] & 0x80)) {
		unsigned c = (unsigned char)p->reason[i - 1];
		size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (n - (i - 1) < want)
			p->reason[i - 1] = 0;
	}
}

static int has_problems(const Reading *rd)
{
	return rd->res->nproblems > 0 || rd->res->more_problems > 0;
}

/* A cell's text without surrounding white space (a copy: free it). */
static char *trimmed(const char *s)
{
	char *t = xstrdup(s);
	char *out = xstrdup(str_trim(t));
	free(t);
	return out;
}

/* "måske" quoted for a message: at most 40 characters. */
static char *quoted(const char *s)
{
	return clip(s, 40);
}

static int ends_with_word(const char *norm, const char *word, size_t *prefix)
{
	size_t n = strlen(norm), k = strlen(word);
	if (n < k + 2 || strcmp(norm + n - k, word) != 0 || norm[n - k - 1] != ' ')
		return 0;
	*prefix = n - k - 1;
	return 1;
}

static int question_by_norm(const Reading *rd, const char *norm, size_t len)
{
	for (int i = 0; i < rd->qs.n; i++)
		if (strlen(rd->qs.q[i].norm) == len && strncmp(rd->qs.q[i].norm, norm, len) == 0)
			return i;
	return -1;
}

static int is_case_header(const char *h)
{
	char *n = normalise(h);
	int ok = str_eq(n, "sagsnummer") || cases_header_field(h) == F_CASE_NO;
	free(n);
	return ok;
}

static void read_header(Reading *rd, long line, int ncells, const char *const *cells)
{
	rd->have_header = 1;
	rd->header_row = line;
	char *a = trimmed(ncells > 0 ? cells[0] : "");
	if (!is_case_header(a)) {
		char *qa = quoted(a);
		if (*a)
			problem(rd, 0, line, _("første række skal være overskrifterne, med Sagsnummer i kolonne A og spørgsmålenes "
			                       "koder i de følgende kolonner, men A%ld er '%s'."), line, qa);
		else
			problem(rd, 0, line, _("første række skal være overskrifterne, med Sagsnummer i kolonne A og spørgsmålenes "
			                       "koder i de følgende kolonner, men A%ld er tom."), line);
		free(qa);
		rd->stop = 1;
	}
	free(a);
	if (rd->stop)
		return;
	rd->ncols = ncells;
	int nanswer = 0;
	for (int c = 1; c < ncells; c++) {
		char *h = trimmed(cells[c]);
		Column *col = &rd->cols[c];
		col->kind = COL_NONE;
		if (*h && cpr_find(h) >= 0) {
			problem(rd, c, line, _("overskriften ligner et CPR-nummer. CPR-numre må ikke skrives i tilsyn."));
			col->kind = COL_UNKNOWN;
			free(h);
			continue;
		}
		if (!*h) {
			free(h);
			continue;
		}
		char *n = normalise(h);
		size_t len;
		int qi = question_by_norm(rd, n, strlen(n));
		enum col_kind kind = COL_ANSWER;
		if (qi < 0 && ends_with_word(n, SUFFIX_COMMENT, &len) && (qi = question_by_norm(rd, n, len)) >= 0)
			kind = COL_COMMENT;
		else if (qi < 0 && ends_with_word(n, SUFFIX_MATERIAL, &len) && (qi = question_by_norm(rd, n, len)) >= 0)
			kind = COL_MATERIAL;
		char *qh = quoted(h);
		if (qi < 0) {
			problem(rd, c, line, _("'%s' er ikke et spørgsmål i dette tilsyn. Brug spørgsmålenes koder fra arket "
			                       "Spørgsmål, eller slet kolonnen."), qh);
			kind = COL_UNKNOWN;
		} else if (kind == COL_MATERIAL && !has_material(&rd->qs.q[qi])) {
			problem(rd, c, line, _("spørgsmål %s besvares ikke med ja/nej, så det kan ikke have en kolonne for "
			                       "væsentlig betydning."), rd->qs.q[qi].label);
			kind = COL_UNKNOWN;
		} else {
			for (int k = 1; k < c; k++) {
				if (rd->cols[k].kind == kind && rd->cols[k].q == qi) {
					char other[16];
					problem(rd, c, line, _("kolonnen '%s' findes også i %s."), qh, cell_name(other, k, line));
					kind = COL_UNKNOWN;
					break;
				}
			}
		}
		col->kind = kind;
		col->q = qi;
		nanswer += kind == COL_ANSWER || kind == COL_COMMENT || kind == COL_MATERIAL;
		free(qh);
		free(n);
		free(h);
	}
	if (nanswer == 0 && !has_problems(rd)) {
		problem(rd, 1, line, _("række 1 har ingen spørgsmålskoder. Skriv spørgsmålenes koder (se arket Spørgsmål) i "
		                       "B1, C1 og så videre."));
		rd->stop = 1;
	}
}

/* The stored value an answer cell means, or NULL when the text is no answer to q. */
static const char *answer_value(const Question *q, const char *text)
{
	if (str_eq(q->scale, "text"))
		return text;
	char *n = normalise(text);
	const char *v = NULL;
	if (str_eq(q->scale, "jdn") || str_eq(q->scale, "jn")) {
		if (str_eq(n, "ja"))
			v = "ja";
		else if (str_eq(n, "nej"))
			v = "nej";
		else if (str_eq(n, "ikke relevant"))
			v = "ikke_relevant";
		else if (str_eq(n, "delvist") && str_eq(q->scale, "jdn"))
			v = "delvist";
	} else if (str_eq(q->scale, "choice")) {
		for (size_t k = 0; k < json_array_size(q->choices) && !v; k++) {
			const char *choice = json_string_value(json_array_get(q->choices, k));
			char *cn = normalise(choice ? choice : "");
			if (str_eq(cn, n))
				v = choice;
			free(cn);
		}
	}
	free(n);
	return v;
}

static void *pending_strdup(Reading *rd, const char *s)
{
	rd->p_bytes += strlen(s) + 1;
	return xstrdup(s);
}

/* The answer stored now: value, material, comment. Returns whether there is one. */
static int current_answer(Reading *rd, int64_t case_id, int64_t question_id, char **value, int *material,
                          char **comment)
{
	Stmt *q = &rd->answer_q;
	db_reset(q);
	db_bind_int(q, 1, rd->round->id);
	db_bind_int(q, 2, case_id);
	db_bind_int(q, 3, question_id);
	int found = db_step(q);
	*value = xstrdup(found ? db_col_text(q, 0) : "");
	*material = found ? (int)db_col_int(q, 1) : 0;
	*comment = xstrdup(found ? db_col_text(q, 2) : "");
	db_reset(q);
	return found;
}

/* Checks one question's cells in a row and, when the case is known, what saving them means. */
static void read_question(Reading *rd, long line, const char *const *cells, int qi, int64_t case_id)
{
	const Question *q = &rd->qs.q[qi];
	int ca = rd->cell_answer[qi], cc = rd->cell_comment[qi], cm = rd->cell_material[qi];
	const char *value = NULL, *comment = NULL;
	int material = -1; /* -1: not given */
	int ok = 1;
	char *t = NULL;
	if (ca >= 0) {
		t = trimmed(cells[ca]);
		value = answer_value(q, t);
		char *qt = quoted(t);
		if (!value) {
			if (str_eq(q->scale, "choice"))
				problem(rd, ca, line, _("'%s' er ikke en af svarmulighederne til %s; vælg en på listen (se arket "
				                        "Spørgsmål)."), qt, q->label);
			else
				problem(rd, ca, line, _("'%s' er ikke et gyldigt svar; brug %s."), qt, scale_words(q));
			ok = 0;
		} else if (strlen(value) > SHEET_TEXT_MAX) {
			problem(rd, ca, line, _("teksten er for lang (højst %d tegn)."), SHEET_TEXT_MAX);
			ok = 0;
		}
		free(qt);
	}
	char *tc = NULL;
	if (cc >= 0) {
		tc = trimmed(cells[cc]);
		comment = tc;
		if (strlen(tc) > SHEET_TEXT_MAX) {
			problem(rd, cc, line, _("kommentaren er for lang (højst %d tegn)."), SHEET_TEXT_MAX);
			ok = 0;
		}
	}
	if (cm >= 0) {
		char *tm = trimmed(cells[cm]);
		char *n = normalise(tm);
		if (str_eq(n, "ja"))
			material = 1;
		else if (str_eq(n, "nej"))
			material = 0;
		else {
			char *qm = quoted(tm);
			problem(rd, cm, line, _("'%s' er ikke gyldigt; skriv ja, hvis svaret har væsentlig betydning for "
			                        "afgørelsen, ellers nej."), qm);
			free(qm);
			ok = 0;
		}
		free(n);
		free(tm);
	}
	if (ok && case_id > 0) {
		char *old_value, *old_comment;
		int old_material;
		int exists = current_answer(rd, case_id, q->id, &old_value, &old_material, &old_comment);
		const char *new_value = value ? value : old_value;
		const char *new_comment = comment ? comment : old_comment;
		int partial = str_eq(new_value, "nej") || str_eq(new_value, "delvist");
		int new_material = material >= 0 ? material : (partial ? old_material : 0);
		if (material == 1 && !partial) {
			problem(rd, cm, line, _("væsentlig betydning kan kun angives, når svaret på %s er nej eller delvist."),
			        q->label);
		} else if (exists && str_eq(new_value, old_value) && str_eq(new_comment, old_comment) &&
		           new_material == old_material) {
			rd->res->unchanged++;
		} else if (!exists && !*new_value && !*new_comment && !new_material) {
			/* nothing to store */
		} else if (!has_problems(rd)) {
			if (rd->np == rd->p_cap)
				rd->p = xrealloc(rd->p, (rd->p_cap = rd->p_cap ? rd->p_cap * 2 : 64) * sizeof *rd->p);
			Pending *p = &rd->p[rd->np++];
			p->case_id = case_id;
			p->question_id = q->id;
			p->value = pending_strdup(rd, new_value);
			p->comment = pending_strdup(rd, new_comment);
			p->material = new_material;
			p->row = line;
			p->col = ca >= 0 ? ca : cc >= 0 ? cc : cm;
			p->q = qi;
			p->ca = ca;
			p->cc = cc;
			p->cm = cm;
			p->answer_cell = ca >= 0;
		}
		free(old_value);
		free(old_comment);
	}
	free(t);
	free(tc);
}

static int read_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Reading *rd = ctx;
	if (!rd->have_header) {
		read_header(rd, line, ncells, cells);
		return rd->stop;
	}
	for (int i = 0; i < rd->qs.n; i++)
		rd->cell_answer[i] = rd->cell_comment[i] = rd->cell_material[i] = -1;
	int any = 0, cpr = 0;
	for (int c = 0; c < ncells; c++) {
		char *t = trimmed(cells[c]);
		if (!*t) {
			free(t);
			continue;
		}
		any = 1;
		if (cpr_find(t) >= 0) {
			problem(rd, c, line, _("cellen ligner et CPR-nummer. CPR-numre må ikke skrives i tilsyn; henvis til sagen "
			                       "med sagsnummeret."));
			cpr |= c == 0;
			free(t);
			continue;
		}
		free(t);
		if (c == 0)
			continue;
		Column *col = &rd->cols[c]; /* past the header's last cell: COL_NONE */
		if (col->kind == COL_NONE) {
			if (!col->reported) {
				char head[16];
				problem(rd, c, line, _("kolonnen har ingen overskrift i %s, så det er uklart, hvilket spørgsmål "
				                       "cellen hører til."), cell_name(head, c, rd->header_row));
				col->reported = 1;
			}
			continue;
		}
		if (col->kind == COL_ANSWER)
			rd->cell_answer[col->q] = c;
		else if (col->kind == COL_COMMENT)
			rd->cell_comment[col->q] = c;
		else if (col->kind == COL_MATERIAL)
			rd->cell_material[col->q] = c;
	}
	if (!any)
		return 0;
	rd->res->rows++;

	/* The case. */
	int64_t case_id = 0;
	char *no = trimmed(ncells > 0 ? cells[0] : "");
	char *qno = quoted(no);
	if (cpr) {
		/* reported above */
	} else if (!*no) {
		problem(rd, 0, line, _("sagsnummeret mangler."));
	} else {
		Stmt *q = &rd->case_q;
		db_reset(q);
		db_bind_int(q, 1, rd->round->id);
		db_bind_int(q, 2, rd->round->department_id);
		db_bind_text(q, 3, no);
		if (!db_step(q))
			problem(rd, 0, line, _("sagen '%s' er ikke i tilsynets stikprøve."), qno);
		else if (!str_eq(db_col_text(q, 1), "udtrukket"))
			problem(rd, 0, line, _("sagen '%s' er erstattet i stikprøven, så den skal ikke gennemgås."), qno);
		else
			case_id = db_col_int(q, 0);
		db_reset(q);
	}
	if (case_id) {
		for (size_t i = 0; i < rd->nseen; i++) {
			if (rd->seen_case[i] == case_id) {
				problem(rd, 0, line, _("sagen '%s' står også i række %ld."), qno, rd->seen_row[i]);
				case_id = 0;
				break;
			}
		}
	}
	if (case_id) {
		if (rd->nseen == rd->seen_cap) {
			rd->seen_cap = rd->seen_cap ? rd->seen_cap * 2 : 64;
			rd->seen_case = xrealloc(rd->seen_case, rd->seen_cap * sizeof *rd->seen_case);
			rd->seen_row = xrealloc(rd->seen_row, rd->seen_cap * sizeof *rd->seen_row);
		}
		rd->seen_case[rd->nseen] = case_id;
		rd->seen_row[rd->nseen++] = line;
	}
	free(qno);
	free(no);

	/* The answers. */
	for (int i = 0; i < rd->qs.n; i++) {
		if (rd->cell_answer[i] < 0 && rd->cell_comment[i] < 0 && rd->cell_material[i] < 0)
			continue;
		read_question(rd, line, cells, i, case_id);
	}
	if (rd->p_bytes > SHEET_PENDING_MAX) {
		problem(rd, 0, line, _("arket indeholder for meget tekst (mere end 64 MB)."));
		return 1;
	}
	return 0;
}

/* ---- a stale sheet: cells whose stored answer changed after the sheet was made ---- */

typedef int (*ReadNamedFn)(const void *src, size_t n, const char *sheet, SheetInfo *info, RowFn fn, void *ctx,
                           char *err, size_t errlen);

/* The revisions of one case's answers when the sheet was made; rev[qi] is 0 for no answer. */
typedef struct RevisionRow {
	int64_t case_id;
	int64_t *rev;
} RevisionRow;

struct Revisions {
	int valid;            /* the mark, version and round in row 1 are right */
	int header;           /* row 2 was read */
	int *col_q;           /* column -> question index, or -1 */
	unsigned char *have;  /* per question: a column in the hidden sheet */
	RevisionRow *rows;
	size_t n, cap;
};

/*
** The rule for one cell of a stale sheet. given: the cell's value as it would be stored;
** stored: the stored field now ("" when empty); stored_revision: the stored answer's
** revision now (0: no answer). With have_revision, sheet_revision is the answer's revision
** when the sheet was made (0: none then): the cell conflicts when it differs from what is
** stored and the stored answer changed since. Without (an older or hand-made sheet), it
** conflicts when it differs from a field that is stored: filling in empty answers offline
** stays possible, overwriting someone's answer does not happen unseen. Equal is never a
** conflict. Returns 1 for a conflict.
*/
int sheet_cell_conflict(int have_revision, int64_t sheet_revision, int64_t stored_revision, const char *stored,
                        const char *given)
{
	if (str_eq(stored ? stored : "", given ? given : ""))
		return 0;
	if (have_revision)
		return sheet_revision != stored_revision;
	return stored && *stored;
}

static void revisions_free(Revisions *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->rows[i].rev);
	free(v->rows);
	free(v->col_q);
	free(v->have);
	free(v);
}

/* A RowFn for the hidden sheet. Anything unexpected leaves the sheet without revisions
** (valid = 0), so that the stricter rule applies; it never refuses the sheet by itself. */
static int revisions_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Reading *rd = ctx;
	Revisions *v = rd->revs;
	(void)line;
	if (!v->valid) {
		char round_id[32];
		snprintf(round_id, sizeof round_id, "%lld", (long long)rd->round->id);
		v->valid = ncells >= 3 && str_eq(cells[0], REVISIONS_MARK) && str_eq(cells[1], REVISIONS_VERSION) &&
		           str_eq(cells[2], round_id);
		return !v->valid; /* another round's sheet, or not ours: stop */
	}
	if (!v->header) {
		v->header = 1;
		for (int c = 1; c < ncells; c++) {
			char *n = normalise(cells[c]);
			int qi = *n ? question_by_norm(rd, n, strlen(n)) : -1;
			free(n);
			if (qi >= 0 && !v->have[qi]) {
				v->have[qi] = 1;
				v->col_q[c] = qi;
			}
		}
		return 0;
	}
	/* A case of the sample, once; the revisions are counts, anything else makes them unknown. */
	Stmt *q = &rd->case_q;
	db_reset(q);
	db_bind_int(q, 1, rd->round->id);
	db_bind_int(q, 2, rd->round->department_id);
	db_bind_text(q, 3, cells[0]);
	int64_t case_id = db_step(q) ? db_col_int(q, 0) : 0;
	db_reset(q);
	for (size_t i = 0; i < v->n && case_id; i++)
		if (v->rows[i].case_id == case_id)
			case_id = 0;
	if (!case_id)
		return 0;
	size_t nq = (size_t)rd->qs.n;
	int64_t *rev = xmalloc(nq * sizeof *rev);
	for (size_t i = 0; i < nq; i++)
		rev[i] = v->have[i] ? 0 : -1;
	for (int c = 1; c < ncells; c++) {
		int qi = v->col_q[c];
		int64_t x;
		if (qi < 0 || !*cells[c])
			continue;
		rev[qi] = parse_int64(cells[c], &x) && x > 0 ? x : -1;
	}
	if (v->n == v->cap)
		v->rows = xrealloc(v->rows, (v->cap = v->cap ? v->cap * 2 : 64) * sizeof *v->rows);
	v->rows[v->n++] = (RevisionRow){.case_id = case_id, .rev = rev};
	return 0;
}

/* Reads the hidden sheet into rd->revs. 0, or -1 when the file cannot be read (res->error). */
static int revisions_read(Reading *rd, ReadNamedFn read, const void *src, size_t n)
{
	Revisions *v = rd->revs = xcalloc(1, sizeof *v);
	v->col_q = xmalloc(SHEET_MAX_CELLS * sizeof *v->col_q);
	for (int c = 0; c < SHEET_MAX_CELLS; c++)
		v->col_q[c] = -1;
	v->have = xcalloc((size_t)rd->qs.n, 1);
	SheetInfo info;
	char err[400]; /* room for the words around it in res->error */
	int got = read(src, n, SHEET_REVISIONS, &info, revisions_row, rd, err, sizeof err);
	if (got == -1) {
		snprintf(rd->res->error, sizeof rd->res->error, _("Det skjulte ark %s kan ikke læses: %s"), SHEET_REVISIONS,
		         err);
		return -1;
	}
	if (!v->valid || !v->header) {
		v->valid = 0;
		v->n = 0; /* no revisions: the stricter rule */
	}
	rd->res->revisions = v->valid;
	return 0;
}

/* The answer's revision when the sheet was made: 1 and *rev when known, else 0. */
static int revision_of(const Revisions *v, int64_t case_id, int q, int64_t *rev)
{
	if (!v || !v->valid)
		return 0;
	for (size_t i = 0; i < v->n; i++) {
		if (v->rows[i].case_id == case_id) {
			*rev = v->rows[i].rev[q];
			return *rev >= 0;
		}
	}
	return 0;
}

/* A stored or given field for a message: »ja«, or the words for nothing. */
static char *shown(const char *v, const char *nothing)
{
	if (!v || !*v)
		return xstrdup(nothing);
	char *q = quoted(value_in_sheet(v));
	size_t n = strlen(q) + 8;
	char *out = xmalloc(n);
	snprintf(out, n, "»%s«", q);
	free(q);
	return out;
}

/* Names one conflicting cell with the newer value, who saved it and when. */
static void conflict_problem(Reading *rd, const Pending *p, int col, int kind, int have_revision, const char *case_no,
                             const char *stored, const char *given, const char *who, const char *at)
{
	const char *label = rd->qs.q[p->q].label;
	char what[200];
	if (kind == COL_COMMENT)
		snprintf(what, sizeof what, _("Kommentaren til %s (sag %s)"), label, case_no);
	else if (kind == COL_MATERIAL)
		snprintf(what, sizeof what, _("Væsentlig betydning ved %s (sag %s)"), label, case_no);
	else
		snprintf(what, sizeof what, "%s (sag %s)", label, case_no);
	const char *none = kind == COL_COMMENT ? _("ingen kommentar") : _("intet svar");
	char *now = shown(stored, none), *sheet = shown(given, none);
	char when[64], by[240];
	date_time_danish(at, when);
	if (*who)
		snprintf(by, sizeof by, _("gemt af %s %s"), who, when);
	else
		snprintf(by, sizeof by, _("gemt fra kommandolinjen %s"), when);
	if (have_revision)
		problem(rd, col, p->row, _("%s er ændret, efter arket blev lavet: nu %s, %s; arket siger %s."), what, now, by,
		        sheet);
	else
		problem(rd, col, p->row, _("%s har allerede et andet svar, og arket viser ikke, hvornår det blev lavet: nu %s, "
		                           "%s; arket siger %s."), what, now, by, sheet);
	free(now);
	free(sheet);
}

/*
** Between reading the sheet and saving it: every given cell of a pending answer is checked
** against the stored answer with sheet_cell_conflict. Conflicts are listed as problems (and
** fingerprinted in res->conflict_key) and make the sheet SHEET_CONFLICT, unless o->overwrite,
** which counts them in res->overwritten and lets them be saved. Returns SHEET_STORED (go on
** saving), SHEET_CONFLICT, or SHEET_REFUSED when the hidden sheet cannot be read.
*/
static int sheet_conflicts(Reading *rd, ReadNamedFn read, const void *src, size_t n, const SheetImportOptions *o)
{
	if (rd->np == 0)
		return SHEET_STORED;
	if (revisions_read(rd, read, src, n) != 0)
		return SHEET_REFUSED;
	Stmt q, c;
	db_prepare(&q, rd->db,
	           "SELECT coalesce(a.value, ''), a.material, a.comment, a.revision, coalesce(u.name, ''), a.updated_at"
	           " FROM answer a LEFT JOIN users u ON u.id = a.updated_by"
	           " WHERE a.round_id = ?1 AND a.case_id = ?2 AND a.question_id = ?3");
	db_prepare(&c, rd->db, "SELECT case_no FROM cases WHERE id = ?1");
	crypto_generichash_state hash;
	crypto_generichash_init(&hash, NULL, 0, 32);
	for (size_t i = 0; i < rd->np; i++) {
		Pending *p = &rd->p[i];
		db_reset(&q);
		db_bind_int(&q, 1, rd->round->id);
		db_bind_int(&q, 2, p->case_id);
		db_bind_int(&q, 3, p->question_id);
		int exists = db_step(&q);
		const char *value = exists ? db_col_text(&q, 0) : "";
		const char *material = exists ? (db_col_int(&q, 1) ? "ja" : "nej") : "";
		const char *comment = exists ? db_col_text(&q, 2) : "";
		int64_t revision = exists ? db_col_int(&q, 3) : 0;
		int64_t sheet_rev = 0;
		int have = revision_of(rd->revs, p->case_id, p->q, &sheet_rev);
		const struct { int col, kind; const char *stored, *given; } cells[] = {
			{p->ca, COL_ANSWER, value, p->value},
			{p->cc, COL_COMMENT, comment, p->comment},
			{p->cm, COL_MATERIAL, material, p->material ? "ja" : "nej"},
		};
		for (size_t k = 0; k < COUNT(cells); k++) {
			if (cells[k].col < 0 || !sheet_cell_conflict(have, sheet_rev, revision, cells[k].stored, cells[k].given))
				continue;
			if (o && o->overwrite) {
				rd->res->overwritten++;
				continue;
			}
			rd->res->conflicts++;
			char key[96];
			int len = snprintf(key, sizeof key, "%lld:%lld:%d:%lld;", (long long)p->case_id, (long long)p->question_id,
			                   cells[k].col, (long long)revision);
			crypto_generichash_update(&hash, (const unsigned char *)key, (unsigned long long)len);
			db_reset(&c);
			db_bind_int(&c, 1, p->case_id);
			char *case_no = xstrdup(db_step(&c) ? db_col_text(&c, 0) : "?");
			conflict_problem(rd, p, cells[k].col, cells[k].kind, have, case_no, cells[k].stored, cells[k].given,
			                 exists ? db_col_text(&q, 4) : "", exists ? db_col_text(&q, 5) : "");
			free(case_no);
		}
	}
	db_finalize(&c);
	db_finalize(&q);
	unsigned char digest[32];
	crypto_generichash_final(&hash, digest, sizeof digest);
	if (rd->res->conflicts == 0)
		return SHEET_STORED;
	sodium_bin2hex(rd->res->conflict_key, sizeof rd->res->conflict_key, digest, sizeof digest);
	return SHEET_CONFLICT;
}

static const char *question_code_of(const Reading *rd, int64_t question_id)
{
	for (int i = 0; i < rd->qs.n; i++)
		if (rd->qs.q[i].id == question_id)
			return rd->qs.q[i].code;
	return "?";
}

/* One audit entry per case of the sheet, naming the question codes whose answers it
** changed (a sheet of 30 cases x 40 answers gives 30 entries, not 1200). */
static int audit_sheet_case(Reading *rd, const User *by, int64_t case_id, const char *codes, long changed)
{
	char object[48];
	snprintf(object, sizeof object, "case:%lld", (long long)case_id);
	Buf d;
	buf_init(&d, 0);
	buf_printf(&d, "tilsyn %lld: registreringsark indlæst, %ld svar ændret: %s", (long long)rd->round->id, changed,
	           codes);
	int rc = audit_log(rd->db, &(AuditEntry){.user_id = by->id > 0 ? by->id : 0, .login = by->login,
	                                         .action = "answers_import_case", .department_id = rd->round->department_id,
	                                         .object = object, .detail = buf_cstr(&d),
	                                         .ip = by->id > 0 ? NULL : "kommandolinje"});
	buf_free(&d);
	return rc;
}

static int save_pending(Reading *rd, const User *by)
{
	AnswerState *state = xmalloc(sizeof *state);
	int rc = SHEET_STORED;
	Buf codes;
	buf_init(&codes, 0);
	long changed = 0;
	for (size_t i = 0; i < rd->np && rc == SHEET_STORED; i++) {
		Pending *p = &rd->p[i];
		AnswerInput in = {.value = p->value, .material = p->material, .comment = p->comment, .seen_revision = -1};
		char msg[300] = "";
		int r = answer_save(rd->db, rd->round->id, p->case_id, p->question_id, &in, by, state, msg, sizeof msg);
		if (r == ANSWER_SAVED) {
			rd->res->saved++;
			buf_printf(&codes, "%s%s", changed++ ? ", " : "", question_code_of(rd, p->question_id));
			/* Pending answers come row by row, so a case's answers are together. */
			if ((i + 1 == rd->np || rd->p[i + 1].case_id != p->case_id)) {
				if (audit_sheet_case(rd, by, p->case_id, buf_cstr(&codes), changed) != 0) {
					snprintf(rd->res->error, sizeof rd->res->error, "%s",
					         _("Indlæsningen kunne ikke skrives i logbogen, så intet er gemt."));
					rc = SHEET_FAILED;
				}
				buf_reset(&codes);
				changed = 0;
			}
		} else {
			/* Every cell was checked above, so this is the database failing (or a bug). */
			char cell[16];
			snprintf(rd->res->error, sizeof rd->res->error, _("Svaret i %s kunne ikke gemmes: %s (%s)"),
			         cell_name(cell, p->col, p->row), msg, db_errmsg(rd->db));
			rc = SHEET_FAILED;
		}
	}
	free(state);
	buf_free(&codes);
	return rc;
}

/*
** After saving: each answer the sheet gave that does not count, because its condition's
** question is answered otherwise (or is itself ikke relevant) or is not answered yet, is
** named by its cell (relevance.c decides, on the answers as now stored). Such answers are
** stored all the same: they never count, and the sheet reads back unchanged.
*/
static void note_not_counted(Reading *rd)
{
	Relevance rel;
	relevance_load(rd->db, rd->round->id, &rel);
	int64_t case_id = 0;
	char **values = NULL;
	int *states = xcalloc((size_t)(rel.n ? rel.n : 1), sizeof *states);
	for (size_t k = 0; k < rd->np; k++) {
		const Pending *p = &rd->p[k];
		if (!p->answer_cell || !*p->value)
			continue;
		if (p->case_id != case_id) { /* a case's cells are consecutive */
			relevance_values_free(values, rel.n);
			values = relevance_case_values(rd->db, &rel, rd->round->id, p->case_id, 0);
			relevance_decide(&rel, (const char *const *)values, states);
			case_id = p->case_id;
		}
		int i = relevance_index(&rel, p->question_id);
		if (i < 0 || states[i] == RELEVANCE_ASKED)
			continue;
		rd->res->not_counted++;
		if (rd->res->nnotes >= SHEET_MAX_PROBLEMS)
			continue;
		SheetProblem *n = &rd->res->notes[rd->res->nnotes++];
		char why[256];
		relevance_reason(&rel, (const char *const *)values, states, i, why, sizeof why);
		cell_name(n->cell, p->col, p->row);
		snprintf(n->reason, sizeof n->reason,
		         states[i] == RELEVANCE_NOT_RELEVANT ? _("%s tæller ikke, fordi %s") : _("%s tæller ikke endnu, fordi %s"),
		         rel.q[i].code, why);
	}
	relevance_values_free(values, rel.n);
	free(states);
	relevance_free(&rel);
}

/* "4 rækker læst; 4 svar gemt, heraf 1 der ikke tæller, fordi betingelsen ikke er opfyldt; 0 uændrede." */
void sheet_summary(const SheetResult *res, char *out, size_t n)
{
	if (res->not_counted)
		snprintf(out, n, _("%ld rækker læst; %ld svar gemt, heraf %ld der ikke tæller, fordi betingelsen ikke er "
		                   "opfyldt; %ld uændrede."),
		         res->rows, res->saved, res->not_counted, res->unchanged);
	else
		snprintf(out, n, _("%ld rækker læst; %ld svar gemt, %ld uændrede."), res->rows, res->saved, res->unchanged);
}

typedef int (*ReadFn)(const void *src, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen);

static int read_path(const void *src, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen)
{
	(void)n;
	return xlsx_read_file(src, info, fn, ctx, err, errlen);
}

static int read_path_named(const void *src, size_t n, const char *sheet, SheetInfo *info, RowFn fn, void *ctx,
                           char *err, size_t errlen)
{
	(void)n;
	return xlsx_read_sheet_file(src, sheet, info, fn, ctx, err, errlen);
}

/*
** Reads a filled sheet and, when every cell is right, saves its answers in the caller's
** transaction (the caller rolls back on anything but SHEET_STORED). Returns SHEET_STORED,
** SHEET_REFUSED (bad input: res->problems and/or res->error say what and where; nothing
** saved), SHEET_CONFLICT (cells would undo newer answers: res->problems names them; nothing
** saved), SHEET_CLOSED (the round is finished; res->error says so) or SHEET_FAILED (the
** database failed).
*/
static int import(Db *db, const Round *r, ReadFn read, ReadNamedFn read_named, const void *src, size_t n,
                  const User *by, const SheetImportOptions *o, SheetResult *res)
{
	memset(res, 0, sizeof *res);
	if (round_writable(db, r->id, res->error, sizeof res->error) != 0)
		return SHEET_CLOSED;
	Reading *rd = xcalloc(1, sizeof *rd);
	rd->db = db;
	rd->round = r;
	rd->res = res;
	questions_load(db, r->id, &rd->qs);
	if (rd->qs.n == 0) {
		snprintf(res->error, sizeof res->error, "%s", _("Tilsynet har ingen spørgsmål (intet spørgekatalog)."));
		free(rd);
		return SHEET_REFUSED;
	}
	size_t nq = (size_t)rd->qs.n;
	rd->cell_answer = xmalloc(nq * sizeof(int));
	rd->cell_comment = xmalloc(nq * sizeof(int));
	rd->cell_material = xmalloc(nq * sizeof(int));
	db_prepare(&rd->case_q, db,
	           "SELECT c.id, rc.status FROM cases c JOIN round_case rc ON rc.case_id = c.id AND rc.round_id = ?1"
	           " WHERE c.department_id = ?2 AND c.case_no = ?3");
	db_prepare(&rd->answer_q, db,
	           "SELECT coalesce(value, ''), material, comment FROM answer WHERE round_id = ?1 AND case_id = ?2"
	           " AND question_id = ?3");
	SheetInfo info;
	char err[512];
	int got = read(src, n, &info, read_row, rd, err, sizeof err);
	int rc;
	if (got < 0) {
		snprintf(res->error, sizeof res->error, "%s", err);
		rc = SHEET_REFUSED;
	} else if (has_problems(rd)) {
		rc = SHEET_REFUSED;
	} else if (!rd->have_header) {
		snprintf(res->error, sizeof res->error, "%s",
		         _("Arket er tomt. Første række skal være overskrifterne: Sagsnummer og spørgsmålenes koder."));
		rc = SHEET_REFUSED;
	} else if (res->rows == 0) {
		snprintf(res->error, sizeof res->error, "%s", _("Arket har ingen rækker med sager under overskrifterne."));
		rc = SHEET_REFUSED;
	} else {
		rc = sheet_conflicts(rd, read_named, src, n, o);
		if (rc == SHEET_STORED)
			rc = save_pending(rd, by);
		if (rc == SHEET_STORED)
			note_not_counted(rd);
	}
	db_finalize(&rd->case_q);
	db_finalize(&rd->answer_q);
	for (size_t i = 0; i < rd->np; i++) {
		free(rd->p[i].value);
		free(rd->p[i].comment);
	}
	free(rd->p);
	free(rd->seen_case);
	free(rd->seen_row);
	free(rd->cell_answer);
	free(rd->cell_comment);
	free(rd->cell_material);
	revisions_free(rd->revs);
	questions_free(&rd->qs);
	free(rd);
	if (rc != SHEET_STORED)
		res->saved = 0;
	return rc;
}

int sheet_import_file_opt(Db *db, const Round *r, const char *path, const User *by, const SheetImportOptions *o,
                          SheetResult *res)
{
	return import(db, r, read_path, read_path_named, path, 0, by, o, res);
}

int sheet_import_mem_opt(Db *db, const Round *r, const void *data, size_t n, const User *by,
                         const SheetImportOptions *o, SheetResult *res)
{
	return import(db, r, xlsx_read_mem, xlsx_read_sheet_mem, data, n, by, o, res);
}

int sheet_import_file(Db *db, const Round *r, const char *path, const User *by, SheetResult *res)
{
	return sheet_import_file_opt(db, r, path, by, NULL, res);
}

int sheet_import_mem(Db *db, const Round *r, const void *data, size_t n, const User *by, SheetResult *res)
{
	return sheet_import_mem_opt(db, r, data, n, by, NULL, res);
}
