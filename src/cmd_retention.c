/*
** `tilsyn retention run [--dry-run] | show | set ...`: applies the retention rule
** (retention.c) and reports what it deleted, shows the settings and what is due when, and
** changes the settings. Text for people, --format json for scripts.
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char retention_help[] =
	"Brug:\n"
	"  tilsyn retention show [--format text|json]\n"
	"  tilsyn retention run [--dry-run] [--format text|json]\n"
	"  tilsyn retention set [--months N] [--audit-extra-months N] [--notice-days N]\n";

static int bad_format(const char *format)
{
	return !str_eq(format, "text") && !str_eq(format, "json");
}

static void print_json(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
	json_decref(root);
}

static json_t *settings_json(const RetentionSettings *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "retention_months", json_integer(s->months));
	json_object_set_new(o, "audit_extra_months", json_integer(s->audit_extra));
	json_object_set_new(o, "retention_notice_days", json_integer(s->notice_days));
	return o;
}

static void print_settings(const RetentionSettings *s)
{
	printf("Sagsdata i et afsluttet tilsyn slettes %lld måneder efter afslutningen (retention_months).\n"
	       "Logbogen gemmes %lld måneder længere end de data, den handler om (audit_extra_months).\n"
	       "Lederen får besked på forsiden %lld dage før (retention_notice_days).\n",
	       (long long)s->months, (long long)s->audit_extra, (long long)s->notice_days);
}

static const char *round_state(const RetentionRound *x, const char *today)
{
	return *x->purged_at ? "purged" : retention_is_due(x, today) ? "due" : "held";
}

static int show(Db *db, int json)
{
	RetentionSettings s;
	retention_settings(db, &s);
	time_t now = time(NULL);
	char today[11], cases_before[11], audit_before[32];
	retention_today(db, now, today);
	retention_cases_cutoff(db, &s, now, cases_before);
	retention_audit_cutoff(db, &s, now, audit_before);
	RetentionRound *v;
	int n = retention_rounds(db, &s, 0, 0, &v);
	int64_t cases_due = retention_cases_due(db, cases_before), audit_due = retention_audit_due(db, audit_before);
	int64_t deleted, anchor;
	retention_audit_deleted(db, &deleted, &anchor);
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM audit");
	int64_t entries = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);

	if (json) {
		json_t *root = json_object(), *rounds = json_array();
		json_object_set_new(root, "settings", settings_json(&s));
		json_object_set_new(root, "today", json_string(today));
		for (int i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "round", json_integer(v[i].round_id));
			json_object_set_new(o, "department", json_string(v[i].department));
			json_object_set_new(o, "title", json_string(v[i].title));
			json_object_set_new(o, "basis", json_string(v[i].basis));
			json_object_set_new(o, "basis_source", json_string(v[i].basis_source));
			json_object_set_new(o, "due", *v[i].due ? json_string(v[i].due) : json_null());
			json_object_set_new(o, "state", json_string(round_state(&v[i], today)));
			json_object_set_new(o, "purged_at", *v[i].purged_at ? json_string(v[i].purged_at) : json_null());
			json_array_append_new(rounds, o);
		}
		json_object_set_new(root, "rounds", rounds);
		json_t *c = json_object();
		json_object_set_new(c, "before", json_string(cases_before));
		json_object_set_new(c, "due", json_integer(cases_due));
		json_object_set_new(root, "case_lists", c);
		json_t *a = json_object();
		json_object_set_new(a, "entries", json_integer(entries));
		json_object_set_new(a, "before", json_string(audit_before));
		json_object_set_new(a, "due", json_integer(audit_due));
		json_object_set_new(a, "deleted", json_integer(deleted));
		json_object_set_new(a, "anchor", anchor ? json_integer(anchor) : json_null());
		json_object_set_new(root, "audit", a);
		print_json(root);
		free(v);
		return 0;
	}

	print_settings(&s);
	char day[40], basis[40], due[40], purged[40];
	date_text(today, day);
	printf("\nAfsluttede tilsyn (i dag er %s):\n", day);
	if (!n)
		puts("  ingen");
	for (int i = 0; i < n; i++) {
		const RetentionRound *x = &v[i];
		date_text(x->basis, basis);
		date_text(x->due, due);
		date_text(x->purged_at, purged);
		printf("  tilsyn %lld (%s) %s\n    %s %s; ", (long long)x->round_id, x->department, x->title,
		       retention_basis_title(x->basis_source), basis);
		if (*x->purged_at)
			printf("sagsdata slettet %s\n", purged);
		else if (!*x->due)
			puts("datoerne kan ikke læses, så sagsdata slettes ikke");
		else if (retention_is_due(x, today))
			printf("sagsdata skulle slettes %s og slettes ved næste kørsel\n", due);
		else
			printf("sagsdata slettes %s\n", due);
	}
	date_text(cases_before, basis);
	date_text(audit_before, due);
	printf("\nSagslister: %lld sager har ikke været med i en indlæsning siden %s og er ikke i et tilsyn med\n"
	       "sagsdata; de slettes ved næste kørsel.\n",
	       (long long)cases_due, basis);
	printf("\nLogbog: %lld poster. %lld poster fra før %s slettes ved næste kørsel.\n", (long long)entries,
	       (long long)audit_due, due);
	if (anchor)
		printf("Slettet efter opbevaringsreglen i alt: %lld poster; kæden kontrolleres fra post %lld.\n",
		       (long long)deleted, (long long)anchor);
	puts("\nTallene kan blive større, når forfaldne tilsyn slettes først: tilsyn retention run --dry-run viser det præcise.");
	free(v);
	return 0;
}

static void print_run_text(const RetentionResult *r)
{
	if (r->dry_run)
		puts("Prøvekørsel: intet er slettet. En kørsel nu ville slette:");
	for (int i = 0; i < r->nrounds; i++) {
		const RetentionPurged *p = &r->rounds[i];
		printf("Tilsyn %lld (%s) %s: %s %s, frist %s\n  slettet:", (long long)p->round.round_id, p->round.department,
		       p->round.title, retention_basis_title(p->round.basis_source), p->round.basis, p->round.due);
		for (int k = 0; k < RETENTION_KINDS; k++)
			printf("%s %lld %s", k ? "," : "", (long long)p->counts[k], retention_count_titles[k]);
		printf("\n  bevaret: optællinger for %lld spørgsmål\n", (long long)p->questions);
	}
	if (!r->nrounds)
		puts("Ingen tilsyn har sagsdata, der skal slettes nu.");
	int64_t cases = 0;
	for (int i = 0; i < r->ncase_lists; i++) {
		printf("Sagslisten i %s: %lld sager slettet (ikke i en indlæsning siden %s og ikke i et tilsyn med sagsdata)\n",
		       r->case_lists[i].department, (long long)r->case_lists[i].cases, r->cases_before);
		cases += r->case_lists[i].cases;
	}
	if (!cases)
		printf("Sagslisterne: ingen sager at slette (ingen uden for tilsyn, der ikke er indlæst siden %s).\n",
		       r->cases_before);
	if (r->uploads_deleted)
		printf("Uploadede sagslister, der aldrig blev bekræftet: %lld slettet.\n", (long long)r->uploads_deleted);
	if (r->audit_deleted)
		printf("Logbogen: %lld poster fra før %.10s slettet; kæden kontrolleres nu fra post %lld.\n",
		       (long long)r->audit_deleted, r->audit_before, (long long)r->audit_anchor);
	else
		printf("Logbogen: ingen poster fra før %.10s at slette.\n", r->audit_before);
}

static void print_run_json(const RetentionResult *r)
{
	json_t *root = json_object(), *rounds = json_array(), *lists = json_array();
	json_object_set_new(root, "dry_run", json_boolean(r->dry_run));
	json_object_set_new(root, "settings", settings_json(&r->settings));
	for (int i = 0; i < r->nrounds; i++) {
		const RetentionPurged *p = &r->rounds[i];
		json_t *o = json_object(), *deleted = json_object();
		json_object_set_new(o, "round", json_integer(p->round.round_id));
		json_object_set_new(o, "department", json_string(p->round.department));
		json_object_set_new(o, "title", json_string(p->round.title));
		json_object_set_new(o, "basis", json_string(p->round.basis));
		json_object_set_new(o, "basis_source", json_string(p->round.basis_source));
		json_object_set_new(o, "due", json_string(p->round.due));
		for (int k = 0; k < RETENTION_KINDS; k++)
			json_object_set_new(deleted, retention_count_keys[k], json_integer(p->counts[k]));
		json_object_set_new(o, "deleted", deleted);
		json_object_set_new(o, "questions_kept", json_integer(p->questions));
		json_array_append_new(rounds, o);
	}
	json_object_set_new(root, "rounds", rounds);
	for (int i = 0; i < r->ncase_lists; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "department", json_string(r->case_lists[i].department));
		json_object_set_new(o, "cases", json_integer(r->case_lists[i].cases));
		json_array_append_new(lists, o);
	}
	json_t *c = json_object();
	json_object_set_new(c, "before", json_string(r->cases_before));
	json_object_set_new(c, "deleted", lists);
	json_object_set_new(root, "case_lists", c);
	json_object_set_new(root, "uploads_deleted", json_integer(r->uploads_deleted));
	json_t *a = json_object();
	json_object_set_new(a, "before", json_string(r->audit_before));
	json_object_set_new(a, "deleted", json_integer(r->audit_deleted));
	json_object_set_new(a, "anchor", r->audit_anchor ? json_integer(r->audit_anchor) : json_null());
	json_object_set_new(root, "audit", a);
	print_json(root);
}

static int run(Db *db, int dry_run, int json)
{
	RetentionResult r;
	char err[512];
	int rc = retention_run(db, time(NULL), dry_run, cli_login(), &r, err, sizeof err);
	if (json)
		print_run_json(&r);
	else
		print_run_text(&r);
	retention_result_free(&r);
	if (rc != 0) {
		fprintf(stderr, "tilsyn: retention run: %s\n", err);
		return 1;
	}
	return 0;
}

static int set(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"months", required_argument, NULL, 'm'},
	                                     {"audit-extra-months", required_argument, NULL, 'a'},
	                                     {"notice-days", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	RetentionSettings s;
	retention_settings(db, &s);
	int c, given = 0;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int64_t *field;
		const char *name;
		switch (c) {
		case 'm': field = &s.months, name = "--months"; break;
		case 'a': field = &s.audit_extra, name = "--audit-extra-months"; break;
		case 'n': field = &s.notice_days, name = "--notice-days"; break;
		default: return cli_fail("retention set: ukendt eller ufuldstændigt tilvalg (se tilsyn retention --help)");
		}
		if (!parse_int64(optarg, field))
			return cli_fail("retention set: %s skal være et helt tal, ikke '%s'", name, optarg);
		given++;
	}
	if (optind < argc)
		return cli_fail("retention set: uventet argument '%s'", argv[optind]);
	if (!given)
		return cli_fail("retention set: angiv mindst ét af --months, --audit-extra-months og --notice-days");
	const char *problem = retention_settings_problem(&s);
	if (problem)
		return cli_fail("retention set: %s", problem);
	char msg[300];
	if (db_begin(db) != DB_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int changed = retention_settings_save(db, &s, cli_login(), msg, sizeof msg);
	if (changed < 0) {
		db_rollback(db);
		return cli_fail("retention set: %s", msg);
	}
	if (db_commit(db) != DB_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	print_settings(&s);
	if (!changed)
		puts("(uændret)");
	return 0;
}

int cmd_retention(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(retention_help, stderr), EXIT_BAD_INPUT;
	const char *sub = argv[1];
	if (str_eq(sub, "set"))
		return set(db, argc, argv);
	if (!str_eq(sub, "run") && !str_eq(sub, "show"))
		return cli_fail("ukendt underkommando 'retention %s' (se tilsyn retention --help)", sub);
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const char *format = "text";
	int dry_run = 0, c;
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd' && str_eq(sub, "run"))
			dry_run = 1;
		else if (c == 'f')
			format = optarg;
		else
			return cli_fail("retention %s: ukendt tilvalg (se tilsyn retention --help)", sub);
	}
	if (optind < argc)
		return cli_fail("retention %s: uventet argument '%s'", sub, argv[optind]);
	if (bad_format(format))
		return cli_fail("retention %s: --format skal være text eller json", sub);
	return str_eq(sub, "show") ? show(db, str_eq(format, "json")) : run(db, dry_run, str_eq(format, "json"));
}
