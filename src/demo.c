/*
** The demo municipality: a children's and an adults' disability department with people in
** every role, so that a newcomer can log in and see tilsyn working. Everything is
** synthetic; no name, number or case belongs to a real person. Later features add
** their own demo data here.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *name, *area;
} demo_departments[] = {
	{"BHS", "Børn og unge med handicap", "barn"},
	{"VHS", "Voksenhandicap", "voksen"},
};

static const struct {
	const char *login, *name, *department, *role;
} demo_users[] = {
	{"admin", "Systemadministrator", NULL, "admin"},
	{"leder.barn", "Karen Holm", "BHS", "leder"},
	{"koordinator.barn", "Mette Juhl", "BHS", "koordinator"},
	{"anne", "Anne Bækgaard", "BHS", "raadgiver"},
	{"morten", "Morten Løvstad", "BHS", "raadgiver"},
	{"louise", "Louise Krag", "BHS", "raadgiver"},
	{"henrik", "Henrik Østerby", "BHS", "raadgiver"},
	{"leder.voksen", "Jens Ravn", "VHS", "leder"},
	{"koordinator.voksen", "Birgitte Lund", "VHS", "koordinator"},
	{"signe", "Signe Økjær", "VHS", "raadgiver"},
	{"peter", "Peter Dahl", "VHS", "raadgiver"},
	{"sofie", "Sofie Brandt", "VHS", "raadgiver"},
	{"ahmad", "Ahmad Nasser", "VHS", "raadgiver"},
	{"ekstern", "Camilla Berg (konsulent)", "VHS", "ekstern"},
};

/* A small deterministic generator, so every demo database is the same. */
static uint32_t demo_next(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
** Case lists shaped like a real export: a CSV with the usual Danish headers, imported
** through the same path as a user's file. Caseloads differ between caseworkers, as
** they do in practice.
*/
static int demo_cases(sqlite3 *db, const char *code, const char *const *advisors, int nadvisors,
                      const char *const *provisions, int nprovisions, const char *target, uint32_t seed,
                      const char **msg)
{
	Department d;
	department_by_code(db, code, &d);
	Buf csv;
	buf_init(&csv, 0);
	buf_puts(&csv, "Sagsnummer;Rådgiver;Målgruppe;Paragraf;Ydelse;Oprettet;Seneste afgørelse;Team\n");
	static const char *const benefits[] = {"Bevilling", "Afslag", "Delvis bevilling", "Ændring", "Genberegning"};
	for (int a = 0; a < nadvisors; a++) {
		int caseload = 24 + (int)(demo_next(&seed) % 22);
		for (int i = 0; i < caseload; i++) {
			uint32_t n = demo_next(&seed);
			int year = 2021 + (int)(n % 5), month = 1 + (int)((n >> 4) % 12), day = 1 + (int)((n >> 9) % 28);
			int lag = 20 + (int)((n >> 14) % 200);
			int dmonth = month + lag / 30, dyear = year;
			while (dmonth > 12)
				dmonth -= 12, dyear++;
			buf_printf(&csv, "27.%02d.%02d-G01-%u-%02d;%s;%s;%s;%s;%02d-%02d-%04d;%02d.%02d.%04d;Team %c\n",
			           10 + (int)(n % 20), (int)((n >> 3) % 40), 100 + (unsigned)(demo_next(&seed) % 9000), year % 100,
			           advisors[a], target, provisions[demo_next(&seed) % (uint32_t)nprovisions],
			           benefits[demo_next(&seed) % COUNT(benefits)], day, month, year, 1 + (day % 27), dmonth, dyear,
			           'A' + a % 2);
		}
	}
	ImportOptions o = {.file_name = "demo-sagsliste.csv", .login = "demo"};
	ImportResult *r = xcalloc(1, sizeof *r);
	int rc = cases_import_mem(db, &d, csv.data, csv.len, "demo-sagsliste.csv", &o, r);
	if (rc != IMPORT_STORED)
		*msg = _("Demosagslisten kunne ikke indlæses.");
	free(r);
	buf_free(&csv);
	return rc == IMPORT_STORED ? 0 : -1;
}

/* One planned round per department with its sample drawn from a fixed seed. */
static int demo_round(sqlite3 *db, const char *code, const char *title, const char *seed, const char **msg)
{
	Department d;
	department_by_code(db, code, &d);
	int64_t id;
	Round r;
	SampleRequest req = {.size = RECOMMENDED_OVERORDNET, .seed_hex = seed, .exclude_months = 12};
	int64_t drawn;
	if (db_begin(db) != SQLITE_OK)
		return -1;
	if (round_create(db, &d, "overordnet", title, NULL, NULL, 0, "2026-03-02", "2026-04-24", "demo", &id, msg) != 0 ||
	    !round_by_id(db, id, &r) || sample_draw(db, &r, &req, "demo", &drawn, msg) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == SQLITE_OK ? 0 : -1;
}

/* One answer as a reviewer might give it: ja with the given likelihood, else mostly
** delvist or nej. */
static const char *demo_value(const char *scale, const char *choices_json, int ja_percent, uint32_t *seed)
{
	int n = (int)(demo_next(seed) % 100);
	int rest = 100 - ja_percent;
	if (str_eq(scale, "jn"))
		return n < ja_percent + rest / 2 ? "ja" : n < 96 ? "nej" : "ikke_relevant";
	if (str_eq(scale, "choice")) {
		/* The first choices of the gate questions are the common outcomes. */
		static char choice[200];
		json_t *a = json_loads(choices_json ? choices_json : "[]", 0, NULL);
		size_t size = json_array_size(a);
		snprintf(choice, sizeof choice, "%s",
		         size ? json_string_value(json_array_get(a, (size_t)n % (size < 3 ? size : 3))) : "");
		json_decref(a);
		return choice;
	}
	return n < ja_percent ? "ja" : n < ja_percent + rest * 47 / 100 ? "delvist" : n < 96 ? "nej" : "ikke_relevant";
}

static int demo_round_create(sqlite3 *db, const char *code, const char *kind, const char *title,
                             const char *const *themes, int nthemes, const char *start, const char *end,
                             int64_t size, int64_t exclude_months, const char *seed, Round *r, const char **msg)
{
	Department d;
	department_by_code(db, code, &d);
	SampleRequest req = {.size = size, .exclude_months = exclude_months, .seed_hex = seed};
	int64_t id, drawn;
	if (db_begin(db) != SQLITE_OK)
		return -1;
	if (round_create(db, &d, kind, title, NULL, themes, nthemes, start, end, "demo", &id, msg) != 0 ||
	    !round_by_id(db, id, r) || sample_draw(db, r, &req, "demo", &drawn, msg) != 0 || db_commit(db) != SQLITE_OK) {
		db_rollback(db);
		return -1;
	}
	round_by_id(db, id, r);
	return 0;
}

/*
** Spreads a round's sample over the department's reviewers and answers the first
** `answered` cases as reviewers would, finishing them; with `partial_every` k, every k-th
** of those is left in progress. `ja_percent` sets how well the department does.
*/
static int demo_review_round(sqlite3 *db, const Round *r, int answered, int partial_every, int ja_percent,
                             uint32_t seed, const char **msg)
{
	static char err[300];
	ReviewBy by = {.login = "demo"};
	int64_t reviewers[16], assigned, left, cases[64];
	int nreviewers = review_default_reviewers(db, r->department_id, reviewers, 16), ncases = 0;
	if (db_begin(db) != SQLITE_OK)
		return -1;
	if (review_assign_auto(db, r, reviewers, nreviewers, &by, &assigned, &left, err, sizeof err) != 0)
		goto fail;
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 AND status = 'udtrukket' ORDER BY sample_key");
	db_bind_int(&q, 1, r->id);
	while (db_step(&q) && ncases < (int)COUNT(cases))
		cases[ncases++] = db_col_int(&q, 0);
	db_finalize(&q);
	for (int c = 0; c < ncases && c < answered; c++) {
		User reviewer = {0};
		db_prepare(&q, db, "SELECT reviewer_id FROM round_case WHERE round_id = ?1 AND case_id = ?2");
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, cases[c]);
		int64_t reviewer_id = db_step(&q) ? db_col_int(&q, 0) : 0;
		db_finalize(&q);
		if (!reviewer_id || !user_by_id(db, reviewer_id, &reviewer))
			continue;
		int partial = partial_every && c % partial_every == partial_every - 1;
		db_prepare(&q, db,
		           "SELECT q.id, q.scale, q.choices FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
		           " WHERE rc.round_id = ?1 AND q.scale <> 'text' ORDER BY rc.position, q.position");
		db_bind_int(&q, 1, r->id);
		int k = 0;
		while (db_step(&q)) {
			if (partial && k++ > 8)
				break;
			const char *value =
				demo_value(db_col_text(&q, 1), db_col_is_null(&q, 2) ? NULL : db_col_text(&q, 2), ja_percent, &seed);
			AnswerInput in = {.value = value, .seen_revision = -1};
			in.material = (str_eq(value, "nej") || str_eq(value, "delvist")) && demo_next(&seed) % 3 == 0;
			in.comment = str_eq(value, "nej") ? "Se notat i sagen; drøftes på stop-op-mødet." : "";
			AnswerState state;
			if (answer_save(db, r->id, cases[c], db_col_int(&q, 0), &in, &reviewer, &state, msg) == ANSWER_INVALID) {
				db_finalize(&q);
				goto fail_msg;
			}
		}
		db_finalize(&q);
		int missing;
		if (!partial && review_finish(db, r, cases[c], &by, &missing, err, sizeof err) != 0)
			goto fail;
	}
	return db_commit(db) == SQLITE_OK ? 0 : -1;
fail:
	*msg = err;
fail_msg:
	db_rollback(db);
	return -1;
}

/*
** An uddybende round in the children's department half-way through its review: half the
** cases answered (most finished, a few in progress), one acute concern, and one case the
** caseworker agreed may be used as an example, both recorded by the coordinator.
*/
static int demo_review_in_progress(sqlite3 *db, const char **msg)
{
	static const char *const themes[] = {"sagsoplysning", "afgoerelse-og-begrundelse"};
	Round r;
	if (demo_round_create(db, "BHS", "uddybende", "Uddybende tilsyn: sagsoplysning og begrundelse", themes, 2,
	                      "2026-09-07", "2026-10-30", RECOMMENDED_UDDYBENDE, 12,
	                      "5eed000000000000000000000000000000000000000000000000000000002028", &r, msg) != 0 ||
	    demo_review_round(db, &r, RECOMMENDED_UDDYBENDE / 2, 5, 66, 4711, msg) != 0)
		return -1;
	static char err[300];
	ReviewBy by = {.login = "koordinator.barn"};
	User coordinator;
	if (user_by_login(db, "koordinator.barn", &coordinator))
		by.user_id = coordinator.id;
	int64_t cases[3];
	int n = 0;
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 ORDER BY sample_key LIMIT 3");
	db_bind_int(&q, 1, r.id);
	while (db_step(&q))
		cases[n++] = db_col_int(&q, 0);
	db_finalize(&q);
	if (n < 3 || db_begin(db) != SQLITE_OK)
		return -1;
	if (review_set_acute(db, &r, cases[1], 1, "Afgørelsen om merudgifter bygger på en forkert paragraf og bør rettes nu.",
	                     &by, err, sizeof err) != 0 ||
	    review_set_consent(db, &r, cases[2], 1, &by, err, sizeof err) != 0) {
		db_rollback(db);
		*msg = err;
		return -1;
	}
	return db_commit(db) == SQLITE_OK ? 0 : -1;
}

/*
** Two finished overordnet rounds of the children's department from 2025, the later one
** better, so that comparisons and trends have something to show. They were sampled back
** then, so their cases do not count as recently reviewed today.
*/
static int demo_history(sqlite3 *db, const char **msg)
{
	static const struct {
		const char *title, *start, *end, *seed;
		int ja_percent;
	} past[] = {
		{"Overordnet ledelsestilsyn forår 2025", "2025-03-03", "2025-04-25",
		 "5eed000000000000000000000000000000000000000000000000000000002025", 55},
		{"Overordnet ledelsestilsyn efterår 2025", "2025-09-01", "2025-10-24",
		 "5eed000000000000000000000000000000000000000000000000000000002125", 76},
	};
	for (size_t i = 0; i < COUNT(past); i++) {
		Round r;
		if (demo_round_create(db, "BHS", "overordnet", past[i].title, NULL, 0, past[i].start, past[i].end,
		                      RECOMMENDED_OVERORDNET, 0, past[i].seed, &r, msg) != 0 ||
		    demo_review_round(db, &r, RECOMMENDED_OVERORDNET, 0, past[i].ja_percent, 2025u + (uint32_t)i, msg) != 0)
			return -1;
		Stmt q;
		db_prepare(&q, db,
		           "UPDATE round SET phase = 'afsluttet', created_at = ?2 || 'T08:00:00Z', sampled_at = ?2 || 'T09:00:00Z',"
		           " review_started_at = ?2 || 'T10:00:00Z' WHERE id = ?1");
		db_bind_int(&q, 1, r.id);
		db_bind_text(&q, 2, past[i].start);
		int rc = db_done(&q);
		db_finalize(&q);
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}

int demo_fill(sqlite3 *db, const char **msg)
{
	Stmt q;
	db_prepare(&q, db, "SELECT (SELECT count(*) FROM department) + (SELECT count(*) FROM users)");
	int64_t rows = db_step(&q) ? db_col_int(&q, 0) : -1;
	db_finalize(&q);
	if (rows != 0) {
		*msg = _("Databasen er ikke tom. Demodata lægges kun i en tom database (brug en ny fil med --db).");
		return -1;
	}
	if (db_begin(db) != SQLITE_OK) {
		*msg = _("Databasen er optaget af et andet program.");
		return -1;
	}
	for (size_t i = 0; i < COUNT(demo_departments); i++)
		if (department_add(db, demo_departments[i].code, demo_departments[i].name, demo_departments[i].area, NULL,
		                   msg) != 0)
			goto fail;
	/* Every demo user has the same password (DEMO_PASSWORD), which `make run` prints. */
	for (size_t i = 0; i < COUNT(demo_users); i++) {
		int64_t id;
		Role role = role_parse(demo_users[i].role);
		if (user_add(db, demo_users[i].login, demo_users[i].name, role == ROLE_ADMIN, DEMO_PASSWORD, 0, &id, msg) != 0)
			goto fail;
		if (demo_users[i].department) {
			Department d;
			department_by_code(db, demo_users[i].department, &d);
			if (user_set_role(db, id, d.id, role, msg) != 0)
				goto fail;
		}
	}
	audit_log(db, &(AuditEntry){.action = "demo", .detail = "demodata oprettet"});
	if (db_commit(db) != SQLITE_OK) {
		*msg = _("Demodata kunne ikke gemmes.");
		return -1;
	}
	static const char *const children_advisors[] = {"Anne Bækgaard", "Morten Løvstad", "Louise Krag", "Henrik Østerby"};
	static const char *const children_provisions[] = {"BL § 86", "BL § 87", "BL § 88", "BL § 89", "BL § 32", "BL § 90"};
	static const char *const adult_advisors[] = {"Signe Økjær", "Peter Dahl", "Sofie Brandt", "Ahmad Nasser"};
	static const char *const adult_provisions[] = {"SEL § 85", "SEL § 97", "SEL § 100", "SEL § 108", "SEL § 95",
	                                               "SEL § 96", "SEL § 83", "SEL § 107"};
	if (demo_cases(db, "BHS", children_advisors, 4, children_provisions, 6, "barn", 20260101u, msg) != 0 ||
	    demo_cases(db, "VHS", adult_advisors, 4, adult_provisions, 8, "voksen", 20260202u, msg) != 0 ||
	    demo_round(db, "BHS", "Overordnet ledelsestilsyn forår 2026",
	               "5eed000000000000000000000000000000000000000000000000000000002026", msg) != 0 ||
	    demo_round(db, "VHS", "Overordnet ledelsestilsyn forår 2026",
	               "5eed000000000000000000000000000000000000000000000000000000002027", msg) != 0 ||
	    demo_review_in_progress(db, msg) != 0 || demo_history(db, msg) != 0)
		return -1;
	return 0;
fail:
	db_rollback(db);
	return -1;
}
