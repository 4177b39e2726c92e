#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
buf_init(struct buf *b, struct arena *a, size_t cap)
{
    b->a = a;
    b->len = 0;
    b->cap = cap ? cap : 256;
    b->p = arena_alloc(a, b->cap);
}

static void
grow(struct buf *b, size_t need)
{
    size_t cap = b->cap;
    while (cap - b->len < need)
        cap *= 2;
    char *p = arena_alloc(b->a, cap);
    memcpy(p, b->p, b->len);
    b->p = p;
    b->cap = cap;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n)
        grow(b, n);
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void
buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
    if (b->cap == b->len)
        grow(b, 1);
    b->p[b->len++] = c;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if (b->cap - b->len < (size_t)n + 1)
        grow(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *
buf_cstr(struct buf *b)
{
    buf_putc(b, '\0');
    b->len--;
    return b->p;
}

void
buf_clear(struct buf *b)
{
    b->len = 0;
}
