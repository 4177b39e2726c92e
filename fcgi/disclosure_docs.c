/* 依申请公开: the documents of each step. Staff attach files to any step
 * (the reply's documents, a scanned notice); the applicant's own files come
 * with the application and the 补正. Every document is listed under its
 * step in the timeline and downloads for staff of the department (audited,
 * disclosure_admin_file_get) and for the applicant who holds number and
 * access code (the same rate limit as tracking): the reply reaches an
 * applicant who chose to receive it on this website. */
#include <stdio.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

void
devent_files(struct req *r, struct html *h, PGresult *fs, const char *event_id,
             const char *no, const char *code)
{
    bool open = false;
    for (int i = 0; fs != NULL && i < PQntuples(fs); i++) {
        if (strcmp(db_get(fs, i, 3), event_id) != 0)
            continue;
        if (!open)
            html_open(h, "ul", "class", "files", NULL);
        open = true;
        const char *id = db_get(fs, i, 0);
        const char *href =
            code == NULL
                ? arena_printf(r->a, "/admin/disclosure/%s/files/%s", no, id)
                : arena_printf(r->a, "/disclosure/track/files/%s?no=%s&code=%s",
                               id, no, code);
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(fs, i, 1), "href", href, "class", "document",
                  NULL);
        html_textf(h, "（%lld KB）", (db_getll(fs, i, 2) + 1023) / 1024);
        html_close(h, "li");
    }
    if (open)
        html_close(h, "ul");
}

void
dfile_send(struct req *r, const char *no, const char *fid, PGresult *fr)
{
    size_t n = 0;
    unsigned char *data =
        PQntuples(fr) == 1 ? bytea_parse(r->a, db_get(fr, 0, 2), &n) : NULL;
    if (data == NULL) {
        page_error(r, 404, "文件不存在", "没有这个文件。");
        return;
    }
    const char *ct = db_get(fr, 0, 1);
    const char *ext = strcmp(ct, "application/pdf") == 0 ? "pdf"
                      : strcmp(ct, "image/png") == 0     ? "png"
                                                         : "jpg";
    r->resp.ctype = ct;
    /* The stored name is shown on the pages; the download gets a plain
     * ASCII name, so no header can be shaped by the uploader. */
    (void)resp_header(
        r, "Content-Disposition",
        arena_printf(r->a, "attachment; filename=\"%s-%s.%s\"", no, fid, ext));
    (void)resp_header(r, "Cache-Control", "no-store");
    buf_put(&r->resp.body, data, n);
}

/* GET /disclosure/track/files/{id}?no=&code= : a document of the
 * applicant's own request. A wrong code counts against the rate limit and
 * looks like an unknown number. */
void
disclosure_track_file_get(struct req *r)
{
    const char *no = req_query(r, "no"), *code = req_query(r, "code");
    long v;
    if (no == NULL || code == NULL || *code == '\0' ||
        !valid_int(r->args[0], 1, 1000000000000L, &v)) {
        page_error(r, 404, "文件不存在", "没有这个文件。");
        return;
    }
    long long id = dtrack_check(r, no, code);
    if (id <= 0)
        return;
    char rid[24];
    snprintf(rid, sizeof(rid), "%lld", id);
    PGresult *fr = DBQ(r, STMT_disclosure_file_get, rid, r->args[0]);
    if (fr != NULL)
        dfile_send(r, valid_trim(r->a, no), r->args[0], fr);
}
