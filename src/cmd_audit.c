/*
** tilsyn audit: verify the chain, print its head, list what happened to one case.
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

const char cmd_audit_help[] =
	"Brug:\n"
	"  tilsyn audit verify [--head ID:HASH]\n"
	"                         genberegn logbogens kæde af hashværdier og navngiv den første brudte post\n"
	"  tilsyn audit head      skriv logbogens hoved: ID:HASH for den nyeste post\n"
	"  tilsyn audit case SAGSNUMMER --department KODE [--format json|text]\n"
	"                         hvem har set eller ændret sagen, hvornår og hvorfor (fx når en borger spørger);\n"
	"                         json: [{\"at\", \"login\", \"name\", \"action\", \"detail\", \"ip\"}]. Visninger af hele\n"
	"                         lister (sagslisten, stikprøven) logges pr. liste og er ikke med.\n"
	"\n"
	"Kæden er beskyttet med en nøgle uden for databasen (--audit-key FIL, $TILSYN_AUDIT_KEY, ellers\n"
	"databasens sti + .auditkey; tilsyn init laver den). Uden nøglen kan kæden hverken kontrolleres eller\n"
	"regnes om. Hovedet gemmes uden for databasen (serveren skriver det i syslog, og hver sikkerhedskopi\n"
	"FIL får det i FIL.head); verify --head ID:HASH fejler, når logbogen ikke længere når den post med den\n"
	"hash, fx fordi de nyeste poster er slettet. Uden --head bruges databasens sti + .head, hvis den findes\n"
	"(som ved en gendannet sikkerhedskopi). En tom logbog, eller en der ikke begynder ved post 1 uden at\n"
	"oprydningen har slettet de første, er brudt, når databasen har brugere, sager eller tilsyn.\n"
	"Exit 0: ubrudt; 1: brudt (beskeden siger hvad der mangler eller er ændret); 2: forkert brug.\n";

/* The head to compare with: --head, else DB.head beside the database (a restored backup). */
static int audit_wanted_head(const char *arg, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES], char *from,
                             size_t n)
{
	if (arg) {
		snprintf(from, n, "--head");
		return audit_head_parse(arg, id, hash) ? 1 : -1;
	}
	char path[4096], text[256];
	snprintf(path, sizeof path, "%s.head", db_path());
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t got = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[got] = 0;
	snprintf(from, n, "%s", path);
	return audit_head_parse(text, id, hash) ? 1 : -1;
}

int cmd_audit(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(cmd_audit_help, stderr), EXIT_BAD_INPUT;
	if (!strcmp(argv[1], "case"))
		return cmd_audit_case(db, argc, argv);
	if (!strcmp(argv[1], "head")) {
		if (argc > 2)
			return cli_fail("audit head tager ingen argumenter");
		int64_t id;
		unsigned char hash[AUDIT_HASH_BYTES];
		if (!audit_head(db, &id, hash))
			return fputs("tilsyn: logbogen er tom\n", stderr), 1;
		char head[AUDIT_HEAD_TEXT];
		audit_head_text(head, id, hash);
		printf("%s\n", head);
		return 0;
	}
	if (strcmp(argv[1], "verify") != 0)
		return cli_fail("ukendt underkommando 'audit %s' (se tilsyn audit --help)", argv[1]);
	const char *head_arg = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--head") && i + 1 < argc)
			head_arg = argv[++i];
		else if (!strncmp(argv[i], "--head=", 7))
			head_arg = argv[i] + 7;
		else
			return cli_fail("ukendt argument til audit verify: %s (se tilsyn audit --help)", argv[i]);
	}
	int64_t head_id = 0;
	unsigned char head_hash[AUDIT_HASH_BYTES];
	char from[4200], why[600];
	int have_head = audit_wanted_head(head_arg, &head_id, head_hash, from, sizeof from);
	if (have_head < 0)
		return cli_fail("%s: et hoved skrives ID:HASH, fx 42:%.16s... (64 hextegn), som tilsyn audit head skriver",
		                from, "0123456789abcdef0123456789abcdef");
	int64_t bad;
	if (audit_check(db, &bad, why, sizeof why) != 0) {
		fprintf(stderr, "tilsyn: logbogen er brudt ved post %lld: %s\n", (long long)bad, why);
		return 1;
	}
	if (have_head && audit_head_check(db, head_id, head_hash, why, sizeof why) != 0) {
		fprintf(stderr, "tilsyn: logbogen når ikke hovedet fra %s: %s\n", from, why);
		return 1;
	}
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM audit");
	printf("Logbogen er ubrudt (%lld poster).\n", db_step(&q) ? (long long)db_col_int(&q, 0) : 0LL);
	db_finalize(&q);
	if (have_head)
		printf("Den når hovedet %lld fra %s.\n", (long long)head_id, from);
	return 0;
}

static const char audit_case_usage[] = "brug: tilsyn audit case SAGSNUMMER --department KODE [--format json|text]";

int cmd_audit_case(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"department", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	const char *code = NULL, *format = "text";
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': code = optarg; break;
		case 'f': format = optarg; break;
		default: return cli_fail("%s", audit_case_usage);
		}
	}
	if (optind + 1 != argc || !*argv[optind])
		return cli_fail("audit case: angiv ét sagsnummer (%s)", audit_case_usage);
	const char *case_no = argv[optind];
	if (!code)
		return cli_fail("audit case: --department mangler (%s)", audit_case_usage);
	if (!str_eq(format, "json") && !str_eq(format, "text"))
		return cli_fail("audit case: --format skal være json eller text, ikke '%s'", format);
	Department d;
	if (!department_by_code(db, code, &d))
		return cli_fail("audit case: afdelingen '%s' findes ikke", code);
	int64_t case_id;
	if (!audit_case_find(db, d.id, case_no, &case_id))
		return cli_fail("audit case: sagen '%s' findes ikke i afdelingen %s", case_no, d.code);
	AuditCaseEntry *v;
	int n = audit_case_entries(db, &d, case_id, &v);
	if (str_eq(format, "json")) {
		json_t *all = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(all, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "at", v[i].at, "login",
			                                     v[i].login, "name", v[i].name, "action", audit_action_title(v[i].action),
			                                     "detail", v[i].detail, "ip", v[i].ip, "list", v[i].list));
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(all);
	} else {
		printf("Logbog for sag %s i %s (%s): %d %s\n", case_no, d.name, d.code, n, n == 1 ? "post" : "poster");
		for (int i = 0; i < n; i++) {
			char at[64], detail[1200];
			date_time_danish(v[i].at, at);
			audit_case_detail_text(db, v[i].detail, detail, sizeof detail);
			printf("%s\t%s%s%s%s\t%s\t%s\t%s\n", at, v[i].login ? v[i].login : "ukendt", v[i].name ? " (" : "",
			       v[i].name ? v[i].name : "", v[i].name ? ")" : "", audit_action_title(v[i].action),
			       detail, v[i].ip ? v[i].ip : "");
		}
		printf("%s\n", audit_case_list_note);
	}
	audit_case_free(v, n);
	char object[48], detail[200];
	snprintf(object, sizeof object, "case:%lld", (long long)case_id);
	snprintf(detail, sizeof detail, "logbogen for sagen udskrevet (%d poster, %s)", n, format);
	cli_audit(db, "audit_case_view", d.id, object, detail);
	return 0;
}
