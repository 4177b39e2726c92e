// 政府开放月 in a real browser: a citizen signs up and cancels; a clerk
// checks a ticket in at the door, and a second try says when.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Client, DEMO, psql, tokens } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function at(hours) {
  return new Date(Date.now() + hours * 3600e3 + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
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

test('a citizen signs up, sees the ticket on /me, and cancels', async () => {
  const title = '浏览器报名测试 ' + Date.now();
  const id = await publish(title);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, DEMO.citizen);
  await page.goto(`${BASE}/open-month/${id}`);
  assert.equal(await page.locator('#seats-left').textContent(), '2');
  await page.getByLabel('姓名').fill('张三');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByRole('button', { name: '报名' }).click();
  await page.waitForURL(/\/me\/tickets\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(await page.locator('#ticket-status').textContent(), 'confirmed');
  const code = await page.locator('#ticket-code').textContent();
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
  const title = '浏览器签到测试 ' + Date.now();
  const id = await publish(title);
  const citizen = new Client();
  await citizen.login(DEMO.citizen.login, DEMO.citizen.password);
  const form = tokens((await citizen.get(`/open-month/${id}`)).text);
  const r = await citizen.post(`/open-month/${id}/signup`, { csrf: form.csrf, form_id: form.formId, name: '张三', phone: '13800138000' });
  const code = r.location.split('/').pop();
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, DEMO.staff);
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
