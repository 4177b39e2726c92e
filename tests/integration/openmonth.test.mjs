// 政府开放月 over HTTP: publishing, the list and iCalendar file, sign-up
// with a waiting list that never overbooks (200 people for 20 seats at
// once), cancelling with promotion, signed tickets and check-in, the door
// list as CSV, votes and the ranking, 代办, no-shows, access by department.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { Client, DEMO, byId, forgeToken, psql, psqlApp, psqlBackground, tokens } from '../lib/client.mjs';

const run = Date.now().toString(36);
let phoneSeq = 0;
// 8 digits after 137, unique within this run (and across runs, mostly)
const phone = () => '137' + String((Date.now() % 1e4) * 1e4 + (phoneSeq++ % 1e4)).padStart(8, '0').slice(-8);

// "YYYY-MM-DD HH:MM" in Asia/Shanghai, hours from now.
function at(hours) {
  const d = new Date(Date.now() + hours * 3600e3 + 8 * 3600e3);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

// A client with a session token for an existing account (no password
// hashing: the concurrency tests use hundreds of accounts).
async function as(masked) {
  const [id, epoch, dept, role] = psql(`SELECT id, session_epoch, coalesce(dept_id, 0), role FROM users WHERE login_masked = '${masked}'`).split('|');
  const c = new Client();
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: Number(id), role, dept: Number(dept), iat: now, exp: now + 3600, epoch: Number(epoch) }));
  await c.get('/account/login');
  c.uid = Number(id);
  return c;
}
const staff = () => as(DEMO.staff.login); // 区府办
const otherStaff = () => as(DEMO.otherStaff.login); // 区民政局
const admin = () => as(DEMO.admin.login);

// n fresh citizen accounts made directly in the database.
async function citizens(n, tag) {
  const ids = psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
    SELECT 'citizen', decode(md5('${tag}a' || g) || md5('${tag}b' || g), 'hex'), '\\x00'::bytea,
           '${tag}-' || g, '市民' || g, '$argon2id$test'
    FROM generate_series(1, ${n}) g RETURNING id`).split('\n').map(Number);
  const now = Math.floor(Date.now() / 1000);
  return ids.map((id) => {
    const c = new Client();
    c.jar.set('gk_sess', forgeToken({ user: id, role: 'citizen', iat: now, exp: now + 3600, epoch: 1 }));
    c.uid = id;
    return c;
  });
}

async function publish(c, over = {}) {
  const fields = {
    title: `开放活动 ${run} ${Math.random().toString(36).slice(2, 6)}`,
    dept: 'qfb', starts_at: at(72), ends_at: at(74), place: '区政务服务中心', online_url: '',
    capacity: '5', signup_until: at(48), description: '第一段\n第二段', accessibility: '有轮椅通道',
    ...over,
  };
  const r = await c.submit('/admin/open-month/new', '/admin/open-month', fields);
  if (r.status === 303) r.id = Number(r.location.split('/').pop());
  r.fields = fields;
  return r;
}

async function signup(c, id, name = '王小明', ph = phone()) {
  const page = await c.get(`/open-month/${id}`);
  const t = tokens(page.text);
  const r = await c.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name, phone: ph });
  r.code = r.location ? r.location.split('/').pop() : null;
  r.phone = ph;
  return r;
}

async function postForm(c, page, action, fields = {}) {
  const t = tokens((await c.get(page)).text);
  return c.post(action, { csrf: t.csrf, form_id: t.formId, ...fields });
}

const status = (code) => psql(`SELECT status FROM om_signups WHERE code = '${code}'`);

test('staff publish an activity; the list by year shows it with seats left', async () => {
  const s = await staff();
  const r = await publish(s, { capacity: '12' });
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/admin\/open-month\/\d+$/);
  const year = r.fields.starts_at.slice(0, 4);
  const list = await new Client().get(`/open-month?year=${year}`);
  assert.equal(list.status, 200);
  assert.ok(list.text.includes(r.fields.title));
  assert.equal(byId(list.text, `seats-left-${r.id}`), '12');
  const page = await new Client().get(`/open-month/${r.id}`);
  assert.equal(byId(page.text, 'seats-left'), '12');
  assert.match(page.text, /<p>第一段<\/p><p>第二段<\/p>/);
  assert.ok(page.text.includes('有轮椅通道'), 'the accessibility notes');
  assert.ok((await new Client().get(`/open-month/${r.id}.ics`)).text.includes('无障碍服务：有轮椅通道'));
  assert.match(page.text, /请先|登录/);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_create' AND object = 'open-month/${r.id}'`), '1');
  // an online activity needs no place
  const online = await publish(s, { place: '', online_url: 'https://live.example.cn/room?a=1&b=2' });
  assert.equal(online.status, 303);
  const op = await new Client().get(`/open-month/${online.id}`);
  assert.match(op.text, /href="https:\/\/live\.example\.cn\/room\?a=1&amp;b=2"/);
});

test('publishing with bad input: 422, a message beside each field, values kept, nothing stored', async () => {
  const s = await staff();
  const before = psql('SELECT count(*) FROM om_activities');
  let r = await publish(s, { title: '', starts_at: 'tomorrow', ends_at: '', capacity: '0', signup_until: '', place: '', online_url: 'ftp://x' });
  assert.equal(r.status, 422);
  for (const msg of ['请填写活动名称', '时间格式不对', '请填写时间', '请填写 1 到 100000 之间的整数', '请填写以 https:// 开头的完整网址'])
    assert.ok(r.text.includes(msg), msg);
  assert.match(r.text, /name="online_url" type="url" value="ftp:\/\/x"/);
  r = await publish(s, { title: '保留标题', starts_at: at(72), ends_at: at(71), signup_until: at(80), place: '', online_url: '' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('结束时间要晚于开始时间'));
  assert.ok(r.text.includes('报名截止时间不能晚于活动开始时间'));
  assert.ok(r.text.includes('请填写活动地点'));
  assert.match(r.text, /value="保留标题"/);
  r = await publish(s, { dept: 'mzj' });
  assert.equal(r.status, 422, 'staff publish only for their own department');
  assert.ok(r.text.includes('只能为本部门发布活动'));
  assert.equal(psql('SELECT count(*) FROM om_activities'), before);
  const a = await admin();
  r = await publish(a, { dept: 'mzj' });
  assert.equal(r.status, 303, 'an admin publishes for any department');
});

test('the iCalendar file: CRLF lines, escaped text, UTC times, folded lines', async () => {
  const s = await staff();
  const r = await publish(s, { title: '开放日, 第一场; 欢迎\\参加', description: '多行\n说明'.repeat(20), starts_at: '2030-08-15 09:30', ends_at: '2030-08-15 11:00', signup_until: '2030-08-10 17:00' });
  const ics = await new Client().get(`/open-month/${r.id}.ics`);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  const body = ics.text;
  assert.ok(body.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
  assert.ok(body.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n'));
  assert.ok(!/[^\r]\n/.test(body), 'every line ends in CRLF');
  assert.ok(body.includes('DTSTART:20300815T013000Z\r\n'));
  assert.ok(body.includes('DTEND:20300815T030000Z\r\n'));
  assert.ok(body.includes('SUMMARY:开放日\\, 第一场\\; 欢迎\\\\参加\r\n'));
  assert.ok(body.includes(`UID:openmonth-${r.id}@gongkai`));
  for (const line of body.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
  assert.ok(body.replace(/\r\n /g, '').includes('DESCRIPTION:多行\\n说明多行'));
});

// The edit form as the browser sends it back: every field as stored (datetime-local with "T").
function editFields(page) {
  const val = (name) => {
    const m = page.match(new RegExp(`name="${name}"[^>]*value="([^"]*)"`)) || page.match(new RegExp(`name="${name}"[^>]*>([^<]*)</textarea>`));
    return m ? m[1].replace(/&amp;/g, '&') : '';
  };
  return Object.fromEntries(['title', 'starts_at', 'ends_at', 'place', 'online_url', 'capacity', 'signup_until',
    'description', 'accessibility', 'vote_from', 'vote_until'].map((k) => [k, val(k)]));
}

test('staff edit a published activity: the stored values in the form; a change is shown to people signed up, counted in the iCalendar SEQUENCE and audited; more seats go to the people waiting; fewer seats, bad input and other departments are refused', async () => {
  const s = await staff();
  const { id, fields } = await publish(s, { capacity: '2' });
  const [a, b, c] = await citizens(3, `ed${run}`);
  const ra = await signup(a, id);
  await signup(b, id);
  const rc = await signup(c, id);
  assert.equal(status(rc.code), 'waitlisted');
  const edit = `/admin/open-month/${id}/edit`;
  assert.ok((await s.get(`/admin/open-month/${id}`)).text.includes(`href="${edit}"`), 'the desk links to the edit form');
  let page = await s.get(edit);
  assert.equal(page.status, 200);
  const stored = editFields(page.text);
  assert.equal(stored.title, fields.title);
  assert.equal(stored.starts_at, fields.starts_at.replace(' ', 'T'), 'a datetime-local value');
  assert.equal(stored.capacity, '2');
  assert.equal(stored.description, fields.description);
  const edits = () => psql(`SELECT revision, changed_at IS NOT NULL, (SELECT count(*) FROM audit_log WHERE action = 'om_edit' AND object = 'open-month/${id}') FROM om_activities WHERE id = ${id}`);
  // saved unchanged: nothing is stamped
  let r = await postForm(s, edit, edit, stored);
  assert.equal(r.status, 303);
  assert.equal(edits(), '0|f|0');
  assert.ok(!(await a.get(`/open-month/${id}`)).text.includes('id="om-changed"'));
  // bad input: the messages, what was typed kept, nothing stored
  r = await postForm(s, edit, edit, { ...stored, title: '', capacity: '1', place: '区档案馆' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('请填写活动名称'));
  assert.ok(r.text.includes('名额只能增加，不能少于现在的 2 个'));
  assert.ok(r.text.includes('value="区档案馆"'));
  assert.equal(psql(`SELECT title || '|' || place FROM om_activities WHERE id = ${id}`), `${fields.title}|${fields.place}`);
  // another department's staff can neither see nor change it
  const o = await otherStaff();
  assert.equal((await o.get(edit)).status, 403);
  assert.equal((await postForm(o, '/admin', edit, { ...stored, place: '别处' })).status, 403);
  // a new place and time, and one seat more: the first person waiting gets it
  const moved = { ...stored, place: '区档案馆报告厅', starts_at: at(96), ends_at: at(98), capacity: '3' };
  r = await postForm(s, edit, edit, moved);
  assert.equal(r.status, 303);
  assert.equal(r.location, `/admin/open-month/${id}?saved=1`);
  assert.ok((await s.get(r.location)).text.includes('活动信息已保存'));
  assert.equal(edits(), '1|t|1');
  assert.equal(status(rc.code), 'confirmed');
  assert.equal(psql(`SELECT count(*) || '|' || sum(capacity) || '|' || sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${id}`), '3|3|3');
  // what the people signed up see: the notice, the new place, the calendar's SEQUENCE
  const pub = (await a.get(`/open-month/${id}`)).text;
  assert.ok(pub.includes('id="om-changed"'));
  assert.ok(pub.includes('区档案馆报告厅'));
  const ticket = (await a.get(ra.location)).text;
  assert.ok(ticket.includes('id="om-changed"'), 'the ticket says the activity changed');
  assert.ok(ticket.includes('区档案馆报告厅'));
  const ics = (await new Client().get(`/open-month/${id}.ics`)).text;
  assert.ok(ics.includes('SEQUENCE:1\r\n'));
  assert.ok(ics.includes(`DTSTART:${psql(`SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') FROM om_activities WHERE id = ${id}`)}\r\n`));
  // someone signing up after the edit saw the new details already: no notice on their ticket
  const [d] = await citizens(1, `ed2${run}`);
  const rd = await signup(d, id);
  assert.equal(rd.status, 303);
  assert.ok(!(await d.get(rd.location)).text.includes('id="om-changed"'));
  // a form saved on an older capacity is told so (422) ...
  const stale = await s.get(edit);
  psql(`UPDATE om_activities SET capacity = 4 WHERE id = ${id}`);
  let st = tokens(stale.text);
  r = await s.post(edit, { csrf: st.csrf, form_id: st.formId, ...editFields(stale.text), place: '区档案馆二楼' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('不能少于现在的 4 个'));
  // ... and so is one whose save waited for a colleague's edit that made it larger meanwhile
  // (their transaction holds the activity's row while this one checks the form): 409, unchanged
  const again = await s.get(edit);
  st = tokens(again.text);
  const colleague = psqlBackground(`BEGIN; UPDATE om_activities SET capacity = 5 WHERE id = ${id}; SELECT pg_sleep(1.5); COMMIT;`);
  await new Promise((done) => setTimeout(done, 500));
  r = await s.post(edit, { csrf: st.csrf, form_id: st.formId, ...editFields(again.text), place: '区档案馆二楼' });
  assert.equal(await colleague, 0);
  assert.equal(r.status, 409);
  assert.ok(r.text.includes('其他工作人员已经修改了这个活动'));
  assert.equal(psql(`SELECT capacity || '|' || place FROM om_activities WHERE id = ${id}`), '5|区档案馆报告厅');
  // PostgreSQL holds the rules even without the application: no shrinking, no other columns
  assert.throws(() => psqlApp(`UPDATE om_activities SET capacity = 2 WHERE id = ${id}`), /cannot shrink/);
  assert.throws(() => psqlApp(`UPDATE om_activities SET dept_id = dept_id WHERE id = ${id}`), /permission denied/);
  // once it has ended it stays as it was
  psql(`UPDATE om_activities SET signup_until = now() - interval '3 hours', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = ${id}`);
  assert.equal((await s.get(edit)).status, 409);
  assert.ok(!(await s.get(`/admin/open-month/${id}`)).text.includes(`href="${edit}"`));
});

test('staff call off a whole activity (a typhoon): reason and confirmation asked, nothing stored without them; then no sign-up, vote, check-in, cancel or edit; every ticket, /me and the calendars say so with the reason; audited once', async () => {
  const s = await staff();
  const { id, fields } = await publish(s, { capacity: '1' });
  const [a, b, c] = await citizens(3, `co${run}`);
  const ra = await signup(a, id, '取消甲');
  const rb = await signup(b, id, '取消乙');
  assert.equal(status(rb.code), 'waitlisted');
  const signed = byId((await a.get(ra.location)).text, 'ticket-signed');
  const desk = `/admin/open-month/${id}`;
  const off = `${desk}/call-off`;
  assert.ok((await s.get(desk)).text.includes(`href="${off}"`), 'the desk links to the call-off form');
  let page = await s.get(off);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('现在有 1 人报名成功，1 人候补'));
  assert.ok(page.text.includes(`href="${desk}/signups.csv"`), 'points to the door list to phone people');
  const state = () => psql(`SELECT coalesce(called_off_reason, '-') || '|' || revision || '|' || (SELECT count(*) FROM audit_log WHERE action = 'om_call_off' AND object = 'open-month/${id}') FROM om_activities WHERE id = ${id}`);
  // nothing without a reason and the box ticked; what was typed is kept
  let r = await postForm(s, off, off, {});
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('请填写取消原因'));
  assert.ok(r.text.includes('请勾选确认'));
  r = await postForm(s, off, off, { reason: '受台风“贝碧嘉”影响' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('受台风“贝碧嘉”影响'), 'the reason typed is kept');
  r = await postForm(s, off, off, { reason: '长'.repeat(501), confirm: '1' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('不能超过 500 个字'));
  assert.equal(state(), '-|0|0');
  // not another department's staff
  const o = await otherStaff();
  assert.equal((await o.get(off)).status, 403);
  assert.equal((await postForm(o, '/admin', off, { reason: '别的部门', confirm: '1' })).status, 403);
  assert.equal(state(), '-|0|0');
  // called off; the same form pressed again gets the same answer, once audited
  const reason = '受台风“贝碧嘉”影响，为安全起见取消本次活动，改期另行通知。';
  const t = tokens((await s.get(off)).text);
  r = await s.post(off, { csrf: t.csrf, form_id: t.formId, reason, confirm: '1' });
  assert.equal(r.status, 303);
  assert.equal(r.location, desk);
  assert.equal((await s.post(off, { csrf: t.csrf, form_id: t.formId, reason, confirm: '1' })).location, desk);
  assert.equal(state(), `${reason}|1|1`);
  assert.equal(psql(`SELECT string_agg(status, ',' ORDER BY id) FROM om_signups WHERE activity_id = ${id}`), 'confirmed,waitlisted', 'the record of who had a seat stays');
  const deskAfter = (await s.get(desk)).text;
  assert.match(byId(deskAfter, 'om-called-off'), /本活动已于 \d{4}-\d\d-\d\d \d\d:\d\d 取消/);
  assert.ok(!deskAfter.includes(`href="${off}"`) && !deskAfter.includes(`href="${desk}/edit"`));
  assert.equal((await s.get(off)).status, 409);
  assert.equal((await s.get(`${desk}/edit`)).status, 409);
  // the public page: the notice and the reason, no sign-up form; a sign-up is refused and stores nothing
  const pub = (await c.get(`/open-month/${id}`)).text;
  assert.ok(byId(pub, 'om-called-off').includes(reason));
  assert.ok(!pub.includes(`action="/open-month/${id}/signup"`));
  r = await signup(c, id, '取消丙');
  assert.equal(r.status, 409);
  assert.ok(r.text.includes('这个活动已经取消，无法报名'));
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '2');
  assert.ok((await c.get(`/open-month?year=${fields.starts_at.slice(0, 4)}`)).text.includes('活动已取消'));
  // tickets: the notice with the reason, no entry code, no cancel button; cancelling is refused
  for (const [who, rr] of [[a, ra], [b, rb]]) {
    const tk = await who.get(rr.location);
    assert.ok(byId(tk.text, 'om-called-off').includes(reason));
    assert.ok(!tk.text.includes('id="ticket-signed"'), 'no entry code');
    assert.match(tk.text, /<strong>活动已取消（原为：(报名成功|候补中)）<\/strong>/, 'not "报名成功" alone');
    assert.ok(!tk.text.includes(`${rr.location}/cancel`));
    const tt = tokens(tk.text);
    r = await who.post(`${rr.location}/cancel`, { csrf: tt.csrf, form_id: tt.formId });
    assert.equal(r.status, 409);
    assert.ok(r.text.includes('报名无需再取消'));
  }
  assert.equal((await postForm(s, `${desk}/tickets/${ra.code}`, `${desk}/tickets/${ra.code}/cancel`)).status, 409);
  const meRow = new RegExp(`id="om-ticket-${ra.code}"[\\s\\S]*?</tr>`).exec((await a.get('/me')).text)[0];
  assert.ok(meRow.includes('（活动已取消）'), meRow);
  // check-in is refused, with the reason
  r = await postForm(s, desk, `${desk}/checkin`, { code: signed });
  assert.equal(r.status, 409);
  assert.match(byId(r.text, 'checkin-result'), /活动已取消，不能签到/);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND checked_in_at IS NOT NULL`), '0');
  // votes: even inside the window, none
  psql(`UPDATE om_activities SET vote_from = now() - interval '1 hour' WHERE id = ${id}`);
  r = await postForm(a, `/open-month/${id}`, `/open-month/${id}/vote`);
  assert.equal(r.status, 409);
  assert.ok(r.text.includes('这个活动已经取消，不能投票'));
  assert.equal(psql(`SELECT count(*) FROM om_votes WHERE activity_id = ${id}`), '0');
  // calendars: the event stays, struck through, with a higher SEQUENCE and the reason
  const ics = (await new Client().get(`/open-month/${id}.ics`)).text;
  assert.ok(ics.includes('STATUS:CANCELLED\r\n'));
  assert.ok(ics.includes('SEQUENCE:1\r\n'));
  assert.ok(ics.replace(/\r\n /g, '').includes('本活动已于'));
  const href = /<a href="(\/open-month\/calendar\/[^"]+\.ics)">/.exec((await a.get('/me')).text)[1];
  const feed = (await new Client().get(href)).text;
  assert.ok(feed.includes(`UID:openmonth-${id}@gongkai\r\n`) && feed.includes('STATUS:CANCELLED\r\n'));
  // PostgreSQL keeps the three together: no call-off without its reason
  assert.throws(() => psqlApp(`UPDATE om_activities SET called_off_reason = NULL WHERE id = ${id}`), /om_activities_called_off/);
  // an activity that has ended cannot be called off
  const { id: past } = await publish(s, { capacity: '1' });
  psql(`UPDATE om_activities SET signup_until = now() - interval '3 hours', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = ${past}`);
  assert.equal((await s.get(`/admin/open-month/${past}/call-off`)).status, 409);
  assert.equal((await postForm(s, `/admin/open-month/${past}`, `/admin/open-month/${past}/call-off`, { reason: '迟了', confirm: '1' })).status, 409);
  assert.equal(psql(`SELECT called_off_at IS NULL FROM om_activities WHERE id = ${past}`), 't');
});

test('more seats while people sign up at once: 20 seats added as 20 newcomers sign up; the 10 already waiting are all seated first, 10 newcomers wait 1-10', { timeout: 240000 }, async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '10' });
  const people = await citizens(40, `eg${run}`);
  const forms = await Promise.all(people.map(async (c) => tokens((await c.get(`/open-month/${id}`)).text)));
  const post = (i) => people[i].post(`/open-month/${id}/signup`, { csrf: forms[i].csrf, form_id: forms[i].formId, name: `扩容${i}`, phone: phone() });
  const first = await Promise.all(people.slice(0, 20).map((_, i) => post(i)));
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND status = 'waitlisted'`), '10');
  const edit = `/admin/open-month/${id}/edit`;
  const page = await s.get(edit);
  const t = tokens(page.text);
  const [grown, ...late] = await Promise.all([
    s.post(edit, { csrf: t.csrf, form_id: t.formId, ...editFields(page.text), capacity: '30' }),
    ...people.slice(20).map((_, i) => post(20 + i)),
  ]);
  assert.equal(grown.status, 303);
  assert.deepEqual([...first, ...late].map((r) => r.status), Array(40).fill(303));
  const rows = psql(`SELECT name, status FROM om_signups WHERE activity_id = ${id} ORDER BY id`).split('\n').map((l) => l.split('|'));
  assert.deepEqual(rows.filter(([n]) => Number(n.slice(2)) < 20).map(([, st]) => st), Array(20).fill('confirmed'), 'nobody who was waiting is passed by a newcomer');
  assert.equal(rows.filter(([, st]) => st === 'confirmed').length, 30);
  assert.equal(psql(`SELECT sum(capacity) || '|' || sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${id}`), '30|30');
  const positions = await Promise.all(late.map(async (r, i) => {
    const p = await people[20 + i].get(r.location);
    return byId(p.text, 'ticket-status') === 'waitlisted' ? Number(byId(p.text, 'waitlist-position')) : null;
  }));
  assert.deepEqual(positions.filter((p) => p !== null).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1));
});

test('sign-up: confirmed, then waitlisted with a position; the phone is sealed and masked', async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '1' });
  const [a, b, c] = await citizens(3, `su${run}`);
  const ra = await signup(a, id, '甲');
  assert.equal(ra.status, 303);
  assert.match(ra.location, /^\/me\/tickets\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const ta = await a.get(ra.location);
  assert.equal(byId(ta.text, 'ticket-status'), 'confirmed');
  assert.equal(byId(ta.text, 'waitlist-position'), null);
  assert.ok(ta.text.includes(`${ra.phone.slice(0, 3)}****${ra.phone.slice(7)}`));
  assert.ok(!ta.text.includes(ra.phone), 'the full number is not shown');
  const rb = await signup(b, id, '乙');
  const rc = await signup(c, id, '丙');
  const tb = await b.get(rb.location);
  assert.equal(byId(tb.text, 'ticket-status'), 'waitlisted');
  assert.equal(byId(tb.text, 'waitlist-position'), '1');
  assert.equal(byId(tb.text, 'ticket-signed'), null, 'no signed code while waiting');
  const ci = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/checkin`, { code: rb.code });
  assert.equal(ci.status, 409);
  assert.match(byId(ci.text, 'checkin-result'), /还在候补中/);
  assert.equal(byId((await c.get(rc.location)).text, 'waitlist-position'), '2');
  const stored = psql(`SELECT encode(phone_enc, 'escape') || phone_masked || name FROM om_signups WHERE code = '${ra.code}'`);
  assert.ok(!stored.includes(ra.phone), 'sealed at rest');
  // someone else's ticket is not found
  assert.equal((await b.get(ra.location)).status, 404);
  const page = await new Client().get(`/open-month/${id}`);
  assert.equal(byId(page.text, 'seats-left'), '0');
  assert.match(page.text, /2 人候补/);
});

test('sign-up: every validation message, nothing stored; anonymous 401', async () => {
  const s = await staff();
  const { id } = await publish(s);
  const [c] = await citizens(1, `val${run}`);
  let r = await signup(c, id, '', '');
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('请填写姓名'));
  assert.ok(r.text.includes('请填写手机号'));
  r = await signup(c, id, '名'.repeat(51), '12345');
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('姓名不能超过 50 个字'));
  assert.ok(r.text.includes('请填写 11 位手机号'));
  assert.match(r.text, /name="phone" type="tel" value="12345"/);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '0');
  const anon = new Client();
  const t = tokens((await anon.get(`/open-month/${id}`)).text);
  assert.equal(t.formId, null, 'no sign-up form for anonymous visitors');
  assert.equal((await anon.post(`/open-month/${id}/signup`, { csrf: 'x', name: 'a', phone: '13800138000' })).status, 401);
});

test('double sign-up, same account or same phone, is refused; a repeated form_id answers the same 303', async () => {
  const s = await staff();
  const { id } = await publish(s);
  const [a, b] = await citizens(2, `dup${run}`);
  const first = await signup(a, id);
  assert.equal(first.status, 303);
  const again = await signup(a, id);
  assert.equal(again.status, 409);
  assert.ok(again.text.includes('不能重复报名'));
  const samePhone = await signup(b, id, '别人', first.phone);
  assert.equal(samePhone.status, 409);
  // five at once with one nonce: one sign-up, five identical answers
  const page = await b.get(`/open-month/${id}`);
  const t = tokens(page.text);
  const ph = phone();
  const rs = await Promise.all([1, 2, 3, 4, 5].map(() => b.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: '双击', phone: ph })));
  for (const r of rs) assert.equal(r.status, 303);
  assert.equal(new Set(rs.map((r) => r.location)).size, 1);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '2');
  // cancelled, then the same form sent again (the back button): the first answer, no new sign-up
  const code = rs[0].location.split('/').pop();
  const ct = tokens((await b.get(rs[0].location)).text);
  assert.equal((await b.post(`${rs[0].location}/cancel`, { csrf: ct.csrf, form_id: ct.formId })).status, 303);
  assert.equal(status(code), 'cancelled');
  const resent = await b.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: '双击', phone: ph });
  assert.equal(resent.status, 303);
  assert.equal(resent.location, rs[0].location);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '2');
  // a fresh form signs the same person up again
  const fresh = await signup(b, id, '双击', ph);
  assert.equal(fresh.status, 303);
  assert.notEqual(fresh.location, rs[0].location);
  assert.equal(status(fresh.code), 'confirmed');
});

test('sign-up with a session revoked meanwhile (logged out everywhere): 401, asked to log in, nothing stored', async () => {
  // The sign-up checks the session in its own statement (RF_EPOCH), not
  // before it: a token whose account has moved on must still make nothing.
  const s = await staff();
  const { id } = await publish(s);
  const [c] = await citizens(1, `rev${run}`);
  const t = tokens((await c.get(`/open-month/${id}`)).text);
  assert.ok(t.formId, 'the form is there while the session is valid');
  psql(`UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ${c.uid}`);
  const r = await c.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: '已退出', phone: phone() });
  assert.equal(r.status, 401);
  assert.ok(r.text.includes('登录已失效，请重新登录后再提交'));
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '0');
  assert.equal(psql(`SELECT count(*) FROM form_submissions WHERE form_id = '${t.formId}'`), '0');
  // a forged token is refused before anything else
  const forged = new Client();
  forged.jar.set('gk_sess', c.jar.get('gk_sess').slice(0, -4) + 'AAAA');
  forged.jar.set('gk_pre', c.jar.get('gk_pre'));
  assert.equal((await forged.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: '伪造', phone: phone() })).status, 401);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '0');
});

test('sign-up after the deadline is refused and stores nothing', async () => {
  const s = await staff();
  const { id } = await publish(s);
  psql(`UPDATE om_activities SET signup_until = now() - interval '1 minute' WHERE id = ${id}`);
  const [c] = await citizens(1, `late${run}`);
  // the form is gone from the page; a stale form is refused
  const page = await c.get(`/open-month/${id}`);
  assert.ok(page.text.includes('报名已截止'));
  const t = tokens((await c.get('/account/login')).text);
  const r = await c.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: '迟到', phone: phone() });
  assert.equal(r.status, 409);
  assert.ok(r.text.includes('截止'));
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '0');
});

test('200 people sign up at once for 20 seats: exactly 20 confirmed, 180 waiting 1-180; 10 cancel at once: the first 10 waiting are confirmed', { timeout: 240000 }, async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '20' });
  const people = await citizens(200, `cc${run}`);
  // each browser fetches the page (csrf, form_id), then all post at once
  const forms = [];
  for (let i = 0; i < people.length; i += 50)
    forms.push(...await Promise.all(people.slice(i, i + 50).map(async (c) => tokens((await c.get(`/open-month/${id}`)).text))));
  const rs = await Promise.all(people.map((c, i) => c.post(`/open-month/${id}/signup`, { csrf: forms[i].csrf, form_id: forms[i].formId, name: `并发${i}`, phone: phone() })));
  for (const r of rs) assert.equal(r.status, 303, r.text.slice(0, 200));
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND status = 'confirmed'`), '20');
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND status = 'waitlisted'`), '180');
  assert.equal(psql(`SELECT sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${id}`), '20');
  const tickets = [];
  for (let i = 0; i < people.length; i += 50)
    tickets.push(...await Promise.all(people.slice(i, i + 50).map(async (c, j) => {
      const loc = rs[i + j].location;
      const t = await c.get(loc);
      return { c, code: loc.split('/').pop(), st: byId(t.text, 'ticket-status'), pos: Number(byId(t.text, 'waitlist-position')) };
    })));
  const waiting = tickets.filter((t) => t.st === 'waitlisted').sort((x, y) => x.pos - y.pos);
  assert.deepEqual(waiting.map((t) => t.pos), Array.from({ length: 180 }, (_, i) => i + 1), 'positions 1-180, no gaps');
  // ten confirmed people cancel at once
  const leaving = tickets.filter((t) => t.st === 'confirmed').slice(0, 10);
  const cs = await Promise.all(leaving.map(async (t) => {
    const f = tokens((await t.c.get(`/me/tickets/${t.code}`)).text);
    return t.c.post(`/me/tickets/${t.code}/cancel`, { csrf: f.csrf, form_id: f.formId });
  }));
  for (const r of cs) assert.equal(r.status, 303);
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND status = 'confirmed'`), '20');
  const now = new Map(psql(`SELECT code, status FROM om_signups WHERE activity_id = ${id}`).split('\n').map((l) => l.split('|')));
  for (const t of waiting.slice(0, 10)) assert.equal(now.get(t.code), 'confirmed', `position ${t.pos} promoted`);
  for (const t of waiting.slice(10)) assert.equal(now.get(t.code), 'waitlisted');
  const after = [];
  for (let i = 10; i < waiting.length; i += 50)
    after.push(...await Promise.all(waiting.slice(i, i + 50).map(async (t) => Number(byId((await t.c.get(`/me/tickets/${t.code}`)).text, 'waitlist-position')))));
  assert.deepEqual(after, Array.from({ length: 170 }, (_, i) => i + 1));
  // even a statement that skips the application cannot overbook
  assert.throws(() => psqlApp(`UPDATE om_signups SET status = 'confirmed' WHERE activity_id = ${id} AND status = 'waitlisted'`), /check constraint|violates/);
  assert.throws(() => psqlApp(`UPDATE om_seat_blocks SET confirmed = 0 WHERE activity_id = ${id}`), /permission denied/);
  assert.throws(() => psqlApp(`UPDATE om_signups SET status = 'confirmed', block = 0 WHERE activity_id = ${id} AND status = 'waitlisted'`), /check constraint|violates/);
});

test('the seat functions run as their owner, yet a caller cannot point them at tables of its own', async () => {
  // om_take_seat and the counting trigger run with the owner's rights (the
  // app may not write the counters) and name every table with its schema
  // (schema 0080). First line of defence: the app's role can create no
  // table anywhere, temporary ones included.
  assert.throws(() => psqlApp('CREATE TEMP TABLE om_seat_blocks (block smallint)'), /permission denied/);
  assert.throws(() => psqlApp('CREATE TABLE public.om_seat_blocks2 (block smallint)'), /permission denied/);
  // Second: a session that can (here the superuser, whose temporary tables
  // come first for unqualified names) still gets the real tables.
  const a = await publish(await staff(), { capacity: '3' });
  assert.equal(a.status, 303);
  const first = psql(`SELECT min(block) FROM om_seat_blocks WHERE activity_id = ${a.id}`);
  const user = psql(`SELECT id FROM users WHERE role = 'citizen' ORDER BY id LIMIT 1`);
  const shadows = `CREATE TEMP TABLE om_seat_blocks (activity_id bigint, block smallint, confirmed integer, capacity integer);
    INSERT INTO om_seat_blocks VALUES (${a.id}, 99, 0, 1000);
    CREATE TEMP TABLE om_signups (activity_id bigint, status text);
    CREATE TEMP TABLE om_activities (id bigint);`;
  assert.equal(psql(`${shadows} SELECT om_take_seat(${a.id});`), first);
  const counted = psql(`${shadows}
    INSERT INTO public.om_signups (activity_id, code, user_id, name, phone_enc, phone_hash, phone_masked, status, block)
    VALUES (${a.id}, 'TEMP-TB${run.slice(-2).toUpperCase().replace(/[^A-Z2-9]/g, 'Z')}', ${user}, '影子表', '\\x00', sha256('${run}'::bytea), '137****0000', 'confirmed', ${first});
    SELECT confirmed FROM pg_temp.om_seat_blocks;`);
  assert.equal(counted, '0', 'the temporary table was not counted');
  assert.equal(psql(`SELECT sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${a.id}`), '1', 'the real counter was');
});

test('seats held in blocks: 120 sign up at once for 40 seats, then 15 cancel while 30 more sign up: never overbooked, the waiting list served in order', { timeout: 240000 }, async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '40' });
  const blocks = () => psql(`SELECT count(*), sum(capacity), sum(confirmed), bool_and(confirmed <= capacity) FROM om_seat_blocks WHERE activity_id = ${id}`);
  assert.equal(blocks(), '16|40|0|t', '40 seats cut into 16 blocks');
  const people = await citizens(150, `cb${run}`);
  const form = async (c, path) => tokens((await c.get(path)).text);
  const first = people.slice(0, 120);
  const forms = [];
  for (let i = 0; i < first.length; i += 40)
    forms.push(...await Promise.all(first.slice(i, i + 40).map((c) => form(c, `/open-month/${id}`))));
  const rs = await Promise.all(first.map((c, i) => c.post(`/open-month/${id}/signup`, { csrf: forms[i].csrf, form_id: forms[i].formId, name: `分块${i}`, phone: phone() })));
  for (const r of rs) assert.equal(r.status, 303, r.text.slice(0, 200));
  assert.equal(blocks(), '16|40|40|t');
  const row = (sql) => psql(sql).split('\n').filter(Boolean).map((l) => l.split('|'));
  const waitingBefore = row(`SELECT code FROM om_signups WHERE activity_id = ${id} AND status = 'waitlisted' ORDER BY deprioritised, id`).map((r) => r[0]);
  assert.equal(waitingBefore.length, 80);
  // 15 confirmed people cancel while 30 newcomers sign up, all at once
  const codeOf = (r) => r.location.split('/').pop();
  const confirmed = new Set(row(`SELECT code FROM om_signups WHERE activity_id = ${id} AND status = 'confirmed'`).map((r) => r[0]));
  const leavers = first.map((c, i) => ({ c, code: codeOf(rs[i]) })).filter((t) => confirmed.has(t.code)).slice(0, 15);
  const late = people.slice(120);
  const cancelForms = await Promise.all(leavers.map((t) => form(t.c, `/me/tickets/${t.code}`)));
  const lateForms = await Promise.all(late.map((c) => form(c, `/open-month/${id}`)));
  const mixed = await Promise.all([
    ...leavers.map((t, i) => t.c.post(`/me/tickets/${t.code}/cancel`, { csrf: cancelForms[i].csrf, form_id: cancelForms[i].formId })),
    ...late.map((c, i) => c.post(`/open-month/${id}/signup`, { csrf: lateForms[i].csrf, form_id: lateForms[i].formId, name: `后来${i}`, phone: phone() })),
  ]);
  for (const r of mixed) assert.equal(r.status, 303, r.text.slice(0, 200));
  assert.equal(blocks(), '16|40|40|t', 'still exactly 40 confirmed, no block over its size');
  const now = new Map(row(`SELECT code, status FROM om_signups WHERE activity_id = ${id}`));
  // the freed seats went to the first 15 who were waiting, never to a newcomer
  for (const c of waitingBefore.slice(0, 15)) assert.equal(now.get(c), 'confirmed');
  for (const c of waitingBefore.slice(15)) assert.equal(now.get(c), 'waitlisted');
  for (const r of mixed.slice(15)) assert.equal(now.get(codeOf(r)), 'waitlisted', 'a newcomer joins the end of the list');
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id} AND status = 'waitlisted'`), '95');
  // the newcomers are behind everyone who was already waiting
  const order = row(`SELECT code FROM om_signups WHERE activity_id = ${id} AND status = 'waitlisted' ORDER BY deprioritised, id`).map((r) => r[0]);
  assert.deepEqual(order.slice(0, 65), waitingBefore.slice(15));
});

test('cancel frees the seat and confirms the first person waiting, who sees it on /me', async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '1' });
  const [a, b] = await citizens(2, `cx${run}`);
  const ra = await signup(a, id);
  const rb = await signup(b, id);
  assert.equal(status(rb.code), 'waitlisted');
  const t = tokens((await a.get(ra.location)).text);
  const r = await a.post(`${ra.location}/cancel`, { csrf: t.csrf, form_id: t.formId });
  assert.equal(r.status, 303);
  assert.equal(r.location, ra.location);
  assert.equal(byId((await a.get(ra.location)).text, 'ticket-status'), 'cancelled');
  assert.equal(byId((await b.get(rb.location)).text, 'ticket-status'), 'confirmed');
  const me = await b.get('/me');
  assert.match(me.text, new RegExp(`id="om-ticket-${rb.code}"[\\s\\S]*?报名成功[\\s\\S]*?已由候补转为正式`));
  // cancelling again changes nothing; another citizen cannot cancel it
  assert.equal((await a.post(`${ra.location}/cancel`, { csrf: t.csrf, form_id: t.formId })).status, 303);
  assert.equal((await a.post(`${rb.location}/cancel`, { csrf: t.csrf, form_id: t.formId })).status, 404);
  assert.equal(status(rb.code), 'confirmed');
  // the one seat is taken: a statement that skips the application cannot seat anyone else,
  // neither in the activity's only block nor in a block it does not have
  assert.throws(() => psqlApp(`UPDATE om_signups SET status = 'confirmed', block = 0 WHERE code = '${ra.code}'`), /check constraint/);
  assert.throws(() => psqlApp(`UPDATE om_signups SET status = 'confirmed', block = 3 WHERE code = '${ra.code}'`), /has no seat block 3/);
  assert.equal(status(ra.code), 'cancelled');
});

test('check-in: by ticket number or signed code, once; a second try says when; forged, other activity and cancelled codes refused', async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '3' });
  const { id: other } = await publish(s, { capacity: '3' });
  const [a, b, c] = await citizens(3, `ci${run}`);
  const ra = await signup(a, id, '签到甲');
  const rb = await signup(b, id, '签到乙');
  const ro = await signup(c, other, '别场');
  const ticket = await a.get(ra.location);
  const signed = byId(ticket.text, 'ticket-signed');
  assert.equal(signed.length, 99);
  const desk = `/admin/open-month/${id}`;
  let r = await postForm(s, desk, `${desk}/checkin`, { code: signed });
  assert.equal(r.status, 303);
  const done = await s.get(r.location);
  assert.match(byId(done.text, 'checkin-result'), /签到成功：签到甲/);
  r = await postForm(s, desk, `${desk}/checkin`, { code: ra.code.toLowerCase().replace('-', '') });
  assert.equal(r.status, 409);
  assert.match(byId(r.text, 'checkin-result'), /已于 \d{4}-\d\d-\d\d \d\d:\d\d 签到过/);
  // checked in (the door opened before the start): no longer cancellable, by the person or by staff
  const inPage = await a.get(ra.location);
  assert.ok(!inPage.text.includes(`${ra.location}/cancel`), 'no cancel button once checked in');
  const ta = tokens(inPage.text);
  r = await a.post(`${ra.location}/cancel`, { csrf: ta.csrf, form_id: ta.formId });
  assert.equal(r.status, 409);
  assert.match(r.text, /已于 \d{4}-\d\d-\d\d \d\d:\d\d 签到，不能再取消/);
  const staffTicket = `${desk}/tickets/${ra.code}`;
  assert.equal((await postForm(s, staffTicket, `${staffTicket}/cancel`)).status, 409);
  assert.equal(status(ra.code), 'confirmed');
  const flip = signed.slice(0, 20) + (signed[20] === 'A' ? 'B' : 'A') + signed.slice(21);
  r = await postForm(s, desk, `${desk}/checkin`, { code: flip });
  assert.equal(r.status, 422);
  assert.match(byId(r.text, 'checkin-result'), /伪造|签名不正确|格式不对/);
  const otherSigned = byId((await c.get(ro.location)).text, 'ticket-signed');
  r = await postForm(s, desk, `${desk}/checkin`, { code: otherSigned });
  assert.equal(r.status, 409);
  assert.match(byId(r.text, 'checkin-result'), /另一场活动/);
  r = await postForm(s, desk, `${desk}/checkin`, { code: ro.code });
  assert.equal(r.status, 409);
  assert.match(byId(r.text, 'checkin-result'), /另一场活动/);
  const bPage = (await b.get(rb.location)).text;
  const bSigned = byId(bPage, 'ticket-signed');
  const t = tokens(bPage);
  await b.post(`${rb.location}/cancel`, { csrf: t.csrf, form_id: t.formId });
  for (const code of [rb.code, bSigned]) {
    r = await postForm(s, desk, `${desk}/checkin`, { code });
    assert.equal(r.status, 409);
    assert.match(byId(r.text, 'checkin-result'), /已经取消/, 'a cancelled ticket, by number or by its still well-signed code');
  }
  r = await postForm(s, desk, `${desk}/checkin`, { code: 'ZZZZ-ZZZZ' });
  assert.equal(r.status, 422);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_checkin' AND object = 'open-month/${id}'`), '1');
  // the public key lets a device verify offline: Ed25519 over version,
  // key id, activity and sign-up, checked here without the server
  const key = await new Client().get('/open-month/ticket-key');
  const [, kid, hex] = /^(\d+) ([0-9a-f]{64})$/m.exec(key.text);
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
  const raw = Buffer.from(signed, 'base64url');
  assert.equal(raw.length, 74);
  const [payload, sig] = [raw.subarray(0, 10), raw.subarray(10)];
  assert.ok(verify(null, payload, pub, sig), 'verifies with the public key alone');
  assert.equal(payload[1], Number(kid));
  assert.equal(payload.readUInt32BE(2), id);
  assert.equal(String(payload.readUInt32BE(6)), psql(`SELECT id FROM om_signups WHERE code = '${ra.code}'`));
  const forged = Buffer.from(payload);
  forged.writeUInt32BE(other, 2);
  assert.ok(!verify(null, forged, pub, sig), 'another activity id breaks the signature');
});

test('staff of another department cannot see or act on the activity; admins can', async () => {
  const s = await staff();
  const { id } = await publish(s);
  const o = await otherStaff();
  assert.equal((await o.get(`/admin/open-month/${id}`)).status, 403);
  assert.equal((await o.get(`/admin/open-month/${id}/signups.csv`)).status, 403);
  assert.equal((await postForm(o, '/admin', `/admin/open-month/${id}/checkin`, { code: 'ABCD-EFGH' })).status, 403);
  assert.equal((await (await admin()).get(`/admin/open-month/${id}`)).status, 200);
  const [c] = await citizens(1, `acc${run}`);
  assert.equal((await c.get(`/admin/open-month/${id}`)).status, 403);
  const list = await o.get('/admin/open-month');
  assert.ok(!list.text.includes(`/admin/open-month/${id}"`), 'not in the other department\'s list');
});

test('the door list: CSV with BOM and header, full phones, formulas neutralised, each download audited', async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '1' });
  const [a, b] = await citizens(2, `csv${run}`);
  const ra = await signup(a, id, '=HYPERLINK("http://evil")');
  const rb = await signup(b, id, '李四');
  const before = Number(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_csv_download' AND object = 'open-month/${id}'`));
  const res = await fetch(`http://127.0.0.1:${process.env.GONGKAI_PORT || 8281}/admin/open-month/${id}/signups.csv`, { headers: { cookie: s.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0], 'code,name,phone,status,position,checked_in_at');
  assert.equal(lines[1], `${ra.code},"'=HYPERLINK(""http://evil"")",${ra.phone},confirmed,,`);
  assert.equal(lines[2], `${rb.code},李四,${rb.phone},waitlisted,1,`);
  assert.equal(Number(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_csv_download' AND object = 'open-month/${id}'`)), before + 1);
});

test('votes: one per citizen per activity even at once, only inside the window; the ranking orders by votes', async () => {
  const s = await staff();
  const { id: x } = await publish(s, { title: `投票甲 ${run}`, starts_at: '2031-08-10 09:00', ends_at: '2031-08-10 10:00', signup_until: '2031-08-01 09:00', vote_from: at(-1), vote_until: at(24) });
  const { id: y } = await publish(s, { title: `投票乙 ${run}`, starts_at: '2031-08-11 09:00', ends_at: '2031-08-11 10:00', signup_until: '2031-08-01 09:00', vote_from: at(-1), vote_until: at(24) });
  const { id: closed } = await publish(s, { starts_at: '2031-08-12 09:00', ends_at: '2031-08-12 10:00', signup_until: '2031-08-01 09:00', vote_from: at(2), vote_until: at(24) });
  const [a, b] = await citizens(2, `vote${run}`);
  const page = await a.get(`/open-month/${y}`);
  const t = tokens(page.text);
  const many = await Promise.all(Array.from({ length: 10 }, () => postForm(a, `/open-month/${y}`, `/open-month/${y}/vote`)));
  for (const r of many) assert.ok([303, 409].includes(r.status), String(r.status));
  assert.equal(psql(`SELECT count(*) FROM om_votes WHERE activity_id = ${y}`), '1');
  assert.equal((await postForm(b, `/open-month/${y}`, `/open-month/${y}/vote`)).status, 303);
  assert.equal((await postForm(b, `/open-month/${x}`, `/open-month/${x}/vote`)).status, 303);
  const again = await postForm(b, `/open-month/${y}`, `/open-month/${y}/vote`);
  assert.equal(again.status, 409);
  assert.ok(again.text.includes('投过票'));
  const early = await postForm(b, `/open-month/${closed}`, `/open-month/${closed}/vote`);
  assert.equal(early.status, 409);
  assert.ok(early.text.includes('不在投票时间内'));
  assert.equal(byId((await new Client().get(`/open-month/${y}`)).text, 'vote-count'), '2');
  const rank = await new Client().get('/open-month/ranking?year=2031');
  assert.equal(rank.status, 200);
  const iy = rank.text.indexOf(`投票乙 ${run}`), ix = rank.text.indexOf(`投票甲 ${run}`);
  assert.ok(iy > 0 && ix > iy, 'more votes first');
  void t;
});

test('代办: staff sign up an elderly citizen with name and phone; the printable ticket; audited', async () => {
  const s = await staff();
  const { id } = await publish(s);
  const ph = phone();
  let r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/signup`, { name: '张奶奶', phone: ph });
  assert.equal(r.status, 303);
  assert.match(r.location, new RegExp(`^/admin/open-month/${id}/tickets/[A-Z2-9]{4}-[A-Z2-9]{4}$`));
  const t = await s.get(r.location);
  assert.equal(byId(t.text, 'ticket-status'), 'confirmed');
  assert.ok(t.text.includes('张奶奶'));
  assert.ok(t.text.includes('打印'));
  assert.equal(byId(t.text, 'ticket-signed').length, 99);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_proxy_signup' AND object = 'open-month/${id}'`), '1');
  r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/signup`, { name: '', phone: '123' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('请填写姓名'));
  r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/signup`, { name: '张奶奶', phone: ph });
  assert.equal(r.status, 409, 'the same phone twice');
  // the refused one left nothing (its transaction undone), and the next 代办 goes through
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE activity_id = ${id}`), '1');
  r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/signup`, { name: '李爷爷', phone: phone() });
  assert.equal(r.status, 303);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_proxy_signup' AND object = 'open-month/${id}'`), '2');
  assert.equal(psql(`SELECT sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${id}`), '2');
});

test('staff cancel a ticket for the person (a 代办 has no account to do it with): the seat goes to the first person waiting, audited; not another department, not once started', async () => {
  const s = await staff();
  const { id } = await publish(s, { capacity: '1' });
  const r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/signup`, { name: '赵奶奶', phone: phone() });
  assert.equal(r.status, 303);
  const code = r.location.split('/').pop();
  const [b] = await citizens(1, `sc${run}`);
  const rb = await signup(b, id);
  assert.equal(status(rb.code), 'waitlisted');
  const action = `${r.location}/cancel`;
  const page = await s.get(r.location);
  assert.ok(page.text.includes(`action="${action}"`), 'the ticket page has the cancel form');
  assert.ok(page.text.includes('代为取消报名'));
  // another department's staff, and a post without the CSRF token, change nothing
  assert.equal((await postForm(await otherStaff(), '/admin', action)).status, 403);
  assert.equal((await s.post(action, { form_id: tokens(page.text).formId })).status, 403);
  assert.equal(status(code), 'confirmed');
  let c = await postForm(s, r.location, action);
  assert.equal(c.status, 303);
  assert.equal(c.location, r.location);
  assert.equal(status(code), 'cancelled');
  assert.equal(byId((await s.get(r.location)).text, 'ticket-status'), 'cancelled');
  assert.ok(!(await s.get(r.location)).text.includes(`action="${action}"`), 'no cancel button on a cancelled ticket');
  assert.equal(byId((await b.get(rb.location)).text, 'ticket-status'), 'confirmed', 'the person waiting got the seat');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_staff_cancel' AND object = 'open-month/${id}'`), '1');
  // a second press answers the same and records nothing more
  c = await postForm(s, r.location, action);
  assert.equal(c.status, 303);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'om_staff_cancel' AND object = 'open-month/${id}'`), '1');
  assert.equal(psql(`SELECT sum(confirmed) FROM om_seat_blocks WHERE activity_id = ${id}`), '1');
  // a ticket of another activity under this activity's address: 404
  const other = await publish(s);
  assert.equal((await postForm(s, r.location, `/admin/open-month/${other.id}/tickets/${rb.code}/cancel`)).status, 404);
  // once the activity has started it is too late, for staff as for the person
  psql(`UPDATE om_activities SET signup_until = now() - interval '2 hours', starts_at = now() - interval '1 hour' WHERE id = ${id}`);
  const late = await postForm(s, r.location, `/admin/open-month/${id}/tickets/${rb.code}/cancel`);
  assert.equal(late.status, 409);
  assert.ok(late.text.includes('活动已经开始'));
  assert.equal(status(rb.code), 'confirmed');
});

test('no-shows: marked after the activity; two in a year put a person behind others on waiting lists, and they are told why', async () => {
  const s = await staff();
  const [p, q] = await citizens(2, `ns${run}`);
  const ph = phone();
  for (let i = 0; i < 2; i++) {
    const { id } = await publish(s, { starts_at: '2032-03-01 09:00', ends_at: '2032-03-01 10:00', signup_until: '2032-02-20 09:00' });
    await signup(p, id, '爽约者', ph);
    psql(`UPDATE om_activities SET signup_until = now() - interval '3 hours', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = ${id}`);
    const r = await postForm(s, `/admin/open-month/${id}`, `/admin/open-month/${id}/no-shows`);
    assert.equal(r.status, 303);
  }
  assert.equal(psql(`SELECT count(*) FROM om_signups WHERE phone_masked = '${ph.slice(0, 3)}****${ph.slice(7)}' AND status = 'no_show'`), '2');
  // the next activity of that year (the no-shows counted are this year's)
  const year = psql(`SELECT extract(year FROM now())::int`);
  psql(`UPDATE om_activities SET starts_at = now() - interval '2 hours' WHERE id IN (SELECT activity_id FROM om_signups WHERE status = 'no_show' AND phone_masked = '${ph.slice(0, 3)}****${ph.slice(7)}')`);
  const { id } = await publish(s, { capacity: '1', starts_at: at(72), ends_at: at(73) });
  const [first] = await citizens(1, `ns2${run}`);
  await signup(first, id);
  const late = await signup(p, id, '爽约者', ph);
  const fine = await signup(q, id, '守约者');
  assert.equal(byId((await q.get(fine.location)).text, 'waitlist-position'), '1');
  const lt = await p.get(late.location);
  assert.equal(byId(lt.text, 'waitlist-position'), '2');
  assert.match(byId(lt.text, 'om-deprioritised'), /今年已有 2 次报名后未到场/, 'told why, with the threshold (GONGKAI_OM_NOSHOW_LIMIT)');
  assert.equal(byId((await q.get(fine.location)).text, 'om-deprioritised'), null);
  void year;
});

test('user text is escaped everywhere it is shown', async () => {
  const s = await staff();
  const { id } = await publish(s, { title: '<script>alert(1)</script>', place: '<b>x</b>' });
  const page = await new Client().get(`/open-month/${id}`);
  assert.ok(!page.text.includes('<script>alert(1)</script>'));
  assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(page.text.includes('&lt;b&gt;x&lt;/b&gt;'));
});

test('the staff home shows the open-month tile with counts', async () => {
  const s = await staff();
  const home = await s.get('/admin');
  assert.match(home.text, /id="om-tile"[\s\S]*?政府开放月[\s\S]*?个活动未结束，已确认 \d+ 人，候补 \d+ 人/);
});

test('the personal calendar feed: confirmed activities only, at a private address without a cookie, retired by logging out everywhere', async () => {
  const s = await staff();
  const { id: a1 } = await publish(s, { capacity: '1', title: `日历甲 ${run}` });
  const { id: a2 } = await publish(s, { capacity: '1', title: `日历乙 ${run}` });
  const { id: a3 } = await publish(s, { capacity: '2', title: `日历丙 ${run}` });
  const [p, q] = await citizens(2, `feed${run}`);
  await signup(q, a2);
  await signup(p, a1);
  assert.equal(status((await signup(p, a2)).code), 'waitlisted');
  const r3 = await signup(p, a3);
  const t = tokens((await p.get(r3.location)).text);
  assert.equal((await p.post(`${r3.location}/cancel`, { csrf: t.csrf, form_id: t.formId })).status, 303);
  const feedOf = async (c) => /<a href="(\/open-month\/calendar\/\d+-[A-Za-z0-9_-]{22}\.ics)">我的开放活动日历<\/a>/.exec((await c.get('/me')).text)[1];
  const href = await feedOf(p);
  const feed = await new Client().get(href);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  assert.ok(feed.text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
  assert.ok(feed.text.includes('X-WR-CALNAME:我的政府开放活动\r\n'));
  assert.ok(feed.text.endsWith('END:VCALENDAR\r\n'));
  assert.ok(!/[^\r]\n/.test(feed.text), 'CRLF lines');
  assert.ok(feed.text.includes(`UID:openmonth-${a1}@gongkai\r\n`), 'the confirmed activity');
  assert.ok(!feed.text.includes(`UID:openmonth-${a2}@gongkai`), 'not the waiting list');
  assert.ok(!feed.text.includes(`UID:openmonth-${a3}@gongkai`), 'not a cancelled sign-up');
  assert.equal(feed.text.split('BEGIN:VEVENT').length - 1, 1);
  // the address is the credential: altered, or another person's id, is not found
  const [, uid, mac] = /(\d+)-([^.]+)\.ics$/.exec(href);
  const flip = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
  assert.equal((await new Client().get(`/open-month/calendar/${uid}-${flip}.ics`)).status, 404);
  assert.equal((await new Client().get(`/open-month/calendar/${q.uid}-${mac}.ics`)).status, 404);
  assert.equal((await new Client().get('/open-month/calendar/x-y.ics')).status, 404);
  assert.notEqual(await feedOf(q), href);
  // logging out everywhere (a new session epoch) retires the old address
  psql(`UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ${uid}`);
  assert.equal((await new Client().get(href)).status, 404);
});
