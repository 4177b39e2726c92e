-- Dashboards (GET /admin/dashboard) and the staff home's 今日待办 tiles:
-- read-only figures over the board, disclosure and open-month tables.
-- Every statement takes the scope as ($all boolean, $dept integer): an
-- admin looking at the whole district passes all = true. Definitions
-- (docs/dashboard.md):
--   reply time   working days from the day a message came in to the day it
--                was answered (board_workdays of schema/0010: a < d <= b,
--                NULL where the calendar does not reach)
--   on time      answered (closed) on or before its due date; the rate is
--                over the answered (closed) ones that have a due date
--   sign-ups     every sign-up not cancelled (confirmed, waiting, no-show)
--   check-in     checked in / seats held (confirmed + no-show), for
--                activities that have begun

-- name: dash_board_stats
-- Messages that came in during year $1 and their replies, in one pass:
-- kind 1 = one row per month (1-12), kind 2 = one row per department now
-- responsible, kind 3 = the whole year. Columns after kind, month and
-- department: messages, answered, average working days, answered on
-- time, on-time rate (text, "" when nothing to count).
SELECT GROUPING(m.m, d.id), m.m, d.name,
       count(b.id),
       count(b.replied_at),
       coalesce(round(avg(board_workdays(b.created_at::date,
                                         b.replied_at::date)), 1)::text, ''),
       count(*) FILTER (WHERE b.replied_at::date <= b.due_on),
       coalesce(round(100.0 * count(*) FILTER (WHERE b.replied_at::date <= b.due_on)
             / nullif(count(*) FILTER (WHERE b.replied_at IS NOT NULL
                                         AND b.due_on IS NOT NULL), 0), 1)::text, '')
FROM generate_series(1, 12) AS m(m)
LEFT JOIN board_messages b
       ON b.created_at >= make_date($1::integer, m.m, 1)
      AND b.created_at < make_date($1::integer, m.m, 1) + interval '1 month'
      AND ($2::boolean OR b.dept_id = $3::integer)
LEFT JOIN departments d ON d.id = b.dept_id
GROUP BY GROUPING SETS ((m.m), (d.id, d.name, d.sort), ())
-- the months without messages form a "department" of their own: not one
HAVING NOT (GROUPING(m.m, d.id) = 2 AND d.id IS NULL)
ORDER BY 1, m.m, d.sort

-- name: dash_disclosure_months
-- Requests received each month of year $1; requests closed each month,
-- those with a due date, and those closed on time.
WITH r AS (
    SELECT received_on, closed_on, due_on
    FROM disclosure_requests
    WHERE state <> 'new'
      AND ($2::boolean OR dept_id = $3::integer)
      AND (received_on >= make_date($1::integer, 1, 1)
           OR closed_on >= make_date($1::integer, 1, 1))
      AND received_on < make_date($1::integer + 1, 1, 1)
)
SELECT m.m,
       count(*) FILTER (WHERE extract(year FROM r.received_on) = $1::integer
                          AND extract(month FROM r.received_on) = m.m),
       count(*) FILTER (WHERE extract(year FROM r.closed_on) = $1::integer
                          AND extract(month FROM r.closed_on) = m.m),
       count(*) FILTER (WHERE extract(year FROM r.closed_on) = $1::integer
                          AND extract(month FROM r.closed_on) = m.m
                          AND r.due_on IS NOT NULL),
       count(*) FILTER (WHERE extract(year FROM r.closed_on) = $1::integer
                          AND extract(month FROM r.closed_on) = m.m
                          AND r.closed_on <= r.due_on)
FROM generate_series(1, 12) AS m(m) LEFT JOIN r ON true
GROUP BY m.m
ORDER BY m.m

-- name: dash_disclosure_outcomes
-- How the requests closed in year $1 were answered (the reply types of
-- the annual report, r1 ... r6_3).
SELECT outcome, count(*)
FROM disclosure_requests
WHERE state = 'closed'
  AND closed_on >= make_date($1::integer, 1, 1)
  AND closed_on < make_date($1::integer + 1, 1, 1)
  AND ($2::boolean OR dept_id = $3::integer)
GROUP BY outcome
ORDER BY count(*) DESC, outcome

-- name: dash_om_activities
-- Open-month activities beginning in year $1 with their sign-ups.
SELECT a.id, a.title, extract(month FROM a.starts_at)::integer,
       to_char(a.starts_at, 'YYYY-MM-DD'),
       count(s.id) FILTER (WHERE s.status <> 'cancelled'),
       count(s.id) FILTER (WHERE s.status IN ('confirmed', 'no_show')),
       count(s.checked_in_at),
       a.starts_at <= now()
FROM om_activities a LEFT JOIN om_signups s ON s.activity_id = a.id
WHERE a.starts_at >= make_date($1::integer, 1, 1)
  AND a.starts_at < make_date($1::integer + 1, 1, 1)
  AND ($2::boolean OR a.dept_id = $3::integer)
GROUP BY a.id
ORDER BY a.starts_at, a.id

-- name: dash_dept_name
SELECT name FROM departments WHERE id = $1::integer

-- name: dash_due_list
-- The staff home: open disclosure requests by due date, the nearest
-- first; overdue (before today) or due within 3 working days.
SELECT r.no, to_char(r.due_on, 'YYYY-MM-DD'), d.name,
       CASE WHEN r.due_on < current_date THEN 'overdue'
            WHEN board_workdays(current_date, r.due_on) <= 3 THEN 'soon'
            ELSE '' END,
       count(*) OVER ()
FROM disclosure_requests r JOIN departments d ON d.id = r.dept_id
WHERE r.state NOT IN ('new', 'closed') AND r.due_on IS NOT NULL
  AND ($1::boolean OR r.dept_id = $2::integer)
ORDER BY r.due_on, r.id
LIMIT 8

-- name: dash_week_activities
-- The staff home: open-month activities of this week (Monday to Sunday).
SELECT a.id, a.title, to_char(a.starts_at, 'MM-DD HH24:MI'),
       om_confirmed(a.id), a.capacity
FROM om_activities a
WHERE a.starts_at >= date_trunc('week', now())
  AND a.starts_at < date_trunc('week', now()) + interval '7 days'
  AND ($1::boolean OR a.dept_id = $2::integer)
ORDER BY a.starts_at, a.id
