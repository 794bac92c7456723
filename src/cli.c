/*
** What the command-line commands share (main.c, cmd_*.c): reporting bad input on stderr
** with the exit status for it, and auditing who ran a command. Kept out of main.c so that
** the unit tests, which link every object but main.o, can link the cmd_*.c files too.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>

/* Prints "tilsyn: MESSAGE" on stderr and returns the exit status for bad input. */
int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tilsyn: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_BAD_INPUT;
}

/* Who runs a command, for the audit log: the operating-system user. */
const char *cli_login(void)
{
	static char *masked; /* $USER is not ours: a CPR number in it is masked before it is stored */
	if (!masked) {
		const char *who = getenv("USER");
		masked = cpr_mask(who && *who ? who : "kommandolinje");
	}
	return masked;
}

void cli_audit(Db *db, const char *action, int64_t department_id, const char *object, const char *detail)
{
	audit_log(db, &(AuditEntry){.login = cli_login(), .action = action, .department_id = department_id,
	                            .object = object, .detail = detail, .ip = "kommandolinje"});
}

/* Who runs a command, for the model functions that audit a ReviewBy. */
ReviewBy cli_review_by(void)
{
	return (ReviewBy){.user_id = 0, .login = cli_login(), .ip = "kommandolinje"};
}

/* Commits the command's transaction: 0, or 1 (internal failure) with the reason on stderr. */
int cli_commit(Db *db)
{
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	return 0;
}
