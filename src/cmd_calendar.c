/*
** tilsyn calendar: writes the department's calendar as an .ics file (ical.c).
*/
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes the whole file or nothing: first FILE.tmp, then renamed. "-" is standard output. */
static int write_file(const char *path, const Buf *b)
{
	if (str_eq(path, "-"))
		return fwrite(b->data, 1, b->len, stdout) == b->len ? 0 : -1;
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return errno = ENAMETOOLONG, -1;
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return -1;
	int ok = fwrite(b->data, 1, b->len, f) == b->len;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int saved = errno;
		remove(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int cmd_calendar(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'o': path = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument til calendar: %s", argv[optind]);
	if (!path || !*path)
		return cli_fail("calendar: -o FIL.ics mangler (eller -o - for standard output)");
	Department d;
	int rc = cli_department(db, code, &d);
	if (rc)
		return rc;
	Buf b;
	buf_init(&b, 0);
	ical_department(db, &d, time(NULL), &b);
	if (write_file(path, &b) != 0) {
		int saved = errno;
		buf_free(&b);
		return cli_fail("-o %s: filen kunne ikke skrives: %s", path, strerror(saved));
	}
	buf_free(&b);
	char object[64];
	snprintf(object, sizeof object, "calendar:%s", d.code);
	cli_audit(db, "calendar_export", d.id, object, str_eq(path, "-") ? "standard output" : path);
	if (!str_eq(path, "-"))
		printf(_("Kalenderen for %s er skrevet til %s.\n"), d.name, path);
	return 0;
}
