/*
** The command line of the planning side of the cycle:
**   tilsyn workgroup add LOGIN --department CODE --function leder|koordinator|raadgiver
**   tilsyn workgroup remove LOGIN --department CODE
**   tilsyn workgroup list --department CODE [--format json|text]
**   tilsyn round plan ROUND [--performers T] [--cases N] [--selection T] [--timing T]
**                           [--gathering T] [--stopop N]
**   tilsyn round phase ROUND [PHASE [--reason TEXT]]
** The work is done by workgroup.c and phase.c; this file reads the arguments and reports.
*/
#include "tilsyn.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int workgroup_list(Db *db, const Department *d, const char *format)
{
	int json = str_eq(format, "json");
	if (format && !json && !str_eq(format, "text"))
		return cli_fail("--format skal være json eller text, ikke '%s'", format);
	const char *warnings[8];
	int nwarnings = workgroup_warnings(db, d->id, warnings, (int)COUNT(warnings));
	if (nwarnings > (int)COUNT(warnings))
		nwarnings = (int)COUNT(warnings);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.login, u.name, w.function, coalesce(m.role, ''), u.active FROM workgroup_member w"
	           " JOIN users u ON u.id = w.user_id"
	           " LEFT JOIN membership m ON m.user_id = w.user_id AND m.department_id = w.department_id"
	           " WHERE w.department_id = ?1"
	           " ORDER BY CASE w.function WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 ELSE 3 END, u.name");
	db_bind_int(&q, 1, d->id);
	json_t *members = json ? json_array() : NULL;
	int n = 0;
	while (db_step(&q)) {
		n++;
		int counts = db_col_int(&q, 4) && *db_col_text(&q, 3) && !str_eq(db_col_text(&q, 3), "ekstern");
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "login", json_string(db_col_text(&q, 0)));
			json_object_set_new(o, "name", json_string(db_col_text(&q, 1)));
			json_object_set_new(o, "function", json_string(db_col_text(&q, 2)));
			json_object_set_new(o, "role", *db_col_text(&q, 3) ? json_string(db_col_text(&q, 3)) : json_null());
			json_object_set_new(o, "counts", json_boolean(counts));
			json_array_append_new(members, o);
		} else {
			printf("%s\t%s\t%s%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2),
			       counts ? "" : "\t(tæller ikke med: ingen rolle i afdelingen eller deaktiveret)");
		}
	}
	db_finalize(&q);
	if (json) {
		json_t *root = json_object(), *w = json_array();
		for (int i = 0; i < nwarnings; i++)
			json_array_append_new(w, json_string(warnings[i]));
		json_object_set_new(root, "department", json_string(d->code));
		json_object_set_new(root, "members", members);
		json_object_set_new(root, "warnings", w);
		json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
		return 0;
	}
	if (n == 0)
		printf("Afdelingen %s har ingen arbejdsgruppe.\n", d->code);
	for (int i = 0; i < nwarnings; i++)
		printf("advarsel: %s\n", warnings[i]);
	return 0;
}

int cmd_workgroup(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("workgroup: angiv add, remove eller list (se tilsyn workgroup --help)");
	const char *sub = argv[1];
	int list = str_eq(sub, "list");
	if (!list && !str_eq(sub, "add") && !str_eq(sub, "remove"))
		return cli_fail("ukendt underkommando 'workgroup %s' (se tilsyn workgroup --help)", sub);
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"function", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *function = NULL, *format = NULL, *login = NULL;
	optind = 2;
	if (!list) {
		if (argc < 3 || argv[2][0] == '-')
			return cli_fail("workgroup %s: LOGIN mangler", sub);
		login = argv[2];
		optind = 3;
	}
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': function = optarg; break;
		case 'o': format = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!code)
		return cli_fail("workgroup %s: --department mangler", sub);
	Department d;
	if (!department_by_code(db, code, &d))
		return cli_fail("--department: afdelingen '%s' findes ikke", code);
	if (list)
		return workgroup_list(db, &d, format);
	if (format)
		return cli_fail("--format hører kun til workgroup list");
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("workgroup %s: brugeren '%s' findes ikke", sub, login);
	int add = str_eq(sub, "add");
	if (add && !function)
		return cli_fail("workgroup add: --function mangler (leder, koordinator eller raadgiver)");
	if (!add && function)
		return cli_fail("--function hører kun til workgroup add");
	ReviewBy by = cli_review_by();
	char msg[400];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc = add ? workgroup_set(db, &d, u.id, function, &by, msg, sizeof msg)
	             : workgroup_remove(db, &d, u.id, &by, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(db);
		return cli_fail("workgroup %s %s: %s", sub, login, msg);
	}
	if (cli_commit(db))
		return 1;
	if (!add)
		printf("%s er taget ud af arbejdsgruppen i %s.\n", login, d.code);
	else if (rc == WORKGROUP_UNCHANGED)
		printf("%s er allerede med i arbejdsgruppen i %s som %s.\n", login, d.code, function);
	else
		printf("%s er med i arbejdsgruppen i %s som %s.\n", login, d.code, function);
	const char *warnings[8];
	int nwarnings = workgroup_warnings(db, d.id, warnings, (int)COUNT(warnings));
	for (int i = 0; i < nwarnings && i < (int)COUNT(warnings); i++)
		fprintf(stderr, "tilsyn: advarsel: %s\n", warnings[i]);
	return 0;
}

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
	static const struct option opts[] = {
		{"performers", required_argument, NULL, 'p'}, {"cases", required_argument, NULL, 'c'},
		{"selection", required_argument, NULL, 's'},  {"timing", required_argument, NULL, 't'},
		{"gathering", required_argument, NULL, 'g'},  {"stopop", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	RoundPlanInput in = {0};
	int given = 0, c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		given++;
		switch (c) {
		case 'p': in.performers = optarg; break;
		case 'c': in.planned_cases = optarg; break;
		case 's': in.selection = optarg; break;
		case 't': in.timing = optarg; break;
		case 'g': in.gathering = optarg; break;
		case 'm': in.stopop_meetings = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
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
