-- 政府开放月: the two look-ups of every sign-up, each one index probe
-- whatever the size of the activity or the year (docs/openmonth.md
-- "Throughput").
--
-- Is anyone waiting? om_take_seat asks it before taking a free seat. Its
-- plan is made once per connection, and a connection that first asked
-- while the sign-ups were few got a plan that read the activity's live
-- sign-ups through om_signups_one_per_phone (whose predicate covers the
-- waiting ones), filtering on status: a read of every sign-up so far, for
-- every sign-up, 680 rows a probe on average while 10,000 seats filled
-- up. An index of the waiting alone answers with no row read, and keeps
-- them in the order they are served (om_fill).
CREATE INDEX om_signups_waiting ON om_signups (activity_id, deprioritised, id)
    WHERE status = 'waitlisted';

-- How many no-shows has this person had this year? The planner counted
-- them by scanning the year's activities and probing each one's part of
-- om_signups_queue: one probe per activity of the year (37 activities made
-- a sign-up 1.7 ms slower). No-shows are few; an index of them by phone
-- finds a person's (usually none) directly.
CREATE INDEX om_signups_noshow ON om_signups (phone_hash)
    WHERE status = 'no_show';
