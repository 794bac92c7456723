/*
** Logging in: checks a login name and password against the users (user.c) and throttles
** repeated failures per login and client address (never a lock-out for everyone, never a
** sleep). It sits above auth.c (password hashes) and user.c, which do not call it.
*/
#include "tilsyn.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
int64_t login_wait(Db *db, const char *login, const char *ip, int64_t now)
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
void login_attempts_trim(Db *db, int64_t now, int64_t cap)
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
	login_attempts_trim(db, now, LOGIN_ATTEMPT_CAP);
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

LoginResult login_try(Db *db, const char *login, const char *password, int64_t now, const char *ip,
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
int login_password_recheck(Db *db, const User *u, const char *password, int64_t now, const char *ip,
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
