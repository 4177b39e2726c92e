#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void
vlog(const char *level, const char *fmt, va_list ap)
{
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm);
    fprintf(stderr, "%s %s pid=%d ", ts, level, (int)getpid());
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
log_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

const char *
log_safe(char *out, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s != NULL && *s && i + 1 < cap; s++)
        out[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    out[i] = '\0';
    return out;
}
