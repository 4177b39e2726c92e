-- The public policy page (sql/board.sql board_policy_page): the same rows
-- as schema/0071, from three plain statements instead of one.
--
-- 0071 made them one query: the policy, its related documents and a page
-- of messages as three branches of a UNION ALL, numbered by row_number()
-- and sorted by (part, seq) at the end. Starting that plan at every call
-- (a Sort, two WindowAggs, an Append, subquery scans and a hash of every
-- department) cost more than running it. Here each part is its own
-- RETURN QUERY, which appends its rows in its own order: part 0, then 1,
-- then 2, so the sort and the numbering go, and a policy that does not
-- exist stops after the first. pgbench, 4 clients, the seeded policy of
-- `make bench`: 10,700-13,000 calls/s before, 13,100-16,500 after.
--
-- Rows, in this order:
--   0  the policy (no row at all when there is no such policy):
--      id, title, doc_no, department, published (YYYY-MM-DD), body, 解读
--   1  its related documents, newest first: id, title, doc_no
--   2  page `page` of its published messages with their replies, newest
--      first: id, kind, rating (0: none), public body, posted, status,
--      reply, reply department, reply date. 21 rows: the 21st only says
--      that there is a next page (no total: see 0071).
-- Columns c0-c8 are text; a part leaves the columns it does not use NULL.
DROP FUNCTION board_policy_page(bigint, integer);
CREATE FUNCTION board_policy_page(pid bigint, page integer)
RETURNS TABLE (part integer, c0 text, c1 text, c2 text, c3 text, c4 text,
               c5 text, c6 text, c7 text, c8 text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT 0, p.id::text, p.title, p.doc_no, d.name,
           to_char(p.published_on, 'YYYY-MM-DD'), p.body, p.interpretation,
           NULL::text, NULL::text
    FROM board_policies p JOIN departments d ON d.id = p.dept_id
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
