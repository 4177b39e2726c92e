// 政策留言板 in a real browser: a citizen leaves a message on a policy,
// a clerk of the department publishes and answers it in the admin pages,
// and the citizen reads the reply. The Atom feed parses in the browser's
// own XML parser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, psql, uniquePhone } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const YANGLAO = () => psql(`SELECT id FROM board_policies WHERE import_key = 'cn-mzj-2024-yanglao'`);

test('a citizen asks, the department publishes and replies, the citizen reads the reply', async () => {
  const pid = YANGLAO();
  const body = `浏览器留言：补贴能否线上申请？${Date.now()}`;
  const reply = `可以，通过“一网通办”申请。${Date.now()}`;

  const cctx = await browser.newContext();
  const cp = await cctx.newPage();
  await cp.goto(BASE + '/account/register');
  await cp.getByLabel('姓名').fill('浏览器留言人');
  await cp.getByLabel('手机号或电子邮箱').fill(uniquePhone());
  await cp.getByLabel('密码').fill('browser board pw 1');
  await cp.getByRole('button', { name: '注册' }).click();
  await cp.waitForURL(BASE + '/me');
  await cp.goto(BASE + '/policies');
  await cp.getByLabel('关键词').fill('养老');
  await cp.getByRole('button', { name: '搜索' }).click();
  await cp.getByRole('link', { name: '长宁区居家养老服务补贴实施办法' }).first().click();
  await cp.waitForURL(BASE + `/policies/${pid}`);
  await cp.getByLabel('咨询（对政策有疑问）').check();
  await cp.getByLabel('留言内容').fill(body);
  await cp.getByRole('button', { name: '提交留言' }).click();
  await cp.waitForURL(/\/me\/messages\/\d+$/);
  assert.equal(await cp.locator('#message-status').textContent(), 'pending');
  const mid = cp.url().match(/(\d+)$/)[1];

  const sctx = await browser.newContext();
  const sp = await sctx.newPage();
  await sp.goto(BASE + '/account/login');
  await sp.getByLabel('手机号或电子邮箱').fill('mzj.staff');
  await sp.getByLabel('密码').fill('gongkai-staff-2024');
  await sp.getByRole('button', { name: '登录' }).click();
  await sp.waitForURL(BASE + '/admin');
  await sp.locator('#tile-board a').first().click();
  await sp.waitForURL(BASE + '/admin/messages');
  await sp.getByLabel('留言内容包含').fill(body.slice(0, 20));
  await sp.getByRole('button', { name: '筛选' }).click();
  await sp.getByRole('link', { name: mid, exact: true }).click();
  await sp.waitForURL(BASE + `/admin/messages/${mid}`);
  await sp.getByLabel('通过审核').check();
  await sp.getByRole('button', { name: '提交审核结果' }).click();
  await sp.waitForURL(/\/admin\/messages$/);
  await sp.goto(BASE + `/admin/messages/${mid}`);
  await sp.getByLabel('答复内容').fill(reply);
  await sp.getByRole('button', { name: '提交答复' }).click();
  await sp.waitForURL(BASE + `/admin/messages/${mid}`);
  assert.equal(await sp.locator('#message-status').textContent(), 'replied');

  await cp.goto(BASE + '/me');
  await cp.locator('#my-messages').getByRole('link').first().click();
  await cp.waitForURL(BASE + `/me/messages/${mid}`);
  assert.equal(await cp.locator('#message-status').textContent(), 'replied');
  assert.equal(await cp.locator('#reply-dept').textContent(), '区民政局');
  assert.match(await cp.locator('#reply-body').textContent(), new RegExp(reply));
  await cp.getByLabel('满意', { exact: true }).check();
  await cp.getByRole('button', { name: '提交评价' }).click();
  await cp.waitForURL(BASE + `/me/messages/${mid}`);
  assert.match(await cp.locator('#my-rating').textContent(), /满意/);

  // The reply is public, and the feed is well-formed XML for a real parser.
  await cp.goto(BASE + `/policies/${pid}`);
  assert.ok(await cp.getByText(reply).isVisible());
  const feed = await cp.evaluate(async (url) => {
    const text = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
      entries: doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry').length,
    };
  }, BASE + `/policies/${pid}/feed.atom`);
  assert.equal(feed.error, 0);
  assert.equal(feed.root, 'http://www.w3.org/2005/Atom feed');
  assert.ok(feed.entries >= 1);
  await cctx.close();
  await sctx.close();
  psql('DELETE FROM login_failures');
});

test('policy pages fit a phone screen without sideways scrolling', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  for (const p of ['/policies', `/policies/${YANGLAO()}`, '/faq', '/board/stats']) {
    await page.goto(BASE + p);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${p} overflows by ${over}px`);
  }
  await ctx.close();
});
