-- Checks for schema/0002_calendar.sql (domain/disclosure.md, "Working days").
-- Run against a database with the migrations applied:
--   psql -X -q -v ON_ERROR_STOP=1 -d gongkai -f tests/sql/calendar_test.sql
-- Any failed check raises, so psql exits non-zero. Nothing is written.

\set ON_ERROR_STOP 1
-- ASSERT is skipped when this is off; the checks must not pass by being skipped.
SET plpgsql.check_asserts = on;

-- add_workdays: the check values of disclosure.md, plus n = 0 and a start on a non-working day.
DO $$
DECLARE
    c record;
    got date;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        (date '2025-01-20', 20, date '2025-02-21'),
        (date '2025-01-20',  7, date '2025-02-05'),
        (date '2025-09-22', 40, date '2025-11-21'),
        (date '2026-02-09', 20, date '2026-03-13'),
        (date '2025-01-25',  1, date '2025-01-26'),  -- 调休 Sunday
        (date '2026-04-30', 15, date '2026-05-25'),
        (date '2025-01-20',  0, date '2025-01-20'),  -- day of receipt is day 0
        (date '2025-02-01',  0, date '2025-02-01'),  -- n = 0 on a holiday: start itself
        (date '2024-09-30',  1, date '2024-10-08'),  -- across the 2024 National Day week
        (date '2024-12-31',  1, date '2025-01-02'),  -- across a year boundary and 元旦
        (date '2024-01-01',  1, date '2024-01-02'),  -- first loaded date
        (date '2026-12-30',  1, date '2026-12-31')   -- last loaded date
    ) AS v(start, n, want)
    LOOP
        got := add_workdays(c.start, c.n);
        IF got IS DISTINCT FROM c.want THEN
            RAISE EXCEPTION 'add_workdays(%, %) = %, want %', c.start, c.n, got, c.want;
        END IF;
    END LOOP;
END
$$;

-- workdays_between: d with a < d <= b; it inverts add_workdays on working days.
DO $$
DECLARE
    c record;
    got integer;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        (date '2025-01-20', date '2025-02-21', 20),
        (date '2025-01-20', date '2025-02-05',  7),
        (date '2025-09-22', date '2025-11-21', 40),
        (date '2026-02-09', date '2026-03-13', 20),
        (date '2025-01-25', date '2025-01-26',  1),
        (date '2026-04-30', date '2026-05-25', 15),
        (date '2025-01-20', date '2025-01-20',  0),  -- empty interval
        (date '2025-02-21', date '2025-01-20',  0),  -- b < a: empty
        (date '2025-01-27', date '2025-02-04',  0),  -- Spring Festival 2025, holidays only
        (date '2025-01-27', date '2025-02-05',  1),
        (date '2024-12-31', date '2025-12-31', 248)  -- all of 2025
    ) AS v(a, b, want)
    LOOP
        got := workdays_between(c.a, c.b);
        IF got IS DISTINCT FROM c.want THEN
            RAISE EXCEPTION 'workdays_between(%, %) = %, want %', c.a, c.b, got, c.want;
        END IF;
    END LOOP;
    -- add_workdays(s, workdays_between(s, d)) = d for every working day d after s
    IF EXISTS (SELECT 1 FROM workday_calendar w
                WHERE w.is_workday AND w.day > date '2025-01-20' AND w.day <= date '2025-12-31'
                  AND add_workdays(date '2025-01-20', workdays_between(date '2025-01-20', w.day))
                      <> w.day) THEN
        RAISE EXCEPTION 'add_workdays does not invert workdays_between in 2025';
    END IF;
END
$$;

-- Outside the loaded calendar: must raise (SQLSTATE 22008), never fall back to Monday-Friday.
DO $$
DECLARE
    c record;
    raised boolean;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        ('add_workdays(2023-12-29, 1)',  'SELECT add_workdays(date ''2023-12-29'', 1)'),
        ('add_workdays(2026-12-31, 1)',  'SELECT add_workdays(date ''2026-12-31'', 1)'),
        ('add_workdays(2026-12-01, 40)', 'SELECT add_workdays(date ''2026-12-01'', 40)'),
        ('add_workdays(2027-01-04, 0)',  'SELECT add_workdays(date ''2027-01-04'', 0)'),
        ('workdays_between(2023-12-29, 2024-01-05)',
            'SELECT workdays_between(date ''2023-12-29'', date ''2024-01-05'')'),
        ('workdays_between(2026-12-01, 2027-01-05)',
            'SELECT workdays_between(date ''2026-12-01'', date ''2027-01-05'')')
    ) AS v(label, stmt)
    LOOP
        raised := false;
        BEGIN
            EXECUTE c.stmt;
        EXCEPTION WHEN datetime_field_overflow THEN
            raised := true;
        END;
        IF NOT raised THEN
            RAISE EXCEPTION '% did not raise 22008 outside the calendar', c.label;
        END IF;
    END LOOP;

    raised := false;
    BEGIN
        PERFORM add_workdays(date '2025-01-20', -1);
    EXCEPTION WHEN invalid_parameter_value THEN
        raised := true;
    END;
    IF NOT raised THEN
        RAISE EXCEPTION 'add_workdays(2025-01-20, -1) did not raise 22023';
    END IF;
END
$$;

-- The error names the date.
DO $$
DECLARE
    msg text;
BEGIN
    BEGIN
        PERFORM add_workdays(date '2023-12-29', 1);
    EXCEPTION WHEN datetime_field_overflow THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    END;
    IF msg IS NULL OR position('2023-12-29' IN msg) = 0 THEN
        RAISE EXCEPTION 'error message does not name the date: %', msg;
    END IF;
END
$$;

-- Single days, the table's coverage, and the yearly totals.
DO $$
DECLARE
    n integer;
BEGIN
    ASSERT (SELECT is_workday AND kind = 'adjusted_workday'
              FROM workday_calendar WHERE day = '2024-02-04'),
        '2024-02-04 (调休 Sunday) must be an adjusted working day';
    ASSERT (SELECT NOT is_workday AND kind = 'holiday'
              FROM workday_calendar WHERE day = '2024-10-07'),
        '2024-10-07 (Monday, 国庆节) must be a holiday';
    ASSERT (SELECT NOT is_workday AND kind = 'weekend'
              FROM workday_calendar WHERE day = '2025-02-01'),
        '2025-02-01 (Saturday in the Spring Festival week) must be a weekend day';
    ASSERT (SELECT is_workday AND kind = 'weekday'
              FROM workday_calendar WHERE day = '2025-01-27'),
        '2025-01-27 (Monday before 除夕) must be a working day';

    SELECT count(*) INTO n FROM workday_calendar;
    ASSERT n = 1096, format('calendar has %s rows, want 1096 (2024-01-01 .. 2026-12-31)', n);
    ASSERT (SELECT min(day) = '2024-01-01' AND max(day) = '2026-12-31'
                   AND max(day) - min(day) + 1 = count(*) FROM workday_calendar),
        'calendar must hold every date 2024-01-01 .. 2026-12-31 exactly once';

    -- 2024: 262 weekdays - 19 holidays + 8 调休 = 251 (366 - 104 weekend days - 11 holidays).
    -- 2025: 261 - 18 + 5 = 248; 2026: 261 - 19 + 6 = 248. Since 2025 the statutory holidays are
    -- 13 days (国务院令第798号 added 除夕 and 5-02), so a year has 365 - 104 - 13 = 248 working
    -- days; 250 is the pre-2025 figure (365 - 104 - 11).
    SELECT count(*) INTO n FROM workday_calendar
     WHERE is_workday AND day BETWEEN '2024-01-01' AND '2024-12-31';
    ASSERT n = 251, format('2024 has %s working days, want 251', n);
    SELECT count(*) INTO n FROM workday_calendar
     WHERE is_workday AND day BETWEEN '2025-01-01' AND '2025-12-31';
    ASSERT n = 248, format('2025 has %s working days, want 248', n);
    SELECT count(*) INTO n FROM workday_calendar
     WHERE is_workday AND day BETWEEN '2026-01-01' AND '2026-12-31';
    ASSERT n = 248, format('2026 has %s working days, want 248', n);

    -- kind and is_workday agree with the day of the week.
    ASSERT NOT EXISTS (SELECT 1 FROM workday_calendar
                        WHERE (kind = 'weekday' AND (extract(isodow FROM day) > 5 OR NOT is_workday))
                           OR (kind = 'weekend' AND (extract(isodow FROM day) < 6 OR is_workday))
                           OR (kind = 'holiday' AND (extract(isodow FROM day) > 5 OR is_workday))
                           OR (kind = 'adjusted_workday'
                               AND (extract(isodow FROM day) < 6 OR NOT is_workday))),
        'kind, is_workday and the day of the week disagree somewhere';
END
$$;

-- The app role can read the table and call the functions (a SQL function runs with the
-- caller's rights, so calendar_raise too), and nobody else is granted them.
DO $$
BEGIN
    ASSERT has_table_privilege('gongkai_app', 'workday_calendar', 'SELECT'),
        'gongkai_app cannot SELECT workday_calendar';
    ASSERT NOT has_table_privilege('gongkai_app', 'workday_calendar', 'INSERT,UPDATE,DELETE'),
        'gongkai_app must not write workday_calendar';
    ASSERT has_function_privilege('gongkai_app', 'add_workdays(date, integer)', 'EXECUTE')
       AND has_function_privilege('gongkai_app', 'workdays_between(date, date)', 'EXECUTE')
       AND has_function_privilege('gongkai_app', 'calendar_raise(text, text, anyelement)', 'EXECUTE'),
        'gongkai_app cannot execute the calendar functions';
    ASSERT NOT has_function_privilege('public', 'add_workdays(date, integer)', 'EXECUTE'),
        'add_workdays must not be executable by PUBLIC';
END
$$;

\echo calendar_test: all checks passed
