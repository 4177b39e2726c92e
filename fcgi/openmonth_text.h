/*
 * openmonth_text: the two plain-text formats of the Government Open Month,
 * as pure writers into a buf (unit-tested on their own):
 *
 * - iCalendar (RFC 5545): content lines end in CRLF (3.1), are folded
 *   before 75 octets without splitting a UTF-8 sequence (3.1), and TEXT
 *   values escape backslash, semicolon, comma and newlines (3.3.11).
 * - CSV for Excel (RFC 4180 quoting): a cell that starts with = + - @ (or
 *   a tab or CR) is prefixed with an apostrophe so a spreadsheet shows it
 *   as text instead of running it as a formula (CSV injection).
 */
#ifndef GK_OPENMONTH_TEXT_H
#define GK_OPENMONTH_TEXT_H

#include <stdbool.h>

#include "buf.h"

/* "NAME:value" + CRLF, folded; text = escape as an RFC 5545 TEXT value
 * (otherwise the value is written as is: dates, URIs, fixed tokens). */
void om_ics_prop(struct buf *b, const char *name, const char *value, bool text);

/* One CSV cell, preceded by a comma unless first. */
void om_csv_cell(struct buf *b, const char *s, bool first);
/* Ends a CSV record (CRLF, as RFC 4180 and Excel expect). */
void om_csv_end(struct buf *b);

#endif
