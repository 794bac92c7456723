/*
** tilsyn round results ROUND [--format json|csv|text] [--advisor NAME] (results.c).
*/
#include "cli.h"
#include "report.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The CSV of `round results` (csv_write.c): question code and text are catalogue text and
** defused like any text; the figures are numbers tilsyn formats itself (a change may be
** negative) and stay numbers. */
static void print_results_csv(const QuestionResult *x, int n)
{
	static const char *const cols[] = {"code", "text", "yes", "partly", "no", "not_relevant", "unanswered", "material",
	                                   "fulfilled", "ci_low", "ci_high", "previous_round", "previous_fulfilled", "diff",
	                                   "diff_low", "diff_high", "verdict"};
	Buf row;
	buf_init(&row, 0);
	for (size_t i = 0; i < COUNT(cols); i++)
		csv_text(&row, cols[i], i + 1 == COUNT(cols));
	for (int i = 0; i < n; i++) {
		char num[64];
		csv_text(&row, x[i].code, 0);
		csv_text(&row, x[i].text, 0);
		const int64_t counts[6] = {x[i].yes, x[i].partly, x[i].no, x[i].not_relevant, x[i].unanswered, x[i].material};
		for (int k = 0; k < 6; k++) {
			snprintf(num, sizeof num, "%lld", (long long)counts[k]);
			csv_number(&row, num, 0);
		}
		const double props[3] = {x[i].fulfilled, x[i].ci_low, x[i].ci_high};
		for (int k = 0; k < 3; k++) {
			snprintf(num, sizeof num, "%.4f", props[k]);
			csv_number(&row, x[i].has_fulfilled ? num : "", 0);
		}
		if (x[i].prev_round) {
			snprintf(num, sizeof num, "%lld", (long long)x[i].prev_round);
			csv_number(&row, num, 0);
			const double change[4] = {x[i].prev_fulfilled, x[i].diff, x[i].diff_low, x[i].diff_high};
			for (int k = 0; k < 4; k++) {
				snprintf(num, sizeof num, "%.4f", change[k]);
				csv_number(&row, num, 0);
			}
			csv_text(&row, stats_verdict(x[i].diff_low, x[i].diff_high), 1);
		} else {
			for (int k = 0; k < 5; k++)
				csv_number(&row, "", 0);
			csv_number(&row, "", 1);
		}
	}
	fwrite(row.data, 1, row.len, stdout);
	buf_free(&row);
}

static void print_results_text(const Round *r, const QuestionResult *x, int n)
{
	printf("%s (tilsyn %lld)\n\n", r->title, (long long)r->id);
	printf("%-16s %4s %4s %4s %4s %4s  %-20s %s\n", "Spørgsmål", "ja", "delv", "nej", "ir", "ubes", "opfyldt (95 %-int.)",
	       "ændring siden sidst");
	for (int i = 0; i < n; i++) {
		char ful[40] = "-", change[80] = "";
		if (x[i].has_fulfilled)
			snprintf(ful, sizeof ful, "%3.0f %% (%2.0f-%3.0f %%)", 100 * x[i].fulfilled, 100 * x[i].ci_low,
			         100 * x[i].ci_high);
		if (x[i].prev_round) {
			snprintf(change, sizeof change, "%+.0f point (%+.0f til %+.0f): %s", 100 * x[i].diff, 100 * x[i].diff_low,
			         100 * x[i].diff_high, stats_verdict_title(x[i].diff_low, x[i].diff_high));
		}
		printf("%-16s %4lld %4lld %4lld %4lld %4lld  %-20s %s\n", x[i].code, (long long)x[i].yes, (long long)x[i].partly,
		       (long long)x[i].no, (long long)x[i].not_relevant, (long long)x[i].unanswered, ful, change);
	}
	puts("\nOpfyldt = ja / (ja + delvist + nej). Med få sager er usikkerheden stor: se intervallet, ikke kun tallet.");
}

/* `round results ROUND [--format json|csv|text] [--advisor NAME]`: the whole round, or only
** the sampled cases of one caseworker (compared with that caseworker's cases last time). */
int cmd_round_results(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"advisor", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	const char *format = "text", *advisor = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'a')
			advisor = optarg;
		else
			return cli_fail("round results: ukendt tilvalg (brug --format og --advisor)");
	}
	if (optind < argc)
		return cli_fail("round results: uventet argument '%s'", argv[optind]);
	if (!str_eq(format, "json") && !str_eq(format, "csv") && !str_eq(format, "text"))
		return cli_fail("round results: --format skal være json, csv eller text");
	/* One caseworker's cases by the stable key (ident.c): a login or a name linked to them. */
	int64_t uid = 0;
	if (advisor) {
		char msg[512];
		User who;
		if (!ident_lookup(db, r->department_id, advisor, &uid, msg, sizeof msg) || !user_by_id(db, uid, &who))
			return cli_fail("round results: %s", msg);
		if (report_own_cases(db, r, uid) == 0)
			return cli_fail("round results: %s (%s) har ingen sager i tilsynets stikprøve", who.name, who.login);
		char object[40], detail[400];
		snprintf(object, sizeof object, "round:%lld", (long long)r->id);
		snprintf(detail, sizeof detail, "resultater for rådgiveren %s (%s) vist", who.name, who.login);
		cli_audit(db, "results_advisor_view", r->department_id, object, detail);
	}
	QuestionResult *x;
	int n = advisor ? results_round_own(db, r, uid, &x) : results_round(db, r, &x);
	if (str_eq(format, "json")) {
		char *text = results_json(r, x, n);
		puts(text);
		free(text);
	} else if (str_eq(format, "csv")) {
		print_results_csv(x, n);
	} else {
		print_results_text(r, x, n);
		char note[700];
		if (retention_round_text(db, r->id, note, sizeof note))
			printf("%s\n", note);
	}
	results_free(x, n);
	return 0;
}
