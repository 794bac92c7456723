/*
** tilsyn user alias add|remove|list: links a user to the names or ids the case system
** uses for them as caseworker (ident.c), so that whose case it is, the own-case rule and
** the individual feedback follow the person and not a display name.
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char alias_help[] =
	"Brug:\n"
	"  tilsyn user alias add LOGIN NAVN [--department KODE]     NAVN er rådgiverens navn eller id i sagslisten\n"
	"  tilsyn user alias remove LOGIN NAVN [--department KODE]\n"
	"  tilsyn user alias list [LOGIN]\n"
	"\n"
	"Navne sammenlignes uden forskel på store og små bogstaver og mellemrum (også hårde mellemrum).\n"
	"Uden --department gælder koblingen i alle afdelinger. Et navn kan kun pege på én bruger.\n"
	"Har ingen kobling navnet, bruges brugernes visningsnavn; har to brugere samme visningsnavn,\n"
	"får ingen af dem tilbagemelding på de sager, før navnet er koblet.\n";

static int alias_list(Db *db, const char *login)
{
	char key[USER_LOGIN_SIZE];
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.login, u.name, a.alias, coalesce(d.code, '') FROM advisor_alias a JOIN users u ON u.id = a.user_id"
	           " LEFT JOIN department d ON d.id = a.department_id WHERE ?1 IS NULL OR u.login = ?1"
	           " ORDER BY u.login, a.alias_folded");
	db_bind_text(&q, 1, user_login_canonical(login, key, sizeof key));
	while (db_step(&q))
		printf("%s\t%s\t%s\t%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2),
		       *db_col_text(&q, 3) ? db_col_text(&q, 3) : "alle afdelinger");
	db_finalize(&q);
	return 0;
}

/* argv[0] is "alias". */
int cmd_user_alias(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(alias_help, stderr), EXIT_BAD_INPUT;
	const char *sub = argv[1];
	if (!strcmp(sub, "list")) {
		if (argc > 3)
			return cli_fail("user alias list: ukendt argument: %s", argv[3]);
		return alias_list(db, argc == 3 ? argv[2] : NULL);
	}
	if (strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0)
		return cli_fail("user alias: ukendt underkommando '%s' (brug add, remove eller list)", sub);
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd')
			return EXIT_BAD_INPUT;
		code = optarg;
	}
	if (argc - optind != 2)
		return cli_fail("user alias %s kræver LOGIN og NAVN (se tilsyn user alias)", sub);
	const char *login = argv[optind], *alias = argv[optind + 1];
	Department d = {0};
	if (code && !department_by_code(db, code, &d))
		return cli_fail("--department: afdelingen '%s' findes ikke", code);
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("user alias %s: brugeren '%s' findes ikke", sub, login);
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	char msg[512];
	AuditEntry who = {.login = cli_login(), .ip = "kommandolinje"};
	int rc = !strcmp(sub, "add") ? ident_alias_add(db, u.id, d.id, alias, &who, msg, sizeof msg)
	                              : ident_alias_remove(db, u.id, d.id, alias, &who, msg, sizeof msg);
	if (rc != 0) {
		db_rollback(db);
		return cli_fail("user alias %s: %s", sub, msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	if (!strcmp(sub, "add"))
		printf("%s er nu knyttet til %s (%s)%s%s.\n", alias, u.name, u.login, code ? " i afdeling " : "",
		       code ? code : "");
	else
		printf("%s er ikke længere knyttet til %s (%s).\n", alias, u.name, u.login);
	return 0;
}
