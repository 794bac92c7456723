/*
** Arena: the per-request allocator. A request allocates freely and everything is freed in
** one go when the response has been sent, so handlers never free. An arena has a limit; a
** request that needs more than that has a bug and aborts loudly.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)

typedef struct Chunk {
	struct Chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
} Chunk;

struct Arena {
	Chunk *head;
	size_t total;
	size_t limit;
};

Arena *arena_new(size_t limit)
{
	Arena *a = xcalloc(1, sizeof *a);
	a->limit = limit ? limit : ARENA_DEFAULT_LIMIT;
	return a;
}

void arena_destroy(Arena *a)
{
	if (!a)
		return;
	for (Chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(Arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	if (n > a->limit) /* also keeps the rounding below from wrapping around */
		fatal("request memory limit of %zu bytes exceeded", a->limit);
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	Chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if (a->total + size > a->limit)
			fatal("request memory limit of %zu bytes exceeded", a->limit);
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += size;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(Arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("bad format string: %s", fmt);
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_used(const Arena *a)
{
	return a->total;
}
