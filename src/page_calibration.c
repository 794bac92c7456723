/*
** Calibration pages (calibration.c does the work). For the working group: choose cases for
** a second review (by hand, or K cases by the round's sample keys), give each to a second
** reviewer (never the first reviewer, never the caseworker), follow progress, and read the
** agreement per question (percent agreement, Cohen's kappa, n) with the disagreements for
** the moderation talk. For the second reviewer (and the working group): the second review of
** one case, a plain form with the round's questions, guidance in <details>, a comment per
** question and "Gem svar"; blind: the first review is not shown to the second reviewer until
** they have finished. Every case-level read is audited, and so is a refused one.
*/
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int in_workgroup(Req *r)
{
	return auth_allows(PERM_DEPT_WORKGROUP, 0, r->role);
}

static ReviewBy by_of(Req *r)
{
	return (ReviewBy){.user_id = r->user->id, .login = r->user->login, .ip = r->ip};
}

/* A number with a decimal comma, as Danish readers expect: 0,40. */
static const char *decimal(Req *r, double x, int places)
{
	char *s = arena_printf(r->arena, "%.*f", places, x);
	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = ',';
	return s;
}

static const char *base_path(Req *r, const Round *rd)
{
	return arena_printf(r->arena, "/d/%s/rounds/%lld/calibration", r->dept->code, (long long)rd->id);
}

/* ---- the working group's overview ---- */

typedef struct Person {
	int64_t id;
	const char *name, *role;
} Person;

static int people_load(Req *r, Person *people, int max)
{
	Stmt q;
	int n = 0;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name, m.role FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND u.active = 1"
	           " ORDER BY CASE m.role WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 WHEN 'raadgiver' THEN 3 ELSE 4 END, u.name");
	db_bind_int(&q, 1, r->dept->id);
	while (n < max && db_step(&q))
		people[n++] = (Person){db_col_int(&q, 0), arena_strdup(r->arena, db_col_text(&q, 1)),
		                       arena_strdup(r->arena, db_col_text(&q, 2))};
	db_finalize(&q);
	return n;
}

static void agreement_row(Req *r, const Agreement *a, int overall)
{
	Buf *b = &r->out;
	if (overall)
		html_fmt(b, "<tr class=\"total\"><th scope=\"row\">%T</th><td>%T</td>", a->code, _("alle spørgsmål samlet"));
	else
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td>%T</td>", a->code, a->text);
	html_fmt(b, "<td class=\"num\">%I</td>", a->n);
	if (a->n)
		html_fmt(b, "<td class=\"num\">%T %% <span class=\"hint\">(%I af %I)</span></td>", decimal(r, 100 * a->percent, 0),
		         a->agree, a->n);
	else
		html_lit(b, "<td class=\"num\">–</td>");
	if (a->kappa_status == 0)
		html_fmt(b, "<td class=\"num\">%T</td></tr>\n", decimal(r, a->kappa, 2));
	else
		html_fmt(b, "<td>%T</td></tr>\n", calibration_kappa_reason(a->kappa_status));
}

static void overview(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	const char *base = base_path(r, rd);
	page_begin(r, arena_printf(r->arena, "Kalibrering: %s", rd->title));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	            "<a href=\"/d/%U/rounds/%I\">%T</a> › Kalibrering</p>\n<h1>Kalibrering: %T</h1>\n",
	         d->code, d->name, d->code, d->code, rd->id, rd->title, rd->title);
	int64_t n1, n2;
	if (flash_has(f))
		flash_summary(r, f);
	else if (parse_int64(req_query(r, "chosen"), &n1))
		page_message(r, "ok", arena_printf(r->arena, _("%lld sager er valgt til anden gennemgang."), (long long)n1));
	else if (parse_int64(req_query(r, "auto"), &n1) && parse_int64(req_query(r, "left"), &n2)) {
		page_message(r, "ok", arena_printf(r->arena, _("%lld sager har fået en anden gennemgående."), (long long)n1));
		if (n2)
			page_message(r, "warn", arena_printf(r->arena, _("%lld sager kunne ikke fordeles, fordi de valgte er første "
			                                                 "gennemgående eller rådgiver på dem. Vælg flere."),
			                                     (long long)n2));
	} else if (req_query(r, "saved"))
		page_message(r, "ok", _("Ændringen er gemt."));
	html_lit(b, "<p class=\"lead\">Nogle sager gennemgås to gange af to forskellige personer, uden at den anden ser den "
	            "første gennemgang. Enigheden pr. spørgsmål viser, hvor spørgsmålene forstås ens, og uenighederne er "
	            "oplæg til en snak om, hvordan der skal vurderes. Den første gennemgang og tilsynets resultater ændres "
	            "ikke.</p>\n");

	/* The calibration cases. */
	typedef struct Row {
		int64_t id, first, second;
		const char *case_no, *advisor, *first_name, *second_name, *status;
		int missing;
	} Row;
	int nrows = 0, cap = 16;
	Row *rows = arena_alloc(r->arena, (size_t)cap * sizeof *rows);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT k.case_id, c.case_no, c.advisor, coalesce(rc.reviewer_id, 0), coalesce(u1.name, ''),"
	           " coalesce(k.reviewer_id, 0), coalesce(u2.name, ''), k.status FROM calibration_case k"
	           " JOIN round_case rc ON rc.round_id = k.round_id AND rc.case_id = k.case_id JOIN cases c ON c.id = k.case_id"
	           " LEFT JOIN users u1 ON u1.id = rc.reviewer_id LEFT JOIN users u2 ON u2.id = k.reviewer_id"
	           " WHERE k.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY rc.sample_key, k.case_id");
	db_bind_int(&q, 1, rd->id);
	while (db_step(&q)) {
		if (nrows == cap) {
			Row *more = arena_alloc(r->arena, (size_t)cap * 2 * sizeof *rows);
			memcpy(more, rows, (size_t)nrows * sizeof *rows);
			rows = more;
			cap *= 2;
		}
		Arena *a = r->arena;
		rows[nrows++] = (Row){.id = db_col_int(&q, 0), .case_no = arena_strdup(a, db_col_text(&q, 1)),
		                      .advisor = arena_strdup(a, db_col_text(&q, 2)), .first = db_col_int(&q, 3),
		                      .first_name = arena_strdup(a, db_col_text(&q, 4)), .second = db_col_int(&q, 5),
		                      .second_name = arena_strdup(a, db_col_text(&q, 6)),
		                      .status = arena_strdup(a, db_col_text(&q, 7))};
	}
	db_finalize(&q);
	for (int i = 0; i < nrows; i++)
		rows[i].missing = calibration_missing(r->db, rd->id, rows[i].id);
	Person people[200];
	int npeople = people_load(r, people, (int)COUNT(people));

	/* Agreement and disagreements. */
	Agreement *ag = NULL, all;
	Disagreement *dis = NULL;
	int nag = 0, ndis = 0;
	calibration_agreement(r->db, rd, &ag, &nag, &all, &dis, &ndis);

	html_lit(b, "<h2 id=\"enighed\">Enighed pr. spørgsmål</h2>\n");
	if (all.n == 0) {
		html_lit(b, "<p>Ingen sager er gennemgået af begge endnu. Enigheden vises, når begge har svaret på samme "
		            "spørgsmål i mindst én sag.</p>\n");
	} else {
		html_fmt(b, "<p>Samlet: %T %% enighed og kappa %T over %I svarpar fra %d sager.</p>\n",
		         decimal(r, 100 * all.percent, 0), all.kappa_status == 0 ? decimal(r, all.kappa, 2) : _("ikke beregnet"),
		         all.n, nrows);
		html_lit(b, "<p class=\"hint\">Enighed er andelen af sager, hvor de to gav samme svar. Cohens kappa trækker den "
		            "enighed fra, der ville komme af ren tilfældighed: 1 er fuld enighed, 0 er ikke bedre end tilfældigt, "
		            "og under 0 er værre. Med få sager flytter en enkelt uenighed tallene meget; brug dem som oplæg til "
		            "snakken, ikke som karakter.</p>\n");
		html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Enighed pr. spørgsmål\"><table>\n"
		            "<caption>Enighed mellem første og anden gennemgang</caption>\n<thead><tr><th scope=\"col\">Nr.</th>"
		            "<th scope=\"col\">Spørgsmål</th><th scope=\"col\" class=\"num\">Sager (n)</th>"
		            "<th scope=\"col\" class=\"num\">Enighed</th><th scope=\"col\" class=\"num\">Kappa</th></tr></thead>\n"
		            "<tbody>\n");
		for (int i = 0; i < nag; i++)
			if (ag[i].n)
				agreement_row(r, &ag[i], 0);
		html_lit(b, "</tbody>\n<tfoot>\n");
		agreement_row(r, &all, 1);
		html_lit(b, "</tfoot>\n</table></div>\n");
	}

	html_fmt(b, "<h2 id=\"uenigheder\">Uenigheder til drøftelse (%d)</h2>\n", ndis);
	if (ndis == 0) {
		html_lit(b, "<p>Ingen uenigheder endnu.</p>\n");
	} else {
		html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Uenigheder\"><table>\n"
		            "<caption>Spørgsmål, hvor de to gennemgange svarede forskelligt</caption>\n<thead><tr>"
		            "<th scope=\"col\">Sag</th><th scope=\"col\">Spørgsmål</th><th scope=\"col\">Første gennemgang</th>"
		            "<th scope=\"col\">Anden gennemgang</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < ndis; i++) {
			Disagreement *x = &dis[i];
			html_fmt(b, "<tr><td><a href=\"%A/%I\">%T</a></td><td><span class=\"qcode\">%T</span> %T</td>"
			            "<td><strong>%T</strong> (%T)",
			         base, x->case_id, x->case_no, x->code, x->text, x->first_value,
			         *x->first_reviewer ? x->first_reviewer : _("ukendt"));
			if (*x->first_comment)
				html_fmt(b, "<br>»%T«", x->first_comment);
			html_fmt(b, "</td><td><strong>%T</strong> (%T)", x->second_value,
			         *x->second_reviewer ? x->second_reviewer : _("ukendt"));
			if (*x->second_comment)
				html_fmt(b, "<br>»%T«", x->second_comment);
			html_lit(b, "</td></tr>\n");
		}
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	calibration_free(ag, nag, dis, ndis);

	/* Progress and second reviewers. */
	int finished = 0;
	for (int i = 0; i < nrows; i++)
		finished += str_eq(rows[i].status, "faerdig");
	html_fmt(b, "<h2 id=\"sager\">Sager til anden gennemgang</h2>\n<p>%d sager er valgt, %d er færdige.</p>\n", nrows,
	         finished);
	if (nrows) {
		html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Sager til anden gennemgang\"><table>\n"
		            "<caption>%d sager til anden gennemgang</caption>\n<thead><tr><th scope=\"col\">Sag</th>"
		            "<th scope=\"col\">Rådgiver</th><th scope=\"col\">Første gennemgang</th>"
		            "<th scope=\"col\">Anden gennemgang</th><th scope=\"col\">Status</th>"
		            "<th scope=\"col\" class=\"num\">Mangler</th><th scope=\"col\">Tag ud</th></tr></thead>\n<tbody>\n",
		         nrows);
		for (int i = 0; i < nrows; i++) {
			Row *x = &rows[i];
			html_fmt(b, "<tr><td><a href=\"%A/%I\">%T</a></td><td>%T</td><td>%T</td><td>", base, x->id, x->case_no,
			         x->advisor, *x->first_name ? x->first_name : _("ingen endnu"));
			page_form_begin(r, arena_printf(r->arena, "%s/assign", base));
			char *id = arena_printf(r->arena, "second-%lld", (long long)x->id);
			html_fmt(b, "<input type=\"hidden\" name=\"case\" value=\"%I\"><label class=\"sr\" for=\"%A\">Anden "
			            "gennemgang, sag %T</label><select id=\"%A\" name=\"reviewer\">",
			         x->id, id, x->case_no, id);
			html_option(b, "", _("ingen endnu"), x->second == 0);
			for (int k = 0; k < npeople; k++) {
				char *value = arena_printf(r->arena, "%lld", (long long)people[k].id);
				if (people[k].id == x->first)
					html_fmt(b, "<option value=\"%A\" disabled>%T (første gennemgang)</option>", value, people[k].name);
				else if (ident_may_be(r->db, rd->department_id, x->advisor, people[k].id))
					html_fmt(b, "<option value=\"%A\" disabled>%T (egen sag)</option>", value, people[k].name);
				else
					html_option(b, value, people[k].name, x->second == people[k].id);
			}
			html_fmt(b, "</select> <button type=\"submit\" class=\"small\">Gem<span class=\"sr\"> for sag %T</span>"
			            "</button></form></td><td>",
			         x->case_no);
			questionnaire_status_tag(b, x->status);
			html_fmt(b, "</td><td class=\"num\">%d</td><td>", x->missing);
			page_form_begin(r, arena_printf(r->arena, "%s/choose", base));
			html_fmt(b, "<input type=\"hidden\" name=\"remove\" value=\"%I\"><button type=\"submit\" class=\"small "
			            "secondary\">Tag ud<span class=\"sr\"> sag %T</span></button></form></td></tr>\n",
			         x->id, x->case_no);
		}
		html_lit(b, "</tbody>\n</table></div>\n");
		html_lit(b, "<p class=\"hint\">Lederen og koordinatoren kan altid se den første gennemgang under "
		            "»Gennemgang«. Skal den anden gennemgang være helt blind, så giv den til en rådgiver.</p>\n");

		html_lit(b, "<h3>Fordel anden gennemgang automatisk</h3>\n");
		page_form_begin(r, arena_printf(r->arena, "%s/assign", base));
		html_lit(b, "<input type=\"hidden\" name=\"auto\" value=\"1\">\n<div class=\"stack\">\n<fieldset>"
		            "<legend>Hvem tager de anden gennemgange?</legend>\n");
		for (int i = 0; i < npeople; i++)
			html_fmt(b, "<label class=\"check\"><input type=\"checkbox\" name=\"reviewer\" value=\"%I\"> %T (%T)</label>\n",
			         people[i].id, people[i].name, role_title(role_parse(people[i].role)));
		html_lit(b, "</fieldset>\n<p class=\"hint\">Kun sager uden anden gennemgående fordeles; ingen får en sag, de "
		            "selv har gennemgået første gang eller er rådgiver på.</p>\n<button type=\"submit\">Fordel</button>\n"
		            "</div>\n</form>\n");
	}

	/* Choosing cases. */
	html_lit(b, "<h2 id=\"vaelg\">Vælg sager til anden gennemgang</h2>\n");
	page_form_begin(r, arena_printf(r->arena, "%s/choose", base));
	html_lit(b, "<div class=\"stack\">\n<label for=\"cal-count\">Antal sager, valgt tilfældigt</label>\n"
	            "<input id=\"cal-count\" name=\"count\" type=\"number\" min=\"1\" max=\"1000\" value=\"5\" "
	            "aria-describedby=\"cal-count-hint\">\n<p class=\"hint\" id=\"cal-count-hint\">Blandt sager, der har en "
	            "første gennemgående, vælges dem med de mindste udtrækningsnøgler (fra tilsynets frø), så valget kan "
	            "gentages og efterprøves.</p>\n<button type=\"submit\">Vælg sager</button>\n</div>\n</form>\n");
	db_prepare(&q, r->db,
	           "SELECT c.id, c.case_no FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1"
	           " AND rc.status = 'udtrukket' AND rc.reviewer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calibration_case k"
	           "  WHERE k.round_id = rc.round_id AND k.case_id = rc.case_id) ORDER BY c.case_no");
	db_bind_int(&q, 1, rd->id);
	int nfree = 0;
	Buf opts;
	buf_init(&opts, 0);
	while (db_step(&q)) {
		nfree++;
		html_option(&opts, arena_printf(r->arena, "%lld", (long long)db_col_int(&q, 0)), db_col_text(&q, 1), 0);
	}
	db_finalize(&q);
	if (nfree) {
		page_form_begin(r, arena_printf(r->arena, "%s/choose", base));
		html_lit(b, "<div class=\"stack\">\n<label for=\"cal-case\">Eller vælg en bestemt sag</label>\n"
		            "<select id=\"cal-case\" name=\"case\">");
		buf_append(b, opts.data, opts.len);
		html_lit(b, "</select>\n<button type=\"submit\">Vælg sagen</button>\n</div>\n</form>\n");
	} else {
		html_lit(b, "<p>Der er ingen flere sager at vælge: en sag skal have en første gennemgående, før den kan "
		            "gennemgås anden gang.</p>\n");
	}
	buf_free(&opts);
	req_audit_in(r, d->id, "calibration_overview_view", arena_printf(r->arena, "round:%lld", (long long)rd->id),
	             arena_printf(r->arena, "kalibrering vist (%d sager, %d uenigheder)", nrows, ndis));
	page_end(r);
}

void page_calibration_show(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd))
		overview(r, &rd);
}

/* A refused choice or assignment: back to the overview by a 303 with the message (flash.c). */
static void overview_fail(Req *r, const Round *rd, const char *message)
{
	flash_fail(r, base_path(r, rd), NULL, message);
}

void page_calibration_choose(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	char msg[512];
	ReviewBy by = by_of(r);
	int64_t id = 0, count = 0, added = 0;
	const char *remove = req_form(r, "remove"), *one = req_form(r, "case"), *k = req_form(r, "count");
	if ((remove && !parse_int64(remove, &id)) || (!remove && one && !parse_int64(one, &id)) ||
	    (!remove && !one && (!k || !parse_int64(k, &count)))) {
		overview_fail(r, &rd, _("Angiv et antal sager, eller vælg en sag på listen."));
		return;
	}
	if (!req_begin(r))
		return;
	int rc;
	if (remove)
		rc = calibration_remove(r->db, &rd, id, &by, msg, sizeof msg);
	else if (one)
		rc = calibration_choose(r->db, &rd, id, &by, msg, sizeof msg), added = 1;
	else
		rc = calibration_choose_random(r->db, &rd, count, &by, &added, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		overview_fail(r, &rd, arena_strdup(r->arena, msg));
		return;
	}
	if (!req_commit(r, _("Valget kunne ikke gemmes. Prøv igen.")))
		return;
	if (remove)
		http_redirect(r, arena_printf(r->arena, "%s?saved=1", base_path(r, &rd)));
	else
		http_redirect(r, arena_printf(r->arena, "%s?chosen=%lld", base_path(r, &rd), (long long)added));
}

void page_calibration_assign(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd))
		page_review_assign_to(r, &rd, 1, base_path(r, &rd), "saved=1");
}

/* ---- the second review of one case ---- */

typedef struct CalInfo {
	int64_t id, first, second;
	char case_no[128], advisor[256], first_name[201], second_name[201], status[16], finished_at[32];
} CalInfo;

static int cal_load(Req *r, const Round *rd, int64_t case_id, CalInfo *ci)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.case_no, c.advisor, coalesce(rc.reviewer_id, 0), coalesce(u1.name, ''), coalesce(k.reviewer_id, 0),"
	           " coalesce(u2.name, ''), k.status, coalesce(k.finished_at, '') FROM calibration_case k"
	           " JOIN round_case rc ON rc.round_id = k.round_id AND rc.case_id = k.case_id JOIN cases c ON c.id = k.case_id"
	           " LEFT JOIN users u1 ON u1.id = rc.reviewer_id LEFT JOIN users u2 ON u2.id = k.reviewer_id"
	           " WHERE k.round_id = ?1 AND k.case_id = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, rd->id);
	db_bind_int(&q, 2, case_id);
	int found = db_step(&q);
	if (found) {
		memset(ci, 0, sizeof *ci);
		ci->id = case_id;
		snprintf(ci->case_no, sizeof ci->case_no, "%s", db_col_text(&q, 0));
		snprintf(ci->advisor, sizeof ci->advisor, "%s", db_col_text(&q, 1));
		ci->first = db_col_int(&q, 2);
		snprintf(ci->first_name, sizeof ci->first_name, "%s", db_col_text(&q, 3));
		ci->second = db_col_int(&q, 4);
		snprintf(ci->second_name, sizeof ci->second_name, "%s", db_col_text(&q, 5));
		snprintf(ci->status, sizeof ci->status, "%s", db_col_text(&q, 6));
		snprintf(ci->finished_at, sizeof ci->finished_at, "%s", db_col_text(&q, 7));
	}
	db_finalize(&q);
	return found;
}

/* The round and the calibration case in the address, and whether this person may see it:
** the working group and the case's second reviewer. Others get 403, audited. */
static int cal_access(Req *r, Round *rd, CalInfo *ci)
{
	if (!page_round_from_capture(r, rd))
		return 0;
	int64_t case_id = 0;
	int found = parse_int64(req_capture(r, "case"), &case_id) && cal_load(r, rd, case_id, ci);
	return page_review_admit(r, case_id, found, found && ci->second == r->user->id, 0,
	                         _("Sagen er ikke valgt til anden gennemgang i dette tilsyn."),
	                         "ikke anden gennemgående på sagen",
	                         _("Du har ikke adgang til denne sag. Kun den, der gennemgår sagen anden gang, og "
	                           "afdelingens leder og koordinator kan se den. Forsøget er registreret."));
}

/* An answer in words, as it counts: one that its condition makes ikke relevant says so. */
static const char *cal_words(Req *r, int state, const char *value, int material, const char *comment)
{
	if (state == RELEVANCE_NOT_RELEVANT)
		return _("ikke relevant (betingelsen er ikke opfyldt)");
	if (state == RELEVANCE_UNKNOWN && *value)
		return arena_printf(r->arena, "%s (%s)", questionnaire_answer_text(r->arena, value, material, comment),
		                    _("tæller ikke endnu: betingelsen er ikke besvaret"));
	return questionnaire_answer_text(r->arena, value, material, comment);
}

/* The second review of one case. `unsaved`: "Gem svar" was refused; its messages are summed up
** at the top (every question shows what was sent). */
static void case_page(Req *r, const Round *rd, const CalInfo *ci, const Question *qs, int nq, const char *kind,
                      const char *message, const Flash *unsaved)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	int is_second = ci->second == r->user->id, workgroup = in_workgroup(r);
	int show_first = calibration_first_visible(workgroup, is_second, ci->status);
	int editable = is_second && !str_eq(ci->status, "faerdig");
	const char *self = arena_printf(r->arena, "%s/%lld", base_path(r, rd), (long long)ci->id);
	page_begin(r, arena_printf(r->arena, "Anden gennemgang af sag %s", ci->case_no));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › ", d->code, d->name);
	if (workgroup)
		html_fmt(b, "<a href=\"/d/%U/rounds\">Tilsyn</a> › <a href=\"/d/%U/rounds/%I\">%T</a> › <a href=\"%A\">Kalibrering</a> › ",
		         d->code, d->code, rd->id, rd->title, base_path(r, rd));
	else
		html_fmt(b, "%T › ", rd->title);
	html_fmt(b, "Sag %T</p>\n<h1>Anden gennemgang af sag %T</h1>\n<p class=\"lead\">%T</p>\n", ci->case_no, ci->case_no,
	         rd->title);
	int64_t n;
	if (unsaved)
		flash_summary(r, unsaved);
	else if (message)
		page_message(r, kind, message);
	else if (parse_int64(req_query(r, "saved"), &n))
		page_message(r, "ok", n ? arena_printf(r->arena, _("%lld svar er gemt."), (long long)n)
		                        : _("Der var ingen ændringer at gemme."));
	else if (req_query(r, "finished"))
		page_message(r, "ok", _("Den anden gennemgang er markeret som færdig."));
	int missing = calibration_missing(r->db, rd->id, ci->id);
	html_fmt(b, "<dl class=\"facts\">\n<dt>Rådgiver</dt><dd>%T</dd>\n<dt>Første gennemgang</dt><dd>%T</dd>\n"
	            "<dt>Anden gennemgang</dt><dd>%T</dd>\n<dt>Status</dt><dd id=\"case-status\">",
	         ci->advisor, *ci->first_name ? ci->first_name : _("ingen"),
	         *ci->second_name ? ci->second_name : _("ingen endnu"));
	questionnaire_status_tag(b, ci->status);
	html_fmt(b, "</dd>\n<dt>Mangler</dt><dd>%d spørgsmål</dd>\n</dl>\n", missing);
	if (!show_first)
		html_lit(b, "<p class=\"msg warn\" id=\"blind\">Blind gennemgang: du ser ikke den første gennemgangs svar, før du "
		            "har markeret din gennemgang som færdig. Vurdér sagen selvstændigt.</p>\n");

	if (nq == 0) {
		html_lit(b, "<p>Tilsynet har intet spørgekatalog, så der er ingen spørgsmål at besvare.</p>\n");
	} else if (editable) {
		html_fmt(b, "<form method=\"post\" action=\"%A\" id=\"calibration-form\" class=\"review\">\n"
		            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
		         self, r->session->csrf);
		questionnaire_html(r, qs, nq, 0, 0);
		html_lit(b, "<div class=\"actions savebar\"><button type=\"submit\">Gem svar</button></div>\n</form>\n");
		html_lit(b, "<section class=\"flags\" aria-labelledby=\"finish-h\">\n<h2 id=\"finish-h\">Færdig</h2>\n");
		if (missing > 0)
			html_fmt(b, "<p>Gennemgangen kan markeres som færdig, når alle relevante spørgsmål er besvaret. Der mangler "
			            "%d.</p>\n", missing);
		else
			html_lit(b, "<p>Alle relevante spørgsmål er besvaret. Når du markerer gennemgangen som færdig, kan svarene "
			            "ikke ændres, og du kan se den første gennemgang.</p>\n");
		page_form_begin(r, arena_printf(r->arena, "%s/finish", self));
		html_lit(b, "<button type=\"submit\">Marker som færdig</button></form>\n</section>\n");
	} else {
		/* Read-only: the second review, and the first beside it when the blind rule allows. */
		html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Svarene\"><table id=\"answers\">\n"
		            "<caption>Svarene i de to gennemgange</caption>\n<thead><tr><th scope=\"col\">Nr.</th>"
		            "<th scope=\"col\">Spørgsmål</th>");
		if (show_first)
			html_fmt(b, "<th scope=\"col\">Første gennemgang (%T)</th>", *ci->first_name ? ci->first_name : _("ingen"));
		html_fmt(b, "<th scope=\"col\">Anden gennemgang (%T)</th></tr></thead>\n<tbody>\n",
		         *ci->second_name ? ci->second_name : _("ingen endnu"));
		for (int i = 0; i < nq; i++) {
			const Question *x = &qs[i];
			/* What counts (relevance.c), as calibration_agreement compares them. */
			const char *second = x->state == RELEVANCE_NOT_RELEVANT ? "ikke_relevant" : x->state ? "" : x->value;
			const char *first = x->first_state == RELEVANCE_NOT_RELEVANT ? "ikke_relevant"
			                    : x->first_state                          ? ""
			                                                              : x->first_value;
			int differ = show_first && *second && *first && !str_eq(second, first);
			if (differ)
				html_fmt(b, "<tr class=\"differ\"><th scope=\"row\">%T</th><td>%T <strong>(uenige)</strong></td>", x->code,
				         x->text);
			else
				html_fmt(b, "<tr><th scope=\"row\">%T</th><td>%T</td>", x->code, x->text);
			if (show_first)
				html_fmt(b, "<td>%T</td>", cal_words(r, x->first_state, x->first_value, x->first_material, x->first_comment));
			html_fmt(b, "<td>%T</td></tr>\n", cal_words(r, x->state, x->value, x->material, x->comment));
		}
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	page_end(r);
}

/* The answer the form sent for x (every question on the form has its p-ID field); 0 when none. */
static int sent_answer(Req *r, const Question *x, AnswerInput *in)
{
	if (!req_form(r, arena_printf(r->arena, "p-%lld", (long long)x->id)))
		return 0;
	questionnaire_read(r, x, in); /* seen_revision -1: the second review has no two-tab check */
	return 1;
}

/* The answers a refused "Gem svar" sent, shown again as sent (all of them: nothing was saved),
** each with its message. Returns 1 when the flash came from such a save. */
static int unsaved_restore(Req *r, const Flash *f, Question *qs, int nq)
{
	int sent = 0;
	for (int i = 0; i < nq && !sent; i++)
		sent = flash_value(f, arena_printf(r->arena, "p-%lld", (long long)qs[i].id), NULL) != NULL;
	if (!sent)
		return 0;
	flash_restore_form(r, f);
	for (int i = 0; i < nq; i++) {
		Question *x = &qs[i];
		AnswerInput in;
		if (!sent_answer(r, x, &in))
			continue;
		questionnaire_show_sent(x, &in);
		x->error = flash_field_extra(f, arena_printf(r->arena, "q-%lld", (long long)x->id));
	}
	return 1;
}

void page_calibration_case(Req *r)
{
	Round rd;
	CalInfo ci;
	if (!cal_access(r, &rd, &ci))
		return;
	int nq;
	Question *qs = questionnaire_load(r, rd.id, ci.id, ANSWER_SECOND, &nq);
	/* A refused færdig or "Gem svar" comes back by a 303 with its message (flash.c). */
	const Flash *f = flash_take(r);
	if (unsaved_restore(r, f, qs, nq))
		case_page(r, &rd, &ci, qs, nq, NULL, NULL, f);
	else
		case_page(r, &rd, &ci, qs, nq, flash_message(f) ? "error" : NULL, flash_message(f), NULL);
	int first = calibration_first_visible(in_workgroup(r), ci.second == r->user->id, ci.status);
	req_audit(r, "calibration_view", arena_printf(r->arena, "case:%lld", (long long)ci.id),
	          arena_printf(r->arena, "tilsyn %lld: anden gennemgang vist%s", (long long)rd.id, first ? " med første gennemgang" : ""));
}

/* The form sent with "Gem svar": every question on the page is saved as sent. */
void page_calibration_case_post(Req *r)
{
	Round rd;
	CalInfo ci;
	if (!cal_access(r, &rd, &ci))
		return;
	if (ci.second != r->user->id) {
		http_error(r, 403, _("Kun den, der er valgt til den anden gennemgang af sagen, kan gemme svar i den."));
		return;
	}
	int nq;
	Question *qs = questionnaire_load(r, rd.id, ci.id, ANSWER_SECOND, &nq);
	if (!req_begin(r))
		return;
	int saved = 0, errors = 0, closed = 0;
	Buf codes; /* the question codes of the answers saved, for the audit log */
	buf_init(&codes, 0);
	for (int i = 0; i < nq; i++) {
		Question *x = &qs[i];
		AnswerInput in;
		if (!sent_answer(r, x, &in))
			continue;
		AnswerState cur;
		char msg[300] = "";
		int res = answer_store(r->db, ANSWER_SECOND, rd.id, ci.id, x->id, &in, r->user, &cur, msg, sizeof msg);
		if (res != ANSWER_SAVED) {
			errors++;
			closed += res == ANSWER_CLOSED;
			x->error = msg[0] ? arena_strdup(r->arena, msg) : NULL;
		} else if (cur.revision != x->revision) {
			buf_printf(&codes, "%s%s", saved ? ", " : "", x->code);
			saved++;
		}
	}
	if (errors) { /* nothing of the form is saved: back to it by a 303, with what was sent */
		buf_free(&codes);
		db_rollback(r->db);
		Flash *f = flash_begin(r);
		flash_error(f, NULL, closed ? _(round_closed_text)
		                            : arena_printf(r->arena, _("%d svar kunne ikke gemmes, så intet er gemt. Ret det, der "
		                                                       "står ved spørgsmålene, og gem igen."),
		                                           errors));
		for (int i = 0; i < nq; i++)
			if (qs[i].error)
				flash_note(f, arena_printf(r->arena, "q-%lld", (long long)qs[i].id), "error",
				           arena_printf(r->arena, "%s: %s", qs[i].code, qs[i].error), qs[i].error);
		flash_redirect(r, f, r->path);
		return;
	}
	if (saved)
		req_audit(r, "calibration_save", arena_printf(r->arena, "case:%lld", (long long)ci.id),
		          arena_printf(r->arena, "tilsyn %lld: %d svar i anden gennemgang gemt: %s", (long long)rd.id, saved, buf_cstr(&codes)));
	buf_free(&codes);
	if (!req_commit(r, _("Svarene kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "%s?saved=%d", r->path, saved));
}

void page_calibration_finish(Req *r)
{
	Round rd;
	CalInfo ci;
	if (!cal_access(r, &rd, &ci))
		return;
	if (ci.second != r->user->id) {
		http_error(r, 403, _("Kun den, der gennemgår sagen anden gang, kan markere gennemgangen som færdig."));
		return;
	}
	page_review_finish_at(r, &rd, ci.id, 1, arena_printf(r->arena, "%s/%lld", base_path(r, &rd), (long long)ci.id));
}
