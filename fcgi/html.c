#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
html_init(struct html *h, struct buf *out)
{
    h->out = out;
    h->xml = false;
}

void
html_init_xml(struct html *h, struct buf *out)
{
    h->out = out;
    h->xml = true;
}

void
html_escape(struct buf *out, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_put(out, s + start, i - start);
        buf_puts(out, rep);
        start = i + 1;
    }
    buf_put(out, s + start, n - start);
}

static void
attrs(struct html *h, va_list ap)
{
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        if (val == NULL)
            continue;
        buf_putc(h->out, ' ');
        buf_puts(h->out, name);
        if (*val == '\0' && !h->xml)
            continue;
        buf_puts(h->out, "=\"");
        html_escape(h->out, val, strlen(val));
        buf_putc(h->out, '"');
    }
}

static void
start_tag(struct html *h, const char *tag, va_list ap)
{
    buf_putc(h->out, '<');
    buf_puts(h->out, tag);
    attrs(h, ap);
}

void
html_open(struct html *h, const char *tag, ...)
{
    va_list ap;
    va_start(ap, tag);
    start_tag(h, tag, ap);
    va_end(ap);
    buf_putc(h->out, '>');
}

void
html_void(struct html *h, const char *tag, ...)
{
    va_list ap;
    va_start(ap, tag);
    start_tag(h, tag, ap);
    va_end(ap);
    buf_puts(h->out, h->xml ? "/>" : ">");
}

void
html_close(struct html *h, const char *tag)
{
    buf_puts(h->out, "</");
    buf_puts(h->out, tag);
    buf_putc(h->out, '>');
}

void
html_text(struct html *h, const char *s)
{
    if (s != NULL)
        html_escape(h->out, s, strlen(s));
}

void
html_textn(struct html *h, const char *s, size_t n)
{
    html_escape(h->out, s, n);
}

void
html_textf(struct html *h, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        html_escape(h->out, small, (size_t)n);
        return;
    }
    char *big = arena_alloc(h->out->a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html_escape(h->out, big, (size_t)n);
}

void
html_elem(struct html *h, const char *tag, const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    start_tag(h, tag, ap);
    va_end(ap);
    buf_putc(h->out, '>');
    html_text(h, text);
    html_close(h, tag);
}

void
html_raw_trusted(struct html *h, const char *literal)
{
    buf_puts(h->out, literal);
}

size_t
html_mark(const struct html *h)
{
    return h->out->len;
}

bool
html_keep(const struct html *h, size_t mark, struct html_kept *k)
{
    size_t n = mark <= h->out->len ? h->out->len - mark : 0;
    k->p = malloc(n ? n : 1);
    k->n = k->p ? n : 0;
    if (k->p == NULL)
        return false;
    if (n)
        memcpy(k->p, h->out->p + mark, n);
    return true;
}

void
html_replay(struct html *h, const struct html_kept *k)
{
    buf_put(h->out, k->p, k->n);
}

void
html_kept_free(struct html_kept *k)
{
    free(k->p);
    k->p = NULL;
    k->n = 0;
}
