/*
 * handlers: every page handler, as listed in the route table (routes.c).
 * One file per area: page_home.c, page_account.c, page_admin.c.
 */
#ifndef GK_HANDLERS_H
#define GK_HANDLERS_H

#include "app.h"

void home_get(struct req *r);
void health_get(struct req *r);
void prefs_display_get(struct req *r);

void register_get(struct req *r);
void register_post(struct req *r);
void login_get(struct req *r);
void login_post(struct req *r);
void logout_post(struct req *r);
void logout_all_post(struct req *r);
void me_get(struct req *r);

void admin_home_get(struct req *r);
void admin_audit_get(struct req *r);

#endif
