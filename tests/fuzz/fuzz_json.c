/*
** libFuzzer target for the question-catalogue JSON reader (src/catalogue.c): the shipped
** catalogues are read with json_loadb() and catalogue_validate() when the database is set
** up, and catalogue_store_json() stores a catalogue given as JSON text (new drafts are
** made this way). jansson parses; what is fuzzed is tilsyn's validation and storing on top.
**
** The input is a catalogue as JSON. Checked, besides the sanitizers:
**  - a refusal has a message that is valid UTF-8 (it is shown on a page and written to
**    JSON), and json_loadb() and catalogue_store_json() agree on what is JSON at all;
**  - what catalogue_validate() accepts, catalogue_store_json() stores (in an in-memory
**    database, in a transaction rolled back afterwards), catalogue_to_json() gives back
**    with the same codes, texts and sections in the same order, which validate again, and
**    catalogue_publish_draft() publishes;
**  - every answer option of a stored choice question is accepted by answer_check(), and a
**    text that is no option is refused; the answers of each condition are ones its question
**    allows.
*/
// fuzz-sources: *
#include "tilsyn.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_json: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                           \
		}                                                                          \
	} while (0)

static Db *db;

static const char *field(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int same_text(const char *a, const char *b)
{
	/* An empty optional text is left out when read back. */
	return str_eq(a ? a : "", b ? b : "");
}

/* The stored catalogue, read back, against the one given. */
static void check_round_trip(json_t *given, json_t *back)
{
	CHECK(str_eq(field(given, "code"), field(back, "code")));
	CHECK(str_eq(field(given, "title"), field(back, "title")));
	CHECK(str_eq(field(given, "kind"), field(back, "kind")));
	CHECK(str_eq(field(given, "target"), field(back, "target")));
	CHECK(same_text(field(given, "description"), field(back, "description")));
	json_t *gs = json_object_get(given, "sections"), *bs = json_object_get(back, "sections");
	CHECK(json_array_size(gs) == json_array_size(bs));
	for (size_t s = 0; s < json_array_size(gs); s++) {
		json_t *g = json_array_get(gs, s), *b = json_array_get(bs, s);
		CHECK(str_eq(field(g, "title"), field(b, "title")));
		json_t *gq = json_object_get(g, "questions"), *bq = json_object_get(b, "questions");
		CHECK(json_array_size(gq) == json_array_size(bq));
		for (size_t k = 0; k < json_array_size(gq); k++) {
			json_t *x = json_array_get(gq, k), *y = json_array_get(bq, k);
			CHECK(str_eq(field(x, "code"), field(y, "code")));
			CHECK(str_eq(field(x, "text"), field(y, "text")));
			CHECK(str_eq(field(x, "category"), field(y, "category")));
			CHECK(str_eq(field(x, "scale") ? field(x, "scale") : "jdn", field(y, "scale")));
			CHECK(same_text(field(x, "guidance"), field(y, "guidance")));
			CHECK(same_text(field(x, "reference"), field(y, "reference")));
			if (str_eq(field(y, "scale"), "choice"))
				CHECK(json_equal(json_object_get(x, "choices"), json_object_get(y, "choices")));
			else
				CHECK(json_object_get(y, "choices") == NULL);
			json_t *gc = json_object_get(x, "condition"), *bc = json_object_get(y, "condition");
			CHECK(!gc == !bc);
			if (gc) {
				CHECK(str_eq(field(gc, "question"), field(bc, "question")));
				CHECK(json_equal(json_object_get(gc, "answers"), json_object_get(bc, "answers")));
			}
		}
	}
}

/* The stored questions: options of choice questions are answers, other texts are not;
** a condition's answers are answers its question allows. */
static void check_answers(int64_t id)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT x.scale, x.choices, p.scale, p.choices, x.cond_answers FROM question x"
	           " LEFT JOIN question p ON p.catalogue_id = x.catalogue_id AND p.code = x.cond_question"
	           " WHERE x.catalogue_id = ?1");
	db_bind_int(&q, 1, id);
	while (db_step(&q)) {
		const char *scale = db_col_text(&q, 0);
		const char *choices = db_col_is_null(&q, 1) ? NULL : db_col_text(&q, 1);
		char msg[300];
		if (str_eq(scale, "choice")) {
			json_t *a = json_loads(choices, 0, NULL);
			CHECK(json_is_array(a) && json_array_size(a) >= 2);
			for (size_t i = 0; i < json_array_size(a); i++) {
				AnswerInput in = {.value = json_string_value(json_array_get(a, i)), .comment = ""};
				CHECK(answer_check(scale, choices, &in, msg, sizeof msg) == 0);
			}
			json_decref(a);
			AnswerInput other = {.value = "ja, men ikke en af mulighederne;", .comment = ""};
			CHECK(answer_check(scale, choices, &other, msg, sizeof msg) == -1);
		}
		if (!db_col_is_null(&q, 4)) {
			CHECK(!db_col_is_null(&q, 2)); /* the condition names a question of the catalogue */
			json_t *a = json_loads(db_col_text(&q, 4), 0, NULL);
			CHECK(json_is_array(a) && json_array_size(a) >= 1);
			for (size_t i = 0; i < json_array_size(a); i++)
				CHECK(answer_value_allowed(db_col_text(&q, 2), db_col_is_null(&q, 3) ? NULL : db_col_text(&q, 3),
				                           json_string_value(json_array_get(a, i))));
			json_decref(a);
		}
	}
	db_finalize(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		char *err = NULL;
		db = db_open(":memory:", &err);
		CHECK(db && db_migrate(db, &err) == 0);
	}
	char *text = malloc(size + 1);
	CHECK(text);
	memcpy(text, data, size);
	text[size] = 0;
	int has_nul = memchr(data, 0, size) != NULL;

	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, size, 0, &jerr);
	char err[512] = "";
	int64_t id = -1;
	CHECK(db_begin(db) == DB_OK);
	int stored = catalogue_store_json(db, text, "kladde", "lokal", &id, err, sizeof err);
	CHECK(stored == 0 || stored == -1);
	if (stored != 0)
		CHECK(*err && utf8_valid(err, strlen(err)));
	if (!root) {
		CHECK(*jerr.text);
		if (!has_nul)
			CHECK(stored == -1 && strstr(err, "ikke gyldig JSON"));
	} else {
		char verr[512] = "";
		int valid = catalogue_validate(root, verr, sizeof verr) == 0;
		if (!valid)
			CHECK(*verr && utf8_valid(verr, strlen(verr)));
		CHECK(stored == (valid ? 0 : -1));
		if (valid) {
			CHECK(id > 0);
			json_t *back = catalogue_to_json(db, id);
			CHECK(back);
			char berr[512] = "";
			CHECK(catalogue_validate(back, berr, sizeof berr) == 0);
			check_round_trip(root, back);
			json_decref(back);
			check_answers(id);
			CHECK(catalogue_publish_draft(db, id, berr, sizeof berr) == 0);
		}
		json_decref(root);
	}
	db_rollback(db);
	free(text);
	return 0;
}
