/*
** Authentication and authorisation: roles and what each may do, argon2id passwords,
** sessions (random tokens of which only a hash is stored, with idle and absolute
** expiry), throttling of repeated failed logins per login and client address (never a
** lock-out for everyone, never a sleep), and CSRF tokens (the login form's signed).
*/
#include "tilsyn.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code;
	const char *title;
} roles[ROLE_COUNT] = {
	[ROLE_NONE] = {"", "ingen"},
	[ROLE_ADMIN] = {"admin", "administrator"},
	[ROLE_LEDER] = {"leder", "leder"},
	[ROLE_KOORDINATOR] = {"koordinator", "faglig koordinator"},
	[ROLE_RAADGIVER] = {"raadgiver", "rådgiver"},
	[ROLE_EKSTERN] = {"ekstern", "ekstern konsulent"},
};

/* An invited outside reviewer is an ekstern by role: named and shown as one. */
const char *role_code(Role r)
{
	if (r == ROLE_EKSTERN_INVITED)
		r = ROLE_EKSTERN;
	return (unsigned)r < ROLE_COUNT ? roles[r].code : "";
}

const char *role_title(Role r)
{
	if (r == ROLE_EKSTERN_INVITED)
		r = ROLE_EKSTERN;
	return (unsigned)r < ROLE_COUNT ? _(roles[r].title) : "";
}

Role role_parse(const char *s)
{
	for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++)
		if (str_eq(s, roles[r].code))
			return (Role)r;
	return ROLE_NONE;
}

/*
** The powers of each role (the data-protection rules of the domain): the working group (leder, koordinator)
** sees all assessments of its department; caseworkers and external reviewers only what
** a later check on the object gives them; administrators manage users and departments
** but see no case content unless they also hold a role in the department. An external
** reviewer invited to an ekstern round (ROLE_EKSTERN_INVITED, given by the router only on
** that round's pages) has the working group's powers there, and never the leder's.
*/
int auth_allows(Perm p, int is_admin, Role dept_role)
{
	switch (p) {
	case PERM_PUBLIC:
	case PERM_LOGIN:
		return 1;
	case PERM_ADMIN:
		return is_admin;
	case PERM_DEPT_MEMBER:
		return dept_role != ROLE_NONE;
	case PERM_DEPT_WORKGROUP:
		return dept_role == ROLE_LEDER || dept_role == ROLE_KOORDINATOR || dept_role == ROLE_EKSTERN_INVITED;
	case PERM_DEPT_LEDER:
		return dept_role == ROLE_LEDER;
	}
	return 0;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Verifying against this for unknown logins makes them take as long as known ones. It is
** made on the first login attempt, not at start, so other commands do not pay for it. */
static void make_dummy_hash(void)
{
	char pw[TOKEN_HEX];
	auth_random_token(pw);
	if (auth_password_hash(pw, dummy_hash, sizeof dummy_hash) != 0)
		fatal("cannot make the placeholder password hash");
}

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int auth_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

int auth_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* NULL when the password is acceptable, else what is wrong with it. */
const char *auth_password_problem(const char *password)
{
	if (!password || !*password)
		return _("Adgangskode mangler.");
	size_t n = strlen(password);
	if (!utf8_valid(password, n))
		return _("Adgangskoden indeholder ugyldige tegn.");
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)password[i] & 0xC0) != 0x80;
	if (chars < PASSWORD_MIN)
		return _("Adgangskoden skal være mindst 10 tegn lang.");
	if (n > PASSWORD_MAX)
		return _("Adgangskoden er for lang (højst 200 tegn).");
	return NULL;
}

void auth_random_token(char out[TOKEN_HEX])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	hex_encode(out, raw, sizeof raw);
}

/* A temporary password that is easy to read aloud: no 0/O, 1/l/I. */
void auth_random_password(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[n - 1] = 0;
}

/* Constant-time comparison of two tokens; a missing one never matches. */
int auth_token_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t n = strlen(a);
	if (n == 0 || n != strlen(b))
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}

static int token_hash(const char *token, unsigned char out[32])
{
	unsigned char raw[TOKEN_BYTES];
	if (!token || !hex_decode(raw, sizeof raw, token))
		return 0;
	crypto_generichash(out, 32, raw, sizeof raw, NULL, 0);
	return 1;
}

int auth_session_create(Db *db, int64_t user_id, int64_t now, const char *ip, char token[TOKEN_HEX],
                        Session *out)
{
	unsigned char h[32];
	auth_random_token(token);
	token_hash(token, h);
	memset(out, 0, sizeof *out);
	auth_random_token(out->csrf);
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO session (token_hash, user_id, csrf, created, last_seen, ip)"
	           " VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id");
	db_bind_blob(&q, 1, h, sizeof h);
	db_bind_int(&q, 2, user_id);
	db_bind_text(&q, 3, out->csrf);
	db_bind_int(&q, 4, now);
	db_bind_text(&q, 5, ip);
	int rc = db_insert_id(&q, &out->id);
	db_finalize(&q);
	if (rc != DB_OK)
		return -1;
	out->user_id = user_id;
	out->created = out->last_seen = now;
	return 0;
}

int auth_session_expired(const Session *s, int64_t now)
{
	return now - s->last_seen >= SESSION_IDLE_SECONDS || now - s->created >= SESSION_ABSOLUTE_SECONDS ||
	       now < s->created;
}

/* Finds the live session for a cookie token; ends it when it has expired. The last-seen
** time is written at most once a minute so that reading pages stays cheap. On an expired
** session it answers 0 with out->user_id still naming its user: a save sent then is kept as a
** draft for that person only (flash.c); out->user_id is 0 when the token names no session. */
int auth_session_lookup(Db *db, const char *token, int64_t now, Session *out)
{
	unsigned char h[32];
	memset(out, 0, sizeof *out);
	if (!token_hash(token, h))
		return 0;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT s.id, s.user_id, s.csrf, s.created, s.last_seen FROM session s"
	           " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND u.active = 1");
	db_bind_blob(&q, 1, h, sizeof h);
	int found = db_step(&q);
	if (found) {
		out->id = db_col_int(&q, 0);
		out->user_id = db_col_int(&q, 1);
		snprintf(out->csrf, sizeof out->csrf, "%s", db_col_text(&q, 2));
		out->created = db_col_int(&q, 3);
		out->last_seen = db_col_int(&q, 4);
	}
	db_finalize(&q);
	if (!found)
		return 0;
	if (auth_session_expired(out, now)) {
		auth_session_end(db, out->id);
		return 0;
	}
	if (now - out->last_seen >= 60) {
		db_prepare(&q, db, "UPDATE session SET last_seen = ?2 WHERE id = ?1");
		db_bind_int(&q, 1, out->id);
		db_bind_int(&q, 2, now);
		db_done(&q);
		db_finalize(&q);
		out->last_seen = now;
	}
	return 1;
}

void auth_session_end(Db *db, int64_t session_id)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM session WHERE id = ?1");
	db_bind_int(&q, 1, session_id);
	db_done(&q);
	db_finalize(&q);
}

void auth_session_end_user(Db *db, int64_t user_id)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM session WHERE user_id = ?1");
	db_bind_int(&q, 1, user_id);
	db_done(&q);
	db_finalize(&q);
	/* The user's failure counts from every address (keys "ADDRESS LOGIN", both in the canonical
	** lower case; see auth_login_wait). */
	db_prepare(&q, db,
	           "DELETE FROM login_attempt WHERE instr(login, ' ') > 0 AND substr(login, instr(login, ' ') + 1)"
	           " = (SELECT u.login FROM users u WHERE u.id = ?1)");
	db_bind_int(&q, 1, user_id);
	db_done(&q);
	db_finalize(&q);
}

/*
** Throttling. login_attempt keeps, per key, the failures, the time of the last one and until
** when the next try must wait. Two kinds of key: "ADDRESS LOGIN" counts one typed login from one
** client address (the wait doubles from 1 s after LOGIN_FREE_FAILURES failures, up to
** LOGIN_MAX_WAIT), and "ADDRESS" alone counts every failure from that address (after
** LOGIN_ADDRESS_BUDGET it waits LOGIN_ADDRESS_WAIT). An address never contains a space, so the
** keys cannot collide. Nothing here sleeps: the caller answers 429 with the wait at once.
*/
/* The typed login name as login_attempt keeps it: in the canonical lower case (so "Anne" and
** "anne" count as one), and a CPR number typed as a name masked (no user has one: user_add
** refuses it), so throttling still counts it and nothing stores it. malloc'd. */
static char *attempt_key(const char *login)
{
	char *key = cpr_mask(login);
	user_login_canonical(key, key, strlen(key) + 1);
	return key;
}

static char *pair_key(const char *key, const char *ip)
{
	size_t n = strlen(ip) + strlen(key) + 2;
	char *k = xmalloc(n);
	snprintf(k, n, "%s %s", ip, key);
	return k;
}

static int64_t wait_of(Db *db, const char *key, int64_t now)
{
	Stmt q;
	db_prepare(&q, db, "SELECT locked_until FROM login_attempt WHERE login = ?1");
	db_bind_text(&q, 1, key);
	int64_t until = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return until > now ? until - now : 0;
}

/* Seconds before `login` may be tried again from `ip`: 0 when it may be tried now. */
int64_t auth_login_wait(Db *db, const char *login, const char *ip, int64_t now)
{
	char *key = attempt_key(login);
	char *pair = pair_key(key, ip ? ip : "");
	int64_t a = wait_of(db, pair, now), b = wait_of(db, ip ? ip : "", now);
	free(pair);
	free(key);
	return a > b ? a : b;
}

/* Deletes failure counts older than LOGIN_FORGET_SECONDS and all but the `cap` newest, so
** that no number of failed logins makes the table grow without bound. */
void auth_login_attempts_trim(Db *db, int64_t now, int64_t cap)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM login_attempt WHERE last_failure < ?1 AND locked_until < ?2");
	db_bind_int(&q, 1, now - LOGIN_FORGET_SECONDS);
	db_bind_int(&q, 2, now);
	db_done(&q);
	db_finalize(&q);
	db_prepare(&q, db,
	           "DELETE FROM login_attempt WHERE login NOT IN"
	           " (SELECT a.login FROM login_attempt a ORDER BY a.last_failure DESC LIMIT ?1)");
	db_bind_int(&q, 1, cap);
	db_done(&q);
	db_finalize(&q);
}

/*
** A guess is claimed before the password is hashed, in one statement per key, so that parallel
** requests for one login cannot each get a guess while the first is being hashed (argon2id
** takes a while): the claim counts the guess as a failure and starts the wait it would earn,
** and only where no wait is running (the upsert's WHERE). Both keys in one BEGIN IMMEDIATE
** transaction; in the database, because several servers will share it. A right password gives
** the claim back (guess_release). SQL's wait is pair_wait's: 0 for the first
** LOGIN_FREE_FAILURES, then 1 s doubling up to LOGIN_MAX_WAIT.
*/
#define NEW_FAILURES(forget)                                                                                    \
	"CASE WHEN ?2 - login_attempt.last_failure > " forget " THEN 1 ELSE login_attempt.failures + 1 END"
static int claim_pair(Db *db, const char *pair, int64_t now, int64_t *failures)
{
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO login_attempt (login, failures, last_failure) VALUES (?1, 1, ?2)"
	           " ON CONFLICT (login) DO UPDATE SET failures = " NEW_FAILURES("?3") ","
	           "  last_failure = ?2, locked_until = CASE WHEN " NEW_FAILURES("?3") " < ?4 THEN 0"
	           "   ELSE ?2 + CASE WHEN " NEW_FAILURES("?3") " - ?4 >= 20 THEN ?5" /* LOGIN_MAX_WAIT < 2^20 */
	           "    ELSE CASE WHEN ?5 < (1 << (" NEW_FAILURES("?3") " - ?4)) THEN ?5"
	           "     ELSE 1 << (" NEW_FAILURES("?3") " - ?4) END END END"
	           " WHERE login_attempt.locked_until <= ?2 RETURNING failures");
	db_bind_text(&q, 1, pair);
	db_bind_int(&q, 2, now);
	db_bind_int(&q, 3, LOGIN_FORGET_SECONDS);
	db_bind_int(&q, 4, LOGIN_FREE_FAILURES);
	db_bind_int(&q, 5, LOGIN_MAX_WAIT);
	int claimed = db_step(&q);
	*failures = claimed ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return claimed;
}

/* The address's budget: the claim that spends the last of it starts LOGIN_ADDRESS_WAIT, after
** which the count starts anew. */
static int claim_address(Db *db, const char *ip, int64_t now, int64_t *failures)
{
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO login_attempt (login, failures, last_failure) VALUES (?1, 1, ?2)"
	           " ON CONFLICT (login) DO UPDATE SET"
	           "  failures = CASE WHEN login_attempt.locked_until > 0 OR ?2 - login_attempt.last_failure > ?3 THEN 1"
	           "   ELSE login_attempt.failures + 1 END,"
	           "  last_failure = ?2,"
	           "  locked_until = CASE WHEN login_attempt.locked_until = 0 AND ?2 - login_attempt.last_failure <= ?3"
	           "   AND login_attempt.failures + 1 >= ?4 THEN ?2 + ?3 ELSE 0 END"
	           " WHERE login_attempt.locked_until <= ?2 RETURNING failures");
	db_bind_text(&q, 1, ip);
	db_bind_int(&q, 2, now);
	db_bind_int(&q, 3, LOGIN_ADDRESS_WAIT);
	db_bind_int(&q, 4, LOGIN_ADDRESS_BUDGET);
	int claimed = db_step(&q);
	*failures = claimed ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return claimed;
}

typedef struct Guess {
	char *pair;              /* "ADDRESS LOGIN" */
	const char *ip;
	int64_t failures;        /* of the pair, this guess counted */
	int64_t address_failures;
} Guess;

/* Claims one guess of `key` (masked login) from `ip`: 1 claimed, 0 when a wait runs
** (*retry_after: its seconds left, at least 1). */
static int guess_claim(Db *db, const char *key, const char *ip, int64_t now, Guess *g, int64_t *retry_after)
{
	g->pair = pair_key(key, ip);
	g->ip = ip;
	/* Most refusals come from a wait already running: found by reading, no write needed. */
	int64_t a = wait_of(db, g->pair, now), b = wait_of(db, ip, now);
	if (a > 0 || b > 0) {
		*retry_after = a > b ? a : b;
		return 0;
	}
	int own = !db_in_transaction(db) && db_begin(db) == DB_OK;
	int claimed = claim_address(db, ip, now, &g->address_failures) && claim_pair(db, g->pair, now, &g->failures);
	if (own && (!claimed || db_commit(db) != DB_OK)) {
		db_rollback(db);
		if (claimed) /* the database refused the claim: nothing was counted, so no guess */
			claimed = 0;
	}
	*retry_after = 0;
	if (!claimed) {
		a = wait_of(db, g->pair, now), b = wait_of(db, ip, now);
		*retry_after = a > b ? a : b;
		if (*retry_after < 1)
			*retry_after = 1;
	}
	return claimed;
}

/* A right password: the pair's failures are forgotten and the address gets its guess back. */
static void guess_release(Db *db, Guess *g)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM login_attempt WHERE login = ?1");
	db_bind_text(&q, 1, g->pair);
	db_done(&q);
	db_finalize(&q);
	db_prepare(&q, db, "UPDATE login_attempt SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END"
	           " WHERE login = ?1 AND locked_until = 0");
	db_bind_text(&q, 1, g->ip);
	db_done(&q);
	db_finalize(&q);
}

/* The wait after `failures` failures of one login from one address (claim_pair's rule). */
static int64_t pair_wait(int64_t failures)
{
	int64_t steps = failures - LOGIN_FREE_FAILURES;
	if (steps < 0)
		return 0;
	return steps >= 20 ? LOGIN_MAX_WAIT : ((int64_t)1 << steps) > LOGIN_MAX_WAIT ? LOGIN_MAX_WAIT : (int64_t)1 << steps;
}

/* A wrong password on a claimed guess (already counted): audits each wait it started, which is
** what an administrator looks for, and keeps the table bounded. */
static void guess_failed(Db *db, Guess *g, const char *key, int64_t now, int64_t user_id)
{
	int64_t wait = pair_wait(g->failures);
	if (wait) {
		char detail[160];
		snprintf(detail, sizeof detail, "%lld mislykkede forsøg fra adressen: næste forsøg om %lld sekunder",
		         (long long)g->failures, (long long)wait);
		audit_log(db, &(AuditEntry){.user_id = user_id, .login = key, .action = "login_throttled", .ip = g->ip,
		                            .detail = detail});
	}
	if (g->address_failures >= LOGIN_ADDRESS_BUDGET) {
		char detail[160];
		snprintf(detail, sizeof detail, "%lld mislykkede forsøg fra adressen på flere brugernavne: venter %d minutter",
		         (long long)g->address_failures, LOGIN_ADDRESS_WAIT / 60);
		audit_log(db, &(AuditEntry){.action = "login_throttled", .object = "address", .ip = g->ip, .detail = detail});
	}
	auth_login_attempts_trim(db, now, LOGIN_ATTEMPT_CAP);
}

/*
** Checks a login. Unknown logins, wrong passwords and deactivated users all answer LOGIN_BAD
** (and take as long), so the answer tells an attacker nothing. A login or address that must
** wait answers LOGIN_THROTTLED at once, also for the right password, with *retry_after the
** seconds left; a right password from an address that has not been failing logs in whatever
** happens elsewhere. Audited: every login, every start of a wait, and the first refusal of each
** address and minute; the other refusals are counted by denial.c.
*/
static LoginResult login_check(Db *db, const char *login, const char *key, const char *password, int64_t now,
                               const char *ip, User *out, int64_t *retry_after);

LoginResult auth_login(Db *db, const char *login, const char *password, int64_t now, const char *ip,
                       User *out, int64_t *retry_after)
{
	char *key = attempt_key(login);
	LoginResult res = login_check(db, login, key, password, now, ip ? ip : "", out, retry_after);
	free(key);
	denial_flush(db, now, 0);
	return res;
}

static LoginResult login_check(Db *db, const char *login, const char *key, const char *password, int64_t now,
                               const char *ip, User *out, int64_t *retry_after)
{
	Guess g;
	if (!guess_claim(db, key, ip, now, &g, retry_after)) {
		if (denial_note(ip, DENIAL_THROTTLED, now))
			audit_log(db, &(AuditEntry){.login = key, .action = "login_refused_waiting", .ip = ip,
			                            .detail = "forsøg før ventetiden er gået"});
		free(g.pair);
		return LOGIN_THROTTLED;
	}

	char hash[crypto_pwhash_STRBYTES] = "";
	int found = 0;
	char canonical[USER_LOGIN_SIZE];
	Stmt q;
	db_prepare(&q, db, "SELECT password_hash FROM users WHERE login = ?1 AND active = 1");
	db_bind_text(&q, 1, user_login_canonical(login, canonical, sizeof canonical));
	if (db_step(&q)) {
		snprintf(hash, sizeof hash, "%s", db_col_text(&q, 0));
		found = 1;
	}
	db_finalize(&q);
	if (!found)
		pthread_once(&dummy_once, make_dummy_hash);
	int ok = auth_password_verify(found ? hash : dummy_hash, password) && found;
	if (ok && user_by_login(db, login, out)) {
		guess_release(db, &g);
		free(g.pair);
		audit_log(db, &(AuditEntry){.user_id = out->id, .login = out->login, .action = "login", .ip = ip});
		return LOGIN_OK;
	}
	/* One transaction for the audit entries of the failure (counted by the claim). */
	int own = !db_in_transaction(db) && db_begin(db) == DB_OK;
	guess_failed(db, &g, key, now, 0);
	if (denial_note(ip, DENIAL_FAILED, now))
		audit_log(db, &(AuditEntry){.login = key, .action = "login_failed", .ip = ip,
		                            .detail = found ? "forkert adgangskode" : "ukendt eller deaktiveret bruger"});
	if (own && db_commit(db) != DB_OK)
		db_rollback(db);
	free(g.pair);
	return LOGIN_BAD;
}

/*
** The current password asked again (to change it): counted like a login from `ip` (a guess
** claimed before the hash, as for logins), every failure audited (the asker is logged in, so
** these are bounded by the session's end). Returns 1 when right, 0 when wrong (*failures: the
** failures counted for this login and address), -1 when the login must wait *retry_after
** seconds first.
*/
int auth_password_recheck(Db *db, const User *u, const char *password, int64_t now, const char *ip,
                          int64_t *retry_after, int64_t *failures)
{
	ip = ip ? ip : "";
	*failures = 0;
	Guess g;
	if (!guess_claim(db, u->login, ip, now, &g, retry_after)) {
		free(g.pair);
		return -1;
	}
	Stmt q;
	db_prepare(&q, db, "SELECT password_hash FROM users WHERE id = ?1");
	db_bind_int(&q, 1, u->id);
	int ok = db_step(&q) && password && auth_password_verify(db_col_text(&q, 0), password);
	db_finalize(&q);
	if (ok) {
		guess_release(db, &g);
		free(g.pair);
		return 1;
	}
	int own = !db_in_transaction(db) && db_begin(db) == DB_OK;
	*failures = g.failures;
	guess_failed(db, &g, u->login, now, u->id);
	audit_log(db, &(AuditEntry){.user_id = u->id, .login = u->login, .action = "password_check_failed", .ip = ip,
	                            .object = NULL, .detail = "forkert nuværende adgangskode ved skift af adgangskode"});
	if (own && db_commit(db) != DB_OK)
		db_rollback(db);
	free(g.pair);
	return 0;
}

/*
** The login form's CSRF token, signed so that only this server can make one: 12 random bytes,
** the time made (4 bytes, big-endian) and the first 16 bytes of their HMAC-SHA-512-256
** (libsodium crypto_auth) under a key kept in the setting table ('login_token_key', made on first
** use). 32 bytes as 64 hex digits, like every other token. A cookie and form field that are equal
** but not made here (cookie injection from a sibling site) are refused.
*/
#define LOGIN_NONCE 12
#define LOGIN_MAC 16

static unsigned char login_key[crypto_auth_KEYBYTES];
static int login_key_ready;
static pthread_mutex_t login_key_lock = PTHREAD_MUTEX_INITIALIZER;

static int key_from_setting(Db *db)
{
	Stmt q;
	db_prepare(&q, db, "SELECT value FROM setting WHERE key = 'login_token_key'");
	int ok = db_step(&q) && hex_decode(login_key, sizeof login_key, db_col_text(&q, 0));
	db_finalize(&q);
	return ok;
}

static const unsigned char *login_token_key(Db *db)
{
	pthread_mutex_lock(&login_key_lock);
	if (!login_key_ready && !key_from_setting(db)) {
		unsigned char fresh[crypto_auth_KEYBYTES];
		char hex[2 * sizeof fresh + 1];
		crypto_auth_keygen(fresh);
		hex_encode(hex, fresh, sizeof fresh);
		Stmt q;
		db_prepare(&q, db, "INSERT INTO setting (key, value) VALUES ('login_token_key', ?1) ON CONFLICT DO NOTHING");
		db_bind_text(&q, 1, hex);
		db_done(&q);
		db_finalize(&q);
		/* Another server process may have stored its key first; a read-only database keeps ours in memory. */
		if (!key_from_setting(db))
			memcpy(login_key, fresh, sizeof fresh);
		sodium_memzero(fresh, sizeof fresh);
	}
	login_key_ready = 1;
	pthread_mutex_unlock(&login_key_lock);
	return login_key;
}

static void login_token_mac(Db *db, const unsigned char *msg, unsigned char mac[LOGIN_MAC])
{
	unsigned char full[crypto_auth_BYTES];
	crypto_auth(full, msg, LOGIN_NONCE + 4, login_token_key(db));
	memcpy(mac, full, LOGIN_MAC);
}

void auth_login_token_make(Db *db, int64_t now, char out[TOKEN_HEX])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, LOGIN_NONCE);
	uint32_t t = (uint32_t)now;
	for (int i = 0; i < 4; i++)
		raw[LOGIN_NONCE + i] = (unsigned char)(t >> (24 - 8 * i));
	login_token_mac(db, raw, raw + LOGIN_NONCE + 4);
	hex_encode(out, raw, sizeof raw);
}

/* 1 when `token` was made by this server's key less than LOGIN_TOKEN_SECONDS ago. */
int auth_login_token_valid(Db *db, const char *token, int64_t now)
{
	unsigned char raw[TOKEN_BYTES], mac[LOGIN_MAC];
	if (!token || strlen(token) != 2 * TOKEN_BYTES || !hex_decode(raw, sizeof raw, token))
		return 0;
	login_token_mac(db, raw, mac);
	if (sodium_memcmp(mac, raw + LOGIN_NONCE + 4, LOGIN_MAC) != 0)
		return 0;
	int64_t t = 0;
	for (int i = 0; i < 4; i++)
		t = (t << 8) | raw[LOGIN_NONCE + i];
	return t <= now + 60 && now - t < LOGIN_TOKEN_SECONDS;
}
