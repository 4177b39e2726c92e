/*
 * hello: the floor of the stack. A bare libfcgi responder that answers every
 * request with a fixed ~1 KB HTML page, so that `make bench` can tell how much
 * of the app's time is the nginx -> FastCGI -> worker round trip itself and how
 * much is the app's own work.
 *
 *   hello [-u USER] SOCKET [WORKERS]
 */
#include <stddef.h>

#include "prefork.h"

/* About the size of a real page's head, banner and menu (~1.2 KB; the home page
 * is ~2 KB). */
static const char page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>政务公开 — 区人民政府门户</title>\n"
    "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
    "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"政策文件\" "
    "href=\"/feeds/policies.xml\">\n"
    "</head>\n"
    "<body>\n"
    "<header class=\"site\">\n"
    "<a class=\"skip\" href=\"#main\">跳到正文</a>\n"
    "<p class=\"brand\"><a href=\"/\">区人民政府 · 政务公开</a></p>\n"
    "<nav aria-label=\"主菜单\"><ul>\n"
    "<li><a href=\"/board\">政策留言板</a></li>\n"
    "<li><a href=\"/meetings\">公众代表列席</a></li>\n"
    "<li><a href=\"/openmonth\">政府开放月</a></li>\n"
    "<li><a href=\"/disclosure\">依申请公开</a></li>\n"
    "<li><a href=\"/policies\">政策文件</a></li>\n"
    "<li><a href=\"/login\">登录</a></li>\n"
    "</ul></nav>\n"
    "</header>\n"
    "<main id=\"main\">\n"
    "<h1>政务公开</h1>\n"
    "<p>本页为基准测试用的固定页面：不查询数据库，不解析请求，只用来测量 nginx "
    "与 "
    "FastCGI 往返本身的开销。</p>\n"
    "<p>This fixed page is the benchmark floor: no database, no parsing, only "
    "the nginx to "
    "FastCGI round trip.</p>\n"
    "</main>\n"
    "<footer><p>区人民政府办公室 主办</p></footer>\n"
    "</body>\n"
    "</html>\n";

static const char head[] = "Status: 200 OK\r\n"
                           "Content-Type: text/html; charset=utf-8\r\n"
                           "\r\n";

static void
hello_handle(FCGX_Request *req)
{
    FCGX_PutStr(head, (int)(sizeof(head) - 1), req->out);
    FCGX_PutStr(page, (int)(sizeof(page) - 1), req->out);
}

int
main(int argc, char **argv)
{
    static const struct prefork_app app = {
        "hello", "[-u USER] SOCKET [WORKERS]", 2, NULL, hello_handle};
    struct prefork_opts opts;

    if (prefork_parse(argc, argv, &app, &opts) != 0)
        return 2;
    return prefork_run(&opts, &app);
}
