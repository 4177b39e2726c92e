#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const purpose_names[KP__MAX] = {
    [KP_TOKEN] = "token",
    [KP_DATA] = "data",
    [KP_INDEX] = "index",
    [KP_CSRF] = "csrf",
};

static int
purpose_of(const char *name)
{
    for (int p = 0; p < KP__MAX; p++)
        if (strcmp(name, purpose_names[p]) == 0)
            return p;
    return -1;
}

static int
add_key(struct keys *ks, int p, unsigned kid, const char *hex)
{
    uint8_t k[KEY_BYTES];
    size_t bin_len = 0;
    if (kid == 0 || kid > 255 ||
        sodium_hex2bin(k, sizeof(k), hex, strlen(hex), NULL, &bin_len, NULL) !=
            0 ||
        bin_len != KEY_BYTES)
        return -1;
    for (int i = 0; i < KEYS_MAX; i++) {
        if (ks->k[p][i].kid == kid)
            return -1; /* duplicate kid */
        if (ks->k[p][i].kid == 0) {
            ks->k[p][i].kid = (uint8_t)kid;
            memcpy(ks->k[p][i].k, k, KEY_BYTES);
            sodium_memzero(k, sizeof(k));
            return 0;
        }
    }
    sodium_memzero(k, sizeof(k));
    return -1;
}

static int
parse_file(FILE *f, struct keys *ks, const char *path)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    /* getline: a line of any length is one line (long comments too). */
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char name[16], hex[80], extra[2];
        unsigned kid;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        int p = -1;
        if (sscanf(line, "%15s %u %79s %1s", name, &kid, hex, extra) != 3 ||
            (p = purpose_of(name)) < 0 || add_key(ks, p, kid, hex) != 0) {
            fprintf(stderr, "gongkai: %s:%d: bad key line\n", path, lineno);
            rc = -1;
        }
        sodium_memzero(line, (size_t)len);
        sodium_memzero(hex, sizeof(hex));
    }
    if (line != NULL) {
        sodium_memzero(line, cap);
        free(line);
    }
    for (int p = 0; p < KP__MAX && rc == 0; p++) {
        if (keys_current(ks, (enum key_purpose)p) == NULL) {
            fprintf(stderr, "gongkai: %s: no %s key\n", path, purpose_names[p]);
            rc = -1;
        }
    }
    return rc;
}

struct keys *
keys_load(const char *path)
{
    struct keys *ks = NULL;
    FILE *f = NULL;
    struct stat st;

    if (sodium_init() < 0)
        return NULL;
    f = fopen(path, "re");
    if (f == NULL) {
        fprintf(stderr,
                "gongkai: cannot open key file %s: %s "
                "(run `gongkai keygen`)\n",
                path, strerror(errno));
        return NULL;
    }
    /* A key file others can read is a leaked key file. */
    if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077) != 0) {
        fprintf(stderr, "gongkai: %s must be mode 0600 or stricter\n", path);
        goto fail;
    }
    ks = sodium_malloc(sizeof(*ks));
    if (ks == NULL)
        goto fail;
    memset(ks, 0, sizeof(*ks));
    if (parse_file(f, ks, path) != 0)
        goto fail;
    fclose(f);
    sodium_mprotect_readonly(ks);
    return ks;
fail:
    if (ks != NULL)
        sodium_free(ks);
    fclose(f);
    return NULL;
}

void
keys_free(struct keys *ks)
{
    if (ks != NULL)
        sodium_free(ks); /* wipes before freeing */
}

const struct key *
keys_current(const struct keys *ks, enum key_purpose p)
{
    const struct key *best = NULL;
    for (int i = 0; i < KEYS_MAX; i++)
        if (ks->k[p][i].kid != 0 &&
            (best == NULL || ks->k[p][i].kid > best->kid))
            best = &ks->k[p][i];
    return best;
}

const struct key *
keys_find(const struct keys *ks, enum key_purpose p, uint8_t kid)
{
    for (int i = 0; kid != 0 && i < KEYS_MAX; i++)
        if (ks->k[p][i].kid == kid)
            return &ks->k[p][i];
    return NULL;
}

static int
write_key(int fd, const char *purpose, unsigned kid)
{
    uint8_t k[KEY_BYTES];
    char hex[KEY_BYTES * 2 + 1];
    char line[128];
    randombytes_buf(k, sizeof(k));
    sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
    int n = snprintf(line, sizeof(line), "%s %u %s\n", purpose, kid, hex);
    ssize_t w = write(fd, line, (size_t)n);
    sodium_memzero(k, sizeof(k));
    sodium_memzero(hex, sizeof(hex));
    sodium_memzero(line, sizeof(line));
    return w == n ? 0 : -1;
}

static int
rotate_token(const char *path)
{
    struct keys *ks = keys_load(path);
    if (ks == NULL)
        return -1;
    unsigned next = keys_current(ks, KP_TOKEN)->kid + 1u;
    bool full = ks->k[KP_TOKEN][KEYS_MAX - 1].kid != 0;
    keys_free(ks);
    if (full) {
        fprintf(stderr,
                "gongkai: %s already holds %d token keys; remove an "
                "old one first\n",
                path, KEYS_MAX);
        return -1;
    }
    if (next > 255) {
        fprintf(stderr, "gongkai: token key ids exhausted\n");
        return -1;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = write_key(fd, "token", next);
    close(fd);
    if (rc == 0)
        printf("added token key %u to %s\n", next, path);
    return rc;
}

int
keys_generate(const char *path, bool rotate)
{
    if (sodium_init() < 0)
        return -1;
    if (rotate)
        return rotate_token(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            printf("key file %s exists; kept\n", path);
            return 0;
        }
        fprintf(stderr, "gongkai: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    const char *hdr = "# gongkai keys: never commit, back up separately\n";
    int rc = write(fd, hdr, strlen(hdr)) == (ssize_t)strlen(hdr) ? 0 : -1;
    for (int p = 0; p < KP__MAX && rc == 0; p++)
        rc = write_key(fd, purpose_names[p], 1);
    if (fsync(fd) != 0)
        rc = -1;
    close(fd);
    if (rc == 0)
        printf("created key file %s\n", path);
    return rc;
}

void
keys_random(struct keys *ks)
{
    memset(ks, 0, sizeof(*ks));
    for (int p = 0; p < KP__MAX; p++) {
        ks->k[p][0].kid = 1;
        randombytes_buf(ks->k[p][0].k, KEY_BYTES);
    }
}
