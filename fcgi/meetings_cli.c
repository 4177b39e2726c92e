/* 公众代表列席 on the command line: `gongkai verify-draw ID` recomputes a
 * published draw from its public page alone (fetched over HTTP from the
 * instance, or read from a saved file), and the demo meetings. */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "db.h"
#include "draw.h"
#include "meetings.h"

#define PAGE_MAX (8 << 20)

/* ---- reading the page ---- */

static char *
read_all_fd(struct arena *a, int fd, size_t *len)
{
    size_t cap = 65536;
    char *p = malloc(cap);
    *len = 0;
    ssize_t n;
    while (p != NULL && (n = read(fd, p + *len, cap - *len - 1)) > 0) {
        *len += (size_t)n;
        if (*len + 1 == cap) {
            char *q = cap < PAGE_MAX ? realloc(p, cap * 2) : NULL;
            if (q == NULL) {
                free(p);
                return NULL;
            }
            p = q;
            cap *= 2;
        }
    }
    char *out = p ? arena_strndup(a, p, *len) : NULL;
    free(p);
    return out;
}

/* GET path from 127.0.0.1:port with HTTP/1.0; the body of a 200, or
 * NULL with a message. Only the loopback instance is ever asked. */
static char *
http_get(struct arena *a, int port, const char *path)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {.tv_sec = 10};
    if (fd < 0)
        return NULL;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char *req = arena_printf(a,
                             "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
                             "Connection: close\r\n\r\n",
                             path, port);
    size_t len = 0;
    char *resp = NULL;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        write(fd, req, strlen(req)) == (ssize_t)strlen(req))
        resp = read_all_fd(a, fd, &len);
    close(fd);
    if (resp == NULL) {
        fprintf(stderr, "verify-draw: no answer from 127.0.0.1:%d\n", port);
        return NULL;
    }
    char *body = strstr(resp, "\r\n\r\n");
    if (strncmp(resp, "HTTP/1.1 200", 12) != 0 &&
        strncmp(resp, "HTTP/1.0 200", 12) != 0) {
        fprintf(stderr, "verify-draw: %s answered %.12s\n", path, resp);
        return NULL;
    }
    return body ? body + 4 : NULL;
}

static char *
read_file(struct arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    size_t len;
    char *s = read_all_fd(a, fileno(f), &len);
    fclose(f);
    return s;
}

/* The text of the element with id="id" (up to its closing tag), with the
 * writer's five escapes undone. NULL if absent. */
static char *
element_text(struct arena *a, const char *html, const char *id)
{
    char *key = arena_printf(a, "id=\"%s\"", id);
    const char *p = strstr(html, key);
    if (p == NULL || (p = strchr(p, '>')) == NULL)
        return NULL;
    const char *end = strstr(++p, "</");
    if (end == NULL)
        return NULL;
    static const char *const ent[][2] = {{"&amp;", "&"},
                                         {"&lt;", "<"},
                                         {"&gt;", ">"},
                                         {"&quot;", "\""},
                                         {"&#39;", "'"}};
    char *out = arena_alloc(a, (size_t)(end - p) + 1), *o = out;
    while (p < end) {
        size_t i = 0;
        for (; *p == '&' && i < 5; i++)
            if (strncmp(p, ent[i][0], strlen(ent[i][0])) == 0)
                break;
        if (*p == '&' && i < 5) {
            *o++ = ent[i][1][0];
            p += strlen(ent[i][0]);
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* ---- recomputing ---- */

struct published {
    const char *commitment, *hash, *inputs, *seed, *result;
};

static int
check(bool ok, const char *what)
{
    printf("%-40s %s\n", what, ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}

static int
recompute(struct arena *a, long long id, const struct published *p)
{
    long long mid;
    struct draw_quotas q;
    struct draw_entry *e;
    size_t n;
    char hex[DRAW_HEX], seedhex[DRAW_HEX];
    unsigned char seed[32];
    int bad = 0;
    if (draw_parse(a, p->commitment, &mid, &q, &e, &n) != 0) {
        printf("the published commitment is malformed\n");
        return 1;
    }
    bad += check(mid == id, "commitment names this meeting");
    draw_sha256_hex(p->commitment, strlen(p->commitment), hex);
    bad += check(strcmp(hex, p->hash) == 0, "commitment hash = SHA-256(text)");
    draw_seed(p->hash, p->inputs, seed);
    sodium_bin2hex(seedhex, sizeof(seedhex), seed, sizeof(seed));
    bad += check(strcmp(seedhex, p->seed) == 0,
                 "seed = SHA-256(hash + LF + inputs)");
    struct draw_pick *pk = arena_alloc(a, (size_t)q.seats * sizeof(*pk));
    size_t k = draw_run(a, seed, &q, e, n, pk);
    const char *mine = draw_result_text(a, pk, k);
    bad += check(strcmp(mine, p->result) == 0, "result recomputed");
    printf("meeting %lld: %zu eligible, %d seats, %zu filled\n", id, n, q.seats,
           k);
    printf("%s", mine);
    return bad ? 1 : 0;
}

int
meetings_cli_verify(int argc, char **argv)
{
    const char *file = NULL, *idarg = NULL;
    const char *env = getenv("GONGKAI_PORT");
    int port = env ? atoi(env) : 8080;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (idarg == NULL)
            idarg = argv[i];
    }
    long long id = idarg ? strtoll(idarg, NULL, 10) : 0;
    if (id <= 0 || port <= 0 || port > 65535) {
        fprintf(stderr, "usage: gongkai verify-draw MEETING_ID "
                        "[--port P | --file SAVED_PAGE.html]\n");
        return 2;
    }
    struct arena a;
    arena_init(&a, 65536);
    char *page =
        file ? read_file(&a, file)
             : http_get(&a, port, arena_printf(&a, "/meetings/%lld/draw", id));
    struct published p = {0};
    if (page != NULL) {
        p.commitment = element_text(&a, page, "draw-commitment");
        p.hash = element_text(&a, page, "draw-commitment-hash");
        p.inputs = element_text(&a, page, "draw-seed-inputs");
        p.seed = element_text(&a, page, "draw-seed");
        p.result = element_text(&a, page, "draw-result");
    }
    int rc = 1;
    if (page == NULL)
        rc = 2;
    else if (!p.commitment || !p.hash || !p.inputs || !p.seed || !p.result)
        printf("meeting %lld: no published draw on the page\n", id);
    else
        rc = recompute(&a, id, &p);
    if (rc != 2)
        printf("verify-draw: %s\n", rc == 0 ? "MATCH" : "DOES NOT MATCH");
    arena_free(&a);
    return rc;
}

/* ---- demo content ---- */

static const struct {
    const char *topic, *starts, *place, *seats, *rg, *rs, *from, *until, *elig,
        *desc, *decision, *dept;
} demo[] = {
    {"华阳路街道老旧小区加装电梯推进方案", "21 days",
     "华阳路街道社区事务受理中心三楼会议室", "5", "2", "2", "-2 days",
     "14 days",
     "在华阳路街道居住或工作的居民；加装电梯楼栋的住户可选“利害关系人”。",
     "讨论今明两年老旧小区加装电梯的推进顺序、补贴标准和施工期间的便民"
     "措施。欢迎居民报名列席、发表意见。",
     "", "qfb"},
    {"社区养老服务设施布局规划（征求意见稿）", "40 days", "区政府第一会议室",
     "6", "2", "1", "10 days", "30 days", "本区常住居民及相关养老机构代表。",
     "讨论社区养老服务设施的选址和服务内容。", "", "mzj"},
};

int
meetings_demo(PGconn *c, struct keys *ks, struct arena *a)
{
    (void)ks;
    (void)a;
    for (size_t i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
        const char *f[] = {demo[i].topic};
        PGresult *res = db_cli_exec(c, STMT_cli_meeting_demo_find, 1, f);
        if (res == NULL)
            return -1;
        int have = PQntuples(res);
        PQclear(res);
        if (have > 0)
            continue;
        const char *p[] = {demo[i].topic, demo[i].starts,   demo[i].place,
                           demo[i].seats, demo[i].rg,       demo[i].rs,
                           demo[i].from,  demo[i].until,    demo[i].elig,
                           demo[i].desc,  demo[i].decision, demo[i].dept};
        res = db_cli_exec(c, STMT_cli_meeting_demo_create, 12, p);
        if (res == NULL)
            return -1;
        PQclear(res);
    }
    return 0;
}
