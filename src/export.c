/*
** The lists a leader sees, as spreadsheets (xlsx, libxlsxwriter): the case list with the
** page's filters, a round's sample, its review progress and its results, the department's
** actions (tiltag) and the annual plan. Each route has the permission of the page it
** exports (routes.c). Counts and proportions are number cells and dates are date cells, so
** that they sort, filter and sum in Excel; a change against the previous round is three
** numbers (change, interval from, to), not a sentence. Text that came from outside is
** defused as csv_write.c does it: a spreadsheet would run text starting with = + - @ (or tab
** or CR) as a formula once the cell is edited, so such a text gets a leading '. An export
** of case numbers is audited as the page showing them is.
*/
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef struct Sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *date, *stamp, *pct, *wrap;
	int row, ncols;
	char path[512];
} Sheet;

/* The heading row frozen, and an autofilter over the rows written. */
static void sheet_finish(Sheet *s)
{
	if (s->row > 1)
		worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)(s->row - 1), (lxw_col_t)(s->ncols - 1));
	worksheet_freeze_panes(s->ws, 1, 0);
}

/* A new sheet (after the one before is finished) whose first row holds the column headings. */
static void sheet_add(Sheet *s, const char *name, const char *const *heads, int ncols)
{
	if (s->ws)
		sheet_finish(s);
	s->ws = workbook_add_worksheet(s->wb, name);
	s->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		worksheet_write_string(s->ws, 0, (lxw_col_t)c, heads[c], s->head);
		worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, strlen(heads[c]) > 12 ? 20 : 14, NULL);
	}
	s->row = 1;
}

/* A workbook in a private temporary file (libxlsxwriter writes files), with its first sheet. */
static int sheet_open(Sheet *s, const char *name, const char *const *heads, int ncols)
{
	memset(s, 0, sizeof *s);
	const char *dir = getenv("TMPDIR");
	snprintf(s->path, sizeof s->path, "%s/tilsyn-liste-XXXXXX", dir && *dir && strlen(dir) < 400 ? dir : "/tmp");
	int fd = mkstemp(s->path);
	if (fd < 0)
		return -1;
	close(fd);
	s->wb = workbook_new(s->path);
	if (!s->wb) {
		unlink(s->path);
		return -1;
	}
	s->head = workbook_add_format(s->wb);
	format_set_bold(s->head);
	format_set_bg_color(s->head, 0xDDE7EE);
	format_set_bottom(s->head, LXW_BORDER_THIN);
	s->date = workbook_add_format(s->wb);
	format_set_num_format(s->date, "dd-mm-yyyy");
	s->stamp = workbook_add_format(s->wb);
	format_set_num_format(s->stamp, "dd-mm-yyyy hh:mm");
	s->pct = workbook_add_format(s->wb);
	format_set_num_format(s->pct, "0.0 %");
	s->wrap = workbook_add_format(s->wb);
	format_set_text_wrap(s->wrap);
	sheet_add(s, name, heads, ncols);
	return 0;
}

static void text(Sheet *s, int col, const char *v)
{
	if (!v || !*v)
		return;
	char *defused = csv_text_is_formula(v) ? xmalloc(strlen(v) + 2) : NULL;
	if (defused)
		sprintf(defused, "'%s", v);
	worksheet_write_string(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, defused ? defused : v, NULL);
	free(defused);
}

static void number(Sheet *s, int col, double v)
{
	worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, v, NULL);
}

static void share(Sheet *s, int col, double v)
{
	worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, v, s->pct);
}

/* A yyyy-mm-dd date as a date cell; nothing for "" or a text that is no date. */
static void day(Sheet *s, int col, const char *iso)
{
	int y, m, d;
	char ymd[11];
	snprintf(ymd, sizeof ymd, "%.10s", iso ? iso : "");
	if (!date_ymd(ymd, &y, &m, &d))
		return;
	lxw_datetime dt = {.year = y, .month = m, .day = d};
	worksheet_write_datetime(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, &dt, s->date);
}

/* A UTC time stamp (yyyy-mm-ddThh:mm...Z) as a date-and-time cell in Danish time. */
static void moment(Sheet *s, int col, const char *iso)
{
	int y, m, d;
	long minute;
	if (!date_danish_parts(iso, &y, &m, &d, &minute))
		return;
	lxw_datetime dt = {.year = y, .month = m, .day = d, .hour = (int)(minute / 60), .min = (int)(minute % 60)};
	worksheet_write_datetime(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, &dt, s->stamp);
}

/* Closes the workbook and sends it as the response (file name without the extension). */
static void sheet_send(Req *r, Sheet *s, const char *file)
{
	sheet_finish(s);
	lxw_doc_properties props = {.title = (char *)file, .author = (char *)"tilsyn", .company = (char *)r->dept->name};
	workbook_set_properties(s->wb, &props);
	lxw_error e = workbook_close(s->wb);
	FILE *f = e == LXW_NO_ERROR ? fopen(s->path, "rb") : NULL;
	if (!f) {
		unlink(s->path);
		http_error(r, 500, _("Regnearket kunne ikke laves. Prøv igen."));
		return;
	}
	buf_reset(&r->out);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&r->out, chunk, got);
	fclose(f);
	unlink(s->path);
	r->content_type = XLSX_TYPE;
	http_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s.xlsx\"", file));
}

static int open_or_fail(Req *r, Sheet *s, const char *name, const char *const *heads, int ncols)
{
	if (sheet_open(s, name, heads, ncols) == 0)
		return 1;
	http_error(r, 500, arena_printf(r->arena, _("Der kunne ikke oprettes en midlertidig fil (%s)."), strerror(errno)));
	return 0;
}

static void audit_export(Req *r, const char *action, const char *object, const char *detail)
{
	req_audit(r, action, object, detail);
}

static const char *round_object(Req *r, const Round *rd)
{
	return arena_printf(r->arena, "round:%lld", (long long)rd->id);
}

/* ---- the case list, with the filters of the page (page_cases.c) ---- */

void page_export_cases(Req *r)
{
	CaseFilter f;
	if (!case_filter_read(r, &f))
		return;
	static const char *const heads[] = {"Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Ydelse", "Oprettet",
	                                    "Seneste afgørelse", "Team"};
	Sheet s;
	if (!open_or_fail(r, &s, "Sagsliste", heads, (int)COUNT(heads)))
		return;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT case_no, advisor, target, provision, benefit, opened, decided, team FROM cases" CASE_FILTER_WHERE
	           " ORDER BY advisor, case_no");
	case_filter_bind(r, &q, &f);
	for (; db_step(&q); s.row++) {
		for (int c = 0; c < 5; c++)
			text(&s, c, db_col_text(&q, c));
		day(&s, 5, db_col_text(&q, 5));
		day(&s, 6, db_col_text(&q, 6));
		text(&s, 7, db_col_text(&q, 7));
	}
	db_finalize(&q);
	int64_t n = s.row - 1;
	sheet_send(r, &s, arena_printf(r->arena, "sagsliste-%s", r->dept->code));
	audit_export(r, "cases_export", "cases",
	             arena_printf(r->arena, "sagsliste hentet som regneark (%lld sager%s)", (long long)n,
	                          case_filter_active(&f) ? ", filtreret" : ""));
}

/* ---- a round's sample, as its page lists it ---- */

void page_export_sample(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	static const char *const heads[] = {"Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Ydelse", "Team",
	                                    "Status", "Begrundelse for at erstatte"};
	Sheet s;
	if (!open_or_fail(r, &s, "Stikprøve", heads, (int)COUNT(heads)))
		return;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.case_no, c.advisor, c.target, c.provision, c.benefit, c.team, rc.status, rc.replaced_reason"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1"
	           " ORDER BY rc.status DESC, rc.sample_key");
	db_bind_int(&q, 1, rd.id);
	int64_t sampled = 0;
	for (; db_step(&q); s.row++) {
		for (int c = 0; c < 8; c++)
			text(&s, c, db_col_text(&q, c));
		sampled += str_eq(db_col_text(&q, 6), "udtrukket");
	}
	db_finalize(&q);
	sheet_send(r, &s, arena_printf(r->arena, "stikproeve-tilsyn-%lld", (long long)rd.id));
	audit_export(r, "round_sample_export", round_object(r, &rd),
	             arena_printf(r->arena, "stikprøve hentet som regneark (%lld sager)", (long long)sampled));
}

/* ---- a round's review progress: who reviews which case and how far it has come ---- */

static const char *review_status_title(const char *s)
{
	return str_eq(s, "faerdig") ? _("færdig") : str_eq(s, "i_gang") ? _("i gang") : _("ikke startet");
}

void page_export_review(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	static const char *const heads[] = {"Sagsnummer", "Rådgiver", "Gennemgås af", "Status", "Besvarede spørgsmål",
	                                    "Spørgsmål i alt", "Ubesvarede", "Akut bekymring", "Må bruges som eksempel"};
	Sheet s;
	if (!open_or_fail(r, &s, "Gennemgang", heads, (int)COUNT(heads)))
		return;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.id, c.case_no, c.advisor, coalesce(u.name, ''), rc.review_status, rc.acute, rc.example_consent"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id LEFT JOIN users u ON u.id = rc.reviewer_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY rc.sample_key");
	db_bind_int(&q, 1, rd.id);
	for (; db_step(&q); s.row++) {
		int answered = 0, relevant = 0;
		review_counts(r->db, rd.id, db_col_int(&q, 0), &answered, &relevant);
		text(&s, 0, db_col_text(&q, 1));
		text(&s, 1, db_col_text(&q, 2));
		text(&s, 2, *db_col_text(&q, 3) ? db_col_text(&q, 3) : _("ingen endnu"));
		text(&s, 3, review_status_title(db_col_text(&q, 4)));
		number(&s, 4, answered);
		number(&s, 5, relevant);
		number(&s, 6, relevant - answered);
		text(&s, 7, db_col_int(&q, 5) ? _("ja") : "");
		text(&s, 8, db_col_int(&q, 6) ? _("ja") : "");
	}
	db_finalize(&q);
	int64_t n = s.row - 1;
	sheet_send(r, &s, arena_printf(r->arena, "gennemgang-tilsyn-%lld", (long long)rd.id));
	audit_export(r, "review_progress_export", round_object(r, &rd),
	             arena_printf(r->arena, "gennemgangens fremdrift hentet som regneark (%lld sager)", (long long)n));
}

/* ---- a round's results: per question, then per category and for the whole round ---- */

enum { R_YES = 4, R_FULFILLED = 10, R_PREV = 13 };

/* Columns R_YES..: ja delvist nej ikke-relevant ubesvaret væsentlig, opfyldt with its
** interval, and the previous round's figure with the change as three numbers and the verdict. */
static void result_cells(Sheet *s, const int64_t counts[6], int has, double fulfilled, double low, double high,
                         int64_t prev_round, double prev, double diff, double diff_low, double diff_high)
{
	for (int i = 0; i < 6; i++)
		number(s, R_YES + i, (double)counts[i]);
	if (has) {
		share(s, R_FULFILLED, fulfilled);
		share(s, R_FULFILLED + 1, low);
		share(s, R_FULFILLED + 2, high);
	}
	if (prev_round && has) {
		share(s, R_PREV, prev);
		share(s, R_PREV + 1, diff);
		share(s, R_PREV + 2, diff_low);
		share(s, R_PREV + 3, diff_high);
		text(s, R_PREV + 4, stats_verdict_title(diff_low, diff_high));
	}
}

static void group_row(Sheet *s, const ResultGroup *g, const char *title)
{
	text(s, 1, title);
	number(s, 3, g->nquestions);
	const int64_t counts[6] = {g->yes, g->partly, g->no, g->not_relevant, g->unanswered, g->material};
	result_cells(s, counts, g->has_fulfilled, g->fulfilled, g->ci_low, g->ci_high, g->prev_round, g->prev_fulfilled,
	             g->diff, g->diff_low, g->diff_high);
	s->row++;
}

void page_export_results(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	static const char *const heads[] = {"Kode", "Spørgsmål", "Kategori", "Spørgsmål i gruppen", "Ja", "Delvist", "Nej",
	                                    "Ikke relevant", "Ubesvaret", "Væsentlig betydning", "Opfyldt",
	                                    "95 %-interval fra", "95 %-interval til", "Opfyldt sidst", "Ændring",
	                                    "Ændring fra", "Ændring til", "Vurdering"};
	Sheet s;
	if (!open_or_fail(r, &s, "Resultater", heads, (int)COUNT(heads)))
		return;
	RoundResults rr;
	results_compute(r->db, &rd, NULL, &rr);
	worksheet_set_column(s.ws, 1, 1, 60, s.wrap);
	for (int i = 0; i < rr.nq; i++, s.row++) {
		const QuestionResult *x = &rr.q[i];
		text(&s, 0, x->code);
		text(&s, 1, x->text);
		text(&s, 2, results_category_title(x->category));
		const int64_t counts[6] = {x->yes, x->partly, x->no, x->not_relevant, x->unanswered, x->material};
		result_cells(&s, counts, x->has_fulfilled, x->fulfilled, x->ci_low, x->ci_high, x->prev_round,
		             x->prev_fulfilled, x->diff, x->diff_low, x->diff_high);
	}
	sheet_add(&s, "Pr. kategori", heads, (int)COUNT(heads));
	for (int k = 0; k < RESULT_CATEGORIES; k++)
		if (rr.categories[k].nquestions)
			group_row(&s, &rr.categories[k], results_category_title(rr.categories[k].name));
	group_row(&s, &rr.total, _("Hele tilsynet"));
	results_release(&rr);
	sheet_send(r, &s, arena_printf(r->arena, "resultater-tilsyn-%lld", (long long)rd.id));
}

/* ---- the department's actions (tiltag) ---- */

void page_export_actions(Req *r)
{
	static const char *const heads[] = {"Tiltag", "Ansvarlig", "Frist", "Status", "Overskredet", "Tilsyn",
	                                    "Sidst ændret"};
	Sheet s;
	if (!open_or_fail(r, &s, "Tiltag", heads, (int)COUNT(heads)))
		return;
	worksheet_set_column(s.ws, 0, 0, 40, NULL);
	char today[11];
	date_today(today);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT a.title, coalesce(u.name, ''), coalesce(a.due, ''), a.status, coalesce(rd.title, ''), a.updated_at"
	           " FROM action_item a LEFT JOIN users u ON u.id = a.owner_id LEFT JOIN round rd ON rd.id = a.round_id"
	           " WHERE a.department_id = ?1"
	           " ORDER BY a.status IN ('gennemfoert', 'opgivet'), a.due IS NULL, a.due, a.id");
	db_bind_int(&q, 1, r->dept->id);
	for (; db_step(&q); s.row++) {
		text(&s, 0, db_col_text(&q, 0));
		text(&s, 1, db_col_text(&q, 1));
		day(&s, 2, db_col_text(&q, 2));
		text(&s, 3, action_status_title(db_col_text(&q, 3)));
		text(&s, 4, action_overdue(db_col_text(&q, 2), db_col_text(&q, 3), today) ? _("ja") : "");
		text(&s, 5, db_col_text(&q, 4));
		moment(&s, 6, db_col_text(&q, 5));
	}
	db_finalize(&q);
	sheet_send(r, &s, arena_printf(r->arena, "tiltag-%s", r->dept->code));
}

/* ---- the annual plan (årshjul) of ?year= ---- */

void page_export_plan(Req *r)
{
	char today[11];
	int year;
	if (!page_plan_year(r, today, &year))
		return;
	static const char *const heads[] = {"Tilsyn", "Type", "Fase", "Start", "Slut", "Planlagt start", "Planlagt slut",
	                                    "Udtrukne sager", "Planlagte sager", "Temaer", "Gennemgang begyndt",
	                                    "Afsluttet"};
	Sheet s;
	if (!open_or_fail(r, &s, arena_printf(r->arena, "Årshjul %d", year), heads, (int)COUNT(heads)))
		return;
	worksheet_set_column(s.ws, 0, 0, 36, NULL);
	Plan p;
	plan_build(r->db, r->dept, year, today, &p);
	for (int i = 0; i < p.nrounds; i++, s.row++) {
		const PlanRound *x = &p.rounds[i];
		text(&s, 0, x->title);
		text(&s, 1, round_kind_title(x->kind));
		text(&s, 2, phase_title(x->phase));
		day(&s, 3, x->start);
		day(&s, 4, x->end);
		day(&s, 5, x->planned_start);
		day(&s, 6, x->planned_end);
		if (x->is_sampled)
			number(&s, 7, (double)x->sampled);
		if (x->planned_cases >= 0)
			number(&s, 8, (double)x->planned_cases);
		Buf themes;
		buf_init(&themes, 0);
		for (int t = 0; t < x->nthemes; t++)
			buf_printf(&themes, "%s%s", t ? ", " : "", x->theme_titles[t] ? x->theme_titles[t] : x->themes[t]);
		text(&s, 9, buf_cstr(&themes));
		buf_free(&themes);
		day(&s, 10, x->review_started);
		day(&s, 11, x->finished);
	}
	if (p.nwarnings) {
		static const char *const wheads[] = {"Advarsel", "Hvad planen mangler"};
		sheet_add(&s, "Advarsler", wheads, (int)COUNT(wheads));
		worksheet_set_column(s.ws, 1, 1, 80, NULL);
		for (int i = 0; i < p.nwarnings; i++, s.row++) {
			text(&s, 0, plan_warning_title(p.warnings[i].code));
			text(&s, 1, p.warnings[i].message);
		}
	}
	plan_free(&p);
	sheet_send(r, &s, arena_printf(r->arena, "aarshjul-%s-%d", r->dept->code, year));
}
