/*
** tilsyn round calibrate ROUND --cases K [--reviewers LOGIN,LOGIN]: chooses K more cases for a
** blind second review and hands them out (calibration.c).
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_round_calibrate(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{"cases", required_argument, NULL, 'k'},
		{"reviewers", required_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	const char *cases = NULL, *list = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cases = optarg; break;
		case 'R': list = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	int64_t k;
	if (!cases || !parse_int64(cases, &k) || k < 1)
		return cli_fail("brug: tilsyn round calibrate TILSYN --cases ANTAL [--reviewers LOGIN,LOGIN]");
	int64_t ids[64];
	int n = 0;
	if (list) {
		char *copy = xstrdup(list);
		int bad = 0;
		for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && !bad; t = strtok_r(NULL, ",", &save)) {
			t = str_trim(t);
			User u;
			if (!*t)
				continue;
			if (n == (int)COUNT(ids) || !user_by_login(db, t, &u))
				bad = cli_fail("round calibrate: brugeren '%s' findes ikke", t);
			else
				ids[n++] = u.id;
		}
		free(copy);
		if (bad)
			return bad;
	}
	char msg[512];
	int64_t added = 0, assigned = 0, left = 0;
	ReviewBy by = {.login = cli_login(), .ip = "kommandolinje"};
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (calibration_choose_random(db, r, k, &by, &added, msg, sizeof msg) != 0 ||
	    (n && calibration_assign_auto(db, r, ids, n, &by, &assigned, &left, msg, sizeof msg) != 0)) {
		db_rollback(db);
		return cli_fail("round calibrate: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Valgt til anden gennemgang: %lld sager.\n", (long long)added);
	if (n)
		printf("Fordelt til anden gennemgang: %lld sager.\n", (long long)assigned);
	if (left)
		fprintf(stderr, "tilsyn: advarsel: %lld sager kunne ikke fordeles: de valgte er første gennemgående eller "
		                "rådgiver på dem\n", (long long)left);
	return 0;
}
