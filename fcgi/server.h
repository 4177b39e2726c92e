/*
 * server: `gongkai serve`. A master binds the FastCGI socket, forks the
 * workers, replaces any that die, and on SIGTERM/SIGINT lets each finish the
 * request in hand before it exits. Workers loop on FCGX_Accept_r with one
 * database connection and one arena each.
 */
#ifndef GK_SERVER_H
#define GK_SERVER_H

#include "keys.h"

/* Runs until stopped; returns the process exit status. run_as may be NULL
 * (stay who we are) or a user name to switch to after binding (root only).
 * keys must be loaded before the switch (the key file is 0600 root). */
int server_run(const char *socket_path, long workers, const char *run_as,
               struct keys *keys);

#endif
