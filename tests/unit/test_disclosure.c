/*
 * Unit tests for fcgi/disclosure_rules.c: the state machine of
 * domain/disclosure.md, the fee tiers of 109号, identity numbers, file
 * types, masks and the report rows. (Working-day arithmetic lives in
 * PostgreSQL and is checked by tests/sql/calendar_test.sql.)
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "disclosure.h"

static void
test_fee_per_piece(void **state)
{
    (void)state;
    static const long want[][2] = {
        {1, 0},    {10, 0},   {11, 100}, {30, 100}, {31, 200},
        {40, 200}, {41, 300}, {50, 300}, {51, 400}, {100, 800},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (fee_per_piece(want[i][0]) != want[i][1])
            fail_msg("k=%ld: %ld, want %ld", want[i][0],
                     fee_per_piece(want[i][0]), want[i][1]);
}

static void
test_fee_per_volume(void **state)
{
    (void)state;
    static const long want[][2] = {
        {0, 0},      {30, 0},     {31, 10},    {100, 700},  {101, 720},
        {150, 1700}, {200, 2700}, {201, 2740}, {250, 4700},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (fee_per_volume(want[i][0]) != want[i][1])
            fail_msg("pages=%ld: %ld, want %ld", want[i][0],
                     fee_per_volume(want[i][0]), want[i][1]);
}

static void
test_state_machine_paths(void **state)
{
    (void)state;
    /* The diagram of domain/disclosure.md, edge by edge. */
    assert_int_equal(dsm_next(DS_NEW, DA_SUBMIT), DS_RECEIVED);
    assert_int_equal(dsm_next(DS_RECEIVED, DA_ACCEPT), DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_RECEIVED, DA_REQUEST_CORRECTION),
                     DS_AWAITING_CORRECTION);
    assert_int_equal(dsm_next(DS_AWAITING_CORRECTION, DA_CORRECTION_RECEIVED),
                     DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_AWAITING_CORRECTION, DA_CORRECTION_EXPIRED),
                     DS_CLOSED);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_CONSULT_THIRD_PARTY),
                     DS_CONSULTING);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_CONSULT_OTHER_ORGAN),
                     DS_CONSULTING);
    assert_int_equal(dsm_next(DS_CONSULTING, DA_CONSULT_DONE), DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_FEE_NOTICE),
                     DS_AWAITING_PAYMENT);
    assert_int_equal(dsm_next(DS_AWAITING_PAYMENT, DA_FEE_PAID),
                     DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_AWAITING_PAYMENT, DA_FEE_EXPIRED), DS_CLOSED);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_EXTEND), DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_ASK_REASONS),
                     DS_AWAITING_REASONS);
    assert_int_equal(dsm_next(DS_AWAITING_REASONS, DA_REPLY), DS_CLOSED);
    assert_int_equal(dsm_next(DS_AWAITING_REASONS, DA_ACCEPT), DS_IN_PROGRESS);
    assert_int_equal(dsm_next(DS_RECEIVED, DA_REPLY), DS_CLOSED);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_REPLY), DS_CLOSED);
}

static void
test_state_machine_refusals(void **state)
{
    (void)state;
    /* Nothing moves a closed request. */
    for (int a = 0; a < DA__MAX; a++)
        assert_int_equal(dsm_next(DS_CLOSED, (enum daction)a), DS__MAX);
    /* Withdrawal from every open state, never before submission. */
    for (int s = DS_RECEIVED; s < DS_CLOSED; s++)
        assert_int_equal(dsm_next((enum dstate)s, DA_WITHDRAW), DS_CLOSED);
    assert_int_equal(dsm_next(DS_NEW, DA_WITHDRAW), DS__MAX);
    /* A sample of steps that do not apply. */
    assert_int_equal(dsm_next(DS_RECEIVED, DA_CONSULT_DONE), DS__MAX);
    assert_int_equal(dsm_next(DS_IN_PROGRESS, DA_REQUEST_CORRECTION), DS__MAX);
    assert_int_equal(dsm_next(DS_CONSULTING, DA_REPLY), DS__MAX);
    assert_int_equal(dsm_next(DS_AWAITING_PAYMENT, DA_EXTEND), DS__MAX);
    assert_int_equal(dsm_next(DS_AWAITING_CORRECTION, DA_REPLY), DS__MAX);
    assert_int_equal(dsm_next(DS_RECEIVED, DA_SUBMIT), DS__MAX);
    assert_int_equal(dsm_next(DS__MAX, DA_ACCEPT), DS__MAX);
    /* Every open state has a way out. */
    for (int s = DS_RECEIVED; s < DS_CLOSED; s++) {
        bool any = false;
        for (int a = 0; a < DA__MAX; a++)
            any |= dsm_next((enum dstate)s, (enum daction)a) != DS__MAX;
        assert_true(any);
    }
}

static void
test_keys_round_trip(void **state)
{
    (void)state;
    for (int s = 0; s < DS__MAX; s++)
        assert_int_equal(dstate_parse(dstate_key((enum dstate)s)), s);
    for (int a = 0; a < DA__MAX; a++)
        assert_int_equal(daction_parse(daction_key((enum daction)a)), a);
    assert_int_equal(dstate_parse("bogus"), DS__MAX);
    assert_int_equal(dstate_parse(NULL), DS__MAX);
    assert_int_equal(daction_parse("reply "), DA__MAX);
}

static void
test_outcomes_and_rows(void **state)
{
    (void)state;
    assert_int_equal(ndrows, 25);
    assert_string_equal(drows[0].key, "new_received");
    assert_string_equal(drows[ndrows - 2].key, "r_total");
    assert_string_equal(drows[ndrows - 1].key, "carried_forward");
    static const char *const ok[] = {"r1",   "r2",   "r3_1", "r3_8", "r4_3",
                                     "r5_1", "r5_5", "r6_1", "r6_3"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(doutcome_valid(ok[i]));
    static const char *const bad[] = {"r_total", "r3_9", "new_received",   "",
                                      "r",       "R1",   "carried_forward"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(doutcome_valid(bad[i]));
    assert_false(doutcome_valid(NULL));
}

static void
test_id_card(void **state)
{
    (void)state;
    assert_true(did_card_valid("11010519491231002X"));
    assert_true(did_card_valid("310105195403120027"));
    assert_false(did_card_valid("310105195403120025")); /* check digit */
    assert_false(did_card_valid("11010519491231002x")); /* normalised first */
    assert_false(did_card_valid("31010519540312002"));
    assert_false(did_card_valid("3101051954031200273"));
    assert_false(did_card_valid("31010519540312A023"));
    assert_false(did_card_valid(NULL));
}

static void
test_org_code(void **state)
{
    (void)state;
    assert_true(dorg_code_valid("91310105MA1FL4CT39"));
    assert_true(dorg_code_valid("91350100M000100Y43"));
    assert_false(dorg_code_valid("91310105MA1FL4CT38"));
    assert_false(dorg_code_valid("91310105MA1FL4CTI9")); /* I not allowed */
    assert_false(dorg_code_valid("91310105"));
    assert_false(dorg_code_valid(NULL));
}

static void
test_mask_and_sniff(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(dmask_id(&a, "310105195403120027"),
                        "310105********0027");
    assert_string_equal(dmask_id(&a, "E1234"), "****");
    arena_free(&a);
    assert_string_equal(dfile_sniff((const unsigned char *)"%PDF-1.7", 8),
                        "application/pdf");
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0};
    static const unsigned char png[] = {0x89, 'P',  'N',  'G',
                                        '\r', '\n', 0x1a, '\n'};
    assert_string_equal(dfile_sniff(jpg, sizeof(jpg)), "image/jpeg");
    assert_string_equal(dfile_sniff(png, sizeof(png)), "image/png");
    assert_null(dfile_sniff(png, 7));
    assert_null(dfile_sniff((const unsigned char *)"GIF89a", 6));
    assert_null(dfile_sniff((const unsigned char *)"%PDF", 4));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fee_per_piece),
        cmocka_unit_test(test_fee_per_volume),
        cmocka_unit_test(test_state_machine_paths),
        cmocka_unit_test(test_state_machine_refusals),
        cmocka_unit_test(test_keys_round_trip),
        cmocka_unit_test(test_outcomes_and_rows),
        cmocka_unit_test(test_id_card),
        cmocka_unit_test(test_org_code),
        cmocka_unit_test(test_mask_and_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
