/*
** tilsyn cases import|list: the department's case list. Each prints what a person needs to
** act on and exits 0, 2 (bad input, with the line, field and reason) or 1 (internal failure).
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	int rc = cli_department(db, code, &d);
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
	int fmt = cli_format(format);
	if (fmt != 'c' && fmt != 'j')
		return cli_fail("--format skal være csv eller json");
	Department d;
	int rc = cli_department(db, code, &d);
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
		cli_row_flush(&row);
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
			csv_text(&row, current ? "true" : "false", 1), cli_row_flush(&row);
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
