/*
** The audit log: who did what, when, to which object. Entries are only ever appended; each
** carries a keyed BLAKE2b(previous hash, its own fields) with the key of audit_key.c (kept
** outside the database), so editing or deleting an entry in the database file breaks the
** chain from that entry on, which audit_verify() finds, and the chain cannot be recomputed
** without the key. Entries written before the chain was keyed (below audit_keyed.from_id)
** were hashed without a key and are verified so. Retention (retention.c) deletes the oldest
** entries through audit_purge(), which first records the newest deleted entry's id and hash
** as the anchor the chain is then verified from. The newest entry (the head) is anchored
** outside the database by audit_head.c.
*/
#include "tilsyn.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* key: the audit key for keyed entries, NULL for those written before the chain was keyed. */
static void audit_hash(unsigned char out[AUDIT_HASH_BYTES], const unsigned char *key, const unsigned char *prev,
                       size_t prevlen, int64_t id, const char *at, int64_t user_id, const char *login, const char *action,
                       int64_t department_id, const char *object, const char *detail, const char *ip)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, key ? AUDIT_KEY_BYTES : 0, AUDIT_HASH_BYTES);
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
** commits or rolls back with the change it describes), else in its own. A CPR number in
** the login or the object (a typed login name, a refused URL) is masked first: the log is
** append-only, so what goes in stays. The detail is written by tilsyn from checked values
** and is left as it is (a sampling seed in hex may hold ten digits in a row); a caller that
** puts a foreign value in it (a file's name) masks that value itself. */
static int audit_append(Db *db, const AuditEntry *e);

int audit_log(Db *db, const AuditEntry *e)
{
	AuditEntry m = *e;
	char *login = cpr_mask(e->login), *object = cpr_mask(e->object);
	m.login = login, m.object = object;
	int rc = audit_append(db, &m);
	free(login);
	free(object);
	return rc;
}

static int audit_append(Db *db, const AuditEntry *e)
{
	int own = !db_in_transaction(db);
	if (own && db_begin(db) != DB_OK)
		return -1;
	unsigned char prev[AUDIT_HASH_BYTES] = {0};
	int64_t id = 1;
	Stmt q;
	db_prepare(&q, db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
	int found = db_step(&q);
	if (!found) { /* retention may have deleted every entry: the anchor stands in for the newest */
		db_finalize(&q);
		db_prepare(&q, db, "SELECT last_id, last_hash FROM audit_anchor");
		found = db_step(&q);
	}
	if (found) {
		size_t n;
		const void *h = db_col_blob(&q, 1, &n);
		if (n == AUDIT_HASH_BYTES)
			memcpy(prev, h, n);
		id = db_col_int(&q, 0) + 1;
	}
	db_finalize(&q);

	/* Every new entry is keyed: from_id is at most the next id (009_audit_key.sql). */
	const unsigned char *key = audit_key();
	if (!key) {
		if (own)
			db_rollback(db);
		t_failed = 1;
		return -1;
	}
	char at[32];
	time_iso(at, time(NULL));
	unsigned char hash[AUDIT_HASH_BYTES];
	audit_hash(hash, key, prev, sizeof prev, id, at, e->user_id, e->login, e->action, e->department_id,
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
		if (rc == DB_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	if (rc != DB_OK)
		t_failed = 1;
	return rc == DB_OK ? 0 : -1;
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

/* The anchor that retention leaves (audit_purge): id and hash of the newest deleted entry.
** 1 when there is one, 0 when nothing was ever deleted, -1 when it is malformed. */
static int anchor_read(Db *db, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES])
{
	Stmt q;
	db_prepare(&q, db, "SELECT last_id, last_hash FROM audit_anchor");
	int rc = 0;
	if (db_step(&q)) {
		size_t n;
		const void *h = db_col_blob(&q, 1, &n);
		*id = db_col_int(&q, 0);
		rc = n == AUDIT_HASH_BYTES && *id > 0 ? 1 : -1;
		if (rc > 0)
			memcpy(hash, h, n);
	}
	db_finalize(&q);
	return rc;
}

/* The object and the hash text by which an audit_purge entry names the anchor it set. */
static void anchor_names(int64_t id, const unsigned char hash[AUDIT_HASH_BYTES], char object[32],
                         char hex[2 * AUDIT_HASH_BYTES + 1])
{
	snprintf(object, 32, "audit:%lld", (long long)id);
	hex_encode(hex, hash, AUDIT_HASH_BYTES);
}

/* Whether a kept entry (so one inside the verified chain) recorded setting this anchor: an
** anchor moved by hand to hide more deleted entries matches no such entry. */
static int anchor_recorded(Db *db, int64_t id, const unsigned char hash[AUDIT_HASH_BYTES])
{
	char object[32], hex[2 * AUDIT_HASH_BYTES + 1];
	anchor_names(id, hash, object, hex);
	Stmt q;
	db_prepare(&q, db, "SELECT detail FROM audit WHERE action = 'audit_purge' AND object = ?1");
	db_bind_text(&q, 1, object);
	int found = 0;
	while (!found && db_step(&q))
		found = !db_col_is_null(&q, 0) && strstr(db_col_text(&q, 0), hex) != NULL;
	db_finalize(&q);
	return found;
}

/* Whether the database holds what is only ever made with an audit entry: then an empty log
** has been emptied (and a new audit key is not made for it, audit_key.c). */
int audit_data_exists(Db *db)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM round)");
	int yes = db_step(&q) && db_col_int(&q, 0);
	db_finalize(&q);
	return yes;
}

static int verify_fail(int64_t *first_bad, int64_t id, char *why, size_t n, const char *text)
{
	*first_bad = id;
	if (why && n)
		snprintf(why, n, "%s", text);
	return -1;
}

/* Recomputes the chain, from the anchor when retention has deleted the oldest entries:
** entries before audit_keyed.from_id without the key, the rest with it. Returns 0 when
** intact; else -1, the id of the first entry whose hash does not match (or that follows a
** gap, or follows an anchor no kept entry accounts for, or the first missing one) and, when
** why is not NULL, a Danish sentence saying what is wrong. An empty log, or one that does
** not begin at 1 (or right after the anchor), while users, cases or rounds exist, is broken. */
int audit_check(Db *db, int64_t *first_bad, char *why, size_t n)
{
	char text[400];
	const unsigned char *key = audit_key();
	if (!key)
		return verify_fail(first_bad, 0, why, n, _("nøglen til logbogen er ikke indlæst"));
	int64_t keyed_from = 1;
	unsigned char mac[AUDIT_KEY_BYTES], want_mac[AUDIT_KEY_BYTES];
	int sealed = 0;
	if (!audit_keyed_from(db, &keyed_from, mac, &sealed) || keyed_from < 1)
		return verify_fail(first_bad, 1, why, n,
		                   _("markeringen af, hvorfra logbogen er beskyttet med nøglen, mangler (tabellen audit_keyed)"));
	if (keyed_from > 1) {
		audit_keyed_mac(want_mac, keyed_from);
		if (!sealed || sodium_memcmp(mac, want_mac, sizeof mac) != 0) {
			snprintf(text, sizeof text,
			         _("markeringen af, at logbogen er beskyttet med nøglen fra post %lld, er ændret eller passer "
			           "ikke til nøglen"),
			         (long long)keyed_from);
			return verify_fail(first_bad, keyed_from, why, n, text);
		}
	}

	unsigned char prev[AUDIT_HASH_BYTES] = {0}, anchor_hash[AUDIT_HASH_BYTES] = {0};
	int64_t anchor = 0;
	int anchored = anchor_read(db, &anchor, anchor_hash);
	if (anchored < 0)
		return verify_fail(first_bad, anchor + 1, why, n, _("oprydningens anker i logbogen er beskadiget"));
	memcpy(prev, anchor_hash, sizeof prev);
	int64_t expect_id = anchor, count = 0;
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
		audit_hash(want, id >= keyed_from ? key : NULL, prev, sizeof prev, id, db_col_text(&q, 1), db_col_int(&q, 2),
		           login, db_col_text(&q, 4), db_col_int(&q, 5), object, detail, ip);
		size_t hn;
		const void *have = db_col_blob(&q, 9, &hn);
		if (id != expect_id + 1) {
			ok = 0;
			if (count == 0 && anchored)
				snprintf(text, sizeof text,
				         _("logbogen begynder ved post %lld, men oprydningen slettede kun til og med post %lld"),
				         (long long)id, (long long)anchor);
			else if (count == 0)
				snprintf(text, sizeof text,
				         _("logbogen begynder ved post %lld, men ingen oprydning har slettet posterne før den: "
				           "post 1-%lld mangler"),
				         (long long)id, (long long)(id - 1));
			else
				snprintf(text, sizeof text, _("post %lld-%lld mangler (slettet)"), (long long)(expect_id + 1),
				         (long long)(id - 1));
			verify_fail(first_bad, id, why, n, text);
		} else if (hn != AUDIT_HASH_BYTES || memcmp(have, want, hn) != 0) {
			ok = 0;
			snprintf(text, sizeof text,
			         id == keyed_from
			             ? _("post %lld eller en før den er ændret eller slettet, eller nøglen til logbogen er forkert")
			             : _("post %lld eller en før den er ændret eller slettet"),
			         (long long)id);
			verify_fail(first_bad, id, why, n, text);
		}
		memcpy(prev, want, sizeof prev);
		expect_id = id;
		count++;
	}
	db_finalize(&q);
	if (ok && anchored && !anchor_recorded(db, anchor, anchor_hash)) {
		ok = 0;
		verify_fail(first_bad, anchor + 1, why, n,
		            _("oprydningens anker nævnes ikke af nogen post i logbogen (ankeret er flyttet)"));
	}
	if (ok && count == 0 && audit_data_exists(db)) {
		ok = 0;
		verify_fail(first_bad, anchor + 1, why, n,
		            _("logbogen er tom, men databasen har brugere, sager eller tilsyn: alle poster er slettet"));
	}
	return ok ? 0 : -1;
}

int audit_verify(Db *db, int64_t *first_bad)
{
	return audit_check(db, first_bad, NULL, 0);
}

/*
** Deletes the oldest entries: those from the start of the log up to the first entry at or
** after `before` (ISO time, as `at`), so what is left is one unbroken tail. The chain is
** verified first, as a broken log is evidence and is not cut; then the anchor moves to the
** newest deleted entry, the entries go, and an audit_purge entry by `who` naming the
** anchor is appended. Runs in the caller's transaction. Returns 0 with *deleted (0 when
** nothing is old enough) and *anchor_id, or -1 with a Danish message.
*/
int audit_purge(Db *db, const char *before, const AuditEntry *who, int64_t *deleted, int64_t *anchor_id,
                char *err, size_t errlen)
{
	*deleted = 0;
	*anchor_id = 0;
	int64_t bad = 0;
	if (audit_verify(db, &bad) != 0) {
		snprintf(err, errlen,
		         _("Logbogen er brudt ved post %lld, så ingen poster slettes, før det er undersøgt (se tilsyn audit "
		           "verify)."),
		         (long long)bad);
		return -1;
	}
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, hash, at, (SELECT count(*) FROM audit o WHERE o.id <= a.id) FROM audit a"
	           " WHERE a.id < coalesce((SELECT min(id) FROM audit WHERE at >= ?1), (SELECT max(id) FROM audit) + 1)"
	           " ORDER BY a.id DESC LIMIT 1");
	db_bind_text(&q, 1, before);
	if (!db_step(&q)) {
		db_finalize(&q);
		return 0;
	}
	int64_t last = db_col_int(&q, 0), count = db_col_int(&q, 3);
	unsigned char hash[AUDIT_HASH_BYTES];
	size_t n;
	const void *h = db_col_blob(&q, 1, &n);
	memcpy(hash, h, n == AUDIT_HASH_BYTES ? n : 0);
	char last_at[32];
	snprintf(last_at, sizeof last_at, "%s", db_col_text(&q, 2));
	db_finalize(&q);

	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db,
	           "INSERT INTO audit_anchor (one, last_id, last_hash, last_at, deleted, updated_at)"
	           " VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id,"
	           " last_hash = excluded.last_hash, last_at = excluded.last_at,"
	           " deleted = audit_anchor.deleted + excluded.deleted, updated_at = excluded.updated_at");
	db_bind_int(&q, 1, last);
	db_bind_blob(&q, 2, hash, sizeof hash);
	db_bind_text(&q, 3, last_at);
	db_bind_int(&q, 4, count);
	db_bind_text(&q, 5, now);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db, "DELETE FROM audit WHERE id <= ?1");
		db_bind_int(&q, 1, last);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK) {
		snprintf(err, errlen, _("Logbogens gamle poster kunne ikke slettes: %s"), db_errmsg(db));
		return -1;
	}
	char object[32], hex[2 * AUDIT_HASH_BYTES + 1], detail[400];
	anchor_names(last, hash, object, hex);
	snprintf(detail, sizeof detail,
	         "%lld poster fra før %.10s slettet efter opbevaringsreglen; kæden fortsætter fra post %lld med hash %s",
	         (long long)count, before, (long long)last, hex);
	AuditEntry e = *who;
	e.action = "audit_purge";
	e.object = object;
	e.detail = detail;
	if (audit_log(db, &e) != 0) {
		snprintf(err, errlen, _("Sletningen kunne ikke skrives i logbogen: %s"), db_errmsg(db));
		return -1;
	}
	*deleted = count;
	*anchor_id = last;
	return 0;
}
