/*
** Tests of spooled uploads (spool.c) and the in-place multipart parser they use (form.c): a
** spool file has no name on disk, gives back exactly what was written when mapped, only
** SPOOL_SLOTS uploads are taken at once, and a file part parsed in place points into the body
** (no copy) with the same bytes, length and NUL ending as the copying parser gives.
*/
#include "unit_helpers.h"
#include "http.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void spool_round_trip(void **state)
{
	(void)state;
	assert_int_equal(spool_init(), 0);
	int fd = spool_open();
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 0); /* unlinked: nothing left behind if the server dies */
	size_t n = 3 << 20;
	char *data = malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)(i * 7 + 3);
	assert_int_equal(spool_write(fd, data, 1000), 0);
	assert_int_equal(spool_write(fd, data + 1000, n - 1000), 0);
	char *map = spool_map(fd, n);
	assert_non_null(map);
	assert_memory_equal(map, data, n);
	map[0] ^= 1; /* private: a change stays in memory, the file keeps its bytes */
	char first;
	assert_int_equal(pread(fd, &first, 1, 0), 1);
	assert_int_equal(first, data[0]);
	spool_unmap(map, n);
	assert_null(spool_map(fd, 0));
	close(fd);
	free(data);
	spool_cleanup();
	assert_int_equal(spool_open(), -1); /* no folder after clean-up */
}

static void slots_are_few(void **state)
{
	(void)state;
	for (int i = 0; i < SPOOL_SLOTS; i++)
		assert_true(spool_slot_take());
	assert_false(spool_slot_take());
	spool_slot_give();
	assert_true(spool_slot_take());
	assert_false(spool_slot_take());
	for (int i = 0; i < SPOOL_SLOTS; i++)
		spool_slot_give();
}

static const char ct[] = "multipart/form-data; boundary=XyZ";
static const char body[] = "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                           "abc123\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"file\"; filename=\"liste.csv\"\r\n"
                           "Content-Type: text/csv\r\n\r\n"
                           "Sagsnr;R\xe5" "dgiver\r\n\x00--XyZ-not-the-end\r\n1;Anne\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                           "hej\r\n"
                           "--XyZ--\r\n";

static void multipart_in_place(void **state)
{
	(void)state;
	size_t n = sizeof body - 1;
	Arena *a = arena_new(0);
	Param *copied, *placed;
	int nc, np;
	const char *err = NULL;
	assert_int_equal(form_parse_multipart(a, ct, body, n, &copied, &nc, &err), 0);
	char *mine = malloc(n);
	memcpy(mine, body, n);
	assert_int_equal(form_parse_multipart_in_place(a, ct, mine, n, &placed, &np, &err), 0);
	assert_int_equal(np, 3);
	assert_int_equal(nc, np);
	for (int i = 0; i < np; i++) {
		assert_string_equal(placed[i].name, copied[i].name);
		assert_int_equal(placed[i].len, copied[i].len);
		assert_memory_equal(placed[i].value, copied[i].value, copied[i].len);
		assert_int_equal(placed[i].value[placed[i].len], 0);
	}
	/* The file's bytes are where they lie in the body; the text fields are copies. */
	assert_string_equal(placed[1].filename, "liste.csv");
	assert_ptr_equal(placed[1].value, mine + (strstr(body, "Sagsnr") - body));
	assert_true(placed[0].value < mine || placed[0].value >= mine + n);
	assert_int_equal(placed[1].len, 43);
	free(mine);
	arena_destroy(a);
}

static void in_place_refuses_the_same(void **state)
{
	(void)state;
	Arena *a = arena_new(0);
	Param *p;
	int k;
	const char *err = NULL;
	char truncated[] = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc";
	assert_int_equal(form_parse_multipart_in_place(a, ct, truncated, sizeof truncated - 1, &p, &k, &err), -1);
	assert_non_null(err);
	char empty[1] = "";
	assert_int_equal(form_parse_multipart_in_place(a, ct, empty, 0, &p, &k, &err), -1);
	arena_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spool_round_trip),
		cmocka_unit_test(slots_are_few),
		cmocka_unit_test(multipart_in_place),
		cmocka_unit_test(in_place_refuses_the_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
