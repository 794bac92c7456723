/*
** `tilsyn round invite ROUND LOGIN` and `tilsyn round uninvite ROUND LOGIN`: who of the
** department's outside reviewers (role ekstern) may see and review an ekstern round.
** The work is done by external.c; this file reads the arguments and reports.
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* argv: round invite|uninvite ROUND LOGIN */
int cmd_round_invite(Db *db, const Round *r, int argc, char **argv)
{
	const char *sub = argv[1];
	if (argc != 4)
		return cli_fail("brug: tilsyn round %s TILSYN LOGIN", sub);
	const char *login = argv[3];
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("round %s: brugeren '%s' findes ikke", sub, login);
	char msg[512];
	ReviewBy by = {.login = cli_login(), .ip = "kommandolinje"};
	int64_t still_assigned = 0;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc = str_eq(sub, "invite") ? external_invite(db, r, u.id, &by, msg, sizeof msg)
	                               : external_uninvite(db, r, u.id, &by, &still_assigned, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(db);
		return cli_fail("round %s %lld %s: %s", sub, (long long)r->id, login, msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	if (str_eq(sub, "invite"))
		printf(rc == 0 ? "%s (%s) er inviteret til tilsyn %lld.\n" : "%s (%s) var allerede inviteret til tilsyn %lld.\n",
		       u.name, login, (long long)r->id);
	else
		printf(rc == 0 ? "%s (%s) er ikke længere inviteret til tilsyn %lld.\n"
		               : "%s (%s) var ikke inviteret til tilsyn %lld.\n",
		       u.name, login, (long long)r->id);
	if (still_assigned)
		fprintf(stderr, "tilsyn: advarsel: %lld sager er stadig fordelt til %s; fordel dem til en anden med "
		                "tilsyn round assign\n", (long long)still_assigned, login);
	return 0;
}
