/*
 * Unit tests for the in-memory working-day arithmetic of
 * fcgi/disclosure_seed.c (dcal_add, dcal_between), which plays 100,000
 * histories for `gongkai seed` and must agree with PostgreSQL's
 * add_workdays() / workdays_between(): the check values of
 * domain/disclosure.md ("Working days"), across 春节, 国庆 and 调休 days,
 * on a calendar built here from the domain's holiday lists for 2024-2026.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disclosure.h"

/* Days since 2000-01-01 of "YYYY-MM-DD". */
static int
day(const char *s)
{
    struct tm tm = {0};
    int y, m, d;
    if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
        return NO_DAY;
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return (int)((timegm(&tm) - 946728000) / 86400);
}

/* The holiday notices of domain/disclosure.md: weekday holidays ("off")
 * and 调休 weekend working days ("work"). */
static const char *const off[] = {
    "2024-01-01", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15",
    "2024-02-16", "2024-04-04", "2024-04-05", "2024-05-01", "2024-05-02",
    "2024-05-03", "2024-06-10", "2024-09-16", "2024-09-17", "2024-10-01",
    "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-07", "2025-01-01",
    "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03",
    "2025-02-04", "2025-04-04", "2025-05-01", "2025-05-02", "2025-05-05",
    "2025-06-02", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06",
    "2025-10-07", "2025-10-08", "2026-01-01", "2026-01-02", "2026-02-16",
    "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23",
    "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19",
    "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
    "2026-10-07"};
static const char *const work[] = {
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11",
    "2024-09-14", "2024-09-29", "2024-10-12", "2025-01-26", "2025-02-08",
    "2025-04-27", "2025-09-28", "2025-10-11", "2026-01-04", "2026-02-14",
    "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"};

static struct dcal cal;

static int
setup(void **state)
{
    (void)state;
    cal.lo = day("2024-01-01");
    cal.n = day("2026-12-31") - cal.lo + 1;
    cal.today = day("2026-11-28");
    cal.wd = calloc((size_t)cal.n + 1, 1);
    for (int i = 0; i < cal.n; i++) {
        /* 2000-01-01 was a Saturday: weekday index 0 = Saturday */
        int dow = (cal.lo + i) % 7;
        cal.wd[i] = dow >= 2 ? '1' : '0';
    }
    for (size_t i = 0; i < sizeof(off) / sizeof(*off); i++)
        cal.wd[day(off[i]) - cal.lo] = '0';
    for (size_t i = 0; i < sizeof(work) / sizeof(*work); i++)
        cal.wd[day(work[i]) - cal.lo] = '1';
    return dcal_prepare(&cal);
}

static int
teardown(void **state)
{
    (void)state;
    free(cal.wd);
    free(cal.cum);
    return 0;
}

static void
assert_add(const char *start, int n, const char *want)
{
    assert_int_equal(dcal_add(&cal, day(start), n), day(want));
}

static void
test_domain_check_values(void **state)
{
    (void)state;
    assert_add("2025-01-20", 20, "2025-02-21"); /* across 春节 2025 */
    assert_add("2025-01-20", 7, "2025-02-05");
    assert_add("2025-09-22", 40, "2025-11-21"); /* across 国庆 2025 */
    assert_add("2026-02-09", 20, "2026-03-13"); /* 春节 2026, 调休 Saturdays */
    assert_add("2025-01-25", 1, "2025-01-26"); /* a 调休 Sunday counts */
    assert_add("2026-04-30", 15, "2026-05-25"); /* 劳动节 2026, 05-09 worked */
}

static void
test_edges(void **state)
{
    (void)state;
    assert_add("2025-10-01", 0, "2025-10-01"); /* day 0 is the start */
    assert_add("2025-09-30", 1, "2025-10-09"); /* the whole 国庆 week off */
    assert_add("2024-10-11", 1, "2024-10-12"); /* 调休 Saturday 2024 */
    /* Past the calendar's end: unknown, never Monday-Friday guessed. */
    assert_int_equal(dcal_add(&cal, day("2026-12-20"), 20), NO_DAY);
    assert_int_equal(dcal_add(&cal, day("2023-12-29"), 1), NO_DAY);
}

static void
test_between(void **state)
{
    (void)state;
    /* a < d <= b */
    assert_int_equal(dcal_between(&cal, day("2025-09-30"), day("2025-10-09")),
                     1);
    assert_int_equal(dcal_between(&cal, day("2025-09-30"), day("2025-10-11")),
                     3); /* 10-09, 10-10 and the 调休 Saturday 10-11 */
    assert_int_equal(dcal_between(&cal, day("2025-03-03"), day("2025-03-03")),
                     0);
    assert_int_equal(dcal_between(&cal, day("2025-03-07"), day("2025-03-03")),
                     0);
    /* add and between agree: n working days after s ends at add(s, n). */
    for (int s = day("2024-01-01"); s < day("2026-10-01"); s += 17)
        for (int n = 1; n <= 60; n += 7)
            assert_int_equal(dcal_between(&cal, s, dcal_add(&cal, s, n)), n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_check_values),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_between),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
