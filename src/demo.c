/*
** The demo municipality: a children's and an adults' disability department with people in
** every role, so that a newcomer can log in and see tilsyn working. Everything is
** synthetic; no name, number or case belongs to a real person. Later features add
** their own demo data here.
*/
#include "tilsyn.h"

#include <stdio.h>

static const struct {
	const char *code, *name, *area;
} demo_departments[] = {
	{"BHS", "Børn og unge med handicap", "barn"},
	{"VHS", "Voksenhandicap", "voksen"},
};

static const struct {
	const char *login, *name, *department, *role;
} demo_users[] = {
	{"admin", "Systemadministrator", NULL, "admin"},
	{"leder.barn", "Karen Holm", "BHS", "leder"},
	{"koordinator.barn", "Mette Juhl", "BHS", "koordinator"},
	{"anne", "Anne Bækgaard", "BHS", "raadgiver"},
	{"morten", "Morten Løvstad", "BHS", "raadgiver"},
	{"louise", "Louise Krag", "BHS", "raadgiver"},
	{"henrik", "Henrik Østerby", "BHS", "raadgiver"},
	{"leder.voksen", "Jens Ravn", "VHS", "leder"},
	{"koordinator.voksen", "Birgitte Lund", "VHS", "koordinator"},
	{"signe", "Signe Økjær", "VHS", "raadgiver"},
	{"peter", "Peter Dahl", "VHS", "raadgiver"},
	{"sofie", "Sofie Brandt", "VHS", "raadgiver"},
	{"ahmad", "Ahmad Nasser", "VHS", "raadgiver"},
	{"ekstern", "Camilla Berg (konsulent)", "VHS", "ekstern"},
};

int demo_fill(sqlite3 *db, const char **msg)
{
	Stmt q;
	db_prepare(&q, db, "SELECT (SELECT count(*) FROM department) + (SELECT count(*) FROM users)");
	int64_t rows = db_step(&q) ? db_col_int(&q, 0) : -1;
	db_finalize(&q);
	if (rows != 0) {
		*msg = _("Databasen er ikke tom. Demodata lægges kun i en tom database (brug en ny fil med --db).");
		return -1;
	}
	if (db_begin(db) != SQLITE_OK) {
		*msg = _("Databasen er optaget af et andet program.");
		return -1;
	}
	for (size_t i = 0; i < COUNT(demo_departments); i++)
		if (department_add(db, demo_departments[i].code, demo_departments[i].name, demo_departments[i].area, NULL,
		                   msg) != 0)
			goto fail;
	/* Every demo user has the same password (DEMO_PASSWORD), which `make run` prints. */
	for (size_t i = 0; i < COUNT(demo_users); i++) {
		int64_t id;
		Role role = role_parse(demo_users[i].role);
		if (user_add(db, demo_users[i].login, demo_users[i].name, role == ROLE_ADMIN, DEMO_PASSWORD, 0, &id, msg) != 0)
			goto fail;
		if (demo_users[i].department) {
			Department d;
			department_by_code(db, demo_users[i].department, &d);
			if (user_set_role(db, id, d.id, role, msg) != 0)
				goto fail;
		}
	}
	audit_log(db, &(AuditEntry){.action = "demo", .detail = "demodata oprettet"});
	if (db_commit(db) != SQLITE_OK) {
		*msg = _("Demodata kunne ikke gemmes.");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}
