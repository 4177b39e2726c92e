-- 0060: when admins load the next year of the working-day calendar, the board's
-- reply deadlines that could not be computed (board_due() returns NULL when the
-- calendar does not reach far enough: a message left on 2026-12-28 is due in
-- 2027) are computed now, as calendar_add_year() (0021) already does for
-- disclosure requests. A statement trigger on the calendar keeps this in one
-- place for every way a year is loaded; it runs as the owner (the app role
-- cannot write due_on), and it only fills NULLs: a deadline once known is fixed.

CREATE FUNCTION board_due_refresh() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public
AS $$
BEGIN
    UPDATE board_messages
       SET due_on = board_due((created_at AT TIME ZONE 'Asia/Shanghai')::date)
     WHERE due_on IS NULL;
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION board_due_refresh() FROM PUBLIC;

CREATE TRIGGER workday_calendar_board_due
    AFTER INSERT ON workday_calendar
    FOR EACH STATEMENT EXECUTE FUNCTION board_due_refresh();

-- Few rows ever wait for a year (those of the last week of December): find them
-- without reading every message.
CREATE INDEX board_messages_due_unknown ON board_messages (id) WHERE due_on IS NULL;
