/*
** Rounds: one tilsyn of a department (overordnet, uddybende or ekstern) with its title,
** catalogue, themes, planned dates and phase. The sampling protocol is stored on the round
** by sample.c; the review, results and follow-up build on it.
*/
#include "tilsyn.h"

#include <stdio.h>
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

static int attach(sqlite3 *db, int64_t round_id, int64_t catalogue_id, int position)
{
	Stmt q;
	db_prepare(&q, db, "INSERT OR IGNORE INTO round_catalogue (round_id, catalogue_id, position) VALUES (?1, ?2, ?3)");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, catalogue_id);
	db_bind_int(&q, 3, position);
	int rc = db_done(&q);
	db_finalize(&q);
	return rc;
}

/*
** The catalogues a round uses, fixed at creation so the round keeps those versions: the
** named catalogue, or else (unless the round is uddybende) the newest published overordnet
** catalogue for the department's target group; then the named theme catalogues.
*/
static int attach_catalogues(sqlite3 *db, int64_t round_id, const Department *d, const char *kind,
                             const char *catalogue, const char *const *themes, int nthemes, const char **msg)
{
	int64_t main_id = 0;
	if (catalogue && *catalogue) {
		if (!(main_id = catalogue_newest(db, catalogue))) {
			*msg = _("Kataloget findes ikke eller er ikke udgivet (se tilsyn catalogue list).");
			return -1;
		}
	} else if (!str_eq(kind, "uddybende")) {
		main_id = catalogue_default_for(db, d->area);
	}
	if (main_id && attach(db, round_id, main_id, 0) != SQLITE_OK)
		return *msg = _("Tilsynets katalog kunne ikke gemmes."), -1;
	for (int i = 0; i < nthemes; i++) {
		Stmt q;
		db_prepare(&q, db,
		           "SELECT id FROM catalogue WHERE code = ?1 AND kind = 'tema' AND status = 'udgivet'"
		           " ORDER BY version DESC LIMIT 1");
		db_bind_text(&q, 1, themes[i]);
		int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
		if (!id) {
			*msg = _("Et tema findes ikke som udgivet temakatalog (se tilsyn catalogue list).");
			return -1;
		}
		if (attach(db, round_id, id, i + 1) != SQLITE_OK)
			return *msg = _("Tilsynets temaer kunne ikke gemmes."), -1;
	}
	return 0;
}

int round_create(sqlite3 *db, const Department *d, const char *kind, const char *title, const char *catalogue,
                 const char *const *themes, int nthemes, const char *start, const char *end, const char *login,
                 int64_t *id, const char **msg)
{
	if (!round_valid_kind(kind)) {
		*msg = _("Arten skal være overordnet, uddybende eller ekstern.");
		return -1;
	}
	if (str_empty(title)) {
		*msg = _("Titel mangler.");
		return -1;
	}
	if (strlen(title) > 200 || !utf8_valid(title, strlen(title))) {
		*msg = _("Titlen skal være gyldig tekst på højst 200 tegn.");
		return -1;
	}
	if (cpr_find(title) >= 0) {
		*msg = _("Titlen ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
		return -1;
	}
	if ((start && *start && !date_valid_iso(start)) || (end && *end && !date_valid_iso(end))) {
		*msg = _("Datoer skal skrives som ÅÅÅÅ-MM-DD, fx 2026-03-01.");
		return -1;
	}
	if (start && *start && end && *end && strcmp(start, end) > 0) {
		*msg = _("Slutdatoen ligger før startdatoen.");
		return -1;
	}
	for (int i = 0; i < nthemes; i++) {
		if (str_empty(themes[i]) || strlen(themes[i]) > 64) {
			*msg = _("Et tema skal have en kode på 1-64 tegn.");
			return -1;
		}
	}
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round (department_id, kind, title, catalogue, planned_start, planned_end, created_at,"
	           " created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, kind);
	db_bind_text(&q, 3, title);
	db_bind_text(&q, 4, catalogue && *catalogue ? catalogue : NULL);
	db_bind_text(&q, 5, start && *start ? start : NULL);
	db_bind_text(&q, 6, end && *end ? end : NULL);
	db_bind_text(&q, 7, now);
	db_bind_text(&q, 8, login);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != SQLITE_OK) {
		*msg = _("Tilsynet kunne ikke gemmes i databasen.");
		return -1;
	}
	*id = db_last_id(db);
	for (int i = 0; i < nthemes; i++) {
		db_prepare(&q, db, "INSERT OR IGNORE INTO round_theme (round_id, theme) VALUES (?1, ?2)");
		db_bind_int(&q, 1, *id);
		db_bind_text(&q, 2, themes[i]);
		rc = db_done(&q);
		db_finalize(&q);
		if (rc != SQLITE_OK) {
			*msg = _("Tilsynets temaer kunne ikke gemmes.");
			return -1;
		}
	}
	if (attach_catalogues(db, *id, d, kind, catalogue, themes, nthemes, msg) != 0)
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

int round_by_id(sqlite3 *db, int64_t id, Round *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, department_id, kind, title, catalogue, planned_start, planned_end, phase, seed,"
	           " sample_method, sample_param, filters, exclude_months, population_size, population_digest,"
	           " sampled_at, review_started_at, created_at, coalesce(case_import_id, 0) FROM round WHERE id = ?1");
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
