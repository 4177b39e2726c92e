/*
 * Unit tests for fcgi/html.c: the escaping markup writer.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "html.h"

static const char *
out(struct unit_html *f)
{
    return buf_cstr(&f->out);
}

static void
test_text_escapes_all_five(void **state)
{
    struct unit_html *f = *state;
    html_text(&f->h, "a & b < c > d \" e ' f");
    assert_string_equal(out(f), "a &amp; b &lt; c &gt; d &quot; e &#39; f");
}

static void
test_text_edges(void **state)
{
    struct unit_html *f = *state;
    html_text(&f->h, "&");
    html_text(&f->h, "|");
    html_text(&f->h, "<<>>");
    html_text(&f->h, "|");
    html_text(&f->h, "");
    html_text(&f->h, NULL);
    html_text(&f->h, "&amp;"); /* already-escaped text is escaped again */
    assert_string_equal(out(f), "&amp;|&lt;&lt;&gt;&gt;|&amp;amp;");
}

static void
test_text_unicode_untouched(void **state)
{
    struct unit_html *f = *state;
    html_text(&f->h, "政务公开：“信息” 😀");
    assert_string_equal(out(f), "政务公开：“信息” 😀");
}

static void
test_script_is_text(void **state)
{
    struct unit_html *f = *state;
    html_text(&f->h, "<script>alert('x')</script>");
    assert_string_equal(out(f),
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    assert_null(strchr(out(f), '<'));
}

static void
test_textn_stops_at_length(void **state)
{
    struct unit_html *f = *state;
    html_textn(&f->h, "<b>bold</b>", 3);
    assert_string_equal(out(f), "&lt;b&gt;");
}

static void
test_attributes_escaped_and_quoted(void **state)
{
    struct unit_html *f = *state;
    html_open(&f->h, "a", "href", "/search?q=a&b=\"c\"", "title", "it's <here>",
              NULL);
    assert_string_equal(out(f), "<a href=\"/search?q=a&amp;b=&quot;c&quot;\" "
                                "title=\"it&#39;s &lt;here&gt;\">");
}

/* An attacker value cannot leave the attribute or open a new one. */
static void
test_attribute_breakout(void **state)
{
    struct unit_html *f = *state;
    html_void(&f->h, "input", "value", "\" onfocus=\"alert(1)\" x=\"", NULL);
    const char *s = out(f);
    assert_string_equal(
        s, "<input value=\"&quot; onfocus=&quot;alert(1)&quot; x=&quot;\">");
    /* Exactly two double quotes: the ones the writer put there. */
    int quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '"';
    assert_int_equal(quotes, 2);
}

static void
test_null_attribute_skipped(void **state)
{
    struct unit_html *f = *state;
    html_open(&f->h, "option", "selected", NULL, "value", "7", "class", NULL,
              NULL);
    assert_string_equal(out(f), "<option value=\"7\">");
}

static void
test_empty_value_boolean(void **state)
{
    struct unit_html *f = *state;
    html_void(&f->h, "input", "type", "checkbox", "name", "agree", "checked",
              "", "required", "", NULL);
    assert_string_equal(out(f), "<input type=\"checkbox\" name=\"agree\" "
                                "checked required>");
}

static void
test_void_no_closing_tag(void **state)
{
    struct unit_html *f = *state;
    html_void(&f->h, "br", NULL);
    html_void(&f->h, "meta", "charset", "utf-8", NULL);
    assert_string_equal(out(f), "<br><meta charset=\"utf-8\">");
    assert_null(strstr(out(f), "</"));
    assert_null(strstr(out(f), "/>"));
}

static void
test_xml_mode(void **state)
{
    struct unit_html *f = *state;
    struct html x;
    html_init_xml(&x, &f->out);
    html_raw_trusted(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    html_open(&x, "feed", "xmlns", "http://www.w3.org/2005/Atom", NULL);
    html_void(&x, "link", "rel", "self", "href", "/feed?a=1&b=2", NULL);
    html_void(&x, "category", "term", "", NULL);
    html_elem(&x, "title", "R&D <news>", NULL);
    html_close(&x, "feed");
    assert_string_equal(out(f),
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                        "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                        "<link rel=\"self\" href=\"/feed?a=1&amp;b=2\"/>"
                        "<category term=\"\"/>"
                        "<title>R&amp;D &lt;news&gt;</title>"
                        "</feed>");
}

static void
test_open_close_elem(void **state)
{
    struct unit_html *f = *state;
    html_open(&f->h, "p", NULL);
    html_text(&f->h, "x");
    html_close(&f->h, "p");
    html_elem(&f->h, "td", "1 < 2", "class", "num", "data-v", "a\"b", NULL);
    html_elem(&f->h, "td", NULL, NULL);
    html_elem(&f->h, "td", "", NULL);
    assert_string_equal(out(f), "<p>x</p>"
                                "<td class=\"num\" data-v=\"a&quot;b\">"
                                "1 &lt; 2</td><td></td><td></td>");
}

static void
test_textf(void **state)
{
    struct unit_html *f = *state;
    html_textf(&f->h, "%s=%d (%s)", "<b>", 42, "a&b");
    assert_string_equal(out(f), "&lt;b&gt;=42 (a&amp;b)");
}

/* Formatted output of 255, 256 and far more than 256 bytes is complete and
 * escaped (the writer formats into a 256-byte stack buffer first). */
static void
test_textf_long(void **state)
{
    struct unit_html *f = *state;
    size_t lens[] = {255, 256, 257, 1000, 70000};
    for (size_t t = 0; t < sizeof(lens) / sizeof(lens[0]); t++) {
        size_t n = lens[t];
        char *s = malloc(n + 1);
        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
            s[i] = i % 2 ? '<' : 'x';
        s[n] = '\0';
        buf_clear(&f->out);
        html_textf(&f->h, "[%s]", s);
        const char *r = out(f);
        size_t lt = n / 2;
        assert_int_equal(strlen(r), 2 + (n - lt) + lt * 4);
        assert_int_equal(r[0], '[');
        assert_int_equal(r[strlen(r) - 1], ']');
        assert_memory_equal(r + 1, "x&lt;x&lt;", 10);
        assert_null(strchr(r, '<'));
        free(s);
    }
}

static void
test_csrf_hidden_input_markup(void **state)
{
    struct unit_html *f = *state;
    html_void(&f->h, "input", "type", "hidden", "name", "csrf", "value",
              "TOKEN", NULL);
    assert_string_equal(
        out(f), "<input type=\"hidden\" name=\"csrf\" value=\"TOKEN\">");
}

static void
test_raw_trusted_verbatim(void **state)
{
    struct unit_html *f = *state;
    html_raw_trusted(&f->h, "<!doctype html>");
    html_text(&f->h, "<!doctype html>");
    assert_string_equal(out(f), "<!doctype html>&lt;!doctype html&gt;");
}

static void
test_escape_primitive(void **state)
{
    struct unit_html *f = *state;
    html_escape(&f->out, "'\"&<>", 5);
    html_escape(&f->out, "ignored", 0);
    assert_string_equal(out(f), "&#39;&quot;&amp;&lt;&gt;");
}

static void
test_large_document(void **state)
{
    struct unit_html *f = *state;
    for (int i = 0; i < 2000; i++)
        html_elem(&f->h, "li", "<&>", "class", "row", NULL);
    const char *item = "<li class=\"row\">&lt;&amp;&gt;</li>";
    size_t il = strlen(item);
    assert_int_equal(f->out.len, 2000 * il);
    assert_memory_equal(f->out.p + 1999 * il, item, il);
}

#define T(fn)                                                                  \
    cmocka_unit_test_setup_teardown(fn, unit_html_setup, unit_html_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_text_escapes_all_five),
        T(test_text_edges),
        T(test_text_unicode_untouched),
        T(test_script_is_text),
        T(test_textn_stops_at_length),
        T(test_attributes_escaped_and_quoted),
        T(test_attribute_breakout),
        T(test_null_attribute_skipped),
        T(test_empty_value_boolean),
        T(test_void_no_closing_tag),
        T(test_xml_mode),
        T(test_open_close_elem),
        T(test_textf),
        T(test_textf_long),
        T(test_csrf_hidden_input_markup),
        T(test_raw_trusted_verbatim),
        T(test_escape_primitive),
        T(test_large_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
