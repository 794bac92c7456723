/*
** Authentication and authorisation: roles and what each may do, argon2id passwords,
** sessions (random tokens of which only a hash is stored, with idle and absolute
** expiry), throttling and locking of repeated failed logins, and CSRF token comparison.
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

int auth_session_create(sqlite3 *db, int64_t user_id, int64_t now, const char *ip, char token[TOKEN_HEX],
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
	           " VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
	db_bind_blob(&q, 1, h, sizeof h);
	db_bind_int(&q, 2, user_id);
	db_bind_text(&q, 3, out->csrf);
	db_bind_int(&q, 4, now);
	db_bind_text(&q, 5, ip);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != SQLITE_OK)
		return -1;
	out->id = db_last_id(db);
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
** time is written at most once a minute so that reading pages stays cheap. */
int auth_session_lookup(sqlite3 *db, const char *token, int64_t now, Session *out)
{
	unsigned char h[32];
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

void auth_session_end(sqlite3 *db, int64_t session_id)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM session WHERE id = ?1");
	db_bind_int(&q, 1, session_id);
	db_done(&q);
	db_finalize(&q);
}

void auth_session_end_user(sqlite3 *db, int64_t user_id)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM session WHERE user_id = ?1");
	db_bind_int(&q, 1, user_id);
	db_done(&q);
	db_finalize(&q);
	db_prepare(&q, db, "DELETE FROM login_attempt WHERE login = (SELECT login FROM users WHERE id = ?1)");
	db_bind_int(&q, 1, user_id);
	db_done(&q);
	db_finalize(&q);
}

static void login_failure(sqlite3 *db, const char *login, int64_t now)
{
	Stmt q;
	/* Failures older than the lock period are forgotten. */
	db_prepare(&q, db,
	           "INSERT INTO login_attempt (login, failures, last_failure) VALUES (?1, 1, ?2)"
	           " ON CONFLICT (login) DO UPDATE SET"
	           "  failures = CASE WHEN ?2 - last_failure > ?3 THEN 1 ELSE failures + 1 END,"
	           "  last_failure = ?2");
	db_bind_text(&q, 1, login);
	db_bind_int(&q, 2, now);
	db_bind_int(&q, 3, LOGIN_LOCK_SECONDS);
	db_done(&q);
	db_finalize(&q);
	db_prepare(&q, db, "UPDATE login_attempt SET locked_until = ?2 + ?3 WHERE login = ?1 AND failures >= ?4");
	db_bind_text(&q, 1, login);
	db_bind_int(&q, 2, now);
	db_bind_int(&q, 3, LOGIN_LOCK_SECONDS);
	db_bind_int(&q, 4, LOGIN_LOCK_AFTER);
	db_done(&q);
	db_finalize(&q);
}

/* How long to hold back the answer to a login attempt, growing with recent failures. */
int auth_login_delay_ms(sqlite3 *db, const char *login, int64_t now)
{
	Stmt q;
	char *key = cpr_mask(login); /* as auth_login keeps it */
	db_prepare(&q, db, "SELECT failures, last_failure FROM login_attempt WHERE login = ?1");
	db_bind_text(&q, 1, key);
	free(key);
	int delay = 0;
	if (db_step(&q) && now - db_col_int(&q, 1) <= LOGIN_LOCK_SECONDS) {
		int64_t f = db_col_int(&q, 0);
		int64_t steps = f - LOGIN_SLOW_AFTER + 1; /* capped before multiplying: no overflow */
		if (steps > 0)
			delay = steps >= 2000 / 500 ? 2000 : (int)steps * 500;
	}
	db_finalize(&q);
	return delay;
}

/*
** Checks a login. Unknown logins, wrong passwords and deactivated users all answer
** LOGIN_BAD (and take as long), so the answer tells an attacker nothing. After
** LOGIN_LOCK_AFTER failures the login is locked for LOGIN_LOCK_SECONDS, also for the right
** password; *locked_for says how many seconds remain. Every outcome is audited.
*/
static LoginResult login_check(sqlite3 *db, const char *login, const char *key, const char *password, int64_t now,
                               const char *ip, User *out, int64_t *locked_for);

/* The typed login name as login_attempt keeps it: a CPR number typed as a name is masked
** (no user has one: user_add refuses it), so lockout still counts it and nothing stores it. */
LoginResult auth_login(sqlite3 *db, const char *login, const char *password, int64_t now, const char *ip,
                       User *out, int64_t *locked_for)
{
	char *key = cpr_mask(login);
	LoginResult res = login_check(db, login, key, password, now, ip, out, locked_for);
	free(key);
	return res;
}

static LoginResult login_check(sqlite3 *db, const char *login, const char *key, const char *password, int64_t now,
                               const char *ip, User *out, int64_t *locked_for)
{
	*locked_for = 0;
	Stmt q;
	db_prepare(&q, db, "SELECT locked_until FROM login_attempt WHERE login = ?1");
	db_bind_text(&q, 1, key);
	int64_t locked_until = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (locked_until > now) {
		*locked_for = locked_until - now;
		audit_log(db, &(AuditEntry){.login = key, .action = "login_locked", .ip = ip,
		                            .detail = "forsøg mens brugernavnet er låst"});
		return LOGIN_LOCKED;
	}

	char hash[crypto_pwhash_STRBYTES] = "";
	int found = 0;
	db_prepare(&q, db, "SELECT password_hash FROM users WHERE login = ?1 AND active = 1");
	db_bind_text(&q, 1, login);
	if (db_step(&q)) {
		snprintf(hash, sizeof hash, "%s", db_col_text(&q, 0));
		found = 1;
	}
	db_finalize(&q);
	if (!found)
		pthread_once(&dummy_once, make_dummy_hash);
	int ok = auth_password_verify(found ? hash : dummy_hash, password) && found;
	if (ok && user_by_login(db, login, out)) {
		db_prepare(&q, db, "DELETE FROM login_attempt WHERE login = ?1");
		db_bind_text(&q, 1, key);
		db_done(&q);
		db_finalize(&q);
		audit_log(db, &(AuditEntry){.user_id = out->id, .login = out->login, .action = "login", .ip = ip});
		return LOGIN_OK;
	}
	login_failure(db, key, now);
	audit_log(db, &(AuditEntry){.login = key, .action = "login_failed", .ip = ip,
	                            .detail = found ? "forkert adgangskode" : "ukendt eller deaktiveret bruger"});
	db_prepare(&q, db, "SELECT locked_until FROM login_attempt WHERE login = ?1");
	db_bind_text(&q, 1, key);
	locked_until = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (locked_until > now) {
		*locked_for = locked_until - now;
		return LOGIN_LOCKED;
	}
	return LOGIN_BAD;
}
