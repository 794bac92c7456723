/*
** `tilsyn backup FILE`: an online, consistent copy of the database while the server runs.
** SQLite's backup API copies the pages in steps, each in its own short read transaction (in
** WAL mode a reader never blocks the server's writers); when a writer changes the source
** between two steps, SQLite starts the copy over, and after a few such restarts the rest is
** copied in one step so the backup always ends. The copy goes to FILE.tmp, is switched to a
** plain rollback journal (one self-contained file), checked (PRAGMA integrity_check and the
** audit chain) and only then renamed to FILE. The copy's audit head (ID:HASH of its newest
** entry) is written beside it as FILE.head and printed: `audit verify` of the restored copy
** compares with it, so entries deleted from the copy afterwards are found. Restore: README.md,
** "Backup and restore".
*/
#include "tilsyn.h"

#include <sqlite3.h> /* moves into db_sqlite.c */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_STEP_PAGES 256 /* 1 MiB with 4 KiB pages: a few milliseconds per step */
#define BACKUP_MAX_RESTARTS 5

static int64_t count_rows(Db *db, const char *sql)
{
	Stmt q;
	db_prepare(&q, db, sql);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : -1;
	db_finalize(&q);
	return n;
}

/* Copies src to the new database file dst_path. Returns 0, or -1 with a message in err. */
static int copy_online(Db *src, const char *dst_path, char *err, size_t n)
{
	Db *dst = NULL;
	if (sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != DB_OK) {
		snprintf(err, n, _("kan ikke oprette %s: %s"), dst_path, dst ? sqlite3_errmsg(dst) : "ukendt fejl");
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke startes: %s"), sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	int rc, restarts = 0, prev_remaining = -1;
	do {
		rc = sqlite3_backup_step(b, restarts >= BACKUP_MAX_RESTARTS ? -1 : BACKUP_STEP_PAGES);
		int remaining = sqlite3_backup_remaining(b);
		if (prev_remaining >= 0 && remaining > prev_remaining)
			restarts++; /* the server wrote between two steps: SQLite started over */
		prev_remaining = remaining;
		if (rc == DB_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(rc == DB_OK ? 1 : 20); /* let the server's writers in */
	} while (rc == DB_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, n, _("sikkerhedskopien mislykkedes: %s"), sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	/* One self-contained file: no -wal beside it; tilsyn init turns WAL on again after a restore. */
	char *msg = NULL;
	if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, &msg) != DB_OK) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke lukkes rigtigt: %s"), msg ? msg : sqlite3_errmsg(dst));
		sqlite3_free(msg);
		sqlite3_close(dst);
		return -1;
	}
	if (sqlite3_close(dst) != DB_OK) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke lukkes"));
		return -1;
	}
	return 0;
}

int backup_verify_file(const char *path, BackupStats *st, char *err, size_t n)
{
	memset(st, 0, sizeof *st);
	Db *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != DB_OK) {
		snprintf(err, n, _("kopien %s kan ikke åbnes: %s"), path, db ? sqlite3_errmsg(db) : "ukendt fejl");
		sqlite3_close(db);
		return -1;
	}
	int ok = 1;
	Stmt q;
	db_prepare(&q, db, "PRAGMA integrity_check");
	while (db_step(&q)) {
		if (strcmp(db_col_text(&q, 0), "ok") != 0) {
			if (ok)
				snprintf(err, n, _("kopien er beskadiget (integrity_check): %s"), db_col_text(&q, 0));
			ok = 0;
		}
	}
	db_finalize(&q);
	int64_t bad = 0;
	char why[400];
	if (ok && audit_check(db, &bad, why, sizeof why) != 0) {
		snprintf(err, n, _("logbogen i kopien er brudt ved post %lld: %s"), (long long)bad, why);
		ok = 0;
	}
	int64_t head_id;
	unsigned char head_hash[AUDIT_HASH_BYTES];
	if (ok && audit_head(db, &head_id, head_hash))
		audit_head_text(st->head, head_id, head_hash);
	if (ok) {
		st->departments = count_rows(db, "SELECT count(*) FROM department");
		st->users = count_rows(db, "SELECT count(*) FROM users");
		st->cases = count_rows(db, "SELECT count(*) FROM cases");
		st->rounds = count_rows(db, "SELECT count(*) FROM round");
		st->answers = count_rows(db, "SELECT count(*) FROM answer");
		st->audit = count_rows(db, "SELECT count(*) FROM audit");
		st->schema = db_schema_version(db);
	}
	sqlite3_close(db);
	struct stat sb;
	if (ok && stat(path, &sb) == 0)
		st->bytes = (int64_t)sb.st_size;
	return ok ? 0 : -1;
}

/* FILE.head: the copy's audit head, written whole (FILE.head.tmp, then renamed). */
static int write_head(const char *path, const char *head, char *err, size_t n)
{
	char file[4200], tmp[4300];
	snprintf(file, sizeof file, "%s.head", path);
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	int ok = f && fprintf(f, "%s\n", head) > 0;
	ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
	ok = f && fclose(f) == 0 && ok;
	if (ok && rename(tmp, file) == 0)
		return 0;
	snprintf(err, n, _("logbogens hoved kunne ikke skrives til %s: %s"), file, strerror(errno));
	unlink(tmp);
	return 1;
}

int backup_write(Db *db, const char *path, int force, BackupStats *st, char *err, size_t n)
{
	struct stat sb;
	if (!force && lstat(path, &sb) == 0) {
		snprintf(err, n, _("%s findes allerede; vælg et andet filnavn, eller brug --force for at overskrive"), path);
		return 2;
	}
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		fatal("out of memory");
	char side[4096];
	unlink(tmp);
	snprintf(side, sizeof side, "%s-journal", tmp);
	unlink(side);
	snprintf(side, sizeof side, "%s-wal", tmp);
	unlink(side);
	int rc = 1;
	if (copy_online(db, tmp, err, n) == 0 && backup_verify_file(tmp, st, err, n) == 0) {
		int fd = open(tmp, O_RDONLY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		if (rename(tmp, path) == 0)
			rc = write_head(path, st->head, err, n);
		else
			snprintf(err, n, _("%s kunne ikke omdøbes til %s: %s"), tmp, path, strerror(errno));
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
