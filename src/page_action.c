/*
** Action pages: the department's actions (tiltag) with who is responsible, the due date and
** whether it has passed, a form to decide a new one (with the questions of its tilsyn to
** choose from), and each action's page with its follow-up: the share fulfilled in its
** tilsyn and in the next comparable one, with the change and its interval. The working
** group (leder, koordinator) decides and edits actions; the person responsible may change
** the status; every member but an outside reviewer may read them. A caseworker is not shown
** a figure built on fewer than REPORT_MIN_CASES answers, as in the report for the staff.
*/
#include "http.h"
#include "report.h"

#include <string.h>

typedef struct Fields {
	const char *title, *description, *owner, *due, *status, *round, *questions_text;
	const char *const *questions; /* checked question codes */
	int nquestions;
	const char *const *themes;
	int nthemes;
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

/* Outside reviewers see only the tilsyn they are invited to; actions are the department's own. */
static int readers_only(Req *r)
{
	if (r->role != ROLE_EKSTERN)
		return 1;
	deny(r, arena_printf(r->arena, "department:%s", r->dept->code),
	     _("Afdelingens tiltag er kun for afdelingens egne medarbejdere."));
	return 0;
}

static void audit_action(Req *r, int64_t id, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "action:%lld", (long long)id), detail);
}

static const char *pct(Req *r, double v)
{
	return arena_printf(r->arena, "%.0f %%", 100 * v);
}

static int has_code(const char *const *codes, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (str_eq(codes[i], code))
			return 1;
	return 0;
}

/* An action's status as a tag, and a second tag when its due date has passed. */
static void status_tags(Buf *b, const char *status, int overdue)
{
	html_tag(b,
	         str_eq(status, "gennemfoert") ? "done"
	         : str_eq(status, "i_gang")    ? "doing"
	         : str_eq(status, "opgivet")   ? "blocked"
	                                       : "todo",
	         action_status_title(status));
	if (overdue) {
		html_lit(b, " ");
		html_tag(b, "bad", _("fristen er overskredet"));
	}
}

/* ---- the form ---- */

static void status_select(Req *r, const Flash *fl, const char *current)
{
	Buf *b = &r->out;
	static const char *const statuses[] = {"planlagt", "i_gang", "gennemfoert", "opgivet"};
	html_lit(b, "<label for=\"status\">Status</label>\n");
	flash_field_error(r, fl, "status");
	html_lit(b, "<select id=\"status\" name=\"status\"");
	flash_field_attrs(r, fl, "status");
	html_lit(b, ">");
	for (size_t i = 0; i < COUNT(statuses); i++)
		html_option(b, statuses[i], action_status_title(statuses[i]),
		            str_eq(current, statuses[i]) || (i == 0 && str_empty(current)));
	html_lit(b, "</select>\n");
}

/*
** The form to decide or change an action. With a round, its questions are offered as
** checkboxes, each with its share fulfilled there; codes not among them go in the text field.
*/
static void action_form(Req *r, const char *action, const Fields *f, const Flash *fl, const char *button)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	page_form_begin(r, action);
	html_lit(b, "<input type=\"hidden\" name=\"form\" value=\"all\"><div class=\"stack\">\n"
	            "<label for=\"title\">Titel</label>\n");
	flash_field_error(r, fl, "title");
	html_fmt(b, "<input id=\"title\" name=\"title\" required maxlength=\"%d\" value=\"%A\"", ACTION_TITLE_MAX,
	         f->title ? f->title : "");
	flash_field_attrs(r, fl, "title");
	html_lit(b, ">\n<label for=\"description\">Beskrivelse</label>\n");
	flash_field_error(r, fl, "description");
	html_fmt(b, "<textarea id=\"description\" name=\"description\" rows=\"4\" maxlength=\"%d\"",
	         ACTION_DESCRIPTION_MAX);
	flash_field_attrs(r, fl, "description");
	html_fmt(b, ">\n%T</textarea>\n<label for=\"owner\">Ansvarlig</label>\n", f->description ? f->description : "");
	flash_field_error(r, fl, "owner");
	html_lit(b, "<select id=\"owner\" name=\"owner\" required");
	flash_field_attrs(r, fl, "owner");
	html_lit(b, ">");
	html_option(b, "", _("Vælg en person"), str_empty(f->owner));
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT u.login, u.name, m.role FROM membership m JOIN users u ON u.id = m.user_id"
	           " WHERE m.department_id = ?1 AND u.active = 1 AND m.role <> 'ekstern' ORDER BY u.name");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q))
		html_option(b, db_col_text(&q, 0),
		            arena_printf(r->arena, "%s (%s)", db_col_text(&q, 1), role_title(role_parse(db_col_text(&q, 2)))),
		            str_eq(f->owner, db_col_text(&q, 0)));
	db_finalize(&q);
	html_lit(b, "</select>\n<label for=\"due\">Frist</label>\n");
	flash_field_error(r, fl, "due");
	html_fmt(b, "<input id=\"due\" name=\"due\" type=\"date\" required value=\"%A\"", f->due ? f->due : "");
	flash_field_attrs(r, fl, "due");
	html_lit(b, ">\n");
	status_select(r, fl, f->status);
	html_lit(b, "<label for=\"round\">Besluttet efter tilsynet</label>\n");
	flash_field_error(r, fl, "round");
	html_lit(b, "<select id=\"round\" name=\"round\"");
	flash_field_attrs(r, fl, "round");
	html_lit(b, ">");
	html_option(b, "", _("Intet bestemt tilsyn"), str_empty(f->round));
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

	/* The round's questions as checkboxes; the other codes in the text field. */
	int64_t round_id = 0;
	Round rd;
	QuestionResult *x = NULL;
	int n = 0;
	if (!str_empty(f->round) && parse_int64(f->round, &round_id) && round_by_id(r->db, round_id, &rd) &&
	    rd.department_id == d->id)
		n = results_round(r->db, &rd, &x);
	if (n) {
		html_fmt(b, "<fieldset><legend>Spørgsmål i %T, som tiltaget skal forbedre</legend>\n", rd.title);
		for (int i = 0; i < n; i++) {
			html_fmt(b, "<label class=\"check\" for=\"q-%d\"><input type=\"checkbox\" id=\"q-%d\" name=\"question\" "
			            "value=\"%A\"",
			         i, i, x[i].code);
			if (has_code(f->questions, f->nquestions, x[i].code))
				html_lit(b, " checked");
			html_fmt(b, "> <span><strong>%T</strong> %T", x[i].code, x[i].text);
			if (x[i].has_fulfilled)
				html_fmt(b, " <span class=\"hint\">(%T opfyldt)</span>", pct(r, x[i].fulfilled));
			html_lit(b, "</span></label>\n");
		}
		html_lit(b, "</fieldset>\n");
	}
	const char *other = f->questions_text;
	if (!other) {
		Buf rest;
		buf_init(&rest, 0);
		for (int k = 0; k < f->nquestions; k++) {
			int listed = 0;
			for (int i = 0; i < n && !listed; i++)
				listed = str_eq(x[i].code, f->questions[k]);
			if (!listed)
				buf_printf(&rest, "%s%s", rest.len ? ", " : "", f->questions[k]);
		}
		other = arena_strdup(r->arena, buf_cstr(&rest));
		buf_free(&rest);
	}
	results_free(x, n);
	html_fmt(b, "<label for=\"questions_text\">%T</label>\n",
	         n ? _("Andre spørgsmålskoder") : _("Spørgsmål, som tiltaget skal forbedre (koder)"));
	flash_field_error(r, fl, "questions_text");
	int refused = flash_field_message(fl, "questions_text") != NULL;
	html_fmt(b, "<input id=\"questions_text\" name=\"questions_text\" maxlength=\"2000\" aria-describedby=\"%A"
	            "questions-hint\"",
	         refused ? "questions_text-error " : "");
	if (refused)
		html_lit(b, " aria-invalid=\"true\"");
	html_fmt(b, " value=\"%A\">\n"
	            "<p class=\"hint\" id=\"questions-hint\">Spørgsmålskoder adskilt med komma, fx OB-SAGSOPL-1, OB-AFG-4. "
	            "Vælg et tilsyn i listen over tiltagene for at se dets spørgsmål.</p>\n",
	         other);

	html_lit(b, "<fieldset id=\"themes\" tabindex=\"-1\"><legend>Temaer, som tiltaget skal forbedre</legend>\n");
	flash_field_error(r, fl, "themes");
	db_prepare(&q, r->db,
	           "SELECT c.code, c.title FROM catalogue c WHERE c.kind = 'tema' AND c.status = 'udgivet'"
	           " AND c.target IN (?1, 'begge') AND c.version = (SELECT max(version) FROM catalogue o"
	           "  WHERE o.code = c.code AND o.status = 'udgivet') ORDER BY c.title");
	db_bind_text(&q, 1, d->area);
	int i = 0;
	while (db_step(&q)) {
		const char *code = db_col_text(&q, 0);
		html_fmt(b, "<label class=\"check\" for=\"theme-%d\"><input type=\"checkbox\" id=\"theme-%d\" name=\"theme\" "
		            "value=\"%A\"",
		         i, i, code);
		if (has_code(f->themes, f->nthemes, code))
			html_lit(b, " checked");
		html_fmt(b, "> %T</label>\n", db_col_text(&q, 1));
		i++;
	}
	db_finalize(&q);
	html_fmt(b, "</fieldset>\n<button type=\"submit\">%T</button>\n</div>\n</form>\n", button);
}

/* The codes of a posted form: the checked questions, then those written in the text field. */
static void posted_codes(Req *r, Fields *f)
{
	const char **questions = arena_alloc(r->arena, sizeof *questions * (ACTION_MAX_TARGETS + 1));
	const char **themes = arena_alloc(r->arena, sizeof *themes * (ACTION_MAX_TARGETS + 1));
	int nq = 0, nt = 0;
	for (int k = 0; k < r->nform; k++) {
		const char *v = r->form[k].value;
		if (str_empty(v))
			continue;
		/* One past the limit is kept, so that action_check says there are too many. */
		if (str_eq(r->form[k].name, "question") && nq + nt <= ACTION_MAX_TARGETS && !has_code(questions, nq, v))
			questions[nq++] = v;
		else if (str_eq(r->form[k].name, "theme") && nq + nt <= ACTION_MAX_TARGETS && !has_code(themes, nt, v))
			themes[nt++] = v;
	}
	f->questions_text = req_form(r, "questions_text");
	char *text = arena_strdup(r->arena, f->questions_text ? f->questions_text : "");
	for (char *save = NULL, *t = strtok_r(text, ", ;\t\r\n", &save); t; t = strtok_r(NULL, ", ;\t\r\n", &save))
		if (nq + nt <= ACTION_MAX_TARGETS && !has_code(questions, nq, t))
			questions[nq++] = t;
	f->questions = questions;
	f->nquestions = nq;
	f->themes = themes;
	f->nthemes = nt;
}

static Fields posted_fields(Req *r)
{
	Fields f = {.title = req_form(r, "title"), .description = req_form(r, "description"), .owner = req_form(r, "owner"),
	            .due = req_form(r, "due"), .status = req_form(r, "status"), .round = req_form(r, "round")};
	posted_codes(r, &f);
	return f;
}

/* The input of a posted form; the round is -1 when it is not a number (action_check refuses it). */
static ActionInput input_of(const Fields *f)
{
	ActionInput in = {.title = f->title, .description = f->description, .owner_login = f->owner, .due = f->due,
	                  .status = f->status, .questions = f->questions, .nquestions = f->nquestions,
	                  .themes = f->themes, .nthemes = f->nthemes};
	if (!str_empty(f->round) && !parse_int64(f->round, &in.round_id))
		in.round_id = -1;
	return in;
}

/* The field a message of action_check names by its first word ("Frist: ..."), for the flash. */
static const char *field_of(const char *msg)
{
	static const struct {
		const char *prefix, *field;
	} map[] = {{"Titel", "title"},   {"Beskrivelse", "description"}, {"Ansvarlig", "owner"},
	           {"Frist", "due"},     {"Status", "status"},           {"Tilsyn", "round"},
	           {"Spørgsmål", "questions_text"}, {"Temaer", "themes"}};
	for (size_t i = 0; i < COUNT(map); i++)
		if (strncmp(msg, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].field;
	return NULL;
}

static const char *joined(Req *r, const char *const *codes, int n)
{
	Buf all;
	buf_init(&all, 0);
	for (int i = 0; i < n; i++)
		buf_printf(&all, "%s%s", i ? " " : "", codes[i]);
	const char *s = arena_strdup(r->arena, buf_cstr(&all));
	buf_free(&all);
	return s;
}

/* A refused form back to its page by a 303 (flash.c). The flash keeps one value a name, so the
** checked questions and themes travel joined in one field each. */
static void refuse(Req *r, const Fields *f, const char *msg, const char *location)
{
	const Param keep[] = {{.name = "form", .value = req_form(r, "form")},
	                      {.name = "title", .value = f->title},
	                      {.name = "description", .value = f->description},
	                      {.name = "owner", .value = f->owner},
	                      {.name = "due", .value = f->due},
	                      {.name = "status", .value = f->status},
	                      {.name = "round", .value = f->round},
	                      {.name = "question_codes", .value = joined(r, f->questions, f->nquestions)},
	                      {.name = "theme_codes", .value = joined(r, f->themes, f->nthemes)}};
	Param *form = arena_alloc(r->arena, sizeof keep);
	int n = 0;
	for (size_t i = 0; i < COUNT(keep); i++)
		if (keep[i].value)
			form[n++] = keep[i];
	r->form = form;
	r->nform = n;
	flash_fail(r, location, field_of(msg), msg);
}

static const char *const *split_codes(Req *r, const char *s, int *n)
{
	const char **codes = arena_alloc(r->arena, sizeof *codes * (ACTION_MAX_TARGETS + 2));
	*n = 0;
	char *text = arena_strdup(r->arena, s ? s : "");
	for (char *save = NULL, *t = strtok_r(text, " ", &save); t && *n <= ACTION_MAX_TARGETS; t = strtok_r(NULL, " ", &save))
		codes[(*n)++] = t;
	return codes;
}

/* The fields of a refused form as typed, over the given ones. */
static void flashed_fields(Req *r, const Flash *fl, Fields *f)
{
	if (!flash_has(fl))
		return;
	f->title = flash_value(fl, "title", f->title);
	f->description = flash_value(fl, "description", f->description);
	f->owner = flash_value(fl, "owner", f->owner);
	f->due = flash_value(fl, "due", f->due);
	f->status = flash_value(fl, "status", f->status);
	f->round = flash_value(fl, "round", f->round);
	f->questions_text = NULL;
	if (flash_value(fl, "question_codes", NULL))
		f->questions = split_codes(r, flash_value(fl, "question_codes", NULL), &f->nquestions);
	if (flash_value(fl, "theme_codes", NULL))
		f->themes = split_codes(r, flash_value(fl, "theme_codes", NULL), &f->nthemes);
}

/* ---- the list ---- */

static void list_page(Req *r, Fields *f)
{
	const Flash *fl = flash_take(r);
	flashed_fields(r, fl, f);
	Buf *b = &r->out;
	Department *d = r->dept;
	char today[11];
	date_today(today);
	page_begin(r, _("Tiltag"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Tiltag</p>\n<h1>Tiltag og opfølgning</h1>\n"
	            "<p class=\"lead\">De tiltag, afdelingen har besluttet efter et tilsyn. Når det næste sammenlignelige "
	            "tilsyn har svar, viser hvert tiltag ændringen i de spørgsmål, det skal forbedre.</p>\n",
	         d->code, d->name);
	flash_summary(r, fl);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT a.id, a.title, coalesce(u.name, ''), coalesce(a.due, ''), a.status, coalesce(rd.title, '')"
	           " FROM action_item a LEFT JOIN users u ON u.id = a.owner_id LEFT JOIN round rd ON rd.id = a.round_id"
	           " WHERE a.department_id = ?1"
	           " ORDER BY a.status IN ('gennemfoert', 'opgivet'), a.due IS NULL, a.due, a.id");
	db_bind_int(&q, 1, d->id);
	int n = 0, late = 0;
	Buf rows;
	buf_init(&rows, 0);
	while (db_step(&q)) {
		n++;
		const char *due = db_col_text(&q, 3), *st = db_col_text(&q, 4);
		int overdue = action_overdue(due, st, today);
		late += overdue;
		html_fmt(&rows, "<tr><td><a href=\"/d/%U/actions/%I\">%T</a></td><td>%T</td><td class=\"nowrap\">%T</td><td>",
		         d->code, db_col_int(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2), date_text_in(r->arena, due));
		status_tags(&rows, st, overdue);
		html_fmt(&rows, "</td><td>%T</td></tr>\n", db_col_text(&q, 5));
	}
	db_finalize(&q);
	if (n) {
		html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tiltag\"><table>\n"
		            "<caption>%d tiltag, %d med overskredet frist</caption>\n<thead><tr><th scope=\"col\">Tiltag</th>"
		            "<th scope=\"col\">Ansvarlig</th><th scope=\"col\">Frist</th><th scope=\"col\">Status</th>"
		            "<th scope=\"col\">Tilsyn</th></tr></thead>\n<tbody>\n",
		         n, late);
		buf_append(b, rows.data, rows.len);
		html_lit(b, "</tbody>\n</table></div>\n");
		html_fmt(b, "<p><a href=\"/d/%U/actions.xlsx\" download>Hent tiltagene som regneark (xlsx)</a></p>\n", r->dept->code);
	} else {
		html_lit(b, "<p>Afdelingen har ingen tiltag endnu. Tiltag besluttes typisk, når resultaterne er fremlagt for "
		            "ledelsen og personalet.</p>\n");
	}
	buf_free(&rows);
	if (workgroup(r)) {
		html_fmt(b, "<h2 id=\"nyt\">Nyt tiltag</h2>\n<form method=\"get\" action=\"/d/%U/actions#nyt\" class=\"filters\">"
		            "<div><label for=\"round-choice\">Vælg spørgsmål fra tilsynet</label><select id=\"round-choice\" "
		            "name=\"round\">",
		         d->code);
		html_option(b, "", _("Intet bestemt tilsyn"), str_empty(f->round));
		db_prepare(&q, r->db,
		           "SELECT id, title FROM round WHERE department_id = ?1 AND EXISTS (SELECT 1 FROM answer a WHERE"
		           " a.round_id = round.id) ORDER BY coalesce(planned_start, substr(created_at, 1, 10)) DESC, id DESC");
		db_bind_int(&q, 1, d->id);
		while (db_step(&q)) {
			char *id = arena_printf(r->arena, "%lld", (long long)db_col_int(&q, 0));
			html_option(b, id, db_col_text(&q, 1), str_eq(f->round, id));
		}
		db_finalize(&q);
		html_lit(b, "</select></div><div class=\"actions\"><button type=\"submit\" class=\"secondary\">Vis spørgsmål"
		            "</button></div></form>\n");
		action_form(r, arena_printf(r->arena, "/d/%s/actions", d->code), f, fl, _("Gem tiltaget"));
	}
	page_end(r);
}

void page_action_list(Req *r)
{
	if (!readers_only(r))
		return;
	/* ?round=ID&question=CODE: a new action started from a weak question on the results page. */
	Fields f = {.round = req_query(r, "round")};
	const char *code = req_query(r, "question");
	if (!str_empty(code)) {
		const char **one = arena_alloc(r->arena, sizeof *one);
		one[0] = code;
		f.questions = one;
		f.nquestions = 1;
	}
	list_page(r, &f);
}

void page_action_create(Req *r)
{
	Fields f = posted_fields(r);
	ActionInput in = input_of(&f);
	char msg[512];
	int64_t id;
	if (!req_begin(r))
		return;
	if (action_add(r->db, r->dept, &in, r->user->id, &id, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		refuse(r, &f, arena_strdup(r->arena, msg), arena_printf(r->arena, "/d/%s/actions#nyt", r->dept->code));
		return;
	}
	audit_action(r, id, "action_add", in.title);
	if (!req_commit(r, _("Tiltaget kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/actions/%lld?saved=1", r->dept->code, (long long)id));
}

/* ---- one action ---- */

static int action_from_capture(Req *r, ActionItem *a)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "id"), &id) || !action_by_id(r->db, id, a) || a->department_id != r->dept->id) {
		http_error(r, 404, _("Tiltaget findes ikke i denne afdeling."));
		return 0;
	}
	return 1;
}

/* One measurement in a cell: "55 % (11 af 20)", or why there is none. */
static void figure_cell(Req *r, int has, int64_t yes, int64_t base, double share, double low, double high)
{
	if (!has)
		html_lit(&r->out, "<td>–</td>");
	else if (!workgroup(r) && base < REPORT_MIN_CASES)
		html_fmt(&r->out, "<td>for få svar til at vise (under %d)</td>", REPORT_MIN_CASES);
	else
		html_fmt(&r->out, "<td class=\"num\"><strong>%T</strong> (%I af %I)<br><span class=\"hint\">interval "
		                  "%T</span></td>",
		         pct(r, share), yes, base, arena_printf(r->arena, "%.0f–%.0f %%", 100 * low, 100 * high));
}

static void follow_up(Req *r, const ActionItem *a)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	ActionFollowUp f;
	action_follow_up(r->db, a, &f);
	html_lit(b, "<h2>Opfølgning</h2>\n");
	if (f.ntargets == 0) {
		html_lit(b, "<p>Tiltaget er ikke knyttet til bestemte spørgsmål eller temaer, så der er ingen tal at følge.</p>\n");
		action_follow_up_free(&f);
		return;
	}
	Round from = {0};
	if (f.from_round)
		round_by_id(r->db, f.from_round, &from);
	if (!f.from_round)
		html_lit(b, "<p>Tiltaget er ikke knyttet til et tilsyn, så der er intet udgangspunkt at måle ændringen fra.</p>\n");
	else if (!f.next_round)
		html_fmt(b, "<p>Tallene er fra %T. Der er endnu intet senere, sammenligneligt tilsyn (samme art, med svar), så "
		            "ændringen kan ikke måles endnu.</p>\n",
		         from.title);
	else {
		html_fmt(b, "<p>Før: %T. Efter: %T, det næste sammenlignelige tilsyn.</p>\n", from.title, f.next_title);
		if (str_eq(f.next_phase, "planlaegning") || str_eq(f.next_phase, "udvaelgelse") ||
		    str_eq(f.next_phase, "gennemgang"))
			page_message(r, "warn", _("Gennemgangen i det senere tilsyn er ikke afsluttet, så tallene efter er foreløbige."));
	}
	int both = f.next_round != 0;
	html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Opfølgning\"><table>\n"
	            "<caption>Andel opfyldt i det, tiltaget skal forbedre</caption>\n<thead><tr>"
	            "<th scope=\"col\">Spørgsmål eller tema</th><th scope=\"col\">Før</th>");
	if (both)
		html_lit(b, "<th scope=\"col\">Efter</th><th scope=\"col\">Ændring (95 %-interval)</th>"
		            "<th scope=\"col\">Vurdering</th>");
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int t = 0; t < f.ntargets; t++) {
		const ActionChange *c = &f.targets[t];
		int theme = str_eq(c->kind, "theme");
		html_fmt(b, "<tr><th scope=\"row\">%T<strong>%T</strong> %T", theme ? _("Tema: ") : "", theme ? c->text : c->code,
		         theme ? "" : c->text);
		if (theme && c->nquestions)
			html_fmt(b, " <span class=\"hint\">(%d spørgsmål lagt sammen)</span>", c->nquestions);
		html_lit(b, "</th>");
		figure_cell(r, c->has_before, c->before_yes, c->before_base, c->before, c->before_low, c->before_high);
		if (both) {
			figure_cell(r, c->has_after, c->after_yes, c->after_base, c->after, c->after_low, c->after_high);
			int hidden = !workgroup(r) && (c->before_base < REPORT_MIN_CASES || c->after_base < REPORT_MIN_CASES);
			if (c->has_after && !hidden)
				html_fmt(b, "<td class=\"num nowrap\">%T</td><td>%T</td>",
				         arena_printf(r->arena, "%+.0f point (%+.0f til %+.0f)", 100 * c->diff, 100 * c->diff_low,
				                      100 * c->diff_high),
				         stats_verdict_word(c->verdict));
			else
				html_fmt(b, "<td>–</td><td>%T</td>", c->has_after ? "–" : _("ikke målt igen"));
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	html_lit(b, "<p class=\"hint\">Opfyldt er andelen »ja« blandt ja, delvist og nej. En ændring kaldes kun »forbedret« "
	            "eller »forværret«, når hele intervallet for forskellen ligger på samme side af 0. Et tema lægger "
	            "svarene på sine spørgsmål sammen, kun dem der er stillet i begge tilsyn.</p>\n");
	if (workgroup(r) && f.from_round)
		html_fmt(b, "<p><a href=\"/d/%U/rounds/%I/results\">Se alle resultater fra %T</a></p>\n", d->code, f.from_round,
		         from.title);
	action_follow_up_free(&f);
}

static void show_page(Req *r, const ActionItem *a, Fields *edit)
{
	const Flash *fl = flash_take(r);
	flashed_fields(r, fl, edit);
	int error = flash_has(fl);
	Buf *b = &r->out;
	Department *d = r->dept;
	char today[11];
	date_today(today);
	page_begin(r, a->title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/actions\">Tiltag</a> › %T</p>\n"
	            "<h1>%T</h1>\n",
	         d->code, d->name, d->code, a->title, a->title);
	flash_summary(r, fl);
	if (!error && req_query(r, "saved"))
		page_message(r, "ok", _("Tiltaget er gemt."));
	int overdue = action_overdue(a->due, a->status, today);
	html_lit(b, "<dl class=\"facts\">\n<dt>Status</dt><dd>");
	status_tags(b, a->status, overdue);
	char due[40];
	date_text(a->due, due);
	html_fmt(b, "</dd>\n<dt>Ansvarlig</dt><dd>%T</dd>\n<dt>Frist</dt><dd>%T</dd>\n",
	         *a->owner_name ? a->owner_name : _("ingen"), *a->due ? due : "–");
	if (a->round_id) {
		Round rd;
		if (round_by_id(r->db, a->round_id, &rd))
			html_fmt(b, "<dt>Besluttet efter</dt><dd>%T</dd>\n", rd.title);
	}
	html_fmt(b, "<dt>Beskrivelse</dt><dd class=\"prewrap\">%T</dd>\n</dl>\n", *a->description ? a->description : "–");
	follow_up(r, a);
	if (workgroup(r)) {
		/* Folded away: the page is about the follow-up; open when a change was refused. */
		if (error)
			html_lit(b, "<details class=\"redraw\" open><summary>Ret tiltaget</summary>\n");
		else
			html_lit(b, "<details class=\"redraw\"><summary>Ret tiltaget</summary>\n");
		action_form(r, arena_printf(r->arena, "/d/%s/actions/%lld", d->code, (long long)a->id), edit, fl,
		            _("Gem ændringer"));
		html_lit(b, "</details>\n");
	} else if (a->owner_id == r->user->id) {
		html_lit(b, "<h2>Skift status</h2>\n<p class=\"hint\">Du er ansvarlig for tiltaget.</p>\n");
		page_form_begin(r, arena_printf(r->arena, "/d/%s/actions/%lld", d->code, (long long)a->id));
		html_lit(b, "<input type=\"hidden\" name=\"form\" value=\"status\"><div class=\"stack\">\n");
		status_select(r, fl, edit->status);
		html_lit(b, "<button type=\"submit\">Gem status</button>\n</div>\n</form>\n");
	}
	page_end(r);
}

/* The form's fields as the action is stored. */
static Fields stored_fields(Req *r, const ActionItem *a)
{
	Fields f = {.title = a->title, .description = a->description, .owner = a->owner_login, .due = a->due,
	            .status = a->status, .round = a->round_id ? arena_printf(r->arena, "%lld", (long long)a->round_id) : ""};
	const char **questions = arena_alloc(r->arena, sizeof *questions * (ACTION_MAX_TARGETS + 1));
	const char **themes = arena_alloc(r->arena, sizeof *themes * (ACTION_MAX_TARGETS + 1));
	Stmt q;
	db_prepare(&q, r->db, "SELECT kind, code FROM action_target WHERE action_id = ?1 ORDER BY code");
	db_bind_int(&q, 1, a->id);
	while (db_step(&q)) {
		if (f.nquestions + f.nthemes >= ACTION_MAX_TARGETS)
			break;
		if (str_eq(db_col_text(&q, 0), "theme"))
			themes[f.nthemes++] = arena_strdup(r->arena, db_col_text(&q, 1));
		else
			questions[f.nquestions++] = arena_strdup(r->arena, db_col_text(&q, 1));
	}
	db_finalize(&q);
	f.questions = questions;
	f.themes = themes;
	return f;
}

void page_action_show(Req *r)
{
	if (!readers_only(r))
		return;
	ActionItem a;
	if (!action_from_capture(r, &a))
		return;
	Fields f = stored_fields(r, &a);
	show_page(r, &a, &f);
}

void page_action_update(Req *r)
{
	ActionItem a;
	if (!readers_only(r) || !action_from_capture(r, &a))
		return;
	int full = workgroup(r) && !str_eq(req_form(r, "form"), "status");
	if (!full && !workgroup(r) && a.owner_id != r->user->id) {
		deny(r, arena_printf(r->arena, "action:%lld", (long long)a.id),
		     _("Kun arbejdsgruppen og den ansvarlige kan ændre et tiltag."));
		return;
	}
	Fields f = full ? posted_fields(r) : stored_fields(r, &a);
	if (!full)
		f.status = req_form(r, "status");
	char msg[512];
	if (!req_begin(r))
		return;
	ActionInput in = input_of(&f);
	int rc = full ? action_update(r->db, r->dept, a.id, &in, r->user->id, msg, sizeof msg)
	              : action_set_status(r->db, a.id, f.status ? f.status : "", r->user->id, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		refuse(r, &f, arena_strdup(r->arena, msg),
		       arena_printf(r->arena, "/d/%s/actions/%lld", r->dept->code, (long long)a.id));
		return;
	}
	audit_action(r, a.id, full ? "action_update" : "action_status",
	             arena_printf(r->arena, "%s: %s", a.title, f.status ? f.status : ""));
	if (!req_commit(r, _("Tiltaget kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/actions/%lld?saved=1", r->dept->code, (long long)a.id));
}
