/*
** Tests of the two memory helpers: Buf (buf.c), the growable byte buffer with a hard limit
** (growth, printf, detach, reset, and abort when the limit is exceeded), and Arena
** (arena.c), the per-request bump allocator (alignment, string helpers, allocations larger
** than a chunk, and abort when the arena's limit is exceeded).
*/
#include "unit_helpers.h"

#include <stdalign.h>

/* ---- Buf ---- */

static void buf_grows_and_keeps_content(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	assert_int_equal(b.limit, BUF_DEFAULT_LIMIT);
	assert_int_equal(b.len, 0);
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 100000);
	assert_true(b.cap >= b.len + 1);
	assert_int_equal(b.data[b.len], 0);
	for (int i = 0; i < 100000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %d is %c", i, b.data[i]);
	buf_append(&b, "XYZ", 3);
	assert_int_equal(b.len, 100003);
	assert_string_equal(b.data + 100000, "XYZ");
	/* Binary data with NUL bytes is kept whole. */
	buf_append(&b, "\0\1\0", 3);
	assert_int_equal(b.len, 100006);
	assert_memory_equal(b.data + 100003, "\0\1\0", 3);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void buf_puts_and_reset(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_puts(&b, "Hej ");
	buf_puts(&b, "verden");
	buf_puts(&b, "");
	assert_string_equal(buf_cstr(&b), "Hej verden");
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_puts(&b, "igen");
	assert_string_equal(buf_cstr(&b), "igen");
	buf_free(&b);
}

static void buf_printf_formats(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%d-%s-%05.1f", 42, "æø", 3.14159);
	assert_string_equal(buf_cstr(&b), "42-æø-003.1");
	/* A result longer than the initial capacity is written whole. */
	char big[5000];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = 0;
	size_t first = strlen("42-æø-003.1");
	assert_int_equal(b.len, first);
	buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, first + 2 + 4999);
	assert_int_equal(b.data[first], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(strspn(b.data + first + 1, "q"), 4999);
	assert_int_equal(strlen(b.data), b.len);
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, first + 2 + 4999);
	buf_free(&b);
}

static void buf_detach_hands_over(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	buf_puts(&b, "indhold");
	char *s = buf_detach(&b);
	assert_string_equal(s, "indhold");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* The Buf is usable again and independent of the detached string. */
	buf_puts(&b, "nyt");
	assert_string_equal(buf_cstr(&b), "nyt");
	assert_string_equal(s, "indhold");
	free(s);
	buf_free(&b);

	/* Detaching an empty Buf gives an empty, freeable string. */
	buf_init(&b, 0);
	s = buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void buf_fill_to_limit(void **state)
{
	(void)state;
	/* A limit of 16 bytes holds 15 bytes of content and the terminating NUL. */
	Buf b;
	buf_init(&b, 16);
	buf_append(&b, "0123456789abcde", 15);
	assert_int_equal(b.len, 15);
	assert_true(b.cap <= 16);
	assert_string_equal(buf_cstr(&b), "0123456789abcde");
	buf_free(&b);
}

static void append_past_limit(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 16);
	buf_append(&b, "0123456789abcde", 15);
	buf_putc(&b, 'x');
}

static void printf_past_limit(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 64);
	buf_printf(&b, "%0100d", 7);
}

static void append_huge(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 1024);
	buf_puts(&b, "x");
	buf_append(&b, "y", SIZE_MAX); /* must be refused before anything is read */
}

static void append_up_to_limit(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 16);
	buf_append(&b, "0123456789abcde", 15);
	buf_free(&b);
}

static void buf_past_limit_aborts(void **state)
{
	(void)state;
	assert_true(dies_with_abort(append_past_limit, NULL));
	assert_true(dies_with_abort(printf_past_limit, NULL));
	assert_true(dies_with_abort(append_huge, NULL));
	assert_false(dies_with_abort(append_up_to_limit, NULL));
}

/* ---- Arena ---- */

static void arena_alloc_is_aligned(void **state)
{
	(void)state;
	Arena *a = arena_new(0);
	size_t sizes[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 0, 1, 4095, 3};
	unsigned char *blocks[COUNT(sizes)];
	for (size_t i = 0; i < COUNT(sizes); i++) {
		blocks[i] = arena_alloc(a, sizes[i]);
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % alignof(max_align_t), 0);
		memset(blocks[i], (int)i + 1, sizes[i]);
	}
	/* Blocks do not overlap: each still holds its own pattern. */
	for (size_t i = 0; i < COUNT(sizes); i++)
		for (size_t k = 0; k < sizes[i]; k++)
			if (blocks[i][k] != (unsigned char)(i + 1))
				fail_msg("block %zu byte %zu overwritten", i, k);
	arena_destroy(a);
}

static void arena_strings(void **state)
{
	(void)state;
	Arena *a = arena_new(0);
	char src[] = "Rådgiver";
	char *d = arena_strdup(a, src);
	assert_string_equal(d, "Rådgiver");
	assert_ptr_not_equal(d, src);
	src[0] = 'X';
	assert_string_equal(d, "Rådgiver");
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_strdup(a, ""), "");

	char *n = arena_strndup(a, "abcdef", 3);
	assert_string_equal(n, "abc");
	assert_string_equal(arena_strndup(a, "abc", 0), "");
	/* strndup copies exactly n bytes, also past a NUL, and terminates. */
	char *m = arena_strndup(a, "a\0b", 3);
	assert_memory_equal(m, "a\0b", 4);

	char *p = arena_printf(a, "%s/%d/%05.2f", "/d/BHS", -3, 2.5);
	assert_string_equal(p, "/d/BHS/-3/02.50");
	char *empty = arena_printf(a, "%s", "");
	assert_string_equal(empty, "");
	char big[3000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = 0;
	char *q = arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(q), 3001);
	assert_int_equal(q[0], '<');
	assert_int_equal(q[3000], '>');
	arena_destroy(a);
}

static void arena_large_allocations(void **state)
{
	(void)state;
	Arena *a = arena_new(0);
	char *small = arena_alloc(a, 100);
	memset(small, 's', 100);
	size_t used = arena_used(a);
	assert_true(used >= 100);

	/* Bigger than a 64 KiB chunk: one block of its own, fully usable. */
	size_t big = 200 * 1024;
	unsigned char *p = arena_alloc(a, big);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
	memset(p, 0xAB, big);
	assert_true(arena_used(a) >= used + big);

	/* Many allocations that together span several chunks. */
	char *blocks[100];
	for (int i = 0; i < 100; i++) {
		blocks[i] = arena_alloc(a, 10000);
		assert_int_equal((uintptr_t)blocks[i] % alignof(max_align_t), 0);
		memset(blocks[i], i, 10000);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal((unsigned char)blocks[i][9999], (unsigned char)i);
	assert_true(arena_used(a) >= used + big + 100 * 10000);
	for (size_t k = 0; k < big; k++)
		if (p[k] != 0xAB)
			fail_msg("large block byte %zu overwritten", k);
	for (int k = 0; k < 100; k++)
		assert_int_equal(small[k], 's');

	char *s = arena_strndup(a, (const char *)p, 100 * 1024);
	assert_int_equal(strlen(s), 100 * 1024);
	arena_destroy(a);
	arena_destroy(NULL);
}

static void arena_over_limit(void *arg)
{
	(void)arg;
	Arena *a = arena_new(128 * 1024);
	arena_alloc(a, 1000);       /* first 64 KiB chunk */
	arena_alloc(a, 100 * 1024); /* 64 + 100 KiB > 128 KiB */
}

static void arena_over_limit_small_steps(void *arg)
{
	(void)arg;
	Arena *a = arena_new(128 * 1024);
	for (int i = 0; i < 1000; i++)
		arena_alloc(a, 1024);
}

static void arena_size_max(void *arg)
{
	(void)arg;
	Arena *a = arena_new(0);
	arena_alloc(a, SIZE_MAX);
}

static void arena_size_max_minus(void *arg)
{
	(void)arg;
	Arena *a = arena_new(0);
	arena_alloc(a, SIZE_MAX - 7);
}

static void arena_within_limit(void *arg)
{
	(void)arg;
	Arena *a = arena_new(128 * 1024);
	arena_alloc(a, 1000);
	arena_alloc(a, 60 * 1024);
	arena_alloc(a, 64 * 1024);
	arena_destroy(a);
}

static void arena_past_limit_aborts(void **state)
{
	(void)state;
	assert_true(dies_with_abort(arena_over_limit, NULL));
	assert_true(dies_with_abort(arena_over_limit_small_steps, NULL));
	/* Sizes so large that rounding them up would wrap around are refused too. */
	assert_true(dies_with_abort(arena_size_max, NULL));
	assert_true(dies_with_abort(arena_size_max_minus, NULL));
	assert_false(dies_with_abort(arena_within_limit, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_keeps_content),
		cmocka_unit_test(buf_puts_and_reset),
		cmocka_unit_test(buf_printf_formats),
		cmocka_unit_test(buf_detach_hands_over),
		cmocka_unit_test(buf_fill_to_limit),
		cmocka_unit_test(buf_past_limit_aborts),
		cmocka_unit_test(arena_alloc_is_aligned),
		cmocka_unit_test(arena_strings),
		cmocka_unit_test(arena_large_allocations),
		cmocka_unit_test(arena_past_limit_aborts),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
