/*
** Meetings of the cycle around a tilsyn: the staff are told frame and timetable before the
** review (information), the reviewers stop up on the way (stopop), results go to management
** (ledelse) and to the staff at a department meeting (personale), each caseworker gets
** feedback on their own cases (individuel), and an external review begins with the
** expectation alignment (forventning). Each has a date, a status, participants and short
** minutes. What the whole staff hears must not point at a case: the minutes and participants
** of information and personale meetings may hold no case number of the department's case
** list, and no meeting may hold a CPR number. Also: who may see which meeting, and which of a
** round's caseworkers have had their individual feedback.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *title;
} kinds[] = {
	{"information", "Informationsmøde for personalet"},
	{"stopop", "Stop-op-møde"},
	{"ledelse", "Tilbagemelding til ledelsen"},
	{"personale", "Tilbagemelding til personalet"},
	{"individuel", "Individuel tilbagemelding"},
	{"forventning", "Forventningsafstemning"},
};

int meeting_valid_kind(const char *kind)
{
	for (size_t i = 0; i < COUNT(kinds); i++)
		if (str_eq(kind, kinds[i].code))
			return 1;
	return 0;
}

const char *meeting_kind_title(const char *kind)
{
	for (size_t i = 0; i < COUNT(kinds); i++)
		if (str_eq(kind, kinds[i].code))
			return _(kinds[i].title);
	return kind;
}

/* The kinds in the order a form offers them; NULL after the last. */
const char *meeting_kind_code(int i)
{
	return i >= 0 && i < (int)COUNT(kinds) ? kinds[i].code : NULL;
}

int meeting_valid_status(const char *status)
{
	return str_eq(status, "planlagt") || str_eq(status, "afholdt") || str_eq(status, "aflyst");
}

const char *meeting_status_title(const char *status)
{
	if (str_eq(status, "afholdt"))
		return _("afholdt");
	if (str_eq(status, "aflyst"))
		return _("aflyst");
	return _("planlagt");
}

/* Meetings for the whole staff: what is said there must not point at a case. */
int meeting_is_staff(const char *kind)
{
	return str_eq(kind, "information") || str_eq(kind, "personale");
}

int meeting_valid_time(const char *s)
{
	return s && strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == ':' &&
	       isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) && (s[0] - '0') * 10 + (s[1] - '0') < 24 &&
	       s[3] < '6';
}

/*
** The code point of the UTF-8 sequence that starts at s, and its length in *len. A broken
** sequence (stored text has passed utf8_valid, but this must not read past a NUL) counts as
** one character of its own.
*/
static unsigned decode(const unsigned char *s, int *len)
{
	int n = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	unsigned c = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return *len = 1, s[0];
		c = c << 6 | (s[i] & 0x3f);
	}
	*len = n;
	return c;
}

/* A character that belongs to a word: a letter or digit. Outside ASCII everything counts as
** a letter except the Latin-1 signs (no-break space, « », §, ×, ÷ ...) and the general
** punctuation (dashes, quotation marks, ellipsis ...) that Danish text puts around numbers. */
static int word_char(unsigned c)
{
	if (c < 0x80)
		return isalnum((int)c);
	return !(c <= 0xbf || c == 0xd7 || c == 0xf7 || (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f));
}

/* Characters that join the parts of a case number (27.12.00-G01-262-24, 2024/117). */
static int joiner(unsigned c)
{
	return c == '.' || c == '-' || c == '/' || c == '_';
}

/* The character that ends just before text + at (0 at the start), and where it begins. */
static unsigned char_before(const unsigned char *text, size_t at, size_t *start)
{
	if (at == 0)
		return *start = 0, 0;
	size_t i = at - 1;
	while (i > 0 && at - i < 4 && (text[i] & 0xc0) == 0x80)
		i--;
	int len;
	*start = i;
	return decode(text + i, &len);
}

/*
** Whether text[at, at + len) stands as a token of its own: not inside a longer word or a
** longer number. A joiner next to it counts as part of the token only when a word
** character follows it, so "sag 27.12.00-G01-262-24." is the case number with a full stop
** after it, while "127.12.00-G01-262-24" and "27.12.00-G01-262-24/2" are other numbers.
*/
int meeting_whole_token(const char *text, size_t at, size_t len)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t start;
	unsigned p = char_before(u, at, &start);
	if (p && (word_char(p) || (joiner(p) && word_char(char_before(u, start, &start)))))
		return 0;
	int n;
	unsigned c = u[at + len] ? decode(u + at + len, &n) : 0;
	if (c && (word_char(c) || (joiner(c) && u[at + len + 1] && word_char(decode(u + at + len + 1, &n)))))
		return 0;
	return 1;
}

/*
** Looks for a case number of the department's case list standing as a whole token in text
** (letters compared without regard to case). Returns 1 and copies the case number into
** found when there is one, else 0. SQLite's instr narrows the case list to the numbers that
** occur at all; each occurrence of those is then checked for its edges.
*/
int meeting_case_no_in(Db *db, int64_t department_id, const char *text, char *found, size_t n)
{
	if (str_empty(text))
		return 0;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT case_no FROM cases WHERE department_id = ?1 AND length(case_no) > 0"
	           " AND instr(lower(?2), lower(case_no)) > 0 ORDER BY length(case_no) DESC, case_no");
	db_bind_int(&q, 1, department_id);
	db_bind_text(&q, 2, text);
	int hit = 0;
	while (!hit && db_step(&q)) {
		const char *no = db_col_text(&q, 0);
		size_t len = strlen(no);
		for (const char *p = strcasestr(text, no); p && !hit; p = strcasestr(p + 1, no))
			hit = meeting_whole_token(text, (size_t)(p - text), len);
		if (hit)
			snprintf(found, n, "%s", no);
	}
	db_finalize(&q);
	return hit;
}

/* One free-text field: length, UTF-8, no CPR number; staff meetings also no case number. */
static int check_text(Db *db, int64_t department_id, const char *kind, const char *field, const char *s,
                      size_t max, char *msg, size_t n)
{
	size_t len = strlen(s);
	if (len > max) {
		snprintf(msg, n, _("%s: teksten er for lang (højst %zu tegn). Skriv et kort referat. Intet er gemt."), field, max);
		return -1;
	}
	if (!utf8_valid(s, len)) {
		snprintf(msg, n, _("%s: teksten indeholder tegn, der ikke kan læses (ikke UTF-8). Intet er gemt."), field);
		return -1;
	}
	if (cpr_find(s) >= 0) {
		snprintf(msg, n,
		         _("%s: teksten ligner et CPR-nummer. CPR-numre må aldrig skrives i tilsyn; fjern det og gem igen. "
		           "Intet er gemt."),
		         field);
		return -1;
	}
	char no[128];
	if (meeting_is_staff(kind) && meeting_case_no_in(db, department_id, s, no, sizeof no)) {
		snprintf(msg, n,
		         _("%s: teksten nævner sagsnummeret %s fra afdelingens sagsliste. Et møde for hele personalet må ikke "
		           "pege på en sag; beskriv de generelle tendenser i stedet. Intet er gemt."),
		         field, no);
		return -1;
	}
	return 0;
}

/*
** The caseworkers an individual feedback may be for: those with cases in the round's sample,
** or, for a meeting tied to no round, those of the department's case list. Returns how many;
** the caller frees them with results_names_free.
*/
int meeting_advisors(Db *db, int64_t department_id, int64_t round_id, char ***names)
{
	if (round_id)
		return results_advisors(db, round_id, names);
	Stmt q;
	db_prepare(&q, db, "SELECT DISTINCT advisor FROM cases WHERE department_id = ?1 AND advisor <> '' ORDER BY advisor");
	db_bind_int(&q, 1, department_id);
	int k = 0, cap = 16;
	char **out = xcalloc((size_t)cap, sizeof *out);
	while (db_step(&q)) {
		if (k == cap)
			out = xrealloc(out, (size_t)(cap *= 2) * sizeof *out);
		out[k++] = xstrdup(db_col_text(&q, 0));
	}
	db_finalize(&q);
	*names = out;
	return k;
}

/* An individual feedback is for one of meeting_advisors; else the message names them. */
static int check_advisor(Db *db, int64_t department_id, int64_t round_id, const char *advisor, char *msg, size_t n)
{
	char **names;
	int k = meeting_advisors(db, department_id, round_id, &names), found = 0;
	for (int i = 0; i < k && !found; i++)
		found = ident_same_person(names[i], advisor);
	if (!found && k == 0) {
		snprintf(msg, n, round_id ? _("Rådgiver: tilsynet har ingen udtrukne sager endnu, så der er ingen rådgiver at "
		                              "give individuel tilbagemelding.")
		                          : _("Rådgiver: afdelingens sagsliste har ingen rådgivere endnu."));
	} else if (!found) {
		int at = snprintf(msg, n,
		                  round_id ? _("Rådgiver: »%s« har ingen sager i tilsynets stikprøve. Vælg en af: ")
		                           : _("Rådgiver: »%s« står ikke i afdelingens sagsliste. Vælg en af: "),
		                  advisor);
		for (int i = 0; i < k && at > 0 && (size_t)at < n; i++)
			at += snprintf(msg + at, n - (size_t)at, "%s%s", names[i], i + 1 < k ? ", " : ".");
	}
	results_names_free(names, k);
	return found ? 0 : -1;
}

/*
** Checks a meeting before it is stored: the kind, the date (and time), the status, the round
** (of the department), the caseworker of an individual feedback, and the texts. Returns 0,
** or -1 with a Danish message in msg that begins with the field's name.
*/
int meeting_check(Db *db, const Department *d, const MeetingInput *in, char *msg, size_t n)
{
	if (!meeting_valid_kind(in->kind)) {
		snprintf(msg, n, _("Art: vælg informationsmøde, stop-op-møde, tilbagemelding til ledelsen, tilbagemelding til "
		                   "personalet, individuel tilbagemelding eller forventningsafstemning."));
		return -1;
	}
	if (!date_valid_iso(in->date)) {
		snprintf(msg, n, _("Dato: skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-12-03."));
		return -1;
	}
	if (!str_empty(in->time) && !meeting_valid_time(in->time)) {
		snprintf(msg, n, _("Tidspunkt: skriv tidspunktet som TT:MM, fx 09:30, eller lad feltet stå tomt."));
		return -1;
	}
	if (!str_empty(in->status) && !meeting_valid_status(in->status)) {
		snprintf(msg, n, _("Status: vælg planlagt, afholdt eller aflyst."));
		return -1;
	}
	if (in->round_id) {
		Round r;
		if (!round_by_id(db, in->round_id, &r) || r.department_id != d->id) {
			snprintf(msg, n, _("Tilsyn: tilsynet findes ikke i afdelingen."));
			return -1;
		}
	}
	if (str_eq(in->kind, "individuel")) {
		if (str_empty(in->advisor)) {
			snprintf(msg, n, _("Rådgiver: en individuel tilbagemelding skal have rådgiverens navn, som det står i "
			                   "sagslisten."));
			return -1;
		}
		if (check_text(db, d->id, in->kind, _("Rådgiver"), in->advisor, 200, msg, n) != 0)
			return -1;
	}
	if (check_text(db, d->id, in->kind, _("Deltagere"), in->participants ? in->participants : "", MEETING_PARTICIPANTS_MAX,
	               msg, n) != 0 ||
	    check_text(db, d->id, in->kind, _("Referat"), in->minutes ? in->minutes : "", MEETING_MINUTES_MAX, msg, n) != 0)
		return -1;
	if (str_eq(in->kind, "individuel"))
		return check_advisor(db, d->id, in->round_id, in->advisor, msg, n);
	return 0;
}

/* Binds the columns a meeting's insert and update share: ?2 round .. ?9 minutes. */
static void bind_input(Stmt *q, const MeetingInput *in, char *advisor)
{
	if (in->round_id)
		db_bind_int(q, 2, in->round_id);
	else
		db_bind_null(q, 2);
	db_bind_text(q, 3, in->kind);
	db_bind_text(q, 4, in->date);
	db_bind_text(q, 5, str_empty(in->time) ? NULL : in->time);
	db_bind_text(q, 6, str_empty(in->status) ? "planlagt" : in->status);
	db_bind_text(q, 7, advisor);
	db_bind_text(q, 8, in->participants ? in->participants : "");
	db_bind_text(q, 9, in->minutes ? in->minutes : "");
}

/* The caseworker's name as stored: trimmed, and only for an individual feedback. */
static char *advisor_of(const MeetingInput *in, char out[201])
{
	if (!str_eq(in->kind, "individuel") || !in->advisor)
		return NULL;
	snprintf(out, 201, "%s", in->advisor);
	return str_trim(out);
}

/*
** Stores a new meeting after meeting_check. The caller holds the transaction and writes the
** audit entry. Returns 0 with *id, or -1 with a message in msg.
*/
int meeting_add(Db *db, const Department *d, const MeetingInput *in, int64_t user_id, int64_t *id, char *msg,
                size_t n)
{
	if (meeting_check(db, d, in, msg, n) != 0)
		return -1;
	char now[32], advisor[201];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO meeting (department_id, round_id, kind, date, time, status, advisor, participants, minutes,"
	           " created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)"
	           " RETURNING id");
	db_bind_int(&q, 1, d->id);
	bind_input(&q, in, advisor_of(in, advisor));
	db_bind_text(&q, 10, now);
	if (user_id > 0)
		db_bind_int(&q, 11, user_id);
	else
		db_bind_null(&q, 11);
	int rc = db_insert_id(&q, id);
	db_finalize(&q);
	if (rc != DB_OK) {
		snprintf(msg, n, _("Mødet kunne ikke gemmes: %s"), db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Changes a meeting of the department after meeting_check; the caller holds the transaction. */
int meeting_update(Db *db, const Department *d, int64_t id, const MeetingInput *in, int64_t user_id, char *msg,
                   size_t n)
{
	if (meeting_check(db, d, in, msg, n) != 0)
		return -1;
	char now[32], advisor[201];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "UPDATE meeting SET round_id = ?2, kind = ?3, date = ?4, time = ?5, status = ?6, advisor = ?7,"
	           " participants = ?8, minutes = ?9, updated_at = ?10, updated_by = ?11 WHERE id = ?1 AND department_id = ?12");
	db_bind_int(&q, 1, id);
	bind_input(&q, in, advisor_of(in, advisor));
	db_bind_text(&q, 10, now);
	if (user_id > 0)
		db_bind_int(&q, 11, user_id);
	else
		db_bind_null(&q, 11);
	db_bind_int(&q, 12, d->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK || db_changes(db) != 1) {
		snprintf(msg, n, _("Mødet kunne ikke gemmes: %s"), rc != DB_OK ? db_errmsg(db) : _("det findes ikke"));
		return -1;
	}
	return 0;
}

int meeting_by_id(Db *db, int64_t id, Meeting *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, department_id, coalesce(round_id, 0), kind, date, coalesce(time, ''), status,"
	           " coalesce(advisor, ''), participants, minutes, updated_at FROM meeting WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(&q, 0);
		out->department_id = db_col_int(&q, 1);
		out->round_id = db_col_int(&q, 2);
		snprintf(out->kind, sizeof out->kind, "%s", db_col_text(&q, 3));
		snprintf(out->date, sizeof out->date, "%s", db_col_text(&q, 4));
		snprintf(out->time, sizeof out->time, "%s", db_col_text(&q, 5));
		snprintf(out->status, sizeof out->status, "%s", db_col_text(&q, 6));
		snprintf(out->advisor, sizeof out->advisor, "%s", db_col_text(&q, 7));
		snprintf(out->participants, sizeof out->participants, "%s", db_col_text(&q, 8));
		snprintf(out->minutes, sizeof out->minutes, "%s", db_col_text(&q, 9));
		snprintf(out->updated_at, sizeof out->updated_at, "%s", db_col_text(&q, 10));
	}
	db_finalize(&q);
	return found;
}

/*
** Whether someone with this role in the department may see a meeting. The working group
** sees every meeting; a caseworker (rådgiver) the meetings for the whole staff and their
** own individual feedback (viewer_name matched as ident_same_person matches a case list's
** names); an outside reviewer the meetings of a round they are invited to, except individual
** feedback. Nobody else sees any.
*/
int meeting_visible(Role role, const char *kind, const char *advisor, const char *viewer_name, int invited)
{
	if (auth_allows(PERM_DEPT_WORKGROUP, 0, role))
		return 1;
	if (role == ROLE_RAADGIVER)
		return meeting_is_staff(kind) || (str_eq(kind, "individuel") && ident_same_person(advisor, viewer_name));
	if (role == ROLE_EKSTERN)
		return invited && !str_eq(kind, "individuel");
	return 0;
}

/* meeting_visible for a signed-in user: their own individual feedback by the stable key
** (ident_owns), so a second user with the same display name does not see it. */
int meeting_visible_to(Db *db, int64_t department_id, const User *u, Role role, const char *kind,
                       const char *advisor, int invited)
{
	if (role == ROLE_RAADGIVER && str_eq(kind, "individuel"))
		return ident_owns(db, department_id, advisor, u->id);
	return meeting_visible(role, kind, advisor, u->name, invited);
}

/*
** The individual feedback of a round: one row per caseworker with sampled cases (as
** results_advisors lists them), with their individual meeting tied to the round: the held
** one, else the first planned, else none. Cancelled meetings do not count. Free with
** meeting_feedback_free.
*/
int meeting_feedback(Db *db, int64_t round_id, FeedbackRow **out)
{
	char **names;
	int n = results_advisors(db, round_id, &names);
	FeedbackRow *rows = xcalloc((size_t)(n ? n : 1), sizeof *rows);
	for (int i = 0; i < n; i++)
		rows[i].advisor = names[i];
	free(names);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, advisor, status, date, coalesce(time, '') FROM meeting WHERE round_id = ?1 AND kind = 'individuel'"
	           " AND status <> 'aflyst' ORDER BY status = 'afholdt' DESC, date, time, id");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q)) {
		for (int i = 0; i < n; i++) {
			if (rows[i].meeting_id || !ident_same_person(rows[i].advisor, db_col_text(&q, 1)))
				continue;
			rows[i].meeting_id = db_col_int(&q, 0);
			snprintf(rows[i].status, sizeof rows[i].status, "%s", db_col_text(&q, 2));
			snprintf(rows[i].date, sizeof rows[i].date, "%s", db_col_text(&q, 3));
			snprintf(rows[i].time, sizeof rows[i].time, "%s", db_col_text(&q, 4));
			break;
		}
	}
	db_finalize(&q);
	*out = rows;
	return n;
}

void meeting_feedback_free(FeedbackRow *rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i].advisor);
	free(rows);
}

/* How many of a round's caseworkers have not had their individual feedback (held). */
int meeting_feedback_missing(Db *db, int64_t round_id)
{
	FeedbackRow *rows;
	int n = meeting_feedback(db, round_id, &rows), missing = 0;
	for (int i = 0; i < n; i++)
		missing += !str_eq(rows[i].status, "afholdt");
	meeting_feedback_free(rows, n);
	return missing;
}

