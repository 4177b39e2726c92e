/*
 * Unit tests for fcgi/arena.c and fcgi/buf.c: the per-request allocator and
 * the growable buffer built on it.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

#define SMALL_BLOCK 1024

static int
setup(void **state)
{
    struct arena *a = malloc(sizeof(*a));
    if (a == NULL)
        return -1;
    arena_init(a, SMALL_BLOCK);
    *state = a;
    return 0;
}

static int
teardown(void **state)
{
    struct arena *a = *state;
    arena_free(a);
    free(a);
    return 0;
}

static void
test_init_default_block(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_true(a.block_size > 0);
    assert_null(a.head);
    assert_null(a.clean);
    assert_int_equal(a.used_total, 0);
    char *p = arena_alloc(&a, 10);
    assert_non_null(p);
    memset(p, 'x', 10);
    arena_free(&a);
    assert_null(a.head);
}

/* Thousands of small allocations of varying sizes: each is aligned for any
 * type and none overlaps another (every one keeps its own fill pattern). */
static void
test_many_small(void **state)
{
    struct arena *a = *state;
    enum { N = 5000 };
    unsigned char **ptrs = calloc(N, sizeof(*ptrs));
    assert_non_null(ptrs);
    size_t sum = 0;
    for (size_t i = 0; i < N; i++) {
        size_t sz = 1 + i % 97;
        ptrs[i] = arena_alloc(a, sz);
        assert_non_null(ptrs[i]);
        assert_int_equal((uintptr_t)ptrs[i] % _Alignof(max_align_t), 0);
        memset(ptrs[i], (int)(i & 0xff), sz);
        sum += sz;
    }
    for (size_t i = 0; i < N; i++) {
        size_t sz = 1 + i % 97;
        for (size_t k = 0; k < sz; k++)
            assert_int_equal(ptrs[i][k], i & 0xff);
    }
    assert_true(a->used_total >= sum);
    free(ptrs);
}

/* A request larger than the block size gets a block of its own; the
 * allocations around it stay intact and the arena keeps working. */
static void
test_big_allocation(void **state)
{
    struct arena *a = *state;
    char *before = arena_strdup(a, "before");
    size_t big = SMALL_BLOCK * 50;
    unsigned char *p = arena_alloc(a, big);
    assert_non_null(p);
    memset(p, 0xab, big);
    char *after = arena_strdup(a, "after");
    assert_string_equal(before, "before");
    assert_string_equal(after, "after");
    for (size_t i = 0; i < big; i++)
        assert_int_equal(p[i], 0xab);
    assert_true(a->used_total >= big);

    /* Big allocation as the very first one (no head block yet). */
    struct arena b;
    arena_init(&b, SMALL_BLOCK);
    unsigned char *q = arena_alloc(&b, big);
    memset(q, 1, big);
    char *s = arena_strdup(&b, "small after big");
    assert_string_equal(s, "small after big");
    assert_int_equal(q[big - 1], 1);
    arena_reset(&b);
    char *t = arena_strdup(&b, "after reset");
    assert_string_equal(t, "after reset");
    arena_free(&b);
}

/* Exactly the block size, and one byte more than half of it. */
static void
test_block_boundaries(void **state)
{
    struct arena *a = *state;
    unsigned char *p = arena_alloc(a, SMALL_BLOCK);
    memset(p, 7, SMALL_BLOCK);
    unsigned char *q = arena_alloc(a, SMALL_BLOCK / 2 + 1);
    memset(q, 8, SMALL_BLOCK / 2 + 1);
    unsigned char *r = arena_alloc(a, SMALL_BLOCK / 2);
    memset(r, 9, SMALL_BLOCK / 2);
    assert_int_equal(p[SMALL_BLOCK - 1], 7);
    assert_int_equal(q[SMALL_BLOCK / 2], 8);
    assert_int_equal(r[0], 9);
}

static void
test_zalloc_zeroes_reused_memory(void **state)
{
    struct arena *a = *state;
    unsigned char *p = arena_alloc(a, 200);
    memset(p, 0xff, 200);
    arena_reset(a);
    unsigned char *z = arena_zalloc(a, 200);
    for (size_t i = 0; i < 200; i++)
        assert_int_equal(z[i], 0);
}

static void
test_strdup(void **state)
{
    struct arena *a = *state;
    const char src[] = "hello, world";
    char *d = arena_strdup(a, src);
    assert_string_equal(d, src);
    assert_ptr_not_equal(d, src);
    char *n = arena_strndup(a, src, 5);
    assert_string_equal(n, "hello");
    char *e = arena_strndup(a, src, 0);
    assert_string_equal(e, "");
    char *u = arena_strdup(a, "政务公开");
    assert_string_equal(u, "政务公开");
}

static void
test_printf(void **state)
{
    struct arena *a = *state;
    char *s = arena_printf(a, "%s-%d-%05.1f", "abc", -42, 3.14159);
    assert_string_equal(s, "abc--42-003.1");
    char *e = arena_printf(a, "%s", "");
    assert_string_equal(e, "");
    /* Longer than a block. */
    char *big = malloc(SMALL_BLOCK * 3 + 1);
    assert_non_null(big);
    memset(big, 'q', SMALL_BLOCK * 3);
    big[SMALL_BLOCK * 3] = '\0';
    char *l = arena_printf(a, "<%s>", big);
    assert_int_equal(strlen(l), SMALL_BLOCK * 3 + 2);
    assert_int_equal(l[0], '<');
    assert_int_equal(l[SMALL_BLOCK * 3 + 1], '>');
    assert_int_equal(l[1], 'q');
    free(big);
}

struct log {
    char order[16];
    int n;
};

static void
note(struct log *lg, char c)
{
    if (lg->n < (int)sizeof(lg->order) - 1)
        lg->order[lg->n] = c;
    lg->n++;
}

static struct log cleanup_log;

static void
clean_a(void *p)
{
    assert_ptr_equal(p, &cleanup_log);
    note(&cleanup_log, 'a');
}

static void
clean_b(void *p)
{
    note(p, 'b');
}

static void
clean_c(void *p)
{
    note(p, 'c');
}

/* Cleanups run newest first, exactly once, on reset; arena_free runs the
 * pending ones too. */
static void
test_cleanups_newest_first_once(void **state)
{
    struct arena *a = *state;
    memset(&cleanup_log, 0, sizeof(cleanup_log));
    arena_cleanup(a, clean_a, &cleanup_log);
    /* Interleave allocations so records span blocks. */
    for (int i = 0; i < 50; i++)
        (void)arena_alloc(a, 100);
    arena_cleanup(a, clean_b, &cleanup_log);
    (void)arena_alloc(a, SMALL_BLOCK * 4);
    arena_cleanup(a, clean_c, &cleanup_log);
    assert_int_equal(cleanup_log.n, 0);
    arena_reset(a);
    assert_int_equal(cleanup_log.n, 3);
    assert_memory_equal(cleanup_log.order, "cba", 3);
    arena_reset(a);
    assert_int_equal(cleanup_log.n, 3);

    struct arena b;
    arena_init(&b, SMALL_BLOCK);
    arena_cleanup(&b, clean_b, &cleanup_log);
    arena_free(&b);
    assert_int_equal(cleanup_log.n, 4);
    assert_int_equal(cleanup_log.order[3], 'b');
}

static void
test_usable_after_reset(void **state)
{
    struct arena *a = *state;
    for (int round = 0; round < 20; round++) {
        char *keep[100];
        for (int i = 0; i < 100; i++)
            keep[i] = arena_printf(a, "round %d item %d", round, i);
        (void)arena_alloc(a, SMALL_BLOCK * 3);
        for (int i = 0; i < 100; i++) {
            char want[64];
            snprintf(want, sizeof(want), "round %d item %d", round, i);
            assert_string_equal(keep[i], want);
        }
        assert_true(a->used_total > 0);
        arena_reset(a);
        assert_int_equal(a->used_total, 0);
        assert_null(a->clean);
    }
    /* The default-size block is kept for the next request. */
    assert_non_null(a->head);
}

/* ---- buf ---- */

static void
test_buf_growth(void **state)
{
    struct arena *a = *state;
    struct buf b;
    buf_init(&b, a, 4);
    assert_int_equal(b.len, 0);
    for (int i = 0; i < 10000; i++)
        buf_put(&b, "abc", 3);
    assert_int_equal(b.len, 30000);
    assert_true(b.cap >= b.len);
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.p[i], "abc"[i % 3]);
    for (int i = 0; i < 1000; i++)
        buf_putc(&b, 'z');
    assert_int_equal(b.len, 31000);
    assert_int_equal(b.p[30999], 'z');
    assert_int_equal(b.p[29999], 'c');
    const char *s = buf_cstr(&b);
    assert_int_equal(strlen(s), 31000);
    assert_int_equal(b.len, 31000);
}

static void
test_buf_putc_from_full(void **state)
{
    struct arena *a = *state;
    struct buf b;
    buf_init(&b, a, 1);
    buf_putc(&b, 'x');
    buf_putc(&b, 'y');
    buf_putc(&b, 'z');
    assert_int_equal(b.len, 3);
    assert_string_equal(buf_cstr(&b), "xyz");
}

static void
test_buf_binary_and_puts(void **state)
{
    struct arena *a = *state;
    struct buf b;
    buf_init(&b, a, 0); /* default capacity */
    assert_true(b.cap > 0);
    const unsigned char bin[] = {0, 1, 2, 0xff, 0};
    buf_put(&b, bin, sizeof(bin));
    buf_puts(&b, "tail");
    assert_int_equal(b.len, sizeof(bin) + 4);
    assert_memory_equal(b.p, bin, sizeof(bin));
    assert_memory_equal(b.p + sizeof(bin), "tail", 4);
    buf_put(&b, "", 0);
    assert_int_equal(b.len, sizeof(bin) + 4);
}

static void
test_buf_printf(void **state)
{
    struct arena *a = *state;
    struct buf b;
    buf_init(&b, a, 8);
    buf_puts(&b, "n=");
    buf_printf(&b, "%d;%s", 12345, "ok");
    assert_string_equal(buf_cstr(&b), "n=12345;ok");
    /* Output far past the capacity, appended after existing bytes. */
    buf_printf(&b, "%0500d", 7);
    assert_int_equal(b.len, 10 + 500);
    assert_int_equal(b.p[10], '0');
    assert_int_equal(b.p[509], '7');
    buf_printf(&b, "%s", "");
    assert_int_equal(b.len, 510);
    /* Many printfs, each crossing growth. */
    struct buf c;
    buf_init(&c, a, 2);
    for (int i = 0; i < 1000; i++)
        buf_printf(&c, "%d,", i % 10);
    assert_int_equal(c.len, 2000);
    assert_memory_equal(c.p, "0,1,2,3,", 8);
    assert_memory_equal(c.p + 1990, "5,6,7,8,9,", 10);
}

static void
test_buf_clear(void **state)
{
    struct arena *a = *state;
    struct buf b;
    buf_init(&b, a, 16);
    buf_puts(&b, "something long enough to grow the buffer");
    buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_cstr(&b), "");
    buf_puts(&b, "again");
    assert_string_equal(buf_cstr(&b), "again");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_default_block),
        cmocka_unit_test_setup_teardown(test_many_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_allocation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zalloc_zeroes_reused_memory, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_strdup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_printf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cleanups_newest_first_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_usable_after_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_buf_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buf_putc_from_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_buf_binary_and_puts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_buf_printf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buf_clear, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
