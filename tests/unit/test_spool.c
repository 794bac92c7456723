/*
** Tests of spooled uploads (spool.c) and the in-place multipart parser they use (form.c): a
** spool file has no name on disk, gives back exactly what was written when mapped, only
** SPOOL_SLOTS uploads are taken at once, a killed server's empty folder is removed at the next
** start, and a file part parsed in place points into the body
** (no copy) with the same bytes, length and NUL ending as the copying parser gives.
*/
#include "unit_helpers.h"
#include "http.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* A folder left by a killed server (its process gone) is removed at the next start; one of a
** running process, one with files in it and one not named like ours stay. */
static void stale_folders_swept(void **state)
{
	(void)state;
	char tmp[] = "/tmp/tilsyn-spool-test-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	waitpid(child, NULL, 0);
	char dead[200], alive[200], full[200], file[260], other[200];
	snprintf(dead, sizeof dead, "%s/tilsyn-upload-%ld-abcdef", tmp, (long)child);
	snprintf(alive, sizeof alive, "%s/tilsyn-upload-%ld-abcdef", tmp, (long)getppid());
	snprintf(full, sizeof full, "%s/tilsyn-upload-%ld-ghijkl", tmp, (long)child);
	snprintf(file, sizeof file, "%s/x", full);
	snprintf(other, sizeof other, "%s/tilsyn-uploads", tmp);
	assert_int_equal(mkdir(dead, 0700), 0);
	assert_int_equal(mkdir(alive, 0700), 0);
	assert_int_equal(mkdir(full, 0700), 0);
	assert_int_equal(mkdir(other, 0700), 0);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TMPDIR", tmp, 1);
	assert_int_equal(spool_init(), 0);
	struct stat st;
	assert_int_equal(stat(dead, &st), -1);
	assert_int_equal(stat(alive, &st), 0);
	assert_int_equal(stat(full, &st), 0);
	assert_int_equal(stat(other, &st), 0);
	spool_cleanup();
	unlink(file);
	rmdir(full);
	rmdir(alive);
	rmdir(other);
	assert_int_equal(rmdir(tmp), 0); /* our own folder went at clean-up */
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

static void slots_are_few(void **state)
{
	(void)state;
	for (int i = 0; i < SPOOL_SLOTS; i++)
		assert_int_equal(spool_slot_take(100 + i), 1);
	assert_int_equal(spool_slot_take(200), SPOOL_ALL_TAKEN);
	spool_slot_give(101);
	assert_int_equal(spool_slot_take(200), 1);
	assert_int_equal(spool_slot_take(201), SPOOL_ALL_TAKEN);
	spool_slot_give(100);
	spool_slot_give(200);
	for (int i = 2; i < SPOOL_SLOTS; i++)
		spool_slot_give(100 + i);
	assert_int_equal(spool_slot_take(300), 1);
	spool_slot_give(300);
}

/* One upload at a time per user: a second one of the same user is refused while slots are
** free, and allowed again once the first is done. */
static void one_slot_per_user(void **state)
{
	(void)state;
	assert_int_equal(spool_slot_take(7), 1);
	assert_int_equal(spool_slot_take(7), SPOOL_USER_BUSY);
	assert_int_equal(spool_slot_take(8), 1);
	spool_slot_give(7);
	assert_int_equal(spool_slot_take(7), 1);
	spool_slot_give(7);
	spool_slot_give(8);
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
		cmocka_unit_test(stale_folders_swept),
		cmocka_unit_test(slots_are_few),
		cmocka_unit_test(one_slot_per_user),
		cmocka_unit_test(multipart_in_place),
		cmocka_unit_test(in_place_refuses_the_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
