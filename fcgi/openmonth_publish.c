/* 政府开放月, publishing: staff publish an activity for their department
 * (admins for any), and edit it until it ends. An edit that changes
 * something stamps the activity (people who signed up see "活动信息已更新"
 * on its page and their ticket, calendars get a higher SEQUENCE); the
 * capacity may grow, and the new seats go to the people waiting in the
 * same transaction. Both are audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "openmonth.h"
#include "page.h"
#include "parse.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

/* ---- publishing ---- */

static const struct field f_title = {"title", "活动名称", "text", NULL,
                                     NULL,    true,       100};
static const struct field f_dept = {"dept", "主办部门", NULL, NULL,
                                    NULL,   true,       0};
static const struct field f_starts = {
    "starts_at", "开始时间", "datetime-local", "例如 2024-08-15 09:30", NULL,
    true,        0};
static const struct field f_ends = {
    "ends_at", "结束时间", "datetime-local", "例如 2024-08-15 11:30", NULL,
    true,      0};
static const struct field f_place = {
    "place", "活动地点", "text", "线下活动填写详细地址；线上活动可不填",
    NULL,    false,      200};
static const struct field f_url = {
    "online_url", "线上参加链接",
    "url",        "线上活动的网址，以 https:// 开头；线下活动可不填",
    NULL,         false,
    500};
static const struct field f_capacity = {
    "capacity", "名额", "number", "最多可以参加的人数", NULL, true, 6};
static const struct field f_until = {"signup_until",
                                     "报名截止时间",
                                     "datetime-local",
                                     "不能晚于开始时间",
                                     NULL,
                                     true,
                                     0};
static const struct field f_desc = {"description", "活动介绍", "textarea", NULL,
                                    NULL,          false,      5000};
static const struct field f_access = {"accessibility",
                                      "无障碍服务",
                                      "textarea",
                                      "例如：轮椅通道、手语翻译、可陪同一人",
                                      NULL,
                                      false,
                                      1000};
static const struct field f_vfrom = {
    "vote_from",
    "投票开始时间",
    "datetime-local",
    "“最受欢迎的开放活动”投票；不填则从活动开始起",
    NULL,
    false,
    0};
static const struct field f_vuntil = {"vote_until",
                                      "投票结束时间",
                                      "datetime-local",
                                      "不填则到活动结束后 30 天",
                                      NULL,
                                      false,
                                      0};

static void
new_form(struct req *r, struct form *f, int status)
{
    size_t k = 0;
    const char *mine = NULL;
    struct choice *ch = page_dept_choices(r, DEPT_CODE, true, &k, &mine);
    if (ch == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "发布开放活动");
    form_open(f, h, "/admin/open-month", false);
    form_field(f, h, &f_title);
    form_select(f, h, &f_dept, ch, k, mine);
    form_field(f, h, &f_starts);
    form_field(f, h, &f_ends);
    form_field(f, h, &f_place);
    form_field(f, h, &f_url);
    form_field(f, h, &f_capacity);
    form_field(f, h, &f_until);
    form_field(f, h, &f_desc);
    form_field(f, h, &f_access);
    form_field(f, h, &f_vfrom);
    form_field(f, h, &f_vuntil);
    form_submit(h, "发布");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

void
om_admin_new_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    new_form(r, &f, 200);
}

struct new_act {
    const char *title, *place, *url, *desc, *access;
    char starts[17], ends[17], until[17], vfrom[17], vuntil[17];
    const char *dept; /* departments.id as text */
    long capacity;
    bool has_vfrom, has_vuntil;
};

/* A required or optional time; true if given and valid. */
static bool
when(struct req *r, struct form *f, const char *name, bool required,
     char out[17])
{
    const char *v = req_param(r, name);
    if (v == NULL || *valid_trim(r->a, v) == '\0') {
        if (required)
            form_error(f, name, "请填写时间，格式如 2024-08-15 09:30");
        return false;
    }
    if (!valid_datetime(valid_trim(r->a, v), out)) {
        form_error(f, name, "时间格式不对，请按 2024-08-15 09:30 填写");
        return false;
    }
    return true;
}

/* The department: admins choose any, staff only their own. */
static void
check_dept(struct req *r, struct form *f, struct new_act *n)
{
    struct user *u = req_user(r);
    const char *code = req_param(r, "dept");
    PGresult *depts = DBQ0(r, STMT_dept_list);
    n->dept = NULL;
    for (int i = 0; depts && code && i < PQntuples(depts); i++)
        if (strcmp(db_get(depts, i, 1), code) == 0 &&
            (u->role == ROLE_ADMIN || db_getll(depts, i, 0) == u->dept))
            n->dept = db_get(depts, i, 0);
    if (n->dept == NULL)
        form_error(f, "dept",
                   code && *code ? "只能为本部门发布活动" : "请选择主办部门");
}

static void
check_texts(struct req *r, struct form *f, struct new_act *n)
{
    n->title = valid_text(r->a, req_param(r, "title"), 1, 100);
    if (n->title == NULL)
        form_error(f, "title", "请填写活动名称（不超过 100 个字）");
    n->place = valid_text(r->a, req_param(r, "place"), 0, 200);
    if (n->place == NULL)
        form_error(f, "place", "地点不能超过 200 个字");
    n->url = valid_text(r->a, req_param(r, "online_url"), 0, 500);
    if (n->url == NULL ||
        (*n->url && strncmp(n->url, "https://", 8) != 0 &&
         strncmp(n->url, "http://", 7) != 0) ||
        (n->url && strpbrk(n->url, " \t\"<>") != NULL))
        form_error(f, "online_url", "请填写以 https:// 开头的完整网址");
    else if (n->place && *n->place == '\0' && *n->url == '\0')
        form_error(f, "place", "请填写活动地点，线上活动请填写线上参加链接");
    n->desc = valid_text(r->a, req_param(r, "description"), 0, 5000);
    if (n->desc == NULL)
        form_error(f, "description", "活动介绍不能超过 5000 个字");
    n->access = valid_text(r->a, req_param(r, "accessibility"), 0, 1000);
    if (n->access == NULL)
        form_error(f, "accessibility", "无障碍服务说明不能超过 1000 个字");
}

static void
check_times(struct req *r, struct form *f, struct new_act *n)
{
    bool s = when(r, f, "starts_at", true, n->starts);
    bool e = when(r, f, "ends_at", true, n->ends);
    bool u = when(r, f, "signup_until", true, n->until);
    n->has_vfrom = when(r, f, "vote_from", false, n->vfrom);
    n->has_vuntil = when(r, f, "vote_until", false, n->vuntil);
    /* canonical "YYYY-MM-DD HH:MM" strings compare like the times */
    if (s && e && strcmp(n->ends, n->starts) <= 0)
        form_error(f, "ends_at", "结束时间要晚于开始时间");
    if (s && u && strcmp(n->until, n->starts) > 0)
        form_error(f, "signup_until", "报名截止时间不能晚于活动开始时间");
    if (n->has_vfrom && n->has_vuntil && strcmp(n->vuntil, n->vfrom) <= 0)
        form_error(f, "vote_until", "投票结束时间要晚于开始时间");
    const char *cap = req_param(r, "capacity");
    if (cap == NULL ||
        !valid_int(valid_trim(r->a, cap), 1, 100000, &n->capacity))
        form_error(f, "capacity", "请填写 1 到 100000 之间的整数");
}

/* The parameters om_create and om_update share: $1 the title, $2 the
 * department (om_create) or the activity (om_update), $3..$12 the rest. */
static void
act_params(struct req *r, const struct new_act *n, const char *second,
           const char *p[12])
{
    p[0] = n->title;
    p[1] = second;
    p[2] = n->starts;
    p[3] = n->ends;
    p[4] = n->place;
    p[5] = n->url;
    p[6] = arena_printf(r->a, "%ld", n->capacity);
    p[7] = n->until;
    p[8] = n->desc;
    p[9] = n->access;
    p[10] = n->has_vfrom ? n->vfrom : NULL;
    p[11] = n->has_vuntil ? n->vuntil : NULL;
}

static const char *
create_store(struct req *r, const struct new_act *n)
{
    const char *prior;
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : NULL;
    const char *p[13];
    act_params(r, n, n->dept, p);
    p[12] = arena_printf(r->a, "%lld", (long long)req_user(r)->id);
    PGresult *res = db_exec(r, STMT_om_create, 13, p);
    if (res == NULL || PQntuples(res) != 1)
        return NULL;
    const char *id = db_get(res, 0, 0);
    const char *loc = arena_printf(r->a, "/admin/open-month/%s", id);
    if (audit(r, "om_create", arena_printf(r->a, "open-month/%s", id),
              n->title) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return NULL;
    return loc;
}

void
om_admin_create_post(struct req *r)
{
    struct form f;
    struct new_act n;
    memset(&n, 0, sizeof(n));
    form_init(&f, r, true);
    check_texts(r, &f, &n);
    check_dept(r, &f, &n);
    check_times(r, &f, &n);
    if (!form_ok(&f)) {
        new_form(r, &f, 422);
        return;
    }
    const char *loc = create_store(r, &n);
    if (loc == NULL)
        page_fail(r);
    else
        resp_redirect(r, loc);
}

/* ---- editing ---- */

/* A stored time as a datetime-local input wants it ("YYYY-MM-DDTHH:MM"). */
static const char *
local_time(struct req *r, const char *t)
{
    char *s = arena_strdup(r->a, t);
    if (strlen(s) == 16)
        s[10] = 'T';
    return s;
}

/* The stored values go where the form helpers keep typed input, unless
 * the request brought its own (a refused edit keeps what was typed). */
static void
edit_fill(struct req *r, const struct om_act *a)
{
    const char *const kv[][2] = {
        {"title", a->title},
        {"starts_at", local_time(r, a->starts)},
        {"ends_at", local_time(r, a->ends)},
        {"place", a->place},
        {"online_url", a->url},
        {"capacity", arena_printf(r->a, "%ld", a->capacity)},
        {"signup_until", local_time(r, a->signup_until)},
        {"description", a->desc},
        {"accessibility", a->access},
        {"vote_from", local_time(r, a->vote_from)},
        {"vote_until", local_time(r, a->vote_until)},
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        if (req_param(r, kv[i][0]) == NULL)
            params_add(r->a, &r->body, kv[i][0], kv[i][1], strlen(kv[i][1]));
}

static const struct field f_more = {
    "capacity", "名额",
    "number",   "只能增加，不能减少：增加的名额自动给候补的人",
    NULL,       true,
    6};

static void
edit_form(struct req *r, const struct om_act *a, struct form *f, int status)
{
    edit_fill(r, a);
    struct html *h = page_begin(r, "修改开放活动");
    html_elem(h, "p",
              "保存后，已报名的人会在活动页面和报名凭证上看到“活动信息已更新”"
              "的提示；订阅了日历的人，日历里的时间和地点会随之更新。",
              "class", "hint", NULL);
    html_open(h, "dl", "class", "facts", NULL);
    page_fact(h, "主办部门", a->dept_name, NULL);
    page_fact(h, "已报名",
              arena_printf(r->a, "%ld 人确认，%ld 人候补",
                           a->capacity - a->left, a->waiting),
              NULL);
    html_close(h, "dl");
    form_open(f, h, arena_printf(r->a, "/admin/open-month/%s/edit", a->id),
              false);
    form_field(f, h, &f_title);
    form_field(f, h, &f_starts);
    form_field(f, h, &f_ends);
    form_field(f, h, &f_place);
    form_field(f, h, &f_url);
    form_field(f, h, &f_more);
    form_field(f, h, &f_until);
    form_field(f, h, &f_desc);
    form_field(f, h, &f_access);
    form_field(f, h, &f_vfrom);
    form_field(f, h, &f_vuntil);
    form_submit(h, "保存修改");
    form_close(h);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回活动管理", "href",
              arena_printf(r->a, "/admin/open-month/%s", a->id), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

/* The activity of r->args[0], of the staff member's department, not yet
 * ended; 1 ok, else the page is set. */
static int
editable(struct req *r, struct om_act *a)
{
    if (om_desk_act(r, a) != 1)
        return 0;
    if (a->ended) {
        page_error(r, 409, "活动已经结束", "活动已经结束，不能再修改。");
        return 0;
    }
    if (*a->called_off) {
        page_error(r, 409, "活动已取消", "活动已取消，不能再修改。");
        return 0;
    }
    return 1;
}

void
om_admin_edit_get(struct req *r)
{
    struct om_act a;
    struct form f;
    if (editable(r, &a) != 1)
        return;
    form_init(&f, r, true);
    edit_form(r, &a, &f, 200);
}

/* Seats once given stay given, and the seats are dealt before the start. */
static void
check_capacity(struct form *f, const struct om_act *a, const struct new_act *n)
{
    if (n->capacity == 0 || n->capacity == a->capacity)
        return;
    if (n->capacity < a->capacity)
        form_error(f, "capacity",
                   arena_printf(f->r->a,
                                "名额只能增加，不能少于现在的 %ld 个"
                                "（已经给出的名额不能收回）",
                                a->capacity));
    else if (!a->future)
        form_error(f, "capacity", "活动已经开始，名额不能再改");
}

/* The change, its audit row and the new seats dealt to the people waiting,
 * in one transaction under the activity's row lock; the location to go
 * to, or NULL on error (*raced: a colleague's edit made the capacity
 * larger meanwhile, and the trigger refused to shrink it). om_fill runs
 * after every change: it only deals free seats, and which capacity this
 * form was checked against may be stale by now. */
static const char *
edit_store(struct req *r, const struct om_act *a, const struct new_act *n,
           bool *raced)
{
    const char *prior;
    const char *loc = arena_printf(r->a, "/admin/open-month/%s?saved=1", a->id);
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : NULL;
    const char *p[12];
    act_params(r, n, a->id, p);
    PGresult *res;
    if (DBQ(r, STMT_om_lock, a->id) == NULL)
        return NULL;
    if ((res = db_exec(r, STMT_om_update, 12, p)) == NULL) {
        *raced = r->sqlstate && strcmp(r->sqlstate, "23514") == 0;
        return NULL;
    }
    if (PQntuples(res) == 1 &&
        (DBQ(r, STMT_om_fill, a->id) == NULL ||
         audit(r, "om_edit", arena_printf(r->a, "open-month/%s", a->id),
               n->title) != 0))
        return NULL;
    if (form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return NULL;
    return loc;
}

void
om_admin_edit_post(struct req *r)
{
    struct om_act a;
    struct form f;
    struct new_act n;
    if (editable(r, &a) != 1)
        return;
    memset(&n, 0, sizeof(n));
    form_init(&f, r, true);
    check_texts(r, &f, &n);
    check_times(r, &f, &n);
    check_capacity(&f, &a, &n);
    if (!form_ok(&f)) {
        edit_form(r, &a, &f, 422);
        return;
    }
    bool raced = false;
    const char *loc = edit_store(r, &a, &n, &raced);
    if (loc != NULL) {
        resp_redirect(r, loc);
    } else if (raced) {
        db_rollback(r);
        page_error(r, 409, "活动刚被修改过",
                   "在您修改期间，其他工作人员已经修改了这个活动。"
                   "请重新打开修改页面，在最新的内容上修改。");
    } else {
        page_fail(r);
    }
}
