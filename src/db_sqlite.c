/*
** The SQLite driver behind db.c: opening a file with the settings tilsyn relies on (WAL,
** foreign keys, a busy timeout, SQL text_fold), statements, SQLite's result codes mapped to
** tilsyn's own by a table, PRAGMA user_version as the schema version, the online backup
** API, integrity_check, and the page cache of a bulk import. The only file that includes
** <sqlite3.h>.
*/
#include "db_driver.h"

#include <sqlite3.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLite's codes as tilsyn's: extended codes first (a unique key is a kind of constraint),
** then primary ones; anything else is DB_ERROR. */
static const struct {
	int sqlite, db;
} code_map[] = {
	{SQLITE_OK, DB_OK},
	{SQLITE_DONE, DB_OK},
	{SQLITE_ROW, DB_ROW},
	{SQLITE_CONSTRAINT_UNIQUE, DB_UNIQUE},
	{SQLITE_CONSTRAINT_PRIMARYKEY, DB_UNIQUE},
	{SQLITE_CONSTRAINT, DB_CONSTRAINT},
	{SQLITE_BUSY, DB_BUSY},
	{SQLITE_LOCKED, DB_BUSY},
	{SQLITE_READONLY, DB_READONLY},
	{SQLITE_FULL, DB_FULL},
	{SQLITE_IOERR, DB_IOERR},
	{SQLITE_CANTOPEN, DB_IOERR},
	{SQLITE_INTERRUPT, DB_INTERRUPT},
};

static int code(int rc)
{
	for (size_t i = 0; i < COUNT(code_map); i++)
		if (code_map[i].sqlite == rc)
			return code_map[i].db;
	for (size_t i = 0; i < COUNT(code_map); i++)
		if (code_map[i].sqlite == (rc & 0xff))
			return code_map[i].db;
	return DB_ERROR;
}

/* The URI is a file path; a URI with a scheme (postgresql://...) belongs to another driver. */
static int sq_accepts(const char *uri)
{
	return strstr(uri, "://") == NULL;
}

/* SQL text_fold(x): the folded form of x (fold.c), so that a filter can match part of a text
** in any case inside the query (and be paged there) rather than over every row in C. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t n = (size_t)sqlite3_value_bytes(argv[0]) + 1;
	char *out = sqlite3_malloc64(n);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	text_fold(s, out, n);
	sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

/* SQLite's memory statistics take a global mutex around every allocation, which cost about
** 6 % of a 1,000,000-row import; tilsyn never reads them (no sqlite3_status, no heap limit).
** Only possible before SQLite initialises, i.e. before the first connection. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void *sq_open(const char *path, int how, int *rc_out, char **errmsg)
{
	sqlite3 *db = NULL;
	*errmsg = NULL;
	*rc_out = DB_ERROR;
	pthread_once(&config_once, configure_sqlite);
	int flags = how == DB_OPEN_TUNED ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
	                                 : SQLITE_OPEN_READWRITE;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) { /* *rc_out stays DB_ERROR: the caller words a file that cannot be opened */
		*errmsg = xstrdup(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_create_function(db, "text_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                        sql_fold, NULL, NULL);
	if (how != DB_OPEN_TUNED)
		return db;
	sqlite3_busy_timeout(db, 5000);
	/* synchronous=FULL: with WAL, each commit is on disk (one fsync of the WAL) before tilsyn
	** says "gemt", so a power loss keeps every save acknowledged; NORMAL could lose the last
	** ones (measured: 0.2-2 ms more per commit on this disk; an import is one commit).
	** secure_delete: deleted rows are overwritten, not left in free pages; retention's
	** deletion of case data relies on it, so it is set here, not left to how SQLite was built.
	** journal_size_limit: the WAL is cut back to 64 MB after a checkpoint (a killed import
	** once left one of 450 MB behind). */
	static const char *const pragmas[] = {
		"PRAGMA journal_mode=WAL",
		"PRAGMA synchronous=FULL",
		"PRAGMA secure_delete=ON",
		"PRAGMA journal_size_limit=67108864",
		"PRAGMA foreign_keys=ON",
		"PRAGMA trusted_schema=OFF",
	};
	for (size_t i = 0; i < COUNT(pragmas); i++) {
		char *err = NULL;
		rc = sqlite3_exec(db, pragmas[i], NULL, NULL, &err);
		if (rc != SQLITE_OK) {
			*rc_out = code(rc); /* WAL needs to write beside the file: the facade words that */
			*errmsg = xstrdup(err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_close(db);
			return NULL;
		}
	}
	return db;
}

static void sq_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static int sq_exec(void *conn, const char *sql)
{
	return code(sqlite3_exec(conn, sql, NULL, NULL, NULL));
}

static int sq_begin(void *conn, int write)
{
	return sq_exec(conn, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_in_transaction(void *conn)
{
	return !sqlite3_get_autocommit(conn);
}

static const char *sq_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

static int sq_errcode(void *conn)
{
	return code(sqlite3_extended_errcode(conn));
}

static int sq_changes(void *conn)
{
	return sqlite3_changes(conn);
}

static void sq_busy_timeout(void *conn, int ms)
{
	sqlite3_busy_timeout(conn, ms);
}

/* SQLite asks every PROGRESS_OPS virtual machine steps of a running statement. */
#define PROGRESS_OPS 1000

static void sq_progress(void *conn, int (*stop)(void *), void *arg)
{
	sqlite3_progress_handler(conn, PROGRESS_OPS, stop, arg);
}

static int sq_schema_version(void *conn)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int sq_schema_version_set(void *conn, int n)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", n);
	return sq_exec(conn, sql);
}

/*
** The online backup API copies the pages in steps, each in its own short read transaction
** (in WAL mode a reader never blocks the server's writers); when a writer changes the source
** between two steps, SQLite starts the copy over, and after a few such restarts the rest is
** copied in one step so the backup always ends. The copy is then switched to a plain
** rollback journal: one self-contained file, no -wal beside it (tilsyn init turns WAL on
** again after a restore).
*/
#define BACKUP_STEP_PAGES 256 /* 1 MiB with 4 KiB pages: a few milliseconds per step */
#define BACKUP_MAX_RESTARTS 5

static int sq_backup(void *conn, const char *dst_path, char *err, size_t n)
{
	sqlite3 *dst = NULL;
	if (sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, n, _("kan ikke oprette %s: %s"), dst_path, dst ? sqlite3_errmsg(dst) : "ukendt fejl");
		sqlite3_close(dst);
		return DB_IOERR;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", conn, "main");
	if (!b) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke startes: %s"), sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return DB_ERROR;
	}
	int rc, restarts = 0, prev_remaining = -1;
	do {
		rc = sqlite3_backup_step(b, restarts >= BACKUP_MAX_RESTARTS ? -1 : BACKUP_STEP_PAGES);
		int remaining = sqlite3_backup_remaining(b);
		if (prev_remaining >= 0 && remaining > prev_remaining)
			restarts++; /* the server wrote between two steps: SQLite started over */
		prev_remaining = remaining;
		if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(rc == SQLITE_OK ? 1 : 20); /* let the server's writers in */
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, n, _("sikkerhedskopien mislykkedes: %s"), sqlite3_errstr(rc));
		sqlite3_close(dst);
		return code(rc);
	}
	char *msg = NULL;
	rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke lukkes rigtigt: %s"), msg ? msg : sqlite3_errmsg(dst));
		sqlite3_free(msg);
		sqlite3_close(dst);
		return code(rc);
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		snprintf(err, n, _("sikkerhedskopien kunne ikke lukkes"));
		return DB_IOERR;
	}
	return DB_OK;
}

static int sq_check(void *conn, char *problem, size_t n)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(problem, n, "integrity_check: %s", sqlite3_errmsg(conn));
		return DB_ERROR;
	}
	int rc = DB_OK, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (rc == DB_OK && (!s || strcmp(s, "ok") != 0)) {
			snprintf(problem, n, "integrity_check: %s", s ? s : "?");
			rc = DB_ERROR;
		}
	}
	if (rc == DB_OK && step != SQLITE_DONE) {
		snprintf(problem, n, "integrity_check: %s", sqlite3_errmsg(conn));
		rc = DB_ERROR;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The page cache of a bulk import, in KiB. A long list inserts at random places in the two
** indexes of cases; with SQLite's default of about 2 MB most of those pages go out to the
** WAL and are read back through the kernel, which took a quarter of a 1,000,000-row import.
** Past 16 MiB nothing more is gained, and a fixed size keeps memory flat however long the
** list. */
#define BULK_CACHE_KIB 16384

static void sq_bulk(void *conn, int on, int *saved)
{
	char sql[48];
	if (on) {
		*saved = -2000; /* SQLite's default */
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(conn, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			*saved = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", on ? -BULK_CACHE_KIB : *saved);
	sqlite3_exec(conn, sql, NULL, NULL, NULL);
}

/* Without RETURNING (which builds and drops a temporary table on every row): no change is
** the row the WHERE left alone, and only a real insert (not the DO UPDATE) sets the last
** insert rowid. */
static int sq_upsert(void *conn, void *st, int *outcome)
{
	sqlite3_set_last_insert_rowid(conn, 0);
	int rc = sqlite3_step(st);
	*outcome = sqlite3_changes(conn) == 0 ? -1 : sqlite3_last_insert_rowid(conn) != 0;
	return code(rc);
}

static void *sq_prepare(void *conn, const char *sql, int persistent)
{
	sqlite3_stmt *st = NULL;
	int rc = persistent ? sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
	                    : sqlite3_prepare_v2(conn, sql, -1, &st, NULL);
	return rc == SQLITE_OK ? st : NULL;
}

static void sq_bind_int(void *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

static void sq_bind_text(void *st, int i, const char *s, int copy)
{
	sqlite3_bind_text(st, i, s, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

static void sq_bind_blob(void *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(st, i, p, (int)n, SQLITE_TRANSIENT);
}

static void sq_bind_null(void *st, int i)
{
	sqlite3_bind_null(st, i);
}

static int sq_step(void *st)
{
	return code(sqlite3_step(st));
}

static int sq_readonly(void *st)
{
	return sqlite3_stmt_readonly(st);
}

static void sq_reset(void *st, int clear_bindings)
{
	sqlite3_reset(st);
	if (clear_bindings)
		sqlite3_clear_bindings(st);
}

static void sq_finalize(void *st)
{
	sqlite3_finalize(st);
}

static int64_t sq_col_int(void *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static const char *sq_col_text(void *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static const void *sq_col_blob(void *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(st, i);
	*n = (size_t)sqlite3_column_bytes(st, i);
	return p;
}

static int sq_col_is_null(void *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

const DbDriver db_sqlite_driver = {
	.name = "sqlite",
	.dialect = DB_DIALECT_SQLITE,
	.accepts = sq_accepts,
	.schema_dir = "schema/",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.in_transaction = sq_in_transaction,
	.errmsg = sq_errmsg,
	.errcode = sq_errcode,
	.changes = sq_changes,
	.busy_timeout = sq_busy_timeout,
	.progress = sq_progress,
	.schema_version = sq_schema_version,
	.schema_version_set = sq_schema_version_set,
	.backup = sq_backup,
	.check = sq_check,
	.bulk = sq_bulk,
	.upsert = sq_upsert,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.readonly = sq_readonly,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_is_null = sq_col_is_null,
};
