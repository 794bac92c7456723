/*
** `tilsyn report ROUND --audience ledelse|medarbejdere|raadgiver:NAME --format html|pdf|xlsx
** -o FILE [--appendix]`: writes a round's report for one audience (--appendix: management's
** report with every single case in an appendix). The file is written beside FILE and
** renamed into place, so a failure never leaves half a report. Reports that name cases are
** audited (report_audit).
*/
#include "cli.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_atomically(const char *path, const Buf *b)
{
	char *tmp = xmalloc(strlen(path) + 16);
	sprintf(tmp, "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	free(tmp);
	return ok ? 0 : -1;
}

int cmd_report(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"audience", required_argument, NULL, 'a'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"appendix", no_argument, NULL, 'A'},
	                                     {NULL, 0, NULL, 0}};
	const char *audience = NULL, *format = NULL, *output = NULL;
	int c, appendix = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': audience = optarg; break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'A': appendix = 1; break;
		default: return cli_fail("report: ukendt eller ufuldstændigt tilvalg (se tilsyn report --help)");
		}
	}
	if (optind + 1 != argc)
		return cli_fail("report: angiv præcis ét tilsyn, fx tilsyn report 3 --audience ledelse --format pdf -o rapport.pdf");
	int64_t id;
	Round r;
	if (!parse_int64(argv[optind], &id) || !round_by_id(db, id, &r))
		return cli_fail("report: tilsyn '%s' findes ikke", argv[optind]);
	ReportAudience a;
	const char *name;
	if (!audience)
		return cli_fail("report: angiv --audience ledelse, medarbejdere eller raadgiver:NAVN");
	if (!report_audience_parse(audience, &a, &name))
		return cli_fail("report: ukendt målgruppe '%s'; brug ledelse, medarbejdere eller raadgiver:NAVN", audience);
	ReportFormat f;
	if (!format || !report_format_parse(format, &f))
		return cli_fail("report: --format skal være html, pdf eller xlsx");
	if (str_empty(output))
		return cli_fail("report: angiv filen med -o FIL");
	/* A caseworker's report goes by the stable key (ident.c): a login or a linked name. */
	Report rp;
	char err[512];
	User who;
	if (a == REPORT_RAADGIVER) {
		int64_t uid;
		if (!ident_lookup(db, r.department_id, name, &uid, err, sizeof err) || !user_by_id(db, uid, &who))
			return cli_fail("report: %s", err);
		if (report_own_cases(db, &r, uid) == 0)
			return cli_fail("report: %s (%s) har ingen sager i tilsyn %lld's stikprøve", who.name, who.login,
			                (long long)r.id);
	}
	if ((a == REPORT_RAADGIVER ? report_load_own(db, &r, &who, &rp, err, sizeof err)
	                           : report_load(db, &r, a, "", &rp, err, sizeof err)) != 0)
		return cli_fail("report: %s", err);
	rp.appendix = appendix;
	Buf out;
	buf_init(&out, (size_t)256 << 20);
	int rc = report_write(&rp, f, &out, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "tilsyn: report: %s\n", err);
		report_free(&rp);
		buf_free(&out);
		return 1;
	}
	if (write_atomically(output, &out) != 0) {
		rc = cli_fail("report: filen %s kan ikke skrives (%s)", output, strerror(errno));
	} else {
		report_audit(db, &rp, f, 0, cli_login(), "kommandolinje");
		rc = 0;
	}
	report_free(&rp);
	buf_free(&out);
	return rc;
}
