/*
 * cli: the subcommands of bin/gongkai other than serve (see main.c):
 * keygen, migrate, staff add, demo, routes. Each returns the exit status.
 */
#ifndef GK_CLI_H
#define GK_CLI_H

int cli_staff_add(int argc, char **argv);
int cli_demo(void);
int cli_routes(void);
/* seed.c: `gongkai seed`, synthetic data for benchmarks */
int cli_seed(int argc, char **argv);

#endif
