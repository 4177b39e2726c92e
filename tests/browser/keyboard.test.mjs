// Keyboard only (WCAG 2.1.1, 2.4.7): leaving a message on a policy,
// signing up for an open-month activity, and a staff reply, with nothing
// but page.keyboard (Tab, Shift+Tab, Space, Enter and typing). After every
// Tab the focused element must show a focus indicator (a computed outline
// or box-shadow), and each flow ends with its result on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, clientAs, forgeToken, psql } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const run = Date.now().toString(36).slice(-6);

// A browser context carrying the client's cookies (the session is made
// with the instance key: logging in is tested elsewhere).
async function contextOf(client) {
  const ctx = await browser.newContext();
  await ctx.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: BASE })));
  return ctx;
}

// A fresh citizen (no earlier sign-ups or messages), with a session.
async function newCitizen(tag) {
  const id = Number(psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
    VALUES ('citizen', decode(md5('${run}${tag}a') || md5('${run}${tag}b'), 'hex'), '\\x00'::bytea,
            'kb-${run}-${tag}', '键盘用户', '$argon2id$test') RETURNING id`));
  const c = await clientAs('anonymous');
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: id, role: 'citizen', iat: now, exp: now + 3600, epoch: 1 }));
  return c;
}

// What has focus and whether it shows: a non-none outline of some width,
// or a box-shadow.
function focusState(page, selector) {
  return page.evaluate((sel) => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const what = `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.name ? `[name=${e.name}]` : ''} "${(e.textContent || e.value || '').trim().slice(0, 20)}"`;
    return { visible: outline || shadow, what, match: e !== document.body && e.matches(sel) };
  }, selector);
}

// Presses key (Tab or Shift+Tab) until the focused element matches
// selector, checking the focus indicator at every stop.
async function tabTo(page, selector, { key = 'Tab', max = 120 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focusState(page, selector);
    assert.ok(f.visible, `no visible focus on ${f.what}`);
    if (f.match) return;
  }
  assert.fail(`${selector} not reached with ${key} in ${max} presses`);
}

async function press(page, key, selector) {
  await page.keyboard.press(key);
  const f = await focusState(page, selector);
  assert.ok(f.visible, `no visible focus on ${f.what}`);
  assert.ok(f.match, `expected ${selector}, focus is on ${f.what}`);
}

test('keyboard only: a citizen leaves a message on a policy; it is pending in /me', async () => {
  const policy = psql("SELECT id FROM board_policies ORDER BY id LIMIT 1");
  const ctx = await contextOf(await newCitizen('m'));
  const page = await ctx.newPage();
  await page.goto(`${BASE}/policies/${policy}`);
  await tabTo(page, 'input[name=kind]');
  await page.keyboard.press('Space'); // the first type: 咨询
  assert.equal(await page.evaluate(() => document.activeElement.value), 'consult');
  assert.ok(await page.evaluate(() => document.activeElement.checked));
  await press(page, 'Tab', 'input[name=rating]'); // the rating group (not needed)
  await press(page, 'Tab', 'textarea[name=body]');
  const body = `键盘留言 ${run}：请问申请流程需要多久？`;
  await page.keyboard.type(body);
  // Shift+Tab goes back into the rating group, Tab returns.
  await press(page, 'Shift+Tab', 'input[name=rating]');
  await press(page, 'Tab', 'textarea[name=body]');
  await press(page, 'Tab', 'input[name=public]');
  await tabTo(page, 'button[type=submit], input[type=submit]', { max: 3 });
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const id = psql(`SELECT id FROM board_messages WHERE body = '${body}'`);
  assert.ok(id, 'message stored');
  await page.goto(`${BASE}/me`);
  const row = page.locator('#my-messages tr', { has: page.locator(`a[href="/me/messages/${id}"]`) });
  assert.equal(await row.locator('td[data-status]').getAttribute('data-status'), 'pending');
  assert.ok(await row.isVisible());
  await ctx.close();
});

test('keyboard only: a citizen signs up for an open-month activity; the ticket says 报名成功', async () => {
  const id = Number(psql(`INSERT INTO om_activities (title, dept_id, starts_at, ends_at, place, capacity,
        signup_until, vote_from, vote_until)
      SELECT '键盘报名活动 ${run}', id, now() + interval '10 days', now() + interval '10 days 2 hours',
             '区政务服务中心', 10, now() + interval '9 days', now() - interval '1 day', now() + interval '5 days'
      FROM departments WHERE code = 'qfb' RETURNING id`));
  const ctx = await contextOf(await newCitizen('s'));
  const page = await ctx.newPage();
  await page.goto(`${BASE}/open-month/${id}`);
  await tabTo(page, '#f-name');
  await page.keyboard.type('键盘用户');
  await press(page, 'Tab', '#f-phone');
  await page.keyboard.type('13912' + String(Date.now()).slice(-6));
  await press(page, 'Tab', 'button[type=submit], input[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/me\/tickets\//);
  const status = page.locator('.om-status strong').first();
  assert.equal(await status.textContent(), '报名成功');
  assert.ok(await status.isVisible());
  await ctx.close();
});

test('keyboard only: staff answer a message on the admin page; the reply is shown', async () => {
  const mid = psql(`INSERT INTO board_messages (policy_id, author_id, kind, body, is_public, status, dept_id)
    SELECT p.id, (SELECT id FROM users WHERE role = 'citizen' ORDER BY id LIMIT 1), 'consult',
           '键盘答复测试 ${run}', false, 'published', p.dept_id
    FROM board_policies p JOIN departments d ON d.id = p.dept_id
    WHERE d.code = 'qfb' ORDER BY p.id LIMIT 1 RETURNING id`);
  assert.ok(mid, 'a qfb policy for the message');
  const ctx = await contextOf(await clientAs('staff'));
  const page = await ctx.newPage();
  await page.goto(`${BASE}/admin/messages/${mid}`);
  await tabTo(page, `form[action="/admin/messages/${mid}/reply"] textarea[name=body]`);
  const reply = `您好，键盘答复 ${run}：一般 5 个工作日内办结。`;
  await page.keyboard.type(reply);
  await press(page, 'Tab', `form[action="/admin/messages/${mid}/reply"] button[type=submit], form[action="/admin/messages/${mid}/reply"] input[type=submit]`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const shown = page.locator('section.reply');
  assert.ok(await shown.isVisible());
  assert.match(await shown.textContent(), new RegExp(`键盘答复 ${run}`));
  assert.equal(psql(`SELECT status FROM board_messages WHERE id = ${mid}`), 'replied');
  await ctx.close();
});

test('keyboard only: the dashboard form and the staff home tiles are reachable with visible focus', async () => {
  const ctx = await contextOf(await clientAs('admin'));
  const page = await ctx.newPage();
  await page.goto(`${BASE}/admin`);
  await tabTo(page, 'a[href="/admin/dashboard"]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/admin\/dashboard$/);
  await tabTo(page, '#f-year');
  await press(page, 'Tab', '#f-dept');
  await press(page, 'Tab', 'button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /year=\d{4}&dept=0/);
  assert.ok(await page.locator('svg.chart').first().isVisible());
  await ctx.close();
});
