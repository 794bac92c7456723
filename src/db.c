/*
** Storage: opening SQLite with the pragmas tilsyn relies on (WAL, foreign keys, a busy
** timeout), applying the numbered migrations compiled into the binary, and the small
** statement API that makes bound parameters the easy path. Each server thread has its own
** connection with a cache of prepared statements keyed by the SQL literal's address.
*/
#include "tilsyn.h"

#include <sqlite3.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE 256

static char *g_path;

typedef struct StmtCache {
	const char *sql[STMT_CACHE];
	sqlite3_stmt *st[STMT_CACHE];
	int busy[STMT_CACHE];
} StmtCache;

static _Thread_local sqlite3 *t_db;
static _Thread_local StmtCache *t_cache;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

/* Runs when a server thread ends, so its connection is closed and its statements freed. */
static void thread_end(void *unused)
{
	(void)unused;
	db_thread_close();
}

static void thread_key_create(void)
{
	pthread_key_create(&thread_key, thread_end);
}

/* SQLite's memory statistics take a global mutex around every allocation, which cost about
** 6 % of a 1,000,000-row import; tilsyn never reads them (no sqlite3_status, no heap limit).
** Only possible before SQLite initialises, i.e. before the first connection. */
static int db_code(int rc);

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

sqlite3 *db_open(const char *path, char **errmsg)
{
	sqlite3 *db = NULL;
	*errmsg = NULL;
	pthread_once(&config_once, configure_sqlite);
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*errmsg = xstrdup(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	text_fold_register(db);
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
			const char *cause = db_write_error_text(db_code(rc)); /* WAL needs to write beside the file */
			*errmsg = xstrdup(cause ? cause : err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_close(db);
			return NULL;
		}
	}
	return db;
}

void db_close(sqlite3 *db)
{
	if (db == t_db && t_cache) {
		for (int i = 0; i < STMT_CACHE; i++)
			sqlite3_finalize(t_cache->st[i]);
		free(t_cache);
		t_cache = NULL;
		t_db = NULL;
	}
	sqlite3_close_v2(db);
}

void db_set_path(const char *path)
{
	free(g_path);
	g_path = xstrdup(path);
}

const char *db_path(void)
{
	return g_path;
}

/*
** The time limit of a web request's statements. http.c arms it for each request on the
** worker thread's connection; SQLite calls progress() every PROGRESS_OPS virtual machine
** steps of a running statement, and a non-zero answer ends that statement with
** SQLITE_INTERRUPT. Once the limit is passed every later statement of the request ends at
** once too (db_step, db_done, db_begin and db_commit refuse: SQLite calls progress() only
** in statements longer than PROGRESS_OPS steps), so a handler that carries on after a
** failed query, with what it read cut short, cannot write anything; the
** request is answered with 503 and its transaction rolled back. db_deadline_stop_all
** (on SIGTERM) does the same for every armed thread, without the limit: SQLite's own
** sqlite3_interrupt would also make a statement that is still being prepared fail, which
** db_prepare treats as a bug. The main thread and the command line are never armed.
*/
#define PROGRESS_OPS 1000

static _Thread_local int t_armed, t_expired;
static _Thread_local struct timespec t_deadline;
static atomic_int stop_all;

static int progress(void *unused)
{
	(void)unused;
	if (!t_armed)
		return 0;
	if (t_expired)
		return 1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (atomic_load(&stop_all) || now.tv_sec > t_deadline.tv_sec ||
	    (now.tv_sec == t_deadline.tv_sec && now.tv_nsec >= t_deadline.tv_nsec))
		t_expired = 1;
	return t_expired;
}

void db_deadline_arm(double seconds)
{
	t_expired = 0;
	t_armed = 1;
	clock_gettime(CLOCK_MONOTONIC, &t_deadline);
	if (seconds <= 0)
		seconds = 1e6; /* no limit, but still stopped by db_deadline_stop_all */
	long long ns = (long long)(seconds * 1e9) + t_deadline.tv_nsec;
	t_deadline.tv_sec += (time_t)(ns / 1000000000);
	t_deadline.tv_nsec = (long)(ns % 1000000000);
}

int db_deadline_disarm(void)
{
	int expired = t_expired;
	t_armed = t_expired = 0;
	return expired;
}

int db_deadline_expired(void)
{
	return t_expired;
}

void db_deadline_stop_all(void)
{
	atomic_store(&stop_all, 1);
}

/* This thread's connection, opened on first use. Opening can only fail for reasons
** the server already checked at start (the file exists and is migrated), so it is fatal. */
sqlite3 *db_thread(void)
{
	if (!t_db) {
		char *err;
		t_db = db_open(g_path, &err);
		if (!t_db)
			fatal("cannot open database %s: %s", g_path, err);
		sqlite3_progress_handler(t_db, PROGRESS_OPS, progress, NULL);
		t_cache = xcalloc(1, sizeof *t_cache);
		pthread_once(&thread_key_once, thread_key_create);
		pthread_setspecific(thread_key, t_db); /* any non-NULL value makes the destructor run */
	}
	return t_db;
}

void db_thread_close(void)
{
	if (t_db)
		db_close(t_db);
}

/* Migrations are the embedded files schema/NNN_name.sql, applied in order; the number
** of the last one applied is kept in PRAGMA user_version. */
static int migration_number(const char *name)
{
	if (strncmp(name, "schema/", 7) != 0)
		return 0;
	return atoi(name + 7);
}

int db_schema_latest(void)
{
	int latest = 0;
	for (size_t i = 0; i < embedded_count; i++) {
		int n = migration_number(embedded_files[i].name);
		if (n > latest)
			latest = n;
	}
	return latest;
}

int db_schema_version(sqlite3 *db)
{
	Stmt q;
	db_prepare(&q, db, "PRAGMA user_version");
	int v = db_step(&q) ? (int)db_col_int(&q, 0) : -1;
	db_finalize(&q);
	return v;
}

int db_migrate(sqlite3 *db, char **errmsg)
{
	*errmsg = NULL;
	int have = db_schema_version(db);
	int latest = db_schema_latest();
	if (have > latest) {
		char msg[200];
		snprintf(msg, sizeof msg,
		         _("Databasen har skemaversion %d, men dette program kender kun op til %d. "
		           "Brug en nyere udgave af tilsyn."), have, latest);
		*errmsg = xstrdup(msg);
		return -1;
	}
	for (int n = have + 1; n <= latest; n++) {
		const EmbeddedFile *f = NULL;
		for (size_t i = 0; i < embedded_count; i++)
			if (migration_number(embedded_files[i].name) == n)
				f = &embedded_files[i];
		if (!f)
			fatal("migration %d is missing from the binary", n);
		char *sql = xmalloc(f->size + 1);
		memcpy(sql, f->data, f->size);
		sql[f->size] = 0;
		char *err = NULL;
		char version[64];
		snprintf(version, sizeof version, "PRAGMA user_version=%d", n);
		int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, sql, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, version, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &err);
		free(sql);
		if (rc != SQLITE_OK) {
			char msg[512];
			snprintf(msg, sizeof msg, "%s: %s", f->name, err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			*errmsg = xstrdup(msg);
			return -1;
		}
	}
	return 0;
}

/* Prepares sql, which must be a string literal (its address keys the cache). A statement
** that does not compile is a bug in the program, not in the input, so it is fatal. */
void db_prepare(Stmt *q, sqlite3 *db, const char *sql)
{
	q->db = db;
	q->cached = -1;
	if (db == t_db && t_cache) {
		size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
		for (size_t k = 0; k < STMT_CACHE; k++) {
			size_t i = (h + k) % STMT_CACHE;
			if (t_cache->sql[i] == sql && !t_cache->busy[i]) {
				q->st = t_cache->st[i];
				q->cached = (int)i;
				t_cache->busy[i] = 1;
				return;
			}
			if (!t_cache->sql[i]) {
				if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, (sqlite3_stmt **)&q->st, NULL) != SQLITE_OK)
					fatal("SQL error: %s in: %s", sqlite3_errmsg(db), sql);
				t_cache->sql[i] = sql;
				t_cache->st[i] = q->st;
				t_cache->busy[i] = 1;
				q->cached = (int)i;
				return;
			}
		}
	}
	if (sqlite3_prepare_v2(db, sql, -1, (sqlite3_stmt **)&q->st, NULL) != SQLITE_OK)
		fatal("SQL error: %s in: %s", sqlite3_errmsg(db), sql);
}

void db_bind_int(Stmt *q, int i, int64_t v)
{
	sqlite3_bind_int64(q->st, i, v);
}

void db_bind_text(Stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q->st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q->st, i);
}

void db_bind_blob(Stmt *q, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(q->st, i, p, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(Stmt *q, int i)
{
	sqlite3_bind_null(q->st, i);
}

/*
** A write that fails because the database cannot be written (a read-only file or folder, a
** full disk, an I/O error) is not the user's fault and must say so in Danish. db_done and
** db_exec (so db_begin and db_commit) note such a failure for this thread; the web server
** (http.c) and the command line (main.c) turn a failed request or command into this text.
*/
static _Thread_local int t_write_failed, t_write_reported;

/* SQLite's result code as tilsyn's own. */
static int db_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ? DB_UNIQUE : DB_CONSTRAINT;
	case SQLITE_READONLY:
		return DB_READONLY;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return DB_IOERR;
	case SQLITE_INTERRUPT:
		return DB_INTERRUPT;
	}
	return DB_ERROR;
}

const char *db_write_error_text(int rc)
{
	switch (rc) {
	case DB_READONLY:
	case DB_FULL:
	case DB_IOERR:
		return _("Databasen kan ikke skrives til (skrivebeskyttet eller fuld disk). Ændringen er ikke gemt; "
		         "alt, der var gemt før, er bevaret. Kontakt administratoren.");
	}
	return NULL;
}

static int note_write_error(int rc)
{
	rc = db_code(rc);
	if (db_write_error_text(rc))
		t_write_failed = rc;
	return rc;
}

int db_write_failed(void)
{
	return t_write_failed;
}

int db_write_failure_reported(void)
{
	return t_write_reported;
}

void db_write_failed_reset(void)
{
	t_write_failed = t_write_reported = 0;
}

/* Returns 1 while there is a row. Errors (constraint, busy, full disk) end the loop and are
** reported by db_done() or the return of db_exec-style callers through sqlite3_errcode. */
int db_step(Stmt *q)
{
	if (t_expired)
		return 0;
	return sqlite3_step(q->st) == SQLITE_ROW;
}

/* Runs a statement that returns no rows; returns DB_OK or the error code. */
int db_done(Stmt *q)
{
	if (t_expired)
		return DB_INTERRUPT;
	int rc = sqlite3_step(q->st);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(q->st);
	return rc == SQLITE_DONE ? DB_OK : note_write_error(rc);
}

/* Runs an INSERT ... RETURNING id (the portable way to learn the new row's key): DB_OK and
** *id, or the error code. */
int db_insert_id(Stmt *q, int64_t *id)
{
	*id = 0;
	if (t_expired)
		return DB_INTERRUPT;
	int rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(q->st, 0);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(q->st);
	return rc == SQLITE_DONE ? DB_OK : note_write_error(rc);
}

/* Makes a statement ready to run again, with the same bound values (rebind what changes). */
void db_reset(Stmt *q)
{
	sqlite3_reset(q->st);
}

int64_t db_col_int(Stmt *q, int i)
{
	return sqlite3_column_int64(q->st, i);
}

const char *db_col_text(Stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q->st, i);
	return s ? s : "";
}

const void *db_col_blob(Stmt *q, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(q->st, i);
	*n = (size_t)sqlite3_column_bytes(q->st, i);
	return p;
}

int db_col_is_null(Stmt *q, int i)
{
	return sqlite3_column_type(q->st, i) == SQLITE_NULL;
}

void db_finalize(Stmt *q)
{
	if (!q->st)
		return;
	if (q->cached >= 0 && t_cache) {
		sqlite3_reset(q->st);
		sqlite3_clear_bindings(q->st);
		t_cache->busy[q->cached] = 0;
	} else {
		sqlite3_finalize(q->st);
	}
	q->st = NULL;
}

int db_exec(sqlite3 *db, const char *sql)
{
	return note_write_error(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/*
** Write transactions of one process queue on a mutex before BEGIN IMMEDIATE. SQLite lets
** only one writer in at a time and makes the others wait in its busy handler, which polls
** with sleeps of 1, 2, 5, 10, ... up to 100 ms: with 20 reviewers saving at once, a save
** that lost the race a few times slept tens of milliseconds after the lock was long free,
** and the other connections of its server thread waited with it (p99 40-420 ms, see
** bench/answers). On the mutex a writer is woken as soon as the one before it ends. Waiting
** is bounded as the busy timeout is (5 s, then SQLITE_BUSY, "databasen er optaget"), and
** SQLite's busy handler still covers writers in other processes (the command line). The
** mutex is held from db_begin until db_commit or db_rollback on the same connection, so
** also through the automatic WAL checkpoint that COMMIT runs every 1000 pages. That is on
** purpose: a checkpoint that ran beside the next writers (tried, with a wal hook) never
** caught up with them under load, the WAL was never restarted and grew past 1 GB, and every
** commit then ran a checkpoint of its own, with p99 up to 290 ms.
*/
static pthread_mutex_t write_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local sqlite3 *t_writer; /* this thread's connection holding write_mutex */

static void write_release(sqlite3 *db)
{
	if (t_writer == db) {
		t_writer = NULL;
		pthread_mutex_unlock(&write_mutex);
	}
}

int db_begin(sqlite3 *db)
{
	if (t_expired)
		return DB_INTERRUPT;
	int took = 0;
	if (!t_writer) { /* else a transaction of this thread already holds it (or BEGIN fails below) */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 5;
		if (pthread_mutex_timedlock(&write_mutex, &until) != 0)
			return DB_BUSY;
		t_writer = db;
		took = 1;
	}
	int rc = db_exec(db, "BEGIN IMMEDIATE");
	if (rc != DB_OK && took)
		write_release(db);
	return rc;
}

int db_commit(sqlite3 *db)
{
	int rc = t_expired ? DB_INTERRUPT : db_exec(db, "COMMIT");
	if (rc != DB_OK)
		db_rollback(db);
	else
		write_release(db);
	return rc;
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		db_exec(db, "ROLLBACK");
	write_release(db);
}

/* Whether a transaction is open on this connection (a caller inside one must not begin). */
int db_in_transaction(sqlite3 *db)
{
	return !sqlite3_get_autocommit(db);
}

int64_t db_last_id(sqlite3 *db)
{
	return sqlite3_last_insert_rowid(db);
}

int db_changes(sqlite3 *db)
{
	return sqlite3_changes(db);
}

/* The cause of a write failure, when it is named by db_write_error_text, wins over SQLite's
** own (English, and after the rollback often "not an error"). */
const char *db_errmsg(sqlite3 *db)
{
	if (t_write_failed) {
		t_write_reported = 1;
		return db_write_error_text(t_write_failed);
	}
	return sqlite3_errmsg(db);
}
