/*
 * chart: small SVG charts made on the server for the dashboards
 * (GET /admin/dashboard). A chart is built as a libxml2 tree
 * (xmlNewDoc/xmlNewChild/xmlNewTextChild) and serialised by libxml2, so
 * every label and title goes in as a text node and comes out escaped by
 * the serialiser: a department or activity name with "<" or "&" cannot
 * become markup. The page prints the numbers as a table beside it too.
 *
 * Accessibility: <svg role="img" aria-labelledby="ID-title ID-desc"> with
 * a <title> and a <desc>; text and axes in currentColor (the page's ink,
 * black in 长者模式), bars in a blue with 8:1 contrast on white, every bar
 * labelled with its value so colour carries nothing alone.
 */
#ifndef GK_CHART_H
#define GK_CHART_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct chart_bar {
    const char *label; /* under the bar: "3月" */
    double value;      /* negative values are drawn as 0 */
};

struct chart {
    const char *id;    /* unique in the page: ids ID-title and ID-desc */
    const char *title; /* <title>, e.g. "2025年每月留言数" */
    const char *desc;  /* <desc>: what the bars mean, where the table is */
    const char *unit;  /* after each value: "条", "%", "" */
    int decimals;      /* digits after the point in value labels */
    double max;        /* top of the scale; 0 = from the data */
    bool large;        /* 长者模式: larger letters, one row per bar */
    const struct chart_bar *bars;
    size_t n;
};

/* The top of the value axis: the smallest 1, 2 or 5 x 10^k >= max
 * (1 when max <= 0). *intervals gets the number of grid steps (4 or 5),
 * so that every tick is a round number. */
double chart_scale(double max, int *intervals);

/* The chart as an <svg> element (no XML declaration), in arena a; NULL if
 * libxml2 failed. An empty chart (n == 0) says 暂无数据. */
char *chart_bar_svg(struct arena *a, const struct chart *c);

#endif
