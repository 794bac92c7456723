/*
** Editing and deleting a round on the web: its title, period, kind (until the sample is
** drawn) and themes (until the first answer), and deleting a round nobody has reviewed a case
** of. Deleting takes a reason and a confirmation step that works without JavaScript: the
** first POST shows what goes and what stays, and only the second, with confirm=1, deletes.
** round.c holds the rules; a finished round is closed to both, and so is deleting once a case
** is reviewed. A refused edit comes back to the edit page by a 303 as typed, a refused delete to
** the round page with the reason (flash.c).
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

/* A field as typed in the refused form, else what is stored; a CPR number is never shown back. */
static const char *typed_or(Req *r, const char *name, const char *stored)
{
	const char *v = req_form(r, name);
	return !v ? stored : cpr_find(v) >= 0 ? "" : v;
}

static void crumbs(Req *r, const Round *rd, const char *here)
{
	html_fmt(&r->out,
	         "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	         "<a href=\"/d/%U/rounds/%I\">%T</a> › %T</p>\n",
	         r->dept->code, r->dept->name, r->dept->code, r->dept->code, rd->id, rd->title, here);
}

/* The delete section of the edit page: why it cannot be deleted, or the form that asks. */
static void delete_section(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	html_lit(b, "<h2 id=\"slet\">Slet tilsynet</h2>\n");
	char why[400];
	if (round_delete_blocked(r->db, rd, why, sizeof why)) {
		html_fmt(b, "<p>%T</p>\n", why);
		return;
	}
	html_lit(b, "<p>Et tilsyn, hvor ingen sag er gennemgået, kan slettes, fx når det er oprettet ved en fejl. "
	            "Stikprøven, fordelingen og planlægningen slettes med det; møder og tiltag bliver i afdelingen, og "
	            "loggen beholder alt, hvad der er sket med tilsynet.</p>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/delete", r->dept->code, (long long)rd->id));
	html_fmt(b, "<div class=\"stack\">\n<label for=\"delete-reason\">Begrundelse for at slette</label>\n"
	            "<textarea id=\"delete-reason\" name=\"reason\" rows=\"2\" required maxlength=\"%d\" "
	            "aria-describedby=\"delete-reason-hint\">%T</textarea>\n"
	            "<p class=\"hint\" id=\"delete-reason-hint\">Begrundelsen og tilsynets titel gemmes i loggen.</p>\n"
	            "<div class=\"actions\"><button type=\"submit\" class=\"danger\">Slet tilsynet …</button></div>\n"
	            "</div>\n</form>\n",
	         ROUND_DELETE_REASON_MAX, typed_or(r, "reason", ""));
}

static void edit_page(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	flash_restore_form(r, f); /* a refused edit comes back as typed */
	page_begin(r, arena_printf(r->arena, _("Ret %s"), rd->title));
	crumbs(r, rd, _("Ret"));
	html_fmt(b, "<h1>Ret tilsynet</h1>\n<p class=\"lead\">%T</p>\n", rd->title);
	flash_summary(r, f);
	if (round_writable(r->db, rd->id, NULL, 0) != 0) {
		html_fmt(b, "<p class=\"closed\">%T</p>\n<p><a href=\"/d/%U/rounds/%I#fase\">Til tilsynets fase</a></p>\n",
		         _(round_closed_text), r->dept->code, rd->id);
		page_end(r);
		return;
	}
	int sampled = *rd->sampled_at != 0;
	int answered = *rd->review_started_at != 0;
	const char *title = typed_or(r, "title", rd->title), *kind = typed_or(r, "kind", rd->kind);
	const char *start = typed_or(r, "start", rd->planned_start), *end = typed_or(r, "end", rd->planned_end);
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/edit", r->dept->code, (long long)rd->id));
	html_fmt(b, "<div class=\"stack\">\n<label for=\"title\">Titel</label>\n"
	            "<input id=\"title\" name=\"title\" required maxlength=\"200\" value=\"%A\">\n",
	         title);
	if (sampled) { /* shown, not sent: the kind is fixed once the sample is drawn */
		html_fmt(b, "<label for=\"kind\">Art</label>\n<select id=\"kind\" disabled aria-describedby=\"kind-hint\">");
		html_option(b, rd->kind, round_kind_title(rd->kind), 1);
		html_lit(b, "</select>\n<p class=\"hint\" id=\"kind-hint\">Arten kan ikke ændres, når stikprøven er trukket.</p>\n");
	} else {
		html_lit(b, "<label for=\"kind\">Art</label>\n<select id=\"kind\" name=\"kind\">");
		html_option(b, "overordnet", round_kind_title("overordnet"), str_eq(kind, "overordnet"));
		html_option(b, "uddybende", round_kind_title("uddybende"), str_eq(kind, "uddybende"));
		html_option(b, "ekstern", round_kind_title("ekstern"), str_eq(kind, "ekstern"));
		html_lit(b, "</select>\n");
	}
	html_lit(b, "<fieldset><legend>Temaer (uddybende tilsyn; anbefalingen er højst to)</legend>\n");
	if (answered)
		html_lit(b, "<p class=\"hint\">Temaerne kan ikke ændres, når gennemgangen er begyndt.</p>\n");
	else /* unticking every theme must clear them: the form says it sent its themes */
		html_lit(b, "<input type=\"hidden\" name=\"themes\" value=\"1\">\n");
	const char **checked = arena_alloc(r->arena, (size_t)(r->nform + 8) * sizeof *checked);
	int nchecked = 0;
	if (req_form(r, "themes")) {
		for (int k = 0; k < r->nform; k++)
			if (str_eq(r->form[k].name, "theme"))
				checked[nchecked++] = r->form[k].value;
	} else {
		char **stored;
		int n = round_themes(r->db, rd->id, &stored);
		checked = arena_alloc(r->arena, (size_t)(n + 1) * sizeof *checked);
		for (int k = 0; k < n; k++)
			checked[nchecked++] = arena_strdup(r->arena, stored[k]);
		round_themes_free(stored, n);
	}
	page_round_theme_choices(r, checked, nchecked, answered);
	html_fmt(b, "</fieldset>\n<label for=\"start\">Planlagt start</label>\n"
	            "<input id=\"start\" name=\"start\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"end\">Planlagt afslutning</label>\n<input id=\"end\" name=\"end\" type=\"date\" value=\"%A\">\n"
	            "<div class=\"actions\"><button type=\"submit\">Gem ændringerne</button> "
	            "<a class=\"button secondary\" href=\"/d/%U/rounds/%I\">Fortryd</a></div>\n</div>\n</form>\n",
	         start, end, r->dept->code, rd->id);
	delete_section(r, rd);
	page_end(r);
}

void page_round_edit(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd))
		edit_page(r, &rd);
}

/* Back by a 303 to the edit page (what was typed kept) or, for a refused delete, the round page. */
static void refuse(Req *r, const Round *rd, const char *to, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld%s", r->dept->code, (long long)rd->id, to), NULL, message);
}

void page_round_edit_post(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const char **themes = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *themes);
	RoundEdit e = {.title = req_form(r, "title"), .kind = req_form(r, "kind"), .start = req_form(r, "start"),
	               .end = req_form(r, "end"), .themes = themes, .set_themes = req_form(r, "themes") != NULL};
	for (int k = 0; k < r->nform; k++)
		if (str_eq(r->form[k].name, "theme") && *r->form[k].value)
			themes[e.nthemes++] = r->form[k].value;
	ReviewBy by = req_by(r);
	char msg[512];
	if (!req_begin(r))
		return;
	int rc = round_update(r->db, &rd, &e, &by, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		refuse(r, &rd, "/edit", msg);
		return;
	}
	if (!req_commit(r, _("Ændringen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?edited=1", r->dept->code, (long long)rd.id));
}

/* The confirmation step: what deleting takes with it and what stays, and the final button. */
static void confirm_page(Req *r, const Round *rd, const char *reason)
{
	Buf *b = &r->out;
	page_begin(r, arena_printf(r->arena, _("Slet %s"), rd->title));
	crumbs(r, rd, _("Slet"));
	html_fmt(b, "<h1>Vil du slette «%T»?</h1>\n", rd->title);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT (SELECT count(*) FROM round_case WHERE round_id = ?1),"
	           " (SELECT count(*) FROM meeting WHERE round_id = ?1), (SELECT count(*) FROM action_item WHERE round_id = ?1)");
	db_bind_int(&q, 1, rd->id);
	int64_t cases = 0, meetings = 0, actions = 0;
	if (db_step(&q)) {
		cases = db_col_int(&q, 0);
		meetings = db_col_int(&q, 1);
		actions = db_col_int(&q, 2);
	}
	db_finalize(&q);
	html_fmt(b, "<div class=\"msg warn\" role=\"status\"><strong>Bemærk:</strong> Sletningen kan ikke fortrydes.</div>\n"
	            "<dl class=\"facts\">\n<dt>Slettes</dt><dd>Tilsynet med planlægning og fasehistorik");
	if (cases)
		html_fmt(b, " og %I %T i stikprøven med deres fordeling", cases, cases == 1 ? _("sag") : _("sager"));
	html_lit(b, "</dd>\n<dt>Bevares</dt><dd>Loggen med alt, hvad der er sket med tilsynet");
	if (meetings || actions)
		html_fmt(b, "; afdelingens %I %T og %I tiltag bliver, uden tilknytning til tilsynet", meetings,
		         meetings == 1 ? _("møde") : _("møder"), actions);
	html_fmt(b, "</dd>\n<dt>Begrundelse</dt><dd>%T</dd>\n</dl>\n", reason);
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/delete", r->dept->code, (long long)rd->id));
	html_fmt(b, "<input type=\"hidden\" name=\"reason\" value=\"%A\"><input type=\"hidden\" name=\"confirm\" value=\"1\">"
	            "<div class=\"actions\"><button type=\"submit\" class=\"danger\">Ja, slet tilsynet</button> "
	            "<a class=\"button secondary\" href=\"/d/%U/rounds/%I\">Nej, behold tilsynet</a></div>\n</form>\n",
	         reason, r->dept->code, rd->id);
	page_end(r);
	r->status = 200;
}

void page_round_delete(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	char msg[512];
	const char *reason = req_form(r, "reason");
	/* Refusals first, whatever was typed: a closed round, a reviewed case (to the round page). */
	if (round_writable(r->db, rd.id, msg, sizeof msg) != 0 || round_delete_blocked(r->db, &rd, msg, sizeof msg)) {
		refuse(r, &rd, "", msg);
		return;
	}
	if (!str_eq(req_form(r, "confirm"), "1")) {
		const char *problem = round_delete_reason_problem(reason);
		if (problem) {
			refuse(r, &rd, "/edit", problem);
			return;
		}
		confirm_page(r, &rd, reason);
		return;
	}
	ReviewBy by = req_by(r);
	if (!req_begin(r))
		return;
	int rc = round_delete(r->db, &rd, reason, &by, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		refuse(r, &rd, rc == ROUND_CLOSED || rc == ROUND_REVIEWED ? "" : "/edit", msg);
		return;
	}
	if (!req_commit(r, _("Tilsynet kunne ikke slettes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds?deleted=1", r->dept->code));
}
