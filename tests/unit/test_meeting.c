/*
** Tests of meetings (meeting.c): a case number of the department's case list standing as a
** whole token in the minutes or participants of a meeting for the whole staff is refused with
** a message naming the field, and nothing is stored, while numbers that only contain it pass;
** CPR numbers are refused in every meeting; the other checks (kind, date, time, status, round,
** the caseworker of an individual feedback); who may see which meeting; and the individual
** feedback of a round per caseworker. A real, migrated SQLite file.
*/
#include "unit_helpers.h"

static const char catalogue[] =
	"{\"code\": \"m-kat\", \"title\": \"Mødekatalog\", \"kind\": \"overordnet\", \"target\": \"barn\","
	" \"sections\": [{\"title\": \"Afsnit\", \"questions\": ["
	"  {\"code\": \"M-1\", \"text\": \"Er sagen oplyst?\", \"category\": \"forvaltningsret\"}]}]}";

typedef struct Fx {
	TestDb *t;
	Department d, other;
	int64_t round, other_round;
} Fx;

static void add_case(Db *db, const Department *d, const char *case_no, const char *advisor)
{
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
	           " VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, case_no);
	db_bind_text(&q, 3, advisor);
	int64_t id = 0;
	assert_int_equal(db_insert_id(&q, &id), DB_OK);
	db_finalize(&q);
	qexec(db, "INSERT INTO round_case (round_id, case_id, sample_key, added_at) SELECT r.id, %lld, 'k%lld',"
	          " '2024-01-01T00:00:00Z' FROM round r WHERE r.department_id = %lld",
	      (long long)id, (long long)id, (long long)d->id);
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
	if (catalogue_store_json(db, catalogue, "udgivet", "lokal", &id, err, sizeof err) != 0)
		fail_msg("catalogue: %s", err);
	assert_int_equal(round_create(db, &f->d, "overordnet", "Test", "m-kat", NULL, 0, "2026-03-01", NULL, "test", &f->round,
	                              msg, sizeof msg),
	                 0);
	assert_int_equal(round_create(db, &f->other, "overordnet", "Anden", "m-kat", NULL, 0, "2026-03-01", NULL, "test",
	                              &f->other_round, msg, sizeof msg),
	                 0);
	/* Anna's cases are spelt two ways in the case list; one person all the same. */
	add_case(db, &f->d, "27.12.00-G01-262-24", "Anna Andersen");
	add_case(db, &f->d, "2024/117", "Bo Bech");
	add_case(db, &f->d, "S-1", " anna  ANDERSEN");
	add_case(db, &f->d, "ABC", "Cecilie Cold");
	add_case(db, &f->other, "OTHER-9", "Dorte Dahl");
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

/* Whether needle occurs in text as a whole token (its first occurrence that does). */
static int token(const char *text, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		if (meeting_whole_token(text, (size_t)(p - text), n))
			return 1;
	return 0;
}

static void whole_tokens(void **state)
{
	(void)state;
	const char *no = "27.12.00-G01-262-24";
	assert_true(token("27.12.00-G01-262-24", no));
	assert_true(token("Sag 27.12.00-G01-262-24.", no));
	assert_true(token("(27.12.00-G01-262-24)", no));
	assert_true(token("sag 27.12.00-G01-262-24, og", no));
	assert_true(token("»27.12.00-G01-262-24«", no));
	assert_true(token("sag\xc2\xa0" "27.12.00-G01-262-24 – drøftet", no)); /* no-break space, en dash */
	assert_true(token("“27.12.00-G01-262-24”", no));
	assert_true(token("Sag:27.12.00-G01-262-24 - drøftet", no));
	assert_false(token("127.12.00-G01-262-24", no));
	assert_false(token("27.12.00-G01-262-245", no));
	assert_false(token("27.12.00-G01-262-24/2", no));
	assert_false(token("X27.12.00-G01-262-24", no));
	assert_false(token("1.27.12.00-G01-262-24", no));
	assert_false(token("27.12.00-G01-262-24-7", no));
	assert_false(token("27.12.00-G01-262-24æ", no));
	assert_true(token("ABC", "ABC"));
	assert_false(token("ABCD", "ABC"));
	assert_false(token("æABC", "ABC"));
	assert_false(token("ABCø", "ABC"));
	assert_false(token("ÅABC", "ABC"));
	/* A later occurrence counts when an earlier one does not. */
	assert_true(token("X2024/117 og 2024/117", "2024/117"));
}

static void case_numbers_in_text(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	char found[64] = "";
	assert_true(meeting_case_no_in(db, f->d.id, "Vi drøftede 27.12.00-G01-262-24 i dag.", found, sizeof found));
	assert_string_equal(found, "27.12.00-G01-262-24");
	assert_true(meeting_case_no_in(db, f->d.id, "sag s-1 var svær", found, sizeof found));
	assert_string_equal(found, "S-1");
	assert_true(meeting_case_no_in(db, f->d.id, "nr. 2024/117", found, sizeof found));
	assert_false(meeting_case_no_in(db, f->d.id, "2024/1170 og S-10 og ABCD og S-1x", found, sizeof found));
	assert_false(meeting_case_no_in(db, f->d.id, "Generelle tendenser: sagsoplysningen halter.", found, sizeof found));
	assert_false(meeting_case_no_in(db, f->d.id, "", found, sizeof found));
	/* Another department's case list is not this department's. */
	assert_false(meeting_case_no_in(db, f->d.id, "OTHER-9", found, sizeof found));
	assert_true(meeting_case_no_in(db, f->other.id, "OTHER-9", found, sizeof found));
}

static int64_t meetings(Fx *f)
{
	return testdb_int(f->t->db, "SELECT count(*) FROM meeting");
}

static int add(Fx *f, const MeetingInput *in, char *msg, size_t n)
{
	int64_t id;
	assert_int_equal(db_begin(f->t->db), DB_OK);
	int rc = meeting_add(f->t->db, &f->d, in, 0, &id, msg, n);
	if (rc == 0)
		assert_int_equal(db_commit(f->t->db), DB_OK);
	else
		db_rollback(f->t->db);
	return rc;
}

static void staff_minutes_hold_no_case_numbers(void **state)
{
	Fx *f = *state;
	char msg[512];
	int64_t before = meetings(f);
	static const char *const staff[] = {"information", "personale"};
	for (size_t i = 0; i < COUNT(staff); i++) {
		MeetingInput in = {.kind = staff[i], .date = "2026-12-10", .minutes = "Vi så på sag 27.12.00-G01-262-24."};
		assert_int_equal(add(f, &in, msg, sizeof msg), -1);
		assert_true(strncmp(msg, "Referat: ", 9) == 0);
		assert_non_null(strstr(msg, "27.12.00-G01-262-24"));
		assert_non_null(strstr(msg, "Intet er gemt"));
		in = (MeetingInput){.kind = staff[i], .date = "2026-12-10", .participants = "Karen og ABC"};
		assert_int_equal(add(f, &in, msg, sizeof msg), -1);
		assert_true(strncmp(msg, "Deltagere: ", 11) == 0);
	}
	assert_int_equal(meetings(f), before);
	/* Meetings of the working group and management may name cases; text that only contains a
	** case number is no case number. */
	MeetingInput ok = {.kind = "ledelse", .date = "2026-12-10", .minutes = "Sag 27.12.00-G01-262-24 er akut."};
	assert_int_equal(add(f, &ok, msg, sizeof msg), 0);
	ok = (MeetingInput){.kind = "stopop", .date = "2026-12-10", .participants = "ABC"};
	assert_int_equal(add(f, &ok, msg, sizeof msg), 0);
	ok = (MeetingInput){.kind = "personale", .date = "2026-12-10", .minutes = "Team ABCD og S-10 drøftede frister."};
	assert_int_equal(add(f, &ok, msg, sizeof msg), 0);
	assert_int_equal(meetings(f), before + 3);
}

static void cpr_refused_everywhere(void **state)
{
	Fx *f = *state;
	char msg[512];
	int64_t before = meetings(f);
	for (int i = 0; meeting_kind_code(i); i++) {
		MeetingInput in = {.kind = meeting_kind_code(i), .date = "2026-12-10", .advisor = "Anna Andersen",
		                   .minutes = "Barnet 010203-1234 blev nævnt."};
		assert_int_equal(add(f, &in, msg, sizeof msg), -1);
		assert_true(strncmp(msg, "Referat: teksten ligner et CPR-nummer", 37) == 0);
		in.minutes = "";
		in.participants = "Mor 0102031234";
		assert_int_equal(add(f, &in, msg, sizeof msg), -1);
		assert_true(strncmp(msg, "Deltagere: ", 11) == 0);
	}
	MeetingInput in = {.kind = "individuel", .date = "2026-12-10", .advisor = "Anna 010203-1234"};
	assert_int_equal(add(f, &in, msg, sizeof msg), -1);
	assert_true(strncmp(msg, "Rådgiver: ", 11) == 0);
	assert_int_equal(meetings(f), before);
}

static void other_checks(void **state)
{
	Fx *f = *state;
	char msg[512];
	int64_t before = meetings(f);
	static const struct {
		MeetingInput in;
		const char *field;
	} bad[] = {
		{{.kind = "kaffe", .date = "2026-12-10"}, "Art: "},
		{{.kind = NULL, .date = "2026-12-10"}, "Art: "},
		{{.kind = "stopop", .date = "10-12-2026"}, "Dato: "},
		{{.kind = "stopop", .date = "2026-02-30"}, "Dato: "},
		{{.kind = "stopop", .date = NULL}, "Dato: "},
		{{.kind = "stopop", .date = "2026-12-10", .time = "25:00"}, "Tidspunkt: "},
		{{.kind = "stopop", .date = "2026-12-10", .time = "9:30"}, "Tidspunkt: "},
		{{.kind = "stopop", .date = "2026-12-10", .status = "udsat"}, "Status: "},
		{{.kind = "individuel", .date = "2026-12-10"}, "Rådgiver: "},
		{{.kind = "individuel", .date = "2026-12-10", .advisor = "   "}, "Rådgiver: "},
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		assert_int_equal(add(f, &bad[i].in, msg, sizeof msg), -1);
		if (strncmp(msg, bad[i].field, strlen(bad[i].field)) != 0)
			fail_msg("case %zu: \"%s\" does not begin with \"%s\"", i, msg, bad[i].field);
	}
	MeetingInput in = {.kind = "stopop", .date = "2026-12-10", .round_id = f->other_round};
	assert_int_equal(add(f, &in, msg, sizeof msg), -1);
	assert_string_equal(msg, "Tilsyn: tilsynet findes ikke i afdelingen.");
	char *long_minutes = calloc(1, MEETING_MINUTES_MAX + 2);
	memset(long_minutes, 'x', MEETING_MINUTES_MAX + 1);
	in = (MeetingInput){.kind = "stopop", .date = "2026-12-10", .minutes = long_minutes};
	assert_int_equal(add(f, &in, msg, sizeof msg), -1);
	assert_true(strncmp(msg, "Referat: teksten er for lang", 28) == 0);
	free(long_minutes);
	in = (MeetingInput){.kind = "stopop", .date = "2026-12-10", .minutes = "\xff\xfe"};
	assert_int_equal(add(f, &in, msg, sizeof msg), -1);
	assert_int_equal(meetings(f), before);

	/* A good one: stored as given; the caseworker's name trimmed; no advisor unless individuel. */
	in = (MeetingInput){.kind = "individuel", .date = "2026-12-10", .time = "09:30", .status = "", .round_id = f->round,
	                    .advisor = "  Anna Andersen ", .participants = "Mette", .minutes = ""};
	int64_t id;
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(meeting_add(f->t->db, &f->d, &in, 0, &id, msg, sizeof msg), 0);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	Meeting m;
	assert_true(meeting_by_id(f->t->db, id, &m));
	assert_string_equal(m.kind, "individuel");
	assert_string_equal(m.time, "09:30");
	assert_string_equal(m.status, "planlagt");
	assert_string_equal(m.advisor, "Anna Andersen");
	assert_int_equal(m.round_id, f->round);
	in = (MeetingInput){.kind = "stopop", .date = "2026-12-11", .status = "aflyst", .advisor = "Anna Andersen"};
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(meeting_update(f->t->db, &f->d, id, &in, 0, msg, sizeof msg), 0);
	assert_int_equal(db_commit(f->t->db), DB_OK);
	assert_true(meeting_by_id(f->t->db, id, &m));
	assert_string_equal(m.advisor, "");
	assert_string_equal(m.status, "aflyst");
	assert_int_equal(m.round_id, 0);
	/* Not a meeting of the other department. */
	assert_int_equal(db_begin(f->t->db), DB_OK);
	assert_int_equal(meeting_update(f->t->db, &f->other, id, &in, 0, msg, sizeof msg), -1);
	db_rollback(f->t->db);
}

static void who_sees_what(void **state)
{
	(void)state;
	static const char *const kinds[] = {"information", "stopop", "ledelse", "personale", "individuel", "forventning"};
	for (size_t i = 0; i < COUNT(kinds); i++) {
		const char *k = kinds[i];
		int staff = str_eq(k, "information") || str_eq(k, "personale");
		assert_true(meeting_visible(ROLE_LEDER, k, "Bo Bech", "Karen", 0));
		assert_true(meeting_visible(ROLE_KOORDINATOR, k, "Bo Bech", "Mette", 0));
		assert_int_equal(meeting_visible(ROLE_RAADGIVER, k, "Bo Bech", "Anna Andersen", 0), staff);
		assert_int_equal(meeting_visible(ROLE_RAADGIVER, k, "anna  andersen", "Anna Andersen", 0),
		                 staff || str_eq(k, "individuel"));
		assert_int_equal(meeting_visible(ROLE_EKSTERN, k, "", "Camilla", 1), !str_eq(k, "individuel"));
		assert_false(meeting_visible(ROLE_EKSTERN, k, "", "Camilla", 0));
		assert_false(meeting_visible(ROLE_NONE, k, "", "Anna Andersen", 0));
	}
}

static void feedback_per_caseworker(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	char msg[512];
	FeedbackRow *rows;
	int n = meeting_feedback(db, f->round, &rows);
	assert_int_equal(n, 3); /* Anna (spelt two ways), Bo, Cecilie */
	for (int i = 0; i < n; i++)
		assert_int_equal(rows[i].meeting_id, 0);
	meeting_feedback_free(rows, n);
	assert_int_equal(meeting_feedback_missing(db, f->round), 3);

	/* Anna: one planned and one held (the held one counts); Bo: planned, and a cancelled one
	** earlier; Cecilie: only cancelled, and one tied to no round. */
	static const struct {
		const char *advisor, *date, *status;
		int in_round;
	} given[] = {
		{"ANNA ANDERSEN", "2026-12-01", "planlagt", 1}, {"Anna Andersen", "2026-12-03", "afholdt", 1},
		{"Bo Bech", "2026-11-01", "aflyst", 1},         {"Bo Bech", "2026-12-05", "planlagt", 1},
		{"Cecilie Cold", "2026-12-06", "aflyst", 1},    {"Cecilie Cold", "2026-12-07", "afholdt", 0},
	};
	for (size_t i = 0; i < COUNT(given); i++) {
		MeetingInput in = {.kind = "individuel", .date = given[i].date, .status = given[i].status,
		                   .advisor = given[i].advisor, .round_id = given[i].in_round ? f->round : 0};
		assert_int_equal(add(f, &in, msg, sizeof msg), 0);
	}
	n = meeting_feedback(db, f->round, &rows);
	assert_int_equal(n, 3);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		if (ident_same_person(rows[i].advisor, "Anna Andersen")) {
			assert_string_equal(rows[i].status, "afholdt");
			assert_string_equal(rows[i].date, "2026-12-03");
			seen |= 1;
		} else if (str_eq(rows[i].advisor, "Bo Bech")) {
			assert_string_equal(rows[i].status, "planlagt");
			assert_string_equal(rows[i].date, "2026-12-05");
			seen |= 2;
		} else {
			assert_string_equal(rows[i].advisor, "Cecilie Cold");
			assert_string_equal(rows[i].status, "");
			assert_int_equal(rows[i].meeting_id, 0);
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	meeting_feedback_free(rows, n);
	assert_int_equal(meeting_feedback_missing(db, f->round), 2);
}

static void dates_in_danish(void **state)
{
	(void)state;
	char out[40];
	date_text("2026-12-03", out);
	assert_string_equal(out, "3. december 2026");
	date_text("2025-05-31", out);
	assert_string_equal(out, "31. maj 2025");
	date_text("igår", out);
	assert_string_equal(out, "igår");
	assert_true(meeting_valid_time("00:00"));
	assert_true(meeting_valid_time("23:59"));
	assert_false(meeting_valid_time("24:00"));
	assert_false(meeting_valid_time("12:60"));
	assert_false(meeting_valid_time("12.30"));
	assert_false(meeting_valid_time(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_tokens),
		cmocka_unit_test_setup_teardown(case_numbers_in_text, setup, teardown),
		cmocka_unit_test_setup_teardown(staff_minutes_hold_no_case_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(cpr_refused_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(other_checks, setup, teardown),
		cmocka_unit_test(who_sees_what),
		cmocka_unit_test_setup_teardown(feedback_per_caseworker, setup, teardown),
		cmocka_unit_test(dates_in_danish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
