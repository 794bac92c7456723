/*
** tilsyn answers import ROUND FILE.xlsx: reads a filled registration sheet back (sheet.c).
** A refused sheet lists every problem with its cell on stderr and exits 2; nothing is saved.
** So does a stale sheet, whose cells would undo answers saved after it was made, unless
** --overwrite says to save the sheet's answers anyway.
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char answers_usage[] = "brug: tilsyn answers import TILSYN FIL.xlsx [--user LOGIN] [--overwrite]";

static int answers_import(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
	                                     {"overwrite", no_argument, NULL, 'w'},
	                                     {NULL, 0, NULL, 0}};
	const char *login = NULL;
	SheetImportOptions o = {0};
	const char *args[2];
	int nargs = 0, c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'w')
			o.overwrite = 1;
		else if (c == 'u')
			login = optarg;
		else
			return EXIT_BAD_INPUT;
	}
	while (optind < argc) {
		if (nargs == 2)
			return cli_fail("ukendt argument: %s (%s)", argv[optind], answers_usage);
		args[nargs++] = argv[optind++];
	}
	if (nargs < 2)
		return cli_fail("%s", answers_usage);
	Round r;
	int rc = cli_round(db, args[0], &r);
	if (rc)
		return rc;
	const char *file = args[1];
	User by = {.id = 0, .active = 1};
	snprintf(by.login, sizeof by.login, "%s", cli_login());
	snprintf(by.name, sizeof by.name, "%s", "kommandolinje");
	if (login) {
		if (!user_by_login(db, login, &by) || !by.active)
			return cli_fail("--user: brugeren '%s' findes ikke eller er deaktiveret", login);
	}
	SheetResult *res = xcalloc(1, sizeof *res);
	if (db_begin(db) != DB_OK) {
		free(res);
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	}
	rc = sheet_import_file_opt(db, &r, file, &by, &o, res);
	if (rc == SHEET_STORED) {
		char object[64], detail[240], over[96] = "";
		snprintf(object, sizeof object, "round:%lld", (long long)r.id);
		if (res->overwritten)
			snprintf(over, sizeof over, "; %ld nyere svar overskrevet (--overwrite)", res->overwritten);
		snprintf(detail, sizeof detail, "registreringsark indlæst%s%s: %ld rækker, %ld svar gemt, %ld uændrede%s",
		         login ? " som " : "", login ? by.login : "", res->rows, res->saved, res->unchanged, over);
		cli_audit(db, "answers_import", r.department_id, object, detail);
		if (db_commit(db) != DB_OK) {
			fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db));
			free(res);
			return 1;
		}
		for (int i = 0; i < res->nnotes; i++)
			printf("%s: %s: %s\n", file, res->notes[i].cell, res->notes[i].reason);
		char summary[256];
		sheet_summary(res, summary, sizeof summary);
		printf("%s: %s\n", file, summary);
		if (res->overwritten)
			printf("%s: %ld %s overskrev svar, som arket ikke kendte (--overwrite).\n", file, res->overwritten,
			       res->overwritten == 1 ? "celle" : "celler");
		free(res);
		return 0;
	}
	db_rollback(db);
	if (rc == SHEET_FAILED) {
		fprintf(stderr, "tilsyn: %s: %s\n", file, res->error);
		free(res);
		return 1;
	}
	if (*res->error)
		fprintf(stderr, "tilsyn: %s: %s\n", file, res->error);
	for (int i = 0; i < res->nproblems; i++)
		fprintf(stderr, "%s: %s: %s\n", file, res->problems[i].cell, res->problems[i].reason);
	if (res->more_problems)
		fprintf(stderr, "%s: ... og %ld fejl mere; kun de første %d er vist\n", file, res->more_problems,
		        SHEET_MAX_PROBLEMS);
	if (rc == SHEET_CONFLICT)
		fprintf(stderr, "tilsyn: intet er gemt: %ld %s i arket ville overskrive svar, som arket ikke kendte. Hent et "
		        "nyt ark (tilsyn round sheet), eller indlæs med --overwrite for at gemme arkets svar alligevel.\n",
		        res->conflicts, res->conflicts == 1 ? "celle" : "celler");
	else if (res->nproblems)
		fprintf(stderr, "tilsyn: intet er gemt: arket har %ld fejl. Ret cellerne, og indlæs arket igen.\n",
		        (long)res->nproblems + res->more_problems);
	free(res);
	return EXIT_BAD_INPUT;
}

int cmd_answers(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("answers: angiv en underkommando (se tilsyn answers --help)");
	if (str_eq(argv[1], "import"))
		return answers_import(db, argc, argv);
	return cli_fail("ukendt underkommando 'answers %s' (se tilsyn answers --help)", argv[1]);
}
