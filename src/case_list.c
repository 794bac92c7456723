/*
** The versions of a department's case list. Every stored import (cases.c) is one: it
** replaced the list before it or added to it, and the newest is the current list, the one
** samples are drawn from. A round records the version its population came from, and its
** sampling protocol names it as a person would: "sagslisten indlæst 6. december 2026
** kl. 18.12 af Karen Holm, 200 sager".
*/
#include "tilsyn.h"

#include <stdio.h>
#include <string.h>

/* Literals, not built strings: the statement cache knows a statement by its address. The
** importer's login may be a command line's $USER as typed: logins are kept in lower case. */
#define VERSION_SQL \
	"SELECT i.id, i.at, coalesce(u.name, i.login, ''), coalesce(i.file_name, ''), i.mode," \
	" coalesce(i.list_size, i.rows_inserted + i.rows_updated), i.dropped, i.target_defaulted, i.rows_read" \
	" FROM case_import i LEFT JOIN users u ON u.login = lower(i.login)"

static int read_version(Stmt *q, CaseListVersion *out)
{
	memset(out, 0, sizeof *out);
	if (!db_step(q))
		return 0;
	out->id = db_col_int(q, 0);
	snprintf(out->at, sizeof out->at, "%s", db_col_text(q, 1));
	/* Not a user: the login, or for the command line without $USER, the command line. */
	const char *by = db_col_text(q, 2);
	snprintf(out->by, sizeof out->by, "%s", str_eq(by, "kommandolinje") ? _("kommandolinjen") : by);
	snprintf(out->file_name, sizeof out->file_name, "%s", db_col_text(q, 3));
	out->add = str_eq(db_col_text(q, 4), "add");
	out->list_size = db_col_int(q, 5);
	out->dropped = db_col_int(q, 6);
	out->target_defaulted = db_col_int(q, 7);
	out->rows_read = db_col_int(q, 8);
	return 1;
}

/* The version stored by import import_id; 0 (and *out zeroed) when there is none. */
int case_list_version(Db *db, int64_t import_id, CaseListVersion *out)
{
	Stmt q;
	db_prepare(&q, db, VERSION_SQL " WHERE i.id = ?1");
	db_bind_int(&q, 1, import_id);
	int found = read_version(&q, out);
	db_finalize(&q);
	return found;
}

/* The department's current list: its newest stored import. 0 when none was imported. */
int case_list_current(Db *db, int64_t department_id, CaseListVersion *out)
{
	Stmt q;
	db_prepare(&q, db, VERSION_SQL " WHERE i.department_id = ?1 ORDER BY i.id DESC LIMIT 1");
	db_bind_int(&q, 1, department_id);
	int found = read_version(&q, out);
	db_finalize(&q);
	return found;
}

/* "sagslisten indlæst 6. december 2026 kl. 18.12 af Karen Holm, 200 sager" (Danish time). */
void case_list_version_text(const CaseListVersion *v, char *out, size_t n)
{
	char when[64];
	date_time_danish(v->at, when);
	if (*v->by)
		snprintf(out, n, _("sagslisten indlæst %s af %s, %lld sager"), when, v->by, (long long)v->list_size);
	else
		snprintf(out, n, _("sagslisten indlæst %s, %lld sager"), when, (long long)v->list_size);
}
