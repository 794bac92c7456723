/*
** tilsyn round phase ROUND [PHASE [--reason TEXT]]: moves a round to another phase, or shows
** its phase and history (phase.c does the work; this file reads the arguments and reports).
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void phase_history_print(Db *db, const Round *r)
{
	printf("Tilsyn %lld er i fasen %s (%s).\n", (long long)r->id, r->phase, phase_title(r->phase));
	Stmt q;
	db_prepare(&q, db,
	           "SELECT at, from_phase, to_phase, coalesce(reason, ''), by_name FROM round_phase_change"
	           " WHERE round_id = ?1 ORDER BY at, id");
	db_bind_int(&q, 1, r->id);
	while (db_step(&q))
		printf("%s\t%s -> %s\t%s\t%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2), db_col_text(&q, 4),
		       db_col_text(&q, 3));
	db_finalize(&q);
}

int cmd_round_phase(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{"reason", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *reason = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r')
			return EXIT_BAD_INPUT;
		reason = optarg;
	}
	if (optind == argc) {
		if (reason)
			return cli_fail("round phase: --reason kræver en FASE");
		phase_history_print(db, r);
		return 0;
	}
	const char *to = argv[optind];
	if (optind + 1 < argc)
		return cli_fail("ukendt argument: %s", argv[optind + 1]);
	ReviewBy by = cli_review_by();
	PhaseWorkLeft left;
	char msg[2048];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc = phase_change(db, r, to, reason, &by, &left, msg, sizeof msg);
	if (rc == PHASE_REASON_NEEDED && str_eq(r->phase, "afsluttet")) {
		db_rollback(db);
		return cli_fail("round phase %lld %s: tilsynet er afsluttet; angiv --reason TEKST for at genåbne det "
		                "(begrundelsen vises på tilsynets side).",
		                (long long)r->id, to);
	}
	if (rc == PHASE_REASON_NEEDED) {
		db_rollback(db);
		char text[1024];
		phase_work_left_text(&left, text, sizeof text);
		return cli_fail("round phase %lld %s: der er arbejde tilbage: %s Angiv --reason TEKST for at gå videre "
		                "alligevel.",
		                (long long)r->id, to, text);
	}
	if (rc != PHASE_MOVED) {
		db_rollback(db);
		return cli_fail("round phase %lld: %s", (long long)r->id, msg);
	}
	if (cli_commit(db))
		return 1;
	printf("Tilsyn %lld er nu i fasen %s (%s).\n", (long long)r->id, to, phase_title(to));
	return 0;
}
