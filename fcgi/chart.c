/* chart: SVG bar charts as libxml2 trees (chart.h). */
#include "chart.h"

#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SVG_NS "http://www.w3.org/2000/svg"

/* Sizes in SVG user units. Normal mode: one column per bar, 560 wide.
 * 长者模式: one row per bar (label left, value after the bar) in a drawing
 * only 480 wide with 22-unit letters, so that on a phone, where the drawing
 * shrinks to the screen, the letters stay about as large as the page's
 * text, and 12 labels never crowd each other as 12 columns would. */
struct geom {
    double w, h;         /* whole drawing */
    double left, bottom; /* room for tick labels and bar labels */
    double top, right;
    double font;
    double row; /* rows mode: height of one bar's row; 0 = columns */
};

static struct geom
geom_of(const struct chart *c)
{
    if (c->large) {
        struct geom g = {480, 0, 72, 40, 8, 104, 22, 40};
        g.h = g.top + g.row * (double)(c->n > 3 ? c->n : 3) + g.bottom;
        return g;
    }
    return (struct geom){560, 320, 64, 44, 32, 8, 18, 0};
}

double
chart_scale(double max, int *intervals)
{
    *intervals = 5;
    if (!(max > 0)) /* also NaN */
        return 1;
    if (!isfinite(max) || max > 1e300)
        max = 1e300;
    double mag = 1;
    while (mag * 10 <= max)
        mag *= 10;
    while (mag > max)
        mag /= 10;
    static const double steps[] = {1, 2, 5, 10};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (steps[i] * mag >= max) {
            *intervals = steps[i] == 2 ? 4 : 5;
            return steps[i] * mag;
        }
    return 10 * mag; /* not reached: max < 10 * mag */
}

/* ---- building the tree ---- */

static void
attr(xmlNodePtr n, const char *name, const char *value)
{
    /* xmlNewProp keeps the value as text; the serialiser escapes it. */
    xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static void attrf(xmlNodePtr n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
attrf(xmlNodePtr n, const char *name, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    attr(n, name, v);
}

static xmlNodePtr
node(xmlNodePtr parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

/* An element holding text: xmlNewTextChild (unlike xmlNewChild) takes the
 * content as plain text and escapes < > & when serialised. */
static xmlNodePtr
text_node(xmlNodePtr parent, const char *name, const char *s)
{
    return xmlNewTextChild(parent, NULL, (const xmlChar *)name,
                           (const xmlChar *)(s ? s : ""));
}

static xmlNodePtr
line(xmlNodePtr g, double x1, double y1, double x2, double y2)
{
    xmlNodePtr l = node(g, "line");
    attrf(l, "x1", "%.1f", x1);
    attrf(l, "y1", "%.1f", y1);
    attrf(l, "x2", "%.1f", x2);
    attrf(l, "y2", "%.1f", y2);
    return l;
}

static xmlNodePtr
label(xmlNodePtr g, double x, double y, const char *anchor, const char *s)
{
    xmlNodePtr t = text_node(g, "text", s);
    attrf(t, "x", "%.1f", x);
    attrf(t, "y", "%.1f", y);
    attr(t, "text-anchor", anchor);
    return t;
}

static void
fmt_value(char *out, size_t n, double v, int decimals, const char *unit)
{
    snprintf(out, n, "%.*f%s", decimals < 0 ? 0 : decimals, v,
             unit ? unit : "");
}

static xmlNodePtr
group(xmlNodePtr svg, const char *cls)
{
    xmlNodePtr g = node(svg, "g");
    attr(g, "class", cls);
    attr(g, "fill", "currentColor");
    return g;
}

/* Grid lines with their values: across the plot, values on the left
 * (columns), or down the plot, values underneath (rows). */
static void
draw_axis(xmlNodePtr svg, const struct geom *g, double top, int steps)
{
    xmlNodePtr ax = group(svg, "axis");
    attr(ax, "stroke", "currentColor");
    attr(ax, "aria-hidden", "true");
    double plot_w = g->w - g->left - g->right;
    double plot_h = g->h - g->top - g->bottom;
    for (int i = 0; i <= steps; i++) {
        char v[48];
        snprintf(v, sizeof(v), top / steps >= 1 ? "%.0f" : "%g",
                 top * i / steps);
        xmlNodePtr l, t;
        if (g->row > 0) {
            double x = g->left + plot_w * i / steps;
            l = line(ax, x, g->top, x, g->top + plot_h);
            t = label(ax, x, g->h - g->bottom + g->font + 8, "middle", v);
        } else {
            double y = g->h - g->bottom - plot_h * i / steps;
            l = line(ax, g->left, y, g->w - g->right, y);
            t = label(ax, g->left - 8, y + g->font / 3, "end", v);
        }
        attr(l, "stroke-width", i == 0 ? "2" : "1");
        attr(l, "stroke-opacity", i == 0 ? "1" : "0.35");
        attr(t, "stroke", "none");
    }
}

/* One bar: its rect (with the value as data and a <title>: label: value),
 * the value beside its end unless 0 (the table has every number), and
 * its label. (x, y) is the top left corner. */
static void
bar(xmlNodePtr bars, const struct chart *c, const struct geom *g, size_t i,
    const double box[4])
{
    char val[64];
    fmt_value(val, sizeof(val), c->bars[i].value, c->decimals, c->unit);
    xmlNodePtr r = node(bars, "rect");
    attr(r, "class", "bar");
    attrf(r, "x", "%.1f", box[0]);
    attrf(r, "y", "%.1f", box[1]);
    attrf(r, "width", "%.1f", box[2]);
    attrf(r, "height", "%.1f", box[3]);
    attr(r, "fill", "#1f4e8c"); /* 8.3:1 on white */
    attrf(r, "data-value", "%.*f", c->decimals, c->bars[i].value);
    char tip[256];
    snprintf(tip, sizeof(tip), "%s：%s",
             c->bars[i].label ? c->bars[i].label : "", val);
    text_node(r, "title", tip);
    bool shown = c->bars[i].value != 0;
    xmlNodePtr l;
    if (g->row > 0) {
        double mid = box[1] + box[3] / 2 + g->font / 3;
        if (shown)
            label(bars, box[0] + box[2] + 6, mid, "start", val);
        l = label(bars, g->left - 8, mid, "end", c->bars[i].label);
    } else {
        double mid = box[0] + box[2] / 2;
        if (shown)
            label(bars, mid, box[1] - 6, "middle", val);
        l = label(bars, mid, g->h - g->bottom + g->font + 8, "middle",
                  c->bars[i].label);
    }
    attr(l, "class", "bar-label");
}

static void
draw_bars(xmlNodePtr svg, const struct chart *c, const struct geom *g,
          double top)
{
    xmlNodePtr bars = group(svg, "bars");
    double plot_w = g->w - g->left - g->right;
    double plot_h = g->h - g->top - g->bottom;
    for (size_t i = 0; i < c->n; i++) {
        double v = c->bars[i].value > 0 ? c->bars[i].value : 0;
        double share = (v > top ? top : v) / top;
        double box[4];
        if (g->row > 0) {
            box[0] = g->left;
            box[1] = g->top + g->row * (double)i + g->row * 0.15;
            box[2] = plot_w * share;
            box[3] = g->row * 0.7;
        } else {
            double slot = plot_w / (double)c->n;
            box[2] = slot * 0.6;
            box[3] = plot_h * share;
            box[0] = g->left + slot * (double)i + (slot - box[2]) / 2;
            box[1] = g->h - g->bottom - box[3];
        }
        bar(bars, c, g, i, box);
    }
}

static xmlNodePtr
svg_root(xmlDocPtr doc, const struct chart *c, const struct geom *g)
{
    xmlNodePtr svg = xmlNewDocNode(doc, NULL, (const xmlChar *)"svg", NULL);
    xmlDocSetRootElement(doc, svg);
    xmlSetNs(svg, xmlNewNs(svg, (const xmlChar *)SVG_NS, NULL));
    char ids[160];
    snprintf(ids, sizeof(ids), "%s-title %s-desc", c->id, c->id);
    attr(svg, "class", "chart");
    attr(svg, "role", "img");
    attr(svg, "aria-labelledby", ids);
    attrf(svg, "viewBox", "0 0 %.0f %.0f", g->w, g->h);
    attrf(svg, "font-size", "%.0f", g->font);
    xmlNodePtr t = text_node(svg, "title", c->title);
    attrf(t, "id", "%s-title", c->id);
    xmlNodePtr d = text_node(svg, "desc", c->desc);
    attrf(d, "id", "%s-desc", c->id);
    return svg;
}

static char *
serialise(struct arena *a, xmlDocPtr doc, xmlNodePtr root)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (b == NULL)
        return NULL;
    char *out = NULL;
    if (xmlNodeDump(b, doc, root, 0, 0) >= 0)
        out = arena_strndup(a, (const char *)xmlBufferContent(b),
                            (size_t)xmlBufferLength(b));
    xmlBufferFree(b);
    return out;
}

char *
chart_bar_svg(struct arena *a, const struct chart *c)
{
    struct geom g = geom_of(c);
    double max = c->max;
    for (size_t i = 0; c->max <= 0 && i < c->n; i++)
        if (c->bars[i].value > max)
            max = c->bars[i].value;
    int steps;
    double top = chart_scale(max, &steps);
    if (c->decimals == 0 && top < 5) { /* counts: no 0.2-step grid */
        top = 5;
        steps = 5;
    }
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    if (doc == NULL)
        return NULL;
    xmlNodePtr svg = svg_root(doc, c, &g);
    attr(svg, "fill", "currentColor");
    draw_axis(svg, &g, top, steps);
    if (c->n == 0)
        label(svg, g.w / 2, g.h / 2, "middle", "暂无数据");
    else
        draw_bars(svg, c, &g, top);
    char *out = serialise(a, doc, svg);
    xmlFreeDoc(doc);
    return out;
}
