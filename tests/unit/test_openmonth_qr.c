/*
 * Unit tests for fcgi/openmonth_qr.c: the SVG of a ticket's QR code.
 * The path is read back into a module grid and compared with libqrencode's
 * own matrix, so the run-length drawing cannot drop or shift a module.
 */
#include "unit.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "openmonth_qr.h"

/* One arena and buffer, fresh for each test. */
static struct arena arena;
static struct buf out;

static int
setup(void **state)
{
    (void)state;
    arena_init(&arena, 0);
    buf_init(&out, &arena, 64);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    arena_free(&arena);
    return 0;
}

/* A 99-character signed code (base64url, mixed case). */
static const char code99[] =
    "AQEAAAAqAAAAB3xYz_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
    "QRSTUVWXYZ-_0123456789abcdefg";

/* Reads "M x y h n v1 h-n z" rectangles of the d attribute into grid
 * (n x n, 1 = dark); returns the number of rectangles or -1. */
static int
read_path(const char *svg, unsigned char *grid, int n)
{
    const char *p = strstr(svg, " d=\"");
    if (p == NULL)
        return -1;
    p += 4;
    int rects = 0;
    while (*p == 'M') {
        int x, y, w, w2, used = 0;
        if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &w, &w2, &used) != 4 ||
            w != w2 || x < 0 || y < 0 || x + w > n || y >= n)
            return -1;
        for (int i = 0; i < w; i++)
            grid[y * n + x + i] = 1;
        p += used;
        rects++;
    }
    return *p == '"' ? rects : -1;
}

static void
matches_libqrencode(const char *text, const char *svg, int n)
{
    QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    assert_non_null(q);
    assert_int_equal(n, q->width + 2 * OM_QR_QUIET);
    unsigned char *grid = calloc((size_t)n * (size_t)n, 1);
    assert_non_null(grid);
    assert_true(read_path(svg, grid, n) > 0);
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int qx = x - OM_QR_QUIET, qy = y - OM_QR_QUIET;
            int dark = qx >= 0 && qy >= 0 && qx < q->width && qy < q->width &&
                       (q->data[qy * q->width + qx] & 1);
            assert_int_equal(grid[y * n + x], dark);
        }
    free(grid);
    QRcode_free(q);
}

static void
test_ticket_code(void **state)
{
    (void)state;
    int n = 0;
    assert_int_equal(om_qr_svg(&out, code99, "票码", "qr1", 0, &n), 0);
    /* 99 bytes at level M: version 6, 41 modules, plus the quiet zones */
    assert_int_equal(n, 41 + 2 * OM_QR_QUIET);
    const char *svg = buf_cstr(&out);
    assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) ==
                0);
    assert_non_null(strstr(svg, " viewBox=\"0 0 49 49\" width=\"196\" "
                                "height=\"196\" role=\"img\" "
                                "aria-labelledby=\"qr1\""));
    assert_non_null(strstr(svg, "<title id=\"qr1\">票码</title>"));
    assert_non_null(
        strstr(svg, "<rect width=\"49\" height=\"49\" fill=\"#fff\"/>"));
    const char *path = strstr(svg, "<path ");
    assert_non_null(path);
    assert_null(strstr(path + 1, "<path "));
    assert_non_null(strstr(svg, "fill=\"#000\"/></svg>"));
    assert_int_equal(strlen(svg), out.len);
    matches_libqrencode(code99, svg, n);
}

static void
test_sizes(void **state)
{
    (void)state;
    int n = 0;
    /* the smallest symbol: version 1, 21 modules */
    assert_int_equal(om_qr_svg(&out, "A", "t", "q", 120, &n), 0);
    assert_int_equal(n, 21 + 2 * OM_QR_QUIET);
    assert_non_null(strstr(buf_cstr(&out), "width=\"120\" height=\"120\""));
    matches_libqrencode("A", buf_cstr(&out), n);
    /* the largest text we accept still fits a symbol */
    buf_clear(&out);
    char *big = malloc(OM_QR_MAX + 1);
    assert_non_null(big);
    memset(big, 'x', OM_QR_MAX);
    big[OM_QR_MAX] = '\0';
    assert_int_equal(om_qr_svg(&out, big, "t", "q", 0, &n), 0);
    assert_true(n > 100 && n <= 177 + 2 * OM_QR_QUIET);
    matches_libqrencode(big, buf_cstr(&out), n);
    free(big);
}

static void
test_errors_write_nothing(void **state)
{
    (void)state;
    int n = 7;
    assert_int_equal(om_qr_svg(&out, "", "t", "q", 0, &n), -1);
    assert_int_equal(om_qr_svg(&out, NULL, "t", "q", 0, &n), -1);
    char *huge = malloc(OM_QR_MAX + 2);
    assert_non_null(huge);
    memset(huge, 'x', OM_QR_MAX + 1);
    huge[OM_QR_MAX + 1] = '\0';
    assert_int_equal(om_qr_svg(&out, huge, "t", "q", 0, &n), -1);
    free(huge);
    assert_int_equal(out.len, 0);
    assert_int_equal(n, 7);
}

static void
test_title_escaped(void **state)
{
    (void)state;
    assert_int_equal(om_qr_svg(&out, "x", "<b>&\"'</b>", "a\"b", 0, NULL), 0);
    const char *svg = buf_cstr(&out);
    assert_non_null(
        strstr(svg, "<title id=\"a&quot;b\">&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;"
                    "</title>"));
    assert_null(strstr(svg, "<b>"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ticket_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_write_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_title_escaped, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
