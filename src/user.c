/*
** Users and their roles. A user has a login, a name and a password; administrators are
** marked on the user, and every other role is held per department (membership), so one
** person can be leder in one department and reviewer in another.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Logins are 2-64 characters: letters, digits and . _ - @ (e-mail addresses work). */
int user_valid_login(const char *login)
{
	size_t n = strlen(login);
	if (n < 2 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		if (!isalnum(c) && !strchr("._-@", c))
			return 0;
	}
	return 1;
}

/* The stored form of a login: ASCII lower case (a valid login is ASCII only). Every login that
** comes in (forms, command line, lookups) is compared in this form, so "Anne.Hansen" finds
** anne.hansen on any backend without a case-insensitive collation. Writes it to out (which may
** be login itself) and returns out: "", which is no login, when it does not fit in n bytes;
** NULL for NULL. */
const char *user_login_canonical(const char *login, char *out, size_t n)
{
	return str_ascii_case(login, 0, out, n);
}

static int user_row(Stmt *q, User *out)
{
	if (!db_step(q))
		return 0;
	out->id = db_col_int(q, 0);
	snprintf(out->login, sizeof out->login, "%s", db_col_text(q, 1));
	snprintf(out->name, sizeof out->name, "%s", db_col_text(q, 2));
	out->is_admin = (int)db_col_int(q, 3);
	out->active = (int)db_col_int(q, 4);
	out->must_change_password = (int)db_col_int(q, 5);
	return 1;
}

int user_by_id(Db *db, int64_t id, User *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, login, name, is_admin, active, must_change_password FROM users WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = user_row(&q, out);
	db_finalize(&q);
	return found;
}

int user_by_login(Db *db, const char *login, User *out)
{
	char key[USER_LOGIN_SIZE];
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, login, name, is_admin, active, must_change_password FROM users WHERE login = ?1");
	db_bind_text(&q, 1, user_login_canonical(login, key, sizeof key));
	int found = user_row(&q, out);
	db_finalize(&q);
	return found;
}

static const char *check_name(const char *name)
{
	if (str_empty(name))
		return _("Navn mangler.");
	if (strlen(name) > 200)
		return _("Navnet er for langt (højst 200 tegn).");
	if (!utf8_valid(name, strlen(name)))
		return _("Navnet indeholder ugyldige tegn.");
	if (cpr_find(name) >= 0)
		return _("Navnet ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	return NULL;
}

int user_add(Db *db, const char *login, const char *name, int is_admin, const char *password,
             int must_change, int64_t *id, char *msg, size_t n)
{
	if (!login || !user_valid_login(login))
		return msg_fail(msg, n, "%s", _("Brugernavnet skal være 2-64 tegn: bogstaver a-z, tal, '.', '_', '-' eller '@'."));
	if (cpr_find(login) >= 0)
		return msg_fail(msg, n, "%s", _("Brugernavnet ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn."));
	const char *problem = check_name(name);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	problem = auth_password_problem(password);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	char hash[128];
	if (auth_password_hash(password, hash, sizeof hash) != 0)
		return msg_fail(msg, n, "%s", _("Adgangskoden kunne ikke krypteres (for lidt hukommelse?)."));
	char key[USER_LOGIN_SIZE];
	int64_t new_id = 0;
	Stmt q;
	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, "INSERT INTO users (login, name, password_hash, is_admin, must_change_password, created_at)"
	           " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
	db_bind_text(&q, 6, now);
	db_bind_text(&q, 1, user_login_canonical(login, key, sizeof key));
	db_bind_text(&q, 2, name);
	db_bind_text(&q, 3, hash);
	db_bind_int(&q, 4, is_admin != 0);
	db_bind_int(&q, 5, must_change != 0);
	int rc = db_insert_id(&q, &new_id);
	db_finalize(&q);
	if (rc == DB_UNIQUE)
		return msg_fail(msg, n, "%s", _("Der findes allerede en bruger med det brugernavn."));
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Brugeren kunne ikke gemmes i databasen."));
	if (id)
		*id = new_id;
	return 0;
}

int user_update(Db *db, int64_t id, const char *name, int is_admin, int active, char *msg, size_t n)
{
	const char *problem = check_name(name);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	Stmt q;
	db_prepare(&q, db, "UPDATE users SET name = ?2, is_admin = ?3, active = ?4 WHERE id = ?1");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, name);
	db_bind_int(&q, 3, is_admin != 0);
	db_bind_int(&q, 4, active != 0);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Brugeren kunne ikke gemmes i databasen."));
	if (!active)
		auth_session_end_user(db, id);
	return 0;
}

/* Sets a new password and ends the user's sessions everywhere. */
int user_set_password(Db *db, int64_t id, const char *password, int must_change, char *msg, size_t n)
{
	const char *problem = auth_password_problem(password);
	if (problem)
		return msg_fail(msg, n, "%s", problem);
	char hash[128];
	if (auth_password_hash(password, hash, sizeof hash) != 0)
		return msg_fail(msg, n, "%s", _("Adgangskoden kunne ikke krypteres (for lidt hukommelse?)."));
	Stmt q;
	db_prepare(&q, db, "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, hash);
	db_bind_int(&q, 3, must_change != 0);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Adgangskoden kunne ikke gemmes i databasen."));
	auth_session_end_user(db, id);
	return 0;
}

/* Gives the user a role in the department, or removes it with ROLE_NONE. */
int user_set_role(Db *db, int64_t user_id, int64_t department_id, Role role, char *msg, size_t n)
{
	Stmt q;
	if (role == ROLE_NONE) {
		db_prepare(&q, db, "DELETE FROM membership WHERE user_id = ?1 AND department_id = ?2");
	} else if (role == ROLE_ADMIN) {
		msg_fail(msg, n, "%s", _("Administrator er ikke en rolle i en afdeling."));
		return -1;
	} else {
		db_prepare(&q, db,
		           "INSERT INTO membership (user_id, department_id, role) VALUES (?1, ?2, ?3)"
		           " ON CONFLICT (user_id, department_id) DO UPDATE SET role = excluded.role");
		db_bind_text(&q, 3, role_code(role));
	}
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, department_id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK)
		return msg_fail(msg, n, "%s", _("Rollen kunne ikke gemmes i databasen."));
	return 0;
}

Role user_role_in(Db *db, int64_t user_id, int64_t department_id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT role FROM membership WHERE user_id = ?1 AND department_id = ?2");
	db_bind_int(&q, 1, user_id);
	db_bind_int(&q, 2, department_id);
	Role r = db_step(&q) ? role_parse(db_col_text(&q, 0)) : ROLE_NONE;
	db_finalize(&q);
	return r;
}
