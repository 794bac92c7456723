/*
** The annual plan (årshjul) page: a department's year as a timeline (each tilsyn a bar from
** planned start to end, meetings and action due dates as markers), the warnings where the
** plan departs from the recommendations (plan.c), and the year's rounds, meetings and
** deadlines as tables, which are also the timeline's text alternative. Also the calendar:
** the .ics download for the working group, the leder's secret subscription address, the
** public feed behind it, and the plan's warnings on each leder's and koordinator's front page.
*/
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INK "#1c2733"
#define GRID "#c4ccd4"
#define SOFT "#5b6670"

/* A meeting or an action's due date in the year, as the timeline and the table show it. */
typedef struct Marker {
	int is_action;
	int64_t id, round_id;        /* round_id 0: not tied to a tilsyn */
	const char *date, *time;     /* time "" when none */
	const char *what;            /* the meeting's kind or the action's title */
	const char *status;
	const char *round_title;
} Marker;

static int load_markers(Req *r, int year, Marker **out)
{
	char first[24], last[24];
	snprintf(first, sizeof first, "%04d-01-01", year);
	snprintf(last, sizeof last, "%04d-12-31", year);
	int n = 0, cap = 16;
	Marker *v = arena_alloc(r->arena, sizeof *v * (size_t)cap);
	for (int pass = 0; pass < 2; pass++) {
		Stmt q;
		if (pass == 0)
			db_prepare(&q, r->db,
			           "SELECT m.id, coalesce(m.round_id, 0), m.date, coalesce(m.time, ''), m.kind, m.status,"
			           " coalesce(rd.title, '') FROM meeting m LEFT JOIN round rd ON rd.id = m.round_id"
			           " WHERE m.department_id = ?1 AND m.date BETWEEN ?2 AND ?3 ORDER BY m.date, coalesce(m.time, ''), m.id");
		else
			db_prepare(&q, r->db,
			           "SELECT a.id, coalesce(a.round_id, 0), a.due, '', a.title, a.status, coalesce(rd.title, '')"
			           " FROM action_item a LEFT JOIN round rd ON rd.id = a.round_id"
			           " WHERE a.department_id = ?1 AND a.due BETWEEN ?2 AND ?3 ORDER BY a.due, a.id");
		db_bind_int(&q, 1, r->dept->id);
		db_bind_text(&q, 2, first);
		db_bind_text(&q, 3, last);
		while (db_step(&q)) {
			if (!date_valid_iso(db_col_text(&q, 2)))
				continue;
			if (n == cap) {
				Marker *bigger = arena_alloc(r->arena, sizeof *v * (size_t)cap * 2);
				memcpy(bigger, v, sizeof *v * (size_t)n);
				v = bigger;
				cap *= 2;
			}
			v[n++] = (Marker){.is_action = pass == 1,
			                  .id = db_col_int(&q, 0),
			                  .round_id = db_col_int(&q, 1),
			                  .date = arena_strdup(r->arena, db_col_text(&q, 2)),
			                  .time = arena_strdup(r->arena, db_col_text(&q, 3)),
			                  .what = arena_strdup(r->arena, db_col_text(&q, 4)),
			                  .status = arena_strdup(r->arena, db_col_text(&q, 5)),
			                  .round_title = arena_strdup(r->arena, db_col_text(&q, 6))};
		}
		db_finalize(&q);
	}
	/* Meetings and actions together by date (insertion sort keeps each day's order). */
	for (int i = 1; i < n; i++) {
		Marker x = v[i];
		int k = i;
		while (k > 0 && strcmp(v[k - 1].date, x.date) > 0) {
			v[k] = v[k - 1];
			k--;
		}
		v[k] = x;
	}
	*out = v;
	return n;
}

static const char *marker_title(const Marker *m)
{
	return m->is_action ? m->what : meeting_kind_title(m->what);
}

static const char *marker_status(const Marker *m)
{
	return m->is_action ? action_status_title(m->status) : meeting_status_title(m->status);
}

static const char *kind_colour(const char *kind)
{
	if (str_eq(kind, "overordnet"))
		return "#0072B2"; /* Okabe-Ito blue */
	if (str_eq(kind, "uddybende"))
		return "#009E73"; /* bluish green */
	return "#D55E00";     /* vermillion: external */
}

static const char *kind_short(const char *kind)
{
	if (str_eq(kind, "overordnet"))
		return _("Overordnet");
	if (str_eq(kind, "uddybende"))
		return _("Uddybende");
	return _("Eksternt");
}

/* The x coordinate of the start of a day of the year; `plot` pixels span the year. */
static int day_x(const char *first, const char *date, int days, int x0, int plot)
{
	long d = date_diff_days(first, date);
	if (d < 0)
		d = 0;
	if (d > days)
		d = days;
	return x0 + (int)(d * plot / days);
}

static void marker_shape(Buf *b, const Marker *m, int x, int y)
{
	int cancelled = str_eq(m->status, "aflyst") || str_eq(m->status, "opgivet");
	const char *fill = cancelled ? "#ffffff" : INK;
	if (m->is_action)
		html_fmt(b, "<path d=\"M%d %dl6 6l-6 6l-6 -6z\" fill=\"%A\" stroke=\"" INK "\" stroke-width=\"1.5\"/>\n", x,
		         y - 6, fill);
	else
		html_fmt(b, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%A\" stroke=\"" INK "\" stroke-width=\"1.5\"/>\n", x, y,
		         fill);
}

static int round_listed(const Plan *p, int64_t round_id)
{
	for (int k = 0; k < p->nrounds; k++)
		if (p->rounds[k].id == round_id)
			return 1;
	return 0;
}

/*
** The year as an SVG timeline: twelve month columns, a row per tilsyn with its bar (clipped
** to the year) and the markers of its meetings, then a row for meetings without a tilsyn
** and one for the actions' due dates. role="img" with a title and a description; the tables
** after it hold the same facts, with links.
*/
static void timeline(Req *r, const Plan *p, const Marker *m, int nm, const char *today)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "maj", "jun",
	                                     "jul", "aug", "sep", "okt", "nov", "dec"};
	Buf *b = &r->out;
	char first[24], next_year[24];
	snprintf(first, sizeof first, "%04d-01-01", p->year);
	snprintf(next_year, sizeof next_year, "%04d-01-01", p->year + 1);
	int days = (int)date_diff_days(first, next_year);
	/* Meetings of no tilsyn, or of one not on this year's list, get a row of their own. */
	int loose = 0, actions = 0;
	for (int i = 0; i < nm; i++) {
		actions += m[i].is_action;
		loose += !m[i].is_action && !round_listed(p, m[i].round_id);
	}
	const int W = 720, x0 = 12, plot = W - 24, TOP = 34, ROW = 38;
	int rows = p->nrounds + (loose > 0) + (actions > 0);
	if (rows == 0)
		rows = 1;
	int H = TOP + rows * ROW + 36;
	html_fmt(b,
	         "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"plan-timeline\" role=\"img\" "
	         "aria-label=\"%A\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-family=\"system-ui, sans-serif\" "
	         "font-size=\"12\" fill=\"" INK "\">\n<title>%T</title>\n<desc>%T</desc>\n",
	         arena_printf(r->arena, "Tidslinje for %d", p->year), W, H, W, H,
	         arena_printf(r->arena, "Tidslinje for %d", p->year),
	         _("Årets tilsyn som bjælker fra planlagt start til afslutning, møder som cirkler og tiltagenes frister som "
	           "ruder. Tabellerne under tidslinjen har de samme oplysninger."));
	for (int k = 0; k < 12; k++) {
		char month_first[24];
		snprintf(month_first, sizeof month_first, "%04d-%02d-01", p->year, k + 1);
		int x = day_x(first, month_first, days, x0, plot);
		int x_next = k == 11 ? x0 + plot : day_x(first, arena_printf(r->arena, "%04d-%02d-01", p->year, k + 2), days, x0, plot);
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\"/>\n", x, TOP - 14, x, H - 30);
		html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%T</text>\n", (x + x_next) / 2, TOP - 18, months[k]);
	}
	html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\"/>\n", x0 + plot, TOP - 14, x0 + plot,
	         H - 30);
	int y = TOP;
	for (int k = 0; k < p->nrounds; k++, y += ROW) {
		const PlanRound *rd = &p->rounds[k];
		int xs = day_x(first, rd->start, days, x0, plot);
		char after_end[11];
		int xe = date_add_days(rd->end, 1, after_end) ? day_x(first, after_end, days, x0, plot) : xs + 2;
		if (xe < xs + 3)
			xe = xs + 3;
		/* The kind before the title, unless the title begins with it already. */
		const char *kind = kind_short(rd->kind);
		const char *label = strncasecmp(rd->title, kind, strlen(kind)) == 0
		                        ? rd->title
		                        : arena_printf(r->arena, "%s: %s", kind, rd->title);
		if (xs > x0 + plot - 260)
			html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%T</text>\n", xe, y + 12, label);
		else
			html_fmt(b, "<text x=\"%d\" y=\"%d\">%T</text>\n", xs, y + 12, label);
		html_fmt(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" rx=\"2\" fill=\"%A\"/>\n", xs, y + 18, xe - xs,
		         kind_colour(rd->kind));
		for (int i = 0; i < nm; i++)
			if (!m[i].is_action && m[i].round_id == rd->id)
				marker_shape(b, &m[i], day_x(first, m[i].date, days, x0, plot), y + 24);
	}
	if (loose) {
		html_fmt(b, "<text x=\"%d\" y=\"%d\" fill=\"" SOFT "\">%T</text>\n", x0, y + 12, _("Møder"));
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\" stroke-dasharray=\"2 3\"/>\n", x0,
		         y + 24, x0 + plot, y + 24);
		for (int i = 0; i < nm; i++)
			if (!m[i].is_action && !round_listed(p, m[i].round_id))
				marker_shape(b, &m[i], day_x(first, m[i].date, days, x0, plot), y + 24);
		y += ROW;
	}
	if (actions) {
		html_fmt(b, "<text x=\"%d\" y=\"%d\" fill=\"" SOFT "\">%T</text>\n", x0, y + 12, _("Tiltagenes frister"));
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" GRID "\" stroke-dasharray=\"2 3\"/>\n", x0,
		         y + 24, x0 + plot, y + 24);
		for (int i = 0; i < nm; i++)
			if (m[i].is_action)
				marker_shape(b, &m[i], day_x(first, m[i].date, days, x0, plot), y + 24);
		y += ROW;
	}
	if (p->nrounds == 0 && nm == 0)
		html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"" SOFT "\">%T</text>\n", x0 + plot / 2,
		         TOP + 20, _("Intet planlagt i året"));
	if (strncmp(today, first, 4) == 0) {
		int x = day_x(first, today, days, x0, plot);
		html_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" INK "\" stroke-dasharray=\"4 3\"/>\n", x,
		         TOP - 10, x, H - 30);
		html_fmt(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%T</text>\n", x, H - 18, _("i dag"));
	}
	/* The legend: colours of the kinds and the two marker shapes. */
	int ly = H - 6, lx = x0;
	static const char *const kinds[] = {"overordnet", "uddybende", "ekstern"};
	for (size_t k = 0; k < COUNT(kinds); k++) {
		html_fmt(b, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"8\" rx=\"2\" fill=\"%A\"/><text x=\"%d\" y=\"%d\" "
		            "font-size=\"11\">%T</text>\n",
		         lx, ly - 8, kind_colour(kinds[k]), lx + 18, ly, kind_short(kinds[k]));
		lx += 110;
	}
	Marker meeting = {.status = "planlagt"}, action = {.is_action = 1, .status = "planlagt"};
	marker_shape(b, &meeting, lx + 5, ly - 4);
	html_fmt(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%T</text>\n", lx + 14, ly, _("møde"));
	lx += 70;
	marker_shape(b, &action, lx + 6, ly - 4);
	html_fmt(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%T</text>\n", lx + 16, ly, _("frist for tiltag"));
	html_lit(b, "</svg>\n");
}

static void rounds_table(Req *r, const Plan *p)
{
	Buf *b = &r->out;
	const char *code = r->dept->code;
	html_fmt(b, "<h2>Tilsyn i %d</h2>\n", p->year);
	if (p->nrounds == 0) {
		html_fmt(b, "<p>Der er ingen tilsyn i %d. <a href=\"/d/%U/rounds\">Planlæg et tilsyn</a>.</p>\n", p->year, code);
		return;
	}
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tilsyn i %d\"><table>\n"
	            "<caption>%d tilsyn</caption>\n<thead><tr><th scope=\"col\">Tilsyn</th><th scope=\"col\">Art</th>"
	            "<th scope=\"col\">Fase</th><th scope=\"col\">Periode</th><th scope=\"col\" class=\"num\">Sager</th>"
	            "<th scope=\"col\">Temaer</th></tr></thead>\n<tbody>\n",
	         p->year, p->nrounds);
	for (int i = 0; i < p->nrounds; i++) {
		const PlanRound *rd = &p->rounds[i];
		html_fmt(b, "<tr><th scope=\"row\"><a href=\"/d/%U/rounds/%I\">%T</a></th><td>%T</td><td>%T</td>"
		            "<td class=\"nowrap\">%T – %T",
		         code, rd->id, rd->title, round_kind_title(rd->kind), phase_title(rd->phase),
		         date_text_in(r->arena, rd->start), date_text_in(r->arena, rd->end));
		if (str_eq(rd->date_source, "sampled"))
			html_lit(b, "<br><span class=\"hint\">ikke planlagt; dato fra udtrækningen</span>");
		else if (str_eq(rd->date_source, "created"))
			html_lit(b, "<br><span class=\"hint\">ikke planlagt; dato fra oprettelsen</span>");
		html_lit(b, "</td>");
		if (rd->is_sampled)
			html_fmt(b, "<td class=\"num\">%I</td>", rd->sampled);
		else if (rd->planned_cases >= 0)
			html_fmt(b, "<td class=\"num\">%I <span class=\"hint\">planlagt</span></td>", rd->planned_cases);
		else
			html_lit(b, "<td class=\"num\">–</td>");
		html_lit(b, "<td>");
		for (int k = 0; k < rd->nthemes; k++)
			html_fmt(b, "%T%T", k ? ", " : "", rd->theme_titles[k]);
		html_lit(b, "</td></tr>\n");
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

static void markers_table(Req *r, const Plan *p, const Marker *m, int nm)
{
	Buf *b = &r->out;
	const char *code = r->dept->code;
	html_fmt(b, "<h2>Møder og frister i %d</h2>\n", p->year);
	if (nm == 0) {
		html_fmt(b, "<p>Der er ingen møder eller frister for tiltag i %d.</p>\n", p->year);
		return;
	}
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Møder og frister i %d\"><table>\n"
	            "<caption>Møder og tiltagenes frister efter dato</caption>\n<thead><tr><th scope=\"col\">Dato</th>"
	            "<th scope=\"col\">Hvad</th><th scope=\"col\">Tilsyn</th><th scope=\"col\">Status</th></tr></thead>\n"
	            "<tbody>\n",
	         p->year);
	for (int i = 0; i < nm; i++) {
		html_fmt(b, "<tr><td class=\"nowrap\">%T</td>", date_local_in(r->arena, m[i].date, m[i].time));
		if (m[i].is_action)
			html_fmt(b, "<td><a href=\"/d/%U/actions/%I\">Frist for tiltag: %T</a></td>", code, m[i].id, marker_title(&m[i]));
		else
			html_fmt(b, "<td><a href=\"/d/%U/meetings/%I\">%T</a></td>", code, m[i].id, marker_title(&m[i]));
		if (m[i].round_id && *m[i].round_title)
			html_fmt(b, "<td><a href=\"/d/%U/rounds/%I\">%T</a></td>", code, m[i].round_id, m[i].round_title);
		else
			html_lit(b, "<td>–</td>");
		html_fmt(b, "<td>%T</td></tr>\n", marker_status(&m[i]));
	}
	html_lit(b, "</tbody>\n</table></div>\n");
}

static void calendar_section(Req *r)
{
	Buf *b = &r->out;
	const char *code = r->dept->code;
	html_fmt(b, "<h2>Kalender</h2>\n<p><a href=\"/d/%U/calendar.ics\">Hent kalenderen som fil (.ics)</a> – "
	            "alle afdelingens tilsyn, frister, møder og tiltag, til Outlook eller en anden kalender. Filen indeholder "
	            "kun datoer og titler: ingen sagsnumre, referater eller navne.</p>\n",
	         code);
	if (r->role != ROLE_LEDER) {
		html_lit(b, "<p class=\"hint\">Lederen kan lave en adresse, som Outlook kan abonnere på, så kalenderen holder "
		            "sig opdateret af sig selv.</p>\n");
		return;
	}
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT f.created_at, coalesce(u.name, '') FROM calendar_feed f LEFT JOIN users u ON u.id = f.created_by"
	           " WHERE f.department_id = ?1");
	db_bind_int(&q, 1, r->dept->id);
	int exists = db_step(&q);
	if (exists) {
		char at[64];
		date_time_danish(db_col_text(&q, 0), at);
		html_fmt(b, "<p>Der findes en adresse til kalenderabonnement, lavet %T af %T. Den virker, indtil der laves en ny.</p>\n",
		         at, *db_col_text(&q, 1) ? db_col_text(&q, 1) : _("kommandolinjen"));
	}
	db_finalize(&q);
	page_form_begin(r, arena_printf(r->arena, "/d/%s/calendar/feed", code));
	html_fmt(b, "<p class=\"hint\" id=\"feed-hint\">Adressen vises kun én gang. Alle, der kender den, kan se kalenderen "
	            "uden at logge ind, så del den kun med arbejdsgruppen.%T</p>\n<button type=\"submit\" "
	            "aria-describedby=\"feed-hint\">%T</button></form>\n",
	         exists ? _(" En ny adresse gør den gamle ugyldig.") : "",
	         exists ? _("Lav en ny adresse til kalenderabonnement") : _("Lav en adresse til kalenderabonnement"));
}

/* The year of ?year= (this year without it), and today; 0, and a 400 page, when it is no year. */
int page_plan_year(Req *r, char today[11], int *year)
{
	date_today(today);
	*year = atoi(today);
	const char *asked = req_query(r, "year");
	if (asked && !plan_year_parse(asked, year)) {
		http_error(r, 400, arena_printf(r->arena, _("Året skal skrives med fire cifre fra %d til %d, fx ?year=2026."),
		                                PLAN_YEAR_MIN, PLAN_YEAR_MAX));
		return 0;
	}
	return 1;
}

void page_plan_show(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	char today[11];
	int year;
	if (!page_plan_year(r, today, &year))
		return;
	Plan p;
	plan_build(r->db, d, year, today, &p);
	Marker *m;
	int nm = load_markers(r, year, &m);
	const char *title = arena_printf(r->arena, "Årshjul %d", year);
	page_begin(r, title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Årshjul</p>\n<h1>%T</h1>\n", d->code, d->name, title);
	html_lit(b, "<p class=\"lead\">Afdelingens tilsyn, møder og frister i året. Anbefalingen er mindst to tilsyn om "
	            "året: et overordnet med mindst 30 sager og et uddybende med mindst 20 sager og højst to temaer, med "
	            "medarbejderne informeret, før gennemgangen begynder.</p>\n");
	html_lit(b, "<nav class=\"years\" aria-label=\"Andre år\"><ul>");
	if (year > PLAN_YEAR_MIN)
		html_fmt(b, "<li><a href=\"/d/%U/plan?year=%d\" rel=\"prev\">← %d</a></li>", d->code, year - 1, year - 1);
	if (year < PLAN_YEAR_MAX)
		html_fmt(b, "<li><a href=\"/d/%U/plan?year=%d\" rel=\"next\">%d →</a></li>", d->code, year + 1, year + 1);
	html_lit(b, "</ul></nav>\n");
	if (p.nwarnings == 0)
		page_message(r, "ok", _("Planen følger anbefalingerne."));
	for (int i = 0; i < p.nwarnings; i++)
		page_message(r, "warn", p.warnings[i].message);
	timeline(r, &p, m, nm, today);
	rounds_table(r, &p);
	html_fmt(b, "<p><a href=\"/d/%U/plan.xlsx?year=%d\" download>Hent årshjulets tilsyn som regneark (xlsx)</a></p>\n",
	         d->code, year);
	markers_table(r, &p, m, nm);
	calendar_section(r);
	page_end(r);
	plan_free(&p);
}

/* ---- the calendar ---- */

static void send_calendar(Req *r, const Department *d)
{
	buf_reset(&r->out);
	ical_department(r->db, d, time(NULL), &r->out);
	r->status = 200;
	r->content_type = "text/calendar; charset=utf-8";
}

void page_calendar_download(Req *r)
{
	send_calendar(r, r->dept);
	http_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"tilsyn-%s.ics\"", r->dept->code));
	req_audit(r, "calendar_download", arena_printf(r->arena, "calendar:%s", r->dept->code), NULL);
}

/* The address as the leder's browser reached this server; a proxy in front that speaks
** HTTPS says so in X-Forwarded-Proto. A Host header with odd characters gives only the path. */
static const char *feed_address(Req *r, const char *token)
{
	const char *host = req_header(r, "Host");
	const char *proto = req_header(r, "X-Forwarded-Proto");
	const char *path = arena_printf(r->arena, "/calendar/%s.ics", token);
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		return path;
	return arena_printf(r->arena, "%s://%s%s", r->tls || str_eq(proto, "https") ? "https" : "http", host, path);
}

void page_calendar_feed_create(Req *r)
{
	Department *d = r->dept;
	char token[TOKEN_HEX], hash[65], now[32];
	auth_random_token(token);
	if (!ical_token_hash(token, hash)) {
		http_error(r, 500, _("Adressen kunne ikke laves. Prøv igen."));
		return;
	}
	time_iso(now, time(NULL));
	if (!req_begin(r))
		return;
	Stmt q;
	db_prepare(&q, r->db, "SELECT 1 FROM calendar_feed WHERE department_id = ?1");
	db_bind_int(&q, 1, d->id);
	int replaced = db_step(&q);
	db_finalize(&q);
	db_prepare(&q, r->db,
	           "INSERT INTO calendar_feed (department_id, token_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4)"
	           " ON CONFLICT (department_id) DO UPDATE SET token_hash = excluded.token_hash,"
	           " created_at = excluded.created_at, created_by = excluded.created_by");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, hash);
	db_bind_text(&q, 3, now);
	db_bind_int(&q, 4, r->user->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		db_rollback(r->db);
		http_error(r, 500, _("Adressen kunne ikke gemmes. Prøv igen."));
		return;
	}
	req_audit_in(r, d->id, "calendar_feed_create", arena_printf(r->arena, "calendar:%s", d->code),
	             replaced ? "ny adresse; den gamle virker ikke længere" : "ny adresse");
	if (!req_commit(r, _("Adressen kunne ikke gemmes. Prøv igen.")))
		return;
	Buf *b = &r->out;
	const char *address = feed_address(r, token);
	page_begin(r, _("Adresse til kalenderabonnement"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/plan\">Årshjul</a> › Kalender</p>\n"
	            "<h1>Adresse til kalenderabonnement</h1>\n",
	         d->code, d->name, d->code);
	page_message(r, "ok", replaced ? _("Den nye adresse er lavet, og den gamle virker ikke længere.")
	                               : _("Adressen er lavet."));
	html_fmt(b, "<div class=\"stack\">\n<label for=\"feed-url\">Adresse</label>\n<input id=\"feed-url\" readonly "
	            "value=\"%A\" aria-describedby=\"feed-once\">\n<p class=\"hint\" id=\"feed-once\">Kopiér adressen nu: den "
	            "vises kun denne ene gang, og tilsyn gemmer den ikke. Alle, der kender den, kan se afdelingens kalender "
	            "uden at logge ind, så del den kun med arbejdsgruppen.</p>\n</div>\n",
	         address);
	html_fmt(b, "<h2>Sådan abonnerer du</h2>\n<ul class=\"hint\">\n<li>Outlook: Tilføj kalender › Abonner fra internettet "
	            "(klassisk Outlook: Tilføj kalender › Fra internettet), og indsæt adressen.</li>\n<li>Google Kalender: "
	            "Andre kalendere › Fra webadresse.</li>\n<li>Kalenderen henter ændringer af sig selv, typisk et par gange "
	            "i døgnet.</li>\n</ul>\n<p><a href=\"/d/%U/plan\">Tilbage til årshjulet</a></p>\n",
	         d->code);
	page_end(r);
}

/* GET /calendar/TOKEN.ics: no login (calendar programs cannot log in); the token is the
** key. Only its hash is stored. Every fetch, and every unknown token, is audited. */
void page_calendar_public(Req *r)
{
	const char *name = req_capture(r, "token");
	size_t n = strlen(name);
	char token[65], hash[65];
	int ok = n == 68 && strcmp(name + 64, ".ics") == 0;
	if (ok) {
		memcpy(token, name, 64);
		token[64] = 0;
		ok = ical_token_hash(token, hash);
	}
	int64_t department_id = 0;
	if (ok) {
		Stmt q;
		db_prepare(&q, r->db, "SELECT department_id FROM calendar_feed WHERE token_hash = ?1");
		db_bind_text(&q, 1, hash);
		department_id = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
	}
	Department d;
	if (!department_id || !department_by_id(r->db, department_id, &d)) {
		audit_log(r->db, &(AuditEntry){.action = "calendar_feed_denied", .object = "calendar",
		                               .detail = "ukendt eller udløbet kalenderadresse", .ip = r->ip});
		http_error(r, 404, _("Kalenderen findes ikke. Adressen er forkert, eller lederen har lavet en ny."));
		return;
	}
	send_calendar(r, &d);
	audit_log(r->db, &(AuditEntry){.action = "calendar_feed_read", .department_id = d.id,
	                               .object = arena_printf(r->arena, "calendar:%s", d.code), .ip = r->ip});
}

/* ---- the front page ---- */

void plan_home_warnings(Req *r)
{
	Buf *b = &r->out;
	char today[11];
	date_today(today);
	int year = atoi(today);
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT d.id, d.code, d.name FROM membership m JOIN department d ON d.id = m.department_id"
	           " WHERE m.user_id = ?1 AND m.role IN ('leder', 'koordinator') ORDER BY d.name");
	db_bind_int(&q, 1, r->user->id);
	int shown = 0;
	while (db_step(&q)) {
		Department d = {.id = db_col_int(&q, 0)};
		snprintf(d.code, sizeof d.code, "%s", db_col_text(&q, 1));
		snprintf(d.name, sizeof d.name, "%s", db_col_text(&q, 2));
		Plan p;
		plan_build(r->db, &d, year, today, &p);
		if (p.nwarnings) {
			if (shown++ == 0)
				html_fmt(b, "<section class=\"plan-warnings\" aria-labelledby=\"plan-warn-h\">\n<h2 id=\"plan-warn-h\">"
				            "Årshjulet %d</h2>\n<p>Her afviger årets plan fra anbefalingerne:</p>\n<ul>\n",
				         year);
			html_fmt(b, "<li><a href=\"/d/%U/plan?year=%d\">%T</a>\n<ul>\n", d.code, year, d.name);
			for (int i = 0; i < p.nwarnings; i++) {
				const PlanWarning *w = &p.warnings[i];
				int seen = 0;
				for (int k = 0; k < i; k++)
					seen |= str_eq(p.warnings[k].code, w->code) && p.warnings[k].round == w->round;
				if (seen)
					continue;
				const char *round_title = NULL;
				for (int k = 0; k < p.nrounds; k++)
					if (p.rounds[k].id == w->round)
						round_title = p.rounds[k].title;
				if (round_title)
					html_fmt(b, "<li>%T: %T</li>\n", plan_warning_title(w->code), round_title);
				else
					html_fmt(b, "<li>%T</li>\n", plan_warning_title(w->code));
			}
			html_lit(b, "</ul>\n</li>\n");
		}
		plan_free(&p);
	}
	db_finalize(&q);
	if (shown)
		html_lit(b, "</ul>\n</section>\n");
}
