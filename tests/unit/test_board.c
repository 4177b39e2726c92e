/*
 * Unit tests for the pure helpers of fcgi/board.c: plain-language labels
 * and the paragraph writer that turns a citizen's or a document's lines
 * into escaped <p> elements.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "board.h"
#include "buf.h"
#include "page.h"
#include "html.h"

static void
test_labels(void **state)
{
    (void)state;
    assert_string_equal(board_kind_label("consult"), "咨询");
    assert_string_equal(board_kind_label("suggest"), "建议");
    assert_string_equal(board_kind_label("evaluate"), "评价");
    assert_string_equal(board_kind_label("followup"), "追问");
    assert_string_equal(board_status_label("pending", true), "等待审核");
    assert_string_equal(board_status_label("published", false),
                        "已受理（不公开），等待答复");
    assert_string_equal(board_status_label("replied", true), "已答复");
    assert_string_equal(board_satisfaction_label("basic"), "基本满意");
    /* An unknown code is shown as it is rather than hidden. */
    assert_string_equal(board_kind_label("other"), "other");
}

static void
test_paragraphs_split_and_escape(void **state)
{
    struct unit_html *f = *state;
    board_paragraphs(&f->h, "第一行 <b>\r\n\n  \n第二行 & '引号'\n");
    assert_string_equal(buf_cstr(&f->out),
                        "<p>第一行 &lt;b&gt;</p>" /* blank lines dropped */
                        "<p>第二行 &amp; &#39;引号&#39;</p>");
}

static void
test_paragraphs_empty(void **state)
{
    struct unit_html *f = *state;
    board_paragraphs(&f->h, "");
    board_paragraphs(&f->h, "\n\n");
    assert_string_equal(buf_cstr(&f->out), "");
}

static void
test_fact(void **state)
{
    struct unit_html *f = *state;
    page_fact(&f->h, "文号", "长府办〔2024〕12号", "policy-doc-no");
    assert_string_equal(buf_cstr(&f->out),
                        "<dt>文号</dt><dd id=\"policy-doc-no\">"
                        "长府办〔2024〕12号</dd>");
}

#define T(fn)                                                                  \
    cmocka_unit_test_setup_teardown(fn, unit_html_setup, unit_html_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_labels),
        T(test_paragraphs_split_and_escape),
        T(test_paragraphs_empty),
        T(test_fact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
