/*
 * pagecache: a worker's copies of the markup of public pages, each kept under
 * the revision PostgreSQL gave the content it was made from
 * (schema/0079_board_page_revs.sql says what changes a revision).
 *
 * A page passes the revision of its copy to the statement that would read
 * its content; the database answers in the same round trip either "still
 * current" (and reads nothing more) or the content with its new revision.
 * So a copy is never shown once the content has changed: the check is made
 * by the database, in the snapshot that would have read the content, on
 * every request. What the cache saves is the reading and the escaping.
 *
 * One per worker process (no locking). Bounded: PAGECACHE_SLOTS entries and
 * PAGECACHE_BYTES of markup and titles in all; the least recently used goes
 * first; an entry over PAGECACHE_ENTRY_MAX is not kept at all.
 */
#ifndef GK_PAGECACHE_H
#define GK_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "html.h"

#define PAGECACHE_SLOTS     64
#define PAGECACHE_BYTES     ((size_t)2 << 20)
#define PAGECACHE_ENTRY_MAX ((size_t)256 << 10)

struct pagecache_entry {
    int64_t id; /* 0: slot empty */
    int page;
    int64_t rev;
    char *title; /* malloc'd, like the markup */
    struct html_kept markup;
    uint64_t used; /* tick of the last get or put */
};

struct pagecache {
    struct pagecache_entry e[PAGECACHE_SLOTS];
    size_t bytes; /* markup and titles held */
    uint64_t tick;
};

void pagecache_init(struct pagecache *c);
void pagecache_free(struct pagecache *c);

/* The copy of page `page` of item `id`, or NULL. Valid until the next
 * pagecache_put or pagecache_free. */
const struct pagecache_entry *pagecache_get(struct pagecache *c, int64_t id,
                                            int page);

/* Keeps what h wrote since mark (html_mark) and title as the copy of (id,
 * page) at rev, replacing any older copy. False when it is not kept: too
 * big, or out of memory (the page is then simply made again next time). */
bool pagecache_put(struct pagecache *c, int64_t id, int page, int64_t rev,
                   const char *title, const struct html *h, size_t mark);

#endif
