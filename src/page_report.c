/*
** Report pages: the working group writes the report's own words (summary, strengths,
** challenges, recommendations) as a draft and marks them final, and downloads the report
** for each audience and format. A caseworker downloads their own individual feedback
** (raadgiver:<own name>) from the front page; every other download by someone outside
** the working group is refused with 403 and audited.
*/
#include "http.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

static void download_links(Req *r, const Round *rd, const char *audience, const char *label)
{
	Buf *b = &r->out;
	html_fmt(b, "<tr><th scope=\"row\">%T</th>", label);
	static const char *const formats[] = {"pdf", "html", "xlsx"};
	for (int i = 0; i < 3; i++)
		html_fmt(b, "<td><a href=\"/d/%U/rounds/%I/report/download?audience=%U&amp;format=%U\" download>%T"
		            "<span class=\"sr\"> – %T</span></a></td>",
		         r->dept->code, rd->id, audience, formats[i], formats[i], label);
	html_lit(b, "</tr>\n");
}

/* Management's report with the appendix of single cases: a GET form with a checkbox (the
** appendix is off unless asked for, as on the command line). */
static void appendix_form(Req *r, const Round *rd)
{
	html_fmt(&r->out,
	         "<form method=\"get\" action=\"/d/%U/rounds/%I/report/download\" class=\"stack\">\n"
	         "<fieldset>\n<legend>Rapporten til ledelsen med eller uden bilag</legend>\n"
	         "<input type=\"hidden\" name=\"audience\" value=\"ledelse\">\n"
	         "<div><input type=\"checkbox\" id=\"appendix\" name=\"appendix\" value=\"1\"> "
	         "<label for=\"appendix\">Medtag bilaget med de enkelte sager (sagsnumre, svar og bemærkninger)</label></div>\n"
	         "<div><label for=\"appendix-format\">Format</label> <select id=\"appendix-format\" name=\"format\">"
	         "<option value=\"pdf\">PDF</option><option value=\"html\">HTML</option>"
	         "<option value=\"xlsx\">Regneark</option></select></div>\n"
	         "<div class=\"actions\"><button type=\"submit\">Hent rapporten til ledelsen</button></div>\n"
	         "</fieldset>\n</form>\n",
	         r->dept->code, rd->id);
}

static void report_page(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r); /* a refused save comes back as typed */
	Department *d = r->dept;
	ReportText t;
	report_text_load(r->db, rd->id, &t);
	page_begin(r, _("Rapport"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	            "<a href=\"/d/%U/rounds/%I\">%T</a> › Rapport</p>\n<h1>Rapport: %T</h1>\n",
	         d->code, d->name, d->code, d->code, rd->id, rd->title, rd->title);
	if (flash_has(f))
		flash_summary(r, f);
	else if (req_query(r, "saved"))
		page_message(r, "ok", t.final ? _("Teksten er gemt og markeret som endelig.") : _("Teksten er gemt som kladde."));
	char final_at[64], updated_at[64];
	date_time_danish(t.final_at, final_at);
	date_time_danish(t.updated_at, updated_at);
	if (t.final)
		html_fmt(b, "<p class=\"lead\">Status: <strong>endelig</strong>, markeret %T af %T. Gemmer I som kladde, bliver "
		            "teksten en kladde igen.</p>\n",
		         final_at, t.final_by);
	else if (t.exists)
		html_fmt(b, "<p class=\"lead\">Status: <strong>kladde</strong>, sidst gemt %T af %T. Rapporterne mærkes "
		            "KLADDE, indtil teksten er endelig.</p>\n",
		         updated_at, *t.updated_by ? t.updated_by : _("kommandolinjen"));
	else
		html_lit(b, "<p class=\"lead\">Status: <strong>ikke skrevet endnu</strong>. Rapporterne mærkes KLADDE, indtil "
		            "teksten er endelig.</p>\n");

	html_fmt(b, "<h2>%T</h2>\n<p class=\"hint\">Skriv aldrig CPR-numre eller borgeres navne. "
	            "Rapporten til medarbejderne må ikke kunne pege på en sag eller en rådgiver. En tom linje starter et "
	            "nyt afsnit.</p>\n",
	         str_eq(rd->kind, "ekstern") ? _("Det eksterne tilsyns tekst") : _("Arbejdsgruppens tekst"));
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/report", d->code, (long long)rd->id));
	static const char *const names[4] = {"summary", "strengths", "challenges", "recommendations"};
	static const char *const labels[4] = {"Sammenfatning", "Styrker", "Udfordringer", "Anbefalinger"};
	const char *values[4] = {t.summary, t.strengths, t.challenges, t.recommendations};
	html_lit(b, "<div class=\"stack\">\n");
	for (int i = 0; i < 4; i++)
		html_fmt(b, "<label for=\"%A\">%T</label>\n<textarea id=\"%A\" name=\"%A\" rows=\"6\" maxlength=\"20000\">%T"
		            "</textarea>\n",
		         names[i], labels[i], names[i], names[i], flash_value(f, names[i], values[i]));
	html_lit(b, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"draft\">Gem som kladde</button> "
	            "<button type=\"submit\" name=\"action\" value=\"final\">Gem og markér som endelig</button></div>\n"
	            "</div>\n</form>\n");

	html_lit(b, "<h2>Hent rapporten</h2>\n<p class=\"hint\">Rapporten til ledelsen og de individuelle tilbagemeldinger "
	            "indeholder sagsnumre; hver hentning registreres i logbogen for hver sag. Rapporten til medarbejderne "
	            "viser kun samlede tal, ingen sagsnumre og ingen navne.</p>\n"
	            "<table class=\"compact\">\n<thead><tr><th scope=\"col\">Målgruppe</th><th scope=\"col\">PDF</th>"
	            "<th scope=\"col\">HTML</th><th scope=\"col\">Regneark</th></tr></thead>\n<tbody>\n");
	download_links(r, rd, "ledelse", _("Ledelsen"));
	download_links(r, rd, "medarbejdere", _("Medarbejderne"));
	html_lit(b, "</tbody>\n</table>\n");
	appendix_form(r, rd);
	html_lit(b, "<table class=\"compact\">\n<caption>Individuel tilbagemelding</caption>\n<thead><tr><th scope=\"col\">"
	            "Rådgiver</th><th scope=\"col\">PDF</th><th scope=\"col\">HTML</th><th scope=\"col\">Regneark</th></tr>"
	            "</thead>\n<tbody>\n");
	Stmt q;
	/* An outside reviewer writes the round's report, never a caseworker's feedback. */
	if (r->role == ROLE_EKSTERN_INVITED) {
		html_lit(b, "<tr><td colspan=\"4\">Et eksternt tilsyn skriver ikke individuel tilbagemelding.</td></tr>\n"
		            "</tbody>\n</table>\n");
		page_end(r);
		return;
	}
	db_prepare(&q, r->db,
	           "SELECT DISTINCT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY c.advisor");
	db_bind_int(&q, 1, rd->id);
	while (db_step(&q)) {
		const char *name = db_col_text(&q, 0);
		download_links(r, rd, arena_printf(r->arena, "raadgiver:%s", name),
		               arena_printf(r->arena, _("Tilbagemelding til %s"), name));
	}
	db_finalize(&q);
	html_lit(b, "</tbody>\n</table>\n");
	page_end(r);
}

void page_report_show(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd))
		report_page(r, &rd);
}

void page_report_save(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const char *texts[4] = {req_form(r, "summary"), req_form(r, "strengths"), req_form(r, "challenges"),
	                        req_form(r, "recommendations")};
	for (int i = 0; i < 4; i++)
		if (!texts[i])
			texts[i] = "";
	int final = str_eq(req_form(r, "action"), "final");
	char msg[512];
	if (!req_begin(r))
		return;
	if (report_text_save(r->db, rd.id, texts, final, r->user->id, r->user->name, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/report", r->dept->code, (long long)rd.id), NULL,
		           arena_strdup(r->arena, msg));
		return;
	}
	req_audit(r, "report_text", arena_printf(r->arena, "round:%lld", (long long)rd.id),
	          final ? "rapportens tekst gemt som endelig" : "rapportens tekst gemt som kladde");
	if (!req_commit(r, _("Teksten kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld/report?saved=1", r->dept->code, (long long)rd.id));
}

/*
** GET .../report/download?audience=ledelse|medarbejdere|raadgiver:NAME|raadgiver&format=pdf|html|xlsx
** [&appendix=1] (management's report with every single case).
** The working group may download every audience. Anyone else in the department only their
** own individual feedback ("raadgiver" alone means their own); other requests get 403 and
** are audited.
*/
void page_report_download(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const char *audience = req_query(r, "audience");
	int workgroup = auth_allows(PERM_DEPT_WORKGROUP, 0, r->role);
	if (str_eq(audience, "raadgiver") || !audience)
		audience = arena_printf(r->arena, "raadgiver:%s", r->user->name);
	ReportAudience a;
	const char *name;
	ReportFormat f;
	if (!report_audience_parse(audience, &a, &name) || !report_format_parse(req_query(r, "format"), &f)) {
		http_error(r, 400, _("Vælg en målgruppe (ledelse, medarbejdere eller en rådgiver) og et format (pdf, html "
		                     "eller xlsx)."));
		return;
	}
	if (a == REPORT_RAADGIVER && external_refuse_staff_view(r, &rd, "individuel tilbagemelding"))
		return;
	if (!workgroup && (a != REPORT_RAADGIVER || !ident_same_person(name, r->user->name))) {
		req_audit(r, "access_denied", arena_printf(r->arena, "round:%lld", (long long)rd.id),
		          arena_printf(r->arena, "rapport %s: ikke i arbejdsgruppen", audience));
		http_error(r, 403, _("Du kan kun hente din egen tilbagemelding. Rapporterne til ledelsen og medarbejderne "
		                     "hentes af afdelingens leder og koordinator. Forsøget er registreret."));
		return;
	}
	char err[512];
	/* A caseworker's feedback goes by the stable key (ident.c), never by the display name: a
	** namesake gets nothing, and an ambiguous name nothing until an alias is set. The working
	** group names the caseworker by login or by a name linked to them (ident_lookup). */
	User who = *r->user;
	int own = !workgroup && a == REPORT_RAADGIVER;
	if (a == REPORT_RAADGIVER && workgroup) {
		int64_t uid;
		if (!ident_lookup(r->db, rd.department_id, name, &uid, err, sizeof err) || !user_by_id(r->db, uid, &who)) {
			http_error(r, 404, arena_strdup(r->arena, err));
			return;
		}
	}
	if (a == REPORT_RAADGIVER && report_own_cases(r->db, &rd, who.id) == 0) {
		http_error(r, 404, own ? _("Du har ingen sager i dette tilsyns stikprøve, så der er ingen tilbagemelding.")
		                       : _("Rådgiveren har ingen sager i dette tilsyns stikprøve."));
		return;
	}
	if (own && !feedback_released_to(r->db, &rd, r->user->id)) { /* released by the leader (feedback.c) */
		req_audit(r, "access_denied", arena_printf(r->arena, "round:%lld", (long long)rd.id),
		          "egen tilbagemelding: endnu ikke frigivet");
		http_error(r, 403, _("Din tilbagemelding er endnu ikke frigivet. Du kan se den her, når lederen har frigivet "
		                     "den, eller når jeres individuelle tilbagemeldingsmøde er holdt."));
		return;
	}
	Report rp;
	if ((a == REPORT_RAADGIVER ? report_load_own(r->db, &rd, &who, &rp, err, sizeof err)
	                           : report_load(r->db, &rd, a, "", &rp, err, sizeof err)) != 0) {
		http_error(r, 409, err);
		return;
	}
	rp.appendix = a == REPORT_LEDELSE && str_eq(req_query(r, "appendix"), "1");
	Buf data;
	buf_init(&data, (size_t)128 << 20);
	if (report_write(&rp, f, &data, err, sizeof err) != 0) {
		report_free(&rp);
		buf_free(&data);
		http_error(r, 500, err);
		return;
	}
	report_audit(r->db, &rp, f, r->user->id, r->user->login, r->ip);
	buf_reset(&r->out);
	buf_append(&r->out, data.data, data.len);
	buf_free(&data);
	r->content_type = report_format_type(f);
	http_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"rapport-tilsyn-%lld-%s.%s\"", (long long)rd.id,
	                         a == REPORT_LEDELSE ? "ledelse" : a == REPORT_MEDARBEJDERE ? "medarbejdere" : "tilbagemelding",
	                         report_format_ext(f)));
	report_free(&rp);
}

/* On the front page: the rounds in which this person's own cases were sampled, with their
** individual feedback to download. */
void page_report_my_feedback(Req *r)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT DISTINCT d.code, rd.id, rd.title, c.advisor, d.id FROM membership m JOIN department d ON d.id = m.department_id"
	           " JOIN round rd ON rd.department_id = d.id JOIN round_case rc ON rc.round_id = rd.id AND rc.status = 'udtrukket'"
	           " JOIN cases c ON c.id = rc.case_id WHERE m.user_id = ?1"
	           " AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rd.id AND a.case_id = rc.case_id)"
	           " ORDER BY rd.id DESC");
	db_bind_int(&q, 1, r->user->id);
	int n = 0;
	int64_t last = 0; /* one line per round, whatever names the case list uses for this person */
	while (db_step(&q)) {
		if (db_col_int(&q, 1) == last || !ident_owns(r->db, db_col_int(&q, 4), db_col_text(&q, 3), r->user->id))
			continue;
		last = db_col_int(&q, 1);
		if (n++ == 0)
			html_lit(b, "<h2>Min tilbagemelding</h2>\n<p class=\"hint\">Gennemgangen af dine egne sager, ved siden af "
			            "afdelingens samlede tal.</p>\n<ul>\n");
		Round rd;
		if (round_by_id(r->db, last, &rd) && !feedback_released_to(r->db, &rd, r->user->id)) {
			html_fmt(b, "<li>%T: ", db_col_text(&q, 2));
			html_tag(b, "todo", _("endnu ikke frigivet"));
			html_lit(b, "</li>\n");
			continue;
		}
		html_fmt(b, "<li>%T: <a href=\"/d/%U/rounds/%I/report/download?audience=raadgiver&amp;format=pdf\" download>PDF</a>"
		            " · <a href=\"/d/%U/rounds/%I/report/download?audience=raadgiver&amp;format=html\" download>HTML</a>"
		            " · <a href=\"/d/%U/rounds/%I/report/download?audience=raadgiver&amp;format=xlsx\" download>regneark</a>"
		            "</li>\n",
		         db_col_text(&q, 2), db_col_text(&q, 0), db_col_int(&q, 1), db_col_text(&q, 0), db_col_int(&q, 1),
		         db_col_text(&q, 0), db_col_int(&q, 1));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
}
