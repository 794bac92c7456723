/*
** Post/redirect/get for forms, also after a validation error. A POST that finds an error does
** not answer with the form: it stores what was typed and the messages (a "form flash") and
** answers 303 to the GET of the form, which reads them back once and shows the error summary at
** the top and each message at its field. So the browser's Back never offers to resubmit, and a
** reload shows the plain form.
**
** The flash lives in the database (table form_flash), so any of several servers can show it;
** its random id travels in the address (?fejl=ID). It is single-use (deleted as it is read),
** bound to the session that posted it (before login: to the login form's cookie) and to the
** address it was made for, and expires after FLASH_SECONDS. It never holds a password (the
** fields "csrf", "password", "current", "new" and "repeat" are never kept), a file, or a CPR
** number (masked as cpr.c does, 010190-xxxx: the person sees what to remove).
**
** In a POST handler, on an error (after rolling back what it began):
**     flash_fail(r, "/d/X/meetings/new", "date", _("Skriv datoen ..."));     one message
** or, for several messages:
**     Flash *f = flash_begin(r);
**     flash_error(f, "date", msg1); flash_error(f, "title", msg2);
**     flash_redirect(r, f, location);
** The field name is the form field's name (and its input's id, where the summary links); NULL
** or "" for a message that belongs to no field. A message can carry a kind of its own and a
** value that goes with it, for a page whose fields have more than one way to fail (the review's
** "Gem svar": a question not saved, or saved by someone else first, with their answer):
**     flash_note(f, "q-12", "conflict", msg, json_of_their_answer);
** read back with flash_field_kind and flash_field_extra.
**
** In the GET handler of the form:
**     const Flash *f = flash_take(r);            never NULL; empty when there is nothing to show
**     flash_summary(r, f);                       the GOV.UK error summary, first in <main>
**     value = flash_value(f, "date", stored);    what was typed, else the stored value
**     flash_field_error(r, f, "date");           the message at the field, just before its input
**     flash_field_attrs(r, f, "date");           inside the input's tag: aria-invalid, aria-describedby
*/
#include "http.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLASH_SECONDS (10 * 60)
#define DRAFT_COOKIE "tilsyn_kladde"
#define DRAFT_SECONDS (30 * 60) /* the longest any row lives: older ones are purged by every store */
#define DRAFT_MAX 1000          /* drafts waiting at once, over all browsers */
#define FLASH_MAX 256 /* messages one post can carry: one per question of a review form */
#define LOGIN_COOKIE "tilsyn_login"

struct Flash {
	Req *r;
	int nfields, nerrors;
	const char **field_name, **field_value;
	const char *error_field[FLASH_MAX], *error_text[FLASH_MAX];
	const char *error_kind[FLASH_MAX], *error_extra[FLASH_MAX]; /* NULL: a plain message */
};

static int secret(const char *name)
{
	static const char *const names[] = {"csrf", "password", "current", "new", "repeat"};
	for (size_t i = 0; i < COUNT(names); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* What binds a flash to the browser before login: a hash of the login form's cookie. */
static int login_bind(Req *r, unsigned char out[32])
{
	const char *c = req_cookie(r, LOGIN_COOKIE);
	if (str_empty(c))
		return 0;
	crypto_generichash(out, 32, (const unsigned char *)c, strlen(c), NULL, 0);
	return 1;
}

Flash *flash_begin(Req *r)
{
	Flash *f = arena_alloc(r->arena, sizeof *f);
	memset(f, 0, sizeof *f);
	f->r = r;
	f->field_name = arena_alloc(r->arena, sizeof *f->field_name * (size_t)(r->nform + 1));
	f->field_value = arena_alloc(r->arena, sizeof *f->field_value * (size_t)(r->nform + 1));
	for (int i = 0; i < r->nform; i++) {
		const Param *p = &r->form[i];
		if (p->filename || secret(p->name))
			continue; /* files and passwords are never kept */
		char *masked = cpr_mask(p->value); /* a CPR number is never stored, not even for minutes */
		f->field_name[f->nfields] = p->name;
		f->field_value[f->nfields++] = arena_strdup(r->arena, masked);
		free(masked);
	}
	return f;
}

void flash_note(Flash *f, const char *field, const char *kind, const char *message, const char *extra)
{
	if (f->nerrors < FLASH_MAX) {
		f->error_field[f->nerrors] = field ? field : "";
		f->error_kind[f->nerrors] = kind;
		f->error_extra[f->nerrors] = extra;
		f->error_text[f->nerrors++] = message;
	}
}

void flash_error(Flash *f, const char *field, const char *message)
{
	flash_note(f, field, NULL, message, NULL);
}

int flash_errors(const Flash *f)
{
	return f->nerrors;
}

/* location without its query and fragment: the path the flash is bound to. */
static const char *path_of(Arena *a, const char *location)
{
	return arena_strndup(a, location, strcspn(location, "?#"));
}

/* Stores one row (session_id 0: none; bind NULL: none), in its own transaction unless the
** caller holds one, after purging rows older than any may live. 1 when stored. */
static int store(Req *r, const char *id, int64_t session_id, const unsigned char bind[32], const char *path,
                 const char *data)
{
	int64_t now = time(NULL);
	int own = !db_in_transaction(r->db);
	if (own && db_begin(r->db) != DB_OK)
		return 0;
	Stmt q;
	db_prepare(&q, r->db, "DELETE FROM form_flash WHERE created < ?1");
	db_bind_int(&q, 1, now - DRAFT_SECONDS);
	int rc = db_done(&q);
	db_finalize(&q);
	db_prepare(&q, r->db,
	           "INSERT INTO form_flash (id, session_id, bind_hash, path, data, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	db_bind_text(&q, 1, id);
	if (session_id)
		db_bind_int(&q, 2, session_id);
	else
		db_bind_null(&q, 2);
	if (bind)
		db_bind_blob(&q, 3, bind, 32);
	else
		db_bind_null(&q, 3);
	db_bind_text(&q, 4, path);
	db_bind_text(&q, 5, data);
	db_bind_int(&q, 6, now);
	if (rc == DB_OK)
		rc = db_done(&q);
	db_finalize(&q);
	if (!own)
		return rc == DB_OK;
	if (rc == DB_OK && db_commit(r->db) == DB_OK)
		return 1;
	db_rollback(r->db);
	return 0;
}

void flash_redirect(Req *r, Flash *f, const char *location)
{
	/* Pairs, not an object: a field sent more than once (ticked checkboxes) keeps every value. */
	json_t *root = json_object(), *fields = json_array(), *errors = json_array();
	for (int i = 0; i < f->nfields; i++)
		json_array_append_new(fields, json_pack("[ss]", f->field_name[i], f->field_value[i]));
	for (int i = 0; i < f->nerrors; i++)
		if (f->error_kind[i])
			json_array_append_new(errors, json_pack("[ssss]", f->error_field[i], f->error_text[i], f->error_kind[i],
			                                        f->error_extra[i] ? f->error_extra[i] : ""));
		else
			json_array_append_new(errors, json_pack("[ss]", f->error_field[i], f->error_text[i]));
	json_object_set_new(root, "fields", fields);
	json_object_set_new(root, "errors", errors);
	char *data = json_dumps(root, JSON_COMPACT);
	json_decref(root);

	char id[TOKEN_HEX];
	auth_random_token(id);
	unsigned char bind[32];
	int have_bind = !r->session && login_bind(r, bind);
	int stored = data && store(r, id, r->session ? r->session->id : 0, have_bind ? bind : NULL,
	                           path_of(r->arena, location), data);
	free(data);
	/* Without a stored flash (the database refused the write) the first message is the answer,
	** a 400 that becomes the database's 503 when a write failed (http.c). */
	if (!stored) {
		http_error(r, 400, f->nerrors ? f->error_text[0] : _("Formularen kunne ikke gemmes. Prøv igen."));
		return;
	}
	const char *sep = strchr(location, '?') ? "&" : "?";
	const char *hash = strchr(location, '#');
	const char *base = hash ? arena_strndup(r->arena, location, (size_t)(hash - location)) : location;
	http_redirect(r, arena_printf(r->arena, "%s%sfejl=%s", base, sep, id));
}

void flash_fail(Req *r, const char *location, const char *field, const char *message)
{
	Flash *f = flash_begin(r);
	flash_error(f, field, message);
	flash_redirect(r, f, location);
}

const Flash *flash_take(Req *r)
{
	Flash *f = arena_alloc(r->arena, sizeof *f);
	memset(f, 0, sizeof *f);
	f->r = r;
	const char *id = req_query(r, "fejl");
	if (str_empty(id) || strlen(id) != TOKEN_HEX - 1)
		return f;
	unsigned char bind[32];
	int have_bind = !r->session && login_bind(r, bind);
	if (!r->session && !have_bind)
		return f;
	/* Read and deleted in one statement: a second GET with the same id finds nothing. */
	Stmt q;
	db_prepare(&q, r->db,
	           "DELETE FROM form_flash WHERE id = ?1 AND path = ?2 AND created >= ?3"
	           " AND (session_id = ?4 OR (?4 IS NULL AND session_id IS NULL AND bind_hash = ?5)) RETURNING data");
	db_bind_text(&q, 1, id);
	db_bind_text(&q, 2, r->path);
	db_bind_int(&q, 3, (int64_t)time(NULL) - FLASH_SECONDS);
	if (r->session)
		db_bind_int(&q, 4, r->session->id);
	else
		db_bind_null(&q, 4);
	if (have_bind)
		db_bind_blob(&q, 5, bind, sizeof bind);
	else
		db_bind_null(&q, 5);
	char *data = db_step(&q) ? arena_strdup(r->arena, db_col_text(&q, 0)) : NULL;
	db_finalize(&q);
	json_t *root = data ? json_loads(data, 0, NULL) : NULL;
	if (!root)
		return f;
	json_t *fields = json_object_get(root, "fields"), *errors = json_object_get(root, "errors");
	size_t n = json_array_size(fields), i;
	f->field_name = arena_alloc(r->arena, sizeof *f->field_name * (n + 1));
	f->field_value = arena_alloc(r->arena, sizeof *f->field_value * (n + 1));
	json_t *v;
	json_array_foreach(fields, i, v)
	{
		const char *key = json_string_value(json_array_get(v, 0)), *value = json_string_value(json_array_get(v, 1));
		if (key && value) {
			f->field_name[f->nfields] = arena_strdup(r->arena, key);
			f->field_value[f->nfields++] = arena_strdup(r->arena, value);
		}
	}
	json_array_foreach(errors, i, v)
	{
		const char *field = json_string_value(json_array_get(v, 0)), *text = json_string_value(json_array_get(v, 1));
		const char *kind = json_string_value(json_array_get(v, 2)), *extra = json_string_value(json_array_get(v, 3));
		if (text)
			flash_note(f, arena_strdup(r->arena, field ? field : ""), kind ? arena_strdup(r->arena, kind) : NULL,
			           arena_strdup(r->arena, text), extra ? arena_strdup(r->arena, extra) : NULL);
	}
	json_decref(root);
	return f;
}

const char *flash_value(const Flash *f, const char *name, const char *fallback)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->field_name[i], name) == 0)
			return f->field_value[i];
	return fallback;
}

/* A page that shows a refused form "as typed" from req_form (it used to be rendered by the
** POST itself) shows it so on the GET too: what was typed becomes the request's form. Returns 1
** when there was something to restore. */
int flash_restore_form(Req *r, const Flash *f)
{
	if (!f->nfields)
		return 0;
	Param *form = arena_alloc(r->arena, sizeof *form * (size_t)f->nfields);
	memset(form, 0, sizeof *form * (size_t)f->nfields);
	for (int i = 0; i < f->nfields; i++) {
		form[i].name = f->field_name[i];
		form[i].value = f->field_value[i];
		form[i].len = strlen(f->field_value[i]);
	}
	r->form = form;
	r->nform = f->nfields;
	return 1;
}

/* The first message, for a page that shows one message its own way; NULL when none. */
const char *flash_message(const Flash *f)
{
	return f->nerrors ? f->error_text[0] : NULL;
}

int flash_has(const Flash *f)
{
	return f->nfields > 0 || f->nerrors > 0;
}

const char *flash_field_message(const Flash *f, const char *name)
{
	for (int i = 0; i < f->nerrors; i++)
		if (*f->error_field[i] && strcmp(f->error_field[i], name) == 0)
			return f->error_text[i];
	return NULL;
}

/* The kind and the value flash_note gave the message of a field; NULL when it has none. */
const char *flash_field_kind(const Flash *f, const char *name)
{
	for (int i = 0; i < f->nerrors; i++)
		if (*f->error_field[i] && strcmp(f->error_field[i], name) == 0)
			return f->error_kind[i];
	return NULL;
}

const char *flash_field_extra(const Flash *f, const char *name)
{
	for (int i = 0; i < f->nerrors; i++)
		if (*f->error_field[i] && strcmp(f->error_field[i], name) == 0)
			return f->error_extra[i];
	return NULL;
}

/* The GOV.UK error summary: a heading and one link per message to its field. It takes the
** focus as the page opens (autofocus on a focusable container), so a screen reader reads it. */
void flash_summary(Req *r, const Flash *f)
{
	if (!f->nerrors)
		return;
	Buf *b = &r->out;
	html_lit(b, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" "
	            "autofocus>\n<h2 id=\"error-summary-title\">Der er et problem</h2>\n<ul>\n");
	for (int i = 0; i < f->nerrors; i++) {
		if (*f->error_field[i])
			html_fmt(b, "<li><a href=\"#%A\">%T</a></li>\n", f->error_field[i], f->error_text[i]);
		else
			html_fmt(b, "<li>%T</li>\n", f->error_text[i]);
	}
	html_lit(b, "</ul>\n</div>\n");
}

void flash_field_error(Req *r, const Flash *f, const char *name)
{
	const char *m = flash_field_message(f, name);
	if (m)
		html_fmt(&r->out, "<p class=\"field-error\" id=\"%A-error\"><span class=\"sr\">Fejl: </span>%T</p>\n", name, m);
}

/* Inside an input's tag: marks it invalid and points at its message, when it has one. */
void flash_field_attrs(Req *r, const Flash *f, const char *name)
{
	if (flash_field_message(f, name))
		html_fmt(&r->out, " aria-invalid=\"true\" aria-describedby=\"%A-error\"", name);
}

/* ---- a save sent after the session expired ----
** The review page's "Gem svar" without JavaScript posts every answer and comment on the page.
** When the session has expired by then, the router (http.c) reads the form anyway and hands it
** here: it is kept as a draft (form_flash, path "/kladde"), bound to a new random cookie in this
** browser and to the user of the expired session, and the person logs in and comes to GET
** /kladde/ID, which offers the same form again, now with the new session's CSRF token. On a
** shared PC someone else may log in next: they get nothing, and the draft is dropped. Sending it is the ordinary save: the own-case rule,
** the reviewer's access and the revision (lost-update) checks all apply as to any save. */


/* Only a post whose route asks for it (the review page's save: routes.c), only from a browser
** whose session has expired (not one logged out or never there: then nobody is known to own
** the draft), and only while few drafts wait. */
static int draft_wanted(Req *r)
{
	if (!r->expired_user)
		return 0;
	Stmt q;
	db_prepare(&q, r->db, "SELECT count(*) FROM form_flash WHERE path = '/kladde' AND created >= ?1");
	db_bind_int(&q, 1, (int64_t)time(NULL) - DRAFT_SECONDS);
	int64_t n = db_step(&q) ? db_col_int(&q, 0) : DRAFT_MAX;
	db_finalize(&q);
	return n < DRAFT_MAX;
}

static void cookie_hash(const char *c, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)c, strlen(c), NULL, 0);
}

static void draft_keep(Req *r)
{
	Flash *f = flash_begin(r); /* no CSRF token, no password, CPR numbers masked */
	json_t *root = json_object(), *fields = json_object();
	for (int i = 0; i < f->nfields; i++)
		json_object_set_new(fields, f->field_name[i], json_string(f->field_value[i]));
	json_object_set_new(root, "fields", fields);
	json_object_set_new(root, "target", json_string(r->path));
	json_object_set_new(root, "user", json_integer(r->expired_user));
	char *data = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	char id[TOKEN_HEX], secret[TOKEN_HEX];
	auth_random_token(id);
	auth_random_token(secret);
	unsigned char bind[32];
	cookie_hash(secret, bind);
	int ok = data && store(r, id, 0, bind, "/kladde", data);
	free(data);
	if (!ok)
		return; /* the 401 page stands */
	http_redirect(r, arena_printf(r->arena, "/login?next=/kladde/%s&udloebet=1", id));
	http_set_cookie(r, DRAFT_COOKIE, secret, DRAFT_SECONDS);
}

const Draft flash_draft = {draft_wanted, draft_keep};

void page_draft_show(Req *r)
{
	const char *id = req_capture(r, "id"), *secret = req_cookie(r, DRAFT_COOKIE);
	char *data = NULL;
	if (!str_empty(secret) && id && strlen(id) == TOKEN_HEX - 1) {
		unsigned char bind[32];
		cookie_hash(secret, bind);
		Stmt q;
		/* Single-use: from here on the page itself holds what was typed. */
		db_prepare(&q, r->db,
		           "DELETE FROM form_flash WHERE id = ?1 AND path = '/kladde' AND session_id IS NULL AND bind_hash = ?2"
		           " AND created >= ?3 RETURNING data");
		db_bind_text(&q, 1, id);
		db_bind_blob(&q, 2, bind, sizeof bind);
		db_bind_int(&q, 3, (int64_t)time(NULL) - DRAFT_SECONDS);
		data = db_step(&q) ? arena_strdup(r->arena, db_col_text(&q, 0)) : NULL;
		db_finalize(&q);
	}
	json_t *root = data ? json_loads(data, 0, NULL) : NULL;
	const char *target = json_string_value(json_object_get(root, "target"));
	json_t *owner = json_object_get(root, "user");
	/* Someone else logged in at this browser: the draft (already deleted) is not theirs to see. */
	if (!root || !target || !http_local_path(target) || !json_is_integer(owner) ||
	    json_integer_value(owner) != r->user->id) {
		json_decref(root);
		http_error(r, 404, _("Kladden findes ikke længere. Den gemmes kun en halv time og kan kun åbnes én gang, i "
		                     "den browser, hvor den blev skrevet, af den, der skrev den."));
		http_set_cookie(r, DRAFT_COOKIE, "", 0);
		return;
	}
	Buf *b = &r->out;
	page_begin(r, _("Dine svar er ikke gemt endnu"));
	html_lit(b, "<div class=\"narrow\">\n<h1>Dine svar er ikke gemt endnu</h1>\n");
	page_message(r, "warn", _("Du var logget ud, da du trykkede Gem svar, så intet blev gemt. Det, du skrev, er "
	                          "bevaret her. Tryk Gem svarene nu; har en anden ændret et svar imens, får du det at vide."));
	page_form_begin(r, target);
	html_lit(b, "\n");
	const char *key;
	json_t *v;
	int comments = 0;
	json_object_foreach(json_object_get(root, "fields"), key, v)
	{
		if (json_is_string(v))
			html_fmt(b, "<input type=\"hidden\" name=\"%A\" value=\"%A\">\n", key, json_string_value(v));
		if (json_is_string(v) && strncmp(key, "c-", 2) == 0 && *json_string_value(v)) {
			if (!comments++)
				html_lit(b, "<h2>Dine bemærkninger</h2>\n<ul>\n");
			html_fmt(b, "<li class=\"prewrap\">%T</li>\n", json_string_value(v));
		}
	}
	if (comments)
		html_lit(b, "</ul>\n");
	html_fmt(b, "<div class=\"actions\"><button type=\"submit\">Gem svarene nu</button></div>\n</form>\n"
	            "<p><a href=\"%A\">Tilbage til sagen uden at gemme</a></p>\n</div>\n",
	         target);
	page_end(r);
	json_decref(root);
	http_set_cookie(r, DRAFT_COOKIE, "", 0);
}
