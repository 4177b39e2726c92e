-- Dashboards and the staff home (fcgi/dashboard*.c, sql/dashboard.sql):
-- read-only figures over the board, disclosure and open-month tables,
-- which the app role already reads. Only an index is needed: messages of a
-- year, month by month (the board's own indexes lead with the department
-- or the status).
CREATE INDEX dash_board_messages_created ON board_messages (created_at);
