/*
** The command line of the working group (workgroup.c):
**   tilsyn workgroup add LOGIN --department CODE --function leder|koordinator|raadgiver
**   tilsyn workgroup remove LOGIN --department CODE
**   tilsyn workgroup list --department CODE [--format json|text]
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int workgroup_list(Db *db, const Department *d, const char *format)
{
	int json = str_eq(format, "json");
	if (format && !json && !str_eq(format, "text"))
		return cli_fail("--format skal være json eller text, ikke '%s'", format);
	const char *warnings[8];
	int nwarnings = workgroup_warnings(db, d->id, warnings, (int)COUNT(warnings));
	if (nwarnings > (int)COUNT(warnings))
		nwarnings = (int)COUNT(warnings);
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.login, u.name, w.function, coalesce(m.role, ''), u.active FROM workgroup_member w"
	           " JOIN users u ON u.id = w.user_id"
	           " LEFT JOIN membership m ON m.user_id = w.user_id AND m.department_id = w.department_id"
	           " WHERE w.department_id = ?1"
	           " ORDER BY CASE w.function WHEN 'leder' THEN 1 WHEN 'koordinator' THEN 2 ELSE 3 END, u.name");
	db_bind_int(&q, 1, d->id);
	json_t *members = json ? json_array() : NULL;
	int n = 0;
	while (db_step(&q)) {
		n++;
		int counts = db_col_int(&q, 4) && *db_col_text(&q, 3) && !str_eq(db_col_text(&q, 3), "ekstern");
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "login", json_string(db_col_text(&q, 0)));
			json_object_set_new(o, "name", json_string(db_col_text(&q, 1)));
			json_object_set_new(o, "function", json_string(db_col_text(&q, 2)));
			json_object_set_new(o, "role", *db_col_text(&q, 3) ? json_string(db_col_text(&q, 3)) : json_null());
			json_object_set_new(o, "counts", json_boolean(counts));
			json_array_append_new(members, o);
		} else {
			printf("%s\t%s\t%s%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2),
			       counts ? "" : "\t(tæller ikke med: ingen rolle i afdelingen eller deaktiveret)");
		}
	}
	db_finalize(&q);
	if (json) {
		json_t *root = json_object(), *w = json_array();
		for (int i = 0; i < nwarnings; i++)
			json_array_append_new(w, json_string(warnings[i]));
		json_object_set_new(root, "department", json_string(d->code));
		json_object_set_new(root, "members", members);
		json_object_set_new(root, "warnings", w);
		json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
		return 0;
	}
	if (n == 0)
		printf("Afdelingen %s har ingen arbejdsgruppe.\n", d->code);
	for (int i = 0; i < nwarnings; i++)
		printf("advarsel: %s\n", warnings[i]);
	return 0;
}

int cmd_workgroup(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("workgroup: angiv add, remove eller list (se tilsyn workgroup --help)");
	const char *sub = argv[1];
	int list = str_eq(sub, "list");
	if (!list && !str_eq(sub, "add") && !str_eq(sub, "remove"))
		return cli_fail("ukendt underkommando 'workgroup %s' (se tilsyn workgroup --help)", sub);
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"function", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *function = NULL, *format = NULL, *login = NULL;
	optind = 2;
	if (!list) {
		if (argc < 3 || argv[2][0] == '-')
			return cli_fail("workgroup %s: LOGIN mangler", sub);
		login = argv[2];
		optind = 3;
	}
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': function = optarg; break;
		case 'o': format = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!code)
		return cli_fail("workgroup %s: --department mangler", sub);
	Department d;
	if (!department_by_code(db, code, &d))
		return cli_fail("--department: afdelingen '%s' findes ikke", code);
	if (list)
		return workgroup_list(db, &d, format);
	if (format)
		return cli_fail("--format hører kun til workgroup list");
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("workgroup %s: brugeren '%s' findes ikke", sub, login);
	int add = str_eq(sub, "add");
	if (add && !function)
		return cli_fail("workgroup add: --function mangler (leder, koordinator eller raadgiver)");
	if (!add && function)
		return cli_fail("--function hører kun til workgroup add");
	ReviewBy by = cli_review_by();
	char msg[400];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc = add ? workgroup_set(db, &d, u.id, function, &by, msg, sizeof msg)
	             : workgroup_remove(db, &d, u.id, &by, msg, sizeof msg);
	if (rc < 0) {
		db_rollback(db);
		return cli_fail("workgroup %s %s: %s", sub, login, msg);
	}
	if (cli_commit(db))
		return 1;
	if (!add)
		printf("%s er taget ud af arbejdsgruppen i %s.\n", login, d.code);
	else if (rc == WORKGROUP_UNCHANGED)
		printf("%s er allerede med i arbejdsgruppen i %s som %s.\n", login, d.code, function);
	else
		printf("%s er med i arbejdsgruppen i %s som %s.\n", login, d.code, function);
	const char *warnings[8];
	int nwarnings = workgroup_warnings(db, d.id, warnings, (int)COUNT(warnings));
	for (int i = 0; i < nwarnings && i < (int)COUNT(warnings); i++)
		fprintf(stderr, "tilsyn: advarsel: %s\n", warnings[i]);
	return 0;
}
