/*
** A department's case list: importing the exports of municipal case systems (CSV or XLSX,
** columns found by header), validating every row (required fields, dates, target group,
** no CPR numbers anywhere), and storing it atomically. Rows are stored as they stream in,
** inside one transaction that is rolled back if any row was invalid, so memory stays flat
** however long the list is. Re-importing updates cases by case number.
**
** Each stored import is a version of the department's case list (case_list.c). By default
** the file replaces the current list: the cases it does not hold stay in the database for
** history but drop off the list and are never drawn again; with `add` the file adds to the
** list (a list exported in parts). A row without a target group takes the department's area.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const case_field_names[F_COUNT] = {
	"case_no", "advisor", "target", "provision", "benefit", "opened", "decided", "team",
};

const char *const case_field_titles[F_COUNT] = {
	"Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Ydelse", "Oprettet", "Seneste afgørelse", "Team",
};

/* Accepted headers per field, already normalised (see normalise_header). */
static const char *const synonyms[F_COUNT][6] = {
	[F_CASE_NO] = {"sagsnummer", "sagsnr", "sags-id", "sagsid", "sag"},
	[F_ADVISOR] = {"rådgiver", "sagsbehandler", "medarbejder", "ansvarlig"},
	[F_TARGET] = {"målgruppe"},
	[F_PROVISION] = {"paragraf", "lovgrundlag", "§"},
	[F_BENEFIT] = {"ydelse", "indsats"},
	[F_OPENED] = {"startdato", "oprettet", "oprettelsesdato"},
	[F_DECIDED] = {"senesteafgørelse", "afgørelsesdato"},
	[F_TEAM] = {"team", "enhed"},
};

/* Lower case (ASCII and Æ Ø Å), without spaces and a trailing dot: "Seneste afgørelse." and
** "SENESTEAFGØRELSE" both become "senesteafgørelse". */
static void normalise_header(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 3 < n; p++) {
		if (isspace(*p))
			continue;
		if (p[0] == 0xC3 && (p[1] == 0x86 || p[1] == 0x98 || p[1] == 0x85)) {
			out[o++] = (char)0xC3;
			out[o++] = (char)(p[1] + 0x20);
			p++;
			continue;
		}
		out[o++] = (char)tolower(*p);
	}
	while (o > 0 && out[o - 1] == '.')
		o--;
	out[o] = 0;
}

/* The field a header names, or -1. */
int cases_header_field(const char *header)
{
	char norm[128];
	normalise_header(header, norm, sizeof norm);
	for (int f = 0; f < F_COUNT; f++)
		for (int k = 0; k < 6 && synonyms[f][k]; k++)
			if (strcmp(norm, synonyms[f][k]) == 0)
				return f;
	return -1;
}

static int field_by_name(const char *name, size_t len)
{
	for (int f = 0; f < F_COUNT; f++)
		if (strlen(case_field_names[f]) == len && strncmp(case_field_names[f], name, len) == 0)
			return f;
	return -1;
}

typedef struct Import {
	Db *db;
	const Department *d;
	const ImportOptions *o;
	ImportResult *r;
	char now[32];
	int have_header;
	int failed;         /* a file-level error stopped the read */
	char **headers;     /* every column's header, for messages about any column */
	int nheaders;
	char colname[32];
	Stmt upsert;        /* store_row's statement, prepared once per import */
} Import;

static const char *column_name(Import *im, int c)
{
	if (c < im->nheaders && *im->headers[c])
		return im->headers[c];
	snprintf(im->colname, sizeof im->colname, _("kolonne %d"), c + 1);
	return im->colname;
}

static void problem(Import *im, long line, const char *column, const char *fmt, ...) ATTR_PRINTF(4, 5);
static void problem(Import *im, long line, const char *column, const char *fmt, ...)
{
	ImportResult *r = im->r;
	if (r->nproblems >= IMPORT_MAX_PROBLEMS)
		return;
	ImportProblem *p = &r->problems[r->nproblems++];
	p->line = line;
	snprintf(p->column, sizeof p->column, "%s", column ? column : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
}

/* Applies --map field=Header,... on top of the headers found. */
static int apply_map(Import *im, int ncells, const char *const *cells)
{
	const char *m = im->o->map;
	while (m && *m) {
		const char *comma = strchr(m, ',');
		size_t len = comma ? (size_t)(comma - m) : strlen(m);
		const char *eq = memchr(m, '=', len);
		if (!eq) {
			snprintf(im->r->error, sizeof im->r->error,
			         _("--map: '%.*s' skal have formen felt=Overskrift, fx advisor=Sagsbehandler."), (int)len, m);
			return -1;
		}
		int f = field_by_name(m, (size_t)(eq - m));
		if (f < 0) {
			snprintf(im->r->error, sizeof im->r->error,
			         _("--map: ukendt felt '%.*s'. Felterne er case_no, advisor, target, provision, benefit, "
			           "opened, decided og team."),
			         (int)(eq - m), m);
			return -1;
		}
		size_t hlen = len - (size_t)(eq - m) - 1;
		int found = -1;
		for (int c = 0; c < ncells; c++)
			if (strlen(cells[c]) == hlen && strncasecmp(cells[c], eq + 1, hlen) == 0)
				found = c;
		if (found < 0) {
			snprintf(im->r->error, sizeof im->r->error, _("--map: filen har ingen kolonne med overskriften '%.*s'."),
			         (int)hlen, eq + 1);
			return -1;
		}
		im->r->column_of[f] = found;
		m = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* A CPR number in a cell, spelled out or as a 9- or 10-digit number. */
static int cpr_like(const char *cell)
{
	return cpr_find(cell) >= 0 || cpr_number_cell(cell);
}

static int read_header(Import *im, long line, int ncells, const char *const *cells)
{
	ImportResult *r = im->r;
	/* Checked before the headers are kept anywhere (the preview page lists them). */
	for (int c = 0; c < ncells; c++)
		if (cpr_like(cells[c])) {
			snprintf(r->error, sizeof r->error,
			         _("Linje %ld, kolonne %d: overskriften ligner et CPR-nummer. CPR-numre må ikke indlæses; "
			           "fjern det fra filen."),
			         line, c + 1);
			r->cpr_found = 1;
			return -1;
		}
	r->ncolumns = ncells;
	im->headers = xcalloc((size_t)ncells + 1, sizeof *im->headers);
	for (int c = 0; c < ncells; c++)
		im->headers[c] = xstrdup(cells[c]);
	im->nheaders = ncells;
	for (int f = 0; f < F_COUNT; f++)
		r->column_of[f] = -1;
	for (int c = 0; c < ncells && c < IMPORT_MAX_HEADERS; c++)
		snprintf(r->headers[c], sizeof r->headers[c], "%s", cells[c]);
	for (int c = 0; c < ncells; c++) {
		int f = cases_header_field(cells[c]);
		if (f >= 0 && r->column_of[f] < 0)
			r->column_of[f] = c;
	}
	if (apply_map(im, ncells, cells) != 0)
		return -1;
	for (int f = 0; f < F_COUNT; f++)
		if (r->column_of[f] >= 0)
			snprintf(r->header_of[f], sizeof r->header_of[f], "%s", cells[r->column_of[f]]);
	const char *missing = r->column_of[F_CASE_NO] < 0 ? _("sagsnummer (fx 'Sagsnummer' eller 'Sagsnr')")
	                      : r->column_of[F_ADVISOR] < 0 ? _("rådgiver (fx 'Rådgiver' eller 'Sagsbehandler')")
	                                                    : NULL;
	if (missing) {
		Buf found;
		buf_init(&found, 0);
		for (int c = 0; c < ncells && found.len < 300; c++)
			buf_printf(&found, "%s'%s'", c ? ", " : "", cells[c]);
		snprintf(r->error, sizeof r->error,
		         _("Linje %ld: der er ingen kolonne med %s. Overskrifterne i filen er: %s."), line, missing,
		         buf_cstr(&found));
		r->missing_column = 1;
		buf_free(&found);
		return -1;
	}
	return 0;
}

static const char *cell(const ImportResult *r, int f, int ncells, const char *const *cells)
{
	int c = r->column_of[f];
	return c >= 0 && c < ncells ? cells[c] : "";
}

/* The WHERE leaves a second row with the same number in this file unstored. Prepared once in
** import_begin with the constant parameters (department, time, import) bound; only the row's
** fields change per row. */
static const char upsert_sql[] =
	"INSERT INTO cases (department_id, case_no, advisor, target, provision, benefit, opened, decided, team,"
	"  first_seen, last_seen, first_import_id, last_import_id)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?11)"
	" ON CONFLICT (department_id, case_no) DO UPDATE SET advisor = excluded.advisor,"
	"  target = excluded.target, provision = excluded.provision, benefit = excluded.benefit,"
	"  opened = excluded.opened, decided = excluded.decided, team = excluded.team,"
	"  last_seen = excluded.last_seen, last_import_id = excluded.last_import_id,"
	"  on_list = 1, dropped_import_id = NULL"
	"  WHERE cases.last_import_id IS DISTINCT FROM excluded.last_import_id";

static int store_row(Import *im, long line, const char *v[F_COUNT])
{
	Stmt *q = &im->upsert;
	/* Bound without a copy: the values (the reader's record, on_row's buffers) outlive the
	** step, and every field is bound again for the next row. */
	for (int f = 0; f < F_COUNT; f++)
		db_bind_text_static(q, 2 + f, *v[f] ? v[f] : NULL);
	/* No change is the skipped duplicate (the WHERE of the DO UPDATE). */
	int inserted;
	int rc = db_upsert(q, &inserted);
	db_reset(q);
	if (rc != DB_OK) {
		snprintf(im->r->error, sizeof im->r->error, _("Linje %ld kunne ikke gemmes: %s"), line, db_errmsg(im->db));
		return -1;
	}
	if (inserted < 0) {
		problem(im, line, im->r->header_of[F_CASE_NO], _("Sagsnummeret %s står også tidligere i filen."), v[F_CASE_NO]);
		return 1;
	}
	if (inserted)
		im->r->inserted++;
	else
		im->r->updated++;
	return 0;
}

static int on_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Import *im = ctx;
	ImportResult *r = im->r;
	if (!im->have_header) {
		im->have_header = 1;
		if (read_header(im, line, ncells, cells) != 0) {
			im->failed = 1;
			return 1;
		}
		return 0;
	}
	/* Spreadsheet exports often end in rows of empty cells (";;;;;;"); they are not cases. */
	int blank = 1;
	for (int c = 0; c < ncells && blank; c++)
		blank = str_empty(cells[c]);
	if (blank)
		return 0;
	r->rows_read++;
	long bad = 0;

	for (int c = 0; c < ncells; c++) {
		if (cpr_find(cells[c]) >= 0) {
			problem(im, line, column_name(im, c), "%s",
			        _("Feltet ligner et CPR-nummer. CPR-numre må ikke indlæses; fjern dem fra filen."));
			bad++;
			r->cpr_found = 1;
		} else if (cpr_number_cell(cells[c])) {
			problem(im, line, column_name(im, c), "%s",
			        _("Feltet er et tal, der ligner et CPR-nummer (et regneark fjerner nullet foran, når "
			          "fødselsdagen er 1.-9.). CPR-numre må ikke indlæses; fjern dem fra filen."));
			bad++;
			r->cpr_found = 1;
		}
	}

	const char *v[F_COUNT];
	char opened[11] = "", decided[11] = "";
	for (int f = 0; f < F_COUNT; f++)
		v[f] = cell(r, f, ncells, cells);
	size_t no_len = strlen(v[F_CASE_NO]), adv_len = strlen(v[F_ADVISOR]);
	if (str_empty(v[F_CASE_NO]))
		problem(im, line, r->header_of[F_CASE_NO], "%s", _("Sagsnummer mangler.")), bad++;
	else if (no_len > 100)
		problem(im, line, r->header_of[F_CASE_NO], "%s", _("Sagsnummeret er længere end 100 tegn.")), bad++;
	if (str_empty(v[F_ADVISOR]))
		problem(im, line, r->header_of[F_ADVISOR], "%s", _("Rådgiver mangler.")), bad++;
	else if (adv_len > 200)
		problem(im, line, r->header_of[F_ADVISOR], "%s", _("Rådgiverens navn er længere end 200 tegn.")), bad++;
	const char *target = NULL;
	/* The problems below quote the cell; one holding a CPR number was reported above. */
	if (!str_empty(v[F_TARGET]) && !cpr_like(v[F_TARGET])) {
		char t[32];
		normalise_header(v[F_TARGET], t, sizeof t);
		if (!strcmp(t, "barn") || !strcmp(t, "børn") || !strcmp(t, "unge"))
			target = "barn";
		else if (!strcmp(t, "voksen") || !strcmp(t, "voksne"))
			target = "voksen";
		else
			problem(im, line, r->header_of[F_TARGET], _("Målgruppen skal være 'barn' eller 'voksen', ikke '%.40s'."),
			        v[F_TARGET]), bad++;
	}
	if (!str_empty(v[F_OPENED]) && !date_parse(v[F_OPENED], opened) && !cpr_like(v[F_OPENED]))
		problem(im, line, r->header_of[F_OPENED],
		        _("'%.40s' er ikke en dato. Brug fx 11-03-2024, 11.03.2024 eller 2024-03-11."), v[F_OPENED]), bad++;
	if (!str_empty(v[F_DECIDED]) && !date_parse(v[F_DECIDED], decided) && !cpr_like(v[F_DECIDED]))
		problem(im, line, r->header_of[F_DECIDED],
		        _("'%.40s' er ikke en dato. Brug fx 11-03-2024, 11.03.2024 eller 2024-03-11."), v[F_DECIDED]), bad++;

	if (bad) {
		r->rejected++;
		return 0;
	}
	if (!target) {
		target = im->d->area; /* the department's area, which the import reports */
		r->target_defaulted++;
	}
	v[F_TARGET] = target;
	v[F_OPENED] = opened;
	v[F_DECIDED] = decided;
	/* The lengths were checked above, so both fit; memcpy, not snprintf, as this runs for
	** every row. */
	char trimmed_no[101], trimmed_adv[201];
	memcpy(trimmed_no, v[F_CASE_NO], no_len + 1);
	memcpy(trimmed_adv, v[F_ADVISOR], adv_len + 1);
	v[F_CASE_NO] = str_trim(trimmed_no);
	v[F_ADVISOR] = str_trim(trimmed_adv);
	int rc = store_row(im, line, v);
	if (rc < 0) {
		im->failed = 1;
		return 1;
	}
	if (rc > 0) {
		r->rejected++;
		return 0;
	}
	if (r->npreview < IMPORT_PREVIEW_ROWS) {
		for (int f = 0; f < F_COUNT; f++)
			snprintf(r->preview[r->npreview][f], sizeof r->preview[0][0], "%s", v[f]);
		r->npreview++;
	}
	return 0;
}

static int import_begin(Db *db, const Department *d, const char *name, const ImportOptions *o, ImportResult *r,
                        Import *im)
{
	memset(r, 0, sizeof *r);
	memset(im, 0, sizeof *im);
	im->db = db;
	im->d = d;
	im->o = o;
	im->r = r;
	time_iso(im->now, time(NULL));
	if (db_begin(db) != DB_OK) {
		snprintf(r->error, sizeof r->error, "%s", _("Databasen er optaget af et andet program. Prøv igen om lidt."));
		return -1;
	}
	Stmt q;
	char *file_name = cpr_mask(name); /* a file's name is not ours: a CPR number in it is masked */
	db_prepare(&q, db,
	           "INSERT INTO case_import (department_id, at, login, file_name) VALUES (?1, ?2, ?3, ?4) RETURNING id");
	db_bind_int(&q, 1, d->id);
	db_bind_text(&q, 2, im->now);
	db_bind_text(&q, 3, o->login);
	db_bind_text(&q, 4, file_name);
	int rc = db_insert_id(&q, &r->import_id);
	db_finalize(&q);
	free(file_name);
	if (rc != DB_OK) {
		db_rollback(db);
		snprintf(r->error, sizeof r->error, _("Importen kunne ikke registreres: %s"), db_errmsg(db));
		return -1;
	}
	db_bulk(db, 1); /* a bigger page cache for the import's many inserts */
	db_prepare(&im->upsert, db, upsert_sql);
	db_bind_int(&im->upsert, 1, d->id);
	db_bind_text(&im->upsert, 10, im->now);
	db_bind_int(&im->upsert, 11, r->import_id);
	return 0;
}

/*
** Makes the file the current list (or adds it), inside the import's transaction: the
** cases on the list that the file does not hold drop off it, unless the import adds. Fills
** r->dropped (with the first case numbers) and r->list_size. A dry run or a refused import
** is rolled back afterwards, so its figures say what would have happened.
*/
static int by_case_no(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Keeps the IMPORT_MAX_DROPPED smallest case numbers (bytewise) of those dropping off. */
static void note_dropped(ImportResult *r, const char *case_no)
{
	if (r->ndropped_listed == IMPORT_MAX_DROPPED) {
		if (strcmp(case_no, r->dropped_nos[IMPORT_MAX_DROPPED - 1]) >= 0)
			return;
		r->ndropped_listed--;
	}
	int i = r->ndropped_listed++;
	snprintf(r->dropped_nos[i], sizeof r->dropped_nos[0], "%s", case_no);
	qsort(r->dropped_nos, (size_t)r->ndropped_listed, sizeof r->dropped_nos[0], by_case_no);
}

static int apply_version(Import *im)
{
	ImportResult *r = im->r;
	Stmt q;
	/* A department's first list: nothing to compare with, and no pass over it. */
	db_prepare(&q, im->db, "SELECT 1 FROM case_import WHERE department_id = ?1 AND id <> ?2 LIMIT 1");
	db_bind_int(&q, 1, im->d->id);
	db_bind_int(&q, 2, r->import_id);
	int earlier = db_step(&q);
	db_finalize(&q);
	if (!earlier) {
		r->list_size = r->inserted + r->updated;
		return 0;
	}
	/* One pass in table order (NOT INDEXED: through an index every row is a random read, which
	** took longer than the import itself): the list's size after the import, and the cases on
	** the list that the file does not hold. */
	static const char *const listed_sql[DB_DIALECTS] = {
		/* sql-dialect: sqlite */
		[DB_DIALECT_SQLITE] = "SELECT case_no, last_import_id IS DISTINCT FROM ?2 FROM cases NOT INDEXED"
		                      " WHERE department_id = ?1 AND on_list = 1",
		[DB_DIALECT_POSTGRES] = "SELECT case_no, last_import_id IS DISTINCT FROM ?2 FROM cases"
		                        " WHERE department_id = ?1 AND on_list = 1",
	};
	db_prepare(&q, im->db, listed_sql[db_dialect(im->db)]);
	db_bind_int(&q, 1, im->d->id);
	db_bind_int(&q, 2, r->import_id);
	long listed = 0, gone = 0;
	while (db_step(&q)) {
		listed++;
		if (!db_col_int(&q, 1))
			continue;
		gone++;
		if (!im->o->add)
			note_dropped(r, db_col_text(&q, 0));
	}
	db_finalize(&q);
	if (im->o->add || gone == 0) {
		r->list_size = listed;
		return 0;
	}
	static const char *const drop_sql[DB_DIALECTS] = {
		/* sql-dialect: sqlite */
		[DB_DIALECT_SQLITE] = "UPDATE cases NOT INDEXED SET on_list = 0, dropped_import_id = ?2"
		                      " WHERE department_id = ?1 AND on_list = 1 AND last_import_id IS DISTINCT FROM ?2",
		[DB_DIALECT_POSTGRES] = "UPDATE cases SET on_list = 0, dropped_import_id = ?2"
		                        " WHERE department_id = ?1 AND on_list = 1 AND last_import_id IS DISTINCT FROM ?2",
	};
	db_prepare(&q, im->db, drop_sql[db_dialect(im->db)]);
	db_bind_int(&q, 1, im->d->id);
	db_bind_int(&q, 2, r->import_id);
	int rc = db_done(&q);
	db_finalize(&q);
	if (rc != DB_OK) {
		snprintf(r->error, sizeof r->error, _("Sagslisten kunne ikke gemmes: %s"), db_errmsg(im->db));
		return -1;
	}
	r->dropped = gone;
	r->list_size = listed - gone;
	return 0;
}

/* Decides, once every row has been read, whether the import stands. */
static int import_decide(Import *im, int read_rc, const char *read_err)
{
	ImportResult *r = im->r;
	Db *db = im->db;
	for (int c = 0; c < im->nheaders; c++)
		free(im->headers[c]);
	free(im->headers);
	db_finalize(&im->upsert);
	if (read_rc != 0 && !im->failed && read_err && *read_err)
		snprintf(r->error, sizeof r->error, "%s", read_err);
	if (!im->have_header && !*r->error)
		snprintf(r->error, sizeof r->error, "%s", _("Filen er tom: der er hverken overskrifter eller sager."));
	else if (r->rows_read == 0 && !*r->error)
		snprintf(r->error, sizeof r->error, "%s", _("Filen har overskrifter, men ingen sager."));
	if (*r->error) {
		db_rollback(db);
		return IMPORT_FAILED;
	}
	/* Before the decision, so a preview with errors says what would drop off as well. */
	if (apply_version(im) != 0) {
		db_rollback(db);
		return IMPORT_FAILED;
	}
	/* Who the caseworkers are, and assignments the new list turns into own cases (ident.c). */
	if (ident_after_import(db, im->d->id, r, im->o->login) != 0) {
		db_rollback(db);
		snprintf(r->error, sizeof r->error, _("Sagslisten kunne ikke gemmes: %s"), db_errmsg(db));
		return IMPORT_FAILED;
	}
	if (r->rejected && !im->o->skip_invalid) {
		db_rollback(db);
		r->inserted = r->updated = 0;
		return IMPORT_REFUSED;
	}
	if (im->o->dry_run) {
		db_rollback(db);
		return IMPORT_STORED;
	}
	Stmt q;
	db_prepare(&q, db,
	           "UPDATE case_import SET format = ?2, encoding = ?3, rows_read = ?4, rows_inserted = ?5,"
	           " rows_updated = ?6, rows_rejected = ?7, mode = ?8, list_size = ?9, dropped = ?10,"
	           " target_defaulted = ?11 WHERE id = ?1");
	db_bind_int(&q, 1, r->import_id);
	db_bind_text(&q, 2, r->info.format);
	db_bind_text(&q, 3, r->info.encoding);
	db_bind_int(&q, 4, r->rows_read);
	db_bind_int(&q, 5, r->inserted);
	db_bind_int(&q, 6, r->updated);
	db_bind_int(&q, 7, r->rejected);
	db_bind_text(&q, 8, im->o->add ? "add" : "replace");
	db_bind_int(&q, 9, r->list_size);
	db_bind_int(&q, 10, r->dropped);
	db_bind_int(&q, 11, r->target_defaulted);
	db_done(&q);
	db_finalize(&q);
	char detail[300];
	snprintf(detail, sizeof detail, "%s; %ld rækker: %ld nye, %ld opdaterede, %ld afviste; %ld faldet ud; %ld på listen",
	         im->o->add ? "tilføjet til listen" : "erstatter listen", r->rows_read, r->inserted, r->updated, r->rejected,
	         r->dropped, r->list_size);
	if (audit_log(db, &(AuditEntry){.login = im->o->login, .action = "cases_import", .department_id = im->d->id,
	                                .object = "cases", .detail = detail}) != 0 ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		snprintf(r->error, sizeof r->error, _("Sagslisten kunne ikke gemmes: %s"), db_errmsg(db));
		return IMPORT_FAILED;
	}
	return IMPORT_STORED;
}

static int import_end(Import *im, int read_rc, const char *read_err)
{
	int rc = import_decide(im, read_rc, read_err);
	db_bulk(im->db, 0);
	return rc;
}

static int is_xlsx(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
}

/* A file that is no table at all (a PDF, a Word file, an old .xls ...) is refused before
** anything is begun, with what it is and what to do. */
static int unreadable(FileType t, ImportResult *r)
{
	const char *why = filetype_refusal(t, 1);
	if (!why)
		return 0;
	memset(r, 0, sizeof *r);
	r->unreadable = filetype_title(t);
	snprintf(r->error, sizeof r->error, "%s", why);
	return 1;
}

int cases_import_mem(Db *db, const Department *d, const void *data, size_t n, const char *name,
                     const ImportOptions *o, ImportResult *r)
{
	if (unreadable(filetype_of(data, n), r))
		return IMPORT_FAILED;
	Import im;
	if (import_begin(db, d, name, o, r, &im) != 0)
		return IMPORT_FAILED;
	char err[512] = "";
	int rc = is_xlsx(data, n) ? xlsx_read_mem(data, n, &r->info, on_row, &im, err, sizeof err)
	                          : csv_read_mem(data, n, &r->info, on_row, &im, err, sizeof err);
	return import_end(&im, rc, err);
}

int cases_import_file(Db *db, const Department *d, const char *path, const ImportOptions *o, ImportResult *r)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		memset(r, 0, sizeof *r);
		snprintf(r->error, sizeof r->error, _("Filen %s kan ikke åbnes."), path);
		return IMPORT_FAILED;
	}
	unsigned char magic[4];
	size_t got = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (unreadable(filetype_of_file(path), r))
		return IMPORT_FAILED;
	Import im;
	if (import_begin(db, d, o->file_name ? o->file_name : path, o, r, &im) != 0)
		return IMPORT_FAILED;
	char err[512] = "";
	int rc = is_xlsx(magic, got) ? xlsx_read_file(path, &r->info, on_row, &im, err, sizeof err)
	                             : csv_read_file(path, &r->info, on_row, &im, err, sizeof err);
	return import_end(&im, rc, err);
}

/*
** Web uploads waiting for their confirmation hold the raw file, case data and all, so they
** are kept as briefly and as few as possible: only a file whose preview can go on to a
** confirmation is kept (page_cases.c), at most UPLOAD_PER_USER per user, and none longer
** than the upload lifetime (removed each minute by the server, when someone opens the
** import, and by `tilsyn retention run`).
*/
static int upload_lifetime = UPLOAD_TTL; /* set once before the server's threads start */

void cases_upload_lifetime_set(int seconds)
{
	upload_lifetime = seconds > 0 ? seconds : UPLOAD_TTL;
}

int cases_upload_lifetime(void)
{
	return upload_lifetime;
}

/* Removes web uploads older than the upload lifetime; returns how many went, or -1 when the
** database refused. */
int64_t cases_forget_uploads(Db *db, time_t now)
{
	Stmt q;
	db_prepare(&q, db, "DELETE FROM upload WHERE created < ?1");
	db_bind_int(&q, 1, (int64_t)now - upload_lifetime);
	int rc = db_done(&q);
	db_finalize(&q);
	return rc == DB_OK ? (int64_t)db_changes(db) : -1;
}

/* Keeps an upload under `token` until its confirmation, and removes the user's older ones
** beyond UPLOAD_PER_USER, in one transaction. Returns DB_OK or the error. */
int cases_keep_upload(Db *db, int64_t department_id, int64_t user_id, const char *token, const char *file_name,
                      const void *data, size_t n, time_t now)
{
	int rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	Stmt q;
	db_prepare(&q, db,
	           "INSERT INTO upload (token, department_id, user_id, created, file_name, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	db_bind_text(&q, 1, token);
	db_bind_int(&q, 2, department_id);
	db_bind_int(&q, 3, user_id);
	db_bind_int(&q, 4, (int64_t)now);
	db_bind_text(&q, 5, file_name);
	db_bind_blob(&q, 6, data, n);
	rc = db_done(&q);
	db_finalize(&q);
	if (rc == DB_OK) {
		db_prepare(&q, db,
		           "DELETE FROM upload WHERE user_id = ?1 AND id NOT IN"
		           " (SELECT id FROM upload WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2)");
		db_bind_int(&q, 1, user_id);
		db_bind_int(&q, 2, UPLOAD_PER_USER);
		rc = db_done(&q);
		db_finalize(&q);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}
