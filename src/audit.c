/*
** The audit log: who did what, when, to which object. Entries are only ever appended; each
** carries BLAKE2b(previous hash, its own fields), so editing or deleting an entry in the
** database file breaks the chain from that entry on, which audit_verify() finds.
*/
#include "tilsyn.h"

#include <sodium.h>
#include <string.h>

#define AUDIT_HASH_BYTES 32

static _Thread_local int t_failed;

static void hash_field(crypto_generichash_state *st, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX; /* NULL differs from "" */
	crypto_generichash_update(st, (const unsigned char *)&n, sizeof n);
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
}

static void hash_int(crypto_generichash_state *st, int64_t v)
{
	crypto_generichash_update(st, (const unsigned char *)&v, sizeof v);
}

static void audit_hash(unsigned char out[AUDIT_HASH_BYTES], const unsigned char *prev, size_t prevlen,
                       int64_t id, const char *at, int64_t user_id, const char *login, const char *action,
                       int64_t department_id, const char *object, const char *detail, const char *ip)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, AUDIT_HASH_BYTES);
	crypto_generichash_update(&st, prev, prevlen);
	hash_int(&st, id);
	hash_field(&st, at);
	hash_int(&st, user_id);
	hash_field(&st, login);
	hash_field(&st, action);
	hash_int(&st, department_id);
	hash_field(&st, object);
	hash_field(&st, detail);
	hash_field(&st, ip);
	crypto_generichash_final(&st, out, AUDIT_HASH_BYTES);
}

/* Appends one entry. Runs inside the caller's transaction when there is one (so the entry
** commits or rolls back with the change it describes), else in its own. */
int audit_log(sqlite3 *db, const AuditEntry *e)
{
	int own = sqlite3_get_autocommit(db);
	if (own && db_begin(db) != SQLITE_OK)
		return -1;
	unsigned char prev[AUDIT_HASH_BYTES] = {0};
	int64_t id = 1;
	Stmt q;
	db_prepare(&q, db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	if (db_step(&q)) {
		size_t n;
		const void *h = db_col_blob(&q, 1, &n);
		if (n == AUDIT_HASH_BYTES)
			memcpy(prev, h, n);
		id = db_col_int(&q, 0) + 1;
	}
	db_finalize(&q);

	char at[32];
	time_iso(at, time(NULL));
	unsigned char hash[AUDIT_HASH_BYTES];
	audit_hash(hash, prev, sizeof prev, id, at, e->user_id, e->login, e->action, e->department_id,
	           e->object, e->detail, e->ip);
	db_prepare(&q, db,
	           "INSERT INTO audit (id, at, user_id, login, action, department_id, object, detail, ip, hash)"
	           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, at);
	if (e->user_id)
		db_bind_int(&q, 3, e->user_id);
	db_bind_text(&q, 4, e->login);
	db_bind_text(&q, 5, e->action);
	if (e->department_id)
		db_bind_int(&q, 6, e->department_id);
	db_bind_text(&q, 7, e->object);
	db_bind_text(&q, 8, e->detail);
	db_bind_text(&q, 9, e->ip);
	db_bind_blob(&q, 10, hash, sizeof hash);
	int rc = db_done(&q);
	db_finalize(&q);
	if (own) {
		if (rc == SQLITE_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	if (rc != SQLITE_OK)
		t_failed = 1;
	return rc == SQLITE_OK ? 0 : -1;
}

/* Whether an entry of this thread could not be written since the last reset: the server
** then withholds what it was about to show (see http.c), as a read must not go unlogged. */
int audit_failed(void)
{
	return t_failed;
}

void audit_failed_reset(void)
{
	t_failed = 0;
}

/* Recomputes the chain. Returns 0 when intact; else -1 and the id of the first entry
** whose hash does not match (or that follows a gap). */
int audit_verify(sqlite3 *db, int64_t *first_bad)
{
	unsigned char prev[AUDIT_HASH_BYTES] = {0};
	int64_t expect_id = 0;
	int ok = 1;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, at, user_id, login, action, department_id, object, detail, ip, hash"
	           " FROM audit ORDER BY id");
	while (ok && db_step(&q)) {
		int64_t id = db_col_int(&q, 0);
		const char *login = db_col_is_null(&q, 3) ? NULL : db_col_text(&q, 3);
		const char *object = db_col_is_null(&q, 6) ? NULL : db_col_text(&q, 6);
		const char *detail = db_col_is_null(&q, 7) ? NULL : db_col_text(&q, 7);
		const char *ip = db_col_is_null(&q, 8) ? NULL : db_col_text(&q, 8);
		unsigned char want[AUDIT_HASH_BYTES];
		audit_hash(want, prev, sizeof prev, id, db_col_text(&q, 1), db_col_int(&q, 2), login,
		           db_col_text(&q, 4), db_col_int(&q, 5), object, detail, ip);
		size_t n;
		const void *have = db_col_blob(&q, 9, &n);
		if ((expect_id && id != expect_id + 1) || n != AUDIT_HASH_BYTES || memcmp(have, want, n) != 0) {
			ok = 0;
			*first_bad = id;
			break;
		}
		memcpy(prev, want, sizeof prev);
		expect_id = id;
	}
	db_finalize(&q);
	return ok ? 0 : -1;
}
