#include "valid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static size_t
lead_space(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80)
        return 3; /* U+3000 IDEOGRAPHIC SPACE, common in Chinese input */
    return 0;
}

char *
valid_trim(struct arena *a, const char *s)
{
    size_t k;
    if (s == NULL)
        return arena_strdup(a, "");
    while ((k = lead_space(s)) != 0)
        s += k;
    size_t n = strlen(s);
    for (;;) {
        if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
                       s[n - 1] == '\n' || s[n - 1] == '\r')) {
            n--;
        } else if (n >= 3 && (unsigned char)s[n - 3] == 0xe3 &&
                   (unsigned char)s[n - 2] == 0x80 &&
                   (unsigned char)s[n - 1] == 0x80) {
            n -= 3;
        } else {
            break;
        }
    }
    return arena_strndup(a, s, n);
}

static bool
mobile(struct arena *a, const char *in, const char **norm)
{
    char d[16];
    size_t n = 0;
    const char *p = in;
    /* Only China's country code may precede the number. */
    if (*p == '+') {
        if (strncmp(p, "+86", 3) != 0)
            return false;
        p += 3;
    }
    for (; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (!isdigit((unsigned char)*p) || n >= sizeof(d) - 1)
            return false;
        d[n++] = *p;
    }
    d[n] = '\0';
    const char *m = d;
    if (n == 13 && strncmp(d, "86", 2) == 0) {
        m = d + 2;
        n = 11;
    }
    if (n != 11 || m[0] != '1' || m[1] < '3' || m[1] > '9')
        return false;
    *norm = arena_strdup(a, m);
    return true;
}

static bool
email(struct arena *a, const char *in, const char **norm)
{
    size_t n = strlen(in);
    const char *at = strchr(in, '@');
    if (n < 3 || n > 254 || at == NULL || at == in || strchr(at + 1, '@'))
        return false;
    const char *dom = at + 1;
    if (strchr(dom, '.') == NULL || dom[0] == '.' || in[n - 1] == '.')
        return false;
    for (const char *p = in; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 0x7f || strchr("()<>,;:\\\"[]", c))
            return false;
    }
    char *lower = arena_strdup(a, in);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    *norm = lower;
    return true;
}

enum login_kind
valid_login(struct arena *a, const char *in, const char **norm)
{
    const char *t = valid_trim(a, in);
    if (mobile(a, t, norm))
        return LOGIN_MOBILE;
    if (email(a, t, norm))
        return LOGIN_EMAIL;
    return LOGIN_INVALID;
}

const char *
valid_staff_login(struct arena *a, const char *in)
{
    const char *t = valid_trim(a, in);
    size_t n = strlen(t);
    if (n < 3 || n > 32)
        return NULL;
    char *out = arena_strdup(a, t);
    for (char *p = out; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' ||
              *p == '-'))
            return NULL;
    }
    return out;
}

const char *
mask_phone(struct arena *a, const char *d)
{
    size_t n = strlen(d);
    if (n < 7)
        return arena_strdup(a, "****");
    return arena_printf(a, "%.3s****%s", d, d + n - 4);
}

const char *
mask_name(struct arena *a, const char *name)
{
    /* The first character (UTF-8 sequence) and one star per other one. */
    if (*name == '\0')
        return "";
    size_t first = 1;
    while (name[first] != '\0' && ((unsigned char)name[first] & 0xc0) == 0x80)
        first++;
    size_t rest = valid_chars(name + first);
    char *out = arena_alloc(a, first + rest + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest);
    out[first + rest] = '\0';
    return out;
}

const char *
mask_login(struct arena *a, const char *norm, enum login_kind kind)
{
    if (kind == LOGIN_MOBILE)
        return mask_phone(a, norm);
    const char *at = strchr(norm, '@');
    if (kind == LOGIN_EMAIL && at != NULL)
        return arena_printf(a, "%c***%s", norm[0], at);
    /* Staff logins are not personal data. */
    return arena_strdup(a, norm);
}

size_t
valid_chars(const char *s)
{
    return utf8_chars(s, strlen(s));
}

bool
valid_int(const char *s, long min, long max, long *out)
{
    /* Digits with an optional '-': no spaces, no '+', no overflow. */
    const char *d = s != NULL && *s == '-' ? s + 1 : s;
    if (d == NULL || *d == '\0' || strspn(d, "0123456789") != strlen(d))
        return false;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool
digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool
valid_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2))
        return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

bool
valid_datetime(const char *s, char out[17])
{
    if (s == NULL || strlen(s) != 16 || (s[10] != ' ' && s[10] != 'T') ||
        s[13] != ':' || !digits(s + 11, 2) || !digits(s + 14, 2))
        return false;
    char day[11];
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!valid_date(day) || atoi(s + 11) > 23 || atoi(s + 14) > 59)
        return false;
    memcpy(out, s, 16);
    out[10] = ' ';
    out[16] = '\0';
    return true;
}

const char *
valid_text(struct arena *a, const char *in, size_t min, size_t max)
{
    const char *t = valid_trim(a, in);
    size_t n = valid_chars(t);
    return n >= min && n <= max ? t : NULL;
}

bool
valid_next(const char *s)
{
    if (s == NULL || s[0] != '/' || s[1] == '/' || strlen(s) > 512)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
            return false;
    return true;
}
