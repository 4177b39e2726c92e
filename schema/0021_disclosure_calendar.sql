-- Admins load the next year of the working-day calendar from the admin page
-- (issue 4: "admins add a year in the admin page"). The app role gets no
-- write access to workday_calendar: it calls calendar_add_year(), which runs
-- as the owner, keeps the years contiguous, checks each listed day, and then
-- computes the due dates that were unknown because the calendar ended.

CREATE FUNCTION calendar_add_year(y integer, holidays date[], workdays date[])
    RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public
AS $$
DECLARE
    hi date;
    d date;
    q disclosure_requests;
    n integer := 0;
BEGIN
    SELECT max(day) INTO hi FROM workday_calendar;
    IF hi IS NULL OR y <> extract(year FROM hi)::integer + 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'year_not_next';
    END IF;
    FOREACH d IN ARRAY coalesce(holidays, '{}') LOOP
        IF extract(year FROM d) <> y OR extract(isodow FROM d) > 5 THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'bad_holiday';
        END IF;
    END LOOP;
    FOREACH d IN ARRAY coalesce(workdays, '{}') LOOP
        IF extract(year FROM d) <> y OR extract(isodow FROM d) < 6 THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'bad_workday';
        END IF;
    END LOOP;
    INSERT INTO workday_calendar (day, is_workday, kind, note)
    SELECT g::date,
           CASE WHEN g::date = ANY (holidays) THEN false
                WHEN g::date = ANY (workdays) THEN true
                ELSE extract(isodow FROM g) < 6 END,
           CASE WHEN g::date = ANY (holidays) THEN 'holiday'
                WHEN g::date = ANY (workdays) THEN 'adjusted_workday'
                WHEN extract(isodow FROM g) < 6 THEN 'weekday'
                ELSE 'weekend' END,
           CASE WHEN g::date = ANY (holidays) THEN '法定节假日'
                WHEN g::date = ANY (workdays) THEN '调休上班' END
    FROM generate_series(make_date(y, 1, 1), make_date(y, 12, 31), interval '1 day') AS g;
    -- Requests whose clock runs but whose due date lay beyond the calendar.
    FOR q IN SELECT * FROM disclosure_requests
             WHERE due_on IS NULL AND state IN ('received', 'in_progress', 'awaiting_reasons')
             FOR UPDATE LOOP
        q := disclosure_rederive(q.id);
        UPDATE disclosure_requests SET due_on = q.due_on WHERE id = q.id;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

REVOKE ALL ON FUNCTION calendar_add_year(integer, date[], date[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION calendar_add_year(integer, date[], date[]) TO gongkai_app;
