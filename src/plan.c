/*
** The annual plan (årshjul) of a department: the tilsyn of one year and the warnings where
** the plan departs from the recommendations (domain.md). tilsyn never forbids a choice; it
** says clearly where the department does something else than recommended.
**
** Which rounds belong to a year. A round's period starts at its planned start, else the
** day its sample was drawn, else the day it was created; it ends at its planned end, else
** the day it was finished, else it is the start day. A round belongs to every year its
** period touches, so a tilsyn from December to January shows in both. For counting tilsyn
** (too_few_rounds) each round counts once, in the year its period starts.
**
** The warnings, each {code, round (0: the year as a whole), Danish message}:
**   too_few_rounds      fewer than two ledelsestilsyn (overordnet or uddybende) start in the
**                       year. External reviews are done by others and do not count.
**   too_few_cases       an overordnet below 30 or an uddybende below 20 cases: the sample
**                       when drawn, else round_plan.planned_cases when given.
**   too_many_themes     more than two themes in an overordnet or uddybende round; themes
**                       are the theme catalogues attached (round_catalogue position > 0)
**                       and the codes in round_theme. An external review's focus areas are
**                       agreed with the reviewers and are not counted.
**   remeasure_too_soon  the round starts less than 8 calendar months after the start of an
**                       earlier round (of any year) that measured the same: a theme in
**                       common, a case type in common (the provisions the samples were
**                       restricted to), or two overordnet rounds (their catalogue covers the
**                       whole case list unless both samples name provisions), or two
**                       external reviews without themes. Measured start to start, which a
**                       plan can be checked against before anything is sampled. The
**                       domain's 8-10 months for external reviews: warn below 8.
**   working_group       the working group is not 3-5 people with a leder, a koordinator
**                       and 1-3 rådgivere (workgroup_warnings() in workgroup.c decides).
**   staff_not_informed  the review started (round.review_started_at) without an information
**                       meeting for that round held (status afholdt) on or before that day;
**                       or the review has not started (and the round is not finished), the
**                       planned start is at most 30 days away (or passed), and no
**                       information meeting for the round is planned
**                       or held on or before the planned start. Dates compare as written:
**                       the review start is stored in UTC, meetings in local dates.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_REMEASURE_MONTHS 8
#define PLAN_INFORM_DAYS 30  /* how near a planned start asks for a planned information meeting */
#define PLAN_MIN_ROUNDS 2

/* ---- dates (yyyy-mm-dd; the calendar is dates.c's) ---- */

/* Whole calendar months from `from` to the later `to` (2025-09-01 to 2026-03-02: 6). */
static int months_between(const char *from, const char *to)
{
	int y1, m1, d1, y2, m2, d2;
	if (!date_ymd(from, &y1, &m1, &d1) || !date_ymd(to, &y2, &m2, &d2))
		return 0;
	int n = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1);
	return n < 0 ? 0 : n;
}

int plan_year_parse(const char *s, int *year)
{
	int64_t y;
	if (!s || strlen(s) != 4 || !parse_int64(s, &y) || y < PLAN_YEAR_MIN || y > PLAN_YEAR_MAX)
		return 0;
	*year = (int)y;
	return 1;
}

/* ---- titles ---- */

/* A short name of a warning, for lists such as the front page's. */
const char *plan_warning_title(const char *code)
{
	if (str_eq(code, "too_few_rounds"))
		return _("For få tilsyn i året");
	if (str_eq(code, "too_few_cases"))
		return _("For få sager");
	if (str_eq(code, "too_many_themes"))
		return _("For mange temaer");
	if (str_eq(code, "remeasure_too_soon"))
		return _("Det samme måles igen for tidligt");
	if (str_eq(code, "working_group"))
		return _("Arbejdsgruppen afviger fra anbefalingen");
	if (str_eq(code, "staff_not_informed"))
		return _("Medarbejderne er ikke informeret");
	return code;
}

/* ---- building the plan ---- */

static char *dup_col(Stmt *q, int i)
{
	return xstrdup(db_col_text(q, i));
}

static void free_strings(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void round_release(PlanRound *r)
{
	free_strings(r->themes, r->nthemes);
	free_strings(r->theme_titles, r->nthemes);
	free_strings(r->provisions, r->nprovisions);
	r->themes = r->theme_titles = r->provisions = NULL;
	r->nthemes = r->nprovisions = 0;
}

static void load_themes(Db *db, PlanRound *r)
{
	Stmt q;
	/* A theme chosen at creation is in both tables; round_theme may also hold a code that is
	** no catalogue (created before catalogues existed). */
	db_prepare(&q, db,
	           "SELECT code, min(title) FROM ("
	           " SELECT c.code AS code, c.title AS title, rc.position AS pos FROM round_catalogue rc"
	           "  JOIN catalogue c ON c.id = rc.catalogue_id WHERE rc.round_id = ?1 AND rc.position > 0"
	           " UNION ALL SELECT t.theme, coalesce((SELECT c.title FROM catalogue c WHERE c.code = t.theme"
	           "  ORDER BY c.version DESC LIMIT 1), t.theme), 1000000 FROM round_theme t WHERE t.round_id = ?1) AS x"
	           " GROUP BY code ORDER BY min(pos), code");
	db_bind_int(&q, 1, r->id);
	int cap = 0;
	while (db_step(&q)) {
		if (r->nthemes == cap) {
			cap = cap ? cap * 2 : 4;
			r->themes = xrealloc(r->themes, sizeof *r->themes * (size_t)cap);
			r->theme_titles = xrealloc(r->theme_titles, sizeof *r->theme_titles * (size_t)cap);
		}
		r->themes[r->nthemes] = dup_col(&q, 0);
		r->theme_titles[r->nthemes] = dup_col(&q, 1);
		r->nthemes++;
	}
	db_finalize(&q);
}

/* The provisions a round's sample was restricted to: the case types it measures. */
static void load_provisions(PlanRound *r, const char *filters)
{
	json_t *root = json_loads(*filters ? filters : "{}", 0, NULL);
	json_t *a = json_object_get(root, "provisions");
	size_t n = json_array_size(a);
	if (n) {
		r->provisions = xcalloc(n, sizeof *r->provisions);
		for (size_t i = 0; i < n; i++)
			if (json_string_value(json_array_get(a, i)))
				r->provisions[r->nprovisions++] = xstrdup(json_string_value(json_array_get(a, i)));
	}
	json_decref(root);
}

static void set_period(PlanRound *r, const char *sampled, const char *created, const char *finished)
{
	if (*r->planned_start) {
		snprintf(r->start, sizeof r->start, "%s", r->planned_start);
		r->date_source = "planned";
	} else if (date_valid_iso(sampled)) {
		snprintf(r->start, sizeof r->start, "%s", sampled);
		r->date_source = "sampled";
	} else {
		snprintf(r->start, sizeof r->start, "%s", created);
		r->date_source = "created";
	}
	if (*r->planned_end)
		snprintf(r->end, sizeof r->end, "%s", r->planned_end);
	else if (date_valid_iso(finished))
		snprintf(r->end, sizeof r->end, "%s", finished);
	else
		snprintf(r->end, sizeof r->end, "%s", r->start);
	if (strcmp(r->end, r->start) < 0)
		snprintf(r->end, sizeof r->end, "%s", r->start);
}

/* Every round of the department, ordered by the start of its period. */
static int load_rounds(Db *db, int64_t department_id, PlanRound **out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT r.id, r.kind, r.title, r.phase, coalesce(r.planned_start, ''), coalesce(r.planned_end, ''),"
	           " coalesce(substr(r.sampled_at, 1, 10), ''), substr(r.created_at, 1, 10),"
	           " coalesce(substr(r.review_started_at, 1, 10), ''), coalesce(substr(r.finished_at, 1, 10), ''),"
	           " coalesce(r.filters, ''),"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = r.id AND rc.status = 'udtrukket'),"
	           " (SELECT p.planned_cases FROM round_plan p WHERE p.round_id = r.id),"
	           " CASE WHEN r.sampled_at IS NOT NULL THEN 1 ELSE 0 END FROM round r WHERE r.department_id = ?1 ORDER BY r.id");
	db_bind_int(&q, 1, department_id);
	PlanRound *v = NULL;
	int n = 0, cap = 0;
	while (db_step(&q)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, sizeof *v * (size_t)cap);
		}
		PlanRound *r = &v[n++];
		memset(r, 0, sizeof *r);
		r->id = db_col_int(&q, 0);
		snprintf(r->kind, sizeof r->kind, "%s", db_col_text(&q, 1));
		snprintf(r->title, sizeof r->title, "%s", db_col_text(&q, 2));
		snprintf(r->phase, sizeof r->phase, "%s", db_col_text(&q, 3));
		snprintf(r->planned_start, sizeof r->planned_start, "%s", db_col_text(&q, 4));
		snprintf(r->planned_end, sizeof r->planned_end, "%s", db_col_text(&q, 5));
		snprintf(r->review_started, sizeof r->review_started, "%s", db_col_text(&q, 8));
		snprintf(r->finished, sizeof r->finished, "%s", db_col_text(&q, 9));
		set_period(r, db_col_text(&q, 6), db_col_text(&q, 7), r->finished);
		load_provisions(r, db_col_text(&q, 10));
		r->sampled = db_col_int(&q, 11);
		r->planned_cases = db_col_is_null(&q, 12) || db_col_int(&q, 12) <= 0 ? -1 : db_col_int(&q, 12);
		r->is_sampled = (int)db_col_int(&q, 13);
	}
	db_finalize(&q);
	for (int i = 0; i < n; i++)
		load_themes(db, &v[i]);
	/* By start, then id: insertion sort, a department has few rounds. */
	for (int i = 1; i < n; i++) {
		PlanRound x = v[i];
		int k = i;
		while (k > 0 && (strcmp(v[k - 1].start, x.start) > 0 ||
		                 (strcmp(v[k - 1].start, x.start) == 0 && v[k - 1].id > x.id))) {
			v[k] = v[k - 1];
			k--;
		}
		v[k] = x;
	}
	*out = v;
	return n;
}

ATTR_PRINTF(4, 5) static void warn(Plan *p, const char *code, int64_t round, const char *fmt, ...)
{
	p->warnings = xrealloc(p->warnings, sizeof *p->warnings * (size_t)(p->nwarnings + 1));
	PlanWarning *w = &p->warnings[p->nwarnings++];
	snprintf(w->code, sizeof w->code, "%s", code);
	w->round = round;
	va_list ap;
	va_start(ap, fmt);
	Buf b;
	buf_init(&b, 0);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	w->message = buf_detach(&b);
}

static int internal_kind(const char *kind)
{
	return str_eq(kind, "overordnet") || str_eq(kind, "uddybende");
}

static void check_rounds_in_year(Plan *p, const PlanRound *all, int n)
{
	char first[24], last[24];
	snprintf(first, sizeof first, "%04d-01-01", p->year);
	snprintf(last, sizeof last, "%04d-12-31", p->year);
	int count = 0;
	for (int i = 0; i < n; i++)
		count += internal_kind(all[i].kind) && strcmp(all[i].start, first) >= 0 && strcmp(all[i].start, last) <= 0;
	if (count >= PLAN_MIN_ROUNDS)
		return;
	warn(p, "too_few_rounds", 0,
	     _("%s i %d. Anbefalingen er mindst to ledelsestilsyn om året som en fast del af årshjulet, så kvaliteten "
	       "kan følges over tid. Overordnede og uddybende tilsyn tæller med; eksterne tilsyn gør ikke."),
	     count == 0 ? _("Der er intet ledelsestilsyn") : _("Der er kun ét ledelsestilsyn"), p->year);
}

/* The working group against the recommendation (workgroup.c), as one warning. */
static void check_workgroup(Db *db, Plan *p, int64_t department_id)
{
	const char *problems[8];
	int n = workgroup_warnings(db, department_id, problems, (int)COUNT(problems));
	if (n <= 0)
		return;
	Buf b;
	buf_init(&b, 0);
	for (int i = 0; i < n && i < (int)COUNT(problems); i++)
		buf_printf(&b, "%s%s", i ? " " : "", problems[i]);
	warn(p, "working_group", 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void check_cases(Plan *p, const PlanRound *r)
{
	if (!internal_kind(r->kind))
		return;
	Round probe = {0};
	snprintf(probe.kind, sizeof probe.kind, "%s", r->kind);
	int64_t minimum = str_eq(r->kind, "overordnet") ? RECOMMENDED_OVERORDNET : RECOMMENDED_UDDYBENDE;
	if (r->is_sampled) {
		const char *w = round_size_warning(&probe, r->sampled);
		if (w)
			warn(p, "too_few_cases", r->id, _("«%s»: %lld udtrukne sager. %s"), r->title, (long long)r->sampled, w);
	} else if (r->planned_cases >= 0 && round_size_warning(&probe, r->planned_cases)) {
		warn(p, "too_few_cases", r->id, _("«%s»: der er planlagt %lld sager. %s bør omfatte mindst %lld sager."), r->title,
		     (long long)r->planned_cases,
		     str_eq(r->kind, "overordnet") ? _("Et overordnet ledelsestilsyn") : _("Et uddybende ledelsestilsyn"),
		     (long long)minimum);
	}
}

static void check_themes(Plan *p, const PlanRound *r)
{
	if (!internal_kind(r->kind) || r->nthemes <= RECOMMENDED_MAX_THEMES)
		return;
	Buf names;
	buf_init(&names, 0);
	for (int i = 0; i < r->nthemes; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", r->theme_titles[i]);
	warn(p, "too_many_themes", r->id,
	     _("«%s» har %d temaer (%s). Anbefalingen er højst to temaer pr. tilsyn, så hvert tema kan gås i dybden."),
	     r->title, r->nthemes, buf_cstr(&names));
	buf_free(&names);
}

static int has_string(char **v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (str_eq(v[i], s))
			return 1;
	return 0;
}

/*
** What the earlier round a and the later round b both measure, as Danish words for the
** message ("temaet «Sagsoplysning»"), written to what; 0 when they measure different things.
*/
static int same_measure(const PlanRound *a, const PlanRound *b, char *what, size_t n)
{
	for (int i = 0; i < b->nthemes; i++)
		if (has_string(a->themes, a->nthemes, b->themes[i]))
			return snprintf(what, n, _("temaet «%s»"), b->theme_titles[i]), 1;
	for (int i = 0; i < b->nprovisions; i++)
		if (has_string(a->provisions, a->nprovisions, b->provisions[i]))
			return snprintf(what, n, _("sager efter %s"), b->provisions[i]), 1;
	int broad = a->nprovisions == 0 || b->nprovisions == 0;
	if (str_eq(a->kind, "overordnet") && str_eq(b->kind, "overordnet") && broad)
		return snprintf(what, n, "%s", _("det samme overordnede katalog")), 1;
	if (str_eq(a->kind, "ekstern") && str_eq(b->kind, "ekstern") && broad && !a->nthemes && !b->nthemes)
		return snprintf(what, n, "%s", _("de samme sagstyper i et eksternt tilsyn")), 1;
	return 0;
}

static void check_remeasure(Plan *p, const PlanRound *all, int k)
{
	const PlanRound *b = &all[k];
	/* The latest earlier round that measured the same; all[] is ordered by start, then id. */
	for (int i = k - 1; i >= 0; i--) {
		const PlanRound *a = &all[i];
		char limit[11], what[320];
		if (!date_add_months(a->start, PLAN_REMEASURE_MONTHS, limit))
			continue;
		if (strcmp(b->start, limit) >= 0)
			break; /* every round before this one started even earlier */
		if (!same_measure(a, b, what, sizeof what))
			continue;
		int months = months_between(a->start, b->start);
		char after[64];
		if (months == 0)
			snprintf(after, sizeof after, "%s", _("under en måned"));
		else
			snprintf(after, sizeof after, months == 1 ? _("%d måned") : _("%d måneder"), months);
		char start[40];
		date_text(a->start, start);
		warn(p, "remeasure_too_soon", b->id,
		     _("«%s» måler %s igen kun %s efter «%s» (start %s). Anbefalingen er mindst 8 måneder (eksterne tilsyn: "
		       "8-10 måneder), før det samme måles igen, så nye vaner kan nå at slå igennem."),
		     b->title, what, after, a->title, start);
		return;
	}
}

static int information_meeting(Db *db, int64_t round_id, const char *by, int held_only)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT 1 FROM meeting WHERE round_id = ?1 AND kind = 'information' AND date <= ?2"
	           " AND (status = 'afholdt' OR (?3 = 0 AND status = 'planlagt')) LIMIT 1");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, by);
	db_bind_int(&q, 3, held_only);
	int found = db_step(&q);
	db_finalize(&q);
	return found;
}

static void check_informed(Db *db, Plan *p, const PlanRound *r, const char *today)
{
	char day[40];
	if (*r->review_started) {
		date_text(r->review_started, day);
		if (!information_meeting(db, r->id, r->review_started, 1))
			warn(p, "staff_not_informed", r->id,
			     _("«%s»: gennemgangen begyndte %s, men der er ikke registreret et afholdt informationsmøde for "
			       "medarbejderne før da. Anbefalingen er at præsentere rammen og tidsplanen på et personalemøde, før "
			       "gennemgangen begynder."),
			     r->title, day);
		return;
	}
	char horizon[11];
	if (str_eq(r->phase, "afsluttet") || !*r->planned_start || !date_add_days(today, PLAN_INFORM_DAYS, horizon) ||
	    strcmp(r->planned_start, horizon) > 0)
		return;
	if (information_meeting(db, r->id, r->planned_start, 0))
		return;
	date_text(r->planned_start, day);
	warn(p, "staff_not_informed", r->id,
	     _("«%s» %s %s, men der er ikke planlagt et informationsmøde for medarbejderne inden da. Anbefalingen er at "
	       "præsentere rammen og tidsplanen på et personalemøde, før gennemgangen begynder."),
	     r->title, strcmp(r->planned_start, today) < 0 ? _("skulle efter planen være begyndt") : _("begynder efter planen"),
	     day);
}

int plan_build(Db *db, const Department *d, int year, const char *today, Plan *out)
{
	memset(out, 0, sizeof *out);
	out->year = year;
	PlanRound *all;
	int n = load_rounds(db, d->id, &all);
	char first[24], last[24];
	snprintf(first, sizeof first, "%04d-01-01", year);
	snprintf(last, sizeof last, "%04d-12-31", year);

	check_rounds_in_year(out, all, n);
	check_workgroup(db, out, d->id);
	out->rounds = xcalloc(n ? (size_t)n : 1, sizeof *out->rounds);
	for (int k = 0; k < n; k++) {
		const PlanRound *r = &all[k];
		if (strcmp(r->start, last) > 0 || strcmp(r->end, first) < 0)
			continue;
		check_cases(out, r);
		check_themes(out, r);
		check_remeasure(out, all, k);
		check_informed(db, out, r, today);
	}
	/* The rounds of the year move to the plan; the others are released. */
	for (int k = 0; k < n; k++) {
		if (strcmp(all[k].start, last) > 0 || strcmp(all[k].end, first) < 0)
			round_release(&all[k]);
		else
			out->rounds[out->nrounds++] = all[k];
	}
	free(all);
	return 0;
}

void plan_free(Plan *p)
{
	for (int i = 0; i < p->nrounds; i++)
		round_release(&p->rounds[i]);
	for (int i = 0; i < p->nwarnings; i++)
		free(p->warnings[i].message);
	free(p->rounds);
	free(p->warnings);
	memset(p, 0, sizeof *p);
}

static json_t *date_or_null(const char *s)
{
	return *s ? json_string(s) : json_null();
}

char *plan_json(const Plan *p)
{
	json_t *root = json_object(), *rounds = json_array(), *warnings = json_array();
	for (int i = 0; i < p->nrounds; i++) {
		const PlanRound *r = &p->rounds[i];
		json_t *o = json_object(), *themes = json_array();
		for (int k = 0; k < r->nthemes; k++)
			json_array_append_new(themes, json_string(r->themes[k]));
		json_object_set_new(o, "id", json_integer(r->id));
		json_object_set_new(o, "kind", json_string(r->kind));
		json_object_set_new(o, "title", json_string(r->title));
		json_object_set_new(o, "phase", json_string(r->phase));
		json_object_set_new(o, "planned_start", date_or_null(r->planned_start));
		json_object_set_new(o, "planned_end", date_or_null(r->planned_end));
		json_object_set_new(o, "start", json_string(r->start));
		json_object_set_new(o, "end", json_string(r->end));
		json_object_set_new(o, "date_source", json_string(r->date_source));
		json_object_set_new(o, "sampled", json_integer(r->sampled));
		json_object_set_new(o, "planned_cases", r->planned_cases >= 0 ? json_integer(r->planned_cases) : json_null());
		json_object_set_new(o, "review_started", date_or_null(r->review_started));
		json_object_set_new(o, "finished", date_or_null(r->finished));
		json_object_set_new(o, "themes", themes);
		json_array_append_new(rounds, o);
	}
	for (int i = 0; i < p->nwarnings; i++) {
		const PlanWarning *w = &p->warnings[i];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(w->code));
		json_object_set_new(o, "round", w->round ? json_integer(w->round) : json_null());
		json_object_set_new(o, "message", json_string(w->message));
		json_array_append_new(warnings, o);
	}
	json_object_set_new(root, "rounds", rounds);
	json_object_set_new(root, "warnings", warnings);
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
