/*
** What an uploaded or imported file is, judged from its contents (never its name), so that a
** file tilsyn cannot read as a table is refused with a Danish message that says what it is and
** what to do: an old Excel file (.xls) or Word file (.doc) (both OLE2, magic D0 CF 11 E0), a
** password-protected workbook (OLE2 too), a PDF, a Word file (.docx: a zip with
** word/document.xml), another zip, an empty file, UTF-16 text (a BOM, or NUL bytes between
** the characters). The importers ask before they read: cases.c (xlsx or CSV), and the xlsx
** reader's entry points (answer sheets, catalogues: xlsx only).
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define HEAD_MAX ((size_t)1 << 20) /* what is read of a file to tell an OLE2 file's kind */

static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

/* Whether the UTF-16LE spelling of an ASCII name occurs in p[0..n). */
static int has_utf16_name(const unsigned char *p, size_t n, const char *name)
{
	size_t k = strlen(name);
	unsigned char w[64];
	if (2 * k > sizeof w)
		return 0;
	for (size_t i = 0; i < k; i++)
		w[2 * i] = (unsigned char)name[i], w[2 * i + 1] = 0;
	return memmem(p, n, w, 2 * k) != NULL;
}

/* OLE2's directory names its streams: WordDocument, Workbook/Book, EncryptedPackage. */
static FileType ole2_kind(const unsigned char *p, size_t n)
{
	if (has_utf16_name(p, n, "EncryptedPackage"))
		return FT_ENCRYPTED;
	if (has_utf16_name(p, n, "WordDocument"))
		return FT_DOC;
	if (has_utf16_name(p, n, "Workbook") || has_utf16_name(p, n, "Book"))
		return FT_XLS;
	return FT_OLE2;
}

/* Text in UTF-16 without a BOM: in the first bytes, nearly every other byte is NUL (ASCII
** letters in UTF-16LE or -BE), and the bytes between them are not. */
static int nul_interleaved(const unsigned char *p, size_t n)
{
	size_t m = n < 1024 ? n : 1024;
	m &= ~(size_t)1;
	if (m < 4)
		return 0;
	size_t zeven = 0, zodd = 0;
	for (size_t i = 0; i < m; i += 2) {
		zeven += p[i] == 0;
		zodd += p[i + 1] == 0;
	}
	size_t pairs = m / 2;
	return (zodd * 10 >= pairs * 7 && zeven * 10 <= pairs) || (zeven * 10 >= pairs * 7 && zodd * 10 <= pairs);
}

/* A zip's kind by the parts it holds. One libzip cannot open, or one with more parts than a
** workbook may have (a zip bomb), is left to the xlsx reader, which says what is wrong. */
static FileType zip_kind(zip_t *z)
{
	if (!z)
		return FT_XLSX;
	FileType t = zip_get_num_entries(z, 0) > 10000 ? FT_XLSX : FT_ZIP;
	if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0 || zip_name_locate(z, "_rels/.rels", 0) >= 0)
		t = FT_XLSX;
	if (zip_name_locate(z, "word/document.xml", 0) >= 0)
		t = FT_DOCX;
	zip_discard(z);
	return t;
}

/* The kind by the first bytes alone; a zip is FT_XLSX here (zip_kind looks inside). */
static FileType head_kind(const unsigned char *p, size_t n)
{
	if (n == 0)
		return FT_EMPTY;
	if (n >= 8 && memcmp(p, ole2, 8) == 0)
		return ole2_kind(p, n);
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4)
		return FT_XLSX;
	if (memmem(p, n < 1024 ? n : 1024, "%PDF-", 5))
		return FT_PDF;
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return FT_UTF16;
	if (nul_interleaved(p, n))
		return FT_UTF16;
	return FT_TEXT;
}

FileType filetype_of(const void *data, size_t n)
{
	FileType t = head_kind(data, n);
	if (t != FT_XLSX)
		return t;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (src && !z)
		zip_source_free(src);
	zip_error_fini(&ze);
	return zip_kind(z);
}

FileType filetype_of_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return FT_TEXT; /* the reader says it cannot be opened */
	unsigned char *head = xmalloc(HEAD_MAX);
	size_t n = fread(head, 1, HEAD_MAX, f);
	fclose(f);
	FileType t = head_kind(head, n);
	free(head);
	if (t != FT_XLSX)
		return t;
	int code = 0;
	return zip_kind(zip_open(path, ZIP_RDONLY, &code));
}

const char *filetype_title(FileType t)
{
	switch (t) {
	case FT_EMPTY: return _("tom fil");
	case FT_XLS: return _("gammel Excel-fil (.xls)");
	case FT_DOC: return _("Word-dokument (.doc)");
	case FT_OLE2: return _("gammel Office-fil");
	case FT_ENCRYPTED: return _("regneark med adgangskode");
	case FT_PDF: return _("PDF");
	case FT_DOCX: return _("Word-dokument (.docx)");
	case FT_ZIP: return _("zip-fil");
	case FT_UTF16: return _("tekst i UTF-16");
	case FT_XLSX: return _("Excel (xlsx)");
	case FT_TEXT: break;
	}
	return _("tekst (CSV)");
}

/*
** The Danish message for a file of this kind that cannot be read as a table, or NULL when it
** can: `csv` says whether the importer also reads CSV (the case list) or only xlsx (answer
** sheets, catalogues). Each says what the file is and what to do.
*/
const char *filetype_refusal(FileType t, int csv)
{
	switch (t) {
	case FT_XLSX: return NULL;
	case FT_TEXT:
		return csv ? NULL
		           : _("Filen er ikke en gyldig Excel-fil (xlsx): den er en tekstfil, fx CSV. Åbn den i Excel, og "
		               "gem den som .xlsx.");
	case FT_EMPTY:
		return csv ? _("Filen er tom (0 byte). Vælg den rigtige fil, eller gem listen igen: gem den som .xlsx eller CSV.")
		           : _("Filen er tom (0 byte). Vælg den rigtige fil, eller gem den igen som .xlsx.");
	case FT_XLS:
		return csv ? _("Filen er en gammel Excel-fil (.xls), som tilsyn ikke kan læse. Åbn den i Excel, og vælg Filer › "
		               "Gem som: gem den som .xlsx eller CSV.")
		           : _("Filen er en gammel Excel-fil (.xls), som tilsyn ikke kan læse. Åbn den i Excel, og vælg Filer › "
		               "Gem som: gem den som .xlsx.");
	case FT_DOC:
	case FT_DOCX:
		return csv ? (t == FT_DOC ? _("Filen er et Word-dokument (.doc), ikke et regneark. Kopiér tabellen over i Excel, "
		                              "og gem den som .xlsx eller CSV.")
		                          : _("Filen er et Word-dokument (.docx), ikke et regneark. Kopiér tabellen over i Excel, "
		                              "og gem den som .xlsx eller CSV."))
		           : (t == FT_DOC ? _("Filen er et Word-dokument (.doc), ikke et regneark. Brug regnearket fra tilsyn, "
		                              "og gem det som .xlsx.")
		                          : _("Filen er et Word-dokument (.docx), ikke et regneark. Brug regnearket fra tilsyn, "
		                              "og gem det som .xlsx."));
	case FT_OLE2:
	case FT_ENCRYPTED:
		return csv ? _("Filen er ikke en gyldig Excel-fil (xlsx). Den er enten en ældre Office-fil (xls) eller beskyttet "
		               "med adgangskode. Fjern adgangskoden i Excel, og gem den som .xlsx eller CSV.")
		           : _("Filen er ikke en gyldig Excel-fil (xlsx). Den er enten en ældre Excel-fil (xls) eller beskyttet "
		               "med adgangskode. Gem den som Excel-projektmappe (.xlsx) uden adgangskode, og prøv igen.");
	case FT_PDF:
		return csv ? _("Filen er en PDF, og tilsyn kan ikke læse tabeller i en PDF. Hent listen fra fagsystemet som "
		               "regneark, og gem den som .xlsx eller CSV.")
		           : _("Filen er en PDF, og tilsyn kan ikke læse tabeller i en PDF. Brug regnearket fra tilsyn, og gem "
		               "det som .xlsx.");
	case FT_ZIP:
		return csv ? _("Filen er en zip-fil, men ikke en Excel-projektmappe. Pak den ud, åbn regnearket i Excel, og gem "
		               "den som .xlsx eller CSV.")
		           : _("Filen er en zip-fil, men ikke en Excel-projektmappe. Pak den ud, åbn regnearket i Excel, og gem "
		               "det som .xlsx.");
	case FT_UTF16:
		return csv ? _("Filen er gemt som UTF-16 (»Unicode-tekst«), som tilsyn ikke kan læse. Gem den som .xlsx eller "
		               "CSV (vælg »CSV UTF-8« eller »CSV (semikolonsepareret)« i Excel).")
		           : _("Filen er gemt som UTF-16 (»Unicode-tekst«), ikke som en Excel-projektmappe. Åbn den i Excel, og "
		               "gem den som .xlsx.");
	}
	return NULL;
}
