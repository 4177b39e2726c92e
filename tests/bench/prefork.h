/*
 * prefork: the process skeleton shared by the baseline responders (hello.c,
 * query.c).
 *
 * A master binds the FastCGI unix socket (mode 0666 so that nginx's workers can
 * connect whatever user they run as), forks N workers that accept on it,
 * restarts a worker that dies, and on SIGTERM/SIGINT stops the workers, removes
 * the socket and exits 0. It mirrors the shape of `gongkai serve` (CONTRACT.md)
 * so that the benchmark compares like with like: nginx, the same socket type,
 * the same number of processes, one request at a time per process.
 *
 * Command line (both responders):  PROG [-u USER] SOCKET [WORKERS] [EXTRA]
 *   -u USER   when started as root: each worker switches to USER after its
 * setup (query.c connects to PostgreSQL first, so a root-only passfile still
 * works); WORKERS   default 2 x online cores, as `gongkai serve`.
 *
 * Nothing here is meant for production: no logging per request, no limits.
 */
#ifndef PREFORK_H
#define PREFORK_H

#include <fcgiapp.h>

struct prefork_opts {
    const char *socket; /* path of the unix socket to bind */
    int workers;        /* number of worker processes, >= 1 */
    const char *user;   /* user to switch to in workers, or NULL */
    const char *extra;  /* the optional third positional argument, or NULL */
};

/*
 * Per-worker callbacks. init runs once in each worker after fork and before the
 * switch to opts->user; it returns 0 or -1 (the worker then exits 1). handle
 * answers one request; the skeleton calls FCGX_Finish_r afterwards.
 */
struct prefork_app {
    const char *name;  /* for messages */
    const char *usage; /* arguments, for the usage line */
    int max_args;      /* positional arguments accepted, 1..3 */
    int (*init)(const struct prefork_opts *opts);
    void (*handle)(FCGX_Request *req);
};

/* Parses argv into opts; prints usage and returns -1 on a bad command line. */
int prefork_parse(int argc, char **argv, const struct prefork_app *app,
                  struct prefork_opts *opts);

/* Runs the master until SIGTERM/SIGINT. Returns the process exit status. */
int prefork_run(const struct prefork_opts *opts, const struct prefork_app *app);

#endif /* PREFORK_H */
