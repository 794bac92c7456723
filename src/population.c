/*
** The population of a sample: the cases of the department's current list that may be
** drawn, and for the others the reason they may not. One function computes it for the
** round page (before the draw), the command line and the draw itself (sample.c), so the
** numbers a leader reads are the numbers the draw used. The steps, in order: the current
** list; minus the cases reviewed in the department within the exclusion window; minus,
** filter by filter, the cases a filter removes, counting those removed only because the
** field is empty (a leader filtering on team should know that 40 cases have no team).
** Text filters (advisor, provision, team) match part of the text, ignoring case.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_TARGET, S_PROVISION, S_ADVISOR, S_TEAM, S_OPENED, S_DECIDED, S_COUNT };

typedef struct Filter {
	int on;
	int step; /* index into out->steps */
	char *needles[16];
	int nneedles;
} Filter;

static char *fold_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	return text_fold(s, xmalloc(n), n);
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

static void add_step(Population *out, Filter *f, const char *field, const char *fmt, ...) ATTR_PRINTF(4, 5);
static void add_step(Population *out, Filter *f, const char *field, const char *fmt, ...)
{
	PopulationStep *s = &out->steps[out->nsteps];
	f->on = 1;
	f->step = out->nsteps++;
	snprintf(s->field, sizeof s->field, "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof s->what, fmt, ap);
	va_end(ap);
}

/* "»a« eller »b«" of the given texts, cut to fit. */
static void quoted_list(char *out, size_t n, const char *const *v, int count)
{
	size_t o = 0;
	out[0] = 0;
	for (int i = 0; i < count && o < n; i++) {
		int w = snprintf(out + o, n - o, "%s»%s«", i == 0 ? "" : i + 1 == count ? _(" eller ") : ", ", v[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static void date_range_text(char *out, size_t n, const char *from, const char *to)
{
	if (from && to)
		snprintf(out, n, _("fra %s til %s"), from, to);
	else if (from)
		snprintf(out, n, _("fra %s"), from);
	else
		snprintf(out, n, _("til %s"), to);
}

/* Whether the value (empty: *empty set) passes a text filter. */
static int text_passes(const Filter *f, const char *value, int *empty)
{
	if (str_empty(value))
		return *empty = 1, 0;
	for (int i = 0; i < f->nneedles; i++)
		if (text_contains_folded(value, f->needles[i]))
			return 1;
	return 0;
}

static int date_passes(const char *value, const char *from, const char *to, int *empty)
{
	if (str_empty(value))
		return *empty = 1, 0;
	return (!from || strcmp(value, from) >= 0) && (!to || strcmp(value, to) <= 0);
}

/* The start of the exclusion window at instant now: `months` calendar months before, at the
** same time of day (UTC), by the month rule of dates.c. A case drawn at or after it counts
** as recently reviewed. */
void population_window_start(time_t now, int64_t months, char out[32])
{
	if (months > 1200)
		months = 1200; /* a century reaches every case ever drawn; more would leave the calendar */
	time_iso_add_months(out, now, -(long)months);
}

/* Case numbers in bytewise order (UTF-8 bytes as unsigned), as the population digest
** fixes them: "B-10" < "a-3" < "b-2" < "Æ-1". */
static int by_case_no(const void *a, const void *b)
{
	const char *x = ((const PopulationCase *)a)->case_no, *y = ((const PopulationCase *)b)->case_no;
	size_t nx = strlen(x), ny = strlen(y);
	int c = memcmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

/*
** Computes the population of round r under filters f and the exclusion window (months; 0
** leaves no case out: a round sampled this very second would otherwise count as "within
** 0 months"). Cases sampled and not replaced in another round of the department within the
** window are left out. With want_cases, out->cases holds the eligible cases ordered by case
** number (bytewise), as the population digest needs them. Release with population_free.
*/
int population_compute(Db *db, const Round *r, const SampleFilters *f, int64_t exclude_months, int want_cases,
                       Population *out)
{
	memset(out, 0, sizeof *out);
	out->exclude_months = exclude_months;
	CaseListVersion v;
	if (case_list_current(db, r->department_id, &v))
		out->import_id = v.id;

	Filter flt[S_COUNT] = {{0}};
	const char *target = nz(f->target);
	if (target)
		add_step(out, &flt[S_TARGET], _("målgruppe"), _("Målgruppen er %s"), target);
	if (f->nprovisions) {
		char list[120];
		quoted_list(list, sizeof list, f->provisions, f->nprovisions);
		add_step(out, &flt[S_PROVISION], _("paragraf"), _("Paragraffen indeholder %s"), list);
		for (int i = 0; i < f->nprovisions && i < 16; i++)
			flt[S_PROVISION].needles[flt[S_PROVISION].nneedles++] = fold_dup(f->provisions[i]);
	}
	if (nz(f->advisor)) {
		add_step(out, &flt[S_ADVISOR], _("rådgiver"), _("Rådgiveren indeholder »%.100s«"), f->advisor);
		flt[S_ADVISOR].needles[flt[S_ADVISOR].nneedles++] = fold_dup(f->advisor);
	}
	if (nz(f->team)) {
		add_step(out, &flt[S_TEAM], _("team"), _("Teamet indeholder »%.100s«"), f->team);
		flt[S_TEAM].needles[flt[S_TEAM].nneedles++] = fold_dup(f->team);
	}
	char range[64];
	const char *of = nz(f->opened_from), *ot = nz(f->opened_to), *df = nz(f->decided_from), *dt = nz(f->decided_to);
	if (of || ot) {
		date_range_text(range, sizeof range, of, ot);
		add_step(out, &flt[S_OPENED], _("oprettet"), _("Oprettet %s"), range);
	}
	if (df || dt) {
		date_range_text(range, sizeof range, df, dt);
		add_step(out, &flt[S_DECIDED], _("seneste afgørelse"), _("Seneste afgørelse %s"), range);
	}

	/* Without a window (NULL) no case is left out. */
	char since[32];
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.id, c.case_no, c.advisor, c.target, c.provision, c.team, c.opened, c.decided,"
	           " CASE WHEN EXISTS (SELECT 1 FROM round_case rc JOIN round o ON o.id = rc.round_id"
	           "  WHERE rc.case_id = c.id AND o.department_id = ?1 AND o.id <> ?2"
	           "  AND rc.status = 'udtrukket' AND o.sampled_at >= ?3) THEN 1 ELSE 0 END"
	           " FROM cases c WHERE c.department_id = ?1 AND c.on_list = 1");
	db_bind_int(&q, 1, r->department_id);
	db_bind_int(&q, 2, r->id);
	if (exclude_months > 0) {
		population_window_start(time(NULL), exclude_months, since);
		db_bind_text(&q, 3, since);
	}
	size_t cap = 0;
	while (db_step(&q)) {
		out->listed++;
		if (db_col_int(&q, 8)) {
			out->excluded++;
			continue;
		}
		int pass = 1, empty = 0, at = -1;
		for (int s = 0; s < S_COUNT && pass; s++) {
			if (!flt[s].on)
				continue;
			at = flt[s].step;
			switch (s) {
			case S_TARGET: pass = str_eq(db_col_text(&q, 3), target); empty = str_empty(db_col_text(&q, 3)); break;
			case S_PROVISION: pass = text_passes(&flt[s], db_col_text(&q, 4), &empty); break;
			case S_ADVISOR: pass = text_passes(&flt[s], db_col_text(&q, 2), &empty); break;
			case S_TEAM: pass = text_passes(&flt[s], db_col_text(&q, 5), &empty); break;
			case S_OPENED: pass = date_passes(db_col_text(&q, 6), of, ot, &empty); break;
			case S_DECIDED: pass = date_passes(db_col_text(&q, 7), df, dt, &empty); break;
			}
		}
		if (!pass) {
			out->steps[at].removed++;
			out->steps[at].removed_empty += empty;
			continue;
		}
		out->eligible++;
		if (!want_cases)
			continue;
		if (out->ncases == cap)
			out->cases = xrealloc(out->cases, (cap = cap ? cap * 2 : 1024) * sizeof *out->cases);
		PopulationCase *c = &out->cases[out->ncases++];
		c->case_id = db_col_int(&q, 0);
		c->case_no = xstrdup(db_col_text(&q, 1));
		c->advisor = xstrdup(db_col_text(&q, 2));
	}
	db_finalize(&q);
	/* Sorted here, not by the database, whose collation could differ between backends. */
	if (out->ncases > 1)
		qsort(out->cases, out->ncases, sizeof *out->cases, by_case_no);
	for (int s = 0; s < S_COUNT; s++)
		for (int i = 0; i < flt[s].nneedles; i++)
			free(flt[s].needles[i]);
	return 0;
}

void population_free(Population *p)
{
	for (size_t i = 0; i < p->ncases; i++) {
		free(p->cases[i].case_no);
		free(p->cases[i].advisor);
	}
	free(p->cases);
	p->cases = NULL;
	p->ncases = 0;
}

/* The warning for a filter that removes cases because their field is empty, else 0. */
int population_empty_warning(const PopulationStep *s, char *out, size_t n)
{
	if (!s->removed_empty)
		return 0;
	snprintf(out, n,
	         s->removed_empty == 1 ? _("Filteret fjerner %lld sag, fordi feltet %s er tomt i den. Den kan ikke komme med.")
	                               : _("Filteret fjerner %lld sager, fordi feltet %s er tomt i dem. De kan ikke komme med."),
	         (long long)s->removed_empty, s->field);
	return 1;
}
