/*
** Round pages: the department's tilsyn with a form to plan a new one, and each round's
** page with its sample: draw or redraw it (until the review starts), see the sampling
** protocol that lets anyone repeat the draw, the distribution per caseworker, warnings
** against the recommendations, and replace a single case with a reason. The page also
** holds the working group's planning answers and the round's phase: moving on with work
** left asks for a reason (phase.c), and the phase history shows every move.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

static void audit_round(Req *r, const Round *rd, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "round:%lld", (long long)rd->id), detail);
}

/* A checkbox "theme" for each published theme catalogue that fits the department's target
** group, ticked when its code is in checked; disabled when the themes cannot change. */
void page_round_theme_choices(Req *r, const char *const *checked, int nchecked, int disabled)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.code, c.title FROM catalogue c WHERE c.kind = 'tema' AND c.status = 'udgivet'"
	           " AND c.target IN (?1, 'begge') AND c.version = (SELECT max(version) FROM catalogue o"
	           "  WHERE o.code = c.code AND o.status = 'udgivet') ORDER BY c.title");
	db_bind_text(&q, 1, r->dept->area);
	int i = 0;
	while (db_step(&q)) {
		const char *code = db_col_text(&q, 0);
		int on = 0;
		for (int k = 0; k < nchecked; k++)
			on |= str_eq(checked[k], code);
		html_fmt(b, "<label class=\"check\" for=\"theme-%d\"><input type=\"checkbox\" id=\"theme-%d\" name=\"theme\" "
		            "value=\"%A\"", i, i, code);
		if (on)
			html_lit(b, " checked");
		if (disabled)
			html_lit(b, " disabled");
		html_fmt(b, "> %T</label>\n", db_col_text(&q, 1));
		i++;
	}
	db_finalize(&q);
}

static void list_page(Req *r)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	flash_restore_form(r, f); /* a refused new round comes back as typed */
	page_begin(r, _("Tilsyn"));
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › Tilsyn</p>\n<h1>Tilsyn</h1>\n", d->code, d->name);
	flash_summary(r, f);
	if (!flash_has(f) && req_query(r, "deleted"))
		page_message(r, "ok", _("Tilsynet er slettet. Sletningen og begrundelsen står i loggen."));
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT r.id, r.title, r.kind, r.phase, r.planned_start, r.planned_end,"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = r.id AND rc.status = 'udtrukket')"
	           " FROM round r WHERE r.department_id = ?1 ORDER BY coalesce(r.planned_start, r.created_at) DESC, r.id DESC");
	db_bind_int(&q, 1, d->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table>\n<thead><tr><th scope=\"col\">Tilsyn</th><th scope=\"col\">Art</th><th scope=\"col\">Fase</th>"
			            "<th scope=\"col\">Periode</th><th scope=\"col\" class=\"num\">Sager</th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/d/%U/rounds/%I\">%T</a></td><td>%T</td><td>%T</td><td>%T – %T</td>"
		            "<td class=\"num\">%I</td></tr>\n",
		         d->code, db_col_int(&q, 0), db_col_text(&q, 1), round_kind_title(db_col_text(&q, 2)),
		         phase_title(db_col_text(&q, 3)), date_text_in(r->arena, db_col_text(&q, 4)),
		         date_text_in(r->arena, db_col_text(&q, 5)), db_col_int(&q, 6));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	else
		html_lit(b, "<p>Afdelingen har ingen tilsyn endnu. Anbefalingen er mindst to om året: et overordnet med mindst "
		            "30 sager og et uddybende med mindst 20 sager og højst to temaer.</p>\n");

	html_lit(b, "<h2>Planlæg et nyt tilsyn</h2>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds", d->code));
	const char *kind = req_form(r, "kind"), *title = req_form(r, "title");
	html_fmt(b, "<div class=\"stack\">\n<label for=\"title\">Titel</label>\n"
	            "<input id=\"title\" name=\"title\" required maxlength=\"200\" value=\"%A\">\n"
	            "<label for=\"kind\">Art</label>\n<select id=\"kind\" name=\"kind\">",
	         title ? title : "");
	html_option(b, "overordnet", _("Overordnet ledelsestilsyn (mindst 30 sager)"), !kind || str_eq(kind, "overordnet"));
	html_option(b, "uddybende", _("Uddybende ledelsestilsyn (mindst 20 sager, højst to temaer)"), str_eq(kind, "uddybende"));
	html_option(b, "ekstern", _("Eksternt tilsyn"), str_eq(kind, "ekstern"));
	html_lit(b, "</select>\n<fieldset><legend>Temaer (uddybende tilsyn; anbefalingen er højst to)</legend>\n");
	const char **checked = arena_alloc(r->arena, (size_t)(r->nform + 1) * sizeof *checked);
	int nchecked = 0;
	for (int k = 0; k < r->nform; k++)
		if (str_eq(r->form[k].name, "theme"))
			checked[nchecked++] = r->form[k].value;
	page_round_theme_choices(r, checked, nchecked, 0);
	const char *start = req_form(r, "start"), *end = req_form(r, "end");
	html_fmt(b, "</fieldset>\n"
	            "<label for=\"start\">Planlagt start</label>\n<input id=\"start\" name=\"start\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"end\">Planlagt afslutning</label>\n<input id=\"end\" name=\"end\" type=\"date\" value=\"%A\">\n"
	            "<button type=\"submit\">Opret tilsyn</button>\n</div>\n</form>\n",
	         start ? start : "", end ? end : "");
	page_end(r);
}

void page_round_list(Req *r)
{
	if (r->role == ROLE_EKSTERN) { /* an external reviewer sees only the rounds they are invited to */
		page_external_rounds(r);
		return;
	}
	list_page(r);
}

void page_round_create(Req *r)
{
	const char *themes[16];
	int nthemes = 0;
	for (int k = 0; k < r->nform && nthemes < (int)COUNT(themes); k++)
		if (str_eq(r->form[k].name, "theme") && *r->form[k].value)
			themes[nthemes++] = r->form[k].value;
	char msg[300];
	int64_t id;
	if (!req_begin(r))
		return;
	if (round_create(r->db, r->dept, req_form(r, "kind"), req_form(r, "title"), NULL, themes, nthemes,
	                 req_form(r, "start"), req_form(r, "end"), r->user->login, &id, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		flash_fail(r, arena_printf(r->arena, "/d/%s/rounds", r->dept->code), NULL, msg);
		return;
	}
	if (!req_commit(r, _("Tilsynet kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld", r->dept->code, (long long)id));
}

/* A field of the sample form: as posted, else as in the address (the population preview is
** also reachable by GET), else NULL. */
static const char *sample_field(Req *r, const char *name)
{
	const char *v = req_form(r, name);
	if (!v)
		v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* The filters of the sample form; the provisions are split at commas into the arena. */
static void sample_filters(Req *r, SampleFilters *f)
{
	memset(f, 0, sizeof *f);
	char *prov = arena_strdup(r->arena, sample_field(r, "provision") ? sample_field(r, "provision") : "");
	for (char *save = NULL, *t = strtok_r(prov, ",", &save); t && f->nprovisions < (int)COUNT(f->provisions);
	     t = strtok_r(NULL, ",", &save))
		if (*str_trim(t))
			f->provisions[f->nprovisions++] = str_trim(t);
	f->target = sample_field(r, "target");
	f->team = sample_field(r, "team");
	f->advisor = sample_field(r, "advisor");
	f->opened_from = sample_field(r, "opened_from");
	f->opened_to = sample_field(r, "opened_to");
	f->decided_from = sample_field(r, "decided_from");
	f->decided_to = sample_field(r, "decided_to");
}

/*
** Before the draw: which cases may come with under the filters chosen (population.c, the
** function the draw itself uses): the current list, what the exclusion window and each
** filter remove, and a warning when a filter removes cases because a field is empty.
*/
static void population_section(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	SampleFilters f;
	sample_filters(r, &f);
	int64_t exclude = 12;
	if (sample_field(r, "exclude") && (!parse_int64(sample_field(r, "exclude"), &exclude) || exclude < 0 || exclude > 120))
		exclude = 12;
	const char *dates[] = {f.opened_from, f.opened_to, f.decided_from, f.decided_to};
	for (size_t i = 0; i < COUNT(dates); i++)
		if (dates[i] && !date_valid_iso(dates[i]))
			return; /* the draw says what is wrong with the date */
	Population p;
	population_compute(r->db, rd, &f, exclude, 0, &p);
	html_lit(b, "<section id=\"population\" aria-labelledby=\"population-h\">\n"
	            "<h3 id=\"population-h\">Hvilke sager kan komme med</h3>\n");
	CaseListVersion v;
	if (!case_list_current(r->db, rd->department_id, &v)) {
		html_fmt(b, "<p>Afdelingen har ingen sagsliste endnu. <a href=\"/d/%U/cases/import\">Indlæs sagslisten</a> "
		            "først.</p>\n</section>\n",
		         r->dept->code);
		return;
	}
	char text[600];
	case_list_version_text(&v, text, sizeof text);
	html_fmt(b, "<p>Stikprøven trækkes fra den nuværende sagsliste: %T.</p>\n", text);
	html_fmt(b, "<table class=\"population\">\n<tbody>\n"
	            "<tr><th scope=\"row\">Sager på den nuværende liste</th><td class=\"num\">%I</td></tr>\n",
	         p.listed);
	/* A step that removes nothing says 0, not "−0". */
	if (exclude > 0)
		html_fmt(b, "<tr><th scope=\"row\">Gennemgået i afdelingen de sidste %I måneder</th>"
		            "<td class=\"num\">%T%I</td></tr>\n",
		         exclude, p.excluded ? "−" : "", p.excluded);
	for (int i = 0; i < p.nsteps; i++)
		html_fmt(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T%I</td></tr>\n", p.steps[i].what,
		         p.steps[i].removed ? "−" : "", p.steps[i].removed);
	html_fmt(b, "<tr class=\"total\"><th scope=\"row\">Mulige sager</th><td class=\"num\">%I</td></tr>\n"
	            "</tbody>\n</table>\n",
	         p.eligible);
	for (int i = 0; i < p.nsteps; i++)
		if (population_empty_warning(&p.steps[i], text, sizeof text))
			page_message(r, "warn", arena_printf(r->arena, "%s: %s", p.steps[i].what, text));
	html_lit(b, "</section>\n");
}

static void sample_form(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	if (*rd->sampled_at)
		html_lit(b, "<details class=\"redraw\" id=\"stikproeve\"><summary>Træk stikprøven om</summary>\n");
	else
		html_lit(b, "<h2 id=\"stikproeve\">Træk stikprøven</h2>\n");
	population_section(r, rd);
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/sample", r->dept->code, (long long)rd->id));
	int64_t recommended = str_eq(rd->kind, "uddybende") ? RECOMMENDED_UDDYBENDE : RECOMMENDED_OVERORDNET;
	const char *count = sample_field(r, "count");
	const char *target = sample_field(r, "target"), *exclude = sample_field(r, "exclude");
	int per_advisor = str_eq(sample_field(r, "method"), "per_advisor");
	html_lit(b, "<div class=\"stack\">\n<fieldset><legend>Antal</legend>\n"
	            "<label class=\"check\"><input type=\"radio\" name=\"method\" value=\"size\"");
	if (!per_advisor)
		html_lit(b, " checked");
	html_lit(b, "> I alt</label>\n<label class=\"check\"><input type=\"radio\" name=\"method\" value=\"per_advisor\"");
	if (per_advisor)
		html_lit(b, " checked");
	html_fmt(b, "> Pr. rådgiver</label>\n"
	            "<label for=\"count\">Antal sager</label>\n<input id=\"count\" name=\"count\" type=\"number\" min=\"1\" "
	            "max=\"100000\" required value=\"%A\">\n</fieldset>\n"
	            "<fieldset><legend>Hvilke sager kan komme med</legend>\n"
	            "<p class=\"hint\">Paragraf, rådgiver og team finder også en del af teksten, uanset store og små bogstaver.</p>\n"
	            "<label for=\"provision\">Paragraffer (adskil med komma; tomt = alle)</label>\n"
	            "<input id=\"provision\" name=\"provision\" maxlength=\"300\" value=\"%A\">\n"
	            "<label for=\"target\">Målgruppe</label>\n<select id=\"target\" name=\"target\">",
	         count ? count : arena_printf(r->arena, "%lld", (long long)recommended),
	         sample_field(r, "provision") ? sample_field(r, "provision") : "");
	html_option(b, "", _("alle"), !target);
	html_option(b, "barn", _("barn"), str_eq(target, "barn"));
	html_option(b, "voksen", _("voksen"), str_eq(target, "voksen"));
	const char *v_team = sample_field(r, "team"), *v_advisor = sample_field(r, "advisor");
	const char *v_of = sample_field(r, "opened_from"), *v_ot = sample_field(r, "opened_to");
	const char *v_df = sample_field(r, "decided_from"), *v_dt = sample_field(r, "decided_to");
	html_fmt(b, "</select>\n<label for=\"advisor\">Rådgiver (tomt = alle)</label>\n"
	            "<input id=\"advisor\" name=\"advisor\" maxlength=\"200\" value=\"%A\">\n"
	            "<label for=\"team\">Team (tomt = alle)</label>\n<input id=\"team\" name=\"team\" maxlength=\"100\" value=\"%A\">\n"
	            "<label for=\"opened_from\">Oprettet fra</label>\n<input id=\"opened_from\" name=\"opened_from\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"opened_to\">Oprettet til</label>\n<input id=\"opened_to\" name=\"opened_to\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"decided_from\">Afgjort fra</label>\n<input id=\"decided_from\" name=\"decided_from\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"decided_to\">Afgjort til</label>\n<input id=\"decided_to\" name=\"decided_to\" type=\"date\" value=\"%A\">\n"
	            "<label for=\"exclude\">Udelad sager gennemgået de sidste (måneder)</label>\n"
	            "<input id=\"exclude\" name=\"exclude\" type=\"number\" min=\"0\" max=\"120\" value=\"%A\">\n</fieldset>\n"
	            "<label for=\"seed\">Seed (valgfrit; 64 hextegn, ellers tilfældigt)</label>\n"
	            "<input id=\"seed\" name=\"seed\" maxlength=\"64\" pattern=\"[0-9a-fA-F]{64}\" autocomplete=\"off\">\n",
	         v_advisor ? v_advisor : "", v_team ? v_team : "", v_of ? v_of : "", v_ot ? v_ot : "", v_df ? v_df : "",
	         v_dt ? v_dt : "", exclude ? exclude : "12");
	if (*rd->sampled_at)
		html_lit(b, "<label for=\"reason\">Begrundelse for at trække om</label>\n"
		            "<input id=\"reason\" name=\"reason\" required maxlength=\"500\">\n");
	/* The draw comes first, as before (Enter in a field draws); the second button draws
	** nothing and shows the counts above for the filters as typed. */
	html_fmt(b, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"draw\">%T</button> "
	            "<button type=\"submit\" name=\"action\" value=\"population\" class=\"secondary\" formnovalidate>"
	            "Vis hvilke sager der kan komme med</button></div>\n</div>\n</form>\n",
	         *rd->sampled_at ? _("Træk stikprøven om") : _("Træk stikprøven"));
	if (*rd->sampled_at)
		html_lit(b, "</details>\n");
}

/* Which form of the round page a re-shown POST came from: it is shown open, as typed. */
enum { FORM_NONE, FORM_PLAN, FORM_PHASE };

/* A field as typed in the refused form, else what is stored. A CPR number is never shown
** back: that field is left empty. */
static const char *typed(Req *r, const char *name, const char *stored)
{
	const char *v = req_form(r, name);
	if (!v)
		return stored;
	return cpr_find(v) >= 0 ? "" : v;
}

/* The reopenings of a finished round, newest first, and what they mean for the reports
** made before: those show the round as it was when it was finished. */
static void reopenings(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	PhaseReopening *re = arena_alloc(r->arena, 10 * sizeof *re);
	int n = phase_reopenings(r->db, rd->id, re, 10);
	for (int i = 0; i < n; i++) {
		char day[40];
		date_danish(re[i].at, day);
		html_fmt(b, "<p class=\"reopened\">Genåbnet %T af %T: %T</p>\n", day, re[i].by, re[i].reason);
	}
	if (n) {
		char day[40];
		date_danish(re[0].at, day);
		/* The reports made before, from the audit log (report.c logs each one): by the order of
		** the entries, not their times, which a report and the reopening may share to the second. */
		Stmt q;
		db_prepare(&q, r->db,
		           "SELECT count(*) FROM audit WHERE action = 'report' AND object = ?1 AND id < coalesce((SELECT max(id)"
		           " FROM audit WHERE action = 'round_phase' AND object = ?1"
		           " AND substr(detail, 1, 11) = 'afsluttet →'), 0)");
		db_bind_text(&q, 1, arena_printf(r->arena, "round:%lld", (long long)rd->id));
		int64_t before = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
		html_fmt(b, "<p class=\"hint\">Rapporter, der er lavet før genåbningen %T (%I i alt), viser tilsynet, som det var, "
		            "før det blev genåbnet. Lav en ny rapport for at se det, som det er nu.</p>\n",
		         day, before);
	}
}

/*
** The phase: the cycle with the current phase marked, what is left before the next one, a
** form to move (forward or back; a reason is asked for when work is left) and the history.
*/
static void phase_section(Req *r, const Round *rd, int form)
{
	Buf *b = &r->out;
	int current = phase_index(rd->phase);
	html_lit(b, "<h2 id=\"fase\">Fase</h2>\n<ol class=\"phases\">\n");
	for (int i = 0; i < PHASE_COUNT; i++) {
		if (i == current)
			html_fmt(b, "<li aria-current=\"step\"><strong>%T</strong></li>\n", phase_title(phase_code(i)));
		else if (i < current)
			html_fmt(b, "<li class=\"done\">%T</li>\n", phase_title(phase_code(i)));
		else
			html_fmt(b, "<li>%T</li>\n", phase_title(phase_code(i)));
	}
	html_lit(b, "</ol>\n");
	const char *next = phase_code(current + 1);
	PhaseWorkLeft left;
	if (next && phase_work_left(r->db, rd, next, &left)) {
		char text[1024];
		phase_work_left_text(&left, text, sizeof text);
		html_fmt(b, "<p>Før fasen %T: %T</p>\n", phase_title(next), text);
	}
	if (str_eq(rd->phase, "afsluttet"))
		html_fmt(b, "<p class=\"closed\">%T</p>\n",
		         _("Tilsynet er afsluttet: stikprøve, fordeling, svar, kalibrering og markeringer kan ikke længere "
		           "ændres. Skal der ændres noget, så genåbn det med et faseskift tilbage og en begrundelse."));
	reopenings(r, rd);

	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/phase", r->dept->code, (long long)rd->id));
	const char *to = form == FORM_PHASE ? req_form(r, "to") : NULL;
	if (!to)
		to = next ? next : phase_code(current - 1);
	html_lit(b, "<div class=\"stack\">\n<label for=\"phase-to\">Skift til fasen</label>\n"
	            "<select id=\"phase-to\" name=\"to\">");
	for (int i = 0; i < PHASE_COUNT; i++)
		if (i != current)
			html_option(b, phase_code(i), phase_title(phase_code(i)), str_eq(phase_code(i), to));
	const char *reason = form == FORM_PHASE ? typed(r, "reason", "") : "";
	html_fmt(b, "</select>\n<label for=\"phase-reason\">Begrundelse</label>\n"
	            "<textarea id=\"phase-reason\" name=\"reason\" rows=\"3\" maxlength=\"%d\" "
	            "aria-describedby=\"phase-reason-hint\">%T</textarea>\n"
	            "<p class=\"hint\" id=\"phase-reason-hint\">Skal udfyldes, når tilsynet går videre med arbejde tilbage "
	            "(sager der ikke er færdiggennemgået, tilbagemelding der ikke er givet), og når et afsluttet tilsyn "
	            "genåbnes. Begrundelsen gemmes i fasehistorikken.</p>\n<button type=\"submit\">Skift fase</button>\n</div>\n</form>\n",
	         PHASE_REASON_MAX, reason);

	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT at, from_phase, to_phase, coalesce(reason, ''), by_name FROM round_phase_change"
	           " WHERE round_id = ?1 ORDER BY at, id");
	db_bind_int(&q, 1, rd->id);
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<table class=\"history\">\n<caption>Fasehistorik</caption>\n<thead><tr>"
			            "<th scope=\"col\">Tidspunkt</th><th scope=\"col\">Fra</th><th scope=\"col\">Til</th>"
			            "<th scope=\"col\">Begrundelse</th><th scope=\"col\">Af</th></tr></thead>\n<tbody>\n");
		char when[64];
		date_time_danish(db_col_text(&q, 0), when);
		html_fmt(b, "<tr><td>%T</td><td>%T</td><td>%T</td><td>%T</td><td>%T</td></tr>\n", when,
		         phase_title(db_col_text(&q, 1)), phase_title(db_col_text(&q, 2)), db_col_text(&q, 3),
		         db_col_text(&q, 4));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table>\n");
	html_lit(b, "<p class=\"hint\">Fasen skifter også af sig selv: til Udvælgelse, når stikprøven trækkes, og til "
	            "Gennemgang ved det første svar. Disse skift står i historikken med begrundelsen »automatisk«.</p>\n");
}

static void plan_textarea(Buf *b, const char *id, const char *name, const char *label, const char *value)
{
	html_fmt(b, "<label for=\"%A\">%T</label>\n<textarea id=\"%A\" name=\"%A\" rows=\"2\" maxlength=\"%d\">%T</textarea>\n",
	         id, label, id, name, ROUND_PLAN_TEXT_MAX, value);
}

/* The working group's answers to the planning questions, with links to the group and to the
** round's meetings (meeting.c). */
static void plan_section(Req *r, const Round *rd, int form)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	RoundPlan *p = arena_alloc(r->arena, sizeof *p);
	round_plan_get(r->db, rd->id, p);
	html_fmt(b, "<h2 id=\"planlaegning\">Planlægning</h2>\n<p>Arbejdsgruppens svar på planlægningsspørgsmålene. "
	            "<a href=\"/d/%U/workgroup\">Arbejdsgruppe</a> · <a href=\"/d/%U/meetings?round=%I\">Møder</a></p>\n",
	         d->code, d->code, rd->id);
	const char *warning = round_plan_warning(rd, p);
	if (warning)
		page_message(r, "warn", warning);
	if (p->exists) {
		char when[64];
		date_time_danish(p->updated_at, when);
		html_fmt(b, "<p class=\"hint\">Senest gemt %T af %T.</p>\n", when,
		         *p->updated_by ? p->updated_by : _("kommandolinjen"));
	}
	/* Open while the round is being planned, or when the answers were refused. */
	int open = form == FORM_PLAN || str_eq(rd->phase, "planlaegning");
	if (open)
		html_lit(b, "<details class=\"plan\" open><summary>Planlægningsspørgsmål</summary>\n");
	else
		html_lit(b, "<details class=\"plan\"><summary>Planlægningsspørgsmål</summary>\n");
	page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/plan", d->code, (long long)rd->id));
	const char *performers = p->performers, *selection = p->selection, *timing = p->timing, *gathering = p->gathering;
	const char *cases = p->planned_cases > 0 ? arena_printf(r->arena, "%lld", (long long)p->planned_cases) : "";
	const char *stopop = arena_printf(r->arena, "%lld", (long long)p->stopop_meetings);
	if (form == FORM_PLAN) {
		performers = typed(r, "performers", performers);
		selection = typed(r, "selection", selection);
		timing = typed(r, "timing", timing);
		gathering = typed(r, "gathering", gathering);
		cases = typed(r, "planned_cases", cases);
		stopop = typed(r, "stopop_meetings", stopop);
	}
	html_lit(b, "<div class=\"stack\">\n");
	plan_textarea(b, "plan-performers", "performers", _("Hvem udfører tilsynet?"), performers);
	html_fmt(b, "<label for=\"plan-cases\">Hvor mange sager?</label>\n"
	            "<input id=\"plan-cases\" name=\"planned_cases\" type=\"number\" min=\"1\" max=\"100000\" value=\"%A\" "
	            "aria-describedby=\"plan-cases-hint\">\n"
	            "<p class=\"hint\" id=\"plan-cases-hint\">Anbefalingen er mindst %d sager i et %T.</p>\n",
	         cases, str_eq(rd->kind, "uddybende") ? RECOMMENDED_UDDYBENDE : RECOMMENDED_OVERORDNET,
	         str_eq(rd->kind, "uddybende") ? _("uddybende tilsyn") : _("overordnet tilsyn"));
	plan_textarea(b, "plan-selection", "selection", _("Hvordan udvælges sagerne?"), selection);
	plan_textarea(b, "plan-timing", "timing", _("Hvornår gennemføres tilsynet?"), timing);
	plan_textarea(b, "plan-gathering", "gathering", _("Hvordan samles resultaterne?"), gathering);
	html_fmt(b, "<label for=\"plan-stopop\">Antal stop-op-møder undervejs</label>\n"
	            "<input id=\"plan-stopop\" name=\"stopop_meetings\" type=\"number\" min=\"0\" max=\"50\" value=\"%A\">\n"
	            "<button type=\"submit\">Gem planlægningen</button>\n</div>\n</form>\n</details>\n",
	         stopop);
}

/* The round's own pages, at the top: its cases, review, results and report, and editing it. */
static void round_links(Req *r, const Round *rd)
{
	const char *d = r->dept->code;
	html_lit(&r->out, "<nav class=\"round-links\" aria-label=\"Tilsynets sider\"><ul>\n");
	if (*rd->sampled_at)
		html_lit(&r->out, "<li><a href=\"#udtrukne-sager\">Udtrukne sager</a></li>\n");
	else
		html_fmt(&r->out, "<li><a href=\"/d/%U/cases\">Sagslisten</a></li>\n", d);
	html_fmt(&r->out,
	         "<li><a href=\"/d/%U/rounds/%I/review\">Gennemgang</a></li>\n"
	         "<li><a href=\"/d/%U/rounds/%I/results\">Resultater</a></li>\n"
	         "<li><a href=\"/d/%U/rounds/%I/report\">Rapport</a></li>\n"
	         "<li><a href=\"/d/%U/rounds/%I/edit\">Ret eller slet tilsynet</a></li>\n</ul></nav>\n",
	         d, rd->id, d, rd->id, d, rd->id, d, rd->id);
}

/* Where a step's next action is done, and what the link says. */
static void task_action(Req *r, const Round *rd, const RoundTask *t, const char **href, const char **text)
{
	const char *d = r->dept->code;
	long long id = (long long)rd->id;
	Arena *a = r->arena;
	*href = arena_printf(a, "/d/%s/rounds/%lld", d, id);
	*text = t->title;
	if (str_eq(t->code, "plan")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld#planlaegning", d, id);
		*text = _("Besvar planlægningsspørgsmålene");
	} else if (str_eq(t->code, "inform") && t->meeting) {
		*href = arena_printf(a, "/d/%s/meetings/%lld", d, (long long)t->meeting);
		*text = _("Registrér informationsmødet som afholdt");
	} else if (str_eq(t->code, "inform")) {
		*href = arena_printf(a, "/d/%s/meetings/new?round=%lld&kind=information", d, id);
		*text = _("Planlæg et informationsmøde for medarbejderne");
	} else if (str_eq(t->code, "sample")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld#stikproeve", d, id);
		*text = _("Træk stikprøven");
	} else if (str_eq(t->code, "assign")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld/review", d, id);
		*text = _("Fordel sagerne til gennemgang");
	} else if (str_eq(t->code, "review")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld/review", d, id);
		*text = _("Følg gennemgangen af sagerne");
	} else if (str_eq(t->code, "analyse")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld/results", d, id);
		*text = _("Se og analysér resultaterne");
	} else if (str_eq(t->code, "report")) {
		*href = arena_printf(a, "/d/%s/rounds/%lld/report", d, id);
		*text = _("Skriv rapporten");
	} else if (str_eq(t->code, "feedback")) {
		*href = arena_printf(a, "/d/%s/meetings?round=%lld", d, id);
		*text = _("Planlæg tilbagemeldingen til medarbejderne og den enkelte rådgiver");
	} else if (str_eq(t->code, "followup")) {
		*href = arena_printf(a, "/d/%s/actions?round=%lld", d, id);
		*text = _("Beslut tiltag, og planlæg genmålingen");
	}
}

/*
** The steps of the tilsyn (GOV.UK's task list): each with its status from the data
** (round_tasks) and, first, the one next thing to do as a link. In the follow-up, the
** re-measurement is proposed here: one click makes it.
*/
static void task_list(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	RoundTask t[ROUND_TASKS];
	int next;
	round_tasks(r->db, rd, t, &next);
	html_lit(b, "<section class=\"tasks\" aria-labelledby=\"tasks-h\">\n<h2 id=\"tasks-h\">Tilsynets trin</h2>\n");
	if (next >= 0) {
		const char *href, *text;
		task_action(r, rd, &t[next], &href, &text);
		html_fmt(b, "<p class=\"next-action\">Næste skridt: <a href=\"%A\">%T</a></p>\n", href, text);
	} else if (str_eq(rd->phase, "afsluttet")) {
		html_lit(b, "<p class=\"next-action\">Tilsynet er afsluttet.</p>\n");
	} else {
		html_lit(b, "<p class=\"next-action\">Alle trin er færdige. Afslut tilsynet med et faseskift.</p>\n");
	}
	html_lit(b, "<ol class=\"tasklist\">\n");
	for (int i = 0; i < ROUND_TASKS; i++) {
		const char *href, *text;
		task_action(r, rd, &t[i], &href, &text);
		html_fmt(b, "<li class=\"task\" id=\"trin-%A\"><span class=\"task-name\">", t[i].code);
		if (t[i].status == TASK_CANNOT_START)
			html_text(b, t[i].title);
		else
			html_fmt(b, "<a href=\"%A\">%T</a>", href, t[i].title);
		static const char *const tag_kind[] = {"blocked", "ready", "doing", "done"};
		html_lit(b, "</span> ");
		html_tag(b, tag_kind[t[i].status], round_task_status_title(t[i].status));
		html_lit(b, "</li>\n");
	}
	html_lit(b, "</ol>\n");
	if (phase_index(rd->phase) >= phase_index("opfoelgning") && !round_remeasured_by(r->db, rd->id)) {
		char start[11], end[11];
		if (round_remeasure_dates(rd, start, end)) {
			char from[40], to[40];
			date_text(start, from);
			date_text(end, to);
			html_fmt(b, "<div class=\"remeasure\">\n<h3>Genmåling</h3>\n<p>Mål det samme igen, når nye vaner har haft tid "
			            "at virke: et nyt %T med samme katalog og temaer, planlagt %T – %T (9 måneder efter dette "
			            "tilsyns start; anbefalingen er 8-10 måneder).</p>\n",
			         round_kind_title(rd->kind), from, to);
			page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/remeasure", r->dept->code, (long long)rd->id));
			html_lit(b, "<button type=\"submit\">Opret genmålingen</button></form>\n</div>\n");
		}
	}
	html_lit(b, "<p class=\"hint\"><a href=\"/hjaelp\">Hjælp: trinene i et tilsyn, og hvad tallene betyder</a></p>\n"
	            "</section>\n");
}

/* A re-measurement names the round it measures again, and that round names it. */
static void remeasure_links(Req *r, const Round *rd)
{
	Round other;
	if (rd->remeasure_of && round_by_id(r->db, rd->remeasure_of, &other))
		html_fmt(&r->out, "<p>Genmåling af <a href=\"/d/%U/rounds/%I\">%T</a>.</p>\n", r->dept->code, other.id,
		         other.title);
	int64_t later = round_remeasured_by(r->db, rd->id);
	if (later && round_by_id(r->db, later, &other))
		html_fmt(&r->out, "<p>Genmåles i <a href=\"/d/%U/rounds/%I\">%T</a>.</p>\n", r->dept->code, other.id,
		         other.title);
}

static void round_page_at(Req *r, const Round *rd, const Flash *f, int form)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	page_begin(r, rd->title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › %T</p>\n"
	            "<h1>%T</h1>\n<p class=\"lead\">%T · fase: %T",
	         d->code, d->name, d->code, rd->title, rd->title, round_kind_title(rd->kind), phase_title(rd->phase));
	if (*rd->planned_start || *rd->planned_end)
		html_fmt(b, " · planlagt %T – %T", date_text_in(r->arena, rd->planned_start),
		         date_text_in(r->arena, rd->planned_end));
	html_lit(b, "</p>\n");
	if (r->role != ROLE_EKSTERN_INVITED)
		round_links(r, rd);
	if (flash_has(f))
		flash_summary(r, f);
	else if (req_query(r, "sampled"))
		page_message(r, "ok", _("Stikprøven er trukket."));
	else if (str_eq(req_query(r, "replaced"), "0"))
		page_message(r, "ok", _("Sagen er taget ud, men der er ingen flere sager at erstatte den med."));
	else if (req_query(r, "replaced"))
		page_message(r, "ok", _("Sagen er erstattet."));
	else if (req_query(r, "planned"))
		page_message(r, "ok", _("Planlægningen er gemt."));
	else if (req_query(r, "edited"))
		page_message(r, "ok", _("Ændringerne er gemt."));
	else if (req_query(r, "remeasure"))
		page_message(r, "ok", _("Genmålingen er oprettet. Den står i årshjulet med de datoer, der er foreslået; ret dem "
		                        "her, hvis det passer bedre."));
	else if (req_query(r, "phase"))
		page_message(r, "ok", arena_printf(r->arena, _("Tilsynet er nu i fasen %s."), phase_title(rd->phase)));
	else if (req_query(r, "sheet")) {
		int64_t saved = 0, unchanged = 0;
		parse_int64(req_query(r, "saved"), &saved);
		parse_int64(req_query(r, "unchanged"), &unchanged);
		page_message(r, "ok", arena_printf(r->arena, _("Registreringsarket er indlæst: %lld svar gemt, %lld uændrede."),
		                                   (long long)saved, (long long)unchanged));
	}
	retention_round_notice(r, rd);
	page_alias_cleared_notice(r, rd); /* reviewers a new case list made caseworkers (ident.c) */

	Stmt q;
	/* Themes by their catalogue's title (without the "Tema: " every theme title starts with). */
	db_prepare(&q, r->db,
	           "SELECT coalesce((SELECT CASE WHEN substr(c.title, 1, 6) = 'Tema: ' THEN substr(c.title, 7) ELSE c.title END"
	           " FROM catalogue c WHERE c.code = t.theme ORDER BY c.version DESC LIMIT 1), t.theme)"
	           " FROM round_theme t WHERE t.round_id = ?1 ORDER BY t.theme");
	db_bind_int(&q, 1, rd->id);
	int nthemes = 0;
	while (db_step(&q)) {
		if (nthemes++)
			html_lit(b, ", ");
		else
			html_lit(b, "<p>Temaer: ");
		html_text(b, db_col_text(&q, 0));
	}
	db_finalize(&q);
	if (nthemes)
		html_lit(b, "</p>\n");
	if (nthemes > RECOMMENDED_MAX_THEMES)
		page_message(r, "warn", _("Tilsynet har mere end to temaer. Anbefalingen er højst to temaer i et uddybende tilsyn."));
	/* Phase, plan and sample are the department's to decide (http.c, ekstern_allows): an invited
	** outside reviewer is not offered forms the router would refuse. */
	int decides = r->role != ROLE_EKSTERN_INVITED;
	if (decides) {
		remeasure_links(r, rd);
		task_list(r, rd);
	}
	external_round_section(r, rd); /* an ekstern round: expectation alignment, invitations, meetings */
	if (decides) {
		phase_section(r, rd, form);
		plan_section(r, rd, form);
	}

	int64_t sampled = 0;
	db_prepare(&q, r->db, "SELECT count(*) FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'");
	db_bind_int(&q, 1, rd->id);
	if (db_step(&q))
		sampled = db_col_int(&q, 0);
	db_finalize(&q);
	if (*rd->sampled_at) {
		char shortfall[300];
		if (sample_shortfall_text(r->db, rd, sampled, shortfall, sizeof shortfall))
			page_message(r, "warn", arena_printf(r->arena, "%s", shortfall));
		const char *warning = round_size_warning(rd, sampled);
		if (warning)
			page_message(r, "warn", warning);
		html_fmt(b, "<p><a class=\"button\" href=\"/d/%U/rounds/%I/review\">Gennemgang: fordeling og fremdrift</a> "
		            "<a class=\"button secondary\" href=\"/d/%U/rounds/%I/calibration\">Kalibrering: dobbelt gennemgang</a></p>\n",
		         d->code, rd->id, d->code, rd->id);
		html_fmt(b, "<p><a class=\"button secondary\" href=\"/d/%U/rounds/%I/results\">Resultater</a> "
		            "<a class=\"button secondary\" href=\"/d/%U/rounds/%I/report\">Rapport: tekst og hent</a></p>\n",
		         d->code, rd->id, d->code, rd->id);
		/* Each caseworker's share of the sample and of the list: not for an outside reviewer, who
		** sees nothing about individual caseworkers (issue 12). */
		if (r->role != ROLE_EKSTERN_INVITED) {
			html_fmt(b, "<h2>Fordeling pr. rådgiver</h2>\n<table class=\"compact\">\n<caption>%I udtrukne sager</caption>\n"
			            "<thead><tr><th scope=\"col\">Rådgiver</th><th scope=\"col\" class=\"num\">Udtrukket</th>"
			            "<th scope=\"col\" class=\"num\">Sager i listen</th></tr></thead>\n<tbody>\n",
			         sampled);
			db_prepare(&q, r->db,
			           "SELECT c.advisor, count(*) FILTER (WHERE rc.status = 'udtrukket'),"
			           " (SELECT count(*) FROM cases x WHERE x.department_id = ?2 AND x.advisor = c.advisor AND x.on_list = 1)"
			           " FROM round_case rc JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1"
			           " GROUP BY c.advisor ORDER BY c.advisor");
			db_bind_int(&q, 1, rd->id);
			db_bind_int(&q, 2, d->id);
			while (db_step(&q))
				html_fmt(b, "<tr><td>%T</td><td class=\"num\">%I</td><td class=\"num\">%I</td></tr>\n", db_col_text(&q, 0),
				         db_col_int(&q, 1), db_col_int(&q, 2));
			db_finalize(&q);
			html_lit(b, "</tbody>\n</table>\n");
		}

		html_lit(b, "<h2 id=\"udtrukne-sager\">Udtrukne sager</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
		            "aria-label=\"Udtrukne sager\"><table>\n<thead><tr><th scope=\"col\">Sagsnummer</th>"
		            "<th scope=\"col\">Rådgiver</th><th scope=\"col\">Paragraf</th><th scope=\"col\">Status</th>"
		            "<th scope=\"col\">Erstat</th></tr></thead>\n<tbody>\n");
		db_prepare(&q, r->db,
		           "SELECT c.id, c.case_no, c.advisor, c.provision, rc.status, rc.replaced_reason FROM round_case rc"
		           " JOIN cases c ON c.id = rc.case_id WHERE rc.round_id = ?1 ORDER BY rc.status DESC, rc.sample_key");
		db_bind_int(&q, 1, rd->id);
		while (db_step(&q)) {
			int replaced = str_eq(db_col_text(&q, 4), "erstattet");
			if (replaced)
				html_fmt(b, "<tr><td>%T</td>", db_col_text(&q, 1));
			else /* the case's review page */
				html_fmt(b, "<tr><td><a href=\"/d/%U/rounds/%I/cases/%I\">%T</a></td>", d->code, rd->id, db_col_int(&q, 0),
				         db_col_text(&q, 1));
			html_fmt(b, "<td>%T</td><td>%T</td><td>%T%T</td><td>", db_col_text(&q, 2), db_col_text(&q, 3),
			         replaced ? _("erstattet: ") : _("udtrukket"), replaced ? db_col_text(&q, 5) : "");
			if (!replaced && decides) {
				char *id = arena_printf(r->arena, "reason-%lld", (long long)db_col_int(&q, 0));
				/* Folded away: replacing is the exception, and the table stays readable. */
				html_fmt(b, "<details class=\"inline\"><summary>Erstat<span class=\"sr\"> %T</span></summary>",
				         db_col_text(&q, 1));
				page_form_begin(r, arena_printf(r->arena, "/d/%s/rounds/%lld/replace", d->code, (long long)rd->id));
				html_fmt(b, "<input type=\"hidden\" name=\"case\" value=\"%I\">"
				            "<label for=\"%A\">Begrundelse for at erstatte %T</label>"
				            "<input id=\"%A\" name=\"reason\" required maxlength=\"500\"> "
				            "<button type=\"submit\" class=\"small\">Erstat sagen</button></form></details>",
				         db_col_int(&q, 0), id, db_col_text(&q, 1), id);
			}
			html_lit(b, "</td></tr>\n");
		}
		db_finalize(&q);
		html_lit(b, "</tbody>\n</table></div>\n");
		html_fmt(b, "<p><a href=\"/d/%U/rounds/%I/sample.xlsx\" download>Hent stikprøven som regneark (xlsx)</a></p>\n",
		         d->code, rd->id);
		if (sampled)
			page_sheet_section(r, rd);
		protocol_html(r, rd);
		audit_round(r, rd, "round_view", arena_printf(r->arena, "stikprøve vist (%lld sager)", (long long)sampled));
	}
	if (decides && !*rd->review_started_at)
		sample_form(r, rd);
	else if (decides)
		html_lit(b, "<p>Gennemgangen er begyndt, så stikprøven kan ikke trækkes om. Enkelte sager kan erstattes.</p>\n");
	page_end(r);
}

/* A refused form of the round page: back to the page by a 303, with the message on top and
** the form as typed (flash.c). */
static void round_fail(Req *r, const Round *rd, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld", r->dept->code, (long long)rd->id), NULL, message);
}

void page_round_show(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const Flash *f = flash_take(r);
	flash_restore_form(r, f);
	/* Which form came back: the one whose fields were typed. */
	int form = flash_value(f, "to", NULL) ? FORM_PHASE : flash_value(f, "performers", NULL) ? FORM_PLAN : FORM_NONE;
	round_page_at(r, &rd, f, form);
}

static const char *form_or_null(Req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v && *v ? v : NULL;
}

void page_round_sample(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	if (str_eq(req_form(r, "action"), "population")) { /* only the counts: the page, as typed */
		round_page_at(r, &rd, flash_take(r), FORM_NONE);
		return;
	}
	SampleRequest req = {.exclude_months = 12, .seed_hex = form_or_null(r, "seed"), .reason = form_or_null(r, "reason")};
	int64_t count = 0, exclude = 12;
	if (!parse_int64(req_form(r, "count"), &count) || count < 1) {
		round_fail(r, &rd, _("Antal sager skal være et helt tal på mindst 1."));
		return;
	}
	if (form_or_null(r, "exclude") && (!parse_int64(req_form(r, "exclude"), &exclude) || exclude < 0)) {
		round_fail(r, &rd, _("Antal måneder skal være et helt tal, 0 eller mere."));
		return;
	}
	req.exclude_months = exclude;
	if (str_eq(req_form(r, "method"), "per_advisor"))
		req.per_advisor = count;
	else
		req.size = count;
	sample_filters(r, &req.filters);
	/* (A finished round is refused by sample_draw below, with 409, before any reason is asked.) */
	if (*rd.sampled_at && str_empty(req_form(r, "reason")) && round_writable(r->db, rd.id, NULL, 0) == 0) {
		round_fail(r, &rd, _("Skriv en begrundelse for at trække stikprøven om."));
		return;
	}
	char msg[300];
	int64_t drawn;
	if (!req_begin(r))
		return;
	int rc = sample_draw(r->db, &rd, &req, r->user->login, &drawn, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		round_fail(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Stikprøven kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?sampled=1", r->dept->code, (long long)rd.id));
}

void page_round_replace(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	int64_t case_id;
	if (!parse_int64(req_form(r, "case"), &case_id)) {
		round_fail(r, &rd, _("Vælg den sag, der skal erstattes."));
		return;
	}
	char msg[300] = "";
	int64_t replacement;
	if (!req_begin(r))
		return;
	int rc = sample_replace(r->db, &rd, case_id, req_form(r, "reason"), r->user->login, &replacement, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(r->db);
		round_fail(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Erstatningen kunne ikke gemmes. Prøv igen.")))
		return;
	/* Taken out with nothing left to put in its place: said on the page (?replaced=0). */
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?replaced=%d", r->dept->code, (long long)rd.id,
	                              replacement ? 1 : 0));
}

void page_round_plan(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	RoundPlanInput in = {.performers = req_form(r, "performers"), .planned_cases = req_form(r, "planned_cases"),
	                     .selection = req_form(r, "selection"), .timing = req_form(r, "timing"),
	                     .gathering = req_form(r, "gathering"), .stopop_meetings = req_form(r, "stopop_meetings")};
	ReviewBy by = req_by(r);
	char msg[512];
	if (!req_begin(r))
		return;
	if (round_plan_save(r->db, &rd, &in, &by, msg, sizeof msg) != 0) {
		db_rollback(r->db);
		round_fail(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Planlægningen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?planned=1", r->dept->code, (long long)rd.id));
}

/* A move with work left and no reason comes back to the page (303, flash.c), saying what is left
** and asking for the reason; nothing is changed until a reason is given. */
void page_round_phase(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	ReviewBy by = req_by(r);
	PhaseWorkLeft left;
	char msg[2048];
	if (!req_begin(r))
		return;
	int rc = phase_change(r->db, &rd, req_form(r, "to"), req_form(r, "reason"), &by, &left, msg, sizeof msg);
	if (rc != PHASE_MOVED) {
		db_rollback(r->db);
		round_fail(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Fasen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?phase=1", r->dept->code, (long long)rd.id));
}

/* The re-measurement, proposed in the follow-up: one POST makes it (a second one finds it). */
void page_round_remeasure(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	ReviewBy by = req_by(r);
	char msg[512];
	int64_t id;
	if (!req_begin(r))
		return;
	int rc = round_remeasure(r->db, &rd, &by, &id, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(r->db);
		round_fail(r, &rd, msg);
		return;
	}
	if (!req_commit(r, _("Genmålingen kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?remeasure=1", r->dept->code, (long long)id));
}
