// 依申请公开: admins link two requests' applicants as one for the 信息处理费
// count (and unlink), with a reason, audited, shown on both requests, the
// fee reference and the fee notice counting them together; and pending
// 复议/诉讼 records get their result when decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO, byId, psql, tokens, uniquePhone } from '../lib/client.mjs';

let idSeq = 0;
function idCard() {
  const seq = String(100 + ((Date.now() + idSeq++) % 800)).padStart(3, '0');
  const base = '310104' + '19580607' + seq;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base + '10X98765432'[sum % 11];
}

const clients = {};
async function as(who) {
  if (!clients[who]) {
    const c = new Client();
    assert.equal((await c.login(DEMO[who].login, DEMO[who].password)).status, 303);
    clients[who] = c;
  }
  return clients[who];
}

// A paper request of 区府办 received on `on` by the given identity.
async function paper(c, on, idType, idNumber) {
  const page = await c.get('/admin/disclosure/new');
  const t = tokens(page.text);
  const r = await c.post('/admin/disclosure', {
    csrf: t.csrf, form_id: t.formId, channel: 'in_person', received_on: on,
    applicant_type: 'natural', name: '周老师', id_type: idType, id_number: idNumber,
    phone: uniquePhone(), email: '', address: '延安西路 1 号', description: '本区 2024 年道路养护合同的清单',
    form: 'paper', delivery: 'pickup', dept: '',
  });
  assert.equal(r.status, 303, r.text.slice(0, 600));
  return r.location.split('/').pop();
}

async function post(c, no, what, fields, tokenPage = `/admin/disclosure/${no}`) {
  const t = tokens((await c.get(tokenPage)).text);
  return c.post(`/admin/disclosure/${no}/${what}`, { csrf: t.csrf, form_id: t.formId, ...fields });
}

const feeRef = (html) => byId(html, 'fee-reference') || '';
const liveLinks = () => psql(`SELECT count(*) FROM disclosure_identity_links WHERE removed_at IS NULL`);

const card = idCard();
const passport = 'E' + String(Date.now()).slice(-8);
let A; // the first of ten requests under the ID card, March 2025
let B; // one request under the passport, later that month
let C; // a third identity (another passport)

test('link: the fee reference counts two documents of one person together once linked', async () => {
  const s = await as('staff');
  A = await paper(s, '2025-03-03', 'id_card', card);
  for (let i = 0; i < 9; i++) await paper(s, '2025-03-04', 'id_card', card);
  B = await paper(s, '2025-03-10', 'passport', passport);
  assert.equal((await post(s, B, 'action', { action: 'accept', on: '2025-03-10' })).status, 303);
  let rec = await s.get(`/admin/disclosure/${B}`);
  assert.match(feeRef(rec.text), /2025-03 月的第 1 件申请；按件计收标准为 0 元/);

  const a = await as('admin');
  const r = await post(a, B, 'link', { other_no: A, reason: '申请人先后使用身份证和护照提出申请，已电话核对为同一人' });
  assert.equal(r.status, 303);
  assert.equal(r.location, `/admin/disclosure/${B}#links`);
  rec = await s.get(`/admin/disclosure/${B}`);
  assert.match(feeRef(rec.text), /2 个身份已由管理员合并计数/);
  assert.match(feeRef(rec.text), /2025-03 月的第 11 件申请；按件计收标准为 100 元/);
  // Shown on both requests, with both numbers and the reason.
  for (const no of [A, B]) {
    const page = await a.get(`/admin/disclosure/${no}`);
    const sec = /<section id="links"[\s\S]*?<\/section>/.exec(page.text)[0];
    assert.ok(sec.includes(A) && sec.includes(B), no);
    assert.match(sec, /已电话核对为同一人/);
    assert.match(sec, /区府办管理员/);
    assert.ok(!sec.includes(card) && !sec.includes(passport), 'identity masked in the list');
  }
  // The fee notice computes the standard from the linked count.
  assert.equal((await post(s, B, 'action', { action: 'fee_notice', on: '2025-03-11', basis: 'piece', amount: '100', text: '按件收费' })).status, 303);
  assert.equal(psql(`SELECT fee_computed FROM disclosure_events e JOIN disclosure_requests q ON q.id = e.request_id WHERE q.no = '${B}' AND e.action = 'fee_notice'`), '100');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'disclosure_link' AND object = '${B}' AND detail = '${A}'`), '1');
  // Only keyed hashes are linked.
  assert.equal(psql(`SELECT count(*) FROM disclosure_identity_links WHERE encode(hash_a, 'escape') LIKE '%${card.slice(0, 8)}%' OR encode(hash_b, 'escape') LIKE '%${passport}%'`), '0');
});

test('link: staff see the link but only admins link; bad input is 422 with a message and stores nothing', async () => {
  const s = await as('staff');
  const page = await s.get(`/admin/disclosure/${A}`);
  assert.match(page.text, /申请人身份合并计数/);
  assert.ok(!page.text.includes(`/admin/disclosure/${A}/link"`), 'no link form for staff');
  const t = tokens(page.text);
  assert.equal((await s.post(`/admin/disclosure/${A}/link`, { csrf: t.csrf, form_id: t.formId, other_no: B, reason: 'x' })).status, 403);
  const anon = await new Client().post(`/admin/disclosure/${A}/link`, { other_no: B, reason: 'x' });
  assert.notEqual(anon.status, 303);

  const a = await as('admin');
  const before = psql(`SELECT count(*) FROM disclosure_identity_links`);
  const twin = await paper(s, '2025-03-05', 'id_card', card);
  const cases = [
    [{ other_no: '', reason: '' }, ['请填写另一件申请的编号', '请写明合并计数的理由']],
    [{ other_no: '2025/12', reason: '同一人' }, ['编号的格式是 2025-000123']],
    [{ other_no: '1999-999999', reason: '同一人' }, ['没有这个编号的申请']],
    [{ other_no: B, reason: '同一人' }, ['不是这一件']],
    [{ other_no: twin, reason: '同一人' }, ['本来就合并计数'], A],
    [{ other_no: A, reason: '同一人' }, ['已经合并计数']],
    [{ other_no: A, reason: '很'.repeat(501) }, ['理由不能超过 500 个字']],
  ];
  for (const [fields, msgs, from = B] of cases) {
    const r = await post(a, from, 'link', fields);
    assert.equal(r.status, 422, JSON.stringify(fields).slice(0, 80));
    for (const m of msgs) assert.ok(r.text.includes(m), m);
    if (fields.other_no) assert.ok(r.text.includes(`name="other_no" type="text" value="${fields.other_no}"`), 'value kept');
  }
  assert.equal(psql(`SELECT count(*) FROM disclosure_identity_links`), before);
});

test('link: two admins linking the same pair at once: one link', async () => {
  const s = await as('staff');
  C = await paper(s, '2025-03-12', 'passport', 'G' + String(Date.now()).slice(-8));
  const D = await paper(s, '2025-03-12', 'hk_macao', 'H' + String(Date.now()).slice(-8));
  const a = await as('admin');
  const t = tokens((await a.get(`/admin/disclosure/${C}`)).text);
  const n0 = Number(liveLinks());
  const rs = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    a.post(`/admin/disclosure/${C}/link`, { csrf: t.csrf, form_id: t.formId + 'x' + i, other_no: D, reason: '同一人，港澳通行证与护照' })));
  const codes = rs.map((r) => r.status).sort();
  assert.equal(codes.filter((c) => c === 303).length, 1, codes.join());
  assert.ok(codes.every((c) => c === 303 || c === 409 || c === 422), codes.join());
  assert.equal(Number(liveLinks()), n0 + 1);
  // Links are transitive: linking C to B joins A's identity too.
  assert.equal((await post(a, C, 'link', { other_no: B, reason: '同一人的第三个证件' })).status, 303);
  assert.equal(psql(`SELECT (SELECT count(*) FROM disclosure_requests WHERE no = '${A}')`), '1');
  const acc = await post(s, C, 'action', { action: 'accept', on: '2025-03-12' });
  assert.equal(acc.status, 303);
  const rec = await s.get(`/admin/disclosure/${C}`);
  assert.match(feeRef(rec.text), /4 个身份已由管理员合并计数/);
  assert.match(feeRef(rec.text), /第 13 件申请/, 'eleven under the ID card, then B and C');
});

test('unlink: with a reason, audited, kept as history; the count separates again; a second unlink is refused', async () => {
  const a = await as('admin');
  const id = psql(`SELECT l.id FROM disclosure_identity_links l JOIN disclosure_requests q ON q.id = l.request_a WHERE q.no = '${B}' AND l.removed_at IS NULL`);
  const form = await a.get(`/admin/disclosure/${B}?unlink=${id}`);
  assert.match(form.text, /取消合并的理由/);
  let r = await post(a, B, 'unlink', { link: id, reason: '' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请写明取消合并的理由/);
  assert.equal(psql(`SELECT removed_at IS NULL FROM disclosure_identity_links WHERE id = ${id}`), 't');
  const t = tokens(form.text);
  const rs = await Promise.all([0, 1, 2].map((i) =>
    a.post(`/admin/disclosure/${B}/unlink`, { csrf: t.csrf, form_id: t.formId + 'u' + i, link: id, reason: '核对后发现是两个人' })));
  assert.deepEqual(rs.map((x) => x.status).sort(), [303, 409, 409]);
  const page = await a.get(`/admin/disclosure/${A}`);
  assert.ok(page.text.includes('已取消'), 'shown as ended');
  assert.match(page.text, /核对后发现是两个人/);
  assert.ok(page.text.includes(`id="link-${id}"`));
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'disclosure_unlink' AND object = '${B}' AND detail = '${id}'`), '1');
  // B is linked to C (and C to D) still, but no longer to A's ID card.
  const rec = await (await as('staff')).get(`/admin/disclosure/${B}`);
  assert.match(feeRef(rec.text), /3 个身份/);
  assert.match(feeRef(rec.text), /第 1 件申请/);
});

test('reviews: a pending 复议 gets its result once decided, validated, once only', async () => {
  const s = await as('staff');
  const no = await paper(s, '2025-04-01', 'id_card', idCard());
  assert.equal((await post(s, no, 'action', { action: 'reply', on: '2025-04-02', outcome: 'r3_4', text: '涉及第三方合法权益，不予公开。' })).status, 303);
  assert.equal((await post(s, no, 'review', { kind: 'reconsideration', result: 'pending', filed_on: '2025-05-06', decided_on: '' })).status, 303);
  const rid = psql(`SELECT v.id FROM disclosure_reviews v JOIN disclosure_requests q ON q.id = v.request_id WHERE q.no = '${no}'`);
  let page = await s.get(`/admin/disclosure/${no}`);
  assert.match(page.text, new RegExp(`\\?review=${rid}#reviews`));
  page = await s.get(`/admin/disclosure/${no}?review=${rid}`);
  assert.match(page.text, /登记审结结果：行政复议，2025-05-06 提起/);
  let r = await post(s, no, 'review', { review: rid, result: '', decided_on: '2025-05-01' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请选择审结结果/);
  assert.match(r.text, /审结日期不能早于提起日期/);
  r = await post(s, no, 'review', { review: rid, result: 'upheld', decided_on: '2099-01-01' });
  assert.equal(r.status, 422);
  assert.match(r.text, /审结日期不能晚于今天/);
  assert.equal(psql(`SELECT result FROM disclosure_reviews WHERE id = ${rid}`), 'pending');
  const t = tokens(page.text);
  const rs = await Promise.all(['upheld', 'corrected', 'other'].map((res, i) =>
    s.post(`/admin/disclosure/${no}/review`, { csrf: t.csrf, form_id: t.formId + 'r' + i, review: rid, result: res, decided_on: '2025-07-01' })));
  assert.deepEqual(rs.map((x) => x.status).sort(), [303, 409, 409]);
  const res = psql(`SELECT result || ' ' || decided_on FROM disclosure_reviews WHERE id = ${rid}`);
  assert.match(res, /^(upheld|corrected|other) 2025-07-01$/);
  page = await s.get(`/admin/disclosure/${no}`);
  assert.match(page.text, /行政复议：结果(维持|纠正)|行政复议：其他结果/);
  assert.match(page.text, /2025-07-01 审结/);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'disclosure_review_decided' AND object = '${no}'`), '1');
  // Another department cannot decide it.
  const o = await as('otherStaff');
  const tt = tokens((await o.get('/admin')).text);
  assert.equal((await o.post(`/admin/disclosure/${no}/review`, { csrf: tt.csrf, form_id: tt.formId, review: rid, result: 'upheld', decided_on: '2025-07-01' })).status, 403);
});
