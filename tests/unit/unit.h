/*
 * unit: what the cmocka unit tests share. cmocka's own headers (in the
 * order it needs them) and the fixtures several tests use: a fresh arena, a
 * markup writer into a buffer, and libsodium made ready once per group.
 * The functions are static inline so a test that uses none of them still
 * builds under -Werror (no "defined but not used").
 */
#ifndef GK_UNIT_H
#define GK_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "html.h"

/* Group setup: libsodium (random bytes, keys) before the first test. */
static inline int
unit_sodium_setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* Per test: *state is a struct arena of its own, freed after the test. */
static inline int
unit_arena_setup(void **state)
{
    struct arena *a = malloc(sizeof(*a));
    if (a == NULL)
        return -1;
    arena_init(a, 0);
    *state = a;
    return 0;
}

static inline int
unit_arena_teardown(void **state)
{
    arena_free(*state);
    free(*state);
    return 0;
}

/* Per test: *state is a struct unit_html, markup written into out. */
struct unit_html {
    struct arena a;  /* everything the test allocates */
    struct buf out;  /* the markup written through h */
    struct html h;   /* an HTML (not XML) writer */
};

static inline int
unit_html_setup(void **state)
{
    struct unit_html *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    arena_init(&f->a, 0);
    buf_init(&f->out, &f->a, 16); /* small: every test also grows it */
    html_init(&f->h, &f->out);
    *state = f;
    return 0;
}

static inline int
unit_html_teardown(void **state)
{
    struct unit_html *f = *state;
    arena_free(&f->a);
    free(f);
    return 0;
}

#endif
