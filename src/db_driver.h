/*
** The storage drivers behind db.c: one table of functions per backend, in the manner of
** Dovecot's lib-sql drivers and FreeRADIUS' rlm_sql drivers. db.c (the facade) chooses a
** driver by the database's URI and keeps what is the same for every backend: the per-thread
** connection, the statement cache, the write mutex, the request deadline and the bookkeeping
** of write failures. Only db*.c include this header; only a driver includes its client
** library. Every result is already one of tilsyn's DB_* codes (each driver maps its own
** errors with a table), except a step that has a row, which is DB_ROW.
*/
#ifndef TILSYN_DB_DRIVER_H
#define TILSYN_DB_DRIVER_H

#include "tilsyn.h"

enum { DB_ROW = 100 }; /* step: a row is ready (never returned by the facade) */

/* How a connection is opened. */
enum {
	DB_OPEN_TUNED, /* create when missing, with the settings tilsyn relies on (WAL, foreign keys...) */
	DB_OPEN_AS_IS, /* an existing file left as it is (checking a backup copy, tests that tamper) */
};

typedef struct DbDriver {
	const char *name;
	int dialect; /* DB_DIALECT_*: which of a pair of statements this backend runs */
	/* Whether the URI is this driver's (the first driver in db.c's list that says yes opens it). */
	int (*accepts)(const char *uri);
	/* NULL, or the Danish reason why this backend cannot be used yet. */
	const char *unsupported;
	/* The embedded migration files' prefix ("schema/" then NNN_name.sql). */
	const char *schema_dir;

	/* NULL on failure, with the backend's message and, where it has one, a DB_* code in *code. */
	void *(*open)(const char *uri, int how, int *code, char **errmsg);
	void (*close)(void *conn);
	int (*exec)(void *conn, const char *sql); /* one or more statements, no rows */
	int (*begin)(void *conn, int write);      /* write: take the write lock now */
	int (*in_transaction)(void *conn);
	const char *(*errmsg)(void *conn);
	int (*errcode)(void *conn); /* the last failure as a DB_* code */
	int (*changes)(void *conn);
	void (*busy_timeout)(void *conn, int ms);
	/* Calls stop(arg) every so often while a statement runs; non-zero ends it with DB_INTERRUPT. */
	void (*progress)(void *conn, int (*stop)(void *), void *arg);
	int (*schema_version)(void *conn);                /* -1 when it cannot be read */
	int (*schema_version_set)(void *conn, int n);     /* inside the migration's transaction */
	/* An online copy of the whole database into a new file (a backend without files: NULL). */
	int (*backup)(void *conn, const char *dst_path, char *err, size_t n);
	/* The backend's own consistency check: DB_OK, or DB_ERROR with the first problem. */
	int (*check)(void *conn, char *problem, size_t n);
	/* Tuning for a long bulk insert on this connection, and back (saved holds what was). */
	void (*bulk)(void *conn, int on, int *saved);
	/* Runs an INSERT ... ON CONFLICT DO UPDATE ... WHERE: *outcome 1 inserted, 0 updated, -1
	** neither (the WHERE left the row as it was). */
	int (*upsert)(void *conn, void *st, int *outcome);

	void *(*prepare)(void *conn, const char *sql, int persistent); /* NULL: see errmsg */
	void (*bind_int)(void *st, int i, int64_t v);
	void (*bind_text)(void *st, int i, const char *s, int copy); /* copy 0: s outlives the step */
	void (*bind_blob)(void *st, int i, const void *p, size_t n);
	void (*bind_null)(void *st, int i);
	int (*step)(void *st); /* DB_ROW, DB_OK when done, or an error */
	int (*readonly)(void *st); /* the statement writes nothing */
	void (*reset)(void *st, int clear_bindings);
	void (*finalize)(void *st);
	int64_t (*col_int)(void *st, int i);
	const char *(*col_text)(void *st, int i); /* NULL for NULL */
	const void *(*col_blob)(void *st, int i, size_t *n);
	int (*col_is_null)(void *st, int i);
} DbDriver;

extern const DbDriver db_sqlite_driver;

#endif
