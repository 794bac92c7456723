/*
** Tests of the file-type detection (filetype.c): each kind told from its contents, in memory
** and as a file (a misleading name changes nothing), real zips made with libzip, OLE2 files
** told apart by the names in their directory, UTF-16 with and without a BOM, and the messages:
** none for what the importer can read, else one that says what to do (".xlsx eller CSV" where
** CSV is read, ".xlsx" alone where it is not).
*/
#include "unit_helpers.h"

#include <zip.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/tilsyn-filetype-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static const char *path_of(const char *name)
{
	static char p[160];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const void *data, size_t n)
{
	FILE *f = fopen(path_of(name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* The kind of data, in memory and written to a file with a misleading name: both the same. */
static FileType kind(const void *data, size_t n)
{
	FileType t = filetype_of(data, n);
	write_file("liste.csv", data, n);
	assert_int_equal(filetype_of_file(path_of("liste.csv")), t);
	return t;
}

/* A zip holding the named parts (each "<x/>"), read back into memory; *n its size. */
static unsigned char *zip_with(const char *const *names, size_t count, size_t *n)
{
	int err;
	zip_t *z = zip_open(path_of("made.zip"), ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (size_t i = 0; i < count; i++) {
		zip_source_t *s = zip_source_buffer(z, "<x/>", 4, 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	FILE *f = fopen(path_of("made.zip"), "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(1 << 16);
	*n = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void zips(void **state)
{
	(void)state;
	size_t n;
	static const char *const xlsx[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"};
	unsigned char *z = zip_with(xlsx, COUNT(xlsx), &n);
	assert_int_equal(kind(z, n), FT_XLSX);
	free(z);
	static const char *const docx[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
	z = zip_with(docx, COUNT(docx), &n);
	assert_int_equal(kind(z, n), FT_DOCX);
	free(z);
	static const char *const other[] = {"readme.txt", "billede.png"};
	z = zip_with(other, COUNT(other), &n);
	assert_int_equal(kind(z, n), FT_ZIP);
	free(z);
	/* A zip that cannot be opened is left to the xlsx reader, which says what is broken. */
	static const char broken[] = "PK\003\004 and nothing else";
	assert_int_equal(kind(broken, sizeof broken - 1), FT_XLSX);
}

/* An OLE2 file: the magic, some bytes, and a directory entry's UTF-16LE name. */
static size_t ole2_with(unsigned char *out, const char *name)
{
	static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	memset(out, 0, 2048);
	memcpy(out, magic, 8);
	for (size_t i = 0; name && name[i]; i++)
		out[1024 + 2 * i] = (unsigned char)name[i];
	return 2048;
}

static void ole2(void **state)
{
	(void)state;
	unsigned char buf[2048];
	assert_int_equal(kind(buf, ole2_with(buf, "Workbook")), FT_XLS);
	assert_int_equal(kind(buf, ole2_with(buf, "Book")), FT_XLS);
	assert_int_equal(kind(buf, ole2_with(buf, "WordDocument")), FT_DOC);
	assert_int_equal(kind(buf, ole2_with(buf, "EncryptedPackage")), FT_ENCRYPTED);
	assert_int_equal(kind(buf, ole2_with(buf, NULL)), FT_OLE2);
	/* Only the whole 8-byte magic counts. */
	buf[5] = 0x42;
	assert_int_equal(kind(buf, 2048), FT_TEXT);
}

static void pdf_empty_text(void **state)
{
	(void)state;
	static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
	assert_int_equal(kind(pdf, sizeof pdf - 1), FT_PDF);
	assert_int_equal(kind("", 0), FT_EMPTY);
	const char *csv = "Sagsnummer;Rådgiver\nS-1;Anne Bækgaard\n";
	assert_int_equal(kind(csv, strlen(csv)), FT_TEXT);
	const char *cp1252 = "Sagsnummer;R\xe5" "dgiver\nS-1;Anne B\xe6kgaard\n";
	assert_int_equal(kind(cp1252, strlen(cp1252)), FT_TEXT);
	/* One NUL byte in a text does not make it UTF-16. */
	const char nul[] = "Sagsnummer;Rådgiver\nS-1;A\0B\n";
	assert_int_equal(kind(nul, sizeof nul - 1), FT_TEXT);
}

static void utf16(void **state)
{
	(void)state;
	const char *text = "Sagsnummer;Raadgiver\r\nS-1;Anne\r\n";
	size_t k = strlen(text);
	unsigned char le[128], be[128];
	for (size_t i = 0; i < k; i++) {
		le[2 * i] = (unsigned char)text[i], le[2 * i + 1] = 0;
		be[2 * i] = 0, be[2 * i + 1] = (unsigned char)text[i];
	}
	assert_int_equal(kind(le, 2 * k), FT_UTF16); /* no BOM: NUL-interleaved */
	assert_int_equal(kind(be, 2 * k), FT_UTF16);
	unsigned char bom[130] = {0xFF, 0xFE};
	memcpy(bom + 2, le, 2 * k);
	assert_int_equal(kind(bom, 2 * k + 2), FT_UTF16);
	bom[0] = 0xFE, bom[1] = 0xFF;
	memcpy(bom + 2, be, 2 * k);
	assert_int_equal(kind(bom, 2 * k + 2), FT_UTF16);
}

static void messages(void **state)
{
	(void)state;
	assert_null(filetype_refusal(FT_XLSX, 1));
	assert_null(filetype_refusal(FT_XLSX, 0));
	assert_null(filetype_refusal(FT_TEXT, 1));
	assert_non_null(strstr(filetype_refusal(FT_TEXT, 0), "ikke en gyldig Excel-fil"));
	static const FileType unreadable[] = {FT_EMPTY, FT_XLS, FT_DOC, FT_OLE2, FT_ENCRYPTED, FT_PDF, FT_DOCX, FT_ZIP, FT_UTF16};
	for (size_t i = 0; i < COUNT(unreadable); i++) {
		const char *csv = filetype_refusal(unreadable[i], 1), *xlsx = filetype_refusal(unreadable[i], 0);
		assert_non_null(csv);
		assert_non_null(xlsx);
		assert_true(utf8_valid(csv, strlen(csv)) && utf8_valid(xlsx, strlen(xlsx)));
		assert_non_null(strstr(csv, " som .xlsx eller CSV"));
		assert_non_null(strstr(xlsx, ".xlsx"));
		assert_null(strstr(xlsx, "eller CSV"));
		assert_string_not_equal(filetype_title(unreadable[i]), filetype_title(FT_TEXT));
	}
	assert_non_null(strstr(filetype_refusal(FT_XLS, 1), "gammel Excel-fil (.xls)"));
	assert_non_null(strstr(filetype_refusal(FT_PDF, 1), "PDF"));
	assert_non_null(strstr(filetype_refusal(FT_DOCX, 1), "Word-dokument (.docx)"));
	assert_non_null(strstr(filetype_refusal(FT_DOC, 1), "Word-dokument (.doc)"));
	assert_non_null(strstr(filetype_refusal(FT_ZIP, 1), "zip-fil, men ikke en Excel-projektmappe"));
	assert_non_null(strstr(filetype_refusal(FT_EMPTY, 1), "tom"));
	assert_non_null(strstr(filetype_refusal(FT_UTF16, 1), "UTF-16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zips),
		cmocka_unit_test(ole2),
		cmocka_unit_test(pdf_empty_text),
		cmocka_unit_test(utf16),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
