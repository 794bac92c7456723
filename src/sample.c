/*
** The sample: reproducible and checkable by anyone. Each eligible case gets the key
** BLAKE2b-256(key = seed, message = case number); the sample is the N cases with the
** smallest keys (or the K smallest of each caseworker). The round records the seed, the
** filters, the population size and a digest of the population, and the case-list version
** drawn from, so the draw can be repeated outside tilsyn with any BLAKE2b implementation.
** Which cases are eligible is population.c's to say; only the current case list counts.
*/
#include "tilsyn.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Candidate {
	unsigned char key[32];
	int64_t case_id;
	char *advisor;
} Candidate;

int sample_key(const unsigned char seed[32], const char *case_no, unsigned char out[32])
{
	return crypto_generichash(out, 32, (const unsigned char *)case_no, strlen(case_no), seed, 32);
}

static int by_key(const void *a, const void *b)
{
	return memcmp(((const Candidate *)a)->key, ((const Candidate *)b)->key, 32);
}

static int by_advisor_key(const void *a, const void *b)
{
	const Candidate *x = a, *y = b;
	int c = strcmp(x->advisor, y->advisor);
	return c ? c : memcmp(x->key, y->key, 32);
}

static char *filters_json(const SampleFilters *f)
{
	json_t *o = json_object();
	if (f->nprovisions) {
		json_t *a = json_array();
		for (int i = 0; i < f->nprovisions; i++)
			json_array_append_new(a, json_string(f->provisions[i]));
		json_object_set_new(o, "provisions", a);
	}
	const struct {
		const char *name, *value;
	} s[] = {
		{"target", f->target},           {"team", f->team},             {"advisor", f->advisor},
		{"opened_from", f->opened_from}, {"opened_to", f->opened_to},
		{"decided_from", f->decided_from}, {"decided_to", f->decided_to},
	};
	for (size_t i = 0; i < COUNT(s); i++)
		if (s[i].value && *s[i].value)
			json_object_set_new(o, s[i].name, json_string(s[i].value));
	char *text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return text;
}

/* Rebuilds filters from a round's stored JSON; the strings live as long as *root. */
static void filters_from_json(const char *text, SampleFilters *f, json_t **root)
{
	memset(f, 0, sizeof *f);
	*root = json_loads(text && *text ? text : "{}", 0, NULL);
	if (!*root)
		return;
	json_t *a = json_object_get(*root, "provisions");
	for (size_t i = 0; i < json_array_size(a) && f->nprovisions < (int)COUNT(f->provisions); i++)
		f->provisions[f->nprovisions++] = json_string_value(json_array_get(a, i));
	f->target = json_string_value(json_object_get(*root, "target"));
	f->team = json_string_value(json_object_get(*root, "team"));
	f->advisor = json_string_value(json_object_get(*root, "advisor"));
	f->opened_from = json_string_value(json_object_get(*root, "opened_from"));
	f->opened_to = json_string_value(json_object_get(*root, "opened_to"));
	f->decided_from = json_string_value(json_object_get(*root, "decided_from"));
	f->decided_to = json_string_value(json_object_get(*root, "decided_to"));
}

static const char *check_filters(const SampleFilters *f)
{
	const char *dates[] = {f->opened_from, f->opened_to, f->decided_from, f->decided_to};
	for (size_t i = 0; i < COUNT(dates); i++)
		if (dates[i] && *dates[i] && !date_valid_iso(dates[i]))
			return _("Datoer i filtrene skal skrives som ÅÅÅÅ-MM-DD, fx 2026-03-01.");
	if (f->target && *f->target && !str_eq(f->target, "barn") && !str_eq(f->target, "voksen"))
		return _("Målgruppen skal være barn eller voksen.");
	const char *texts[] = {f->team, f->advisor};
	for (size_t i = 0; i < COUNT(texts); i++)
		if (texts[i] && (strlen(texts[i]) > 200 || !utf8_valid(texts[i], strlen(texts[i]))))
			return _("Et filter på team eller rådgiver skal være gyldig tekst på højst 200 tegn.");
	for (int i = 0; i < f->nprovisions; i++)
		if (!f->provisions[i] || strlen(f->provisions[i]) > 200 || !utf8_valid(f->provisions[i], strlen(f->provisions[i])))
			return _("Et filter på paragraf skal være gyldig tekst på højst 200 tegn.");
	/* The filters are stored with the round: typed text in them is checked like any other. */
	int cpr = 0;
	for (size_t i = 0; i < COUNT(texts) && !cpr; i++)
		cpr = texts[i] && cpr_find(texts[i]) >= 0;
	for (int i = 0; i < f->nprovisions && !cpr; i++)
		cpr = f->provisions[i] && cpr_find(f->provisions[i]) >= 0;
	if (cpr)
		return _("Et filter (team, rådgiver eller paragraf) ligner et CPR-nummer. CPR-numre må ikke gemmes i tilsyn.");
	return NULL;
}

/*
** The eligible cases (population.c) with their keys, sorted by key; *digest is the
** BLAKE2b-256 (hex) of the case numbers sorted bytewise, one per line, so two people can
** agree they drew from the same population. *import_id: the case-list version drawn from.
*/
static Candidate *population(Db *db, const Round *r, const unsigned char seed[32], const SampleFilters *f,
                             int64_t exclude_months, size_t *count, char digest[65], int64_t *import_id)
{
	Population p;
	population_compute(db, r, f, exclude_months, 1, &p);
	size_t n = p.ncases;
	Candidate *c = xmalloc((n ? n : 1) * sizeof *c);
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	for (size_t i = 0; i < n; i++) {
		const char *case_no = p.cases[i].case_no;
		c[i].case_id = p.cases[i].case_id;
		c[i].advisor = p.cases[i].advisor;
		p.cases[i].advisor = NULL; /* now the candidate's */
		sample_key(seed, case_no, c[i].key);
		crypto_generichash_update(&st, (const unsigned char *)case_no, strlen(case_no));
		crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	}
	if (import_id)
		*import_id = p.import_id;
	population_free(&p);
	unsigned char h[32];
	crypto_generichash_final(&st, h, sizeof h);
	hex_encode(digest, h, sizeof h);
	qsort(c, n, sizeof *c, by_key);
	*count = n;
	return c;
}

static void free_population(Candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].advisor);
	free(c);
}

static int add_to_sample(Db *db, int64_t round_id, const Candidate *c, const char *now)
{
	char key[65];
	hex_encode(key, c->key, 32);
	Stmt q;
	db_prepare(&q, db, "INSERT INTO round_case (round_id, case_id, sample_key, added_at) VALUES (?1, ?2, ?3, ?4)");
	db_bind_int(&q, 1, round_id);
	db_bind_int(&q, 2, c->case_id);
	db_bind_text(&q, 3, key);
	db_bind_text(&q, 4, now);
	int rc = db_done(&q);
	db_finalize(&q);
	return rc;
}

/*
** One audit entry with the case as its object, so that the case's own log (audit_case.c)
** shows its draw, a redraw that took it out, and a replacement. `login` is the web user's
** login (the entry then names that user) or the command line's operating-system user.
*/
static int audit_sample_case(Db *db, const Round *r, int64_t case_id, const char *login, const char *action,
                             const char *detail)
{
	User u;
	int64_t user_id = login && user_by_login(db, login, &u) ? u.id : 0;
	char object[48];
	snprintf(object, sizeof object, "case:%lld", (long long)case_id);
	return audit_log(db, &(AuditEntry){.user_id = user_id, .login = login, .action = action,
	                                   .department_id = r->department_id, .object = object, .detail = detail})
	               ? DB_ERROR
	               : DB_OK;
}

/* The case ids of the round's sample (replaced ones too), sorted; *n how many. */
static int64_t *sample_case_ids(Db *db, int64_t round_id, size_t *n)
{
	Stmt q;
	db_prepare(&q, db, "SELECT case_id FROM round_case WHERE round_id = ?1 ORDER BY case_id");
	db_bind_int(&q, 1, round_id);
	int64_t *ids = NULL;
	size_t cap = 0;
	*n = 0;
	while (db_step(&q)) {
		if (*n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);
		ids[(*n)++] = db_col_int(&q, 0);
	}
	db_finalize(&q);
	return ids;
}

static int ids_have(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Per case: drawn (again), or taken out by a redraw. */
static int audit_draw_cases(Db *db, const Round *r, const int64_t *before, size_t nbefore, const char *login)
{
	size_t nafter;
	int64_t *after = sample_case_ids(db, r->id, &nafter);
	int rc = DB_OK;
	char detail[160];
	for (size_t i = 0; rc == DB_OK && i < nafter; i++) {
		snprintf(detail, sizeof detail, "tilsyn %lld: %s", (long long)r->id,
		         !nbefore                              ? "udtrukket til stikprøven"
		         : ids_have(before, nbefore, after[i]) ? "udtrukket igen ved ny udtrækning"
		                                               : "udtrukket til stikprøven ved ny udtrækning");
		rc = audit_sample_case(db, r, after[i], login, "sample_drawn", detail);
	}
	for (size_t i = 0; rc == DB_OK && i < nbefore; i++) {
		if (ids_have(after, nafter, before[i]))
			continue;
		snprintf(detail, sizeof detail, "tilsyn %lld: taget ud af stikprøven ved ny udtrækning", (long long)r->id);
		rc = audit_sample_case(db, r, before[i], login, "sample_removed", detail);
	}
	free(after);
	return rc;
}

/* Draws (or redraws) the sample of round r inside the caller's transaction. */
int sample_draw(Db *db, const Round *r, const SampleRequest *req, const char *login, int64_t *drawn,
                char *msg, size_t msgn)
{
	*drawn = 0;
	if (round_writable(db, r->id, NULL, 0) != 0) {
		msg_fail(msg, msgn, "%s", _(round_closed_text));
		return ROUND_CLOSED;
	}
	if (*r->review_started_at)
		return msg_fail(msg, msgn, "%s", _("Gennemgangen af sagerne er begyndt, så stikprøven kan ikke trækkes om. Erstat i stedet enkelte sager."));
	if ((req->size > 0) == (req->per_advisor > 0))
		return msg_fail(msg, msgn, "%s", _("Angiv enten et antal sager i alt eller et antal sager pr. rådgiver."));
	if (req->size > 100000 || req->per_advisor > 10000)
		return msg_fail(msg, msgn, "%s", _("Stikprøven er urimeligt stor."));
	if (req->exclude_months < 0 || req->exclude_months > 120)
		return msg_fail(msg, msgn, "%s", _("Udelukkelsesperioden skal være 0-120 måneder."));
	const char *problem = check_filters(&req->filters);
	if (problem)
		return msg_fail(msg, msgn, "%s", problem);
	if (req->reason && (strlen(req->reason) > 500 || cpr_find(req->reason) >= 0))
		return msg_fail(msg, msgn, "%s", _("Begrundelsen skal være højst 500 tegn og må ikke indeholde CPR-numre."));
	unsigned char seed[32];
	char seed_hex[65];
	if (req->seed_hex && *req->seed_hex) {
		if (!hex_decode(seed, sizeof seed, req->seed_hex))
			return msg_fail(msg, msgn, "%s", _("Frøet (seed) skal være 64 hexadecimale tegn (0-9, a-f)."));
	} else {
		randombytes_buf(seed, sizeof seed);
	}
	hex_encode(seed_hex, seed, sizeof seed);

	size_t n;
	char digest[65];
	int64_t import_id = 0;
	Candidate *c = population(db, r, seed, &req->filters, req->exclude_months, &n, digest, &import_id);
	if (n == 0) {
		free_population(c, n);
		msg_fail(msg, msgn, "%s", import_id ? _("Ingen sager opfylder betingelserne på den nuværende sagsliste. Løsn filtrene eller "
		                     "udelukkelsesperioden, eller indlæs en ny sagsliste.")
		                 : _("Afdelingen har ingen sagsliste endnu. Indlæs sagslisten først."));
		return -1;
	}
	char now[32];
	time_iso(now, time(NULL));
	int redraw = *r->sampled_at != 0;
	size_t nbefore;
	int64_t *before = sample_case_ids(db, r->id, &nbefore);
	Stmt q;
	db_prepare(&q, db, "DELETE FROM round_case WHERE round_id = ?1");
	db_bind_int(&q, 1, r->id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (req->per_advisor > 0) {
		qsort(c, n, sizeof *c, by_advisor_key);
		int64_t taken = 0;
		for (size_t i = 0; rc == DB_OK && i < n; i++) {
			taken = i > 0 && strcmp(c[i].advisor, c[i - 1].advisor) == 0 ? taken + 1 : 0;
			if (taken < req->per_advisor && (rc = add_to_sample(db, r->id, &c[i], now)) == DB_OK)
				(*drawn)++;
		}
	} else {
		for (size_t i = 0; rc == DB_OK && i < n && (int64_t)i < req->size; i++)
			if ((rc = add_to_sample(db, r->id, &c[i], now)) == DB_OK)
				(*drawn)++;
	}
	free_population(c, n);
	char *filters = filters_json(&req->filters);
	if (rc == DB_OK) {
		db_prepare(&q, db,
		           "UPDATE round SET seed = ?2, sample_method = ?3, sample_param = ?4, filters = ?5,"
		           " exclude_months = ?6, population_size = ?7, population_digest = ?8, sampled_at = ?9,"
		           " case_import_id = ?10 WHERE id = ?1");
		db_bind_int(&q, 1, r->id);
		db_bind_text(&q, 2, seed_hex);
		db_bind_text(&q, 3, req->per_advisor > 0 ? "per_advisor" : "size");
		db_bind_int(&q, 4, req->per_advisor > 0 ? req->per_advisor : req->size);
		db_bind_text(&q, 5, filters);
		db_bind_int(&q, 6, req->exclude_months);
		db_bind_int(&q, 7, (int64_t)n);
		db_bind_text(&q, 8, digest);
		db_bind_text(&q, 9, now);
		if (import_id)
			db_bind_int(&q, 10, import_id);
		else
			db_bind_null(&q, 10);
		rc = db_done(&q);
		db_finalize(&q);
	}
	/* Drawing the sample moves a round in planning on to udvælgelse by itself, recorded. */
	if (rc == DB_OK)
		rc = phase_auto(db, r->id, "planlaegning", "udvaelgelse", 0, login);
	if (rc == DB_OK)
		rc = audit_draw_cases(db, r, before, nbefore, login);
	free(before);
	if (rc == DB_OK) {
		char object[64], detail[600];
		snprintf(object, sizeof object, "round:%lld", (long long)r->id);
		snprintf(detail, sizeof detail, "%s%s%s: %lld af %zu sager; %s %lld; seed %s; filtre %s; udelukket %lld mdr.",
		         redraw ? "ny udtrækning, begrundelse: " : "udtrækning", redraw && req->reason ? req->reason : "",
		         "", (long long)*drawn, n,
		         req->per_advisor > 0 ? "pr. rådgiver" : "antal",
		         (long long)(req->per_advisor > 0 ? req->per_advisor : req->size), seed_hex, filters,
		         (long long)req->exclude_months);
		rc = audit_log(db, &(AuditEntry){.login = login, .action = redraw ? "sample_redraw" : "sample_draw",
		                                 .department_id = r->department_id, .object = object, .detail = detail})
		         ? DB_ERROR
		         : DB_OK;
	}
	free(filters);
	if (rc != DB_OK)
		return msg_fail(msg, msgn, "%s", _("Stikprøven kunne ikke gemmes i databasen."));
	return 0;
}

/*
** Replaces one sampled case (for example one that turned out not to be relevant) with the
** eligible case of the next smallest key that has not been in the sample; with a
** per-caseworker sample, the next one of the same caseworker. Both are audited with the reason.
*/
int sample_replace(Db *db, const Round *r, int64_t case_id, const char *reason, const char *login,
                   int64_t *replacement, char *msg, size_t msgn)
{
	*replacement = 0;
	if (round_writable(db, r->id, NULL, 0) != 0) {
		msg_fail(msg, msgn, "%s", _(round_closed_text));
		return ROUND_CLOSED;
	}
	if (str_empty(reason))
		return msg_fail(msg, msgn, "%s", _("Skriv en begrundelse for at erstatte sagen."));
	if (strlen(reason) > 500 || cpr_find(reason) >= 0)
		return msg_fail(msg, msgn, "%s", _("Begrundelsen skal være højst 500 tegn og må ikke indeholde CPR-numre."));
	unsigned char seed[32];
	if (!hex_decode(seed, sizeof seed, r->seed))
		return msg_fail(msg, msgn, "%s", _("Tilsynet har ingen stikprøve endnu."));
	Stmt q;
	db_prepare(&q, db,
	           "SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.case_id = ?2 AND rc.status = 'udtrukket'");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	char advisor[201] = "";
	int found = db_step(&q);
	if (found)
		snprintf(advisor, sizeof advisor, "%s", db_col_text(&q, 0));
	db_finalize(&q);
	if (!found)
		return msg_fail(msg, msgn, "%s", _("Sagen er ikke i tilsynets stikprøve."));
	SampleFilters f;
	json_t *root;
	filters_from_json(r->filters, &f, &root);
	size_t n;
	char digest[65];
	Candidate *c = population(db, r, seed, &f, r->exclude_months, &n, digest, NULL);
	json_decref(root);
	const Candidate *next = NULL;
	for (size_t i = 0; i < n && !next; i++) {
		if (str_eq(r->sample_method, "per_advisor") && strcmp(c[i].advisor, advisor) != 0)
			continue;
		db_prepare(&q, db, "SELECT 1 FROM round_case WHERE round_id = ?1 AND case_id = ?2");
		db_bind_int(&q, 1, r->id);
		db_bind_int(&q, 2, c[i].case_id);
		if (!db_step(&q))
			next = &c[i];
		db_finalize(&q);
	}
	char now[32];
	time_iso(now, time(NULL));
	db_prepare(&q, db, "UPDATE round_case SET status = 'erstattet', replaced_reason = ?3 WHERE round_id = ?1 AND case_id = ?2");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, case_id);
	db_bind_text(&q, 3, reason);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK && next) {
		rc = add_to_sample(db, r->id, next, now);
		*replacement = next->case_id;
	}
	if (rc == DB_OK) {
		/* Named by case number, never by internal id; and once more on each case. */
		char object[64], detail[900], old_no[201] = "", new_no[201] = "";
		db_prepare(&q, db, "SELECT id, case_no FROM cases WHERE id IN (?1, ?2)");
		db_bind_int(&q, 1, case_id);
		db_bind_int(&q, 2, *replacement);
		while (db_step(&q))
			snprintf(db_col_int(&q, 0) == case_id ? old_no : new_no, sizeof old_no, "%s", db_col_text(&q, 1));
		db_finalize(&q);
		snprintf(object, sizeof object, "round:%lld", (long long)r->id);
		snprintf(detail, sizeof detail, "sagen %s erstattet af %s: %s", old_no, *new_no ? new_no : "ingen", reason);
		rc = audit_log(db, &(AuditEntry){.login = login, .action = "sample_replace",
		                                 .department_id = r->department_id, .object = object, .detail = detail})
		         ? DB_ERROR
		         : DB_OK;
		snprintf(detail, sizeof detail, "tilsyn %lld: taget ud af stikprøven og erstattet af sagen %s: %s",
		         (long long)r->id, *new_no ? new_no : "ingen", reason);
		if (rc == DB_OK)
			rc = audit_sample_case(db, r, case_id, login, "sample_replace", detail);
		snprintf(detail, sizeof detail, "tilsyn %lld: udtrukket til stikprøven i stedet for sagen %s", (long long)r->id,
		         old_no);
		if (rc == DB_OK && *replacement)
			rc = audit_sample_case(db, r, *replacement, login, "sample_replacement", detail);
	}
	free_population(c, n);
	if (rc != DB_OK)
		return msg_fail(msg, msgn, "%s", _("Erstatningen kunne ikke gemmes i databasen."));
	if (!next)
		msg_fail(msg, msgn, "%s", _("Sagen er taget ud, men der er ingen flere sager at erstatte den med."));
	return 0;
}

/*
** When the sample is smaller than asked for because too few cases are eligible, the Danish
** sentence saying both numbers ("Du bad om 30 sager, men kun 26 opfylder betingelserne. Alle
** 26 er udtrukket."), written to out, and 1; else 0. For a per-caseworker sample: how many
** caseworkers had fewer eligible cases than asked for.
*/
int sample_shortfall_text(Db *db, const Round *r, int64_t drawn, char *out, size_t n)
{
	*out = 0;
	if (!*r->sampled_at)
		return 0;
	if (str_eq(r->sample_method, "size")) {
		if (r->population_size >= r->sample_param)
			return 0;
		snprintf(out, n, _("Du bad om %lld sager, men kun %lld opfylder betingelserne. Alle %lld er udtrukket."),
		         (long long)r->sample_param, (long long)r->population_size, (long long)drawn);
		return 1;
	}
	Stmt q;
	db_prepare(&q, db,
	           "SELECT count(*) FROM (SELECT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id"
	           " WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' GROUP BY c.advisor HAVING count(*) < ?2) AS s");
	db_bind_int(&q, 1, r->id);
	db_bind_int(&q, 2, r->sample_param);
	int64_t short_advisors = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	if (!short_advisors)
		return 0;
	snprintf(out, n,
	         _("Du bad om %lld sager pr. rådgiver, men %lld %s færre sager, der opfylder betingelserne. "
	           "Alle deres sager er udtrukket, i alt %lld sager."),
	         (long long)r->sample_param, (long long)short_advisors, short_advisors == 1 ? _("rådgiver har") : _("rådgivere har"),
	         (long long)drawn);
	return 1;
}
