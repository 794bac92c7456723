/*
** tilsyn user: add, list, passwd, role, deactivate (alias: cmd_user_alias.c).
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads a password: one line from stdin when it is not a terminal, else asks twice. */
static int read_password(char *out, size_t n)
{
	if (!isatty(STDIN_FILENO)) {
		if (!fgets(out, (int)n, stdin))
			return 0;
		out[strcspn(out, "\r\n")] = 0;
		return 1;
	}
	char again[PASSWORD_MAX + 2];
	struct termios old, quiet;
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	fputs("Adgangskode: ", stderr);
	int ok = fgets(out, (int)n, stdin) != NULL;
	fputs("\nGentag adgangskode: ", stderr);
	ok = ok && fgets(again, sizeof again, stdin) != NULL;
	fputc('\n', stderr);
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	if (!ok)
		return 0;
	out[strcspn(out, "\r\n")] = 0;
	again[strcspn(again, "\r\n")] = 0;
	if (strcmp(out, again) != 0) {
		fputs("tilsyn: de to adgangskoder er ikke ens\n", stderr);
		return 0;
	}
	return 1;
}

const char cmd_user_help[] =
	"Brug:\n"
	"  tilsyn user add LOGIN --name NAVN --role admin|leder|koordinator|raadgiver|ekstern [--department KODE]\n"
	"  tilsyn user list\n"
	"  tilsyn user passwd LOGIN\n"
	"  tilsyn user role LOGIN --department KODE --role leder|koordinator|raadgiver|ekstern|ingen\n"
	"  tilsyn user deactivate LOGIN\n"
	"  tilsyn user alias add|remove LOGIN NAVN [--department KODE] | user alias list [LOGIN]\n"
	"                                 navnet i sagssystemet, der er denne rådgiver\n"
	"\n"
	"Adgangskoden læses som én linje fra standard input, når det ikke er en terminal; ellers spørges\n"
	"der to gange. Den skal være mindst 10 tegn. Andre roller end admin kræver --department.\n";

int cmd_user(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(cmd_user_help, stderr), EXIT_BAD_INPUT;
	const char *sub = argv[1];
	if (!strcmp(sub, "alias"))
		return cmd_user_alias(db, argc - 1, argv + 1);
	if (!strcmp(sub, "list")) {
		/* One row per user and role; the roles are joined here, as SQL has no portable way. */
		Stmt q;
		db_prepare(&q, db,
		           "SELECT u.id, u.login, u.name, u.is_admin, u.active, d.code || '=' || m.role"
		           " FROM users u LEFT JOIN membership m ON m.user_id = u.id"
		           " LEFT JOIN department d ON d.id = m.department_id ORDER BY u.login, m.department_id");
		int more = db_step(&q);
		while (more) {
			int64_t id = db_col_int(&q, 0), active = db_col_int(&q, 4);
			int is_admin = db_col_int(&q, 3) != 0;
			printf("%s\t%s\t%s", db_col_text(&q, 1), db_col_text(&q, 2), is_admin ? "admin" : "");
			const char *sep = is_admin ? "," : "";
			do {
				if (!db_col_is_null(&q, 5)) {
					printf("%s%s", sep, db_col_text(&q, 5));
					sep = ",";
				}
			} while ((more = db_step(&q)) && db_col_int(&q, 0) == id);
			printf("\t%s\n", active ? "aktiv" : "deaktiveret");
		}
		db_finalize(&q);
		return 0;
	}
	if (argc < 3)
		return cli_fail("user %s mangler LOGIN (se tilsyn user --help)", sub);
	char *login = argv[2];
	user_login_canonical(login, login, strlen(login) + 1); /* logins are kept in lower case */
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"role", required_argument, NULL, 'r'},
		{"department", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	const char *name = NULL, *role_text = NULL, *code = NULL;
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'r': role_text = optarg; break;
		case 'd': code = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	Department d = {0};
	if (code && !department_by_code(db, code, &d))
		return cli_fail("--department: afdelingen '%s' findes ikke", code);
	Role role = ROLE_NONE;
	if (role_text && !str_eq(role_text, "ingen") && (role = role_parse(role_text)) == ROLE_NONE)
		return cli_fail("--role: ukendt rolle '%s' (brug admin, leder, koordinator, raadgiver eller ekstern)",
		                 role_text);
	char msg[300];
	char password[PASSWORD_MAX + 2];

	if (!strcmp(sub, "add")) {
		if (!name)
			return cli_fail("user add: --name mangler");
		if (!role_text || role == ROLE_NONE)
			return cli_fail("user add: --role mangler");
		if (role != ROLE_ADMIN && !code)
			return cli_fail("user add: rollen %s kræver --department", role_code(role));
		if (!read_password(password, sizeof password))
			return cli_fail("user add: ingen adgangskode på standard input");
		int64_t id;
		if (db_begin(db) != DB_OK)
			return cli_fail("databasen er optaget af et andet program; prøv igen");
		if (user_add(db, login, name, role == ROLE_ADMIN, password, 0, &id, msg, sizeof msg) != 0 ||
		    (role != ROLE_ADMIN && user_set_role(db, id, d.id, role, msg, sizeof msg) != 0) ||
		    (role == ROLE_ADMIN && code && msg_fail(msg, sizeof msg, "admin er ikke en rolle i en afdeling; udelad --department") < 0)) {
			db_rollback(db);
			return cli_fail("user add %s: %s", login, msg);
		}
		cli_audit(db, "user_add", d.id, login, role_code(role));
		if (db_commit(db) != DB_OK)
			return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
		printf("Brugeren %s er oprettet.\n", login);
		return 0;
	}
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("user %s: brugeren '%s' findes ikke", sub, login);
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc;
	if (!strcmp(sub, "passwd")) {
		if (!read_password(password, sizeof password)) {
			db_rollback(db);
			return cli_fail("user passwd: ingen adgangskode på standard input");
		}
		rc = user_set_password(db, u.id, password, 0, msg, sizeof msg);
	} else if (!strcmp(sub, "role")) {
		if (!code || !role_text) {
			db_rollback(db);
			return cli_fail("user role: både --department og --role skal angives");
		}
		rc = user_set_role(db, u.id, d.id, role, msg, sizeof msg);
	} else if (!strcmp(sub, "deactivate")) {
		rc = user_update(db, u.id, u.name, u.is_admin, 0, msg, sizeof msg);
	} else {
		db_rollback(db);
		return cli_fail("ukendt underkommando 'user %s' (se tilsyn user --help)", sub);
	}
	if (rc != 0) {
		db_rollback(db);
		return cli_fail("user %s %s: %s", sub, login, msg);
	}
	char action[32];
	snprintf(action, sizeof action, "user_%s", sub);
	cli_audit(db, action, d.id, login, role_text);
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Brugeren %s er opdateret.\n", login);
	return 0;
}
