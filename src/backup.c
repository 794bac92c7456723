/*
** `tilsyn backup FILE`: an online, consistent copy of the database while the server runs
** (the driver's online backup, db_backup: for SQLite the backup API in short steps that never
** block the server's writers). The copy goes to FILE.tmp as one self-contained file, is
** checked (the backend's integrity check and the audit chain) and only then renamed to FILE. The copy's audit head (ID:HASH of its newest
** entry) is written beside it as FILE.head and printed: `audit verify` of the restored copy
** compares with it, so entries deleted from the copy afterwards are found. Restore: README.md,
** "Backup and restore".
*/
#include "tilsyn.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t count_rows(Db *db, const char *sql)
{
	Stmt q;
	db_prepare(&q, db, sql);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : -1;
	db_finalize(&q);
	return n;
}

int backup_verify_file(const char *path, BackupStats *st, char *err, size_t n)
{
	memset(st, 0, sizeof *st);
	char *open_err = NULL;
	Db *db = db_open_existing(path, &open_err);
	if (!db) {
		snprintf(err, n, _("kopien %s kan ikke åbnes: %s"), path, open_err ? open_err : "ukendt fejl");
		free(open_err);
		return -1;
	}
	int ok = 1;
	char problem[600];
	if (db_check(db, problem, sizeof problem) != DB_OK) {
		snprintf(err, n, _("kopien er beskadiget (%s)"), problem);
		ok = 0;
	}
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
	db_close(db);
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
	if (db_backup(db, tmp, err, n) == DB_OK && backup_verify_file(tmp, st, err, n) == 0) {
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
