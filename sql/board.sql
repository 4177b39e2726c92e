-- 政策留言板: policies, messages, moderation, replies, FAQ, feeds, import.
-- Search statements use the bigram index (schema/0010_board.sql): the
-- array containment finds candidates through GIN, board_matches rechecks,
-- except for a query that is one bigram, whose containment is already the
-- answer (board_one_gram, schema/0073_board_exact_bigram.sql; in a
-- sub-SELECT, so a generic plan works it out once, not once a row).

-- name: board_policy_list
SELECT p.id, p.title, p.doc_no, d.name, to_char(p.published_on, 'YYYY-MM-DD'),
       count(*) OVER ()
FROM board_policies p JOIN departments d ON d.id = p.dept_id
WHERE ($1 = '' OR d.code = $1)
ORDER BY p.published_on DESC, p.id DESC
LIMIT 20 OFFSET ($2::integer - 1) * 20

-- name: board_policy_search
SELECT p.id, p.title, p.doc_no, d.name, to_char(p.published_on, 'YYYY-MM-DD'),
       count(*) OVER ()
FROM board_policies p JOIN departments d ON d.id = p.dept_id
WHERE p.grams @> board_bigrams($1)
  AND ((SELECT board_one_gram($1))
       OR board_matches(p.title || ' ' || p.doc_no || ' ' || p.body || ' ' || p.interpretation, $1))
  AND ($2 = '' OR d.code = $2)
ORDER BY p.published_on DESC, p.id DESC
LIMIT 20 OFFSET ($3::integer - 1) * 20

-- name: board_message_search
-- Published messages (their masked text) containing the query, newest
-- first, 20: planned for each query (schema/0074_board_message_search.sql).
SELECT * FROM board_message_search($1, $2)

-- name: board_policy_get
SELECT p.id, p.title, p.doc_no, d.name, p.dept_id,
       to_char(p.published_on, 'YYYY-MM-DD'), p.body, p.interpretation,
       to_char(p.updated_at, 'YYYY-MM-DD"T"HH24:MI:SSOF":00"'), d.code
FROM board_policies p JOIN departments d ON d.id = p.dept_id
WHERE p.id = $1::bigint

-- name: board_policy_page
-- The public policy page in one statement and one round trip: the policy,
-- its related documents and a page of its published messages with their
-- replies, in parts (schema/0076_board_policy_page_parts.sql says which
-- columns); the parts come in order and nothing sorts them. $3 is the
-- revision of the worker's copy of the page (0: none): while it is current
-- the answer is one row, part 3 (schema/0079_board_page_revs.sql).
SELECT * FROM board_policy_page($1::bigint, $2::integer, $3::bigint)

-- name: board_message_create
-- A citizen's message; the trigger enforces the hourly limit (P0001
-- board_hourly_limit), sets the deadline and the sensitive-word flag.
WITH m AS (
    INSERT INTO board_messages (policy_id, author_id, kind, rating, body,
                                is_public, dept_id, parent_id)
    SELECT p.id, $2::bigint, $3, nullif($4, '')::smallint, $5, $6::boolean,
           coalesce((SELECT dept_id FROM board_messages
                     WHERE id = nullif($7, '')::bigint), p.dept_id),
           nullif($7, '')::bigint
    FROM board_policies p WHERE p.id = $1::bigint
    RETURNING id, dept_id
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, to_dept)
    SELECT id, $2::bigint, CASE WHEN $7 = '' THEN 'submitted' ELSE 'followup' END,
           dept_id FROM m
)
SELECT id FROM m

-- name: board_message_own
-- The author's view of one message (NULL row set for anyone else).
SELECT m.id, m.policy_id, p.title, m.kind, coalesce(m.rating, 0), m.body,
       m.is_public, m.status, coalesce(m.reason, ''),
       to_char(m.created_at, 'YYYY-MM-DD HH24:MI'),
       coalesce(m.reply_body, ''), coalesce(rd.name, ''),
       coalesce(to_char(m.replied_at, 'YYYY-MM-DD'), ''),
       coalesce(m.satisfaction, ''), coalesce(m.satisfaction_note, ''),
       coalesce(m.parent_id, 0),
       coalesce((SELECT f.id FROM board_messages f WHERE f.parent_id = m.id), 0),
       coalesce(to_char(m.due_on, 'YYYY-MM-DD'), ''), d.name
FROM board_messages m
JOIN board_policies p ON p.id = m.policy_id
JOIN departments d ON d.id = m.dept_id
LEFT JOIN departments rd ON rd.id = m.reply_dept_id
WHERE m.id = $1::bigint AND m.author_id = $2::bigint

-- name: board_me_messages
SELECT m.id, p.title, m.kind, m.status,
       to_char(m.created_at, 'YYYY-MM-DD'),
       coalesce(to_char(m.replied_at, 'YYYY-MM-DD'), ''),
       coalesce(left(m.reply_body, 40)
                || CASE WHEN char_length(m.reply_body) > 40 THEN '…' ELSE '' END, '')
FROM board_messages m JOIN board_policies p ON p.id = m.policy_id
WHERE m.author_id = $1::bigint
ORDER BY m.created_at DESC, m.id DESC
LIMIT 50

-- name: board_rate
-- The author rates a reply once.
WITH m AS (
    UPDATE board_messages SET satisfaction = $3, satisfaction_note = nullif($4, ''),
                              rated_at = now()
    WHERE id = $1::bigint AND author_id = $2::bigint AND status = 'replied'
      AND satisfaction IS NULL
    RETURNING id, dept_id
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, note)
    SELECT id, $2::bigint, 'rated', $3 FROM m
)
SELECT id FROM m

-- name: board_queue
-- The moderation queue, oldest first. $1 all departments (admin), $2 the
-- staff member's department, $3 status (open = pending or waiting for a
-- reply), $4 department code filter, $5 text, $6 page.
SELECT m.id, p.title, m.kind, left(m.body, 60),
       to_char(m.created_at, 'YYYY-MM-DD HH24:MI'),
       coalesce(to_char(m.due_on, 'YYYY-MM-DD'), ''),
       (m.status IN ('pending', 'published') AND m.due_on < current_date),
       m.status, d.name, m.flagged, count(*) OVER ()
FROM board_messages m
JOIN board_policies p ON p.id = m.policy_id
JOIN departments d ON d.id = m.dept_id
WHERE ($1::boolean OR m.dept_id = $2::integer)
  AND (m.status = $3 OR $3 = 'all'
       OR ($3 = 'open' AND m.status IN ('pending', 'published')))
  AND ($4 = '' OR d.code = $4)
  AND ($5 = '' OR board_matches(m.body, $5))
ORDER BY m.created_at, m.id
LIMIT 20 OFFSET ($6::integer - 1) * 20

-- name: board_counts
-- For the staff home tile: waiting for moderation, waiting for a reply,
-- overdue, in the department ($1 all = admin).
SELECT count(*) FILTER (WHERE status = 'pending'),
       count(*) FILTER (WHERE status = 'published'),
       count(*) FILTER (WHERE due_on < current_date)
FROM board_messages
WHERE status IN ('pending', 'published')
  AND ($1::boolean OR dept_id = $2::integer)

-- name: board_message_staff
SELECT m.id, m.policy_id, p.title, m.kind, coalesce(m.rating, 0), m.body,
       m.is_public, m.status, coalesce(m.reason, ''),
       to_char(m.created_at, 'YYYY-MM-DD HH24:MI'),
       coalesce(m.reply_body, ''), coalesce(rd.name, ''),
       coalesce(to_char(m.replied_at, 'YYYY-MM-DD'), ''),
       m.dept_id, d.name, coalesce(to_char(m.due_on, 'YYYY-MM-DD'), ''),
       (m.status IN ('pending', 'published') AND m.due_on < current_date),
       m.flagged, u.name, coalesce(m.satisfaction, ''),
       coalesce(m.satisfaction_note, ''), coalesce(m.parent_id, 0)
FROM board_messages m
JOIN board_policies p ON p.id = m.policy_id
JOIN departments d ON d.id = m.dept_id
JOIN users u ON u.id = m.author_id
LEFT JOIN departments rd ON rd.id = m.reply_dept_id
WHERE m.id = $1::bigint

-- name: board_message_timeline
SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI'), e.kind, coalesce(u.name, ''),
       coalesce(fd.name, ''), coalesce(td.name, ''), e.note
FROM board_message_events e
LEFT JOIN users u ON u.id = e.actor_id
LEFT JOIN departments fd ON fd.id = e.from_dept
LEFT JOIN departments td ON td.id = e.to_dept
WHERE e.message_id = $1::bigint
ORDER BY e.at, e.id

-- name: board_publish
-- Moderation: only a pending message still in the department the staff
-- member was allowed to act for ($3); a flagged one needs the second look
-- ($4). The published text is masked.
WITH m AS (
    UPDATE board_messages
    SET status = 'published', moderated_at = now(), moderated_by = $2::bigint,
        body_public = CASE WHEN is_public THEN board_mask(body) END
    WHERE id = $1::bigint AND status = 'pending' AND dept_id = $3::integer
      AND (NOT flagged OR $4::boolean)
    RETURNING id, dept_id
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, from_dept)
    SELECT id, $2::bigint, 'published', dept_id FROM m
)
SELECT id FROM m

-- name: board_reject
WITH m AS (
    UPDATE board_messages
    SET status = 'rejected', moderated_at = now(), moderated_by = $2::bigint,
        reason = $4
    WHERE id = $1::bigint AND status = 'pending' AND dept_id = $3::integer
    RETURNING id, dept_id
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, from_dept, note)
    SELECT id, $2::bigint, 'rejected', dept_id, $4 FROM m
)
SELECT id FROM m

-- name: board_reply
-- The official reply, signed with the responsible department.
WITH m AS (
    UPDATE board_messages
    SET status = 'replied', reply_body = $4, reply_dept_id = dept_id,
        reply_by = $2::bigint, replied_at = now()
    WHERE id = $1::bigint AND status = 'published' AND dept_id = $3::integer
    RETURNING id, dept_id
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, from_dept)
    SELECT id, $2::bigint, 'replied', dept_id FROM m
)
SELECT id FROM m

-- name: board_transfer
-- 转办 to another department ($4 code; 'qfb' for a return to 区府办). The
-- deadline is not touched: it keeps running from submission.
WITH t AS (SELECT id FROM departments WHERE code = $4),
m AS (
    UPDATE board_messages b SET dept_id = t.id
    FROM t
    WHERE b.id = $1::bigint AND b.status IN ('pending', 'published')
      AND b.dept_id = $3::integer AND t.id <> $3::integer
    RETURNING b.id, t.id AS to_dept
), e AS (
    INSERT INTO board_message_events (message_id, actor_id, kind, from_dept,
                                      to_dept, note)
    SELECT id, $2::bigint, $6, $3::integer, to_dept, $5 FROM m
)
SELECT id FROM m

-- name: board_policy_feed
-- Replies of one policy for its Atom feed (latest 50).
SELECT m.id, m.body_public, m.reply_body, rd.name,
       to_char(m.replied_at, 'YYYY-MM-DD"T"HH24:MI:SSOF":00"'),
       to_char(m.created_at, 'YYYY-MM-DD"T"HH24:MI:SSOF":00"')
FROM board_messages m JOIN departments rd ON rd.id = m.reply_dept_id
WHERE m.policy_id = $1::bigint AND m.body_public IS NOT NULL
  AND m.status = 'replied'
ORDER BY m.replied_at DESC, m.id DESC
LIMIT 50

-- name: board_faq_list
SELECT f.id, f.question, f.answer, d.name, to_char(f.created_at, 'YYYY-MM-DD'),
       coalesce(f.policy_id, 0), coalesce(p.title, ''), count(*) OVER ()
FROM board_faq f
JOIN departments d ON d.id = f.dept_id
LEFT JOIN board_policies p ON p.id = f.policy_id
WHERE $1 = '' OR (f.grams @> board_bigrams($1)
                  AND ((SELECT board_one_gram($1))
                       OR board_matches(f.question || ' ' || f.answer, $1)))
ORDER BY f.created_at DESC, f.id DESC
LIMIT 20 OFFSET ($2::integer - 1) * 20

-- name: board_faq_feed
-- Most recently changed first: an edited entry comes back to the top with
-- its new <updated>, so feed readers pick the change up.
SELECT f.id, f.question, f.answer, d.name,
       to_char(f.updated_at, 'YYYY-MM-DD"T"HH24:MI:SSOF":00"')
FROM board_faq f JOIN departments d ON d.id = f.dept_id
ORDER BY f.updated_at DESC, f.id DESC
LIMIT 50

-- name: board_faq_one
SELECT f.id, f.question, f.answer, coalesce(f.policy_id::text, ''),
       coalesce(f.message_id::text, ''), f.dept_id, d.name,
       to_char(f.updated_at, 'YYYY-MM-DD HH24:MI')
FROM board_faq f JOIN departments d ON d.id = f.dept_id
WHERE f.id = $1::bigint

-- name: board_faq_admin_list
-- The entries a staff member may change: their department's ($1), or all
-- for an admin ($1 = 0); latest changed first.
SELECT f.id, f.question, d.name, to_char(f.updated_at, 'YYYY-MM-DD')
FROM board_faq f JOIN departments d ON d.id = f.dept_id
WHERE $1::integer = 0 OR f.dept_id = $1::integer
ORDER BY f.updated_at DESC, f.id DESC
LIMIT 100

-- name: board_faq_update
-- No row: the entry was deleted meanwhile (404).
UPDATE board_faq
SET question = $2, answer = $3, policy_id = nullif($4, '')::bigint, updated_at = now()
WHERE id = $1::bigint
RETURNING id

-- name: board_faq_delete
DELETE FROM board_faq WHERE id = $1::bigint RETURNING question

-- name: board_faq_create
-- An FAQ entry, optionally from a message (its policy then by default).
INSERT INTO board_faq (question, answer, policy_id, message_id, dept_id, created_by)
SELECT $1, $2,
       coalesce(nullif($3, '')::bigint,
                (SELECT policy_id FROM board_messages WHERE id = nullif($4, '')::bigint)),
       nullif($4, '')::bigint, $5::integer, $6::bigint
RETURNING id

-- name: board_faq_hot_policies
-- What people asked about most in the last 90 days, by policy.
SELECT p.id, p.title, count(*)
FROM board_messages m JOIN board_policies p ON p.id = m.policy_id
WHERE m.created_at > now() - interval '90 days' AND m.kind IN ('consult', 'followup')
GROUP BY p.id, p.title
ORDER BY count(*) DESC, p.id
LIMIT 10

-- name: board_faq_hot_words
-- ... and by similar wording: the two-character words that occur in the
-- most questions of the last 90 days (at most the latest 5,000).
SELECT g, count(*)
FROM (SELECT body FROM board_messages
      WHERE created_at > now() - interval '90 days' AND kind IN ('consult', 'followup')
      ORDER BY created_at DESC LIMIT 5000) AS m,
     LATERAL unnest(board_bigrams(m.body)) AS g
WHERE g ~ '^[一-龥]{2}$'
  AND g NOT IN ('请问', '我们', '你们', '什么', '如何', '是否', '可以', '怎么', '谢谢', '这个', '政策', '问题')
GROUP BY g
ORDER BY count(*) DESC, g
LIMIT 15

-- name: board_policy_create
INSERT INTO board_policies (title, doc_no, dept_id, published_on, body, interpretation)
SELECT $1, $2, d.id, $4::date, $5, $6 FROM departments d WHERE d.code = $3
RETURNING id

-- name: board_policy_admin_list
SELECT p.id, p.title, p.doc_no, d.name, to_char(p.published_on, 'YYYY-MM-DD'),
       (SELECT count(*) FROM board_messages m WHERE m.policy_id = p.id),
       count(*) OVER ()
FROM board_policies p JOIN departments d ON d.id = p.dept_id
WHERE $1::boolean OR p.dept_id = $2::integer
ORDER BY p.published_on DESC, p.id DESC
LIMIT 20 OFFSET ($3::integer - 1) * 20

-- name: board_words_list
SELECT word, to_char(added_at, 'YYYY-MM-DD') FROM board_sensitive_words ORDER BY word

-- name: board_word_add
INSERT INTO board_sensitive_words (word, added_by) VALUES ($1, $2::bigint)
ON CONFLICT (word) DO NOTHING
RETURNING word

-- name: board_word_delete
DELETE FROM board_sensitive_words WHERE word = $1 RETURNING word

-- name: board_stats
-- Per department and month: received, replied, replied on time, average
-- reply time in working days, satisfaction (satisfied or basically
-- satisfied among rated replies).
SELECT d.name, to_char(date_trunc('month', m.created_at), 'YYYY-MM'),
       count(*),
       count(*) FILTER (WHERE m.status = 'replied'),
       count(*) FILTER (WHERE m.status = 'replied'
                          AND m.replied_at::date <= m.due_on),
       coalesce(to_char(avg(board_workdays(m.created_at::date, m.replied_at::date))
                        FILTER (WHERE m.status = 'replied'), 'FM990.0'), '—'),
       count(*) FILTER (WHERE m.satisfaction IS NOT NULL),
       count(*) FILTER (WHERE m.satisfaction IN ('satisfied', 'basic'))
FROM board_messages m JOIN departments d ON d.id = m.dept_id
WHERE m.created_at >= make_date($1::integer, 1, 1)
  AND m.created_at < make_date($1::integer + 1, 1, 1)
  AND m.status <> 'rejected'
GROUP BY d.name, d.sort, 2
ORDER BY d.sort, 2

-- name: board_settings
SELECT reply_workdays FROM board_settings

-- name: board_settings_update
-- Admins set the reply deadline; new messages get it at insert (trigger).
UPDATE board_settings SET reply_workdays = $1::integer RETURNING reply_workdays

-- name: board_dept_id
SELECT id FROM departments WHERE code = $1

-- name: board_policy_update
UPDATE board_policies p
SET title = $2, doc_no = $3, dept_id = d.id, published_on = $5::date,
    body = $6, interpretation = $7, updated_at = now()
FROM departments d
WHERE p.id = $1::bigint AND d.code = $4
RETURNING p.id

-- ---- command line (import-policies, demo): run on the owner connection ----

-- name: cli_board_dept
SELECT id FROM departments WHERE code = $1 OR name = $1

-- name: cli_board_policy_key
SELECT id FROM board_policies WHERE import_key = $1

-- name: cli_board_policy_upsert
-- Importing the same record again changes nothing (no update when equal).
-- Returns the id and whether the row was inserted (xmax = 0).
INSERT INTO board_policies (import_key, title, doc_no, dept_id, published_on,
                            body, interpretation)
VALUES ($1, $2, $3, $4::integer, $5::date, $6, $7)
ON CONFLICT (import_key) DO UPDATE
    SET title = EXCLUDED.title, doc_no = EXCLUDED.doc_no,
        dept_id = EXCLUDED.dept_id, published_on = EXCLUDED.published_on,
        body = EXCLUDED.body, interpretation = EXCLUDED.interpretation,
        updated_at = now()
    WHERE (board_policies.title, board_policies.doc_no, board_policies.dept_id,
           board_policies.published_on, board_policies.body,
           board_policies.interpretation)
          IS DISTINCT FROM
          (EXCLUDED.title, EXCLUDED.doc_no, EXCLUDED.dept_id,
           EXCLUDED.published_on, EXCLUDED.body, EXCLUDED.interpretation)
RETURNING id, (xmax = 0)

-- name: cli_board_doc_no_owner
-- Which import key (if any) holds a 文号 already.
SELECT coalesce(import_key, '') FROM board_policies WHERE doc_no = $1 AND doc_no <> ''

-- name: cli_board_link
INSERT INTO board_policy_links (policy_id, related_id)
SELECT a.id, b.id FROM board_policies a, board_policies b
WHERE a.import_key = $1 AND b.import_key = $2
ON CONFLICT DO NOTHING
RETURNING policy_id

-- name: cli_board_demo_user
SELECT id FROM users WHERE login_hash = $1::bytea

-- name: cli_board_demo_staff
SELECT u.id, u.dept_id FROM users u WHERE u.login_masked = $1 AND u.role <> 'citizen'

-- name: cli_board_demo_has_messages
SELECT count(*) FROM board_messages WHERE author_id = $1::bigint

-- name: cli_board_demo_message
-- A demo message with its whole life at once: $8 = 'replied' gives it a
-- published text and a reply by staff $9 of the policy's department.
WITH p AS (SELECT id, dept_id FROM board_policies WHERE import_key = $1),
m AS (
    INSERT INTO board_messages (policy_id, author_id, kind, rating, body, is_public,
                                dept_id, status, moderated_at, moderated_by,
                                body_public, reply_body, reply_dept_id, reply_by,
                                replied_at, created_at)
    SELECT p.id, $2::bigint, $3, nullif($4, '')::smallint, $5, $6::boolean, p.dept_id,
           $8, CASE WHEN $8 <> 'pending' THEN now() - interval '1 day' END,
           CASE WHEN $8 <> 'pending' THEN $9::bigint END,
           CASE WHEN $8 <> 'pending' AND $6::boolean THEN board_mask($5) END,
           nullif($7, ''), CASE WHEN $8 = 'replied' THEN p.dept_id END,
           CASE WHEN $8 = 'replied' THEN $9::bigint END,
           CASE WHEN $8 = 'replied' THEN now() - interval '2 hours' END,
           now() - make_interval(days => $10::integer)
    FROM p
    RETURNING id, dept_id, status
)
INSERT INTO board_message_events (message_id, actor_id, kind, to_dept)
SELECT id, $2::bigint, 'submitted', dept_id FROM m
RETURNING message_id


-- ---- synthetic data for benchmarks (gongkai board-seed) ----

-- name: cli_board_seed_user
-- The author of seeded messages: an account nobody can log in to (its
-- password hash verifies nothing).
INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
VALUES ('citizen', decode(repeat('5e', 32), 'hex'), '\x00', '100****0000', '压测用户',
        '$argon2id$seed-account-no-login')
ON CONFLICT (login_hash) DO UPDATE SET name = EXCLUDED.name
RETURNING id

-- name: cli_board_seed_policies
INSERT INTO board_policies (import_key, title, doc_no, dept_id, published_on, body, interpretation)
SELECT 'seed-' || i,
       '示例政策 ' || i || ' 关于' || t.theme || '的若干措施',
       '长测〔2024〕' || i || '号',
       d.ids[1 + i % array_length(d.ids, 1)],
       date '2024-01-01' + i % 700,
       repeat('为进一步做好' || t.theme || '工作，结合本区实际，制定本措施。' || E'\n', 8)
           || '本措施自发布之日起施行。',
       '解读：本措施围绕' || t.theme || '，明确了支持对象、支持标准和申请渠道。'
FROM generate_series(1, $1::integer) AS i,
     LATERAL (SELECT (ARRAY['养老服务', '就业创业', '节能降碳', '营商环境', '住房保障',
                            '垃圾分类', '城市更新', '医疗保障'])[1 + i % 8] AS theme) AS t,
     (SELECT array_agg(id ORDER BY id) AS ids FROM departments) AS d
ON CONFLICT (import_key) DO NOTHING

-- name: cli_board_seed_vacuum
-- After a load: fresh statistics and visibility map (index-only counts).
VACUUM (ANALYZE) board_policies, board_messages, board_message_events

-- name: cli_board_seed_trigger_off
ALTER TABLE board_messages DISABLE TRIGGER board_messages_before_insert

-- name: cli_board_seed_trigger_on
ALTER TABLE board_messages ENABLE TRIGGER board_messages_before_insert

-- name: cli_board_seed_count
-- Messages seeded before: `gongkai seed --messages N` tops them up to N,
-- numbering on from there instead of repeating.
SELECT count(*) FROM board_messages WHERE author_id = $1::bigint

-- name: cli_board_seed_messages
-- Seeded messages up to a total of $1 (the $4 seeded before are kept and
-- numbered on), over the seeded policies ($3 of them), by user $2; about
-- half of each policy's are published with a reply.
-- The insert trigger is off during the load (it would serialise one
-- author); due_on is set here instead.
INSERT INTO board_messages (policy_id, author_id, kind, body, is_public, dept_id, status,
                            moderated_at, body_public, reply_body, reply_dept_id,
                            replied_at, created_at, due_on)
SELECT p.id, $2::bigint, 'consult', b.body, true, p.dept_id,
       CASE WHEN b.pub THEN 'replied' ELSE 'pending' END,
       CASE WHEN b.pub THEN b.at + interval '1 hour' END,
       CASE WHEN b.pub THEN b.body END,
       CASE WHEN b.pub THEN '您好，感谢您的留言。关于您咨询的问题，请按政策规定的渠道申请，'
                                 || '具体可拨打 12345 市民服务热线咨询。' END,
       CASE WHEN b.pub THEN p.dept_id END,
       CASE WHEN b.pub THEN b.at + interval '2 days' END,
       b.at, (b.at + interval '7 days')::date
FROM generate_series($4::bigint + 1, $1::bigint) AS i
CROSS JOIN LATERAL (
    SELECT now() - make_interval(mins => (i % 500000)::integer) AS at,
           '请问第 ' || i || ' 号问题：' ||
           (ARRAY['老人的养老补贴怎么申请', '毕业生就业补贴何时发放',
                  '节能改造补贴的比例是多少', '小区垃圾分类点位能否调整',
                  '保障性租赁住房如何申请', '医保报销需要哪些材料'])[1 + i % 6]
           || '？' AS body,
           -- about every other message of each policy (i / $3: the round
           -- over the policies) is published and replied
           (i / $3::integer) % 2 = 0 AS pub,
           -- one message in ten goes to the ten most asked-about policies
           -- (seed-1..10: 100 each at 10,000 messages, 10,000 each at
           -- 1,000,000), the rest spread evenly
           CASE WHEN i % 10 = 0 THEN 1 + (i / 10) % least(10, $3::integer)
                ELSE 1 + i % $3::integer END AS policy) AS b
JOIN board_policies p ON p.import_key = 'seed-' || b.policy
