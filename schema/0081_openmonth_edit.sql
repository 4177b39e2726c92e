-- 政府开放月: staff edit a published activity (fcgi/openmonth_publish.c).
--
-- What people who signed up need to see when it changes: each edit that
-- changes something stamps changed_at (shown on the activity page and the
-- tickets) and counts up revision, the iCalendar SEQUENCE, so calendars
-- that subscribed replace the event instead of keeping the old time.
ALTER TABLE om_activities
    ADD COLUMN changed_at timestamptz,
    ADD COLUMN revision integer NOT NULL DEFAULT 0 CHECK (revision >= 0);

-- The application may edit what the form shows; the department, the
-- creator and the counters stay as they are.
GRANT UPDATE (title, starts_at, ends_at, place, online_url, capacity,
              signup_until, description, accessibility, vote_from,
              vote_until, changed_at, revision)
    ON om_activities TO gongkai_app;

-- The capacity may grow (a bigger room), never shrink: the seats already
-- given stay given. The blocks were cut from the capacity (schema 0070:
-- block j of capacity c holds (c - j - 1) / k + 1 seats, k = least(16, c));
-- they are cut again from the new one. No block gets smaller: with c >= 16
-- k stays 16 and every share grows with c; with c < 16 every block held
-- one seat and holds at least one. So each block's CHECK (confirmed <=
-- capacity) still holds, and the blocks add up to the new capacity. Run
-- as the owner: the application may not write the blocks. The caller holds
-- the activity's row lock (om_lock) and then fills the new seats from the
-- waiting list (om_fill) in the same transaction.
CREATE FUNCTION om_capacity_grow() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    k integer := least(16, NEW.capacity);
BEGIN
    IF NEW.capacity < OLD.capacity THEN
        RAISE EXCEPTION 'the capacity of activity % cannot shrink from % to %',
            NEW.id, OLD.capacity, NEW.capacity
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE public.om_seat_blocks
    SET capacity = (NEW.capacity - block - 1) / k + 1
    WHERE activity_id = NEW.id;
    INSERT INTO public.om_seat_blocks (activity_id, block, capacity)
    SELECT NEW.id, j, (NEW.capacity - j - 1) / k + 1
    FROM generate_series(0, k - 1) j
    WHERE NOT EXISTS (SELECT 1 FROM public.om_seat_blocks b
                      WHERE b.activity_id = NEW.id AND b.block = j);
    RETURN NULL;
END $$;

DROP TRIGGER om_capacity_fixed ON om_activities;
DROP FUNCTION om_capacity_fixed();
CREATE TRIGGER om_capacity_grow AFTER UPDATE OF capacity ON om_activities
    FOR EACH ROW WHEN (OLD.capacity IS DISTINCT FROM NEW.capacity)
    EXECUTE FUNCTION om_capacity_grow();
