/*
 * keys: the instance's secret keys, read once from the key file
 * ($GONGKAI_KEYS, made by `gongkai keygen`) into locked, read-only memory.
 *
 * Key file: one key a line, "PURPOSE KID HEX64", '#' comments. Purposes:
 *   token  signs session tokens (several kids may exist: the highest signs,
 *          all verify, which is how a key is rotated without logging anyone
 *          out: add a new one, wait out the session lifetime, remove the old)
 *   data   encrypts personal data at rest (highest encrypts, all decrypt)
 *   index  keyed hash beside encrypted values for lookups and counting
 *   csrf   derives per-browser CSRF tokens
 * The file never enters the repository.
 */
#ifndef GK_KEYS_H
#define GK_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#define KEY_BYTES 32
#define KEYS_MAX  8 /* per purpose */

enum key_purpose { KP_TOKEN, KP_DATA, KP_INDEX, KP_CSRF, KP__MAX };

struct key {
    uint8_t kid;          /* 1..255; 0 = empty slot */
    uint8_t k[KEY_BYTES]; /* secret */
};

struct keys {
    struct key k[KP__MAX][KEYS_MAX]; /* per purpose, any order */
};

/* Loads the file into sodium_malloc'ed memory made read-only; returns NULL
 * with a message on stderr if the file is missing, unreadable, loosely
 * permitted or incomplete. Free with keys_free(). */
struct keys *keys_load(const char *path) __attribute__((warn_unused_result));
void keys_free(struct keys *ks);
/* The newest (highest kid) key of a purpose; NULL if none. */
const struct key *keys_current(const struct keys *ks, enum key_purpose p);
const struct key *keys_find(const struct keys *ks, enum key_purpose p,
                            uint8_t kid);
/* keygen: creates the file (0600) with one key per purpose if it does not
 * exist; with rotate, appends a new token key. 0 ok, -1 error. */
int keys_generate(const char *path, bool rotate)
    __attribute__((warn_unused_result));
/* Test helper: fills ks with fresh random keys (kid 1). */
void keys_random(struct keys *ks);

#endif
