/* Accounts: register, log in, log out (here or everywhere), /me. */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "crypt.h"
#include "db.h"
#include "disclosure.h" /* disclosure: */
#include "handlers.h"
#include "meetings.h"  /* meetings: */
#include "openmonth.h" /* openmonth: */
#include "page.h"
#include "resp.h"
#include "valid.h"

#define SESS_COOKIE "gk_sess"
#define PW_MIN      10
#define PW_MAX      128

static const struct field f_login = {
    "login",    "手机号或电子邮箱",
    "text",     "用于登录，例如 13800138000 或 name@example.com",
    "username", true,
    254};
static const struct field f_password_new = {
    "password",     "密码", "password", "至少 10 个字符",
    "new-password", true,   PW_MAX};
static const struct field f_password = {
    "password", "密码", "password", NULL, "current-password", true, PW_MAX};
static const struct field f_name = {
    "name", "姓名", "text", "您的真实姓名或称呼", "name", true, 50};

/* Issues a session token and sets its cookie. */
static void
session_start(struct req *r, long long uid, enum role role, int dept, int epoch)
{
    struct ident id = {
        .user = uid,
        .role = role,
        .dept = dept,
        .iat = r->now,
        .exp = r->now + cfg.session_hours * 3600,
        .epoch = epoch,
    };
    char tok[SESS_TOKEN_MAX];
    sess_encode(r->w->keys, &id, tok);
    resp_cookie(r, SESS_COOKIE, tok, cfg.session_hours * 3600);
}

static void
login_index(struct req *r, const char *norm, char **hex)
{
    unsigned char h[INDEX_BYTES];
    crypt_index(r->w->keys, "users.login", norm, strlen(norm), h);
    *hex = bytea_hex(r->a, h, sizeof(h));
}

/* ---- register ---- */

static void
register_form(struct req *r, struct form *f, int status)
{
    struct html *h = page_begin(r, "注册账号");
    html_elem(h, "p",
              "注册后可以在线留言、报名活动、申请列席会议，"
              "并在“我的”中查看办理进度。",
              "class", "lead", NULL);
    form_open(f, h, "/account/register", false);
    form_field(f, h, &f_name);
    form_field(f, h, &f_login);
    form_field(f, h, &f_password_new);
    form_submit(h, "注册");
    form_close(h);
    html_open(h, "p", NULL);
    html_text(h, "已有账号？");
    html_elem(h, "a", "登录", "href", "/account/login", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
register_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    register_form(r, &f, 200);
}

struct new_citizen {
    const char *norm; /* normalised login */
    enum login_kind kind;
    const char *name;
    const char *pw;
};

static void
register_validate(struct req *r, struct form *f, struct new_citizen *c)
{
    c->name = valid_trim(r->a, req_param(r, "name"));
    c->pw = req_param(r, "password");
    size_t nc = valid_chars(c->name);
    if (nc == 0)
        form_error(f, "name", "请填写姓名");
    else if (nc > 50)
        form_error(f, "name", "姓名不能超过 50 个字");
    const char *login = req_param(r, "login");
    c->kind = valid_login(r->a, login ? login : "", &c->norm);
    if (login == NULL || *valid_trim(r->a, login) == '\0')
        form_error(f, "login", "请填写手机号或电子邮箱");
    else if (c->kind == LOGIN_INVALID)
        form_error(f, "login",
                   "请填写 11 位手机号（如 13800138000）"
                   "或有效的电子邮箱");
    size_t pc = c->pw ? valid_chars(c->pw) : 0;
    if (pc < PW_MIN)
        form_error(f, "password", "密码至少需要 10 个字符");
    else if (pc > PW_MAX)
        form_error(f, "password", "密码不能超过 128 个字符");
}

/* Inserts the citizen inside the form_id transaction. Returns the 303
 * location, or NULL with r->resp set (error page / form). */
static const char *
register_store(struct req *r, struct form *f, const struct new_citizen *c,
               long long *uid, int *epoch)
{
    char pwh[PW_HASH_MAX], *hash;
    size_t elen;
    const char *prior;
    if (crypt_pw_hash(c->pw, pwh) != 0) {
        page_error(r, 500, "注册失败", "系统繁忙，请稍后再试。");
        return NULL;
    }
    login_index(r, c->norm, &hash);
    unsigned char *enc = crypt_seal(r->a, r->w->keys, "users.login", c->norm,
                                    strlen(c->norm), &elen);
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : NULL;
    PGresult *res =
        DBQ(r, STMT_user_create_citizen, hash, bytea_hex(r->a, enc, elen),
            mask_login(r->a, c->norm, c->kind), c->name, pwh);
    if (res == NULL)
        return NULL;
    if (PQntuples(res) == 0) {
        db_rollback(r);
        form_error(f, "login", "该手机号或邮箱已经注册，请直接登录");
        register_form(r, f, 422);
        return NULL;
    }
    *uid = db_getll(res, 0, 0);
    *epoch = (int)db_getll(res, 0, 1);
    if (form_once_done(r, "/me") != 0 || db_commit(r) != 0)
        return NULL;
    return "/me";
}

void
register_post(struct req *r)
{
    struct form f;
    struct new_citizen c;
    long long uid = 0;
    int epoch = 0;
    form_init(&f, r, true);
    register_validate(r, &f, &c);
    if (!form_ok(&f)) {
        register_form(r, &f, 422);
        return;
    }
    const char *loc = register_store(r, &f, &c, &uid, &epoch);
    if (loc == NULL)
        return;
    if (uid > 0)
        session_start(r, uid, ROLE_CITIZEN, 0, epoch);
    resp_redirect(r, loc);
}

/* ---- log in ---- */

static void
login_form(struct req *r, struct form *f, int status, const char *notice)
{
    struct html *h = page_begin(r, "登录");
    if (notice != NULL)
        html_elem(h, "p", notice, "class", "notice", "role", "alert", NULL);
    form_open(f, h, "/account/login", false);
    const char *next = f->shown ? req_param(r, "next") : req_query(r, "next");
    if (valid_next(next))
        form_hidden(h, "next", next);
    struct field fl = f_login;
    fl.hint = "工作人员请填写工作账号";
    form_field(f, h, &fl);
    form_field(f, h, &f_password);
    form_submit(h, "登录");
    form_close(h);
    html_open(h, "p", NULL);
    html_text(h, "还没有账号？");
    html_elem(h, "a", "注册", "href", "/account/register", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
login_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    login_form(r, &f, 200, NULL);
}

/* Citizens log in with a mobile number or e-mail, staff with a work login;
 * both normalise to the key the account was created under. */
static const char *
login_norm(struct req *r, const char *in)
{
    const char *norm = NULL;
    if (valid_login(r->a, in, &norm) != LOGIN_INVALID)
        return norm;
    return valid_staff_login(r->a, in);
}

/* 1 = must wait (page set), 0 = go on, -1 = db error. */
static int
login_throttled(struct req *r, struct form *f, const char *hash)
{
    PGresult *res = DBQ(r, STMT_login_throttle, hash,
                        r->remote_addr ? r->remote_addr : "127.0.0.1");
    if (res == NULL)
        return -1;
    long acc = db_getll(res, 0, 0), addr = db_getll(res, 0, 1);
    long wait = 0;
    if (acc >= cfg.login_fail_account)
        wait = db_getll(res, 0, 2);
    if (addr >= cfg.login_fail_addr && db_getll(res, 0, 3) > wait)
        wait = db_getll(res, 0, 3);
    if (wait <= 0)
        return 0;
    long min = (wait + 59) / 60;
    char *msg = arena_printf(r->a,
                             "登录失败次数过多。为保护账号安全，"
                             "请 %ld 分钟后再试。",
                             min);
    login_form(r, f, 429, msg);
    (void)resp_header(r, "Retry-After", arena_printf(r->a, "%ld", wait));
    return 1;
}

static void
login_failed(struct req *r, struct form *f, const char *hash)
{
    if (DBQ(r, STMT_login_failure_add, hash,
            r->remote_addr ? r->remote_addr : "127.0.0.1") == NULL)
        return;
    form_error(f, "password", "账号或密码不正确，请重新输入");
    login_form(r, f, 422, NULL);
}

void
login_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *in = req_param(r, "login"), *pw = req_param(r, "password");
    const char *norm = in ? login_norm(r, in) : NULL;
    if (in == NULL || *valid_trim(r->a, in) == '\0')
        form_error(&f, "login", "请填写手机号、电子邮箱或工作账号");
    if (pw == NULL || *pw == '\0')
        form_error(&f, "password", "请填写密码");
    if (!form_ok(&f)) {
        login_form(r, &f, 422, NULL);
        return;
    }
    char *hash;
    login_index(r, norm ? norm : valid_trim(r->a, in), &hash);
    if (login_throttled(r, &f, hash) != 0)
        return;
    PGresult *res = DBQ(r, STMT_user_by_login, hash);
    if (res == NULL)
        return;
    if (PQntuples(res) != 1) {
        crypt_pw_dummy(pw);
        login_failed(r, &f, hash);
        return;
    }
    if (!crypt_pw_verify(db_get(res, 0, 3), pw)) {
        login_failed(r, &f, hash);
        return;
    }
    long long uid = db_getll(res, 0, 0);
    enum role role = role_parse(db_get(res, 0, 1));
    int dept = (int)db_getll(res, 0, 2), epoch = (int)db_getll(res, 0, 4);
    if (DBQ(r, STMT_login_failure_clear, hash) == NULL)
        return;
    session_start(r, uid, role, dept, epoch);
    if (role != ROLE_CITIZEN && audit_as(r, uid, dept, "login", "", "") != 0)
        return;
    const char *next = req_param(r, "next");
    resp_redirect(r, valid_next(next)       ? next
                     : role == ROLE_CITIZEN ? "/me"
                                            : "/admin");
}

/* ---- log out ---- */

void
logout_post(struct req *r)
{
    struct user *u = req_user(r);
    if (u != NULL && u->role != ROLE_CITIZEN && audit(r, "logout", "", "") != 0)
        return;
    resp_cookie(r, SESS_COOKIE, "", 0);
    resp_redirect(r, "/");
}

void
logout_all_post(struct req *r)
{
    struct user *u = req_user(r);
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)u->id);
    if (DBQ(r, STMT_user_bump_epoch, uid) == NULL)
        return;
    if (u->role != ROLE_CITIZEN && audit(r, "logout_all", "", "") != 0)
        return;
    resp_cookie(r, SESS_COOKIE, "", 0);
    resp_redirect(r, "/account/login");
}

/* ---- /me ---- */

/* What each module shows a person on /me (their messages, applications,
 * tickets, requests), in this order. A module adds its function here. */
static void (*const me_sections[])(struct req *, struct html *) = {
    NULL, /* placeholder so the array is never empty */
    /* board: */
    board_me_section,
    /* meetings: */
    meetings_me_section,
    /* openmonth: */
    om_me_section,
    /* disclosure: */
    disclosure_me_section,
};

void
me_get(struct req *r)
{
    struct user *u = req_user(r);
    struct html *h = page_begin(r, "我的");
    for (size_t i = 0; i < sizeof(me_sections) / sizeof(me_sections[0]); i++)
        if (me_sections[i] != NULL)
            me_sections[i](r, h);
    html_open(h, "section", "aria-labelledby", "me-account", NULL);
    html_elem(h, "h2", "账号信息", "id", "me-account", NULL);
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "姓名", NULL);
    html_elem(h, "dd", u->name, "id", "me-name", NULL);
    html_elem(h, "dt", "登录账号", NULL);
    html_elem(h, "dd", u->login_masked, "id", "me-login", NULL);
    if (u->dept_name != NULL) {
        html_elem(h, "dt", "所在部门", NULL);
        html_elem(h, "dd", u->dept_name, NULL);
    }
    html_close(h, "dl");
    html_close(h, "section");
    html_open(h, "section", "aria-labelledby", "me-security", NULL);
    html_elem(h, "h2", "账号安全", "id", "me-security", NULL);
    html_elem(h, "p",
              "如果您在别人的电脑或手机上登录过，可以让所有设备"
              "上的登录立即失效。",
              NULL);
    html_open(h, "form", "method", "post", "action", "/account/logout-all",
              NULL);
    form_hidden(h, "csrf", req_csrf(r));
    form_hidden(h, "form_id", crypt_random_token(r->a, 18));
    html_elem(h, "button", "退出所有设备", "type", "submit", "class",
              "secondary", NULL);
    html_close(h, "form");
    html_close(h, "section");
    page_end(r, h);
}
