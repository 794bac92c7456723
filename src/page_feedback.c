/*
** The release of individual feedback (feedback.c): the working group sees per caseworker of a
** round whether their feedback is released (by the leader, or by a held feedback meeting), and
** the leader releases it for one caseworker or for all at once. An outside reviewer sees none
** of it.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

static void release_button(Req *r, const Round *rd, const char *advisor, const char *label, const char *hidden)
{
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/feedback/release", r->dept->code, (long long)rd->id));
	html_fmt(&r->out, "<input type=\"hidden\" name=\"advisor\" value=\"%A\"><button type=\"submit\" class=\"secondary\">"
	                  "%T<span class=\"sr\"> %T</span></button></form>",
	         advisor, label, hidden);
}

void page_feedback_show(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd) || external_refuse_staff_view(r, &rd, "frigivelse af individuel tilbagemelding"))
		return;
	Buf *b = &r->out;
	Department *d = r->dept;
	int leader = r->role == ROLE_LEDER;
	FeedbackState *s;
	int n = feedback_states(r->db, rd.id, &s), released = 0;
	for (int i = 0; i < n; i++)
		released += s[i].released;
	page_begin(r, arena_printf(r->arena, "Individuel tilbagemelding: %s", rd.title));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	            "<a href=\"/d/%U/rounds/%I\">%T</a> › Individuel tilbagemelding</p>\n<h1>Individuel tilbagemelding</h1>\n",
	         d->code, d->name, d->code, d->code, rd.id, rd.title);
	const char *done = req_query(r, "released");
	const Flash *f = flash_take(r);
	if (flash_has(f))
		flash_summary(r, f);
	else if (done && str_eq(done, "0"))
		page_message(r, "ok", _("Tilbagemeldingen var allerede frigivet."));
	else if (done)
		page_message(r, "ok", _("Tilbagemeldingen er frigivet. Rådgiveren kan nu se den på sin forside."));
	html_fmt(b, "<p class=\"lead\">%d af %d rådgivere kan se deres egen tilbagemelding.</p>\n"
	            "<p>En rådgiver ser først sin tilbagemelding og sine egne tal, når lederen har frigivet dem, eller når "
	            "rådgiverens individuelle tilbagemeldingsmøde er markeret som afholdt. Indtil da står der »endnu ikke "
	            "frigivet« hos rådgiveren. Hver frigivelse logges.</p>\n",
	         released, n);
	if (n == 0) {
		html_lit(b, "<p>Tilsynet har endnu ingen udtrukne sager, så der er ingen rådgivere.</p>\n");
		feedback_states_free(s, n);
		page_end(r);
		return;
	}
	html_lit(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tilbagemelding pr. rådgiver\"><table>\n"
	            "<caption>Tilbagemelding pr. rådgiver</caption>\n<thead><tr><th scope=\"col\">Rådgiver</th>"
	            "<th scope=\"col\">Individuelt møde</th><th scope=\"col\">Tilbagemelding</th>");
	if (leader)
		html_lit(b, "<th scope=\"col\"><span class=\"sr\">Handling</span></th>");
	html_lit(b, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const FeedbackState *x = &s[i];
		char day[40];
		date_text(x->meeting_date, day);
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td>", x->advisor);
		if (x->meeting_id)
			html_fmt(b, "<a href=\"/d/%U/meetings/%I\">%T %T</a>", d->code, x->meeting_id,
			         meeting_status_title(x->meeting_status), day);
		else
			html_lit(b, "ikke planlagt");
		html_lit(b, "</td><td>");
		if (x->released)
			html_tag(b, "done", _("Frigivet"));
		else
			html_tag(b, "todo", _("Ikke frigivet"));
		if (x->by_leader) {
			char at[64];
			date_time_danish(x->released_at, at);
			html_fmt(b, " <span class=\"hint\">%T af %T</span>", at, *x->released_by ? x->released_by : _("ukendt"));
		} else if (x->meeting_held)
			html_lit(b, " <span class=\"hint\">mødet er holdt</span>");
		html_lit(b, "</td>");
		if (leader) {
			html_lit(b, "<td>");
			if (!x->released)
				release_button(r, &rd, x->advisor, _("Frigiv"), arena_printf(r->arena, _("tilbagemeldingen til %s"),
				                                                             x->advisor));
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
	if (leader && released < n) {
		page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/feedback/release", d->code, (long long)rd.id));
		html_lit(b, "<input type=\"hidden\" name=\"all\" value=\"1\"><button type=\"submit\">Frigiv for alle, der mangler"
		            "</button></form>\n");
	} else if (!leader && released < n)
		html_lit(b, "<p class=\"hint\">Kun afdelingens leder kan frigive tilbagemeldinger.</p>\n");
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I/report\">Hent tilbagemeldingerne under Rapport</a> · "
	            "<a href=\"/d/%U/meetings\">Møder</a></p>\n",
	         d->code, rd.id, d->code);
	feedback_states_free(s, n);
	page_end(r);
}

/* POST advisor=NAME releases one caseworker's feedback; all=1 everyone's not yet released. */
void page_feedback_release(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const char *advisor = req_form(r, "advisor");
	int all = str_eq(req_form(r, "all"), "1");
	if (!all && str_empty(advisor)) {
		flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/feedback", r->dept->code, (long long)rd.id), NULL,
		           _("Vælg den rådgiver, hvis tilbagemelding skal frigives."));
		return;
	}
	if (!req_begin(r))
		return;
	ReviewBy by = req_by(r);
	char msg[400];
	int released = 0, rc = 0;
	if (all) {
		FeedbackState *s;
		int n = feedback_states(r->db, rd.id, &s);
		for (int i = 0; i < n && rc >= 0; i++)
			if (!s[i].released && (rc = feedback_release(r->db, &rd, s[i].advisor, &by, msg, sizeof msg)) > 0)
				released++;
		feedback_states_free(s, n);
	} else if ((rc = feedback_release(r->db, &rd, advisor, &by, msg, sizeof msg)) > 0)
		released++;
	if (rc < 0) {
		db_rollback(r->db);
		http_error(r, 404, arena_strdup(r->arena, msg));
		return;
	}
	if (!req_commit(r, _("Tilbagemeldingen kunne ikke frigives. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld/feedback?released=%d", r->dept->code, (long long)rd.id,
	                              released));
}
