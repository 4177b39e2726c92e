// Access to records (issue 7, item 5): real records owned by citizen A and
// by one department X, requested by {anonymous, A, another citizen B,
// staff of X, staff of another department Y, admin}. One row per route:
// the owner (for /me/... pages) or X's staff and admins get 200 and see
// the record; everyone else gets 403/404 (a login redirect, or 401 for a
// POST, when anonymous), the answer never holds the record's text, and a
// refused POST changes nothing in the database. Each refused POST is then
// sent by someone allowed, which must get past the access check: proof
// that the refusals were not a CSRF or form failure.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, byId, forgeToken, psql, routeTable, tokens } from '../lib/client.mjs';

const run = Date.now().toString(36);
let seq = 0;
const phone = () => '136' + String((Date.now() % 1e4) * 1e4 + (seq++ % 1e4)).padStart(8, '0').slice(-8);
const secret = (what) => `机密${what}${run}${seq++}`;

// "YYYY-MM-DD HH:MM" in Asia/Shanghai, minutes from now.
function at(minutes) {
  return new Date(Date.now() + (minutes + 8 * 60) * 60e3).toISOString().slice(0, 16).replace('T', ' ');
}

// A resident ID number with a correct GB 11643 check character.
function idCard() {
  const base = '310105' + '19550101' + String(100 + (seq++ % 800)).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base + '10X98765432'[sum % 11];
}

function session(c, row) {
  const [id, epoch, dept, role] = row.split('|');
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: Number(id), role, dept: Number(dept), iat: now, exp: now + 3600, epoch: Number(epoch) }));
  c.uid = Number(id);
  c.dept = Number(dept);
}

// A client with a session for an existing account (no password hashing).
async function asLogin(masked) {
  const c = new Client();
  await c.get('/account/login'); // the pre-session cookie CSRF binds to
  session(c, psql(`SELECT id, session_epoch, coalesce(dept_id, 0), role FROM users WHERE login_masked = '${masked}'`));
  return c;
}

// A citizen made directly in the database.
async function newCitizen(tag) {
  const row = psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
    VALUES ('citizen', decode(md5('${tag}${run}a') || md5('${tag}${run}b'), 'hex'), '\\x00'::bytea,
            'acc-${tag}-${run}', '市民${tag}', '$argon2id$test')
    RETURNING id, session_epoch, 0, role`);
  const c = new Client();
  await c.get('/account/login');
  session(c, row);
  c.phone = phone();
  return c;
}

// csrf and a fresh form_id for c, from a page every role may open.
async function formTokens(c) {
  const page = await c.get(c.jar.has('gk_sess') ? '/me' : '/account/login');
  const t = tokens(page.text);
  assert.ok(t.csrf && t.formId, 'a page with a form');
  return t;
}

async function postAs(c, path, fields = {}) {
  const t = await formTokens(c);
  return c.post(path, { csrf: t.csrf, form_id: t.formId, ...fields });
}

const who = {}; // role name → client
const ROLES = ['anonymous', 'A', 'B', 'X', 'Y', 'admin'];
const staffOf = {}; // department id → demo staff client

before(async () => {
  who.anonymous = new Client();
  await who.anonymous.get('/account/login');
  who.A = await newCitizen('A');
  who.B = await newCitizen('B');
  who.admin = await asLogin('admin');
  for (const l of ['qfb.staff', 'mzj.staff', 'hyl.staff']) {
    const c = await asLogin(l);
    staffOf[c.dept] = c;
  }
});

// Clients for one module: X is the staff of dept, Y of another department.
function cast(dept) {
  const y = Object.keys(staffOf).find((d) => Number(d) !== dept);
  assert.ok(staffOf[dept], `demo staff for department ${dept}`);
  return { ...who, X: staffOf[dept], Y: staffOf[y] };
}

// What a refusal looks like for each role.
function assertRefused(role, method, res, rec, where) {
  if (role === 'anonymous' && method === 'GET') {
    assert.equal(res.status, 303, where);
    assert.match(res.location || '', /^\/account\/login\?next=/, where);
  } else if (role === 'anonymous') {
    assert.equal(res.status, 401, where);
  } else if (method === 'POST' && res.status === 303) {
    // Some POSTs answer any caller with the record's own page (a
    // conditional update that matched nothing): that page must refuse.
    return res.location;
  } else {
    assert.ok([403, 404].includes(res.status), `${where}: wanted 403 or 404, got ${res.status}`);
    assert.ok(!res.text.includes('页面已过期'), `${where}: refused by CSRF, not by access`);
  }
  assert.ok(!res.text.includes(rec.secret), `${where}: the answer holds the record's text`);
}

// Runs one table of rows. A row: [method, path, allowed roles, fields]
// (GET: allowed roles get 200 and, unless noText, the record's text).
const covered = new Set(); // "METHOD path" of every row, for the last test
async function runRows(rec, casting, rows) {
  for (const [method, path, allowed, fields = {}, opts = {}] of rows) {
    covered.add(`${method} ${path}`);
    const before = method === 'POST' ? psql(rec.snapshot) : null;
    for (const role of ROLES) {
      const c = casting[role];
      const where = `${role} ${method} ${path}`;
      if (allowed.includes(role)) {
        if (method === 'GET') {
          const res = await c.get(path);
          assert.equal(res.status, 200, where);
          if (!opts.noText) assert.ok(res.text.includes(rec.secret), `${where}: the record's text is missing`);
        }
        continue;
      }
      const res = method === 'GET' ? await c.get(path) : await postAs(c, path, fields);
      const then = assertRefused(role, method, res, rec, where);
      if (then) assertRefused(role, 'GET', await c.get(then), rec, `${where} → 303 ${then}`);
    }
    if (method === 'POST') {
      assert.equal(psql(rec.snapshot), before, `${method} ${path}: a refused POST changed the database`);
      // Someone allowed gets past the access check with the same request.
      const res = await postAs(casting[allowed[0]], path, fields);
      assert.ok(![401, 403, 404].includes(res.status), `${allowed[0]} ${path} → ${res.status}: the control failed`);
    }
  }
}

const STAFF = ['X', 'admin'];
// A's records of each module, for the cross-record test at the end.
const made = {};

test('政策留言板: a message of A on a policy of X', async () => {
  // 华阳路街道's policy: the board tests page through 区民政局's and
  // 区府办's queues and must not find A's messages there.
  const pid = psql(`SELECT id FROM board_policies WHERE import_key = 'cn-hyl-2024-shenghuoquan'`);
  const dept = Number(psql(`SELECT dept_id FROM board_policies WHERE id = ${pid}`));
  const rec = { secret: secret('留言') };
  const A = who.A;
  // Not for publication (no "public" box ticked): never on a public page.
  const r = await A.submit(`/policies/${pid}`, `/policies/${pid}/messages`, { kind: 'consult', body: `请问 ${rec.secret}` });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const mid = r.location.split('/').pop();
  made.board = { mid, pid, rec, dept };
  rec.snapshot = `SELECT (SELECT row_to_json(m)::text FROM board_messages m WHERE id = ${mid})
    || (SELECT count(*) FROM board_messages WHERE parent_id = ${mid})
    || (SELECT count(*) FROM board_message_events WHERE message_id = ${mid})
    || (SELECT row_to_json(p)::text FROM board_policies p WHERE id = ${pid})`;
  const cs = cast(dept);
  await runRows(rec, cs, [
    ['GET', `/me/messages/${mid}`, ['A']],
    ['GET', `/admin/messages/${mid}`, STAFF],
    ['GET', `/admin/policies/${pid}`, STAFF, {}, { noText: true }],
    ['POST', `/admin/messages/${mid}/moderate`, STAFF, { action: 'publish' }],
    ['POST', `/admin/messages/${mid}/reply`, STAFF, { body: '答复：' + secret('答复') }],
    ['POST', `/me/messages/${mid}/rate`, ['A'], { satisfaction: 'basic', note: '' }],
    ['POST', `/me/messages/${mid}/followup`, ['A'], { body: '追问 ' + rec.secret }],
    ['POST', `/admin/policies/${pid}`, STAFF, { title: '改过的标题' }],
    ['POST', `/admin/messages/${mid}/transfer`, STAFF, { to_dept: 'qfb', note: '转办' }],
  ]);
  // B's /me and the public pages never show A's message (not for publication).
  assert.ok(!(await who.B.get('/me')).text.includes(rec.secret));
  assert.ok(!(await who.anonymous.get(`/policies/${pid}`)).text.includes(rec.secret));
  assert.ok((await A.get('/me')).text.includes(`/me/messages/${mid}`));
});

test('常见问题: an FAQ entry of X is edited and deleted only by X\'s staff and admins', async () => {
  const { pid, dept } = made.board;
  const rec = { secret: secret('问答') };
  const id = psql(`INSERT INTO board_faq (question, answer, policy_id, dept_id, updated_at)
    VALUES ('问：${rec.secret}', '答：按政策办理。', ${pid}, ${dept}, now()) RETURNING id`);
  rec.snapshot = `SELECT coalesce((SELECT row_to_json(f)::text FROM board_faq f WHERE id = ${id}), 'gone')`;
  await runRows(rec, cast(dept), [
    ['GET', `/admin/faq/${id}`, STAFF],
    ['POST', `/admin/faq/${id}`, STAFF, { question: '改过的问题 ' + rec.secret, answer: '改过的解答', policy_id: '' }],
    ['POST', `/admin/faq/${id}/delete`, STAFF, { confirm: '1' }],
  ]);
  assert.equal(psql(rec.snapshot), 'gone', 'the allowed delete went through');
});

test('政府开放月: A\'s sign-up and ticket on an activity of X', async () => {
  const title = `权限测试活动 ${run}`;
  const p = await staffOf[1].submit('/admin/open-month/new', '/admin/open-month', {
    title, dept: 'qfb', starts_at: at(72 * 60), ends_at: at(74 * 60), place: '区政务服务中心', online_url: '',
    capacity: '5', signup_until: at(48 * 60), description: '说明', accessibility: '有轮椅通道',
  });
  assert.equal(p.status, 303, p.text.slice(0, 800));
  const id = p.location.split('/').pop();
  const dept = Number(psql(`SELECT dept_id FROM om_activities WHERE id = ${id}`));
  const rec = { secret: secret('报名人') };
  const A = who.A;
  const t = tokens((await A.get(`/open-month/${id}`)).text);
  const su = await A.post(`/open-month/${id}/signup`, { csrf: t.csrf, form_id: t.formId, name: rec.secret, phone: A.phone });
  assert.equal(su.status, 303, su.text.slice(0, 500));
  const code = su.location.split('/').pop();
  const signed = byId((await A.get(su.location)).text, 'ticket-signed');
  made.om = { id, code, signed, rec };
  rec.snapshot = `SELECT (SELECT row_to_json(a)::text FROM om_activities a WHERE id = ${id})
    || (SELECT json_agg(s ORDER BY s.id)::text FROM om_signups s WHERE activity_id = ${id})`;
  const cs = cast(dept);
  await runRows(rec, cs, [
    ['GET', `/me/tickets/${code}`, ['A']],
    ['GET', `/admin/open-month/${id}`, STAFF, {}, { noText: true }],
    ['GET', `/admin/open-month/${id}/signups.csv`, STAFF],
    ['GET', `/admin/open-month/${id}/tickets/${code}`, STAFF],
    ['POST', `/admin/open-month/${id}/signup`, STAFF, { name: '代办' + secret('代办'), phone: phone() }],
    ['POST', `/admin/open-month/${id}/no-shows`, STAFF],
    ['POST', `/admin/open-month/${id}/checkin`, STAFF, { code: signed }],
    ['GET', `/admin/open-month/${id}/edit`, STAFF, {}, { noText: true }],
    ['POST', `/admin/open-month/${id}/edit`, STAFF, {
      title, starts_at: at(72 * 60), ends_at: at(74 * 60), place: '区政务服务中心二楼', online_url: '',
      capacity: '6', signup_until: at(48 * 60), description: '说明', accessibility: '有轮椅通道', vote_from: '', vote_until: '',
    }],
    ['POST', `/me/tickets/${code}/cancel`, ['A']],
    ['POST', `/admin/open-month/${id}/tickets/${code}/cancel`, STAFF],
    // last: once called off, the activity takes no more changes
    ['GET', `/admin/open-month/${id}/call-off`, STAFF, {}, { noText: true }],
    ['POST', `/admin/open-month/${id}/call-off`, STAFF, { reason: '台风', confirm: '1' }],
  ]);
  // The public pages and the calendar file of the activity name no one.
  for (const path of [`/open-month/${id}`, `/open-month/${id}.ics`]) {
    for (const role of ROLES) {
      const res = await cs[role].get(path);
      assert.equal(res.status, 200, `${role} ${path}`);
      assert.ok(!res.text.includes(rec.secret), `${role} ${path} shows a name`);
    }
  }
  assert.ok(!(await who.B.get('/me')).text.includes(code));
  assert.ok((await A.get('/me')).text.includes(code));
});

test('公众代表列席: A\'s application to a meeting of X', async () => {
  const DAY = 24 * 60;
  const m = await staffOf[1].submit('/admin/meetings/new', '/admin/meetings', {
    topic: `权限测试议题 ${run}`, dept: 'qfb', starts_at: at(2 * DAY), place: '区政府第一会议室',
    seats: '3', reserved_grassroots: '1', reserved_stakeholder: '1', apply_from: at(-60), apply_until: at(DAY),
    eligibility: '本区居民', description: '会议说明',
  });
  assert.equal(m.status, 303, m.text.slice(0, 800));
  const id = m.location.split('/').pop();
  const dept = Number(psql(`SELECT dept_id FROM meetings WHERE id = ${id}`));
  const rec = { secret: secret('陈述') };
  const A = who.A;
  const ap = await A.submit(`/meetings/${id}/apply`, `/meetings/${id}/apply`, {
    name: '王小明', phone: A.phone, street: 'hyl', category: 'resident', statement: `我关心 ${rec.secret}`,
  });
  assert.equal(ap.status, 303, ap.text.slice(0, 500));
  const aid = ap.location.split('/').pop();
  made.meeting = { id, aid, rec };
  rec.snapshot = `SELECT (SELECT row_to_json(m)::text FROM meetings m WHERE id = ${id})
    || (SELECT json_agg(a ORDER BY a.id)::text FROM meeting_applications a WHERE meeting_id = ${id})
    || (SELECT count(*) FROM meeting_commitments WHERE meeting_id = ${id})
    || (SELECT count(*) FROM meeting_draws WHERE meeting_id = ${id})
    || (SELECT count(*) FROM meeting_feedback WHERE meeting_id = ${id})`;
  const cs = cast(dept);
  await runRows(rec, cs, [
    ['GET', `/me/applications/${aid}`, ['A']],
    ['GET', `/admin/meetings/${id}`, STAFF, {}, { noText: true }],
    ['GET', `/admin/meetings/${id}/applications/${aid}`, STAFF],
    ['POST', `/admin/meetings/${id}/applications/${aid}/review`, STAFF, { decision: 'eligible', reason: '' }],
    ['POST', `/admin/meetings/${id}/commit`, STAFF],
    ['POST', `/admin/meetings/${id}/draw`, STAFF, { seed_inputs: 'x' }],
    ['POST', `/admin/meetings/${id}/feedback`, STAFF, { application_id: aid, opinion: '意见', adoption: 'adopted', explanation: '说明' }],
    ['POST', `/admin/meetings/${id}/decision`, STAFF, { decision: '决定' }],
  ]);
  assert.ok(!(await who.B.get('/me')).text.includes(`/me/applications/${aid}`));
  assert.ok((await A.get('/me')).text.includes(`/me/applications/${aid}`));
});

test('依申请公开: a request A made while logged in, handled by X', async () => {
  const rec = { secret: secret('申请内容') };
  const notice = secret('补正通知'); // what X asks A to correct: A's eyes only
  const A = who.A;
  const t = tokens((await A.get('/disclosure/apply')).text);
  const fd = new FormData();
  const fields = {
    csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '张阿姨', id_type: 'id_card', id_number: idCard(),
    phone: A.phone, email: '', address: '长宁路 100 号', description: `请公开 ${rec.secret}`, form: 'electronic', delivery: 'online',
    // to 华阳路街道 (26): the request ends awaiting 补正 with no due date,
    // which the disclosure tests' 区府办 queue must not see
    dept: psql(`SELECT id FROM departments WHERE code = 'hyl'`),
  };
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  const pdf = `%PDF-1.4\n% ${rec.secret}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`;
  fd.append('files', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'a.pdf');
  const r = await A.request('POST', '/disclosure/apply', { body: fd });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const no = r.location.split('/').pop();
  const receipt = await A.get(r.location);
  const code = byId(receipt.text, 'access-code');
  assert.ok(code, 'the receipt shows the code to A');
  const [rid, dept] = psql(`SELECT id, dept_id FROM disclosure_requests WHERE no = '${no}'`).split('|');
  rec.snapshot = `SELECT (SELECT row_to_json(d)::text FROM disclosure_requests d WHERE id = ${rid})
    || (SELECT count(*) FROM disclosure_events WHERE request_id = ${rid})
    || (SELECT count(*) FROM disclosure_reviews WHERE request_id = ${rid})
    || (SELECT count(*) FROM disclosure_files WHERE request_id = ${rid})`;
  const fid = psql(`SELECT id FROM disclosure_files WHERE request_id = ${rid}`);
  assert.ok(fid, 'the PDF is stored');
  made.disclosure = { no, fid, rec, dept: Number(dept) };
  const cs = cast(Number(dept));
  await runRows(rec, cs, [
    ['GET', `/admin/disclosure/${no}`, STAFF],
    ['GET', `/admin/disclosure/${no}/files/${fid}`, STAFF],
    ['POST', `/admin/disclosure/${no}/review`, STAFF, { kind: 'reconsideration', result: 'upheld' }],
    ['POST', `/admin/disclosure/${no}/action`, STAFF, { action: 'request_correction', days: '10', text: notice }],
  ]);
  // The receipt shows only in A's browser; the record only with the code.
  for (const role of ROLES.filter((x) => x !== 'A')) {
    const res = await cs[role].get(`/disclosure/receipt/${no}`);
    assert.equal(res.status, 404, `${role} receipt`);
    assert.ok(!res.text.includes(code) && !res.text.includes(rec.secret), `${role} receipt`);
    const tr = await cs[role].get(`/disclosure/track?no=${no}&code=AAAA-BBBB-CCCC`);
    assert.ok(tr.status >= 400 && tr.status < 500, `${role} track with a wrong code → ${tr.status}`);
    assert.ok(!tr.text.includes(rec.secret) && !tr.text.includes(notice), `${role} track with a wrong code shows the request`);
  }
  psql(`DELETE FROM disclosure_track_failures`); // wrong codes count against the rate limit
  const mine = await A.get(`/disclosure/track?no=${no}&code=${code}`);
  assert.equal(mine.status, 200);
  assert.equal(byId(mine.text, 'track-no'), no);
  assert.ok(mine.text.includes(notice), 'A reads the 补正 notice');
  // Answering A's 补正 without A's code changes nothing.
  const before = psql(rec.snapshot);
  for (const role of ROLES.filter((x) => x !== 'A')) {
    const c = cs[role];
    const tt = await formTokens(c);
    const f = new FormData();
    for (const [k, v] of Object.entries({ csrf: tt.csrf, form_id: tt.formId, no, code: 'AAAA-BBBB-CCCC', content: '冒名补正' })) f.set(k, v);
    const res = await c.request('POST', '/disclosure/track/supplement', { body: f });
    assert.ok(res.status >= 400 && res.status < 500, `${role} supplement → ${res.status}`);
    assert.ok(!res.text.includes('页面已过期'), `${role} supplement refused by CSRF`);
    assert.ok(!res.text.includes(rec.secret) && !res.text.includes(notice), `${role} supplement shows the request`);
  }
  assert.equal(psql(rec.snapshot), before, 'a supplement without the code changed the request');
  psql(`DELETE FROM disclosure_track_failures`);
  assert.ok(!(await who.B.get('/me')).text.includes(no));
  assert.ok((await A.get('/me')).text.includes(no));
});

// Staff of Y open a record of Y's own (their department check passes) and
// put the id of A's record in X's department in the second place of the
// path, or in a field: the answer must not be A's record, and nothing of
// X's records may change.
test('A\'s records cannot be reached through a record of another department', async () => {
  assert.ok(made.om && made.meeting && made.disclosure, 'the tests above ran');
  const y = Object.values(staffOf).find((c) => c.dept !== 1); // not 区府办, where A's records are
  const code = psql(`SELECT code FROM departments WHERE id = ${y.dept}`);
  const DAY = 24 * 60;
  const m = await y.submit('/admin/meetings/new', '/admin/meetings', {
    topic: `Y 的议题 ${run}`, dept: code, starts_at: at(2 * DAY), place: '会议室', seats: '3', reserved_grassroots: '0',
    reserved_stakeholder: '0', apply_from: at(-60), apply_until: at(DAY), eligibility: '本区居民', description: '说明',
  });
  assert.equal(m.status, 303, m.text.slice(0, 600));
  const my = m.location.split('/').pop();
  const o = await y.submit('/admin/open-month/new', '/admin/open-month', {
    title: `Y 的活动 ${run}`, dept: code, starts_at: at(72 * 60), ends_at: at(74 * 60), place: '街道中心', online_url: '',
    capacity: '5', signup_until: at(48 * 60), description: '说明', accessibility: '',
  });
  assert.equal(o.status, 303, o.text.slice(0, 600));
  const oy = o.location.split('/').pop();
  const t = await formTokens(y);
  const d = await y.post('/admin/disclosure', {
    csrf: t.csrf, form_id: t.formId, channel: 'in_person', received_on: psql('SELECT current_date'), applicant_type: 'natural',
    name: '李先生', id_type: 'id_card', id_number: idCard(), phone: phone(), email: '', address: '街道', description: 'Y 的申请',
    form: 'electronic', delivery: 'online', dept: '',
  });
  assert.equal(d.status, 303, d.text.slice(0, 600));
  const ny = d.location.split('/').pop();
  assert.equal(Number(psql(`SELECT dept_id FROM disclosure_requests WHERE no = '${ny}'`)), y.dept, 'Y\'s own request');

  const snapshot = () => psql(`SELECT (SELECT json_agg(a ORDER BY a.id)::text FROM meeting_applications a WHERE meeting_id = ${made.meeting.id})
    || (SELECT count(*) FROM meeting_feedback WHERE application_id = ${made.meeting.aid})
    || (SELECT json_agg(s ORDER BY s.id)::text FROM om_signups s WHERE activity_id = ${made.om.id})`);
  const before = snapshot();
  const cases = [
    ['GET', `/admin/meetings/${my}/applications/${made.meeting.aid}`, made.meeting.rec],
    ['POST', `/admin/meetings/${my}/applications/${made.meeting.aid}/review`, made.meeting.rec, { decision: 'ineligible', reason: '跨部门' }],
    ['POST', `/admin/meetings/${my}/feedback`, made.meeting.rec, { application_id: made.meeting.aid, opinion: '意见', adoption: 'adopted', explanation: '说明' }],
    ['GET', `/admin/open-month/${oy}/tickets/${made.om.code}`, made.om.rec],
    ['POST', `/admin/open-month/${oy}/checkin`, made.om.rec, { code: made.om.signed }],
    ['POST', `/admin/open-month/${oy}/checkin`, made.om.rec, { code: made.om.code }],
    ['GET', `/admin/disclosure/${ny}/files/${made.disclosure.fid}`, made.disclosure.rec],
  ];
  for (const [method, path, rec, fields] of cases) {
    covered.add(`${method} ${path}`);
    const res = method === 'GET' ? await y.get(path) : await postAs(y, path, fields);
    const where = `Y ${method} ${path} → ${res.status}`;
    assert.ok(res.status >= 400 && res.status < 500, where);
    assert.ok(!res.text.includes('页面已过期'), `${where}: refused by CSRF`);
    assert.ok(!res.text.includes(rec.secret), `${where}: shows A's record`);
  }
  assert.equal(snapshot(), before, 'a request through another department\'s record changed A\'s records');
});

// Queues and searches, with every filter a URL can carry: staff of Y never
// see a record of X there, nor does the public see A's message.
test('lists and searches do not show another department\'s or another citizen\'s records', async () => {
  // [list, record, its link, its department (id, code)]: A's message is
  // on a 华阳路街道 policy and so is the request; the others are 区府办's.
  const lists = [
    ['/admin/messages', made.board.rec, `/admin/messages/${made.board.mid}"`, [made.board.dept, 'hyl']],
    ['/admin/open-month', made.om.rec, `/admin/open-month/${made.om.id}"`, [1, 'qfb']],
    ['/admin/meetings', made.meeting.rec, `/admin/meetings/${made.meeting.id}"`, [1, 'qfb']],
    ['/admin/disclosure', made.disclosure.rec, made.disclosure.no, [made.disclosure.dept, 'hyl']],
  ];
  for (const [list, rec, link, [deptId, deptCode]] of lists) {
    // The department's own staff find it there (so the list is not empty
    // for everyone)...
    const mine = `${list}?status=all&q=${encodeURIComponent(rec.secret)}`; // (20 a page)
    assert.ok((await staffOf[deptId].get(mine)).text.includes(link), `staff of ${deptId} GET ${mine}: the record is missing`);
    // ...and the staff of another department do not, whatever the filter.
    const other = Object.values(staffOf).find((c) => c.dept !== deptId);
    for (const q of ['', `?dept=${deptId}`, `?dept=${deptCode}`, '?status=all', `?status=all&dept=${deptId}`, '?state=open&overdue=1', '?all=1', `?q=${encodeURIComponent(rec.secret)}`]) {
      const res = await other.get(list + q);
      const where = `staff of ${other.dept} GET ${list}${q} → ${res.status}`;
      assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), where);
      assert.ok(!res.text.includes(link), `${where}: lists the record`);
      // (a search page repeats its query: there only the link counts)
      if (!q.startsWith('?q=')) assert.ok(!res.text.includes(rec.secret), `${where}: shows the record's text`);
    }
  }
  for (const path of [`/policies?q=${encodeURIComponent(made.board.rec.secret)}`, `/policies/${made.board.pid}`, `/policies/${made.board.pid}/feed.atom`, '/faq.atom', `/faq?q=${encodeURIComponent(made.board.rec.secret)}`]) {
    for (const role of ['anonymous', 'B']) {
      const res = await who[role].get(path);
      assert.equal(res.status, 200, `${role} ${path}`);
      assert.ok(!res.text.includes(`请问 ${made.board.rec.secret}`), `${role} ${path} shows A's message`);
      assert.ok(!res.text.includes(`/me/messages/${made.board.mid}`), `${role} ${path} links A's message`);
    }
  }
});

// Staff create records for their own department only: a form naming
// another department is refused (422) or lands in their own.
test('staff of Y cannot create records in department X', async () => {
  const y = staffOf[18]; // 区民政局; X = 区府办 (1)
  const title = `越权创建 ${run}`;
  const tries = [
    ['/admin/open-month', { title, dept: 'qfb', starts_at: at(72 * 60), ends_at: at(74 * 60), place: '区政务服务中心', online_url: '', capacity: '5', signup_until: at(48 * 60), description: '说明', accessibility: '' },
      `SELECT count(*) FROM om_activities WHERE title = '${title}' AND dept_id <> ${y.dept}`],
    ['/admin/meetings', { topic: title, dept: 'qfb', starts_at: at(2 * 24 * 60), place: '会议室', seats: '3', reserved_grassroots: '0', reserved_stakeholder: '0', apply_from: at(-60), apply_until: at(24 * 60), eligibility: '本区居民', description: '说明' },
      `SELECT count(*) FROM meetings WHERE topic = '${title}' AND dept_id <> ${y.dept}`],
    ['/admin/policies', { title, doc_no: '', dept: 'qfb', published_on: '2024-05-10', body: '正文', interpretation: '' },
      `SELECT count(*) FROM board_policies WHERE title = '${title}' AND dept_id <> ${y.dept}`],
    ['/admin/disclosure', { channel: 'in_person', received_on: psql('SELECT current_date'), applicant_type: 'natural', name: '李先生', id_type: 'id_card', id_number: idCard(), phone: phone(), email: '', address: '街道', description: title, form: 'electronic', delivery: 'online', dept: '1' },
      `SELECT count(*) FROM disclosure_requests WHERE description = '${title}' AND dept_id <> ${y.dept}`],
  ];
  for (const [path, fields, outside] of tries) {
    const res = await postAs(y, path, fields);
    assert.ok([303, 403, 422].includes(res.status), `${path} → ${res.status}`);
    assert.equal(psql(outside), '0', `${path}: staff of ${y.dept} created a record of another department`);
  }
});

// Staff of another department could once turn A's message into their FAQ
// entry (the message_id field was only checked to exist).
test('staff of Y cannot make an FAQ entry from a message of X', async () => {
  const y = Object.values(staffOf).find((c) => c.dept !== Number(psql(`SELECT dept_id FROM board_messages WHERE id = ${made.board.mid}`)));
  const res = await postAs(y, '/admin/faq', { question: `越权问答 ${run}`, answer: '答', policy_id: '', message_id: made.board.mid });
  assert.ok([403, 404, 422].includes(res.status), `→ ${res.status}`);
  assert.ok(!res.text.includes(made.board.rec.secret), 'the answer shows A\'s message');
  assert.equal(psql(`SELECT count(*) FROM board_faq WHERE message_id = ${made.board.mid} OR question = '越权问答 ${run}'`), '0');
});

test('every department-scoped route and every /me record route has a row above', () => {
  const missing = [];
  for (const r of routeTable()) {
    if (!r.dept && !/^\/me\/.*\{/.test(r.pattern)) continue;
    const re = new RegExp('^' + r.method + ' ' + r.pattern.replace(/\./g, '\\.').replace(/\{id\}/g, '\\d+').replace(/\{key\}/g, '[A-Za-z0-9_.-]+') + '$');
    if (![...covered].some((c) => re.test(c))) missing.push(`${r.method} ${r.pattern}`);
  }
  assert.deepEqual(missing, [], 'routes without an access row');
});
