-- 政府开放月: one index fewer to write at every sign-up.
--
-- om_signups_phone (phone_hash, status) served the no-show count, which
-- om_signups_noshow (schema 0075) now answers; the look-ups of a live
-- sign-up by phone go through om_signups_one_per_phone (activity_id,
-- phone_hash). Nothing else reads it (sql/openmonth.sql).
DROP INDEX om_signups_phone;
