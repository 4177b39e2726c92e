// Every HTML page of the route table, as anonymous, citizen and staff, in
// normal and large-text mode, must pass axe-core at WCAG 2.1 AA with zero
// violations. A new page is checked as soon as its route exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BASE, clientAs, routeTable, samplePath } from '../lib/client.mjs';
import { launch } from '../lib/browser.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
// Not pages: feeds, calendars, downloads, redirects, probes.
const NOT_HTML = /\.(atom|ics|csv|xml)$|^\/healthz$|^\/prefs\/|\/(draw|signups)\b.*\.|\/reports\//;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function check(role, large) {
  const who = await clientAs(role);
  // axe is injected as a script, which the pages' CSP would refuse.
  const ctx = await browser.newContext({ bypassCSP: true });
  const cookies = [...who.jar].map(([name, value]) => ({ name, value, url: BASE }));
  if (large) cookies.push({ name: 'gk_mode', value: 'large', url: BASE });
  await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  const problems = [];
  let checked = 0;
  for (const r of routeTable()) {
    if (r.method !== 'GET' || NOT_HTML.test(r.pattern)) continue;
    const path = samplePath(r.pattern);
    const res = await page.goto(BASE + path);
    if (!(res.headers()['content-type'] || '').startsWith('text/html')) continue;
    await page.addScriptTag({ path: AXE });
    const out = await page.evaluate(() => globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    checked++;
    for (const v of out.violations) {
      problems.push(`${role}${large ? ' large' : ''} ${path} (${res.status()}): ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }
  }
  await ctx.close();
  assert.ok(checked >= 5, `pages checked: ${checked}`);
  assert.deepEqual(problems, []);
}

for (const role of ['anonymous', 'citizen', 'staff']) {
  for (const large of [false, true]) {
    test(`axe-core: every page as ${role}${large ? ', large-text mode' : ''} has no WCAG 2.1 AA violation`, () => check(role, large));
  }
}
