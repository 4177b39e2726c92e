/*
 * draw: the public draw of meeting representatives (公众代表列席), as pure
 * computation: no database, no output. The same code builds the commitment
 * when staff commit, selects when they draw, and recomputes a published
 * draw for `gongkai verify-draw`. docs/meetings.md and the draw page state
 * the algorithm in words, so anyone can re-run it without this code:
 *
 *   commitment  text: a header (meeting, seats, quotas, count) and one line
 *               per eligible applicant, in application order, masked:
 *               "n aid category name_masked phone_masked"
 *   hash        SHA-256 of the commitment's UTF-8 bytes, lowercase hex
 *   seed        SHA-256 of  hash + "\n" + seed inputs  (the witnesses'
 *               values, one a line, trimmed, empty lines dropped)
 *   stream      block i = SHA-256(seed || i as 8-byte big-endian), i = 0..;
 *               read 4 bytes at a time as big-endian uint32
 *   below(m)    next uint32 x; reject while x >= 2^32 - (2^32 mod m);
 *               answer x mod m
 *   selection   three rounds, one continuous stream: grassroots (quota
 *               reserved_grassroots, pool: category grassroots), stakeholder
 *               (quota reserved_stakeholder, pool: stakeholder and
 *               enterprise), open (the seats left, pool: everyone not yet
 *               chosen). Each round keeps the pool in commitment order and
 *               picks k = min(quota, pool size) by a partial Fisher-Yates
 *               shuffle: for i = 0..k-1, j = i + below(size - i), swap
 *               pool[i] and pool[j], pool[i] takes the next seat.
 *
 * Strings returned are in the caller's arena.
 */
#ifndef GK_DRAW_H
#define GK_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define DRAW_HEX      65   /* 64 hex digits and a NUL */
#define DRAW_MAX      5000 /* eligible applicants in one commitment */
#define DRAW_SEATS    100  /* seats of one meeting */
#define DRAW_WITNESS  2    /* seed inputs needed at least */
#define DRAW_INPUTS   20   /* seed inputs at most */
#define DRAW_LINE_MAX 200  /* characters of one seed input */

enum draw_quota {
    DRAW_GRASSROOTS, /* seats reserved for grassroots residents (基层一线) */
    DRAW_STAKEHOLDER, /* reserved for stakeholders and enterprises */
    DRAW_OPEN,        /* the rest, open to every eligible applicant */
    DRAW__MAX
};

struct draw_quotas {
    int seats;       /* seats for public representatives */
    int grassroots;  /* of which reserved for category grassroots */
    int stakeholder; /* of which reserved for stakeholder / enterprise */
};

struct draw_entry {
    long long aid;            /* application id (the applicant's number) */
    const char *category;     /* resident / enterprise / stakeholder /
                                 grassroots */
    const char *name_masked;  /* 张** (no spaces) */
    const char *phone_masked; /* 138****5678 */
};

/* One seat filled, with the numbers that decided it (the worked example). */
struct draw_pick {
    long long aid;         /* who */
    enum draw_quota quota; /* which round */
    int pool;              /* m: candidates still in the round's pool */
    uint32_t x;            /* the accepted 32-bit number */
    int rejected;          /* numbers rejected before it (rare) */
    int j;                 /* x mod m: offset drawn in the rest of the pool */
};

const char *draw_quota_name(enum draw_quota q);

/* The commitment text; NULL if a field would break the line format. */
const char *draw_commitment(struct arena *a, long long meeting,
                            const struct draw_quotas *q,
                            const struct draw_entry *e, size_t n);
/* Reads a commitment back; 0 ok, -1 malformed (wrong header, count,
 * numbering, category, or a quota that does not fit the seats). */
int draw_parse(struct arena *a, const char *text, long long *meeting,
               struct draw_quotas *q, struct draw_entry **e, size_t *n)
    __attribute__((warn_unused_result));

/* SHA-256 of n bytes as lowercase hex. */
void draw_sha256_hex(const void *p, size_t n, char out[DRAW_HEX]);
/* The seed inputs as published: each line trimmed of spaces, tabs and CR,
 * empty lines dropped, joined by "\n". *lines gets their count; NULL if a
 * line is longer than DRAW_LINE_MAX characters or there are more than
 * DRAW_INPUTS. */
const char *draw_inputs(struct arena *a, const char *raw, int *lines);
/* seed = SHA-256(commit_hash + "\n" + inputs). */
void draw_seed(const char *commit_hash, const char *inputs,
               unsigned char seed[32]);

/* The random stream (hash in counter mode). */
struct draw_rng {
    unsigned char seed[32];
    uint64_t block;        /* counter of the next block */
    unsigned char buf[32]; /* the current block */
    int pos;               /* bytes of buf used; 32 = need a block */
};
void draw_rng_init(struct draw_rng *g, const unsigned char seed[32]);
uint32_t draw_u32(struct draw_rng *g);
/* Uniform in [0, m) for 1 <= m; *x gets the accepted number and
 * *rejected the count thrown away before it. */
uint32_t draw_below(struct draw_rng *g, uint32_t m, uint32_t *x, int *rejected);

/* Runs the selection; out has room for q->seats picks. Returns the
 * number of seats filled (fewer than seats when applicants are few). */
size_t draw_run(struct arena *a, const unsigned char seed[32],
                const struct draw_quotas *q, const struct draw_entry *e,
                size_t n, struct draw_pick *out);
/* The result as published: "seat aid quota\n" per pick. */
const char *draw_result_text(struct arena *a, const struct draw_pick *p,
                             size_t n);

#endif
