/*
** The one header of tilsyn: the types and functions every part of the program shares,
** grouped by the file that implements them (buf.c, arena.c, db.c, ...). Like cgit.h or
** Redis' server.h, it keeps the module boundaries visible in one place.
*/
#ifndef TILSYN_H
#define TILSYN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TILSYN_VERSION "0.1.0"

/* User-visible text is Danish; _() marks it so it can be translated later. */
#define _(s) (s)

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ATTR_NORETURN __attribute__((noreturn))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- util.c: memory that aborts loudly when exhausted, small string helpers ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
ATTR_NORETURN ATTR_PRINTF(1, 2) void fatal(const char *fmt, ...);
void fatal_recover_at(jmp_buf *where);
int utf8_valid(const char *s, size_t n);
int str_eq(const char *a, const char *b);
int str_empty(const char *s);
char *str_trim(char *s);
const char *str_ascii_case(const char *s, int upper, char *out, size_t n);
int parse_int64(const char *s, int64_t *out);
void hex_encode(char *out, const unsigned char *in, size_t n);
int hex_decode(unsigned char *out, size_t n, const char *hex);
int hex_value(int c); /* 0-15 for a hex digit, else -1 */
/* Expected failures are reported as -1 (or another code) with a Danish message the user can act
** on in a buffer the caller gives (char *msg, size_t n); msg_fail writes it, cut short at a
** character boundary and made valid UTF-8, because it is shown on pages and written as JSON. */
ATTR_PRINTF(3, 4) int msg_fail(char *msg, size_t n, const char *fmt, ...);

/* ---- cpr.c: CPR numbers however spelled (NFKC, zero-width characters, any separator) ---- */
int cpr_find(const char *s);            /* byte offset of the first CPR number in s, or -1 */
int cpr_number_cell(const char *cell);  /* a case-list cell holding one as a 9- or 10-digit number */
char *cpr_mask(const char *s);          /* malloc'd copy, each one as 010190-xxxx; NULL for NULL */
char *cpr_normalize(const char *s);     /* malloc'd NFKC text without format characters */

/* ---- buf.c: growable byte buffer with a hard size limit ---- */
typedef struct Buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* growing past this is a bug: abort */
} Buf;
#define BUF_DEFAULT_LIMIT ((size_t)256 << 20)
void buf_init(Buf *b, size_t limit);
void buf_free(Buf *b);
void buf_reset(Buf *b);
void buf_append(Buf *b, const void *p, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
ATTR_PRINTF(2, 3) void buf_printf(Buf *b, const char *fmt, ...);
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
const char *buf_cstr(Buf *b);
char *buf_detach(Buf *b);

/* ---- arena.c: per-request bump allocator, everything freed at once ---- */
typedef struct Arena Arena;
#define ARENA_DEFAULT_LIMIT ((size_t)512 << 20)
Arena *arena_new(size_t limit);
void arena_destroy(Arena *a);
void *arena_alloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
ATTR_PRINTF(2, 3) char *arena_printf(Arena *a, const char *fmt, ...);
size_t arena_used(const Arena *a);

/* ---- db.c: the storage facade (connections, migrations, statements, transactions) ---- */
/* A connection, opaque outside db*.c. Results are tilsyn's own codes, whatever the backend. */
typedef struct Db Db;
enum {
	DB_OK = 0,
	DB_ERROR,      /* anything not named below */
	DB_BUSY,       /* another writer held the lock too long; try again later */
	DB_CONSTRAINT, /* a check, foreign key, NOT NULL or trigger refused the change */
	DB_UNIQUE,     /* a unique key refused the change */
	DB_READONLY,   /* the database cannot be written */
	DB_FULL,       /* the disk is full */
	DB_IOERR,      /* the file could not be read, written or opened */
	DB_INTERRUPT,  /* the request's time limit (db_deadline_arm) ended the statement */
};
typedef struct Stmt {
	void *st; /* the driver's statement */
	Db *db;
	int cached;
} Stmt;
Db *db_open(const char *path, char **errmsg);
Db *db_open_existing(const char *path, char **errmsg); /* as it is: no settings, nothing created */
int db_uri_supported(const char *uri, char *why, size_t n); /* else 0 and the Danish reason */
void db_close(Db *db);
int db_migrate(Db *db, char **errmsg);
int db_migrate_to(Db *db, int target, char **errmsg); /* up to migration target; -1: all */
int db_schema_version(Db *db);
int db_schema_latest(void);
void db_set_path(const char *path);
const char *db_path(void);
Db *db_thread(void);
void db_thread_close(void);
/* A time limit for the statements of this thread's connection (db_thread), armed per web
** request: a statement running past it ends with DB_INTERRUPT, and so does every later
** one until disarmed. seconds <= 0: no limit. disarm returns whether the limit was hit. */
void db_deadline_arm(double seconds);
int db_deadline_disarm(void);
int db_deadline_expired(void);
void db_deadline_stop_all(void); /* SIGTERM: every armed thread's statements end at once */
void db_prepare(Stmt *q, Db *db, const char *sql);
int db_prepare_uncached(Stmt *q, Db *db, const char *sql); /* sql not a literal (tests): DB_OK or DB_ERROR */
void db_bind_int(Stmt *q, int i, int64_t v);
void db_bind_text(Stmt *q, int i, const char *s);
void db_bind_text_static(Stmt *q, int i, const char *s); /* s unchanged until the statement ran */
void db_bind_blob(Stmt *q, int i, const void *p, size_t n);
void db_bind_null(Stmt *q, int i);
int db_step(Stmt *q);
int db_done(Stmt *q);
int db_insert_id(Stmt *q, int64_t *id); /* INSERT ... RETURNING id */
int db_upsert(Stmt *q, int *outcome);   /* ON CONFLICT DO UPDATE: 1 inserted, 0 updated, -1 neither */
void db_reset(Stmt *q);                 /* run again, bindings kept */
int64_t db_col_int(Stmt *q, int i);
const char *db_col_text(Stmt *q, int i);
const void *db_col_blob(Stmt *q, int i, size_t *n);
int db_col_is_null(Stmt *q, int i);
void db_finalize(Stmt *q);
int db_exec(Db *db, const char *sql);
int db_begin(Db *db);
int db_commit(Db *db);
void db_rollback(Db *db);
int db_in_transaction(Db *db);
void db_read_begin(Db *db); /* one snapshot for a GET's reads; db_begin ends it first */
void db_read_end(Db *db);
int db_errcode(Db *db);    /* the last failure as a DB_* code */
void db_busy_timeout(Db *db, int ms);
int db_backup(Db *db, const char *dst_path, char *err, size_t n); /* online copy to a new file */
int db_check(Db *db, char *problem, size_t n);                    /* the backend's integrity check */
void db_bulk(Db *db, int on);                                     /* tuning for a long bulk insert */
/* Where the backends' SQL must differ, the code keeps an explicit pair of statements side by
** side, indexed by the dialect (never SQL put together at run time). */
enum { DB_DIALECT_SQLITE, DB_DIALECT_POSTGRES, DB_DIALECTS };
int db_dialect(Db *db);
int db_changes(Db *db);
const char *db_errmsg(Db *db);
/* Write failures because the database cannot be written (read-only, full disk, I/O error). */
const char *db_write_error_text(int rc); /* the Danish text for such a code, else NULL */
int db_write_failed(void);               /* the code of such a failure on this thread, else 0 */
int db_write_failure_reported(void);     /* db_errmsg has already given its text */
void db_write_failed_reset(void);

/* ---- embedded.c (generated): schema migrations and static files in the binary ---- */
typedef struct EmbeddedFile {
	const char *name;
	const unsigned char *data;
	size_t size;
} EmbeddedFile;
extern const EmbeddedFile embedded_files[];
extern const size_t embedded_count;
const EmbeddedFile *embedded_find(const char *name);

/* ---- audit.c: append-only, hash-chained log of who did what to which object ---- */
typedef struct AuditEntry {
	int64_t user_id;         /* 0 when nobody is logged in */
	const char *login;       /* as typed, for failed logins */
	const char *action;      /* short code: login, login_failed, user_add, ... */
	int64_t department_id;   /* 0 when not about one department */
	const char *object;      /* e.g. "user:12", "department:BHS" */
	const char *detail;      /* free text, never case content */
	const char *ip;
} AuditEntry;
int audit_log(Db *db, const AuditEntry *e);
int audit_verify(Db *db, int64_t *first_bad);
int audit_purge(Db *db, const char *before, const AuditEntry *who, int64_t *deleted, int64_t *anchor_id,
                char *err, size_t errlen);
int audit_failed(void);
void audit_failed_reset(void);
int audit_check(Db *db, int64_t *first_bad, char *why, size_t n); /* audit_verify with a Danish reason */
int audit_data_exists(Db *db); /* users, cases or rounds: made only with an audit entry */

/* ---- audit_key.c: the chain's key, in a file outside the database ---- */
#define AUDIT_KEY_BYTES 32
#define AUDIT_HASH_BYTES 32
void audit_key_set(const unsigned char key[AUDIT_KEY_BYTES]);
const unsigned char *audit_key(void); /* NULL until loaded */
void audit_key_default_path(char *out, size_t n, const char *db_file);
/* Loads the key file; makes it when missing for a new database (any command), or with
** may_create (tilsyn init) for a log from before the key. 0 loaded, 1 made, -1 with a message. */
int audit_key_open(Db *db, const char *path, int may_create, char *err, size_t n);
int audit_keyed_from(Db *db, int64_t *from_id, unsigned char mac[AUDIT_KEY_BYTES], int *sealed);
void audit_keyed_mac(unsigned char out[AUDIT_KEY_BYTES], int64_t from_id);

/* ---- audit_head.c: the newest entry ID:HASH, anchored outside the database ---- */
#define AUDIT_HEAD_TEXT 96
int audit_head(Db *db, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES]);
void audit_head_text(char out[AUDIT_HEAD_TEXT], int64_t id, const unsigned char hash[AUDIT_HASH_BYTES]);
int audit_head_parse(const char *s, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES]);
int audit_head_check(Db *db, int64_t id, const unsigned char hash[AUDIT_HASH_BYTES], char *why, size_t n);
int audit_head_syslog(Db *db, time_t now, int force);

/* ---- audit_triggers.c: the append-only triggers, checked at start (init, serve) ---- */
/* Recreates missing or changed triggers with a loud audit entry; the count (names lists them), or -1. */
int audit_triggers_restore(Db *db, char *names, size_t n, char *err, size_t errlen);

/* ---- department.c ---- */
#define DEPARTMENT_CODE_SIZE 33 /* a code is at most 32 bytes */
typedef struct Department {
	int64_t id;
	char code[DEPARTMENT_CODE_SIZE];
	char name[201];
	char area[8]; /* barn | voksen */
} Department;
int department_valid_code(const char *code);
const char *department_code_canonical(const char *code, char *out, size_t n); /* upper case */
int department_add(Db *db, const char *code, const char *name, const char *area,
                   int64_t *id, char *msg, size_t n);
int department_update(Db *db, int64_t id, const char *name, const char *area, char *msg, size_t n);
int department_by_code(Db *db, const char *code, Department *out);
int department_by_id(Db *db, int64_t id, Department *out);

/* ---- auth.c: roles, passwords, sessions, login throttling, CSRF ---- */
typedef enum Role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_LEDER, ROLE_KOORDINATOR, ROLE_RAADGIVER, ROLE_EKSTERN,
                    ROLE_EKSTERN_INVITED } Role;
#define ROLE_COUNT 6 /* the roles a user holds; ROLE_EKSTERN_INVITED is only given by the router (http.c) */
const char *role_code(Role r);
const char *role_title(Role r);
Role role_parse(const char *s);

/* What a route demands of the person asking. The PERM_DEPT_* values come last: the router
** treats everything from PERM_DEPT_MEMBER on as depending on the role in :dept. */
typedef enum Perm {
	PERM_PUBLIC = 0,    /* anyone, also not logged in */
	PERM_LOGIN,         /* any logged-in user */
	PERM_ADMIN,         /* administrator */
	PERM_DEPT_MEMBER,   /* any role in the department named by :dept */
	PERM_DEPT_WORKGROUP,/* leder or koordinator in :dept: sees all assessments */
	PERM_DEPT_LEDER     /* leder in :dept */
} Perm;
int auth_allows(Perm p, int is_admin, Role dept_role);

#define USER_LOGIN_SIZE 65 /* a login is at most 64 bytes */
typedef struct User {
	int64_t id;
	char login[USER_LOGIN_SIZE];
	char name[201];
	int is_admin;
	int active;
	int must_change_password;
} User;

#define PASSWORD_MIN 10
#define PASSWORD_MAX 200
#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_ABSOLUTE_SECONDS (12 * 60 * 60)
/* Login throttling (auth.c): failures are counted per login AND client address, so nobody can
** lock out a person from elsewhere, plus a budget per address over all logins. */
#define LOGIN_FREE_FAILURES 3   /* failures of one login from one address before each next try waits */
#define LOGIN_MAX_WAIT (15 * 60) /* the wait doubles from 1 s up to this */
#define LOGIN_ADDRESS_BUDGET 30 /* failed logins from one address, any login, before it waits ... */
#define LOGIN_ADDRESS_WAIT (15 * 60) /* ... this long; failures this far apart start the count anew */
#define LOGIN_FORGET_SECONDS (24 * 60 * 60) /* failure counts older than this are deleted */
#define LOGIN_ATTEMPT_CAP 10000 /* rows kept in login_attempt at most (the newest) */
#define PASSWORD_CHECK_MAX 5    /* wrong current passwords on /account/password before the session ends */
#define LOGIN_TOKEN_SECONDS (60 * 60) /* a login form's signed token is good this long */
#define TOKEN_BYTES 32
#define TOKEN_HEX (TOKEN_BYTES * 2 + 1)

int auth_init(void);
int auth_password_hash(const char *password, char *out, size_t outlen);
int auth_password_verify(const char *hash, const char *password);
const char *auth_password_problem(const char *password);
void auth_random_token(char out[TOKEN_HEX]);
void auth_random_password(char *out, size_t n);
int auth_token_equal(const char *a, const char *b);

typedef struct Session {
	int64_t id;
	int64_t user_id;
	char csrf[TOKEN_HEX];
	int64_t created;
	int64_t last_seen;
} Session;
int auth_session_create(Db *db, int64_t user_id, int64_t now, const char *ip,
                        char token[TOKEN_HEX], Session *out);
int auth_session_lookup(Db *db, const char *token, int64_t now, Session *out);
int auth_session_expired(const Session *s, int64_t now);
void auth_session_end(Db *db, int64_t session_id);
void auth_session_end_user(Db *db, int64_t user_id);

void auth_login_token_make(Db *db, int64_t now, char out[TOKEN_HEX]);
int auth_login_token_valid(Db *db, const char *token, int64_t now);

/* ---- login.c: logging in, with throttling of failures per login and address ---- */
typedef enum LoginResult { LOGIN_OK, LOGIN_BAD, LOGIN_THROTTLED } LoginResult;
LoginResult login_try(Db *db, const char *login, const char *password, int64_t now, const char *ip, User *out,
                      int64_t *retry_after);
int64_t login_wait(Db *db, const char *login, const char *ip, int64_t now);
int login_password_recheck(Db *db, const User *u, const char *password, int64_t now, const char *ip,
                           int64_t *retry_after, int64_t *failures);
void login_attempts_trim(Db *db, int64_t now, int64_t cap);

/* ---- denial.c: refused logins counted per address and minute, one audit entry each ---- */
typedef enum DenialKind { DENIAL_FAILED, DENIAL_THROTTLED, DENIAL_CSRF, DENIAL_KINDS } DenialKind;
int denial_note(const char *ip, DenialKind kind, int64_t now); /* 1: first of the minute, audit it */
void denial_flush(Db *db, int64_t now, int all);

/* ---- user.c ---- */
int user_valid_login(const char *login);
const char *user_login_canonical(const char *login, char *out, size_t n); /* lower case */
int user_by_id(Db *db, int64_t id, User *out);
int user_by_login(Db *db, const char *login, User *out);
int user_add(Db *db, const char *login, const char *name, int is_admin, const char *password,
             int must_change, int64_t *id, char *msg, size_t n);
int user_update(Db *db, int64_t id, const char *name, int is_admin, int active, char *msg, size_t n);
int user_set_password(Db *db, int64_t id, const char *password, int must_change, char *msg, size_t n);
int user_set_role(Db *db, int64_t user_id, int64_t department_id, Role role, char *msg, size_t n);
Role user_role_in(Db *db, int64_t user_id, int64_t department_id);

/* ---- csv.c, xlsx.c: streaming readers of spreadsheets (case lists, answer sheets) ----
** Each row is handed to a RowFn as UTF-8 strings, cells[0..ncells-1]; `line` is the line
** (CSV: the physical line where the record starts) or row number (XLSX) for messages.
** A RowFn returns 0 to go on, non-zero to stop; the reader then returns that value.
** Readers return 0 at the end, or -1 with a Danish message in err naming line and reason. */
typedef int (*RowFn)(void *ctx, long line, int ncells, const char *const *cells);
typedef struct SheetInfo {
	char format[8];     /* "csv" or "xlsx" */
	char encoding[32];  /* CSV: "UTF-8", "UTF-8 med BOM" or "Windows-1252" */
	char separator;     /* CSV: ',', ';' or '\t' */
	char sheet[64];     /* XLSX: name of the sheet read */
	long rows;          /* rows handed to the RowFn */
} SheetInfo;
#define SHEET_MAX_CELLS 512
#define SHEET_MAX_CELL_BYTES 32768
/* filetype.c: what a file is, from its contents, and the message when it cannot be read. */
typedef enum FileType {
	FT_TEXT, FT_XLSX, FT_EMPTY, FT_XLS, FT_DOC, FT_OLE2, FT_ENCRYPTED, FT_PDF, FT_DOCX, FT_ZIP, FT_UTF16
} FileType;
FileType filetype_of(const void *data, size_t n);
FileType filetype_of_file(const char *path);
const char *filetype_title(FileType t);
const char *filetype_refusal(FileType t, int csv);
int csv_read_file(const char *path, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen);
int csv_read_mem(const char *data, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen);
int xlsx_read_file(const char *path, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen);
int xlsx_read_mem(const void *data, size_t n, SheetInfo *info, RowFn fn, void *ctx, char *err, size_t errlen);
/* The same for the worksheet named sheet (hidden or not) instead of the first; returns
** XLSX_NO_SHEET, with no message, when the workbook has no sheet of that name. */
#define XLSX_NO_SHEET (-2)
int xlsx_read_sheet_mem(const void *data, size_t n, const char *sheet, SheetInfo *info, RowFn fn, void *ctx,
                        char *err, size_t errlen);
int xlsx_read_sheet_file(const char *path, const char *sheet, SheetInfo *info, RowFn fn, void *ctx, char *err,
                         size_t errlen);

/* ---- csv_write.c: the one CSV writer; a cell then ',' (last: '\n'). csv_text defuses a text
** a spreadsheet would run as a formula (leading = + - @ tab CR get a '); csv_number writes a
** number the program formatted itself as it is. */
int csv_text_is_formula(const char *s);
void csv_text(Buf *b, const char *s, int last);
void csv_number(Buf *b, const char *s, int last);

/* ---- dates.c: the one calendar (one month rule: a day past the target month's end becomes
** its last day); the date formats of case-system exports; Danish dates ---- */
int date_parse(const char *s, char out[11]);
int date_valid_iso(const char *s);
int date_ymd(const char *iso, int *y, int *m, int *d);  /* a valid yyyy-mm-dd's parts */
int date_month_days(int y, int m);
int date_add_days(const char *iso, long days, char out[11]);
int date_add_months(const char *iso, int months, char out[11]); /* 2024-08-31 + 6 = 2025-02-28 */
long date_diff_days(const char *from, const char *to);
void time_iso(char out[32], time_t t);                  /* yyyy-mm-ddThh:mm:ssZ, UTC */
int time_parse_iso(const char *s, time_t *t);           /* its inverse; 0 for other text */
void time_iso_add_months(char out[32], time_t t, long months); /* same time of day, month rule */
void date_time_danish(const char *iso, char out[64]); /* "6. december 2026 kl. 18.12", Danish time */
void date_text(const char *ymd, char out[40]);        /* yyyy-mm-dd as "6. december 2026" */
void date_danish(const char *iso, char out[40]);      /* "6. december 2026", the day in Danish time */
int date_danish_parts(const char *iso, int *y, int *m, int *d, long *minute_of_day); /* UTC -> Danish time */
long date_days_from_civil(int y, int m, int d);        /* days since 1970-01-01 (Hinnant) */
void date_civil_from_days(long z, int *y, int *m, int *d);
const char *date_text_in(Arena *a, const char *s);     /* date_text into the arena */
const char *date_time_in(Arena *a, const char *iso);   /* date_time_danish into the arena */
const char *date_local_in(Arena *a, const char *ymd, const char *hhmm); /* a meeting's day and time */
const char *date_month_in(Arena *a, const char *s);    /* "mar. 2025", for a chart's axis */
void date_today(char out[11]);                      /* today in Danish time, yyyy-mm-dd */
void date_danish_day(time_t t, char out[11]);       /* the day instant t falls on in Denmark */

/* ---- fold.c: case-insensitive matching of UTF-8 text (Æ Ø Å too) ---- */
char *text_fold(const char *s, char *out, size_t n);
int text_contains_folded(const char *text, const char *needle_folded);

/* ---- ident.c: who a case list's caseworker is (aliases linked to users) ---- */
enum { IDENT_UNKNOWN = 0, IDENT_ALIAS = 1, IDENT_NAME = 2, IDENT_AMBIGUOUS = 3 };
#define IDENT_MAX_LISTED 20
char *ident_fold(const char *s); /* malloc'd: NFKC, case folded, white space collapsed */
int ident_resolve(Db *db, int64_t department_id, const char *advisor, int64_t *user_id); /* IDENT_* */
int ident_owns(Db *db, int64_t department_id, const char *advisor, int64_t user_id);   /* feedback: surely */
int ident_may_be(Db *db, int64_t department_id, const char *advisor, int64_t user_id); /* own-case rule */
int ident_case_may_be(Db *db, int64_t case_id, int64_t user_id);
int ident_same_person(const char *advisor, const char *name); /* the same name, as ident_fold sees it */
const char *ident_own_case_text(void);
int ident_alias_add(Db *db, int64_t user_id, int64_t department_id, const char *alias, const AuditEntry *who,
                    char *msg, size_t n);
int ident_alias_remove(Db *db, int64_t user_id, int64_t department_id, const char *alias, const AuditEntry *who,
                       char *msg, size_t n);
int ident_unknown_on_list(Db *db, int64_t department_id, void (*each)(const char *, int, int64_t, void *),
                          void *ctx);
/* raadgiver:NAME, --advisor NAME: a member's login, an alias, or a case-list name; 1 with the user, 0 with msg */
int ident_lookup(Db *db, int64_t department_id, const char *name, int64_t *user_id, char *msg, size_t n);
/* Answers by a reviewer who is now the case's caseworker (open rounds): kept, not counted */
int ident_answers_set_aside(Db *db, int64_t round_id, int64_t **out); /* (case, user) pairs */
int ident_answer_set_aside(const int64_t *pairs, int n, int64_t case_id, int64_t user_id);

/* ---- cases.c: a department's case list and its import ---- */
typedef enum CaseField {
	F_CASE_NO, F_ADVISOR, F_TARGET, F_PROVISION, F_BENEFIT, F_OPENED, F_DECIDED, F_TEAM, F_COUNT
} CaseField;
extern const char *const case_field_names[F_COUNT];
extern const char *const case_field_titles[F_COUNT];

typedef struct ImportProblem {
	long line;
	char column[64];   /* the header as written in the file, or "" for the whole row */
	char reason[240];
} ImportProblem;

#define IMPORT_PREVIEW_ROWS 10
#define IMPORT_MAX_PROBLEMS 1000 /* listed; more are counted */
#define IMPORT_MAX_HEADERS 64

typedef struct ImportOptions {
	const char *map;        /* field=Header,... overriding the accepted headers */
	int skip_invalid;       /* store the valid rows, list the rejected ones */
	int dry_run;            /* check and count, store nothing */
	const char *file_name;
	const char *login;      /* who imports, for the import record */
	int add;                /* add to the current list instead of replacing it */
} ImportOptions;

#define IMPORT_MAX_DROPPED 50 /* case numbers listed of those dropping off; more are counted */

typedef struct ImportResult {
	SheetInfo info;
	const char *unreadable;             /* what the file is when it is no table at all (filetype.c), else NULL */
	int column_of[F_COUNT];             /* file column of each field, -1 when absent */
	char header_of[F_COUNT][64];        /* that column's header as written */
	int ncolumns;
	char headers[IMPORT_MAX_HEADERS][64];  /* the file's headers, for choosing columns by hand */
	long rows_read, inserted, updated, rejected;
	ImportProblem problems[IMPORT_MAX_PROBLEMS];
	int nproblems;
	char preview[IMPORT_PREVIEW_ROWS][F_COUNT][128];
	int npreview;
	char error[512];                    /* a problem with the file as a whole */
	int missing_column;                 /* the error is a required column not found */
	int64_t import_id;
	long target_defaulted;              /* rows without a target group, given the department's area */
	long dropped;                       /* cases on the current list that the file does not hold */
	char dropped_nos[IMPORT_MAX_DROPPED][101]; /* the first of them, by case number */
	int ndropped_listed;
	long list_size;                     /* cases on the current list after the import */
	int cpr_found;                      /* a header or cell holds a CPR number: a web upload is not kept */
	long ident_unknown;                 /* caseworkers in the file linked to nobody (ident.c) */
	char ident_unknown_names[20][240];  /* the first of them */
	long ident_cleared;                 /* assignments cleared: the reviewer became the caseworker */
	char ident_cleared_notes[20][440];  /* the first of them, in Danish */
} ImportResult;

enum { IMPORT_STORED = 0, IMPORT_REFUSED = 1, IMPORT_FAILED = -1 };
int cases_import_file(Db *db, const Department *d, const char *path, const ImportOptions *o, ImportResult *r);
int cases_import_mem(Db *db, const Department *d, const void *data, size_t n, const char *name,
                     const ImportOptions *o, ImportResult *r);
int cases_header_field(const char *header);
int ident_after_import(Db *db, int64_t department_id, ImportResult *r, const char *login); /* ident.c */
/* A web upload waits at most this long (seconds) in the upload table for its confirmation
** (the default; `serve --upload-lifetime` sets another), and one user has at most
** UPLOAD_PER_USER waiting (a new one removes the oldest). */
#define UPLOAD_TTL (60 * 60)
#define UPLOAD_PER_USER 3
void cases_upload_lifetime_set(int seconds);
int cases_upload_lifetime(void);
int64_t cases_forget_uploads(Db *db, time_t now);
int cases_keep_upload(Db *db, int64_t department_id, int64_t user_id, const char *token, const char *file_name,
                      const void *data, size_t n, time_t now);

/* ---- case_list.c: the versions of a department's case list (one per stored import) ---- */
typedef struct CaseListVersion {
	int64_t id;                 /* case_import.id; 0: no list imported */
	char at[32];
	char by[201];               /* the user's name, else the login, else "" */
	char file_name[256];
	int add;                    /* added to the list before it instead of replacing it */
	int64_t list_size, dropped, target_defaulted, rows_read;
} CaseListVersion;
int case_list_version(Db *db, int64_t import_id, CaseListVersion *out);
int case_list_current(Db *db, int64_t department_id, CaseListVersion *out);
void case_list_version_text(const CaseListVersion *v, char *out, size_t n);

/* ---- round.c, sample.c: a tilsyn and its reproducible sample ---- */
typedef struct Round {
	int64_t id;
	int64_t department_id;
	char kind[16];
	char title[201];
	char catalogue[65];
	char planned_start[11], planned_end[11];
	char phase[24];
	char seed[65];
	char sample_method[16];
	int64_t sample_param;
	char filters[1024];
	int64_t exclude_months;
	int64_t population_size;
	char population_digest[65];
	char sampled_at[32];
	char review_started_at[32];
	char created_at[32];
	int64_t case_import_id;    /* the case-list version the sample was drawn from; 0: not recorded */
	int64_t remeasure_of;      /* the round this one measures again (round_remeasure); 0: none */
} Round;
#define RECOMMENDED_OVERORDNET 30
#define RECOMMENDED_UDDYBENDE 20
#define RECOMMENDED_MAX_THEMES 2
int round_valid_kind(const char *kind);
int round_create(Db *db, const Department *d, const char *kind, const char *title, const char *catalogue,
                 const char *const *themes, int nthemes, const char *start, const char *end, const char *login,
                 int64_t *id, char *msg, size_t n);
int round_by_id(Db *db, int64_t id, Round *out);
const char *round_kind_title(const char *kind);
const char *round_size_warning(const Round *r, int64_t sampled);
/* Editing a round: NULL keeps a field, "" clears a date; set_themes replaces the theme set.
** The kind changes only before the draw, the themes only before the first answer; a closed
** round is refused (ROUND_CLOSED). 0 (msg says when nothing changed), or -1 with msg. */
typedef struct RoundEdit {
	const char *title, *kind, *start, *end;
	const char *const *themes;
	int nthemes, set_themes;
} RoundEdit;
struct ReviewBy;
int round_update(Db *db, const Round *r, const RoundEdit *e, const struct ReviewBy *by, char *msg, size_t n);
int round_themes(Db *db, int64_t round_id, char ***out);
void round_themes_free(char **themes, int n);
/* Deleting a round with no reviewed case, with a reason (audited with its title; meetings and
** actions stay, untied). ROUND_REVIEWED once a case has answers or is reviewed (web 409, CLI 2). */
#define ROUND_REVIEWED (-3)
#define ROUND_DELETE_REASON_MAX 1000
int round_delete_blocked(Db *db, const Round *r, char *msg, size_t n);
const char *round_delete_reason_problem(const char *reason); /* NULL when the reason will do */
int round_delete(Db *db, const Round *r, const char *reason, const struct ReviewBy *by, char *msg, size_t n);
/* The re-measurement: a round of the same kind, catalogue and themes, starting
** ROUND_REMEASURE_MONTHS after this one's start, marked as measuring it again (remeasure_of).
** 0 made, 1 one exists already (*id), -1 with msg (before the follow-up phase). */
#define ROUND_REMEASURE_MONTHS 9
int round_remeasure_dates(const Round *r, char start[11], char end[11]);
int64_t round_remeasured_by(Db *db, int64_t round_id);
int round_remeasure(Db *db, const Round *r, const struct ReviewBy *by, int64_t *id, char *msg, size_t n);
/* The steps of a tilsyn for the round page's task list, each with a status from the data. */
enum { TASK_CANNOT_START = 0, TASK_NOT_STARTED, TASK_STARTED, TASK_DONE };
#define ROUND_TASKS 9
typedef struct RoundTask {
	const char *code;   /* plan inform sample assign review analyse report feedback followup */
	const char *title;  /* Danish */
	int status;         /* TASK_* */
	int64_t meeting;    /* inform: the information meeting (held, else planned); 0: none */
} RoundTask;
const char *round_task_status_title(int status);
void round_tasks(Db *db, const Round *r, RoundTask out[ROUND_TASKS], int *next);

typedef struct SampleFilters {
	const char *provisions[16];
	int nprovisions;
	const char *target;           /* barn | voksen | NULL */
	const char *team;             /* team, advisor, provisions: part of the text, any case */
	const char *advisor;
	const char *opened_from, *opened_to, *decided_from, *decided_to;  /* yyyy-mm-dd or NULL */
} SampleFilters;
typedef struct SampleRequest {
	int64_t size;          /* N cases, or */
	int64_t per_advisor;   /* K per caseworker */
	const char *seed_hex;  /* NULL: a random seed */
	int64_t exclude_months;
	SampleFilters filters;
	const char *reason;    /* why a sample is drawn again; audited */
} SampleRequest;
int sample_key(const unsigned char seed[32], const char *case_no, unsigned char out[32]);
int sample_draw(Db *db, const Round *r, const SampleRequest *req, const char *login, int64_t *drawn,
                char *msg, size_t n);
int sample_replace(Db *db, const Round *r, int64_t case_id, const char *reason, const char *login,
                   int64_t *replacement, char *msg, size_t n);
int sample_shortfall_text(Db *db, const Round *r, int64_t drawn, char *out, size_t n);

/* ---- population.c: which cases a sample may be drawn from, and why the others may not ---- */
#define POPULATION_MAX_STEPS 8
typedef struct PopulationStep {
	char what[160];            /* "Team indeholder »nord«" */
	char field[40];            /* the field's Danish name, for the empty-field warning */
	int64_t removed;           /* of the cases left before this filter */
	int64_t removed_empty;     /* of those, removed because the field is empty */
} PopulationStep;
typedef struct PopulationCase {
	int64_t case_id;
	char *case_no, *advisor;
} PopulationCase;
typedef struct Population {
	int64_t listed;            /* cases on the current list */
	int64_t excluded;          /* of those, reviewed in the department within the window */
	int64_t exclude_months;
	PopulationStep steps[POPULATION_MAX_STEPS];
	int nsteps;
	int64_t eligible;
	int64_t import_id;         /* the list version (case_list_current) */
	PopulationCase *cases;     /* the eligible cases by case number (bytewise), when asked for */
	size_t ncases;
} Population;
int population_compute(Db *db, const Round *r, const SampleFilters *f, int64_t exclude_months, int want_cases,
                       Population *out);
void population_free(Population *p);
void population_window_start(time_t now, int64_t months, char out[32]); /* the exclusion window's start */
int population_empty_warning(const PopulationStep *s, char *out, size_t n);

/* ---- catalogue.c: question catalogues, drafts and published versions ---- */
struct json_t;
int catalogue_validate(struct json_t *root, char *err, size_t n);
int catalogue_store_json(Db *db, const char *text, const char *status, const char *source, int64_t *id,
                         char *err, size_t n);
int catalogue_publish(Db *db, int64_t id);
int catalogue_install_defaults(Db *db, char *err, size_t n);
int64_t catalogue_newest(Db *db, const char *code);
int64_t catalogue_default_for(Db *db, const char *target);
struct json_t *catalogue_to_json(Db *db, int64_t id);
int catalogue_draft_save(Db *db, int64_t id, struct json_t *root, char *err, size_t n);
int catalogue_draft_from(Db *db, int64_t id, int64_t *new_id, char *err, size_t n);
int catalogue_publish_draft(Db *db, int64_t id, char *err, size_t n);
int catalogue_draft_delete(Db *db, int64_t id, char *err, size_t n);
int64_t catalogue_newest_draft(Db *db, const char *code);

/* ---- catalogue_xlsx.c: a catalogue as a spreadsheet (catalogues/README.md, "XLSX") ---- */
#define CATALOGUE_MAX_PROBLEMS 100
typedef struct CatalogueImport {
	int64_t id;            /* the new draft */
	int version;
	char code[65];
	int nproblems;         /* listed in problems; more are counted in more */
	int more;
	char problems[CATALOGUE_MAX_PROBLEMS][320];  /* "C14: spørgsmålsteksten mangler." */
} CatalogueImport;
int catalogue_xlsx_export(Db *db, int64_t id, const char *path, char *err, size_t n);
int catalogue_xlsx_import(Db *db, const void *data, size_t n, CatalogueImport *out);

/* ---- answer.c: the review's answers, with conflict detection and history ---- */
typedef struct AnswerInput {
	const char *value;      /* ja, delvist, nej, ikke_relevant, a choice, free text; "" clears */
	int material;           /* væsentlig betydning for afgørelsen (only with nej / delvist) */
	const char *comment;
	int64_t seen_revision;  /* the revision the person saw; -1 to overwrite regardless */
} AnswerInput;
typedef struct AnswerState {
	char value[5001];
	int material;
	char comment[5001];
	int64_t revision;
	char by[201];
	char at[32];
} AnswerState;
enum { ANSWER_SAVED = 0, ANSWER_CONFLICT = 1, ANSWER_INVALID = -1, ANSWER_CLOSED = -2 /* ROUND_CLOSED */ };
const char *answer_value_title(const char *v);
int answer_value_allowed(const char *scale, const char *choices_json, const char *value);
int answer_check(const char *scale, const char *choices_json, const AnswerInput *in, char *msg, size_t n);
enum { ANSWER_REVIEW = 0, ANSWER_SECOND = 1 /* the calibration's second review (calibration_answer) */ };
int answer_store(Db *db, int which, int64_t round_id, int64_t case_id, int64_t question_id, const AnswerInput *in,
                 const User *by, AnswerState *current, char *msg, size_t n);
int answer_save(Db *db, int64_t round_id, int64_t case_id, int64_t question_id, const AnswerInput *in,
                const User *by, AnswerState *current, char *msg, size_t n);

/* ---- relevance.c: the one rule for conditions (whether a question counts for a case) ---- */
enum { RELEVANCE_ASKED = 0, RELEVANCE_NOT_RELEVANT = 1, RELEVANCE_UNKNOWN = 2 };
typedef struct RelevanceQuestion {
	int64_t id, catalogue_id;
	char *code, *scale;
	int64_t gate_id;        /* the question it depends on (question_condition), 0 without a condition */
	char **allowed;         /* the gate's answers that make the question asked */
	int nallowed, allowed_cap;
	int gate;               /* index of the gate, or -1 */
} RelevanceQuestion;
typedef struct Relevance {
	RelevanceQuestion *q;
	int n, cap;
} Relevance;
void relevance_load(Db *db, int64_t round_id, Relevance *rel);
void relevance_add(Relevance *rel, int64_t id, int64_t catalogue_id, const char *code, const char *scale);
void relevance_condition_add(Relevance *rel, int64_t question_id, int64_t gate_id, const char *answer);
void relevance_conditions_load(Db *db, Relevance *rel);
void relevance_resolve(Relevance *rel);
void relevance_free(Relevance *rel);
int relevance_index(const Relevance *rel, int64_t question_id);
int relevance_allows(const RelevanceQuestion *x, const char *value);
void relevance_decide(const Relevance *rel, const char *const *values, int *states);
const char *relevance_counted(const char *const *values, const int *states, int i);
void relevance_progress(const Relevance *rel, const char *const *values, const int *states, int *done, int *asked);
void relevance_reason(const Relevance *rel, const char *const *values, const int *states, int i, char *out, size_t n);
char **relevance_case_values(Db *db, const Relevance *rel, int64_t round_id, int64_t case_id, int second);
void relevance_values_free(char **values, int n);
int relevance_missing(Db *db, int64_t round_id, int64_t case_id, int second, int *done, int *asked);

/* ---- review.c: who reviews which sampled case, the review's flags and its progress ---- */
typedef struct ReviewBy {     /* who does it, for the audit log */
	int64_t user_id;          /* 0 on the command line */
	const char *login;
	const char *ip;
} ReviewBy;
typedef struct AssignCase {
	int64_t case_id;
	const char *advisor;      /* the caseworker named in the case list */
	int reviewer;             /* index into the reviewers; -1: not assigned (yet) */
	const unsigned char *own; /* per reviewer: may be the caseworker (ident.c); NULL: compare names */
} AssignCase;
typedef struct AssignReviewer {
	int64_t user_id;
	const char *name;
	int64_t load;             /* cases of the round already assigned to this reviewer */
} AssignReviewer;
int review_audit_case(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, const char *action,
                      const char *detail);
int review_set_reviewer(Db *db, const Round *r, int64_t case_id, int second, int64_t reviewer_id, const char *name,
                        const char *how, const ReviewBy *by);
int review_balance(AssignCase *cases, int ncases, AssignReviewer *reviewers, int nreviewers);
int review_reviewer_ok(Db *db, const Round *r, int64_t user_id, char *name, size_t n);
int review_assign(Db *db, const Round *r, int64_t case_id, int64_t reviewer_id, const ReviewBy *by, char *msg,
                  size_t n);
int review_default_reviewers(Db *db, int64_t department_id, int64_t *out, int max);
int review_assign_auto(Db *db, const Round *r, const int64_t *reviewers, int nreviewers, const ReviewBy *by,
                       int64_t *assigned, int64_t *left, char *msg, size_t n);
int review_counts(Db *db, int64_t round_id, int64_t case_id, int *answered, int *relevant);
int review_finish(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, int *missing, char *msg, size_t n);
int review_mark_finished(Db *db, const Round *r, int64_t case_id, int second, const ReviewBy *by);
int review_set_acute(Db *db, const Round *r, int64_t case_id, int on, const char *note, const ReviewBy *by,
                     char *msg, size_t n);
int review_set_consent(Db *db, const Round *r, int64_t case_id, int on, const ReviewBy *by, char *msg, size_t n);

/* ---- sheet.c: the offline registration sheet of a round (xlsx out, and read back) ---- */
#define SHEET_MAX_PROBLEMS 200
typedef struct SheetProblem {
	char cell[16];               /* "D7" */
	char reason[320];
} SheetProblem;
typedef struct SheetResult {
	long rows;                   /* case rows read */
	long saved, unchanged;       /* answers changed; answers given in the sheet and already stored so */
	SheetProblem problems[SHEET_MAX_PROBLEMS];
	int nproblems;
	long more_problems;          /* found beyond those listed */
	char error[512];             /* about the file as a whole (not xlsx, empty, ...) */
	long conflicts;              /* SHEET_CONFLICT: cells changed since the sheet was made (problems lists them) */
	long overwritten;            /* with overwrite: such cells saved anyway */
	int revisions;               /* the sheet carried the revisions of the answers when it was made */
	char conflict_key[65];       /* hex fingerprint of the conflicts found; "" when none */
	SheetProblem notes[SHEET_MAX_PROBLEMS]; /* saved answers that do not count (relevance.c), by cell */
	int nnotes;
	long not_counted;            /* of the saved answers: those that do not count (also beyond notes) */
} SheetResult;
void sheet_summary(const SheetResult *res, char *out, size_t n);
enum { SHEET_STORED = 0, SHEET_REFUSED = 1, SHEET_FAILED = -1, SHEET_CLOSED = -2 /* ROUND_CLOSED */ };
int sheet_write_file(Db *db, const Round *r, const char *path, long *cases, char *err, size_t errlen);
int sheet_write_buf(Db *db, const Round *r, Buf *out, long *cases, char *err, size_t errlen);
int sheet_import_file(Db *db, const Round *r, const char *path, const User *by, SheetResult *res);
int sheet_import_mem(Db *db, const Round *r, const void *data, size_t n, const User *by, SheetResult *res);
/* A stale sheet: the sheet carries, in its hidden sheet "tilsyn", the revision of every answer
** when it was made. A cell that differs from the stored answer, where the stored answer changed
** since the sheet was made (or, in a sheet without revisions, where an answer is stored), is a
** conflict: the sheet is refused with SHEET_CONFLICT and res->problems naming every such cell,
** unless overwrite. res->conflict_key fingerprints the conflicts found (case, question, cell,
** revision), so a confirmation can be checked against what the person was shown. */
enum { SHEET_CONFLICT = 2 };
typedef struct SheetImportOptions {
	int overwrite;               /* apply the sheet's cells even where newer answers are stored */
} SheetImportOptions;
int sheet_import_file_opt(Db *db, const Round *r, const char *path, const User *by, const SheetImportOptions *o,
                          SheetResult *res);
int sheet_import_mem_opt(Db *db, const Round *r, const void *data, size_t n, const User *by,
                         const SheetImportOptions *o, SheetResult *res);
int sheet_cell_conflict(int have_revision, int64_t sheet_revision, int64_t stored_revision, const char *stored,
                        const char *given);

/* ---- stats.c, results.c: honest small-sample statistics ---- */
void stats_wilson(int64_t k, int64_t n, double *low, double *high);
void stats_newcombe(int64_t k1, int64_t n1, int64_t k2, int64_t n2, double *diff, double *low, double *high);
const char *stats_verdict(double low, double high);
const char *stats_verdict_word(const char *verdict);      /* forbedret, forværret, ingen sikker ændring */
const char *stats_verdict_title(double low, double high); /* stats_verdict_word(stats_verdict(low, high)) */
int stats_kappa(const int64_t *table, int k, double *kappa, double *agreement);
typedef struct QuestionResult {
	int64_t question_id;
	char code[33];
	char *text, *section;
	char category[16];
	int64_t yes, partly, no, not_relevant, unanswered, material;
	int has_fulfilled;
	double fulfilled, ci_low, ci_high;
	int64_t prev_round; /* 0 when there is no comparable earlier result */
	double prev_fulfilled, diff, diff_low, diff_high;
	int64_t prev_yes, prev_base;           /* the previous round's ja and ja + delvist + nej */
	double partly_ok, partly_low, partly_high; /* at least partly: (ja + delvist) / (ja + delvist + nej) */
} QuestionResult;
int results_round(Db *db, const Round *r, QuestionResult **out);
int results_round_advisor(Db *db, const Round *r, const char *advisor, QuestionResult **out);
int results_round_own(Db *db, const Round *r, int64_t user_id, QuestionResult **out); /* by ident.c's key */
int64_t results_previous_round(Db *db, const Round *r);
void results_free(QuestionResult *r, int n);
char *results_json(const Round *r, const QuestionResult *x, int n);

/* Pooled figures of a group of questions: a section, a category, or the whole round. */
#define RESULT_CATEGORIES 3
extern const char *const result_categories[RESULT_CATEGORIES]; /* forvaltningsret, retssikkerhed, socialfaglig */
typedef struct ResultGroup {
	char name[201];            /* section title, category code, or "" for the whole round */
	int nquestions;
	int64_t yes, partly, no, not_relevant, unanswered, material;
	int has_fulfilled;
	double fulfilled, ci_low, ci_high;
	double partly_ok, partly_low, partly_high;
	int64_t prev_round;        /* 0: nothing to compare with */
	int64_t now_yes, now_base, prev_yes, prev_base; /* over the questions asked in both rounds */
	double prev_fulfilled, diff, diff_low, diff_high;
} ResultGroup;
typedef struct RoundResults {
	int64_t round_id, prev_round;
	QuestionResult *q;
	int nq;
	ResultGroup total;
	ResultGroup categories[RESULT_CATEGORIES];
	ResultGroup *sections;
	int nsections;
	int64_t sampled, finished, with_answers; /* cases (of the caseworker, when filtered) */
} RoundResults;
const char *results_category_title(const char *code);
int results_category_index(const char *code);
int results_compute(Db *db, const Round *r, const char *advisor, RoundResults *out);
int results_compute_own(Db *db, const Round *r, int64_t user_id, RoundResults *out); /* by ident.c's key */
void results_release(RoundResults *rr);
int results_advisors(Db *db, int64_t round_id, char ***names);
void results_names_free(char **names, int n);
int results_rank(const QuestionResult *x, int n, int64_t min_answers, int *order);
void results_split(int m, int k, int *nstrengths, int *nchallenges);
#define RESULTS_RANK_MIN 5  /* answers a question needs to be suggested as a strength or challenge */
#define RESULTS_RANK_TOP 5

/* Trends: every round of a department with answers, oldest first. */
typedef struct TrendCell {
	int has;
	int64_t yes, base;
	double fulfilled, ci_low, ci_high;
} TrendCell;
typedef struct TrendRound {
	int64_t id;
	char title[201];
	char kind[16];
	char date[11];             /* planned start, else the day it was created */
} TrendRound;
typedef struct TrendQuestion {
	char code[33];
	char *text;                /* the newest wording */
	char category[16];
} TrendQuestion;
typedef struct Trends {
	TrendRound *rounds;
	int nrounds;
	TrendQuestion *questions;
	int nquestions;
	TrendCell *cells;          /* [round * nquestions + question] */
	TrendCell *categories;     /* [round * RESULT_CATEGORIES + category] */
	TrendCell *total;          /* [round] */
} Trends;
int results_trends(Db *db, int64_t department_id, const char *kind, Trends *out);
void results_trends_free(Trends *t);

/* The figures of a round kept when retention deletes its case data (results_keep). */
typedef struct ResultsKept {
	int64_t questions;                       /* per-question rows stored */
	int64_t sampled, finished, with_answers; /* the progress figures, as results_compute gives them */
	int had_answers;                         /* it had answer rows: it counts for trends and comparisons */
} ResultsKept;
int results_keep(Db *db, int64_t round_id, ResultsKept *out);

/* ---- chart.c: SVG charts written by the server (colour-blind-safe, with title and desc) ---- */
typedef struct ChartBar {
	const char *label;
	int has;                   /* 0: no answers, no bar */
	double value, low, high;   /* proportions in [0, 1] */
	int has_prev;
	double prev;
} ChartBar;
typedef struct ChartSeries {
	const char *name;
	const TrendCell *points;   /* npoints of them, stride apart */
	int stride;
} ChartSeries;
void chart_bars(Buf *b, const char *id, const char *title, const char *desc, const char *marker_label,
                const ChartBar *bars, int n);
void chart_lines(Buf *b, const char *id, const char *title, const char *desc, const char *const *xlabels,
                 int npoints, const ChartSeries *series, int nseries);

/* ---- calibration.c: a blind second review of some cases, and how far reviewers agree ---- */
#define CALIBRATION_CATEGORIES 4 /* ja, delvist, nej, ikke_relevant: the order of the kappa table */
int calibration_category(const char *value);
int calibration_first_visible(int in_workgroup, int is_second_reviewer, const char *status);
int calibration_choose(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, char *msg, size_t n);
int calibration_choose_random(Db *db, const Round *r, int64_t k, const ReviewBy *by, int64_t *added, char *msg,
                              size_t n);
int calibration_remove(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, char *msg, size_t n);
int calibration_assign(Db *db, const Round *r, int64_t case_id, int64_t reviewer_id, const ReviewBy *by, char *msg,
                       size_t n);
int calibration_assign_auto(Db *db, const Round *r, const int64_t *reviewers, int nreviewers, const ReviewBy *by,
                            int64_t *assigned, int64_t *left, char *msg, size_t n);
int calibration_missing(Db *db, int64_t round_id, int64_t case_id);
int calibration_finish(Db *db, const Round *r, int64_t case_id, const ReviewBy *by, int *missing, char *msg,
                       size_t n);
typedef struct Agreement {
	int64_t question_id;      /* 0 for the whole round */
	char code[33];
	char *text;
	int64_t table[CALIBRATION_CATEGORIES * CALIBRATION_CATEGORIES]; /* first reviewer's row, second's column */
	int64_t n, agree;         /* pairs where both answered; of those, the same answer */
	double percent;           /* agree / n */
	int kappa_status;         /* stats_kappa's return: 0 computed, -1 no pairs, -2 no variation */
	double kappa;
} Agreement;
typedef struct Disagreement {
	int64_t case_id;
	char *case_no, *code, *text;
	char *first_value, *first_comment, *first_reviewer;
	char *second_value, *second_comment, *second_reviewer;
} Disagreement;
int calibration_agreement(Db *db, const Round *r, Agreement **per_question, int *nquestions, Agreement *overall,
                          Disagreement **disagreements, int *ndisagreements);
void calibration_free(Agreement *a, int na, Disagreement *d, int nd);
const char *calibration_kappa_reason(int kappa_status);

/* ---- external.c: the external review (eksternt tilsyn): expectation alignment, invitations ---- */
#define EXPECTATION_FIELDS 7
#define EXPECTATION_MAX_CHARS 4000
extern const char *const expectation_fields[EXPECTATION_FIELDS]; /* columns and form names, in order */
extern const char *const expectation_titles[EXPECTATION_FIELDS]; /* the questions asked */
typedef struct Expectation {
	char *values[EXPECTATION_FIELDS]; /* never NULL after expectation_load; "" when not written */
	int exists;                       /* saved at least once */
	int filled;                       /* fields with text */
	char updated_at[32];
	char updated_by[201];             /* the user's name; "" from the command line */
} Expectation;
int expectation_load(Db *db, int64_t round_id, Expectation *out);
void expectation_free(Expectation *e);
int expectation_check(const char *const values[EXPECTATION_FIELDS], char *msg, size_t n);
int expectation_save(Db *db, const Round *r, const char *const values[EXPECTATION_FIELDS], const ReviewBy *by,
                     char *msg, size_t n);
int external_invited(Db *db, int64_t department_id, int64_t round_id, int64_t user_id);
int external_reviewers(Db *db, const Round *r, int64_t *out, int max);
int external_invite(Db *db, const Round *r, int64_t user_id, const ReviewBy *by, char *msg, size_t n);
int external_uninvite(Db *db, const Round *r, int64_t user_id, const ReviewBy *by, int64_t *still_assigned,
                      char *msg, size_t n);

/* ---- audit_case.c: the audit log of one case (tilsyn audit case, the leader's page) ---- */
typedef struct AuditCaseEntry {
	char *at, *login, *name, *action, *detail, *ip; /* name: NULL for the command line */
	int list;            /* a view of a whole list that included the case */
	int64_t id;          /* the audit entry's id */
} AuditCaseEntry;
extern const char audit_case_list_note[];
const char *audit_action_title(const char *action);
int audit_case_find(Db *db, int64_t department_id, const char *case_no, int64_t *case_id);
int audit_case_entries(Db *db, const Department *d, int64_t case_id, AuditCaseEntry **out);
/* One page of them (limit -1: all from offset), oldest or newest first, and how many there are;
** max_id (0: none) leaves out newer entries, so pages stay put while the log grows. */
int audit_case_page(Db *db, const Department *d, int64_t case_id, int64_t max_id, int newest_first,
                    int64_t offset, int limit, AuditCaseEntry **out);
int64_t audit_case_count(Db *db, const Department *d, int64_t case_id, int64_t max_id);
void audit_case_free(AuditCaseEntry *v, int n);
void audit_case_detail_text(Db *db, const char *detail, char *out, size_t n); /* round titles, case numbers */

/* ---- backup.c: tilsyn backup FILE, an online copy checked before it is kept ---- */
typedef struct BackupStats {
	int64_t bytes, departments, users, cases, rounds, answers, audit;
	int schema;
	char head[AUDIT_HEAD_TEXT]; /* the copy's audit head ID:HASH, also written to FILE.head */
} BackupStats;
int backup_write(Db *db, const char *path, int force, BackupStats *st, char *err, size_t n);
int backup_verify_file(const char *path, BackupStats *st, char *err, size_t n);

/* ---- workgroup.c: the department's working group and the planning answers of a tilsyn ---- */
#define WORKGROUP_MIN 3            /* recommended size: 3-5 people, */
#define WORKGROUP_MAX 5
#define WORKGROUP_MAX_ADVISORS 3   /* a leder, a faglig koordinator and 1-3 rådgivere */
enum { WORKGROUP_UNCHANGED = 0, WORKGROUP_ADDED = 1, WORKGROUP_CHANGED = 2 };
int workgroup_valid_function(const char *function); /* leder | koordinator | raadgiver */
const char *workgroup_function_title(const char *function);
int workgroup_check(int members, int leaders, int coordinators, int advisors, const char **out, int max);
/* The warnings (code `working_group` in the annual plan) when the department's working
** group does not follow the recommendation: 3-5 people with a leder, a koordinator and at
** least one rådgiver (and at most three). Writes up to max static Danish sentences to out
** and returns how many warnings there are: 0 means the group follows the recommendation.
** Only active members who still hold a role (not ekstern) in the department count. */
int workgroup_warnings(Db *db, int64_t department_id, const char **out, int max);
/* Adds a member or changes their function (audited); -1 with msg when refused (no role in
** the department, ekstern, unknown function), else WORKGROUP_ADDED/CHANGED/UNCHANGED. */
int workgroup_set(Db *db, const Department *d, int64_t user_id, const char *function, const ReviewBy *by,
                  char *msg, size_t n);
int workgroup_remove(Db *db, const Department *d, int64_t user_id, const ReviewBy *by, char *msg, size_t n);

#define ROUND_PLAN_TEXT_MAX 2000   /* characters in each free-text planning answer */
typedef struct RoundPlan {
	int exists;
	char performers[ROUND_PLAN_TEXT_MAX * 4 + 1]; /* who carries it out */
	int64_t planned_cases;                    /* how many cases; 0: not answered */
	char selection[ROUND_PLAN_TEXT_MAX * 4 + 1];  /* how they are selected */
	char timing[ROUND_PLAN_TEXT_MAX * 4 + 1];     /* when */
	char gathering[ROUND_PLAN_TEXT_MAX * 4 + 1];  /* how the results are gathered */
	int64_t stopop_meetings;                  /* interim stop-op meetings intended */
	char updated_at[32];
	char updated_by[201];                     /* the user's name; "" from the command line */
} RoundPlan;
typedef struct RoundPlanInput {  /* as typed; NULL keeps the stored answer, "" clears it */
	const char *performers, *planned_cases, *selection, *timing, *gathering, *stopop_meetings;
} RoundPlanInput;
const char *round_plan_field_title(const char *name);
int round_plan_get(Db *db, int64_t round_id, RoundPlan *out);
/* Checks every answer (valid UTF-8, length, no CPR number; the message names the field) and
** saves them all or nothing; audited. 0, or -1 with msg. */
int round_plan_save(Db *db, const Round *r, const RoundPlanInput *in, const ReviewBy *by, char *msg, size_t n);
const char *round_plan_warning(const Round *r, const RoundPlan *p);

/* ---- phase.c: the phases of a tilsyn, and why it moved on with work left ---- */
#define PHASE_COUNT 7
#define PHASE_REASON_MAX 1000     /* characters */
enum { PHASE_PASSES_REVIEW = 1, PHASE_PASSES_FEEDBACK = 2 };
enum { PHASE_MOVED = 0, PHASE_REASON_NEEDED = 1, PHASE_REFUSED = -1 };
const char *phase_code(int index);        /* 0 planlaegning ... 6 afsluttet; NULL outside */
int phase_index(const char *code);        /* -1 for an unknown code */
const char *phase_title(const char *code); /* "Planlægning", ...; the one place for the names */
int phase_passes(const char *from, const char *to);
typedef struct PhaseWorkLeft {
	int review;                /* the move passes gennemgang with cases not finished (or none drawn) */
	int64_t sampled, unfinished;
	int feedback;              /* the move passes tilbagemelding with feedback not given */
	int64_t advisors_left;     /* caseworkers without a held individual feedback meeting */
	char advisors[400];        /* their names, ", " between, cut short with "…" */
	int staff_meeting_missing; /* no staff meeting (personale) held for the round */
} PhaseWorkLeft;
/* The work left when r moves to `to`: 1 (and out filled) when there is some. */
int phase_work_left(Db *db, const Round *r, const char *to, PhaseWorkLeft *out);
void phase_work_left_text(const PhaseWorkLeft *w, char *out, size_t n);
/* Moves r to phase `to` (inside the caller's transaction): logged in round_phase_change and
** the audit log; afsluttet sets round.finished_at and leaving it clears it. With work left
** and no reason: PHASE_REASON_NEEDED, left filled in and msg saying what is left. */
int phase_change(Db *db, const Round *r, const char *to, const char *reason, const ReviewBy *by,
                 PhaseWorkLeft *left, char *msg, size_t n);
/* A finished (afsluttet) round is closed to writes of its case data: every model function
** that writes them calls round_writable first and passes ROUND_CLOSED on (web 409, CLI 2). */
#define ROUND_CLOSED (-2)
extern const char round_closed_text[];
int round_writable(Db *db, int64_t round_id, char *msg, size_t n);
int phase_auto(Db *db, int64_t round_id, const char *from_any, const char *to, int64_t user_id,
               const char *login);
typedef struct PhaseReopening {
	char at[32], to[24], by[201];
	char reason[PHASE_REASON_MAX * 4 + 1];
} PhaseReopening;
int phase_reopenings(Db *db, int64_t round_id, PhaseReopening *out, int max);

/* ---- meeting.c: meetings of the cycle and individual feedback per caseworker ---- */
#define MEETING_PARTICIPANTS_MAX 1000
#define MEETING_MINUTES_MAX 5000
typedef struct Meeting {
	int64_t id, department_id, round_id;   /* round_id 0: not tied to a tilsyn */
	char kind[16];                          /* information stopop ledelse personale individuel forventning */
	char date[11], time[6];                 /* time "" for none */
	char status[16];                        /* planlagt afholdt aflyst */
	char advisor[201];                      /* individuel: the caseworker, as named in the case list */
	char participants[MEETING_PARTICIPANTS_MAX + 1];
	char minutes[MEETING_MINUTES_MAX + 1];
	char updated_at[32];
} Meeting;
typedef struct MeetingInput {
	const char *kind, *date, *time, *status, *advisor, *participants, *minutes; /* time, status may be "" */
	int64_t round_id;                       /* 0: none */
} MeetingInput;
typedef struct FeedbackRow {
	char *advisor;
	int64_t meeting_id;                     /* the held meeting, else the first planned, else 0 */
	char status[16];                        /* afholdt, planlagt or "" */
	char date[11], time[6];
} FeedbackRow;
int meeting_valid_kind(const char *kind);
const char *meeting_kind_title(const char *kind);
const char *meeting_kind_code(int i);
int meeting_valid_status(const char *status);
const char *meeting_status_title(const char *status);
int meeting_is_staff(const char *kind);
int meeting_valid_time(const char *s);
int meeting_whole_token(const char *text, size_t at, size_t len);
int meeting_case_no_in(Db *db, int64_t department_id, const char *text, char *found, size_t n);
int meeting_check(Db *db, const Department *d, const MeetingInput *in, char *msg, size_t n);
int meeting_add(Db *db, const Department *d, const MeetingInput *in, int64_t user_id, int64_t *id, char *msg,
                size_t n);
int meeting_update(Db *db, const Department *d, int64_t id, const MeetingInput *in, int64_t user_id, char *msg,
                   size_t n);
int meeting_by_id(Db *db, int64_t id, Meeting *out);
int meeting_visible(Role role, const char *kind, const char *advisor, const char *viewer_name, int invited);
int meeting_visible_to(Db *db, int64_t department_id, const User *u, Role role, const char *kind,
                       const char *advisor, int invited);
int meeting_feedback(Db *db, int64_t round_id, FeedbackRow **out);
int meeting_advisors(Db *db, int64_t department_id, int64_t round_id, char ***names);
void meeting_feedback_free(FeedbackRow *rows, int n);
int meeting_feedback_missing(Db *db, int64_t round_id);

/* ---- feedback.c: a caseworker's individual feedback, released by the leader or a held meeting ---- */
typedef struct FeedbackState {
	char *advisor;               /* as the case list names the caseworker (results_advisors) */
	int64_t meeting_id;          /* meeting_feedback's meeting; 0: none */
	char meeting_status[16], meeting_date[11];
	int meeting_held;            /* the individual feedback meeting is marked held */
	int by_leader;               /* released in feedback_release ... */
	char released_at[32];        /* ... then, by this person ("" when the user is gone) */
	char released_by[201];
	int released;                /* by_leader or meeting_held */
} FeedbackState;
int feedback_states(Db *db, int64_t round_id, FeedbackState **out);
void feedback_states_free(FeedbackState *s, int n);
/* 1 when the user has cases in r's sample (ident_owns) and every one of their names is released. */
int feedback_released_to(Db *db, const Round *r, int64_t user_id);
/* Releases advisor's feedback (one of the round's caseworkers, by ident_same_person),
** inside the caller's transaction; audited. 1 released, 0 already released, -1 with msg. */
int feedback_release(Db *db, const Round *r, const char *advisor, const ReviewBy *by, char *msg, size_t n);

/* ---- action.c: actions (tiltag) decided from a tilsyn, and the change in what they aim at ---- */
#define ACTION_TITLE_MAX 200
#define ACTION_DESCRIPTION_MAX 5000
#define ACTION_MAX_TARGETS 64
#define ACTION_DUE_SOON_DAYS 14
typedef struct ActionItem {
	int64_t id, department_id, round_id, owner_id;  /* round_id, owner_id 0: none */
	char title[ACTION_TITLE_MAX + 1];
	char description[ACTION_DESCRIPTION_MAX + 1];
	char owner_login[65], owner_name[201];
	char due[11];                                   /* "" for none */
	char status[16];                                /* planlagt i_gang gennemfoert opgivet */
	char updated_at[32];
} ActionItem;
typedef struct ActionInput {
	const char *title, *description, *owner_login, *due, *status; /* status "" or NULL: planlagt */
	int64_t round_id;                                             /* 0: none */
	const char *const *questions;                                 /* question codes */
	int nquestions;
	const char *const *themes;                                    /* theme catalogue codes */
	int nthemes;
} ActionInput;
/* What an action aims at, measured in its tilsyn (before) and in the next comparable one (after). */
typedef struct ActionChange {
	char kind[10];                 /* question | theme */
	char code[65];
	char *text;                    /* the question's text or the theme's title; "" when unknown */
	int nquestions;                /* the questions counted (a theme pools several) */
	int has_before;
	int64_t before_yes, before_base;
	double before, before_low, before_high;
	int has_after;                 /* measured again in the next comparable tilsyn */
	int64_t after_yes, after_base;
	double after, after_low, after_high;
	double diff, diff_low, diff_high; /* after - before with Newcombe's interval */
	const char *verdict;           /* stats_verdict, or NULL without has_after */
} ActionChange;
typedef struct ActionFollowUp {
	int64_t from_round, next_round; /* 0: none */
	char next_title[201], next_phase[24];
	ActionChange *targets;
	int ntargets;
} ActionFollowUp;
int action_valid_status(const char *status);
const char *action_status_title(const char *status);
int action_overdue(const char *due, const char *status, const char *today);
int action_add(Db *db, const Department *d, const ActionInput *in, int64_t user_id, int64_t *id, char *msg,
               size_t n);
int action_update(Db *db, const Department *d, int64_t id, const ActionInput *in, int64_t user_id, char *msg,
                  size_t n);
int action_set_status(Db *db, int64_t id, const char *status, int64_t user_id, char *msg, size_t n);
int action_by_id(Db *db, int64_t id, ActionItem *out);
int64_t action_next_round(Db *db, const Round *from);
int action_follow_up(Db *db, const ActionItem *a, ActionFollowUp *out);
void action_follow_up_free(ActionFollowUp *f);

/* ---- plan.c: the annual plan (årshjul) of a department and its warnings ---- */
#define PLAN_YEAR_MIN 2000
#define PLAN_YEAR_MAX 2100
typedef struct PlanRound {
	int64_t id;
	char kind[16];
	char title[201];
	char phase[24];
	char planned_start[11], planned_end[11]; /* "" when not planned */
	char start[11], end[11];                 /* the period on the timeline (see plan.c) */
	const char *date_source;                 /* "planned", "sampled" or "created": where start came from */
	int is_sampled;
	int64_t sampled;                         /* cases in the sample, replaced ones not counted */
	int64_t planned_cases;                   /* round_plan.planned_cases; -1 when not given */
	char review_started[11], finished[11];   /* "" when not */
	int nthemes;
	char **themes, **theme_titles;           /* theme codes and their catalogue titles */
	int nprovisions;
	char **provisions;                       /* the provisions the sample was restricted to */
} PlanRound;
typedef struct PlanWarning {
	char code[24];   /* too_few_rounds, too_few_cases, too_many_themes, remeasure_too_soon, working_group,
	                    staff_not_informed */
	int64_t round;   /* 0: about the year or the department */
	char *message;   /* Danish */
} PlanWarning;
typedef struct Plan {
	int year;
	PlanRound *rounds;
	int nrounds;
	PlanWarning *warnings;
	int nwarnings;
} Plan;
int plan_build(Db *db, const Department *d, int year, const char *today, Plan *out);
void plan_free(Plan *p);
char *plan_json(const Plan *p);    /* {"rounds": [...], "warnings": [...]}; free() it */
int plan_year_parse(const char *s, int *year);
const char *plan_warning_title(const char *code);

/* ---- ical.c: the department's calendar as iCalendar (RFC 5545) ---- */
#define ICAL_FOLD 75 /* octets per physical line, CRLF not counted */
void ical_escape_text(Buf *out, const char *s);
void ical_fold(Buf *out, const char *line, size_t n);
void ical_property(Buf *out, const char *name, const char *value);
void ical_text_property(Buf *out, const char *name, const char *text);
void ical_department(Db *db, const Department *d, time_t now, Buf *out);
int ical_token_hash(const char *token, char out[65]);

/* ---- retention.c: case data of finished tilsyn deleted after a period ---- */
typedef struct RetentionSettings {
	int64_t months;       /* retention_months: case data is deleted this long after the tilsyn finished */
	int64_t audit_extra;  /* audit_extra_months: audit entries are kept this much longer */
	int64_t notice_days;  /* retention_notice_days: the leader is told this many days before */
} RetentionSettings;
typedef struct RetentionRound {
	int64_t round_id, department_id;
	char department[33];
	char title[201];
	char basis[11];        /* yyyy-mm-dd the period counts from */
	char basis_source[12]; /* afsluttet (finished_at), faseskift (phase change), skoen (estimated) */
	int64_t months;        /* the period: retention_months, or the one it was purged under */
	char due[11];          /* basis + months; "" when the dates cannot be read */
	char purged_at[32];    /* "" while the case data is held */
} RetentionRound;
enum { RETENTION_KINDS = 9 }; /* what a purge counts, in the order of retention_count_keys */
extern const char *const retention_count_keys[RETENTION_KINDS];
extern const char *const retention_count_titles[RETENTION_KINDS];
typedef struct RetentionPurged {
	RetentionRound round;
	int64_t counts[RETENTION_KINDS];
	int64_t questions;     /* per-question counts kept */
} RetentionPurged;
typedef struct RetentionCaseList {
	int64_t department_id;
	char department[33];
	int64_t cases;
} RetentionCaseList;
typedef struct RetentionResult {
	int dry_run;
	RetentionSettings settings;
	RetentionPurged *rounds;
	int nrounds;
	char cases_before[11];          /* case-list rows last listed before this day went */
	RetentionCaseList *case_lists;
	int ncase_lists;
	char audit_before[32];          /* audit entries before this time went */
	int64_t audit_deleted, audit_anchor;
	int64_t uploads_deleted;        /* web uploads of case lists never confirmed */
} RetentionResult;
void retention_settings(Db *db, RetentionSettings *out);
const char *retention_settings_problem(const RetentionSettings *s);
int retention_settings_save(Db *db, const RetentionSettings *s, const char *login, char *msg, size_t n);
int retention_rounds(Db *db, const RetentionSettings *s, int64_t round_id, int64_t leader_id,
                     RetentionRound **out);
int retention_is_due(const RetentionRound *x, const char *today);
void retention_today(Db *db, time_t now, char out[11]);
void retention_cases_cutoff(Db *db, const RetentionSettings *s, time_t now, char out[11]);
void retention_audit_cutoff(Db *db, const RetentionSettings *s, time_t now, char out[32]);
void retention_notice_until(Db *db, const RetentionSettings *s, time_t now, char out[11]);
int retention_round_text(Db *db, int64_t round_id, char *out, size_t n);
int64_t retention_cases_due(Db *db, const char *before);
int64_t retention_audit_due(Db *db, const char *before);
void retention_audit_deleted(Db *db, int64_t *deleted, int64_t *anchor);
const char *retention_basis_title(const char *source);
int retention_run(Db *db, time_t now, int dry_run, const char *login, RetentionResult *out, char *err, size_t n);
void retention_result_free(RetentionResult *r);

/* ---- demo.c ---- */
int demo_fill(Db *db, char *msg, size_t n);
#define DEMO_PASSWORD "tilsyn-demo-2026"

#endif
