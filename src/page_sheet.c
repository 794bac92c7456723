/*
** The offline registration sheet on the web, for the working group: download a round's
** sheet (xlsx) and upload a filled one. A file that cannot be read as the sheet (or none)
** answers 303 back to the upload form with the message (flash.c; a file is never kept); a
** sheet with wrong cells is a result: every problem with its cell and the form again; a
** closed round is a 409. An accepted one returns to the round page with the counts. A stale
** sheet, whose cells would undo answers saved after it was made, is refused with those cells
** listed (409) and a second form: the same file again with the box "Gem alligevel arkets
** svar" ticked saves it, provided the conflicts are still exactly those shown (their
** fingerprint travels in the form). The upload is never kept in the database. The sheet
** itself is made and read by sheet.c.
*/
#include "http.h"

#include <stdio.h>
#include <string.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static void audit(Req *r, const Round *rd, const char *action, const char *detail)
{
	req_audit(r, action, arena_printf(r->arena, "round:%lld", (long long)rd->id), detail);
}

void page_round_sheet(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	char err[512];
	long cases = 0;
	Buf data;
	buf_init(&data, (size_t)64 << 20);
	if (sheet_write_buf(r->db, &rd, &data, &cases, err, sizeof err) != 0) {
		buf_free(&data);
		http_error(r, 409, err);
		return;
	}
	audit(r, &rd, "round_sheet", arena_printf(r->arena, "registreringsark hentet (%ld sager)", cases));
	buf_reset(&r->out);
	buf_append(&r->out, data.data, data.len);
	buf_free(&data);
	r->content_type = XLSX_TYPE;
	http_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"registreringsark-tilsyn-%lld.xlsx\"", (long long)rd.id));
}

static void sheet_form(Req *r, const Round *rd, const Flash *f)
{
	Buf *b = &r->out;
	html_fmt(b, "<form method=\"post\" action=\"/d/%U/rounds/%I/sheet\" enctype=\"multipart/form-data\" class=\"stack\">\n"
	            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
	            "<label for=\"sheet-file\">Udfyldt registreringsark (xlsx)</label>\n",
	         r->dept->code, rd->id, r->session->csrf);
	if (f)
		flash_field_error(r, f, "sheet-file");
	html_lit(b, "<input id=\"sheet-file\" name=\"file\" type=\"file\" required accept=\".xlsx\"");
	if (f)
		flash_field_attrs(r, f, "sheet-file");
	html_lit(b, ">\n<button type=\"submit\">Indlæs registreringsark</button>\n</form>\n");
}

/* The upload form, also shown on the round page. */
void page_sheet_form(Req *r, const Round *rd)
{
	sheet_form(r, rd, NULL);
}

/* The section of the round page: download, what the sheet is, and the upload form. */
void page_sheet_section(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	html_fmt(b, "<h2>Registreringsark</h2>\n<p>Til gennemgang uden for tilsyn: ét regneark med en række pr. udtrukket sag "
	            "og en kolonne pr. spørgsmål. Svarene, der allerede er gemt, står i arket. Når det er udfyldt, indlæses det "
	            "her; er der fejl, gemmes intet, og hver fejl vises med sin celle. Er et svar ændret i tilsyn, efter arket blev "
	            "hentet, og siger arket noget andet, gemmes intet, før du har set det nyere svar.</p>\n"
	            "<p><a class=\"button secondary\" href=\"/d/%U/rounds/%I/sheet.xlsx\" download>Hent registreringsark (xlsx)</a></p>\n",
	         r->dept->code, rd->id);
	page_sheet_form(r, rd);
	html_lit(b, "<p class=\"hint\">Arket indeholder sagsnumre: opbevar det sikkert, og slet det, når det er indlæst. "
	            "Skriv aldrig CPR-numre eller navne i arket.</p>\n");
}

/* The start of each page after an upload: title, crumbs back to the round, heading. */
static void upload_page_begin(Req *r, const Round *rd, const char *title)
{
	Department *d = r->dept;
	page_begin(r, title);
	html_fmt(&r->out, "<p class=\"crumbs\"><a href=\"/d/%U\">%T</a> › <a href=\"/d/%U/rounds\">Tilsyn</a> › "
	                  "<a href=\"/d/%U/rounds/%I\">%T</a> › Registreringsark</p>\n<h1>%T</h1>\n",
	         d->code, d->name, d->code, d->code, rd->id, rd->title, title);
}

/* A table of cells and what is said of each (errors, newer answers, answers that do not
** count), scrollable on a phone; `more` beyond those listed are counted under it. */
static void cell_table(Req *r, const char *id, const char *caption, const char *said, const SheetProblem *v, int n,
                       long more, const char *more_words)
{
	Buf *b = &r->out;
	html_fmt(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%A\"><table class=\"compact\"", caption);
	if (id)
		html_fmt(b, " id=\"%A\"", id);
	html_fmt(b, ">\n<caption>%T</caption>\n<thead><tr><th scope=\"col\">Celle</th><th scope=\"col\">%T</th></tr></thead>\n"
	            "<tbody>\n", caption, said);
	for (int i = 0; i < n; i++)
		html_fmt(b, "<tr><td><code>%T</code></td><td>%T</td></tr>\n", v[i].cell, v[i].reason);
	html_lit(b, "</tbody>\n</table></div>\n");
	if (more > 0)
		html_fmt(b, "<p>… og %I %T mere; kun de første %d er vist.</p>\n", (int64_t)more, more_words, SHEET_MAX_PROBLEMS);
}

/* After an upload with wrong cells (res), or the form alone (res NULL), where a refused upload
** comes back to with its message. */
static void result_page(Req *r, const Round *rd, int status, const SheetResult *res)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	const Flash *f = flash_take(r);
	upload_page_begin(r, rd, _("Indlæs registreringsark"));
	flash_summary(r, f);
	if (res && *res->error)
		page_message(r, "error", res->error);
	if (res && res->nproblems) {
		page_message(r, "error", arena_printf(r->arena, _("Intet er gemt: arket har %ld fejl. Ret cellerne, og indlæs "
		                                                  "arket igen."), (long)res->nproblems + res->more_problems));
		cell_table(r, NULL, _("Fejl i arket"), _("Fejl"), res->problems, res->nproblems, res->more_problems, _("fejl"));
	}
	html_fmt(b, "<h2>%T</h2>\n", res || flash_has(f) ? _("Prøv igen") : _("Vælg arket"));
	sheet_form(r, rd, f);
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I\">Tilbage til tilsynet</a></p>\n", d->code, rd->id);
	page_end(r);
	r->status = status;
}

/* A stale sheet: the cells that would undo newer answers, and the form to save it anyway. */
static void conflict_page(Req *r, const Round *rd, const SheetResult *res, int changed)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	upload_page_begin(r, rd, _("Indlæs registreringsark"));
	if (changed)
		page_message(r, "error", _("Listen er ikke længere den, du så: der er gemt nye svar, eller arket er et andet. "
		                           "Intet er gemt; se listen igen."));
	page_message(r, "error",
	             arena_printf(r->arena, _("Intet er gemt: %ld %s i arket ville overskrive svar, som arket ikke kendte, "
	                                      "da det blev lavet."), res->conflicts, res->conflicts == 1 ? "celle" : "celler"));
	cell_table(r, NULL, _("Celler, hvor tilsyn har et nyere svar end arket"), _("Nyere svar"), res->problems,
	           res->nproblems, res->more_problems, _("celler"));
	html_fmt(b, "<h2>Hvad nu?</h2>\n<p>Hent et nyt registreringsark med de nyeste svar, og skriv ændringerne ind i det: "
	            "<a href=\"/d/%U/rounds/%I/sheet.xlsx\" download>Hent registreringsark (xlsx)</a>.</p>\n"
	            "<p>Er arkets svar de rigtige, kan du gemme dem i stedet for de nyere svar ovenfor. Vælg det samme ark igen; "
	            "det gemmes kun, hvis listen stadig er den samme.</p>\n"
	            "<form method=\"post\" action=\"/d/%U/rounds/%I/sheet\" enctype=\"multipart/form-data\" class=\"stack\">\n"
	            "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
	            "<input type=\"hidden\" name=\"conflicts\" value=\"%A\">\n"
	            "<label for=\"sheet-again\">Det samme registreringsark (xlsx)</label>\n"
	            "<input id=\"sheet-again\" name=\"file\" type=\"file\" required accept=\".xlsx\">\n"
	            "<label><input type=\"checkbox\" name=\"overwrite\" value=\"1\" required> Gem arkets svar i stedet for de "
	            "nyere svar i listen</label>\n"
	            "<button type=\"submit\">Gem alligevel arkets svar</button>\n</form>\n",
	         d->code, rd->id, d->code, rd->id, r->session->csrf, res->conflict_key);
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I\">Tilbage til tilsynet uden at gemme</a></p>\n", d->code, rd->id);
	page_end(r);
	r->status = 409;
}

/* A stored sheet with answers that do not count (relevance.c): each named by its cell. */
static void stored_page(Req *r, const Round *rd, const SheetResult *res)
{
	Buf *b = &r->out;
	Department *d = r->dept;
	char summary[256];
	sheet_summary(res, summary, sizeof summary);
	upload_page_begin(r, rd, _("Registreringsarket er indlæst"));
	page_message(r, "ok", summary);
	html_lit(b, "<p>Disse svar er gemt, men tæller ikke med, fordi spørgsmålets betingelse ikke er opfyldt:</p>\n");
	cell_table(r, "not-counted", _("Svar der ikke tæller"), _("Hvorfor"), res->notes, res->nnotes,
	           res->not_counted - res->nnotes, _("svar"));
	html_fmt(b, "<p><a href=\"/d/%U/rounds/%I\">Tilbage til tilsynet</a></p>\n", d->code, rd->id);
	page_end(r);
	r->status = 200;
}

void page_round_sheet_form(Req *r)
{
	Round rd;
	if (page_round_from_capture(r, &rd))
		result_page(r, &rd, 200, NULL);
}

/* Back to the upload form with the message at the file. */
static void refuse(Req *r, const Round *rd, const char *message)
{
	flash_fail(r, arena_printf(r->arena, "/d/%s/rounds/%lld/sheet", r->dept->code, (long long)rd->id), "sheet-file",
	           message);
}

void page_round_sheet_upload(Req *r)
{
	Round rd;
	if (!page_round_from_capture(r, &rd))
		return;
	const Param *file = req_file(r, "file");
	if (!file || file->len == 0) {
		refuse(r, &rd, _("Vælg det udfyldte registreringsark (xlsx)."));
		return;
	}
	SheetResult *res = arena_alloc(r->arena, sizeof *res);
	if (!req_begin(r))
		return;
	int rc = sheet_import_mem(r->db, &rd, file->value, file->len, r->user, res);
	/* The confirmation: the same conflicts as shown, and the box ticked. */
	const char *shown = req_form(r, "conflicts");
	int confirmed = req_form_checked(r, "overwrite") && shown && *shown;
	if (rc == SHEET_CONFLICT && confirmed && str_eq(shown, res->conflict_key)) {
		SheetImportOptions o = {.overwrite = 1};
		rc = sheet_import_mem_opt(r->db, &rd, file->value, file->len, r->user, &o, res);
	}
	if (rc == SHEET_STORED) {
		audit(r, &rd, "answers_import",
		      arena_printf(r->arena, "registreringsark indlæst: %ld rækker, %ld svar gemt, %ld uændrede%s", res->rows,
		                   res->saved, res->unchanged,
		                   res->overwritten ? arena_printf(r->arena, "; %ld nyere svar overskrevet efter bekræftelse",
		                                                   res->overwritten)
		                                    : ""));
		if (!req_commit(r, _("Svarene kunne ikke gemmes. Prøv igen.")))
			return;
		if (res->not_counted) {
			stored_page(r, &rd, res);
			return;
		}
		http_redirect(r, arena_printf(r->arena, "/d/%s/rounds/%lld?sheet=1&saved=%ld&unchanged=%ld", r->dept->code,
		                              (long long)rd.id, res->saved, res->unchanged));
		return;
	}
	db_rollback(r->db);
	if (rc == SHEET_FAILED) {
		http_error(r, 500, _("Svarene kunne ikke gemmes, og intet er gemt. Prøv igen; sker det igen, så kontakt "
		                     "administratoren."));
		return;
	}
	if (rc == SHEET_CONFLICT) {
		conflict_page(r, &rd, res, confirmed);
		return;
	}
	/* A closed round is no error in the form: it stays a 409 as every change to it. */
	if (rc != SHEET_CLOSED && *res->error && !res->nproblems) /* filetype.c says what the file is */
		refuse(r, &rd, arena_strdup(r->arena, res->error));
	else
		result_page(r, &rd, rc == SHEET_CLOSED ? 409 : 400, res);
}
