-- Working-day calendar for statutory deadlines (domain/disclosure.md, "Working days").
--
-- One row per date of the loaded years. Monday-Friday are working days except the official
-- holidays; the 调休 weekend days are working days. Deadline code must fail loudly outside the
-- loaded range, never fall back to Monday-Friday: add_workdays() and workdays_between() raise
-- SQLSTATE 22008 (datetime_field_overflow) with the offending date in the message.
--
-- To load another year: a new migration that inserts its dates (generate_series as below, then
-- the year's holiday and 调休 lists), and nothing else; the functions read their bounds from the
-- table. Keep the years contiguous: a gap inside the range is not detected.

CREATE TABLE workday_calendar (
    day        date    PRIMARY KEY,
    is_workday boolean NOT NULL,
    kind       text    NOT NULL
               CHECK (kind IN ('weekday', 'weekend', 'holiday', 'adjusted_workday')),
    note       text,
    -- the flag follows from the kind; keep them from disagreeing
    CHECK (is_workday = (kind IN ('weekday', 'adjusted_workday')))
);

COMMENT ON TABLE workday_calendar IS
    'Every date of the loaded years; is_workday per the State Council holiday notices (调休 included).';

INSERT INTO workday_calendar (day, is_workday, kind)
SELECT d, extract(isodow FROM d) < 6,
       CASE WHEN extract(isodow FROM d) < 6 THEN 'weekday' ELSE 'weekend' END
  FROM generate_series(0, date '2026-12-31' - date '2024-01-01') AS g(i),
       LATERAL (SELECT date '2024-01-01' + g.i AS d) AS x;

-- Official holidays that fall on Monday-Friday (not working).
UPDATE workday_calendar c
   SET is_workday = false, kind = 'holiday', note = h.note
  FROM (VALUES
    ('2024-01-01', '元旦'),
    ('2024-02-12', '春节'), ('2024-02-13', '春节'), ('2024-02-14', '春节'),
    ('2024-02-15', '春节'), ('2024-02-16', '春节'),
    ('2024-04-04', '清明节'), ('2024-04-05', '清明节'),
    ('2024-05-01', '劳动节'), ('2024-05-02', '劳动节'), ('2024-05-03', '劳动节'),
    ('2024-06-10', '端午节'),
    ('2024-09-16', '中秋节'), ('2024-09-17', '中秋节'),
    ('2024-10-01', '国庆节'), ('2024-10-02', '国庆节'), ('2024-10-03', '国庆节'),
    ('2024-10-04', '国庆节'), ('2024-10-07', '国庆节'),

    ('2025-01-01', '元旦'),
    ('2025-01-28', '春节'), ('2025-01-29', '春节'), ('2025-01-30', '春节'),
    ('2025-01-31', '春节'), ('2025-02-03', '春节'), ('2025-02-04', '春节'),
    ('2025-04-04', '清明节'),
    ('2025-05-01', '劳动节'), ('2025-05-02', '劳动节'), ('2025-05-05', '劳动节'),
    ('2025-06-02', '端午节'),
    ('2025-10-01', '国庆节、中秋节'), ('2025-10-02', '国庆节、中秋节'),
    ('2025-10-03', '国庆节、中秋节'), ('2025-10-06', '国庆节、中秋节'),
    ('2025-10-07', '国庆节、中秋节'), ('2025-10-08', '国庆节、中秋节'),

    ('2026-01-01', '元旦'), ('2026-01-02', '元旦'),
    ('2026-02-16', '春节'), ('2026-02-17', '春节'), ('2026-02-18', '春节'),
    ('2026-02-19', '春节'), ('2026-02-20', '春节'), ('2026-02-23', '春节'),
    ('2026-04-06', '清明节'),
    ('2026-05-01', '劳动节'), ('2026-05-04', '劳动节'), ('2026-05-05', '劳动节'),
    ('2026-06-19', '端午节'),
    ('2026-09-25', '中秋节'),
    ('2026-10-01', '国庆节'), ('2026-10-02', '国庆节'), ('2026-10-05', '国庆节'),
    ('2026-10-06', '国庆节'), ('2026-10-07', '国庆节')
  ) AS h(day, note)
 WHERE c.day = h.day::date;

-- 调休上班: weekend days that are working days.
UPDATE workday_calendar c
   SET is_workday = true, kind = 'adjusted_workday', note = h.note
  FROM (VALUES
    ('2024-02-04', '春节调休上班'), ('2024-02-18', '春节调休上班'),
    ('2024-04-07', '清明节调休上班'),
    ('2024-04-28', '劳动节调休上班'), ('2024-05-11', '劳动节调休上班'),
    ('2024-09-14', '中秋节调休上班'),
    ('2024-09-29', '国庆节调休上班'), ('2024-10-12', '国庆节调休上班'),

    ('2025-01-26', '春节调休上班'), ('2025-02-08', '春节调休上班'),
    ('2025-04-27', '劳动节调休上班'),
    ('2025-09-28', '国庆节调休上班'), ('2025-10-11', '国庆节调休上班'),

    ('2026-01-04', '元旦调休上班'),
    ('2026-02-14', '春节调休上班'), ('2026-02-28', '春节调休上班'),
    ('2026-05-09', '劳动节调休上班'),
    ('2026-09-20', '国庆节调休上班'), ('2026-10-10', '国庆节调休上班')
  ) AS h(day, note)
 WHERE c.day = h.day::date;

-- The lists above must hit the right kind of day: a holiday on a weekday, a 调休 on a weekend.
-- A typo (wrong date, or a day in both lists) aborts the migration instead of loading quietly.
DO $$
DECLARE
    n_holiday  integer;
    n_adjusted integer;
BEGIN
    SELECT count(*) FILTER (WHERE kind = 'holiday'),
           count(*) FILTER (WHERE kind = 'adjusted_workday')
      INTO n_holiday, n_adjusted
      FROM workday_calendar;
    IF n_holiday <> 56 OR n_adjusted <> 19 THEN
        RAISE EXCEPTION 'workday_calendar: expected 56 holidays and 19 调休 days, got % and %',
            n_holiday, n_adjusted;
    END IF;
    IF EXISTS (SELECT 1 FROM workday_calendar
                WHERE (kind = 'holiday' AND extract(isodow FROM day) > 5)
                   OR (kind = 'adjusted_workday' AND extract(isodow FROM day) < 6)) THEN
        RAISE EXCEPTION 'workday_calendar: a holiday on a weekend or a 调休 on a weekday';
    END IF;
END
$$;

GRANT SELECT ON workday_calendar TO gongkai_app;

-- calendar_raise(code, msg, type): raises msg with SQLSTATE code; lets the single-statement SQL
-- functions below fail from inside a CASE. The third argument only fixes the result type.
-- VOLATILE so that the planner never evaluates it early while folding constants.
CREATE FUNCTION calendar_raise(code text, msg text, result_type anyelement) RETURNS anyelement
    LANGUAGE plpgsql VOLATILE
    SET search_path = public
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = msg;
END
$$;

-- add_workdays(start, n): the day of receipt is day 0; step to the next working day n times and
-- return the day reached (n = 0 returns start). Raises 22008 (datetime_field_overflow) when start
-- or any day it needs is outside the calendar, 22023 (invalid_parameter_value) when n < 0.
--
-- One statement: the calendar's bounds, the n-th working day after start (NULL when the calendar
-- ends first; an index range scan on the primary key), then a CASE that returns the day or raises.
CREATE FUNCTION add_workdays(start date, n integer) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = public
AS $$
    SELECT CASE
        WHEN start IS NULL OR n IS NULL THEN NULL
        WHEN n < 0 THEN calendar_raise('22023',
            format('add_workdays(%s, %s): n must not be negative', start, n), NULL::date)
        WHEN b.lo IS NULL OR start < b.lo OR start > b.hi THEN calendar_raise('22008',
            format('add_workdays: date %s is outside the working-day calendar (loaded %s .. %s)',
                   start, b.lo, b.hi), NULL::date)
        WHEN n = 0 THEN start
        WHEN r.day IS NULL THEN calendar_raise('22008',
            format('add_workdays(%s, %s): the result lies after %s, the last date of the '
                   'working-day calendar', start, n, b.hi), NULL::date)
        ELSE r.day
    END
    FROM (SELECT min(day) AS lo, max(day) AS hi FROM workday_calendar) AS b
    LEFT JOIN LATERAL (
        SELECT c.day FROM workday_calendar c
         WHERE c.day > start AND c.is_workday
         ORDER BY c.day
        OFFSET greatest(n, 1) - 1 LIMIT 1
    ) AS r ON true
$$;

COMMENT ON FUNCTION add_workdays(date, integer) IS
    'The n-th working day after start (start = day 0). Raises 22008 outside the loaded calendar.';

-- workdays_between(a, b): the number of working days d with a < d <= b (0 when b <= a). Raises
-- 22008 when a or b is outside the calendar.
CREATE FUNCTION workdays_between(a date, b date) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path = public
AS $$
    SELECT CASE
        WHEN a IS NULL OR b IS NULL THEN NULL
        WHEN bd.lo IS NULL OR a < bd.lo OR a > bd.hi OR b < bd.lo OR b > bd.hi THEN
            calendar_raise('22008',
                format('workdays_between: date %s is outside the working-day calendar (loaded %s .. %s)',
                       CASE WHEN bd.lo IS NULL OR a < bd.lo OR a > bd.hi THEN a ELSE b END,
                       bd.lo, bd.hi), NULL::integer)
        ELSE (SELECT count(*)::integer FROM workday_calendar c
               WHERE c.is_workday AND c.day > a AND c.day <= b)
    END
    FROM (SELECT min(day) AS lo, max(day) AS hi FROM workday_calendar) AS bd
$$;

COMMENT ON FUNCTION workdays_between(date, date) IS
    'Working days d with a < d <= b (0 when b <= a). Raises 22008 outside the loaded calendar.';

-- Only the app role may call these; calendar_raise is reached through them, and a SQL function
-- runs with the caller's rights, so the app role needs it too.
REVOKE ALL ON FUNCTION calendar_raise(text, text, anyelement) FROM PUBLIC;
REVOKE ALL ON FUNCTION add_workdays(date, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION workdays_between(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION calendar_raise(text, text, anyelement) TO gongkai_app;
GRANT EXECUTE ON FUNCTION add_workdays(date, integer) TO gongkai_app;
GRANT EXECUTE ON FUNCTION workdays_between(date, date) TO gongkai_app;
