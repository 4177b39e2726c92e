#include "openmonth_text.h"

#include <string.h>

/* Octets of the UTF-8 sequence that starts with lead byte c. */
static size_t
utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Appends s to the logical line, folding (CRLF + one space) so no physical
 * line exceeds 75 octets; *col counts octets on the current line. */
static void
fold_put(struct buf *b, const char *s, size_t n, size_t *col)
{
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_len((unsigned char)s[i]);
        if (i + k > n)
            k = n - i;
        if (*col + k > 75) {
            buf_put(b, "\r\n ", 3);
            *col = 1;
        }
        buf_put(b, s + i, k);
        *col += k;
        i += k;
    }
}

void
om_ics_prop(struct buf *b, const char *name, const char *value, bool text)
{
    size_t col = 0;
    fold_put(b, name, strlen(name), &col);
    fold_put(b, ":", 1, &col);
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '\\': fold_put(b, "\\\\", 2, &col); break;
        case ';': fold_put(b, text ? "\\;" : ";", text ? 2 : 1, &col); break;
        case ',': fold_put(b, text ? "\\," : ",", text ? 2 : 1, &col); break;
        case '\r':
            /* CRLF and lone CR are one line break */
            if (p[1] == '\n')
                p++;
            fold_put(b, "\\n", 2, &col);
            break;
        case '\n': fold_put(b, "\\n", 2, &col); break;
        default: {
            /* keep multi-byte characters whole for folding */
            size_t k = utf8_len((unsigned char)*p), len = strnlen(p, k);
            if ((unsigned char)*p < 0x20 && *p != '\t')
                break; /* other controls are not allowed in TEXT */
            fold_put(b, p, len, &col);
            p += len - 1;
        }
        }
    }
    buf_put(b, "\r\n", 2);
}

void
om_csv_cell(struct buf *b, const char *s, bool first)
{
    if (!first)
        buf_putc(b, ',');
    bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' ||
                   *s == '\t' || *s == '\r';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (formula)
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    if (quote)
        buf_putc(b, '"');
}

void
om_csv_end(struct buf *b)
{
    buf_put(b, "\r\n", 2);
}
