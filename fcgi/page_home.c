/* The home page: where every citizen starts, one link to each service. */
#include <string.h>

#include "db.h"
#include "resp.h"
#include "valid.h"
#include "handlers.h"
#include "page.h"

struct tile {
    const char *href;
    const char *title;
    const char *text;
};

static const struct tile tiles[] = {
    {"/policies", "政策留言板",
     "查看政策文件和解读，就政策提出咨询、建议或评价，查看部门答复。"},
    {"/meetings", "公众代表列席会议",
     "报名以公众代表身份列席区政府决策会议，查看遴选结果和意见采纳情况。"},
    {"/open-month", "政府开放月",
     "报名参加政府开放活动，查看名额、取消报名，为最受欢迎的活动投票。"},
    {"/disclosure/apply", "依申请公开",
     "向区政府各部门申请公开政府信息，无需注册，可随时查询办理进度。"},
};

void
home_get(struct req *r)
{
    struct html *h = page_begin(r, "长宁区政务公开服务");
    html_elem(h, "p",
              "在这里，您可以了解政策、提出意见、参与政府决策和开放"
              "活动，并依法申请政府信息公开。",
              "class", "lead", NULL);
    html_open(h, "ul", "class", "tiles", NULL);
    for (size_t i = 0; i < sizeof(tiles) / sizeof(tiles[0]); i++) {
        html_open(h, "li", NULL);
        html_open(h, "a", "href", tiles[i].href, NULL);
        html_elem(h, "h2", tiles[i].title, NULL);
        html_elem(h, "p", tiles[i].text, NULL);
        html_close(h, "a");
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_open(h, "p", NULL);
    html_text(h, "已提交依申请公开？");
    html_elem(h, "a", "凭申请编号和查询码查询办理进度", "href",
              "/disclosure/track", NULL);
    html_close(h, "p");
    page_end(r, h);
}

/* GET /prefs/display?mode=large|normal&back=PATH: remembers the display
 * mode for a year and goes back. Idempotent and harmless, so a link (no
 * form, no script) is enough to switch from any page. */
void
prefs_display_get(struct req *r)
{
    const char *mode = req_query(r, "mode");
    const char *back = req_query(r, "back");
    if (mode == NULL ||
        (strcmp(mode, "large") != 0 && strcmp(mode, "normal") != 0)) {
        page_error(r, 400, "无法切换显示模式", "请从页面顶部的链接切换。");
        return;
    }
    resp_cookie(r, "gk_mode", mode, strcmp(mode, "large") == 0 ? 31536000 : 0);
    resp_redirect(r, valid_next(back) ? back : "/");
}

void
health_get(struct req *r)
{
    /* For monitors and the fault tests: 200 only if the database answers. */
    if (DBQ0(r, STMT_health) == NULL)
        return;
    r->resp.ctype = "text/plain; charset=utf-8";
    buf_puts(&r->resp.body, "ok\n");
}
