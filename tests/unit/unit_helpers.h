/*
** Helpers shared by the cmocka unit tests: a real, migrated database in a fresh mkdtemp
** directory (removed again afterwards), SQL run and read through the db_* facade (the one
** place to change for another backend), a second connection to the file as it is for tests
** that tamper with it, and a check that a piece of code aborts, run in a forked child whose
** stderr is silenced. Everything is static inline so that a test file that uses only part
** of it still compiles with -Werror.
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

typedef struct TestDb {
	char dir[64];
	char path[128];
	Db *db;
} TestDb;

/* Creates an empty directory and a database in it, opened with db_open and migrated up to
** schema (-1: all). */
static inline TestDb *testdb_new_at(int schema)
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
	if (db_migrate_to(t->db, schema, &err) != 0)
		fail_msg("db_migrate: %s", err ? err : "?");
	assert_null(err);
	/* The audit chain is keyed; tests use a fixed key (tilsyn itself reads it from a file). */
	static const unsigned char test_key[AUDIT_KEY_BYTES] = {0x74, 0x69, 0x6c, 0x73, 0x79, 0x6e};
	audit_key_set(test_key);
	return t;
}

static inline TestDb *testdb_new(void)
{
	return testdb_new_at(-1);
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

/* Runs sql (one or more statements, no rows); fails the test, naming the SQL, on an error. */
static inline void exec_ok(Db *db, const char *sql)
{
	if (db_exec(db, sql) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

/* exec_ok with the SQL made by printf. */
ATTR_PRINTF(2, 3) static inline void qexec(Db *db, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof sql)
		fail_msg("qexec: SQL longer than %zu bytes: %.80s...", sizeof sql, sql);
	exec_ok(db, sql);
}

/* An INSERT ... RETURNING id made by printf, run through db_insert_id: the new row's id;
** fails the test on error. */
ATTR_PRINTF(2, 3) static inline int64_t qinsert(Db *db, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof sql)
		fail_msg("qinsert: SQL longer than %zu bytes: %.80s...", sizeof sql, sql);
	Stmt q;
	if (db_prepare_uncached(&q, db, sql) != DB_OK)
		fail_msg("prepare %s: %s", sql, db_errmsg(db));
	int64_t id = 0;
	int rc = db_insert_id(&q, &id);
	db_finalize(&q);
	if (rc != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(db));
	return id;
}

/* A query with no parameters that must give a row; fails the test otherwise. */
static inline void testdb_row(Db *db, const char *sql, Stmt *q)
{
	if (db_prepare_uncached(q, db, sql) != DB_OK)
		fail_msg("prepare %s: %s", sql, db_errmsg(db));
	if (!db_step(q))
		fail_msg("no row from %s: %s", sql, db_errmsg(db));
}

/* One integer from a query with no parameters (counts, pragmas); fails the test on error. */
static inline int64_t testdb_int(Db *db, const char *sql)
{
	Stmt q;
	testdb_row(db, sql, &q);
	int64_t v = db_col_int(&q, 0);
	db_finalize(&q);
	return v;
}

/* One text value (copied into out) from a query with no parameters; "" for NULL. */
static inline void testdb_text(Db *db, const char *sql, char *out, size_t n)
{
	Stmt q;
	testdb_row(db, sql, &q);
	snprintf(out, n, "%s", db_col_text(&q, 0));
	db_finalize(&q);
}

/* A second connection to the test's file as it is (no foreign keys, no other settings): the
** way for a test to tamper like someone with the file (drop a trigger, change a row). */
static inline Db *testdb_raw(const TestDb *t)
{
	char *err = NULL;
	Db *raw = db_open_existing(t->path, &err);
	if (!raw)
		fail_msg("db_open_existing(%s): %s", t->path, err ? err : "?");
	return raw;
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
