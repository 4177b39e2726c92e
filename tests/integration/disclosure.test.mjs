// 依申请公开 end to end over HTTP: apply without an account, the receipt,
// tracking with number and code, validation, sealed personal data, the
// staff queue and every step of the statutory workflow, concurrency, fees,
// 补正 online, uploads, access by department, and the annual report.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO, byId, gongkai, psql, tokens, uniquePhone } from '../lib/client.mjs';

// ---- helpers ----

// A resident ID number with a correct GB 11643 check character.
let idSeq = 0;
function idCard(birth = '19600101') {
  const seq = String(100 + ((Date.now() + idSeq++) % 800)).padStart(3, '0');
  const base = '310105' + birth + seq;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base + '10X98765432'[sum % 11];
}

// A 统一社会信用代码 with a correct GB 32100 check character.
function orgCode(n) {
  const a = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const base = ('91310105' + String(n).padStart(9, '0')).slice(0, 17);
  const sum = [...base].reduce((s, ch, i) => s + a.indexOf(ch) * w[i], 0);
  const c = 31 - (sum % 31);
  return base + a[c === 31 ? 0 : c];
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function applyFields(over = {}) {
  return {
    applicant_type: 'natural', name: '张阿姨', id_type: 'id_card', id_number: idCard(),
    phone: uniquePhone(), email: '', address: '长宁路 100 号', description: '本街道 2025 年加装电梯补贴的文件',
    form: 'electronic', delivery: 'online', dept: '', ...over,
  };
}

async function apply(c, over = {}, files = []) {
  const page = await c.get('/disclosure/apply');
  const t = tokens(page.text);
  const fd = new FormData();
  fd.set('csrf', t.csrf);
  fd.set('form_id', over.form_id || t.formId);
  for (const [k, v] of Object.entries(applyFields(over))) if (k !== 'form_id') fd.set(k, v);
  for (const f of files) fd.append('files', new Blob([f.data], { type: f.type || 'application/octet-stream' }), f.name);
  const res = await c.request('POST', '/disclosure/apply', { body: fd });
  res.formId = fd.get('form_id');
  return res;
}

// Applies and reads number and code off the receipt.
async function applied(over = {}, files = []) {
  const c = new Client();
  const r = await apply(c, over, files);
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const rc = await c.get(r.location);
  return { c, no: byId(rc.text, 'tracking-no'), code: byId(rc.text, 'access-code'), receipt: rc };
}

const staff = {};
async function as(who) {
  if (!staff[who]) {
    const c = new Client();
    const r = await c.login(DEMO[who].login, DEMO[who].password);
    assert.equal(r.status, 303);
    staff[who] = c;
  }
  return staff[who];
}

async function act(c, no, fields) {
  const page = await c.get(`/admin/disclosure/${no}`);
  const t = tokens(page.text);
  return c.post(`/admin/disclosure/${no}/action`, { csrf: t.csrf, form_id: t.formId, ...fields });
}

// A paper request registered by staff; returns its number.
async function paper(c, over = {}) {
  const page = await c.get('/admin/disclosure/new');
  const t = tokens(page.text);
  const r = await c.post('/admin/disclosure', { csrf: t.csrf, form_id: t.formId, channel: 'in_person', received_on: '2025-01-20', ...applyFields(over) });
  assert.equal(r.status, 303, r.text.slice(0, 800));
  return r.location.split('/').pop();
}

const row = (no) => psql(`SELECT state, coalesce(due_on::text, ''), coalesce(outcome, '') FROM disclosure_requests WHERE no = '${no}'`).split('|');
const wd = (d, n) => psql(`SELECT add_workdays('${d}', ${n})`);
const today = () => psql(`SELECT current_date`);

before(() => psql(`DELETE FROM disclosure_track_failures`));

// ---- applicants ----

test('apply without an account → receipt with number and code → track', async () => {
  const { c, no, code, receipt } = await applied();
  assert.match(no, /^\d{4}-\d{6}$/);
  assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  assert.equal(receipt.status, 200);
  // Another browser sees neither number nor code on the receipt page.
  const other = await new Client().get(`/disclosure/receipt/${no}`);
  assert.equal(other.status, 404);
  assert.ok(!other.text.includes(code) && !other.text.includes('access-code'));
  // Only a keyed hash of the code is stored.
  assert.equal(psql(`SELECT count(*) FROM disclosure_requests WHERE no = '${no}' AND encode(code_hash, 'escape') LIKE '%${code.slice(0, 4)}%'`), '0');
  const tr = await c.get(`/disclosure/track?no=${no}&code=${code}`);
  assert.equal(tr.status, 200);
  assert.equal(byId(tr.text, 'request-state'), '已收到');
  assert.match(tr.text, /data-state="received"/);
  assert.equal(byId(tr.text, 'due-date'), wd(today(), 20));
  assert.match(byId(tr.text, 'due-explain'), /起算 20 个工作日/);
  // The code works typed in lower case and without dashes too.
  const lc = await new Client().get(`/disclosure/track?no=${no}&code=${code.replaceAll('-', '').toLowerCase()}`);
  assert.equal(lc.status, 200);
});

test('the receipt cookie is bound to the browser: copied elsewhere it shows nothing', async () => {
  const { c, no } = await applied();
  const thief = new Client();
  thief.jar.set('gk_drc', c.jar.get('gk_drc'));
  const r = await thief.get(`/disclosure/receipt/${no}`);
  assert.equal(r.status, 404);
});

test('bad input: 422, a message beside each field, values kept, nothing stored', async () => {
  const before = psql(`SELECT count(*) FROM disclosure_requests`);
  const c = new Client();
  let r = await apply(c, { applicant_type: '', name: '', id_number: '', phone: '12', description: '', form: '', delivery: '' });
  assert.equal(r.status, 422);
  for (const m of ['请选择申请人类型', '请填写姓名或单位名称', '请填写 11 位手机号', '请写明您要申请公开的信息', '请选择获取信息的形式', '请选择获取信息的方式'])
    assert.match(r.text, new RegExp(m));
  r = await apply(c, { id_number: '310105196001011234', delivery: 'email', email: '', address: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /身份证号码应为 18 位，请逐位核对/);
  assert.match(r.text, /选择电子邮件送达时，请填写电子邮箱/);
  assert.match(r.text, /name="id_number" type="text" value="310105196001011234"/, 'value kept');
  r = await apply(c, { applicant_type: 'commercial', org_code: 'ABC', delivery: 'post', address: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /统一社会信用代码应为 18 位/);
  assert.match(r.text, /选择邮寄时，请填写通信地址/);
  r = await apply(c, { description: '文件' });
  assert.match(r.text, /请至少写 5 个字/);
  assert.equal(psql(`SELECT count(*) FROM disclosure_requests`), before);
});

test('personal data is sealed at rest and masked in the staff list', async () => {
  const id = idCard('19520304');
  const phone = uniquePhone();
  const { no } = await applied({ id_number: id, phone, address: '天山路 8 号 3 室' });
  const raw = psql(`SELECT encode(id_enc, 'hex') || encode(phone_enc, 'hex') || encode(address_enc, 'escape') || id_masked || phone_masked FROM disclosure_requests WHERE no = '${no}'`);
  assert.ok(!raw.includes(id) && !raw.includes(phone) && !raw.includes('天山路'));
  assert.equal(psql(`SELECT id_masked || ' ' || phone_masked FROM disclosure_requests WHERE no = '${no}'`), `${id.slice(0, 6)}********${id.slice(14)} ${phone.slice(0, 3)}****${phone.slice(7)}`);
  const s = await as('staff');
  const list = await s.get('/admin/disclosure?state=open');
  assert.ok(!list.text.includes(phone));
  const rec = await s.get(`/admin/disclosure/${no}`);
  assert.equal(byId(rec.text, 'applicant-id'), id);
  assert.equal(byId(rec.text, 'applicant-phone'), phone);
  assert.equal(byId(rec.text, 'applicant-address'), '天山路 8 号 3 室');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'disclosure_view' AND object = '${no}'`), '1', 'the view is audited');
});

test('a wrong code reveals nothing and is rate-limited', async () => {
  const { no } = await applied();
  const c = new Client();
  const wrong = await c.get(`/disclosure/track?no=${no}&code=AAAA-BBBB-CCCC`);
  const missing = await c.get(`/disclosure/track?no=1999-999999&code=AAAA-BBBB-CCCC`);
  assert.equal(wrong.status, 404);
  assert.equal(missing.status, 404);
  assert.equal(byId(wrong.text, 'main'), byId(missing.text, 'main'));
  assert.ok(!wrong.text.includes('request-state'));
  let last;
  for (let i = 0; i < 10; i++) last = await c.get(`/disclosure/track?no=${no}&code=AAAA-BBBB-CCC${i}`);
  assert.equal(last.status, 429);
  psql(`DELETE FROM disclosure_track_failures`);
});

test('concurrent submissions get distinct, consecutive tracking numbers', async () => {
  const clients = await Promise.all(Array.from({ length: 16 }, async () => { const c = new Client(); await c.get('/disclosure/apply'); return c; }));
  const res = await Promise.all(clients.map((c) => apply(c)));
  const nos = res.map((r) => { assert.equal(r.status, 303); return r.location.split('/').pop(); });
  assert.equal(new Set(nos).size, 16);
  const seq = nos.map((n) => Number(n.slice(5))).sort((a, b) => a - b);
  assert.equal(seq[15] - seq[0], 15, 'no gaps');
});

test('a repeated form_id creates nothing new and answers the same 303', async () => {
  const c = new Client();
  const first = await apply(c);
  const again = await apply(c, { form_id: first.formId });
  assert.equal(again.status, 303);
  assert.equal(again.location, first.location);
  const no = first.location.split('/').pop();
  assert.equal(psql(`SELECT count(*) FROM disclosure_events WHERE request_id = (SELECT id FROM disclosure_requests WHERE no = '${no}')`), '1');
});

test('a logged-in citizen sees the request on /me', async () => {
  const c = new Client();
  await c.login(DEMO.citizen.login, DEMO.citizen.password);
  const r = await apply(c, { description: '我在登录后提交的申请内容' });
  const no = r.location.split('/').pop();
  const me = await c.get('/me');
  assert.match(me.text, new RegExp(no));
  assert.match(me.text, /我在登录后提交的申请/);
});

test('uploads: PDF stored in PostgreSQL; a renamed text file refused', async () => {
  const bad = await apply(new Client(), {}, [{ name: 'x.pdf', type: 'application/pdf', data: Buffer.from('not a pdf') }]);
  assert.equal(bad.status, 422);
  assert.match(bad.text, /只能上传 PDF、JPG 或 PNG 文件/);
  const { no } = await applied({}, [{ name: '身份证明.pdf', data: PDF }]);
  assert.equal(psql(`SELECT ctype || ' ' || size FROM disclosure_files f JOIN disclosure_requests r ON r.id = f.request_id WHERE r.no = '${no}'`), `application/pdf ${PDF.length}`);
  const s = await as('staff');
  const rec = await s.get(`/admin/disclosure/${no}`);
  const href = /href="(\/admin\/disclosure\/[^"]+\/files\/\d+)"/.exec(rec.text)[1];
  const f = await s.get(href);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
  assert.equal(f.text, PDF.toString());
  assert.equal((await (await as('otherStaff')).get(href)).status, 403);
});

// ---- staff ----

test('paper request with a past receipt date: deadlines by the working-day calendar', async () => {
  const s = await as('staff');
  const no = await paper(s, { received_on: '2025-01-20' });
  assert.deepEqual(row(no), ['received', '2025-02-21', '']);
  const rec = await s.get(`/admin/disclosure/${no}`);
  assert.equal(byId(rec.text, 'due-date'), '2025-02-21');
  assert.match(rec.text, /id="access-code"/, 'the clerk sees the code once to tell the applicant');
});

test('补正 restarts the clock; extension once; consultation pauses; reply closes', async () => {
  const s = await as('staff');
  const no = await paper(s, { received_on: '2025-01-20' });
  let r = await act(s, no, { action: 'request_correction', on: '2025-01-22', days: '10', text: '请写明文件的年份' });
  assert.equal(r.status, 303);
  assert.deepEqual(row(no), ['awaiting_correction', '', '']);
  r = await act(s, no, { action: 'request_correction', on: '2025-01-23', days: '10', text: '再次' });
  assert.equal(r.status, 409, 'only once');
  r = await act(s, no, { action: 'correction_received', on: '2025-02-10', text: '2024 年的' });
  assert.equal(r.status, 303);
  assert.deepEqual(row(no), ['in_progress', wd('2025-02-10', 20), '']);
  r = await act(s, no, { action: 'extend', on: '2025-02-20', days: '10', approved_by: '李主任', text: '需要调取档案' });
  assert.equal(r.status, 303);
  assert.equal(row(no)[1], wd('2025-02-10', 30));
  r = await act(s, no, { action: 'extend', on: '2025-02-21', days: '5', approved_by: '李主任', text: '再延' });
  assert.equal(r.status, 409, 'extending twice is refused');
  r = await act(s, no, { action: 'consult_third_party', on: '2025-02-24', text: '征求某公司意见' });
  assert.deepEqual(row(no), ['consulting', '', '']);
  r = await act(s, no, { action: 'consult_done', on: '2025-03-10' });
  const paused = Number(psql(`SELECT workdays_between('2025-02-24', '2025-03-10')`));
  assert.equal(row(no)[1], wd('2025-02-10', 30 + paused));
  r = await act(s, no, { action: 'reply', on: '2025-03-12', outcome: 'r2', text: '部分公开，依据《条例》第三十七条。' });
  assert.equal(r.status, 303);
  assert.deepEqual(row(no).slice(0, 1).concat(row(no)[2]), ['closed', 'r2']);
  const n = psql(`SELECT nevents FROM disclosure_requests WHERE no = '${no}'`);
  r = await act(s, no, { action: 'reply', outcome: 'r1', text: 'again' });
  assert.equal(r.status, 409);
  assert.equal(psql(`SELECT nevents FROM disclosure_requests WHERE no = '${no}'`), n, 'nothing changed');
  const audit = psql(`SELECT count(*) FROM audit_log WHERE object = '${no}' AND action LIKE 'disclosure_%'`);
  assert.ok(Number(audit) >= 6);
});

test('illegal steps: 409 and nothing changes; bad values 422', async () => {
  const s = await as('staff');
  const no = await paper(s, { received_on: '2025-03-03' });
  let r = await act(s, no, { action: 'consult_done' });
  assert.equal(r.status, 409);
  r = await act(s, no, { action: 'request_correction', on: '2025-03-20', days: '10', text: '太晚了' });
  assert.equal(r.status, 409, 'a correction notice after 7 working days');
  r = await act(s, no, { action: 'reply', text: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请选择答复类型/);
  assert.match(r.text, /请填写答复内容和依据/);
  r = await act(s, no, { action: 'accept', on: '2099-01-01' });
  assert.equal(r.status, 409, 'a date in the future');
  r = await act(s, no, { action: 'withdraw', on: '2025-03-05', text: '申请人来电撤回' });
  assert.equal(r.status, 303);
  assert.deepEqual(row(no), ['closed', wd('2025-03-03', 20), 'r6_3']);
  r = await act(s, no, { action: 'reply', outcome: 'r1', text: '答复' });
  assert.equal(r.status, 409, 'replying to a withdrawn request');
  assert.equal(psql(`SELECT nevents FROM disclosure_requests WHERE no = '${no}'`), '2');
});

test('each reply type lands in its report row', async () => {
  const s = await as('staff');
  for (const outcome of ['r1', 'r3_1', 'r4_1', 'r5_2', 'r6_3']) {
    const no = await paper(s, { received_on: '2025-04-01' });
    const r = await act(s, no, { action: 'reply', on: '2025-04-10', outcome, text: `答复 ${outcome}` });
    assert.equal(r.status, 303);
    assert.deepEqual(row(no), ['closed', wd('2025-04-01', 20), outcome]);
  }
});

test('two clerks acting at once: exactly one wins', async () => {
  const s = await as('staff');
  const no = await paper(s, { received_on: '2025-05-06' });
  const pages = await Promise.all(Array.from({ length: 10 }, () => s.get(`/admin/disclosure/${no}`)));
  const res = await Promise.all(pages.map((p, i) => {
    const t = tokens(p.text);
    return s.post(`/admin/disclosure/${no}/action`, { csrf: t.csrf, form_id: t.formId, action: i % 2 ? 'reply' : 'withdraw', on: '2025-05-07', outcome: 'r1', text: `第 ${i} 位` });
  }));
  assert.equal(res.filter((r) => r.status === 303).length, 1, res.map((r) => r.status).join(','));
  assert.equal(res.filter((r) => r.status === 409).length, 9);
  assert.equal(psql(`SELECT count(*) FROM disclosure_events e JOIN disclosure_requests r ON r.id = e.request_id WHERE r.no = '${no}' AND e.action IN ('reply', 'withdraw')`), '1');
});

test('fees: per applicant per month by the identity hash; computed vs charged', async () => {
  const s = await as('staff');
  const id = idCard('19700707');
  let no;
  for (let i = 0; i < 11; i++) no = await paper(s, { id_number: id, received_on: '2025-06-03' });
  await act(s, no, { action: 'accept', on: '2025-06-04' });
  const rec = await s.get(`/admin/disclosure/${no}`);
  assert.match(byId(rec.text, 'fee-reference'), /第 11 件申请；按件计收标准为 100 元/);
  let r = await act(s, no, { action: 'fee_notice', on: '2025-06-05', basis: 'piece', amount: '50', text: '收费通知' });
  assert.equal(r.status, 303);
  assert.equal(psql(`SELECT fee_basis || ' ' || fee_computed || ' ' || amount || ' ' || (actor_id IS NOT NULL) FROM disclosure_events WHERE action = 'fee_notice' AND request_id = (SELECT id FROM disclosure_requests WHERE no = '${no}')`), 'piece 100 50 true');
  assert.deepEqual(row(no), ['awaiting_payment', '', '']);
  r = await act(s, no, { action: 'fee_paid', on: '2025-06-09' });
  const paused = Number(psql(`SELECT workdays_between('2025-06-05', '2025-06-09')`));
  assert.equal(row(no)[1], wd('2025-06-03', 20 + paused));
  // 按量 on another request of another person
  const other = await paper(s, { received_on: '2025-06-03' });
  await act(s, other, { action: 'accept', on: '2025-06-04' });
  await act(s, other, { action: 'fee_notice', on: '2025-06-05', basis: 'volume', pages: '150', amount: '1700' });
  assert.equal(psql(`SELECT fee_computed FROM disclosure_events WHERE action = 'fee_notice' AND request_id = (SELECT id FROM disclosure_requests WHERE no = '${other}')`), '1700');
  r = await act(s, other, { action: 'fee_expired', on: '2025-06-20' });
  assert.equal(r.status, 409, 'the applicant has 20 working days to pay');
  r = await act(s, other, { action: 'fee_expired', on: '2025-07-10' });
  assert.equal(r.status, 303);
  assert.equal(row(other)[2], 'r6_2');
});

test('补正 answered online restarts the clock today', async () => {
  const { c, no, code } = await applied();
  const s = await as('staff');
  let r = await act(s, no, { action: 'request_correction', days: '10', text: '请写明是哪一年的文件' });
  assert.equal(r.status, 303);
  const tr = await c.get(`/disclosure/track?no=${no}&code=${code}`);
  assert.match(tr.text, /请写明是哪一年的文件/, 'the notice in full');
  const t = tokens(tr.text);
  const fd = new FormData();
  for (const [k, v] of Object.entries({ csrf: t.csrf, form_id: t.formId, no, code, content: '' })) fd.set(k, v);
  r = await c.request('POST', '/disclosure/track/supplement', { body: fd });
  assert.equal(r.status, 422);
  assert.match(r.text, /请填写补正的内容/);
  fd.set('content', '2024 年的文件');
  r = await c.request('POST', '/disclosure/track/supplement', { body: fd });
  assert.equal(r.status, 303);
  assert.deepEqual(row(no), ['in_progress', wd(today(), 20), '']);
  const after = await c.get(r.location);
  assert.equal(byId(after.text, 'request-state'), '办理中');
  assert.match(byId(after.text, 'due-explain'), /收到补正之日/);
});

test('access: other department 403, citizen 403, admin sees all', async () => {
  const s = await as('staff');
  const no = await paper(s, {});
  assert.equal((await (await as('otherStaff')).get(`/admin/disclosure/${no}`)).status, 403);
  const o = await as('otherStaff');
  const page = await o.get('/admin/disclosure');
  const t = tokens(page.text);
  assert.equal((await o.post(`/admin/disclosure/${no}/action`, { csrf: t.csrf, form_id: t.formId, action: 'accept' })).status, 403);
  assert.ok(!page.text.includes(no), 'not in the other department\'s queue');
  const cit = new Client();
  await cit.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal((await cit.get(`/admin/disclosure/${no}`)).status, 403);
  assert.equal((await (await as('admin')).get(`/admin/disclosure/${no}`)).status, 200);
});

test('the queue puts overdue requests first and filters them; the tile counts', async () => {
  const s = await as('staff');
  const no = await paper(s, { received_on: '2025-02-03' });
  const q = await s.get('/admin/disclosure?state=open');
  const first = /<tbody><tr class="overdue"><td><a href="\/admin\/disclosure\/([^"]+)"/.exec(q.text);
  assert.ok(first, 'an overdue row first');
  const od = await s.get('/admin/disclosure?overdue=1&page=1');
  assert.ok(!/<tr>/.test(od.text.split('<tbody>')[1] || ''), 'only overdue rows');
  const all = [];
  for (let p = 1; p < 50; p++) {
    const pg = await s.get(`/admin/disclosure?overdue=1&page=${p}`);
    all.push(pg.text);
    if (!pg.text.includes('rel="next"')) break;
  }
  assert.ok(all.join('').includes(no));
  const home = await s.get('/admin');
  const n = Number(byId(home.text, 'tile-disclosure-overdue'));
  const dept = psql(`SELECT id FROM departments WHERE code = 'qfb'`);
  assert.equal(n, Number(psql(`SELECT count(*) FROM disclosure_requests WHERE dept_id = ${dept} AND state <> 'closed' AND due_on < current_date`)));
});

test('user text is escaped on every page', async () => {
  const s = await as('staff');
  const no = await paper(s, { name: '<script>alert(1)</script>', description: '"><img src=x onerror=alert(1)>' });
  const rec = await s.get(`/admin/disclosure/${no}`);
  assert.ok(!rec.text.includes('<script>alert'));
  assert.ok(rec.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!rec.text.includes('<img src=x'));
});

test('stored state and due date equal a replay of the events', () => {
  const bad = psql(`SELECT count(*) FROM disclosure_requests q, LATERAL disclosure_rederive(q.id) d
                    WHERE (d.state, d.due_on, d.outcome, d.closed_on) IS DISTINCT FROM (q.state, q.due_on, q.outcome, q.closed_on)`);
  assert.equal(bad, '0');
});

// ---- the annual report, figures written out by hand ----

// CSV text minus the figures of an earlier CSV (the suite may run on a
// database that already holds requests of this department).
function csvDelta(after, before) {
  const b = before.split('\r\n');
  return after.split('\r\n').map((line, i) => {
    const p = line.split(','), q = b[i].split(',');
    if (p.length < 2 || !/^\d/.test(p[1])) return line;
    return [p[0], ...p.slice(1).map((v, j) => Number(v) - Number(q[j + 1]))].join(',');
  }).join('\r\n');
}

test('annual report: section 三 and 四 for a set of requests, HTML, CSV, XML and CLI', async () => {
  const a = await as('admin');
  const dept = psql(`SELECT id FROM departments WHERE code = 'jyj'`);
  const base = (await a.get(`/admin/reports/disclosure-annual?year=2025&dept=${dept}&format=csv`)).text;
  const A = await paper(a, { dept, received_on: '2024-12-20' });
  await act(a, A, { action: 'reply', on: '2025-01-10', outcome: 'r1', text: '公开' });
  const B = await paper(a, { dept, applicant_type: 'commercial', org_code: orgCode(77), name: '某某公司', received_on: '2025-03-03' });
  await act(a, B, { action: 'reply', on: '2025-03-20', outcome: 'r3_4', text: '涉及第三方' });
  const C = await paper(a, { dept, received_on: '2025-06-02' });
  await act(a, C, { action: 'request_correction', on: '2025-06-03', days: '5', text: '请补正' });
  await act(a, C, { action: 'correction_expired', on: '2025-07-01' });
  const D = await paper(a, { dept, applicant_type: 'research', org_code: orgCode(78), name: '某研究所', received_on: '2025-12-22' });
  const E = await paper(a, { dept, received_on: '2025-05-06' });
  await act(a, E, { action: 'withdraw', on: '2025-05-08' });
  await paper(a, { dept, applicant_type: 'legal_service', org_code: orgCode(79), name: '某律所', received_on: '2026-01-05' });
  const page = await a.get(`/admin/disclosure/${B}`);
  const t = tokens(page.text);
  let r = await a.post(`/admin/disclosure/${B}/review`, { csrf: t.csrf, form_id: t.formId, kind: 'reconsideration', result: 'corrected', filed_on: '2025-04-01', decided_on: '2025-06-01' });
  assert.equal(r.status, 303);
  assert.equal(row(D)[0], 'received');

  const expected = [
    'row,natural,commercial,research,social_welfare,legal_service,other,total',
    'new_received,2,1,1,0,0,0,4',
    'carried_over,1,0,0,0,0,0,1',
    'r1,1,0,0,0,0,0,1',
    'r2,0,0,0,0,0,0,0',
    'r3_1,0,0,0,0,0,0,0', 'r3_2,0,0,0,0,0,0,0', 'r3_3,0,0,0,0,0,0,0',
    'r3_4,0,1,0,0,0,0,1',
    'r3_5,0,0,0,0,0,0,0', 'r3_6,0,0,0,0,0,0,0', 'r3_7,0,0,0,0,0,0,0', 'r3_8,0,0,0,0,0,0,0',
    'r4_1,0,0,0,0,0,0,0', 'r4_2,0,0,0,0,0,0,0', 'r4_3,0,0,0,0,0,0,0',
    'r5_1,0,0,0,0,0,0,0', 'r5_2,0,0,0,0,0,0,0', 'r5_3,0,0,0,0,0,0,0', 'r5_4,0,0,0,0,0,0,0', 'r5_5,0,0,0,0,0,0,0',
    'r6_1,1,0,0,0,0,0,1',
    'r6_2,0,0,0,0,0,0,0',
    'r6_3,1,0,0,0,0,0,1',
    'r_total,3,1,0,0,0,0,4',
    'carried_forward,0,0,1,0,0,0,1',
    '',
    'group,upheld,corrected,other,pending,total',
    'reconsideration,0,1,0,0,1',
    'litigation_direct,0,0,0,0,0',
    'litigation_after_reconsideration,0,0,0,0,0',
  ].join('\r\n') + '\r\n';
  const csv = await a.get(`/admin/reports/disclosure-annual?year=2025&dept=${dept}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.equal(csvDelta(csv.text, base), expected);
  const cli = gongkai(['report', 'disclosure-annual', '--year', '2025', '--dept', 'jyj', '--format', 'csv']);
  assert.equal(cli, csv.text);
  const xml = await a.get(`/admin/reports/disclosure-annual?year=2025&dept=${dept}&format=xml`);
  assert.match(xml.text, /<row key="r6_1" label="[^"]+"><natural label="自然人">\d+<\/natural>/);
  const html = await a.get(`/admin/reports/disclosure-annual?year=2025&dept=${dept}`);
  assert.match(html.text, /<tr data-key="r_total">/);
  assert.match(html.text, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*id="chart-received-svg"/);
  assert.equal((html.text.match(/<rect /g) || []).length, 24, 'twelve months, two charts');
  // A clerk of another department gets their own department's figures only.
  const o = await (await as('otherStaff')).get(`/admin/reports/disclosure-annual?year=2025&dept=${dept}&format=csv`);
  assert.match(o.text, /new_received,\d+/);
  assert.notEqual(o.text, expected);
});

// ---- the working-day calendar ----

test('a due date beyond the calendar waits for the next year, which admins load', async (t) => {
  if (psql(`SELECT max(day) FROM workday_calendar`) !== '2026-12-31' || today() < '2026-11-03')
    return t.skip('needs the seeded calendar ending 2026-12-31 and a date late in 2026');
  const s = await as('staff');
  const no = await paper(s, { received_on: today() });
  await act(s, no, { action: 'accept' });
  let r = await act(s, no, { action: 'extend', days: '20', approved_by: '李主任', text: '档案需调取' });
  assert.equal(r.status, 303, 'the extension is granted even though its date is not yet known');
  assert.deepEqual(row(no), ['in_progress', '', '']);
  const rec = await s.get(`/admin/disclosure/${no}`);
  assert.equal(byId(rec.text, 'due-date'), '尚未确定');
  assert.match(byId(rec.text, 'due-explain'), /工作日历还没有载入/);
  // Only admins load a year; bad dates are refused with a message.
  assert.equal((await s.get('/admin/disclosure/calendar')).status, 403);
  // A board message left in the last days of December waits for the same year.
  const msg = psql(`UPDATE board_messages SET created_at = '2026-12-29 10:00+08', due_on = NULL
                     WHERE id = (SELECT max(id) FROM board_messages) RETURNING id`);
  assert.match(msg, /^\d+$/, 'the demo data has a board message');
  assert.equal(psql(`SELECT board_due('2026-12-29')`), '', 'its due date is unknown while the calendar ends in 2026');
  const a = await as('admin');
  let page = await a.get('/admin/disclosure/calendar');
  let tk = tokens(page.text);
  r = await a.post('/admin/disclosure/calendar', { csrf: tk.csrf, form_id: tk.formId, year: '2027', holidays: '2027-01-02', workdays: '' });
  assert.equal(r.status, 422, 'a Saturday is not a weekday holiday');
  assert.match(r.text, /放假日期须为周一至周五/);
  r = await a.post('/admin/disclosure/calendar', { csrf: tk.csrf, form_id: tk.formId, year: '2027', holidays: '2027-13-01', workdays: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请每行填写一个该年度的日期/);
  r = await a.post('/admin/disclosure/calendar', { csrf: tk.csrf, form_id: tk.formId, year: '2027', holidays: '2027-01-01\n2027-02-08', workdays: '2027-02-06' });
  assert.equal(r.status, 303);
  assert.equal(wd('2026-12-31', 1), '2027-01-04');
  assert.equal(psql(`SELECT is_workday FROM workday_calendar WHERE day = '2027-02-06'`), 't');
  assert.equal(row(no)[1], wd(today(), 40), 'the waiting due date is computed now');
  assert.equal(psql(`SELECT due_on FROM board_messages WHERE id = ${msg}`), wd('2026-12-29', 5),
    'and so is the board message\'s reply deadline');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'calendar_add_year' AND object = '2027'`), '1');
});
