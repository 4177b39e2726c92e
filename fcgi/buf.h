/*
 * buf: a growable byte buffer whose memory comes from an arena. Used for the
 * response body and for building strings. Never NUL-terminated implicitly;
 * buf_cstr() adds the terminator when a C string is needed.
 */
#ifndef GK_BUF_H
#define GK_BUF_H

#include <stddef.h>

#include "arena.h"

struct buf {
    struct arena *a; /* where the bytes live */
    char *p;         /* data, not NUL-terminated */
    size_t len;      /* bytes used */
    size_t cap;      /* bytes available */
};

void buf_init(struct buf *b, struct arena *a, size_t cap);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b);
void buf_clear(struct buf *b);

#endif
