/*
** The command-line side of case lists and rounds: `tilsyn cases import|list` and
** `tilsyn round create|sample|replace|cases`. Each prints what a person needs to act on
** and exits 0, 2 (bad input, with the line, field and reason) or 1 (internal failure).
*/
#include "tilsyn.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int need_department(Db *db, const char *code, Department *d)
{
	if (!code)
		return cli_fail("--department KODE mangler");
	if (!department_by_code(db, code, d))
		return cli_fail("--department: afdelingen '%s' findes ikke (se tilsyn department list)", code);
	return 0;
}

/* Writes the CSV row built in row (csv_write.c) to standard output and empties it. */
static void row_flush(Buf *row)
{
	fwrite(row->data, 1, row->len, stdout);
	buf_reset(row);
}

static int format_option(const char *format)
{
	if (!format || str_eq(format, "csv"))
		return 'c';
	if (str_eq(format, "json"))
		return 'j';
	if (str_eq(format, "text"))
		return 't';
	return 0;
}

/* What the import does to the current list: cases without a target group, cases that drop
** off (listed), and the list's size. A dry run says what would happen. */
static void print_list_change(const Department *d, const ImportOptions *o, const ImportResult *r)
{
	if (r->target_defaulted)
		printf(_("%ld %s uden målgruppe får afdelingens område: %s.\n"), r->target_defaulted,
		       r->target_defaulted == 1 ? "sag" : "sager", d->area);
	if (o->add)
		printf(o->dry_run ? _("Filen ville blive tilføjet til den nuværende sagsliste, som så ville have %ld sager.\n")
		                  : _("Filen er tilføjet til den nuværende sagsliste, som nu har %ld sager.\n"),
		       r->list_size);
	else
		printf(o->dry_run ? _("Filen ville erstatte den nuværende sagsliste, som så ville have %ld sager.\n")
		                  : _("Filen erstatter den nuværende sagsliste, som nu har %ld sager.\n"),
		       r->list_size);
	if (!r->dropped)
		return;
	printf(o->dry_run ? _("%ld %s ville falde ud af den nuværende liste (de bliver i databasen, men trækkes ikke):")
	                  : _("%ld %s faldet ud af den nuværende liste (de bliver i databasen, men trækkes ikke):"),
	       r->dropped, o->dry_run ? (r->dropped == 1 ? "sag" : "sager") : (r->dropped == 1 ? "sag er" : "sager er"));
	for (int i = 0; i < r->ndropped_listed; i++)
		printf(" %s", r->dropped_nos[i]);
	if (r->dropped > r->ndropped_listed)
		printf(_(" ... og %ld flere"), r->dropped - r->ndropped_listed);
	printf("\n");
}

/* For the working group (ident.c): assignments the new list made into own cases, and the
** caseworkers nobody is linked to yet. */
static void print_identity(const ImportOptions *o, const ImportResult *r)
{
	for (long i = 0; i < r->ident_cleared && i < IDENT_MAX_LISTED; i++)
		printf("%s%s\n", o->dry_run ? _("Prøvekørsel, intet er ændret: ") : "", r->ident_cleared_notes[i]);
	if (r->ident_cleared > IDENT_MAX_LISTED)
		printf(_("... og %ld sager mere har mistet deres gennemgående af samme grund.\n"),
		       r->ident_cleared - IDENT_MAX_LISTED);
	if (!r->ident_unknown)
		return;
	printf(_("%ld %s i filen er ikke knyttet til en bruger (knyt dem med tilsyn user alias add LOGIN NAVN):\n"),
	       r->ident_unknown, r->ident_unknown == 1 ? _("rådgivernavn") : _("rådgivernavne"));
	for (long i = 0; i < r->ident_unknown && i < IDENT_MAX_LISTED; i++)
		printf("  %s\n", r->ident_unknown_names[i]);
	if (r->ident_unknown > IDENT_MAX_LISTED)
		printf(_("  ... og %ld flere\n"), r->ident_unknown - IDENT_MAX_LISTED);
}

static int cases_import(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"map", required_argument, NULL, 'm'},
		{"skip-invalid", no_argument, NULL, 's'},
		{"dry-run", no_argument, NULL, 'n'},
		{"add", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *file = NULL;
	ImportOptions o = {.login = cli_login()};
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'm': o.map = optarg; break;
		case 's': o.skip_invalid = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'a': o.add = 1; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (!file)
		return cli_fail("cases import: FIL mangler");
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	Department d;
	int rc = need_department(db, code, &d);
	if (rc)
		return rc;
	/* The list version names the file, not where it lay on the machine that imported it. */
	const char *slash = strrchr(file, '/');
	o.file_name = slash && slash[1] ? slash + 1 : file;
	ImportResult *r = xcalloc(1, sizeof *r);
	rc = cases_import_file(db, &d, file, &o, r);
	if (rc == IMPORT_FAILED) {
		fprintf(stderr, "tilsyn: %s: %s\n", file, r->error);
		if (r->missing_column)
			fprintf(stderr, "tilsyn: hedder kolonnen noget andet, så angiv den med --map, fx --map advisor=Sagsansvarlig\n");
		free(r);
		return EXIT_BAD_INPUT;
	}
	for (int i = 0; i < r->nproblems; i++)
		fprintf(stderr, "%s: linje %ld%s%s%s: %s\n", file, r->problems[i].line, *r->problems[i].column ? ", kolonne '" : "",
		        r->problems[i].column, *r->problems[i].column ? "'" : "", r->problems[i].reason);
	if (r->rejected > r->nproblems)
		fprintf(stderr, "%s: ... og flere fejl; kun de første %d er vist\n", file, IMPORT_MAX_PROBLEMS);
	printf("%s: %s", file, r->info.format);
	if (str_eq(r->info.format, "csv"))
		printf(", %s, skilletegn '%s'", r->info.encoding, r->info.separator == '\t' ? "tab" : (char[]){r->info.separator, 0});
	printf(". Kolonner:");
	for (int f = 0; f < F_COUNT; f++)
		if (r->column_of[f] >= 0)
			printf(" %s='%s'", case_field_names[f], r->header_of[f]);
	printf("\n");
	if (rc == IMPORT_REFUSED) {
		fprintf(stderr,
		        "tilsyn: ingen sager er gemt: %ld af %ld rækker har fejl. Ret filen, eller brug --skip-invalid for at "
		        "gemme de gyldige rækker.\n",
		        r->rejected, r->rows_read);
		free(r);
		return EXIT_BAD_INPUT;
	}
	printf("%s%ld rækker: %ld nye og %ld opdaterede sager%s", o.dry_run ? "Prøvekørsel, intet er gemt: " : "",
	       r->rows_read, r->inserted, r->updated, r->rejected ? "" : ".\n");
	if (r->rejected)
		printf("; %ld rækker afvist (se ovenfor).\n", r->rejected);
	print_list_change(&d, &o, r);
	print_identity(&o, r);
	free(r);
	return 0;
}

static int cases_list(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *format = NULL;
	int c, all_cases = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': format = optarg; break;
		case 'a': all_cases = 1; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	int fmt = format_option(format);
	if (fmt != 'c' && fmt != 'j')
		return cli_fail("--format skal være csv eller json");
	Department d;
	int rc = need_department(db, code, &d);
	if (rc)
		return rc;
	/* "current": whether the case is on the current list; only --all shows the others. */
	static const char *const cols[] = {"case_no", "advisor", "target", "provision", "benefit", "opened", "decided",
	                                   "team", "first_seen", "last_seen", "current"};
	const size_t ntext = COUNT(cols) - 1;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT case_no, advisor, target, provision, benefit, opened, decided, team, first_seen, last_seen, on_list"
	           " FROM cases WHERE department_id = ?1 AND (?2 OR on_list = 1) ORDER BY case_no");
	db_bind_int(&q, 1, d.id);
	db_bind_int(&q, 2, all_cases);
	json_t *all = fmt == 'j' ? json_array() : NULL;
	Buf row;
	buf_init(&row, 0);
	if (fmt == 'c') {
		for (size_t i = 0; i < COUNT(cols); i++)
			csv_text(&row, cols[i], i + 1 == COUNT(cols));
		row_flush(&row);
	}
	long n = 0;
	while (db_step(&q)) {
		n++;
		int current = db_col_int(&q, (int)ntext) != 0;
		json_t *o = all ? json_object() : NULL;
		for (size_t i = 0; i < ntext; i++) {
			if (o)
				json_object_set_new(o, cols[i], db_col_is_null(&q, (int)i) ? json_null() : json_string(db_col_text(&q, (int)i)));
			else
				csv_text(&row, db_col_text(&q, (int)i), 0);
		}
		if (o)
			json_object_set_new(o, "current", json_boolean(current));
		else
			csv_text(&row, current ? "true" : "false", 1), row_flush(&row);
		if (o)
			json_array_append_new(all, o);
	}
	db_finalize(&q);
	buf_free(&row);
	if (all) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(all);
	}
	char detail[128];
	snprintf(detail, sizeof detail, "%ld sager udskrevet (%s%s)", n, fmt == 'j' ? "json" : "csv",
	         all_cases ? ", også dem uden for listen" : "");
	cli_audit(db, "cases_list", d.id, "cases", detail);
	return 0;
}

int cmd_cases(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("%s: angiv en underkommando (se tilsyn %s --help)", argv[0], argv[0]);
	if (str_eq(argv[1], "import"))
		return cases_import(db, argc, argv);
	if (str_eq(argv[1], "list"))
		return cases_list(db, argc, argv);
	return cli_fail("ukendt underkommando 'cases %s' (se tilsyn cases --help)", argv[1]);
}

/* ---- rounds ---- */

static int round_arg(Db *db, const char *arg, Round *r)
{
	int64_t id;
	if (!arg || !parse_int64(arg, &id) || id <= 0)
		return cli_fail("TILSYN skal være tilsynets nummer (et tal), ikke '%s'", arg ? arg : "");
	if (!round_by_id(db, id, r))
		return cli_fail("tilsyn nummer %lld findes ikke", (long long)id);
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
	int rc = need_department(db, code, &d);
	if (rc)
		return rc;
	const char *msg;
	int64_t id;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (round_create(db, &d, kind, title, catalogue, themes, nthemes, start, end, cli_login(), &id, &msg) != 0) {
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
	int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
	if (rc)
		return rc;
	const char *msg;
	int64_t drawn;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	/* The breakdown from the same function the draw uses, inside the same transaction. */
	Population pop;
	population_compute(db, &r, &req.filters, req.exclude_months, 0, &pop);
	if (sample_draw(db, &r, &req, cli_login(), &drawn, &msg) != 0) {
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
	int rc = round_arg(db, argv[2], &r);
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
	const char *msg = NULL;
	int64_t replacement;
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (sample_replace(db, &r, case_id, reason, cli_login(), &replacement, &msg) != 0) {
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
	int fmt = format_option(format);
	if (fmt != 'c' && fmt != 'j')
		return cli_fail("--format skal være csv eller json");
	Round r;
	int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
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
		row_flush(&row);
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
			row_flush(&row);
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
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_results(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "assign")) {
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_assign(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "sheet")) {
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_sheet(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "plan") || str_eq(argv[1], "phase")) {
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : str_eq(argv[1], "plan") ? cmd_round_plan(db, &r, argc, argv) : cmd_round_phase(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "calibrate")) {
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_calibrate(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "list")) /* cmd_round.c: list, edit, delete */
		return cmd_round_list(db, argc, argv);
	if (str_eq(argv[1], "edit") || str_eq(argv[1], "delete")) {
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : str_eq(argv[1], "edit") ? cmd_round_edit(db, &r, argc, argv) : cmd_round_delete(db, &r, argc, argv);
	}
	if (str_eq(argv[1], "invite") || str_eq(argv[1], "uninvite")) { /* cmd_external.c */
		Round r;
		int rc = round_arg(db, argc > 2 ? argv[2] : NULL, &r);
		return rc ? rc : cmd_round_invite(db, &r, argc, argv);
	}
	return cli_fail("ukendt underkommando 'round %s' (se tilsyn round --help)", argv[1]);
}
