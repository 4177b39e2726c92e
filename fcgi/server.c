#define _GNU_SOURCE /* setresuid, setresgid, getresuid, getresgid */
#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "pagecache.h"
#include "req.h"

#define MAX_WORKERS    256
#define STOP_GRACE_SEC 30 /* in-flight requests get this long to finish */

static volatile sig_atomic_t stopping; /* master and workers: stop asked */

static void
on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void
set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a stop signal must interrupt accept(). */
    sa.sa_flags = 0;
    sigaction(sig, &sa, NULL);
}

/* ---- worker ---- */

/* Ends the request and closes its connection. libfcgi closes gracefully:
 * shutdown(), then it waits (up to 2 s) for nginx to close its end, so that
 * input left unread cannot turn the close into a reset that loses the
 * answer. After a normal request nothing is left unread, and the wait only
 * puts the worker to sleep until nginx has read the answer: a sleep, a
 * wake-up and three system calls a request, and a worker that is not
 * accepting meanwhile. So when nothing is waiting to be read, the
 * connection is closed at once (FCGX_Detach: close without shutdown);
 * else the graceful way. */
static void
finish(FCGX_Request *f)
{
    struct pollfd p = {.fd = f->ipcFd, .events = POLLIN};
    if (f->ipcFd >= 0 && poll(&p, 1, 0) == 0)
        (void)FCGX_Detach(f);
    FCGX_Finish_r(f);
}

static void
worker_main(int sock, struct keys *keys)
{
    struct pagecache pages;
    pagecache_init(&pages);
    struct worker w = {.keys = keys, .pid = (int)getpid(), .pages = &pages};
    struct arena a;
    FCGX_Request f;
    sigset_t term, old;

    set_handler(SIGTERM, on_stop);
    set_handler(SIGINT, on_stop);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    arena_init(&a, 64 * 1024);
    if (db_connect(&w, cfg.dsn) != 0)
        log_err("worker starts without a database; will retry per request");
    FCGX_InitRequest(&f, sock, FCGI_FAIL_ACCEPT_ON_INTR);
    for (;;) {
        /* Stop signals are blocked while a request is served, so the
         * request always completes; they are let in only around accept. */
        sigprocmask(SIG_UNBLOCK, &term, NULL);
        if (stopping)
            break;
        int rc = FCGX_Accept_r(&f);
        sigprocmask(SIG_BLOCK, &term, &old);
        if (rc < 0) {
            if (stopping)
                break;
            if (errno == EINTR)
                continue;
            log_err("accept failed: %d", rc);
            break;
        }
        req_handle(&w, &f, &a);
        finish(&f);
        arena_reset(&a);
        db_housekeeping(&w, (int64_t)time(NULL));
    }
    FCGX_Free(&f, 0);
    pagecache_free(&pages);
    arena_free(&a);
    db_disconnect(&w);
    _exit(0);
}

/* ---- master ---- */

struct pool {
    pid_t pid[MAX_WORKERS];
    long n;
    time_t started[MAX_WORKERS];
};

static pid_t
spawn(int sock, struct keys *keys)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* The worker dies with the master rather than linger orphaned. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        worker_main(sock, keys);
    }
    if (pid < 0)
        log_err("fork failed: %s", strerror(errno));
    return pid;
}

static void
reap(struct pool *p, int sock, struct keys *keys)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (long i = 0; i < p->n; i++) {
            if (p->pid[i] != pid)
                continue;
            if (stopping) {
                p->pid[i] = 0;
                break;
            }
            if (WIFSIGNALED(status))
                log_err("worker %d killed by signal %d; replacing", (int)pid,
                        WTERMSIG(status));
            else
                log_err("worker %d exited with %d; replacing", (int)pid,
                        WEXITSTATUS(status));
            /* A worker that dies at once, again and again, would make us
             * fork in a tight loop: slow down. */
            if (time(NULL) - p->started[i] < 1)
                sleep(1);
            p->pid[i] = spawn(sock, keys);
            p->started[i] = time(NULL);
            break;
        }
    }
    /* A slot whose fork failed (out of memory, process limit) is retried
     * on the next tick rather than left empty for good. */
    for (long i = 0; i < p->n && !stopping; i++) {
        if (p->pid[i] <= 0) {
            p->pid[i] = spawn(sock, keys);
            p->started[i] = time(NULL);
        }
    }
}

static long
alive(const struct pool *p)
{
    long n = 0;
    for (long i = 0; i < p->n; i++)
        if (p->pid[i] > 0)
            n++;
    return n;
}

static void
stop_all(struct pool *p)
{
    time_t t0 = time(NULL);
    log_info("stopping %ld workers", alive(p));
    while (alive(p) > 0) {
        int sig = time(NULL) - t0 >= STOP_GRACE_SEC ? SIGKILL : SIGTERM;
        /* Signals are repeated: one that lands just before a worker enters
         * accept() would otherwise be missed until the next request. */
        for (long i = 0; i < p->n; i++)
            if (p->pid[i] > 0)
                kill(p->pid[i], sig);
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
            for (long i = 0; i < p->n; i++)
                if (p->pid[i] == pid)
                    p->pid[i] = 0;
    }
}

static int
drop_to(const char *user)
{
    struct passwd *pw = getpwnam(user);
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (pw == NULL) {
        log_err("no such user %s", user);
        return -1;
    }
    if (setgroups(0, NULL) != 0 ||
        setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
        setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
        log_err("cannot switch to %s: %s", user, strerror(errno));
        return -1;
    }
    /* Trust but verify: a half-done switch must not go unnoticed. */
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
        ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
        rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid) {
        log_err("privilege drop to %s did not take", user);
        return -1;
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return 0;
}

/* scale-out: libfcgi's FCGX_OpenSocket takes a unix socket path, or
 * HOST:PORT for TCP (several worker hosts behind one nginx). A bare ":PORT"
 * would listen on every interface, so it is refused: name the address
 * (127.0.0.1:9000, or the LAN address nginx reaches). */
static bool
is_tcp(const char *addr)
{
    return strchr(addr, '/') == NULL && strchr(addr, ':') != NULL;
}

static int
open_listener(const char *addr)
{
    if (is_tcp(addr) && addr[0] == ':') {
        log_err("--socket %s would listen on every interface; give the "
                "address too, e.g. 127.0.0.1%s",
                addr, addr);
        return -1;
    }
    if (!is_tcp(addr))
        unlink(addr); /* a stale socket from a crash */
    int sock = FCGX_OpenSocket(addr, 256);
    if (sock < 0) {
        log_err("cannot listen on %s", addr);
        return -1;
    }
    /* nginx's workers run as another user and must be able to connect. */
    if (!is_tcp(addr))
        chmod(addr, 0666);
    return sock;
}

int
server_run(const char *socket_path, long workers, const char *run_as,
           struct keys *keys)
{
    struct pool p;
    memset(&p, 0, sizeof(p));
    if (workers < 1 || workers > MAX_WORKERS)
        workers = 2;
    if (FCGX_Init() != 0) {
        log_err("FCGX_Init failed");
        return 1;
    }
    int sock = open_listener(socket_path);
    if (sock < 0)
        return 1;
    if (run_as != NULL && *run_as && drop_to(run_as) != 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);
    /* The master takes its signals synchronously with sigtimedwait: they
     * stay blocked, so none can slip in between a check and the wait. The
     * workers inherit the mask and manage their own. */
    sigset_t waitset;
    sigemptyset(&waitset);
    sigaddset(&waitset, SIGCHLD);
    sigaddset(&waitset, SIGTERM);
    sigaddset(&waitset, SIGINT);
    sigprocmask(SIG_BLOCK, &waitset, NULL);
    p.n = workers;
    for (long i = 0; i < p.n; i++) {
        p.pid[i] = spawn(sock, keys);
        p.started[i] = time(NULL);
    }
    log_info("serving on %s with %ld workers", socket_path, workers);
    while (!stopping) {
        /* Wake on a signal, or each second to retry a failed fork. */
        struct timespec tick = {1, 0};
        int sig = sigtimedwait(&waitset, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            stopping = 1;
        else
            reap(&p, sock, keys);
    }
    stop_all(&p);
    close(sock);
    if (!is_tcp(socket_path))
        unlink(socket_path);
    log_info("stopped");
    return 0;
}
