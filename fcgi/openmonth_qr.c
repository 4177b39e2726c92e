/* The QR code of a ticket as SVG: see openmonth_qr.h. */
#include "openmonth_qr.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "html.h"

/* The dark modules as one path: each horizontal run of dark modules in a
 * row is one rectangle "M x y h n v1 h-n z", offset by the quiet zone.
 * Runs keep the path short (a 99-character code: about 4 KB). */
static void
qr_path(struct buf *d, const QRcode *q)
{
    for (int y = 0; y < q->width; y++) {
        const unsigned char *row = q->data + (size_t)y * (size_t)q->width;
        for (int x = 0; x < q->width;) {
            if ((row[x] & 1) == 0) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < q->width && (row[x + run] & 1))
                run++;
            buf_printf(d, "M%d %dh%dv1h-%dz", x + OM_QR_QUIET, y + OM_QR_QUIET,
                       run, run);
            x += run;
        }
    }
}

int
om_qr_svg(struct buf *out, const char *text, const char *title, const char *id,
          int px, int *modules)
{
    if (text == NULL || *text == '\0' || strlen(text) > OM_QR_MAX)
        return -1;
    /* 8-bit mode: the signed code is base64url, mixed case. Level M takes
     * a 99-character code in version 6 (41 modules) and survives a
     * scratched printout or a cracked phone screen. */
    QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (q == NULL)
        return -1;
    int n = q->width + 2 * OM_QR_QUIET;
    struct buf d;
    buf_init(&d, out->a, 4096);
    qr_path(&d, q);
    QRcode_free(q);
    char box[32], side[16], size[16];
    snprintf(box, sizeof(box), "0 0 %d %d", n, n);
    snprintf(side, sizeof(side), "%d", n);
    snprintf(size, sizeof(size), "%d", px > 0 ? px : 4 * n);

    struct html x;
    html_init_xml(&x, out);
    html_open(&x, "svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", box,
              "width", size, "height", size, "role", "img", "aria-labelledby",
              id, "class", "om-qr", "shape-rendering", "crispEdges", NULL);
    html_elem(&x, "title", title, "id", id, NULL);
    /* Black on white whatever the page's colours (dark mode, high
     * contrast): scanners need the light quiet zone. */
    html_void(&x, "rect", "width", side, "height", side, "fill", "#fff", NULL);
    html_void(&x, "path", "d", buf_cstr(&d), "fill", "#000", NULL);
    html_close(&x, "svg");
    if (modules != NULL)
        *modules = n;
    return 0;
}
