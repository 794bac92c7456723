/*
** `tilsyn round edit|delete|list`: change a round's title, period, kind and themes, delete a
** round nobody has reviewed a case of (with a reason, audited), and list a department's
** rounds. Exit 0, 2 for bad input or a refused change (with a Danish message), 1 for an
** internal failure. round.c holds the rules; this file reads the arguments.
*/
#include "tilsyn.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_round_edit(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'}, {"start", required_argument, NULL, 's'},
		{"end", required_argument, NULL, 'e'},   {"kind", required_argument, NULL, 'k'},
		{"theme", required_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	RoundEdit e = {0};
	const char *themes[32];
	int c, given = 0;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		given++;
		switch (c) {
		case 't': e.title = optarg; break;
		case 's': e.start = optarg; break;
		case 'e': e.end = optarg; break;
		case 'k': e.kind = optarg; break;
		case 'h':
			if (e.nthemes == (int)COUNT(themes))
				return cli_fail("--theme: højst %zu temaer", COUNT(themes));
			themes[e.nthemes++] = optarg;
			e.set_themes = 1;
			break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!given)
		return cli_fail("round edit: angiv mindst én af --title, --start, --end, --kind og --theme");
	e.themes = themes;
	ReviewBy by = cli_review_by();
	char msg[512];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (round_update(db, r, &e, &by, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round edit %lld: %s", (long long)r->id, msg);
	}
	if (cli_commit(db))
		return 1;
	if (*msg)
		printf("%s\n", msg);
	else
		printf(_("Tilsyn %lld er ændret.\n"), (long long)r->id);
	if (e.nthemes > RECOMMENDED_MAX_THEMES)
		fprintf(stderr, "tilsyn: advarsel: %d temaer; anbefalingen er højst to temaer i et uddybende tilsyn\n",
		        e.nthemes);
	return 0;
}

int cmd_round_delete(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *reason = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r')
			return EXIT_BAD_INPUT;
		reason = optarg;
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!reason)
		return cli_fail("round delete: --reason TEKST mangler (hvorfor tilsynet slettes; det gemmes i loggen)");
	ReviewBy by = cli_review_by();
	char msg[512];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (round_delete(db, r, reason, &by, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round delete %lld: %s", (long long)r->id, msg);
	}
	if (cli_commit(db))
		return 1;
	printf(_("Tilsyn %lld «%s» er slettet.\n"), (long long)r->id, r->title);
	return 0;
}

int cmd_round_list(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const char *code = NULL, *format = "text";
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': format = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!str_eq(format, "json") && !str_eq(format, "text"))
		return cli_fail("--format skal være json eller text, ikke '%s'", format);
	if (!code)
		return cli_fail("round list: --department KODE mangler");
	Department d;
	if (!department_by_code(db, code, &d))
		return cli_fail("--department: afdelingen '%s' findes ikke (se tilsyn department list)", code);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT r.id, r.title, r.kind, r.phase, r.planned_start, r.planned_end,"
	           " (SELECT count(*) FROM round_case rc WHERE rc.round_id = r.id AND rc.status = 'udtrukket')"
	           " FROM round r WHERE r.department_id = ?1 ORDER BY coalesce(r.planned_start, r.created_at), r.id");
	db_bind_int(&q, 1, d.id);
	json_t *all = str_eq(format, "json") ? json_array() : NULL;
	long n = 0;
	while (db_step(&q)) {
		n++;
		if (all) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_integer(db_col_int(&q, 0)));
			json_object_set_new(o, "title", json_string(db_col_text(&q, 1)));
			json_object_set_new(o, "kind", json_string(db_col_text(&q, 2)));
			json_object_set_new(o, "phase", json_string(db_col_text(&q, 3)));
			json_object_set_new(o, "start", db_col_is_null(&q, 4) ? json_null() : json_string(db_col_text(&q, 4)));
			json_object_set_new(o, "end", db_col_is_null(&q, 5) ? json_null() : json_string(db_col_text(&q, 5)));
			json_object_set_new(o, "cases", json_integer(db_col_int(&q, 6)));
			json_array_append_new(all, o);
		} else {
			char start[40] = "", end[40] = "";
			if (!db_col_is_null(&q, 4))
				date_text(db_col_text(&q, 4), start);
			if (!db_col_is_null(&q, 5))
				date_text(db_col_text(&q, 5), end);
			printf("%lld\t%s\t%s\t%s\t%s – %s\t%lld sager\n", (long long)db_col_int(&q, 0), db_col_text(&q, 1),
			       round_kind_title(db_col_text(&q, 2)), phase_title(db_col_text(&q, 3)), *start ? start : "?",
			       *end ? end : "?", (long long)db_col_int(&q, 6));
		}
	}
	db_finalize(&q);
	if (all) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(all);
	} else if (!n) {
		printf(_("Afdelingen %s har ingen tilsyn.\n"), d.code);
	}
	return 0;
}
