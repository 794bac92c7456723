/*
** What the web shows of the retention rule (retention.c): on a leader's front page the
** finished tilsyn of their departments whose case data is deleted within the notice
** period, and on a round's page and its results when its case data is, or was, deleted.
*/
#include "http.h"

#include <stdlib.h>
#include <string.h>

/* On the front page, for leaders: nothing is written when nothing is due soon. */
void retention_home_notice(Req *r)
{
	RetentionSettings s;
	retention_settings(r->db, &s);
	RetentionRound *v;
	int n = retention_rounds(r->db, &s, 0, r->user->id, &v);
	char today[11], until[11];
	time_t now = time(NULL);
	retention_today(r->db, now, today);
	retention_notice_until(r->db, &s, now, until);
	Buf *b = &r->out;
	int shown = 0;
	for (int i = 0; i < n; i++) {
		const RetentionRound *x = &v[i];
		if (*x->purged_at || !*x->due || strcmp(x->due, until) > 0)
			continue;
		if (shown++ == 0)
			html_fmt(b, "<section class=\"msg warn retention\" aria-labelledby=\"retention-h\">\n"
			            "<h2 id=\"retention-h\">Sagsdata slettes snart</h2>\n"
			            "<p>Efter opbevaringsreglen slettes sagsnumre, svar og bemærkninger i et afsluttet tilsyn %I "
			            "måneder efter afslutningen. Resultaterne bevares som optællinger, så udviklingen og "
			            "sammenligningerne kan stadig ses.</p>\n<ul>\n",
			         s.months);
		char due[40];
		date_text(x->due, due);
		html_fmt(b, "<li><a href=\"/d/%U/rounds/%I\">%T</a> (%T): ", x->department, x->round_id, x->title,
		         x->department);
		if (strcmp(x->due, today) <= 0)
			html_fmt(b, "sagsdata skulle slettes %T og slettes ved næste oprydning</li>\n", due);
		else
			html_fmt(b, "sagsdata slettes %T</li>\n", due);
	}
	if (shown)
		html_lit(b, "</ul>\n</section>\n");
	free(v);
}

/* On a round's page and its results: when the case data is deleted, or that it was. */
void retention_round_notice(Req *r, const Round *rd)
{
	char text[700];
	int state = retention_round_text(r->db, rd->id, text, sizeof text);
	if (state == 2)
		page_message(r, "warn", text);
	else if (state == 1)
		html_fmt(&r->out, "<p class=\"retention\">%T</p>\n", text);
}
