/*
** The audit key's file and its first use (audit_key.c holds the key itself): the file read,
** or made on a new database (0600, written whole before it is used), and a log from before
** the key sealed at the entry from which its chain is keyed. Above both audit.c and
** audit_key.c: making a key writes an audit entry.
*/
#include "tilsyn.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The default key file of a database: PATH.auditkey. */
void audit_key_default_path(char *out, size_t n, const char *db_file)
{
	snprintf(out, n, "%s.auditkey", db_file);
}

/* Reads the key file. 1 read, 0 missing, -1 unusable (with a Danish message). */
static int key_read(const char *path, unsigned char key[AUDIT_KEY_BYTES], char *err, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, n, _("nøglen til logbogen %s kan ikke læses: %s"), path, strerror(errno));
		return -1;
	}
	struct stat sb;
	char text[2 * AUDIT_KEY_BYTES + 2];
	ssize_t got = -1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		got = read(fd, text, sizeof text);
	close(fd);
	/* Only its owner may read the key: a copy elsewhere lets its holder rewrite the chain. */
	if (got >= 0 && (sb.st_mode & 077)) {
		snprintf(err, n, _("nøglen til logbogen %s kan læses af andre end ejeren (tilstand %03o); ret det med chmod 600 %s"),
		         path, (unsigned)(sb.st_mode & 0777), path);
		return -1;
	}
	if (got == 2 * AUDIT_KEY_BYTES + 1 && text[2 * AUDIT_KEY_BYTES] == '\n')
		got--;
	if (got == 2 * AUDIT_KEY_BYTES) {
		text[got] = 0;
		if (hex_decode(key, AUDIT_KEY_BYTES, text))
			return 1;
	}
	snprintf(err, n, _("nøglen til logbogen %s er ikke 64 hextegn"), path);
	return -1;
}

/* Makes a new key file (never over an existing one). 0, or -1 with a message. */
static int key_create(const char *path, unsigned char key[AUDIT_KEY_BYTES], char *err, size_t n)
{
	randombytes_buf(key, AUDIT_KEY_BYTES);
	char text[2 * AUDIT_KEY_BYTES + 2];
	hex_encode(text, key, AUDIT_KEY_BYTES);
	strcat(text, "\n");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, n, _("nøglen til logbogen %s kan ikke oprettes: %s"), path, strerror(errno));
		return -1;
	}
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		snprintf(err, n, _("nøglen til logbogen %s kan ikke skrives: %s"), path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* Whether any entry (kept, or deleted behind the retention anchor) was hashed with a key. */
static int log_has_keyed_entries(Db *db, int64_t from_id)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT coalesce((SELECT max(id) FROM audit), 0), coalesce((SELECT a.last_id FROM audit_anchor a), 0)");
	int64_t kept = 0, deleted = 0;
	if (db_step(&q)) {
		kept = db_col_int(&q, 0);
		deleted = db_col_int(&q, 1);
	}
	db_finalize(&q);
	return (kept > deleted ? kept : deleted) >= from_id;
}

/* A log that had entries before the key: mac holds from_id in place, and an entry (the first
** keyed one) says from where the chain is keyed. */
static int seal_keyed_from(Db *db, int64_t from_id, char *err, size_t n)
{
	unsigned char mac[AUDIT_KEY_BYTES];
	audit_keyed_mac(mac, from_id);
	if (db_begin(db) != DB_OK) {
		snprintf(err, n, _("databasen er optaget af et andet program; prøv igen"));
		return -1;
	}
	Stmt q;
	db_prepare(&q, db, "UPDATE audit_keyed SET mac = ?1 WHERE one = 1 AND mac IS NULL");
	db_bind_blob(&q, 1, mac, sizeof mac);
	int rc = db_done(&q);
	db_finalize(&q);
	char object[32], detail[300];
	snprintf(object, sizeof object, "audit:%lld", (long long)from_id);
	snprintf(detail, sizeof detail,
	         "logbogens kæde er nøglebeskyttet fra post %lld; de %lld ældre poster kontrolleres uden nøgle som før",
	         (long long)from_id, (long long)(from_id - 1));
	if (rc != DB_OK ||
	    audit_log(db, &(AuditEntry){.login = "kommandolinje", .action = "audit_keyed", .object = object,
	                                .detail = detail}) != 0 ||
	    db_commit(db) != DB_OK) {
		snprintf(err, n, _("logbogens nøglemarkering kunne ikke gemmes: %s"), db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	return 0;
}

int audit_key_open(Db *db, const char *path, int may_create, char *err, size_t n)
{
	unsigned char key[AUDIT_KEY_BYTES];
	int rc = key_read(path, key, err, n);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		audit_key_set(key);
		sodium_memzero(key, sizeof key);
		return 0;
	}
	int64_t from_id = 1;
	unsigned char mac[AUDIT_KEY_BYTES];
	int sealed = 0;
	int marked = audit_keyed_from(db, &from_id, mac, &sealed);
	/* A new database (no entry, nothing made yet) gets its key from any command; a log from
	** before the key only from init; a keyed log, or an emptied one, never gets a new key. */
	int keyed = !marked || sealed || log_has_keyed_entries(db, from_id);
	int fresh = !keyed && from_id == 1 && !audit_data_exists(db);
	int legacy = !keyed && from_id > 1;
	if (!fresh && !(legacy && may_create)) {
		snprintf(err, n,
		         _("nøglen til logbogen findes ikke: %s. %sLæg sikkerhedskopien af nøglen tilbage, eller angiv den med "
		           "--audit-key FIL (eller $TILSYN_AUDIT_KEY)."),
		         path,
		         legacy ? _("Logbogen er fra før nøglen: kør tilsyn init, som laver den. ")
		         : keyed ? _("Logbogen er allerede beskyttet med en nøgle, så der laves ikke en ny. ")
		                 : _("Logbogen er tom, men databasen har brugere, sager eller tilsyn, så der laves ikke en ny "
		                     "nøgle (se tilsyn audit verify). "));
		return -1;
	}
	if (key_create(path, key, err, n) != 0)
		return -1;
	audit_key_set(key);
	sodium_memzero(key, sizeof key);
	fprintf(stderr,
	        _("tilsyn: VIGTIGT: en ny nøgle til logbogen er skrevet i %s.\n"
	          "tilsyn: Tag en sikkerhedskopi af nøglen og opbevar den adskilt fra databasen og dens\n"
	          "tilsyn: sikkerhedskopier: uden nøglen kan logbogen ikke kontrolleres, og med den kan den omskrives.\n"),
	        path);
	if (from_id > 1 && seal_keyed_from(db, from_id, err, n) != 0)
		return -1;
	return 1;
}
