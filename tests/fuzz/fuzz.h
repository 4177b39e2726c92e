/*
 * Shared pieces of the libFuzzer harnesses in tests/fuzz/. Each harness is
 * built two ways: with clang -fsanitize=fuzzer (tests/fuzz/run.sh) for
 * coverage-guided fuzzing, and with the normal compiler plus replay.c to
 * re-run the seed corpus and every saved crash input under ASan/UBSan.
 *
 * Harnesses check invariants, not only "does not crash": a violated one
 * calls fuzz_fail(), which aborts, and libFuzzer saves the input.
 */
#ifndef GK_FUZZ_H
#define GK_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz invariant violated: %s\n", what);
    abort();
}

static inline void
fuzz_check(bool ok, const char *what)
{
    if (!ok)
        fuzz_fail(what);
}

/* Takes the next `bytes` bytes of the input as a big-endian number
 * (missing bytes read as 0), advancing the input. */
static inline uint64_t
fuzz_take(const uint8_t **d, size_t *n, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v <<= 8;
        if (*n > 0) {
            v |= **d;
            (*d)++;
            (*n)--;
        }
    }
    return v;
}

/* The arena every input uses, reset after each one (as a worker does
 * between requests). */
static inline struct arena *
fuzz_arena(void)
{
    static struct arena a;
    static bool ready;
    if (!ready) {
        arena_init(&a, 0);
        ready = true;
    }
    return &a;
}

/* Memory is linear in the input: a parser must not amplify it. */
static inline void
fuzz_check_memory(const struct arena *a, size_t size)
{
    fuzz_check(a->used_total <= 64 * size + 65536, "arena use not linear");
}

/* What every successfully parsed field list guarantees to handlers. */
static inline void
fuzz_check_params(const struct params *p)
{
    fuzz_check(p->n <= PARSE_MAX_FIELDS, "more than PARSE_MAX_FIELDS");
    fuzz_check(p->n <= p->cap, "n > cap");
    for (size_t i = 0; i < p->n; i++) {
        const struct param *f = &p->v[i];
        size_t kl = strlen(f->key);
        fuzz_check(kl > 0, "empty name");
        fuzz_check(kl <= PARSE_MAX_NAME, "name longer than PARSE_MAX_NAME");
        fuzz_check(utf8_text_valid(f->key, kl), "name not valid text");
        fuzz_check(strlen(f->val) == f->len, "len != strlen(val)");
        fuzz_check(utf8_text_valid(f->val, f->len), "value not valid text");
        fuzz_check(params_get(p, f->key) != NULL, "params_get misses a key");
    }
}

#endif
