/*
 * board_import: the part of `gongkai import-policies` that needs no
 * database, exported for tests/fuzz/fuzz_policies.c. The CLI itself is
 * board_cli_import (board.h).
 */
#ifndef GK_BOARD_IMPORT_H
#define GK_BOARD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

/* Parses n bytes of XML as the import does (no network, no entities, a
 * DOCTYPE refused) and validates them against schema (an xmlSchemaPtr of
 * schema/policies.xsd). Returns the number of policies read, or -1 if the
 * file would be refused. quiet: report nothing on stderr. */
long board_import_parse(struct arena *a, void *schema, const char *xml,
                        size_t n, bool quiet);

#endif
