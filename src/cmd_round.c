/*
** tilsyn round: create, sample, replace, cases, edit, delete and list here; the other
** subcommands in cmd_round_SUB.c. Each reads its arguments, lets round.c, sample.c and
** population.c do the work, and prints what a person needs to act on. Exit 0, 2 for bad
** input or a refused change (with a Danish message naming the line, field and reason), 1 for
** an internal failure.
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_round_edit(Db *db, const Round *r, int argc, char **argv)
{
	RoundEdit e = {0};
	const char *themes[32];
	const CliOption opts[] = {
		{.name = "title", .value = &e.title}, {.name = "start", .value = &e.start},
		{.name = "end", .value = &e.end},     {.name = "kind", .value = &e.kind},
		{.name = "theme", .list = themes, .count = &e.nthemes, .max = (int)COUNT(themes), .too_many = "højst 32 temaer"},
		{.name = NULL},
	};
	int given, rc = cli_options(argc, argv, 3, opts, &given);
	if (rc)
		return rc;
	e.set_themes = e.nthemes > 0;
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

static int round_create_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'}, {"kind", required_argument, NULL, 'k'},
		{"title", required_argument, NULL, 't'},      {"theme", required_argument, NULL, 'h'},
		{"catalogue", required_argument, NULL, 'c'},  {"start", required_argument, NULL, 's'},
		{"end", required_argument, NULL, 'e'},        {NULL, 0, NULL, 0},
	};
	const char *code = NULL, *kind = NULL, *title = NULL, *catalogue = NULL, *start = NULL, *end = NULL;
	const char *themes[32];
	int nthemes = 0, c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'k': kind = optarg; break;
		case 't': title = optarg; break;
		case 'c': catalogue = optarg; break;
		case 's': start = optarg; break;
		case 'e': end = optarg; break;
		case 'h':
			if (nthemes == (int)COUNT(themes))
				return cli_fail("--theme: højst %zu temaer", COUNT(themes));
			themes[nthemes++] = optarg;
			break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!kind)
		return cli_fail("round create: --kind mangler (overordnet, uddybende eller ekstern)");
	if (!title)
		return cli_fail("round create: --title mangler");
	Department d;
	int rc = cli_department(db, code, &d);
	if (rc)
		return rc;
	char msg[300];
	int64_t id;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (round_create(db, &d, kind, title, catalogue, themes, nthemes, start, end, cli_login(), &id, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round create: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	if (nthemes > RECOMMENDED_MAX_THEMES)
		fprintf(stderr, "tilsyn: advarsel: %d temaer; anbefalingen er højst to temaer i et uddybende tilsyn\n", nthemes);
	printf("%lld\n", (long long)id);
	return 0;
}

/* The population before the draw: the list version, what the window and each filter remove. */
static void print_population(Db *db, const Population *p)
{
	CaseListVersion v;
	char text[600];
	if (p->import_id && case_list_version(db, p->import_id, &v)) {
		case_list_version_text(&v, text, sizeof text);
		printf(_("Sagsliste: %s.\n"), text);
	}
	printf(_("Sager på den nuværende liste: %lld\n"), (long long)p->listed);
	if (p->exclude_months > 0)
		printf(_("Gennemgået i afdelingen de sidste %lld måneder: -%lld\n"), (long long)p->exclude_months,
		       (long long)p->excluded);
	for (int i = 0; i < p->nsteps; i++) {
		printf("%s: -%lld\n", p->steps[i].what, (long long)p->steps[i].removed);
		if (population_empty_warning(&p->steps[i], text, sizeof text))
			printf(_("  advarsel: %s\n"), text);
	}
	printf(_("Mulige sager: %lld\n"), (long long)p->eligible);
}

static int round_sample_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"size", required_argument, NULL, 'n'},         {"per-advisor", required_argument, NULL, 'k'},
		{"seed", required_argument, NULL, 's'},         {"exclude-reviewed-months", required_argument, NULL, 'x'},
		{"provision", required_argument, NULL, 'p'},    {"target", required_argument, NULL, 't'},
		{"team", required_argument, NULL, 'T'},         {"opened-from", required_argument, NULL, '1'},
		{"opened-to", required_argument, NULL, '2'},    {"decided-from", required_argument, NULL, '3'},
		{"decided-to", required_argument, NULL, '4'},   {"reason", required_argument, NULL, 'r'},
		{"advisor", required_argument, NULL, 'a'},      {NULL, 0, NULL, 0},
	};
	SampleRequest req = {.exclude_months = 12};
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int64_t v = 0;
		if ((c == 'n' || c == 'k' || c == 'x') && (!parse_int64(optarg, &v) || v < 0))
			return cli_fail("--%s skal være et helt tal, ikke '%s'", c == 'n' ? "size" : c == 'k' ? "per-advisor" : "exclude-reviewed-months", optarg);
		switch (c) {
		case 'n': req.size = v; break;
		case 'k': req.per_advisor = v; break;
		case 'x': req.exclude_months = v; break;
		case 's': req.seed_hex = optarg; break;
		case 't': req.filters.target = optarg; break;
		case 'T': req.filters.team = optarg; break;
		case 'a': req.filters.advisor = optarg; break;
		case '1': req.filters.opened_from = optarg; break;
		case '2': req.filters.opened_to = optarg; break;
		case '3': req.filters.decided_from = optarg; break;
		case '4': req.filters.decided_to = optarg; break;
		case 'r': req.reason = optarg; break;
		case 'p':
			if (req.filters.nprovisions == (int)COUNT(req.filters.provisions))
				return cli_fail("--provision: højst %zu paragraffer", COUNT(req.filters.provisions));
			req.filters.provisions[req.filters.nprovisions++] = optarg;
			break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!req.size && !req.per_advisor)
		return cli_fail("round sample: angiv --size N eller --per-advisor K");
	if (req.size && req.per_advisor)
		return cli_fail("round sample: angiv enten --size eller --per-advisor, ikke begge");
	Round r;
	int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
	if (rc)
		return rc;
	char msg[300];
	int64_t drawn;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	/* The breakdown from the same function the draw uses, inside the same transaction. */
	Population pop;
	population_compute(db, &r, &req.filters, req.exclude_months, 0, &pop);
	if (sample_draw(db, &r, &req, cli_login(), &drawn, msg, sizeof msg) != 0) {
		db_rollback(db);
		if (pop.listed && !pop.eligible) /* say which step left nothing */
			print_population(db, &pop);
		return cli_fail("round sample: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	round_by_id(db, r.id, &r);
	print_population(db, &pop);
	printf("Stikprøve for tilsyn %lld: %lld sager af %lld mulige.\nSeed: %s\nPopulationens fingeraftryk: %s\n",
	       (long long)r.id, (long long)drawn, (long long)r.population_size, r.seed, r.population_digest);
	char shortfall[300];
	if (sample_shortfall_text(db, &r, drawn, shortfall, sizeof shortfall))
		printf("%s\n", shortfall);
	const char *warning = round_size_warning(&r, drawn);
	if (warning)
		fprintf(stderr, "tilsyn: advarsel: %s\n", warning);
	return 0;
}

static int round_replace_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	const char *reason = NULL;
	int c;
	optind = 4;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r')
			return EXIT_BAD_INPUT;
		reason = optarg;
	}
	if (argc < 4)
		return cli_fail("brug: tilsyn round replace TILSYN SAGSNUMMER --reason TEKST");
	Round r;
	int rc = cli_round(db, argv[2], &r);
	if (rc)
		return rc;
	Stmt q;
	db_prepare(&q, db, "SELECT id FROM cases WHERE department_id = ?1 AND case_no = ?2");
	db_bind_int(&q, 1, r.department_id);
	db_bind_text(&q, 2, argv[3]);
	int64_t case_id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (!case_id)
		return cli_fail("sagen '%s' findes ikke i afdelingens sagsliste", argv[3]);
	char msg[300] = "";
	int64_t replacement;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (sample_replace(db, &r, case_id, reason, cli_login(), &replacement, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round replace: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	if (!replacement) {
		fprintf(stderr, "tilsyn: advarsel: %s\n", msg);
		return 0;
	}
	db_prepare(&q, db, "SELECT case_no FROM cases WHERE id = ?1");
	db_bind_int(&q, 1, replacement);
	if (db_step(&q))
		printf("Sagen %s er erstattet af %s.\n", argv[3], db_col_text(&q, 0));
	db_finalize(&q);
	return 0;
}

static int round_cases_cmd(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const char *format = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return EXIT_BAD_INPUT;
		format = optarg;
	}
	int fmt = cli_format(format);
	if (fmt != 'c' && fmt != 'j')
		return cli_fail("--format skal være csv eller json");
	Round r;
	int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
	if (rc)
		return rc;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.case_no, c.advisor, coalesce(u.name, ''), rc.status, rc.sample_key FROM round_case rc"
	           " JOIN cases c ON c.id = rc.case_id LEFT JOIN users u ON u.id = rc.reviewer_id"
	           " WHERE rc.round_id = ?1 ORDER BY rc.status DESC, rc.sample_key");
	db_bind_int(&q, 1, r.id);
	static const char *const cols[] = {"case_no", "advisor", "reviewer", "status", "key"};
	json_t *all = fmt == 'j' ? json_array() : NULL;
	Buf row;
	buf_init(&row, 0);
	if (!all) {
		for (size_t i = 0; i < COUNT(cols); i++)
			csv_text(&row, cols[i], i + 1 == COUNT(cols));
		cli_row_flush(&row);
	}
	long n = 0;
	while (db_step(&q)) {
		n++;
		if (all) {
			json_t *o = json_object();
			for (size_t i = 0; i < COUNT(cols); i++)
				json_object_set_new(o, cols[i], json_string(db_col_text(&q, (int)i)));
			json_array_append_new(all, o);
		} else {
			for (size_t i = 0; i < COUNT(cols); i++)
				csv_text(&row, db_col_text(&q, (int)i), i + 1 == COUNT(cols));
			cli_row_flush(&row);
		}
	}
	db_finalize(&q);
	buf_free(&row);
	if (all) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(all);
	}
	char object[64], detail[64];
	snprintf(object, sizeof object, "round:%lld", (long long)r.id);
	snprintf(detail, sizeof detail, "%ld udtrukne sager udskrevet", n);
	cli_audit(db, "round_cases", r.department_id, object, detail);
	return 0;
}

int cmd_round(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("%s: angiv en underkommando (se tilsyn %s --help)", argv[0], argv[0]);
	if (str_eq(argv[1], "create"))
		return round_create_cmd(db, argc, argv);
	if (str_eq(argv[1], "sample"))
		return round_sample_cmd(db, argc, argv);
	if (str_eq(argv[1], "replace"))
		return round_replace_cmd(db, argc, argv);
	if (str_eq(argv[1], "cases"))
		return round_cases_cmd(db, argc, argv);
	if (str_eq(argv[1], "results")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_results(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "assign")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_assign(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "sheet")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_sheet(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "plan") || str_eq(argv[1], "phase")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : str_eq(argv[1], "plan") ? cmd_round_plan(db, &r, argc, argv) : cmd_round_phase(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "calibrate")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_calibrate(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "list")) /* cmd_round.c: list, edit, delete */
		return cmd_round_list(db, argc, argv);
	if (str_eq(argv[1], "edit") || str_eq(argv[1], "delete")) {
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : str_eq(argv[1], "edit") ? cmd_round_edit(db, &r, argc, argv) : cmd_round_delete(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "invite") || str_eq(argv[1], "uninvite")) { /* cmd_round_invite.c */
		Round r;
		int rc = cli_round(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_invite(db, &r, argc, argv);
	}
	return cli_fail("ukendt underkommando 'round %s' (se tilsyn round --help)", argv[1]);
}
