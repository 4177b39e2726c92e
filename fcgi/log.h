/*
 * log: lines to stderr (the instance script sends them to log/gongkai.log).
 * Never pass secrets, tokens, passwords or personal data; request paths go
 * through log_safe(), which replaces control bytes so no log line can be
 * forged by a request.
 */
#ifndef GK_LOG_H
#define GK_LOG_H

#include <stddef.h>

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Copies s into out (cap bytes) with control bytes as '?'. */
const char *log_safe(char *out, size_t cap, const char *s);

#endif
