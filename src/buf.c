/*
** Buf: a growable byte buffer with a hard limit. Response bodies and generated text are
** built in Bufs; a Buf that grows past its limit is a bug and aborts, while input that
** may be too large is measured against its own cap before it is buffered.
*/
#include "tilsyn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(Buf *b, size_t limit)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->limit = limit ? limit : BUF_DEFAULT_LIMIT;
}

void buf_free(Buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_reset(Buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0; /* buf_cstr() after a reset is "", not the old text */
}

static void buf_grow(Buf *b, size_t extra)
{
	if (extra > b->limit || b->len + extra + 1 > b->limit)
		fatal("buffer limit of %zu bytes exceeded", b->limit);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->limit)
		cap = b->limit;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(Buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_puts(Buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(Buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = 0;
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		fatal("bad format string: %s", fmt);
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(Buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* The contents as a NUL-terminated string; valid until the next change. */
const char *buf_cstr(Buf *b)
{
	if (!b->data)
		buf_grow(b, 0), b->data[0] = 0;
	return b->data;
}

/* Hands the malloc'd contents to the caller and leaves the Buf empty. */
char *buf_detach(Buf *b)
{
	buf_cstr(b);
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
