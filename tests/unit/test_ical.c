/*
** Tests of the iCalendar writer (ical.c): TEXT escaping, folding at 75 octets that never
** cuts a UTF-8 sequence and unfolds to the line it came from, and a department's whole
** calendar from a real, migrated SQLite file: CRLF only, the zone, each kind of event with
** its dates (DTEND the day after), cancelled ones marked, stable UIDs, a fixed DTSTAMP, and
** nothing of the minutes, participants or case numbers. The independent parse (python's
** icalendar) is in tests/integration/calendar.test.mjs.
*/
#include "unit_helpers.h"

static void test_escape(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	ical_escape_text(&b, "a\\b;c,d\ne\r\nf\rg\001h\ti\177j: «ø»");
	assert_string_equal(buf_cstr(&b), "a\\\\b\\;c\\,d\\ne\\nf\\ngh\tij: «ø»");
	buf_reset(&b);
	ical_text_property(&b, "SUMMARY", "Møde; frister, og \\ mere");
	assert_string_equal(buf_cstr(&b), "SUMMARY:Møde\\; frister\\, og \\\\ mere\r\n");
	buf_free(&b);
}

/* Checks that out is the folding of line: physical lines of at most 75 octets, each valid
** UTF-8, continuation lines starting with one space; unfolding gives the line back. */
static void check_folded(const char *out, const char *line)
{
	Buf unfolded;
	buf_init(&unfolded, 0);
	const char *p = out;
	int first = 1;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		size_t n = (size_t)(eol - p);
		assert_true(n <= 75);
		assert_true(n > 0 || (first && !*line));
		assert_true(utf8_valid(p, n));
		assert_null(memchr(p, '\n', n));
		if (!first) {
			assert_int_equal(p[0], ' ');
			buf_append(&unfolded, p + 1, n - 1);
		} else {
			buf_append(&unfolded, p, n);
		}
		first = 0;
		p = eol + 2;
	}
	assert_string_equal(buf_cstr(&unfolded), line);
	buf_free(&unfolded);
}

static void fold_one(const char *line)
{
	Buf b;
	buf_init(&b, 0);
	ical_fold(&b, line, strlen(line));
	check_folded(buf_cstr(&b), line);
	buf_free(&b);
}

static void test_fold(void **state)
{
	(void)state;
	char line[1200];
	/* 75 octets stay on one line; 76 fold into 75 + " " and 1. */
	memset(line, 'x', 75);
	line[75] = 0;
	Buf b;
	buf_init(&b, 0);
	ical_fold(&b, line, 75);
	assert_int_equal(b.len, 77);
	buf_reset(&b);
	line[75] = 'y';
	line[76] = 0;
	ical_fold(&b, line, 76);
	assert_int_equal(b.len, 75 + 3 + 1 + 2);
	assert_memory_equal(b.data + 75, "\r\n y\r\n", 6);
	buf_free(&b);
	fold_one(line);
	memset(line, 'a', 1000);
	line[1000] = 0;
	fold_one(line);
	fold_one("");
	/* Two-, three- and four-octet characters at every offset against the cut. */
	static const char *const pieces[] = {"ø", "€", "🙂", "Æblegrød på ålegården – "};
	for (size_t k = 0; k < COUNT(pieces); k++) {
		for (int shift = 0; shift < 4; shift++) {
			size_t n = 0;
			for (int i = 0; i < shift; i++)
				line[n++] = 'S';
			memcpy(line + n, "SUMMARY:", 8);
			n += 8;
			while (n + strlen(pieces[k]) < 600) {
				memcpy(line + n, pieces[k], strlen(pieces[k]));
				n += strlen(pieces[k]);
			}
			line[n] = 0;
			fold_one(line);
		}
	}
}

static void test_token_hash(void **state)
{
	(void)state;
	char hash[65], again[65], token[TOKEN_HEX];
	assert_int_equal(auth_init(), 0);
	auth_random_token(token);
	assert_true(ical_token_hash(token, hash));
	assert_true(ical_token_hash(token, again));
	assert_string_equal(hash, again);
	assert_int_equal(strlen(hash), 64);
	assert_string_not_equal(hash, token);
	/* BLAKE2b-256 of 32 zero bytes, as libsodium and the BLAKE2 reference give it. */
	assert_true(ical_token_hash("0000000000000000000000000000000000000000000000000000000000000000", hash));
	assert_string_equal(hash, "89eb0d6a8a691dae2cd15ed0369931ce0a949ecafa5c3f93f8121833646e15c3");
	token[0] = 'A';
	assert_false(ical_token_hash(token, hash));
	assert_false(ical_token_hash("abc", hash));
	assert_false(ical_token_hash("000000000000000000000000000000000000000000000000000000000000000g", hash));
	assert_false(ical_token_hash(NULL, hash));
}

static void test_department_calendar(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Db *db = t->db;
	char msg[300] = "";
	Department d;
	int64_t id;
	if (department_add(db, "BHS", "Børn, unge; handicap", "barn", &id, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
	assert_true(department_by_code(db, "BHS", &d));
	qexec(db, "INSERT INTO round (id, department_id, kind, title, phase, planned_start, planned_end, created_at)"
	          " VALUES (12, %lld, 'overordnet', 'Forår, 2026', 'planlaegning', '2026-03-02', '2026-04-24', '2026')",
	      (long long)d.id);
	qexec(db, "INSERT INTO round (id, department_id, kind, title, created_at) VALUES (13, %lld, 'uddybende',"
	          " 'Uden datoer', '2026')",
	      (long long)d.id);
	qexec(db, "INSERT INTO cases (department_id, case_no, advisor, first_seen, last_seen)"
	          " VALUES (%lld, 'SAG-77331', 'Anne', '2026', '2026')",
	      (long long)d.id);
	qexec(db, "INSERT INTO meeting (id, department_id, round_id, kind, date, time, status, participants, minutes,"
	          " created_at, updated_at) VALUES (7, %lld, 12, 'information', '2026-02-20', '09:30', 'afholdt',"
	          " 'Hele afdelingen', 'Referat: hemmeligt indhold', '2026', '2026')",
	      (long long)d.id);
	qexec(db, "INSERT INTO meeting (id, department_id, round_id, kind, date, status, advisor, created_at, updated_at)"
	          " VALUES (8, %lld, 12, 'individuel', '2026-05-04', 'aflyst', 'Anne Bækgaard', '2026', '2026')",
	      (long long)d.id);
	qexec(db, "INSERT INTO action_item (id, department_id, round_id, title, description, due, status, created_at,"
	          " updated_at) VALUES (3, %lld, 12, 'Ny skabelon', 'Beskrivelse: hemmelig', '2026-12-31', 'i_gang',"
	          " '2026', '2026')",
	      (long long)d.id);
	Buf b;
	buf_init(&b, 0);
	ical_department(db, &d, (time_t)1795000000, &b); /* 2026-11-18T11:06:40Z */
	const char *s = buf_cstr(&b);
	/* CRLF only; every physical line within 75 octets and valid UTF-8 on its own. */
	for (const char *p = s; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p <= 75);
		assert_true(utf8_valid(p, (size_t)(eol - p)));
		assert_null(memchr(p, '\n', (size_t)(eol - p)));
		assert_null(memchr(p, '\r', (size_t)(eol - p)));
		p = eol + 2;
	}
	assert_true(strncmp(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tilsyn//tilsyn ", 54) == 0);
	assert_non_null(strstr(s, "\r\nMETHOD:PUBLISH\r\n"));
	assert_non_null(strstr(s, "\r\nCALSCALE:GREGORIAN\r\n"));
	assert_non_null(strstr(s, "\r\nX-WR-CALNAME:Tilsyn – Børn\\, unge\\; handicap\r\n"));
	assert_non_null(strstr(s, "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\n"));
	assert_true(strlen(s) > 15 && strcmp(s + strlen(s) - 15, "END:VCALENDAR\r\n") == 0);
	/* The round: whole days, DTEND the day after the planned end; and its deadline. */
	assert_non_null(strstr(s, "UID:round-12@tilsyn\r\nDTSTAMP:20261118T110640Z\r\nDTSTART;VALUE=DATE:20260302\r\n"
	                          "DTEND;VALUE=DATE:20260425\r\nSUMMARY:Tilsyn: Forår\\, 2026\r\n"));
	assert_non_null(strstr(s, "UID:round-12-end@tilsyn\r\nDTSTAMP:20261118T110640Z\r\nDTSTART;VALUE=DATE:20260424\r\n"
	                          "DTEND;VALUE=DATE:20260425\r\n"));
	assert_null(strstr(s, "round-13"));
	/* The meeting at 09:30 Danish time, an hour long; the cancelled one marked so. */
	char want[400];
	snprintf(want, sizeof want,
	         "UID:meeting-7@tilsyn\r\nDTSTAMP:20261118T110640Z\r\nDTSTART;TZID=Europe/Copenhagen:20260220T093000\r\n"
	         "DURATION:PT1H\r\nSUMMARY:%s: Forår\\, 2026\r\n",
	         meeting_kind_title("information"));
	assert_non_null(strstr(s, want));
	const char *cancelled = strstr(s, "UID:meeting-8@tilsyn");
	assert_non_null(cancelled);
	assert_non_null(strstr(cancelled, "DTSTART;VALUE=DATE:20260504\r\nDTEND;VALUE=DATE:20260505\r\n"));
	assert_true(strstr(cancelled, "STATUS:CANCELLED") < strstr(cancelled, "END:VEVENT"));
	assert_non_null(strstr(s, "UID:action-3@tilsyn\r\nDTSTAMP:20261118T110640Z\r\nDTSTART;VALUE=DATE:20261231\r\n"
	                          "DTEND;VALUE=DATE:20270101\r\nSUMMARY:Frist for tiltag: Ny skabelon\r\n"));
	/* Nothing of the minutes, participants, descriptions, caseworkers or cases. */
	assert_null(strstr(s, "hemmelig"));
	assert_null(strstr(s, "Hele afdelingen"));
	assert_null(strstr(s, "Bækgaard"));
	assert_null(strstr(s, "SAG-77331"));
	/* One VEVENT per event: round, deadline, two meetings, one action. */
	int events = 0;
	for (const char *p = s; (p = strstr(p, "BEGIN:VEVENT\r\n")); p++)
		events++;
	assert_int_equal(events, 5);
	buf_free(&b);
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_department_calendar),
	};
	return cmocka_run_group_tests_name("ical", tests, NULL, NULL);
}
