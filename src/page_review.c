/*
** Review pages. For the working group: the round's progress per reviewer and per case, with
** assignment by hand and automatic. For the working group and the case's reviewer: the
** review of one case, every question of the round's catalogues grouped by catalogue and
** section, with guidance one keystroke away, the acute-concern and example-consent flags,
** "færdig", and (working group) the history of every change. The page works as one form
** with a "Gem svar" button; static/review.js adds saving as you go through the JSON
** endpoint page_review_answer, conditional questions that appear at once, and conflict
** resolution. A save never silently overwrites someone else's: each question carries the
** revision the page showed and a fingerprint of what it showed.
*/
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared lookups ---- */

typedef struct CaseInfo {
	int64_t id;
	char case_no[128], advisor[256], provision[128], benefit[128];
	int64_t reviewer_id;
	char reviewer[201], status[16], finished_at[32];
	int acute;
	char acute_note[1024], acute_by[201], acute_at[32];
	int consent;
	char consent_by[201], consent_at[32];
} CaseInfo;

static int in_workgroup(Req *r)
{
	return auth_allows(PERM_DEPT_WORKGROUP, 0, r->role);
}

static ReviewBy by_of(Req *r)
{
	return (ReviewBy){.user_id = r->user->id, .login = r->user->login, .ip = r->ip};
}

static void audit_case(Req *r, const char *action, int64_t case_id, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "case:%lld", (long long)case_id), detail);
}

static void json_reply(Req *r, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	buf_reset(&r->out);
	buf_puts(&r->out, s);
	buf_putc(&r->out, '\n');
	free(s);
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
}

static void json_error(Req *r, int status, const char *message)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("error"));
	json_object_set_new(o, "message", json_string(message));
	json_reply(r, status, o);
}

/* The round named by :round, which must belong to the department in the address. */
static int round_from_capture(Req *r, Round *out, int json)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "round"), &id) || !round_by_id(r->db, id, out) ||
	    out->department_id != r->dept->id) {
		if (json)
			json_error(r, 404, _("Tilsynet findes ikke i denne afdeling."));
		else
			http_error(r, 404, _("Tilsynet findes ikke i denne afdeling."));
		return 0;
	}
	return 1;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int case_load(Req *r, const Round *rd, int64_t case_id, CaseInfo *ci)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.case_no, c.advisor, coalesce(c.provision, ''), coalesce(c.benefit, ''),"
	           " coalesce(rc.reviewer_id, 0), coalesce(ru.name, ''), rc.review_status, coalesce(rc.finished_at, ''),"
	           " rc.acute, coalesce(rc.acute_note, ''), coalesce(au.name, ''), coalesce(rc.acute_at, ''),"
	           " rc.example_consent, coalesce(cu.name, ''), coalesce(rc.consent_at, '')"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id LEFT JOIN users ru ON ru.id = rc.reviewer_id"
	           " LEFT JOIN users au ON au.id = rc.acute_by LEFT JOIN users cu ON cu.id = rc.consent_by"
	           " WHERE rc.round_id = ?1 AND rc.case_id = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, rd->id);
	db_bind_int(&q, 2, case_id);
	int found = db_step(&q);
	if (found) {
		memset(ci, 0, sizeof *ci);
		ci->id = case_id;
		copy(ci->case_no, sizeof ci->case_no, db_col_text(&q, 0));
		copy(ci->advisor, sizeof ci->advisor, db_col_text(&q, 1));
		copy(ci->provision, sizeof ci->provision, db_col_text(&q, 2));
		copy(ci->benefit, sizeof ci->benefit, db_col_text(&q, 3));
		ci->reviewer_id = db_col_int(&q, 4);
		copy(ci->reviewer, sizeof ci->reviewer, db_col_text(&q, 5));
		copy(ci->status, sizeof ci->status, db_col_text(&q, 6));
		copy(ci->finished_at, sizeof ci->finished_at, db_col_text(&q, 7));
		ci->acute = (int)db_col_int(&q, 8);
		copy(ci->acute_note, sizeof ci->acute_note, db_col_text(&q, 9));
		copy(ci->acute_by, sizeof ci->acute_by, db_col_text(&q, 10));
		copy(ci->acute_at, sizeof ci->acute_at, db_col_text(&q, 11));
		ci->consent = (int)db_col_int(&q, 12);
		copy(ci->consent_by, sizeof ci->consent_by, db_col_text(&q, 13));
		copy(ci->consent_at, sizeof ci->consent_at, db_col_text(&q, 14));
	}
	db_finalize(&q);
	return found;
}

/*
** The round and the case named in the address, and whether this person may review it:
** the working group may, and so may the case's reviewer. Anyone else gets 403, and the
** attempt is audited. Returns 1 when the handler may go on.
*/
static int case_access(Req *r, Round *rd, CaseInfo *ci, int json)
{
	if (!round_from_capture(r, rd, json))
		return 0;
	int64_t case_id = 0;
	int found = parse_int64(req_capture(r, "case"), &case_id) && case_load(r, rd, case_id, ci);
	return page_review_admit(r, case_id, found, found && ci->reviewer_id == r->user->id, json,
	                         _("Sagen er ikke i dette tilsyns stikprøve."), "ikke gennemgående på sagen",
	                         _("Du har ikke adgang til denne sag. Kun den, der skal gennemgå sagen, og afdelingens leder "
	                           "og koordinator kan se gennemgangen. Forsøget er registreret."));
}

/*
** Whether this person may go on with a case of the round (found: it is one; theirs: they
** review it): the working group may, and so may the case's own reviewer (the first, or the
** calibration's second). The working group learns when the case is not there (404, `absent`);
** anyone else learns nothing, not even whether it is (403, `denied`), and the attempt is
** audited with `why`. json: the answers are JSON (the autosave). Returns 1 when it may go on.
*/
int page_review_admit(Req *r, int64_t case_id, int found, int theirs, int json, const char *absent, const char *why,
                      const char *denied)
{
	int workgroup = in_workgroup(r);
	if (found && (workgroup || theirs))
		return 1;
	int status = !found && workgroup ? 404 : 403;
	if (status == 403)
		req_audit(r, "access_denied", arena_printf(r->arena, "case:%lld", (long long)case_id),
		          arena_printf(r->arena, "%s %s: %s", r->method, r->path, why));
	if (json)
		json_error(r, status, status == 404 ? absent : denied);
	else
		http_error(r, status, status == 404 ? absent : denied);
	return 0;
}

/* ---- the progress page ---- */

static void progress_page(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	page_begin(r, arena_printf(r->arena, "Gennemgang: %s", rd->title));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	            "<a href=\"/d/%U/rounds/%I\">%T</a> › Gennemgang</p>\n<h1>Gennemgang: %T</h1>\n",
	         d->code, d->name, d->code, d->code, rd->id, rd->title, rd->title);
	int64_t n1, n2;
	if (flash_has(f))
		flash_summary(r, f);
	else if (req_query(r, "assigned"))
		page_message(r, "ok", _("Fordelingen er gemt."));
	else if (parse_int64(req_query(r, "auto"), &n1) && parse_int64(req_query(r, "left"), &n2)) {
		page_message(r, "ok", arena_printf(r->arena, _("%lld sager er fordelt automatisk."), (long long)n1));
		if (n2)
			page_message(r, "warn", arena_printf(r->arena, _("%lld sager kunne ikke fordeles, fordi den eneste valgte er "
			                                                 "rådgiver på dem selv. Vælg flere, eller fordel dem i hånden."),
			                                     (long long)n2));
	}

	/* The department's people who may review, for the choices below: external reviewers
	** only when invited to this round (review_reviewer_ok). */
	typedef struct Person {
		int64_t id;
		const char *name, *role;
	} Person;
	Person people[200];
	int npeople = 0;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.id, u.name, m.role FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND u.active = 1 AND (m.role <> 'ekstern' OR EXISTS"
	           " (SELECT 1 FROM round_invite i JOIN round o ON o.id = i.round_id WHERE i.round_id = ?2"
	           "  AND i.user_id = u.id AND o.kind = 'ekstern'))"
	           " ORDER BY CASE m.role WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 WHEN 'raadgiver' THEN 3 ELSE 4 END, u.name");
	db_bind_int(&q, 1, d->id);
	db_bind_int(&q, 2, rd->id);
	while (npeople < (int)COUNT(people) && db_step(&q))
		people[npeople++] = (Person){db_col_int(&q, 0), arena_strdup(r->arena, db_col_text(&q, 1)),
		                             arena_strdup(r->arena, db_col_text(&q, 2))};
	db_finalize(&q);

	/* The cases, with how far each has come. */
	typedef struct Row {
		int64_t id, reviewer;
		const char *case_no, *advisor, *status;
		int answered, relevant, acute, consent;
	} Row;
	int nrows = 0, cap = 64;
	Row *rows = arena_alloc(r->arena, (size_t)cap * sizeof *rows);
	db_prepare(&q, r->db,
	           "SELECT c.id, c.case_no, c.advisor, coalesce(rc.reviewer_id, 0), rc.review_status, rc.acute, rc.example_consent"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " ORDER BY rc.sample_key");
	db_bind_int(&q, 1, rd->id);
	while (db_step(&q)) {
		if (nrows == cap) {
			Row *more = arena_alloc(r->arena, (size_t)cap * 2 * sizeof *rows);
			memcpy(more, rows, (size_t)nrows * sizeof *rows);
			rows = more;
			cap *= 2;
		}
		rows[nrows++] = (Row){.id = db_col_int(&q, 0), .case_no = arena_strdup(r->arena, db_col_text(&q, 1)),
		                      .advisor = arena_strdup(r->arena, db_col_text(&q, 2)), .reviewer = db_col_int(&q, 3),
		                      .status = arena_strdup(r->arena, db_col_text(&q, 4)), .acute = (int)db_col_int(&q, 5),
		                      .consent = (int)db_col_int(&q, 6)};
	}
	db_finalize(&q);
	int finished = 0, started = 0, unassigned = 0, missing = 0, acute = 0;
	for (int i = 0; i < nrows; i++) {
		review_counts(r->db, rd->id, rows[i].id, &rows[i].answered, &rows[i].relevant);
		finished += str_eq(rows[i].status, "faerdig");
		started += str_eq(rows[i].status, "i_gang");
		unassigned += rows[i].reviewer == 0;
		missing += rows[i].relevant - rows[i].answered;
		acute += rows[i].acute;
	}
	if (nrows == 0) {
		html_lit(b, "<p>Tilsynet har ingen udtrukne sager endnu. Træk stikprøven på tilsynets side først.</p>\n");
		page_end(r);
		return;
	}
	html_fmt(b, "<p class=\"lead\">%d sager: %d færdige, %d i gang og %d ikke startet. Tilbage: %d sager og %d "
	            "ubesvarede spørgsmål.",
	         nrows, finished, started, nrows - finished - started, nrows - finished, missing);
	if (unassigned)
		html_fmt(b, " %d sager mangler en, der gennemgår dem.", unassigned);
	html_lit(b, "</p>\n");
	if (acute)
		page_message(r, "warn", arena_printf(r->arena, _("%d sager er markeret med akut bekymring (se tabellen)."), acute));

	/* Per reviewer, and the automatic assignment beside it on a wide screen. */
	html_lit(b, "<div class=\"columns\">\n<div>\n<h2>Pr. gennemgående</h2>\n<div class=\"scroll\" tabindex=\"0\" "
	            "role=\"region\" aria-label=\"Sager pr. gennemgående\"><table class=\"compact\">\n<thead><tr>"
	            "<th scope=\"col\">Gennemgående</th>"
	            "<th scope=\"col\" class=\"num\">Tildelt</th><th scope=\"col\" class=\"num\">I gang</th>"
	            "<th scope=\"col\" class=\"num\">Færdige</th><th scope=\"col\" class=\"num\">Tilbage</th></tr></thead>\n<tbody>\n");
	db_prepare(&q, r->db,
	           "SELECT u.name, count(*), count(*) FILTER (WHERE rc.review_status = 'i_gang'),"
	           " count(*) FILTER (WHERE rc.review_status = 'faerdig')"
	           " FROM round_case rc JOIN users u ON u.id = rc.reviewer_id WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " GROUP BY u.id, u.name ORDER BY u.name");
	db_bind_int(&q, 1, rd->id);
	int nreviewers = 0;
	while (db_step(&q)) {
		nreviewers++;
		html_fmt(b, "<tr><td>%T</td><td class=\"num\">%I</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
		            "<td class=\"num\">%I</td></tr>\n",
		         db_col_text(&q, 0), db_col_int(&q, 1), db_col_int(&q, 2), db_col_int(&q, 3),
		         db_col_int(&q, 1) - db_col_int(&q, 3));
	}
	db_finalize(&q);
	if (unassigned)
		html_fmt(b, "<tr><td>Ingen endnu</td><td class=\"num\">%d</td><td class=\"num\"></td><td class=\"num\"></td>"
		            "<td class=\"num\">%d</td></tr>\n",
		         unassigned, unassigned);
	html_lit(b, "</tbody>\n</table></div>\n");
	if (!nreviewers)
		html_lit(b, "<p>Ingen sager er fordelt endnu. Fordel dem automatisk nedenfor, eller vælg en gennemgående for "
		            "hver sag.</p>\n");

	/* Automatic assignment. */
	html_lit(b, "</div>\n<div>\n<h2>Fordel automatisk</h2>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/assign", d->code, (long long)rd->id));
	html_lit(b, "<input type=\"hidden\" name=\"auto\" value=\"1\">\n<div class=\"stack\">\n<fieldset>"
	            "<legend>Hvem gennemgår sager?</legend>\n");
	for (int i = 0; i < npeople; i++) {
		/* An ekstern round is reviewed by the invited outside reviewers, others by the department's own. */
		int preset = str_eq(rd->kind, "ekstern") ? str_eq(people[i].role, "ekstern")
		                                         : str_eq(people[i].role, "koordinator") || str_eq(people[i].role, "raadgiver");
		if (preset)
			html_fmt(b, "<label class=\"check\"><input type=\"checkbox\" name=\"reviewer\" value=\"%I\" checked> "
			            "%T (%T)</label>\n",
			         people[i].id, people[i].name, role_title(role_parse(people[i].role)));
		else
			html_fmt(b, "<label class=\"check\"><input type=\"checkbox\" name=\"reviewer\" value=\"%I\"> %T (%T)</label>\n",
			         people[i].id, people[i].name, role_title(role_parse(people[i].role)));
	}
	html_lit(b, "</fieldset>\n<p class=\"hint\">Sager, der allerede har en gennemgående, bliver ikke flyttet. Sagerne "
	            "fordeles jævnt, så de valgte får lige mange i alt, og ingen får en sag, hvor de selv er rådgiver.</p>\n"
	            "<button type=\"submit\">Fordel sager uden gennemgående</button>\n</div>\n</form>\n</div>\n</div>\n");

	/* Per case. */
	html_fmt(b, "<h2>Pr. sag</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Sager i gennemgang\">"
	            "<table>\n<caption>%d udtrukne sager</caption>\n<thead><tr><th scope=\"col\">Sag</th>"
	            "<th scope=\"col\">Rådgiver</th><th scope=\"col\">Gennemgås af</th><th scope=\"col\">Status</th>"
	            "<th scope=\"col\" class=\"num\">Besvaret</th><th scope=\"col\">Markeret</th></tr></thead>\n<tbody>\n",
	         nrows);
	for (int i = 0; i < nrows; i++) {
		Row *x = &rows[i];
		html_fmt(b, "<tr><td><a href=\"/d/%U/rounds/%I/cases/%I\">%T</a></td><td>%T</td><td>", d->code, rd->id, x->id,
		         x->case_no, x->advisor);
		page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/assign", d->code, (long long)rd->id));
		char *id = arena_printf(r->arena, "rev-%lld", (long long)x->id);
		html_fmt(b, "<input type=\"hidden\" name=\"case\" value=\"%I\"><label class=\"sr\" for=\"%A\">Gennemgås af, "
		            "sag %T</label><select id=\"%A\" name=\"reviewer\">",
		         x->id, id, x->case_no, id);
		html_option(b, "", _("ingen endnu"), x->reviewer == 0);
		for (int k = 0; k < npeople; k++) {
			char *value = arena_printf(r->arena, "%lld", (long long)people[k].id);
			if (ident_may_be(r->db, rd->department_id, x->advisor, people[k].id))
				html_fmt(b, "<option value=\"%A\" disabled>%T (egen sag)</option>", value, people[k].name);
			else
				html_option(b, value, people[k].name, x->reviewer == people[k].id);
		}
		html_fmt(b, "</select> <button type=\"submit\" class=\"small\">Gem<span class=\"sr\"> for sag %T</span></button>"
		            "</form></td><td>",
		         x->case_no);
		questionnaire_status_tag(b, x->status);
		html_fmt(b, "</td><td class=\"num\">%d af %d</td><td>", x->answered, x->relevant);
		if (x->acute)
			html_tag(b, "bad", _("akut bekymring"));
		html_fmt(b, "%T%T</td></tr>\n", x->acute && x->consent ? " " : "", x->consent ? _("må bruges som eksempel") : "");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I/review.xlsx\" download>Hent fremdriften som regneark (xlsx)</a></p>\n",
	         d->code, rd->id);
	req_audit_in(r, d->id, "review_progress_view", arena_printf(r->arena, "round:%lld", (long long)rd->id),
	             arena_printf(r->arena, "gennemgangens fremdrift vist (%d sager)", nrows));
	page_end(r);
}

void page_review_progress(Req *r)
{
	Round rd;
	if (round_from_capture(r, &rd, 0))
		progress_page(r, &rd);
}

/*
** The assignment form of the review's progress page (second = 0) and of the calibration's
** overview (second = 1, the second reviewers): one case to a person (or to nobody), or, with
** "auto", the cases without one spread over the persons ticked. A refusal goes back to `back`
** by a 303 with its message (flash.c); a hand assignment ends at back?`done`.
*/
void page_review_assign_to(Req *r, const Round *rd, int second, const char *back, const char *done)
{
	char msg[512];
	ReviewBy by = by_of(r);
	if (req_form_checked(r, "auto")) {
		int64_t ids[200];
		int n = 0;
		for (int i = 0; i < r->nform && n < (int)COUNT(ids); i++) {
			int64_t id;
			if (strcmp(r->form[i].name, "reviewer") == 0 && !r->form[i].filename) {
				if (!parse_int64(r->form[i].value, &id)) {
					flash_fail(r, back, NULL, _("Vælg personerne på listen."));
					return;
				}
				ids[n++] = id;
			}
		}
		int64_t assigned, left;
		if (!req_begin(r))
			return;
		int rc = second ? calibration_assign_auto(r->db, rd, ids, n, &by, &assigned, &left, msg, sizeof msg)
		                : review_assign_auto(r->db, rd, ids, n, &by, &assigned, &left, msg, sizeof msg);
		if (rc != 0) {
			db_rollback(r->db);
			flash_fail(r, back, NULL, msg);
			return;
		}
		if (!req_commit(r, _("Fordelingen kunne ikke gemmes. Prøv igen.")))
			return;
		http_redirect(r, arena_printf(r->arena, "%s?auto=%lld&left=%lld", back, (long long)assigned, (long long)left));
		return;
	}
	int64_t case_id, reviewer = 0;
	const char *rv = req_form(r, "reviewer");
	if (!parse_int64(req_form(r, "case"), &case_id) || (rv && *rv && !parse_int64(rv, &reviewer))) {
		flash_fail(r, back, NULL, _("Vælg en sag og en person på listen."));
		return;
	}
	if (!req_begin(r))
		return;
	int rc = second ? calibration_assign(r->db, rd, case_id, reviewer, &by, msg, sizeof msg)
	                : review_assign(r->db, rd, case_id, reviewer, &by, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		flash_fail(r, back, NULL, msg);
		return;
	}
	if (!req_commit(r, _("Fordelingen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "%s?%s", back, done));
}

void page_review_assign(Req *r)
{
	Round rd;
	if (round_from_capture(r, &rd, 0))
		page_review_assign_to(r, &rd, 0,
		                      arena_printf(r->arena, "/d/%s/rounds/%lld/review", r->dept->code, (long long)rd.id),
		                      "assigned=1");
}

/* ---- the review of one case ---- */

#define HISTORY_SHOWN 200

static void history_html(Req *r, const Round *rd, const CaseInfo *ci)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT h.at, coalesce(u.name, ''), q.code, coalesce(h.old_value, ''), coalesce(h.old_material, 0),"
	           " coalesce(h.old_comment, ''), coalesce(h.new_value, ''), coalesce(h.new_material, 0),"
	           " coalesce(h.new_comment, ''), CASE WHEN h.old_value IS NULL AND h.old_comment IS NULL THEN 1 ELSE 0 END"
	           " FROM answer_history h JOIN question q ON q.id = h.question_id LEFT JOIN users u ON u.id = h.user_id"
	           " WHERE h.round_id = ?1 AND h.case_id = ?2 ORDER BY h.id DESC");
	db_bind_int(&q, 1, rd->id);
	db_bind_int(&q, 2, ci->id);
	Buf rows;
	buf_init(&rows, 0);
	int n = 0;
	while (db_step(&q)) {
		/* The newest changes are shown; the count says how many there are in all. */
		if (++n > HISTORY_SHOWN)
			continue;
		const char *before = db_col_int(&q, 9) ? _("intet svar")
		                                        : questionnaire_answer_text(r->arena, db_col_text(&q, 3), (int)db_col_int(&q, 4), db_col_text(&q, 5));
		html_fmt(&rows, "<tr><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td></tr>\n",
		         date_time_in(r->arena, db_col_text(&q, 0)),
		         *db_col_text(&q, 1) ? db_col_text(&q, 1) : _("kommandolinjen"), db_col_text(&q, 2), before,
		         questionnaire_answer_text(r->arena, db_col_text(&q, 6), (int)db_col_int(&q, 7), db_col_text(&q, 8)));
	}
	db_finalize(&q);
	html_fmt(b, "<details class=\"history\" id=\"historik\"><summary>Ændringer (%d)</summary>\n", n);
	if (n) {
		html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Ændringer af svarene\"><table>\n"
		            "<thead><tr><th scope=\"col\">Tidspunkt</th><th scope=\"col\">Af</th><th scope=\"col\">Spørgsmål</th>"
		            "<th scope=\"col\">Før</th><th scope=\"col\">Efter</th></tr></thead>\n<tbody>\n");
		buf_append(b, rows.data, rows.len);
		html_lit(b, "</tbody>\n</table></div>\n");
		if (n > HISTORY_SHOWN)
			html_fmt(b, "<p class=\"hint\">Viser de %d seneste af %d ændringer.</p>\n", HISTORY_SHOWN, n);
	} else {
		html_lit(b, "<p>Ingen svar er gemt endnu.</p>\n");
	}
	html_lit(b, "</details>\n");
	buf_free(&rows);
}

static void flags_html(Req *r, const Round *rd, const CaseInfo *ci, int answered, int relevant_count)
{
	Buf *b = &r->out;
	const char *base = arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld", r->dept->code, (long long)rd->id,
	                                (long long)ci->id);
	html_lit(b, "<section class=\"flags\" aria-labelledby=\"finish-h\">\n<h2 id=\"finish-h\">Færdig</h2>\n");
	if (str_eq(ci->status, "faerdig")) {
		html_fmt(b, "<p>Sagen blev markeret som færdig %T. Ændres et svar, åbnes sagen igen.</p>\n",
		         date_time_in(r->arena, ci->finished_at));
	} else {
		if (answered < relevant_count)
			html_fmt(b, "<p>Sagen kan markeres som færdig, når alle relevante spørgsmål er besvaret. Der mangler %d.</p>\n",
			         relevant_count - answered);
		else
			html_lit(b, "<p>Alle relevante spørgsmål er besvaret.</p>\n");
		page_form_begin(r, arena_printf(r->arena, "%s/finish", base));
		html_lit(b, "<button type=\"submit\">Marker som færdig</button></form>\n");
	}
	html_lit(b, "</section>\n<section class=\"flags\" aria-labelledby=\"acute-h\">\n<h2 id=\"acute-h\">Akut bekymring</h2>\n"
	            "<p class=\"hint\">Til det, der ikke kan vente til rapporten: fx en borger i risiko eller en afgørelse, der "
	            "skal rettes nu. Afdelingens leder ser markeringen med det samme på sin forside.</p>\n");
	if (ci->acute) {
		/* Removing it takes the concern off the leader's front page: asked first (an open step). */
		html_fmt(b, "<p><strong>Markeret af %T %T:</strong> %T</p>\n<details class=\"inline confirm\"><summary>Fjern "
		            "markeringen</summary>\n<p>Er bekymringen afklaret? Markeringen forsvinder fra lederens forside.</p>\n",
		         *ci->acute_by ? ci->acute_by : _("kommandolinjen"), date_time_in(r->arena, ci->acute_at), ci->acute_note);
		page_form_begin(r, arena_printf(r->arena, "%s/acute", base));
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"clear\"><button type=\"submit\" class=\"danger\">Ja, "
		            "fjern markeringen</button></form></details>\n");
	} else {
		page_form_begin(r, arena_printf(r->arena, "%s/acute", base));
		html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"set\"><div class=\"stack\">\n"
		            "<label for=\"acute-note\">Hvad drejer bekymringen sig om?</label>\n"
		            "<textarea id=\"acute-note\" name=\"note\" rows=\"2\" maxlength=\"1000\" required></textarea>\n"
		            "<p class=\"hint\">Skriv kort og uden navne og CPR-numre; sagsnummeret står allerede på sagen.</p>\n"
		            "<button type=\"submit\">Marker akut bekymring</button>\n</div></form>\n");
	}
	html_lit(b, "</section>\n<section class=\"flags\" aria-labelledby=\"consent-h\">\n<h2 id=\"consent-h\">Brug som "
	            "eksempel</h2>\n<p class=\"hint\">Konkrete sager bruges kun som eksempler, når rådgiveren har sagt ja.</p>\n");
	page_form_begin(r, arena_printf(r->arena, "%s/consent", base));
	if (ci->consent)
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"consent\" value=\"1\" checked> Rådgiveren har "
		            "sagt ja til, at sagen må bruges som eksempel</label>\n");
	else
		html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"consent\" value=\"1\"> Rådgiveren har sagt ja "
		            "til, at sagen må bruges som eksempel</label>\n");
	html_lit(b, "<div class=\"actions\"><button type=\"submit\" class=\"secondary\">Gem samtykke</button></div></form>\n");
	if (*ci->consent_at)
		html_fmt(b, "<p class=\"hint\" id=\"consent-record\">%T af %T %T.</p>\n",
		         ci->consent ? _("Samtykke registreret") : _("Samtykke trukket tilbage"),
		         *ci->consent_by ? ci->consent_by : _("kommandolinjen"), date_time_in(r->arena, ci->consent_at));
	html_lit(b, "</section>\n");
}

/*
** The person's next case to review, for "Næste sag": assigned to them, not færdig, in a
** round that is not finished. The rest of this round comes first, in sample order from the
** case after this one (wrapping round), then their other rounds. Returns its address, or
** NULL when there is none; *case_no gets its case number.
*/
static const char *next_case(Req *r, const Round *rd, int64_t case_id, const char **case_no)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.code, rc.round_id, rc.case_id, c.case_no FROM round_case rc JOIN round o ON o.id = rc.round_id"
	           " JOIN department d ON d.id = o.department_id JOIN cases c ON c.id = rc.case_id"
	           " JOIN membership m ON m.department_id = d.id AND m.user_id = ?1"
	           " WHERE rc.reviewer_id = ?1 AND rc.status = 'udtrukket' AND rc.review_status <> 'faerdig'"
	           " AND o.phase <> 'afsluttet' AND NOT (rc.round_id = ?2 AND rc.case_id = ?3)"
	           " ORDER BY CASE WHEN rc.round_id = ?2 THEN 0 ELSE 1 END, CASE WHEN rc.round_id = ?2 AND rc.sample_key <= coalesce("
	           "  (SELECT k.sample_key FROM round_case k WHERE k.round_id = ?2 AND k.case_id = ?3), '') THEN 1 ELSE 0 END,"
	           " o.id, rc.sample_key LIMIT 1");
	db_bind_int(&q, 1, r->user->id);
	db_bind_int(&q, 2, rd->id);
	db_bind_int(&q, 3, case_id);
	const char *href = NULL;
	if (db_step(&q)) {
		href = arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld", db_col_text(&q, 0), (long long)db_col_int(&q, 1),
		                    (long long)db_col_int(&q, 2));
		*case_no = arena_strdup(r->arena, db_col_text(&q, 3));
	}
	db_finalize(&q);
	return href;
}

/* After færdig: the way on, to the next case or, when none is left, back. */
static void next_html(Req *r, const Round *rd, const CaseInfo *ci)
{
	Buf *b = &r->out;
	const char *no = NULL, *href = next_case(r, rd, ci->id, &no);
	html_lit(b, "<nav class=\"next-case\" aria-label=\"Næste sag\">");
	if (href)
		html_fmt(b, "<a class=\"button\" id=\"next-case\" href=\"%A\">Næste sag<span class=\"sr\">:</span> "
		            "<span class=\"case-no\">%T</span></a>",
		         href, no);
	else
		html_lit(b, "<p>Du har ikke flere sager at gennemgå. <a href=\"/\">Til forsiden</a></p>");
	if (in_workgroup(r))
		html_fmt(b, " <a href=\"/d/%U/rounds/%I/review\">Til gennemgangens oversigt</a>", r->dept->code, rd->id);
	html_lit(b, "</nav>\n");
}

/* The færdig refusal as an error summary: what is missing, each a link to its question. */
static void missing_summary(Req *r, const Question *qs, int nq, const char *message)
{
	Buf *b = &r->out;
	html_fmt(b, "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
	            "aria-labelledby=\"error-summary-h\">\n<h2 id=\"error-summary-h\">%T</h2>\n<p>%T</p>\n<ul>\n",
	         _("Sagen er ikke markeret som færdig"), message);
	int hidden = 0;
	for (int i = 0; i < nq; i++) {
		if (questionnaire_open(qs, i))
			html_fmt(b, "<li><a href=\"#q-%I\">%T %T</a></li>\n", qs[i].id, qs[i].code, qs[i].text);
		else if (qs[i].state == RELEVANCE_UNKNOWN && !str_eq(qs[i].scale, "text"))
			hidden++;
	}
	html_lit(b, "</ul>\n");
	if (hidden == 1)
		html_lit(b, "<p>Dertil 1 spørgsmål, der vises, når det svar, det afhænger af, er givet.</p>\n");
	else if (hidden)
		html_fmt(b, "<p>Dertil %d spørgsmål, der vises, når de svar, de afhænger af, er givet.</p>\n", hidden);
	html_lit(b, "</div>\n");
}

/* The review page of one case. `missing` (with a message): færdig was refused for questions
** without an answer, which are listed at the top and marked. `unsaved`: "Gem svar" left some
** answers unsaved; its messages are summed up at the top (the questions show what was sent). */
static void case_page(Req *r, const Round *rd, const CaseInfo *ci, const Question *qs, int nq, const char *kind,
                      const char *message, int missing, const Flash *unsaved)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	int first_open = -1;
	for (int i = 0; i < nq && first_open < 0; i++)
		if (questionnaire_open(qs, i))
			first_open = i;
	page_begin(r, arena_printf(r->arena, "Sag %s", ci->case_no));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › ", d->code, d->name);
	if (in_workgroup(r))
		html_fmt(b, "<a href=\"/d/%U/rounds\">Tilsyn</a> › <a href=\"/d/%U/rounds/%I\">%T</a> › "
		            "<a href=\"/d/%U/rounds/%I/review\">Gennemgang</a> › ",
		         d->code, d->code, rd->id, rd->title, d->code, rd->id);
	else
		html_fmt(b, "%T › ", rd->title);
	html_fmt(b, "Sag %T</p>\n<h1>Gennemgang af sag %T</h1>\n<p class=\"lead\">%T</p>\n", ci->case_no, ci->case_no,
	         rd->title);
	int64_t n;
	if (unsaved)
		flash_summary(r, unsaved);
	else if (message && missing)
		missing_summary(r, qs, nq, message);
	else if (message)
		page_message(r, kind, message);
	else if (parse_int64(req_query(r, "saved"), &n))
		page_message(r, "ok", n == 1 ? _("1 svar er gemt.")
		                             : n ? arena_printf(r->arena, _("%lld svar er gemt."), (long long)n)
		                                 : _("Der var ingen ændringer at gemme."));
	else if (req_query(r, "finished") && str_eq(ci->status, "faerdig"))
		page_message(r, "ok", _("Sagen er markeret som færdig."));
	else if (str_eq(req_query(r, "acute"), "1"))
		page_message(r, "ok", _("Akut bekymring er markeret. Afdelingens leder ser den nu på sin forside."));
	else if (str_eq(req_query(r, "acute"), "0"))
		page_message(r, "ok", _("Markeringen af akut bekymring er fjernet."));
	else if (req_query(r, "consent"))
		page_message(r, "ok", _("Samtykket er gemt."));
	if (ci->acute)
		page_message(r, "warn", arena_printf(r->arena, _("Akut bekymring, markeret af %s %s: %s"),
		                                     *ci->acute_by ? ci->acute_by : _("kommandolinjen"),
		                                     date_time_in(r->arena, ci->acute_at),
		                                     ci->acute_note));
	if (str_eq(ci->status, "faerdig"))
		next_html(r, rd, ci);

	int answered = 0, relevant_count = 0;
	review_counts(r->db, rd->id, ci->id, &answered, &relevant_count);
	html_fmt(b, "<dl class=\"facts\">\n<dt>Rådgiver</dt><dd>%T</dd>\n<dt>Paragraf</dt><dd>%T</dd>\n<dt>Ydelse</dt><dd>%T</dd>\n"
	            "<dt>Gennemgås af</dt><dd>%T</dd>\n<dt>Status</dt><dd id=\"case-status\">",
	         ci->advisor, *ci->provision ? ci->provision : "–", *ci->benefit ? ci->benefit : "–",
	         *ci->reviewer ? ci->reviewer : _("ingen endnu"));
	questionnaire_status_tag(b, ci->status);
	html_fmt(b, "</dd>\n</dl>\n<div class=\"progress\"><p id=\"progress-text\">%d af %d besvaret</p><progress "
	            "id=\"progress-bar\" max=\"%d\" value=\"%d\" aria-labelledby=\"progress-text\"></progress>",
	         answered, relevant_count, relevant_count ? relevant_count : 1, answered);
	/* To the first question still to answer (review.js keeps the link up to date). */
	if (first_open >= 0)
		html_fmt(b, "<a id=\"first-open\" href=\"#q-%I\">Gå til første ubesvarede</a>", qs[first_open].id);
	else
		html_lit(b, "<a id=\"first-open\" href=\"#review-form\" hidden>Gå til første ubesvarede</a>");
	html_lit(b, "</div>\n");
	html_lit(b, "<p id=\"save-status\" class=\"save-status\" role=\"status\" aria-live=\"polite\"></p>\n");

	const char *action = arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld", d->code, (long long)rd->id,
	                                  (long long)ci->id);
	if (nq == 0) {
		html_lit(b, "<p>Tilsynet har intet spørgekatalog, så der er ingen spørgsmål at besvare.</p>\n");
	} else {
		html_fmt(b, "<form method=\"post\" action=\"%A\" id=\"review-form\" class=\"review\" data-answer-url=\"%A/answer\">\n"
		            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
		         action, action, r->session->csrf);
		/* Shortcuts need review.js, which shows this. */
		html_lit(b, "<p class=\"hint shortcuts\" id=\"shortcuts\" hidden><strong>Genveje:</strong> Når et spørgsmål har "
		            "fokus, vælger <kbd>J</kbd> »ja«, <kbd>D</kbd> »delvist«, <kbd>N</kbd> »nej« og <kbd>I</kbd> »ikke "
		            "relevant«. Genvejene virker ikke, mens du skriver i et "
		            "tekstfelt.</p>\n");
		questionnaire_html(r, qs, nq, 1, missing);
		html_lit(b, "<div class=\"actions savebar\"><button type=\"submit\">Gem svar</button>\n"
		            "<p class=\"hint\" id=\"save-hint\">Svarene gemmes, når du trykker »Gem svar«. Spørgsmål, der afhænger af "
		            "et andet svar, vises, når det svar er gemt, og tæller som ubesvarede, indtil det er besvaret.</p></div>\n"
		            "</form>\n");
	}
	html_lit(b, "<div class=\"columns\">\n");
	flags_html(r, rd, ci, answered, relevant_count);
	html_lit(b, "</div>\n");
	if (in_workgroup(r))
		history_html(r, rd, ci);
	html_lit(b, "<script src=\"/static/review.js\" defer></script>\n");
	page_end(r);
}

/* What "Gem svar" could not save, for the page after the 303: each such question's message,
** with the revision and fingerprint the form is to carry next and, for a conflict, the answer
** someone else saved (flash.c keeps what was typed). */
static void unsaved_flash(Req *r, const Question *qs, int nq, const char *message)
{
	Flash *f = flash_begin(r);
	flash_error(f, NULL, message);
	for (int i = 0; i < nq; i++) {
		const Question *x = &qs[i];
		if (!x->conflict && !x->error)
			continue;
		json_t *o = json_pack("{sIss}", "revision", (json_int_t)x->show_revision, "fp", x->show_fp);
		if (x->error)
			json_object_set_new(o, "error", json_string(x->error));
		if (x->conflict)
			json_object_set_new(o, "their", json_pack("{sssbsssIssss}", "value", x->their->value, "material",
			                                          x->their->material, "comment", x->their->comment, "revision",
			                                          (json_int_t)x->their->revision, "by", x->their->by, "at",
			                                          x->their->at));
		char *extra = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		const char *why = x->conflict ? _("Dit svar er ikke gemt: en anden har gemt et andet svar, efter du åbnede siden.")
		                              : x->error;
		flash_note(f, arena_printf(r->arena, "q-%lld", (long long)x->id), x->conflict ? "conflict" : "error",
		           arena_printf(r->arena, "%s: %s", x->code, why), arena_strdup(r->arena, extra));
		free(extra);
	}
	flash_redirect(r, f, r->path);
}

/* A string member of a JSON object, "" when there is none. */
static const char *member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The questions "Gem svar" could not save (unsaved_flash), shown again as they were sent.
** Returns how many there are. */
static int unsaved_restore(Req *r, const Round *rd, const Flash *f, Question *qs, int nq)
{
	int n = 0;
	for (int i = 0; i < nq; i++) {
		Question *x = &qs[i];
		const char *field = arena_printf(r->arena, "q-%lld", (long long)x->id), *kind = flash_field_kind(f, field);
		json_t *o = kind ? json_loads(flash_field_extra(f, field), 0, NULL) : NULL;
		if (!o)
			continue;
		if (!n++)
			flash_restore_form(r, f);
		AnswerInput in;
		questionnaire_read(r, x, &in);
		questionnaire_show_sent(x, &in);
		x->show_revision = json_integer_value(json_object_get(o, "revision"));
		snprintf(x->show_fp, sizeof x->show_fp, "%s", member(o, "fp"));
		json_t *t = json_object_get(o, "their");
		if (str_eq(kind, "conflict") && json_is_object(t)) {
			AnswerState *s = arena_alloc(r->arena, sizeof *s);
			memset(s, 0, sizeof *s);
			snprintf(s->value, sizeof s->value, "%s", member(t, "value"));
			s->material = json_is_true(json_object_get(t, "material"));
			snprintf(s->comment, sizeof s->comment, "%s", member(t, "comment"));
			s->revision = json_integer_value(json_object_get(t, "revision"));
			snprintf(s->by, sizeof s->by, "%s", member(t, "by"));
			snprintf(s->at, sizeof s->at, "%s", member(t, "at"));
			x->conflict = 1;
			x->their = s;
		} else {
			x->error = arena_strdup(r->arena, member(o, "error"));
		}
		json_decref(o);
	}
	if (n)
		questionnaire_relevance(r, rd->id, qs, nq);
	return n;
}

void page_review_case(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (!case_access(r, &rd, &ci, 0))
		return;
	/* A refused færdig, acute mark or consent comes back here by a 303 with its message; færdig's
	** (?mangler=1) lists and marks the questions still without an answer. So does "Gem svar" that
	** could not save everything, with what was sent for each question it did not save. */
	const Flash *f = flash_take(r);
	int nq;
	Question *qs = questionnaire_load(r, rd.id, ci.id, ANSWER_REVIEW, &nq);
	/* A finished round is shown, but says it is closed (saving would be refused). */
	int closed = round_writable(r->db, rd.id, NULL, 0) != 0;
	if (unsaved_restore(r, &rd, f, qs, nq))
		case_page(r, &rd, &ci, qs, nq, NULL, NULL, 0, f);
	else if (flash_message(f))
		case_page(r, &rd, &ci, qs, nq, "error", flash_message(f), str_eq(req_query(r, "mangler"), "1"), NULL);
	else
		case_page(r, &rd, &ci, qs, nq, closed ? "warn" : NULL, closed ? _(round_closed_text) : NULL, 0, NULL);
	audit_case(r, "review_view", ci.id, arena_printf(r->arena, "tilsyn %lld: gennemgangen af sagen vist", (long long)rd.id));
}

/* The whole form, sent with "Gem svar" (also without JavaScript). Only the questions the
** person changed are saved; one changed by someone else meanwhile is not, and is shown
** with both answers on the page the 303 leads to (post/redirect/get, unsaved_flash). */
void page_review_case_post(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (!case_access(r, &rd, &ci, 0))
		return;
	int nq;
	Question *qs = questionnaire_load(r, rd.id, ci.id, ANSWER_REVIEW, &nq);
	if (!req_begin(r))
		return;
	int saved = 0, conflicts = 0, errors = 0, closed = 0;
	Buf codes; /* the question codes of the answers saved, for the audit log */
	buf_init(&codes, 0);
	for (int i = 0; i < nq; i++) {
		Question *x = &qs[i];
		const char *seen_fp = req_form(r, arena_printf(r->arena, "s-%lld", (long long)x->id));
		if (!seen_fp)
			continue;
		AnswerInput in;
		questionnaire_read(r, x, &in);
		char fp[33];
		questionnaire_fingerprint(in.value, in.material, in.comment, fp);
		if (str_eq(fp, seen_fp))
			continue; /* not changed on the page */
		int64_t seen;
		questionnaire_show_sent(x, &in);
		memcpy(x->show_fp, seen_fp, strnlen(seen_fp, 32));
		x->show_fp[strnlen(seen_fp, 32)] = 0;
		if (!parse_int64(req_form(r, arena_printf(r->arena, "r-%lld", (long long)x->id)), &seen) || seen < 0) {
			x->error = _("Formularen mangler oplysninger. Genindlæs siden, og prøv igen.");
			errors++;
			continue;
		}
		x->show_revision = seen;
		in.seen_revision = seen;
		AnswerState *cur = arena_alloc(r->arena, sizeof *cur);
		char msg[300] = "";
		int res = answer_save(r->db, rd.id, ci.id, x->id, &in, r->user, cur, msg, sizeof msg);
		if (res == ANSWER_SAVED) {
			if (cur->revision != x->revision) {
				buf_printf(&codes, "%s%s", saved ? ", " : "", x->code);
				saved++;
			}
		} else if (res == ANSWER_CLOSED) {
			closed++;
			x->error = msg[0] ? arena_strdup(r->arena, msg) : NULL;
		} else if (res == ANSWER_CONFLICT) {
			conflicts++;
			x->conflict = 1;
			x->their = cur;
			x->show_revision = cur->revision;
			questionnaire_fingerprint(cur->value, cur->material, cur->comment, x->show_fp);
		} else {
			errors++;
			x->error = msg[0] ? arena_strdup(r->arena, msg) : NULL;
		}
	}
	if (closed) { /* the round is finished: nothing of the form is saved */
		buf_free(&codes);
		db_rollback(r->db);
		flash_fail(r, r->path, NULL, _(round_closed_text));
		return;
	}
	if (saved)
		audit_case(r, "review_save", ci.id,
		           arena_printf(r->arena, "tilsyn %lld: %d svar gemt: %s", (long long)rd.id, saved, buf_cstr(&codes)));
	buf_free(&codes);
	if (!req_commit(r, _("Svarene kunne ikke gemmes. Prøv igen.")))
		return;
	if (!conflicts && !errors) {
		http_redirect(r, arena_printf(r->arena, "%s?saved=%d", r->path, saved));
		return;
	}
	const char *msg;
	if (conflicts)
		msg = arena_printf(r->arena, _("%d svar blev ikke gemt, fordi en anden har ændret dem, efter du åbnede siden. "
		                               "De er vist nedenfor med begge svar: vælg, hvilket der skal gælde."),
		                   conflicts);
	else
		msg = arena_printf(r->arena, _("%d svar blev ikke gemt. Ret det, der står ved spørgsmålet, og gem igen."), errors);
	if (conflicts && errors)
		msg = arena_printf(r->arena, _("%s %d andre svar blev ikke gemt; se ved spørgsmålene."), msg, errors);
	if (saved)
		msg = arena_printf(r->arena, _("%s De øvrige %d ændringer er gemt."), msg, saved);
	unsaved_flash(r, qs, nq, msg);
}

static json_t *answer_json(Req *r, const char *value, int material, const char *comment)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", json_string(value));
	json_object_set_new(o, "material", json_boolean(material));
	json_object_set_new(o, "comment", json_string(comment));
	json_object_set_new(o, "text", json_string(questionnaire_answer_text(r->arena, value, material, comment)));
	return o;
}

/* The code of a question (F1, B3, ...), as the audit log names it; "?" when unknown. */
static const char *question_code(Req *r, int64_t qid)
{
	Stmt q;
	db_prepare(&q, r->db, "SELECT code FROM question WHERE id = ?1");
	db_bind_int(&q, 1, qid);
	const char *code = db_step(&q) ? arena_strdup(r->arena, db_col_text(&q, 0)) : "?";
	db_finalize(&q);
	return code;
}

/* One answer, saved as the person goes (static/review.js); answers JSON. */
void page_review_answer(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (!case_access(r, &rd, &ci, 1))
		return;
	int64_t qid, seen;
	if (!parse_int64(req_form(r, "question"), &qid) || !parse_int64(req_form(r, "revision"), &seen) || seen < 0) {
		json_error(r, 400, _("Forespørgslen mangler spørgsmål eller revision. Genindlæs siden."));
		return;
	}
	const char *value = questionnaire_form_text(r, "value"), *comment = questionnaire_form_text(r, "comment");
	int material = str_eq(req_form(r, "material"), "1");
	if (!req_form(r, "comment")) {
		/* No comment field (a free-text question): the stored comment stays. */
		Stmt q;
		db_prepare(&q, r->db, "SELECT comment FROM answer WHERE round_id = ?1 AND case_id = ?2 AND question_id = ?3");
		db_bind_int(&q, 1, rd.id);
		db_bind_int(&q, 2, ci.id);
		db_bind_int(&q, 3, qid);
		if (db_step(&q))
			comment = arena_strdup(r->arena, db_col_text(&q, 0));
		db_finalize(&q);
	}
	AnswerInput in = {.value = value, .material = material, .comment = comment, .seen_revision = seen};
	AnswerState cur;
	char msg[300] = "";
	if (db_begin(r->db) != DB_OK) {
		json_error(r, 503, _("Databasen er optaget. Prøv igen om lidt."));
		return;
	}
	int res = answer_save(r->db, rd.id, ci.id, qid, &in, r->user, &cur, msg, sizeof msg);
	char fp[33];
	json_t *o = json_object();
	json_object_set_new(o, "question", json_integer(qid));
	if (res == ANSWER_CONFLICT) {
		db_rollback(r->db);
		questionnaire_fingerprint(cur.value, cur.material, cur.comment, fp);
		json_t *theirs = answer_json(r, cur.value, cur.material, cur.comment);
		json_object_set_new(theirs, "revision", json_integer(cur.revision));
		json_object_set_new(theirs, "by", json_string(*cur.by ? cur.by : _("en anden")));
		json_object_set_new(theirs, "at", json_string(cur.at));
		json_object_set_new(theirs, "at_text", json_string(date_time_in(r->arena, cur.at)));
		json_object_set_new(theirs, "fingerprint", json_string(fp));
		json_object_set_new(o, "status", json_string("conflict"));
		json_object_set_new(o, "message", json_string(_("Dit svar er ikke gemt: en anden har gemt et andet svar, efter "
		                                                "du åbnede siden. Vælg, hvilket svar der skal gælde.")));
		json_object_set_new(o, "yours", answer_json(r, value, material, comment));
		json_object_set_new(o, "theirs", theirs);
		json_reply(r, 409, o);
		return;
	}
	if (res != ANSWER_SAVED) {
		db_rollback(r->db);
		json_object_set_new(o, "status", json_string(res == ANSWER_CLOSED ? "closed" : "error"));
		json_object_set_new(o, "message", json_string(msg));
		json_reply(r, res == ANSWER_CLOSED ? 409 : 400, o);
		return;
	}
	if (cur.revision != seen)
		audit_case(r, "review_answer", ci.id,
		           arena_printf(r->arena, "tilsyn %lld: svar på spørgsmål %s gemt (revision %lld)", (long long)rd.id,
		                        question_code(r, qid), (long long)cur.revision));
	if (db_commit(r->db) != DB_OK) {
		json_decref(o);
		json_error(r, 500, _("Svaret kunne ikke gemmes. Prøv igen."));
		return;
	}
	int answered = 0, relevant_count = 0;
	review_counts(r->db, rd.id, ci.id, &answered, &relevant_count);
	CaseInfo fresh;
	case_load(r, &rd, ci.id, &fresh);
	questionnaire_fingerprint(cur.value, cur.material, cur.comment, fp);
	json_object_set_new(o, "status", json_string("saved"));
	json_object_set_new(o, "revision", json_integer(cur.revision));
	json_object_set_new(o, "by", json_string(cur.by));
	json_object_set_new(o, "at", json_string(cur.at));
	json_object_set_new(o, "at_text", json_string(date_time_in(r->arena, cur.at)));
	json_object_set_new(o, "fingerprint", json_string(fp));
	json_object_set_new(o, "answered", json_integer(answered));
	json_object_set_new(o, "relevant", json_integer(relevant_count));
	json_object_set_new(o, "case_status", json_string(fresh.status));
	json_object_set_new(o, "case_status_text", json_string(questionnaire_status_title(fresh.status)));
	json_reply(r, 200, o);
}

/* A refused mark on a case: back to its page by a 303 with the message (flash.c). */
static void case_fail(Req *r, const Round *rd, const CaseInfo *ci, const char *message, int missing)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld%s", r->dept->code, (long long)rd->id,
	                           (long long)ci->id, missing ? "?mangler=1" : ""),
	           NULL, message);
}

/*
** "Marker som færdig" for the review of a case (second = 0) or its second review (second = 1),
** whose page is `self`: done, back to it with ?finished=1; refused, back by a 303 with the
** message (the review's with ?mangler=1 when questions lack an answer: they are listed).
*/
void page_review_finish_at(Req *r, const Round *rd, int64_t case_id, int second, const char *self)
{
	char msg[512];
	int missing;
	ReviewBy by = by_of(r);
	if (!req_begin(r))
		return;
	int rc = second ? calibration_finish(r->db, rd, case_id, &by, &missing, msg, sizeof msg)
	                : review_finish(r->db, rd, case_id, &by, &missing, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "%s%s", self, !second && missing > 0 ? "?mangler=1" : ""), NULL, msg);
		return;
	}
	if (!req_commit(r, _("Markeringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "%s?finished=1", self));
}

void page_review_finish(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (case_access(r, &rd, &ci, 0))
		page_review_finish_at(r, &rd, ci.id, 0,
		                      arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld", r->dept->code, (long long)rd.id,
		                                   (long long)ci.id));
}

void page_review_acute(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (!case_access(r, &rd, &ci, 0))
		return;
	int on = !str_eq(req_form(r, "action"), "clear");
	char msg[512];
	ReviewBy by = by_of(r);
	if (!req_begin(r))
		return;
	int rc = review_set_acute(r->db, &rd, ci.id, on, req_form(r, "note"), &by, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		case_fail(r, &rd, &ci, arena_strdup(r->arena, msg), 0);
		return;
	}
	if (!req_commit(r, _("Markeringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld?acute=%d", r->dept->code, (long long)rd.id,
	                              (long long)ci.id, on));
}

void page_review_consent(Req *r)
{
	Round rd;
	CaseInfo ci;
	if (!case_access(r, &rd, &ci, 0))
		return;
	char msg[512];
	ReviewBy by = by_of(r);
	if (!req_begin(r))
		return;
	int rc = review_set_consent(r->db, &rd, ci.id, req_form_checked(r, "consent"), &by, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		case_fail(r, &rd, &ci, arena_strdup(r->arena, msg), 0);
		return;
	}
	if (!req_commit(r, _("Samtykket kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld/cases/%lld?consent=1", r->dept->code, (long long)rd.id,
	                              (long long)ci.id));
}
