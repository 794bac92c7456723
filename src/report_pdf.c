/*
** The report as PDF with cairo and pango: A4, DejaVu Sans (Debian's fonts-dejavu-core),
** Danish text layout (language "da", so pango breaks and hyphenates as Danish), headings
** that are named destinations and entries in the PDF outline, page numbers, vector bar
** charts of "opfyldt" with their 95 % interval as whiskers, and tables that continue on the
** next page with their header repeated. It shows exactly what the model (report.c) holds.
*/
#include "report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.7
#define BOTTOM (PAGE_H - MARGIN - 18)
#define TEXT_W (PAGE_W - 2 * MARGIN)

typedef struct Pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLanguage *lang;
	const Report *rp;
	double y;
	int page;
	int outline[3];      /* the latest outline entry per heading level */
	int dests;
} Pdf;

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int n)
{
	buf_append(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* Lays out text in a box `width` wide; draws it at (x, y) when draw; returns its height. */
static double text_at(Pdf *p, const char *s, double size, int bold, int italic, double x, double y, double width,
                      int align_right, int draw)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(fd, PANGO_STYLE_OBLIQUE);
	pango_layout_set_font_description(l, fd);
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_language_new(p->lang));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (align_right)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, s ? s : "", -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	if (draw) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, l);
	}
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static void footer(Pdf *p)
{
	char s[300];
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	snprintf(s, sizeof s, "%s%s · %s", p->rp->text.final ? "" : "KLADDE · ", report_audience_title(p->rp->audience),
	         p->rp->round.title);
	text_at(p, s, 8, 0, 0, MARGIN, PAGE_H - MARGIN + 2, TEXT_W - 60, 0, 1);
	snprintf(s, sizeof s, "Side %d", p->page);
	text_at(p, s, 8, 0, 0, MARGIN, PAGE_H - MARGIN + 2, TEXT_W, 1, 1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(Pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* Starts a new page unless `need` points still fit on this one. */
static void room(Pdf *p, double need)
{
	if (p->y + need > BOTTOM && p->y > MARGIN)
		new_page(p);
}

static void heading(Pdf *p, int level, const char *s)
{
	double size = level == 0 ? 20 : level == 1 ? 14 : 11.5;
	double before = level == 0 ? 0 : level == 1 ? 14 : 8;
	double h = text_at(p, s, size, 1, 0, 0, 0, TEXT_W, 0, 0);
	room(p, before + h + 40);
	if (p->y > MARGIN)
		p->y += before;
	char name[32], attrs[96];
	snprintf(name, sizeof name, "h%d", ++p->dests);
	snprintf(attrs, sizeof attrs, "name='%s'", name);
	cairo_tag_begin(p->cr, CAIRO_TAG_DEST, attrs);
	text_at(p, s, size, 1, 0, MARGIN, p->y, TEXT_W, 0, 1);
	cairo_tag_end(p->cr, CAIRO_TAG_DEST);
	/* The outline: level 0 and 1 at the top, level 2 under the latest level 1. */
	int parent = level <= 1 ? CAIRO_PDF_OUTLINE_ROOT : p->outline[1];
	snprintf(attrs, sizeof attrs, "dest='%s'", name);
	p->outline[level] = cairo_pdf_surface_add_outline(p->surface, parent, s, attrs,
	                                                  level <= 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
	if (level == 1)
		p->outline[2] = 0;
	p->y += h + (level == 0 ? 8 : 4);
	if (level == 1) {
		cairo_set_line_width(p->cr, 0.6);
		cairo_move_to(p->cr, MARGIN, p->y - 2);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 2);
		cairo_stroke(p->cr);
		p->y += 4;
	}
}

static void para_style(Pdf *p, const char *s, double size, int bold, int italic)
{
	double h = text_at(p, s, size, bold, italic, 0, 0, TEXT_W, 0, 0);
	if (h > BOTTOM - MARGIN) { /* longer than a page: let it run, line breaks are the writer's */
		room(p, 60);
	} else {
		room(p, h);
	}
	text_at(p, s, size, bold, italic, MARGIN, p->y, TEXT_W, 0, 1);
	p->y += h + 5;
}

static void para(Pdf *p, const char *s)
{
	para_style(p, s, 10, 0, 0);
}

/* A long free text, paragraph by paragraph (blank lines separate them). */
static void long_text(Pdf *p, const char *s)
{
	char *copy = xstrdup(s);
	char *q = copy;
	while (*q) {
		char *end = strstr(q, "\n\n");
		if (end)
			*end = 0;
		char *t = str_trim(q);
		if (*t)
			para(p, t);
		if (!end)
			break;
		q = end + 2;
	}
	free(copy);
}

/* ---- tables ---- */

typedef struct Col {
	const char *title;
	double width;
	int right;
} Col;

static double row_height(Pdf *p, const Col *cols, int n, const char *const *cells, double size, int bold)
{
	double h = 0;
	for (int i = 0; i < n; i++) {
		double t = text_at(p, cells[i], size, bold, 0, 0, 0, cols[i].width - 6, 0, 0);
		if (t > h)
			h = t;
	}
	return h + 5;
}

static void draw_row(Pdf *p, const Col *cols, int n, const char *const *cells, double size, int bold, double h,
                     int shade)
{
	double x = MARGIN;
	if (shade) {
		cairo_set_source_rgb(p->cr, 0.91, 0.93, 0.95);
		double w = 0;
		for (int i = 0; i < n; i++)
			w += cols[i].width;
		cairo_rectangle(p->cr, MARGIN, p->y, w, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	for (int i = 0; i < n; i++) {
		text_at(p, cells[i], size, bold, 0, x + 3, p->y + 2.5, cols[i].width - 6, cols[i].right, 1);
		x += cols[i].width;
	}
	cairo_set_source_rgb(p->cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(p->cr, 0.4);
	cairo_move_to(p->cr, MARGIN, p->y + h);
	cairo_line_to(p->cr, x, p->y + h);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += h;
}

static void table_header(Pdf *p, const Col *cols, int n)
{
	const char *titles[16];
	for (int i = 0; i < n && i < 16; i++)
		titles[i] = cols[i].title;
	double h = row_height(p, cols, n, titles, 8, 1);
	room(p, h + 20);
	draw_row(p, cols, n, titles, 8, 1, h, 1);
}

static void table_row(Pdf *p, const Col *cols, int n, const char *const *cells)
{
	double h = row_height(p, cols, n, cells, 8.5, 0);
	if (p->y + h > BOTTOM) {
		new_page(p);
		table_header(p, cols, n);
	}
	draw_row(p, cols, n, cells, 8.5, 0, h, 0);
}

/* ---- the chart ---- */

static void chart(Pdf *p, const Report *rp)
{
	const double row = 13, left = MARGIN + 62, width = TEXT_W - 90;
	int i = 0;
	while (i < rp->nq) {
		/* As many rows as fit on this page, then the axis under them. */
		int fit = (int)((BOTTOM - p->y - 30) / row);
		if (fit < 4) {
			new_page(p);
			continue;
		}
		double top = p->y;
		/* The rows of this page: the questions with a figure, as many as fit. */
		int rows[128], k = 0;
		for (; i < rp->nq && k < fit && k < 128; i++)
			if (!rp->suppressed[i] && rp->q[i].has_fulfilled)
				rows[k++] = i;
		if (!k)
			break;
		double bottom = top + k * row;
		cairo_set_line_width(p->cr, 0.3);
		for (int t = 0; t <= 100; t += 25) { /* the grid first, so the bars lie on top */
			double x = left + width * t / 100.0;
			cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
			cairo_move_to(p->cr, x, top), cairo_line_to(p->cr, x, bottom + 2);
			cairo_stroke(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			char label[16];
			snprintf(label, sizeof label, "%d %%", t);
			text_at(p, label, 7, 0, 0, x - 15, bottom + 3, 30, 0, 1);
		}
		for (int j = 0; j < k; j++) {
			const QuestionResult *x = &rp->q[rows[j]];
			double y = top + j * row;
			text_at(p, x->code, 8, 0, 0, MARGIN, y + 1.5, left - MARGIN - 6, 1, 1);
			cairo_set_source_rgb(p->cr, 0, 0x72 / 255.0, 0xB2 / 255.0); /* Okabe-Ito blue */
			cairo_rectangle(p->cr, left, y + 3, x->fulfilled * width, row - 6);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			cairo_set_line_width(p->cr, 0.9);
			double lo = left + x->ci_low * width, hi = left + x->ci_high * width, mid = y + row / 2;
			cairo_move_to(p->cr, lo, mid), cairo_line_to(p->cr, hi, mid);
			cairo_move_to(p->cr, lo, y + 2), cairo_line_to(p->cr, lo, y + row - 2);
			cairo_move_to(p->cr, hi, y + 2), cairo_line_to(p->cr, hi, y + row - 2);
			cairo_stroke(p->cr);
		}
		p->y = bottom + 16;
	}
	para_style(p, _("Søjlen er andelen opfyldt; den sorte streg er 95 %-intervallet. Tallene står i tabellen."), 8, 0, 1);
}

/* ---- the sections ---- */

static void results_table(Pdf *p, const Report *rp)
{
	int own = rp->audience == REPORT_RAADGIVER;
	Col cols[] = {{_("Spørgsmål"), own ? 150 : 175, 0}, {_("Ja"), 26, 1}, {_("Delv."), 30, 1}, {_("Nej"), 26, 1},
	              {_("Ikke rel."), 34, 1}, {_("Opfyldt"), 40, 1}, {_("95 %-interval"), 56, 0}, {_("Væs."), 28, 1},
	              {own ? _("Dine sager j/d/n") : _("Ændring siden sidst"), own ? 91 : 66.6, 0}};
	int n = (int)COUNT(cols);
	table_header(p, cols, n);
	const char *section = NULL;
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		if (!section || strcmp(section, x->section) != 0) {
			section = x->section;
			double h = text_at(p, section, 9, 1, 0, 0, 0, TEXT_W, 0, 0) + 4;
			room(p, h + 20);
			text_at(p, section, 9, 1, 0, MARGIN + 3, p->y + 2, TEXT_W, 0, 1);
			p->y += h;
		}
		char q[1200], yes[24], partly[24], no[24], nr[24], pct[16] = "–", ci[40] = "–", mat[24], last[160] = "";
		snprintf(q, sizeof q, "%s %s", x->code, x->text);
		snprintf(yes, sizeof yes, "%lld", (long long)x->yes);
		snprintf(partly, sizeof partly, "%lld", (long long)x->partly);
		snprintf(no, sizeof no, "%lld", (long long)x->no);
		snprintf(nr, sizeof nr, "%lld", (long long)x->not_relevant);
		snprintf(mat, sizeof mat, "%lld", (long long)x->material);
		if (x->has_fulfilled)
			report_pct(pct, x->fulfilled), report_interval(ci, x->ci_low, x->ci_high);
		if (own)
			snprintf(last, sizeof last, "%lld / %lld / %lld", (long long)rp->own_yes[i], (long long)rp->own_partly[i],
			         (long long)rp->own_no[i]);
		else if (rp->show_change[i])
			report_change_text(x, last, sizeof last);
		if (rp->suppressed[i]) {
			const char *cells[] = {q, "", "", "", "", "–", report_suppressed_text(), "", last};
			table_row(p, cols, n, cells);
		} else {
			const char *cells[] = {q, yes, partly, no, nr, pct, ci, mat, last};
			table_row(p, cols, n, cells);
		}
	}
	p->y += 6;
}

static void categories_table(Pdf *p, const Report *rp)
{
	Col cols[] = {{_("Kategori"), 150, 0}, {_("Spørgsmål"), 60, 1}, {_("Ja"), 50, 1}, {_("Delvist"), 50, 1},
	              {_("Nej"), 50, 1}, {_("Opfyldt"), 60, 1}, {_("Væsentlig betydning"), 61.8, 1}};
	table_header(p, cols, 7);
	for (int k = 0; k < 4; k++) {
		const ReportCategory *c = k < 3 ? &rp->cat[k] : &rp->total;
		if (!c->nquestions && k < 3)
			continue;
		int64_t base = c->yes + c->partly + c->no;
		if (c->suppressed || !base) {
			const char *cells[] = {c->title, "", "", "", "",
			                       c->suppressed ? report_suppressed_text() : _("ingen vurderinger"), ""};
			table_row(p, cols, 7, cells);
			continue;
		}
		char nq[16], yes[24], partly[24], no[24], pct[16], mat[24];
		snprintf(nq, sizeof nq, "%d", c->nquestions);
		snprintf(yes, sizeof yes, "%lld", (long long)c->yes);
		snprintf(partly, sizeof partly, "%lld", (long long)c->partly);
		snprintf(no, sizeof no, "%lld", (long long)c->no);
		snprintf(mat, sizeof mat, "%lld", (long long)c->material);
		report_pct(pct, (double)c->yes / (double)base);
		const char *cells[] = {c->title, nq, yes, partly, no, pct, mat};
		table_row(p, cols, 7, cells);
	}
	p->y += 6;
}

static void case_section(Pdf *p, const ReportCase *c, const char *title, int comments)
{
	heading(p, 2, title);
	if (c->advisor) {
		char s[600];
		snprintf(s, sizeof s, "Rådgiver: %s · paragraf: %s · gennemgang: %s", c->advisor, c->provision ? c->provision : "–",
		         str_eq(c->review_status, "faerdig") ? _("færdig")
		         : str_eq(c->review_status, "i_gang") ? _("i gang")
		                                              : _("ikke startet"));
		para_style(p, s, 9, 0, 0);
	}
	if (c->acute && c->acute_note) {
		char s[1200];
		snprintf(s, sizeof s, "Akut bekymring: %s", c->acute_note);
		para_style(p, s, 9, 1, 0);
	}
	if (!c->nanswers) {
		para_style(p, _("Sagen er ikke gennemgået endnu."), 9, 0, 1);
		return;
	}
	Col with[] = {{_("Spørgsmål"), 250, 0}, {_("Svar"), 80, 0}, {_("Bemærkning"), TEXT_W - 330, 0}};
	Col without[] = {{_("Spørgsmål"), 330, 0}, {_("Fund"), TEXT_W - 330, 0}};
	const Col *cols = comments ? with : without;
	int n = comments ? 3 : 2;
	table_header(p, cols, n);
	for (int k = 0; k < c->nanswers; k++) {
		const ReportAnswer *a = &c->answers[k];
		char q[1200], v[200];
		snprintf(q, sizeof q, "%s %s", a->code, a->text);
		snprintf(v, sizeof v, "%s%s", answer_value_title(a->value), a->material ? _(" (væsentlig betydning)") : "");
		const char *cells[] = {q, v, a->comment};
		table_row(p, cols, n, cells);
	}
	p->y += 6;
}

static void texts(Pdf *p, const Report *rp)
{
	const ReportText *t = &rp->text;
	heading(p, 1, report_text_heading(&rp->round));
	char s[400];
	report_status_text(rp, s, sizeof s);
	para_style(p, s, 10, !t->final, 0);
	const char *titles[4] = {_("Sammenfatning"), _("Styrker"), _("Udfordringer"), _("Anbefalinger")};
	const char *bodies[4] = {t->summary, t->strengths, t->challenges, t->recommendations};
	for (int i = 0; i < 4; i++) {
		heading(p, 2, titles[i]);
		if (str_empty(bodies[i]))
			para_style(p, _("(ikke skrevet endnu)"), 10, 0, 1);
		else
			long_text(p, bodies[i]);
	}
}

int report_pdf(const Report *rp, Buf *out, char *err, size_t n)
{
	Pdf p = {.rp = rp, .page = 1, .y = MARGIN};
	p.surface = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, n, "%s", _("PDF-filen kunne ikke oprettes."));
		cairo_surface_destroy(p.surface);
		return -1;
	}
	const Round *r = &rp->round;
	char title[400];
	snprintf(title, sizeof title, "%s – %s", report_audience_title(rp->audience), r->title);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_AUTHOR, rp->dept.name);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "tilsyn " TILSYN_VERSION);
	p.cr = cairo_create(p.surface);
	p.lang = pango_language_from_string("da-dk");

	char s[1200];
	snprintf(s, sizeof s, "%s · %s", rp->dept.name, round_kind_title(r->kind));
	para_style(&p, s, 10, 0, 0);
	heading(&p, 0, report_audience_title(rp->audience));
	if (rp->audience == REPORT_RAADGIVER) {
		snprintf(s, sizeof s, "Til %s", rp->advisor);
		para_style(&p, s, 12, 0, 0);
	}
	char start[40], end[40], made[64];
	date_text(r->planned_start, start);
	date_text(r->planned_end, end);
	date_time_danish(rp->made_at, made);
	snprintf(s, sizeof s, "%s%s%s%s%s · lavet %s", r->title, *r->planned_start || *r->planned_end ? " · " : "", start,
	         *r->planned_start || *r->planned_end ? " – " : "", end, made);
	para_style(&p, s, 10, 1, 0);
	report_state_text(rp, s, sizeof s);
	para_style(&p, s, 10, 0, 0);
	if (!rp->text.final) {
		cairo_set_source_rgb(p.cr, 0.67, 0, 0);
		para_style(&p, report_draft_note(r), 12, 1, 0);
		cairo_set_source_rgb(p.cr, 0, 0, 0);
	}

	heading(&p, 1, _("Om tilsynet"));
	snprintf(s, sizeof s, "Stikprøven er på %lld sager; %lld er gennemgået helt eller delvist, heraf %lld færdige.",
	         (long long)rp->sampled, (long long)rp->answered, (long long)rp->finished);
	para(&p, s);
	if (rp->audience == REPORT_RAADGIVER) {
		snprintf(s, sizeof s,
		         "%d af sagerne er dine. Afdelingens tal står ved siden af dine egne svar; et tal vises kun, når det "
		         "bygger på mindst 5 af dine kollegers sager.",
		         rp->ncases);
		para(&p, s);
	}
	if (rp->audience == REPORT_MEDARBEJDERE)
		for (int i = 0; report_staff_rules[i]; i++)
			para(&p, report_staff_rules[i]);

	texts(&p, rp);

	heading(&p, 1, _("Resultater"));
	heading(&p, 2, _("Opfyldt pr. spørgsmål"));
	chart(&p, rp);
	heading(&p, 2, _("Tabel over resultaterne"));
	results_table(&p, rp);
	heading(&p, 2, _("Pr. kategori og samlet"));
	categories_table(&p, rp);

	if (rp->audience == REPORT_LEDELSE) {
		heading(&p, 1, _("Pr. rådgiver"));
		para_style(&p, _("Kun til ledelsen. Med så få sager pr. rådgiver er tallene meget usikre; brug dem til samtalen, "
		                 "ikke til at rangordne."),
		           9, 0, 1);
		Col cols[] = {{_("Rådgiver"), 180, 0}, {_("Sager"), 60, 1}, {_("Ja"), 60, 1}, {_("Delvist"), 60, 1},
		              {_("Nej"), 60, 1}, {_("Opfyldt"), 61.8, 1}};
		table_header(&p, cols, 6);
		for (int i = 0; i < rp->nadvisors; i++) {
			const ReportAdvisorRow *a = &rp->advisors[i];
			char c1[24], c2[24], c3[24], c4[24], pct[16] = "–";
			snprintf(c1, sizeof c1, "%lld", (long long)a->cases);
			snprintf(c2, sizeof c2, "%lld", (long long)a->yes);
			snprintf(c3, sizeof c3, "%lld", (long long)a->partly);
			snprintf(c4, sizeof c4, "%lld", (long long)a->no);
			if (a->yes + a->partly + a->no)
				report_pct(pct, (double)a->yes / (double)(a->yes + a->partly + a->no));
			const char *cells[] = {a->advisor, c1, c2, c3, c4, pct};
			table_row(&p, cols, 6, cells);
		}
		heading(&p, 2, _("Akut bekymring"));
		int nacute = 0;
		for (int i = 0; i < rp->ncases; i++)
			if (rp->cases[i].acute) {
				snprintf(s, sizeof s, "Sag %s: %s", rp->cases[i].case_no, rp->cases[i].acute_note ? rp->cases[i].acute_note : "");
				para(&p, s);
				nacute++;
			}
		if (!nacute)
			para(&p, _("Ingen sager er markeret med akut bekymring."));
	}

	if (rp->audience == REPORT_MEDARBEJDERE) {
		heading(&p, 1, _("Sagseksempler"));
		para(&p, rp->ncases ? _("Rådgiveren har givet lov til, at sagen bruges som eksempel. Sagen beskrives kun ved "
		                        "gennemgangens fund.")
		                    : _("Ingen rådgiver har givet lov til, at en sag bruges som eksempel."));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Eksempel %d"), i + 1);
			case_section(&p, &rp->cases[i], s, 0);
		}
	}
	if (rp->audience == REPORT_RAADGIVER) {
		heading(&p, 1, _("Dine sager"));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Sag %s"), rp->cases[i].case_no);
			case_section(&p, &rp->cases[i], s, 1);
		}
	}

	heading(&p, 1, _("Sådan læses tallene"));
	for (int i = 0; report_stats_text[i]; i++)
		para(&p, report_stats_text[i]);

	if (rp->audience == REPORT_LEDELSE) {
		new_page(&p);
		heading(&p, 1, _("Bilag: alle sager"));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Sag %s"), rp->cases[i].case_no);
			case_section(&p, &rp->cases[i], s, 1);
		}
	}
	footer(&p);
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	cairo_status_t st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, n, _("PDF-filen kunne ikke skrives (%s)."), cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
