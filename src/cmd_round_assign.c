/*
** `tilsyn round assign`: who reviews which sampled case, from the command line.
**   tilsyn round assign ROUND --auto [--reviewers login,login]
**   tilsyn round assign ROUND --case CASE_NO --reviewer LOGIN|ingen
** The work is done by review.c; this file reads the arguments and reports.
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REVIEWERS 64

static int user_in_department(Db *db, const Round *r, const char *login, int64_t *id)
{
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("round assign: brugeren '%s' findes ikke", login);
	if (!review_reviewer_ok(db, r, u.id, NULL, 0))
		return cli_fail("round assign: '%s' er ikke aktiv medarbejder i tilsynets afdeling (eller ekstern konsulent "
		                "inviteret til tilsynet)", login);
	*id = u.id;
	return 0;
}

/* A reviewer and her cases in the round, as the summary after --auto lists them. */
typedef struct AssignedTo {
	char *login, *name;
	int64_t cases;
} AssignedTo;

/* By name, bytewise (as SQL's ORDER BY on text), then by login. */
static int assigned_by_name(const void *a, const void *b)
{
	const AssignedTo *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->login, y->login);
}

static int assign_auto(Db *db, const Round *r, const char *list)
{
	int64_t ids[MAX_REVIEWERS];
	int n = 0;
	if (list) {
		char *copy = xstrdup(list);
		int rc = 0;
		for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
			t = str_trim(t);
			if (!*t)
				continue;
			if (n == MAX_REVIEWERS)
				rc = cli_fail("--reviewers: højst %d personer", MAX_REVIEWERS);
			else
				rc = user_in_department(db, r, t, &ids[n++]);
		}
		free(copy);
		if (rc)
			return rc;
		if (n == 0)
			return cli_fail("--reviewers: angiv mindst ét login, adskilt med komma");
	} else {
		/* An ekstern round is reviewed by the outside reviewers invited to it. */
		n = str_eq(r->kind, "ekstern") ? external_reviewers(db, r, ids, MAX_REVIEWERS)
		                               : review_default_reviewers(db, r->department_id, ids, MAX_REVIEWERS);
		if (n == 0 && str_eq(r->kind, "ekstern"))
			return cli_fail("round assign: ingen ekstern konsulent er inviteret til tilsynet; brug tilsyn round invite "
			                "eller angiv --reviewers");
		if (n == 0)
			return cli_fail("round assign: afdelingen har ingen koordinator eller rådgiver; angiv --reviewers");
	}
	char msg[512];
	int64_t assigned, left;
	ReviewBy by = {.login = cli_login(), .ip = "kommandolinje"};
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (review_assign_auto(db, r, ids, n, &by, &assigned, &left, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round assign: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Fordelt: %lld sager.\n", (long long)assigned);
	/* Each reviewer chosen (once), with her cases in the round, by name. */
	AssignedTo who[MAX_REVIEWERS];
	int nwho = 0;
	Stmt q;
	db_prepare(&q, db,
	           "SELECT u.login, u.name, count(rc.case_id) FROM users u LEFT JOIN round_case rc ON rc.reviewer_id = u.id"
	           " AND rc.round_id = ?1 AND rc.status = 'udtrukket' WHERE u.id = ?2 GROUP BY u.id, u.login, u.name");
	for (int i = 0; i < n; i++) {
		int again = 0;
		for (int k = 0; k < i && !again; k++)
			again = ids[k] == ids[i];
		if (again)
			continue;
		db_reset(&q);
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, ids[i]);
		if (db_step(&q)) {
			who[nwho].login = xstrdup(db_col_text(&q, 0));
			who[nwho].name = xstrdup(db_col_text(&q, 1));
			who[nwho++].cases = db_col_int(&q, 2);
		}
	}
	db_finalize(&q);
	qsort(who, (size_t)nwho, sizeof *who, assigned_by_name);
	for (int i = 0; i < nwho; i++) {
		printf("  %s (%s): %lld sager\n", who[i].name, who[i].login, (long long)who[i].cases);
		free(who[i].login);
		free(who[i].name);
	}
	if (left)
		fprintf(stderr, "tilsyn: advarsel: %lld sager kunne ikke fordeles, fordi den eneste valgte er rådgiver på "
		                "dem selv; vælg flere med --reviewers\n", (long long)left);
	return 0;
}

static int assign_one(Db *db, const Round *r, const char *case_no, const char *login)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT rc.case_id FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND c.case_no = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, r->id);
	db_bind_text(&q, 2, case_no);
	int64_t case_id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (!case_id)
		return cli_fail("round assign: sag '%s' er ikke i tilsyn %lld's stikprøve", case_no, (long long)r->id);
	int64_t reviewer = 0;
	if (!str_eq(login, "ingen")) {
		int rc = user_in_department(db, r, login, &reviewer);
		if (rc)
			return rc;
	}
	char msg[512];
	ReviewBy by = {.login = cli_login(), .ip = "kommandolinje"};
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (review_assign(db, r, case_id, reviewer, &by, msg, sizeof msg) != 0) {
		db_rollback(db);
		return cli_fail("round assign: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	if (reviewer)
		printf("Sag %s gennemgås af %s.\n", case_no, login);
	else
		printf("Sag %s har ingen, der gennemgår den.\n", case_no);
	return 0;
}

int cmd_round_assign(Db *db, const Round *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{"auto", no_argument, NULL, 'a'},           {"reviewers", required_argument, NULL, 'R'},
		{"case", required_argument, NULL, 'c'},     {"reviewer", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *reviewers = NULL, *case_no = NULL, *reviewer = NULL;
	int automatic = 0, c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': automatic = 1; break;
		case 'R': reviewers = optarg; break;
		case 'c': case_no = optarg; break;
		case 'r': reviewer = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (automatic && (case_no || reviewer))
		return cli_fail("round assign: brug enten --auto eller --case og --reviewer, ikke begge");
	if (automatic)
		return assign_auto(db, r, reviewers);
	if (reviewers)
		return cli_fail("round assign: --reviewers hører sammen med --auto");
	if (!case_no || !reviewer)
		return cli_fail("brug: tilsyn round assign TILSYN --auto [--reviewers LOGIN,LOGIN] | "
		                "--case SAGSNUMMER --reviewer LOGIN|ingen");
	return assign_one(db, r, case_no, reviewer);
}
