/*
** Helpers shared by the cmocka unit tests: a real, migrated SQLite database in a fresh
** mkdtemp directory (removed again afterwards), and a check that a piece of code aborts,
** run in a forked child whose stderr is silenced. Everything is static inline so that a
** test file that uses only part of it still compiles with -Werror.
*/
#ifndef TILSYN_UNIT_HELPERS_H
#define TILSYN_UNIT_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tilsyn.h"

#include <sqlite3.h> /* the unit tests read the SQLite file directly */

typedef struct TestDb {
	char dir[64];
	char path[128];
	Db *db;
} TestDb;

/* Creates an empty directory and a database in it, opened with db_open and migrated. */
static inline TestDb *testdb_new(void)
{
	TestDb *t = calloc(1, sizeof *t);
	assert_non_null(t);
	snprintf(t->dir, sizeof t->dir, "/tmp/tilsyn-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
	char *err = NULL;
	t->db = db_open(t->path, &err);
	if (!t->db)
		fail_msg("db_open(%s): %s", t->path, err ? err : "?");
	assert_null(err);
	if (db_migrate(t->db, &err) != 0)
		fail_msg("db_migrate: %s", err ? err : "?");
	assert_null(err);
	/* The audit chain is keyed; tests use a fixed key (tilsyn itself reads it from a file). */
	static const unsigned char test_key[AUDIT_KEY_BYTES] = {0x74, 0x69, 0x6c, 0x73, 0x79, 0x6e};
	audit_key_set(test_key);
	return t;
}

static inline void testdb_free(TestDb *t)
{
	if (!t)
		return;
	if (t->db)
		db_close(t->db);
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
		unlink(p);
	}
	rmdir(t->dir);
	free(t);
}

/* One integer from a query with no parameters (counts, pragmas); fails the test on error. */
static inline int64_t testdb_int(Db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != DB_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no row from %s: %s", sql, sqlite3_errmsg(db));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One text value (copied into out) from a query with no parameters; "" for NULL. */
static inline void testdb_text(Db *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != DB_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no row from %s: %s", sql, sqlite3_errmsg(db));
	const unsigned char *s = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", s ? (const char *)s : "");
	sqlite3_finalize(st);
}

/*
** Runs fn(arg) in a forked child with stderr sent to /dev/null. Returns 1 when the child
** was killed by SIGABRT, 0 when it returned normally or died some other way.
*/
static inline int dies_with_abort(void (*fn)(void *), void *arg)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#endif
