/*
** Charts as SVG written by the server, inline in the page: horizontal bars of "opfyldt"
** with 95 % interval whiskers and a marker for the previous round, and trend lines over
** rounds. No script and no style attributes (the Content-Security-Policy forbids inline
** style); colours are SVG presentation attributes from the Okabe-Ito palette, which stays
** apart for colour-blind readers, and every series also differs by line pattern and marker
** shape, so a grey print is readable. Each chart has role="img", an aria-label, <title> and
** <desc>; the page puts the table with the same figures beside it as the text alternative.
** All coordinates are whole pixels, so every number goes through html_fmt's %d.
*/
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INK "#1c2733"
#define GRID "#c4ccd4"
#define BAR_FILL "#56B4E9"    /* Okabe-Ito sky blue */
#define BAR_LINE "#0072B2"    /* Okabe-Ito blue: 5:1 against white */
#define PREV_FILL "#D55E00"   /* Okabe-Ito vermillion */

static const char *const series_colour[] = {"#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"};
static const char *const series_dash[] = {"none", "8 4", "2 3", "12 3 2 3", "4 4", "1 2"};

static double unit(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void pct(char *out, size_t n, double v)
{
	snprintf(out, n, "%.0f %%", 100 * unit(v));
}

static void svg_open(Buf *b, const char *id, const char *title, const char *desc, int w, int h)
{
	html_fmt(b,
	         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%A\" role=\"img\" aria-label=\"%A\" "
	         "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-family=\"system-ui, sans-serif\" font-size=\"12\" "
	         "fill=\"" INK "\">\n<title>%T</title>\n<desc>%T</desc>\n",
	         id, title, w, h, w, h, title, desc);
}

/* A marker of the given shape centred on (x, y): 0 circle, 1 square, 2 triangle, 3 diamond. */
static void marker(Buf *b, int shape, int x, int y, const char *fill)
{
	switch (shape % 4) {
	case 0: html_fmt(b, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%A\" stroke=\"#ffffff\"/>", x, y, fill); break;
	case 1:
		html_fmt(b, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"8\" fill=\"%A\" stroke=\"#ffffff\"/>", x - 4, y - 4, fill);
		break;
	case 2:
		html_fmt(b, "<path d=\"M%d %dl5 9h-10z\" fill=\"%A\" stroke=\"#ffffff\"/>", x, y - 5, fill);
		break;
	default:
		html_fmt(b, "<path d=\"M%d %dl5 5l-5 5l-5 -5z\" fill=\"%A\" stroke=\"#ffffff\"/>", x, y - 5, fill);
		break;
	}
}

/*
** Horizontal bars, one per entry: the bar is "opfyldt", the black whisker its 95 % interval,
** an orange-red diamond the previous comparable round (or what marker_label names, such as
** the department's figure beside a caseworker's own). Entries without answers get "ingen
** svar" and no bar. Every bar is a <rect class="bar">.
*/
void chart_bars(Buf *b, const char *id, const char *title, const char *desc, const char *marker_label,
                const ChartBar *bars, int n)
{
	int longest = 0;
	for (int i = 0; i < n; i++) {
		int len = (int)strlen(bars[i].label ? bars[i].label : "");
		if (len > longest)
			longest = len;
	}
	const int W = 720, RH = 26, TOP = 46;
	int lw = longest * 7 + 14;
	lw = lw < 60 ? 60 : lw > 240 ? 240 : lw;
	const int x0 = lw, pw = W - lw - 64;
	const int H = TOP + n * RH + 26;
	int any_prev = 0;
	for (int i = 0; i < n; i++)
		any_prev |= bars[i].has_prev;
	svg_open(b, id, title, desc, W, H);

	/* Legend. */
	html_fmt(b, "<g class=\"legend\"><rect x=\"%d\" y=\"6\" width=\"18\" height=\"12\" fill=\"" BAR_FILL "\" stroke=\"" BAR_LINE
	            "\"/><text x=\"%d\" y=\"16\">Opfyldt</text>"
	            "<line x1=\"%d\" y1=\"12\" x2=\"%d\" y2=\"12\" stroke=\"#000000\" stroke-width=\"2\"/>"
	            "<line x1=\"%d\" y1=\"7\" x2=\"%d\" y2=\"17\" stroke=\"#000000\" stroke-width=\"2\"/>"
	            "<line x1=\"%d\" y1=\"7\" x2=\"%d\" y2=\"17\" stroke=\"#000000\" stroke-width=\"2\"/>"
	            "<text x=\"%d\" y=\"16\">95 %%-interval</text>",
	         x0, x0 + 24, x0 + 110, x0 + 134, x0 + 110, x0 + 110, x0 + 134, x0 + 134, x0 + 140);
	if (any_prev) {
		html_fmt(b, "<path d=\"M%d 5l6 7l-6 7l-6 -7z\" fill=\"" PREV_FILL "\" stroke=\"#000000\"/>", x0 + 250);
		html_fmt(b, "<text x=\"%d\" y=\"16\">%T</text>", x0 + 262, marker_label ? marker_label : _("Forrige tilsyn"));
	}
	html_lit(b, "</g>\n");

	/* Grid and scale. */
	for (int t = 0; t <= 4; t++) {
		int x = x0 + pw * t / 4;
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\"/>", x, TOP - 6, x, TOP + n * RH);
		html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d %%</text>", x, TOP + n * RH + 16, t * 25);
	}
	html_lit(b, "\n");

	for (int i = 0; i < n; i++) {
		const ChartBar *c = &bars[i];
		int y = TOP + i * RH, mid = y + RH / 2 - 3;
		html_fmt(b, "<g class=\"row\"><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%T</text>", x0 - 8, mid + 4,
		         c->label ? c->label : "");
		if (!c->has) {
			html_fmt(b, "<text x=\"%d\" y=\"%d\" fill=\"#47525e\">ingen svar</text></g>\n", x0 + 6, mid + 4);
			continue;
		}
		int w = (int)(unit(c->value) * pw + 0.5), lo = x0 + (int)(unit(c->low) * pw + 0.5),
		    hi = x0 + (int)(unit(c->high) * pw + 0.5);
		html_fmt(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"" BAR_FILL "\" stroke=\"" BAR_LINE
		            "\"/>",
		         x0, mid - 7, w);
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\" stroke-width=\"2\"/>", lo, mid, hi, mid);
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\" stroke-width=\"2\"/>", lo, mid - 5, lo,
		         mid + 5);
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\" stroke-width=\"2\"/>", hi, mid - 5, hi,
		         mid + 5);
		if (c->has_prev) {
			int px = x0 + (int)(unit(c->prev) * pw + 0.5);
			html_fmt(b, "<path class=\"prev\" d=\"M%d %dl6 7l-6 7l-6 -7z\" fill=\"" PREV_FILL "\" stroke=\"#000000\"/>", px,
			         mid - 7);
		}
		char v[16];
		pct(v, sizeof v, c->value);
		html_fmt(b, "<text x=\"%d\" y=\"%d\">%T</text></g>\n", x0 + pw + 10, mid + 4, v);
	}
	html_lit(b, "</svg>\n");
}

/*
** Lines over rounds, one per series, each point with its 95 % interval as a thin vertical
** whisker (the series spread a little sideways so the whiskers do not hide each other). A
** round without answers for a series breaks its line.
*/
void chart_lines(Buf *b, const char *id, const char *title, const char *desc, const char *const *xlabels,
                 int npoints, const ChartSeries *series, int nseries)
{
	const int W = 720, LEFT = 52, RIGHT = 24, TOP = 40;
	const int rotate = npoints > 8;
	const int H = TOP + 200 + (rotate ? 70 : 34);
	const int x0 = LEFT, pw = W - LEFT - RIGHT, y0 = TOP, ph = 200;
	svg_open(b, id, title, desc, W, H);

	/* Legend: a sample of each line with its marker. */
	html_lit(b, "<g class=\"legend\">");
	for (int s = 0, x = x0; s < nseries; s++) {
		const char *colour = series_colour[s % COUNT(series_colour)];
		html_fmt(b, "<line x1=\"%d\" y1=\"12\" x2=\"%d\" y2=\"12\" stroke=\"%A\" stroke-width=\"2.5\" stroke-dasharray=\"%A\"/>",
		         x, x + 28, colour, series_dash[s % COUNT(series_dash)]);
		marker(b, s, x + 14, 12, colour);
		html_fmt(b, "<text x=\"%d\" y=\"16\">%T</text>", x + 34, series[s].name);
		x += 34 + (int)strlen(series[s].name) * 7 + 20;
	}
	html_lit(b, "</g>\n");

	for (int t = 0; t <= 4; t++) {
		int y = y0 + ph - ph * t / 4;
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\"/>", x0, y, x0 + pw, y);
		html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d %%</text>", x0 - 6, y + 4, t * 25);
	}
	int *xs = xcalloc((size_t)(npoints ? npoints : 1), sizeof *xs);
	for (int i = 0; i < npoints; i++) {
		xs[i] = npoints == 1 ? x0 + pw / 2 : x0 + 12 + (pw - 24) * i / (npoints - 1);
		int ly = y0 + ph + 16;
		if (rotate)
			html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-40 %d %d)\">%T</text>", xs[i],
			         ly, xs[i], ly, xlabels[i]);
		else
			html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%T</text>", xs[i], ly, xlabels[i]);
	}
	html_lit(b, "\n");

	for (int s = 0; s < nseries; s++) {
		const char *colour = series_colour[s % COUNT(series_colour)];
		int dx = (2 * s - (nseries - 1)) * 3;
		html_fmt(b, "<g class=\"series\"><title>%T</title>", series[s].name);
		/* The line, broken where a round has no answers. */
		Buf d;
		buf_init(&d, BUF_DEFAULT_LIMIT);
		int pen = 0;
		for (int i = 0; i < npoints; i++) {
			const TrendCell *c = &series[s].points[(size_t)i * (size_t)series[s].stride];
			if (!c->has) {
				pen = 0;
				continue;
			}
			int y = y0 + ph - (int)(unit(c->fulfilled) * ph + 0.5);
			buf_printf(&d, "%s%d %d", pen ? "L" : "M", xs[i] + dx, y);
			pen = 1;
		}
		if (d.len)
			html_fmt(b, "<path class=\"line\" d=\"%A\" fill=\"none\" stroke=\"%A\" stroke-width=\"2.5\" stroke-dasharray=\"%A\"/>",
			         buf_cstr(&d), colour, series_dash[s % COUNT(series_dash)]);
		buf_free(&d);
		for (int i = 0; i < npoints; i++) {
			const TrendCell *c = &series[s].points[(size_t)i * (size_t)series[s].stride];
			if (!c->has)
				continue;
			int x = xs[i] + dx, y = y0 + ph - (int)(unit(c->fulfilled) * ph + 0.5);
			int lo = y0 + ph - (int)(unit(c->ci_low) * ph + 0.5), hi = y0 + ph - (int)(unit(c->ci_high) * ph + 0.5);
			html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%A\" stroke-width=\"1\"/>", x, lo, x, hi,
			         colour);
			marker(b, s, x, y, colour);
		}
		html_lit(b, "</g>\n");
	}
	free(xs);
	html_lit(b, "</svg>\n");
}
