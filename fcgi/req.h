/*
 * req: one request from accept to response: read the FastCGI parameters,
 * parse (size-capped, UTF-8 checked), route, enforce the route's access
 * level and CSRF, run the handler, answer 503 if the database went away,
 * send, and write the request's log line.
 */
#ifndef GK_REQ_H
#define GK_REQ_H

#include "app.h"

typedef struct FCGX_Request FCGX_Request;

void req_handle(struct worker *w, FCGX_Request *f, struct arena *a);

#endif
