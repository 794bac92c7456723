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
static int demo_cases(Db *db, const char *code, const char *const *advisors, int nadvisors,
                      const char *const *provisions, int nprovisions, const char *target, uint32_t seed,
                      char *msg, size_t msgn)
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
	/* Imported by the department's leder, so the sampling protocols name a person: first in
	** February 2025 (the list the 2025 rounds were drawn from, see demo_history), then again
	** now, a later export of the same list that replaces it (nothing drops off). */
	ImportOptions o = {.file_name = "demo-sagsliste-2025.csv", .login = str_eq(code, "BHS") ? "leder.barn" : "leder.voksen"};
	ImportResult *r = xcalloc(1, sizeof *r);
	int rc = cases_import_mem(db, &d, csv.data, csv.len, o.file_name, &o, r);
	if (rc == IMPORT_STORED) {
		Stmt q;
		db_prepare(&q, db, "UPDATE case_import SET at = '2025-02-24T08:30:00Z' WHERE id = ?1");
		db_bind_int(&q, 1, r->import_id);
		db_done(&q);
		db_finalize(&q);
		o.file_name = "demo-sagsliste.csv";
		rc = cases_import_mem(db, &d, csv.data, csv.len, o.file_name, &o, r);
	}
	if (rc != IMPORT_STORED)
		msg_fail(msg, msgn, "%s", _("Demosagslisten kunne ikke indlæses."));
	free(r);
	buf_free(&csv);
	return rc == IMPORT_STORED ? 0 : -1;
}

/* One planned round per department with its sample drawn from a fixed seed. */
static int demo_round(Db *db, const char *code, const char *title, const char *seed, char *msg, size_t msgn)
{
	Department d;
	department_by_code(db, code, &d);
	int64_t id;
	Round r;
	SampleRequest req = {.size = RECOMMENDED_OVERORDNET, .seed_hex = seed, .exclude_months = 12};
	int64_t drawn;
	if (db_begin(db) != DB_OK)
		return -1;
	if (round_create(db, &d, "overordnet", title, NULL, NULL, 0, "2026-03-02", "2026-04-24", "demo", &id, msg, msgn) != 0 ||
	    !round_by_id(db, id, &r) || sample_draw(db, &r, &req, "demo", &drawn, msg, msgn) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
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

static int demo_round_create(Db *db, const char *code, const char *kind, const char *title,
                             const char *const *themes, int nthemes, const char *start, const char *end,
                             int64_t size, int64_t exclude_months, const char *seed, Round *r, char *msg, size_t msgn)
{
	Department d;
	department_by_code(db, code, &d);
	SampleRequest req = {.size = size, .exclude_months = exclude_months, .seed_hex = seed};
	int64_t id, drawn;
	if (db_begin(db) != DB_OK)
		return -1;
	if (round_create(db, &d, kind, title, NULL, themes, nthemes, start, end, "demo", &id, msg, msgn) != 0 ||
	    !round_by_id(db, id, r) || sample_draw(db, r, &req, "demo", &drawn, msg, msgn) != 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	round_by_id(db, id, r);
	return 0;
}

/* The first (at most max) sampled cases of a round, in the order of their keys. */
static int demo_sampled_cases(Db *db, int64_t round_id, int64_t *cases, int max)
{
	int n = 0;
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 AND status = 'udtrukket' ORDER BY sample_key");
	db_bind_int(&q, 1, round_id);
	while (n < max && db_step(&q))
		cases[n++] = db_col_int(&q, 0);
	db_finalize(&q);
	return n;
}

/* Answers a case's questions as reviewer would: the first `limit` (-1: all); a "nej" gets
** the comment no_comment, and with material a "nej" or "delvist" is of material significance
** one time in three. Returns 0, or -1 with answer_save's message. */
static int demo_answer_case(Db *db, int64_t round_id, int64_t case_id, const User *reviewer, int ja_percent,
                            uint32_t *seed, int limit, int material, const char *no_comment, char *msg, size_t msgn)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT q.id, q.scale, q.choices FROM question q JOIN round_catalogue rc ON rc.catalogue_id = q.catalogue_id"
	           " WHERE rc.round_id = ?1 AND q.scale <> 'text' ORDER BY rc.position, q.position");
	db_bind_int(&q, 1, round_id);
	int rc = 0;
	for (int k = 0; rc == 0 && (limit < 0 || k < limit) && db_step(&q); k++) {
		const char *value =
			demo_value(db_col_text(&q, 1), db_col_is_null(&q, 2) ? NULL : db_col_text(&q, 2), ja_percent, seed);
		AnswerInput in = {.value = value, .seen_revision = -1};
		in.material = material && (str_eq(value, "nej") || str_eq(value, "delvist")) && demo_next(seed) % 3 == 0;
		in.comment = str_eq(value, "nej") ? no_comment : "";
		AnswerState state;
		if (answer_save(db, round_id, case_id, db_col_int(&q, 0), &in, reviewer, &state, msg, msgn) != ANSWER_SAVED)
			rc = -1;
	}
	db_finalize(&q);
	return rc;
}

/*
** Spreads a round's sample over the department's reviewers and answers the first
** `answered` cases as reviewers would, finishing them; with `partial_every` k, every k-th
** of those is left in progress. `ja_percent` sets how well the department does.
*/
static int demo_review_round(Db *db, const Round *r, int answered, int partial_every, int ja_percent,
                             uint32_t seed, char *msg, size_t msgn)
{
	static char err[300];
	ReviewBy by = {.login = "demo"};
	int64_t reviewers[16], assigned, left, cases[64];
	int nreviewers = review_default_reviewers(db, r->department_id, reviewers, 16), ncases = 0;
	if (db_begin(db) != DB_OK)
		return -1;
	if (review_assign_auto(db, r, reviewers, nreviewers, &by, &assigned, &left, err, sizeof err) != 0)
		goto fail;
	Stmt q;
	ncases = demo_sampled_cases(db, r->id, cases, (int)COUNT(cases));
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
		if (demo_answer_case(db, r->id, cases[c], &reviewer, ja_percent, &seed, partial ? 9 : -1, 1,
		                     "Se notat i sagen; drøftes på stop-op-mødet.", msg, msgn) != 0)
			goto fail_msg;
		int missing;
		if (!partial && review_finish(db, r, cases[c], &by, &missing, err, sizeof err) != 0)
			goto fail;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
fail:
	msg_fail(msg, msgn, "%s", err);
fail_msg:
	db_rollback(db);
	return -1;
}

/*
** An uddybende round in the children's department half-way through its review: half the
** cases answered (most finished, a few in progress), one acute concern, and one case the
** caseworker agreed may be used as an example, both recorded by the coordinator.
*/
static int demo_review_in_progress(Db *db, char *msg, size_t msgn)
{
	static const char *const themes[] = {"sagsoplysning", "afgoerelse-og-begrundelse"};
	Round r;
	if (demo_round_create(db, "BHS", "uddybende", "Uddybende tilsyn: sagsoplysning og begrundelse", themes, 2,
	                      "2026-09-07", "2026-10-30", RECOMMENDED_UDDYBENDE, 12,
	                      "5eed000000000000000000000000000000000000000000000000000000002028", &r, msg, msgn) != 0 ||
	    demo_review_round(db, &r, RECOMMENDED_UDDYBENDE / 2, 5, 66, 4711, msg, msgn) != 0)
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
	if (n < 3 || db_begin(db) != DB_OK)
		return -1;
	if (review_set_acute(db, &r, cases[1], 1, "Afgørelsen om merudgifter bygger på en forkert paragraf og bør rettes nu.",
	                     &by, err, sizeof err) != 0 ||
	    review_set_consent(db, &r, cases[2], 1, &by, err, sizeof err) != 0) {
		db_rollback(db);
		msg_fail(msg, msgn, "%s", err);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

/*
** Two finished overordnet rounds of the children's department from 2025, the later one
** better, so that comparisons and trends have something to show. They were sampled back
** then, so their cases do not count as recently reviewed today.
*/
static int demo_history(Db *db, char *msg, size_t msgn)
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
		                      RECOMMENDED_OVERORDNET, 0, past[i].seed, &r, msg, msgn) != 0 ||
		    demo_review_round(db, &r, RECOMMENDED_OVERORDNET, 0, past[i].ja_percent, 2025u + (uint32_t)i, msg, msgn) != 0)
			return -1;
		/* Finished last, once its case data is written: a finished round refuses writes
		** (round_writable). The demo dates it back by hand; its phase history follows in
		** demo_workgroups_and_phases. */
		Stmt q;
		/* Drawn back then from the list of February 2025, the department's first version. */
		char at[3][32];
		for (int h = 0; h < 3; h++)
			snprintf(at[h], sizeof at[h], "%.10sT%02d:00:00Z", past[i].start, 8 + h); /* created, sampled, started */
		db_prepare(&q, db,
		           "UPDATE round SET phase = 'afsluttet', created_at = ?2, sampled_at = ?3,"
		           " review_started_at = ?4, case_import_id = (SELECT min(i.id) FROM case_import i"
		           "  WHERE i.department_id = round.department_id) WHERE id = ?1");
		db_bind_int(&q, 1, r.id);
		for (int h = 0; h < 3; h++)
			db_bind_text(&q, 2 + h, at[h]);
		int rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

/*
** The working groups of both departments, the planning answers of every demo round, and
** the phase history of the two finished 2025 rounds (with the reason one of them moved on
** before every caseworker had had feedback). The history is dated back then.
*/
static int demo_workgroups_and_phases(Db *db, char *msg, size_t msgn)
{
	static const struct {
		const char *department, *login, *function;
	} members[] = {
		{"BHS", "leder.barn", "leder"},
		{"BHS", "koordinator.barn", "koordinator"},
		{"BHS", "anne", "raadgiver"},
		{"VHS", "leder.voksen", "leder"},
		{"VHS", "koordinator.voksen", "koordinator"},
		{"VHS", "signe", "raadgiver"},
		{"VHS", "peter", "raadgiver"},
	};
	static char err[300];
	ReviewBy by = {.login = "demo"};
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < COUNT(members); i++) {
		Department d;
		User u;
		if (!department_by_code(db, members[i].department, &d) || !user_by_login(db, members[i].login, &u))
			goto fail_db;
		if (workgroup_set(db, &d, u.id, members[i].function, &by, err, sizeof err) < 0)
			goto fail;
	}
	/* The planning answers, written by each department's koordinator when the round was made. */
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO round_plan (round_id, performers, planned_cases, selection, timing, gathering, stopop_meetings,"
	           " updated_at, updated_by)"
	           " SELECT r.id, CASE d.code WHEN 'BHS' THEN 'Mette Juhl (koordinator) og Anne Bækgaard gennemgår sagerne;"
	           " Karen Holm (leder) følger op på akutte sager.' ELSE 'Birgitte Lund (koordinator), Signe Økjær og Peter Dahl"
	           " gennemgår sagerne; Jens Ravn (leder) følger op på akutte sager.' END,"
	           " CASE r.kind WHEN 'uddybende' THEN 20 ELSE 30 END,"
	           " CASE r.kind WHEN 'uddybende' THEN 'Tilfældig stikprøve af sager med afgørelse inden for det seneste år,"
	           " set med de to temaers briller.' ELSE 'Tilfældig stikprøve af hele sagslisten; sager gennemgået de sidste"
	           " 12 måneder er udeladt.' END,"
	           " 'Gennemgang i de otte planlagte uger, med et stop-op-møde midtvejs.',"
	           " 'Svarene registreres direkte i tilsyn. Koordinatoren samler resultaterne til ledelsen og til"
	           " personalemødet, hvor de fremlægges uden sagsnumre og navne.', 1, r.created_at, u.id"
	           " FROM round r JOIN department d ON d.id = r.department_id"
	           " JOIN membership m ON m.department_id = d.id AND m.role = 'koordinator' JOIN users u ON u.id = m.user_id"
	           " ORDER BY r.id");
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		goto fail_db;
	/* The finished rounds went through every phase; days after the planned start. */
	static const struct {
		const char *from, *to;
		int day;
		const char *login, *reason;
	} steps[] = {
		{"planlaegning", "udvaelgelse", 0, "koordinator.barn", "automatisk"},
		{"udvaelgelse", "gennemgang", 0, "koordinator.barn", "automatisk"},
		{"gennemgang", "analyse", 35, "koordinator.barn", NULL},
		{"analyse", "tilbagemelding", 45, "leder.barn", NULL},
		{"tilbagemelding", "opfoelgning", 70, "leder.barn",
		 "To rådgivere er på kursus; de får deres individuelle tilbagemelding, når de er tilbage."},
		{"opfoelgning", "afsluttet", 120, "leder.barn", NULL},
	};
	db_prepare(&q, db, "SELECT id, planned_start FROM round WHERE phase = 'afsluttet' ORDER BY id");
	int64_t ids[2];
	char starts[2][11];
	int nrounds = 0;
	while (db_step(&q) && nrounds < 2) {
		ids[nrounds] = db_col_int(&q, 0);
		snprintf(starts[nrounds++], sizeof starts[0], "%s", db_col_text(&q, 1));
	}
	db_finalize(&q);
	for (int k = 0; k < nrounds; k++) {
		/* The automatic moves made today while the demo drew and answered give way to the
		** same moves dated back then. */
		db_prepare(&q, db, "DELETE FROM round_phase_change WHERE round_id = ?1 AND reason = 'automatisk'");
		db_bind_int(&q, 1, ids[k]);
		rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			goto fail_db;
		for (size_t i = 0; i < COUNT(steps); i++) {
			/* Only the first round left feedback for later; the second gave it all in time. */
			const char *reason = k == 0 || str_eq(steps[i].reason, "automatisk") ? steps[i].reason : NULL;
			/* steps[i].day days after the start, at 9, 10, ... o'clock UTC. */
			char day[11], at[32];
			if (!date_add_days(starts[k], steps[i].day, day))
				goto fail_db;
			snprintf(at, sizeof at, "%sT%02d:00:00Z", day, 9 + (int)i);
			db_prepare(&q, db,
			           "INSERT INTO round_phase_change (round_id, from_phase, to_phase, reason, at, by_id, by_name)"
			           " SELECT ?1, ?2, ?3, ?4, ?5, u.id, u.name FROM users u WHERE u.login = ?6");
			db_bind_int(&q, 1, ids[k]);
			db_bind_text(&q, 2, steps[i].from);
			db_bind_text(&q, 3, steps[i].to);
			db_bind_text(&q, 4, reason);
			db_bind_text(&q, 5, at);
			db_bind_text(&q, 6, steps[i].login);
			rc = db_done(&q);
			db_finalize(&q);
			if (rc != DB_OK)
				goto fail_db;
		}
		db_prepare(&q, db,
		           "UPDATE round SET finished_at = (SELECT max(at) FROM round_phase_change WHERE round_id = ?1) WHERE id = ?1");
		db_bind_int(&q, 1, ids[k]);
		rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			goto fail_db;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
fail_db:
	snprintf(err, sizeof err, "%s", _("Demoens arbejdsgrupper og faser kunne ikke gemmes."));
fail:
	msg_fail(msg, msgn, "%s", err);
	db_rollback(db);
	return -1;
}

/*
** An external review in the adults' department, under way: a consultancy (the user ekstern)
** reviews socialpædagogisk støtte (SEL § 85) and botilbud (SEL §§ 107 and 108). The
** expectation alignment is written, the sample drawn from those provisions, the consultant
** invited by the leder and given a few cases, the first of them reviewed.
*/
static int demo_external_review(Db *db, char *msg, size_t msgn)
{
	static const char *const expectation[EXPECTATION_FIELDS] = {
		"Om vores afgørelser om socialpædagogisk støtte efter § 85 og om botilbud efter §§ 107 og 108 bygger på en "
		"tilstrækkelig sagsoplysning, og om borgerens egne ønsker tydeligt indgår i vurderingen.",
		"Vi har fået flere afgørelser om § 85 omgjort i Ankestyrelsen og frygter, at begrundelserne er for "
		"standardprægede. Ved revisitation til botilbud bliver fristerne ofte overskredet.",
		"Ja. Siden 1. marts 2026 har vi brugt en ny skabelon til afgørelsesbreve og en fast procedure for "
		"partshøring. Vi vil gerne vide, om de bruges, og om de har løftet kvaliteten.",
		"Det overordnede ledelsestilsyn i foråret 2026 viste mangler i handleplanerne efter § 141. Resultaterne blev "
		"taget godt imod på personalemødet, men rådgiverne efterlyste konkrete eksempler på gode begrundelser.",
		"Fire rådgivere med mellem et og tolv års erfaring, heraf én nyuddannet. To er socialrådgivere, to har en "
		"pædagogisk baggrund. En faglig koordinator på 30 timer om ugen.",
		"Sagerne fordeles i to teams efter bopælsdistrikt. Visitationsudvalget mødes hver anden uge og træffer "
		"afgørelse om botilbud; § 85-sager afgøres af rådgiveren med sparring fra koordinatoren.",
		"SEL § 85 (socialpædagogisk støtte) og botilbud efter SEL §§ 107 og 108: forvaltningsretlige, "
		"retssikkerhedsmæssige og socialfaglige spørgsmål i afgørelser fra de seneste 18 måneder.",
	};
	static char err[300];
	Department d;
	User leder, consultant;
	if (!department_by_code(db, "VHS", &d) || !user_by_login(db, "leder.voksen", &leder) ||
	    !user_by_login(db, "ekstern", &consultant))
		return msg_fail(msg, msgn, "%s", _("Demoens eksterne tilsyn mangler sin afdeling eller sine brugere."));
	SampleRequest req = {.size = RECOMMENDED_UDDYBENDE, .exclude_months = 12,
	                     .seed_hex = "5eed000000000000000000000000000000000000000000000000000000002085",
	                     .filters = {.provisions = {"SEL § 85", "SEL § 107", "SEL § 108"}, .nprovisions = 3}};
	ReviewBy by = {.user_id = leder.id, .login = leder.login};
	ReviewBy by_consultant = {.user_id = consultant.id, .login = consultant.login};
	int64_t id, drawn, cases[4];
	int ncases = 0;
	Round r;
	if (db_begin(db) != DB_OK)
		return -1;
	if (round_create(db, &d, "ekstern", "Eksternt tilsyn 2026: § 85 og botilbud", NULL, NULL, 0, "2026-11-02",
	                 "2026-12-18", "demo", &id, msg, msgn) != 0 ||
	    !round_by_id(db, id, &r) || sample_draw(db, &r, &req, "demo", &drawn, msg, msgn) != 0)
		goto fail_msg;
	round_by_id(db, id, &r);
	if (external_invite(db, &r, consultant.id, &by, err, sizeof err) != 0 ||
	    expectation_save(db, &r, expectation, &by_consultant, err, sizeof err) != 0)
		goto fail;
	ncases = demo_sampled_cases(db, r.id, cases, (int)COUNT(cases));
	for (int i = 0; i < ncases; i++)
		if (review_assign(db, &r, cases[i], consultant.id, &by, err, sizeof err) != 0)
			goto fail;
	/* The consultant has reviewed the first case. */
	uint32_t seed = 85u;
	if (ncases && demo_answer_case(db, r.id, cases[0], &consultant, 60, &seed, -1, 0,
	                               "Begrundelsen nævner ikke, hvilke oplysninger afgørelsen bygger på.", msg, msgn) != 0)
		goto fail_msg;
	int missing;
	if (ncases && review_finish(db, &r, cases[0], &by_consultant, &missing, err, sizeof err) != 0)
		goto fail;
	return db_commit(db) == DB_OK ? 0 : -1;
fail:
	msg_fail(msg, msgn, "%s", err);
fail_msg:
	db_rollback(db);
	return -1;
}

/* The external review's meetings: the expectation alignment was agreed at one, and the two
** oral feedbacks (to management, to the staff) are planned. Made last, so that the meetings
** of the other demo rounds keep the numbers they had. */
static int demo_external_meetings(Db *db, char *msg, size_t msgn)
{
	static const MeetingInput meetings[] = {
		{.kind = "forventning", .date = "2026-10-27", .time = "10:00", .status = "afholdt",
		 .participants = "Jens Ravn, Birgitte Lund, Camilla Berg (konsulent)",
		 .minutes = "Fokus aftalt: § 85 og botilbud efter §§ 107 og 108. Konsulenten gennemgår 20 sager i november."},
		{.kind = "ledelse", .date = "2026-12-15", .time = "13:00", .status = "planlagt",
		 .participants = "Jens Ravn, Birgitte Lund, Camilla Berg (konsulent)"},
		{.kind = "personale", .date = "2026-12-17", .time = "09:00", .status = "planlagt",
		 .participants = "Hele afdelingen; Camilla Berg (konsulent) fremlægger"},
	};
	static char err[300];
	Department d;
	User leder;
	if (!department_by_code(db, "VHS", &d) || !user_by_login(db, "leder.voksen", &leder))
		return msg_fail(msg, msgn, "%s", _("Demoens eksterne tilsyn mangler sin afdeling eller sin leder."));
	int64_t round_id = 0;
	Stmt q;
	db_prepare(&q, db, "SELECT coalesce(min(id), 0) FROM round WHERE kind = 'ekstern' AND department_id = ?1");
	db_bind_int(&q, 1, d.id);
	if (db_step(&q))
		round_id = db_col_int(&q, 0);
	db_finalize(&q);
	if (!round_id)
		return msg_fail(msg, msgn, "%s", _("Demoens eksterne tilsyn mangler."));
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < COUNT(meetings); i++) {
		MeetingInput in = meetings[i];
		in.round_id = round_id;
		int64_t meeting_id;
		if (meeting_add(db, &d, &in, leder.id, &meeting_id, err, sizeof err) != 0) {
			db_rollback(db);
			msg_fail(msg, msgn, "%s", err);
			return -1;
		}
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

/*
** The children's department's year as an annual plan (tilsyn plan, the årshjul page): the
** spring overordnet and autumn uddybende rounds of 2026 are already dated, so this adds the
** next year's first tilsyn, planned but not yet sampled, with its planning answers, so the
** plan for 2027 has begun and the calendar reaches into it.
*/
static int demo_year_plan(Db *db, char *msg, size_t msgn)
{
	static char err[300];
	Department d;
	User coordinator;
	Round r;
	int64_t id;
	if (!department_by_code(db, "BHS", &d) || !user_by_login(db, "koordinator.barn", &coordinator) ||
	    db_begin(db) != DB_OK)
		return msg_fail(msg, msgn, "%s", _("Demoens årshjul kunne ikke gemmes."));
	ReviewBy by = {.user_id = coordinator.id, .login = coordinator.login};
	RoundPlanInput plan = {
		.performers = "Mette Juhl (koordinator) og Anne Bækgaard gennemgår sagerne; Karen Holm (leder) følger op.",
		.planned_cases = "30",
		.selection = "Tilfældig stikprøve af hele sagslisten; sager gennemgået de sidste 12 måneder er udeladt.",
		.timing = "Marts og april 2027, et år efter forårets overordnede tilsyn, så udviklingen kan følges.",
		.gathering = "Svarene registreres direkte i tilsyn og fremlægges på personalemødet i maj.",
		.stopop_meetings = "1",
	};
	snprintf(err, sizeof err, "%s", _("Demoens årshjul kunne ikke gemmes."));
	if (round_create(db, &d, "overordnet", "Overordnet ledelsestilsyn forår 2027", NULL, NULL, 0, "2027-03-01",
	                 "2027-04-23", "demo", &id, err, sizeof err) != 0 ||
	    !round_by_id(db, id, &r) || round_plan_save(db, &r, &plan, &by, err, sizeof err) != 0) {
		msg_fail(msg, msgn, "%s", err);
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

/* The demo round of the children's department that started on `start`, or 0. */
static int64_t demo_round_id(Db *db, const char *start)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT r.id FROM round r JOIN department d ON d.id = r.department_id WHERE d.code = 'BHS'"
	           " AND r.planned_start = ?1 ORDER BY r.id LIMIT 1");
	db_bind_text(&q, 1, start);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

/*
** A year of follow-up in the children's department. Both finished 2025 rounds had their
** information meeting before the review, a stop-op meeting, the results for management and
** for the staff, and individual feedback for every caseworker (in the spring two of them
** after a course, as the phase history says). Actions decided after the spring round aim at
** questions the autumn round measured again, so their change shows; one of them is overdue.
** The uddybende round under review has had its information meeting; its stop-op meeting and
** the feedback meetings are planned for December 2026.
*/
static int demo_follow_up(Db *db, char *msg, size_t msgn)
{
	static char err[400];
	Department d;
	User coordinator;
	int64_t spring = demo_round_id(db, "2025-03-03"), autumn = demo_round_id(db, "2025-09-01"),
	        deep = demo_round_id(db, "2026-09-07");
	if (!department_by_code(db, "BHS", &d) || !user_by_login(db, "koordinator.barn", &coordinator) || !spring ||
	    !autumn || !deep)
		return msg_fail(msg, msgn, "%s", _("Demoens opfølgning mangler sine tilsyn eller brugere."));
	static const struct {
		int round; /* 0 spring, 1 autumn, 2 the uddybende round */
		const char *kind, *date, *time, *status, *participants, *minutes;
	} meetings[] = {
		{0, "information", "2025-02-24", "09:00", "afholdt", "Hele afdelingen",
		 "Karen Holm fortalte om formålet med ledelsestilsynet: at lære, hvor praksis kan blive bedre, ikke at "
		 "kontrollere den enkelte. Mette Juhl gennemgik tidsplanen: stikprøve af 30 sager 3. marts, gennemgang i "
		 "marts og april, resultater på personalemødet sidst i april. Spørgsmål om hvem der gennemgår hvis sager: "
		 "ingen gennemgår sine egne."},
		{0, "stopop", "2025-03-24", "13:00", "afholdt", "Mette Juhl, Anne Bækgaard, Karen Holm",
		 "Halvdelen af sagerne er gennemgået. Vi er enige om at læse spørgsmålet om sagsoplysning ens: oplysninger "
		 "skal være indhentet før afgørelsen, ikke bagefter."},
		{0, "ledelse", "2025-04-22", "10:00", "afholdt", "Karen Holm, Mette Juhl",
		 "Resultaterne viser mangler i sagsoplysning og begrundelse; klagevejledning og partshøring er i orden. "
		 "Ledelsen beslutter tre tiltag: tjekliste til sagsoplysning, skabelon til begrundelser og faste datoer for "
		 "opfølgning."},
		{0, "personale", "2025-04-29", "14:00", "afholdt", "Hele afdelingen",
		 "Mette Juhl fremlagde de samlede resultater uden sagsnumre og navne. Drøftelse af, hvorfor sagsoplysningen "
		 "halter: travlhed og uklarhed om, hvornår en udtalelse fra skolen er nødvendig. Forslag fra personalet: en "
		 "kort tjekliste i sagssystemet."},
		{1, "information", "2025-08-25", "09:00", "afholdt", "Hele afdelingen",
		 "Rammer og tidsplan for efterårets tilsyn: 30 sager udtrækkes 1. september, de samme spørgsmål som i "
		 "foråret, så vi kan se, om tiltagene har virket."},
		{1, "stopop", "2025-09-22", "13:00", "afholdt", "Mette Juhl, Anne Bækgaard, Karen Holm",
		 "Gennemgangen følger planen. Ingen akutte sager."},
		{1, "ledelse", "2025-10-20", "10:00", "afholdt", "Karen Holm, Mette Juhl",
		 "Klar forbedring i sagsoplysning og begrundelse siden foråret. Opfølgning på indsatser er stadig svag; "
		 "tiltaget om faste opfølgningsdatoer fortsætter."},
		{1, "personale", "2025-10-28", "14:00", "afholdt", "Hele afdelingen",
		 "Resultaterne blev fremlagt og sammenlignet med foråret. Personalet oplever tjeklisten som en hjælp. Ønske "
		 "om flere eksempler på gode begrundelser."},
		{2, "information", "2026-08-31", "09:00", "afholdt", "Hele afdelingen",
		 "Efterårets uddybende tilsyn ser nærmere på sagsoplysning og begrundelse: 20 sager udtrækkes 7. september, "
		 "gennemgang i september og oktober."},
		{2, "stopop", "2026-12-01", "13:00", "planlagt", "Mette Juhl, Anne Bækgaard, Karen Holm", ""},
		{2, "ledelse", "2026-12-14", "10:00", "planlagt", "Karen Holm, Mette Juhl", ""},
		{2, "personale", "2026-12-17", "14:00", "planlagt", "Hele afdelingen", ""},
	};
	const int64_t round_of[3] = {spring, autumn, deep};
	char participants[300];
	int64_t id;
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < COUNT(meetings); i++) {
		MeetingInput in = {.kind = meetings[i].kind, .date = meetings[i].date, .time = meetings[i].time,
		                   .status = meetings[i].status, .participants = meetings[i].participants,
		                   .minutes = meetings[i].minutes, .round_id = round_of[meetings[i].round]};
		if (meeting_add(db, &d, &in, coordinator.id, &id, err, sizeof err) != 0)
			goto fail;
	}
	/* Individual feedback for each caseworker of the two finished rounds. In the spring two of
	** them were on a course when the round moved on, and had theirs in June. */
	for (int k = 0; k < 2; k++) {
		char **names;
		int n = results_advisors(db, round_of[k], &names);
		for (int i = 0; i < n; i++) {
			int late = k == 0 && i % 2 == 0;
			char date[16];
			snprintf(date, sizeof date, "%s-%02d", k == 1 ? "2025-11" : late ? "2025-06" : "2025-05",
			         (k == 1 ? 3 : late ? 10 : 5) + i % 16);
			snprintf(participants, sizeof participants, "Mette Juhl, %s", names[i]);
			MeetingInput in = {.kind = "individuel", .date = date, .time = "10:00", .status = "afholdt",
			                   .advisor = names[i], .participants = participants,
			                   .minutes = "Vi gennemgik dine sager i stikprøven ved siden af afdelingens samlede tal og "
			                              "aftalte, hvad du holder fast i, og hvad du vil prøve at gøre anderledes.",
			                   .round_id = round_of[k]};
			if (meeting_add(db, &d, &in, coordinator.id, &id, err, sizeof err) != 0) {
				results_names_free(names, n);
				goto fail;
			}
		}
		results_names_free(names, n);
	}
	/* Actions: three from the spring round, one from the autumn round, one from the uddybende round. */
	static const char *const checklist[] = {"OB-SAGSOPL-1", "OB-SAGSOPL-3"};
	static const char *const reasons[] = {"OB-AFG-4", "OB-AFG-5"};
	static const char *const follow[] = {"OB-OPF-1", "OB-PLAN-1"};
	static const char *const deadlines[] = {"OB-FRIST-1", "OB-FRIST-3"};
	static const char *const theme[] = {"sagsoplysning"};
	static const struct {
		int round;
		const char *title, *description, *owner, *due, *status, *decided;
		const char *const *questions;
		int nquestions;
		const char *const *themes;
		int nthemes;
	} actions[] = {
		{0, "Tjekliste til sagsoplysning før afgørelse",
		 "En kort tjekliste i sagssystemet: hvilke oplysninger skal foreligge, før der træffes afgørelse, og hvornår "
		 "skal der indhentes en udtalelse fra skole, dagtilbud eller læge.",
		 "koordinator.barn", "2025-06-30", "gennemfoert", "2025-04-22", checklist, 2, NULL, 0},
		{0, "Skabelon til begrundelse i afgørelsesbreve",
		 "Skabelonen minder om at nævne de regler, afgørelsen bygger på, og de faktiske oplysninger, der er lagt "
		 "vægt på.",
		 "leder.barn", "2025-08-29", "gennemfoert", "2025-04-22", reasons, 2, NULL, 0},
		{0, "Faste datoer for opfølgning på indsatser",
		 "Ved hver bevilling sættes en dato for første opfølgning senest tre måneder efter, og opfølgningen noteres "
		 "i barnets plan.",
		 "koordinator.barn", "2026-10-30", "i_gang", "2025-04-22", follow, 2, NULL, 0},
		{1, "Brev til familien, når fristen ikke kan holdes",
		 "En standardtekst til familien med den forventede dato for afgørelsen, når sagsbehandlingsfristen ikke kan "
		 "overholdes.",
		 "anne", "2026-12-04", "planlagt", "2025-10-20", deadlines, 2, NULL, 0},
		{2, "Sparring om sagsoplysning i teamet",
		 "Hver anden uge gennemgår teamet én sag sammen med fokus på, om den er tilstrækkeligt oplyst.",
		 "koordinator.barn", "2027-02-26", "planlagt", "2026-11-20", NULL, 0, theme, 1},
	};
	for (size_t i = 0; i < COUNT(actions); i++) {
		ActionInput in = {.title = actions[i].title, .description = actions[i].description,
		                  .owner_login = actions[i].owner, .due = actions[i].due, .status = actions[i].status,
		                  .round_id = round_of[actions[i].round], .questions = actions[i].questions,
		                  .nquestions = actions[i].nquestions, .themes = actions[i].themes,
		                  .nthemes = actions[i].nthemes};
		if (action_add(db, &d, &in, coordinator.id, &id, err, sizeof err) != 0)
			goto fail;
		/* Decided at the management meeting back then. */
		Stmt q;
		char at[32];
		snprintf(at, sizeof at, "%.10sT12:00:00Z", actions[i].decided);
		db_prepare(&q, db, "UPDATE action_item SET created_at = ?2, updated_at = ?2 WHERE id = ?1");
		db_bind_int(&q, 1, id);
		db_bind_text(&q, 2, at);
		int rc = db_done(&q);
		db_finalize(&q);
		if (rc != DB_OK)
			goto fail;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
fail:
	msg_fail(msg, msgn, "%s", err);
	db_rollback(db);
	return -1;
}

int demo_fill(Db *db, char *msg, size_t msgn)
{
	Stmt q;
	db_prepare(&q, db, "SELECT (SELECT count(*) FROM department) + (SELECT count(*) FROM users)");
	int64_t rows = db_step(&q) ? db_col_int(&q, 0) : -1;
	db_finalize(&q);
	if (rows != 0)
		return msg_fail(msg, msgn, "%s", _("Databasen er ikke tom. Demodata lægges kun i en tom database (brug en ny fil med --db)."));
	if (db_begin(db) != DB_OK)
		return msg_fail(msg, msgn, "%s", _("Databasen er optaget af et andet program."));
	for (size_t i = 0; i < COUNT(demo_departments); i++)
		if (department_add(db, demo_departments[i].code, demo_departments[i].name, demo_departments[i].area, NULL,
		                   msg, msgn) != 0)
			goto fail;
	/* Every demo user has the same password (DEMO_PASSWORD), which `make run` prints. */
	for (size_t i = 0; i < COUNT(demo_users); i++) {
		int64_t id;
		Role role = role_parse(demo_users[i].role);
		if (user_add(db, demo_users[i].login, demo_users[i].name, role == ROLE_ADMIN, DEMO_PASSWORD, 0, &id, msg, msgn) != 0)
			goto fail;
		if (demo_users[i].department) {
			Department d;
			department_by_code(db, demo_users[i].department, &d);
			if (user_set_role(db, id, d.id, role, msg, msgn) != 0)
				goto fail;
		}
	}
	audit_log(db, &(AuditEntry){.action = "demo", .detail = "demodata oprettet"});
	if (db_commit(db) != DB_OK)
		return msg_fail(msg, msgn, "%s", _("Demodata kunne ikke gemmes."));
	static const char *const children_advisors[] = {"Anne Bækgaard", "Morten Løvstad", "Louise Krag", "Henrik Østerby"};
	static const char *const children_provisions[] = {"BL § 86", "BL § 87", "BL § 88", "BL § 89", "BL § 32", "BL § 90"};
	static const char *const adult_advisors[] = {"Signe Økjær", "Peter Dahl", "Sofie Brandt", "Ahmad Nasser"};
	static const char *const adult_provisions[] = {"SEL § 85", "SEL § 97", "SEL § 100", "SEL § 108", "SEL § 95",
	                                               "SEL § 96", "SEL § 83", "SEL § 107"};
	if (demo_cases(db, "BHS", children_advisors, 4, children_provisions, 6, "barn", 20260101u, msg, msgn) != 0 ||
	    demo_cases(db, "VHS", adult_advisors, 4, adult_provisions, 8, "voksen", 20260202u, msg, msgn) != 0 ||
	    demo_round(db, "BHS", "Overordnet ledelsestilsyn forår 2026",
	               "5eed000000000000000000000000000000000000000000000000000000002026", msg, msgn) != 0 ||
	    demo_round(db, "VHS", "Overordnet ledelsestilsyn forår 2026",
	               "5eed000000000000000000000000000000000000000000000000000000002027", msg, msgn) != 0 ||
	    demo_review_in_progress(db, msg, msgn) != 0 || demo_history(db, msg, msgn) != 0 ||
	    demo_workgroups_and_phases(db, msg, msgn) != 0 || demo_external_review(db, msg, msgn) != 0 ||
	    demo_year_plan(db, msg, msgn) != 0 || demo_follow_up(db, msg, msgn) != 0 || demo_external_meetings(db, msg, msgn) != 0)
		return -1;
	return 0;
fail:
	db_rollback(db);
	return -1;
}
