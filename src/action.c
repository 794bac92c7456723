/*
** Actions (tiltag) a department decides on after a tilsyn: a title and description, the
** person responsible (someone with a role in the department), a due date, a status, and the
** questions or theme catalogues the action aims to improve. An action is overdue when its
** due date has passed and it is neither carried out nor given up.
**
** The follow-up: when the next comparable tilsyn has answers (same department and kind,
** later, as results_previous_round defines "comparable"), each target shows the share
** fulfilled before and after with the change and Newcombe's interval, as computed by
** results.c and stats.c. A theme pools the answers of its questions asked in both rounds.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int action_valid_status(const char *status)
{
	return str_eq(status, "planlagt") || str_eq(status, "i_gang") || str_eq(status, "gennemfoert") ||
	       str_eq(status, "opgivet");
}

const char *action_status_title(const char *status)
{
	if (str_eq(status, "i_gang"))
		return _("i gang");
	if (str_eq(status, "gennemfoert"))
		return _("gennemført");
	if (str_eq(status, "opgivet"))
		return _("opgivet");
	return _("planlagt");
}

/* Overdue: the due date (YYYY-MM-DD) lies before today and the action is still open. */
int action_overdue(const char *due, const char *status, const char *today)
{
	return !str_empty(due) && strcmp(due, today) < 0 && !str_eq(status, "gennemfoert") && !str_eq(status, "opgivet");
}

/* One free-text field: length, UTF-8 and no CPR number. */
static int check_text(const char *field, const char *s, size_t max, char *msg, size_t n)
{
	size_t len = strlen(s);
	if (len > max) {
		snprintf(msg, n, _("%s: teksten er for lang (højst %zu tegn). Intet er gemt."), field, max);
		return -1;
	}
	if (!utf8_valid(s, len)) {
		snprintf(msg, n, _("%s: teksten indeholder tegn, der ikke kan læses (ikke UTF-8). Intet er gemt."), field);
		return -1;
	}
	if (cpr_find(s) >= 0) {
		snprintf(msg, n, _("%s: teksten ligner et CPR-nummer. CPR-numre må aldrig skrives i tilsyn. Intet er gemt."),
		         field);
		return -1;
	}
	return 0;
}

/*
** Checks an action and finds its owner's user id: the title, description, owner (a user
** with a role in the department), due date, status, round (of the department) and targets
** (question codes of the round's catalogues, or of any catalogue without a round; theme
** catalogue codes). Returns 0, or -1 with a Danish message that begins with the field.
*/
static int action_check(Db *db, const Department *d, const ActionInput *in, int64_t *owner_id, char *msg,
                        size_t n)
{
	if (str_empty(in->title)) {
		snprintf(msg, n, _("Titel: skriv kort, hvad tiltaget går ud på."));
		return -1;
	}
	if (check_text(_("Titel"), in->title, ACTION_TITLE_MAX, msg, n) != 0 ||
	    check_text(_("Beskrivelse"), in->description ? in->description : "", ACTION_DESCRIPTION_MAX, msg, n) != 0)
		return -1;
	if (str_empty(in->owner_login)) {
		snprintf(msg, n, _("Ansvarlig: vælg den, der er ansvarlig for tiltaget."));
		return -1;
	}
	User u;
	if (!user_by_login(db, in->owner_login, &u) || !u.active || user_role_in(db, u.id, d->id) == ROLE_NONE) {
		snprintf(msg, n, _("Ansvarlig: brugeren »%.64s« har ingen rolle i afdelingen %s."), in->owner_login, d->code);
		return -1;
	}
	if (user_role_in(db, u.id, d->id) == ROLE_EKSTERN) {
		snprintf(msg, n, _("Ansvarlig: en ekstern konsulent ser kun sit eget tilsyn og kan ikke være ansvarlig for et "
		                   "tiltag."));
		return -1;
	}
	*owner_id = u.id;
	if (!date_valid_iso(in->due)) {
		snprintf(msg, n, _("Frist: skriv fristen som ÅÅÅÅ-MM-DD, fx 2027-03-31."));
		return -1;
	}
	if (!str_empty(in->status) && !action_valid_status(in->status)) {
		snprintf(msg, n, _("Status: vælg planlagt, i gang, gennemført eller opgivet."));
		return -1;
	}
	if (in->round_id) {
		Round r;
		if (!round_by_id(db, in->round_id, &r) || r.department_id != d->id) {
			snprintf(msg, n, _("Tilsyn: tilsynet findes ikke i afdelingen."));
			return -1;
		}
	}
	if (in->nquestions + in->nthemes > ACTION_MAX_TARGETS) {
		snprintf(msg, n, _("Spørgsmål og temaer: højst %d i alt for ét tiltag."), ACTION_MAX_TARGETS);
		return -1;
	}
	Stmt q;
	for (int i = 0; i < in->nquestions; i++) {
		const char *code = in->questions[i];
		db_prepare(&q, db,
		           "SELECT 1 FROM question q WHERE q.code = ?1 AND (?2 IS NULL OR q.catalogue_id IN"
		           " (SELECT catalogue_id FROM round_catalogue WHERE round_id = ?2))");
		db_bind_text(&q, 1, code);
		if (in->round_id)
			db_bind_int(&q, 2, in->round_id);
		else
			db_bind_null(&q, 2);
		int found = db_step(&q);
		db_finalize(&q);
		if (!found) {
			snprintf(msg, n,
			         in->round_id ? _("Spørgsmål: koden »%.64s« findes ikke i tilsynets spørgekataloger.")
			                      : _("Spørgsmål: koden »%.64s« findes ikke i noget spørgekatalog."),
			         code);
			return -1;
		}
	}
	for (int i = 0; i < in->nthemes; i++) {
		db_prepare(&q, db, "SELECT 1 FROM catalogue WHERE code = ?1 AND kind = 'tema'");
		db_bind_text(&q, 1, in->themes[i]);
		int found = db_step(&q);
		db_finalize(&q);
		if (!found) {
			snprintf(msg, n, _("Temaer: »%.64s« er ikke et temakatalog."), in->themes[i]);
			return -1;
		}
	}
	return 0;
}

static int store_targets(Db *db, int64_t id, const ActionInput *in)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM action_target WHERE action_id = ?1");
	db_bind_int(&q, 1, id);
	int rc = db_done(&q);
	db_finalize(&q);
	for (int i = 0; rc == DB_OK && i < in->nquestions + in->nthemes; i++) {
		int question = i < in->nquestions;
		db_prepare(&q, db, "INSERT INTO action_target (action_id, kind, code) VALUES (?1, ?2, ?3)"
		           " ON CONFLICT DO NOTHING");
		db_bind_int(&q, 1, id);
		db_bind_text(&q, 2, question ? "question" : "theme");
		db_bind_text(&q, 3, question ? in->questions[i] : in->themes[i - in->nquestions]);
		rc = db_done(&q);
		db_finalize(&q);
	}
	return rc;
}

static void bind_owner(Stmt *q, int i, int64_t user_id)
{
	if (user_id > 0)
		db_bind_int(q, i, user_id);
	else
		db_bind_null(q, i);
}

/*
** Stores a new action with its targets. The caller holds the transaction and writes the
** audit entry. Returns 0 with *id, or -1 with a message in msg.
*/
int action_add(Db *db, const Department *d, const ActionInput *in, int64_t user_id, int64_t *id, char *msg,
               size_t n)
{
	int64_t owner;
	if (action_check(db, d, in, &owner, msg, n) != 0)
		return -1;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO action_item (department_id, round_id, title, description, owner_id, due, status, created_at,"
	           " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9) RETURNING id");
	db_bind_int(&q, 1, d->id);
	bind_owner(&q, 2, in->round_id);
	db_bind_text(&q, 3, in->title);
	db_bind_text(&q, 4, in->description ? in->description : "");
	db_bind_int(&q, 5, owner);
	db_bind_text(&q, 6, in->due);
	db_bind_text(&q, 7, str_empty(in->status) ? "planlagt" : in->status);
	db_bind_text(&q, 8, now);
	bind_owner(&q, 9, user_id);
	int rc = db_insert_id(&q, id);
	db_finalize(&q);
	if (rc == DB_OK) {
		rc = store_targets(db, *id, in);
	}
	if (rc != DB_OK) {
		snprintf(msg, n, _("Tiltaget kunne ikke gemmes: %s"), db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Changes every field of an action of the department and replaces its targets. */
int action_update(Db *db, const Department *d, int64_t id, const ActionInput *in, int64_t user_id, char *msg,
                  size_t n)
{
	int64_t owner;
	if (action_check(db, d, in, &owner, msg, n) != 0)
		return -1;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "UPDATE action_item SET round_id = ?2, title = ?3, description = ?4, owner_id = ?5, due = ?6, status = ?7,"
	           " updated_at = ?8, updated_by = ?9 WHERE id = ?1 AND department_id = ?10");
	db_bind_int(&q, 1, id);
	bind_owner(&q, 2, in->round_id);
	db_bind_text(&q, 3, in->title);
	db_bind_text(&q, 4, in->description ? in->description : "");
	db_bind_int(&q, 5, owner);
	db_bind_text(&q, 6, in->due);
	db_bind_text(&q, 7, str_empty(in->status) ? "planlagt" : in->status);
	db_bind_text(&q, 8, now);
	bind_owner(&q, 9, user_id);
	db_bind_int(&q, 10, d->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK && db_changes(db) != 1) {
		snprintf(msg, n, _("Tiltaget findes ikke i afdelingen."));
		return -1;
	}
	if (rc == DB_OK)
		rc = store_targets(db, id, in);
	if (rc != DB_OK) {
		snprintf(msg, n, _("Tiltaget kunne ikke gemmes: %s"), db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Changes only the status: what the person responsible may do. */
int action_set_status(Db *db, int64_t id, const char *status, int64_t user_id, char *msg, size_t n)
{
	if (!action_valid_status(status)) {
		snprintf(msg, n, _("Status: vælg planlagt, i gang, gennemført eller opgivet."));
		return -1;
	}
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db, "UPDATE action_item SET status = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, status);
	db_bind_text(&q, 3, now);
	bind_owner(&q, 4, user_id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK || db_changes(db) != 1) {
		snprintf(msg, n, _("Tiltaget kunne ikke gemmes: %s"), rc != DB_OK ? db_errmsg(db) : _("det findes ikke"));
		return -1;
	}
	return 0;
}

int action_by_id(Db *db, int64_t id, ActionItem *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT a.id, a.department_id, coalesce(a.round_id, 0), coalesce(a.owner_id, 0), a.title, a.description,"
	           " coalesce(u.login, ''), coalesce(u.name, ''), coalesce(a.due, ''), a.status, a.updated_at"
	           " FROM action_item a LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = ?1");
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(&q, 0);
		out->department_id = db_col_int(&q, 1);
		out->round_id = db_col_int(&q, 2);
		out->owner_id = db_col_int(&q, 3);
		snprintf(out->title, sizeof out->title, "%s", db_col_text(&q, 4));
		snprintf(out->description, sizeof out->description, "%s", db_col_text(&q, 5));
		snprintf(out->owner_login, sizeof out->owner_login, "%s", db_col_text(&q, 6));
		snprintf(out->owner_name, sizeof out->owner_name, "%s", db_col_text(&q, 7));
		snprintf(out->due, sizeof out->due, "%s", db_col_text(&q, 8));
		snprintf(out->status, sizeof out->status, "%s", db_col_text(&q, 9));
		snprintf(out->updated_at, sizeof out->updated_at, "%s", db_col_text(&q, 10));
	}
	db_finalize(&q);
	return found;
}

/* ---- the follow-up: before and after ---- */

/*
** The next comparable round after `from`: same department and kind, later by the order
** results_previous_round uses (planned start, else the day it was created; then id), with
** answers, and whose previous comparable round is `from` itself. 0 when there is none yet
** (or `from` has no answers, so there is nothing to compare with).
*/
int64_t action_next_round(Db *db, const Round *from)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT o.id FROM round o WHERE o.department_id = ?1 AND o.kind = ?2 AND o.id <> ?3"
	           " AND EXISTS (SELECT 1 FROM answer a WHERE a.round_id = o.id)"
	           " AND (coalesce(o.planned_start, substr(o.created_at, 1, 10)), o.id)"
	           "  > (coalesce(?4, substr(?5, 1, 10)), ?3)"
	           " ORDER BY coalesce(o.planned_start, substr(o.created_at, 1, 10)), o.id LIMIT 1");
	db_bind_int(&q, 1, from->department_id);
	db_bind_text(&q, 2, from->kind);
	db_bind_int(&q, 3, from->id);
	db_bind_text(&q, 4, *from->planned_start ? from->planned_start : NULL);
	db_bind_text(&q, 5, from->created_at);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	Round next;
	if (!id || !round_by_id(db, id, &next) || results_previous_round(db, &next) != from->id)
		return 0;
	return id;
}

/* Whether question_id is one of the questions of theme catalogue `code` in the round. */
static int in_theme(Db *db, int64_t round_id, const char *code, int64_t question_id)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT 1 FROM question q JOIN catalogue c ON c.id = q.catalogue_id"
	           " JOIN round_catalogue rc ON rc.catalogue_id = c.id WHERE rc.round_id = ?1 AND c.code = ?2 AND q.id = ?3");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, code);
	db_bind_int(&q, 3, question_id);
	int yes = db_step(&q);
	db_finalize(&q);
	return yes;
}

static char *theme_title(Db *db, const char *code)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT title FROM catalogue WHERE code = ?1 AND kind = 'tema' ORDER BY status = 'udgivet' DESC, version DESC"
	           " LIMIT 1");
	db_bind_text(&q, 1, code);
	char *t = xstrdup(db_step(&q) ? db_col_text(&q, 0) : "");
	db_finalize(&q);
	return t;
}

static void set_before(ActionChange *c, int64_t yes, int64_t base)
{
	c->has_before = base > 0;
	c->before_yes = yes;
	c->before_base = base;
	c->before = base ? (double)yes / (double)base : 0;
	stats_wilson(yes, base, &c->before_low, &c->before_high);
}

static void set_after(ActionChange *c, int64_t yes, int64_t base)
{
	c->has_after = base > 0 && c->before_base > 0;
	c->after_yes = yes;
	c->after_base = base;
	c->after = base ? (double)yes / (double)base : 0;
	stats_wilson(yes, base, &c->after_low, &c->after_high);
	if (c->has_after) {
		stats_newcombe(yes, base, c->before_yes, c->before_base, &c->diff, &c->diff_low, &c->diff_high);
		c->verdict = stats_verdict(c->diff_low, c->diff_high);
	}
}

/*
** The follow-up of an action: per target, the share fulfilled in the action's round and,
** when the next comparable round has answers, in that round with the change. A question is
** matched by its code. A theme pools its questions: before the next round, every question
** of the theme in the action's round; after it, only the questions asked in both, so that a
** new or dropped question does not pass for a change (as results.c pools its groups).
** Free with action_follow_up_free.
*/
int action_follow_up(Db *db, const ActionItem *a, ActionFollowUp *out)
{
	memset(out, 0, sizeof *out);
	Stmt q;
	db_prepare(&q, db, "SELECT kind, code FROM action_target WHERE action_id = ?1 ORDER BY kind = 'theme', code");
	db_bind_int(&q, 1, a->id);
	int cap = 8;
	out->targets = xcalloc((size_t)cap, sizeof *out->targets);
	while (db_step(&q)) {
		if (out->ntargets == cap) {
			out->targets = xrealloc(out->targets, (size_t)(cap *= 2) * sizeof *out->targets);
			memset(out->targets + out->ntargets, 0, (size_t)(cap - out->ntargets) * sizeof *out->targets);
		}
		ActionChange *c = &out->targets[out->ntargets++];
		snprintf(c->kind, sizeof c->kind, "%s", db_col_text(&q, 0));
		snprintf(c->code, sizeof c->code, "%s", db_col_text(&q, 1));
	}
	db_finalize(&q);
	for (int t = 0; t < out->ntargets; t++) {
		ActionChange *c = &out->targets[t];
		c->text = str_eq(c->kind, "theme") ? theme_title(db, c->code) : NULL;
	}

	Round from = {0}, next = {0};
	QuestionResult *before = NULL, *after = NULL;
	int nbefore = 0, nafter = 0;
	if (a->round_id && round_by_id(db, a->round_id, &from)) {
		out->from_round = from.id;
		nbefore = results_round(db, &from, &before);
		out->next_round = action_next_round(db, &from);
		if (out->next_round && round_by_id(db, out->next_round, &next)) {
			snprintf(out->next_title, sizeof out->next_title, "%s", next.title);
			snprintf(out->next_phase, sizeof out->next_phase, "%s", next.phase);
			nafter = results_round(db, &next, &after);
		} else {
			out->next_round = 0;
		}
	}
	for (int t = 0; t < out->ntargets; t++) {
		ActionChange *c = &out->targets[t];
		int theme = str_eq(c->kind, "theme");
		int64_t yes = 0, base = 0;
		for (int i = 0; i < nbefore; i++) {
			const QuestionResult *x = &before[i];
			if (theme ? !in_theme(db, from.id, c->code, x->question_id) : !str_eq(x->code, c->code))
				continue;
			if (!theme && !c->text)
				c->text = xstrdup(x->text);
			c->nquestions++;
			yes += x->yes;
			base += x->yes + x->partly + x->no;
		}
		set_before(c, yes, base);
		if (!out->next_round)
			continue;
		/* The questions asked in both rounds: results.c has compared them already (prev_*). */
		int64_t ay = 0, ab = 0, py = 0, pb = 0;
		int nboth = 0;
		for (int i = 0; i < nafter; i++) {
			const QuestionResult *x = &after[i];
			if (x->prev_round != from.id)
				continue;
			if (theme ? !in_theme(db, next.id, c->code, x->question_id) : !str_eq(x->code, c->code))
				continue;
			if (!theme) {
				free(c->text);
				c->text = xstrdup(x->text); /* the newest wording */
			}
			nboth++;
			ay += x->yes;
			ab += x->yes + x->partly + x->no;
			py += x->prev_yes;
			pb += x->prev_base;
		}
		if (nboth) {
			c->nquestions = nboth;
			set_before(c, py, pb);
			set_after(c, ay, ab);
		}
	}
	/* A question not in the action's round: its newest wording. */
	for (int t = 0; t < out->ntargets; t++) {
		ActionChange *c = &out->targets[t];
		if (c->text)
			continue;
		db_prepare(&q, db, "SELECT text FROM question WHERE code = ?1 ORDER BY id DESC LIMIT 1");
		db_bind_text(&q, 1, c->code);
		c->text = xstrdup(db_step(&q) ? db_col_text(&q, 0) : "");
		db_finalize(&q);
	}
	results_free(before, nbefore);
	results_free(after, nafter);
	return out->ntargets;
}

void action_follow_up_free(ActionFollowUp *f)
{
	for (int t = 0; t < f->ntargets; t++)
		free(f->targets[t].text);
	free(f->targets);
	memset(f, 0, sizeof *f);
}
