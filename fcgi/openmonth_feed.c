/* 政府开放月, the personal calendar feed: GET /open-month/calendar/{key}.ics
 * lists the person's confirmed activities for a calendar app to
 * subscribe to. Calendar apps send no session cookie, so the address
 * itself is the credential: key = "{user id}-{mac}", the mac a keyed hash
 * (crypt_index, ctx "om.feed") of the user id and session epoch, cut to
 * 128 bits. Nothing is stored; bumping the account's session epoch (log
 * out everywhere, a new password) retires every old address. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypt.h"
#include "db.h"
#include "openmonth.h"
#include "openmonth_text.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

#define FEED_MAC 16 /* bytes of the keyed hash in the address */

/* The mac part of the address of (uid, epoch), base64url. */
static const char *
feed_mac(struct req *r, long long uid, long long epoch)
{
    char msg[48];
    int n = snprintf(msg, sizeof(msg), "%lld:%lld", uid, epoch);
    unsigned char h[INDEX_BYTES];
    crypt_index(r->w->keys, "om.feed", msg, (size_t)n, h);
    char *out = arena_alloc(
        r->a, sodium_base64_ENCODED_LEN(
                  FEED_MAC, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    sodium_bin2base64(out,
                      sodium_base64_ENCODED_LEN(
                          FEED_MAC, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      h, FEED_MAC, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

const char *
om_feed_path(struct req *r)
{
    const struct user *u = req_user(r);
    return arena_printf(r->a, "/open-month/calendar/%lld-%s.ics",
                        (long long)u->id, feed_mac(r, u->id, u->epoch));
}

/* The user id the key names if its mac is right, else 0. */
static long long
feed_user(struct req *r, const char *key)
{
    const char *dash = strchr(key, '-');
    long uid;
    if (dash == NULL || dash == key || dash - key > 18 ||
        !valid_int(arena_strndup(r->a, key, (size_t)(dash - key)), 1,
                   9007199254740991L, &uid))
        return 0;
    PGresult *res = DBQ(r, STMT_om_feed_user, arena_printf(r->a, "%ld", uid));
    if (res == NULL || PQntuples(res) != 1)
        return 0;
    const char *want = feed_mac(r, uid, db_getll(res, 0, 0));
    size_t n = strlen(want);
    /* constant time: the mac is the credential */
    if (strlen(dash + 1) != n || sodium_memcmp(want, dash + 1, n) != 0)
        return 0;
    return uid;
}

void
om_feed_get(struct req *r)
{
    long long uid = feed_user(r, r->args[0]);
    PGresult *res =
        uid ? DBQ(r, STMT_om_feed, arena_printf(r->a, "%lld", uid)) : NULL;
    if (res == NULL) {
        if (r->db_down)
            page_fail(r);
        else
            page_error(r, 404, "日历不存在",
                       "这个日历地址无效或已失效。请在“我的”中复制新的地址。");
        return;
    }
    struct buf *b = &r->resp.body;
    om_ics_begin(b, "我的政府开放活动");
    for (int i = 0; i < PQntuples(res); i++) {
        struct om_act a = {
            .id = db_get(res, i, 0),
            .title = db_get(res, i, 1),
            .place = db_get(res, i, 2),
            .url = db_get(res, i, 3),
            .desc = db_get(res, i, 4),
            .access = db_get(res, i, 5),
            .dept_name = db_get(res, i, 6),
            .ics_start = db_get(res, i, 7),
            .ics_end = db_get(res, i, 8),
            .ics_stamp = db_get(res, i, 9),
            .revision = db_get(res, i, 10),
            .called_off = db_get(res, i, 11),
            .called_off_reason = db_get(res, i, 12),
        };
        om_ics_event(r, b, &a);
    }
    om_ics_prop(b, "END", "VCALENDAR", false);
    r->resp.ctype = "text/calendar; charset=utf-8";
}
