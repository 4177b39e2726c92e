-- 政策留言板: staff edit and delete FAQ entries, admins set the reply
-- deadline in the admin page (docs/board.md). An FAQ edit
-- moves the entry's Atom <updated>; a deletion removes it from /faq and the
-- feed. Only the text and the related policy change: the source message and
-- the department stay.
ALTER TABLE board_faq ADD COLUMN updated_at timestamptz;
UPDATE board_faq SET updated_at = created_at;
ALTER TABLE board_faq ALTER COLUMN updated_at SET NOT NULL,
                      ALTER COLUMN updated_at SET DEFAULT now();
CREATE INDEX board_faq_updated ON board_faq (updated_at DESC, id DESC);

GRANT UPDATE (question, answer, policy_id, updated_at) ON board_faq TO gongkai_app;
GRANT DELETE ON board_faq TO gongkai_app;

GRANT UPDATE (reply_workdays) ON board_settings TO gongkai_app;
