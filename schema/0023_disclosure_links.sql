-- 依申请公开: identities that belong together for the 信息处理费 count
-- (domain/disclosure.md, Fees: "Same applicant" = same identity via the
-- keyed hash; admins can link identities that belong together): a person
-- who filed under a passport and under an ID card, say. A link joins two
-- identity hashes, never clear ID numbers; it remembers the two requests
-- it was made on (shown on both), who made it and why. Unlinking marks the
-- row removed (who, when, why), so the history stays; only links not
-- removed count. Links are transitive: the fee rank counts the whole group
-- reachable through live links (disclosure_fee_rank).

CREATE TABLE disclosure_identity_links (
    id bigserial PRIMARY KEY,
    hash_a bytea NOT NULL CHECK (length(hash_a) = 32),
    hash_b bytea NOT NULL CHECK (length(hash_b) = 32),
    request_a bigint NOT NULL REFERENCES disclosure_requests,
    request_b bigint NOT NULL REFERENCES disclosure_requests,
    reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    created_by bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_by bigint REFERENCES users,
    removed_at timestamptz,
    removed_reason text CHECK (char_length(removed_reason) BETWEEN 1 AND 500),
    CHECK (hash_a < hash_b),  -- one order per pair; never an identity with itself
    CHECK ((removed_at IS NULL) = (removed_by IS NULL)),
    CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
);
-- Two admins linking the same pair at once: one row wins.
CREATE UNIQUE INDEX disclosure_identity_links_live
    ON disclosure_identity_links (hash_a, hash_b) WHERE removed_at IS NULL;
CREATE INDEX disclosure_identity_links_b
    ON disclosure_identity_links (hash_b) WHERE removed_at IS NULL;

-- The identity hashes counted as one applicant with request req's: its own
-- and every one reachable through live links (UNION stops at cycles).
CREATE FUNCTION disclosure_identity_group(req bigint) RETURNS SETOF bytea
    LANGUAGE sql STABLE
    SET search_path = public
AS $$
    WITH RECURSIVE grp(h) AS (
        SELECT identity_hash FROM disclosure_requests WHERE id = req
        UNION
        SELECT CASE WHEN l.hash_a = grp.h THEN l.hash_b ELSE l.hash_a END
        FROM disclosure_identity_links l JOIN grp ON grp.h IN (l.hash_a, l.hash_b)
        WHERE l.removed_at IS NULL
    )
    SELECT h FROM grp
$$;
REVOKE ALL ON FUNCTION disclosure_identity_group(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disclosure_identity_group(bigint) TO gongkai_app;

GRANT SELECT, INSERT ON disclosure_identity_links TO gongkai_app;
GRANT UPDATE (removed_by, removed_at, removed_reason) ON disclosure_identity_links TO gongkai_app;
GRANT USAGE ON SEQUENCE disclosure_identity_links_id_seq TO gongkai_app;

-- Reviews (task 86) get their result when decided: the app may set the
-- result and decision date of a pending one (a conditional update, so two
-- clerks cannot both decide it).
GRANT UPDATE (result, decided_on) ON disclosure_reviews TO gongkai_app;
