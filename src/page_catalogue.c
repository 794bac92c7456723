/*
** Catalogue pages: the list of question catalogues, one version with its sections and
** questions (and the rounds that use it), and the draft editor: a new draft copied from
** any version, the catalogue's title and description, questions added, changed, moved and
** deleted, sections added and renamed, and "Udgiv", after which the version never changes.
** Catalogues are shared by every department and are not case data: any logged-in user may
** read them; leder or koordinator in some department, or an administrator, may change
** them (may_edit). Every change is audited. Export and import as XLSX: catalogue_xlsx.c.
** A refused change answers 303 back to its form (the question form, else the version's
** page; an import to the list) with the error summary and what was typed (flash.c).
*/
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef struct Cat {
	int64_t id;
	const char *code, *title, *kind, *target, *description, *source, *created_at, *published_at;
	int version;
	int published;
} Cat;

static const char *kind_title(const char *k)
{
	return str_eq(k, "overordnet") ? _("Overordnet") : str_eq(k, "tema") ? _("Tema") : k;
}

static const char *target_title(const char *t)
{
	return str_eq(t, "barn") ? _("Børn og unge") : str_eq(t, "voksen") ? _("Voksne") : str_eq(t, "begge") ? _("Børn og voksne") : t;
}

static const char *category_title(const char *c)
{
	return str_eq(c, "forvaltningsret") ? _("Forvaltningsret")
	       : str_eq(c, "retssikkerhed") ? _("Retssikkerhed")
	       : str_eq(c, "socialfaglig")  ? _("Socialfaglig")
	                                    : c;
}

static const char *scale_title(const char *s)
{
	return str_eq(s, "jdn") ? _("ja / delvist / nej / ikke relevant")
	       : str_eq(s, "jn") ? _("ja / nej / ikke relevant")
	       : str_eq(s, "choice") ? _("valg mellem faste svar")
	       : str_eq(s, "text") ? _("fritekst")
	                           : s;
}

static const char *answer_title(const char *a)
{
	return str_eq(a, "ikke_relevant") ? _("ikke relevant") : a;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Leder or koordinator in any department, or an administrator: catalogues are shared, so
** the working group of any department may adapt them. */
static int may_edit(Req *r)
{
	if (r->user->is_admin)
		return 1;
	Stmt q;
	db_prepare(&q, r->db, "SELECT 1 FROM membership WHERE user_id = ?1 AND role IN ('leder', 'koordinator') LIMIT 1");
	db_bind_int(&q, 1, r->user->id);
	int ok = db_step(&q);
	db_finalize(&q);
	return ok;
}

static int require_editor(Req *r)
{
	if (may_edit(r))
		return 1;
	const char *why = _("Kun ledere, faglige koordinatorer og administratorer kan ændre spørgekataloger.");
	req_audit(r, "access_denied", arena_printf(r->arena, "%s %s", r->method, r->path), why);
	http_error(r, 403, why);
	return 0;
}

static void audit_catalogue(Req *r, const Cat *c, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "catalogue:%lld", (long long)c->id),
	          arena_printf(r->arena, "%s version %d: %s", c->code, c->version, detail));
}

static int cat_by_id(Req *r, int64_t id, Cat *c)
{
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT code, title, kind, target, description, source, created_at, coalesce(published_at, ''), version,"
	           " status = 'udgivet' FROM catalogue WHERE id = ?1");
	db_bind_int(&q, 1, id);
	int found = db_step(&q);
	if (found) {
		c->id = id;
		c->code = arena_strdup(r->arena, db_col_text(&q, 0));
		c->title = arena_strdup(r->arena, db_col_text(&q, 1));
		c->kind = arena_strdup(r->arena, db_col_text(&q, 2));
		c->target = arena_strdup(r->arena, db_col_text(&q, 3));
		c->description = arena_strdup(r->arena, db_col_text(&q, 4));
		c->source = arena_strdup(r->arena, db_col_text(&q, 5));
		c->created_at = arena_strdup(r->arena, db_col_text(&q, 6));
		c->published_at = arena_strdup(r->arena, db_col_text(&q, 7));
		c->version = (int)db_col_int(&q, 8);
		c->published = (int)db_col_int(&q, 9);
	}
	db_finalize(&q);
	return found;
}

static int cat_from_capture(Req *r, Cat *c)
{
	int64_t id;
	if (!parse_int64(req_capture(r, "id"), &id) || !cat_by_id(r, id, c)) {
		http_error(r, 404, _("Kataloget findes ikke. Se listen over spørgekataloger."));
		return 0;
	}
	return 1;
}

static const char *cat_url(Req *r, const Cat *c, const char *rest)
{
	return arena_printf(r->arena, "/catalogues/%lld%s", (long long)c->id, rest);
}

/* ---- the list ---- */

/* The message a field's error belongs to, from the words catalogue.c's checks use. */
static const char *field_of(const char *msg, int meta)
{
	static const struct {
		const char *words, *question, *meta;
	} map[] = {{"koden", "q-code", NULL},
	           {"spørgsmålsteksten", "q-text", NULL},
	           {"vejledningen", "q-guidance", NULL},
	           {"henvisningen", "q-reference", NULL},
	           {"kategorien", "q-category", NULL},
	           {"svarskalaen", "q-scale", NULL},
	           {"svarmuligheder", "q-choices", NULL},
	           {"betingelsen skal pege", "q-cond", NULL},
	           {"betingelsen", "q-cond-answers", NULL},
	           {"betingelsens", "q-cond-answers", NULL},
	           {"afsnit", "q-new-section", NULL},
	           {"titlen", NULL, "m-title"},
	           {"arten", NULL, "m-kind"},
	           {"målgruppen", NULL, "m-target"},
	           {"beskrivelsen", NULL, "m-description"}};
	for (size_t i = 0; i < COUNT(map); i++)
		if (strstr(msg, map[i].words) && (meta ? map[i].meta : map[i].question))
			return meta ? map[i].meta : map[i].question;
	return NULL;
}

static void list_page(Req *r)
{
	Buf *b = &r->out;
	int editor = may_edit(r);
	const Flash *f = flash_take(r);
	page_begin(r, _("Spørgekataloger"));
	html_lit(b, "<h1>Spørgekataloger</h1>\n<p class=\"lead\">Sagerne gennemgås med spørgsmålene i et spørgekatalog. Et tilsyn "
	            "beholder den version af kataloget, det blev oprettet med, så en udgivet version ændres aldrig. Vil man "
	            "ændre et katalog, laver man en ny kladde og udgiver den som en ny version.</p>\n");
	flash_summary(r, f);
	if (!flash_has(f) && req_query(r, "deleted"))
		page_message(r, "ok", _("Kladden er slettet."));

	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT c.id, c.title, c.code, c.kind, c.target, c.version, c.source,"
	           " (SELECT count(*) FROM question x WHERE x.catalogue_id = c.id) FROM catalogue c"
	           " WHERE c.status = 'udgivet' AND c.version = (SELECT max(version) FROM catalogue o"
	           "  WHERE o.code = c.code AND o.status = 'udgivet') ORDER BY c.kind, c.target, c.title");
	int n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<h2>Udgivne kataloger</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
			            "aria-label=\"Udgivne kataloger\"><table>\n<thead><tr><th scope=\"col\">Katalog</th>"
			            "<th scope=\"col\">Kode</th><th scope=\"col\">Art</th><th scope=\"col\">Målgruppe</th>"
			            "<th scope=\"col\" class=\"num\">Version</th><th scope=\"col\" class=\"num\">Spørgsmål</th>"
			            "<th scope=\"col\">Kilde</th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/catalogues/%I\">%T</a></td><td><code>%T</code></td><td>%T</td><td>%T</td>"
		            "<td class=\"num\">%I</td><td class=\"num\">%I</td><td>%T</td></tr>\n",
		         db_col_int(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2), kind_title(db_col_text(&q, 3)),
		         target_title(db_col_text(&q, 4)), db_col_int(&q, 5), db_col_int(&q, 7),
		         str_eq(db_col_text(&q, 6), "standard") ? _("følger med tilsyn") : _("egen"));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table></div>\n");
	else
		html_lit(b, "<p>Der er ingen udgivne kataloger.</p>\n");

	db_prepare(&q, r->db,
	           "SELECT c.id, c.title, c.code, c.version, c.created_at, (SELECT count(*) FROM question x WHERE"
	           " x.catalogue_id = c.id) FROM catalogue c WHERE c.status = 'kladde' ORDER BY c.code, c.version");
	n = 0;
	while (db_step(&q)) {
		if (n++ == 0)
			html_lit(b, "<h2>Kladder</h2>\n<p>Kladder bruges ikke af tilsyn, før de er udgivet.</p>\n"
			            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Kladder\"><table>\n<thead><tr>"
			            "<th scope=\"col\">Katalog</th><th scope=\"col\">Kode</th><th scope=\"col\" class=\"num\">Version</th>"
			            "<th scope=\"col\" class=\"num\">Spørgsmål</th><th scope=\"col\">Oprettet</th></tr></thead>\n<tbody>\n");
		html_fmt(b, "<tr><td><a href=\"/catalogues/%I\">%T</a></td><td><code>%T</code></td><td class=\"num\">%I</td>"
		            "<td class=\"num\">%I</td><td>%T</td></tr>\n",
		         db_col_int(&q, 0), db_col_text(&q, 1), db_col_text(&q, 2), db_col_int(&q, 3), db_col_int(&q, 5),
		         date_text_in(r->arena, db_col_text(&q, 4)));
	}
	db_finalize(&q);
	if (n)
		html_lit(b, "</tbody>\n</table></div>\n");

	if (editor) {
		html_fmt(b, "<h2>Indlæs et katalog fra Excel</h2>\n<p>Hent et katalog som regneark fra dets side, ret det i Excel, "
		            "og indlæs det her. Det bliver en ny kladde af kataloget med koden i arket (eller et nyt katalog, hvis "
		            "koden er ny). Intet gemmes, hvis arket har fejl; alle fejl vises med celle.</p>\n"
		            "<form method=\"post\" action=\"/catalogues/import\" enctype=\"multipart/form-data\" class=\"stack\">\n"
		            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n<label for=\"file\">Regneark (xlsx)</label>\n",
		         r->session->csrf);
		flash_field_error(r, f, "file");
		html_lit(b, "<input id=\"file\" name=\"file\" type=\"file\" required accept=\".xlsx\"");
		flash_field_attrs(r, f, "file");
		html_lit(b, ">\n<button type=\"submit\">Indlæs som kladde</button>\n</form>\n");
	}
	page_end(r);
}

void page_catalogue_list(Req *r)
{
	list_page(r);
}

/* A spreadsheet that could not be read: back to the list with every problem (a file is never kept). */
static void import_refused(Req *r, const CatalogueImport *imp)
{
	Flash *f = flash_begin(r);
	flash_error(f, "file", _("Kataloget blev ikke indlæst. Ret fejlene i regnearket, og indlæs det igen."));
	for (int i = 0; i < imp->nproblems; i++)
		flash_error(f, "", arena_strdup(r->arena, imp->problems[i]));
	if (imp->more)
		flash_error(f, "", arena_printf(r->arena, _("… og %d fejl mere."), imp->more));
	flash_redirect(r, f, "/catalogues");
}

void page_catalogue_import(Req *r)
{
	if (!require_editor(r))
		return;
	const Param *file = req_file(r, "file");
	CatalogueImport *imp = arena_alloc(r->arena, sizeof *imp);
	memset(imp, 0, sizeof *imp);
	if (!file || file->len == 0) {
		snprintf(imp->problems[0], sizeof imp->problems[0], _("Vælg et regneark (xlsx) at indlæse."));
		imp->nproblems = 1;
		import_refused(r, imp);
		return;
	}
	if (!req_begin(r))
		return;
	int rc = catalogue_xlsx_import(r->db, file->value, file->len, imp);
	if (rc != 0) {
		db_rollback(r->db);
		if (rc < 0)
			http_error(r, 500, imp->nproblems ? arena_strdup(r->arena, imp->problems[0]) : _("Kataloget kunne ikke gemmes."));
		else
			import_refused(r, imp);
		return;
	}
	Cat c;
	cat_by_id(r, imp->id, &c);
	char *file_name = cpr_mask(file->filename); /* a file's name is not ours: a CPR number in it is masked */
	audit_catalogue(r, &c, "catalogue_import", arena_printf(r->arena, "kladde indlæst fra %s", file_name));
	free(file_name);
	if (!req_commit(r, _("Kataloget kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, cat_url(r, &c, "?imported=1"));
}

/* ---- one version ---- */

/* The condition of a question in words: "Stilles kun, når X er besvaret med ja eller delvist." */
static void condition_text(Buf *b, json_t *cond)
{
	json_t *answers = json_object_get(cond, "answers");
	html_fmt(b, "Stilles kun, når <a href=\"#q-%A\">%T</a> er besvaret med ", jstr(cond, "question"), jstr(cond, "question"));
	size_t n = json_array_size(answers);
	for (size_t i = 0; i < n; i++)
		html_fmt(b, "%T<q>%T</q>", i == 0 ? "" : i + 1 == n ? _(" eller ") : ", ",
		         answer_title(json_string_value(json_array_get(answers, i))));
	html_lit(b, ".");
}

static void question_item(Req *r, const Cat *c, json_t *q, int editing, int first, int last)
{
	Buf *b = &r->out;
	const char *code = jstr(q, "code");
	html_fmt(b, "<li id=\"q-%A\">\n<h4><code>%T</code> %T</h4>\n<dl class=\"facts\">\n", code, code, jstr(q, "text"));
	if (*jstr(q, "guidance"))
		html_fmt(b, "<dt>Vejledning</dt><dd>%T</dd>\n", jstr(q, "guidance"));
	if (*jstr(q, "reference"))
		html_fmt(b, "<dt>Henvisning</dt><dd>%T</dd>\n", jstr(q, "reference"));
	html_fmt(b, "<dt>Kategori</dt><dd>%T</dd>\n<dt>Svar</dt><dd>%T", category_title(jstr(q, "category")),
	         scale_title(jstr(q, "scale")));
	json_t *choices = json_object_get(q, "choices");
	for (size_t i = 0; i < json_array_size(choices); i++)
		html_fmt(b, "%T<q>%T</q>", i ? ", " : ": ", json_string_value(json_array_get(choices, i)));
	html_lit(b, "</dd>\n");
	json_t *cond = json_object_get(q, "condition");
	if (cond) {
		html_lit(b, "<dt>Betingelse</dt><dd>");
		condition_text(b, cond);
		html_lit(b, "</dd>\n");
	}
	html_lit(b, "</dl>\n");
	if (editing) {
		const char *base = arena_printf(r->arena, "/catalogues/%lld/questions/%s", (long long)c->id, code);
		html_fmt(b, "<div class=\"actions\"><a class=\"button secondary\" href=\"%A\">Ret<span class=\"sr\"> spørgsmål %T</span></a>\n",
		         base, code);
		if (!first) {
			page_form_begin(r, arena_printf(r->arena, "%s/move", base));
			html_fmt(b, "<input type=\"hidden\" name=\"dir\" value=\"up\"><button type=\"submit\" class=\"small secondary\">"
			            "Flyt op<span class=\"sr\"> %T</span></button></form>\n", code);
		}
		if (!last) {
			page_form_begin(r, arena_printf(r->arena, "%s/move", base));
			html_fmt(b, "<input type=\"hidden\" name=\"dir\" value=\"down\"><button type=\"submit\" class=\"small secondary\">"
			            "Flyt ned<span class=\"sr\"> %T</span></button></form>\n", code);
		}
		html_fmt(b, "<details class=\"inline\"><summary>Slet<span class=\"sr\"> spørgsmål %T</span></summary>", code);
		page_form_begin(r, arena_printf(r->arena, "%s/delete", base));
		html_fmt(b, "<button type=\"submit\" class=\"small danger\">Slet spørgsmål %T</button></form></details>\n</div>\n", code);
	}
	html_lit(b, "</li>\n");
}

static void rounds_using(Req *r, const Cat *c)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT ro.id, ro.title, d.code, d.name, EXISTS (SELECT 1 FROM membership m WHERE m.user_id = ?2"
	           "  AND m.department_id = d.id AND m.role IN ('leder', 'koordinator'))"
	           " FROM round_catalogue rc JOIN round ro ON ro.id = rc.round_id JOIN department d ON d.id = ro.department_id"
	           " WHERE rc.catalogue_id = ?1 ORDER BY ro.created_at DESC, ro.id DESC");
	db_bind_int(&q, 1, c->id);
	db_bind_int(&q, 2, r->user->id);
	int shown = 0, others = 0;
	html_lit(b, "<h2>Tilsyn, der bruger denne version</h2>\n");
	while (db_step(&q)) {
		/* Only the working group of a department sees its rounds; others are counted. */
		if (!db_col_int(&q, 4)) {
			others++;
			continue;
		}
		if (shown++ == 0)
			html_lit(b, "<ul>\n");
		html_fmt(b, "<li><a href=\"/d/%U/rounds/%I\">%T</a> (%T)</li>\n", db_col_text(&q, 2), db_col_int(&q, 0),
		         db_col_text(&q, 1), db_col_text(&q, 3));
	}
	db_finalize(&q);
	if (shown)
		html_lit(b, "</ul>\n");
	if (others)
		html_fmt(b, "<p>%T%d tilsyn i afdelinger, hvor du ikke er leder eller koordinator.</p>\n",
		         shown ? _("Desuden ") : _("Versionen bruges af "), others);
	if (!shown && !others)
		html_lit(b, "<p>Ingen tilsyn bruger denne version.</p>\n");
}

static void versions_list(Req *r, const Cat *c)
{
	Buf *b = &r->out;
	Stmt q;
	db_prepare(&q, r->db,
	           "SELECT id, version, status, coalesce(published_at, created_at) FROM catalogue WHERE code = ?1"
	           " ORDER BY version DESC");
	db_bind_text(&q, 1, c->code);
	html_lit(b, "<h2>Versioner</h2>\n<ul class=\"versions\">\n");
	while (db_step(&q)) {
		int64_t id = db_col_int(&q, 0);
		const char *what = str_eq(db_col_text(&q, 2), "udgivet") ? _("udgivet") : _("kladde, oprettet");
		if (id == c->id)
			html_fmt(b, "<li><strong>Version %I</strong> (%T %T) – denne side</li>\n", db_col_int(&q, 1), what,
			         date_text_in(r->arena, db_col_text(&q, 3)));
		else
			html_fmt(b, "<li><a href=\"/catalogues/%I\">Version %I</a> (%T %T)</li>\n", id, db_col_int(&q, 1), what,
			         date_text_in(r->arena, db_col_text(&q, 3)));
	}
	db_finalize(&q);
	html_lit(b, "</ul>\n");
}

/* A label, the field's message after a refused post, and the start of its control (the caller ends the tag). */
static void control(Req *r, const Flash *f, const char *tag, const char *id, const char *name, const char *label)
{
	html_fmt(&r->out, "<label for=\"%A\">%T</label>\n", id, label);
	flash_field_error(r, f, id);
	html_fmt(&r->out, "<%A id=\"%A\" name=\"%A\"", tag, id, name);
	flash_field_attrs(r, f, id);
}

static void meta_form(Req *r, const Cat *c, const Flash *f)
{
	Buf *b = &r->out;
	int mine = str_eq(flash_value(f, "form", ""), "meta");
	const char *title = mine ? flash_value(f, "title", c->title) : c->title;
	const char *description = mine ? flash_value(f, "description", c->description) : c->description;
	const char *kind = mine ? flash_value(f, "kind", c->kind) : c->kind;
	const char *target = mine ? flash_value(f, "target", c->target) : c->target;
	html_fmt(b, "<details class=\"edit\"%A><summary>Ret katalogets titel, beskrivelse, art og målgruppe</summary>\n",
	         mine ? " open" : "");
	page_form_begin(r, cat_url(r, c, "/meta"));
	html_lit(b, "<input type=\"hidden\" name=\"form\" value=\"meta\"><div class=\"stack\">\n");
	control(r, f, "input", "m-title", "title", _("Titel"));
	html_fmt(b, " required maxlength=\"200\" value=\"%A\">\n", title);
	control(r, f, "textarea", "m-description", "description", _("Beskrivelse"));
	html_fmt(b, " rows=\"4\" maxlength=\"4000\">%T</textarea>\n", description);
	control(r, f, "select", "m-kind", "kind", _("Art"));
	html_lit(b, ">");
	html_option(b, "overordnet", _("Overordnet (til det overordnede ledelsestilsyn)"), str_eq(kind, "overordnet"));
	html_option(b, "tema", _("Tema (til det uddybende ledelsestilsyn)"), str_eq(kind, "tema"));
	html_lit(b, "</select>\n");
	control(r, f, "select", "m-target", "target", _("Målgruppe"));
	html_lit(b, ">");
	html_option(b, "barn", target_title("barn"), str_eq(target, "barn"));
	html_option(b, "voksen", target_title("voksen"), str_eq(target, "voksen"));
	html_option(b, "begge", target_title("begge"), str_eq(target, "begge"));
	html_lit(b, "</select>\n<button type=\"submit\">Gem</button>\n</div>\n</form>\n</details>\n");
}

/* One version; error: a message for a GET that cannot go on (a form of a published version). */
static void show_page(Req *r, const Cat *c, int status, const char *error)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	int editor = may_edit(r);
	int editing = editor && !c->published;
	json_t *root = catalogue_to_json(r->db, c->id);
	page_begin(r, c->title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/catalogues\">Spørgekataloger</a> › %T</p>\n<h1>%T</h1>\n"
	            "<p class=\"lead\">Version %d · %T · %T · %T · kode <code>%T</code></p>\n",
	         c->title, c->title, c->version,
	         c->published ? arena_printf(r->arena, _("udgivet %s"), date_text_in(r->arena, c->published_at)) : _("kladde"),
	         kind_title(c->kind), target_title(c->target), c->code);
	flash_summary(r, f);
	if (error)
		page_message(r, "error", error);
	else if (flash_has(f))
		; /* no message of success over a refusal */
	else if (req_query(r, "published"))
		page_message(r, "ok", _("Versionen er udgivet. Nye tilsyn får den fra nu af; tilsyn, der allerede er oprettet, "
		                        "beholder deres version."));
	else if (req_query(r, "drafted"))
		page_message(r, "ok", _("Der er lavet en ny kladde. Ret den, og udgiv den, når den er færdig."));
	else if (req_query(r, "imported"))
		page_message(r, "ok", _("Regnearket er indlæst som en ny kladde. Se den igennem, og udgiv den, når den er færdig."));
	else if (req_query(r, "saved"))
		page_message(r, "ok", _("Ændringen er gemt i kladden."));

	if (c->published)
		html_lit(b, "<p class=\"msg ok\" role=\"note\">Denne version er udgivet og kan ikke ændres. Tilsyn, der bruger den, "
		            "beholder den. Vil du ændre kataloget, så lav en ny kladde: den bliver den næste version, når den "
		            "udgives.</p>\n");
	else
		html_lit(b, "<p class=\"msg warn\" role=\"note\"><strong>Kladde:</strong> kan ændres, indtil den udgives. Den bruges "
		            "ikke af tilsyn, før den er udgivet, og kan derefter ikke ændres.</p>\n");
	if (*c->description)
		html_fmt(b, "<p>%T</p>\n", c->description);

	html_lit(b, "<div class=\"actions\">");
	html_fmt(b, "<a class=\"button secondary\" href=\"%A\">Hent som regneark (xlsx)</a>\n", cat_url(r, c, "/export"));
	if (editor) {
		page_form_begin(r, cat_url(r, c, "/draft"));
		html_lit(b, "<button type=\"submit\" class=\"secondary\">Lav en ny kladde</button></form>\n");
	}
	html_lit(b, "</div>\n");

	if (editing) {
		html_lit(b, "<h2>Udgiv</h2>\n<p>Når kladden udgives, bliver den den nyeste version af kataloget. Nye tilsyn får den; "
		            "tilsyn, der allerede er oprettet, beholder deres version. En udgivet version kan ikke ændres.</p>\n");
		html_lit(b, "<div class=\"actions\">");
		page_form_begin(r, cat_url(r, c, "/publish"));
		html_fmt(b, "<button type=\"submit\">Udgiv version %d</button></form>\n", c->version);
		html_lit(b, "<details class=\"inline\"><summary>Slet kladden</summary>");
		page_form_begin(r, cat_url(r, c, "/delete"));
		html_lit(b, "<button type=\"submit\" class=\"small danger\">Slet kladden nu</button></form></details>\n</div>\n");
		html_lit(b, "<h2>Ret kladden</h2>\n");
		meta_form(r, c, f);
		html_lit(b, "<p class=\"hint\">Spørgsmålenes koder følger med fra version til version, så resultaterne kan "
		            "sammenlignes mellem tilsyn. Ret du kun ordlyden, så behold koden. Ændrer du, hvad spørgsmålet "
		            "spørger om, så giv det en ny kode; ellers bliver gamle og nye svar sammenlignet, som om de handlede om "
		            "det samme.</p>\n");
		html_fmt(b, "<p><a class=\"button\" href=\"%A\">Tilføj et spørgsmål</a> <a class=\"button secondary\" "
		            "href=\"%A\">Tilføj et afsnit</a></p>\n",
		         cat_url(r, c, "/questions/new"), cat_url(r, c, "/questions/new?section=new"));
	} else {
		html_lit(b, "<p class=\"hint\">Spørgsmålenes koder følger med fra version til version, så resultaterne kan "
		            "sammenlignes mellem tilsyn. En ændret betydning kræver en ny kode.</p>\n");
	}

	json_t *sections = json_object_get(root, "sections");
	size_t total = 0;
	for (size_t s = 0; s < json_array_size(sections); s++)
		total += json_array_size(json_object_get(json_array_get(sections, s), "questions"));
	html_fmt(b, "<h2>Spørgsmål (%I)</h2>\n", (int64_t)total);
	for (size_t s = 0; s < json_array_size(sections); s++) {
		json_t *sec = json_array_get(sections, s), *questions = json_object_get(sec, "questions");
		html_fmt(b, "<section class=\"catalogue-section\" aria-labelledby=\"s-%I\">\n<h3 id=\"s-%I\" class=\"section\">%I. %T</h3>\n",
		         (int64_t)s + 1, (int64_t)s + 1, (int64_t)s + 1, jstr(sec, "title"));
		if (editing) {
			const char *id = arena_printf(r->arena, "sec-%zu", s + 1);
			int refused = flash_field_message(f, id) != NULL;
			html_fmt(b, "<div class=\"actions\"><details class=\"inline\"%A><summary>Omdøb afsnittet<span class=\"sr\"> %T</span>"
			            "</summary>", refused ? " open" : "", jstr(sec, "title"));
			page_form_begin(r, arena_printf(r->arena, "/catalogues/%lld/sections/%zu", (long long)c->id, s + 1));
			control(r, f, "input", id, "title", _("Ny titel"));
			html_fmt(b, " required maxlength=\"200\" value=\"%A\"> <button type=\"submit\" class=\"small\">Gem titlen</button>"
			            "</form></details>\n<a href=\"/catalogues/%I/questions/new?section=%I\">Tilføj et spørgsmål i "
			            "afsnittet<span class=\"sr\"> %T</span></a></div>\n",
			         refused ? flash_value(f, "title", jstr(sec, "title")) : jstr(sec, "title"), c->id, (int64_t)s + 1,
			         jstr(sec, "title"));
		}
		html_lit(b, "<ol class=\"questions\">\n");
		for (size_t k = 0; k < json_array_size(questions); k++)
			question_item(r, c, json_array_get(questions, k), editing, k == 0, k + 1 == json_array_size(questions));
		html_lit(b, "</ol>\n</section>\n");
	}
	json_decref(root);

	versions_list(r, c);
	rounds_using(r, c);
	page_end(r);
	r->status = status;
}

void page_catalogue_show(Req *r)
{
	Cat c;
	if (cat_from_capture(r, &c))
		show_page(r, &c, 200, NULL);
}

void page_catalogue_export(Req *r)
{
	Cat c;
	if (!cat_from_capture(r, &c))
		return;
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tilsyn-katalog-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		http_error(r, 500, _("Regnearket kunne ikke laves (ingen midlertidig fil). Prøv igen."));
		return;
	}
	close(fd);
	char err[512];
	int rc = catalogue_xlsx_export(r->db, c.id, path, err, sizeof err);
	FILE *f = rc == 0 ? fopen(path, "rb") : NULL;
	if (!f) {
		unlink(path);
		http_error(r, 500, rc == 0 ? _("Regnearket kunne ikke læses. Prøv igen.") : err);
		return;
	}
	buf_reset(&r->out);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&r->out, chunk, n);
	fclose(f);
	unlink(path);
	r->status = 200;
	r->content_type = XLSX_TYPE;
	http_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"%s-v%d.xlsx\"", c.code, c.version));
}

/* Runs one change of a draft in a transaction: the page's content as JSON is changed by
** the caller, saved (validated) here, and audited. On failure the message is in err. */
static int save_draft(Req *r, const Cat *c, json_t *root, const char *detail, char *err, size_t n)
{
	if (db_begin(r->db) != DB_OK) {
		snprintf(err, n, _("Databasen er optaget. Prøv igen om lidt."));
		return -1;
	}
	if (catalogue_draft_save(r->db, c->id, root, err, n) != 0) {
		db_rollback(r->db);
		return -1;
	}
	audit_catalogue(r, c, "catalogue_edit", detail);
	if (db_commit(r->db) != DB_OK) {
		snprintf(err, n, _("Ændringen kunne ikke gemmes. Prøv igen."));
		return -1;
	}
	return 0;
}

/* The draft named in the address, for a change: the editor's right, and not published. */
static int draft_for_change(Req *r, Cat *c)
{
	if (!require_editor(r) || !cat_from_capture(r, c))
		return 0;
	if (c->published) {
		/* No error in a form but a version that cannot change: a 409, as a closed round's. */
		show_page(r, c, 409, arena_printf(r->arena, _("Version %d er udgivet og kan ikke ændres. Lav en ny kladde for "
		                                            "at ændre kataloget."), c->version));
		return 0;
	}
	return 1;
}

void page_catalogue_draft(Req *r)
{
	Cat c;
	if (!require_editor(r) || !cat_from_capture(r, &c))
		return;
	char err[512];
	int64_t id;
	if (!req_begin(r))
		return;
	if (catalogue_draft_from(r->db, c.id, &id, err, sizeof err) != 0) {
		db_rollback(r->db);
		flash_fail(r, cat_url(r, &c, ""), NULL, arena_strdup(r->arena, err));
		return;
	}
	Cat d;
	cat_by_id(r, id, &d);
	audit_catalogue(r, &d, "catalogue_draft", arena_printf(r->arena, "ny kladde ud fra version %d", c.version));
	if (!req_commit(r, _("Kladden kunne ikke gemmes. Prøv igen.")))
		return;
	http_redirect(r, cat_url(r, &d, "?drafted=1"));
}

void page_catalogue_meta(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	json_t *root = catalogue_to_json(r->db, c.id);
	const char *fields[] = {"title", "kind", "target"};
	for (size_t i = 0; i < COUNT(fields); i++) {
		char *v = arena_strdup(r->arena, req_form(r, fields[i]) ? req_form(r, fields[i]) : "");
		json_object_set_new(root, fields[i], json_string(str_trim(v)));
	}
	char *description = arena_strdup(r->arena, req_form(r, "description") ? req_form(r, "description") : "");
	description = str_trim(description);
	if (*description)
		json_object_set_new(root, "description", json_string(description));
	else
		json_object_del(root, "description");
	char err[512];
	int rc = save_draft(r, &c, root, "titel og beskrivelse rettet", err, sizeof err);
	json_decref(root);
	if (rc != 0) {
		flash_fail(r, cat_url(r, &c, ""), field_of(err, 1), arena_strdup(r->arena, err));
		return;
	}
	http_redirect(r, cat_url(r, &c, "?saved=1"));
}

void page_catalogue_publish(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	char err[512];
	if (!req_begin(r))
		return;
	if (catalogue_publish_draft(r->db, c.id, err, sizeof err) != 0) {
		db_rollback(r->db);
		flash_fail(r, cat_url(r, &c, ""), NULL, arena_strdup(r->arena, err));
		return;
	}
	audit_catalogue(r, &c, "catalogue_publish", "udgivet");
	if (!req_commit(r, _("Kataloget kunne ikke udgives. Prøv igen.")))
		return;
	http_redirect(r, cat_url(r, &c, "?published=1"));
}

void page_catalogue_delete(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	char err[512];
	if (!req_begin(r))
		return;
	if (catalogue_draft_delete(r->db, c.id, err, sizeof err) != 0) {
		db_rollback(r->db);
		flash_fail(r, cat_url(r, &c, ""), NULL, arena_strdup(r->arena, err));
		return;
	}
	audit_catalogue(r, &c, "catalogue_delete", "kladde slettet");
	if (!req_commit(r, _("Kladden kunne ikke slettes. Prøv igen.")))
		return;
	http_redirect(r, "/catalogues?deleted=1");
}

void page_catalogue_section(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	json_t *root = catalogue_to_json(r->db, c.id);
	int64_t pos;
	json_t *sec = parse_int64(req_capture(r, "n"), &pos) && pos >= 1
	                  ? json_array_get(json_object_get(root, "sections"), (size_t)pos - 1) : NULL;
	if (!sec) {
		json_decref(root);
		http_error(r, 404, _("Afsnittet findes ikke i kladden."));
		return;
	}
	char *title = str_trim(arena_strdup(r->arena, req_form(r, "title") ? req_form(r, "title") : ""));
	json_object_set_new(sec, "title", json_string(title));
	char err[512];
	int rc = save_draft(r, &c, root, arena_printf(r->arena, "afsnit %lld omdøbt", (long long)pos), err, sizeof err);
	json_decref(root);
	if (rc != 0) {
		flash_fail(r, cat_url(r, &c, ""), arena_printf(r->arena, "sec-%lld", (long long)pos),
		           *title ? arena_strdup(r->arena, err) : _("Skriv en titel på afsnittet."));
		return;
	}
	http_redirect(r, cat_url(r, &c, "?saved=1"));
}

/* ---- one question: the form, saving, moving, deleting ---- */

/* Where question code is in root: its section and index; 0 when it is not there. */
static int question_find(json_t *root, const char *code, size_t *sec, size_t *idx)
{
	json_t *sections = json_object_get(root, "sections");
	for (size_t s = 0; s < json_array_size(sections); s++) {
		json_t *questions = json_object_get(json_array_get(sections, s), "questions");
		for (size_t k = 0; k < json_array_size(questions); k++)
			if (str_eq(jstr(json_array_get(questions, k), "code"), code)) {
				*sec = s;
				*idx = k;
				return 1;
			}
	}
	return 0;
}

/* Sections left without questions are removed (a section always has questions). */
static void drop_empty_sections(json_t *root)
{
	json_t *sections = json_object_get(root, "sections");
	for (size_t s = json_array_size(sections); s-- > 0;)
		if (!json_array_size(json_object_get(json_array_get(sections, s), "questions")))
			json_array_remove(sections, s);
}

/* Lines of a textarea as a JSON array of trimmed, non-empty strings. */
static json_t *lines(Req *r, const char *text)
{
	json_t *list = json_array();
	char *copy = arena_strdup(r->arena, text ? text : "");
	for (char *save = NULL, *t = strtok_r(copy, "\r\n", &save); t; t = strtok_r(NULL, "\r\n", &save))
		if (*str_trim(t))
			json_array_append_new(list, json_string(str_trim(t)));
	return list;
}

static const char *join_lines(Req *r, json_t *list, int answers)
{
	Buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *s = json_string_value(json_array_get(list, i));
		buf_printf(&b, "%s%s", i ? "\n" : "", answers ? answer_title(s) : s);
	}
	const char *out = arena_strdup(r->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* At most max bytes of s, cut at a whole UTF-8 character, with "…" when cut. */
static const char *shorten(Req *r, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return arena_printf(r->arena, "%.*s…", (int)max, s);
}

typedef struct QForm {
	const char *section, *new_section, *code, *text, *guidance, *reference, *category, *scale, *choices, *cond_question,
		*cond_answers;
} QForm;

static const char *form_value(Req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? v : "";
}

/* A hint paragraph for a control, before it. */
static void hint(Req *r, const char *id, const char *text)
{
	html_fmt(&r->out, "<p class=\"hint\" id=\"%A-hint\">%T</p>\n", id, text);
}

/* What the control points at: its hint, and its message after a refused post. */
static void described(Req *r, const Flash *f, const char *id)
{
	if (flash_field_message(f, id))
		html_fmt(&r->out, " aria-describedby=\"%A-hint %A-error\"", id, id);
	else
		html_fmt(&r->out, " aria-describedby=\"%A-hint\"", id);
}

/* Like control(), for a control with a hint: label, hint, message, then the tag's start. */
static void hinted(Req *r, const Flash *f, const char *tag, const char *id, const char *name, const char *label,
                   const char *text)
{
	html_fmt(&r->out, "<label for=\"%A\">%T</label>\n", id, label);
	hint(r, id, text);
	flash_field_error(r, f, id);
	html_fmt(&r->out, "<%A id=\"%A\" name=\"%A\"", tag, id, name);
	if (flash_field_message(f, id))
		html_lit(&r->out, " aria-invalid=\"true\"");
	described(r, f, id);
}

static void question_form(Req *r, const Cat *c, const char *old_code, QForm *v)
{
	Buf *b = &r->out;
	const Flash *f = flash_take(r);
	if (flash_has(f)) {
		const char **fields[] = {&v->section, &v->new_section, &v->code, &v->text, &v->guidance, &v->reference,
		                         &v->category, &v->scale, &v->choices, &v->cond_question, &v->cond_answers};
		static const char *const names[] = {"section", "new_section", "code", "text", "guidance", "reference",
		                                    "category", "scale", "choices", "cond_question", "cond_answers"};
		for (size_t i = 0; i < COUNT(names); i++)
			*fields[i] = flash_value(f, names[i], *fields[i]);
	}
	json_t *root = catalogue_to_json(r->db, c->id);
	const char *title = old_code ? arena_printf(r->arena, _("Ret spørgsmål %s"), old_code) : _("Nyt spørgsmål");
	page_begin(r, title);
	html_fmt(b, "<p class=\"crumbs\"><a href=\"/catalogues\">Spørgekataloger</a> › <a href=\"%A\">%T (version %d)</a> › %T</p>\n"
	            "<h1>%T</h1>\n",
	         cat_url(r, c, ""), c->title, c->version, title, title);
	flash_summary(r, f);
	const char *action = old_code ? arena_printf(r->arena, "/catalogues/%lld/questions/%s", (long long)c->id, old_code)
	                              : cat_url(r, c, "/questions");
	page_form_begin(r, action);
	html_lit(b, "<div class=\"stack\">\n");
	control(r, f, "select", "q-section", "section", _("Afsnit"));
	html_lit(b, ">");
	json_t *sections = json_object_get(root, "sections");
	for (size_t s = 0; s < json_array_size(sections); s++) {
		char *value = arena_printf(r->arena, "%zu", s + 1);
		html_option(b, value, arena_printf(r->arena, "%zu. %s", s + 1, jstr(json_array_get(sections, s), "title")),
		            str_eq(v->section, value));
	}
	html_option(b, "new", _("Nyt afsnit (skriv titlen herunder)"), str_eq(v->section, "new"));
	html_lit(b, "</select>\n");
	hinted(r, f, "input", "q-new-section", "new_section", _("Titel på nyt afsnit"),
	       _("Kun når du har valgt »Nyt afsnit«. Afsnittet kommer sidst i kataloget."));
	html_fmt(b, " maxlength=\"200\" value=\"%A\">\n", v->new_section);
	hinted(r, f, "input", "q-code", "code", _("Kode"),
	       _("STORE bogstaver, tal og bindestreg, fx OB-SAGSOPL-1. Koden følger spørgsmålet fra version til version, "
	         "så tilsyn kan sammenlignes. Ret du kun ordlyden, så behold koden. Ændrer du spørgsmålets betydning, så "
	         "giv det en ny kode."));
	html_fmt(b, " required maxlength=\"32\" pattern=\"[A-Z0-9\\-]+\" value=\"%A\" autocomplete=\"off\">\n", v->code);
	hinted(r, f, "textarea", "q-text", "text", _("Spørgsmål"), _("Formulér spørgsmålet, så »ja« er det gode svar."));
	html_fmt(b, " required rows=\"3\" maxlength=\"1000\">%T</textarea>\n", v->text);
	hinted(r, f, "textarea", "q-guidance", "guidance", _("Vejledning"),
	       _("Hvad man skal kigge efter i sagen, og hvornår svaret er ja, delvist, nej eller ikke relevant."));
	html_fmt(b, " rows=\"6\" maxlength=\"5000\">%T</textarea>\n", v->guidance);
	control(r, f, "input", "q-reference", "reference", _("Henvisning"));
	html_fmt(b, " maxlength=\"500\" value=\"%A\">\n", v->reference);
	control(r, f, "select", "q-category", "category", _("Kategori"));
	html_lit(b, ">");
	static const char *const categories[] = {"forvaltningsret", "retssikkerhed", "socialfaglig"};
	for (size_t i = 0; i < COUNT(categories); i++)
		html_option(b, categories[i], category_title(categories[i]), str_eq(v->category, categories[i]));
	html_lit(b, "</select>\n");
	control(r, f, "select", "q-scale", "scale", _("Svar"));
	html_lit(b, ">");
	static const char *const scale_codes[] = {"jdn", "jn", "choice", "text"};
	for (size_t i = 0; i < COUNT(scale_codes); i++)
		html_option(b, scale_codes[i], scale_title(scale_codes[i]), str_eq(v->scale, scale_codes[i]));
	html_lit(b, "</select>\n");
	hinted(r, f, "textarea", "q-choices", "choices", _("Valgmuligheder"),
	       _("Kun ved »valg mellem faste svar«: én pr. linje, mindst to."));
	html_fmt(b, " rows=\"4\">%T</textarea>\n", v->choices);
	html_lit(b, "<fieldset><legend>Betingelse (valgfri)</legend>\n<p class=\"hint\">Spørgsmålet stilles kun, når et "
	            "tidligere spørgsmål har fået et bestemt svar.</p>\n");
	control(r, f, "select", "q-cond", "cond_question", _("Stilles kun, når dette spørgsmål"));
	html_lit(b, ">");
	html_option(b, "", _("(altid – ingen betingelse)"), !*v->cond_question);
	for (size_t s = 0; s < json_array_size(sections); s++) {
		json_t *questions = json_object_get(json_array_get(sections, s), "questions");
		for (size_t k = 0; k < json_array_size(questions); k++) {
			json_t *q = json_array_get(questions, k);
			if (old_code && str_eq(jstr(q, "code"), old_code))
				continue;
			const char *label = arena_printf(r->arena, "%s: %s", jstr(q, "code"), shorten(r, jstr(q, "text"), 80));
			html_option(b, jstr(q, "code"), label, str_eq(v->cond_question, jstr(q, "code")));
		}
	}
	html_lit(b, "</select>\n");
	hinted(r, f, "textarea", "q-cond-answers", "cond_answers", _("har fået et af disse svar"),
	       _("Ét svar pr. linje: ja, delvist, nej eller ikke relevant, eller en valgmulighed skrevet præcis som i "
	         "spørgsmålet."));
	html_fmt(b, " rows=\"3\">%T</textarea>\n</fieldset>\n"
	            "<div class=\"actions\"><button type=\"submit\">Gem spørgsmålet</button> <a href=\"%A\">Fortryd</a></div>\n"
	            "</div>\n</form>\n",
	         v->cond_answers, cat_url(r, c, old_code ? arena_printf(r->arena, "#q-%s", old_code) : ""));
	json_decref(root);
	page_end(r);
}

static QForm form_from_request(Req *r)
{
	return (QForm){form_value(r, "section"), form_value(r, "new_section"), form_value(r, "code"), form_value(r, "text"),
	               form_value(r, "guidance"), form_value(r, "reference"), form_value(r, "category"),
	               form_value(r, "scale"), form_value(r, "choices"), form_value(r, "cond_question"),
	               form_value(r, "cond_answers")};
}

void page_catalogue_question_new(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	const char *section = req_query(r, "section");
	QForm v = {section ? section : "1", "", "", "", "", "", "forvaltningsret", "jdn", "", "", ""};
	question_form(r, &c, NULL, &v);
}

void page_catalogue_question_edit(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	const char *code = req_capture(r, "code");
	json_t *root = catalogue_to_json(r->db, c.id);
	size_t s, k;
	if (!question_find(root, code, &s, &k)) {
		json_decref(root);
		http_error(r, 404, _("Spørgsmålet findes ikke i kladden."));
		return;
	}
	json_t *q = json_array_get(json_object_get(json_array_get(json_object_get(root, "sections"), s), "questions"), k);
	json_t *cond = json_object_get(q, "condition");
	QForm v = {arena_printf(r->arena, "%zu", s + 1), "", arena_strdup(r->arena, jstr(q, "code")),
	           arena_strdup(r->arena, jstr(q, "text")), arena_strdup(r->arena, jstr(q, "guidance")),
	           arena_strdup(r->arena, jstr(q, "reference")), arena_strdup(r->arena, jstr(q, "category")),
	           arena_strdup(r->arena, jstr(q, "scale")), join_lines(r, json_object_get(q, "choices"), 0),
	           cond ? arena_strdup(r->arena, jstr(cond, "question")) : "",
	           cond ? join_lines(r, json_object_get(cond, "answers"), 1) : ""};
	json_decref(root);
	question_form(r, &c, code, &v);
}

/* The question from the form, as JSON; condition answers are written as the scale of the
** question they refer to spells them (ja, ikke_relevant, or a choice as written). */
static json_t *question_from_form(Req *r, json_t *root, const QForm *v)
{
	json_t *q = json_object();
	char *code = str_trim(arena_strdup(r->arena, v->code));
	json_object_set_new(q, "code", json_string(code));
	json_object_set_new(q, "text", json_string(str_trim(arena_strdup(r->arena, v->text))));
	char *guidance = str_trim(arena_strdup(r->arena, v->guidance));
	if (*guidance)
		json_object_set_new(q, "guidance", json_string(guidance));
	char *reference = str_trim(arena_strdup(r->arena, v->reference));
	if (*reference)
		json_object_set_new(q, "reference", json_string(reference));
	json_object_set_new(q, "category", json_string(v->category));
	json_object_set_new(q, "scale", json_string(v->scale));
	if (str_eq(v->scale, "choice"))
		json_object_set_new(q, "choices", lines(r, v->choices));
	char *on = str_trim(arena_strdup(r->arena, v->cond_question));
	if (*on) {
		size_t s, k;
		json_t *target = question_find(root, on, &s, &k)
		                     ? json_array_get(json_object_get(json_array_get(json_object_get(root, "sections"), s), "questions"), k)
		                     : NULL;
		int fixed = target && !str_eq(jstr(target, "scale"), "choice");
		json_t *answers = lines(r, v->cond_answers), *normal = json_array();
		for (size_t i = 0; i < json_array_size(answers); i++) {
			char *a = arena_strdup(r->arena, json_string_value(json_array_get(answers, i)));
			if (fixed) {
				for (char *p = a; *p; p++)
					if (*p >= 'A' && *p <= 'Z')
						*p = (char)(*p + 32);
				if (str_eq(a, "ikke relevant"))
					a = "ikke_relevant";
			}
			json_array_append_new(normal, json_string(a));
		}
		json_decref(answers);
		json_t *cond = json_object();
		json_object_set_new(cond, "question", json_string(on));
		json_object_set_new(cond, "answers", normal);
		json_object_set_new(q, "condition", cond);
	}
	return q;
}

static void question_save(Req *r, const char *old_code)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	QForm v = form_from_request(r);
	json_t *root = catalogue_to_json(r->db, c.id);
	json_t *sections = json_object_get(root, "sections");
	size_t old_s = 0, old_k = 0;
	if (old_code && !question_find(root, old_code, &old_s, &old_k)) {
		json_decref(root);
		http_error(r, 404, _("Spørgsmålet findes ikke i kladden."));
		return;
	}
	json_t *q = question_from_form(r, root, &v);
	const char *code = arena_strdup(r->arena, jstr(q, "code"));
	const char *error = NULL;
	int64_t target = 0;
	char *new_title = str_trim(arena_strdup(r->arena, v.new_section));
	if (str_eq(v.section, "new")) {
		if (!*new_title)
			error = _("Skriv en titel på det nye afsnit.");
	} else if (!parse_int64(v.section, &target) || target < 1 || (size_t)target > json_array_size(sections)) {
		error = _("Vælg et afsnit.");
	}
	if (!error) {
		if (old_code) {
			json_t *old_list = json_object_get(json_array_get(sections, old_s), "questions");
			json_array_remove(old_list, old_k);
			/* A changed code is changed in the conditions that refer to the question too. */
			if (!str_eq(old_code, code))
				for (size_t s = 0; s < json_array_size(sections); s++) {
					json_t *list = json_object_get(json_array_get(sections, s), "questions");
					for (size_t k = 0; k < json_array_size(list); k++) {
						json_t *cond = json_object_get(json_array_get(list, k), "condition");
						if (cond && str_eq(jstr(cond, "question"), old_code))
							json_object_set_new(cond, "question", json_string(code));
					}
				}
		}
		if (str_eq(v.section, "new")) {
			json_t *sec = json_object(), *list = json_array();
			json_object_set_new(sec, "title", json_string(new_title));
			json_array_append(list, q);
			json_object_set_new(sec, "questions", list);
			json_array_append_new(sections, sec);
		} else {
			json_t *list = json_object_get(json_array_get(sections, (size_t)target - 1), "questions");
			/* Kept in its place when it stays in its section; else last in the new one. */
			if (old_code && (size_t)target - 1 == old_s)
				json_array_insert(list, old_k, q);
			else
				json_array_append(list, q);
		}
		drop_empty_sections(root);
		char err[512];
		const char *detail = !old_code ? arena_printf(r->arena, "spørgsmål %s tilføjet", code)
		                     : str_eq(old_code, code) ? arena_printf(r->arena, "spørgsmål %s rettet", code)
		                     : arena_printf(r->arena, "spørgsmål %s rettet, ny kode %s", old_code, code);
		if (save_draft(r, &c, root, detail, err, sizeof err) != 0)
			error = arena_strdup(r->arena, err);
	}
	json_decref(q);
	json_decref(root);
	if (error) {
		const char *field = str_eq(error, _("Vælg et afsnit.")) ? "q-section" : field_of(error, 0);
		flash_fail(r, old_code ? arena_printf(r->arena, "/catalogues/%lld/questions/%s", (long long)c.id, old_code)
		                       : cat_url(r, &c, "/questions/new"),
		           field, error);
		return;
	}
	http_redirect(r, arena_printf(r->arena, "/catalogues/%lld?saved=1#q-%s", (long long)c.id, code));
}

void page_catalogue_question_add(Req *r)
{
	question_save(r, NULL);
}

void page_catalogue_question_update(Req *r)
{
	question_save(r, req_capture(r, "code"));
}

void page_catalogue_question_delete(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	const char *code = req_capture(r, "code");
	json_t *root = catalogue_to_json(r->db, c.id);
	json_t *sections = json_object_get(root, "sections");
	size_t s, k;
	const char *error = NULL;
	if (!question_find(root, code, &s, &k)) {
		json_decref(root);
		http_error(r, 404, _("Spørgsmålet findes ikke i kladden."));
		return;
	}
	for (size_t i = 0; i < json_array_size(sections) && !error; i++) {
		json_t *list = json_object_get(json_array_get(sections, i), "questions");
		for (size_t j = 0; j < json_array_size(list) && !error; j++) {
			json_t *cond = json_object_get(json_array_get(list, j), "condition");
			if (cond && str_eq(jstr(cond, "question"), code))
				error = arena_printf(r->arena, _("Spørgsmål %s stilles kun ud fra svaret på %s. Ret eller slet %s først."),
				                     jstr(json_array_get(list, j), "code"), code, jstr(json_array_get(list, j), "code"));
		}
	}
	if (!error) {
		json_array_remove(json_object_get(json_array_get(sections, s), "questions"), k);
		drop_empty_sections(root);
		if (!json_array_size(sections))
			error = _("Et katalog skal have mindst ét spørgsmål. Tilføj et andet spørgsmål, før du sletter det sidste.");
	}
	char err[512];
	if (!error && save_draft(r, &c, root, arena_printf(r->arena, "spørgsmål %s slettet", code), err, sizeof err) != 0)
		error = arena_strdup(r->arena, err);
	json_decref(root);
	if (error) {
		flash_fail(r, cat_url(r, &c, ""), NULL, error);
		return;
	}
	http_redirect(r, cat_url(r, &c, "?saved=1"));
}

void page_catalogue_question_move(Req *r)
{
	Cat c;
	if (!draft_for_change(r, &c))
		return;
	const char *code = req_capture(r, "code");
	int up = str_eq(req_form(r, "dir"), "up");
	json_t *root = catalogue_to_json(r->db, c.id);
	size_t s, k;
	if (!question_find(root, code, &s, &k)) {
		json_decref(root);
		http_error(r, 404, _("Spørgsmålet findes ikke i kladden."));
		return;
	}
	json_t *list = json_object_get(json_array_get(json_object_get(root, "sections"), s), "questions");
	size_t to = up ? (k ? k - 1 : k) : (k + 1 < json_array_size(list) ? k + 1 : k);
	const char *error = NULL;
	if (to != k) {
		json_t *q = json_incref(json_array_get(list, k));
		json_array_remove(list, k);
		json_array_insert_new(list, to, q);
		char err[512];
		if (save_draft(r, &c, root, arena_printf(r->arena, "spørgsmål %s flyttet %s", code, up ? "op" : "ned"), err,
		               sizeof err) != 0)
			error = arena_strdup(r->arena, err);
	}
	json_decref(root);
	if (error) {
		flash_fail(r, cat_url(r, &c, ""), NULL, error);
		return;
	}
	http_redirect(r, arena_printf(r->arena, "/catalogues/%lld?saved=1#q-%s", (long long)c.id, code));
}
