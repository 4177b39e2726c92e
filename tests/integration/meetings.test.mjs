// 公众代表列席 over HTTP: publish → apply (inside and outside the window,
// twice) → review → commit → draw → feedback → published. The draw is
// recomputed from the published page alone by an independent
// implementation below (node's crypto, not the project's code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, DEMO, PORT, byId, gongkai, psql, psqlApp, tokens, uniquePhone } from '../lib/client.mjs';

// ---- an independent implementation of docs/meetings.md ----

const sha256 = (data) => createHash('sha256').update(data).digest();

function parseCommitment(text) {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'the commitment ends with a newline');
  assert.equal(lines[0], 'gongkai-draw-commitment v1');
  const num = (i, key) => {
    const [k, v] = lines[i].split(' ');
    assert.equal(k, key);
    return Number(v);
  };
  const c = {
    meeting: num(1, 'meeting'), seats: num(2, 'seats'), grassroots: num(3, 'reserved_grassroots'),
    stakeholder: num(4, 'reserved_stakeholder'), entries: [],
  };
  const n = num(5, 'eligible');
  for (let i = 0; i < n; i++) {
    const [idx, aid, category, name, phone] = lines[6 + i].split(' ');
    assert.equal(Number(idx), i + 1);
    c.entries.push({ aid: Number(aid), category, name, phone });
  }
  return c;
}

function stream(seed) {
  let block = 0n;
  let buf = Buffer.alloc(0);
  return () => {
    if (buf.length === 0) {
      const ctr = Buffer.alloc(8);
      ctr.writeBigUInt64BE(block++);
      buf = sha256(Buffer.concat([seed, ctr]));
    }
    const x = buf.readUInt32BE(0);
    buf = buf.subarray(4);
    return x;
  };
}

function recompute(commitmentText, inputs) {
  const c = parseCommitment(commitmentText);
  const hash = sha256(Buffer.from(commitmentText, 'utf8')).toString('hex');
  const seed = sha256(Buffer.from(hash + '\n' + inputs, 'utf8'));
  const next = stream(seed);
  const below = (m) => {
    const limit = 2 ** 32 - (2 ** 32 % m);
    for (;;) {
      const x = next();
      if (x < limit) return x % m;
    }
  };
  const taken = new Set();
  const out = [];
  const rounds = [
    ['grassroots', c.grassroots, (e) => e.category === 'grassroots'],
    ['stakeholder', c.stakeholder, (e) => e.category === 'stakeholder' || e.category === 'enterprise'],
    ['open', null, () => true],
  ];
  for (const [name, quota, inPool] of rounds) {
    const pool = c.entries.filter((e) => !taken.has(e.aid) && inPool(e));
    const k = Math.min(quota ?? c.seats - out.length, pool.length);
    for (let i = 0; i < k; i++) {
      const j = below(pool.length - i);
      [pool[i], pool[i + j]] = [pool[i + j], pool[i]];
      taken.add(pool[i].aid);
      out.push({ aid: pool[i].aid, quota: name });
    }
  }
  return { hash, seed: seed.toString('hex'), result: out.map((p, i) => `${i + 1} ${p.aid} ${p.quota}\n`).join(''), picks: out, c };
}

// ---- helpers ----

const unescape = (s) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
const element = (html, id) => {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? unescape(m[1]) : null;
};
// "YYYY-MM-DD HH:MM" in Asia/Shanghai, offset minutes from now.
const at = (minutes) => new Date(Date.now() + minutes * 60000 + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' ');
const DAY = 24 * 60;

async function staff(who = DEMO.staff) {
  const c = new Client();
  const r = await c.login(who.login, who.password);
  assert.equal(r.status, 303);
  return c;
}

let seq = 0;
async function citizen(name = '市民') {
  const c = new Client();
  const phone = uniquePhone();
  const r = await c.register(phone, 'citizen password 1', name);
  assert.equal(r.status, 303);
  c.phone = phone;
  return c;
}

function meetingFields(over = {}) {
  return {
    topic: `测试议题 ${Date.now()}-${seq++}`, dept: 'qfb', starts_at: at(2 * DAY), place: '区政府第一会议室',
    seats: '3', reserved_grassroots: '1', reserved_stakeholder: '1', apply_from: at(-60), apply_until: at(DAY),
    eligibility: '本区居民', description: '会议说明', ...over,
  };
}

async function publish(s, over) {
  const f = meetingFields(over);
  const r = await s.submit('/admin/meetings/new', '/admin/meetings', f);
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  const m = /^\/admin\/meetings\/(\d+)$/.exec(r.location);
  assert.ok(m, r.location);
  return { id: Number(m[1]), topic: f.topic };
}

function applyFields(c, over = {}) {
  return { name: '王小明', phone: c.phone, street: 'hyl', category: 'resident', statement: '我住在附近，关心这件事。', ...over };
}

async function apply(c, id, over) {
  return c.submit(`/meetings/${id}/apply`, `/meetings/${id}/apply`, applyFields(c, over));
}

const aidOf = (r) => Number(/\/me\/applications\/(\d+)$/.exec(r.location)[1]);

async function review(s, id, aid, decision, reason = '') {
  return s.submit(`/admin/meetings/${id}/applications/${aid}`, `/admin/meetings/${id}/applications/${aid}/review`, { decision, reason });
}

function closeWindow(id) {
  psql(`UPDATE meetings SET apply_from = now() - interval '3 hours', apply_until = now() - interval '1 minute' WHERE id = ${id}`);
}

function holdMeeting(id) {
  psql(`UPDATE meetings SET starts_at = now() - interval '1 minute' WHERE id = ${id}`);
}

const postTo = async (c, page, action, fields = {}) => c.submit(page, action, fields);

// ---- publishing ----

test('staff publish a meeting; it is on the public list and page, and audited', async () => {
  const s = await staff();
  const m = await publish(s);
  const list = await new Client().get('/meetings');
  assert.equal(list.status, 200);
  assert.ok(list.text.includes(m.topic));
  const page = await new Client().get(`/meetings/${m.id}`);
  assert.equal(page.status, 200);
  assert.equal(byId(page.text, 'meeting-topic'), m.topic);
  assert.equal(byId(page.text, 'meeting-dept'), '区府办');
  assert.match(byId(page.text, 'meeting-seats'), /共 3 席，其中基层一线预留 1 席，利害关系人和企业预留 1 席/);
  assert.match(byId(page.text, 'apply-state'), /正在报名/);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'meeting_create' AND object = 'meeting ${m.id}'`), '1');
  const admin = await s.get(`/admin/meetings/${m.id}`);
  assert.equal(admin.status, 200);
});

test('publishing: every validation message, values kept, nothing stored', async () => {
  const s = await staff();
  const topic = `坏会议 ${Date.now()}`;
  const cases = [
    [{ topic: '' }, /请填写议题/],
    [{ place: '' }, /请填写会议地点/],
    [{ seats: '0' }, /请填写 1 到 100 之间的整数/],
    [{ seats: '2', reserved_grassroots: '2', reserved_stakeholder: '1' }, /预留席位之和不能超过公众代表席位数/],
    [{ reserved_stakeholder: 'x' }, /请填写 0 或正整数/],
    [{ starts_at: 'tomorrow' }, /请按“2024-06-01 14:30”的格式填写会议时间/],
    [{ starts_at: at(-60) }, /会议时间须在今后/],
    [{ apply_until: at(3 * DAY) }, /报名截止时间须早于会议时间/],
    [{ apply_from: at(DAY), apply_until: at(60) }, /报名截止时间须晚于报名开始时间/],
    [{ apply_until: at(-5) }, /报名截止时间须在今后/],
    [{ dept: 'mzj' }, /只能选择您所在的部门/],
    [{ topic: 'x'.repeat(201) }, /不能超过 200 个字/],
  ];
  for (const [over, msg] of cases) {
    const f = meetingFields({ topic, ...over });
    const r = await s.submit('/admin/meetings/new', '/admin/meetings', f);
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.match(r.text, msg, JSON.stringify(over));
    assert.match(r.text, /class="error-summary"/);
    if (f.place) assert.ok(r.text.includes(`value="${f.place}"`), 'place kept');
  }
  assert.equal(psql(`SELECT count(*) FROM meetings WHERE topic LIKE '坏会议%'`), '0');
});

test('a repeated form_id publishes once and answers the same 303', async () => {
  const s = await staff();
  const f = meetingFields();
  const page = await s.get('/admin/meetings/new');
  const t = tokens(page.text);
  const body = { csrf: t.csrf, form_id: t.formId, ...f };
  const rs = await Promise.all([1, 2, 3].map(() => s.post('/admin/meetings', body)));
  for (const r of rs) assert.equal(r.status, 303);
  assert.equal(new Set(rs.map((r) => r.location)).size, 1);
  assert.equal(psql(`SELECT count(*) FROM meetings WHERE topic = '${f.topic}'`), '1');
});

test('department scoping: other departments get 403, admins see everything', async () => {
  const s = await staff();
  const m = await publish(s);
  const other = await staff(DEMO.otherStaff);
  assert.equal((await other.get(`/admin/meetings/${m.id}`)).status, 403);
  const list = await other.get('/admin/meetings');
  assert.ok(!list.text.includes(m.topic), 'not in the other department\'s list');
  const admin = await staff(DEMO.admin);
  assert.equal((await admin.get(`/admin/meetings/${m.id}`)).status, 200);
  assert.ok((await admin.get('/admin/meetings')).text.includes(m.topic));
  const c = await citizen();
  assert.equal((await c.get(`/admin/meetings/${m.id}`)).status, 403);
});

// ---- applying ----

test('a citizen applies: 303 to the application, pending, phone sealed and masked, on /me', async () => {
  const s = await staff();
  const m = await publish(s);
  const c = await citizen();
  const r = await apply(c, m.id, { name: '陈阿姨', category: 'grassroots' });
  assert.equal(r.status, 303);
  const aid = aidOf(r);
  const mine = await c.get(r.location);
  assert.equal(mine.status, 200);
  assert.equal(byId(mine.text, 'application-status'), 'pending');
  const masked = `${c.phone.slice(0, 3)}****${c.phone.slice(7)}`;
  assert.ok(mine.text.includes(masked));
  assert.ok(!mine.text.includes(c.phone), 'the full number is not shown to the applicant page');
  const stored = psql(`SELECT encode(phone_enc, 'escape') || phone_masked || name_masked FROM meeting_applications WHERE id = ${aid}`);
  assert.ok(!stored.includes(c.phone), 'sealed at rest');
  assert.ok(stored.endsWith('陈**'));
  const me = await c.get('/me');
  assert.ok(me.text.includes(m.topic));
  assert.match(me.text, /data-status="pending"/);
  // Another person cannot see it.
  const d = await citizen();
  assert.equal((await d.get(r.location)).status, 404);
});

test('applying twice (account or phone) is refused, nothing more stored', async () => {
  const s = await staff();
  const m = await publish(s);
  const c = await citizen();
  assert.equal((await apply(c, m.id)).status, 303);
  const again = await apply(c, m.id);
  assert.equal(again.status, 409);
  assert.match(again.text, /每人只能报名一次/);
  const d = await citizen();
  const samePhone = await apply(d, m.id, { phone: c.phone });
  assert.equal(samePhone.status, 409);
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id = ${m.id}`), '1');
  const form = await c.get(`/meetings/${m.id}/apply`);
  assert.match(form.text, /您已经报名了这个会议/);
});

test('outside the window: a clear message and nothing stored', async () => {
  const s = await staff();
  const later = await publish(s, { apply_from: at(DAY), apply_until: at(DAY + 60) });
  const c = await citizen();
  let r = await apply(c, later.id);
  assert.equal(r.status, 409);
  assert.match(r.text, /报名还没有开始/);
  const m = await publish(s);
  closeWindow(m.id);
  r = await apply(c, m.id);
  assert.equal(r.status, 409);
  assert.match(r.text, /报名已经截止/);
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id IN (${later.id}, ${m.id})`), '0');
  // The database itself refuses, whatever the C code says.
  assert.throws(() => psql(`INSERT INTO meeting_applications (meeting_id, user_id, name, name_masked, phone_enc, phone_hash, phone_masked, street_id, category, statement)
    SELECT ${m.id}, (SELECT min(id) FROM users WHERE role = 'citizen'), 'x', 'x', '\\x00', decode(repeat('ab', 32), 'hex'), 'x', 26, 'resident', 'x'`), /outside the application window/);
});

test('applying: each validation message, values kept, nothing stored', async () => {
  const s = await staff();
  const m = await publish(s);
  const c = await citizen();
  const r = await apply(c, m.id, { name: '', phone: '12345', street: 'nowhere', category: 'mayor', statement: '' });
  assert.equal(r.status, 422);
  for (const msg of [/请填写姓名/, /请填写 11 位手机号/, /请选择所在街道（镇）/, /请选择报名类别/, /请说明您与议题的关系/]) assert.match(r.text, msg);
  assert.match(r.text, /name="phone" type="tel" value="12345"/);
  const r2 = await apply(c, m.id, { phone: '', statement: 'x'.repeat(1001) });
  assert.equal(r2.status, 422);
  assert.match(r2.text, /请填写手机号/);
  assert.match(r2.text, /说明不能超过 1000 字/);
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id = ${m.id}`), '0');
  const anon = new Client();
  assert.equal((await anon.get(`/meetings/${m.id}/apply`)).status, 303);
});

test('concurrent applications from many accounts at the window\'s close: each answer matches what is stored', async () => {
  const s = await staff();
  const m = await publish(s);
  const people = await Promise.all(Array.from({ length: 12 }, () => citizen()));
  const pages = await Promise.all(people.map((c) => c.get(`/meetings/${m.id}/apply`)));
  psql(`UPDATE meetings SET apply_until = now() + interval '400 milliseconds' WHERE id = ${m.id}`);
  await new Promise((r) => setTimeout(r, 250));
  const rs = await Promise.all(people.map((c, i) => {
    const t = tokens(pages[i].text);
    return c.post(`/meetings/${m.id}/apply`, { csrf: t.csrf, form_id: t.formId, ...applyFields(c) });
  }));
  for (const r of rs) assert.ok([303, 409].includes(r.status), `status ${r.status}`);
  const ok = rs.filter((r) => r.status === 303).length;
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id = ${m.id}`), String(ok));
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id = ${m.id} AND created_at > (SELECT apply_until FROM meetings WHERE id = ${m.id})`), '0');
});

test('one account applying many times at once stores exactly one', async () => {
  const s = await staff();
  const m = await publish(s);
  const c = await citizen();
  const pages = await Promise.all(Array.from({ length: 8 }, () => c.get(`/meetings/${m.id}/apply`)));
  const rs = await Promise.all(pages.map((p) => {
    const t = tokens(p.text);
    return c.post(`/meetings/${m.id}/apply`, { csrf: t.csrf, form_id: t.formId, ...applyFields(c) });
  }));
  assert.equal(rs.filter((r) => r.status === 303).length, 1);
  assert.equal(rs.filter((r) => r.status === 409).length, 7);
  assert.equal(psql(`SELECT count(*) FROM meeting_applications WHERE meeting_id = ${m.id}`), '1');
});

// ---- review ----

test('review: full phone only on the record page (audited), reason required, applicant sees it; escaping', async () => {
  const s = await staff();
  const m = await publish(s);
  const c = await citizen();
  const aid = aidOf(await apply(c, m.id, { statement: '<script>alert(1)</script> & "quotes"' }));
  const list = await s.get(`/admin/meetings/${m.id}`);
  assert.ok(!list.text.includes('<script>alert(1)</script>'));
  assert.ok(list.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'));
  assert.ok(!list.text.includes(c.phone), 'masked in the list');
  const before = Number(psql(`SELECT count(*) FROM audit_log WHERE action = 'meeting_application_view' AND object = 'application ${aid}'`));
  const rec = await s.get(`/admin/meetings/${m.id}/applications/${aid}`);
  assert.equal(byId(rec.text, 'application-phone'), c.phone);
  assert.equal(Number(psql(`SELECT count(*) FROM audit_log WHERE action = 'meeting_application_view' AND object = 'application ${aid}'`)), before + 1);
  const other = await staff(DEMO.otherStaff);
  assert.equal((await other.get(`/admin/meetings/${m.id}/applications/${aid}`)).status, 403);
  let r = await review(s, m.id, aid, 'ineligible', '');
  assert.equal(r.status, 422);
  assert.match(r.text, /不符合条件时，请写明理由/);
  r = await review(s, m.id, aid, '', '');
  assert.equal(r.status, 422);
  assert.match(r.text, /请选择审核结果/);
  assert.equal(psql(`SELECT review FROM meeting_applications WHERE id = ${aid}`), 'pending');
  r = await review(s, m.id, aid, 'ineligible', '非本区居民');
  assert.equal(r.status, 303);
  assert.equal(r.location, `/admin/meetings/${m.id}`);
  const mine = await c.get(`/me/applications/${aid}`);
  assert.equal(byId(mine.text, 'application-status'), 'ineligible');
  assert.equal(byId(mine.text, 'application-reason'), '非本区居民');
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'meeting_review' AND object = 'application ${aid}'`), '1');
  // other department cannot review
  const o = await other.submit('/me', `/admin/meetings/${m.id}/applications/${aid}/review`, { decision: 'eligible' });
  assert.equal(o.status, 403);
});

// ---- the whole flow: commit, draw, feedback ----

async function populated(s, over, people) {
  const m = await publish(s, over);
  const apps = [];
  for (const [category, decision] of people) {
    const c = await citizen(`代表${apps.length}`);
    const r = await apply(c, m.id, { category, name: `代表${apps.length}号` });
    assert.equal(r.status, 303);
    apps.push({ c, aid: aidOf(r), category, decision });
  }
  return { m, apps };
}

test('the whole flow: commit, draw (recomputed independently), statuses, feedback, decision', async () => {
  const s = await staff();
  const { m, apps } = await populated(s, { seats: '3', reserved_grassroots: '1', reserved_stakeholder: '1' }, [
    ['resident', 'eligible'], ['grassroots', 'eligible'], ['enterprise', 'eligible'], ['grassroots', 'eligible'],
    ['stakeholder', 'eligible'], ['resident', 'ineligible'], ['resident', 'pending'],
  ]);
  // Commit refused while the window is open.
  let r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/commit`);
  assert.equal(r.status, 409);
  assert.match(r.text, /报名截止/);
  // Draw refused before the commitment.
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: 'a\nb' });
  assert.equal(r.status, 409);
  for (const a of apps) if (a.decision !== 'pending') assert.equal((await review(s, m.id, a.aid, a.decision, a.decision === 'ineligible' ? '不符合条件' : '')).status, 303);
  closeWindow(m.id);
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/commit`);
  assert.equal(r.status, 409);
  assert.match(r.text, /还有 1 份报名没有审核/);
  assert.equal((await review(s, m.id, apps[6].aid, 'ineligible', '报名信息不全')).status, 303);
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/commit`);
  assert.equal(r.status, 303);
  // The commitment is public before the draw.
  let page = await new Client().get(`/meetings/${m.id}/draw`);
  const text = element(page.text, 'draw-commitment');
  const hash = element(page.text, 'draw-commitment-hash');
  assert.equal(sha256(Buffer.from(text, 'utf8')).toString('hex'), hash);
  const c = parseCommitment(text);
  assert.deepEqual(c.entries.map((e) => e.aid), apps.slice(0, 5).map((a) => a.aid), 'eligible, in application order');
  assert.ok(c.entries.every((e) => /^\d{3}\*\*\*\*\d{4}$/.test(e.phone) && /^代\*+$/.test(e.name)), 'masked');
  assert.equal(element(page.text, 'draw-seed'), null, 'no seed yet');
  // Frozen: review, application and even the app role's direct UPDATE are refused.
  r = await review(s, m.id, apps[0].aid, 'ineligible', '改主意');
  assert.equal(r.status, 409);
  assert.throws(() => psqlApp(`UPDATE meeting_applications SET review = 'ineligible', reason = 'x' WHERE id = ${apps[0].aid}`), /frozen/);
  // Too few witnesses.
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: '  只有一位  \n\n' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请至少填写两位见证人给出的值/);
  assert.match(r.text, /只有一位/);
  const inputs = '张伟（区人大代表）：4821\n李娜（居民代表）：9307\n';
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: inputs });
  assert.equal(r.status, 303);
  // Once only.
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: 'x\ny' });
  assert.equal(r.status, 409);
  assert.equal(psql(`SELECT count(*) FROM meeting_draws WHERE meeting_id = ${m.id}`), '1');
  // Recompute from the page alone.
  page = await new Client().get(`/meetings/${m.id}/draw`);
  const pubInputs = element(page.text, 'draw-seed-inputs');
  assert.equal(pubInputs, '张伟（区人大代表）：4821\n李娜（居民代表）：9307');
  const mine = recompute(element(page.text, 'draw-commitment'), pubInputs);
  assert.equal(mine.hash, element(page.text, 'draw-commitment-hash'));
  assert.equal(mine.seed, element(page.text, 'draw-seed'));
  assert.equal(mine.result, element(page.text, 'draw-result'));
  assert.equal(mine.picks.length, 3);
  assert.equal(mine.picks[0].quota, 'grassroots');
  assert.ok([apps[1].aid, apps[3].aid].includes(mine.picks[0].aid), 'the grassroots seat went to a grassroots applicant');
  assert.ok([apps[2].aid, apps[4].aid].includes(mine.picks[1].aid), 'the stakeholder seat went to a stakeholder or enterprise');
  assert.match(page.text, /id="draw-algorithm"/);
  assert.match(page.text, /id="draw-trace"/);
  // Statuses.
  const selected = new Set(mine.picks.map((p) => p.aid));
  for (const a of apps) {
    const p = await a.c.get(`/me/applications/${a.aid}`);
    const want = a.decision !== 'eligible' ? 'ineligible' : selected.has(a.aid) ? 'selected' : 'not_selected';
    assert.equal(byId(p.text, 'application-status'), want);
  }
  // The meeting page lists the representatives masked.
  const pub = await new Client().get(`/meetings/${m.id}`);
  for (const a of apps.filter((x) => selected.has(x.aid))) {
    assert.ok(pub.text.includes(`${a.c.phone.slice(0, 3)}****${a.c.phone.slice(7)}`));
    assert.ok(!pub.text.includes(a.c.phone));
  }
  // gongkai verify-draw recomputes from the page and says so.
  const out = gongkai(['verify-draw', String(m.id), '--port', PORT]);
  assert.match(out, /verify-draw: MATCH/);
  const dir = mkdtempSync(path.join(tmpdir(), 'gk-draw-'));
  const tampered = path.join(dir, 'page.html');
  writeFileSync(tampered, page.text.replace(/(id="draw-result">1 )(\d+)/, (_, a, b) => a + (Number(b) + 1)));
  assert.throws(() => gongkai(['verify-draw', String(m.id), '--file', tampered]), (e) => e.status === 1 && /DOES NOT MATCH/.test(e.stdout));
  // A published draw is written once: the app role cannot change it, and nobody can delete it.
  assert.throws(() => psqlApp(`UPDATE meeting_draws SET result = '' WHERE meeting_id = ${m.id}`), /permission denied/);
  assert.throws(() => psql(`DELETE FROM meeting_seats WHERE meeting_id = ${m.id}`), /cannot change/);
  // Feedback: only after the meeting.
  const rep = apps.find((a) => selected.has(a.aid));
  const notRep = apps.find((a) => a.decision === 'eligible' && !selected.has(a.aid));
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/feedback`, { application_id: String(rep.aid), opinion: 'x', adoption: 'adopted', explanation: 'y' });
  assert.equal(r.status, 409);
  holdMeeting(m.id);
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/feedback`, { application_id: '', opinion: '', adoption: 'maybe', explanation: '' });
  assert.equal(r.status, 422);
  for (const msg of [/请选择一位列席代表/, /请填写代表的意见/, /请选择采纳情况/, /请填写说明/]) assert.match(r.text, msg);
  // Someone who holds no seat cannot get feedback (foreign key in PostgreSQL).
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/feedback`, { application_id: String(notRep.aid), opinion: '意见', adoption: 'adopted', explanation: '说明' });
  assert.equal(r.status, 422);
  assert.match(r.text, /请选择一位列席代表/);
  assert.match(r.text, /<textarea id="f-opinion"[^>]*>意见<\/textarea>/, 'values kept');
  assert.equal(psql(`SELECT count(*) FROM meeting_feedback WHERE meeting_id = ${m.id}`), '0');
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/feedback`, {
    application_id: String(rep.aid), opinion: '建议在电梯施工期间设置临时通道', adoption: 'partly', explanation: '已要求施工单位在主要出入口设置临时通道。',
  });
  assert.equal(r.status, 303);
  assert.equal(r.location, `/meetings/${m.id}`);
  r = await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/decision`, { decision: '会议同意按修改后的方案推进。' });
  assert.equal(r.status, 303);
  const after = await new Client().get(`/meetings/${m.id}`);
  assert.ok(after.text.includes('建议在电梯施工期间设置临时通道'));
  assert.match(after.text, /data-adoption="partly"/);
  assert.equal(byId(after.text, 'meeting-decision'), '会议同意按修改后的方案推进。');
  const repPage = await rep.c.get(`/me/applications/${rep.aid}`);
  assert.ok(repPage.text.includes('已要求施工单位在主要出入口设置临时通道。'));
  for (const action of ['meeting_commit', 'meeting_draw', 'meeting_feedback', 'meeting_decision'])
    assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND (object = 'meeting ${m.id}' OR object = 'application ${rep.aid}')`), '1', action);
  // Applying after the commitment is refused.
  const late = await citizen();
  const lr = await apply(late, m.id);
  assert.equal(lr.status, 409);
});

test('fewer applicants than seats, reserved seats unfilled: everyone eligible is selected, recomputable', async () => {
  const s = await staff();
  const { m, apps } = await populated(s, { seats: '4', reserved_grassroots: '2', reserved_stakeholder: '1' }, [
    ['grassroots', 'eligible'], ['resident', 'eligible'],
  ]);
  for (const a of apps) assert.equal((await review(s, m.id, a.aid, 'eligible')).status, 303);
  closeWindow(m.id);
  assert.equal((await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/commit`)).status, 303);
  assert.equal((await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: '甲：1\n乙：2' })).status, 303);
  const page = await new Client().get(`/meetings/${m.id}/draw`);
  const mine = recompute(element(page.text, 'draw-commitment'), element(page.text, 'draw-seed-inputs'));
  assert.equal(mine.result, element(page.text, 'draw-result'));
  assert.deepEqual(mine.picks, [{ aid: apps[0].aid, quota: 'grassroots' }, { aid: apps[1].aid, quota: 'open' }]);
  assert.match(gongkai(['verify-draw', String(m.id), '--port', PORT]), /MATCH/);
});

test('nobody eligible: the draw is published with no seats', async () => {
  const s = await staff();
  const m = await publish(s);
  closeWindow(m.id);
  assert.equal((await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/commit`)).status, 303);
  assert.equal((await postTo(s, `/admin/meetings/${m.id}`, `/admin/meetings/${m.id}/draw`, { seed_inputs: 'a\nb' })).status, 303);
  const page = await new Client().get(`/meetings/${m.id}`);
  assert.match(page.text, /未产生列席代表/);
});

test('concurrent draws and commits: exactly one of each', async () => {
  const s = await staff();
  const { m, apps } = await populated(s, {}, [['resident', 'eligible'], ['grassroots', 'eligible']]);
  for (const a of apps) await review(s, m.id, a.aid, 'eligible');
  closeWindow(m.id);
  const pages = await Promise.all(Array.from({ length: 5 }, () => s.get(`/admin/meetings/${m.id}`)));
  const commits = await Promise.all(pages.map((p) => {
    const t = tokens(p.text);
    return s.post(`/admin/meetings/${m.id}/commit`, { csrf: t.csrf, form_id: t.formId });
  }));
  assert.equal(commits.filter((r) => r.status === 303).length, 1, commits.map((r) => r.status).join(','));
  assert.equal(psql(`SELECT count(*) FROM meeting_commitments WHERE meeting_id = ${m.id}`), '1');
  const pages2 = await Promise.all(Array.from({ length: 6 }, () => s.get(`/admin/meetings/${m.id}`)));
  const draws = await Promise.all(pages2.map((p, i) => {
    const t = tokens(p.text);
    return s.post(`/admin/meetings/${m.id}/draw`, { csrf: t.csrf, form_id: t.formId, seed_inputs: `见证人甲：${i}\n见证人乙：${i}` });
  }));
  assert.equal(draws.filter((r) => r.status === 303).length, 1, draws.map((r) => r.status).join(','));
  assert.equal(draws.filter((r) => r.status === 409).length, 5);
  assert.equal(psql(`SELECT count(*) FROM meeting_draws WHERE meeting_id = ${m.id}`), '1');
  assert.equal(psql(`SELECT count(*) FROM meeting_seats WHERE meeting_id = ${m.id}`), '2');
});

test('iCalendar event, 404s, and the staff home tile', async () => {
  const s = await staff();
  const m = await publish(s, { topic: `日历, 测试; ${Date.now()}` });
  const ics = await new Client().get(`/meetings/${m.id}.ics`);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  assert.match(ics.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics.text, /SUMMARY:列席会议：日历\\, 测试\\;/);
  assert.match(ics.text, /DTSTART:\d{8}T\d{6}Z\r\n/);
  assert.equal((await new Client().get('/meetings/999999')).status, 404);
  assert.equal((await new Client().get('/meetings/999999/draw')).status, 404);
  const home = await s.get('/admin');
  assert.match(byId(home.text, 'tile-meetings'), /进行中的会议 \d+ 个，待审核报名 \d+ 份/);
  const unpublished = await new Client().get(`/meetings/${m.id}/draw`);
  assert.match(unpublished.text, /抽选名单尚未公示/);
});
