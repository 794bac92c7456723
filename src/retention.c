/*
** Retention: the case-level data of a finished tilsyn is deleted a set period after it
** finished (retention_months, default 24), keeping the figures that results, trends and
** comparisons need; the audit log is kept audit_extra_months (default 6) longer than the
** data it describes; leaders are told retention_notice_days (default 30) before.
**
** The rule (README.md, "Data retention", says it for operators):
**  - A round counts as finished from round.finished_at (set when its phase became
**    afsluttet). A round finished before that column existed has none; then the newest
**    phase change to afsluttet counts, and failing that the newest of its planned end,
**    sampling, start of review and creation: the latest day it is known to have been
**    worked on, so an estimate never shortens the period.
**  - Months are calendar months by dates.c's month rule: a day the target month lacks becomes
**    its last day (finished 2024-08-31, 6 months: due 2025-02-28).
**  - On or after finished + retention_months, `tilsyn retention run` deletes, in one
**    transaction per round: the sample's case numbers (round_case, with acute notes, consent
**    to use a case as an example, who reviewed what), the answers and their comments, the
**    answers' history, the calibration (second review) cases and answers, and the minutes
**    of the round's stop-op, management and individual feedback meetings (the meetings
**    where cases are discussed; staff meetings may not name cases anyway). Before deleting,
**    results_keep() stores the per-question counts and the progress figures; the round gets
**    purged_at and a round_purge record with what was deleted; the purge is audited.
**    Kept: the round itself with its sampling protocol, the report text, the planning,
**    meetings (without those minutes) and actions.
**  - The case list: a case that no import has listed for retention_months and that is in
**    no round whose case data is held is deleted too (it is case-level data; while it is
**    listed, the case system still has it and sampling needs it).
**  - Audit entries older than retention_months + audit_extra_months are deleted, but never
**    one newer than the creation of a round whose case data is still held or was deleted
**    less than audit_extra_months ago: the record of who saw a case outlives the case data
**    by at least audit_extra_months. The chain stays verifiable (audit_purge).
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *key;
	int64_t fallback, min, max; /* as retention_settings_problem allows */
} setting_keys[] = {
	{"retention_months", 24, 1, 600},
	{"audit_extra_months", 6, 0, 600},
	{"retention_notice_days", 30, 0, 366},
};

const char *const retention_count_keys[RETENTION_KINDS] = {
	"cases", "answers", "comments", "history", "calibration_cases", "calibration_answers", "acute_notes", "consents",
	"minutes",
};
const char *const retention_count_titles[RETENTION_KINDS] = {
	"sager i stikprøven", "svar", "bemærkninger", "ændringer i svarhistorikken", "kalibreringssager",
	"kalibreringssvar", "akut-markeringer", "samtykker til sagseksempler", "mødereferater",
};

/* The settings; a missing or unreadable value (a period of 0 months, say, written by hand)
** falls back to the default rather than deleting early. */
void retention_settings(Db *db, RetentionSettings *out)
{
	int64_t *fields[] = {&out->months, &out->audit_extra, &out->notice_days};
	for (size_t i = 0; i < COUNT(setting_keys); i++) {
		*fields[i] = setting_keys[i].fallback;
		Stmt q;
		db_prepare(&q, db, "SELECT value FROM setting WHERE key = ?1");
		db_bind_text(&q, 1, setting_keys[i].key);
		int64_t v;
		if (db_step(&q) && parse_int64(db_col_text(&q, 0), &v) && v >= setting_keys[i].min && v <= setting_keys[i].max)
			*fields[i] = v;
		db_finalize(&q);
	}
}

/* What is wrong with the settings, in Danish; NULL when they are acceptable. The audit log
** is kept at least six months in all (domain.md), and the notice at most a year ahead. */
const char *retention_settings_problem(const RetentionSettings *s)
{
	if (s->months < 1 || s->months > 600)
		return _("Opbevaringsperioden (--months) skal være fra 1 til 600 måneder.");
	if (s->audit_extra < 0 || s->audit_extra > 600)
		return _("Logbogens ekstra tid (--audit-extra-months) skal være fra 0 til 600 måneder.");
	if (s->months + s->audit_extra < 6)
		return _("Logbogen skal gemmes i mindst 6 måneder i alt (--months plus --audit-extra-months).");
	if (s->notice_days < 0 || s->notice_days > 366)
		return _("Varslet (--notice-days) skal være fra 0 til 366 dage.");
	return NULL;
}

/* Saves the settings that changed, each audited with its old and new value. Runs in the
** caller's transaction. Returns how many changed, or -1 with a message. */
int retention_settings_save(Db *db, const RetentionSettings *s, const char *login, char *msg, size_t n)
{
	const char *problem = retention_settings_problem(s);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	RetentionSettings old;
	retention_settings(db, &old);
	const int64_t olds[] = {old.months, old.audit_extra, old.notice_days};
	const int64_t news[] = {s->months, s->audit_extra, s->notice_days};
	char now[32];
	time_iso(now, time(NULL));
	int changed = 0;
	for (size_t i = 0; i < COUNT(setting_keys); i++) {
		if (olds[i] == news[i])
			continue;
		char value[24], detail[120];
		snprintf(value, sizeof value, "%lld", (long long)news[i]);
		Stmt q;
		db_prepare(&q, db,
		           "INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)"
		           " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,"
		           " updated_by = excluded.updated_by");
		db_bind_text(&q, 1, setting_keys[i].key);
		db_bind_text(&q, 2, value);
		db_bind_text(&q, 3, now);
		db_bind_text(&q, 4, login);
		int rc = db_done(&q);
		db_finalize(&q);
		snprintf(detail, sizeof detail, "%lld -> %lld", (long long)olds[i], (long long)news[i]);
		if (rc != DB_OK || audit_log(db, &(AuditEntry){.login = login, .action = "setting_set",
		                                                   .object = setting_keys[i].key, .detail = detail,
		                                                   .ip = "kommandolinje"}) != 0)
			return msg_fail(msg, n, "%s", _("Indstillingen kunne ikke gemmes."));
		changed++;
	}
	return changed;
}

const char *retention_basis_title(const char *source)
{
	if (str_eq(source, "afsluttet"))
		return _("afsluttet");
	if (str_eq(source, "faseskift"))
		return _("sat til afsluttet");
	return _("sidst arbejdet på (anslået)");
}

/* The latest of the texts (ISO dates and times compare as text); "" when all are NULL. */
static const char *latest(const char *const *v, size_t n)
{
	const char *best = "";
	for (size_t i = 0; i < n; i++)
		if (v[i] && strcmp(v[i], best) > 0)
			best = v[i];
	return best;
}

/* Soonest due first, rounds without a due day last, then by id. */
static int by_due(const void *a, const void *b)
{
	const RetentionRound *x = a, *y = b;
	if (!*x->due != !*y->due)
		return *x->due ? -1 : 1;
	int c = strcmp(x->due, y->due);
	return c ? c : (x->round_id > y->round_id) - (x->round_id < y->round_id);
}

/*
** The finished (or purged) rounds with the day their period counts from and the day their
** case data is due for deletion, soonest first; limited to one round (round_id) or to the
** departments where leader_id is leder (0: no limit). A purged round
** shows the basis and period it was purged under. Free *out with free().
*/
int retention_rounds(Db *db, const RetentionSettings *s, int64_t round_id, int64_t leader_id,
                     RetentionRound **out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT r.id, r.department_id, d.code, r.title, coalesce(r.purged_at, ''),"
	           " p.basis, p.basis_source, p.months, r.finished_at,"
	           " (SELECT max(c.at) FROM round_phase_change c WHERE c.round_id = r.id AND c.to_phase = 'afsluttet'),"
	           " r.planned_end, r.sampled_at, r.review_started_at, r.created_at"
	           " FROM round r JOIN department d ON d.id = r.department_id LEFT JOIN round_purge p ON p.round_id = r.id"
	           " WHERE (r.phase = 'afsluttet' OR r.purged_at IS NOT NULL) AND (?1 IS NULL OR r.id = ?1)"
	           "  AND (?2 IS NULL OR EXISTS (SELECT 1 FROM membership m"
	           "   WHERE m.department_id = r.department_id AND m.user_id = ?2 AND m.role = 'leder'))");
	if (round_id)
		db_bind_int(&q, 1, round_id);
	if (leader_id)
		db_bind_int(&q, 2, leader_id);
	int n = 0, cap = 8;
	RetentionRound *v = xcalloc((size_t)cap, sizeof *v);
	while (db_step(&q)) {
		if (n == cap)
			v = xrealloc(v, (size_t)(cap *= 2) * sizeof *v);
		RetentionRound *x = &v[n++];
		memset(x, 0, sizeof *x);
		x->round_id = db_col_int(&q, 0);
		x->department_id = db_col_int(&q, 1);
		snprintf(x->department, sizeof x->department, "%s", db_col_text(&q, 2));
		snprintf(x->title, sizeof x->title, "%s", db_col_text(&q, 3));
		snprintf(x->purged_at, sizeof x->purged_at, "%s", db_col_text(&q, 4));
		/* A purged round keeps the basis and period it was purged under. */
		const char *finished = db_col_is_null(&q, 8) ? NULL : db_col_text(&q, 8);
		const char *changed = db_col_is_null(&q, 9) ? NULL : db_col_text(&q, 9);
		if (!db_col_is_null(&q, 5)) {
			snprintf(x->basis, sizeof x->basis, "%s", db_col_text(&q, 5));
			snprintf(x->basis_source, sizeof x->basis_source, "%s", db_col_text(&q, 6));
		} else {
			const char *worked[] = {db_col_text(&q, 10), db_col_text(&q, 11), db_col_text(&q, 12), db_col_text(&q, 13)};
			const char *from = finished ? finished : changed ? changed : latest(worked, COUNT(worked));
			snprintf(x->basis, sizeof x->basis, "%.10s", from);
			snprintf(x->basis_source, sizeof x->basis_source, "%s",
			         finished ? "afsluttet" : changed ? "faseskift" : "skoen");
		}
		x->months = db_col_is_null(&q, 7) ? s->months : db_col_int(&q, 7);
		if (x->months < 1 || x->months > 600 || !date_add_months(x->basis, (int)x->months, x->due))
			x->due[0] = 0;
	}
	db_finalize(&q);
	qsort(v, (size_t)n, sizeof *v, by_due);
	*out = v;
	return n;
}

/* Whether a held round's case data is due for deletion today (yyyy-mm-dd). A round whose
** dates cannot be read has no due day and is never deleted. */
int retention_is_due(const RetentionRound *x, const char *today)
{
	return !*x->purged_at && *x->due && strcmp(x->due, today) <= 0;
}

/* Today in Denmark at time now (db unused; kept so that every day of the rule is asked for alike). */
void retention_today(Db *db, time_t now, char out[11])
{
	(void)db;
	date_danish_day(now, out);
}

/* The day before which a case must last have been listed to be deleted from the case list:
** retention_months before today in Denmark (db unused, as for retention_today). */
void retention_cases_cutoff(Db *db, const RetentionSettings *s, time_t now, char out[11])
{
	char today[11];
	retention_today(db, now, today);
	if (!date_add_months(today, (int)-s->months, out))
		out[0] = 0;
}

/* The time (ISO, as audit.at) before which audit entries are deleted: retention_months +
** audit_extra_months ago, or earlier, the creation of the oldest round whose case data is
** held or was deleted less than audit_extra_months ago. */
void retention_audit_cutoff(Db *db, const RetentionSettings *s, time_t now, char out[32])
{
	char extra[32];
	time_iso_add_months(out, now, -(s->months + s->audit_extra));
	time_iso_add_months(extra, now, -s->audit_extra);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT min(r.created_at) FROM round r WHERE (r.purged_at IS NULL"
	           "  AND EXISTS (SELECT 1 FROM round_case rc WHERE rc.round_id = r.id)) OR r.purged_at > ?1");
	db_bind_text(&q, 1, extra);
	if (db_step(&q) && !db_col_is_null(&q, 0) && strcmp(db_col_text(&q, 0), out) < 0)
		snprintf(out, 32, "%s", db_col_text(&q, 0));
	db_finalize(&q);
}

/* The last day a leader's notice looks ahead to: today + retention_notice_days. */
void retention_notice_until(Db *db, const RetentionSettings *s, time_t now, char out[11])
{
	char today[11];
	retention_today(db, now, today);
	if (!date_add_days(today, (long)s->notice_days, out))
		out[0] = 0;
}

/*
** One Danish sentence (or two) on what happens to a round's case data under the rule:
** 0 and "" when it is not finished; 1 when it is held and will be deleted (or is due); 2
** when it was deleted. Shown on the round's page, its results and `round results`.
*/
int retention_round_text(Db *db, int64_t round_id, char *out, size_t n)
{
	RetentionSettings s;
	retention_settings(db, &s);
	RetentionRound *v;
	int found = retention_rounds(db, &s, round_id, 0, &v);
	int state = 0;
	*out = 0;
	if (found) {
		const RetentionRound *x = &v[0];
		char basis[40], due[40], purged[40], today[11], why[160];
		date_text(x->basis, basis);
		date_text(x->due, due);
		date_text(x->purged_at, purged);
		retention_today(db, time(NULL), today);
		if (str_eq(x->basis_source, "skoen"))
			snprintf(why, sizeof why, _("måneder efter %s, den seneste dag tilsynet vides at være arbejdet på"), basis);
		else
			snprintf(why, sizeof why, _("måneder efter at tilsynet blev afsluttet %s"), basis);
		long long months = (long long)x->months;
		if (*x->purged_at) {
			state = 2;
			snprintf(out, n,
			         _("Sagsdata blev slettet %s efter opbevaringsreglen (%lld %s). Resultaterne er bevaret som "
			           "optællinger pr. spørgsmål; sagsnumre, svar og bemærkninger pr. sag og tallene pr. rådgiver "
			           "findes ikke længere."),
			         purged, months, why);
		} else if (!*x->due) {
			state = 1;
			snprintf(out, n, "%s", _("Tilsynets datoer kan ikke læses, så dets sagsdata slettes ikke automatisk."));
		} else if (retention_is_due(x, today)) {
			state = 1;
			snprintf(out, n,
			         _("Sagsdata skulle slettes %s efter opbevaringsreglen (%lld %s) og slettes ved næste oprydning."),
			         due, months, why);
		} else {
			state = 1;
			snprintf(out, n, _("Sagsdata slettes %s efter opbevaringsreglen (%lld %s)."), due, months, why);
		}
	}
	free(v);
	return state;
}

/* How many case-list rows and audit entries the rule lets go as the database is now (a run
** may let more go: the case lists of the rounds it purges first). */
int64_t retention_cases_due(Db *db, const char *before)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT count(*) FROM cases c WHERE substr(c.last_seen, 1, 10) < ?1"
	           " AND NOT EXISTS (SELECT 1 FROM round_case rc WHERE rc.case_id = c.id)");
	db_bind_text(&q, 1, before);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return n;
}

int64_t retention_audit_due(Db *db, const char *before)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT count(*) FROM audit WHERE id < coalesce((SELECT min(id) FROM audit WHERE at >= ?1),"
	           " (SELECT max(id) FROM audit) + 1)");
	db_bind_text(&q, 1, before);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return n;
}

/* What retention has deleted from the audit log so far: the entries in all and the id of
** the newest (the anchor the chain is verified from); 0 and 0 when nothing. */
void retention_audit_deleted(Db *db, int64_t *deleted, int64_t *anchor)
{
	*deleted = *anchor = 0;
	Stmt q;
	db_prepare(&q, db, "SELECT deleted, last_id FROM audit_anchor");
	if (db_step(&q))
		*deleted = db_col_int(&q, 0), *anchor = db_col_int(&q, 1);
	db_finalize(&q);
}

/*
** Deletes one round's case data (the caller holds the transaction): keeps the figures
** first, counts, deletes, marks the round purged, records and audits what was done.
*/
static int purge_round(Db *db, const RetentionRound *x, const RetentionSettings *s, const char *now_iso,
                       const char *login, RetentionPurged *out, char *err, size_t n)
{
	memset(out, 0, sizeof *out);
	out->round = *x;
	ResultsKept kept;
	if (results_keep(db, x->round_id, &kept) != 0) {
		snprintf(err, n, _("Tilsyn %lld: resultaterne kunne ikke gemmes: %s"), (long long)x->round_id, db_errmsg(db));
		return -1;
	}
	out->questions = kept.questions;

	Stmt q;
	db_prepare(&q, db,
	           "SELECT (SELECT count(*) FROM round_case WHERE round_id = ?1),"
	           " (SELECT count(*) FROM answer WHERE round_id = ?1),"
	           " (SELECT count(*) FROM answer WHERE round_id = ?1 AND comment <> '')"
	           "  + (SELECT count(*) FROM calibration_answer WHERE round_id = ?1 AND comment <> ''),"
	           " (SELECT count(*) FROM answer_history WHERE round_id = ?1),"
	           " (SELECT count(*) FROM calibration_case WHERE round_id = ?1),"
	           " (SELECT count(*) FROM calibration_answer WHERE round_id = ?1),"
	           " (SELECT count(*) FROM round_case WHERE round_id = ?1 AND (acute = 1 OR acute_note IS NOT NULL)),"
	           " (SELECT count(*) FROM round_case WHERE round_id = ?1 AND example_consent = 1),"
	           " (SELECT count(*) FROM meeting WHERE round_id = ?1 AND kind IN ('stopop', 'ledelse', 'individuel')"
	           "  AND minutes <> '')");
	db_bind_int(&q, 1, x->round_id);
	if (db_step(&q))
		for (int k = 0; k < RETENTION_KINDS; k++)
			out->counts[k] = db_col_int(&q, k);
	db_finalize(&q);

	/* The cases whose data goes, for one entry each in their own audit log (below). */
	int64_t *case_ids = NULL;
	size_t ncases = 0, cap = 0;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 ORDER BY case_id");
	db_bind_int(&q, 1, x->round_id);
	while (db_step(&q)) {
		if (ncases == cap)
			case_ids = xrealloc(case_ids, (cap = cap ? cap * 2 : 64) * sizeof *case_ids);
		case_ids[ncases++] = db_col_int(&q, 0);
	}
	db_finalize(&q);

	/* Children first, though round_case's cascades would take most of them. */
	static const char *const deletes[] = {
		"DELETE FROM answer_history WHERE round_id = ?1",
		"DELETE FROM calibration_answer WHERE round_id = ?1",
		"DELETE FROM calibration_case WHERE round_id = ?1",
		"DELETE FROM answer WHERE round_id = ?1",
		"DELETE FROM round_case WHERE round_id = ?1",
		"UPDATE meeting SET minutes = '' WHERE round_id = ?1 AND kind IN ('stopop', 'ledelse', 'individuel')"
		" AND minutes <> ''",
	};
	int rc = DB_OK;
	for (size_t i = 0; i < COUNT(deletes) && rc == DB_OK; i++) {
		db_prepare(&q, db, deletes[i]);
		db_bind_int(&q, 1, x->round_id);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc == DB_OK) {
		db_prepare(&q, db, "UPDATE round SET purged_at = ?2 WHERE id = ?1 AND purged_at IS NULL");
		db_bind_int(&q, 1, x->round_id);
		db_bind_text(&q, 2, now_iso);
		rc = db_done(&q);
		db_finalize(&q);
		if (rc == DB_OK && db_changes(db) != 1)
			rc = DB_CONSTRAINT;
	}
	if (rc == DB_OK) {
		db_prepare(&q, db,
		           "INSERT INTO round_purge (round_id, purged_at, basis, basis_source, months, had_answers, sampled,"
		           " finished, with_answers, cases, answers, comments, history, calibration_cases, calibration_answers,"
		           " acute_notes, consents, minutes)"
		           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
		db_bind_int(&q, 1, x->round_id);
		db_bind_text(&q, 2, now_iso);
		db_bind_text(&q, 3, x->basis);
		db_bind_text(&q, 4, x->basis_source);
		db_bind_int(&q, 5, s->months);
		db_bind_int(&q, 6, kept.had_answers);
		db_bind_int(&q, 7, kept.sampled);
		db_bind_int(&q, 8, kept.finished);
		db_bind_int(&q, 9, kept.with_answers);
		for (int k = 0; k < RETENTION_KINDS; k++)
			db_bind_int(&q, 10 + k, out->counts[k]);
		rc = db_done(&q);
		db_finalize(&q);
	}
	for (size_t i = 0; i < ncases && rc == DB_OK; i++) {
		char case_object[48], case_detail[200];
		snprintf(case_object, sizeof case_object, "case:%lld", (long long)case_ids[i]);
		snprintf(case_detail, sizeof case_detail,
		         "tilsyn %lld: sagens svar, kommentarer, historik, kalibrering, akutte noter og samtykke slettet efter "
		         "opbevaringsreglen",
		         (long long)x->round_id);
		rc = audit_log(db, &(AuditEntry){.login = login, .action = "retention_purge_case",
		                                 .department_id = x->department_id, .object = case_object,
		                                 .detail = case_detail, .ip = "kommandolinje"})
		         ? DB_ERROR
		         : DB_OK;
	}
	free(case_ids);
	if (rc != DB_OK) {
		snprintf(err, n, _("Tilsyn %lld: sagsdata kunne ikke slettes: %s"), (long long)x->round_id, db_errmsg(db));
		return -1;
	}
	snprintf(out->round.purged_at, sizeof out->round.purged_at, "%s", now_iso);

	Buf detail;
	buf_init(&detail, 0);
	buf_printf(&detail, "sagsdata slettet efter opbevaringsreglen (%lld måneder fra %s):", (long long)s->months,
	           x->basis);
	for (int k = 0; k < RETENTION_KINDS; k++)
		buf_printf(&detail, "%s %lld %s", k ? "," : "", (long long)out->counts[k], retention_count_titles[k]);
	buf_printf(&detail, "; optællinger for %lld spørgsmål bevaret", (long long)kept.questions);
	char object[40];
	snprintf(object, sizeof object, "round:%lld", (long long)x->round_id);
	int logged = audit_log(db, &(AuditEntry){.login = login, .action = "retention_purge",
	                                         .department_id = x->department_id, .object = object,
	                                         .detail = buf_cstr(&detail), .ip = "kommandolinje"});
	buf_free(&detail);
	if (logged != 0) {
		snprintf(err, n, _("Tilsyn %lld: sletningen kunne ikke skrives i logbogen."), (long long)x->round_id);
		return -1;
	}
	return 0;
}

/* Deletes the case-list rows the rule lets go (see the top of the file), audited per
** department. The caller holds the transaction. */
static int purge_case_lists(Db *db, const char *cutoff, const char *login, RetentionResult *out, char *err,
                            size_t n)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT d.id, d.code, count(*) FROM cases c JOIN department d ON d.id = c.department_id"
	           " WHERE substr(c.last_seen, 1, 10) < ?1 AND NOT EXISTS (SELECT 1 FROM round_case rc WHERE rc.case_id = c.id)"
	           " GROUP BY d.id ORDER BY d.code");
	db_bind_text(&q, 1, cutoff);
	int cap = 4;
	out->case_lists = xcalloc((size_t)cap, sizeof *out->case_lists);
	while (db_step(&q)) {
		if (out->ncase_lists == cap)
			out->case_lists = xrealloc(out->case_lists, (size_t)(cap *= 2) * sizeof *out->case_lists);
		RetentionCaseList *c = &out->case_lists[out->ncase_lists++];
		memset(c, 0, sizeof *c);
		c->department_id = db_col_int(&q, 0);
		snprintf(c->department, sizeof c->department, "%s", db_col_text(&q, 1));
		c->cases = db_col_int(&q, 2);
	}
	db_finalize(&q);
	if (!out->ncase_lists)
		return 0;
	db_prepare(&q, db,
	           "DELETE FROM cases WHERE substr(last_seen, 1, 10) < ?1"
	           " AND NOT EXISTS (SELECT 1 FROM round_case rc WHERE rc.case_id = cases.id)");
	db_bind_text(&q, 1, cutoff);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		snprintf(err, n, _("Sagslisternes gamle sager kunne ikke slettes: %s"), db_errmsg(db));
		return -1;
	}
	for (int i = 0; i < out->ncase_lists; i++) {
		const RetentionCaseList *c = &out->case_lists[i];
		char object[48], detail[200];
		snprintf(object, sizeof object, "department:%s", c->department);
		snprintf(detail, sizeof detail,
		         "%lld sager slettet fra sagslisten efter opbevaringsreglen: ikke i en indlæsning siden %s og ikke i et "
		         "tilsyn med sagsdata",
		         (long long)c->cases, cutoff);
		if (audit_log(db, &(AuditEntry){.login = login, .action = "retention_cases", .department_id = c->department_id,
		                                .object = object, .detail = detail, .ip = "kommandolinje"}) != 0) {
			snprintf(err, n, "%s", _("Sletningen i sagslisterne kunne ikke skrives i logbogen."));
			return -1;
		}
	}
	return 0;
}

/* A step of a real run is a transaction of its own; a dry run is one transaction around
** every step, rolled back at the end, so that each step sees what the ones before did. */
static int step_begin(Db *db, int dry_run, char *err, size_t n)
{
	if (dry_run || db_begin(db) == DB_OK)
		return 0;
	snprintf(err, n, "%s", _("Databasen er optaget af et andet program; prøv igen."));
	return -1;
}

static int step_end(Db *db, int ok, int dry_run, char *err, size_t n)
{
	if (dry_run)
		return ok ? 0 : -1;
	if (!ok) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, n, _("Sletningen kunne ikke gemmes: %s"), db_errmsg(db));
		return -1;
	}
	return 0;
}

static int run_steps(Db *db, time_t now, int dry_run, const char *login, RetentionResult *out, char *err,
                     size_t n)
{
	char today[11], now_iso[32];
	retention_today(db, now, today);
	time_iso(now_iso, now);
	RetentionRound *rounds;
	int nrounds = retention_rounds(db, &out->settings, 0, 0, &rounds);
	out->rounds = xcalloc((size_t)(nrounds ? nrounds : 1), sizeof *out->rounds);
	int rc = 0;
	for (int i = 0; i < nrounds && rc == 0; i++) {
		if (!retention_is_due(&rounds[i], today))
			continue;
		rc = step_begin(db, dry_run, err, n);
		if (rc == 0) {
			int ok = purge_round(db, &rounds[i], &out->settings, now_iso, login, &out->rounds[out->nrounds], err, n) == 0;
			rc = step_end(db, ok, dry_run, err, n);
		}
		if (rc == 0)
			out->nrounds++;
	}
	free(rounds);
	if (rc != 0)
		return -1;

	retention_cases_cutoff(db, &out->settings, now, out->cases_before);
	if (step_begin(db, dry_run, err, n) != 0 ||
	    step_end(db, purge_case_lists(db, out->cases_before, login, out, err, n) == 0, dry_run, err, n) != 0)
		return -1;

	if (step_begin(db, dry_run, err, n) != 0)
		return -1;
	out->uploads_deleted = cases_forget_uploads(db, now);
	if (out->uploads_deleted < 0)
		snprintf(err, n, _("Gamle uploadede sagslister kunne ikke slettes: %s"), db_errmsg(db));
	if (step_end(db, out->uploads_deleted >= 0, dry_run, err, n) != 0)
		return -1;

	retention_audit_cutoff(db, &out->settings, now, out->audit_before);
	if (step_begin(db, dry_run, err, n) != 0)
		return -1;
	AuditEntry who = {.login = login, .ip = "kommandolinje"};
	int ok = audit_purge(db, out->audit_before, &who, &out->audit_deleted, &out->audit_anchor, err, n) == 0;
	return step_end(db, ok, dry_run, err, n);
}

/*
** Applies the rule at time now: each due round in a transaction of its own, then the case
** lists, the web uploads never confirmed, then the audit log. A dry run does every step inside one transaction and rolls it
** back, so it reports exactly what a real run would delete and changes nothing. A real run
** stops at the first failure (what was committed before stays). Returns 0, or -1 with a
** Danish message in err.
*/
int retention_run(Db *db, time_t now, int dry_run, const char *login, RetentionResult *out, char *err, size_t n)
{
	memset(out, 0, sizeof *out);
	out->dry_run = dry_run;
	retention_settings(db, &out->settings);
	if (dry_run && db_begin(db) != DB_OK) {
		snprintf(err, n, "%s", _("Databasen er optaget af et andet program; prøv igen."));
		return -1;
	}
	int rc = run_steps(db, now, dry_run, login, out, err, n);
	if (dry_run)
		db_rollback(db);
	return rc;
}

void retention_result_free(RetentionResult *r)
{
	free(r->rounds);
	free(r->case_lists);
	memset(r, 0, sizeof *r);
}
