-- Published messages (their masked text) containing q, newest first, 20:
-- sql/board.sql board_message_search calls it. Planned for each query's
-- own words (force_custom_plan), because the right plan depends on them: a
-- word in a third of a million messages is found fastest by walking the
-- newest messages until 20 match, a rare one through the bigram index. As
-- a prepared statement of its own PostgreSQL soon settled on one generic
-- plan, which guessed every word rare: at 10,000 messages it fetched all
-- 833 containing 养老 to keep 20 (3.5 ms instead of 0.2). With the query
-- a constant, board_one_gram(q) is worked out while planning, and for a
-- one-bigram query the costly recheck leaves the plan altogether.
CREATE FUNCTION board_message_search(q text, dept text)
RETURNS TABLE (id bigint, policy_id bigint, title text, body text, day text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT m.id, m.policy_id, p.title, m.body_public,
           to_char(m.created_at, 'YYYY-MM-DD')
    FROM board_messages m JOIN board_policies p ON p.id = m.policy_id
    WHERE m.body_public IS NOT NULL
      AND m.grams @> board_bigrams(q)
      AND (board_one_gram(q) OR board_matches(m.body_public, q))
      AND (dept = '' OR p.dept_id = (SELECT d.id FROM departments d
                                     WHERE d.code = dept))
    ORDER BY m.created_at DESC, m.id DESC
    LIMIT 20;
END $$;
