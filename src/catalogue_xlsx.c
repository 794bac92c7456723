/*
** A question catalogue as a spreadsheet, so a municipality can adapt one in Excel: export
** one version to .xlsx, and import such a sheet back as a new draft. Everything is on the
** first sheet (our reader, xlsx.c, reads only that one): the catalogue's fields in the first
** rows (label in column A, value in column B), then a header row starting with "Afsnit",
** then one row per question. The layout is described in catalogues/README.md under "XLSX".
** An import is all or nothing: every problem is listed with its cell (e.g. "C14: ...").
*/
#include "tilsyn.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* The question columns, in the order they are written. */
enum { COL_SECTION, COL_CODE, COL_TEXT, COL_GUIDANCE, COL_REFERENCE, COL_CATEGORY, COL_SCALE, COL_CHOICES,
       COL_COND_QUESTION, COL_COND_ANSWERS, NCOLS };
static const char *const col_titles[NCOLS] = {
	"Afsnit", "Kode", "Spørgsmål", "Vejledning", "Henvisning", "Kategori", "Skala", "Valgmuligheder",
	"Betingelse (spørgsmål)", "Betingelse (svar)",
};
static const int col_required[NCOLS] = {1, 1, 1, 0, 0, 1, 0, 0, 0, 0};
static const double col_widths[NCOLS] = {24, 16, 50, 60, 28, 16, 15, 30, 20, 24};

/* The catalogue's own fields, in the rows above the header. */
enum { META_CODE, META_TITLE, META_KIND, META_TARGET, META_DESCRIPTION, META_VERSION, META_ABOUT, NMETA };
static const char *const meta_titles[NMETA] = {"Kode", "Titel", "Art", "Målgruppe", "Beskrivelse", "Version", "Om arket"};

#define MAX_ROWS 2000
#define ABOUT_TEXT                                                                                               \
	"Ret gerne i arket, og indlæs det igen i tilsyn under Spørgekataloger: det bliver en ny kladde, som først "   \
	"bruges af tilsyn, når den er udgivet. Én række pr. spørgsmål under overskriftsrækken. Behold et spørgsmåls " \
	"kode, når ordlyden rettes; ændres spørgsmålets betydning, skal det have en ny kode. Art: overordnet eller "  \
	"tema. Målgruppe: barn, voksen eller begge. Kategori: forvaltningsret, retssikkerhed eller socialfaglig. "    \
	"Skala: ja/delvist/nej, ja/nej, valg eller fritekst. Valgmuligheder og svar adskilles med semikolon. En "     \
	"betingelse kan kun pege på et spørgsmål længere oppe. Versionen sættes af tilsyn ved indlæsning."

static const struct {
	const char *code, *label;
} scales[] = {{"jdn", "ja/delvist/nej"}, {"jn", "ja/nej"}, {"choice", "valg"}, {"text", "fritekst"}};

static const char *scale_label(const char *code)
{
	for (size_t i = 0; i < COUNT(scales); i++)
		if (str_eq(code, scales[i].code))
			return scales[i].label;
	return code;
}

/* ---- export ---- */

static void join_answers(Buf *b, json_t *list)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *s = json_string_value(json_array_get(list, i));
		if (i)
			buf_puts(b, "; ");
		buf_puts(b, str_eq(s, "ikke_relevant") ? "ikke relevant" : s ? s : "");
	}
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/*
** Writes catalogue version id to path as .xlsx. Returns 0, or -1 with a Danish message.
*/
int catalogue_xlsx_export(Db *db, int64_t id, const char *path, char *err, size_t n)
{
	json_t *root = catalogue_to_json(db, id);
	if (!root) {
		snprintf(err, n, _("Kataloget findes ikke."));
		return -1;
	}
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		snprintf(err, n, _("Filen %s kan ikke oprettes."), path);
		json_decref(root);
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Katalog");
	lxw_format *label = workbook_add_format(wb);
	format_set_bold(label);
	format_set_align(label, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDCE6F1);
	format_set_bottom(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *cell = workbook_add_format(wb);
	format_set_text_wrap(cell);
	format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
	format_set_num_format(cell, "@"); /* text, so that Excel never turns a value into a number or date */

	char version[16];
	snprintf(version, sizeof version, "%lld", (long long)json_integer_value(json_object_get(root, "version")));
	const char *meta_values[NMETA] = {jstr(root, "code"),   jstr(root, "title"), jstr(root, "kind"),
	                                  jstr(root, "target"), jstr(root, "description"), version, ABOUT_TEXT};
	for (int i = 0; i < NMETA; i++) {
		worksheet_write_string(ws, (lxw_row_t)i, 0, meta_titles[i], label);
		worksheet_write_string(ws, (lxw_row_t)i, 1, meta_values[i], cell);
	}
	const lxw_row_t header = NMETA + 1;
	for (int c = 0; c < NCOLS; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_widths[c], NULL);
		worksheet_write_string(ws, header, (lxw_col_t)c, col_titles[c], head);
	}
	worksheet_set_row(ws, META_DESCRIPTION, 60, NULL);
	worksheet_set_row(ws, META_ABOUT, 75, NULL);

	lxw_row_t row = header + 1;
	json_t *sections = json_object_get(root, "sections");
	Buf tmp;
	buf_init(&tmp, 0);
	for (size_t s = 0; s < json_array_size(sections); s++) {
		json_t *sec = json_array_get(sections, s), *questions = json_object_get(sec, "questions");
		for (size_t k = 0; k < json_array_size(questions); k++, row++) {
			json_t *q = json_array_get(questions, k), *cond = json_object_get(q, "condition");
			const char *values[NCOLS] = {jstr(sec, "title"), jstr(q, "code"), jstr(q, "text"), jstr(q, "guidance"),
			                             jstr(q, "reference"), jstr(q, "category"),
			                             scale_label(*jstr(q, "scale") ? jstr(q, "scale") : "jdn"), "",
			                             cond ? jstr(cond, "question") : "", ""};
			for (int c = 0; c < NCOLS; c++) {
				if (c == COL_CHOICES || c == COL_COND_ANSWERS) {
					buf_reset(&tmp);
					join_answers(&tmp, c == COL_CHOICES ? json_object_get(q, "choices") : json_object_get(cond, "answers"));
					worksheet_write_string(ws, row, (lxw_col_t)c, buf_cstr(&tmp), cell);
				} else {
					worksheet_write_string(ws, row, (lxw_col_t)c, values[c], cell);
				}
			}
		}
	}
	buf_free(&tmp);

	/* Drop-down lists where only a few values are allowed; a sheet edited elsewhere is
	** checked again on import anyway. */
	static char *kinds[] = {"overordnet", "tema", NULL};
	static char *targets[] = {"barn", "voksen", "begge", NULL};
	static char *categories[] = {"forvaltningsret", "retssikkerhed", "socialfaglig", NULL};
	static char *scale_list[] = {"ja/delvist/nej", "ja/nej", "valg", "fritekst", NULL};
	lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST, .ignore_blank = LXW_VALIDATION_ON,
	                          .error_title = "Ugyldig værdi", .error_message = "Vælg en af værdierne på listen."};
	dv.value_list = kinds;
	worksheet_data_validation_cell(ws, META_KIND, 1, &dv);
	dv.value_list = targets;
	worksheet_data_validation_cell(ws, META_TARGET, 1, &dv);
	dv.value_list = categories;
	worksheet_data_validation_range(ws, header + 1, COL_CATEGORY, header + 500, COL_CATEGORY, &dv);
	dv.value_list = scale_list;
	worksheet_data_validation_range(ws, header + 1, COL_SCALE, header + 500, COL_SCALE, &dv);
	worksheet_freeze_panes(ws, header + 1, 0);
	worksheet_autofilter(ws, header, 0, row > header + 1 ? row - 1 : header, NCOLS - 1);

	json_decref(root);
	lxw_error rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR) {
		snprintf(err, n, _("Filen %s kunne ikke skrives: %s"), path, lxw_strerror(rc));
		return -1;
	}
	return 0;
}

/* ---- import ---- */

typedef struct Parse {
	CatalogueImport *out;
	long header_row;         /* 0 until the header row is found */
	int col[NCOLS];          /* sheet column of each field, -1 when absent */
	int col_field[SHEET_MAX_CELLS];  /* field of each sheet column, -1 when none */
	char *meta[NMETA];
	long meta_row[NMETA];
	long rows;
	json_t *sections, *questions;    /* the current section's questions */
	char *section_title;
	json_t *section_rows;    /* section title -> row where it starts */
	json_t *seen;            /* question code -> its JSON (borrowed from sections) */
	json_t *seen_rows;       /* question code -> its row */
	int nquestions;
} Parse;

static void problem(Parse *p, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void problem(Parse *p, const char *fmt, ...)
{
	CatalogueImport *o = p->out;
	if (o->nproblems >= CATALOGUE_MAX_PROBLEMS) {
		o->more++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->problems[o->nproblems++], sizeof o->problems[0], fmt, ap);
	va_end(ap);
}

/* A cell's name, e.g. "C14", from a 0-based column and the sheet's row number. */
static const char *cell_name(char out[24], int col, long row)
{
	if (col < 0) { /* a column the sheet does not have */
		snprintf(out, 24, _("Række %ld"), row);
		return out;
	}
	char letters[8];
	int n = 0;
	for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	int k = 0;
	while (n > 0)
		out[k++] = letters[--n];
	snprintf(out + k, 24 - (size_t)k, "%ld", row);
	return out;
}

/* Folds ASCII and Latin-1 capitals (Æ, Ø, Å, ...) to small letters, for comparing labels. */
static void fold(char *s)
{
	unsigned char *u = (unsigned char *)s;
	for (; *u; u++) {
		if (*u >= 'A' && *u <= 'Z')
			*u = (unsigned char)(*u + 32);
		else if (*u == 0xC3 && u[1] >= 0x80 && u[1] <= 0x9E && u[1] != 0x97)
			u[1] = (unsigned char)(u[1] + 32), u++;
	}
}

/* Labels and headers match regardless of case, surrounding spaces and a trailing ':'. */
static int label_eq(const char *cell, const char *label)
{
	char a[256], b[256];
	snprintf(a, sizeof a, "%s", cell);
	snprintf(b, sizeof b, "%s", label);
	char *t = str_trim(a);
	size_t n = strlen(t);
	if (n && t[n - 1] == ':')
		t[--n] = 0;
	t = str_trim(t);
	fold(t);
	fold(b);
	return strcmp(t, b) == 0;
}

/* The trimmed text of a cell (a copy); "" when the row is shorter. */
static char *cell_text(int ncells, const char *const *cells, int c)
{
	if (c < 0 || c >= ncells)
		return xstrdup("");
	char *copy = xstrdup(cells[c]);
	char *t = str_trim(copy);
	memmove(copy, t, strlen(t) + 1);
	return copy;
}

static int has_control(const char *s)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if ((*u < 0x20 && *u != '\n' && *u != '\t' && *u != '\r') || *u == 0x7f)
			return 1;
	return 0;
}

static int valid_code(const char *s, int upper, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == '-' || (upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z'))))
			return 0;
	}
	return 1;
}

/* Number of characters (not bytes) in UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *scale_parse(const char *s)
{
	char v[64];
	size_t k = 0;
	for (; *s && k + 1 < sizeof v; s++)
		if (*s != ' ')
			v[k++] = *s;
	v[k] = 0;
	fold(v);
	if (!*v || str_eq(v, "jdn") || str_eq(v, "ja/delvist/nej") || str_eq(v, "ja/delvist/nej/ikkerelevant"))
		return "jdn";
	if (str_eq(v, "jn") || str_eq(v, "ja/nej") || str_eq(v, "ja/nej/ikkerelevant"))
		return "jn";
	if (str_eq(v, "choice") || str_eq(v, "valg"))
		return "choice";
	if (str_eq(v, "text") || str_eq(v, "fritekst") || str_eq(v, "tekst"))
		return "text";
	return NULL;
}

/* Splits "a; b;c" into a JSON array of trimmed, non-empty strings. */
static json_t *split_list(const char *s)
{
	json_t *list = json_array();
	char *copy = xstrdup(s);
	for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
		if (*str_trim(t))
			json_array_append_new(list, json_string(str_trim(t)));
	free(copy);
	return list;
}

/* The answers a question can be given, for a message. */
static char *possible_answers(json_t *q)
{
	const char *scale = jstr(q, "scale");
	if (str_eq(scale, "jdn"))
		return xstrdup("ja; delvist; nej; ikke relevant");
	if (str_eq(scale, "jn"))
		return xstrdup("ja; nej; ikke relevant");
	Buf b;
	buf_init(&b, 0);
	join_answers(&b, json_object_get(q, "choices"));
	return b.data ? buf_detach(&b) : xstrdup("");
}

static int answer_fits(json_t *target, const char *answer)
{
	const char *scale = jstr(target, "scale");
	if (str_eq(scale, "jdn"))
		return str_eq(answer, "ja") || str_eq(answer, "delvist") || str_eq(answer, "nej") ||
		       str_eq(answer, "ikke_relevant");
	if (str_eq(scale, "jn"))
		return str_eq(answer, "ja") || str_eq(answer, "nej") || str_eq(answer, "ikke_relevant");
	json_t *choices = json_object_get(target, "choices");
	for (size_t i = 0; i < json_array_size(choices); i++)
		if (str_eq(json_string_value(json_array_get(choices, i)), answer))
			return 1;
	return 0;
}

static void header_row(Parse *p, long line, int ncells, const char *const *cells)
{
	char name[24];
	p->header_row = line;
	for (int c = 0; c < ncells; c++) {
		if (!*cells[c])
			continue;
		int field = -1;
		for (int f = 0; f < NCOLS; f++)
			if (label_eq(cells[c], col_titles[f]))
				field = f;
		if (field < 0) {
			problem(p, _("%s: ukendt kolonne \"%s\". Kolonnerne hedder Afsnit, Kode, Spørgsmål, Vejledning, Henvisning, "
			             "Kategori, Skala, Valgmuligheder, Betingelse (spørgsmål) og Betingelse (svar)."),
			        cell_name(name, c, line), cells[c]);
		} else if (p->col[field] >= 0) {
			problem(p, _("%s: kolonnen %s står to gange (også i %s)."), cell_name(name, c, line), col_titles[field],
			        cell_name((char[24]){0}, p->col[field], line));
		} else {
			p->col[field] = c;
			p->col_field[c] = field;
		}
	}
	for (int f = 0; f < NCOLS; f++)
		if (col_required[f] && p->col[f] < 0)
			problem(p, _("Række %ld: overskriftsrækken mangler kolonnen %s."), line, col_titles[f]);
}

static void meta_row(Parse *p, long line, int ncells, const char *const *cells)
{
	char name[24];
	if (label_eq(cells[0], col_titles[COL_SECTION])) {
		header_row(p, line, ncells, cells);
		return;
	}
	int field = -1;
	for (int f = 0; f < NMETA; f++)
		if (label_eq(cells[0], meta_titles[f]))
			field = f;
	char *first = cell_text(ncells, cells, 0);
	int unnamed = !*first;
	free(first);
	if (unnamed) {
		problem(p, _("%s: feltets navn mangler. Over overskriftsrækken (Afsnit, Kode, Spørgsmål, ...) står Kode, Titel, "
		             "Art, Målgruppe og Beskrivelse i kolonne A og værdien i kolonne B."),
		        cell_name(name, 0, line));
		return;
	}
	if (field < 0) {
		problem(p, _("%s: ukendt felt \"%s\". Over overskriftsrækken (Afsnit, Kode, Spørgsmål, ...) kan der stå Kode, "
		             "Titel, Art, Målgruppe, Beskrivelse, Version og Om arket."),
		        cell_name(name, 0, line), cells[0]);
		return;
	}
	if (p->meta[field]) {
		problem(p, _("%s: feltet %s står to gange (også i række %ld)."), cell_name(name, 0, line), meta_titles[field],
		        p->meta_row[field]);
		return;
	}
	p->meta[field] = cell_text(ncells, cells, 1);
	p->meta_row[field] = line;
}

static void question_row(Parse *p, long line, int ncells, const char *const *cells)
{
	char name[24];
	for (int c = 0; c < ncells; c++)
		if (*cells[c] && p->col_field[c] < 0)
			problem(p, _("%s: cellen står uden for katalogets kolonner (ingen overskrift). Flyt eller slet den."),
			        cell_name(name, c, line));
	for (int f = 0; f < NCOLS; f++)
		if (col_required[f] && p->col[f] < 0)
			return; /* told once, at the header row */
	char *v[NCOLS];
	for (int f = 0; f < NCOLS; f++)
		v[f] = cell_text(ncells, cells, p->col[f]);
#define QCELL(f) cell_name(name, p->col[f], line)

	/* The section: a new one starts where the title changes; an empty cell continues. */
	if (*v[COL_SECTION] && !str_eq(v[COL_SECTION], p->section_title)) {
		json_t *first = json_object_get(p->section_rows, v[COL_SECTION]);
		if (chars(v[COL_SECTION]) > 200)
			problem(p, _("%s: afsnittets titel er for lang (højst 200 tegn)."), QCELL(COL_SECTION));
		if (first) {
			problem(p, _("%s: afsnittet \"%s\" begynder også i række %lld. Rækkerne i et afsnit skal stå samlet."),
			        QCELL(COL_SECTION), v[COL_SECTION], (long long)json_integer_value(first));
		} else {
			json_object_set_new(p->section_rows, v[COL_SECTION], json_integer(line));
			json_t *sec = json_object();
			json_object_set_new(sec, "title", json_string(v[COL_SECTION]));
			p->questions = json_array();
			json_object_set_new(sec, "questions", p->questions);
			json_array_append_new(p->sections, sec);
			free(p->section_title);
			p->section_title = xstrdup(v[COL_SECTION]);
		}
	} else if (!*v[COL_SECTION] && !p->section_title) {
		problem(p, _("%s: afsnittets titel mangler (det første spørgsmål skal have et afsnit)."), QCELL(COL_SECTION));
	}

	json_t *q = json_object();
	const char *code = v[COL_CODE];
	int code_ok = 0;
	if (!*code)
		problem(p, _("%s: spørgsmålets kode mangler."), QCELL(COL_CODE));
	else if (!valid_code(code, 1, 32))
		problem(p, _("%s: koden \"%s\" må kun have STORE bogstaver (A-Z), tal og '-' (højst 32 tegn)."), QCELL(COL_CODE),
		        code);
	else if (json_object_get(p->seen_rows, code))
		problem(p, _("%s: koden %s er også brugt i række %lld. Hvert spørgsmål skal have sin egen kode."), QCELL(COL_CODE),
		        code, (long long)json_integer_value(json_object_get(p->seen_rows, code)));
	else
		code_ok = 1;
	json_object_set_new(q, "code", json_string(code));

	if (!*v[COL_TEXT])
		problem(p, _("%s: spørgsmålsteksten mangler."), QCELL(COL_TEXT));
	else if (chars(v[COL_TEXT]) > 1000)
		problem(p, _("%s: spørgsmålsteksten er for lang (højst 1000 tegn)."), QCELL(COL_TEXT));
	json_object_set_new(q, "text", json_string(v[COL_TEXT]));
	if (chars(v[COL_GUIDANCE]) > 5000)
		problem(p, _("%s: vejledningen er for lang (højst 5000 tegn)."), QCELL(COL_GUIDANCE));
	if (*v[COL_GUIDANCE])
		json_object_set_new(q, "guidance", json_string(v[COL_GUIDANCE]));
	if (chars(v[COL_REFERENCE]) > 500)
		problem(p, _("%s: henvisningen er for lang (højst 500 tegn)."), QCELL(COL_REFERENCE));
	if (*v[COL_REFERENCE])
		json_object_set_new(q, "reference", json_string(v[COL_REFERENCE]));

	char *category = xstrdup(v[COL_CATEGORY]);
	fold(category);
	if (!*category)
		problem(p, _("%s: kategorien mangler (forvaltningsret, retssikkerhed eller socialfaglig)."), QCELL(COL_CATEGORY));
	else if (!str_eq(category, "forvaltningsret") && !str_eq(category, "retssikkerhed") &&
	         !str_eq(category, "socialfaglig"))
		problem(p, _("%s: kategorien \"%s\" findes ikke; skriv forvaltningsret, retssikkerhed eller socialfaglig."),
		        QCELL(COL_CATEGORY), v[COL_CATEGORY]);
	json_object_set_new(q, "category", json_string(category));
	free(category);

	const char *scale = scale_parse(v[COL_SCALE]);
	if (!scale)
		problem(p, _("%s: skalaen \"%s\" findes ikke; skriv ja/delvist/nej, ja/nej, valg eller fritekst."), QCELL(COL_SCALE),
		        v[COL_SCALE]);
	json_object_set_new(q, "scale", json_string(scale ? scale : "jdn"));

	json_t *choices = split_list(v[COL_CHOICES]);
	if (str_eq(scale, "choice")) {
		if (json_array_size(choices) < 2)
			problem(p, _("%s: et spørgsmål med skalaen valg skal have mindst to valgmuligheder, adskilt med semikolon."),
			        QCELL(COL_CHOICES));
		for (size_t i = 0; i < json_array_size(choices); i++) {
			const char *c = json_string_value(json_array_get(choices, i));
			if (chars(c) > 200)
				problem(p, _("%s: valgmulighed %zu er for lang (højst 200 tegn)."), QCELL(COL_CHOICES), i + 1);
			for (size_t k = 0; k < i; k++)
				if (str_eq(c, json_string_value(json_array_get(choices, k))))
					problem(p, _("%s: valgmuligheden \"%s\" står to gange."), QCELL(COL_CHOICES), c);
		}
		json_object_set(q, "choices", choices);
	} else if (json_array_size(choices) && scale) {
		problem(p, _("%s: valgmuligheder bruges kun med skalaen valg (spørgsmålet har skalaen %s)."), QCELL(COL_CHOICES),
		        scale_label(scale));
	}
	json_decref(choices);

	const char *on = v[COL_COND_QUESTION];
	json_t *answers = split_list(v[COL_COND_ANSWERS]);
	if (*on) {
		json_t *target = json_object_get(p->seen, on);
		if (!target) {
			problem(p, _("%s: betingelsen peger på %s, som ikke er et spørgsmål længere oppe i arket. En betingelse kan kun "
			             "pege på et tidligere spørgsmål."), QCELL(COL_COND_QUESTION), on);
		} else if (str_eq(jstr(target, "scale"), "text")) {
			problem(p, _("%s: betingelsen peger på %s, som besvares med fritekst; en betingelse skal pege på et spørgsmål "
			             "med faste svar."), QCELL(COL_COND_QUESTION), on);
		} else if (!json_array_size(answers)) {
			problem(p, _("%s: betingelsen mangler de svar på %s, der gør spørgsmålet relevant (adskilt med semikolon)."),
			        QCELL(COL_COND_ANSWERS), on);
		} else {
			json_t *normal = json_array();
			for (size_t i = 0; i < json_array_size(answers); i++) {
				const char *a = json_string_value(json_array_get(answers, i));
				char *low = xstrdup(a);
				fold(low);
				const char *value = a;
				if (!str_eq(jstr(target, "scale"), "choice"))
					value = str_eq(low, "ikke relevant") || str_eq(low, "ikke_relevant") ? "ikke_relevant" : low;
				if (!answer_fits(target, value)) {
					char *possible = possible_answers(target);
					problem(p, _("%s: svaret \"%s\" passer ikke til spørgsmål %s (mulige svar: %s)."), QCELL(COL_COND_ANSWERS),
					        a, on, possible);
					free(possible);
				}
				json_array_append_new(normal, json_string(value));
				free(low);
			}
			json_t *cond = json_object();
			json_object_set_new(cond, "question", json_string(on));
			json_object_set_new(cond, "answers", normal);
			json_object_set_new(q, "condition", cond);
		}
	} else if (json_array_size(answers)) {
		problem(p, _("%s: der er svar til en betingelse, men intet spørgsmål i kolonnen Betingelse (spørgsmål)."),
		        QCELL(COL_COND_ANSWERS));
	}
	json_decref(answers);
#undef QCELL

	if (p->questions)
		json_array_append(p->questions, q);
	if (code_ok) {
		json_object_set(p->seen, code, q);
		json_object_set_new(p->seen_rows, code, json_integer(line));
	}
	json_decref(q);
	p->nquestions++;
	for (int f = 0; f < NCOLS; f++)
		free(v[f]);
}

static int on_row(void *ctx, long line, int ncells, const char *const *cells)
{
	Parse *p = ctx;
	char name[24];
	if (++p->rows > MAX_ROWS) {
		problem(p, _("Arket har mere end %d rækker; et katalog har højst 200 spørgsmål."), MAX_ROWS);
		return 1;
	}
	for (int c = 0; c < ncells; c++) {
		if (cpr_find(cells[c]) >= 0)
			problem(p, _("%s: teksten ligner et CPR-nummer. Et spørgekatalog må ikke indeholde CPR-numre."),
			        cell_name(name, c, line));
		if (has_control(cells[c]))
			problem(p, _("%s: teksten indeholder usynlige styretegn. Skriv cellen igen."), cell_name(name, c, line));
	}
	if (!p->header_row)
		meta_row(p, line, ncells, cells);
	else
		question_row(p, line, ncells, cells);
	return 0;
}

/* The catalogue's fields from the rows above the header, checked; adds them to root. */
static void meta_check(Parse *p, json_t *root)
{
	char name[24];
	static const int required[] = {META_CODE, META_TITLE, META_KIND, META_TARGET};
	for (size_t i = 0; i < COUNT(required); i++)
		if (!p->meta[required[i]] || !*p->meta[required[i]])
			problem(p, _("%s: feltet %s mangler. Skriv \"%s\" i kolonne A og værdien i kolonne B over overskriftsrækken."),
			        p->meta[required[i]] ? cell_name(name, 1, p->meta_row[required[i]]) : _("Arket"),
			        meta_titles[required[i]], meta_titles[required[i]]);
#define META(f) (p->meta[f] ? p->meta[f] : "")
#define MCELL(f) cell_name(name, 1, p->meta_row[f])
	if (*META(META_CODE) && !valid_code(META(META_CODE), 0, 64))
		problem(p, _("%s: katalogets kode \"%s\" må kun have små bogstaver (a-z), tal og '-' (højst 64 tegn)."),
		        MCELL(META_CODE), META(META_CODE));
	if (chars(META(META_TITLE)) > 200)
		problem(p, _("%s: titlen er for lang (højst 200 tegn)."), MCELL(META_TITLE));
	char kind[32], target[32];
	snprintf(kind, sizeof kind, "%s", META(META_KIND));
	snprintf(target, sizeof target, "%s", META(META_TARGET));
	fold(kind);
	fold(target);
	if (*kind && !str_eq(kind, "overordnet") && !str_eq(kind, "tema"))
		problem(p, _("%s: arten skal være overordnet eller tema."), MCELL(META_KIND));
	if (*target && !str_eq(target, "barn") && !str_eq(target, "voksen") && !str_eq(target, "begge"))
		problem(p, _("%s: målgruppen skal være barn, voksen eller begge."), MCELL(META_TARGET));
	if (chars(META(META_DESCRIPTION)) > 4000)
		problem(p, _("%s: beskrivelsen er for lang (højst 4000 tegn)."), MCELL(META_DESCRIPTION));
	json_object_set_new(root, "code", json_string(META(META_CODE)));
	json_object_set_new(root, "title", json_string(META(META_TITLE)));
	json_object_set_new(root, "kind", json_string(kind));
	json_object_set_new(root, "target", json_string(target));
	if (*META(META_DESCRIPTION))
		json_object_set_new(root, "description", json_string(META(META_DESCRIPTION)));
#undef META
#undef MCELL
}

/*
** Reads a catalogue sheet and stores it as a new draft (one version past the newest with
** its code), in the caller's transaction. Returns 0 when stored (out->id, version, code),
** 1 when refused with out->problems naming each cell, -1 when the database failed.
*/
int catalogue_xlsx_import(Db *db, const void *data, size_t n, CatalogueImport *out)
{
	memset(out, 0, sizeof *out);
	Parse p = {.out = out};
	for (int f = 0; f < NCOLS; f++)
		p.col[f] = -1;
	for (int c = 0; c < SHEET_MAX_CELLS; c++)
		p.col_field[c] = -1;
	p.sections = json_array();
	p.section_rows = json_object();
	p.seen = json_object();
	p.seen_rows = json_object();
	SheetInfo info = {0};
	char err[512];
	int rc = xlsx_read_mem(data, n, &info, on_row, &p, err, sizeof err);
	if (rc < 0)
		problem(&p, "%s", err);
	else if (!p.header_row)
		problem(&p, _("Arket mangler overskriftsrækken: en række med Afsnit, Kode, Spørgsmål, Kategori ... i kolonne A, B, "
		              "C, ... under katalogets felter."));
	else if (!p.nquestions)
		problem(&p, _("Arket har ingen spørgsmål under overskriftsrækken (række %ld)."), p.header_row);
	json_t *root = json_object();
	if (rc >= 0)
		meta_check(&p, root);
	json_object_set(root, "sections", p.sections);

	int result = 1;
	if (!out->nproblems && !out->more) {
		if (catalogue_validate(root, err, sizeof err) != 0) {
			problem(&p, "%s", err);
		} else {
			char *text = json_dumps(root, JSON_COMPACT);
			if (catalogue_store_json(db, text, "kladde", "lokal", &out->id, err, sizeof err) != 0) {
				problem(&p, "%s", err);
				result = -1;
			} else {
				Stmt q;
				db_prepare(&q, db, "SELECT code, version FROM catalogue WHERE id = ?1");
				db_bind_int(&q, 1, out->id);
				if (db_step(&q)) {
					snprintf(out->code, sizeof out->code, "%s", db_col_text(&q, 0));
					out->version = (int)db_col_int(&q, 1);
				}
				db_finalize(&q);
				result = 0;
			}
			free(text);
		}
	}
	json_decref(root);
	json_decref(p.sections);
	json_decref(p.section_rows);
	json_decref(p.seen);
	json_decref(p.seen_rows);
	free(p.section_title);
	for (int f = 0; f < NMETA; f++)
		free(p.meta[f]);
	return result;
}
