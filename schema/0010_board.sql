-- 政策留言板 (plan tasks 50-52): policies with their 解读 and related
-- documents, citizens' messages with moderation, hand-overs between
-- departments and official replies, the FAQ, and the sensitive-word list.
-- docs/board.md describes the rules; this file holds the ones concurrent
-- workers could break (hourly limit, one follow-up per thread, legal
-- states) so that PostgreSQL enforces them.

-- ---- Chinese search -------------------------------------------------------
-- pg_trgm cannot index queries shorter than three characters, and most
-- Chinese search words are two (养老, 医保, 就业). Every searchable row keeps
-- the set of its character bigrams in a generated column with a GIN index;
-- a query of n >= 2 characters matches rows whose set contains all of the
-- query's bigrams (index), and the exact substring test rechecks the few
-- candidates. Spaces and punctuation break bigrams, so "养老，服务" does not
-- yield "老，". Latin letters are folded to lower case.
-- The small SQL functions carry no SET clause so the planner can inline
-- them (a SET makes every call a separate function call); they name
-- public.* explicitly instead.
CREATE FUNCTION board_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
    SELECT lower(regexp_replace(t,
        '[[:space:][:punct:]　、，。；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～]+',
        ' ', 'g'))
$$;

-- PL/pgSQL walking the characters once: O(n) even for a 100,000-character
-- document (substr(t, i, 2) on multibyte text would be O(n) per call).
CREATE FUNCTION board_bigrams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    grams text[] := '{}';
    prev text := ' ';
    ch text;
BEGIN
    FOREACH ch IN ARRAY regexp_split_to_array(public.board_norm(coalesce(t, '')), '') LOOP
        IF ch <> ' ' AND prev <> ' ' THEN
            grams := array_append(grams, prev || ch);
        END IF;
        prev := ch;
    END LOOP;
    RETURN ARRAY(SELECT DISTINCT g FROM unnest(grams) AS g ORDER BY g);
END
$$;

-- True when the text contains the query: first as typed (case folded), the
-- cheap test that settles almost every candidate, then normalised (the
-- same spaces and punctuation rule as the bigrams). The recheck after the
-- bigram index; a query of one character relies on it alone. PL/pgSQL on
-- purpose: never inlined, it keeps its cost (reading whole documents), so
-- the planner prefers the bigram index to scanning every policy.
CREATE FUNCTION board_matches(t text, q text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 200
AS $$
BEGIN
    RETURN position(lower(coalesce(q, '')) IN lower(coalesce(t, ''))) > 0
        OR position(public.board_norm(coalesce(q, '')) IN public.board_norm(coalesce(t, ''))) > 0;
END
$$;

-- ---- personal data typed into a message --------------------------------
-- Published text never shows a full mobile number or ID number, whatever
-- the citizen typed: ID numbers keep the first 6 and last 4 characters,
-- mobiles 3 and 4 (API.md masks).
CREATE FUNCTION board_mask(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    SET search_path = public
AS $$
    SELECT regexp_replace(
             regexp_replace(t,
               '(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9Xx])',
               '\1********\2', 'g'),
             '(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])',
             '\1****\2', 'g')
$$;

-- ---- settings -------------------------------------------------------------
-- One row: the reply deadline in working days after submission (default 5;
-- an administrator changes it with UPDATE board_settings).
CREATE TABLE board_settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    reply_workdays integer NOT NULL DEFAULT 5 CHECK (reply_workdays BETWEEN 1 AND 60)
);
INSERT INTO board_settings DEFAULT VALUES;

-- The reply deadline of a message submitted on day d, on the working-day
-- calendar of 0002 (the day of submission is day 0). NULL when the
-- calendar does not reach that far: the queue then says so instead of
-- guessing Monday-Friday.
CREATE FUNCTION board_due(d date) RETURNS date
    LANGUAGE plpgsql STABLE
    SET search_path = public
AS $$
BEGIN
    RETURN add_workdays(d, (SELECT reply_workdays FROM board_settings));
EXCEPTION WHEN datetime_field_overflow THEN
    RETURN NULL;
END
$$;

-- Working days from a to b for the statistics, NULL where the calendar
-- does not reach (a statistics page must not fail on next year's dates).
CREATE FUNCTION board_workdays(a date, b date) RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path = public
AS $$
BEGIN
    RETURN workdays_between(a, b);
EXCEPTION WHEN datetime_field_overflow THEN
    RETURN NULL;
END
$$;

-- ---- policies ---------------------------------------------------------------
CREATE TABLE board_policies (
    id bigserial PRIMARY KEY,
    -- key of the record in an imported file (import-policies); NULL for
    -- policies created in the admin page
    import_key text UNIQUE CHECK (import_key ~ '^[A-Za-z0-9_.-]{1,64}$'),
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    doc_no text NOT NULL DEFAULT '' CHECK (char_length(doc_no) <= 60),
    dept_id integer NOT NULL REFERENCES departments,
    published_on date NOT NULL,
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 100000),
    interpretation text NOT NULL DEFAULT '' CHECK (char_length(interpretation) <= 50000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    grams text[] GENERATED ALWAYS AS
        (board_bigrams(title || ' ' || doc_no || ' ' || body || ' ' || interpretation)) STORED
);
CREATE UNIQUE INDEX board_policies_doc_no ON board_policies (doc_no) WHERE doc_no <> '';
CREATE INDEX board_policies_grams ON board_policies USING gin (grams);
CREATE INDEX board_policies_recent ON board_policies (published_on DESC, id DESC);
CREATE INDEX board_policies_dept ON board_policies (dept_id, published_on DESC, id DESC);

-- Related documents (政策依据, 配套文件): task 64.
CREATE TABLE board_policy_links (
    policy_id bigint NOT NULL REFERENCES board_policies ON DELETE CASCADE,
    related_id bigint NOT NULL REFERENCES board_policies ON DELETE CASCADE,
    PRIMARY KEY (policy_id, related_id),
    CHECK (policy_id <> related_id)
);

-- ---- messages ---------------------------------------------------------------
CREATE TABLE board_sensitive_words (
    word text PRIMARY KEY CHECK (char_length(word) BETWEEN 1 AND 30),
    added_by bigint REFERENCES users,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- status: pending (waiting for moderation), published (accepted; shown on
-- the policy page when is_public), rejected (reason shown to the author),
-- replied (official reply given). dept_id is the department responsible
-- now (transfers change it); due_on is fixed at submission.
CREATE TABLE board_messages (
    id bigserial PRIMARY KEY,
    policy_id bigint NOT NULL REFERENCES board_policies,
    author_id bigint NOT NULL REFERENCES users,
    parent_id bigint UNIQUE REFERENCES board_messages, -- one follow-up per thread
    kind text NOT NULL CHECK (kind IN ('consult', 'suggest', 'evaluate', 'followup')),
    rating smallint CHECK (rating BETWEEN 1 AND 5),
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    is_public boolean NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'published', 'rejected', 'replied')),
    flagged boolean NOT NULL DEFAULT false, -- a sensitive word matched
    dept_id integer NOT NULL REFERENCES departments,
    created_at timestamptz NOT NULL DEFAULT now(),
    due_on date,
    moderated_at timestamptz,
    moderated_by bigint REFERENCES users,
    reason text CHECK (char_length(reason) BETWEEN 1 AND 500),
    body_public text, -- masked body, set when published and is_public
    reply_body text CHECK (char_length(reply_body) BETWEEN 1 AND 5000),
    reply_dept_id integer REFERENCES departments,
    reply_by bigint REFERENCES users,
    replied_at timestamptz,
    satisfaction text CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    satisfaction_note text CHECK (char_length(satisfaction_note) <= 500),
    rated_at timestamptz,
    grams text[] GENERATED ALWAYS AS (board_bigrams(body_public)) STORED,
    CHECK ((kind = 'evaluate') = (rating IS NOT NULL)),
    CHECK ((kind = 'followup') = (parent_id IS NOT NULL)),
    CHECK (status <> 'rejected' OR reason IS NOT NULL),
    CHECK ((status = 'replied') = (replied_at IS NOT NULL AND reply_body IS NOT NULL)),
    CHECK (body_public IS NULL OR (is_public AND status IN ('published', 'replied'))),
    CHECK (satisfaction IS NULL OR status = 'replied')
);
CREATE INDEX board_messages_policy_public ON board_messages (policy_id, created_at DESC, id DESC)
    WHERE body_public IS NOT NULL;
CREATE INDEX board_messages_queue ON board_messages (dept_id, status, created_at, id);
CREATE INDEX board_messages_status ON board_messages (status, created_at, id);
CREATE INDEX board_messages_author ON board_messages (author_id, created_at DESC);
CREATE INDEX board_messages_grams ON board_messages USING gin (grams)
    WHERE body_public IS NOT NULL;
-- Search results are newest first: for a common word the planner walks
-- this index and filters (20 hits come quickly); for a rare one it takes
-- the bigram index.
CREATE INDEX board_messages_public_recent ON board_messages (created_at DESC, id DESC)
    WHERE body_public IS NOT NULL;

-- Every step of a message: submitted, published, rejected, transferred,
-- returned, replied, rated, followed up (the timeline).
CREATE TABLE board_message_events (
    id bigserial PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES board_messages,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id bigint REFERENCES users,
    kind text NOT NULL CHECK (kind IN ('submitted', 'published', 'rejected',
        'transferred', 'returned', 'replied', 'rated', 'followup')),
    from_dept integer REFERENCES departments,
    to_dept integer REFERENCES departments,
    note text NOT NULL DEFAULT ''
);
CREATE INDEX board_message_events_msg ON board_message_events (message_id, at, id);

-- Before a message is stored: at most 10 an hour per citizen, the reply
-- deadline, and the sensitive-word flag. The advisory lock serialises one
-- author's concurrent posts, so the count cannot be raced.
CREATE FUNCTION board_messages_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(3, (NEW.author_id % 2147483647)::integer);
    IF (SELECT count(*) FROM board_messages
         WHERE author_id = NEW.author_id
           AND created_at > now() - interval '1 hour') >= 10 THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'board_hourly_limit';
    END IF;
    NEW.due_on := board_due((NEW.created_at AT TIME ZONE 'Asia/Shanghai')::date);
    NEW.flagged := EXISTS (SELECT 1 FROM board_sensitive_words w
                            WHERE position(w.word IN NEW.body) > 0);
    RETURN NEW;
END
$$;
CREATE TRIGGER board_messages_before_insert BEFORE INSERT ON board_messages
    FOR EACH ROW EXECUTE FUNCTION board_messages_before_insert();

-- ---- FAQ (常见问题问答小贴士, task 52) -----------------------------------------
CREATE TABLE board_faq (
    id bigserial PRIMARY KEY,
    question text NOT NULL CHECK (char_length(question) BETWEEN 1 AND 500),
    answer text NOT NULL CHECK (char_length(answer) BETWEEN 1 AND 5000),
    policy_id bigint REFERENCES board_policies,
    message_id bigint REFERENCES board_messages,
    dept_id integer NOT NULL REFERENCES departments,
    created_by bigint REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    grams text[] GENERATED ALWAYS AS (board_bigrams(question || ' ' || answer)) STORED
);
CREATE INDEX board_faq_recent ON board_faq (created_at DESC, id DESC);
CREATE INDEX board_faq_grams ON board_faq USING gin (grams);
CREATE UNIQUE INDEX board_faq_message ON board_faq (message_id) WHERE message_id IS NOT NULL;

GRANT SELECT ON board_settings TO gongkai_app;
GRANT SELECT, INSERT ON board_policies TO gongkai_app;
GRANT UPDATE (title, doc_no, dept_id, published_on, body, interpretation, updated_at)
    ON board_policies TO gongkai_app;
GRANT USAGE ON SEQUENCE board_policies_id_seq TO gongkai_app;
GRANT SELECT ON board_policy_links TO gongkai_app;
GRANT SELECT, INSERT, DELETE ON board_sensitive_words TO gongkai_app;
GRANT SELECT, INSERT ON board_messages TO gongkai_app;
GRANT UPDATE (status, flagged, dept_id, moderated_at, moderated_by, reason, body_public,
              reply_body, reply_dept_id, reply_by, replied_at,
              satisfaction, satisfaction_note, rated_at)
    ON board_messages TO gongkai_app;
GRANT USAGE ON SEQUENCE board_messages_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON board_message_events TO gongkai_app;
GRANT USAGE ON SEQUENCE board_message_events_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON board_faq TO gongkai_app;
GRANT USAGE ON SEQUENCE board_faq_id_seq TO gongkai_app;
