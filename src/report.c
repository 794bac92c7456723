/*
** The report model: what a report of a round holds for each audience, decided in one place.
**   ledelse       everything: results, per caseworker, acute concerns, and an appendix with
**                 every sampled case (case number) and its answers and comments;
**   medarbejdere  the whole staff: aggregates only; no case numbers, no caseworker names, no
**                 comments, no figure based on fewer than REPORT_MIN_CASES cases, and case
**                 examples only where the caseworker agreed (described by their findings);
**   raadgiver     one caseworker's own cases with answers and comments, beside the
**                 department's figures, where a figure is shown only when the OTHER
**                 caseworkers' cases behind it are at least REPORT_MIN_CASES (so that the
**                 caseworker cannot subtract their own answers and see a colleague's).
** Aggregates per category and for the whole round are pooled here from QuestionResult,
** leaving out suppressed questions (so that no total minus the shown parts reveals them);
** results_compute's groups pool every question, which is right for the working group's
** results page but not for a report with suppressed figures.
** The report's own words (report_text) are kept and checked for CPR numbers here too.
*/
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *code, *title;
} categories[3] = {
	{"forvaltningsret", "Forvaltningsret"},
	{"retssikkerhed", "Retssikkerhed"},
	{"socialfaglig", "Socialfaglig kvalitet"},
};

const char *report_category_title(const char *code)
{
	for (int i = 0; i < 3; i++)
		if (str_eq(code, categories[i].code))
			return _(categories[i].title);
	return code;
}

/* "ledelse", "medarbejdere" or "raadgiver:NAME" (name then points into s). */
int report_audience_parse(const char *s, ReportAudience *a, const char **name)
{
	*name = NULL;
	if (!s)
		return 0;
	if (str_eq(s, "ledelse"))
		*a = REPORT_LEDELSE;
	else if (str_eq(s, "medarbejdere"))
		*a = REPORT_MEDARBEJDERE;
	else if (strncmp(s, "raadgiver:", 10) == 0 && !str_empty(s + 10))
		*a = REPORT_RAADGIVER, *name = s + 10;
	else
		return 0;
	return 1;
}

int report_format_parse(const char *s, ReportFormat *f)
{
	if (str_eq(s, "html"))
		*f = REPORT_HTML;
	else if (str_eq(s, "pdf"))
		*f = REPORT_PDF;
	else if (str_eq(s, "xlsx"))
		*f = REPORT_XLSX;
	else
		return 0;
	return 1;
}

const char *report_audience_title(ReportAudience a)
{
	switch (a) {
	case REPORT_LEDELSE: return _("Rapport til ledelsen");
	case REPORT_MEDARBEJDERE: return _("Rapport til medarbejderne");
	case REPORT_RAADGIVER: return _("Individuel tilbagemelding");
	}
	return "";
}

const char *report_format_ext(ReportFormat f)
{
	return f == REPORT_PDF ? "pdf" : f == REPORT_XLSX ? "xlsx" : "html";
}

const char *report_format_type(ReportFormat f)
{
	return f == REPORT_PDF ? "application/pdf"
	       : f == REPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                          : "text/html; charset=utf-8";
}

/* Whether a figure based on this many cases must be left out. */
int report_suppress(int64_t cases)
{
	return cases < REPORT_MIN_CASES;
}

/* Danish percentages: "78 %", and intervals "45–94 %". */
void report_pct(char out[16], double p)
{
	snprintf(out, 16, "%.0f %%", 100 * p);
}

void report_interval(char out[40], double low, double high)
{
	snprintf(out, 40, "%.0f–%.0f %%", 100 * low, 100 * high);
}

const char *const report_stats_text[] = {
	"Sådan skal tallene læses. »Opfyldt« er andelen af de vurderede sager, hvor svaret var ja: ja / (ja + delvist + "
	"nej). Sager, hvor spørgsmålet ikke var relevant, eller som endnu ikke er besvaret, tæller ikke med.",
	"Et tilsyn ser på en stikprøve på 20–40 sager. Med så få sager flytter en procentsats sig meget ved et tilfælde: "
	"var der blevet trukket andre sager, kunne tallet let have været 10–20 procentpoint anderledes. Derfor står der "
	"ved hvert tal et 95 %-interval (Wilsons interval). Intervallet viser, hvor det sande niveau for afdelingens "
	"sager med rimelig sikkerhed ligger. Et bredt interval betyder, at tallet skal læses med forsigtighed.",
	"To spørgsmål, hvis intervaller overlapper meget, kan ikke siges at være forskellige. En ændring i forhold til "
	"sidste sammenlignelige tilsyn kaldes kun »forbedret« eller »forværret«, når intervallet for forskellen "
	"(Newcombes metode) ligger helt over eller helt under nul; ellers står der »ingen sikker ændring«.",
	"Tal for en kategori eller for hele tilsynet lægger alle vurderinger sammen. De vises uden interval, fordi "
	"svarene i samme sag hænger sammen, så et simpelt interval ville se mere sikkert ud, end det er.",
	"»Væsentlig betydning« tæller de nej- og delvist-svar, hvor manglen havde væsentlig betydning for afgørelsen.",
	NULL,
};

const char *const report_staff_rules[] = {
	"Rapporten er til hele medarbejdergruppen og viser kun samlede tal. Den nævner ingen sagsnumre og ingen "
	"rådgivere, og bemærkningerne fra gennemgangen er udeladt.",
	"Et tal, der bygger på færre end 5 sager, vises ikke, fordi det ville kunne pege på en bestemt sag eller "
	"rådgiver, og fordi det siger for lidt til at bygge på.",
	"Sagseksempler bruges kun, hvor rådgiveren har givet lov, og de beskrives alene ved gennemgangens fund.",
	NULL,
};

const char *report_suppressed_text(void)
{
	return _("vises ikke: bygger på færre end 5 sager");
}

int report_text_load(Db *db, int64_t round_id, ReportText *t)
{
	memset(t, 0, sizeof *t);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT t.summary, t.strengths, t.challenges, t.recommendations, t.status, t.updated_at,"
	           " coalesce(u.name, ''), coalesce(t.final_at, ''), coalesce(t.final_by_name, f.name, '')"
	           " FROM report_text t LEFT JOIN users u ON u.id = t.updated_by LEFT JOIN users f ON f.id = t.final_by"
	           " WHERE t.round_id = ?1");
	db_bind_int(&q, 1, round_id);
	if (db_step(&q)) {
		t->exists = 1;
		snprintf(t->summary, sizeof t->summary, "%s", db_col_text(&q, 0));
		snprintf(t->strengths, sizeof t->strengths, "%s", db_col_text(&q, 1));
		snprintf(t->challenges, sizeof t->challenges, "%s", db_col_text(&q, 2));
		snprintf(t->recommendations, sizeof t->recommendations, "%s", db_col_text(&q, 3));
		t->final = str_eq(db_col_text(&q, 4), "endelig");
		snprintf(t->updated_at, sizeof t->updated_at, "%s", db_col_text(&q, 5));
		snprintf(t->updated_by, sizeof t->updated_by, "%s", db_col_text(&q, 6));
		snprintf(t->final_at, sizeof t->final_at, "%s", db_col_text(&q, 7));
		snprintf(t->final_by, sizeof t->final_by, "%s", db_col_text(&q, 8));
	}
	db_finalize(&q);
	return t->exists;
}

/*
** Saves the four texts (summary, strengths, challenges, recommendations) of a round's
** report; final = 1 marks them final (who and when are recorded), 0 keeps or makes them a
** draft. Refuses a CPR number, invalid UTF-8 or an over-long text with a message naming the
** field. The caller holds the transaction. Returns 0, or -1 with the message in msg[n].
*/
int report_text_save(Db *db, int64_t round_id, const char *const texts[4], int final, int64_t user_id,
                     const char *who, char *msg, size_t n)
{
	static const char *const names[4] = {"Sammenfatning", "Styrker", "Udfordringer", "Anbefalinger"};
	for (int i = 0; i < 4; i++) {
		const char *s = texts[i] ? texts[i] : "";
		size_t len = strlen(s);
		if (len > 20000)
			return msg_fail(msg, n, _("%s er for lang (højst 20.000 tegn)."), names[i]);
		if (!utf8_valid(s, len))
			return msg_fail(msg, n, _("%s indeholder tegn, der ikke kan læses (ikke UTF-8)."), names[i]);
		if (cpr_find(s) >= 0)
			return msg_fail(msg, n,
			                _("%s ser ud til at indeholde et CPR-nummer. Rapporter må aldrig indeholde CPR-numre; "
			                  "skriv sagsnummeret eller beskriv sagen uden at den kan genkendes. Intet er gemt."),
			                names[i]);
	}
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO report_text (round_id, summary, strengths, challenges, recommendations, status, updated_at,"
	           " updated_by, final_at, final_by, final_by_name)"
	           " VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?6 THEN 'endelig' ELSE 'kladde' END, ?7, ?8,"
	           "  CASE WHEN ?6 THEN ?7 END, CASE WHEN ?6 THEN ?8 END, CASE WHEN ?6 THEN ?9 END)"
	           " ON CONFLICT (round_id) DO UPDATE SET summary = excluded.summary, strengths = excluded.strengths,"
	           " challenges = excluded.challenges, recommendations = excluded.recommendations, status = excluded.status,"
	           " updated_at = excluded.updated_at, updated_by = excluded.updated_by, final_at = excluded.final_at,"
	           " final_by = excluded.final_by, final_by_name = excluded.final_by_name");
	db_bind_int(&q, 1, round_id);
	for (int i = 0; i < 4; i++)
		db_bind_text(&q, 2 + i, texts[i] ? texts[i] : "");
	db_bind_int(&q, 6, final ? 1 : 0);
	db_bind_text(&q, 7, now);
	if (user_id > 0)
		db_bind_int(&q, 8, user_id);
	else
		db_bind_null(&q, 8);
	db_bind_text(&q, 9, who ? who : "");
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Rapportteksten kunne ikke gemmes. Prøv igen."));
	return 0;
}

static char *dup_or_null(Stmt *q, int i)
{
	return db_col_is_null(q, i) ? NULL : xstrdup(db_col_text(q, i));
}

/* The answers of one case as they count (relevance.c): one whose condition is not met reads
** "ikke relevant", one whose condition's question is unanswered is left out; in catalogue
** order; staff examples keep only the assessments. */
static void load_answers(Db *db, const Round *r, const Relevance *rel, ReportCase *c, int staff)
{
	char **values = relevance_case_values(db, rel, r->id, c->case_id, 0);
	int *states = xcalloc((size_t)(rel->n ? rel->n : 1), sizeof *states);
	relevance_decide(rel, (const char *const *)values, states);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.code, q.text, q.scale, a.value, a.material, a.comment, q.id FROM answer a"
	           " JOIN question q ON q.id = a.question_id JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           "  AND rc.round_id = a.round_id"
	           " WHERE a.round_id = ?1 AND a.case_id = ?2 AND coalesce(a.value, '') <> ''"
	           " AND (?3 = 0 OR (q.scale IN ('jdn', 'jn') AND a.value IN ('ja', 'delvist', 'nej', 'ikke_relevant')))"
	           " ORDER BY rc.position, q.position");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, c->case_id);
	db_bind_int(&q, 3, staff);
	int cap = 16;
	c->answers = xcalloc((size_t)cap, sizeof *c->answers);
	while (db_step(&q)) {
		int i = relevance_index(rel, db_col_int(&q, 6));
		int state = i >= 0 ? states[i] : RELEVANCE_ASKED;
		if (state == RELEVANCE_UNKNOWN)
			continue;
		if (c->nanswers == cap)
			c->answers = xrealloc(c->answers, (size_t)(cap *= 2) * sizeof *c->answers);
		ReportAnswer *a = &c->answers[c->nanswers++];
		a->code = xstrdup(db_col_text(&q, 0));
		a->text = xstrdup(db_col_text(&q, 1));
		a->scale = xstrdup(db_col_text(&q, 2));
		a->value = xstrdup(state == RELEVANCE_NOT_RELEVANT ? "ikke_relevant" : db_col_text(&q, 3));
		a->material = state == RELEVANCE_NOT_RELEVANT ? 0 : (int)db_col_int(&q, 4);
		a->comment = xstrdup(staff ? "" : db_col_text(&q, 5));
	}
	db_finalize(&q);
	free(states);
	relevance_values_free(values, rel->n);
}

static int has_counted_finding(const ReportCase *c)
{
	for (int k = 0; k < c->nanswers; k++)
		if (str_eq(c->answers[k].value, "ja") || str_eq(c->answers[k].value, "delvist") ||
		    str_eq(c->answers[k].value, "nej"))
			return 1;
	return 0;
}

static void free_case(ReportCase *c)
{
	for (int k = 0; k < c->nanswers; k++) {
		ReportAnswer *x = &c->answers[k];
		free(x->code), free(x->text), free(x->scale), free(x->value), free(x->comment);
	}
	free(c->answers);
	free(c->case_no), free(c->advisor), free(c->provision), free(c->acute_note);
}

static void load_cases(Db *db, Report *rp)
{
	int staff = rp->audience == REPORT_MEDARBEJDERE;
	Stmt q;
	/* Staff: only cases whose caseworker agreed to their use as an example, and that have findings. */
	db_prepare(&q, db,
	           "SELECT c.id, c.case_no, c.advisor, c.provision, rc.review_status, rc.acute, rc.acute_note"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " AND (?2 IN ('ledelse', 'raadgiver')"
	           "  OR (?2 = 'medarbejdere' AND rc.example_consent = 1"
	           "   AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id AND a.case_id = rc.case_id"
	           "    AND a.value IN ('ja', 'delvist', 'nej'))))"
	           " ORDER BY CASE WHEN ?2 = 'medarbejdere' THEN rc.sample_key ELSE c.case_no END");
	db_bind_int(&q, 1, rp->round.id);
	db_bind_text(&q, 2, rp->audience == REPORT_LEDELSE ? "ledelse" : staff ? "medarbejdere" : "raadgiver");
	int cap = 32;
	rp->cases = xcalloc((size_t)cap, sizeof *rp->cases);
	while (db_step(&q)) {
		/* A caseworker's own cases, matched by name as ident_same_person does everywhere. */
		if (rp->audience == REPORT_RAADGIVER &&
		    !(rp->advisor_user_id ? ident_owns(db, rp->round.department_id, db_col_text(&q, 2), rp->advisor_user_id)
		                          : ident_same_person(db_col_text(&q, 2), rp->advisor)))
			continue;
		if (rp->ncases == cap)
			rp->cases = xrealloc(rp->cases, (size_t)(cap *= 2) * sizeof *rp->cases);
		ReportCase *c = &rp->cases[rp->ncases++];
		memset(c, 0, sizeof *c);
		c->case_id = db_col_int(&q, 0);
		snprintf(c->review_status, sizeof c->review_status, "%s", db_col_text(&q, 4));
		if (!staff) {
			c->case_no = xstrdup(db_col_text(&q, 1));
			c->advisor = xstrdup(db_col_text(&q, 2));
			c->provision = dup_or_null(&q, 3);
			c->acute = (int)db_col_int(&q, 5);
			c->acute_note = c->acute ? dup_or_null(&q, 6) : NULL;
		}
	}
	db_finalize(&q);
	Relevance rel;
	relevance_load(db, rp->round.id, &rel);
	int kept = 0;
	for (int i = 0; i < rp->ncases; i++) {
		ReportCase *c = &rp->cases[i];
		load_answers(db, &rp->round, &rel, c, staff);
		/* A staff example must have a finding that counts: answers its condition rules out do not. */
		if (staff && !has_counted_finding(c)) {
			free_case(c);
			continue;
		}
		rp->cases[kept++] = *c;
	}
	rp->ncases = kept;
	relevance_free(&rel);
}

/* The caseworker's own ja / delvist / nej per question, as results.c counts them for their
** cases (results_round_advisor: the same relevance rules and the same matching of names). */
static void load_own(Db *db, Report *rp)
{
	rp->own_yes = xcalloc((size_t)rp->nq + 1, sizeof(int64_t));
	rp->own_partly = xcalloc((size_t)rp->nq + 1, sizeof(int64_t));
	rp->own_no = xcalloc((size_t)rp->nq + 1, sizeof(int64_t));
	if (rp->audience != REPORT_RAADGIVER)
		return;
	QuestionResult *own;
	int n = rp->advisor_user_id ? results_round_own(db, &rp->round, rp->advisor_user_id, &own)
	                            : results_round_advisor(db, &rp->round, rp->advisor, &own);
	for (int k = 0; k < n; k++)
		for (int i = 0; i < rp->nq; i++)
			if (rp->q[i].question_id == own[k].question_id) {
				rp->own_yes[i] = own[k].yes;
				rp->own_partly[i] = own[k].partly;
				rp->own_no[i] = own[k].no;
			}
	results_free(own, n);
}

/* Adds a shown question to a pooled group; its change counts when it may be shown (as
** results.c pools a group: over the questions asked in both rounds). */
static void add_to(ReportCategory *c, const QuestionResult *x, int change)
{
	int64_t base = x->yes + x->partly + x->no;
	c->yes += x->yes;
	c->partly += x->partly;
	c->no += x->no;
	c->material += x->material;
	if (base > c->cases)
		c->cases = base;
	c->nquestions++;
	if (change && x->prev_round) {
		c->now_yes += x->yes;
		c->now_base += base;
		c->prev_yes += x->prev_yes;
		c->prev_base += x->prev_base;
	}
}

static void finish_change(ReportCategory *c)
{
	c->has_prev = !c->suppressed && c->now_base > 0 && c->prev_base > 0;
	if (!c->has_prev)
		return;
	c->prev_fulfilled = (double)c->prev_yes / (double)c->prev_base;
	stats_newcombe(c->now_yes, c->now_base, c->prev_yes, c->prev_base, &c->diff, &c->diff_low, &c->diff_high);
}

/* Management's breakdown per caseworker: their cases and the pooled ja / delvist / nej, each
** case's answers counted as results.c counts them (relevance.c decides what counts). */
static void load_advisors(Db *db, Report *rp)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.advisor, count(DISTINCT rc.case_id)"
	           " FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " GROUP BY c.advisor ORDER BY c.advisor");
	db_bind_int(&q, 1, rp->round.id);
	int cap = 8;
	rp->advisors = xcalloc((size_t)cap, sizeof *rp->advisors);
	while (db_step(&q)) {
		if (rp->nadvisors == cap)
			rp->advisors = xrealloc(rp->advisors, (size_t)(cap *= 2) * sizeof *rp->advisors);
		ReportAdvisorRow *a = &rp->advisors[rp->nadvisors++];
		memset(a, 0, sizeof *a);
		a->advisor = xstrdup(db_col_text(&q, 0));
		a->cases = db_col_int(&q, 1);
	}
	db_finalize(&q);
	Relevance rel;
	relevance_load(db, rp->round.id, &rel);
	int *states = xcalloc((size_t)(rel.n ? rel.n : 1), sizeof *states);
	db_prepare(&q, db,
	           "SELECT rc.case_id, c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, rp->round.id);
	while (db_step(&q)) {
		ReportAdvisorRow *a = NULL;
		for (int k = 0; k < rp->nadvisors && !a; k++)
			if (str_eq(rp->advisors[k].advisor, db_col_text(&q, 1)))
				a = &rp->advisors[k];
		if (!a)
			continue;
		char **values = relevance_case_values(db, &rel, rp->round.id, db_col_int(&q, 0), 0);
		relevance_decide(&rel, (const char *const *)values, states);
		for (int i = 0; i < rel.n; i++) {
			if (!str_eq(rel.q[i].scale, "jdn") && !str_eq(rel.q[i].scale, "jn"))
				continue;
			const char *v = relevance_counted((const char *const *)values, states, i);
			a->yes += str_eq(v, "ja");
			a->partly += str_eq(v, "delvist");
			a->no += str_eq(v, "nej");
		}
		relevance_values_free(values, rel.n);
	}
	db_finalize(&q);
	free(states);
	relevance_free(&rel);
}

/*
** Builds the report of round r for audience a (advisor: the caseworker's name for
** REPORT_RAADGIVER, as ident_lookup found it). Returns 0, or -1 with a message.
*/
static int load(Db *db, const Round *r, ReportAudience a, const char *advisor, int64_t user_id, Report *rp,
                char *err, size_t n)
{
	memset(rp, 0, sizeof *rp);
	rp->round = *r;
	rp->audience = a;
	rp->advisor_user_id = user_id;
	if (!department_by_id(db, r->department_id, &rp->dept)) {
		snprintf(err, n, "%s", _("Tilsynets afdeling findes ikke."));
		return -1;
	}
	if (a == REPORT_RAADGIVER) {
		if (str_empty(advisor)) {
			snprintf(err, n, "%s", _("Angiv rådgiverens navn."));
			return -1;
		}
		snprintf(rp->advisor, sizeof rp->advisor, "%s", advisor);
	}
	time_iso(rp->made_at, time(NULL));
	Stmt fq;
	db_prepare(&fq, db, "SELECT coalesce(finished_at, '') FROM round WHERE id = ?1");
	db_bind_int(&fq, 1, r->id);
	if (db_step(&fq))
		snprintf(rp->finished_at, sizeof rp->finished_at, "%s", db_col_text(&fq, 0));
	db_finalize(&fq);
	rp->nq = results_round(db, r, &rp->q);
	rp->suppressed = xcalloc((size_t)rp->nq + 1, sizeof(int));
	rp->show_change = xcalloc((size_t)rp->nq + 1, sizeof(int));
	load_own(db, rp);
	/* A comparison shows the earlier round's figure too: for the staff and a caseworker it too
	** must rest on at least REPORT_MIN_CASES cases. */
	int64_t prev = results_previous_round(db, r);
	Round pr;
	QuestionResult *p = NULL;
	int np = prev && round_by_id(db, prev, &pr) ? results_round(db, &pr, &p) : 0;

	for (int i = 0; i < 3; i++)
		rp->cat[i].code = categories[i].code, rp->cat[i].title = _(categories[i].title);
	rp->total.code = "i alt";
	rp->total.title = _("Hele tilsynet");
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		int64_t base = x->yes + x->partly + x->no;
		int64_t own = rp->own_yes[i] + rp->own_partly[i] + rp->own_no[i];
		if (a == REPORT_MEDARBEJDERE)
			rp->suppressed[i] = report_suppress(base);
		else if (a == REPORT_RAADGIVER)
			rp->suppressed[i] = report_suppress(base) || report_suppress(base - own);
		if (rp->suppressed[i])
			continue;
		if (x->prev_round) {
			rp->show_change[i] = a == REPORT_LEDELSE;
			for (int k = 0; k < np && !rp->show_change[i]; k++)
				if (str_eq(p[k].code, x->code) && !report_suppress(p[k].yes + p[k].partly + p[k].no))
					rp->show_change[i] = 1;
		}
		for (int k = 0; k < 3; k++)
			if (str_eq(x->category, categories[k].code))
				add_to(&rp->cat[k], x, rp->show_change[i]);
		add_to(&rp->total, x, rp->show_change[i]);
	}
	if (p)
		results_free(p, np);
	for (int k = 0; k < 3; k++) {
		rp->cat[k].suppressed = a != REPORT_LEDELSE && report_suppress(rp->cat[k].cases);
		finish_change(&rp->cat[k]);
	}
	rp->total.suppressed = a != REPORT_LEDELSE && report_suppress(rp->total.cases);
	finish_change(&rp->total);

	Stmt q;
	db_prepare(&q, db,
	           "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id"
	           "  AND a.case_id = rc.case_id AND coalesce(a.value, '') <> '')),"
	           " count(*) FILTER (WHERE rc.review_status = 'faerdig'), count(*) FILTER (WHERE rc.acute = 1)"
	           " FROM round_case rc WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, r->id);
	if (db_step(&q)) {
		rp->sampled = db_col_int(&q, 0);
		rp->answered = db_col_int(&q, 1);
		rp->finished = db_col_int(&q, 2);
		rp->acute = db_col_int(&q, 3);
	}
	db_finalize(&q);
	load_cases(db, rp);
	if (a == REPORT_LEDELSE)
		load_advisors(db, rp);
	report_text_load(db, r->id, &rp->text);
	if (a == REPORT_MEDARBEJDERE) /* the staff report names nobody, not even who wrote it */
		rp->text.updated_by[0] = rp->text.final_by[0] = 0;
	return 0;
}

int report_load(Db *db, const Round *r, ReportAudience a, const char *advisor, Report *rp, char *err, size_t n)
{
	return load(db, r, a, advisor, 0, rp, err, n);
}

/* A user's individual feedback: their own cases by the stable key (ident_owns), so that a
** second user with the same display name gets none of them. */
int report_load_own(Db *db, const Round *r, const User *u, Report *rp, char *err, size_t n)
{
	return load(db, r, REPORT_RAADGIVER, u->name, u->id, rp, err, n);
}

/* How many of the round's sampled cases are surely this user's own (ident_owns). */
int report_own_cases(Db *db, const Round *r, int64_t user_id)
{
	Stmt q;
	db_prepare(&q, db, REPORT_SQL_SAMPLE_ADVISORS);
	db_bind_int(&q, 1, r->id);
	int n = 0;
	while (db_step(&q))
		n += ident_owns(db, r->department_id, db_col_text(&q, 0), user_id);
	db_finalize(&q);
	return n;
}

void report_free(Report *rp)
{
	results_free(rp->q, rp->nq);
	free(rp->suppressed);
	free(rp->show_change);
	free(rp->own_yes);
	free(rp->own_partly);
	free(rp->own_no);
	for (int i = 0; i < rp->ncases; i++)
		free_case(&rp->cases[i]);
	free(rp->cases);
	for (int i = 0; i < rp->nadvisors; i++)
		free(rp->advisors[i].advisor);
	free(rp->advisors);
	memset(rp, 0, sizeof *rp);
}

/* A mark that sets a clear change apart in a table without colour: "▲ " or "▼ ". */
const char *report_change_mark(const char *verdict)
{
	return str_eq(verdict, "improved") ? "▲ " : str_eq(verdict, "declined") ? "▼ " : "";
}

/* "▲ +12 point (+3 til +29): forbedret" */
void report_change_text(const QuestionResult *x, char *out, size_t n)
{
	const char *v = stats_verdict(x->diff_low, x->diff_high);
	snprintf(out, n, "%s%+.0f point (%+.0f til %+.0f): %s", report_change_mark(v), 100 * x->diff, 100 * x->diff_low,
	         100 * x->diff_high, stats_verdict_word(v));
}

/*
** The questions whose change may be shown and whose verdict is `verdict` ("declined" or
** "improved"), the largest change first: up to max indexes into rp->q. Returns how many
** there are in all (which may be more than max).
*/
int report_key_changes(const Report *rp, const char *verdict, int *out, int max)
{
	int n = 0;
	for (int i = 0; i < rp->nq; i++) {
		const QuestionResult *x = &rp->q[i];
		if (rp->suppressed[i] || !rp->show_change[i] || !str_eq(stats_verdict(x->diff_low, x->diff_high), verdict))
			continue;
		/* Insertion by size of the change, into the first max places. */
		int at = n < max ? n : max;
		while (at > 0 && fabs(rp->q[out[at - 1]].diff) < fabs(x->diff)) {
			if (at < max)
				out[at] = out[at - 1];
			at--;
		}
		if (at < max)
			out[at] = i;
		n++;
	}
	return n;
}

/* The round's planned period in Danish: "1. marts 2026 – 30. juni 2026"; "" when not planned. */
void report_period_text(const Round *r, char *out, size_t n)
{
	char from[40], to[40];
	date_text(r->planned_start, from);
	date_text(r->planned_end, to);
	if (!*r->planned_start && !*r->planned_end)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "%s – %s", *from ? from : "?", *to ? to : "?");
}

/* Whether the working group's text is final, and who approved it (not named to the staff). */
/* Whose assessment the report's text is: the working group's, or in an external review
** (kind ekstern) the outside reviewers'. */
const char *report_text_heading(const Round *r)
{
	return str_eq(r->kind, "ekstern") ? _("Det eksterne tilsyns vurdering") : _("Arbejdsgruppens vurdering");
}

const char *report_draft_note(const Round *r)
{
	return str_eq(r->kind, "ekstern") ? _("KLADDE – det eksterne tilsyns tekst er ikke endelig.")
	                                  : _("KLADDE – arbejdsgruppens tekst er ikke endelig.");
}

void report_status_text(const Report *rp, char *out, size_t n)
{
	const ReportText *t = &rp->text;
	char when[64];
	date_time_danish(t->final_at, when);
	if (!t->final)
		snprintf(out, n, "%s", _("KLADDE – teksten er ikke endelig."));
	else if (rp->audience == REPORT_MEDARBEJDERE || !*t->final_by)
		snprintf(out, n, _("Endelig tekst, godkendt %s."), when);
	else
		snprintf(out, n, _("Endelig tekst, godkendt %s af %s."), when, t->final_by);
}

/*
** Which state of the tilsyn the report shows, so a report kept from before a reopening can
** be told apart: "Rapporten viser tilsynet, som det var afsluttet 1. juli 2025." or
** "Rapporten viser status pr. 6. december 2026 kl. 18.12, fase Gennemgang. ...".
*/
void report_state_text(const Report *rp, char *out, size_t n)
{
	if (str_eq(rp->round.phase, "afsluttet")) {
		char day[40];
		date_danish(rp->finished_at, day);
		if (*rp->finished_at)
			snprintf(out, n, _("Rapporten viser tilsynet, som det var afsluttet %s."), day);
		else
			snprintf(out, n, "%s", _("Rapporten viser tilsynet, som det var, da det blev afsluttet."));
		return;
	}
	char when[64];
	date_time_danish(rp->made_at, when);
	snprintf(out, n, _("Rapporten viser status pr. %s, fase %s. Tallene kan ændre sig, indtil tilsynet er afsluttet."),
	         when, phase_title(rp->round.phase));
}

/* Whether case i is named in the report: management's report names every case only with
** the appendix, else only the cases with an acute concern. */
int report_case_named(const Report *rp, int i)
{
	if (rp->audience == REPORT_MEDARBEJDERE)
		return 0;
	return rp->audience == REPORT_RAADGIVER || rp->appendix || rp->cases[i].acute;
}

int report_has_case_numbers(const Report *rp)
{
	for (int i = 0; i < rp->ncases; i++)
		if (report_case_named(rp, i))
			return 1;
	return 0;
}

/*
** Audits a produced report: one entry for the round, and, when the report names cases,
** one per case (so that `audit case` lists every report a case appeared in).
*/
void report_audit(Db *db, const Report *rp, ReportFormat f, int64_t user_id, const char *login, const char *ip)
{
	char object[48], detail[400];
	int named = 0;
	for (int i = 0; i < rp->ncases; i++)
		named += report_case_named(rp, i);
	snprintf(object, sizeof object, "round:%lld", (long long)rp->round.id);
	snprintf(detail, sizeof detail, "rapport %s%s%s (%s%s) lavet, %d sager nævnt",
	         rp->audience == REPORT_LEDELSE ? "ledelse" : rp->audience == REPORT_MEDARBEJDERE ? "medarbejdere" : "raadgiver",
	         rp->audience == REPORT_RAADGIVER ? ":" : "", rp->audience == REPORT_RAADGIVER ? rp->advisor : "",
	         report_format_ext(f), rp->appendix ? ", med bilag" : "", named);
	audit_log(db, &(AuditEntry){.user_id = user_id, .login = login, .action = "report", .department_id = rp->dept.id,
	                            .object = object, .detail = detail, .ip = ip});
	if (!report_has_case_numbers(rp))
		return;
	for (int i = 0; i < rp->ncases; i++) {
		if (!report_case_named(rp, i))
			continue;
		snprintf(object, sizeof object, "case:%lld", (long long)rp->cases[i].case_id);
		snprintf(detail, sizeof detail, "tilsyn %lld: sagen er med i en rapport (%s, %s)", (long long)rp->round.id,
		         rp->audience == REPORT_LEDELSE ? "ledelse" : "individuel tilbagemelding", report_format_ext(f));
		audit_log(db, &(AuditEntry){.user_id = user_id, .login = login, .action = "report_case",
		                            .department_id = rp->dept.id, .object = object, .detail = detail, .ip = ip});
	}
}
