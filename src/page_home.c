/*
** The front page (each person's starting point), the static files compiled into the
** binary, and a minimal health check for monitoring and as the benchmark's ceiling.
*/
#include "http.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Acute concerns raised in the review of cases in departments this person leads: they
** cannot wait for the report, so they come first. Each one shown is audited (it is
** case-level data). */
static void acute_concerns(Req *r)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, d.id, rd.id, rd.title, c.id, c.case_no, coalesce(rc.acute_note, ''), coalesce(u.name, ''),"
	           " coalesce(rc.acute_at, '') FROM round_case rc JOIN round rd ON rd.id = rc.round_id"
	           " JOIN department d ON d.id = rd.department_id JOIN cases c ON c.id = rc.case_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1 AND m.role = 'leder'"
	           " LEFT JOIN users u ON u.id = rc.acute_by WHERE rc.acute = 1 AND rc.status = 'udtrukket'"
	           " ORDER BY rc.acute_at DESC");
	db_bind_int(&q, 1, r->user->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<section class=\"acute\" aria-labelledby=\"acute-h\">\n<h2 id=\"acute-h\">Akut bekymring</h2>\n"
			            "<p>Markeret under gennemgangen, fordi det ikke kan vente til rapporten.</p>\n<ul>\n");
		char at[64];
		date_time_danish(db_col_text(&q, 8), at);
		html_fmt(b, "<li><a href=\"/d/%U/rounds/%I/cases/%I\">Sag %T</a> (%T): %T <span class=\"hint\">– markeret af %T "
		            "%T</span></li>\n",
		         db_col_text(&q, 0), db_col_int(&q, 2), db_col_int(&q, 4), db_col_text(&q, 5), db_col_text(&q, 3),
		         db_col_text(&q, 6), *db_col_text(&q, 7) ? db_col_text(&q, 7) : _("kommandolinjen"), at);
		req_audit_in(r, db_col_int(&q, 1), "review_acute_view",
		             arena_printf(r->arena, "case:%lld", (long long)db_col_int(&q, 4)),
		             arena_printf(r->arena, "tilsyn %lld: akut bekymring vist på forsiden",
		                          (long long)db_col_int(&q, 2)));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n</section>\n");
}

/* The cases this person is to review, in departments where they still have a role;
** those begun first, finished last. */
static void my_reviews(Req *r)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, rd.id, rd.title, c.id, c.case_no, rc.review_status FROM round_case rc"
	           " JOIN round rd ON rd.id = rc.round_id JOIN department d ON d.id = rd.department_id"
	           " JOIN cases c ON c.id = rc.case_id JOIN membership m ON m.department_id = d.id AND m.user_id = ?1"
	           " WHERE rc.reviewer_id = ?1 AND rc.status = 'udtrukket' AND rd.phase <> 'afsluttet'"
	           " ORDER BY CASE rc.review_status WHEN 'i_gang' THEN 0 WHEN 'ikke_startet' THEN 1 ELSE 2 END, rd.id, c.case_no");
	db_bind_int(&q, 1, r->user->id);
	int n = 0, left = 0;
	Buf rows;
	buf_init(&rows, 0);
	while (db_step(&q)) {
		n++;
		int answered = 0, relevant = 0;
		review_counts(r->db, db_col_int(&q, 1), db_col_int(&q, 3), &answered, &relevant);
		const char *status = db_col_text(&q, 5);
		left += !str_eq(status, "faerdig");
		html_fmt(&rows, "<tr><td><a href=\"/d/%U/rounds/%I/cases/%I\">%T</a></td><td>%T</td><td>",
		         db_col_text(&q, 0), db_col_int(&q, 1), db_col_int(&q, 3), db_col_text(&q, 4), db_col_text(&q, 2));
		if (str_eq(status, "faerdig"))
			html_tag(&rows, "done", _("færdig"));
		else if (str_eq(status, "i_gang"))
			html_tag(&rows, "doing", _("i gang"));
		else
			html_tag(&rows, "todo", _("ikke startet"));
		html_fmt(&rows, "</td><td class=\"num\">%d af %d</td></tr>\n", answered, relevant);
	}
	db_finalize(&q);
	if (n) {
		html_fmt(b, "<h2>Mine sager til gennemgang</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
		            "aria-label=\"Mine sager til gennemgang\"><table>\n<caption>%d sager, %d mangler</caption>\n<thead><tr>"
		            "<th scope=\"col\">Sag</th><th scope=\"col\">Tilsyn</th><th scope=\"col\">Status</th>"
		            "<th scope=\"col\" class=\"num\">Besvaret</th></tr></thead>\n<tbody>\n",
		         n, left);
		buf_append(b, rows.data, rows.len);
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	buf_free(&rows);
}

/* The cases this person is to review a second time (calibration), unfinished first. */
static void my_calibrations(Req *r)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, rd.id, rd.title, c.id, c.case_no, k.status FROM calibration_case k"
	           " JOIN round_case rc ON rc.round_id = k.round_id AND rc.case_id = k.case_id"
	           " JOIN round rd ON rd.id = k.round_id JOIN department d ON d.id = rd.department_id"
	           " JOIN cases c ON c.id = k.case_id JOIN membership m ON m.department_id = d.id AND m.user_id = ?1"
	           " WHERE k.reviewer_id = ?1 AND rc.status = 'udtrukket' AND rd.phase <> 'afsluttet'"
	           " ORDER BY k.status = 'faerdig', rd.id, c.case_no");
	db_bind_int(&q, 1, r->user->id);
	int n = 0, left = 0;
	Buf rows;
	buf_init(&rows, 0);
	while (db_step(&q)) {
		n++;
		const char *status = db_col_text(&q, 5);
		left += !str_eq(status, "faerdig");
		html_fmt(&rows, "<tr><td><a href=\"/d/%U/rounds/%I/calibration/%I\">%T</a></td><td>%T</td><td>%T</td></tr>\n",
		         db_col_text(&q, 0), db_col_int(&q, 1), db_col_int(&q, 3), db_col_text(&q, 4), db_col_text(&q, 2),
		         str_eq(status, "faerdig") ? _("færdig") : str_eq(status, "i_gang") ? _("i gang") : _("ikke startet"));
	}
	db_finalize(&q);
	if (n) {
		html_fmt(b, "<h2>Mine kalibreringssager</h2>\n<p class=\"hint\">Sager, du gennemgår anden gang, uden at se den "
		            "første gennemgang.</p>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
		            "aria-label=\"Mine kalibreringssager\"><table>\n<caption>%d sager, %d mangler</caption>\n<thead><tr>"
		            "<th scope=\"col\">Sag</th><th scope=\"col\">Tilsyn</th><th scope=\"col\">Status</th></tr></thead>\n"
		            "<tbody>\n",
		         n, left);
		buf_append(b, rows.data, rows.len);
		html_lit(b, "</tbody>\n</table></div>\n");
	}
	buf_free(&rows);
}

/* ---- the follow-up: actions, feedback and meetings ---- */

#define MEETINGS_SOON_DAYS 14

/* The last day (yyyy-mm-dd) of "soon": today + days, counted by dates.c. */
static const char *soon_until(Req *r, const char *today, long days)
{
	char until[11];
	if (!date_add_days(today, days, until))
		fatal("page_home: today %s + %ld days is no date", today, days);
	return arena_strdup(r->arena, until);
}

/* Open actions this person is responsible for whose due date has passed or comes within
** ACTION_DUE_SOON_DAYS, soonest first. */
static void my_actions(Req *r, const char *today)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, a.id, a.title, a.due, a.status FROM action_item a JOIN department d ON d.id = a.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1"
	           " WHERE a.owner_id = ?1 AND a.status NOT IN ('gennemfoert', 'opgivet') AND a.due IS NOT NULL"
	           " AND a.due <= ?2 ORDER BY a.due, a.id");
	db_bind_int(&q, 1, r->user->id);
	db_bind_text(&q, 2, soon_until(r, today, ACTION_DUE_SOON_DAYS));
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<h2 id=\"my-actions\">Mine tiltag med frist</h2>\n<ul>\n");
		const char *due = db_col_text(&q, 3);
		html_fmt(b, "<li><a href=\"/d/%U/actions/%I\">%T</a>: frist %T", db_col_text(&q, 0), db_col_int(&q, 1),
		         db_col_text(&q, 2), date_text_in(r->arena, due));
		if (action_overdue(due, db_col_text(&q, 4), today))
			html_lit(b, " <strong class=\"late\">fristen er overskredet</strong>");
		html_lit(b, "</li>\n");
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
}

/* For a leder: the department's overdue actions that someone else is responsible for. */
static void department_overdue_actions(Req *r, const char *today)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, d.name, a.id, a.title, a.due, coalesce(u.name, '') FROM action_item a"
	           " JOIN department d ON d.id = a.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1 AND m.role = 'leder'"
	           " LEFT JOIN users u ON u.id = a.owner_id"
	           " WHERE a.owner_id IS DISTINCT FROM ?1 AND a.status NOT IN ('gennemfoert', 'opgivet') AND a.due < ?2"
	           " ORDER BY d.name, a.due, a.id");
	db_bind_int(&q, 1, r->user->id);
	db_bind_text(&q, 2, today);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<h2 id=\"late-actions\">Tiltag med overskredet frist</h2>\n<ul>\n");
		html_fmt(b, "<li><a href=\"/d/%U/actions/%I\">%T</a> (%T): frist %T, ansvarlig %T</li>\n", db_col_text(&q, 0),
		         db_col_int(&q, 2), db_col_text(&q, 3), db_col_text(&q, 1), date_text_in(r->arena, db_col_text(&q, 4)),
		         *db_col_text(&q, 5) ? db_col_text(&q, 5) : _("ingen"));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
}

/* One meeting in a front-page list: its date (and time) and what it is, linked to the
** meeting, with the tilsyn it belongs to as a hint. */
static void meeting_item(Req *r, const char *dept, int64_t id, const char *date, const char *time, const char *what,
                         const char *round_title)
{
	Buf *b = &r->out;
	html_fmt(b, "<li><a href=\"/d/%U/meetings/%I\">%T: %T</a>", dept, id, date_local_in(r->arena, date, time), what);
	if (*round_title)
		html_fmt(b, " <span class=\"hint\">(%T)</span>", round_title);
	html_lit(b, "</li>\n");
}

/* Planned individual feedback in the user's departments: to give (own 0: where the user is
** leder or koordinator) or to receive (own 1: the user's own, by the stable key, ident_owns).
** Opens the list under its heading at the first; returns how many it listed. */
static int individual_feedback(Req *r, int own)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, mt.id, mt.date, coalesce(mt.time, ''), mt.advisor, coalesce(rd.title, ''), d.id, m.role"
	           " FROM meeting mt JOIN department d ON d.id = mt.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1"
	           " LEFT JOIN round rd ON rd.id = mt.round_id"
	           " WHERE mt.kind = 'individuel' AND mt.status = 'planlagt' ORDER BY mt.date, mt.time, mt.id");
	db_bind_int(&q, 1, r->user->id);
	int n = 0;
	while (db_step(&q)) {
		Role role = role_parse(db_col_text(&q, 7));
		if (own ? role == ROLE_EKSTERN || !ident_owns(r->db, db_col_int(&q, 6), db_col_text(&q, 4), r->user->id)
		        : role != ROLE_LEDER && role != ROLE_KOORDINATOR)
			continue;
		if (n++ == 0 && own)
			html_lit(b, "<h2 id=\"feedback-receive\">Din tilbagemelding</h2>\n<ul>\n");
		else if (n == 1)
			html_lit(b, "<h2 id=\"feedback-give\">Tilbagemelding at give</h2>\n<ul>\n");
		meeting_item(r, db_col_text(&q, 0), db_col_int(&q, 1), db_col_text(&q, 2), db_col_text(&q, 3),
		             own ? _("individuel tilbagemelding på dine sager")
		                 : arena_printf(r->arena, "individuel tilbagemelding til %s", db_col_text(&q, 4)),
		             db_col_text(&q, 5));
	}
	db_finalize(&q);
	return n;
}

/* For leder and koordinator: planned individual feedback, and tilsyn in the feedback phase
** where caseworkers have not had theirs. */
static void feedback_to_give(Req *r)
{
	Buf *b = &r->out;
	Stmt q;
	int n = individual_feedback(r, 0);
	db_prepare(&q, r->db,
	           "SELECT d.code, rd.id, rd.title FROM round rd JOIN department d ON d.id = rd.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1 AND m.role IN ('leder', 'koordinator')"
	           " WHERE rd.phase = 'tilbagemelding' ORDER BY rd.id");
	db_bind_int(&q, 1, r->user->id);
	while (db_step(&q)) {
		FeedbackRow *rows;
		int k = meeting_feedback(r->db, db_col_int(&q, 1), &rows), missing = 0, planned = 0;
		for (int i = 0; i < k; i++) {
			missing += !rows[i].meeting_id;
			planned += str_eq(rows[i].status, "planlagt");
		}
		meeting_feedback_free(rows, k);
		if (!missing)
			continue;
		if (n++ == 0)
			html_lit(b, "<h2 id=\"feedback-give\">Tilbagemelding at give</h2>\n<ul>\n");
		html_fmt(b, "<li><a href=\"/d/%U/meetings?round=%I#feedback\">%T: %d af %d rådgivere mangler en individuel "
		            "tilbagemelding</a>",
		         db_col_text(&q, 0), db_col_int(&q, 1), db_col_text(&q, 2), missing, k);
		if (planned)
			html_fmt(b, " <span class=\"hint\">(%d planlagt)</span>", planned);
		html_lit(b, "</li>\n");
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
}

/* This person's own individual feedback that is planned, by the stable key (ident_owns). */
static void feedback_to_receive(Req *r)
{
	if (individual_feedback(r, 1))
		html_lit(&r->out, "</ul>\n");
}

/* Planned meetings in the coming two weeks that this person may see (meeting_visible; outside
** reviewers find theirs on their tilsyn's pages); individual feedback is listed above. */
static void upcoming_meetings(Req *r, const char *today)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, mt.id, mt.date, coalesce(mt.time, ''), mt.kind, m.role, coalesce(rd.title, '')"
	           " FROM meeting mt JOIN department d ON d.id = mt.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1 AND m.role <> 'ekstern'"
	           " LEFT JOIN round rd ON rd.id = mt.round_id"
	           " WHERE mt.kind <> 'individuel' AND mt.status = 'planlagt' AND mt.date >= ?2"
	           " AND mt.date <= ?3"
	           " ORDER BY mt.date, mt.time, mt.id");
	db_bind_int(&q, 1, r->user->id);
	db_bind_text(&q, 2, today);
	db_bind_text(&q, 3, soon_until(r, today, MEETINGS_SOON_DAYS));
	int n = 0;
	while (db_step(&q)) {
		const char *kind = db_col_text(&q, 4);
		if (!meeting_visible(role_parse(db_col_text(&q, 5)), kind, "", r->user->name, 0))
			continue;
		if (n++ == 0)
			html_lit(b, "<h2 id=\"meetings-soon\">Møder de næste 14 dage</h2>\n<ul>\n");
		meeting_item(r, db_col_text(&q, 0), db_col_int(&q, 1), db_col_text(&q, 2), db_col_text(&q, 3),
		             meeting_kind_title(kind), db_col_text(&q, 6));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
}

void page_home(Req *r)
{
	Buf *b = &r->out;
	page_begin(r, _("Forside"));
	html_fmt(b, "<h1>Goddag, %T</h1>\n", r->user->name);
	acute_concerns(r);
	retention_home_notice(r);
	my_reviews(r);
	page_report_my_feedback(r);
	my_calibrations(r);
	char today[11];
	date_today(today);
	feedback_to_give(r);
	feedback_to_receive(r);
	my_actions(r, today);
	department_overdue_actions(r, today);
	upcoming_meetings(r, today);
	plan_home_warnings(r);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, d.name, d.area, m.role FROM membership m JOIN department d ON d.id = m.department_id"
	           " WHERE m.user_id = ?1 ORDER BY d.name");
	db_bind_int(&q, 1, r->user->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<h2>Dine afdelinger</h2>\n<ul class=\"cards\">\n");
		html_fmt(b, "<li><a href=\"/d/%U\">%T</a><span>%T · %T</span></li>\n", db_col_text(&q, 0),
		         db_col_text(&q, 1), str_eq(db_col_text(&q, 2), "barn") ? _("børn og unge") : _("voksne"),
		         role_title(role_parse(db_col_text(&q, 3))));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</ul>\n");
	else if (!r->user->is_admin)
		html_lit(b, "<p>Du er ikke knyttet til en afdeling endnu. Bed din leder eller administratoren om "
		            "at give dig en rolle.</p>\n");
	if (r->user->is_admin) {
		int64_t departments = 0, users = 0;
		db_prepare(&q, r->db, "SELECT (SELECT count(*) FROM department), (SELECT count(*) FROM users WHERE active = 1)");
		if (db_step(&q))
			departments = db_col_int(&q, 0), users = db_col_int(&q, 1);
		db_finalize(&q);
		html_fmt(b,
		         "<h2>Administration</h2>\n<ul class=\"cards\">\n"
		         "<li><a href=\"/admin/departments\">Afdelinger</a><span>%I oprettet</span></li>\n"
		         "<li><a href=\"/admin/users\">Brugere</a><span>%I aktive</span></li>\n</ul>\n",
		         departments, users);
	}
	page_end(r);
}

static const char *mime_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".woff2"))
		return "font/woff2";
	return "application/octet-stream";
}

/* If-None-Match compares weakly (RFC 9110, 13.1.2): "*" or any tag in the list, with or
** without W/ (a compressing proxy in front makes our tags weak), that equals ours. */
static int etag_matches(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	for (const char *p = header; *p;) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == 0 || strchr(" \t,", p[n])))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

void page_static(Req *r)
{
	const char *file = req_capture(r, "file");
	const EmbeddedFile *f = strchr(file, '/') ? NULL : embedded_find(arena_printf(r->arena, "static/%s", file));
	if (!f) {
		http_error(r, 404, _("Filen findes ikke."));
		return;
	}
	unsigned char h[16];
	char etag[40];
	crypto_generichash(h, sizeof h, f->data, f->size, NULL, 0);
	etag[0] = '"';
	hex_encode(etag + 1, h, sizeof h);
	strcat(etag, "\"");
	r->cacheable = 1;
	http_header(r, "ETag", etag);
	http_header(r, "Cache-Control", "public, max-age=3600");
	const char *inm = req_header(r, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		r->status = 304;
		return;
	}
	r->content_type = mime_type(file);
	buf_append(&r->out, f->data, f->size);
}

void page_health(Req *r)
{
	http_text(r, 200, "ok\n");
}

/* A bug on purpose, so tests can see that a bug in one request gives a 500 page and leaves
** the server running. It exists only when the server was started with TILSYN_TEST_FAULTS=1. */
void page_test_fault(Req *r)
{
	if (!str_eq(getenv("TILSYN_TEST_FAULTS"), "1")) {
		http_error(r, 404, _("Siden findes ikke. Måske er adressen skrevet forkert, eller siden er flyttet."));
		return;
	}
	fatal("injected fault for a test (TILSYN_TEST_FAULTS=1)");
}
