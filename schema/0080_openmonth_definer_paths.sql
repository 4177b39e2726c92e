-- 政府开放月: the two SECURITY DEFINER functions every sign-up runs, without
-- a SET search_path clause (docs/openmonth.md "Throughput").
--
-- Both run as the owner because the application's role may not write the
-- seat counters (schema 0070). A definer function must not resolve names
-- through a path its caller controls, and SET search_path = public made
-- sure of that; but the clause is a configuration change at every call,
-- undone at return, and each change throws away the session's resolved
-- search path, which the function's first statement and then the caller's
-- next one rebuild from the catalogs. pgbench, the sign-up statement alone
-- at 4 clients: om_take_seat without the clause took 610-677 us of
-- PostgreSQL's CPU per sign-up against 640-746 us with it.
--
-- Here every table is named with its schema instead, so the caller's path
-- cannot put another relation in its place (a temporary table included:
-- pg_temp is searched only for unqualified relation names), and functions
-- and operators are built-ins, which are resolved in pg_catalog before any
-- schema of a path that does not name it. The bodies are otherwise those
-- of schema 0070 (om_take_seat) and 0072 (om_seat_count).
CREATE OR REPLACE FUNCTION om_take_seat(act bigint) RETURNS smallint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    got smallint;
BEGIN
    -- Fast path: a free seat in a block nobody holds, and nobody waiting.
    IF NOT EXISTS (SELECT 1 FROM public.om_signups w
                   WHERE w.activity_id = act AND w.status = 'waitlisted') THEN
        SELECT b.block INTO got FROM public.om_seat_blocks b
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
    PERFORM 1 FROM public.om_activities WHERE id = act FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM public.om_signups w
               WHERE w.activity_id = act AND w.status = 'waitlisted') THEN
        RETURN NULL;
    END IF;
    SELECT b.block INTO got FROM public.om_seat_blocks b
    WHERE b.activity_id = act AND b.confirmed < b.capacity
    ORDER BY b.block LIMIT 1 FOR NO KEY UPDATE;
    RETURN got;  -- NULL when every block is full
END $$;

CREATE OR REPLACE FUNCTION om_seat_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
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
        UPDATE public.om_seat_blocks SET confirmed = confirmed + 1
        WHERE activity_id = NEW.activity_id AND block = NEW.block;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'activity % has no seat block %',
                NEW.activity_id, NEW.block
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF was AND NOT now_c THEN
        UPDATE public.om_seat_blocks SET confirmed = confirmed - 1
        WHERE activity_id = OLD.activity_id AND block = OLD.block;
    END IF;
    RETURN NEW;
END $$;
