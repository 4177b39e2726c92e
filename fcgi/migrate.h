/*
 * migrate: applies schema/NNNN_*.sql (embedded at build time) in order,
 * each in its own transaction, as the owner role. Each applied file is
 * recorded with its SHA-256; a file edited after it was applied is refused
 * (write a new migration instead), as is a database newer than the binary.
 */
#ifndef GK_MIGRATE_H
#define GK_MIGRATE_H

struct migration {
    int version;      /* NNNN of the file name */
    const char *name; /* file name without .sql */
    const char *sql;  /* file contents */
};

extern const struct migration migrations[];
extern const int nmigrations;

/* 0 ok (messages on stdout), -1 refused or failed (reason on stderr). */
int migrate_run(const char *owner_dsn) __attribute__((warn_unused_result));

#endif
