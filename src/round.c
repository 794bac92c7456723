/*
** Rounds: one tilsyn of a department (overordnet, uddybende or ekstern) with its title,
** catalogue, themes, planned dates and phase. The sampling protocol is stored on the round
** by sample.c; the review, results and follow-up build on it.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int round_valid_kind(const char *kind)
{
	return str_eq(kind, "overordnet") || str_eq(kind, "uddybende") || str_eq(kind, "ekstern");
}

const char *round_kind_title(const char *kind)
{
	if (str_eq(kind, "overordnet"))
		return _("Overordnet ledelsestilsyn");
	if (str_eq(kind, "uddybende"))
		return _("Uddybende ledelsestilsyn");
	if (str_eq(kind, "ekstern"))
		return _("Eksternt tilsyn");
	return kind;
}

static int attach(Db *db, int64_t round_id, int64_t catalogue_id, int position)
{
	Stmt q;
	db_prepare(&q, db, "INSERT INTO round_catalogue (round_id, catalogue_id, position) VALUES (?1, ?2, ?3)"
	           " ON CONFLICT DO NOTHING");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, catalogue_id);
	db_bind_int(&q, 3, position);
	int rc = db_done(&q);
	db_finalize(&q);
	return rc;
}

/* The theme catalogues of a round (positions 1, 2, ...): the newest published version of each. */
static int attach_themes(Db *db, int64_t round_id, const char *const *themes, int nthemes, char *msg, size_t n)
{
	for (int i = 0; i < nthemes; i++) {
		Stmt q;
		db_prepare(&q, db,
		           "SELECT id FROM catalogue WHERE code = ?1 AND kind = 'tema' AND status = 'udgivet'"
		           " ORDER BY version DESC LIMIT 1");
		db_bind_text(&q, 1, themes[i]);
		int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
		if (!id)
			return msg_fail(msg, n, "%s", _("Et tema findes ikke som udgivet temakatalog (se tilsyn catalogue list)."));
		if (attach(db, round_id, id, i + 1) != DB_OK)
			return msg_fail(msg, n, "%s", _("Tilsynets temaer kunne ikke gemmes."));
	}
	return 0;
}

/*
** The catalogues a round uses, fixed at creation so the round keeps those versions: the
** named catalogue, or else (unless the round is uddybende) the newest published overordnet
** catalogue for the department's target group; then the named theme catalogues.
*/
static int attach_catalogues(Db *db, int64_t round_id, const Department *d, const char *kind,
                             const char *catalogue, const char *const *themes, int nthemes, char *msg, size_t n)
{
	int64_t main_id = 0;
	if (catalogue && *catalogue) {
		if (!(main_id = catalogue_newest(db, catalogue)))
			return msg_fail(msg, n, "%s", _("Kataloget findes ikke eller er ikke udgivet (se tilsyn catalogue list)."));
	} else if (!str_eq(kind, "uddybende")) {
		main_id = catalogue_default_for(db, d->area);
	}
	if (main_id && attach(db, round_id, main_id, 0) != DB_OK)
		return msg_fail(msg, n, "%s", _("Tilsynets katalog kunne ikke gemmes."));
	return attach_themes(db, round_id, themes, nthemes, msg, n);
}

/* The fields a person types for a round, checked alike when it is created and edited:
** NULL when they are fine, else the Danish message. start/end NULL or "" mean none. */
static const char *fields_problem(const char *kind, const char *title, const char *start, const char *end,
                                  const char *const *themes, int nthemes)
{
	if (!round_valid_kind(kind))
		return _("Arten skal være overordnet, uddybende eller ekstern.");
	if (str_empty(title))
		return _("Titel mangler.");
	if (strlen(title) > 200 || !utf8_valid(title, strlen(title)))
		return _("Titlen skal være gyldig tekst på højst 200 tegn.");
	if (cpr_find(title) >= 0)
		return _("Titlen ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	if ((start && *start && !date_valid_iso(start)) || (end && *end && !date_valid_iso(end)))
		return _("Datoer skal skrives som ÅÅÅÅ-MM-DD, fx 2026-03-01.");
	if (start && *start && end && *end && strcmp(start, end) > 0)
		return _("Slutdatoen ligger før startdatoen.");
	for (int i = 0; i < nthemes; i++)
		if (str_empty(themes[i]) || strlen(themes[i]) > 64)
			return _("Et tema skal have en kode på 1-64 tegn.");
	return NULL;
}

static int insert_themes(Db *db, int64_t round_id, const char *const *themes, int nthemes)
{
	for (int i = 0; i < nthemes; i++) {
		Stmt q;
		db_prepare(&q, db, "INSERT INTO round_theme (round_id, theme) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
		db_bind_int(&q, 1, round_id);
		db_bind_text(&q, 2, themes[i]);
		int rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

int round_create(Db *db, const Department *d, const char *kind, const char *title, const char *catalogue,
                 const char *const *themes, int nthemes, const char *start, const char *end, const char *login,
                 int64_t *id, char *msg, size_t n)
{
	const char *problem = fields_problem(kind, title, start, end, themes, nthemes);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round (department_id, kind, title, catalogue, planned_start, planned_end, created_at,"
	           " created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, kind);
	db_bind_text(&q, 3, title);
	db_bind_text(&q, 4, catalogue && *catalogue ? catalogue : NULL);
	db_bind_text(&q, 5, start && *start ? start : NULL);
	db_bind_text(&q, 6, end && *end ? end : NULL);
	db_bind_text(&q, 7, now);
	db_bind_text(&q, 8, login);
	int rc = db_insert_id(&q, id);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Tilsynet kunne ikke gemmes i databasen."));
	if (insert_themes(db, *id, themes, nthemes) != DB_OK)
		return msg_fail(msg, n, "%s", _("Tilsynets temaer kunne ikke gemmes."));
	if (attach_catalogues(db, *id, d, kind, catalogue, themes, nthemes, msg, n) != 0)
		return -1;
	char object[64];
	snprintf(object, sizeof object, "round:%lld", (long long)*id);
	audit_log(db, &(AuditEntry){.login = login, .action = "round_create", .department_id = d->id, .object = object,
	                            .detail = title});
	return 0;
}

static void copy_col(Stmt *q, int i, char *out, size_t n)
{
	snprintf(out, n, "%s", db_col_text(q, i));
}

int round_by_id(Db *db, int64_t id, Round *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, department_id, kind, title, catalogue, planned_start, planned_end, phase, seed,"
	           " sample_method, sample_param, filters, exclude_months, population_size, population_digest,"
	           " sampled_at, review_started_at, created_at, coalesce(case_import_id, 0), coalesce(remeasure_of, 0)"
	           " FROM round WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(&q, 0);
		out->department_id = db_col_int(&q, 1);
		copy_col(&q, 2, out->kind, sizeof out->kind);
		copy_col(&q, 3, out->title, sizeof out->title);
		copy_col(&q, 4, out->catalogue, sizeof out->catalogue);
		copy_col(&q, 5, out->planned_start, sizeof out->planned_start);
		copy_col(&q, 6, out->planned_end, sizeof out->planned_end);
		copy_col(&q, 7, out->phase, sizeof out->phase);
		copy_col(&q, 8, out->seed, sizeof out->seed);
		copy_col(&q, 9, out->sample_method, sizeof out->sample_method);
		out->sample_param = db_col_int(&q, 10);
		copy_col(&q, 11, out->filters, sizeof out->filters);
		out->exclude_months = db_col_int(&q, 12);
		out->population_size = db_col_int(&q, 13);
		copy_col(&q, 14, out->population_digest, sizeof out->population_digest);
		copy_col(&q, 15, out->sampled_at, sizeof out->sampled_at);
		copy_col(&q, 16, out->review_started_at, sizeof out->review_started_at);
		copy_col(&q, 17, out->created_at, sizeof out->created_at);
		out->case_import_id = db_col_int(&q, 18);
		out->remeasure_of = db_col_int(&q, 19);
	}
	db_finalize(&q);
	return found;
}

/* A warning when the sample is smaller than the recommendation for the kind, else NULL.
** The department may choose otherwise; tilsyn only says so. */
const char *round_size_warning(const Round *r, int64_t sampled)
{
	if (str_eq(r->kind, "overordnet") && sampled < RECOMMENDED_OVERORDNET)
		return _("Stikprøven er mindre end anbefalet: et overordnet ledelsestilsyn bør omfatte mindst 30 sager.");
	if (str_eq(r->kind, "uddybende") && sampled < RECOMMENDED_UDDYBENDE)
		return _("Stikprøven er mindre end anbefalet: et uddybende ledelsestilsyn bør omfatte mindst 20 sager.");
	return NULL;
}

/* ---- editing, deleting and re-measuring a round ---- */

static char *round_object(char out[32], int64_t id)
{
	snprintf(out, 32, "round:%lld", (long long)id);
	return out;
}

static int64_t count_of(Db *db, const char *sql, int64_t id)
{
	Stmt q;
	db_prepare(&q, db, sql);
	db_bind_int(&q, 1, id);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return n;
}

/* The round's theme codes, malloc'd (round_themes_free), in the order of their catalogues. */
int round_themes(Db *db, int64_t round_id, char ***out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT t.theme FROM round_theme t WHERE t.round_id = ?1 ORDER BY (SELECT min(rc.position)"
	           " FROM round_catalogue rc JOIN catalogue c ON c.id = rc.catalogue_id WHERE rc.round_id = t.round_id"
	           " AND rc.position > 0 AND c.code = t.theme), t.theme");
	db_bind_int(&q, 1, round_id);
	int n = 0;
	*out = NULL;
	while (db_step(&q)) {
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
		(*out)[n++] = xstrdup(db_col_text(&q, 0));
	}
	db_finalize(&q);
	return n;
}

void round_themes_free(char **themes, int n)
{
	for (int i = 0; i < n; i++)
		free(themes[i]);
	free(themes);
}

/* Whether two theme sets hold the same codes (each list without repeats). */
static int same_themes(char **a, int na, const char *const *b, int nb)
{
	int distinct = 0;
	for (int i = 0; i < nb; i++) {
		int repeat = 0;
		for (int k = 0; k < i && !repeat; k++)
			repeat = str_eq(b[k], b[i]);
		if (repeat)
			continue;
		distinct++;
		int found = 0;
		for (int k = 0; k < na && !found; k++)
			found = str_eq(a[k], b[i]);
		if (!found)
			return 0;
	}
	return distinct == na;
}

static void themes_text(Buf *b, const char *const *themes, int n)
{
	if (!n)
		buf_puts(b, _("ingen"));
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", themes[i]);
}

int round_update(Db *db, const Round *r, const RoundEdit *e, const struct ReviewBy *by, char *msg, size_t n)
{
	msg[0] = 0;
	int rc = round_writable(db, r->id, msg, n);
	if (rc)
		return rc;
	Round cur; /* as it is now, inside the caller's transaction */
	if (!round_by_id(db, r->id, &cur))
		return snprintf(msg, n, "%s", _("Tilsynet findes ikke.")), -1;
	const char *title = e->title ? e->title : cur.title;
	const char *kind = e->kind ? e->kind : cur.kind;
	const char *start = e->start ? e->start : cur.planned_start;
	const char *end = e->end ? e->end : cur.planned_end;
	char **old = NULL;
	int nold = round_themes(db, r->id, &old);
	const char *const *themes = e->set_themes ? e->themes : (const char *const *)old;
	int nthemes = e->set_themes ? e->nthemes : nold;
	int kind_changed = !str_eq(kind, cur.kind);
	int themes_changed = e->set_themes && !same_themes(old, nold, e->themes, e->nthemes);
	const char *problem = fields_problem(kind, title, start, end, themes, nthemes);
	if (!problem && kind_changed && *cur.sampled_at)
		problem = _("Arten kan ikke ændres, når stikprøven er trukket: stikprøvens størrelse og spørgsmålene følger "
		            "arten. Opret et nyt tilsyn af den rigtige art i stedet.");
	if (!problem && themes_changed && (*cur.review_started_at || count_of(db, "SELECT count(*) FROM answer WHERE round_id = ?1", r->id)))
		problem = _("Temaerne kan ikke ændres, når gennemgangen er begyndt: de afgivne svar hører til temaernes "
		            "spørgsmål.");
	if (problem) {
		snprintf(msg, n, "%s", problem);
		round_themes_free(old, nold);
		return -1;
	}
	Buf what;
	buf_init(&what, 0);
	if (!str_eq(title, cur.title))
		buf_printf(&what, "titel: «%s» → «%s». ", cur.title, title);
	if (kind_changed)
		buf_printf(&what, "art: %s → %s. ", cur.kind, kind);
	if (!str_eq(start, cur.planned_start) || !str_eq(end, cur.planned_end))
		buf_printf(&what, "periode: %s – %s → %s – %s. ", cur.planned_start, cur.planned_end, start, end);
	if (themes_changed) {
		buf_puts(&what, "temaer: ");
		themes_text(&what, (const char *const *)old, nold);
		buf_puts(&what, " → ");
		themes_text(&what, themes, nthemes);
		buf_puts(&what, ". ");
	}
	if (!what.len) {
		round_themes_free(old, nold);
		buf_free(&what);
		snprintf(msg, n, "%s", _("Der var intet at ændre."));
		return 0;
	}
	Stmt q;
	db_prepare(&q, db, "UPDATE round SET title = ?2, kind = ?3, planned_start = ?4, planned_end = ?5 WHERE id = ?1");
	db_bind_int(&q, 1, r->id);
	db_bind_text(&q, 2, title);
	db_bind_text(&q, 3, kind);
	db_bind_text(&q, 4, *start ? start : NULL);
	db_bind_text(&q, 5, *end ? end : NULL);
	rc = db_done(&q);
	db_finalize(&q);
	/* The catalogues follow the kind (an uddybende round has no overordnet catalogue of its own)
	** and the themes; both can change only before answers exist (see above). */
	int failed = 0; /* a catalogue could not be attached; msg says why */
	if (rc == DB_OK && (kind_changed || themes_changed)) {
		db_prepare(&q, db, kind_changed ? "DELETE FROM round_catalogue WHERE round_id = ?1"
		                                : "DELETE FROM round_catalogue WHERE round_id = ?1 AND position > 0");
		db_bind_int(&q, 1, r->id);
		rc = db_done(&q);
		db_finalize(&q);
		db_prepare(&q, db, "DELETE FROM round_theme WHERE round_id = ?1");
		db_bind_int(&q, 1, r->id);
		if (rc == DB_OK)
			rc = db_done(&q);
		db_finalize(&q);
		if (rc == DB_OK)
			rc = insert_themes(db, r->id, themes, nthemes);
		Department d;
		if (rc == DB_OK && kind_changed && department_by_id(db, r->department_id, &d))
			failed = attach_catalogues(db, r->id, &d, kind, cur.catalogue, themes, nthemes, msg, n) != 0;
		else if (rc == DB_OK && !kind_changed)
			failed = attach_themes(db, r->id, themes, nthemes, msg, n) != 0;
	}
	round_themes_free(old, nold); /* themes may point into it until here */
	if (rc != DB_OK || failed) {
		buf_free(&what);
		if (!failed)
			snprintf(msg, n, "%s", _("Ændringen kunne ikke gemmes i databasen."));
		return -1;
	}
	what.data[--what.len] = 0; /* the last space */
	char object[32];
	rc = audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_edit",
	                                 .department_id = r->department_id, .object = round_object(object, r->id),
	                                 .detail = buf_cstr(&what), .ip = by->ip});
	buf_free(&what);
	if (rc != 0)
		return snprintf(msg, n, "%s", _("Ændringen kunne ikke skrives i loggen.")), -1;
	return 0;
}

/* Why the round may not be deleted any more (a case has answers or is reviewed): 1 with the
** Danish reason in msg, else 0. */
int round_delete_blocked(Db *db, const Round *r, char *msg, size_t n)
{
	int64_t cases = count_of(db,
	                         "SELECT count(*) FROM round_case rc WHERE rc.round_id = ?1 AND (rc.review_status <> 'ikke_startet'"
	                         " OR EXISTS (SELECT 1 FROM answer a WHERE a.round_id = rc.round_id AND a.case_id = rc.case_id)"
	                         " OR EXISTS (SELECT 1 FROM answer_history h WHERE h.round_id = rc.round_id AND h.case_id = rc.case_id)"
	                         " OR EXISTS (SELECT 1 FROM calibration_answer k WHERE k.round_id = rc.round_id"
	                         "  AND k.case_id = rc.case_id))",
	                         r->id);
	int purged = count_of(db, "SELECT count(*) FROM round WHERE id = ?1 AND purged_at IS NOT NULL", r->id) > 0;
	if (!cases && !purged)
		return 0;
	if (purged)
		snprintf(msg, n, "%s", _("Tilsynet kan ikke slettes: det er gennemført, og dets tal er bevaret efter reglen om "
		                         "opbevaring."));
	else
		snprintf(msg, n,
		         cases == 1 ? _("Tilsynet kan ikke slettes, fordi %lld sag er gennemgået eller har svar. Et tilsyn med "
		                        "gennemgåede sager bevares; afslut det i stedet med et faseskift.")
		                    : _("Tilsynet kan ikke slettes, fordi %lld sager er gennemgået eller har svar. Et tilsyn med "
		                        "gennemgåede sager bevares; afslut det i stedet med et faseskift."),
		         (long long)cases);
	return 1;
}

/* A reason for deleting: required, valid text of at most ROUND_DELETE_REASON_MAX characters,
** no CPR number. NULL when fine. */
const char *round_delete_reason_problem(const char *reason)
{
	if (str_empty(reason))
		return _("Skriv en begrundelse for at slette tilsynet; den gemmes i loggen.");
	size_t len = strlen(reason), chars = 0;
	for (const char *c = reason; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (!utf8_valid(reason, len) || chars > ROUND_DELETE_REASON_MAX)
		return _("Begrundelsen skal være gyldig tekst på højst 1000 tegn.");
	if (cpr_find(reason) >= 0)
		return _("Begrundelsen ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	return NULL;
}

int round_delete(Db *db, const Round *r, const char *reason, const struct ReviewBy *by, char *msg, size_t n)
{
	msg[0] = 0;
	int rc = round_writable(db, r->id, msg, n);
	if (rc)
		return rc;
	const char *problem = round_delete_reason_problem(reason);
	if (problem)
		return snprintf(msg, n, "%s", problem), -1;
	if (round_delete_blocked(db, r, msg, n))
		return ROUND_REVIEWED;
	Round cur;
	if (!round_by_id(db, r->id, &cur))
		return snprintf(msg, n, "%s", _("Tilsynet findes ikke.")), -1;
	int64_t sampled = count_of(db, "SELECT count(*) FROM round_case WHERE round_id = ?1", r->id);
	int64_t meetings = count_of(db, "SELECT count(*) FROM meeting WHERE round_id = ?1", r->id);
	int64_t actions = count_of(db, "SELECT count(*) FROM action_item WHERE round_id = ?1", r->id);
	/* Meetings and actions are the department's: they stay, no longer tied to the round (actions
	** by the foreign key's ON DELETE SET NULL). The sample, assignments, planning answers, phase
	** history, invitations and report text go with the round (ON DELETE CASCADE); the audit log
	** keeps every entry about it. */
	/* Each sampled case's own log (audit_case.c) says it left the sample with the round. */
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 ORDER BY case_id");
	db_bind_int(&q, 1, r->id);
	char detail_case[300];
	snprintf(detail_case, sizeof detail_case, "tilsyn %lld «%.200s» slettet", (long long)r->id, cur.title);
	rc = 0;
	while (rc == 0 && db_step(&q)) {
		char object[48];
		snprintf(object, sizeof object, "case:%lld", (long long)db_col_int(&q, 0));
		rc = audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_delete_case",
		                                 .department_id = r->department_id, .object = object, .detail = detail_case,
		                                 .ip = by->ip});
	}
	db_finalize(&q);
	if (rc != 0)
		return snprintf(msg, n, "%s", _("Sletningen kunne ikke skrives i loggen.")), -1;
	db_prepare(&q, db, "UPDATE meeting SET round_id = NULL WHERE round_id = ?1");
	db_bind_int(&q, 1, r->id);
	rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db, "DELETE FROM round WHERE id = ?1");
		db_bind_int(&q, 1, r->id);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK)
		return snprintf(msg, n, "%s", _("Tilsynet kunne ikke slettes i databasen.")), -1;
	Buf detail;
	buf_init(&detail, 0);
	char *why = str_trim(xstrdup(reason));
	buf_printf(&detail, "«%s» (%s) slettet. Begrundelse: %s. Slettet med tilsynet: %lld sager i stikprøven.", cur.title,
	           cur.kind, why, (long long)sampled);
	if (meetings || actions)
		buf_printf(&detail, " Bevaret uden tilknytning til tilsynet: %lld møder og %lld tiltag.", (long long)meetings,
		           (long long)actions);
	char object[32];
	rc = audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_delete",
	                                 .department_id = r->department_id, .object = round_object(object, r->id),
	                                 .detail = buf_cstr(&detail), .ip = by->ip});
	free(why);
	buf_free(&detail);
	if (rc != 0)
		return snprintf(msg, n, "%s", _("Sletningen kunne ikke skrives i loggen.")), -1;
	return 0;
}

/* The day a round is known to start: planned, else sampled, else created (as plan.c). */
static void round_start_day(const Round *r, char out[11])
{
	const char *from = *r->planned_start ? r->planned_start : *r->sampled_at ? r->sampled_at : r->created_at;
	memcpy(out, from, 10); /* yyyy-mm-dd of a date or a time stamp */
	out[10] = 0;
}

/*
** The re-measurement's period: it starts ROUND_REMEASURE_MONTHS (9) after this round's start,
** in the middle of the recommended 8-10 months, and lasts as long as this one was planned
** to (else a month).
*/
int round_remeasure_dates(const Round *r, char start[11], char end[11])
{
	char base[11];
	round_start_day(r, base);
	if (!date_add_months(base, ROUND_REMEASURE_MONTHS, start))
		return 0;
	long days = *r->planned_start && *r->planned_end ? date_diff_days(r->planned_start, r->planned_end) : 0;
	if (days > 0 ? !date_add_days(start, days, end) : !date_add_months(start, 1, end))
		return 0;
	return 1;
}

int64_t round_remeasured_by(Db *db, int64_t round_id)
{
	return count_of(db, "SELECT coalesce(min(id), 0) FROM round WHERE remeasure_of = ?1", round_id);
}

int round_remeasure(Db *db, const Round *r, const struct ReviewBy *by, int64_t *id, char *msg, size_t n)
{
	msg[0] = 0;
	if ((*id = round_remeasured_by(db, r->id)))
		return 1;
	if (phase_index(r->phase) < phase_index("opfoelgning"))
		return snprintf(msg, n, "%s",
		                _("Genmålingen kan oprettes, når tilsynet er nået til fasen Opfølgning.")),
		       -1;
	Department d;
	if (!department_by_id(db, r->department_id, &d))
		return snprintf(msg, n, "%s", _("Afdelingen findes ikke.")), -1;
	char start[11], end[11];
	if (!round_remeasure_dates(r, start, end))
		return snprintf(msg, n, "%s", _("Tilsynets datoer kan ikke læses, så genmålingen kan ikke dateres.")), -1;
	char title[201];
	Buf t;
	buf_init(&t, 0);
	buf_printf(&t, _("Genmåling: %s"), r->title);
	snprintf(title, sizeof title, "%.200s", buf_cstr(&t));
	buf_free(&t);
	size_t len = strlen(title);
	while (len && !utf8_valid(title, len)) /* cut inside a character */
		title[--len] = 0;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.code FROM round_catalogue rc JOIN catalogue c ON c.id = rc.catalogue_id"
	           " WHERE rc.round_id = ?1 AND rc.position = 0");
	db_bind_int(&q, 1, r->id);
	char catalogue[65] = "";
	if (db_step(&q))
		snprintf(catalogue, sizeof catalogue, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	char **themes;
	int nthemes = round_themes(db, r->id, &themes);
	int rc = round_create(db, &d, r->kind, title, catalogue, (const char *const *)themes, nthemes, start, end, by->login,
	                      id, msg, n);
	round_themes_free(themes, nthemes);
	if (rc != 0)
		return -1;
	db_prepare(&q, db, "UPDATE round SET remeasure_of = ?2 WHERE id = ?1");
	db_bind_int(&q, 1, *id);
	db_bind_int(&q, 2, r->id);
	rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return snprintf(msg, n, "%s", _("Genmålingen kunne ikke gemmes i databasen.")), -1;
	char object[32], detail[400];
	snprintf(detail, sizeof detail, "genmåling af tilsyn %lld «%s», planlagt %s – %s", (long long)r->id, r->title, start,
	         end);
	if (audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_remeasure",
	                                .department_id = r->department_id, .object = round_object(object, *id),
	                                .detail = detail, .ip = by->ip}) != 0)
		return snprintf(msg, n, "%s", _("Genmålingen kunne ikke skrives i loggen.")), -1;
	return 0;
}

/* ---- the steps of a tilsyn, as the round page's task list shows them ---- */

static const char *const task_codes[ROUND_TASKS] = {"plan",     "inform", "sample",   "assign",  "review",
                                                     "analyse",  "report", "feedback", "followup"};
static const char *const task_titles[ROUND_TASKS] = {
	"Planlæg tilsynet",     "Informér medarbejderne", "Træk stikprøven",     "Fordel sagerne", "Gennemgå sagerne",
	"Analysér resultaterne", "Skriv rapporten",        "Giv tilbagemelding", "Følg op"};

const char *round_task_status_title(int status)
{
	switch (status) {
	case TASK_DONE: return _("Færdig");
	case TASK_STARTED: return _("I gang");
	case TASK_NOT_STARTED: return _("Ikke startet");
	default: return _("Kan ikke startes endnu");
	}
}

/*
** Each step's status from what is stored: planning answers, meetings, the sample, the
** assignments, the answers, the phase, the report text, the feedback meetings, the actions
** and the re-measurement. A step that needs an earlier one (the review needs a sample) says
** it cannot start yet. *next is the first step still to do (not done, and possible now), or
** -1 when there is none (the round is finished, or every step is done).
*/
void round_tasks(Db *db, const Round *r, RoundTask out[ROUND_TASKS], int *next)
{
	int phase = phase_index(r->phase);
	int sampled = *r->sampled_at != 0;
	int64_t cases = count_of(db, "SELECT count(*) FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'", r->id);
	int64_t assigned = count_of(db,
	                            "SELECT count(*) FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'"
	                            " AND reviewer_id IS NOT NULL",
	                            r->id);
	int64_t finished = count_of(db,
	                            "SELECT count(*) FROM round_case WHERE round_id = ?1 AND status = 'udtrukket'"
	                            " AND review_status = 'faerdig'",
	                            r->id);
	int started = *r->review_started_at || count_of(db, "SELECT count(*) FROM answer WHERE round_id = ?1", r->id) > 0;
	for (int i = 0; i < ROUND_TASKS; i++) {
		out[i].code = task_codes[i];
		out[i].title = _(task_titles[i]);
		out[i].status = TASK_NOT_STARTED;
		out[i].meeting = 0;
	}
	RoundPlan *plan = xmalloc(sizeof *plan); /* large: its texts */
	round_plan_get(db, r->id, plan);
	if (phase > phase_index("planlaegning") || (plan->exists && plan->planned_cases > 0 && *plan->performers))
		out[0].status = TASK_DONE;
	else if (plan->exists)
		out[0].status = TASK_STARTED;
	free(plan);

	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, status FROM meeting WHERE round_id = ?1 AND kind = 'information' AND status <> 'aflyst'"
	           " ORDER BY status = 'afholdt' DESC, date, id LIMIT 1");
	db_bind_int(&q, 1, r->id);
	if (db_step(&q)) {
		out[1].meeting = db_col_int(&q, 0);
		out[1].status = str_eq(db_col_text(&q, 1), "afholdt") ? TASK_DONE : TASK_STARTED;
	}
	db_finalize(&q);

	CaseListVersion v;
	if (sampled)
		out[2].status = TASK_DONE;
	else if (!case_list_current(db, r->department_id, &v))
		out[2].status = TASK_CANNOT_START;

	if (!sampled || !cases)
		out[3].status = out[4].status = TASK_CANNOT_START;
	else {
		out[3].status = assigned == cases ? TASK_DONE : assigned ? TASK_STARTED : TASK_NOT_STARTED;
		out[4].status = finished == cases ? TASK_DONE : started ? TASK_STARTED : TASK_NOT_STARTED;
	}

	if (!started) {
		out[5].status = out[6].status = out[7].status = out[8].status = TASK_CANNOT_START;
	} else {
		int analyse = phase_index("analyse");
		out[5].status = phase > analyse ? TASK_DONE : phase == analyse ? TASK_STARTED : TASK_NOT_STARTED;
		db_prepare(&q, db, "SELECT status FROM report_text WHERE round_id = ?1");
		db_bind_int(&q, 1, r->id);
		if (db_step(&q))
			out[6].status = str_eq(db_col_text(&q, 0), "endelig") ? TASK_DONE : TASK_STARTED;
		db_finalize(&q);
		/* Feedback is given when every caseworker has had an individual meeting and the staff a
		** meeting on the results (phase.c's rule for leaving tilbagemelding). */
		Round as_feedback = *r;
		snprintf(as_feedback.phase, sizeof as_feedback.phase, "%s", "tilbagemelding");
		PhaseWorkLeft left;
		if (!phase_work_left(db, &as_feedback, "opfoelgning", &left))
			out[7].status = TASK_DONE;
		else if (count_of(db,
		                  "SELECT count(*) FROM meeting WHERE round_id = ?1 AND kind IN ('personale', 'individuel')"
		                  " AND status <> 'aflyst'",
		                  r->id))
			out[7].status = TASK_STARTED;
		int64_t actions = count_of(db, "SELECT count(*) FROM action_item WHERE round_id = ?1", r->id);
		int64_t remeasure = round_remeasured_by(db, r->id);
		if (str_eq(r->phase, "afsluttet") || (actions && remeasure))
			out[8].status = TASK_DONE;
		else if (actions || remeasure || str_eq(r->phase, "opfoelgning"))
			out[8].status = TASK_STARTED;
	}
	*next = -1;
	for (int i = 0; i < ROUND_TASKS && *next < 0 && !str_eq(r->phase, "afsluttet"); i++)
		if (out[i].status == TASK_NOT_STARTED || out[i].status == TASK_STARTED)
			*next = i;
}
