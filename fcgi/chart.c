/* chart: SVG bar charts as libxml2 trees (chart.h). */
#include "chart.h"

#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SVG_NS "http://www.w3.org/2000/svg"

/* Sizes in SVG user units; the element scales to the page width, so the
 * large mode draws bigger letters and a taller plot instead of relying on
 * the page's font size (SVG text does not follow rem). */
struct geom {
    double w, h;         /* whole drawing */
    double left, bottom; /* room for tick labels and bar labels */
    double top, right;
    double font;
};

static struct geom
geom_of(bool large)
{
    if (large)
        return (struct geom){720, 440, 96, 60, 40, 16, 22};
    return (struct geom){640, 320, 72, 44, 32, 12, 15};
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

/* Grid lines and their values on the left. */
static void
draw_axis(xmlNodePtr svg, const struct geom *g, double top, int steps)
{
    xmlNodePtr ax = node(svg, "g");
    attr(ax, "class", "axis");
    attr(ax, "stroke", "currentColor");
    attr(ax, "fill", "currentColor");
    attr(ax, "aria-hidden", "true");
    double plot_h = g->h - g->top - g->bottom;
    for (int i = 0; i <= steps; i++) {
        double v = top * i / steps;
        double y = g->h - g->bottom - plot_h * i / steps;
        xmlNodePtr l = line(ax, g->left, y, g->w - g->right, y);
        attr(l, "stroke-width", i == 0 ? "2" : "1");
        attr(l, "stroke-opacity", i == 0 ? "1" : "0.35");
        char v_s[48];
        snprintf(v_s, sizeof(v_s), top / steps >= 1 ? "%.0f" : "%g", v);
        xmlNodePtr t = label(ax, g->left - 8, y + g->font / 3, "end", v_s);
        attr(t, "stroke", "none");
    }
}

static void
draw_bars(xmlNodePtr svg, const struct chart *c, const struct geom *g,
          double top)
{
    xmlNodePtr bars = node(svg, "g");
    attr(bars, "class", "bars");
    attr(bars, "fill", "currentColor");
    double plot_w = g->w - g->left - g->right;
    double plot_h = g->h - g->top - g->bottom;
    double slot = plot_w / (double)c->n;
    double bw = slot * 0.6;
    for (size_t i = 0; i < c->n; i++) {
        double v = c->bars[i].value > 0 ? c->bars[i].value : 0;
        if (v > top)
            v = top;
        double bh = plot_h * v / top;
        double x = g->left + slot * (double)i + (slot - bw) / 2;
        double base = g->h - g->bottom;
        char val[64];
        fmt_value(val, sizeof(val), c->bars[i].value, c->decimals, c->unit);
        xmlNodePtr r = node(bars, "rect");
        attr(r, "class", "bar");
        attrf(r, "x", "%.1f", x);
        attrf(r, "y", "%.1f", base - bh);
        attrf(r, "width", "%.1f", bw);
        attrf(r, "height", "%.1f", bh);
        attr(r, "fill", "#1f4e8c"); /* 8.3:1 on white */
        attrf(r, "data-value", "%.*f", c->decimals, c->bars[i].value);
        /* A tooltip and the accessible name of the bar. */
        char tip[256];
        snprintf(tip, sizeof(tip), "%s：%s",
                 c->bars[i].label ? c->bars[i].label : "", val);
        text_node(r, "title", tip);
        label(bars, x + bw / 2, base - bh - 6, "middle", val);
        xmlNodePtr l = label(bars, x + bw / 2, base + g->font + 8, "middle",
                             c->bars[i].label);
        attr(l, "class", "bar-label");
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
    struct geom g = geom_of(c->large);
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
