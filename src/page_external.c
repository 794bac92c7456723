/*
** Pages of the external review (eksternt tilsyn, external.c): the expectation alignment of
** an ekstern round, which the department's working group and the invited reviewers write
** together; the invitations, given and withdrawn by the department's leder or koordinator;
** the external review's part of the round page (external_round_section); and what an
** outside reviewer sees of the department: only the ekstern rounds they are invited to.
** The router (http.c, ekstern_allows) keeps them from every other page.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

/* Examples under each question of the expectation alignment, in the order of expectation_fields. */
static const char *const expectation_hints[EXPECTATION_FIELDS] = {
	"Fx om afgørelserne er tilstrækkeligt begrundede, eller om borgerne inddrages i deres sag.",
	"Det, der fylder hos ledelse og medarbejdere: fx frister, sagsoplysning, klager eller omgørelser.",
	"Fx en ny arbejdsgang, nye brevskabeloner eller ny lovgivning, og hvornår den blev indført.",
	"Tidligere tilsyn, Ankestyrelsens praksisundersøgelser eller interne gennemgange, og hvordan resultaterne "
	"blev taget imod.",
	"Fx antal rådgivere, erfaring og anciennitet, nyansatte, faglige baggrunde og vikarer.",
	"Fx teams, fordeling af sager, visitation, faglig sparring og hvem der træffer afgørelserne.",
	"Fx SEL § 85 og botilbud, eller sagstrinnet opfølgning. Måles de samme sagstyper igen, bør der gå mindst "
	"8-10 måneder.",
};

/* Only the department's own leder and koordinator, not an invited reviewer. */
static int department_workgroup(Req *r)
{
	return r->role == ROLE_LEDER || r->role == ROLE_KOORDINATOR;
}

/*
** An outside reviewer sees the round's review and report, nothing about individual
** caseworkers (domain.md): not the figures of one caseworker's cases, not anyone's
** individual feedback. Returns 1, after an audited Danish 403, when r is such a reviewer;
** `what` names the view refused in the audit entry. Pages showing caseworker views call it
** first (page_results.c, page_report.c).
*/
int external_refuse_staff_view(Req *r, const Round *rd, const char *what)
{
	if (r->role != ROLE_EKSTERN_INVITED && r->role != ROLE_EKSTERN)
		return 0;
	req_audit(r, "access_denied", arena_printf(r->arena, "round:%lld", (long long)rd->id),
	          arena_printf(r->arena, "%s %s: %s, ekstern konsulent", r->method, r->path, what));
	http_error(r, 403, _("Som ekstern konsulent ser du tilsynets gennemgang, resultater og rapport, men ikke tal eller "
	                     "tilbagemeldinger for den enkelte rådgiver. Forsøget er registreret."));
	return 1;
}

/* A refusal the handler decides, audited like the router's. */
static void refuse(Req *r, const char *why)
{
	req_audit(r, "access_denied", arena_printf(r->arena, "%s %s", r->method, r->path), why);
	http_error(r, 403, why);
}

static void crumbs(Req *r, const Round *rd, const char *here)
{
	Department *d = r->dept;
	html_fmt(&r->out, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	                  "<a href=\"/d/%U/rounds/%I\">%T</a> › %T</p>\n",
	         d->code, d->name, d->code, d->code, rd->id, rd->title, here);
}

/* A refused change: what was wrong, and the way back to the round. */
/* A refused invitation: back to the round page, where the form is, by a 303 with the message. */
static void problem_page(Req *r, const Round *rd, const char *msg)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld", r->dept->code, (long long)rd->id), NULL, msg);
}

/* ---- what an outside reviewer sees of the department ---- */

/* The ekstern rounds of the department the user is invited to, with their own cases. */
static void invited_rounds(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT o.id, o.title, o.phase, coalesce(o.planned_start, ''), coalesce(o.planned_end, ''),"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = o.id AND rc.status = 'udtrukket'"
	           "  AND rc.reviewer_id = ?2),"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = o.id AND rc.status = 'udtrukket'"
	           "  AND rc.reviewer_id = ?2 AND rc.review_status = 'faerdig')"
	           " FROM round_invite i JOIN round o ON o.id = i.round_id"
	           " WHERE i.user_id = ?2 AND o.department_id = ?1 AND o.kind = 'ekstern'"
	           " ORDER BY coalesce(o.planned_start, o.created_at) DESC, o.id DESC");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, r->user->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table>\n<caption>Eksterne tilsyn, du er inviteret til</caption>\n<thead><tr>"
			            "<th scope=\"col\">Tilsyn</th><th scope=\"col\">Fase</th><th scope=\"col\">Periode</th>"
			            "<th scope=\"col\" class=\"num\">Dine sager</th><th scope=\"col\" class=\"num\">Færdige</th>"
			            "</tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/d/%U/rounds/%I\">%T</a></td><td>%T</td><td>%T – %T</td>"
		            "<td class=\"num\">%I</td><td class=\"num\">%I</td></tr>\n",
		         d->code, db_col_int(&q, 0), db_col_text(&q, 1), phase_title(db_col_text(&q, 2)),
		         date_text_in(r->arena, db_col_text(&q, 3)), date_text_in(r->arena, db_col_text(&q, 4)),
		         db_col_int(&q, 5), db_col_int(&q, 6));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Du er ikke inviteret til et eksternt tilsyn i afdelingen endnu. Afdelingens leder eller faglige "
		            "koordinator inviterer dig, når tilsynet er oprettet.</p>\n");
}

/* The department's home and its list of tilsyn as an outside reviewer sees them: only the
** ekstern rounds they are invited to (called by page_department_home and page_round_list). */
void page_external_rounds(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	if (str_eq(r->route->pattern, "/d/:dept/rounds")) {
		page_begin(r, _("Tilsyn"));
		html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Tilsyn</p>\n<h1>Tilsyn</h1>\n", d->code, d->name);
	} else {
		page_begin(r, d->name);
		html_fmt(b, "<h1>%T</h1>\n<p class=\"lead\">%T · du er %T i afdelingen.</p>\n", d->name,
		         str_eq(d->area, "barn") ? _("Børn og unge med handicap (barnets lov)")
		                                 : _("Voksne med handicap (serviceloven)"),
		         role_title(r->role));
	}
	html_lit(b, "<p>Som ekstern konsulent ser du de eksterne tilsyn, du er inviteret til, og ikke afdelingens øvrige "
	            "sager og tilsyn.</p>\n");
	invited_rounds(r);
	page_end(r);
}

/* ---- the round page's part ---- */

static void expectation_status(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Expectation e;
	expectation_load(r->db, rd->id, &e);
	html_lit(b, "<h3>Forventningsafstemning</h3>\n<p>");
	if (!e.exists || e.filled == 0) {
		html_lit(b, "<strong>Ikke skrevet endnu.</strong> Det eksterne tilsyn begynder med en forventningsafstemning: "
		            "hvad I vil blive klogere på, hvad der bekymrer jer, og hvilke fokusområder eller sagstyper der "
		            "gennemgås.");
	} else {
		char when[64];
		date_time_danish(e.updated_at, when);
		html_fmt(b, "<strong>%d af %d spørgsmål besvaret</strong>, senest gemt %T af %T.", e.filled, EXPECTATION_FIELDS,
		         when, *e.updated_by ? e.updated_by : _("kommandolinjen"));
	}
	html_fmt(b, " <a href=\"/d/%U/rounds/%I/expectation\">%T</a></p>\n", r->dept->code, rd->id,
	         e.filled ? _("Se og ret forventningsafstemningen") : _("Skriv forventningsafstemningen"));
	const char *focus = e.values[EXPECTATION_FIELDS - 1];
	if (!str_empty(focus))
		html_fmt(b, "<p><strong>%T:</strong> %T</p>\n", _(expectation_titles[EXPECTATION_FIELDS - 1]), focus);
	expectation_free(&e);
}

static void invitations(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	int manage = department_workgroup(r);
	html_lit(b, "<h3>Inviterede eksterne konsulenter</h3>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name, i.invited_at,"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = i.round_id AND rc.reviewer_id = u.id"
	           "  AND rc.status = 'udtrukket'),"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = i.round_id AND rc.reviewer_id = u.id"
	           "  AND rc.status = 'udtrukket' AND rc.review_status = 'faerdig')"
	           " FROM round_invite i JOIN users u ON u.id = i.user_id WHERE i.round_id = ?1 ORDER BY u.name, u.id");
	db_bind_int(&q, 1, rd->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0) {
			html_lit(b, "<table class=\"compact\">\n<thead><tr><th scope=\"col\">Navn</th><th scope=\"col\">Inviteret</th>"
			            "<th scope=\"col\" class=\"num\">Sager</th><th scope=\"col\" class=\"num\">Færdige</th>");
			if (manage)
				html_lit(b, "<th scope=\"col\">Invitation</th>");
			html_lit(b, "</tr></thead>\n<tbody>\n");
		}
		char when[64];
		date_time_danish(db_col_text(&q, 2), when);
		html_fmt(b, "<tr><td>%T</td><td>%T</td><td class=\"num\">%I</td><td class=\"num\">%I</td>", db_col_text(&q, 1),
		         when, db_col_int(&q, 3), db_col_int(&q, 4));
		if (manage) {
			/* Removing takes away the person's access to the round: asked first (an open step). */
			html_fmt(b, "<td><details class=\"inline\"><summary>Fjern<span class=\"sr\"> %T</span></summary>",
			         db_col_text(&q, 1));
			page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/invite/%lld/remove", d->code, (long long)rd->id,
			                                (long long)db_col_int(&q, 0)));
			html_fmt(b, "<button type=\"submit\" class=\"small danger\">Fjern invitationen af %T</button>"
			            "</form></details></td>",
			         db_col_text(&q, 1));
		}
		html_lit(b, "</tr>\n");
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Ingen er inviteret endnu.</p>\n");
	if (!manage)
		return;

	/* Those who may be invited: active users with the role ekstern here, not yet invited. */
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND m.role = 'ekstern' AND u.active = 1"
	           " AND NOT EXISTS (SELECT 1 FROM round_invite i WHERE i.round_id = ?2 AND i.user_id = u.id)"
	           " ORDER BY u.name, u.id");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, rd->id);
	int m = 0;
	while (db_step(&q)) {
		if (m++ == 0) {
			page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/invite", d->code, (long long)rd->id));
			html_lit(b, "<div class=\"stack\">\n<label for=\"invite-user\">Invitér en ekstern konsulent</label>\n"
			            "<select id=\"invite-user\" name=\"user\">");
		}
		html_option(b, arena_printf(r->arena, "%lld", (long long)db_col_int(&q, 0)), db_col_text(&q, 1), 0);
	}
	db_finalize(&q);
	if (m)
		html_lit(b, "</select>\n<button type=\"submit\">Invitér</button>\n</div>\n</form>\n"
		            "<p class=\"hint\">En inviteret konsulent ser dette tilsyn og intet andet i afdelingen: stikprøven, "
		            "gennemgangen, resultaterne og rapporten, og kan skrive forventningsafstemningen og rapportens tekst.</p>\n");
	else if (n == 0)
		html_lit(b, "<p class=\"hint\">Afdelingen har ingen brugere med rollen ekstern. Administratoren giver rollen under "
		            "Brugere; derefter kan konsulenten inviteres her.</p>\n");
}

/* The round's meetings; the two feedback meetings of an external review are to management
** (ledelse) and to the staff (personale). */
static void meetings(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	int manage = department_workgroup(r);
	html_lit(b, "<h3>Møder og mundtlig tilbagemelding</h3>\n");
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, date, coalesce(time, ''), kind, status FROM meeting WHERE round_id = ?1 ORDER BY date, time, id");
	db_bind_int(&q, 1, rd->id);
	int n = 0, management = 0, staff = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table class=\"compact\">\n<thead><tr><th scope=\"col\">Dato</th><th scope=\"col\">Møde</th>"
			            "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
		const char *kind = db_col_text(&q, 3);
		management |= str_eq(kind, "ledelse");
		staff |= str_eq(kind, "personale");
		html_fmt(b, "<tr><td>%T</td><td>", date_local_in(r->arena, db_col_text(&q, 1), db_col_text(&q, 2)));
		if (manage)
			html_fmt(b, "<a href=\"/d/%U/meetings/%I\">%T</a>", d->code, db_col_int(&q, 0), meeting_kind_title(kind));
		else
			html_fmt(b, "%T", meeting_kind_title(kind));
		html_fmt(b, "</td><td>%T</td></tr>\n", meeting_status_title(db_col_text(&q, 4)));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	if (!management || !staff)
		html_fmt(b, "<p>Resultaterne gives mundtligt, hver for sig, til ledelsen og til medarbejderne. %T</p>\n",
		         !management && !staff ? _("Ingen af de to møder er planlagt endnu.")
		         : !management         ? _("Mødet med ledelsen er ikke planlagt endnu.")
		                               : _("Mødet med medarbejderne er ikke planlagt endnu."));
	if (manage)
		html_fmt(b, "<p><a href=\"/d/%U/meetings/new?round=%I&amp;kind=ledelse\">Planlæg tilbagemelding til ledelsen</a> · "
		            "<a href=\"/d/%U/meetings/new?round=%I&amp;kind=personale\">Planlæg tilbagemelding til "
		            "medarbejderne</a></p>\n",
		         d->code, rd->id, d->code, rd->id);
}

/*
** The external review's part of the round page, for an ekstern round only: where the
** expectation alignment stands, who is invited (the department's working group invites and
** withdraws), and the feedback meetings.
*/
void external_round_section(Req *r, const Round *rd)
{
	if (!str_eq(rd->kind, "ekstern"))
		return;
	Buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"ekstern\">\n<h2 id=\"ekstern\">Eksternt tilsyn</h2>\n");
	int64_t left;
	if (str_eq(req_query(r, "invited"), "1"))
		page_message(r, "ok", _("Konsulenten er inviteret og kan nu se tilsynet."));
	else if (str_eq(req_query(r, "invited"), "0"))
		page_message(r, "ok", _("Konsulenten var allerede inviteret."));
	else if (parse_int64(req_query(r, "uninvited"), &left)) {
		page_message(r, "ok", _("Invitationen er trukket tilbage; konsulenten kan ikke længere se tilsynet."));
		if (left > 0)
			page_message(r, "warn", arena_printf(r->arena, _("%lld sager er stadig fordelt til konsulenten. Fordel dem "
			                                                 "til en anden under Gennemgang."),
			                                     (long long)left));
	}
	expectation_status(r, rd);
	invitations(r, rd);
	meetings(r, rd);
	html_lit(b, "</section>\n");
}

/* ---- the expectation alignment ---- */

static void expectation_page(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r); /* a refused save comes back as typed */
	Expectation e;
	expectation_load(r->db, rd->id, &e);
	page_begin(r, arena_printf(r->arena, "Forventningsafstemning: %s", rd->title));
	crumbs(r, rd, _("Forventningsafstemning"));
	html_fmt(b, "<h1>Forventningsafstemning: %T</h1>\n", rd->title);
	if (flash_has(f))
		flash_summary(r, f);
	else if (req_query(r, "saved"))
		page_message(r, "ok", _("Forventningsafstemningen er gemt."));
	html_lit(b, "<p class=\"lead\">Før gennemgangen afstemmer afdelingen og de eksterne konsulenter, hvad tilsynet skal "
	            "give svar på. Svarene styrer, hvilke sager der udvælges, og hvad rapporten lægger vægt på.</p>\n");
	if (e.exists) {
		char when[64];
		date_time_danish(e.updated_at, when);
		html_fmt(b, "<p class=\"hint\">Senest gemt %T af %T.</p>\n", when,
		         *e.updated_by ? e.updated_by : _("kommandolinjen"));
	}
	html_lit(b, "<p class=\"hint\">Skriv aldrig CPR-numre eller borgeres navne. Hvert svar kan være op til 4000 tegn.</p>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/expectation", r->dept->code, (long long)rd->id));
	html_lit(b, "<div class=\"stack\">\n");
	for (int i = 0; i < EXPECTATION_FIELDS; i++) {
		const char *name = expectation_fields[i];
		const char *value = flash_value(f, name, e.values[i]);
		html_fmt(b, "<label for=\"%A\">%T</label>\n<p class=\"hint\" id=\"%A-hint\">%T</p>\n"
		            "<textarea id=\"%A\" name=\"%A\" rows=\"4\" maxlength=\"%d\" aria-describedby=\"%A-hint\">%T</textarea>\n",
		         name, _(expectation_titles[i]), name, _(expectation_hints[i]), name, name, EXPECTATION_MAX_CHARS, name,
		         value);
	}
	html_fmt(b, "<div class=\"actions\"><button type=\"submit\">Gem forventningsafstemningen</button> "
	            "<a href=\"/d/%U/rounds/%I#ekstern\">Tilbage til tilsynet</a></div>\n</div>\n</form>\n",
	         r->dept->code, rd->id);
	expectation_free(&e);
	page_end(r);
}

static int ekstern_round(Req *r, const Round *rd, int status)
{
	if (str_eq(rd->kind, "ekstern"))
		return 1;
	http_error(r, status,
	           arena_printf(r->arena, _("Forventningsafstemningen hører til et eksternt tilsyn; »%s« er et tilsyn af "
	                                    "arten »%s«."),
	                        rd->title, round_kind_title(rd->kind)));
	return 0;
}

void page_external_expectation(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd) && ekstern_round(r, &rd, 404))
		expectation_page(r, &rd);
}

void page_external_expectation_post(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd) || !ekstern_round(r, &rd, 400))
		return;
	const char *values[EXPECTATION_FIELDS];
	for (int i = 0; i < EXPECTATION_FIELDS; i++)
		values[i] = req_form(r, expectation_fields[i]);
	char msg[512];
	if (expectation_check(values, msg, sizeof msg) != 0) {
		flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/expectation", r->dept->code, (long long)rd.id), NULL, msg);
		return;
	}
	if (!req_begin(r))
		return;
	ReviewBy by = req_by(r);
	if (expectation_save(r->db, &rd, values, &by, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/expectation", r->dept->code, (long long)rd.id), NULL, msg);
		return;
	}
	if (!req_commit(r, _("Forventningsafstemningen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld/expectation?saved=1", r->dept->code, (long long)rd.id));
}

/* ---- invitations ---- */

void page_external_invite(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	if (!department_workgroup(r)) {
		refuse(r, _("Kun afdelingens leder og faglige koordinator kan invitere eksterne konsulenter."));
		return;
	}
	int64_t user_id;
	if (!parse_int64(req_form(r, "user"), &user_id)) {
		problem_page(r, &rd, _("Vælg den eksterne konsulent, der skal inviteres."));
		return;
	}
	char msg[512];
	ReviewBy by = req_by(r);
	if (!req_begin(r))
		return;
	int rc = external_invite(r->db, &rd, user_id, &by, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(r->db);
		problem_page(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Invitationen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?invited=%d#ekstern", r->dept->code, (long long)rd.id,
	                              rc == 0));
}

void page_external_uninvite(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	if (!department_workgroup(r)) {
		refuse(r, _("Kun afdelingens leder og faglige koordinator kan trække en invitation tilbage."));
		return;
	}
	int64_t user_id, left;
	if (!parse_int64(req_capture(r, "user"), &user_id) || user_id <= 0) {
		http_error(r, 404, _("Brugeren findes ikke."));
		return;
	}
	char msg[512];
	ReviewBy by = req_by(r);
	if (!req_begin(r))
		return;
	int rc = external_uninvite(r->db, &rd, user_id, &by, &left, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		if (rc < 0)
			problem_page(r, &rd, msg);
		else
			http_error(r, 404, _("Brugeren er ikke inviteret til dette tilsyn."));
		return;
	}
	if (!req_commit(r, _("Invitationen kunne ikke fjernes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?uninvited=%lld#ekstern", r->dept->code, (long long)rd.id,
	                              (long long)left));
}
