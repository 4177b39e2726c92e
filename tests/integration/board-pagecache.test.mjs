// The workers' copies of policy pages (fcgi/pagecache.h, schema 0079): a copy
// is served only while the database says it is current, so every change that
// shows on a policy page shows at once, from every worker. Each check views
// the page many times at once, so that every worker has served (and kept) it
// before the change and every worker answers after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO, clientAs, psql, tokens, uniquePhone } from '../lib/client.mjs';

const ROUNDS = 4;
const AT_ONCE = 12; // the test instance runs 2 x cores workers

// A visitor with a pre-session cookie: nginx's micro-cache is bypassed, so
// every answer is a worker's.
async function views(path) {
  const c = await clientAs('anonymous');
  const all = [];
  for (let i = 0; i < ROUNDS; i++)
    all.push(...(await Promise.all(Array.from({ length: AT_ONCE }, () => c.get(path)))));
  for (const r of all) assert.equal(r.status, 200, path);
  return all;
}

// Every view of path satisfies check; returns how many came from a copy.
async function allShow(path, check, what) {
  const rs = await views(path);
  rs.forEach((r, i) => assert.ok(check(r.text), `${what}: view ${i + 1} of ${rs.length} (${r.headers.get('x-page-cache')})`));
  return rs.filter((r) => r.headers.get('x-page-cache') === 'HIT').length;
}

async function staffClient(who) {
  const c = new Client();
  assert.equal((await c.login(who.login, who.password)).status, 303, `login ${who.login}`);
  return c;
}

async function staffPost(c, mid, what, fields) {
  const t = tokens((await c.get(`/admin/messages/${mid}`)).text);
  return c.post(`/admin/messages/${mid}/${what}`, { csrf: t.csrf, form_id: t.formId, ...fields });
}

const rev = (pid) => psql(`SELECT rev FROM board_page_revs WHERE policy_id = ${pid}`);

// A policy of 区府办 of its own, so that nothing else in the suite changes it.
async function newPolicy(qfb, title) {
  const fields = {
    title, doc_no: `长府办缓存〔2026〕${Date.now() % 1000000}号`, dept: 'qfb',
    published_on: '2026-11-03', body: '第一条 页面缓存测试。', interpretation: '',
  };
  const r = await qfb.submit('/admin/policies', '/admin/policies', fields);
  assert.equal(r.status, 303);
  return { pid: r.location.split('/').pop(), fields };
}

test('a kept page is the same page, byte for byte, and is used', async () => {
  const pid = psql(`SELECT id FROM board_policies WHERE import_key = 'cn-qfb-2024-gongkai'`);
  const rs = await views(`/policies/${pid}`);
  const hits = rs.filter((r) => r.headers.get('x-page-cache') === 'HIT');
  assert.ok(hits.length > rs.length / 2, `most views come from a copy (${hits.length} of ${rs.length})`);
  for (const r of rs) assert.equal(r.text, rs[0].text);
  // An unknown policy is still 404, never someone else's copy.
  const c = await clientAs('anonymous');
  assert.equal((await c.get('/policies/999999999')).status, 404);
});

test('a message published, replied and a pending one: every worker shows the page as it is', async () => {
  const qfb = await staffClient(DEMO.staff);
  const { pid } = await newPolicy(qfb, `页面缓存测试政策 ${Date.now()}`);
  const path = `/policies/${pid}`;
  await allShow(path, (t) => t.includes('暂无公开的留言。'), 'no messages yet');

  const citizen = new Client();
  assert.equal((await citizen.register(uniquePhone(), 'page cache password', '缓存测试')).status, 303);
  const body = `请问页面缓存测试的留言何时公开？${Date.now()}`;
  const posted = await citizen.submit(path, `${path}/messages`, { kind: 'consult', public: '1', body });
  assert.equal(posted.status, 303);
  const mid = posted.location.split('/').pop();

  // Pending: not on the page, and the copies stay good (nothing changed).
  const before = rev(pid);
  const hits = await allShow(path, (t) => !t.includes(body) && t.includes('暂无公开的留言。'), 'pending message hidden');
  assert.equal(rev(pid), before, 'a pending message does not change the page');
  assert.ok(hits > 0, 'copies still served while nothing on the page changed');

  assert.equal((await staffPost(qfb, mid, 'moderate', { action: 'publish' })).status, 303);
  assert.notEqual(rev(pid), before);
  await allShow(path, (t) => t.includes(body) && t.includes('等待部门答复'), 'published message shown');

  const reply = `您好，页面缓存测试的答复。${Date.now()}`;
  assert.equal((await staffPost(qfb, mid, 'reply', { body: reply })).status, 303);
  await allShow(path, (t) => t.includes(reply) && !t.includes('等待部门答复'), 'reply shown');

  // A citizen's rating of the reply is not on the public page: no change.
  const afterReply = rev(pid);
  const page = await citizen.get(`/me/messages/${mid}`);
  const t = tokens(page.text);
  const rated = await citizen.post(`/me/messages/${mid}/rate`, { csrf: t.csrf, form_id: t.formId, satisfaction: 'satisfied', note: '' });
  assert.equal(rated.status, 303);
  assert.equal(rev(pid), afterReply, 'a rating does not change the page');
});

test('policy edits, related documents and department names show at once on every page that shows them', async () => {
  const qfb = await staffClient(DEMO.staff);
  const stamp = Date.now();
  const a = await newPolicy(qfb, `缓存测试甲 ${stamp}`);
  const b = await newPolicy(qfb, `缓存测试乙 ${stamp}`);
  const pa = `/policies/${a.pid}`, pb = `/policies/${b.pid}`;
  await allShow(pa, (t) => t.includes(a.fields.title) && !t.includes('相关文件'), 'no related documents');
  await allShow(pb, (t) => t.includes(b.fields.title), 'b as made');

  // A link (made by import-policies in production; here directly).
  psql(`INSERT INTO board_policy_links (policy_id, related_id) VALUES (${a.pid}, ${b.pid})`);
  await allShow(pa, (t) => t.includes('相关文件') && t.includes(b.fields.title), 'b listed on a');
  await allShow(pb, (t) => t.includes('相关文件') && t.includes(a.fields.title), 'a listed on b');

  // b renamed in the admin page: its own page and a's list of related documents.
  const renamed = `${b.fields.title}（修订）`;
  const saved = await qfb.submit(pb.replace('/policies', '/admin/policies'), pb.replace('/policies', '/admin/policies'),
    { ...b.fields, title: renamed });
  assert.equal(saved.status, 303);
  await allShow(pb, (t) => t.includes(`<h1>${renamed}</h1>`) && t.includes(`<title>${renamed} - `), 'b renamed on its page');
  await allShow(pa, (t) => t.includes(renamed), 'b renamed on a');

  // A department renamed: every page that names it.
  const name = psql(`SELECT name FROM departments WHERE code = 'qfb'`);
  try {
    psql(`UPDATE departments SET name = '区府办（缓存测试）' WHERE code = 'qfb'`);
    await allShow(pa, (t) => t.includes('<dd id="policy-dept">区府办（缓存测试）</dd>'), 'department renamed');
  } finally {
    psql(`UPDATE departments SET name = '${name}' WHERE code = 'qfb'`);
  }
  await allShow(pa, (t) => t.includes(`<dd id="policy-dept">${name}</dd>`), 'department name back');

  // The link removed.
  psql(`DELETE FROM board_policy_links WHERE policy_id = ${a.pid} AND related_id = ${b.pid}`);
  await allShow(pa, (t) => !t.includes('相关文件'), 'link gone from a');
  await allShow(pb, (t) => !t.includes('相关文件'), 'link gone from b');
});
