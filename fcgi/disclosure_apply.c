/* 依申请公开, the applicant's side: apply without an account, the receipt,
 * tracking with number and access code, the 补正 answer, and /me. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

#define RECEIPT_COOKIE  "gk_drc"
#define RECEIPT_SECONDS (30 * 60) /* the receipt shows its code this long */
#define FILES_MAX       5
#define FILE_BYTES_MAX  (10L * 1024 * 1024)
#define TRACK_FAIL_ADDR 10 /* wrong codes per address in 15 minutes */
#define TRACK_FAIL_NO   20 /* wrong codes per tracking number */

static const struct dchoice id_types[] = {
    {"id_card", "居民身份证"},
    {"passport", "护照"},
    {"hk_macao", "港澳居民来往内地通行证"},
    {"taiwan", "台湾居民来往大陆通行证"},
    {"other", "其他有效证件"},
};
static const struct dchoice forms[] = {
    {"paper", "纸质"},
    {"electronic", "电子文档"},
};
static const struct dchoice deliveries[] = {
    {"post", "邮寄"},
    {"pickup", "自行领取"},
    {"email", "电子邮件"},
    {"online", "在本网站查看"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct field f_type = {
    "applicant_type", "申请人类型", NULL, NULL, NULL, true, 0};
static const struct field f_name = {"name", "姓名或单位名称",
                                    "text", "个人填写姓名，单位填写全称",
                                    "name", true,
                                    100};
static const struct field f_id_type = {
    "id_type", "证件类型", NULL, "单位申请可不填写联系人证件", NULL, false, 0};
static const struct field f_id_number = {
    "id_number", "证件号码", "text", "个人申请必填，例如 18 位身份证号码",
    "off",       false,      30};
static const struct field f_org_code = {
    "org_code", "统一社会信用代码", "text", "单位申请必填，18 位", "off", false,
    18};
static const struct field f_phone = {
    "phone", "联系电话", "tel", "手机号或带区号的固定电话，便于工作人员联系您",
    "tel",   true,       20};
static const struct field f_email = {
    "email", "电子邮箱", "email", "选择电子邮件送达时必填",
    "email", false,      254};
static const struct field f_address = {
    "address",        "通信地址", "text", "选择邮寄时必填",
    "street-address", false,      200};
static const struct field f_desc = {
    "description", "所需信息的名称、文号或者便于查询的内容描述",
    "textarea",    "尽量写清楚文件名称、发文机关、文号或时间，便于我们查找",
    NULL,          true,
    2000};
static const struct field f_form = {
    "form", "获取信息的形式", NULL, NULL, NULL, true, 0};
static const struct field f_delivery = {
    "delivery", "获取信息的方式", NULL, NULL, NULL, true, 0};
static const struct field f_dept = {
    "dept", "向哪个部门申请",
    NULL,   "不清楚可不选，由区府办转交承办部门",
    NULL,   false,
    0};

/* ---- validation ---- */

static bool
in_set(const struct dchoice *c, size_t n, const char *v)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        if (strcmp(c[i].value, v) == 0)
            return true;
    return false;
}

static char *
upper_nospace(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : ""), *w = out;
    for (const char *p = out; *p; p++)
        if (*p != ' ' && *p != '-')
            *w++ = (char)toupper((unsigned char)*p);
    *w = '\0';
    return out;
}

/* Mobile via valid_login, or a landline with its area code; writes the
 * digits only. */
static bool
phone_ok(struct arena *a, const char *in, const char **norm)
{
    if (valid_login(a, in, norm) == LOGIN_MOBILE)
        return true;
    char *d = upper_nospace(a, valid_trim(a, in));
    size_t n = strlen(d);
    if (n < 10 || n > 12 || d[0] != '0' || strspn(d, "0123456789") != n)
        return false;
    *norm = d;
    return true;
}

static void
validate_identity(struct req *r, struct form *f, struct dapplicant *ap)
{
    bool natural = ap->applicant_type != NULL &&
                   strcmp(ap->applicant_type, "natural") == 0;
    const char *idt = req_param(r, "id_type");
    ap->id_type = idt != NULL && *idt ? idt : NULL;
    ap->id_number = upper_nospace(r->a, req_param(r, "id_number"));
    ap->org_code = upper_nospace(r->a, req_param(r, "org_code"));
    if (ap->id_type != NULL && !in_set(id_types, N(id_types), ap->id_type))
        form_error(f, "id_type", "请从列表中选择证件类型");
    if (natural && ap->id_type == NULL)
        form_error(f, "id_type", "请选择证件类型");
    if (natural && *ap->id_number == '\0')
        form_error(f, "id_number", "请填写证件号码");
    if (*ap->id_number != '\0') {
        size_t n = strlen(ap->id_number);
        if (ap->id_type != NULL && strcmp(ap->id_type, "id_card") == 0 &&
            !did_card_valid(ap->id_number))
            form_error(f, "id_number",
                       "身份证号码应为 18 位，请逐位核对（最后一位可能是 X）");
        else if (n < 5 || n > 30 ||
                 strspn(ap->id_number, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "()") != n)
            form_error(f, "id_number", "证件号码格式不正确，请核对");
        else if (ap->id_type == NULL)
            form_error(f, "id_type", "请选择证件类型");
    }
    if (!natural && ap->applicant_type != NULL) {
        if (*ap->org_code == '\0')
            form_error(f, "org_code", "单位申请请填写统一社会信用代码");
        else if (!dorg_code_valid(ap->org_code))
            form_error(f, "org_code",
                       "统一社会信用代码应为 18 位数字或大写字母，请逐位核对");
    }
}

static void
validate_contact(struct req *r, struct form *f, struct dapplicant *ap)
{
    const char *phone = req_param(r, "phone");
    if (phone == NULL || *valid_trim(r->a, phone) == '\0')
        form_error(f, "phone", "请填写联系电话");
    else if (!phone_ok(r->a, phone, &ap->phone))
        form_error(f, "phone",
                   "请填写 11 位手机号（如 13800138000）或带区号的固定电话"
                   "（如 021-12345678）");
    const char *mail = valid_trim(r->a, req_param(r, "email"));
    ap->email = NULL;
    if (*mail != '\0' && valid_login(r->a, mail, &ap->email) != LOGIN_EMAIL) {
        ap->email = NULL;
        form_error(f, "email", "电子邮箱格式不正确，例如 name@example.com");
    }
    if (ap->delivery != NULL && strcmp(ap->delivery, "email") == 0 &&
        *mail == '\0')
        form_error(f, "email", "选择电子邮件送达时，请填写电子邮箱");
    ap->address = valid_trim(r->a, req_param(r, "address"));
    if (valid_chars(ap->address) > 200)
        form_error(f, "address", "地址不能超过 200 个字");
    else if (ap->delivery != NULL && strcmp(ap->delivery, "post") == 0 &&
             *ap->address == '\0')
        form_error(f, "address", "选择邮寄时，请填写通信地址");
}

void
dapply_validate(struct req *r, struct form *f, struct dapplicant *ap)
{
    memset(ap, 0, sizeof(*ap));
    ap->applicant_type = req_param(r, "applicant_type");
    if (!in_set(dapplicant_types, N(dapplicant_types), ap->applicant_type)) {
        ap->applicant_type = NULL;
        form_error(f, "applicant_type", "请选择申请人类型");
    }
    ap->name = valid_trim(r->a, req_param(r, "name"));
    size_t nc = valid_chars(ap->name);
    if (nc == 0)
        form_error(f, "name", "请填写姓名或单位名称");
    else if (nc > 100)
        form_error(f, "name", "姓名或单位名称不能超过 100 个字");
    ap->form = req_param(r, "form");
    if (!in_set(forms, N(forms), ap->form))
        form_error(f, "form", "请选择获取信息的形式");
    ap->delivery = req_param(r, "delivery");
    if (!in_set(deliveries, N(deliveries), ap->delivery)) {
        ap->delivery = NULL;
        form_error(f, "delivery", "请选择获取信息的方式");
    }
    validate_identity(r, f, ap);
    validate_contact(r, f, ap);
    ap->description = valid_trim(r->a, req_param(r, "description"));
    size_t dc = valid_chars(ap->description);
    if (dc == 0)
        form_error(f, "description", "请写明您要申请公开的信息");
    else if (dc < 5)
        form_error(f, "description", "请至少写 5 个字，说明您需要哪方面的信息");
    else if (dc > 2000)
        form_error(f, "description", "内容描述不能超过 2000 个字");
    const char *dept = req_param(r, "dept");
    long d = 0;
    if (dept != NULL && *dept != '\0' && !valid_int(dept, 1, 100000, &d))
        form_error(f, "dept", "请从列表中选择部门");
    ap->dept = (int)d;
}

void
dfiles_validate(struct req *r, struct form *f)
{
    size_t n = 0;
    for (size_t i = 0; i < r->files.n; i++) {
        const struct upload *u = &r->files.v[i];
        if (strcmp(u->field, "files") != 0 || u->len == 0)
            continue;
        n++;
        if (u->len > (size_t)FILE_BYTES_MAX)
            form_error(f, "files", "每个文件不能超过 10 MB，请压缩后再上传");
        else if (dfile_sniff(u->data, u->len) == NULL)
            form_error(f, "files",
                       arena_printf(r->a,
                                    "只能上传 PDF、JPG 或 PNG 文件，"
                                    "“%s”不是这几种文件",
                                    u->filename));
    }
    if (n > FILES_MAX)
        form_error(f, "files", "最多上传 5 个文件");
}

int
dfiles_store(struct req *r, const char *request_id, const char *event_id)
{
    for (size_t i = 0; i < r->files.n; i++) {
        const struct upload *u = &r->files.v[i];
        if (strcmp(u->field, "files") != 0 || u->len == 0)
            continue;
        const char *ct = dfile_sniff(u->data, u->len);
        const char *ext = strcmp(ct, "application/pdf") == 0 ? "pdf"
                          : strcmp(ct, "image/png") == 0     ? "png"
                                                             : "jpg";
        const char *name = valid_text(r->a, u->filename, 1, 200);
        if (name == NULL)
            name = arena_printf(r->a, "附件%zu.%s", i + 1, ext);
        char size[24];
        snprintf(size, sizeof(size), "%zu", u->len);
        if (DBQ(r, STMT_disclosure_file_add, request_id, event_id, name, ct,
                size, bytea_hex(r->a, u->data, u->len)) == NULL)
            return -1;
    }
    return 0;
}

/* ---- codes, sealing ---- */

const char *
dcode_new(struct arena *a)
{
    /* No 0/O, 1/I/L: read aloud over the phone or copied by hand. */
    static const char alpha[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    char *c = arena_alloc(a, 15);
    int k = 0;
    for (int i = 0; i < 12; i++) {
        if (i == 4 || i == 8)
            c[k++] = '-';
        c[k++] = alpha[randombytes_uniform(sizeof(alpha) - 1)];
    }
    c[k] = '\0';
    return c;
}

const char *
dcode_hash(struct req *r, const char *code)
{
    /* 12 characters of 31: about 59 random bits, so the keyed hash of the
     * code alone is unguessable; lookups pair it with the number. */
    const char *norm = upper_nospace(r->a, code);
    unsigned char h[INDEX_BYTES];
    crypt_index(r->w->keys, "disclosure_requests.code_hash", norm, strlen(norm),
                h);
    return bytea_hex(r->a, h, sizeof(h));
}

static const char *
seal_hex(struct req *r, const char *col, const char *v)
{
    if (v == NULL || *v == '\0')
        return NULL;
    size_t n;
    const char *ctx = arena_printf(r->a, "disclosure_requests.%s", col);
    unsigned char *c = crypt_seal(r->a, r->w->keys, ctx, v, strlen(v), &n);
    return bytea_hex(r->a, c, n);
}

static const char *
identity_hash(struct req *r, const struct dapplicant *ap)
{
    bool natural = strcmp(ap->applicant_type, "natural") == 0;
    const char *who =
        natural ? arena_printf(r->a, "id:%s:%s", ap->id_type, ap->id_number)
                : arena_printf(r->a, "org:%s", ap->org_code);
    unsigned char h[INDEX_BYTES];
    crypt_index(r->w->keys, "disclosure_requests.identity", who, strlen(who),
                h);
    return bytea_hex(r->a, h, sizeof(h));
}

const char *
dapply_store(struct req *r, const struct dapplicant *ap, const char *channel,
             const char *received_on, const char *code, long long *id)
{
    char dept[16], uid[24] = "", staff[24] = "";
    struct user *u = req_user(r);
    bool is_staff = u != NULL && u->role != ROLE_CITIZEN;
    snprintf(dept, sizeof(dept), "%d", ap->dept);
    if (u != NULL)
        snprintf(is_staff ? staff : uid, 24, "%lld", (long long)u->id);
    bool has_id = ap->id_number != NULL && *ap->id_number != '\0';
    const char *email_masked =
        ap->email ? mask_login(r->a, ap->email, LOGIN_EMAIL) : "";
    PGresult *res =
        DBQ(r, STMT_disclosure_create, dept, ap->applicant_type, ap->name,
            has_id ? ap->id_type : "none", seal_hex(r, "id_enc", ap->id_number),
            has_id ? dmask_id(r->a, ap->id_number) : "",
            strcmp(ap->applicant_type, "natural") == 0 ? "" : ap->org_code,
            identity_hash(r, ap), seal_hex(r, "phone_enc", ap->phone),
            mask_phone(r->a, ap->phone), seal_hex(r, "email_enc", ap->email),
            email_masked, seal_hex(r, "address_enc", ap->address),
            ap->description, ap->form, ap->delivery, channel, received_on,
            dcode_hash(r, code), *uid ? uid : NULL, *staff ? staff : NULL);
    if (res == NULL)
        return NULL;
    *id = db_getll(res, 0, 0);
    return arena_strdup(r->a, db_get(res, 0, 1));
}

/* ---- the form ---- */

static void
dept_select(struct req *r, struct form *f, struct html *h)
{
    /* every department; a failed statement leaves an empty list */
    size_t n = 0;
    struct choice *c = page_dept_choices(r, DEPT_ID, false, &n, NULL);
    form_select(f, h, &f_dept, c, n, "");
}

void
dapply_fields(struct req *r, struct form *f, struct html *h)
{
    struct choice c[8];
    for (size_t i = 0; i < N(dapplicant_types); i++)
        c[i] = (struct choice){dapplicant_types[i].value,
                               dapplicant_types[i].label};
    html_elem(h, "h2", "申请人信息", NULL);
    form_radios(f, h, &f_type, c, N(dapplicant_types), "natural");
    form_field(f, h, &f_name);
    for (size_t i = 0; i < N(id_types); i++)
        c[i] = (struct choice){id_types[i].value, id_types[i].label};
    form_select(f, h, &f_id_type, c, N(id_types), "id_card");
    form_field(f, h, &f_id_number);
    form_field(f, h, &f_org_code);
    form_field(f, h, &f_phone);
    form_field(f, h, &f_email);
    form_field(f, h, &f_address);
    html_elem(h, "h2", "申请公开的信息", NULL);
    form_field(f, h, &f_desc);
    dept_select(r, f, h);
    for (size_t i = 0; i < N(forms); i++)
        c[i] = (struct choice){forms[i].value, forms[i].label};
    form_radios(f, h, &f_form, c, N(forms), "electronic");
    for (size_t i = 0; i < N(deliveries); i++)
        c[i] = (struct choice){deliveries[i].value, deliveries[i].label};
    form_radios(f, h, &f_delivery, c, N(deliveries), "online");
}

/* <input type=file> with label, hint and error, as form_field does. */
void
dfiles_field(struct form *f, struct html *h)
{
    const char *err = form_error_of(f, "files");
    html_open(h, "div", "class", err ? "field has-error" : "field", NULL);
    html_open(h, "label", "for", "f-files", NULL);
    html_text(h, "相关材料");
    html_elem(h, "span", "（选填）", "class", "optional", NULL);
    html_close(h, "label");
    html_elem(h, "p", "PDF、JPG 或 PNG 文件，最多 5 个，每个不超过 10 MB",
              "class", "hint", "id", "f-files-hint", NULL);
    if (err)
        html_elem(h, "p", err, "class", "error", "id", "f-files-error", NULL);
    html_void(h, "input", "id", "f-files", "name", "files", "type", "file",
              "multiple", "", "accept",
              ".pdf,.jpg,.jpeg,.png,application/pdf,"
              "image/jpeg,image/png",
              "aria-describedby",
              err ? "f-files-error f-files-hint" : "f-files-hint", NULL);
    html_close(h, "div");
}

static void
apply_form(struct req *r, struct form *f, int status)
{
    struct html *h = page_begin(r, "申请政府信息公开");
    html_elem(h, "p",
              "不需要注册账号。提交后您会得到申请编号和查询码，"
              "凭它们随时查看办理进度。我们一般在收到申请之日起 20 "
              "个工作日内答复。",
              "class", "lead", NULL);
    html_elem(h, "p",
              "您的证件号码、电话、邮箱和地址加密保存，只有承办部门的"
              "工作人员可以查看，每次查看都有记录。",
              NULL);
    form_open(f, h, "/disclosure/apply", true);
    dapply_fields(r, f, h);
    dfiles_field(f, h);
    form_submit(h, "提交申请");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

void
disclosure_apply_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    apply_form(r, &f, 200);
}

/* The receipt cookie: sealed "no \n code \n expiry \n pre-session", so only
 * this browser (its gk_pre) sees the code, and only for a while. */
void
dreceipt_cookie(struct req *r, const char *no, const char *code)
{
    const char *pt = arena_printf(r->a, "%s\n%s\n%lld\n%s", no, code,
                                  (long long)(r->now + RECEIPT_SECONDS),
                                  r->pre ? r->pre : "");
    size_t n;
    unsigned char *c =
        crypt_seal(r->a, r->w->keys, "disclosure.receipt", pt, strlen(pt), &n);
    resp_cookie(r, RECEIPT_COOKIE, b64_encode(r->a, c, n), RECEIPT_SECONDS);
}

/* Stores inside the form_id transaction; the location, or NULL with the
 * response set. */
static const char *
apply_store(struct req *r, struct form *f, const struct dapplicant *ap,
            const char **code, long long *id)
{
    const char *prior;
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : NULL;
    *code = dcode_new(r->a);
    const char *no = dapply_store(r, ap, "online", NULL, *code, id);
    if (no == NULL) {
        if (r->sqlstate != NULL && strcmp(r->sqlstate, "23503") == 0) {
            db_rollback(r);
            form_error(f, "dept", "请从列表中选择部门");
            apply_form(r, f, 422);
        }
        return NULL;
    }
    return no;
}

/* The submit event and the files. */
static int
apply_finish(struct req *r, const char *no, long long rid, const char **loc)
{
    const char *id = arena_printf(r->a, "%lld", rid);
    PGresult *res =
        DBQ(r, STMT_disclosure_event_add, id, "submit", NULL, NULL,
            "网上提交申请", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (res == NULL || dfiles_store(r, id, db_get(res, 0, 0)) != 0)
        return -1;
    *loc = arena_printf(r->a, "/disclosure/receipt/%s", no);
    return 0;
}

void
disclosure_apply_post(struct req *r)
{
    struct form f;
    struct dapplicant ap;
    const char *code = NULL, *loc = NULL;
    long long id = 0;
    form_init(&f, r, true);
    dapply_validate(r, &f, &ap);
    dfiles_validate(r, &f);
    if (!form_ok(&f)) {
        apply_form(r, &f, 422);
        return;
    }
    const char *no = apply_store(r, &f, &ap, &code, &id);
    if (no == NULL)
        return;
    if (code == NULL) { /* a repeated form_id: the first answer again */
        db_rollback(r);
        resp_redirect(r, no);
        return;
    }
    if (apply_finish(r, no, id, &loc) != 0 || form_once_done(r, loc) != 0 ||
        db_commit(r) != 0)
        return;
    dreceipt_cookie(r, no, code);
    resp_redirect(r, loc);
}

/* ---- receipt ---- */

/* Opens the receipt cookie; the code if it belongs to no, is fresh and was
 * made for this browser, else NULL. */
const char *
dreceipt_code(struct req *r, const char *no)
{
    const char *ck = params_get(&r->cookies, RECEIPT_COOKIE);
    const char *pre = params_get(&r->cookies, "gk_pre");
    unsigned char raw[512];
    size_t n = 0;
    if (ck == NULL || pre == NULL || strlen(ck) > 600 ||
        b64_decode(ck, strlen(ck), raw, sizeof(raw), &n) != 0)
        return NULL;
    char *pt = crypt_open(r->a, r->w->keys, "disclosure.receipt", raw, n, NULL);
    if (pt == NULL)
        return NULL;
    char *f[4] = {pt, NULL, NULL, NULL};
    for (int i = 1; i < 4; i++) {
        char *nl = strchr(f[i - 1], '\n');
        if (nl == NULL)
            return NULL;
        *nl = '\0';
        f[i] = nl + 1;
    }
    if (strcmp(f[0], no) != 0 || strtoll(f[2], NULL, 10) < r->now ||
        strcmp(f[3], pre) != 0)
        return NULL;
    return f[1];
}

static void
fact(struct html *h, const char *dt, const char *dd, const char *id)
{
    html_elem(h, "dt", dt, NULL);
    html_elem(h, "dd", dd, "id", id, NULL);
}

void
disclosure_receipt_get(struct req *r)
{
    const char *no = r->args[0];
    const char *code = dreceipt_code(r, no);
    if (code == NULL) {
        page_error(r, 404, "回执已不再显示",
                   "为保护申请人的信息，回执只在提交申请的浏览器上显示 30 "
                   "分钟。如您已记下申请编号和查询码，请到“申请查询”页面"
                   "查看办理进度。");
        return;
    }
    PGresult *rec = DBQ(r, STMT_disclosure_by_no, no);
    if (rec == NULL)
        return;
    struct html *h = page_begin(r, "申请已提交");
    html_elem(h, "p",
              "我们已收到您的政府信息公开申请。请记下（或拍照保存）下面的"
              "申请编号和查询码：查看办理进度、提交补正都需要它们。",
              "class", "lead", NULL);
    html_open(h, "dl", "class", "facts receipt", NULL);
    fact(h, "申请编号", no, "tracking-no");
    fact(h, "查询码", code, "access-code");
    if (PQntuples(rec) == 1) {
        fact(h, "收到日期", db_get(rec, 0, DR_RECEIVED), NULL);
        fact(h, "答复期限", db_get(rec, 0, DR_DUE), NULL);
    }
    html_close(h, "dl");
    html_elem(h, "p",
              "查询码只在此页显示 30 分钟，之后不会再显示，工作人员也无法"
              "查看。遗失查询码，请携带证件到承办部门或拨打 12345 咨询。",
              "class", "notice", NULL);
    html_open(h, "p", NULL);
    html_elem(h, "a", "查看办理进度", "href",
              arena_printf(r->a, "/disclosure/track?no=%s&code=%s", no, code),
              NULL);
    html_close(h, "p");
    page_end(r, h);
}

/* ---- tracking ---- */

static void
track_form(struct req *r, int status, const char *msg)
{
    struct html *h = page_begin(r, "申请查询");
    html_elem(h, "p", "请输入提交申请后得到的申请编号和查询码。", "class",
              "lead", NULL);
    if (msg != NULL)
        html_elem(h, "p", msg, "class", "notice", "role", "alert", NULL);
    const char *no = req_query(r, "no");
    html_open(h, "form", "method", "get", "action", "/disclosure/track", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "申请编号", "for", "f-no", NULL);
    html_elem(h, "p", "例如 2026-000123", "class", "hint", "id", "f-no-hint",
              NULL);
    html_void(h, "input", "id", "f-no", "name", "no", "type", "text", "value",
              no ? no : "", "aria-describedby", "f-no-hint", "required", "",
              "autocomplete", "off", NULL);
    html_close(h, "div");
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "查询码", "for", "f-code", NULL);
    html_elem(h, "p", "12 位字母和数字，例如 AB3D-EF5H-JK7M", "class", "hint",
              "id", "f-code-hint", NULL);
    html_void(h, "input", "id", "f-code", "name", "code", "type", "text",
              "aria-describedby", "f-code-hint", "required", "", "autocomplete",
              "off", NULL);
    html_close(h, "div");
    form_submit(h, "查询");
    html_close(h, "form");
    page_end(r, h);
    r->resp.status = status;
}

/* Checks number and code with the rate limit. Returns the request id, 0
 * when refused (the response is set), -1 on a database error. */
long long
dtrack_check(struct req *r, const char *no, const char *code)
{
    const char *addr = r->remote_addr ? r->remote_addr : "127.0.0.1";
    no = valid_trim(r->a, no);
    PGresult *res = DBQ(r, STMT_disclosure_track_throttle, addr, no);
    if (res == NULL)
        return -1;
    if (db_getll(res, 0, 0) >= TRACK_FAIL_ADDR ||
        db_getll(res, 0, 1) >= TRACK_FAIL_NO) {
        track_form(r, 429,
                   "查询码输错次数过多。为保护申请人的信息，请 15 分钟后"
                   "再试。");
        (void)resp_header(r, "Retry-After", "900");
        return 0;
    }
    res = DBQ(r, STMT_disclosure_code_ok, no, dcode_hash(r, code));
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 1)
        return db_getll(res, 0, 0);
    if (DBQ(r, STMT_disclosure_track_failure_add, no, addr) == NULL)
        return -1;
    track_form(r, 404, "申请编号或查询码不正确，请核对后重新输入。");
    return 0;
}

void
ddue_explain(struct req *r, struct html *h, PGresult *rec)
{
    enum dstate s = dstate_parse(db_get(rec, 0, DR_STATE));
    const char *clock = db_get(rec, 0, DR_CLOCK);
    /* After a 补正 the clock runs from the corrected application. */
    bool restarted = db_getll(rec, 0, DR_CORRECTIONS) > 0;
    long ext = db_getll(rec, 0, DR_EXT), paused = db_getll(rec, 0, DR_PAUSED);
    struct buf b;
    buf_init(&b, r->a, 256);
    if (s == DS_CLOSED) {
        buf_printf(&b, "已于 %s 办结。", db_get(rec, 0, DR_CLOSED));
    } else if (s == DS_AWAITING_CORRECTION) {
        buf_printf(&b,
                   "答复期限暂不计算：等待申请人补正（补正期限 %s）。"
                   "收到补正之日起重新计算 20 个工作日。",
                   db_get(rec, 0, DR_CORR_UNTIL));
    } else if (s == DS_CONSULTING || s == DS_AWAITING_PAYMENT) {
        buf_printf(&b, "自 %s 起暂停计时：%s期间不计入答复期限，结束后顺延。",
                   db_get(rec, 0, DR_PAUSE_SINCE),
                   s == DS_CONSULTING ? "征求第三方或其他机关意见"
                                      : "等待缴纳信息处理费");
    } else if (db_isnull(rec, 0, DR_DUE)) {
        buf_printf(&b,
                   "答复期限尚未确定：工作日历还没有载入期限所在的年度"
                   "（管理员载入后自动计算）。从 %s 起算 %ld 个工作日。",
                   clock, 20 + ext + paused);
    } else if (!db_isnull(rec, 0, DR_LATER_DUE)) {
        buf_printf(&b,
                   "申请数量、频次明显超过合理范围，依《条例》第三十五条"
                   "确定的答复期限为 %s。",
                   db_get(rec, 0, DR_LATER_DUE));
    } else {
        buf_printf(&b, "从%s之日 %s（当天为第 0 天）起算 20 个工作日",
                   restarted ? "收到补正" : "收到申请", clock);
        if (ext > 0)
            buf_printf(&b, "，加上经批准延长的 %ld 个工作日", ext);
        if (paused > 0)
            buf_printf(&b, "，加上暂停计时的 %ld 个工作日", paused);
        buf_printf(&b, "，即第 %ld 个工作日 %s。", 20 + ext + paused,
                   db_get(rec, 0, DR_DUE));
    }
    buf_puts(&b, "周末和法定节假日不计，调休上班日计入。");
    html_elem(h, "p", buf_cstr(&b), "class", "hint", "id", "due-explain", NULL);
}

static const char *
basis_label(const char *b)
{
    return strcmp(b, "piece") == 0    ? "按件计收"
           : strcmp(b, "volume") == 0 ? "按量计收"
                                      : "";
}

/* Details of one event (row i of disclosure_events_of). */
static void
event_details(struct req *r, struct html *h, PGresult *ev, int i)
{
    enum daction a = daction_parse(db_get(ev, i, 1));
    const char *outcome = db_get(ev, i, 5), *days = db_get(ev, i, 6);
    struct buf b;
    buf_init(&b, r->a, 128);
    if (a == DA_REPLY || *outcome)
        buf_printf(&b, "答复类型：%s。",
                   doutcome_label(outcome) ? doutcome_label(outcome) : outcome);
    if (a == DA_EXTEND)
        buf_printf(&b, "延长 %s 个工作日，批准人：%s。", days,
                   db_get(ev, i, 11));
    if (a == DA_REQUEST_CORRECTION)
        buf_printf(&b, "请在 %s 个工作日内补正。", days);
    if (a == DA_FEE_NOTICE)
        buf_printf(&b, "信息处理费 %s 元（%s，按标准计算为 %s 元）。",
                   db_get(ev, i, 7), basis_label(db_get(ev, i, 8)),
                   db_get(ev, i, 10));
    if (*db_get(ev, i, 12))
        buf_printf(&b, "确定的答复期限：%s。", db_get(ev, i, 12));
    if (*db_get(ev, i, 15))
        buf_printf(&b, "答复期限：%s。", db_get(ev, i, 15));
    if (b.len > 0)
        html_elem(h, "p", buf_cstr(&b), "class", "event-facts", NULL);
}

void
devents_render(struct req *r, struct html *h, PGresult *ev, const char *no,
               const char *code)
{
    bool staff = code == NULL;
    PGresult *fs = PQntuples(ev)
                       ? DBQ(r, STMT_disclosure_event_files, db_get(ev, 0, 17))
                       : NULL;
    html_elem(h, "h2", "办理过程", "id", "timeline", NULL);
    html_open(h, "ol", "class", "timeline", "aria-labelledby", "timeline",
              NULL);
    for (int i = 0; i < PQntuples(ev); i++) {
        enum daction a = daction_parse(db_get(ev, i, 1));
        html_open(h, "li", "data-action", daction_key(a), NULL);
        html_elem(h, "span", db_get(ev, i, 2), "class", "when", NULL);
        html_text(h, " ");
        html_elem(h, "strong", daction_label(a), NULL);
        if (staff && *db_get(ev, i, 3)) {
            html_text(h, "（");
            html_text(h, db_get(ev, i, 3));
            html_text(h, "，");
            html_text(h, db_get(ev, i, 16));
            html_text(h, "）");
        }
        if (*db_get(ev, i, 4))
            html_elem(h, "p", db_get(ev, i, 4), "class", "notice-text", NULL);
        event_details(r, h, ev, i);
        devent_files(r, h, fs, db_get(ev, i, 17), no, code);
        html_close(h, "li");
    }
    html_close(h, "ol");
}

static void
supplement_form(struct form *f, struct html *h, const char *no,
                const char *code)
{
    static const struct field f_content = {
        "content",  "补正内容",
        "textarea", "请按照补正告知的要求，写明需要补充或更正的内容",
        NULL,       true,
        4000};
    html_elem(h, "h2", "提交补正", "id", "supplement", NULL);
    form_open(f, h, "/disclosure/track/supplement", true);
    form_hidden(h, "no", no);
    form_hidden(h, "code", code);
    form_field(f, h, &f_content);
    dfiles_field(f, h);
    form_submit(h, "提交补正");
    form_close(h);
}

const char *
due_missing(enum dstate s)
{
    return s == DS_CONSULTING || s == DS_AWAITING_PAYMENT ? "暂停计时"
           : s == DS_AWAITING_CORRECTION                  ? "待补正后计算"
                                                          : "尚未确定";
}

static void
track_show(struct req *r, struct form *f, const char *no, const char *code,
           long long id, int status)
{
    char rid[24];
    snprintf(rid, sizeof(rid), "%lld", id);
    PGresult *rec = DBQ(r, STMT_disclosure_by_no, no);
    PGresult *ev = rec ? DBQ(r, STMT_disclosure_events_of, rid) : NULL;
    if (ev == NULL || PQntuples(rec) != 1)
        return;
    enum dstate s = dstate_parse(db_get(rec, 0, DR_STATE));
    struct html *h = page_begin(r, "申请办理进度");
    html_open(h, "dl", "class", "facts", NULL);
    fact(h, "申请编号", no, "track-no");
    fact(h, "收到日期", db_get(rec, 0, DR_RECEIVED), NULL);
    fact(h, "承办部门", db_get(rec, 0, DR_DEPT), NULL);
    html_elem(h, "dt", "当前状态", NULL);
    html_elem(h, "dd", dstate_label(s), "id", "request-state", "data-state",
              dstate_key(s), NULL);
    html_elem(h, "dt", "答复期限", NULL);
    html_elem(h, "dd",
              db_isnull(rec, 0, DR_DUE) ? due_missing(s)
                                        : db_get(rec, 0, DR_DUE),
              "id", "due-date", NULL);
    if (s == DS_CLOSED) {
        fact(h, "办结日期", db_get(rec, 0, DR_CLOSED), NULL);
        const char *o = doutcome_label(db_get(rec, 0, DR_OUTCOME));
        fact(h, "办理结果", o ? o : "", "request-outcome");
    }
    html_close(h, "dl");
    ddue_explain(r, h, rec);
    devents_render(r, h, ev, no, code);
    if (s == DS_AWAITING_CORRECTION)
        supplement_form(f, h, no, code);
    page_end(r, h);
    r->resp.status = status;
}

void
disclosure_track_get(struct req *r)
{
    const char *no = req_query(r, "no"), *code = req_query(r, "code");
    if (no == NULL || code == NULL || *no == '\0' || *code == '\0') {
        track_form(r, 200,
                   (no != NULL || code != NULL) ? "请同时填写申请编号和查询码。"
                                                : NULL);
        return;
    }
    long long id = dtrack_check(r, no, code);
    if (id <= 0)
        return;
    struct form f;
    form_init(&f, r, false);
    track_show(r, &f, valid_trim(r->a, no), code, id, 200);
}

static int
supplement_store(struct req *r, long long id, const char *content,
                 const char *loc)
{
    const char *prior;
    char rid[24];
    snprintf(rid, sizeof(rid), "%lld", id);
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? 0 : -1;
    PGresult *res =
        DBQ(r, STMT_disclosure_event_add, rid, "correction_received", NULL,
            NULL, content, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (res == NULL)
        return r->sqlstate && strcmp(r->sqlstate, "P0001") == 0 ? 1 : -1;
    if (dfiles_store(r, rid, db_get(res, 0, 0)) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return -1;
    return 0;
}

void
disclosure_supplement_post(struct req *r)
{
    const char *no = req_param(r, "no"), *code = req_param(r, "code");
    if (no == NULL || code == NULL) {
        track_form(r, 404, "申请编号或查询码不正确，请核对后重新输入。");
        return;
    }
    long long id = dtrack_check(r, no, code);
    if (id <= 0)
        return;
    no = valid_trim(r->a, no);
    struct form f;
    form_init(&f, r, true);
    const char *content = valid_trim(r->a, req_param(r, "content"));
    size_t n = valid_chars(content);
    if (n == 0)
        form_error(&f, "content", "请填写补正的内容");
    else if (n > 4000)
        form_error(&f, "content", "补正内容不能超过 4000 个字");
    dfiles_validate(r, &f);
    if (!form_ok(&f)) {
        track_show(r, &f, no, code, id, 422);
        return;
    }
    const char *loc = arena_printf(r->a, "/disclosure/track?no=%s&code=%s", no,
                                   upper_nospace(r->a, code));
    int rc = supplement_store(r, id, content, loc);
    if (rc < 0)
        return;
    if (rc == 1) {
        db_rollback(r);
        page_error(r, 409, "无需补正",
                   "这件申请目前不在等待补正的阶段，补正内容没有保存。");
        return;
    }
    resp_redirect(r, loc);
}

/* ---- /me ---- */

void
disclosure_me_section(struct req *r, struct html *h)
{
    struct user *u = req_user(r);
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)u->id);
    PGresult *res = DBQ(r, STMT_disclosure_mine, uid);
    if (res == NULL)
        return;
    html_open(h, "section", "aria-labelledby", "me-disclosure", NULL);
    html_elem(h, "h2", "我的政府信息公开申请", "id", "me-disclosure", NULL);
    if (PQntuples(res) == 0) {
        html_open(h, "p", NULL);
        html_text(h, "您登录后提交的申请会显示在这里。");
        html_elem(h, "a", "申请政府信息公开", "href", "/disclosure/apply",
                  NULL);
        html_close(h, "p");
        html_close(h, "section");
        return;
    }
    static const char *const cols[] = {"申请编号", "所需信息", "收到日期",
                                       "状态", "答复期限"};
    page_table(h, NULL, NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", "class", "me-disclosure-row", NULL);
        html_elem(h, "td", db_get(res, i, 0), NULL);
        html_elem(h, "td", db_get(res, i, 5), NULL);
        html_elem(h, "td", db_get(res, i, 1), NULL);
        html_elem(h, "td", dstate_label(dstate_parse(db_get(res, i, 2))), NULL);
        html_elem(h, "td", db_get(res, i, 3), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    html_elem(h, "p",
              "查看办理过程请使用申请编号和查询码在“申请查询”页面查询。",
              "class", "hint", NULL);
    html_close(h, "section");
}
