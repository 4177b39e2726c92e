-- Accounts, sessions, login throttling, form nonces, audit trail.

-- name: user_by_id
SELECT u.id, u.role, coalesce(u.dept_id, 0), d.name, u.name,
       u.login_masked, u.session_epoch
FROM users u LEFT JOIN departments d ON d.id = u.dept_id
WHERE u.id = $1::bigint

-- name: user_by_login
SELECT id, role, coalesce(dept_id, 0), pw_hash, session_epoch
FROM users WHERE login_hash = $1::bytea

-- name: user_create_citizen
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
VALUES ('citizen', $1::bytea, $2::bytea, $3, $4, $5)
ON CONFLICT (login_hash) DO NOTHING
RETURNING id, session_epoch

-- name: user_bump_epoch
UPDATE users SET session_epoch = session_epoch + 1
WHERE id = $1::bigint
RETURNING session_epoch

-- name: cli_staff_upsert
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash,
                   dept_id)
SELECT $1, $2::bytea, $3::bytea, $4, $5, $6, d.id
FROM departments d WHERE d.code = $7 OR d.name = $7
ON CONFLICT (login_hash) DO UPDATE
    SET role = EXCLUDED.role, pw_hash = EXCLUDED.pw_hash,
        dept_id = EXCLUDED.dept_id, name = EXCLUDED.name,
        session_epoch = users.session_epoch + 1
RETURNING id

-- name: cli_citizen_upsert
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
VALUES ('citizen', $1::bytea, $2::bytea, $3, $4, $5)
ON CONFLICT (login_hash) DO NOTHING
RETURNING id

-- name: cli_dept_list
SELECT code, name FROM departments ORDER BY sort

-- name: dept_list
SELECT id, code, name, kind FROM departments ORDER BY sort

-- name: login_throttle
-- Failures in the last 15 minutes for this account and for this address,
-- and the seconds until the oldest of each window expires.
SELECT
    count(*) FILTER (WHERE login_hash = $1::bytea),
    count(*) FILTER (WHERE addr = $2::inet),
    coalesce(ceil(extract(epoch FROM
        min(at) FILTER (WHERE login_hash = $1::bytea)
        + interval '15 minutes' - now())), 0)::integer,
    coalesce(ceil(extract(epoch FROM
        min(at) FILTER (WHERE addr = $2::inet)
        + interval '15 minutes' - now())), 0)::integer
FROM login_failures
WHERE at > now() - interval '15 minutes'
  AND (login_hash = $1::bytea OR addr = $2::inet)

-- name: login_failure_add
INSERT INTO login_failures (login_hash, addr) VALUES ($1::bytea, $2::inet)

-- name: login_failure_clear
DELETE FROM login_failures WHERE login_hash = $1::bytea

-- name: form_claim
INSERT INTO form_submissions (form_id) VALUES ($1)
ON CONFLICT (form_id) DO NOTHING
RETURNING form_id

-- name: form_location
SELECT location FROM form_submissions WHERE form_id = $1

-- name: form_done
UPDATE form_submissions SET location = $2 WHERE form_id = $1

-- name: audit_add
INSERT INTO audit_log (actor_id, actor_dept, action, object, detail, addr)
VALUES ($1::bigint, nullif($2::integer, 0), $3, $4, $5, $6::inet)

-- name: audit_list
-- Admins (all = true) see everything; staff see their department's actions.
SELECT a.id, to_char(a.at, 'YYYY-MM-DD HH24:MI:SS'), coalesce(u.name, ''),
       coalesce(d.name, ''), a.action, a.object, a.detail,
       coalesce(host(a.addr), ''), count(*) OVER ()
FROM audit_log a
LEFT JOIN users u ON u.id = a.actor_id
LEFT JOIN departments d ON d.id = a.actor_dept
WHERE $1::boolean OR a.actor_dept = $2::integer
ORDER BY a.at DESC, a.id DESC
LIMIT 20 OFFSET ($3::integer - 1) * 20

-- name: cli_staff_insert
-- Demo accounts: created once, never reset (a restart keeps sessions).
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash,
                   dept_id)
SELECT $1, $2::bytea, $3::bytea, $4, $5, $6, d.id
FROM departments d WHERE d.code = $7 OR d.name = $7
ON CONFLICT (login_hash) DO NOTHING
RETURNING id

-- name: cli_user_exists
SELECT 1 FROM users WHERE login_hash = $1::bytea

-- name: calendar_end_soon
-- The working-day calendar's last day and the days left to it, when fewer than
-- 60 remain: deadlines past it cannot be computed until an admin loads the next
-- year (no row otherwise).
SELECT to_char(max(day), 'YYYY-MM-DD'), max(day) - current_date
  FROM workday_calendar
HAVING max(day) - current_date < 60
