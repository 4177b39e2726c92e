-- 依申请公开: information-disclosure requests (domain/disclosure.md).
--
-- A request is a row of disclosure_requests plus an append-only list of
-- disclosure_events. The request's state and due date are *derived*: every
-- event passes through disclosure_step() (one place, below) inside a
-- BEFORE INSERT trigger that locks the request row, refuses an illegal step
-- (SQLSTATE P0001) and writes the derived columns. The app role cannot
-- UPDATE requests at all, so nothing but events moves a request, and two
-- clerks acting at once are serialised by the row lock: the second sees the
-- state the first left and is refused if its step no longer applies.
--
-- Personal data (ID number, phone, e-mail, address) is sealed by the app
-- (crypt_seal, ctx "disclosure_requests.<column>"), with masks beside it;
-- identity_hash is the keyed hash of the identity (ID or organisation code)
-- that fees are counted by. The access code is stored only as a keyed hash.

CREATE TABLE disclosure_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE disclosure_requests (
    id bigserial PRIMARY KEY,
    no text NOT NULL UNIQUE CHECK (no ~ '^[0-9]{4}-[0-9]{6}$'),
    dept_id integer NOT NULL REFERENCES departments,
    applicant_type text NOT NULL CHECK (applicant_type IN
        ('natural', 'commercial', 'research', 'social_welfare',
         'legal_service', 'other')),
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    id_type text NOT NULL CHECK (id_type IN
        ('id_card', 'passport', 'hk_macao', 'taiwan', 'other', 'none')),
    id_enc bytea,
    id_masked text NOT NULL DEFAULT '',
    org_code text CHECK (org_code ~ '^[0-9A-Z]{18}$'),
    identity_hash bytea NOT NULL CHECK (length(identity_hash) = 32),
    phone_enc bytea NOT NULL,
    phone_masked text NOT NULL,
    email_enc bytea,
    email_masked text NOT NULL DEFAULT '',
    address_enc bytea,
    description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 4000),
    form text NOT NULL CHECK (form IN ('paper', 'electronic')),
    delivery text NOT NULL CHECK (delivery IN ('post', 'pickup', 'email', 'online')),
    channel text NOT NULL CHECK (channel IN ('online', 'in_person', 'post', 'letter', 'fax')),
    received_on date NOT NULL,
    code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
    user_id bigint REFERENCES users,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- organisations give their code; natural persons their ID
    CHECK ((applicant_type = 'natural') = (org_code IS NULL)),
    CHECK (applicant_type <> 'natural' OR id_enc IS NOT NULL),

    -- Derived from the events by disclosure_step(); written only by the
    -- trigger (the app role has no UPDATE on this table).
    state text NOT NULL DEFAULT 'new' CHECK (state IN
        ('new', 'received', 'awaiting_correction', 'in_progress', 'consulting',
         'awaiting_payment', 'awaiting_reasons', 'closed')),
    clock_start date,             -- day 0 of the reply period
    ext_days integer NOT NULL DEFAULT 0,    -- art. 33 extension granted
    paused_days integer NOT NULL DEFAULT 0, -- working days not counted
    pause_since date,             -- a pause (consultation, fee) is running
    later_due date,               -- art. 35 later deadline, replaces the rule
    due_on date,                  -- NULL while the clock is stopped
    correction_until date,        -- 补正 deadline given to the applicant
    corrections integer NOT NULL DEFAULT 0,
    extended boolean NOT NULL DEFAULT false,
    fee_notice_on date,
    fee_charged integer,
    fee_paid_on date,
    outcome text,
    closed_on date,
    last_on date,
    nevents integer NOT NULL DEFAULT 0,
    CHECK ((state = 'closed') = (closed_on IS NOT NULL)),
    CHECK (state <> 'closed' OR outcome IS NOT NULL)
);
CREATE INDEX disclosure_requests_queue ON disclosure_requests (dept_id, state, due_on);
CREATE INDEX disclosure_requests_due ON disclosure_requests (due_on) WHERE state <> 'closed';
CREATE INDEX disclosure_requests_identity ON disclosure_requests (identity_hash, received_on);
CREATE INDEX disclosure_requests_user ON disclosure_requests (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX disclosure_requests_received ON disclosure_requests (received_on);
CREATE INDEX disclosure_requests_closed ON disclosure_requests (closed_on);

CREATE TABLE disclosure_events (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES disclosure_requests,
    seq integer NOT NULL,
    action text NOT NULL CHECK (action IN
        ('submit', 'accept', 'request_correction', 'correction_received',
         'correction_expired', 'consult_third_party', 'consult_other_organ',
         'consult_done', 'fee_notice', 'fee_paid', 'fee_expired', 'extend',
         'ask_reasons', 'reply', 'withdraw')),
    on_date date NOT NULL,
    actor_id bigint REFERENCES users,   -- NULL: the applicant online
    text text NOT NULL DEFAULT '' CHECK (char_length(text) <= 4000),
    outcome text CHECK (outcome ~ '^r(1|2|3_[1-8]|4_[1-3]|5_[1-5]|6_[1-3])$'),
    days integer CHECK (days BETWEEN 1 AND 60),
    amount integer CHECK (amount >= 0),
    fee_basis text CHECK (fee_basis IN ('piece', 'volume')),
    fee_pages integer CHECK (fee_pages >= 0),
    fee_computed integer CHECK (fee_computed >= 0),
    approved_by text CHECK (char_length(approved_by) <= 50),
    deadline date,
    -- written by the trigger
    from_state text,
    to_state text,
    due_after date,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, seq)
);

-- Uploaded supporting files (PDF, JPEG, PNG; type checked by content in C).
CREATE TABLE disclosure_files (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES disclosure_requests,
    event_id bigint REFERENCES disclosure_events,
    filename text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 200),
    ctype text NOT NULL CHECK (ctype IN ('application/pdf', 'image/jpeg', 'image/png')),
    size integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_files_request ON disclosure_files (request_id);

-- 行政复议 / 行政诉讼 records (plan task 86).
CREATE TABLE disclosure_reviews (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES disclosure_requests,
    kind text NOT NULL CHECK (kind IN
        ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
    result text NOT NULL CHECK (result IN ('upheld', 'corrected', 'other', 'pending')),
    filed_on date NOT NULL,
    decided_on date,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((result = 'pending') = (decided_on IS NULL)),
    CHECK (decided_on IS NULL OR decided_on >= filed_on)
);
CREATE INDEX disclosure_reviews_request ON disclosure_reviews (request_id);

-- Wrong access codes, per address and per tracking number (rate limit).
CREATE TABLE disclosure_track_failures (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    no text NOT NULL,
    addr inet
);
CREATE INDEX disclosure_track_failures_addr ON disclosure_track_failures (addr, at);
CREATE INDEX disclosure_track_failures_no ON disclosure_track_failures (no, at);

-- disclosure_step(r, e): the request r after event e, or an exception:
-- P0001 with a message when the step is not legal now. The one place where
-- states, pauses and the due date are computed; the trigger below and
-- disclosure_rederive() (a check that the stored row equals a replay of the
-- events) both use it.
--   due = add_workdays(clock_start, 20 + extension + paused working days),
-- a pause counting workdays_between(start, end) (start exclusive, end
-- inclusive), replaced by an art. 35 later deadline when one is set.
CREATE FUNCTION disclosure_step(r disclosure_requests, e disclosure_events)
    RETURNS disclosure_requests
    LANGUAGE plpgsql STABLE
    SET search_path = public
AS $$
DECLARE
    -- The statutory periods (working days). [to confirm] marks our reading.
    reply_days constant integer := 20;          -- art. 33
    extension_max constant integer := 20;       -- art. 33
    correction_notice_days constant integer := 7; -- art. 30
    fee_pay_days constant integer := 20;        -- 109号: else closed r6_2
    s text := r.state;
    nxt text;
BEGIN
    IF s = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'closed';
    END IF;
    IF e.on_date < coalesce(r.last_on, r.received_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'date_before_previous';
    END IF;
    nxt := CASE
        WHEN e.action = 'submit' AND s = 'new' THEN 'received'
        WHEN e.action = 'accept' AND s IN ('received', 'awaiting_reasons') THEN 'in_progress'
        WHEN e.action = 'request_correction' AND s = 'received' THEN 'awaiting_correction'
        WHEN e.action = 'correction_received' AND s = 'awaiting_correction' THEN 'in_progress'
        WHEN e.action = 'correction_expired' AND s = 'awaiting_correction' THEN 'closed'
        WHEN e.action IN ('consult_third_party', 'consult_other_organ')
             AND s = 'in_progress' THEN 'consulting'
        WHEN e.action = 'consult_done' AND s = 'consulting' THEN 'in_progress'
        WHEN e.action = 'fee_notice' AND s = 'in_progress' THEN 'awaiting_payment'
        WHEN e.action = 'fee_paid' AND s = 'awaiting_payment' THEN 'in_progress'
        WHEN e.action = 'fee_expired' AND s = 'awaiting_payment' THEN 'closed'
        WHEN e.action = 'extend' AND s = 'in_progress' THEN 'in_progress'
        WHEN e.action = 'ask_reasons' AND s = 'in_progress' THEN 'awaiting_reasons'
        WHEN e.action = 'reply' AND s IN ('received', 'in_progress', 'awaiting_reasons')
             THEN 'closed'
        WHEN e.action = 'withdraw' AND s <> 'new' THEN 'closed'
    END;
    IF nxt IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'illegal_step';
    END IF;

    CASE e.action
    WHEN 'submit' THEN
        r.clock_start := r.received_on;
    WHEN 'accept' THEN
        IF e.deadline IS NOT NULL THEN
            IF e.deadline <= e.on_date THEN
                RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'deadline_not_later';
            END IF;
            r.later_due := e.deadline;
        END IF;
    WHEN 'request_correction' THEN
        -- once, within 7 working days of receipt (art. 30)
        IF r.corrections > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'correction_twice';
        END IF;
        IF e.on_date > add_workdays(r.received_on, correction_notice_days) THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'correction_too_late';
        END IF;
        IF e.days IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'days_missing';
        END IF;
        r.corrections := r.corrections + 1;
        r.correction_until := add_workdays(e.on_date, e.days);
    WHEN 'correction_received' THEN
        -- the reply period counts afresh from the corrected application
        r.clock_start := e.on_date;
        r.ext_days := 0;
        r.paused_days := 0;
        r.later_due := NULL;
    WHEN 'correction_expired' THEN
        IF e.on_date <= r.correction_until THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'correction_not_expired';
        END IF;
        r.outcome := 'r6_1';
    WHEN 'consult_third_party', 'consult_other_organ' THEN
        r.pause_since := e.on_date;
    WHEN 'consult_done', 'fee_paid' THEN
        r.paused_days := r.paused_days + workdays_between(r.pause_since, e.on_date);
        r.pause_since := NULL;
        IF e.action = 'fee_paid' THEN
            r.fee_paid_on := e.on_date;
        END IF;
    WHEN 'fee_notice' THEN
        IF e.amount IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'amount_missing';
        END IF;
        -- the clock pauses while the applicant decides to pay [to confirm]
        r.pause_since := e.on_date;
        r.fee_notice_on := e.on_date;
        r.fee_charged := e.amount;
    WHEN 'fee_expired' THEN
        IF e.on_date <= add_workdays(r.fee_notice_on, fee_pay_days) THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'fee_not_expired';
        END IF;
        r.outcome := 'r6_2';
        r.pause_since := NULL;
    WHEN 'extend' THEN
        IF r.extended THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'extended_twice';
        END IF;
        IF e.days IS NULL OR e.days > extension_max THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'extension_too_long';
        END IF;
        IF coalesce(e.approved_by, '') = '' THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'approval_missing';
        END IF;
        IF e.on_date > r.due_on THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'extension_after_due';
        END IF;
        r.extended := true;
        r.ext_days := e.days;
    WHEN 'ask_reasons' THEN
        NULL;
    WHEN 'reply' THEN
        IF e.outcome IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'outcome_missing';
        END IF;
        r.outcome := e.outcome;
    WHEN 'withdraw' THEN
        r.outcome := 'r6_3';
        r.pause_since := NULL;
    END CASE;

    r.state := nxt;
    r.last_on := e.on_date;
    r.nevents := r.nevents + 1;
    IF nxt = 'closed' THEN
        r.closed_on := e.on_date;
    ELSIF nxt IN ('consulting', 'awaiting_payment', 'awaiting_correction') THEN
        r.due_on := NULL;   -- the clock is stopped
    ELSE
        BEGIN
            r.due_on := coalesce(r.later_due,
                add_workdays(r.clock_start, reply_days + r.ext_days + r.paused_days));
        EXCEPTION WHEN datetime_field_overflow THEN
            -- The calendar does not reach the due date yet. The request is
            -- still received (receipt is a legal fact, the applicant must
            -- not be turned away); its due date stays unknown, shown as such
            -- to staff, until an admin loads the next year
            -- (calendar_add_year() in 0021 then computes it).
            r.due_on := NULL;
        END;
    END IF;
    RETURN r;
END
$$;

-- The trigger runs as the owner (SECURITY DEFINER): the app role inserts
-- events, never writes the derived columns itself.
CREATE FUNCTION disclosure_event_before() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public
AS $$
DECLARE
    r disclosure_requests;
BEGIN
    SELECT * INTO r FROM disclosure_requests WHERE id = NEW.request_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'no_request';
    END IF;
    IF NEW.on_date > current_date THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'date_in_future';
    END IF;
    NEW.from_state := r.state;
    r := disclosure_step(r, NEW);
    NEW.to_state := r.state;
    NEW.seq := r.nevents;
    NEW.due_after := r.due_on;
    UPDATE disclosure_requests SET
        state = r.state, clock_start = r.clock_start, ext_days = r.ext_days,
        paused_days = r.paused_days, pause_since = r.pause_since,
        later_due = r.later_due, due_on = r.due_on,
        correction_until = r.correction_until, corrections = r.corrections,
        extended = r.extended, fee_notice_on = r.fee_notice_on,
        fee_charged = r.fee_charged, fee_paid_on = r.fee_paid_on,
        outcome = r.outcome, closed_on = r.closed_on, last_on = r.last_on,
        nevents = r.nevents
    WHERE id = r.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER disclosure_events_step BEFORE INSERT ON disclosure_events
    FOR EACH ROW EXECUTE FUNCTION disclosure_event_before();

-- Events are history: never changed.
CREATE FUNCTION disclosure_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'disclosure_events is append-only';
END $$;
CREATE TRIGGER disclosure_events_no_change BEFORE UPDATE OR DELETE ON disclosure_events
    FOR EACH ROW EXECUTE FUNCTION disclosure_events_immutable();

-- A replay of every event from a fresh request: equals the stored row when
-- the derivation is consistent (checked by the tests).
CREATE FUNCTION disclosure_rederive(req bigint) RETURNS disclosure_requests
    LANGUAGE plpgsql STABLE
    SET search_path = public
AS $$
DECLARE
    r disclosure_requests;
    e disclosure_events;
BEGIN
    SELECT * INTO r FROM disclosure_requests WHERE id = req;
    r.state := 'new'; r.clock_start := NULL; r.ext_days := 0; r.paused_days := 0;
    r.pause_since := NULL; r.later_due := NULL; r.due_on := NULL;
    r.correction_until := NULL; r.corrections := 0; r.extended := false;
    r.fee_notice_on := NULL; r.fee_charged := NULL; r.fee_paid_on := NULL;
    r.outcome := NULL; r.closed_on := NULL; r.last_on := NULL; r.nevents := 0;
    FOR e IN SELECT * FROM disclosure_events WHERE request_id = req ORDER BY seq LOOP
        r := disclosure_step(r, e);
    END LOOP;
    RETURN r;
END
$$;

GRANT SELECT, INSERT, UPDATE ON disclosure_counters TO gongkai_app;
GRANT SELECT ON disclosure_requests TO gongkai_app;
GRANT INSERT (no, dept_id, applicant_type, name, id_type, id_enc, id_masked,
              org_code, identity_hash, phone_enc, phone_masked, email_enc,
              email_masked, address_enc, description, form, delivery, channel,
              received_on, code_hash, user_id, created_by)
    ON disclosure_requests TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_requests_id_seq TO gongkai_app;
GRANT SELECT ON disclosure_events TO gongkai_app;
GRANT INSERT (request_id, action, on_date, actor_id, text, outcome, days,
              amount, fee_basis, fee_pages, fee_computed, approved_by, deadline)
    ON disclosure_events TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_events_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON disclosure_files TO gongkai_app;
GRANT UPDATE (event_id) ON disclosure_files TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_files_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON disclosure_reviews TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_reviews_id_seq TO gongkai_app;
GRANT SELECT, INSERT, DELETE ON disclosure_track_failures TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_track_failures_id_seq TO gongkai_app;
REVOKE ALL ON FUNCTION disclosure_step(disclosure_requests, disclosure_events) FROM PUBLIC;
REVOKE ALL ON FUNCTION disclosure_rederive(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disclosure_step(disclosure_requests, disclosure_events) TO gongkai_app;
GRANT EXECUTE ON FUNCTION disclosure_rederive(bigint) TO gongkai_app;
