/*
 * Unit tests for fcgi/chart.c: round scales, empty data, escaping of
 * labels and titles, large values, and bars whose heights follow the data.
 * Every chart is parsed back with libxml2 to prove it is well-formed XML.
 */
#include "unit.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "chart.h"

static void
test_scale(void **state)
{
    (void)state;
    int k;
    assert_true(chart_scale(0, &k) == 1);
    assert_int_equal(k, 5);
    assert_true(chart_scale(-3, &k) == 1);
    assert_true(chart_scale(7, &k) == 10);
    assert_int_equal(k, 5);
    assert_true(chart_scale(10, &k) == 10);
    assert_true(chart_scale(11, &k) == 20);
    assert_int_equal(k, 4);
    assert_true(chart_scale(45, &k) == 50);
    assert_int_equal(k, 5);
    assert_true(chart_scale(100, &k) == 100);
    assert_true(chart_scale(0.3, &k) > 0.49 && chart_scale(0.3, &k) < 0.51);
    assert_true(chart_scale(1e12 + 1, &k) == 2e12);
    assert_true(chart_scale(1.0 / 0.0, &k) >= 1e300); /* no endless loop */
}

/* Parses the SVG; fails the test if it is not well-formed. */
static xmlDocPtr
parse(const char *svg)
{
    assert_non_null(svg);
    xmlDocPtr d = xmlReadMemory(svg, (int)strlen(svg), "chart.svg", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(d);
    return d;
}

/* Heights of the rect.bar elements in document order; returns the count. */
static size_t
bar_heights(xmlDocPtr d, double *out, size_t cap)
{
    size_t n = 0;
    xmlNodePtr root = xmlDocGetRootElement(d);
    for (xmlNodePtr g = root->children; g; g = g->next)
        for (xmlNodePtr c = g->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE ||
                strcmp((const char *)c->name, "rect") != 0)
                continue;
            xmlChar *h = xmlGetProp(c, (const xmlChar *)"height");
            if (n < cap)
                out[n] = atof((const char *)h);
            n++;
            xmlFree(h);
        }
    return n;
}

static void
test_bars(void **state)
{
    struct chart_bar b[] = {{"1月", 3}, {"2月", 0}, {"3月", 12}, {"4月", 6}};
    struct chart c = {.id = "c1",
                      .title = "每月留言数",
                      .desc = "数字见下表",
                      .unit = "条",
                      .bars = b,
                      .n = 4};
    char *svg = chart_bar_svg(*state, &c);
    xmlDocPtr d = parse(svg);
    xmlNodePtr root = xmlDocGetRootElement(d);
    assert_string_equal((const char *)root->name, "svg");
    xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
    assert_string_equal((const char *)role, "img");
    xmlFree(role);
    assert_non_null(strstr(svg, "aria-labelledby=\"c1-title c1-desc\""));
    assert_non_null(strstr(svg, "<title id=\"c1-title\">每月留言数</title>"));
    assert_non_null(strstr(svg, "12条"));
    double h[8];
    assert_int_equal(bar_heights(d, h, 8), 4);
    assert_true(h[1] == 0);
    assert_true(h[0] < h[3] && h[3] < h[2]);
    assert_true(h[2] > 3.9 * h[0] && h[2] < 4.1 * h[0]); /* 12 vs 3 */
    xmlFreeDoc(d);
}

static void
test_empty(void **state)
{
    struct chart c = {.id = "e", .title = "空", .desc = "无", .unit = ""};
    char *svg = chart_bar_svg(*state, &c);
    xmlDocPtr d = parse(svg);
    double h[1];
    assert_int_equal(bar_heights(d, h, 1), 0);
    assert_non_null(strstr(svg, "暂无数据"));
    xmlFreeDoc(d);
}

static void
test_escaped(void **state)
{
    struct chart_bar b[] = {{"<script>alert(1)</script>", 1}, {"A&B \"q\"", 2}};
    struct chart c = {.id = "x",
                      .title = "标题 <b>&amp;",
                      .desc = "</desc><script>",
                      .unit = "<i>",
                      .bars = b,
                      .n = 2};
    char *svg = chart_bar_svg(*state, &c);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "<b>"));
    assert_null(strstr(svg, "<i>"));
    assert_non_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(svg, "A&amp;B"));
    assert_non_null(strstr(svg, "&amp;amp;"));
    xmlDocPtr d = parse(svg);
    /* The text survives the round trip unchanged. */
    xmlNodePtr t = xmlDocGetRootElement(d)->children;
    xmlChar *s = xmlNodeGetContent(t);
    assert_string_equal((const char *)s, "标题 <b>&amp;");
    xmlFree(s);
    xmlFreeDoc(d);
}

static void
test_large_values(void **state)
{
    struct chart_bar b[] = {{"a", 1e12}, {"b", 5e11}, {"c", -4}};
    struct chart c = {
        .id = "l", .title = "大", .desc = "大", .unit = "", .bars = b, .n = 3};
    char *svg = chart_bar_svg(*state, &c);
    assert_non_null(strstr(svg, "1000000000000"));
    assert_null(strstr(svg, "e+"));
    xmlDocPtr d = parse(svg);
    double h[3];
    assert_int_equal(bar_heights(d, h, 3), 3);
    assert_true(h[0] > h[1] && h[1] > 0 && h[2] == 0);
    xmlFreeDoc(d);
}

static void
test_rate_and_large_mode(void **state)
{
    struct chart_bar b[] = {{"1月", 87.5}, {"2月", 100}};
    struct chart c = {.id = "r",
                      .title = "按时率",
                      .desc = "百分比",
                      .unit = "%",
                      .decimals = 1,
                      .max = 100,
                      .large = true,
                      .bars = b,
                      .n = 2};
    char *svg = chart_bar_svg(*state, &c);
    assert_non_null(strstr(svg, "87.5%"));
    assert_non_null(strstr(svg, "font-size=\"22\""));
    xmlFreeDoc(parse(svg));
}

/* 长者模式 draws rows: the bars' widths follow the values, heights equal. */
static double
attr_of(const char *svg, const char *name, int nth)
{
    const char *p = svg;
    for (int i = 0; i <= nth; i++) {
        p = strstr(p, "<rect class=\"bar\"");
        assert_non_null(p);
        p++;
    }
    char key[32];
    snprintf(key, sizeof(key), " %s=\"", name);
    return atof(strstr(p, key) + strlen(key));
}

static void
test_rows_in_large_mode(void **state)
{
    struct chart_bar b[] = {{"1月", 2}, {"2月", 8}, {"3月", 4}};
    struct chart c = {.id = "w",
                      .title = "行",
                      .desc = "行",
                      .unit = "件",
                      .large = true,
                      .bars = b,
                      .n = 3};
    char *svg = chart_bar_svg(*state, &c);
    xmlFreeDoc(parse(svg));
    double w0 = attr_of(svg, "width", 0), w1 = attr_of(svg, "width", 1),
           w2 = attr_of(svg, "width", 2);
    assert_true(w1 > w2 && w2 > w0 && w0 > 0);
    assert_true(w1 > 3.9 * w0 && w1 < 4.1 * w0);
    assert_true(attr_of(svg, "height", 0) == attr_of(svg, "height", 2));
    assert_true(attr_of(svg, "y", 0) < attr_of(svg, "y", 1));
    assert_non_null(strstr(svg, "viewBox=\"0 0 480 "));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test_setup_teardown(test_bars, unit_arena_setup,
                                        unit_arena_teardown),
        cmocka_unit_test_setup_teardown(test_empty, unit_arena_setup,
                                        unit_arena_teardown),
        cmocka_unit_test_setup_teardown(test_escaped, unit_arena_setup,
                                        unit_arena_teardown),
        cmocka_unit_test_setup_teardown(test_large_values, unit_arena_setup,
                                        unit_arena_teardown),
        cmocka_unit_test_setup_teardown(test_rate_and_large_mode,
                                        unit_arena_setup, unit_arena_teardown),
        cmocka_unit_test_setup_teardown(test_rows_in_large_mode,
                                        unit_arena_setup, unit_arena_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
