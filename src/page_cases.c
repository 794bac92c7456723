/*
** Case-list pages: the department's case list with filters and caseload per caseworker,
** and the import in three steps: upload a file, see what was detected (format, encoding,
** separator, which column became which field, the first rows, every problem), confirm.
** The uploaded file waits in the database between preview and confirmation. A file that
** cannot be read at all, or an upload that expired, answers 303 back to the upload form
** with the message (flash.c; a file is never kept there); a readable file's preview, even
** one with problems, is a result and is shown as the POST's answer.
*/
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *target_title(const char *t)
{
	return str_eq(t, "barn") ? _("barn") : str_eq(t, "voksen") ? _("voksen") : "";
}

static void audit_read(Req *r, const char *action, const char *object, const char *detail)
{
	req_audit(r, action, object, detail);
}

static const char *q_or_null(Req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* A filter text folded for matching (fold.c), or NULL when none was given. */
static const char *folded(Req *r, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return text_fold(s, arena_alloc(r->arena, n), n);
}

/*
** The current list's version: when it was imported, by whom, from which file, how many
** cases, and how many dropped off compared with the list before, listed on request.
*/
static void version_section(Req *r)
{
	Buf *b = &r->out;
	CaseListVersion v;
	if (!case_list_current(r->db, r->dept->id, &v))
		return;
	char when[64];
	date_time_danish(v.at, when);
	html_fmt(b, "<section class=\"list-version\" aria-labelledby=\"list-version\">\n"
	            "<h2 id=\"list-version\">Den nuværende sagsliste</h2>\n<p>Indlæst %T", when);
	if (*v.by)
		html_fmt(b, " af %T", v.by);
	if (*v.file_name)
		html_fmt(b, " fra filen <strong>%T</strong>", v.file_name);
	html_fmt(b, ": %I sager%T.", v.list_size, v.add ? _(" (filen blev tilføjet til listen før den)") : "");
	if (v.dropped == 0) {
		if (v.add)
			html_lit(b, "</p>\n");
		else
			html_lit(b, " Ingen sager faldt ud i forhold til den forrige liste.</p>\n");
	} else {
		html_fmt(b, " %I %T ud i forhold til den forrige liste. De bliver i databasen (tidligere tilsyn), men "
		            "trækkes ikke.</p>\n",
		         v.dropped, v.dropped == 1 ? _("sag faldt") : _("sager faldt"));
		html_fmt(b, "<details class=\"dropped\"><summary>Vis de %I sager, der faldt ud</summary>\n"
		            "<table class=\"compact\">\n<thead><tr><th scope=\"col\">Sagsnummer</th><th scope=\"col\">Rådgiver</th>"
		            "</tr></thead>\n<tbody>\n",
		         v.dropped);
		Stmt q;
		db_prepare(&q, r->db,
		           "SELECT case_no, advisor FROM cases WHERE department_id = ?1 AND dropped_import_id = ?2 AND on_list = 0"
		           " ORDER BY case_no LIMIT 1000");
		db_bind_int(&q, 1, r->dept->id);
		db_bind_int(&q, 2, v.id);
		while (db_step(&q))
			html_fmt(b, "<tr><td>%T</td><td>%T</td></tr>\n", db_col_text(&q, 0), db_col_text(&q, 1));
		db_finalize(&q);
		html_lit(b, "</tbody>\n</table>\n</details>\n");
	}
	if (v.target_defaulted)
		html_fmt(b, "<p>%I %T uden målgruppe fik afdelingens område: %T.</p>\n", v.target_defaulted,
		         v.target_defaulted == 1 ? _("sag") : _("sager"), r->dept->area);
	html_lit(b, "</section>\n");
}

/* The case list's filters from the query string; 0 (and a 400 page) when a date is not a date. */
int case_filter_read(Req *r, CaseFilter *f)
{
	*f = (CaseFilter){.q = q_or_null(r, "q"), .advisor = q_or_null(r, "advisor"),
	                  .provision = q_or_null(r, "provision"), .team = q_or_null(r, "team"),
	                  .target = q_or_null(r, "target"), .opened_from = q_or_null(r, "opened_from"),
	                  .opened_to = q_or_null(r, "opened_to"), .decided_from = q_or_null(r, "decided_from"),
	                  .decided_to = q_or_null(r, "decided_to")};
	const char *dates[] = {f->opened_from, f->opened_to, f->decided_from, f->decided_to};
	for (size_t i = 0; i < COUNT(dates); i++) {
		if (dates[i] && !date_valid_iso(dates[i])) {
			http_error(r, 400, _("En dato i filteret er ugyldig. Brug formen ÅÅÅÅ-MM-DD."));
			return 0;
		}
	}
	return 1;
}

int case_filter_active(const CaseFilter *f)
{
	return f->q || f->advisor || f->provision || f->team || f->target || f->opened_from || f->opened_to ||
	       f->decided_from || f->decided_to;
}

/* Binds ?1 to ?10 of CASE_FILTER_WHERE. */
void case_filter_bind(Req *r, Stmt *q, const CaseFilter *f)
{
	db_bind_int(q, 1, r->dept->id);
	const char *exact[] = {f->target, f->opened_from, f->opened_to, f->decided_from, f->decided_to};
	for (size_t i = 0; i < COUNT(exact); i++)
		db_bind_text(q, (int)i + 2, exact[i]);
	const char *parts[] = {f->advisor, f->provision, f->team, f->q};
	for (size_t i = 0; i < COUNT(parts); i++)
		db_bind_text(q, (int)i + 7, folded(r, parts[i]));
}

/* The filters as a query string ("q=..&advisor=.."), for the page links and the download. */
const char *case_filter_query(Req *r, const CaseFilter *f)
{
	const char *names[] = {"q", "advisor", "provision", "team", "target", "opened_from", "opened_to",
	                       "decided_from", "decided_to"};
	const char *values[] = {f->q, f->advisor, f->provision, f->team, f->target, f->opened_from, f->opened_to,
	                        f->decided_from, f->decided_to};
	Buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < COUNT(names); i++) {
		if (!values[i])
			continue;
		buf_printf(&b, "%s%s=", b.len ? "&" : "", names[i]);
		html_url(&b, values[i]);
	}
	const char *out = arena_strdup(r->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

#define CASES_PER_PAGE 100

static void page_link(Req *r, const char *base, int64_t page, const char *label, int current)
{
	const char *href = arena_printf(r->arena, "%s%spage=%lld", base, strchr(base, '?') ? "&" : "?", (long long)page);
	if (current)
		html_fmt(&r->out, "<li><a href=\"%A\" aria-current=\"page\">%T</a></li>", href, label);
	else
		html_fmt(&r->out, "<li><a href=\"%A\">%T</a></li>", href, label);
}

/* Links to the pages of the list: previous, the first, a few around this one, the last, next. */
static void pagination(Req *r, const char *base, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	Buf *b = &r->out;
	html_lit(b, "<nav class=\"pagination\" aria-label=\"Sider i sagslisten\"><ul>");
	if (page > 1)
		page_link(r, base, page - 1, _("‹ Forrige"), 0);
	int64_t gap = 0;
	for (int64_t p = 1; p <= pages; p++) {
		if (p == 1 || p == pages || (p >= page - 2 && p <= page + 2)) {
			if (gap)
				html_lit(b, "<li class=\"gap\" aria-hidden=\"true\">…</li>");
			gap = 0;
			page_link(r, base, p, arena_printf(r->arena, "%lld", (long long)p), p == page);
		} else {
			gap = 1;
		}
	}
	if (page < pages)
		page_link(r, base, page + 1, _("Næste ›"), 0);
	html_lit(b, "</ul></nav>\n");
}

void page_cases_list(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	CaseFilter f;
	if (!case_filter_read(r, &f))
		return;
	const Flash *fl = flash_take(r); /* a refused link of a caseworker's name (page_alias.c) */
	page_begin(r, _("Sagsliste"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Sagsliste</p>\n<h1>Sagsliste</h1>\n", d->code, d->name);
	flash_summary(r, fl);
	int64_t added, updated, dropped = 0;
	if (req_query(r, "imported") && parse_int64(req_query(r, "new"), &added) &&
	    parse_int64(req_query(r, "updated"), &updated)) {
		parse_int64(req_query(r, "dropped"), &dropped);
		page_message(r, "ok", arena_printf(r->arena, _("Sagslisten er indlæst: %lld nye og %lld opdaterede sager; "
		                                               "%lld faldt ud af listen."),
		                                   (long long)added, (long long)updated, (long long)dropped));
		int64_t cleared = 0;
		if (parse_int64(req_query(r, "cleared"), &cleared) && cleared > 0)
			page_message(r, "warn", arena_printf(r->arena, _("Den nye sagsliste gør %lld gennemgående til rådgiver på "
			                                                 "den sag, de skulle gennemgå. De har mistet sagen; se "
			                                                 "tilsynets side og giv sagerne til andre."),
			                                     (long long)cleared));
	}
	html_fmt(b, "<p><a class=\"button\" href=\"/d/%U/cases/import\">Indlæs sagsliste</a></p>\n", d->code);
	version_section(r);
	if (req_query(r, "linked"))
		page_message(r, "ok", _("Navnet er knyttet til personen."));
	page_alias_unknown(r); /* caseworkers linked to nobody (ident.c) */

	/* Filters: a GET form, so a filtered list can be bookmarked. */
	html_fmt(b, "<form method=\"get\" action=\"/d/%U/cases\" class=\"filters\" aria-label=\"Filtre\">\n", d->code);
	html_fmt(b, "<div><label for=\"f-q\">Sagsnummer</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"%A\" "
	            "aria-describedby=\"f-hint\"></div>\n",
	         f.q ? f.q : "");
	html_fmt(b, "<div><label for=\"f-advisor\">Rådgiver</label><input id=\"f-advisor\" name=\"advisor\" value=\"%A\" aria-describedby=\"f-hint\"></div>\n"
	            "<div><label for=\"f-provision\">Paragraf</label><input id=\"f-provision\" name=\"provision\" value=\"%A\" aria-describedby=\"f-hint\"></div>\n"
	            "<div><label for=\"f-team\">Team</label><input id=\"f-team\" name=\"team\" value=\"%A\" aria-describedby=\"f-hint\"></div>\n"
	            "<div><label for=\"f-target\">Målgruppe</label><select id=\"f-target\" name=\"target\">",
	         f.advisor ? f.advisor : "", f.provision ? f.provision : "", f.team ? f.team : "");
	html_option(b, "", _("alle"), !f.target);
	html_option(b, "barn", _("barn"), str_eq(f.target, "barn"));
	html_option(b, "voksen", _("voksen"), str_eq(f.target, "voksen"));
	html_fmt(b, "</select></div>\n"
	            "<div><label for=\"f-of\">Oprettet fra</label><input id=\"f-of\" name=\"opened_from\" type=\"date\" value=\"%A\"></div>\n"
	            "<div><label for=\"f-ot\">Oprettet til</label><input id=\"f-ot\" name=\"opened_to\" type=\"date\" value=\"%A\"></div>\n"
	            "<div><label for=\"f-df\">Afgjort fra</label><input id=\"f-df\" name=\"decided_from\" type=\"date\" value=\"%A\"></div>\n"
	            "<div><label for=\"f-dt\">Afgjort til</label><input id=\"f-dt\" name=\"decided_to\" type=\"date\" value=\"%A\"></div>\n"
	            "<p id=\"f-hint\" class=\"hint\">Skriv en del af teksten, fx de sidste cifre i sagsnummeret eller en del af "
	            "et navn. Store og små bogstaver er lige gode.</p>\n"
	            "<div class=\"actions\"><button type=\"submit\">Filtrér</button> <a href=\"/d/%U/cases\">Nulstil</a></div>\n</form>\n",
	         f.opened_from ? f.opened_from : "", f.opened_to ? f.opened_to : "", f.decided_from ? f.decided_from : "",
	         f.decided_to ? f.decided_to : "", d->code);

	/* The caseload per caseworker gives the total; the page of cases is then read with LIMIT. */
	Stmt q;
	db_prepare(&q, r->db, "SELECT advisor, count(*) FROM cases" CASE_FILTER_WHERE " GROUP BY advisor ORDER BY advisor");
	case_filter_bind(r, &q, &f);
	Buf counts;
	buf_init(&counts, 0);
	int64_t total = 0;
	while (db_step(&q)) {
		int64_t n = db_col_int(&q, 1);
		html_fmt(&counts, "<tr><td>%T</td><td class=\"num\">%I</td></tr>\n", db_col_text(&q, 0), n);
		total += n;
	}
	db_finalize(&q);

	const char *filters = case_filter_query(r, &f);
	const char *base = arena_printf(r->arena, "/d/%s/cases%s%s", d->code, *filters ? "?" : "", filters);
	int64_t pages = (total + CASES_PER_PAGE - 1) / CASES_PER_PAGE, page = 1;
	if (!parse_int64(req_query(r, "page"), &page) || page < 1)
		page = 1;
	if (page > pages && pages > 0)
		page = pages;
	if (total == 0 && case_filter_active(&f)) {
		html_fmt(b, "<div class=\"msg warn\" role=\"status\"><strong>Filteret fandt ingen sager.</strong> "
		            "Ingen sager på den nuværende liste passer til det, du har skrevet eller valgt. "
		            "<a href=\"/d/%U/cases\">Nulstil filtrene</a> for at se hele listen.</div>\n",
		         d->code);
	} else if (total == 0) {
		html_lit(b, "<p>Ingen sager på den nuværende liste. Indlæs afdelingens sagsliste fra sagssystemet.</p>\n");
	} else {
		html_fmt(b, "<p><a class=\"button secondary\" href=\"/d/%U/cases/export.xlsx%T%A\" download>Hent listen som "
		            "regneark (xlsx)</a></p>\n",
		         d->code, *filters ? "?" : "", filters);
		html_fmt(b, "<h2>Sager pr. rådgiver</h2>\n<table class=\"compact\">\n<caption>%I sager i alt</caption>\n"
		            "<thead><tr><th scope=\"col\">Rådgiver</th><th scope=\"col\" class=\"num\">Sager</th></tr></thead>\n<tbody>\n",
		         total);
		buf_append(b, counts.data, counts.len);
		html_lit(b, "</tbody>\n</table>\n<h2>Sager</h2>\n");
		int64_t first = (page - 1) * CASES_PER_PAGE + 1, last = page * CASES_PER_PAGE < total ? page * CASES_PER_PAGE : total;
		html_fmt(b, "<p class=\"page-info\">Viser sag %I–%I af %I (side %I af %I).</p>\n", first, last, total, page, pages);
		pagination(r, base, page, pages);
		html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Sager\"><table>\n<thead><tr>"
		            "<th scope=\"col\">Sagsnummer</th><th scope=\"col\">Rådgiver</th>"
		            "<th scope=\"col\">Målgruppe</th><th scope=\"col\">Paragraf</th><th scope=\"col\">Ydelse</th>"
		            "<th scope=\"col\">Oprettet</th><th scope=\"col\">Seneste afgørelse</th><th scope=\"col\">Team</th>"
		            "</tr></thead>\n<tbody>\n");
		db_prepare(&q, r->db,
		           "SELECT case_no, advisor, target, provision, benefit, opened, decided, team FROM cases" CASE_FILTER_WHERE
		           " ORDER BY advisor, case_no LIMIT 100 OFFSET ?11"); /* CASES_PER_PAGE */
		case_filter_bind(r, &q, &f);
		db_bind_int(&q, 11, (page - 1) * CASES_PER_PAGE);
		while (db_step(&q))
			html_fmt(b, "<tr><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td></tr>\n",
			         db_col_text(&q, 0), db_col_text(&q, 1), target_title(db_col_text(&q, 2)), db_col_text(&q, 3),
			         db_col_text(&q, 4), date_text_in(r->arena, db_col_text(&q, 5)),
			         date_text_in(r->arena, db_col_text(&q, 6)), db_col_text(&q, 7));
		db_finalize(&q);
		html_lit(b, "</tbody>\n</table></div>\n");
		pagination(r, base, page, pages);
	}
	buf_free(&counts);
	audit_read(r, "cases_view", "cases", arena_printf(r->arena, "sagsliste vist (%lld sager)", (long long)total));
	page_end(r);
}

/* Whether the form asks to add the file to the current list rather than replace it. */
static int form_adds(Req *r)
{
	return str_eq(req_form(r, "mode"), "add");
}

/* The choice between replacing the current list (the default) and adding to it. */
static void mode_choice(Req *r, int add)
{
	Buf *b = &r->out;
	html_lit(b, "<fieldset class=\"mode\"><legend>Den nuværende sagsliste</legend>\n"
	            "<label class=\"check\"><input type=\"radio\" name=\"mode\" value=\"replace\"");
	if (!add)
		html_lit(b, " checked");
	html_lit(b, "> Erstat den nuværende liste med filen (sager, der ikke er i filen, falder ud og trækkes ikke)</label>\n"
	            "<label class=\"check\"><input type=\"radio\" name=\"mode\" value=\"add\"");
	if (add)
		html_lit(b, " checked");
	html_lit(b, "> Tilføj til den nuværende liste (når listen er udtrukket i flere dele)</label>\n</fieldset>\n");
}

static void upload_form(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	page_begin(r, _("Indlæs sagsliste"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/cases\">Sagsliste</a> › Indlæs</p>\n"
	            "<h1>Indlæs sagsliste</h1>\n",
	         d->code, d->name, d->code);
	flash_summary(r, f);
	html_lit(b, "<p>Vælg en udtræksfil fra sagssystemet: CSV (komma, semikolon eller tabulator; UTF-8 eller Windows-1252) "
	            "eller Excel (xlsx, første ark). Første række skal være overskrifter. Der skal være en kolonne med "
	            "sagsnummer og en med rådgiver; målgruppe, paragraf, ydelse, datoer og team bruges, hvis de findes.</p>\n"
	            "<p class=\"hint\">Filen må ikke indeholde CPR-numre eller borgernes navne. Rækker med CPR-numre afvises. "
	            "Du ser en forhåndsvisning, før noget gemmes.</p>\n");
	html_fmt(b, "<form method=\"post\" action=\"/d/%U/cases/import\" enctype=\"multipart/form-data\" class=\"stack\">\n"
	            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n<label for=\"file\">Fil</label>\n",
	         d->code, r->session->csrf);
	flash_field_error(r, f, "file");
	html_lit(b, "<input id=\"file\" name=\"file\" type=\"file\" required accept=\".csv,.txt,.xlsx\"");
	flash_field_attrs(r, f, "file");
	html_lit(b, ">\n");
	mode_choice(r, str_eq(flash_value(f, "mode", ""), "add"));
	html_lit(b, "<button type=\"submit\">Vis forhåndsvisning</button>\n</form>\n");
	page_end(r);
}

/* Back to the upload form with the message at the file (a file is never kept in a flash). */
static void upload_refuse(Req *r, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/cases/import", r->dept->code), "file", message);
}

/* Uploads wait at most an hour (the upload lifetime) for their confirmation; older ones are
** removed whenever someone opens the import, each minute by the server and by `tilsyn
** retention run`, so an abandoned preview does not keep case data. */
static void forget_old_uploads(Req *r)
{
	cases_forget_uploads(r->db, time(NULL));
}

void page_cases_upload(Req *r)
{
	forget_old_uploads(r);
	upload_form(r);
}

/* The --map string from the column choices on the preview page. */
static const char *map_from_form(Req *r)
{
	Buf m;
	buf_init(&m, 0);
	for (int f = 0; f < F_COUNT; f++) {
		const char *v = req_form(r, arena_printf(r->arena, "map_%s", case_field_names[f]));
		if (v && *v && !strchr(v, ','))
			buf_printf(&m, "%s%s=%s", m.len ? "," : "", case_field_names[f], v);
	}
	char *s = arena_strdup(r->arena, buf_cstr(&m));
	buf_free(&m);
	return *s ? s : NULL;
}

/* What the import will do to the current list: its size, the cases that drop off (listed
** on request) and the rows that take the department's area for want of a target group. */
static void list_change(Req *r, const ImportResult *res, int add)
{
	Buf *b = &r->out;
	html_lit(b, "<h2>Den nuværende sagsliste</h2>\n<ul class=\"list-change\">\n");
	html_fmt(b, "<li>%T: den nuværende liste får %I sager.</li>\n",
	         add ? _("Filen tilføjes til den nuværende liste") : _("Filen erstatter den nuværende liste"),
	         (int64_t)res->list_size);
	if (res->dropped) {
		html_fmt(b, "<li>%I %T ud af den nuværende liste. De bliver i databasen, men trækkes ikke."
		            "<details class=\"dropped\"><summary>Vis sagerne, der falder ud</summary><p>",
		         (int64_t)res->dropped, res->dropped == 1 ? _("sag falder") : _("sager falder"));
		for (int i = 0; i < res->ndropped_listed; i++)
			html_fmt(b, "%T%T", i ? ", " : "", res->dropped_nos[i]);
		if (res->dropped > res->ndropped_listed)
			html_fmt(b, " og %I flere", (int64_t)(res->dropped - res->ndropped_listed));
		html_lit(b, "</p></details></li>\n");
	} else if (!add) {
		html_lit(b, "<li>Ingen sager falder ud af den nuværende liste.</li>\n");
	}
	if (res->target_defaulted)
		html_fmt(b, "<li>%I %T uden målgruppe får afdelingens område: %T.</li>\n", (int64_t)res->target_defaulted,
		         res->target_defaulted == 1 ? _("sag") : _("sager"), r->dept->area);
	html_lit(b, "</ul>\n");
}

static void preview_page(Req *r, int status, const char *token, const char *file_name, const ImportResult *res,
                         int outcome)
{
	int add = form_adds(r);
	Buf *b = &r->out;
	Department *d = r->dept;
	page_begin(r, _("Forhåndsvisning af sagsliste"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/cases\">Sagsliste</a> › Indlæs</p>\n"
	            "<h1>Forhåndsvisning: %T</h1>\n",
	         d->code, d->name, d->code, file_name);
	if (!token && outcome != IMPORT_FAILED) {
		page_message(r, "error", arena_printf(r->arena,
		             _("%ld af %ld rækker har fejl (se listen nedenfor). Filen indeholder CPR-numre, så den er ikke "
		               "gemt, heller ikke midlertidigt: fjern CPR-numrene fra filen og indlæs den igen."),
		             res->rejected, res->rows_read));
	} else if (outcome == IMPORT_FAILED) {
		page_message(r, "error", res->missing_column ? arena_printf(r->arena, _("%s Vælg kolonnen under Kolonner "
		                                                                        "herunder, og opdatér forhåndsvisningen."),
		                                                            res->error)
		                                             : res->error);
	} else if (res->rejected) {
		page_message(r, "error", arena_printf(r->arena,
		             _("%ld af %ld rækker har fejl (se listen nedenfor). Ret filen og indlæs den igen, eller vælg at "
		               "gemme kun de gyldige rækker."), res->rejected, res->rows_read));
	} else {
		page_message(r, "ok", arena_printf(r->arena, _("Alle %ld rækker er gyldige: %ld nye og %ld opdaterede sager. "
		                                               "Intet er gemt endnu."),
		                                   res->rows_read, res->inserted, res->updated));
	}
	html_lit(b, "<h2>Det fandt tilsyn i filen</h2>\n<dl class=\"facts\">\n");
	html_fmt(b, "<dt>Filtype</dt><dd>%T</dd>\n", res->unreadable     ? res->unreadable
	                                            : str_eq(res->info.format, "xlsx") ? "Excel (xlsx)" : "CSV");
	if (str_eq(res->info.format, "csv"))
		html_fmt(b, "<dt>Tegnsæt</dt><dd>%T</dd>\n<dt>Skilletegn</dt><dd>%T</dd>\n", res->info.encoding,
		         res->info.separator == ';' ? _("semikolon (;)") : res->info.separator == ',' ? _("komma (,)")
		                                                                                        : _("tabulator"));
	else if (*res->info.sheet)
		html_fmt(b, "<dt>Ark</dt><dd>%T</dd>\n", res->info.sheet);
	html_fmt(b, "<dt>Rækker</dt><dd>%I</dd>\n</dl>\n", (int64_t)res->rows_read);
	if (outcome != IMPORT_FAILED) {
		list_change(r, res, add);
		page_alias_import_notes(r, res);
	}

	/* Without a token the file was refused and not kept: nothing to choose or confirm. */
	if (token) {
		page_form_begin(r, arena_printf(r->arena, "/d/%s/cases/import/confirm", d->code));
		html_fmt(b, "<input type=\"hidden\" name=\"token\" value=\"%A\">\n", token);
		mode_choice(r, add);
		html_lit(b, "<h2>Kolonner</h2>\n<p>Ret valget, hvis en kolonne er genkendt forkert eller ikke er fundet, og tryk "
		            "<em>Opdatér forhåndsvisning</em>.</p>\n<table class=\"compact\">\n<thead><tr><th scope=\"col\">Felt i tilsyn</th>"
		            "<th scope=\"col\">Kolonne i filen</th></tr></thead>\n<tbody>\n");
		for (int f = 0; f < F_COUNT; f++) {
			html_fmt(b, "<tr><td><label for=\"map-%T\">%T%T</label></td><td><select id=\"map-%T\" name=\"map_%T\">",
			         case_field_names[f], case_field_titles[f], f <= F_ADVISOR ? _(" (skal udfyldes)") : "",
			         case_field_names[f], case_field_names[f]);
			html_option(b, "", _("(ingen)"), res->column_of[f] < 0);
			for (int c = 0; c < res->ncolumns && c < IMPORT_MAX_HEADERS; c++)
				if (*res->headers[c])
					html_option(b, res->headers[c], res->headers[c], res->column_of[f] == c);
			html_lit(b, "</select></td></tr>\n");
		}
		html_lit(b, "</tbody>\n</table>\n");
	}

	if (res->npreview) {
		html_lit(b, "<h2>De første gyldige rækker</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
		            "aria-label=\"De første gyldige rækker\"><table>\n<thead><tr>");
		for (int f = 0; f < F_COUNT; f++)
			html_fmt(b, "<th scope=\"col\">%T</th>", case_field_titles[f]);
		html_lit(b, "</tr></thead>\n<tbody>\n");
		for (int i = 0; i < res->npreview; i++) {
			html_lit(b, "<tr>");
			for (int f = 0; f < F_COUNT; f++)
				html_fmt(b, "<td>%T</td>", res->preview[i][f]);
			html_lit(b, "</tr>\n");
		}
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	if (res->nproblems) {
		html_fmt(b, "<h2>Fejl (%I)</h2>\n<table class=\"compact problems\">\n<thead><tr><th scope=\"col\">Linje</th>"
		            "<th scope=\"col\">Kolonne</th><th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n",
		         (int64_t)res->rejected);
		for (int i = 0; i < res->nproblems; i++)
			html_fmt(b, "<tr><td class=\"num\">%I</td><td>%T</td><td>%T</td></tr>\n", (int64_t)res->problems[i].line,
			         res->problems[i].column, res->problems[i].reason);
		html_lit(b, "</tbody>\n</table>\n");
		if (res->rejected > res->nproblems)
			html_fmt(b, "<p>Kun de første %d fejl er vist.</p>\n", IMPORT_MAX_PROBLEMS);
	}
	if (!token) {
		html_fmt(b, "<p><a href=\"/d/%U/cases/import\">Vælg en anden fil</a></p>\n", d->code);
		page_end(r);
		r->status = status;
		return;
	}
	html_lit(b, "<div class=\"actions\">\n");
	if (res->rejected && outcome != IMPORT_FAILED)
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"skip_invalid\" value=\"1\"> Gem de gyldige rækker "
		            "og spring rækkerne med fejl over</label>\n");
	html_lit(b, "<button type=\"submit\" name=\"action\" value=\"preview\" class=\"secondary\">Opdatér forhåndsvisning</button>\n");
	if (outcome != IMPORT_FAILED && res->rows_read > res->rejected)
		html_lit(b, "<button type=\"submit\" name=\"action\" value=\"confirm\">Indlæs sagslisten</button>\n");
	html_fmt(b, "</div>\n</form>\n<p><a href=\"/d/%U/cases/import\">Vælg en anden fil</a></p>\n", d->code);
	page_end(r);
	r->status = status;
}

/* An upload that cannot go on to a confirmation, and so is not kept: it holds a CPR number,
** it could not be read as a case list for another reason than a column to choose, or it
** has no valid row. Kept (for at most the upload lifetime): a file with a column to choose
** by hand, and one with some invalid rows that may be skipped on request. */
static int upload_refused(const ImportResult *res, int outcome)
{
	return res->cpr_found ||
	       (!res->missing_column && (outcome == IMPORT_FAILED || res->rows_read <= res->rejected));
}

static int run_import(Req *r, const void *data, size_t n, const char *name, int dry_run, int skip, ImportResult *res)
{
	ImportOptions o = {.map = map_from_form(r), .skip_invalid = skip, .dry_run = dry_run, .file_name = name,
	                   .login = r->user->login, .add = form_adds(r)};
	return cases_import_mem(r->db, r->dept, data, n, name, &o, res);
}

void page_cases_preview(Req *r)
{
	const Param *file = req_file(r, "file");
	if (!file || (file->len == 0 && str_empty(file->filename))) { /* an empty file is told apart below */
		upload_refuse(r, _("Vælg en fil at indlæse."));
		return;
	}
	char *masked = cpr_mask(*file->filename ? file->filename : "sagsliste"); /* the name is not ours */
	const char *name = arena_strdup(r->arena, masked);
	free(masked);
	forget_old_uploads(r);
	/* The file is read before it is kept: one refused outright (a CPR number anywhere, or not
	** a case list at all) never reaches the database; only a missing column (chosen by hand
	** on the preview) or rows with other problems (skipped on request) wait for the user. */
	ImportResult *res = arena_alloc(r->arena, sizeof *res);
	int outcome = run_import(r, file->value, file->len, name, 1, 0, res);
	/* A file that could not be read at all (filetype.c says what it is) has no preview to show. */
	if (outcome == IMPORT_FAILED && !res->missing_column && !res->cpr_found) {
		upload_refuse(r, arena_strdup(r->arena, res->error));
		return;
	}
	if (upload_refused(res, outcome)) {
		preview_page(r, 400, NULL, name, res, outcome);
		return;
	}
	char token[TOKEN_HEX];
	auth_random_token(token);
	int rc = cases_keep_upload(r->db, r->dept->id, r->user->id, token, name, file->value, file->len, time(NULL));
	if (rc != DB_OK) {
		http_error(r, 503, _("Filen kunne ikke gemmes midlertidigt. Prøv igen om lidt."));
		return;
	}
	preview_page(r, outcome == IMPORT_FAILED ? 400 : 200, token, name, res, outcome);
}

static void forget_upload(Req *r, const char *token)
{
	Stmt q;
	db_prepare(&q, r->db, "DELETE FROM upload WHERE token = ?1");
	db_bind_text(&q, 1, token);
	db_done(&q);
	db_finalize(&q);
}

void page_cases_confirm(Req *r)
{
	const char *token = req_form(r, "token");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT file_name, data FROM upload WHERE token = ?1 AND department_id = ?2 AND user_id = ?3 AND created >= ?4");
	db_bind_text(&q, 1, token ? token : "");
	db_bind_int(&q, 2, r->dept->id);
	db_bind_int(&q, 3, r->user->id);
	db_bind_int(&q, 4, (int64_t)time(NULL) - cases_upload_lifetime());
	if (!db_step(&q)) {
		db_finalize(&q);
		upload_refuse(r, _("Den uploadede fil er udløbet (efter en time) eller findes ikke (kun dine tre nyeste filer "
		                   "venter). Vælg filen igen."));
		return;
	}
	char *name = arena_strdup(r->arena, db_col_text(&q, 0));
	size_t n;
	const void *blob = db_col_blob(&q, 1, &n);
	char *data = arena_alloc(r->arena, n + 1);
	memcpy(data, blob, n);
	db_finalize(&q);

	ImportResult *res = arena_alloc(r->arena, sizeof *res);
	int confirm = str_eq(req_form(r, "action"), "confirm");
	int outcome = run_import(r, data, n, name, !confirm, req_form_checked(r, "skip_invalid"), res);
	int refused = upload_refused(res, outcome);
	if (refused || !confirm || outcome != IMPORT_STORED) {
		if (refused) /* not kept a moment longer (a preview never keeps such a file) */
			forget_upload(r, token);
		preview_page(r, outcome == IMPORT_FAILED || (confirm && outcome == IMPORT_REFUSED) ? 400 : 200,
		             refused ? NULL : token, name, res, outcome);
		return;
	}
	forget_upload(r, token);
	/* &cleared= only when an assignment was cleared (ident.c), so the usual address stays as it was. */
	http_redirect(r, arena_printf(r->arena, "/d/%s/cases?imported=1&new=%ld&updated=%ld&dropped=%ld%s", r->dept->code,
	                              res->inserted, res->updated, res->dropped,
	                              res->ident_cleared ? arena_printf(r->arena, "&cleared=%ld", res->ident_cleared) : ""));
}
