// `gongkai seed --requests N`: synthetic requests whose stored state, due
// dates and event columns are what the module's own state machine computes
// (a full replay through disclosure_rederive), with sealed identities, the
// trigger back on afterwards, and pages that work on them.
// Runs after disclosure.test.mjs (file order), whose report figures it
// would otherwise change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO, byId, gongkai, psql, tokens } from '../lib/client.mjs';

const N = 1500;
let above;
let out;

test('seed: N requests over the calendar years, every one equal to a replay of its events', () => {
  above = psql(`SELECT coalesce(max(id), 0) FROM disclosure_requests`);
  const t0 = Date.now();
  out = gongkai(['seed', '--requests', String(N)]);
  assert.match(out, /disclosure replayed \d+ requests through disclosure_step\(\): 0 differ/);
  assert.match(out, new RegExp(`disclosure ${N} requests, \\d+ events`));
  assert.ok(Date.now() - t0 < 60000, 'seeded in under a minute');
  const seeded = `FROM disclosure_requests q WHERE q.id > ${above}`;
  assert.equal(psql(`SELECT count(*) ${seeded}`), String(N));
  // Every seeded request, not a sample: stored = replayed.
  assert.equal(psql(`SELECT count(*) ${seeded} AND (q.state, q.clock_start, q.ext_days, q.paused_days,
      q.pause_since, q.later_due, q.due_on, q.correction_until, q.corrections, q.extended,
      q.fee_notice_on, q.fee_charged, q.fee_paid_on, q.outcome, q.closed_on, q.last_on, q.nevents)
    IS DISTINCT FROM (SELECT (d.state, d.clock_start, d.ext_days, d.paused_days, d.pause_since,
      d.later_due, d.due_on, d.correction_until, d.corrections, d.extended, d.fee_notice_on,
      d.fee_charged, d.fee_paid_on, d.outcome, d.closed_on, d.last_on, d.nevents)
      FROM disclosure_rederive(q.id) d)`), '0');
  // The events' own derived columns: seq 1..n, each from_state the previous
  // to_state, the last one's state and due date the request's.
  assert.equal(psql(`SELECT count(*) FROM disclosure_events e JOIN disclosure_requests q ON q.id = e.request_id
    WHERE q.id > ${above} AND (e.seq > q.nevents
      OR e.from_state IS DISTINCT FROM coalesce((SELECT p.to_state FROM disclosure_events p
           WHERE p.request_id = e.request_id AND p.seq = e.seq - 1), 'new')
      OR (e.seq = q.nevents AND (e.to_state <> q.state OR e.due_after IS DISTINCT FROM q.due_on)))`), '0');
  assert.equal(psql(`SELECT count(*) ${seeded} AND q.nevents <> (SELECT count(*) FROM disclosure_events e WHERE e.request_id = q.id)`), '0');
});

test('seed: realistic spread of years, departments, states, steps and reply types', () => {
  const seeded = `FROM disclosure_requests q WHERE q.id > ${above}`;
  assert.equal(psql(`SELECT string_agg(DISTINCT extract(year FROM received_on)::text, ',') ${seeded}`), '2024,2025,2026');
  assert.ok(Number(psql(`SELECT count(DISTINCT dept_id) ${seeded}`)) >= 20);
  assert.ok(Number(psql(`SELECT count(DISTINCT to_char(received_on, 'YYYY-MM')) ${seeded}`)) >= 30);
  const states = psql(`SELECT string_agg(DISTINCT state, ',') ${seeded}`).split(',');
  for (const s of ['closed', 'in_progress', 'awaiting_correction']) assert.ok(states.includes(s), s);
  assert.ok(Number(psql(`SELECT count(*) ${seeded} AND state = 'closed'`)) > N * 0.9);
  assert.ok(Number(psql(`SELECT count(*) ${seeded} AND state <> 'closed' AND due_on < current_date`)) >= 1, 'some overdue');
  assert.ok(Number(psql(`SELECT count(DISTINCT outcome) ${seeded}`)) >= 14, 'most reply types');
  const actions = psql(`SELECT string_agg(DISTINCT e.action, ',') FROM disclosure_events e WHERE e.request_id > ${above}`).split(',');
  for (const a of ['submit', 'accept', 'request_correction', 'correction_received', 'correction_expired',
    'consult_third_party', 'consult_done', 'extend', 'reply', 'withdraw'])
    assert.ok(actions.includes(a), a);
  assert.ok(Number(psql(`SELECT count(DISTINCT applicant_type) ${seeded}`)) === 6);
  // Identities repeat (fee ranks have something to count) but are sealed.
  assert.ok(Number(psql(`SELECT count(DISTINCT identity_hash) ${seeded}`)) < N);
  assert.equal(psql(`SELECT count(*) ${seeded} AND applicant_type = 'natural' AND NOT (id_masked ~ '^[0-9]{6}\\*{8}[0-9]{3}[0-9X]$' AND id_enc IS NOT NULL)`), '0');
  assert.equal(psql(`SELECT count(*) ${seeded} AND phone_masked !~ '^139\\*{4}[0-9]{4}$'`), '0');
  assert.equal(psql(`SELECT count(*) ${seeded} AND encode(id_enc, 'escape') ~ '[0-9]{17}'`), '0');
  // Numbers are unique and the counters moved past them.
  assert.equal(psql(`SELECT count(*) FROM disclosure_counters c WHERE c.last < (SELECT max(split_part(no, '-', 2)::integer) FROM disclosure_requests WHERE split_part(no, '-', 1)::integer = c.year)`), '0');
  // The state machine guards inserts again.
  assert.equal(psql(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'disclosure_events_step'`), 'O');
});

test('seed: a seeded request opens for staff, decrypts, tracks with its code and refuses illegal steps', async () => {
  const no = psql(`SELECT no FROM disclosure_requests WHERE id > ${above} AND state = 'closed' AND applicant_type = 'natural' ORDER BY id LIMIT 1`);
  const masked = psql(`SELECT id_masked FROM disclosure_requests WHERE no = '${no}'`);
  const admin = new Client();
  assert.equal((await admin.login(DEMO.admin.login, DEMO.admin.password)).status, 303);
  const rec = await admin.get(`/admin/disclosure/${no}`);
  assert.equal(rec.status, 200);
  const id = byId(rec.text, 'applicant-id');
  assert.equal(id.length, 18);
  assert.equal(id.slice(0, 6) + '********' + id.slice(14), masked);
  const tr = await new Client().get(`/disclosure/track?no=${no}&code=SEED-CODE-2026`);
  assert.equal(tr.status, 200);
  assert.equal(byId(tr.text, 'request-state'), '已办结');
  const t = tokens(rec.text);
  const r = await admin.post(`/admin/disclosure/${no}/action`, { csrf: t.csrf, form_id: t.formId, action: 'withdraw' });
  assert.equal(r.status, 409);
  // The queue (open requests by due date) shows overdue ones first.
  const q = await admin.get('/admin/disclosure');
  assert.equal(q.status, 200);
  const first = /<tbody><tr class="overdue">/.test(q.text);
  assert.ok(first, 'the first row is an overdue one');
});
