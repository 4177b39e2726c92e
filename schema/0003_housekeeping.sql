-- Housekeeping: workers delete form nonces older than a week and login
-- failures older than a day (see db_housekeeping in fcgi/db.c).
CREATE INDEX form_submissions_created ON form_submissions (created_at);
CREATE INDEX login_failures_at ON login_failures (at);
