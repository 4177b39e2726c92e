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
-- Any filter (closed ones, everything): overdue first, then by due date;
-- requests whose clock is stopped, then closed ones last. Among open
-- requests "by due date" already puts the overdue first.
SELECT r.no, r.received_on, r.name, r.phone_masked, d.name, r.state,
       coalesce(r.due_on::text, ''),
       (r.state <> 'closed' AND r.due_on < current_date),
       count(*) OVER ()
FROM disclosure_requests r JOIN departments d ON d.id = r.dept_id
WHERE ($1::boolean OR r.dept_id = $2::integer)
  AND ($3::integer = 0 OR r.dept_id = $3::integer)
  AND ($4 = 'all' OR r.state = $4)
  AND (NOT $5::boolean OR (r.state <> 'closed' AND r.due_on < current_date))
ORDER BY r.state = 'closed', r.due_on NULLS LAST, r.id
LIMIT 20 OFFSET ($6::integer - 1) * 20

-- name: disclosure_queue_open
-- The working queue (the default): open requests only, by due date, which
-- puts the overdue first. The page's ids come from the partial index
-- disclosure_requests_open alone (schema/0022: an index-only scan of the
-- open requests, a few thousand of 100,000, whatever plan is cached);
-- only the page's 20 rows are then read. Nothing is computed per request
-- but the comparison of its stored due date with today.
WITH page AS (
    SELECT q.id, q.due_on FROM disclosure_requests q
    WHERE q.state <> 'closed'
      AND ($1::boolean OR q.dept_id = $2::integer)
      AND ($3::integer = 0 OR q.dept_id = $3::integer)
      AND ($4 = 'open' OR q.state = $4)
      AND (NOT $5::boolean OR q.due_on < current_date)
    ORDER BY q.due_on NULLS LAST, q.id
    LIMIT 20 OFFSET ($6::integer - 1) * 20
)
SELECT r.no, r.received_on, r.name, r.phone_masked, d.name, r.state,
       coalesce(r.due_on::text, ''), r.due_on < current_date
FROM page JOIN disclosure_requests r ON r.id = page.id
JOIN departments d ON d.id = r.dept_id
ORDER BY page.due_on NULLS LAST, page.id

-- name: disclosure_queue_open_count
-- The pager's total for disclosure_queue_open ($6 unused, kept for the
-- same parameters): an index-only count of the open requests.
SELECT count(*) FROM disclosure_requests r
WHERE r.state <> 'closed'
  AND ($1::boolean OR r.dept_id = $2::integer)
  AND ($3::integer = 0 OR r.dept_id = $3::integer)
  AND ($4 = 'open' OR r.state = $4)
  AND (NOT $5::boolean OR r.due_on < current_date)
  AND $6::integer > 0

-- name: disclosure_tile
-- Open requests only (an index-only count of disclosure_requests_open);
-- the "due soon" bound is computed once, not per request.
WITH b AS (SELECT add_workdays(current_date, 3) AS soon)
SELECT count(*),
       count(*) FILTER (WHERE q.due_on < current_date),
       count(*) FILTER (WHERE q.due_on >= current_date AND q.due_on <= b.soon)
FROM disclosure_requests q, b
WHERE q.state <> 'closed' AND ($1::boolean OR q.dept_id = $2::integer)

-- name: disclosure_mine
SELECT no, received_on, state, coalesce(due_on::text, ''),
       coalesce(outcome, ''), left(description, 40)
FROM disclosure_requests WHERE user_id = $1::bigint
ORDER BY id DESC LIMIT 50

-- name: disclosure_fee_rank
-- k: the place of this request among the applicant's requests received in
-- the same natural month (by receipt date, then by filing order). The
-- applicant is every identity linked to this one by live links
-- (disclosure_identity_links, transitively); the third column says how
-- many identities that is.
WITH grp(h) AS (SELECT disclosure_identity_group($1::bigint))
SELECT count(*)::integer, to_char(r.received_on, 'YYYY-MM'),
       (SELECT count(*) FROM grp)
FROM disclosure_requests r
JOIN disclosure_requests o
  ON o.identity_hash IN (SELECT h FROM grp)
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
SELECT kind, result, filed_on, coalesce(decided_on::text, ''), id
FROM disclosure_reviews WHERE request_id = $1::bigint ORDER BY id

-- name: disclosure_report_counts
-- Section 三 of the annual report: (row key, applicant column, count).
-- $1 year, $2 department id (0 = the whole district). One pass over the
-- requests that touch the year (received by its end, not closed before
-- its start), grouped by column, "received in the year" and the outcome if
-- closed in the year; the rows of the table are sums of those groups.
WITH b AS (
    SELECT make_date($1::integer, 1, 1) AS y0, make_date($1::integer, 12, 31) AS y1
), g AS (
    SELECT q.applicant_type AS t, q.received_on >= b.y0 AS fresh,
           CASE WHEN q.closed_on <= b.y1 THEN q.outcome END AS o, count(*) AS n
    FROM disclosure_requests q, b
    WHERE q.received_on <= b.y1 AND (q.closed_on IS NULL OR q.closed_on >= b.y0)
      AND ($2::integer = 0 OR q.dept_id = $2::integer)
    GROUP BY 1, 2, 3
)
SELECT 'new_received', t, sum(n) FROM g WHERE fresh GROUP BY t
UNION ALL
SELECT 'carried_over', t, sum(n) FROM g WHERE NOT fresh GROUP BY t
UNION ALL
SELECT o, t, sum(n) FROM g WHERE o IS NOT NULL GROUP BY o, t
UNION ALL
SELECT 'carried_forward', t, sum(n) FROM g WHERE o IS NULL GROUP BY t

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
-- The running count of working days turns each difference into a lookup;
-- one pass over the requests that touch the year.
WITH b AS (
    SELECT make_date($1::integer, 1, 1) AS y0, make_date($1::integer, 12, 31) AS y1
), cal AS (
    SELECT day, count(*) FILTER (WHERE is_workday) OVER (ORDER BY day) AS n
    FROM workday_calendar
), r AS (
    SELECT q.received_on, q.closed_on, b.y0, b.y1
    FROM disclosure_requests q, b
    WHERE ($2::integer = 0 OR q.dept_id = $2::integer)
      AND q.received_on <= b.y1 AND (q.closed_on IS NULL OR q.closed_on >= b.y0)
), got AS (
    SELECT extract(month FROM received_on)::integer AS m, count(*) AS n
    FROM r WHERE received_on >= y0 GROUP BY 1
), took AS (
    SELECT extract(month FROM r.closed_on)::integer AS m,
           round(avg(c2.n - c1.n), 1) AS wd
    FROM r JOIN cal c1 ON c1.day = r.received_on JOIN cal c2 ON c2.day = r.closed_on
    WHERE r.closed_on <= r.y1 GROUP BY 1
)
SELECT g.m, coalesce(got.n, 0), coalesce(took.wd, 0)
FROM generate_series(1, 12) AS g(m)
LEFT JOIN got ON got.m = g.m
LEFT JOIN took ON took.m = g.m
ORDER BY 1

-- name: cli_disclosure_seed_calendar
-- The working-day calendar from its first day, and today: the seed plays
-- each request's steps against it, in C, the way disclosure_step() does
-- (cli_disclosure_seed_check then replays a sample through the function).
SELECT (min(day) - date '2000-01-01')::integer,
       (current_date - date '2000-01-01')::integer,
       string_agg(CASE WHEN is_workday THEN '1' ELSE '0' END, '' ORDER BY day)
FROM workday_calendar

-- name: cli_disclosure_seed_depts
SELECT id, code FROM departments ORDER BY sort, id

-- name: cli_disclosure_seed_reserve
-- A block of $2 tracking numbers of year $1: the last one is returned.
INSERT INTO disclosure_counters AS c (year, last) VALUES ($1::integer, $2::integer)
ON CONFLICT (year) DO UPDATE SET last = c.last + $2::integer
RETURNING last

-- name: cli_disclosure_seed_maxid
SELECT coalesce(max(id), 0) FROM disclosure_requests

-- name: cli_disclosure_seed_trigger_off
ALTER TABLE disclosure_events DISABLE TRIGGER disclosure_events_step

-- name: cli_disclosure_seed_trigger_on
ALTER TABLE disclosure_events ENABLE TRIGGER disclosure_events_step

-- name: cli_disclosure_seed_requests
-- One batch of requests with the columns their events derive (the trigger
-- is off during the load; cli_disclosure_seed_check proves the values).
-- Days are numbers of days since 2000-01-01; NULL where the column is.
INSERT INTO disclosure_requests
    (no, dept_id, applicant_type, name, id_type, id_enc, id_masked, org_code,
     identity_hash, phone_enc, phone_masked, description, form, delivery,
     channel, received_on, code_hash, created_at, state, clock_start,
     ext_days, paused_days, pause_since, later_due, due_on, correction_until,
     corrections, extended, fee_notice_on, fee_charged, fee_paid_on, outcome,
     closed_on, last_on, nevents)
SELECT t.no, t.dept, t.atype, t.name, t.idt, t.idenc::bytea, t.idm,
       nullif(t.org, ''), t.ih::bytea, t.ph::bytea, t.phm, t.descr, t.form,
       t.deliv, t.chan, date '2000-01-01' + t.recv, $18::bytea,
       (date '2000-01-01' + t.recv) + time '08:30' + t.mins * interval '1 minute',
       t.state, date '2000-01-01' + t.clk, t.ext, t.paused,
       date '2000-01-01' + t.psince, date '2000-01-01' + t.later,
       date '2000-01-01' + t.due, date '2000-01-01' + t.cuntil, t.corr,
       t.extended, date '2000-01-01' + t.feeon, t.fee,
       date '2000-01-01' + t.paidon, t.outcome, date '2000-01-01' + t.closed,
       date '2000-01-01' + t.laston, t.nev
FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[],
            $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
            $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
            $16::integer[], $17::integer[], $19::text[], $20::integer[],
            $21::integer[], $22::integer[], $23::integer[], $24::integer[],
            $25::integer[], $26::integer[], $27::integer[], $28::boolean[],
            $29::integer[], $30::integer[], $31::integer[], $32::text[],
            $33::integer[], $34::integer[], $35::integer[])
         AS t(no, dept, atype, name, idt, idenc, idm, org, ih, ph, phm, descr,
              form, deliv, chan, recv, mins, state, clk, ext, paused, psince,
              later, due, cuntil, corr, extended, feeon, fee, paidon, outcome,
              closed, laston, nev)

-- name: cli_disclosure_seed_events
-- One batch of events, joined to their request by its number; the derived
-- columns (seq, from_state, to_state, due_after) as the trigger writes them.
INSERT INTO disclosure_events
    (request_id, seq, action, on_date, text, outcome, days, amount,
     fee_basis, fee_pages, fee_computed, approved_by, deadline, from_state,
     to_state, due_after, created_at)
SELECT r.id, t.seq, t.action, date '2000-01-01' + t.d, t.txt, t.outcome,
       t.days, t.amount, t.basis, t.pages, t.computed, t.appr,
       date '2000-01-01' + t.deadline, t.fs, t.ts, date '2000-01-01' + t.due,
       (date '2000-01-01' + t.d) + time '09:00' + t.mins * interval '1 minute'
FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $5::text[],
            $6::text[], $7::integer[], $8::integer[], $9::text[],
            $10::integer[], $11::integer[], $12::text[], $13::integer[],
            $14::text[], $15::text[], $16::integer[], $17::integer[])
         AS t(no, seq, action, d, txt, outcome, days, amount, basis, pages,
              computed, appr, deadline, fs, ts, due, mins)
JOIN disclosure_requests r ON r.no = t.no

-- name: cli_disclosure_seed_reviews
-- 复议/诉讼 records on a few closed seeded requests (by number).
INSERT INTO disclosure_reviews (request_id, kind, result, filed_on, decided_on)
SELECT r.id, t.kind, t.result, date '2000-01-01' + t.filed,
       date '2000-01-01' + t.decided
FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[])
         AS t(no, kind, result, filed, decided)
JOIN disclosure_requests r ON r.no = t.no

-- name: cli_disclosure_seed_check
-- Replays the events of every $2-th request above id $1 through
-- disclosure_step() (disclosure_rederive) and counts the requests whose
-- stored state, dates or counters differ from the replay: must be 0.
SELECT count(*) FILTER (WHERE (q.state, q.clock_start, q.ext_days, q.paused_days,
                               q.pause_since, q.later_due, q.due_on,
                               q.correction_until, q.corrections, q.extended,
                               q.fee_notice_on, q.fee_charged, q.fee_paid_on,
                               q.outcome, q.closed_on, q.last_on, q.nevents)
                   IS DISTINCT FROM (d.state, d.clock_start, d.ext_days, d.paused_days,
                               d.pause_since, d.later_due, d.due_on,
                               d.correction_until, d.corrections, d.extended,
                               d.fee_notice_on, d.fee_charged, d.fee_paid_on,
                               d.outcome, d.closed_on, d.last_on, d.nevents)),
       count(*)
FROM disclosure_requests q, LATERAL disclosure_rederive(q.id) AS d
WHERE q.id > $1::bigint AND q.id % $2::integer = 0

-- name: cli_disclosure_seed_vacuum
-- After the load: the visibility map lets the report scan its index only.
VACUUM (ANALYZE) disclosure_requests

-- name: disclosure_review_decide
-- The result of a pending review, once: a second clerk deciding the same
-- review at once finds it no longer pending and changes nothing.
UPDATE disclosure_reviews SET result = $3, decided_on = $4::date
WHERE id = $2::bigint AND request_id = $1::bigint AND result = 'pending'
  AND $4::date >= filed_on AND $4::date <= current_date
RETURNING id

-- name: disclosure_link_check
-- The other request of a link to be made from request $1: its id, whether
-- its identity is this one, whether it is already in this one's group.
WITH grp(h) AS (SELECT disclosure_identity_group($1::bigint))
SELECT o.id, o.identity_hash = r.identity_hash,
       o.identity_hash IN (SELECT h FROM grp)
FROM disclosure_requests r, disclosure_requests o
WHERE r.id = $1::bigint AND o.no = $2

-- name: disclosure_link_add
-- Links the applicants of requests $1 and $2 for the fee count. Nothing
-- when the identities are the same or already linked (the live-pair index
-- decides between two admins at once).
INSERT INTO disclosure_identity_links
    (hash_a, hash_b, request_a, request_b, reason, created_by)
SELECT least(r.identity_hash, o.identity_hash),
       greatest(r.identity_hash, o.identity_hash), r.id, o.id, $3, $4::bigint
FROM disclosure_requests r, disclosure_requests o
WHERE r.id = $1::bigint AND o.id = $2::bigint
  AND r.identity_hash <> o.identity_hash
ON CONFLICT (hash_a, hash_b) WHERE removed_at IS NULL DO NOTHING
RETURNING id

-- name: disclosure_link_remove
-- Ends a live link of this request's identity (kept, marked removed).
UPDATE disclosure_identity_links l
SET removed_at = now(), removed_by = $3::bigint, removed_reason = $4
FROM disclosure_requests r
WHERE l.id = $2::bigint AND r.id = $1::bigint AND l.removed_at IS NULL
  AND r.identity_hash IN (l.hash_a, l.hash_b)
RETURNING l.id

-- name: disclosure_links_of
-- Every link, live or removed, of this request's identity: both requests
-- (number, name, masked identity), why, who and when.
SELECT l.id, ra.no, ra.name, coalesce(nullif(ra.id_masked, ''), ra.org_code, ''),
       rb.no, rb.name, coalesce(nullif(rb.id_masked, ''), rb.org_code, ''),
       l.reason, coalesce(uc.name, ''), to_char(l.created_at, 'YYYY-MM-DD HH24:MI'),
       l.removed_at IS NOT NULL, coalesce(ur.name, ''),
       coalesce(to_char(l.removed_at, 'YYYY-MM-DD HH24:MI'), ''),
       coalesce(l.removed_reason, '')
FROM disclosure_requests r
JOIN disclosure_identity_links l ON r.identity_hash IN (l.hash_a, l.hash_b)
JOIN disclosure_requests ra ON ra.id = l.request_a
JOIN disclosure_requests rb ON rb.id = l.request_b
LEFT JOIN users uc ON uc.id = l.created_by
LEFT JOIN users ur ON ur.id = l.removed_by
WHERE r.id = $1::bigint
ORDER BY l.id

-- name: disclosure_event_files
-- The documents of every event of the request of event $1 (the timeline
-- lists each under its step).
SELECT f.id, f.filename, f.size, f.event_id
FROM disclosure_files f
WHERE f.request_id = (SELECT request_id FROM disclosure_events WHERE id = $1::bigint)
  AND f.event_id IS NOT NULL
ORDER BY f.id
