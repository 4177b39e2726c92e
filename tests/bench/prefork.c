/*
 * prefork: master/worker skeleton of the baseline responders; see prefork.h.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
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

#include "prefork.h"

/* Listen backlog: nginx opens a new FastCGI connection per request, in bursts.
 */
#define PREFORK_BACKLOG 1024

/* A worker that dies within this many seconds of its start counts as a failed
 * start. */
#define PREFORK_QUICK_DEATH_S 1

static volatile sig_atomic_t got_stop;

static void
on_stop(int sig)
{
    (void)sig;
    got_stop = 1;
}

static void
on_child(int sig)
{
    (void)sig; /* only interrupts sigsuspend */
}

static void
usage(const struct prefork_app *app)
{
    fprintf(stderr, "usage: %s %s\n", app->name, app->usage);
}

int
prefork_parse(int argc, char **argv, const struct prefork_app *app,
              struct prefork_opts *opts)
{
    int c;
    long cores;

    memset(opts, 0, sizeof(*opts));
    while ((c = getopt(argc, argv, "u:h")) != -1) {
        switch (c) {
        case 'u': opts->user = optarg; break;
        default: usage(app); return -1;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1 || argc > app->max_args || argv[0][0] == '\0') {
        usage(app);
        return -1;
    }
    opts->socket = argv[0];

    cores = sysconf(_SC_NPROCESSORS_ONLN);
    opts->workers = cores > 0 && cores < 512 ? (int)cores * 2 : 2;
    if (argc >= 2) {
        char *end = NULL;
        long n;

        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || end == argv[1] || *end != '\0' || n < 1 || n > 1024) {
            fprintf(stderr, "%s: WORKERS must be 1..1024, not '%s'\n",
                    app->name, argv[1]);
            return -1;
        }
        opts->workers = (int)n;
    }
    if (argc == 3)
        opts->extra = argv[2];
    return 0;
}

/* Switches to user for good and checks that it took; no-op without a user. */
static int
drop_privileges(const char *name, const char *user)
{
    const struct passwd *pw;
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;

    if (user == NULL)
        return 0;
    pw = getpwnam(user);
    if (pw == NULL) {
        fprintf(stderr, "%s: no such user '%s'\n", name, user);
        return -1;
    }
    if (geteuid() != 0) {
        if (geteuid() == pw->pw_uid)
            return 0;
        fprintf(stderr, "%s: not root, cannot switch to '%s'\n", name, user);
        return -1;
    }
    if (initgroups(user, pw->pw_gid) != 0 ||
        setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
        setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
        fprintf(stderr, "%s: cannot switch to '%s': %s\n", name, user,
                strerror(errno));
        return -1;
    }
    if (getresuid(&ruid, &euid, &suid) != 0 ||
        getresgid(&rgid, &egid, &sgid) != 0 || ruid != pw->pw_uid ||
        euid != pw->pw_uid || suid != pw->pw_uid || rgid != pw->pw_gid ||
        egid != pw->pw_gid || sgid != pw->pw_gid) {
        fprintf(stderr, "%s: switch to '%s' did not take\n", name, user);
        return -1;
    }
    return 0;
}

static void
worker_main(int fd, const struct prefork_opts *opts,
            const struct prefork_app *app, pid_t master, const sigset_t *mask)
{
    FCGX_Request req;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler =
        SIG_IGN; /* nginx may close a connection we are still writing to */
    sigaction(SIGPIPE, &sa, NULL);
    sigprocmask(SIG_SETMASK, mask, NULL);

    if (app->init != NULL && app->init(opts) != 0)
        _exit(1);
    if (drop_privileges(app->name, opts->user) != 0)
        _exit(1);

    /*
     * Do not outlive the master (kill -9 of the master would otherwise leave us
     * serving). Set after the switch of user: the kernel clears the setting
     * when credentials change.
     */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != master)
        _exit(1);

    if (FCGX_InitRequest(&req, fd, 0) != 0)
        _exit(1);
    while (FCGX_Accept_r(&req) >= 0) {
        app->handle(&req);
        FCGX_Finish_r(&req);
    }
    _exit(0);
}

static pid_t
spawn(int fd, const struct prefork_opts *opts, const struct prefork_app *app,
      const sigset_t *mask)
{
    pid_t master = getpid();
    pid_t pid = fork();

    if (pid == 0)
        worker_main(fd, opts, app, master, mask);
    if (pid < 0)
        fprintf(stderr, "%s: fork: %s\n", app->name, strerror(errno));
    return pid;
}

int
prefork_run(const struct prefork_opts *opts, const struct prefork_app *app)
{
    struct sigaction sa;
    struct stat st;
    sigset_t block, orig;
    pid_t *pids = NULL;
    time_t *started = NULL;
    int fd = -1, i, quick_deaths = 0, status = 1;

    if (opts->user != NULL && getpwnam(opts->user) == NULL) {
        fprintf(stderr, "%s: no such user '%s'\n", app->name, opts->user);
        return 1;
    }
    pids = calloc((size_t)opts->workers, sizeof(*pids));
    started = calloc((size_t)opts->workers, sizeof(*started));
    if (pids == NULL || started == NULL) {
        fprintf(stderr, "%s: out of memory\n", app->name);
        goto out;
    }
    if (FCGX_Init() != 0) {
        fprintf(stderr, "%s: FCGX_Init failed\n", app->name);
        goto out;
    }

    /* A socket left by a killed run would make bind fail; remove only a socket.
     */
    if (lstat(opts->socket, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(opts->socket);
    fd = FCGX_OpenSocket(opts->socket, PREFORK_BACKLOG);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot listen on %s: %s\n", app->name,
                opts->socket, strerror(errno));
        goto out;
    }
    if (chmod(opts->socket, 0666) != 0) {
        fprintf(stderr, "%s: chmod %s: %s\n", app->name, opts->socket,
                strerror(errno));
        goto out;
    }

    /* Signals stay blocked except inside sigsuspend: no stop request is lost
     * between checks. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &orig);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);

    for (i = 0; i < opts->workers; i++) {
        pids[i] = spawn(fd, opts, app, &orig);
        started[i] = time(NULL);
    }
    fprintf(stderr, "%s: master %ld, %d workers on %s\n", app->name,
            (long)getpid(), opts->workers, opts->socket);

    status = 0;
    while (!got_stop) {
        pid_t pid;
        int wst;

        sigsuspend(&orig);
        while ((pid = waitpid(-1, &wst, WNOHANG)) > 0) {
            for (i = 0; i < opts->workers && pids[i] != pid; i++)
                ;
            if (i == opts->workers)
                continue;
            pids[i] = 0;
            if (got_stop)
                continue;
            if (time(NULL) - started[i] <= PREFORK_QUICK_DEATH_S &&
                ++quick_deaths > 3 * opts->workers) {
                fprintf(stderr,
                        "%s: workers keep failing at start; giving up\n",
                        app->name);
                got_stop = 1;
                status = 1;
                break;
            }
            fprintf(stderr, "%s: worker %ld exited (status 0x%x), restarting\n",
                    app->name, (long)pid, (unsigned)wst);
            pids[i] = spawn(fd, opts, app, &orig);
            started[i] = time(NULL);
        }
    }

    for (i = 0; i < opts->workers; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    for (i = 0; i < opts->workers; i++)
        if (pids[i] > 0)
            waitpid(pids[i], NULL, 0);
    unlink(opts->socket);

out:
    if (fd >= 0)
        close(fd);
    free(pids);
    free(started);
    return status;
}
