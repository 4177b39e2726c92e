/*
 * Unit tests for fcgi/pagecache.c (a worker's copies of page markup) and the
 * html writer's keep/replay that it stores.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagecache.h"

struct fix {
    struct unit_html *w;
    struct pagecache c;
};

static int
setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    void *w = NULL;
    if (f == NULL || unit_html_setup(&w) != 0) {
        free(f);
        return -1;
    }
    f->w = w;
    pagecache_init(&f->c);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fix *f = *state;
    pagecache_free(&f->c);
    void *w = f->w;
    unit_html_teardown(&w);
    free(f);
    return 0;
}

/* Writes `text` (escaped) through the fixture's writer and keeps what was
 * written as the copy of (id, page) at rev. */
static bool
put_text(struct fix *f, int64_t id, int page, int64_t rev, const char *text)
{
    size_t mark = html_mark(&f->w->h);
    html_elem(&f->w->h, "p", text, NULL);
    return pagecache_put(&f->c, id, page, rev, "标题", &f->w->h, mark);
}

static void
test_keep_copies_only_what_came_after_the_mark(void **state)
{
    struct fix *f = *state;
    html_text(&f->w->h, "before");
    assert_true(put_text(f, 7, 1, 100, "<b>&"));
    const struct pagecache_entry *e = pagecache_get(&f->c, 7, 1);
    assert_non_null(e);
    assert_int_equal(e->rev, 100);
    assert_string_equal(e->title, "标题");
    const char *want = "<p>&lt;b&gt;&amp;</p>";
    assert_int_equal(e->markup.n, strlen(want));
    assert_memory_equal(e->markup.p, want, strlen(want));
}

static void
test_replay_writes_the_same_bytes_again(void **state)
{
    struct fix *f = *state;
    assert_true(put_text(f, 7, 1, 100, "\"quoted\" & 'single'"));
    size_t first = f->w->out.len;
    html_replay(&f->w->h, &pagecache_get(&f->c, 7, 1)->markup);
    assert_int_equal(f->w->out.len, 2 * first);
    assert_memory_equal(f->w->out.p + first, f->w->out.p, first);
}

static void
test_keys_are_item_and_page(void **state)
{
    struct fix *f = *state;
    assert_true(put_text(f, 7, 1, 100, "one"));
    assert_true(put_text(f, 7, 2, 101, "two"));
    assert_true(put_text(f, 8, 1, 102, "three"));
    assert_int_equal(pagecache_get(&f->c, 7, 1)->rev, 100);
    assert_int_equal(pagecache_get(&f->c, 7, 2)->rev, 101);
    assert_int_equal(pagecache_get(&f->c, 8, 1)->rev, 102);
    assert_null(pagecache_get(&f->c, 8, 2));
    assert_null(pagecache_get(&f->c, 9, 1));
    assert_null(pagecache_get(&f->c, 0, 1));
}

static void
test_a_newer_copy_replaces_the_old(void **state)
{
    struct fix *f = *state;
    assert_true(put_text(f, 7, 1, 100, "old"));
    size_t before = f->c.bytes;
    assert_true(put_text(f, 7, 1, 105, "new!"));
    const struct pagecache_entry *e = pagecache_get(&f->c, 7, 1);
    assert_int_equal(e->rev, 105);
    assert_memory_equal(e->markup.p, "<p>new!</p>", e->markup.n);
    assert_int_equal(f->c.bytes, before + 1); /* one copy, one byte longer */
    int held = 0;
    for (int i = 0; i < PAGECACHE_SLOTS; i++)
        held += f->c.e[i].id == 7;
    assert_int_equal(held, 1);
}

static void
test_full_cache_drops_the_least_recently_used(void **state)
{
    struct fix *f = *state;
    for (int i = 1; i <= PAGECACHE_SLOTS; i++)
        assert_true(put_text(f, i, 1, 1000 + i, "x"));
    /* 1 is the oldest put, but a get makes it recent; 2 is then oldest. */
    assert_non_null(pagecache_get(&f->c, 1, 1));
    assert_true(put_text(f, 999, 1, 5, "y"));
    assert_non_null(pagecache_get(&f->c, 999, 1));
    assert_non_null(pagecache_get(&f->c, 1, 1));
    assert_null(pagecache_get(&f->c, 2, 1));
    assert_non_null(pagecache_get(&f->c, 3, 1));
}

static void
test_bytes_stay_within_the_budget(void **state)
{
    struct fix *f = *state;
    /* Entries of ~200 KiB: the 2 MiB budget holds ten of them. */
    size_t big = 200 * 1024;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'a', big);
    text[big] = '\0';
    for (int i = 1; i <= 30; i++) {
        assert_true(put_text(f, i, 1, i, text));
        assert_true(f->c.bytes <= PAGECACHE_BYTES);
    }
    free(text);
    assert_non_null(pagecache_get(&f->c, 30, 1)); /* newest kept */
    assert_null(pagecache_get(&f->c, 1, 1));      /* oldest gone */
    size_t sum = 0;
    for (int i = 0; i < PAGECACHE_SLOTS; i++)
        if (f->c.e[i].id != 0)
            sum += f->c.e[i].markup.n + strlen(f->c.e[i].title) + 1;
    assert_int_equal(sum, f->c.bytes);
}

static void
test_too_big_is_not_kept_and_drops_the_stale_copy(void **state)
{
    struct fix *f = *state;
    assert_true(put_text(f, 7, 1, 100, "small"));
    size_t big = PAGECACHE_ENTRY_MAX;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'b', big);
    text[big] = '\0';
    assert_false(put_text(f, 7, 1, 101, text));
    free(text);
    /* The copy at 100 is out of date now: it must not be offered again. */
    assert_null(pagecache_get(&f->c, 7, 1));
    assert_int_equal(f->c.bytes, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keep_copies_only_what_came_after_the_mark),
        T(test_replay_writes_the_same_bytes_again),
        T(test_keys_are_item_and_page),
        T(test_a_newer_copy_replaces_the_old),
        T(test_full_cache_drops_the_least_recently_used),
        T(test_bytes_stay_within_the_budget),
        T(test_too_big_is_not_kept_and_drops_the_stale_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
