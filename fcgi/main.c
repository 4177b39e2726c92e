/*
 * bin/gongkai: one binary for the workers and the operator's commands.
 * Every command finds its instance through GONGKAI_VAR and friends
 * (config.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "config.h"
#include "crypt.h"
#include "disclosure.h" /* disclosure: */
#include "keys.h"
#include "meetings.h" /* meetings: */
#include "migrate.h"
#include "server.h"

static const char usage[] =
    "usage: gongkai COMMAND [options]\n"
    "  serve [--socket PATH|127.0.0.1:PORT] [--workers N] [--user NAME]\n"
    "                     run the FastCGI master and workers (foreground)\n"
    "  migrate            apply schema/ migrations to the instance database\n"
    "  keygen [--rotate]  create the key file; --rotate adds a token key\n"
    "  staff add --login L --password P --dept D --role staff|admin\n"
    "                     create or update a staff account\n"
    "  demo               create the demo accounts (idempotent)\n"
    "  routes             print the route table: METHOD PATTERN ACCESS\n"
    "  verify-draw ID [--port P | --file PAGE]\n"
    "                     recompute a meeting's published draw\n"
    "  report disclosure-annual --year Y [--dept D] [--format csv|xml|html]\n"
    "                     the annual report of disclosure requests\n"
    "  import-policies FILE.xml\n"
    "                     load policy documents (validated whole first)\n"
    "  seed [--policies N] [--messages M] ...\n"
    "                     synthetic data for benchmarks (seed --help)\n"
    "environment: GONGKAI_VAR (default ./var), GONGKAI_DSN, "
    "GONGKAI_OWNER_DSN,\n  GONGKAI_KEYS, GONGKAI_SOCKET, GONGKAI_WORKERS "
    "(see README.md)\n";

static int
cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"workers", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sock = cfg.socket, *user = NULL;
    long workers = cfg.workers;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 's': sock = optarg; break;
        case 'w': workers = strtol(optarg, NULL, 10); break;
        case 'u': user = optarg; break;
        default:
            fputs(usage, ch == 'h' ? stdout : stderr);
            return ch == 'h' ? 0 : 2;
        }
    }
    /* Keys are read while we may still be root: the file is 0600. */
    struct keys *ks = keys_load(cfg.keys);
    if (ks == NULL)
        return 1;
    int rc = server_run(sock, workers, user, ks);
    keys_free(ks);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (config_load() != 0 || crypt_init() != 0)
        return 1;
    const char *cmd = argv[1];
    bool help = argc > 2 && strcmp(argv[2], "--help") == 0;
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "seed") == 0) /* its own --help lists every module's */
        return cli_seed(argc - 1, argv + 1);
    if (help) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "migrate") == 0)
        return migrate_run(cfg.owner_dsn) == 0 ? 0 : 1;
    if (strcmp(cmd, "keygen") == 0)
        return keys_generate(cfg.keys,
                             argc > 2 && strcmp(argv[2], "--rotate") == 0) == 0
                   ? 0
                   : 1;
    if (strcmp(cmd, "staff") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
        return cli_staff_add(argc - 2, argv + 2);
    if (strcmp(cmd, "demo") == 0)
        return cli_demo();
    if (strcmp(cmd, "routes") == 0)
        return cli_routes();
    /* board: */
    if (strcmp(cmd, "import-policies") == 0)
        return board_cli_import(argc - 1, argv + 1);
    /* disclosure: */
    if (strcmp(cmd, "report") == 0 && argc > 2 &&
        strcmp(argv[2], "disclosure-annual") == 0)
        return disclosure_cli_report(argc - 2, argv + 2);
    /* meetings: */
    if (strcmp(cmd, "verify-draw") == 0)
        return meetings_cli_verify(argc - 1, argv + 1);
    /* openmonth: */
    fprintf(stderr, "gongkai: unknown command %s\n%s", cmd, usage);
    return 2;
}
