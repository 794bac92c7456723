/*
** tilsyn demo: fills an empty database with a synthetic municipality (demo.c).
*/
#include "cli.h"

#include <stdio.h>

int cmd_demo(Db *db, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_fail("demo tager ingen argumenter");
	char msg[300];
	if (demo_fill(db, msg, sizeof msg) != 0)
		return cli_fail("%s", msg);
	printf("Demodata er oprettet i %s. Alle demobrugere har adgangskoden %s:\n"
	       "  admin (administrator), leder.barn, koordinator.barn, anne (rådgiver) - Børn og unge med handicap\n"
	       "  leder.voksen, koordinator.voksen, signe (rådgiver), ekstern - Voksenhandicap\n"
	       "Begge afdelinger har en sagsliste og et planlagt overordnet tilsyn med en udtrukket stikprøve.\n"
	       "Børn og unge med handicap har desuden et uddybende tilsyn, der er halvvejs gennemgået.\n"
	       "Voksenhandicap har et eksternt tilsyn i gang; konsulenten (login ekstern) ser kun det.\n",
	       db_path(), DEMO_PASSWORD);
	return 0;
}
