/*
** tilsyn backup FILE [--force]: a checked copy of the database while the server runs (backup.c).
*/
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

static const char backup_usage[] = "brug: tilsyn backup FIL [--force]";

int cmd_backup(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	int force = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_fail("%s", backup_usage);
		force = 1;
	}
	if (optind + 1 != argc || !*argv[optind])
		return cli_fail("%s", backup_usage);
	const char *path = argv[optind];
	struct stat a, b;
	if (stat(path, &a) == 0 && stat(db_path(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return cli_fail("backup: %s er selve databasen; skriv kopien til en anden fil", path);
	BackupStats st;
	char err[1024];
	int rc = backup_write(db, path, force, &st, err, sizeof err);
	if (rc == 2)
		return cli_fail("backup: %s", err);
	if (rc != 0) {
		fprintf(stderr, "tilsyn: backup: %s\n", err);
		return 1;
	}
	char detail[1200];
	snprintf(detail, sizeof detail, "sikkerhedskopi skrevet til %s (%lld byte, %lld poster i logbogen, hoved %s)",
	         path, (long long)st.bytes, (long long)st.audit, st.head);
	cli_audit(db, "backup", 0, "database", detail);
	printf("Sikkerhedskopien er skrevet til %s og kontrolleret (integrity_check og logbogens kæde er i orden).\n"
	       "Størrelse: %lld byte. Skemaversion %d.\n"
	       "Indhold: %lld afdelinger, %lld brugere, %lld sager, %lld tilsyn, %lld svar, %lld poster i logbogen.\n"
	       "Logbogens hoved: %s (gemt i %s.head; gem det også uden for maskinen).\n",
	       path, (long long)st.bytes, st.schema, (long long)st.departments, (long long)st.users, (long long)st.cases,
	       (long long)st.rounds, (long long)st.answers, (long long)st.audit, st.head, path);
	return 0;
}
