/*
 * valid: pure validators that turn submitted text into typed values, and
 * the masks that show personal data in lists. They only compute: no
 * database, no output, so each is unit-tested on its own.
 */
#ifndef GK_VALID_H
#define GK_VALID_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

enum login_kind { LOGIN_INVALID = 0, LOGIN_MOBILE, LOGIN_EMAIL };

/* Trims ASCII and ideographic (U+3000) spaces at both ends. */
char *valid_trim(struct arena *a, const char *s);
/* Mainland mobile (1[3-9] + 9 digits; spaces, dashes and a +86/86 prefix
 * are tolerated) or an e-mail address; writes the normalised form. */
enum login_kind valid_login(struct arena *a, const char *in, const char **norm);
/* Staff logins: 3-32 of [a-z0-9._-], lowercased. NULL if invalid. */
const char *valid_staff_login(struct arena *a, const char *in);
/* 138****5678; e-mail: first character, ***, @domain. */
const char *mask_login(struct arena *a, const char *norm, enum login_kind kind);
const char *mask_phone(struct arena *a, const char *digits);
/* "张**": the first character and a star for each other one (name not
 * empty). */
const char *mask_name(struct arena *a, const char *name);
/* Number of characters (code points) in valid UTF-8. */
size_t valid_chars(const char *s);
/* Decimal integer in [min, max]; false if not. */
bool valid_int(const char *s, long min, long max, long *out);
/* "YYYY-MM-DD", a real calendar date (1900-2100). */
bool valid_date(const char *s);
/* "YYYY-MM-DD HH:MM" or the browser's "YYYY-MM-DDTHH:MM"; out gets the
 * canonical "YYYY-MM-DD HH:MM" (17 bytes). */
bool valid_datetime(const char *s, char out[17]);
/* Checks length in characters after trimming: NULL-safe. Returns the
 * trimmed text, or NULL if it has fewer than min or more than max. */
const char *valid_text(struct arena *a, const char *in, size_t min, size_t max);
/* A same-site path for "next": starts with one '/', no backslash or
 * control characters. */
bool valid_next(const char *s);

#endif
