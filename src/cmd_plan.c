/*
** tilsyn plan: prints a department's tilsyn of one year with the warnings where the plan
** departs from the recommendations (plan.c).
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_text(const Department *d, const Plan *p)
{
	printf(_("Årshjul %d for %s (%s)\n\n"), p->year, d->name, d->code);
	if (p->nrounds == 0)
		printf("%s", _("Ingen tilsyn i året.\n"));
	else
		printf("%s", _("Tilsyn:\n"));
	for (int i = 0; i < p->nrounds; i++) {
		const PlanRound *r = &p->rounds[i];
		printf("  %-4lld %s – %s  %s\n", (long long)r->id, r->start, r->end, r->title);
		printf("       %s · %s", round_kind_title(r->kind), phase_title(r->phase));
		if (r->is_sampled)
			printf(_(" · %lld udtrukne sager"), (long long)r->sampled);
		else if (r->planned_cases >= 0)
			printf(_(" · %lld sager planlagt"), (long long)r->planned_cases);
		if (!str_eq(r->date_source, "planned"))
			printf("%s", str_eq(r->date_source, "sampled") ? _(" · ingen planlagt start; dato fra udtrækningen")
			                                                : _(" · ingen planlagt start; dato fra oprettelsen"));
		putchar('\n');
		if (r->nthemes) {
			printf("%s", _("       Temaer: "));
			for (int k = 0; k < r->nthemes; k++)
				printf("%s%s", k ? ", " : "", r->theme_titles[k]);
			putchar('\n');
		}
	}
	if (p->nwarnings == 0) {
		printf("%s", _("\nIngen advarsler: planen følger anbefalingerne.\n"));
		return;
	}
	printf("%s", _("\nAdvarsler:\n"));
	for (int i = 0; i < p->nwarnings; i++)
		printf("  %s: %s\n", p->warnings[i].code, p->warnings[i].message);
}

int cmd_plan(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"year", required_argument, NULL, 'y'},
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *year_text = NULL, *format = "text";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'y': year_text = optarg; break;
		case 'f': format = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument til plan: %s", argv[optind]);
	if (!str_eq(format, "json") && !str_eq(format, "text"))
		return cli_fail("--format skal være json eller text, ikke '%s'", format);
	char today[11];
	date_today(today);
	int year = atoi(today);
	if (year_text && !plan_year_parse(year_text, &year))
		return cli_fail("--year skal være et årstal fra %d til %d, fx 2026, ikke '%s'", PLAN_YEAR_MIN, PLAN_YEAR_MAX,
		                year_text);
	Department d;
	int rc = cli_department(db, code, &d);
	if (rc)
		return rc;
	Plan p;
	plan_build(db, &d, year, today, &p);
	if (str_eq(format, "json")) {
		char *text = plan_json(&p);
		puts(text);
		free(text);
	} else {
		print_text(&d, &p);
	}
	plan_free(&p);
	return 0;
}
