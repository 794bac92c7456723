/*
** Tests of ident.c, who a case list's caseworker is. The matching form (NFKC, case folded,
** white space incl. no-break spaces collapsed, format characters dropped); then on a real,
** migrated SQLite file: an alias wins over display names, a display name counts only while
** no one else in the department has it (ambiguous: no feedback for anyone, the own-case
** rule for all of them), department aliases before those for every department, and a
** second link of the same name to another user refused where the scopes overlap, and the
** working group's lookup of a caseworker by login or linked name (ident_lookup).
*/
#include "unit_helpers.h"

static void fold_is(const char *in, const char *want)
{
	char *got = ident_fold(in);
	assert_string_equal(got, want);
	free(got);
}

static void folding(void **state)
{
	(void)state;
	fold_is("Anne Bækgaard", "anne bækgaard");
	fold_is("  ANNE \t BÆKGAARD\n", "anne bækgaard");
	fold_is("Anne\u00a0Bækgaard", "anne bækgaard");          /* no-break space */
	fold_is("Anne\u202f\u2003Bækgaard", "anne bækgaard");    /* narrow and em space */
	fold_is("\uff21nne B\u00e6kgaard", "anne bækgaard");      /* full-width A */
	fold_is("Ann\u200be Bækgaard", "anne bækgaard");          /* zero-width space dropped */
	fold_is("Ae\u0301se", "aése");                            /* composed by NFKC */
	fold_is("Bækgaard, Anne", "bækgaard, anne");              /* a variant stays a variant: aliases link it */
	fold_is("", "");
	fold_is(NULL, "");
	fold_is(" \u00a0 ", "");
	assert_true(ident_same_person("Anne\u00a0Bækgaard", "anne bækgaard"));
	assert_false(ident_same_person("Anne Baekgaard", "Anne Bækgaard"));
}

typedef struct Fx {
	TestDb *t;
	int64_t bhs, vhs, anne, anne2, bo;
} Fx;

static int64_t add_user(Db *db, const char *login, const char *name, int64_t dept)
{
	int64_t id;
	char msg[300] = "";
	assert_int_equal(user_add(db, login, name, 0, "en-lang-adgangskode", 0, &id, msg, sizeof msg), 0);
	if (dept)
		assert_int_equal(user_set_role(db, id, dept, ROLE_RAADGIVER, msg, sizeof msg), 0);
	return id;
}

static int setup(void **state)
{
	Fx *f = calloc(1, sizeof *f);
	f->t = testdb_new();
	char msg[300] = "";
	assert_int_equal(department_add(f->t->db, "BHS", "Børn", "barn", &f->bhs, msg, sizeof msg), 0);
	assert_int_equal(department_add(f->t->db, "VHS", "Voksne", "voksen", &f->vhs, msg, sizeof msg), 0);
	f->anne = add_user(f->t->db, "anne", "Anne Bækgaard", f->bhs);
	f->bo = add_user(f->t->db, "bo", "Bo Bech", f->bhs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fx *f = *state;
	testdb_free(f->t);
	free(f);
	return 0;
}

static const AuditEntry who = {.login = "test", .ip = "test"};

static void resolving(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	int64_t u;
	assert_int_equal(ident_resolve(db, f->bhs, "anne\u00a0BÆKGAARD", &u), IDENT_NAME);
	assert_int_equal(u, f->anne);
	assert_int_equal(ident_resolve(db, f->vhs, "Anne Bækgaard", &u), IDENT_UNKNOWN); /* not a member there */
	assert_int_equal(ident_resolve(db, f->bhs, "A. Bækgaard", &u), IDENT_UNKNOWN);
	char msg[512];
	assert_int_equal(ident_alias_add(db, f->anne, 0, "A. Bækgaard", &who, msg, sizeof msg), 0);
	assert_int_equal(ident_resolve(db, f->bhs, "a.  bækgaard", &u), IDENT_ALIAS);
	assert_int_equal(u, f->anne);
	assert_int_equal(ident_resolve(db, f->vhs, "A. Bækgaard", &u), IDENT_ALIAS); /* for every department */
	assert_true(ident_owns(db, f->bhs, "A. Bækgaard", f->anne));
	assert_false(ident_owns(db, f->bhs, "A. Bækgaard", f->bo));

	/* A namesake makes the display name ambiguous: feedback for nobody, the own-case rule for both. */
	f->anne2 = add_user(db, "anne2", "Anne  Bækgaard", f->bhs);
	assert_int_equal(ident_resolve(db, f->bhs, "Anne Bækgaard", &u), IDENT_AMBIGUOUS);
	assert_false(ident_owns(db, f->bhs, "Anne Bækgaard", f->anne));
	assert_false(ident_owns(db, f->bhs, "Anne Bækgaard", f->anne2));
	assert_true(ident_may_be(db, f->bhs, "Anne Bækgaard", f->anne));
	assert_true(ident_may_be(db, f->bhs, "Anne Bækgaard", f->anne2));
	assert_false(ident_may_be(db, f->bhs, "Anne Bækgaard", f->bo));
	/* An alias settles it. */
	assert_int_equal(ident_alias_add(db, f->anne, f->bhs, "Anne Bækgaard", &who, msg, sizeof msg), 0);
	assert_true(ident_owns(db, f->bhs, "anne bækgaard", f->anne));
	assert_false(ident_owns(db, f->bhs, "anne bækgaard", f->anne2));
	assert_false(ident_may_be(db, f->bhs, "anne bækgaard", f->anne2));
	/* Removing it makes it ambiguous again. */
	assert_int_equal(ident_alias_remove(db, f->anne, f->bhs, "ANNE BÆKGAARD", &who, msg, sizeof msg), 0);
	assert_int_equal(ident_resolve(db, f->bhs, "Anne Bækgaard", &u), IDENT_AMBIGUOUS);
	assert_int_equal(ident_alias_remove(db, f->anne, f->bhs, "ANNE BÆKGAARD", &who, msg, sizeof msg), -1);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM audit WHERE action LIKE 'advisor_alias_%'"), 3);
}

static void duplicates(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	char msg[512];
	assert_int_equal(ident_alias_add(db, f->anne, f->bhs, "AB01", &who, msg, sizeof msg), 0);
	/* The same name (any spelling of it) for another user in the same or an overlapping scope. */
	assert_int_equal(ident_alias_add(db, f->bo, f->bhs, "ab01", &who, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "allerede knyttet til en anden bruger, Anne Bækgaard (anne)"));
	assert_int_equal(ident_alias_add(db, f->bo, 0, "AB01\u00a0", &who, msg, sizeof msg), -1);
	assert_int_equal(ident_alias_add(db, f->anne, f->bhs, "ab01", &who, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "allerede knyttet til Anne Bækgaard"));
	/* Another department may use the same id for someone else. */
	assert_int_equal(ident_alias_add(db, f->bo, f->vhs, "AB01", &who, msg, sizeof msg), 0);
	int64_t u;
	assert_int_equal(ident_resolve(db, f->vhs, "ab01", &u), IDENT_ALIAS);
	assert_int_equal(u, f->bo);
	assert_int_equal(ident_resolve(db, f->bhs, "ab01", &u), IDENT_ALIAS);
	assert_int_equal(u, f->anne);
	/* Empty, and CPR numbers, are refused. */
	assert_int_equal(ident_alias_add(db, f->bo, 0, " \u00a0", &who, msg, sizeof msg), -1);
	assert_int_equal(ident_alias_add(db, f->bo, 0, "010190-1234", &who, msg, sizeof msg), -1);
	assert_int_equal(testdb_int(db, "SELECT count(*) FROM advisor_alias"), 2);
}

/* raadgiver:NAME and --advisor NAME (ident_lookup): a member's login, a linked name or a
** case-list name as the import resolves it; two users with one display name are ambiguous
** until an alias says who, and a login of someone outside the department is nobody. */
static void lookup(void **state)
{
	Fx *f = *state;
	Db *db = f->t->db;
	char msg[512];
	int64_t id;
	assert_int_equal(ident_lookup(db, f->bhs, "ANNE", &id, msg, sizeof msg), 1);
	assert_int_equal(id, f->anne);
	assert_int_equal(ident_lookup(db, f->bhs, "anne\u00a0 bækgaard", &id, msg, sizeof msg), 1);
	assert_int_equal(id, f->anne);
	int64_t anne2 = add_user(db, "anne2", "Anne Bækgaard", f->bhs);
	assert_int_equal(ident_lookup(db, f->bhs, "Anne Bækgaard", &id, msg, sizeof msg), 0);
	assert_int_equal(id, 0);
	assert_non_null(strstr(msg, "kan være flere personer"));
	assert_int_equal(ident_lookup(db, f->bhs, "anne2", &id, msg, sizeof msg), 1);
	assert_int_equal(id, anne2);
	assert_int_equal(ident_alias_add(db, f->anne, f->bhs, "Bækgaard, Anne", &who, msg, sizeof msg), 0);
	assert_int_equal(ident_lookup(db, f->bhs, "bækgaard,  ANNE", &id, msg, sizeof msg), 1);
	assert_int_equal(id, f->anne);
	/* A login that is also another person's linked name: which one is meant is unclear. */
	assert_int_equal(ident_alias_add(db, f->bo, f->bhs, "anne2", &who, msg, sizeof msg), 0);
	assert_int_equal(ident_lookup(db, f->bhs, "anne2", &id, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "kan være flere personer"));
	int64_t carl = add_user(db, "carl", "Carl Voksen", f->vhs);
	(void)carl;
	assert_int_equal(ident_lookup(db, f->bhs, "carl", &id, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "Ingen bruger hedder 'carl'"));
	assert_int_equal(ident_lookup(db, f->bhs, "", &id, msg, sizeof msg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folding),
		cmocka_unit_test_setup_teardown(resolving, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
