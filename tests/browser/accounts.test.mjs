// A person in a real browser: register, log out, log in, reach /me; a clerk
// logs in and lands on the staff home. Also on a phone-sized screen and with
// large text, nothing needs sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DEMO, psql, uniquePhone } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a citizen registers, logs out, logs in and reaches /me', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const phone = uniquePhone();
  await page.goto(BASE + '/');
  await page.getByRole('link', { name: '注册' }).first().click();
  await page.getByLabel('姓名').fill('浏览器用户');
  await page.getByLabel('手机号或电子邮箱').fill(phone);
  await page.getByLabel('密码').fill('browser password 1');
  await page.getByRole('button', { name: '注册' }).click();
  await page.waitForURL(BASE + '/me');
  assert.equal(await page.locator('#me-name').textContent(), '浏览器用户');
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(BASE + '/');
  await page.getByRole('link', { name: '登录' }).first().click();
  await page.getByLabel('手机号或电子邮箱').fill(phone);
  await page.getByLabel('密码').fill('browser password 1');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(BASE + '/me');
  assert.match(await page.locator('#me-login').textContent(), /^139\*\*\*\*\d{4}$/);
  await ctx.close();
});

test('a mistake is explained beside the field and what was typed stays', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/account/register');
  await page.getByLabel('姓名').fill('留着我');
  await page.getByLabel('手机号或电子邮箱').fill('12345');
  await page.getByLabel('密码').fill('short');
  await page.getByRole('button', { name: '注册' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#f-login-error').textContent(), /11 位手机号/);
  assert.equal(await page.getByLabel('姓名').inputValue(), '留着我');
  assert.equal(await page.getByLabel('手机号或电子邮箱').inputValue(), '12345');
  assert.equal(await page.locator('#f-login').getAttribute('aria-invalid'), 'true');
  await ctx.close();
});

test('a clerk logs in and lands on the staff home', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/account/login');
  await page.getByLabel('手机号或电子邮箱').fill(DEMO.staff.login);
  await page.getByLabel('密码').fill(DEMO.staff.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(BASE + '/admin');
  assert.equal(await page.locator('h1').textContent(), '工作台');
  await page.getByRole('link', { name: /操作记录/ }).click();
  await page.waitForURL(BASE + '/admin/audit');
  assert.ok(await page.locator('table.list').isVisible());
  await ctx.close();
  psql(`DELETE FROM login_failures`);
});

for (const [name, opts] of [
  ['phone', { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
  ['200 % zoom', { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 }],
]) {
  test(`pages fit a ${name} without sideways scrolling, and the skip link works`, async () => {
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    for (const p of ['/', '/account/login', '/account/register', '/no-such-page']) {
      await page.goto(BASE + p);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(over <= 0, `${p} overflows by ${over}px`);
    }
    await page.goto(BASE + '/');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement.textContent);
    assert.equal(focused, '跳到主要内容');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await ctx.close();
  });
}

test('keyboard only: register with Tab, typing and Enter; focus is always visible', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/account/register');
  const phone = uniquePhone();
  // Tab from the top of the page until the first form field has focus.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement.id);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', `focus visible on ${id || 'a link'}`);
    if (id === 'f-name') break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-name');
  await page.keyboard.type('键盘用户');
  await page.keyboard.press('Tab');
  await page.keyboard.type(phone);
  await page.keyboard.press('Tab');
  await page.keyboard.type('keyboard only 1');
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + '/me');
  assert.equal(await page.locator('#me-name').textContent(), '键盘用户');
  await ctx.close();
});
