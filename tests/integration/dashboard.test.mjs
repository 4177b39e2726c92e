// 数据统计 and the staff home's 今日待办: records of a fresh department are
// written with psql (owner) for 2025, and the dashboard's tables must show
// the numbers computed by hand below; the charts must parse as XML with one
// bar per month, taller where there is more. Access: citizen 403, staff
// their own department only, admin any. The staff home counts what waits
// for this department, and another department sees its own counts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, byId, clientAs, forgeToken, psql } from '../lib/client.mjs';

const run = Date.now().toString(36).slice(-6);
const code = `dash_${run}`;
const q = (s) => s.replaceAll("'", "''");

// ---- seed ------------------------------------------------------------------

const dept = Number(psql(`INSERT INTO departments (code, name, kind, sort)
  VALUES ('${code}', '统计测试局${run}', 'office', 900) RETURNING id`));
const staffId = Number(psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash, dept_id)
  VALUES ('staff', decode(md5('${run}s1') || md5('${run}s2'), 'hex'), '\\x00'::bytea, 'dash-${run}', '统计员', '$argon2id$test', ${dept})
  RETURNING id`));
const authorId = Number(psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
  VALUES ('citizen', decode(md5('${run}c1') || md5('${run}c2'), 'hex'), '\\x00'::bytea, 'dashc-${run}', '留言人', '$argon2id$test')
  RETURNING id`));
const policy = Number(psql(`INSERT INTO board_policies (title, dept_id, published_on, body)
  VALUES ('统计测试政策 ${run}', ${dept}, '2025-01-02', '正文') RETURNING id`));

function message(created, replied, status = replied ? 'replied' : 'published') {
  psql(`INSERT INTO board_messages (policy_id, author_id, kind, body, is_public, status, dept_id,
          created_at, replied_at, reply_body)
        VALUES (${policy}, ${authorId}, 'consult', '问题', false, '${status}', ${dept},
          '${created}', ${replied ? `'${replied}'` : 'NULL'}, ${replied ? "'答复'" : 'NULL'})`);
}
// March: due = 5 working days after the day it came in (board_settings).
message('2025-03-03 10:00', '2025-03-05 09:00'); // 2 working days, due 03-10: on time
message('2025-03-04 10:00', '2025-03-14 09:00'); // 8 working days, due 03-11: late
message('2025-03-20 10:00', null); // not answered
message('2025-05-06 10:00', '2025-05-07 16:00'); // 1 working day (after 劳动节), on time

let seq = 0;
function request({ received, state = 'closed', due, closed = null, outcome = null }) {
  const no = `2099-${String((Date.now() % 9000) * 10 + seq++).padStart(6, '0').slice(-6)}`;
  psql(`INSERT INTO disclosure_requests (no, dept_id, applicant_type, name, id_type, id_enc, identity_hash,
          phone_enc, phone_masked, description, form, delivery, channel, received_on, code_hash,
          state, due_on, closed_on, outcome)
        VALUES ('${no}', ${dept}, 'natural', '申请人', 'id_card', '\\x00', decode(md5('${no}') || md5('${no}x'), 'hex'),
          '\\x00', '138****0000', '统计测试', 'electronic', 'online', 'online', ${received}, decode(md5('c${no}') || md5('d${no}'), 'hex'),
          '${state}', ${due}, ${closed}, ${outcome ? `'${outcome}'` : 'NULL'})`);
  return no;
}
request({ received: "'2025-02-10'", due: "'2025-03-10'", closed: "'2025-02-20'", outcome: 'r1' }); // on time
request({ received: "'2025-02-12'", due: "'2025-03-12'", closed: "'2025-04-01'", outcome: 'r2' }); // late
request({ received: "'2024-12-20'", due: "'2025-01-20'", closed: "'2025-01-10'", outcome: 'r1' }); // received 2024
const open2025 = request({ received: "'2025-04-03'", state: 'in_progress', due: "'2025-05-06'" }); // open, overdue
const overdue = request({ received: 'current_date - 30', state: 'in_progress', due: 'current_date - 1' });
const soon = request({ received: 'current_date - 10', state: 'in_progress', due: 'add_workdays(current_date, 2)' });
const later = request({ received: 'current_date', state: 'received', due: 'current_date + 30' });

let codeSeq = 0;
const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function ticketCode() {
  const n = Date.now() * 100 + codeSeq++;
  let s = '';
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 32)) s += A[v % 32];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
function activity(title, starts) {
  return Number(psql(`INSERT INTO om_activities (title, dept_id, starts_at, ends_at, place, capacity,
        signup_until, vote_from, vote_until)
      VALUES ('${q(title)}', ${dept}, ${starts}, ${starts} + interval '2 hours', '会议室', 50,
        ${starts} - interval '1 day', ${starts} - interval '30 days', ${starts} - interval '20 days')
      RETURNING id`));
}
function signups(id, statuses) {
  for (const st of statuses) {
    const status = st === 'in' ? 'confirmed' : st;
    const c = ticketCode();
    psql(`INSERT INTO om_signups (activity_id, code, registered_by, name, phone_enc, phone_hash, phone_masked,
            status, checked_in_at)
          VALUES (${id}, '${c}', ${staffId}, '参加人', '\\x00', decode(md5('${c}') || md5('${c}p'), 'hex'),
            '139****0000', '${status}', ${st === 'in' ? "'2025-06-10 10:05'" : 'NULL'})`);
  }
}
const actA = activity('六月开放日 <b>&', "'2025-06-10 10:00'::timestamptz");
signups(actA, ['in', 'in', 'confirmed', 'no_show', 'cancelled', 'waitlisted']); // 5 signed up, 4 seats, 2 in
const actB = activity('六月第二场', "'2025-06-20 14:00'::timestamptz");
signups(actB, ['in', 'in']); // 2, 2, 2
const actC = activity('九月开放日', "'2025-09-01 09:00'::timestamptz");
signups(actC, ['confirmed']); // 1, 1, 0
activity('本周活动', "date_trunc('week', now()) + interval '3 days 10 hours'");
activity('下周活动', "date_trunc('week', now()) + interval '10 days 10 hours'");

// Leave the shared test database as found: the disclosure tests check that
// every request equals a replay of its events, and these were written
// directly (no events). Requests first (that invariant), then the rest.
after(() => {
  psql(`DELETE FROM disclosure_requests WHERE dept_id = ${dept}`);
  for (const sql of [
    `DELETE FROM om_signups WHERE activity_id IN (SELECT id FROM om_activities WHERE dept_id = ${dept})`,
    `DELETE FROM om_activities WHERE dept_id = ${dept}`,
    `DELETE FROM board_messages WHERE policy_id = ${policy}`,
    `DELETE FROM board_policies WHERE id = ${policy}`,
    `DELETE FROM users WHERE id IN (${staffId}, ${authorId})`,
    `DELETE FROM departments WHERE id = ${dept}`,
  ]) {
    try { psql(sql); } catch { /* kept: nothing else depends on it */ }
  }
});

// A client with a session for our staff member.
async function ourStaff() {
  const c = new Client();
  await c.get('/account/register');
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: staffId, role: 'staff', dept, iat: now, exp: now + 3600, epoch: 1 }));
  return c;
}

// ---- reading the page --------------------------------------------------------

// Rows of the table with this id: [header, cell, cell, ...] as plain text.
function table(html, id) {
  const m = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  assert.ok(m, `table ${id}`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(m[1])[1];
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
}
const row = (rows, head) => rows.find((r) => r[0] === head);

function svg(html, id) {
  const m = new RegExp(`<svg[^>]*aria-labelledby="${id}-title[\\s\\S]*?</svg>`).exec(html);
  assert.ok(m, `chart ${id}`);
  return m[0];
}
// xmllint (libxml2) must accept the chart as a document on its own.
function wellFormed(xml) {
  execFileSync('xmllint', ['--noout', '-'], { input: xml, stdio: ['pipe', 'pipe', 'pipe'] });
}
const heights = (s) => [...s.matchAll(/<rect class="bar"[^>]* height="([0-9.]+)"/g)].map((m) => Number(m[1]));

async function dashboard(c, query) {
  const res = await c.get(`/admin/dashboard?${query}`);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return res.text;
}

// ---- the dashboard -----------------------------------------------------------

test('messages per month and by department: counts, working days, on-time rate', async () => {
  const html = await dashboard(await clientAs('admin'), `year=2025&dept=${dept}`);
  const m = table(html, 't-board-months');
  assert.equal(m.length, 13);
  // month, messages, replied, average working days, on time, rate
  assert.deepEqual(row(m, '3月'), ['3月', '3', '2', '5.0', '1', '50.0%']);
  assert.deepEqual(row(m, '5月'), ['5月', '1', '1', '1.0', '1', '100.0%']);
  assert.deepEqual(row(m, '4月'), ['4月', '0', '0', '—', '0', '—']);
  assert.deepEqual(row(m, '全年'), ['全年', '4', '3', '3.7', '2', '66.7%']);
  const d = table(html, 't-board-depts');
  assert.deepEqual(row(d, `统计测试局${run}`), [`统计测试局${run}`, '4', '3', '3.7', '2', '66.7%']);
  const chart = svg(html, 'ch-board');
  wellFormed(chart);
  assert.match(chart, /role="img"/);
  assert.match(chart, /<title id="ch-board-title">每月收到的留言条数（2025年 · 统计测试局/);
  const h = heights(chart);
  assert.equal(h.length, 12, 'one bar per month');
  assert.ok(h[2] > h[4] && h[4] > 0, `March > May > 0: ${h}`);
  assert.ok(h.every((v, i) => i === 2 || i === 4 || v === 0));
});

test('disclosure requests per month, on-time rate and how they were answered', async () => {
  const html = await dashboard(await clientAs('admin'), `year=2025&dept=${dept}`);
  const m = table(html, 't-disclosure-months');
  // month, received, closed, closed on time, rate
  assert.deepEqual(row(m, '1月'), ['1月', '0', '1', '1', '100.0%']);
  assert.deepEqual(row(m, '2月'), ['2月', '2', '1', '1', '100.0%']);
  assert.deepEqual(row(m, '4月'), ['4月', '1', '1', '0', '0.0%']);
  assert.deepEqual(row(m, '全年'), ['全年', '3', '3', '2', '66.7%']);
  assert.equal(byId(html, 'disclosure-ontime'), '66.7%');
  const o = table(html, 't-disclosure-outcomes');
  assert.deepEqual(o.map((r) => r[1]), ['2', '1']);
  assert.match(o[0][0], /予以公开/);
  assert.match(o[1][0], /部分公开/);
  const chart = svg(html, 'ch-disclosure');
  wellFormed(chart);
  const h = heights(chart);
  assert.equal(h.length, 12);
  assert.ok(h[1] > h[3] && h[3] > 0 && h[0] === 0, `Feb > Apr > Jan = 0: ${h}`);
});

test('open-month sign-ups per activity and month, check-in rate; titles escaped', async () => {
  const html = await dashboard(await clientAs('admin'), `year=2025&dept=${dept}`);
  const a = table(html, 't-om-activities');
  // title, date, signed up, seats held, checked in, rate
  assert.deepEqual(row(a, '六月开放日 &lt;b&gt;&amp;'), ['六月开放日 &lt;b&gt;&amp;', '2025-06-10', '5', '4', '2', '50.0%']);
  assert.deepEqual(row(a, '六月第二场'), ['六月第二场', '2025-06-20', '2', '2', '2', '100.0%']);
  assert.deepEqual(row(a, '九月开放日'), ['九月开放日', '2025-09-01', '1', '1', '0', '0.0%']);
  assert.deepEqual(row(a, '合计'), ['合计', '—', '8', '7', '4', '—']);
  assert.ok(!html.includes('<b>&'));
  assert.equal(byId(html, 'om-checkin-rate'), '57.1%');
  const chart = svg(html, 'ch-om');
  wellFormed(chart);
  const h = heights(chart);
  assert.equal(h.length, 12);
  assert.ok(h[5] > h[8] && h[8] > 0, `June (7) > September (1): ${h}`);
  assert.match(chart, /data-value="7"/);
});

test('access: citizen 403, staff see only their own department, admin the district', async () => {
  const cit = await clientAs('citizen');
  assert.equal((await cit.get('/admin/dashboard')).status, 403);
  const anon = await clientAs('anonymous');
  assert.equal((await anon.get('/admin/dashboard')).status, 303);

  // Our staff member asking for the whole district still gets their own.
  const mine = await dashboard(await ourStaff(), 'year=2025&dept=0');
  assert.match(byId(mine, 'dash-scope'), new RegExp(`统计测试局${run}`));
  assert.deepEqual(row(table(mine, 't-board-months'), '全年'), ['全年', '4', '3', '3.7', '2', '66.7%']);
  assert.ok(!mine.includes('id="f-dept"'), 'no department choice for staff');

  // Staff of another department see none of ours.
  const other = await dashboard(await clientAs('staff'), 'year=2025');
  assert.equal(row(table(other, 't-board-depts'), `统计测试局${run}`), undefined);
  assert.ok(!other.includes('六月开放日'));

  // The admin's district view includes our department's row.
  const all = await dashboard(await clientAs('admin'), 'year=2025');
  assert.match(byId(all, 'dash-scope'), /全区/);
  assert.deepEqual(row(table(all, 't-board-depts'), `统计测试局${run}`), [`统计测试局${run}`, '4', '3', '3.7', '2', '66.7%']);
  // Bad parameters fall back to this year, never an error.
  assert.equal((await (await clientAs('admin')).get('/admin/dashboard?year=abc&dept=-1')).status, 200);
});

test('large text mode draws the charts larger', async () => {
  const c = await clientAs('admin');
  c.jar.set('gk_mode', 'large');
  const html = await dashboard(c, `year=2025&dept=${dept}`);
  assert.match(svg(html, 'ch-board'), /font-size="22"/);
});

// ---- the staff home ----------------------------------------------------------

test('staff home: what waits for this department, due dates in words and colour', async () => {
  const res = await (await ourStaff()).get('/admin');
  assert.equal(res.status, 200);
  const html = res.text;
  assert.equal(byId(html, 'due-count'), '4'); // open requests with a due date
  const item = (no) => new RegExp(`<li class="([a-z-]*)"><a href="/admin/disclosure/${no}">`).exec(html);
  assert.equal(item(overdue)[1], 'due-late');
  assert.equal(item(open2025)[1], 'due-late');
  assert.equal(item(soon)[1], 'due-soon');
  assert.ok(html.includes(`<li><a href="/admin/disclosure/${later}">`), 'far away: no mark');
  // the meaning is in words too, not only colour
  assert.equal((html.match(/<strong class="due-mark">已超期<\/strong>/g) || []).length, 2);
  assert.equal((html.match(/<strong class="due-mark">3个工作日内到期<\/strong>/g) || []).length, 1);
  // overdue first (by due date)
  assert.ok(html.indexOf(open2025) < html.indexOf(overdue) && html.indexOf(overdue) < html.indexOf(soon));
  assert.equal(byId(html, 'week-count'), '1');
  assert.match(html, /本周活动/);
  assert.ok(!html.includes('下周活动'));
  // the board's tile counts this department's messages: one waiting for a reply
  assert.equal(byId(html, 'board-unreplied'), '1');
  assert.match(html, /href="\/admin\/dashboard"/);
  assert.match(html, /tile-meetings/);
});

test('staff home: another department sees its own counts', async () => {
  const html = (await (await clientAs('staff')).get('/admin')).text;
  const qfb = psql(`SELECT count(*) FROM disclosure_requests r JOIN departments d ON d.id = r.dept_id
    WHERE d.code = 'qfb' AND r.state NOT IN ('new', 'closed') AND r.due_on IS NOT NULL`);
  assert.equal(byId(html, 'due-count'), qfb);
  for (const no of [overdue, soon, later, open2025]) assert.ok(!html.includes(no));
  const week = psql(`SELECT count(*) FROM om_activities a JOIN departments d ON d.id = a.dept_id
    WHERE d.code = 'qfb' AND a.starts_at >= date_trunc('week', now())
      AND a.starts_at < date_trunc('week', now()) + interval '7 days'`);
  assert.equal(byId(html, 'week-count'), week);
});
