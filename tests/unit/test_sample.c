/*
** Tests of sample.c on a real SQLite file: the keyed BLAKE2b keys against values computed
** independently (Python's hashlib.blake2b(case_no, key=seed, digest_size=32)), the sample
** as the N smallest keys, K per caseworker, the exclusion window, replacement by the next
** smallest key, and the recorded protocol.
*/
#include "unit_helpers.h"

static const char *const seed_hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void test_key_matches_independent_blake2b(void **state)
{
	(void)state;
	assert_int_equal(auth_init(), 0);
	static const struct {
		const char *case_no, *key;
	} vectors[] = {
		{"27.12.00-G01-262-24", "2a3bf3eea74be7da4720bb02a14f6e2cb5bc884cad7e5be4acd61e992a470e5e"},
		{"Sag-Æ-1", "42f4780b19344a3fb2452bafcd9b215d76eb14ce93c7be44ab398082b88bf59c"},
		{"A", "fe6d79600611370a9d50e40d22c8279c80a85ff88fd030739ee2512359dcf1dc"},
	};
	unsigned char seed[32], key[32];
	char hex[65];
	assert_true(hex_decode(seed, sizeof seed, seed_hex));
	for (size_t i = 0; i < COUNT(vectors); i++) {
		assert_int_equal(sample_key(seed, vectors[i].case_no, key), 0);
		hex_encode(hex, key, sizeof key);
		assert_string_equal(hex, vectors[i].key);
	}
}

/* A department with `per` cases for each of three caseworkers. */
static void fill(Db *db, Department *d, int per)
{
	char msg[300] = "";
	assert_int_equal(department_add(db, "S", "Sample", "voksen", NULL, msg, sizeof msg), 0);
	assert_true(department_by_code(db, "S", d));
	Buf csv;
	buf_init(&csv, 0);
	buf_puts(&csv, "Sagsnummer;Rådgiver\n");
	static const char *const advisors[] = {"Anne", "Bo", "Cecilie"};
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < per; i++)
			buf_printf(&csv, "S-%d-%d;%s\n", a, i, advisors[a]);
	ImportOptions o = {.login = "test"};
	ImportResult *r = calloc(1, sizeof *r);
	assert_int_equal(cases_import_mem(db, d, csv.data, csv.len, "t.csv", &o, r), IMPORT_STORED);
	free(r);
	buf_free(&csv);
}

static int64_t new_round(Db *db, const Department *d, Round *r)
{
	char msg[300] = "";
	int64_t id;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(round_create(db, d, "overordnet", "T", NULL, NULL, 0, NULL, NULL, "test", &id, msg, sizeof msg), 0);
	assert_int_equal(db_commit(db), DB_OK);
	assert_true(round_by_id(db, id, r));
	return id;
}

static int draw(Db *db, Round *r, SampleRequest *req)
{
	char msg[300] = "";
	int64_t drawn;
	assert_int_equal(db_begin(db), DB_OK);
	int rc = sample_draw(db, r, req, "test", &drawn, msg, sizeof msg);
	if (rc == 0)
		assert_int_equal(db_commit(db), DB_OK);
	else
		db_rollback(db);
	round_by_id(db, r->id, r);
	return rc == 0 ? (int)drawn : -1;
}

static void test_sample_is_the_smallest_keys(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Department d;
	Round r;
	fill(t->db, &d, 10);
	new_round(t->db, &d, &r);
	SampleRequest req = {.size = 7, .seed_hex = seed_hex, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r, &req), 7);
	assert_string_equal(r.seed, seed_hex);
	assert_int_equal(r.population_size, 30);
	assert_string_equal(r.sample_method, "size");
	/* Every sampled key is smaller than every key left out. */
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round_case"), 7);
	unsigned char seed[32], key[32];
	hex_decode(seed, sizeof seed, seed_hex);
	char max_in[65] = "", hex[65];
	Stmt q;
	db_prepare(&q, t->db, "SELECT max(sample_key) FROM round_case");
	assert_true(db_step(&q));
	snprintf(max_in, sizeof max_in, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	int below = 0;
	db_prepare(&q, t->db, "SELECT case_no FROM cases WHERE id NOT IN (SELECT case_id FROM round_case)");
	while (db_step(&q)) {
		sample_key(seed, db_col_text(&q, 0), key);
		hex_encode(hex, key, sizeof key);
		below += strcmp(hex, max_in) < 0;
	}
	db_finalize(&q);
	assert_int_equal(below, 0);
	/* The same seed gives the same sample. */
	char first[2000] = "";
	db_prepare(&q, t->db, "SELECT group_concat(case_id) FROM (SELECT case_id FROM round_case ORDER BY sample_key)");
	assert_true(db_step(&q));
	snprintf(first, sizeof first, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	req.reason = "samme frø igen";
	assert_int_equal(draw(t->db, &r, &req), 7);
	db_prepare(&q, t->db, "SELECT group_concat(case_id) FROM (SELECT case_id FROM round_case ORDER BY sample_key)");
	assert_true(db_step(&q));
	assert_string_equal(db_col_text(&q, 0), first);
	db_finalize(&q);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'sample_redraw'"), 1);
	testdb_free(t);
}

static void test_per_advisor_and_exclusion(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Department d;
	Round r1, r2;
	fill(t->db, &d, 4);
	new_round(t->db, &d, &r1);
	SampleRequest req = {.per_advisor = 2, .seed_hex = seed_hex, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r1, &req), 6);
	assert_int_equal(testdb_int(t->db, "SELECT max(n) FROM (SELECT count(*) AS n FROM round_case rc JOIN cases c"
	                                   " ON c.id = rc.case_id GROUP BY c.advisor)"), 2);
	/* A second round may not take the 6 cases sampled in the first within 12 months... */
	new_round(t->db, &d, &r2);
	SampleRequest all = {.size = 100, .seed_hex = seed_hex, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r2, &all), 6);
	assert_int_equal(r2.population_size, 6);
	/* ...but may with no exclusion window. */
	all.exclude_months = 0;
	all.reason = "uden udelukkelse";
	assert_int_equal(draw(t->db, &r2, &all), 12);
	testdb_free(t);
}

static void test_replace_takes_the_next_key(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Department d;
	Round r;
	fill(t->db, &d, 5);
	new_round(t->db, &d, &r);
	SampleRequest req = {.size = 3, .seed_hex = seed_hex, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r, &req), 3);
	int64_t victim = testdb_int(t->db, "SELECT case_id FROM round_case ORDER BY sample_key LIMIT 1");
	/* The expected replacement: the smallest key not in the sample. */
	unsigned char seed[32], key[32];
	hex_decode(seed, sizeof seed, seed_hex);
	char best[65] = "g", hex[65];
	int64_t expected = 0;
	Stmt q;
	db_prepare(&q, t->db, "SELECT id, case_no FROM cases WHERE id NOT IN (SELECT case_id FROM round_case)");
	while (db_step(&q)) {
		sample_key(seed, db_col_text(&q, 1), key);
		hex_encode(hex, key, sizeof key);
		if (strcmp(hex, best) < 0) {
			snprintf(best, sizeof best, "%s", hex);
			expected = db_col_int(&q, 0);
		}
	}
	db_finalize(&q);
	char msg[300] = "";
	int64_t replacement;
	assert_int_equal(db_begin(t->db), DB_OK);
	assert_int_equal(sample_replace(t->db, &r, victim, "", "test", &replacement, msg, sizeof msg), -1); /* a reason is needed */
	assert_int_equal(sample_replace(t->db, &r, victim, "ikke relevant", "test", &replacement, msg, sizeof msg), 0);
	assert_int_equal(db_commit(t->db), DB_OK);
	assert_int_equal(replacement, expected);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round_case WHERE status = 'erstattet'"), 1);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round_case WHERE status = 'udtrukket'"), 3);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'sample_replace'"
	                                   " AND object LIKE 'round:%' AND detail LIKE '%ikke relevant%'"), 1);
	/* The replaced case's own log has it too, with the reason. */
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = 'sample_replace' AND object = 'case:%lld'"
	                          " AND detail LIKE '%%ikke relevant%%'", (long long)victim);
	assert_int_equal(testdb_int(t->db, sql), 1);
	testdb_free(t);
}

static void test_bad_requests_change_nothing(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	Department d;
	Round r;
	fill(t->db, &d, 2);
	new_round(t->db, &d, &r);
	SampleRequest bad_seed = {.size = 3, .seed_hex = "00ff", .exclude_months = 12};
	assert_int_equal(draw(t->db, &r, &bad_seed), -1);
	SampleRequest both = {.size = 3, .per_advisor = 1, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r, &both), -1);
	SampleRequest bad_date = {.size = 3, .exclude_months = 12, .filters = {.opened_from = "31-12-2024"}};
	assert_int_equal(draw(t->db, &r, &bad_date), -1);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round_case"), 0);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM round WHERE seed IS NOT NULL"), 0);
	testdb_free(t);
}

/* The population's fingerprint (BLAKE2b-256 of the case numbers in bytewise order, one per
** line) pinned against Python's hashlib.blake2b(b"B-10\na-10\na-3\nb-2\n\xc3\x86-1\n\xc3\x98-2\n",
** digest_size=32): the order is the bytes', not a collation's (which would put a-3 first),
** and not the order the list was imported in. */
static void test_population_digest_is_bytewise(void **state)
{
	(void)state;
	TestDb *t = testdb_new();
	char msg[300] = "";
	Department d;
	assert_int_equal(department_add(t->db, "S", "Sample", "voksen", NULL, msg, sizeof msg), 0);
	assert_true(department_by_code(t->db, "S", &d));
	static const char csv[] = "Sagsnummer;Rådgiver\nb-2;Anne\nÆ-1;Bo\na-3;Anne\nB-10;Bo\nØ-2;Anne\na-10;Bo\n";
	ImportOptions o = {.login = "test"};
	ImportResult *ir = calloc(1, sizeof *ir);
	assert_int_equal(cases_import_mem(t->db, &d, csv, sizeof csv - 1, "t.csv", &o, ir), IMPORT_STORED);
	free(ir);
	Round r;
	new_round(t->db, &d, &r);
	Population p;
	assert_int_equal(population_compute(t->db, &r, &(SampleFilters){0}, 0, 1, &p), 0);
	static const char *const order[] = {"B-10", "a-10", "a-3", "b-2", "Æ-1", "Ø-2"};
	assert_int_equal(p.ncases, COUNT(order));
	for (size_t i = 0; i < COUNT(order); i++)
		assert_string_equal(p.cases[i].case_no, order[i]);
	population_free(&p);
	SampleRequest req = {.size = 2, .seed_hex = seed_hex};
	assert_int_equal(draw(t->db, &r, &req), 2);
	assert_string_equal(r.population_digest, "9302bd3ee8dfc42facd1572c4a837edc01498904d3be10729048f50ad9559f83");
	testdb_free(t);
}

/* The exclusion window starts `months` calendar months back by the month rule (dates.c),
** and a case drawn just inside it is left out, one drawn just before it is not. */
static void test_exclusion_window_at_month_ends(void **state)
{
	(void)state;
	char since[32];
	population_window_start(1743415200, 1, since); /* 2025-03-31T10:00:00Z */
	assert_string_equal(since, "2025-02-28T10:00:00Z");
	population_window_start(1743415200, 13, since);
	assert_string_equal(since, "2024-02-29T10:00:00Z");
	population_window_start(1725123600, 6, since); /* 2024-08-31T17:00:00Z */
	assert_string_equal(since, "2024-02-29T17:00:00Z");
	population_window_start(1725123600, 18, since);
	assert_string_equal(since, "2023-02-28T17:00:00Z");

	TestDb *t = testdb_new();
	Department d;
	Round r1, r2;
	fill(t->db, &d, 2);
	new_round(t->db, &d, &r1);
	SampleRequest req = {.size = 2, .seed_hex = seed_hex, .exclude_months = 12};
	assert_int_equal(draw(t->db, &r1, &req), 2);
	new_round(t->db, &d, &r2);
	time_t start;
	population_window_start(time(NULL), 12, since);
	assert_true(time_parse_iso(since, &start));
	static const struct {
		long offset;
		int64_t eligible;
	} at[] = {{+120, 4}, {-120, 6}}; /* a couple of minutes inside, and before, the window */
	for (size_t i = 0; i < COUNT(at); i++) {
		char when[32];
		time_iso(when, start + at[i].offset);
		Stmt q;
		db_prepare(&q, t->db, "UPDATE round SET sampled_at = ?1 WHERE id = ?2");
		db_bind_text(&q, 1, when);
		db_bind_int(&q, 2, r1.id);
		assert_int_equal(db_done(&q), DB_OK);
		db_finalize(&q);
		Population p;
		assert_int_equal(population_compute(t->db, &r2, &(SampleFilters){0}, 12, 0, &p), 0);
		assert_int_equal(p.eligible, at[i].eligible);
		assert_int_equal(p.excluded, 6 - at[i].eligible);
		population_free(&p);
	}
	testdb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_matches_independent_blake2b),
		cmocka_unit_test(test_sample_is_the_smallest_keys),
		cmocka_unit_test(test_per_advisor_and_exclusion),
		cmocka_unit_test(test_replace_takes_the_next_key),
		cmocka_unit_test(test_bad_requests_change_nothing),
		cmocka_unit_test(test_population_digest_is_bytewise),
		cmocka_unit_test(test_exclusion_window_at_month_ends),
	};
	return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
