/*
** Tests of actions (action.c): the overdue rule; what an action must have (title, owner with a
** role in the department but not an outside reviewer, due date, status, round of the
** department, question codes of the round's catalogues, theme catalogues) and that a refused
** action stores nothing; the next comparable round (same department and kind, later, with
** answers, and whose previous comparable round is the action's own); and the follow-up of
** each target against counts written out by hand below: a question before and after, a theme
** pooled over its questions asked in both rounds, a target not measured again, an action
** without a round. A real, migrated SQLite file; answers go in through answer_save.
*/
#include "unit_helpers.h"

#include <math.h>

static const char main_catalogue[] =
	"{\"code\": \"t-kat\", \"title\": \"Testkatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit\", \"questions\": ["
	"  {\"code\": \"Q-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"forvaltningsret\"},"
	"  {\"code\": \"Q-2\", \"text\": \"Er der partshørt?\", \"category\": \"retssikkerhed\"}]}]}";
static const char theme_catalogue[] =
	"{\"code\": \"tema-x\", \"title\": \"Tema X\", \"kind\": \"tema\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Tema\", \"questions\": ["
	"  {\"code\": \"X-1\", \"text\": \"Er udredningen fyldestgørende?\", \"category\": \"socialfaglig\"},"
	"  {\"code\": \"X-2\", \"text\": \"Er barnet hørt?\", \"category\": \"retssikkerhed\"}]}]}";

typedef struct Fx {
	TestDb *t;
	Department d, other;
	User reviewer;
	int64_t c[6];
	int64_t rold, rempty, rover, rnew, rlater, rother;
} Fx;

static int64_t new_round(Fx *f, const Department *d, const char *kind, const char *start)
{
	static const char *const themes[] = {"tema-x"};
	int64_t id;
	char msg[300] = "";
	if (round_create(f->t->db, d, kind, "Test", "t-kat", themes, 1, start, NULL, "test", &id, msg, sizeof msg) != 0)
		fail_msg("round_create: %s", msg);
	if (d->id == f->d.id)
		for (int i = 0; i < 6; i++)
			qexec(f->t->db, "INSERT INTO round_case (round_id, case_id, sample_key, added_at) VALUES (%lld, %lld, 'k%d',"
			                " '2024-01-01T00:00:00Z')",
			      (long long)id, (long long)f->c[i], i);
	return id;
}

/* values[i] for case c[i]; NULL leaves it unanswered. */
static void answers(Fx *f, int64_t round_id, const char *code, const char *const v[6])
{
	Stmt q;
	db_prepare(&q, f->t->db,
	           "SELECT q.id FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " WHERE rc.round_id = ?1 AND q.code = ?2");
	db_bind_int(&q, 1, round_id);
	db_bind_text(&q, 2, code);
	assert_true(db_step(&q));
	int64_t qid = db_col_int(&q, 0);
	db_finalize(&q);
	for (int i = 0; i < 6; i++) {
		if (!v[i])
			continue;
		AnswerInput in = {.value = v[i], .comment = "", .seen_revision = -1};
		AnswerState cur;
		char msg[300] = "";
		assert_int_equal(db_begin(f->t->db), DB_OK);
		if (answer_save(f->t->db, round_id, f->c[i], qid, &in, &f->reviewer, &cur, msg, sizeof msg) != ANSWER_SAVED)
			fail_msg("answer_save %s=%s: %s", code, v[i], msg);
		assert_int_equal(db_commit(f->t->db), DB_OK);
	}
}
#define ANSWERS(f, round, code, ...)                                                \
	do {                                                                        \
		static const char *const v_[6] = {__VA_ARGS__};                     \
		answers((f), (round), (code), v_);                                  \
	} while (0)

static int64_t add_user(Db *db, const char *login, const char *name, const Department *d, Role role)
{
	int64_t id =
	    qinsert(db, "INSERT INTO users (login, name, password_hash) VALUES ('%s', '%s', 'x') RETURNING id", login, name);
	char msg[300] = "";
	if (d)
		assert_int_equal(user_set_role(db, id, d->id, role, msg, sizeof msg), 0);
	return id;
}

static int setup(void **state)
{
	Fx *f = calloc(1, sizeof *f);
	f->t = testdb_new();
	Db *db = f->t->db;
	int64_t id;
	char msg[300] = "";
	char err[512] = "";
	assert_int_equal(department_add(db, "BHS", "Børn", "barn", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->d));
	assert_int_equal(department_add(db, "AND", "Anden", "barn", &id, msg, sizeof msg), 0);
	assert_true(department_by_id(db, id, &f->other));
	assert_true(user_by_id(db, add_user(db, "koord", "Mette Juhl", &f->d, ROLE_KOORDINATOR), &f->reviewer));
	add_user(db, "anne", "Anne Bækgaard", &f->d, ROLE_RAADGIVER);
	add_user(db, "konsulent", "Camilla Berg", &f->d, ROLE_EKSTERN);
	add_user(db, "fremmed", "Signe Økjær", &f->other, ROLE_RAADGIVER);
	add_user(db, "ingen", "Uden Rolle", NULL, ROLE_NONE);
	for (int i = 0; i < 6; i++) {
		f->c[i] = qinsert(db,
		                  "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen) VALUES (%lld, 'S-%d',"
		                  " 'Bo Bech', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
		                  (long long)f->d.id, i);
	}
	if (catalogue_store_json(db, main_catalogue, "udgivet", "lokal", &id, err, sizeof err) != 0 ||
	    catalogue_store_json(db, theme_catalogue, "udgivet", "lokal", &id, err, sizeof err) != 0)
		fail_msg("catalogue: %s", err);

	/* Created out of date order: "next" must come from the dates. */
	f->rnew = new_round(f, &f->d, "uddybende", "2025-09-01");
	f->rold = new_round(f, &f->d, "uddybende", "2025-03-01");
	f->rlater = new_round(f, &f->d, "uddybende", "2026-03-01");
	f->rempty = new_round(f, &f->d, "uddybende", "2025-06-01"); /* no answers */
	f->rover = new_round(f, &f->d, "overordnet", "2025-05-01"); /* another kind */
	f->rother = new_round(f, &f->other, "uddybende", "2025-04-01");

	ANSWERS(f, f->rold, "Q-1", "ja", "nej", "nej", "nej", "delvist", "ikke_relevant"); /* 1 of 5 */
	ANSWERS(f, f->rold, "X-1", "ja", "ja", "nej", "nej", "nej", "nej");                /* 2 of 6 */
	ANSWERS(f, f->rold, "X-2", "ja", "nej", "delvist", NULL, NULL, NULL);              /* 1 of 3 */
	ANSWERS(f, f->rover, "Q-1", "nej", "nej", "nej", "nej", "nej", "nej");
	ANSWERS(f, f->rnew, "Q-1", "ja", "ja", "ja", "ja", "ja", "nej");                   /* 5 of 6 */
	ANSWERS(f, f->rnew, "X-1", "ja", "ja", "ja", "ja", "nej", "ikke_relevant");        /* 4 of 5 */
	ANSWERS(f, f->rnew, "X-2", "ikke_relevant", "ikke_relevant", NULL, NULL, NULL, NULL); /* none */
	ANSWERS(f, f->rlater, "Q-1", "ja", "ja", "ja", "nej", "nej", "nej");               /* 3 of 6 */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fx *f = *state;
	testdb_free(f->t);
	free(f);
	return 0;
}

static void overdue_rule(void **state)
{
	(void)state;
	const char *today = "2026-11-24";
	assert_true(action_overdue("2026-11-23", "planlagt", today));
	assert_true(action_overdue("2026-11-23", "i_gang", today));
	assert_true(action_overdue("2020-01-01", "i_gang", today));
	assert_false(action_overdue("2026-11-24", "i_gang", today)); /* due today is not yet overdue */
	assert_false(action_overdue("2026-12-01", "planlagt", today));
	assert_false(action_overdue("2026-11-23", "gennemfoert", today));
	assert_false(action_overdue("2026-11-23", "opgivet", today));
	assert_false(action_overdue("", "planlagt", today));
	assert_false(action_overdue(NULL, "planlagt", today));
	char now[11];
	date_today(now);
	assert_true(date_valid_iso(now));
}

static int64_t actions(Fx *f)
{
	return testdb_int(f->t->db, "SELECT count(*) FROM action_item") * 1000 +
	       testdb_int(f->t->db, "SELECT count(*) FROM action_target");
}

static int add(Fx *f, const ActionInput *in, int64_t *id, char *msg, size_t n)
{
	assert_int_equal(db_begin(f->t->db), DB_OK);
	int rc = action_add(f->t->db, &f->d, in, f->reviewer.id, id, msg, n);
	if (rc == 0)
		assert_int_equal(db_commit(f->t->db), DB_OK);
	else
		db_rollback(f->t->db);
	return rc;
}

static void refused_actions_store_nothing(void **state)
{
	Fx *f = *state;
	static const char *const good_q[] = {"Q-1"}, *const bad_q[] = {"Q-1", "Z-9"}, *const theme_q[] = {"X-1"};
	static const char *const good_t[] = {"tema-x"}, *const bad_t[] = {"t-kat"};
	static const struct {
		ActionInput in;
		const char *starts;
	} bad[] = {
		{{.title = "", .owner_login = "anne", .due = "2027-01-01"}, "Titel: "},
		{{.title = "Plan 010203-1234", .owner_login = "anne", .due = "2027-01-01"}, "Titel: teksten ligner et CPR-nummer"},
		{{.title = "Plan", .description = "Barn 0102031234", .owner_login = "anne", .due = "2027-01-01"},
		 "Beskrivelse: teksten ligner et CPR-nummer"},
		{{.title = "Plan", .owner_login = "", .due = "2027-01-01"}, "Ansvarlig: "},
		{{.title = "Plan", .owner_login = "fremmed", .due = "2027-01-01"}, "Ansvarlig: brugeren »fremmed« har ingen rolle"},
		{{.title = "Plan", .owner_login = "ingen", .due = "2027-01-01"}, "Ansvarlig: "},
		{{.title = "Plan", .owner_login = "konsulent", .due = "2027-01-01"}, "Ansvarlig: en ekstern konsulent"},
		{{.title = "Plan", .owner_login = "anne", .due = "2027-02-30"}, "Frist: "},
		{{.title = "Plan", .owner_login = "anne", .due = NULL}, "Frist: "},
		{{.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .status = "færdig"}, "Status: "},
		{{.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .questions = bad_q, .nquestions = 2},
		 "Spørgsmål: koden »Z-9« findes ikke i noget spørgekatalog."},
		{{.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .themes = bad_t, .nthemes = 1},
		 "Temaer: »t-kat« er ikke et temakatalog."},
	};
	int64_t before = actions(f), id;
	char msg[512];
	for (size_t i = 0; i < COUNT(bad); i++) {
		assert_int_equal(add(f, &bad[i].in, &id, msg, sizeof msg), -1);
		if (strncmp(msg, bad[i].starts, strlen(bad[i].starts)) != 0)
			fail_msg("case %zu: \"%s\" does not begin with \"%s\"", i, msg, bad[i].starts);
	}
	/* A round of another department; a question not in the round's catalogues. */
	ActionInput in = {.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .round_id = f->rother};
	assert_int_equal(add(f, &in, &id, msg, sizeof msg), -1);
	assert_string_equal(msg, "Tilsyn: tilsynet findes ikke i afdelingen.");
	qexec(f->t->db, "DELETE FROM round_catalogue WHERE round_id = %lld AND position = 1", (long long)f->rempty);
	in = (ActionInput){.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .round_id = f->rempty,
	                   .questions = theme_q, .nquestions = 1};
	assert_int_equal(add(f, &in, &id, msg, sizeof msg), -1);
	assert_string_equal(msg, "Spørgsmål: koden »X-1« findes ikke i tilsynets spørgekataloger.");
	assert_int_equal(actions(f), before);

	in = (ActionInput){.title = "Plan", .owner_login = "anne", .due = "2027-01-01", .round_id = f->rold,
	                   .questions = good_q, .nquestions = 1, .themes = good_t, .nthemes = 1};
	assert_int_equal(add(f, &in, &id, msg, sizeof msg), 0);
	assert_int_equal(actions(f), before + 1002);
	ActionItem a;
	assert_true(action_by_id(f->t->db, id, &a));
	assert_string_equal(a.status, "planlagt");
	assert_string_equal(a.owner_login, "anne");
	assert_string_equal(a.owner_name, "Anne Bækgaard");
	assert_int_equal(a.round_id, f->rold);
	/* Only the status; an unknown one is refused. */
	assert_int_equal(action_set_status(f->t->db, id, "i_gang", 0, msg, sizeof msg), 0);
	assert_int_equal(action_set_status(f->t->db, id, "slut", 0, msg, sizeof msg), -1);
	assert_true(action_by_id(f->t->db, id, &a));
	assert_string_equal(a.status, "i_gang");
	/* An update replaces the targets. */
	in.themes = NULL;
	in.nthemes = 0;
	in.status = "gennemfoert";
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(action_update(f->t->db, &f->d, id, &in, 0, msg, sizeof msg), 0);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	assert_int_equal(actions(f), before + 1001);
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(action_update(f->t->db, &f->other, id, &in, 0, msg, sizeof msg), -1);
	db_rollback(f->t->db);
}

static void next_comparable_round(void **state)
{
	Fx *f = *state;
	Round r;
	assert_true(round_by_id(f->t->db, f->rold, &r));
	assert_int_equal(action_next_round(f->t->db, &r), f->rnew); /* not rempty (no answers), not rover (kind) */
	assert_true(round_by_id(f->t->db, f->rnew, &r));
	assert_int_equal(action_next_round(f->t->db, &r), f->rlater);
	assert_true(round_by_id(f->t->db, f->rlater, &r));
	assert_int_equal(action_next_round(f->t->db, &r), 0);
	/* A round without answers has nothing to compare with: rnew compares with rold. */
	assert_true(round_by_id(f->t->db, f->rempty, &r));
	assert_int_equal(action_next_round(f->t->db, &r), 0);
	assert_true(round_by_id(f->t->db, f->rover, &r));
	assert_int_equal(action_next_round(f->t->db, &r), 0);
}

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-12)
		fail_msg("got %.15f, want %.15f", got, want);
}

static void assert_change(const ActionChange *c, int64_t by, int64_t bb, int64_t ay, int64_t ab)
{
	assert_true(c->has_before);
	assert_true(c->has_after);
	assert_int_equal(c->before_yes, by);
	assert_int_equal(c->before_base, bb);
	assert_int_equal(c->after_yes, ay);
	assert_int_equal(c->after_base, ab);
	near(c->before, (double)by / (double)bb);
	near(c->after, (double)ay / (double)ab);
	double d, lo, hi, wl, wh;
	stats_newcombe(ay, ab, by, bb, &d, &lo, &hi);
	near(c->diff, d);
	near(c->diff, (double)ay / (double)ab - (double)by / (double)bb);
	near(c->diff_low, lo);
	near(c->diff_high, hi);
	assert_string_equal(c->verdict, stats_verdict(lo, hi));
	stats_wilson(by, bb, &wl, &wh);
	near(c->before_low, wl);
	near(c->before_high, wh);
	stats_wilson(ay, ab, &wl, &wh);
	near(c->after_low, wl);
	near(c->after_high, wh);
}

static const ActionChange *target(const ActionFollowUp *fu, const char *code)
{
	for (int i = 0; i < fu->ntargets; i++)
		if (str_eq(fu->targets[i].code, code))
			return &fu->targets[i];
	fail_msg("no target %s", code);
	return NULL;
}

static int64_t action_with(Fx *f, int64_t round_id, const char *const *questions, int nq, const char *const *themes,
                           int nt)
{
	ActionInput in = {.title = "Tiltag", .owner_login = "anne", .due = "2027-01-01", .round_id = round_id,
	                  .questions = questions, .nquestions = nq, .themes = themes, .nthemes = nt};
	int64_t id;
	char msg[512];
	if (add(f, &in, &id, msg, sizeof msg) != 0)
		fail_msg("action_add: %s", msg);
	return id;
}

static void follow_up_against_known_counts(void **state)
{
	Fx *f = *state;
	static const char *const qs[] = {"Q-1", "Q-2"}, *const ts[] = {"tema-x"};
	ActionItem a;
	ActionFollowUp fu;

	/* From the old round: the next is the new one. */
	assert_true(action_by_id(f->t->db, action_with(f, f->rold, qs, 2, ts, 1), &a));
	assert_int_equal(action_follow_up(f->t->db, &a, &fu), 3);
	assert_int_equal(fu.from_round, f->rold);
	assert_int_equal(fu.next_round, f->rnew);
	const ActionChange *c = target(&fu, "Q-1");
	assert_string_equal(c->kind, "question");
	assert_string_equal(c->text, "Er sagen oplyst?");
	assert_int_equal(c->nquestions, 1);
	assert_change(c, 1, 5, 5, 6);
	assert_string_equal(c->verdict, "improved");
	/* Q-2 has no answers in either round. */
	c = target(&fu, "Q-2");
	assert_false(c->has_before);
	assert_false(c->has_after);
	assert_null(c->verdict);
	/* The theme pools only X-1: X-2 has no ja/delvist/nej in the new round. */
	c = target(&fu, "tema-x");
	assert_string_equal(c->kind, "theme");
	assert_string_equal(c->text, "Tema X");
	assert_int_equal(c->nquestions, 1);
	assert_change(c, 2, 6, 4, 5);
	/* Questions first, then themes. */
	assert_string_equal(fu.targets[2].kind, "theme");
	action_follow_up_free(&fu);

	/* From the new round: the later round measured Q-1 again but not the theme. */
	assert_true(action_by_id(f->t->db, action_with(f, f->rnew, qs, 1, ts, 1), &a));
	action_follow_up(f->t->db, &a, &fu);
	assert_int_equal(fu.next_round, f->rlater);
	assert_change(target(&fu, "Q-1"), 5, 6, 3, 6);
	c = target(&fu, "tema-x");
	assert_true(c->has_before);
	assert_false(c->has_after);
	assert_int_equal(c->before_yes, 4); /* X-1 4 of 5; X-2 has none */
	assert_int_equal(c->before_base, 5);
	assert_int_equal(c->nquestions, 2);
	action_follow_up_free(&fu);

	/* From the old round, before any later one: the theme pools both its questions. */
	qexec(f->t->db, "DELETE FROM answer WHERE round_id IN (%lld, %lld)", (long long)f->rnew, (long long)f->rlater);
	assert_true(action_by_id(f->t->db, action_with(f, f->rold, qs, 1, ts, 1), &a));
	action_follow_up(f->t->db, &a, &fu);
	assert_int_equal(fu.next_round, 0);
	assert_string_equal(fu.next_title, "");
	c = target(&fu, "tema-x");
	assert_int_equal(c->before_yes, 3);
	assert_int_equal(c->before_base, 9);
	assert_int_equal(c->nquestions, 2);
	assert_false(c->has_after);
	c = target(&fu, "Q-1");
	assert_int_equal(c->before_yes, 1);
	assert_int_equal(c->before_base, 5);
	assert_false(c->has_after);
	action_follow_up_free(&fu);

	/* Without a round: the targets and their wording, no figures. */
	assert_true(action_by_id(f->t->db, action_with(f, 0, qs, 1, NULL, 0), &a));
	assert_int_equal(action_follow_up(f->t->db, &a, &fu), 1);
	assert_int_equal(fu.from_round, 0);
	assert_string_equal(fu.targets[0].text, "Er sagen oplyst?");
	assert_false(fu.targets[0].has_before);
	action_follow_up_free(&fu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overdue_rule),
		cmocka_unit_test_setup_teardown(refused_actions_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(next_comparable_round, setup, teardown),
		cmocka_unit_test_setup_teardown(follow_up_against_known_counts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
