/*
 * html: the one writer through which all markup leaves the program.
 *
 * Escaping is by construction: element and attribute *names* are string
 * literals chosen by the programmer, while every text node and attribute
 * *value* is escaped (& < > " ') on the way out. There is no call that takes
 * user text and emits it unescaped; the only raw entry point is
 * html_raw_trusted(), meant for compile-time constants such as the doctype,
 * and html_replay(), which writes again only what this writer wrote before.
 *
 * Attributes are passed as NULL-terminated name/value pairs; a NULL value
 * skips the attribute, an empty value writes a bare boolean attribute
 * (required, checked). The same writer produces XML (Atom) when created with
 * html_init_xml(): void elements then close with "/>".
 *
 * Memory: all output goes to a buf in the request's arena.
 */
#ifndef GK_HTML_H
#define GK_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct html {
    struct buf *out; /* where markup is appended */
    bool xml;        /* XML mode: self-closing empty elements */
};

void html_init(struct html *h, struct buf *out);
void html_init_xml(struct html *h, struct buf *out);

/* <tag a="v" ...> */
void html_open(struct html *h, const char *tag, ...) __attribute__((sentinel));
/* <tag a="v" ...> for void elements (input, meta, link, br). */
void html_void(struct html *h, const char *tag, ...) __attribute__((sentinel));
/* </tag> */
void html_close(struct html *h, const char *tag);
/* Escaped text. */
void html_text(struct html *h, const char *s);
void html_textn(struct html *h, const char *s, size_t n);
void html_textf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* <tag attrs>escaped text</tag> */
void html_elem(struct html *h, const char *tag, const char *text, ...)
    __attribute__((sentinel));
/* Literal markup from the program itself (doctype, XML declaration). */
void html_raw_trusted(struct html *h, const char *literal);

/* Markup kept to be written again (a worker's page cache, pagecache.h).
 * A kept stretch can only be made by html_keep(), which copies what this
 * writer itself wrote since html_mark(): text in it was escaped on the way
 * in, once, and html_replay() writes the bytes back unchanged. */
struct html_kept {
    char *p; /* malloc'd: it outlives the request's arena */
    size_t n;
};
size_t html_mark(const struct html *h);
/* Copies h's output since mark into k; false (k empty) when out of memory. */
bool html_keep(const struct html *h, size_t mark, struct html_kept *k);
void html_replay(struct html *h, const struct html_kept *k);
void html_kept_free(struct html_kept *k);

/* Escapes s into out (the primitive; exposed for tests and headers). */
void html_escape(struct buf *out, const char *s, size_t n);

#endif
