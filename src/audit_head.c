/*
** The head of the audit log, anchored outside the database: `ID:HASH` of the newest entry
** (hash in hex). `tilsyn audit head` prints it, each backup records it beside the copy
** (FILE.head), and the server writes it to syslog when it changed, at most once a minute, and
** at shutdown. `tilsyn audit verify --head ID:HASH` then finds what the chain alone cannot:
** the newest entries, or all of them, deleted from the file (the rest still chains).
*/
#include "tilsyn.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* The newest entry's id and hash; with every entry deleted by retention, the anchor's.
** 1 when there is one, 0 for a log that never had an entry. */
int audit_head(Db *db, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES])
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, hash FROM audit WHERE id = (SELECT max(id) FROM audit)"
	           " UNION ALL SELECT last_id, last_hash FROM audit_anchor WHERE NOT EXISTS (SELECT 1 FROM audit)");
	int found = 0;
	if (db_step(&q)) {
		size_t n = 0;
		const void *h = db_col_blob(&q, 1, &n);
		*id = db_col_int(&q, 0);
		memset(hash, 0, AUDIT_HASH_BYTES);
		if (h && n == AUDIT_HASH_BYTES)
			memcpy(hash, h, n);
		found = 1;
	}
	db_finalize(&q);
	return found;
}

void audit_head_text(char out[AUDIT_HEAD_TEXT], int64_t id, const unsigned char hash[AUDIT_HASH_BYTES])
{
	char hex[2 * AUDIT_HASH_BYTES + 1];
	hex_encode(hex, hash, AUDIT_HASH_BYTES);
	snprintf(out, AUDIT_HEAD_TEXT, "%lld:%s", (long long)id, hex);
}

/* Reads `ID:HASH` (surrounding white space allowed, as from a file). 1 when well-formed. */
int audit_head_parse(const char *s, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES])
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || colon - s > 19)
		return 0;
	char num[20], hex[2 * AUDIT_HASH_BYTES + 1];
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = 0;
	const char *h = colon + 1;
	size_t len = strcspn(h, " \t\r\n");
	if (len != 2 * AUDIT_HASH_BYTES || h[len + strspn(h + len, " \t\r\n")] != 0)
		return 0;
	memcpy(hex, h, len);
	hex[len] = 0;
	return parse_int64(num, id) && *id > 0 && hex_decode(hash, AUDIT_HASH_BYTES, hex);
}

/* Whether the log still reaches the recorded head ID:HASH (run after audit_check). An entry
** retention deleted since is passed (the anchor's own hash is compared). 0, or -1 with a Danish
** sentence naming what is missing or changed. */
int audit_head_check(Db *db, int64_t id, const unsigned char hash[AUDIT_HASH_BYTES], char *why, size_t n)
{
	char head[AUDIT_HEAD_TEXT];
	audit_head_text(head, id, hash);
	int64_t newest = 0, anchor = 0;
	unsigned char newest_hash[AUDIT_HASH_BYTES], anchor_hash[AUDIT_HASH_BYTES] = {0};
	int any = audit_head(db, &newest, newest_hash);
	Stmt q;
	db_prepare(&q, db, "SELECT last_id, last_hash FROM audit_anchor");
	if (db_step(&q)) {
		size_t hn = 0;
		const void *h = db_col_blob(&q, 1, &hn);
		anchor = db_col_int(&q, 0);
		if (h && hn == AUDIT_HASH_BYTES)
			memcpy(anchor_hash, h, hn);
	}
	db_finalize(&q);
	db_prepare(&q, db, "SELECT EXISTS (SELECT 1 FROM audit)");
	int entries = db_step(&q) && db_col_int(&q, 0);
	db_finalize(&q);
	if (!any || !entries) {
		snprintf(why, n, _("logbogen er tom: post 1-%lld mangler, også hovedet %s"), (long long)id, head);
		return -1;
	}
	if (id > newest) {
		snprintf(why, n, _("logbogen slutter ved post %lld: post %lld-%lld mangler (slettet), også hovedet %s"),
		         (long long)newest, (long long)(newest + 1), (long long)id, head);
		return -1;
	}
	if (id < anchor)
		return 0; /* deleted by retention after the head was taken; the chain runs on from the anchor */
	const unsigned char *have = anchor_hash;
	unsigned char entry_hash[AUDIT_HASH_BYTES];
	if (id > anchor) {
		db_prepare(&q, db, "SELECT hash FROM audit WHERE id = ?1");
		db_bind_int(&q, 1, id);
		int found = 0;
		if (db_step(&q)) {
			size_t hn = 0;
			const void *h = db_col_blob(&q, 0, &hn);
			found = h && hn == AUDIT_HASH_BYTES;
			if (found)
				memcpy(entry_hash, h, hn);
		}
		db_finalize(&q);
		if (!found) {
			snprintf(why, n, _("post %lld, hovedet %s, mangler i logbogen"), (long long)id, head);
			return -1;
		}
		have = entry_hash;
	}
	if (sodium_memcmp(have, hash, AUDIT_HASH_BYTES) != 0) {
		snprintf(why, n, _("post %lld har en anden hash end hovedet %s: logbogen er skrevet om til og med den post"),
		         (long long)id, head);
		return -1;
	}
	return 0;
}

/* Writes the head to syslog (ident tilsyn, LOG_INFO) when it changed since the last time and a
** minute has passed, or at once with force (shutdown). Returns 1 when it wrote. */
int audit_head_syslog(Db *db, time_t now, int force)
{
	static int64_t last_id = -1;
	static unsigned char last_hash[AUDIT_HASH_BYTES];
	static time_t last_at;
	static int opened;
	int64_t id = 0;
	unsigned char hash[AUDIT_HASH_BYTES] = {0};
	if (!audit_head(db, &id, hash))
		return 0;
	if (id == last_id && memcmp(hash, last_hash, sizeof hash) == 0)
		return 0;
	if (!force && last_id >= 0 && now - last_at < 60)
		return 0;
	if (!opened) {
		openlog("tilsyn", LOG_PID, LOG_DAEMON);
		opened = 1;
	}
	char head[AUDIT_HEAD_TEXT];
	audit_head_text(head, id, hash);
	syslog(LOG_INFO, "logbogens hoved %s (database %s)", head, db_path());
	last_id = id;
	memcpy(last_hash, hash, sizeof hash);
	last_at = now;
	return 1;
}
