/*
** The command line: `tilsyn [--db PATH] COMMAND ...`. Parses the global options, opens
** (and migrates) the database, and dispatches to one function per command. Exit status:
** 0 success, 2 bad input (with a message naming what was wrong), 1 internal failure.
*/
#include "http.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>


static const char usage_text[] =
	"Brug: tilsyn [--db STI] KOMMANDO ...\n"
	"\n"
	"Ledelsestilsyn på handicapområdet: planlæg, udvælg, gennemgå, se resultater, følg op.\n"
	"\n"
	"Kommandoer:\n"
	"  init                          opret eller opdater databasen\n"
	"  serve [--listen VÆRT:PORT] [--threads N] [--tls-cert FIL --tls-key FIL]\n"
	"                                start webserveren (standard 127.0.0.1:8080)\n"
	"  demo                          fyld en tom database med en opdigtet kommune\n"
	"  user add LOGIN --name NAVN --role ROLLE [--department KODE]\n"
	"                                opret bruger; adgangskoden læses fra standard input\n"
	"  user list                     vis brugere og roller\n"
	"  user passwd LOGIN             sæt ny adgangskode (læses fra standard input)\n"
	"  user role LOGIN --department KODE --role ROLLE|ingen\n"
	"                                giv eller fjern en rolle i en afdeling\n"
	"  user deactivate LOGIN         deaktivér en bruger og afslut brugerens sessioner\n"
	"  department add KODE --name NAVN --area barn|voksen\n"
	"  department list               vis afdelinger\n"
	"  cases import FIL --department KODE [--map felt=Overskrift,...] [--skip-invalid] [--dry-run]\n"
	"                                indlæs en sagsliste (CSV eller XLSX)\n"
	"  cases list --department KODE [--format csv|json]\n"
	"  round create --department KODE --kind overordnet|uddybende|ekstern --title TITEL [--theme KODE]...\n"
	"                                [--catalogue KODE] [--start ÅÅÅÅ-MM-DD] [--end ÅÅÅÅ-MM-DD]\n"
	"  round sample TILSYN (--size N | --per-advisor K) [--seed HEX64] [--exclude-reviewed-months M]\n"
	"  round replace TILSYN SAGSNUMMER --reason TEKST\n"
	"  round cases TILSYN [--format csv|json]\n"
	"  round results TILSYN [--format json|csv|text]\n"
	"  round assign TILSYN --auto [--reviewers LOGIN,LOGIN] | --case SAGSNUMMER --reviewer LOGIN|ingen\n"
	"                                fordel sagerne til gennemgang (aldrig rådgiverens egne)\n"
	"  round sheet TILSYN -o FIL.xlsx  skriv registreringsarket (én række pr. udtrukket sag)\n"
	"  round calibrate TILSYN --cases K [--reviewers LOGIN,LOGIN]\n"
	"                                vælg K sager til anden gennemgang (kalibrering)\n"
	"  answers import TILSYN FIL.xlsx [--user LOGIN]\n"
	"                                indlæs et udfyldt registreringsark (alt eller intet)\n"
	"  catalogue list [--format json|text]\n"
	"  catalogue export KODE [--version N] -o FIL.xlsx\n"
	"                                skriv et spørgekatalog som regneark\n"
	"  catalogue import FIL.xlsx     indlæs et regneark som ny kladde (alt eller intet)\n"
	"  catalogue publish KODE        udgiv katalogets nyeste kladde\n"
	"  report TILSYN --audience ledelse|medarbejdere|raadgiver:NAVN --format html|pdf|xlsx -o FIL\n"
	"                                skriv tilsynets rapport til en målgruppe\n"
	"  audit verify                  kontrollér at logbogen er ubrudt\n"
	"  audit case SAGSNUMMER --department KODE [--format json|text]\n"
	"                                hvem har set eller ændret sagen og hvornår\n"
	"  backup FIL [--force]          skriv en kontrolleret sikkerhedskopi, også mens serveren kører\n"
	"\n"
	"Roller: admin, leder, koordinator, raadgiver, ekstern.\n"
	"Databasen er --db STI, ellers $TILSYN_DB, ellers ./var/tilsyn.db.\n"
	"`tilsyn KOMMANDO --help` forklarer den enkelte kommando.\n";

static int help(const char *text)
{
	fputs(text, stdout);
	return 0;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* Opens the database and brings its schema up to date; prints why on failure. */
static sqlite3 *open_db(const char *path)
{
	if (strcmp(path, "./var/tilsyn.db") == 0)
		mkdir("./var", 0700);
	char *err;
	sqlite3 *db = db_open(path, &err);
	if (!db) {
		fprintf(stderr, "tilsyn: kan ikke åbne databasen %s: %s\n", path, err);
		free(err);
		return NULL;
	}
	if (db_migrate(db, &err) != 0) {
		fprintf(stderr, "tilsyn: %s: %s\n", path, err);
		free(err);
		db_close(db);
		return NULL;
	}
	char msg[512];
	if (catalogue_install_defaults(db, msg, sizeof msg) < 0) {
		fprintf(stderr, "tilsyn: standardkatalogerne kunne ikke installeres: %s\n", msg);
		db_close(db);
		return NULL;
	}
	return db;
}

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

static int cmd_init(sqlite3 *db, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail("init tager ingen argumenter");
	printf("Databasen %s er klar (skemaversion %d).\n", db_path(), db_schema_version(db));
	return 0;
}

static int cmd_serve(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ServeOptions o = {.listen = "127.0.0.1:8080", .threads = cpus > 0 ? (int)cpus * 2 : 4};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int64_t n;
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 't':
			if (!parse_int64(optarg, &n) || n < 1 || n > 256)
				return cli_fail("--threads skal være et tal fra 1 til 256, ikke '%s'", optarg);
			o.threads = (int)n;
			break;
		case 'c': o.tls_cert = optarg; break;
		case 'k': o.tls_key = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument til serve: %s", argv[optind]);
	db_close(db);
	return http_serve(&o);
}

static int cmd_demo(sqlite3 *db, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail("demo tager ingen argumenter");
	const char *msg;
	if (demo_fill(db, &msg) != 0)
		return cli_fail("%s", msg);
	printf("Demodata er oprettet i %s. Alle demobrugere har adgangskoden %s:\n"
	       "  admin (administrator), leder.barn, koordinator.barn, anne (rådgiver) - Børn og unge med handicap\n"
	       "  leder.voksen, koordinator.voksen, signe (rådgiver), ekstern - Voksenhandicap\n"
	       "Begge afdelinger har en sagsliste og et planlagt overordnet tilsyn med en udtrukket stikprøve.\n"
	       "Børn og unge med handicap har desuden et uddybende tilsyn, der er halvvejs gennemgået.\n",
	       db_path(), DEMO_PASSWORD);
	return 0;
}

static const char user_help[] =
	"Brug:\n"
	"  tilsyn user add LOGIN --name NAVN --role admin|leder|koordinator|raadgiver|ekstern [--department KODE]\n"
	"  tilsyn user list\n"
	"  tilsyn user passwd LOGIN\n"
	"  tilsyn user role LOGIN --department KODE --role leder|koordinator|raadgiver|ekstern|ingen\n"
	"  tilsyn user deactivate LOGIN\n"
	"\n"
	"Adgangskoden læses som én linje fra standard input, når det ikke er en terminal; ellers spørges\n"
	"der to gange. Den skal være mindst 10 tegn. Andre roller end admin kræver --department.\n";

static int cmd_user(sqlite3 *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(user_help, stderr), EXIT_BAD_INPUT;
	const char *sub = argv[1];
	if (!strcmp(sub, "list")) {
		Stmt q;
		db_prepare(&q, db,
		           "SELECT u.login, u.name, u.is_admin, u.active, (SELECT group_concat(d.code || '=' || m.role, ',')"
		           " FROM membership m JOIN department d ON d.id = m.department_id WHERE m.user_id = u.id)"
		           " FROM users u ORDER BY u.login");
		while (db_step(&q))
			printf("%s\t%s\t%s%s%s\t%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_int(&q, 2) ? "admin" : "",
			       db_col_int(&q, 2) && *db_col_text(&q, 4) ? "," : "", db_col_text(&q, 4),
			       db_col_int(&q, 3) ? "aktiv" : "deaktiveret");
		db_finalize(&q);
		return 0;
	}
	if (argc < 3)
		return cli_fail("user %s mangler LOGIN (se tilsyn user --help)", sub);
	const char *login = argv[2];
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
	const char *msg;
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
		if (db_begin(db) != SQLITE_OK)
			return cli_fail("databasen er optaget af et andet program; prøv igen");
		if (user_add(db, login, name, role == ROLE_ADMIN, password, 0, &id, &msg) != 0 ||
		    (role != ROLE_ADMIN && user_set_role(db, id, d.id, role, &msg) != 0) ||
		    (role == ROLE_ADMIN && code && (msg = "admin er ikke en rolle i en afdeling; udelad --department"))) {
			db_rollback(db);
			return cli_fail("user add %s: %s", login, msg);
		}
		cli_audit(db, "user_add", d.id, login, role_code(role));
		if (db_commit(db) != SQLITE_OK)
			return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
		printf("Brugeren %s er oprettet.\n", login);
		return 0;
	}
	User u;
	if (!user_by_login(db, login, &u))
		return cli_fail("user %s: brugeren '%s' findes ikke", sub, login);
	if (db_begin(db) != SQLITE_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	int rc;
	if (!strcmp(sub, "passwd")) {
		if (!read_password(password, sizeof password)) {
			db_rollback(db);
			return cli_fail("user passwd: ingen adgangskode på standard input");
		}
		rc = user_set_password(db, u.id, password, 0, &msg);
	} else if (!strcmp(sub, "role")) {
		if (!code || !role_text) {
			db_rollback(db);
			return cli_fail("user role: både --department og --role skal angives");
		}
		rc = user_set_role(db, u.id, d.id, role, &msg);
	} else if (!strcmp(sub, "deactivate")) {
		rc = user_update(db, u.id, u.name, u.is_admin, 0, &msg);
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
	if (db_commit(db) != SQLITE_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Brugeren %s er opdateret.\n", login);
	return 0;
}

static const char department_help[] =
	"Brug:\n"
	"  tilsyn department add KODE --name NAVN --area barn|voksen\n"
	"  tilsyn department list\n"
	"\n"
	"KODE er 1-32 tegn (bogstaver, tal, - og _), fx BHS. Området afgør standardkataloget:\n"
	"barn (barnets lov) eller voksen (serviceloven).\n";

static int cmd_department(sqlite3 *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(department_help, stderr), EXIT_BAD_INPUT;
	if (!strcmp(argv[1], "list")) {
		Stmt q;
		db_prepare(&q, db, "SELECT code, name, area FROM department ORDER BY code");
		while (db_step(&q))
			printf("%s\t%s\t%s\n", db_col_text(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2));
		db_finalize(&q);
		return 0;
	}
	if (strcmp(argv[1], "add") != 0)
		return cli_fail("ukendt underkommando 'department %s' (se tilsyn department --help)", argv[1]);
	if (argc < 3)
		return cli_fail("department add: KODE mangler");
	const char *code = argv[2], *name = NULL, *area = NULL;
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"area", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'a': area = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!name)
		return cli_fail("department add: --name mangler");
	if (!area)
		return cli_fail("department add: --area mangler (barn eller voksen)");
	const char *msg;
	int64_t id;
	if (db_begin(db) != SQLITE_OK)
		return cli_fail("databasen er optaget af et andet program; prøv igen");
	if (department_add(db, code, name, area, &id, &msg) != 0) {
		db_rollback(db);
		return cli_fail("department add %s: %s", code, msg);
	}
	cli_audit(db, "department_add", id, code, name);
	if (db_commit(db) != SQLITE_OK)
		return fprintf(stderr, "tilsyn: kunne ikke gemme: %s\n", db_errmsg(db)), 1;
	printf("Afdelingen %s er oprettet.\n", code);
	return 0;
}

static const char audit_help[] =
	"Brug:\n"
	"  tilsyn audit verify    genberegn logbogens kæde af hashværdier og navngiv den første brudte post\n"
	"  tilsyn audit case SAGSNUMMER --department KODE [--format json|text]\n"
	"                         hvem har set eller ændret sagen, hvornår og hvorfor (fx når en borger spørger);\n"
	"                         json: [{\"at\", \"login\", \"name\", \"action\", \"detail\", \"ip\"}]. Visninger af hele\n"
	"                         lister (sagslisten, stikprøven) logges pr. liste og er ikke med.\n";

static int cmd_audit(sqlite3 *db, int argc, char **argv)
{
	if (argc < 2)
		return fputs(audit_help, stderr), EXIT_BAD_INPUT;
	if (!strcmp(argv[1], "case"))
		return cmd_audit_case(db, argc, argv);
	if (strcmp(argv[1], "verify") != 0)
		return cli_fail("ukendt underkommando 'audit %s' (se tilsyn audit --help)", argv[1]);
	int64_t bad;
	if (audit_verify(db, &bad) != 0) {
		fprintf(stderr, "tilsyn: logbogen er brudt ved post %lld: posten eller en før den er ændret eller slettet\n",
		        (long long)bad);
		return 1;
	}
	Stmt q;
	db_prepare(&q, db, "SELECT count(*) FROM audit");
	printf("Logbogen er ubrudt (%lld poster).\n", db_step(&q) ? (long long)db_col_int(&q, 0) : 0LL);
	db_finalize(&q);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(sqlite3 *db, int argc, char **argv);
	const char *help;
} commands[] = {
	{"init", cmd_init, "Brug: tilsyn [--db STI] init\n\nOpretter databasen, eller opdaterer dens skema til denne version.\n"},
	{"serve", cmd_serve,
	 "Brug: tilsyn [--db STI] serve [--listen VÆRT:PORT] [--threads N] [--tls-cert FIL --tls-key FIL]\n\n"
	 "Starter webserveren; standard er 127.0.0.1:8080 og to tråde pr. processorkerne. Med --tls-cert og\n"
	 "--tls-key (PEM) svarer den over HTTPS, og cookies får Secure. Stoppes med Ctrl-C eller SIGTERM;\n"
	 "igangværende forespørgsler gøres færdige først.\n"},
	{"demo", cmd_demo,
	 "Brug: tilsyn [--db STI] demo\n\nFylder en tom database med en opdigtet kommune: to afdelinger og brugere i alle roller.\n"},
	{"user", cmd_user, user_help},
	{"department", cmd_department, department_help},
	{"audit", cmd_audit, audit_help},
	{"backup", cmd_backup,
	 "Brug: tilsyn [--db STI] backup FIL [--force]\n\n"
	 "Skriver en sikkerhedskopi af databasen til FIL, også mens serveren kører (SQLites backup-API, i små\n"
	 "trin, så serveren ikke holdes tilbage). Kopien skrives først til FIL.tmp, kontrolleres (PRAGMA\n"
	 "integrity_check og logbogens kæde) og omdøbes så til FIL. En eksisterende FIL overskrives kun med\n"
	 "--force. Skriver kopiens størrelse og indhold. Gendannelse: se README.md, \"Backup and restore\".\n"},
	{"cases", cmd_cases,
	 "Brug:\n"
	 "  tilsyn cases import FIL --department KODE [--map felt=Overskrift,...] [--skip-invalid] [--dry-run]\n"
	 "  tilsyn cases list --department KODE [--format csv|json]\n"
	 "\n"
	 "FIL er en CSV-fil (komma, semikolon eller tabulator; UTF-8 med eller uden BOM eller Windows-1252) eller\n"
	 "en Excel-fil (xlsx, første ark). Kolonnerne findes ud fra overskrifterne: Sagsnummer/Sagsnr/Sags-id/\n"
	 "SagsID/Sag, Rådgiver/Sagsbehandler/Medarbejder/Ansvarlig (skal findes), Målgruppe, Paragraf/\n"
	 "Lovgrundlag/§, Ydelse/Indsats, Startdato/Oprettet/Oprettelsesdato, Seneste afgørelse/Afgørelsesdato,\n"
	 "Team/Enhed. Hedder en kolonne noget andet, så brug --map, fx --map advisor=Sagsansvarlig.\n"
	 "Felterne er case_no, advisor, target, provision, benefit, opened, decided og team.\n"
	 "\n"
	 "Indlæsningen er alt eller intet: har en række fejl (også et CPR-nummer i et hvilket som helst felt),\n"
	 "gemmes intet, og alle fejl vises med linje og kolonne. --skip-invalid gemmer de gyldige rækker og\n"
	 "viser de afviste. --dry-run kontrollerer kun. En ny indlæsning opdaterer sagerne ud fra sagsnummeret.\n"},
	{"catalogue", cmd_catalogue,
	 "Brug:\n"
	 "  tilsyn catalogue list [--format json|text]\n"
	 "  tilsyn catalogue export KODE [--version N] -o FIL.xlsx\n"
	 "  tilsyn catalogue import FIL.xlsx\n"
	 "  tilsyn catalogue publish KODE\n"
	 "\n"
	 "list viser de udgivne spørgekataloger (den nyeste version af hver): kode, titel, art (overordnet\n"
	 "eller tema), målgruppe (barn, voksen eller begge), version og antal spørgsmål. Standardkatalogerne\n"
	 "følger med programmet og installeres af tilsyn init.\n"
	 "\n"
	 "export skriver en version som regneark: katalogets felter øverst (Kode, Titel, Art, Målgruppe,\n"
	 "Beskrivelse, Version), derefter én række pr. spørgsmål med kolonnerne Afsnit, Kode, Spørgsmål,\n"
	 "Vejledning, Henvisning, Kategori, Skala, Valgmuligheder, Betingelse (spørgsmål) og Betingelse (svar).\n"
	 "Uden --version: den nyeste udgivne version (eller den nyeste kladde, hvis intet er udgivet).\n"
	 "\n"
	 "import læser sådan et regneark (første ark) og gemmer det som en ny kladde: næste versionsnummer\n"
	 "for koden i arket. Alt eller intet: har arket fejl, gemmes intet, og hver fejl nævnes med celle\n"
	 "(fx C14). Skriver kladdens id, kode og version på én linje.\n"
	 "\n"
	 "publish udgiver katalogets nyeste kladde. En udgivet version kan aldrig ændres; tilsyn beholder\n"
	 "den version, de blev oprettet med, og nye tilsyn får den nyeste. Spørgsmålenes koder følger med\n"
	 "fra version til version, så tilsyn kan sammenlignes; en ændret betydning kræver en ny kode.\n"},
	{"round", cmd_round,
	 "Brug:\n"
	 "  tilsyn round create --department KODE --kind overordnet|uddybende|ekstern --title TITEL\n"
	 "                      [--theme KODE]... [--catalogue KODE] [--start ÅÅÅÅ-MM-DD] [--end ÅÅÅÅ-MM-DD]\n"
	 "  tilsyn round sample TILSYN (--size N | --per-advisor K) [--seed HEX64] [--exclude-reviewed-months M]\n"
	 "                      [--provision P]... [--target barn|voksen] [--team T] [--opened-from DATO]\n"
	 "                      [--opened-to DATO] [--decided-from DATO] [--decided-to DATO] [--reason TEKST]\n"
	 "  tilsyn round replace TILSYN SAGSNUMMER --reason TEKST\n"
	 "  tilsyn round cases TILSYN [--format csv|json]\n"
	 "  tilsyn round results TILSYN [--format json|csv|text]\n"
	 "  tilsyn round assign TILSYN --auto [--reviewers LOGIN,LOGIN]\n"
	 "  tilsyn round assign TILSYN --case SAGSNUMMER --reviewer LOGIN|ingen\n"
	 "  tilsyn round sheet TILSYN -o FIL.xlsx\n"
	 "  tilsyn round calibrate TILSYN --cases K [--reviewers LOGIN,LOGIN]\n"
	 "\n"
	 "round create skriver det nye tilsyns nummer. round sample trækker stikprøven: hver mulig sag får\n"
	 "nøglen BLAKE2b-256(nøgle = seed, besked = sagsnummer), og stikprøven er de N sager med de mindste\n"
	 "nøgler (med --per-advisor de K mindste for hver rådgiver). Seed er 32 byte (64 hextegn), tilfældigt\n"
	 "hvis det ikke angives, og gemmes altid med tilsynet. Sager gennemgået i afdelingen de sidste M\n"
	 "måneder (standard 12) kan ikke komme med. Stikprøven kan trækkes om, indtil gennemgangen begynder.\n"
	 "round replace erstatter én sag med den næste i rækkefølgen; begrundelsen logges.\n"
	 "round assign --auto fordeler de sager, der ikke har en gennemgående, jævnt mellem de valgte\n"
	 "(standard: afdelingens koordinatorer og rådgivere); ingen får sine egne sager (sagens rådgiver\n"
	 "sammenlignes med brugerens navn). --case og --reviewer giver én sag til én person.\n"
	 "round sheet skriver registreringsarket til gennemgang uden for tilsyn (se tilsyn answers --help).\n"
	 "round calibrate vælger K sager mere til en blind anden gennemgang: blandt sager med en første\n"
	 "gennemgående dem med de mindste nøgler; med --reviewers fordeles de (aldrig til første\n"
	 "gennemgående eller sagens rådgiver). Enigheden ses på tilsynets side under Kalibrering.\n"},
	{"report", cmd_report,
	 "Brug:\n"
	 "  tilsyn report TILSYN --audience ledelse|medarbejdere|raadgiver:NAVN --format html|pdf|xlsx -o FIL\n"
	 "\n"
	 "Skriver tilsynets rapport til én målgruppe:\n"
	 "  ledelse        alt: resultater, tal pr. rådgiver, akut bekymring og et bilag med hver sag\n"
	 "                 (sagsnummer), dens svar og bemærkninger.\n"
	 "  medarbejdere   til hele medarbejdergruppen: kun samlede tal; ingen sagsnumre, ingen rådgivernavne,\n"
	 "                 ingen bemærkninger, intet tal der bygger på færre end 5 sager, og sagseksempler\n"
	 "                 kun hvor rådgiveren har givet lov (beskrevet ved gennemgangens fund).\n"
	 "  raadgiver:NAVN individuel tilbagemelding til én rådgiver (navnet som i sagslisten): egne sager\n"
	 "                 med svar og bemærkninger ved siden af afdelingens samlede tal.\n"
	 "Formater: html (til udskrift), pdf (A4 med sidetal og indholdsfortegnelse) og xlsx (arkene\n"
	 "Resultater med diagram, Svar, Kommentarer og Om rapporten).\n"
	 "Rapporten indeholder arbejdsgruppens tekst (endelig, eller mærket KLADDE) og en forklaring af tallene.\n"
	 "En rapport med sagsnumre registreres i logbogen for hver sag. Filen skrives helt eller slet ikke.\n"},
	{"answers", cmd_answers,
	 "Brug:\n"
	 "  tilsyn answers import TILSYN FIL.xlsx [--user LOGIN]\n"
	 "\n"
	 "Indlæser et udfyldt registreringsark (fra tilsyn round sheet eller tilsynets side). Første ark skal\n"
	 "have Sagsnummer i A1 og spørgsmålenes koder i række 1 (B1, C1, ...), og én række pr. udtrukket sag.\n"
	 "Svarene skrives ja, delvist, nej eller ikke relevant (store og små bogstaver er lige gode);\n"
	 "valgspørgsmål med en af svarmulighederne. Kolonnerne \"KODE kommentar\" og \"KODE væsentlig\"\n"
	 "(ja/nej) kan også udfyldes. En tom celle ændrer ikke det gemte svar.\n"
	 "\n"
	 "Indlæsningen er alt eller intet: er en celle forkert (et ugyldigt svar, en ukendt spørgsmålskode,\n"
	 "en sag uden for stikprøven, en sag to gange, et CPR-nummer), gemmes intet, og hver fejl vises med\n"
	 "sin celle, fx D7. Hver ændring gemmes i svarets historik. --user angiver, hvilken bruger svarene\n"
	 "gemmes som; ellers gemmes de som kommandolinjen.\n"},
};

int main(int argc, char **argv)
{
	const char *path = getenv("TILSYN_DB");
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return help(usage_text);
		if (!strcmp(argv[i], "--version")) {
			printf("tilsyn %s\n", TILSYN_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--db=", 5))
			path = argv[i] + 5;
		else
			return cli_fail("ukendt tilvalg %s (se tilsyn --help)", argv[i]);
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[i], "help"))
		return help(usage_text);
	for (size_t k = 0; k < COUNT(commands); k++) {
		if (strcmp(argv[i], commands[k].name) != 0)
			continue;
		if (wants_help(argc - i, argv + i))
			return help(commands[k].help);
		if (auth_init() != 0) {
			fputs("tilsyn: libsodium kunne ikke startes\n", stderr);
			return 1;
		}
		db_set_path(path && *path ? path : "./var/tilsyn.db");
		sqlite3 *db = open_db(db_path());
		if (!db)
			return 1;
		int rc = commands[k].run(db, argc - i, argv + i);
		if (db_write_failed() && !db_write_failure_reported())
			fprintf(stderr, "tilsyn: %s\n", db_write_error_text(db_write_failed()));
		if (db_write_failed() && rc == 0)
			rc = 1;
		if (strcmp(argv[i], "serve") != 0)
			db_close(db);
		db_thread_close();
		return rc;
	}
	return cli_fail("ukendt kommando '%s' (se tilsyn --help)", argv[i]);
}
