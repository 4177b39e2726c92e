/* 政策留言板, the public side: policy list and search, the policy page
 * with its messages and the form, the citizen's own messages, the FAQ,
 * Atom feeds and the statistics page. */
#include "board.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "page.h"
#include "pagecache.h"
#include "resp.h"
#include "valid.h"

#define BODY_MAX  2000
#define QUERY_MAX 50

/* ---- shared helpers ---- */

const char *
board_kind_label(const char *kind)
{
    if (strcmp(kind, "consult") == 0)
        return "咨询";
    if (strcmp(kind, "suggest") == 0)
        return "建议";
    if (strcmp(kind, "evaluate") == 0)
        return "评价";
    if (strcmp(kind, "followup") == 0)
        return "追问";
    return kind;
}

const char *
board_status_label(const char *status, bool is_public)
{
    if (strcmp(status, "pending") == 0)
        return "等待审核";
    if (strcmp(status, "published") == 0)
        return is_public ? "已公开，等待答复" : "已受理（不公开），等待答复";
    if (strcmp(status, "rejected") == 0)
        return "未通过审核";
    if (strcmp(status, "replied") == 0)
        return "已答复";
    return status;
}

const char *
board_satisfaction_label(const char *s)
{
    if (strcmp(s, "satisfied") == 0)
        return "满意";
    if (strcmp(s, "basic") == 0)
        return "基本满意";
    if (strcmp(s, "unsatisfied") == 0)
        return "不满意";
    return s;
}

const char *
board_arg(const struct req *r, int i)
{
    return i < r->nargs ? r->args[i] : "0";
}

void
board_paragraphs(struct html *h, const char *text)
{
    /* One <p> per line: citizens and documents break lines on purpose. */
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
            n--;
        if (n > 0) {
            html_open(h, "p", NULL);
            html_textn(h, p, n);
            html_close(h, "p");
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
}

int
board_reply_workdays(struct req *r)
{
    PGresult *res = DBQ0(r, STMT_board_settings);
    return res && PQntuples(res) == 1 ? (int)db_getll(res, 0, 0) : 5;
}

/* Micro-cache (docs/board.md): lets nginx keep this public page for one
 * second. The app decides, nginx only obeys (default: nothing is kept), and
 * only for a successful GET/HEAD of a request that carries none of the
 * app's cookies (gk_sess: a person; gk_pre: a CSRF token may be in the
 * page, and whoever has posted sees fresh pages; gk_mode: large text) and
 * whose page holds no CSRF token. nginx also never stores a response with
 * Set-Cookie and bypasses the cache for such requests itself.
 * candidate for page.c (a page_cacheable() any public page could call) */
static void
board_cacheable(struct req *r)
{
    static const char *const cookies[] = {"gk_sess", "gk_pre", "gk_mode"};
    if ((r->method != M_GET && r->method != M_HEAD) ||
        (r->resp.status != 0 && r->resp.status != 200) || r->pre != NULL ||
        r->user != NULL)
        return;
    for (size_t i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++)
        if (params_get(&r->cookies, cookies[i]) != NULL)
            return;
    (void)resp_header(r, "X-Accel-Expires", "1");
}

static void
not_found(struct req *r)
{
    page_error(r, 404, "页面不存在", "您要找的内容不存在，可能地址有误。");
}

/* The query of a search box: trimmed, at most QUERY_MAX characters. */
static const char *
query_text(struct req *r)
{
    const char *q = req_query(r, "q");
    if (q == NULL)
        return "";
    const char *t = valid_trim(r->a, q);
    return valid_chars(t) > QUERY_MAX ? "" : t;
}

/* A department code from the query, or "" (any). */
static const char *
dept_filter(struct req *r)
{
    const char *d = req_query(r, "dept");
    if (d == NULL || strlen(d) > 31 ||
        strspn(d, "abcdefghijklmnopqrstuvwxyz"
                  "0123456789_") != strlen(d))
        return "";
    return d;
}

static void
search_form(struct req *r, struct html *h, const char *q, const char *dept)
{
    html_open(h, "form", "method", "get", "action", "/policies", "class",
              "search", "role", "search", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "关键词", "for", "f-q", NULL);
    html_elem(h, "p", "可输入标题、文号或正文中的词，例如“养老”", "class",
              "hint", "id", "f-q-hint", NULL);
    html_void(h, "input", "id", "f-q", "name", "q", "type", "search", "value",
              q, "maxlength", "50", "aria-describedby", "f-q-hint", NULL);
    html_close(h, "div");
    static const struct dept_pick pick = {"dept", "发布部门", DEPT_CODE,
                                          "全部部门", ""};
    page_dept_filter(r, h, &pick, dept);
    form_submit(h, "搜索");
    html_close(h, "form");
}

static void
policy_rows(struct html *h, PGresult *res)
{
    html_open(h, "ul", "class", "records", "id", "policy-list", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(h->out->a, "/policies/%s", db_get(res, i, 0)),
                  NULL);
        html_open(h, "p", "class", "meta", NULL);
        if (*db_get(res, i, 2)) {
            html_text(h, db_get(res, i, 2));
            html_text(h, " · ");
        }
        html_text(h, db_get(res, i, 3));
        html_text(h, " · ");
        html_text(h, db_get(res, i, 4));
        html_close(h, "p");
        html_close(h, "li");
    }
    html_close(h, "ul");
}

static void
message_hits(struct req *r, struct html *h, const char *q, const char *dept)
{
    PGresult *res = DBQ(r, STMT_board_message_search, q, dept);
    if (res == NULL || PQntuples(res) == 0)
        return;
    html_open(h, "section", "aria-labelledby", "hits-messages", NULL);
    html_elem(h, "h2", "包含该词的公开留言", "id", "hits-messages", NULL);
    html_open(h, "ul", "class", "records", "id", "message-hits", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(res, i, 2), "href",
                  arena_printf(r->a, "/policies/%s#m-%s", db_get(res, i, 1),
                               db_get(res, i, 0)),
                  NULL);
        html_elem(h, "p", db_get(res, i, 3), NULL);
        html_elem(h, "p", db_get(res, i, 4), "class", "meta", NULL);
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}

void
board_policies_get(struct req *r)
{
    const char *q = query_text(r), *dept = dept_filter(r);
    int page = req_page(r);
    char pg[16];
    snprintf(pg, sizeof(pg), "%d", page);
    PGresult *res = *q ? DBQ(r, STMT_board_policy_search, q, dept, pg)
                       : DBQ(r, STMT_board_policy_list, dept, pg);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "政策留言板");
    html_elem(h, "p",
              arena_printf(r->a,
                           "查看本区政策文件和解读。对政策有疑问、建议或评价，"
                           "可以在政策页面留言，相关部门会在 %d 个工作日内"
                           "答复。",
                           board_reply_workdays(r)),
              "class", "lead", NULL);
    search_form(r, h, q, dept);
    html_open(h, "p", NULL);
    html_elem(h, "a", "常见问题", "href", "/faq", NULL);
    html_text(h, " · ");
    html_elem(h, "a", "留言办理情况统计", "href", "/board/stats", NULL);
    html_close(h, "p");
    int n = PQntuples(res);
    long total = n ? db_getll(res, 0, 5) : 0;
    html_open(h, "section", "aria-labelledby", "hits-policies", NULL);
    html_elem(h, "h2", *q ? "找到的政策文件" : "政策文件", "id",
              "hits-policies", NULL);
    html_open(h, "p", "id", "policy-count", NULL);
    html_textf(h, "共 %ld 件", total);
    html_close(h, "p");
    if (n == 0)
        html_elem(h, "p",
                  *q ? "没有找到包含该词的政策文件，请换个词试试。"
                     : "暂无政策文件。",
                  NULL);
    else
        policy_rows(h, res);
    page_pager(r, h, page, total);
    html_close(h, "section");
    if (*q)
        message_hits(r, h, q, dept);
    page_end(r, h);
    board_cacheable(r);
}

/* ---- one policy ---- */

static const struct choice kinds[] = {
    {"consult", "咨询（对政策有疑问）"},
    {"suggest", "建议（对政策提出意见建议）"},
    {"evaluate", "评价（为政策打分）"},
};
static const struct choice ratings[] = {
    {"5", "5 分 非常好"}, {"4", "4 分 好"},   {"3", "3 分 一般"},
    {"2", "2 分 较差"},   {"1", "1 分 很差"},
};
static const struct field f_kind = {"kind", "留言类型", "radio", NULL,
                                    NULL,   true,       0};
static const struct field f_rating = {
    "rating", "评分", "radio", "选择“评价”时请打分", NULL, false, 0};
static const struct field f_body = {
    "body",     "留言内容",
    "textarea", "1 至 2000 字。请勿填写身份证号、手机号等个人信息",
    NULL,       true,
    BODY_MAX};
static const struct field f_public = {
    "public",   "同意公开我的留言",
    "checkbox", "公开时不显示您的姓名；留言中的手机号、身份证号会被遮挡",
    NULL,       false,
    0};

static void
message_form(struct req *r, struct html *h, struct form *f, const char *pid)
{
    html_open(h, "section", "aria-labelledby", "leave-message", "id",
              "message-form", NULL);
    html_elem(h, "h2", "我要留言", "id", "leave-message", NULL);
    if (req_user(r) == NULL) {
        html_open(h, "p", NULL);
        html_elem(h, "a", "登录后留言", "href",
                  arena_printf(r->a, "/account/login?next=/policies/%s", pid),
                  NULL);
        html_text(h, "（没有账号？");
        html_elem(h, "a", "注册", "href", "/account/register", NULL);
        html_text(h, "）");
        html_close(h, "p");
        html_close(h, "section");
        return;
    }
    form_open(f, h, arena_printf(r->a, "/policies/%s/messages", pid), false);
    form_radios(f, h, &f_kind, kinds, 3, NULL);
    form_radios(f, h, &f_rating, ratings, 5, NULL);
    form_field(f, h, &f_body);
    form_checkbox(f, h, &f_public, true);
    form_submit(h, "提交留言");
    form_close(h);
    html_close(h, "section");
}

/* One part of board_policy_page's result: its rows first..first+n-1, its
 * columns from 1 on (0 is the part). The parts come in order, 0 to 2. */
struct part {
    PGresult *res;
    int first, n;
};

static struct part
page_part(PGresult *res, const char *which)
{
    struct part p = {res, 0, 0};
    int rows = PQntuples(res);
    while (p.first < rows && strcmp(db_get(res, p.first, 0), which) < 0)
        p.first++;
    while (p.first + p.n < rows &&
           strcmp(db_get(res, p.first + p.n, 0), which) == 0)
        p.n++;
    return p;
}

static const char *
part_get(const struct part *p, int i, int k)
{
    return db_get(p->res, p->first + i, 1 + k);
}

#define COL(k) part_get(p, i, (k))

static void
message_article(struct req *r, struct html *h, const struct part *p, int i)
{
    html_open(h, "article", "class", "message", "id",
              arena_printf(r->a, "m-%s", COL(0)), NULL);
    html_open(h, "p", "class", "meta", NULL);
    html_elem(h, "span", board_kind_label(COL(1)), "class", "kind", NULL);
    long rating = strtol(COL(2), NULL, 10);
    if (rating > 0)
        html_textf(h, " 评分 %ld 分", rating);
    html_text(h, " · 留言时间 ");
    html_text(h, COL(4));
    html_close(h, "p");
    board_paragraphs(h, COL(3));
    if (strcmp(COL(5), "replied") == 0) {
        html_open(h, "div", "class", "reply", NULL);
        html_open(h, "p", "class", "meta", NULL);
        html_text(h, "答复单位：");
        html_elem(h, "span", COL(7), "class", "reply-dept", NULL);
        html_text(h, " · 答复日期：");
        html_elem(h, "span", COL(8), "class", "reply-date", NULL);
        html_close(h, "p");
        board_paragraphs(h, COL(6));
        html_close(h, "div");
    } else {
        html_elem(h, "p", "等待部门答复", "class", "meta", NULL);
    }
    html_close(h, "article");
}
#undef COL

/* Previous / this page / next, without a total (which would cost a count
 * of every published message of the policy). candidate for page.c (a
 * page_pager for lists whose size is not worth counting) */
static void
messages_pager(struct req *r, struct html *h, const char *pid, int page,
               bool more)
{
    if (page == 1 && !more)
        return;
    html_open(h, "nav", "class", "pager", "aria-label", "留言分页", NULL);
    if (page > 1)
        html_elem(h, "a", "上一页", "href",
                  arena_printf(r->a, "/policies/%s?page=%d#public-messages",
                               pid, page - 1),
                  "rel", "prev", NULL);
    html_open(h, "span", NULL);
    html_textf(h, "第 %d 页", page);
    html_close(h, "span");
    if (more)
        html_elem(h, "a", "下一页", "href",
                  arena_printf(r->a, "/policies/%s?page=%d#public-messages",
                               pid, page + 1),
                  "rel", "next", NULL);
    html_close(h, "nav");
}

static void
policy_messages(struct req *r, struct html *h, const char *pid,
                const struct part *msgs)
{
    int page = req_page(r);
    html_open(h, "section", "aria-labelledby", "messages", "id",
              "public-messages", NULL);
    html_elem(h, "h2", "公开的留言和答复", "id", "messages", NULL);
    if (msgs->n == 0)
        html_elem(h, "p", page > 1 ? "这一页没有留言了。" : "暂无公开的留言。",
                  NULL);
    for (int i = 0; i < msgs->n && i < 20; i++)
        message_article(r, h, msgs, i);
    messages_pager(r, h, pid, page, msgs->n > 20);
    html_open(h, "p", NULL);
    html_elem(h, "a", "订阅本政策的答复（Atom）", "href",
              arena_printf(r->a, "/policies/%s/feed.atom", pid), "type",
              "application/atom+xml", NULL);
    html_close(h, "p");
    html_close(h, "section");
}

static void
policy_related(struct req *r, struct html *h, const struct part *rel)
{
    if (rel->n == 0)
        return;
    html_open(h, "section", "aria-labelledby", "related", NULL);
    html_elem(h, "h2", "相关文件", "id", "related", NULL);
    html_open(h, "ul", NULL);
    for (int i = 0; i < rel->n; i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", part_get(rel, i, 1), "href",
                  arena_printf(r->a, "/policies/%s", part_get(rel, i, 0)),
                  NULL);
        if (*part_get(rel, i, 2)) {
            html_text(h, "（");
            html_text(h, part_get(rel, i, 2));
            html_text(h, "）");
        }
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}

/* The policy's text and facts (part 0 of board_policy_page). */
static void
policy_document(struct html *h, const struct part *pol)
{
    html_open(h, "dl", "class", "facts", NULL);
    if (*part_get(pol, 0, 2))
        page_fact(h, "文号", part_get(pol, 0, 2), "policy-doc-no");
    page_fact(h, "发布部门", part_get(pol, 0, 3), "policy-dept");
    page_fact(h, "发布日期", part_get(pol, 0, 4), "policy-date");
    html_close(h, "dl");
    html_open(h, "section", "aria-labelledby", "policy-text", "class",
              "document", NULL);
    html_elem(h, "h2", "政策原文", "id", "policy-text", NULL);
    board_paragraphs(h, part_get(pol, 0, 5));
    html_close(h, "section");
    if (*part_get(pol, 0, 6)) {
        html_open(h, "section", "aria-labelledby", "policy-interp", "class",
                  "document", NULL);
        html_elem(h, "h2", "政策解读", "id", "policy-interp", NULL);
        board_paragraphs(h, part_get(pol, 0, 6));
        html_close(h, "section");
    }
}

/* The policy's document, related documents and messages: the part of the
 * page that is the same for everyone, kept in the worker's page cache as
 * (id, page) under the revision of part 0 (c7). Returns the title for
 * page_begin, or NULL after answering 404. */
static const char *
policy_content(struct req *r, PGresult *res, int64_t id, int page,
               struct html **hp)
{
    struct part pol = page_part(res, "0"), rel = page_part(res, "1"),
                msgs = page_part(res, "2");
    if (pol.n == 0) {
        not_found(r);
        return NULL;
    }
    const char *title = part_get(&pol, 0, 1);
    struct html *h = page_begin(r, title);
    size_t mark = html_mark(h);
    policy_document(h, &pol);
    policy_related(r, h, &rel);
    policy_messages(r, h, board_arg(r, 0), &msgs);
    if (r->w->pages != NULL)
        (void)pagecache_put(r->w->pages, id, page,
                            strtoll(part_get(&pol, 0, 7), NULL, 10), title, h,
                            mark);
    *hp = h;
    return title;
}

/* The whole policy page, from one statement; f carries the errors of a
 * refused message. The statement is given the revision of the worker's copy
 * of the page (0: none) and answers part 3 alone when it is still current. */
static void
policy_page(struct req *r, struct form *f, int status)
{
    const char *pid = board_arg(r, 0);
    int64_t id = strtoll(pid, NULL, 10); /* the route's {id}: digits only */
    int page = req_page(r);
    const struct pagecache_entry *kept =
        r->w->pages != NULL ? pagecache_get(r->w->pages, id, page) : NULL;
    char pg[16], rev[24];
    snprintf(pg, sizeof(pg), "%d", page);
    snprintf(rev, sizeof(rev), "%" PRId64, kept != NULL ? kept->rev : 0);
    PGresult *res = DBQ(r, STMT_board_policy_page, pid, pg, rev);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h;
    bool hit = kept != NULL && page_part(res, "3").n == 1;
    if (hit) {
        h = page_begin(r, kept->title);
        html_replay(h, &kept->markup);
    } else if (policy_content(r, res, id, page, &h) == NULL) {
        return;
    }
    /* Says where the content came from, as nginx's X-Cache does for its
     * micro-cache: for whoever checks a page that looks stale. */
    (void)resp_header(r, "X-Page-Cache", hit ? "HIT" : "MISS");
    message_form(r, h, f, pid);
    page_end(r, h);
    r->resp.status = status;
    board_cacheable(r);
}

void
board_policy_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    policy_page(r, &f, 200);
}

struct new_message {
    const char *kind;
    const char *rating; /* "" unless evaluate */
    const char *body;
    bool is_public;
};

static bool
is_choice(const char *v, const struct choice *c, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        if (strcmp(v, c[i].value) == 0)
            return true;
    return false;
}

/* Body text of 1..max characters, with a message naming the count. */
static const char *
body_text(struct req *r, struct form *f, const char *field, size_t max,
          const char *empty)
{
    const char *raw = req_param(r, field);
    const char *t = raw ? valid_trim(r->a, raw) : "";
    size_t n = valid_chars(t);
    if (n == 0)
        form_error(f, field, empty);
    else if (n > max)
        form_error(f, field,
                   arena_printf(r->a,
                                "内容不能超过 %zu 字（现在是 %zu 字），"
                                "请删减后再提交",
                                max, n));
    return t;
}

static void
message_validate(struct req *r, struct form *f, struct new_message *m)
{
    m->kind = req_param(r, "kind");
    if (!is_choice(m->kind, kinds, 3))
        form_error(f, "kind", "请选择留言类型：咨询、建议或评价");
    m->rating = "";
    if (m->kind != NULL && strcmp(m->kind, "evaluate") == 0) {
        m->rating = req_param(r, "rating");
        if (!is_choice(m->rating, ratings, 5))
            form_error(f, "rating", "评价时请选择 1 到 5 分");
    }
    m->body = body_text(r, f, "body", BODY_MAX, "请填写留言内容");
    m->is_public = req_param(r, "public") != NULL;
}

/* Stores the message in the form_id transaction. Returns the location, or
 * NULL with the response already set. */
static const char *
message_store(struct req *r, struct form *f, const struct new_message *m,
              const char *pid, const char *parent)
{
    const char *prior;
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : (page_fail(r), NULL);
    PGresult *res =
        DBQ(r, STMT_board_message_create, pid, uid, m->kind, m->rating, m->body,
            m->is_public ? "true" : "false", parent);
    if (res == NULL && r->sqlstate && strcmp(r->sqlstate, "P0001") == 0) {
        db_rollback(r);
        form_error(f, "body",
                   "您在一小时内已经留言 10 条，达到上限。"
                   "请过一段时间再留言，已填写的内容仍在下面。");
        return "";
    }
    if (res == NULL && db_unique_violation(r)) {
        /* Two follow-ups on one thread at once: UNIQUE (parent_id). */
        db_rollback(r);
        page_error(r, 409, "不能追问",
                   "这条留言已经追问过了，每条留言只能追问一次。");
        return NULL;
    }
    if (res == NULL)
        return page_fail(r), NULL;
    if (PQntuples(res) == 0) {
        db_rollback(r);
        not_found(r);
        return NULL;
    }
    const char *loc = arena_printf(r->a, "/me/messages/%s", db_get(res, 0, 0));
    if (form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return page_fail(r), NULL;
    return loc;
}

void
board_message_post(struct req *r)
{
    struct form f;
    struct new_message m;
    form_init(&f, r, true);
    message_validate(r, &f, &m);
    if (!form_ok(&f)) {
        policy_page(r, &f, 422);
        return;
    }
    const char *loc = message_store(r, &f, &m, board_arg(r, 0), "");
    if (loc != NULL && *loc == '\0') {
        policy_page(r, &f, 429);
        return;
    }
    if (loc != NULL)
        resp_redirect(r, loc);
}

/* ---- the citizen's own messages ---- */

static const struct choice satisfactions[] = {
    {"satisfied", "满意"},
    {"basic", "基本满意"},
    {"unsatisfied", "不满意"},
};

static void
own_reply(struct req *r, struct html *h, PGresult *res)
{
    html_open(h, "section", "aria-labelledby", "reply-h", "class", "reply",
              NULL);
    html_elem(h, "h2", "部门答复", "id", "reply-h", NULL);
    html_open(h, "p", "class", "meta", NULL);
    html_text(h, "答复单位：");
    html_elem(h, "span", db_get(res, 0, 11), "id", "reply-dept", NULL);
    html_text(h, " · 答复日期：");
    html_elem(h, "span", db_get(res, 0, 12), "id", "reply-date", NULL);
    html_close(h, "p");
    html_open(h, "div", "id", "reply-body", NULL);
    board_paragraphs(h, db_get(res, 0, 10));
    html_close(h, "div");
    html_close(h, "section");
    (void)r;
}

static void
own_rate_form(struct req *r, struct html *h, struct form *f, PGresult *res,
              const char *mid)
{
    if (*db_get(res, 0, 13)) {
        html_open(h, "p", "id", "my-rating", NULL);
        html_text(h, "您对答复的评价：");
        html_text(h, board_satisfaction_label(db_get(res, 0, 13)));
        if (*db_get(res, 0, 14)) {
            html_text(h, "（");
            html_text(h, db_get(res, 0, 14));
            html_text(h, "）");
        }
        html_close(h, "p");
        return;
    }
    static const struct field f_sat = {
        "satisfaction", "您对这个答复满意吗？", "radio", NULL, NULL, true, 0};
    static const struct field f_note = {
        "note", "意见（选填）", "textarea", "最多 500 字", NULL, false, 500};
    html_open(h, "section", "aria-labelledby", "rate-h", NULL);
    html_elem(h, "h2", "评价答复", "id", "rate-h", NULL);
    form_open(f, h, arena_printf(r->a, "/me/messages/%s/rate", mid), false);
    form_radios(f, h, &f_sat, satisfactions, 3, NULL);
    form_field(f, h, &f_note);
    form_submit(h, "提交评价");
    form_close(h);
    html_close(h, "section");
}

static void
own_followup_form(struct req *r, struct html *h, struct form *f, PGresult *res,
                  const char *mid)
{
    long long parent = db_getll(res, 0, 15), child = db_getll(res, 0, 16);
    if (child > 0) {
        html_open(h, "p", NULL);
        html_elem(h, "a", "查看您的追问", "href",
                  arena_printf(r->a, "/me/messages/%lld", child), "id",
                  "followup-link", NULL);
        html_close(h, "p");
        return;
    }
    if (parent > 0)
        return; /* a follow-up has no follow-up of its own */
    static const struct field f_fu = {
        "body", "追问内容", "textarea", "每条留言可以追问一次，1 至 2000 字",
        NULL,   true,       BODY_MAX};
    html_open(h, "section", "aria-labelledby", "followup-h", NULL);
    html_elem(h, "h2", "追问", "id", "followup-h", NULL);
    form_open(f, h, arena_printf(r->a, "/me/messages/%s/followup", mid), false);
    form_field(f, h, &f_fu);
    form_submit(h, "提交追问");
    form_close(h);
    html_close(h, "section");
}

static void
own_facts(struct req *r, struct html *h, PGresult *res)
{
    const char *status = db_get(res, 0, 7);
    bool pub = strcmp(db_get(res, 0, 6), "t") == 0;
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "办理状态", NULL);
    html_open(h, "dd", NULL);
    html_elem(h, "strong", board_status_label(status, pub), "class",
              arena_printf(r->a, "status status-%s", status), NULL);
    /* The stable status code of API.md, for scripts and tests. */
    html_elem(h, "data", status, "id", "message-status", "value", status,
              "class", "status-code", NULL);
    html_close(h, "dd");
    html_elem(h, "dt", "政策", NULL);
    html_open(h, "dd", NULL);
    html_elem(h, "a", db_get(res, 0, 2), "href",
              arena_printf(r->a, "/policies/%s", db_get(res, 0, 1)), NULL);
    html_close(h, "dd");
    page_fact(h, "类型", board_kind_label(db_get(res, 0, 3)), "message-kind");
    if (db_getll(res, 0, 4) > 0)
        page_fact(h, "评分", arena_printf(r->a, "%lld 分", db_getll(res, 0, 4)),
                  "message-rating");
    page_fact(h, "留言时间", db_get(res, 0, 9), "message-date");
    page_fact(h, "是否公开", pub ? "同意公开" : "不公开", "message-public");
    page_fact(h, "承办部门", db_get(res, 0, 18), "message-dept");
    if (*db_get(res, 0, 17) && strcmp(status, "replied") != 0 &&
        strcmp(status, "rejected") != 0)
        page_fact(h, "答复期限", db_get(res, 0, 17), "message-due");
    html_close(h, "dl");
}

/* What happened to the message, for its author: steps and hand-overs
 * between departments, without staff names or internal notes. */
static void
own_timeline(struct req *r, struct html *h, const char *mid)
{
    static const char *const labels[][2] = {
        {"submitted", "提交留言"},  {"published", "审核通过"},
        {"rejected", "未通过审核"}, {"transferred", "转交"},
        {"returned", "转交"},       {"replied", "答复"},
        {"rated", "评价答复"},      {"followup", "追问"},
    };
    PGresult *res = DBQ(r, STMT_board_message_timeline, mid);
    if (res == NULL || PQntuples(res) == 0)
        return;
    html_open(h, "section", "aria-labelledby", "own-timeline-h", NULL);
    html_elem(h, "h2", "办理经过", "id", "own-timeline-h", NULL);
    html_open(h, "ol", "class", "timeline", "id", "own-timeline", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *k = db_get(res, i, 1), *label = k;
        for (size_t j = 0; j < sizeof(labels) / sizeof(*labels); j++)
            if (strcmp(k, labels[j][0]) == 0)
                label = labels[j][1];
        html_open(h, "li", NULL);
        html_text(h, db_get(res, i, 0));
        html_text(h, " ");
        html_elem(h, "strong", label, NULL);
        if (*db_get(res, i, 3) && *db_get(res, i, 4))
            html_textf(h, "：%s → %s", db_get(res, i, 3), db_get(res, i, 4));
        html_close(h, "li");
    }
    html_close(h, "ol");
    html_close(h, "section");
}

static void
own_page(struct req *r, struct form *f, int status)
{
    const char *mid = board_arg(r, 0);
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    PGresult *res = DBQ(r, STMT_board_message_own, mid, uid);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(res) == 0) {
        not_found(r);
        return;
    }
    struct html *h = page_begin(r, "我的留言");
    own_facts(r, h, res);
    html_open(h, "section", "aria-labelledby", "body-h", NULL);
    html_elem(h, "h2", "留言内容", "id", "body-h", NULL);
    html_open(h, "div", "id", "message-body", NULL);
    board_paragraphs(h, db_get(res, 0, 5));
    html_close(h, "div");
    html_close(h, "section");
    const char *st = db_get(res, 0, 7);
    if (strcmp(st, "rejected") == 0) {
        html_open(h, "section", "aria-labelledby", "reason-h", NULL);
        html_elem(h, "h2", "未通过审核的原因", "id", "reason-h", NULL);
        html_elem(h, "p", db_get(res, 0, 8), "id", "message-reason", NULL);
        html_close(h, "section");
    } else if (strcmp(st, "replied") == 0) {
        own_reply(r, h, res);
        own_rate_form(r, h, f, res, mid);
        own_followup_form(r, h, f, res, mid);
    } else {
        html_elem(h, "p",
                  "部门答复后，答复会显示在这里，并出现在“我的”页面中。",
                  "class", "hint", NULL);
    }
    own_timeline(r, h, mid);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回“我的”", "href", "/me", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
board_my_message_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    own_page(r, &f, 200);
}

void
board_rate_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *sat = req_param(r, "satisfaction");
    if (!is_choice(sat, satisfactions, 3))
        form_error(&f, "satisfaction", "请选择满意、基本满意或不满意");
    const char *note = req_param(r, "note");
    note = note ? valid_trim(r->a, note) : "";
    if (valid_chars(note) > 500)
        form_error(&f, "note", "意见不能超过 500 字");
    if (!form_ok(&f)) {
        own_page(r, &f, 422);
        return;
    }
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    const char *mid = board_arg(r, 0);
    PGresult *res = DBQ(r, STMT_board_rate, mid, uid, sat, note);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    /* Rated already, not replied yet, or not the author's: the page says
     * which; a repeated click lands on the same page. */
    resp_redirect(r, arena_printf(r->a, "/me/messages/%s", mid));
}

void
board_followup_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *mid = board_arg(r, 0);
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    PGresult *own = DBQ(r, STMT_board_message_own, mid, uid);
    if (own == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(own) == 0) {
        not_found(r);
        return;
    }
    if (strcmp(db_get(own, 0, 7), "replied") != 0 || db_getll(own, 0, 15) ||
        db_getll(own, 0, 16)) {
        page_error(r, 409, "不能追问",
                   "只有已答复的留言可以追问，而且每条留言只能追问一次。");
        return;
    }
    struct new_message m = {
        .kind = "followup",
        .rating = "",
        .body = body_text(r, &f, "body", BODY_MAX, "请填写追问内容"),
        .is_public = strcmp(db_get(own, 0, 6), "t") == 0,
    };
    if (!form_ok(&f)) {
        own_page(r, &f, 422);
        return;
    }
    /* The follow-up belongs to the parent's policy and department. */
    const char *loc = message_store(r, &f, &m, db_get(own, 0, 1), mid);
    if (loc != NULL && *loc == '\0') {
        own_page(r, &f, 429);
        return;
    }
    if (loc != NULL)
        resp_redirect(r, loc);
}

void
board_me_section(struct req *r, struct html *h)
{
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    PGresult *res = DBQ(r, STMT_board_me_messages, uid);
    if (res == NULL)
        return;
    html_open(h, "section", "aria-labelledby", "me-messages", NULL);
    html_elem(h, "h2", "我的留言", "id", "me-messages", NULL);
    if (PQntuples(res) == 0) {
        html_open(h, "p", NULL);
        html_text(h, "您还没有留言。可以在");
        html_elem(h, "a", "政策留言板", "href", "/policies", NULL);
        html_text(h, "选择政策后留言。");
        html_close(h, "p");
        html_close(h, "section");
        return;
    }
    static const char *const cols[] = {"政策",     "类型",     "状态",
                                       "留言日期", "答复日期", "答复"};
    page_table(h, "my-messages", NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/me/messages/%s", db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        html_elem(h, "td", board_kind_label(db_get(res, i, 2)), NULL);
        html_elem(h, "td", board_status_label(db_get(res, i, 3), true),
                  "data-status", db_get(res, i, 3), NULL);
        html_elem(h, "td", db_get(res, i, 4), NULL);
        html_elem(h, "td", *db_get(res, i, 5) ? db_get(res, i, 5) : "—", NULL);
        html_elem(h, "td", *db_get(res, i, 6) ? db_get(res, i, 6) : "—", NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    html_close(h, "section");
}

/* ---- FAQ ---- */

void
board_faq_get(struct req *r)
{
    const char *q = query_text(r);
    int page = req_page(r);
    char pg[16];
    snprintf(pg, sizeof(pg), "%d", page);
    PGresult *res = DBQ(r, STMT_board_faq_list, q, pg);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "常见问题");
    html_elem(h, "p",
              "常见问题问答小贴士：各部门把群众问得较多的问题整理成问答，"
              "方便大家查阅。",
              "class", "lead", NULL);
    html_open(h, "form", "method", "get", "action", "/faq", "class", "search",
              "role", "search", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "关键词", "for", "f-q", NULL);
    html_void(h, "input", "id", "f-q", "name", "q", "type", "search", "value",
              q, "maxlength", "50", NULL);
    html_close(h, "div");
    form_submit(h, "搜索");
    html_close(h, "form");
    int n = PQntuples(res);
    if (n == 0)
        html_elem(h, "p", "暂无相关问答。", NULL);
    for (int i = 0; i < n; i++) {
        html_open(h, "article", "class", "faq", "id",
                  arena_printf(r->a, "faq-%s", db_get(res, i, 0)), NULL);
        html_elem(h, "h2", db_get(res, i, 1), NULL);
        board_paragraphs(h, db_get(res, i, 2));
        html_open(h, "p", "class", "meta", NULL);
        html_text(h, db_get(res, i, 3));
        html_text(h, " · ");
        html_text(h, db_get(res, i, 4));
        if (db_getll(res, i, 5) > 0) {
            html_text(h, " · 相关政策：");
            html_elem(h, "a", db_get(res, i, 6), "href",
                      arena_printf(r->a, "/policies/%s", db_get(res, i, 5)),
                      NULL);
        }
        html_close(h, "p");
        html_close(h, "article");
    }
    page_pager(r, h, page, n ? db_getll(res, 0, 7) : 0);
    html_open(h, "p", NULL);
    html_elem(h, "a", "订阅常见问题（Atom）", "href", "/faq.atom", "type",
              "application/atom+xml", NULL);
    html_close(h, "p");
    page_end(r, h);
    board_cacheable(r);
}

/* ---- Atom 1.0 (RFC 4287) through the escaping writer in XML mode ---- */

#define ATOM_TAG "tag:zwgk.shcn.gov.cn,2024:"

static struct html *
atom_begin(struct req *r, const char *title, const char *id,
           const char *updated, const char *self, const char *alt)
{
    struct html *h = arena_alloc(r->a, sizeof(*h));
    r->resp.ctype = "application/atom+xml; charset=utf-8";
    html_init_xml(h, &r->resp.body);
    html_raw_trusted(h, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    html_open(h, "feed", "xmlns", "http://www.w3.org/2005/Atom", "xml:lang",
              "zh-CN", NULL);
    html_elem(h, "title", title, NULL);
    html_elem(h, "id", id, NULL);
    html_elem(h, "updated", updated, NULL);
    html_void(h, "link", "rel", "self", "type", "application/atom+xml", "href",
              self, NULL);
    html_void(h, "link", "rel", "alternate", "type", "text/html", "href", alt,
              NULL);
    html_open(h, "author", NULL);
    html_elem(h, "name", "上海市长宁区人民政府", NULL);
    html_close(h, "author");
    return h;
}

static void
atom_entry(struct html *h, const char *title, const char *id,
           const char *updated, const char *author, const char *href,
           const char *content)
{
    html_open(h, "entry", NULL);
    html_elem(h, "title", title, NULL);
    html_elem(h, "id", id, NULL);
    html_elem(h, "updated", updated, NULL);
    html_open(h, "author", NULL);
    html_elem(h, "name", author, NULL);
    html_close(h, "author");
    html_void(h, "link", "rel", "alternate", "type", "text/html", "href", href,
              NULL);
    html_elem(h, "content", content, "type", "text", NULL);
    html_close(h, "entry");
}

/* A short title from a text: its first 30 characters. */
static const char *
short_title(struct arena *a, const char *s)
{
    size_t i = 0, chars = 0;
    while (s[i] && s[i] != '\n' && chars < 30) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return s[i] ? arena_printf(a, "%.*s…", (int)i, s) : s;
}

void
board_faq_atom(struct req *r)
{
    PGresult *res = DBQ0(r, STMT_board_faq_feed);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    int n = PQntuples(res);
    const char *updated = n ? db_get(res, 0, 4) : "2024-01-01T00:00:00+08:00";
    struct html *h = atom_begin(r, "长宁区政务公开 常见问题", ATOM_TAG "faq",
                                updated, "/faq.atom", "/faq");
    for (int i = 0; i < n; i++) {
        const char *id = db_get(res, i, 0);
        atom_entry(h, db_get(res, i, 1),
                   arena_printf(r->a, ATOM_TAG "faq/%s", id), db_get(res, i, 4),
                   db_get(res, i, 3), arena_printf(r->a, "/faq#faq-%s", id),
                   arena_printf(r->a, "问：%s\n答：%s", db_get(res, i, 1),
                                db_get(res, i, 2)));
    }
    html_close(h, "feed");
    board_cacheable(r);
}

void
board_policy_atom(struct req *r)
{
    const char *pid = board_arg(r, 0);
    PGresult *p = DBQ(r, STMT_board_policy_get, pid);
    PGresult *res = p ? DBQ(r, STMT_board_policy_feed, pid) : NULL;
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(p) == 0) {
        not_found(r);
        return;
    }
    int n = PQntuples(res);
    struct html *h =
        atom_begin(r, arena_printf(r->a, "%s 的留言答复", db_get(p, 0, 1)),
                   arena_printf(r->a, ATOM_TAG "policy/%s", pid),
                   n ? db_get(res, 0, 4) : db_get(p, 0, 8),
                   arena_printf(r->a, "/policies/%s/feed.atom", pid),
                   arena_printf(r->a, "/policies/%s", pid));
    for (int i = 0; i < n; i++) {
        const char *mid = db_get(res, i, 0);
        atom_entry(h, short_title(r->a, db_get(res, i, 1)),
                   arena_printf(r->a, ATOM_TAG "message/%s", mid),
                   db_get(res, i, 4), db_get(res, i, 3),
                   arena_printf(r->a, "/policies/%s#m-%s", pid, mid),
                   arena_printf(r->a, "留言：%s\n答复（%s）：%s",
                                db_get(res, i, 1), db_get(res, i, 3),
                                db_get(res, i, 2)));
    }
    html_close(h, "feed");
    board_cacheable(r);
}

/* ---- statistics (public, as government-site rules require) ---- */

void
board_stats_get(struct req *r)
{
    long year = 0;
    const char *y = req_query(r, "year");
    time_t t = (time_t)r->now;
    struct tm tm;
    localtime_r(&t, &tm);
    if (y == NULL || !valid_int(y, 2020, 2100, &year))
        year = tm.tm_year + 1900;
    char ys[16];
    snprintf(ys, sizeof(ys), "%ld", year);
    PGresult *res = DBQ(r, STMT_board_stats, ys);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h =
        page_begin(r, arena_printf(r->a, "%ld 年政策留言办理情况", year));
    html_elem(h, "p",
              "按部门和月份统计收到的留言、已答复、按时答复（在答复期限内）、"
              "平均答复用时（工作日）和满意度。未通过审核的留言不计入。",
              "class", "lead", NULL);
    if (PQntuples(res) == 0)
        html_elem(h, "p", "本年度暂无留言。", NULL);
    else {
        static const char *const cols[] = {
            "部门",  "月份", "收到", "已答复", "按时答复", "平均用时（工作日）",
            "满意度"};
        page_table(h, "board-stats", NULL, cols,
                   sizeof(cols) / sizeof(cols[0]));
        for (int i = 0; i < PQntuples(res); i++) {
            html_open(h, "tr", NULL);
            for (int c = 0; c < 6; c++)
                html_elem(h, "td", db_get(res, i, c), NULL);
            long rated = db_getll(res, i, 6), good = db_getll(res, i, 7);
            html_elem(h, "td",
                      rated ? arena_printf(r->a, "%ld%%（%ld 人评价）",
                                           good * 100 / rated, rated)
                            : "暂无评价",
                      NULL);
            html_close(h, "tr");
        }
        page_table_end(h);
    }
    html_open(h, "p", NULL);
    html_elem(h, "a", "上一年", "href",
              arena_printf(r->a, "/board/stats?year=%ld", year - 1), NULL);
    html_close(h, "p");
    page_end(r, h);
    board_cacheable(r);
}
