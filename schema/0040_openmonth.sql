-- 政府开放月 Government Open Month (plan tasks 76-78): activities published
-- by departments, sign-ups with a waiting list, check-in, no-shows, votes.
--
-- Capacity is held here, not in C: every sign-up, cancellation and
-- promotion runs while holding the activity's row lock (SELECT ... FOR
-- UPDATE), and a trigger keeps om_activities.confirmed in step with the
-- confirmed sign-ups under CHECK (confirmed <= capacity). A bug in the
-- application can therefore fail a request, never overbook an activity.

CREATE TABLE om_activities (
    id bigserial PRIMARY KEY,
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    dept_id integer NOT NULL REFERENCES departments,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    place text NOT NULL DEFAULT '' CHECK (char_length(place) <= 200),
    online_url text NOT NULL DEFAULT ''
        CHECK (online_url = '' OR online_url ~ '^https?://[^[:space:]]+$'),
    capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    signup_until timestamptz NOT NULL,
    description text NOT NULL DEFAULT ''
        CHECK (char_length(description) <= 5000),
    accessibility text NOT NULL DEFAULT ''
        CHECK (char_length(accessibility) <= 1000),
    vote_from timestamptz NOT NULL,
    vote_until timestamptz NOT NULL,
    -- confirmed sign-ups, kept by om_signups_count(); never above capacity
    confirmed integer NOT NULL DEFAULT 0,
    no_shows_marked_at timestamptz,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (signup_until <= starts_at),
    CHECK (vote_until > vote_from),
    CHECK (place <> '' OR online_url <> ''),
    CHECK (confirmed BETWEEN 0 AND capacity)
);
CREATE INDEX om_activities_starts ON om_activities (starts_at);
CREATE INDEX om_activities_dept ON om_activities (dept_id, starts_at);

-- One row per sign-up. The phone is personal data: sealed (phone_enc,
-- AEAD with ctx "om_signups.phone"), a keyed hash for "one per person" and
-- the no-show count (phone_hash), and the masked form for lists.
CREATE TABLE om_signups (
    id bigserial PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES om_activities,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}$'),
    user_id bigint REFERENCES users,      -- NULL: signed up by staff (代办)
    registered_by bigint REFERENCES users, -- the staff member for 代办
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    phone_enc bytea NOT NULL,
    phone_hash bytea NOT NULL CHECK (length(phone_hash) = 32),
    phone_masked text NOT NULL,
    status text NOT NULL
        CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'no_show')),
    -- people with too many no-shows this year wait behind the others
    deprioritised boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    promoted_at timestamptz,   -- moved from the waiting list to confirmed
    cancelled_at timestamptz,
    checked_in_at timestamptz,
    checked_in_by bigint REFERENCES users,
    CHECK (user_id IS NOT NULL OR registered_by IS NOT NULL),
    CHECK (checked_in_at IS NULL OR status = 'confirmed')
);
-- One live sign-up per person per activity: by account and by phone.
CREATE UNIQUE INDEX om_signups_one_per_user ON om_signups (activity_id, user_id)
    WHERE status IN ('confirmed', 'waitlisted') AND user_id IS NOT NULL;
CREATE UNIQUE INDEX om_signups_one_per_phone ON om_signups (activity_id, phone_hash)
    WHERE status IN ('confirmed', 'waitlisted');
CREATE INDEX om_signups_queue ON om_signups (activity_id, status, deprioritised, id);
CREATE INDEX om_signups_user ON om_signups (user_id, created_at DESC);
CREATE INDEX om_signups_phone ON om_signups (phone_hash, status);

-- Keeps om_activities.confirmed equal to the number of confirmed sign-ups;
-- its CHECK refuses the statement that would go past capacity.
-- SECURITY DEFINER: the app's role cannot write the counter itself.
CREATE FUNCTION om_signups_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    was boolean := TG_OP = 'UPDATE' AND OLD.status = 'confirmed';
    now_c boolean := NEW.status = 'confirmed';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.activity_id <> NEW.activity_id THEN
        RAISE EXCEPTION 'a sign-up cannot move to another activity';
    END IF;
    IF now_c AND NOT was THEN
        UPDATE om_activities SET confirmed = confirmed + 1
        WHERE id = NEW.activity_id;
    ELSIF was AND NOT now_c THEN
        UPDATE om_activities SET confirmed = confirmed - 1
        WHERE id = NEW.activity_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER om_signups_count AFTER INSERT OR UPDATE OF status ON om_signups
    FOR EACH ROW EXECUTE FUNCTION om_signups_count();

-- 最受欢迎的政府开放活动: one vote per citizen per activity.
CREATE TABLE om_votes (
    activity_id bigint NOT NULL REFERENCES om_activities,
    user_id bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (activity_id, user_id)
);

GRANT SELECT, INSERT ON om_activities TO gongkai_app;
-- no_shows_marked_at only: the counter belongs to the trigger (and the
-- column grant is what lets the app take the row lock FOR UPDATE).
GRANT UPDATE (no_shows_marked_at) ON om_activities TO gongkai_app;
GRANT USAGE ON SEQUENCE om_activities_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON om_signups TO gongkai_app;
GRANT UPDATE (status, promoted_at, cancelled_at, checked_in_at, checked_in_by)
    ON om_signups TO gongkai_app;
GRANT USAGE ON SEQUENCE om_signups_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON om_votes TO gongkai_app;
