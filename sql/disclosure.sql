-- 依申请公开: information-disclosure requests (schema/0020_disclosure.sql).
-- State and due dates are derived by the events trigger; these statements
-- never write them.

-- name: disclosure_create
-- The tracking number comes from a per-year counter row: the upsert locks
-- it, so concurrent submissions get consecutive numbers and never the same.
WITH n AS (
    INSERT INTO disclosure_counters AS c (year, last)
    VALUES (extract(year FROM current_date)::integer, 1)
    ON CONFLICT (year) DO UPDATE SET last = c.last + 1
    RETURNING year, last
)
INSERT INTO disclosure_requests
    (no, dept_id, applicant_type, name, id_type, id_enc, id_masked, org_code,
     identity_hash, phone_enc, phone_masked, email_enc, email_masked,
     address_enc, description, form, delivery, channel, received_on,
     code_hash, user_id, created_by)
SELECT n.year || '-' || lpad(n.last::text, 6, '0'),
       coalesce(nullif($1::integer, 0),
                (SELECT id FROM departments WHERE code = 'qfb')),
       $2, $3, $4, $5::bytea, $6, nullif($7, ''), $8::bytea, $9::bytea, $10,
       $11::bytea, $12, $13::bytea, $14, $15, $16, $17,
       coalesce($18::date, current_date), $19::bytea, $20::bigint, $21::bigint
FROM n
RETURNING id, no

-- name: disclosure_event_add
INSERT INTO disclosure_events
    (request_id, action, on_date, actor_id, text, outcome, days, amount,
     fee_basis, fee_pages, fee_computed, approved_by, deadline)
VALUES ($1::bigint, $2, coalesce($3::date, current_date), $4::bigint,
        coalesce($5, ''), $6, $7::integer, $8::integer, $9, $10::integer,
        $11::integer, $12, $13::date)
RETURNING id, to_state, due_after

-- name: disclosure_file_add
INSERT INTO disclosure_files (request_id, event_id, filename, ctype, size, data)
VALUES ($1::bigint, $2::bigint, $3, $4, $5::integer, $6::bytea)

-- name: disclosure_by_no
SELECT r.id, r.no, r.dept_id, d.name, r.applicant_type, r.name, r.id_type,
       r.id_enc, r.id_masked, coalesce(r.org_code, ''), r.phone_enc,
       r.phone_masked, r.email_enc, r.email_masked, r.address_enc,
       r.description, r.form, r.delivery, r.channel, r.received_on,
       r.state, r.due_on, r.clock_start, r.ext_days, r.paused_days,
       r.pause_since, r.later_due, r.correction_until, r.corrections,
       r.extended, r.fee_notice_on, r.fee_charged, coalesce(r.outcome, ''),
       r.closed_on, current_date,
       (r.state <> 'closed' AND r.due_on < current_date),
       to_char(r.created_at, 'YYYY-MM-DD HH24:MI'), coalesce(r.user_id, 0)
FROM disclosure_requests r JOIN departments d ON d.id = r.dept_id
WHERE r.no = $1

-- name: disclosure_code_ok
SELECT id FROM disclosure_requests WHERE no = $1 AND code_hash = $2::bytea

-- name: disclosure_events_of
SELECT e.seq, e.action, e.on_date, coalesce(u.name, ''), e.text,
       coalesce(e.outcome, ''), coalesce(e.days::text, ''),
       coalesce(e.amount::text, ''), coalesce(e.fee_basis, ''),
       coalesce(e.fee_pages::text, ''), coalesce(e.fee_computed::text, ''),
       coalesce(e.approved_by, ''), coalesce(e.deadline::text, ''),
       e.from_state, e.to_state, coalesce(e.due_after::text, ''),
       to_char(e.created_at, 'YYYY-MM-DD HH24:MI'), e.id
FROM disclosure_events e LEFT JOIN users u ON u.id = e.actor_id
WHERE e.request_id = $1::bigint
ORDER BY e.seq

-- name: disclosure_files_of
SELECT id, filename, ctype, size, coalesce(event_id, 0)
FROM disclosure_files WHERE request_id = $1::bigint ORDER BY id

-- name: disclosure_file_get
SELECT filename, ctype, data FROM disclosure_files
WHERE request_id = $1::bigint AND id = $2::bigint

-- name: disclosure_queue
-- Overdue first, then by due date; requests whose clock is stopped last.
SELECT r.no, r.received_on, r.name, r.phone_masked, d.name, r.state,
       coalesce(r.due_on::text, ''),
       (r.state <> 'closed' AND r.due_on < current_date),
       count(*) OVER ()
FROM disclosure_requests r JOIN departments d ON d.id = r.dept_id
WHERE ($1::boolean OR r.dept_id = $2::integer)
  AND ($3::integer = 0 OR r.dept_id = $3::integer)
  AND ($4 = '' OR r.state = $4 OR ($4 = 'open' AND r.state <> 'closed'))
  AND (NOT $5::boolean OR (r.state <> 'closed' AND r.due_on < current_date))
ORDER BY (r.state <> 'closed' AND r.due_on < current_date) DESC,
         r.state = 'closed', r.due_on NULLS LAST, r.id
LIMIT 20 OFFSET ($6::integer - 1) * 20

-- name: disclosure_tile
SELECT count(*) FILTER (WHERE state <> 'closed'),
       count(*) FILTER (WHERE state <> 'closed' AND due_on < current_date),
       count(*) FILTER (WHERE state <> 'closed' AND due_on >= current_date
                        AND due_on <= add_workdays(current_date, 3))
FROM disclosure_requests
WHERE ($1::boolean OR dept_id = $2::integer)

-- name: disclosure_mine
SELECT no, received_on, state, coalesce(due_on::text, ''),
       coalesce(outcome, ''), left(description, 40)
FROM disclosure_requests WHERE user_id = $1::bigint
ORDER BY id DESC LIMIT 50

-- name: disclosure_fee_rank
-- k: the place of this request among the applicant's requests received in
-- the same natural month (by receipt date, then by filing order).
SELECT count(*)::integer, to_char(r.received_on, 'YYYY-MM')
FROM disclosure_requests r
JOIN disclosure_requests o
  ON o.identity_hash = r.identity_hash
 AND o.received_on >= date_trunc('month', r.received_on)::date
 AND (o.received_on, o.id) <= (r.received_on, r.id)
WHERE r.id = $1::bigint
GROUP BY r.received_on

-- name: disclosure_track_throttle
SELECT count(*) FILTER (WHERE addr = $1::inet),
       count(*) FILTER (WHERE no = $2)
FROM disclosure_track_failures
WHERE at > now() - interval '15 minutes' AND (addr = $1::inet OR no = $2)

-- name: disclosure_track_failure_add
INSERT INTO disclosure_track_failures (no, addr) VALUES ($1, $2::inet)

-- name: disclosure_review_add
INSERT INTO disclosure_reviews (request_id, kind, result, filed_on, decided_on, created_by)
VALUES ($1::bigint, $2, $3, $4::date, nullif($5, '')::date, $6::bigint)
RETURNING id

-- name: disclosure_reviews_of
SELECT kind, result, filed_on, coalesce(decided_on::text, '')
FROM disclosure_reviews WHERE request_id = $1::bigint ORDER BY id

-- name: disclosure_report_counts
-- Section 三 of the annual report: (row key, applicant column, count).
-- $1 year, $2 department id (0 = the whole district).
WITH b AS (
    SELECT make_date($1::integer, 1, 1) AS y0, make_date($1::integer, 12, 31) AS y1
), r AS (
    SELECT q.* FROM disclosure_requests q
    WHERE $2::integer = 0 OR q.dept_id = $2::integer
)
SELECT 'new_received', r.applicant_type, count(*) FROM r, b
 WHERE r.received_on BETWEEN b.y0 AND b.y1 GROUP BY 2
UNION ALL
SELECT 'carried_over', r.applicant_type, count(*) FROM r, b
 WHERE r.received_on < b.y0 AND (r.closed_on IS NULL OR r.closed_on >= b.y0)
 GROUP BY 2
UNION ALL
SELECT r.outcome, r.applicant_type, count(*) FROM r, b
 WHERE r.closed_on BETWEEN b.y0 AND b.y1 GROUP BY 1, 2
UNION ALL
SELECT 'carried_forward', r.applicant_type, count(*) FROM r, b
 WHERE r.received_on <= b.y1 AND (r.closed_on IS NULL OR r.closed_on > b.y1)
 GROUP BY 2

-- name: disclosure_report_reviews
-- Section 四: reviews filed in the year, by kind and present result.
SELECT v.kind, v.result, count(*)
FROM disclosure_reviews v JOIN disclosure_requests q ON q.id = v.request_id
WHERE v.filed_on BETWEEN make_date($1::integer, 1, 1) AND make_date($1::integer, 12, 31)
  AND ($2::integer = 0 OR q.dept_id = $2::integer)
GROUP BY 1, 2

-- name: disclosure_report_fees
-- Section 六: fees actually collected (paid) in the year, in yuan.
SELECT coalesce(sum(fee_charged), 0)
FROM disclosure_requests
WHERE fee_paid_on BETWEEN make_date($1::integer, 1, 1) AND make_date($1::integer, 12, 31)
  AND ($2::integer = 0 OR dept_id = $2::integer)

-- name: disclosure_dept_find
SELECT id, name FROM departments WHERE code = $1 OR name = $1

-- name: cli_disclosure_demo_done
SELECT count(*) FROM disclosure_requests

-- name: cli_disclosure_dept_id
SELECT id FROM departments WHERE code = $1

-- name: disclosure_calendar_years
SELECT extract(year FROM day)::integer, count(*) FILTER (WHERE kind = 'holiday'),
       count(*) FILTER (WHERE kind = 'adjusted_workday')
FROM workday_calendar GROUP BY 1 ORDER BY 1

-- name: disclosure_calendar_add
-- $2, $3: dates separated by commas (validated in C).
SELECT calendar_add_year($1::integer, string_to_array(nullif($2, ''), ',')::date[],
                         string_to_array(nullif($3, ''), ',')::date[])

-- name: disclosure_report_months
-- For the chart: requests received per month, and the average reply time
-- in working days (receipt to closing) of requests closed in each month.
-- The running count of working days turns each difference into a lookup.
WITH cal AS (
    SELECT day, count(*) FILTER (WHERE is_workday) OVER (ORDER BY day) AS n
    FROM workday_calendar
), r AS (
    SELECT received_on, closed_on FROM disclosure_requests
    WHERE ($2::integer = 0 OR dept_id = $2::integer)
      AND (received_on BETWEEN make_date($1::integer, 1, 1) AND make_date($1::integer, 12, 31)
           OR closed_on BETWEEN make_date($1::integer, 1, 1) AND make_date($1::integer, 12, 31))
)
SELECT g.m,
       (SELECT count(*) FROM r
         WHERE extract(year FROM r.received_on) = $1::integer
           AND extract(month FROM r.received_on) = g.m),
       (SELECT coalesce(round(avg(c2.n - c1.n), 1), 0) FROM r
          JOIN cal c1 ON c1.day = r.received_on
          JOIN cal c2 ON c2.day = r.closed_on
         WHERE extract(year FROM r.closed_on) = $1::integer
           AND extract(month FROM r.closed_on) = g.m)
FROM generate_series(1, 12) AS g(m)
ORDER BY 1
