/*
 * Fuzzes parse_multipart (multipart/form-data bodies).
 *
 * The first byte chooses the Content-Type: one of a few fixed ones, or
 * (choice 0xff) the bytes up to the first '\n' are the Content-Type and
 * the rest is the body.
 *
 * Invariants on success: text fields as for every parser; each upload has
 * a valid field name and filename, a content type, and its data lies
 * inside the body that was passed in.
 */
#include "fuzz.h"

static const char *const ctypes[] = {
    "multipart/form-data; boundary=XyZ",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "multipart/form-data; boundary=\"quoted boundary\"; charset=utf-8",
    "multipart/form-data; boundary=a",
    "multipart/form-data",
    "Multipart/Form-Data;BOUNDARY=XyZ",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct arena *a = fuzz_arena();
    const char *ctype;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] == 0xff) {
        const char *nl = memchr(body, '\n', n);
        size_t cl = nl ? (size_t)(nl - body) : n;
        ctype = arena_strndup(a, body, cl); /* stops at an embedded NUL */
        body += nl ? cl + 1 : cl;
        n -= nl ? cl + 1 : cl;
    } else {
        ctype = ctypes[data[0] % (sizeof(ctypes) / sizeof(ctypes[0]))];
    }

    struct params p = {0};
    struct uploads files;
    memset(&files, 0, sizeof(files));
    enum parse_err e = parse_multipart(a, ctype, body, n, &p, &files);
    fuzz_check(e < PARSE__MAX, "error code out of range");
    fuzz_check(files.n <= PARSE_MAX_FILES, "more than PARSE_MAX_FILES");
    if (e == PARSE_OK) {
        fuzz_check_params(&p);
        for (size_t i = 0; i < files.n; i++) {
            const struct upload *u = &files.v[i];
            size_t fl = strlen(u->field);
            fuzz_check(fl > 0 && fl <= PARSE_MAX_NAME, "bad upload field");
            fuzz_check(utf8_text_valid(u->field, fl), "field not text");
            fuzz_check(u->filename != NULL, "upload without filename");
            fuzz_check(utf8_text_valid(u->filename, strlen(u->filename)),
                       "filename not text");
            fuzz_check(u->ctype != NULL, "upload without content type");
            fuzz_check((const char *)u->data >= body && u->len <= n &&
                           (const char *)u->data - body <=
                               (ptrdiff_t)(n - u->len),
                       "upload data outside the body");
            fuzz_check(u->len > 0 || u->filename[0] != '\0',
                       "empty file input not skipped");
        }
    }
    fuzz_check_memory(a, size);
    arena_reset(a);
    return 0;
}
