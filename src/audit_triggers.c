/*
** The triggers that keep the audit log append-only (and its retention anchor and key marker
** in place), checked when `tilsyn init` and `tilsyn serve` start: someone with the database
** file can drop or replace them. A missing or changed trigger is created again as the
** migrations made it, a loud audit entry names it, and standard error says so (README, IT).
*/
#include "tilsyn.h"

#include <stdio.h>
#include <string.h>

/* Each trigger as the migrations wrote it (001, 007, 009), compared with white space folded. */
static const struct {
	const char *name;
	const char *sql;
} audit_triggers[] = {
	{"audit_no_update", "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, "
	                    "'audit log is append-only'); END"},
	{"audit_no_delete", "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit WHEN OLD.id > coalesce((SELECT last_id "
	                    "FROM audit_anchor), 0) BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"},
	{"audit_anchor_no_delete", "CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor BEGIN SELECT "
	                           "RAISE(ABORT, 'the audit anchor is never removed'); END"},
	{"audit_anchor_forward", "CREATE TRIGGER audit_anchor_forward BEFORE UPDATE ON audit_anchor WHEN NEW.last_id <= "
	                         "OLD.last_id BEGIN SELECT RAISE(ABORT, 'the audit anchor only moves forward'); END"},
	{"audit_keyed_no_delete", "CREATE TRIGGER audit_keyed_no_delete BEFORE DELETE ON audit_keyed BEGIN SELECT "
	                          "RAISE(ABORT, 'the audit key marker is never removed'); END"},
	{"audit_keyed_sealed", "CREATE TRIGGER audit_keyed_sealed BEFORE UPDATE ON audit_keyed WHEN OLD.mac IS NOT NULL "
	                       "OR NEW.from_id <> OLD.from_id BEGIN SELECT RAISE(ABORT, 'the audit key marker is "
	                       "sealed'); END"},
};

/* Whether two SQL texts are equal with every run of white space read as one space. */
static int same_sql(const char *a, const char *b)
{
	for (;;) {
		int wa = 0, wb = 0;
		while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
			a++, wa = 1;
		while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
			b++, wb = 1;
		if (!*a || !*b)
			return !*a && !*b;
		if (wa != wb || *a != *b)
			return 0;
		a++, b++;
	}
}

int audit_triggers_restore(Db *db, char *names, size_t n, char *err, size_t errlen)
{
	names[0] = 0;
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, _("databasen er optaget af et andet program; prøv igen"));
		return -1;
	}
	int restored = 0, rc = DB_OK;
	for (size_t i = 0; i < COUNT(audit_triggers) && rc == DB_OK; i++) {
		Stmt q;
		db_prepare(&q, db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1");
		db_bind_text(&q, 1, audit_triggers[i].name);
		int found = db_step(&q), same = found && !db_col_is_null(&q, 0) &&
		                                   same_sql(db_col_text(&q, 0), audit_triggers[i].sql);
		db_finalize(&q);
		if (same)
			continue;
		if (found) {
			char drop[96];
			snprintf(drop, sizeof drop, "DROP TRIGGER %s", audit_triggers[i].name);
			rc = db_exec(db, drop);
		}
		if (rc == DB_OK)
			rc = db_exec(db, audit_triggers[i].sql);
		size_t used = strlen(names);
		snprintf(names + used, n - used, "%s%s (%s)", restored ? ", " : "", audit_triggers[i].name,
		         found ? "ændret" : "manglede");
		restored++;
	}
	if (rc == DB_OK && restored) {
		char detail[600];
		snprintf(detail, sizeof detail,
		         "ADVARSEL: logbogens beskyttende triggere var fjernet eller ændret uden om tilsyn og er genskabt: %s",
		         names);
		if (audit_log(db, &(AuditEntry){.login = "kommandolinje", .action = "audit_triggers_restored",
		                                .object = "database", .detail = detail}) != 0)
			rc = DB_ERROR;
	}
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		snprintf(err, errlen, _("logbogens triggere kunne ikke genskabes: %s"), db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	return restored;
}
