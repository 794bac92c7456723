/*
** tilsyn round sheet ROUND -o FILE.xlsx: the offline registration sheet (sheet.c); tilsyn
** answers import reads a filled one back (cmd_answers.c).
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `round sheet ROUND -o FILE.xlsx`; argv[2] is ROUND, already found as r. */
int cmd_round_sheet(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	const char *out = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c != 'o')
			return EXIT_BAD_INPUT;
		out = optarg;
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!out || !*out)
		return cli_fail("round sheet: angiv filen med -o FIL.xlsx");
	char err[512];
	long cases = 0;
	if (sheet_write_file(db, r, out, &cases, err, sizeof err) != 0)
		return cli_fail("round sheet: %s", err);
	char object[64], detail[96];
	snprintf(object, sizeof object, "round:%lld", (long long)r->id);
	snprintf(detail, sizeof detail, "registreringsark skrevet (%ld sager)", cases);
	cli_audit(db, "round_sheet", r->department_id, object, detail);
	printf("Registreringsark for tilsyn %lld skrevet til %s: %ld sager.\n", (long long)r->id, out, cases);
	return 0;
}
