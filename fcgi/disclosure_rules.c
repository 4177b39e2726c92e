/* The pure rules of the disclosure module: no I/O, no database. */
#include <string.h>

#include "disclosure.h"

static const struct {
    const char *key, *label;
} states[DS__MAX] = {
    [DS_NEW] = {"new", "登记中"},
    [DS_RECEIVED] = {"received", "已收到"},
    [DS_AWAITING_CORRECTION] = {"awaiting_correction", "待申请人补正"},
    [DS_IN_PROGRESS] = {"in_progress", "办理中"},
    [DS_CONSULTING] = {"consulting", "征求意见中（暂停计时）"},
    [DS_AWAITING_PAYMENT] = {"awaiting_payment", "待缴费（暂停计时）"},
    [DS_AWAITING_REASONS] = {"awaiting_reasons", "待申请人说明理由"},
    [DS_CLOSED] = {"closed", "已办结"},
};

static const struct {
    const char *key, *label;
} actions[DA__MAX] = {
    [DA_SUBMIT] = {"submit", "收到申请"},
    [DA_ACCEPT] = {"accept", "受理"},
    [DA_REQUEST_CORRECTION] = {"request_correction", "告知补正"},
    [DA_CORRECTION_RECEIVED] = {"correction_received", "收到补正"},
    [DA_CORRECTION_EXPIRED] = {"correction_expired", "逾期未补正，不再处理"},
    [DA_CONSULT_THIRD_PARTY] = {"consult_third_party", "征求第三方意见"},
    [DA_CONSULT_OTHER_ORGAN] = {"consult_other_organ", "征求其他机关意见"},
    [DA_CONSULT_DONE] = {"consult_done", "征求意见结束"},
    [DA_FEE_NOTICE] = {"fee_notice", "发出收费通知"},
    [DA_FEE_PAID] = {"fee_paid", "申请人已缴费"},
    [DA_FEE_EXPIRED] = {"fee_expired", "逾期未缴费，不再处理"},
    [DA_EXTEND] = {"extend", "延长答复期限"},
    [DA_ASK_REASONS] = {"ask_reasons", "要求说明理由"},
    [DA_REPLY] = {"reply", "作出答复"},
    [DA_WITHDRAW] = {"withdraw", "申请人撤回申请"},
};

const char *
dstate_key(enum dstate s)
{
    return s < DS__MAX ? states[s].key : "";
}

const char *
dstate_label(enum dstate s)
{
    return s < DS__MAX ? states[s].label : "";
}

enum dstate
dstate_parse(const char *s)
{
    for (int i = 0; s != NULL && i < DS__MAX; i++)
        if (strcmp(s, states[i].key) == 0)
            return (enum dstate)i;
    return DS__MAX;
}

const char *
daction_key(enum daction a)
{
    return a < DA__MAX ? actions[a].key : "";
}

const char *
daction_label(enum daction a)
{
    return a < DA__MAX ? actions[a].label : "";
}

enum daction
daction_parse(const char *s)
{
    for (int i = 0; s != NULL && i < DA__MAX; i++)
        if (strcmp(s, actions[i].key) == 0)
            return (enum daction)i;
    return DA__MAX;
}

/* Mirrors the CASE of disclosure_step() in schema/0020_disclosure.sql. */
enum dstate
dsm_next(enum dstate s, enum daction a)
{
    if (s >= DS__MAX || s == DS_CLOSED)
        return DS__MAX;
    switch (a) {
    case DA_SUBMIT: return s == DS_NEW ? DS_RECEIVED : DS__MAX;
    case DA_ACCEPT:
        return s == DS_RECEIVED || s == DS_AWAITING_REASONS ? DS_IN_PROGRESS
                                                            : DS__MAX;
    case DA_REQUEST_CORRECTION:
        return s == DS_RECEIVED ? DS_AWAITING_CORRECTION : DS__MAX;
    case DA_CORRECTION_RECEIVED:
        return s == DS_AWAITING_CORRECTION ? DS_IN_PROGRESS : DS__MAX;
    case DA_CORRECTION_EXPIRED:
        return s == DS_AWAITING_CORRECTION ? DS_CLOSED : DS__MAX;
    case DA_CONSULT_THIRD_PARTY:
    case DA_CONSULT_OTHER_ORGAN:
        return s == DS_IN_PROGRESS ? DS_CONSULTING : DS__MAX;
    case DA_CONSULT_DONE: return s == DS_CONSULTING ? DS_IN_PROGRESS : DS__MAX;
    case DA_FEE_NOTICE:
        return s == DS_IN_PROGRESS ? DS_AWAITING_PAYMENT : DS__MAX;
    case DA_FEE_PAID:
        return s == DS_AWAITING_PAYMENT ? DS_IN_PROGRESS : DS__MAX;
    case DA_FEE_EXPIRED: return s == DS_AWAITING_PAYMENT ? DS_CLOSED : DS__MAX;
    case DA_EXTEND: return s == DS_IN_PROGRESS ? DS_IN_PROGRESS : DS__MAX;
    case DA_ASK_REASONS:
        return s == DS_IN_PROGRESS ? DS_AWAITING_REASONS : DS__MAX;
    case DA_REPLY:
        return s == DS_RECEIVED || s == DS_IN_PROGRESS ||
                       s == DS_AWAITING_REASONS
                   ? DS_CLOSED
                   : DS__MAX;
    case DA_WITHDRAW: return s != DS_NEW ? DS_CLOSED : DS__MAX;
    case DA__MAX: break;
    }
    return DS__MAX;
}

long
fee_per_piece(long k)
{
    if (k <= 10)
        return 0;
    if (k <= 30)
        return 100;
    /* 31-40: 200, 41-50: 300, ... each band of ten 100 more */
    return 100 * (2 + (k - 31) / 10);
}

long
fee_per_volume(long pages)
{
    if (pages <= 30)
        return 0;
    if (pages <= 100)
        return (pages - 30) * 10;
    if (pages <= 200)
        return 70 * 10 + (pages - 100) * 20;
    return 70 * 10 + 100 * 20 + (pages - 200) * 40;
}

const struct drow drows[] = {
    {"new_received", "一、本年新收政府信息公开申请数量"},
    {"carried_over", "二、上年结转政府信息公开申请数量"},
    {"r1", "三（一）予以公开"},
    {"r2", "三（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
    {"r3_1", "三（三）不予公开 1.属于国家秘密"},
    {"r3_2", "三（三）不予公开 2.其他法律行政法规禁止公开"},
    {"r3_3", "三（三）不予公开 3.危及“三安全一稳定”"},
    {"r3_4", "三（三）不予公开 4.保护第三方合法权益"},
    {"r3_5", "三（三）不予公开 5.属于三类内部事务信息"},
    {"r3_6", "三（三）不予公开 6.属于四类过程性信息"},
    {"r3_7", "三（三）不予公开 7.属于行政执法案卷"},
    {"r3_8", "三（三）不予公开 8.属于行政查询事项"},
    {"r4_1", "三（四）无法提供 1.本机关不掌握相关政府信息"},
    {"r4_2", "三（四）无法提供 2.没有现成信息需要另行制作"},
    {"r4_3", "三（四）无法提供 3.补正后申请内容仍不明确"},
    {"r5_1", "三（五）不予处理 1.信访举报投诉类申请"},
    {"r5_2", "三（五）不予处理 2.重复申请"},
    {"r5_3", "三（五）不予处理 3.要求提供公开出版物"},
    {"r5_4", "三（五）不予处理 4.无正当理由大量反复申请"},
    {"r5_5", "三（五）不予处理 5.要求行政机关确认或重新出具已获取信息"},
    {"r6_1", "三（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再"
             "处理其政府信息公开申请"},
    {"r6_2", "三（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政"
             "机关不再处理其政府信息公开申请"},
    {"r6_3", "三（六）其他处理 3.其他"},
    {"r_total", "三（七）总计"},
    {"carried_forward", "四、结转下年度继续办理"},
};
const size_t ndrows = sizeof(drows) / sizeof(drows[0]);

bool
doutcome_valid(const char *key)
{
    return doutcome_label(key) != NULL;
}

const char *
doutcome_label(const char *key)
{
    if (key == NULL || key[0] != 'r' || strcmp(key, "r_total") == 0)
        return NULL;
    for (size_t i = 0; i < ndrows; i++)
        if (strcmp(drows[i].key, key) == 0)
            return drows[i].label;
    return NULL;
}

const struct dchoice dapplicant_types[6] = {
    {"natural", "自然人"},
    {"commercial", "商业企业"},
    {"research", "科研机构"},
    {"social_welfare", "社会公益组织"},
    {"legal_service", "法律服务机构"},
    {"other", "其他组织"},
};

const char *
dlabel(const struct dchoice *c, size_t n, const char *value)
{
    for (size_t i = 0; value != NULL && i < n; i++)
        if (strcmp(c[i].value, value) == 0)
            return c[i].label;
    return value ? value : "";
}

bool
did_card_valid(const char *s)
{
    static const int w[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    if (s == NULL || strlen(s) != 18)
        return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        sum += (s[i] - '0') * w[i];
    }
    return s[17] == check[sum % 11];
}

bool
dorg_code_valid(const char *s)
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                              29, 25, 13, 8,  24, 10, 30, 28};
    if (s == NULL || strlen(s) != 18)
        return false;
    int sum = 0, v[18];
    for (int i = 0; i < 18; i++) {
        const char *p = s[i] ? strchr(alpha, s[i]) : NULL;
        if (p == NULL)
            return false;
        v[i] = (int)(p - alpha);
    }
    for (int i = 0; i < 17; i++)
        sum += v[i] * w[i];
    int c = 31 - sum % 31;
    return v[17] == (c == 31 ? 0 : c);
}

const char *
dmask_id(struct arena *a, const char *id)
{
    size_t n = strlen(id);
    if (n <= 10)
        return arena_strdup(a, "****");
    char *out = arena_strdup(a, id);
    memset(out + 6, '*', n - 10);
    return out;
}

const char *
dfile_sniff(const unsigned char *p, size_t n)
{
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    return NULL;
}
