/*
** The key of the audit chain: 32 random bytes in a file outside the database (64 hex digits
** and a newline, mode 0600), named by --audit-key FILE or $TILSYN_AUDIT_KEY, by default the
** database's path with ".auditkey" added. audit.c hashes every entry from audit_keyed.from_id
** on with it, so whoever has only the database file cannot recompute the chain after changing
** it. The first command on a new database (tilsyn init, or demo) makes the key; for a log from
** before the key only `tilsyn init` does. Otherwise every command refuses to run without it: a
** new key would make the kept chain unverifiable (or, for an emptied log, start a new one that
** verifies), and writing on without one would leave entries anyone could forge. Its file, and
** what making one does to the log, are audit_keyfile.c's.
*/
#include "tilsyn.h"

#include <sodium.h>
#include <string.h>

static unsigned char g_key[AUDIT_KEY_BYTES];
static int g_have_key;

void audit_key_set(const unsigned char key[AUDIT_KEY_BYTES])
{
	memcpy(g_key, key, AUDIT_KEY_BYTES);
	g_have_key = 1;
}

const unsigned char *audit_key(void)
{
	return g_have_key ? g_key : NULL;
}

int audit_keyed_from(Db *db, int64_t *from_id, unsigned char mac[AUDIT_KEY_BYTES], int *sealed)
{
	Stmt q;
	db_prepare(&q, db, "SELECT from_id, mac FROM audit_keyed WHERE one = 1");
	int found = db_step(&q);
	*sealed = 0;
	if (found) {
		*from_id = db_col_int(&q, 0);
		size_t n = 0;
		const void *m = db_col_blob(&q, 1, &n);
		if (m && n == AUDIT_KEY_BYTES) {
			memcpy(mac, m, n);
			*sealed = 1;
		}
	}
	db_finalize(&q);
	return found;
}

void audit_keyed_mac(unsigned char out[AUDIT_KEY_BYTES], int64_t from_id)
{
	static const char label[] = "tilsyn audit_keyed from_id";
	crypto_generichash_state st;
	crypto_generichash_init(&st, g_key, AUDIT_KEY_BYTES, AUDIT_KEY_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label);
	crypto_generichash_update(&st, (const unsigned char *)&from_id, sizeof from_id);
	crypto_generichash_final(&st, out, AUDIT_KEY_BYTES);
}
