/*
** The report as an Excel workbook (libxlsxwriter): "Resultater" with the table per
** question, per category and a native bar chart of "opfyldt"; "Svar" with one row per case
** in the report and one column per question; "Kommentarer" with the reviewers' comments;
** "Om rapporten" with the working group's texts and how to read the figures. It shows
** exactly what the model (report.c) holds. (libxlsxwriter 1.1 has no custom error bars, so
** the 95 % interval is in the table's columns, not in the chart.)
*/
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct X {
	lxw_workbook *wb;
	lxw_format *bold, *head, *title, *pct, *change, *wrap, *hint, *date, *time;
} X;

static void num(lxw_worksheet *ws, int row, int col, int64_t v)
{
	worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)v, NULL);
}

static void str(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
	worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s ? s : "", f);
}

/* A yyyy-mm-dd date as a real date cell; nothing when there is none. */
static void date_cell(X *x, lxw_worksheet *ws, int row, int col, const char *ymd)
{
	int y, m, d;
	if (!date_ymd(ymd, &y, &m, &d))
		return;
	lxw_datetime dt = {y, m, d, 0, 0, 0};
	worksheet_write_datetime(ws, (lxw_row_t)row, (lxw_col_t)col, &dt, x->date);
}

static void results_sheet(X *x, const Report *rp)
{
	const Round *r = &rp->round;
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Resultater");
	int own = rp->audience == REPORT_RAADGIVER;
	char s[600];
	snprintf(s, sizeof s, "%s – %s", report_audience_title(rp->audience), r->title);
	str(ws, 0, 0, s, x->title);
	snprintf(s, sizeof s, "%s · %s%s%s%s", rp->dept.name, round_kind_title(r->kind), own ? " · til " : "",
	         own ? rp->advisor : "", rp->text.final ? "" : " · KLADDE");
	str(ws, 1, 0, s, NULL);
	snprintf(s, sizeof s, "Stikprøve: %lld sager, %lld gennemgået helt eller delvist, %lld færdige.",
	         (long long)rp->sampled, (long long)rp->answered, (long long)rp->finished);
	str(ws, 2, 0, s, NULL);
	/* When it was made and the period, as date cells (Danish time). */
	int y, m, d;
	long minute;
	str(ws, 3, 0, "Lavet", x->bold);
	if (date_danish_parts(rp->made_at, &y, &m, &d, &minute)) {
		lxw_datetime made = {y, m, d, (int)(minute / 60), (int)(minute % 60), 0};
		worksheet_write_datetime(ws, 3, 1, &made, x->time);
	}
	str(ws, 3, 2, "Periode", x->bold);
	date_cell(x, ws, 3, 3, r->planned_start);
	date_cell(x, ws, 3, 4, r->planned_end);
	static const char *const heads[] = {"Kode", "Spørgsmål", "Afsnit", "Kategori", "Ja", "Delvist", "Nej",
	                                    "Ikke relevant", "Ubesvaret", "Opfyldt", "Interval fra", "Interval til",
	                                    "Væsentlig betydning", "Ændring siden sidst", "Ændring fra", "Ændring til",
	                                    "Vurdering", "Dine ja", "Dine delvist", "Dine nej"};
	int ncols = own ? 20 : 17, hr = 4;
	for (int c = 0; c < ncols; c++)
		str(ws, hr, c, heads[c], x->head);
	worksheet_set_column(ws, 0, 0, 10, NULL);
	worksheet_set_column(ws, 1, 1, 60, x->wrap);
	worksheet_set_column(ws, 2, 3, 18, NULL);
	worksheet_set_column(ws, 4, 8, 9, NULL);
	worksheet_set_column(ws, 9, 11, 11, x->pct);
	worksheet_set_column(ws, 12, 12, 11, NULL);
	worksheet_set_column(ws, 13, 15, 11, x->change);
	worksheet_set_column(ws, 16, 16, 20, NULL);
	int row = hr + 1;
	for (int i = 0; i < rp->nq; i++, row++) {
		const QuestionResult *q = &rp->q[i];
		str(ws, row, 0, q->code, NULL);
		str(ws, row, 1, q->text, x->wrap);
		str(ws, row, 2, q->section, NULL);
		str(ws, row, 3, report_category_title(q->category), NULL);
		if (rp->suppressed[i]) {
			str(ws, row, 4, report_suppressed_text(), x->hint);
		} else {
			num(ws, row, 4, q->yes);
			num(ws, row, 5, q->partly);
			num(ws, row, 6, q->no);
			num(ws, row, 7, q->not_relevant);
			num(ws, row, 8, q->unanswered);
			if (q->has_fulfilled) {
				worksheet_write_number(ws, (lxw_row_t)row, 9, q->fulfilled, x->pct);
				worksheet_write_number(ws, (lxw_row_t)row, 10, q->ci_low, x->pct);
				worksheet_write_number(ws, (lxw_row_t)row, 11, q->ci_high, x->pct);
			}
			num(ws, row, 12, q->material);
			/* The change as three numbers (proportions shown as signed percentages) and the verdict,
			** as the results export has it, so that it can be sorted and compared. */
			if (rp->show_change[i]) {
				worksheet_write_number(ws, (lxw_row_t)row, 13, q->diff, x->change);
				worksheet_write_number(ws, (lxw_row_t)row, 14, q->diff_low, x->change);
				worksheet_write_number(ws, (lxw_row_t)row, 15, q->diff_high, x->change);
				str(ws, row, 16, stats_verdict_title(q->diff_low, q->diff_high), NULL);
			}
		}
		if (own) {
			num(ws, row, 17, rp->own_yes[i]);
			num(ws, row, 18, rp->own_partly[i]);
			num(ws, row, 19, rp->own_no[i]);
		}
	}
	int last = row - 1;
	row++;
	str(ws, row++, 0, "Pr. kategori og samlet", x->bold);
	static const char *const cheads[] = {"Kategori", "", "Spørgsmål", "", "Ja", "Delvist", "Nej", "", "", "Opfyldt",
	                                     "", "", "Væsentlig betydning"};
	for (int c = 0; c < 13; c++)
		if (*cheads[c])
			str(ws, row, c, cheads[c], x->head);
	row++;
	for (int k = 0; k < 4; k++) {
		const ReportCategory *c = k < 3 ? &rp->cat[k] : &rp->total;
		if (!c->nquestions && k < 3)
			continue;
		str(ws, row, 0, c->title, x->bold);
		int64_t base = c->yes + c->partly + c->no;
		if (c->suppressed || !base) {
			str(ws, row, 4, c->suppressed ? report_suppressed_text() : "ingen vurderinger", x->hint);
		} else {
			num(ws, row, 2, c->nquestions);
			num(ws, row, 4, c->yes);
			num(ws, row, 5, c->partly);
			num(ws, row, 6, c->no);
			worksheet_write_number(ws, (lxw_row_t)row, 9, (double)c->yes / (double)base, x->pct);
			num(ws, row, 12, c->material);
		}
		row++;
	}
	row++;
	str(ws, row++, 0, "Opfyldt = ja / (ja + delvist + nej). Intervallet er et 95 %-interval (Wilson).", x->hint);
	str(ws, row++, 0,
	    "Ændringen er forskellen i procentpoint mod sidste sammenlignelige tilsyn, med sit 95 %-interval (fra og til).",
	    x->hint);
	if (rp->audience != REPORT_LEDELSE)
		str(ws, row++, 0, "Et tal, der bygger på færre end 5 sager, vises ikke.", x->hint);

	/* The native chart: opfyldt per question (suppressed rows are empty and leave a gap). */
	if (rp->nq > 0) {
		lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_BAR);
		lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(series, "Resultater", (lxw_row_t)(hr + 1), 0, (lxw_row_t)last, 0);
		chart_series_set_values(series, "Resultater", (lxw_row_t)(hr + 1), 9, (lxw_row_t)last, 9);
		chart_series_set_name(series, "Opfyldt");
		lxw_chart_fill fill = {.color = 0x0072B2};
		chart_series_set_fill(series, &fill);
		chart_title_set_name(chart, "Opfyldt pr. spørgsmål");
		/* In a bar chart the values run along x and the categories along y. */
		chart_axis_set_min(chart->x_axis, 0);
		chart_axis_set_max(chart->x_axis, 1);
		chart_axis_set_num_format(chart->x_axis, "0 %");
		chart_axis_set_reverse(chart->y_axis);
		chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
		lxw_chart_options opts = {.x_scale = 1.4, .y_scale = 1.0 + rp->nq / 12.0};
		worksheet_insert_chart_opt(ws, (lxw_row_t)(row + 1), 1, chart, &opts);
	}
	worksheet_freeze_panes(ws, (lxw_row_t)(hr + 1), 1);
}

/* One row per case, one column per question (the results' questions first, then any other). */
static void answers_sheet(X *x, const Report *rp)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Svar");
	int staff = rp->audience == REPORT_MEDARBEJDERE;
	int lead = rp->audience == REPORT_LEDELSE ? 3 : staff ? 1 : 2;
	const char **codes = xcalloc((size_t)rp->nq + 1, sizeof *codes);
	int ncodes = 0, cap = rp->nq + 1;
	for (int i = 0; i < rp->nq; i++)
		codes[ncodes++] = rp->q[i].code;
	for (int c = 0; c < rp->ncases; c++)
		for (int k = 0; k < rp->cases[c].nanswers; k++) {
			const char *code = rp->cases[c].answers[k].code;
			int seen = 0;
			for (int j = 0; j < ncodes && !seen; j++)
				seen = str_eq(codes[j], code);
			if (seen)
				continue;
			if (ncodes == cap)
				codes = xrealloc(codes, (size_t)(cap *= 2) * sizeof *codes);
			codes[ncodes++] = code;
		}
	str(ws, 0, 0, staff ? "Eksempel" : "Sagsnummer", x->head);
	if (!staff)
		str(ws, 0, 1, rp->audience == REPORT_LEDELSE ? "Rådgiver" : "Paragraf", x->head);
	if (rp->audience == REPORT_LEDELSE)
		str(ws, 0, 2, "Gennemgang", x->head);
	for (int j = 0; j < ncodes; j++)
		str(ws, 0, lead + j, codes[j], x->head);
	worksheet_set_column(ws, 0, 0, staff ? 12 : 24, NULL);
	if (!staff)
		worksheet_set_column(ws, 1, 2, 18, NULL);
	for (int c = 0; c < rp->ncases; c++) {
		const ReportCase *rc = &rp->cases[c];
		int row = c + 1;
		if (staff) {
			char name[32];
			snprintf(name, sizeof name, "Eksempel %d", c + 1);
			str(ws, row, 0, name, NULL);
		} else {
			str(ws, row, 0, rc->case_no, NULL);
			str(ws, row, 1, rp->audience == REPORT_LEDELSE ? rc->advisor : rc->provision, NULL);
			if (rp->audience == REPORT_LEDELSE)
				str(ws, row, 2,
				    str_eq(rc->review_status, "faerdig") ? "færdig" : str_eq(rc->review_status, "i_gang") ? "i gang"
				                                                                                        : "ikke startet",
				    NULL);
		}
		for (int k = 0; k < rc->nanswers; k++)
			for (int j = 0; j < ncodes; j++)
				if (str_eq(codes[j], rc->answers[k].code)) {
					str(ws, row, lead + j, answer_value_title(rc->answers[k].value), NULL);
					break;
				}
	}
	if (staff && !rp->ncases)
		str(ws, 1, 0, "Ingen rådgiver har givet lov til, at en sag bruges som eksempel.", x->hint);
	else if (staff)
		str(ws, rp->ncases + 2, 0,
		    "Kun sager, hvor rådgiveren har givet lov til brug som eksempel; uden sagsnummer og rådgiver.", x->hint);
	worksheet_freeze_panes(ws, 1, (lxw_col_t)lead);
	free(codes);
}

static void comments_sheet(X *x, const Report *rp)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Kommentarer");
	if (rp->audience == REPORT_MEDARBEJDERE) {
		str(ws, 0, 0, "Bemærkningerne fra gennemgangen er udeladt i rapporten til medarbejderne.", x->hint);
		return;
	}
	static const char *const heads[] = {"Sagsnummer", "Kode", "Spørgsmål", "Svar", "Væsentlig betydning", "Bemærkning"};
	for (int c = 0; c < 6; c++)
		str(ws, 0, c, heads[c], x->head);
	worksheet_set_column(ws, 0, 0, 24, NULL);
	worksheet_set_column(ws, 2, 2, 50, x->wrap);
	worksheet_set_column(ws, 5, 5, 60, x->wrap);
	int row = 1;
	for (int c = 0; c < rp->ncases; c++)
		for (int k = 0; k < rp->cases[c].nanswers; k++) {
			const ReportAnswer *a = &rp->cases[c].answers[k];
			if (str_empty(a->comment))
				continue;
			str(ws, row, 0, rp->cases[c].case_no, NULL);
			str(ws, row, 1, a->code, NULL);
			str(ws, row, 2, a->text, x->wrap);
			str(ws, row, 3, answer_value_title(a->value), NULL);
			str(ws, row, 4, a->material ? "ja" : "", NULL);
			str(ws, row, 5, a->comment, x->wrap);
			row++;
		}
	if (row == 1)
		str(ws, 1, 0, "Ingen bemærkninger.", x->hint);
}

static void about_sheet(X *x, const Report *rp)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Om rapporten");
	worksheet_set_column(ws, 0, 0, 100, x->wrap);
	int row = 0;
	const ReportText *t = &rp->text;
	char s[400];
	str(ws, row++, 0, report_text_heading(&rp->round), x->title);
	report_status_text(rp, s, sizeof s);
	str(ws, row++, 0, s, x->bold);
	report_state_text(rp, s, sizeof s);
	str(ws, row++, 0, s, x->bold);
	const char *titles[4] = {"Sammenfatning", "Styrker", "Udfordringer", "Anbefalinger"};
	const char *bodies[4] = {t->summary, t->strengths, t->challenges, t->recommendations};
	for (int i = 0; i < 4; i++) {
		str(ws, row++, 0, titles[i], x->bold);
		str(ws, row++, 0, str_empty(bodies[i]) ? "(ikke skrevet endnu)" : bodies[i], x->wrap);
	}
	row++;
	str(ws, row++, 0, "Sådan læses tallene", x->bold);
	for (int i = 0; report_stats_text[i]; i++)
		str(ws, row++, 0, report_stats_text[i], x->wrap);
	if (rp->audience == REPORT_MEDARBEJDERE) {
		row++;
		for (int i = 0; report_staff_rules[i]; i++)
			str(ws, row++, 0, report_staff_rules[i], x->wrap);
	}
}

static int write_file(const Report *rp, const char *path, char *err, size_t n)
{
	X x = {0};
	lxw_workbook_options opts = {0};
	x.wb = workbook_new_opt(path, &opts);
	if (!x.wb) {
		snprintf(err, n, _("Filen %s kan ikke oprettes."), path);
		return -1;
	}
	x.bold = workbook_add_format(x.wb);
	format_set_bold(x.bold);
	x.head = workbook_add_format(x.wb);
	format_set_bold(x.head);
	format_set_bg_color(x.head, 0xDDE7EE);
	format_set_bottom(x.head, LXW_BORDER_THIN);
	format_set_text_wrap(x.head);
	x.title = workbook_add_format(x.wb);
	format_set_bold(x.title);
	format_set_font_size(x.title, 14);
	x.pct = workbook_add_format(x.wb);
	format_set_num_format(x.pct, "0 %");
	x.change = workbook_add_format(x.wb);
	format_set_num_format(x.change, "+0 %;-0 %;0 %");
	x.wrap = workbook_add_format(x.wb);
	format_set_text_wrap(x.wrap);
	format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
	x.hint = workbook_add_format(x.wb);
	format_set_italic(x.hint);
	x.date = workbook_add_format(x.wb);
	format_set_num_format(x.date, "d. mmmm yyyy");
	x.time = workbook_add_format(x.wb);
	format_set_num_format(x.time, "d. mmmm yyyy \"kl.\" hh.mm");
	char title[400];
	snprintf(title, sizeof title, "%s – %s", report_audience_title(rp->audience), rp->round.title);
	lxw_doc_properties props = {.title = title, .author = (char *)"tilsyn", .company = (char *)rp->dept.name,
	                            .comments = (char *)(report_has_case_numbers(rp) ? "Indeholder sagsnumre"
	                                                                             : "Uden sagsnumre og navne")};
	workbook_set_properties(x.wb, &props);
	results_sheet(&x, rp);
	/* Management's single cases belong to the appendix. */
	if (rp->audience != REPORT_LEDELSE || rp->appendix) {
		answers_sheet(&x, rp);
		comments_sheet(&x, rp);
	}
	about_sheet(&x, rp);
	lxw_error e = workbook_close(x.wb);
	if (e != LXW_NO_ERROR) {
		snprintf(err, n, _("Regnearket kunne ikke skrives (%s)."), lxw_strerror(e));
		return -1;
	}
	return 0;
}

/* Into a buffer, through a private temporary file (libxlsxwriter writes files). */
int report_xlsx(const Report *rp, Buf *out, char *err, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tilsyn-rapport-XXXXXX", dir && *dir && strlen(dir) < 400 ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, n, _("Der kunne ikke oprettes en midlertidig fil (%s)."), strerror(errno));
		return -1;
	}
	close(fd);
	int rc = write_file(rp, path, err, n);
	if (rc == 0) {
		FILE *f = fopen(path, "rb");
		if (!f) {
			snprintf(err, n, _("Regnearket kunne ikke læses (%s)."), strerror(errno));
			rc = -1;
		} else {
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
				buf_append(out, chunk, got);
			fclose(f);
		}
	}
	unlink(path);
	return rc;
}
