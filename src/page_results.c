/*
** Result pages: a round's results for the working group (the whole round, per category,
** per section and question, the change since the previous comparable round, suggested
** strengths and challenges, and a breakdown for one caseworker at a time), a caseworker's
** own figures beside the department's, and the department's trends over its rounds. Each
** chart is an inline SVG (chart.c) followed by the table with the same figures, which is
** its text alternative. The text says what the numbers can and cannot carry: with 20-40
** cases a share moves a lot by chance.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

/* ---- small formatters (into the request's arena) ---- */

static const char *pct(Req *r, double v)
{
	return arena_printf(r->arena, "%.0f %%", 100 * v);
}

static const char *interval(Req *r, double low, double high)
{
	return arena_printf(r->arena, "%.0f–%.0f %%", 100 * low, 100 * high);
}

/* The verdict on a change as a status tag (stats_verdict's code). */
static void verdict_tag(Req *r, const char *v)
{
	html_tag(&r->out, str_eq(v, "improved") ? "done" : str_eq(v, "declined") ? "bad" : "todo", stats_verdict_word(v));
}

/* A change in one cell: the points on the first line, the interval under them. */
static void change_text(Req *r, double diff, double low, double high)
{
	html_fmt(&r->out, "<span class=\"nowrap\">%T</span> <span class=\"ci\">(%T)</span>",
	         arena_printf(r->arena, "%+.0f point", 100 * diff),
	         arena_printf(r->arena, "%+.0f til %+.0f", 100 * low, 100 * high));
}

/* "Opfyldt" in one cell: the share, and its 95 % interval under it. */
static void share_cell(Req *r, double ful, double low, double high)
{
	html_fmt(&r->out, "<td class=\"num\"><strong>%T</strong> <span class=\"ci\">%T</span></td>", pct(r, ful),
	         interval(r, low, high));
}

/* The round named by :round, which must belong to the department in the address; else a 404
** (the feedback pages share it). */
static void audit_view(Req *r, const Round *rd, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "round:%lld", (long long)rd->id), detail);
}

static ChartBar bar_of_group(const ResultGroup *g, const char *label)
{
	return (ChartBar){.label = label, .has = g->has_fulfilled, .value = g->fulfilled, .low = g->ci_low,
	                  .high = g->ci_high, .has_prev = g->prev_round != 0, .prev = g->prev_fulfilled};
}

static const char *group_label(const ResultGroup *g)
{
	return *g->name ? results_category_title(g->name) : _("Hele tilsynet");
}

/* The numbers of one group (or question) in table cells: ja, delvist, nej, opfyldt, interval,
** mindst delvist, væsentlig. */
static void figure_cells(Req *r, int64_t yes, int64_t partly, int64_t no, int has, double ful, double low, double high,
                         double pok, int64_t material)
{
	Buf *b = &r->out;
	html_fmt(b, "<td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>", yes, partly, no);
	if (has) {
		share_cell(r, ful, low, high);
		html_fmt(b, "<td class=\"num\">%T</td>", pct(r, pok));
	} else
		html_lit(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
	html_fmt(b, "<td class=\"num\">%I</td>", material);
}

/* Three cells: the previous round's figure, the change with its interval, and the verdict. */
static void change_cell(Req *r, int64_t prev, double prev_ful, double diff, double low, double high)
{
	if (prev) {
		html_fmt(&r->out, "<td class=\"num\">%T</td><td class=\"num\">", pct(r, prev_ful));
		change_text(r, diff, low, high);
		html_lit(&r->out, "</td><td>");
		verdict_tag(r, stats_verdict(low, high));
		html_lit(&r->out, "</td>");
	} else
		html_lit(&r->out, "<td class=\"num\">–</td><td class=\"num\">–</td><td>–</td>");
}

static void how_to_read(Req *r, int pooled, int open)
{
	Buf *b = &r->out;
	if (open)
		html_lit(b, "<details class=\"guide\" open>");
	else
		html_lit(b, "<details class=\"guide\">");
	html_lit(b, "<summary>Sådan læses tallene</summary>\n<ul class=\"hint\">\n"
	            "<li><strong>Opfyldt</strong> er andelen af svarene »ja« blandt ja, delvist og nej. »Ikke relevant« og "
	            "ubesvarede tæller ikke med.</li>\n"
	            "<li><strong>Intervallet</strong> (95 %-intervallet, under andelen) viser, hvor andelen for alle "
	            "afdelingens sager med 95 % sandsynlighed ligger: jo færre sager, jo bredere interval.</li>\n"
	            "<li>Med 20-40 sager kan en andel flytte sig 10-20 procentpoint alene ved tilfældighed. En ændring kaldes "
	            "kun »forbedret« eller »forværret«, når hele intervallet for forskellen ligger på samme side af 0; "
	            "ellers står der »ingen sikker ændring«.</li>\n");
	if (pooled)
		html_lit(b, "<li>De samlede tal pr. område lægger alle svar sammen. Svar om samme sag hænger sammen, så den "
		            "reelle usikkerhed er lidt større, end intervallet viser.</li>\n");
	html_lit(b, "</ul></details>\n");
}

/* The column heads of a table of figures: ja ... væsentlig, then the change when asked for. */
static void figure_heads(Req *r, int with_change)
{
	html_lit(&r->out, "<th scope=\"col\" class=\"num\">Ja</th><th scope=\"col\" class=\"num\">Delvist</th>"
	                  "<th scope=\"col\" class=\"num\">Nej</th><th scope=\"col\" class=\"num\">Opfyldt (95 %-interval)</th>"
	                  "<th scope=\"col\" class=\"num\">Mindst delvist</th><th scope=\"col\" class=\"num\">Væsentlig "
	                  "betydning</th>");
	if (with_change)
		html_lit(&r->out, "<th scope=\"col\" class=\"num\">Forrige tilsyn</th><th scope=\"col\" class=\"num\">Ændring "
		                  "(95 %-interval)</th><th scope=\"col\">Vurdering</th>");
}

/* Pooled figures per group: the categories (and the whole round), or the sections by their titles. */
static void group_table(Req *r, const char *caption, const char *first, const ResultGroup *const *groups, int n,
                        int with_change, int sections)
{
	Buf *b = &r->out;
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table class=\"figures\">\n"
	            "<caption>%T</caption>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">Spørgsmål</th>",
	         caption, caption, first);
	figure_heads(r, with_change);
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const ResultGroup *g = groups[i];
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%d</td>", sections ? g->name : group_label(g),
		         g->nquestions);
		figure_cells(r, g->yes, g->partly, g->no, g->has_fulfilled, g->fulfilled, g->ci_low, g->ci_high, g->partly_ok,
		             g->material);
		if (with_change)
			change_cell(r, g->prev_round, g->prev_fulfilled, g->diff, g->diff_low, g->diff_high);
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

/* One section's questions: the bar chart, then the table with the same figures. */
static void section_block(Req *r, const RoundResults *rr, const ResultGroup *sec, int index)
{
	Buf *b = &r->out;
	html_fmt(b, "<h3>%T</h3>\n", sec->name);
	ChartBar *bars = arena_alloc(r->arena, sizeof *bars * (size_t)(sec->nquestions ? sec->nquestions : 1));
	int n = 0;
	for (int i = 0; i < rr->nq; i++)
		if (str_eq(rr->q[i].section, sec->name) && n < sec->nquestions) {
			const QuestionResult *x = &rr->q[i];
			bars[n++] = (ChartBar){.label = x->code, .has = x->has_fulfilled, .value = x->fulfilled, .low = x->ci_low,
			                       .high = x->ci_high, .has_prev = x->prev_round != 0, .prev = x->prev_fulfilled};
		}
	char *title = arena_printf(r->arena, "Opfyldt pr. spørgsmål: %s", sec->name);
	chart_bars(b, arena_printf(r->arena, "chart-section-%d", index), title,
	           _("Vandrette søjler: andel opfyldt pr. spørgsmål med 95 %-interval; romben er forrige tilsyn. "
	             "Tabellen under diagrammet har de samme tal."),
	           NULL, bars, n);
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table class=\"results figures\">\n"
	            "<caption>%T</caption>\n<thead><tr><th scope=\"col\">Kode</th><th scope=\"col\">Spørgsmål</th>"
	            "<th scope=\"col\" class=\"num\">Ja</th><th scope=\"col\" class=\"num\">Delvist</th>"
	            "<th scope=\"col\" class=\"num\">Nej</th><th scope=\"col\" class=\"num\">Ikke relevant</th>"
	            "<th scope=\"col\" class=\"num\">Ubesvaret</th><th scope=\"col\" class=\"num\">Opfyldt (95 %%-interval)</th>"
	            "<th scope=\"col\" class=\"num\">Mindst delvist</th><th scope=\"col\" class=\"num\">Væsentlig betydning</th>",
	         sec->name, sec->name);
	html_lit(b, "<th scope=\"col\" class=\"num\">Forrige tilsyn</th><th scope=\"col\" class=\"num\">Ændring (95 %-interval)"
	            "</th><th scope=\"col\">Vurdering</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < rr->nq; i++) {
		const QuestionResult *x = &rr->q[i];
		if (!str_eq(x->section, sec->name))
			continue;
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td>%T</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
		            "<td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>",
		         x->code, x->text, x->yes, x->partly, x->no, x->not_relevant, x->unanswered);
		if (x->has_fulfilled) {
			share_cell(r, x->fulfilled, x->ci_low, x->ci_high);
			html_fmt(b, "<td class=\"num\">%T</td>", pct(r, x->partly_ok));
		} else
			html_lit(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
		html_fmt(b, "<td class=\"num\">%I</td>", x->material);
		change_cell(r, x->prev_round, x->prev_fulfilled, x->diff, x->diff_low, x->diff_high);
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

/* A link that starts an action (tiltag) from this question, chosen in the action form. */
static void action_link(Req *r, const Round *rd, const QuestionResult *x)
{
	html_fmt(&r->out, " <a class=\"action-from\" href=\"/d/%U/actions?round=%I&amp;question=%U#nyt\">Opret tiltag"
	                  "<span class=\"sr\"> for %T</span></a>",
	         r->dept->code, rd->id, x->code, x->code);
}

static void suggestion_item(Req *r, const Round *rd, const QuestionResult *x, int with_action)
{
	html_fmt(&r->out, "<li><strong>%T</strong> %T: %T opfyldt (interval %T, %I svar)", x->code, x->text,
	         pct(r, x->fulfilled), interval(r, x->ci_low, x->ci_high), x->yes + x->partly + x->no);
	if (x->material)
		html_fmt(&r->out, "; %I med væsentlig betydning for afgørelsen", x->material);
	if (with_action)
		action_link(r, rd, x);
	html_lit(&r->out, "</li>\n");
}

/* Who may start an action from the results: the department's working group, not an outside reviewer. */
static int may_start_action(Req *r)
{
	return r->role == ROLE_LEDER || r->role == ROLE_KOORDINATOR;
}

static void suggestions(Req *r, const Round *rd, const RoundResults *rr)
{
	Buf *b = &r->out;
	html_fmt(b, "<h2 id=\"forslag\">Forslag til styrker og udfordringer</h2>\n"
	            "<p>Dette er kun et <strong>forslag</strong> ud fra tallene: spørgsmålene med den højeste og den laveste "
	            "andel opfyldt, blandt dem med mindst %d svar. Arbejdsgruppen vurderer selv, hvad der er afdelingens styrker "
	            "og udfordringer, og skriver det med egne ord. Se på intervallerne: to spørgsmål, hvis intervaller overlapper "
	            "meget, er ikke sikkert forskellige.</p>\n",
	         RESULTS_RANK_MIN);
	int *order = arena_alloc(r->arena, sizeof *order * (size_t)(rr->nq ? rr->nq : 1));
	int m = results_rank(rr->q, rr->nq, RESULTS_RANK_MIN, order), ns, nc;
	results_split(m, RESULTS_RANK_TOP, &ns, &nc);
	if (m == 0) {
		html_fmt(b, "<p>Endnu har intet spørgsmål %d svar eller flere.</p>\n", RESULTS_RANK_MIN);
		return;
	}
	html_lit(b, "<div class=\"pair\"><section aria-labelledby=\"styrker\"><h3 id=\"styrker\">Mulige styrker</h3>\n<ol>\n");
	for (int i = 0; i < ns; i++)
		suggestion_item(r, rd, &rr->q[order[i]], 0);
	html_lit(b, "</ol></section>\n<section aria-labelledby=\"udfordringer\"><h3 id=\"udfordringer\">Mulige udfordringer</h3>\n");
	if (nc == 0)
		html_lit(b, "<p>For få spørgsmål til at foreslå udfordringer.</p>\n");
	else {
		if (may_start_action(r))
			html_lit(b, "<p class=\"hint\">»Opret tiltag« åbner formularen til et nyt tiltag med spørgsmålet valgt.</p>\n");
		html_lit(b, "<ol>\n");
		for (int i = 0; i < nc; i++)
			suggestion_item(r, rd, &rr->q[order[m - 1 - i]], may_start_action(r));
		html_lit(b, "</ol>\n");
	}
	html_lit(b, "</section></div>\n");
}

/* The conclusion first: per area and for the round, fulfilled now and before, the change and
** its verdict. The figures behind it follow, folded. */
static void conclusion(Req *r, const RoundResults *rr, const ResultGroup *const *groups, int n)
{
	Buf *b = &r->out;
	const ResultGroup *t = &rr->total;
	html_lit(b, "<h2 id=\"konklusion\">Konklusion</h2>\n");
	if (!t->has_fulfilled)
		html_lit(b, "<p class=\"lead\">Der er endnu ingen svar med ja, delvist eller nej.</p>\n");
	else if (t->prev_round) {
		html_fmt(b, "<p class=\"lead\">Hele tilsynet: <strong>%T opfyldt</strong> mod %T ved forrige tilsyn. ",
		         pct(r, t->fulfilled), pct(r, t->prev_fulfilled));
		verdict_tag(r, stats_verdict(t->diff_low, t->diff_high));
		html_lit(b, "</p>\n");
	} else
		html_fmt(b, "<p class=\"lead\">Hele tilsynet: <strong>%T opfyldt</strong> (95 %%-interval %T). Der er intet "
		            "tidligere tilsyn at sammenligne med.</p>\n",
		         pct(r, t->fulfilled), interval(r, t->ci_low, t->ci_high));
	html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Konklusion pr. område\">"
	            "<table class=\"conclusion\">\n<caption>Opfyldt nu og ved forrige tilsyn, pr. område</caption>\n<thead><tr>"
	            "<th scope=\"col\">Område</th><th scope=\"col\" class=\"num\">Opfyldt nu</th><th scope=\"col\" "
	            "class=\"num\">Før</th><th scope=\"col\" class=\"num\">Ændring (95 %-interval)</th>"
	            "<th scope=\"col\">Vurdering</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const ResultGroup *g = groups[i];
		html_fmt(b, "<tr><th scope=\"row\" class=\"area\">%T</th>", group_label(g));
		if (g->has_fulfilled)
			share_cell(r, g->fulfilled, g->ci_low, g->ci_high);
		else
			html_lit(b, "<td class=\"num\">ingen svar</td>");
		if (g->prev_round)
			change_cell(r, g->prev_round, g->prev_fulfilled, g->diff, g->diff_low, g->diff_high);
		else
			html_lit(b, "<td class=\"num\">–</td><td class=\"num\">–</td><td>intet at sammenligne med</td>");
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

/* The caseworker's figures per category and question, beside the department's. */
static void own_beside_department(Req *r, const RoundResults *own, const RoundResults *all, const char *who,
                                  const char *chart_id)
{
	Buf *b = &r->out;
	ChartBar bars[1 + RESULT_CATEGORIES];
	const ResultGroup *og[1 + RESULT_CATEGORIES] = {&own->total, &own->categories[0], &own->categories[1],
	                                                &own->categories[2]};
	const ResultGroup *ag[1 + RESULT_CATEGORIES] = {&all->total, &all->categories[0], &all->categories[1],
	                                                &all->categories[2]};
	int n = 0;
	for (int i = 0; i < 1 + RESULT_CATEGORIES; i++) {
		if (og[i]->nquestions == 0)
			continue;
		bars[n] = bar_of_group(og[i], group_label(og[i]));
		bars[n].has_prev = ag[i]->has_fulfilled;
		bars[n].prev = ag[i]->fulfilled;
		n++;
	}
	chart_bars(b, chart_id, arena_printf(r->arena, "Opfyldt i sagerne for %s og i hele afdelingen", who),
	           _("Vandrette søjler: andel opfyldt i rådgiverens sager med 95 %-interval; romben er hele tilsynets tal. "
	             "Tabellen under diagrammet har de samme tal."),
	           _("Hele tilsynet"), bars, n);
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table class=\"figures\">\n<caption>%T</caption>\n"
	            "<thead><tr><th scope=\"col\">Område</th><th scope=\"col\" class=\"num\">Ja</th>"
	            "<th scope=\"col\" class=\"num\">Delvist</th><th scope=\"col\" class=\"num\">Nej</th>"
	            "<th scope=\"col\" class=\"num\">Opfyldt (95 %%-interval)</th>"
	            "<th scope=\"col\" class=\"num\">Hele tilsynet</th></tr></thead>\n<tbody>\n",
	         _("Pr. område"), arena_printf(r->arena, "Sagerne for %s pr. område", who));
	for (int i = 0; i < 1 + RESULT_CATEGORIES; i++) {
		if (og[i]->nquestions == 0)
			continue;
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>",
		         group_label(og[i]), og[i]->yes, og[i]->partly, og[i]->no);
		if (og[i]->has_fulfilled)
			share_cell(r, og[i]->fulfilled, og[i]->ci_low, og[i]->ci_high);
		else
			html_lit(b, "<td class=\"num\">–</td>");
		html_fmt(b, "<td class=\"num\">%T</td></tr>\n", ag[i]->has_fulfilled ? pct(r, ag[i]->fulfilled) : "–");
	}
	html_lit(b, "</tbody>\n</table></div>\n");

	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table class=\"results figures\">\n"
	            "<caption>%T</caption>\n<thead><tr><th scope=\"col\">Kode</th><th scope=\"col\">Spørgsmål</th>"
	            "<th scope=\"col\" class=\"num\">Ja</th><th scope=\"col\" class=\"num\">Delvist</th>"
	            "<th scope=\"col\" class=\"num\">Nej</th><th scope=\"col\" class=\"num\">Ikke relevant</th>"
	            "<th scope=\"col\" class=\"num\">Opfyldt (95 %%-interval)</th>"
	            "<th scope=\"col\" class=\"num\">Væsentlig betydning</th><th scope=\"col\" class=\"num\">Hele tilsynet</th>"
	            "</tr></thead>\n<tbody>\n",
	         _("Pr. spørgsmål"), arena_printf(r->arena, "Sagerne for %s pr. spørgsmål", who));
	for (int i = 0; i < own->nq; i++) {
		const QuestionResult *x = &own->q[i];
		const QuestionResult *d = i < all->nq && str_eq(all->q[i].code, x->code) ? &all->q[i] : NULL;
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td>%T</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
		            "<td class=\"num\">%I</td><td class=\"num\">%I</td>",
		         x->code, x->text, x->yes, x->partly, x->no, x->not_relevant);
		if (x->has_fulfilled)
			share_cell(r, x->fulfilled, x->ci_low, x->ci_high);
		else
			html_lit(b, "<td class=\"num\">–</td>");
		html_fmt(b, "<td class=\"num\">%I</td><td class=\"num\">%T</td></tr>\n", x->material,
		         d && d->has_fulfilled ? pct(r, d->fulfilled) : "–");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

static void advisor_breakdown(Req *r, const Round *rd, const RoundResults *all)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const char *advisor = req_query(r, "advisor");
	if (advisor && !*advisor)
		advisor = NULL;
	/* An outside reviewer gets no caseworker's figures (page_results_show refused ?advisor=). */
	if (r->role == ROLE_EKSTERN_INVITED)
		return;
	html_lit(b, "<h2 id=\"pr-raadgiver\">Pr. rådgiver</h2>\n"
	            "<p class=\"hint\">Kun leder og koordinator kan se tallene for den enkelte rådgivers sager, og hver visning "
	            "bliver logget. Med få sager pr. rådgiver er intervallerne meget brede: brug tallene til den individuelle "
	            "tilbagemelding og en samtale om praksis, ikke til at sammenligne rådgivere.</p>\n");
	char **names;
	int n = results_advisors(r->db, rd->id, &names);
	html_fmt(b, "<form method=\"get\" action=\"/d/%U/rounds/%I/results#pr-raadgiver\" class=\"filters\"><div>"
	            "<label for=\"advisor\">Rådgiver</label><select id=\"advisor\" name=\"advisor\">",
	         d->code, rd->id);
	html_option(b, "", _("Vælg en rådgiver"), !advisor);
	int known = 0;
	for (int i = 0; i < n; i++) {
		int sel = advisor && str_eq(names[i], advisor);
		known |= sel;
		html_option(b, names[i], names[i], sel);
	}
	results_names_free(names, n);
	html_lit(b, "</select></div><div class=\"actions\"><button type=\"submit\">Vis</button></div></form>\n");
	if (!advisor)
		return;
	if (!known) {
		page_message(r, "error", _("Rådgiveren har ingen sager i dette tilsyns stikprøve."));
		return;
	}
	RoundResults own;
	results_compute(r->db, rd, advisor, &own);
	html_fmt(b, "<h3>%T</h3>\n<p>%I sager i stikprøven, %I færdiggennemgået.</p>\n", advisor, own.sampled, own.finished);
	own_beside_department(r, &own, all, advisor, "chart-advisor");
	results_release(&own);
	audit_view(r, rd, "results_advisor_view", arena_printf(r->arena, "resultater for rådgiveren %s vist", advisor));
}

static void progress_line(Req *r, const RoundResults *rr, int own)
{
	if (own)
		html_fmt(&r->out, "<p class=\"lead\">%I af dine %I sager i stikprøven er færdiggennemgået; %I har mindst ét svar."
		                  "</p>\n",
		         rr->finished, rr->sampled, rr->with_answers);
	else
		html_fmt(&r->out, "<p class=\"lead\">%I af %I udtrukne sager er færdiggennemgået; %I har mindst ét svar.</p>\n",
		         rr->finished, rr->sampled, rr->with_answers);
	if (rr->sampled && rr->finished < rr->sampled)
		page_message(r, "warn", _("Gennemgangen er ikke færdig. Tallene er foreløbige og kan ændre sig."));
}

static void previous_line(Req *r, const RoundResults *rr)
{
	Round prev;
	if (rr->prev_round && round_by_id(r->db, rr->prev_round, &prev)) {
		char when[40];
		if (*prev.planned_start)
			date_text(prev.planned_start, when);
		else
			date_danish(prev.created_at, when);
		html_fmt(&r->out, "<p>Sammenlignet med det forrige tilsyn af samme art: <a href=\"/d/%U/rounds/%I/results\">%T</a>"
		                  " (%T). Spørgsmål sammenlignes på deres kode; de samlede tal kun over spørgsmål, der var med "
		                  "begge gange.</p>\n",
		         r->dept->code, prev.id, prev.title, when);
	} else
		html_lit(&r->out, "<p>Der er intet tidligere tilsyn af samme art med svar at sammenligne med.</p>\n");
}

/* For the working group: how many caseworkers can see their own feedback, and where to release it. */
static void feedback_line(Req *r, const Round *rd)
{
	if (r->role != ROLE_LEDER && r->role != ROLE_KOORDINATOR)
		return;
	FeedbackState *s;
	int n = feedback_states(r->db, rd->id, &s), released = 0;
	for (int i = 0; i < n; i++)
		released += s[i].released;
	feedback_states_free(s, n);
	if (n)
		html_fmt(&r->out, "<p>Individuel tilbagemelding: %d af %d rådgivere kan se deres egen. <a href=\"/d/%U/rounds/%I/"
		                  "feedback\">Se og frigiv tilbagemeldinger</a></p>\n",
		         released, n, r->dept->code, rd->id);
}

void page_results_show(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const char *advisor = req_query(r, "advisor");
	if (advisor && *advisor && external_refuse_staff_view(r, &rd, "resultater pr. rådgiver"))
		return;
	Buf *b = &r->out;
	Department *d = r->dept;
	RoundResults rr;
	results_compute(r->db, &rd, NULL, &rr);
	page_begin(r, arena_printf(r->arena, "Resultater: %s", rd.title));
	html_fmt(b, "<div class=\"results-page\">\n<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">"
	            "Tilsyn</a> › <a href=\"/d/%U/rounds/%I\">%T</a> › Resultater</p>\n<h1>Resultater: %T</h1>\n",
	         d->code, d->name, d->code, d->code, rd.id, rd.title, rd.title);
	retention_round_notice(r, &rd);
	progress_line(r, &rr, 0);
	if (rr.nq == 0) {
		html_lit(b, "<p>Tilsynet har ingen spørgsmål med svarmulighederne ja, delvist og nej.</p>\n</div>\n");
		page_end(r);
		results_release(&rr);
		return;
	}
	ChartBar bars[1 + RESULT_CATEGORIES];
	const ResultGroup *groups[1 + RESULT_CATEGORIES];
	int n = 0;
	groups[n] = &rr.total, bars[n] = bar_of_group(&rr.total, group_label(&rr.total)), n++;
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		if (rr.categories[c].nquestions)
			groups[n] = &rr.categories[c], bars[n] = bar_of_group(&rr.categories[c], group_label(&rr.categories[c])), n++;
	conclusion(r, &rr, groups, n);
	previous_line(r, &rr);
	feedback_line(r, &rd);
	suggestions(r, &rd, &rr);
	how_to_read(r, 1, 0);
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I/results.xlsx\" download>Hent resultaterne som regneark (xlsx)</a></p>\n",
	         d->code, rd.id);

	/* The details behind the conclusion, folded: each heading stays in the page's outline. */
	html_lit(b, "<h2 id=\"omraader\">Samlet, pr. område og pr. afsnit</h2>\n<details class=\"more\"><summary>Vis diagram "
	            "og alle tal pr. område</summary>\n");
	chart_bars(b, "chart-categories", _("Opfyldt samlet og pr. område"),
	           _("Vandrette søjler: andel opfyldt for hele tilsynet og for forvaltningsret, retssikkerhed og socialfaglig "
	             "kvalitet, med 95 %-interval; romben er forrige tilsyn. Tabellen under diagrammet har de samme tal."),
	           NULL, bars, n);
	group_table(r, _("Samlet og pr. område"), _("Område"), groups, n, 1, 0);
	if (rr.nsections > 1) {
		const ResultGroup **secs = arena_alloc(r->arena, sizeof *secs * (size_t)rr.nsections);
		for (int s = 0; s < rr.nsections; s++)
			secs[s] = &rr.sections[s];
		group_table(r, _("Pr. afsnit"), _("Afsnit"), secs, rr.nsections, 1, 1);
	}
	html_lit(b, "</details>\n<h2 id=\"spoergsmaal\">Pr. spørgsmål</h2>\n<details class=\"more\"><summary>Vis diagrammer "
	            "og alle tal pr. spørgsmål</summary>\n");
	for (int s = 0; s < rr.nsections; s++)
		section_block(r, &rr, &rr.sections[s], s + 1);
	html_lit(b, "</details>\n");
	advisor_breakdown(r, &rd, &rr);
	html_fmt(b, "<h2>Udvikling over tid</h2>\n<p><a href=\"/d/%U/trends\">Se afdelingens udvikling over alle tilsyn</a></p>\n"
	            "</div>\n",
	         d->code);
	page_end(r);
	results_release(&rr);
}

void page_results_mine(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	if (external_refuse_staff_view(r, &rd, "egne resultater"))
		return;
	if (r->role != ROLE_RAADGIVER && !auth_allows(PERM_DEPT_WORKGROUP, 0, r->role)) {
		req_audit(r, "access_denied", arena_printf(r->arena, "round:%lld", (long long)rd.id),
		          arena_printf(r->arena, "%s %s: ikke rådgiver i afdelingen", r->method, r->path));
		http_error(r, 403, _("Kun afdelingens rådgivere, leder og koordinator kan se resultaterne for egne sager."));
		return;
	}
	Buf *b = &r->out;
	Department *d = r->dept;
	RoundResults own, all;
	results_compute_own(r->db, &rd, r->user->id, &own); /* by the stable key, not the display name */
	page_begin(r, arena_printf(r->arena, "Dine resultater: %s", rd.title));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Dine resultater</p>\n<h1>Dine resultater: %T</h1>\n",
	         d->code, d->name, rd.title);
	if (own.sampled == 0) {
		html_lit(b, "<p>Ingen af dine sager er med i dette tilsyns stikprøve.</p>\n");
		page_end(r);
		results_release(&own);
		return;
	}
	/* A caseworker's own figures are their feedback: shown once the leader has released it (feedback.c). */
	if (!auth_allows(PERM_DEPT_WORKGROUP, 0, r->role) && !feedback_released_to(r->db, &rd, r->user->id)) {
		html_lit(b, "<p>");
		html_tag(b, "todo", _("Endnu ikke frigivet"));
		html_lit(b, "</p>\n<p>Din tilbagemelding "
		            "og dine egne tal bliver synlige her, når lederen har frigivet dem, eller når jeres individuelle "
		            "tilbagemeldingsmøde er holdt.</p>\n");
		page_end(r);
		results_release(&own);
		return;
	}
	results_compute(r->db, &rd, NULL, &all);
	html_lit(b, "<p>Her ser du tallene for dine egne sager i tilsynet ved siden af tallene for hele tilsynet. Tallene "
	            "er et udgangspunkt for tilbagemeldingen og en samtale om praksis, ikke en karakter.</p>\n");
	progress_line(r, &own, 1);
	page_message(r, "warn", _("Med så få sager er intervallerne meget brede. En forskel mellem dine tal og afdelingens "
	                          "kan sagtens skyldes tilfældighed."));
	how_to_read(r, 1, 1);
	own_beside_department(r, &own, &all, _("dine sager"), "chart-mine");
	audit_view(r, &rd, "results_own_view", _("egne resultater vist"));
	page_end(r);
	results_release(&own);
	results_release(&all);
}

/* ---- trends ---- */

void page_results_trends(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	/* The default is the overordnede tilsyn, the recurring check that asks the same questions each
	** time; "alle" shows every kind. */
	const char *kind = req_query(r, "kind");
	if (!kind || !*kind)
		kind = "overordnet";
	if (!round_valid_kind(kind))
		kind = NULL;
	Trends t;
	results_trends(r->db, d->id, kind, &t);
	if (t.nrounds == 0 && kind && !req_query(r, "kind")) {
		results_trends_free(&t);
		kind = NULL;
		results_trends(r->db, d->id, NULL, &t);
	}
	page_begin(r, _("Udvikling over tid"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Udvikling</p>\n<h1>Udvikling over tid</h1>\n", d->code,
	         d->name);
	html_fmt(b, "<form method=\"get\" action=\"/d/%U/trends\" class=\"filters\"><div><label for=\"kind\">Art</label>"
	            "<select id=\"kind\" name=\"kind\">",
	         d->code);
	html_option(b, "alle", _("Alle tilsyn"), !kind);
	html_option(b, "overordnet", _("Overordnede tilsyn"), str_eq(kind, "overordnet"));
	html_option(b, "uddybende", _("Uddybende tilsyn"), str_eq(kind, "uddybende"));
	html_option(b, "ekstern", _("Eksterne tilsyn"), str_eq(kind, "ekstern"));
	html_lit(b, "</select></div><div class=\"actions\"><button type=\"submit\">Vis</button></div></form>\n");
	if (t.nrounds == 0) {
		html_lit(b, "<p>Der er endnu ingen tilsyn med svar at vise.</p>\n");
		page_end(r);
		results_trends_free(&t);
		return;
	}
	html_lit(b, "<p>Hvert punkt er ét tilsyn, ældste til venstre; den lodrette streg er 95 %-intervallet. Når intervallerne "
	            "for to tilsyn overlapper meget, er forskellen ikke sikker. Uddybende og overordnede tilsyn stiller "
	            "forskellige spørgsmål, så deres tal er kun sammenlignelige spørgsmål for spørgsmål; vælg en art for at se "
	            "tilsyn, der måler det samme.</p>\n");
	const char **labels = arena_alloc(r->arena, sizeof *labels * (size_t)t.nrounds);
	for (int k = 0; k < t.nrounds; k++)
		labels[k] = date_month_in(r->arena, t.rounds[k].date);
	ChartSeries series[1 + RESULT_CATEGORIES];
	series[0] = (ChartSeries){.name = _("Hele tilsynet"), .points = t.total, .stride = 1};
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		series[1 + c] = (ChartSeries){.name = results_category_title(result_categories[c]), .points = &t.categories[c],
		                              .stride = RESULT_CATEGORIES};
	chart_lines(b, "chart-trend", _("Opfyldt over tid, samlet og pr. område"),
	            _("Linjer over tilsynene, ældste til venstre: andel opfyldt for hele tilsynet og for hvert område, hvert "
	              "punkt med 95 %-interval. Tabellen under diagrammet har de samme tal."),
	            labels, t.nrounds, series, 1 + RESULT_CATEGORIES);

	html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tilsyn over tid\"><table class=\"trend\">\n"
	            "<caption>Opfyldt pr. tilsyn (95 %-interval)</caption>\n<thead><tr><th scope=\"col\">Tilsyn</th>"
	            "<th scope=\"col\">Dato</th><th scope=\"col\">Art</th><th scope=\"col\" class=\"num\">Hele tilsynet</th>");
	for (int c = 0; c < RESULT_CATEGORIES; c++)
		html_fmt(b, "<th scope=\"col\" class=\"num\">%T</th>", results_category_title(result_categories[c]));
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int k = 0; k < t.nrounds; k++) {
		const TrendRound *x = &t.rounds[k];
		html_fmt(b, "<tr><th scope=\"row\"><a href=\"/d/%U/rounds/%I/results\">%T</a></th><td>%T</td><td>%T</td>", d->code,
		         x->id, x->title, date_text_in(r->arena, x->date), round_kind_title(x->kind));
		for (int c = -1; c < RESULT_CATEGORIES; c++) {
			const TrendCell *cell = c < 0 ? &t.total[k] : &t.categories[(size_t)k * RESULT_CATEGORIES + (size_t)c];
			if (cell->has)
				html_fmt(b, "<td class=\"num\">%T (%T)</td>", pct(r, cell->fulfilled),
				         interval(r, cell->ci_low, cell->ci_high));
			else
				html_lit(b, "<td class=\"num\">–</td>");
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");

	/* One question's line, chosen from the table below. */
	const char *code = req_query(r, "question");
	for (int j = 0; code && j < t.nquestions; j++) {
		if (!str_eq(t.questions[j].code, code))
			continue;
		ChartSeries one = {.name = t.questions[j].code, .points = &t.cells[j], .stride = t.nquestions};
		html_fmt(b, "<h2 id=\"spoergsmaal\">%T: %T</h2>\n", t.questions[j].code, t.questions[j].text);
		chart_lines(b, "chart-question", arena_printf(r->arena, "Opfyldt over tid: %s", t.questions[j].code),
		            _("Én linje over tilsynene, ældste til venstre, med 95 %-interval for hvert punkt. Tabellen "
		              "nedenfor har de samme tal."),
		            labels, t.nrounds, &one, 1);
	}

	html_lit(b, "<h2>Pr. spørgsmål</h2>\n<p class=\"hint\">Spørgsmål sammenlignes på deres kode. Vælg en kode for at se "
	            "spørgsmålets linje.</p>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Pr. spørgsmål over "
	            "tid\"><table class=\"trend\">\n<caption>Opfyldt pr. spørgsmål og tilsyn</caption>\n<thead><tr>"
	            "<th scope=\"col\">Kode</th><th scope=\"col\">Spørgsmål</th>");
	for (int k = 0; k < t.nrounds; k++)
		html_fmt(b, "<th scope=\"col\" class=\"num\">%T<span class=\"sr\"> %T</span></th>",
		         date_text_in(r->arena, t.rounds[k].date), t.rounds[k].title);
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int j = 0; j < t.nquestions; j++) {
		html_fmt(b, "<tr><th scope=\"row\"><a href=\"/d/%U/trends?question=%U", d->code, t.questions[j].code);
		if (kind)
			html_fmt(b, "&amp;kind=%U", kind);
		html_fmt(b, "#spoergsmaal\">%T</a></th><td>%T</td>", t.questions[j].code, t.questions[j].text);
		for (int k = 0; k < t.nrounds; k++) {
			const TrendCell *c = &t.cells[(size_t)k * (size_t)t.nquestions + (size_t)j];
			if (c->has)
				html_fmt(b, "<td class=\"num\">%T <span class=\"ci\">(%T)</span></td>", pct(r, c->fulfilled),
				         interval(r, c->ci_low, c->ci_high));
			else
				html_lit(b, "<td class=\"num\">–</td>");
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	page_end(r);
	results_trends_free(&t);
}
