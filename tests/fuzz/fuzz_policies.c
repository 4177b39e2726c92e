/*
 * Fuzzes the XML policy import (fcgi/board_import.c, `gongkai
 * import-policies`): libxml2's parse with the import's options, the
 * DOCTYPE refusal, validation against schema/policies.xsd and the reading
 * of the records, through board_import_parse (no database).
 *
 * Invariants: the answer is a policy count (at least one: the schema asks
 * for one) or -1; nothing with a DOCTYPE is accepted (no entity can
 * expand); an accepted file is accepted again with the same count; memory
 * stays linear in the input.
 *
 * The schema is read once from $GONGKAI_SHARE/policies.xsd, else
 * schema/policies.xsd (run from the top of the repository).
 */
#include "fuzz.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "board_import.h"

static xmlSchemaPtr
schema(void)
{
    static xmlSchemaPtr s;
    if (s == NULL) {
        xmlInitParser();
        const char *dir = getenv("GONGKAI_SHARE");
        char path[4096];
        snprintf(path, sizeof(path), "%s/policies.xsd",
                 dir && *dir ? dir : "schema");
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
        s = pc ? xmlSchemaParse(pc) : NULL;
        xmlSchemaFreeParserCtxt(pc);
        if (s == NULL) {
            fprintf(stderr, "fuzz_policies: cannot read %s\n", path);
            abort();
        }
    }
    return s;
}

static bool
starts(const uint8_t *d, size_t n, size_t i, const char *s)
{
    size_t l = strlen(s);
    return i + l <= n && memcmp(d + i, s, l) == 0;
}

/* Skips from i past the first end marker; n if there is none. */
static size_t
past(const uint8_t *d, size_t n, size_t i, const char *end)
{
    for (; i < n; i++)
        if (starts(d, n, i, end))
            return i + strlen(end);
    return n;
}

/* A DOCTYPE in the prolog: before the root element, outside comments and
 * processing instructions ("<!DOCTYPE" inside a comment is only text: the
 * first crash this harness found was its own naive search). */
static bool
has_doctype(const uint8_t *d, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (starts(d, n, i, "<!--"))
            i = past(d, n, i + 4, "-->");
        else if (starts(d, n, i, "<?"))
            i = past(d, n, i + 2, "?>");
        else if (starts(d, n, i, "<!DOCTYPE"))
            return true;
        else if (d[i] == '<')
            return false; /* the root element */
        else
            i++;
    }
    return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    const char *xml = (const char *)data;
    long n = board_import_parse(a, schema(), xml, size, true);
    fuzz_check(n == -1 || n >= 1, "policy count out of range");
    if (n >= 1) {
        fuzz_check(!has_doctype(data, size), "a DOCTYPE was accepted");
        fuzz_check(board_import_parse(a, schema(), xml, size, true) == n,
                   "the same file gave another answer");
    }
    fuzz_check_memory(a, size);
    arena_reset(a);
    return 0;
}
