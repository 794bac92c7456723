/*
** tilsyn round plan ROUND [--performers T] [--cases N] [--selection T] [--timing T]
**                         [--gathering T] [--stopop N]
** The working group's answers to the planning questions (round.c); without options, shows them.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void plan_print(const Round *r, const RoundPlan *p)
{
	printf("Tilsyn %lld: %s\n", (long long)r->id, r->title);
	printf("%s: %s\n", round_plan_field_title("performers"), p->performers);
	if (p->planned_cases > 0)
		printf("%s: %lld\n", round_plan_field_title("planned_cases"), (long long)p->planned_cases);
	else
		printf("%s: \n", round_plan_field_title("planned_cases"));
	printf("%s: %s\n", round_plan_field_title("selection"), p->selection);
	printf("%s: %s\n", round_plan_field_title("timing"), p->timing);
	printf("%s: %s\n", round_plan_field_title("gathering"), p->gathering);
	printf("%s: %lld\n", round_plan_field_title("stopop_meetings"), (long long)p->stopop_meetings);
	if (!p->exists)
		printf("(planlægningsspørgsmålene er ikke besvaret endnu)\n");
}

int cmd_round_plan(Db *db, const Round *r, int argc, char **argv)
{
	RoundPlanInput in = {0};
	const CliOption opts[] = {
		{.name = "performers", .value = &in.performers}, {.name = "cases", .value = &in.planned_cases},
		{.name = "selection", .value = &in.selection},   {.name = "timing", .value = &in.timing},
		{.name = "gathering", .value = &in.gathering},   {.name = "stopop", .value = &in.stopop_meetings},
		{.name = NULL},
	};
	int given, rc = cli_options(argc, argv, 3, opts, &given);
	if (rc)
		return rc;
	RoundPlan *p = xmalloc(sizeof *p);
	if (given) {
		ReviewBy by = cli_review_by();
		char msg[512];
		if (db_begin(db) != DB_OK) {
			free(p);
			return cli_fail("databasen er optaget af et andet program; prøv igen");
		}
		if (round_plan_save(db, r, &in, &by, msg, sizeof msg) != 0) {
			db_rollback(db);
			free(p);
			return cli_fail("round plan %lld: %s", (long long)r->id, msg);
		}
		if (cli_commit(db)) {
			free(p);
			return 1;
		}
	}
	round_plan_get(db, r->id, p);
	plan_print(r, p);
	const char *warning = round_plan_warning(r, p);
	if (warning)
		fprintf(stderr, "tilsyn: advarsel: %s\n", warning);
	free(p);
	return 0;
}
