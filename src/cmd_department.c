/*
** tilsyn department: add, list.
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cmd_department_help[] =
	"Brug:\n"
	"  tilsyn department add KODE --name NAVN --area barn|voksen\n"
	"  tilsyn department list\n"
	"\n"
	"KODE er 1-32 tegn (bogstaver, tal, - og _), fx BHS. Området afgør standardkataloget:\n"
	"barn (barnets lov) eller voksen (serviceloven).\n";

int cmd_department(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(cmd_department_help, stderr), EXIT_BAD_INPUT;
	if (!strcmp(argv[1], "list")) {
		Stmt q;
		db_prepare(&q, db, "SELECT code, name, area FROM department ORDER BY code");
		while (db_step(&q))
			printf("%s\t%s\t%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2));
		db_finalize(&q);
		return 0;
	}
	if (strcmp(argv[1], "add") != 0)
		return cli_fail("ukendt underkommando 'department %s' (se tilsyn department --help)", argv[1]);
	if (argc < 3)
		return cli_fail("department add: KODE mangler");
	char *code = argv[2];
	const char *name = NULL, *area = NULL;
	department_code_canonical(code, code, strlen(code) + 1); /* codes are kept in upper case */
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"area", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'a': area = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!name)
		return cli_fail("department add: --name mangler");
	if (!area)
		return cli_fail("department add: --area mangler (barn eller voksen)");
	char msg[300];
	int64_t id;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (department_add(db, code, name, area, &id, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("department add %s: %s", code, msg);
	}
	cli_audit(db, "department_add", id, code, name);
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Afdelingen %s er oprettet.\n", code);
	return 0;
}
