-- Core of gongkai: departments, accounts, the audit trail, login throttling
-- and the form nonces that make a repeated POST harmless.
-- Runs as gongkai_owner inside one transaction (gongkai migrate).

-- Every dynamic date is shown in the district's time zone.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET timezone = %L',
                   current_database(), 'Asia/Shanghai');
END $$;

CREATE TABLE departments (
    id serial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,30}$'),
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('office', 'street', 'town')),
    sort integer NOT NULL
);

-- The units named in the district's 2024 work plan (seed-plan.txt): the
-- district government office and its bureaus, the nine 街道 and 新泾镇.
INSERT INTO departments (code, name, kind, sort) VALUES
    ('qfb',    '区府办',         'office', 10),
    ('fgw',    '区发改委',       'office', 20),
    ('swf',    '区商务委',       'office', 30),
    ('kw',     '区科委',         'office', 40),
    ('tcb',    '区投促办',       'office', 50),
    ('sjj',    '区数据局',       'office', 60),
    ('cyzx',   '区城运中心',     'office', 70),
    ('jgw',    '区建管委',       'office', 80),
    ('scjgj',  '区市场监管局',   'office', 90),
    ('sfj',    '区司法局',       'office', 100),
    ('fgj',    '区房管局',       'office', 110),
    ('rsj',    '区人社局',       'office', 120),
    ('ybj',    '区医保局',       'office', 130),
    ('czj',    '区财政局',       'office', 140),
    ('ghzyj',  '区规划资源局',   'office', 150),
    ('lhsrj',  '区绿化市容局',   'office', 160),
    ('sthjj',  '区生态环境局',   'office', 170),
    ('mzj',    '区民政局',       'office', 180),
    ('jyj',    '区教育局',       'office', 190),
    ('wjw',    '区卫健委',       'office', 200),
    ('yjj',    '区应急局',       'office', 210),
    ('shenji', '区审计局',       'office', 220),
    ('gzw',    '区国资委',       'office', 230),
    ('swj',    '区税务局',       'office', 240),
    ('rmt',    '区融媒体中心',   'office', 250),
    ('hyl',    '华阳路街道',     'street', 310),
    ('jsl',    '江苏路街道',     'street', 320),
    ('xhl',    '新华路街道',     'street', 330),
    ('zjq',    '周家桥街道',     'street', 340),
    ('tsl',    '天山路街道',     'street', 350),
    ('xxxc',   '仙霞新村街道',   'street', 360),
    ('hq',     '虹桥街道',       'street', 370),
    ('cjq',    '程家桥街道',     'street', 380),
    ('bxj',    '北新泾街道',     'street', 390),
    ('xjz',    '新泾镇',         'town',   400);

-- Accounts. The login (mobile number or e-mail) is personal data: stored
-- sealed (login_enc, AEAD under the data key), found through a keyed hash
-- (login_hash), and shown masked (login_masked).
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('citizen', 'staff', 'admin')),
    login_hash bytea NOT NULL UNIQUE CHECK (length(login_hash) = 32),
    login_enc bytea NOT NULL,
    login_masked text NOT NULL,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    pw_hash text NOT NULL CHECK (pw_hash LIKE '$argon2id$%'),
    dept_id integer REFERENCES departments,
    session_epoch integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- staff and admins belong to a department; citizens to none
    CHECK ((role = 'citizen') = (dept_id IS NULL))
);

-- Append-only record of staff actions (and staff logins and logouts).
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id bigint REFERENCES users,
    actor_dept integer REFERENCES departments,
    action text NOT NULL,
    object text NOT NULL DEFAULT '',
    detail text NOT NULL DEFAULT '',
    addr inet
);
CREATE INDEX audit_log_dept_at ON audit_log (actor_dept, at DESC);

-- Even the owner cannot rewrite history by accident: changes are refused
-- by trigger (the app role additionally lacks the privileges).
CREATE FUNCTION audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- Failed logins, counted per account (keyed hash) and per address over the
-- last 15 minutes.
CREATE TABLE login_failures (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    login_hash bytea NOT NULL,
    addr inet
);
CREATE INDEX login_failures_login ON login_failures (login_hash, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

-- One row per POST form nonce (form_id): the first POST inserts it in the
-- same transaction as what it creates; a repeat finds it and is answered
-- with the same redirect, creating nothing.
CREATE TABLE form_submissions (
    form_id text PRIMARY KEY CHECK (char_length(form_id) BETWEEN 16 AND 64),
    location text,
    created_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON departments TO gongkai_app;
GRANT SELECT, INSERT ON users TO gongkai_app;
GRANT UPDATE (session_epoch, pw_hash, name) ON users TO gongkai_app;
GRANT USAGE ON SEQUENCE users_id_seq TO gongkai_app;
GRANT SELECT, INSERT ON audit_log TO gongkai_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO gongkai_app;
GRANT SELECT, INSERT, DELETE ON login_failures TO gongkai_app;
GRANT USAGE ON SEQUENCE login_failures_id_seq TO gongkai_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON form_submissions TO gongkai_app;
