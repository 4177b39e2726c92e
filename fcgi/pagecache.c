#include "pagecache.h"

#include <stdlib.h>
#include <string.h>

void
pagecache_init(struct pagecache *c)
{
    memset(c, 0, sizeof(*c));
}

static size_t
entry_bytes(const struct pagecache_entry *e)
{
    return e->id == 0 ? 0 : e->markup.n + strlen(e->title) + 1;
}

static void
entry_drop(struct pagecache *c, struct pagecache_entry *e)
{
    if (e->id == 0)
        return;
    c->bytes -= entry_bytes(e);
    html_kept_free(&e->markup);
    free(e->title);
    memset(e, 0, sizeof(*e));
}

void
pagecache_free(struct pagecache *c)
{
    for (size_t i = 0; i < PAGECACHE_SLOTS; i++)
        entry_drop(c, &c->e[i]);
}

static struct pagecache_entry *
find(struct pagecache *c, int64_t id, int page)
{
    for (size_t i = 0; i < PAGECACHE_SLOTS; i++)
        if (c->e[i].id == id && c->e[i].page == page)
            return &c->e[i];
    return NULL;
}

const struct pagecache_entry *
pagecache_get(struct pagecache *c, int64_t id, int page)
{
    struct pagecache_entry *e = id > 0 ? find(c, id, page) : NULL;
    if (e != NULL)
        e->used = ++c->tick;
    return e;
}

/* The least recently used entry held; NULL when none is. */
static struct pagecache_entry *
oldest(struct pagecache *c)
{
    struct pagecache_entry *v = NULL;
    for (size_t i = 0; i < PAGECACHE_SLOTS; i++) {
        struct pagecache_entry *e = &c->e[i];
        if (e->id != 0 && (v == NULL || e->used < v->used))
            v = e;
    }
    return v;
}

/* A slot for a new entry: an empty one, else the oldest emptied. */
static struct pagecache_entry *
free_slot(struct pagecache *c)
{
    for (size_t i = 0; i < PAGECACHE_SLOTS; i++)
        if (c->e[i].id == 0)
            return &c->e[i];
    struct pagecache_entry *e = oldest(c);
    entry_drop(c, e);
    return e;
}

bool
pagecache_put(struct pagecache *c, int64_t id, int page, int64_t rev,
              const char *title, const struct html *h, size_t mark)
{
    struct pagecache_entry *e = find(c, id, page);
    if (e != NULL)
        entry_drop(c, e);
    size_t n = html_mark(h) - mark + strlen(title) + 1;
    if (id <= 0 || n > PAGECACHE_ENTRY_MAX)
        return false;
    /* n <= PAGECACHE_ENTRY_MAX < PAGECACHE_BYTES: emptying the others
     * always makes room. */
    while (c->bytes + n > PAGECACHE_BYTES)
        entry_drop(c, oldest(c));
    if (e == NULL)
        e = free_slot(c);
    e->title = strdup(title);
    if (e->title == NULL || !html_keep(h, mark, &e->markup)) {
        free(e->title);
        memset(e, 0, sizeof(*e));
        return false;
    }
    e->id = id;
    e->page = page;
    e->rev = rev;
    e->used = ++c->tick;
    c->bytes += entry_bytes(e);
    return true;
}
