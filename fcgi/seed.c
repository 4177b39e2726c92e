/*
 * seed: `gongkai seed`, synthetic data at scale for `make bench` and for
 * trying the pages with realistic volumes. Each module owns the SQL and the
 * C that fills its tables (board_seed, ...); this file only reads the
 * options, connects as the owner and calls them in order, so one command
 * can build the whole data set the bench measures against.
 *
 * Seeding is additive and never touches demo accounts or real records:
 * seeded rows are marked by the module (import keys "seed-N", a seed author
 * nobody can log in as, ...).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "board.h"
#include "cli.h"
#include "config.h"
#include "valid.h"
/* seed-includes: one line per module */
#include "openmonth.h"  /* openmonth: --citizens */
#include "disclosure.h" /* disclosure: */

struct seed_opts {
    long policies, messages;
    /* seed-fields: one line per module */
    long citizens; /* openmonth */
    long requests; /* disclosure: */
};

/* One option: its name, the field it fills and the bounds it accepts. */
struct seed_opt {
    const char *name;
    size_t off;
    long min, max;
    const char *help;
};

#define SEED_OPT(n, f, lo, hi, h)                                              \
    {                                                                          \
        n, offsetof(struct seed_opts, f), lo, hi, h                            \
    }

static const struct seed_opt seed_table[] = {
    SEED_OPT("--policies", policies, 0, 1000000,
             "synthetic policies (seed-1..N)"),
    SEED_OPT("--messages", messages, 0, 100000000,
             "board messages in all (tops up), half replied"),
    /* seed-options: one line per module */
    SEED_OPT("--citizens", citizens, 0, 1000000,
             "citizens seed-citizen-1..N, no password (openmonth bench)"),
    SEED_OPT("--requests", requests, 0, 1000000,
             "disclosure requests over the calendar years"), /* disclosure: */
};

static void
seed_usage(FILE *f)
{
    fputs("usage: gongkai seed [options]\n"
          "  synthetic data for benchmarks (additive; 0 or absent = none)\n",
          f);
    for (size_t i = 0; i < sizeof(seed_table) / sizeof(seed_table[0]); i++)
        fprintf(f, "  %-14s N  %s (0..%ld)\n", seed_table[i].name,
                seed_table[i].help, seed_table[i].max);
}

static int
seed_parse(int argc, char **argv, struct seed_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const struct seed_opt *hit = NULL;
        for (size_t k = 0; k < sizeof(seed_table) / sizeof(seed_table[0]); k++)
            if (strcmp(argv[i], seed_table[k].name) == 0)
                hit = &seed_table[k];
        long v;
        if (hit == NULL || i + 1 >= argc ||
            !valid_int(argv[i + 1], hit->min, hit->max, &v)) {
            bool help = strcmp(argv[i], "--help") == 0;
            if (!help)
                fprintf(stderr, "gongkai seed: bad option or value near %s\n",
                        argv[i]);
            seed_usage(help ? stdout : stderr);
            return help ? 1 : 2;
        }
        *(long *)(void *)((char *)o + hit->off) = v;
        i++;
    }
    return 0;
}

static int
seed_run(PGconn *c, const struct seed_opts *o)
{
    if (o->policies > 0 || o->messages > 0) {
        if (o->messages > 0 && o->policies == 0) {
            fputs("gongkai seed: --messages needs --policies\n", stderr);
            return -1;
        }
        if (board_seed(c, o->policies, o->messages) != 0)
            return -1;
        printf("seed: board %ld policies, %ld messages\n", o->policies,
               o->messages);
    }
    /* seed-calls: one block per module */
    /* openmonth: */
    if (o->citizens > 0 && om_seed_citizens(c, o->citizens) != 0)
        return -1;
    /* disclosure: */
    if (o->requests > 0 && disclosure_seed(c, o->requests) != 0)
        return -1;
    return 0;
}

int
cli_seed(int argc, char **argv)
{
    struct seed_opts o = {0};
    int rc = seed_parse(argc, argv, &o);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    PGconn *c = PQconnectdb(cfg.owner_dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "gongkai: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    rc = seed_run(c, &o) == 0 ? 0 : 1;
    PQfinish(c);
    return rc;
}
