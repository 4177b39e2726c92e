-- 公众代表列席: decision meetings that public representatives attend,
-- chosen by a public, verifiable draw (docs/meetings.md). The rules that
-- concurrent workers could break live here:
--   * one application per account and per phone number per meeting;
--   * applications only inside the window, and none once the commitment
--     is published (trigger, serialised on the meeting row);
--   * the commitment, the draw and its seats are written once and never
--     changed or deleted (primary keys, triggers, no UPDATE/DELETE grant);
--   * the published seed is the hash of the commitment hash and the seed
--     inputs (a CHECK recomputes it), and the commitment hash is the hash
--     of its text.

CREATE TABLE meetings (
    id bigserial PRIMARY KEY,
    topic text NOT NULL CHECK (char_length(topic) BETWEEN 1 AND 200
                               AND topic !~ '[\n\r]'),
    dept_id integer NOT NULL REFERENCES departments,
    starts_at timestamptz NOT NULL,
    place text NOT NULL CHECK (char_length(place) BETWEEN 1 AND 200),
    seats integer NOT NULL CHECK (seats BETWEEN 1 AND 100),
    reserved_grassroots integer NOT NULL DEFAULT 0
        CHECK (reserved_grassroots >= 0),
    reserved_stakeholder integer NOT NULL DEFAULT 0
        CHECK (reserved_stakeholder >= 0),
    apply_from timestamptz NOT NULL,
    apply_until timestamptz NOT NULL,
    eligibility text NOT NULL DEFAULT ''
        CHECK (char_length(eligibility) <= 500),
    description text NOT NULL DEFAULT ''
        CHECK (char_length(description) <= 5000),
    decision text NOT NULL DEFAULT '' CHECK (char_length(decision) <= 5000),
    decision_at timestamptz,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- set once by the commit (the row lock it takes serialises it with
    -- applications and reviews, see meeting_applications_frozen)
    committed_at timestamptz,
    CHECK (reserved_grassroots + reserved_stakeholder <= seats),
    CHECK (apply_from < apply_until),
    CHECK (apply_until <= starts_at)
);
CREATE INDEX meetings_starts ON meetings (starts_at DESC);
CREATE INDEX meetings_dept ON meetings (dept_id, starts_at DESC);

CREATE TABLE meeting_applications (
    id bigserial PRIMARY KEY,
    meeting_id bigint NOT NULL REFERENCES meetings,
    user_id bigint NOT NULL REFERENCES users,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    name_masked text NOT NULL,
    -- the phone number: sealed (crypt_seal, ctx meeting_applications.phone),
    -- a keyed hash for "one application per number", and the mask
    phone_enc bytea NOT NULL,
    phone_hash bytea NOT NULL CHECK (length(phone_hash) = 32),
    phone_masked text NOT NULL,
    street_id integer NOT NULL REFERENCES departments,
    category text NOT NULL
        CHECK (category IN ('resident', 'enterprise', 'stakeholder',
                            'grassroots')),
    statement text NOT NULL CHECK (char_length(statement) BETWEEN 1 AND 1000),
    review text NOT NULL DEFAULT 'pending'
        CHECK (review IN ('pending', 'eligible', 'ineligible')),
    reason text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
    reviewed_by bigint REFERENCES users,
    reviewed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, user_id),
    UNIQUE (meeting_id, phone_hash),
    UNIQUE (meeting_id, id),
    -- the applicant is told why
    CHECK (review <> 'ineligible' OR reason <> '')
);
CREATE INDEX meeting_applications_user ON meeting_applications (user_id);

-- Inside the window, and not after the commitment. The meeting row is
-- read FOR SHARE: a commit in progress holds it FOR UPDATE, so this waits
-- and then sees committed_at; a commit that comes after waits for this
-- transaction and then reads the list with this change in it.
CREATE FUNCTION meeting_applications_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m meetings%ROWTYPE;
    mid bigint;
BEGIN
    mid := CASE WHEN TG_OP = 'DELETE' THEN OLD.meeting_id
                ELSE NEW.meeting_id END;
    SELECT * INTO m FROM meetings WHERE id = mid FOR SHARE;
    IF m.committed_at IS NOT NULL THEN
        RAISE EXCEPTION 'meeting % is committed: applications are frozen', mid
            USING ERRCODE = 'P0M02';
    END IF;
    IF TG_OP = 'INSERT' AND (now() < m.apply_from OR now() > m.apply_until)
    THEN
        RAISE EXCEPTION 'meeting %: outside the application window', mid
            USING ERRCODE = 'P0M01';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.meeting_id <> OLD.meeting_id
                             OR NEW.user_id <> OLD.user_id) THEN
        RAISE EXCEPTION 'an application cannot move' USING ERRCODE = 'P0M02';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER meeting_applications_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON meeting_applications
    FOR EACH ROW EXECUTE FUNCTION meeting_applications_frozen();

-- The published commitment: its text (the ordered, masked list of
-- eligible applicants and the quotas) and the SHA-256 of that text.
CREATE TABLE meeting_commitments (
    meeting_id bigint PRIMARY KEY REFERENCES meetings,
    body text NOT NULL,
    hash text NOT NULL,
    committed_by bigint REFERENCES users,
    committed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, hash),
    CHECK (hash = encode(sha256(convert_to(body, 'UTF8')), 'hex'))
);

-- The draw: once per meeting (primary key), after the commitment, with
-- the seed derived from the commitment hash and the published inputs.
CREATE TABLE meeting_draws (
    meeting_id bigint PRIMARY KEY,
    commit_hash text NOT NULL,
    seed_inputs text NOT NULL CHECK (char_length(seed_inputs) BETWEEN 3 AND 5000),
    seed text NOT NULL,
    result text NOT NULL,
    drawn_by bigint REFERENCES users,
    drawn_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (meeting_id, commit_hash)
        REFERENCES meeting_commitments (meeting_id, hash),
    CHECK (seed = encode(sha256(convert_to(commit_hash || E'\n' || seed_inputs,
                                           'UTF8')), 'hex'))
);

CREATE TABLE meeting_seats (
    meeting_id bigint NOT NULL REFERENCES meeting_draws,
    seat integer NOT NULL CHECK (seat BETWEEN 1 AND 100),
    application_id bigint NOT NULL,
    quota text NOT NULL CHECK (quota IN ('grassroots', 'stakeholder', 'open')),
    PRIMARY KEY (meeting_id, seat),
    UNIQUE (application_id),
    UNIQUE (meeting_id, application_id),
    FOREIGN KEY (meeting_id, application_id)
        REFERENCES meeting_applications (meeting_id, id)
);

-- After the meeting: each representative's opinion and what became of it.
CREATE TABLE meeting_feedback (
    id bigserial PRIMARY KEY,
    meeting_id bigint NOT NULL,
    application_id bigint NOT NULL,
    opinion text NOT NULL CHECK (char_length(opinion) BETWEEN 1 AND 2000),
    adoption text NOT NULL
        CHECK (adoption IN ('adopted', 'partly', 'not_adopted')),
    explanation text NOT NULL
        CHECK (char_length(explanation) BETWEEN 1 AND 2000),
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (meeting_id, application_id)
        REFERENCES meeting_seats (meeting_id, application_id)
);
CREATE INDEX meeting_feedback_meeting ON meeting_feedback (meeting_id, id);

-- Written once: neither the app nor the owner changes a published
-- commitment, draw or seat.
CREATE FUNCTION meeting_published_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is published and cannot change', TG_TABLE_NAME
        USING ERRCODE = 'P0M03';
END $$;
CREATE TRIGGER meeting_commitments_immutable
    BEFORE UPDATE OR DELETE ON meeting_commitments
    FOR EACH ROW EXECUTE FUNCTION meeting_published_immutable();
CREATE TRIGGER meeting_draws_immutable
    BEFORE UPDATE OR DELETE ON meeting_draws
    FOR EACH ROW EXECUTE FUNCTION meeting_published_immutable();
CREATE TRIGGER meeting_seats_immutable
    BEFORE UPDATE OR DELETE ON meeting_seats
    FOR EACH ROW EXECUTE FUNCTION meeting_published_immutable();

-- committed_at, once set, stays.
CREATE FUNCTION meetings_commit_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.committed_at IS NOT NULL
       AND NEW.committed_at IS DISTINCT FROM OLD.committed_at THEN
        RAISE EXCEPTION 'meeting % is committed', OLD.id USING ERRCODE = 'P0M02';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER meetings_commit_once BEFORE UPDATE ON meetings
    FOR EACH ROW EXECUTE FUNCTION meetings_commit_once();

GRANT SELECT, INSERT ON meetings TO gongkai_app;
GRANT UPDATE (committed_at, decision, decision_at) ON meetings TO gongkai_app;
GRANT USAGE ON SEQUENCE meetings_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON meeting_applications TO gongkai_app;
GRANT UPDATE (review, reason, reviewed_by, reviewed_at)
    ON meeting_applications TO gongkai_app;
GRANT USAGE ON SEQUENCE meeting_applications_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON meeting_commitments TO gongkai_app;
GRANT SELECT, INSERT ON meeting_draws TO gongkai_app;
GRANT SELECT, INSERT ON meeting_seats TO gongkai_app;
GRANT SELECT, INSERT ON meeting_feedback TO gongkai_app;
GRANT USAGE ON SEQUENCE meeting_feedback_id_seq TO gongkai_app;
