/*
 * Fuzzes parse_cookies (the Cookie request header).
 *
 * Invariants on success: every cookie is valid text within the limits, its
 * name holds no separator and no surrounding blank, its value no trailing
 * blank, and the first cookie of a name is the one params_get returns.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    struct params p = {0};
    enum parse_err e = parse_cookies(a, (const char *)data, size, &p);
    fuzz_check(e < PARSE__MAX, "error code out of range");
    fuzz_check(e != PARSE_MALFORMED, "cookie parser reports MALFORMED");
    if (e == PARSE_OK) {
        fuzz_check_params(&p);
        for (size_t i = 0; i < p.n; i++) {
            const char *k = p.v[i].key, *v = p.v[i].val;
            fuzz_check(strpbrk(k, ";=") == NULL, "separator in a name");
            fuzz_check(k[0] != ' ' && k[0] != '\t', "name starts blank");
            fuzz_check(strchr(v, ';') == NULL, "';' in a value");
            fuzz_check(p.v[i].len == 0 || (v[p.v[i].len - 1] != ' ' &&
                                           v[p.v[i].len - 1] != '\t'),
                       "value ends blank");
            const char *first = params_get(&p, k);
            for (size_t j = 0; j < i; j++)
                if (strcmp(p.v[j].key, k) == 0) {
                    fuzz_check(first == p.v[j].val ||
                                   strcmp(first, p.v[j].val) == 0,
                               "params_get does not return the first");
                    break;
                }
        }
    }
    fuzz_check_memory(a, size);
    arena_reset(a);
    return 0;
}
