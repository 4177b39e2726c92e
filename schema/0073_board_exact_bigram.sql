-- Search: a query that is one bigram needs no recheck (docs/board.md
-- "Search").
--
-- A row's bigram set holds every pair of neighbouring characters of its
-- normalised text (board_norm: lower case, punctuation and spaces made
-- one space). When the normalised query is itself exactly two characters
-- without a space, such as 养老, "the set contains the query's bigram" is
-- the same statement as "the normalised text contains the query", which
-- board_matches would recheck by lower-casing every candidate document:
-- for 养老, over a hundred whole policies per search, most of the search's
-- time. Longer queries still need the recheck (their bigrams may come from
-- different places in the text).
CREATE FUNCTION board_one_gram(q text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT char_length(public.board_norm(coalesce(q, ''))) = 2
       AND position(' ' IN public.board_norm(coalesce(q, ''))) = 0
$$;
