-- Revisions of the public policy page, so that a worker may keep the page's
-- markup and ask PostgreSQL only whether it is still current.
--
-- The page (sql/board.sql board_policy_page) shows the policy, the titles
-- of its related documents, a page of its published messages with their
-- replies, and department names. Every change to any of that gives the
-- policy a new revision, in the same transaction as the change: a snapshot
-- that sees the change sees the new revision, and a snapshot that sees a
-- revision sees exactly the content the page was made from at it. The
-- revisions come from one sequence, so a value is never used twice, even
-- for a policy deleted and made again; 0 is never a revision.
--
-- The revisions live in their own table, not in board_policies: bumping a
-- column there would recompute the policy's generated search grams (all of
-- its text) and write its GIN index on every reply.
--
-- What changes a page, and the trigger that bumps it:
--   the policy's own columns            board_policies, AFTER UPDATE
--   a related policy's title, 文号 or date (shown and sorted in the list)
--                                       the same trigger, for its links
--   a link added or removed             board_policy_links
--   a published message: new, edited, replied, withdrawn, deleted
--                                       board_messages (per statement, so
--                                       a bulk load bumps each policy once)
--   a department renamed                departments: every page
-- Pending and rejected messages never reach the page, and neither do the
-- columns the page does not show (satisfaction, deadlines, routing).
CREATE SEQUENCE board_page_rev_seq;

CREATE TABLE board_page_revs (
    policy_id bigint PRIMARY KEY REFERENCES board_policies ON DELETE CASCADE,
    rev bigint NOT NULL DEFAULT nextval('board_page_rev_seq')
);
INSERT INTO board_page_revs (policy_id) SELECT id FROM board_policies;

-- Gives each policy in ids a new revision. Rows of policies being deleted
-- in the same statement are simply not found.
CREATE FUNCTION board_page_bump(ids bigint[]) RETURNS void
    LANGUAGE sql
AS $$
    UPDATE board_page_revs SET rev = nextval('board_page_rev_seq')
    WHERE policy_id = ANY (ids)
$$;

CREATE FUNCTION board_policies_page_rev() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO board_page_revs (policy_id) VALUES (NEW.id);
        RETURN NULL;
    END IF;
    PERFORM board_page_bump(ARRAY[NEW.id]);
    IF (OLD.title, OLD.doc_no, OLD.published_on)
       IS DISTINCT FROM (NEW.title, NEW.doc_no, NEW.published_on) THEN
        PERFORM board_page_bump(array_agg(CASE WHEN l.policy_id = NEW.id
                                               THEN l.related_id
                                               ELSE l.policy_id END))
        FROM board_policy_links l
        WHERE l.policy_id = NEW.id OR l.related_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER board_policies_page_rev_insert AFTER INSERT ON board_policies
    FOR EACH ROW EXECUTE FUNCTION board_policies_page_rev();
CREATE TRIGGER board_policies_page_rev_update AFTER UPDATE ON board_policies
    FOR EACH ROW
    WHEN ((OLD.title, OLD.doc_no, OLD.dept_id, OLD.published_on, OLD.body,
           OLD.interpretation)
          IS DISTINCT FROM (NEW.title, NEW.doc_no, NEW.dept_id,
                            NEW.published_on, NEW.body, NEW.interpretation))
    EXECUTE FUNCTION board_policies_page_rev();

CREATE FUNCTION board_policy_links_page_rev() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM board_page_bump(ARRAY[OLD.policy_id, OLD.related_id]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM board_page_bump(ARRAY[NEW.policy_id, NEW.related_id]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER board_policy_links_page_rev
    AFTER INSERT OR UPDATE OR DELETE ON board_policy_links
    FOR EACH ROW EXECUTE FUNCTION board_policy_links_page_rev();

-- Messages: one trigger function for the three statements, on transition
-- tables. A citizen's new message is pending (body_public NULL) and bumps
-- nothing; so does a moderator's routing or a citizen's rating.
CREATE FUNCTION board_messages_page_rev() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM board_page_bump(array_agg(DISTINCT n.policy_id))
        FROM new_rows n WHERE n.body_public IS NOT NULL
        HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM board_page_bump(array_agg(DISTINCT o.policy_id))
        FROM old_rows o WHERE o.body_public IS NOT NULL
        HAVING count(*) > 0;
    ELSE
        PERFORM board_page_bump(array_agg(DISTINCT x.policy_id))
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
             LATERAL (VALUES (o.policy_id), (n.policy_id)) x (policy_id)
        WHERE (o.body_public IS NOT NULL OR n.body_public IS NOT NULL)
          AND (o.policy_id, o.kind, o.rating, o.body_public, o.created_at,
               o.status, o.reply_body, o.reply_dept_id, o.replied_at)
              IS DISTINCT FROM
              (n.policy_id, n.kind, n.rating, n.body_public, n.created_at,
               n.status, n.reply_body, n.reply_dept_id, n.replied_at)
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER board_messages_page_rev_insert AFTER INSERT ON board_messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_messages_page_rev();
CREATE TRIGGER board_messages_page_rev_update AFTER UPDATE ON board_messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_messages_page_rev();
CREATE TRIGGER board_messages_page_rev_delete AFTER DELETE ON board_messages
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_messages_page_rev();

-- A department's name is on the page (the policy's department, the
-- replying department); renames are rare, so every page changes.
CREATE FUNCTION departments_page_rev() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE board_page_revs SET rev = nextval('board_page_rev_seq');
    RETURN NULL;
END
$$;
CREATE TRIGGER departments_page_rev AFTER UPDATE ON departments
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION departments_page_rev();

-- The app's role runs these triggers as itself.
GRANT SELECT, INSERT, UPDATE ON board_page_revs TO gongkai_app;
GRANT USAGE ON SEQUENCE board_page_rev_seq TO gongkai_app;

-- The page, as in 0076, with the revision: `known` is the revision of the
-- copy the caller holds (0: none). When it is still current the answer is
-- one row, part 3, and nothing else is read. Otherwise the parts of 0076,
-- part 0 with the revision in c7. Being STABLE, the function reads every
-- part in the snapshot of the calling statement, the revision included.
DROP FUNCTION board_policy_page(bigint, integer);
CREATE FUNCTION board_policy_page(pid bigint, page integer, known bigint)
RETURNS TABLE (part integer, c0 text, c1 text, c2 text, c3 text, c4 text,
               c5 text, c6 text, c7 text, c8 text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    IF known <> 0 THEN
        RETURN QUERY
        SELECT 3, r.rev::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL
        FROM board_page_revs r
        WHERE r.policy_id = pid AND r.rev = known;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    RETURN QUERY
    SELECT 0, p.id::text, p.title, p.doc_no, d.name,
           to_char(p.published_on, 'YYYY-MM-DD'), p.body, p.interpretation,
           r.rev::text, NULL::text
    FROM board_policies p
    JOIN departments d ON d.id = p.dept_id
    JOIN board_page_revs r ON r.policy_id = p.id
    WHERE p.id = pid;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT 1, p.id::text, p.title, p.doc_no, NULL, NULL, NULL, NULL, NULL,
           NULL
    FROM board_policy_links l
    JOIN board_policies p ON p.id = CASE WHEN l.policy_id = pid
                                         THEN l.related_id ELSE l.policy_id END
    WHERE l.policy_id = pid OR l.related_id = pid
    ORDER BY p.published_on DESC, p.id;
    RETURN QUERY
    SELECT 2, m.id::text, m.kind, coalesce(m.rating, 0)::text, m.body_public,
           to_char(m.created_at, 'YYYY-MM-DD HH24:MI'), m.status,
           coalesce(m.reply_body, ''),
           coalesce((SELECT rd.name FROM departments rd
                     WHERE rd.id = m.reply_dept_id), ''),
           coalesce(to_char(m.replied_at, 'YYYY-MM-DD'), '')
    FROM board_messages m
    WHERE m.policy_id = pid AND m.body_public IS NOT NULL
    ORDER BY m.created_at DESC, m.id DESC
    LIMIT 21 OFFSET (page - 1) * 20;
END $$;
