/*
** Departments (afdelinger): the unit a tilsyn belongs to. A department has a short code
** used on the command line and in addresses, a name, and an area: children (barn) or
** adults (voksen), which decides the default question catalogue.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Codes are 1-32 letters, digits, '-' or '_': they appear in URLs and file names. */
int department_valid_code(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)code[i]) && code[i] != '-' && code[i] != '_')
			return 0;
	return 1;
}

/* The stored form of a department code: ASCII upper case (a valid code is ASCII only), as codes
** are written in addresses and lists; every code that comes in is looked up in this form. Writes it
** to out (which may be code itself) and returns out: "", which is no code, when it does not fit
** in n bytes; NULL for NULL. */
const char *department_code_canonical(const char *code, char *out, size_t n)
{
	return str_ascii_case(code, 1, out, n);
}

static const char *check_name_area(const char *name, const char *area)
{
	if (str_empty(name))
		return _("Navn mangler.");
	if (strlen(name) > 200)
		return _("Navnet er for langt (højst 200 tegn).");
	if (!utf8_valid(name, strlen(name)))
		return _("Navnet indeholder ugyldige tegn.");
	if (cpr_find(name) >= 0)
		return _("Navnet ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	if (!str_eq(area, "barn") && !str_eq(area, "voksen"))
		return _("Området skal være 'barn' eller 'voksen'.");
	return NULL;
}

int department_add(Db *db, const char *code, const char *name, const char *area, int64_t *id,
                   char *msg, size_t n)
{
	if (!code || !department_valid_code(code))
		return msg_fail(msg, n, "%s", _("Koden skal være 1-32 tegn: bogstaver a-z, tal, '-' eller '_'."));
	if (cpr_find(code) >= 0)
		return msg_fail(msg, n, "%s", _("Koden ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn."));
	const char *problem = check_name_area(name, area);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	char key[DEPARTMENT_CODE_SIZE];
	int64_t new_id = 0;
	Stmt q;
	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, "INSERT INTO department (code, name, area, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id");
	db_bind_text(&q, 1, department_code_canonical(code, key, sizeof key));
	db_bind_text(&q, 2, name);
	db_bind_text(&q, 3, area);
	db_bind_text(&q, 4, now);
	int rc = db_insert_id(&q, &new_id);
	db_finalize(&q);
	if (rc == DB_UNIQUE)
		return msg_fail(msg, n, "%s", _("Der findes allerede en afdeling med den kode."));
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Afdelingen kunne ikke gemmes i databasen."));
	if (id)
		*id = new_id;
	return 0;
}

int department_update(Db *db, int64_t id, const char *name, const char *area, char *msg, size_t n)
{
	const char *problem = check_name_area(name, area);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	Stmt q;
	db_prepare(&q, db, "UPDATE department SET name = ?2, area = ?3 WHERE id = ?1");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, name);
	db_bind_text(&q, 3, area);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Afdelingen kunne ikke gemmes i databasen."));
	return 0;
}

static int department_row(Stmt *q, Department *out)
{
	if (!db_step(q))
		return 0;
	out->id = db_col_int(q, 0);
	snprintf(out->code, sizeof out->code, "%s", db_col_text(q, 1));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(q, 2));
	snprintf(out->area, sizeof out->area, "%s", db_col_text(q, 3));
	return 1;
}

int department_by_code(Db *db, const char *code, Department *out)
{
	char key[DEPARTMENT_CODE_SIZE];
	Stmt q;
	db_prepare(&q, db, "SELECT id, code, name, area FROM department WHERE code = ?1");
	db_bind_text(&q, 1, department_code_canonical(code, key, sizeof key));
	int found = department_row(&q, out);
	db_finalize(&q);
	return found;
}

int department_by_id(Db *db, int64_t id, Department *out)
{
	Stmt q;
	db_prepare(&q, db, "SELECT id, code, name, area FROM department WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = department_row(&q, out);
	db_finalize(&q);
	return found;
}
