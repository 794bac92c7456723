/*
** Tests of authentication and authorisation (auth.c) against real SQLite files: argon2id
** password hashing, the password rules, constant-time token comparison, sessions (idle and
** absolute expiry, last-seen refresh, ending them), login with auditing, waits per login and
** address and per address, the aggregated audit of refusals, the signed login token, roles, and the permission each role has.
*/
#include "unit_helpers.h"

#define T0 ((int64_t)1700000000) /* a fixed "now" for session and login tests */
#define GOOD_PASSWORD "korrekt hest batteri"

static int group_setup(void **state)
{
	(void)state;
	return auth_init() == 0 ? 0 : -1;
}

static int setup(void **state)
{
	*state = testdb_new();
	return 0;
}

static int teardown(void **state)
{
	testdb_free(*state);
	return 0;
}

/* A user row for session tests, without the cost of hashing a password. */
static int64_t quick_user(Db *db, const char *login)
{
	Stmt q;
	db_prepare(&q, db, "INSERT INTO users (login, name, password_hash) VALUES (?1, ?1, 'ingen') RETURNING id");
	db_bind_text(&q, 1, login);
	int64_t id = 0;
	assert_int_equal(db_insert_id(&q, &id), DB_OK);
	db_finalize(&q);
	return id;
}

/* A real user with a real password hash, for login tests. */
static int64_t real_user(Db *db, const char *login, const char *password)
{
	int64_t id = 0;
	char msg[300] = "";
	if (user_add(db, login, "Anna Hansen", 0, password, 0, &id, msg, sizeof msg) != 0)
		fail_msg("user_add: %s", msg);
	return id;
}

static int64_t session_rows(Db *db, int64_t session_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM session WHERE id = ?1");
	db_bind_int(&q, 1, session_id);
	assert_true(db_step(&q));
	int64_t n = db_col_int(&q, 0);
	db_finalize(&q);
	return n;
}

static void last_audit(Db *db, char *action, size_t n, int64_t *user_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT action, user_id FROM audit ORDER BY id DESC LIMIT 1");
	assert_true(db_step(&q));
	snprintf(action, n, "%s", db_col_text(&q, 0));
	*user_id = db_col_int(&q, 1);
	db_finalize(&q);
}

/* ---- passwords and tokens ---- */

static void password_hash_and_verify(void **state)
{
	(void)state;
	char hash[128], hash2[128];
	assert_int_equal(auth_password_hash(GOOD_PASSWORD, hash, sizeof hash), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_null(strstr(hash, GOOD_PASSWORD));
	assert_true(auth_password_verify(hash, GOOD_PASSWORD));
	assert_false(auth_password_verify(hash, "korrekt hest batterI"));
	assert_false(auth_password_verify(hash, "korrekt hest batteri "));
	assert_false(auth_password_verify(hash, ""));
	assert_false(auth_password_verify("ikke en hash", GOOD_PASSWORD));
	/* Salted: the same password hashes differently each time, and both verify. */
	assert_int_equal(auth_password_hash(GOOD_PASSWORD, hash2, sizeof hash2), 0);
	assert_string_not_equal(hash, hash2);
	assert_true(auth_password_verify(hash2, GOOD_PASSWORD));
	/* Too small an output buffer is refused, not overrun. */
	char tiny[16];
	assert_int_equal(auth_password_hash(GOOD_PASSWORD, tiny, sizeof tiny), -1);
}

static char *repeat(const char *unit, int times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * (size_t)times + 1);
	assert_non_null(s);
	for (int i = 0; i < times; i++)
		memcpy(s + n * (size_t)i, unit, n);
	s[n * (size_t)times] = 0;
	return s;
}

static void password_rules(void **state)
{
	(void)state;
	const char *too_short = "Adgangskoden skal være mindst 10 tegn lang.";
	const char *too_long = "Adgangskoden er for lang (højst 200 tegn).";
	assert_string_equal(auth_password_problem(NULL), "Adgangskode mangler.");
	assert_string_equal(auth_password_problem(""), "Adgangskode mangler.");
	assert_string_equal(auth_password_problem("123456789"), too_short);
	assert_null(auth_password_problem("1234567890"));
	assert_null(auth_password_problem(GOOD_PASSWORD));
	/* Characters are counted, not bytes: 9 æ are 18 bytes but only 9 characters. */
	assert_string_equal(auth_password_problem("æøåæøåæøå"), too_short);
	assert_null(auth_password_problem("æøåæøåæøåÆ"));
	assert_string_equal(auth_password_problem("😀😀😀😀😀😀😀😀😀"), too_short); /* 36 bytes */
	assert_null(auth_password_problem("😀😀😀😀😀😀😀😀😀😀"));

	char *s = repeat("a", 200);
	assert_null(auth_password_problem(s));
	free(s);
	s = repeat("a", 201);
	assert_string_equal(auth_password_problem(s), too_long);
	free(s);
	/* The upper limit is PASSWORD_MAX bytes, the same limit the login form (page_login.c) and
	** the command line (main.c) apply, so every accepted password can also be used to log in. */
	s = repeat("æ", PASSWORD_MAX / 2);
	assert_null(auth_password_problem(s));
	free(s);
	s = repeat("æ", PASSWORD_MAX / 2 + 1);
	assert_string_equal(auth_password_problem(s), too_long);
	free(s);

	assert_string_equal(auth_password_problem("abcdefghij\xFF"), "Adgangskoden indeholder ugyldige tegn.");
	assert_string_equal(auth_password_problem("abcdefghij\xC0\x80"), "Adgangskoden indeholder ugyldige tegn.");
	assert_string_equal(auth_password_problem("\xC3" "abcdefghijk"), "Adgangskoden indeholder ugyldige tegn.");
}

static void token_comparison(void **state)
{
	(void)state;
	char a[TOKEN_HEX], b[TOKEN_HEX];
	auth_random_token(a);
	memcpy(b, a, sizeof b);
	assert_true(auth_token_equal(a, b));
	assert_true(auth_token_equal("x", "x"));
	b[TOKEN_HEX - 2] = b[TOKEN_HEX - 2] == 'a' ? 'b' : 'a';
	assert_false(auth_token_equal(a, b));
	b[TOKEN_HEX - 2] = a[TOKEN_HEX - 2];
	b[0] = b[0] == '0' ? '1' : '0';
	assert_false(auth_token_equal(a, b));
	assert_false(auth_token_equal("abc", "abcd")); /* different length */
	assert_false(auth_token_equal("abcd", "abc"));
	assert_false(auth_token_equal(a, NULL));
	assert_false(auth_token_equal(NULL, a));
	assert_false(auth_token_equal(NULL, NULL));
	assert_false(auth_token_equal("", ""));       /* a missing token never matches */
	assert_false(auth_token_equal("", a));
}

static void random_tokens_and_passwords(void **state)
{
	(void)state;
	char a[TOKEN_HEX], b[TOKEN_HEX];
	auth_random_token(a);
	auth_random_token(b);
	assert_int_equal(strlen(a), 2 * TOKEN_BYTES);
	assert_int_equal(strspn(a, "0123456789abcdef"), 2 * TOKEN_BYTES);
	assert_string_not_equal(a, b);

	char pw[13];
	auth_random_password(pw, sizeof pw);
	assert_int_equal(strlen(pw), 12);
	assert_int_equal(strspn(pw, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 12);
	assert_null(auth_password_problem(pw));
}

/* ---- sessions ---- */

static void session_create_and_lookup(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char token[TOKEN_HEX];
	Session s;
	assert_int_equal(auth_session_create(t->db, uid, T0, "10.0.0.1", token, &s), 0);
	assert_int_equal(strlen(token), 2 * TOKEN_BYTES);
	assert_true(s.id > 0);
	assert_int_equal(s.user_id, uid);
	assert_int_equal(s.created, T0);
	assert_int_equal(s.last_seen, T0);
	assert_int_equal(strlen(s.csrf), 2 * TOKEN_BYTES);
	assert_string_not_equal(s.csrf, token);

	Session found;
	memset(&found, 0, sizeof found);
	assert_true(auth_session_lookup(t->db, token, T0 + 5, &found));
	assert_int_equal(found.id, s.id);
	assert_int_equal(found.user_id, uid);
	assert_string_equal(found.csrf, s.csrf);
	assert_int_equal(found.created, T0);

	/* Only a hash of the token is stored. */
	Stmt q;
	db_prepare(&q, t->db, "SELECT count(*) FROM session WHERE lower(hex(token_hash)) = ?1 OR token_hash = ?1"
	                      " OR csrf = ?1 OR CAST(token_hash AS TEXT) = ?1");
	db_bind_text(&q, 1, token);
	assert_true(db_step(&q));
	assert_int_equal(db_col_int(&q, 0), 0);
	db_finalize(&q);

	/* Two sessions of the same user are independent. */
	char token2[TOKEN_HEX];
	Session s2;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, token2, &s2), 0);
	assert_string_not_equal(token, token2);
	assert_true(auth_session_lookup(t->db, token2, T0, &found));
	assert_int_equal(found.id, s2.id);
}

static void session_wrong_tokens(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char token[TOKEN_HEX];
	Session s, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, token, &s), 0);

	char other[TOKEN_HEX];
	auth_random_token(other);
	assert_false(auth_session_lookup(t->db, other, T0, &found));
	char changed[TOKEN_HEX];
	memcpy(changed, token, sizeof changed);
	changed[10] = changed[10] == 'f' ? 'e' : 'f';
	assert_false(auth_session_lookup(t->db, changed, T0, &found));
	char shorter[TOKEN_HEX];
	memcpy(shorter, token, sizeof shorter);
	shorter[2 * TOKEN_BYTES - 1] = 0;
	assert_false(auth_session_lookup(t->db, shorter, T0, &found));
	assert_false(auth_session_lookup(t->db, "xyz", T0, &found));
	assert_false(auth_session_lookup(t->db, "", T0, &found));
	assert_false(auth_session_lookup(t->db, NULL, T0, &found));
	char garbage[TOKEN_HEX];
	memset(garbage, 'z', sizeof garbage - 1);
	garbage[sizeof garbage - 1] = 0;
	assert_false(auth_session_lookup(t->db, garbage, T0, &found));
	/* The csrf token is not a session token. */
	assert_false(auth_session_lookup(t->db, s.csrf, T0, &found));
	/* None of that harmed the real session. */
	assert_true(auth_session_lookup(t->db, token, T0, &found));
}

static void session_idle_expiry(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char ta[TOKEN_HEX], tb[TOKEN_HEX];
	Session a, b, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, ta, &a), 0);
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, tb, &b), 0);

	assert_false(auth_session_lookup(t->db, ta, T0 + SESSION_IDLE_SECONDS, &found));
	assert_int_equal(found.user_id, uid); /* it still names whose it was: a draft is kept for them */
	assert_int_equal(session_rows(t->db, a.id), 0); /* the expired session is deleted */
	assert_false(auth_session_lookup(t->db, ta, T0, &found)); /* and stays gone */
	assert_int_equal(found.user_id, 0);

	assert_true(auth_session_lookup(t->db, tb, T0 + SESSION_IDLE_SECONDS - 1, &found));
	assert_int_equal(found.id, b.id);
	assert_int_equal(session_rows(t->db, b.id), 1);
}

static void session_last_seen_refreshed(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char token[TOKEN_HEX];
	Session s, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, token, &s), 0);

	assert_true(auth_session_lookup(t->db, token, T0 + 120, &found));
	assert_int_equal(found.last_seen, T0 + 120);
	Stmt q;
	db_prepare(&q, t->db, "SELECT last_seen FROM session WHERE id = ?1");
	db_bind_int(&q, 1, s.id);
	assert_true(db_step(&q));
	assert_int_equal(db_col_int(&q, 0), T0 + 120);
	db_finalize(&q);

	/* Written at most once a minute. */
	assert_true(auth_session_lookup(t->db, token, T0 + 150, &found));
	assert_int_equal(found.last_seen, T0 + 120);

	/* Idle time counts from the refreshed last_seen. */
	assert_true(auth_session_lookup(t->db, token, T0 + 120 + SESSION_IDLE_SECONDS - 1, &found));
	assert_int_equal(found.last_seen, T0 + 120 + SESSION_IDLE_SECONDS - 1);
	assert_true(auth_session_lookup(t->db, token, T0 + 120 + 2 * SESSION_IDLE_SECONDS - 2, &found));
	assert_false(auth_session_lookup(t->db, token, T0 + 120 + 3 * SESSION_IDLE_SECONDS - 2, &found));
}

static void session_absolute_expiry(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char token[TOKEN_HEX];
	Session s, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, token, &s), 0);
	/* Active every five minutes all day: fine until 12 hours have passed. */
	int64_t now;
	for (now = T0 + 300; now < T0 + SESSION_ABSOLUTE_SECONDS; now += 300) {
		if (!auth_session_lookup(t->db, token, now, &found))
			fail_msg("session ended after %lld s", (long long)(now - T0));
	}
	assert_int_equal(found.last_seen, T0 + SESSION_ABSOLUTE_SECONDS - 300);
	assert_true(auth_session_lookup(t->db, token, T0 + SESSION_ABSOLUTE_SECONDS - 1, &found));
	assert_false(auth_session_lookup(t->db, token, T0 + SESSION_ABSOLUTE_SECONDS, &found));
	assert_int_equal(session_rows(t->db, s.id), 0);
}

static void session_expired_rules(void **state)
{
	(void)state;
	Session s = {.created = T0, .last_seen = T0 + 100};
	assert_false(auth_session_expired(&s, T0 + 100));
	assert_false(auth_session_expired(&s, T0 + 100 + SESSION_IDLE_SECONDS - 1));
	assert_true(auth_session_expired(&s, T0 + 100 + SESSION_IDLE_SECONDS));
	s.last_seen = T0 + SESSION_ABSOLUTE_SECONDS - 1;
	assert_false(auth_session_expired(&s, T0 + SESSION_ABSOLUTE_SECONDS - 1));
	assert_true(auth_session_expired(&s, T0 + SESSION_ABSOLUTE_SECONDS));
	/* A clock that went backwards does not extend a session. */
	s.last_seen = T0;
	assert_true(auth_session_expired(&s, T0 - 1));
}

static void session_end(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	int64_t other_uid = quick_user(t->db, "bo");
	char ta[TOKEN_HEX], tb[TOKEN_HEX], tc[TOKEN_HEX];
	Session a, b, c, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, ta, &a), 0);
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, tb, &b), 0);
	assert_int_equal(auth_session_create(t->db, other_uid, T0, NULL, tc, &c), 0);

	auth_session_end(t->db, a.id);
	assert_false(auth_session_lookup(t->db, ta, T0 + 1, &found));
	assert_true(auth_session_lookup(t->db, tb, T0 + 1, &found));

	auth_session_end_user(t->db, uid);
	assert_false(auth_session_lookup(t->db, tb, T0 + 2, &found));
	assert_true(auth_session_lookup(t->db, tc, T0 + 2, &found)); /* another user's session stays */
}

static void session_of_inactive_user(void **state)
{
	TestDb *t = *state;
	int64_t uid = quick_user(t->db, "sara");
	char token[TOKEN_HEX];
	Session s, found;
	assert_int_equal(auth_session_create(t->db, uid, T0, NULL, token, &s), 0);
	assert_int_equal(db_exec(t->db, "UPDATE users SET active = 0"), DB_OK);
	assert_false(auth_session_lookup(t->db, token, T0 + 1, &found));
}

/* ---- login ---- */

static void login_right_password(void **state)
{
	TestDb *t = *state;
	int64_t uid = real_user(t->db, "anna", GOOD_PASSWORD);
	User u;
	memset(&u, 0, sizeof u);
	int64_t retry_after = -1;
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, T0, "10.1.2.3", &u, &retry_after), LOGIN_OK);
	assert_int_equal(retry_after, 0);
	assert_int_equal(u.id, uid);
	assert_string_equal(u.login, "anna");
	assert_string_equal(u.name, "Anna Hansen");
	assert_true(u.active);
	char action[32];
	int64_t audit_user = 0;
	last_audit(t->db, action, sizeof action, &audit_user);
	assert_string_equal(action, "login");
	assert_int_equal(audit_user, uid);
	char ip[32];
	testdb_text(t->db, "SELECT ip FROM audit ORDER BY id DESC LIMIT 1", ip, sizeof ip);
	assert_string_equal(ip, "10.1.2.3");
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

/* denial.c counts refusals per address and minute in memory, for the whole process: each test
** below uses addresses of its own, so that one test's first refusal is not another's. */
static void login_wrong_password_or_user(void **state)
{
	TestDb *t = *state;
	real_user(t->db, "anna", GOOD_PASSWORD);
	User u;
	int64_t retry_after = -1;
	char action[32], detail[128];
	int64_t audit_user = -1;

	assert_int_equal(login_try(t->db, "anna", "forkert kodeord", T0, "10.0.1.1", &u, &retry_after), LOGIN_BAD);
	assert_int_equal(retry_after, 0);
	last_audit(t->db, action, sizeof action, &audit_user);
	assert_string_equal(action, "login_failed");
	assert_int_equal(audit_user, 0);
	testdb_text(t->db, "SELECT login || '|' || detail FROM audit ORDER BY id DESC LIMIT 1", detail, sizeof detail);
	assert_string_equal(detail, "anna|forkert adgangskode");

	assert_int_equal(login_try(t->db, "ukendt", GOOD_PASSWORD, T0, "10.0.1.2", &u, &retry_after), LOGIN_BAD);
	last_audit(t->db, action, sizeof action, &audit_user);
	assert_string_equal(action, "login_failed");
	testdb_text(t->db, "SELECT login || '|' || detail FROM audit ORDER BY id DESC LIMIT 1", detail, sizeof detail);
	assert_string_equal(detail, "ukendt|ukendt eller deaktiveret bruger");
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'login'"), 0);
}

/* The wait grows per login and address; another address with the right password logs in at once. */
static void login_waits_per_login_and_address(void **state)
{
	TestDb *t = *state;
	real_user(t->db, "anna", GOOD_PASSWORD);
	User u;
	int64_t retry_after = -1, now = T0 + 1000;
	const char *attacker = "10.0.2.1", *victim = "10.0.2.2";
	for (int i = 0; i < LOGIN_FREE_FAILURES - 1; i++) {
		assert_int_equal(login_try(t->db, "anna", "forkert", now, attacker, &u, &retry_after), LOGIN_BAD);
		assert_int_equal(login_wait(t->db, "anna", attacker, now), 0);
	}
	/* Each further failure doubles the wait: 1, 2, 4, 8 s ... */
	int64_t expect = 1;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(login_try(t->db, "anna", "forkert", now, attacker, &u, &retry_after), LOGIN_BAD);
		assert_int_equal(login_wait(t->db, "ANNA", attacker, now), expect);
		/* Meanwhile even the right password waits, answered at once with the time left. */
		assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now, attacker, &u, &retry_after), LOGIN_THROTTLED);
		assert_int_equal(retry_after, expect);
		now += expect;
		expect *= 2;
	}
	assert_true(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'login_throttled'") >= 5);
	/* The person herself, from her own address, is not held back. */
	assert_int_equal(login_wait(t->db, "anna", victim, now), 0);
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now, victim, &u, &retry_after), LOGIN_OK);
	/* Nor is another login from the attacker's address (below the address budget). */
	assert_int_equal(login_wait(t->db, "bo", attacker, now), 0);
	/* The wait is capped. */
	assert_int_equal(db_exec(t->db, "UPDATE login_attempt SET failures = 1000000 WHERE login = '10.0.2.1 anna'"),
	                 DB_OK);
	assert_int_equal(login_try(t->db, "anna", "forkert", now + LOGIN_MAX_WAIT, attacker, &u, &retry_after),
	                 LOGIN_BAD);
	assert_int_equal(login_wait(t->db, "anna", attacker, now + LOGIN_MAX_WAIT), LOGIN_MAX_WAIT);
	/* After the wait, the right password works and clears the count of that address. */
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now + 2 * LOGIN_MAX_WAIT, attacker, &u, &retry_after),
	                 LOGIN_OK);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM login_attempt WHERE login = '10.0.2.1 anna'"), 0);
}

/* Spraying many logins from one address: after LOGIN_ADDRESS_BUDGET failures the address waits. */
static void login_address_budget(void **state)
{
	TestDb *t = *state;
	real_user(t->db, "anna", GOOD_PASSWORD);
	User u;
	int64_t retry_after = -1, now = T0 + 5000;
	const char *sprayer = "10.0.3.1";
	for (int i = 0; i < LOGIN_ADDRESS_BUDGET; i++) {
		char login[32];
		snprintf(login, sizeof login, "bruger%d", i);
		assert_int_equal(login_wait(t->db, login, sprayer, now), 0);
		assert_int_equal(login_try(t->db, login, "forkert", now, sprayer, &u, &retry_after), LOGIN_BAD);
	}
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now + 1, sprayer, &u, &retry_after), LOGIN_THROTTLED);
	assert_int_equal(retry_after, LOGIN_ADDRESS_WAIT - 1);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'login_throttled' AND object = 'address'"),
	                 1);
	/* Another address is untouched. */
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now + 1, "10.0.3.2", &u, &retry_after), LOGIN_OK);
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, now + LOGIN_ADDRESS_WAIT, sprayer, &u, &retry_after),
	                 LOGIN_OK);
}

/* The table of failure counts stays bounded: old rows go, and only the newest `cap` stay. */
static void login_attempts_trimmed(void **state)
{
	TestDb *t = *state;
	assert_int_equal(db_exec(t->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
	                                " INSERT INTO login_attempt (login, failures, last_failure)"
	                                " SELECT '10.9.0.' || i || ' x', 1, 1700000000 + i FROM n"),
	                 DB_OK);
	login_attempts_trim(t->db, 1700000000 + LOGIN_FORGET_SECONDS + 100, 1000);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM login_attempt"), 401);
	assert_int_equal(testdb_int(t->db, "SELECT min(last_failure) FROM login_attempt"), 1700000000 + 100);
	login_attempts_trim(t->db, 1700000000 + 1000, 50);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM login_attempt"), 50);
	assert_int_equal(testdb_int(t->db, "SELECT min(last_failure) FROM login_attempt"), 1700000000 + 451);
}

/* The current password asked again counts like a login and is audited each time. */
static void password_recheck_counts(void **state)
{
	TestDb *t = *state;
	int64_t uid = real_user(t->db, "anna", GOOD_PASSWORD);
	User u;
	assert_true(user_by_id(t->db, uid, &u));
	int64_t retry_after, failures, now = T0 + 9000;
	assert_int_equal(login_password_recheck(t->db, &u, GOOD_PASSWORD, now, "10.0.4.1", &retry_after, &failures), 1);
	for (int i = 1; i <= LOGIN_FREE_FAILURES; i++) {
		assert_int_equal(login_password_recheck(t->db, &u, "forkert", now, "10.0.4.1", &retry_after, &failures), 0);
		assert_int_equal(failures, i);
	}
	assert_int_equal(login_password_recheck(t->db, &u, GOOD_PASSWORD, now, "10.0.4.1", &retry_after, &failures), -1);
	assert_int_equal(retry_after, 1);
	assert_int_equal(testdb_int(t->db, "SELECT count(*) FROM audit WHERE action = 'password_check_failed'"
	                                   " AND user_id = (SELECT id FROM users WHERE login = 'anna')"),
	                 LOGIN_FREE_FAILURES);
}

/* Refusals: the first of an address and minute is for the caller to audit, the rest are counted
** and written as one entry per address and minute when the minute is over. */
static void denials_aggregated(void **state)
{
	TestDb *t = *state;
	int64_t now = (T0 / 60 + 20000) * 60; /* the start of a minute no other test uses */
	assert_int_equal(denial_note("10.0.5.1", DENIAL_FAILED, now), 1);
	for (int i = 0; i < 99; i++)
		assert_int_equal(denial_note("10.0.5.1", i % 2 ? DENIAL_THROTTLED : DENIAL_CSRF, now + 1), 0);
	assert_int_equal(denial_note("10.0.5.2", DENIAL_FAILED, now), 1);
	denial_flush(t->db, now + 59, 0); /* the minute is not over: nothing written for it */
	const char *ours = "SELECT count(*) FROM audit WHERE ip LIKE '10.0.5.%'";
	assert_int_equal(testdb_int(t->db, ours), 0);
	assert_int_equal(denial_note("10.0.5.1", DENIAL_FAILED, now + 60), 1); /* a new minute */
	denial_flush(t->db, now + 60, 0);
	assert_int_equal(testdb_int(t->db, ours), 1); /* 10.0.5.2 had only its first: nothing to add */
	char detail[300];
	testdb_text(t->db, "SELECT ip || '|' || detail FROM audit WHERE ip LIKE '10.0.5.%'", detail, sizeof detail);
	assert_string_equal(detail, "10.0.5.1|99 afviste login-forsøg mere i minuttet (forkert adgangskode eller ukendt "
	                            "bruger: 0, for mange forsøg: 49, ugyldig login-formular: 50)");
	assert_int_equal(denial_note("10.0.5.1", DENIAL_CSRF, now + 61), 0);
	denial_flush(t->db, now + 61, 1); /* at shutdown: everything, also the minute in progress */
	assert_int_equal(testdb_int(t->db, ours), 2);
	int64_t bad;
	assert_int_equal(audit_verify(t->db, &bad), 0);
}

/* The login form's token: made here, signed, and good for LOGIN_TOKEN_SECONDS. */
static void login_token_signed(void **state)
{
	TestDb *t = *state;
	char tok[TOKEN_HEX], other[TOKEN_HEX];
	auth_login_token_make(t->db, T0, tok);
	assert_int_equal(strlen(tok), 64);
	assert_true(auth_login_token_valid(t->db, tok, T0));
	assert_true(auth_login_token_valid(t->db, tok, T0 + LOGIN_TOKEN_SECONDS - 1));
	assert_false(auth_login_token_valid(t->db, tok, T0 + LOGIN_TOKEN_SECONDS));
	assert_false(auth_login_token_valid(t->db, tok, T0 - 3600)); /* from the future */
	auth_login_token_make(t->db, T0, other);
	assert_string_not_equal(tok, other);
	/* Any change, and any random token (the old plain double submit), is refused. */
	for (int i = 0; i < 64; i++) {
		char bad[TOKEN_HEX];
		memcpy(bad, tok, sizeof bad);
		bad[i] = bad[i] == '0' ? '1' : '0';
		assert_false(auth_login_token_valid(t->db, bad, T0));
	}
	auth_random_token(other);
	assert_false(auth_login_token_valid(t->db, other, T0));
	assert_false(auth_login_token_valid(t->db, NULL, T0));
	assert_false(auth_login_token_valid(t->db, "", T0));
	/* The key is kept in the setting table. */
	assert_int_equal(testdb_int(t->db, "SELECT length(value) FROM setting WHERE key = 'login_token_key'"), 64);
}

static void login_deactivated_user(void **state)
{
	TestDb *t = *state;
	int64_t uid = real_user(t->db, "anna", GOOD_PASSWORD);
	char msg[300] = "";
	assert_int_equal(user_update(t->db, uid, "Anna Hansen", 0, 0, msg, sizeof msg), 0);
	User u;
	int64_t retry_after;
	assert_int_equal(login_try(t->db, "anna", GOOD_PASSWORD, T0, "10.0.6.1", &u, &retry_after), LOGIN_BAD);
	char detail[128];
	testdb_text(t->db, "SELECT detail FROM audit ORDER BY id DESC LIMIT 1", detail, sizeof detail);
	assert_string_equal(detail, "ukendt eller deaktiveret bruger");
}

/* ---- roles and permissions ---- */

static void roles_round_trip(void **state)
{
	(void)state;
	const char *codes[ROLE_COUNT] = {"", "admin", "leder", "koordinator", "raadgiver", "ekstern"};
	for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++) {
		assert_string_equal(role_code((Role)r), codes[r]);
		assert_int_equal(role_parse(codes[r]), r);
		assert_int_equal(role_parse(role_code((Role)r)), r);
		assert_true(strlen(role_title((Role)r)) > 0);
	}
	assert_int_equal(role_parse(""), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_int_equal(role_parse("chef"), ROLE_NONE);
	assert_int_equal(role_parse("leder "), ROLE_NONE);
	assert_string_equal(role_code(ROLE_NONE), "");
	assert_string_equal(role_code((Role)99), "");
	assert_string_equal(role_title((Role)-1), "");
	assert_string_equal(role_title(ROLE_RAADGIVER), "rådgiver");
	assert_string_equal(role_title(ROLE_KOORDINATOR), "faglig koordinator");
}

static void permissions_by_role(void **state)
{
	(void)state;
	/* Columns: department role NONE, LEDER, KOORDINATOR, RAADGIVER, EKSTERN; for a user who is
	** not an administrator (row 0) and one who is (row 1). */
	static const Role cols[] = {ROLE_NONE, ROLE_LEDER, ROLE_KOORDINATOR, ROLE_RAADGIVER, ROLE_EKSTERN};
	static const struct {
		Perm perm;
		const char *name;
		int allow[2][5];
	} table[] = {
		{PERM_PUBLIC,         "public",     {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}},
		{PERM_LOGIN,          "login",      {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}},
		{PERM_ADMIN,          "admin",      {{0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}}},
		{PERM_DEPT_MEMBER,    "member",     {{0, 1, 1, 1, 1}, {0, 1, 1, 1, 1}}},
		{PERM_DEPT_WORKGROUP, "workgroup",  {{0, 1, 1, 0, 0}, {0, 1, 1, 0, 0}}},
		{PERM_DEPT_LEDER,     "leder",      {{0, 1, 0, 0, 0}, {0, 1, 0, 0, 0}}},
	};
	int wrong = 0;
	for (size_t i = 0; i < COUNT(table); i++)
		for (int admin = 0; admin < 2; admin++)
			for (size_t c = 0; c < COUNT(cols); c++) {
				int got = auth_allows(table[i].perm, admin, cols[c]) != 0;
				if (got != table[i].allow[admin][c]) {
					print_error("perm %s, admin %d, role '%s': got %d\n", table[i].name, admin,
					            role_code(cols[c]), got);
					wrong++;
				}
			}
	assert_int_equal(wrong, 0);
	assert_false(auth_allows((Perm)99, 1, ROLE_LEDER));
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_hash_and_verify),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(token_comparison),
		cmocka_unit_test(random_tokens_and_passwords),
		DB_TEST(session_create_and_lookup),
		DB_TEST(session_wrong_tokens),
		DB_TEST(session_idle_expiry),
		DB_TEST(session_last_seen_refreshed),
		DB_TEST(session_absolute_expiry),
		cmocka_unit_test(session_expired_rules),
		DB_TEST(session_end),
		DB_TEST(session_of_inactive_user),
		DB_TEST(login_right_password),
		DB_TEST(login_wrong_password_or_user),
		DB_TEST(login_waits_per_login_and_address),
		DB_TEST(login_address_budget),
		DB_TEST(login_attempts_trimmed),
		DB_TEST(password_recheck_counts),
		DB_TEST(denials_aggregated),
		DB_TEST(login_token_signed),
		DB_TEST(login_deactivated_user),
		cmocka_unit_test(roles_round_trip),
		cmocka_unit_test(permissions_by_role),
	};
	return cmocka_run_group_tests_name("auth", tests, group_setup, NULL);
}
