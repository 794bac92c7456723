/*
** The command line: `tilsyn [--db PATH] COMMAND ...`. Parses the global options, opens
** (and migrates) the database, and dispatches to one function per command (cli.h; each in
** the file named after it, cmd_COMMAND.c), printing its help on --help. Exit status:
** 0 success, 2 bad input (with a message naming what was wrong), 1 internal failure.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
	"Brug: tilsyn [--db STI] KOMMANDO ...\n"
	"\n"
	"Ledelsestilsyn på handicapområdet: planlæg, udvælg, gennemgå, se resultater, følg op.\n"
	"\n"
	"Kommandoer:\n"
	"  init                          opret eller opdater databasen\n"
	"  serve [--listen VÆRT:PORT] [--threads N] [--tls-cert FIL --tls-key FIL]\n"
	"        [--public-url URL] [--trusted-proxy ADRESSE]...\n"
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
	"  cases import FIL --department KODE [--add] [--map felt=Overskrift,...] [--skip-invalid] [--dry-run]\n"
	"                                indlæs en sagsliste (CSV eller XLSX); erstatter den nuværende\n"
	"  cases list --department KODE [--all] [--format csv|json]\n"
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
	"  round invite TILSYN LOGIN     invitér en ekstern konsulent til et eksternt tilsyn\n"
	"  round uninvite TILSYN LOGIN   træk invitationen tilbage\n"
	"  round plan TILSYN [--performers T] [--cases N] [--selection T] [--timing T] [--gathering T] [--stopop N]\n"
	"                                arbejdsgruppens svar på planlægningsspørgsmålene (uden tilvalg: vis dem)\n"
	"  round phase TILSYN [FASE [--reason TEKST]]\n"
	"                                skift fase; med arbejde tilbage kræves en begrundelse\n"
	"  round list --department KODE [--format json|text]\n"
	"  round edit TILSYN [--title T] [--start D] [--end D] [--kind K] [--theme KODE]...\n"
	"                                ret titel, periode, art (før udtrækningen) og temaer\n"
	"  round delete TILSYN --reason TEKST\n"
	"                                slet et tilsyn, hvor ingen sag er gennemgået\n"
	"  workgroup add LOGIN --department KODE --function leder|koordinator|raadgiver\n"
	"  workgroup remove LOGIN --department KODE\n"
	"  workgroup list --department KODE [--format json|text]\n"
	"                                afdelingens arbejdsgruppe og advarsler mod anbefalingen\n"
	"  answers import TILSYN FIL.xlsx [--user LOGIN] [--overwrite]\n"
	"                                indlæs et udfyldt registreringsark (alt eller intet)\n"
	"  catalogue list [--format json|text]\n"
	"  catalogue export KODE [--version N] -o FIL.xlsx\n"
	"                                skriv et spørgekatalog som regneark\n"
	"  catalogue import FIL.xlsx     indlæs et regneark som ny kladde (alt eller intet)\n"
	"  catalogue publish KODE        udgiv katalogets nyeste kladde\n"
	"  report TILSYN --audience ledelse|medarbejdere|raadgiver:NAVN --format html|pdf|xlsx -o FIL\n"
	"                                skriv tilsynets rapport til en målgruppe\n"
	"  meeting add --department KODE --kind ART --date ÅÅÅÅ-MM-DD [--time TT:MM] [--round TILSYN] ...\n"
	"  meeting list --department KODE [--round TILSYN] [--format json|text]\n"
	"                                møder: information, stop-op, tilbagemelding, forventningsafstemning\n"
	"  action add --department KODE --title TITEL --owner LOGIN --due ÅÅÅÅ-MM-DD [--round TILSYN] ...\n"
	"  action list --department KODE [--format json|text]\n"
	"                                tiltag og ændringen i det, de sigter mod\n"
	"  plan --department KODE [--year ÅÅÅÅ] [--format json|text]\n"
	"                                årshjulet: årets tilsyn og afvigelser fra anbefalingerne\n"
	"  calendar --department KODE -o FIL.ics\n"
	"                                skriv afdelingens kalender (tilsyn, frister, møder, tiltag)\n"
	"  audit verify [--head ID:HASH] kontrollér at logbogen er ubrudt (og når hovedet)\n"
	"  audit head                    skriv logbogens nyeste post som ID:HASH\n"
	"  audit case SAGSNUMMER --department KODE [--format json|text]\n"
	"                                hvem har set eller ændret sagen og hvornår\n"
	"  backup FIL [--force]          skriv en kontrolleret sikkerhedskopi, også mens serveren kører\n"
	"  retention show | run [--dry-run] | set [--months N] [--audit-extra-months N] [--notice-days N]\n"
	"                                slet sagsdata i afsluttede tilsyn efter opbevaringsreglen\n"
	"\n"
	"Roller: admin, leder, koordinator, raadgiver, ekstern.\n"
	"Databasen er --db STI, ellers $TILSYN_DB, ellers ./var/tilsyn.db. --db står før kommandoen,\n"
	"fx tilsyn --db var/tilsyn.db cases list --department BHS.\n"
	"Logbogens nøgle er --audit-key FIL, ellers $TILSYN_AUDIT_KEY, ellers databasens sti + .auditkey.\n"
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

static const char *audit_key_file; /* --audit-key, else $TILSYN_AUDIT_KEY, else DB.auditkey */

/* Opens the database, brings its schema up to date and loads the audit key (init may make
** it); prints why on failure. */
static Db *open_db(const char *path, int is_init)
{
	if (strcmp(path, "./var/tilsyn.db") == 0)
		mkdir("./var", 0700);
	char *err;
	Db *db = db_open(path, &err);
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
	char msg[512], key_path[4096];
	if (audit_key_file && *audit_key_file)
		snprintf(key_path, sizeof key_path, "%s", audit_key_file);
	else
		audit_key_default_path(key_path, sizeof key_path, path);
	if (audit_key_open(db, key_path, is_init, msg, sizeof msg) < 0) {
		fprintf(stderr, "tilsyn: %s\n", msg);
		db_close(db);
		return NULL;
	}
	if (catalogue_install_defaults(db, msg, sizeof msg) < 0) {
		fprintf(stderr, "tilsyn: standardkatalogerne kunne ikke installeres: %s\n", msg);
		db_close(db);
		return NULL;
	}
	return db;
}

static const struct {
	const char *name;
	int (*run)(Db *db, int argc, char **argv);
	const char *help;
} commands[] = {
	{"init", cmd_init,
	 "Brug: tilsyn [--db STI] [--audit-key FIL] init\n\nOpretter databasen, eller opdaterer dens skema til denne version.\n"
	 "Laver logbogens nøgle (standard: databasens sti + .auditkey, tilstand 0600), når den mangler for en\n"
	 "ny database eller en logbog fra før nøglen; tag sikkerhedskopi af den for sig. Kontrollerer, at\n"
	 "logbogens beskyttende triggere findes, og genskaber dem med en advarsel og en post i logbogen.\n"
	 "Er logbogens kæde brudt, siges det, og init slutter med status 1 (databasen er dog klar).\n"},
	{"serve", cmd_serve,
	 "Brug: tilsyn [--db STI] serve [--listen VÆRT:PORT] [--threads N] [--tls-cert FIL --tls-key FIL]\n"
	 "                              [--public-url URL] [--trusted-proxy ADRESSE]...\n"
	 "                              [--statement-timeout S] [--upload-lifetime S]\n"
	 "                              [--upload-deadline S] [--upload-min-rate B]\n\n"
	 "Starter webserveren; standard er 127.0.0.1:8080 og to tråde pr. processorkerne. Med --tls-cert og\n"
	 "--tls-key (PEM) svarer den over HTTPS, og cookies får Secure. Stoppes med Ctrl-C eller SIGTERM.\n"
	 "  --per-ip-connections N  forbindelser én adresse må have åbne på én gang (standard 32)\n"
	 "  --header-timeout S      sekunder en forbindelse må tie, før forespørgslens overskrifter er modtaget\n"
	 "                          (standard 10); derefter 60 sekunder, så store filer over langsomme linjer\n"
	 "                          kommer igennem, så længe der bliver ved med at komme data\n"
	 "  --statement-timeout S   sekunder en forespørgsels databasearbejde må tage (standard 5; fx 0.5;\n"
	 "                          0: ingen grænse); derefter stoppes det, rulles tilbage, og svaret er 503\n"
	 "  --upload-lifetime S     sekunder en uploadet sagsliste venter på at blive bekræftet (standard 3600);\n"
	 "                          ældre slettes hvert minut\n"
	 "  --upload-deadline S     sekunder en fil (sagsliste, regneark) højst må tage at sende (standard 300)\n"
	 "  --upload-min-rate B     byte i sekundet, en fil mindst skal komme med efter de første 5 sekunder\n"
	 "                          (standard 8192; 0: ingen grænse); en langsommere afbrydes med svar 408.\n"
	 "                          Hver bruger sender én fil ad gangen, og højst 4 modtages på én gang\n"
	 "Ved SIGTERM gøres igangværende forespørgsler færdige, men langvarigt databasearbejde stoppes straks\n"
	 "(503), og serveren er stoppet senest 10 sekunder efter signalet.\n"
	 "\n"
	 "Ved start kontrolleres logbogens beskyttende triggere (som ved init). Logbogens hoved (ID:HASH)\n"
	 "skrives i syslog, når det har ændret sig (højst én gang i minuttet), og når serveren stopper.\n\n"
	 "Bag en reverse proxy, der afslutter TLS: --public-url https://tilsyn.kommune.dk (adressen brugerne\n"
	 "bruger) giver cookies Secure og sender Strict-Transport-Security. --trusted-proxy ADRESSE (kan\n"
	 "gentages) er proxyens IP-adresse: kun fra den tages klientens adresse i logbogen fra\n"
	 "X-Forwarded-For (den yderste højre adresse, der ikke er en betroet proxy); ellers bruges\n"
	 "forbindelsens adresse.\n"},
	{"demo", cmd_demo,
	 "Brug: tilsyn [--db STI] demo\n\nFylder en tom database med en opdigtet kommune: to afdelinger og brugere i alle roller.\n"},
	{"user", cmd_user, cmd_user_help},
	{"department", cmd_department, cmd_department_help},
	{"audit", cmd_audit, cmd_audit_help},
	{"backup", cmd_backup,
	 "Brug: tilsyn [--db STI] backup FIL [--force]\n\n"
	 "Skriver en sikkerhedskopi af databasen til FIL, også mens serveren kører (SQLites backup-API, i små\n"
	 "trin, så serveren ikke holdes tilbage). Kopien skrives først til FIL.tmp, kontrolleres (PRAGMA\n"
	 "integrity_check og logbogens kæde) og omdøbes så til FIL. En eksisterende FIL overskrives kun med\n"
	 "--force. Skriver kopiens størrelse og indhold og logbogens hoved (ID:HASH), som også gemmes i FIL.head;\n"
	 "tilsyn audit verify bruger det ved den gendannede kopi. Logbogens nøgle er ikke med i kopien: tag\n"
	 "sikkerhedskopi af den for sig. Gendannelse: se README.md, \"Backup and restore\".\n"},
	{"retention", cmd_retention,
	 "Brug:\n"
	 "  tilsyn retention show [--format text|json]\n"
	 "  tilsyn retention run [--dry-run] [--format text|json]\n"
	 "  tilsyn retention set [--months N] [--audit-extra-months N] [--notice-days N]\n"
	 "\n"
	 "Opbevaringsreglen: sagsdata i et afsluttet tilsyn slettes --months måneder (standard 24) efter at\n"
	 "tilsynet blev afsluttet. Sagsdata er stikprøvens sagsnumre, svarene og deres bemærkninger og\n"
	 "historik, kalibreringen, akut-markeringer, samtykker til sagseksempler og referaterne af stop-op-,\n"
	 "ledelses- og individuelle møder. Resultaterne gemmes først som optællinger pr. spørgsmål, så\n"
	 "resultater, udvikling og sammenligninger viser de samme tal bagefter. Tilsyn afsluttet før\n"
	 "afslutningsdatoen blev gemt, regnes fra den seneste dag, de vides at være arbejdet på (planlagt\n"
	 "slut, udtrækning, start på gennemgangen eller oprettelse).\n"
	 "Sager i en sagsliste, som ingen indlæsning har haft med i --months måneder, og som ikke er i et\n"
	 "tilsyn med sagsdata, slettes også. Logbogens poster slettes --audit-extra-months måneder (standard\n"
	 "6) efter de data, de handler om; kæden kan stadig kontrolleres med tilsyn audit verify. Lederen\n"
	 "ser på forsiden de tilsyn, hvis sagsdata slettes inden for --notice-days dage (standard 30).\n"
	 "\n"
	 "show viser indstillingerne, og hvornår hvert afsluttet tilsyns sagsdata slettes. run sletter det,\n"
	 "der er forfaldent, ét tilsyn ad gangen (alt eller intet pr. tilsyn), skriver hver sletning i\n"
	 "logbogen og viser, hvad der blev slettet; --dry-run viser det samme uden at slette noget. Kør den\n"
	 "fx hver nat fra cron. set ændrer indstillingerne; hver ændring skrives i logbogen.\n"},
	{"cases", cmd_cases,
	 "Brug:\n"
	 "  tilsyn cases import FIL --department KODE [--add] [--map felt=Overskrift,...] [--skip-invalid]\n"
	 "                     [--dry-run]\n"
	 "  tilsyn cases list --department KODE [--all] [--format csv|json]\n"
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
	 "viser de afviste. --dry-run kontrollerer kun. En ny indlæsning opdaterer sagerne ud fra sagsnummeret.\n"
	 "\n"
	 "Hver indlæsning er en version af afdelingens sagsliste. Filen erstatter den nuværende liste: sager,\n"
	 "der ikke er i filen, bliver i databasen (tidligere tilsyn), men er ikke længere på listen og trækkes\n"
	 "aldrig; udskriften nævner dem (med --dry-run: dem, der ville falde ud). --add tilføjer filen til den\n"
	 "nuværende liste i stedet, fx når listen er udtrukket i flere dele. En sag uden målgruppe får\n"
	 "afdelingens område (barn eller voksen). cases list viser den nuværende liste; --all tager også de\n"
	 "sager med, der ikke er på den, og kolonnen current siger, hvilke der er (true/false).\n"},
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
	 "                      [--provision P]... [--target barn|voksen] [--team T] [--advisor R]\n"
	 "                      [--opened-from DATO] [--opened-to DATO] [--decided-from DATO] [--decided-to DATO]\n"
	 "                      [--reason TEKST]\n"
	 "  tilsyn round replace TILSYN SAGSNUMMER --reason TEKST\n"
	 "  tilsyn round cases TILSYN [--format csv|json]\n"
	 "  tilsyn round results TILSYN [--format json|csv|text] [--advisor LOGIN|NAVN]\n"
	 "  tilsyn round assign TILSYN --auto [--reviewers LOGIN,LOGIN]\n"
	 "  tilsyn round assign TILSYN --case SAGSNUMMER --reviewer LOGIN|ingen\n"
	 "  tilsyn round sheet TILSYN -o FIL.xlsx\n"
	 "  tilsyn round calibrate TILSYN --cases K [--reviewers LOGIN,LOGIN]\n"
	 "  tilsyn round invite TILSYN LOGIN\n"
	 "  tilsyn round uninvite TILSYN LOGIN\n"
	 "  tilsyn round plan TILSYN [--performers TEKST] [--cases N] [--selection TEKST] [--timing TEKST]\n"
	 "                      [--gathering TEKST] [--stopop N]\n"
	 "  tilsyn round phase TILSYN [FASE [--reason TEKST]]\n"
	 "  tilsyn round list --department KODE [--format json|text]\n"
	 "  tilsyn round edit TILSYN [--title T] [--start ÅÅÅÅ-MM-DD] [--end ÅÅÅÅ-MM-DD] [--kind ART] [--theme KODE]...\n"
	 "  tilsyn round delete TILSYN --reason TEKST\n"
	 "\n"
	 "round list viser afdelingens tilsyn; json: [{\"id\", \"title\", \"kind\", \"phase\", \"start\", \"end\",\n"
	 "\"cases\"}] (datoer ÅÅÅÅ-MM-DD eller null, cases = udtrukne sager). round edit ændrer titel, periode,\n"
	 "art (kun før stikprøven er trukket) og temaer (--theme gentaget erstatter temaerne; kun før det første\n"
	 "svar); tom --start eller --end fjerner datoen. round delete sletter et tilsyn, hvor ingen sag er\n"
	 "gennemgået eller har svar; begrundelsen og titlen gemmes i loggen, og møder og tiltag bevares.\n"
	 "\n"
	 "round create skriver det nye tilsyns nummer. round sample trækker stikprøven: hver mulig sag får\n"
	 "nøglen BLAKE2b-256(nøgle = seed, besked = sagsnummer), og stikprøven er de N sager med de mindste\n"
	 "nøgler (med --per-advisor de K mindste for hver rådgiver). Seed er 32 byte (64 hextegn), tilfældigt\n"
	 "hvis det ikke angives, og gemmes altid med tilsynet. Sager gennemgået i afdelingen de sidste M\n"
	 "måneder (standard 12) kan ikke komme med, og kun sager på den nuværende sagsliste kan. --provision,\n"
	 "--team og --advisor finder en del af teksten uanset store og små bogstaver (også æ, ø og å). Før\n"
	 "udtrækningen vises, hvor mange sager listen har, og hvor mange udelukkelsen og hvert filter fjerner;\n"
	 "er der færre mulige sager end bedt om, siges det. Sagslistens version gemmes med tilsynet.\n"
	 "Stikprøven kan trækkes om, indtil gennemgangen begynder.\n"
	 "round replace erstatter én sag med den næste i rækkefølgen; begrundelsen logges.\n"
	 "round assign --auto fordeler de sager, der ikke har en gennemgående, jævnt mellem de valgte\n"
	 "(standard: afdelingens koordinatorer og rådgivere); ingen får sine egne sager (sagens rådgiver\n"
	 "sammenlignes med brugerens navn). --case og --reviewer giver én sag til én person.\n"
	 "round sheet skriver registreringsarket til gennemgang uden for tilsyn (se tilsyn answers --help).\n"
	 "round calibrate vælger K sager mere til en blind anden gennemgang: blandt sager med en første\n"
	 "gennemgående dem med de mindste nøgler; med --reviewers fordeles de (aldrig til første\n"
	 "gennemgående eller sagens rådgiver). Enigheden ses på tilsynets side under Kalibrering.\n"
	 "round invite giver en bruger med rollen ekstern i tilsynets afdeling adgang til et eksternt tilsyn:\n"
	 "konsulenten ser det tilsyn (stikprøve, gennemgang, resultater, rapport) og intet andet i afdelingen.\n"
	 "round uninvite fjerner adgangen igen; sager, der er fordelt til konsulenten, bliver ikke flyttet.\n"
	 "Et eksternt tilsyns sager fordeles som standard til de inviterede konsulenter (round assign --auto).\n"
	 "round plan gemmer arbejdsgruppens svar på planlægningsspørgsmålene: hvem udfører tilsynet\n"
	 "(--performers), hvor mange sager (--cases), hvordan de udvælges (--selection), hvornår (--timing),\n"
	 "hvordan resultaterne samles (--gathering) og antal stop-op-møder (--stopop). Kun de angivne svar\n"
	 "ændres; en tom tekst sletter et svar. Uden tilvalg vises svarene. CPR-numre afvises.\n"
	 "round phase skifter fase: planlaegning, udvaelgelse, gennemgang, analyse, tilbagemelding,\n"
	 "opfoelgning eller afsluttet (frem eller tilbage). Går tilsynet videre med arbejde tilbage (udtrukne\n"
	 "sager, der ikke er færdiggennemgået, når det går forbi gennemgang; individuel tilbagemelding eller\n"
	 "et personalemøde, der ikke er holdt, når det går forbi tilbagemelding), kræves --reason; ellers\n"
	 "afsluttes med status 2 og en besked om, hvad der mangler. Begrundelsen logges. Uden FASE vises\n"
	 "fasen og fasehistorikken.\n"
	 "Et afsluttet tilsyn er lukket: stikprøve, fordeling, svar, registreringsark, kalibrering og\n"
	 "markeringer kan ikke ændres (status 2). Det genåbnes med et faseskift tilbage, som kræver --reason.\n"
	 "Faseskift, som tilsyn selv laver (udtrækning, første svar), står i historikken som »automatisk«.\n"},
	{"report", cmd_report,
	 "Brug:\n"
	 "  tilsyn report TILSYN --audience ledelse|medarbejdere|raadgiver:NAVN --format html|pdf|xlsx -o FIL\n"
	 "                [--appendix]\n"
	 "\n"
	 "Skriver tilsynets rapport til én målgruppe:\n"
	 "  ledelse        side 1 med nøgletal, resultater pr. område og indhold; resultater, tal pr.\n"
	 "                 rådgiver og akut bekymring. Med --appendix også et bilag med hver sag\n"
	 "                 (sagsnummer), dens svar og bemærkninger (uden: kun de sager med akut bekymring).\n"
	 "  medarbejdere   til hele medarbejdergruppen: kun samlede tal; ingen sagsnumre, ingen rådgivernavne,\n"
	 "                 ingen bemærkninger, intet tal der bygger på færre end 5 sager, og sagseksempler\n"
	 "                 kun hvor rådgiveren har givet lov (beskrevet ved gennemgangens fund).\n"
	 "  raadgiver:NAVN individuel tilbagemelding til én rådgiver: egne sager med svar og bemærkninger\n"
	 "                 ved siden af afdelingens samlede tal. NAVN er brugernavnet eller et navn fra\n"
	 "                 sagslisten, der er knyttet til brugeren (tilsyn user alias); er det flere\n"
	 "                 personer eller ingen, siges det, og intet skrives (status 2).\n"
	 "Formater: html (til udskrift), pdf (A4 med sidetal og indholdsfortegnelse) og xlsx (arkene\n"
	 "Resultater med diagram, Svar, Kommentarer og Om rapporten).\n"
	 "Rapporten indeholder arbejdsgruppens tekst (endelig, eller mærket KLADDE) og en forklaring af tallene.\n"
	 "En rapport med sagsnumre registreres i logbogen for hver sag. Filen skrives helt eller slet ikke.\n"},
	{"meeting", cmd_meeting,
	 "Brug:\n"
	 "  tilsyn meeting add --department KODE --kind ART --date ÅÅÅÅ-MM-DD [--time TT:MM] [--round TILSYN]\n"
	 "                     [--advisor NAVN] [--participants TEKST] [--minutes TEKST] [--status STATUS]\n"
	 "  tilsyn meeting list --department KODE [--round TILSYN] [--format json|text]\n"
	 "\n"
	 "Arter: information (personalet får rammer og tidsplan, før gennemgangen begynder), stopop\n"
	 "(undervejs), ledelse (resultaterne til ledelsen), personale (resultaterne til personalet på et\n"
	 "personalemøde), individuel (tilbagemelding til én rådgiver; --advisor med navnet som i sagslisten)\n"
	 "og forventning (forventningsafstemning ved et eksternt tilsyn). Status: planlagt (standard),\n"
	 "afholdt eller aflyst. --minutes er et kort referat, --participants deltagerne.\n"
	 "Referat og deltagere ved information og personale må ikke nævne et sagsnummer fra afdelingens\n"
	 "sagsliste, og intet møde må indeholde et CPR-nummer: så gemmes intet. add skriver mødets nummer.\n"
	 "list skriver én linje pr. møde: nummer, dato, tid, art, status, tilsyn og rådgiver, adskilt med\n"
	 "tabulator; --format json: [{\"id\", \"kind\", \"date\", \"time\", \"status\", \"round\", \"advisor\",\n"
	 "\"participants\", \"minutes\"}].\n"},
	{"action", cmd_action,
	 "Brug:\n"
	 "  tilsyn action add --department KODE --title TITEL --owner LOGIN --due ÅÅÅÅ-MM-DD [--round TILSYN]\n"
	 "                    [--question KODE]... [--theme KODE]... [--description TEKST] [--status STATUS]\n"
	 "  tilsyn action list --department KODE [--format json|text]\n"
	 "\n"
	 "Et tiltag har en ansvarlig (en bruger med en rolle i afdelingen), en frist og en status: planlagt\n"
	 "(standard), i_gang, gennemfoert eller opgivet. --question er en spørgsmålskode fra tilsynets\n"
	 "spørgekataloger, --theme koden på et temakatalog: det, tiltaget skal forbedre. add skriver tiltagets\n"
	 "nummer. Et tiltag er overskredet, når fristen er passeret, og det hverken er gennemført eller opgivet.\n"
	 "Når det næste sammenlignelige tilsyn (samme afdeling og art, senere, med svar) har resultater, viser\n"
	 "list ændringen i andelen opfyldt for hvert spørgsmål eller tema med 95 %-interval (Newcombe).\n"
	 "list --format json: [{\"id\", \"title\", \"description\", \"owner\", \"owner_name\", \"due\", \"status\",\n"
	 "\"overdue\", \"round\", \"next_round\", \"targets\": [{\"kind\", \"code\", \"text\", \"questions\",\n"
	 "\"before\": null | {\"round\", \"yes\", \"base\", \"fulfilled\", \"ci_low\", \"ci_high\"}, \"change\": null |\n"
	 "{... som before, og \"diff\", \"diff_low\", \"diff_high\", \"verdict\"}}]}].\n"},
	{"plan", cmd_plan,
	 "Brug: tilsyn [--db STI] plan --department KODE [--year ÅÅÅÅ] [--format json|text]\n"
	 "\n"
	 "Viser afdelingens årshjul for et år (standard: i år): de tilsyn, der er planlagt eller holdt i året,\n"
	 "og advarsler, hvor planen afviger fra anbefalingerne. Et tilsyns periode er den planlagte start og\n"
	 "afslutning; uden planlagt start bruges dagen for udtrækningen, ellers dagen det blev oprettet.\n"
	 "Advarslerne (koderne i json) er:\n"
	 "  too_few_rounds      færre end to ledelsestilsyn (overordnede og uddybende; eksterne tæller ikke)\n"
	 "  too_few_cases       et overordnet under 30 eller et uddybende under 20 sager (stikprøven, eller\n"
	 "                      det planlagte antal, før stikprøven er trukket)\n"
	 "  too_many_themes     mere end to temaer i et tilsyn\n"
	 "  remeasure_too_soon  det samme tema, de samme sagstyper eller et nyt overordnet tilsyn under 8\n"
	 "                      måneder efter starten af det forrige\n"
	 "  working_group       arbejdsgruppen er ikke 3-5 personer med leder, faglig koordinator og rådgiver\n"
	 "  staff_not_informed  gennemgangen begyndte uden et afholdt informationsmøde, eller starten er\n"
	 "                      under 30 dage væk uden et planlagt informationsmøde\n"
	 "json: {\"rounds\": [{\"id\", \"kind\", \"title\", \"phase\", \"planned_start\", \"planned_end\", \"start\",\n"
	 "\"end\", \"date_source\", \"sampled\", \"planned_cases\", \"review_started\", \"finished\", \"themes\"}],\n"
	 "\"warnings\": [{\"code\", \"round\" (tilsynets nummer eller null), \"message\"}]}.\n"},
	{"calendar", cmd_calendar,
	 "Brug: tilsyn [--db STI] calendar --department KODE -o FIL.ics\n"
	 "\n"
	 "Skriver afdelingens kalender som iCalendar-fil (RFC 5545), som Outlook og andre kalendere kan\n"
	 "indlæse: hvert planlagt tilsyn som heldagsbegivenhed med fristen (planlagt afslutning), møderne\n"
	 "(med klokkeslæt i dansk tid) og tiltagenes frister. Kun datoer og titler: ingen sagsnumre,\n"
	 "referater eller navne. -o - skriver til standard output. Lederen kan på årshjulets side lave en\n"
	 "hemmelig adresse, som en kalender kan abonnere på.\n"},
	{"workgroup", cmd_workgroup,
	 "Brug:\n"
	 "  tilsyn workgroup add LOGIN --department KODE --function leder|koordinator|raadgiver\n"
	 "  tilsyn workgroup remove LOGIN --department KODE\n"
	 "  tilsyn workgroup list --department KODE [--format json|text]\n"
	 "\n"
	 "Arbejdsgruppen planlægger afdelingens tilsyn. Anbefalingen er 3-5 personer: lederen, en faglig\n"
	 "koordinator og 1-3 rådgivere. Kun medarbejdere med en rolle i afdelingen (ikke ekstern) kan være med.\n"
	 "add tilføjer en person eller skifter personens funktion; afvigelser fra anbefalingen vises som\n"
	 "advarsler og forhindrer intet. list viser gruppen og advarslerne; json: {\"department\",\n"
	 "\"members\": [{\"login\", \"name\", \"function\", \"role\", \"counts\"}], \"warnings\": [tekst]}.\n"},
	{"answers", cmd_answers,
	 "Brug:\n"
	 "  tilsyn answers import TILSYN FIL.xlsx [--user LOGIN] [--overwrite]\n"
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
	 "gemmes som; ellers gemmes de som kommandolinjen.\n"
	 "\n"
	 "Et gammelt ark overskriver ikke nyere arbejde: arket husker (i det skjulte ark tilsyn), hvilke svar\n"
	 "der var gemt, da det blev lavet. Er et svar ændret siden, og siger arket noget andet, afvises hele\n"
	 "arket (exit 2), og hver sådan celle vises med det nyere svar, hvem der gemte det og hvornår. Et ark\n"
	 "uden den oplysning (fx lavet i hånden) må udfylde tomme svar, men ikke ændre et gemt svar. Celler,\n"
	 "der siger det samme som det gemte, er aldrig et problem. --overwrite gemmer arkets svar alligevel.\n"},
};

int main(int argc, char **argv)
{
	const char *path = getenv("TILSYN_DB");
	audit_key_file = getenv("TILSYN_AUDIT_KEY");
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
		else if (!strcmp(argv[i], "--audit-key") && i + 1 < argc)
			audit_key_file = argv[++i];
		else if (!strncmp(argv[i], "--audit-key=", 12))
			audit_key_file = argv[i] + 12;
		else
			return cli_fail("ukendt tilvalg %s (se tilsyn --help)", argv[i]);
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[i], "help"))
		return help(usage_text);
	/* --db after the command would be taken for one of the command's own arguments (or
	** silently ignored), and the command would run on another database: refused. */
	for (int j = i + 1; j < argc; j++)
		if (!strcmp(argv[j], "--db") || !strncmp(argv[j], "--db=", 5))
			return cli_fail("--db skal stå før kommandoen, fordi den gælder alle kommandoer: "
			                "tilsyn --db STI %s ... (fx tilsyn --db var/tilsyn.db %s)",
			                argv[i], argv[i]);
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
		Db *db = open_db(db_path(), !strcmp(argv[i], "init"));
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
