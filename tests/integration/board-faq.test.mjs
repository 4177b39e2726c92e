// 政策留言板 FAQ upkeep over HTTP: staff change and delete entries of their
// department in the admin page (CSRF forms, values kept on bad input,
// confirmation before deleting, audit rows); /faq and its Atom feed follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, DEMO, clientAs, psql, tokens } from '../lib/client.mjs';

const MZJ = { login: 'mzj.staff', password: 'gongkai-staff-2024' };
// Not logged in, with a browser's pre-session cookie: never served from the micro-cache.
const visitor = () => clientAs('anonymous');

async function staff(who) {
  const c = new Client();
  assert.equal((await c.login(who.login, who.password)).status, 303, who.login);
  return c;
}

// A new FAQ entry of the staff member's department; its id.
async function newEntry(c, question) {
  const r = await c.submit('/admin/faq', '/admin/faq', { question, answer: `原来的解答 ${question}`, policy_id: '', message_id: '' });
  assert.equal(r.status, 303);
  return psql(`SELECT id FROM board_faq WHERE question = '${question}'`);
}

function feedEntry(atom, id) {
  execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: atom, stdio: ['pipe', 'ignore', 'pipe'] });
  const e = atom.split('<entry>').find((x) => x.includes(`faq/${id}</id>`));
  return e ? { updated: /<updated>([^<]+)<\/updated>/.exec(e)[1], text: e.split('</entry>')[0] } : null;
}

test('staff change an FAQ entry of their department: the form comes filled in, /faq and the feed follow', async () => {
  const mzj = await staff(MZJ);
  const q = `高龄津贴多久发一次？${Date.now()}`;
  const id = await newEntry(mzj, q);
  const list = await mzj.get('/admin/faq');
  assert.ok(list.text.includes(`href="/admin/faq/${id}"`), 'the admin page lists it with a link');
  const form = await mzj.get(`/admin/faq/${id}`);
  assert.equal(form.status, 200);
  assert.ok(form.text.includes(`>${q}</textarea>`), 'question filled in');
  assert.ok(form.text.includes(`>原来的解答 ${q}</textarea>`), 'answer filled in');
  assert.match(form.text, /删除这条常见问题/);
  assert.ok(feedEntry((await (await visitor()).get('/faq.atom')).text, id), 'in the feed before');
  psql(`UPDATE board_faq SET updated_at = updated_at - interval '1 day' WHERE id = ${id}`);

  const q2 = `${q}（修订）`;
  const pid = psql(`SELECT id FROM board_policies WHERE import_key = 'cn-mzj-2024-yanglao'`);
  const r = await mzj.submit(`/admin/faq/${id}`, `/admin/faq/${id}`, { question: q2, answer: '每月发放 <按月>。', policy_id: pid });
  assert.equal(r.status, 303);
  assert.equal(r.location, `/faq#faq-${id}`);
  assert.equal(psql(`SELECT question || '|' || answer || '|' || policy_id FROM board_faq WHERE id = ${id}`), `${q2}|每月发放 <按月>。|${pid}`);
  const faq = await (await visitor()).get('/faq');
  assert.ok(faq.text.includes(q2));
  assert.ok(faq.text.includes('每月发放 &lt;按月&gt;。'), 'escaped');
  assert.match(faq.text, new RegExp(`id="faq-${id}"[\\s\\S]*?相关政策：<a href="/policies/${pid}"`));
  const after = feedEntry((await (await visitor()).get('/faq.atom')).text, id);
  assert.ok(after.text.includes(q2), 'the feed shows the new text');
  assert.ok(Date.parse(after.updated) > Date.now() - 60e3, 'updated is the time of the edit');
  assert.equal(psql(`SELECT action || ' ' || detail FROM audit_log WHERE object = 'faq:${id}' ORDER BY id DESC LIMIT 1`), `board_faq_edit ${q2}`);
});

test('a bad edit is refused with a message beside each field, the typed values kept, nothing stored', async () => {
  const mzj = await staff(MZJ);
  const q = `残疾人补贴如何申领？${Date.now()}`;
  const id = await newEntry(mzj, q);
  const long = '答'.repeat(5001);
  const r = await mzj.submit(`/admin/faq/${id}`, `/admin/faq/${id}`, { question: '', answer: long, policy_id: '99999999' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请填写问题/);
  assert.match(r.text, /不能超过 5000 字（现在是 5001 字）/);
  assert.match(r.text, /没有这个编号的政策，请核对/);
  assert.ok(r.text.includes(`>${long}</textarea>`), 'the answer as typed');
  assert.ok(r.text.includes('value="99999999"'), 'the policy number as typed');
  assert.equal(psql(`SELECT question FROM board_faq WHERE id = ${id}`), q, 'nothing stored');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE object = 'faq:${id}' AND action = 'board_faq_edit'`), '0');
});

test('deleting asks for confirmation first; then the entry leaves /faq and the feed; a repeat answers the same', async () => {
  const mzj = await staff(MZJ);
  const q = `养老顾问点在哪里？${Date.now()}`;
  const id = await newEntry(mzj, q);
  const page = await mzj.get(`/admin/faq/${id}`);
  const forms = [...page.text.matchAll(/<form method="post" action="([^"]+)"[\s\S]*?<\/form>/g)];
  const del = forms.find((f) => f[1] === `/admin/faq/${id}/delete`);
  assert.ok(del, 'a separate delete form');
  assert.match(del[0], /<button type="submit">删除这条常见问题<\/button>/);
  assert.match(del[0], /type="checkbox"[^>]*name="confirm"/);
  const t = tokens(del[0]);

  const unconfirmed = await mzj.post(`/admin/faq/${id}/delete`, { csrf: t.csrf, form_id: t.formId });
  assert.equal(unconfirmed.status, 422);
  assert.match(unconfirmed.text, /请先勾选“我确认删除这条常见问题”，再点删除/);
  assert.ok(unconfirmed.text.includes(`>${q}</textarea>`), 'the edit form still shows the entry');
  assert.equal(psql(`SELECT count(*) FROM board_faq WHERE id = ${id}`), '1');

  const done = await mzj.post(`/admin/faq/${id}/delete`, { csrf: t.csrf, form_id: t.formId, confirm: '1' });
  assert.equal(done.status, 303);
  assert.equal(done.location, '/admin/faq');
  assert.equal(psql(`SELECT count(*) FROM board_faq WHERE id = ${id}`), '0');
  assert.equal(psql(`SELECT action || ' ' || detail FROM audit_log WHERE object = 'faq:${id}' ORDER BY id DESC LIMIT 1`), `board_faq_delete ${q}`);
  const again = await mzj.post(`/admin/faq/${id}/delete`, { csrf: t.csrf, form_id: t.formId, confirm: '1' });
  assert.equal(again.status, 303, 'the same form sent twice answers the same');
  assert.equal(again.location, '/admin/faq');
  const fresh = await mzj.post(`/admin/faq/${id}/delete`, { csrf: t.csrf, form_id: t.formId + 'x', confirm: '1' });
  assert.equal(fresh.status, 404);
  assert.equal((await mzj.get(`/admin/faq/${id}`)).status, 404);
  const v = await visitor();
  assert.ok(!(await v.get('/faq')).text.includes(q));
  assert.equal(feedEntry((await v.get('/faq.atom')).text, id), null);
  assert.ok(!(await mzj.get('/admin/faq')).text.includes(`/admin/faq/${id}"`));
});

test('FAQ edit and delete: citizens 403, anonymous to the login page, other departments 403, admins may, CSRF checked', async () => {
  const mzj = await staff(MZJ);
  const q = `长护险怎么评估？${Date.now()}`;
  const id = await newEntry(mzj, q);
  const citizen = await clientAs('citizen');
  assert.equal((await citizen.get(`/admin/faq/${id}`)).status, 403);
  const ct = tokens((await citizen.get('/me')).text);
  assert.equal((await citizen.post(`/admin/faq/${id}`, { csrf: ct.csrf, form_id: ct.formId, question: '篡改', answer: '篡改' })).status, 403);
  assert.equal((await citizen.post(`/admin/faq/${id}/delete`, { csrf: ct.csrf, form_id: ct.formId + '1', confirm: '1' })).status, 403);
  const anon = await new Client().get(`/admin/faq/${id}`);
  assert.equal(anon.status, 303);
  assert.match(anon.location, /^\/account\/login\?next=/);
  assert.equal((await new Client().post(`/admin/faq/${id}/delete`, { confirm: '1' })).status, 401);

  const qfb = await staff(DEMO.staff); // 区府办
  assert.equal((await qfb.get(`/admin/faq/${id}`)).status, 403);
  assert.ok(!(await qfb.get('/admin/faq')).text.includes(`/admin/faq/${id}"`), 'not in another department\'s list');
  const qt = tokens((await qfb.get('/admin/faq')).text);
  assert.equal((await qfb.post(`/admin/faq/${id}`, { csrf: qt.csrf, form_id: qt.formId, question: '篡改', answer: '篡改' })).status, 403);
  assert.equal((await qfb.post(`/admin/faq/${id}/delete`, { csrf: qt.csrf, form_id: qt.formId + '1', confirm: '1' })).status, 403);
  // Without the page's CSRF token nothing happens either.
  assert.equal((await mzj.post(`/admin/faq/${id}/delete`, { csrf: 'forged', form_id: 'x'.repeat(24), confirm: '1' })).status, 403);
  assert.equal(psql(`SELECT question FROM board_faq WHERE id = ${id}`), q);

  const admin = await staff(DEMO.admin);
  assert.ok((await admin.get('/admin/faq')).text.includes(`/admin/faq/${id}"`), 'admins see every department\'s entries');
  const r = await admin.submit(`/admin/faq/${id}`, `/admin/faq/${id}`, { question: `${q}（管理员修订）`, answer: '答', policy_id: '' });
  assert.equal(r.status, 303);
  assert.equal(psql(`SELECT question FROM board_faq WHERE id = ${id}`), `${q}（管理员修订）`);
});
