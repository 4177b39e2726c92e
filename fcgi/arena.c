#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next; /* older block */
    size_t size;              /* usable bytes in data[] */
    size_t used;              /* bytes handed out */
    max_align_t data[];       /* payload, aligned for any type */
};

struct arena_cleanup {
    struct arena_cleanup *next;
    cleanup_fn fn;
    void *p;
};

static void
oom(void)
{
    fputs("gongkai: out of memory\n", stderr);
    abort();
}

void
arena_init(struct arena *a, size_t block_size)
{
    a->head = NULL;
    a->clean = NULL;
    a->block_size = block_size ? block_size : 16384;
    a->used_total = 0;
}

static struct arena_block *
block_new(size_t size)
{
    struct arena_block *b = malloc(sizeof(*b) + size);
    if (b == NULL)
        oom();
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    size_t need = (n + align - 1) & ~(align - 1);
    struct arena_block *b = a->head;

    if (need < n)
        oom();
    if (b == NULL || b->size - b->used < need) {
        /* Large requests get a block of their own so that the rest of the
         * current block is not wasted. */
        size_t size = need > a->block_size / 2 ? need : a->block_size;
        struct arena_block *nb = block_new(size);
        if (b != NULL && size != a->block_size) {
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->used_total += need;
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_cleanup(struct arena *a, cleanup_fn fn, void *p)
{
    struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->p = p;
    c->next = a->clean;
    a->clean = c;
}

static void
run_cleanups(struct arena *a)
{
    /* Cleanup records live in the arena itself, so read next first. */
    struct arena_cleanup *c = a->clean;
    a->clean = NULL;
    while (c != NULL) {
        struct arena_cleanup *next = c->next;
        c->fn(c->p);
        c = next;
    }
}

void
arena_reset(struct arena *a)
{
    run_cleanups(a);
    struct arena_block *b = a->head;
    if (b == NULL)
        return;
    /* Keep one block of the default size; free the rest. */
    struct arena_block *keep = NULL;
    while (b != NULL) {
        struct arena_block *next = b->next;
        if (keep == NULL && b->size == a->block_size)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (keep != NULL) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->used_total = 0;
}

void
arena_free(struct arena *a)
{
    arena_reset(a);
    free(a->head);
    a->head = NULL;
}
