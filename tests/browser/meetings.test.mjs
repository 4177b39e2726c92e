// 公众代表列席 in a real browser: a clerk publishes a meeting; a citizen
// applies and sees the status; the clerk reviews, publishes the list,
// draws with two witnesses' values, records feedback; the public page and
// the representative's page show it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DEMO, psql, uniquePhone } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// "YYYY-MM-DDTHH:MM" (what a datetime-local input takes) in Asia/Shanghai.
const local = (minutes) => new Date(Date.now() + minutes * 60000 + 8 * 3600000).toISOString().slice(0, 16);

async function login(page, who) {
  await page.goto(BASE + '/account/login');
  await page.getByLabel('手机号或电子邮箱').fill(who.login);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
}

test('the whole flow: a clerk publishes, a citizen applies, the clerk reviews, draws and reports back', async () => {
  const staffCtx = await browser.newContext();
  const sp = await staffCtx.newPage();
  await login(sp, DEMO.staff);
  await sp.waitForURL(BASE + '/admin');
  await sp.getByRole('link', { name: /公众代表列席/ }).click();
  await sp.waitForURL(BASE + '/admin/meetings');
  await sp.getByRole('link', { name: '发布新会议' }).click();
  const topic = `浏览器测试：社区停车位调整 ${Date.now()}`;
  await sp.getByLabel('议题').fill(topic);
  await sp.getByLabel('会议时间').fill(local(2 * 24 * 60));
  await sp.getByLabel('会议地点').fill('区政府第二会议室');
  await sp.getByLabel('公众代表席位数').fill('2');
  await sp.getByLabel('其中为基层一线人员预留').fill('1');
  await sp.getByLabel('其中为利害关系人和企业代表预留').fill('0');
  await sp.getByLabel('报名开始时间').fill(local(-60));
  await sp.getByLabel('报名截止时间').fill(local(24 * 60));
  await sp.getByRole('button', { name: '发布会议' }).click();
  await sp.waitForURL(/\/admin\/meetings\/\d+$/);
  const id = Number(/(\d+)$/.exec(sp.url())[1]);
  assert.equal(await sp.locator('#meeting-topic').textContent(), topic);

  // A citizen registers and applies.
  const citCtx = await browser.newContext();
  const cp = await citCtx.newPage();
  const phone = uniquePhone();
  await cp.goto(BASE + '/account/register');
  await cp.getByLabel('姓名').fill('刘阿姨');
  await cp.getByLabel('手机号或电子邮箱').fill(phone);
  await cp.getByLabel('密码').fill('browser password 2');
  await cp.getByRole('button', { name: '注册' }).click();
  await cp.waitForURL(BASE + '/me');
  await cp.goto(BASE + '/meetings');
  await cp.getByRole('link', { name: topic }).click();
  await cp.getByRole('link', { name: '我要报名' }).click();
  await cp.getByLabel('姓名').fill('刘阿姨');
  await cp.getByLabel('手机号').fill(phone);
  await cp.getByRole('button', { name: '提交报名' }).click();
  await cp.waitForLoadState();
  // Forgot the street, category and statement: told beside each, name kept.
  assert.match(await cp.locator('#f-street-error').textContent(), /请选择所在街道/);
  assert.equal(await cp.getByLabel('姓名').inputValue(), '刘阿姨');
  await cp.getByLabel('所在街道（镇）').selectOption('hyl');
  await cp.getByLabel('基层一线人员（社区工作者、一线职工等）').check();
  await cp.getByLabel('与议题的关系').fill('我是小区楼组长，每天处理停车纠纷。');
  await cp.getByRole('button', { name: '提交报名' }).click();
  await cp.waitForURL(/\/me\/applications\/\d+$/);
  assert.equal(await cp.locator('#application-status').textContent(), 'pending');
  const aidUrl = cp.url();

  // The clerk reviews: opens the record (full number), marks eligible.
  await sp.reload();
  await sp.getByRole('link', { name: '刘阿姨' }).click();
  assert.equal(await sp.locator('#application-phone').textContent(), phone);
  await sp.getByLabel('符合条件', { exact: true }).check();
  await sp.getByRole('button', { name: '保存审核结果' }).click();
  await sp.waitForURL(BASE + `/admin/meetings/${id}`);
  assert.equal(await sp.locator('td[data-status]').first().getAttribute('data-status'), 'eligible');

  // The window closes; the clerk publishes the list and draws.
  psql(`UPDATE meetings SET apply_from = now() - interval '2 hours', apply_until = now() - interval '1 minute' WHERE id = ${id}`);
  await sp.reload();
  await sp.getByRole('button', { name: '公示名单' }).click();
  await sp.waitForURL(BASE + `/admin/meetings/${id}`);
  await sp.getByLabel('见证人给出的值').fill('王见证（区人大代表）：5831\n赵见证（社区居民）：2290');
  await sp.getByRole('button', { name: '抽选', exact: true }).click();
  await sp.waitForURL(BASE + `/admin/meetings/${id}`);
  await sp.getByRole('link', { name: '查看抽选过程和结果' }).click();
  await sp.waitForURL(BASE + `/meetings/${id}/draw`);
  assert.match(await sp.locator('#draw-result').textContent(), /^1 \d+ grassroots\n$/);
  assert.ok(await sp.locator('#draw-trace').isVisible());

  // The citizen is told in /me.
  await cp.goto(aidUrl);
  assert.equal(await cp.locator('#application-status').textContent(), 'selected');

  // After the meeting: feedback and decision.
  psql(`UPDATE meetings SET starts_at = now() - interval '1 minute' WHERE id = ${id}`);
  await sp.goto(BASE + `/admin/meetings/${id}`);
  await sp.getByLabel('选择列席代表').selectOption({ index: 1 });
  await sp.getByLabel('代表的意见').fill('建议夜间开放学校操场停车');
  await sp.getByLabel('部分采纳').check();
  await sp.getByLabel('说明', { exact: true }).fill('寒暑假期间试行开放。');
  await sp.getByRole('button', { name: '发布反馈' }).click();
  await sp.waitForURL(BASE + `/meetings/${id}`);
  assert.match(await sp.locator('#meeting-feedback').textContent(), /建议夜间开放学校操场停车/);
  assert.match(await sp.locator('#meeting-representatives').textContent(), /刘\*\*/);
  await cp.goto(aidUrl);
  assert.match(await cp.locator('#my-feedback').textContent(), /寒暑假期间试行开放/);
  await staffCtx.close();
  await citCtx.close();
  psql(`DELETE FROM login_failures`);
});

test('the meeting pages fit a phone without sideways scrolling', async () => {
  const id = psql(`SELECT max(id) FROM meetings`);
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  for (const p of ['/meetings', `/meetings/${id}`, `/meetings/${id}/draw`]) {
    await page.goto(BASE + p);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${p} overflows by ${over}px`);
  }
  await ctx.close();
});
