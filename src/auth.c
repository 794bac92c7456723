/*
** Authentication and authorisation: roles and what each may do, argon2id passwords,
** sessions (random tokens of which only a hash is stored, with idle and absolute
** expiry), and CSRF tokens (the login form's signed). Logging in itself is login.c.
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
	/* The user's failure counts from every address (keys "ADDRESS LOGIN", the login in lower
	** case; see login_wait in login.c). */
	db_prepare(&q, db,
	           "DELETE FROM login_attempt WHERE instr(login, ' ') > 0 AND substr(login, instr(login, ' ') + 1)"
	           " = (SELECT u.login FROM users u WHERE u.id = ?1)");
	db_bind_int(&q, 1, user_id);
	db_done(&q);
	db_finalize(&q);
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
