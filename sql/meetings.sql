-- 公众代表列席: meetings, applications, review, commitment, draw, feedback.
-- An application's status as the applicant sees it:
--   pending | ineligible | eligible (reviewed, no draw yet) |
--   selected | not_selected (after the draw)

-- name: meeting_list
SELECT m.id, m.topic, d.name, to_char(m.starts_at, 'YYYY-MM-DD HH24:MI'),
       m.place, m.seats, to_char(m.apply_from, 'YYYY-MM-DD HH24:MI'),
       to_char(m.apply_until, 'YYYY-MM-DD HH24:MI'),
       CASE WHEN now() < m.apply_from THEN 'before'
            WHEN now() <= m.apply_until AND m.committed_at IS NULL THEN 'open'
            ELSE 'closed' END,
       EXISTS (SELECT 1 FROM meeting_draws w WHERE w.meeting_id = m.id),
       count(*) OVER ()
FROM meetings m JOIN departments d ON d.id = m.dept_id
ORDER BY m.starts_at DESC, m.id DESC
LIMIT 20 OFFSET ($1::integer - 1) * 20

-- name: meeting_get
SELECT m.id, m.topic, m.dept_id, d.name,
       to_char(m.starts_at, 'YYYY-MM-DD HH24:MI'), m.place, m.seats,
       m.reserved_grassroots, m.reserved_stakeholder,
       to_char(m.apply_from, 'YYYY-MM-DD HH24:MI'),
       to_char(m.apply_until, 'YYYY-MM-DD HH24:MI'),
       m.eligibility, m.description, m.decision,
       coalesce(to_char(m.decision_at, 'YYYY-MM-DD'), ''),
       CASE WHEN now() < m.apply_from THEN 'before'
            WHEN now() <= m.apply_until THEN 'open'
            ELSE 'closed' END,
       m.committed_at IS NOT NULL,
       EXISTS (SELECT 1 FROM meeting_draws w WHERE w.meeting_id = m.id),
       now() >= m.starts_at,
       (SELECT count(*) FROM meeting_applications a WHERE a.meeting_id = m.id),
       (SELECT count(*) FROM meeting_applications a
         WHERE a.meeting_id = m.id AND a.review = 'pending'),
       to_char(m.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(m.created_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
FROM meetings m JOIN departments d ON d.id = m.dept_id
WHERE m.id = $1::bigint

-- name: meeting_seat_list
SELECT s.seat, s.quota, a.name_masked, a.phone_masked, st.name, a.category,
       a.id
FROM meeting_seats s
JOIN meeting_applications a ON a.id = s.application_id
JOIN departments st ON st.id = a.street_id
WHERE s.meeting_id = $1::bigint
ORDER BY s.seat

-- name: meeting_feedback_list
SELECT a.name_masked, f.opinion, f.adoption, f.explanation,
       to_char(f.created_at, 'YYYY-MM-DD'), f.application_id, s.seat
FROM meeting_feedback f
JOIN meeting_applications a ON a.id = f.application_id
JOIN meeting_seats s ON s.application_id = f.application_id
WHERE f.meeting_id = $1::bigint
ORDER BY s.seat, f.id

-- name: meeting_commitment_get
SELECT body, hash, to_char(committed_at, 'YYYY-MM-DD HH24:MI')
FROM meeting_commitments WHERE meeting_id = $1::bigint

-- name: meeting_draw_get
SELECT seed_inputs, seed, result, to_char(drawn_at, 'YYYY-MM-DD HH24:MI')
FROM meeting_draws WHERE meeting_id = $1::bigint

-- name: meeting_streets
SELECT code, name FROM departments
WHERE kind IN ('street', 'town') ORDER BY sort

-- name: meeting_apply
-- The trigger refuses it outside the window or after the commitment
-- (P0M01 / P0M02); the unique keys refuse a second application of the
-- account or of the phone number (23505).
INSERT INTO meeting_applications
    (meeting_id, user_id, name, name_masked, phone_enc, phone_hash,
     phone_masked, street_id, category, statement)
SELECT $1::bigint, $2::bigint, $3, $4, $5::bytea, $6::bytea, $7, d.id, $9,
       $10
FROM departments d
WHERE d.code = $8 AND d.kind IN ('street', 'town')
RETURNING id

-- name: meeting_application_of
SELECT id FROM meeting_applications
WHERE meeting_id = $1::bigint AND user_id = $2::bigint

-- name: meeting_application_mine
SELECT a.id, a.meeting_id, m.topic, to_char(m.starts_at, 'YYYY-MM-DD HH24:MI'),
       m.place, a.name, a.phone_masked, st.name, a.category, a.statement,
       CASE WHEN a.review = 'pending' THEN 'pending'
            WHEN a.review = 'ineligible' THEN 'ineligible'
            WHEN s.seat IS NOT NULL THEN 'selected'
            WHEN w.meeting_id IS NOT NULL THEN 'not_selected'
            ELSE 'eligible' END,
       a.reason, to_char(a.created_at, 'YYYY-MM-DD HH24:MI'),
       coalesce(s.seat, 0), coalesce(s.quota, '')
FROM meeting_applications a
JOIN meetings m ON m.id = a.meeting_id
JOIN departments st ON st.id = a.street_id
LEFT JOIN meeting_seats s ON s.application_id = a.id
LEFT JOIN meeting_draws w ON w.meeting_id = a.meeting_id
WHERE a.id = $1::bigint AND a.user_id = $2::bigint

-- name: meeting_applications_of_user
SELECT a.id, m.id, m.topic, to_char(m.starts_at, 'YYYY-MM-DD HH24:MI'),
       CASE WHEN a.review = 'pending' THEN 'pending'
            WHEN a.review = 'ineligible' THEN 'ineligible'
            WHEN s.seat IS NOT NULL THEN 'selected'
            WHEN w.meeting_id IS NOT NULL THEN 'not_selected'
            ELSE 'eligible' END,
       (SELECT count(*) FROM meeting_feedback f WHERE f.application_id = a.id)
FROM meeting_applications a
JOIN meetings m ON m.id = a.meeting_id
LEFT JOIN meeting_seats s ON s.application_id = a.id
LEFT JOIN meeting_draws w ON w.meeting_id = a.meeting_id
WHERE a.user_id = $1::bigint
ORDER BY a.id DESC
LIMIT 50

-- name: meeting_feedback_of_application
SELECT f.opinion, f.adoption, f.explanation, to_char(f.created_at, 'YYYY-MM-DD')
FROM meeting_feedback f
WHERE f.application_id = $1::bigint
ORDER BY f.id

-- name: meeting_create
INSERT INTO meetings (topic, dept_id, starts_at, place, seats,
                      reserved_grassroots, reserved_stakeholder, apply_from,
                      apply_until, eligibility, description, created_by)
SELECT $1, d.id, $3::timestamptz, $4, $5::integer, $6::integer, $7::integer,
       $8::timestamptz, $9::timestamptz, $10, $11, $12::bigint
FROM departments d WHERE d.code = $2
RETURNING id

-- name: meeting_admin_list
-- Admins (all = true) see every department's meetings.
SELECT m.id, m.topic, d.name, to_char(m.starts_at, 'YYYY-MM-DD HH24:MI'),
       to_char(m.apply_until, 'YYYY-MM-DD HH24:MI'),
       (SELECT count(*) FROM meeting_applications a WHERE a.meeting_id = m.id),
       (SELECT count(*) FROM meeting_applications a
         WHERE a.meeting_id = m.id AND a.review = 'pending'),
       CASE WHEN EXISTS (SELECT 1 FROM meeting_draws w
                          WHERE w.meeting_id = m.id) THEN 'drawn'
            WHEN m.committed_at IS NOT NULL THEN 'committed'
            WHEN now() < m.apply_from THEN 'before'
            WHEN now() <= m.apply_until THEN 'open'
            ELSE 'closed' END,
       count(*) OVER ()
FROM meetings m JOIN departments d ON d.id = m.dept_id
WHERE $1::boolean OR m.dept_id = $2::integer
ORDER BY m.starts_at DESC, m.id DESC
LIMIT 20 OFFSET ($3::integer - 1) * 20

-- name: meeting_tile
-- The staff home: meetings not yet finished (no decision published) and
-- applications waiting for review, in the department (or all for admins).
SELECT
    (SELECT count(*) FROM meetings m
      WHERE ($1::boolean OR m.dept_id = $2::integer) AND m.decision = ''),
    (SELECT count(*) FROM meeting_applications a
       JOIN meetings m ON m.id = a.meeting_id
      WHERE ($1::boolean OR m.dept_id = $2::integer)
        AND a.review = 'pending')

-- name: meeting_applications_list
SELECT a.id, a.name, a.phone_masked, st.name, a.category, a.statement,
       CASE WHEN a.review = 'pending' THEN 'pending'
            WHEN a.review = 'ineligible' THEN 'ineligible'
            WHEN s.seat IS NOT NULL THEN 'selected'
            WHEN w.meeting_id IS NOT NULL THEN 'not_selected'
            ELSE 'eligible' END,
       a.reason, to_char(a.created_at, 'YYYY-MM-DD HH24:MI')
FROM meeting_applications a
JOIN departments st ON st.id = a.street_id
LEFT JOIN meeting_seats s ON s.application_id = a.id
LEFT JOIN meeting_draws w ON w.meeting_id = a.meeting_id
WHERE a.meeting_id = $1::bigint
ORDER BY a.id

-- name: meeting_application_get
SELECT a.id, a.name, a.phone_enc, a.phone_masked, st.name, a.category,
       a.statement, a.review, a.reason,
       to_char(a.created_at, 'YYYY-MM-DD HH24:MI'),
       coalesce(to_char(a.reviewed_at, 'YYYY-MM-DD HH24:MI'), '')
FROM meeting_applications a
JOIN departments st ON st.id = a.street_id
WHERE a.meeting_id = $1::bigint AND a.id = $2::bigint

-- name: meeting_review
UPDATE meeting_applications
SET review = $3, reason = $4, reviewed_by = $5::bigint, reviewed_at = now()
WHERE meeting_id = $1::bigint AND id = $2::bigint
RETURNING id

-- name: meeting_commit_lock
-- Takes the meeting row (serialising against applications and reviews,
-- whose trigger reads it FOR SHARE) and marks it committed, if the window
-- has closed and nothing waits for review.
UPDATE meetings m SET committed_at = now()
WHERE m.id = $1::bigint AND m.committed_at IS NULL AND now() > m.apply_until
  AND NOT EXISTS (SELECT 1 FROM meeting_applications a
                   WHERE a.meeting_id = m.id AND a.review = 'pending')
RETURNING m.seats, m.reserved_grassroots, m.reserved_stakeholder

-- name: meeting_eligible
-- The commitment's list: eligible applicants in application order.
SELECT id, category, name_masked, phone_masked
FROM meeting_applications
WHERE meeting_id = $1::bigint AND review = 'eligible'
ORDER BY id

-- name: meeting_commitment_add
INSERT INTO meeting_commitments (meeting_id, body, hash, committed_by)
VALUES ($1::bigint, $2, $3, $4::bigint)

-- name: meeting_draw_add
-- Once: a second draw finds the row and inserts nothing (the caller
-- answers 409); a concurrent one waits for the first and does the same.
INSERT INTO meeting_draws (meeting_id, commit_hash, seed_inputs, seed, result,
                           drawn_by)
VALUES ($1::bigint, $2, $3, $4, $5, $6::bigint)
ON CONFLICT (meeting_id) DO NOTHING
RETURNING meeting_id

-- name: meeting_seat_add
INSERT INTO meeting_seats (meeting_id, seat, application_id, quota)
VALUES ($1::bigint, $2::integer, $3::bigint, $4)

-- name: meeting_feedback_add
-- Only for a representative who holds a seat (foreign key, 23503).
INSERT INTO meeting_feedback (meeting_id, application_id, opinion, adoption,
                              explanation, created_by)
VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6::bigint)
RETURNING id

-- name: meeting_decision_set
UPDATE meetings SET decision = $2, decision_at = now()
WHERE id = $1::bigint
RETURNING id

-- name: cli_meeting_demo_find
SELECT id FROM meetings WHERE topic = $1

-- name: cli_meeting_demo_create
INSERT INTO meetings (topic, dept_id, starts_at, place, seats,
                      reserved_grassroots, reserved_stakeholder, apply_from,
                      apply_until, eligibility, description, decision,
                      decision_at)
SELECT $1, d.id, now() + $2::interval, $3, $4::integer, $5::integer,
       $6::integer, now() + $7::interval, now() + $8::interval, $9, $10, $11,
       CASE WHEN $11 = '' THEN NULL ELSE now() END
FROM departments d WHERE d.code = $12
RETURNING id
