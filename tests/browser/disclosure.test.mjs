// In a real browser: a citizen applies without an account, reads the receipt
// and tracks the request; a clerk takes a request from receipt to reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DEMO, psql } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a citizen applies, gets number and code, and tracks the request', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.getByRole('link', { name: '依申请公开', exact: true }).click();
  await page.waitForURL(BASE + '/disclosure/apply');
  await page.getByLabel('姓名或单位名称').fill('浏览器申请人');
  await page.getByLabel('证件号码').fill('11010519491231002X');
  await page.getByLabel('联系电话').fill('13912345678');
  await page.getByLabel('所需信息的名称、文号或者便于查询的内容描述').fill('2025 年本区养老服务补贴的发放办法');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForURL(/\/disclosure\/receipt\/\d{4}-\d{6}$/);
  const no = (await page.locator('#tracking-no').textContent()).trim();
  const code = (await page.locator('#access-code').textContent()).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await page.getByRole('link', { name: '申请查询' }).click();
  await page.getByLabel('申请编号').fill(no);
  await page.getByLabel('查询码').fill(code);
  await page.getByRole('button', { name: '查询' }).click();
  assert.equal(await page.locator('#request-state').textContent(), '已收到');
  assert.match(await page.locator('#due-date').textContent(), /^\d{4}-\d{2}-\d{2}$/);
  await ctx.close();
});

test('a mistake on the application is explained beside the field', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/disclosure/apply');
  await page.getByLabel('姓名或单位名称').fill('留着我');
  await page.getByLabel('证件号码').fill('110105194912310021');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#f-id_number-error').textContent(), /身份证号码应为 18 位/);
  assert.match(await page.locator('#f-phone-error').textContent(), /请填写联系电话/);
  assert.equal(await page.getByLabel('姓名或单位名称').inputValue(), '留着我');
  await ctx.close();
});

test('a clerk registers a paper request and takes it from receipt to reply', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(BASE + '/account/login');
  await page.getByLabel('手机号或电子邮箱').fill(DEMO.staff.login);
  await page.getByLabel('密码').fill(DEMO.staff.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(BASE + '/admin');
  await page.locator('#tile-disclosure a').click();
  await page.waitForURL(BASE + '/admin/disclosure');
  await page.getByRole('link', { name: '登记纸质申请' }).click();
  await page.getByLabel('收到日期').fill('2025-09-22');
  await page.getByLabel('姓名或单位名称').fill('纸质申请人');
  await page.getByLabel('证件号码').fill('11010519491231002X');
  await page.getByLabel('联系电话').fill('021-62345678');
  await page.getByLabel('所需信息的名称、文号或者便于查询的内容描述').fill('2024 年区级财政预算执行情况报告');
  await page.getByRole('button', { name: '登记' }).click();
  await page.waitForURL(/\/admin\/disclosure\/\d{4}-\d{6}$/);
  const no = page.url().split('/').pop();
  const code = (await page.locator('#access-code').textContent()).trim();
  assert.equal(await page.locator('#due-date').textContent(), psql(`SELECT add_workdays('2025-09-22', 20)`), 'across the National Day week');
  assert.equal(await page.locator('#request-state').textContent(), '已收到');
  await page.getByRole('link', { name: '受理' }).click();
  await page.getByLabel('办理日期').fill('2025-09-23');
  await page.getByRole('button', { name: '受理' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#request-state').textContent(), '办理中');
  await page.getByRole('link', { name: '作出答复' }).click();
  await page.getByLabel('办理日期').fill('2025-10-09');
  await page.getByLabel('答复类型').selectOption('r1');
  await page.getByLabel('告知或答复的内容').fill('经查，该信息已主动公开，请在区政府网站“财政预决算”栏目查阅。');
  await page.getByLabel('相关材料').setInputFiles({ name: '执行情况报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.getByRole('button', { name: '作出答复' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#request-state').textContent(), '已办结');
  assert.match(await page.locator('#request-outcome').textContent(), /予以公开/);
  assert.equal(await page.locator('ol.timeline > li').count(), 3);
  await ctx.close();
  // The applicant, with the number and the code the clerk handed over,
  // reads the reply and finds its document under it.
  const app = await browser.newContext();
  const track = await app.newPage();
  await track.goto(`${BASE}/disclosure/track?no=${no}&code=${encodeURIComponent(code)}`);
  assert.equal(await track.locator('#request-state').textContent(), '已办结');
  const doc = track.locator('li[data-action="reply"] a.document');
  assert.equal(await doc.textContent(), '执行情况报告.pdf');
  const [download] = await Promise.all([track.waitForEvent('download'), doc.click()]);
  assert.equal(download.suggestedFilename(), `${no}-${(await doc.getAttribute('href')).split('/').pop().split('?')[0]}.pdf`);
  await app.close();
  psql(`DELETE FROM login_failures`);
});

test('the application form fits a phone without sideways scrolling', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  for (const p of ['/disclosure/apply', '/disclosure/track']) {
    await page.goto(BASE + p);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${p} overflows by ${over}px`);
  }
  await ctx.close();
});
