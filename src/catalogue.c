/*
** Question catalogues: the shipped defaults (the JSON files in catalogues/, compiled into the binary),
** validation of a catalogue's content, storing drafts and immutable published versions,
** and choosing the catalogues a round uses. A question's code is kept across versions so
** that rounds can be compared; "ja" is always the fulfilled answer.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail msg_fail /* util.c */

static int valid_code(const char *s, int upper, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isdigit(c) || c == '-' || (upper ? isupper(c) : islower(c))))
			return 0;
	}
	return 1;
}

static const char *str_field(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* What is wrong with a text that must be given, at most max characters, with no CPR
** number: "mangler", "er for lang (...)", ...; NULL when it is fine. */
static const char *text_problem(const char *s, size_t max, char *buf, size_t n)
{
	if (!s || !*s)
		return _("mangler");
	if (!utf8_valid(s, strlen(s)))
		return _("er ikke gyldig tekst (UTF-8)");
	size_t chars = 0;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars > max) {
		snprintf(buf, n, _("er for lang (%zu tegn; højst %zu)"), chars, max);
		return buf;
	}
	if (cpr_find(s) >= 0)
		return _("indeholder noget, der ligner et CPR-nummer; CPR-numre må ikke stå i et katalog");
	return NULL;
}

static int text_ok(const char *s, size_t max)
{
	char buf[80];
	return text_problem(s, max, buf, sizeof buf) == NULL;
}

static int scale_allows(const char *scale, json_t *choices, const char *answer)
{
	if (str_eq(scale, "jdn"))
		return str_eq(answer, "ja") || str_eq(answer, "delvist") || str_eq(answer, "nej") ||
		       str_eq(answer, "ikke_relevant");
	if (str_eq(scale, "jn"))
		return str_eq(answer, "ja") || str_eq(answer, "nej") || str_eq(answer, "ikke_relevant");
	if (str_eq(scale, "choice"))
		for (size_t i = 0; i < json_array_size(choices); i++)
			if (str_eq(json_string_value(json_array_get(choices, i)), answer))
				return 1;
	return 0;
}

/* The answer options of a choice question: short texts, each once, without ';' (the
** separator in the spreadsheet form of a catalogue) and without anything like a CPR number. */
static int choices_check(const char *code, const char *qc, json_t *choices, char *err, size_t n)
{
	for (size_t i = 0; i < json_array_size(choices); i++) {
		const char *c = json_string_value(json_array_get(choices, i));
		if (!text_ok(c, 200) || strchr(c, ';'))
			return fail(err, n, _("Katalog %s, spørgsmål %s: svarmulighed %zu er tom, for lang (over 200 tegn), "
			                      "indeholder ';' eller ligner et CPR-nummer."), code, qc, i + 1);
		for (size_t k = 0; k < i; k++)
			if (str_eq(c, json_string_value(json_array_get(choices, k))))
				return fail(err, n, _("Katalog %s, spørgsmål %s: svarmuligheden \"%s\" står to gange."), code, qc, c);
	}
	return 0;
}

/*
** Checks a catalogue (parsed JSON) against the rules; on failure err names the catalogue
** and the question. Conditions may refer only to earlier questions of the same catalogue.
*/
int catalogue_validate(json_t *root, char *err, size_t n)
{
	const char *code = str_field(root, "code");
	if (!valid_code(code, 0, 64))
		return fail(err, n, _("Kataloget mangler en kode (små bogstaver, tal og '-')."));
	if (cpr_find(code) >= 0)
		return fail(err, n, _("Katalogets kode ligner et CPR-nummer; CPR-numre må ikke stå i et katalog."));
	char why_buf[80];
	const char *why = text_problem(str_field(root, "title"), 200, why_buf, sizeof why_buf);
	if (why)
		return fail(err, n, _("Katalog %s: titlen %s."), code, why);
	const char *kind = str_field(root, "kind"), *target = str_field(root, "target");
	if (!str_eq(kind, "overordnet") && !str_eq(kind, "tema"))
		return fail(err, n, _("Katalog %s: arten skal være overordnet eller tema."), code);
	if (!str_eq(target, "barn") && !str_eq(target, "voksen") && !str_eq(target, "begge"))
		return fail(err, n, _("Katalog %s: målgruppen skal være barn, voksen eller begge."), code);
	const char *description = str_field(root, "description");
	if (description && *description && (why = text_problem(description, 4000, why_buf, sizeof why_buf)))
		return fail(err, n, _("Katalog %s: beskrivelsen %s."), code, why);
	json_t *sections = json_object_get(root, "sections");
	if (!json_is_array(sections) || json_array_size(sections) == 0)
		return fail(err, n, _("Katalog %s har ingen afsnit."), code);
	json_t *seen = json_object(); /* code -> question, for uniqueness and conditions */
	int count = 0, rc = 0;
	for (size_t s = 0; s < json_array_size(sections) && !rc; s++) {
		json_t *sec = json_array_get(sections, s);
		json_t *questions = json_object_get(sec, "questions");
		if ((why = text_problem(str_field(sec, "title"), 200, why_buf, sizeof why_buf))) {
			rc = fail(err, n, _("Katalog %s: titlen på afsnit %zu %s."), code, s + 1, why);
			break;
		}
		if (!json_is_array(questions) || !json_array_size(questions)) {
			rc = fail(err, n, _("Katalog %s: afsnit %zu (%s) har ingen spørgsmål."), code, s + 1, str_field(sec, "title"));
			break;
		}
		for (size_t k = 0; k < json_array_size(questions) && !rc; k++) {
			json_t *q = json_array_get(questions, k);
			const char *qc = str_field(q, "code");
			if (!valid_code(qc, 1, 32)) {
				rc = fail(err, n, _("Katalog %s, afsnit %zu, spørgsmål %zu: koden skal være STORE bogstaver, tal og "
				                    "'-' (højst 32 tegn)."), code, s + 1, k + 1);
				break;
			}
			if (cpr_find(qc) >= 0) {
				rc = fail(err, n, _("Katalog %s, afsnit %zu, spørgsmål %zu: koden ligner et CPR-nummer; CPR-numre må ikke "
				                    "stå i et katalog."), code, s + 1, k + 1);
				break;
			}
			if (json_object_get(seen, qc)) {
				rc = fail(err, n, _("Katalog %s: spørgsmålskoden %s bruges to gange."), code, qc);
				break;
			}
			const char *scale = str_field(q, "scale") ? str_field(q, "scale") : "jdn";
			const char *cat = str_field(q, "category");
			json_t *choices = json_object_get(q, "choices");
			const char *guidance = str_field(q, "guidance"), *reference = str_field(q, "reference");
			if ((why = text_problem(str_field(q, "text"), 1000, why_buf, sizeof why_buf)))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: spørgsmålsteksten %s."), code, qc, why);
			else if (guidance && *guidance && (why = text_problem(guidance, 5000, why_buf, sizeof why_buf)))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: vejledningen %s."), code, qc, why);
			else if (reference && *reference && (why = text_problem(reference, 500, why_buf, sizeof why_buf)))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: henvisningen %s."), code, qc, why);
			else if (!str_eq(cat, "forvaltningsret") && !str_eq(cat, "retssikkerhed") && !str_eq(cat, "socialfaglig"))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: kategorien skal være forvaltningsret, retssikkerhed "
				                    "eller socialfaglig."), code, qc);
			else if (!str_eq(scale, "jdn") && !str_eq(scale, "jn") && !str_eq(scale, "choice") && !str_eq(scale, "text"))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: svarskalaen skal være jdn, jn, choice eller text."), code, qc);
			else if (str_eq(scale, "choice") && (!json_is_array(choices) || json_array_size(choices) < 2))
				rc = fail(err, n, _("Katalog %s, spørgsmål %s: et valg skal have mindst to svarmuligheder."), code, qc);
			else if (str_eq(scale, "choice"))
				rc = choices_check(code, qc, choices, err, n);
			if (rc)
				break;
			json_t *cond = json_object_get(q, "condition");
			if (cond) {
				const char *on = str_field(cond, "question");
				json_t *target_q = on ? json_object_get(seen, on) : NULL;
				json_t *answers = json_object_get(cond, "answers");
				if (!target_q) {
					rc = fail(err, n, _("Katalog %s, spørgsmål %s: betingelsen skal pege på et tidligere spørgsmål."), code, qc);
					break;
				}
				const char *tscale = str_field(target_q, "scale") ? str_field(target_q, "scale") : "jdn";
				if (!json_is_array(answers) || !json_array_size(answers))
					rc = fail(err, n, _("Katalog %s, spørgsmål %s: betingelsen mangler svar."), code, qc);
				for (size_t a = 0; !rc && a < json_array_size(answers); a++)
					if (!scale_allows(tscale, json_object_get(target_q, "choices"),
					                  json_string_value(json_array_get(answers, a))))
						rc = fail(err, n, _("Katalog %s, spørgsmål %s: betingelsens svar passer ikke til spørgsmål %s."),
						          code, qc, on);
				if (rc)
					break;
			}
			json_object_set(seen, qc, q);
			count++;
		}
	}
	json_decref(seen);
	if (!rc && count > 200)
		rc = fail(err, n, _("Katalog %s har mere end 200 spørgsmål."), code);
	return rc;
}

/* The sections and questions of a catalogue, stored under the catalogue row id. */
static int insert_content(Db *db, int64_t id, json_t *root)
{
	Stmt q;
	int rc = DB_OK;
	json_t *sections = json_object_get(root, "sections");
	int position = 0;
	for (size_t s = 0; s < json_array_size(sections) && rc == DB_OK; s++) {
		json_t *sec = json_array_get(sections, s);
		db_prepare(&q, db,
		           "INSERT INTO catalogue_section (catalogue_id, position, title) VALUES (?1, ?2, ?3) RETURNING id");
		db_bind_int(&q, 1, id);
		db_bind_int(&q, 2, (int64_t)s + 1);
		db_bind_text(&q, 3, str_field(sec, "title"));
		int64_t section_id = 0;
		rc = db_insert_id(&q, &section_id);
		db_finalize(&q);
		json_t *questions = json_object_get(sec, "questions");
		for (size_t k = 0; k < json_array_size(questions) && rc == DB_OK; k++) {
			json_t *qq = json_array_get(questions, k);
			json_t *cond = json_object_get(qq, "condition");
			const char *scale = str_field(qq, "scale") ? str_field(qq, "scale") : "jdn";
			/* Answer options belong to choice questions only. */
			char *choices = str_eq(scale, "choice") && json_object_get(qq, "choices")
			                    ? json_dumps(json_object_get(qq, "choices"), JSON_COMPACT) : NULL;
			char *answers = cond ? json_dumps(json_object_get(cond, "answers"), JSON_COMPACT) : NULL;
			db_prepare(&q, db,
			           "INSERT INTO question (catalogue_id, section_id, position, code, text, guidance, reference, category,"
			           " scale, choices, cond_question, cond_answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
			db_bind_int(&q, 1, id);
			db_bind_int(&q, 2, section_id);
			db_bind_int(&q, 3, ++position);
			db_bind_text(&q, 4, str_field(qq, "code"));
			db_bind_text(&q, 5, str_field(qq, "text"));
			db_bind_text(&q, 6, str_field(qq, "guidance") ? str_field(qq, "guidance") : "");
			db_bind_text(&q, 7, str_field(qq, "reference") ? str_field(qq, "reference") : "");
			db_bind_text(&q, 8, str_field(qq, "category"));
			db_bind_text(&q, 9, scale);
			db_bind_text(&q, 10, choices);
			db_bind_text(&q, 11, cond ? str_field(cond, "question") : NULL);
			db_bind_text(&q, 12, answers);
			rc = db_done(&q);
			db_finalize(&q);
			free(choices);
			free(answers);
		}
	}
	return rc;
}

static int64_t insert_catalogue(Db *db, json_t *root, int version, const char *status, const char *source)
{
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO catalogue (code, version, title, kind, target, description, status, source, created_at,"
	           " published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'kladde', ?7, ?8, NULL) RETURNING id");
	db_bind_text(&q, 1, str_field(root, "code"));
	db_bind_int(&q, 2, version);
	db_bind_text(&q, 3, str_field(root, "title"));
	db_bind_text(&q, 4, str_field(root, "kind"));
	db_bind_text(&q, 5, str_field(root, "target"));
	db_bind_text(&q, 6, str_field(root, "description") ? str_field(root, "description") : "");
	db_bind_text(&q, 7, source);
	db_bind_text(&q, 8, now);
	int64_t id = 0;
	int rc = db_insert_id(&q, &id);
	db_finalize(&q);
	if (rc != DB_OK)
		return -1;
	rc = insert_content(db, id, root);
	if (rc == DB_OK && str_eq(status, "udgivet"))
		rc = catalogue_publish(db, id) == 0 ? DB_OK : DB_ERROR;
	return rc == DB_OK ? id : -1;
}

/*
** The conditions of a draft's questions as rows of question_condition (what relevance.c reads):
** from each question's cond_question (the gate's code, in the same version) and cond_answers
** (a JSON array of the gate's answers), one row per answer, each once, in the array's order.
** A draft that was validated has a gate for every condition; one without is left unconditioned.
*/
static int conditions_store(Db *db, int64_t id)
{
	Stmt q, g, ins;
	db_prepare(&q, db,
	           "SELECT id, cond_question, cond_answers FROM question WHERE catalogue_id = ?1 AND cond_question IS NOT NULL"
	           " ORDER BY position");
	db_prepare(&g, db, "SELECT id FROM question WHERE catalogue_id = ?1 AND code = ?2 AND id <> ?3");
	db_prepare(&ins, db, "INSERT INTO question_condition (question_id, gate_id, position, answer) VALUES (?1, ?2, ?3, ?4)");
	db_bind_int(&q, 1, id);
	int rc = DB_OK;
	while (rc == DB_OK && db_step(&q)) {
		int64_t question = db_col_int(&q, 0);
		db_reset(&g);
		db_bind_int(&g, 1, id);
		db_bind_text(&g, 2, db_col_text(&q, 1));
		db_bind_int(&g, 3, question);
		int64_t gate = db_step(&g) ? db_col_int(&g, 0) : 0;
		json_t *answers = gate ? json_loads(db_col_is_null(&q, 2) ? "[]" : db_col_text(&q, 2), 0, NULL) : NULL;
		for (size_t k = 0; k < json_array_size(answers) && rc == DB_OK; k++) {
			const char *a = json_string_value(json_array_get(answers, k));
			int again = 0;
			for (size_t j = 0; a && j < k && !again; j++)
				again = str_eq(a, json_string_value(json_array_get(answers, j)));
			if (!a || again)
				continue;
			db_reset(&ins);
			db_bind_int(&ins, 1, question);
			db_bind_int(&ins, 2, gate);
			db_bind_int(&ins, 3, (int64_t)k + 1);
			db_bind_text(&ins, 4, a);
			rc = db_done(&ins);
		}
		json_decref(answers);
	}
	db_finalize(&ins);
	db_finalize(&g);
	db_finalize(&q);
	return rc;
}

/* Publishes a draft: its conditions become rows, then it is frozen. Runs in the caller's
** transaction; on -1 the caller rolls back. */
int catalogue_publish(Db *db, int64_t id)
{
	if (conditions_store(db, id) != DB_OK)
		return -1;
	char now[32];
	time_iso(now, time(NULL));
	Stmt q;
	db_prepare(&q, db, "UPDATE catalogue SET status = 'udgivet', published_at = ?2 WHERE id = ?1 AND status = 'kladde'");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, now);
	int rc = db_done(&q);
	db_finalize(&q);
	return rc == DB_OK && db_changes(db) == 1 ? 0 : -1;
}

/*
** Stores a catalogue given as JSON text: validated, then saved as a new version (one past
** the newest with that code) with the given status. Runs in the caller's transaction.
*/
int catalogue_store_json(Db *db, const char *text, const char *status, const char *source, int64_t *id,
                         char *err, size_t n)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	if (!root)
		return fail(err, n, _("Kataloget er ikke gyldig JSON (linje %d: %s)."), jerr.line, jerr.text);
	int rc = catalogue_validate(root, err, n);
	if (rc == 0) {
		Stmt q;
		db_prepare(&q, db, "SELECT coalesce(max(version), 0) FROM catalogue WHERE code = ?1");
		db_bind_text(&q, 1, str_field(root, "code"));
		int version = db_step(&q) ? (int)db_col_int(&q, 0) + 1 : 1;
		db_finalize(&q);
		*id = insert_catalogue(db, root, version, status, source);
		if (*id < 0)
			rc = fail(err, n, _("Kataloget kunne ikke gemmes: %s"), db_errmsg(db));
	}
	json_decref(root);
	return rc;
}

/*
** Installs the catalogues shipped in the binary. A shipped catalogue is stored when its
** code has no version with its "version" number yet, so upgrades add new versions and
** never touch what rounds already use. Returns how many were added, or -1.
*/
int catalogue_install_defaults(Db *db, char *err, size_t n)
{
	int added = 0;
	if (db_begin(db) != DB_OK)
		return fail(err, n, _("Databasen er optaget af et andet program."));
	for (size_t i = 0; i < embedded_count; i++) {
		const EmbeddedFile *f = &embedded_files[i];
		if (strncmp(f->name, "catalogues/", 11) != 0 || !strstr(f->name, ".json"))
			continue;
		json_error_t jerr;
		json_t *root = json_loadb((const char *)f->data, f->size, 0, &jerr);
		if (!root) {
			db_rollback(db);
			return fail(err, n, "%s: %s (linje %d)", f->name, jerr.text, jerr.line);
		}
		int rc = catalogue_validate(root, err, n);
		int version = (int)json_integer_value(json_object_get(root, "version"));
		if (rc == 0 && version < 1)
			rc = fail(err, n, _("%s: versionen skal være et tal fra 1."), f->name);
		Stmt q;
		int exists = 0;
		if (rc == 0) {
			db_prepare(&q, db, "SELECT 1 FROM catalogue WHERE code = ?1 AND version >= ?2");
			db_bind_text(&q, 1, str_field(root, "code"));
			db_bind_int(&q, 2, version);
			exists = db_step(&q);
			db_finalize(&q);
		}
		if (rc == 0 && !exists) {
			if (insert_catalogue(db, root, version, "udgivet", "standard") < 0)
				rc = fail(err, n, _("%s kunne ikke gemmes: %s"), f->name, db_errmsg(db));
			else
				added++;
		}
		json_decref(root);
		if (rc) {
			db_rollback(db);
			return -1;
		}
	}
	if (db_commit(db) != DB_OK)
		return fail(err, n, _("Katalogerne kunne ikke gemmes: %s"), db_errmsg(db));
	return added;
}

/* The newest published version of a catalogue by code, or 0. */
int64_t catalogue_newest(Db *db, const char *code)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id FROM catalogue WHERE code = ?1 AND status = 'udgivet' ORDER BY version DESC LIMIT 1");
	db_bind_text(&q, 1, code);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

/* The newest published overordnet catalogue for a target group (barn or voksen), or 0;
** one made for the department's own group wins over one for both. */
int64_t catalogue_default_for(Db *db, const char *target)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id FROM catalogue WHERE kind = 'overordnet' AND status = 'udgivet' AND target IN (?1, 'begge')"
	           " ORDER BY CASE WHEN target = ?1 THEN 0 ELSE 1 END, published_at DESC, id DESC LIMIT 1");
	db_bind_text(&q, 1, target);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

/*
** A catalogue version as JSON in the shipped format (code, title, kind, target, version,
** description, sections with their questions), or NULL when there is no such version.
** Empty texts are left out, as in the shipped files. The caller owns the result.
*/
json_t *catalogue_to_json(Db *db, int64_t id)
{
	Stmt q;
	db_prepare(&q, db, "SELECT code, title, kind, target, version, description FROM catalogue WHERE id = ?1");
	db_bind_int(&q, 1, id);
	if (!db_step(&q)) {
		db_finalize(&q);
		return NULL;
	}
	json_t *root = json_object();
	json_object_set_new(root, "code", json_string(db_col_text(&q, 0)));
	json_object_set_new(root, "title", json_string(db_col_text(&q, 1)));
	json_object_set_new(root, "kind", json_string(db_col_text(&q, 2)));
	json_object_set_new(root, "target", json_string(db_col_text(&q, 3)));
	json_object_set_new(root, "version", json_integer(db_col_int(&q, 4)));
	if (*db_col_text(&q, 5))
		json_object_set_new(root, "description", json_string(db_col_text(&q, 5)));
	db_finalize(&q);

	json_t *sections = json_array(), *questions = NULL;
	int64_t section = -1;
	db_prepare(&q, db,
	           "SELECT s.id, s.title, x.code, x.text, x.guidance, x.reference, x.category, x.scale, x.choices,"
	           " x.cond_question, x.cond_answers FROM catalogue_section s JOIN question x ON x.section_id = s.id"
	           " WHERE s.catalogue_id = ?1 ORDER BY s.position, x.position");
	db_bind_int(&q, 1, id);
	while (db_step(&q)) {
		if (db_col_int(&q, 0) != section) {
			section = db_col_int(&q, 0);
			json_t *sec = json_object();
			json_object_set_new(sec, "title", json_string(db_col_text(&q, 1)));
			questions = json_array();
			json_object_set_new(sec, "questions", questions);
			json_array_append_new(sections, sec);
		}
		json_t *x = json_object();
		json_object_set_new(x, "code", json_string(db_col_text(&q, 2)));
		json_object_set_new(x, "text", json_string(db_col_text(&q, 3)));
		if (*db_col_text(&q, 4))
			json_object_set_new(x, "guidance", json_string(db_col_text(&q, 4)));
		if (*db_col_text(&q, 5))
			json_object_set_new(x, "reference", json_string(db_col_text(&q, 5)));
		json_object_set_new(x, "category", json_string(db_col_text(&q, 6)));
		json_object_set_new(x, "scale", json_string(db_col_text(&q, 7)));
		json_t *choices = db_col_is_null(&q, 8) ? NULL : json_loads(db_col_text(&q, 8), 0, NULL);
		if (choices)
			json_object_set_new(x, "choices", choices);
		if (!db_col_is_null(&q, 9)) {
			json_t *cond = json_object();
			json_object_set_new(cond, "question", json_string(db_col_text(&q, 9)));
			json_t *answers = json_loads(db_col_text(&q, 10), 0, NULL);
			json_object_set_new(cond, "answers", answers ? answers : json_array());
			json_object_set_new(x, "condition", cond);
		}
		json_array_append_new(questions, x);
	}
	db_finalize(&q);
	json_object_set_new(root, "sections", sections);
	return root;
}

/* The code, version and status of a catalogue row; 0 when there is none. */
static int catalogue_row(Db *db, int64_t id, char code[65], int *version, int *published)
{
	Stmt q;
	db_prepare(&q, db, "SELECT code, version, status FROM catalogue WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found) {
		snprintf(code, 65, "%s", db_col_text(&q, 0));
		*version = (int)db_col_int(&q, 1);
		*published = str_eq(db_col_text(&q, 2), "udgivet");
	}
	db_finalize(&q);
	return found;
}

/*
** Replaces the content of a draft with root (validated first): title, kind, target,
** description, sections and questions. The code cannot change, and a published version
** is never touched. Runs in the caller's transaction.
*/
int catalogue_draft_save(Db *db, int64_t id, json_t *root, char *err, size_t n)
{
	char code[65];
	int version, published;
	if (!catalogue_row(db, id, code, &version, &published))
		return fail(err, n, _("Kataloget findes ikke."));
	if (published)
		return fail(err, n, _("Version %d af %s er udgivet og kan ikke ændres. Lav en ny kladde for at ændre kataloget."),
		            version, code);
	if (!str_eq(str_field(root, "code"), code))
		return fail(err, n, _("Katalogets kode kan ikke ændres (den er %s)."), code);
	if (catalogue_validate(root, err, n) != 0)
		return -1;
	Stmt q;
	db_prepare(&q, db,
	           "UPDATE catalogue SET title = ?2, kind = ?3, target = ?4, description = ?5 WHERE id = ?1 AND status = 'kladde'");
	db_bind_int(&q, 1, id);
	db_bind_text(&q, 2, str_field(root, "title"));
	db_bind_text(&q, 3, str_field(root, "kind"));
	db_bind_text(&q, 4, str_field(root, "target"));
	db_bind_text(&q, 5, str_field(root, "description") ? str_field(root, "description") : "");
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db, "DELETE FROM question WHERE catalogue_id = ?1");
		db_bind_int(&q, 1, id);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc == DB_OK) {
		db_prepare(&q, db, "DELETE FROM catalogue_section WHERE catalogue_id = ?1");
		db_bind_int(&q, 1, id);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc == DB_OK)
		rc = insert_content(db, id, root);
	if (rc != DB_OK)
		return fail(err, n, _("Kladden kunne ikke gemmes: %s"), db_errmsg(db));
	return 0;
}

/*
** Copies a version (published or draft) as a new draft of the same catalogue, one version
** past the newest. Runs in the caller's transaction.
*/
int catalogue_draft_from(Db *db, int64_t id, int64_t *new_id, char *err, size_t n)
{
	json_t *root = catalogue_to_json(db, id);
	if (!root)
		return fail(err, n, _("Kataloget findes ikke."));
	json_object_del(root, "version");
	char *text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	int rc = catalogue_store_json(db, text, "kladde", "lokal", new_id, err, n);
	free(text);
	return rc;
}

/*
** Publishes a draft after checking it once more. A draft older than a published version
** of the same catalogue is refused: the newest published version is the one rounds get.
** Runs in the caller's transaction.
*/
int catalogue_publish_draft(Db *db, int64_t id, char *err, size_t n)
{
	char code[65];
	int version, published;
	if (!catalogue_row(db, id, code, &version, &published))
		return fail(err, n, _("Kataloget findes ikke."));
	if (published)
		return fail(err, n, _("Version %d af %s er allerede udgivet."), version, code);
	Stmt q;
	db_prepare(&q, db, "SELECT coalesce(max(version), 0) FROM catalogue WHERE code = ?1 AND status = 'udgivet'");
	db_bind_text(&q, 1, code);
	int newest = db_step(&q) ? (int)db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (newest > version)
		return fail(err, n, _("Version %d af %s er allerede udgivet, så denne ældre kladde (version %d) kan ikke udgives. "
		                      "Lav en ny kladde ud fra version %d."), newest, code, version, newest);
	json_t *root = catalogue_to_json(db, id);
	int rc = catalogue_validate(root, err, n);
	json_decref(root);
	if (rc != 0)
		return -1;
	if (catalogue_publish(db, id) != 0)
		return fail(err, n, _("Kataloget kunne ikke udgives: %s"), db_errmsg(db));
	return 0;
}

/* Deletes a draft; a published version cannot be deleted. Runs in the caller's transaction. */
int catalogue_draft_delete(Db *db, int64_t id, char *err, size_t n)
{
	char code[65];
	int version, published;
	if (!catalogue_row(db, id, code, &version, &published))
		return fail(err, n, _("Kataloget findes ikke."));
	if (published)
		return fail(err, n, _("Version %d af %s er udgivet og kan ikke slettes."), version, code);
	Stmt q;
	db_prepare(&q, db, "DELETE FROM catalogue WHERE id = ?1 AND status = 'kladde'");
	db_bind_int(&q, 1, id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK || db_changes(db) != 1)
		return fail(err, n, _("Kladden kunne ikke slettes: %s"), db_errmsg(db));
	return 0;
}

/* The newest draft of a catalogue by code, or 0. */
int64_t catalogue_newest_draft(Db *db, const char *code)
{
	Stmt q;
	db_prepare(&q, db, "SELECT id FROM catalogue WHERE code = ?1 AND status = 'kladde' ORDER BY version DESC LIMIT 1");
	db_bind_text(&q, 1, code);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}
