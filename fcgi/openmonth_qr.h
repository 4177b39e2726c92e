/*
 * openmonth_qr: the QR code of a signed ticket code as SVG (libqrencode
 * builds the matrix; the XML mode of the escaping writer writes it), so a
 * check-in device can scan the ticket off a phone screen or a printout.
 */
#ifndef GK_OPENMONTH_QR_H
#define GK_OPENMONTH_QR_H

#include <stddef.h>

#include "buf.h"

#define OM_QR_QUIET 4    /* light modules around the symbol (ISO 18004) */
#define OM_QR_MAX   1000 /* bytes of text we are willing to encode */

/* Appends <svg> with the QR code (8-bit mode, error correction level M)
 * of text to out: a white background including the quiet zone, the dark
 * modules as one <path>, a <title> (title, escaped) named by
 * aria-labelledby through id, viewBox in modules so it scales, and px
 * width/height of px (0: 4 px a module). 0 on success; -1 and nothing
 * written when text is empty or longer than OM_QR_MAX, or libqrencode
 * refuses it. Writes the number of modules across (quiet zone included)
 * to *modules when modules is not NULL. */
int om_qr_svg(struct buf *out, const char *text, const char *title,
              const char *id, int px, int *modules)
    __attribute__((warn_unused_result));

#endif
