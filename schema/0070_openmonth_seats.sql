-- 政府开放月: an activity's seats are held in blocks, so sign-ups for one
-- activity commit side by side instead of one after another.
--
-- Until now every sign-up took the activity's row lock and kept it through
-- its COMMIT, WAL flush included: sign-ups of one popular activity went
-- through one at a time, at the disk's flush rate. Now the capacity is
-- split over up to 16 blocks (om_seat_blocks), each with its own counter
-- under CHECK (confirmed <= capacity). A sign-up locks one block that still
-- has a free seat (FOR NO KEY UPDATE SKIP LOCKED: another if that one is
-- busy) and its seat is counted there, so up to 16 sign-ups commit at once
-- and their flushes are shared.
--
-- The waiting list stays exact because of one rule, kept by om_take_seat
-- and the cancellation path: a seat is free only while nobody is waiting.
--   * A sign-up that finds no free block takes the activity's row lock (as
--     cancellations, promotions, check-ins and no-show marking do), then
--     waits for the busy blocks and looks again; only if every block is
--     full, or someone is already waiting, does it join the waiting list.
--   * A cancellation, under the activity's row lock, frees its seat and
--     gives it to the first person waiting in the same transaction.
-- Overbooking is impossible whatever the application does: the blocks'
-- capacities add up to the activity's, and each block's CHECK refuses the
-- statement that would overfill it.

CREATE TABLE om_seat_blocks (
    activity_id bigint NOT NULL REFERENCES om_activities,
    block smallint NOT NULL CHECK (block BETWEEN 0 AND 15),
    capacity integer NOT NULL CHECK (capacity >= 1),
    confirmed integer NOT NULL DEFAULT 0,
    PRIMARY KEY (activity_id, block),
    CHECK (confirmed BETWEEN 0 AND capacity)
);

-- Block j of an activity of capacity c holds the seats n = 1..c with
-- (n - 1) % k = j, k = least(16, c): the first c % k blocks one more.
CREATE FUNCTION om_seat_blocks_make() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    k integer := least(16, NEW.capacity);
BEGIN
    INSERT INTO om_seat_blocks (activity_id, block, capacity)
    SELECT NEW.id, j, (NEW.capacity - j - 1) / k + 1
    FROM generate_series(0, k - 1) j;
    RETURN NEW;
END $$;
CREATE TRIGGER om_seat_blocks_make AFTER INSERT ON om_activities
    FOR EACH ROW EXECUTE FUNCTION om_seat_blocks_make();

-- The capacity is fixed once published: the blocks were cut from it.
CREATE FUNCTION om_capacity_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the capacity of a published activity cannot change'
        USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER om_capacity_fixed BEFORE UPDATE OF capacity ON om_activities
    FOR EACH ROW WHEN (OLD.capacity IS DISTINCT FROM NEW.capacity)
    EXECUTE FUNCTION om_capacity_fixed();

-- The block a confirmed (or no-show) sign-up's seat is counted in.
ALTER TABLE om_signups ADD COLUMN block smallint;

-- Existing activities: blocks, and their seats dealt out in the same
-- pattern (the n-th seat, by sign-up order, into block (n - 1) % k), so no
-- block holds more than its capacity.
INSERT INTO om_seat_blocks (activity_id, block, capacity)
SELECT a.id, j, (a.capacity - j - 1) / least(16, a.capacity) + 1
FROM om_activities a, generate_series(0, least(16, a.capacity) - 1) j;

UPDATE om_signups s SET block = n.b
FROM (SELECT s2.id,
             ((row_number() OVER (PARTITION BY s2.activity_id ORDER BY s2.id) - 1)
              % least(16, a.capacity))::smallint AS b
      FROM om_signups s2 JOIN om_activities a ON a.id = s2.activity_id
      WHERE s2.status = 'confirmed') n
WHERE s.id = n.id;

UPDATE om_seat_blocks b SET confirmed = c.n
FROM (SELECT activity_id, block, count(*) AS n FROM om_signups
      WHERE status = 'confirmed' GROUP BY activity_id, block) c
WHERE b.activity_id = c.activity_id AND b.block = c.block;

ALTER TABLE om_signups ADD CONSTRAINT om_signups_seat
    CHECK (status <> 'confirmed' OR block IS NOT NULL);
ALTER TABLE om_signups ADD CONSTRAINT om_signups_block
    FOREIGN KEY (activity_id, block) REFERENCES om_seat_blocks;

-- The counters move from the activity's row to the blocks.
DROP TRIGGER om_signups_count ON om_signups;
DROP FUNCTION om_signups_count();
ALTER TABLE om_activities DROP COLUMN confirmed;

-- A confirmed sign-up inserted without a block (the demo data, a sign-up
-- made by hand) gets the first block with a free seat. The application's
-- sign-ups bring theirs from om_take_seat. No free block: refused.
CREATE FUNCTION om_signups_place() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NEW.status = 'confirmed' AND NEW.block IS NULL THEN
        SELECT b.block INTO NEW.block FROM om_seat_blocks b
        WHERE b.activity_id = NEW.activity_id AND b.confirmed < b.capacity
        ORDER BY b.block LIMIT 1 FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'activity % has no free seat', NEW.activity_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER om_signups_place BEFORE INSERT ON om_signups
    FOR EACH ROW EXECUTE FUNCTION om_signups_place();

-- Keeps each block's counter equal to its confirmed sign-ups. AFTER, so a
-- row that ON CONFLICT DO NOTHING skipped is never counted; the block's
-- CHECK refuses the statement that would go past its capacity.
CREATE FUNCTION om_seat_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    was boolean := TG_OP = 'UPDATE' AND OLD.status = 'confirmed';
    now_c boolean := NEW.status = 'confirmed';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.activity_id <> NEW.activity_id THEN
        RAISE EXCEPTION 'a sign-up cannot move to another activity';
    END IF;
    IF was AND now_c AND OLD.block IS DISTINCT FROM NEW.block THEN
        RAISE EXCEPTION 'a confirmed seat cannot move to another block';
    END IF;
    IF now_c AND NOT was THEN
        UPDATE om_seat_blocks SET confirmed = confirmed + 1
        WHERE activity_id = NEW.activity_id AND block = NEW.block;
    ELSIF was AND NOT now_c THEN
        UPDATE om_seat_blocks SET confirmed = confirmed - 1
        WHERE activity_id = OLD.activity_id AND block = OLD.block;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER om_seat_count AFTER INSERT OR UPDATE OF status, block
    ON om_signups FOR EACH ROW EXECUTE FUNCTION om_seat_count();

-- The seat for a new sign-up, in the caller's transaction: the block it is
-- counted in, or NULL when the person joins the waiting list. Locks the
-- block it returns (and, on the slow path, the activity) until the
-- transaction ends; see the rule at the top.
CREATE FUNCTION om_take_seat(act bigint) RETURNS smallint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
    got smallint;
BEGIN
    -- Fast path: a free seat in a block nobody holds, and nobody waiting.
    IF NOT EXISTS (SELECT 1 FROM om_signups w
                   WHERE w.activity_id = act AND w.status = 'waitlisted') THEN
        SELECT b.block INTO got FROM om_seat_blocks b
        WHERE b.activity_id = act AND b.confirmed < b.capacity
        ORDER BY b.block LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
        IF FOUND THEN
            RETURN got;
        END IF;
    END IF;
    -- Slow path, one at a time per activity: wait for the busy blocks and
    -- decide between the last free seats and the waiting list. Each
    -- statement here sees what committed before it (READ COMMITTED, a
    -- volatile function), the blocks as they are once their locks are ours.
    PERFORM 1 FROM om_activities WHERE id = act FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM om_signups w
               WHERE w.activity_id = act AND w.status = 'waitlisted') THEN
        RETURN NULL;
    END IF;
    SELECT b.block INTO got FROM om_seat_blocks b
    WHERE b.activity_id = act AND b.confirmed < b.capacity
    ORDER BY b.block LIMIT 1 FOR NO KEY UPDATE;
    RETURN got;  -- NULL when every block is full
END $$;

-- Seats confirmed and the activity's capacity left, for the pages.
CREATE FUNCTION om_confirmed(act bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(confirmed), 0)::integer FROM om_seat_blocks
    WHERE activity_id = act
$$;

GRANT SELECT ON om_seat_blocks TO gongkai_app;
GRANT UPDATE (block) ON om_signups TO gongkai_app;
REVOKE ALL ON FUNCTION om_take_seat(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION om_take_seat(bigint) TO gongkai_app;
