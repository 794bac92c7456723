/*
** tilsyn meeting add|list: the meetings of the cycle (information, stop-op, feedback to
** management, staff and each caseworker, expectation alignment; meeting.c).
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tilsyn meeting ---- */

static int meeting_add_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'}, {"kind", required_argument, NULL, 'k'},
		{"date", required_argument, NULL, 'D'},       {"time", required_argument, NULL, 't'},
		{"round", required_argument, NULL, 'r'},      {"advisor", required_argument, NULL, 'a'},
		{"participants", required_argument, NULL, 'p'}, {"minutes", required_argument, NULL, 'm'},
		{"status", required_argument, NULL, 's'},     {NULL, 0, NULL, 0},
	};
	const char *code = NULL, *round = NULL;
	MeetingInput in = {.time = "", .status = "", .participants = "", .minutes = ""};
	int c;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'k': in.kind = optarg; break;
		case 'D': in.date = optarg; break;
		case 't': in.time = optarg; break;
		case 'r': round = optarg; break;
		case 'a': in.advisor = optarg; break;
		case 'p': in.participants = optarg; break;
		case 'm': in.minutes = optarg; break;
		case 's': in.status = optarg; break;
		default: return cli_fail("meeting add: ukendt eller ufuldstændigt tilvalg (se tilsyn meeting --help)");
		}
	}
	if (optind < argc)
		return cli_fail("meeting add: ukendt argument: %s", argv[optind]);
	Department d;
	if (!cli_department_of(db, "meeting add", code, &d) || !cli_round_option("meeting add", round, &in.round_id))
		return EXIT_BAD_INPUT;
	if (!in.kind)
		return cli_fail("meeting add: --kind mangler (information, stopop, ledelse, personale, individuel eller "
		                "forventning)");
	if (!in.date)
		return cli_fail("meeting add: --date mangler (ÅÅÅÅ-MM-DD)");
	char msg[4096];
	int64_t id;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (meeting_add(db, &d, &in, 0, &id, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("meeting add: %s", msg);
	}
	return cli_added(db, "meeting", d.id, id, in.kind);
}

static int meeting_list_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"round", required_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *round = NULL, *format = NULL;
	int c, json;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'r': round = optarg; break;
		case 'f': format = optarg; break;
		default: return cli_fail("meeting list: ukendt eller ufuldstændigt tilvalg (se tilsyn meeting --help)");
		}
	}
	if (optind < argc)
		return cli_fail("meeting list: ukendt argument: %s", argv[optind]);
	Department d;
	int64_t round_id;
	if (!cli_department_of(db, "meeting list", code, &d) || !cli_round_option("meeting list", round, &round_id) ||
	    !cli_json_or_text("meeting list", format, &json))
		return EXIT_BAD_INPUT;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, kind, date, coalesce(time, ''), status, round_id, coalesce(advisor, ''), participants, minutes"
	           " FROM meeting WHERE department_id = ?1 AND (?2 = 0 OR round_id = ?2) ORDER BY date, coalesce(time, ''), id");
	db_bind_int(&q, 1, d.id);
	db_bind_int(&q, 2, round_id);
	json_t *all = json ? json_array() : NULL;
	long n = 0;
	while (db_step(&q)) {
		n++;
		if (!json) {
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)db_col_int(&q, 0), db_col_text(&q, 2),
			       *db_col_text(&q, 3) ? db_col_text(&q, 3) : "-", db_col_text(&q, 1), db_col_text(&q, 4),
			       db_col_is_null(&q, 5) ? "-" : db_col_text(&q, 5), *db_col_text(&q, 6) ? db_col_text(&q, 6) : "-");
			continue;
		}
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_col_int(&q, 0)));
		json_object_set_new(o, "kind", json_string(db_col_text(&q, 1)));
		json_object_set_new(o, "date", json_string(db_col_text(&q, 2)));
		json_object_set_new(o, "time", *db_col_text(&q, 3) ? json_string(db_col_text(&q, 3)) : json_null());
		json_object_set_new(o, "status", json_string(db_col_text(&q, 4)));
		json_object_set_new(o, "round", db_col_is_null(&q, 5) ? json_null() : json_integer(db_col_int(&q, 5)));
		json_object_set_new(o, "advisor", *db_col_text(&q, 6) ? json_string(db_col_text(&q, 6)) : json_null());
		json_object_set_new(o, "participants", json_string(db_col_text(&q, 7)));
		json_object_set_new(o, "minutes", json_string(db_col_text(&q, 8)));
		json_array_append_new(all, o);
	}
	db_finalize(&q);
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(all);
	}
	char detail[64];
	snprintf(detail, sizeof detail, "%ld møder udskrevet", n);
	cli_audit(db, "meeting_list", d.id, d.code, detail);
	return 0;
}

static const char meeting_usage[] = "meeting: brug meeting add eller meeting list (se tilsyn meeting --help)";

int cmd_meeting(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("%s", meeting_usage);
	if (str_eq(argv[1], "add"))
		return meeting_add_cmd(db, argc, argv);
	if (str_eq(argv[1], "list"))
		return meeting_list_cmd(db, argc, argv);
	return cli_fail("ukendt underkommando 'meeting %s'; %s", argv[1], meeting_usage);
}
