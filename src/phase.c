/*
** The phases of a tilsyn: planlægning, udvælgelse, gennemgang, analyse, tilbagemelding,
** opfølgning and afsluttet. A round may move to any phase, forward or back; moving on with
** work left (cases not reviewed, feedback not given) asks for a reason, which is kept in
** round_phase_change and the audit log. Nothing is ever blocked beyond asking why: the
** recommendations are general and the department decides. sample.c and answer.c
** move a round on by themselves when the sample is drawn and the first answer is saved
** (phase_auto), recorded like a manual move with the reason "automatisk". A finished
** (afsluttet) round is closed: round_writable() is the one check every model function that
** writes case data calls first, and reopening it is a move back that needs a reason.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *title;
} phases[PHASE_COUNT] = {
	{"planlaegning", "Planlægning"}, {"udvaelgelse", "Udvælgelse"},       {"gennemgang", "Gennemgang"},
	{"analyse", "Analyse"},          {"tilbagemelding", "Tilbagemelding"}, {"opfoelgning", "Opfølgning"},
	{"afsluttet", "Afsluttet"},
};

const char *phase_code(int index)
{
	return index >= 0 && index < PHASE_COUNT ? phases[index].code : NULL;
}

/* The position of a phase in the cycle, or -1 for an unknown code. */
int phase_index(const char *code)
{
	for (int i = 0; i < PHASE_COUNT; i++)
		if (str_eq(code, phases[i].code))
			return i;
	return -1;
}

/* The Danish name of a phase; an unknown code is shown as it is. */
const char *phase_title(const char *code)
{
	int i = phase_index(code);
	return i >= 0 ? _(phases[i].title) : code;
}

/*
** What a move from `from` to `to` passes on its way: PHASE_PASSES_REVIEW when it leaves
** gennemgang (or skips it) for a later phase (the sample should be reviewed by then), and
** PHASE_PASSES_FEEDBACK when it leaves tilbagemelding (or skips it). Moving back passes
** nothing, and neither does a move between later phases: the reason given when the work
** was left behind is asked once, not again at every step after it.
*/
int phase_passes(const char *from, const char *to)
{
	int f = phase_index(from), t = phase_index(to);
	if (f < 0 || t < 0 || t <= f)
		return 0;
	int passes = 0;
	int review = phase_index("gennemgang"), feedback = phase_index("tilbagemelding");
	if (f <= review && t > review)
		passes |= PHASE_PASSES_REVIEW;
	if (f <= feedback && t > feedback)
		passes |= PHASE_PASSES_FEEDBACK;
	return passes;
}

/* Adds name to the comma-separated list in out, ending with "…" when it does not fit. */
static void name_list_add(char *out, size_t n, const char *name)
{
	size_t len = strlen(out);
	if (len >= 3 && strcmp(out + len - 3, "…") == 0)
		return;
	size_t need = strlen(name) + (len ? 2 : 0);
	if (len + need + 4 < n)
		snprintf(out + len, n - len, "%s%s", len ? ", " : "", name);
	else if (len + 6 < n)
		snprintf(out + len, n - len, "%s…", len ? ", " : "");
}

/*
** The caseworkers of the round who have not had their individual feedback: everyone with a
** case in the sample or an individual meeting planned for the round, unless an individual
** meeting with them for this round is held (status afholdt). Names are compared as in the
** assignment (trimmed, any case). Returns their number and lists them in out.
*/
static int64_t advisors_without_feedback(Db *db, int64_t round_id, char *out, size_t n)
{
	char **held = NULL, **seen = NULL;
	int nheld = 0, nseen = 0;
	int64_t left = 0;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT advisor FROM meeting WHERE round_id = ?1 AND kind = 'individuel' AND status = 'afholdt'"
	           " AND advisor IS NOT NULL");
	db_bind_int(&q, 1, round_id);
	while (db_step(&q)) {
		held = xrealloc(held, (size_t)(nheld + 1) * sizeof *held);
		held[nheld++] = xstrdup(db_col_text(&q, 0));
	}
	db_finalize(&q);
	db_prepare(&q, db,
	           "SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket'"
	           " UNION SELECT advisor FROM meeting WHERE round_id = ?1 AND kind = 'individuel' AND advisor IS NOT NULL"
	           " ORDER BY 1");
	db_bind_int(&q, 1, round_id);
	out[0] = 0;
	while (db_step(&q)) {
		const char *name = db_col_text(&q, 0);
		int known = 0;
		for (int i = 0; i < nseen && !known; i++)
			known = ident_same_person(seen[i], name);
		for (int i = 0; i < nheld && !known; i++)
			known = ident_same_person(held[i], name);
		if (known || str_empty(name))
			continue;
		seen = xrealloc(seen, (size_t)(nseen + 1) * sizeof *seen);
		seen[nseen++] = xstrdup(name);
		name_list_add(out, n, name);
		left++;
	}
	db_finalize(&q);
	for (int i = 0; i < nheld; i++)
		free(held[i]);
	for (int i = 0; i < nseen; i++)
		free(seen[i]);
	free(held);
	free(seen);
	return left;
}

int phase_work_left(Db *db, const Round *r, const char *to, PhaseWorkLeft *out)
{
	memset(out, 0, sizeof *out);
	int passes = phase_passes(r->phase, to);
	if (passes & PHASE_PASSES_REVIEW) {
		Stmt q;
		db_prepare(&q, db,
		           "SELECT count(*), count(*) FILTER (WHERE review_status <> 'faerdig') FROM round_case"
		           " WHERE round_id = ?1 AND status = 'udtrukket'");
		db_bind_int(&q, 1, r->id);
		if (db_step(&q)) {
			out->sampled = db_col_int(&q, 0);
			out->unfinished = db_col_int(&q, 1);
		}
		db_finalize(&q);
		out->review = out->sampled == 0 || out->unfinished > 0;
	}
	if (passes & PHASE_PASSES_FEEDBACK) {
		out->advisors_left = advisors_without_feedback(db, r->id, out->advisors, sizeof out->advisors);
		Stmt q;
		db_prepare(&q, db,
		           "SELECT count(*) FROM meeting WHERE round_id = ?1 AND kind = 'personale' AND status = 'afholdt'");
		db_bind_int(&q, 1, r->id);
		out->staff_meeting_missing = db_step(&q) && db_col_int(&q, 0) == 0;
		db_finalize(&q);
		out->feedback = out->advisors_left > 0 || out->staff_meeting_missing;
	}
	return out->review || out->feedback;
}

void phase_work_left_text(const PhaseWorkLeft *w, char *out, size_t n)
{
	Buf b;
	buf_init(&b, 0);
	if (w->review && w->sampled == 0)
		buf_puts(&b, _("Stikprøven er ikke trukket, så ingen sager er gennemgået."));
	else if (w->review)
		buf_printf(&b, _("%lld af %lld udtrukne sager er ikke færdiggennemgået."), (long long)w->unfinished,
		           (long long)w->sampled);
	if (w->advisors_left == 1)
		buf_printf(&b, _("%sIndividuel tilbagemelding er ikke givet til %s."), b.len ? " " : "", w->advisors);
	else if (w->advisors_left > 1)
		buf_printf(&b, _("%sIndividuel tilbagemelding er ikke givet til %lld rådgivere (%s)."), b.len ? " " : "",
		           (long long)w->advisors_left, w->advisors);
	if (w->staff_meeting_missing)
		buf_printf(&b, "%s%s", b.len ? " " : "", _("Resultaterne er ikke fremlagt på et afholdt personalemøde."));
	snprintf(out, n, "%s", buf_cstr(&b));
	buf_free(&b);
}

/* A reason given on the web or the command line: trimmed; "" when none was given. */
static int reason_check(const char *reason, char *msg, size_t n)
{
	if (!reason)
		return 0;
	size_t len = strlen(reason), chars = 0;
	for (const char *c = reason; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	if (chars > PHASE_REASON_MAX || !utf8_valid(reason, len)) {
		snprintf(msg, n, _("Begrundelsen skal være gyldig tekst på højst %d tegn."), PHASE_REASON_MAX);
		return -1;
	}
	if (cpr_find(reason) >= 0) {
		snprintf(msg, n, "%s", _("Begrundelsen ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn."));
		return -1;
	}
	return 0;
}

int phase_change(Db *db, const Round *r, const char *to, const char *reason_in, const ReviewBy *by,
                 PhaseWorkLeft *left, char *msg, size_t n)
{
	msg[0] = 0;
	memset(left, 0, sizeof *left);
	if (phase_index(to) < 0) {
		snprintf(msg, n, "%s",
		         _("Vælg en fase: planlaegning, udvaelgelse, gennemgang, analyse, tilbagemelding, opfoelgning eller "
		           "afsluttet."));
		return PHASE_REFUSED;
	}
	if (str_eq(to, r->phase)) {
		snprintf(msg, n, _("Tilsynet er allerede i fasen %s."), phase_title(to));
		return PHASE_REFUSED;
	}
	/* Once retention has deleted its case data, a finished tilsyn stays finished: reopened,
	** it could be sampled and reviewed again beside figures that no longer have cases. */
	Stmt p;
	db_prepare(&p, db, "SELECT purged_at IS NOT NULL FROM round WHERE id = ?1");
	db_bind_int(&p, 1, r->id);
	int purged = db_step(&p) && db_col_int(&p, 0);
	db_finalize(&p);
	if (purged) {
		snprintf(msg, n, "%s",
		         _("Tilsynets sagsdata er slettet efter reglen om opbevaring, så det kan ikke genåbnes. Opret et nyt "
		           "tilsyn i stedet."));
		return PHASE_REFUSED;
	}
	if (reason_check(reason_in, msg, n) != 0)
		return PHASE_REFUSED;
	char *reason = xstrdup(reason_in ? reason_in : "");
	char *why = str_trim(reason);
	char left_text[1024];
	/* Reopening a finished tilsyn changes what its reports showed: say why, always. */
	if (str_eq(r->phase, "afsluttet") && !*why) {
		snprintf(msg, n, _("Tilsynet er afsluttet. Skriv en begrundelse for at genåbne det i fasen %s; begrundelsen "
		                   "vises på tilsynets side."),
		         phase_title(to));
		free(reason);
		return PHASE_REASON_NEEDED;
	}
	if (phase_work_left(db, r, to, left)) {
		phase_work_left_text(left, left_text, sizeof left_text);
		if (!*why) {
			snprintf(msg, n, _("Der er arbejde tilbage, før tilsynet går videre til fasen %s: %s Skriv en begrundelse "
			                   "for at gå videre alligevel."),
			         phase_title(to), left_text);
			free(reason);
			return PHASE_REASON_NEEDED;
		}
	} else {
		left_text[0] = 0;
	}

	char now[32], by_name[201] = "kommandolinjen";
	time_iso(now, time(NULL));
	User u;
	if (by->user_id && user_by_id(db, by->user_id, &u))
		snprintf(by_name, sizeof by_name, "%s", u.name);
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round_phase_change (round_id, from_phase, to_phase, reason, at, by_id, by_name)"
	           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	db_bind_int(&q, 1, r->id);
	db_bind_text(&q, 2, r->phase);
	db_bind_text(&q, 3, to);
	db_bind_text(&q, 4, *why ? why : NULL);
	db_bind_text(&q, 5, now);
	if (by->user_id)
		db_bind_int(&q, 6, by->user_id);
	else
		db_bind_null(&q, 6);
	db_bind_text(&q, 7, by_name);
	int rc = db_done(&q);
	db_finalize(&q);
	/* Finishing dates the round (retention counts from here); reopening it undoes that. */
	if (rc == DB_OK) {
		db_prepare(&q, db,
		           "UPDATE round SET phase = ?2, finished_at = CASE WHEN ?2 = 'afsluttet' THEN ?3 ELSE NULL END"
		           " WHERE id = ?1");
		db_bind_int(&q, 1, r->id);
		db_bind_text(&q, 2, to);
		db_bind_text(&q, 3, now);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK) {
		snprintf(msg, n, "%s", _("Fasen kunne ikke gemmes i databasen."));
		free(reason);
		return PHASE_REFUSED;
	}
	char object[64];
	snprintf(object, sizeof object, "round:%lld", (long long)r->id);
	size_t dn = strlen(why) + strlen(left_text) + 200;
	char *detail = xmalloc(dn);
	snprintf(detail, dn, "%s → %s.%s%s%s%s", r->phase, to, *left_text ? " Arbejde tilbage: " : "", left_text,
	         *why ? " Begrundelse: " : "", why);
	audit_log(db, &(AuditEntry){.user_id = by->user_id, .login = by->login, .action = "round_phase",
	                            .department_id = r->department_id, .object = object, .detail = detail, .ip = by->ip});
	free(detail);
	free(reason);
	return PHASE_MOVED;
}

const char round_closed_text[] =
	"Tilsynet er afsluttet. Genåbn det med et faseskift tilbage, hvis der skal ændres noget.";

/*
** Whether the case data of a round (sample, assignment, answers, færdig, acute concern,
** consent, calibration, sheet imports) may be written: 0 when it may, ROUND_CLOSED with
** round_closed_text in msg when the round is afsluttet (or gone). The phase is read from the
** database, inside the caller's transaction, so a round finished a moment ago is closed.
** Every model function that writes case data calls this first; pages answer 409 and the
** command line exits 2 on ROUND_CLOSED.
*/
int round_writable(Db *db, int64_t round_id, char *msg, size_t n)
{
	Stmt q;
	db_prepare(&q, db, "SELECT phase FROM round WHERE id = ?1");
	db_bind_int(&q, 1, round_id);
	int closed = !db_step(&q) || str_eq(db_col_text(&q, 0), "afsluttet");
	db_finalize(&q);
	if (!closed)
		return 0;
	if (msg && n)
		snprintf(msg, n, "%s", _(round_closed_text));
	return ROUND_CLOSED;
}

/*
** A move the program makes by itself (the sample drawn, the first answer saved): the round
** goes from a phase in `from_any` (a comma-separated list of codes) to `to`, recorded in
** round_phase_change and the audit log like a manual move, with the reason "automatisk".
** Nothing happens when the round is in another phase. Inside the caller's transaction;
** user_id 0 and login name the command line. Returns DB_OK or the failing code.
*/
int phase_auto(Db *db, int64_t round_id, const char *from_any, const char *to, int64_t user_id,
               const char *login)
{
	Stmt q;
	db_prepare(&q, db, "SELECT phase, department_id FROM round WHERE id = ?1");
	db_bind_int(&q, 1, round_id);
	char from[24] = "";
	int64_t department_id = 0;
	if (db_step(&q)) {
		snprintf(from, sizeof from, "%s", db_col_text(&q, 0));
		department_id = db_col_int(&q, 1);
	}
	db_finalize(&q);
	size_t len = strlen(from);
	const char *hit = len ? strstr(from_any, from) : NULL;
	if (!hit || (hit > from_any && hit[-1] != ',') || (hit[len] && hit[len] != ','))
		return DB_OK;
	char now[32], by_name[201] = "kommandolinjen";
	time_iso(now, time(NULL));
	User u;
	if (user_id && user_by_id(db, user_id, &u))
		snprintf(by_name, sizeof by_name, "%s", u.name);
	else if (login && user_by_login(db, login, &u))
		snprintf(by_name, sizeof by_name, "%s", u.name);
	db_prepare(&q, db,
	           "INSERT INTO round_phase_change (round_id, from_phase, to_phase, reason, at, by_id, by_name)"
	           " VALUES (?1, ?2, ?3, 'automatisk', ?4, ?5, ?6)");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, from);
	db_bind_text(&q, 3, to);
	db_bind_text(&q, 4, now);
	if (user_id)
		db_bind_int(&q, 5, user_id);
	else
		db_bind_null(&q, 5);
	db_bind_text(&q, 6, by_name);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db, "UPDATE round SET phase = ?2 WHERE id = ?1");
		db_bind_int(&q, 1, round_id);
		db_bind_text(&q, 2, to);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK)
		return rc;
	char object[64], detail[160];
	snprintf(object, sizeof object, "round:%lld", (long long)round_id);
	snprintf(detail, sizeof detail, "%s → %s. Begrundelse: automatisk", from, to);
	return audit_log(db, &(AuditEntry){.user_id = user_id, .login = login, .action = "round_phase",
	                                   .department_id = department_id, .object = object, .detail = detail})
	               ? DB_ERROR
	               : DB_OK;
}

/*
** The reopenings of a round (moves out of afsluttet), newest first: up to max of them,
** each with the time, who and why. Returns how many were written to out.
*/
int phase_reopenings(Db *db, int64_t round_id, PhaseReopening *out, int max)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT at, to_phase, coalesce(reason, ''), by_name FROM round_phase_change"
	           " WHERE round_id = ?1 AND from_phase = 'afsluttet' ORDER BY at DESC, id DESC");
	db_bind_int(&q, 1, round_id);
	int n = 0;
	while (n < max && db_step(&q)) {
		PhaseReopening *o = &out[n++];
		snprintf(o->at, sizeof o->at, "%s", db_col_text(&q, 0));
		snprintf(o->to, sizeof o->to, "%s", db_col_text(&q, 1));
		snprintf(o->reason, sizeof o->reason, "%s", db_col_text(&q, 2));
		snprintf(o->by, sizeof o->by, "%s", db_col_text(&q, 3));
	}
	db_finalize(&q);
	return n;
}
