// The admin's views of the dashboard and the staff home (a11y.test.mjs
// walks the route table as anonymous, citizen and staff, not as admin):
// axe-core at WCAG 2.1 AA in normal and large-text mode, charts drawn and
// not wider than the screen of a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BASE, clientAs } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const large of [false, true]) {
  test(`admin dashboard and staff home pass axe-core${large ? ' in large-text mode' : ''}, charts fit a phone`, async () => {
    const who = await clientAs('admin');
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    const cookies = [...who.jar].map(([name, value]) => ({ name, value, url: BASE }));
    if (large) cookies.push({ name: 'gk_mode', value: 'large', url: BASE });
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    const problems = [];
    for (const p of ['/admin/dashboard', '/admin/dashboard?year=2025&dept=1', '/admin']) {
      const res = await page.goto(BASE + p);
      assert.equal(res.status(), 200, p);
      await page.addScriptTag({ path: AXE });
      const out = await page.evaluate(() => globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      for (const v of out.violations) problems.push(`${p}: ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(over <= 0, `${p} overflows by ${over}px`);
    }
    await page.goto(`${BASE}/admin/dashboard`);
    assert.equal(await page.locator('svg.chart[role=img]').count(), 3);
    // the chart's letters are at least 12 CSS pixels on a phone in large mode
    if (large) {
      const px = await page.evaluate(() => {
        const t = document.querySelector('svg.chart .bar-label');
        return t.getBoundingClientRect().height;
      });
      assert.ok(px >= 12, `month labels ${px}px high`);
    }
    await ctx.close();
    assert.deepEqual(problems, []);
  });
}
