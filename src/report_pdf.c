/*
** The report as PDF with cairo and pango: A4, DejaVu Sans (Debian's fonts-dejavu-core),
** Danish text layout (language "da", so pango breaks and hyphenates as Danish). Page 1 holds
** the title, department, period, the key figures, the areas table and a printed table of
** contents with page numbers; the body follows from page 2. It shows exactly what the model
** (report.c) holds.
** Layout rules: a heading waits for what follows it (keep with next), so it never stands
** alone at a page foot; a chart is drawn whole on one page (a chart taller than a page is
** split into complete charts, each with its axis); chart labels get the row height they
** need, so they never overlap; tables continue on the next page with their header repeated;
** long paragraphs break between lines.
** The PDF is tagged (cairo's structure tags: H1-H3, P, Table/TR/TH/TD, Figure, TOC/TOCI,
** links to the headings' named destinations), and an incremental update at the end adds
** what cairo 1.16 cannot write: the document's language (/Lang da-DK) and the figures'
** alternative text (/Alt). The contents' page numbers come from an earlier pass of the same
** layout (render until the printed numbers are the real ones; two passes as a rule).
*/
#include "report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN 56.7
#define BOTTOM (PAGE_H - MARGIN - 18)
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define MAX_TOC 32

typedef struct Heading {
	int level;
	char text[400];
} Heading;

typedef struct TocEntry {
	char text[200];
	char dest[16];
	int page;
} TocEntry;

typedef struct Pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLanguage *lang;
	const Report *rp;
	double y;
	int page;
	int outline[3];      /* the latest outline entry per heading level */
	int dests;
	Heading pending[4];  /* headings waiting for the content they belong to */
	int npending;
	int in_body;         /* level-1 headings from here on go into the contents */
	TocEntry toc[MAX_TOC];
	int ntoc;
	const TocEntry *known; /* the contents as the previous pass laid them out */
	int nknown;
	int known_pages;       /* the previous pass's page count ("Side 3 af 12"), 0 unknown */
	char **alt;            /* the figures' alternative texts, in order */
	int nalt;
} Pdf;

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int n)
{
	buf_append(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

enum { LEFT, RIGHT, CENTER };

/* A pango layout of s in DejaVu Sans; width <= 0: one line, unwrapped. */
static PangoLayout *layout(Pdf *p, const char *s, double size, int bold, int italic, double width, int align)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(fd, PANGO_STYLE_OBLIQUE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_language_new(p->lang));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align == RIGHT ? PANGO_ALIGN_RIGHT : align == CENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s ? s : "", -1);
	return l;
}

/* Lays out text in a box `width` wide; draws it at (x, y) when draw; returns its height. */
static double text_at(Pdf *p, const char *s, double size, int bold, int italic, double x, double y, double width,
                      int align, int draw)
{
	PangoLayout *l = layout(p, s, size, bold, italic, width, align);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	if (draw) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, l);
	}
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static double text_width(Pdf *p, const char *s, double size, int bold)
{
	PangoLayout *l = layout(p, s, size, bold, 0, 0, LEFT);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)w / PANGO_SCALE;
}

/* The footer is page furniture: left out of the structure tree. */
static void footer(Pdf *p)
{
	char s[300];
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	snprintf(s, sizeof s, "%s%s · %s", p->rp->text.final ? "" : "KLADDE · ", report_audience_title(p->rp->audience),
	         p->rp->round.title);
	text_at(p, s, 8, 0, 0, MARGIN, PAGE_H - MARGIN + 2, TEXT_W - 80, LEFT, 1);
	if (p->known_pages >= p->page)
		snprintf(s, sizeof s, _("Side %d af %d"), p->page, p->known_pages);
	else
		snprintf(s, sizeof s, _("Side %d"), p->page);
	text_at(p, s, 8, 0, 0, MARGIN, PAGE_H - MARGIN + 2, TEXT_W, RIGHT, 1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(Pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

static double heading_size(int level)
{
	return level == 0 ? 20 : level == 1 ? 14 : 11.5;
}

/* Height of a heading with the space around it, at the top of a page or not. */
static double heading_height(Pdf *p, const Heading *h, int top)
{
	double before = top ? 0 : h->level == 0 ? 0 : h->level == 1 ? 14 : 8;
	return before + text_at(p, h->text, heading_size(h->level), 1, 0, 0, 0, TEXT_W, LEFT, 0) +
	       (h->level == 0 ? 8 : h->level == 1 ? 8 : 4);
}

static void draw_heading(Pdf *p, const Heading *h)
{
	static const char *const tags[3] = {"H1", "H2", "H3"};
	int level = h->level;
	double size = heading_size(level);
	if (p->y > MARGIN)
		p->y += level == 0 ? 0 : level == 1 ? 14 : 8;
	char name[16], attrs[96];
	snprintf(name, sizeof name, "h%d", ++p->dests);
	snprintf(attrs, sizeof attrs, "name='%s'", name);
	cairo_tag_begin(p->cr, tags[level], "");
	cairo_tag_begin(p->cr, CAIRO_TAG_DEST, attrs);
	double th = text_at(p, h->text, size, 1, 0, MARGIN, p->y, TEXT_W, LEFT, 1);
	cairo_tag_end(p->cr, CAIRO_TAG_DEST);
	cairo_tag_end(p->cr, tags[level]);
	/* The outline: level 0 and 1 at the top, level 2 under the latest level 1. */
	int parent = level <= 1 ? CAIRO_PDF_OUTLINE_ROOT : p->outline[1];
	snprintf(attrs, sizeof attrs, "dest='%s'", name);
	p->outline[level] = cairo_pdf_surface_add_outline(p->surface, parent, h->text, attrs,
	                                                  level <= 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
	if (level == 1)
		p->outline[2] = 0;
	if (level == 1 && p->in_body && p->ntoc < MAX_TOC) {
		TocEntry *e = &p->toc[p->ntoc++];
		snprintf(e->text, sizeof e->text, "%s", h->text);
		snprintf(e->dest, sizeof e->dest, "%s", name);
		e->page = p->page;
	}
	p->y += th + (level == 0 ? 8 : 4);
	if (level == 1) {
		cairo_set_line_width(p->cr, 0.6);
		cairo_move_to(p->cr, MARGIN, p->y - 2);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 2);
		cairo_stroke(p->cr);
		p->y += 4;
	}
}

/*
** Makes room for `need` points of content: with the headings waiting for it, starts a new
** page unless all of it fits on this one, then draws the headings. Every block of content
** starts with room(), so a heading always has its first content below it on its page.
*/
static void room(Pdf *p, double need)
{
	double h = 0;
	for (int i = 0; i < p->npending; i++)
		h += heading_height(p, &p->pending[i], p->y <= MARGIN && i == 0);
	if (p->y + h + need > BOTTOM && p->y > MARGIN)
		new_page(p);
	Heading waiting[COUNT(p->pending)];
	int n = p->npending;
	memcpy(waiting, p->pending, sizeof waiting);
	p->npending = 0;
	for (int i = 0; i < n; i++)
		draw_heading(p, &waiting[i]);
}

static void heading(Pdf *p, int level, const char *s)
{
	if (p->npending == (int)COUNT(p->pending))
		room(p, 0);
	Heading *h = &p->pending[p->npending++];
	h->level = level;
	snprintf(h->text, sizeof h->text, "%s", s);
}

/* A paragraph, tagged P, that breaks between lines at a page foot (at least two lines
** stay together, a short paragraph stays whole). */
static void para_style(Pdf *p, const char *s, double size, int bold, int italic)
{
	PangoLayout *l = layout(p, s, size, bold, italic, TEXT_W, LEFT);
	int n = pango_layout_get_line_count(l);
	double *top = xcalloc((size_t)n + 1, sizeof *top), *height = xcalloc((size_t)n + 1, sizeof *height);
	double *base = xcalloc((size_t)n + 1, sizeof *base);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int k = 0;
	do {
		PangoRectangle log;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		top[k] = (double)log.y / PANGO_SCALE;
		height[k] = (double)log.height / PANGO_SCALE;
		base[k] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE - top[k];
		k++;
	} while (k < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	double first = 0;
	for (int i = 0; i < n && i < (n <= 3 ? n : 2); i++)
		first += height[i];
	room(p, first);
	cairo_tag_begin(p->cr, "P", "");
	for (int i = 0; i < k; i++) {
		if (p->y + height[i] > BOTTOM && p->y > MARGIN) {
			cairo_tag_end(p->cr, "P");
			new_page(p);
			cairo_tag_begin(p->cr, "P", "");
		}
		cairo_move_to(p->cr, MARGIN, p->y + base[i]);
		pango_cairo_show_layout_line(p->cr, pango_layout_get_line_readonly(l, i));
		p->y += height[i];
	}
	cairo_tag_end(p->cr, "P");
	p->y += 5;
	free(top), free(height), free(base);
	g_object_unref(l);
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

typedef struct Table {
	const Col *cols;
	int n;
} Table;

/* bold: a bit per cell (all for the header). */
static double row_height(Pdf *p, const Table *t, const char *const *cells, double size, unsigned bold)
{
	double h = 0;
	for (int i = 0; i < t->n; i++) {
		double x = text_at(p, cells[i], size, bold >> i & 1, 0, 0, 0, t->cols[i].width - 6, LEFT, 0);
		if (x > h)
			h = x;
	}
	return h + 5;
}

/* One row, tagged TR with TH (header, or the first cell when row_head) or TD cells; the
** cells whose bit is set in emph are bold. */
static void draw_row(Pdf *p, const Table *t, const char *const *cells, double size, int header, int row_head,
                     unsigned emph, double h)
{
	double x = MARGIN, w = 0;
	for (int i = 0; i < t->n; i++)
		w += t->cols[i].width;
	if (header) {
		cairo_set_source_rgb(p->cr, 0.91, 0.93, 0.95);
		cairo_rectangle(p->cr, MARGIN, p->y, w, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	cairo_tag_begin(p->cr, "TR", "");
	for (int i = 0; i < t->n; i++) {
		const char *tag = header || (row_head && i == 0) ? "TH" : "TD";
		cairo_tag_begin(p->cr, tag, "");
		text_at(p, cells[i], size, header || (emph >> i & 1), 0, x + 3, p->y + 2.5, t->cols[i].width - 6,
		        t->cols[i].right ? RIGHT : LEFT, 1);
		cairo_tag_end(p->cr, tag);
		x += t->cols[i].width;
	}
	cairo_tag_end(p->cr, "TR");
	cairo_set_source_rgb(p->cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(p->cr, 0.4);
	cairo_move_to(p->cr, MARGIN, p->y + h);
	cairo_line_to(p->cr, MARGIN + w, p->y + h);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += h;
}

static void header_row(Pdf *p, const Table *t)
{
	const char *titles[16];
	for (int i = 0; i < t->n && i < 16; i++)
		titles[i] = t->cols[i].title;
	draw_row(p, t, titles, 8, 1, 0, 0, row_height(p, t, titles, 8, ~0u));
}

/* Starts a table (tag Table) with its header, kept together with `first` points of its first row. */
static void table_begin(Pdf *p, const Table *t, double first)
{
	const char *titles[16];
	for (int i = 0; i < t->n && i < 16; i++)
		titles[i] = t->cols[i].title;
	room(p, row_height(p, t, titles, 8, ~0u) + first);
	cairo_tag_begin(p->cr, "Table", "");
	header_row(p, t);
}

static void table_row_emph(Pdf *p, const Table *t, const char *const *cells, unsigned emph)
{
	double h = row_height(p, t, cells, 8.5, emph);
	if (p->y + h > BOTTOM) {
		new_page(p);
		header_row(p, t);
	}
	draw_row(p, t, cells, 8.5, 0, 1, emph, h);
}

static void table_row(Pdf *p, const Table *t, const char *const *cells)
{
	table_row_emph(p, t, cells, 0);
}

/* A row that names a group of the rows below it (a section of the catalogue), kept with the next row. */
static void table_group_row(Pdf *p, const Table *t, const char *s)
{
	double h = text_at(p, s, 9, 1, 0, 0, 0, TEXT_W - 6, LEFT, 0) + 5;
	if (p->y + h + 24 > BOTTOM) {
		new_page(p);
		header_row(p, t);
	}
	cairo_tag_begin(p->cr, "TR", "");
	cairo_tag_begin(p->cr, "TH", "");
	text_at(p, s, 9, 1, 0, MARGIN + 3, p->y + 2.5, TEXT_W - 6, LEFT, 1);
	cairo_tag_end(p->cr, "TH");
	cairo_tag_end(p->cr, "TR");
	p->y += h;
}

static void table_end(Pdf *p)
{
	cairo_tag_end(p->cr, "Table");
	p->y += 8;
}

/* ---- the chart ---- */

#define LABEL_W 84.0
#define ROW_MIN 14.0
#define LEGEND_H 16.0
#define AXIS_H 14.0

static int chart_has_prev(const Report *rp, int i)
{
	return rp->show_change[i] && rp->q[i].prev_round;
}

static void diamond(Pdf *p, double x, double y, double r)
{
	cairo_move_to(p->cr, x, y - r);
	cairo_line_to(p->cr, x + r, y);
	cairo_line_to(p->cr, x, y + r);
	cairo_line_to(p->cr, x - r, y);
	cairo_close_path(p->cr);
	cairo_set_source_rgb(p->cr, 0xD5 / 255.0, 0x5E / 255.0, 0); /* Okabe-Ito vermillion, as on the web */
	cairo_fill_preserve(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
}

/* The key above the bars: each sample, then its words, laid out left to right by their widths. */
static void legend(Pdf *p, double top, int any_prev)
{
	double x = MARGIN + LABEL_W, mid = top + 6;
	cairo_set_source_rgb(p->cr, 0, 0x72 / 255.0, 0xB2 / 255.0);
	cairo_rectangle(p->cr, x, mid - 4, 12, 8);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	x += 16;
	const char *words[3] = {_("Opfyldt"), _("95 %-interval"), _("Forrige tilsyn")};
	text_at(p, words[0], 7.5, 0, 0, x, top, 0, LEFT, 1);
	x += text_width(p, words[0], 7.5, 0) + 14;
	cairo_set_line_width(p->cr, 0.9);
	cairo_move_to(p->cr, x, mid), cairo_line_to(p->cr, x + 14, mid);
	cairo_move_to(p->cr, x, mid - 4), cairo_line_to(p->cr, x, mid + 4);
	cairo_move_to(p->cr, x + 14, mid - 4), cairo_line_to(p->cr, x + 14, mid + 4);
	cairo_stroke(p->cr);
	x += 18;
	text_at(p, words[1], 7.5, 0, 0, x, top, 0, LEFT, 1);
	x += text_width(p, words[1], 7.5, 0) + 14;
	if (any_prev) {
		diamond(p, x + 4, mid, 4);
		text_at(p, words[2], 7.5, 0, 0, x + 12, top, 0, LEFT, 1);
	}
}

/* One chart of rows[0..n-1], whole on this page (room makes sure), tagged Figure. */
static void figure(Pdf *p, const Report *rp, const int *rows, const double *heights, int n, int any_prev)
{
	const double left = MARGIN + LABEL_W, width = TEXT_W - LABEL_W - 16;
	double body = 0;
	for (int j = 0; j < n; j++)
		body += heights[j];
	room(p, LEGEND_H + body + AXIS_H);
	/* The alternative text: what the chart shows, with its figures. */
	Buf alt;
	buf_init(&alt, 0);
	buf_printf(&alt, "%s", _("Søjlediagram over andelen opfyldt pr. spørgsmål med 95 %-interval"));
	buf_printf(&alt, "%s", any_prev ? _(" og forrige tilsyn: ") : ": ");
	for (int j = 0; j < n; j++) {
		const QuestionResult *x = &rp->q[rows[j]];
		buf_printf(&alt, "%s%s %.0f %%", j ? "; " : "", x->code, 100 * x->fulfilled);
		if (chart_has_prev(rp, rows[j]))
			buf_printf(&alt, _(" (forrige %.0f %%)"), 100 * x->prev_fulfilled);
	}
	buf_printf(&alt, "%s", _(". Tallene står i tabellen."));
	p->alt = xrealloc(p->alt, (size_t)(p->nalt + 1) * sizeof *p->alt);
	p->alt[p->nalt++] = xstrdup(buf_cstr(&alt));
	buf_free(&alt);

	cairo_tag_begin(p->cr, "Figure", "");
	double top = p->y;
	legend(p, top, any_prev);
	top += LEGEND_H;
	double bottom = top + body;
	cairo_set_line_width(p->cr, 0.3);
	for (int t = 0; t <= 100; t += 25) { /* the grid first, so the bars lie on top */
		double x = left + width * t / 100.0;
		cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
		cairo_move_to(p->cr, x, top), cairo_line_to(p->cr, x, bottom + 2);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		char label[16];
		snprintf(label, sizeof label, "%d %%", t);
		double w = text_width(p, label, 7, 0);
		text_at(p, label, 7, 0, 0, x - w / 2, bottom + 3, 0, LEFT, 1);
	}
	double y = top;
	for (int j = 0; j < n; j++) {
		const QuestionResult *x = &rp->q[rows[j]];
		double row = heights[j];
		double lh = text_at(p, x->code, 8, 0, 0, 0, 0, LABEL_W - 8, RIGHT, 0);
		text_at(p, x->code, 8, 0, 0, MARGIN, y + (row - lh) / 2, LABEL_W - 8, RIGHT, 1);
		double mid = y + row / 2;
		cairo_set_source_rgb(p->cr, 0, 0x72 / 255.0, 0xB2 / 255.0); /* Okabe-Ito blue */
		cairo_rectangle(p->cr, left, mid - 4, x->fulfilled * width, 8);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		cairo_set_line_width(p->cr, 0.9);
		double lo = left + x->ci_low * width, hi = left + x->ci_high * width;
		cairo_move_to(p->cr, lo, mid), cairo_line_to(p->cr, hi, mid);
		cairo_move_to(p->cr, lo, mid - 4.5), cairo_line_to(p->cr, lo, mid + 4.5);
		cairo_move_to(p->cr, hi, mid - 4.5), cairo_line_to(p->cr, hi, mid + 4.5);
		cairo_stroke(p->cr);
		if (chart_has_prev(rp, rows[j]))
			diamond(p, left + x->prev_fulfilled * width, mid, 4);
		y += row;
	}
	cairo_tag_end(p->cr, "Figure");
	p->y = bottom + AXIS_H + 4;
}

static void chart(Pdf *p, const Report *rp)
{
	int *rows = xcalloc((size_t)rp->nq + 1, sizeof *rows), n = 0, any_prev = 0;
	double *heights = xcalloc((size_t)rp->nq + 1, sizeof *heights);
	for (int i = 0; i < rp->nq; i++) {
		if (rp->suppressed[i] || !rp->q[i].has_fulfilled)
			continue;
		/* A long code wraps in its column, and its row grows with it. */
		double lh = text_at(p, rp->q[i].code, 8, 0, 0, 0, 0, LABEL_W - 8, RIGHT, 0) + 4;
		heights[n] = lh > ROW_MIN ? lh : ROW_MIN;
		rows[n++] = i;
		any_prev |= chart_has_prev(rp, i);
	}
	if (!n) {
		para_style(p, _("Intet spørgsmål har tal at vise endnu."), 9, 0, 1);
		free(rows), free(heights);
		return;
	}
	/* Charts that each fit a page (less the headings above the first). */
	double page = BOTTOM - MARGIN - LEGEND_H - AXIS_H - 60;
	int from = 0;
	while (from < n) {
		double h = 0;
		int to = from;
		while (to < n && (to == from || h + heights[to] <= page))
			h += heights[to++];
		figure(p, rp, rows + from, heights + from, to - from, any_prev);
		from = to;
	}
	para_style(p,
	           any_prev ? _("Søjlen er andelen opfyldt; den sorte streg er 95 %-intervallet; ruden er forrige "
	                        "sammenlignelige tilsyn. Tallene står i tabellen.")
	                    : _("Søjlen er andelen opfyldt; den sorte streg er 95 %-intervallet. Tallene står i tabellen."),
	           8, 0, 1);
	free(rows), free(heights);
}

/* ---- the sections ---- */

static void results_table(Pdf *p, const Report *rp)
{
	int own = rp->audience == REPORT_RAADGIVER;
	Col cols[] = {{_("Spørgsmål"), own ? 150 : 175, 0}, {_("Ja"), 26, 1}, {_("Delv."), 30, 1}, {_("Nej"), 26, 1},
	              {_("Ikke rel."), 34, 1}, {_("Opfyldt"), 40, 1}, {_("95 %-interval"), 56, 0}, {_("Væs."), 28, 1},
	              {own ? _("Dine sager j/d/n") : _("Ændring siden sidst"), own ? 91 : 66.6, 0}};
	Table t = {cols, (int)COUNT(cols)};
	table_begin(p, &t, 40);
	const char *section = NULL;
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		if (!section || strcmp(section, x->section) != 0) {
			section = x->section;
			table_group_row(p, &t, section);
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
		unsigned emph = 0;
		if (own) {
			snprintf(last, sizeof last, "%lld / %lld / %lld", (long long)rp->own_yes[i], (long long)rp->own_partly[i],
			         (long long)rp->own_no[i]);
		} else if (rp->show_change[i]) {
			report_change_text(x, last, sizeof last);
			if (!str_eq(stats_verdict(x->diff_low, x->diff_high), "no_clear_change"))
				emph = 1u << 8;
		}
		if (rp->suppressed[i]) {
			const char *cells[] = {q, "", "", "", "", "–", report_suppressed_text(), "", last};
			table_row(p, &t, cells);
		} else {
			const char *cells[] = {q, yes, partly, no, nr, pct, ci, mat, last};
			table_row_emph(p, &t, cells, emph);
		}
	}
	table_end(p);
}

/* "▼ −12 point: forværret" for a pooled group, "" without a comparison. */
static void group_change(const ReportCategory *c, char *out, size_t n, char *prev, size_t np)
{
	const char *v = stats_verdict(c->diff_low, c->diff_high);
	snprintf(prev, np, "–");
	snprintf(out, n, "%s", _("intet at sammenligne med"));
	if (!c->has_prev)
		return;
	report_pct(prev, c->prev_fulfilled);
	snprintf(out, n, "%s%+.0f point: %s", report_change_mark(v), 100 * c->diff, stats_verdict_word(v));
}

/* The areas (categories) and the whole round: now, before, the change and its verdict. */
static void areas_table(Pdf *p, const Report *rp)
{
	Col cols[] = {{_("Område"), 120, 0},   {_("Spørgsmål"), 60, 1}, {_("Ja / delvist / nej"), 80, 1},
	              {_("Opfyldt nu"), 50, 1}, {_("Sidst"), 40, 1},     {_("Ændring"), 131.9, 0}};
	Table t = {cols, (int)COUNT(cols)};
	table_begin(p, &t, 20);
	for (int k = 0; k < 4; k++) {
		const ReportCategory *c = k < 3 ? &rp->cat[k] : &rp->total;
		if (!c->nquestions && k < 3)
			continue;
		int64_t base = c->yes + c->partly + c->no;
		if (c->suppressed || !base) {
			const char *cells[] = {c->title, "", "", "–", "",
			                       c->suppressed ? report_suppressed_text() : _("ingen vurderinger endnu")};
			table_row(p, &t, cells);
			continue;
		}
		char nq[16], counts[80], pct[16], prev[16], change[120];
		snprintf(nq, sizeof nq, "%d", c->nquestions);
		snprintf(counts, sizeof counts, "%lld / %lld / %lld", (long long)c->yes, (long long)c->partly, (long long)c->no);
		report_pct(pct, (double)c->yes / (double)base);
		group_change(c, change, sizeof change, prev, sizeof prev);
		const char *cells[] = {c->title, nq, counts, pct, prev, change};
		unsigned emph = k == 3 ? 0x3fu : 0;
		if (c->has_prev && !str_eq(stats_verdict(c->diff_low, c->diff_high), "no_clear_change"))
			emph |= 1u << 5;
		table_row_emph(p, &t, cells, emph);
	}
	table_end(p);
}

/* A question's wording cut at a word to about max bytes, with "…". */
static void short_text(const char *s, char *out, size_t max)
{
	size_t n = strlen(s);
	if (n < max) {
		snprintf(out, max + 4, "%s", s);
		return;
	}
	size_t cut = max;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) /* never inside a UTF-8 character */
		cut--;
	snprintf(out, max + 4, "%.*s…", (int)cut, s);
}

/* The largest changes with one verdict, one line each, for the key figures. */
static void key_changes(const Report *rp, const char *verdict, char *out, size_t n)
{
	int top[2];
	int all = report_key_changes(rp, verdict, top, 2);
	size_t len = 0;
	out[0] = 0;
	for (int j = 0; j < all && j < 2 && len < n; j++) {
		const QuestionResult *x = &rp->q[top[j]];
		char text[100], now[16], before[16];
		short_text(x->text, text, 80);
		report_pct(now, x->fulfilled);
		report_pct(before, x->prev_fulfilled);
		len += (size_t)snprintf(out + len, n - len, "%s%s%s %s: %s (sidst %s, %+.0f point)", j ? "\n" : "",
		                        report_change_mark(verdict), x->code, text, now, before, 100 * x->diff);
	}
	if (all > 2 && len < n)
		snprintf(out + len, n - len, _("\nog %d andre spørgsmål"), all - 2);
}

static void key_figures(Pdf *p, const Report *rp)
{
	heading(p, 1, _("Nøgletal"));
	Col cols[] = {{_("Nøgletal"), 130, 0}, {_("Resultat"), TEXT_W - 130, 0}};
	Table t = {cols, 2};
	table_begin(p, &t, 30);
	const ReportCategory *c = &rp->total;
	int64_t base = c->yes + c->partly + c->no;
	char s[1200], pct[16], prev[16], change[120];
	if (c->suppressed)
		snprintf(s, sizeof s, "%s", report_suppressed_text());
	else if (!base)
		snprintf(s, sizeof s, "%s", _("ingen vurderinger endnu"));
	else {
		report_pct(pct, (double)c->yes / (double)base);
		group_change(c, change, sizeof change, prev, sizeof prev);
		if (c->has_prev)
			snprintf(s, sizeof s, _("%s af de vurderede svar (forrige tilsyn %s): %s"), pct, prev, change);
		else
			snprintf(s, sizeof s, _("%s af de vurderede svar; der er intet tidligere tilsyn at sammenligne med"), pct);
	}
	const char *row1[] = {_("Opfyldt i alt"), s};
	table_row_emph(p, &t, row1, 2);
	key_changes(rp, "declined", s, sizeof s);
	const char *row2[] = {_("Største forringelser"), *s ? s : _("Intet spørgsmål er klart forringet.")};
	table_row(p, &t, row2);
	key_changes(rp, "improved", s, sizeof s);
	const char *row3[] = {_("Største forbedringer"), *s ? s : _("Intet spørgsmål er klart forbedret.")};
	table_row(p, &t, row3);
	if (rp->audience == REPORT_LEDELSE) {
		if (rp->acute)
			snprintf(s, sizeof s, rp->acute == 1 ? _("%lld sag er markeret med akut bekymring") :
			                                       _("%lld sager er markeret med akut bekymring"),
			         (long long)rp->acute);
		else
			snprintf(s, sizeof s, "%s", _("Ingen sager er markeret med akut bekymring"));
		const char *row4[] = {_("Akut bekymring"), s};
		table_row_emph(p, &t, row4, rp->acute ? 2 : 0);
	}
	snprintf(s, sizeof s, _("%lld sager; %lld gennemgået helt eller delvist, heraf %lld færdige"), (long long)rp->sampled,
	         (long long)rp->answered, (long long)rp->finished);
	const char *row5[] = {_("Stikprøve"), s};
	table_row(p, &t, row5);
	table_end(p);
}

/* The printed contents: each section with its page (from the previous pass), linked. */
static void contents(Pdf *p)
{
	heading(p, 1, _("Indhold"));
	room(p, p->nknown ? 16 : 0);
	cairo_tag_begin(p->cr, "TOC", "");
	for (int i = 0; i < p->nknown; i++) {
		const TocEntry *e = &p->known[i];
		char num[16], attrs[64];
		snprintf(num, sizeof num, "%d", e->page);
		double h = text_at(p, e->text, 10, 0, 0, 0, 0, TEXT_W - 40, LEFT, 0) + 3;
		room(p, h);
		snprintf(attrs, sizeof attrs, "dest='%s'", e->dest);
		cairo_tag_begin(p->cr, "TOCI", "");
		cairo_tag_begin(p->cr, CAIRO_TAG_LINK, attrs);
		text_at(p, e->text, 10, 0, 0, MARGIN, p->y, TEXT_W - 40, LEFT, 1);
		text_at(p, num, 10, 0, 0, MARGIN, p->y, TEXT_W, RIGHT, 1);
		cairo_tag_end(p->cr, CAIRO_TAG_LINK);
		cairo_tag_end(p->cr, "TOCI");
		/* A dotted leader from the title to the number. */
		double tw = text_width(p, e->text, 10, 0);
		if (tw < TEXT_W - 60) {
			cairo_set_source_rgb(p->cr, 0.5, 0.5, 0.5);
			for (double x = MARGIN + tw + 6; x < PAGE_W - MARGIN - 24; x += 4)
				cairo_rectangle(p->cr, x, p->y + 9, 0.8, 0.8);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		p->y += h;
	}
	cairo_tag_end(p->cr, "TOC");
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
	Table t = {comments ? with : without, comments ? 3 : 2};
	table_begin(p, &t, 20);
	for (int k = 0; k < c->nanswers; k++) {
		const ReportAnswer *a = &c->answers[k];
		char q[1200], v[200];
		snprintf(q, sizeof q, "%s %s", a->code, a->text);
		snprintf(v, sizeof v, "%s%s", answer_value_title(a->value), a->material ? _(" (væsentlig betydning)") : "");
		const char *cells[] = {q, v, a->comment};
		table_row(p, &t, cells);
	}
	table_end(p);
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

static void front_page(Pdf *p, const Report *rp)
{
	const Round *r = &rp->round;
	char s[1200], period[120], made[64];
	snprintf(s, sizeof s, "%s · %s", rp->dept.name, round_kind_title(r->kind));
	para_style(p, s, 10, 0, 0);
	heading(p, 0, report_audience_title(rp->audience));
	para_style(p, r->title, 13, 1, 0);
	if (rp->audience == REPORT_RAADGIVER) {
		snprintf(s, sizeof s, "Til %s", rp->advisor);
		para_style(p, s, 12, 0, 0);
	}
	report_period_text(r, period, sizeof period);
	date_time_danish(rp->made_at, made);
	snprintf(s, sizeof s, _("Afdeling: %s · periode: %s · lavet %s"), rp->dept.name, *period ? period : _("ikke planlagt"),
	         made);
	para_style(p, s, 10, 0, 0);
	report_state_text(rp, s, sizeof s);
	para_style(p, s, 9, 0, 0);
	if (!rp->text.final) {
		cairo_set_source_rgb(p->cr, 0.67, 0, 0);
		para_style(p, report_draft_note(r), 11, 1, 0);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	key_figures(p, rp);
	heading(p, 1, _("Resultater pr. område"));
	areas_table(p, rp);
	contents(p);
}

static void body(Pdf *p, const Report *rp)
{
	char s[1200];
	heading(p, 1, _("Om tilsynet"));
	snprintf(s, sizeof s, "Stikprøven er på %lld sager; %lld er gennemgået helt eller delvist, heraf %lld færdige.",
	         (long long)rp->sampled, (long long)rp->answered, (long long)rp->finished);
	para(p, s);
	if (rp->audience == REPORT_RAADGIVER) {
		snprintf(s, sizeof s,
		         "%d af sagerne er dine. Afdelingens tal står ved siden af dine egne svar; et tal vises kun, når det "
		         "bygger på mindst 5 af dine kollegers sager.",
		         rp->ncases);
		para(p, s);
	}
	if (rp->audience == REPORT_MEDARBEJDERE)
		for (int i = 0; report_staff_rules[i]; i++)
			para(p, report_staff_rules[i]);
	if (rp->audience == REPORT_LEDELSE && !rp->appendix)
		para(p, _("Rapporten er uden bilaget med de enkelte sager; det kan tages med, når rapporten hentes."));

	texts(p, rp);

	heading(p, 1, _("Resultater"));
	heading(p, 2, _("Opfyldt pr. spørgsmål"));
	chart(p, rp);
	heading(p, 2, _("Tabel over resultaterne"));
	results_table(p, rp);

	if (rp->audience == REPORT_LEDELSE) {
		heading(p, 1, _("Pr. rådgiver"));
		para_style(p, _("Kun til ledelsen. Med så få sager pr. rådgiver er tallene meget usikre; brug dem til samtalen, "
		                "ikke til at rangordne."),
		           9, 0, 1);
		Col cols[] = {{_("Rådgiver"), 180, 0}, {_("Sager"), 60, 1}, {_("Ja"), 60, 1}, {_("Delvist"), 60, 1},
		              {_("Nej"), 60, 1}, {_("Opfyldt"), 61.8, 1}};
		Table t = {cols, 6};
		table_begin(p, &t, 16);
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
			table_row(p, &t, cells);
		}
		table_end(p);
		heading(p, 2, _("Akut bekymring"));
		int nacute = 0;
		for (int i = 0; i < rp->ncases; i++)
			if (rp->cases[i].acute) {
				snprintf(s, sizeof s, "Sag %s: %s", rp->cases[i].case_no, rp->cases[i].acute_note ? rp->cases[i].acute_note : "");
				para(p, s);
				nacute++;
			}
		if (!nacute)
			para(p, _("Ingen sager er markeret med akut bekymring."));
	}

	if (rp->audience == REPORT_MEDARBEJDERE) {
		heading(p, 1, _("Sagseksempler"));
		para(p, rp->ncases ? _("Rådgiveren har givet lov til, at sagen bruges som eksempel. Sagen beskrives kun ved "
		                       "gennemgangens fund.")
		                   : _("Ingen rådgiver har givet lov til, at en sag bruges som eksempel."));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Eksempel %d"), i + 1);
			case_section(p, &rp->cases[i], s, 0);
		}
	}
	if (rp->audience == REPORT_RAADGIVER) {
		heading(p, 1, _("Dine sager"));
		if (!rp->ncases)
			para(p, _("Ingen af dine sager er med i stikprøven."));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Sag %s"), rp->cases[i].case_no);
			case_section(p, &rp->cases[i], s, 1);
		}
	}

	heading(p, 1, _("Sådan læses tallene"));
	for (int i = 0; report_stats_text[i]; i++)
		para(p, report_stats_text[i]);

	if (rp->audience == REPORT_LEDELSE && rp->appendix) {
		new_page(p);
		heading(p, 1, _("Bilag: alle sager"));
		if (!rp->ncases)
			para(p, _("Stikprøven er ikke udtrukket endnu."));
		for (int i = 0; i < rp->ncases; i++) {
			snprintf(s, sizeof s, _("Sag %s"), rp->cases[i].case_no);
			case_section(p, &rp->cases[i], s, 1);
		}
	}
}

/* One pass of the whole layout into out. Returns the cairo status. */
static cairo_status_t render(Pdf *p, Buf *out)
{
	const Report *rp = p->rp;
	p->page = 1, p->y = MARGIN, p->dests = 0, p->ntoc = 0, p->npending = 0, p->in_body = 0;
	memset(p->outline, 0, sizeof p->outline);
	p->surface = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_status_t st = cairo_surface_status(p->surface);
		cairo_surface_destroy(p->surface);
		return st;
	}
	char title[400];
	snprintf(title, sizeof title, "%s – %s", report_audience_title(rp->audience), rp->round.title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, rp->dept.name);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, _("Ledelsestilsyn"));
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "tilsyn " TILSYN_VERSION);
	p->cr = cairo_create(p->surface);
	cairo_tag_begin(p->cr, "Document", "");
	front_page(p, rp);
	room(p, 0);
	new_page(p);
	p->in_body = 1;
	body(p, rp);
	room(p, 0);
	cairo_tag_end(p->cr, "Document");
	footer(p);
	cairo_show_page(p->cr);
	cairo_status_t st = cairo_status(p->cr);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	return st;
}

/* ---- what cairo 1.16 does not write: /Lang and /Alt, by an incremental update ---- */

/* s as a PDF text string in UTF-16BE: <FEFF...>. */
static void pdf_text_string(Buf *b, const char *s)
{
	buf_printf(b, "<FEFF");
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		unsigned c = *u++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
		for (; more && (*u & 0xC0) == 0x80; more--)
			c = c << 6 | (*u++ & 0x3F);
		if (c >= 0x10000)
			buf_printf(b, "%04X%04X", 0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
		else
			buf_printf(b, "%04X", c);
	}
	buf_printf(b, ">");
}

typedef struct Amend {
	long obj;
	char *body; /* the dictionary and what follows it up to "endobj" */
} Amend;

static int amend_cmp(const void *a, const void *b)
{
	long x = ((const Amend *)a)->obj, y = ((const Amend *)b)->obj;
	return x < y ? -1 : x > y;
}

/* A copy of object `obj`'s text with `add` put before its dictionary's closing ">>". */
static char *object_with(const char *pdf, size_t len, long offset, const char *add)
{
	const char *start = pdf + offset, *end = memmem(start, len - (size_t)offset, "endobj", 6);
	const char *dict = memchr(start, '\n', (size_t)(end ? end - start : 0));
	if (!end || !dict)
		return NULL;
	dict++;
	const char *close = NULL;
	for (const char *q = dict; q + 1 < end; q++)
		if (q[0] == '>' && q[1] == '>')
			close = q;
	if (!close)
		return NULL;
	Buf b;
	buf_init(&b, 0);
	buf_append(&b, dict, (size_t)(close - dict));
	buf_printf(&b, "   %s\n>>\n", add);
	return buf_detach(&b);
}

/*
** Appends an update to the PDF cairo wrote: the catalog with /Lang (da-DK), and each
** Figure structure element with its /Alt (the figures in order). cairo 1.16 writes one
** classic cross-reference table, which is read here. Returns 0, or -1 when the file is not
** as expected (then nothing is changed).
*/
static int amend(Buf *out, char *const *alt, int nalt)
{
	const char *pdf = (const char *)out->data;
	size_t len = out->len;
	const char *sx = NULL;
	for (const char *q = pdf; (q = memmem(q, len - (size_t)(q - pdf), "startxref", 9)) != NULL; q += 9)
		sx = q;
	long xref, size = 0, root = 0, info = 0;
	if (!sx || sscanf(sx, "startxref %ld", &xref) != 1 || xref <= 0 || (size_t)xref >= len)
		return -1;
	const char *tr = memmem(pdf + xref, len - (size_t)xref, "trailer", 7);
	if (!tr || sscanf(pdf + xref, "xref 0 %ld", &size) != 1 || size <= 1)
		return -1;
	const char *r = strstr(tr, "/Root "), *i = strstr(tr, "/Info ");
	if (!r || sscanf(r, "/Root %ld", &root) != 1 || (i && sscanf(i, "/Info %ld", &info) != 1))
		return -1;
	const char *entries = memchr(pdf + xref + 5, '\n', len - (size_t)xref - 5);
	if (!entries || entries + 1 + 20 * size > tr)
		return -1;
	entries++;
	Amend *changes = xcalloc((size_t)nalt + 2, sizeof *changes);
	int n = 0, figure = 0, ok = 1;
	for (long obj = 1; obj < size && ok; obj++) {
		long off = atol(entries + 20 * obj);
		if (off <= 0 || (size_t)off >= len)
			continue;
		const char *body = memchr(pdf + off, '\n', 32);
		if (!body)
			continue;
		body++;
		if (obj == root) {
			changes[n].obj = obj;
			ok = (changes[n++].body = object_with(pdf, len, off, "/Lang (da-DK)")) != NULL;
		} else if (figure < nalt && (size_t)(body - pdf) + 40 < len &&
		           strncmp(body, "<< /Type /StructElem\n   /S /Figure\n", 35) == 0) {
			Buf a;
			buf_init(&a, 0);
			buf_printf(&a, "/Alt ");
			pdf_text_string(&a, alt[figure++]);
			changes[n].obj = obj;
			ok = (changes[n++].body = object_with(pdf, len, off, buf_cstr(&a))) != NULL;
			buf_free(&a);
		}
	}
	if (ok && n) {
		qsort(changes, (size_t)n, sizeof *changes, amend_cmp);
		long *at = xcalloc((size_t)n, sizeof *at);
		buf_printf(out, "\n");
		for (int k = 0; k < n; k++) {
			at[k] = (long)out->len;
			buf_printf(out, "%ld 0 obj\n%sendobj\n", changes[k].obj, changes[k].body);
		}
		long newxref = (long)out->len;
		buf_printf(out, "xref\n");
		for (int k = 0; k < n; k++)
			buf_printf(out, "%ld 1\n%010ld 00000 n \n", changes[k].obj, at[k]);
		buf_printf(out, "trailer\n<< /Size %ld\n   /Root %ld 0 R\n", size, root);
		if (info)
			buf_printf(out, "   /Info %ld 0 R\n", info);
		buf_printf(out, "   /Prev %ld\n>>\nstartxref\n%ld\n%%%%EOF\n", xref, newxref);
		free(at);
	}
	for (int k = 0; k < n; k++)
		free(changes[k].body);
	free(changes);
	return ok && figure == nalt ? 0 : -1;
}

static void free_alt(Pdf *p)
{
	for (int i = 0; i < p->nalt; i++)
		free(p->alt[i]);
	free(p->alt);
	p->alt = NULL;
	p->nalt = 0;
}

int report_pdf(const Report *rp, Buf *out, char *err, size_t n)
{
	Pdf p = {.rp = rp, .lang = pango_language_from_string("da-dk")};
	TocEntry known[MAX_TOC];
	Buf pass;
	buf_init(&pass, out->limit);
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	/* Until the contents print the pages the sections are on (the second pass as a rule). */
	for (int round = 0; round < 4; round++) {
		buf_reset(&pass);
		free_alt(&p);
		st = render(&p, &pass);
		if (st != CAIRO_STATUS_SUCCESS)
			break;
		int same = p.ntoc == p.nknown && p.known_pages == p.page;
		for (int i = 0; same && i < p.ntoc; i++)
			same = p.toc[i].page == known[i].page && str_eq(p.toc[i].dest, known[i].dest);
		if (same)
			break;
		memcpy(known, p.toc, sizeof known);
		p.known = known;
		p.nknown = p.ntoc;
		p.known_pages = p.page;
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, n, _("PDF-filen kunne ikke skrives (%s)."), cairo_status_to_string(st));
		free_alt(&p);
		buf_free(&pass);
		return -1;
	}
	int rc = amend(&pass, p.alt, p.nalt);
	free_alt(&p);
	if (rc != 0) {
		snprintf(err, n, "%s", _("PDF-filen kunne ikke gøres færdig (sprog og alternativ tekst)."));
		buf_free(&pass);
		return -1;
	}
	buf_append(out, pass.data, pass.len);
	buf_free(&pass);
	return 0;
}
