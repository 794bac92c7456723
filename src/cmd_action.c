/*
** tilsyn action add|list: the actions (tiltag) decided from a tilsyn, with the change in what
** they aim at once the next comparable tilsyn has answers (action.c).
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODES_MAX ACTION_MAX_TARGETS

static const char action_usage[] = "action: brug action add eller action list (se tilsyn action --help)";

static int action_add_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'}, {"title", required_argument, NULL, 't'},
		{"owner", required_argument, NULL, 'o'},      {"due", required_argument, NULL, 'D'},
		{"round", required_argument, NULL, 'r'},      {"question", required_argument, NULL, 'q'},
		{"theme", required_argument, NULL, 'T'},      {"description", required_argument, NULL, 'x'},
		{"status", required_argument, NULL, 's'},     {NULL, 0, NULL, 0},
	};
	const char *code = NULL, *round = NULL, *questions[CODES_MAX + 1], *themes[CODES_MAX + 1];
	ActionInput in = {.description = "", .status = "", .questions = questions, .themes = themes};
	int c;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 't': in.title = optarg; break;
		case 'o': in.owner_login = optarg; break;
		case 'D': in.due = optarg; break;
		case 'r': round = optarg; break;
		case 'x': in.description = optarg; break;
		case 's': in.status = optarg; break;
		case 'q':
		case 'T':
			if (in.nquestions + in.nthemes >= CODES_MAX)
				return cli_fail("action add: højst %d --question og --theme i alt", CODES_MAX);
			if (c == 'q')
				questions[in.nquestions++] = optarg;
			else
				themes[in.nthemes++] = optarg;
			break;
		default: return cli_fail("action add: ukendt eller ufuldstændigt tilvalg (se tilsyn action --help)");
		}
	}
	if (optind < argc)
		return cli_fail("action add: ukendt argument: %s", argv[optind]);
	Department d;
	if (!cli_department_of(db, "action add", code, &d) || !cli_round_option("action add", round, &in.round_id))
		return EXIT_BAD_INPUT;
	if (!in.title)
		return cli_fail("action add: --title mangler");
	if (!in.owner_login)
		return cli_fail("action add: --owner mangler (den ansvarliges login)");
	if (!in.due)
		return cli_fail("action add: --due mangler (fristen, ÅÅÅÅ-MM-DD)");
	char msg[512];
	int64_t id;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (action_add(db, &d, &in, 0, &id, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("action add: %s", msg);
	}
	return cli_added(db, "action", d.id, id, in.title);
}

static json_t *figure_json(int64_t round, int64_t yes, int64_t base, double share, double low, double high)
{
	json_t *o = json_object();
	json_object_set_new(o, "round", json_integer(round));
	json_object_set_new(o, "yes", json_integer(yes));
	json_object_set_new(o, "base", json_integer(base));
	json_object_set_new(o, "fulfilled", json_real(share));
	json_object_set_new(o, "ci_low", json_real(low));
	json_object_set_new(o, "ci_high", json_real(high));
	return o;
}

static json_t *action_json(const ActionItem *a, const ActionFollowUp *f, int overdue)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "title", json_string(a->title));
	json_object_set_new(o, "description", json_string(a->description));
	json_object_set_new(o, "owner", *a->owner_login ? json_string(a->owner_login) : json_null());
	json_object_set_new(o, "owner_name", *a->owner_name ? json_string(a->owner_name) : json_null());
	json_object_set_new(o, "due", *a->due ? json_string(a->due) : json_null());
	json_object_set_new(o, "status", json_string(a->status));
	json_object_set_new(o, "overdue", json_boolean(overdue));
	json_object_set_new(o, "round", a->round_id ? json_integer(a->round_id) : json_null());
	json_object_set_new(o, "next_round", f->next_round ? json_integer(f->next_round) : json_null());
	json_t *targets = json_array();
	for (int t = 0; t < f->ntargets; t++) {
		const ActionChange *c = &f->targets[t];
		json_t *x = json_object();
		json_object_set_new(x, "kind", json_string(c->kind));
		json_object_set_new(x, "code", json_string(c->code));
		json_object_set_new(x, "text", json_string(c->text));
		json_object_set_new(x, "questions", json_integer(c->nquestions));
		json_object_set_new(x, "before",
		                    c->has_before ? figure_json(f->from_round, c->before_yes, c->before_base, c->before,
		                                                c->before_low, c->before_high)
		                                  : json_null());
		if (c->has_after) {
			json_t *ch = figure_json(f->next_round, c->after_yes, c->after_base, c->after, c->after_low, c->after_high);
			json_object_set_new(ch, "diff", json_real(c->diff));
			json_object_set_new(ch, "diff_low", json_real(c->diff_low));
			json_object_set_new(ch, "diff_high", json_real(c->diff_high));
			json_object_set_new(ch, "verdict", json_string(c->verdict));
			json_object_set_new(x, "change", ch);
		} else {
			json_object_set_new(x, "change", json_null());
		}
		json_array_append_new(targets, x);
	}
	json_object_set_new(o, "targets", targets);
	return o;
}

static void action_text(const ActionItem *a, const ActionFollowUp *f, int overdue)
{
	printf("%lld\t%s\t%s%s\t%s (%s)\n", (long long)a->id, *a->due ? a->due : "-", action_status_title(a->status),
	       overdue ? ", OVERSKREDET" : "", a->title, *a->owner_login ? a->owner_login : "ingen ansvarlig");
	for (int t = 0; t < f->ntargets; t++) {
		const ActionChange *c = &f->targets[t];
		printf("\t%s%s", str_eq(c->kind, "theme") ? "tema " : "", c->code);
		if (c->has_after)
			printf(": %.0f %% -> %.0f %% (%+.0f point, %+.0f til %+.0f): %s\n", 100 * c->before, 100 * c->after,
			       100 * c->diff, 100 * c->diff_low, 100 * c->diff_high, stats_verdict_word(c->verdict));
		else if (c->has_before)
			printf(": %.0f %% i tilsyn %lld, ikke målt igen endnu\n", 100 * c->before, (long long)f->from_round);
		else
			printf(": ingen tal\n");
	}
}

static int action_list_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *format = NULL;
	int c, json;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': format = optarg; break;
		default: return cli_fail("action list: ukendt eller ufuldstændigt tilvalg (se tilsyn action --help)");
		}
	}
	if (optind < argc)
		return cli_fail("action list: ukendt argument: %s", argv[optind]);
	Department d;
	if (!cli_department_of(db, "action list", code, &d) || !cli_json_or_text("action list", format, &json))
		return EXIT_BAD_INPUT;
	char today[11];
	date_today(today);
	/* The ids first: the follow-up runs its own statements. */
	Stmt q;
	db_prepare(&q, db, "SELECT id FROM action_item WHERE department_id = ?1 ORDER BY due IS NULL, due, id");
	db_bind_int(&q, 1, d.id);
	int n = 0, cap = 16;
	int64_t *ids = xcalloc((size_t)cap, sizeof *ids);
	while (db_step(&q)) {
		if (n == cap)
			ids = xrealloc(ids, (size_t)(cap *= 2) * sizeof *ids);
		ids[n++] = db_col_int(&q, 0);
	}
	db_finalize(&q);
	json_t *all = json ? json_array() : NULL;
	for (int i = 0; i < n; i++) {
		ActionItem a;
		ActionFollowUp f;
		if (!action_by_id(db, ids[i], &a))
			continue;
		action_follow_up(db, &a, &f);
		int overdue = action_overdue(a.due, a.status, today);
		if (json)
			json_array_append_new(all, action_json(&a, &f, overdue));
		else
			action_text(&a, &f, overdue);
		action_follow_up_free(&f);
	}
	free(ids);
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(all);
	}
	return 0;
}

int cmd_action(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("%s", action_usage);
	if (str_eq(argv[1], "add"))
		return action_add_cmd(db, argc, argv);
	if (str_eq(argv[1], "list"))
		return action_list_cmd(db, argc, argv);
	return cli_fail("ukendt underkommando 'action %s'; %s", argv[1], action_usage);
}
