/*
** The report as one print-friendly, self-contained HTML file (a download, not a page of the
** app: its styles are in a <style> element, and it loads nothing). Written only through the
** escaping writer (html_fmt / html_lit); it shows exactly what the model (report.c) holds.
*/
#include "http.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void paragraphs(Buf *b, const char *text)
{
	/* Blank lines separate paragraphs; single line breaks are kept. */
	const char *p = text;
	while (*p) {
		while (*p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *end = strstr(p, "\n\n");
		const char *crlf = strstr(p, "\r\n\r\n");
		if (crlf && (!end || crlf < end))
			end = crlf;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *para = xmalloc(n + 1);
		memcpy(para, p, n);
		para[n] = 0;
		html_lit(b, "<p>");
		char *save = NULL;
		int first = 1;
		for (char *line = strtok_r(para, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
			if (!first)
				html_lit(b, "<br>");
			html_text(b, line);
			first = 0;
		}
		html_lit(b, "</p>\n");
		free(para);
		p += n;
	}
}

static void texts(Buf *b, const Report *rp)
{
	const ReportText *t = &rp->text;
	html_fmt(b, "<section>\n<h2 id=\"vurdering\">%T</h2>\n", report_text_heading(&rp->round));
	char status[400];
	report_status_text(rp, status, sizeof status);
	if (t->final)
		html_fmt(b, "<p class=\"status\">%T</p>\n", status);
	else
		html_fmt(b, "<p class=\"status draft\">%T</p>\n", status);
	const char *titles[4] = {_("Sammenfatning"), _("Styrker"), _("Udfordringer"), _("Anbefalinger")};
	const char *bodies[4] = {t->summary, t->strengths, t->challenges, t->recommendations};
	for (int i = 0; i < 4; i++) {
		html_fmt(b, "<h3>%T</h3>\n", titles[i]);
		if (str_empty(bodies[i]))
			html_lit(b, "<p class=\"hint\">(ikke skrevet endnu)</p>\n");
		else
			paragraphs(b, bodies[i]);
	}
	html_lit(b, "</section>\n");
}

/* Horizontal bars of "opfyldt" with the 95 % interval as whiskers; the table is the text alternative. */
static void chart(Buf *b, const Report *rp)
{
	int shown = 0;
	for (int i = 0; i < rp->nq; i++)
		shown += !rp->suppressed[i] && rp->q[i].has_fulfilled;
	if (!shown)
		return;
	int row = 18, left = 90, width = 420, height = shown * row + 30;
	html_fmt(b, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	            "role=\"img\" aria-label=\"Opfyldt pr. spørgsmål med 95 %%-interval; tallene står i tabellen\">\n",
	         left + width + 20, height, left + width + 20, height);
	for (int t = 0; t <= 100; t += 25) {
		int x = left + width * t / 100;
		html_fmt(b, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>"
		            "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d %%</text>\n",
		         x, x, shown * row, x, shown * row + 14, t);
	}
	int k = 0, any_prev = 0;
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		if (rp->suppressed[i] || !x->has_fulfilled)
			continue;
		int y = k++ * row;
		int w = (int)(x->fulfilled * width + 0.5);
		int lo = left + (int)(x->ci_low * width + 0.5), hi = left + (int)(x->ci_high * width + 0.5);
		html_fmt(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%T</text>"
		            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0072B2\"/>"
		            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
		            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
		            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
		         left - 6, y + 13, x->code, left, y + 4, w, row - 8, lo, y + row / 2, hi, y + row / 2, lo, y + 5, lo,
		         y + row - 5, hi, y + 5, hi, y + row - 5);
		if (rp->show_change[i] && x->prev_round) { /* the previous round, as on the results page */
			int px = left + (int)(x->prev_fulfilled * width + 0.5);
			html_fmt(b, "<path class=\"prev\" d=\"M%d %dl5 5l-5 5l-5 -5z\" fill=\"#D55E00\" stroke=\"#000\"/>\n", px, y + 4);
			any_prev = 1;
		}
	}
	html_lit(b, "</svg>\n<figcaption>Opfyldt pr. spørgsmål. Den sorte streg er 95 %-intervallet.");
	if (any_prev)
		html_lit(b, " Ruden er forrige sammenlignelige tilsyn.");
	html_lit(b, "</figcaption>\n</figure>\n");
}

static void results_table(Buf *b, const Report *rp)
{
	int own = rp->audience == REPORT_RAADGIVER;
	html_lit(b, "<table>\n<thead><tr><th scope=\"col\">Spørgsmål</th><th scope=\"col\" class=\"num\">Ja</th>"
	            "<th scope=\"col\" class=\"num\">Delvist</th><th scope=\"col\" class=\"num\">Nej</th>"
	            "<th scope=\"col\" class=\"num\">Ikke relevant</th><th scope=\"col\" class=\"num\">Ubesvaret</th>"
	            "<th scope=\"col\" class=\"num\">Opfyldt</th><th scope=\"col\">95 %-interval</th>"
	            "<th scope=\"col\" class=\"num\">Væsentlig betydning</th><th scope=\"col\">Ændring siden sidst</th>");
	if (own)
		html_lit(b, "<th scope=\"col\">Dine sager (ja/delvist/nej)</th>");
	html_lit(b, "</tr></thead>\n<tbody>\n");
	const char *section = NULL;
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		if (!section || strcmp(section, x->section) != 0) {
			section = x->section;
			html_fmt(b, "<tr class=\"section\"><th scope=\"rowgroup\" colspan=\"%d\">%T</th></tr>\n", own ? 11 : 10, section);
		}
		html_fmt(b, "<tr><th scope=\"row\"><span class=\"code\">%T</span> %T</th>", x->code, x->text);
		if (rp->suppressed[i]) {
			html_fmt(b, "<td colspan=\"9\" class=\"suppressed\">%T</td>", report_suppressed_text());
		} else {
			char pct[16] = "–", ci[40] = "–", change[120] = "";
			if (x->has_fulfilled)
				report_pct(pct, x->fulfilled), report_interval(ci, x->ci_low, x->ci_high);
			int clear = 0;
			if (rp->show_change[i]) {
				report_change_text(x, change, sizeof change);
				clear = !str_eq(stats_verdict(x->diff_low, x->diff_high), "no_clear_change");
			}
			html_fmt(b, "<td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
			            "<td class=\"num\">%I</td><td class=\"num\">%T</td><td>%T</td><td class=\"num\">%I</td><td class=\"%A\">%T</td>",
			         x->yes, x->partly, x->no, x->not_relevant, x->unanswered, pct, ci, x->material,
			         clear ? "change" : "", change);
		}
		if (own)
			html_fmt(b, "<td>%I / %I / %I</td>", rp->own_yes[i], rp->own_partly[i], rp->own_no[i]);
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table>\n");
}

static void categories_table(Buf *b, const Report *rp)
{
	html_lit(b, "<h3>Pr. kategori og samlet</h3>\n<table>\n<thead><tr><th scope=\"col\">Kategori</th>"
	            "<th scope=\"col\" class=\"num\">Spørgsmål</th><th scope=\"col\" class=\"num\">Ja</th>"
	            "<th scope=\"col\" class=\"num\">Delvist</th><th scope=\"col\" class=\"num\">Nej</th>"
	            "<th scope=\"col\" class=\"num\">Opfyldt</th><th scope=\"col\" class=\"num\">Væsentlig betydning</th>"
	            "<th scope=\"col\" class=\"num\">Forrige tilsyn</th><th scope=\"col\">Ændring</th>"
	            "</tr></thead>\n<tbody>\n");
	for (int k = 0; k < 4; k++) {
		const ReportCategory *c = k < 3 ? &rp->cat[k] : &rp->total;
		if (!c->nquestions && k < 3)
			continue;
		html_fmt(b, "<tr><th scope=\"row\">%T</th>", c->title);
		int64_t base = c->yes + c->partly + c->no;
		if (c->suppressed || !base) {
			html_fmt(b, "<td colspan=\"8\" class=\"suppressed\">%T</td>",
			         c->suppressed ? report_suppressed_text() : _("ingen vurderinger endnu"));
		} else {
			char pct[16];
			report_pct(pct, (double)c->yes / (double)base);
			html_fmt(b, "<td class=\"num\">%d</td><td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
			            "<td class=\"num\">%T</td><td class=\"num\">%I</td>",
			         c->nquestions, c->yes, c->partly, c->no, pct, c->material);
			if (c->has_prev) {
				const char *v = stats_verdict(c->diff_low, c->diff_high);
				char prev[16], change[80];
				report_pct(prev, c->prev_fulfilled);
				snprintf(change, sizeof change, "%s%+.0f point: %s", report_change_mark(v), 100 * c->diff,
				         stats_verdict_word(v));
				html_fmt(b, "<td class=\"num\">%T</td><td class=\"%A\">%T</td>", prev,
				         str_eq(v, "no_clear_change") ? "" : "change", change);
			} else {
				html_lit(b, "<td class=\"num\">–</td><td></td>");
			}
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table>\n");
}

/* The key figures, as on the PDF's first page: the whole round against the previous round,
** the largest clear declines and improvements, and (for management) the acute concerns. */
static void key_figures(Buf *b, const Report *rp)
{
	const ReportCategory *c = &rp->total;
	int64_t base = c->yes + c->partly + c->no;
	html_lit(b, "<section>\n<h2 id=\"noegletal\">Nøgletal</h2>\n<ul class=\"key\">\n");
	if (!c->suppressed && base) {
		char pct[16], prev[16];
		report_pct(pct, (double)c->yes / (double)base);
		html_fmt(b, "<li><strong>Opfyldt i alt: %T</strong>", pct);
		if (c->has_prev) {
			const char *v = stats_verdict(c->diff_low, c->diff_high);
			report_pct(prev, c->prev_fulfilled);
			char change[80];
			snprintf(change, sizeof change, "%s%+.0f point, %s", report_change_mark(v), 100 * c->diff,
			         stats_verdict_word(v));
			html_fmt(b, " (forrige tilsyn %T): %T", prev, change);
		}
		html_lit(b, "</li>\n");
	}
	static const char *const verdicts[2] = {"declined", "improved"};
	static const char *const labels[2] = {"Største forringelser", "Største forbedringer"};
	static const char *const none[2] = {"Intet spørgsmål er klart forringet.", "Intet spørgsmål er klart forbedret."};
	for (int k = 0; k < 2; k++) {
		int top[2];
		int all = report_key_changes(rp, verdicts[k], top, 2);
		html_fmt(b, "<li>%T: ", labels[k]);
		if (!all)
			html_text(b, none[k]);
		for (int j = 0; j < all && j < 2; j++) {
			const QuestionResult *x = &rp->q[top[j]];
			char now[16], before[16], figures[80];
			report_pct(now, x->fulfilled);
			report_pct(before, x->prev_fulfilled);
			snprintf(figures, sizeof figures, "%s (sidst %s, %+.0f point)", now, before, 100 * x->diff);
			html_fmt(b, "%T%T<span class=\"code\">%T</span> %T: %T", j ? "; " : "", report_change_mark(verdicts[k]),
			         x->code, x->text, figures);
		}
		if (all > 2)
			html_fmt(b, " og %d andre spørgsmål", all - 2);
		html_lit(b, "</li>\n");
	}
	if (rp->audience == REPORT_LEDELSE)
		html_fmt(b, "<li>Akut bekymring: %I %T</li>\n", rp->acute, rp->acute == 1 ? "sag" : "sager");
	html_lit(b, "</ul>\n</section>\n");
}

static void case_block(Buf *b, const ReportCase *c, const char *heading, int comments)
{
	html_fmt(b, "<section class=\"case\">\n<h3>%T</h3>\n", heading);
	if (c->advisor)
		html_fmt(b, "<p>Rådgiver: %T · paragraf: %T · gennemgang: %T</p>\n", c->advisor, c->provision ? c->provision : "–",
		         str_eq(c->review_status, "faerdig") ? _("færdig") : str_eq(c->review_status, "i_gang") ? _("i gang")
		                                                                                                 : _("ikke startet"));
	if (c->acute && c->acute_note)
		html_fmt(b, "<p class=\"acute\"><strong>Akut bekymring:</strong> %T</p>\n", c->acute_note);
	if (!c->nanswers) {
		html_lit(b, "<p class=\"hint\">Sagen er ikke gennemgået endnu.</p>\n</section>\n");
		return;
	}
	html_lit(b, "<table class=\"answers\">\n<thead><tr><th scope=\"col\">Spørgsmål</th><th scope=\"col\">Svar</th>");
	if (comments)
		html_lit(b, "<th scope=\"col\">Bemærkning</th>");
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int k = 0; k < c->nanswers; k++) {
		const ReportAnswer *a = &c->answers[k];
		html_fmt(b, "<tr><th scope=\"row\"><span class=\"code\">%T</span> %T</th><td>%T%T</td>", a->code, a->text,
		         answer_value_title(a->value), a->material ? _(" (væsentlig betydning)") : "");
		if (comments)
			html_fmt(b, "<td>%T</td>", a->comment);
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table>\n</section>\n");
}

int report_html(const Report *rp, Buf *b)
{
	const Round *r = &rp->round;
	html_fmt(b,
	         "<!doctype html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n<title>%T – %T</title>\n<style>\n"
	         "body{font-family:\"DejaVu Sans\",system-ui,sans-serif;font-size:11pt;line-height:1.45;color:#111;"
	         "max-width:60rem;margin:2rem auto;padding:0 1rem}\n"
	         "h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #999;margin-top:2rem}h3{font-size:1.05rem}\n"
	         "table{border-collapse:collapse;width:100%%;margin:.5rem 0 1rem;font-size:9.5pt}"
	         "th,td{border:1px solid #bbb;padding:.2rem .35rem;text-align:left;vertical-align:top}"
	         "thead th{background:#e8eef3}.num{text-align:right}tr.section th{background:#f4f4f4}\n"
	         ".code{font-weight:bold;white-space:nowrap}.suppressed,.hint{color:#555;font-style:italic}\n"
	         ".draft{border:2px solid #a00;color:#a00;padding:.3rem .6rem;font-weight:bold}"
	         ".acute{border-left:4px solid #D55E00;padding-left:.5rem}.change{font-weight:bold}\n"
	         "figure{margin:1rem 0}svg text{font-family:inherit}\n"
	         "@media print{body{margin:0;max-width:none}h2{break-after:avoid}section.case,tr{break-inside:avoid}}\n"
	         "</style>\n</head>\n<body>\n<header>\n<p>%T · %T</p>\n<h1>%T</h1>\n",
	         report_audience_title(rp->audience), r->title, rp->dept.name, round_kind_title(r->kind),
	         report_audience_title(rp->audience));
	if (rp->audience == REPORT_RAADGIVER)
		html_fmt(b, "<p class=\"lead\">Til %T</p>\n", rp->advisor);
	char period[120], made[64];
	report_period_text(r, period, sizeof period);
	date_time_danish(rp->made_at, made);
	html_fmt(b, "<p><strong>%T</strong>", r->title);
	if (*period)
		html_fmt(b, " · periode %T", period);
	html_fmt(b, " · lavet %T</p>\n", made);
	char state[400];
	report_state_text(rp, state, sizeof state);
	html_fmt(b, "<p class=\"state\">%T</p>\n", state);
	if (!rp->text.final)
		html_fmt(b, "<p class=\"draft\">%T</p>\n", report_draft_note(r));
	html_lit(b, "</header>\n<main>\n");
	key_figures(b, rp);

	html_fmt(b, "<section>\n<h2 id=\"om\">Om tilsynet</h2>\n<p>Stikprøven er på %I sager; %I er gennemgået helt eller "
	            "delvist, heraf %I færdige.</p>\n",
	         rp->sampled, rp->answered, rp->finished);
	if (rp->audience == REPORT_RAADGIVER)
		html_fmt(b, "<p>%d af sagerne er dine. Afdelingens tal står ved siden af dine egne svar; et tal vises kun, når "
		            "det bygger på mindst 5 af dine kollegers sager.</p>\n",
		         rp->ncases);
	if (rp->audience == REPORT_MEDARBEJDERE)
		for (int i = 0; report_staff_rules[i]; i++)
			html_fmt(b, "<p>%T</p>\n", report_staff_rules[i]);
	html_lit(b, "</section>\n");

	texts(b, rp);

	html_lit(b, "<section>\n<h2 id=\"resultater\">Resultater</h2>\n");
	chart(b, rp);
	results_table(b, rp);
	categories_table(b, rp);
	html_lit(b, "</section>\n");

	if (rp->audience == REPORT_LEDELSE) {
		html_lit(b, "<section>\n<h2 id=\"raadgivere\">Pr. rådgiver</h2>\n<p class=\"hint\">Kun til ledelsen. Med så få "
		            "sager pr. rådgiver er tallene meget usikre; brug dem til samtalen, ikke til at rangordne.</p>\n"
		            "<table>\n<thead><tr><th scope=\"col\">Rådgiver</th><th scope=\"col\" class=\"num\">Sager</th>"
		            "<th scope=\"col\" class=\"num\">Ja</th><th scope=\"col\" class=\"num\">Delvist</th>"
		            "<th scope=\"col\" class=\"num\">Nej</th><th scope=\"col\" class=\"num\">Opfyldt</th></tr></thead>\n"
		            "<tbody>\n");
		for (int i = 0; i < rp->nadvisors; i++) {
			const ReportAdvisorRow *a = &rp->advisors[i];
			int64_t base = a->yes + a->partly + a->no;
			char pct[16] = "–";
			if (base)
				report_pct(pct, (double)a->yes / (double)base);
			html_fmt(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%I</td><td class=\"num\">%I</td>"
			            "<td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%T</td></tr>\n",
			         a->advisor, a->cases, a->yes, a->partly, a->no, pct);
		}
		html_lit(b, "</tbody>\n</table>\n");
		html_fmt(b, "<h3>Akut bekymring</h3>\n");
		int n = 0;
		for (int i = 0; i < rp->ncases; i++)
			if (rp->cases[i].acute) {
				if (n++ == 0)
					html_lit(b, "<ul>\n");
				html_fmt(b, "<li>Sag %T: %T</li>\n", rp->cases[i].case_no,
				         rp->cases[i].acute_note ? rp->cases[i].acute_note : "");
			}
		if (n)
			html_lit(b, "</ul>\n");
		else
			html_lit(b, "<p>Ingen sager er markeret med akut bekymring.</p>\n");
		html_lit(b, "</section>\n");
	}

	if (rp->audience == REPORT_MEDARBEJDERE) {
		html_lit(b, "<section>\n<h2 id=\"eksempler\">Sagseksempler</h2>\n");
		if (!rp->ncases)
			html_lit(b, "<p>Ingen rådgiver har givet lov til, at en sag bruges som eksempel.</p>\n");
		else
			html_lit(b, "<p>Rådgiveren har givet lov til, at sagen bruges som eksempel. Sagen beskrives kun ved "
			            "gennemgangens fund.</p>\n");
		for (int i = 0; i < rp->ncases; i++) {
			char heading[40];
			snprintf(heading, sizeof heading, _("Eksempel %d"), i + 1);
			case_block(b, &rp->cases[i], heading, 0);
		}
		html_lit(b, "</section>\n");
	}

	if (rp->audience == REPORT_RAADGIVER) {
		html_lit(b, "<section>\n<h2 id=\"dine-sager\">Dine sager</h2>\n");
		for (int i = 0; i < rp->ncases; i++) {
			char heading[200];
			snprintf(heading, sizeof heading, _("Sag %s"), rp->cases[i].case_no);
			case_block(b, &rp->cases[i], heading, 1);
		}
		html_lit(b, "</section>\n");
	}

	html_lit(b, "<section>\n<h2 id=\"statistik\">Sådan læses tallene</h2>\n");
	for (int i = 0; report_stats_text[i]; i++)
		html_fmt(b, "<p>%T</p>\n", report_stats_text[i]);
	html_lit(b, "</section>\n");

	if (rp->audience == REPORT_LEDELSE && rp->appendix) {
		html_lit(b, "<section>\n<h2 id=\"bilag\">Bilag: alle sager</h2>\n");
		for (int i = 0; i < rp->ncases; i++) {
			char heading[200];
			snprintf(heading, sizeof heading, _("Sag %s"), rp->cases[i].case_no);
			case_block(b, &rp->cases[i], heading, 1);
		}
		html_lit(b, "</section>\n");
	}
	html_fmt(b, "</main>\n<footer><p>tilsyn %T</p></footer>\n</body>\n</html>\n", TILSYN_VERSION);
	return 0;
}
