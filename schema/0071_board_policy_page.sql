-- The public policy page in one statement (sql/board.sql board_policy_page
-- calls it), run with a generic plan.
--
-- As a prepared statement of its own its plan was made anew at every
-- execution: PostgreSQL compares the generic plan with the custom ones,
-- and it costs a generic OFFSET (a parameter) as skipping a tenth of the
-- policy's messages, so the custom plan always looked cheaper. The plans
-- are the same (index scans on the policy, its links and the
-- (policy_id, created_at DESC, id DESC) index of published messages);
-- making one took 0.9 ms, running it 0.2 ms (docs/board.md "Benchmarks").
-- PL/pgSQL keeps the statement's plan for the session, and the SET clause
-- makes that plan generic.
--
-- Rows come in parts, ordered by (part, seq):
--   0  the policy (none when there is no such policy):
--      id, title, doc_no, department, published (YYYY-MM-DD), body, 解读
--   1  its related documents, newest first: id, title, doc_no
--   2  page `page` of its published messages with their replies, newest
--      first: id, kind, rating (0: none), public body, posted, status,
--      reply, reply department, reply date. 21 rows: the 21st only says
--      that there is a next page. No total: a count reads every published
--      message of the policy, 5,000 on a popular one, to show 20; this
--      reads 21 whatever the size.
-- Columns c0-c8 are text; a part leaves the columns it does not use NULL.
CREATE FUNCTION board_policy_page(pid bigint, page integer)
RETURNS TABLE (part integer, seq bigint, c0 text, c1 text, c2 text, c3 text,
               c4 text, c5 text, c6 text, c7 text, c8 text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH pol AS (
        SELECT p.id, p.title, p.doc_no, d.name AS dept, p.published_on, p.body,
               p.interpretation
        FROM board_policies p JOIN departments d ON d.id = p.dept_id
        WHERE p.id = pid
    ), rel AS (
        SELECT p.id, p.title, p.doc_no,
               row_number() OVER (ORDER BY p.published_on DESC, p.id) AS seq
        FROM pol, board_policy_links l
        JOIN board_policies p ON p.id = CASE WHEN l.policy_id = pid
                                             THEN l.related_id ELSE l.policy_id END
        WHERE l.policy_id = pid OR l.related_id = pid
    ), msg AS (
        SELECT m.id, m.kind, m.rating, m.body_public, m.created_at, m.status,
               m.reply_body, m.reply_dept_id, m.replied_at
        FROM board_messages m
        WHERE m.policy_id = pid AND m.body_public IS NOT NULL
          AND EXISTS (SELECT 1 FROM pol)
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT 21 OFFSET (page - 1) * 20
    )
    SELECT 0 AS part, 0::bigint AS seq, id::text, title, doc_no, dept,
           to_char(published_on, 'YYYY-MM-DD'), body, interpretation,
           NULL::text, NULL::text
    FROM pol
    UNION ALL
    SELECT 1, seq, id::text, title, doc_no, NULL, NULL, NULL, NULL, NULL, NULL
    FROM rel
    UNION ALL
    SELECT 2, row_number() OVER (ORDER BY m.created_at DESC, m.id DESC),
           m.id::text, m.kind, coalesce(m.rating, 0)::text, m.body_public,
           to_char(m.created_at, 'YYYY-MM-DD HH24:MI'), m.status,
           coalesce(m.reply_body, ''), coalesce(rd.name, ''),
           coalesce(to_char(m.replied_at, 'YYYY-MM-DD'), '')
    FROM msg m LEFT JOIN departments rd ON rd.id = m.reply_dept_id
    ORDER BY part, seq;
END $$;
