/*
** Storage, the facade: tilsyn's statement API (bound parameters the easy path) over one
** driver per backend (db_driver.h; SQLite's is db_sqlite.c), chosen by the database's URI.
** What is the same for every backend lives here: the numbered migrations compiled into the
** binary, each server thread's own connection with a cache of prepared statements keyed by
** the SQL literal's address, the write mutex, a web request's deadline and read transaction,
** and the bookkeeping of write failures.
*/
#include "db_driver.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE 256

/* A connection: its driver and the driver's own handle. */
struct Db {
	const DbDriver *drv;
	void *conn;
	int bulk_saved; /* what the driver's bulk tuning replaced */
	int read_wanted; /* db_read_begin: reads run in one read transaction until db_read_end */
	int read_open;   /* that read transaction is open */
};

/* The drivers, in the order they are asked whether a URI is theirs. */
static const DbDriver *const drivers[] = {&db_sqlite_driver};

static char *g_path;

typedef struct StmtCache {
	const char *sql[STMT_CACHE];
	void *st[STMT_CACHE];
	int busy[STMT_CACHE];
} StmtCache;

static _Thread_local Db *t_db;
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

static const DbDriver *driver_for(const char *uri)
{
	for (size_t i = 0; i < COUNT(drivers); i++)
		if (drivers[i]->accepts(uri))
			return drivers[i];
	return NULL;
}

/* Whether tilsyn can open the database named by uri (a file path, or postgresql://... when a
** driver for it exists); else 0 and the Danish reason in why. */
int db_uri_supported(const char *uri, char *why, size_t n)
{
	const DbDriver *d = driver_for(uri);
	if (d && !d->unsupported)
		return 1;
	if (d)
		snprintf(why, n, "%s", d->unsupported);
	else if (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0)
		snprintf(why, n, "%s", _("PostgreSQL understøttes endnu ikke (--db postgresql://...); brug en SQLite-fil (--db STI)."));
	else
		snprintf(why, n, _("--db %s er hverken en filsti eller en database, tilsyn kender."), uri);
	return 0;
}

static Db *open_how(const char *uri, int how, char **errmsg)
{
	*errmsg = NULL;
	const DbDriver *d = driver_for(uri);
	if (!d || d->unsupported) {
		char why[300];
		db_uri_supported(uri, why, sizeof why);
		*errmsg = xstrdup(why);
		return NULL;
	}
	int code = DB_OK;
	void *conn = d->open(uri, how, &code, errmsg);
	if (!conn) {
		const char *cause = db_write_error_text(code); /* in Danish, as for any write that fails */
		if (cause) {
			free(*errmsg);
			*errmsg = xstrdup(cause);
		}
		return NULL;
	}
	Db *db = xcalloc(1, sizeof *db);
	db->drv = d;
	db->conn = conn;
	return db;
}

Db *db_open(const char *path, char **errmsg)
{
	return open_how(path, DB_OPEN_TUNED, errmsg);
}

/* An existing database as it is: no settings changed, nothing created (checking a copy). */
Db *db_open_existing(const char *path, char **errmsg)
{
	return open_how(path, DB_OPEN_AS_IS, errmsg);
}

void db_close(Db *db)
{
	if (!db)
		return;
	if (db == t_db && t_cache) {
		for (int i = 0; i < STMT_CACHE; i++)
			if (t_cache->st[i])
				db->drv->finalize(t_cache->st[i]);
		free(t_cache);
		t_cache = NULL;
		t_db = NULL;
	}
	db->drv->close(db->conn);
	free(db);
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
** worker thread's connection; the driver calls progress() every so often while a statement
** runs (SQLite: every 1000 virtual machine steps), and a non-zero answer ends that statement
** with DB_INTERRUPT. Once the limit is passed every later statement of the request ends at
** once too (db_step, db_done, db_begin and db_commit refuse: the driver asks progress() only
** in statements that run long enough), so a handler that carries on after a failed query,
** with what it read cut short, cannot write anything; the request is answered with 503 and
** its transaction rolled back. db_deadline_stop_all (on SIGTERM) does the same for every
** armed thread, without the limit: an interrupt of the connection itself would also make a
** statement that is still being prepared fail, which db_prepare treats as a bug. The main
** thread and the command line are never armed.
*/
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
Db *db_thread(void)
{
	if (!t_db) {
		char *err;
		t_db = db_open(g_path, &err);
		if (!t_db)
			fatal("cannot open database %s: %s", g_path, err);
		t_db->drv->progress(t_db->conn, progress, NULL);
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

/* Migrations are the embedded files <driver's schema_dir>NNN_name.sql, applied in order; the
** driver keeps the number of the last one applied (SQLite: PRAGMA user_version). */
static int migration_number(const DbDriver *d, const char *name)
{
	size_t n = strlen(d->schema_dir);
	if (strncmp(name, d->schema_dir, n) != 0 || name[n] < '0' || name[n] > '9')
		return 0;
	return atoi(name + n);
}

static int schema_latest(const DbDriver *d)
{
	int latest = 0;
	for (size_t i = 0; i < embedded_count; i++) {
		int n = migration_number(d, embedded_files[i].name);
		if (n > latest)
			latest = n;
	}
	return latest;
}

int db_schema_latest(void)
{
	return schema_latest(drivers[0]);
}

int db_schema_version(Db *db)
{
	return db->drv->schema_version(db->conn);
}

int db_migrate(Db *db, char **errmsg)
{
	return db_migrate_to(db, -1, errmsg);
}

/* Applies the migrations up to target (-1: all); tests start from an older schema this way. */
int db_migrate_to(Db *db, int target, char **errmsg)
{
	*errmsg = NULL;
	const DbDriver *d = db->drv;
	int have = db_schema_version(db);
	int latest = schema_latest(d);
	if (have > latest) {
		char msg[200];
		snprintf(msg, sizeof msg,
		         _("Databasen har skemaversion %d, men dette program kender kun op til %d. "
		           "Brug en nyere udgave af tilsyn."), have, latest);
		*errmsg = xstrdup(msg);
		return -1;
	}
	if (target >= 0 && target < latest)
		latest = target;
	for (int n = have + 1; n <= latest; n++) {
		const EmbeddedFile *f = NULL;
		for (size_t i = 0; i < embedded_count; i++)
			if (migration_number(d, embedded_files[i].name) == n)
				f = &embedded_files[i];
		if (!f)
			fatal("migration %d is missing from the binary", n);
		char *sql = xmalloc(f->size + 1);
		memcpy(sql, f->data, f->size);
		sql[f->size] = 0;
		int rc = d->begin(db->conn, 1);
		if (rc == DB_OK)
			rc = d->exec(db->conn, sql);
		if (rc == DB_OK)
			rc = d->schema_version_set(db->conn, n);
		if (rc == DB_OK)
			rc = d->exec(db->conn, "COMMIT");
		free(sql);
		if (rc != DB_OK) {
			char msg[512];
			snprintf(msg, sizeof msg, "%s: %s", f->name, d->errmsg(db->conn));
			d->exec(db->conn, "ROLLBACK");
			*errmsg = xstrdup(msg);
			return -1;
		}
	}
	return 0;
}

/* Prepares sql, which must be a string literal (its address keys the cache). A statement
** that does not compile is a bug in the program, not in the input, so it is fatal. */
void db_prepare(Stmt *q, Db *db, const char *sql)
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
				q->st = db->drv->prepare(db->conn, sql, 1);
				if (!q->st)
					fatal("SQL error: %s in: %s", db->drv->errmsg(db->conn), sql);
				t_cache->sql[i] = sql;
				t_cache->st[i] = q->st;
				t_cache->busy[i] = 1;
				q->cached = (int)i;
				return;
			}
		}
	}
	q->st = db->drv->prepare(db->conn, sql, 0);
	if (!q->st)
		fatal("SQL error: %s in: %s", db->drv->errmsg(db->conn), sql);
}

/* Prepares sql that is not a string literal (tests, tools), never cached: DB_OK, or DB_ERROR
** with the reason in db_errmsg. */
int db_prepare_uncached(Stmt *q, Db *db, const char *sql)
{
	q->db = db;
	q->cached = -1;
	q->st = db->drv->prepare(db->conn, sql, 0);
	return q->st ? DB_OK : DB_ERROR;
}

void db_bind_int(Stmt *q, int i, int64_t v)
{
	q->db->drv->bind_int(q->st, i, v);
}

void db_bind_text(Stmt *q, int i, const char *s)
{
	if (s)
		q->db->drv->bind_text(q->st, i, s, 1);
	else
		q->db->drv->bind_null(q->st, i);
}

/* As db_bind_text, without a copy: s must stay unchanged until the statement has run (the
** bulk import binds each row's fields this way). */
void db_bind_text_static(Stmt *q, int i, const char *s)
{
	if (s)
		q->db->drv->bind_text(q->st, i, s, 0);
	else
		q->db->drv->bind_null(q->st, i);
}

void db_bind_blob(Stmt *q, int i, const void *p, size_t n)
{
	q->db->drv->bind_blob(q->st, i, p, n);
}

void db_bind_null(Stmt *q, int i)
{
	q->db->drv->bind_null(q->st, i);
}

/*
** A write that fails because the database cannot be written (a read-only file or folder, a
** full disk, an I/O error) is not the user's fault and must say so in Danish. db_done and
** db_exec (so db_begin and db_commit) note such a failure for this thread; the web server
** (http.c) and the command line (main.c) turn a failed request or command into this text.
*/
static _Thread_local int t_write_failed, t_write_reported;

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

/* Around each statement while a read transaction is wanted (db_read_begin): the first read
** opens it, and a statement that writes without db_begin (the session's last_seen, once a
** minute) ends it first and runs on its own as it would without it, so that a read
** transaction never becomes a write one behind the write mutex's back. Reads after the write
** open a new one. */
static void read_end(Db *db)
{
	db->read_open = 0;
	if (db->drv->in_transaction(db->conn))
		db->drv->exec(db->conn, "COMMIT");
}

static void read_around(Stmt *q)
{
	Db *db = q->db;
	if (!db->read_wanted)
		return;
	int writes = !db->drv->readonly(q->st);
	if (db->read_open && writes)
		read_end(db);
	else if (!db->read_open && !writes && !db->drv->in_transaction(db->conn))
		db->read_open = db->drv->begin(db->conn, 0) == DB_OK;
}

/* Returns 1 while there is a row. Errors (constraint, busy, full disk) end the loop and are
** reported by db_done() or the return of db_exec-style callers through db_errcode. */
int db_step(Stmt *q)
{
	if (t_expired)
		return 0;
	read_around(q);
	return q->db->drv->step(q->st) == DB_ROW;
}

/* Runs a statement to its end; *first gets the first row's first column, when there is one. */
static int run(Stmt *q, int64_t *first)
{
	*first = 0;
	if (t_expired)
		return DB_INTERRUPT;
	read_around(q);
	int rc = q->db->drv->step(q->st);
	if (rc == DB_ROW)
		*first = q->db->drv->col_int(q->st, 0);
	while (rc == DB_ROW)
		rc = q->db->drv->step(q->st);
	return note_write_error(rc);
}

/* Runs a statement that returns no rows; returns DB_OK or the error code. */
int db_done(Stmt *q)
{
	int64_t unused;
	return run(q, &unused);
}

/* Runs an INSERT ... RETURNING id (the portable way to learn the new row's key): DB_OK and
** *id, or the error code. */
int db_insert_id(Stmt *q, int64_t *id)
{
	return run(q, id);
}

/* Runs an INSERT ... ON CONFLICT DO UPDATE ... WHERE: DB_OK and *outcome 1 when it inserted,
** 0 when it updated, -1 when the WHERE left the row as it was; or the error code. */
int db_upsert(Stmt *q, int *outcome)
{
	*outcome = -1;
	if (t_expired)
		return DB_INTERRUPT;
	read_around(q);
	return note_write_error(q->db->drv->upsert(q->db->conn, q->st, outcome));
}

/* Makes a statement ready to run again, with the same bound values (rebind what changes). */
void db_reset(Stmt *q)
{
	q->db->drv->reset(q->st, 0);
}

int64_t db_col_int(Stmt *q, int i)
{
	return q->db->drv->col_int(q->st, i);
}

const char *db_col_text(Stmt *q, int i)
{
	const char *s = q->db->drv->col_text(q->st, i);
	return s ? s : "";
}

const void *db_col_blob(Stmt *q, int i, size_t *n)
{
	return q->db->drv->col_blob(q->st, i, n);
}

int db_col_is_null(Stmt *q, int i)
{
	return q->db->drv->col_is_null(q->st, i);
}

void db_finalize(Stmt *q)
{
	if (!q->st)
		return;
	if (q->cached >= 0 && t_cache) {
		q->db->drv->reset(q->st, 1);
		t_cache->busy[q->cached] = 0;
	} else {
		q->db->drv->finalize(q->st);
	}
	q->st = NULL;
}

int db_exec(Db *db, const char *sql)
{
	if (db->read_open) /* exec is for transactions, settings and scripts: never inside the read */
		read_end(db);
	return note_write_error(db->drv->exec(db->conn, sql));
}

/*
** Write transactions of one process queue on a mutex before BEGIN IMMEDIATE. SQLite lets
** only one writer in at a time and makes the others wait in its busy handler, which polls
** with sleeps of 1, 2, 5, 10, ... up to 100 ms: with 20 reviewers saving at once, a save
** that lost the race a few times slept tens of milliseconds after the lock was long free,
** and the other connections of its server thread waited with it (p99 40-420 ms, see
** bench/answers). On the mutex a writer is woken as soon as the one before it ends. Waiting
** is bounded as the busy timeout is (5 s, then DB_BUSY, "databasen er optaget"), and
** SQLite's busy handler still covers writers in other processes (the command line). The
** mutex is held from db_begin until db_commit or db_rollback on the same connection, so
** also through the automatic WAL checkpoint that COMMIT runs every 1000 pages. That is on
** purpose: a checkpoint that ran beside the next writers (tried, with a wal hook) never
** caught up with them under load, the WAL was never restarted and grew past 1 GB, and every
** commit then ran a checkpoint of its own, with p99 up to 290 ms.
*/
static pthread_mutex_t write_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local Db *t_writer; /* this thread's connection holding write_mutex */

static void write_release(Db *db)
{
	if (t_writer == db) {
		t_writer = NULL;
		pthread_mutex_unlock(&write_mutex);
	}
}

int db_begin(Db *db)
{
	if (t_expired)
		return DB_INTERRUPT;
	if (db->read_open) /* a write begins on the newest data, as it would without the read */
		read_end(db);
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
	int rc = note_write_error(db->drv->begin(db->conn, 1));
	if (rc != DB_OK && took)
		write_release(db);
	return rc;
}

int db_commit(Db *db)
{
	int rc = t_expired ? DB_INTERRUPT : db_exec(db, "COMMIT");
	if (rc != DB_OK)
		db_rollback(db);
	else
		write_release(db);
	return rc;
}

void db_rollback(Db *db)
{
	if (db->read_open)
		read_end(db);
	if (db->drv->in_transaction(db->conn))
		db_exec(db, "ROLLBACK");
	write_release(db);
}

/*
** One read transaction around the reads of a web GET (http.c), so that its statements see
** one snapshot and take the backend's read locks once, not each on its own. Opened by the
** first read (a request without SQL costs nothing) and ended by db_read_end. It is not a
** transaction in the sense of db_in_transaction: a db_begin inside it ends it first and
** then begins the write as it would without it (see read_around for a write without one).
*/
void db_read_begin(Db *db)
{
	db->read_wanted = 1;
}

void db_read_end(Db *db)
{
	db->read_wanted = 0;
	if (db->read_open)
		read_end(db);
}

/* Which of a pair of statements this connection's backend runs (DB_DIALECT_*). */
int db_dialect(Db *db)
{
	return db->drv->dialect;
}

/* Whether a transaction is open on this connection (a caller inside one must not begin). */
int db_in_transaction(Db *db)
{
	return !db->read_open && db->drv->in_transaction(db->conn);
}

int db_changes(Db *db)
{
	return db->drv->changes(db->conn);
}

/* The last failure on this connection as a DB_* code. */
int db_errcode(Db *db)
{
	return db->drv->errcode(db->conn);
}

/* How long a statement waits for another connection's lock before DB_BUSY (0: not at all). */
void db_busy_timeout(Db *db, int ms)
{
	db->drv->busy_timeout(db->conn, ms);
}

/* The cause of a write failure, when it is named by db_write_error_text, wins over the
** backend's own (English, and after the rollback often "not an error"). */
const char *db_errmsg(Db *db)
{
	if (t_write_failed) {
		t_write_reported = 1;
		return db_write_error_text(t_write_failed);
	}
	return db->drv->errmsg(db->conn);
}

/* An online copy of the whole database into the new file dst_path: DB_OK, or a code and the
** Danish reason in err. */
int db_backup(Db *db, const char *dst_path, char *err, size_t n)
{
	if (!db->drv->backup) {
		snprintf(err, n, "%s", _("denne database kan ikke kopieres til en fil"));
		return DB_ERROR;
	}
	return db->drv->backup(db->conn, dst_path, err, n);
}

/* The backend's own consistency check of the whole database: DB_OK, or DB_ERROR and the
** first problem in problem. */
int db_check(Db *db, char *problem, size_t n)
{
	return db->drv->check(db->conn, problem, n);
}

/* Tuning for a long bulk insert on this connection (db_bulk(db, 1)) and back (db_bulk(db, 0)). */
void db_bulk(Db *db, int on)
{
	db->drv->bulk(db->conn, on, &db->bulk_saved);
}
