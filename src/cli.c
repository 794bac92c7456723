/*
** What the command-line commands share (main.c, cmd_*.c): reporting bad input on stderr
** with the exit status for it, and auditing who ran a command. Kept out of main.c so that
** the unit tests, which link every object but main.o, can link the cmd_*.c files too.
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints "tilsyn: MESSAGE" on stderr and returns the exit status for bad input. */
int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("tilsyn: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_BAD_INPUT;
}

/* Who runs a command, for the audit log: the operating-system user. */
const char *cli_login(void)
{
	static char *masked; /* $USER is not ours: a CPR number in it is masked before it is stored */
	if (!masked) {
		const char *who = getenv("USER");
		masked = cpr_mask(who && *who ? who : "kommandolinje");
	}
	return masked;
}

void cli_audit(Db *db, const char *action, int64_t department_id, const char *object, const char *detail)
{
	audit_log(db, &(AuditEntry){.login = cli_login(), .action = action, .department_id = department_id,
	                            .object = object, .detail = detail, .ip = "kommandolinje"});
}

/* Who runs a command, for the model functions that audit a ReviewBy. */
ReviewBy cli_review_by(void)
{
	return (ReviewBy){.user_id = 0, .login = cli_login(), .ip = "kommandolinje"};
}

/* Commits the command's transaction: 0, or 1 (internal failure) with the reason on stderr. */
int cli_commit(Db *db)
{
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	return 0;
}

/* At start (init, serve): the audit log's protective triggers are there and unchanged, else
** they are created again, with an audit entry and a warning here (README, for IT staff). */
int cli_audit_triggers_check(Db *db)
{
	char names[512], err[512];
	int n = audit_triggers_restore(db, names, sizeof names, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "tilsyn: %s\n", err);
		return -1;
	}
	if (n > 0)
		fprintf(stderr,
		        "tilsyn: ADVARSEL: logbogens beskyttende triggere var fjernet eller ændret uden om tilsyn: %s.\n"
		        "tilsyn: De er genskabt, og det er skrevet i logbogen. Undersøg, hvem der har haft adgang til "
		        "databasefilen, og kør tilsyn audit verify.\n",
		        names);
	return 0;
}

int cli_department(Db *db, const char *code, Department *d)
{
	if (!code)
		return cli_fail("--department KODE mangler");
	if (!department_by_code(db, code, d))
		return cli_fail("--department: afdelingen '%s' findes ikke (se tilsyn department list)", code);
	return 0;
}

/* Writes the CSV row built in row (csv_write.c) to standard output and empties it. */
void cli_row_flush(Buf *row)
{
	fwrite(row->data, 1, row->len, stdout);
	buf_reset(row);
}

int cli_format(const char *format)
{
	if (!format || str_eq(format, "csv"))
		return 'c';
	if (str_eq(format, "json"))
		return 'j';
	if (str_eq(format, "text"))
		return 't';
	return 0;
}

int cli_round(Db *db, const char *arg, Round *r)
{
	int64_t id;
	if (!arg || !parse_int64(arg, &id) || id <= 0)
		return cli_fail("TILSYN skal være tilsynets nummer (et tal), ikke '%s'", arg ? arg : "");
	if (!round_by_id(db, id, r))
		return cli_fail("tilsyn nummer %lld findes ikke", (long long)id);
	return 0;
}

int cli_department_of(Db *db, const char *cmd, const char *code, Department *d)
{
	if (!code)
		return cli_fail("%s: --department mangler", cmd), 0;
	if (!department_by_code(db, code, d))
		return cli_fail("%s: --department: afdelingen '%s' findes ikke", cmd, code), 0;
	return 1;
}

int cli_round_option(const char *cmd, const char *text, int64_t *id)
{
	if (!text) {
		*id = 0;
		return 1;
	}
	if (!parse_int64(text, id) || *id < 1)
		return cli_fail("%s: --round skal være et tilsyns nummer, ikke '%s'", cmd, text), 0;
	return 1;
}

int cli_json_or_text(const char *cmd, const char *format, int *json)
{
	if (!format || str_eq(format, "text"))
		*json = 0;
	else if (str_eq(format, "json"))
		*json = 1;
	else
		return cli_fail("%s: --format skal være json eller text, ikke '%s'", cmd, format), 0;
	return 1;
}

/* The end of an add inside its transaction: audit the new object ("KIND:ID"), commit, and
** print its number, which is what scripts read. */
int cli_added(Db *db, const char *kind, int64_t dept_id, int64_t id, const char *detail)
{
	char object[32], action[32];
	snprintf(object, sizeof object, "%s:%lld", kind, (long long)id);
	snprintf(action, sizeof action, "%s_add", kind);
	cli_audit(db, action, dept_id, object, detail);
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("%lld\n", (long long)id);
	return 0;
}

int cli_options(int argc, char **argv, int first, const CliOption *opts, int *given)
{
	struct option o[16];
	int n = 0;
	for (; opts[n].name; n++) {
		if (n == (int)COUNT(o) - 1)
			fatal("cli_options: more than %d options", n);
		o[n] = (struct option){opts[n].name, required_argument, NULL, n + 1};
	}
	o[n] = (struct option){NULL, 0, NULL, 0};
	*given = 0;
	int c;
	optind = first;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (c < 1 || c > n)
			return EXIT_BAD_INPUT; /* getopt has said what was wrong */
		const CliOption *x = &opts[c - 1];
		(*given)++;
		if (!x->list)
			*x->value = optarg;
		else if (*x->count == x->max)
			return cli_fail("--%s: %s", x->name, x->too_many);
		else
			x->list[(*x->count)++] = optarg;
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	return 0;
}
