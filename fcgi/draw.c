#include "draw.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define HEADER "gongkai-draw-commitment v1"

static const char *const quota_names[DRAW__MAX] = {"grassroots", "stakeholder",
                                                   "open"};

static const char *const categories[] = {"resident", "enterprise",
                                         "stakeholder", "grassroots"};

const char *
draw_quota_name(enum draw_quota q)
{
    return q < DRAW__MAX ? quota_names[q] : "";
}

static bool
known_category(const char *c)
{
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
        if (strcmp(c, categories[i]) == 0)
            return true;
    return false;
}

/* A field of a commitment line: non-empty, no space or control byte. */
static bool
token_ok(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return false;
    return true;
}

static bool
quotas_ok(const struct draw_quotas *q)
{
    return q->seats >= 1 && q->seats <= DRAW_SEATS && q->grassroots >= 0 &&
           q->stakeholder >= 0 && q->grassroots + q->stakeholder <= q->seats;
}

const char *
draw_commitment(struct arena *a, long long meeting, const struct draw_quotas *q,
                const struct draw_entry *e, size_t n)
{
    struct buf b;
    if (!quotas_ok(q) || n > DRAW_MAX)
        return NULL;
    buf_init(&b, a, 256 + n * 64);
    buf_printf(&b,
               HEADER "\nmeeting %lld\nseats %d\nreserved_grassroots %d\n"
                      "reserved_stakeholder %d\neligible %zu\n",
               meeting, q->seats, q->grassroots, q->stakeholder, n);
    for (size_t i = 0; i < n; i++) {
        if (!known_category(e[i].category) || !token_ok(e[i].name_masked) ||
            !token_ok(e[i].phone_masked) || e[i].aid <= 0)
            return NULL;
        buf_printf(&b, "%zu %lld %s %s %s\n", i + 1, e[i].aid, e[i].category,
                   e[i].name_masked, e[i].phone_masked);
    }
    return buf_cstr(&b);
}

/* The next line of *p (without its "\n") into the arena; NULL at the end.
 * Every line, the last included, must end with "\n". */
static char *
next_line(struct arena *a, const char **p)
{
    const char *nl = strchr(*p, '\n');
    if (nl == NULL)
        return NULL;
    char *line = arena_strndup(a, *p, (size_t)(nl - *p));
    *p = nl + 1;
    return line;
}

/* "key N" with N a non-negative decimal without sign or leading zeros. */
static bool
header_num(const char *line, const char *key, long long max, long long *out)
{
    size_t k = strlen(key);
    if (line == NULL || strncmp(line, key, k) != 0 || line[k] != ' ')
        return false;
    const char *d = line + k + 1;
    if (*d == '\0' || strspn(d, "0123456789") != strlen(d) ||
        (d[0] == '0' && d[1] != '\0') || strlen(d) > 12)
        return false;
    *out = strtoll(d, NULL, 10);
    return *out <= max;
}

static int
parse_header(struct arena *a, const char **p, long long *meeting,
             struct draw_quotas *q, size_t *n)
{
    long long v[5];
    static const char *const keys[] = {"meeting", "seats",
                                       "reserved_grassroots",
                                       "reserved_stakeholder", "eligible"};
    static const long long max[] = {999999999999LL, DRAW_SEATS, DRAW_SEATS,
                                    DRAW_SEATS, DRAW_MAX};
    const char *first = next_line(a, p);
    if (first == NULL || strcmp(first, HEADER) != 0)
        return -1;
    for (int i = 0; i < 5; i++)
        if (!header_num(next_line(a, p), keys[i], max[i], &v[i]))
            return -1;
    *meeting = v[0];
    q->seats = (int)v[1];
    q->grassroots = (int)v[2];
    q->stakeholder = (int)v[3];
    *n = (size_t)v[4];
    return quotas_ok(q) ? 0 : -1;
}

/* A decimal > 0 without sign or leading zeros, at most 15 digits. */
static bool
positive(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 15 && s[0] != '0' && strspn(s, "0123456789") == n;
}

/* "n aid category name phone" with n = expect. */
static int
parse_entry(char *line, size_t expect, struct draw_entry *e)
{
    char *f[5], *save = NULL;
    if (line == NULL || strstr(line, "  ") != NULL || line[0] == ' ')
        return -1;
    for (int i = 0; i < 5; i++) {
        f[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
        if (f[i] == NULL)
            return -1;
    }
    if (strtok_r(NULL, " ", &save) != NULL)
        return -1;
    if (!positive(f[0]) || !positive(f[1]) ||
        strtoll(f[0], NULL, 10) != (long long)expect)
        return -1;
    if (!known_category(f[2]) || !token_ok(f[3]) || !token_ok(f[4]))
        return -1;
    e->aid = strtoll(f[1], NULL, 10);
    e->category = f[2];
    e->name_masked = f[3];
    e->phone_masked = f[4];
    return 0;
}

int
draw_parse(struct arena *a, const char *text, long long *meeting,
           struct draw_quotas *q, struct draw_entry **e, size_t *n)
{
    const char *p = text;
    if (text == NULL || parse_header(a, &p, meeting, q, n) != 0)
        return -1;
    *e = arena_zalloc(a, (*n + 1) * sizeof(**e));
    for (size_t i = 0; i < *n; i++)
        if (parse_entry(next_line(a, &p), i + 1, &(*e)[i]) != 0)
            return -1;
    return *p == '\0' ? 0 : -1;
}

void
draw_sha256_hex(const void *p, size_t n, char out[DRAW_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, DRAW_HEX, h, sizeof(h));
}

const char *
draw_inputs(struct arena *a, const char *raw, int *lines)
{
    struct buf b;
    buf_init(&b, a, 256);
    *lines = 0;
    const char *p = raw ? raw : "";
    while (*p) {
        size_t len = strcspn(p, "\n");
        const char *s = p, *t = p + len;
        p = *t ? t + 1 : t;
        while (s < t && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
            t--;
        if (s == t)
            continue;
        size_t chars = 0;
        for (const char *c = s; c < t; c++)
            chars += ((unsigned char)*c & 0xc0) != 0x80;
        if (chars > DRAW_LINE_MAX || ++*lines > DRAW_INPUTS)
            return NULL;
        if (b.len)
            buf_putc(&b, '\n');
        buf_put(&b, s, (size_t)(t - s));
    }
    return buf_cstr(&b);
}

void
draw_seed(const char *commit_hash, const char *inputs, unsigned char seed[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)commit_hash,
                              strlen(commit_hash));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)inputs,
                              strlen(inputs));
    crypto_hash_sha256_final(&st, seed);
}

void
draw_rng_init(struct draw_rng *g, const unsigned char seed[32])
{
    memcpy(g->seed, seed, 32);
    g->block = 0;
    g->pos = 32;
}

static void
next_block(struct draw_rng *g)
{
    unsigned char in[40];
    memcpy(in, g->seed, 32);
    for (int i = 0; i < 8; i++)
        in[32 + i] = (unsigned char)(g->block >> (56 - 8 * i));
    crypto_hash_sha256(g->buf, in, sizeof(in));
    g->block++;
    g->pos = 0;
}

uint32_t
draw_u32(struct draw_rng *g)
{
    if (g->pos >= 32)
        next_block(g);
    const unsigned char *b = g->buf + g->pos;
    g->pos += 4;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           (uint32_t)b[3];
}

uint32_t
draw_below(struct draw_rng *g, uint32_t m, uint32_t *x, int *rejected)
{
    /* Rejection keeps every answer equally likely: the numbers at or
     * above the largest multiple of m below 2^32 would favour the small
     * answers, so they are thrown away. */
    uint64_t limit = 4294967296ULL - 4294967296ULL % m;
    *rejected = 0;
    for (;;) {
        *x = draw_u32(g);
        if (*x < limit)
            return *x % m;
        ++*rejected;
    }
}

static bool
in_pool(enum draw_quota q, const char *category)
{
    switch (q) {
    case DRAW_GRASSROOTS: return strcmp(category, "grassroots") == 0;
    case DRAW_STAKEHOLDER:
        return strcmp(category, "stakeholder") == 0 ||
               strcmp(category, "enterprise") == 0;
    case DRAW_OPEN:
    case DRAW__MAX: break;
    }
    return true;
}

/* One round: picks up to quota applicants of its pool. */
static size_t
draw_round(struct draw_rng *g, enum draw_quota qt, int quota,
           const struct draw_entry *e, size_t n, bool *taken, size_t *pool,
           struct draw_pick *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!taken[i] && in_pool(qt, e[i].category))
            pool[m++] = i;
    size_t k = quota < 0 ? 0 : (size_t)quota;
    if (k > m)
        k = m;
    for (size_t i = 0; i < k; i++) {
        struct draw_pick *p = &out[i];
        p->pool = (int)(m - i);
        p->j = (int)draw_below(g, (uint32_t)(m - i), &p->x, &p->rejected);
        size_t t = pool[i];
        pool[i] = pool[i + (size_t)p->j];
        pool[i + (size_t)p->j] = t;
        taken[pool[i]] = true;
        p->aid = e[pool[i]].aid;
        p->quota = qt;
    }
    return k;
}

size_t
draw_run(struct arena *a, const unsigned char seed[32],
         const struct draw_quotas *q, const struct draw_entry *e, size_t n,
         struct draw_pick *out)
{
    struct draw_rng g;
    bool *taken = arena_zalloc(a, n + 1);
    size_t *pool = arena_alloc(a, (n + 1) * sizeof(*pool));
    draw_rng_init(&g, seed);
    size_t got =
        draw_round(&g, DRAW_GRASSROOTS, q->grassroots, e, n, taken, pool, out);
    got += draw_round(&g, DRAW_STAKEHOLDER, q->stakeholder, e, n, taken, pool,
                      out + got);
    got += draw_round(&g, DRAW_OPEN, q->seats - (int)got, e, n, taken, pool,
                      out + got);
    sodium_memzero(&g, sizeof(g));
    return got;
}

const char *
draw_result_text(struct arena *a, const struct draw_pick *p, size_t n)
{
    struct buf b;
    buf_init(&b, a, 32 + n * 32);
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%zu %lld %s\n", i + 1, p[i].aid,
                   draw_quota_name(p[i].quota));
    return buf_cstr(&b);
}
