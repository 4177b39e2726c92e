// 政府开放月 in a real browser: a citizen signs up and cancels; a clerk
// checks a ticket in at the door, and a second try says when; a clerk signs
// an elderly person up (代办), prints the ticket, and cancels another's; a
// clerk edits an activity, and calls one off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, Client, DEMO, psql, tokens } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function at(hours) {
  return new Date(Date.now() + hours * 3600e3 + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
}

// What a door scanner reads: the ticket's QR code as Chromium draws it
// (a screenshot of the SVG element), decoded by zbarimg (zbar-tools).
async function scanQr(page) {
  const dir = mkdtempSync(join(tmpdir(), 'om-qr-'));
  try {
    const file = join(dir, 'qr.png');
    await page.locator('svg.om-qr').screenshot({ path: file });
    // zbarimg's complaints about a missing D-Bus go to the error, not the log
    return execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The activity is published over HTTP by the clerk (the browser part is
// the citizen's and the door's).
async function publish(title) {
  const c = new Client();
  await c.login(DEMO.staff.login, DEMO.staff.password);
  const page = await c.get('/admin/open-month/new');
  const t = tokens(page.text);
  const r = await c.post('/admin/open-month', {
    csrf: t.csrf, form_id: t.formId, title, dept: 'qfb', starts_at: at(48), ends_at: at(50),
    place: '区政务服务中心', online_url: '', capacity: '2', signup_until: at(24), description: '浏览器测试',
  });
  assert.equal(r.status, 303);
  return Number(r.location.split('/').pop());
}

async function login(page, who) {
  await page.goto(BASE + '/account/login');
  await page.getByLabel('手机号或电子邮箱').fill(who.login);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
}

// A fresh activity and a browser logged in as who.
async function start(prefix, who) {
  const title = prefix + Date.now();
  const id = await publish(title);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, who);
  return { title, id, ctx, page };
}

test('a citizen signs up, sees the ticket on /me, and cancels', async () => {
  const { title, id, ctx, page } = await start('浏览器报名测试 ', DEMO.citizen);
  await page.goto(`${BASE}/open-month/${id}`);
  assert.equal(await page.locator('#seats-left').textContent(), '2');
  await page.getByLabel('姓名').fill('张三');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByRole('button', { name: '报名' }).click();
  await page.waitForURL(/\/me\/tickets\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(await page.locator('#ticket-status').textContent(), 'confirmed');
  const code = await page.locator('#ticket-code').textContent();
  // the QR code carries exactly the signed code shown as text, and is named for screen readers
  const signed = await page.locator('#ticket-signed').textContent();
  assert.equal(signed.length, 99);
  assert.equal(await scanQr(page), signed);
  assert.ok(await page.getByRole('img', { name: '电子票码的二维码，内容与下方文字相同' }).isVisible());
  await page.goto(BASE + '/me');
  assert.ok(await page.locator(`#om-ticket-${code}`).isVisible());
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('button', { name: '取消报名' }).click();
  await page.waitForURL(new RegExp(`/me/tickets/${code}$`));
  assert.equal(await page.locator('#ticket-status').textContent(), 'cancelled');
  await page.goto(`${BASE}/open-month/${id}`);
  assert.equal(await page.locator('#seats-left').textContent(), '2');
  await ctx.close();
  psql('DELETE FROM login_failures');
});

test('a clerk checks a ticket in at the door; the second try says when', async () => {
  const { title, id, ctx, page } = await start('浏览器签到测试 ', DEMO.staff);
  const citizen = new Client();
  await citizen.login(DEMO.citizen.login, DEMO.citizen.password);
  const form = tokens((await citizen.get(`/open-month/${id}`)).text);
  const r = await citizen.post(`/open-month/${id}/signup`, { csrf: form.csrf, form_id: form.formId, name: '张三', phone: '13800138000' });
  const code = r.location.split('/').pop();
  await page.goto(`${BASE}/admin/open-month`);
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.getByLabel('票号或电子票码').fill(code.toLowerCase());
  await page.getByRole('button', { name: '签到' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#checkin-result').textContent(), /签到成功：张三/);
  await page.getByLabel('票号或电子票码').fill(code);
  await page.getByRole('button', { name: '签到' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#checkin-result').textContent(), /已于 .* 签到过/);
  await ctx.close();
  psql('DELETE FROM login_failures');
});

test('a clerk edits an activity: the form shows the stored times, the new place is saved and the public page says it changed', async () => {
  const { id, ctx, page } = await start('浏览器修改测试 ', DEMO.staff);
  const stored = psql(`SELECT to_char(starts_at, 'YYYY-MM-DD"T"HH24:MI') FROM om_activities WHERE id = ${id}`);
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByRole('link', { name: '修改活动信息（时间、地点、名额等）' }).click();
  await page.waitForURL(`${BASE}/admin/open-month/${id}/edit`);
  // a datetime-local input shows a stored time only in its own format
  assert.equal(await page.getByLabel('开始时间', { exact: true }).inputValue(), stored);
  await page.getByLabel('活动地点').fill('区档案馆报告厅');
  await page.getByLabel('名额', { exact: true }).fill('1');
  await page.getByRole('button', { name: '保存修改' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#f-capacity-error').textContent(), /名额只能增加/);
  assert.equal(await page.getByLabel('活动地点').inputValue(), '区档案馆报告厅', 'what was typed is kept');
  await page.getByLabel('名额', { exact: true }).fill('3');
  await page.getByRole('button', { name: '保存修改' }).click();
  await page.waitForURL(`${BASE}/admin/open-month/${id}?saved=1`);
  assert.match(await page.locator('#checkin-result').textContent(), /活动信息已保存/);
  await page.goto(`${BASE}/open-month/${id}`);
  assert.match(await page.locator('#om-changed').textContent(), /活动信息已于 .* 更新/);
  assert.equal(await page.locator('#seats-left').textContent(), '3');
  await ctx.close();
  psql('DELETE FROM login_failures');
});

test('a clerk calls off an activity: the form asks for the reason and a tick, keeps what was typed; the printed ticket then says so and shows no code', async () => {
  const { id, ctx, page } = await start('浏览器取消活动测试 ', DEMO.staff);
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByLabel('姓名').fill('赵奶奶');
  await page.getByLabel('手机号').fill('13912345670');
  await page.getByRole('button', { name: '代为报名' }).click();
  await page.waitForURL(new RegExp(`/admin/open-month/${id}/tickets/[A-Z2-9]{4}-[A-Z2-9]{4}$`));
  const ticket = page.url();
  assert.equal(await page.locator('svg.om-qr').count(), 1);
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByRole('link', { name: '取消整个活动（如遇台风等不能举行）' }).click();
  await page.waitForURL(`${BASE}/admin/open-month/${id}/call-off`);
  const reason = '受台风影响，为安全起见取消本次活动，改期另行通知。';
  await page.getByLabel('取消原因').fill(reason);
  await page.getByRole('button', { name: '取消这个活动' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#f-confirm-error').textContent(), /请勾选确认/);
  assert.equal(await page.getByLabel('取消原因').inputValue(), reason, 'what was typed is kept');
  await page.getByLabel('我确认取消这个活动（取消后不能恢复）').check();
  await page.getByRole('button', { name: '取消这个活动' }).click();
  await page.waitForURL(`${BASE}/admin/open-month/${id}`);
  assert.match(await page.locator('#om-called-off').textContent(), /本活动已于 .* 取消/);
  await page.goto(ticket);
  assert.ok((await page.locator('#om-called-off').textContent()).includes(reason));
  assert.equal(await page.locator('svg.om-qr').count(), 0, 'no code that would admit anyone');
  assert.equal(await page.getByRole('button', { name: '代为取消报名' }).count(), 0);
  await page.goto(`${BASE}/open-month/${id}`);
  assert.ok((await page.locator('#om-called-off').textContent()).includes(reason));
  assert.equal(await page.getByRole('button', { name: '报名' }).count(), 0);
  await ctx.close();
  psql('DELETE FROM login_failures');
});

test('代办: a clerk signs an elderly person up, the QR code of the printed ticket checks in at the door', async () => {
  const { id, ctx, page } = await start('浏览器代办测试 ', DEMO.staff);
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByLabel('姓名').fill('李奶奶');
  await page.getByLabel('手机号').fill('13912345678');
  await page.getByRole('button', { name: '代为报名' }).click();
  await page.waitForURL(new RegExp(`/admin/open-month/${id}/tickets/[A-Z2-9]{4}-[A-Z2-9]{4}$`));
  assert.equal(await page.locator('#ticket-status').textContent(), 'confirmed');
  const signed = await page.locator('#ticket-signed').textContent();
  // printed: the page as paper shows it still scans (black on white, quiet zone)
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('svg.om-qr').isVisible());
  assert.equal(await page.locator('.om-print-hint').isVisible(), false);
  const scanned = await scanQr(page);
  assert.equal(scanned, signed);
  await page.emulateMedia({ media: 'screen' });
  // a second 代办, then the person phones to say they cannot come: the clerk cancels for them
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByLabel('姓名').fill('王爷爷');
  await page.getByLabel('手机号').fill('13912345679');
  await page.getByRole('button', { name: '代为报名' }).click();
  await page.waitForURL(new RegExp(`/admin/open-month/${id}/tickets/[A-Z2-9]{4}-[A-Z2-9]{4}$`));
  const second = page.url();
  await page.getByRole('button', { name: '代为取消报名' }).click();
  await page.waitForURL(second);
  assert.equal(await page.locator('#ticket-status').textContent(), 'cancelled');
  assert.equal(await page.getByRole('button', { name: '代为取消报名' }).count(), 0);
  // the door: the scanned code checks the person in once
  await page.goto(`${BASE}/admin/open-month/${id}`);
  await page.getByLabel('票号或电子票码').fill(scanned);
  await page.getByRole('button', { name: '签到' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#checkin-result').textContent(), /签到成功：李奶奶/);
  await ctx.close();
  psql('DELETE FROM login_failures');
});
