/*
** The audit log of one case, as a citizen may ask for it: who looked at or changed the case,
** when, and why. Entries about the case carry the object "case:ID": the review and
** calibration pages, answers (naming the question codes), sheet imports on the web and the
** command line (one entry per case), the draw, a redraw, a replacement, assignment,
** acute concern, consent, reports that name the case and retention's deletion. Two older
** kinds name the case elsewhere and are found too: a sample replacement logged only on
** the round ("sag ID erstattet af ID: reason") and access refused by the router (object
** "METHOD /d/CODE/rounds/N/cases/ID..."). Views of whole lists are logged once per list; the
** log of a case also lists those that included it: the views of a round's sample (round
** page, progress, calibration overview, `round cases`, the registration sheet) made while
** the case was in that sample, the views of the department's case list made after an
** import first listed it, and the imports of the case list that listed it. Used by `tilsyn audit case` and the leader's page (page_audit.c).
*/
#include "tilsyn.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char audit_case_list_note[] =
	"Visninger af hele lister (stikprøven, gennemgangens fremdrift, registreringsark, sagslisten) logges én gang "
	"pr. liste; her er de visninger af lister, som sagen var med på, markeret som listevisning. Rapporter uden "
	"sagsnumre er ikke med.";

/* The round-level list views (object "round:N") that show every case of the sample. */
#define ROUND_LIST_ACTIONS "'round_view', 'review_progress_view', 'calibration_overview_view', 'round_cases', 'round_sheet', " \
	"'round_sample_export', 'review_progress_export'"
/* The department-level views of the case list. */
#define CASE_LIST_ACTIONS "'cases_view', 'cases_list', 'cases_export'"

static const struct {
	const char *action, *title;
} action_titles[] = {
	{"review_view", "så gennemgangen af sagen"},
	{"review_save", "gemte svar i gennemgangen"},
	{"review_answer", "gemte et svar i gennemgangen"},
	{"review_assign", "fordelte sagen til gennemgang"},
	{"review_finish", "ændrede gennemgangens status"},
	{"review_acute", "markerede akut bekymring"},
	{"review_acute_cleared", "fjernede markeringen af akut bekymring"},
	{"review_acute_view", "så markeringen af akut bekymring (forsiden)"},
	{"review_consent", "ændrede tilladelsen til at bruge sagen som eksempel"},
	{"calibration_choose", "valgte sagen til kalibrering (anden gennemgang)"},
	{"calibration_remove", "fjernede sagen fra kalibreringen"},
	{"calibration_assign", "fordelte sagens anden gennemgang"},
	{"calibration_view", "så sagens anden gennemgang"},
	{"calibration_save", "gemte svar i sagens anden gennemgang"},
	{"calibration_finish", "afsluttede sagens anden gennemgang"},
	{"report_case", "lavede en rapport, der nævner sagen"},
	{"sample_replace", "erstattede en sag i stikprøven"},
	{"sample_drawn", "udtrak sagen til stikprøven"},
	{"sample_removed", "tog sagen ud af stikprøven ved en ny udtrækning"},
	{"sample_replacement", "udtrak sagen som erstatning i stikprøven"},
	{"round_delete_case", "tog sagen ud af stikprøven, da tilsynet blev slettet"},
	{"answers_import_case", "indlæste svar fra et registreringsark"},
	{"retention_purge_case", "slettede sagens data efter opbevaringsreglen"},
	{"round_view", "så stikprøven på tilsynets side (listevisning)"},
	{"review_progress_view", "så gennemgangens fremdrift (listevisning)"},
	{"calibration_overview_view", "så kalibreringens oversigt (listevisning)"},
	{"round_cases", "udskrev stikprøven (listevisning)"},
	{"round_sheet", "hentede registreringsarket (listevisning)"},
	{"cases_view", "så afdelingens sagsliste (listevisning)"},
	{"cases_list", "udskrev afdelingens sagsliste (listevisning)"},
	{"cases_export", "hentede afdelingens sagsliste som regneark (listevisning)"},
	{"round_sample_export", "hentede stikprøven som regneark (listevisning)"},
	{"review_progress_export", "hentede gennemgangens fremdrift som regneark (listevisning)"},
	{"cases_import", "indlæste afdelingens sagsliste med sagen (hele listen)"},
	{"access_denied", "blev nægtet adgang til sagen"},
	{"audit_case_view", "så logbogen for sagen"},
};

const char *audit_action_title(const char *action)
{
	for (size_t i = 0; i < COUNT(action_titles); i++)
		if (str_eq(action, action_titles[i].action))
			return _(action_titles[i].title);
	return action;
}

int audit_case_find(Db *db, int64_t department_id, const char *case_no, int64_t *case_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT id FROM cases WHERE department_id = ?1 AND case_no = ?2");
	db_bind_int(&q, 1, department_id);
	db_bind_text(&q, 2, case_no);
	int found = db_step(&q);
	if (found)
		*case_id = db_col_int(&q, 0);
	db_finalize(&q);
	return found;
}

/* The text column of the one row sql (with ?1 = id) finds, into out; 0 when none. */
static int text_by_id(Db *db, const char *sql, int64_t id, char *out, size_t n)
{
	Stmt q;
	db_prepare(&q, db, sql);
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found)
		snprintf(out, n, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	return found;
}

static void case_number(Db *db, int64_t id, char *out, size_t n)
{
	if (!text_by_id(db, "SELECT case_no FROM cases WHERE id = ?1", id, out, n))
		snprintf(out, n, "%s", _("(slettet)"));
}

/* An entry's detail as a person reads it: the log keeps the round's and a case's internal
** number ("tilsyn 3: ...", an older "sag 12 erstattet af 34: ..."); the page and the text
** listing show the round's title and the case numbers instead. The JSON keeps the log's words. */
void audit_case_detail_text(Db *db, const char *detail, char *out, size_t n)
{
	long long round, from, to;
	int used = 0;
	char title[256], a[130], b[130];
	if (!detail)
		snprintf(out, n, "%s", "");
	else if (sscanf(detail, "tilsyn %lld: %n", &round, &used) == 1 && used > 0 &&
	         text_by_id(db, "SELECT title FROM round WHERE id = ?1", round, title, sizeof title))
		snprintf(out, n, "«%s»: %s", title, detail + used);
	else if (sscanf(detail, "sag %lld erstattet af %lld: %n", &from, &to, &used) == 2 && used > 0) {
		case_number(db, from, a, sizeof a);
		case_number(db, to, b, sizeof b);
		snprintf(out, n, _("sagen %s erstattet af %s: %s"), a, b, detail + used);
	} else
		snprintf(out, n, "%s", detail);
}

static char *dup_col(Stmt *q, int i)
{
	return db_col_is_null(q, i) ? NULL : xstrdup(db_col_text(q, i));
}

/* Whether text contains part (exactly, case and all), in SQL both backends read alike. */
#define SQL_CONTAINS(text, part) "replace(" text ", " part ", '') <> " text

/* The ids of the case's entries; binds ?1 to ?10 as audit_case_page does. A replacement's detail
** starts "sag ID erstattet af ID:"; a refused path is "METHOD /d/CODE/rounds/R/cases/ID[/...]"
** (or calibration), matched with a '/' after it so that case 1 is not case 12. */
#define CASE_ENTRY_IDS \
	"SELECT id FROM audit WHERE object = ?1" \
	"  UNION SELECT id FROM audit WHERE action = 'sample_replace' AND department_id = ?2" \
	"   AND (substr(detail, 1, length(?3)) = ?3 OR (substr(detail, 1, 4) = 'sag ' AND " SQL_CONTAINS("detail", "?4") "))" \
	"  UNION SELECT id FROM audit WHERE action = 'access_denied'" \
	"   AND ((" SQL_CONTAINS("object", "?5") " AND " SQL_CONTAINS("object || '/'", "?6") ")" \
	"    OR (" SQL_CONTAINS("object", "?7") " AND " SQL_CONTAINS("object || '/'", "?8") "))" \
	"  UNION SELECT l.id FROM round_case rc JOIN audit l ON l.object = 'round:' || rc.round_id" \
	"   WHERE rc.case_id = ?9 AND l.action IN (" ROUND_LIST_ACTIONS ") AND l.at >= rc.added_at" \
	"  UNION SELECT l.id FROM cases c JOIN audit l ON l.department_id = c.department_id AND l.object = 'cases'" \
	"   WHERE c.id = ?9 AND l.action IN (" CASE_LIST_ACTIONS ") AND l.at >= c.first_seen" \
	/* the imports that listed the case: from the first to the last (logged a moment after) */ \
	"  UNION SELECT l.id FROM cases c JOIN audit l ON l.department_id = c.department_id AND l.object = 'cases'" \
	"   WHERE c.id = ?9 AND l.action = 'cases_import' AND l.at >= c.first_seen" \
	"   AND l.at <= ?10"

#define CASE_ENTRY_SELECT \
	"SELECT a.at, a.login, u.name, a.action, a.detail, a.ip, a.object <> ?1 AND a.action IN (" \
	ROUND_LIST_ACTIONS ", " CASE_LIST_ACTIONS ", 'cases_import'), a.id FROM audit a" \
	" LEFT JOIN users u ON u.id = coalesce(a.user_id, (SELECT x.id FROM users x WHERE x.login = lower(a.login)))" \
	" WHERE a.id IN (" CASE_ENTRY_IDS ") AND (?13 = 0 OR a.id <= ?13)"

static void bind_case(Stmt *q, Db *db, const Department *d, int64_t case_id)
{
	/* ?10: a minute after the case was last listed (its import is logged a moment later). */
	Stmt c;
	time_t last;
	char listed_until[32] = "";
	db_prepare(&c, db, "SELECT last_seen FROM cases WHERE id = ?1");
	db_bind_int(&c, 1, case_id);
	if (db_step(&c) && time_parse_iso(db_col_text(&c, 0), &last))
		time_iso(listed_until, last + 60);
	db_finalize(&c);
	if (*listed_until)
		db_bind_text(q, 10, listed_until);

	char object[48], replaced[64], replacing[64], paths[4][128];
	snprintf(object, sizeof object, "case:%lld", (long long)case_id);
	snprintf(replaced, sizeof replaced, "sag %lld erstattet af ", (long long)case_id);
	snprintf(replacing, sizeof replacing, " erstattet af %lld:", (long long)case_id);
	snprintf(paths[0], sizeof paths[0], " /d/%s/rounds/", d->code);
	snprintf(paths[1], sizeof paths[1], "/cases/%lld/", (long long)case_id);
	snprintf(paths[2], sizeof paths[2], " /d/%s/rounds/", d->code);
	snprintf(paths[3], sizeof paths[3], "/calibration/%lld/", (long long)case_id);
	db_bind_text(q, 1, object);
	db_bind_int(q, 2, d->id);
	db_bind_text(q, 3, replaced);
	db_bind_text(q, 4, replacing);
	for (int i = 0; i < 4; i++)
		db_bind_text(q, 5 + i, paths[i]);
	db_bind_int(q, 9, case_id);
}

int64_t audit_case_count(Db *db, const Department *d, int64_t case_id, int64_t max_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM (" CASE_ENTRY_IDS ") AS e WHERE ?11 = 0 OR e.id <= ?11");
	bind_case(&q, db, d, case_id);
	db_bind_int(&q, 11, max_id);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return n;
}

int audit_case_page(Db *db, const Department *d, int64_t case_id, int64_t max_id, int newest_first,
                    int64_t offset, int limit, AuditCaseEntry **out)
{
	Stmt q;
	db_prepare(&q, db, newest_first ? CASE_ENTRY_SELECT " ORDER BY a.id DESC LIMIT ?11 OFFSET ?12"
	                                : CASE_ENTRY_SELECT " ORDER BY a.id LIMIT ?11 OFFSET ?12");
	bind_case(&q, db, d, case_id);
	db_bind_int(&q, 11, limit);
	db_bind_int(&q, 12, offset);
	db_bind_int(&q, 13, max_id);
	AuditCaseEntry *v = NULL;
	int n = 0, cap = 0;
	while (db_step(&q)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		AuditCaseEntry *e = &v[n++];
		e->at = dup_col(&q, 0);
		e->login = dup_col(&q, 1);
		e->name = dup_col(&q, 2);
		e->action = dup_col(&q, 3);
		e->detail = dup_col(&q, 4);
		e->ip = dup_col(&q, 5);
		e->list = (int)db_col_int(&q, 6);
		e->id = db_col_int(&q, 7);
	}
	db_finalize(&q);
	*out = v;
	return n;
}

int audit_case_entries(Db *db, const Department *d, int64_t case_id, AuditCaseEntry **out)
{
	return audit_case_page(db, d, case_id, 0, 0, 0, -1, out);
}

void audit_case_free(AuditCaseEntry *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].at);
		free(v[i].login);
		free(v[i].name);
		free(v[i].action);
		free(v[i].detail);
		free(v[i].ip);
	}
	free(v);
}
