-- 依申请公开 at volume (100,000 requests): indexes for the report, the fee sum and the queue.
CREATE INDEX disclosure_requests_fee_paid ON disclosure_requests (fee_paid_on)
    WHERE fee_paid_on IS NOT NULL;

-- The annual report reads every request that touches a year (received by
-- its end, not closed before its start): an index-only scan of this one
-- instead of the wide rows (sealed identity, description).
CREATE INDEX disclosure_requests_report ON disclosure_requests (received_on)
    INCLUDE (closed_on, applicant_type, outcome, dept_id);

-- The working queue (disclosure_queue_open): open requests in due-date
-- order, walked from the start and left after one page; the included
-- columns let the pager's count read the index alone. A department's
-- queue reads the second one.
CREATE INDEX disclosure_requests_open ON disclosure_requests (due_on, id)
    INCLUDE (dept_id, state) WHERE state <> 'closed';
CREATE INDEX disclosure_requests_open_dept ON disclosure_requests (dept_id, due_on, id)
    INCLUDE (state) WHERE state <> 'closed';
