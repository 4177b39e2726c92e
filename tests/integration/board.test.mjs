// 政策留言板 over HTTP: the whole life of a message, moderation, replies,
// departments, escaping, limits, deadlines on the working-day calendar,
// search through the bigram index, feeds, FAQ, policies and the XML import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, DEMO, REPO, VAR, PORT, byId, clientAs, gongkai, psql, tokens, uniquePhone } from '../lib/client.mjs';

// Someone not logged in whose browser has been on the site (a pre-session
// cookie). Cookie-less requests get the board's public pages from nginx's
// one-second micro-cache (microcache.test.mjs); a visitor with a cookie always
// gets them fresh, as this file's checks of what changed a moment ago need.
const visitor = () => clientAs('anonymous');

const policyId = (key) => psql(`SELECT id FROM board_policies WHERE import_key = '${key}'`);
const YANGLAO = policyId('cn-mzj-2024-yanglao'); // 区民政局 (mzj.staff)
const GONGKAI = policyId('cn-qfb-2024-gongkai'); // 区府办 (qfb.staff)

async function citizen() {
  const c = new Client();
  const r = await c.register(uniquePhone(), 'board test password', '留言测试');
  assert.equal(r.status, 303);
  return c;
}

async function staffClient(who) {
  const c = new Client();
  const r = await c.login(who.login, who.password);
  assert.equal(r.status, 303, `login ${who.login}`);
  return c;
}
const MZJ = { login: 'mzj.staff', password: 'gongkai-staff-2024' };

async function postMessage(c, pid, fields) {
  return c.submit(`/policies/${pid}`, `/policies/${pid}/messages`, { kind: 'consult', public: '1', ...fields });
}

const midOf = (loc) => loc.match(/^\/me\/messages\/(\d+)$/)[1];

// POST a staff form found on the message page (csrf + a fresh nonce).
async function staffPost(c, mid, what, fields) {
  const page = await c.get(`/admin/messages/${mid}`);
  const t = tokens(page.text);
  return c.post(`/admin/messages/${mid}/${what}`, { csrf: t.csrf, form_id: t.formId, ...fields });
}

function xmlWellFormed(text) {
  // xmllint (libxml2-utils) parses strictly; a malformed feed fails here.
  execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
}

// Asynchronous, so that idle keep-alive sockets are noticed while it runs.
function psqlScript(sql) {
  return new Promise((resolve, reject) => {
    const child = execFile(path.join(REPO, 'scripts/instance.sh'), ['psql', '-XAtq', '-v', 'ON_ERROR_STOP=1'], {
      env: { ...process.env, GONGKAI_VAR: VAR, GONGKAI_PORT: PORT }, encoding: 'utf8',
    }, (err, out) => (err ? reject(err) : resolve(out)));
    child.stdin.end(sql);
  });
}

test('the whole life of a message: pending, published, replied; visible where it should be', async () => {
  const c = await citizen();
  const body = `请问养老服务补贴每月什么时候发放？${Date.now()}`;
  const r = await postMessage(c, YANGLAO, { body });
  assert.equal(r.status, 303);
  const mid = midOf(r.location);
  let mine = await c.get(r.location);
  assert.equal(byId(mine.text, 'message-status'), 'pending');
  assert.ok(mine.text.includes(body));

  // Pending: invisible to everyone but its author and staff.
  const anon = await visitor();
  assert.ok(!(await anon.get(`/policies/${YANGLAO}`)).text.includes(body));
  const other = await citizen();
  assert.equal((await other.get(`/me/messages/${mid}`)).status, 404);
  assert.equal((await anon.get(`/me/messages/${mid}`)).status, 303);

  const mzj = await staffClient(MZJ);
  const queue = await mzj.get('/admin/messages?q=' + encodeURIComponent(body));
  assert.ok(queue.text.includes(`/admin/messages/${mid}"`), 'in the department queue');
  const detail = await mzj.get(`/admin/messages/${mid}`);
  assert.match(detail.text, /id="message-due"/);
  assert.match(queue.text, /答复期限为留言之日起 5 个工作日/);
  const pub = await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  assert.equal(pub.status, 303);
  assert.equal(pub.location, '/admin/messages');
  mine = await c.get(`/me/messages/${mid}`);
  assert.equal(byId(mine.text, 'message-status'), 'published');
  assert.ok((await anon.get(`/policies/${YANGLAO}`)).text.includes(body), 'published on the policy page');

  const reply = `您好，补贴按月发放到服务时间账户。${Date.now()}`;
  const rep = await staffPost(mzj, mid, 'reply', { body: reply });
  assert.equal(rep.status, 303);
  mine = await c.get(`/me/messages/${mid}`);
  assert.equal(byId(mine.text, 'message-status'), 'replied');
  assert.equal(byId(mine.text, 'reply-dept'), '区民政局');
  assert.match(byId(mine.text, 'reply-date'), /^\d{4}-\d{2}-\d{2}$/);
  const page = await anon.get(`/policies/${YANGLAO}`);
  assert.ok(page.text.includes(reply), 'the reply is on the policy page');
  assert.match(page.text, /答复单位：<span class="reply-dept">区民政局<\/span>/);
  const me = await c.get('/me');
  assert.ok(me.text.includes(`/me/messages/${mid}"`), '/me lists it');
  assert.match(me.text, /data-status="replied"/);
  assert.ok(me.text.includes(reply.slice(0, 12)), '/me shows the start of the reply');
  const feed = await anon.get(`/policies/${YANGLAO}/feed.atom`);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^application\/atom\+xml/);
  xmlWellFormed(feed.text);
  assert.ok(feed.text.includes(`message/${mid}</id>`));
  const audit = psql(`SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE object = 'message:${mid}'`);
  assert.match(audit, /board_publish/);
  assert.match(audit, /board_reply/);
  // A second moderation of the same message is refused.
  assert.equal((await staffPost(mzj, mid, 'moderate', { action: 'publish' })).status, 409);
});

test('reject needs a reason, which the author then sees', async () => {
  const c = await citizen();
  const r = await postMessage(c, YANGLAO, { body: '一条会被退回的留言' });
  const mid = midOf(r.location);
  const mzj = await staffClient(MZJ);
  const bad = await staffPost(mzj, mid, 'moderate', { action: 'reject', reason: '  ' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /不予通过时请填写原因/);
  assert.equal(psql(`SELECT status FROM board_messages WHERE id = ${mid}`), 'pending');
  const ok = await staffPost(mzj, mid, 'moderate', { action: 'reject', reason: '留言内容与本政策无关' });
  assert.equal(ok.status, 303);
  const mine = await c.get(`/me/messages/${mid}`);
  assert.equal(byId(mine.text, 'message-status'), 'rejected');
  assert.equal(byId(mine.text, 'message-reason'), '留言内容与本政策无关');
  assert.match(psql(`SELECT detail FROM audit_log WHERE object = 'message:${mid}' AND action = 'board_reject'`), /无关/);
});

test('staff of another department get 403; an admin may act', async () => {
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: '给民政局的留言' })).location);
  const qfb = await staffClient(DEMO.staff);
  assert.equal((await qfb.get(`/admin/messages/${mid}`)).status, 403);
  const t = tokens((await qfb.get('/admin/messages')).text);
  const res = await qfb.post(`/admin/messages/${mid}/moderate`, { csrf: t.csrf, form_id: t.formId, action: 'publish' });
  assert.equal(res.status, 403);
  assert.ok(!(await qfb.get('/admin/messages')).text.includes(`/admin/messages/${mid}"`), 'not in their queue');
  assert.equal(psql(`SELECT status FROM board_messages WHERE id = ${mid}`), 'pending');
  const admin = await staffClient(DEMO.admin);
  assert.equal((await staffPost(admin, mid, 'moderate', { action: 'publish' })).status, 303);
  // A citizen cannot reach the staff pages at all.
  assert.equal((await c.get('/admin/messages')).status, 403);
});

test('script and SQL-shaped text is stored intact and shown escaped (page and feed)', async () => {
  const c = await citizen();
  const body = `<script>alert("x")</script>' OR 1=1; -- & DROP TABLE users; ${Date.now()}`;
  const mid = midOf((await postMessage(c, YANGLAO, { body })).location);
  assert.equal(psql(`SELECT body FROM board_messages WHERE id = ${mid}`), body);
  const mine = await c.get(`/me/messages/${mid}`);
  assert.ok(!mine.text.includes('<script>alert'));
  assert.ok(mine.text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; OR 1=1; -- &amp; DROP'));
  const mzj = await staffClient(MZJ);
  await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  await staffPost(mzj, mid, 'reply', { body: '答复 <b>不加粗</b> & 完' });
  const page = await (await visitor()).get(`/policies/${YANGLAO}`);
  assert.ok(!page.text.includes('<script>alert'));
  assert.ok(page.text.includes('答复 &lt;b&gt;不加粗&lt;/b&gt; &amp; 完'));
  const feed = await (await visitor()).get(`/policies/${YANGLAO}/feed.atom`);
  xmlWellFormed(feed.text);
  assert.ok(!feed.text.includes('<script>'));
});

test('bad messages: 422 with a message beside each field, the text kept, nothing stored', async () => {
  const c = await citizen();
  const long = '长'.repeat(2001);
  const r = await postMessage(c, YANGLAO, { body: long });
  assert.equal(r.status, 422);
  assert.match(r.text, /不能超过 2000 字（现在是 2001 字）/);
  assert.ok(r.text.includes(`>${long}</textarea>`), 'the text is kept');
  assert.match(r.text, /id="f-body" name="body"[^>]*aria-invalid="true"/);
  const none = await c.submit(`/policies/${YANGLAO}`, `/policies/${YANGLAO}/messages`, { body: '' });
  assert.equal(none.status, 422);
  assert.match(none.text, /请选择留言类型/);
  assert.match(none.text, /请填写留言内容/);
  const ev = await postMessage(c, YANGLAO, { kind: 'evaluate', body: '很好' });
  assert.equal(ev.status, 422);
  assert.match(ev.text, /评价时请选择 1 到 5 分/);
  const exact = await postMessage(c, YANGLAO, { body: '好'.repeat(2000) });
  assert.equal(exact.status, 303, '2000 characters are fine');
  const ok = await postMessage(c, YANGLAO, { kind: 'evaluate', rating: '4', body: '政策很实在' });
  assert.equal(ok.status, 303);
  assert.equal(psql(`SELECT rating FROM board_messages WHERE id = ${midOf(ok.location)}`), '4');
  const uid = psql(`SELECT author_id FROM board_messages WHERE id = ${midOf(ok.location)}`);
  assert.equal(psql(`SELECT count(*) FROM board_messages WHERE author_id = ${uid}`), '2');
});

test('a repeated form_id stores one message and answers the same 303', async () => {
  const c = await citizen();
  const page = await c.get(`/policies/${YANGLAO}`);
  const t = tokens(page.text);
  const body = `重复提交 ${Date.now()}`;
  const rs = await Promise.all([1, 2, 3, 4, 5].map(() => c.post(`/policies/${YANGLAO}/messages`, { csrf: t.csrf, form_id: t.formId, kind: 'consult', body, public: '1' })));
  for (const r of rs) assert.equal(r.status, 303);
  assert.equal(new Set(rs.map((r) => r.location)).size, 1);
  assert.equal(psql(`SELECT count(*) FROM board_messages WHERE body = '${body}'`), '1');
});

test('at most 10 messages an hour per citizen, even when sent at once', async () => {
  const c = await citizen();
  const page = await c.get(`/policies/${YANGLAO}`);
  const t = tokens(page.text);
  const tag = `限流 ${Date.now()}`;
  const rs = await Promise.all(Array.from({ length: 13 }, (_, i) => c.post(`/policies/${YANGLAO}/messages`, {
    csrf: t.csrf, form_id: `limit-${Date.now()}-${i}-padding`, kind: 'consult', body: `${tag} ${i}`,
  })));
  assert.equal(rs.filter((r) => r.status === 303).length, 10);
  const refused = rs.filter((r) => r.status === 429);
  assert.equal(refused.length, 3);
  assert.match(refused[0].text, /一小时内已经留言 10 条/);
  assert.match(refused[0].text, new RegExp(`>${tag} \\d+</textarea>`), 'the text is kept');
  assert.equal(psql(`SELECT count(*) FROM board_messages WHERE body LIKE '${tag}%'`), '10');
});

test('the reply deadline counts working days: across a weekend and a public holiday', async () => {
  assert.equal(psql(`SELECT board_due('2026-11-27')`), '2026-12-04'); // Friday: the weekend does not count
  // 2026-09-30 (Wed): 国庆 10-01..10-07 off, 10-10 (Sat) is a 调休 working day.
  assert.equal(psql(`SELECT board_due('2026-09-30')`), '2026-10-13');
  assert.equal(psql(`SELECT board_due('2026-12-31')`), '', 'beyond the calendar: no guess');
  assert.equal(psql(`SELECT board_workdays('2026-12-30', '2027-01-05')`), '', 'statistics do not fail past the calendar');
  assert.equal(psql(`SELECT board_workdays('2026-09-30', '2026-10-13')`), '5');
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: '国庆前的留言' })).location);
  // The same rule applied by the trigger to a message of 2026-09-30.
  const old = psql(`INSERT INTO board_messages (policy_id, author_id, kind, body, is_public, dept_id, created_at)
    SELECT policy_id, author_id, 'consult', '国庆前的留言（旧）', true, dept_id, '2026-09-30 10:00+08' FROM board_messages WHERE id = ${mid}
    RETURNING id`).split('\n')[0];
  assert.equal(psql(`SELECT due_on FROM board_messages WHERE id = ${old}`), '2026-10-13');
  const mzj = await staffClient(MZJ);
  const d = await mzj.get(`/admin/messages/${old}`);
  assert.match(byId(d.text, 'message-due'), /^2026-10-13/);
  assert.match(d.text, /已超期/);
  const q = await mzj.get('/admin/messages?q=' + encodeURIComponent('国庆前的留言'));
  assert.match(q.text, new RegExp(`<tr class="overdue"><td><a href="/admin/messages/${old}"`));
  // Oldest first: the September message comes before today's.
  assert.ok(q.text.indexOf(`/admin/messages/${old}"`) < q.text.indexOf(`/admin/messages/${mid}"`));
  // The staff home counts it as overdue.
  const home = await mzj.get('/admin');
  assert.ok(Number(byId(home.text, 'board-overdue')) >= 1);
  assert.ok(Number(byId(home.text, 'board-pending')) >= 2);
});

test('admins set the reply deadline in the admin page; new messages get it, staff may not change it', async () => {
  const admin = await staffClient(DEMO.admin);
  const page = await admin.get('/admin/board-settings');
  assert.equal(page.status, 200);
  assert.match(page.text, /name="reply_workdays"[^>]*value="5"|value="5"[^>]*name="reply_workdays"/);
  assert.match((await admin.get('/admin/messages')).text, /href="\/admin\/board-settings"/);
  const bad = await admin.submit('/admin/board-settings', '/admin/board-settings', { reply_workdays: '61' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /请填写 1 到 60 之间的整数/);
  assert.ok(bad.text.includes('value="61"'), 'the value kept');
  assert.equal(psql('SELECT reply_workdays FROM board_settings'), '5');
  const mzj = await staffClient(MZJ);
  assert.equal((await mzj.get('/admin/board-settings')).status, 403);
  const t = tokens((await mzj.get('/admin/messages')).text);
  assert.equal((await mzj.post('/admin/board-settings', { csrf: t.csrf, form_id: t.formId, reply_workdays: '9' })).status, 403);
  let mid = null;
  try {
    const ok = await admin.submit('/admin/board-settings', '/admin/board-settings', { reply_workdays: '7' });
    assert.equal(ok.status, 303);
    assert.equal(psql('SELECT reply_workdays FROM board_settings'), '7');
    assert.equal(psql(`SELECT detail FROM audit_log WHERE action = 'board_settings_edit' ORDER BY id DESC LIMIT 1`), 'reply_workdays=7');
    const c = await citizen();
    const r = await postMessage(c, YANGLAO, { body: `期限设置测试 ${Date.now()}` });
    assert.equal(r.status, 303);
    mid = midOf(r.location);
    assert.equal(psql(`SELECT due_on IS NOT DISTINCT FROM add_workdays((created_at AT TIME ZONE 'Asia/Shanghai')::date, 7) FROM board_messages WHERE id = ${mid}`), 't');
    assert.match((await mzj.get('/admin/messages')).text, /答复期限为留言之日起 7 个工作日/);
  } finally {
    psql('UPDATE board_settings SET reply_workdays = 5');
    // Out of the department's queue again, which later tests read page 1 of.
    if (mid) psql(`DELETE FROM board_message_events WHERE message_id = ${mid}; DELETE FROM board_messages WHERE id = ${mid}`);
  }
});

test('mobile and ID numbers typed into a message are masked when published', async () => {
  const c = await citizen();
  const body = '我的电话13912345678，身份证号310105198001011234，请联系我。';
  const mid = midOf((await postMessage(c, YANGLAO, { body })).location);
  const mzj = await staffClient(MZJ);
  await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  const page = await (await visitor()).get(`/policies/${YANGLAO}`);
  assert.ok(page.text.includes('我的电话139****5678，身份证号310105********1234'));
  assert.ok(!page.text.includes('13912345678'));
  assert.ok((await c.get(`/me/messages/${mid}`)).text.includes('13912345678'), 'the author sees what they wrote');
});

test('a message not for publication is answered but never shown publicly', async () => {
  const c = await citizen();
  const body = `不公开的留言 ${Date.now()}`;
  const r = await c.submit(`/policies/${YANGLAO}`, `/policies/${YANGLAO}/messages`, { kind: 'suggest', body });
  const mid = midOf(r.location);
  const mzj = await staffClient(MZJ);
  await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  await staffPost(mzj, mid, 'reply', { body: '感谢建议' });
  assert.equal(byId((await c.get(`/me/messages/${mid}`)).text, 'message-status'), 'replied');
  assert.ok(!(await (await visitor()).get(`/policies/${YANGLAO}`)).text.includes(body));
  assert.ok(!(await (await visitor()).get(`/policies/${YANGLAO}/feed.atom`)).text.includes(body));
});

test('two-character Chinese search finds policies and published messages through the bigram index', async () => {
  const anon = await visitor();
  const r = await anon.get('/policies?q=' + encodeURIComponent('养老'));
  assert.equal(r.status, 200);
  assert.ok(r.text.includes('长宁区居家养老服务补贴实施办法'));
  assert.ok(r.text.includes('推进早餐民心工程和社区长者食堂'), 'found in the body text too');
  assert.ok(!r.text.includes('生活垃圾全程分类管理实施方案'));
  assert.match(r.text, /id="message-hits"/);
  assert.ok(r.text.includes('申请居家养老服务补贴需要准备哪些材料'), 'a published demo message');
  const dept = await anon.get('/policies?q=' + encodeURIComponent('养老') + '&dept=mzj');
  assert.ok(!dept.text.includes('推进早餐民心工程'), 'department filter');
  const none = await anon.get('/policies?q=' + encodeURIComponent('火箭'));
  assert.match(none.text, /没有找到包含该词的政策文件/);
  // Enough rows for the planner to prefer an index, in a transaction that is rolled back.
  const plan = await psqlScript(`BEGIN;
    INSERT INTO board_policies (title, dept_id, published_on, body)
      SELECT '示例文件' || i, 1, date '2024-01-01' + (i % 300), repeat('城市更新 交通路网 架空线入地 ', 5) || i
      FROM generate_series(1, 5000) i;
    ANALYZE board_policies;
    EXPLAIN SELECT id FROM board_policies WHERE grams @> board_bigrams('养老') AND board_matches(title || ' ' || doc_no || ' ' || body || ' ' || interpretation, '养老');
    ROLLBACK;`);
  assert.match(plan, /board_policies_grams/, plan);
  const mplan = await psqlScript(`BEGIN;
    INSERT INTO board_messages (policy_id, author_id, kind, body, is_public, dept_id, status, body_public, created_at)
      SELECT ${YANGLAO}, (SELECT min(id) FROM users WHERE role = 'citizen'), 'consult', '关于停车的问题 ' || i, true,
             (SELECT id FROM departments WHERE code = 'mzj'), 'published', '关于停车的问题 ' || i, now() - interval '2 hours'
      FROM generate_series(1, 3000) i;
    ANALYZE board_messages;
    EXPLAIN SELECT id FROM board_messages m WHERE m.body_public IS NOT NULL AND m.grams @> board_bigrams('养老') AND board_matches(m.body_public, '养老');
    ROLLBACK;`);
  assert.match(mplan, /board_messages_grams/, mplan);
});

test('the policy list pages by 20 and filters by department', async () => {
  const anon = await visitor();
  const all = await anon.get('/policies');
  assert.match(byId(all.text, 'policy-count'), /^共 \d+ 件$/);
  const mzj = await anon.get('/policies?dept=mzj');
  assert.ok(mzj.text.includes('居家养老服务补贴'));
  assert.ok(!mzj.text.includes('节能减排降碳'));
  const p = await anon.get(`/policies/${YANGLAO}`);
  assert.equal(byId(p.text, 'policy-doc-no'), '长民规〔2024〕1号');
  assert.match(p.text, /<h2 id="policy-interp">政策解读<\/h2>/);
  assert.match(p.text, /id="related"/, 'related documents are linked');
  assert.equal((await anon.get('/policies/999999')).status, 404);
  assert.equal((await anon.get('/policies/999999/feed.atom')).status, 404);
});

test('transfer to another department: the deadline stays, the timeline shows the hand-over', async () => {
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: '这个问题其实归街道管' })).location);
  const due = psql(`SELECT due_on FROM board_messages WHERE id = ${mid}`);
  const mzj = await staffClient(MZJ);
  const bad = await staffPost(mzj, mid, 'transfer', { to_dept: 'hyl', note: '' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /请填写转办原因/);
  const ok = await staffPost(mzj, mid, 'transfer', { to_dept: 'hyl', note: '属于街道职责' });
  assert.equal(ok.status, 303);
  assert.equal(psql(`SELECT d.code FROM board_messages m JOIN departments d ON d.id = m.dept_id WHERE m.id = ${mid}`), 'hyl');
  assert.equal(psql(`SELECT due_on FROM board_messages WHERE id = ${mid}`), due);
  assert.equal((await mzj.get(`/admin/messages/${mid}`)).status, 403, 'no longer theirs');
  const hyl = await staffClient({ login: 'hyl.staff', password: 'gongkai-staff-2024' });
  const d = await hyl.get(`/admin/messages/${mid}`);
  assert.equal(d.status, 200);
  assert.match(d.text, /转办<\/strong>：区民政局 → 华阳路街道/);
  const own = await c.get(`/me/messages/${mid}`);
  assert.match(own.text, /转交<\/strong>：区民政局 → 华阳路街道/, 'the author sees the hand-over');
  assert.ok(!own.text.includes('属于街道职责'), 'but not the internal note');
  assert.equal(byId(own.text, 'message-dept'), '华阳路街道');
  const back = await staffPost(hyl, mid, 'transfer', { to_dept: 'qfb', note: '请区府办重新分派' });
  assert.equal(back.status, 303);
  const admin = await staffClient(DEMO.admin);
  assert.match((await admin.get(`/admin/messages/${mid}`)).text, /退回区府办<\/strong>：华阳路街道 → 区府办/);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE object = 'message:${mid}' AND action = 'board_transfer'`), '2');
});

test('sensitive words flag a message for a second look before it is published', async () => {
  const admin = await staffClient(DEMO.admin);
  const word = '违禁词' + (Date.now() % 10000);
  const page = await admin.get('/admin/sensitive-words');
  const t = tokens(page.text);
  assert.equal((await admin.post('/admin/sensitive-words', { csrf: t.csrf, form_id: t.formId, action: 'add', word })).status, 303);
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: `这里有${word}的内容` })).location);
  assert.equal(psql(`SELECT flagged FROM board_messages WHERE id = ${mid}`), 't');
  const mzj = await staffClient(MZJ);
  assert.match((await mzj.get('/admin/messages')).text, /含敏感词，需复核/);
  const no = await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  assert.equal(no.status, 422);
  assert.match(no.text, /勾选“已复核”后再通过/);
  assert.equal((await staffPost(mzj, mid, 'moderate', { action: 'publish', confirm: '1' })).status, 303);
  // Only admins keep the list.
  const tt = tokens((await mzj.get('/admin')).text);
  assert.equal((await mzj.post('/admin/sensitive-words', { csrf: tt.csrf, form_id: tt.formId, action: 'add', word: 'x' })).status, 403);
});

test('concurrent moderation: one decision wins, the other gets 409; concurrent follow-ups: one', async () => {
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: '两位工作人员同时审核' })).location);
  const a = await staffClient(MZJ);
  const b = await staffClient(DEMO.admin);
  const ta = tokens((await a.get(`/admin/messages/${mid}`)).text);
  const tb = tokens((await b.get(`/admin/messages/${mid}`)).text);
  const rs = await Promise.all([
    ...[1, 2, 3].map((i) => a.post(`/admin/messages/${mid}/moderate`, { csrf: ta.csrf, form_id: ta.formId + i, action: 'publish' })),
    ...[1, 2, 3].map((i) => b.post(`/admin/messages/${mid}/moderate`, { csrf: tb.csrf, form_id: tb.formId + i, action: 'reject', reason: '重复' })),
  ]);
  assert.equal(rs.filter((r) => r.status === 303).length, 1, rs.map((r) => r.status).join(','));
  assert.ok(rs.every((r) => r.status === 303 || r.status === 409));
  assert.equal(psql(`SELECT count(*) FROM board_message_events WHERE message_id = ${mid} AND kind IN ('published', 'rejected')`), '1');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE object = 'message:${mid}' AND action IN ('board_publish', 'board_reject')`), '1');
  const m2 = midOf((await postMessage(c, YANGLAO, { body: '要同时追问的留言' })).location);
  await staffPost(a, m2, 'moderate', { action: 'publish' });
  await staffPost(a, m2, 'reply', { body: '答复' });
  const t = tokens((await c.get(`/me/messages/${m2}`)).text);
  const fs = await Promise.all([1, 2, 3, 4].map((i) => c.post(`/me/messages/${m2}/followup`, { csrf: t.csrf, form_id: `${t.formId}f${i}`, body: `追问 ${i}` })));
  assert.equal(fs.filter((r) => r.status === 303).length, 1, fs.map((r) => r.status).join(','));
  assert.ok(fs.every((r) => r.status === 303 || r.status === 409));
  assert.equal(psql(`SELECT count(*) FROM board_messages WHERE parent_id = ${m2}`), '1');
});

test('after a reply the citizen rates it once and may ask one follow-up', async () => {
  const c = await citizen();
  const mid = midOf((await postMessage(c, YANGLAO, { body: '想追问的留言' })).location);
  const mzj = await staffClient(MZJ);
  await staffPost(mzj, mid, 'moderate', { action: 'publish' });
  await staffPost(mzj, mid, 'reply', { body: '第一次答复' });
  const page = await c.get(`/me/messages/${mid}`);
  const t = tokens(page.text);
  const rate = await c.post(`/me/messages/${mid}/rate`, { csrf: t.csrf, form_id: t.formId, satisfaction: 'basic', note: '还想了解更多' });
  assert.equal(rate.status, 303);
  assert.match(byId((await c.get(`/me/messages/${mid}`)).text, 'my-rating'), /基本满意/);
  const fu = await c.submit(`/me/messages/${mid}`, `/me/messages/${mid}/followup`, { body: '追问：补贴能否叠加？' });
  assert.equal(fu.status, 303);
  const fmid = midOf(fu.location);
  assert.equal(psql(`SELECT parent_id FROM board_messages WHERE id = ${fmid}`), mid);
  const again = await c.submit(`/me/messages/${mid}`, `/me/messages/${mid}/followup`, { body: '再追问' });
  assert.equal(again.status, 409);
  assert.equal(byId((await c.get(`/me/messages/${fmid}`)).text, 'message-status'), 'pending');
});

test('staff publish policies for their department; bad input is refused with the values kept', async () => {
  const qfb = await staffClient(DEMO.staff);
  const title = `区府办测试政策 ${Date.now()}`;
  const fields = { title, doc_no: `长府办测〔2026〕${Date.now() % 100000}号`, dept: 'qfb', published_on: '2026-11-02', body: '第一条 测试。\n第二条 养老。', interpretation: '解读文字' };
  const r = await qfb.submit('/admin/policies', '/admin/policies', fields);
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/policies\/\d+$/);
  const p = await qfb.get(r.location);
  assert.ok(p.text.includes(title));
  assert.match(psql(`SELECT action FROM audit_log WHERE detail = '${title}'`), /board_policy_create/);
  const dup = await qfb.submit('/admin/policies', '/admin/policies', { ...fields, title: title + '二' });
  assert.equal(dup.status, 422);
  assert.match(dup.text, /这个文号已经有政策文件使用/);
  const other = await qfb.submit('/admin/policies', '/admin/policies', { ...fields, doc_no: '', dept: 'mzj', published_on: '2026-02-30', body: '' });
  assert.equal(other.status, 422);
  assert.match(other.text, /您只能发布本部门的政策文件/);
  assert.match(other.text, /请按 2024-05-10 的格式填写发布日期/);
  assert.match(other.text, /请填写政策原文/);
  assert.ok(other.text.includes(`value="${title}"`), 'title kept');
  assert.equal(psql(`SELECT count(*) FROM board_policies WHERE title LIKE '${title}%'`), '1');
  // Editing: the form comes filled in; other departments get 403.
  const pid = r.location.split('/').pop();
  const edit = await qfb.get(`/admin/policies/${pid}`);
  assert.equal(edit.status, 200);
  assert.ok(edit.text.includes(`value="${title}"`));
  assert.ok(edit.text.includes('>第一条 测试。\n第二条 养老。</textarea>'));
  const saved = await qfb.submit(`/admin/policies/${pid}`, `/admin/policies/${pid}`, { ...fields, title: title + '（修订）' });
  assert.equal(saved.status, 303);
  assert.equal(saved.location, `/policies/${pid}`);
  assert.equal(psql(`SELECT title FROM board_policies WHERE id = ${pid}`), title + '（修订）');
  assert.match(psql(`SELECT action FROM audit_log WHERE object = 'policy:${pid}' ORDER BY id DESC LIMIT 1`), /board_policy_edit/);
  const mzj = await staffClient(MZJ);
  assert.equal((await mzj.get(`/admin/policies/${pid}`)).status, 403);
  const t2 = tokens((await mzj.get('/admin/policies')).text);
  assert.equal((await mzj.post(`/admin/policies/${pid}`, { csrf: t2.csrf, form_id: t2.formId, ...fields, title: '篡改' })).status, 403);
  assert.equal(psql(`SELECT title FROM board_policies WHERE id = ${pid}`), title + '（修订）');
});

test('FAQ: staff publish an entry from a message; /faq and its Atom feed show it', async () => {
  const mzj = await staffClient(MZJ);
  const question = `居家养老补贴怎么申请？${Date.now()}`;
  const mid = psql(`SELECT min(id) FROM board_messages WHERE status = 'replied' AND dept_id = (SELECT id FROM departments WHERE code = 'mzj')`);
  const form = await mzj.get(`/admin/faq?message_id=${mid}`);
  assert.match(form.text, /近 90 天问得最多的/);
  assert.match(form.text, /id="hot-policies"/);
  const t = tokens(form.text);
  const r = await mzj.post('/admin/faq', { csrf: t.csrf, form_id: t.formId, question, answer: '先做照护需求评估 <再> 申请。', policy_id: '', message_id: mid });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/faq');
  const faq = await (await visitor()).get('/faq');
  assert.ok(faq.text.includes(question));
  assert.ok(faq.text.includes('先做照护需求评估 &lt;再&gt; 申请。'));
  const found = await (await visitor()).get('/faq?q=' + encodeURIComponent('养老'));
  assert.ok(found.text.includes(question));
  const atom = await (await visitor()).get('/faq.atom');
  assert.equal(atom.status, 200);
  xmlWellFormed(atom.text);
  assert.ok(atom.text.includes(question));
  const dup = await mzj.post('/admin/faq', { csrf: t.csrf, form_id: t.formId + 'x2', question: '再来一次', answer: '答', message_id: mid });
  assert.equal(dup.status, 422);
  assert.match(dup.text, /已经整理成常见问题/);
  const bad = await mzj.submit('/admin/faq', '/admin/faq', { question: '', answer: '', policy_id: '99999999' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /请填写问题/);
  assert.match(bad.text, /没有这个编号的政策/);
});

test('public statistics per department and month', async () => {
  const r = await (await visitor()).get('/board/stats?year=2026');
  assert.equal(r.status, 200);
  assert.match(r.text, /id="board-stats"/);
  assert.match(r.text, /<td>区民政局<\/td><td>2026-\d\d<\/td>/);
});

// ---- import-policies ----

function tmpFile(name, text) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gk-import-'));
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

function policyXml(key, { title = '测试导入政策', date = '2024-09-01', dept = 'qfb', doc = '', extra = '' } = {}) {
  return `  <policy key="${key}">
    <title>${title}</title>${doc ? `\n    <docNo>${doc}</docNo>` : ''}
    <dept>${dept}</dept>
    <publishedOn>${date}</publishedOn>
    <body>正文 ${key}</body>${extra}
  </policy>\n`;
}
const wrap = (inner) => `<?xml version="1.0" encoding="UTF-8"?>\n<policies xmlns="urn:gongkai:policies:1">\n${inner}</policies>\n`;

function runImport(file) {
  try {
    return { code: 0, out: gongkai(['import-policies', file]) };
  } catch (e) {
    return { code: e.status, out: String(e.stdout), err: String(e.stderr) };
  }
}

test('import-policies: a good file loads with its links; twice changes nothing', () => {
  const k = `t${Date.now()}`;
  const f = tmpFile('good.xml', wrap(policyXml(`${k}-a`, { doc: `测〔2024〕${k}号`, extra: `\n    <related ref="${k}-b"/>` }) + policyXml(`${k}-b`, { title: '配套文件' })));
  const first = runImport(f);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /2 policies: 2 new, 0 changed, 0 unchanged/);
  assert.equal(psql(`SELECT count(*) FROM board_policy_links l JOIN board_policies p ON p.id = l.policy_id WHERE p.import_key = '${k}-a'`), '1');
  const before = psql(`SELECT string_agg(id || updated_at::text, ',' ORDER BY id) FROM board_policies WHERE import_key LIKE '${k}-%'`);
  const second = runImport(f);
  assert.equal(second.code, 0);
  assert.match(second.out, /0 new, 0 changed, 2 unchanged/);
  assert.equal(psql(`SELECT string_agg(id || updated_at::text, ',' ORDER BY id) FROM board_policies WHERE import_key LIKE '${k}-%'`), before);
});

test('import-policies: one bad record refuses the whole file, naming the line and the reason', () => {
  const k = `b${Date.now()}`;
  const cases = [
    [policyXml(`${k}-1`) + policyXml(`${k}-2`, { date: '2024-02-30' }), /bad\.xml:\d+: .*publishedOn.*2024-02-30/],
    [policyXml(`${k}-1`) + policyXml(`${k}-2`, { title: '   ' }), /bad\.xml:\d+: .*title/],
    [policyXml(`${k}-1`) + policyXml(`${k}-1`), /bad\.xml:\d+: .*(unique|Duplicate)/i],
    [policyXml(`${k}-1`) + policyXml(`${k}-2`, { dept: '火星局' }), /bad\.xml:9: unknown department "火星局"/],
    [policyXml(`${k}-1`, { extra: `\n    <related ref="nowhere"/>` }), /related ref "nowhere"/],
  ];
  for (const [inner, why] of cases) {
    const r = runImport(tmpFile('bad.xml', wrap(inner)));
    assert.equal(r.code, 1, inner);
    assert.match(r.err, why);
    assert.match(r.err, /refused, nothing was imported/);
    assert.equal(psql(`SELECT count(*) FROM board_policies WHERE import_key LIKE '${k}-%'`), '0');
  }
});

test('import-policies: no DOCTYPE, no entities, no network', () => {
  const k = `x${Date.now()}`;
  const evil = `<?xml version="1.0"?>\n<!DOCTYPE policies [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>\n<policies xmlns="urn:gongkai:policies:1">\n${policyXml(k, { title: '&b;&ext;' })}</policies>\n`;
  const r = runImport(tmpFile('evil.xml', evil));
  assert.equal(r.code, 1);
  assert.match(r.err, /DOCTYPE declarations are not allowed/);
  assert.equal(psql(`SELECT count(*) FROM board_policies WHERE import_key = '${k}'`), '0');
  const broken = runImport(tmpFile('broken.xml', wrap(policyXml(k)).replace('</title>', '</titel>')));
  assert.equal(broken.code, 1);
  assert.match(broken.err, /broken\.xml:\d+: /);
});

test('gongkai seed loads synthetic policies and messages for the benchmarks', async () => {
  const out = gongkai(['seed', '--policies', '3', '--messages', '40']);
  assert.match(out, /board 3 policies, 40 messages/);
  assert.equal(psql(`SELECT count(*) FROM board_policies WHERE import_key LIKE 'seed-%'`), '3');
  assert.equal(psql(`SELECT count(*) || '/' || count(body_public) FROM board_messages m JOIN users u ON u.id = m.author_id WHERE u.name = '压测用户'`), '40/20');
  const p = await (await visitor()).get(`/policies/${policyId('seed-1')}`);
  assert.match(p.text, /class="reply-dept"/);
  // The hourly-limit trigger is back on after the load.
  assert.equal(psql(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'board_messages_before_insert'`), 'O');
  // Again with a larger total: messages are topped up, policies not repeated.
  assert.match(gongkai(['seed', '--policies', '3', '--messages', '200']), /board 3 policies, 200 messages/);
  assert.equal(psql(`SELECT count(*) FROM board_policies WHERE import_key LIKE 'seed-%'`), '3');
  assert.equal(psql(`SELECT count(*) FROM board_messages m JOIN users u ON u.id = m.author_id WHERE u.name = '压测用户'`), '200');
  assert.equal(psql(`SELECT count(DISTINCT body) FROM board_messages m JOIN users u ON u.id = m.author_id WHERE u.name = '压测用户'`), '200', 'numbered on, not repeated');
  // The policy page pages its published messages by 20, newest first, without counting them all.
  const pid = policyId('seed-2');
  const shown = Number(psql(`SELECT count(*) FROM board_messages WHERE policy_id = ${pid} AND body_public IS NOT NULL`));
  assert.ok(shown > 20 && shown <= 40, `seed-2 has ${shown} published messages`);
  const v = await visitor();
  const p1 = await v.get(`/policies/${pid}`);
  const p2 = await v.get(`/policies/${pid}?page=2`);
  const ids = (t) => [...t.matchAll(/<article class="message" id="m-(\d+)"/g)].map((m) => Number(m[1]));
  assert.equal(ids(p1.text).length, 20);
  assert.equal(ids(p2.text).length, shown - 20);
  assert.match(p1.text, new RegExp(`<a href="/policies/${pid}\\?page=2#public-messages" rel="next">下一页</a>`));
  assert.doesNotMatch(p2.text, /rel="next"/);
  assert.match(p2.text, /rel="prev">上一页/);
  assert.equal(psql(`SELECT string_agg(id::text, ',' ORDER BY created_at DESC, id DESC) FROM board_messages WHERE policy_id = ${pid} AND body_public IS NOT NULL`), [...ids(p1.text), ...ids(p2.text)].join(','));
});
