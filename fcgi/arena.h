/*
 * arena: per-request memory. Everything a request allocates comes from one
 * arena that is reset in a single call when the request ends, so no handler
 * can leak across requests (a FastCGI worker lives for millions of them).
 *
 * Ownership: memory returned by arena_* belongs to the arena and is valid
 * until arena_reset()/arena_free(). Foreign resources (PGresult, xmlDoc) are
 * registered with arena_cleanup() and released, newest first, on reset.
 * Allocation failure aborts the process: the master restarts the worker,
 * which is the only sane answer to OOM in a request path.
 */
#ifndef GK_ARENA_H
#define GK_ARENA_H

#include <stddef.h>

typedef void (*cleanup_fn)(void *);

struct arena_block;
struct arena_cleanup;

struct arena {
    struct arena_block *head;    /* current block, newest first */
    struct arena_cleanup *clean; /* cleanups, newest first */
    size_t block_size;           /* default size of a new block */
    size_t used_total;           /* bytes handed out since last reset */
};

void arena_init(struct arena *a, size_t block_size);
void *arena_alloc(struct arena *a, size_t n) __attribute__((malloc));
void *arena_zalloc(struct arena *a, size_t n) __attribute__((malloc));
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_cleanup(struct arena *a, cleanup_fn fn, void *p);
/* Runs cleanups, keeps the first block for the next request. */
void arena_reset(struct arena *a);
/* Runs cleanups and frees every block. */
void arena_free(struct arena *a);

#endif
