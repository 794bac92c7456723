/*
** Meeting pages: the department's meetings (upcoming and held), a form to plan one, each
** meeting's page with its minutes, and, for one tilsyn, which caseworkers have had their
** individual feedback with a button to plan it for those who have not. The working group
** (leder, koordinator) plans and edits; a caseworker sees the meetings for the whole staff
** and their own individual feedback (meeting_visible); other meetings are refused with 403,
** and the refusal logged. Outside reviewers never get here: the router keeps them to the
** pages of the tilsyn they are invited to (http.c).
*/
#include "http.h"

#include <string.h>

/* The fields of the meeting form, as strings: from a meeting, the address or a posted form. */
typedef struct Fields {
	const char *kind, *date, *time, *status, *round, *advisor, *participants, *minutes;
} Fields;

static int workgroup(Req *r)
{
	return auth_allows(PERM_DEPT_WORKGROUP, 0, r->role);
}

static void deny(Req *r, const char *object, const char *why)
{
	req_audit(r, "access_denied", object, arena_printf(r->arena, "%s %s: %s", r->method, r->path, why));
	http_error(r, 403, why);
}

static void audit_meeting(Req *r, int64_t id, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "meeting:%lld", (long long)id), detail);
}

/* The round named by ?round= (or "" for none); 0 with a 404 page when it is not the department's. */
static int round_from_query(Req *r, int64_t *id, Round *rd)
{
	const char *s = req_query(r, "round");
	*id = 0;
	if (str_empty(s))
		return 1;
	if (!parse_int64(s, id) || !round_by_id(r->db, *id, rd) || rd->department_id != r->dept->id) {
		http_error(r, 404, _("Tilsynet findes ikke i denne afdeling."));
		return 0;
	}
	return 1;
}

/* The form field a message of meeting_check is about: the message begins with its label. */
static const char *field_of(const char *msg)
{
	static const struct {
		const char *label, *field;
	} labels[] = {{"Art:", "kind"},        {"Dato:", "date"},         {"Tidspunkt:", "time"},
	              {"Status:", "status"},   {"Tilsyn:", "round"},      {"Rådgiver:", "advisor"},
	              {"Deltagere:", "participants"}, {"Referat:", "minutes"}};
	for (size_t i = 0; i < COUNT(labels); i++)
		if (strncmp(msg, labels[i].label, strlen(labels[i].label)) == 0)
			return labels[i].field;
	return NULL;
}

/* A label, the field's message after a failed post, and the start of its control (the caller ends the tag). */
static void field_start(Req *r, const Flash *fl, const char *name, const char *label, const char *control)
{
	html_fmt(&r->out, "<label for=\"%A\">%T</label>\n", name, label);
	flash_field_error(r, fl, name);
	html_fmt(&r->out, "<%A id=\"%A\" name=\"%A\"", control, name, name);
	flash_field_attrs(r, fl, name);
}

/* The caseworkers to choose from for an individual feedback: the chosen round's, else every
** round's, grouped by round. The name as it stands in the case list is the value. */
static void advisor_options(Req *r, const Fields *f)
{
	Buf *b = &r->out;
	html_option(b, "", _("Ingen (kun ved individuel tilbagemelding)"), str_empty(f->advisor));
	int64_t chosen = 0;
	if (!str_empty(f->round))
		parse_int64(f->round, &chosen);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, title FROM round WHERE department_id = ?1 AND (?2 = 0 OR id = ?2)"
	           " ORDER BY coalesce(planned_start, substr(created_at, 1, 10)) DESC, id DESC");
	db_bind_int(&q, 1, r->dept->id);
	db_bind_int(&q, 2, chosen);
	int found = 0;
	while (db_step(&q)) {
		char **names;
		int n = meeting_advisors(r->db, r->dept->id, db_col_int(&q, 0), &names);
		if (n) {
			html_fmt(b, "<optgroup label=\"%A\">", db_col_text(&q, 1));
			for (int i = 0; i < n; i++) {
				int sel = !found && !str_empty(f->advisor) && ident_same_person(names[i], f->advisor);
				found |= sel;
				html_option(b, names[i], names[i], sel);
			}
			html_lit(b, "</optgroup>");
		}
		results_names_free(names, n);
	}
	db_finalize(&q);
	/* A stored name no round has any more stays choosable, so an edit does not lose it. */
	if (!found && !str_empty(f->advisor))
		html_option(b, f->advisor, f->advisor, 1);
}

/* The form to plan or change a meeting; every field keeps what was written (after a failed
** post: what flash.c carried over). */
static void meeting_form(Req *r, const Flash *fl, const char *action, const Fields *f, const char *button)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	page_form_begin(r, action);
	html_lit(b, "<div class=\"stack\">\n");
	field_start(r, fl, "kind", _("Art"), "select");
	html_lit(b, ">");
	for (int i = 0; meeting_kind_code(i); i++)
		html_option(b, meeting_kind_code(i), meeting_kind_title(meeting_kind_code(i)),
		            str_eq(f->kind, meeting_kind_code(i)));
	html_lit(b, "</select>\n");
	field_start(r, fl, "date", _("Dato"), "input");
	html_fmt(b, " type=\"date\" required value=\"%A\">\n", f->date ? f->date : "");
	field_start(r, fl, "time", _("Tidspunkt (valgfrit)"), "input");
	html_fmt(b, " type=\"time\" value=\"%A\">\n", f->time ? f->time : "");
	field_start(r, fl, "status", _("Status"), "select");
	html_lit(b, ">");
	static const char *const statuses[] = {"planlagt", "afholdt", "aflyst"};
	for (size_t i = 0; i < COUNT(statuses); i++)
		html_option(b, statuses[i], meeting_status_title(statuses[i]),
		            str_eq(f->status, statuses[i]) || (i == 0 && str_empty(f->status)));
	html_lit(b, "</select>\n");
	field_start(r, fl, "round", _("Tilsyn"), "select");
	html_lit(b, ">");
	html_option(b, "", _("Intet bestemt tilsyn"), str_empty(f->round));
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, title FROM round WHERE department_id = ?1"
	           " ORDER BY coalesce(planned_start, substr(created_at, 1, 10)) DESC, id DESC");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q)) {
		char *id = arena_printf(r->arena, "%lld", (long long)db_col_int(&q, 0));
		html_option(b, id, db_col_text(&q, 1), str_eq(f->round, id));
	}
	db_finalize(&q);
	html_lit(b, "</select>\n");
	field_start(r, fl, "advisor", _("Rådgiver (kun ved individuel tilbagemelding)"), "select");
	html_lit(b, ">");
	advisor_options(r, f);
	html_lit(b, "</select>\n<p class=\"hint\">Rådgiverne med sager i tilsynets stikprøve.</p>\n");
	field_start(r, fl, "participants", _("Deltagere"), "textarea");
	html_fmt(b, " rows=\"2\" maxlength=\"%d\">\n%T</textarea>\n", MEETING_PARTICIPANTS_MAX,
	         f->participants ? f->participants : "");
	field_start(r, fl, "minutes", _("Kort referat"), "textarea");
	html_fmt(b, " rows=\"6\" maxlength=\"%d\">\n%T</textarea>\n"
	            "<p class=\"hint\" id=\"minutes-hint\">Ved informationsmøder og tilbagemelding til personalet må hverken "
	            "deltagere eller referat nævne sagsnumre: hele personalet hører det. CPR-numre må aldrig skrives.</p>\n"
	            "<button type=\"submit\">%T</button>\n</div>\n</form>\n",
	         MEETING_MINUTES_MAX, f->minutes ? f->minutes : "", button);
}

/* The fields as a failed post left them, else as given. */
static Fields flashed(const Flash *fl, const Fields *f)
{
	return (Fields){.kind = flash_value(fl, "kind", f->kind), .date = flash_value(fl, "date", f->date),
	                .time = flash_value(fl, "time", f->time), .status = flash_value(fl, "status", f->status),
	                .round = flash_value(fl, "round", f->round), .advisor = flash_value(fl, "advisor", f->advisor),
	                .participants = flash_value(fl, "participants", f->participants),
	                .minutes = flash_value(fl, "minutes", f->minutes)};
}

/* ---- the list, with the individual feedback of one tilsyn ---- */

static void feedback_section(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	FeedbackRow *rows;
	int n = meeting_feedback(r->db, rd->id, &rows), given = 0, planned = 0;
	for (int i = 0; i < n; i++) {
		given += str_eq(rows[i].status, "afholdt");
		planned += str_eq(rows[i].status, "planlagt");
	}
	html_fmt(b, "<h2 id=\"feedback\">Individuel tilbagemelding</h2>\n<p>Hver rådgiver med sager i stikprøven skal have "
	            "en tilbagemelding på sine egne sager.</p>\n");
	if (n == 0) {
		html_lit(b, "<p>Tilsynet har ingen udtrukne sager endnu.</p>\n");
		meeting_feedback_free(rows, n);
		return;
	}
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Individuel tilbagemelding\"><table>\n"
	            "<caption>%d af %d rådgivere har fået tilbagemelding, %d er planlagt, %d mangler</caption>\n<thead><tr>"
	            "<th scope=\"col\">Rådgiver</th><th scope=\"col\">Tilbagemelding</th><th scope=\"col\">Dato</th>"
	            "<th scope=\"col\">Handling</th></tr></thead>\n<tbody>\n",
	         given, n, planned, n - given - planned);
	for (int i = 0; i < n; i++) {
		const FeedbackRow *x = &rows[i];
		html_fmt(b, "<tr><th scope=\"row\">%T</th>", x->advisor);
		if (x->meeting_id) {
			/* The tag is the link's text, so the status still leads to the meeting. */
			html_fmt(b, "<td><a href=\"/d/%U/meetings/%I\">", d->code, x->meeting_id);
			html_tag(b, str_eq(x->status, "afholdt") ? "done" : "doing",
			         str_eq(x->status, "afholdt") ? _("givet") : _("planlagt"));
			html_fmt(b, "</a></td><td>%T</td><td></td>", date_local_in(r->arena, x->date, x->time));
		} else {
			html_lit(b, "<td>");
			html_tag(b, "warn", _("mangler"));
			html_fmt(b, "</td><td>–</td><td><a class=\"button secondary\" "
			            "href=\"/d/%U/meetings/new?round=%I&amp;kind=individuel&amp;advisor=%U\">Planlæg<span class=\"sr\"> "
			            "tilbagemelding til %T</span></a></td>",
			         d->code, rd->id, x->advisor, x->advisor);
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	meeting_feedback_free(rows, n);
}

/* A meeting's status as a tag; a planned meeting whose day has passed gets a second tag
** that says so (today: yyyy-mm-dd, NULL not to check). */
static void status_tag(Req *r, const char *status, const char *date, const char *today)
{
	html_tag(&r->out, str_eq(status, "afholdt") ? "done" : str_eq(status, "aflyst") ? "todo" : "doing",
	         meeting_status_title(status));
	if (today && str_eq(status, "planlagt") && strcmp(date, today) < 0) {
		html_lit(&r->out, " ");
		html_tag(&r->out, "warn", _("datoen er passeret"));
	}
}

/* One table of the meetings the viewer may see; returns how many it showed. */
static int meeting_table(Req *r, int64_t round_id, int held, const char *caption, const char *today)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	Stmt q;
	/* held = 0: planned, soonest first; held = 1: held or cancelled, newest first. */
	db_prepare(&q, r->db,
	           "SELECT m.id, m.kind, m.date, coalesce(m.time, ''), m.status, coalesce(m.advisor, ''), coalesce(rd.title, '')"
	           " FROM meeting m LEFT JOIN round rd ON rd.id = m.round_id"
	           " WHERE m.department_id = ?1 AND (?2 = 0 OR m.round_id = ?2) AND (m.status <> 'planlagt') = ?3"
	           " ORDER BY CASE WHEN ?3 THEN '' ELSE m.date || coalesce(m.time, '') END,"
	           " m.date || coalesce(m.time, '') DESC, m.id");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, round_id);
	db_bind_int(&q, 3, held);
	int n = 0;
	while (db_step(&q)) {
		const char *kind = db_col_text(&q, 1), *advisor = db_col_text(&q, 5);
		if (!meeting_visible_to(r->db, d->id, r->user, r->role, kind, advisor, 0))
			continue;
		if (n++ == 0)
			html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table>\n"
			            "<caption>%T</caption>\n<thead><tr><th scope=\"col\">Dato</th><th scope=\"col\">Møde</th>"
			            "<th scope=\"col\">Tilsyn</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
			         caption, caption);
		const char *date = db_col_text(&q, 2), *status = db_col_text(&q, 4);
		html_fmt(b, "<tr><td class=\"nowrap\">%T</td><td><a href=\"/d/%U/meetings/%I\">%T</a>%T%T</td><td>%T</td><td>",
		         date_local_in(r->arena, date, db_col_text(&q, 3)), d->code, db_col_int(&q, 0),
		         meeting_kind_title(kind), *advisor ? ": " : "", advisor, db_col_text(&q, 6));
		status_tag(r, status, date, today);
		html_lit(b, "</td></tr>\n");
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table></div>\n");
	return n;
}

void page_meeting_list(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	int64_t round_id;
	Round rd;
	if (!round_from_query(r, &round_id, &rd))
		return;
	page_begin(r, _("Møder og tilbagemelding"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Møder</p>\n<h1>Møder og tilbagemelding</h1>\n", d->code,
	         d->name);
	if (workgroup(r)) {
		html_lit(b, "<p class=\"lead\">Informationsmøde før gennemgangen, stop-op-møder undervejs, tilbagemelding til "
		            "ledelsen, til personalet og til hver rådgiver.</p>\n");
		if (round_id)
			html_fmt(b, "<p><a class=\"button\" href=\"/d/%U/meetings/new?round=%I\">Planlæg et møde</a></p>\n", d->code,
			         round_id);
		else
			html_fmt(b, "<p><a class=\"button\" href=\"/d/%U/meetings/new\">Planlæg et møde</a></p>\n", d->code);
	}
	html_fmt(b, "<form method=\"get\" action=\"/d/%U/meetings\" class=\"filters\"><div><label for=\"round-filter\">"
	            "Tilsyn</label><select id=\"round-filter\" name=\"round\">",
	         d->code);
	html_option(b, "", _("Alle møder"), round_id == 0);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, title FROM round WHERE department_id = ?1"
	           " ORDER BY coalesce(planned_start, substr(created_at, 1, 10)) DESC, id DESC");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q))
		html_option(b, arena_printf(r->arena, "%lld", (long long)db_col_int(&q, 0)), db_col_text(&q, 1),
		            db_col_int(&q, 0) == round_id);
	db_finalize(&q);
	html_lit(b, "</select></div><div class=\"actions\"><button type=\"submit\">Vis</button></div></form>\n");
	if (round_id && workgroup(r)) {
		html_fmt(b, "<p>Møder i tilsynet <a href=\"/d/%U/rounds/%I\">%T</a>.</p>\n", d->code, round_id, rd.title);
		feedback_section(r, &rd);
	}
	char today[11];
	date_today(today);
	html_lit(b, "<h2>Planlagte møder</h2>\n");
	if (!meeting_table(r, round_id, 0, _("Planlagte møder, de første først"), today))
		html_lit(b, "<p>Ingen planlagte møder.</p>\n");
	html_lit(b, "<h2>Afholdte og aflyste møder</h2>\n");
	if (!meeting_table(r, round_id, 1, _("Afholdte og aflyste møder, de nyeste først"), today))
		html_lit(b, "<p>Ingen endnu.</p>\n");
	page_end(r);
}

/* ---- planning a meeting ---- */

static void new_page(Req *r, const Fields *given)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *fl = flash_take(r);
	Fields f = flashed(fl, given);
	page_begin(r, _("Planlæg et møde"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/meetings\">Møder</a> › Planlæg</p>\n"
	            "<h1>Planlæg et møde</h1>\n",
	         d->code, d->name, d->code);
	flash_summary(r, fl);
	meeting_form(r, fl, arena_printf(r->arena, "/d/%s/meetings", d->code), &f, _("Gem mødet"));
	page_end(r);
}

void page_meeting_new(Req *r)
{
	Fields f = {.kind = req_query(r, "kind"), .round = req_query(r, "round"), .advisor = req_query(r, "advisor"),
	            .status = "planlagt"};
	if (!meeting_valid_kind(f.kind))
		f.kind = "information";
	new_page(r, &f);
}

/* The input of a posted form; the round is -1 when it is not a number (meeting_check refuses it). */
static MeetingInput posted_input(Req *r)
{
	MeetingInput in = {.kind = req_form(r, "kind"), .date = req_form(r, "date"), .time = req_form(r, "time"),
	                   .status = req_form(r, "status"), .advisor = req_form(r, "advisor"),
	                   .participants = req_form(r, "participants"), .minutes = req_form(r, "minutes")};
	const char *round = req_form(r, "round");
	if (!str_empty(round) && !parse_int64(round, &in.round_id))
		in.round_id = -1;
	return in;
}

void page_meeting_create(Req *r)
{
	MeetingInput in = posted_input(r);
	char msg[2048];
	int64_t id;
	if (!req_begin(r))
		return;
	if (meeting_add(r->db, r->dept, &in, r->user->id, &id, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/d/%s/meetings/new", r->dept->code), field_of(msg),
		           arena_strdup(r->arena, msg));
		return;
	}
	audit_meeting(r, id, "meeting_add", arena_printf(r->arena, "%s %s (%s)", in.kind, in.date, in.status));
	if (!req_commit(r, _("Mødet kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/meetings/%lld?saved=1", r->dept->code, (long long)id));
}

/* ---- one meeting ---- */

/* The meeting named by :id, of the department in the address; 0 with a 404 page when it is not. */
static int meeting_from_capture(Req *r, Meeting *m)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "id"), &id) || !meeting_by_id(r->db, id, m) || m->department_id != r->dept->id) {
		http_error(r, 404, _("Mødet findes ikke i denne afdeling."));
		return 0;
	}
	return 1;
}

static void show_page(Req *r, const Meeting *m, const Fields *stored)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *fl = flash_take(r);
	Fields edit = flashed(fl, stored);
	const char *title = arena_printf(r->arena, "%s %s", meeting_kind_title(m->kind), date_text_in(r->arena, m->date));
	page_begin(r, title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/meetings\">Møder</a> › %T</p>\n"
	            "<h1>%T</h1>\n",
	         d->code, d->name, d->code, meeting_kind_title(m->kind), title);
	flash_summary(r, fl);
	if (req_query(r, "saved"))
		page_message(r, "ok", _("Mødet er gemt."));
	html_fmt(b, "<dl class=\"facts\">\n<dt>Art</dt><dd>%T</dd>\n<dt>Dato</dt><dd>%T</dd>\n<dt>Status</dt><dd>",
	         meeting_kind_title(m->kind), date_local_in(r->arena, m->date, m->time));
	char today[11];
	date_today(today);
	status_tag(r, m->status, m->date, today);
	html_lit(b, "</dd>\n");
	if (*m->advisor)
		html_fmt(b, "<dt>Rådgiver</dt><dd>%T</dd>\n", m->advisor);
	if (m->round_id) {
		Round rd;
		if (round_by_id(r->db, m->round_id, &rd)) {
			if (workgroup(r))
				html_fmt(b, "<dt>Tilsyn</dt><dd><a href=\"/d/%U/meetings?round=%I\">%T</a></dd>\n", d->code, rd.id,
				         rd.title);
			else
				html_fmt(b, "<dt>Tilsyn</dt><dd>%T</dd>\n", rd.title);
		}
	}
	html_fmt(b, "<dt>Deltagere</dt><dd class=\"prewrap\">%T</dd>\n</dl>\n", *m->participants ? m->participants : "–");
	html_lit(b, "<h2>Referat</h2>\n");
	if (*m->minutes)
		html_fmt(b, "<p class=\"prewrap\">%T</p>\n", m->minutes);
	else
		html_lit(b, "<p>Intet referat endnu.</p>\n");
	if (workgroup(r)) {
		html_lit(b, "<h2>Ret mødet</h2>\n<p class=\"hint\">Når mødet er holdt: sæt status til afholdt, og skriv et kort "
		            "referat.</p>\n");
		meeting_form(r, fl, arena_printf(r->arena, "/d/%s/meetings/%lld", d->code, (long long)m->id), &edit,
		             _("Gem ændringer"));
	}
	page_end(r);
}

void page_meeting_show(Req *r)
{
	Meeting m;
	if (!meeting_from_capture(r, &m))
		return;
	const char *object = arena_printf(r->arena, "meeting:%lld", (long long)m.id);
	if (!meeting_visible_to(r->db, r->dept->id, r->user, r->role, m.kind, m.advisor, 0)) {
		deny(r, object, _("Du kan kun se møder for hele personalet og din egen individuelle tilbagemelding."));
		return;
	}
	char *round = m.round_id ? arena_printf(r->arena, "%lld", (long long)m.round_id) : "";
	Fields f = {.kind = m.kind, .date = m.date, .time = m.time, .status = m.status, .round = round,
	            .advisor = m.advisor, .participants = m.participants, .minutes = m.minutes};
	show_page(r, &m, &f);
	audit_meeting(r, m.id, "meeting_view", meeting_kind_title(m.kind));
}

void page_meeting_update(Req *r)
{
	Meeting m;
	if (!meeting_from_capture(r, &m))
		return;
	MeetingInput in = posted_input(r);
	char msg[2048];
	if (!req_begin(r))
		return;
	if (meeting_update(r->db, r->dept, m.id, &in, r->user->id, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/d/%s/meetings/%lld", r->dept->code, (long long)m.id), field_of(msg),
		           arena_strdup(r->arena, msg));
		return;
	}
	audit_meeting(r, m.id, "meeting_update", arena_printf(r->arena, "%s %s (%s)", in.kind, in.date, in.status));
	if (!req_commit(r, _("Mødet kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/meetings/%lld?saved=1", r->dept->code, (long long)m.id));
}
