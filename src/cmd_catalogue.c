/*
** The command line of catalogue editing: `tilsyn catalogue export CODE [--version N] -o FILE`,
** `tilsyn catalogue import FILE` (a new draft) and `tilsyn catalogue publish CODE` (the newest
** draft). `tilsyn catalogue list` is here too; the sheet layout is catalogue_xlsx.c's.
*/
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHEET_BYTES ((size_t)64 << 20)

/* The version of a catalogue to export: number N, or else the newest published version,
** or, when none is published yet, the newest draft. 0 when there is none. */
static int64_t version_id(Db *db, const char *code, int64_t version)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id FROM catalogue WHERE code = ?1 AND (?2 = 0 OR version = ?2)"
	           " ORDER BY ?2 = 0 AND status = 'udgivet' DESC, version DESC LIMIT 1");
	db_bind_text(&q, 1, code);
	db_bind_int(&q, 2, version);
	int64_t id = db_step(&q) ? db_col_int(&q, 0) : 0;
	db_finalize(&q);
	return id;
}

int cmd_catalogue_export(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"version", required_argument, NULL, 'v'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *code = NULL;
	int64_t version = 0;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (!parse_int64(optarg, &version) || version < 1)
				return cli_fail("catalogue export: --version skal være et helt tal fra 1, ikke '%s'", optarg);
			break;
		case 'o': out = optarg; break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		code = argv[optind++];
	if (!code)
		return cli_fail("catalogue export: KODE mangler (se tilsyn catalogue list)");
	if (optind < argc)
		return cli_fail("ukendt argument: %s", argv[optind]);
	if (!out)
		return cli_fail("catalogue export: angiv filen med -o FIL.xlsx");
	int64_t id = version_id(db, code, version);
	if (!id)
		return version ? cli_fail("katalog %s har ingen version %lld", code, (long long)version)
		               : cli_fail("kataloget %s findes ikke (se tilsyn catalogue list)", code);
	char err[512];
	if (catalogue_xlsx_export(db, id, out, err, sizeof err) != 0) {
		fprintf(stderr, "tilsyn: %s\n", err);
		return 1;
	}
	return 0;
}

static char *slurp(const char *path, size_t *n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "kan ikke åbne %s", path);
		return NULL;
	}
	Buf b;
	buf_init(&b, MAX_SHEET_BYTES + 65536);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_SHEET_BYTES)
		buf_append(&b, chunk, k);
	fclose(f);
	if (b.len > MAX_SHEET_BYTES) {
		buf_free(&b);
		snprintf(err, errlen, "%s er for stor (over 64 MB) til at være et spørgekatalog", path);
		return NULL;
	}
	*n = b.len;
	return b.data ? buf_detach(&b) : xstrdup("");
}

int cmd_catalogue_import(Db *db, int argc, char **argv)
{
	if (argc != 3)
		return cli_fail("brug: tilsyn catalogue import FIL.xlsx");
	char err[512];
	size_t n;
	char *data = slurp(argv[2], &n, err, sizeof err);
	if (!data)
		return cli_fail("%s", err);
	if (db_begin(db) != DB_OK) {
		free(data);
		fputs("tilsyn: databasen er optaget af et andet program\n", stderr);
		return 1;
	}
	CatalogueImport *imp = xmalloc(sizeof *imp);
	int rc = catalogue_xlsx_import(db, data, n, imp);
	free(data);
	if (rc != 0) {
		db_rollback(db);
		fprintf(stderr, "tilsyn: %s blev ikke indlæst; intet er gemt:\n", argv[2]);
		for (int i = 0; i < imp->nproblems; i++)
			fprintf(stderr, "  %s\n", imp->problems[i]);
		if (imp->more)
			fprintf(stderr, "  ... og %d fejl mere\n", imp->more);
		free(imp);
		return rc < 0 ? 1 : EXIT_BAD_INPUT;
	}
	char object[64], detail[256];
	snprintf(object, sizeof object, "catalogue:%lld", (long long)imp->id);
	snprintf(detail, sizeof detail, "%s version %d: kladde indlæst fra regneark", imp->code, imp->version);
	cli_audit(db, "catalogue_import", 0, object, detail);
	if (db_commit(db) != DB_OK) {
		free(imp);
		fputs("tilsyn: kataloget kunne ikke gemmes\n", stderr);
		return 1;
	}
	printf("%lld %s %d\n", (long long)imp->id, imp->code, imp->version);
	fprintf(stderr, "tilsyn: kladde gemt: %s version %d (udgiv den med tilsyn catalogue publish %s)\n", imp->code,
	        imp->version, imp->code);
	free(imp);
	return 0;
}

int cmd_catalogue_publish(Db *db, int argc, char **argv)
{
	if (argc != 3)
		return cli_fail("brug: tilsyn catalogue publish KODE");
	const char *code = argv[2];
	int64_t id = catalogue_newest_draft(db, code);
	if (!id)
		return cli_fail("kataloget %s har ingen kladde at udgive", code);
	char err[512];
	if (db_begin(db) != DB_OK) {
		fputs("tilsyn: databasen er optaget af et andet program\n", stderr);
		return 1;
	}
	if (catalogue_publish_draft(db, id, err, sizeof err) != 0) {
		db_rollback(db);
		return cli_fail("%s", err);
	}
	Stmt q;
	db_prepare(&q, db, "SELECT version FROM catalogue WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int version = db_step(&q) ? (int)db_col_int(&q, 0) : 0;
	db_finalize(&q);
	char object[64], detail[256];
	snprintf(object, sizeof object, "catalogue:%lld", (long long)id);
	snprintf(detail, sizeof detail, "%s version %d: udgivet", code, version);
	cli_audit(db, "catalogue_publish", 0, object, detail);
	if (db_commit(db) != DB_OK) {
		fputs("tilsyn: kataloget kunne ikke udgives\n", stderr);
		return 1;
	}
	printf("%s version %d er udgivet\n", code, version);
	return 0;
}

static const char *format_arg(int argc, char **argv, int first)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const char *format = "text";
	int c;
	optind = first;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return NULL;
		format = optarg;
	}
	if (optind < argc)
		return NULL;
	return format;
}

static int catalogue_list(Db *db, const char *format)
{
	Stmt q;
	/* Every catalogue's newest published version, with how many questions it has. */
	db_prepare(&q, db,
	           "SELECT c.code, c.title, c.kind, c.target, c.version, c.source,"
	           " (SELECT count(*) FROM question x WHERE x.catalogue_id = c.id) FROM catalogue c"
	           " WHERE c.status = 'udgivet' AND c.version = (SELECT max(version) FROM catalogue o"
	           "  WHERE o.code = c.code AND o.status = 'udgivet') ORDER BY c.kind, c.target, c.code");
	json_t *all = json_array();
	while (db_step(&q)) {
		if (str_eq(format, "json")) {
			json_t *o = json_object();
			json_object_set_new(o, "code", json_string(db_col_text(&q, 0)));
			json_object_set_new(o, "title", json_string(db_col_text(&q, 1)));
			json_object_set_new(o, "kind", json_string(db_col_text(&q, 2)));
			json_object_set_new(o, "target", json_string(db_col_text(&q, 3)));
			json_object_set_new(o, "version", json_integer(db_col_int(&q, 4)));
			json_object_set_new(o, "source", json_string(db_col_text(&q, 5)));
			json_object_set_new(o, "questions", json_integer(db_col_int(&q, 6)));
			json_array_append_new(all, o);
		} else {
			printf("%-28s v%-3lld %-10s %-6s %3lld spm.  %s\n", db_col_text(&q, 0), (long long)db_col_int(&q, 4),
			       db_col_text(&q, 2), db_col_text(&q, 3), (long long)db_col_int(&q, 6), db_col_text(&q, 1));
		}
	}
	db_finalize(&q);
	if (str_eq(format, "json")) {
		json_dumpf(all, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	}
	json_decref(all);
	return 0;
}

int cmd_catalogue(Db *db, int argc, char **argv)
{
	if (argc < 2)
		return cli_fail("catalogue: angiv en underkommando (se tilsyn catalogue --help)");
	if (str_eq(argv[1], "list")) {
		const char *format = format_arg(argc, argv, 2);
		if (!format || (!str_eq(format, "json") && !str_eq(format, "text")))
			return cli_fail("catalogue list: --format skal være json eller text");
		return catalogue_list(db, format);
	}
	if (str_eq(argv[1], "export"))
		return cmd_catalogue_export(db, argc, argv);
	if (str_eq(argv[1], "import"))
		return cmd_catalogue_import(db, argc, argv);
	if (str_eq(argv[1], "publish"))
		return cmd_catalogue_publish(db, argc, argv);
	return cli_fail("ukendt underkommando 'catalogue %s' (se tilsyn catalogue --help)", argv[1]);
}
