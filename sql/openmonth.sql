-- 政府开放月: activities, sign-ups and the waiting list, tickets, check-in,
-- no-shows, votes. Times are shown in Asia/Shanghai (the connection's zone).
-- Every statement that decides a seat runs after om_lock in the same
-- transaction, or takes its seat through om_take_seat (om_signup_once;
-- schema/0070_openmonth_seats.sql says why the waiting list stays exact).

-- name: om_years
SELECT DISTINCT extract(year FROM starts_at)::integer AS y
FROM om_activities ORDER BY y DESC

-- name: om_list_year
SELECT a.id, a.title, d.name,
       to_char(a.starts_at, 'YYYY-MM-DD HH24:MI'),
       to_char(a.ends_at, 'HH24:MI'),
       a.place, a.online_url, a.capacity, a.capacity - om_confirmed(a.id),
       a.signup_until > now() AND a.called_off_at IS NULL,
       to_char(a.signup_until, 'YYYY-MM-DD HH24:MI'),
       (SELECT count(*) FROM om_signups s
        WHERE s.activity_id = a.id AND s.status = 'waitlisted'),
       a.called_off_at IS NOT NULL
FROM om_activities a JOIN departments d ON d.id = a.dept_id
WHERE extract(year FROM a.starts_at) = $1::integer
ORDER BY a.starts_at, a.id

-- name: om_get
SELECT a.id, a.title, a.dept_id, d.name,
       to_char(a.starts_at, 'YYYY-MM-DD HH24:MI'),
       to_char(a.ends_at, 'YYYY-MM-DD HH24:MI'),
       a.place, a.online_url, a.capacity, a.capacity - om_confirmed(a.id),
       to_char(a.signup_until, 'YYYY-MM-DD HH24:MI'),
       a.signup_until > now() AND a.called_off_at IS NULL,
       a.description, a.accessibility,
       to_char(a.vote_from, 'YYYY-MM-DD HH24:MI'),
       to_char(a.vote_until, 'YYYY-MM-DD HH24:MI'),
       now() >= a.vote_from AND now() < a.vote_until
           AND a.called_off_at IS NULL,
       (SELECT count(*) FROM om_votes v WHERE v.activity_id = a.id),
       (SELECT count(*) FROM om_signups s
        WHERE s.activity_id = a.id AND s.status = 'waitlisted'),
       to_char(a.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(a.ends_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(coalesce(a.changed_at, a.created_at) AT TIME ZONE 'UTC',
               'YYYYMMDD"T"HH24MISS"Z"'),
       a.ends_at < now(),
       extract(year FROM a.starts_at)::integer,
       to_char(a.no_shows_marked_at, 'YYYY-MM-DD HH24:MI'),
       to_char(a.changed_at, 'YYYY-MM-DD HH24:MI'), a.revision,
       a.starts_at > now(),
       to_char(a.called_off_at, 'YYYY-MM-DD HH24:MI'), a.called_off_reason
FROM om_activities a JOIN departments d ON d.id = a.dept_id
WHERE a.id = $1::bigint

-- name: om_create
-- Times arrive as "YYYY-MM-DD HH:MM" in Asia/Shanghai. Without a voting
-- window the vote opens when the activity starts and closes 30 days after
-- it ends.
INSERT INTO om_activities (title, dept_id, starts_at, ends_at, place,
                           online_url, capacity, signup_until, description,
                           accessibility, vote_from, vote_until, created_by)
VALUES ($1, $2::integer,
        $3::timestamp AT TIME ZONE 'Asia/Shanghai',
        $4::timestamp AT TIME ZONE 'Asia/Shanghai',
        $5, $6, $7::integer,
        $8::timestamp AT TIME ZONE 'Asia/Shanghai',
        $9, $10,
        coalesce($11::timestamp AT TIME ZONE 'Asia/Shanghai',
                 $3::timestamp AT TIME ZONE 'Asia/Shanghai'),
        coalesce($12::timestamp AT TIME ZONE 'Asia/Shanghai',
                 ($4::timestamp AT TIME ZONE 'Asia/Shanghai')
                 + interval '30 days'),
        $13::bigint)
RETURNING id

-- name: om_update
-- After om_lock: staff edit published activity $2 (the other parameters
-- and the times as in om_create;
-- without a voting window the vote follows the activity's new times). No
-- row when nothing changed, so an unchanged form neither stamps changed_at
-- nor counts up the iCalendar SEQUENCE. A larger capacity grows the seat
-- blocks (schema/0081_openmonth_edit.sql); the caller fills the new seats
-- from the waiting list (om_fill).
WITH v AS (
    SELECT $1::text AS title,
           $3::timestamp AT TIME ZONE 'Asia/Shanghai' AS starts_at,
           $4::timestamp AT TIME ZONE 'Asia/Shanghai' AS ends_at,
           $5::text AS place, $6::text AS online_url, $7::integer AS capacity,
           $8::timestamp AT TIME ZONE 'Asia/Shanghai' AS signup_until,
           $9::text AS description, $10::text AS accessibility,
           coalesce($11::timestamp AT TIME ZONE 'Asia/Shanghai',
                    $3::timestamp AT TIME ZONE 'Asia/Shanghai') AS vote_from,
           coalesce($12::timestamp AT TIME ZONE 'Asia/Shanghai',
                    ($4::timestamp AT TIME ZONE 'Asia/Shanghai')
                    + interval '30 days') AS vote_until
)
UPDATE om_activities a
SET title = v.title, starts_at = v.starts_at, ends_at = v.ends_at,
    place = v.place, online_url = v.online_url, capacity = v.capacity,
    signup_until = v.signup_until, description = v.description,
    accessibility = v.accessibility, vote_from = v.vote_from,
    vote_until = v.vote_until, changed_at = now(),
    revision = a.revision + 1
FROM v
WHERE a.id = $2::bigint AND a.called_off_at IS NULL
  AND (a.title, a.starts_at, a.ends_at, a.place, a.online_url, a.capacity,
       a.signup_until, a.description, a.accessibility, a.vote_from,
       a.vote_until)
      IS DISTINCT FROM
      (v.title, v.starts_at, v.ends_at, v.place, v.online_url, v.capacity,
       v.signup_until, v.description, v.accessibility, v.vote_from,
       v.vote_until)
RETURNING a.id

-- name: om_call_off
-- After om_lock: staff member $3 calls off activity $1 with reason $2,
-- until it ends. No row: called off already, or ended.
UPDATE om_activities
SET called_off_at = now(), called_off_reason = $2, called_off_by = $3::bigint,
    revision = revision + 1
WHERE id = $1::bigint AND called_off_at IS NULL AND ends_at > now()
RETURNING id

-- name: om_lock
-- The activity's row lock: cancellations, promotions, check-ins, no-show
-- marking and the sign-ups that may join the waiting list (om_take_seat's
-- slow path) of one activity happen one after another. NO KEY: sign-ups
-- that take a free seat (their foreign key's KEY SHARE) pass beside it.
SELECT capacity, om_confirmed(id), signup_until > now(), starts_at > now(),
       dept_id, extract(year FROM starts_at)::integer, ends_at < now(),
       to_char(signup_until, 'YYYY-MM-DD HH24:MI')
FROM om_activities WHERE id = $1::bigint
FOR NO KEY UPDATE

-- name: om_signup_once
-- A sign-up as one statement: a citizen's ($3, committed on its own: no
-- BEGIN, form nonce or COMMIT round trips, so a sign-up costs the
-- session's user and this; docs/openmonth.md "Throughput") or a 代办 by
-- staff member $4 (in the caller's transaction, with its audit row).
-- The seat comes from om_take_seat (schema/0070_openmonth_seats.sql): a
-- block with a free seat, locked until COMMIT, or NULL for the waiting
-- list, decided under the activity's row lock. The person waits behind
-- others when they have $9 or more no-shows in activities of the same
-- year ($9 = 0: never). The form nonce $10 ('' without one) is recorded
-- with the ticket's address $11 only when the sign-up is made, and a form
-- whose nonce is already recorded makes none: a second press (even after
-- cancelling) answers with the first answer (form_location). No row:
-- sign-up closed (or no such activity), or the form already answered.
-- A unique violation (23505, the statement undone): a live sign-up of the
-- account or the phone, the ticket number taken, or the same form pressed
-- twice at once (the second waits at the unique index for the first, then
-- fails). The caller looks which. A plain INSERT, not ON CONFLICT DO
-- NOTHING: that would probe all four unique indexes before inserting
-- into them (a fifteenth of PostgreSQL's time per sign-up, perf), to
-- spare an error only a second press or a taken ticket number meets.
-- For a citizen $12 is the epoch of their session
-- token (NULL for a 代办): nothing is made unless their account still has
-- it (router.h RF_EPOCH), so the sign-up needs no lookup of its own.
WITH s AS (
    INSERT INTO om_signups (activity_id, code, user_id, registered_by, name,
                            phone_enc, phone_hash, phone_masked, status,
                            deprioritised, block)
    SELECT a.id, $2, $3::bigint, $4::bigint, $5, $6::bytea, $7::bytea, $8,
           CASE WHEN seat.block IS NULL THEN 'waitlisted' ELSE 'confirmed' END,
           $9::integer > 0 AND
           (SELECT count(*) FROM om_signups n
            WHERE n.phone_hash = $7::bytea AND n.status = 'no_show'
              AND (SELECT extract(year FROM na.starts_at)
                   FROM om_activities na WHERE na.id = n.activity_id)
                  = extract(year FROM a.starts_at)) >= $9::integer,
           seat.block
    FROM om_activities a, LATERAL (SELECT om_take_seat(a.id) AS block) seat
    WHERE a.id = $1::bigint AND a.signup_until > now()
      AND a.called_off_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM form_submissions WHERE form_id = $10)
      AND ($12::integer IS NULL OR EXISTS (
          SELECT 1 FROM users u
          WHERE u.id = $3::bigint AND u.session_epoch = $12::integer))
    RETURNING id, code, status
), f AS (
    INSERT INTO form_submissions (form_id, location)
    SELECT $10, $11 FROM s WHERE $10 <> ''
)
SELECT id, code, status FROM s

-- name: om_signup_open
SELECT 1 FROM om_activities
WHERE id = $1::bigint AND signup_until > now() AND called_off_at IS NULL

-- name: om_signup_live
-- The live sign-up of this account or this phone, if any.
SELECT code FROM om_signups
WHERE activity_id = $1::bigint AND status IN ('confirmed', 'waitlisted')
  AND ((user_id = $2::bigint) OR phone_hash = $3::bytea)
LIMIT 1

-- name: om_ticket
-- One sign-up with its activity; the position counts the people waiting
-- before it (those with too many no-shows wait behind the others). The
-- last column: when the activity was edited, if after this sign-up.
SELECT s.id, s.activity_id, a.title, to_char(a.starts_at, 'YYYY-MM-DD HH24:MI'),
       to_char(a.ends_at, 'YYYY-MM-DD HH24:MI'), a.place, a.online_url,
       s.status,
       CASE WHEN s.status = 'waitlisted' THEN
           (SELECT count(*) FROM om_signups w
            WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted'
              AND (w.deprioritised, w.id) <= (s.deprioritised, s.id))
       END,
       coalesce(s.user_id, 0), coalesce(s.registered_by, 0), s.name,
       s.phone_masked, to_char(s.created_at, 'YYYY-MM-DD HH24:MI'),
       to_char(s.promoted_at, 'YYYY-MM-DD HH24:MI'),
       to_char(s.cancelled_at, 'YYYY-MM-DD HH24:MI'),
       to_char(s.checked_in_at, 'YYYY-MM-DD HH24:MI'),
       a.dept_id, s.deprioritised, a.starts_at > now(), s.code, d.name,
       a.accessibility,
       CASE WHEN a.changed_at > s.created_at
            THEN to_char(a.changed_at, 'YYYY-MM-DD HH24:MI') END,
       to_char(a.called_off_at, 'YYYY-MM-DD HH24:MI'), a.called_off_reason
FROM om_signups s JOIN om_activities a ON a.id = s.activity_id
JOIN departments d ON d.id = a.dept_id
WHERE s.code = $1

-- name: om_cancel
-- After om_lock. Returns the status the sign-up had. Nothing once the
-- activity is called off: its sign-ups stay the record of who had a seat.
UPDATE om_signups s SET status = 'cancelled', cancelled_at = now()
FROM (SELECT id, status FROM om_signups WHERE id = $1::bigint FOR UPDATE) old
WHERE s.id = old.id AND old.status IN ('confirmed', 'waitlisted')
  AND NOT EXISTS (SELECT 1 FROM om_activities a
                  WHERE a.id = s.activity_id AND a.called_off_at IS NOT NULL)
RETURNING old.status

-- name: om_fill
-- After om_lock: confirms the first people waiting, as many as seats are
-- free, until the activity starts; the k-th person waiting gets the k-th
-- free seat counted over the blocks.
WITH seat AS (
    SELECT b.block, row_number() OVER (ORDER BY b.block, g) AS k
    FROM om_seat_blocks b, generate_series(1, b.capacity - b.confirmed) g
    WHERE b.activity_id = $1::bigint
), waiting AS (
    SELECT s.id, row_number() OVER (ORDER BY s.deprioritised, s.id) AS k
    FROM om_signups s JOIN om_activities a ON a.id = s.activity_id
    WHERE s.activity_id = $1::bigint AND s.status = 'waitlisted'
      AND a.starts_at > now()
    ORDER BY s.deprioritised, s.id
    LIMIT (SELECT count(*) FROM seat)
)
UPDATE om_signups s SET status = 'confirmed', promoted_at = now(),
                        block = seat.block
FROM waiting JOIN seat USING (k)
WHERE s.id = waiting.id
RETURNING s.id, s.code

-- name: om_me_tickets
SELECT s.code, a.id, a.title, to_char(a.starts_at, 'YYYY-MM-DD HH24:MI'),
       s.status,
       CASE WHEN s.status = 'waitlisted' THEN
           (SELECT count(*) FROM om_signups w
            WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted'
              AND (w.deprioritised, w.id) <= (s.deprioritised, s.id))
       END,
       s.promoted_at IS NOT NULL, to_char(s.checked_in_at, 'YYYY-MM-DD HH24:MI'),
       a.called_off_at IS NOT NULL
FROM om_signups s JOIN om_activities a ON a.id = s.activity_id
WHERE s.user_id = $1::bigint
ORDER BY a.starts_at DESC, s.id DESC
LIMIT 50

-- name: om_checkin
-- After om_lock: marks a confirmed ticket once.
UPDATE om_signups SET checked_in_at = now(), checked_in_by = $3::bigint
WHERE id = $1::bigint AND activity_id = $2::bigint
  AND status = 'confirmed' AND checked_in_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM om_activities a
                  WHERE a.id = $2::bigint AND a.called_off_at IS NOT NULL)
RETURNING to_char(checked_in_at, 'YYYY-MM-DD HH24:MI'), name, phone_masked

-- name: om_signup_state
SELECT activity_id, status, to_char(checked_in_at, 'YYYY-MM-DD HH24:MI'),
       name, code, id
FROM om_signups WHERE id = $1::bigint

-- name: om_signup_id_by_code
SELECT id FROM om_signups WHERE code = $1

-- name: om_admin_list
-- Staff see their department's activities (admins: all): the coming ones
-- first, soonest first, then the past ones, latest first.
SELECT a.id, a.title, d.name, to_char(a.starts_at, 'YYYY-MM-DD HH24:MI'),
       a.capacity, om_confirmed(a.id),
       (SELECT count(*) FROM om_signups s
        WHERE s.activity_id = a.id AND s.status = 'waitlisted'),
       (SELECT count(*) FROM om_signups s
        WHERE s.activity_id = a.id AND s.checked_in_at IS NOT NULL),
       count(*) OVER ()
FROM om_activities a JOIN departments d ON d.id = a.dept_id
WHERE $1::boolean OR a.dept_id = $2::integer
ORDER BY a.ends_at < now(),
         CASE WHEN a.ends_at >= now() THEN a.starts_at END,
         a.starts_at DESC, a.id DESC
LIMIT 20 OFFSET ($3::integer - 1) * 20

-- name: om_admin_signups
-- Masked list for the activity's staff page: confirmed first, then the
-- waiting list in order, then the rest.
SELECT s.code, s.name, s.phone_masked, s.status,
       CASE WHEN s.status = 'waitlisted' THEN
           row_number() OVER (PARTITION BY s.status
                              ORDER BY s.deprioritised, s.id)
       END,
       to_char(s.checked_in_at, 'YYYY-MM-DD HH24:MI'),
       s.registered_by IS NOT NULL, count(*) OVER ()
FROM om_signups s WHERE s.activity_id = $1::bigint
ORDER BY CASE s.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1
         WHEN 'no_show' THEN 2 ELSE 3 END, s.deprioritised, s.id
LIMIT 20 OFFSET ($2::integer - 1) * 20

-- name: om_csv
-- The door list: every sign-up with the sealed phone (opened in C).
SELECT s.code, s.name, s.phone_enc, s.status,
       CASE WHEN s.status = 'waitlisted' THEN
           row_number() OVER (PARTITION BY s.status
                              ORDER BY s.deprioritised, s.id)
       END,
       to_char(s.checked_in_at, 'YYYY-MM-DD HH24:MI')
FROM om_signups s WHERE s.activity_id = $1::bigint
ORDER BY CASE s.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1
         WHEN 'no_show' THEN 2 ELSE 3 END, s.deprioritised, s.id

-- name: om_mark_noshows
-- After om_lock, once the activity has ended: confirmed tickets that were
-- never checked in become no-shows.
UPDATE om_signups s SET status = 'no_show'
FROM om_activities a
WHERE a.id = s.activity_id AND s.activity_id = $1::bigint
  AND s.status = 'confirmed' AND s.checked_in_at IS NULL AND a.ends_at < now()
  AND a.called_off_at IS NULL
RETURNING s.id

-- name: om_noshows_done
UPDATE om_activities SET no_shows_marked_at = now() WHERE id = $1::bigint

-- name: om_vote
-- One vote per citizen per activity, only inside the voting window.
INSERT INTO om_votes (activity_id, user_id)
SELECT id, $2::bigint FROM om_activities
WHERE id = $1::bigint AND now() >= vote_from AND now() < vote_until
  AND called_off_at IS NULL
ON CONFLICT DO NOTHING
RETURNING activity_id

-- name: om_voted
SELECT 1 FROM om_votes WHERE activity_id = $1::bigint AND user_id = $2::bigint

-- name: om_ranking
SELECT rank() OVER (ORDER BY count(v.user_id) DESC), a.id, a.title, d.name,
       to_char(a.starts_at, 'YYYY-MM-DD'), count(v.user_id)
FROM om_activities a JOIN departments d ON d.id = a.dept_id
LEFT JOIN om_votes v ON v.activity_id = a.id
WHERE extract(year FROM a.starts_at) = $1::integer
GROUP BY a.id, d.name
ORDER BY count(v.user_id) DESC, a.starts_at, a.id

-- name: om_tile
-- For the staff home: activities not yet ended, their confirmed seats and
-- the people waiting.
SELECT count(*),
       coalesce(sum(om_confirmed(a.id)), 0),
       coalesce(sum((SELECT count(*) FROM om_signups s
                     WHERE s.activity_id = a.id
                       AND s.status = 'waitlisted')), 0)
FROM om_activities a
WHERE a.ends_at > now() AND ($1::boolean OR a.dept_id = $2::integer)

-- name: cli_om_demo_exists
SELECT id FROM om_activities WHERE title = $1

-- name: cli_om_demo_activity
INSERT INTO om_activities (title, dept_id, starts_at, ends_at, place,
                           online_url, capacity, signup_until, description,
                           accessibility, vote_from, vote_until)
SELECT $1, d.id, $3::timestamp AT TIME ZONE 'Asia/Shanghai',
       $4::timestamp AT TIME ZONE 'Asia/Shanghai', $5, $6, $7::integer,
       $8::timestamp AT TIME ZONE 'Asia/Shanghai', $9, $10,
       $3::timestamp AT TIME ZONE 'Asia/Shanghai',
       $11::timestamp AT TIME ZONE 'Asia/Shanghai'
FROM departments d WHERE d.code = $2
RETURNING id

-- name: cli_om_demo_signup
INSERT INTO om_signups (activity_id, code, user_id, name, phone_enc,
                        phone_hash, phone_masked, status, created_at)
SELECT $1::bigint, $2, u.id, u.name, $3::bytea, $4::bytea, $5, $6,
       timestamp '2024-07-20 10:00' AT TIME ZONE 'Asia/Shanghai'
FROM users u WHERE u.login_hash = $7::bytea
ON CONFLICT DO NOTHING

-- name: cli_om_demo_vote
INSERT INTO om_votes (activity_id, user_id)
SELECT $1::bigint, u.id FROM users u WHERE u.login_hash = $2::bytea
ON CONFLICT DO NOTHING

-- name: cli_om_demo_upcoming
-- A demo activity 30 days after today (sign-up open until the day before).
INSERT INTO om_activities (title, dept_id, starts_at, ends_at, place,
                           capacity, signup_until, description,
                           accessibility, vote_from, vote_until)
SELECT $1, d.id, date_trunc('day', now()) + interval '30 days 9 hours',
       date_trunc('day', now()) + interval '30 days 11 hours',
       '长宁区应急指挥中心（报名成功后短信告知集合地点）', 3,
       date_trunc('day', now()) + interval '29 days 17 hours',
       '参观区应急指挥中心，了解防汛防台和突发事件的处置流程。'
       || '名额很少，满了可以候补。',
       '有电梯，可陪同一人。',
       date_trunc('day', now()) + interval '30 days 9 hours',
       date_trunc('day', now()) + interval '60 days'
FROM departments d WHERE d.code = 'yjj'

-- ---- synthetic data for benchmarks (gongkai seed --citizens N) ----

-- name: cli_om_seed_citizens
-- Citizen accounts seed-citizen-1..N for the sign-up bench. Nobody can log
-- in to them (the password hash verifies nothing); the bench signs their
-- sessions with the instance's key, as the tests do. Rerunning adds only
-- the missing ones.
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
SELECT 'citizen', sha256(convert_to('gongkai-seed-citizen-' || g, 'UTF8')),
       '\x00', 'seed-citizen-' || g, '压测市民' || g,
       '$argon2id$seed-account-no-login'
FROM generate_series(1, $1::integer) g
ON CONFLICT (login_hash) DO NOTHING

-- ---- the personal calendar feed ----

-- name: om_feed_user
-- The account a feed address names; its session epoch is in the address's
-- MAC, so "log out everywhere" or a new password also retires old feeds.
SELECT session_epoch FROM users WHERE id = $1::bigint AND role = 'citizen'

-- name: om_feed
-- The person's confirmed activities, from a year back, in the columns
-- om_ics_event uses.
SELECT a.id, a.title, a.place, a.online_url, a.description, a.accessibility,
       d.name,
       to_char(a.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(a.ends_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
       to_char(coalesce(a.changed_at, a.created_at) AT TIME ZONE 'UTC',
               'YYYYMMDD"T"HH24MISS"Z"'),
       a.revision, to_char(a.called_off_at, 'YYYY-MM-DD HH24:MI'),
       a.called_off_reason
FROM om_signups s JOIN om_activities a ON a.id = s.activity_id
JOIN departments d ON d.id = a.dept_id
WHERE s.user_id = $1::bigint AND s.status = 'confirmed'
  AND a.ends_at > now() - interval '1 year'
ORDER BY a.starts_at, a.id
LIMIT 200
