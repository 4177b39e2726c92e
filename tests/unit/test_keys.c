/*
 * Unit tests for fcgi/keys.c: key file generation, loading, rotation.
 * Each test works in a fresh temporary directory.
 */
#include "unit.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"

#include <stdbool.h>

struct fx {
    char dir[64];
    char path[128];
    char errpath[128]; /* stderr of the code under test goes here */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/gk-test-keys-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/gongkai.keys", f->dir);
    snprintf(f->errpath, sizeof(f->errpath), "%s/stderr.txt", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    DIR *d = opendir(f->dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *s = calloc(1, 65536);
    assert_non_null(s);
    *len = fread(s, 1, 65535, fp);
    fclose(fp);
    return s;
}

/* The code under test writes messages to stdout and stderr; while it runs,
 * both are appended to a file so tests can check the messages (cmocka's
 * own output is never written while they are redirected). */
static int saved_fd[2] = {-1, -1};

static void
quiet_begin(struct fx *f)
{
    FILE *e = fopen(f->errpath, "a");
    assert_non_null(e);
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 2; i++) {
        saved_fd[i] = dup(i + 1);
        dup2(fileno(e), i + 1);
    }
    fclose(e);
}

static void
quiet_end(void)
{
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 2; i++) {
        dup2(saved_fd[i], i + 1);
        close(saved_fd[i]);
        saved_fd[i] = -1;
    }
}

static struct keys *
load(struct fx *f, const char *path)
{
    quiet_begin(f);
    struct keys *ks = keys_load(path);
    quiet_end();
    return ks;
}

static int
generate(struct fx *f, const char *path, bool rotate)
{
    quiet_begin(f);
    int rc = keys_generate(path, rotate);
    quiet_end();
    return rc;
}

/* Did the code under test print `what` (since setup)? */
static int
stderr_has(struct fx *f, const char *what)
{
    size_t len;
    char *s = slurp(f->errpath, &len);
    int found = strstr(s, what) != NULL;
    free(s);
    return found;
}

static void
write_file(const char *path, const char *content, mode_t mode)
{
    unlink(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(content, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, mode), 0);
}

#define HEX1 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX2 "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define GOOD                                                                   \
    "token 1 " HEX1 "\n"                                                       \
    "data 1 " HEX1 "\n"                                                        \
    "index 1 " HEX1 "\n"                                                       \
    "csrf 1 " HEX1 "\n"

static void
test_generate_creates_0600_loadable(void **state)
{
    struct fx *f = *state;
    assert_int_equal(generate(f, f->path, false), 0);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);

    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    static const uint8_t zero[KEY_BYTES];
    for (int p = 0; p < KP__MAX; p++) {
        const struct key *k = keys_current(ks, (enum key_purpose)p);
        assert_non_null(k);
        assert_int_equal(k->kid, 1);
        assert_memory_not_equal(k->k, zero, KEY_BYTES);
    }
    /* Purposes do not share a key. */
    assert_memory_not_equal(keys_current(ks, KP_TOKEN)->k,
                            keys_current(ks, KP_DATA)->k, KEY_BYTES);
    keys_free(ks);
}

static void
test_generate_twice_keeps_file(void **state)
{
    struct fx *f = *state;
    assert_int_equal(generate(f, f->path, false), 0);
    size_t l1, l2;
    char *before = slurp(f->path, &l1);
    struct keys *ks1 = load(f, f->path);
    assert_non_null(ks1);
    uint8_t tok1[KEY_BYTES];
    memcpy(tok1, keys_current(ks1, KP_TOKEN)->k, KEY_BYTES);
    keys_free(ks1);

    assert_int_equal(generate(f, f->path, false), 0);
    assert_true(stderr_has(f, "exists; kept"));
    char *after = slurp(f->path, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(before, after, l1);
    struct keys *ks2 = load(f, f->path);
    assert_non_null(ks2);
    assert_memory_equal(keys_current(ks2, KP_TOKEN)->k, tok1, KEY_BYTES);
    keys_free(ks2);
    sodium_memzero(before, l1);
    sodium_memzero(after, l2);
    free(before);
    free(after);
}

static void
test_generate_differs_per_file(void **state)
{
    struct fx *f = *state;
    char other[160];
    snprintf(other, sizeof(other), "%s/other.keys", f->dir);
    assert_int_equal(generate(f, f->path, false), 0);
    assert_int_equal(generate(f, other, false), 0);
    struct keys *a = load(f, f->path), *b = load(f, other);
    assert_non_null(a);
    assert_non_null(b);
    for (int p = 0; p < KP__MAX; p++)
        assert_memory_not_equal(keys_current(a, (enum key_purpose)p)->k,
                                keys_current(b, (enum key_purpose)p)->k,
                                KEY_BYTES);
    keys_free(a);
    keys_free(b);
}

static void
test_rotate_adds_token_kid2(void **state)
{
    struct fx *f = *state;
    assert_int_equal(generate(f, f->path, false), 0);
    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    uint8_t old[KP__MAX][KEY_BYTES];
    for (int p = 0; p < KP__MAX; p++)
        memcpy(old[p], keys_current(ks, (enum key_purpose)p)->k, KEY_BYTES);
    keys_free(ks);

    assert_int_equal(generate(f, f->path, true), 0);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    ks = load(f, f->path);
    assert_non_null(ks);
    const struct key *cur = keys_current(ks, KP_TOKEN);
    assert_non_null(cur);
    assert_int_equal(cur->kid, 2);
    assert_memory_not_equal(cur->k, old[KP_TOKEN], KEY_BYTES);
    const struct key *k1 = keys_find(ks, KP_TOKEN, 1);
    assert_non_null(k1);
    assert_memory_equal(k1->k, old[KP_TOKEN], KEY_BYTES);
    assert_ptr_equal(keys_find(ks, KP_TOKEN, 2), cur);
    assert_null(keys_find(ks, KP_TOKEN, 3));
    /* Only the token key rotates. */
    for (int p = KP_DATA; p < KP__MAX; p++) {
        assert_int_equal(keys_current(ks, (enum key_purpose)p)->kid, 1);
        assert_memory_equal(keys_current(ks, (enum key_purpose)p)->k, old[p],
                            KEY_BYTES);
        assert_null(keys_find(ks, (enum key_purpose)p, 2));
    }
    keys_free(ks);

    assert_int_equal(generate(f, f->path, true), 0);
    ks = load(f, f->path);
    assert_non_null(ks);
    assert_int_equal(keys_current(ks, KP_TOKEN)->kid, 3);
    assert_non_null(keys_find(ks, KP_TOKEN, 1));
    assert_non_null(keys_find(ks, KP_TOKEN, 2));
    keys_free(ks);
}

static void
test_rotate_missing_file(void **state)
{
    struct fx *f = *state;
    assert_int_equal(generate(f, f->path, true), -1);
    assert_int_equal(access(f->path, F_OK), -1);
}

/* A key set holds KEYS_MAX keys per purpose; rotating past that must not
 * leave a file that keys_load refuses (the server would not start). */
static void
test_rotate_past_keys_max(void **state)
{
    struct fx *f = *state;
    assert_int_equal(generate(f, f->path, false), 0);
    for (int i = 2; i <= KEYS_MAX; i++)
        assert_int_equal(generate(f, f->path, true), 0);
    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    assert_int_equal(keys_current(ks, KP_TOKEN)->kid, KEYS_MAX);
    keys_free(ks);

    int rc = generate(f, f->path, true);
    ks = load(f, f->path);
    /* Either the rotation is refused or the file still loads. */
    assert_true(rc != 0 || ks != NULL);
    assert_non_null(ks);
    keys_free(ks);
}

static void
test_loose_mode_refused(void **state)
{
    struct fx *f = *state;
    static const mode_t bad[] = {0644, 0640, 0604, 0660, 0606, 0601, 0610};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file(f->path, GOOD, bad[i]);
        struct keys *ks = load(f, f->path);
        if (ks != NULL) {
            keys_free(ks);
            fail_msg("mode %o accepted", (unsigned)bad[i]);
        }
    }
    assert_true(stderr_has(f, "must be mode 0600"));
    write_file(f->path, GOOD, 0400);
    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    keys_free(ks);

    /* A generated file made world-readable afterwards is refused too. */
    unlink(f->path);
    assert_int_equal(generate(f, f->path, false), 0);
    assert_int_equal(chmod(f->path, 0644), 0);
    assert_null(load(f, f->path));
}

static void
test_good_file_values(void **state)
{
    struct fx *f = *state;
    write_file(f->path, "# comment\n\n" GOOD "# another\ntoken 7 " HEX2 "\n",
               0600);
    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    const struct key *t = keys_current(ks, KP_TOKEN);
    assert_int_equal(t->kid, 7);
    assert_int_equal(t->k[0], 0xff);
    assert_int_equal(t->k[31], 0x00);
    const struct key *d = keys_current(ks, KP_DATA);
    assert_int_equal(d->kid, 1);
    for (int i = 0; i < KEY_BYTES; i++)
        assert_int_equal(d->k[i], i);
    assert_non_null(keys_find(ks, KP_TOKEN, 1));
    assert_null(keys_find(ks, KP_TOKEN, 0));
    keys_free(ks);
}

/* A comment may be longer than keys.c's 256-byte line buffer. */
static void
test_long_comment_line(void **state)
{
    struct fx *f = *state;
    char content[2048];
    char dashes[301];
    memset(dashes, '-', 300);
    dashes[300] = '\0';
    snprintf(content, sizeof(content), "# %s\n%s", dashes, GOOD);
    write_file(f->path, content, 0600);

    struct keys *ks = load(f, f->path);
    assert_non_null(ks);
    keys_free(ks);
}

static void
test_missing_purpose_refused(void **state)
{
    struct fx *f = *state;
    static const char *const files[] = {
        "token 1 " HEX1 "\ndata 1 " HEX1 "\nindex 1 " HEX1 "\n", /* csrf */
        "data 1 " HEX1 "\nindex 1 " HEX1 "\ncsrf 1 " HEX1 "\n",  /* token */
        "token 1 " HEX1 "\nindex 1 " HEX1 "\ncsrf 1 " HEX1 "\n", /* data */
        "token 1 " HEX1 "\ndata 1 " HEX1 "\ncsrf 1 " HEX1 "\n",  /* index */
        "",
        "# only a comment\n",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        write_file(f->path, files[i], 0600);
        struct keys *ks = load(f, f->path);
        if (ks != NULL) {
            keys_free(ks);
            fail_msg("file %zu accepted", i);
        }
    }
    /* The operator is told which key is missing. */
    assert_true(stderr_has(f, "no csrf key"));
    assert_true(stderr_has(f, "no index key"));
}

static void
test_malformed_line_refused(void **state)
{
    struct fx *f = *state;
    static const char *const lines[] = {
        "token 2 "
        "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
        "token 2 "
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n",
        "token 2 "
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n",
        "token x " HEX1 "\n",
        "token 0 " HEX1 "\n",
        "token 256 " HEX1 "\n",
        "token -1 " HEX1 "\n",
        "bogus 2 " HEX1 "\n",
        "TOKEN 2 " HEX1 "\n",
        "token 2\n",
        "token\n",
        "token 1 " HEX2 "\n", /* duplicate kid */
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        char content[1024];
        snprintf(content, sizeof(content), "%s%s", GOOD, lines[i]);
        write_file(f->path, content, 0600);
        struct keys *ks = load(f, f->path);
        if (ks != NULL) {
            keys_free(ks);
            fail_msg("line %zu accepted: %s", i, lines[i]);
        }
    }
    /* The message names the line; no key material is echoed. */
    assert_true(stderr_has(f, "gongkai.keys:5: bad key line"));
    assert_false(stderr_has(f, HEX1));
    assert_false(stderr_has(f, "000102030405"));
}

static void
test_too_many_keys_refused(void **state)
{
    struct fx *f = *state;
    char content[4096];
    size_t off = (size_t)snprintf(content, sizeof(content), "%s", GOOD);
    for (int kid = 2; kid <= KEYS_MAX + 1; kid++)
        off += (size_t)snprintf(content + off, sizeof(content) - off,
                                "token %d " HEX2 "\n", kid);
    write_file(f->path, content, 0600);
    assert_null(load(f, f->path));
}

static void
test_missing_file(void **state)
{
    struct fx *f = *state;
    assert_null(load(f, f->path));
    char nodir[200];
    snprintf(nodir, sizeof(nodir), "%s/no/such/dir/k", f->dir);
    assert_int_equal(generate(f, nodir, false), -1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_generate_creates_0600_loadable),
        T(test_generate_twice_keeps_file),
        T(test_generate_differs_per_file),
        T(test_rotate_adds_token_kid2),
        T(test_rotate_missing_file),
        T(test_rotate_past_keys_max),
        T(test_loose_mode_refused),
        T(test_good_file_values),
        T(test_long_comment_line),
        T(test_missing_purpose_refused),
        T(test_malformed_line_refused),
        T(test_too_many_keys_refused),
        T(test_missing_file),
    };
    return cmocka_run_group_tests(tests, unit_sodium_setup, NULL);
}
