/*
 * Unit tests for fcgi/draw.c: the commitment format, the seed, the random
 * stream and the selection, against a worked example whose answers were
 * computed by an independent implementation (docs/meetings.md has the same
 * example in words).
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "draw.h"

/* The worked example: meeting 7, 3 seats, 1 reserved for grassroots
 * residents and 1 for stakeholders, five eligible applicants. */
static const struct draw_entry example[] = {
    {101, "resident", "王*", "138****0001"},
    {102, "grassroots", "李**", "139****0002"},
    {103, "enterprise", "赵*", "137****0003"},
    {104, "grassroots", "孙**", "136****0004"},
    {105, "stakeholder", "周*", "135****0005"},
};
static const struct draw_quotas example_q = {3, 1, 1};

static const char example_text[] =
    "gongkai-draw-commitment v1\nmeeting 7\nseats 3\nreserved_grassroots 1\n"
    "reserved_stakeholder 1\neligible 5\n"
    "1 101 resident 王* 138****0001\n"
    "2 102 grassroots 李** 139****0002\n"
    "3 103 enterprise 赵* 137****0003\n"
    "4 104 grassroots 孙** 136****0004\n"
    "5 105 stakeholder 周* 135****0005\n";

static const char example_inputs[] =
    "张伟（见证人）: 4821\n李娜（见证人）: 9307";

static void
test_commitment_text(void **state)
{
    const char *t = draw_commitment(*state, 7, &example_q, example, 5);
    assert_non_null(t);
    assert_string_equal(t, example_text);
    char hex[DRAW_HEX];
    draw_sha256_hex(t, strlen(t), hex);
    assert_string_equal(
        hex,
        "94299efa02d5cff6ec240d9c1e78f23d286b9d2f098edea3b632b45feba11d06");
}

static void
test_commitment_refuses_bad_fields(void **state)
{
    struct draw_entry e = example[0];
    e.name_masked = "王 *";
    assert_null(draw_commitment(*state, 7, &example_q, &e, 1));
    e = example[0];
    e.category = "mayor";
    assert_null(draw_commitment(*state, 7, &example_q, &e, 1));
    struct draw_quotas q = {2, 2, 1};
    assert_null(draw_commitment(*state, 7, &q, example, 5));
}

static void
test_parse_round_trip(void **state)
{
    long long m;
    struct draw_quotas q;
    struct draw_entry *e;
    size_t n;
    assert_int_equal(draw_parse(*state, example_text, &m, &q, &e, &n), 0);
    assert_int_equal(m, 7);
    assert_int_equal(q.seats, 3);
    assert_int_equal(q.grassroots, 1);
    assert_int_equal(q.stakeholder, 1);
    assert_int_equal(n, 5);
    assert_int_equal(e[3].aid, 104);
    assert_string_equal(e[3].category, "grassroots");
    assert_string_equal(e[3].name_masked, "孙**");
    assert_string_equal(e[4].phone_masked, "135****0005");
    assert_string_equal(draw_commitment(*state, m, &q, e, n), example_text);
}

static void
test_parse_refuses(void **state)
{
    static const char *const bad[] = {
        "",
        "gongkai-draw-commitment v2\n",
        /* count says 2, one line */
        "gongkai-draw-commitment v1\nmeeting 7\nseats 3\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 2\n1 101 resident A* 1****2\n",
        /* numbering skips */
        "gongkai-draw-commitment v1\nmeeting 7\nseats 3\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 1\n2 101 resident A* 1****2\n",
        /* quotas above the seats */
        "gongkai-draw-commitment v1\nmeeting 7\nseats 1\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 0\n",
        /* no final newline */
        "gongkai-draw-commitment v1\nmeeting 7\nseats 3\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 1\n1 101 resident A* 1****2",
        /* trailing text */
        "gongkai-draw-commitment v1\nmeeting 7\nseats 3\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 0\nextra\n",
        /* leading zero */
        "gongkai-draw-commitment v1\nmeeting 07\nseats 3\nreserved_grassroots "
        "1\nreserved_stakeholder 1\neligible 0\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long long m;
        struct draw_quotas q;
        struct draw_entry *e;
        size_t n;
        assert_int_equal(draw_parse(*state, bad[i], &m, &q, &e, &n), -1);
    }
}

static void
test_inputs_canonical(void **state)
{
    int n;
    const char *s = draw_inputs(*state, "  a 1 \r\n\n\t b\t\r\n \n", &n);
    assert_string_equal(s, "a 1\nb");
    assert_int_equal(n, 2);
    s = draw_inputs(*state, "", &n);
    assert_string_equal(s, "");
    assert_int_equal(n, 0);
    char many[200];
    many[0] = '\0';
    for (int i = 0; i < DRAW_INPUTS + 1; i++)
        strcat(many, "x\n");
    assert_null(draw_inputs(*state, many, &n));
}

static void
test_seed_and_stream(void **state)
{
    (void)state;
    unsigned char seed[32];
    char hex[DRAW_HEX];
    draw_seed(
        "94299efa02d5cff6ec240d9c1e78f23d286b9d2f098edea3b632b45feba11d06",
        example_inputs, seed);
    sodium_bin2hex(hex, sizeof(hex), seed, 32);
    assert_string_equal(
        hex,
        "944c9fb4c0fd032508b282524ecdac991fb59a7770f989aee498d84bb5dcf19e");
    struct draw_rng g;
    draw_rng_init(&g, seed);
    /* block 0 = 34d065c2 77d75db8 ... */
    assert_int_equal(draw_u32(&g), 0x34d065c2u);
    assert_int_equal(draw_u32(&g), 0x77d75db8u);
    for (int i = 0; i < 6; i++)
        (void)draw_u32(&g);
    assert_int_equal(g.block, 1);
    (void)draw_u32(&g);
    assert_int_equal(g.block, 2);
}

static void
test_below_rejects(void **state)
{
    (void)state;
    /* With m = 3, 2^32 mod 3 = 1: only 0xffffffff is thrown away; with
     * m = 2^31 + 1 almost half the numbers are. Every answer is < m. */
    unsigned char seed[32] = {0};
    struct draw_rng g;
    draw_rng_init(&g, seed);
    int rejected_total = 0;
    for (int i = 0; i < 200; i++) {
        uint32_t x;
        int rej;
        uint32_t v = draw_below(&g, 0x80000001u, &x, &rej);
        assert_true(v < 0x80000001u);
        assert_true(x < 0x80000001u * 1ULL);
        rejected_total += rej;
    }
    assert_true(rejected_total > 50);
}

static void
test_worked_example(void **state)
{
    unsigned char seed[32];
    struct draw_pick p[3];
    draw_seed(
        "94299efa02d5cff6ec240d9c1e78f23d286b9d2f098edea3b632b45feba11d06",
        example_inputs, seed);
    size_t n = draw_run(*state, seed, &example_q, example, 5, p);
    assert_int_equal(n, 3);
    /* grassroots round: pool 102, 104; x = 886072770, 886072770 mod 2 = 0 */
    assert_int_equal(p[0].aid, 102);
    assert_int_equal(p[0].quota, DRAW_GRASSROOTS);
    assert_int_equal(p[0].pool, 2);
    assert_int_equal(p[0].x, 886072770u);
    assert_int_equal(p[0].j, 0);
    /* stakeholder round: pool 103, 105 */
    assert_int_equal(p[1].aid, 103);
    assert_int_equal(p[1].quota, DRAW_STAKEHOLDER);
    assert_int_equal(p[1].x, 2010602936u);
    /* open round: pool 101, 104, 105 */
    assert_int_equal(p[2].aid, 101);
    assert_int_equal(p[2].quota, DRAW_OPEN);
    assert_int_equal(p[2].pool, 3);
    assert_int_equal(p[2].x, 2885295612u);
    assert_string_equal(draw_result_text(*state, p, n),
                        "1 102 grassroots\n2 103 stakeholder\n3 101 open\n");
}

static void
test_fewer_applicants_than_seats(void **state)
{
    /* Two applicants, four seats, two reserved for grassroots and one for
     * stakeholders: the grassroots round takes the only grassroots
     * applicant, the stakeholder round has nobody, the open round takes
     * the last one; the unfilled reserved seats stay empty. */
    static const struct draw_quotas q = {4, 2, 1};
    struct draw_pick p[4];
    unsigned char seed[32];
    const char *t = draw_commitment(*state, 8, &q, example, 2);
    char hex[DRAW_HEX];
    draw_sha256_hex(t, strlen(t), hex);
    assert_string_equal(
        hex,
        "ca0db4027826b7c4bded0bc527dbba7013df0002e9d5fb7c46d34cf8ecb7769f");
    draw_seed(hex, "a\nb", seed);
    size_t n = draw_run(*state, seed, &q, example, 2, p);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].aid, 102);
    assert_int_equal(p[0].x, 589528573u);
    assert_int_equal(p[1].aid, 101);
    assert_int_equal(p[1].quota, DRAW_OPEN);
    assert_int_equal(p[1].x, 3855447283u);
}

static void
test_nobody(void **state)
{
    unsigned char seed[32] = {1};
    struct draw_pick p[3];
    assert_int_equal(draw_run(*state, seed, &example_q, example, 0, p), 0);
    assert_string_equal(draw_result_text(*state, p, 0), "");
}

#define T(f)                                                                   \
    cmocka_unit_test_setup_teardown(f, unit_arena_setup, unit_arena_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_commitment_text),
        T(test_commitment_refuses_bad_fields),
        T(test_parse_round_trip),
        T(test_parse_refuses),
        T(test_inputs_canonical),
        T(test_seed_and_stream),
        T(test_below_rejects),
        T(test_worked_example),
        T(test_fewer_applicants_than_seats),
        T(test_nobody),
    };
    return cmocka_run_group_tests(tests, unit_sodium_setup, NULL);
}
