-- 政府开放月: staff call off a whole activity (a typhoon on the open day;
-- fcgi/openmonth_publish.c). The activity keeps its sign-ups as they were,
-- so the record of who had a seat stays; everything that reads an activity
-- reads this state instead: no new sign-ups, votes, check-ins,
-- cancellations or edits, every ticket says so with the reason, and the
-- iCalendar event says STATUS:CANCELLED with a higher SEQUENCE, so
-- subscribed calendars strike it through instead of keeping it. A sign-up
-- committing in the same instant as the call-off is shown called off like
-- every other: nothing depends on which came first.
ALTER TABLE om_activities
    ADD COLUMN called_off_at timestamptz,
    ADD COLUMN called_off_reason text,
    ADD COLUMN called_off_by bigint REFERENCES users,
    ADD CONSTRAINT om_activities_called_off CHECK (
        (called_off_at IS NULL) = (called_off_reason IS NULL)
        AND (called_off_at IS NULL) = (called_off_by IS NULL)
        AND (called_off_reason IS NULL
             OR char_length(called_off_reason) BETWEEN 1 AND 500));

GRANT UPDATE (called_off_at, called_off_reason, called_off_by)
    ON om_activities TO gongkai_app;
